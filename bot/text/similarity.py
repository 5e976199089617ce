"""Near-duplicate detection: the same story from several outlets, or a re-post."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.text.lexicon import Lexicon
from bot.text.tokens import STOPWORDS, is_unspaced, stem_words, words

__all__ = [
    "story_signature",
    "signature",
    "jaccard",
    "fold_near_duplicates",
    "edit_distance",
    "closest_spelling",
]


class _HasText(Protocol):
    title: str
    text: str


def signature(text: str) -> frozenset[str]:
    """The content words of ``text``: what two tellings of one story share."""
    # Each distinct word once: an article repeats its words. In unspaced script (Chinese,
    # Japanese, Korean) the pairs of characters stand for its words.
    return frozenset(
        w
        for w in set(words(text)).difference(STOPWORDS)
        if len(w) > 2 or (len(w) == 2 and is_unspaced(w))
    )


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)  # the union's size without building it
    return shared / (len(a) + len(b) - shared)


@functools.lru_cache(maxsize=4096)
def _text_signature(text: str) -> frozenset[str]:
    # The same candidates come back question after question: sign each text once.
    return signature(text)


# Articles sharing this much of their content words are copies of one another.
NEAR_DUPLICATE = 0.8


def fold_near_duplicates(ids: Sequence[int], articles: Mapping[int, _HasText]) -> list[int]:
    """``ids`` in order, without any that nearly repeats an earlier one."""
    kept: list[tuple[int, frozenset[str]]] = []
    for article_id in ids:
        article = articles.get(article_id)
        if article is None:
            continue
        sig = _text_signature(article.text[:5000])
        if any(jaccard(sig, other) >= NEAR_DUPLICATE for _, other in kept):
            continue
        kept.append((article_id, sig))
    return [article_id for article_id, _ in kept]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or ``limit + 1`` as soon as it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def closest_spelling(name: str, vocabulary: set[str]) -> str | None:
    """The word of ``vocabulary`` nearest to a misspelt ``name``: one edit allowed in
    names of 5 to 7 letters, two in longer ones, none in shorter ones (too many
    short words are a letter apart)."""
    if len(name) < 5:
        return None
    limit = 1 if len(name) < 8 else 2
    best: tuple[int, str] | None = None
    for word in vocabulary:
        if word[:1] != name[:1] or abs(len(word) - len(name)) > limit:
            continue
        distance = edit_distance(name, word, limit)
        if distance <= limit and (best is None or (distance, word) < best):
            best = (distance, word)
    return best[1] if best else None


def story_signature(text: str, language: str, lexicon: Lexicon | None) -> frozenset[str]:
    """The content words of ``text`` as keys two languages share, for telling one story
    told in Norwegian and in English apart from two stories.

    Each word stands as its Norwegian stem; an English word the lexicon translates stands
    as the stem of its first translation ("ceasefire talks in Moscow" and "forhandlinger
    om våpenhvile i Moskva" share "moskv"); names stay names. Without a lexicon this is
    `signature`.
    """
    keys = signature(text)
    if lexicon is None:
        return keys
    if language == "en":
        translated = []
        for word in keys:
            found = lexicon.to_norwegian(word)
            translated.append(words(found[0])[-1] if found and words(found[0]) else word)
        keys = frozenset(translated)
    return frozenset(stem_words(sorted(keys), "no"))
