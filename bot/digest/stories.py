"""Digests: the window's stories, one item per story however many outlets told it."""

from __future__ import annotations

import logging
import re
from collections import Counter
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
    search_articles,
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
WINDOW_LIMIT = 2000


@dataclass
class _Story:
    articles: list[Article]
    signature: frozenset[str]

    @property
    def outlets(self) -> int:
        return len({a.source or a.url for a in self.articles})

    @property
    def latest(self) -> datetime:
        return max(a.sort_time for a in self.articles)


def _lead(article: Article, lexicon: Lexicon | None) -> frozenset[str]:
    # Through the lexicon a Norwegian and an English telling share their words.
    lead = " ".join([article.title, *sentences_of(article)[:4]])
    return story_signature(lead, article.language, lexicon)


def lead_summary(article: Article) -> str:
    """The first one or two sentences that are not the headline."""
    picked: list[str] = []
    for sentence in sentences_of(article):
        if sentence.rstrip(".") == article.title.rstrip(".") or len(sentence.split()) < 4:
            continue
        if _CAPTION.search(sentence) or is_caption(sentence):
            continue  # a photo caption or credit, not the story
        if picked and len(picked[0]) + 1 + len(sentence) > SUMMARY_CHARS:
            break
        picked.append(sentence)
        if len(picked) == 2:
            break
    return truncate(" ".join(picked) or article.text, SUMMARY_CHARS)


def _cluster(articles: list[Article], lexicon: Lexicon | None = None) -> list[_Story]:
    """Greedy clustering by lead-paragraph overlap (Jaccard). An index from each word to
    the stories holding it keeps this linear in practice instead of story-by-story."""
    stories: list[_Story] = []
    postings: dict[str, list[int]] = {}
    for article in sorted(articles, key=lambda a: a.sort_time):
        lead = _lead(article, lexicon)
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
    """
    scores: dict[int, float] = {}
    covered: int | None = None
    with db.session() as session:
        if stored is None:
            articles = articles_between(
                session, since, until, limit=WINDOW_LIMIT, visible_to=visible_to
            )
        else:
            after, upto = stored
            articles = articles_stored_after(
                session,
                after,
                upto,
                fetched_since=since,
                limit=WINDOW_LIMIT,
                visible_to=visible_to,
            )
            # More than one window's worth: the rest starts the next digest.
            full = len(articles) == WINDOW_LIMIT and articles[-1].stored_seq is not None
            covered = int(articles[-1].stored_seq or upto) if full else upto
        if topic:
            terms = analyse(topic, lexicon).search_terms
            window = None if stored is not None else since
            scores = dict(
                search_articles(
                    session, terms, limit=WINDOW_LIMIT, since=window, visible_to=visible_to
                )
            )
            articles = [a for a in articles if a.id in scores]
            # A story that mentions the topic in passing is not about it.
            top = max((scores[a.id] for a in articles), default=0.0)
            articles = [a for a in articles if scores[a.id] >= TOPIC_SHARE * top]
    stories = _cluster(articles, lexicon)
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
    items = []
    for story in stories[:max_items]:
        # Lead with the first telling; cite each outlet once, earliest first.
        ordered = sorted(story.articles, key=lambda a: a.sort_time)
        lead = ordered[0]
        cited: dict[str, Article] = {}
        for article in ordered:
            cited.setdefault(article.source or article.url, article)
        citations = [Citation.of(n, a) for n, a in enumerate(cited.values(), start=1)]
        summary = _written_summary(writer, lead.language, list(cited.values())) if writer else None
        items.append(
            DigestItem(lead.title, summary or lead_summary(lead), citations, latest=story.latest)
        )
    return Digest(
        since=since,
        until=until,
        items=items,
        topic=topic,
        more=max(0, len(stories) - max_items),
        covered_seq=covered,
    )
