"""Understanding a question: language, what it asks for, names, terms, time words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.text import (
    STOPWORDS,
    detect_language,
    fold_letters,
    plain_letters,
    question_words,
    stem_words,
    tokenize,
    words,
)
from bot.text.cognates import norwegian_name_spellings, norwegian_spellings
from bot.text.lexicon import Lexicon
from bot.text.nynorsk import NYNORSK_FILLER, NYNORSK_WORDS, Nynorsk
from bot.text.synonyms import name_forms, synonym_forms
from bot.text.tokens import (
    abbreviations,
    english_function_words,
    function_words,
    is_name_token,
    is_unspaced,
    name_words,
)
from bot.text.verbs import verb_forms

__all__ = ["Question", "analyse", "QUESTION_KINDS"]

QUESTION_KINDS = ("who", "what", "when", "where", "how_many", "why", "how", "which")

# Longest phrases first: "hvor mange" before "hvor".
_KIND_PHRASES: list[tuple[str, str, str]] = [
    ("hvor mange", "how_many", "no"),
    ("hvor mye", "how_many", "no"),
    ("hvor lenge", "how_many", "no"),
    ("hvor gammel", "how_many", "no"),
    ("hvor stor", "how_many", "no"),
    ("hvor høy", "how_many", "no"),
    # A measure asked ("how long a sentence", "how far"): a number answers, not a place.
    ("hvor lang", "how_many", "no"),
    ("hvor langt", "how_many", "no"),
    ("hvor store", "how_many", "no"),
    ("hvor gamle", "how_many", "no"),
    ("hvor høye", "how_many", "no"),
    ("hvor ofte", "how_many", "no"),
    ("hvor fort", "how_many", "no"),
    ("hvor raskt", "how_many", "no"),
    ("hvor dyr", "how_many", "no"),
    ("hvor dyrt", "how_many", "no"),
    ("hvor tung", "how_many", "no"),
    ("hvor tungt", "how_many", "no"),
    # Nynorsk asks so too: "kor mange", "kor gammal".
    *(
        (f"kor {measure}", "how_many", "no")
        for measure in (
            "mange mykje lenge gammal gamle stor store høg høge lang langt ofte fort raskt "
            "dyr dyrt tung tungt"
        ).split()
    ),
    ("how many", "how_many", "en"),
    ("how much", "how_many", "en"),
    ("how long", "how_many", "en"),
    ("how old", "how_many", "en"),
    ("how far", "how_many", "en"),
    ("how big", "how_many", "en"),
    ("how large", "how_many", "en"),
    ("how high", "how_many", "en"),
    ("how tall", "how_many", "en"),
    ("how often", "how_many", "en"),
    ("how fast", "how_many", "en"),
    ("how heavy", "how_many", "en"),
    ("i hvilket år", "when", "no"),
    ("hvilket år", "when", "no"),
    ("what year", "when", "en"),
    ("i kva år", "when", "no"),
    ("kva år", "when", "no"),
    ("hva heter", "who", "no"),
    ("kva heiter", "who", "no"),
    ("kven", "who", "no"),
    ("hvem", "who", "no"),
    ("who", "who", "en"),
    ("whom", "who", "en"),
    ("når", "when", "no"),
    ("when", "when", "en"),
    ("hvor", "where", "no"),
    ("where", "where", "en"),
    ("kvar", "where", "no"),
    ("kor", "where", "no"),
    ("hvorfor", "why", "no"),
    ("kvifor", "why", "no"),
    ("why", "why", "en"),
    ("hvordan", "how", "no"),
    ("korleis", "how", "no"),
    ("how", "how", "en"),
    ("hvilken", "which", "no"),
    ("hvilket", "which", "no"),
    ("hvilke", "which", "no"),
    ("which", "which", "en"),
    ("kva for", "which", "no"),
    ("hva", "what", "no"),
    ("kva", "what", "no"),
    ("what", "what", "en"),
]

# Question words and filler that carry no subject of their own.
_QUESTION_FILLER = frozenset(
    """
    hvem hva når hvor hvorfor hvordan hvilken hvilket hvilke mange mye lenge gammel
    heter who whom what when where why how which many much long old tell me please about
    news latest anything something know does did fortell meg om nytt nyheter siste noe
    vet gjør gjorde gjøre gjort
    kven kva kvar kvifor korleis mykje gammal heiter fortel veit gjer gjere
    """.split()
)

# Words of a Norwegian question that carry no content, but are content words in English:
# "bør"/"burde" (should), "hatt" (had).
_NORWEGIAN_FILLER = frozenset("bør burde hatt".split())
# Norwegian set phrases whose nouns mean nothing of their own: "i løpet av" is "during",
# not a race, "på grunn av" is "because of".
_SET_PHRASES = re.compile(
    r"\b(?:i løpet av|på grunn av|i forhold til|ved hjelp av|i stedet for|etter hvert"
    r"|i tillegg|blant annet|for eksempel|i det hele tatt|når det gjelder|i hvert fall"
    r"|i alle fall|på forhånd|hele tiden|om gangen)\b",
    re.IGNORECASE,
)

_TIME_WORDS: list[tuple[re.Pattern[str], timedelta]] = [
    (re.compile(r"\b(i dag|today)\b"), timedelta(days=1)),
    (re.compile(r"\b(i går|yesterday)\b"), timedelta(days=2)),
    (re.compile(r"\b(denne uken|denne uka|this week|past week|siste uke)\b"), timedelta(days=7)),
    (re.compile(r"\b(denne måneden|this month|past month|siste måned)\b"), timedelta(days=31)),
]
_TIME_FILLER = frozenset(
    """
    i dag går today yesterday denne uken uka this week past month måneden siste
    """.split()
)
# Written in capitals these are search syntax elsewhere; here they are ordinary words.
_SEARCH_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
_PUNCTUATION = re.compile(r"[^\w ]+")
_QUOTED = re.compile(r"[\"“”«»]([^\"“”«»]{2,100})[\"“”«»]")


@dataclass(frozen=True)
class Term:
    """A question word that must be found: its exact form and its stem."""

    exact: str
    stem: str
    is_name: bool
    # The index forms of the word in the other language (from the lexicon): "hospital"
    # is also "sykehus" and "sykehuset". They count below the word's own forms.
    translations: tuple[str, ...] = ()
    # An abbreviation in the genitive ("DDRs", "NRKs"): its bare form is the name.
    abbreviated: bool = False
    # Other forms of the same word a stemmer cannot join ("stjålet" ~ "stjele"); for a
    # name, its other names ("Senterpartiet" ~ "Sp").
    variants: tuple[str, ...] = ()
    # Those of its translations that a Norwegian word's parts or English phrase give
    # ("central", "bank" for "sentralbanken"): looked for in English articles, but not
    # counted in how rare the word is ("general", of "general practitioner" for
    # "fastleger", is a word of Norwegian articles too).
    loose: tuple[str, ...] = ()
    # A Norwegian name the lexicon lacks, read as a compound: the English forms of its
    # first part and of its last ("Berlinmurens": berlin; wall). Used only where no
    # article holds the name itself (`Retriever`): "Solberg" is no "sun mountain".
    parts: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())

    @property
    def forms(self) -> tuple[str, ...]:
        """The index forms that count as this term.

        A name matches only itself and its genitive ("Norges" ~ "Norge"; the index
        stems "Haftars" to "haftar"): stems would let "Bergen" match "Berge". Other
        words match their stems in the question's language and in Norwegian and
        English, since the article may be in either.
        """
        # Typed with accents, it is also found without them (an article stored before
        # articles were indexed without them holds only "kévin").
        plain = plain_letters(self.exact)
        if self.is_name:
            genitive = self.exact.endswith("s") and (len(self.exact) > 4 or self.abbreviated)
            bare = self.exact[:-1] if genitive else None
            return tuple(
                dict.fromkeys([self.exact, *([bare] if bare else []), plain, *self.variants])
            )
        stems = [self.stem, *stem_words([self.exact], "no"), *stem_words([self.exact], "en")]
        return tuple(dict.fromkeys([self.exact, *stems, plain, *self.variants]))

    @property
    def all_forms(self) -> tuple[str, ...]:
        """Its own forms and those of its translations: what an article may hold."""
        return tuple(dict.fromkeys([*self.forms, *self.translations]))


@dataclass(frozen=True)
class Question:
    text: str
    language: str
    kind: str | None
    terms: list[Term]
    names: list[str]
    phrases: list[str] = field(default_factory=list)
    window: timedelta | None = None
    # Names written in capitals ("NY", "VAR", "SVTs"), lower-cased: see `abbreviations`.
    abbreviations: frozenset[str] = frozenset()
    # Runs of names side by side, lower-cased: a person's full name ("eirik",
    # "kristoffersen"), or a place's ("aust", "agder").
    full_names: tuple[tuple[str, ...], ...] = ()

    @property
    def search_terms(self) -> list[str]:
        """Every form the index may hold for the question's terms, translations too."""
        return list(dict.fromkeys(form for term in self.terms for form in term.all_forms))

    def since(self, now: datetime) -> datetime | None:
        return now - self.window if self.window else None


