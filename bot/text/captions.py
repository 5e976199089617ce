"""Image captions, photo credits, bylines and datelines inside article text. Pure functions.

Pages and feeds hand over the text around a photo with the article: "FOTO: Ola Nordmann /
NTB scanpix", "Anders Mol (t.v.) og Christian Sørum i Roma.", "Av NTB-Kari Hansen".
They stay in the index (a caption names who is in the story) but are never quoted as
an answer nor used as a digest summary: they describe a picture the reader cannot see.
"""

from __future__ import annotations

import functools
import re

from bot.text.calendar_names import MONTH_ABBREVIATIONS, MONTHS, WEEKDAYS

__all__ = ["is_caption", "is_name_only", "split_credit"]

# The words that credit a picture: "Foto", "Arkivbilde", "Illustrasjonsfoto", "Video".
_CREDIT_WORD = (
    r"(?:(?:arkiv|illustrasjons|presse)?(?:foto|bilde)|photo|bild|illustrasjon|illustration"
    r"|video)"
)
# "Foto: ...", "(Foto: ...)", "FOTO: Arkivfoto: ...", "(Illustrasjonsfoto: ...)" at the start.
_CREDIT_START = re.compile(rf"^\(?\s*{_CREDIT_WORD}\s*:", re.IGNORECASE)
# The credit word alone: "(Arkivfoto)", "Illustrasjonsfoto."
_CREDIT_ALONE = re.compile(rf"^\(?\s*{_CREDIT_WORD}\s*\)?\.?$", re.IGNORECASE)
_CREDIT_ANYWHERE = re.compile(
    r"\(\s*(?:foto|photo|bilde|arkivfoto)\s*:[^)]*\)|\b(?:foto|photo)\s*:|\bscanpix\b",
    re.IGNORECASE,
)
# Who stands where in the picture: "(t.v.)", "(til høyre)", "(f.v.)", "(i midten)".
_POSITIONS = re.compile(
    r"\((?:t\.? ?[vh]\.?|f\.? ?[vh]\.?|til (?:venstre|høyre)|i midten|from left|left|right|"
    r"bildet|bak|foran)\)",
    re.IGNORECASE,
)
# "Bildet viser ...", "Bildet, som er hentet fra ...", "Illustrasjonsbilde".
_PICTURE = re.compile(
    r"^(?:bildet\b|illustrasjonsbilde|arkivbilde|the photo|pictured\b)", re.IGNORECASE
)
# A label in capitals of two words or more before a colon ("PÅ TAMPEN AV EKTESKAPET:"),
# and the pointers to other stories ("LES OGSÅ:", "Les også:", "SE VIDEO:", "Read more:").
_LABEL = re.compile(r"^[A-ZÆØÅÄÖÜ]{2,}(?: [A-ZÆØÅÄÖÜ]{2,})+:|^(?:LES|SE)\b[^:]{0,30}:")
_POINTER = re.compile(
    r"^(?:les?|se) (?:også|mer|flere|video)\b[^:]{0,30}:"
    r"|^(?:read|see|watch) (?:more|also)\b[^:]{0,30}:",
    re.IGNORECASE,
)
# Who a portrait shows, and when: "Tor-Kristian Karlsen, her fra en tidligere anledning.",
# "Erna Solberg, her under et møte i fjor.", "Jane Smith, pictured in 2019."
_PORTRAIT = re.compile(
    r"^(?:[A-ZÆØÅÄÖÜ][\w.'’-]*\s+){0,3}[A-ZÆØÅÄÖÜ][\w.'’-]*(?:\s*\([^)]{1,12}\))?,\s+"
    r"(?:her (?:fra|på|under|i|med|sammen|avbildet|fotografert)|pictured|seen here)\b"
)
# A source line in brackets: "(Kilde: D&B Informasjon)", "(Source: Reuters)".
_SOURCE_LINE = re.compile(r"^\(\s*(?:kilde|kilder|source|sources)\s*:[^)]*\)\.?$", re.IGNORECASE)
# "Av NTB-Kari Hansen", "By Jane Smith": a byline is short and all names.
_BYLINE = re.compile(r"^(?:Av|By)\s+(?:[A-ZÆØÅ][\w-]*\s*){1,4}\.?$")
# Where the story ran first: "This article originally appeared on VICE US.", "Saken ble
# først publisert i Nordlys."
_FIRST_RAN = re.compile(
    r"^(?:this|the) (?:article|story|piece|post) (?:was )?(?:originally|first) "
    r"(?:appeared|published|ran)\b"
    r"|^(?:artikkelen|saken|denne saken) (?:ble )?(?:først|opprinnelig) (?:publisert|trykket)\b",
    re.IGNORECASE,
)
# A wire story's station or agency before its dash, alone: "(KGO) --", "(NTB) –".
_AGENCY_DASH = re.compile(r"^\(?[A-Z]{2,6}\)?\s*(?:--|—|–)$")
# A line that gives only when the story was published or updated: "Oppdatert 12. mars
# 2024 kl. 10.15", "Latest update May 6th, 2022 12:49 AM", "Stand des Artikels: 26. Februar
# 2020, 12:30 Uhr.", "Article mis à jour le 7 janvier 2020.", "22.12.2018". It tells the
# reader nothing the source line does not.
_DATE_WORDS = frozenset(
    [
        *(m for names in MONTHS.values() for m in names),
        *MONTH_ABBREVIATIONS,
        *(d for names in WEEKDAYS.values() for d in names),
    ]
)
_DATE_LABELS = frozenset(
    """
    updated update latest last published posted modified created on at am pm news by of
    article artikel artikkelen saken
    oppdatert publisert sist endret kl klokken den dato stand des der artikels aktualisiert
    veröffentlicht am um uhr datum mis à a jour le la du publié mise actualizado publicado
    el de aggiornato pubblicato il alle ore gmt utc cet cest est edt pst bst time date
    """.split()
)
# A date written in numbers (22.12.2018, 2020-01-14, 6/1/2020), and a time of day (12:49).
_NUMERIC_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}")
_TIME_OF_DAY = re.compile(r"\b\d{1,2}[:.]\d{2}\b")
_DATE_LINE_WORDS = 14
# After a name: an age or a party ("Nicki Bille (31)", "Erna Solberg (H)").
_AGE_OR_PARTY = re.compile(r"\s*\((?:\d{1,3}|[A-ZÆØÅ][a-zæøå]{0,2}|[A-ZÆØÅ]{1,3})\)$")
_NAME_PART = re.compile(r"[^\W\d_][\w'’.-]*")
# What ends a credit glued to the next sentence: the agency.
_AGENCY_END = re.compile(
    r"(?:scanpix|\bNTB\b|\bAP\b|\bAFP\b|\bReuters\b|\bEPA\b|\bTT\b|\bPool\b|PICTURES)\)?\.?",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=20_000)
