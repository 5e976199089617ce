"""English questions over Norwegian articles, through a bilingual lexicon.

Most tests write a tiny dictd dictionary of their own (in FreeDict's layout), so they
need nothing installed; the last ones use FreeDict itself where it is installed (and
must, in CI).
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from bot.answer.question import analyse
from bot.answer.rank import score_sentences
from bot.answer.summariser import Summariser
from bot.config import Settings
from bot.ingest import Ingestor
from bot.text.cognates import norwegian_spellings
from bot.text.english import is_ordinary_english
from bot.text.lexicon import (
    DEFAULT_LEXICON_PATHS,
    cache_folder,
    lexicon_at,
    parse_dictd,
    read_glossary,
    read_lexicon,
    read_lexicon_cached,
    resolve_paths,
)
from bot.text.wordnet import WordNet
from storage import Database

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

# Entries laid out as FreeDict lays them: headword line, translations, glosses.
ENTRIES = {
    "hospital": "hospital /ˈhɒs.pɪ.tl̩/ <n>\nsykehus\nlarge medical facility\n",
    "hole": "hole /həʊl/ <n>\n1. hull 2.\nhollow in some surface\n 3.\nan opening\n2. hol\nden\n",
    "prime minister": "prime minister <n>\nstatsminister\nhead of the government\n",
    "support": "support <v>\nstøtte\nto help\n",
    "moscow": "Moscow <pn>\nMoskva\ncapital city of Russia\n",
    "sunday": "Sunday <n>\nsøndag\nday of the week\n",
    "ferry": "ferry <n>\nferje, ferge\na boat\n",
    "win": "win <v>\nvinne\nto be victorious\n",
    "woman": "woman <n>\nkvinne\nadult female human\n",
    "sink": "sink <v>\nsynke\nto go under water\n",
    "take part": "take part <v>\ndelta\nto participate\n",
}

ARTICLES = [
    {
        "url": "https://fjordposten.example/ferje",
        "title": "Ferjesambandet stengt etter uværet",
        "source": "Fjordposten",
        "language": "no",
        "published": "2024-03-04T07:00:00+00:00",
        "text": (
            "Ferjesambandet mellom Halsa og Kanestraum ble stengt søndag etter uværet.\n"
            "Mannskapet fant et stort hull i baugen på ferja da den kom til kai.\n"
            "Rederiet fryktet en stund at ferja kunne synke.\n"
            "Tre passasjerer ble sendt til sykehuset i Kristiansund med lettere skader.\n"
            "Rederiet venter at sambandet er i drift igjen om en uke."
        ),
    },
    {
        "url": "https://fjordposten.example/kultur",
        "title": "Marte Hole åpner galleri",
        "source": "Fjordposten",
        "language": "no",
        "published": "2024-03-05T07:00:00+00:00",
        "text": (
            "Kunstneren Marte Hole åpner nytt galleri på Sunndalsøra i mai.\n"
            "Hun har malt landskap fra Nordmøre i tjue år."
        ),
    },
    {
        "url": "https://fjordposten.example/libya",
        "title": "Partene møtes i Moskva",
        "source": "Fjordposten",
        "language": "no",
        "published": "2020-01-13T07:00:00+00:00",
        "text": (
            "Partene i den libyske konflikten møtes i Moskva mandag.\n"
            "Tyrkia støtter statsminister Fayez al-Sarraj, mens Russland står på Haftars side.\n"
            "Khalifa Haftar er allerede på plass i Moskva, melder nyhetsbyrået."
        ),
    },
]


def write_dictd(folder: Path, entries: dict[str, str | list[str]], compressed: bool = True) -> Path:
    """A dictd dictionary (index + data) holding ``entries`` (several for a headword as a
    list: its noun, its verb); returns the index path."""

    def b64(number: int) -> str:
        digits = ""
        while True:
            digits = _B64[number % 64] + digits
            number //= 64
            if not number:
                return digits

    data = b""
    index_lines = []
    for headword, bodies in sorted(entries.items()):
        for body in [bodies] if isinstance(bodies, str) else bodies:
            encoded = body.encode()
            index_lines.append(f"{headword}\t{b64(len(data))}\t{b64(len(encoded))}")
            data += encoded
    index = folder / "test-eng-nor.index"
    index.write_text("\n".join(index_lines) + "\n", encoding="utf-8")
    if compressed:
        (folder / "test-eng-nor.dict.dz").write_bytes(gzip.compress(data))
    else:
        (folder / "test-eng-nor.dict").write_bytes(data)
    return index


def write_wordnet(folder: Path) -> Path:
    """A WordNet database folder in WordNet's layout, with a few words of each part."""
    folder.mkdir()
    header = "  1 This software and database is being provided for testing only.  \n"
    heads = {
        "noun": ["ferry", "hospital", "minister", "sink", "woman"],
        "verb": ["ferry", "send", "sink", "take", "win"],
        "adj": ["near"],
    }
    for part, words in heads.items():
        tag = part[0]
        lines = [f"{w} {tag} 1 0 1 0 00000001  " for w in sorted(words)]
        (folder / f"index.{part}").write_text(header + "\n".join(lines) + "\n")
    (folder / "noun.exc").write_text("women woman\n")
    (folder / "verb.exc").write_text("sent send\ntook take\nwon win\n")
    (folder / "adj.exc").write_text("")
    return folder


