"""Language detection with py3langid (its model ships inside the package)."""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from typing import Any

__all__ = ["detect_language", "load_language_model"]

log = logging.getLogger(__name__)

# Bokmål and nynorsk share one stemmer and one index language.
_ALIASES = {"nb": "no", "nn": "no"}
# A few sentences decide the language; more text only costs time.
_SAMPLE = 400
_LETTERS = re.compile(r"[^\W\d_]{3}")


_MODEL: Any = None
_LOADING = threading.Lock()


def load_language_model() -> None:
    """Load the model now (once per process: start-up calls this before taking traffic).
    Threads asking at once wait for one load instead of each loading their own."""
    _identifier()


def _identifier() -> Any:
    global _MODEL
    if _MODEL is None:
        with _LOADING:
            if _MODEL is None:
                # Not at import: it takes most of a second, which commands like `stats` skip.
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = _walking_by_words(LanguageIdentifier)
                _MODEL = identifier.from_model_file(MODEL_FILE, norm_probs=False)
    return _MODEL


# Most texts are told apart by their first 200 characters, by a wide margin (in log
# probability over the next language): only a closer call reads the whole sample. Over
# 104,000 news texts (100,000 of them the speed benchmark's Danish-like synthetic Norwegian)
# every decision that 200 characters got wrong had a margin under 17; at 30 one text in
# ten is read twice.
_QUICK_SAMPLE = 200
_QUICK_MARGIN = 30.0


def detect_language(text: str, default: str = "und") -> str:
    """ISO 639-1 code of ``text`` ("no", "en", ...), ``default`` when there is no text."""
    sample = text[:_SAMPLE]
    if not _LETTERS.search(sample):
        return default
    model = _identifier()
    code: str | None = None
    if len(sample) > _QUICK_SAMPLE and hasattr(model, "decisive"):
        code = model.decisive(sample[:_QUICK_SAMPLE], _QUICK_MARGIN)
    if code is None:
        code = str(model.classify(sample)[0])
    return _ALIASES.get(code, code)


# -- the n-gram walk, a word at a time --------------------------------------------------
#
# py3langid finds its byte n-grams by walking an automaton over the text one byte at a time
# in Python: two thirds of its time, and a third of an ingest's text work. News repeats its
# words, and the walk over a word depends only on the state it starts in, so each (state,
# word) is walked once and its end state and n-grams are remembered. The counts, and so
# every answer, are the library's own (a test compares them).

# About 300 bytes a walk: at most some 30 MB a process.
_WALKS_MAX = 100_000


class _WordWalker:
    def __init__(self, model: Any) -> None:
        self.nextmove = model.tk_nextmove
        self.rowbase = model._rowbase
        self.output = model.tk_output
        self.walks: dict[tuple[int, bytes], tuple[int, tuple[int, ...]]] = {}

    def visits(self, data: bytes) -> Counter[int] | None:
        """Each n-gram feature of ``data`` (UTF-8) and how often it occurs; None for none."""
        walks = self.walks
        if len(walks) > _WALKS_MAX:
            walks = self.walks = {}
        state = 0
        found: list[int] = []
        pieces = data.split(b" ")
        last = len(pieces) - 1
        for i, piece in enumerate(pieces):
            word = piece + b" " if i < last else piece
            walk = walks.get((state, word))
            if walk is None:
                walk = walks[(state, word)] = self._walk(state, word)
            state = walk[0]
            found += walk[1]
        return Counter(found) if found else None

    def _walk(self, state: int, word: bytes) -> tuple[int, tuple[int, ...]]:
        nextmove, rowbase, output = self.nextmove, self.rowbase, self.output
        features: list[int] = []
        for byte in word:
            state = nextmove[rowbase[state] + byte]
            feature = output[state]
            if feature >= 0:
                features.append(feature)
        return state, tuple(features)


def _walking_by_words(base: Any) -> Any:
    """py3langid's identifier class with the word-at-a-time walk; a py3langid whose insides
    differ keeps its own."""
    if not all(hasattr(base, name) for name in ("_raw_score", "_sparse_score")):
        log.info("py3langid's insides have changed: detecting languages its own way")
        return base

    class WordWalking(base):  # type: ignore[misc]
        def decisive(self, text: str, margin: float) -> str | None:
            """The language of ``text`` when it leads every other by ``margin``, else None
            (aliases of one index language, "nb" and "nn", do not compete)."""
            import numpy as np

            groups = self.__dict__.get("groups")
            if groups is None:
                codes = [_ALIASES.get(c, c) for c in self.nb_classes]
                groups = self.__dict__["groups"] = np.array(codes)
            scores = self._decide(text)
            best = int(scores.argmax())
            others = scores[groups != groups[best]]
            if others.size and float(scores[best] - others.max()) < margin:
                return None
            return str(self.nb_classes[best])

        def _raw_score(self, data: bytes) -> Any:
            walker = self.__dict__.get("walker")
            if walker is None:
                walker = self.__dict__["walker"] = _WordWalker(self)
            visits = walker.visits(data)
            if visits is None:
                return super()._raw_score(data)  # no features: the library's answer for none
            return self._sparse_score(visits, self.nb_ptc)

    return WordWalking
