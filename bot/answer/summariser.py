"""The summariser: question -> retrieved articles -> ranked sentences -> cited answer."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from bot.answer.messages import fit, say
from bot.answer.question import Question, analyse
from bot.answer.rank import ScoredSentence, holds_answer_type, is_headline
from bot.answer.retrieval import Retrieval, Retriever
from bot.config import Settings
from bot.llm.client import LLMError
from bot.llm.embed import Embedder
from bot.llm.writer import LLMWriter, Passage
from bot.text import one_line, sentences_of, words
from bot.text.captions import is_caption, is_name_only
from bot.text.lexicon import Lexicon, lexicon_at
from bot.text.nynorsk import Nynorsk, nynorsk_at
from bot.types import Answer, Citation
from storage import Database, TenantScope

__all__ = ["Summariser", "Retrieval", "passages", "looks_like_heading"]

log = logging.getLogger(__name__)

MAX_SENTENCES = 6
# A best sentence this short often sets up what the next one says: quote that next.
SHORT_SENTENCE = 150

# Questions whose answer is of a kind a sentence can be seen to hold.
_TYPED = frozenset({"who", "when", "how_many", "where"})
_END = ".!?…\"»”)'"


def looks_like_heading(sentence: str) -> bool:
    """A short line with no closing punctuation: a subheading, not a sentence."""
    return len(sentence.split()) < 8 and not sentence.rstrip().endswith(tuple(_END))


# Words that open a sentence about someone or something the sentence before named.
_REFERENCES = frozenset(
    "han hun de den det dette disse selv der da he she they it this these there".split()
)


def _opens_with_reference(sentence: str) -> bool:
    first = words(sentence[:40])
    return bool(first) and first[0] in _REFERENCES


# After the best sentence, what a sentence adds of the question (its share of the
# question's weight) that the ones quoted before it leave out counts this many times
# beside its score: the article's other sentences that name only what the best one named
# ("Hertha Berlin") give way to the one that holds the rest ("sportsdirektør"). On our
# own 514 tuning questions, answer hits rose with it up to 5-10 and stayed level past
# (Norwegian 0.835 -> 0.864, English 0.726 -> 0.778 at 10).
DIVERSITY = 10.0
DIVERSE_PICKS = 4 * MAX_SENTENCES


def _diverse(best: ScoredSentence, rest: list[ScoredSentence]) -> list[ScoredSentence]:
    """``rest`` in the order to quote them after ``best``: each next one the best by its
    score plus what it covers of the question that the ones before leave out."""
    covered = {e for e, _ in best.covers}
    left = list(rest)
    out: list[ScoredSentence] = []

    def adds(sentence: ScoredSentence) -> float:
        return sum(share for e, share in sentence.covers if e not in covered)

    # Only the first few are ever quoted: past them, or once none adds anything, the rest
    # keep their order by score (a live blog may hold thousands of matching lines).
    while left and len(out) < DIVERSE_PICKS and any(adds(s) > 0 for s in left):
        pick = max(left, key=lambda s: s.local_score + DIVERSITY * adds(s))
        left.remove(pick)
        out.append(pick)
        covered.update(e for e, _ in pick.covers)
    return out + left


def _said(sentence: str) -> tuple[str, ...]:
    """What a sentence says, its punctuation and quotation dashes aside."""
    return tuple(words(sentence))


PASSAGE_ARTICLES = 4
PASSAGE_SENTENCES = 3


def passages(retrieval: Retrieval) -> list[Passage]:
    """The best articles' best sentences (in article order), numbered by position."""
    by_article: dict[int, list[ScoredSentence]] = {}
    for sentence in retrieval.ranked:
        if sentence.caption:
            continue
        by_article.setdefault(sentence.article_id, []).append(sentence)
    out: list[Passage] = []
    for article_id, sentences in list(by_article.items())[:PASSAGE_ARTICLES]:
        best = sorted(sentences, key=lambda s: s.local_score, reverse=True)[:PASSAGE_SENTENCES]
        text = " ".join(s.text for s in sorted(best, key=lambda s: s.index))
        out.append(Passage(article_id, retrieval.articles[article_id].title, text))
    return out


