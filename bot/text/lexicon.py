"""An offline English–Norwegian lexicon, read from dictd files (FreeDict eng-nor).

An English question about a Norwegian article shares its names with the article but
not its words: "hospital" is "sykehus", "Moscow" is "Moskva". The lexicon gives each
word its forms in the other language, both ways. Its data is never copied into the
repository: it is read where the system installed it (Debian's `dict-freedict-eng-nor`)
or from the files `LEXICON_PATHS` names, once, on first use.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import marshal
import os
import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.text.tokens import STOPWORDS, stem_words, stemmer_for
from bot.text.wordnet import DEFAULT_WORDNET_PATH, WordNet, wordnet_at

__all__ = [
    "DEFAULT_LEXICON_PATHS",
    "Lexicon",
    "b64_number",
    "parse_dictd",
    "parse_dictd_by_part",
    "read_lexicon",
    "read_lexicon_cached",
    "read_glossary",
    "cache_folder",
    "lexicon_at",
    "resolve_paths",
]

log = logging.getLogger(__name__)

# Where Debian and Ubuntu install FreeDict's English–Norwegian dictionary and WordNet
# (the base forms of irregular English words, which reach more of FreeDict's headwords).
DEFAULT_LEXICON_PATHS = f"/usr/share/dictd/freedict-eng-nor.index,{DEFAULT_WORDNET_PATH}"

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_VALUE = {ch: i for i, ch in enumerate(_B64)}
# "1. hull, hol" opens a numbered sense; " 3." alone numbers a gloss; "hull 2." ends a line.
_SENSE = re.compile(r"^(\d+)\.\s+(\S.*)$")
_TRAILING_NUMBER = re.compile(r"\s+\d+\.$")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^]]*\]")
# The part of speech on an entry's headword line: "bear /bɛə/ <n>".
_PART = re.compile(r"<(\w+)>")
# Function words translate into function words: no evidence either way. "alt" is
# "already" as well as "everything".
_FUNCTION_WORDS = STOPWORDS | frozenset({"alt", "the", "to"})
# Abbreviations that news in the two languages writes differently, missing from FreeDict.
_ABBREVIATIONS = {
    "us": ["usa"],
    "uk": ["storbritannia"],
    "un": ["fn"],
    "eea": ["eøs"],
    "nato": ["nato"],
    "eu": ["eu"],
}
# The project's own English–Norwegian list of everyday news words FreeDict lacks or
# knows only in another sense ("leader", "race", "summit"; "capital" as a city): written
# for newsbot, English headword, a tab, Norwegian translations commonest first.
GLOSSARY = Path(__file__).with_name("news_glossary.tsv")
# Translations this long are explanations, not words an article would use.
MAX_TRANSLATION_WORDS = 3


def b64_number(value: str) -> int:
    """A dictd index's offset or length (base 64, most significant digit first)."""
    number = 0
    for ch in value:
        number = number * 64 + _B64_VALUE[ch]
    return number


def _translations(body: str) -> list[str]:
    """The translations in one dictd entry, in order, without glosses.

    FreeDict lays an entry out as a headword line, then for each sense a line of
    comma-separated translations (numbered "1. ..." when there are several senses)
    followed by its gloss lines. The first line after the headword is always
    translations; later ones only when they open a numbered sense.
    """
    lines = body.split("\n")
    picked = [lines[1]] if len(lines) > 1 else []
    # Only a line starting with a digit can open a sense: test that before the regex.
    picked += [m.group(2) for line in lines[2:] if line[:1].isdigit() and (m := _SENSE.match(line))]
    if picked and (first := _SENSE.match(picked[0])):
        picked[0] = first.group(2)
    out: list[str] = []
    for line in picked:
        if "(" in line or "[" in line:
            line = _BRACKETS.sub(" ", line)
        line = _TRAILING_NUMBER.sub("", line.strip())
        for part in line.lower().split(","):
            word = part.strip()
            if word and word.count(" ") < MAX_TRANSLATION_WORDS:
                out.append(" ".join(word.split()) if "  " in word else word)
    return out


