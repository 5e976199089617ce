"""Canonical URLs: one article, one address, whatever tracking was glued on."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

__all__ = ["canonical_url"]

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_")
_TRACKING_KEYS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "igshid", "yclid", "ref", "ref_src", "cmpid", "ncid"}
)


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking parameters, no default port."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:  # "https://x:99999/": not an address we can tidy; keep it as given
        return url
    if ":" in host:
        host = f"[{host}]"  # IPv6 literals keep their brackets
    netloc = (
        host
        if port is None or (scheme, port) in (("http", 80), ("https", 443))
        else f"{host}:{port}"
    )
    query = [
        # A parameter without a value stays one ("?item", not "?item="): a server may
        # tell them apart.
        urlencode([(key, value)]) if "=" in piece else quote_plus(key)
        for piece in parts.query.split("&")
        for key, value in parse_qsl(piece, keep_blank_values=True)
        if not key.lower().startswith(_TRACKING_PREFIXES) and key.lower() not in _TRACKING_KEYS
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, "&".join(query), ""))
