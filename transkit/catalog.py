"""Gettext catalogs from aligned Markdown: extract, build, update, apply, and lint PO files.

A *unit* is what a translator translates in one piece: a heading, a paragraph,
a list item, a table cell, an image's alt text (and, when asked for, a front
matter value). Inline Markdown stays inside the unit, so ``**bold**``,
`` `code` `` and links reach the translator as written; code blocks, HTML and
reference definitions are never units. Each unit knows the columns it occupies
on each of its lines, so a translation can be put back in its place without
touching the list markers, indentation, table pipes or line endings around it.

- :func:`extract` turns source documents into a template (.pot);
- :func:`build` fills a catalog from a translation that already exists as
  Markdown, pairing units through the section and block alignment (so a
  dropped paragraph costs one entry, not every entry after it); pairs the
  alignment is unsure of are marked fuzzy;
- :func:`update` merges a catalog with a new template the way ``msgmerge``
  does, except that a change in whitespace alone keeps the translation;
- :func:`apply` writes the translated Markdown: the source with each unit
  replaced by its translation, untranslated units left in the source language
  and reported;
- :func:`lint_po` runs the text checks on every msgstr and reports findings at
  their line and column in the .po file.

    >>> src = Document.from_text("# Guide\\n\\nRun `make`.\\n", "guide.md", "en")
    >>> cat = extract([src])
    >>> [(e.msgid, e.references) for e in cat.entries]
    [('Guide', ('guide.md:1',)), ('Run `make`.', ('guide.md:3',))]
"""

from __future__ import annotations

import enum
import os
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from transkit import lang as langs
from transkit import pofile
from transkit.document import Block, BlockKind, Document, line_body, plain_heading
from transkit.errors import InputError, TranskitError
from transkit.pofile import Catalog, Entry

if TYPE_CHECKING:  # pragma: no cover
    from transkit.checks.base import Check
    from transkit.config import Config
    from transkit.diagnostics import Diagnostic
    from transkit.resources import Resources

__all__ = [
    "UnitKind",
    "Unit",
    "units",
    "extract",
    "build",
    "update",
    "apply",
    "lint_po",
    "BuildResult",
    "UpdateResult",
    "ApplyResult",
]

FUZZY_BELOW = 0.5  # unit pairs the alignment is less sure of are marked fuzzy
MATCH_CUTOFF = 60.0  # rapidfuzz ratio (0-100) for msgmerge-style fuzzy matching
FRONT_MATTER_HEADER = "X-Transkit-Front-Matter"


class CatalogError(TranskitError):
    """A catalog or its source cannot be read or does not fit the operation."""


# --------------------------------------------------------------------------- #
# Units
# --------------------------------------------------------------------------- #


class UnitKind(enum.Enum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list item"
    TABLE_CELL = "table cell"
    IMAGE_ALT = "image alt text"
    FRONT_MATTER = "front matter"


@dataclass(frozen=True)
class Slot:
    """Where a unit's text sits on one line: 0-based code point columns ``[start, end)``."""

    line: int  # 1-based
    start: int
    end: int


@dataclass(frozen=True)
class Unit:
    """One translatable piece of a document.

    ``text`` is the msgid: the slots' contents joined with ``\\n``. An *inline*
    unit (table cell, alt text, ATX heading, front matter value) has one slot
    and must stay on one line; a block unit (paragraph, list item, setext
    heading) may come back with more or fewer lines, the extra ones indented
    with ``continuation``.
    """

    kind: UnitKind
    text: str
    slots: tuple[Slot, ...]
    path: tuple[str, ...]  # headings enclosing the unit, outermost first
    label: str = ""  # "level 2", "row 3, column 1", a front matter key ...
    inline: bool = False
    continuation: str = ""
    quoting: str = ""  # "table", "yaml", "yaml-double", "yaml-single", "alt"
    block: Block | None = field(default=None, compare=False)

    @property
    def line(self) -> int:
        return self.slots[0].line

    @property
    def end_line(self) -> int:
        return self.slots[-1].line

    @property
    def comment(self) -> str:
        return f"type: {self.kind.value}" + (f" ({self.label})" if self.label else "")


_BULLET = re.compile(r"^([ \t]*)([-+*]|\d{1,9}[.)])([ \t]+|$)")
_ATX = re.compile(r"^( {0,3}#{1,6})(?:([ \t]+)(.*?))?([ \t]+#+)?([ \t]*)$")
_HEADING_ID = re.compile(r"(?<![ \t])[ \t]*\{#[^{}]*\}$")
_QUOTE_PREFIX = re.compile(r"^(?:[ \t]{0,3}>[ \t]?)+")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_IMAGE = re.compile(r"!\[((?:[^\[\]\\]|\\.)*)\](?:\((?:[^()\s]|\([^()]*\))*(?:[ \t]+(?:\"[^\"]*\"|'[^']*'))?[ \t]*\)|\[[^\]]*\])")
_LINK_SHELL = re.compile(r"\[\s*\]\([^)]*\)|\[\s*\]\[[^\]]*\]|[\[\]]|<br\s*/?>")
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ALT_ATTR = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_NON_PROSE = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)|\]\([^)]*\)|\]\[[^\]]*\]|<[^<>\n]*>|https?://\S+|www\.\S+|&[A-Za-z]+;|&#\d+;")
_YAML_PAIR = re.compile(r"^([A-Za-z0-9_][\w.-]*)[ \t]*:[ \t]+(.*?)[ \t]*$")
_TOML_PAIR = re.compile(r"^([A-Za-z0-9_][\w.-]*)[ \t]*=[ \t]*(\"(?:[^\"\\]|\\.)*\"|'[^']*')[ \t]*$")


def has_words(text: str) -> bool:
    """Whether ``text`` has a letter outside code spans, URLs, link targets and HTML tags.

    >>> has_words("`pip install x`"), has_words("| 42 |"), has_words("[docs](https://x.org)")
    (False, False, True)
    """
    if not any(ch.isalpha() for ch in text):
        return False
    return any(ch.isalpha() for ch in _NON_PROSE.sub(" ", text))


def _split_content(body: str, start: int, last: bool) -> tuple[int, int]:
    """Slot columns of one line's content after ``start``: trailing blanks are layout,
    except a hard line break (two or more trailing spaces) inside a paragraph."""
    stripped = body.rstrip()
    end = len(stripped)
    if not last and len(body) - end >= 2:
        end = len(body)
    return start, max(end, start)


def _lead(body: str) -> int:
    return len(body) - len(body.lstrip(" \t"))


def _heading_paths(doc: Document) -> list[tuple[str, ...]]:
    """For each section, the plain text of its heading and the headings above it."""
    out: list[tuple[str, ...]] = []
    stack: list[tuple[int, str]] = []
    for sec in doc.sections:
        if sec.is_preamble:
            out.append(())
            continue
        while stack and stack[-1][0] >= sec.level:
            stack.pop()
        stack.append((sec.level, plain_heading(_HEADING_ID.sub("", sec.heading)) or sec.heading))
        out.append(tuple(t for _, t in stack))
    return out