def _kind_and_language(lowered: str) -> tuple[str | None, str | None]:
    padded = " " + _PUNCTUATION.sub(" ", lowered) + " "
    best: tuple[int, str, str] | None = None
    for phrase, kind, language in _KIND_PHRASES:
        position = padded.find(f" {phrase} ")
        if position >= 0 and (best is None or position < best[0]):
            best = (position, kind, language)
    return (best[1], best[2]) if best else (None, None)


def _translated_forms(
    translations: list[str], language: str, name: str | None, phrases: bool = True
) -> tuple[str, ...]:
    """Index forms of translations into ``language``: each content word and its stem.

    A name's translation is a name too ("Moskva"): stems would let "Bergen" match
    "Berg", so it stands as it is. A Norwegian translation of several words ("legge til
    side" for "reserve") is a phrase whose words alone mean something else ("legge",
    "side"), so it is left out; an English one of a Norwegian word ("central bank" for
    "sentralbanken") names the same thing in its words (`ENGLISH_PHRASE`).
    """
    found = [
        w
        for t in translations
        if len(words(t)) == 1 or (phrases and language == "en" and len(words(t)) <= ENGLISH_PHRASE)
        for w in words(t)
        if w not in STOPWORDS and len(w) > 1
    ]
    if name is not None:
        # Its genitive is no stem: "Sveriges landslag" is "the Swedish national team".
        genitives = [w + "s" for w in found if _takes_genitive(w, language)]
        return tuple(w for w in dict.fromkeys([*found, *genitives]) if w != name)
    # A stem can be a function word of its own ("fører" -> "før"): that form finds nothing.
    stems = [s for s in stem_words(found, language) if s not in STOPWORDS and len(s) > 1]
    # "steal" is "stjele", and the article says "stjålet".
    variants = [v for w in found for v in verb_forms(w)] if language == "no" else []
    return tuple(dict.fromkeys([*found, *stems, *variants]))


