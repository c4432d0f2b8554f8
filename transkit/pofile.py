"""The gettext PO format: read it tolerantly, write it the way GNU tools do, compile .mo.

A :class:`Catalog` is a header entry plus a tuple of :class:`Entry` values.
:func:`parse` never stops at the first problem: every line it cannot read
becomes a :class:`Problem` with its line and column, which the PO lint turns
into TK010 diagnostics, and the rest of the file is still read. Each entry
remembers where its ``msgstr`` strings sit in the file, so a finding inside a
translation can be reported at its own line and column.

    >>> cat = parse('msgid ""\\nmsgstr "Language: zh_Hant\\\\n"\\n\\n#, fuzzy\\nmsgid "Hello"\\nmsgstr "你好"\\n').catalog
    >>> cat.language, [(e.msgid, e.msgstr, e.fuzzy) for e in cat.entries]
    ('zh_Hant', [('Hello', '你好', True)])
    >>> parse(dumps(cat)).catalog == cat
    True
"""

from __future__ import annotations

import re
import struct
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Iterable

# --------------------------------------------------------------------------- #
# Values
# --------------------------------------------------------------------------- #


# One quoted string of a field as written: (line (1-based), column of the first character
# inside the quotes (0-based code points), the text between the quotes with escapes as
# written). Plain tuples: a catalog of 20,000 entries has over 100,000 of them.
Piece = tuple[int, int, str]


@dataclass(frozen=True)
class Entry:
    """One message. ``msgstr_plural`` holds ``msgstr[0]``... when ``msgid_plural`` is set."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    extracted_comments: tuple[str, ...] = ()
    translator_comments: tuple[str, ...] = ()
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    # Where the entry was read from (0 for entries built in memory); not part of equality.
    line: int = field(default=0, compare=False)
    msgstr_pieces: tuple[tuple[Piece, ...], ...] = field(default=(), compare=False, repr=False)
    msgid_line: int = field(default=0, compare=False)
    msgid_pieces: tuple[tuple[Piece, ...], ...] = field(default=(), compare=False, repr=False)  # msgid, msgid_plural

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        """Has a non-empty translation (every plural form, for plural entries)."""
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural)
        return bool(self.msgstr)

    @property
    def translations(self) -> tuple[str, ...]:
        return self.msgstr_plural if self.msgid_plural is not None else (self.msgstr,)

    def with_flag(self, flag: str, on: bool = True) -> "Entry":
        flags = tuple(f for f in self.flags if f != flag)
        if on:
            flags = (flag, *flags) if flag == "fuzzy" else (*flags, flag)
        return replace(self, flags=flags)


@dataclass(frozen=True)
class Catalog:
    """A PO file's content: the header entry (``msgid ""``) and the messages in file order."""

    header: Entry | None = None
    entries: tuple[Entry, ...] = ()

    @property
    def metadata(self) -> dict[str, str]:
        """Header fields (``Language``, ``Plural-Forms`` ...) in file order."""
        return parse_metadata(self.header.msgstr if self.header else "")

    @property
    def language(self) -> str | None:
        return self.metadata.get("Language") or None

    def with_metadata(self, **fields: str) -> "Catalog":
        """A copy with header fields set (``Plural_Forms=`` names ``Plural-Forms``)."""
        meta = self.metadata
        for k, v in fields.items():
            meta[k.replace("_", "-")] = v
        header = self.header or Entry("")
        return replace(self, header=replace(header, msgstr=format_metadata(meta)))

    def active(self) -> list[Entry]:
        return [e for e in self.entries if not e.obsolete]

    def index(self) -> dict[tuple[str | None, str], Entry]:
        return {e.key: e for e in self.entries if not e.obsolete}


@dataclass(frozen=True)
class Problem:
    """Something :func:`parse` could not read, or a rule the file breaks."""

    kind: str  # "syntax", "duplicate"
    line: int
    column: int  # 1-based
    message: str


@dataclass(frozen=True)
class ParseResult:
    catalog: Catalog
    problems: tuple[Problem, ...]


# The header's charset (in Content-Type) and a well-formed Plural-Forms (N >= 1).
CHARSET = re.compile(r"charset=([\w.-]+)", re.IGNORECASE)
PLURAL_FORMS = re.compile(r"^\s*nplurals\s*=\s*([1-9]\d*)\s*;\s*plural\s*=\s*[^;]+;?\s*$")


