"""Ordinary English words, from the system's word list (Debian's `wamerican`).

An English question capitalises the words of titles ("the Norwegian Press
Association", "World Championship golds"); a Norwegian article says the same thing
in other words. Such a word is not a name that must appear in the answer. The word
list writes names capitalised ("Moscow") and ordinary words in lower case.
"""

from __future__ import annotations

import functools
from pathlib import Path

__all__ = ["WORD_LISTS", "is_ordinary_english"]

WORD_LISTS = (
    Path("/usr/share/dict/american-english"),
    Path("/usr/share/dict/british-english"),
)


@functools.cache
def _ordinary() -> frozenset[str]:
    # Read only when a question holds a capitalised word no article has: a rare path.
    for path in WORD_LISTS:
        if path.is_file():
            lines = path.read_text("utf-8", errors="replace").split()
            return frozenset(w for w in lines if w.islower() and "'" not in w)
    return frozenset()


def is_ordinary_english(word: str) -> bool:
    """Whether ``word`` (any case) is an ordinary English word, not only a name.

    False when no word list is installed: every capitalised word then stays a name.
    """
    return word.lower() in _ordinary()