# A Norwegian word is often one English phrase: "sentralbanken" is "central bank",
# "statsminister" "prime minister". Its words, up to this many, are its English forms
# (the other way a phrase's words alone mean something else: "legge til side").
ENGLISH_PHRASE = 3
# The shortest part of a Norwegian compound looked up on its own: "batteri|fabrikken".
COMPOUND_PART = 3
_LINKING = ("s", "e")


def _compound_parts(word: str, lexicon: Lexicon) -> list[str]:
    """English for a Norwegian compound the lexicon lacks, by its two parts:
    "batterifabrikken" -> battery ... factory, "inflasjonsmålet" -> inflation ...
    target; [] when no split translates (`_compound_split`)."""
    head, tail = _compound_split(word, lexicon)
    return [*head, *tail]


def _compound_split(word: str, lexicon: Lexicon) -> tuple[list[str], list[str]]:
    """The English of a Norwegian compound's first part and of its last: the longest
    last part that both it and what comes before (its linking "s" or "e" aside)
    translate; two empty lists when no split does."""
    for cut in range(COMPOUND_PART, len(word) - COMPOUND_PART + 1):
        head, tail = word[:cut], word[cut:]
        # A linking letter belongs to the first part: "inflasjons|målet", not
        # "inflasjon|smålet".
        if tail[0] in _LINKING and len(tail) > COMPOUND_PART and lexicon.to_english(tail[1:]):
            head, tail = head + tail[0], tail[1:]
        tail_english = lexicon.to_english(tail)
        if not tail_english:
            continue
        for bare in dict.fromkeys([head, head[:-1] if head[-1] in _LINKING else head]):
            head_english = lexicon.to_english(bare) if len(bare) >= COMPOUND_PART else ()
            if head_english:
                return list(head_english[:COMPOUND_SENSES]), list(tail_english[:COMPOUND_SENSES])
    return [], []


