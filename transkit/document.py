"""A lossless Markdown model: sections, blocks and protected spans.

The model is built by a line scanner that follows CommonMark's block rules
closely enough for documentation (ATX and setext headings, fenced and indented
code, block quotes, list items, GFM tables, HTML blocks and comments, reference
definitions, YAML/TOML front matter). It never rewrites text: ``Document.text``
is the decoded input, BOM and line endings included, and joining the sections'
text gives it back exactly.

Why a scanner of our own rather than markdown-it's token stream: the checks need
every line, blank or not, to belong to exactly one section, and they need byte
positions of things markdown-it normalizes away. The scanner is also the lint
fast path, and importing markdown-it alone costs more than linting a 27 KB file.
The test suite holds the scanner to markdown-it's block structure on the points
both define (headings, code blocks).

    >>> doc = Document.from_text("# Title\\n\\nSome `code` here.\\n## 2. Next\\n")
    >>> [(s.level, s.number, s.title) for s in doc.sections]
    [(0, None, ''), (1, None, 'Title'), (2, '2.', 'Next')]
    >>> "".join(s.text for s in doc.sections) == doc.text
    True
"""

from __future__ import annotations

import enum
import re
from bisect import bisect_left, bisect_right
from functools import cached_property, lru_cache
from itertools import accumulate
from operator import attrgetter
from typing import Sequence

from transkit.values import frozen

# --------------------------------------------------------------------------- #
# Values
# --------------------------------------------------------------------------- #


class BlockKind(enum.Enum):
    FRONT_MATTER = "front-matter"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list-item"
    TABLE_ROW = "table-row"
    TABLE_DELIMITER = "table-delimiter"
    BLOCK_QUOTE = "block-quote"
    HTML = "html"
    CODE = "code"
    THEMATIC_BREAK = "thematic-break"
    REFERENCE = "reference-definition"


class SpanKind(enum.Enum):
    """Kinds of protected text: never converted, never judged as prose."""

    CODE_BLOCK = "code-block"
    INLINE_CODE = "inline-code"
    URL = "url"
    AUTOLINK = "autolink"
    LINK_DESTINATION = "link-destination"
    LINK_LABEL = "link-label"
    REFERENCE = "reference-definition"
    HTML_TAG = "html-tag"
    HTML_COMMENT = "html-comment"
    FRONT_MATTER_KEY = "front-matter-key"
    FRONT_MATTER_FENCE = "front-matter-fence"
    HEADING_ID = "heading-id"


@frozen
class Span:
    """A protected run inside one line: columns are 0-based code points, end exclusive."""

    line: int  # 1-based
    start: int
    end: int
    kind: SpanKind


@frozen
class Block:
    """A block: 1-based inclusive line span; ``depth`` is list nesting (0 at top)."""

    kind: BlockKind
    start_line: int
    end_line: int
    depth: int = 0
    info: str = ""  # fence info string for code, marker for list items, level for headings

    @property
    def lines(self) -> range:
        return range(self.start_line, self.end_line + 1)


@frozen
class Section:
    """A heading and everything up to the next heading (index 0 is the preamble)."""

    index: int
    level: int  # 0 for the preamble
    heading: str  # heading text as written, markers stripped ("" for the preamble)
    number: str | None  # "3.", "1.2", "第三章" ...
    title: str  # heading without numbering, emoji or inline markup
    slug: str
    path: tuple[str, ...]  # titles of the enclosing headings, this one last
    start_line: int  # 1-based, inclusive
    end_line: int  # inclusive; end_line < start_line for an empty preamble
    blocks: tuple[Block, ...]
    text: str
    emoji: tuple[str, ...] = ()
    setext: bool = False

    @property
    def line_count(self) -> int:
        return self.end_line - self.start_line + 1

    @property
    def is_preamble(self) -> bool:
        return self.level == 0

    @property
    def body_blocks(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.kind is not BlockKind.HEADING)



@frozen
class FrontMatter:
    start_line: int
    end_line: int
    fence: str  # "---" (YAML) or "+++" (TOML)


