"""Norwegian strong and irregular verbs: the forms a stemmer cannot join.

A stemmer cuts endings; it cannot see that "stjålet", "stjal" and "stjele" are one
verb, or "vant" and "vinne". A question asks "Hvor mye ble stjålet?" where the article
says "kunne stjele over 100 millioner": each form here finds the others. Prefixed verbs
follow their base ("oppsto" ~ "oppstå", "foreslo" ~ "foreslå").
"""

from __future__ import annotations

import functools

__all__ = ["verb_forms"]

# Infinitive, present, past, past participle (and common variants), one verb a line.
_VERBS = """
be ber bad bedt
binde binder bandt bundet
bite biter bet bitt
bli blir ble blitt
brekke brekker brakk brukket
bringe bringer brakte brakt
bryte bryter brøt brutt
by byr bød budt
bære bærer bar båret
dra drar dro dratt
drikke drikker drakk drukket
drive driver drev drevet
dø døde dødd
falle faller falt
finne finner fant funnet
fly flyr fløy fløyet
flyte flyter fløt flytt
fryse fryser frøs frosset
følge følger fulgte fulgt
få får fikk fått
gi gir ga gav gitt
gjelde gjelder gjaldt
gjøre gjør gjorde gjort
gli glir gled glidd
gripe griper grep grepet
gråte gråter gråt grått
gå går gikk gått
henge henger hang hengt
hete heter het hett
hjelpe hjelper hjalp hjulpet
holde holder holdt
komme kommer kom kommet
krype kryper krøp krøpet
la lar lot latt
le ler lo ledd
legge legger la lagt
ligge ligger lå ligget
lyve lyver løy løyet
løpe løper løp løpt
nyte nyter nøt nytt
rekke rekker rakk rukket
ri rir red ridd
rive river rev revet
se ser så sett
selge selger solgte solgt
sette setter satte satt
si sier sa sagt
sitte sitter satt sittet
skjære skjærer skar skåret
skli sklir skled sklidd
skrike skriker skrek skreket
skrive skriver skrev skrevet
skyte skyter skjøt skutt
skyve skyver skjøv skjøvet
slippe slipper slapp sluppet
slite sliter slet slitt
slå slår slo slått
snike sniker snek sneket
sove sover sov sovet
sprekke sprekker sprakk sprukket
springe springer sprang sprunget
spørre spør spurte spurt
stige stiger steg steget
stikke stikker stakk stukket
stjele stjeler stjal stjålet
strekke strekker strakte strakt
stryke stryker strøk strøket
stå står sto stod stått
synge synger sang sunget
synke synker sank sunket
ta tar tok tatt
telle teller talte talt
fortelle forteller fortalte fortalt
treffe treffer traff truffet
trekke trekker trakk trukket
tvinge tvinger tvang tvunget
velge velger valgte valgt
vinne vinner vant vunnet
vite vet visste visst
vri vrir vred vridd
"""

# Verb prefixes that keep the base verb's forms: "opp" + "sto" is "oppsto".
_PREFIXES = (
    "an",
    "av",
    "be",
    "etter",
    "for",
    "fore",
    "fra",
    "fram",
    "frem",
    "gjen",
    "inn",
    "med",
    "mot",
    "ned",
    "om",
    "opp",
    "over",
    "på",
    "til",
    "tilbake",
    "under",
    "ut",
)
# Forms this short are other words too often ("la", "sa", "så"): never looked for.
_SHORTEST = 3


def _table() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in _VERBS.strip().splitlines():
        forms = tuple(line.split())
        for form in forms:
            table.setdefault(form, forms)
    return table


_TABLE = _table()


@functools.lru_cache(maxsize=4096)
def verb_forms(word: str) -> tuple[str, ...]:
    """The other forms of the Norwegian verb ``word`` is a form of, or () when it is none
    the table knows: "stjålet" -> ("stjele", "stjeler", "stjal"). Short forms are left
    out: they are other words too."""
    word = word.lower()
    found = _TABLE.get(word)
    prefix = ""
    if found is None:
        for candidate in _PREFIXES:
            rest = word[len(candidate) :]
            if word.startswith(candidate) and len(rest) >= 2 and rest in _TABLE:
                prefix, found = candidate, _TABLE[rest]
                break
    if found is None:
        return ()
    return tuple(
        prefix + form for form in found if prefix + form != word and len(prefix + form) >= _SHORTEST
    )
