"""Which addresses newsbot may fetch from: a guard against server-side request forgery.

Feed and article URLs come from chat users, so a URL can point at the machine the bot runs
on, its private network or a cloud metadata service (169.254.169.254). The guard resolves a
URL's host and refuses it when any address it resolves to is not a public one, unless the
operator's allow-list (``FETCH_ALLOW_HOSTS``) names the host or its network. The fetcher then
connects to exactly the address the guard vetted (see `Destination.pinned_url`), so a DNS
answer that changes between the check and the connection (DNS rebinding) cannot steer it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot.errors import FetchError

if TYPE_CHECKING:
    import httpx

__all__ = ["AddressGuard", "AllowList", "Destination", "IPAddress", "classify_address"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[IPAddress]]

_SCHEMES = {"http": 80, "https": 443}
# RFC 6052's well-known NAT64 prefix: the last 32 bits are the IPv4 address reached.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def classify_address(address: IPAddress) -> str | None:
    """The kind of internal address ``address`` is ("loopback", "private"...); None if public."""
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv6 address that carries an IPv4 one reaches that IPv4 host: judge that one.
        # (Python 3.11 calls ::ffff:127.0.0.1 neither loopback nor private on its own.)
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return classify_address(embedded)
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_reserved:
        return "reserved"
    if address.is_private:
        return "private"
    if not address.is_global:
        # Shared address space (100.64.0.0/10, carrier NAT) and the like: not the internet.
        return "non-public"
    return None


def _host_key(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


@dataclass(frozen=True, slots=True)
class AllowList:
    """Hosts and networks the operator lets through although they are internal.

    Entries are host names ("intranet.example"; ".corp.example" for it and its subdomains),
    IP addresses ("127.0.0.1", "::1") or networks ("10.0.0.0/8", "fd00::/8").
    """

    hosts: frozenset[str] = frozenset()
    suffixes: tuple[str, ...] = ()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, text: str) -> AllowList:
        hosts: set[str] = set()
        suffixes: list[str] = []
        networks: list[IPNetwork] = []
        for raw in text.split(","):
            entry = _host_key(raw)
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
                continue
            except ValueError:
                pass
            if entry.startswith("."):
                suffixes.append(entry)
                hosts.add(entry[1:])
            else:
                hosts.add(entry)
        return cls(frozenset(hosts), tuple(suffixes), tuple(networks))

    def allows_host(self, host: str) -> bool:
        key = _host_key(host)
        return key in self.hosts or any(key.endswith(suffix) for suffix in self.suffixes)

    def allows_address(self, address: IPAddress) -> bool:
        candidates: list[IPAddress] = [address]
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            candidates.append(address.ipv4_mapped)
        return any(
            candidate in network
            for candidate in candidates
            for network in self.networks
            if candidate.version == network.version
        )


def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver gives for ``host``, in its order, without repeats.

    getaddrinfo has no timeout of its own; the resolver's (usually a few seconds) applies.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[IPAddress, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        # Drop an IPv6 zone ("fe80::1%eth0"): the address decides, and link-local is refused.
        seen.setdefault(ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]), None)
    return list(seen)


@dataclass(frozen=True, slots=True)
class Destination:
    """A vetted URL and the addresses it may be fetched from."""

    url: httpx.URL
    host: str
    addresses: tuple[IPAddress, ...]

    @property
    def is_ip_literal(self) -> bool:
        try:
            ipaddress.ip_address(self.host)
        except ValueError:
            return False
        return True

    @property
    def host_header(self) -> str:
        return self.url.netloc.decode("ascii")

    def pinned_url(self, address: IPAddress) -> httpx.URL:
        """The URL with its host replaced by ``address``, so no second DNS lookup happens."""
        return self.url.copy_with(host=str(address))


class AddressGuard:
    """Vets each URL (and each redirect hop) before the fetcher connects to it."""

    def __init__(self, allow: str | AllowList = "", resolver: Resolver = system_resolver) -> None:
        self.allow = allow if isinstance(allow, AllowList) else AllowList.parse(allow)
        self.resolver = resolver

    def vet(self, url: str) -> Destination:
        """Resolve ``url``'s host; raise `FetchError` unless every address may be fetched."""
        scheme = urlsplit(url).scheme.lower()
        if scheme not in _SCHEMES:
            raise FetchError(f"only http and https URLs can be fetched: {url}")
        import httpx  # at first use: its import is a tenth of a second of every start

        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, ValueError) as exc:
            raise FetchError(f"not a valid URL: {url}") from exc
        # httpx gives the IDNA (xn--) form of international names: the one DNS knows.
        host = _host_key(parsed.host)
        if not host:
            raise FetchError(f"the URL names no host: {url}")
        port = parsed.port or _SCHEMES[scheme]
        try:
            literal: IPAddress | None = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        try:
            addresses = [literal] if literal is not None else self.resolver(host, port)
        except (OSError, UnicodeError, ValueError) as exc:
            raise FetchError(f"could not find the address of {host} ({url})") from exc
        if not addresses:
            raise FetchError(f"could not find the address of {host} ({url})")
        if not self.allow.allows_host(host):
            self._refuse_internal(url, host, addresses)
        return Destination(parsed, host, tuple(addresses))

    def _refuse_internal(self, url: str, host: str, addresses: Iterable[IPAddress]) -> None:
        # Every address must pass, not just the first: a client may be handed any of them.
        for address in addresses:
            kind = classify_address(address)
            if kind is None or self.allow.allows_address(address):
                continue
            article = "an" if kind[0] in "aeiou" else "a"
            what = (
                f"{host} is {article} {kind} address"
                if _host_key(str(address)) == host
                else f"{host} resolves to {article} {kind} address ({address})"
            )
            raise FetchError(
                f"{url}: {what}; newsbot does not fetch internal addresses "
                "unless FETCH_ALLOW_HOSTS allows it"
            )
