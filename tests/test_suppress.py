"""Inline suppression comments, and the findings they get when wrong or stale."""

from __future__ import annotations

from transkit.config import Config
from transkit.lint import lint_paths


def _lint(tmp_path, text, **kw):
    f = tmp_path / "doc.zh-TW.md"
    f.write_text(text, encoding="utf-8")
    res = lint_paths([f], Config(root=tmp_path), **kw)
    return [(d.code, d.line) for d in res.diagnostics]


def test_ignore_at_line_end(tmp_path):
    assert _lint(tmp_path, "向量数据庫 <!-- transkit-ignore TK501: quoted from a mainland source -->\n") == []


def test_ignore_only_named_check(tmp_path):
    got = _lint(tmp_path, "向量数据庫\u200b <!-- transkit-ignore TK501 -->\n")
    assert got == [("TK202", 1)]


def test_ignore_next_line_and_names(tmp_path):
    text = "<!-- transkit-ignore-next-line simplified-in-traditional -->\n向量数据庫\n向量数据庫\n"
    assert _lint(tmp_path, text) == [("TK501", 3)]


def test_disable_enable_range(tmp_path):
    text = "<!-- transkit-disable TK5 -->\n数\n数\n<!-- transkit-enable TK5 -->\n数\n"
    assert _lint(tmp_path, text) == [("TK501", 5)]


def test_disable_without_enable_runs_to_the_end(tmp_path):
    assert _lint(tmp_path, "<!-- transkit-disable -->\n数\n\u200b\n") == []


def test_malformed_directives_are_reported(tmp_path):
    text = "<!-- transkit-ignroe TK501 -->\n<!-- transkit-ignore TK599 -->\n<!-- transkit-enable TK5 -->\n"
    assert _lint(tmp_path, text) == [("TK003", 1), ("TK003", 2), ("TK003", 3)]


def test_unused_suppression_is_reported(tmp_path):
    assert _lint(tmp_path, "已經翻譯 <!-- transkit-ignore TK501 -->\n") == [("TK004", 1)]


def test_unused_is_not_judged_for_checks_that_did_not_run(tmp_path):
    assert _lint(tmp_path, "已經翻譯 <!-- transkit-ignore TK501 -->\n", select_=["TK2", "TK0"]) == []


def test_directive_inside_code_is_not_a_directive(tmp_path):
    text = "`<!-- transkit-ignore TK501 -->` 数\n```\n<!-- transkit-ignroe -->\n```\n"
    assert _lint(tmp_path, text) == [("TK501", 1)]