@pytest.fixture
def lexicon_index(tmp_path: Path) -> Path:
    return write_dictd(tmp_path, ENTRIES)


@pytest.fixture
def articles_file(tmp_path: Path) -> Path:
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n")
    return path


def _summariser(db: Database, articles: Path, lexicon: str, tmp_path: Path) -> Summariser:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path / 'lexicon.db'}",
        lexicon_paths=lexicon,
    )
    report = Ingestor(db, settings).ingest([str(articles)])
    assert report.failed == 0
    return Summariser(db, settings)


def _over(db: Database, lexicon: str, tmp_path: Path, *records: dict[str, str]) -> Summariser:
    """A summariser over ``records`` (JSON Lines articles) with ``lexicon``."""
    path = tmp_path / "articles.jsonl"
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return _summariser(db, path, lexicon, tmp_path)


def test_dictd_entries_give_translations_without_glosses(lexicon_index: Path) -> None:
    data = gzip.decompress(lexicon_index.with_suffix(".dict.dz").read_bytes())
    entries = parse_dictd(lexicon_index.read_text("utf-8"), data)
    assert entries["hole"] == ["hull", "hol"]
    assert entries["prime minister"] == ["statsminister"]
    assert entries["ferry"] == ["ferje", "ferge"]


def test_lexicon_reads_both_ways_and_finds_inflected_forms(lexicon_index: Path) -> None:
    lexicon = read_lexicon(resolve_paths(str(lexicon_index)))
    assert lexicon.to_norwegian("hospitals") == ("sykehus",)
    assert lexicon.to_norwegian("Moscow") == ("moskva",)
    assert lexicon.to_norwegian("prime minister")[0] == "statsminister"
    assert lexicon.to_english("sykehuset") == ("hospital",)
    assert lexicon.to_english("ferja") == ("ferry",)


def test_an_uncompressed_dictionary_reads_too_and_a_missing_one_is_skipped(
    tmp_path: Path,
) -> None:
    index = write_dictd(tmp_path, ENTRIES, compressed=False)
    assert resolve_paths(f"{tmp_path / 'absent.index'}, {index}") == [index]
    assert resolve_paths("") == []


def test_an_english_question_quotes_the_norwegian_sentence(
    sqlite_db: Database, articles_file: Path, lexicon_index: Path, tmp_path: Path
) -> None:
    summariser = _summariser(sqlite_db, articles_file, str(lexicon_index), tmp_path)
    answer = summariser.answer("How many passengers were taken to hospital?")
    assert answer.found
    assert "Tre passasjerer ble sendt til sykehuset" in answer.text
    assert answer.citations[0].url == "https://fjordposten.example/ferje"


def test_without_a_lexicon_the_english_words_find_nothing(
    sqlite_db: Database, articles_file: Path, tmp_path: Path
) -> None:
    summariser = _summariser(sqlite_db, articles_file, "", tmp_path)
    answer = summariser.answer("How many passengers were taken to hospital?")
    assert "sykehuset" not in answer.text


