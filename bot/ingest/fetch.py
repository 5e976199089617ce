"""HTTP fetching with httpx: timeouts, a redirect limit and a size limit while streaming."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from bot.config import Settings
from bot.errors import FetchError

__all__ = ["Fetched", "Fetcher"]


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


class Fetcher:
    """One httpx client for a run of fetches; use as a context manager."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        self.max_bytes = settings.fetch_max_bytes
        self.timeout = settings.fetch_timeout_s
        self.client = httpx.Client(
            timeout=httpx.Timeout(settings.fetch_timeout_s),
            follow_redirects=True,
            max_redirects=settings.fetch_max_redirects,
            headers={"User-Agent": settings.user_agent},
            transport=transport,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET ``url``; a 304 comes back as such, any other failure raises `FetchError`."""
        if not url.lower().startswith(("http://", "https://")):
            raise FetchError(f"only http and https URLs can be fetched: {url}")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return Fetched(str(response.url), 304, b"", "", etag, last_modified)
                if response.status_code >= 400:
                    raise FetchError(f"{url} answered HTTP {response.status_code}")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(self._too_big(url))
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(self._too_big(url))
                    chunks.append(chunk)
                return Fetched(
                    url=str(response.url),
                    status=response.status_code,
                    content=b"".join(chunks),
                    content_type=response.headers.get("content-type", ""),
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
        except httpx.TimeoutException as exc:
            raise FetchError(f"{url} did not answer within {self.timeout:g} s") from exc
        except httpx.TooManyRedirects as exc:
            raise FetchError(f"{url} redirects too many times") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"could not fetch {url}: {exc.__class__.__name__}") from exc

    def _too_big(self, url: str) -> str:
        return f"{url} is larger than the {self.max_bytes / 1e6:g} MB limit"
