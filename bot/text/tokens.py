"""Tokens, stems and names: the pure text work behind indexing and ranking.

Names inflect ("Haftars") and stemmers mangle them ("Haftar" -> "haft"), so the
index keeps every word in its exact lower-cased form *and* as a stem.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata

import Stemmer

__all__ = [
    "STOPWORDS",
    "one_line",
    "tokenize",
    "words",
    "question_words",
    "is_unspaced",
    "unspaced_share",
    "fold_letters",
    "is_plain",
    "plain_letters",
    "has_accents",
    "function_words",
    "english_function_words",
    "stemmer_for",
    "stem_words",
    "index_terms",
    "document_terms",
    "abbreviations",
    "is_name_token",
    "written_as_name",
]


def _combining_marks() -> str:
    """The combining marks of the Basic Multilingual Plane, as the ranges of a regex class,
    and the zero-width (non-)joiners: the vowel signs of Hindi and Bengali ("ि" in
    "हिन्दी"), Thai's vowels above and below, Arabic's short vowels, Hebrew's points,
    Persian's joiner-less compounds. `\\w` holds none of them, and a word cut at each was
    a heap of consonants ("ह", "न", "द") that every Hindi text holds."""
    ranges: list[list[int]] = []
    # The blocks that hold them (the rest of the plane holds none): a scan of the whole
    # plane cost every start 7 ms.
    blocks = [(0x300, 0x2000), (0x20D0, 0x2100), (0x2CEF, 0x2E00), (0x302A, 0x30A0)]
    blocks += [(0xA66F, 0xAC00), (0xFB1E, 0xFB1F), (0xFE00, 0xFE30)]
    for code in (code for start, end in blocks for code in range(start, end)):
        if unicodedata.category(chr(code)) in ("Mn", "Mc", "Me"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    # As the characters themselves: escapes cost the regex parser four times the time.
    spans = "".join(f"{chr(a)}-{chr(b)}" if a != b else chr(a) for a, b in ranges)
    return spans + "\u200c\u200d"


MARKS = _combining_marks()
# A run that ends in one of these is a word whose last letter carries it ("ने"), not a
# word and a stop.
_MARK_ENDS = re.compile(f"[{MARKS}]$")
# Words: letters/digits (and their marks) with inner hyphens/apostrophes/dots in numbers
# ("2.000", "al-Sarraj").
_WORD = re.compile(rf"[\w{MARKS}]+(?:[-'’.,][\w{MARKS}]+)*")
_TERM_SPLIT = re.compile(r"[-'’.,_]")
# A number with thousands separators, or a run of letters, digits and marks (no underscore).
_WORD_PART = re.compile(rf"\d{{1,3}}(?:[.,]\d{{3}})+(?![\d.,]*\d)|(?:[^\W_]|[{MARKS}])+")

_STEMMER_NAMES = {
    "no": "norwegian",
    "nb": "norwegian",
    "nn": "norwegian",
    "da": "danish",
    "sv": "swedish",
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
    "fi": "finnish",
    "ru": "russian",
}

# Function words and question words of Norwegian and English. They never make a
# question answerable on their own.
STOPWORDS = frozenset(
    """
    a an the and or but if of to in on at by for with from into about as is are was were
    be been being am do does did done have has had having it its this that these those
    there here what which who whom whose when where why how many much not no nor so than
    then too very can could will would shall should may might must i you he she we they
    me him her us them my your his our their mine yours ours theirs s t just also only
    over under after before again further once all any both each few more most other
    some such own same up down out off while during until against between through above
    below because said says say get got one two new now yes did does og i på av for med
    til som er var en et ei den det de han hun vi dere du jeg meg seg sin sitt sine hans
    hennes deres vår vårt våre min mitt mine din ditt dine at å om fra har hadde ha vil
    ville skal skulle kan kunne må måtte blir ble blitt bli være vært ikke men eller så
    da når hvor hva hvem hvilken hvilket hvilke hvorfor hvordan mange mye hvor lenge ved
    etter før under over mot inn ut opp ned også bare enn noe noen nok selv sa sier seg
    alle andre annen annet mer mest hvis dette disse der her denne nå enda allerede
    ingen kun både dem henne ham oss mitt sitt slik
    kven kva kvar kvifor korleis ikkje berre frå eg deira dykk dykkar hennar noko nokon
    nokre mykje kvarandre sjølv vart vore vere blei vorte
    """.split()
)


# Languages whose function words STOPWORDS holds, or that a Norwegian question may be taken
# for ("da", "sv"): their lists hold numbers and ordinary words ("fem", "stor") that a
# Norwegian question asks about.
_OWN_FUNCTION_WORDS = frozenset({"no", "nb", "nn", "en", "da", "sv", "und"})
# Languages whose lists hold content words as well (Korean's: "시간", time; "도로", road),
# or whose words a question reads as pairs of characters the lists do not hold.
_NO_FUNCTION_WORDS = frozenset({"zh", "ja", "ko"})


@functools.cache
def function_words(language: str | None) -> frozenset[str]:
    """The function words of ``language`` beyond Norwegian and English ("में", "في", "el"),
    from the stop-words package's lists, read as a question's words are; empty where it
    knows none."""
    if not language or language in _OWN_FUNCTION_WORDS or language in _NO_FUNCTION_WORDS:
        return frozenset()
    from stop_words import StopWordError, get_stop_words

    try:
        listed = get_stop_words(language)
    except StopWordError:
        return frozenset()
    return frozenset(w for entry in listed for w in question_words(entry))


@functools.cache
def english_function_words() -> frozenset[str]:
    """English's function words, from the same package's list: a word of another
    language's list that English writes too ("on", "a", "die") tells no language."""
    from stop_words import get_stop_words

    return frozenset(w for entry in get_stop_words("en") for w in question_words(entry))