def is_caption(sentence: str) -> bool:
    """Whether ``sentence`` is a caption, a photo credit or a byline, not a statement."""
    text = sentence.strip()
    # A caption whose credit was lost ("... på Wembley torsdag kveld. (") ends open.
    if text.endswith(("(", "[")):
        return True
    return bool(
        _CREDIT_START.match(text)
        or _CREDIT_ALONE.match(text)
        or _CREDIT_ANYWHERE.search(text)
        or _POSITIONS.search(text)
        or _PICTURE.match(text)
        or _LABEL.match(text)
        or _POINTER.match(text)
        or _portrait(text)
        or _SOURCE_LINE.match(text)
        or _BYLINE.match(text)
        or _FIRST_RAN.match(text)
        or _AGENCY_DASH.match(text)
        or is_name_only(text)
        or _date_line(text)
    )


def _date_line(text: str) -> bool:
    """Whether ``text`` only says when: a date (a month's or a day's name, or a date in
    numbers) with its labels, numbers and times, and on a line that is no sentence at most
    one word besides; or a time alone ("Avspark 18.30." says what happens then)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) > _DATE_LINE_WORDS:
        return False
    other = [w for w in words if w not in _DATE_WORDS and w not in _DATE_LABELS]
    # English ordinals' endings ("6th") are no words.
    other = [w for w in other if w not in ("st", "nd", "rd", "th")]
    if _NUMERIC_DATE.search(text) or any(w in _DATE_WORDS for w in words):
        # One word besides on a line that is no sentence ("October 22, 2019 report"), none
        # on one that is: "Valget er 8. september." and "Closed on Monday." say something.
        return len(other) <= (0 if text.rstrip().endswith((".", "!", "?")) else 1)
    return not other and bool(_TIME_OF_DAY.search(text))


def _portrait(text: str) -> bool:
    # One comma, few words: "Solberg, her på Stortinget, sa at ..." is a statement.
    return text.count(",") == 1 and len(text.split()) <= 15 and bool(_PORTRAIT.match(text))


def is_name_only(sentence: str) -> bool:
    """Whether ``sentence`` is only a name, two to four capitalised words, perhaps with an
    age or a party: "Ben-Arne Sotkajærvi.", "Émilie Enger Mehl", "Erna Solberg (H).".
    Under a portrait it is a caption; after "Who ...?" it is the answer."""
    text = _AGE_OR_PARTY.sub("", sentence.strip().rstrip(".")).strip()
    parts = text.split()
    return 2 <= len(parts) <= 4 and all(
        part[:1].isupper() and _NAME_PART.fullmatch(part) for part in parts
    )


def split_credit(sentence: str) -> list[str]:
    """A photo credit glued to the sentence after it, as two pieces.

    "FOTO: Ola Nordmann / NTB scanpix En mann ble skutt." is a credit and a news
    sentence with no full stop between them: the news must not be lost with the credit.
    Each piece is a verbatim substring of ``sentence``.
    """
    if not _CREDIT_START.match(sentence):
        return [sentence]
    if sentence.lstrip().startswith("("):
        close = sentence.find(")")
        cut = close + 1 if close > 0 else 0
    else:
        ends = list(_AGENCY_END.finditer(sentence))
        cut = ends[-1].end() if ends else 0
    rest = sentence[cut:].strip()
    # Only a capitalised start reads as a new sentence ("Foto: NTB scanpix" stays whole).
    if cut == 0 or len(rest.split()) < 3 or not rest[:1].isupper():
        return [sentence]
    return [sentence[:cut].strip(), rest]