def test_a_capitalised_word_the_lexicon_translates_is_not_a_missing_name(
    sqlite_db: Database, articles_file: Path, lexicon_index: Path, tmp_path: Path
) -> None:
    summariser = _summariser(sqlite_db, articles_file, str(lexicon_index), tmp_path)
    answer = summariser.answer("Who is already in Moscow?")
    assert answer.found
    assert "Khalifa Haftar er allerede på plass i Moskva" in answer.text
    # "already", which the lexicon does not translate, was never looked for: no caveat
    # that the article never uses it (it says "allerede").
    assert answer.note == ""
    prime = summariser.answer("Who supports the prime minister Fayez al-Sarraj?")
    assert "Tyrkia støtter statsminister Fayez al-Sarraj" in _first_sentence(prime.text)


def test_an_ordinary_english_word_does_not_match_a_norwegian_name(
    sqlite_db: Database, articles_file: Path, lexicon_index: Path, tmp_path: Path
) -> None:
    summariser = _summariser(sqlite_db, articles_file, str(lexicon_index), tmp_path)
    answer = summariser.answer("What was found in the hole on Sunday?")
    assert answer.found
    assert "stort hull i baugen" in answer.text
    assert "Marte Hole" not in answer.text


def test_the_news_glossary_adds_everyday_news_words_the_dictionary_lacks(
    sqlite_db: Database, articles_file: Path, lexicon_index: Path, tmp_path: Path
) -> None:
    glossary = read_glossary()
    assert glossary["leader"][0] == "leder"
    assert "hovedstad" in glossary["capital"]
    lexicon = read_lexicon(resolve_paths(str(lexicon_index)))
    assert lexicon.to_norwegian("injuries")[0] == "skade"
    # Its own dictionary still comes along: the glossary adds, it does not replace.
    assert lexicon.to_norwegian("hospital") == ("sykehus",)
    summariser = _summariser(sqlite_db, articles_file, str(lexicon_index), tmp_path)
    answer = summariser.answer("What injuries did the passengers get?")
    assert answer.found
    assert "med lettere skader" in answer.text


def test_wordnet_base_forms_reach_words_the_lexicon_lacks(
    lexicon_index: Path, tmp_path: Path
) -> None:
    wordnet = write_wordnet(tmp_path / "wordnet")
    with_forms = lexicon_at(f"{lexicon_index},{wordnet}")
    assert with_forms is not None and with_forms.wordnet is not None
    assert "vinne" in with_forms.to_norwegian("won")
    assert with_forms.to_norwegian("women") == ("kvinne",)
    assert with_forms.to_norwegian("sinking") == ("synke",)
    # A phrase by its first and last words' base forms: "prime ministers", "took part".
    assert "statsminister" in with_forms.to_norwegian("prime ministers")
    assert "delta" in with_forms.to_norwegian("took part")
    # Without WordNet the irregular forms find nothing; the regular ones still stem.
    plain = read_lexicon(resolve_paths(str(lexicon_index)))
    assert plain.to_norwegian("won") == ()
    assert plain.to_norwegian("women") == ()


def test_a_built_lexicon_is_cached_until_its_dictionary_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    index = write_dictd(tmp_path, ENTRIES)
    paths = tuple(resolve_paths(str(index)))
    first = read_lexicon_cached(paths, None)
    assert len(list(cache_folder().glob("lexicon-*.marshal"))) == 1
    again = read_lexicon_cached(paths, None)
    assert again.to_norwegian("hospitals") == first.to_norwegian("hospitals") == ("sykehus",)
    assert again.english == first.english
    # A new edition of the dictionary is read again, not served from the cache.
    write_dictd(tmp_path, {**ENTRIES, "harbour": "harbour <n>\nhavn\n"})
    newer = read_lexicon_cached(paths, None)
    assert newer.to_norwegian("harbour") == ("havn",)
    # A cache folder that cannot be written is no error: the lexicon is built each time.
    monkeypatch.setenv("XDG_CACHE_HOME", str(index))  # a file, not a folder
    assert read_lexicon_cached(paths, None).to_norwegian("harbour") == ("havn",)