def one_line(text: str) -> str:
    """``text`` as one line of typed input: what is not printable (a NUL, a control
    character, a line break) is a space, and runs of spaces are one. Composed as ingest
    composes articles (NFC): "å" typed as "a" and a ring is the "å" of the articles. The
    zero-width joiners stay: they are part of a Persian word or an emoji."""
    text = unicodedata.normalize("NFC", text)
    kept = "".join(ch if ch.isprintable() or ch in _JOINERS else " " for ch in text)
    return " ".join(kept.split())


_JOINERS = frozenset("\u200c\u200d")


def tokenize(text: str) -> list[str]:
    """Word tokens in their original case ("Haftars", "2.000", "al-Sarraj")."""
    return _WORD.findall(text)


# Scripts written without spaces between words: Chinese (and the Han characters of
# Japanese), Japanese kana, and Korean, whose particles join the word before them
# ("서울에서", in Seoul). A run of them is no word but a clause: it is read as its
# characters and each pair of neighbours (the bigrams search engines index for these
# scripts), so "哈夫塔尔" is found in "俄罗斯支持利比亚的哈夫塔尔将军".
_HAN = "\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HIRAGANA = "\u3040-\u309f"
_KATAKANA = "\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HANGUL = "\uac00-\ud7af"
_UNSPACED = re.compile(f"[{_HAN}{_HIRAGANA}{_KATAKANA}{_HANGUL}]")

# One script's run, or what lies between them ("iphone" in "iphone手机"). A run changes
# script where Japanese changes from a Han word to the kana of its ending or particle.
_SCRIPT_RUNS = re.compile(
    f"([{_HAN}]+|[{_HIRAGANA}]+|[{_KATAKANA}]+|[{_HANGUL}]+)"
    f"|[^{_HAN}{_HIRAGANA}{_KATAKANA}{_HANGUL}]+"
)


def unspaced_share(text: str) -> float:
    """The share of ``text``'s characters that are of a script written without spaces."""
    if not text or text.isascii():
        return 0.0
    return len(_UNSPACED.findall(text)) / len(text)


def is_unspaced(word: str) -> bool:
    """Whether ``word`` holds a character of a script written without spaces."""
    return not word.isascii() and _UNSPACED.search(word) is not None


