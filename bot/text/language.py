"""Language detection with py3langid (its model ships inside the package)."""

from __future__ import annotations

import logging
import re
import threading
from array import array
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
#
# Scoring then weighs each n-gram by its row of the model (one float16 per language), which
# numpy converts to float32 for every text: that conversion cost more than all the rest of
# the scoring. So each row is converted once, when its n-gram is first met, into a float32
# table of the rows met so far; the walks remember positions in that table. The arithmetic
# is the library's own, on the same float32 numbers.

# About 300 bytes a walk and 570 a row: at most some 40 MB a process, then both start over.
_WALKS_MAX = 100_000
_ROWS_MAX = 20_000


class _Rows:
    """The model's float16 rows met so far, as float32: row ``slots[feature]`` of `table`."""

    def __init__(self, model: Any) -> None:
        import numpy as np

        self.model_rows = model.nb_ptc
        self.slots: dict[int, int] = {}
        self.table = np.empty((1024, self.model_rows.shape[1]), dtype=np.float32)
        # Questions are analysed in threads: two must never take the same slot.
        self.lock = threading.Lock()

    def slot(self, feature: int) -> int:
        slot = self.slots.get(feature)
        if slot is not None:
            return slot
        with self.lock:
            slot = self.slots.get(feature)
            if slot is None:
                slot = len(self.slots)
                if slot == len(self.table):
                    import numpy as np

                    self.table = np.concatenate([self.table, np.empty_like(self.table)])
                self.table[slot] = self.model_rows[feature]
                self.slots[feature] = slot
            return slot


# Where a walk over a word ends, and the slots of the n-grams it met (C ints, as bytes: an
# article's are joined and read by numpy at once).
_Walk = tuple[int, bytes]


class _WordWalker:
    def __init__(self, model: Any) -> None:
        self.model = model
        self.nextmove = model.tk_nextmove
        self.rowbase = model._rowbase
        self.output = model.tk_output
        self.memory = self._fresh()

    def _fresh(self) -> tuple[dict[int, dict[bytes, _Walk]], _Rows]:
        self.walks_kept = 0
        return {}, _Rows(self.model)

    def scores(self, data: bytes) -> Any:
        """The library's naive Bayes scores of ``data`` (UTF-8; its `_sparse_score`, on the
        same float32 numbers); None when ``data`` holds no n-gram of the model."""
        import numpy as np

        walks, rows = self.memory
        if self.walks_kept > _WALKS_MAX or len(rows.slots) > _ROWS_MAX:
            # A thread in the middle of a text keeps the pair it started with.
            walks, rows = self.memory = self._fresh()
        state = 0
        found: list[bytes] = []
        pieces = data.split(b" ")
        end = pieces.pop()
        for piece in pieces:
            # By state, then word (the word without its space): one dict a state, whose
            # keys are the text's own bytes objects, costs less than a tuple for each word.
            by_word = walks.get(state)
            if by_word is None:
                by_word = walks[state] = {}
            walk = by_word.get(piece)
            if walk is None:
                walk = by_word[piece] = self._walk(state, piece + b" ", rows)
                self.walks_kept += 1
            state = walk[0]
            found.append(walk[1])
        if end:  # the text's last word, mostly cut short by the sample: walked, not kept
            found.append(self._walk(state, end, rows)[1])
        met = np.frombuffer(b"".join(found), dtype=np.intc)
        if not met.size:
            return None
        # Counted in numpy, not in a Counter of Python ints; in the order first met, as the
        # library's Counter has them, so that the sums below add in the same order.
        slots, first, counts = np.unique(met, return_index=True, return_counts=True)
        order = first.argsort()
        weights = np.log1p(counts[order].astype(np.float32))
        # `take`, not indexing by an array: the same rows, gathered without the general
        # indexing machinery (a third of the gather's time).
        return weights @ rows.table.take(slots[order], axis=0) + self.model.nb_pc

    def _walk(self, state: int, word: bytes, rows: _Rows) -> _Walk:
        nextmove, rowbase, output = self.nextmove, self.rowbase, self.output
        features: list[int] = []
        for byte in word:
            state = nextmove[rowbase[state] + byte]
            feature = output[state]
            if feature >= 0:
                features.append(feature)
        slots = rows.slots
        met = array("i", [slots.get(f) or rows.slot(f) for f in features])
        return state, met.tobytes()


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

            rivals = self.__dict__.get("rivals")
            if rivals is None:
                # By language, the positions of every other index language's scores.
                codes = np.array([_ALIASES.get(c, c) for c in self.nb_classes])
                rivals = self.__dict__["rivals"] = [np.flatnonzero(codes != c) for c in codes]
            scores = self._decide(text)
            best = int(scores.argmax())
            others = rivals[best]
            if others.size and float(scores[best] - scores[others].max()) < margin:
                return None
            return str(self.nb_classes[best])

        def _raw_score(self, data: bytes) -> Any:
            walker = self.__dict__.get("walker")
            if walker is None:
                walker = self.__dict__["walker"] = _WordWalker(self)
            scores = walker.scores(data)
            if scores is None:
                return super()._raw_score(data)  # no features: the library's answer for none
            return scores

    return WordWalking
