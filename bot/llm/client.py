"""A small client for OpenAI-compatible servers (OpenAI, Azure OpenAI, Ollama, vLLM,
llama.cpp server, LM Studio): chat completions and embeddings over httpx.

No SDK: two endpoints, retries and a hard deadline are less code than a dependency.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from bot.errors import NewsbotError

if TYPE_CHECKING:
    import httpx

__all__ = ["LLMError", "OpenAICompatible"]

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


class LLMError(NewsbotError):
    """The model server failed, timed out or answered something unusable."""


class OpenAICompatible:
    """Synchronous client; the core calls it from worker threads."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: SecretStr | None = None,
        timeout_s: float = 20.0,
        retries: int = 3,
        backoff_s: float = 0.5,
        max_backoff_s: float = 8.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Content-Type": "application/json"}
        if api_key is not None and api_key.get_secret_value():
            headers["Authorization"] = f"Bearer {api_key.get_secret_value()}"
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.sleep = sleep
        import httpx  # at first use: its import is a tenth of a second of every start

        self.client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers=headers,
            timeout=httpx.Timeout(timeout_s),
            transport=transport,
        )

    def close(self) -> None:
        self.client.close()

    def chat(self, model: str, messages: list[dict[str, str]], *, max_tokens: int = 400) -> str:
        """The first choice's message text."""
        data = self._post(
            "chat/completions",
            {"model": model, "messages": messages, "temperature": 0.1, "max_tokens": max_tokens},
        )
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as exc:
            raise LLMError("the model's reply has no message") from exc
        if not isinstance(content, str) or not content.strip():
            raise LLMError("the model's reply is empty")
        return content.strip()

    def embed(self, model: str, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order."""
        data = self._post("embeddings", {"model": model, "input": texts})
        try:
            rows = sorted(data["data"], key=lambda row: row.get("index", 0))
            vectors = [[float(x) for x in row["embedding"]] for row in rows]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise LLMError("the embeddings reply is malformed") from exc
        if len(vectors) != len(texts):
            raise LLMError(f"asked for {len(texts)} embeddings, got {len(vectors)}")
        if vectors and (len({len(v) for v in vectors}) > 1 or not vectors[0]):
            raise LLMError("the embeddings reply has empty or mixed-size vectors")
        return vectors

    def models(self) -> list[str]:
        """The ids of the models the server offers (`GET models`): is it there, and is ours?"""
        data = self._request("GET", "models")
        rows = data.get("data")
        if not isinstance(rows, list):
            raise LLMError("the models reply has no list of models")
        return [str(row["id"]) for row in rows if isinstance(row, dict) and "id" in row]

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        return self._request("POST", path, payload)

    def _request(
        self, method: str, path: str, payload: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        import httpx

        deadline = time.monotonic() + self.timeout_s
        for attempt in range(self.retries + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LLMError(f"no answer within {self.timeout_s:g} s")
            try:
                response = self.client.request(method, path, json=payload, timeout=remaining)
            except httpx.TimeoutException as exc:
                raise LLMError(f"no answer within {self.timeout_s:g} s") from exc
            except httpx.HTTPError as exc:
                raise LLMError(f"cannot reach the model server ({exc.__class__.__name__})") from exc
            if response.status_code in RETRY_STATUSES and attempt < self.retries:
                wait = self._wait(response, attempt)
                if time.monotonic() + wait >= deadline:
                    raise LLMError(
                        f"the model server answered {response.status_code} until the deadline"
                    )
                log.info("model server answered %s; retrying in %.1f s", response.status_code, wait)
                self.sleep(wait)
                continue
            if response.status_code >= 400:
                raise LLMError(f"the model server answered HTTP {response.status_code}")
            try:
                body = response.json()
            except ValueError as exc:
                raise LLMError("the model server did not answer JSON") from exc
            if not isinstance(body, dict):
                raise LLMError("the model server did not answer a JSON object")
            return body
        raise LLMError("the model server kept failing")  # pragma: no cover - loop returns or raises

    def _wait(self, response: httpx.Response, attempt: int) -> float:
        """Retry-After when the server gives one (seconds), else exponential backoff."""
        header = response.headers.get("retry-after", "")
        try:
            given = float(header)
        except ValueError:
            given = -1.0
        if given >= 0:
            return min(given, self.max_backoff_s)
        return min(self.backoff_s * 2.0**attempt, self.max_backoff_s)
