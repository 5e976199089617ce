"""What the bot says when it does not quote an answer, in the asker's language."""

from __future__ import annotations

__all__ = ["count", "fit", "say"]

_MESSAGES = {
    "empty": {
        "en": "Ask me something about the news, for example: who backs Haftar?",
        "no": "Spør meg om noe i nyhetene, for eksempel: hvem støtter Haftar?",
    },
    "no_terms": {
        "en": (
            "I could not find anything to look up in that question. "
            "Try naming who or what it is about."
        ),
        "no": (
            "Jeg fant ingenting å slå opp i det spørsmålet. "
            "Prøv å nevne hvem eller hva det gjelder."
        ),
    },
    "no_articles": {
        "en": "I have no articles yet. Add some with `newsbot ingest` or `feeds add`.",
        "no": "Jeg har ingen artikler ennå. Legg til med `newsbot ingest` eller `feeds add`.",
    },
    "nothing_about": {
        "en": "I found nothing about {subject} in {total} indexed {articles}.",
        "no": "Jeg fant ingenting om {subject} i {total} {articles}.",
    },
    # No article holds any of the question's words, in any form or translation: said
    # as that, not as "nothing about" them, since the same story told in other words
    # may well be there ("valutaen" where the article says "the crown").
    "no_words": {
        "en": "I found no article that uses {subject} in {total} indexed {articles}. "
        "Try other words.",
        "no": "Jeg fant ingen artikkel som bruker {subject}, blant {total} {articles}. "
        "Prøv andre ord.",
    },
    "no_answer": {
        "en": "I found no article that answers that in {total} indexed {articles}.",
        "no": "Jeg fant ingen artikkel som svarer på det, blant {total} {articles}.",
    },
    # Told with an answer whose article names who or what was asked about but never
    # uses the rest of the question's words: it may say it otherwise, or not at all.
    "names_only_word": {
        "en": "The best match never uses the word {words}; this is what it says about {names}.",
        "no": "Det beste treffet bruker aldri ordet {words}; dette er hva det sier om {names}.",
    },
    "names_only_words": {
        "en": "The best match never uses the words {words}; this is what it says about {names}.",
        "no": "Det beste treffet bruker aldri ordene {words}; dette er hva det sier om {names}.",
    },
    "nothing_recent": {
        "en": "I found nothing about that in the articles of that period ({total} indexed in all).",
        "no": "Jeg fant ingenting om det i artiklene fra den perioden ({total} totalt).",
    },
    "cut": {
        "en": "Your question was cut to its first {limit} characters.",
        "no": "Spørsmålet ble kortet ned til de første {limit} tegnene.",
    },
}


_ARTICLES = {"en": ("article", "articles"), "no": ("artikkel", "artikler")}


def say(key: str, language: str, **values: object) -> str:
    """The message ``key`` in ``language`` (English when there is none in it), with
    "article" in the number ``values["total"]`` calls for."""
    texts = _MESSAGES[key]
    one, many = _ARTICLES.get(language, _ARTICLES["en"])
    articles = one if values.get("total") == "1" else many
    return texts.get(language, texts["en"]).format(articles=articles, **values)


def fit(sentence: str, limit: int) -> str:
    """A sentence cut at a word to ``limit`` characters, marked with an ellipsis."""
    if len(sentence) <= limit:
        return sentence
    return sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def count(n: int, language: str = "en") -> str:
    """A count as a message in ``language`` shows it: 1,204 in English, 1 204 in
    Norwegian (a space, which does not break, between the thousands)."""
    shown = f"{n:,}"
    return shown.replace(",", "\u00a0") if language == "no" else shown