def _unspaced_parts(word: str, asked: bool) -> list[str]:
    """A word part holding unspaced script, as what is indexed (each character and each
    pair of neighbours) or, when ``asked``, as what a question looks for: the pairs, or
    the character of a run of one ("雪", snow, in "東京の雪"). A pair across two words
    ("谁支", of "谁支持") is found nowhere and counts against nothing but coverage."""
    found: list[str] = []
    for match in _SCRIPT_RUNS.finditer(word):
        run = match.group()
        if match.group(1) is None or len(run) == 1:
            found.append(run)
        else:
            pairs = [run[i : i + 2] for i in range(len(run) - 1)]
            found += pairs if asked else [*run, *pairs]
    return found


def _split_unspaced(found: list[str], asked: bool) -> list[str]:
    return [part for w in found for part in (_unspaced_parts(w, asked) if is_unspaced(w) else [w])]


def question_words(text: str) -> list[str]:
    """`words` as a question looks for them: a run of unspaced script gives the pairs of
    its characters, not each character too (see `_unspaced_parts`)."""
    return _read_words(text, asked=True)


def words(text: str) -> list[str]:
    """Lower-cased word parts: "al-Sarraj" gives "al" and "sarraj"; "2.000" gives "2000";
    a run of unspaced script its characters and their pairs (see `_unspaced_parts`)."""
    return _read_words(text, asked=False)


def _read_words(text: str, asked: bool) -> list[str]:
    if is_plain(text):
        return _word_parts(text)
    found = _plain_words(text)
    if _UNSPACED.search(text) is None:
        return found
    return _split_unspaced(found, asked)


# Letters search reads as others, as search engines for these languages do: Turkish "İ"
# and "ı" are "i" ("İstanbul" lower-cases to an "i" and a combining dot; "IŞIL" is
# "Işıl"). Arabic's short vowels, doubling mark (shadda) and stretching (tatweel) are no
# part of the word ("عمّان" is "عمان", "وزيــر" "وزير"), nor is a hamza on an alef
# another letter ("إربد" ~ "اربد"). Hebrew's vowel points go as Arabic's vowels do.
_FOLDEDMARKS = [
    *range(0x0610, 0x061B),
    *range(0x064B, 0x0660),
    0x0670,
    0x0640,
    *range(0x0591, 0x05BE),
    0x05BF,
    0x05C1,
    0x05C2,
    0x05C4,
    0x05C5,
    0x05C7,
]
_FOLD = str.maketrans(
    {"İ": "I", "ı": "i", "أ": "ا", "إ": "ا", "آ": "ا", **dict.fromkeys(map(chr, _FOLDEDMARKS))}
)
_TO_FOLD = re.compile("[İıأإآ" + "".join(map(chr, _FOLDEDMARKS)) + "]")


def _accent_table() -> dict[int, str]:
    """Latin letters with accents as their plain letters: "é" is "e", "ñ" "n", "ü" "u",
    Vietnamese "ẵ" "a" and "đ" "d". Norwegian's own letters (æ, ø, å) are letters of their
    own, and stay: "før" is not "for"."""
    table: dict[int, str] = {}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        letter = chr(code)
        if letter in "åæøÅÆØ":
            continue
        base = unicodedata.normalize("NFD", letter)[0]
        if base != letter and base.isascii() and base.isalpha():
            table[code] = base
    table.update({ord("đ"): "d", ord("Đ"): "D", ord("ß"): "ss"})
    return table


_ACCENTS = _accent_table()


_ACCENTED = re.compile("[" + "".join(map(chr, _ACCENTS)) + "]")


_SPECIAL = re.compile(
    "["
    + _TO_FOLD.pattern[1:-1]
    + _ACCENTED.pattern[1:-1]
    + f"{_HAN}{_HIRAGANA}{_KATAKANA}{_HANGUL}]"
)


def has_accents(text: str) -> bool:
    """Whether ``text`` holds a letter with an accent that `plain_letters` takes off."""
    return not text.isascii() and _ACCENTED.search(text) is not None


def plain_letters(word: str) -> str:
    """``word`` with its accents gone (see `_accent_table`): "Nicolás" is also found as
    "Nicolas", and "Kévin" as "Kevin", the way people type them."""
    return word if word.isascii() else word.translate(_ACCENTS)


