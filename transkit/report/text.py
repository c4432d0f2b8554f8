"""Human-readable report: ``path:line:col: CODE name message`` with the line excerpt.

Colour only when writing to a terminal and ``NO_COLOR`` is not set.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import TextIO

from transkit.diagnostics import Severity

_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def use_color(out: TextIO) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(out, "isatty") and out.isatty()


_EOL = re.compile(rb"\r\n|\r|\n")


class _Lines:
    """Each reported file's lines, for excerpts: the bytes the run read (``sources``), else the file.

    The bytes are split once and only the lines shown are decoded. In UTF-8 the
    bytes \\r and \\n stand for those characters only, so this splits as the
    decoded text would, and an invalid sequence never reaches past a line end,
    so a line decodes (with U+FFFD) as it would inside the whole text.
    """

    def __init__(self, sources: dict[str, bytes] | None = None) -> None:
        self._sources = sources or {}
        self._cache: dict[str, list[bytes] | None] = {}

    def get(self, path: str, line: int) -> str | None:
        if path not in self._cache:
            data = self._sources.get(path)
            if data is None:
                try:
                    with open(path, "rb") as fh:
                        data = fh.read()
                except OSError:
                    pass
            self._cache[path] = None if data is None else data.split(b"\n") if b"\r" not in data else _EOL.split(data)
        lines = self._cache[path]
        if not lines or not 1 <= line <= len(lines):
            return None
        return lines[line - 1].decode("utf-8", errors="replace")


_SPECIAL = re.compile("[\x00-\x1f\x7f-\x9f\u200b\u200c\u200d\u2060\u00ad\ufeff\u202a-\u202e\u2066-\u2069\udc80-\udcff]")
# East Asian wide and fullwidth ranges, for placing the caret under a CJK line.
# Compiled on first use: a class this wide costs about 4 ms, which a clean run need not pay.
_WIDE_CLASS = "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U0001f300-\U0001f64f\U0001f900-\U0001f9ff\U00020000-\U0003fffd]"


@lru_cache(maxsize=None)
def _wide() -> "re.Pattern[str]":
    return re.compile(_WIDE_CLASS)


def _visible(s: str) -> str:
    """Show invisible and control characters in an excerpt."""
    if not _SPECIAL.search(s):
        return s
    out = []
    for ch in s:
        o = ord(ch)
        if ch == "\t":
            out.append("    ")
        elif o < 0x20 or 0x7F <= o < 0xA0 or ch in "\u200b\u200c\u200d\u2060\u00ad\ufeff" or 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069 or 0xDC80 <= o <= 0xDCFF:
            out.append(f"<U+{o:04X}>" if not 0xDC80 <= o <= 0xDCFF else f"<{o - 0xDC00:02X}>")
        else:
            out.append(ch)
    return "".join(out)


def summary_line(summary: dict) -> str:
    langs = ", ".join(summary["languages"]) or "none"
    head = f"{summary['documents']} document{'s' if summary['documents'] != 1 else ''}"
    if summary.get("catalogs"):
        head += f" and {summary['catalogs']} catalog{'s' if summary['catalogs'] != 1 else ''}"
    head += f" ({langs}), {summary['sections']} sections"
    if summary.get("skipped"):
        head += f", {summary['skipped']} skipped"
    n = summary["findings"]
    if not n:
        return f"{head}: no findings."
    parts = []
    for key, label in (("errors", "error"), ("warnings", "warning"), ("infos", "info")):
        if summary[key]:
            parts.append(f"{summary[key]} {label}{'s' if summary[key] != 1 and label != 'info' else ''}")
    return f"{head}: {n} finding{'s' if n != 1 else ''} ({', '.join(parts)})."


def render(result, out: TextIO, *, color: bool | None = None, excerpts: bool = True, **_: object) -> None:
    color = use_color(out) if color is None else color
    lines = _Lines(getattr(result, "sources", None))
    wide = _wide() if excerpts and result.diagnostics else None
    # A report has thousands of entries: collect the text and write it in batches.
    buf: list[str] = []
    for d in result.diagnostics:
        loc = f"{d.path}:{d.line}:{d.column}:"
        sev = d.severity
        if color:
            buf.append(f"{_BOLD}{loc}{_RESET} {_COLORS[sev]}{d.code}{_RESET} {_DIM}{d.name}{_RESET} {d.message}\n")
        else:
            buf.append(f"{loc} {d.code} {d.name} {d.message}\n")
        if excerpts:
            text = lines.get(d.path, d.line)
            if text is not None:
                if len(text) > 200:
                    start = max(0, d.column - 60)
                    text = ("…" if start else "") + text[start : start + 140] + "…"
                    caret_col = d.column - start + (1 if start else 0)
                else:
                    caret_col = d.column
                shown = _visible(text)
                prefix = _visible(text[: max(0, caret_col - 1)])
                # Wide characters take two columns: removing them counts them in C.
                width = 2 * len(prefix) - len(wide.sub("", prefix)) if prefix else 0
                buf.append(f"    {shown}\n    {' ' * width}^\n")
        if d.fix is not None and d.fix.description:
            buf.append(f"    fix: {d.fix.description}\n")
        if len(buf) >= 512:
            out.write("".join(buf))
            buf.clear()
    out.write("".join(buf))
    out.write(summary_line(result.summary.to_dict(result.diagnostics)) + "\n")