def test_wordnet_finds_words_by_binary_search_in_its_sorted_index(tmp_path: Path) -> None:
    wordnet = WordNet.open(write_wordnet(tmp_path / "wordnet"))
    assert wordnet is not None
    assert wordnet.base_forms("women") == ["woman"]
    assert wordnet.base_forms("ferries") == ["ferry"]
    assert wordnet.base_forms("nearest") == ["near"]
    assert wordnet.base_forms("zebras") == []
    assert WordNet.open(tmp_path / "absent") is None


def test_a_capitalised_english_title_no_article_holds_needs_more_than_one_lucky_word(
    sqlite_db: Database, articles_file: Path, lexicon_index: Path, tmp_path: Path
) -> None:
    if not is_ordinary_english("titanic"):
        pytest.skip("no English word list (apt-get install wamerican)")
    summariser = _summariser(sqlite_db, articles_file, str(lexicon_index), tmp_path)
    # "Titanic" is in no article; "sink" alone ("synke") does not answer for it.
    assert not summariser.answer("Why did the Titanic sink?").found
    # An ordinary word asked with a capital that no article holds ("Company") does not
    # stop an answer the rest of the question finds.
    answer = summariser.answer("What did the Company fear about the ferry sinking?")
    assert answer.found
    assert "ferja kunne synke" in answer.text


def test_english_loanwords_are_spelled_the_norwegian_way() -> None:
    assert norwegian_spellings("inspection") == ["inspeksjon"]
    assert norwegian_spellings("democratic") == ["demokratisk"]
    assert norwegian_spellings("energy") == ["energi"]
    # Short words are too often another Norwegian word: no guess.
    assert norwegian_spellings("cost") == []


def _first_sentence(text: str) -> str:
    return text.split(" [1]")[0]


def _installed_lexicon() -> str:
    if resolve_paths(DEFAULT_LEXICON_PATHS):
        return DEFAULT_LEXICON_PATHS
    if os.environ.get("CI") == "true":
        pytest.fail(f"FreeDict eng-nor is required in CI at {DEFAULT_LEXICON_PATHS}")
    pytest.skip(
        f"FreeDict eng-nor is not installed ({DEFAULT_LEXICON_PATHS}); "
        "`make setup` installs it where apt-get may (dict-freedict-eng-nor)"
    )


def test_with_freedict_an_english_question_finds_the_seed_sentence(
    sqlite_db: Database, libya_file: Path, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path / 'seed.db'}",
        lexicon_paths=_installed_lexicon(),
    )
    Ingestor(sqlite_db, settings).ingest([str(libya_file)])
    summariser = Summariser(sqlite_db, settings)
    answer = summariser.answer("Who supports the prime minister Fayez al-Sarraj?")
    assert "Tyrkia har sendt soldater for å støtte regjeringen" in _first_sentence(answer.text)
    moscow = summariser.answer("Who arrived in Moscow on Sunday evening?")
    assert moscow.found and "Khalifa Haftar kom til den russiske hovedstaden" in moscow.text


def test_a_translation_glued_into_a_norwegian_compound_still_counts(
    lexicon_index: Path, tmp_path: Path
) -> None:
    entries = {**ENTRIES, "peace": "peace <n>\nfred\nno war\n", "summit": "summit <n>\ntoppmøte\n"}
    index = write_dictd(tmp_path, entries)
    lexicon = read_lexicon(resolve_paths(str(index)))
    question = analyse("When was the peace prize given at the climate summit?", lexicon)
    sentences = [
        "Klimapanelet fikk fredsprisen under klimatoppmøtet i 2007.",
        "Det ble holdt et møte om klima i 2007.",
        # "fred" opens "fredag" too, but a word barely longer than it is no compound.
        "Møtet var på fredag i 2007.",
    ]
    weights = {term.exact: 1.0 for term in question.terms}
    scored = {
        s.index: s.coverage for s in score_sentences(question, 1, sentences, "no", weights, 1.0)
    }
    assert scored[0] > scored.get(1, 0.0)
    assert scored[0] > scored.get(2, 0.0)
    assert scored.get(2, 0.0) == 0.0


