"""Sentence ranking: which quoted sentences answer the question best. Pure functions."""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from bot.answer.question import Question, Term
from bot.text import STOPWORDS, fold_letters, plain_letters, stem_words, tokenize, words
from bot.text.calendar_names import MONTHS, WEEKDAYS
from bot.text.captions import is_caption
from bot.text.tokens import (
    abbreviations,
    has_accents,
    is_name_token,
    is_plain,
    written_as_name,
)

__all__ = [
    "ScoredSentence",
    "SentenceFeatures",
    "holds_answer_type",
    "idf",
    "score_sentences",
    "term_forms",
]

_NUMBER_WORDS = frozenset(
    """
    en ett én to tre fire fem seks sju syv åtte ni ti elleve tolv tretten fjorten femten
    seksten sytten atten nitten tjue tretti førti femti seksti sytti åtti nitti hundre
    tusen million millioner milliard milliarder halvparten dobbelt
    one two three four five six seven eight nine ten eleven twelve twenty thirty forty
    fifty hundred thousand million millions billion billions half dozen
    """.split()
)
_TIME_WORDS = frozenset(
    [
        *(name for language in ("no", "en") for name in (*MONTHS[language], *WEEKDAYS[language])),
        *"""
        klokken kl i går i morgen yesterday tomorrow tonight morning
        kveld morgen natt ettermiddag formiddag helgen weekend uke uken måned år året
        """.split(),
    ]
)
_REASON = re.compile(
    r"\b(fordi|på grunn av|grunnet|skyldes|slik at|for å|derfor|ettersom|siden|because|due to"
    r"|since|so that|in order to|as a result|therefore"
    r"|årsaken?|grunnen|reason|caused? by)\b",
    re.IGNORECASE,
)
_YEAR_OR_TIME = re.compile(r"\b(1[89]\d\d|20\d\d)\b|\b\d{1,2}[.:]\d{2}\b|\b\d{1,2}\. ?[a-zæøå]+")
_PLACE = re.compile(r"\b(i|på|fra|til|in|at|from|near|ved)\s+[A-ZÆØÅ]\w+")
_DIGIT = re.compile(r"\d")
_ENDS = ".!?…:; 。！？।։።။។"
# A person's full name: two or more capitalised words ("James Stove Lorentzen").
_FULL_NAME = re.compile(r"\b[A-ZÆØÅ][a-zæøåé]+(?:[ -][A-ZÆØÅ][a-zæøåé]+)+")
# A person the sentence before named, referred to again: "I fjor flyttet han til USA".
_PERSON_PRONOUN = re.compile(r"\b(han|hun|ham|henne|hans|hennes|he|she|him|her|his|hers)\b")
_PARTS = re.compile(r"[-'’.,_]")
# A headline written as a sentence ends in a full stop; one ending in "?" asks what its
# text answers ("Hva skjer med strømprisen?"). Chinese and Japanese write a wide one.
_ENDS_SENTENCE = (".", "。", "।", "։", "።", "။", "។")
_NAME_PREFIX = re.compile(r"(\w+)-(\w[\w-]*)")

