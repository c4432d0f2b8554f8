"""Hostile lines: every command reads them in time proportional to their length.

A pattern that can start inside the run it scans (``\\[[^\\]]*\\]`` on a line of
"[", ``(`+).*?\\1`` on a line of backticks) rescans the rest of the line from
each character: a 40,000-character line then takes minutes. These tests give
each command such lines and a deadline far above what a linear scan needs (a
second or two) and far below what the quadratic one took; the deadline guards
against a hang, it does not measure speed.
"""

from __future__ import annotations

import subprocess

import pytest

from conftest import LOCALES, run_cli
from transkit import document
from transkit.catalog import has_words
from transkit.checks.po import markup_tokens

N = 40_000
SHAPES = {
    "brackets": "[" * N,
    "link-opens": "[a](" * (N // 4),
    "image-opens": "![" * (N // 2),
    "backticks": "`" * N,
    "quotes": "“a" * (N // 2),
    "book-titles": "《a" * (N // 2),
    "corner-quotes": "「a" * (N // 2),
    "comments": "<!--" * (N // 4),
    "angles": "<" * N,
    "footnotes": "[^" * (N // 2),
    "han-then-paren": "模型" * (N // 2),
    "ascii-then-han": "a" * N + "模",
    "spaces-then-id": "#" + " " * N + "{#x",
    "mojibake-markers": "锟斤拷" * (N // 3),
}
DEADLINE = 60


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    for name, line in SHAPES.items():
        (root / f"{name}.zh-Hans.md").write_text(f"# 标题 {{#t}}\n\n{line}\n\n## 二\n\n- {line}\n", encoding="utf-8")
    return root


def _ok(res) -> None:
    assert res.exit_code in (0, 1), res
    assert "Traceback" not in res.stderr


def test_lint_reads_hostile_lines_in_time(hostile):
    try:
        res = run_cli("lint", "--no-cache", "--format", "json", str(hostile), timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        pytest.fail(f"lint did not finish in {DEADLINE} s")
    _ok(res)


@pytest.mark.parametrize("name", ["han-then-paren", "brackets", "backticks"])
def test_glossary_suggest_reads_hostile_lines_in_time(hostile, name):
    try:
        res = run_cli("glossary", "suggest", str(LOCALES / "en" / "roadmap.md"), str(hostile / f"{name}.zh-Hans.md"), timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        pytest.fail(f"glossary suggest did not finish in {DEADLINE} s")
    _ok(res)


@pytest.mark.parametrize("command", [("po", "extract"), ("convert", "--to", "zh-Hant"), ("repair", "--check")])
def test_other_commands_read_hostile_lines_in_time(hostile, command):
    for name in ("brackets", "backticks", "comments", "ascii-then-han"):
        try:
            res = run_cli(*command[:-1], command[-1], str(hostile / f"{name}.zh-Hans.md"), timeout=DEADLINE) if command[0] != "po" else run_cli(
                "po", "extract", str(hostile / f"{name}.zh-Hans.md"), timeout=DEADLINE
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"{' '.join(command)} did not finish in {DEADLINE} s on {name}")
        _ok(res)


# What the linear patterns still find.


def test_code_spans_in_catalog_strings_open_and_close_on_equal_runs():
    assert markup_tokens("Run `pip install x` and ``a`b``.") == ["`pip install x`", "``a`b``"]
    # A run of two backticks does not close a span opened by one (CommonMark).
    assert markup_tokens("`a``b` c") == ["`a``b`"]
    assert markup_tokens("``") == []


def test_word_detection_skips_code_tags_and_links():
    assert not has_words("`code` <br> [](https://x.org)")
    assert has_words("`code` and words")
    assert has_words("<a <b> text")


def test_plain_headings_and_one_line_comments():
    assert document.plain_heading("[Guide](https://x.org/a) and more") == "Guide and more"
    # A link text holds no bracket: the link is the innermost one.
    assert document.plain_heading("[[x](y)") == "[x"
    doc = document.Document.from_text("# T\n\na <!-- one --> b <!-- two --> c <!-- open\n")
    kinds = [(sp.start, sp.end) for sp in doc.spans(3) if sp.kind is document.SpanKind.HTML_COMMENT]
    assert kinds == [(2, 14), (17, 29)]
