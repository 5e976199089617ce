from __future__ import annotations

import random

import pytest

from bot.text import (
    canonical_url,
    detect_language,
    document_terms,
    index_terms,
    split_sentences,
    stem_words,
    tokens,
    words,
)
from bot.text.captions import is_caption


def test_norwegian_dots_in_dates_times_and_abbreviations_do_not_end_sentences() -> None:
    text = (
        "Møtet holdes 15. juli kl. 15 i Oslo. Han nevnte bl.a. skatt og f.eks. bompenger. "
        "Nr. 3 vant løpet. Foto: Jan K. Ness"
    )
    assert split_sentences(text) == [
        "Møtet holdes 15. juli kl. 15 i Oslo.",
        "Han nevnte bl.a. skatt og f.eks. bompenger.",
        "Nr. 3 vant løpet.",
        "Foto: Jan K. Ness",
    ]


def test_a_day_before_a_capitalised_month_does_not_end_a_sentence() -> None:
    # German writes its months with a capital: "der 13. November" is one date.
    text = "Es ist der 13. November. Am 3. Oktober kam die Antwort. Sie gewannen 2:1. Mai kommt."
    assert split_sentences(text) == [
        "Es ist der 13. November.",
        "Am 3. Oktober kam die Antwort.",
        "Sie gewannen 2:1.",
        "Mai kommt.",
    ]
    # English writes no dot after a day: "May" there starts the next sentence.
    assert split_sentences("Labour lost seat no. 13. May said she would stay.") == [
        "Labour lost seat no. 13.",
        "May said she would stay.",
    ]


def test_line_breaks_end_sentences_and_headings_stand_alone() -> None:
    text = "Kaos og anarki\nSiden har en rekke militser kjempet. I 2019. 146.000 er på flukt!"
    assert split_sentences(text) == [
        "Kaos og anarki",
        "Siden har en rekke militser kjempet.",
        "I 2019.",
        "146.000 er på flukt!",
    ]


def test_quotes_and_question_marks_end_sentences() -> None:
    assert split_sentences("«Vi er klare», sa han. Hva nå? Ja.") == [
        "«Vi er klare», sa han.",
        "Hva nå?",
        "Ja.",
    ]


def test_index_terms_hold_exact_forms_and_stems_so_inflected_names_match() -> None:
    terms = index_terms("Russland står på Haftars side", "no")
    assert "haftars" in terms  # exact form
    assert "haftar" in terms  # the Norwegian stem of "Haftars" is the bare name


def test_index_terms_are_the_words_then_the_stems_that_differ_whatever_the_index_remembers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Terms are remembered by run of non-space characters; a full memory starts over.
    monkeypatch.setattr(tokens, "_RUN_TERMS_MAX", 2)
    tokens._RUN_TERMS.clear()
    text = "Haftars styrker, 2.000 soldater og al-Sarraj: «Regjeringen» sa nei. Haftars styrker"
    exact = words(text)
    changed = [s for w, s in zip(exact, stem_words(exact, "no"), strict=True) if s != w]
    for _ in range(2):  # the second time from what it remembers
        assert index_terms(text, "no") == [*exact, *changed]
    assert "haftar" in changed and "2000" in exact and "sarraj" in exact
    # A language without a stemmer indexes the words alone.
    assert index_terms(text, "xx") == exact
    assert document_terms("Haftars styrker", "", "no") == " ".join(
        ["haftars styrker haftar styrk"] * 2
    )
    assert document_terms("", "  ", "no") == ""


