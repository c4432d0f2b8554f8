"""Markdown-safe conversion between Chinese scripts, with glossary terms locked.

OpenCC does the conversion; this module decides what it may touch:

- only prose is converted: code, inline code, URLs, link and image
  destinations, reference definitions, HTML tags and comments and front-matter
  keys (the protected spans of :mod:`transkit.document`) stay byte-identical,
  and so do line endings, so the line count never changes;
- glossary terms are *locked*: before OpenCC runs, each glossary match (longest
  first) becomes a placeholder character that OpenCC passes through, and after
  it runs the placeholder becomes the glossary's target form. No OpenCC step
  (the Taiwan phrase step included) can rewrite a locked term;
- text with no glossary match converts exactly as OpenCC alone converts it.

The prose of a whole document goes to OpenCC in one call: the pieces are joined
with a separator character OpenCC never changes and that no dictionary entry
contains, so phrase matching stops at it exactly as it would at the end of a
separate call (tests hold this against OpenCC directly).

    >>> c = Converter.for_languages("zh-Hans", "zh-Hant", glossary={"提示词": "提示詞"})
    >>> c.convert_text("软件的提示词")
    '軟體的提示詞'
    >>> c.convert_document(Document.from_text("[文档](docs/数据.md) 与 `数据`\\n"))
    '[文件](docs/数据.md) 與 `数据`\\n'

The placeholders and the separator are private-use characters (U+E000 up, then
planes 15 and 16) that OpenCC leaves alone; those that occur in the input are
never chosen, so a placeholder cannot collide with text.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from transkit import lang as langs
from transkit.document import Document, has_open_backticks, line_body
from transkit.errors import InputError

DATA = Path(__file__).with_name("data") / "ambiguous-chars.txt"

# Default OpenCC configuration per (source, target) language pair.
DEFAULT_CONFIGS: dict[tuple[str, str], str] = {
    ("zh-Hans", "zh-Hant"): "s2twp",  # Taiwan phrasing
    ("zh-Hans", "zh-HK"): "s2hk",
    ("zh-Hant", "zh-Hans"): "tw2sp",
    ("zh-HK", "zh-Hans"): "hk2s",
    ("zh-Hant", "zh-HK"): "t2hk",
    ("zh-HK", "zh-Hant"): "hk2t",
}

# The script-only part of each configuration: where one-to-many *character*
# choices are made (the phrase layers of s2twp and tw2sp swap whole words).
_SCRIPT_BASE = {"s2twp": "s2tw", "s2hkp": "s2hk", "tw2sp": "tw2s", "hk2sp": "hk2s"}

# Characters OpenCC cannot take: its C++ core stops at NUL (multi-step
# configurations then drop or garble the rest), and lone surrogates (undecodable
# bytes kept by surrogateescape) cannot be encoded for it. They pass through.
_BARRIER = re.compile(r"[\x00\ud800-\udfff]+")
# Placeholders and separators are private-use characters, the BMP block first
# (a text with none outside the BMP stays compact in memory), then planes 15
# and 16; characters of these ranges found in the input are never chosen.
_PUA_RANGES = ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))
_PUA = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")
# What can start an inline protected span (code, link, autolink, HTML, e-mail,
# heading id, URL); what can open a block holding protected lines; blank lines.
_SPECIAL_CHAR = re.compile(r"[`<\[\]!@{~]")
_INDENT_LINE = re.compile(r"\n(?:    | {0,3}\t)")  # matches at the newline before the line
# Lines that may open a fence, an HTML block or comment, or a reference definition,
# or a fence or indented code inside a block quote.
_OPENS = r"[ \t]*(?:[<\[]|```|~~~)|(?: {0,3}> ?)+(?: {0,3}(?:```|~~~)| {4}|\t)"
_BLOCK_START = re.compile(_OPENS)
_BLOCK_LINE = re.compile(rf"\n(?:{_OPENS})")
# Ends where a line follows a blank line (a literal "\n" first: much faster than "^" with re.M).
_AFTER_BLANK = re.compile(r"\n[^\S\n]*\n(?=\S)")
_BLANK_FIRST = re.compile(r"[^\S\n]*\n(?=\S)")  # the same when the text starts with a blank line
_INDENTED = ("    ", "\t", " \t", "  \t", "   \t")
_BULLET = re.compile(r"[-+*][ \t]|[-+*]$|\d{1,9}[.)]([ \t]|$)")


# --------------------------------------------------------------------------- #
# OpenCC
# --------------------------------------------------------------------------- #


def known_configs() -> tuple[str, ...]:
    """OpenCC configurations shipped with the installed opencc package (``s2twp``, ...)."""
    import opencc

    return tuple(sorted(c.removesuffix(".json") for c in opencc.CONFIGS))


@functools.lru_cache(maxsize=None)
def opencc_converter(config: str):
    """The OpenCC converter for ``config``, built once per process (s2twp costs ~100 ms)."""
    import opencc

    name = config.removesuffix(".json")
    if name not in known_configs():
        raise InputError(f"unknown OpenCC configuration {config!r} (one of: {', '.join(known_configs())})")
    return opencc.OpenCC(name)


def default_config(source_lang: str, target_lang: str) -> str:
    """The OpenCC configuration transkit uses for a language pair (``s2twp`` for zh-Hans to zh-Hant)."""
    try:
        return DEFAULT_CONFIGS[(source_lang, target_lang)]
    except KeyError:
        pairs = ", ".join(f"{a} -> {b}" for a, b in DEFAULT_CONFIGS)
        raise InputError(f"cannot convert {source_lang} to {target_lang} (supported: {pairs})") from None


def _reserved(text: str) -> set[str]:
    """Private-use characters of the placeholder planes already present in ``text``."""
    return set(_PUA.findall(text)) if _PUA.search(text) else set()


def _fresh(reserved: set[str]) -> Iterable[str]:
    """Placeholder characters not in ``reserved``, in code-point order."""
    for lo, hi in _PUA_RANGES:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            if ch not in reserved:
                yield ch


# --------------------------------------------------------------------------- #
# The glossary lock
# --------------------------------------------------------------------------- #


class GlossaryLock:
    """Replaces glossary terms by placeholders before OpenCC and restores their target forms after.

    Matching is leftmost-longest over the source forms (``数据库`` wins over
    ``数据``). Given the source language, a match that the surrounding words
    cut through (算法 in 计算法律, 内存 in 国内存在) is given up, and what it
    covered is searched again (see :mod:`transkit.boundaries`).

        >>> lock = GlossaryLock({"数据": "資料", "数据库": "資料庫"})
        >>> locked, table = lock.lock("数据库和数据", set())
        >>> len(locked), table[1:]
        (3, ['資料庫', '資料'])
        >>> lock.restore(locked, table)
        '資料庫和資料'
    """

    def __init__(self, pairs: Mapping[str, str], lang: str | None = None) -> None:
        # Terms never span lines or contain the characters used as placeholders.
        self.pairs = {
            k: v
            for k, v in pairs.items()
            if k and k.strip() and not any(ch in k for ch in "\r\n\x00") and not _PUA.search(k) and not _BARRIER.search(k)
        }
        self._keys = list(self.pairs)
        self._targets = [self.pairs[k] for k in self._keys]
        self._finder = None
        self._bytes_finder = None
        # Source language: enables the word-boundary guard (None: plain substring matching).
        self.lang = lang
        self._guard: Any = None

    def __bool__(self) -> bool:
        return bool(self.pairs)

    def _find(self):
        """A function text -> [(term index, start, end)], leftmost-longest, built once.

        ahocorasick_rs (Rust, leftmost-longest built in, ~4x faster on big
        texts) when it is installed; pyahocorasick otherwise, whose
        ``iter_long`` misses matches in some cases, so the selection is made
        here from all matches.
        """
        if self._finder is None:
            try:
                import ahocorasick_rs

                ac = ahocorasick_rs.AhoCorasick(self._keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
                self._finder = ac.find_matches_as_indexes
            except ImportError:
                self._finder = _pyahocorasick_finder(self._keys)
        return self._finder

    @property
    def guard(self):
        """The :class:`transkit.boundaries.BoundaryGuard` for these terms, or None without a language."""
        if self._guard is None and self.lang is not None:
            from transkit.boundaries import BoundaryGuard

            self._guard = BoundaryGuard.for_terms(self._keys, self.lang) if self.pairs else False
        return self._guard or None

    def matches(self, text: str) -> list[tuple[int, int]]:
        """Leftmost-longest, non-overlapping ``(start, end)`` matches of the source forms."""
        if not self.pairs:
            return []
        found = self._find()(text)
        guard = self.guard
        if guard and found:
            risky = [j for j, (k, s, e) in enumerate(found) if guard.risky(k, text[s - 1 : s], text[e : e + 1])]
            changes = _guarded(found, risky, len(text), lambda k, s, e: guard.keeps(text, s, e, k), lambda lo, hi: [(k, s + lo, e + lo) for k, s, e in self._find()(text[lo:hi])], lambda s: 1)
            found = _apply(found, changes)
        return [(s, e) for _, s, e in found]

    def lock(self, text: str, reserved: set[str]) -> tuple[str, list[str]]:
        """``text`` with every match replaced by a placeholder, and the target form of each, in order.

        Every placeholder is a character outside ``reserved``; all matches of
        one call share it, since :meth:`restore` puts the targets back by order.
        """
        if not self.pairs:
            return text, []
        ph = next(_fresh(reserved))
        data = text.encode("utf-8", errors="surrogatepass")
        found = self._bytes_find()(data)
        if not found:
            return text, []
        # In C: the bytes between matches, joined by the placeholder; the target of each match in order.
        idx, starts, ends = zip(*found)
        between = list(map(data.__getitem__, map(slice, (0, *ends), (*starts, len(data)))))
        guard = self.guard
        if guard:
            risky = guard.candidates(idx, between)
            if risky:
                idx, between = self._guard_bytes(guard, data, found, risky, idx, starts, ends, between)
                if not idx:
                    return text, []
        locked = ph.encode("utf-8").join(between).decode("utf-8", errors="surrogatepass")
        return locked, [ph, *map(self._targets.__getitem__, idx)]

    def _guard_bytes(self, guard, data: bytes, found: list, risky: list[int], idx, starts, ends, between) -> tuple[list, list]:
        """The term indexes and the bytes between matches, once the matches words cut through are given up."""
        span = 3 * CONTEXT_BYTES
        verdicts = guard.raw_verdicts

        def keeps(k: int, s: int, e: int) -> bool:
            a = max(0, s - span)
            raw = (data[a : e + span], s - a, e - a, k)
            verdict = verdicts.get(raw)
            if verdict is None:
                before = data[a:s].decode("utf-8", "ignore")
                term = data[s:e].decode("utf-8", "surrogatepass")
                after = data[e : e + span].decode("utf-8", "ignore")
                verdict = verdicts[raw] = guard.keeps(before + term + after, len(before), len(before) + len(term), k)
            return verdict

        def refind(lo: int, hi: int) -> list:
            return [(k, s + lo, e + lo) for k, s, e in self._bytes_find()(data[lo:hi])]

        changes = _guarded(found, risky, len(data), keeps, refind, lambda s: _utf8_width(data[s]))
        guard.save_verdicts()
        if not changes:
            return idx, between
        # Splice: only the pieces next to a change are cut again.
        n = len(idx)
        out_idx: list = []
        out_between: list = []
        i = pos = 0
        for j, adds in changes:
            if i < j:
                out_between.append(between[i] if pos == (ends[i - 1] if i else 0) else data[pos : starts[i]])
                out_between.extend(between[i + 1 : j])
                out_idx.extend(idx[i:j])
                pos = ends[j - 1]
            for k, s, e in adds:
                out_between.append(data[pos:s])
                out_idx.append(k)
                pos = e
            i = j + 1
        if i < n:
            out_between.append(between[i] if pos == (ends[i - 1] if i else 0) else data[pos : starts[i]])
            out_between.extend(between[i + 1 :])
            out_idx.extend(idx[i:])
        else:
            out_between.append(data[pos:])
        return out_idx, out_between

    def _bytes_find(self):
        """Leftmost-longest matching on UTF-8 bytes: (term index, start, end) in byte offsets.

        Byte offsets are cheaper to produce than code-point offsets, and an
        automaton keyed by UTF-8 bytes has a root with a handful of children
        instead of hundreds (pyahocorasick scans it about ten times faster).
        """
        if self._bytes_finder is None:
            keys = [k.encode("utf-8") for k in self._keys]
            try:
                import ahocorasick_rs

                ac = ahocorasick_rs.BytesAhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
                self._bytes_finder = ac.find_matches_as_indexes
            except ImportError:
                find = _pyahocorasick_finder([k.decode("latin-1") for k in keys])
                self._bytes_finder = lambda data: find(data.decode("latin-1"))
        return self._bytes_finder

    @staticmethod
    def restore(text: str, table: list[str]) -> str:
        """Put the target forms back in place of the placeholders (see :meth:`lock`)."""
        if not table:
            return text
        ph, order = table[0], table[1:]
        parts = text.split(ph)
        if len(parts) != len(order) + 1:  # pragma: no cover - OpenCC never touches placeholders
            raise RuntimeError("OpenCC changed a glossary placeholder; conversion aborted")
        out: list[str] = [""] * (2 * len(parts) - 1)
        out[::2] = parts
        out[1::2] = order
        return "".join(out)


CONTEXT_BYTES = 4  # characters of context read around a judged match (x3 bytes)


def _utf8_width(lead: int) -> int:
    return 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _guarded(found: list, risky: list[int], size: int, keeps, refind, width) -> list[tuple[int, list]]:
    """``(j, new matches)`` for each risky match ``found[j]`` that ``keeps`` rejects, in order.

    What a rejected match covered, up to the next match, is searched again
    from its second character on; the new matches are judged the same way.
    """
    changes: list[tuple[int, list]] = []
    for j in risky:
        _, s, _ = found[j]
        if keeps(*found[j]):
            continue
        hi = found[j + 1][1] if j + 1 < len(found) else size
        lo = s + width(s)
        adds: list = []
        while lo < hi:
            again = refind(lo, hi)
            if not again:
                break
            k2, s2, e2 = again[0]
            if keeps(k2, s2, e2):
                adds.append((k2, s2, e2))
                lo = e2
            else:
                lo = s2 + width(s2)
        changes.append((j, adds))
    return changes


def _apply(found: list, changes: list[tuple[int, list]]) -> list:
    """``found`` with each changed match replaced by its new matches."""
    out: list = []
    done = 0
    for j, adds in changes:
        out.extend(found[done:j])
        out.extend(adds)
        done = j + 1
    out.extend(found[done:])
    return out


def _pyahocorasick_finder(keys: list[str]):
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for i, key in enumerate(keys):
        automaton.add_word(key, (i, len(key)))
    automaton.make_automaton()

    def find(text: str) -> list[tuple[int, int, int]]:
        longest: dict[int, tuple[int, int]] = {}
        for end, (i, size) in automaton.iter(text):
            start = end - size + 1
            if size > longest.get(start, (0, 0))[1]:
                longest[start] = (i, size)
        out: list[tuple[int, int, int]] = []
        pos = 0
        for start in sorted(longest):
            if start >= pos:
                i, size = longest[start]
                out.append((i, start, start + size))
                pos = start + size
        return out

    return find


def _pairs_from(glossary: Any, source_lang: str, target_lang: str) -> dict[str, str]:
    if glossary is None:
        return {}
    if isinstance(glossary, Mapping):
        return dict(glossary)
    method = getattr(glossary, "conversion_pairs", None)
    if method is None:
        raise TypeError("glossary must be a mapping or have conversion_pairs(source_lang, target_lang)")
    return dict(method(source_lang, target_lang))


# --------------------------------------------------------------------------- #
# Ambiguity review
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Ambiguity:
    """A place where a character with several possible targets was converted.

    ``column`` is 1-based in code points of the source line; ``chosen`` is what
    the conversion wrote (several characters when a phrase rule rewrote the
    word). Characters inside glossary terms are left out: the glossary decided them.
    """

    line: int
    column: int
    char: str
    chosen: str
    candidates: tuple[str, ...]
    context: str  # the converted text around the character
    source_context: str

    def __str__(self) -> str:
        alts = "/".join(self.candidates)
        return f"{self.line}:{self.column}: {self.char} -> {self.chosen} ({alts})  {self.context}"


@functools.lru_cache(maxsize=1)
def _ambiguity_data() -> dict[str, dict[str, tuple[str, ...]]]:
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    with DATA.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            config, char, cands = line.rstrip("\n").split("\t")
            out.setdefault(config, {})[char] = tuple(cands)
    return out


def ambiguous_chars(config: str) -> dict[str, tuple[str, ...]]:
    """Characters that ``config`` can turn into several forms, with those forms (most frequent first).

        >>> ambiguous_chars("s2twp")["发"]
        ('發', '髮')
    """
    name = config.removesuffix(".json")
    return _ambiguity_data().get(_SCRIPT_BASE.get(name, name), {})


MIN_ATTESTED = 3


def build_ambiguity(out: Path = DATA) -> None:
    """Derive the one-to-many table from OpenCC itself (development time only).

    Every word of jieba's dictionary (~350,000) is converted with each
    script-level configuration; the forms a character takes, position by
    position, are its candidates. Only configurations that never change a
    word's length are probed, so the positions line up. A form must occur in
    at least ``MIN_ATTESTED`` probe words: one-off readings of surnames and
    archaic words would otherwise flag common characters (种 -> 种).
    """
    import jieba
    import opencc

    words = [ln.split(" ", 1)[0] for ln in Path(jieba.__file__).with_name("dict.txt").read_text(encoding="utf-8").splitlines() if ln.strip()]
    blob = "\n".join(words)
    rows: list[str] = []
    for config in ("hk2s", "hk2t", "s2hk", "s2t", "s2tw", "t2hk", "t2s", "t2tw", "tw2s"):
        converted = opencc.OpenCC(config).convert(blob).split("\n")
        seen: dict[str, dict[str, int]] = {}
        for w, o in zip(words, converted):
            if len(w) != len(o):
                continue
            for s, t in zip(w, o):
                counts = seen.setdefault(s, {})
                counts[t] = counts.get(t, 0) + 1
        for ch in sorted(seen):
            forms = {t: k for t, k in seen[ch].items() if k >= MIN_ATTESTED}
            if len(forms) > 1:
                ranked = sorted(forms, key=lambda t: (-forms[t], t))
                rows.append(f"{config}\t{ch}\t{''.join(ranked)}")
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# Derived from OpenCC by `python -m transkit.convert build`; do not edit.\n")
        fh.write(f"# opencc {getattr(opencc, '__version__', '?')}; probes: jieba dict.txt ({len(words)} words)\n")
        fh.write("# config<TAB>character<TAB>forms it takes, most frequent first\n")
        for row in rows:
            fh.write(row + "\n")


# --------------------------------------------------------------------------- #
# The converter
# --------------------------------------------------------------------------- #


class Converter:
    """Converts prose between two Chinese languages with one OpenCC configuration and a glossary lock."""

    # Texts at least this long are converted in parallel chunks (see convert_markdown).
    PARALLEL_THRESHOLD = 2_000_000

    def __init__(self, source_lang: str, target_lang: str, opencc_config: str, pairs: Mapping[str, str] | None = None, glossary: Any = None) -> None:
        self.source_lang = source_lang
        self.target_lang = target_lang
        self.config = opencc_config.removesuffix(".json")
        self._pairs = dict(pairs) if pairs is not None else None
        self._glossary = glossary
        self._lock: GlossaryLock | None = None

    @classmethod
    def for_languages(cls, source_lang: str, target_lang: str, opencc_config: str | None = None, glossary: Any = None) -> "Converter":
        """A converter between two language tags (``zh-CN``, ``zh-TW`` ... are accepted).

        ``glossary`` is a mapping of source form to target form, or an object
        with ``conversion_pairs(source_lang, target_lang)`` (the merged
        glossary); it is asked for its pairs on first use. The OpenCC
        configuration defaults to Taiwan phrasing (``s2twp``) for zh-Hant.
        """
        try:
            src, dst = langs.normalize(source_lang), langs.normalize(target_lang)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        for tag in (src, dst):
            if not langs.is_chinese(tag):
                raise InputError(f"cannot convert {'from' if tag == src else 'to'} {tag}: only zh-Hans, zh-Hant and zh-HK are converted")
        if src == dst:
            raise InputError(f"source and target are both {src}: nothing to convert")
        config = (opencc_config or default_config(src, dst)).removesuffix(".json")
        if config not in known_configs():
            raise InputError(f"unknown OpenCC configuration {config!r} (one of: {', '.join(known_configs())})")
        # The configuration must write the target's script (t2s for zh-Hant writes Simplified).
        writes = config.partition("2")[2]
        if (writes in ("s", "sp")) != (dst == "zh-Hans") or writes == "jp":
            raise InputError(f"OpenCC configuration {config!r} does not convert to {dst}")
        return cls(src, dst, config, glossary=glossary)

    # -- building blocks ----------------------------------------------------- #

    @property
    def lock(self) -> GlossaryLock:
        if self._lock is None:
            pairs = self._pairs if self._pairs is not None else _pairs_from(self._glossary, self.source_lang, self.target_lang)
            self._lock = GlossaryLock(pairs, self.source_lang)
        return self._lock

    def _opencc(self, text: str, avoid: set[str]) -> str:
        """OpenCC on ``text``; NUL and lone surrogates pass through untouched.

        ``avoid`` holds the private-use characters in use (in ``text`` or as
        separators and placeholders): the pieces around barrier characters are
        joined with one that is not.
        """
        cc = opencc_converter(self.config)
        if not _BARRIER.search(text):
            return cc.convert(text)
        sep = next(_fresh(avoid))
        parts = _BARRIER.split(text)
        barriers = _BARRIER.findall(text)
        done = cc.convert(sep.join(parts)).split(sep)
        out = [done[0]]
        for b, p in zip(barriers, done[1:]):
            out.append(b)
            out.append(p)
        return "".join(out)

    def convert_pieces(self, pieces: list[str], context: str | None = None) -> list[str]:
        """Convert independent pieces of prose in one OpenCC call.

        ``context`` is a string every piece comes from (the whole document),
        scanned once for private-use characters to avoid; by default the
        pieces themselves are scanned.
        """
        if not pieces:
            return []
        reserved = _reserved(context if context is not None else "".join(pieces))
        fresh = _fresh(reserved)
        sep = next(fresh)
        reserved.add(sep)
        joined = sep.join(pieces)
        locked, table = self.lock.lock(joined, reserved)
        if table:
            reserved.add(table[0])
        out = self.lock.restore(self._opencc(locked, reserved), table)
        parts = out.split(sep)
        if len(parts) != len(pieces):  # pragma: no cover - OpenCC never touches the separator
            raise RuntimeError("OpenCC changed the piece separator; conversion aborted")
        return parts

    # -- public API ---------------------------------------------------------- #

    def convert_text(self, plain: str) -> str:
        """Convert plain text (no Markdown awareness) with the glossary lock applied."""
        if not plain:
            return plain
        if not self.lock:
            return self._opencc(plain, _reserved(plain))
        return self.convert_pieces([plain])[0]

    def convert_document(self, doc: Document) -> str:
        """Convert the prose of ``doc``; protected spans, line endings and line count are kept."""
        t = _Template()
        _emit_document(doc, 1, doc.line_count, t)
        t.flush()
        return t.render(self.convert_pieces(t.pieces, doc.text))

    def convert_markdown(self, text: str, jobs: int = 0) -> str:
        """Convert Markdown source text: the same result as ``convert_document``, faster on big files.

        Only the regions that can hold protected spans are parsed (stretches
        between blank lines with no backtick, bracket, angle bracket, URL,
        e-mail, tilde or indentation cannot); the rest goes to OpenCC as is.
        Texts over ``PARALLEL_THRESHOLD`` are cut at such stretches and
        converted by ``jobs`` forked processes (0: one per available core).
        """
        if len(text) < self.PARALLEL_THRESHOLD:
            return self._convert_markdown_serial(text)[0]
        workers = jobs or _cores()
        if workers < 2 or not _can_fork():
            return self._convert_markdown_serial(text)[0]
        chunks = _split_chunks(text, workers)
        if len(chunks) < 2:
            return self._convert_markdown_serial(text)[0]
        results = self._run_forked(chunks)
        if results is None or any(leak for _, leak in results[:-1]):
            # A fence left open across a chunk boundary: the cut was not clean.
            return self._convert_markdown_serial(text)[0]
        return "".join(out for out, _ in results)

    def explain(self, doc: Document) -> list[Ambiguity]:
        """Every place in ``doc``'s prose where a character with several possible targets was converted."""
        table = ambiguous_chars(self.config)
        if not table:
            return []
        spots: list[tuple[int, int, str]] = []  # line, start column (0-based), prose text
        for n in range(1, doc.line_count + 1):
            if doc.is_code_line(n):
                continue
            for col, seg in _prose_segments(doc, n):
                if any(ch in table for ch in seg):
                    spots.append((n, col, seg))
        if not spots:
            return []
        reserved = _reserved(doc.text)
        locked_pieces: list[str] = []
        origins: list[list[int | None]] = []  # per locked char: source index, None for a placeholder
        tables: list[dict[str, str]] = []
        for _, _, seg in spots:
            locked, origin, tbl = self._lock_with_origin(seg, reserved)
            locked_pieces.append(locked)
            origins.append(origin)
            tables.append(tbl)
        all_reserved = set(reserved)
        for tbl in tables:
            all_reserved.update(tbl)
        sep = next(_fresh(all_reserved))
        converted = self._opencc(sep.join(locked_pieces), all_reserved | {sep}).split(sep)
        found: list[Ambiguity] = []
        for (n, col, seg), locked, conv, origin, tbl in zip(spots, locked_pieces, converted, origins, tables):
            for i_locked, j_start, j_end in _align(locked, conv, set(tbl)):
                src_i = origin[i_locked]
                if src_i is None:
                    continue
                ch = seg[src_i]
                cands = table.get(ch)
                if not cands:
                    continue
                chosen = conv[j_start:j_end]
                # context from the converted piece, locked terms shown in their target form
                left = "".join(tbl.get(c, c) for c in conv[max(0, j_start - 6) : j_start])
                right = "".join(tbl.get(c, c) for c in conv[j_end : j_end + 6])
                found.append(
                    Ambiguity(
                        line=n,
                        column=col + src_i + 1,
                        char=ch,
                        chosen=chosen,
                        candidates=cands,
                        context=f"{left}[{chosen}]{right}",
                        source_context=seg[max(0, src_i - 6) : src_i + 7],
                    )
                )
        return found

    # -- internals ----------------------------------------------------------- #

    def _lock_with_origin(self, seg: str, reserved: set[str]) -> tuple[str, list[int | None], dict[str, str]]:
        matches = self.lock.matches(seg)
        if not matches:
            return seg, list(range(len(seg))), {}
        fresh = _fresh(reserved)
        out: list[str] = []
        origin: list[int | None] = []
        table: dict[str, str] = {}
        by_term: dict[str, str] = {}
        pos = 0
        for start, end in matches:
            for i in range(pos, start):
                out.append(seg[i])
                origin.append(i)
            term = seg[start:end]
            ph = by_term.get(term)
            if ph is None:
                ph = by_term[term] = next(fresh)
                table[ph] = self.lock.pairs[term]
            out.append(ph)
            origin.append(None)
            pos = end
        for i in range(pos, len(seg)):
            out.append(seg[i])
            origin.append(i)
        return "".join(out), origin, table

    def _convert_markdown_serial(self, text: str) -> tuple[str, bool]:
        """Convert ``text``; the flag says a code fence or comment was still open at its end."""
        import gc

        # Hundreds of thousands of short-lived tuples and no reference cycles:
        # cyclic collection passes would only cost time (about 5% on 10 MB).
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._convert_regions(text)
        finally:
            if enabled:
                gc.enable()

    def _convert_regions(self, text: str) -> tuple[str, bool]:
        from transkit.document import inline_spans

        if "\r" in text and text.count("\r") != text.count("\r\n"):
            # Lone CR line endings, which the region search does not see: parse it all.
            doc = Document.from_text(text)
            return self.convert_document(doc), _open_at_end(doc)
        regions, doc, special = _plan(text)
        t = _Template()
        for a, b, kind, first in regions:
            if kind == PLAIN:
                t.prose(text[a:b])
            elif kind == PARSED:
                _emit_document(doc, first, first + _lines_in(text, a, b) - 1, t)  # type: ignore[arg-type]
            else:
                # Only the lines holding a special character can have spans; the
                # lines between them go to the prose as they are.
                pos = a
                for p in special[bisect.bisect_left(special, a) : bisect.bisect_left(special, b)]:
                    if p < pos:
                        continue  # a line already done
                    start = text.rfind("\n", a, p) + 1 or a
                    end = text.find("\n", p, b) + 1 or b
                    t.prose(text[pos:start])
                    line = text[start:end]
                    body = line_body(line)
                    spans = inline_spans(body, 0)
                    if spans:
                        _emit_line(t, body, line[len(body) :], [(s.start, s.end) for s in spans])
                    else:
                        t.prose(line)
                    pos = end
                t.prose(text[pos:b])
        t.flush()
        converted = self.convert_pieces(t.pieces, text)
        leaked = bool(regions and regions[-1][2] == PARSED and _open_at_end(doc))  # type: ignore[arg-type]
        return t.render(converted), leaked

    def _run_forked(self, chunks: list[str]) -> list[tuple[str, bool]] | None:
        """Convert ``chunks[1:]`` in forked children while this process converts ``chunks[0]``.

        Each child builds its own OpenCC converter (in parallel with the
        others) and sends its result back through a pipe as UTF-8. Returns
        None when a child fails; the caller then converts in one process.
        """
        children: list[tuple[int, int]] = []
        for chunk in chunks[1:]:
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child
                os.close(r)
                status = 1
                try:
                    out, leaked = self._convert_markdown_serial(chunk)
                    data = (b"\x01" if leaked else b"\x00") + out.encode("utf-8", errors="surrogatepass")
                    with os.fdopen(w, "wb") as fh:
                        fh.write(data)
                    status = 0
                finally:
                    os._exit(status)
            os.close(w)
            children.append((pid, r))
        others: list[tuple[str, bool] | None] = []
        try:
            first = self._convert_markdown_serial(chunks[0])
        finally:
            # always reap the children, even when this process's part failed
            for pid, r in children:
                with os.fdopen(r, "rb") as fh:
                    data = fh.read()
                _, status = os.waitpid(pid, 0)
                ok = status == 0 and data
                others.append((data[1:].decode("utf-8", errors="surrogatepass"), data[:1] == b"\x01") if ok else None)
        if any(o is None for o in others):
            return None
        return [first, *others]  # type: ignore[list-item]