def _name_parts(word: str, lexicon: Lexicon) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`Term.parts` for a Norwegian name the lexicon lacks: its parts' English forms."""
    head, tail = _compound_split(word, lexicon)
    if not head or not tail:
        return (), ()
    return _translated_forms(head, "en", None), _translated_forms(tail, "en", None)


def _variants(word: str) -> tuple[str, ...]:
    """Other words for Norwegian ``word``: its verb's other forms, its synonyms."""
    return tuple(dict.fromkeys([*verb_forms(word), *synonym_forms(word)]))


def _takes_genitive(word: str, language: str) -> bool:
    """Whether a Norwegian name takes a genitive "-s" ("Norges", not "Pariss")."""
    return language == "no" and not word.endswith(("s", "x", "z"))


# Norwegian writes two words as one ("World Cup" is "verdenscupen", "peace prize"
# "fredsprisen"), glued directly or with a linking "s"; the index holds the compound.
_LINKS = ("", "s")
COMPOUND_SENSES = 2


def _compounds(firsts: tuple[str, ...], seconds: tuple[str, ...]) -> list[str]:
    """The compounds two adjacent English words may make in Norwegian: each of the
    first's commonest translations glued to each of the second's."""

    def words_of(translations: tuple[str, ...]) -> list[str]:
        whole = [t for t in translations if " " not in t and not t.endswith("-")]
        return whole[:COMPOUND_SENSES]

    heads, tails = words_of(firsts), words_of(seconds)
    return [
        head + link + tail
        for head in heads
        for tail in tails
        for link in _LINKS
        if not (link and head.endswith(link))
    ]


_ENGLISH_MONTHS = (
    "january february march april may june july august september october november december"
)
_NORWEGIAN_MONTHS = (
    "januar februar mars april mai juni juli august september oktober november desember"
)
_MONTHS = dict(zip(_ENGLISH_MONTHS.split(), _NORWEGIAN_MONTHS.split(), strict=True))


# What an English word follows tells a noun ("the bears", "Solskjær's team", "two
# bears") from a verb ("to achieve", "who backs", "did they fire").
_BEFORE_NOUN = frozenset(
    "the a an his her their its our my your this these those each every another s".split()
)
_BEFORE_VERB = frozenset(
    "to will would can could should must might shall did does do not".split()
    + "he she they we i you who".split()
)


