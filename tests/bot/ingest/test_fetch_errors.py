"""A fetch that fails says what happened in words, never an httpx class name."""

from __future__ import annotations

import socket
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from bot.config import Settings
from bot.ingest import Ingestor
from bot.ingest.fetch import _failure_reason
from storage import Database
from tests.support.httpserver import serve


def _only_failure(sqlite_db: Database, settings: Settings, url: str) -> str:
    report = Ingestor(sqlite_db, settings).ingest([url])
    assert report.new == 0 and report.failed == 1
    reason = report.failures[0].reason
    assert "Error" not in reason, reason  # no exception class names
    return reason


def test_a_refused_connection_is_named(sqlite_db: Database, settings: Settings) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x.rss"
    reason = _only_failure(sqlite_db, settings, url)
    assert reason == f"could not fetch {url}: the connection was refused " + (
        "(nothing is listening at that address and port)"
    )


def _short_body(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    handler.wfile.write(b"<rss>" + b"x" * 495)
    handler.close_connection = True


def _no_answer(handler: BaseHTTPRequestHandler) -> None:
    handler.close_connection = True


def _not_http(handler: BaseHTTPRequestHandler) -> None:
    handler.wfile.write(b"HELLO THERE\r\n\r\n")
    handler.close_connection = True


@pytest.mark.parametrize(
    ("handler", "said"),
    [
        (
            _short_body,
            "the server closed the connection before the whole response arrived "
            "(500 of 1000 bytes)",
        ),
        (_no_answer, "the server closed the connection without answering"),
        (_not_http, "the server's answer was not valid HTTP"),
    ],
)
def test_a_broken_answer_is_named(
    sqlite_db: Database, settings: Settings, handler: object, said: str
) -> None:
    with serve() as site:
        url = site.add("/x.rss", handler=handler)
        reason = _only_failure(sqlite_db, settings, url)
    assert reason == f"could not fetch {url}: {said}"


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (httpx.ConnectError("[Errno -2] Name or service not known"), "could not be reached"),
        (httpx.ConnectError("[Errno 104] Connection reset by peer"), "reset the connection"),
        (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]"), "TLS certificate"),
        (httpx.ReadTimeout("timed out"), "did not answer in time"),
        (httpx.ReadError("[Errno 104] Connection reset by peer"), "broke off while the response"),
        (httpx.WriteError("broken pipe"), "broke off while the request"),
        (httpx.ProxyError("407"), "proxy could not make the connection"),
        (httpx.UnsupportedProtocol("ftp"), "not an http or https URL"),
        (httpx.TooManyRedirects("30 redirects"), "redirects too many times"),
        (httpx.DecodingError("incorrect header check"), "could not be decoded"),
        (httpx.LocalProtocolError("bad header"), "could not be sent as valid HTTP"),
        (httpx.RequestError("something new"), "the request failed (the log has the details)"),
    ],
)
def test_every_common_httpx_error_has_words(error: Exception, said: str) -> None:
    assert said in _failure_reason(error)