def fold_letters(text: str) -> str:
    """``text`` with the letters search reads as others folded (see `_FOLD`): what is
    indexed, asked and matched all reads so."""
    if text.isascii() or _TO_FOLD.search(text) is None:
        return text
    return text.translate(_FOLD)


def is_plain(text: str) -> bool:
    """Whether ``text`` holds nothing that words are read otherwise for: no letter to fold
    (`fold_letters`), no accent (`plain_letters`), no unspaced script. Most Norwegian and
    English text: one scan, where each reading would scan it again, sentence after sentence
    of every article ranked."""
    return text.isascii() or _SPECIAL.search(text) is None


def _plain_words(text: str) -> list[str]:
    """`words` without the reading of unspaced script."""
    return _word_parts(fold_letters(text))


def _word_parts(text: str) -> list[str]:
    """The word parts of ``text`` as written, lower-cased (see `words`)."""
    # Every word part lies within one run of non-space characters, and most runs are one
    # whole word, or one and a stop or comma (str.isalnum is the regex's [^\W_] for every
    # character): only the other runs go through the regex, which over a whole article
    # costs twice this.
    found: list[str] = []
    add = found.append
    for run in text.lower().split():
        if run.isalnum():
            add(run)
        elif run[:-1].isalnum() and (run[-1].isascii() or not _MARK_ENDS.search(run)):
            add(run[:-1])
        else:
            found += _parts(run)
    return found


def _parts(run: str) -> list[str]:
    """The word parts of one lower-cased run of non-space characters, through the regex."""
    # Only a number's parts hold dots or commas ("2.000"). A part of marks alone (the
    # joiner and variation selector of an emoji, "🏳️‍🌈") is no word.
    return [
        part.replace(".", "").replace(",", "") if part[0].isdecimal() else part
        for part in _WORD_PART.findall(run)
        if part.isascii() or any(ch.isalnum() for ch in part)
    ]


_THREAD = threading.local()


def stemmer_for(language: str | None) -> Stemmer.Stemmer | None:
    """The Snowball stemmer for ``language``, one per thread (they are not thread-safe)."""
    name = _STEMMER_NAMES.get((language or "").lower())
    if name is None:
        return None
    stemmers: dict[str, Stemmer.Stemmer] = _THREAD.__dict__.setdefault("stemmers", {})
    stemmer = stemmers.get(name)
    if stemmer is None:
        stemmer = stemmers[name] = Stemmer.Stemmer(name)
    return stemmer


# Stems by language, then word. News repeats its words: a lookup beats stemming each
# occurrence again. A full cache is replaced, never emptied in place, so a caller (another
# thread, say) that holds it keeps every stem it put there.
_STEM_CACHE: dict[str | None, dict[str, str]] = {}
_STEM_CACHE_MAX = 200_000


def _stems(terms: list[str], language: str | None) -> dict[str, str] | None:
    """A dict holding the stem of every one of ``terms``; None for unknown languages."""
    stemmer = stemmer_for(language)
    if stemmer is None:
        return None
    cache = _STEM_CACHE.get(language)
    if cache is None or len(cache) > _STEM_CACHE_MAX:
        cache = _STEM_CACHE[language] = {}
    missing = list(set(terms).difference(cache))
    if missing:
        cache.update(zip(missing, stemmer.stemWords(missing), strict=True))
    return cache


def stem_words(terms: list[str], language: str | None) -> list[str]:
    """Snowball stems in ``language``; unknown languages keep the words as they are."""
    stems = _stems(terms, language)
    if stems is None:
        return list(terms)
    return [stems[t] for t in terms]


# What the index holds for one run of non-space characters, by language: its words, and its
# stems that differ from their words, each followed by a space ("" for none). An article's
# terms are then these looked up run by run and joined, with no Python loop over its words:
# two thirds of the time indexing took. (About 250 bytes a run; replaced, never emptied in
# place, when full, as the stems are.) Runs are kept as written, not lower-cased: `words`
# lower-cases each one it splits, and lower-casing a whole text that holds a character past
# U+00FF (a dash "–") maps every character on its own, ~15 us an article.
_RUN_TERMS: dict[str | None, _RunTerms] = {}
_RUN_TERMS_MAX = 100_000


