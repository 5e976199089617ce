"""Language detection with py3langid (its model ships inside the package)."""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["detect_language"]

# Bokmål and nynorsk share one stemmer and one index language.
_ALIASES = {"nb": "no", "nn": "no"}
# A few sentences decide the language; more text only costs time.
_SAMPLE = 400
_LETTERS = re.compile(r"[^\W\d_]{3}")


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    # Loaded on first use, not at import: it takes most of a second.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)


def detect_language(text: str, default: str = "und") -> str:
    """ISO 639-1 code of ``text`` ("no", "en", ...), ``default`` when there is no text."""
    sample = text[:_SAMPLE]
    if not _LETTERS.search(sample):
        return default
    code: str = _identifier().classify(sample)[0]
    return _ALIASES.get(code, code)
