"""Prompts, in one place and versioned: change the text, bump the version."""

from __future__ import annotations

__all__ = ["ANSWER_PROMPT_VERSION", "answer_messages", "DIGEST_PROMPT_VERSION", "digest_messages"]

ANSWER_PROMPT_VERSION = "answer-v1"
DIGEST_PROMPT_VERSION = "digest-v1"

_LANGUAGES = {"no": "Norwegian (bokmål)", "en": "English"}

_ANSWER_SYSTEM = """\
You answer questions about the news using only the numbered passages you are given.
Rules:
- Answer in {language}, in at most {max_chars} characters, in one to three sentences.
- Every sentence ends with the number(s) of the passage(s) it comes from, like [1] or [1][2].
- Use only facts stated in the passages. Do not add anything you know from elsewhere.
- If the passages do not answer the question, reply exactly: NO ANSWER"""

_DIGEST_SYSTEM = """\
You summarise one news story from the numbered reports you are given.
Write one or two sentences in {language}, at most {max_chars} characters, using only facts
in the reports, each sentence ending with the report number(s) it comes from, like [1]."""


def _language(code: str) -> str:
    return _LANGUAGES.get(code, "the language of the question")


def _numbered(passages: list[tuple[str, str]]) -> str:
    return "\n\n".join(
        f"[{n}] {title}\n{text}" for n, (title, text) in enumerate(passages, start=1)
    )


def answer_messages(
    question: str, language: str, passages: list[tuple[str, str]], max_chars: int
) -> list[dict[str, str]]:
    """Chat messages asking for a cited answer; ``passages`` are (title, text) pairs."""
    system = _ANSWER_SYSTEM.format(language=_language(language), max_chars=max_chars)
    user = f"Passages:\n\n{_numbered(passages)}\n\nQuestion: {question}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def digest_messages(
    language: str, reports: list[tuple[str, str]], max_chars: int
) -> list[dict[str, str]]:
    system = _DIGEST_SYSTEM.format(language=_language(language), max_chars=max_chars)
    return [{"role": "system", "content": system}, {"role": "user", "content": _numbered(reports)}]
