"""Nynorsk questions over Bokmål news: a Nynorsk word's Bokmål forms, offline.

Norway writes two Norwegians. A reader who writes Nynorsk asks "Kva kostar det nye
sjukehuset?" of an article that says "Det nye sykehuset koster ...": the function words
are known (`bot.text.tokens.STOPWORDS`), but "sjukehus" is no word of the article. FreeDict's
Nynorsk–Bokmål dictionary (Debian's `dict-freedict-nno-nob`, about 68,000 headwords from
Apertium) gives each Nynorsk word its Bokmål forms; they are the word's own other forms
(`Term.variants`), as Bokmål's irregular verb forms are. Its data is read where the system
installed it, or from `NYNORSK_LEXICON`, once, on first use; without it Nynorsk questions
work as before.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import marshal
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bot.text.lexicon import b64_number as _b64
from bot.text.lexicon import cache_folder
from bot.text.tokens import STOPWORDS, stem_words

__all__ = [
    "DEFAULT_NYNORSK_LEXICON",
    "NYNORSK_FILLER",
    "NYNORSK_WORDS",
    "Nynorsk",
    "nynorsk_at",
    "read_nynorsk",
    "read_nynorsk_cached",
]

log = logging.getLogger(__name__)

DEFAULT_NYNORSK_LEXICON = "/usr/share/dictd/freedict-nno-nob.index"

# Words only Nynorsk writes: a question holding one is Nynorsk, and its other words are
# looked up. (A Bokmål question is left as it is: "mener" is no Nynorsk headword's form to
# reread, and a Bokmål word may be a Nynorsk one of another meaning.)
NYNORSK_WORDS = frozenset(
    "kva kven kvifor korleis kvar ikkje frå eg berre noko nokon nokre mykje vart vore "
    "kvarandre sjølv".split()
)
# Nynorsk function words that are names or other words elsewhere ("Anna", "Vera", "Ho Chi
# Minh", a Bokmål "kor" is a choir): no search terms only in a Nynorsk question.
NYNORSK_FILLER = frozenset("kor ho dei me då ein eit anna vera".split())

# A word's Bokmål forms, at most this many: an entry lists its commonest first, and the
# rest are rarer senses that match other things.
MOST_FORMS = 4


@dataclass(frozen=True)
class Nynorsk:
    """Nynorsk headwords, and their stems, to their Bokmål forms."""

    forms: dict[str, tuple[str, ...]]
    by_stem: dict[str, tuple[str, ...]]

    def bokmal(self, word: str, stem: str) -> tuple[str, ...]:
        """The Bokmål forms of a Nynorsk ``word`` (whose Norwegian stem is ``stem``) and
        their stems: "sjukehuset" is "sykehus"; () when it has none, or is Bokmål too."""
        found = self.forms.get(word) or self.by_stem.get(stem) or ()
        found = tuple(w for w in found if w != word and w not in STOPWORDS)[:MOST_FORMS]
        if not found:
            return ()
        return tuple(dict.fromkeys([*found, *stem_words(list(found), "no")]))

    def __len__(self) -> int:
        return len(self.forms)


def read_nynorsk_cached(index: Path) -> Nynorsk:
    """`read_nynorsk`, from the cache folder when an earlier run left the same tables (a
    quarter of a second to read the dictionary, a fiftieth to load them)."""
    digest = hashlib.sha256(b"nynorsk-2")
    for path in (index, index.with_suffix(".dict.dz"), index.with_suffix(".dict")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    cache = cache_folder() / f"nynorsk-{digest.hexdigest()[:20]}.marshal"
    try:
        forms, by_stem = marshal.loads(cache.read_bytes())
        return Nynorsk(forms, by_stem)
    except (OSError, ValueError, EOFError, TypeError):
        pass  # no cache yet, or one this version cannot read: build it
    found = read_nynorsk(index)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps((found.forms, found.by_stem)))
        partial.replace(cache)
    except OSError as exc:  # a read-only home: read it each time
        log.info("Nynorsk lexicon: not cached (%s)", exc)
    return found


def read_nynorsk(index: Path) -> Nynorsk:
    """The dictionary at ``index`` (a dictd .index file beside its .dict.dz or .dict)."""
    data_file = next(
        (
            candidate
            for candidate in (index.with_suffix(".dict.dz"), index.with_suffix(".dict"))
            if candidate.is_file()
        ),
        None,
    )
    if data_file is None:
        raise FileNotFoundError(f"no .dict.dz or .dict beside {index}")
    raw = data_file.read_bytes()
    data = gzip.decompress(raw) if data_file.suffix == ".dz" else raw
    forms: dict[str, tuple[str, ...]] = {}
    # Each entry is its headword's line, then a line of its Bokmål forms ("skule\nskole\n"),
    # simpler than the English dictionary's senses and glosses (`bot.text.lexicon`).
    for line in index.read_text(encoding="utf-8").splitlines():
        headword, _, rest = line.partition("\t")
        offset, _, length = rest.partition("\t")
        if not length or headword.startswith("00database"):
            continue
        start = _b64(offset)
        body = data[start : start + _b64(length)].decode("utf-8", "replace").split("\n")
        head = headword.lower()
        single = [
            t.strip().lower()
            for forms_line in body[1:]
            for t in forms_line.split(",")
            if t.strip() and " " not in t.strip()
        ]
        single = [t for t in single if t != head]
        if single:
            forms[head] = tuple(dict.fromkeys([*forms.get(head, ()), *single]))
    heads = list(forms)
    by_stem: dict[str, tuple[str, ...]] = {}
    for head, stem in zip(heads, stem_words(heads, "no"), strict=True):
        by_stem[stem] = tuple(dict.fromkeys([*by_stem.get(stem, ()), *forms[head]]))
    return Nynorsk(forms, by_stem)


_LOCK = threading.Lock()
_CACHE: dict[str, Nynorsk | None] = {}


def nynorsk_at(setting: str) -> Nynorsk | None:
    """The dictionary ``NYNORSK_LEXICON`` names, read once per process; None when no file
    is there (Nynorsk questions then find what their own words find)."""
    path = setting.strip()
    if not path:
        return None
    with _LOCK:
        if path not in _CACHE:
            index = Path(path)
            started = time.perf_counter()
            try:
                _CACHE[path] = read_nynorsk_cached(index) if index.is_file() else None
            except (OSError, ValueError, EOFError) as exc:
                log.warning("Nynorsk lexicon at %s unreadable: %s", index, exc)
                _CACHE[path] = None
            found = _CACHE[path]
            if found is not None:
                log.info(
                    "Nynorsk lexicon: %d headwords from %s in %.0f ms",
                    len(found),
                    index,
                    (time.perf_counter() - started) * 1000,
                )
        return _CACHE[path]
