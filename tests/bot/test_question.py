from __future__ import annotations

import pytest

from bot.answer.question import analyse
from tests.support.ranking import scored


@pytest.mark.parametrize(
    ("text", "kind", "language"),
    [
        ("Hvem støtter Haftar?", "who", "no"),
        ("who backs Haftar?", "who", "en"),
        ("Hvor mange ferger ble innstilt?", "how_many", "no"),
        ("How many fishermen were rescued?", "how_many", "en"),
        ("Hvor lang er den nye broen?", "how_many", "no"),
        ("Hvor ofte går fergen?", "how_many", "no"),
        ("How far is the border from the camp?", "how_many", "en"),
        ("Når kom Haftar til Moskva?", "when", "no"),
        ("I hvilket år falt muren?", "when", "no"),
        ("Where did the boat sink?", "where", "en"),
        ("Hvorfor ble fergene innstilt?", "why", "no"),
        ("Hva skjedde i Bergen?", "what", "no"),
        # Nynorsk asks with its own words.
        ("Kven støttar Haftar?", "who", "no"),
        ("Kor mange ferjer vart innstilte?", "how_many", "no"),
        ("Kvifor vart ferjene innstilte?", "why", "no"),
        ("Korleis kom Haaland seg til Dortmund?", "how", "no"),
    ],
)
def test_question_word_and_language(text: str, kind: str, language: str) -> None:
    question = analyse(text)
    assert (question.kind, question.language) == (kind, language)


def test_names_are_found_but_not_the_first_word_or_question_words() -> None:
    question = analyse("Langs hvilken grense gikk Khalifa Haftar og FN-styrkene?")
    assert question.names == ["Khalifa", "Haftar", "FN-styrkene"]
    names = {t.exact for t in question.terms if t.is_name}
    assert names == {"khalifa", "haftar", "fn"}  # "styrkene" is not a name
    assert "langs" in {t.exact for t in question.terms}


def test_nynorsk_function_and_question_words_are_not_search_terms() -> None:
    question = analyse("Kva by kjem Einar Johan Rasmussen frå, og kvifor er han ikkje der no?")
    terms = {t.exact for t in question.terms}
    assert {"kjem", "einar", "johan", "rasmussen"} <= terms
    assert not terms & {"kva", "frå", "kvifor", "ikkje"}


def test_a_nynorsk_function_word_that_is_also_a_name_stays_a_name() -> None:
    # "Anna", "Vera" and "Ho" are names outside a Nynorsk question; "kor" is a choir.
    assert [t.exact for t in analyse("Hvem er Anna?").terms] == ["anna"]
    assert [t.exact for t in analyse("What did Vera Wang say?").terms] == ["vera", "wang"]
    assert "ho" in {t.exact for t in analyse("Was Ho Chi Minh City flooded?").terms}
    assert "kor" in {t.exact for t in analyse("Hvilket kor vant?").terms}
    assert "ho" not in {t.exact for t in analyse("Kva sa ho om planane?").terms}


def test_a_short_english_question_taken_for_another_language_keeps_its_words() -> None:
    # "EU sanctions" reads as French, whose function words hold "eu".
    assert [t.exact for t in analyse("EU sanctions").terms] == ["eu", "sanctions"]


def test_function_words_are_not_search_terms_but_names_keep_their_exact_form() -> None:
    question = analyse("Who is backing Haftars forces?")
    assert "who" not in question.search_terms and "is" not in question.search_terms
    assert "haftars" in question.search_terms and "haftar" in question.search_terms
    assert "haft" not in question.search_terms  # a stem would let a name match other words


def test_quoted_phrases_and_time_words() -> None:
    question = analyse('What happened to "Fjord1" this week?')
    assert question.phrases == ["Fjord1"]
    assert question.window is not None and question.window.days == 7
    assert "week" not in question.search_terms


def test_search_syntax_is_just_text() -> None:
    question = analyse('"Haftar" AND (NEAR* OR -Moskva)')
    assert set(question.search_terms) >= {"haftar", "near", "moskva"}
    assert all(term.isalnum() for term in question.search_terms)


def test_a_measure_asked_is_answered_by_a_number_not_a_place() -> None:
    sentences = ["Broen ble bygget i Bergen.", "Broen er 300 meter."]
    best = max(scored("Hvor lang er broen?", sentences).values(), key=lambda s: s.score)
    assert best.text == "Broen er 300 meter."


def test_a_why_question_prefers_the_sentence_that_gives_the_cause() -> None:
    sentences = [
        "Breene i Norge trekker seg tilbake år for år.",
        "Årsaken til at breene trekker seg tilbake, er varme somre.",
    ]
    ranked = scored("Hvorfor trekker breene seg tilbake?", sentences).values()
    best = max(ranked, key=lambda s: s.score)
    assert best.text.startswith("Årsaken")
