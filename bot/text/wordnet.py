"""English base forms from Princeton WordNet, read where Debian installs it.

FreeDict's English–Norwegian list has "win" but not "won", "woman" but not "women".
WordNet's exception lists give the base form of irregular words ("won" -> "win",
"led" -> "lead") and its index says which regular base forms are words ("diets" ->
"diet"). The files are Debian's `wordnet-base`; nothing is copied into the
repository. The index files are sorted, so a word is found by binary search on the
memory-mapped file: nothing is read up front but the small exception lists.
"""

from __future__ import annotations

import mmap
import threading
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["DEFAULT_WORDNET_PATH", "WordNet", "wordnet_at"]

DEFAULT_WORDNET_PATH = "/usr/share/wordnet"

_PARTS = ("noun", "verb", "adj")
# WordNet's own detachment rules (its "morphy"): suffix -> replacement, per part of speech.
_RULES = {
    "noun": (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"),
             ("shes", "sh"), ("men", "man"), ("ies", "y")),
    "verb": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""),
             ("ing", "e"), ("ing", "")),
    "adj": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
}  # fmt: skip


# Words whose base forms are kept (some 100 bytes each), then the memory starts over.
_FOUND_MAX = 50_000


@dataclass
class WordNet:
    """Lookups in one WordNet database folder (its `index.*` and `*.exc` files)."""

    folder: Path
    _exceptions: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    _indexes: dict[str, mmap.mmap] = field(default_factory=dict)
    # Base forms found so far: a question looks each of its words up once for every phrase
    # it may open or close (a dozen binary searches each), and questions repeat words.
    _found: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path) -> WordNet | None:
        """The WordNet in ``folder``, or None when its files are not all there."""
        names = [f"index.{part}" for part in _PARTS]
        if not all((folder / name).is_file() for name in names):
            return None
        wordnet = cls(folder)
        for part in _PARTS:
            table: dict[str, tuple[str, ...]] = {}
            exc = folder / f"{part}.exc"
            if exc.is_file():
                for line in exc.read_text("utf-8", "replace").splitlines():
                    inflected, *bases = line.split()
                    if bases:
                        table[inflected] = tuple(bases)
            wordnet._exceptions[part] = table
            with (folder / f"index.{part}").open("rb") as index:
                wordnet._indexes[part] = mmap.mmap(index.fileno(), 0, access=mmap.ACCESS_READ)
        return wordnet

    def base_forms(self, word: str) -> list[str]:
        """The dictionary forms of ``word`` in any part of speech ("won" -> "win")."""
        found = self._found.get(word)
        if found is None:
            if len(self._found) >= _FOUND_MAX:
                self._found.clear()
            found = self._found[word] = tuple(self._base_forms(word))
        return list(found)

    def _base_forms(self, word: str) -> list[str]:
        word = word.lower().replace(" ", "_")
        found: dict[str, None] = {}
        for part in _PARTS:
            for base in self._exceptions.get(part, {}).get(word, ()):
                found.setdefault(base, None)
            if self._known(word, part):
                found.setdefault(word, None)
            for suffix, replacement in _RULES[part]:
                if word.endswith(suffix) and len(word) > len(suffix) + 1:
                    base = word[: len(word) - len(suffix)] + replacement
                    if self._known(base, part):
                        found.setdefault(base, None)
        return [base.replace("_", " ") for base in found]

    def _known(self, key: str, part: str) -> bool:
        """Whether ``key`` is a headword of ``part`` (noun, verb, adjective)."""
        return _find_line(self._indexes[part], key.encode("utf-8")) is not None


def _find_line(index: mmap.mmap, key: bytes) -> str | None:
    """The line of the sorted ``index`` whose first field is ``key``, by binary search."""
    low, high = 0, len(index)
    prefix = key + b" "
    while low < high:
        middle = (low + high) // 2
        start = index.rfind(b"\n", 0, middle) + 1
        end = index.find(b"\n", start)
        end = len(index) if end < 0 else end
        line = index[start:end]
        if line.startswith(b"  "):  # the licence header sorts before every word
            low = end + 1
            continue
        if line.startswith(prefix):
            return line.decode("utf-8", "replace")
        if line < prefix:
            low = end + 1
        else:
            high = start
    return None


_CACHE: dict[str, WordNet | None] = {}
_LOCK = threading.Lock()


def wordnet_at(setting: str) -> WordNet | None:
    """The WordNet in the folder ``setting`` names, opened once per process; None when
    it is not installed (cross-language lookup then knows fewer English words)."""
    with _LOCK:
        if setting not in _CACHE:
            _CACHE[setting] = WordNet.open(Path(setting).expanduser()) if setting else None
        return _CACHE[setting]