# --------------------------------------------------------------------------- #
# Line-level patterns
# --------------------------------------------------------------------------- #

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_ENDING = re.compile(r"\r\n|\r|\n")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$|^ {0,3}(#{1,6})[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})(.*)$")
_THEMATIC = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_BULLET = re.compile(r"^([ \t]*)([-+*]|\d{1,9}[.)])([ \t]+|$)")
_QUOTE = re.compile(r"^ {0,3}>")
_HTML_BLOCK_TAGS = frozenset(
    """address article aside base basefont blockquote body caption center col colgroup dd
    details dialog dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2
    h3 h4 h5 h6 head header hr html iframe legend li link main menu menuitem nav noframes ol
    optgroup option p param search section summary table tbody td tfoot th thead title tr
    track ul pre script style textarea picture img a br span video audio source""".split()
)
_RAW_HTML_TAGS = frozenset({"script", "pre", "style", "textarea"})  # CommonMark HTML blocks of type 1
_HTML_OPEN = re.compile(r"^ {0,3}</?([A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)")
_COMMENT_OPEN = re.compile(r"^ {0,3}<!--")
_REFDEF = re.compile(r"^ {0,3}\[((?:[^\]\\]|\\.)+)\]:[ \t]*(<[^>]*>|\S+)(?:[ \t]+(\"[^\"]*\"|'[^']*'|\([^)]*\)))?[ \t]*$")
_REFDEF_LABEL = re.compile(r"^ {0,3}(\[(?:[^\]\\]|\\.)+\]:)[ \t]*$")
_REFDEF_DEST = re.compile(r"^[ \t]*(<[^>]*>|\S+)(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?[ \t]*$")
_TABLE_DELIM = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_FM_KEY = re.compile(r"^([ \t]*(?:-[ \t]+)?)([^\s:#\-\[\]{}'\"][^:#]*?|\"[^\"]*\"|'[^']*')([ \t]*):(?=\s|$)")
_TOML_KEY = re.compile(r"^([ \t]*)([A-Za-z0-9_.\-\"']+?)([ \t]*)=")
_NUMBER = (r"^(?:(\d+(?:\.\d+)*)(\.|、|\)|：|:)?[ \t]+|(\d+(?:\.\d+)*)([.、])(?=\S)|(第[一二三四五六七八九十百零〇\d]+[章节節部篇])[ \t、：:]*)")
# First characters that may open a block other than a paragraph (with "|" anywhere for tables).
_BLOCK_START = frozenset("#=-*_<>+0123456789[`~")
_HEADING_ID = re.compile(r"(?<![ \t])[ \t]*\{#[^{}]*\}[ \t]*$")

# Inline patterns; columns are code points inside one line.
# What may open an inline span: ` < [ ] ! @ "://" "www." "{#". Written as one class
# followed by a check of what comes next, so the search skips in C to the next
# candidate character (an alternation of them tries every position: 4x slower).
_INLINE_TRIGGER = re.compile(r"[`<\[\]!@:w{](?:(?<=[`<\[\]!@])|(?<=:)//|(?<=w)ww\.|(?<=\{)#)")
_BACKTICKS = re.compile(r"`+")
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9.+-]{1,31}:[^\s<>]*|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*\s*/?>")
# A URL starts at a word boundary: the word character before its first letter is
# ruled out by a lookbehind after that letter, so every branch begins with a
# literal and the search skips ahead in C (a leading \b makes it try every position).
# A path segment or query value may be written in Chinese (zh.wikipedia.org/wiki/数据库):
# after / = ? # or &, a bare URL goes on through any character but white space,
# angle brackets and Chinese punctuation, as GitHub's autolinks do.
_URL_REST = r"(?:(?<=[/=?#&])[^\s<>，。、；：！？「」『』（）《》【】“”‘’…]+)?"
# Glued to Chinese text (访问https://x.org) a URL still starts: only an ASCII letter,
# digit or _ before it makes it part of a word.
_BARE_URL = re.compile(rf"h(?<![A-Za-z0-9_]h)ttps?://[!-~]+{_URL_REST}|f(?<![A-Za-z0-9_]f)tp://[!-~]+{_URL_REST}|w(?<![A-Za-z0-9_]w)ww\.[!-~]+{_URL_REST}")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b")
_URL_TRAILING = ".,:;!?*_~'\""
_FOOTNOTE = re.compile(r"\[\^[^\[\]\s]+\]")
_DEST_PLAIN = re.compile(r"[^ \t()\\]*")


def split_lines(text: str) -> list[str]:
    r"""Split on ``\n``, ``\r\n`` and ``\r`` only, keeping the endings.

    ``str.splitlines`` also splits on form feeds and U+2028, which Markdown does
    not treat as line breaks.

    >>> split_lines("a\r\nb\rc\nd")
    ['a\r\n', 'b\r', 'c\n', 'd']
    """
    if "\r" in text:
        return _LINE.findall(text)
    # Only \n: str.split is twice as fast as the pattern.
    parts = text.split("\n")
    last = parts.pop()
    out = [p + "\n" for p in parts]
    if last:
        out.append(last)
    return out


def line_body(line: str) -> str:
    """A line without its line ending."""
    if line.endswith("\r\n"):
        return line[:-2]
    if line.endswith(("\n", "\r")):
        return line[:-1]
    return line


def _indent(s: str) -> int:
    n = 0
    for ch in s:
        if ch == " ":
            n += 1
        elif ch == "\t":
            n += 4 - n % 4
        else:
            break
    return n


_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D\u20E3\u3030\u303D\u2122\u2139]")


def is_emoji(ch: str) -> bool:
    return _EMOJI.match(ch) is not None


_MARKUP = re.compile(r"(\*\*|__|~~|`+)")
# No bracket inside a link text or destination: a line of "[" or "[a](" is read once.
_LINK_TEXT = re.compile(r"!?\[([^\[\]]*)\]\([^)\[\]]*\)")


def plain_heading(text: str) -> str:
    """Heading text without links, emphasis markers and emoji, spaces collapsed."""
    text = _LINK_TEXT.sub(r"\1", text)
    text = _EMOJI.sub("", _MARKUP.sub("", text))
    text = text.strip("*_ \t")
    return " ".join(text.split())


def split_number(text: str) -> tuple[str | None, str]:
    """Split a heading's numbering from its title.

    >>> split_number("1. LLM 架构")
    ('1.', 'LLM 架构')
    >>> split_number("3.2 Quantization")
    ('3.2', 'Quantization')
    >>> split_number("2026 roadmap")
    (None, '2026 roadmap')
    """
    m = _number_pattern().match(text)
    if not m:
        return None, text
    if m.group(5):
        return m.group(5), text[m.end():].strip()
    digits = m.group(1) or m.group(3)
    sep = m.group(2) or m.group(4) or ""
    # "2026 roadmap": a bare number followed by words is a title, not numbering.
    if not sep and "." not in digits and len(digits) > 2:
        return None, text
    if sep in ("：", ":"):
        sep = ""
    return digits + (sep if sep in (".", ")") else ("." if sep == "、" else "")), text[m.end():].strip()


@lru_cache(maxsize=1)
def _number_pattern() -> re.Pattern:
    return re.compile(_NUMBER)


_SLUG_DROP = re.compile(r"[^\w\- ]", re.UNICODE)
# Markup plain_heading or slugify would remove or rewrite (emoji are tested apart: one
# class holding both would cost 5 ms to compile at every start).
_HEADING_MARKUP = re.compile(r"[\[*_~`]")


def slugify(text: str) -> str:
    """GitHub-style anchor: lowercase, punctuation dropped, spaces to hyphens.

    >>> slugify("1. LLM 架构")
    '1-llm-架构'
    """
    text = _EMOJI.sub("", text)
    text = _MARKUP.sub("", _LINK_TEXT.sub(r"\1", text)).strip().lower()
    return _SLUG_DROP.sub("", text).replace(" ", "-")


