"""Sentence splitting that knows Norwegian and English abbreviations.

"15. juli", "kl. 15", "bl.a." and "f.eks." must not end a sentence, or answers quote half
sentences. An article is split when read (`sentences_of`), not at ingest.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from typing import Protocol

from bot.text.calendar_names import MONTHS
from bot.text.captions import split_credit

__all__ = ["split_sentences", "split_paragraphs", "sentences_of"]

# Lower-cased, without the final dot. A dot after one of these never ends a sentence.
_ABBREVIATIONS = frozenset(
    """
    bl.a f.eks dvs mht ca kl nr jf jfr evt mv osv etc pga inkl ekskl hhv iflg ifm ift vs
    st sml ang tlf fhv t.o.m f.o.m o.l m.fl m.m mnd kr mill mrd prof dr mr mrs ms jr sr
    st no vol fig e.g i.e u.s approx dept gen col lt sgt capt gov sen rep rev jan feb
    mar apr jun jul aug sep sept okt oct nov des dec
    """.split()
)

# A sentence boundary: end punctuation (with closing quotes/brackets), space, then what may
# start a new sentence: an upper-case letter, digit, quote or dash. (Spelt "[...][...]*",
# not "[...]+": so the regex engine skips ahead to the punctuation, twice as fast on a long
# line.)
# Scripts without capitals (Hebrew, Arabic, the Indic scripts, Thai, Georgian, Hangul,
# Armenian, Ethiopic, Myanmar, Khmer) start a sentence with any letter; so do Greek and
# Cyrillic here. Hindi ends one with a danda ("।"), Arabic asks with "؟", Urdu stops with
# "۔", Armenian with "։", Amharic with "።", Burmese with "။", Khmer with "។".
_ENDS = ".!?…।॥؟۔։።፧။។"
_BOUNDARY = re.compile(
    rf"(?<![{_ENDS}])([{_ENDS}][{_ENDS}]*)[\"'»”’)\]]*(\s+)"
    r"(?=[\"'«“‘(\[–—-]?\s*[A-ZÆØÅÄÖÜÉÈ0-9\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF"
    r"\u0530-\u058F\u0590-\u08FF\u0900-\u0DFF\u0E00-\u0EFF\u1000-\u109F\u10A0-\u10FF"
    r"\u1100-\u11FF\u1200-\u137F\u1780-\u17FF\uAC00-\uD7AF])"
)
# The ends a line must hold for `_BOUNDARY` to be needed (else `_STOP_BOUNDARY` does).
_OTHER_ENDS = tuple(_ENDS[1:])
# `_BOUNDARY` for a line whose only end punctuation is the full stop (most lines): a pattern
# that starts with one character is found by the regex engine's quick scan for it, where a
# class of four is tested at every character (~5 us an article). The matches are the same.
_STOP_BOUNDARY = re.compile(
    _BOUNDARY.pattern.replace(f"([{_ENDS}][{_ENDS}]*)", rf"(\.[{_ENDS}]*)", 1)
)
# A German month's name after a day's number and its dot: "der 13. November", "am 3.
# Oktober". German writes months with a capital; Norwegian's "13. november" never looked like
# a sentence's end, and English writes no dot after the day ("13. May said ..." is two).
_MONTH = re.compile(rf"(?:{'|'.join(m.capitalize() for m in MONTHS['de'])})\b")
# The word before a dot, matched on the reversed text: a search anchored at the end would
# try every start.
_WORD_BEFORE_REVERSED = re.compile(r"[\w.]+")


def split_paragraphs(text: str) -> list[str]:
    """Lines with text in them, stripped; a line break always ends a sentence."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _is_abbreviation(before: str) -> bool:
    # Only the text's last run of non-space characters decides (the word and the regex's
    # match both lie within it); news repeats them, so each one is judged once.
    return _ends_abbreviation(before.rpartition(" ")[2])


