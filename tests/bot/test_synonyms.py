"""A question's word finds the article's word for the same thing: "keeper" the "målvakt"."""

from __future__ import annotations

from bot.text.synonyms import synonym_forms
from tests.support.ranking import scored

FINAL = {
    "url": "https://sportsavisa.example/cupfinale",
    "title": "Cupmareritt for Barcelona",
    "source": "Sportsavisa",
    "language": "no",
    "published": "2019-05-26T08:00:00+00:00",
    "text": (
        "Valencia vant cupfinalen mot Barcelona lørdag.\n"
        "Barcelonas målvakt Jasper Cillessen slapp inn to mål før pause.\n"
        "Treneren var skuffet etter kampen."
    ),
}


def test_a_word_finds_its_synonyms_in_any_inflection() -> None:
    assert "målvakt" in synonym_forms("keeperen")
    assert "arrestere" in synonym_forms("pågrepet")
    assert synonym_forms("sykkelhjelm") == ()


def test_a_question_in_other_words_finds_the_sentence() -> None:
    ranked = scored("Hvem var keeper for Barcelona?", FINAL["text"].splitlines())
    best = max(ranked.values(), key=lambda s: s.score)
    assert best.text.startswith("Barcelonas målvakt Jasper Cillessen")
