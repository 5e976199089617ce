"""Language detection with py3langid (its model ships inside the package)."""

from __future__ import annotations

from functools import lru_cache

__all__ = ["detect_language"]

# Bokmål and nynorsk share one stemmer and one index language.
_ALIASES = {"nb": "no", "nn": "no"}
_SAMPLE = 1200


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    # Loaded on first use, not at import: it takes most of a second.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)


def detect_language(text: str, default: str = "und") -> str:
    """ISO 639-1 code of ``text`` ("no", "en", ...), ``default`` when there is no text."""
    sample = text[:_SAMPLE]
    if sum(ch.isalpha() for ch in sample) < 3:
        return default
    code, _score = _identifier().classify(sample)
    return _ALIASES.get(code, code)