# --------------------------------------------------------------------------- #
# Document walking
# --------------------------------------------------------------------------- #


def _prose_segments(doc: Document, n: int) -> list[tuple[int, str]]:
    """Prose runs of line ``n``; a BOM on line 1 is not prose."""
    segs = doc.prose_segments(n)
    if n == 1 and segs and segs[0][0] == 0 and segs[0][1].startswith("\ufeff"):
        col, text = segs[0]
        segs = ([(1, text[1:])] if len(text) > 1 else []) + segs[1:]
    return segs


class _Template:
    """Output under construction: protected text kept as is, prose gathered into pieces for OpenCC.

    Consecutive prose (line endings included: they stop OpenCC's phrase
    matching exactly as a separate call would) becomes one piece, so a piece
    boundary only falls where protected text interrupts the prose.
    """

    __slots__ = ("parts", "pieces", "buf")

    def __init__(self) -> None:
        self.parts: list[str | int] = []
        self.pieces: list[str] = []
        self.buf: list[str] = []

    def prose(self, text: str) -> None:
        if text:
            self.buf.append(text)

    def literal(self, text: str) -> None:
        if text:
            self.flush()
            self.parts.append(text)

    def flush(self) -> None:
        if self.buf:
            self.parts.append(len(self.pieces))
            self.pieces.append("".join(self.buf))
            self.buf = []

    def render(self, converted: list[str]) -> str:
        return "".join([converted[x] if type(x) is int else x for x in self.parts])  # noqa: E721


