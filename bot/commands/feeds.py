"""The rule for a feed address, shared by chat's `feeds add` and `newsbot feeds add`."""

from __future__ import annotations

from bot.errors import CommandError
from bot.ingest.guard import AddressGuard
from bot.text import canonical_url

__all__ = ["vet_feed_url"]


def vet_feed_url(url: str, allow_hosts: str = "") -> str:
    """The canonical form of ``url`` if it may be polled; else `CommandError` or `FetchError`.

    People type these addresses, so internal ones (loopback, private, cloud metadata)
    are refused before anything is stored, unless ``allow_hosts`` names them.
    """
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise CommandError("A feed address starts with http:// or https://.")
    url = canonical_url(url)
    AddressGuard(allow_hosts).vet(url)
    return url