# How much each signal adds to a sentence's term coverage (which lies in [0, 1]).
ARTICLE_WEIGHT = 0.5
TYPE_WEIGHT = 0.3
POSITION_WEIGHT = 0.04
PHRASE_WEIGHT = 0.15
# A question word found only inside a compound ("nattog" in "nattogtilbudet").
COMPOUND_WEIGHT = 0.6
# The endings a compound's last part takes ("-ene" in "toppmøtene", "-t" in
# "klimatoppmøtet"): a word that only holds the part before other letters is another word
# ("sult" is no part of "resultat"). Chosen as Norwegian inflects, not by the benchmark: the
# tuning answers are the same as with any three letters, and two more absent-topic
# questions in each language are refused.
INFLECTIONS = frozenset("e n t r s a en et er es ne te de ar ere est ene ens ets ers ane".split())
_VOWELS = frozenset("aeiouyæøå")
# A question word found only as its translation ("hospital" as "sykehuset").
TRANSLATION_WEIGHT = 0.8
# A question word the lexicon cannot translate, in an article of the other language.
UNTRANSLATED_WEIGHT = 0.4
LOCAL_WEIGHT = 1.0
# How much of the question the sentence's article covers anywhere: with 364 questions of
# our own to tune on, 0.4-0.6 beat 0.2 on the tuning questions (and the checking half).
COVERAGE_WEIGHT = 0.5
# Each word pair the sentence shares with the question, in the same order (up to three).
PAIR_WEIGHT = 0.1
# A name the sentence before holds, in a sentence that refers back to a person ("han").
CARRIED_WEIGHT = 0.7
# Similarity by meaning (cosine, from an embeddings endpoint) counts like term coverage.
SEMANTIC_WEIGHT = 1.0
# Where a headline is weighed among an article's sentences: before them, never quoted.
_HEADLINE = -1
# What the lead stands for of a headline whose words no sentence of the text holds (`_lead`),
# and how long it is at least (a shorter line is a heading or a caption: "F-35.").
LEAD_SHARE = 0.5
_LEAD_WORDS = 6


@dataclass(frozen=True)
class SentenceFeatures:
    """The words of one sentence, precomputed once per ranking."""

    exact: frozenset[str]
    stems: frozenset[str]
    names: frozenset[str]
    length: int
    # Exact forms and stems of the words that are not names here ("hull", not "Hole").
    common: frozenset[str] = frozenset()
    # Exact forms and stems of the words written with a capital ("Høyre", not "høyre").
    capitalised: frozenset[str] = frozenset()
    # Word parts written with a capital, as written ("NRKs", "Sarraj"), for abbreviations.
    capital_parts: tuple[str, ...] = ()
    # The words in order, for the word pairs it shares with the question (`_shared_pairs`).
    sequence: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScoredSentence:
    article_id: int
    index: int
    text: str
    score: float  # compares sentences across articles: picks the article
    coverage: float
    matched_names: int
    local_score: float = 0.0  # compares sentences within one article: picks the quote
    article_names: int = 0  # how many of the question's names the article holds anywhere
    similarity: float = 0.0  # to the question by meaning, when embeddings are configured
    article_coverage: float = 0.0  # the question's weight the article covers anywhere
    # The question's terms (exact forms) the article holds anywhere, in any form.
    article_terms: frozenset[str] = frozenset()
    # A caption or photo credit helps pick the article but is never quoted: it describes
    # a picture the reader cannot see.
    caption: bool = False
    # How many of the question's words (numbers aside) the sentence holds, in any form.
    matched_words: int = 0
    # What each question term it holds adds to its coverage: (exact form, share).
    covers: tuple[tuple[str, float], ...] = ()


def term_forms(term: Term, language: str) -> set[str]:
    """The forms of a question term that may stand in an article in ``language``."""
    forms = set(term.forms)
    if not term.is_name:
        forms.update(stem_words([term.exact], language))
    return forms


def idf(document_frequency: int, total: int) -> float:
    return math.log(1 + (total - document_frequency + 0.5) / (document_frequency + 0.5))