def _emit_line(t: _Template, body: str, ending: str, spans: Iterable[tuple[int, int]]) -> None:
    pos = 0
    for start, end in spans:
        if start > pos:
            t.prose(body[pos:start])
        if end > pos:
            t.literal(body[max(pos, start) : end])
            pos = end
    t.prose(body[pos:] + ending)


def _emit_document(doc: Document, first: int, last: int, t: _Template) -> None:
    """Lines ``first..last`` of ``doc``: code lines and protected spans literal, the rest prose."""
    lines = doc.lines
    for n in range(first, last + 1):
        line = lines[n - 1]
        if doc.is_code_line(n):
            t.literal(line)
            continue
        spans = doc.spans(n)
        bom = n == 1 and line.startswith("\ufeff")
        if not spans and not bom:
            t.prose(line)
            continue
        body = line_body(line)
        pairs = [(s.start, s.end) for s in spans]
        if bom:
            pairs.insert(0, (0, 1))
        _emit_line(t, body, line[len(body) :], pairs)


def _open_at_end(doc: Document) -> bool:
    """Whether a code block or HTML block runs to the last line (a fence or comment left open)."""
    last = doc.line_count
    if last == 0:
        return False
    from transkit.document import BlockKind

    for block in reversed(doc.blocks):
        if block.end_line < last:
            break
        if block.kind in (BlockKind.CODE, BlockKind.HTML):
            return True
    return False