def split_table_row(body: str) -> list[str]:
    r"""Cells of a GFM table row; escaped pipes and pipes in code spans stay in the cell.

    >>> split_table_row("| a | `x|y` | b \\| c |")
    ['a', '`x|y`', 'b \\| c']
    """
    s = body.strip()
    if s.startswith("|"):
        s = s[1:]
    cells: list[str] = []
    cur: list[str] = []
    i, n = 0, len(s)
    while i < n:
        ch = s[i]
        if ch == "\\" and i + 1 < n:
            cur.append(s[i : i + 2])
            i += 2
            continue
        if ch == "`":
            m = _BACKTICKS.match(s, i)
            run = m.group(0)
            close = s.find(run, m.end())
            if close != -1:
                cur.append(s[i : close + len(run)])
                i = close + len(run)
                continue
            cur.append(run)
            i = m.end()
            continue
        if ch == "|":
            cells.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
        i += 1
    tail = "".join(cur).strip()
    if tail or not s.rstrip().endswith("|"):
        cells.append(tail)
    return cells


# --------------------------------------------------------------------------- #
# Inline protected spans
# --------------------------------------------------------------------------- #


def _free(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    for a, b in taken:
        if start < b and a < end:
            return False
    return True


def pair_backtick_runs(lengths: Sequence[int]) -> list[tuple[int, int]]:
    """Code spans as CommonMark reads them: (opener, closer) indexes into backtick runs of ``lengths``.

    A run closes at the next run of the same length; a run with none after it is text.
    """
    lengths = list(lengths)
    pairs = []
    i = 0
    while i < len(lengths):
        try:
            j = lengths.index(lengths[i], i + 1)
        except ValueError:
            i += 1
            continue
        pairs.append((i, j))
        i = j + 1
    return pairs


def has_open_backticks(line: str) -> bool:
    """Whether a backtick run of ``line`` finds no closer on the line (it may close on a later one)."""
    runs = [m.end() - m.start() for m in _BACKTICKS.finditer(line)]
    return 2 * len(pair_backtick_runs(runs)) < len(runs)


def inline_spans(body: str, line: int) -> list[Span]:
    """Protected spans inside one line of prose (not inside a code block)."""
    if not _INLINE_TRIGGER.search(body):
        return []
    spans: list[Span] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, kind: SpanKind) -> None:
        if end > start:
            spans.append(Span(line, start, end, kind))
            taken.append((start, end))

    # 1. Code spans win over everything (CommonMark precedence): a run of n
    # backticks closes at the next run of exactly n.
    if "`" in body:
        runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(body)]
        for k, k2 in pair_backtick_runs([e - s for s, e in runs]):
            add(runs[k][0], runs[k2][1], SpanKind.INLINE_CODE)
    # 2. Comments, autolinks and raw HTML tags.
    if "<" in body:
        # ``<!--`` ... ``-->`` by hand: once no ``-->`` follows, no later ``<!--``
        # closes either (a regular expression would rescan the rest from each).
        i = body.find("<!--")
        while i >= 0:
            j = body.find("-->", i + 4)
            if j < 0:
                break
            if _free(taken, i, j + 3):
                add(i, j + 3, SpanKind.HTML_COMMENT)
            i = body.find("<!--", j + 3)
        for m in _AUTOLINK.finditer(body):
            if _free(taken, m.start(), m.end()):
                add(m.start(), m.end(), SpanKind.AUTOLINK)
        for m in _HTML_TAG.finditer(body):
            if _free(taken, m.start(), m.end()):
                add(m.start(), m.end(), SpanKind.HTML_TAG)
    # 3. Link and image destinations: "](dest "title")" and "][label]".
    if "](" in body or "][" in body:
        _link_targets(body, line, taken, add)
    if "[^" in body:
        for m in _FOOTNOTE.finditer(body):
            if _free(taken, m.start(), m.end()):
                add(m.start(), m.end(), SpanKind.LINK_LABEL)
    # 4. Bare URLs and e-mail addresses.
    if "://" in body or "www." in body:
        for m in _BARE_URL.finditer(body):
            start, end = m.start(), m.end()
            text = body[start:end]
            text = _trim_url(text)
            end = start + len(text)
            if _free(taken, start, end):
                add(start, end, SpanKind.URL)
    if "@" in body:
        for m in _EMAIL.finditer(body):
            if _free(taken, m.start(), m.end()):
                add(m.start(), m.end(), SpanKind.URL)
    if "{#" in body:
        m = _HEADING_ID.search(body)
        if m and _free(taken, m.start(), m.end()):
            add(m.start(), m.end(), SpanKind.HEADING_ID)
    spans.sort(key=lambda s: s.start)
    return spans


def _trim_url(text: str) -> str:
    while text and text[-1] in _URL_TRAILING:
        text = text[:-1]
    # A closing parenthesis ends the URL unless the URL opened one.
    while text.endswith(")") and text.count("(") < text.count(")"):
        text = text[:-1]
    while text and text[-1] in _URL_TRAILING:
        text = text[:-1]
    return text


def _link_targets(body: str, line: int, taken, add) -> None:
    n = len(body)
    i = 0
    while True:
        i = body.find("]", i)
        if i == -1 or i + 1 >= n:
            return
        nxt = body[i + 1]
        if nxt == "(":
            j = i + 2
            while j < n and body[j] in " \t":
                j += 1
            start = j
            if j < n and body[j] == "<":
                close = body.find(">", j)
                if close == -1:
                    i += 1
                    continue
                end = close + 1
            else:
                depth = 0
                end = j
                while end < n:
                    end = _DEST_PLAIN.match(body, end).end()  # skip what needs no decision
                    if end >= n:
                        break
                    ch = body[end]
                    if ch == "\\" and end + 1 < n:
                        end += 2
                        continue
                    if ch in " \t":
                        break
                    if ch == "(":
                        depth += 1
                    elif ch == ")":
                        if depth == 0:
                            break
                        depth -= 1
                    end += 1
            # the link must close: optional title then ")"
            k = end
            while k < n and body[k] in " \t":
                k += 1
            if k < n and body[k] in "\"'(":
                q = ")" if body[k] == "(" else body[k]
                close = body.find(q, k + 1)
                if close != -1:
                    k = close + 1
                    while k < n and body[k] in " \t":
                        k += 1
            if k < n and body[k] == ")" and end > start and _free(taken, start, end):
                add(start, end, SpanKind.LINK_DESTINATION)
            i = end if end > i else i + 1
        elif nxt == "[":
            close = body.find("]", i + 2)
            if close != -1 and _free(taken, i + 2, close):
                add(i + 2, close, SpanKind.LINK_LABEL)
            i += 1
        else:
            i += 1


