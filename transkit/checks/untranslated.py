"""TK310-TK319: untranslated text, judged against the aligned source.

The file-scope checks (TK301, TK302) can only ask "does this line read as
English?". With the source aligned, two more questions have answers:

- is a whole section still the source text (in English, or, between Chinese
  variants, never converted)? (TK310)
- is part of a translated line, or a table cell, the source's English copied
  over? (TK311)

Both leave alone what translations keep on purpose: code, URLs and link
targets, names and titles (bold, linked or quoted text), and lines TK301
already reports.
"""

from __future__ import annotations

import re

from transkit import lang as langs
from transkit.checks.base import Check, PairContext, Scope, register
from transkit.diagnostics import Location, Severity
from transkit.document import BlockKind, Document, Section, is_han, split_table_row

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SKIP_KINDS = frozenset({BlockKind.CODE, BlockKind.FRONT_MATTER, BlockKind.HTML, BlockKind.REFERENCE, BlockKind.TABLE_DELIMITER, BlockKind.THEMATIC_BREAK, BlockKind.HEADING})
# Text kept in English on purpose: bold or italic titles, link texts, quoted titles.
_KEPT = re.compile(r"\*\*[^*]+\*\*|__[^_]+__|(?<![\w*])\*[^*\s][^*]*\*|\[[^\[\]]*\]|“[^“”]*”|\"[^\"]*\"|《[^《》]*》|「[^「」]*」|『[^『』]*』")
# A run of Latin text: words joined by spaces and light punctuation, no Han inside.
_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*(?:[ \t,;:()/&.'’\-]+[A-Za-z0-9][A-Za-z0-9'’\-]*)*")
_MARKERS = re.compile(r"^\s*(?:>\s*)*(?:[-+*]|\d{1,9}[.)])?\s*(?:\[[ xX]\]\s*)?")


def prose(doc: Document, line: int) -> str:
    """The line with protected spans (code, URLs, link targets, HTML) blanked, columns kept."""
    return doc.masked(line, fill=" ")


def _lowercase_words(text: str) -> tuple[int, int]:
    words = _WORD.findall(text)
    return len(words), sum(1 for w in words if len(w) >= 2 and w.islower())


def _has_han(text: str) -> bool:
    return any(is_han(ch) for ch in text)


def body_lines(doc: Document, section: Section) -> list[int]:
    """Lines of a section a translator writes: no heading, code, HTML or reference definitions."""
    out = []
    for b in section.blocks:
        if b.kind in _SKIP_KINDS:
            continue
        out.extend(ln for ln in b.lines if doc.body(ln).strip())
    return out


def _squash(text: str) -> str:
    return "".join(text.split())


def english_only(doc: Document, section: Section, min_lowercase: int) -> bool:
    """The section's body has no Han character outside protected spans and reads as English."""
    lines = body_lines(doc, section)
    if not lines:
        return False
    lower = 0
    for ln in lines:
        text = prose(doc, ln)
        if _has_han(text):
            return False
        lower += _lowercase_words(_KEPT.sub(" ", text))[1]
    return lower >= min_lowercase


def _text(doc: Document, section: Section) -> str:
    return "".join(_squash(doc.body(ln)) for ln in body_lines(doc, section))


@register
class UntranslatedSection(Check):
    """A translated section is still the source text.

    Against an English source: the section's body has no Chinese outside code,
    links and URLs, and has at least ``min-lowercase`` ordinary English words
    (names and titles alone do not count). Against a Chinese source (zh-Hant
    made from zh-Hans, say): the body is identical to the source section and
    contains characters the target script writes differently, so it was never
    converted.

    Failing example: under ``## 7. 量化`` the paragraph is still
    ``Quantization stores weights with fewer bits.`` Fix: translate the
    section (or run ``transkit sync`` for a Chinese-to-Chinese pair).
    """

    code = "TK310"
    name = "untranslated-section"
    severity = Severity.WARNING
    scope = Scope.PAIR
    languages = frozenset({"zh-Hans", "zh-Hant", "zh-HK"})
    options = {"min-lowercase": 6}

    def check_pair(self, pair: PairContext):
        for p in pair.alignment.matched:
            if p.target.is_preamble:
                continue
            why = untranslated_reason(pair, p.source, p.target, int(self.opts["min-lowercase"]))
            if why:
                yield self.diagnostic(
                    pair,
                    p.target.start_line,
                    1,
                    f"section {_label(p.target)} is untranslated: {why}",
                    related=Location(pair.source.path, p.source.start_line, 1),
                )


def untranslated_reason(pair: PairContext, source: Section, target: Section, min_lowercase: int = 6) -> str | None:
    """Why a matched target section counts as untranslated, or None."""
    src, tgt = pair.source, pair.target
    if langs.is_chinese(pair.source_lang):
        if pair.source_lang == pair.target_lang:
            return None
        body = _text(tgt, target)
        if not body or body != _text(src, source):
            return None
        tables = pair.resources.script_tables
        wrong = tables.simplified_only.get(pair.target_lang, frozenset()) if langs.script(pair.target_lang) == "Hant" else tables.traditional_only.get(pair.target_lang, frozenset())
        if any(ch in wrong for ch in body):
            return f"identical to the {pair.source_lang} source, never converted"
        return None
    if english_only(tgt, target, min_lowercase):
        if _text(tgt, target) == _text(src, source):
            return "identical to the source"
        return "English only"
    return None


