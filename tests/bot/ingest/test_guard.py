"""The SSRF guard: which addresses newsbot refuses, what the allow-list lets through, and
that every redirect hop is vetted on its resolved address and fetched from that address."""

from __future__ import annotations

import ipaddress
import shutil
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.errors import FetchError
from bot.ingest import Ingestor
from bot.ingest.fetch import Fetcher
from bot.ingest.guard import AddressGuard, AllowList, IPAddress, classify_address
from storage import Article, Database
from tests.support.httpserver import serve
from tests.support.news import ARTICLE_HTML


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("169.254.169.254", "link-local"),  # cloud metadata service
        ("fe80::1", "link-local"),
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped: reaches 127.0.0.1
        ("::ffff:10.1.2.3", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("10.0.0.1", "private"),
        ("10.255.255.254", "private"),
        ("172.16.5.4", "private"),
        ("192.168.0.1", "private"),
        ("192.168.255.255", "private"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("100.64.0.1", "non-public"),  # carrier-grade NAT
    ],
)
def test_internal_addresses_are_classified(address: str, kind: str) -> None:
    assert classify_address(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "151.101.1.69", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses_pass(address: str) -> None:
    assert classify_address(ipaddress.ip_address(address)) is None


def _resolver(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[IPAddress]:
        if host not in table:
            raise OSError(f"unknown host {host}")
        return [ipaddress.ip_address(a) for a in table[host]]

    return resolve


def test_the_refusal_names_the_host_the_address_and_the_setting() -> None:
    guard = AddressGuard("", _resolver({"intranet.example": ["10.1.2.3"]}))
    with pytest.raises(FetchError) as refused:
        guard.vet("https://intranet.example/feed")
    assert str(refused.value) == (
        "https://intranet.example/feed: intranet.example resolves to a private address (10.1.2.3); "
        "newsbot does not fetch internal addresses unless FETCH_ALLOW_HOSTS allows it"
    )


def test_any_internal_address_among_several_refuses_the_host() -> None:
    # A client may be handed any of the answers, so one internal one is enough to refuse.
    guard = AddressGuard("", _resolver({"mixed.example": ["93.184.216.34", "127.0.0.1"]}))
    with pytest.raises(FetchError, match=r"loopback address \(127\.0\.0\.1\)"):
        guard.vet("http://mixed.example/")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        # The resolver reads this as 127.0.0.1: the text of the URL does not matter.
        "http://0x7f000001/",
        "http://2130706433/",
        "http://localhost/",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_internal_urls_are_refused_on_their_resolved_address(url: str) -> None:
    with pytest.raises(FetchError, match="newsbot does not fetch internal addresses"):
        AddressGuard("").vet(url)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/feed",
        "gopher://127.0.0.1:6379/",
        "javascript:alert(1)",
    ],
)
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        AddressGuard("").vet(url)


def test_allow_list_by_host_name_ip_and_network() -> None:
    allow = AllowList.parse(
        " 127.0.0.1, 10.0.0.0/8 ,Intranet.Example., .corp.example, [::1], fd00::/8,"
    )
    assert allow.allows_host("intranet.example") and allow.allows_host("INTRANET.example.")
    assert allow.allows_host("corp.example") and allow.allows_host("feeds.corp.example")
    assert not allow.allows_host("evilcorp.example") and not allow.allows_host(
        "intranet.example.evil"
    )
    for address in ["127.0.0.1", "10.1.2.3", "10.255.0.1", "::1", "fd00::5", "::ffff:10.9.9.9"]:
        assert allow.allows_address(ipaddress.ip_address(address)), address
    for address in ["127.0.0.2", "192.168.1.1", "169.254.169.254", "fc00::1"]:
        assert not allow.allows_address(ipaddress.ip_address(address)), address


def test_allow_list_lets_named_hosts_and_networks_through_and_nothing_else() -> None:
    table = {
        "intranet.example": ["10.1.2.3"],
        "wiki.lan": ["192.168.1.20"],
        "router.lan": ["192.168.1.1"],
    }
    guard = AddressGuard("intranet.example,192.168.1.16/28", _resolver(table))
    assert guard.vet("http://intranet.example/rss").addresses == (ipaddress.ip_address("10.1.2.3"),)
    assert guard.vet("http://wiki.lan/feed").host == "wiki.lan"
    with pytest.raises(FetchError, match=r"private address \(192\.168\.1\.1\)"):
        guard.vet("http://router.lan/")
    with pytest.raises(FetchError, match="link-local"):
        guard.vet("http://169.254.169.254/")


# -- integration: the fetcher, a local server, redirects ------------------------------------


def test_loopback_is_refused_without_the_allow_list(
    sqlite_db: Database, settings: Settings
) -> None:
    strict = settings.model_copy(update={"fetch_allow_hosts": ""})
    with serve() as site:
        url = site.add("/libya", body=ARTICLE_HTML.encode(), headers={"Content-Type": "text/html"})
        report = Ingestor(sqlite_db, strict).ingest([url])
    assert report.new == 0 and report.failed == 1
    assert "127.0.0.1 is a loopback address" in report.failures[0].reason
    assert "FETCH_ALLOW_HOSTS" in report.failures[0].reason
    assert site.requests == []  # refused before any connection


def test_a_redirect_to_the_metadata_service_is_refused_on_the_hop(
    sqlite_db: Database, settings: Settings
) -> None:
    with serve() as site:
        url = site.add(
            "/r", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
        )
        report = Ingestor(sqlite_db, settings).ingest([url])
    assert report.failed == 1
    assert "169.254.169.254 is a link-local address" in report.failures[0].reason
    assert [path for path, _ in site.requests] == ["/r"]
    with sqlite_db.session() as session:
        assert session.scalar(select(func.count(Article.id))) == 0