# --------------------------------------------------------------------------- #
# The document
# --------------------------------------------------------------------------- #


@frozen
class _Heading:
    start_line: int
    end_line: int
    level: int
    text: str
    setext: bool


class Document:
    """A parsed Markdown document. Build with :meth:`from_text`."""

    def __init__(
        self,
        text: str,
        path: str = "<string>",
        lang: str | None = None,
        lines: list[str] | None = None,
        blocks: list[Block] | None = None,
        sections: list[Section] | None = None,
        front_matter: FrontMatter | None = None,
    ) -> None:
        self.text = text
        self.path = path
        self.lang = lang
        self.lines: list[str] = [] if lines is None else lines
        self.blocks: list[Block] = [] if blocks is None else blocks
        self.sections: list[Section] = [] if sections is None else sections
        self.front_matter = front_matter
        self._spans: dict[int, list[Span]] = {}
        self._code_lines: set[int] = set()
        self._bodies: list[str] = []

    def __repr__(self) -> str:
        return f"Document(path={self.path!r}, lang={self.lang!r}, lines={len(self.lines)}, sections={len(self.sections)})"

    # -- construction ------------------------------------------------------ #

    @classmethod
    def from_text(cls, text: str, path: str = "<string>", lang: str | None = None) -> "Document":
        doc = cls(text=text, path=path, lang=lang, lines=split_lines(text))
        _Scanner(doc).run()
        return doc

    @classmethod
    def from_bytes(cls, data: bytes, path: str = "<bytes>", lang: str | None = None) -> "Document":
        """Decode UTF-8 losslessly: undecodable bytes become lone surrogates (see :meth:`to_bytes`)."""
        return cls.from_text(data.decode("utf-8", errors="surrogateescape"), path, lang)

    def to_bytes(self) -> bytes:
        return self.text.encode("utf-8", errors="surrogateescape")

    # -- lines --------------------------------------------------------------- #

    @property
    def line_count(self) -> int:
        return len(self.lines)

    def body(self, line: int) -> str:
        """Line ``line`` (1-based) without its ending; a leading BOM on line 1 is kept."""
        return self._bodies[line - 1]

    @cached_property
    def chars(self) -> frozenset[str]:
        """Every distinct character of the document: one C-level pass that many checks share."""
        return frozenset(self.text)

    @cached_property
    def bom(self) -> bool:
        return self.text.startswith("\ufeff")

    @cached_property
    def newline(self) -> str:
        """The document's dominant line ending (``\\n`` when it has none)."""
        counts = {"\r\n": 0, "\n": 0, "\r": 0}
        for ln in self.lines[:200]:
            for nl in ("\r\n", "\n", "\r"):
                if ln.endswith(nl):
                    counts[nl] += 1
                    break
        best = max(counts.items(), key=lambda kv: kv[1])
        return best[0] if best[1] else "\n"

    # -- protected spans ----------------------------------------------------- #

    def spans(self, line: int) -> list[Span]:
        """Protected spans of one line, sorted by column."""
        return self._spans.get(line, [])

    def protected_lines(self) -> list[int]:
        """Lines holding protected spans, in order: most lines hold none, and a scan can skip them."""
        return sorted(self._spans)

    def is_code_line(self, line: int) -> bool:
        return line in self._code_lines

    def is_front_matter_line(self, line: int) -> bool:
        fm = self.front_matter
        return fm is not None and fm.start_line <= line <= fm.end_line

    def masked(self, line: int, fill: str = " ") -> str:
        """The line with every protected span replaced by ``fill`` (columns are kept)."""
        body = self.body(line)
        if line == 1 and body.startswith("\ufeff"):
            body = fill + body[1:]
        spans = self._spans.get(line)
        if not spans:
            return body
        out = []
        pos = 0
        for s in spans:
            if s.start > pos:
                out.append(body[pos : s.start])
            if s.end > pos:
                out.append(fill * (s.end - max(pos, s.start)))
                pos = s.end
        out.append(body[pos:])
        return "".join(out)

    def prose_segments(self, line: int) -> list[tuple[int, str]]:
        """Runs of unprotected text in a line as ``(start column 0-based, text)``."""
        body = self.body(line)
        spans = self._spans.get(line)
        if not spans:
            return [(0, body)] if body else []
        out = []
        pos = 0
        for s in spans:
            if s.start > pos:
                out.append((pos, body[pos : s.start]))
            pos = max(pos, s.end)
        if pos < len(body):
            out.append((pos, body[pos:]))
        return out

    # -- lookup ---------------------------------------------------------------- #

    @cached_property
    def _section_of_line(self) -> list[int]:
        owner = [0] * (len(self.lines) + 1)
        for s in self.sections:
            for ln in range(s.start_line, s.end_line + 1):
                owner[ln] = s.index
        return owner

    def section_at(self, line: int) -> Section:
        return self.sections[self._section_of_line[line]]

    @cached_property
    def _block_of_line(self) -> dict[int, Block]:
        out: dict[int, Block] = {}
        for b in self.blocks:
            for ln in b.lines:
                out.setdefault(ln, b)
        return out

    def block_at(self, line: int) -> Block | None:
        return self._block_of_line.get(line)

    def block_text(self, block: Block) -> str:
        return "".join(self.lines[block.start_line - 1 : block.end_line])

    @property
    def headings(self) -> list[Section]:
        return [s for s in self.sections if not s.is_preamble]


# --------------------------------------------------------------------------- #
# The scanner
# --------------------------------------------------------------------------- #


_QUOTE_PREFIX = re.compile(r"(?: {0,3}> ?)+")