# Sentences analysed lately: a question asked again meets the same ones. Few come back
# otherwise (2 % of lookups over 300 different questions), and each holds ~5.5 KB of
# sets, so a larger cache only grew the heap (110 MB at 20,000) and the collector's work.
@functools.lru_cache(maxsize=2048)
def features(sentence: str, language: str) -> SentenceFeatures:
    exact = words(sentence)
    plain_text = is_plain(sentence)
    tokens = tokenize(sentence if plain_text else fold_letters(sentence))
    # A lower-case token is no name and has no capitalised part: most tokens, tested once.
    upper = [t for t in tokens if not t.islower()]
    names = {t.lower() for t in tokens[1:] if not t.islower() and is_name_token(t)}
    # A name glued to an ordinary word by a hyphen is a name still: "Fosse" in "Jon
    # Fosse-markeringer" is no "foss" (waterfall). "Sør-Norge", capitalised throughout,
    # is a place whose parts are words.
    names.update(
        m.group(1).lower()
        for t in tokens[1:]
        if t[:1].isupper() and (m := _NAME_PREFIX.fullmatch(t)) and m.group(2)[:1].islower()
    )
    # Word parts written with a capital anywhere, the first word too ("Sarraj" in
    # "al-Sarraj"), with their stems ("Haftars" -> "haftar").
    capitals_raw = [p for t in upper for p in _PARTS.split(t) if written_as_name(p)]
    capitals = [p.lower() for p in capitals_raw]
    stemmed = stem_words(exact + capitals, language)
    stems = stemmed[: len(exact)]
    if names:
        common = {w for w in exact if w not in names}
        common.update(s for s, w in zip(stems, exact, strict=True) if w not in names)
    else:
        common = {*exact, *stems}
    # A word with accents is its plain letters too: "Kevin" asks of "Kévin".
    plain = (
        [p for w in exact if (p := plain_letters(w)) != w]
        if not plain_text and has_accents(sentence)
        else []
    )
    if plain:
        names |= {plain_letters(n) for n in names}
        capitals += [plain_letters(c) for c in capitals]
    return SentenceFeatures(
        exact=frozenset([*exact, *plain]),
        stems=frozenset(stems),
        names=frozenset(names),
        length=len(exact),
        common=frozenset(common),
        capitalised=frozenset([*capitals, *stemmed[len(exact) :]]),
        capital_parts=tuple(capitals_raw),
        sequence=tuple(exact),
    )


def _pairs(tokens: list[str]) -> set[tuple[str, str]]:
    """Adjacent word pairs that are not both function words: "første gang", "nummer fire"."""
    return {
        (a, b)
        for a, b in zip(tokens, tokens[1:], strict=False)
        if not (a in STOPWORDS and b in STOPWORDS)
    }


def _shared_pairs(question_pairs: set[tuple[str, str]], feats: SentenceFeatures) -> int:
    """How many of the question's word pairs stand side by side in the sentence. Both
    words are rarely there at all: only then is the sentence walked."""
    present = [(a, b) for a, b in question_pairs if a in feats.exact and b in feats.exact]
    if not present:
        return 0
    return len(set(present) & _pairs(list(feats.sequence)))


def _in_compound(term: Term, sentence_words: frozenset[str]) -> bool:
    """Norwegian glues words together: "trener" for Oppsal is an "Oppsaltrener"."""
    stem = term.stem if len(term.stem) >= 4 else term.exact
    return len(stem) >= 4 and _glued(stem, term.exact, sentence_words)


def _glued(head: str, tail: str, sentence_words: frozenset[str]) -> bool:
    """Whether a word of the sentence is a compound opening with ``head`` or ending in
    ``tail``, inflected: "toppmøte" + "t" in "klimatoppmøtet"."""
    return any(
        len(word) > len(head) + 2 and (word.startswith(head) or _ends_in(word, tail))
        for word in sentence_words
    )


def _ends_in(word: str, tail: str) -> bool:
    """Whether ``word`` ends in ``tail``, bare or inflected, its last consonant doubled
    before the ending as Norwegian does ("program" in "atomprogrammets")."""
    at = word.rfind(tail)
    if at <= 0:
        return False
    ending = word[at + len(tail) :]
    if ending[:1] == tail[-1] and ending[:1] not in _VOWELS:
        ending = ending[1:]
    return not ending or ending in INFLECTIONS


def _translation_in_compound(
    translations: frozenset[str],
    lowered: str,
    sentence_words: frozenset[str],
    names: frozenset[str] = frozenset(),
) -> bool:
    """A translation glued into a Norwegian compound: "peace" as "fred" in "fredsprisen",
    "summit" as "toppmøte" in "klimatoppmøtet". In a name (``names``) only as its last
    part, which says what it is: "coach" in "Oppsaltrener", but no "foss" (waterfall) in
    "Fossesholm"."""
    return any(
        len(form) >= 4
        and form in lowered
        and (
            _glued(form, form, sentence_words - names)
            or any(len(w) > len(form) + 2 and _ends_in(w, form) for w in names)
        )
        for form in translations
    )