def test_a_translation_whose_stem_is_a_function_word_does_not_look_for_it(
    tmp_path: Path,
) -> None:
    index = write_dictd(tmp_path, {**ENTRIES, "driver": "driver <n>\nfører, sjåfør\n"})
    question = analyse("Which drivers were stopped?", read_lexicon(resolve_paths(str(index))))
    drivers = next(term for term in question.terms if term.exact == "drivers")
    assert "fører" in drivers.translations and "sjåfør" in drivers.translations
    # Norwegian stems "fører" to "før" ("before"): every article holds that word.
    assert "før" not in drivers.translations


def test_two_english_words_find_the_norwegian_compound_they_make(
    sqlite_db: Database, tmp_path: Path
) -> None:
    entries = {
        **ENTRIES,
        "world": "world <n>\nverden\n",
        "cup": "cup <n>\ncup, kopp\n",
        "start": "start <v>\nstarte, begynne\n",
    }
    index = write_dictd(tmp_path, entries)
    question = analyse("When does the World Cup start?", read_lexicon(resolve_paths(str(index))))
    world = next(term for term in question.terms if term.exact == "world")
    assert "verdenscup" in world.translations
    articles = tmp_path / "cup.jsonl"
    records = [
        {
            "url": "https://sportsavisa.example/alpint",
            "title": "Alpinsesongen nærmer seg",
            "source": "Sportsavisa",
            "language": "no",
            "text": "Verdenscupen i alpint starter i Sölden i oktober. Norge stiller med ti.",
        },
        {
            "url": "https://sportsavisa.example/kopp",
            "title": "Kaffekoppen blir dyrere",
            "source": "Sportsavisa",
            "language": "no",
            "text": "En kopp kaffe i verden koster stadig mer. Prisen starter på 40 kroner.",
        },
    ]
    articles.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    summariser = _summariser(sqlite_db, articles, str(index), tmp_path)
    answer = summariser.answer("When does the World Cup start?")
    assert answer.found
    assert answer.citations[0].url == "https://sportsavisa.example/alpint"


def test_a_translation_of_several_words_is_not_looked_for_word_by_word(tmp_path: Path) -> None:
    index = write_dictd(
        tmp_path, {**ENTRIES, "reserve": "reserve <v>\nlegge til side, reservere\n"}
    )
    question = analyse("Did they reserve a table?", read_lexicon(resolve_paths(str(index))))
    reserve = next(term for term in question.terms if term.exact == "reserve")
    assert "reservere" in reserve.translations
    assert "legge" not in reserve.translations and "side" not in reserve.translations


def test_a_nationality_finds_the_country_it_belongs_to(
    sqlite_db: Database, lexicon_index: Path, tmp_path: Path
) -> None:
    # "the Swedish national team" is "Sveriges landslag" in Norwegian news as often as
    # "det svenske landslaget".
    coach = {
        "url": "https://sportsavisa.example/landslagssjef",
        "title": "Ny sjef for landslaget",
        "source": "Sportsavisa",
        "language": "no",
        "published": "2024-05-02T07:00:00+00:00",
        "text": (
            "Sveriges landslag har fått ny trener etter en svak høst.\n"
            "Landslagstreneren heter Anna Ek og kommer fra Malmö FF."
        ),
    }
    summariser = _over(sqlite_db, str(lexicon_index), tmp_path, coach)
    answer = summariser.answer("Who coaches the Swedish national team?")
    assert answer.found
    assert "Sveriges landslag har fått ny trener" in answer.text


def test_a_month_written_as_a_name_is_the_month(
    sqlite_db: Database, lexicon_index: Path, tmp_path: Path
) -> None:
    entries = {**ENTRIES, "march": "march <n>\nmarsj, gang\nwalk in step\n"}
    index = write_dictd(tmp_path, entries)
    path = tmp_path / "band.jsonl"
    band = [
        {
            "url": f"https://lokalavisa.example/{slug}",
            "title": title,
            "source": "Lokalavisa",
            "language": "no",
            "published": "2024-04-02T07:00:00+00:00",
            "text": text,
        }
        for slug, title, text in [
            ("marsj", "Korpset øvde", "Skolekorpset gikk i marsj gjennom sentrum i helgen."),
            ("mars", "Korpset spilte", "Skolekorpset spilte i mars på rådhusplassen."),
        ]
    ]
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in band))
    summariser = _summariser(sqlite_db, path, str(index), tmp_path)
    answer = summariser.answer("Where did the school band play in March?")
    assert answer.citations[0].url == "https://lokalavisa.example/mars"


