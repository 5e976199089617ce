from __future__ import annotations

import json
from pathlib import Path

from bot.config import Settings
from bot.ingest import Ingestor
from bot.text import sentences_of
from storage import Article, Database, search_articles


def _ingest(db: Database, settings: Settings, *paths: Path | str):  # type: ignore[no-untyped-def]
    return Ingestor(db, settings).ingest([str(p) for p in paths])


def _articles(db: Database) -> list[Article]:
    from sqlalchemy import select

    with db.session() as session:
        return list(session.scalars(select(Article).order_by(Article.id)))


def test_seed_form_text_file_is_stored_with_month_precision_and_a_derived_title(
    sqlite_db: Database, settings: Settings, libya_file: Path
) -> None:
    report = _ingest(sqlite_db, settings, libya_file)
    assert report.summary() == "1 new, 0 updated, 0 unchanged, 0 failed"
    [article] = _articles(sqlite_db)
    assert article.url == libya_file.resolve().as_uri()
    assert article.published_at is not None and article.published_at.strftime("%Y-%m") == "2020-01"
    assert article.published_precision == "month"
    assert article.language == "no"
    assert article.title.startswith("Partene i den libyske borgerkrigen")
    assert not article.text.startswith("date")
    assert any("Russland uoffisielt holder med Haftars" in s for s in sentences_of(article))


def test_ingesting_twice_adds_nothing_and_a_changed_file_is_updated(
    sqlite_db: Database, settings: Settings, tmp_path: Path, libya_file: Path
) -> None:
    copy = tmp_path / "libya.txt"
    copy.write_text(libya_file.read_text(encoding="utf-8"), encoding="utf-8")
    assert _ingest(sqlite_db, settings, copy).new == 1
    assert _ingest(sqlite_db, settings, copy).summary() == "0 new, 0 updated, 1 unchanged, 0 failed"
    copy.write_text(
        copy.read_text(encoding="utf-8") + "\nEn ny setning om Tripoli.", encoding="utf-8"
    )
    assert _ingest(sqlite_db, settings, copy).summary() == "0 new, 1 updated, 0 unchanged, 0 failed"
    [article] = _articles(sqlite_db)
    assert sentences_of(article)[-1] == "En ny setning om Tripoli."
    with sqlite_db.session() as session:
        assert [hit[0] for hit in search_articles(session, ["tripoli"])] == [article.id]


def test_jsonl_articles_and_a_malformed_line_is_named_with_its_line(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "articles.jsonl"
    good = {
        "url": "https://example.com/a",
        "title": "Storm i nord",
        "text": "Stormen Ingunn rammet Nordland natt til torsdag.",
        "published": "2024-02-01T06:30:00+01:00",
        "source": "NRK",
        "language": "no",
    }
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({"url": "https://example.com/b"}),
        "",
        json.dumps(
            {
                **good,
                "url": "https://example.com/c",
                "title": "Storm i sør",
                "text": "Et annet uvær traff Agder.",
            }
        ),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    report = _ingest(sqlite_db, settings, path)
    assert (report.new, report.failed) == (2, 2)
    places = sorted(f.where for f in report.failures)
    assert places == [f"{path}:2", f"{path}:3"]
    assert "missing 'text'" in [f.reason for f in report.failures]
    first = _articles(sqlite_db)[0]
    assert (first.source, first.published_precision) == ("NRK", "minute")
    assert first.published_at is not None and first.published_at.hour == 5  # stored in UTC


def test_directory_is_read_recursively_and_hidden_files_are_skipped(
    sqlite_db: Database, settings: Settings, tmp_path: Path, libya_file: Path
) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "one.txt").write_text(
        libya_file.read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "a" / "two.txt").write_text(
        "date 2021-03-04 Oslo kommune vedtok budsjettet for neste år.", encoding="utf-8"
    )
    (tmp_path / "a" / ".secret.txt").write_text("Skal ikke leses.", encoding="utf-8")
    report = _ingest(sqlite_db, settings, tmp_path / "a")
    assert report.summary() == "2 new, 0 updated, 0 unchanged, 0 failed"