def _lead(
    sentences: list[str], title: str, language: str, headline: dict[str, float]
) -> list[_Match]:
    """The article's first statement, standing for a headline that holds words of the
    question when no sentence of its text does ("Kampflyregningen har steget med 16
    milliarder", told in the text as "Totalregningen for kampflyinvesteringen ligger ...
    høyere"): news says first what its headline says. At `LEAD_SHARE` of the headline's
    match, for it says so in other words."""
    for index, sentence in enumerate(sentences):
        if is_headline(sentence, title) or is_caption(sentence):
            continue
        feats = features(sentence, language)
        if feats.length >= _LEAD_WORDS:
            return [(index, sentence, feats, {e: LEAD_SHARE * s for e, s in headline.items()})]
    return []


def is_headline(sentence: str, title: str) -> bool:
    """Whether ``sentence`` is the article's headline, its end punctuation aside."""
    return bool(title) and sentence.strip().rstrip(_ENDS) == title.strip().rstrip(_ENDS)


def holds_answer_type(question: Question, sentence: str, language: str) -> bool:
    """Whether ``sentence`` holds the kind of thing the question asks for (a name for
    "who", a time for "when", ...); False for questions of no such kind."""
    if question.kind == "who":
        # Someone named in full, not only any capitalised word ("Ap", "Oslo").
        asked = {t.exact for t in question.terms}
        return any(
            any(w not in asked and w[:-1] not in asked for w in words(m.group()))
            for m in _FULL_NAME.finditer(sentence)
        )
    return _answer_type_bonus(question, sentence, features(sentence, language)) > 0


def _answer_type_bonus(question: Question, sentence: str, feats: SentenceFeatures) -> float:
    """Does the sentence hold the kind of thing the question asks for?"""
    kind = question.kind
    asked = {t.exact for t in question.terms}
    if kind == "who":
        return 1.0 if any(name not in asked for name in feats.names) else 0.0
    if kind == "how_many":
        if _DIGIT.search(sentence) or (feats.exact & _NUMBER_WORDS) - asked:
            return 1.0
        return 0.0
    if kind == "when":
        return 1.0 if _YEAR_OR_TIME.search(sentence) or (feats.exact & _TIME_WORDS) - asked else 0.0
    if kind == "where":
        return 1.0 if _PLACE.search(sentence) else 0.0
    if kind == "why":
        return 1.0 if _REASON.search(sentence) else 0.0
    return 0.0


_Match = tuple[int, str, SentenceFeatures, dict[str, float]]


def _carry_names(
    question: Question, sentences: list[str], language: str, matches: list[_Match]
) -> list[_Match]:
    """News names a person once, then says "he" or "she": a sentence that refers back to
    a person holds, in part, the names of the question the sentence before it holds.
    ("Solvik-Olsen ..." then "I fjor flyttet han til USA" answers where he lives.)"""
    names = {term.exact for term in question.terms if term.is_name}
    if not names:
        return matches
    by_index = {match[0]: match for match in matches}
    out: list[_Match] = []
    for index, sentence in enumerate(sentences):
        match = by_index.get(index)
        before = by_index[index - 1][3] if index - 1 in by_index else {}
        carried = names & before.keys()
        if match is not None:
            carried -= match[3].keys()
        if carried and _PERSON_PRONOUN.search(sentence.lower()):
            if match is None:
                feats = features(sentence, language)
                if feats.length < 3:
                    continue
                match = (index, sentence, feats, {})
            found = dict(match[3])
            found.update((name, CARRIED_WEIGHT * before[name]) for name in carried)
            match = (index, sentence, match[2], found)
        if match is not None:
            out.append(match)
    return out


