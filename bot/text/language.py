"""Language detection with py3langid (its model ships inside the package)."""

from __future__ import annotations

import re
import threading
from typing import Any

__all__ = ["detect_language", "load_language_model"]

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

                _MODEL = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
    return _MODEL


def detect_language(text: str, default: str = "und") -> str:
    """ISO 639-1 code of ``text`` ("no", "en", ...), ``default`` when there is no text."""
    sample = text[:_SAMPLE]
    if not _LETTERS.search(sample):
        return default
    code: str = _identifier().classify(sample)[0]
    return _ALIASES.get(code, code)