def _english_parts(sequence: list[str]) -> dict[str, str]:
    """The part of speech ("n" or "v") the word before tells for an English question's
    words, where it tells one (`Lexicon.to_norwegian`)."""
    parts: dict[str, str] = {}
    for before, word in zip(["", *sequence], sequence, strict=False):
        if before in _BEFORE_NOUN or before.isdigit():
            parts.setdefault(word, "n")
        elif before in _BEFORE_VERB:
            parts.setdefault(word, "v")
    return parts


def _translate(
    content: list[str], names: set[str], sequence: list[str], language: str, lexicon: Lexicon
) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each content word's translations into the other language, as index forms, and
    which of them are loose (`Term.loose`).

    Several words the lexicon knows as one entry ("prime minister" -> "statsminister",
    "Great Britain" -> "Storbritannia") give that translation to each of their words.
    """
    target = "en" if language == "no" else "no"
    lookup = lexicon.to_english if language == "no" else lexicon.to_norwegian
    if language == "no":
        found: dict[str, list[str]] = {w: list(lookup(w)) for w in content}
    else:
        parts = _english_parts(sequence)
        found = {w: list(lexicon.to_norwegian(w, parts.get(w))) for w in content}
    if language != "no":
        for word in content:
            found[word] += norwegian_spellings(word)
            if word in names:
                found[word] += norwegian_name_spellings(word)
    wanted = set(content)
    for size in range(min(lexicon.longest, 4), 1, -1):
        for start in range(len(sequence) - size + 1):
            chunk = sequence[start : start + size]
            if not wanted & set(chunk):
                continue
            translations = lookup(" ".join(chunk))
            for word in chunk:
                if translations and word in found:
                    found[word] = [*translations, *found[word]]
    strict = {w: list(t) for w, t in found.items()}
    if target == "en":
        for word in content:
            if not found[word] and word not in names:
                found[word] = _compound_parts(word, lexicon)
    if target == "no":
        # "March" and "May" written as names are the months, not a march or a maybe.
        for word in content:
            if word in names and word in _MONTHS:
                found[word] = [_MONTHS[word]]
        for first, second in zip(sequence, sequence[1:], strict=False):
            if first in wanted and second in wanted:
                glued = _compounds(lookup(first), lookup(second))
                found[first] = [*found[first], *glued]
                found[second] = [*found[second], *glued]
    every = {
        w: _translated_forms(t, target, w if w in names else None) for w, t in found.items() if t
    }
    if target == "no":
        return {w: (forms, ()) for w, forms in every.items()}
    out = {}
    for w, forms in every.items():
        kept = set(_translated_forms(strict.get(w, []), target, None, phrases=False))
        out[w] = (forms, tuple(f for f in forms if f not in kept))
    return out


def analyse(text: str, lexicon: Lexicon | None = None, nynorsk: Nynorsk | None = None) -> Question:
    """Everything the retriever and ranker need to know about ``text``.

    With a ``lexicon`` each term also carries its forms in the other language; with
    ``nynorsk``, a Nynorsk question's words their Bokmål forms.
    """
    text = " ".join(text.split())
    lowered = text.lower()
    # A question typed in capitals tells no names by them: it is read as if typed in lower
    # case ("WHO BACKS HAFTAR?" as "who backs haftar?"), and shown as typed.
    typed, text = text, lowered if text.isupper() else text
    kind, kind_language = _kind_and_language(lowered)
    language = kind_language or detect_language(text, default="en")
    window = next((span for pattern, span in _TIME_WORDS if pattern.search(lowered)), None)

    tokens = tokenize(fold_letters(text))
    is_name = [
        # The first word is capitalised anyway ("Langs hvilken grense ..."): no evidence.
        index > 0
        and is_name_token(token)
        and token.lower() not in _QUESTION_FILLER
        and token not in _SEARCH_OPERATORS
        for index, token in enumerate(tokens)
    ]
    names = [token for token, name in zip(tokens, is_name, strict=True) if name]
    full_names = _runs_of_names(tokens, is_name)
    name_parts = {w for name in names for w in name_words(name)}
    own = function_words(language)
    ignore = (
        STOPWORDS
        | _QUESTION_FILLER
        | (_TIME_FILLER if window else frozenset())
        | (_NORWEGIAN_FILLER if language == "no" else frozenset())
        # A question in letters of English alone that is taken for another language ("EU
        # sanctions on Iran" for French) keeps its words: the lists are for other scripts'
        # words, for those accented languages write, and for a question that holds two or
        # more of them that English does not write ("Wer erhielt den Buchpreis?": "wer",
        # "den"; not "eu" and "on").
        | (own if not text.isascii() or _written_in(own, lowered) else frozenset())
        | (NYNORSK_FILLER if NYNORSK_WORDS.intersection(words(lowered)) else frozenset())
        # "Kor mange", "Kor er": Nynorsk's "hvor", where a question starts.
        | ({"kor"} if lowered.startswith("kor ") else frozenset())
    )
    # A letter alone is no word to search for, capitalised or not: "vitamin D" is not
    # found by a ";D" in a debate page's signature, nor "George W. Bush" by every "w".
    # (One in a name stays: "O'Rourke".)
    lone = {t.lower() for t in tokens if len(t) == 1 and t.isalpha() and not is_unspaced(t)}
    content = [
        w
        for w in dict.fromkeys(question_words(_SET_PHRASES.sub(" ", text)))
        if (w not in ignore or w in name_parts) and w not in lone
    ]
    stems = stem_words(content, language)
    translated = _translate(content, name_parts, words(text), language, lexicon) if lexicon else {}
    abbreviated = frozenset(abbreviations(names))
    split = (
        {w: _name_parts(w, lexicon) for w in content if w in name_parts and w not in translated}
        if lexicon is not None and language == "no"
        else {}
    )
    terms = [
        Term(
            exact=w,
            stem=s,
            is_name=w in name_parts,
            translations=translated.get(w, ((), ()))[0],
            loose=translated.get(w, ((), ()))[1],
            abbreviated=w.endswith("s") and w[:-1] in abbreviated,
            variants=(name_forms(w) if w in name_parts else _variants(w))
            if language == "no"
            else (),
            parts=split.get(w, ((), ())),
        )
        for w, s in zip(content, stems, strict=True)
    ]
    if nynorsk is not None and language == "no" and NYNORSK_WORDS.intersection(words(lowered)):
        # Nynorsk: its words are also their Bokmål forms ("sjukehus" is "sykehus").
        terms = [
            replace(t, variants=tuple(dict.fromkeys([*t.variants, *bokmal])))
            if not t.is_name and (bokmal := nynorsk.bokmal(t.exact, t.stem))
            else t
            for t in terms
        ]
    return Question(
        text=typed,
        language=language,
        kind=kind,
        terms=terms,
        names=list(dict.fromkeys(names)),
        phrases=[p.strip() for p in _QUOTED.findall(text)],
        window=window,
        abbreviations=abbreviated,
        full_names=full_names,
    )


def _written_in(function: frozenset[str], lowered: str) -> bool:
    """Whether a question holds two or more of a language's ``function`` words that are
    none of English's."""
    held = function.intersection(words(lowered)) if function else frozenset()
    return len(held - english_function_words()) >= 2


def _runs_of_names(tokens: list[str], is_name: list[bool]) -> tuple[tuple[str, ...], ...]:
    """The question's runs of two or more names in a row, lower-cased."""
    runs: list[tuple[str, ...]] = []
    run: list[str] = []
    for token, name in [*zip(tokens, is_name, strict=True), ("", False)]:
        if name and "-" not in token:
            run.extend(name_words(token))  # "Sæverås's" -> "sæverås"
            continue
        if len(run) > 1:
            runs.append(tuple(run))
        run = []
    return tuple(runs)
