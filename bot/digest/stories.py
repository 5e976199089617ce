"""Digests: the window's stories, one item per story however many outlets told it."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.answer.question import analyse
from bot.llm.client import LLMError
from bot.llm.writer import LLMWriter, Passage
from bot.render import truncate
from bot.text import sentences_of
from bot.text.captions import is_caption
from bot.text.lexicon import Lexicon
from bot.text.similarity import story_signature
from bot.types import Citation, Digest, DigestItem
from storage import (
    Article,
    Database,
    TenantScope,
    articles_between,
    articles_stored_after,
    scores_among,
)

__all__ = ["build_digest", "lead_summary", "STORY_THRESHOLD"]

log = logging.getLogger(__name__)

# Two articles whose lead paragraphs share this much of their content words tell one story.
STORY_THRESHOLD = 0.2
SUMMARY_CHARS = 320
# With a topic, keep articles that match it at least this well relative to the best match.
TOPIC_SHARE = 0.25
# Photo credits ("Foto: NTB") and captions that open with a word in capitals ("ÅPNET: ...").
_CAPTION = re.compile(
    r"\b(?i:foto|photo|illustrasjon|bilde)\s*:|^[A-ZÆØÅÄÖÜ]{2,}(?: [A-ZÆØÅÄÖÜ]{2,})*:"
)
# The most articles one digest reads from its window (2,000: ~0.2 s and ~30 MB to read and
# cluster); a fuller window's digest says which it read.
WINDOW_LIMIT = 2000
# A story's lead paragraph: its headline and this many sentences after it.
LEAD_SENTENCES = 4


def _outlet(article: Article) -> str:
    # Without an outlet's name an article is its own outlet.
    return article.source or article.url


def _plain(text: str) -> str:
    """Words only, lower-cased, one space apart: how two sentences are compared."""
    return " ".join(re.findall(r"\w+", text.casefold()))


@dataclass
class _Story:
    articles: list[Article]
    signature: frozenset[str]

    @property
    def outlets(self) -> int:
        return len({_outlet(a) for a in self.articles})

    @property
    def latest(self) -> datetime:
        return max(a.sort_time for a in self.articles)


def _lead_sentences(article: Article, boilerplate: Collection[str] = ()) -> list[str]:
    sentences = sentences_of(article)
    if not boilerplate:
        return sentences[:LEAD_SENTENCES]
    lead: list[str] = []
    for sentence in sentences:
        if sentence not in boilerplate:
            lead.append(sentence)
            if len(lead) == LEAD_SENTENCES:
                break
    return lead


def _lead(
    article: Article, lexicon: Lexicon | None, boilerplate: Collection[str] = ()
) -> frozenset[str]:
    # Through the lexicon a Norwegian and an English telling share their words.
    lead = " ".join([article.title, *_lead_sentences(article, boilerplate)])
    return story_signature(lead, article.language, lexicon)


def _boilerplate(articles: Iterable[Article]) -> dict[str, frozenset[str]]:
    """By outlet, the lead sentences it printed under more than one headline around other
    text, or as all there is: a paywall teaser ("Read the full story for subscribers
    only."), a template's standing line. They tell nothing of the story: they neither join
    two stories nor summarise one. An article printed again whole under a new headline
    keeps its sentences, and the same sentence from two outlets is wire copy, and stays.
    (Compared as they stand: a teaser is the same text every time, and a digest reads
    thousands of sentences.)"""
    seen: dict[tuple[str, str], tuple[set[str], set[tuple[str, ...]]]] = {}
    for article in articles:
        if not article.source:
            continue
        lead = tuple(sentences_of(article)[: 2 * LEAD_SENTENCES])
        for sentence in lead:
            titles, leads = seen.setdefault((article.source, sentence), (set(), set()))
            titles.add(article.title)
            leads.add(lead)
    found: dict[str, set[str]] = {}
    for (outlet, sentence), (titles, leads) in seen.items():
        if len(titles) > 1 and (len(leads) > 1 or leads == {(sentence,)}):
            found.setdefault(outlet, set()).add(sentence)
    return {outlet: frozenset(sentences) for outlet, sentences in found.items()}


def _in_headline(sentence: str, title: str) -> bool:
    """Whether ``sentence`` is the headline or one of its sentences ("Mol og Sørum fortsetter
    å herje. Duoen er klar for EM-semifinale."). The sentence a cut title was taken from
    completes it, so it is not a repeat."""
    words = _plain(sentence)
    return not words or f" {words} " in f" {_plain(title)} "


def lead_summary(article: Article, boilerplate: Collection[str] = ()) -> str:
    """The first one or two sentences that are not the headline (nor, for a digest, one of
    the outlet's ``boilerplate`` sentences)."""
    picked: list[str] = []
    skipped = False
    for sentence in sentences_of(article):
        if sentence in boilerplate:
            skipped = True
            continue
        if _in_headline(sentence, article.title) or len(sentence.split()) < 4:
            continue
        if _CAPTION.search(sentence) or is_caption(sentence):
            continue  # a photo caption or credit, not the story
        if picked and len(picked[0]) + 1 + len(sentence) > SUMMARY_CHARS:
            break
        picked.append(sentence)
        if len(picked) == 2:
            break
    if not picked and skipped:
        return ""  # all it says beyond its headline is the outlet's teaser
    return truncate(" ".join(picked) or article.text, SUMMARY_CHARS)


def _cluster(
    articles: list[Article],
    lexicon: Lexicon | None = None,
    boilerplate: dict[str, frozenset[str]] | None = None,
) -> list[_Story]:
    """Greedy clustering by lead-paragraph overlap (Jaccard). An index from each word to
    the stories holding it keeps this linear in practice instead of story-by-story."""
    stories: list[_Story] = []
    postings: dict[str, list[int]] = {}
    standing = boilerplate or {}
    for article in sorted(articles, key=lambda a: a.sort_time):
        lead = _lead(article, lexicon, standing.get(article.source, ()))
        shared: Counter[int] = Counter()
        for word in lead:
            shared.update(postings.get(word, ()))
        best, best_score = -1, 0.0
        for index, overlap in shared.items():
            score = overlap / (len(lead) + len(stories[index].signature) - overlap)
            if score > best_score or (score == best_score and index < best):
                best, best_score = index, score
        if best >= 0 and best_score >= STORY_THRESHOLD:
            story = stories[best]
            story.articles.append(article)
            for word in lead - story.signature:
                postings.setdefault(word, []).append(best)
            story.signature = story.signature | lead
        else:
            stories.append(_Story([article], lead))
            for word in lead:
                postings.setdefault(word, []).append(len(stories) - 1)
    return stories


def _tellings(story: _Story) -> list[Article]:
    """The articles a story's item cites, the one it leads with first, then by time.

    Each outlet's article is cited under every headline it gave the story ("Quintara
    dockworkers begin strike", later "Quintara strike ends after pay deal"): a later
    headline from an outlet that told the story already is news of its own, so the newest
    of those leads; without one the first telling leads. A headline an outlet repeats (the
    same article at a second address) is cited once."""
    told: dict[tuple[str, str], Article] = {}
    for article in sorted(story.articles, key=lambda a: (a.sort_time, a.id)):
        told.setdefault((_outlet(article), _plain(article.title)), article)
    ordered = list(told.values())
    outlets: set[str] = set()
    lead = ordered[0]
    for article in ordered:
        if _outlet(article) in outlets:
            lead = article
        outlets.add(_outlet(article))
    return [lead, *(a for a in ordered if a is not lead)]


def _item(
    story: _Story, boilerplate: dict[str, frozenset[str]], writer: LLMWriter | None
) -> DigestItem:
    cited = _tellings(story)
    lead = cited[0]
    citations = [Citation.of(n, a) for n, a in enumerate(cited, start=1)]
    summary = _written_summary(writer, lead.language, cited) if writer else None
    if not summary:
        summary = lead_summary(lead, boilerplate.get(lead.source, ()))
    return DigestItem(lead.title, summary, citations, latest=story.latest)


def _written_summary(writer: LLMWriter, language: str, articles: list[Article]) -> str | None:
    """The model's cited summary of one story, or None to keep the extractive one."""
    reports = [Passage(a.id, a.title, " ".join(sentences_of(a)[:4])) for a in articles]
    try:
        return writer.summarise(language, reports, SUMMARY_CHARS)
    except LLMError as exc:
        log.warning("using the extractive summary for %r: %s", articles[0].title, exc)
        return None


def build_digest(
    db: Database,
    since: datetime,
    until: datetime,
    *,
    topic: str | None = None,
    max_items: int = 10,
    writer: LLMWriter | None = None,
    stored: tuple[int | None, int] | None = None,
    visible_to: TenantScope | None = None,
    lexicon: Lexicon | None = None,
) -> Digest:
    """The stories published in ``[since, until)``, optionally about ``topic``, best first.

    With ``stored`` = (after, upto) the window is the storage sequence instead: the articles
    that became visible after the previous digest's end ``after`` up to ``upto`` (without
    ``after``, those fetched since ``since``), whatever their publication time. A scheduled
    digest then carries everything that came in since the last one; the digest's
    ``covered_seq`` says where the next one starts.

    A digest reads at most `WINDOW_LIMIT` articles: of a fuller window the newest published
    (by storage sequence, the first stored, the rest starting the next digest), and its
    ``read_limit`` and ``read_from`` say so.
    """
    scores: dict[int, float] = {}
    covered: int | None = None
    # One article more than a digest reads is read: whether the window held more is said.
    limit = WINDOW_LIMIT
    with db.session() as session:
        if stored is None:
            articles = articles_between(
                session, since, until, limit=limit + 1, visible_to=visible_to
            )
        else:
            after, upto = stored
            articles = articles_stored_after(
                session,
                after,
                upto,
                fetched_since=since,
                limit=limit + 1,
                visible_to=visible_to,
            )
        capped = len(articles) > limit
        articles = articles[:limit]
        if stored is not None:
            # More than one window's worth: the rest starts the next digest.
            covered = int(articles[-1].stored_seq or stored[1]) if capped else stored[1]
        read_from = min(a.sort_time for a in articles) if capped and stored is None else None
        if topic:
            # Matched within the window: the archive's best matches of a common word may
            # be none of the window's articles.
            terms = analyse(topic, lexicon).search_terms
            scores = scores_among(session, terms, (a.id for a in articles))
            articles = [a for a in articles if a.id in scores]
            # A story that mentions the topic in passing is not about it.
            top = max((scores[a.id] for a in articles), default=0.0)
            articles = [a for a in articles if scores[a.id] >= TOPIC_SHARE * top]
    boilerplate = _boilerplate(articles)
    stories = _cluster(articles, lexicon, boilerplate)
    # More outlets first; with a topic, then the story most about it; then the newest.
    relevance = {a.id: scores[a.id] for a in articles} if topic else {}
    stories.sort(
        key=lambda s: (
            s.outlets,
            max(relevance.get(a.id, 0.0) for a in s.articles),
            len(s.articles),
            s.latest,
        ),
        reverse=True,
    )
    items = [_item(story, boilerplate, writer) for story in stories[:max_items]]
    return Digest(
        since=since,
        until=until,
        items=items,
        topic=topic,
        more=max(0, len(stories) - max_items),
        covered_seq=covered,
        read_limit=limit if capped else 0,
        read_from=read_from,
    )
