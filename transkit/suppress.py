"""Inline suppression comments, and the findings they themselves deserve.

    text <!-- transkit-ignore TK401 -->              this line
    <!-- transkit-ignore-next-line TK3: a proper name -->   the next line
    <!-- transkit-disable TK502 -->  ...  <!-- transkit-enable TK502 -->   a range

Selectors are codes, code prefixes or check names, separated by commas or
spaces; none means every check. Anything after ``:`` is the reason. A
directive that cannot be parsed is reported (TK003), and so is one that
suppressed nothing (TK004) among checks that ran.
"""

from __future__ import annotations

import re

from transkit.checks import is_valid_selector, matches
from transkit.document import Document, SpanKind

_DIRECTIVE = re.compile(r"<!--\s*(transkit-[A-Za-z-]*)(.*?)-->")
KINDS = ("transkit-ignore", "transkit-ignore-next-line", "transkit-disable", "transkit-enable")


class Directive:
    """One suppression comment; ``used`` is set when it suppressed a finding."""

    __slots__ = ("kind", "line", "column", "selectors", "reason", "first", "last", "used")

    def __init__(self, kind: str, line: int, column: int, selectors: tuple[str, ...], reason: str, first: int, last: int, used: bool = False) -> None:
        self.kind = kind
        self.line = line
        self.column = column  # 1-based
        self.selectors = selectors
        self.reason = reason
        self.first = first  # lines covered, inclusive
        self.last = last
        self.used = used

    def __repr__(self) -> str:
        return f"Directive({self.kind!r}, line={self.line}, selectors={self.selectors!r}, lines {self.first}-{self.last}, used={self.used})"


class Suppressions:
    """The suppression comments of one document, and the malformed ones (line, column, message)."""

    def __init__(self, directives: list[Directive] | None = None, malformed: list[tuple[int, int, str]] | None = None) -> None:
        self.directives: list[Directive] = [] if directives is None else directives
        self.malformed: list[tuple[int, int, str]] = [] if malformed is None else malformed

    def covers(self, code: str, name: str, line: int) -> bool:
        hit = False
        for d in self.directives:
            if d.first <= line <= d.last and self._picks(d, code, name):
                d.used = True
                hit = True
        return hit

    @staticmethod
    def _picks(d: Directive, code: str, name: str) -> bool:
        if not d.selectors:
            return True
        for s in d.selectors:
            su = s.upper()
            if su == "ALL" or (su.startswith("TK") and code.startswith(su)) or s.lower() == name:
                return True
        return False


def parse(doc: Document) -> Suppressions:
    out = Suppressions()
    if "transkit-" not in doc.text:
        return out
    open_ranges: list[Directive] = []
    last_line = doc.line_count
    for n in range(1, last_line + 1):
        body = doc.body(n)
        if "transkit-" not in body or doc.is_code_line(n):
            continue
        inline_code = [s for s in doc.spans(n) if s.kind is SpanKind.INLINE_CODE]
        for m in _DIRECTIVE.finditer(body):
            if any(s.start <= m.start() < s.end for s in inline_code):
                continue
            kind, rest = m.group(1), m.group(2)
            col = m.start() + 1
            if kind not in KINDS:
                out.malformed.append((n, col, f"unknown directive {kind!r} (expected one of: {', '.join(KINDS)})"))
                continue
            sel_text, _, reason = rest.partition(":")
            selectors = tuple(s for s in re.split(r"[,\s]+", sel_text.strip()) if s)
            bad = [s for s in selectors if not is_valid_selector(s)]
            if bad:
                out.malformed.append((n, col, f"{kind}: unknown check selector {bad[0]!r}"))
                continue
            d = Directive(kind, n, col, selectors, reason.strip(), n, n)
            if kind == "transkit-ignore":
                out.directives.append(d)
            elif kind == "transkit-ignore-next-line":
                if n == last_line:
                    out.malformed.append((n, col, "transkit-ignore-next-line on the last line has nothing to apply to"))
                    continue
                d.first = d.last = n + 1
                out.directives.append(d)
            elif kind == "transkit-disable":
                d.last = last_line
                open_ranges.append(d)
                out.directives.append(d)
            else:  # enable
                closed = False
                for r in reversed(open_ranges):
                    if not selectors or set(s.upper() for s in selectors) & set(s.upper() for s in r.selectors) or not r.selectors:
                        r.last = n
                        open_ranges.remove(r)
                        closed = True
                        break
                if not closed:
                    out.malformed.append((n, col, "transkit-enable without a matching transkit-disable"))
    return out


def unused(sup: Suppressions, ran: list) -> list[Directive]:
    """Directives that suppressed nothing, judged only against checks that ran."""
    out = []
    for d in sup.directives:
        if d.used:
            continue
        if d.selectors and not any(matches(c, s) for c in ran for s in d.selectors):
            continue  # the checks it names did not run: cannot judge
        out.append(d)
    return out