def parse_dictd_by_part(index: str, data: bytes) -> dict[str, dict[str, list[str]]]:
    """Headword (lower-cased) -> part of speech ("n", "v", "adj", ... as FreeDict tags
    its entries; "" untagged) -> translations, from a dictd index and its data."""
    entries: dict[str, dict[str, list[str]]] = {}
    for line in index.splitlines():
        fields = line.split("\t")
        if len(fields) != 3 or fields[0].startswith("00database"):
            continue
        headword, offset, length = fields
        start = b64_number(offset)
        body = data[start : start + b64_number(length)].decode("utf-8", "replace")
        tag = _PART.search(body.partition("\n")[0])
        parts = entries.setdefault(headword.lower(), {})
        found = parts.setdefault(tag.group(1) if tag else "", [])
        found.extend(t for t in _translations(body) if t not in found)
    return entries


def parse_dictd(index: str, data: bytes) -> dict[str, list[str]]:
    """Headword (lower-cased) -> its translations, from a dictd index and its data."""
    entries: dict[str, list[str]] = {}
    for headword, parts in parse_dictd_by_part(index, data).items():
        found = entries.setdefault(headword, [])
        for translations in parts.values():
            found.extend(t for t in translations if t not in found)
    return entries


def _one_part(
    parts: Mapping[str, list[str]], known: Iterable[str]
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """A headword's translations that only its noun entry gives and those that only its
    verb entry gives ("bear": bjørn; bære, føre, tåle), leaving out ``known`` ones (the
    glossary's, which hold in any use); None unless it has both entries."""
    nouns, verbs = parts.get("n"), parts.get("v")
    if not nouns or not verbs:
        return None
    held = set(known)
    return (
        tuple(t for t in nouns if t not in verbs and t not in held),
        tuple(t for t in verbs if t not in nouns and t not in held),
    )


# The endings of a Norwegian noun's definite and plural forms, longest first.
_DEFINITE_ENDINGS = ("ene", "en", "et", "er", "a", "e")


@dataclass(frozen=True)
class Lexicon:
    """Both directions of an English–Norwegian word list, with stems for lookup."""

    english: Mapping[str, tuple[str, ...]]  # English headword -> Norwegian translations
    norwegian: Mapping[str, tuple[str, ...]]  # Norwegian word -> English headwords
    _english_stems: Mapping[str, tuple[str, ...]]
    _norwegian_stems: Mapping[str, tuple[str, ...]]
    longest: int  # words in the longest English headword
    # English base forms and synonyms, for words FreeDict lacks ("won", "race").
    wordnet: WordNet | None = None
    # English headword -> (Norwegian only as a noun, only as a verb), where it is both.
    one_part: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        entries: Mapping[str, Iterable[str]],
        wordnet: WordNet | None = None,
        one_part: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] | None = None,
    ) -> Lexicon:
        english: dict[str, tuple[str, ...]] = {}
        norwegian: dict[str, list[str]] = {}
        entries = {**entries, **_ABBREVIATIONS}
        for headword, translations in entries.items():
            useful = tuple(t for t in dict.fromkeys(translations) if t not in _FUNCTION_WORDS)
            if not useful or (headword in _FUNCTION_WORDS and headword not in _ABBREVIATIONS):
                continue
            english[headword] = useful
            for translation in useful:
                norwegian.setdefault(translation, []).append(headword)
        return cls(
            english=english,
            norwegian={word: tuple(heads) for word, heads in norwegian.items()},
            _english_stems=_by_stem(english, "en"),
            _norwegian_stems=_by_stem(norwegian, "no"),
            longest=max((len(h.split()) for h in english), default=1),
            wordnet=wordnet,
            one_part=dict(one_part or {}),
        )

    def to_norwegian(self, phrase: str, part: str | None = None) -> tuple[str, ...]:
        """Norwegian for an English word or phrase ("hospitals" finds "hospital").

        ``part`` ("n" or "v"), where the question's grammar tells it, leaves out the
        other part's senses: "the bears" are "bjørner", not "bærer" or "tåler"; "who
        backs" "støtter", not "rygg". When it would leave nothing, all stay.
        """
        found = self._to_norwegian(phrase)
        if part not in ("n", "v") or not found or not self.one_part:
            return found
        word = phrase.lower()
        heads = [word, *self._english_stems.get(stem_words([word], "en")[0], ())]
        if self.wordnet is not None:
            heads += self.wordnet.base_forms(word)
        other = 1 if part == "n" else 0
        unwanted = {
            t for head in heads if head in self.one_part for t in self.one_part[head][other]
        }
        kept = tuple(t for t in found if t not in unwanted)
        return kept or found

    def _to_norwegian(self, phrase: str) -> tuple[str, ...]:
        """Norwegian for an English word or phrase, every sense.

        With WordNet, a word FreeDict lacks is looked up by its base forms: "won" ->
        "win" -> "vinne", "women" -> "woman" -> "kvinne"; a phrase by its first and last words'.
        (WordNet's synonyms were tried too and cost more than they gave: "labour" ->
        "drudge" -> "slit".)
        """
        found = self._lookup(phrase, self.english, self._english_stems, "en")
        if found or self.wordnet is None:
            return found
        if " " in phrase.strip():
            # A phrase is looked up by its first and last words' base forms too:
            # "electric vehicles" is the headword "electric vehicle", "taking part" is
            # "take part".
            first, *middle, last = phrase.split()
            for head in (first, *self.wordnet.base_forms(first)):
                for tail in (last, *self.wordnet.base_forms(last)):
                    found = self._lookup(" ".join([head, *middle, tail]), self.english, {}, "en")
                    if found:
                        return found
            return ()
        bases = self.wordnet.base_forms(phrase)
        out = [t for b in bases for t in self._lookup(b, self.english, self._english_stems, "en")]
        return tuple(dict.fromkeys(out))

    def to_english(self, phrase: str) -> tuple[str, ...]:
        """English for a Norwegian word or phrase ("sykehuset" finds "sykehus"; so does
        "valutaen" find "valuta", though the stemmer cuts the two apart)."""
        found = self._lookup(phrase, self.norwegian, self._norwegian_stems, "no")
        if found or " " in phrase:
            return found
        word = phrase.lower()
        for ending in _DEFINITE_ENDINGS:
            bare = word.removesuffix(ending)
            if bare != word and len(bare) >= 3 and bare in self.norwegian:
                return self.norwegian[bare]
        return ()

    @staticmethod
    def _lookup(
        phrase: str,
        exact: Mapping[str, tuple[str, ...]],
        stems: Mapping[str, tuple[str, ...]],
        language: str,
    ) -> tuple[str, ...]:
        phrase = phrase.lower()
        found = exact.get(phrase)
        if found is not None:
            return found
        if " " in phrase:
            return ()
        heads = stems.get(stem_words([phrase], language)[0], ())
        return tuple(dict.fromkeys(t for head in heads for t in exact[head]))

    def __len__(self) -> int:
        return len(self.english)


