"""Diagnostics: what every check yields and every reporter prints.

A diagnostic is a plain frozen value. Columns count Unicode code points and are
1-based, like lines, because that is what a Chinese reader counts on screen.
"""

from __future__ import annotations

import enum

from transkit.values import frozen


class Severity(enum.IntEnum):
    """How bad a finding is; ordered so that ``ERROR > WARNING > INFO``."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, value: str) -> "Severity":
        try:
            return cls[value.strip().upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {value!r} (expected one of: {names})") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@frozen
class Location:
    """A place in a file: 1-based line and column (code points)."""

    path: str
    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None


@frozen
class Fix:
    """A suggested edit: replace ``line``'s columns ``[column, end_column)`` with ``replacement``.

    ``end_column`` of ``None`` means "to the end of the line" (the line ending
    itself is never part of a fix).
    """

    line: int
    column: int
    end_column: int | None
    replacement: str
    description: str = ""


@frozen
class Diagnostic:
    """One finding of one check in one file."""

    code: str
    name: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    end_line: int | None = None
    end_column: int | None = None
    lang: str | None = None
    related: Location | None = None
    fix: Fix | None = None
    data: tuple[tuple[str, object], ...] = ()  # left out of equality and hashing

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self[:-1] == other[:-1]

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
        return hash(self[:-1])

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)

    def with_severity(self, severity: Severity) -> "Diagnostic":
        return self._replace(severity=severity)

    def to_dict(self) -> dict:
        """The JSON shape shared by the json reporter and the cache."""
        out: dict = {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.label,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "message": self.message,
            "lang": self.lang,
        }
        if self.related is not None:
            out["related"] = {
                "path": self.related.path,
                "line": self.related.line,
                "column": self.related.column,
            }
        if self.fix is not None:
            out["fix"] = {
                "line": self.fix.line,
                "column": self.fix.column,
                "end_column": self.fix.end_column,
                "replacement": self.fix.replacement,
                "description": self.fix.description,
            }
        if self.data:
            out["data"] = dict(self.data)
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "Diagnostic":
        related = d.get("related")
        fix = d.get("fix")
        return cls(
            code=d["code"],
            name=d["name"],
            severity=Severity.parse(d["severity"]),
            path=d["path"],
            line=d["line"],
            column=d["column"],
            end_line=d.get("end_line"),
            end_column=d.get("end_column"),
            message=d["message"],
            lang=d.get("lang"),
            related=Location(related["path"], related["line"], related["column"]) if related else None,
            fix=Fix(fix["line"], fix["column"], fix["end_column"], fix["replacement"], fix.get("description", ""))
            if fix
            else None,
            data=tuple(sorted((d.get("data") or {}).items())),
        )


@frozen
class Summary:
    """Counts a reporter prints under the findings."""

    documents: int = 0
    languages: tuple[str, ...] = ()
    sections: int = 0
    by_severity: tuple[tuple[str, int], ...] = ()
    skipped: int = 0
    catalogs: int = 0

    def to_dict(self, diagnostics: list[Diagnostic]) -> dict:
        return {
            "documents": self.documents,
            "catalogs": self.catalogs,
            "languages": list(self.languages),
            "sections": self.sections,
            "findings": len(diagnostics),
            "errors": sum(d.severity is Severity.ERROR for d in diagnostics),
            "warnings": sum(d.severity is Severity.WARNING for d in diagnostics),
            "infos": sum(d.severity is Severity.INFO for d in diagnostics),
            "skipped": self.skipped,
        }
