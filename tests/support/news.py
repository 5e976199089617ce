"""News as the web serves it, for tests: an article page and an RSS feed of a fake site."""

from __future__ import annotations

from tests.support.httpserver import FakeSite

__all__ = [
    "ARTICLE_HTML",
    "AVALANCHE",
    "AVALANCHE_QUESTION",
    "CHESS",
    "FERRY",
    "FERRY_QUESTION",
    "feed_xml",
]

# Feed items (path, title, text) that only one tenant's feed carries in the tenant tests.
FERRY = (
    "/ferry",
    "Ferjen til Zanzibar innstilt",
    "Ferjeselskapet Azam Marine innstilte alle avganger til Zanzibar på grunn av storm.",
)
AVALANCHE = (
    "/avalanche",
    "Skred stengte veien til Lyngseidet",
    "Et snøskred stengte fylkesveien til Lyngseidet natt til tirsdag, melder Statens vegvesen.",
)
CHESS = (
    "/chess",
    "Carlsen vant i Wijk aan Zee",
    "Magnus Carlsen vant turneringen i Wijk aan Zee etter et remis i siste runde.",
)
FERRY_QUESTION = "Hvorfor ble ferjen til Zanzibar innstilt?"
AVALANCHE_QUESTION = "Hva stengte veien til Lyngseidet?"

ARTICLE_HTML = """<html><head><title>Våpenhvile i Libya – Dagsnytt</title>
<meta property="og:site_name" content="Dagsnytt">
<meta property="article:published_time" content="2020-01-13T10:00:00+01:00"></head>
<body><nav><a href="/">Forsiden</a> <a href="/sport">Sport</a></nav>
<article><h1>Våpenhvile i Libya</h1>
<p>Partene i den libyske borgerkrigen møttes mandag i Moskva
for å undertegne en avtale om våpenhvile.
Opprørsgeneralen Khalifa Haftar kom til den russiske hovedstaden søndag kveld.</p>
<p>Tyrkia støtter regjeringen i Tripoli, mens Russland uoffisielt holder med Haftars styrker.
Begge sider anklager hverandre for brudd på våpenhvilen, ifølge nyhetsbyrået.</p>
</article><footer>Kontakt oss</footer></body></html>"""


def feed_xml(site: FakeSite, items: list[tuple[str, str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{site.url(path)}</link>"
        f"<pubDate>Mon, 13 Jan 2020 09:00:00 GMT</pubDate><description>{text}</description></item>"
        for path, title, text in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Dagsnytt</title><link>{site.base_url}</link>{entries}</channel></rss>"
    ).encode()
