"""Drift reports: text for people, JSON for scripts, Markdown for a pull-request comment.

``to_diagnostics`` turns drift results into ordinary diagnostics so the SARIF
and GitHub reporters render them like any lint finding. Codes (TK320-TK339,
stable, never reused):

    TK320  drift-no-baseline        info     no git history and no lock entry: outdated cannot be judged
    TK321  drift-outdated           warning  the English section changed after the translation did
    TK322  drift-missing            warning  a source section the translation does not have
    TK323  drift-extra              warning  a translation section with no source counterpart
    TK324  drift-untranslated       warning  the translation section is still English
    TK325  drift-sibling-diverged   warning  zh-Hans and zh-Hant sections no longer correspond

An outdated, missing or untranslated finding points at the translation (a
missing section at the line where it belongs) and names the English section as
its related location; a diverged sibling points at the Traditional file and
names the zh-Hans section.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from transkit.diagnostics import Diagnostic, Location, Severity, Summary

if TYPE_CHECKING:  # pragma: no cover
    from transkit.drift import DriftReport, SectionDrift, SiblingDrift

FORMATS = ("text", "json", "markdown", "sarif", "github")

# code, name, severity per status
CODES = {
    "no-baseline": ("TK320", "drift-no-baseline", Severity.INFO),
    "outdated": ("TK321", "drift-outdated", Severity.WARNING),
    "missing": ("TK322", "drift-missing", Severity.WARNING),
    "extra": ("TK323", "drift-extra", Severity.WARNING),
    "untranslated": ("TK324", "drift-untranslated", Severity.WARNING),
    "diverged": ("TK325", "drift-sibling-diverged", Severity.WARNING),
}


# --------------------------------------------------------------------------- #
# Diagnostics
# --------------------------------------------------------------------------- #


def _day(change) -> str:
    return change.iso[:10] if change is not None else "?"


def _when(change) -> str:
    if change is None:
        return "at an unknown time"
    return f"on {_day(change)} ({change.short})"


def _section_message(s: "SectionDrift") -> str:
    title = s.title
    st = s.status.value
    if st == "outdated":
        if s.source_changed is not None and s.translation_changed is not None:
            return f"section {title!r} is outdated: the English changed {_when(s.source_changed)}, the translation last {_when(s.translation_changed)}"
        return f"section {title!r} is outdated: {s.reason}"
    if st == "missing":
        return f"section {title!r} of {s.source_path} is missing from the translation"
    if st == "extra":
        return f"section {title!r} has no counterpart in {s.source_path}"
    if st == "untranslated":
        return f"section {title!r} is still English"
    return f"section {title!r}: {s.reason}"


def to_diagnostics(report: "DriftReport") -> list[Diagnostic]:
    """Every non-ok section and diverged sibling as a diagnostic (sorted like lint output)."""
    from transkit.drift import section_title

    out: list[Diagnostic] = []
    for s in report.sections:
        st = s.status.value
        if st == "ok":
            continue
        code, name, sev = CODES[st]
        if s.target is not None:
            line = s.target.start_line
        else:
            line = s.insert_line or 1
        related = Location(s.source_path, s.source.start_line) if s.source is not None else None
        data = {"status": st, "title": s.title}
        if s.source_changed is not None:
            data["source_changed"] = s.source_changed.iso
        if s.translation_changed is not None:
            data["translation_changed"] = s.translation_changed.iso
        out.append(Diagnostic(code, name, sev, s.translation_path, line, 1, _section_message(s), lang=s.lang, related=related, data=tuple(sorted(data.items()))))
    for sib in report.siblings:
        if sib.status.value != "diverged":
            continue
        code, name, sev = CODES["diverged"]
        title = section_title(sib.hant) if sib.hant is not None else sib.title
        msg = f"section {title!r} no longer corresponds to {sib.hans_path}: {_sibling_summary(sib)}"
        related = Location(sib.hans_path, sib.hans.start_line) if sib.hans is not None else None
        out.append(Diagnostic(code, name, sev, sib.hant_path, sib.hant.start_line if sib.hant else 1, 1, msg, lang=sib.hant_lang, related=related))
    for note in report.notes:
        code, name, sev = CODES["no-baseline"]
        path, _, msg = note.partition(": ")
        out.append(Diagnostic(code, name, sev, path, 1, 1, msg))
    out.sort(key=lambda d: d.sort_key)
    return out


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _sibling_summary(sib: "SiblingDrift") -> str:
    """``1 sentence only in zh-Hans ("…"), 2 only in zh-Hant (...)``."""
    parts = []
    for lang, items in (("zh-Hans", sib.hans_only), (sib.hant_lang, sib.hant_only)):
        if items:
            noun = "sentence" if len(items) == 1 else "sentences"
            parts.append(f"{len(items)} {noun} only in {lang} (\"{_clip(items[0])}\"{', …' if len(items) > 1 else ''})")
    return ", ".join(parts) if parts else sib.reason


@dataclass
class DriftResult:
    """What the lint reporters expect: ``.diagnostics`` and ``.summary``."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)