def _is_special(line: str) -> bool:
    """Whether a line (ending included or not) might hold a protected span or be code."""
    return bool(_SPECIAL_CHAR.search(line)) or "://" in line or "www." in line or line.startswith(_INDENTED)


def _is_block(line: str) -> bool:
    """Whether a line might open a block with protected lines: fence, HTML, comment, reference definition, indented code."""
    return bool(_BLOCK_START.match(line)) or line.startswith(_INDENTED)


def _is_reset(prev: str, line: str) -> bool:
    """A line where the scanner's state is clean: after a blank line, unindented, not a list item or fence-like."""
    body = line_body(line)
    if prev.strip() or not body.strip() or body[0] in " \t":
        return False
    if _BULLET.match(body):
        return False
    return body.rstrip() not in ("---", "+++")


PLAIN, INLINE, PARSED = 0, 1, 2

_FM_OPEN = re.compile(r"\ufeff?(---|\+\+\+)[^\S\n]*(?:\n|\Z)")
_FM_CLOSE = {"---": re.compile(r"\n(?:---|\.\.\.)[^\S\n]*(?:\n|\Z)"), "+++": re.compile(r"\n\+\+\+[^\S\n]*(?:\n|\Z)")}


def _front_matter_stop(text: str) -> int:
    """Offset just past the front matter block at the top (0 when there is none), as the scanner sees it."""
    m = _FM_OPEN.match(text)
    if not m:
        return 0
    close = _FM_CLOSE[m.group(1)].search(text, m.end() - 1)
    return close.end() if close else 0


