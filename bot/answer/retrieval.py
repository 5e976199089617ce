"""Retrieval: question -> candidate articles -> ranked sentences, or a refusal."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from bot.answer.messages import count, fit, say
from bot.answer.question import Question, Term
from bot.answer.rank import TRANSLATION_WEIGHT, ScoredSentence, idf, score_sentences
from bot.answer.refusals import (
    covers_too_little,
    lacks_a_rare_word,
    names_only,
    names_someone_else,
    one_word_across_languages,
    says_only_common_words,
    tells_of_something_else,
    tells_of_years,
    years_asked,
)
from bot.answer.rerank import rerank
from bot.llm.client import LLMError
from bot.llm.embed import Embedder
from bot.text import is_unspaced, sentences_of, stem_words, words
from bot.text.english import is_ordinary_english
from bot.text.similarity import closest_spelling, fold_near_duplicates
from storage import (
    Article,
    Database,
    TenantScope,
    any_matching,
    count_articles,
    count_matching_any,
    get_articles,
    index_terms_of,
    search_articles,
    starting_with,
    visible_ids,
)

__all__ = ["CANDIDATES", "Retrieval", "Retriever"]

log = logging.getLogger(__name__)

CANDIDATES = 12
# How many of the index's best matches are weighed again here (`rerank`), so that SQLite
# and PostgreSQL, whose own rankings differ, pick from them the same way.
POOL = 40
# A term this few articles hold brings every one of them to be weighed.
RARE = 10
VECTOR_SENTENCES = 60
RRF_K = 60
IDF_FLOOR = 200
# A best sentence covering less than this share of the question's weight does not answer it.
MIN_COVERAGE = 0.25
# How much the best sentence's article, as a whole, counts towards that.
ARTICLE_SUPPORT = 0.5
# A name this long may open a compound ("Nobel" in "Nobelkomiteen"); a shorter one would
# open too many words by chance ("Ole" in "olje").
COMPOUND_NAME = 4
# An everyday word opens compounds by chance more often than a name does: only a
# longer one is looked for so ("hjem" opens "hjemmet", "hjemme", "hjemlig").
COMPOUND_WORD = 6
# A word no article holds this long may be a compound of two they hold; each part at
# least this long ("krefttype": "kreft" + "type").
SPLIT_WORD = 8
SPLIT_PART = 3
# Each split costs two lookups a letter: a long question's first few such words only,
# and no word longer than any compound.
MAX_SPLITS = 3
LONGEST_SPLIT = 30
# A word of the question repeated in a refusal is cut to this many characters.
SUBJECT_WORD = 40


def _frequency(session: Session, term: Term) -> int:
    """How many articles hold ``term`` in any of its forms, its loose translations aside:
    the words of an English phrase for a Norwegian word ("general" of "general
    practitioner" for "fastleger") are often words of Norwegian articles too, and would
    make a rare word look common."""
    if term.loose:
        loose = set(term.loose)
        return count_matching_any(session, [f for f in term.all_forms if f not in loose])
    return count_matching_any(session, term.all_forms)


def _read_by_parts(
    session: Session, question: Question, missing: list[str], seen: TenantScope | None
) -> list[str]:
    """Those of the ``missing`` names that an article holds by their parts' English
    (`Term.parts`): a word of the first part and one of the last, in one article."""
    out = []
    for term in question.terms:
        head, tail = term.parts
        if term.exact not in missing or not head or not tail:
            continue
        found = search_articles(session, [*head, *tail], limit=POOL, visible_to=seen)
        for held in index_terms_of(session, [article_id for article_id, _ in found]).values():
            words_held = set(held.split())
            if words_held & set(head) and words_held & set(tail):
                out.append(term.exact)
                break
    return out


def _joined(items: list[str], conjunction: str) -> str:
    """Items as a sentence lists them: "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


_NAME_PARTS = re.compile(r"[-'’.,_]")


def _names_written(question: Question, names: list[str]) -> list[str]:
    """``names`` (lower-cased question terms) as the question wrote them, a full name
    whole when all its parts are among them ("Erna Solberg", not "Erna", "Solberg")."""
    written = {name.lower(): name for name in question.names}
    # And each part of one, as the terms are: "Lyon" of "Lyon's" or "Lyon-saken".
    for name in question.names:
        for part in _NAME_PARTS.split(name):
            written.setdefault(part.lower(), part)
    out: list[str] = []
    for name in names:
        full = next((f for f in question.full_names if name in f), (name,))
        parts = full if all(p in names for p in full) else (name,)
        out.append(" ".join(written.get(p, p) for p in parts))
    return list(dict.fromkeys(out))


def _listed(items: list[str], language: str) -> str:
    """Words quoted and listed as a sentence lists them: “a”, “b” and “c”."""
    quoted = [f"“{fit(item, SUBJECT_WORD)}”" for item in items]
    return _joined(quoted, "og" if language == "no" else "and")


def _named(question: Question) -> str:
    """The names a question asks about, as written: a full name whole."""
    held = [t.exact for t in question.terms if t.is_name]
    return _joined(_names_written(question, held), "og" if question.language == "no" else "and")


def _renamed(
    question: Question, frequencies: dict[str, int], old: str, new: str
) -> tuple[Question, dict[str, int]]:
    """``question`` with its name ``old`` read as ``new``, which it writes capitalised
    ("Fossenholm" read as "Fossesholm"). Its full names stay as asked: a genitive read
    bare ("Nobels" as "nobel") is no surname of the name before it ("Al Gore Nobels")."""
    terms = [
        Term(exact=new, stem=new, is_name=True) if t.exact == old else t for t in question.terms
    ]
    frequencies = {(new if k == old else k): v for k, v in frequencies.items()}
    names = [new[:1].upper() + new[1:] if n.lower() == old else n for n in question.names]
    return replace(question, terms=terms, names=names), frequencies


def _compound_parts(session: Session, word: str, seen: TenantScope | None) -> list[tuple[str, int]]:
    """The two words a Norwegian compound is made of, each with how many articles hold
    it, where the articles hold both: of the ways to split it, the one whose parts are
    commonest together (the geometric mean of their counts). Empty when none is.
    A linking "s" or "e" ("valgs-", "barne-") belongs to neither part."""
    best: tuple[float, list[tuple[str, int]]] = (0.0, [])
    for cut in range(SPLIT_PART, len(word) - SPLIT_PART + 1):
        head, tail = word[:cut], word[cut:]
        tail_found = count_matching_any(session, [tail, *stem_words([tail], "no")], visible_to=seen)
        if not tail_found:
            continue
        heads = [head] + ([head[:-1]] if head[-1] in "se" and cut > SPLIT_PART else [])
        for first in heads:
            head_found = count_matching_any(
                session, [first, *stem_words([first], "no")], visible_to=seen
            )
            if head_found and (head_found * tail_found) ** 0.5 > best[0]:
                best = ((head_found * tail_found) ** 0.5, [(first, head_found), (tail, tail_found)])
    return best[1]


def _fuse(
    hits: list[tuple[int, float]], semantic: dict[tuple[int, int], float]
) -> dict[int, float]:
    """Candidate articles and their scores in [0, 1], best first.

    Words only: BM25 scaled by the best. With vectors: reciprocal rank fusion of the
    full-text ranking and the ranking by each article's best sentence similarity.
    """
    if not semantic:
        top = hits[0][1] if hits and hits[0][1] > 0 else 1.0
        return {article_id: score / top for article_id, score in hits}
    by_meaning: dict[int, float] = {}
    for (article_id, _position), sim in semantic.items():
        by_meaning[article_id] = max(sim, by_meaning.get(article_id, -1.0))
    fused: dict[int, float] = {}
    for ranking in (
        [a for a, _ in hits],
        sorted(by_meaning, key=by_meaning.__getitem__, reverse=True),
    ):
        for rank, article_id in enumerate(ranking[:CANDIDATES]):
            fused[article_id] = fused.get(article_id, 0.0) + 1.0 / (RRF_K + rank)
    best = sorted(fused.items(), key=lambda item: item[1], reverse=True)[:CANDIDATES]
    top = best[0][1]
    return {article_id: score / top for article_id, score in best}


@dataclass
class Retrieval:
    """What was found for a question: candidate articles and their ranked sentences."""

    question: Question
    total: int
    articles: dict[int, Article]
    ranked: list[ScoredSentence]
    refusal: str | None = None
    # What the answer must be told with: the best article names what was asked about
    # but never says the rest of the question's words (`names_only`).
    caveat: str | None = None


class Retriever:
    """Finds the articles and sentences that may answer a question, or says why none do."""

    def __init__(self, db: Database, embedder: Embedder | None, min_similarity: float) -> None:
        self.db = db
        self.embedder = embedder
        self.min_similarity = min_similarity

    def retrieve(
        self, question: Question, now: datetime, *, visible_to: TenantScope | None = None
    ) -> Retrieval:
        language = question.language if question.language in ("no", "en") else "en"
        since = question.since(now)
        semantic = self._semantic(question)
        seen = visible_to
        with self.db.session() as session:
            if seen is not None and semantic:
                shown = visible_ids(session, {aid for aid, _ in semantic}, seen)
                semantic = {key: sim for key, sim in semantic.items() if key[0] in shown}
            strong_meaning = any(sim >= self.min_similarity for sim in semantic.values())
            # Everyone's articles: the statistics that weigh terms. What a tenant is told
            # counts only its own view (`_shown`), and only when a message needs it.
            total = count_articles(session)
            if total == 0:
                return Retrieval(question, 0, {}, [], say("no_articles", language))
            if not question.terms and not strong_meaning:
                return Retrieval(question, total, {}, [], say("no_terms", language))
            frequencies = {term.exact: _frequency(session, term) for term in question.terms}
            if seen is not None:
                # A term only other tenants' articles hold is, here, a term none holds.
                for term in question.terms:
                    if frequencies[term.exact] and not any_matching(session, term.all_forms, seen):
                        frequencies[term.exact] = 0
            missing_names = [
                t.exact for t in question.terms if t.is_name and frequencies[t.exact] == 0
            ]
            if missing_names and len(missing_names) < len(question.terms):
                question, frequencies = self._respell(
                    session, question, frequencies, missing_names, seen
                )
                missing_names = [
                    t.exact for t in question.terms if t.is_name and frequencies[t.exact] == 0
                ]
            # A name glued into a compound is there: "Nobel" in "Nobelkomiteen"; so is a
            # word no article holds alone ("baseball" in "baseballkampen").
            # The articles that hold it so join the candidates below.
            unheard = [
                t.exact
                for t in question.terms
                if not t.is_name and frequencies[t.exact] == 0 and len(t.exact) >= COMPOUND_WORD
            ]
            opening = {
                m: starting_with(session, m, limit=POOL, visible_to=seen)
                for m in [*missing_names, *unheard]
                if len(m) >= COMPOUND_NAME
            }
            # A genitive glued into a compound drops its "s": "Nobels" in "Nobelkomiteen".
            for name in [m for m in missing_names if m in opening and not opening[m]]:
                bare = name[:-1]
                if name.endswith("s") and len(bare) >= COMPOUND_NAME and bare not in opening:
                    ids = starting_with(session, bare, limit=POOL, visible_to=seen)
                    if ids:
                        question, frequencies = _renamed(question, frequencies, name, bare)
                        missing_names = [bare if m == name else m for m in missing_names]
                        opening[bare] = ids
            glued = [m for m, ids in opening.items() if ids]
            parted = [
                w for w in unheard if w not in glued and SPLIT_WORD <= len(w) <= LONGEST_SPLIT
            ][:MAX_SPLITS]
            if parted and question.language == "no":
                question, frequencies = self._split_compounds(
                    session, question, frequencies, parted, seen
                )
            for name in glued:
                frequencies[name] = 1 if name in missing_names else len(opening[name])
            missing_names = [m for m in missing_names if m not in glued]
            # A Norwegian name no article holds may be a compound an English article
            # says in its parts' words: "Berlinmurens" is "the Berlin Wall".
            by_parts = _read_by_parts(session, question, missing_names, seen)
            # Its parts' English are its (loose) translations; `demoted` below makes it a
            # word.
            if by_parts:
                terms = [
                    replace(t, translations=parts, loose=parts)
                    if t.exact in by_parts and (parts := (*t.parts[0], *t.parts[1]))
                    else t
                    for t in question.terms
                ]
                question = replace(question, terms=terms)
            # Names no article holds that are not what the question is about, so not
            # insisted on:
            # - a given name before a surname the articles hold ("Dominik Paris" where
            #   they say "Paris"; one naming another given name with that surname is
            #   someone else, `names_someone_else`). Ordinary words are neither: in
            #   "Champions League" nothing is a given name.
            # - words an English question capitalises as a title ("the Ministry of
            #   Justice", "World Championship golds") that are ordinary words the
            #   Norwegian article says in its own.
            given = {
                name
                for *names, surname in question.full_names
                if frequencies.get(surname) and not is_ordinary_english(surname)
                for name in names
                if not is_ordinary_english(name)
            }
            demoted = [
                m
                for m in missing_names
                if m in given or m in by_parts or (language == "en" and is_ordinary_english(m))
            ]
            if demoted:
                terms = [
                    replace(t, is_name=False) if t.exact in demoted else t for t in question.terms
                ]
                question = replace(question, terms=terms)
                missing_names = [m for m in missing_names if m not in demoted]
            if missing_names or not (
                any(frequencies.values())
                or strong_meaning
                or any(t.loose and count_matching_any(session, t.loose) for t in question.terms)
            ):
                subject = self._subject(question, missing_names, language)
                shown_total = self._shown(session, total, seen)
                if shown_total == 0:
                    return Retrieval(question, 0, {}, [], say("no_articles", language))
                key = "nothing_about" if missing_names else "no_words"
                text = say(key, language, subject=subject, total=count(shown_total, language))
                return Retrieval(question, shown_total, {}, [], text)
            pool = search_articles(
                session, question.search_terms, limit=POOL, since=since, visible_to=seen
            )
            # A term no article holds keeps its full weight: the answer cannot cover it.
            # In a small collection every word is rare; count as if there were at least
            # IDF_FLOOR articles so that one shared name still weighs like a name.
            weights = {exact: idf(df, max(total, IDF_FLOOR)) for exact, df in frequencies.items()}
            order = [article_id for article_id, _ in pool]
            # The rarest terms' articles are all weighed, wherever the index ranked them:
            # PostgreSQL's ranking knows no rarity, and a common word's many forms
            # ("kommer", "kom", "komme") would crowd out the few articles with the name.
            # One search for them all: each holds at most RARE articles, so RARE a term
            # finds every one.
            rarest = [
                t
                for t in question.terms
                if 0 < frequencies[t.exact] <= RARE and t.exact not in glued
            ]
            if rarest:
                rare = search_articles(
                    session,
                    [form for t in rarest for form in t.all_forms],
                    limit=RARE * len(rarest),
                    since=since,
                    visible_to=seen,
                )
                order += [article_id for article_id, _ in rare if article_id not in order]
            # Articles that hold a name only inside a compound ("Berlinmuren") hold no
            # index term the search looked for: they join the pool by that prefix.
            for name in glued:
                order += [article_id for article_id in opening[name] if article_id not in order]
            terms_by_id = index_terms_of(session, order)
            hits = rerank(question, terms_by_id, weights, order, glued=frozenset(glued))
            hits = hits[:CANDIDATES]
            scores = _fuse(hits, semantic)
            articles = get_articles(session, list(scores))
        if since is not None:
            articles = {i: a for i, a in articles.items() if a.sort_time >= since}
        if not articles:
            shown_total = self._told(total, seen)
            # "Nothing in that period" only when the question named one.
            key = "nothing_recent" if since is not None else "no_answer"
            return Retrieval(
                question,
                shown_total,
                {},
                [],
                say(key, language, total=count(shown_total, language)),
            )
        unfound = frozenset(e for e, df in frequencies.items() if df == 0 and e not in demoted)
        ranked: list[ScoredSentence] = []
        for article_id in fold_near_duplicates(list(scores), articles):
            article = articles[article_id]
            meaning = {pos: sim for (aid, pos), sim in semantic.items() if aid == article_id}
            ranked.extend(
                score_sentences(
                    question,
                    article_id,
                    sentences_of(article),
                    article.language,
                    weights,
                    scores[article_id],
                    title=article.title,
                    semantic=meaning,
                    unfound=unfound,
                )
            )
        ranked.sort(key=lambda s: s.score, reverse=True)
        # A year the question names is part of what it asks: "who won the league in 2023"
        # is not answered by an article of 2019 that never mentions 2023.
        years = years_asked(question)
        if years:
            fits = {i for i, a in articles.items() if tells_of_years(a, years)}
            ranked = [s for s in ranked if s.article_id in fits]
        # Nor from articles about someone else of the same surname.
        if question.full_names and ranked:
            others = {i for i, a in articles.items() if names_someone_else(question, a)}
            ranked = [s for s in ranked if s.article_id not in others]
        # A question that names someone or something is not answered from an article
        # that never mentions them, however well its common words match.
        names_asked = any(t.is_name for t in question.terms)
        if names_asked and ranked and not ranked[0].article_names:
            # Past a better match that never names them, to the best article that names
            # them all: it answers if it says more of what is asked than the names.
            every = sum(t.is_name for t in question.terms)
            named = [s for s in ranked if s.article_names == every]
            if named and named[0].matched_words > named[0].matched_names:
                ranked = named
        # The best sentence must cover enough of the question; what the rest of its
        # article covers (its captions too) counts for part.
        best_coverage = max(
            (s.coverage for s in ranked if s.article_id == ranked[0].article_id), default=0.0
        )
        weak = not ranked or (
            max(best_coverage, ARTICLE_SUPPORT * ranked[0].article_coverage)
            < self._least_coverage(question, articles[ranked[0].article_id])
            and ranked[0].similarity < self.min_similarity
        )
        weak = weak or (
            ranked[0].similarity < self.min_similarity
            and covers_too_little(
                question, ranked[0], articles[ranked[0].article_id].language, total
            )
        )
        quotable = any(s.article_id == ranked[0].article_id and not s.caption for s in ranked)
        # An English title no article holds ("the Titanic") is what the question is about:
        # one other word of it matching ("sink" as "synke"), or a year beside it, is
        # luck, not an answer. So is one word when only the headline gives the names asked
        # ("... | Kristoffer Sætaberget"): the text must say more of what is asked.
        named_in_headline_only = names_asked and not any(
            s.matched_names for s in ranked if s.article_id == ranked[0].article_id
        )
        lucky = (
            (bool(demoted) or named_in_headline_only)
            and bool(ranked)
            and ranked[0].matched_words < 2
        )
        # Across languages, one word of several in common is a translation met by luck;
        # so is it in any language when a rare word of the question is not there.
        lucky = lucky or (
            bool(ranked)
            and ranked[0].similarity < self.min_similarity
            and (
                one_word_across_languages(
                    question, ranked[0], articles[ranked[0].article_id].language
                )
                or lacks_a_rare_word(question, ranked[0], frequencies, total)
            )
        )
        elsewhere = bool(ranked) and tells_of_something_else(
            question, ranked[0], frequencies, weights
        )
        chance = (
            bool(ranked)
            and ranked[0].similarity < self.min_similarity
            and says_only_common_words(question, ranked[0], weights)
        )
        if (
            elsewhere
            or chance
            or weak
            or lucky
            or not quotable
            or (names_asked and not ranked[0].article_names)
        ):
            log.debug(
                "refused %r: elsewhere=%s chance=%s weak=%s lucky=%s quotable=%s names=%s",
                question.text,
                elsewhere,
                chance,
                weak,
                lucky,
                quotable,
                bool(ranked) and names_asked and not ranked[0].article_names,
            )
            shown_total = self._told(total, seen)
            text = say("no_answer", language, total=count(shown_total, language))
            return Retrieval(question, shown_total, articles, ranked, text)
        unsaid = (
            names_only(
                question,
                ranked[0],
                frequencies,
                max(total, IDF_FLOOR),
                articles[ranked[0].article_id].language,
            )
            if ranked[0].similarity < self.min_similarity
            else []
        )
        caveat = (
            say(
                "names_only_word" if len(unsaid) == 1 else "names_only_words",
                language,
                names=_named(question),
                words=_listed(unsaid, language),
            )
            if unsaid
            else None
        )
        return Retrieval(question, total, articles, ranked, caveat=caveat)

    @staticmethod
    def _least_coverage(question: Question, article: Article) -> float:
        """The share of the question's weight the best sentence must cover. A translation
        counts for less than the word itself (TRANSLATION_WEIGHT), so across languages
        the bar is lowered by as much."""
        if question.language != article.language:
            return MIN_COVERAGE * TRANSLATION_WEIGHT
        return MIN_COVERAGE

    @staticmethod
    def _shown(session: Session, total: int, seen: TenantScope | None) -> int:
        """How many articles the asker may see (all ``total`` for the operator)."""
        return total if seen is None else count_articles(session, visible_to=seen)

    def _told(self, total: int, seen: TenantScope | None) -> int:
        """`_shown` in a session of its own, for a refusal made after retrieval."""
        if seen is None:
            return total
        with self.db.session() as session:
            return self._shown(session, total, seen)

    def _semantic(self, question: Question) -> dict[tuple[int, int], float]:
        """(article id, sentence position) -> similarity to the question, when embeddings
        are configured; empty otherwise or when the server fails (the log says why)."""
        if self.embedder is None:
            return {}
        try:
            hits = self.embedder.nearest(question.text, limit=VECTOR_SENTENCES)
        except LLMError as exc:
            log.warning("searching by words only: %s", exc)
            return {}
        except Exception:
            # Search by meaning is an extra: whatever breaks there, words still answer.
            log.exception("searching by words only: the vector search failed")
            return {}
        return {(article_id, position): sim for article_id, position, sim in hits}

    @staticmethod
    def _respell(
        session: Session,
        question: Question,
        frequencies: dict[str, int],
        missing: list[str],
        seen: TenantScope | None = None,
    ) -> tuple[Question, dict[str, int]]:
        """Names typed slightly wrong ("Fossenholm" for "Fossesholm"): look for a close
        spelling in the articles the rest of the question finds."""
        others = [t for t in question.terms if t.exact not in missing]
        forms = [f for t in others for f in t.forms]
        hits = search_articles(session, forms, limit=CANDIDATES, visible_to=seen)
        vocabulary: set[str] = set()
        for article in get_articles(session, [i for i, _ in hits]).values():
            vocabulary.update(words(article.title + " " + article.text))
        for name in missing:
            spelling = closest_spelling(name, vocabulary)
            if spelling is None:
                continue
            log.info("reading %r as %r", name, spelling)
            question, frequencies = _renamed(question, frequencies, name, spelling)
            respelled = next(t for t in question.terms if t.exact == spelling)
            frequencies[spelling] = count_matching_any(session, respelled.forms, visible_to=seen)
        return question, frequencies

    @staticmethod
    def _split_compounds(
        session: Session,
        question: Question,
        frequencies: dict[str, int],
        unheard: list[str],
        seen: TenantScope | None,
    ) -> tuple[Question, dict[str, int]]:
        """Norwegian compounds no article holds ("presidentvalgkampen"), asked as their
        parts where the articles hold both ("president", "valgkampen")."""
        frequencies = dict(frequencies)
        terms: list[Term] = []
        for term in question.terms:
            parts = _compound_parts(session, term.exact, seen) if term.exact in unheard else []
            if not parts:
                terms.append(term)
                continue
            frequencies.pop(term.exact, None)
            for part, found in parts:
                if part in frequencies:
                    continue  # the question asks it already
                stem = stem_words([part], "no")[0]
                terms.append(Term(exact=part, stem=stem, is_name=False))
                frequencies[part] = found
        return replace(question, terms=terms), frequencies

    @staticmethod
    def _subject(question: Question, missing: list[str], language: str) -> str:
        """What a refusal says nothing was found about: the missing names as written,
        a full name whole ("Erna Solberg", not "Erna or Solberg")."""
        if missing:
            # A full name whole when no part of it was found; else only the part.
            names = _names_written(question, missing)
            return _joined(names, "eller" if language == "no" else "or")
        if is_unspaced(question.text):
            # Its words are pairs of characters ("气象", "象厅"): what was typed says it.
            return f"“{fit(question.text.rstrip('?？!！.。 '), SUBJECT_WORD)}”"
        return ", ".join(f"“{fit(t.exact, SUBJECT_WORD)}”" for t in question.terms[:4])