def _by_stem(table: Mapping[str, object], language: str) -> dict[str, tuple[str, ...]]:
    """Single words of ``table`` grouped by their stem, so inflected forms find them."""
    single = [word for word in table if " " not in word]
    stemmer = stemmer_for(language)
    # Straight to the stemmer: the shared stem cache costs more than it saves on one pass.
    stems = stemmer.stemWords(single) if stemmer else single
    grouped: dict[str, list[str]] = {}
    for word, stem in zip(single, stems, strict=True):
        grouped.setdefault(stem, []).append(word)
    return {stem: tuple(words) for stem, words in grouped.items()}


def _entries(setting: str) -> list[Path]:
    return [Path(raw.strip()).expanduser() for raw in setting.split(",") if raw.strip()]


def wordnet_folder(setting: str) -> Path | None:
    """The first WordNet database folder ``LEXICON_PATHS`` names, if any."""
    return next((path for path in _entries(setting) if (path / "index.noun").is_file()), None)


def resolve_paths(setting: str) -> list[Path]:
    """The dictd index files named by ``LEXICON_PATHS`` (comma-separated) that exist."""
    out: list[Path] = []
    for path in _entries(setting):
        if path.is_dir():
            continue
        if path.suffix != ".index":
            path = path.with_name(path.name + ".index")
        if path.is_file() and _data_file(path) is not None:
            out.append(path)
    return out


def _data_file(index: Path) -> Path | None:
    stem = index.with_suffix("")
    for candidate in (stem.with_name(stem.name + ".dict.dz"), stem.with_name(stem.name + ".dict")):
        if candidate.is_file():
            return candidate
    return None