def test_a_redirect_to_a_name_resolving_inside_is_refused(settings: Settings) -> None:
    resolved: list[str] = []

    def resolve(host: str, port: int) -> list[IPAddress]:
        resolved.append(host)
        return [ipaddress.ip_address({"metadata.internal": "169.254.169.254"}[host])]

    with serve() as site:
        url = site.add(
            "/r", status=301, headers={"Location": "http://metadata.internal/computeMetadata/v1/"}
        )
        with (
            Fetcher(settings, guard=AddressGuard(settings.fetch_allow_hosts, resolve)) as fetcher,
            pytest.raises(
                FetchError,
                match=r"metadata.internal resolves to a link-local address \(169\.254\.169\.254\)",
            ),
        ):
            fetcher.get(url)
    assert resolved == ["metadata.internal"]  # the hop's name was resolved and vetted


def test_a_redirect_to_another_scheme_is_refused(settings: Settings) -> None:
    with serve() as site:
        url = site.add("/r", status=302, headers={"Location": "file:///etc/passwd"})
        with Fetcher(settings) as fetcher, pytest.raises(FetchError, match="only http and https"):
            fetcher.get(url)


def test_the_vetted_address_is_the_one_connected_to(settings: Settings) -> None:
    """DNS rebinding: the name is resolved once per hop and the connection goes to that address.

    `rebind.test` exists only in this resolver, so the fetch can only succeed by connecting to
    the address the guard vetted, while the server still sees the name in the Host header.
    """
    lookups: list[str] = []

    def resolve(host: str, port: int) -> list[IPAddress]:
        lookups.append(host)
        return [ipaddress.ip_address("127.0.0.1")]

    with serve() as site:
        site.add("/page", body=b"hello", headers={"Content-Type": "text/plain"})
        port = site.base_url.rsplit(":", 1)[1]
        guard = AddressGuard("127.0.0.0/8", resolve)
        with Fetcher(settings, guard=guard) as fetcher:
            fetched = fetcher.get(f"http://rebind.test:{port}/page")
    assert fetched.content == b"hello" and fetched.url == f"http://rebind.test:{port}/page"
    assert lookups == ["rebind.test"]
    assert site.requests[0][1]["Host"] == f"rebind.test:{port}"


def test_redirects_within_allowed_hosts_are_followed(
    sqlite_db: Database, settings: Settings
) -> None:
    with serve() as site:
        site.add("/libya", body=ARTICLE_HTML.encode(), headers={"Content-Type": "text/html"})
        url = site.add("/old", status=301, headers={"Location": "/libya"})
        report = Ingestor(sqlite_db, settings).ingest([url])
    assert report.new == 1
    with sqlite_db.session() as session:
        assert session.scalars(select(Article.url)).one() == site.url("/libya")


@pytest.mark.skipif(
    shutil.which("openssl") is None, reason="needs openssl to make a test certificate"
)
def test_https_to_the_vetted_address_still_verifies_the_host_name(
    settings: Settings, tmp_path: Path
) -> None:
    """Connecting to an IP must not weaken TLS: SNI and the certificate check use the name."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=news.test",
            "-addext",
            "subjectAltName=DNS:news.test",
        ],
        check=True,
        capture_output=True,
    )
    server_names: list[str | None] = []
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    server_context.sni_callback = lambda sock, name, ctx: server_names.append(name)  # type: ignore[assignment,misc,return-value]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            self.send_response(200)
            self.send_header("Content-Length", "12")
            self.end_headers()
            self.wfile.write(b"secure hello")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    guard = AddressGuard("127.0.0.0/8", lambda host, port: [ipaddress.ip_address("127.0.0.1")])
    transport = httpx.HTTPTransport(verify=ssl.create_default_context(cafile=str(cert)))
    try:
        with Fetcher(settings, transport=transport, guard=guard) as fetcher:
            # A name the certificate does not hold fails, although the address is the same.
            with pytest.raises(FetchError, match="could not fetch"):
                fetcher.get(f"https://other.test:{port}/")
            assert fetcher.get(f"https://news.test:{port}/").content == b"secure hello"
    finally:
        server.shutdown()
        server.server_close()
    assert server_names == ["other.test", "news.test"]


def test_through_a_proxy_the_name_is_sent_not_the_address(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy resolves names itself; handing it an IP would break TLS through its tunnel."""
    with serve() as proxy:
        proxy.add("http://news.example/page", body=b"via proxy")
        for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.base_url)
        guard = AddressGuard("", lambda host, port: [ipaddress.ip_address("93.184.216.34")])
        with Fetcher(settings, guard=guard) as fetcher:
            assert fetcher.get("http://news.example/page").content == b"via proxy"
    assert [path for path, _ in proxy.requests] == ["http://news.example/page"]


def test_when_one_vetted_address_refuses_the_next_is_tried(settings: Settings) -> None:
    with serve() as site:  # listens on 127.0.0.1 only, so 127.0.0.2 refuses the connection
        site.add("/page", body=b"second address")
        port = site.base_url.rsplit(":", 1)[1]
        addresses = [ipaddress.ip_address("127.0.0.2"), ipaddress.ip_address("127.0.0.1")]
        guard = AddressGuard("127.0.0.0/8", lambda host, port: addresses)
        with Fetcher(settings, guard=guard) as fetcher:
            assert fetcher.get(f"http://two.test:{port}/page").content == b"second address"
