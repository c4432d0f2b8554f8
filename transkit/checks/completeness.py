"""TK301-TK309: lines left in English in a Chinese translation.

Judging "untranslated" in Chinese documentation needs care: reference titles,
author names, product names and code stay in English on purpose. A line counts
as untranslated only when, outside protected spans (code, URLs, link targets),
it has no Han character at all and reads as an English sentence: several
words, at least two of them ordinary lowercase words. Lines that are only
links, only names (Hugging Face Hub, Llama 3.1) or only code are left alone.
"""

from __future__ import annotations

import re

from transkit import lang as langs
from transkit.checks.base import Check, Scope, register
from transkit.diagnostics import Location, Severity
from transkit.document import BlockKind, Document

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_LIST_MARKER = re.compile(r"^\s*(?:>\s*)*(?:[-+*]|\d{1,9}[.)])?\s*(?:\[[ xX]\]\s*)?")
_MARKUP = re.compile(r"[*_~#|>`\[\]!]+")
# Link texts and labels hold no bracket: a line of "[" is then read once.
_LINK = re.compile(r"!?\[([^\[\]]*)\]\(\s*\)|!?\[([^\[\]]*)\]\[[^\[\]]*\]")
# BMP ideographs only: a class reaching into the supplementary planes costs ~4 ms to
# compile at every start, and a line of rare extension-B characters alone is not English.
_HAN_FAST = re.compile("[\u3400-\u9fff\uf900-\ufaff]")

# Lowercase words that belong to names and citations ("by Dettmers et al.", "van der Maaten").
_NAME_WORDS = frozenset({"by", "et", "al", "von", "van", "der", "de", "da", "di", "du", "le", "la", "vs"})
_SKIP_KINDS = frozenset({BlockKind.CODE, BlockKind.FRONT_MATTER, BlockKind.HTML, BlockKind.REFERENCE, BlockKind.TABLE_DELIMITER, BlockKind.THEMATIC_BREAK})


def prose_text(doc: Document, n: int) -> str:
    """A line's prose: protected spans dropped, Markdown markers removed, link-only text blanked."""
    masked = doc.masked(n, fill="\x00")
    # A link whose destination was masked keeps its text; the destination becomes "()".
    masked = masked.replace("\x00", "")
    masked = _LIST_MARKER.sub("", masked, count=1)
    return masked


def english_profile(text: str) -> tuple[int, int]:
    """(words, ordinary lowercase words) of a text with no Han characters."""
    words = _WORD.findall(text)
    lower = sum(1 for w in words if len(w) >= 2 and w.islower() and w not in _NAME_WORDS)
    return len(words), lower


def _is_link_only(doc: Document, n: int, prose: str) -> bool:
    """True when the visible text is nothing but link texts (a bare reference line)."""
    stripped = _LINK.sub("", prose)
    stripped = _MARKUP.sub("", stripped)
    return not stripped.strip(" \t:：,，.-–—()（）")


def _looks_mojibake(text: str) -> bool:
    """Latin-1-looking letters outnumbering a fifth of the letters: an encoding accident (TK21x), not English."""
    ascii_letters = other = 0
    for ch in text:
        if ch.isascii():
            ascii_letters += ch.isalpha()
        elif "\u00c0" <= ch <= "\u024f" or ch in "\u2018\u2019\u201c\u201d\u2020\u2021\u2026\u2030\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc":
            other += 1
    return other > 0.2 * (ascii_letters + other) and other >= 3


def candidate_lines(doc: Document):
    """Lines a translator writes: not code, not front matter, not HTML or reference definitions."""
    skip: set[int] = set()
    for b in doc.blocks:
        if b.kind in _SKIP_KINDS:
            skip.update(b.lines)
    # A line is blank when its body is (the line ending is whitespace too).
    return [n for n, line in enumerate(doc.lines, 1) if n not in skip and not line.isspace()]