def _lines_in(text: str, a: int, b: int) -> int:
    """Number of lines in ``text[a:b]`` (no lone CR line endings)."""
    if b <= a:
        return 0
    return text.count("\n", a, b) + (0 if text[b - 1] == "\n" else 1)


def _plan(text: str) -> tuple[list[tuple[int, int, int, int]], Document | None, list[int]]:
    """Cut ``text`` into regions and parse the ones that need it, all in one document.

    Returns ``(regions, doc, special)``. Each region is ``(a, b, kind,
    first)``: the offsets ``text[a:b]``, its kind and, for a PARSED region, the
    1-based line of ``doc`` where it begins. ``special`` holds the sorted
    offsets of the characters that can start an inline protected span. The
    text must not use lone CR line endings.

    A region starts at a reset line (see :func:`_is_reset`), where the
    scanner's state is clean, and is

    - PLAIN when none of its lines can hold a protected span: the scanner sees
      prose with no spans there, whatever surrounds it;
    - INLINE when some lines can, but none can open a block (fence, HTML,
      comment, reference definition, indented code): the scanner then gives
      every line the spans of :func:`transkit.document.inline_spans`;
    - PARSED otherwise. The PARSED regions, concatenated, are parsed as one
      document: each begins at a reset line right after a blank line, so the
      scanner starts it clean, as in the whole file. The exception is a fence
      or comment left open at the end of a region, which in the whole file
      runs on into what follows; such a region absorbs the following regions
      (more each round) until it closes.
    """
    n = len(text)
    if n == 0:
        return [], None, []
    fm_stop = _front_matter_stop(text)
    # Reset lines: after a blank line, unindented. Most cannot begin a list item
    # or a "---" line: only a line starting with a digit, or with -, + or * and
    # then a space or the same character, gets the full test.
    resets = [0]
    ends = [m.end() for m in _AFTER_BLANK.finditer(text, max(fm_stop - 1, 0))]
    head = _BLANK_FIRST.match(text)
    if head and not fm_stop:
        ends.insert(0, head.end())
    for e in ends:
        c = text[e]
        if (c in "-+*" and text[e + 1 : e + 2] in ("", " ", "\t", "\r", "\n", "-", "+")) or c.isdigit():
            if not _is_reset("", text[e : (text.find("\n", e) + 1) or n]):
                continue
        resets.append(e)
    resets.append(n)
    count = len(resets) - 1
    kind = [PLAIN] * count
    locate = functools.partial(bisect.bisect_right, resets)

    def mark(positions, value: int) -> None:
        for i in set(map(locate, positions)):
            if kind[i - 1] < value:
                kind[i - 1] = value

    special = [m.start() for m in _SPECIAL_CHAR.finditer(text)]
    for needle in ("://", "www."):
        pos = text.find(needle)
        while pos != -1:
            special.append(pos)
            pos = text.find(needle, pos + 1)
    special.sort()
    mark(special, INLINE)
    mark([m.start() + 1 for m in _BLOCK_LINE.finditer(text)], PARSED)
    mark([m.start() + 1 for m in _INDENT_LINE.finditer(text)], PARSED)
    # A backtick run left open on its line may close on a later one: a code span
    # that wraps, which only the paragraph-wide reading finds.
    open_lines = []
    i = text.find("`")
    while i != -1:
        start = text.rfind("\n", 0, i) + 1
        stop = text.find("\n", i)
        stop = n if stop == -1 else stop
        if has_open_backticks(text[start:stop]):
            open_lines.append(start)
        i = text.find("`", stop)
    mark(open_lines, PARSED)
    eol = text.find("\n")
    first_line = text[: eol + 1 if eol != -1 else n]
    if fm_stop or first_line.startswith("\ufeff") or _is_block(first_line):
        kind[0] = PARSED
    elif kind[0] == PLAIN and _is_special(first_line):
        kind[0] = INLINE
    step = 1
    doc = None
    runs: list[tuple[int, int]] = []
    firsts: list[int] = []
    while True:
        runs = []  # region index ranges [i, j) of parsed runs
        i = 0
        while i < count:
            if kind[i] != PARSED:
                i += 1
                continue
            j = i
            while j < count and kind[j] == PARSED:
                j += 1
            runs.append((i, j))
            i = j
        if not runs:
            break
        texts: list[str] = []
        firsts = []
        line_no = 1
        for i, j in runs:
            a, b = resets[i], resets[j]
            firsts.append(line_no)
            line_no += _lines_in(text, a, b)
            texts.append(text[a:b])
        doc = Document.from_text("".join(texts))
        # the last run can only leak when other regions follow it
        leaking = _leaking_runs(doc, firsts, runs[-1][1] < count)
        if not leaking:
            break
        for r in leaking:
            j = runs[r][1]
            for k in range(j, min(count, j + step)):
                kind[k] = PARSED
        step *= 2
    run_first = {i: f for (i, _), f in zip(runs, firsts)}
    regions: list[tuple[int, int, int, int]] = []
    i = 0
    while i < count:
        if kind[i] != PARSED:
            regions.append((resets[i], resets[i + 1], kind[i], 0))
            i += 1
            continue
        j = i
        while j < count and kind[j] == PARSED:
            j += 1
        regions.append((resets[i], resets[j], PARSED, run_first[i]))
        i = j
    return regions, doc, special