def read_glossary(path: Path = GLOSSARY) -> dict[str, list[str]]:
    """The news glossary: English headword -> Norwegian translations, commonest first."""
    entries: dict[str, list[str]] = {}
    for line in path.read_text("utf-8").splitlines():
        headword, _, translations = line.partition("\t")
        found = [t.strip() for t in translations.split(",") if t.strip()]
        if headword.strip() and found:
            entries[headword.strip().lower()] = found
    return entries


def read_lexicon(paths: Iterable[Path], wordnet: WordNet | None = None) -> Lexicon:
    """Read and merge the dictd dictionaries at ``paths`` (their index files), after the
    news glossary, whose news senses come first."""
    glossary = read_glossary()
    entries: dict[str, list[str]] = {w: list(t) for w, t in glossary.items()}
    one_part: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for index in paths:
        data_path = _data_file(index)
        if data_path is None:
            continue
        raw = data_path.read_bytes()
        # dictzip is gzip with a random-access table; reading it whole is simplest.
        data = gzip.decompress(raw) if data_path.suffix == ".dz" else raw
        for headword, parts in parse_dictd_by_part(index.read_text("utf-8"), data).items():
            found = entries.setdefault(headword, [])
            for translations in parts.values():
                found.extend(t for t in translations if t not in found)
            split = _one_part(parts, glossary.get(headword, ()))
            if split is not None:
                one_part[headword] = split
    return Lexicon.build(entries, wordnet, one_part)


# Parsing FreeDict and stemming every headword takes a few hundred milliseconds; the
# built tables are kept in the user's cache folder (marshal: plain strings and tuples,
# no code) and used while the files they came from are unchanged.
_CACHE_FORMAT = 2


def cache_folder() -> Path:
    """Where built lexicons are kept: ``$XDG_CACHE_HOME/newsbot`` (~/.cache/newsbot)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsbot"


def _cache_file(paths: tuple[Path, ...]) -> Path:
    digest = hashlib.sha256(str(_CACHE_FORMAT).encode())
    for path in (*paths, *map(_data_file, paths), GLOSSARY):
        if path is not None:
            stat = path.stat()
            digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return cache_folder() / f"lexicon-{digest.hexdigest()[:20]}.marshal"


def read_lexicon_cached(paths: tuple[Path, ...], wordnet: WordNet | None) -> Lexicon:
    """`read_lexicon`, from the cache folder when an earlier run left the same tables."""
    try:
        cache = _cache_file(paths)
        english, norwegian, english_stems, norwegian_stems, longest, one_part = marshal.loads(
            cache.read_bytes()
        )
        return Lexicon(
            english, norwegian, english_stems, norwegian_stems, longest, wordnet, one_part
        )
    except (OSError, ValueError, EOFError, TypeError):
        pass  # no cache yet, or one this version cannot read: build it
    lexicon = read_lexicon(paths, wordnet)
    tables = (
        dict(lexicon.english),
        dict(lexicon.norwegian),
        dict(lexicon._english_stems),
        dict(lexicon._norwegian_stems),
        lexicon.longest,
        dict(lexicon.one_part),
    )
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps(tables))
        partial.replace(cache)
    except OSError as exc:  # a read-only home: build it each time, and say so once
        log.info("lexicon: not cached (%s)", exc)
    return lexicon


_CACHE: dict[tuple[Path, ...], Lexicon] = {}
_LOCK = threading.Lock()


def lexicon_at(setting: str) -> Lexicon | None:
    """The lexicon that ``LEXICON_PATHS`` names, read once per process; None when no
    file is there (cross-language lookup is then off and everything else works)."""
    paths = tuple(resolve_paths(setting))
    if not paths:
        return None
    folder = wordnet_folder(setting)
    key = (*paths, folder) if folder else paths
    with _LOCK:
        lexicon = _CACHE.get(key)
        if lexicon is None:
            started = time.perf_counter()
            wordnet = wordnet_at(str(folder)) if folder else None
            lexicon = _CACHE[key] = read_lexicon_cached(paths, wordnet)
            log.info(
                "lexicon: %d English headwords from %s in %.0f ms",
                len(lexicon),
                ", ".join(map(str, key)),
                (time.perf_counter() - started) * 1000,
            )
    return lexicon
