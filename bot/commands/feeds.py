"""The rule for a feed address, shared by chat's `feeds add` and `newsbot feeds add`."""

from __future__ import annotations

from bot.errors import CommandError
from bot.ingest.guard import AddressGuard
from bot.text import canonical_url
from storage import URL_CHARS

__all__ = ["vet_feed_url"]


def vet_feed_url(url: str, allow_hosts: str = "") -> str:
    """The canonical form of ``url`` if it may be polled; else `CommandError` or `FetchError`.

    People type these addresses, so internal ones (loopback, private, cloud metadata)
    are refused before anything is stored, unless ``allow_hosts`` names them. So is one
    longer than the database keeps: cut, it would no longer name its feed.
    """
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise CommandError("A feed address starts with http:// or https://.")
    url = canonical_url(url)
    if len(url) > URL_CHARS:
        raise CommandError(
            f"A feed address can be at most {URL_CHARS:,} characters long; "
            f"this one is {len(url):,}."
        )
    AddressGuard(allow_hosts).vet(url)
    return url