class _QuotedCode:
    """Fenced and indented code inside one block quote (``> ``` `` ... ``> ``` ``, ``>     code``).

    The quote markers are taken off and the rest is read as a document of its
    own would be, in outline: a fence opens and closes on the same character
    with at least as many, indented code needs four spaces and cannot
    interrupt a paragraph. The quote's end closes an open fence.
    """

    __slots__ = ("fence", "in_para")

    def __init__(self) -> None:
        self.fence: str | None = None
        self.in_para = False

    def line(self, scanner: "_Scanner", k: int, body: str) -> bool:
        """Mark line ``k`` as code when it is; returns whether it was."""
        start = _QUOTE_PREFIX.match(body).end()
        content = body[start:]
        if self.fence is not None:
            m = _FENCE.match(content)
            if m and len(m.group(1)) < 4 and m.group(2)[0] == self.fence[0] and len(m.group(2)) >= len(self.fence) and not m.group(3).strip():
                self.fence = None
            scanner._code_content(k, start)
            return True
        m = _FENCE.match(content)
        if m and len(m.group(1)) < 4 and not (m.group(2)[0] == "`" and "`" in m.group(3)):
            self.fence = m.group(2)
            self.in_para = False
            scanner._code_content(k, start)
            return True
        if not content.strip():
            self.in_para = False
            return False
        if not self.in_para and _indent(content) >= 4:
            scanner._code_content(k, start)
            return True
        self.in_para = True
        return False