def test_a_party_named_in_english_finds_its_norwegian_name_or_abbreviation(
    sqlite_db: Database, lexicon_index: Path, tmp_path: Path
) -> None:
    # Norwegian news writes "KrF" and "Høyre"; an English reader asks for the
    # Christian Democrats and the Conservatives.
    letter = {
        "url": "https://avisa.example/brev",
        "title": "Opprop mot partiledelsen",
        "source": "Avisa",
        "language": "no",
        "published": "2024-03-02T07:00:00+00:00",
        "text": (
            "Seks medlemmer av KrF i Rogaland har signert et åpent brev.\n"
            "Lederen i Oslo Høyre, Tone Lien, ble gjenvalgt på årsmøtet."
        ),
    }
    summariser = _over(sqlite_db, str(lexicon_index), tmp_path, letter)
    signed = summariser.answer("How many Christian Democrat members signed the letter?")
    assert signed.found, signed.text
    assert "Seks medlemmer av KrF" in signed.text
    leader = summariser.answer("Who leads the Oslo Conservatives?")
    assert leader.found, leader.text
    assert "Tone Lien" in leader.text


def test_a_russian_name_spelled_the_english_way_finds_the_norwegian_spelling(
    sqlite_db: Database, lexicon_index: Path, tmp_path: Path
) -> None:
    speech = {
        "url": "https://historie.example/jubileum",
        "title": "Jubileet som endte et regime",
        "source": "Historieavisa",
        "language": "no",
        "published": "2019-10-07T07:00:00+00:00",
        "text": (
            "Gorbatsjov advarte Honecker under jubileet i Øst-Berlin.\n"
            "Jeltsin var den gang en ukjent politiker i Moskva."
        ),
    }
    summariser = _over(sqlite_db, str(lexicon_index), tmp_path, speech)
    warned = summariser.answer("Whom did Gorbachev warn?")
    assert warned.found, warned.text  # not "I found nothing about Gorbachev"
    assert "advarte Honecker" in warned.text
    assert "Jeltsin var den gang" in summariser.answer("Where was Yeltsin?").text


def test_everyday_news_verbs_and_nouns_reach_their_norwegian_forms(
    sqlite_db: Database, lexicon_index: Path, tmp_path: Path
) -> None:
    # "arrested" and "players" are words FreeDict lacks in these forms; the glossary
    # gives "pågrepet" and "spillerne".
    case = {
        "url": "https://avisa.example/ran",
        "title": "Ran i sentrum",
        "source": "Avisa",
        "language": "no",
        "published": "2024-02-02T07:00:00+00:00",
        "text": (
            "Politiet rykket ut til en butikk i sentrum fredag kveld.\n"
            "En mann i 30-årene ble pågrepet samme kveld.\n"
            "Spillerne på byens fotballag hjalp til i letingen."
        ),
    }
    summariser = _over(sqlite_db, str(lexicon_index), tmp_path, case)
    arrested = summariser.answer("Who was arrested?")
    assert arrested.found, arrested.text
    assert arrested.text.startswith("En mann i 30-årene ble pågrepet")
    helped = summariser.answer("What did the players do?")
    assert helped.text.startswith("Spillerne på byens fotballag hjalp til")


def _lexicon_with(folder: Path, **entries: str | list[str]) -> str:
    """The tests' dictionary with ``entries`` added, written to ``folder``."""
    return str(write_dictd(folder, {**ENTRIES, **entries}))


def _article(url: str, title: str, language: str, *lines: str) -> dict[str, str]:
    """A JSON Lines article of the Fjordposten kind, its text ``lines``."""
    return {
        "url": url,
        "title": title,
        "source": "Fjordposten",
        "language": language,
        "published": "2024-06-04T07:00:00+00:00",
        "text": "\n".join(lines),
    }


