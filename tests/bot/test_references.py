"""A sentence that refers back to a person ("hun", "he") answers for the name before it."""

from __future__ import annotations

from tests.support.ranking import scored

SENTENCES = [
    "Skiskytteren Ingrid Tandrevold la fram avgjørelsen på et pressemøte torsdag.",
    "I fjor flyttet hun til Canada sammen med familien.",
    "Været i Oslo var fint den dagen.",
    "Hun likte seg godt i Canada.",
]


def _coverage(question: str) -> dict[int, float]:
    return {index: s.coverage for index, s in scored(question, SENTENCES).items()}


def test_she_in_the_next_sentence_stands_for_the_name_in_part() -> None:
    coverage = _coverage("Hvor bor Ingrid Tandrevold?")
    # The sentence names nobody the question names, yet it is about her: it can answer.
    assert 0 < coverage[1] < coverage[0]
    # "Hun" after a sentence that names nobody asked for stands for no one asked for.
    assert 3 not in coverage


def test_a_pronoun_adds_nothing_when_the_sentence_names_the_person_itself() -> None:
    coverage = _coverage("Hvor bor Ingrid Tandrevold?")
    assert coverage[0] == max(coverage.values())


def test_english_he_refers_back_as_well() -> None:
    sentences = ["Tom Berg spoke in Leeds on Monday.", "Last year he moved to Canada."]
    moved = scored("Where does Tom Berg live?", sentences, "en")[1]
    assert moved.coverage > 0 and moved.matched_names == 2
