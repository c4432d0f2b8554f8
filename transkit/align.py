"""Pair the sections (and the blocks inside them) of a translation with its source.

Translations do not line up by position: they drop sections, keep English
headings, change heading levels, and their numbering drifts when the source
gains a section upstream. So sections are paired by dynamic programming over a
similarity built from *anchors*, things a translator carries over unchanged or
nearly so:

- URLs, inline code, code blocks, numbers and emoji;
- Latin words kept inside Chinese text (names, product terms such as
  "Transformer" or "LoRA"), counted only when the word occurs in both documents
  and weighted by rarity, so "LLM" in every section says little;
- glossary term pairs (an English term and its Chinese rendering);
- for two Chinese variants (or two versions of one language), the characters
  themselves: the source section is converted with OpenCC, then compared with
  the target character by character;
- weaker hints: heading level, numbering, block shape and count, relative
  position and the section's share of the document's length.

The dynamic program allows gaps (missing and extra sections). A second pass
pairs the sections it left over when each is the other's best match, which
catches sections that moved; a pair is *moved* when it is not on the longest
run of pairs that keeps the source order. Long documents score only candidate
pairs (shared rare anchors, a diagonal band), so hundreds of sections stay
fast. Every pair carries a confidence in [0, 1]. Blocks (paragraphs, list
items, table rows, code) inside a section pair are aligned the same way, on
demand (:meth:`Alignment.blocks`).

    >>> src = Document.from_text("# Guide\\n\\n## Setup\\n\\nRun `pip install x`.\\n\\n## Usage\\n\\nSee https://example.org/u\\n", lang="en")
    >>> tgt = Document.from_text("# 指南\\n\\n## 用法\\n\\n见 https://example.org/u\\n", lang="zh-Hans")
    >>> a = align_documents(src, tgt)
    >>> [(p.source and p.source.title, p.target and p.target.title) for p in a.pairs[1:]]
    [('Guide', '指南'), ('Setup', None), ('Usage', '用法')]
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass
from operator import sub as _sub
from typing import TYPE_CHECKING, Callable, Sequence

from transkit.document import Block, BlockKind, Document, Section, SpanKind

if TYPE_CHECKING:  # pragma: no cover
    from transkit.resources import Resources

__all__ = [
    "SectionPair",
    "BlockPair",
    "Alignment",
    "align_documents",
    "align_many",
    "align_blocks",
    "alignments_to_dict",
    "alignments_to_text",
    "load_document",
    "align_tree",
    "TreeEntry",
]

# --------------------------------------------------------------------------- #
# Public values
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class SectionPair:
    """A source section and its counterpart; ``None`` on one side marks a missing or extra section.

    ``moved`` is set when the pair breaks the source order (the section was
    reordered in the translation).
    """

    source: Section | None
    target: Section | None
    confidence: float
    moved: bool = False

    @property
    def matched(self) -> bool:
        return self.source is not None and self.target is not None


@dataclass(frozen=True)
class BlockPair:
    """A source block and its counterpart inside an aligned section pair."""

    source: Block | None
    target: Block | None
    confidence: float
    moved: bool = False

    @property
    def matched(self) -> bool:
        return self.source is not None and self.target is not None


class Alignment:
    """The section pairs of one translation against its source.

    ``pairs`` follows the target's order; source sections with no counterpart
    are inserted where they belong (after the pair of the nearest preceding
    source section). The preambles (section 0) are always paired.
    """

    def __init__(self, source: Document, target: Document, pairs: list[SectionPair], context: "_PairContext") -> None:
        self.source = source
        self.target = target
        self.pairs = pairs
        self._ctx = context
        self._by_source = {p.source.index: p for p in pairs if p.source is not None}
        self._by_target = {p.target.index: p for p in pairs if p.target is not None}
        self._blocks: dict[tuple[int | None, int | None], list[BlockPair]] = {}

    def __repr__(self) -> str:
        return f"<Alignment {self.source.path} -> {self.target.path}: {len(self.matched)} matched, {len(self.missing)} missing, {len(self.extra)} extra>"

    # -- lookups ---------------------------------------------------------------- #

    def pair_for_source(self, section: Section | int) -> SectionPair | None:
        """The pair holding this source section (a Section or its index)."""
        idx = section if isinstance(section, int) else section.index
        return self._by_source.get(idx)

    def pair_for_target(self, section: Section | int) -> SectionPair | None:
        """The pair holding this target section (a Section or its index)."""
        idx = section if isinstance(section, int) else section.index
        return self._by_target.get(idx)

    def counterpart_of_source(self, section: Section | int) -> Section | None:
        pair = self.pair_for_source(section)
        return pair.target if pair else None

    def counterpart_of_target(self, section: Section | int) -> Section | None:
        pair = self.pair_for_target(section)
        return pair.source if pair else None

    @property
    def matched(self) -> list[SectionPair]:
        return [p for p in self.pairs if p.matched]

    @property
    def missing(self) -> list[SectionPair]:
        """Source sections with no counterpart in the translation."""
        return [p for p in self.pairs if p.target is None]

    @property
    def extra(self) -> list[SectionPair]:
        """Translation sections with no counterpart in the source."""
        return [p for p in self.pairs if p.source is None]

    @property
    def moved(self) -> list[SectionPair]:
        return [p for p in self.pairs if p.moved]

    # -- blocks ----------------------------------------------------------------- #

    def blocks(self, pair: SectionPair) -> list[BlockPair]:
        """The blocks of a section pair aligned the same way as sections (cached).

        A one-sided pair gives one-sided block pairs. Headings and table
        delimiter rows are left out: they belong to the section, not its body.
        """
        key = (pair.source.index if pair.source else None, pair.target.index if pair.target else None)
        cached = self._blocks.get(key)
        if cached is None:
            cached = self._ctx.align_blocks(pair.source, pair.target)
            self._blocks[key] = cached
        return cached

    def block_counterpart(self, block: Block, *, side: str = "target") -> BlockPair | None:
        """The block pair holding ``block`` (``side`` says which document it is from)."""
        doc = self.target if side == "target" else self.source
        sec = doc.section_at(block.start_line)
        pair = self.pair_for_target(sec) if side == "target" else self.pair_for_source(sec)
        if pair is None:
            return None
        for bp in self.blocks(pair):
            b = bp.target if side == "target" else bp.source
            if b is not None and b.start_line == block.start_line:
                return bp
        return None

    def to_dict(self) -> dict:
        """The JSON shape of ``transkit align --format json`` for one translation."""
        return {
            "pairs": [
                {"source": _sec_ref(p.source), "target": _sec_ref(p.target), "confidence": round(p.confidence, 2)}
                for p in self.pairs
                if not _is_preamble_pair(p)
            ]
        }


def _is_preamble_pair(p: SectionPair) -> bool:
    return (p.source is None or p.source.is_preamble) and (p.target is None or p.target.is_preamble)


def _sec_ref(section: Section | None) -> dict | None:
    if section is None:
        return None
    return {"line": section.start_line, "title": section.title if not section.is_preamble else ""}


def alignments_to_dict(alignments: Sequence[Alignment]) -> dict:
    """JSON for one or several translations of one source.

    With one translation each pair has ``"target"``; with several, ``"targets"``
    lists the counterparts in argument order, one row per source section (then
    the extra sections of each translation, with ``"source": null``), and
    ``"confidences"`` the confidence of each (``"confidence"`` is the lowest).
    The preambles (text before the first heading) always pair and are left out.
    """
    if len(alignments) == 1:
        return alignments[0].to_dict()
    if not alignments:
        return {"pairs": []}
    rows = []
    source = alignments[0].source
    for sec in source.headings:
        targets = []
        confs = []
        for a in alignments:
            p = a.pair_for_source(sec)
            targets.append(_sec_ref(p.target) if p else None)
            confs.append(round(p.confidence, 2) if p and p.target is not None else None)
        known = [c for c in confs if c is not None]
        rows.append({"source": _sec_ref(sec), "targets": targets, "confidence": min(known) if known else 0.0, "confidences": confs})
    for k, a in enumerate(alignments):
        for p in a.extra:
            targets = [None] * len(alignments)
            targets[k] = _sec_ref(p.target)
            confs = [None] * len(alignments)
            confs[k] = round(p.confidence, 2)
            rows.append({"source": None, "targets": targets, "confidence": round(p.confidence, 2), "confidences": confs})
    return {"pairs": rows}


# --------------------------------------------------------------------------- #
# Entry points
# --------------------------------------------------------------------------- #


def align_documents(source: Document, target: Document, resources: "Resources | None" = None) -> Alignment:
    """Pair the sections of ``target`` with those of ``source``.

    ``resources`` brings the merged glossary (its term pairs become anchors)
    and the project's OpenCC configuration; without it neither is used. A
    document's language is ``doc.lang``, guessed from its text when unset.
    """
    ctx = _PairContext(source, target, resources)
    return ctx.align_sections()


def align_many(source: Document, targets: list[Document], resources: "Resources | None" = None) -> list[Alignment]:
    """Align each translation with the source, in the order given."""
    return [align_documents(source, t, resources) for t in targets]


def align_blocks(source: Section | None, target: Section | None, source_doc: Document, target_doc: Document, resources=None) -> list[BlockPair]:
    """Align the body blocks of two sections directly (without a section alignment)."""
    return _PairContext(source_doc, target_doc, resources).align_blocks(source, target)


# --------------------------------------------------------------------------- #
# Features
# --------------------------------------------------------------------------- #

# Latin words ("lora", "gpt-4o", "c++") and numbers ("3.1", "15"), on lowercased
# text, in one pass. Single letters and the smallest numbers say nothing.
_WORD_OR_NUMBER = re.compile(r"[a-z][a-z0-9]*(?:[-+.#'][a-z0-9]+)*[+#]*|\d+(?:[.:]\d+)*")
_SPACE = re.compile(r"\s+")
_URL_TRIM = re.compile(r"^<|>$|[/#]+$")
_SHAPE_KINDS = (
    BlockKind.PARAGRAPH,
    BlockKind.LIST_ITEM,
    BlockKind.TABLE_ROW,
    BlockKind.CODE,
    BlockKind.BLOCK_QUOTE,
    BlockKind.HTML,
)
_SHAPE_INDEX = {k: i for i, k in enumerate(_SHAPE_KINDS)}
_BODY_SKIP = (BlockKind.HEADING, BlockKind.TABLE_DELIMITER)
_URL_KINDS = frozenset({SpanKind.URL, SpanKind.AUTOLINK, SpanKind.LINK_DESTINATION, SpanKind.REFERENCE})
_HTML_URL = re.compile(r"(?:src|href)\s*=\s*[\"']?([^\"'\s>]+)")
_STOP_TOKENS = frozenset({"0", "1", "2", "a", "i", "s", "t"})
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]")


@dataclass
class _Unit:
    """What the similarity looks at for one section or one block."""

    index: int  # position in the unit list
    tokens: set[str]  # anchor tokens (words and numbers bare, others prefixed "u:", "c:" ...)
    prose: str  # prose text for character comparison, whitespace collapsed
    title: str  # heading title ("" for blocks)
    title_tokens: frozenset[str]
    level: int
    number: str | None
    kind: str
    shape: tuple[int, ...]
    size: int  # prose length in characters (Han counted 3x for cross-language shares)
    start: float  # relative position of the start in the document/section [0, 1)
    weight_total: float = 0.0
    shared: frozenset[str] = frozenset()
    lost: float = 0.0  # weight of kept-in-translation anchors (code, URLs) the other document lacks
    keep: frozenset[str] = frozenset()  # its anchors of the kinds translations keep verbatim
    # Filled in by _Scorer for quick comparisons:
    share: float = 0.0
    shape_sum: int = 0
    title_shared: frozenset[str] = frozenset()
    title_key: str = ""
    number_key: str = ""
    emoji: tuple[str, ...] = ()


class _Features:
    """Per-document extraction of anchors, prose and shape (computed once per document)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._line_cache: dict[int, tuple[str, list[str]]] = {}

    def line(self, ln: int) -> tuple[str, list[str]]:
        """(prose, anchor tokens of its protected spans) of one line; code and front matter give nothing."""
        hit = self._line_cache.get(ln)
        if hit is not None:
            return hit
        doc = self.doc
        if doc.is_code_line(ln) or doc.is_front_matter_line(ln):
            out: tuple[str, list[str]] = ("", [])
            self._line_cache[ln] = out
            return out
        body = doc.body(ln)
        spans = doc.spans(ln)
        tokens: list[str] = []
        if spans:
            parts = []
            pos = 0
            for s in spans:
                if s.start > pos:
                    parts.append(body[pos : s.start])
                frag = body[s.start : s.end]
                if s.kind is SpanKind.INLINE_CODE:
                    tokens.append("c:" + frag.strip("` ").lower())
                elif s.kind in _URL_KINDS:
                    url = _link_url(frag)
                    if url:
                        tokens.append("u:" + url)
                elif s.kind is SpanKind.HTML_TAG:
                    for m in _HTML_URL.finditer(frag):
                        tokens.append("u:" + _link_url(m.group(1)))
                parts.append(" ")
                pos = max(pos, s.end)
            parts.append(body[pos:])
            prose = "".join(parts)
        else:
            prose = body
        out = (prose.strip(), tokens)
        self._line_cache[ln] = out
        return out

    def block_tokens(self, block: Block, words: bool = True) -> tuple[str, list[str]]:
        """(prose, anchor tokens) of a block; ``words=False`` leaves out the tokens found in the prose."""
        if block.kind is BlockKind.CODE:
            lines = self.doc.lines[block.start_line - 1 : block.end_line]
            # The fence lines are dropped: the content is what must match.
            content = lines[1:-1] if len(lines) >= 2 and lines[0].lstrip().startswith(("```", "~~~")) else lines
            digest = hashlib.blake2b("".join(x.rstrip() + "\n" for x in content).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
            return "", ["k:" + digest]
        prose_parts = []
        tokens: list[str] = []
        for ln in block.lines:
            p, t = self.line(ln)
            if p:
                prose_parts.append(p)
            if t:
                tokens.extend(t)
        prose = " ".join(prose_parts)
        if words and prose:
            tokens.extend(_text_tokens(prose))
        return prose, tokens

    def section_unit(self, sec: Section, index: int, doc_size: float, offset: float) -> _Unit:
        doc = self.doc
        lines = doc.lines
        spans_of = doc.spans
        prose_parts: list[str] = []
        tokens: list[str] = []
        shape = [0] * len(_SHAPE_KINDS)
        for b in sec.blocks:
            kind = b.kind
            if kind is BlockKind.HEADING or kind is BlockKind.FRONT_MATTER:
                continue
            k = _SHAPE_INDEX.get(kind)
            if k is not None:
                shape[k] += 1
            if kind is BlockKind.CODE:
                tokens.extend(self.block_tokens(b)[1])
                continue
            for ln in range(b.start_line, b.end_line + 1):
                if spans_of(ln):
                    p, t = self.line(ln)
                    prose_parts.append(p)
                    tokens.extend(t)
                else:
                    prose_parts.append(lines[ln - 1].strip())
        keep = frozenset(tokens)  # so far only code, URL and code-block anchors
        prose = " ".join(prose_parts)
        if prose:
            tokens.extend(_text_tokens(prose))
        title = sec.title or ""
        title_tokens: list[str] = []
        if not sec.is_preamble:
            title_tokens = [t for t in _text_tokens(title) if t not in _STOP_TOKENS]
            tokens.extend(title_tokens)
        return _Unit(
            index=index,
            tokens=set(tokens) - _STOP_TOKENS,
            prose=prose,
            title=title,
            title_tokens=frozenset(title_tokens),
            level=sec.level,
            number=sec.number,
            kind="section",
            shape=tuple(shape),
            size=_size(title) + _size(prose),
            start=offset / doc_size if doc_size else 0.0,
            emoji=sec.emoji,
            keep=keep,
        )

    def block_unit(self, block: Block, index: int, total: float, offset: float) -> _Unit:
        prose, tokens = self.block_tokens(block, words=False)
        keep = frozenset(tokens)
        if prose:
            tokens.extend(_text_tokens(prose))
        return _Unit(
            index=index,
            tokens=set(tokens) - _STOP_TOKENS,
            prose=prose,
            title="",
            title_tokens=frozenset(),
            level=block.depth,
            number=None,
            kind=block.kind.value,
            shape=(),
            size=max(1, _size(prose)) if block.kind is not BlockKind.CODE else block.end_line - block.start_line + 1,
            start=offset / total if total else 0.0,
            keep=keep,
        )


def _text_tokens(prose: str) -> list[str]:
    """Latin words (lowercased), numbers and emoji of a prose text, as anchor tokens.

    Words and numbers are bare (a word starts with a letter, a number with a
    digit, and neither holds a colon); other anchors carry a prefix such as "u:".
    """
    out = _WORD_OR_NUMBER.findall(prose.lower())
    if not prose.isascii() and _EMOJI.search(prose):
        out.extend(["e:" + e for e in _EMOJI.findall(prose)])
    return out


def _link_url(frag: str) -> str:
    frag = frag.strip()
    if frag.startswith("["):  # reference definition "[label]: url"
        close = frag.find("]:")
        frag = frag[close + 2 :].strip() if close != -1 else frag
    frag = frag.split()[0] if frag.split() else ""
    frag = _URL_TRIM.sub("", frag.strip("<>"))
    return frag.lower()


def _size(text: str) -> int:
    """Length in UTF-8 bytes, spaces left out.

    A Han character (three bytes) carries about as much as a short English
    word: weighed so, a section's share of its document is comparable across
    languages.
    """
    return len(text.encode("utf-8", "surrogatepass")) - text.count(" ")


# --------------------------------------------------------------------------- #
# Conversion between Chinese variants (cached)
# --------------------------------------------------------------------------- #

_FALLBACK_OPENCC = {
    ("zh-Hans", "zh-Hant"): "s2twp",
    ("zh-Hans", "zh-HK"): "s2hk",
    ("zh-Hant", "zh-Hans"): "tw2sp",
    ("zh-HK", "zh-Hans"): "hk2s",
    ("zh-Hant", "zh-HK"): "t2hk",
    ("zh-HK", "zh-Hant"): "hk2t",
}
_OPENCC: dict[str, object] = {}
_CONVERTED: dict[tuple[str, str, str], str] = {}
_CONVERTED_LIMIT = 200_000


def _opencc_convert(config: str) -> Callable[[str], str]:
    conv = _OPENCC.get(config)
    if conv is None:
        import opencc

        conv = opencc.OpenCC(config if config.endswith(".json") else config + ".json")
        _OPENCC[config] = conv
    return conv.convert  # type: ignore[attr-defined]


def _converter(resources, source_lang: str, target_lang: str) -> tuple[str, Callable[[str], str]]:
    """A text converter between two Chinese variants and a key naming it for the cache.

    Plain OpenCC with the project's configuration for the target (``[opencc]``
    in the config): for a similarity, the glossary lock of
    ``transkit.convert`` changes a few characters of a section at six times
    the cost.
    """
    config = None
    if resources is not None:
        try:
            config = resources.config.opencc_for(target_lang)
        except AttributeError:
            config = None
    if source_lang == "zh-HK" and target_lang == "zh-Hans":
        config = "hk2s"
    config = config or _FALLBACK_OPENCC.get((source_lang, target_lang), "s2twp")
    return config, _opencc_convert(config)


def _convert_many(key: str, fn: Callable[[str], str], texts: list[str]) -> list[str]:
    """Convert several texts in one call (joined by newlines), cached per text."""
    out: list[str | None] = [None] * len(texts)
    todo: list[int] = []
    for i, t in enumerate(texts):
        if not t:
            out[i] = t
            continue
        hit = _CONVERTED.get((key, "", t))
        if hit is None:
            todo.append(i)
        else:
            out[i] = hit
    if todo:
        if len(_CONVERTED) > _CONVERTED_LIMIT:
            _CONVERTED.clear()
        joined = "\n".join(texts[i].replace("\n", " ") for i in todo)
        converted = fn(joined).split("\n")
        if len(converted) != len(todo):  # a converter that moved line breaks: one at a time
            converted = [fn(texts[i].replace("\n", " ")) for i in todo]
        for i, c in zip(todo, converted):
            _CONVERTED[(key, "", texts[i])] = c
            out[i] = c
    return out  # type: ignore[return-value]


# --------------------------------------------------------------------------- #
# The pair context: features of both documents, similarity, dynamic program
# --------------------------------------------------------------------------- #

# A match must score above this to beat leaving both sides unpaired.
_GAP = 0.4
# Character similarity of unrelated Chinese sections (see _Scorer.score).
_CHAR_FLOOR = 0.25
# Characters compared first, before the whole sections.
_HEAD = 240
# Pairs made by the second (reorder) pass need stronger evidence.
_REORDER_MIN = 0.5
# Above this many pairs only candidates are scored (see _candidates).
_FULL_DP_CELLS = 6_400
_INDEX_TOKENS = 24  # rarest anchors of a unit looked up
_INDEX_POSTINGS = 40  # anchors in more units than this are not looked up
_INDEX_TOP = 6  # best anchor matches kept per unit
_BAND = 3  # half-width of the diagonal band ...
_BAND_DRIFT = 30  # ... widened by the difference in unit counts, up to this much


def _lang_of(doc: Document) -> str:
    if doc.lang:
        return doc.lang
    from transkit.lang import guess

    return guess(doc.text[:20000]).lang


def _is_zh(lang: str) -> bool:
    return lang.startswith("zh")


class _PairContext:
    def __init__(self, source: Document, target: Document, resources) -> None:
        self.source = source
        self.target = target
        self.resources = resources
        self.source_lang = _lang_of(source)
        self.target_lang = _lang_of(target)
        self.same_script = self.source_lang == self.target_lang or (_is_zh(self.source_lang) and _is_zh(self.target_lang))
        self.fs = _Features(source)
        self.ft = _Features(target)
        self._convert: tuple[str, Callable[[str], str]] | None = None
        self._terms = None

    # -- conversion and glossary ------------------------------------------------ #

    def convert(self, texts: list[str]) -> list[str]:
        """Source texts made comparable with target texts (converted between Chinese variants)."""
        if self.source_lang == self.target_lang or not (_is_zh(self.source_lang) and _is_zh(self.target_lang)):
            return texts
        if self._convert is None:
            self._convert = _converter(self.resources, self.source_lang, self.target_lang)
        key, fn = self._convert
        return _convert_many(key, fn, texts)

    def term_matchers(self):
        """Two functions text -> glossary tokens, from the glossary's term pairs (or None)."""
        if self._terms is None:
            self._terms = _glossary_matchers(self.resources, self.source_lang, self.target_lang) or False
        return self._terms or None

    # -- sections ------------------------------------------------------------------ #

    def units(self, feats: _Features, sections: Sequence[Section]) -> list[_Unit]:
        sizes = [max(1, len(s.text)) for s in sections]
        total = float(sum(sizes)) or 1.0
        out = []
        offset = 0.0
        for k, (sec, sz) in enumerate(zip(sections, sizes)):
            out.append(feats.section_unit(sec, k, total, offset))
            offset += sz
        return out

    def align_sections(self) -> Alignment:
        src_secs = [s for s in self.source.sections if not s.is_preamble]
        tgt_secs = [s for s in self.target.sections if not s.is_preamble]
        su = self.units(self.fs, src_secs)
        tu = self.units(self.ft, tgt_secs)
        scorer = _Scorer(self, su, tu, sections=True)
        matches = _align_units(scorer, len(su), len(tu))
        pairs: list[SectionPair] = []
        matched = {i: (j, c, mv) for i, j, c, mv in matches}
        # Preambles always pair: they hold the front matter and the title area.
        sp, tp = self.source.sections[0], self.target.sections[0]
        pre_conf = 1.0 if not sp.text.strip() and not tp.text.strip() else round(max(0.5, scorer.preamble_similarity(sp, tp)), 4)
        ordered = _order_pairs(len(su), len(tu), matched)
        pairs.append(SectionPair(sp, tp, pre_conf))
        for i, j, conf, moved in ordered:
            pairs.append(SectionPair(src_secs[i] if i is not None else None, tgt_secs[j] if j is not None else None, conf, moved))
        return Alignment(self.source, self.target, pairs, self)

    # -- blocks -------------------------------------------------------------------- #

    def block_list(self, sec: Section | None) -> list[Block]:
        if sec is None:
            return []
        return [b for b in sec.blocks if b.kind not in _BODY_SKIP]

    def align_blocks(self, source: Section | None, target: Section | None) -> list[BlockPair]:
        sb = self.block_list(source)
        tb = self.block_list(target)
        if not sb or not tb:
            return [BlockPair(b, None, 0.0) for b in sb] + [BlockPair(None, b, 0.0) for b in tb]

        def units(feats: _Features, blocks: list[Block]) -> list[_Unit]:
            total = float(sum(b.end_line - b.start_line + 1 for b in blocks))
            out, off = [], 0.0
            for k, b in enumerate(blocks):
                out.append(feats.block_unit(b, k, total, off))
                off += b.end_line - b.start_line + 1
            return out

        su, tu = units(self.fs, sb), units(self.ft, tb)
        scorer = _Scorer(self, su, tu, sections=False)
        matches = _align_units(scorer, len(su), len(tu))
        matched = {i: (j, c, mv) for i, j, c, mv in matches}
        return [
            BlockPair(sb[i] if i is not None else None, tb[j] if j is not None else None, conf, moved)
            for i, j, conf, moved in _order_pairs(len(su), len(tu), matched)
        ]


_MATCHERS: dict[tuple[int, str, str], tuple[object, object]] = {}


def _glossary_matchers(resources, source_lang: str, target_lang: str):
    """Token extractors (text -> ["g:<term id>", ...]) for each side, or None without a glossary.

    Built once per glossary and language pair. Renderings of one term (its
    variants, several accepted translations) share one id, so "LLM" against
    either 大语言模型 or 大型语言模型 is the same anchor.
    """
    if resources is None:
        return None
    try:
        glossary = resources.glossary
    except (ImportError, AttributeError, NotImplementedError):
        return None  # no glossary module yet
    key = (id(glossary), source_lang, target_lang)
    hit = _MATCHERS.get(key)
    if hit is not None and hit[0] is glossary:
        return hit[1]
    try:
        pairs = list(glossary.term_pairs(source_lang, target_lang))
    except (AttributeError, NotImplementedError, ValueError):
        return None
    # Union-find over renderings: connected renderings are one term.
    parent: dict[tuple[int, str], tuple[int, str]] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    src_latin, tgt_latin = not _is_zh(source_lang), not _is_zh(target_lang)
    clean: list[tuple[str, str]] = []
    for p in pairs:
        if not (isinstance(p, tuple) and len(p) >= 2 and isinstance(p[0], str) and isinstance(p[1], str)):
            continue
        a, b = p[0].strip(), p[1].strip()
        if not a or not b or a.lower() == b.lower():
            continue  # a term kept as is is already a word anchor
        a = a.lower() if src_latin else a
        b = b.lower() if tgt_latin else b
        clean.append((a, b))
        ra, rb = find((0, a)), find((1, b))
        if ra != rb:
            parent[ra] = rb
    matchers = None
    if clean:
        ids: dict[tuple[int, str], int] = {}
        src_terms: dict[str, int] = {}
        tgt_terms: dict[str, int] = {}
        for a, b in clean:
            root = find((0, a))
            k = ids.setdefault(root, len(ids))
            src_terms[a] = k
            tgt_terms[b] = k
        matchers = (_term_finder(src_terms, src_latin), _term_finder(tgt_terms, tgt_latin))
    _MATCHERS[key] = (glossary, matchers)
    return matchers


def _term_finder(terms: dict[str, int], latin: bool):
    """(text, word tokens) -> set of glossary tokens.

    Latin terms are looked up by their first word among the unit's word
    tokens (whole words only: "art" is not in "start"), then checked as a
    phrase; Chinese terms go through an Aho-Corasick automaton.
    """
    names = {k: f"g:{k}" for k in set(terms.values())}
    if latin:
        by_first: dict[str, list[tuple[str, frozenset[str], str]]] = {}
        for term, k in terms.items():
            words = _WORD_OR_NUMBER.findall(term)
            if words and len(term) > 1:
                by_first.setdefault(words[0], []).append((term, frozenset(words), names[k]))

        def find_latin(text: str, tokens: set[str]) -> set[str]:
            out: set[str] = set()
            hay = None
            for w in by_first.keys() & tokens:
                for term, words, name in by_first[w]:
                    if term != w:
                        if not words <= tokens:
                            continue
                        if hay is None:
                            hay = " ".join(text.lower().split())
                        if term not in hay:
                            continue
                    out.add(name)
            return out

        return find_latin

    import ahocorasick

    auto = ahocorasick.Automaton()
    for term, k in terms.items():
        if len(term) > 1:  # a single character matches everywhere
            auto.add_word(term, names[k])
    if not len(auto):
        return lambda text, tokens: set()
    auto.make_automaton()

    def find_han(text: str, tokens: set[str]) -> set[str]:
        return {name for _, name in auto.iter_long(text)}

    return find_han


class _Scorer:
    """Similarity between source unit i and target unit j, cached."""

    def __init__(self, ctx: _PairContext, su: list[_Unit], tu: list[_Unit], sections: bool) -> None:
        self.ctx = ctx
        self.su = su
        self.tu = tu
        self.sections = sections
        self.cache: dict[tuple[int, int], tuple[float, float, float]] = {}
        terms = ctx.term_matchers() if not ctx.same_script else None
        if terms:
            find_s, find_t = terms
            for u in su:
                u.tokens.update(find_s(u.title + " " + u.prose, u.tokens))
            for u in tu:
                u.tokens.update(find_t(u.title + " " + u.prose, u.tokens))
        # Tokens that occur on both sides, weighted by rarity (inverse document frequency).
        s_vocab: set[str] = set().union(*[u.tokens for u in su])
        t_vocab: set[str] = set().union(*[u.tokens for u in tu])
        shared = s_vocab & t_vocab
        df: Counter[str] = Counter()
        for u in su + tu:
            u.shared = frozenset(u.tokens & shared)
            df.update(u.shared)
        n = len(su) + len(tu)
        self.idf = idf = {tok: math.log(1.0 + n / df[tok]) for tok in shared}
        for u in su + tu:
            u.weight_total = sum(map(idf.__getitem__, u.shared))
        # Code, URLs and code blocks survive translation. When the translation
        # keeps most of them, one that a unit has and the other document lacks
        # is evidence against every pairing of that unit ("lost" weight); when
        # the translation drops them wholesale (links removed), it is not.
        for units, other in ((su, t_vocab), (tu, s_vocab)):
            keep: set[str] = set()
            for u in units:
                keep.update(u.keep)
            if not keep:
                continue
            rate = len(keep & other) / len(keep)
            if rate < 0.5:
                continue
            lost_df = Counter(t for u in units for t in u.keep - shared)
            for u in units:
                lost = u.keep - shared
                if lost:
                    u.lost = rate * sum(math.log(1.0 + n / lost_df[t]) for t in lost)
        total_s = float(sum(u.size for u in su)) or 1.0
        total_t = float(sum(u.size for u in tu)) or 1.0
        for units, total in ((su, total_s), (tu, total_t)):
            for u in units:
                u.share = u.size / total
                u.shape_sum = sum(u.shape)
                u.title_shared = u.title_tokens & u.shared
                u.title_key = u.title.strip().lower()
                u.number_key = (u.number or "").rstrip(".")
        from rapidfuzz import fuzz

        self._ratio = fuzz.ratio
        # Character comparison for two variants of one script.
        self.chars = ctx.same_script
        if self.chars:
            conv = ctx.convert([u.prose for u in su])
            self.s_text = [_squash(c) for c in conv]
            self.t_text = [_squash(u.prose) for u in tu]
            if sections:
                ts = ctx.convert([u.title for u in su])
                self.s_title = [t.lower() for t in ts]
            else:
                self.s_title = [""] * len(su)
            self.t_title = [u.title.lower() for u in tu]
        # Systematic heading-level offset (### in the source, ## in the translation).
        self.level_shift = _common_shift([u.level for u in su], [u.level for u in tu]) if sections else 0

    def preamble_similarity(self, sp: Section, tp: Section) -> float:
        a = self.ctx.fs.section_unit(sp, 0, 1.0, 0.0)
        b = self.ctx.ft.section_unit(tp, 0, 1.0, 0.0)
        if self.chars:
            from rapidfuzz import fuzz

            ca = _squash(self.ctx.convert([a.prose])[0])
            return fuzz.ratio(ca, _squash(b.prose)) / 100.0
        common = set(a.tokens) & set(b.tokens)
        if not a.tokens and not b.tokens:
            return 1.0
        return 2 * len(common) / (len(a.tokens) + len(b.tokens))

    def __call__(self, i: int, j: int) -> float:
        return self.score(i, j)[0]

    def confidence(self, i: int, j: int) -> float:
        return self.score(i, j)[1]

    def score(self, i: int, j: int) -> tuple[float, float, float]:
        """(similarity used by the dynamic program, confidence reported, weight of strong evidence)."""
        key = (i, j)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        a, b = self.su[i], self.tu[j]
        num = 0.0
        den = 0.0
        strong = 0.0  # weight of the strong evidence present

        # Anchors: weighted Dice over shared tokens. The more evidence both
        # sides carry, the more it outweighs the shape and position hints below.
        decisive = False
        if a.weight_total or b.weight_total or a.lost or b.lost:
            common = a.shared & b.shared
            inter = sum(map(self.idf.__getitem__, common)) if common else 0.0
            dice = 2 * inter / (a.weight_total + b.weight_total + a.lost + b.lost)
            mass = min(a.weight_total, b.weight_total) + max(a.lost, b.lost)
            w = 8.0 if mass >= 7.0 else 1.0 + mass
            num += w * dice
            den += w
            strong += w
            # Plenty of anchors and few in common: not a pair, whatever the characters say.
            decisive = mass >= 7.0 and dice < 0.25

        # Characters (same script, through conversion for Chinese variants).
        # Unrelated Chinese texts of similar length share about a quarter of
        # their characters, so the ratio is rescaled from that floor.
        if self.chars:
            ratio = self._ratio
            sa, tb = self.s_text[i], self.t_text[j]
            if sa or tb:
                # The heads first: unrelated sections differ there already,
                # and the full comparison costs O(len^2 / 64).
                if decisive:
                    r = 0.0
                elif len(sa) > _HEAD and len(tb) > _HEAD:
                    r = ratio(sa[:_HEAD], tb[:_HEAD]) / 100.0
                    if r >= 0.45:
                        r = ratio(sa, tb) / 100.0
                else:
                    r = ratio(sa, tb) / 100.0
                r = max(0.0, (r - _CHAR_FLOOR) / (1.0 - _CHAR_FLOOR))
                w = 6.0 * min(1.0, 0.25 + (len(sa) + len(tb)) / 100.0)
                num += w * r
                den += w
                strong += w
            if self.sections and (self.s_title[i] or self.t_title[j]):
                r = ratio(self.s_title[i], self.t_title[j]) / 100.0
                num += 2.0 * r
                den += 2.0
                strong += 1.0
        elif a.title_shared or b.title_shared:
            # English words kept in a translated heading, or the heading kept in English.
            ta, tb_ = a.title_shared, b.title_shared
            r = 1.0 if a.title_key == b.title_key else 2 * len(ta & tb_) / (len(ta) + len(tb_))
            num += 2.0 * r
            den += 2.0
            strong += 2.0

        if self.sections:
            # Block shape.
            tot = a.shape_sum + b.shape_sum
            if tot:
                num += 1.0 - sum(map(abs, map(_sub, a.shape, b.shape))) / tot
                den += 1.0
            # Heading level, after the document-wide shift; numbering (weak: it drifts).
            if a.level + self.level_shift == b.level:
                num += 0.5
            den += 0.5
            if a.number and b.number:
                if a.number_key == b.number_key:
                    num += 0.3
                den += 0.3
        else:
            if a.kind == b.kind:
                num += 1.5
            if a.level == b.level:
                num += 0.3
            den += 1.8

        # Share of the document's length.
        x, y = a.share, b.share
        if x or y:
            num += x / y if x < y else y / x
            den += 1.0
        # Relative position.
        d = abs(a.start - b.start)
        if d < 0.5:
            num += 0.5 - d
        den += 0.5

        sim = num / den if den else 0.0
        # Without strong evidence the similarity rests on shape and position only:
        # fine for ordering, but not something to be confident about.
        conf = sim * (0.55 + 0.45 * min(1.0, strong / 4.0))
        out = (sim, max(0.0, min(1.0, conf)), strong)
        self.cache[key] = out
        return out


def _squash(text: str) -> str:
    return _SPACE.sub("", text).lower()


def _common_shift(src_levels: list[int], tgt_levels: list[int]) -> int:
    """The most common difference between the level sets' minima (0 when unclear)."""
    if not src_levels or not tgt_levels:
        return 0
    return min(tgt_levels) - min(src_levels) if abs(min(tgt_levels) - min(src_levels)) <= 2 else 0


# --------------------------------------------------------------------------- #
# The dynamic program and the reorder pass
# --------------------------------------------------------------------------- #


def _align_units(scorer: _Scorer, n: int, m: int) -> list[tuple[int, int, float, bool]]:
    """Matches (i, j, confidence, moved) between n source and m target units."""
    if not n or not m:
        return []
    cand_lists = _candidates(scorer, n, m)
    matches = _dp(scorer, n, m, cand_lists)
    # Second pass: pair leftovers with each other (reordered sections). A
    # leftover pair is taken only when each side is the other's best match
    # among *all* units (all scored ones, for long inputs), so a dropped
    # section never pairs with an added one merely because both are left over.
    used_s = {i for i, _ in matches}
    used_t = {j for _, j in matches}
    left_s = [i for i in range(n) if i not in used_s]
    left_t = [j for j in range(m) if j not in used_t]
    if left_s and left_t:
        if cand_lists is None:
            cands = [(scorer(i, j), i, j) for i in left_s for j in left_t]
            best_t = {i: max(scorer(i, j) for j in range(m)) for i in left_s}
            best_s = {j: max(scorer(i, j) for i in range(n)) for j in left_t}
        else:
            _indexed_candidates(scorer, left_s, left_t)  # scores leftovers sharing rare anchors
            best_t, best_s = {}, {}
            for (i, j), sc in scorer.cache.items():
                best_t[i] = max(best_t.get(i, 0.0), sc[0])
                best_s[j] = max(best_s.get(j, 0.0), sc[0])
            ls, lt = set(left_s), set(left_t)
            cands = [(sc[0], i, j) for (i, j), sc in scorer.cache.items() if i in ls and j in lt]
        cands = [c for c in cands if c[0] >= _REORDER_MIN and c[0] >= best_t[c[1]] and c[0] >= best_s[c[2]]]
        cands.sort(reverse=True)
        for s_, i, j in cands:
            if i in used_s or j in used_t:
                continue
            used_s.add(i)
            used_t.add(j)
            matches.append((i, j))
    matches.sort(key=lambda ij: ij[1])
    # Moved: pairs off the longest chain that keeps the source order.
    keep = _lis([i for i, _ in matches])
    return [(i, j, scorer.confidence(i, j), k not in keep) for k, (i, j) in enumerate(matches)]


def _indexed_candidates(scorer: _Scorer, left_s: list[int], left_t: list[int]) -> list[tuple[float, int, int]]:
    """Candidate reorder pairs that share at least one rare anchor (for very long documents)."""
    index: dict[str, list[int]] = {}
    for j in left_t:
        for t in scorer.tu[j].shared:
            index.setdefault(t, []).append(j)
    cands = []
    for i in left_s:
        seen: set[int] = set()
        toks = sorted(scorer.su[i].shared, key=lambda t: -scorer.idf[t])[:8]
        for t in toks:
            for j in index.get(t, ())[:50]:
                if j in seen:
                    continue
                seen.add(j)
                cands.append((scorer(i, j), i, j))
    return cands


def _candidates(scorer: _Scorer, n: int, m: int) -> list[list[int]] | None:
    """Target units worth scoring for each source unit, or None for all of them.

    Small inputs score every pair. Long ones (hundreds of sections) score, for
    each source unit, the targets sharing its rarest anchors (and rarest
    character pairs, between variants of one script), a band around the
    diagonal as wide as the difference in unit counts allows, and the
    continuation of its neighbours' best anchor matches (which follows the
    path through insertions and deletions where a unit has no anchors of its
    own).
    """
    if n * m <= _FULL_DP_CELLS:
        return None
    su, tu, idf = scorer.su, scorer.tu, scorer.idf
    postings: dict[str, list[int]] = {}
    for j, u in enumerate(tu):
        for t in u.shared:
            postings.setdefault(t, []).append(j)
    # Two variants of one script share their characters: rare character pairs
    # find counterparts where there are no Latin words, numbers or links.
    grams_s: list[list[str]] = [[] for _ in su]
    if scorer.chars:
        s_sets = [_bigrams(t) for t in scorer.s_text]
        t_sets = [_bigrams(t) for t in scorer.t_text]
        df: Counter[str] = Counter()
        for g in s_sets + t_sets:
            df.update(g)
        for j, g in enumerate(t_sets):
            for x in g:
                if df[x] <= _INDEX_POSTINGS:
                    postings.setdefault("\0" + x, []).append(j)
        import heapq

        for i, g in enumerate(s_sets):
            rare = [x for x in g if df[x] <= _INDEX_POSTINGS]
            grams_s[i] = ["\0" + x for x in heapq.nsmallest(_INDEX_TOKENS, rare, key=df.__getitem__)]
    band = _BAND + min(abs(n - m), _BAND_DRIFT)
    best: list[int | None] = []
    cands: list[set[int]] = []
    for i, u in enumerate(su):
        acc: dict[int, float] = {}
        for t in sorted(u.shared, key=idf.__getitem__, reverse=True)[:_INDEX_TOKENS]:
            post = postings[t]
            if len(post) > _INDEX_POSTINGS:
                continue  # a common token: no help in finding the counterpart
            w = idf[t]
            for j in post:
                acc[j] = acc.get(j, 0.0) + w
        for t in grams_s[i]:
            for j in postings.get(t, ()):
                acc[j] = acc.get(j, 0.0) + 0.5
        top = sorted(acc, key=lambda j: (-acc[j], j))[:_INDEX_TOP]
        best.append(top[0] if top else None)
        c = set(top)
        center = round(i * m / n)
        c.update(range(max(0, center - band), min(m, center + band + 1)))
        cands.append(c)
    for i in range(n):
        for k in (i - 2, i - 1):
            if k >= 0 and best[k] is not None:
                c0 = best[k] + (i - k)
                cands[i].update(range(max(0, c0 - 1), min(m, c0 + 2)))
        for k in (i + 1, i + 2):
            if k < n and best[k] is not None:
                c0 = best[k] - (k - i)
                cands[i].update(range(max(0, c0 - 1), min(m, c0 + 2)))
    return [sorted(c) for c in cands]


def _bigrams(text: str) -> set[str]:
    return {text[k : k + 2] for k in range(len(text) - 1)}


def _dp(scorer: _Scorer, n: int, m: int, cands: list[list[int]] | None = None) -> list[tuple[int, int]]:
    """Best monotone matching: maximize the sum of (similarity - gap) over matched pairs.

    Gaps (missing and extra units) cost nothing, so this is the heaviest chain
    of pairs increasing in both documents: rows in order, a prefix-maximum
    tree (Fenwick) over target positions, updates deferred to the end of each
    row so that no row pairs twice. O(K log m) for K scored pairs.
    """
    size = m + 1
    tree_val = [0.0] * (size + 1)
    tree_cell = [-1] * (size + 1)
    cells: list[tuple[int, int, int]] = []  # (i, j, predecessor cell)

    def query(pos: int) -> tuple[float, int]:  # best chain ending at a target < pos (1-based pos)
        v, c = 0.0, -1
        while pos > 0:
            if tree_val[pos] > v:
                v, c = tree_val[pos], tree_cell[pos]
            pos -= pos & -pos
        return v, c

    def update(pos: int, v: float, c: int) -> None:
        while pos <= size:
            if v > tree_val[pos]:
                tree_val[pos], tree_cell[pos] = v, c
            pos += pos & -pos

    best_v, best_c = 0.0, -1
    all_j = range(m)
    score = scorer.score
    for i in range(n):
        row = []
        for j in cands[i] if cands is not None else all_j:
            w = score(i, j)[0] - _GAP
            if w <= 0:
                continue
            v, pred = query(j)  # chains ending at targets 0..j-1
            row.append((j, v + w, pred))
        for j, v, pred in row:
            cells.append((i, j, pred))
            cell = len(cells) - 1
            update(j + 1, v, cell)
            if v > best_v:
                best_v, best_c = v, cell
    out: list[tuple[int, int]] = []
    c = best_c
    while c != -1:
        i, j, pred = cells[c]
        out.append((i, j))
        c = pred
    out.reverse()
    return out


def _lis(seq: list[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence of ``seq``."""
    import bisect

    tails: list[int] = []
    tail_pos: list[int] = []
    parent = [-1] * len(seq)
    for k, v in enumerate(seq):
        p = bisect.bisect_left(tails, v)
        if p == len(tails):
            tails.append(v)
            tail_pos.append(k)
        else:
            tails[p] = v
            tail_pos[p] = k
        parent[k] = tail_pos[p - 1] if p > 0 else -1
    keep: set[int] = set()
    k = tail_pos[-1] if tail_pos else -1
    while k != -1:
        keep.add(k)
        k = parent[k]
    return keep


def _order_pairs(n: int, m: int, matched: dict[int, tuple[int, float, bool]]) -> list[tuple[int | None, int | None, float, bool]]:
    """Pairs in target order, each unmatched source unit after its nearest matched predecessor."""
    after: dict[int, list[int]] = {}  # target position -> unmatched sources to insert after it (-1: at the start)
    anchor = -1
    for i in range(n):
        if i in matched:
            j, _, moved = matched[i]
            if not moved:
                anchor = j
        else:
            after.setdefault(anchor, []).append(i)
    by_target = {j: (i, c, mv) for i, (j, c, mv) in matched.items()}
    out: list[tuple[int | None, int | None, float, bool]] = []
    for i in after.get(-1, ()):
        out.append((i, None, 0.0, False))
    for j in range(m):
        if j in by_target:
            i, c, mv = by_target[j]
            out.append((i, j, c, mv))
        else:
            out.append((None, j, 0.0, False))
        for i in after.get(j, ()):
            out.append((i, None, 0.0, False))
    return out


# --------------------------------------------------------------------------- #
# Files and plain-text output (for ``transkit align``)
# --------------------------------------------------------------------------- #


def load_document(path, lang: str | None = None) -> Document:
    """Read a Markdown file for alignment; the language comes from ``lang``, the path, or the text."""
    from pathlib import Path

    from transkit import lang as langs
    from transkit.errors import InputError

    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory; transkit align takes files") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror}") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{p}: looks like a binary file, not Markdown")
    doc = Document.from_bytes(data, path=str(path), lang=None)
    if lang:
        try:
            doc.lang = langs.normalize(lang)
        except ValueError as exc:
            raise InputError(f"{p}: {exc}") from None
    else:
        doc.lang = langs.from_path(str(path)) or langs.guess(doc.text[:20000]).lang
    return doc


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(section: Section | None, width: int) -> str:
    if section is None:
        text = "--"
    elif section.is_preamble:
        text = "(preamble)"
    else:
        text = f"{section.start_line:>5} {'#' * section.level} {(section.number + ' ') if section.number else ''}{section.title}"
    # Cut to the display width (an ellipsis marks the cut), then pad.
    if _width(text) > width:
        out, w = [], 0
        for ch in text:
            cw = _width(ch)
            if w + cw > width - 1:
                break
            out.append(ch)
            w += cw
        text = "".join(out) + "…"
    return text + " " * max(0, width - _width(text))


def alignments_to_text(alignments: Sequence[Alignment], width: int = 44) -> str:
    """A plain-text table per translation: confidence, source section, target section, remark."""
    blocks = []
    for a in alignments:
        lines = [f"{a.source.path} ({a.source.lang}) -> {a.target.path} ({a.target.lang})"]
        for p in a.pairs:
            remark = "missing" if p.target is None else "extra" if p.source is None else "moved" if p.moved else ""
            conf = f"{p.confidence:4.2f}" if p.matched else "  - "
            lines.append(f"  {conf}  {_cell(p.source, width)}  {_cell(p.target, width)}  {remark}".rstrip())
        matched = len([p for p in a.matched if not p.source.is_preamble])
        lines.append(f"  {matched} matched, {len(a.missing)} missing, {len(a.extra)} extra, {len(a.moved)} moved")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


# --------------------------------------------------------------------------- #
# Trees: the same relative paths under a source directory and translation directories
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class TreeEntry:
    """One file of a tree alignment: its alignment as JSON data and as text."""

    path: str  # relative to the source directory
    data: dict | None  # None unless asked for
    text: str | None


def tree_files(source_dir, target_dirs) -> list[tuple[str, object, list]]:
    """(relative path, source file, [translation file or None per directory]) for every Markdown file."""
    from pathlib import Path

    from transkit.project import MARKDOWN_SUFFIXES, walk

    src_root = Path(source_dir)
    out = []
    for f in walk([src_root], suffixes=MARKDOWN_SUFFIXES):
        rel = f.relative_to(src_root)
        targets = [(Path(d) / rel) if (Path(d) / rel).is_file() else None for d in target_dirs]
        out.append((rel.as_posix(), f, targets))
    return out


def _align_tree_entry(job: tuple) -> TreeEntry:
    rel, src_path, tgt_paths, source_lang, lang, config, want = job
    from transkit.resources import Resources

    resources = _WORKER_RESOURCES.get(id(config))
    if resources is None:
        resources = Resources(config) if config is not None else None
        _WORKER_RESOURCES.clear()
        _WORKER_RESOURCES[id(config)] = resources
    src = load_document(src_path, source_lang)
    present = [load_document(p, lang) for p in tgt_paths if p is not None]
    alignments = align_many(src, present, resources=resources)
    data = text = None
    if "json" in want:
        data = alignments_to_dict(alignments) if alignments else {"pairs": []}
        data = {"path": rel, "source": str(src_path), "targets": [str(p) if p is not None else None for p in tgt_paths], **data}
    if "text" in want:
        text = alignments_to_text(alignments) if alignments else ""
        absent = sum(p is None for p in tgt_paths)
        if absent:
            text += f"{src_path}: {absent} of {len(tgt_paths)} translation directories have no {rel}\n"
    return TreeEntry(rel, data, text)


_WORKER_RESOURCES: dict[int, object] = {}


def align_tree(
    source_dir,
    target_dirs,
    *,
    config=None,
    source_lang: str | None = None,
    lang: str | None = None,
    jobs: int = 1,
    want: tuple[str, ...] = ("json", "text"),
) -> list[TreeEntry]:
    """Align every Markdown file under ``source_dir`` with the file at the same path in each of ``target_dirs``.

    A translation directory lacking a file gives ``null`` in that file's
    ``targets``. ``jobs`` > 1 spreads the files over worker processes (0: one
    per core); the result is in path order either way. ``want`` names the
    outputs to build per file ("json", "text").
    """
    import os

    files = tree_files(source_dir, target_dirs)
    work = [(rel, src, tgts, source_lang, lang, config, want) for rel, src, tgts in files]
    if jobs == 0:
        jobs = os.cpu_count() or 1
    jobs = max(1, min(jobs, len(work)))
    if jobs == 1 or len(work) < 8:
        return [_align_tree_entry(w) for w in work]
    from concurrent.futures import ProcessPoolExecutor

    # Large chunks: a worker parses and aligns whole files and returns only
    # the small JSON/text results.
    chunk = max(1, len(work) // (jobs * 4))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_align_tree_entry, work, chunksize=chunk))
