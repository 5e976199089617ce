"""A fake OpenAI-compatible server on 127.0.0.1: scripted replies, recorded requests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


def chat_reply(content: str) -> Reply:
    return Reply(
        body={"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}
    )


@dataclass
class FakeOpenAI:
    base_url: str
    script: dict[str, list[Reply]]
    requests: list[tuple[str, dict[str, Any], dict[str, str], float]]
    embed: Callable[[str], list[float]] | None = None
    # What GET /v1/models lists (unless a reply is scripted for "models").
    models: list[str] = field(default_factory=lambda: ["llama3.1", "nomic-embed-text"])

    def then(self, path: str, *replies: Reply) -> None:
        self.script.setdefault(path, []).extend(replies)

    def bodies(self, path: str) -> list[dict[str, Any]]:
        return [body for p, body, _, _ in self.requests if p == path]


@contextmanager
def fake_openai() -> Iterator[FakeOpenAI]:
    script: dict[str, list[Reply]] = {}
    requests: list[tuple[str, dict[str, Any], dict[str, str], float]] = []
    state: dict[str, FakeOpenAI] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            self.do_POST()

        def do_POST(self) -> None:  # noqa: N802 - stdlib name
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            path = self.path.removeprefix("/v1/")
            requests.append((path, body, dict(self.headers), time.monotonic()))
            queue = script.get(path) or []
            if queue:
                reply = queue.pop(0)
            elif path == "models" and self.command == "GET":
                listed = [{"id": model, "object": "model"} for model in state["fake"].models]
                reply = Reply(body={"object": "list", "data": listed})
            elif path == "embeddings" and state["fake"].embed is not None:
                embed = state["fake"].embed
                data = [{"index": i, "embedding": embed(t)} for i, t in enumerate(body["input"])]
                reply = Reply(body={"data": data})
            else:
                reply = Reply(status=500, body={"error": "no scripted reply"})
            if reply.delay_s:
                time.sleep(reply.delay_s)
            payload = json.dumps(reply.body).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake = FakeOpenAI(f"http://127.0.0.1:{server.server_address[1]}/v1", script, requests)
    state["fake"] = fake
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
