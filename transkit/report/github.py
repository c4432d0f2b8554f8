"""GitHub Actions workflow commands: ``::error file=F,line=L,col=C,title=T::message``.

Property values escape ``%``, CR, LF, ``:`` and ``,``; the message escapes
``%``, CR and LF, as the runner expects.
"""

from __future__ import annotations

from typing import TextIO

from transkit.diagnostics import Severity

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render(result, out: TextIO, **_: object) -> None:
    for d in result.diagnostics:
        props = [f"file={escape_property(d.path)}", f"line={d.line}", f"col={d.column}"]
        if d.end_line is not None:
            props.append(f"endLine={d.end_line}")
        if d.end_column is not None and (d.end_line is None or d.end_line == d.line):
            props.append(f"endColumn={d.end_column}")
        props.append(f"title={escape_property(f'{d.code} {d.name}')}")
        out.write(f"::{_LEVEL[d.severity]} {','.join(props)}::{escape_data(d.message)}\n")
