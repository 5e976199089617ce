"""Bytes to text, the way a careful browser does it, with local damage staying local.

Order: a byte-order mark; then what the document or its server declares (the HTTP
Content-Type charset, the XML declaration, `<meta charset>`); for undeclared documents
UTF-8 first. A stray byte in otherwise good text costs one character (U+FFFD), never the
whole document: detection runs only when nothing is declared and the bytes are mostly not
UTF-8, or when the declared encoding fails broadly. UTF-16 and UTF-32 are read with and
without a byte-order mark.
"""

from __future__ import annotations

import codecs
import re

from bot.errors import IngestError

__all__ = [
    "decode_document",
    "decode_told",
    "decode_line",
    "declared_charset",
    "sniff_wide",
    "utf8_feed",
]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Where a document says what it is: within its first few kilobytes.
_HEAD = 4096
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)["']""", re.I)
_XML_ENCODING = re.compile(rb"""(^\s*<\?xml[^>]*?encoding\s*=\s*["'])([\w.:-]+)(["'])""", re.I)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([\w.:-]+)""",
    re.I,
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.I)
# What browsers read for these labels (WHATWG Encoding): the Western ones are windows-1252.
_WHATWG = {"latin_1": "cp1252", "ascii": "cp1252", "iso8859_1": "cp1252"}
_WESTERN = {"cp1252", "latin_1", "iso8859_15"}
# Above this share of replaced characters a declared encoding is taken to be wrong.
_BROAD_FAILURE = 0.01


def _codec(label: str | bytes | None) -> str | None:
    """Python's name for an encoding label, or None for labels it does not know."""
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "replace")
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    name = name.replace("-", "_")
    return _WHATWG.get(name, name)


def declared_charset(content_type: str) -> str | None:
    """The charset of an HTTP Content-Type header ("text/html; charset=ISO-8859-2")."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def sniff_wide(data: bytes) -> tuple[str | None, int]:
    """A UTF-16/32 (or UTF-8) encoding told by a byte-order mark or by where the NULs fall,
    and how many bytes of mark to skip; (None, 0) for anything else."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    head = data[:_HEAD]
    if head.count(0) < len(head) // 4 or len(head) < 4:
        return None, 0
    # Text in these encodings is mostly ASCII-range characters: one non-NUL byte per unit,
    # always at the same place in the unit.
    for width, name, place in (
        (4, "utf-32-le", 0),
        (4, "utf-32-be", 3),
        (2, "utf-16-le", 0),
        (2, "utf-16-be", 1),
    ):
        units = len(head) // width
        if not units:
            continue
        ascii_like = sum(
            1
            for i in range(units)
            if all(head[i * width + j] == 0 for j in range(width) if j != place)
        )
        if ascii_like >= units * 0.6:
            return name, 0
    return None, 0


def _in_document(head: bytes) -> str | None:
    match = _XML_DECLARATION.match(head) or _META_CHARSET.search(head)
    return _codec(match.group(1)) if match else None


def _replaced(text: str, before: int) -> int:
    return text.count("\ufffd") - before