def test_one_translated_word_of_several_is_luck_not_an_answer(
    sqlite_db: Database, tmp_path: Path
) -> None:
    lexicon = _lexicon_with(
        tmp_path,
        waterfall="waterfall <n>\nfoss\nwater falling from a height\n",
        tourist="tourist <n>\nturist\na visitor\n",
    )
    waterfall = _article(
        "https://fjordposten.example/foss",
        "Fossen trekker turister",
        "no",
        "Hundrevis av turister besøkte fossen i Eikesdal i helgen.",
        "Kommunen vil bygge en ny parkeringsplass ved stien opp til utsiktspunktet.",
        "Ordføreren håper på enda flere besøkende i sommer.",
    )
    summariser = _over(sqlite_db, lexicon, tmp_path, *ARTICLES, waterfall)
    # Only "waterfall" is in common: a Norwegian article about one waterfall does not
    # tell which is the world's tallest.
    assert not summariser.answer("Which is the tallest waterfall in the world?").found
    # Two words in common in two sentences of the article: an answer all the same.
    hope = summariser.answer("What does the mayor hope for at the waterfall?")
    assert hope.found
    assert "Ordføreren håper på enda flere besøkende" in hope.text
    # Two words in common, and the sentence that holds them is the answer.
    answer = summariser.answer("How many tourists visited the waterfall?")
    assert answer.found
    assert "Hundrevis av turister besøkte fossen" in answer.text
    # In the question's own language one word is evidence enough: the article holds it.
    own = summariser.answer("Hvor høy er fossen i Eikesdal?")
    assert own.found
    assert "fossen i Eikesdal" in own.text


def test_a_norwegian_compound_finds_the_english_words_it_is_made_of(
    sqlite_db: Database, tmp_path: Path
) -> None:
    lexicon = _lexicon_with(
        tmp_path,
        **{"central bank": "central bank <n>\nsentralbank\na national bank\n"},
        inflation="inflation <n>\ninflasjon\nrising prices\n",
        target="target <n>\nmål, blink\nan aim\n",
        currency="currency <n>\nvaluta\nmoney of a country\n",
        decision="decision <n>\nbeslutning, avgjørelse\na choice made\n",
    )
    bank = _article(
        "https://northland.example/rates",
        "Northland holds its key rate at 3 percent",
        "en",
        "The Northland central bank kept its key rate at 3 percent on Monday.",
        "The bank's inflation target is 2 percent, governor Ada Berg told reporters.",
        "The currency strengthened slightly against the euro after the decision.",
    )
    summariser = _over(sqlite_db, lexicon, tmp_path, *ARTICLES, bank)
    # "inflasjons|målet" and "sentral|banken": no entry of their own, but their parts'.
    target = summariser.answer("Hva er inflasjonsmålet til sentralbanken?")
    assert target.found
    assert "inflation target is 2 percent" in target.text
    assert target.citations[0].url == "https://northland.example/rates"
    # "valutaen" is "valuta" made definite, though the stemmer cuts the two apart.
    currency = summariser.answer("Hva skjedde med valutaen etter beslutningen?")
    assert currency.found
    assert "currency strengthened slightly" in currency.text


def test_the_words_before_an_english_word_tell_its_noun_from_its_verb(
    sqlite_db: Database, tmp_path: Path
) -> None:
    lexicon = _lexicon_with(
        tmp_path,
        bear=[
            "bear /bɛə/ <n>\nbjørn\nlarge mammal\n",
            "bear /bɛə/ <v>\n1. bære\nto carry\n2. tåle\nto put up with\n",
        ],
        react="react <v>\nreagere\nto respond\n",
        car="car <n>\nbil\na vehicle\n",
        look="look <v>\nkikke, se\nto watch\n",
        back=["back <n>\nrygg\nrear of the body\n", "back <v>\nstøtte\nto support\n"],
    )
    bears = _article(
        "https://fjordposten.example/bjorn",
        "Bjørnemor på veien i Pasvik",
        "no",
        "Bjørnene stod lenge stille og kikket nysgjerrig på bilen i Pasvikdalen.",
        "Så stakk de til skogs.",
    )
    porter = _article(
        "https://fjordposten.example/sekk",
        "Bærer utstyr for turistene",
        "no",
        "Han bærer tunge sekker for turistene og reagerte raskt da stien raste ut.",
        "Turlaget vil nå merke en ny sti.",
    )
    summariser = _over(sqlite_db, lexicon, tmp_path, bears, porter)
    # "the bears" are animals: the porter who "bærer" and "reagerte" does not tell how
    # they reacted, and neither does the article that only sees them.
    assert not summariser.answer("How did the bears react?").found
    answer = summariser.answer("Where did the bears look at the car?")
    assert answer.found
    assert answer.citations[0].url == "https://fjordposten.example/bjorn"
    question = analyse("Who backs the bears?", lexicon_at(lexicon))
    translations = {t.exact: t.translations for t in question.terms}
    assert "støtte" in translations["backs"] and "rygg" not in translations["backs"]
    assert "bjørn" in translations["bears"] and "bære" not in translations["bears"]
    # With nothing before it to tell, a word keeps every sense.
    assert {"bjørn", "bære"} <= set(analyse("bears?", lexicon_at(lexicon)).terms[0].translations)


