"""TK101-TK199: the structure of a translation against its aligned source.

Every check here is pair scope: it reads ``pair.alignment`` (see
:mod:`transkit.align`), which pairs sections by their content rather than by
position, so a dropped or added section upstream does not make every later
section look wrong. Checks that compare the content of a section pair (heading
level, code, links, tables) skip pairs the aligner is not confident about.
"""

from __future__ import annotations

import re
from typing import Iterator

from transkit.checks.base import Check, PairContext, Scope, register
from transkit.diagnostics import Fix, Location, Severity
from transkit.document import Block, BlockKind, Document, Section, SpanKind, split_table_row
from transkit.values import frozen

# Pairs below this confidence are too uncertain for content comparisons.
MIN_CONFIDENCE = 0.35

TRANSLATED_CODE_MARK = "transkit-translated-code"
_ATX_MARK = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")
_HTML_URL = re.compile(r"""\b(src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_LANG_SEGMENT = re.compile(
    r"(?<=[/._-])(?:en(?:[-_](?:us|gb))?|zh[-_](?:hans|hant|cn|tw|hk|mo|sg)(?:[-_](?:cn|tw|hk|mo|sg))?)(?=[/._-]|$)",
    re.IGNORECASE,
)


def _heading_column(doc: Document, section: Section) -> int:
    body = doc.body(section.start_line)
    m = _ATX_MARK.match(body)
    if m:
        rest = body[m.end() :]
        return m.end() + (len(rest) - len(rest.lstrip())) + 1
    return len(body) - len(body.lstrip()) + 1


def _label(section: Section) -> str:
    if section.is_preamble:
        return "the preamble"
    title = section.title or section.heading
    return f'"{(section.number + " ") if section.number else ""}{title}"'


def _confident(pair) -> bool:
    return pair.matched and pair.confidence >= MIN_CONFIDENCE


# --------------------------------------------------------------------------- #
# Sections
# --------------------------------------------------------------------------- #


@register
class MissingSection(Check):
    """A section of the source has no counterpart in the translation.

    Sections are paired by content (anchors such as names, numbers, URLs, code
    and the text itself), not by position or numbering, so a section dropped in
    the translation is reported once, where it would have been, and the sections
    after it still pair with their counterparts.

    Failing example: the English source has "## 4. Supervised fine-tuning"
    between "Post-training datasets" and "Preference alignment"; the zh-Hans
    translation goes from 后训练数据集 straight to 偏好对齐.
    Fix: translate the section, or suppress the finding with
    ``<!-- transkit-ignore-next-line TK101: not relevant for this audience -->``.
    """

    code = "TK101"
    name = "missing-section"
    severity = Severity.WARNING
    scope = Scope.PAIR

    def check_pair(self, pair: PairContext):
        alignment = pair.alignment
        tgt = pair.target
        pairs = alignment.pairs
        for k, p in enumerate(pairs):
            if p.target is not None or p.source is None:
                continue
            # Report where the section would go: at the next target section, else the end.
            line = next((q.target.start_line for q in pairs[k + 1 :] if q.target is not None and not q.target.is_preamble), None)
            where = "before this section" if line is not None else "at the end"
            if line is None:
                line = max(1, tgt.line_count)
            src = p.source
            yield self.diagnostic(
                pair,
                line,
                1,
                f"section {_label(src)} (source line {src.start_line}) is missing from the translation ({where})",
                related=Location(pair.source.path, src.start_line, 1),
                data={"source_line": src.start_line},
            )


@register
class ExtraSection(Check):
    """A section of the translation has no counterpart in the source.

    Often a section the source removed (the translation lags behind), a
    translator's note, or a section split in two.

    Failing example: the zh-Hant file has "## 譯者注" and the English source
    has nothing like it. Fix: remove it, or mark a deliberate addition with
    ``<!-- transkit-ignore-next-line TK102: translator's note -->``.
    """

    code = "TK102"
    name = "extra-section"
    severity = Severity.WARNING
    scope = Scope.PAIR

    def check_pair(self, pair: PairContext):
        for p in pair.alignment.extra:
            sec = p.target
            if sec.is_preamble:
                continue
            yield self.diagnostic(
                pair,
                sec.start_line,
                _heading_column(pair.target, sec),
                f"section {_label(sec)} has no counterpart in the source",
            )


@register
class SectionOrder(Check):
    """A section of the translation is not in the source's order.

    The pair is off the longest chain of sections that keeps the source order:
    the section was moved, or its neighbours were.

    Failing example: the source has "Quantization" then "Evaluation"; the
    translation has 评估 before 量化. Fix: move the section back to its place.
    """

    code = "TK103"
    name = "section-order"
    severity = Severity.WARNING
    scope = Scope.PAIR

    def check_pair(self, pair: PairContext):
        alignment = pair.alignment
        src_sections = pair.source.sections
        for p in alignment.moved:
            sec, src = p.target, p.source
            # Say where it belongs: after the translation of the source section it follows.
            prev = None
            for s in reversed(src_sections[1 : src.index]):
                q = alignment.pair_for_source(s)
                if q is not None and q.target is not None:
                    prev = q.target
                    break
            where = f"after {_label(prev)}" if prev is not None else "before every other section"
            yield self.diagnostic(
                pair,
                sec.start_line,
                _heading_column(pair.target, sec),
                f"section {_label(sec)} is out of order: in the source it comes {where} (source line {src.start_line})",
                related=Location(pair.source.path, src.start_line, 1),
            )


@register
class HeadingLevel(Check):
    """A heading's level differs from the level of its counterpart in the source.

    ``### Setup`` in the English source translated as ``## 安装`` changes the
    document outline: the table of contents, the anchors a site generator
    nests, and which section the following ones belong to.

    Failing example: source ``### 3.1 Tokenizers``, translation ``## 3.1 分词器``.
    Fix: use the source's level (the fix rewrites the ``#`` markers).
    With ``allow-shift = true`` a translation whose every heading is shifted by
    the same amount (all one level deeper, say) is accepted.
    """

    code = "TK104"
    name = "heading-level"
    severity = Severity.WARNING
    scope = Scope.PAIR
    fixable = True
    options = {"allow-shift": False}

    def check_pair(self, pair: PairContext):
        matched = [p for p in pair.alignment.pairs if _confident(p) and not p.source.is_preamble]
        shift = 0
        if self.opts.get("allow-shift") and matched:
            diffs = {p.target.level - p.source.level for p in matched}
            if len(diffs) == 1:
                shift = diffs.pop()
        for p in matched:
            want = p.source.level + shift
            if p.target.level == want:
                continue
            sec = p.target
            body = pair.target.body(sec.start_line)
            fix = None
            m = _ATX_MARK.match(body)
            if m and not sec.setext and 1 <= want <= 6:
                fix = Fix(sec.start_line, len(m.group(1)) + 1, m.end() + 1, "#" * want, f"make it a level-{want} heading")
            yield self.diagnostic(
                pair,
                sec.start_line,
                1,
                f"heading level {sec.level} differs from the source's level {p.source.level} (source line {p.source.start_line})",
                fix=fix,
                related=Location(pair.source.path, p.source.start_line, 1),
            )


# --------------------------------------------------------------------------- #
# Code blocks
# --------------------------------------------------------------------------- #


def code_content(doc: Document, block: Block) -> list[tuple[int, str]]:
    """(line, text) of a code block's content: fences dropped, common indentation removed."""
    lines = [(ln, doc.body(ln)) for ln in block.lines]
    if lines and lines[0][1].lstrip().startswith(("```", "~~~")):
        fence = lines[0][1].lstrip()[:3]
        lines = lines[1:]
        if lines and lines[-1][1].strip().startswith(fence) and set(lines[-1][1].strip()) == {fence[0]}:
            lines = lines[:-1]
    indents = [len(t) - len(t.lstrip(" ")) for _, t in lines if t.strip()]
    cut = min(indents) if indents else 0
    return [(ln, t[cut:] if len(t) >= cut else t.lstrip(" ")) for ln, t in lines]


def marked_translated(doc: Document, block: Block) -> bool:
    """Whether a code block is marked as translated on purpose.

    Either an info-string word ``translated`` (```` ```text translated ````)
    or the comment ``<!-- transkit-translated-code -->`` on the last non-blank
    line before the fence.
    """
    if block.kind is BlockKind.CODE:
        words = re.split(r"[\s{}.,]+", block.info.lower())
        if "translated" in words or TRANSLATED_CODE_MARK in words:
            return True
        first = doc.body(block.start_line).strip()
        if first.startswith(("```", "~~~")):
            info = first.lstrip("`~").lower()
            if re.search(r"(?:^|[\s{.,])(?:transkit-)?translated(?:$|[\s}.,])", info):
                return True
    ln = block.start_line - 1
    while ln >= 1 and not doc.body(ln).strip():
        ln -= 1
    return ln >= 1 and TRANSLATED_CODE_MARK in doc.body(ln)


def _code_pairs(alignment, sp) -> Iterator[tuple[Block | None, Block | None]]:
    """Code blocks of a section pair, paired by block alignment, leftovers paired in order."""
    left_s: list[Block] = []
    left_t: list[Block] = []
    for bp in alignment.blocks(sp):
        s_code = bp.source is not None and bp.source.kind is BlockKind.CODE
        t_code = bp.target is not None and bp.target.kind is BlockKind.CODE
        if s_code and t_code:
            yield bp.source, bp.target
        else:
            if s_code:
                left_s.append(bp.source)
            if t_code:
                left_t.append(bp.target)
    left_s.sort(key=lambda b: b.start_line)
    left_t.sort(key=lambda b: b.start_line)
    for k in range(max(len(left_s), len(left_t))):
        yield (left_s[k] if k < len(left_s) else None, left_t[k] if k < len(left_t) else None)


@register
class CodeBlockDiffers(Check):
    """A code block differs from its counterpart in the source.

    Code is not translated: commands, configuration and program text must stay
    byte-identical (line endings and the indentation of the whole block aside).
    A code block whose comments or strings are translated on purpose is marked,
    in either document, with an info-string word ``translated``
    (```` ```python translated ````) or with ``<!-- transkit-translated-code -->``
    on the line before the fence; marked blocks are not compared.

    Failing example: source ``pip install transformers``, translation
    ``pip install transformer``. Also reported: a source code block with no
    counterpart in the translated section.
    Fix: copy the source's code block.
    """

    code = "TK105"
    name = "code-block-differs"
    severity = Severity.WARNING
    scope = Scope.PAIR

    def check_pair(self, pair: PairContext):
        alignment = pair.alignment
        src, tgt = pair.source, pair.target
        for sp in alignment.pairs:
            if not _confident(sp):
                continue
            if not any(b.kind is BlockKind.CODE for b in sp.source.blocks):
                continue
            for sb, tb in _code_pairs(alignment, sp):
                if sb is None:
                    continue
                if tb is None:
                    if marked_translated(src, sb):
                        continue
                    yield self.diagnostic(
                        pair,
                        sp.target.start_line,
                        1,
                        f"code block of source line {sb.start_line} is missing from section {_label(sp.target)}",
                        related=Location(src.path, sb.start_line, 1),
                    )
                    continue
                if marked_translated(src, sb) or marked_translated(tgt, tb):
                    continue
                a = code_content(src, sb)
                b = code_content(tgt, tb)
                diff = _first_difference(a, b)
                if diff is None:
                    continue
                line, col, what = diff
                yield self.diagnostic(
                    pair,
                    line if line else tb.start_line,
                    col,
                    f"code block differs from the source's (source line {sb.start_line}): {what}",
                    related=Location(src.path, sb.start_line, 1),
                )


def _first_difference(a: list[tuple[int, str]], b: list[tuple[int, str]]) -> tuple[int, int, str] | None:
    for k in range(min(len(a), len(b))):
        sa, tb = a[k][1], b[k][1]
        if sa != tb:
            col = next((i for i, (x, y) in enumerate(zip(sa, tb)) if x != y), min(len(sa), len(tb)))
            return b[k][0], col + 1, f"line {k + 1} of the block differs"
    if len(a) != len(b):
        last = b[-1][0] if b else 0
        return last, 1, f"it has {len(b)} lines, the source's has {len(a)}"
    return None


# --------------------------------------------------------------------------- #
# Links and images
# --------------------------------------------------------------------------- #


@frozen
class LinkTarget:
    line: int
    column: int  # 1-based
    url: str
    image: bool
    reference: bool = False


def normalize_target(url: str) -> str:
    """A link target made comparable across translations.

    Fragments go (headings are translated, so their anchors differ), a trailing
    slash goes, and a language segment (``/en/``, ``.zh-CN.``) becomes ``{lang}``.
    """
    url = url.strip().strip("<>")
    url = url.split("#", 1)[0]
    if url.endswith("/") and len(url) > 1:
        url = url.rstrip("/")
    return _LANG_SEGMENT.sub("{lang}", url)


def _is_image(body: str, start: int) -> bool:
    """Whether the link destination starting at ``start`` belongs to ``![...](...)``."""
    j = start - 1
    while j >= 0 and body[j] in " \t":
        j -= 1
    if j < 1 or body[j] != "(" or body[j - 1] != "]":
        return False
    depth = 0
    k = j - 1
    while k >= 0:
        ch = body[k]
        if ch == "]":
            depth += 1
        elif ch == "[":
            depth -= 1
            if depth == 0:
                return k > 0 and body[k - 1] == "!"
        k -= 1
    return False


def link_targets(doc: Document, lines) -> list[LinkTarget]:
    """Link and image destinations, autolinks, bare URLs and HTML src/href on the given lines."""
    out: list[LinkTarget] = []
    for ln in lines:
        spans = doc.spans(ln)
        if not spans:
            continue
        body = doc.body(ln)
        for s in spans:
            frag = body[s.start : s.end]
            if s.kind is SpanKind.LINK_DESTINATION:
                out.append(LinkTarget(ln, s.start + 1, frag, _is_image(body, s.start)))
            elif s.kind is SpanKind.URL:
                out.append(LinkTarget(ln, s.start + 1, frag, False))
            elif s.kind is SpanKind.AUTOLINK:
                out.append(LinkTarget(ln, s.start + 2, frag[1:-1], False))
            elif s.kind is SpanKind.REFERENCE:
                close = frag.find("]:")
                if close != -1:
                    url = frag[close + 2 :].strip()
                    out.append(LinkTarget(ln, s.start + close + 3 + (len(frag[close + 2 :]) - len(frag[close + 2 :].lstrip())), url, False, reference=True))
            elif s.kind is SpanKind.HTML_TAG:
                for m in _HTML_URL.finditer(frag):
                    g = next(k for k in (2, 3, 4) if m.group(k) is not None)
                    image = frag[1:4].lower() == "img" or m.group(1).lower() == "src"
                    out.append(LinkTarget(ln, s.start + m.start(g) + 1, m.group(g), image))
    return [t for t in out if t.url and not t.url.startswith("#")]


def _section_lines(sec: Section) -> range:
    return range(sec.start_line, sec.end_line + 1)


@register
class LinkTargets(Check):
    """The link and image targets of a section differ from its source section's.

    Translations keep link destinations: a dropped link loses the reader a
    reference, an added or changed one often points at the wrong page. Targets
    are compared per aligned section, ignoring fragments (translated headings
    have other anchors) and language segments (``/en/`` against ``/zh-Hans/``).
    Reference definitions (``[label]: url``) are compared across the whole
    document, since translations often move them.

    Failing example: source ``[QLoRA](https://example.org/qlora)``,
    translation ``QLoRA`` with no link. Fix: restore the link, or correct
    the target to the source's.
    """

    code = "TK106"
    name = "link-targets"
    severity = Severity.WARNING
    scope = Scope.PAIR
    options = {"max-listed": 3}

    def check_pair(self, pair: PairContext):
        src, tgt = pair.source, pair.target
        listed = int(self.opts.get("max-listed", 3))
        src_refs: list[LinkTarget] = []
        tgt_refs: list[LinkTarget] = []
        for sp in pair.alignment.pairs:
            s_links = link_targets(src, _section_lines(sp.source)) if sp.source is not None else []
            t_links = link_targets(tgt, _section_lines(sp.target)) if sp.target is not None else []
            src_refs.extend(t for t in s_links if t.reference)
            tgt_refs.extend(t for t in t_links if t.reference)
            if not _confident(sp):
                continue
            yield from self._compare(pair, sp.target, [t for t in s_links if not t.reference], [t for t in t_links if not t.reference], listed)
        yield from self._compare(pair, None, src_refs, tgt_refs, listed)

    def _compare(self, pair, section: Section | None, s_links: list[LinkTarget], t_links: list[LinkTarget], listed: int):
        s_keys = {normalize_target(t.url) for t in s_links}
        t_keys = {normalize_target(t.url) for t in t_links}
        seen: set[str] = set()
        for t in t_links:
            key = normalize_target(t.url)
            if key in s_keys or key in seen:
                continue
            seen.add(key)
            kind = "image" if t.image else "link"
            yield self.diagnostic(pair, t.line, t.column, f"{kind} target {t.url} is not in the source section", end_column=t.column + len(t.url))
        missing: list[LinkTarget] = []
        gone: set[str] = set()
        for t in s_links:
            key = normalize_target(t.url)
            if key not in t_keys and key not in gone:
                gone.add(key)
                missing.append(t)
        if not missing:
            return
        names = ", ".join(t.url for t in missing[:listed]) + (f" and {len(missing) - listed} more" if len(missing) > listed else "")
        kinds = "image" if all(t.image for t in missing) else "link"
        plural = "s" if len(missing) > 1 else ""
        if section is None:
            line = t_links[-1].line if t_links else max(1, pair.target.line_count)
            where = "reference definition"
        else:
            line = section.start_line
            where = f"{kinds} target"
        yield self.diagnostic(
            pair,
            line,
            1,
            f"{len(missing)} {where}{plural} of the source missing here: {names}",
            related=Location(pair.source.path, missing[0].line, missing[0].column),
        )


# --------------------------------------------------------------------------- #
# Tables
# --------------------------------------------------------------------------- #


@frozen
class Table:
    header: int  # line of the header row
    columns: int
    rows: int  # body rows
    end: int


def tables_of(doc: Document, section: Section) -> list[Table]:
    """GFM tables of a section: header row, column count, body row count."""
    out: list[Table] = []
    blocks = [b for b in section.blocks if b.kind in (BlockKind.TABLE_ROW, BlockKind.TABLE_DELIMITER)]
    k = 0
    while k < len(blocks):
        b = blocks[k]
        if b.kind is BlockKind.TABLE_ROW and k + 1 < len(blocks) and blocks[k + 1].kind is BlockKind.TABLE_DELIMITER and blocks[k + 1].start_line == b.end_line + 1:
            header = b.start_line
            columns = len(split_table_row(doc.body(header)))
            rows = 0
            end = blocks[k + 1].end_line
            k += 2
            while k < len(blocks) and blocks[k].kind is BlockKind.TABLE_ROW and blocks[k].start_line == end + 1:
                rows += 1
                end = blocks[k].end_line
                k += 1
            out.append(Table(header, columns, rows, end))
        else:
            k += 1
    return out


@register
class TableShape(Check):
    """A table has a different number of columns or rows than its source table.

    Tables are paired in order within aligned sections. A missing table, a
    dropped column or a lost row is a content loss that is easy to miss in
    review.

    Failing example: the source table has 4 columns (Method, Bits, Memory,
    Quality), the translation's has 3. Fix: restore the column or row.
    """

    code = "TK107"
    name = "table-shape"
    severity = Severity.WARNING
    scope = Scope.PAIR

    def check_pair(self, pair: PairContext):
        src, tgt = pair.source, pair.target
        for sp in pair.alignment.pairs:
            if not _confident(sp):
                continue
            st = tables_of(src, sp.source)
            if not st:
                tt = tables_of(tgt, sp.target)
                for t in tt:
                    yield self.diagnostic(pair, t.header, 1, "table has no counterpart in the source section")
                continue
            tt = tables_of(tgt, sp.target)
            for k, s in enumerate(st):
                if k >= len(tt):
                    yield self.diagnostic(
                        pair,
                        sp.target.start_line,
                        1,
                        f"table of source line {s.header} is missing from section {_label(sp.target)}",
                        related=Location(src.path, s.header, 1),
                    )
                    continue
                t = tt[k]
                problems = []
                if t.columns != s.columns:
                    problems.append(f"{t.columns} columns, the source table has {s.columns}")
                if t.rows != s.rows:
                    problems.append(f"{t.rows} rows, the source table has {s.rows}")
                if problems:
                    yield self.diagnostic(
                        pair,
                        t.header,
                        1,
                        "table has " + "; ".join(problems) + f" (source line {s.header})",
                        related=Location(src.path, s.header, 1),
                    )
            for t in tt[len(st) :]:
                yield self.diagnostic(pair, t.header, 1, "table has no counterpart in the source section")
