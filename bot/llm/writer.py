"""Written answers and story summaries from a model, checked before anyone sees them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.llm.client import LLMError, OpenAICompatible
from bot.llm.prompts import answer_messages, digest_messages

__all__ = ["Passage", "LLMWriter", "check_reply"]

_MARKER = re.compile(r"\[(\d{1,3})\]")


@dataclass(frozen=True)
class Passage:
    """What the model may quote: an article's title and its most relevant sentences."""

    article_id: int
    title: str
    text: str


def check_reply(reply: str, passages: int, max_chars: int) -> list[int]:
    """The passage numbers ``reply`` cites, in order of first use; `LLMError` says why a
    reply is unusable (no citation, a citation to a passage not given, too long)."""
    if reply.strip().upper().startswith("NO ANSWER"):
        raise LLMError("the model found no answer in the passages")
    cited = list(dict.fromkeys(int(n) for n in _MARKER.findall(reply)))
    if not cited:
        raise LLMError("the reply cites no passage")
    wrong = [n for n in cited if not 1 <= n <= passages]
    if wrong:
        raise LLMError(f"the reply cites [{wrong[0]}] but only {passages} passages were given")
    if len(reply) > max_chars:
        raise LLMError(f"the reply is {len(reply)} characters, over the {max_chars} limit")
    return cited


def renumber(reply: str, cited: list[int]) -> str:
    """Markers renumbered 1, 2, ... in order of first use, matching the citation list."""
    mapping = {old: new for new, old in enumerate(cited, start=1)}
    return _MARKER.sub(lambda m: f"[{mapping[int(m.group(1))]}]", reply)


class LLMWriter:
    """Asks the model, checks the reply; any failure raises `LLMError` for the caller's fallback."""

    def __init__(self, client: OpenAICompatible, model: str, max_chars: int) -> None:
        self.client = client
        self.model = model
        self.max_chars = max_chars

    def answer(
        self, question: str, language: str, passages: list[Passage]
    ) -> tuple[str, list[Passage]]:
        """A cited answer, renumbered, and the passages it cites in their new order."""
        messages = answer_messages(
            question, language, [(p.title, p.text) for p in passages], self.max_chars
        )
        reply = " ".join(self.client.chat(self.model, messages).split())
        cited = check_reply(reply, len(passages), self.max_chars)
        return renumber(reply, cited), [passages[n - 1] for n in cited]

    def summarise(self, language: str, reports: list[Passage], max_chars: int) -> str:
        """One or two cited sentences about one story, markers kept as given."""
        messages = digest_messages(language, [(p.title, p.text) for p in reports], max_chars)
        reply = " ".join(self.client.chat(self.model, messages, max_tokens=200).split())
        check_reply(reply, len(reports), max_chars)
        return reply