def is_utf8(charset: str) -> bool:
    return charset.upper().replace("_", "-") in ("UTF-8", "UTF8")


def parse_metadata(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip():
            out[key.strip()] = value.strip()
    return out


def format_metadata(meta: dict[str, str]) -> str:
    return "".join(f"{k}: {v}\n" for k, v in meta.items())


# --------------------------------------------------------------------------- #
# Escapes
# --------------------------------------------------------------------------- #

_UNESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "a": "\a", "b": "\b", "f": "\f", "v": "\v", "'": "'", "?": "?"}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
_ESCAPE_SEQ = re.compile(r"\\(?:([ntr\\\"abfv'?])|([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.?))")


def escape(text: str) -> str:
    r"""Text as it goes between the quotes of a PO string.

    >>> escape('say "hi"\n')
    'say \\"hi\\"\\n'
    """
    if not _NEEDS_ESCAPE.search(text):
        return text
    return _NEEDS_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(0)) or f"\\{ord(m.group(0)):03o}", text)


class _BadEscape(ValueError):
    def __init__(self, offset: int, seq: str) -> None:
        super().__init__(seq)
        self.offset = offset
        self.seq = seq


def unescape(raw: str) -> str:
    r"""The text a quoted PO string stands for; raises ValueError on an unknown escape.

    >>> unescape(r'a\tb\"c\\n\101')
    'a\tb"c\\nA'
    """
    if "\\" not in raw:
        return raw

    def sub(m: re.Match) -> str:
        if m.group(1):
            return _UNESCAPES[m.group(1)]
        if m.group(2):
            return chr(int(m.group(2), 8))
        if m.group(3):
            return chr(int(m.group(3), 16))
        raise _BadEscape(m.start(), m.group(0))

    return _ESCAPE_SEQ.sub(sub, raw)


def raw_column(raw: str, offset: int) -> int:
    """Column in ``raw`` (escapes as written) of the character at ``offset`` in its unescaped text."""
    if "\\" not in raw:
        return min(offset, len(raw))
    pos = 0
    seen = 0
    for m in _ESCAPE_SEQ.finditer(raw):
        plain = m.start() - pos
        if seen + plain > offset:
            return pos + (offset - seen)
        seen += plain
        if seen == offset:
            return m.start()
        seen += 1
        pos = m.end()
    return pos + (offset - seen)


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #

_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)[ \t]*(?=\")")


