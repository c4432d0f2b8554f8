"""The Markdown model: lossless, every line in one section, blocks and protected spans."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import transkit.document as document_module
from transkit.document import BlockKind, Document, SpanKind, split_lines, split_number

# -- doctests ------------------------------------------------------------------ #


def test_doctests():
    assert doctest.testmod(document_module).failed == 0


# -- lossless: hypothesis --------------------------------------------------------- #

_piece = st.sampled_from(
    [
        "# Title", "## 2. 预训练", "### Sub", "Setext", "===", "---", "***", "```", "```python", "~~~",
        "    indented code", "\tcode", "- item", "  - nested", "1. first", "> quote", "| a | b |", "|---|---|",
        "<div>", "</div>", "<!-- c -->", "<!--", "-->", "[ref]: https://example.org \"t\"", "+++",
        "text with `code` and [link](docs/数据.md)", "https://example.org/a_b", "中文段落，包含全角标点。",
        "", " ", "\ufeff", "#", "#5 not heading", "<img src=x onerror=alert(1)>", "**加粗**：说明",
    ]
)
_line = st.one_of(_piece, st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20))
_ending = st.sampled_from(["\n", "\r\n", "\r", ""])


@st.composite
def markdown(draw):
    n = draw(st.integers(0, 25))
    parts = [draw(_line) + draw(_ending) for _ in range(n)]
    return "".join(parts)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(markdown())
def test_sections_join_to_the_input(text):
    doc = Document.from_text(text)
    assert "".join(s.text for s in doc.sections) == text
    assert doc.to_bytes() == text.encode("utf-8", "surrogateescape")


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(markdown())
def test_every_line_belongs_to_exactly_one_section(text):
    doc = Document.from_text(text)
    owners = [0] * (doc.line_count + 1)
    for s in doc.sections:
        for ln in range(s.start_line, s.end_line + 1):
            owners[ln] += 1
    assert owners[1:] == [1] * doc.line_count
    assert doc.sections[0].is_preamble


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_any_text_is_lossless(text):
    doc = Document.from_text(text)
    assert "".join(s.text for s in doc.sections) == text
    assert "".join(doc.lines) == text


@settings(max_examples=200)
@given(markdown())
def test_spans_stay_inside_their_line(text):
    doc = Document.from_text(text)
    for n in range(1, doc.line_count + 1):
        body = doc.body(n)
        for s in doc.spans(n):
            assert 0 <= s.start < s.end <= len(body), (n, s, body)
        assert len(doc.masked(n)) == len(body)


def test_bytes_round_trip_with_bom_crlf_and_invalid_utf8():
    data = b"\xef\xbb\xbf# T\xc3\xadtle\r\n\r\nbad \xff\xfe bytes\r\n"
    doc = Document.from_bytes(data)
    assert doc.to_bytes() == data
    assert doc.bom and doc.newline == "\r\n"
    assert doc.sections[1].title == "Títle"


# -- headings and sections ------------------------------------------------------------ #


def test_atx_and_setext_headings_with_numbering():
    doc = Document.from_text("Intro\n\nTitle\n=====\n\n## 3. LLM 架构 ##\ntext\n\nSub\n---\n### 👷 **LLM 工程师**\n")
    heads = [(s.level, s.number, s.title, s.start_line) for s in doc.headings]
    assert heads == [(1, None, "Title", 3), (2, "3.", "LLM 架构", 6), (2, None, "Sub", 9), (3, None, "LLM 工程师", 11)]
    assert doc.sections[0].end_line == 2
    assert doc.headings[3].emoji == ("👷",)
    assert doc.headings[1].path == ("Title", "LLM 架构")
    assert doc.headings[0].setext


@pytest.mark.parametrize(
    "text,number,title",
    [("1. LLM 架构", "1.", "LLM 架构"), ("1.2 量化", "1.2", "量化"), ("第三章 部署", "第三章", "部署"), ("2、评估", "2.", "评估"), ("GPT-4o", None, "GPT-4o"), ("2026 roadmap", None, "2026 roadmap")],
)
def test_numbering(text, number, title):
    assert split_number(text) == (number, title)


def test_headings_inside_code_are_not_sections():
    doc = Document.from_text("# A\n```\n# not a heading\n```\n    # indented code\n\n# B\n")
    assert [s.title for s in doc.headings] == ["A", "B"]


def test_duplicate_slugs_get_suffixes():
    doc = Document.from_text("## 参考资料\n## 参考资料\n")
    assert [s.slug for s in doc.headings] == ["参考资料", "参考资料-1"]


# -- blocks ------------------------------------------------------------------------- #


def test_blocks_of_a_roadmap_section():
    text = (
        "## 1. 架构\n"
        "深入了解 Transformer 架构。\n"
        "\n"
        "**分词：** 学习分词。\n"
        "\n"
        "- **A by B：** 说明。\n"
        "  续行。\n"
        "- 第二项\n"
        "\n"
        "| 名称 | 链接 |\n"
        "|---|---|\n"
        "| a | b |\n"
        "\n"
        "> 引用\n"
        "\n"
        "```python\n"
        "x = 1\n"
        "```\n"
        "<div align=center>\n"
        "<img src='a.png'>\n"
        "</div>\n"
    )
    doc = Document.from_text(text)
    kinds = [(b.kind, b.start_line, b.end_line) for b in doc.sections[1].blocks]
    assert kinds == [
        (BlockKind.HEADING, 1, 1),
        (BlockKind.PARAGRAPH, 2, 2),
        (BlockKind.PARAGRAPH, 4, 4),
        (BlockKind.LIST_ITEM, 6, 7),
        (BlockKind.LIST_ITEM, 8, 8),
        (BlockKind.TABLE_ROW, 10, 10),
        (BlockKind.TABLE_DELIMITER, 11, 11),
        (BlockKind.TABLE_ROW, 12, 12),
        (BlockKind.BLOCK_QUOTE, 14, 14),
        (BlockKind.CODE, 16, 18),
        (BlockKind.HTML, 19, 21),
    ]


def test_nested_list_items_are_blocks_with_depth():
    doc = Document.from_text("- a\n  - b\n    - c\n- d\n")
    items = [(b.start_line, b.depth) for b in doc.blocks if b.kind is BlockKind.LIST_ITEM]
    assert items == [(1, 0), (2, 1), (3, 2), (4, 0)]


def test_front_matter_keys_are_protected_values_are_not():
    doc = Document.from_text("---\ntitle: 学习路线图\ntags:\n  - 深度学习\n---\n# 标题\n")
    assert doc.front_matter is not None and doc.front_matter.end_line == 5
    assert doc.masked(2) == "     : 学习路线图"
    assert doc.masked(4) == "  - 深度学习"


# -- protected spans -------------------------------------------------------------------- #


def _kinds(line: str):
    doc = Document.from_text(line)
    return [(line[s.start : s.end], s.kind) for s in doc.spans(1)]


def test_inline_code_links_urls_html_and_comments():
    line = "用 `pip install 数据` 见 [文档](docs/数据.md \"标题\") 和 ![图](img/图.png) <https://a.org/数> https://example.org/x_y。 <a href=\"x\">链接</a> <!-- 注释 --> [文][ref]"
    got = _kinds(line)
    assert ("`pip install 数据`", SpanKind.INLINE_CODE) in got
    assert ("docs/数据.md", SpanKind.LINK_DESTINATION) in got
    assert ("img/图.png", SpanKind.LINK_DESTINATION) in got
    assert ("<https://a.org/数>", SpanKind.AUTOLINK) in got
    assert ("https://example.org/x_y", SpanKind.URL) in got
    assert ('<a href="x">', SpanKind.HTML_TAG) in got
    assert ("</a>", SpanKind.HTML_TAG) in got
    assert ("<!-- 注释 -->", SpanKind.HTML_COMMENT) in got
    assert ("ref", SpanKind.LINK_LABEL) in got
    # link text and title stay prose
    masked = Document.from_text(line).masked(1)
    assert "文档" in masked and "标题" in masked and "链接" in masked


def test_url_trailing_punctuation_is_not_part_of_the_url():
    got = _kinds("见 https://example.org/a(b), 和 (https://example.org/c).")
    assert ("https://example.org/a(b)", SpanKind.URL) in got
    assert ("https://example.org/c", SpanKind.URL) in got


def test_backtick_runs_must_match_in_length():
    got = _kinds("``a ` b`` and `c`")
    assert [k for k in got] == [("``a ` b``", SpanKind.INLINE_CODE), ("`c`", SpanKind.INLINE_CODE)]


def test_reference_definitions_and_code_blocks_are_protected():
    doc = Document.from_text('[数据]: https://example.org/数据 "数据"\n\n    缩进代码\n')
    assert doc.masked(1).strip().startswith('"') or doc.masked(1).strip() == '"数据"'
    assert doc.is_code_line(3) and doc.masked(3).strip() == ""


def test_multiline_html_comment_is_protected():
    doc = Document.from_text("<!--\n数据\n-->\n正文\n")
    assert doc.masked(2).strip() == ""
    assert doc.masked(4) == "正文"


# -- markdown-it as an oracle --------------------------------------------------------- #


def _oracle(text: str):
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    heads = [t.map[0] + 1 for t in tokens if t.type == "heading_open"]
    code = sorted({ln + 1 for t in tokens if t.type in ("fence", "code_block") for ln in range(t.map[0], t.map[1])})
    return heads, code


_oracle_piece = st.sampled_from(
    ["# H1", "## 2. 标题", "Para 段落", "text", "", "", "```", "```py", "~~~", "x = 1", "    code", "- item", "> q", "***", "Under", "==="]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_oracle_piece, max_size=15))
def test_headings_and_code_lines_agree_with_markdown_it(lines):
    text = "\n".join(lines) + "\n"
    doc = Document.from_text(text)
    heads, code = _oracle(text)
    ours_heads = [s.start_line for s in doc.headings]
    ours_code = sorted(n for n in range(1, doc.line_count + 1) if doc.is_code_line(n))
    # markdown-it's code_block map excludes nothing we include except trailing blank lines
    ours_code = [n for n in ours_code if doc.body(n).strip() or n in code]
    code = [n for n in code if doc.body(n).strip() or n in ours_code]
    assert ours_heads == heads
    assert ours_code == code


def test_split_lines_only_on_markdown_line_endings():
    assert split_lines("a\x0cb\u2028c\nd") == ["a\x0cb\u2028c\n", "d"]


def test_code_inside_block_quotes_is_code():
    doc = Document.from_text("> text\n>\n> ```\n> code\n> ```\n>\n>     indented\n\n> para\n>     not code: a paragraph goes on\n")
    assert [n for n in range(1, doc.line_count + 1) if doc.is_code_line(n)] == [3, 4, 5, 7]
    (span,) = doc.spans(4)
    assert (span.start, span.end, span.kind) == (2, 6, SpanKind.CODE_BLOCK)


def test_raw_html_blocks_run_to_their_closing_tag():
    doc = Document.from_text("<pre>\na\n\nb\n</pre>\n\ntext\n")
    assert [(b.kind, b.start_line, b.end_line) for b in doc.blocks][:1] == [(BlockKind.HTML, 1, 5)]
    assert [n for n in range(1, 8) if doc.is_code_line(n)] == [1, 2, 3, 4, 5]


def test_a_list_item_ends_a_block_quote():
    doc = Document.from_text("> q\n- item\n\n    more of the item\n")
    assert [(b.kind, b.start_line, b.end_line) for b in doc.blocks] == [(BlockKind.BLOCK_QUOTE, 1, 1), (BlockKind.LIST_ITEM, 2, 4)]
    assert not doc.is_code_line(4)


def test_a_reference_definition_may_put_its_destination_on_the_next_line():
    doc = Document.from_text("[r]:\n   http://例.cn/路径\n[t]: <http://例.cn/a b>\n\n正文 [r]\n")
    assert [(b.kind, b.start_line, b.end_line) for b in doc.blocks] == [
        (BlockKind.REFERENCE, 1, 2),
        (BlockKind.REFERENCE, 3, 3),
        (BlockKind.PARAGRAPH, 5, 5),
    ]
    assert [(s.start, s.end) for s in doc.spans(2)] == [(3, 17)]
    # A label alone, followed by a paragraph of several words, is text.
    doc = Document.from_text("[注意]:\n请先阅读 第一节。\n")
    assert [b.kind for b in doc.blocks] == [BlockKind.PARAGRAPH]


def test_a_code_span_may_wrap_onto_the_next_line_of_its_paragraph():
    doc = Document.from_text("文本 `发布\n里面` 后 `x` 好\n\n`open\n\nnext`\n")
    spans = {n: [(s.start, s.end) for s in doc.spans(n) if s.kind is SpanKind.INLINE_CODE] for n in range(1, doc.line_count + 1)}
    assert spans[1] == [(3, 6)] and spans[2] == [(0, 3), (6, 9)]
    # A blank line ends the paragraph: no span across it.
    assert spans[4] == [] and spans[6] == []