def _label(section: Section) -> str:
    return f'"{(section.number + " ") if section.number else ""}{section.title}"'


def _runs(text: str, min_words: int, min_lowercase: int) -> list[tuple[int, str]]:
    """Latin runs of a masked line that read as English prose: (column 0-based, run)."""
    kept = _KEPT.sub(lambda m: " " * len(m.group(0)), text)
    out = []
    for m in _RUN.finditer(kept):
        run = m.group(0).rstrip(" ,;:(/&.-")
        words, lower = _lowercase_words(run)
        if words >= min_words and lower >= min_lowercase:
            out.append((m.start(), run))
    return out


def _norm_words(text: str) -> str:
    return " ".join(w.lower() for w in _WORD.findall(text))


@register
class UntranslatedInPair(Check):
    """English copied from the aligned source block into a translated line or table cell.

    Looks where the file-scope checks cannot: a line that is partly
    translated but still carries a sentence of the source's English, and a
    table cell left in English while the row's other cells are translated.
    A run counts only when it reads as prose (``min-words`` words,
    ``min-lowercase`` of them ordinary lowercase words) and the aligned source
    block contains it. Bold, linked and quoted text (titles, names) is left
    alone, and so are lines TK301 already reports.

    Failing example: source ``Quantization saves memory. It also speeds up
    decoding on small GPUs.``, translation ``量化可以节省内存。It also speeds up
    decoding on small GPUs.`` Fix: translate the rest of the line.
    """

    code = "TK311"
    name = "untranslated-in-pair"
    severity = Severity.WARNING
    scope = Scope.PAIR
    languages = frozenset({"zh-Hans", "zh-Hant", "zh-HK"})
    options = {"min-words": 4, "min-lowercase": 3, "min-cell-lowercase": 1}

    def check_pair(self, pair: PairContext):
        if langs.is_chinese(pair.source_lang):
            return
        alignment = pair.alignment
        src, tgt = pair.source, pair.target
        min_words = int(self.opts["min-words"])
        min_lower = int(self.opts["min-lowercase"])
        min_cell = int(self.opts["min-cell-lowercase"])
        for sp in alignment.matched:
            if sp.source.is_preamble and sp.target.is_preamble and not sp.target.blocks:
                continue
            if not sp.target.is_preamble and untranslated_reason(pair, sp.source, sp.target):
                continue  # TK310 reports the whole section
            for bp in alignment.blocks(sp):
                if bp.source is None or bp.target is None or bp.target.kind in _SKIP_KINDS:
                    continue
                if bp.target.kind is BlockKind.TABLE_ROW and bp.source.kind is BlockKind.TABLE_ROW:
                    yield from self._cells(pair, bp.source, bp.target, min_cell)
                    continue
                source_text = _norm_words(" ".join(_KEPT.sub(" ", prose(src, ln)) for ln in bp.source.lines))
                if not source_text:
                    continue
                for ln in bp.target.lines:
                    text = prose(tgt, ln)
                    if not _has_han(text) and _reported_by_tk301(tgt, ln):
                        continue
                    for col, run in _runs(text, min_words, min_lower):
                        if _norm_words(run) and _norm_words(run) in source_text:
                            yield self.diagnostic(
                                pair,
                                ln,
                                col + 1,
                                f"English copied from the source (line {bp.source.start_line}) left untranslated: {_short(run)}",
                                end_column=col + 1 + len(run),
                                related=Location(src.path, bp.source.start_line, 1),
                            )

    def _cells(self, pair: PairContext, sb, tb, min_lower: int):
        src, tgt = pair.source, pair.target
        s_cells = split_table_row(prose(src, sb.start_line))
        t_body = prose(tgt, tb.start_line)
        t_cells = split_table_row(t_body)
        if len(s_cells) != len(t_cells) or not any(_has_han(c) for c in t_cells):
            return  # a different shape is TK107's; an all-English row is TK301's
        pos = 0
        for s_cell, t_cell in zip(s_cells, t_cells):
            col = t_body.find(t_cell, pos) if t_cell else -1
            if col != -1:
                pos = col + len(t_cell)
            if not t_cell or _has_han(t_cell):
                continue
            words, lower = _lowercase_words(_KEPT.sub(" ", t_cell))
            if lower < min_lower:
                continue
            if _norm_words(t_cell) == _norm_words(s_cell):
                yield self.diagnostic(
                    pair,
                    tb.start_line,
                    col + 1 if col != -1 else 1,
                    f"table cell left in English, as in the source (line {sb.start_line}): {_short(t_cell)}",
                    related=Location(src.path, sb.start_line, 1),
                )


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _reported_by_tk301(doc: Document, line: int) -> bool:
    try:
        from transkit.checks.completeness import untranslated
    except ImportError:  # pragma: no cover - the lead's module is part of the package
        return False
    return untranslated(doc, line)
