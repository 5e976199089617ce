"""Norwegian news words that name the same thing: "keeper" and "målvakt", "omkom" and
"døde", "pågrepet" and "arrestert".

People ask in their own words; the article may use another. The groups (one a line in
``norwegian_synonyms.txt``, base forms) were written for this project from the words
commonest in Norwegian news. A word is looked up by its stem, so inflected forms find
their group; each member comes with its stem and, for a strong verb, its other forms.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from bot.text.tokens import stem_words
from bot.text.verbs import verb_forms

__all__ = ["PARTIES", "PLACES", "SYNONYMS", "name_forms", "synonym_forms"]

SYNONYMS = Path(__file__).with_name("norwegian_synonyms.txt")
# A place, its adjective and its people: "Brasil", "brasiliansk", "brasilianerne". The
# question says "nordmennene" where the article says "Norge", "det engelske laget" for
# "England". One place a line, written for this project.
PLACES = Path(__file__).with_name("norwegian_places.txt")
# A party by name and by the letters the news calls it: "Senterpartiet" is "Sp", its
# politician "Sps talsperson". Only abbreviations of two letters or more: "H" and "V"
# stand for too much else.
PARTIES = Path(__file__).with_name("norwegian_parties.txt")


def _keys(word: str) -> list[str]:
    """What ``word`` may be looked up by: itself, its stem, its verb's other forms."""
    forms = [word, *verb_forms(word)]
    return [*forms, *stem_words(forms, "no")]


@functools.cache
def _groups() -> dict[str, tuple[str, ...]]:
    """Each member's forms and stems -> its group's members."""
    table: dict[str, tuple[str, ...]] = {}
    lines = [*SYNONYMS.read_text("utf-8").splitlines(), *PLACES.read_text("utf-8").splitlines()]
    for line in lines:
        # A word of several parts ("nord-irland") is no single word of the index.
        members = tuple(
            dict.fromkeys(
                w.strip().lower()
                for w in line.split(",")
                if w.strip() and not re.search(r"[\s-]", w.strip())
            )
        )
        if len(members) < 2:
            continue
        for member in members:
            for key in _keys(member):
                table.setdefault(key, members)
    return table


@functools.lru_cache(maxsize=4096)
def synonym_forms(word: str) -> tuple[str, ...]:
    """The forms of the words that mean what Norwegian ``word`` means, its own left out:
    "keeperen" -> ("målvakt", ...), "engelske" -> ("england", ...); () when it belongs
    to no group."""
    word = word.lower()
    keys = _keys(word)
    table = _groups()
    group = next((table[k] for k in keys if k in table), ())
    others = [m for m in group if not set(_keys(m)) & set(keys)]
    if not others:
        return ()
    forms = [*others, *stem_words(others, "no"), *(f for m in others for f in verb_forms(m))]
    return tuple(f for f in dict.fromkeys(forms) if f not in keys)


@functools.cache
def _names() -> dict[str, tuple[str, ...]]:
    """Each name in ``PARTIES`` -> the other names of the same party."""
    table: dict[str, tuple[str, ...]] = {}
    for line in PARTIES.read_text("utf-8").splitlines():
        members = [w.strip().lower() for w in line.split(",") if w.strip()]
        for member in members:
            table[member] = tuple(m for m in members if m != member)
    return table


def name_forms(name: str) -> tuple[str, ...]:
    """The other names of what Norwegian ``name`` names, bare and in the genitive:
    "senterpartiets" -> ("sp", "sps"); () for most names."""
    name = name.lower()
    table = _names()
    others = table.get(name) or (table.get(name[:-1], ()) if name.endswith("s") else ())
    return tuple(form for other in others for form in (other, other + "s"))