def units(doc: Document, *, front_matter_keys: Iterable[str] = ()) -> list[Unit]:
    """The translatable units of ``doc`` in document order.

    Units with nothing to translate (only code, numbers or URLs) are left out.

    >>> doc = Document.from_text("# Title\\n\\n- one\\n  two\\n\\n| A | B |\\n|---|---|\\n| `x` | y |\\n")
    >>> [(u.kind.value, u.text, u.line) for u in units(doc)]
    [('heading', 'Title', 1), ('list item', 'one\\ntwo', 3), ('table cell', 'A', 6), ('table cell', 'B', 6), ('table cell', 'y', 8)]
    """
    keys = frozenset(front_matter_keys)
    paths = _heading_paths(doc)
    out: list[Unit] = []
    for sec in doc.sections:
        path = paths[sec.index]
        row = 0
        for block in sec.blocks:
            kind = block.kind
            if kind is BlockKind.HEADING:
                out.extend(_heading_units(doc, block, path[:-1]))
            elif kind is BlockKind.PARAGRAPH:
                out.extend(_paragraph_units(doc, block, path))
            elif kind is BlockKind.LIST_ITEM:
                out.extend(_item_units(doc, block, path))
            elif kind is BlockKind.TABLE_ROW:
                row += 1
                out.extend(_cell_units(doc, block, path, row))
                continue
            elif kind is BlockKind.BLOCK_QUOTE:
                out.extend(_quote_units(doc, block, path))
            elif kind is BlockKind.HTML:
                out.extend(_html_alt_units(doc, block, path))
            elif kind is BlockKind.FRONT_MATTER and keys:
                out.extend(_front_matter_units(doc, block, keys))
            if kind is not BlockKind.TABLE_DELIMITER:
                row = 0
    return out


def _block_unit(doc: Document, lines: list[tuple[int, int]], kind: UnitKind, path, block, label="", continuation=None) -> Unit | None:
    """A multi-line unit from ``(line, content start column)`` pairs."""
    slots = []
    texts = []
    for k, (n, start) in enumerate(lines):
        body = doc.body(n)
        a, b = _split_content(body, start, k == len(lines) - 1)
        slots.append(Slot(n, a, b))
        texts.append(body[a:b])
    text = "\n".join(texts)
    if not has_words(text):
        return None
    if continuation is None:
        first = doc.body(lines[0][0])
        continuation = doc.body(lines[-1][0])[: lines[-1][1]] if len(lines) > 1 else first[: _lead(first)]
    return Unit(kind, text, tuple(slots), path, label, False, continuation, "", block)


def _heading_units(doc: Document, block: Block, parent: tuple[str, ...]) -> list[Unit]:
    label = f"level {block.info}" if block.info else ""
    if block.end_line > block.start_line:  # setext: the underline is layout
        lines = [(n, _lead(doc.body(n))) for n in range(block.start_line, block.end_line)]
        u = _block_unit(doc, lines, UnitKind.HEADING, parent, block, label, continuation="")
        return [u] if u else []
    body = doc.body(block.start_line)
    if block.start_line == 1 and body.startswith("\ufeff"):
        body = body[1:]
        shift = 1
    else:
        shift = 0
    m = _ATX.match(body)
    if not m or not m.group(3):
        return []
    start, end = m.start(3), m.end(3)
    hid = _HEADING_ID.search(body[start:end])
    if hid:
        end = start + hid.start()
    text = body[start:end]
    if not has_words(text):
        return []
    return [Unit(UnitKind.HEADING, text, (Slot(block.start_line, start + shift, end + shift),), parent, label, True, "", "", block)]


def _paragraph_units(doc: Document, block: Block, path) -> list[Unit]:
    joined = "\n".join(doc.body(n) for n in block.lines)
    if "![" in joined and not _LINK_SHELL.sub("", _IMAGE.sub("", joined)).strip():
        return _image_alt_units(doc, block, path)
    lines = [(n, _lead(doc.body(n))) for n in block.lines]
    u = _block_unit(doc, lines, UnitKind.PARAGRAPH, path, block)
    return [u] if u else []


def _image_alt_units(doc: Document, block: Block, path) -> list[Unit]:
    out = []
    for n in block.lines:
        for m in _IMAGE.finditer(doc.body(n)):
            alt = m.group(1)
            if has_words(alt):
                out.append(Unit(UnitKind.IMAGE_ALT, alt, (Slot(n, m.start(1), m.end(1)),), path, "", True, "", "alt", block))
    return out


def _html_alt_units(doc: Document, block: Block, path) -> list[Unit]:
    out = []
    for n in block.lines:
        body = doc.body(n)
        if "<img" not in body.lower():
            continue
        for tag in _IMG_TAG.finditer(body):
            m = _ALT_ATTR.search(tag.group(0))
            if not m:
                continue
            g = 1 if m.group(1) is not None else 2
            alt = m.group(g)
            if has_words(alt):
                a = tag.start() + m.start(g)
                out.append(Unit(UnitKind.IMAGE_ALT, alt, (Slot(n, a, a + len(alt)),), path, "HTML", True, "", "html-alt", block))
    return out


def _runs(doc: Document, block: Block, start_col) -> list[list[tuple[int, int]]]:
    """Runs of consecutive prose lines in a container block, split at blank and code lines."""
    runs: list[list[tuple[int, int]]] = []
    cur: list[tuple[int, int]] = []
    for n in block.lines:
        col = start_col(n)
        if col is None or doc.is_code_line(n) or not doc.body(n)[col:].strip():
            if cur:
                runs.append(cur)
                cur = []
            continue
        cur.append((n, col))
    if cur:
        runs.append(cur)
    return runs


def _item_units(doc: Document, block: Block, path) -> list[Unit]:
    first = block.start_line
    m = _BULLET.match(doc.body(first))
    marker_end = m.end() if m else _lead(doc.body(first))
    indent = " " * len(doc.body(first)[:marker_end].expandtabs(4))

    def col(n: int) -> int:
        return marker_end if n == first else _lead(doc.body(n))

    out = []
    for k, run in enumerate(_runs(doc, block, col)):
        cont = indent if len(run) == 1 else None
        kind = UnitKind.LIST_ITEM if run[0][0] == first else UnitKind.PARAGRAPH
        u = _block_unit(doc, run, kind, path, block, "" if kind is UnitKind.LIST_ITEM else "in a list item", continuation=cont)
        if u:
            out.append(u)
    return out


def _quote_units(doc: Document, block: Block, path) -> list[Unit]:
    fence: list[bool] = [False]

    def col(n: int) -> int | None:
        body = doc.body(n)
        m = _QUOTE_PREFIX.match(body)
        c = m.end() if m else _lead(body)
        if _FENCE.match(body[c:]):
            fence[0] = not fence[0]
            return None
        return None if fence[0] else c

    out = []
    for run in _runs(doc, block, col):
        last, start = run[-1]
        u = _block_unit(doc, run, UnitKind.PARAGRAPH, path, block, "block quote", continuation=doc.body(last)[:start])
        if u:
            out.append(u)
    return out


