"""TK501-TK509: characters of the wrong script for the file's language.

The character tables come from OpenCC's own dictionaries, per region (see
:mod:`transkit.script`): 峰 is right in Taiwan even though OpenCC's ``s2t``
writes 峯, so the Taiwan table is derived from ``s2tw``.
"""

from __future__ import annotations

from transkit.checks.base import Check, register
from transkit.diagnostics import Fix, Severity


def _runs(doc, wrong):
    """(line, start0, end0) runs of characters from ``wrong`` outside protected spans."""
    if wrong.isdisjoint(doc.chars):
        return
    for n in range(1, doc.line_count + 1):
        body = doc.body(n)
        if wrong.isdisjoint(body) or doc.is_code_line(n):
            continue
        masked = doc.masked(n)
        i, size = 0, len(masked)
        while i < size:
            if masked[i] in wrong:
                j = i + 1
                while j < size and masked[j] in wrong:
                    j += 1
                yield n, i, j
                i = j
            else:
                i += 1


class _ScriptPurity(Check):
    severity = Severity.WARNING
    fixable = True
    _what = ""

    def check_file(self, doc, ctx):
        tables = ctx.resources.script_tables
        wrong = tables.wrong_chars(ctx.lang)
        if not wrong:
            return
        for n, i, j in _runs(doc, wrong):
            body = doc.body(n)
            chars = body[i:j]
            suggested = [tables.suggestion(ch, ctx.lang) for ch in chars]
            fix = None
            hint = ""
            if all(suggested):
                repl = "".join(suggested)
                hint = f" ({repl} in {ctx.lang})"
                fix = Fix(n, i + 1, j + 1, repl, f"replace {chars} with {repl} (check the context: OpenCC's character default)")
            yield self.diagnostic(ctx, n, i + 1, f"{self._what} {chars}{hint}", end_column=j + 1, fix=fix)


@register
class SimplifiedInTraditional(_ScriptPurity):
    """A simplified-only character in a Traditional Chinese (zh-Hant or zh-HK) file.

    The character has a distinct traditional form and never occurs in
    traditional text as converted by OpenCC for the file's region, so it was
    left over from a zh-Hans source or typed with the wrong input method.

    Failing example (zh-Hant): ``向量数据庫``. Fix: ``向量資料庫``; the suggested
    fix gives OpenCC's character-level form, which the reviewer should check
    in context (发 can be 發 or 髮).
    """

    code = "TK501"
    name = "simplified-in-traditional"
    languages = frozenset({"zh-Hant", "zh-HK"})
    _what = "simplified character"


@register
class TraditionalInSimplified(_ScriptPurity):
    """A traditional-only character in a Simplified Chinese (zh-Hans) file.

    Failing example (zh-Hans): ``检索增強生成``. Fix: ``检索增强生成``. Characters
    that are valid in both scripts in some words (乾 in 乾坤, 著 in 著作) are
    never flagged.
    """

    code = "TK502"
    name = "traditional-in-simplified"
    languages = frozenset({"zh-Hans"})
    _what = "traditional character"