def _leaking_runs(doc: Document, firsts: list[int], last_can_leak: bool) -> list[int]:
    """Runs (given by their first line in ``doc``) with a code or HTML block still open on their last line.

    Every run but the document's last ends with the blank line before a reset
    line; a closed fence, comment or HTML block ends before that blank line.
    """
    from transkit.document import BlockKind

    out: set[int] = set()
    count = len(firsts)
    for block in doc.blocks:
        if block.kind is BlockKind.CODE or block.kind is BlockKind.HTML:
            r = bisect.bisect_right(firsts, block.start_line) - 1
            last_line = firsts[r + 1] - 1 if r + 1 < count else doc.line_count
            if block.end_line >= last_line and (r + 1 < count or last_can_leak):
                out.add(r)
    return sorted(out)


_CUT = re.compile(r"\n[ \t\u3000]*\r?\n(?=[^ \t\r\n])")


# The first chunk is converted by the process that also joins and writes the
# result, so it gets a little less than an equal share.
FIRST_SHARE = 0.9


def _split_chunks(text: str, count: int) -> list[str]:
    """Cut ``text`` into about ``count`` chunks, each cut just before a reset line (never inside front matter)."""
    unit = len(text) / (count - 1 + FIRST_SHARE)
    cuts = [int(unit * (FIRST_SHARE + k)) for k in range(count - 1)]
    floor = _front_matter_stop(text)
    chunks: list[str] = []
    pos = 0
    for target in cuts:
        m = _CUT.search(text, max(pos, target, floor))
        while m is not None:
            eol = text.find("\n", m.end())
            if _is_reset("", line_body(text[m.end() : eol + 1 if eol != -1 else len(text)])):
                break
            m = _CUT.search(text, m.end())
        if m is None:
            break
        chunks.append(text[pos : m.end()])
        pos = m.end()
    chunks.append(text[pos:])
    return [c for c in chunks if c]


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _can_fork() -> bool:
    import threading

    return sys.platform.startswith("linux") and threading.active_count() == 1


