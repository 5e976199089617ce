"""English words spelled the Norwegian way: "inspection" is "inspeksjon", "energy" "energi".

A small lexicon misses most of the Latin and Greek vocabulary of news, yet Norwegian
spells those words by a handful of regular rules. The spellings made here are guesses:
they count only where an article holds them, like any other translation.
"""

from __future__ import annotations

import re

__all__ = ["norwegian_name_spellings", "norwegian_spellings"]

# Whole-word endings first (longest first), then letter groups anywhere. Each is a
# regular correspondence of borrowed words, not a list of particular words.
_ENDINGS: list[tuple[str, str]] = [
    ("ications", "ikasjoner"),
    ("ication", "ikasjon"),
    ("tional", "sjonal"),
    ("tions", "sjoner"),
    ("sions", "sjoner"),
    ("ssion", "sjon"),
    ("tion", "sjon"),
    ("sion", "sjon"),
    ("ical", "isk"),
    ("ics", "ikk"),
    ("ic", "isk"),
    ("isms", "ismer"),
    ("ism", "isme"),
    ("ives", "ive"),
    ("ive", "iv"),
    ("ities", "iteter"),
    ("ity", "itet"),
    ("cy", "ti"),
    ("phy", "fi"),
    ("gy", "gi"),
    ("ry", "ri"),
    ("ure", "ur"),
    ("ate", "at"),
]
_LETTERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"ph"), "f"),
    (re.compile(r"th"), "t"),
    (re.compile(r"qu"), "kv"),
    (re.compile(r"ch(?=[rnl])"), "k"),  # chronic, technology
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"ck"), "kk"),
    (re.compile(r"c(?!h)"), "k"),
    (re.compile(r"x"), "ks"),
]
# Shorter guesses are too often another Norwegian word ("cost" would read as "kost").
MIN_LENGTH = 6


def norwegian_spellings(word: str) -> list[str]:
    """Norwegian spellings an English loanword may have; empty when no rule applies."""
    word = word.lower()
    if len(word) < MIN_LENGTH or not word.isalpha():
        return []
    spelled = word
    for ending, replacement in _ENDINGS:
        if spelled.endswith(ending) and len(spelled) - len(ending) >= 3:
            spelled = spelled[: -len(ending)] + replacement
            break
    for pattern, replacement in _LETTERS:
        spelled = pattern.sub(replacement, spelled)
    if spelled == word or len(spelled) < MIN_LENGTH:
        return []
    return [spelled]


# Names from Russian, Ukrainian and other Cyrillic languages: English and Norwegian
# transliterate them differently ("Gorbachev" is "Gorbatsjov", "Yeltsin" "Jeltsin",
# "Navalny" "Navalnyj", "Zhukov" "Sjukov"). In order: each rule sees the one before.
_NAME_LETTERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"shch"), "sjtsj"),
    (re.compile(r"zh"), "sj"),
    (re.compile(r"ch"), "tsj"),
    (re.compile(r"sh"), "sj"),
    (re.compile(r"^y|(?<=[aeiou])y(?=[aeiou])"), "j"),
    (re.compile(r"(?<=sj)e(?=v)"), "o"),  # -chev, -shev: -tsjov, -sjov
    (re.compile(r"oy$|oi(?=[^aeiou])"), "oj"),  # Tolstoy, Shoigu
    (re.compile(r"(?<=[^aeiou])y$"), "yj"),  # Navalny, Zelensky
]
MIN_NAME_LENGTH = 4


def norwegian_name_spellings(name: str) -> list[str]:
    """How Norwegian news may spell a name English transliterates its own way; empty
    when no rule applies. Guesses too: they count only where an article holds them."""
    name = name.lower()
    if len(name) < MIN_NAME_LENGTH or not name.isalpha():
        return []
    spelled = name
    for pattern, replacement in _NAME_LETTERS:
        spelled = pattern.sub(replacement, spelled)
    return [] if spelled == name else [spelled]