def score_sentences(
    question: Question,
    article_id: int,
    sentences: list[str],
    language: str,
    weights: dict[str, float],
    article_score: float,
    title: str = "",
    semantic: dict[int, float] | None = None,
    unfound: frozenset[str] = frozenset(),
) -> list[ScoredSentence]:
    """Score every sentence of one article against the question.

    ``weights`` maps each question term's exact form to its IDF in the corpus;
    ``article_score`` is the article's retrieval score scaled to [0, 1]. Terms rare
    *within the article* weigh more too: the article's topic is in every sentence,
    the answer's particulars in few. ``semantic`` maps sentence positions to their
    similarity to the question by meaning (from embeddings), when there are any.
    ``unfound`` names the terms no article holds in any form.
    """
    semantic = semantic or {}
    # Translations lead into the other language only: "second" for "støtter" means
    # nothing in a Norwegian article.
    foreign = question.language != language
    forms = [
        (term, term_forms(term, language), frozenset(term.translations)) for term in question.terms
    ]
    question_pairs = _pairs(words(question.text))
    if foreign:
        # A word no article holds and the lexicon cannot translate was never looked for
        # in this article's language: its absence says little, so it weighs less in
        # what must be covered. (A word other articles hold still counts in full.)
        weights = {
            term.exact: weights.get(term.exact, 0.0)
            * (UNTRANSLATED_WEIGHT if term.exact in unfound and not term.translations else 1.0)
            for term in question.terms
        }
    total_weight = sum(weights.get(term.exact, 0.0) for term in question.terms) or 1.0
    count = len(sentences)
    matches: list[_Match] = []
    sentence_frequency: dict[str, int] = {}
    best_share: dict[str, float] = {}
    # Every form that can match appears in the sentence as a substring (compounds too):
    # a sentence holding none of them is passed over before the costly word analysis.
    needles = {f for term, term_set, translations in forms for f in term_set}
    if foreign:
        needles.update(f for term, term_set, translations in forms for f in translations)
    needles.update(term.stem for term in question.terms)
    # One scan of each sentence for all of them (longest first, so none hides another).
    needle = re.compile("|".join(map(re.escape, sorted(needles, key=len, reverse=True))) or "(?!)")
    # The headline is shown with the source, so it is never quoted; but what it names the
    # article holds ("... | Kristoffer Sætaberget", an opinion piece's writer). A text
    # whose first sentence is its headline, written as a sentence (a text file's title
    # is its first sentence, the lead), may quote it; a headline line is skipped.
    headline: dict[str, float] = {}
    numbered = list(enumerate(sentences))
    if title.strip():
        numbered.insert(0, (_HEADLINE, title))
    for index, sentence in numbered:
        if index != _HEADLINE and is_headline(sentence, title):
            if not sentence.rstrip().endswith(_ENDS_SENTENCE):
                continue  # the headline again, as the text's first line
            headline = {}  # said in the text, which is scored below
        if is_plain(sentence):
            lowered = sentence.lower()
        else:
            lowered = fold_letters(sentence).lower()
            if has_accents(lowered):
                # "kevin" asks of "Kévin": the sentence is searched without its accents too.
                lowered += "\n" + plain_letters(lowered)
        if index not in semantic and not needle.search(lowered):
            continue
        feats = features(sentence, language)
        if feats.length < 3:
            continue
        vocabulary = feats.exact | feats.stems
        found: dict[str, float] = {}
        for term, term_set, translations in forms:
            # In an article of the other language, a word the lexicon knows as an ordinary
            # word is no name there: "hole" is not the surname Hole, "wall" not Wall Street.
            # A name read by its parts is a name still: "the Berlin Wall" for
            # "Berlinmurens" is written with capitals.
            guard = translations and not term.is_name and foreign and not term.parts[0]
            own = feats.common if guard else vocabulary
            # A name asked with a capital is that name only where it is written so:
            # "VAR" is not the verb "var", "Høyre" the party and not "til høyre".
            # An abbreviation is that only where it is written so: "NY" is not "Ny". Or
            # a name, inside a sentence: "HAFTAR" asked is "Haftar" written.
            if term.exact in question.abbreviations:
                # Few questions ask for one: worked out here, not for every sentence.
                written = frozenset(abbreviations(list(feats.capital_parts))) | feats.names
            else:
                written = feats.capitalised if term.is_name else own
            if term_set & written:
                found[term.exact] = 1.0
            elif foreign and translations & own:
                found[term.exact] = TRANSLATION_WEIGHT
            elif foreign and _translation_in_compound(
                translations, lowered, feats.exact, feats.names if guard else frozenset()
            ):
                found[term.exact] = TRANSLATION_WEIGHT * COMPOUND_WEIGHT
            elif (term.stem in lowered or term.exact in lowered) and _in_compound(
                term, feats.exact
            ):
                found[term.exact] = COMPOUND_WEIGHT
        if index == _HEADLINE:
            headline = found
        elif found or index in semantic:
            matches.append((index, sentence, feats, found))
    if headline and not matches:
        matches = _lead(sentences, title, language, headline)
    matches = _carry_names(question, sentences, language, matches)
    for *_, found in matches:
        for exact, share in found.items():
            sentence_frequency[exact] = sentence_frequency.get(exact, 0) + 1
            # Anywhere in the article a compound counts in full; a translation does not.
            article_share = TRANSLATION_WEIGHT if share == TRANSLATION_WEIGHT else 1.0
            best_share[exact] = max(article_share, best_share.get(exact, 0.0))

    local = {
        exact: weights.get(exact, 0.0) * idf(frequency, count)
        for exact, frequency in sentence_frequency.items()
    }
    local_total = sum(local.values()) or 1.0
    names = {term.exact for term in question.terms if term.is_name}
    # How much of the question the article covers anywhere, not just in one sentence.
    # Its headline tells what it covers too.
    shares = {e: max(share, best_share.get(e, 0.0)) for e, share in headline.items()}
    covered = sum(weights.get(e, 0.0) * share for e, share in (best_share | shares).items())
    article_coverage = covered / total_weight
    # Retrieval scored translations like the words themselves; an article that holds
    # the question's own words is the better match (a Norwegian question, a Norwegian
    # article), so its retrieval score counts in proportion.
    if foreign and best_share:
        found_weight = sum(weights.get(e, 0.0) for e in best_share) or 1.0
        translated = sum(
            weights.get(e, 0.0) * (1 - TRANSLATION_WEIGHT)
            for e, share in best_share.items()
            if share == TRANSLATION_WEIGHT
        )
        article_score *= 1 - translated / found_weight
    # The names and terms the article holds, its headline's too (what it covers of the
    # question is its text's: a headline alone answers nothing).
    held = frozenset(best_share) | headline.keys()
    out: list[ScoredSentence] = []
    for index, sentence, feats, found in matches:
        weighed = [(e, weights.get(e, 0.0) * share) for e, share in found.items()]
        coverage = sum(value for _, value in weighed) / total_weight
        focus = sum(local[e] * share for e, share in found.items()) / local_total
        lowered = sentence.lower()
        phrase_bonus = PHRASE_WEIGHT * sum(p.lower() in lowered for p in question.phrases)
        phrase_bonus += PAIR_WEIGHT * min(3, _shared_pairs(question_pairs, feats))
        type_bonus = TYPE_WEIGHT * _answer_type_bonus(question, sentence, feats)
        position = POSITION_WEIGHT * (1 - index / max(count, 1))
        # Very long sentences match by sheer size; very short ones are headings.
        length_penalty = 0.002 * max(0, feats.length - 40) + (0.08 if feats.length < 6 else 0.0)
        similarity = semantic.get(index, 0.0)
        score = (
            coverage
            + ARTICLE_WEIGHT * article_score
            + COVERAGE_WEIGHT * article_coverage
            + type_bonus
            + phrase_bonus
            + position
            - length_penalty
            + SEMANTIC_WEIGHT * similarity
        )
        out.append(
            ScoredSentence(
                article_id,
                index,
                sentence,
                score,
                coverage,
                len(names & found.keys()),
                local_score=score + LOCAL_WEIGHT * focus,
                article_names=len(names & held),
                similarity=similarity,
                article_coverage=article_coverage,
                article_terms=held,
                caption=is_caption(sentence),
                matched_words=sum(not exact.isdigit() for exact in found),
                covers=tuple((e, value / total_weight) for e, value in weighed),
            )
        )
    return out
