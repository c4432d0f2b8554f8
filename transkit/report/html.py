"""A self-contained HTML page: a source and its translations side by side.

One file, no scripts, no external resources: styles are inline and a
Content-Security-Policy forbids everything else, so the page opens the same
from a CI artifact, an e-mail attachment or a local disk. Every piece of
document text is escaped (a heading ``<img src=x onerror=alert(1)>`` shows as
text), findings are highlighted on their lines with their messages beneath,
and sections with no counterpart are marked missing or extra.

Two entry points:

- :func:`render_alignment` for ``transkit align --format html``: sections
  paired row by row, with the pair's confidence;
- :func:`render` for a lint result (``report.get("html")``): each document
  with its findings.
"""

from __future__ import annotations

import html
from collections import defaultdict
from typing import TYPE_CHECKING, Iterable, Sequence, TextIO

from transkit.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:  # pragma: no cover
    from transkit.align import Alignment
    from transkit.document import Document, Section

_CSS = """
:root { --fg: #1d2228; --muted: #6a737d; --line: #e3e6ea; --err: #c62828; --warn: #b26a00; --info: #1565c0;
        --miss: #fdecea; --extra: #e8f1fd; --moved: #fff6e0; --hl: #fff2b3; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Noto Sans CJK TC", sans-serif; color: var(--fg); background: #fafbfc; }
header { padding: 16px 24px; background: #fff; border-bottom: 1px solid var(--line); }
h1 { font-size: 18px; margin: 0 0 6px; }
.meta { color: var(--muted); margin: 0; }
.legend span { display: inline-block; margin-right: 14px; padding: 0 6px; border-radius: 3px; }
main { padding: 16px 24px; }
table.pairs { width: 100%; border-collapse: collapse; table-layout: fixed; background: #fff; }
table.pairs th { position: sticky; top: 0; background: #f0f2f5; text-align: left; padding: 6px 8px; border: 1px solid var(--line); font-weight: 600; overflow-wrap: anywhere; }
table.pairs td { vertical-align: top; border: 1px solid var(--line); padding: 0; }
table.pairs td.conf { width: 64px; text-align: center; padding-top: 8px; color: var(--muted); font-variant-numeric: tabular-nums; }
th.conf { width: 64px; }
td.missing { background: var(--miss); }
td.extra { background: var(--extra); }
tr.moved td { background: var(--moved); }
.absent { padding: 8px; color: var(--err); font-style: italic; }
.absent.extra { color: var(--info); }
.badge { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px; margin: 6px 8px 0; background: #eee; color: var(--muted); }
.badge.moved { background: #ffe0a3; color: #6b4500; }
.badge.extra { background: #cfe2fb; color: #0d3c75; }
.badge.missing { background: #f9cfcb; color: #7a1a12; }
.sec { font: 12.5px/1.55 ui-monospace, SFMono-Regular, Menlo, Consolas, "Noto Sans Mono CJK SC", monospace; padding: 4px 0; }
.ln { display: flex; }
.ln .no { flex: 0 0 46px; text-align: right; padding-right: 8px; color: var(--muted); user-select: none; }
.ln .tx { flex: 1 1 auto; white-space: pre-wrap; overflow-wrap: anywhere; padding-right: 8px; }
.ln.head .tx { font-weight: 700; }
.ln.hit { background: var(--hl); }
mark { background: #ffd54f; padding: 0; }
.finding { margin: 0 8px 2px 54px; padding: 1px 6px; border-left: 3px solid var(--warn); font: 12px/1.4 system-ui, sans-serif; background: #fffaf0; }
.finding.error { border-color: var(--err); background: #fff4f4; }
.finding.info { border-color: var(--info); background: #f3f8ff; }
.finding code { font-weight: 600; }
.summary { margin: 8px 0 0; }
.summary b { font-variant-numeric: tabular-nums; }
section.doc { margin-bottom: 24px; background: #fff; border: 1px solid var(--line); }
section.doc h2 { font-size: 15px; margin: 0; padding: 8px; background: #f0f2f5; overflow-wrap: anywhere; }
"""


def esc(text: object) -> str:
    """Escape for HTML text and attribute values; undecodable bytes become U+FFFD."""
    s = str(text)
    s = s.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if _has_surrogates(s) else s
    s = s.replace("\x00", "\ufffd")
    return html.escape(s, quote=True)