def test_a_norwegian_compound_name_finds_the_english_words_for_its_parts(
    sqlite_db: Database, tmp_path: Path
) -> None:
    lexicon = _lexicon_with(
        tmp_path,
        berlin="Berlin <pn>\nBerlin\ncapital of Germany\n",
        wall="wall <n>\nmur, vegg\na barrier of stone\n",
        fall="fall <n>\nfall\na collapse\n",
        germany="Germany <pn>\nTyskland\na country\n",
        labour="labour <n>\narbeid\nwork\n",
        authority="authority <n>\ntilsyn, myndighet\na body that oversees\n",
        director="director <n>\ndirektør\na head\n",
    )
    wall = _article(
        "https://northland.example/wall",
        "Thirty years on",
        "en",
        "After the fall of the Berlin Wall, Germany was united again within a year.",
        "Walls are still being built around the world, the historian said.",
    )
    labour = _article(
        "https://northland.example/labour",
        "New rules for workplaces",
        "en",
        "Trude Vollheim is director of the Labour Inspection Authority.",
        "The authority will visit more building sites this year.",
    )
    summariser = _over(sqlite_db, lexicon, tmp_path, *ARTICLES, wall, labour)
    # "Berlinmurens" is in no article: the English ones say "the Berlin Wall".
    answer = summariser.answer("Hva skjedde etter Berlinmurens fall?")
    assert answer.found
    assert "After the fall of the Berlin Wall" in answer.text
    assert answer.citations[0].url == "https://northland.example/wall"
    director = summariser.answer("Hvem er direktør i Arbeidstilsynet?")
    assert director.found
    assert "Trude Vollheim is director" in director.text


def test_a_translation_is_no_name_that_opens_with_it(sqlite_db: Database, tmp_path: Path) -> None:
    # "waterfall" is "foss": not the writer Jon Fosse (hyphened to a word), nor the skier
    # Helene Fossesholm. A coach is still the "trener" that ends "Oppsaltrener".
    entries = {
        **ENTRIES,
        "waterfall": "waterfall <n>\nfoss\nwater falling from a height\n",
        "tallest": "tallest <adj>\nhøyest\nof the greatest height\n",
        "coach": "coach <v>\ntrene\nto train\n<n>\ntrener\none who trains\n",
    }
    index = write_dictd(tmp_path, entries)
    culture = _article(
        "https://fjordposten.example/fosse",
        "Forfatteren fyller 60 år",
        "no",
        "Litteraturhuset i Bergen har egne Jon Fosse-markeringer i september.",
        "Den høyeste stabelen av bøkene hans står i vinduet på Litteraturhuset.",
    )
    skiing = _article(
        "https://fjordposten.example/langrenn",
        "Seier i fellesstarten",
        "no",
        "Stortalentet Helene Fossesholm vant fellesstarten i det høyeste nivået av juniorløp.",
        "Oppsaltrener Gisle Olsen så løpet fra tribunen.",
    )
    summariser = _over(sqlite_db, str(index), tmp_path, culture, skiing)
    answer = summariser.answer("Which is the tallest waterfall in the world?")
    assert not answer.found, answer.text
    coach = summariser.answer("Who is the Oppsal coach?")
    assert coach.found
    assert "Oppsaltrener Gisle Olsen" in coach.text