def untranslated(doc: Document, n: int, min_lower: int = 2, min_words: int = 3) -> bool:
    body = doc.body(n)
    # Masking only removes text: Han on a line without protected spans is Han outside them.
    if _HAN_FAST.search(body) and (not doc.spans(n) or _HAN_FAST.search(doc.masked(n))):
        return False
    prose = prose_text(doc, n)
    if not prose.strip() or _is_link_only(doc, n, prose) or _looks_mojibake(prose):
        return False
    words, lower = english_profile(_MARKUP.sub(" ", prose))
    return words >= min_words and lower >= min_lower


@register
class UntranslatedLine(Check):
    """A line of a Chinese translation that is still an English sentence.

    Outside code, URLs and link targets the line has no Han character and reads
    as English prose (at least ``min-words`` words, ``min-lowercase`` of them
    ordinary lowercase words). Names, titles in title case, link-only lines and
    code are not flagged.

    Failing example (zh-Hant file): ``This section explains quantization.``
    Passing: ``- [QLoRA](https://example.org) by Dettmers et al.：介紹 4 位元量化微調。``
    Fix: translate the line, or mark a deliberate English line with
    ``<!-- transkit-ignore TK301: quoted title -->``.
    """

    code = "TK301"
    name = "untranslated-line"
    severity = Severity.WARNING
    languages = frozenset({"zh-Hans", "zh-Hant", "zh-HK"})
    options = {"min-words": 3, "min-lowercase": 2}

    def check_file(self, doc, ctx):
        min_words = int(self.opts["min-words"])
        min_lower = int(self.opts["min-lowercase"])
        # The common Chinese line, Han outside any protected span, is decided in one
        # C-level pass over the lines (see untranslated).
        has_han = list(map(_HAN_FAST.search, doc.lines))
        protected = set(doc.protected_lines())
        for n in candidate_lines(doc):
            if has_han[n - 1] is not None and n not in protected:
                continue
            if untranslated(doc, n, min_lower=min_lower, min_words=min_words):
                body = doc.body(n)
                col = len(body) - len(body.lstrip()) + 1
                yield self.diagnostic(ctx, n, col, "line is still in English (no Chinese outside code and links)")


def _normalized(doc: Document, n: int) -> str:
    return " ".join(prose_text(doc, n).split())


@register
class IdenticalToSource(Check):
    """A translated line identical to a line of its source, with English words left in it.

    Runs when a source document is given (``transkit lint --source``, or a
    document set in ``transkit check``). Lines made only of names, numbers,
    links or code are expected to stay identical and are not flagged.

    Failing example: source ``Quantization reduces memory use.``, translation
    the same line. Fix: translate it.
    """

    code = "TK302"
    name = "identical-to-source"
    severity = Severity.WARNING
    scope = Scope.PAIR
    languages = frozenset({"zh-Hans", "zh-Hant", "zh-HK"})

    def check_pair(self, pair):
        if langs.is_chinese(pair.source_lang) and langs.is_chinese(pair.target_lang):
            return  # zh-Hans and zh-Hant share most characters: identity means nothing
        src = pair.source
        index: dict[str, int] = {}
        for n in candidate_lines(src):
            key = _normalized(src, n)
            if key:
                index.setdefault(key, n)
        tgt = pair.target
        for n in candidate_lines(tgt):
            key = _normalized(tgt, n)
            if not key or key not in index:
                continue
            if _HAN_FAST.search(key):
                continue
            prose = prose_text(tgt, n)
            if _is_link_only(tgt, n, prose):
                continue
            words, lower = english_profile(_MARKUP.sub(" ", prose))
            if lower < 1:
                continue
            body = tgt.body(n)
            yield self.diagnostic(
                pair,
                n,
                len(body) - len(body.lstrip()) + 1,
                f"line is identical to source line {index[key]} and still English",
                related=Location(src.path, index[key], 1),
            )