def test_numbers_keep_their_thousands_together() -> None:
    assert words("2.000 soldater og 146,000 sivile") == [
        "2000",
        "soldater",
        "og",
        "146000",
        "sivile",
    ]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Regjeringen i Libya er ventet å signere en avtale om våpenhvile i Moskva mandag.", "no"),
        ("The government of Libya is expected to sign a ceasefire agreement in Moscow.", "en"),
        (
            "Die Regierung in Libyen will am Montag in Moskau "
            "einen Waffenstillstand unterzeichnen.",
            "de",
        ),
    ],
)
def test_language_is_detected(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_language_of_nothing_is_undetermined() -> None:
    assert detect_language("!!! 123 ...") == "und"


def test_canonical_url_drops_tracking_and_fragments() -> None:
    assert (
        canonical_url("HTTPS://WWW.NRK.no:443/nyheter/a?utm_source=x&id=7&fbclid=y#top")
        == "https://www.nrk.no/nyheter/a?id=7"
    )
    assert canonical_url("urn:norquad:news:1") == "urn:norquad:news:1"


def test_canonical_url_keeps_what_it_cannot_tidy() -> None:
    assert canonical_url("https://x:99999/a#b") == "https://x:99999/a#b"
    assert canonical_url("http://[::1]:8080/a?utm_medium=x") == "http://[::1]:8080/a"


def test_a_photo_credit_glued_to_the_lede_is_split_off() -> None:
    text = "FOTO: Kari Nordmann / NTB scanpix Fergen gikk på grunn ved Halsa natt til fredag."
    assert split_sentences(text) == [
        "FOTO: Kari Nordmann / NTB scanpix",
        "Fergen gikk på grunn ved Halsa natt til fredag.",
    ]
    # German and Swedish credit a picture with "Bild".
    swedish = "Bild: Jonathan Nackstrand/TT Statsministern talade i riksdagen på onsdagen."
    assert split_sentences(swedish) == [
        "Bild: Jonathan Nackstrand/TT",
        "Statsministern talade i riksdagen på onsdagen.",
    ]
    assert is_caption("Bild: dpa") and not is_caption("Statsministern talade i riksdagen.")


def test_captions_credits_and_bylines_are_recognised_and_statements_are_not() -> None:
    from bot.text.captions import is_caption

    for caption in [
        "(Foto: Ola Hansen/NTB Scanpix)",
        "Foto: Skjermdump",
        "Mannskapet (t.v.) tok imot ferja på kaia i Halsa.",
        "Bildet viser ferjekaia etter uværet.",
        "FULL STANS: Ferja ligger ved kai i Halsa.",
        "Av NTB-Kari Hansen",
        "Ferja ligger ved kaia i Halsa torsdag kveld. (",
    ]:
        assert is_caption(caption), caption
    for statement in [
        "Ferja ble satt inn igjen søndag, sier driftsleder Ola Hansen til NTB.",
        "HALSA: Ferja gikk som normalt fredag.",
        "Avdelingen ved sykehuset stengte fredag.",
    ]:
        assert not is_caption(statement), statement


def test_stems_stay_right_when_the_stem_cache_fills_up(monkeypatch: pytest.MonkeyPatch) -> None:
    # A large archive fills the cache; clearing it mid-call once lost words (KeyError).
    monkeypatch.setattr(tokens, "_STEM_CACHE_MAX", 3)
    tokens._STEM_CACHE.clear()
    assert stem_words(["hospitals", "running", "walking", "talked"], "en") == [
        "hospit",
        "run",
        "walk",
        "talk",
    ]
    # "hospitals" is cached, "nations" is not: the full cache is cleared in between.
    assert stem_words(["hospitals", "nations"], "en") == ["hospit", "nation"]


def test_language_detection_walks_a_word_at_a_time_and_agrees_with_py3langid() -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from bot.text.language import _identifier

    library = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
    ours = _identifier()
    samples = [
        "Regjeringen foreslår nye regler for strømprisen, sier ministeren.",
        "The council approved the budget after a long debate on Tuesday.",
        "Die Regierung hat am Dienstag neue Regeln beschlossen.",
        "Привет, как дела у правительства сегодня?",
        "  doble  mellomrom  og   tall 2.000 ",
        "",
        "!!!",
    ]
    for text in samples * 2:  # the second time from the remembered walks
        assert ours.classify(text)[0] == library.classify(text)[0]
        assert abs(ours.classify(text)[1] - library.classify(text)[1]) < 1e-3
    assert detect_language(samples[0]) == "no"
    assert detect_language(samples[1]) == "en"


def test_language_detection_agrees_with_py3langid_when_its_memory_starts_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A large archive fills what the detector remembers (walks, converted model rows);
    # starting over must not change a single answer.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from bot.text import language

    monkeypatch.setattr(language, "_WALKS_MAX", 3)
    monkeypatch.setattr(language, "_ROWS_MAX", 40)
    library = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
    ours = language._identifier()
    samples = [
        "Stortinget vedtok budsjettet etter en lang debatt tirsdag kveld.",
        "The ministry confirmed the new rules for electricity prices on Monday.",
        "Le gouvernement a présenté son budget pour l'année prochaine.",
        "Regjeringen og fagforeningene ble enige om lønnsoppgjøret i natt.",
    ]
    # Made-up words: thousands of n-grams in one text.
    rng = random.Random(5)
    letters = "abcdefghijklmnopqrstuvwxyzæøå"
    samples.append(" ".join("".join(rng.sample(letters, rng.randint(2, 9))) for _ in range(3000)))
    for text in samples * 3:
        assert ours.classify(text)[0] == library.classify(text)[0]
        assert abs(ours.classify(text)[1] - library.classify(text)[1]) < 1e-3
