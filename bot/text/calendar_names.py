"""The names of months and weekdays, lower-cased, in the languages whose dates newsbot reads
in text: a dateline ("Stand des Artikels: 26. Februar 2020"), a day's dot before a German
month, an answer that says when."""

from __future__ import annotations

__all__ = ["MONTHS", "MONTH_ABBREVIATIONS", "WEEKDAYS"]

MONTHS: dict[str, tuple[str, ...]] = {
    "no": tuple(
        "januar februar mars april mai juni juli august september oktober november desember".split()
    ),
    "en": tuple(
        "january february march april may june july august september october november "
        "december".split()
    ),
    "de": tuple(
        "januar jänner februar märz april mai juni juli august september oktober november "
        "dezember".split()
    ),
    "fr": tuple(
        "janvier février mars avril mai juin juillet août septembre octobre novembre "
        "décembre".split()
    ),
    "es": tuple(
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
        "diciembre".split()
    ),
    "it": tuple(
        "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre "
        "novembre dicembre".split()
    ),
}
MONTH_ABBREVIATIONS = tuple("jan feb mar apr jun jul aug sep sept oct okt nov dec des dez".split())
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "no": tuple("mandag tirsdag onsdag torsdag fredag lørdag søndag".split()),
    "en": tuple("monday tuesday wednesday thursday friday saturday sunday".split()),
    "de": tuple("montag dienstag mittwoch donnerstag freitag samstag sonntag".split()),
    "fr": tuple("lundi mardi mercredi jeudi vendredi samedi dimanche".split()),
    "es": tuple("lunes martes miércoles jueves viernes sábado domingo".split()),
}