class _RunTerms(dict[str, str]):
    """One language's runs and their words (see `_RUN_TERMS`), and in `stems` their stems.
    A run not met before is split and stemmed as it is looked up: most runs of an article
    are remembered, and finding the few that are not beforehand (a set of all the runs, less
    those remembered) cost a sixth of an article's indexing."""

    def __init__(self, language: str | None) -> None:
        super().__init__()
        self.language = language
        self.stems: dict[str, str] = {}

    def __missing__(self, run: str) -> str:
        found = words(run)
        stemmer = stemmer_for(self.language)
        stems = stemmer.stemWords(found) if stemmer else found
        # A stem that is its word adds nothing (and Snowball stems no word to nothing). A
        # word with accents is also held without them.
        self.stems[run] = "".join(
            [stem + " " for word, stem in zip(found, stems, strict=True) if stem != word]
            + [plain + " " for word in found if (plain := plain_letters(word)) != word]
        )
        # Set last: a run remembered here has its stems too, for a thread reading meanwhile.
        terms = self[run] = "".join([word + " " for word in found])
        return terms


def _terms(text: str, language: str | None) -> str:
    """`index_terms` joined by spaces."""
    # The same runs as the lower-cased text's: no character lower-cases to a space or from
    # one, and a final sigma is told by its own run (a space ends the context it looks at).
    runs = text.split()
    if not runs:
        return ""
    remembered = _RUN_TERMS.get(language)
    if remembered is None or len(remembered) > _RUN_TERMS_MAX:
        remembered = _RUN_TERMS[language] = _RunTerms(language)
    # The words first: looking them up fills in the stems of the runs not met before.
    found = "".join(map(remembered.__getitem__, runs))
    # Every term is followed by a space: joined as they are, less the last space, they are
    # the terms joined by spaces, and no pass drops the runs without any ("–", "...").
    return (found + "".join(map(remembered.stems.__getitem__, runs)))[:-1]


def index_terms(text: str, language: str | None) -> list[str]:
    """Everything the search index holds for ``text``: its words (`words`), then the stem of
    each word whose stem differs from it, in the words' order."""
    return _terms(text, language).split()


def document_terms(title: str, body: str, language: str | None) -> str:
    """What the search index stores for one article. The title counts twice: it names the story."""
    title_terms = _terms(title, language)
    return " ".join(filter(None, (title_terms, title_terms, _terms(body, language))))


# A product's name with a capital after its first letter or two ("iPhone", "eBay", "iPad");
# a unit written so ("kWh", "mAh", "pH") has no word after its capital.
_CAPITAL_INSIDE = re.compile(r"[a-z]{1,2}[A-Z][a-z]{2,}")


def is_name_token(token: str) -> bool:
    """A capitalised word that is not a function word ("Haftar"), an acronym ("FN",
    "VAR"), or a product's name written with a capital inside ("iPhone")."""
    if token[:1].islower():  # most words: then neither capitalised nor all capitals
        return bool(_CAPITAL_INSIDE.fullmatch(token))
    if len(token) >= 2 and token.isupper() and token.isalpha():
        return True
    return token[:1].isupper() and token.lower() not in STOPWORDS and not token.isdigit()


def abbreviations(parts: list[str]) -> set[str]:
    """The words or word parts written in capitals, lower-cased, a genitive "s" dropped:
    "NRKs" -> "nrk", "VAR" -> "var"; "Var" and "Ny" are none."""
    found = set()
    for part in parts:
        bare = part[:-1] if part.endswith("s") and len(part) > 2 else part
        if len(bare) > 1 and bare.isupper():
            found.add(bare.lower())
    return found


def name_words(token: str) -> list[str]:
    """The parts of a name token that are names: "VM-gull" gives "vm", not "gull"."""
    parts = [p for p in _TERM_SPLIT.split(token) if p]
    return [p.lower() for p in parts if written_as_name(p)]


def written_as_name(part: str) -> bool:
    """Whether a word part is written as a name is: capitalised ("Haftar"), or with a
    capital inside ("iPhone")."""
    return part[:1].isupper() or bool(_CAPITAL_INSIDE.fullmatch(part))