class _Scanner:
    """One pass over the lines: blocks, headings, code lines, protected spans."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.bodies = _ENDING.split(doc.text) if "\r" in doc.text else doc.text.split("\n")
        if len(self.bodies) > len(doc.lines):
            self.bodies.pop()  # the text ends with a line ending: no line after it
        if self.bodies and self.bodies[0].startswith("\ufeff"):
            self.bodies[0] = self.bodies[0][1:]
            self.bom_shift = 1
        else:
            self.bom_shift = 0
        self.blocks: list[Block] = []
        self.headings: list[_Heading] = []
        self.spans: dict[int, list[Span]] = {}
        self.code_lines: set[int] = set()

    # The scanner works with 0-based indexes; blocks and spans store 1-based lines.

    def _trigger_lines(self) -> list[bool]:
        """Which lines hold something inline_spans looks for.

        One search over the whole text, restarted at the next line after each
        find: most lines hold no trigger, and are passed over in C.
        """
        lines = self.doc.lines
        n = len(lines)
        self.line_ends = ends = list(accumulate(map(len, lines)))
        found = [False] * n
        search, text = _INLINE_TRIGGER.search, self.doc.text
        pos = 0
        while True:
            m = search(text, pos)
            if m is None:
                break
            k = bisect_right(ends, m.start())
            found[k] = True
            if k + 1 >= n:
                break
            pos = ends[k]
        return found

    def run(self) -> None:
        bodies = self.bodies
        n = len(bodies)
        i = self._front_matter()
        # The scanner's hot path: a regex runs on a line only when the line's first
        # non-blank character (``c0``) can start what it matches, and inline spans
        # are looked for only on lines where a trigger was found (see _trigger_lines).
        self.trig = trig = self._trigger_lines()
        inline = self._inline
        para_start: int | None = None  # open paragraph (0-based first line)
        list_indent: int | None = None  # content indent of the open list item, if any
        item_start: int | None = None
        item_depth = 0
        item_marker = ""
        quote_start: int | None = None
        quoted = _QuotedCode()  # code blocks inside the open block quote
        prev_blank = True
        list_stack: list[int] = []  # marker indents of open lists, for depth

        def close_para(end: int) -> None:
            nonlocal para_start
            if para_start is not None:
                self._add(BlockKind.PARAGRAPH, para_start, end)
                if end > para_start:
                    self._wrapped_code(para_start, end)
                para_start = None

        def close_item(end: int) -> None:
            nonlocal item_start
            if item_start is not None:
                # trailing blank lines are not part of the item
                while end > item_start and not self.bodies[end].strip():
                    end -= 1
                self._add(BlockKind.LIST_ITEM, item_start, end, depth=item_depth, info=item_marker)
                item_start = None

        def close_quote(end: int) -> None:
            nonlocal quote_start
            if quote_start is not None:
                self._add(BlockKind.BLOCK_QUOTE, quote_start, end)
                quote_start = None

        while i < n:
            body = bodies[i]
            stripped = body.strip()

            if not stripped:
                if para_start is not None:
                    close_para(i - 1)
                if quote_start is not None:
                    close_quote(i - 1)
                prev_blank = True
                i += 1
                continue

            c0 = stripped[0]
            ind = _indent(body) if body[0] in " \t" else 0
            in_item = item_start is not None and list_indent is not None
            bm = _BULLET.match(body) if c0 in "-+*" or c0.isdigit() else None

            # Fenced code (inside a list item the fence may be indented further).
            m = _FENCE.match(body) if c0 in "`~" else None
            if m and (ind <= 3 or (in_item and ind <= list_indent + 3)) and not (m.group(2)[0] == "`" and "`" in m.group(3)):
                close_para(i - 1)
                close_quote(i - 1)
                if in_item and ind < list_indent:
                    close_item(i - 1)
                    list_indent = None
                end = self._fence_end(i, m.group(2))
                self._code(i, end, info=m.group(3).strip())
                prev_blank = False
                i = end + 1
                continue

            # Continuation of an open list item.
            if in_item:
                # (a bullet with text after it starts a block: known without _starts_block)
                if ind >= list_indent or (
                    not prev_blank and para_start is None and not (ind < 4 and bm is not None and bm.group(3)) and not self._starts_block(body, ind, list_context=True)
                ):
                    if ind >= list_indent + 4 and prev_blank:
                        # indented code inside the item
                        end = self._indented_end(i, list_indent + 4)
                        self._code(i, end, info="")
                        i = end + 1
                        prev_blank = False
                        continue
                    inner = bm
                    if inner and ind >= list_indent:
                        # a nested item: close the outer item here
                        close_item(i - 1)
                        if trig[i]:
                            inline(i)
                        item_start, item_depth, item_marker = i, self._depth(list_stack, ind), inner.group(2)
                        list_indent = ind + len(inner.group(2)) + max(1, min(4, len(inner.group(3)))) if inner.group(3) else ind + len(inner.group(2)) + 1
                        prev_blank = False
                        i += 1
                        continue
                    if trig[i]:
                        inline(i)
                    prev_blank = False
                    i += 1
                    continue
                close_item(i - 1)
                list_indent = None
                if not bm:
                    list_stack.clear()

            # Indented code: only after a blank line (it cannot interrupt a paragraph).
            if ind >= 4 and para_start is None and quote_start is None:
                end = self._indented_end(i, 4)
                self._code(i, end, info="")
                prev_blank = False
                i = end + 1
                continue

            # Plain prose (the common case): no block construct can start here.
            if c0 not in _BLOCK_START and "|" not in body:
                if quote_start is not None:
                    if not prev_blank:
                        if trig[i]:
                            inline(i)
                        i += 1
                        continue
                    close_quote(i - 1)
                if para_start is None:
                    para_start = i
                if trig[i]:
                    inline(i)
                prev_blank = False
                i += 1
                continue

            # Setext underline closes the open paragraph as a heading.
            if para_start is not None and c0 in "=-" and _SETEXT.match(body):
                level = 1 if stripped[0] == "=" else 2
                text = " ".join(self.bodies[k].strip() for k in range(para_start, i))
                self._heading(para_start, i, level, text, setext=True)
                for k in range(para_start, i):
                    self._inline(k)
                para_start = None
                prev_blank = False
                i += 1
                continue

            m = _ATX.match(body) if c0 == "#" else None
            if m:
                close_para(i - 1)
                close_quote(i - 1)
                level = len(m.group(1) or m.group(3))
                text = (m.group(2) or "").strip()
                self._heading(i, i, level, text, setext=False)
                self._inline(i)
                prev_blank = False
                i += 1
                continue

            if c0 in "-*_" and _THEMATIC.match(body):
                close_para(i - 1)
                close_quote(i - 1)
                self._add(BlockKind.THEMATIC_BREAK, i, i)
                prev_blank = False
                i += 1
                continue

            if c0 == "<" and _COMMENT_OPEN.match(body):
                close_para(i - 1)
                close_quote(i - 1)
                end = i
                while end < n and "-->" not in self.bodies[end][(body.find("<!--") + 4) if end == i else 0 :]:
                    end += 1
                end = min(end, n - 1)
                # Text after "-->" on the closing line is still part of the HTML block.
                while end + 1 < n and self.bodies[end + 1].strip() and not self._starts_block(self.bodies[end + 1], _indent(self.bodies[end + 1])):
                    end += 1
                self._html(i, end)
                prev_blank = False
                i = end + 1
                continue

            m = _HTML_OPEN.match(body) if c0 == "<" else None
            if m and m.group(1).lower() in _RAW_HTML_TAGS and body.lstrip()[1] != "/":
                # script, pre, style, textarea: raw text up to the closing tag, blank lines included.
                close_para(i - 1)
                close_quote(i - 1)
                closing = "</" + m.group(1).lower()
                end = i
                while end < n - 1 and closing not in self.bodies[end].lower()[(m.end() if end == i else 0) :]:
                    end += 1
                self._add(BlockKind.HTML, i, end)
                for k in range(i, end + 1):
                    self._code_content(k, 0)
                prev_blank = False
                i = end + 1
                continue
            if m and (m.group(1).lower() in _HTML_BLOCK_TAGS or (para_start is None and _HTML_TAG.fullmatch(stripped))):
                close_para(i - 1)
                close_quote(i - 1)
                end = i
                while end + 1 < n and self.bodies[end + 1].strip():
                    end += 1
                self._html(i, end)
                prev_blank = False
                i = end + 1
                continue

            if c0 == ">" and _QUOTE.match(body):
                close_para(i - 1)
                if quote_start is None:
                    quote_start = i
                    quoted = _QuotedCode()
                if not quoted.line(self, i, body):
                    self._inline(i)
                prev_blank = False
                i += 1
                continue
            if quote_start is not None and not prev_blank and not self._starts_block(body, ind):
                # lazy continuation of a quoted paragraph (a list item ends the quote instead)
                self._inline(i)
                i += 1
                continue

            m = bm
            if m and (para_start is None or m.group(2)[0] in "-+*" or m.group(2)[:-1] == "1") and (m.group(3) or para_start is None):
                close_para(i - 1)
                close_quote(i - 1)
                item_start, item_marker = i, m.group(2)
                item_depth = self._depth(list_stack, ind)
                gap = len(m.group(3)) if m.group(3) else 1
                if gap > 4:
                    gap = 1
                list_indent = ind + len(m.group(2)) + gap
                self._inline(i)
                prev_blank = False
                i += 1
                continue

            # GFM table: a header row followed by a delimiter row.
            if "|" in body and i + 1 < n and _TABLE_DELIM.match(self.bodies[i + 1]) and "-" in self.bodies[i + 1] and (
                len(split_table_row(body)) == len(split_table_row(self.bodies[i + 1]))
            ):
                close_para(i - 1)
                close_quote(i - 1)
                self._add(BlockKind.TABLE_ROW, i, i)
                self._inline(i)
                self._add(BlockKind.TABLE_DELIMITER, i + 1, i + 1)
                j = i + 2
                while j < n and self.bodies[j].strip() and not self._starts_block(self.bodies[j], _indent(self.bodies[j])):
                    self._add(BlockKind.TABLE_ROW, j, j)
                    self._inline(j)
                    j += 1
                prev_blank = False
                i = j
                continue

            if para_start is None and c0 == "[" and _REFDEF.match(body):
                self._add(BlockKind.REFERENCE, i, i)
                self._refdef(i)
                prev_blank = False
                i += 1
                continue
            if para_start is None and c0 == "[" and i + 1 < n and _REFDEF_LABEL.match(body) and _REFDEF_DEST.match(self.bodies[i + 1]):
                # The destination on the next line ([id]:\n    https://...).
                self._add(BlockKind.REFERENCE, i, i + 1)
                for k, pattern in ((i, _REFDEF_LABEL), (i + 1, _REFDEF_DEST)):
                    m = pattern.match(self.bodies[k])
                    shift = self.bom_shift if k == 0 else 0
                    self.spans[k + 1] = [Span(k + 1, shift + m.start(1), shift + m.end(1), SpanKind.REFERENCE)]
                prev_blank = False
                i += 2
                continue

            if para_start is None:
                para_start = i
            self._inline(i)
            prev_blank = False
            i += 1

        close_para(n - 1)
        close_quote(n - 1)
        close_item(n - 1)
        self._finish()

    # -- helpers --------------------------------------------------------------- #

    def _depth(self, stack: list[int], ind: int) -> int:
        while stack and stack[-1] > ind:
            stack.pop()
        if not stack or stack[-1] < ind:
            stack.append(ind)
        return len(stack) - 1

    def _starts_block(self, body: str, ind: int, list_context: bool = False) -> bool:
        """Whether a line would interrupt a paragraph (or a table, or a lazy list line)."""
        if ind >= 4:
            return False
        # Each pattern needs its own first non-blank character: test only those that can match.
        c = body.lstrip(" \t")[:1]
        if not c:
            return False
        if c == "#":
            return _ATX.match(body) is not None
        if c == ">":
            return _QUOTE.match(body) is not None
        if c in "`~":
            return _FENCE.match(body) is not None
        if c == "<":
            if _COMMENT_OPEN.match(body):
                return True
            m = _HTML_OPEN.match(body)
            return m is not None and m.group(1).lower() in _HTML_BLOCK_TAGS
        if c in "-*_" and _THEMATIC.match(body):
            return True
        if c in "-+*" or c.isdigit():
            m = _BULLET.match(body)
            return m is not None and bool(m.group(3))
        return False

    def _fence_end(self, i: int, opener: str) -> int:
        ch, size = opener[0], len(opener)
        close = re.compile(r"^[ \t]*" + re.escape(ch) + "{" + str(size) + r",}[ \t]*$")
        n = len(self.bodies)
        for j in range(i + 1, n):
            if close.match(self.bodies[j]):
                return j
        return n - 1

    def _indented_end(self, i: int, need: int) -> int:
        n = len(self.bodies)
        end = i
        j = i + 1
        while j < n:
            b = self.bodies[j]
            if not b.strip():
                j += 1
                continue
            if _indent(b) >= need:
                end = j
                j += 1
                continue
            break
        return end

    def _wrapped_code(self, a: int, b: int) -> None:
        """Code spans of the paragraph on lines ``a..b``, when one wraps onto a later line.

        Line by line, a backtick run whose closer is on a later line looks like
        text. When a line leaves a run open, the paragraph's runs are matched
        again as CommonMark does over the whole paragraph (a run closes at the
        next run of the same length) and its code spans replace the lines' own.
        """
        bodies = self.bodies
        runs = []  # (line index, start, end) of the runs no other kind of span covers
        unmatched = False
        for k in range(a, b + 1):
            body = bodies[k]
            if "`" not in body:
                continue
            shift = self.bom_shift if k == 0 else 0
            spans = self.spans.get(k + 1, ())
            code = [(sp.start - shift, sp.end - shift) for sp in spans if sp.kind is SpanKind.INLINE_CODE]
            other = [(sp.start - shift, sp.end - shift) for sp in spans if sp.kind is not SpanKind.INLINE_CODE]
            for m in _BACKTICKS.finditer(body):
                if _free(other, m.start(), m.end()):
                    runs.append((k, m.start(), m.end()))
                    unmatched = unmatched or _free(code, m.start(), m.end())
        if not unmatched:
            return
        # (first line, start, last line, end) of each code span
        found = [(runs[i][0], runs[i][1], runs[j][0], runs[j][2]) for i, j in pair_backtick_runs([e - s for _k, s, e in runs])]
        for k in range(a, b + 1):
            shift = self.bom_shift if k == 0 else 0
            mine = [(s if k == k1 else 0, e if k == k2 else len(bodies[k])) for k1, s, k2, e in found if k1 <= k <= k2]
            old = self.spans.get(k + 1, ())
            if not mine and not any(sp.kind is SpanKind.INLINE_CODE for sp in old):
                continue
            kept = [sp for sp in old if sp.kind is not SpanKind.INLINE_CODE and _free(mine, sp.start - shift, sp.end - shift)]
            kept.extend(Span(k + 1, shift + lo, shift + hi, SpanKind.INLINE_CODE) for lo, hi in mine if hi > lo)
            kept.sort(key=lambda sp: sp.start)
            self.spans[k + 1] = kept

    def _code_content(self, k: int, start: int) -> None:
        """Line ``k`` is code from column ``start`` on (code inside a block quote)."""
        ln = k + 1
        self.code_lines.add(ln)
        shift = self.bom_shift if k == 0 else 0
        if len(self.bodies[k]) > start:
            self.spans[ln] = [Span(ln, shift + start, shift + len(self.bodies[k]), SpanKind.CODE_BLOCK)]

    def _add(self, kind: BlockKind, start: int, end: int, depth: int = 0, info: str = "") -> None:
        # Block is a named tuple (transkit.values): built in a third of a frozen dataclass's time.
        self.blocks.append(Block(kind, start + 1, end + 1, depth, info))

    def _code(self, start: int, end: int, info: str) -> None:
        self._add(BlockKind.CODE, start, end, info=info)
        for k in range(start, end + 1):
            ln = k + 1
            self.code_lines.add(ln)
            length = len(self.bodies[k]) + (self.bom_shift if k == 0 else 0)
            if length:
                self.spans[ln] = [Span(ln, 0, length, SpanKind.CODE_BLOCK)]

    def _html(self, start: int, end: int) -> None:
        self._add(BlockKind.HTML, start, end)
        in_comment = False
        for k in range(start, end + 1):
            body = self.bodies[k]
            shift = self.bom_shift if k == 0 else 0
            spans: list[Span] = []
            pos = 0
            if in_comment:
                close = body.find("-->")
                if close == -1:
                    if body:
                        spans.append(Span(k + 1, shift, shift + len(body), SpanKind.HTML_COMMENT))
                    self.spans[k + 1] = spans
                    continue
                spans.append(Span(k + 1, shift, shift + close + 3, SpanKind.HTML_COMMENT))
                pos = close + 3
                in_comment = False
            while True:
                o = body.find("<!--", pos)
                if o == -1:
                    break
                c = body.find("-->", o + 4)
                if c == -1:
                    spans.append(Span(k + 1, shift + o, shift + len(body), SpanKind.HTML_COMMENT))
                    in_comment = True
                    pos = len(body)
                    break
                spans.append(Span(k + 1, shift + o, shift + c + 3, SpanKind.HTML_COMMENT))
                pos = c + 3
            rest = [s for s in inline_spans(body, k + 1) if not any(t.start - shift <= s.start < t.end - shift for t in spans)]
            for s in rest:
                spans.append(Span(k + 1, s.start + shift, s.end + shift, s.kind))
            spans.sort(key=lambda s: s.start)
            if spans:
                self.spans[k + 1] = spans

    def _inline(self, k: int) -> None:
        if not self.trig[k]:
            return
        spans = inline_spans(self.bodies[k], k + 1)
        if spans:
            if k == 0 and self.bom_shift:
                spans = [Span(s.line, s.start + 1, s.end + 1, s.kind) for s in spans]
            self.spans[k + 1] = spans

    def _refdef(self, k: int) -> None:
        body = self.bodies[k]
        m = _REFDEF.match(body)
        shift = self.bom_shift if k == 0 else 0
        spans = [Span(k + 1, shift + m.start(1) - 1, shift + m.end(2), SpanKind.REFERENCE)]
        self.spans[k + 1] = spans

    def _heading(self, start: int, end: int, level: int, text: str, setext: bool) -> None:
        self._add(BlockKind.HEADING, start, end, info=str(level))
        if setext:
            self.spans.setdefault(end + 1, [])
        self.headings.append(_Heading(start + 1, end + 1, level, text, setext))

    def _front_matter(self) -> int:
        """Detect a front matter block at the very top; returns the next line index."""
        bodies = self.bodies
        if not bodies:
            return 0
        fence = bodies[0].rstrip()
        if fence not in ("---", "+++"):
            return 0
        closers = ("---", "...") if fence == "---" else ("+++",)
        for j in range(1, len(bodies)):
            if bodies[j].rstrip() in closers:
                break
        else:
            return 0
        self.doc.front_matter = FrontMatter(1, j + 1, fence)
        self._add(BlockKind.FRONT_MATTER, 0, j)
        key_re = _FM_KEY if fence == "---" else _TOML_KEY
        for k in (0, j):
            shift = self.bom_shift if k == 0 else 0
            self.spans[k + 1] = [Span(k + 1, shift, shift + len(bodies[k]), SpanKind.FRONT_MATTER_FENCE)]
        for k in range(1, j):
            m = key_re.match(bodies[k])
            if m and m.group(2).strip():
                self.spans[k + 1] = [Span(k + 1, m.start(2), m.end(2), SpanKind.FRONT_MATTER_KEY)]
            elif fence == "+++" and bodies[k].lstrip().startswith("["):
                self.spans[k + 1] = [Span(k + 1, 0, len(bodies[k]), SpanKind.FRONT_MATTER_KEY)]
        return j + 1

    def _finish(self) -> None:
        doc = self.doc
        self.blocks.sort(key=attrgetter("start_line", "end_line"))
        doc.blocks = self.blocks
        doc._spans = self.spans
        doc._code_lines = self.code_lines
        bodies = list(self.bodies)
        if self.bom_shift:
            bodies[0] = "\ufeff" + bodies[0]
        doc._bodies = bodies
        lines = doc.lines
        n = len(lines)
        # Section boundaries at heading starts.
        starts = [h.start_line for h in self.headings]
        bounds = [1] + starts + [n + 1]
        heads: list[_Heading | None] = [None] + list(self.headings)
        sections: list[Section] = []
        path_stack: list[tuple[int, str]] = []
        slugs: dict[str, int] = {}
        bi = 0
        blocks = self.blocks
        block_starts = [b.start_line for b in blocks]
        line_ends = self.line_ends  # the lines partition the text: a section's text is one slice
        for idx, head in enumerate(heads):
            start, stop = bounds[idx], bounds[idx + 1]
            if idx == 0 and starts and starts[0] == 1:
                stop = 1
            end = stop - 1
            if idx > 0:
                start = head.start_line
            # Blocks are sorted by start line: the section's are one slice.
            bi = bisect_left(block_starts, start, bi)
            sec_blocks = blocks[bi : bisect_right(block_starts, end, bi)]
            text = doc.text[line_ends[start - 2] if start >= 2 else 0 : line_ends[end - 1]] if end >= start else ""
            if head is None:
                sections.append(Section(0, 0, "", None, "", "", (), start, end, tuple(sec_blocks), text))
                continue
            heading_text = _HEADING_ID.sub("", head.text) if "{#" in head.text else head.text
            if _HEADING_MARKUP.search(heading_text) is None and _EMOJI.search(heading_text) is None:
                # No link, emphasis, code or emoji (most headings): plain_heading and
                # slugify reduce to this, without their substitutions.
                plain = " ".join(heading_text.split())
                slug = _SLUG_DROP.sub("", heading_text.strip().lower()).replace(" ", "-")
                emoji: tuple[str, ...] = ()
            else:
                plain = plain_heading(heading_text)
                slug = slugify(heading_text)
                emoji = tuple(ch for ch in _EMOJI.findall(heading_text) if ch not in "\ufe0f\u200d")
            number, title = split_number(plain)
            while path_stack and path_stack[-1][0] >= head.level:
                path_stack.pop()
            path_stack.append((head.level, title))
            if slug in slugs:
                slugs[slug] += 1
                slug = f"{slug}-{slugs[slug]}"
            else:
                slugs[slug] = 0
            sections.append(
                Section(
                    index=idx,
                    level=head.level,
                    heading=head.text,
                    number=number,
                    title=title,
                    slug=slug,
                    path=tuple(t for _, t in path_stack),
                    start_line=start,
                    end_line=end,
                    blocks=tuple(sec_blocks),
                    text=text,
                    emoji=emoji,
                    setext=head.setext,
                )
            )
        doc.sections = sections


def is_han(ch: str) -> bool:
    """Whether ``ch`` is a CJK unified ideograph (BMP blocks, extension A, the supplementary planes)."""
    return (
        "\u4e00" <= ch <= "\u9fff"
        or "\u3400" <= ch <= "\u4dbf"
        or "\uf900" <= ch <= "\ufaff"
        or "\U00020000" <= ch <= "\U0003134f"
    )
