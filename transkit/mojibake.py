"""Mojibake: text that went through the wrong character encoding, found and undone.

Chinese documentation meets a few encoding accidents again and again:

- UTF-8 bytes decoded with a Western or Cyrillic single-byte code page
  (Windows-1252, -1254, -1250, -1251, ISO-8859-1, Mac OS Roman): ``應用`` becomes
  ``æ‡‰ç”¨``. When the code page leaves some bytes undefined, a careless tool
  drops them, and soft hyphens (byte 0xAD) get stripped as invisible: the text is
  then *lossy*, and a damaged character can only be recovered by choosing among
  the few byte completions that give a valid character, with a language model
  (see :mod:`transkit.langmodel`);
- UTF-8 bytes decoded as GBK/GB18030 (``模型部署`` becomes ``妯″瀷閮ㄧ讲``) or as
  Big5;
- GBK text decoded as Big5, and Big5 text decoded as GBK;
- double encoding: the accident happened twice (``æ¨¡`` one layer down is
  ``Ã¦Â¨Â¡``);
- the famous markers of bytes already lost: ``锟斤拷`` (U+FFFD's bytes read as
  GBK), ``烫烫烫`` and ``屯屯屯`` (uninitialized memory from MSVC debug builds),
  and runs of U+FFFD.

Detection is cheap on clean text. A document is first tested as a whole: the
characters any damage begins with (:func:`suspect_chars`, a few set operations
on the document's character set) are absent from almost every clean document.
Otherwise only the lines holding them are read, a line is rejected by one
set test and one regular-expression search (built on first use: classes over
wide code-point ranges cost milliseconds to compile, which every
``transkit lint`` would pay at import), and only suspicious runs are
re-encoded and re-decoded. Correct text is left alone: Latin names with
accents, mathematics, emoji, Cyrillic and Greek prose are not mojibake,
because the re-decoded bytes must form the UTF-8 of plausible characters, with
evidence that a natural text would not produce.

    >>> [(d.accident.value, d.codec, d.repaired) for d in find_damage("應用 æ‡‰ç”¨ and CafÃ©")]
    [('utf8-as-single-byte', 'cp1252', '應用'), ('utf8-as-single-byte', 'cp1252', 'é')]
    >>> find_damage("José Müller, Dvořák, Łódź: ∑ α ≤ β, привет, 👍")
    []
    >>> repair_line("妯″瀷閮ㄧ讲").text
    '模型部署'
"""

from __future__ import annotations

import codecs
import re
from _thread import _local
from functools import lru_cache
from itertools import combinations, product, repeat
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Final, Iterable, Sequence

# The records are defined apart (see transkit.damage) and belong to this module's interface.
from transkit.damage import Accident, CharChoice, Damage, Evidence, LineRepair, RepairResult, SingleByteCodec

if TYPE_CHECKING:  # pragma: no cover
    from transkit.langmodel import LanguageModel


# Tried in this order; on a tie the earlier (more common) code page is named.
SINGLE_BYTE_CODECS: Final = ("cp1252", "cp1254", "latin-1", "cp1250", "cp1251", "mac_roman")

SOFT_HYPHEN = 0xAD  # U+00AD in every code page above but Mac OS Roman: invisible, often stripped


# --------------------------------------------------------------------------- #
# Byte-level tools
# --------------------------------------------------------------------------- #


_ASCII_CHARS: Final = "".join(chr(i) for i in range(128))


@lru_cache(maxsize=None)
def single_byte(name: str) -> SingleByteCodec:
    high = []
    table: dict[int, int] = {}
    dropped = []
    # One byte, one character: a single decode, U+FFFD where a byte is undefined.
    for b, ch in zip(range(0x80, 0x100), bytes(range(0x80, 0x100)).decode(name, errors="replace")):
        if ch == "\ufffd":
            # Undefined: Windows' own decoder passes it through as the C1 control
            # of the same number ("sloppy" decoding); most other tools drop it.
            ch = chr(b)
            dropped.append(b)
        if name == "latin-1" and b < 0xA0:
            dropped.append(b)  # C1 controls: invisible, stripped by many editors
        high.append(ch)
        table.setdefault(ord(ch), b)
        # A byte kept raw by a lossless reader (surrogateescape) is that byte.
        table[0xDC00 + b] = b
    hs = "".join(high)
    if hs[SOFT_HYPHEN - 0x80] == "\u00ad":
        dropped.append(SOFT_HYPHEN)
    return SingleByteCodec(
        name=name,
        high=hs,
        encode_map=table,
        droppable=bytes(sorted(set(dropped))),
        lead2=hs[0x42:0x60],
        lead3=hs[0x60:0x70],
        lead4=hs[0x70:0x75],
        cont=hs[0x00:0x40],
        # translate() leaves characters without a byte alone, and Latin-1 then
        # encodes any of U+0000-U+00FF: all of those get through.
        representable=frozenset(map(chr, range(0x100))) | frozenset(hs) | frozenset(map(chr, range(0xDC80, 0xDD00))),
        charmap=codecs.charmap_build(_ASCII_CHARS + hs),
    )


def encode_single_byte(text: str, codec: SingleByteCodec) -> bytes | None:
    """``text`` (ASCII plus the code page's characters) back to bytes, or ``None``.

    Raw bytes kept as lone surrogates and undefined bytes kept as C1 controls
    (Windows' "sloppy" decoding) become their byte again.
    """
    try:
        # The code page's own bytes, undefined ones as Windows keeps them (the C1
        # control of the same number); straight to the C encoder.
        return codecs.charmap_encode(text, "surrogateescape", codec.charmap)[0]
    except UnicodeEncodeError as exc:
        if exc.object[exc.start] not in codec.representable:
            return None  # the first character the code page refused stands for no byte at all
    if not codec.representable.issuperset(text):
        return None  # a character no byte of this code page can stand for
    mapped = text.translate(codec.encode_map)
    try:
        return mapped.encode("latin-1")
    except UnicodeEncodeError:
        return None


# The records of transkit.damage are named tuples: in the loops of a repair they
# are made from all their fields, in order, without their Python-level __new__.
_record: Final[Any] = tuple.__new__

_tls: Final = _local()  # threading.local without importing threading


def _record_error(exc: UnicodeDecodeError):
    stretches = _tls.spans
    end = exc.end
    stretches.append(exc.object[exc.start : end])
    k = len(stretches) - 1
    return (_placeholder(k), end)


_PLACEHOLDER_BASE: Final = 0xF0000  # plane 15 private use: never produced from the bytes we decode
_PLACEHOLDERS: Final = [chr(_PLACEHOLDER_BASE + k) for k in range(256)]  # the first ones, made once
codecs.register_error("transkit-mojibake", _record_error)  # type: ignore[arg-type]  # decode errors only


def _placeholder(k: int) -> str:
    """The placeholder of the ``k``-th invalid stretch of a decoding."""
    return _PLACEHOLDERS[k] if k < 256 else chr(_PLACEHOLDER_BASE + k)


def decode_utf8_marked(data: bytes) -> tuple[str, list[bytes]]:
    """Decode UTF-8; every invalid stretch becomes a placeholder character (plane 15).

    Returns the text and the bytes behind each placeholder, in order. The
    placeholders are ``chr(0xF0000 + k)`` for the k-th stretch; the input never
    holds them because :func:`_has_plane15` inputs take the slow path.
    """
    stretches: list[bytes] = []
    _tls.spans = stretches
    return data.decode("utf-8", errors="transkit-mojibake"), stretches


def _is_placeholder(ch: str) -> bool:
    return _PLACEHOLDER_BASE <= ord(ch) < _PLACEHOLDER_BASE + 0x10000