class Summariser:
    """Answers questions from the indexed articles, always with sources."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        writer: LLMWriter | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.db = db
        self.retriever = Retriever(db, embedder, settings.embeddings_min_similarity)
        self.max_chars = settings.answer_max_chars
        self.question_max_chars = settings.question_max_chars
        self.writer = writer
        self.lexicon_paths = settings.lexicon_paths
        self.nynorsk_path = settings.nynorsk_lexicon
        # Read the lexicons off the caller's thread, so starting up does not wait for them.
        threading.Thread(target=self._read_lexicons, daemon=True).start()

    def _read_lexicons(self) -> None:
        lexicon_at(self.lexicon_paths)
        nynorsk_at(self.nynorsk_path)

    @property
    def nynorsk(self) -> Nynorsk | None:
        """The Nynorsk-Bokmål dictionary, or None when none is installed."""
        return nynorsk_at(self.nynorsk_path)

    @property
    def lexicon(self) -> Lexicon | None:
        """The bilingual lexicon, or None when none is installed (read once a process)."""
        return lexicon_at(self.lexicon_paths)

    def answer(
        self, text: str, now: datetime | None = None, *, visible_to: TenantScope | None = None
    ) -> Answer:
        """Answer ``text``; never raises on any user input, and never invents. With
        ``visible_to``, only from the articles that tenant may see."""
        raw = text if isinstance(text, str) else str(text)
        cleaned = one_line(raw)
        note = ""
        if len(cleaned) > self.question_max_chars:
            cleaned = cleaned[: self.question_max_chars].rsplit(" ", 1)[0]
            note = "cut"
        if not cleaned:
            return Answer(question=raw, found=False, text=say("empty", "en"))
        question = analyse(cleaned, self.lexicon, self.nynorsk)
        language = question.language if question.language in ("no", "en") else "en"
        note_text = say("cut", language, limit=self.question_max_chars) if note else ""
        retrieval = self.retrieve(question, now or datetime.now(UTC), visible_to=visible_to)
        if retrieval.refusal:
            return Answer(cleaned, False, retrieval.refusal, note=note_text)
        note_text = " ".join(n for n in (retrieval.caveat, note_text) if n)
        if self.writer is not None:
            written = self._written(retrieval, language, note_text)
            if written is not None:
                return written
        return self._compose(retrieval, note_text)

    def _written(self, retrieval: Retrieval, language: str, note: str) -> Answer | None:
        """The model's answer from the same passages, or None (the log says why)."""
        assert self.writer is not None
        try:
            text, cited = self.writer.answer(retrieval.question.text, language, passages(retrieval))
        except LLMError as exc:
            log.warning("using the extractive answer: %s", exc)
            return None
        citations = [
            Citation.of(n, retrieval.articles[p.article_id]) for n, p in enumerate(cited, start=1)
        ]
        return Answer(retrieval.question.text, True, text, citations, note=note)

    def retrieve(
        self, question: Question, now: datetime, *, visible_to: TenantScope | None = None
    ) -> Retrieval:
        """What the indexed articles hold for ``question`` (see `Retriever.retrieve`)."""
        return self.retriever.retrieve(question, now, visible_to=visible_to)

    # -- composing ---------------------------------------------------------------

    def _compose(self, retrieval: Retrieval, note: str) -> Answer:
        """Quote the best sentence, the one after it, then the best others of that article."""
        top = retrieval.ranked[0]
        article = retrieval.articles[top.article_id]
        own = sorted(
            (s for s in retrieval.ranked if s.article_id == top.article_id and not s.caption),
            key=lambda s: s.local_score,
            reverse=True,
        )
        best = own[0]
        sentences = sentences_of(article)
        # The next sentence often holds the answer to what the best one sets up; the one
        # before says who "he" or "they" is when the best one starts with a pronoun.
        following = best.index + 1
        candidates = []
        # A best sentence without what is asked for (no name for "who", no time for
        # "when") is often set up or finished by its neighbour: "..., sier NAME."
        question = retrieval.question
        if question.kind in _TYPED and not holds_answer_type(question, best.text, article.language):
            for index in (best.index - 1, best.index + 1):
                if 0 <= index < len(sentences) and holds_answer_type(
                    question, sentences[index], article.language
                ):
                    candidates.append((index, sentences[index]))
        # A name alone on its line answers the "Who ...?" before it, as in an interview.
        answers = {i for i, text in candidates if i > best.index and is_name_only(text)}
        if best.index > 0 and _opens_with_reference(best.text):
            candidates.append((best.index - 1, sentences[best.index - 1]))
        if following < len(sentences) and len(best.text) < SHORT_SENTENCE:
            candidates.append((following, sentences[following]))
        candidates += [(s.index, s.text) for s in _diverse(best, own[1:])]
        marker = " [1]"
        chosen = {best.index: fit(best.text, self.max_chars - len(marker))}
        length = len(chosen[best.index]) + len(marker)
        # An article may say a sentence twice (a quote pulled out as a heading): once here.
        said = {_said(best.text)}
        for index, sentence in candidates:
            if len(chosen) >= MAX_SENTENCES:
                break
            if index in chosen or length + 1 + len(sentence) + len(marker) > self.max_chars:
                continue
            says = _said(sentence)
            if says in said:
                continue
            if looks_like_heading(sentence) or (is_caption(sentence) and index not in answers):
                continue  # a subheading or a photo caption says nothing quoted on its own
            if is_headline(sentence, article.title):
                continue  # shown with the source already
            chosen[index] = sentence
            said.add(says)
            length += 1 + len(sentence) + len(marker)
        # Quoted in the article's order, so the sentences read as they were written.
        text = " ".join(chosen[i] + marker for i in sorted(chosen))
        citation = Citation.of(1, article)
        return Answer(retrieval.question.text, True, text, [citation], note=note)
