"""Language detection with py3langid (its model ships inside the package)."""

from __future__ import annotations

import logging
import re
import threading
from array import array
from typing import Any

from bot.text.tokens import MARKS

__all__ = ["detect_language", "language_code", "load_language_model"]

log = logging.getLogger(__name__)

# Bokmål and nynorsk share one stemmer and one index language.
_ALIASES = {"nb": "no", "nn": "no"}
# A language tag as given (BCP 47: "en-GB", "zh-Hant", "pt_BR"): its language subtag.
_TAG = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*")
# Three-letter codes (ISO 639-2) of the languages read first, as their two letters.
_THREE_LETTERS = {"nor": "no", "nob": "no", "nno": "no", "eng": "en"}
# Codes ISO 639 withdrew, still met in feeds and archives.
_WITHDRAWN = {"iw": "he", "in": "id", "ji": "yi"}


def language_code(tag: str) -> str | None:
    """The language a tag names, as detection names it ("en-GB" is "en", "nb" and "nn"
    are "no"), or None for what is no language tag."""
    match = _TAG.fullmatch(tag.strip())
    if match is None:
        return None
    code = match.group(1).lower()
    return _ALIASES.get(code) or _WITHDRAWN.get(code) or _THREE_LETTERS.get(code, code)


# A few sentences decide the language; more text only costs time.
_SAMPLE = 400
# Three letters in a row, a letter's marks between them ("क्रि" is three letters with
# their marks): a text without them is no language's.
_LETTERS = re.compile(rf"(?:[^\W\d_][{MARKS}]*){{3}}")


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
# word) is walked once and its end state and n-grams are remembered. The counts are the
# library's own.
#
# Scoring then weighs each n-gram by its row of the model (one float16 per language), which
# numpy converts to float32 for every text: that conversion cost more than all the rest of
# the scoring. So each row is converted once, when its n-gram is first met, into a float32
# table of the rows met so far; the walks remember positions in that table. The arithmetic
# is the library's, on the same float32 numbers, but the rows are added in the order of
# their positions, not in the order the text met them: the scores differ from the library's
# in their last bits (a test holds them within 1e-3), and the languages detected over 88,000
# texts (the speed benchmark's corpus, the NorQuAD articles, their sentences and the
# benchmark questions) are the same.

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


class _Memory:
    """What the walker remembers, started over together when full: the walks by start state
    (`_FromState`), and the model rows their n-grams point at (`_Rows`)."""

    def __init__(self, walker: _WordWalker) -> None:
        self.walker = walker
        self.rows = _Rows(walker.model)
        self.states: dict[int, _FromState] = {}
        self.walks_kept = 0

    def from_state(self, state: int) -> _FromState:
        found = self.states.get(state)
        if found is None:
            # setdefault: two threads meeting a state at once share one dict.
            found = self.states.setdefault(state, _FromState(self, state))
        return found


# A walk over a word (with its space): the dict of walks from the state where it ends, and the
# slots of the n-grams it met (C ints, as bytes: a text's are joined and read by numpy at once).
_Walk = tuple["_FromState", bytes]


class _FromState(dict[bytes, _Walk]):
    """The walks from one state of the automaton, by word (without its space: the text's own
    bytes objects). A word not met before from this state is walked as it is looked up, so
    a text is walked by one lookup a word, each finding the dict the next word is looked up
    in, with no Python-level test for what is remembered."""

    def __init__(self, memory: _Memory, state: int) -> None:
        super().__init__()
        self.memory = memory
        self.state = state

    def __missing__(self, word: bytes) -> _Walk:
        memory = self.memory
        end, met = memory.walker.walk(self.state, word + b" ", memory.rows)
        memory.walks_kept += 1
        walk = self[word] = (memory.from_state(end), met)
        return walk


class _WordWalker:
    def __init__(self, model: Any) -> None:
        self.model = model
        self.nextmove = model.tk_nextmove
        self.rowbase = model._rowbase
        self.output = model.tk_output
        self.memory = _Memory(self)

    def scores(self, data: bytes) -> Any:
        """The library's naive Bayes scores of ``data`` (UTF-8; its `_sparse_score`, on the
        same float32 numbers, added in another order); None when ``data`` holds no n-gram
        of the model."""
        import numpy as np

        memory = self.memory
        if memory.walks_kept > _WALKS_MAX or len(memory.rows.slots) > _ROWS_MAX:
            # A thread in the middle of a text keeps the memory it started with.
            memory = self.memory = _Memory(self)
        pieces = data.split(b" ")
        end = pieces.pop()
        walk: _Walk = (memory.from_state(0), b"")
        # `__getitem__` called, not `[]`: on a dict subclass `[]` goes through a Python-level
        # slot that costs more than the lookup itself.
        found = [(walk := walk[0].__getitem__(piece))[1] for piece in pieces]
        if end:  # the text's last word, mostly cut short by the sample: walked, not kept
            found.append(self.walk(walk[0].state, end, memory.rows)[1])
        met = np.frombuffer(b"".join(found), dtype=np.intc).copy()
        if not met.size:
            return None
        # Counted by numpy in the order of the slots: sorted, each run of one slot is one
        # n-gram and its count. (By hand: `np.unique`, with its general checks and wrappers,
        # took twice the instructions.)
        met.sort()
        runs = np.empty(met.size + 1, dtype=np.bool_)
        runs[0] = runs[-1] = True
        np.not_equal(met[1:], met[:-1], out=runs[1:-1])
        starts = runs.nonzero()[0]
        weights = np.log1p(starts[1:] - starts[:-1], dtype=np.float32)
        # `take`, not indexing by an array: the same rows, gathered without the general
        # indexing machinery (a third of the gather's time).
        rows = memory.rows.table.take(met.take(starts[:-1]), axis=0)
        return weights @ rows + self.model.nb_pc

    def walk(self, state: int, word: bytes, rows: _Rows) -> tuple[int, bytes]:
        """Where the automaton ends after ``word`` from ``state``, and the slots of the
        n-grams it met on the way."""
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
    if not all(hasattr(base, name) for name in ("_encode", "_raw_score", "_sparse_score")):
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
            # The scores before the library folds the columns of one label together ("sr" in
            # two scripts, `_decide`): that changes no label's best score, so neither the
            # best label nor its lead over the other index languages.
            scores = self._raw_score(self._encode(text))
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