def as_result(report: "DriftReport") -> DriftResult:
    diags = to_diagnostics(report)
    docs = {s.translation_path for s in report.sections} | {s.source_path for s in report.sections}
    langs = sorted({s.lang for s in report.sections})
    counted = sum(1 for s in report.sections if s.source is not None)
    by_sev = tuple((sev.label, sum(d.severity is sev for d in diags)) for sev in Severity)
    return DriftResult(diags, Summary(documents=len(docs), languages=tuple(langs), sections=counted, by_severity=by_sev))


# --------------------------------------------------------------------------- #
# Text
# --------------------------------------------------------------------------- #


def summary_lines(report: "DriftReport") -> list[str]:
    """One line per language: ``zh-Hans: 7 sections, 43% ok, 43% outdated, 14% missing ...``."""
    summ = report.summary()
    lines = []
    for lang, row in summ["languages"].items():
        pct = row["percent"]
        n = row["sections"]
        files = row["translations"]
        text = f"{lang}: {n} section{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}, {pct['ok']:g}% ok, {pct['outdated']:g}% outdated, {pct['missing']:g}% missing"
        if row["untranslated"]:
            text += f", {pct['untranslated']:g}% untranslated"
        if row["extra"]:
            text += f"; {row['extra']} extra"
        lines.append(text)
    sib = summ["siblings"]
    if sib["pairs"]:
        lines.append(f"siblings: {sib['pairs']} section pair{'s' if sib['pairs'] != 1 else ''}, {sib['diverged']} diverged")
    return lines


def render_text(report: "DriftReport", out: TextIO, **_: object) -> None:
    """Non-ok sections grouped by translation, the English diff under each outdated one, then the summary."""
    from transkit.drift import section_title

    shown = 0
    current = None
    for s in report.sections:
        if s.status.value == "ok":
            continue
        if s.translation_path != current:
            current = s.translation_path
            out.write(f"{s.translation_path} ({s.lang}) against {s.source_path}\n")
        line = s.target.start_line if s.target is not None else (s.insert_line or 1)
        src = f"{s.source_path}:{s.source.start_line}" if s.source is not None else "no source"
        out.write(f"  {s.translation_path}:{line}: {s.status.value:<12} {s.title}  [{src}]\n")
        if s.status.value == "outdated":
            if s.source_changed is not None or s.translation_changed is not None:
                out.write(f"      English changed {_when(s.source_changed)}; translation last changed {_when(s.translation_changed)}\n")
            else:
                out.write(f"      {s.reason}\n")
            for dl in s.diff.splitlines():
                out.write(f"      {dl}\n")
        shown += 1
    for sib in report.siblings:
        if sib.status.value != "diverged":
            continue
        line = sib.hant.start_line if sib.hant is not None else 1
        hl = sib.hans.start_line if sib.hans is not None else "?"
        title = section_title(sib.hant) if sib.hant is not None else sib.title
        out.write(f"  {sib.hant_path}:{line}: diverged     {title}  [{sib.hans_path}:{hl}]\n")
        for lang, items in (("zh-Hans", sib.hans_only), (sib.hant_lang, sib.hant_only)):
            for item in items:
                out.write(f"      only in {lang}: {item}\n")
        shown += 1
    for note in report.notes:
        out.write(f"note: {note}\n")
    if not report.sections and not report.siblings:
        out.write("No document sets to compare (give SOURCE TRANSLATION..., or set `documents` in the config).\n")
        return
    if not shown:
        out.write("Every translated section is in step with its source.\n")
    for ln in summary_lines(report):
        out.write(ln + "\n")


# --------------------------------------------------------------------------- #
# JSON
# --------------------------------------------------------------------------- #