def table_cells(body: str) -> list[tuple[int, int]]:
    """Columns ``[start, end)`` of each cell's content in a GFM table row (blanks trimmed).

    >>> row = "| a | `x|y` | b \\\\| c |"
    >>> [row[a:b] for a, b in table_cells(row)]
    ['a', '`x|y`', 'b \\\\| c']
    """
    n = len(body)
    i = _lead(body)
    if i < n and body[i] == "|":
        i += 1
    cells: list[tuple[int, int]] = []
    start = i
    while i < n:
        ch = body[i]
        if ch == "\\" and i + 1 < n:
            i += 2
            continue
        if ch == "`":
            j = i
            while j < n and body[j] == "`":
                j += 1
            run = body[i:j]
            close = body.find(run, j)
            i = close + len(run) if close != -1 else j
            continue
        if ch == "|":
            cells.append((start, i))
            start = i + 1
        i += 1
    if body[start:].strip():
        cells.append((start, n))
    out = []
    for a, b in cells:
        seg = body[a:b]
        lead = len(seg) - len(seg.lstrip())
        out.append((a + lead, a + len(seg.rstrip())) if seg.strip() else (a, a))
    return out


def _cell_units(doc: Document, block: Block, path, row: int) -> list[Unit]:
    n = block.start_line
    body = doc.body(n)
    out = []
    for c, (a, b) in enumerate(table_cells(body), 1):
        text = body[a:b]
        if has_words(text):
            out.append(Unit(UnitKind.TABLE_CELL, text, (Slot(n, a, b),), path, f"row {row}, column {c}", True, "", "table", block))
    return out


def _front_matter_units(doc: Document, block: Block, keys: frozenset[str]) -> list[Unit]:
    out = []
    toml = doc.body(block.start_line).strip() == "+++"
    for n in range(block.start_line + 1, block.end_line):
        body = doc.body(n)
        m = (_TOML_PAIR if toml else _YAML_PAIR).match(body)
        if not m or m.group(1) not in keys:
            continue
        a, b = m.start(2), m.end(2)
        value = body[a:b]
        quoting = "toml" if toml else "yaml"
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            a, b = a + 1, b - 1
            quoting += "-double" if value[0] == '"' else "-single"
        elif not toml and value[:1] in ("[", "{", "|", ">", "&", "*", "!"):
            continue  # a collection or a block scalar: not one line of text
        text = body[a:b]
        if has_words(text):
            out.append(Unit(UnitKind.FRONT_MATTER, text, (Slot(n, a, b),), (), m.group(1), True, "", quoting, block))
    return out


# --------------------------------------------------------------------------- #
# Entries: units grouped by (msgctxt, msgid)
# --------------------------------------------------------------------------- #


@dataclass
class _Group:
    msgctxt: str | None
    msgid: str
    occurrences: list[tuple[str, Unit]]  # (reference path, unit)


def _context(path: tuple[str, ...], ref: str, with_file: bool) -> str:
    """``Guide / Setup``; prefixed with the file's path when the text is in several files."""
    where = " / ".join(path)
    if with_file:
        return f"{ref}: {where}" if where else ref
    return where or Path(ref).name


def _group(docs: Sequence[tuple[str, list[Unit]]]) -> list[_Group]:
    """Entries for the units of several documents, in order of first appearance.

    Equal texts share an entry when they stand under the same headings; when
    the same text appears under different headings (or in different files) each
    place gets its own entry, told apart by a ``msgctxt`` naming the headings.
    """
    places: dict[str, set[tuple[str, tuple[str, ...]]]] = {}
    for ref, us in docs:
        for u in us:
            places.setdefault(u.text, set()).add((ref, u.path))
    groups: dict[tuple[str | None, str], _Group] = {}
    for ref, us in docs:
        for u in us:
            where = places[u.text]
            if len(where) == 1:
                ctxt = None
            else:
                ctxt = _context(u.path, ref, len({r for r, _ in where}) > 1)
            key = (ctxt, u.text)
            g = groups.get(key)
            if g is None:
                groups[key] = g = _Group(ctxt, u.text, [])
            g.occurrences.append((ref, u))
    return list(groups.values())


def _reference(ref: str, unit: Unit) -> str:
    return f"{ref}:{unit.line}"


def _entry(g: _Group, msgstr: str = "", flags: tuple[str, ...] = ()) -> Entry:
    refs = tuple(dict.fromkeys(_reference(r, u) for r, u in g.occurrences))
    comments = tuple(dict.fromkeys(u.comment for _, u in g.occurrences))
    return Entry(msgid=g.msgid, msgstr=msgstr, msgctxt=g.msgctxt, references=refs, extracted_comments=comments, flags=flags)


# --------------------------------------------------------------------------- #
# Headers
# --------------------------------------------------------------------------- #

_LANGUAGE_NAMES = {"zh-Hans": "Chinese (Simplified)", "zh-Hant": "Chinese (Traditional, Taiwan)", "zh-HK": "Chinese (Traditional, Hong Kong)"}


def _timestamp(now: float | None) -> str:
    if now is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        now = float(epoch) if epoch and epoch.isdigit() else time.time()
    return time.strftime("%Y-%m-%d %H:%M+0000", time.gmtime(now))


def _generator() -> str:
    from transkit import __version__

    return f"transkit {__version__}"


def template_header(project: str, *, now: float | None = None, front_matter_keys: Iterable[str] = ()) -> Entry:
    """The header of a .pot: gettext's placeholders, marked fuzzy as xgettext does."""
    meta = {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": _timestamp(now),
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "Language": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": _generator(),
    }
    keys = list(front_matter_keys)
    if keys:
        meta[FRONT_MATTER_HEADER] = ", ".join(keys)
    return Entry("", msgstr=pofile.format_metadata(meta), translator_comments=(f"Translation template for {project}.", "Extracted by transkit from the Markdown source."), flags=("fuzzy",))


