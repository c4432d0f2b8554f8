"""TK201-TK209: characters that should not be in a text file at all.

Mojibake (text decoded with the wrong encoding) lives in
:mod:`transkit.checks.mojibake`; these checks are about single characters.
"""

from __future__ import annotations

import re

from transkit.checks.base import Check, register
from transkit.diagnostics import Fix, Severity

# Invisible characters that are never intended in documentation prose.
INVISIBLE = {
    "\u200b": "zero-width space",
    "\u200c": "zero-width non-joiner",
    "\u2060": "word joiner",
    "\u00ad": "soft hyphen",
    "\u180e": "Mongolian vowel separator",
    "\u2061": "function application",
    "\u2062": "invisible times",
    "\u2063": "invisible separator",
    "\u2064": "invisible plus",
    "\ufeff": "byte order mark",
    "\u202a": "left-to-right embedding",
    "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting",
    "\u202d": "left-to-right override",
    "\u202e": "right-to-left override",
    "\u2066": "left-to-right isolate",
    "\u2067": "right-to-left isolate",
    "\u2068": "first strong isolate",
    "\u2069": "pop directional isolate",
}
_CONTROL = {chr(c) for c in range(0x00, 0x20) if chr(c) not in "\t\n\r"} | {"\x7f"} | {chr(c) for c in range(0x80, 0xA0)}
_SUSPECT = frozenset(INVISIBLE) | frozenset(_CONTROL) | {"\ufffd"}
_INVISIBLE_RE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_FFFD = re.compile("\ufffd")


def _scan(doc, wanted, finder=None):
    """Yield (line, column0, char) for characters of ``wanted``; one set test per line first.

    ``finder``, a compiled character class of ``wanted``, rules a clean
    document out with one C-level search instead of a set test per character.
    """
    if finder is not None:
        if not finder.search(doc.text):
            return
    elif wanted.isdisjoint(doc.chars):
        return
    for n in range(1, doc.line_count + 1):
        body = doc.body(n)
        if wanted.isdisjoint(body):
            continue
        for i, ch in enumerate(body):
            if ch in wanted:
                yield n, i, ch


@register
class ReplacementCharacter(Check):
    """U+FFFD REPLACEMENT CHARACTER: text was lost when the file was decoded.

    A decoder that met bytes it could not read put U+FFFD in their place and the
    file was saved that way; the original characters are gone from this file.

    Failing example: ``模型的�署``. Fix: restore the text from the source or
    from version control; when the whole file is mojibake, ``transkit repair``
    may recover it.
    """

    code = "TK201"
    name = "replacement-character"
    severity = Severity.ERROR

    def check_file(self, doc, ctx):
        if "\ufffd" not in doc.text:
            return
        for n, i, _ in _scan(doc, {"\ufffd"}, _FFFD):
            body = doc.body(n)
            if i > 0 and body[i - 1] == "\ufffd":
                continue  # one finding per run
            j = i
            while j < len(body) and body[j] == "\ufffd":
                j += 1
            run = j - i
            what = "U+FFFD replacement character" if run == 1 else f"{run} U+FFFD replacement characters"
            yield self.diagnostic(ctx, n, i + 1, f"{what}: text was lost in decoding", end_column=j + 1)


@register
class InvisibleCharacter(Check):
    """An invisible character (zero-width space, soft hyphen, BOM in mid-file, bidi control).

    Invisible characters break search, glossary matching and diffs without
    showing on screen: ``提示\\u200b词`` looks like 提示词 but no tool finds it.
    A byte order mark is only allowed as the very first character of a file.

    Fix: delete the character (the suggested fix does).
    """

    code = "TK202"
    name = "invisible-character"
    severity = Severity.WARNING
    fixable = True

    def check_file(self, doc, ctx):
        wanted = frozenset(INVISIBLE)
        for n, i, ch in _scan(doc, wanted, _INVISIBLE_RE):
            if ch == "\ufeff" and n == 1 and i == 0:
                continue  # a leading BOM is legitimate
            if doc.is_code_line(n) and ch not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
                continue  # code may quote anything, but bidi overrides are never innocent
            name = INVISIBLE[ch]
            where = "byte order mark in mid-file" if ch == "\ufeff" else name
            yield self.diagnostic(
                ctx,
                n,
                i + 1,
                f"invisible character U+{ord(ch):04X} ({where})",
                end_column=i + 2,
                fix=Fix(n, i + 1, i + 2, "", f"delete U+{ord(ch):04X}"),
            )


@register
class ControlCharacter(Check):
    """A C0 or C1 control character (other than tab and line endings).

    Control characters are invisible, break XML-based formats such as TBX and
    SARIF, and usually come from a bad copy and paste or a wrong decoding (C1
    controls U+0080-U+009F are what cp1252 bytes become when read as Latin-1).

    Fix: delete the character, or repair the encoding if many appear.
    """

    code = "TK203"
    name = "control-character"
    severity = Severity.WARNING
    fixable = True

    def check_file(self, doc, ctx):
        for n, i, ch in _scan(doc, frozenset(_CONTROL), _CONTROL_RE):
            yield self.diagnostic(
                ctx,
                n,
                i + 1,
                f"control character U+{ord(ch):04X}",
                end_column=i + 2,
                fix=Fix(n, i + 1, i + 2, "", f"delete U+{ord(ch):04X}"),
            )