def test_latin1_file_is_decoded(sqlite_db: Database, settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(
        (
            "date 2020-01 Været på Østlandet blir kaldt, og snøen kommer til Ålesund "
            "før helgen. Søndag blir det sol."
        ).encode("latin-1")
    )
    assert _ingest(sqlite_db, settings, path).new == 1
    assert "Østlandet" in _articles(sqlite_db)[0].text


def test_bad_files_fail_by_name_and_the_rest_is_still_ingested(
    sqlite_db: Database, settings: Settings, tmp_path: Path, libya_file: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    no_letters = tmp_path / "numbers.txt"
    no_letters.write_text("date 2020-01 12345 ... 678", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    report = _ingest(sqlite_db, settings, empty, binary, big, no_letters, missing, libya_file)
    reasons = {Path(f.where).name: f.reason for f in report.failures}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["image.txt"] == "binary file, not text"
    assert "over the 20 MB limit" in reasons["big.txt"]
    assert reasons["numbers.txt"] == "no article text"
    assert reasons["missing.txt"] == "no such file or directory"
    assert report.new == 1
    assert len(_articles(sqlite_db)) == 1


def test_odd_values_in_jsonl_are_named_or_dropped_never_fatal(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "odd.jsonl"
    rows = [
        {
            "url": "https://example.com/tz",
            "title": "Rart tidspunkt",
            "text": "Møtet startet i Tromsø.",
            "published": "2020-01-01T10:00+9999",
        },
        {
            "url": "https://example.com/" + "a" * 3000,
            "title": "Lang adresse",
            "text": "Adressen er altfor lang.",
        },
        {"url": "https://x:99999/sak", "title": "Rar port", "text": "Porten finnes ikke."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    report = _ingest(sqlite_db, settings, path)
    assert (report.new, report.failed) == (2, 1)
    assert "over 2048" in report.failures[0].reason
    stored = {a.url: a for a in _articles(sqlite_db)}
    assert stored["https://example.com/tz"].published_at is None


def test_json_files_hold_an_array_one_article_or_json_lines(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    def article(n: int) -> dict[str, str]:
        return {
            "url": f"https://example.com/{n}",
            "title": f"Sak {n}",
            "text": f"Bystyret i Fjordvik behandlet sak nummer {n} på mandag.",
        }

    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "array.json").write_text(json.dumps([article(1), article(2), {"url": "x"}]))
    (folder / "one.json").write_text(json.dumps(article(3), indent=2))
    (folder / "lines.json").write_text("\n".join(json.dumps(article(n)) for n in (4, 5)))
    report = _ingest(sqlite_db, settings, folder)
    assert (report.new, report.failed) == (5, 1)
    assert report.failures[0].where == f"{folder / 'array.json'}: record 3"
    assert report.failures[0].reason == "missing 'text'"
    # Stored as the articles they describe, never as one article of raw JSON.
    assert all(not a.text.startswith("{") for a in _articles(sqlite_db))


def test_what_is_not_json_lines_is_named_once_with_a_reason(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    noise = tmp_path / "noise.jsonl"
    noise.write_bytes(bytes(range(1, 256)) * 4000)  # no NUL byte, and no JSON either
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b'{"url": "x"}' + bytes(range(256)) * 100)
    typed = tmp_path / "typed.jsonl"
    typed.write_text(
        "\n".join(
            [
                json.dumps({"url": "https://example.com/n", "text": 12345}),
                json.dumps({"url": "https://example.com/e", "text": " "}),
                '{"url": "https://example.com/c", "text": "a\x01b"',
                json.dumps({"url": "not a url", "text": "Bystyret møttes."}),
            ]
        )
    )
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    (empty / "photo.bin").write_bytes(b"\x00")
    report = _ingest(sqlite_db, settings, noise, binary, typed, empty)
    reasons = {f.where: f.reason for f in report.failures}
    assert reasons[str(noise)] == "not JSON Lines: none of its first 20 lines is JSON"
    assert reasons[str(binary)] == "binary file, not text"
    assert reasons[f"{typed}:1"] == "'text' is a number, not a string"
    assert reasons[f"{typed}:2"] == "'text' is empty"
    assert reasons[f"{typed}:3"].startswith("not valid JSON (Invalid control character at column")
    assert reasons[f"{typed}:4"] == "'url' 'not a url' is not a URL (https://…, urn:…)"
    assert reasons[str(empty)].startswith("no file newsbot reads in this folder (.atom, .htm")
    assert len(report.failures) == 7


def test_a_local_file_s_outlet_is_its_folder_unless_it_names_its_own(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "Fjordbladet"
    folder.mkdir()
    body = "<p>" + "Bystyret i Fjordvik vedtok budsjettet for neste år etter en lang debatt. " * 4
    (folder / "plain.html").write_text(f"<html><body><article>{body}</p></article></body></html>")
    (folder / "named.html").write_text(
        '<html><head><meta property="og:site_name" content="Kystnytt"></head>'
        f"<body><article>{body.replace('budsjettet', 'planen')}</p></article></body></html>"
    )
    (folder / "note.txt").write_text("Ferja til Fjordvik er innstilt i dag på grunn av uvær.")
    report = _ingest(sqlite_db, settings, folder)
    assert report.new == 3, report.failures
    outlets = {Path(a.url).name: a.source for a in _articles(sqlite_db)}
    assert outlets == {
        "plain.html": "Fjordbladet",
        "named.html": "Kystnytt",
        "note.txt": "Fjordbladet",
    }


def test_a_title_or_outlet_that_is_no_text_is_named_and_left_out(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    odd = tmp_path / "odd.jsonl"
    odd.write_text(
        "\n".join(
            json.dumps(record)
            for record in [
                {
                    "url": "https://example.com/a",
                    "title": ["Bystyret", "møttes"],
                    "text": "Bystyret møttes tirsdag for å vedta budsjettet.",
                },
                {
                    "url": "https://example.com/b",
                    "source": {"name": "Avisa"},
                    "text": "Ferja gikk igjen onsdag etter stormen.",
                },
                {
                    "url": "https://example.com/c",
                    "title": 2024,
                    "language": "klingon",
                    "text": "Valget i 2024 ga nytt flertall i kommunen.",
                },
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    report = _ingest(sqlite_db, settings, odd)
    assert (report.new, report.failed) == (3, 0)
    stored = {a.url: a for a in _articles(sqlite_db)}
    # Not "['Bystyret', 'møttes']": the title is the text's first sentence, as for none.
    assert stored["https://example.com/a"].title.startswith("Bystyret møttes tirsdag")
    assert "{" not in stored["https://example.com/b"].source
    assert stored["https://example.com/c"].title == "2024"
    notes = {n.where: n.reason for n in report.notes}
    assert notes[f"{odd}:1"] == "'title' is a list, not a string; taken from the text"
    assert notes[f"{odd}:2"].startswith("'source' is an object, not a string")
    assert notes[f"{odd}:3"] == "language 'klingon' is not a language code; detected instead"


def test_a_language_tag_with_a_region_or_script_names_its_language(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    tagged = tmp_path / "tagged.jsonl"
    records = [
        ("en-GB", "The council met on Tuesday and agreed the new budget."),
        ("pt_BR", "A prefeitura aprovou o novo orçamento na terça-feira."),
        ("zh-Hant", "市議會週二通過了新的預算。"),
        ("nb", "Bystyret vedtok det nye budsjettet tirsdag."),
    ]
    tagged.write_text(
        "".join(
            json.dumps({"url": f"https://example.com/{n}", "language": tag, "text": text}) + "\n"
            for n, (tag, text) in enumerate(records)
        ),
        encoding="utf-8",
    )
    report = _ingest(sqlite_db, settings, tagged)
    assert (report.new, report.failed, report.notes) == (4, 0, [])
    stored = {a.url: a.language for a in _articles(sqlite_db)}
    assert [stored[f"https://example.com/{n}"] for n in range(4)] == ["en", "pt", "zh", "no"]


def test_a_stray_nul_in_a_text_file_costs_one_character(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # A NUL or two in a text is a damaged byte, not a binary file; an image still is one.
    news = tmp_path / "nul.txt"
    news.write_bytes(
        "date 2020-01\nFerja til Hareid er innstilt på grunn av uværet.\n".encode()
        + b"Rederiet\x00 venter at den g\xc3\xa5r igjen i morgen.\n"
    )
    report = _ingest(sqlite_db, settings, news)
    assert (report.new, report.failures) == (1, [])
    (article,) = _articles(sqlite_db)
    assert "Rederiet\ufffd venter at den går igjen i morgen." in article.text
    assert "\x00" not in article.text


def test_a_date_header_written_otherwise_is_read_or_named(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # "date:" and Norwegian "dato" are headers too; a header line whose date cannot be
    # read is named, and neither becomes the article's title.
    body = "Bussen til flyplassen går hvert {} minutt fra mandag."
    files = {
        "kolon.txt": "date: 2020-01\n" + body.format("tiende") + "\n",
        "dato.txt": "dato 2020-01 " + body.format("femte") + "\n",
        "uklar.txt": "date tomorrow\n" + body.format("tjuende") + "\n",
        # Capitalised and with no date in it, "Date ..." is the text's first words.
        "palmer.txt": "Date palms\n" + body.format("trettende") + "\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    report = _ingest(sqlite_db, settings, *(tmp_path / name for name in files))
    assert report.new == 4, report
    notes = {Path(n.where).name: n.reason for n in report.notes}
    assert notes == {"uklar.txt": "date 'tomorrow' not understood; stored undated"}
    articles = _articles(sqlite_db)
    titles = sorted(a.title for a in articles)
    assert titles[0].startswith("Bussen til flyplassen"), titles
    assert titles[-1].startswith("Date palms"), titles
    dated = sorted(str(a.published_at)[:7] for a in articles if a.published_at)
    assert dated == ["2020-01", "2020-01"]