# --------------------------------------------------------------------------- #
# Files
# --------------------------------------------------------------------------- #


@dataclass
class ConversionResult:
    """A converted file, and the review list when it was asked for."""

    text: str
    source_lang: str
    target_lang: str
    config: str  # the OpenCC configuration used
    ambiguities: list[Ambiguity] | None = None


def converter_for(config, source_lang: str, target_lang: str, opencc_config: str | None = None, extra_glossaries: Iterable[str | Path] = ()) -> Converter:
    """The converter a project uses: its OpenCC setting for the target and its merged glossary (plus extra files)."""
    from transkit.resources import Resources

    extra = tuple(str(Path(g).resolve()) for g in extra_glossaries)
    for g in extra:
        if not Path(g).is_file():
            raise InputError(f"{g}: glossary file not found")
    if extra:
        config = config._replace(glossaries=(*config.glossaries, *extra))
    if opencc_config is None and "zh-Hans" in (source_lang, target_lang):
        opencc_config = config.opencc_for(target_lang)
    return Converter.for_languages(source_lang, target_lang, opencc_config=opencc_config, glossary=Resources(config).glossary)


def detect_language(path: Path, text: str) -> str:
    """The language of a file: named by its path, else guessed from its characters."""
    found = langs.from_path(str(path))
    if found is not None:
        return found
    return langs.guess(text).lang