def _utf8_mostly(data: bytes) -> str | None:
    """``data`` as UTF-8 when most of its non-ASCII characters are valid UTF-8 (the rest
    each become one U+FFFD); None when the bytes are mostly something else."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    bad = _replaced(text, data.count(b"\xef\xbf\xbd"))
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    return text if good > bad else None


def _detected(data: bytes) -> str:
    return _detected_as(data)[0]


def _detected_as(data: bytes) -> tuple[str, str]:
    """``data`` decoded as the encoding detection finds likeliest, and that encoding."""
    # Imported here: only undeclared, non-UTF-8 input needs it, and every start would pay.
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise IngestError("not text in any encoding newsbot recognises")
    # Several code pages often fit equally well; news in our languages is mostly Western.
    least_chaos = min(m.chaos for m in matches)
    tied = [m for m in matches if m.chaos <= least_chaos + 0.01]
    western = [m for m in tied if _WESTERN & set(m.could_be_from_charset)]
    best = (western or tied)[0]
    return str(best), str(best.encoding)


# What Western European text holds beyond ASCII, read as windows-1252: its letters and
# its typographic punctuation.
# Not Icelandic's ð, þ and ý: windows-1254 puts Turkish ğ, ş and ı where they stand.
_WESTERN_TEXT = frozenset(
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüÿßÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜŸœŒšŠžŽ“”‘’„«»–—…°€§\xa0"
)
# Below this many non-ASCII bytes the detector has too little to go on: a line or two.
_SHORT = 40
# Western text has mostly ASCII letters: above this share of others it is another script
# ("Ìîñò îòêðûò" is Russian in windows-1251).
_WESTERN_SHARE = 0.3


def _short_western(data: bytes) -> str | None:
    """A short undeclared text as windows-1252 when it reads as Western European text
    ("Le pont à Besançon"), else None. On a line or two the detector guesses among code
    pages that fit as well (Baltic, Central European), and news in our languages is
    mostly Western."""
    foreign = sum(byte >= 0x80 for byte in data)
    if foreign >= _SHORT:
        return None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # a byte windows-1252 leaves undefined
        return None
    letters = [ch for ch in text if ch.isalpha()]
    others = [ch for ch in letters if not ch.isascii()]
    plausible = all(ch.isascii() or ch in _WESTERN_TEXT for ch in text)
    # Three accented letters in a row is another script read wrongly ("Ìîñêâà").
    plausible = plausible and not _ACCENTED_RUN.search(text)
    return text if plausible and len(others) <= _WESTERN_SHARE * len(letters) else None


_ACCENTED_RUN = re.compile(r"[^\W\d_a-zA-Z]{3}")


def _declared(data: bytes, codec: str) -> str:
    if codec == "utf_8":
        text = _utf8_mostly(data)
        return text if text is not None else _detected(data)
    if data.isascii():
        return data.decode("ascii")
    if codec in _WESTERN or codec.startswith(("cp125", "iso8859")):
        # Strictly valid UTF-8 with non-ASCII in it is no accident: the declaration is stale.
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    text = data.decode(codec, errors="replace")
    if _replaced(text, 0) > max(2, len(text) * _BROAD_FAILURE):
        return _detected(data)
    return text


def _binary(head: bytes) -> bool:
    """Whether a document's first bytes are binary: NUL bytes, more than a stray one or
    two (an image, a PDF's streams and archives hold one in a few hundred bytes)."""
    nuls = head.count(b"\x00")
    return nuls > max(2, len(head) // 1000)


def decode_document(data: bytes, declared: str | None = None) -> str:
    """Text of a file or a download; ``declared`` is the server's charset, if any.

    Binary data (NUL bytes outside UTF-16/32, more than a stray one or two) and empty
    documents raise `IngestError`.
    """
    return decode_told(data, declared)[0]


def decode_told(data: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """`decode_document`, and what to tell of it: that its encoding was guessed from too
    little text to be sure (a line or two in a legacy code page), or None."""
    guess: str | None = None
    if not data.strip():
        raise IngestError("empty file")
    wide, skip = sniff_wide(data)
    if wide is not None:
        text = data[skip:].decode(wide, errors="replace")
    elif _binary(data[:8192]):
        raise IngestError("binary file, not text")
    else:
        codec = _codec(declared) or _in_document(data[:_HEAD])
        if codec is not None and codec.startswith(("utf_16", "utf_32")):
            codec = "utf_8"  # a declaration in ASCII bytes cannot be true: browsers read UTF-8
        if codec is not None:
            text = _declared(data, codec)
        else:
            undeclared = _utf8_mostly(data)
            if undeclared is None:
                # A legacy code page, guessed: said when the text was too short to be sure.
                undeclared, encoding = _short_western(data), "windows-1252"
                if undeclared is None:
                    undeclared, encoding = _detected_as(data)
                beyond = sum(byte >= 0x80 for byte in data)
                if beyond < _SHORT:
                    guess = (
                        f"no encoding declared, and only {beyond} bytes beyond ASCII to tell "
                        f"it by: read as {encoding}; if the text reads wrongly, save the "
                        "file as UTF-8"
                    )
            text = undeclared
    # A stray NUL in a text costs one character, as any bad byte does.
    text = text.replace("\x00", "\ufffd")
    # A byte-order mark alone is not empty as bytes, but is as text (found by fuzzing).
    if not text.strip():
        raise IngestError("empty file")
    return text, guess


def decode_line(line: bytes) -> str:
    """One line of a JSON Lines file: UTF-8 (as the format says), one bad byte one U+FFFD;
    a line that is mostly not UTF-8 is read as windows-1252."""
    text = _utf8_mostly(line)
    return text if text is not None else line.decode("cp1252", errors="replace")


def utf8_feed(data: bytes, declared: str | None = None) -> bytes:
    """A feed document re-encoded as UTF-8 by `decode_document`, its XML declaration saying
    so, so the feed parser reads exactly the text our decoding rules gave."""
    text = decode_document(data, declared)
    encoded = text.lstrip("\ufeff").encode("utf-8")
    return _XML_ENCODING.sub(rb"\g<1>utf-8\g<3>", encoded, count=1)