@functools.lru_cache(maxsize=20_000)
def _ends_abbreviation(word: str) -> bool:
    # Mostly the last word is letters, digits and dots only: it is the run before the dot.
    if not word.replace(".", "").isalnum():
        match = _WORD_BEFORE_REVERSED.match(word[::-1])
        if not match:
            return False
        word = match.group()[::-1]
    word = word.lower().strip(".")
    if word in _ABBREVIATIONS:
        return True
    # A single letter ("K. Ness", "J.R.R.") is an initial, not a sentence end.
    if len(word) == 1 and word.isalpha():
        return True
    # Dotted abbreviations we do not list ("o.a.", "U.S.A").
    return "." in word and all(len(part) <= 2 for part in word.split("."))


def _day_of_month(line: str, dot: int, after: int) -> bool:
    """Whether the dot at ``dot`` follows a day's number and a month's name follows it."""
    day = line[max(0, dot - 3) : dot]
    return (
        day[-1:].isdigit()
        and (len(day) < 3 or not day[-3].isdigit())
        and bool(_MONTH.match(line, after))
    )


def _split_line(line: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    other_ends = any(end in line for end in _OTHER_ENDS)
    for match in (_BOUNDARY if other_ends else _STOP_BOUNDARY).finditer(line):
        if match.group(1) == ".":
            # The word before the dot is all an abbreviation check needs. (Matched in place
            # and looked at in a window: slicing the rest of a long line at every dot costs
            # quadratic time.)
            dot = match.start()
            if _is_abbreviation(line[max(start, dot - 24) : dot]) or _day_of_month(
                line, dot, match.end()
            ):
                continue
        piece = line[start : match.start(2)].strip()
        if piece:
            sentences.append(piece)
        start = match.end()
    tail = line[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


# Chinese and Japanese end a sentence with a full-width stop, and start the next with no
# space: the stop (with any closing quotes or brackets) ends it wherever it stands.
_WIDE_END = re.compile(r"(?<=[。！？])[」』）”’]*")
_WIDE_STOPS = ("。", "！", "？")


def _wide_lines(line: str) -> list[str]:
    """``line`` cut after each full-width stop: sentences of Chinese or Japanese."""
    pieces: list[str] = []
    start = 0
    for match in _WIDE_END.finditer(line):
        if match.end() > start:
            pieces.append(line[start : match.end()].strip())
            start = match.end()
    pieces.append(line[start:].strip())
    return [piece for piece in pieces if piece]


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences, keeping each one verbatim."""
    sentences: list[str] = []
    lines = split_paragraphs(text)
    if not text.isascii() and any(stop in text for stop in _WIDE_STOPS):
        lines = [piece for line in lines for piece in _wide_lines(line)]
    for line in lines:
        if ":" not in line:  # a photo credit has a colon ("Foto:"): most lines have none
            sentences += _split_line(line)
            continue
        for sentence in _split_line(line):
            # "FOTO: ... / NTB scanpix En mann ble ..." has no full stop after the credit.
            sentences += split_credit(sentence)
    return sentences


class _Article(Protocol):
    text: str
    sentences: list[str]


# Texts split lately, by text, the most recently used first out last: a question ranks the
# sentences of a few dozen articles and then quotes from them, and the next question often
# asks of the same ones. Bounded by characters, not texts: an article may be long.
_KEPT_CHARS = 4_000_000
_kept: OrderedDict[str, tuple[str, ...]] = OrderedDict()
_kept_chars = 0
_keeping = threading.Lock()


def _split_kept(text: str) -> tuple[str, ...]:
    global _kept_chars
    with _keeping:
        found = _kept.get(text)
        if found is not None:
            _kept.move_to_end(text)
            return found
    found = tuple(split_sentences(text))
    with _keeping:
        if text not in _kept and len(text) <= _KEPT_CHARS:
            _kept[text] = found
            _kept_chars += len(text)
            while _kept_chars > _KEPT_CHARS:
                _kept_chars -= len(_kept.popitem(last=False)[0])
    return found


def sentences_of(article: _Article) -> list[str]:
    """An article's sentences, numbered as answers and vectors number them: those an
    earlier version split at ingest, else its text split now."""
    return article.sentences or list(_split_kept(article.text))