def _utf8_needs(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 1
    if 0xE0 <= lead <= 0xEF:
        return 2
    if 0xF0 <= lead <= 0xF4:
        return 3
    return -1


def is_truncated(seq: bytes) -> bool:
    """Whether ``seq`` is a UTF-8 lead byte followed by fewer continuation bytes than it needs."""
    if not seq:
        return False
    need = _utf8_needs(seq[0])
    return need > 0 and len(seq) - 1 < need and all(0x80 <= b <= 0xBF for b in seq[1:])


_UNICODEDATA: list = []  # the module, once imported


def _category(ch: str) -> str:
    """``unicodedata.category``, imported on first use (the lint path rarely needs it)."""
    if not _UNICODEDATA:
        import unicodedata

        _UNICODEDATA.append(unicodedata)
    return _UNICODEDATA[0].category(ch)


def plausible_char(ch: str) -> bool:
    """Whether ``ch`` is something a document could contain (assigned, not a control or private use)."""
    if "\u4e00" <= ch <= "\u9fff":
        return True  # the CJK block is all assigned letters (Unicode 14, Python 3.11): the common case
    cat = _category(ch)
    return cat not in ("Cn", "Co", "Cs", "Cc") and ch not in "\ufffd\ufeff"


_BYTE = [bytes((b,)) for b in range(256)]


def _decode_one(seq: bytes) -> str | None:
    """The character of one whole UTF-8 sequence, ``None`` where UTF-8 refuses it.

    What ``seq.decode("utf-8")`` gives for a single character, without the
    cost of an exception for the many byte completions that are invalid.
    """
    n = len(seq)
    lead = seq[0]
    for k in range(1, n):
        if not 0x80 <= seq[k] <= 0xBF:
            return None
    if n == 1:
        return chr(lead) if lead < 0x80 else None
    if n == 2:
        return chr((lead & 0x1F) << 6 | seq[1] & 0x3F) if 0xC2 <= lead <= 0xDF else None
    if n == 3:
        if not 0xE0 <= lead <= 0xEF or (lead == 0xE0 and seq[1] < 0xA0) or (lead == 0xED and seq[1] > 0x9F):
            return None  # not a three-byte lead, overlong, or a surrogate
        return chr((lead & 0x0F) << 12 | (seq[1] & 0x3F) << 6 | seq[2] & 0x3F)
    if n == 4:
        if not 0xF0 <= lead <= 0xF4 or (lead == 0xF0 and seq[1] < 0x90) or (lead == 0xF4 and seq[1] > 0x8F):
            return None  # not a four-byte lead, overlong, or beyond U+10FFFF
        return chr((lead & 0x07) << 18 | (seq[1] & 0x3F) << 12 | (seq[2] & 0x3F) << 6 | seq[3] & 0x3F)
    return None


@lru_cache(maxsize=4096)
def completions(seq: bytes, fill: bytes) -> tuple[str, ...]:
    """The characters a truncated UTF-8 sequence can complete to, inserting bytes from ``fill``.

    The missing bytes may have stood anywhere after the lead byte.

        >>> completions(bytes([0xE5, 0xAF]), bytes([0x8F, 0x90]))
        ('可', '启', '寏', '寐')
    """
    need = _utf8_needs(seq[0])
    have = list(seq[1:])
    missing = need - len(have)
    out: list[str] = []
    if missing <= 0:
        return ()
    if missing == 1:
        # The common case (one byte lost): the same order as the general loop below.
        for pos in range(1, need + 1):
            head, tail = seq[:pos], seq[pos:]
            for v in fill:
                ch = _decode_one(head + _BYTE[v] + tail)
                if ch is not None and plausible_char(ch) and ch not in out:
                    out.append(ch)
        return tuple(out)
    total = need
    for where in combinations(range(total), missing):
        for vals in product(fill, repeat=missing):
            body = []
            it_have = iter(have)
            it_vals = iter(vals)
            for k in range(total):
                body.append(next(it_vals) if k in where else next(it_have))
            ch = _decode_one(bytes([seq[0], *body]))
            if ch is not None and plausible_char(ch) and ch not in out:
                out.append(ch)
    return tuple(out)


# --------------------------------------------------------------------------- #
# What a decoded character must look like to count as evidence
# --------------------------------------------------------------------------- #


def _target_ok(ch: str, codec: str) -> bool:
    """Whether ``ch``, decoded from re-encoded text, is a likely original character."""
    o = ord(ch)
    if 0x4E00 <= o <= 0x9FFF:
        return True  # the common case first: a CJK ideograph
    if not plausible_char(ch):
        return False
    if o >= 0x800:
        # Three- and four-byte characters: CJK, punctuation, symbols, emoji.
        if codec in ("mac_roman", "cp1251"):
            return o >= 0x2000  # their victims are CJK documents, not Indic scripts
        return True
    # Two-byte characters (U+0080..U+07FF): accented Latin, Greek, Cyrillic.
    # Only from lead bytes whose code-page characters never begin a natural
    # letter pair (Â Ã Ä Å Î Ï Ð Ñ in Windows-1252): "Ã©" is mojibake, "Ĺ»" is not evidence.
    if codec in ("cp1252", "cp1254", "latin-1", "cp1250"):
        # Latin-1 supplement, Latin Extended-A/B and the spacing modifiers (ƒ ˆ ˜:
        # one layer of double encoding), Greek, Cyrillic.
        return 0x80 <= o <= 0x2FF or 0x386 <= o <= 0x3CE or 0x400 <= o <= 0x45F
    if codec == "cp1251":
        return 0x400 <= o <= 0x45F  # Р / С followed by a symbol: Russian read as Windows-1251
    return False  # Mac OS Roman's two-byte leads are ¬ √ ≈ “ ” …: too natural in real text


# --------------------------------------------------------------------------- #
# Prefilters (compiled on first use)
# --------------------------------------------------------------------------- #


_PREFILTERS: dict[str, re.Pattern] = {}
_CHARSETS: dict[str, frozenset[str]] = {}
# Patterns compiled on first use: a class over a wide range of code points
# costs milliseconds to compile, which every `transkit lint` would pay at import.
_PATTERNS: dict[str, str] = {}


def _re(name: str) -> re.Pattern:
    pat = _PREFILTERS.get(name)
    if pat is None:
        pat = _PREFILTERS[name] = re.compile(_PATTERNS[name])
    return pat


def _latin_chars() -> tuple[frozenset[str], frozenset[str]]:
    """Lead-byte and continuation-byte characters of the single-byte code pages (built on first use).

    Two-byte leads are left out where their decodings never count as evidence
    (Mac OS Roman's are ¬ √ “ — …; Windows-1251's are Cyrillic capitals but Р and
    С), so that Chinese "——" or Russian "«Слово»" costs nothing.
    """
    leads = _CHARSETS.get("latin-leads")
    if leads is None:
        lead_set: set[str] = set()
        cont_set: set[str] = set()
        for name in SINGLE_BYTE_CODECS:
            c = single_byte(name)
            lead2 = c.lead2
            if name == "mac_roman":
                lead2 = ""
            elif name == "cp1251":
                lead2 = c.high[0x50:0x52]
            lead_set.update(lead2 + c.lead3 + c.lead4)
            cont_set.update(c.cont)
        lead_set.discard("\x00")
        cont_set.discard("\x00")
        _CHARSETS["latin-conts"] = frozenset(cont_set)
        leads = _CHARSETS["latin-leads"] = frozenset(lead_set)
    return leads, _CHARSETS["latin-conts"]


def _cjk_chars() -> frozenset[str]:
    """Characters that begin UTF-8 Chinese read as GBK or Big5 (built on first use)."""
    chars = _CHARSETS.get("cjk")
    if chars is None:
        found: set[str] = set()
        # Lead bytes of CJK ideographs (E4-E9), CJK and full-width punctuation
        # (E3, EF), general punctuation (E2) and emoji (F0), each followed by a
        # continuation byte, read as one two-byte character.
        for lead in (0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEF, 0xF0):
            for enc in ("gb18030", "big5"):
                pairs = b"".join([bytes([lead, trail]) for trail in range(0x80, 0xC0)])
                try:
                    found.update(pairs.decode(enc))  # every pair defined: one character each
                except UnicodeDecodeError:
                    for trail in range(0x80, 0xC0):
                        try:
                            found.add(bytes([lead, trail]).decode(enc))
                        except UnicodeDecodeError:
                            pass
        found.discard("\x00")
        chars = _CHARSETS["cjk"] = frozenset(found)
    return chars


# The characters that UTF-8 lead bytes C2-F4 become in the six code pages,
# two-byte leads left out as in _latin_chars (which derives this; a test keeps
# the two equal). Written out so that a document with none of them is judged
# without importing a code page.
_LATIN_LEADS = (
    "·ÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóô"  # Windows-1252, Latin-1
    "ĂăĆćČčĎďĐđĘęĚěĞğİĹĺŃńŇňŐŕŘŞŢŮŰ"  # Windows-1250, -1254
    "РСабвгдежзийклмнопрстуф"  # Windows-1251
    "‚„‡‰\uf8ff"  # Mac OS Roman
)


def latin_leads() -> frozenset[str]:
    """Characters of a lead byte in some single-byte code page (see :func:`suspect_chars`)."""
    got = _CHARSETS.get("latin-leads-written")
    if got is None:
        got = _CHARSETS["latin-leads-written"] = frozenset(_LATIN_LEADS)
    return got


def _latin_search(text: str) -> re.Match | None:
    """A lead-byte character followed by a continuation-byte character (see :func:`_latin_prefilter`).

    Text without any lead character is answered without the code-page tables.
    """
    if latin_leads().isdisjoint(text):
        return None
    return _latin_prefilter().search(text)


def _latin_prefilter() -> re.Pattern:
    """A lead-byte character followed by a continuation-byte character, in some code page."""
    pat = _PREFILTERS.get("latin")
    if pat is None:
        leads, conts = _latin_chars()
        # A continuation byte a lossless reader kept raw is a lone surrogate.
        pat = _PREFILTERS["latin"] = re.compile(f"[{_class(leads)}][{_class(conts)}" + r"\udc80-\udcbf]")
    return pat


def _cjk_suspects() -> frozenset[str]:
    """What UTF-8 Chinese read as GBK or Big5 shows first: those characters, raw bytes kept as lone surrogates, U+FFFD."""
    chars = _CHARSETS.get("cjk+")
    if chars is None:
        chars = _CHARSETS["cjk+"] = _cjk_chars() | frozenset(map(chr, range(0xDC80, 0xDD00))) | {"\ufffd"}
    return chars


def _has_cjk(text: str) -> bool:
    """The GBK/Big5 prefilter: one C-level pass over ``text`` against :func:`_cjk_suspects`."""
    return not _cjk_suspects().isdisjoint(text)


_MARKER_CHARS: Final = frozenset("锟錕嚙烫燙屯昍迋\ufffd")
_MARKER_LIST: Final = tuple(sorted(_MARKER_CHARS))


def _holds_any(text: str, chars: tuple[str, ...]) -> bool:
    """Whether ``text`` holds any of ``chars``: one substring search each, in C.

    ``frozenset.isdisjoint(text)`` would make and hash a string for every
    character of ``text``; a few searches cost far less.
    """
    for c in chars:
        if c in text:
            return True
    return False


def suspect_chars(chars: frozenset[str]) -> frozenset[str]:
    """The characters of a document (``Document.chars``) that any accident's damage begins with.

    Empty for almost every clean document: then no line of it can look
    damaged (:func:`looks_damaged`), and nothing needs to be read line by line.
    Raw bytes kept as lone surrogates and U+FFFD count too.

        >>> sorted(suspect_chars(frozenset("純中文的句子。")))
        []
        >>> sorted(suspect_chars(frozenset("æ‡‰ç”¨")))  # ‡ and ‰ lead in Mac OS Roman
        ['æ', 'ç', '‡', '‰']
    """
    if all(c < "\x80" for c in chars):
        return frozenset()
    return (chars & latin_leads()) | (chars & _cjk_suspects()) | (chars & _MARKER_CHARS)


def lines_with(text: str, chars: Iterable[str], starts: Sequence[int]) -> set[int]:
    """1-based numbers of the lines of ``text`` that hold any of ``chars``.

    ``starts`` are the offsets at which lines begin (``starts[0] == 0``). Each
    character is found with ``str.find``, so a few rare characters cost a few
    scans of the text, not a test of every line.
    """
    out: set[int] = set()
    find = text.find
    last = len(starts)
    for ch in chars:
        pos = find(ch)
        while pos >= 0:
            # The line holding ``pos``: the number of line starts at or before it.
            lo, hi = 0, last
            while lo < hi:
                mid = (lo + hi) // 2
                if starts[mid] <= pos:
                    lo = mid + 1
                else:
                    hi = mid
            n = lo
            out.add(n)
            # Skip to the next line: one hit per line is enough.
            nxt = starts[n] if n < len(starts) else len(text)
            pos = find(ch, nxt)
    return out


# 锟斤拷: U+FFFD's UTF-8 bytes read as GBK (錕斤拷 after conversion to Traditional,
# 嚙踝蕭 read as Big5); 烫烫烫 / 屯屯屯: MSVC's 0xCC / 0xCD fill of uninitialized
# memory read as GBK (昍昍昍 / 迋迋迋 as Big5, 燙燙燙 converted).
_PATTERNS["markers"] = r"(?:锟斤拷|錕斤拷|嚙踝蕭)+|(?:锟斤|錕斤)|烫{3,}|燙{3,}|屯{3,}|昍{3,}|迋{3,}|\ufffd{2,}"


def _class(chars: Iterable[str]) -> str:
    """A regex character class body, consecutive code points folded into ranges (compiles fast)."""
    points = sorted({ord(c) for c in chars if c != "\x00"})
    out = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        lo, hi = re.escape(chr(points[i])), re.escape(chr(points[j]))
        out.append(lo if i == j else f"{lo}-{hi}" if j > i + 1 else lo + hi)
        i = j + 1
    return "".join(out)


def looks_damaged(line: str) -> bool:
    """The cheap test run on every line: could this line hold mojibake at all?

        >>> looks_damaged("純中文的句子，沒有問題。"), looks_damaged("æ‡‰ç”¨")
        (False, True)
    """
    if line.isascii():
        return False
    return bool(_latin_search(line) or _has_cjk(line) or _has_marker(line))


def _has_marker(text: str) -> bool:
    return _holds_any(text, _MARKER_LIST) and _re("markers").search(text) is not None


# --------------------------------------------------------------------------- #
# Decoded runs
# --------------------------------------------------------------------------- #


class _Run:
    """A stretch of a line re-decoded through one accident."""

    __slots__ = ("start", "end", "accident", "codec", "pieces", "good", "lossy", "layers")

    def __init__(self, start: int, end: int, accident: Accident, codec: str, pieces: list, good: int, lossy: int, layers: int = 1) -> None:
        self.start = start
        self.end = end
        self.accident = accident
        self.codec = codec
        self.pieces = pieces  # str (fixed text) or tuple[str, ...] (candidates) per output character
        self.good = good  # evidence: plausible decoded characters
        self.lossy = lossy  # truncated sequences explained by dropped bytes
        self.layers = layers

    def __repr__(self) -> str:
        return f"_Run({self.start}, {self.end}, {self.accident}, {self.codec!r}, good={self.good}, lossy={self.lossy}, layers={self.layers})"

    @property
    def text_if_lossless(self) -> str | None:
        if self.lossy:
            return None
        return "".join(self.pieces)


def _decode_single_byte_run(text: str, codec: SingleByteCodec, fill: bytes) -> tuple[list, int, int, int] | None:
    """Re-decode one non-ASCII run; ``None`` if the code page cannot encode it.

    Returns (pieces, good, lossy, bad). ``pieces`` has one ``(piece, nbytes)``
    per output character: the piece is a string, a tuple of candidates (a
    truncated sequence), or ``None`` for bytes that mean nothing; ``nbytes`` is
    how many source characters it consumed (one byte each).
    """
    data = encode_single_byte(text, codec)
    if data is None or _PLANE15.search(data):
        return None
    decoded, errors = decode_utf8_marked(data)
    if not errors and not _re("odd").search(decoded):
        # The common case: every character decoded to CJK or ASCII.
        good = len(decoded) - len(decoded.encode("ascii", "ignore"))
        return [(ch, 1 if ch < "\x80" else 3) for ch in decoded], good, 0, 0
    pieces: list = []
    good = lossy = bad = 0
    for ch in decoded:
        if _is_placeholder(ch):
            seq = errors[ord(ch) - _PLACEHOLDER_BASE]
            cands = _candidates(seq, fill, codec.name) if fill else ()
            if cands:
                pieces.append((cands, len(seq)))
                lossy += 1
            else:
                pieces.append((None, len(seq)))
                bad += 1
        elif ch < "\x80":
            pieces.append((ch, 1))
        elif _target_ok(ch, codec.name):
            pieces.append((ch, len(ch.encode("utf-8"))))
            good += 1
        else:
            pieces.append((None, len(ch.encode("utf-8"))))
            bad += 1
    return pieces, good, lossy, bad


# Anything but ASCII and three-byte CJK ideographs / CJK punctuation: worth a closer look.
_PATTERNS["odd"] = "[^\x00-\x7f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"


@lru_cache(maxsize=8192)
def _candidates(seq: bytes, fill: bytes, codec: str) -> tuple[str, ...]:
    """Plausible completions of a truncated sequence (empty when ``seq`` is not truncated)."""
    if not is_truncated(seq):
        return ()
    return tuple(c for c in completions(seq, fill) if _target_ok(c, codec))


_PLANE15: Final = re.compile(rb"\xf3[\xb0-\xbf]")


_COMPLETIONS: Final[dict[str, dict[bytes, tuple[str, ...]]]] = {}  # code page -> truncated sequence -> candidates (lossy reading)


@lru_cache(maxsize=None)
def _fill_for(name: str) -> bytes:
    """Bytes a lossy decoder may have dropped for code page ``name``.

    Windows-1252 and -1254 differ in two of these (0x8E, 0x9E) and are otherwise
    the same for Chinese mojibake, so both take the union: a document that never
    shows a Turkish letter is still often Windows-1254 damage.
    """
    fill = set(single_byte(name).droppable)
    if name in ("cp1252", "cp1254"):
        fill |= set(single_byte("cp1252").droppable) | set(single_byte("cp1254").droppable)
    return bytes(sorted(fill))


def _single_byte_line(line: str, prefer: str | None, lossy_ok: bool) -> list[_Run]:
    """The whole line re-decoded at once (the fast path), else run by run."""
    order: tuple[str, ...] = SINGLE_BYTE_CODECS
    if prefer in order:
        order = (prefer,) + tuple(c for c in order if c != prefer)
    for name in order:
        run = _whole_line(line, name, lossy_ok)
        if run is not None:
            return [run] if (run.good or run.lossy) else []
    return _single_byte_runs(line, prefer, lossy_ok)


def _whole_line(line: str, name: str, lossy_ok: bool) -> _Run | None:
    """``line`` re-decoded through code page ``name`` in one pass; ``None`` if any byte means nothing.

    Inside :func:`repair_text` each result is remembered and handed out once
    more: the code page is established on lines that are then repaired.
    """
    memo = getattr(_tls, "memo", None)
    if memo is None:
        return _decode_whole_line(line, name, lossy_ok)
    key = (line, name, lossy_ok)
    if key in memo:
        return memo.pop(key)
    run: _Run | None = _decode_whole_line(line, name, lossy_ok)
    # Callers move a run to its place in the line: the memo keeps its own copy.
    memo[key] = run if run is None else _Run(run.start, run.end, run.accident, run.codec, run.pieces, run.good, run.lossy, run.layers)
    return run


def _decode_whole_line(line: str, name: str, lossy_ok: bool) -> _Run | None:
    codec = single_byte(name)
    data = encode_single_byte(line, codec)
    if data is None or _PLANE15.search(data):
        return None
    decoded, errors = decode_utf8_marked(data)
    if errors and not lossy_ok:
        return None
    pieces: list = list(decoded)
    lossy = 0
    if errors:
        # Placeholders of truncated sequences take their candidates; they come
        # in order, each after the one before.
        fill = _fill_for(name)
        known = _COMPLETIONS.setdefault(name, {})
        at = 0
        for k in range(len(errors)):
            seq = errors[k]
            cands = known.get(seq)
            if cands is None:
                cands = known[seq] = _candidates(seq, fill, name)
            if not cands:
                return None
            at = decoded.index(_placeholder(k), at)
            pieces[at] = cands
            lossy += 1
    # Whatever else is not ASCII or CJK must be a likely original.
    for ch in _re("odd").findall(decoded):
        if not (_is_placeholder(ch) or _target_ok(ch, name)):
            return None
    good = len(decoded) - len(decoded.encode("ascii", "ignore")) - lossy
    return _Run(0, len(line), Accident.SINGLE_BYTE, name, pieces, good, lossy)


def _high_run() -> re.Pattern:
    """Runs of characters some single-byte code page gives to bytes 0x80-0xFF (and raw bytes)."""
    pat = _PREFILTERS.get("high")
    if pat is None:
        chars: set[str] = set()
        for name in SINGLE_BYTE_CODECS:
            chars.update(single_byte(name).high)
        pat = _PREFILTERS["high"] = re.compile(f"[{_class(chars)}" + r"\udc80-\udcff]+")
    return pat


_PLACEHOLDER = re.compile("[\U000f0000-\U000fffff]")


def _single_byte_runs(line: str, prefer: str | None, lossy_ok: bool) -> list[_Run]:
    """Runs of ``line`` that are UTF-8 read through a single-byte code page."""
    out: list[_Run] = []
    order: tuple[str, ...] = SINGLE_BYTE_CODECS
    if prefer in order:
        order = (prefer,) + tuple(c for c in order if c != prefer)
    for m in _high_run().finditer(line):
        run = m.group()
        best = None
        for name in order:
            res = _decode_single_byte_run(run, single_byte(name), _fill_for(name) if lossy_ok else b"")
            if res is None:
                continue
            pieces, good, lossy, bad = res
            if good == 0 and not lossy:
                continue
            # Fewest unexplained bytes first, then most evidence.
            score = (bad, -good, -lossy)
            if best is None or score < best[0]:
                best = (score, name, pieces)
            if bad == 0 and name == order[0]:
                break
        if best is None:
            continue
        _score, name, pieces = best
        # Keep the stretches that decode; bytes that mean nothing stay as they are.
        col = m.start()
        cur: list = []
        cur_start = col
        good = lossy = 0
        for piece, nbytes in pieces + [(None, 0)]:
            if piece is None:
                if cur and (good or lossy):
                    out.append(_Run(cur_start, col, Accident.SINGLE_BYTE, name, cur, good, lossy))
                cur, good, lossy = [], 0, 0
                col += nbytes
                cur_start = col
                continue
            cur.append(piece)
            if isinstance(piece, tuple):
                lossy += 1
            elif ord(piece) >= 0x80:
                good += 1
            col += nbytes
    return out


def _cjk_runs(line: str, offset: int, model_getter, prefer: str | None = None) -> list[_Run]:
    """Runs of ``line`` that are UTF-8 read as GBK or Big5.

    With a model, a reading must be more probable than the text as it stands;
    for the encoding ``prefer`` (established for the whole document) it need
    only be about as probable, so that "Andr茅" (a real character) becomes André.
    """
    out: list[_Run] = []
    # A Chinese run read as GBK can swallow one ASCII character as the trail of
    # its last byte pair, so runs extend over non-space ASCII next to them.
    whole = _cjk_whole_line(line, prefer)
    if whole is not None:
        whole.start += offset
        whole.end += offset
        return [whole]
    for m in _CJK_RUN.finditer(line):
        run = m.group()
        readings = []
        for enc, accident in (("gb18030", Accident.GBK), ("big5", Accident.BIG5)):
            res = _decode_cjk_run(run, enc)
            if res is None:
                continue
            pieces, good, lossy, bad, src_han = res
            if bad or not good:
                continue
            readings.append((enc, accident, pieces, good, lossy, src_han))
        if not readings:
            continue
        best = None
        if len(readings) == 1 and readings[0][3] >= _SURE and not readings[0][4]:
            # Three or more multi-byte characters decoded with no byte left over:
            # clean Chinese re-encoded is never that regular; no model needed.
            enc, accident, pieces, good, lossy, _h = readings[0]
            best = (0.0, enc, accident, pieces, good, lossy)
        else:
            before = None
            for enc, accident, pieces, good, lossy, src_han in readings:
                if model_getter is None:
                    if good < 2 and not any(isinstance(p, str) and ord(p) >= 0x1F000 for p in pieces):
                        continue  # one character is weak evidence without a model to weigh it
                    score = float(good)
                else:
                    # The decoded text must read better than what is there now.
                    lm = model_getter()
                    if before is None:
                        before = lm.text_score(run)
                    score = lm.text_score("".join(p if isinstance(p, str) else "\ufffd" for p in pieces))
                    if score < before + (-6.0 if enc == prefer else 2.0):
                        continue
                if best is None or score > best[0]:
                    best = (score, enc, accident, pieces, max(good, 1), lossy)
        if best is not None:
            _score, enc, accident, pieces, good, lossy = best
            out.append(_Run(offset + m.start(), offset + m.end(), accident, enc, pieces, good, lossy))
    return out


_SURE = 3  # decoded multi-byte characters that settle a GBK/Big5 reading without the model


def _cjk_whole_line(line: str, prefer: str | None) -> _Run | None:
    """The fast path: the whole line decodes as UTF-8 after re-encoding, with nothing left over."""
    if "\ufffd" in line:
        return None
    for enc, accident in ((("big5", Accident.BIG5), ("gb18030", Accident.GBK)) if prefer == "big5" else (("gb18030", Accident.GBK), ("big5", Accident.BIG5))):
        try:
            data = line.encode(enc, errors="surrogateescape")
        except UnicodeEncodeError:
            continue
        try:
            decoded = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if decoded == line or _re("odd").search(decoded) and any(not plausible_char(c) for c in _re("odd").findall(decoded)):
            continue
        good = len(decoded) - len(decoded.encode("ascii", "ignore"))
        if good >= _SURE and len(decoded) < len(line):
            return _Run(0, len(line), accident, enc, list(decoded), good, 0)
    return None


# Starting only where a run of non-space characters starts: tried inside one, a
# long ASCII run would be rescanned from every character.
_CJK_RUN = re.compile(r"(?<![^\x00-\x20])[^\x00-\x20]*[^\x00-\x7f][^\x00-\x20]*")


def _han(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF


_CJK_UNKNOWN = 0x100  # stands for a byte replaced by U+FFFD


def _decode_cjk_run(run: str, enc: str) -> tuple[list, int, int, int, int] | None:
    """Re-encode ``run`` with ``enc`` (GBK or Big5), decode as UTF-8.

    U+FFFD stands for one byte the first decoder rejected; lone surrogates are
    bytes it kept raw. Returns (pieces, good, lossy, bad, han) or ``None``.
    """
    if "\ufffd" not in run:
        # The common case: a stretch of real text. One invalid byte rejects the
        # reading, so try the strict decode before building anything.
        try:
            data = run.encode(enc, errors="surrogateescape")
            data.decode("utf-8")
        except UnicodeError:
            return None
    parts: list[int] = []
    src_han = 0
    for chunk in re.split("(\ufffd)", run):
        if chunk == "\ufffd":
            parts.append(_CJK_UNKNOWN)
            continue
        if not chunk:
            continue
        try:
            data = chunk.encode(enc, errors="surrogateescape")
        except UnicodeEncodeError:
            return None
        parts.extend(data)
        src_han += len(_re("han").findall(chunk))
    if _CJK_UNKNOWN not in parts:
        data = bytes(parts)
        try:
            decoded = data.decode("utf-8")  # one bad byte rejects the reading: no need to mark them all
        except UnicodeDecodeError:
            return None
        pieces: list = []
        good = bad = 0
        for ch in decoded:
            if _is_placeholder(ch):
                bad += 1
                pieces.append(None)
            elif ch < "\x80":
                pieces.append(ch)
            elif plausible_char(ch):
                # Two-byte characters (é, ć, α) are possible originals too; the
                # model decides whether the reading is better (see _cjk_runs).
                good += 1 if ord(ch) >= 0x800 else 0
                pieces.append(ch)
            else:
                bad += 1
                pieces.append(None)
        if not good and any(p is not None and p >= "\x80" for p in pieces):
            good = -1  # only two-byte characters: evidence for the model alone
        return pieces, good, 0, bad, src_han
    return _decode_with_unknowns(parts) + (src_han,)


def _decode_with_unknowns(parts: list[int]) -> tuple[list, int, int, int]:
    """UTF-8 where some bytes are unknown (``_CJK_UNKNOWN``): candidates for the characters they were in."""
    pieces: list = []
    good = lossy = bad = 0
    i = 0
    n = len(parts)
    while i < n:
        b = parts[i]
        if b < 0x80:
            pieces.append(chr(b))
            i += 1
            continue
        if b == _CJK_UNKNOWN:
            # An unknown byte starting a character: its length comes from the
            # continuation bytes that follow.
            k = 0
            while i + 1 + k < n and k < 3 and (0x80 <= parts[i + 1 + k] <= 0xBF or parts[i + 1 + k] == _CJK_UNKNOWN):
                k += 1
            if k == 0:
                pieces.append(None)
                bad += 1
                i += 1
                continue
            leads = {1: range(0xC2, 0xE0), 2: range(0xE0, 0xF0), 3: range(0xF0, 0xF5)}[k]
            seq = parts[i : i + 1 + k]
            cands = _expand([list(leads)] + [list(range(0x80, 0xC0)) if x == _CJK_UNKNOWN else [x] for x in seq[1:]])
            pieces.append(cands if cands else None)
            lossy += 1 if cands else 0
            bad += 0 if cands else 1
            i += 1 + k
            continue
        need = _utf8_needs(b)
        if need < 0:
            pieces.append(None)
            bad += 1
            i += 1
            continue
        seq = parts[i : i + 1 + need]
        if len(seq) < 1 + need or not all(0x80 <= x <= 0xBF or x == _CJK_UNKNOWN for x in seq[1:]):
            pieces.append(None)
            bad += 1
            i += 1
            continue
        if _CJK_UNKNOWN in seq:
            cands = _expand([[b]] + [list(range(0x80, 0xC0)) if x == _CJK_UNKNOWN else [x] for x in seq[1:]])
            pieces.append(cands if cands else None)
            lossy += 1 if cands else 0
            bad += 0 if cands else 1
        else:
            try:
                ch = bytes(seq).decode("utf-8")
            except UnicodeDecodeError:
                ch = None
            if ch is not None and plausible_char(ch):
                pieces.append(ch)
                good += 1 if ord(ch) >= 0x800 else 0
            else:
                pieces.append(None)
                bad += 1
        i += 1 + need
    return pieces, good, lossy, bad


@lru_cache(maxsize=4096)
def _expand_cached(options: tuple[tuple[int, ...], ...]) -> tuple[str, ...]:
    out = []
    for combo in product(*options):
        try:
            ch = bytes(combo).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if ord(ch) >= 0x800 and plausible_char(ch):
            out.append(ch)
    return tuple(out)


def _expand(options: list[list[int]]) -> tuple[str, ...]:
    return _expand_cached(tuple(tuple(o) for o in options))


# --------------------------------------------------------------------------- #
# GBK and Big5 mistaken for each other
# --------------------------------------------------------------------------- #

# Characters that GBK/Big5 confusions scatter between ideographs: kana, bopomofo,
# Greek, Cyrillic, box drawing, private use, compatibility forms, U+FFFD.
_SIGN_RANGES = (
    (0x0391, 0x03C9),  # Greek
    (0x0401, 0x0451),  # Cyrillic
    (0x2500, 0x257F),  # box drawing
    (0x3041, 0x30FF),  # kana
    (0x3105, 0x312F),  # bopomofo
    (0xE000, 0xF8FF),  # private use
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFFFD, 0xFFFD),  # U+FFFD
    (0xDC80, 0xDCFF),  # raw bytes kept as lone surrogates
)
_SIGN = "".join(f"{chr(lo)}-{chr(hi)}" if hi > lo else chr(lo) for lo, hi in _SIGN_RANGES)
_PATTERNS["swap"] = f"[\u4e00-\u9fff][{_SIGN}]|[{_SIGN}][\u4e00-\u9fff]"


def _has_sign(text: str | frozenset[str]) -> bool:
    """Whether ``text`` (a string or a set of characters) holds a character of ``_SIGN``.

    Characters found not to be signs are remembered, so that a process reading
    many documents tests each character once (one set difference in C).
    """
    for c in (text if isinstance(text, frozenset) else frozenset(text)).difference(_NOT_SIGN):
        o = ord(c)
        for lo, hi in _SIGN_RANGES:
            if lo <= o <= hi:
                return True
        _NOT_SIGN.add(c)
    return False


_NOT_SIGN: set[str] = set()

_PATTERNS["han"] = r"[\u4e00-\u9fff]"


def swap_suspect(text: str, lang: str | None = None) -> bool:
    """Cheap test: could ``text`` hold GBK read as Big5 or the reverse?

    True when odd symbols sit between ideographs three times or more, or when a
    zh-Hans text is mostly traditional-only characters (zh-Hant: the reverse).
    """
    if text.isascii():
        return False
    chars = frozenset(text)
    if _has_sign(chars):
        signs = 0
        for _m in _re("swap").finditer(text):
            signs += 1
            if signs >= 3:
                return True
    han = {c for c in chars if "\u4e00" <= c <= "\u9fff"}
    if len(han) < 6:
        return False
    # Characters common in neither script (outside GB2312 and Big5's first level):
    # a third of a confused line, almost none of a real one. Those already
    # known to be common are skipped in C.
    rare = 0
    for c in han.difference(_NOT_RARE):
        if _rare_in_both(c):
            rare += 1
    if rare * 3 >= len(han):
        return True
    if rare * 8 >= len(han) and lang in ("zh-Hans", "zh-Hant", "zh-HK"):
        from transkit.script import tables

        t = tables()
        wrong = t.traditional_only_any if lang == "zh-Hans" else t.simplified_only_any
        odd = len(han & wrong)
        return odd >= 3 and odd * 10 >= len(han) * 3
    return False


def swap_possible(text: str, chars: frozenset[str] | None = None) -> bool:
    """Document-level gate for :func:`swap_suspect`: a few rare characters or odd symbols at all.

    A clean document has at most one or two distinct characters that are common
    in neither GB2312 nor Big5's first level; a GBK/Big5 confusion brings dozens.
    ``chars`` is the document's set of characters when the caller has it.
    """
    if text.isascii():
        return False
    if chars is None:
        chars = frozenset(text)
    # A sign next to an ideograph needs a sign somewhere: test the few distinct
    # characters before scanning the text.
    if _has_sign(chars) and len(_re("swap").findall(text)) >= 3:
        return True
    # Characters already found common (or not ideographs) are skipped with one
    # C-level set difference: a process that lints many files tests each once.
    new = chars.difference(_NOT_RARE)
    han = [c for c in new if "\u4e00" <= c <= "\u9fff"]
    _NOT_RARE.update(new.difference(han))
    if not han:
        return False
    # One GB2312 encoding of all of them finds the few that need a closer look.
    outside = _unencodable("".join(han), "gb2312")
    _NOT_RARE.update(new.difference(outside))
    rare = 0
    for c in outside:
        if _rare_in_both(c):
            rare += 1
            if rare >= 4:
                return True
        else:
            _NOT_RARE.add(c)
    return False


def _unencodable(text: str, encoding: str) -> set[str]:
    """The characters of ``text`` that ``encoding`` cannot encode (one encoder pass)."""
    _tls.spans = []
    text.encode(encoding, errors="transkit-unencodable")
    return set("".join(_tls.spans))


def _record_unencodable(exc: UnicodeEncodeError):
    _tls.spans.append(exc.object[exc.start : exc.end])
    return ("", exc.end)


codecs.register_error("transkit-unencodable", _record_unencodable)  # type: ignore[arg-type]  # encode errors only


_RARE: dict[str, bool] = {}
_NOT_RARE: set[str] = set()  # characters swap_possible found to be no evidence


def _rare_in_both(ch: str) -> bool:
    got = _RARE.get(ch)
    if got is None:
        try:
            ch.encode("gb2312")
            got = False
        except UnicodeEncodeError:
            try:
                got = ch.encode("big5") >= b"\xc9\x40"  # Big5 level 2 starts at C940
            except UnicodeEncodeError:
                got = True
        _RARE[ch] = got
    return got


def _recode(text: str, src: str, dst: str) -> str | None:
    """``text`` encoded with ``src``, decoded with ``dst`` (both two-byte encodings).

    A U+FFFD stands for one byte the first decoder rejected; the byte pairs of
    ``dst`` are rebuilt around it (every byte from 0x81 up starts a pair), so
    one lost byte costs one character, not the rest of the line.
    """
    parts: list[int] = []
    for chunk in re.split("(\ufffd)", text):
        if chunk == "\ufffd":
            parts.append(_CJK_UNKNOWN)
        elif chunk:
            try:
                parts.extend(chunk.encode(src, errors="surrogateescape"))
            except UnicodeEncodeError:
                return None
    if _CJK_UNKNOWN not in parts:
        return bytes(parts).decode(dst, errors="surrogateescape")
    out = []
    i = 0
    n = len(parts)
    while i < n:
        b = parts[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
            continue
        pair = parts[i : i + 2]
        if _CJK_UNKNOWN in pair or len(pair) < 2:
            out.append("\ufffd")
        else:
            out.append(bytes(pair).decode(dst, errors="replace")[:1] or "\ufffd")
        i += 2
    return "".join(out)


def _swap_runs(line: str, offset: int, model_getter) -> list[_Run]:
    """Runs that read far better after undoing a GBK/Big5 confusion (needs the model)."""
    out: list[_Run] = []
    if model_getter is None:
        return out
    # Two-byte text read as the other encoding swallows ASCII as trail bytes, so
    # runs go from space to space.
    for m in _CJK_RUN.finditer(line):
        run = m.group()
        han = [c for c in run if _han(c)]
        if len(han) < 4:
            continue
        lm = model_getter()
        before = lm.text_score(run)
        for src, dst, accident in (("big5", "gbk", Accident.GBK_AS_BIG5), ("gbk", "big5", Accident.BIG5_AS_GBK)):
            fixed = _recode(run, src, dst)
            if fixed is None:
                continue
            fixed_lm = _other_model(lm, dst)
            fixed_han = [c for c in fixed if _han(c)]
            if len(fixed_han) < 3:
                continue
            # Same bytes, two readings: the true one is far more probable per character.
            after = fixed_lm.text_score(fixed)
            if after > before + max(3.0, 1.5 * len(han)):
                pieces: list = list(fixed)
                out.append(_Run(offset + m.start(), offset + m.end(), accident, src, pieces, len(fixed_han), 0))
                break
    return out


def _other_model(lm, dst: str):
    from transkit import langmodel

    return langmodel.load("zh-Hans" if dst == "gbk" else "zh-Hant")


# --------------------------------------------------------------------------- #
# Per-line detection
# --------------------------------------------------------------------------- #


class LineScan:
    """What :func:`scan_line` found in one line, before any language-model choice."""

    __slots__ = ("runs", "markers")

    def __init__(self, runs: list[_Run] | None = None, markers: list[tuple[int, int, str]] | None = None) -> None:
        self.runs = [] if runs is None else runs
        self.markers = [] if markers is None else markers  # (start, end, text)

    def __repr__(self) -> str:
        return f"LineScan(runs={self.runs!r}, markers={self.markers!r})"


def scan_line(
    line: str,
    *,
    protected: Sequence[tuple[int, int]] = (),
    prefer: str | None = None,
    lossy_ok: bool = True,
    lossy_only: bool = False,
    model_getter=None,
    swap_lang: str | None = None,
    cjk_prefer: str | None = None,
) -> LineScan:
    """Find the damaged runs of one line, outside the ``protected`` column ranges.

    ``protected`` spans (inline code, URLs: 0-based, end exclusive) are neither
    scanned nor part of any run, so mojibake quoted on purpose stays.
    ``prefer`` names the code page already established for the document; it
    wins ties. Truncated sequences (lost bytes) count only when ``lossy_ok``, and
    only in a line that also has intact evidence, so a lone "é" stays an "é";
    ``lossy_only`` lifts that last condition, for a document already known to
    have lost bytes (a heading whose every character lost a byte).
    ``model_getter`` returns a language model; without it GBK/Big5 detection
    relies on byte evidence alone and GBK/Big5 confusions are not looked for.
    ``swap_lang`` (the document's language) lets a script mismatch raise the
    suspicion of a GBK/Big5 confusion. ``cjk_prefer`` ("gb18030" or "big5") is
    the two-byte encoding already established for the document.
    """
    res = LineScan()
    if line.isascii():
        return res
    if not protected:
        _scan_segment(line, 0, res, prefer, lossy_ok, lossy_only, model_getter, swap_lang, cjk_prefer)
    else:
        pos = 0
        for start, end in sorted(protected):
            if start > pos:
                _scan_segment(line[pos:start], pos, res, prefer, lossy_ok, lossy_only, model_getter, swap_lang, cjk_prefer)
            pos = max(pos, end)
        if pos < len(line):
            _scan_segment(line[pos:], pos, res, prefer, lossy_ok, lossy_only, model_getter, swap_lang, cjk_prefer)
    res.runs.sort(key=lambda r: r.start)
    return res


def _scan_segment(text: str, offset: int, res: LineScan, prefer, lossy_ok, lossy_only, model_getter, swap_lang, cjk_prefer=None) -> None:
    if text.isascii():
        return
    markers = [(m.start(), m.end(), m.group()) for m in _re("markers").finditer(text)] if _holds_any(text, _MARKER_LIST) else []
    runs: list[_Run] = []
    if lossy_only or _latin_search(text):
        found = _single_byte_line(text, prefer, lossy_ok)
        if not lossy_only:
            # Truncated sequences alone are not enough to call a run mojibake
            # (a lone "é" is an é), unless the document already lost bytes.
            found = [r for r in found if r.good]
        runs.extend(_peel_layers(r) for r in found)
    if runs and all(r.start == 0 and r.end == len(text) for r in runs):
        pass  # the whole segment is explained already
    elif _has_cjk(text):
        for r in _cjk_runs(text, 0, model_getter, cjk_prefer):
            if not any(o.start < r.end and r.start < o.end for o in runs):
                runs.append(r)
    if model_getter is not None and not runs and swap_suspect(text, swap_lang):
        # Lines that read as ordinary Chinese are not re-decoded at all.
        runs.extend(_swap_runs(text, 0, model_getter))
    for r in runs:
        r.start += offset
        r.end += offset
        res.runs.append(r)
    # Markers inside a run that is being repaired are part of that run.
    for s0, e0, mk in markers:
        if not any(r.start <= s0 + offset < r.end for r in runs):
            res.markers.append((s0 + offset, e0 + offset, mk))


def _peel_layers(run: _Run) -> _Run:
    """Undo double (or triple) encoding: decode again while the result is still mojibake."""
    if run.lossy or run.accident is not Accident.SINGLE_BYTE:
        return run
    text = "".join(run.pieces)
    layers = 1
    while layers < 3 and _latin_search(text):
        inner = _single_byte_runs(text, run.codec, False)
        if not inner or not all(r.good for r in inner) or any(r.lossy for r in inner):
            break
        # Only when the inner layer covers the text's non-ASCII characters.
        covered = sum(r.end - r.start for r in inner)
        if covered < sum(1 for c in text if ord(c) >= 0x80):
            break
        pieces = list(text)
        for r in sorted(inner, key=lambda r: -r.start):
            pieces[r.start : r.end] = ["".join(r.pieces)]
        text = "".join(pieces)
        layers += 1
    if layers == 1:
        return run
    return _Run(run.start, run.end, run.accident, run.codec, list(text), run.good, 0, layers)


def _confidence(run: _Run) -> float:
    """How sure the detection is that the run is this accident (not a repair confidence)."""
    evidence = run.good + 0.5 * run.lossy
    if run.accident in (Accident.GBK_AS_BIG5, Accident.BIG5_AS_GBK):
        return 0.8
    return round(min(0.99, 1.0 - 0.5 ** (1 + evidence)), 2)


def find_damage(line: str, *, model_getter=None, prefer: str | None = None, lang: str | None = None) -> list[Damage]:
    """The damage in one line: one :class:`Damage` per run and per marker.

    Lossy runs carry ``repaired=None``; :func:`repair_line` decides them.
    ``lang`` is the language the line should be in (it helps spot GBK/Big5 confusions).
    """
    scan = scan_line(line, prefer=prefer, model_getter=model_getter, swap_lang=lang)
    return _damages(line, scan)




def _damages(line: str, scan: LineScan) -> list[Damage]:
    out = []
    for r in scan.runs:
        # Report the damaged stretch without the ASCII around it (a run can be the whole line).
        src = line[r.start : r.end]
        lead = len(src) - len(src.lstrip(_ASCII_CHARS))
        trail = len(src) - len(src.rstrip(_ASCII_CHARS))
        repaired = r.text_if_lossless
        if repaired is not None:
            repaired = repaired[lead : len(repaired) - trail]
        out.append(
            # Damage(start, end, accident, codec, confidence, text, repaired, lossy, layers)
            _record(
                Damage,
                (r.start + lead, r.end - trail, r.accident, r.codec, _confidence(r), src[lead : len(src) - trail], repaired, bool(r.lossy), r.layers),
            )
        )
    for s, e, text in scan.markers:
        accident = Accident.REPLACEMENT_RUN if text.startswith("\ufffd") else Accident.MARKER
        out.append(Damage(s, e, accident, None, 0.99 if accident is Accident.MARKER else 0.95, text, None))
    out.sort(key=lambda d: d.start)
    return out


# --------------------------------------------------------------------------- #
# Repair
# --------------------------------------------------------------------------- #


def repair_line(
    line: str,
    *,
    model: "LanguageModel | None" = None,
    lang: str | None = None,
    prefer: str | None = None,
    line_number: int = 1,
    protected: Sequence[tuple[int, int]] = (),
    scan: LineScan | None = None,
) -> LineRepair:
    """Undo the accidents of one line; the line comes back unchanged when nothing is found.

    ``protected`` lists column ranges (code spans, URLs) that are neither
    scanned nor changed.
    """
    if scan is None:
        getter = _model_getter(model, lang)
        scan = scan_line(line, protected=protected, prefer=prefer, model_getter=getter)
    if not scan.runs:
        return LineRepair(line, tuple(_damages(line, scan)))
    slots: list = []
    pos = 0
    for r in scan.runs:
        slots.extend(line[pos : r.start])
        slots.extend(r.pieces)
        pos = r.end
    slots.extend(line[pos:])
    choices: list[CharChoice] = []
    if _needs_model(scan):  # some characters lost bytes: their slots hold candidates
        lm = model or _load_model(lang, slots)
        decided = lm.choose(slots)
        for i, ranking in decided.items():
            c = slots[i] = ranking.char
            choices.append(_record(CharChoice, (line_number, i + 1, c, ranking.confidence, ranking)))
    text = "".join(slots)
    choices.sort(key=_COLUMN)
    return _record(LineRepair, (text, tuple(_damages(line, scan)), tuple(choices)))


_COLUMN = attrgetter("column")


def _model_getter(model, lang):
    if model is not None:
        return lambda: model
    from transkit import langmodel

    return lambda: langmodel.load(lang or "zh-Hans")


def _load_model(lang: str | None, slots: Sequence) -> "LanguageModel":
    from transkit import langmodel

    if lang is None:
        lang = guess_script("".join(s for s in slots if isinstance(s, str)))
    return langmodel.load(lang)


def guess_script(text: str) -> str:
    """``zh-Hant`` when traditional-only characters outnumber simplified-only ones, else ``zh-Hans``."""
    from transkit.script import tables

    t = tables()
    simp = sum(1 for c in text if c in t.simplified_only_any)
    trad = sum(1 for c in text if c in t.traditional_only_any)
    return "zh-Hant" if trad > simp else "zh-Hans"


# --------------------------------------------------------------------------- #
# Whole documents
# --------------------------------------------------------------------------- #


_TWINS: list[tuple[str, ...]] = []  # made on first use


def _western_twins() -> tuple[str, ...]:
    """Characters Windows-1252 and -1254 give different bytes (Š Ž Ð Ý Þ ð ý þ against Ğ İ Ş ğ ı ş ...), sorted."""
    if not _TWINS:
        a, b = single_byte("cp1252").high, single_byte("cp1254").high
        _TWINS.append(tuple(sorted({x for x, y in zip(a, b) if x != y} | {y for x, y in zip(a, b) if x != y})))
    return _TWINS[0]


def establish_codec(lines: Iterable[str], *, sample: int = 60) -> Evidence:
    """The single-byte code page that explains the document's mojibake best.

    Looks at up to ``sample`` suspicious lines. A code page that alone explains a
    line (Turkish ğ in an emoji's bytes: Windows-1254) gets more weight than one
    that ties with others.
    """
    votes: dict[str, float] = {}
    lossy_lines: dict[str, int] = {}
    explained: dict[str, int] = {}
    seen = 0
    memo = getattr(_tls, "memo", None)
    for line in lines:
        if seen >= sample:
            break
        if line.isascii() or not _latin_search(line):
            continue
        seen += 1
        ok = []
        twin = run = None
        for name in SINGLE_BYTE_CODECS:
            if name == "cp1254" and twin is not None:
                # Windows-1252 and -1254 give this line the same bytes: the same reading.
                run = twin
                if memo is not None:
                    memo[line, name, True] = _Run(run.start, run.end, run.accident, name, run.pieces, run.good, run.lossy)
            else:
                run = _whole_line(line, name, True)
                if name == "cp1252" and run is not None and not _holds_any(line, _western_twins()):
                    twin = run
            if run is not None and run.good:
                ok.append((name, run.lossy))
        if not ok:
            continue
        weight = 3.0 if len(ok) == 1 else 1.0 / len(ok)
        for name, lossy in ok:
            votes[name] = votes.get(name, 0.0) + weight
            explained[name] = explained.get(name, 0) + 1
            if lossy:
                lossy_lines[name] = lossy_lines.get(name, 0) + 1
    if not votes:
        return Evidence(None, False, 0)
    best = max(votes.values())
    codec = next(name for name in SINGLE_BYTE_CODECS if votes.get(name) == best)
    # Lossy once at least two lines (or a fifth of them) could only be read with bytes restored.
    n_lossy = lossy_lines.get(codec, 0)
    lossy = n_lossy >= 2 or (n_lossy and n_lossy * 5 >= explained[codec])
    return Evidence(codec, bool(lossy), explained[codec])


def establish_cjk(lines: Iterable[str], model_getter, *, sample: int = 100, minimum: int = 3) -> str | None:
    """``gb18030`` or ``big5`` when at least ``minimum`` lines are UTF-8 read that way, else ``None``."""
    counts: dict[str, int] = {}
    seen = 0
    for line in lines:
        if seen >= sample:
            break
        if line.isascii() or not _has_cjk(line):
            continue
        seen += 1
        for enc in {r.codec for r in _cjk_runs(line, 0, model_getter)}:
            counts[enc] = counts.get(enc, 0) + 1
    if not counts:
        return None
    enc, n = max(counts.items(), key=lambda kv: kv[1])
    return enc if n >= minimum else None


def repair_text(
    text: str,
    *,
    lang: str | None = None,
    path: str = "<text>",
    model: "LanguageModel | None" = None,
    reference: str | None = None,
    reference_lang: str | None = None,
    lexicon: "Iterable[str] | dict[str, Iterable[str]]" = (),
    whole_file: bool | None = None,
) -> RepairResult:
    """Repair a whole Markdown document; undamaged lines are returned byte for byte.

    Protected spans (code, URLs) are left alone unless the file is damaged
    throughout (``whole_file``; by default, when most lines that are not ASCII
    look damaged), in which case they were damaged by the same accident.

    ``reference`` is an aligned counterpart (for instance the zh-Hans original of
    a damaged zh-Hant file); its words, converted to the document's script, are
    preferred where bytes were lost. ``lexicon`` adds domain terms (a glossary),
    as a list in the document's script or as ``{"zh-Hans": [...], "zh-Hant": [...]}``.
    """
    from transkit.document import Document

    doc = Document.from_text(text, path, lang)
    lines = doc.lines
    masked = [doc.masked(n) if doc.spans(n) else doc.body(n) for n in range(1, len(lines) + 1)]
    protected = {n: [(sp.start, sp.end) for sp in doc.spans(n)] for n in range(1, len(lines) + 1) if doc.spans(n)}
    # Whole-line decodings made while establishing the code page are reused
    # by the line scan below (same line, same code page).
    outer = getattr(_tls, "memo", None)
    _tls.memo = {}
    try:
        return _repair_document(doc, masked, protected, lang, model, reference, reference_lang, lexicon, whole_file)
    finally:
        _tls.memo = outer


def _repair_document(doc, masked, protected, lang, model, reference, reference_lang, lexicon, whole_file) -> RepairResult:
    from transkit.document import line_body

    lines = doc.lines
    evidence = establish_codec(masked)
    codec = evidence.codec
    lm_holder: dict = {}

    def getter():
        if "lm" not in lm_holder:
            lm_holder["lm"] = _prepare_model(model, lang or _guess_from_lines(masked), reference, reference_lang, lexicon)
        return lm_holder["lm"]

    cjk = establish_cjk(masked, getter) if not codec else None
    # A file damaged throughout is repaired throughout: the accident also hit its
    # code spans, and GBK mojibake can even swallow the backticks that make them.
    suspicious = [looks_damaged(m) for m in masked]
    if whole_file is None:
        n_suspicious = suspicious.count(True)
        nonascii = sum(1 for m in masked if not m.isascii())
        whole_file = n_suspicious >= 3 and n_suspicious * 2 >= nonascii

    out_lines = list(lines)
    changed: list[int] = []
    damages: list[tuple[int, Damage]] = []
    choices: list[CharChoice] = []
    for n, raw in enumerate(lines, start=1):
        line = masked[n - 1]
        if not (suspicious[n - 1] or (evidence.lossy and not line.isascii())):
            continue
        body = line_body(raw)
        scan = scan_line(
            body,
            protected=() if whole_file else protected.get(n, ()),
            prefer=codec,
            lossy_only=evidence.lossy,
            model_getter=getter,
            cjk_prefer=cjk,
        )
        if not scan.runs and not scan.markers:
            continue
        rep = repair_line(body, model=getter() if _needs_model(scan) else None, lang=lang, line_number=n, scan=scan)
        damages.extend(zip(repeat(n), rep.damages))
        if rep.text != body:
            out_lines[n - 1] = rep.text + raw[len(body) :]
            changed.append(n)
            choices.extend(rep.choices)
    return RepairResult("".join(out_lines), tuple(changed), tuple(damages), tuple(choices), codec)


def _needs_model(scan: LineScan) -> bool:
    for r in scan.runs:
        if r.lossy:
            return True
    return False


def _guess_from_lines(lines: Sequence[str], *, enough: int = 400) -> str:
    """The script of a document from its intact characters and its lossless mojibake repaired.

    Lines are read until ``enough`` characters of one script only have been
    seen with at least four times as many as of the other: a damaged line
    costs a scan, and a long document settles the question early.
    """
    from transkit.script import tables

    t = tables()
    simp_only, trad_only = t.simplified_only_any, t.traditional_only_any
    simp = trad = 0
    for line in lines:
        if line.isascii():
            continue
        if looks_damaged(line):
            sample = "".join(p for r in scan_line(line).runs for p in r.pieces if isinstance(p, str))
        else:
            sample = line
        simp += sum(1 for c in sample if c in simp_only)
        trad += sum(1 for c in sample if c in trad_only)
        if simp + trad >= enough and (trad >= 4 * simp or simp >= 4 * trad):
            break
    return "zh-Hant" if trad > simp else "zh-Hans"


def _prepare_model(model, lang, reference, reference_lang, lexicon):
    from transkit import langmodel

    lm = model or langmodel.load(lang)
    if isinstance(lexicon, dict):
        # Terms per language: take those written in the model's script.
        terms = tuple(lexicon.get("zh-Hant" if lm.script == "Hant" else "zh-Hans", ()))
    else:
        terms = tuple(lexicon)

    def make():
        # Which of the terms' shorter pieces are dictionary words is left to
        # the lookups the decoder makes anyway: see LanguageModel.lexicon_words.
        extra, known = lm.lexicon_words(terms) if terms else ({}, None)
        if reference:
            for ref in _to_script(reference, lm.script, reference_lang):
                for w, s in lm.reference_scores(ref).items():
                    extra[w] = max(extra.get(w, s), s)
        return extra, known

    if not terms and not reference:
        return lm
    # The same glossary (and reference) gives the same model, with what it has learnt.
    return lm.extension(("terms", terms, reference, reference_lang), make)


def _to_script(text: str, script: str, source_lang: str | None = None) -> list[str]:
    """``text`` in ``script``: as it is when already there, else through OpenCC.

    For Traditional both Taiwan phrasing (s2twp) and plain character mapping
    (s2t) are returned: a damaged file may use either (應用程式 or 應用程序).
    """
    if script == "Hant" and source_lang in ("zh-Hant", "zh-HK"):
        return [text]
    if script == "Hans" and source_lang == "zh-Hans":
        return [text]
    import opencc

    if script == "Hant":
        return [opencc.OpenCC("s2twp").convert(text), opencc.OpenCC("s2t").convert(text)]
    return [opencc.OpenCC("t2s").convert(text)]


def simulate(text: str, codec: str = "cp1254", *, lossy: bool = True) -> str:
    """Damage ``text`` the way a careless tool does (for tests and benchmarks).

    UTF-8 bytes decoded with ``codec``; when ``lossy``, bytes the code page
    leaves undefined are dropped and soft hyphens removed, which is what
    happened to the user's zh-Hant fragment.

        >>> simulate("模型部署")  # 型 lost its 0x9E
        'æ¨¡å‹éƒ¨ç½²'
    """
    data = text.encode("utf-8")
    if not lossy:
        return data.decode(codec, errors="surrogateescape")
    return data.decode(codec, errors="ignore").replace("\u00ad", "")


def score_repair(original: str, damaged: str, repaired: str) -> dict:
    """Accuracy of a repair against the original: characters and damaged lines restored exactly.

    Lines are compared one to one (the accidents keep line breaks); a damaged
    line counts only if it differs from the original.
    """
    orig = original.split("\n")
    dmg = damaged.split("\n")
    rep = repaired.split("\n")
    if not (len(orig) == len(dmg) == len(rep)):
        raise ValueError("line counts differ: the repair must keep every line")
    damaged_lines = exact = char_errors = 0
    for o, d, r in zip(orig, dmg, rep):
        if o != d:
            damaged_lines += 1
            exact += o == r
        if o != r:
            if len(o) == len(r):
                char_errors += sum(a != b for a, b in zip(o, r))
            else:
                char_errors += max(len(o), len(r))
    return {
        "characters": len(original),
        "character_errors": char_errors,
        "characters_exact": 1 - char_errors / max(1, len(original)),
        "damaged_lines": damaged_lines,
        "damaged_lines_exact": exact,
        "lines_exact": exact / max(1, damaged_lines),
    }