def _has_surrogates(s: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in s)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"mul\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<link rel=\"icon\" href=\"data:,\">\n"
        f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _by_line(diagnostics: Iterable[Diagnostic], path: str) -> dict[int, list[Diagnostic]]:
    out: dict[int, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        if d.path == path:
            out[d.line].append(d)
    return out


def _line_html(doc: "Document", ln: int, findings: list[Diagnostic], prefix: str, heading: bool) -> str:
    body = doc.body(ln)
    if ln == 1 and body.startswith("\ufeff"):
        body = body[1:]
    text = _highlight(body, findings)
    classes = "ln" + (" head" if heading else "") + (" hit" if findings else "")
    out = [f'<div class="{classes}" id="{prefix}-{ln}"><span class="no">{ln}</span><span class="tx">{text}</span></div>']
    for d in findings:
        out.append(
            f'<div class="finding {d.severity.label}"><code>{esc(d.code)}</code> {esc(d.name)}: {esc(d.message)}'
            f' <span class="pos">({d.line}:{d.column})</span></div>'
        )
    return "".join(out)


def _highlight(body: str, findings: list[Diagnostic]) -> str:
    """The escaped line with the span of the first single-line finding wrapped in <mark>."""
    for d in findings:
        if d.end_column is not None and (d.end_line in (None, d.line)) and d.end_column > d.column:
            a, b = d.column - 1, min(len(body), d.end_column - 1)
            if 0 <= a < b:
                return esc(body[:a]) + "<mark>" + esc(body[a:b]) + "</mark>" + esc(body[b:])
    return esc(body) if body else "&#8203;"


def _section_html(doc: "Document", section: "Section | None", findings: dict[int, list[Diagnostic]], prefix: str) -> str:
    if section is None:
        return ""
    if section.end_line < section.start_line:
        return '<div class="sec"><div class="ln"><span class="no"></span><span class="tx absent">(empty)</span></div></div>'
    parts = ['<div class="sec">']
    for ln in range(section.start_line, section.end_line + 1):
        parts.append(_line_html(doc, ln, findings.get(ln, []), prefix, heading=not section.is_preamble and ln == section.start_line))
    parts.append("</div>")
    return "".join(parts)


def _counts(alignment: "Alignment") -> str:
    return (
        f"<b>{len([p for p in alignment.matched if not p.source.is_preamble])}</b> matched, "
        f"<b>{len(alignment.missing)}</b> missing, <b>{len(alignment.extra)}</b> extra, <b>{len(alignment.moved)}</b> moved"
    )


def render_alignment(alignments: Sequence["Alignment"], out: TextIO, diagnostics: Sequence[Diagnostic] = (), title: str | None = None) -> None:
    """Write the side-by-side page for one source and its translations."""
    if not alignments:
        out.write(_page(title or "transkit align", "<main><p>No translations.</p></main>"))
        return
    source = alignments[0].source
    diags = list(diagnostics)
    src_find = _by_line(diags, source.path)
    tgt_find = [_by_line(diags, a.target.path) for a in alignments]
    head = [
        "<header>",
        f"<h1>{esc(title or 'transkit align: ' + source.path)}</h1>",
        f'<p class="meta">source: {esc(source.path)} ({esc(source.lang or "?")})</p>',
    ]
    for a in alignments:
        n_find = sum(len(v) for v in _by_line(diags, a.target.path).values())
        head.append(f'<p class="meta summary">{esc(a.target.path)} ({esc(a.target.lang or "?")}): {_counts(a)}, <b>{n_find}</b> findings</p>')
    head.append(
        '<p class="meta legend"><span style="background:var(--miss)">missing in the translation</span>'
        '<span style="background:var(--extra)">extra in the translation</span>'
        '<span style="background:var(--moved)">moved</span><span style="background:var(--hl)">line with a finding</span></p>'
    )
    head.append("</header>")
    cols = [f'<th>{esc(source.path)} <span class="badge">source</span></th>']
    for k, a in enumerate(alignments):
        cols.append(f'<th class="conf">conf.</th><th>{esc(a.target.path)}</th>')
    rows = []
    for row in _rows(alignments):
        src_sec, targets = row
        if _empty(src_sec) and all(p is None or _empty(p.target) for p in targets):
            continue  # no text before the first heading anywhere
        moved = any(p is not None and p.moved for p in targets)
        cells = []
        if src_sec is None:
            cells.append('<td class="extra"><div class="absent extra">no counterpart in the source</div></td>')
        else:
            cells.append(f"<td>{_section_html(source, src_sec, src_find, 's')}</td>")
        for k, (a, p) in enumerate(zip(alignments, targets)):
            if p is None or p.target is None:
                if src_sec is None:
                    cells.append('<td class="conf"></td><td></td>')
                else:
                    cells.append('<td class="conf">–</td><td class="missing"><span class="badge missing">missing</span><div class="absent">section missing in this translation</div></td>')
                continue
            badge = ""
            cls = ""
            if p.source is None:
                badge, cls = '<span class="badge extra">extra</span>', ' class="extra"'
            elif p.moved:
                badge = '<span class="badge moved">moved</span>'
            conf = f"{p.confidence:.2f}" if p.source is not None else "–"
            cells.append(f'<td class="conf">{conf}</td><td{cls}>{badge}{_section_html(a.target, p.target, tgt_find[k], f"t{k}")}</td>')
        tr = '<tr class="moved">' if moved else "<tr>"
        rows.append(tr + "".join(cells) + "</tr>")
    body = "\n".join(head) + '\n<main><table class="pairs"><thead><tr>' + "".join(cols) + "</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table></main>"
    out.write(_page(title or f"transkit align: {source.path}", body))


def _empty(section: "Section | None") -> bool:
    return section is None or (section.is_preamble and section.end_line < section.start_line)


def _rows(alignments: Sequence["Alignment"]):
    """Rows of (source section or None, [pair per translation or None])."""
    if len(alignments) == 1:
        for p in alignments[0].pairs:
            yield p.source, [p]
        return
    source = alignments[0].source
    # Extra sections of each translation go after the row of the source section
    # their nearest preceding target section is paired with.
    extras_after: dict[int, list[tuple[int, object]]] = defaultdict(list)
    for k, a in enumerate(alignments):
        last_src = 0
        for p in a.pairs:
            if p.source is not None and p.target is not None and not p.moved:
                last_src = p.source.index
            elif p.source is None:
                extras_after[last_src].append((k, p))
    for sec in source.sections:
        yield sec, [a.pair_for_source(sec) for a in alignments]
        for k, p in extras_after.get(sec.index, ()):
            row = [None] * len(alignments)
            row[k] = p
            yield None, row


def render(result, out: TextIO, **options) -> None:
    """Render a lint result: each document with its findings (no alignment).

    Pass ``documents=[Document, ...]`` to show the text around the findings;
    without them the page lists the findings per file.
    """
    docs = {d.path: d for d in options.get("documents") or ()}
    diags: list[Diagnostic] = list(result.diagnostics)
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diags:
        by_path[d.path].append(d)
    worst = {s: sum(d.severity is s for d in diags) for s in Severity}
    parts = [
        "<header><h1>transkit findings</h1>",
        f'<p class="meta summary"><b>{len(diags)}</b> findings: <b>{worst[Severity.ERROR]}</b> errors, '
        f"<b>{worst[Severity.WARNING]}</b> warnings, <b>{worst[Severity.INFO]}</b> infos</p></header><main>",
    ]
    for path in sorted(set(by_path) | set(docs)):
        found = by_path.get(path, [])
        parts.append(f'<section class="doc"><h2>{esc(path)} ({len(found)} findings)</h2>')
        doc = docs.get(path)
        if doc is not None:
            lines = _by_line(found, path)
            parts.append('<div class="sec">')
            for ln in range(1, doc.line_count + 1):
                parts.append(_line_html(doc, ln, lines.get(ln, []), "d", heading=False))
            parts.append("</div>")
        else:
            for d in found:
                parts.append(f'<div class="finding {d.severity.label}"><code>{esc(d.code)}</code> {esc(d.name)}: {esc(d.message)} <span class="pos">({d.line}:{d.column})</span></div>')
        parts.append("</section>")
    parts.append("</main>")
    out.write(_page("transkit findings", "\n".join(parts)))