class _Builder:
    """Collects the lines of one entry."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.fields: dict[str, list[Piece]] = {}
        self.order: list[str] = []
        self.previous: dict[str, list[Piece]] = {}
        self.flags: list[str] = []
        self.references: list[str] = []
        self.extracted: list[str] = []
        self.translator: list[str] = []
        self.obsolete = False
        self.first_line = 0
        self.last: list[Piece] | None = None  # where a continuation string goes
        self.last_previous = False  # whether ``last`` belongs to a #| field
        self.damaged = False  # a string of this entry could not be read: the entry is dropped

    @property
    def has_message(self) -> bool:
        return bool(self.fields)

    @property
    def has_msgstr(self) -> bool:
        f = self.fields
        return "msgstr" in f or (len(f) > 1 and any(k.startswith("msgstr[") for k in f))


_STR = r'[^"\\\n]*(?:\\[ntr"\\abfv][^"\\\n]*)*'
# One whole entry of the common shape (comments, optional msgctxt, msgid, msgstr), ending at a
# blank line or the end of the file: read with one regular expression instead of line by line.
_SIMPLE = re.compile(
    r"(?P<com>(?:#(?:[ .:,][^\n]*)?\n)*)"
    r'(?:msgctxt "(?P<c>' + _STR + r')"\n(?P<cm>(?:"' + _STR + r'"\n)*))?'
    r'msgid "(?P<i>' + _STR + r')"\n(?P<im>(?:"' + _STR + r'"\n)*)'
    r'msgstr "(?P<s>' + _STR + r')"(?P<sm>(?:\n"' + _STR + r'")*)'
    r"(?:\n(?=\n|\Z)|\Z)"
)


def _more(block: str, line: int, leading_newline: bool) -> list[Piece]:
    """Continuation strings of a block matched by ``_SIMPLE``, one per line from ``line``."""
    if not block:
        return []
    parts = block.split("\n")
    parts = parts[1:] if leading_newline else parts[:-1]
    return [(line + k, 1, part[1:-1]) for k, part in enumerate(parts)]


def parse(text: str) -> ParseResult:
    """Read a PO file; never raises: unreadable lines are reported as problems."""
    problems: list[Problem] = []
    header: Entry | None = None
    entries: list[Entry] = []
    seen: dict[tuple[bool, str | None, str], int] = {}
    b = _Builder()

    def add(entry: Entry) -> None:
        nonlocal header
        if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete:
            if header is None and not entries:
                header = entry
                return
            problems.append(Problem("syntax", entry.msgid_line or entry.line, 1, "an empty msgid is reserved for the header entry, which must come first"))
            return
        key = (entry.obsolete, entry.msgctxt, entry.msgid)
        if key in seen:
            if not entry.obsolete:
                what = f"msgid {_preview(entry.msgid)}" + (f" (msgctxt {_preview(entry.msgctxt)})" if entry.msgctxt is not None else "")
                problems.append(Problem("duplicate", entry.msgid_line or entry.line, 1, f"duplicate message definition: {what}, first defined at line {seen[key]}"))
            return
        seen[key] = entry.msgid_line or entry.line
        entries.append(entry)

    def finish() -> None:
        if not b.fields:
            # Comments with no message after them (a trailing comment block) are legal and dropped.
            if b.first_line:
                b.reset()
            return
        entry = None if b.damaged else _make_entry(b, problems)
        b.reset()
        if entry is not None:
            add(entry)

    def feed(line: str, n: int) -> None:
        if line.endswith("\r"):
            line = line[:-1]
        first = line[:1]
        if first == '"':
            last = b.last
            if last is not None and line[-1] == '"' and len(line) > 1:
                raw = line[1:-1]
                if '"' not in raw and "\\" not in raw:
                    last.append((n, 1, raw))
                    return
        elif not line.strip(" \t"):
            finish()
            return
        _slow_line(line, n, b, problems, finish)

    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        # CRLF and classic Mac CR endings read as LF (read with LF alone, a CR-only
        # file is one comment line: no entries, and an update would drop them all).
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    size = len(text)
    pos = 0
    n = 1
    simple = _SIMPLE.match
    while pos < size:
        if text[pos] == "\n":
            finish()
            pos += 1
            n += 1
            continue
        if not b.first_line:
            m = simple(text, pos)
            if m is not None:
                add(_simple_entry(m, n))
                n += text.count("\n", pos, m.end())
                pos = m.end()
                continue
        # Anything else: line by line up to the next blank line.
        end = text.find("\n\n", pos)
        end = size if end == -1 else end + 1
        segment = text[pos:end]
        lines = segment.split("\n")
        if segment.endswith("\n"):
            lines.pop()
        for line in lines:
            feed(line, n)
            n += 1
        pos = end
    finish()
    return ParseResult(Catalog(header, tuple(entries)), tuple(problems))


def _simple_entry(m: re.Match, line: int) -> Entry:
    flags: list[str] = []
    refs: list[str] = []
    extracted: list[str] = []
    translator: list[str] = []
    com = m.group("com")
    first = line
    if com:
        for cl in com.split("\n")[:-1]:
            kind = cl[1:2]
            if kind == ":":
                refs.extend(cl[2:].split())
            elif kind == ".":
                rest = cl[2:]
                extracted.append(rest[1:] if rest.startswith(" ") else rest)
            elif kind == ",":
                flags.extend(f.strip(" \t") for f in cl[2:].split(",") if f.strip(" \t"))
            else:
                translator.append(cl[2:])
            line += 1
    ctxt = None
    if m.group("c") is not None:
        cpieces = [(line, 9, m.group("c"))] + _more(m.group("cm"), line + 1, False)
        line += len(cpieces)
        ctxt = _join(cpieces)
    ids = [(line, 7, m.group("i"))] + _more(m.group("im"), line + 1, False)
    line += len(ids)
    strs = [(line, 8, m.group("s"))] + _more(m.group("sm"), line + 1, True)
    return Entry(
        msgid=_join(ids),
        msgstr=_join(strs),
        msgctxt=ctxt,
        flags=tuple(flags),
        references=tuple(refs),
        extracted_comments=tuple(extracted),
        translator_comments=tuple(translator),
        line=first,
        msgstr_pieces=(tuple(strs),),
        msgid_line=ids[0][0],
        msgid_pieces=(tuple(ids),),
    )


def _slow_line(line: str, n: int, b: "_Builder", problems: list[Problem], finish) -> None:
    """Any line the fast paths of :func:`parse` did not take."""
    s = line.strip(" \t")
    if not s:
        finish()
        return
    obsolete = False
    offset = len(line) - len(line.lstrip(" \t"))
    body = line[offset:]
    if not body.startswith("#") or body.startswith(("#~", "#|")):
        # Comments keep trailing blanks; strings and keywords do not need them.
        body = body.rstrip(" \t")
    if body.startswith("#~"):
        obsolete = True
        inner = body[2:]
        if inner.startswith("|"):
            body = "#" + inner
            offset += 1
        else:
            stripped = inner.lstrip(" \t")
            offset += 2 + len(inner) - len(stripped)
            body = stripped
            if not body:
                return
    if body.startswith("#"):
        if b.has_msgstr:
            finish()
        if not b.first_line:
            b.first_line = n
        b.obsolete = b.obsolete or obsolete
        if body.startswith("#|"):
            prev = body[2:].lstrip(" \t")
            col = offset + len(body) - len(prev)
            if prev.startswith('"'):
                if b.last is None or not b.last_previous:
                    problems.append(Problem("syntax", n, col + 1, "string continuation without a keyword before it (#| msgid ...)"))
                    return
                piece = _string(prev, n, col, problems)
                if piece is not None:
                    b.last.append(piece)
                else:
                    b.damaged = True
                return
            _keyword_line(prev, n, col, b, problems, previous=True)
            return
        kind = body[1:2]
        rest = body[2:]
        if kind == ",":
            b.flags.extend(f.strip(" \t") for f in rest.split(",") if f.strip(" \t"))
        elif kind == ":":
            b.references.extend(rest.split())
        elif kind == ".":
            b.extracted.append(rest[1:] if rest.startswith(" ") else rest)
        elif kind == " " or kind == "":
            b.translator.append(line[offset + 2 :] if kind else "")
        else:
            b.translator.append(body[1:])
        return
    if obsolete != b.obsolete and b.fields:
        finish()
    if body.startswith('"'):
        if b.last is None:
            problems.append(Problem("syntax", n, offset + 1, "string continuation without a keyword before it (msgid, msgstr ...)"))
            return
        piece = _string(body, n, offset, problems)
        if piece is not None:
            b.last.append(piece)
        else:
            b.damaged = True
        return
    if body.startswith(("msgctxt", "msgid")) and b.has_msgstr:
        finish()
    if not b.first_line:
        b.first_line = n
    b.obsolete = b.obsolete or obsolete
    _keyword_line(body, n, offset, b, problems, previous=False)


def _keyword_line(body: str, n: int, offset: int, b: _Builder, problems: list[Problem], *, previous: bool) -> None:
    m = _KEYWORD.match(body)
    if not m:
        word = body.split(None, 1)[0] if body.split() else body
        if previous and not body.strip():
            return
        expected = "msgctxt, msgid or msgid_plural" if previous else "msgctxt, msgid, msgid_plural, msgstr or msgstr[N] followed by a quoted string"
        problems.append(Problem("syntax", n, offset + 1, f"cannot read {_preview(word, 20)}: expected {expected}"))
        b.last = None
        b.damaged = True
        return
    name = m.group(1)
    store = b.previous if previous else b.fields
    if previous and name.startswith("msgstr"):
        problems.append(Problem("syntax", n, offset + 1, "a previous-message comment (#|) cannot hold msgstr"))
        b.last = None
        return
    if name in store:
        problems.append(Problem("syntax", n, offset + 1, f"{name} appears twice in one entry (a missing blank line between entries?)"))
        b.last = None
        return
    piece = _string(body[m.end():], n, offset + m.end(), problems)
    if piece is None:
        b.damaged = True
    b.last = store[name] = [piece] if piece is not None else []
    b.last_previous = previous
    if not previous:
        b.order.append(name)


def _string(s: str, n: int, offset: int, problems: list[Problem]) -> Piece | None:
    """A quoted string at the start of ``s`` (which starts with '"') and nothing after it."""
    end = s.rstrip(" \t")
    if len(end) < 2 or not end.endswith('"') or not _closed(end):
        problems.append(Problem("syntax", n, offset + 1, "unterminated string: a quoted string must end with \" on the same line"))
        return None
    raw = end[1:-1]
    if '"' in raw:
        # An unescaped quote inside: text after a closed string.
        i = _unescaped_quote(raw)
        if i is not None:
            problems.append(Problem("syntax", n, offset + 3 + i, "unexpected text after a closed string (escape the quote as \\\")"))
            return None
    try:
        unescape(raw)
    except _BadEscape as exc:
        problems.append(Problem("syntax", n, offset + 2 + exc.offset, f"invalid escape sequence {exc.seq!r}"))
        return None
    return (n, offset + 1, raw)


def _closed(s: str) -> bool:
    """Whether the final quote of ``s`` is not itself escaped (an even run of backslashes before it)."""
    k = len(s) - 2
    count = 0
    while k >= 0 and s[k] == "\\":
        count += 1
        k -= 1
    return count % 2 == 0


def _unescaped_quote(raw: str) -> int | None:
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            return i
        i += 1
    return None


def _join(pieces: list[Piece]) -> str:
    if len(pieces) == 1:
        return unescape(pieces[0][2])
    raws = [p[2] for p in pieces]
    joined = "".join(raws)
    # Unescaped piece by piece: an octal escape must not run into the next piece's digits.
    return joined if "\\" not in joined else "".join(unescape(r) for r in raws)


def _make_entry(b: _Builder, problems: list[Problem]) -> Entry | None:
    f = b.fields
    first = b.first_line
    order = b.order
    if (order == ["msgid", "msgstr"] or order == ["msgctxt", "msgid", "msgstr"]) and not b.previous:
        # The common shape, without the checks below.
        ids = f["msgid"]
        strs = f["msgstr"]
        return Entry(
            msgid=_join(ids),
            msgstr=_join(strs),
            msgctxt=_join(f["msgctxt"]) if len(order) == 3 else None,
            flags=tuple(b.flags),
            references=tuple(b.references),
            extracted_comments=tuple(b.extracted),
            translator_comments=tuple(b.translator),
            obsolete=b.obsolete,
            line=first,
            msgstr_pieces=(tuple(strs),),
            msgid_line=ids[0][0] if ids else first,
            msgid_pieces=(tuple(ids),),
        )
    if "msgid" not in f:
        line = min(p[0] for ps in f.values() for p in ps) if any(f.values()) else first
        problems.append(Problem("syntax", line, 1, "entry without msgid"))
        return None
    plural = "msgid_plural" in f
    msgstr = ""
    forms: list[tuple[int, list[Piece]]] = []
    for name in b.order:
        if name.startswith("msgstr["):
            forms.append((int(name[7:-1]), f[name]))
    if plural:
        if "msgstr" in f:
            problems.append(Problem("syntax", _line_of(f["msgstr"], first), 1, "an entry with msgid_plural needs msgstr[0], msgstr[1] ..., not msgstr"))
        if not forms:
            problems.append(Problem("syntax", first, 1, "an entry with msgid_plural has no msgstr[N]"))
        forms.sort()
        if [k for k, _ in forms] != list(range(len(forms))):
            problems.append(Problem("syntax", _line_of(forms[0][1], first) if forms else first, 1, "plural forms must be numbered msgstr[0], msgstr[1] ... without gaps"))
    else:
        if forms:
            problems.append(Problem("syntax", _line_of(forms[0][1], first), 1, "msgstr[N] without msgid_plural"))
        if "msgstr" not in f:
            problems.append(Problem("syntax", _line_of(f["msgid"], first), 1, "entry without msgstr"))
        else:
            msgstr = _join(f["msgstr"])
    prev = b.previous
    return Entry(
        msgid=_join(f["msgid"]),
        msgstr=msgstr,
        msgctxt=_join(f["msgctxt"]) if "msgctxt" in f else None,
        msgid_plural=_join(f["msgid_plural"]) if plural else None,
        msgstr_plural=tuple(_join(ps) for _, ps in forms) if plural else (),
        flags=tuple(b.flags),
        references=tuple(b.references),
        extracted_comments=tuple(b.extracted),
        translator_comments=tuple(b.translator),
        previous_msgctxt=_join(prev["msgctxt"]) if "msgctxt" in prev else None,
        previous_msgid=_join(prev["msgid"]) if "msgid" in prev else None,
        previous_msgid_plural=_join(prev["msgid_plural"]) if "msgid_plural" in prev else None,
        obsolete=b.obsolete,
        line=first,
        msgstr_pieces=tuple(tuple(ps) for _, ps in forms) if plural else (tuple(f.get("msgstr", ())),),
        msgid_line=_line_of(f["msgid"], first),
        msgid_pieces=(tuple(f["msgid"]), tuple(f.get("msgid_plural", ()))) if plural else (tuple(f["msgid"]),),
    )


def _line_of(pieces: list[Piece], default: int) -> int:
    return pieces[0][0] if pieces else default


def _preview(text: str | None, limit: int = 40) -> str:
    text = text or ""
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return '"' + escape(shown) + '"'


def locate_in(pieces: tuple[Piece, ...], offset: int) -> tuple[int, int] | None:
    """The (line, 1-based column) in the file of character ``offset`` of the string made of ``pieces``."""
    seen = 0
    last = len(pieces) - 1
    for k, (line, column, raw) in enumerate(pieces):
        size = len(unescape(raw))
        if offset < seen + size or (offset == seen + size and k == last):
            return line, column + raw_column(raw, offset - seen) + 1
        seen += size
    return None


def locate(entry: Entry, form: int, offset: int) -> tuple[int, int] | None:
    """The (line, 1-based column) in the PO file of character ``offset`` of a msgstr.

    ``form`` is 0 for a plain msgstr, the plural index otherwise. ``None`` for
    entries not read from a file.
    """
    if form >= len(entry.msgstr_pieces):
        return None
    return locate_in(entry.msgstr_pieces[form], offset)


def locate_msgid(entry: Entry, form: int, offset: int) -> tuple[int, int] | None:
    """Like :func:`locate`, in the msgid (``msgid_plural`` for plural forms after the first)."""
    k = 1 if form and entry.msgid_plural is not None else 0
    if k >= len(entry.msgid_pieces):
        return None
    return locate_in(entry.msgid_pieces[k], offset)


# --------------------------------------------------------------------------- #
# Writing
# --------------------------------------------------------------------------- #

WIDTH = 79


def _width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_CHUNK = re.compile(r"[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]*\s*|.\s*", re.DOTALL)


def _wrap(text: str, room: int) -> list[str]:
    """Split ``text`` into pieces whose escaped form fits ``room`` columns.

    Breaks follow a space, or fall between two CJK characters (gettext's own
    tools break there too); a word longer than the room is left whole.
    """
    out: list[str] = []
    cur = ""
    cur_w = 0
    for m in _CHUNK.finditer(text):
        chunk = m.group(0)
        if not chunk:
            continue
        w = _width(escape(chunk))
        if cur and cur_w + w > room:
            out.append(cur)
            cur, cur_w = "", 0
        cur += chunk
        cur_w += w
    if cur or not out:
        out.append(cur)
    return out


def _string_lines(prefix: str, keyword: str, text: str, width: int) -> list[str]:
    one = f'{prefix}{keyword} "{escape(text)}"'
    body = text[:-1] if text.endswith("\n") else text
    if "\n" not in body and _width(one) <= width:
        return [one]
    room = max(width - len(prefix) - 2, 20)
    parts: list[str] = []
    for seg in text.split("\n"):
        parts.append(seg)
    # re-attach the newlines to the segment they end
    segs = [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    lines = [f'{prefix}{keyword} ""']
    for seg in segs:
        for piece in _wrap(seg, room):
            lines.append(f'{prefix}"{escape(piece)}"')
    return lines


def _packed(prefix: str, items: Iterable[str], width: int) -> list[str]:
    lines: list[str] = []
    cur = prefix
    for item in items:
        if cur != prefix and _width(cur) + 1 + _width(item) > width:
            lines.append(cur)
            cur = prefix
        cur = f"{cur} {item}" if cur != prefix else f"{prefix} {item}"
    if cur != prefix:
        lines.append(cur)
    return lines


def entry_lines(e: Entry, width: int = WIDTH) -> list[str]:
    """The lines of one entry, in GNU order: comments, flags, previous msgid, message."""
    out: list[str] = []
    for c in e.translator_comments:
        out.append(f"# {c}" if c else "#")
    for c in e.extracted_comments:
        out.append(f"#. {c}" if c else "#.")
    if e.references and not e.obsolete:
        out.extend(_packed("#:", e.references, width))
    if e.flags:
        out.append("#, " + ", ".join(e.flags))
    pre = "#~ " if e.obsolete else ""
    prev = "#~| " if e.obsolete else "#| "
    if e.previous_msgctxt is not None:
        out.extend(_string_lines(prev, "msgctxt", e.previous_msgctxt, width))
    if e.previous_msgid is not None:
        out.extend(_string_lines(prev, "msgid", e.previous_msgid, width))
    if e.previous_msgid_plural is not None:
        out.extend(_string_lines(prev, "msgid_plural", e.previous_msgid_plural, width))
    if e.msgctxt is not None:
        out.extend(_string_lines(pre, "msgctxt", e.msgctxt, width))
    out.extend(_string_lines(pre, "msgid", e.msgid, width))
    if e.msgid_plural is not None:
        out.extend(_string_lines(pre, "msgid_plural", e.msgid_plural, width))
        for k, s in enumerate(e.msgstr_plural):
            out.extend(_string_lines(pre, f"msgstr[{k}]", s, width))
    else:
        out.extend(_string_lines(pre, "msgstr", e.msgstr, width))
    return out


def dumps(catalog: Catalog, width: int = WIDTH) -> str:
    """The catalog as PO text (UTF-8, ``\\n`` line endings, entries separated by blank lines)."""
    blocks: list[str] = []
    if catalog.header is not None:
        blocks.append("\n".join(entry_lines(catalog.header, width)))
    for e in catalog.entries:
        blocks.append("\n".join(entry_lines(e, width)))
    return "\n\n".join(blocks) + "\n" if blocks else ""


# --------------------------------------------------------------------------- #
# Compiling
# --------------------------------------------------------------------------- #


def mo_bytes(catalog: Catalog, *, use_fuzzy: bool = False) -> bytes:
    """The catalog compiled to GNU .mo (little-endian, no hash table).

    Like ``msgfmt``: untranslated and obsolete entries are left out, and so are
    fuzzy ones unless ``use_fuzzy``. The header is always included, without
    its ``POT-Creation-Date``.
    """
    pairs: list[tuple[bytes, bytes]] = []
    if catalog.header is not None:
        # msgfmt drops the template's date, so a .mo does not change when only the .pot was re-extracted.
        header = "".join(ln for ln in catalog.header.msgstr.splitlines(keepends=True) if not ln.startswith("POT-Creation-Date:"))
        pairs.append((b"", header.encode("utf-8")))
    for e in catalog.entries:
        if e.obsolete or not e.translated or (e.fuzzy and not use_fuzzy):
            continue
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is not None:
            key += "\x00" + e.msgid_plural
            value = "\x00".join(e.msgstr_plural)
        else:
            value = e.msgstr
        pairs.append((key.encode("utf-8"), value.encode("utf-8")))
    pairs.sort(key=lambda kv: kv[0])
    n = len(pairs)
    header_size = 7 * 4
    ids_at = header_size
    strs_at = ids_at + n * 8
    data_at = strs_at + n * 8
    ids = bytearray()
    strs = bytearray()
    blob = bytearray()
    for key, _ in pairs:
        ids += struct.pack("<II", len(key), data_at + len(blob))
        blob += key + b"\x00"
    for _, value in pairs:
        strs += struct.pack("<II", len(value), data_at + len(blob))
        blob += value + b"\x00"
    head = struct.pack("<IIIIIII", 0x950412DE, 0, n, ids_at, strs_at, 0, data_at)
    return bytes(head + ids + strs + blob)