def catalog_header(template: Entry | None, lang: str, *, translator: str, now: float | None = None) -> Entry:
    """A translated catalog's header: the template's fields with the language filled in."""
    meta = pofile.parse_metadata(template.msgstr) if template else {}
    stamp = _timestamp(now)
    meta.setdefault("Project-Id-Version", "")
    meta.setdefault("Report-Msgid-Bugs-To", "")
    meta.setdefault("POT-Creation-Date", stamp)
    fields = {
        "PO-Revision-Date": stamp,
        "Last-Translator": translator,
        "Language-Team": _LANGUAGE_NAMES.get(lang, lang),
        "Language": langs.gettext_code(lang),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
        "X-Generator": _generator(),
    }
    extra = {k: v for k, v in meta.items() if k not in fields}
    ordered = {k: meta.get(k, "") for k in ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date")}
    ordered.update(fields)
    ordered.update({k: v for k, v in extra.items() if k not in ordered})
    project = meta.get("Project-Id-Version") or "this document"
    comments = (f"{_LANGUAGE_NAMES.get(lang, lang)} translation of {project}.",)
    return Entry("", msgstr=pofile.format_metadata(ordered), translator_comments=comments)


def front_matter_keys_of(catalog: Catalog) -> tuple[str, ...]:
    value = catalog.metadata.get(FRONT_MATTER_HEADER, "")
    return tuple(k.strip() for k in value.split(",") if k.strip())


# --------------------------------------------------------------------------- #
# Extract
# --------------------------------------------------------------------------- #


def _ref(doc: Document) -> str:
    return Path(doc.path).as_posix()


def _refuse_nul(doc: Document, us: Sequence[Unit]) -> None:
    """A catalog cannot hold NUL (gettext ends a string there): name the line instead of writing one."""
    if "\0" not in doc.text:
        return
    for u in us:
        if "\0" in u.text:
            raise CatalogError(f"{doc.path}:{u.line}: a NUL character cannot go into a gettext catalog (gettext ends a string there); remove it")


def extract(docs: Sequence[Document], *, front_matter_keys: Iterable[str] = (), project: str | None = None, now: float | None = None) -> Catalog:
    """A template catalog with one entry per unit of ``docs`` (equal units under the same headings merged)."""
    keys = tuple(front_matter_keys)
    per_doc = [(d, units(d, front_matter_keys=keys)) for d in docs]
    for d, us in per_doc:
        _refuse_nul(d, us)
    groups = _group([(_ref(d), us) for d, us in per_doc])
    name = project or (Path(docs[0].path).stem if docs else "messages")
    return Catalog(template_header(name, now=now, front_matter_keys=keys), tuple(_entry(g) for g in groups))


# --------------------------------------------------------------------------- #
# Build
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class BuildResult:
    catalog: Catalog
    translated: int
    fuzzy: int
    untranslated: int
    # Entries whose occurrences were translated differently (the first one is kept).
    conflicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Pairing:
    text: str
    confidence: float
    exact: bool  # the unit shapes agree (same kind, same count in the block)


def _by_block(us: list[Unit]) -> dict[int, list[Unit]]:
    out: dict[int, list[Unit]] = {}
    for u in us:
        if u.block is not None:
            out.setdefault(u.block.start_line, []).append(u)
    return out


def pair_units(source: Document, target: Document, alignment=None, *, resources=None, front_matter_keys: Iterable[str] = ()) -> dict[tuple[int, int], _Pairing]:
    """Each source unit (keyed by its first slot) paired with its counterpart in ``target``.

    Units are paired inside aligned blocks, in order; a block pair whose units
    differ in kind or number still pairs them in order, but not as exact.
    Headings pair through their sections, front matter values by key.
    """
    from transkit.align import align_documents

    keys = tuple(front_matter_keys)
    src_units = units(source, front_matter_keys=keys)
    tgt_units = units(target, front_matter_keys=keys)
    if alignment is None:
        alignment = align_documents(source, target, resources=resources)
    sb, tb = _by_block(src_units), _by_block(tgt_units)
    out: dict[tuple[int, int], _Pairing] = {}

    def pair_lists(ss: list[Unit], ts: list[Unit], conf: float) -> None:
        same = len(ss) == len(ts) and all(a.kind is b.kind for a, b in zip(ss, ts))
        for a, b in zip(ss, ts):
            out[(a.line, a.slots[0].start)] = _Pairing(b.text, conf, same and a.kind is b.kind)

    src_fm = {u.label: u for u in src_units if u.kind is UnitKind.FRONT_MATTER}
    tgt_fm = {u.label: u for u in tgt_units if u.kind is UnitKind.FRONT_MATTER}
    for k, u in src_fm.items():
        if k in tgt_fm:
            out[(u.line, u.slots[0].start)] = _Pairing(tgt_fm[k].text, 1.0, True)

    for pair in alignment.pairs:
        if pair.source is None or pair.target is None:
            continue
        heads_s = [u for b in pair.source.blocks if b.kind is BlockKind.HEADING for u in sb.get(b.start_line, [])]
        heads_t = [u for b in pair.target.blocks if b.kind is BlockKind.HEADING for u in tb.get(b.start_line, [])]
        pair_lists(heads_s, heads_t, pair.confidence)
        bps = alignment.blocks(pair)
        body_pairs = [bp for bp in bps if bp.source is not None or bp.target is not None]
        # A section whose blocks line up one to one, kind for kind, vouches for each of its
        # block pairs: a short paragraph with no shared anchors is still the paragraph in
        # that position.
        shape_same = all(
            bp.source is not None
            and bp.target is not None
            and bp.source.kind is bp.target.kind
            and len(sb.get(bp.source.start_line, [])) == len(tb.get(bp.target.start_line, []))
            for bp in body_pairs
            if bp.source is None or bp.source.kind is not BlockKind.FRONT_MATTER
        )
        for bp in body_pairs:
            if bp.source is None or bp.target is None or bp.source.kind is BlockKind.FRONT_MATTER:
                continue
            conf = max(bp.confidence, pair.confidence) if shape_same else bp.confidence
            pair_lists(sb.get(bp.source.start_line, []), tb.get(bp.target.start_line, []), conf)
    return out


def build(
    source: Document,
    target: Document,
    lang: str,
    *,
    template: Catalog | None = None,
    alignment=None,
    resources=None,
    fuzzy_below: float = FUZZY_BELOW,
    front_matter_keys: Iterable[str] = (),
    now: float | None = None,
) -> BuildResult:
    """A catalog for ``lang`` whose msgstrs come from ``target``, an existing translation of ``source``.

    Source units with no counterpart stay untranslated; units paired with a
    confidence under ``fuzzy_below``, or whose block's shape differs between
    the two documents, are marked fuzzy.
    """
    lang = langs.normalize(lang)
    keys = tuple(front_matter_keys) or (front_matter_keys_of(template) if template else ())
    src_units = units(source, front_matter_keys=keys)
    _refuse_nul(source, src_units)
    _refuse_nul(target, units(target, front_matter_keys=keys))
    groups = _group([(_ref(source), src_units)])
    pairing = pair_units(source, target, alignment, resources=resources, front_matter_keys=keys)
    if template is None:
        template = extract([source], front_matter_keys=keys, now=now)
    found: dict[tuple[str | None, str], tuple[str, bool]] = {}
    # The same, by reference and msgid: a template extracted from several files (or by an
    # older transkit) may give an entry another msgctxt; its references still name the unit.
    by_ref: dict[tuple[str, str], tuple[str, bool]] = {}
    conflicts: list[str] = []
    for g in groups:
        texts = []
        for ref, u in g.occurrences:
            p = pairing.get((u.line, u.slots[0].start))
            if p is not None and p.text:
                hit = (p.text, p.confidence < fuzzy_below or not p.exact)
                texts.append(hit)
                by_ref.setdefault((_reference(ref, u), g.msgid), hit)
        if not texts:
            continue
        if len({t for t, _ in texts}) > 1:
            conflicts.append(g.msgid)
        # Prefer a sure pairing over a doubtful one.
        found[(g.msgctxt, g.msgid)] = min(texts, key=lambda t: t[1])
    entries = []
    translated = fuzzy = untranslated = 0
    for e in template.entries:
        if e.obsolete:
            continue
        hit = found.get(e.key)
        if hit is None:
            hits = [by_ref[(r, e.msgid)] for r in e.references if (r, e.msgid) in by_ref]
            hit = min(hits, key=lambda t: t[1]) if hits else None
        if hit is None:
            untranslated += 1
            entries.append(replace(e, msgstr="", flags=tuple(f for f in e.flags if f != "fuzzy")))
            continue
        text, doubtful = hit
        entry = replace(e, msgstr=text).with_flag("fuzzy", doubtful)
        fuzzy += doubtful
        translated += not doubtful
        entries.append(entry)
    header = catalog_header(template.header, lang, translator=f"transkit (from {Path(target.path).as_posix()})", now=now)
    return BuildResult(Catalog(header, tuple(entries)), translated, fuzzy, untranslated, tuple(conflicts))


# --------------------------------------------------------------------------- #
# Update
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class UpdateResult:
    catalog: Catalog
    kept: int  # same msgid: translation kept as it was
    respaced: int  # msgid changed in whitespace only: translation kept, not fuzzy
    fuzzy: int  # msgid changed: nearest old translation, marked fuzzy, previous msgid kept
    new: int  # no old translation close enough
    obsolete: int  # old entries no longer in the template


def _squash(text: str) -> str:
    return " ".join(text.split())


def update(po: Catalog, pot: Catalog, *, cutoff: float = MATCH_CUTOFF) -> UpdateResult:
    """Merge ``po`` with a new template, with msgmerge's rules and one exception.

    For each template entry, in order: the same (msgctxt, msgid) keeps its
    translation and flags; the same msgid under another msgctxt, or a msgid
    that differs only in whitespace, keeps its translation *without* becoming
    fuzzy (the text to translate did not change); otherwise the most similar
    old msgid that left the template (rapidfuzz ratio >= ``cutoff``) lends its
    translation, marked fuzzy, with the old msgid kept as ``#|``. Old entries
    matched by nothing become obsolete (``#~``).
    """
    from rapidfuzz import fuzz, process

    old_active = [e for e in po.entries if not e.obsolete]
    old_obsolete = [e for e in po.entries if e.obsolete]
    by_key = {e.key: e for e in old_active}
    by_id: dict[str, list[Entry]] = {}
    by_squash: dict[str, list[Entry]] = {}
    for e in old_active + old_obsolete:
        by_id.setdefault(e.msgid, []).append(e)
        by_squash.setdefault(_squash(e.msgid), []).append(e)
    used: set[int] = set()
    result: list[Entry | None] = []
    pending: list[tuple[int, Entry]] = []
    kept = respaced = fuzzy = new = 0

    def carry(new_e: Entry, old: Entry, *, fuzzy_flag: bool, previous: bool) -> Entry:
        flags = [f for f in new_e.flags if f != "fuzzy"]
        old_flags = [f for f in old.flags if f not in flags and f != "fuzzy"]
        out = replace(
            new_e,
            msgstr=old.msgstr,
            msgstr_plural=old.msgstr_plural if new_e.msgid_plural is not None else (),
            translator_comments=old.translator_comments,
            flags=tuple(flags + old_flags),
            previous_msgctxt=old.msgctxt if previous else None,
            previous_msgid=old.msgid if previous else None,
            previous_msgid_plural=old.msgid_plural if previous else None,
        )
        if fuzzy_flag or old.fuzzy:
            out = out.with_flag("fuzzy")
        if not out.translated and not fuzzy_flag:
            out = out.with_flag("fuzzy", False) if not old.fuzzy else out
        return out

    for new_e in pot.entries:
        if new_e.obsolete:
            continue
        old = by_key.get(new_e.key)
        if old is None:
            same = [e for e in by_id.get(new_e.msgid, ()) if e.msgid_plural == new_e.msgid_plural]
            old = next((e for e in same if id(e) not in used), same[0] if same else None)
        if old is not None:
            used.add(id(old))
            result.append(carry(new_e, old, fuzzy_flag=False, previous=False))
            kept += 1
            continue
        close = by_squash.get(_squash(new_e.msgid))
        if close:
            old = next((e for e in close if id(e) not in used), close[0])
            used.add(id(old))
            result.append(carry(new_e, old, fuzzy_flag=False, previous=False))
            respaced += 1
            continue
        pending.append((len(result), new_e))
        result.append(None)

    # Fuzzy matching only against old entries that left the template: an entry whose
    # text is still there was not changed, so it lends nothing to a new one.
    candidates = [e for e in old_active + old_obsolete if id(e) not in used and (e.translated or e.msgstr)]
    choices = [e.msgid for e in candidates]
    matched: set[int] = set()
    for pos, new_e in pending:
        hit = process.extractOne(new_e.msgid, choices, scorer=fuzz.ratio, score_cutoff=cutoff) if choices else None
        if hit is None:
            result[pos] = replace(new_e, msgstr="", msgstr_plural=tuple("" for _ in new_e.msgstr_plural)).with_flag("fuzzy", False)
            new += 1
            continue
        old = candidates[hit[2]]
        matched.add(id(old))
        result[pos] = carry(new_e, old, fuzzy_flag=True, previous=True)
        fuzzy += 1
    gone: list[Entry] = []
    for e in old_active:
        if id(e) in used or id(e) in matched:
            continue
        if e.translated or e.msgstr:
            gone.append(replace(e, obsolete=True, references=(), previous_msgctxt=None, previous_msgid=None, previous_msgid_plural=None))
    revived = used | matched
    for e in old_obsolete:
        if id(e) not in revived:
            gone.append(e)
    header = po.header
    pot_date = pot.metadata.get("POT-Creation-Date")
    cat = Catalog(header, tuple(e for e in result if e is not None) + tuple(gone))
    if header is not None and pot_date:
        cat = cat.with_metadata(**{"POT-Creation-Date": pot_date})
    keys = pot.metadata.get(FRONT_MATTER_HEADER)
    if keys is not None and header is not None:
        cat = cat.with_metadata(**{FRONT_MATTER_HEADER: keys})
    obsolete_count = sum(1 for e in old_active if id(e) not in used and id(e) not in matched and (e.translated or e.msgstr))
    return UpdateResult(cat, kept, respaced, fuzzy, new, obsolete_count)


# --------------------------------------------------------------------------- #
# Apply
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class ApplyResult:
    text: str
    translated: int
    untranslated: tuple[Unit, ...]  # left in the source language
    fuzzy: tuple[Unit, ...] = ()  # had only a fuzzy translation (not used unless asked)


_YAML_PLAIN_UNSAFE = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`]|: | #|^\s|\s$")


def _fit(unit: Unit, text: str) -> str:
    """A translation made safe for the place it goes."""
    if unit.inline:
        text = " ".join(part.strip() for part in text.split("\n") if part.strip()) if "\n" in text else text
    q = unit.quoting
    if q == "table":
        if len(table_cells(f"|{text}|")) > 1:
            # A pipe would split the cell: escape the ones outside code spans.
            text = _escape_cell_pipes(text)
    elif q == "html-alt":
        text = text.replace('"', "&quot;")
    elif q == "yaml" and _YAML_PLAIN_UNSAFE.search(text):
        text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    elif q in ("yaml-double", "toml-double"):
        text = re.sub(r'(?<!\\)"', r'\\"', text)
    elif q in ("yaml-single",):
        text = re.sub(r"(?<!')'(?!')", "''", text)
    return text


def _escape_cell_pipes(text: str) -> str:
    out = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            out.append(text[i : i + 2])
            i += 2
            continue
        if ch == "`":
            j = i
            while j < n and text[j] == "`":
                j += 1
            close = text.find(text[i:j], j)
            end = close + (j - i) if close != -1 else j
            out.append(text[i:end])
            i = end
            continue
        out.append("\\|" if ch == "|" else ch)
        i += 1
    return "".join(out)


def _lookup(index: dict, by_id: dict[str, list[Entry]], ctxt: str | None, msgid: str, unit: Unit, ref: str) -> Entry | None:
    e = index.get((ctxt, msgid))
    if e is not None:
        return e
    same = by_id.get(msgid)
    if not same:
        return None
    if len(same) == 1:
        return same[0]
    # Several contexts for this text (a catalog made from several files, or from an older
    # source): the one whose reference names this unit, else one naming its line, else
    # the one whose context ends with this unit's headings.
    here = _reference(ref, unit)
    for cand in same:
        if here in cand.references:
            return cand
    for cand in same:
        if any(r.rsplit(":", 1)[-1] == str(unit.line) for r in cand.references):
            return cand
    where = " / ".join(unit.path)
    for cand in same:
        if where and (cand.msgctxt or "").endswith(where):
            return cand
    return same[0]


def apply(source: Document, catalog: Catalog, *, use_fuzzy: bool = False) -> ApplyResult:
    """The translated document: ``source`` with each unit replaced by its msgstr.

    Untranslated units (and fuzzy ones, unless ``use_fuzzy``) keep the source
    text and are returned in ``untranslated`` / ``fuzzy``. Everything that is
    not a unit (code, blank lines, markers, line endings) is the source's.
    """
    keys = front_matter_keys_of(catalog)
    src_units = units(source, front_matter_keys=keys)
    groups = _group([(_ref(source), src_units)])
    index = catalog.index()
    by_id: dict[str, list[Entry]] = {}
    for e in catalog.entries:
        if not e.obsolete:
            by_id.setdefault(e.msgid, []).append(e)
    chosen: dict[int, str] = {}  # id(unit) -> text
    missing: list[Unit] = []
    fuzzies: list[Unit] = []
    for g in groups:
        for ref, u in g.occurrences:
            e = _lookup(index, by_id, g.msgctxt, g.msgid, u, ref)
            if e is None or not e.msgstr:
                missing.append(u)
            elif e.fuzzy and not use_fuzzy:
                fuzzies.append(u)
            else:
                chosen[id(u)] = e.msgstr
    text = _rewrite(source, [(u, chosen[id(u)]) for u in src_units if id(u) in chosen])
    order = {id(u): k for k, u in enumerate(src_units)}
    missing.sort(key=lambda u: order[id(u)])
    fuzzies.sort(key=lambda u: order[id(u)])
    return ApplyResult(text, len(chosen), tuple(missing), tuple(fuzzies))


def _ending(line: str) -> str:
    return line[len(line_body(line)) :]


def _rewrite(doc: Document, replacements: list[tuple[Unit, str]]) -> str:
    inline: dict[int, list[tuple[int, int, str]]] = {}
    blocks: dict[int, tuple[Unit, str]] = {}
    for u, t in replacements:
        t = _fit(u, t)
        if u.inline:
            s = u.slots[0]
            inline.setdefault(s.line, []).append((s.start, s.end, t))
        else:
            blocks[u.line] = (u, t)
    out: list[str] = []
    lines = doc.lines
    n = 1
    total = len(lines)
    while n <= total:
        if n in blocks:
            u, t = blocks[n]
            out.extend(_block_lines(doc, u, t))
            n = u.end_line + 1
            continue
        line = lines[n - 1]
        edits = inline.get(n)
        if edits:
            body = line_body(line)
            for a, b, t in sorted(edits, reverse=True):
                body = body[:a] + t + body[b:]
            line = body + _ending(line)
        out.append(line)
        n += 1
    return "".join(out)


def _block_lines(doc: Document, u: Unit, text: str) -> list[str]:
    new = text.split("\n")
    src = u.slots
    k, m = len(new), len(src)
    out = []
    for i, piece in enumerate(new):
        slot = src[min(i, m - 1)]
        body = doc.body(slot.line)
        prefix = body[: slot.start] if i < m else u.continuation
        if i == k - 1:
            suffix = doc.body(src[-1].line)[src[-1].end :]
        elif i < m - 1:
            suffix = body[slot.end :]
        else:
            suffix = ""
        ending = _ending(doc.lines[slot.line - 1]) or doc.newline
        if i == k - 1:
            ending = _ending(doc.lines[src[-1].line - 1])
        out.append(prefix + piece + suffix + ending)
    return out


# --------------------------------------------------------------------------- #
# Files (what the command line calls)
# --------------------------------------------------------------------------- #


def read_markdown(path: str | Path, lang: str | None = None) -> Document:
    """A Markdown file as a Document; a missing or non-UTF-8 file is a one-line error."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 (invalid byte at offset {exc.start}); `transkit repair` can fix mojibake") from None
    return Document.from_text(text, path=_display(p), lang=lang or langs.from_path(p.as_posix()))


def read_catalog(path: str | Path) -> Catalog:
    """A PO/POT file; a file with syntax errors is refused with the first one named."""
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{p}: not UTF-8 (invalid byte at offset {exc.start}); transkit catalogs are UTF-8") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror}") from None
    result = pofile.parse(text)
    if result.problems:
        first = result.problems[0]
        more = f" (and {len(result.problems) - 1} more; `transkit lint {p}` lists them)" if len(result.problems) > 1 else ""
        raise CatalogError(f"{p}:{first.line}:{first.column}: {first.message}{more}")
    return result.catalog


def write_catalog(path: str | Path, catalog: Catalog) -> None:
    from transkit.fsutil import atomic_write

    atomic_write(Path(path), pofile.dumps(catalog).encode("utf-8"))


def _write_text(output: str | Path | None, text: str) -> None:
    """Write to a file atomically, or to stdout for ``None`` / ``-``."""
    import sys

    if output is None or str(output) == "-":
        sys.stdout.flush()
        out = getattr(sys.stdout, "buffer", None)
        if out is not None:
            out.write(text.encode("utf-8"))
            out.flush()
        else:
            sys.stdout.write(text)
        return
    from transkit.fsutil import atomic_write

    atomic_write(Path(output), text.encode("utf-8"))


def extract_files(sources: Sequence[str | Path], output: str | Path | None, *, front_matter_keys: Iterable[str] = (), project: str | None = None) -> Catalog:
    """``transkit po extract``: a template from Markdown sources, written to ``output``."""
    docs = [read_markdown(p) for p in sources]
    cat = extract(docs, front_matter_keys=front_matter_keys, project=project)
    _write_text(output, pofile.dumps(cat))
    return cat


def build_files(
    source: str | Path,
    translation: str | Path,
    lang: str,
    output: str | Path | None,
    *,
    template: str | Path | None = None,
    front_matter_keys: Iterable[str] = (),
    fuzzy_below: float = FUZZY_BELOW,
    resources=None,
) -> BuildResult:
    """``transkit po build``: a catalog for ``lang`` filled from an existing Markdown translation."""
    try:
        lang = langs.normalize(lang)
    except ValueError as exc:
        raise CatalogError(f"--lang: {exc}") from None
    if not langs.is_chinese(lang):
        raise CatalogError(f"--lang {lang}: catalogs are built for zh-Hans, zh-Hant or zh-HK")
    src = read_markdown(source)
    tgt = read_markdown(translation, lang)
    pot = read_catalog(template) if template else None
    if resources is None:
        from transkit.config import load_config
        from transkit.resources import Resources

        resources = Resources(load_config(Path(source)))
    result = build(src, tgt, lang, template=pot, resources=resources, fuzzy_below=fuzzy_below, front_matter_keys=front_matter_keys)
    _write_text(output, pofile.dumps(result.catalog))
    return result


def update_files(po_path: str | Path, pot_path: str | Path, output: str | Path | None = None) -> UpdateResult:
    """``transkit po update``: merge a catalog with a new template (in place unless ``output``)."""
    result = update(read_catalog(po_path), read_catalog(pot_path))
    _write_text(output if output is not None else po_path, pofile.dumps(result.catalog))
    return result


@dataclass(frozen=True)
class CompileResult:
    messages: int  # translations written (the header not counted)
    fuzzy_skipped: int
    untranslated: int


def _check_compilable(cat: "pofile.Catalog", path: str | Path) -> None:
    """Refuse what ``msgfmt`` refuses: a .mo whose header lies about its bytes or its plural rule,
    or a string holding NUL (the separator of a .mo's plural forms)."""
    head_line = cat.header.msgid_line or cat.header.line if cat.header is not None else 1
    m = pofile.CHARSET.search(cat.metadata.get("Content-Type", ""))
    if m and not pofile.is_utf8(m.group(1)):
        raise CatalogError(f"{path}:{head_line}: the header declares charset {m.group(1)} but the file is UTF-8; declare UTF-8")
    plural = (cat.metadata.get("Plural-Forms") or "").strip()
    if plural and not pofile.PLURAL_FORMS.match(plural):
        raise CatalogError(f"{path}:{head_line}: Plural-Forms {plural!r} is not 'nplurals=N; plural=EXPRESSION;' with N >= 1")
    for e in cat.active():
        if any("\0" in (s or "") for s in (e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, *e.msgstr_plural)):
            raise CatalogError(f"{path}:{e.msgid_line or e.line}: a NUL character cannot be compiled into a .mo file")


def compile_file(po_path: str | Path, output: str | Path, *, use_fuzzy: bool = False) -> CompileResult:
    """``transkit po compile``: a GNU .mo file, as ``msgfmt`` writes it."""
    from transkit.fsutil import atomic_write

    cat = read_catalog(po_path)
    _check_compilable(cat, po_path)
    active = cat.active()
    fuzzy = sum(1 for e in active if e.fuzzy and e.translated)
    untranslated = sum(1 for e in active if not e.translated)
    written = sum(1 for e in active if e.translated and (use_fuzzy or not e.fuzzy))
    atomic_write(Path(output), pofile.mo_bytes(cat, use_fuzzy=use_fuzzy))
    return CompileResult(written, 0 if use_fuzzy else fuzzy, untranslated)


def apply_file(source: str | Path, po_path: str | Path, output: str | Path | None, *, use_fuzzy: bool = False) -> ApplyResult:
    """``transkit po apply``: the translated Markdown rebuilt from ``source`` and a catalog."""
    src = read_markdown(source)
    result = apply(src, read_catalog(po_path), use_fuzzy=use_fuzzy)
    _write_text(output, result.text)
    return result


def _display(p: Path) -> str:
    if not p.is_absolute():
        return p.as_posix()
    try:
        return p.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return p.as_posix()


# --------------------------------------------------------------------------- #
# Linting PO files
# --------------------------------------------------------------------------- #

# Text checks worth running on msgstrs: encoding and mojibake (TK2), untranslated
# and copied lines (TK30x), glossary (TK4), script and regional vocabulary (TK5).
# Structure, alignment and drift checks judge whole documents and are left out.
_MSGSTR_FAMILIES = ("TK2", "TK30", "TK4", "TK5")
_IGNORE_COMMENT = re.compile(r"^\s*transkit-ignore\b(.*)$")
_VIEW_FENCE = re.compile(r"^(`{3,}|~{3,})")


class _View:
    """The msgstrs (or msgids) of a catalog as one Markdown document, and the way back.

    Each message is a run of lines with each line's indentation removed (so no
    translation reads as a code block), apart from the next by a blank line.
    ``origin[n]`` tells, for line ``n`` of the view, which entry and plural
    form it came from and at what offset of that string the line starts;
    ``spans[k]`` is the line range of the k-th message.
    """

    def __init__(self, items: list[tuple[int, int, str]], path: str, lang: str | None) -> None:
        lines: list[str] = []
        origin: list[tuple[int, int, int] | None] = [None]  # 1-based: index 0 unused
        spans: list[tuple[int, int]] = []
        append_line, append_origin = lines.append, origin.append
        for idx, form, text in items:
            if lines:
                append_line("")
                append_origin(None)
            first = len(lines) + 1
            if "\n" not in text and text[:1] not in " \t`~":
                # The common case: one line, no indentation, no fence.
                append_line(text)
                append_origin((idx, form, 0))
                spans.append((first, first))
                if "<!--" in text and text.count("<!--") > text.count("-->"):
                    append_line("-->")
                    append_origin(None)
                continue
            offset = 0
            fence = ""
            for piece in text.split("\n"):
                lead = len(piece) - len(piece.lstrip(" \t"))
                body = piece[lead:]
                if body[:3] in ("```", "~~~"):
                    m = _VIEW_FENCE.match(body)
                    if m:
                        fence = "" if fence and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) else (fence or m.group(1))
                append_line(body)
                append_origin((idx, form, offset + lead))
                offset += len(piece) + 1
            spans.append((first, len(lines)))
            # Keep one message's open fence or comment from swallowing the next message.
            if fence:
                append_line(fence[0] * max(len(fence), 3))
                append_origin(None)
            if "<!--" in text and text.count("<!--") > text.count("-->"):
                append_line("-->")
                append_origin(None)
        # A blank first line: no message can open a front matter block.
        if lines and lines[0]:
            lines.insert(0, "")
            origin.insert(1, None)
            spans = [(a + 1, b + 1) for a, b in spans]
        self.origin = origin
        self.spans = spans
        self.doc = Document.from_text("\n".join(lines) + "\n", path=path, lang=lang)

    def where(self, line: int, column: int) -> tuple[int, int, int] | None:
        """(entry index, form, offset in the string) of a 1-based view position."""
        if not 0 < line < len(self.origin):
            return None
        o = self.origin[line]
        if o is None:
            return None
        idx, form, start = o
        return idx, form, start + max(column, 1) - 1

    def sections(self) -> list:
        """One section per message, for the alignment given to pair checks."""
        from transkit.document import Section

        doc = self.doc
        blocks = doc.blocks
        lines = doc.lines
        out = []
        b = 0
        for k, (first, last) in enumerate(self.spans, 1):
            while b < len(blocks) and blocks[b].start_line < first:
                b += 1
            e = b
            while e < len(blocks) and blocks[e].start_line <= last:
                e += 1
            out.append(Section(k, 1, "", None, "", "", (), first, last, tuple(blocks[b:e]), "".join(lines[first - 1 : last])))
            b = e
        return out


def _msgstr_items(entries: Sequence[Entry]) -> list[tuple[int, int, str]]:
    """(entry index, plural form, msgstr) of every translation."""
    items = []
    for idx, e in enumerate(entries):
        if e.obsolete:
            continue
        for form, s in enumerate(e.translations):
            if s.strip():
                items.append((idx, form, s))
    return items


def _suppressed(entry: Entry) -> list[str] | None:
    """Selectors of a ``# transkit-ignore TK501: reason`` translator comment (``[]`` = every check)."""
    found: list[str] | None = None
    for c in entry.translator_comments:
        m = _IGNORE_COMMENT.match(c)
        if m:
            sels = m.group(1).split(":", 1)[0].replace(",", " ").split()
            found = (found or []) + sels
            if not sels:
                return []
    return found


def _catalog_lang(parsed: "pofile.ParseResult", path: str) -> str | None:
    declared = (parsed.catalog.language or "").strip()
    if declared:
        try:
            return langs.normalize(declared)
        except ValueError:
            pass
    return langs.from_path(path)


def _without_cyclic_gc(fn):
    """Run ``fn`` with the cyclic garbage collector paused (its previous state restored).

    A large catalog makes hundreds of thousands of small acyclic objects
    (entries, pieces, blocks, spans, sections) that reference counting frees;
    the cyclic collector would only walk them again and again as they pile up
    (10-20% of ``transkit lint`` on a 20,000-entry catalog).
    """
    import functools
    import gc

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return wrapper


# Paused for the whole run: the checks walk every object the catalog made, many times.
@_without_cyclic_gc
def lint_po(path: str, text: str, config: "Config", resources: "Resources", checks: Sequence[type["Check"]]) -> list["Diagnostic"]:
    """Lint one .po/.pot file: its own checks (TK01x), then the text checks on every msgstr.

    The language is the header's ``Language`` (else the path's). Findings are
    reported at their line and column in the .po file; a fix is kept when it
    stays on one line of the file. A translator comment
    ``# transkit-ignore TK501: reason`` silences those checks for its entry.
    """
    from transkit.checks import matches
    from transkit.checks import po as po_checks
    from transkit.checks.base import FileContext, PairContext, Scope
    from transkit.diagnostics import Diagnostic, Severity

    parsed = pofile.parse(text)
    ignored = config.ignored_for(path)
    active = [c for c in checks if not any(matches(c, s) for s in ignored)]
    lang = _catalog_lang(parsed, path)
    ctx = FileContext(path=path, lang=lang or "", config=config, resources=resources)
    diags: list[Diagnostic] = []

    def run(check, call) -> list[Diagnostic]:
        try:
            return list(call(check(config.options_for(check.name, check.code))) or ())
        except TranskitError:
            raise  # the configuration or a glossary is broken
        except Exception as exc:  # a broken check must not stop the run
            if os.environ.get("TRANSKIT_DEBUG"):
                raise
            return [Diagnostic("TK000", "internal-error", Severity.ERROR, path, 1, 1, f"check {check.code} ({check.name}) failed on this file: {type(exc).__name__}: {exc}", lang=lang)]

    for check in active:
        if issubclass(check, po_checks.CatalogCheck):
            diags.extend(run(check, lambda inst: inst.check_catalog(parsed, ctx)))
    entries = parsed.catalog.entries
    text_checks = [
        c
        for c in active
        if not issubclass(c, po_checks.CatalogCheck) and c.code.startswith(_MSGSTR_FAMILIES) and c.applies_to(lang) and c.scope in (Scope.FILE, Scope.PAIR)
    ]
    items = _msgstr_items(entries)
    if lang is None or not text_checks or not items:
        return sorted(diags, key=lambda d: d.sort_key)
    view = _View(items, path, lang)
    found: list[Diagnostic] = []
    for check in text_checks:
        if check.scope is Scope.FILE:
            found.extend(run(check, lambda inst: inst.check_file(view.doc, ctx)))
    src_view = None
    pair_checks = [c for c in text_checks if c.scope is Scope.PAIR]
    if pair_checks:
        source_lang = config.source
        src_items = []
        for idx, form, _ in items:
            e = entries[idx]
            src_items.append((idx, form, e.msgid_plural if form and e.msgid_plural is not None else e.msgid))
        # Its own path, so that a finding's related location says which view it is in.
        src_view = _View(src_items, f"{path} (msgid)", source_lang)
        pair = PairContext(source=src_view.doc, target=view.doc, source_lang=source_lang, target_lang=lang, config=config, resources=resources)
        alignment = _one_to_one(src_view, view, resources)
        if alignment is not None:
            pair.__dict__["alignment"] = alignment
        for check in pair_checks:
            found.extend(run(check, lambda inst: inst.check_pair(pair)))
    for d in found:
        mapped = d if d.code == "TK000" else _map_back(d, entries, path, lang, view, src_view)
        if mapped is not None:
            diags.append(mapped)
    return sorted(diags, key=lambda d: d.sort_key)


def _map_back(d: "Diagnostic", entries: Sequence[Entry], path: str, lang: str, view: _View, src_view: _View | None) -> "Diagnostic | None":
    """A finding on the msgstr view, moved to its line and column in the .po file.

    ``None`` when it falls outside every msgstr, or its entry silences the check.
    A related location in either view moves to the .po file too, and a message
    that names the related line ("source line 12") is made to name the file's line.
    """
    from transkit.diagnostics import Fix, Location

    at = view.where(d.line, d.column)
    if at is None:
        return None
    idx, form, offset = at
    entry = entries[idx]
    sels = _suppressed(entry)
    if sels is not None and (not sels or any(s.upper() == "ALL" or (s.upper().startswith("TK") and d.code.startswith(s.upper())) or s.lower() == d.name for s in sels)):
        return None
    loc = pofile.locate(entry, form, offset)
    if loc is None:
        return None
    line, col = loc
    end_col = None
    if d.end_column is not None and d.end_line in (None, d.line):
        end = pofile.locate(entry, form, offset + (d.end_column - d.column))
        if end is not None and end[0] == line:
            end_col = end[1]
    fix = None
    if d.fix is not None and d.fix.line == d.line:
        f_start = view.where(d.fix.line, d.fix.column)
        f_end = view.where(d.fix.line, d.fix.end_column) if d.fix.end_column is not None else None
        if f_start and f_end and f_start[:2] == (idx, form):
            a = pofile.locate(entry, form, f_start[2])
            b = pofile.locate(entry, form, f_end[2])
            if a and b and a[0] == b[0]:
                fix = Fix(a[0], a[1], b[1], pofile.escape(d.fix.replacement), d.fix.description)
    related, message = d.related, d.message
    if related is not None:
        which = view if related.path == path else src_view if src_view is not None and related.path == src_view.doc.path else None
        if which is not None:
            r_at = which.where(related.line, related.column)
            r_loc = None
            if r_at is not None:
                e2 = entries[r_at[0]]
                r_loc = (pofile.locate if which is view else pofile.locate_msgid)(e2, r_at[1], r_at[2])
            if r_loc is None:
                related = None
            else:
                message = re.sub(rf"\bline {related.line}\b", f"line {r_loc[0]}", message)
                related = Location(path, r_loc[0], r_loc[1])
    return d._replace(path=path, line=line, column=col, end_line=line if end_col else None, end_column=end_col, fix=fix, related=related, message=message, lang=lang)


def _one_to_one(source: _View, target: _View, resources):
    """An alignment pairing each msgid with its msgstr, one section per message.

    Built from the aligner's own values so pair checks use it as they use any
    alignment; ``None`` if the aligner's interface is not what this expects
    (the pair checks then align the two views themselves).
    """
    try:
        from transkit import align

        pairs = [align.SectionPair(s, t, 1.0) for s, t in zip(source.sections(), target.sections())]
        return align.Alignment(source.doc, target.doc, pairs, _LazyBlocks(source.doc, target.doc, resources))
    except (ImportError, AttributeError, TypeError):
        return None


class _LazyBlocks:
    """The aligner's block pairing, set up only if a check asks for block pairs."""

    def __init__(self, source: Document, target: Document, resources) -> None:
        self._args = (source, target, resources)
        self._ctx = None

    def align_blocks(self, source, target):
        if self._ctx is None:
            from transkit import align

            self._ctx = align._PairContext(*self._args)
        return self._ctx.align_blocks(source, target)