def render_json(report: "DriftReport", out: TextIO, **_: object) -> None:
    """``{"sections": [...], "siblings": [...], "summary": {...}}``; see ``SectionDrift.to_dict``."""
    json.dump(report.to_dict(), out, ensure_ascii=False, indent=2)
    out.write("\n")


# --------------------------------------------------------------------------- #
# Markdown (pull-request comment)
# --------------------------------------------------------------------------- #

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#!~])")


def md_escape(text: str) -> str:
    """Text safe inside a Markdown table cell: markup characters and pipes escaped, newlines folded.

    >>> md_escape("a | b <img> *c*")
    'a \\\\| b \\\\<img\\\\> \\\\*c\\\\*'
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def render_markdown(report: "DriftReport", out: TextIO, **_: object) -> None:
    """A pull-request comment: a summary table per language, then the sections to look at."""
    summ = report.summary()
    out.write("### Translation drift\n\n")
    if not summ["languages"]:
        out.write("No document sets to compare.\n")
        return
    out.write("| Language | Sections | OK | Outdated | Missing | Untranslated | Extra |\n")
    out.write("|---|---:|---:|---:|---:|---:|---:|\n")
    for lang, row in summ["languages"].items():
        pct = row["percent"]
        out.write(
            f"| {md_escape(lang)} | {row['sections']} | {pct['ok']:g}% | {pct['outdated']:g}% | {pct['missing']:g}% | {pct['untranslated']:g}% | {row['extra']} |\n"
        )
    todo = [s for s in report.sections if s.status.value != "ok"]
    diverged = [s for s in report.siblings if s.status.value == "diverged"]
    if not todo and not diverged:
        out.write("\nEvery translated section is in step with its source.\n")
    by_file: dict[str, list] = {}
    for s in todo:
        by_file.setdefault(s.translation_path, []).append(s)
    for path, items in by_file.items():
        out.write(f"\n#### `{path}` ({md_escape(items[0].lang)})\n\n")
        out.write("| Status | Section | Source | English changed | Translation changed |\n")
        out.write("|---|---|---|---|---|\n")
        for s in items:
            src = f"`{s.source_path}:{s.source.start_line}`" if s.source is not None else "–"
            out.write(
                f"| {s.status.value} | {md_escape(s.title)} | {src} | {_day(s.source_changed) if s.source_changed else '–'} | {_day(s.translation_changed) if s.translation_changed else '–'} |\n"
            )
        for s in items:
            if s.status.value != "outdated" or not s.diff:
                continue
            fence = _fence(s.diff)
            since = f" since {_day(s.translation_changed)}" if s.translation_changed else ""
            out.write(f"\n<details><summary>English changes in {md_escape(s.title)}{since}</summary>\n\n{fence}diff\n{s.diff}\n{fence}\n\n</details>\n")
    if diverged:
        out.write("\n#### zh-Hans and Traditional siblings that no longer correspond\n\n")
        out.write("| Section | zh-Hans | Traditional | Sentences on one side only |\n|---|---|---|---|\n")
        for sib in diverged:
            hl = f"`{sib.hans_path}:{sib.hans.start_line}`" if sib.hans is not None else "–"
            tl = f"`{sib.hant_path}:{sib.hant.start_line}`" if sib.hant is not None else "–"
            only = [f"{lang}: {md_escape(t)}" for lang, items in (("zh-Hans", sib.hans_only), (sib.hant_lang, sib.hant_only)) for t in items]
            out.write(f"| {md_escape(sib.title)} | {hl} | {tl} | {'<br>'.join(only) or md_escape(sib.reason)} |\n")
    for note in report.notes:
        out.write(f"\n> {md_escape(note)}\n")


# --------------------------------------------------------------------------- #
# Dispatch
# --------------------------------------------------------------------------- #


def render(report: "DriftReport", out: TextIO, fmt: str = "text", **options: object) -> None:
    """Write ``report`` in ``fmt``: text, json, markdown, or sarif / github through the lint reporters."""
    if fmt == "text":
        render_text(report, out, **options)
    elif fmt == "json":
        render_json(report, out, **options)
    elif fmt == "markdown":
        render_markdown(report, out, **options)
    elif fmt in ("sarif", "github"):
        from transkit.report import get

        get(fmt)(as_result(report), out, **options)
    else:
        raise ValueError(f"unknown drift report format {fmt!r} (expected one of: {', '.join(FORMATS)})")
