"""HTTP fetching with httpx, within limits a hostile server cannot stretch.

Every hop (the URL and each redirect) is vetted by `AddressGuard` and fetched from the very
address that was vetted. The body is streamed: the bytes on the wire, the bytes after
decompression (gzip bombs) and the wall-clock time across the whole download are each capped,
so a server can neither fill memory nor hold a poll open by dripping one byte at a time.
"""

from __future__ import annotations

import logging
import re
import time
import urllib.request
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from bot.config import Settings
from bot.errors import FetchError
from bot.ingest.guard import AddressGuard, Destination

if TYPE_CHECKING:
    import httpx

__all__ = ["Fetched", "Fetcher"]

log = logging.getLogger(__name__)

_REDIRECTS = {301, 302, 303, 307, 308}
# Only encodings we decompress ourselves, with a bound on the output (see _Decoder).
_ACCEPT_ENCODING = "gzip, deflate"


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    status: int
    content: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _through_proxy(url: httpx.URL) -> bool:
    """Whether httpx will send ``url`` through a proxy from the environment (HTTPS_PROXY...)."""
    proxies = urllib.request.getproxies()
    if not (proxies.get(url.scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass(url.host)


class _Decoder:
    """Undoes a Content-Encoding while never producing more than ``limit`` bytes in total.

    httpx would inflate each network chunk whole: 64 KB of a gzip bomb is 64 MB in memory
    before anyone can count it. zlib's ``max_length`` lets us stop at the limit instead.
    """

    def __init__(self, encoding: str, limit: int, too_big: str) -> None:
        self.limit = limit
        self.too_big = too_big
        self.size = 0
        self.identity = encoding in ("", "identity")
        # 32 + MAX_WBITS reads a gzip or a zlib header, whichever comes.
        self.zlib: zlib._Decompress | None = (
            None if self.identity else zlib.decompressobj(32 + zlib.MAX_WBITS)
        )
        self.raw_deflate = False
        self.started = False
        self.done = False

    def feed(self, data: bytes) -> bytes:
        if self.identity:
            self._count(len(data))
            return data
        out: list[bytes] = []
        while data and not self.done:
            assert self.zlib is not None
            try:
                piece = self.zlib.decompress(data, self.limit - self.size + 1)
            except zlib.error as exc:
                if self.started or self.raw_deflate:
                    raise FetchError("the response is not valid compressed data") from exc
                # Some servers send "deflate" without the zlib header: try raw deflate once.
                self.zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self.raw_deflate = True
                continue
            self.started = True
            self._count(len(piece))
            out.append(piece)
            data = self.zlib.unconsumed_tail
            if self.zlib.eof:
                rest = self.zlib.unused_data
                if rest[:2] == b"\x1f\x8b":
                    # A second gzip member follows (concatenated gzip is valid).
                    data = rest
                    self.zlib = zlib.decompressobj(32 + zlib.MAX_WBITS)
                else:
                    self.done = True  # trailing junk after the stream: ignored, as httpx does
        return b"".join(out)

    def _count(self, n: int) -> None:
        self.size += n
        if self.size > self.limit:
            raise FetchError(self.too_big)


# httpcore's words for a body cut short: "... (received 500 bytes, expected 1000)".
_SHORT_BODY = re.compile(r"received (\d+) bytes, expected (\d+)")


def _failure_reason(exc: Exception) -> str:
    """What went wrong with a request, in words: httpx's class names say nothing to a user,
    and its messages are the socket's ("[Errno 111] Connection refused")."""
    import httpx

    detail = str(exc).lower()
    if isinstance(exc, httpx.TimeoutException):
        return "the server did not answer in time"
    if isinstance(exc, httpx.ConnectError):
        if "refused" in detail:
            return "the connection was refused (nothing is listening at that address and port)"
        if "reset" in detail:
            return "the server reset the connection"
        if "certificate" in detail or "ssl" in detail or "tls" in detail:
            return "the secure connection could not be set up (TLS certificate or handshake)"
        return "the server could not be reached"
    if isinstance(exc, httpx.RemoteProtocolError):
        if "without sending a response" in detail or "disconnected" in detail:
            return "the server closed the connection without answering"
        if "incomplete" in detail or "complete message body" in detail:
            short = _SHORT_BODY.search(detail)
            got = f" ({short[1]} of {short[2]} bytes)" if short else ""
            return f"the server closed the connection before the whole response arrived{got}"
        return "the server's answer was not valid HTTP"
    if isinstance(exc, httpx.LocalProtocolError):
        return "the request could not be sent as valid HTTP"
    if isinstance(exc, httpx.ReadError | httpx.CloseError):
        return "the connection broke off while the response was arriving"
    if isinstance(exc, httpx.WriteError):
        return "the connection broke off while the request was being sent"
    if isinstance(exc, httpx.ProxyError):
        return "the proxy could not make the connection"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "the address is not an http or https URL"
    if isinstance(exc, httpx.TooManyRedirects):
        return "it redirects too many times"
    if isinstance(exc, httpx.DecodingError):
        return "the response could not be decoded (its content encoding is broken)"
    return "the request failed (the log has the details)"


class Fetcher:
    """httpx clients for a run of fetches; use as a context manager."""

    def __init__(
        self,
        settings: Settings,
        transport: httpx.BaseTransport | None = None,
        guard: AddressGuard | None = None,
    ) -> None:
        self.max_bytes = settings.fetch_max_bytes
        self.max_decoded_bytes = settings.fetch_max_decoded_bytes
        self.timeout = settings.fetch_timeout_s
        self.total_s = settings.fetch_total_s
        self.max_redirects = settings.fetch_max_redirects
        self.user_agent = settings.user_agent
        self.transport = transport
        self.guard = guard or AddressGuard(settings.fetch_allow_hosts)
        # One client per origin: connections are made to vetted IPs, and httpcore pools by
        # IP, so a shared pool could send b.example's request down a TLS connection that
        # was verified for a.example on the same address.
        self._clients: dict[tuple[str, str, int | None], httpx.Client] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        deadline: float | None = None,
    ) -> Fetched:
        """GET ``url``; a 304 comes back as such, any other failure raises `FetchError`.

        ``deadline`` (a `time.monotonic` value) can only shorten the per-request time cap,
        so a feed poll can share one budget between the feed and its pages.
        """
        started = time.monotonic()
        limit = started + self.total_s
        if deadline is not None:
            limit = min(limit, deadline)
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": _ACCEPT_ENCODING}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        # Redirects are followed here, not by httpx, so every hop's address is vetted.
        for _hop in range(self.max_redirects + 1):
            destination = self.guard.vet(current)
            result = self._hop(url, current, destination, headers, started, limit)
            if isinstance(result, Fetched):
                return result
            current = result
        raise FetchError(f"{url} redirects too many times")

    def _client(self, destination: Destination) -> httpx.Client:
        # (A transport given by a test is one pool shared by every origin.)
        key = (destination.url.scheme, destination.host, destination.url.port)
        client = self._clients.get(key)
        if client is None:
            import httpx  # at first use: its import is a tenth of a second of every start

            client = httpx.Client(
                timeout=httpx.Timeout(self.timeout),
                follow_redirects=False,
                transport=self.transport,
            )
            self._clients[key] = client
        return client

    def _hop(
        self,
        url: str,
        current: str,
        destination: Destination,
        headers: dict[str, str],
        started: float,
        limit: float,
    ) -> Fetched | str:
        """One request: a `Fetched`, or the absolute URL a redirect points to."""
        import httpx

        client = self._client(destination)
        extensions: dict[str, object] = {}
        if _through_proxy(destination.url):
            # A proxy resolves the name itself (and httpcore would not pass our SNI through
            # its CONNECT tunnel), so nothing is pinned: the guard's check of the name stands,
            # but a DNS answer that changes before the proxy's own lookup is not caught.
            # Egress rules on the proxy are the place to close that.
            targets = [destination.url]
        else:
            targets = [destination.pinned_url(address) for address in destination.addresses]
            if destination.url.scheme == "https" and not destination.is_ip_literal:
                # TLS must still name (and verify) the host, not the IP we connect to.
                extensions["sni_hostname"] = destination.host
        last_error: httpx.ConnectError | None = None
        per_read = self.timeout
        try:
            for target in targets:
                remaining = limit - time.monotonic()
                if remaining <= 0:
                    raise FetchError(self._too_slow(url, limit - started), transient=True)
                # Each attempt gets at most what is left of the budget, so no read outlives it.
                per_read = min(self.timeout, remaining)
                request = client.build_request(
                    "GET",
                    target,
                    headers={**headers, "Host": destination.host_header},
                    timeout=httpx.Timeout(per_read),
                    extensions=extensions,
                )
                try:
                    response = client.send(request, stream=True)
                except httpx.ConnectError as exc:
                    last_error = exc  # try the host's next address
                    continue
                try:
                    return self._read(url, current, headers, response, started, limit)
                finally:
                    response.close()
        except httpx.TimeoutException as exc:
            if per_read < self.timeout or time.monotonic() >= limit:
                raise FetchError(self._too_slow(url, limit - started), transient=True) from exc
            raise FetchError(
                f"{url} did not answer within {self.timeout:g} s", transient=True
            ) from exc
        except httpx.HTTPError as exc:
            log.info("could not fetch %s: %r", url, exc)
            raise FetchError(
                f"could not fetch {url}: {_failure_reason(exc)}", transient=True
            ) from exc
        reason = (
            _failure_reason(last_error) if last_error is not None else "no address to connect to"
        )
        raise FetchError(f"could not fetch {url}: {reason}", transient=True)

    def _read(
        self,
        url: str,
        current: str,
        headers: dict[str, str],
        response: httpx.Response,
        started: float,
        limit: float,
    ) -> Fetched | str:
        status = response.status_code
        if status in _REDIRECTS:
            location = response.headers.get("location", "").strip()
            if not location:
                raise FetchError(f"{url} answered HTTP {status} without saying where to")
            return str(urljoin(current, location))
        if status == 304:
            return Fetched(
                current,
                304,
                b"",
                "",
                headers.get("If-None-Match"),
                headers.get("If-Modified-Since"),
            )
        if status >= 400:
            raise FetchError(f"{url} answered HTTP {status}", status >= 500 or status == 429)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(self._too_big(url))
        encoding = response.headers.get("content-encoding", "").strip().lower()
        if encoding == "x-gzip":
            encoding = "gzip"
        if encoding not in ("", "identity", "gzip", "deflate"):
            raise FetchError(f"{url} uses a content encoding newsbot does not read ({encoding})")
        decoder = _Decoder(
            encoding,
            self.max_decoded_bytes,
            f"{url} unpacks to more than the {self.max_decoded_bytes / 1e6:g} MB limit",
        )
        chunks: list[bytes] = []
        received = 0
        # iter_raw: the bytes as sent, still compressed, so both sizes can be capped. No chunk
        # size: httpx would buffer up to it, and a drip of single bytes would never be seen.
        for raw in response.iter_raw():
            received += len(raw)
            if received > self.max_bytes:
                raise FetchError(self._too_big(url))
            if time.monotonic() > limit:
                raise FetchError(self._too_slow(url, limit - started))
            chunks.append(decoder.feed(raw))
        return Fetched(
            url=current,
            status=status,
            content=b"".join(chunks),
            content_type=response.headers.get("content-type", ""),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )

    def _too_big(self, url: str) -> str:
        return f"{url} is larger than the {self.max_bytes / 1e6:g} MB limit"

    @staticmethod
    def _too_slow(url: str, allowed: float) -> str:
        return f"{url} took longer than the {allowed:.3g} s limit to download"