def convert_file(
    path: str | Path,
    to_lang: str,
    config,
    from_lang: str | None = None,
    opencc_config: str | None = None,
    glossaries: Iterable[str | Path] = (),
    explain: bool = False,
) -> ConversionResult:
    """Convert one Markdown file (see :meth:`Converter.convert_markdown`); nothing is written."""
    from transkit.fsutil import read_input

    path = Path(path)
    text = read_input(path, "convert takes one Markdown file")
    try:
        target = langs.normalize(to_lang)
        source = langs.normalize(from_lang) if from_lang else detect_language(path, text)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if source == "en":
        raise InputError(f"{path}: does not look like Chinese; give its language with --from")
    if source == target:
        raise InputError(f"{path}: already {target} (give --from if it is not)")
    converter = converter_for(config, source, target, opencc_config, glossaries)
    out = converter.convert_markdown(text, jobs=getattr(config, "jobs", 0))
    review = converter.explain(Document.from_text(text, str(path), source)) if explain else None
    return ConversionResult(out, source, target, converter.config, review)


# --------------------------------------------------------------------------- #
# Alignment of a piece with its conversion, for the review list
# --------------------------------------------------------------------------- #


def _align(src: str, out: str, anchors: set[str]) -> list[tuple[int, int, int]]:
    """Map each position of ``src`` to the range of ``out`` it became: ``(i, j_start, j_end)``.

    Placeholders (``anchors``) are left unchanged by OpenCC and cut both
    strings into corresponding chunks. Inside a chunk of equal length the
    mapping is by position; otherwise difflib's matching blocks anchor it and a
    rewritten phrase maps every source character to the whole replacement.
    """
    result: list[tuple[int, int, int]] = []
    i = j = 0
    src_chunks = _cut(src, anchors)
    out_chunks = _cut(out, anchors)
    if len(src_chunks) != len(out_chunks):  # pragma: no cover - anchors are never converted
        return result
    for a, b in zip(src_chunks, out_chunks):
        if len(a) == len(b):
            for k in range(len(a)):
                result.append((i + k, j + k, j + k + 1))
        else:
            import difflib

            for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
                if tag in ("equal",) or (tag == "replace" and a2 - a1 == b2 - b1):
                    for k in range(a2 - a1):
                        result.append((i + a1 + k, j + b1 + k, j + b1 + k + 1))
                elif tag == "replace":
                    for k in range(a1, a2):
                        result.append((i + k, j + b1, j + b2))
        i += len(a)
        j += len(b)
    return result


def _cut(text: str, anchors: set[str]) -> list[str]:
    """Split ``text`` so that every anchor character is its own chunk."""
    if not anchors:
        return [text]
    out: list[str] = []
    buf: list[str] = []
    for ch in text:
        if ch in anchors:
            out.append("".join(buf))
            out.append(ch)
            buf = []
        else:
            buf.append(ch)
    out.append("".join(buf))
    return out


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:] == ["build"]:
        build_ambiguity()
        print(f"wrote {DATA}")
    else:
        print("usage: python -m transkit.convert build", file=sys.stderr)
        sys.exit(2)
