"""Linting PO catalogs: the TK01x checks and the text checks on every msgstr."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from transkit.catalog import lint_po
from transkit.checks import load_all, select
from transkit.config import Config
from transkit.lint import lint_paths
from transkit.resources import Resources

GOLDEN = Path(__file__).parent / "golden"
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: {lang}\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'


def test_every_catalog_check_has_golden_cases_on_po_files():
    """tests/test_golden.py runs them; here: every TK01x code has a file, its cases are .po/.pot."""
    for code in (f"TK01{k}" for k in range(9)):
        (path,) = GOLDEN.glob(f"{code}-*.toml")
        cases = tomllib.loads(path.read_text(encoding="utf-8"))["case"]
        assert all(c.get("suffix", ".md").endswith((".po", ".pot")) for c in cases), path.name


def _lint(text: str, path: str = "x.po", selectors=None) -> list:
    config = Config()
    return lint_po(path, text, config, Resources(config), select(selectors, None))


def test_every_catalog_check_is_documented_and_registered():
    codes = {c.code: c for c in load_all().values() if c.code.startswith("TK01")}
    assert set(codes) == {f"TK01{k}" for k in range(9)}
    for c in codes.values():
        assert c.name.startswith("po-"), c.code
        assert "Fix" in c.documentation() or "Select" in c.documentation(), c.code


def test_findings_in_a_msgstr_are_reported_at_their_place_in_the_po_file():
    text = HEADER.format(lang="zh_Hant") + (
        "# a translator's comment\n"
        'msgid "Data and memory."\n'
        "msgstr \"\"\n"
        '"\\t資料與\\"內存\\"，\\n"\n'
        '"  還有数据。"\n'
    )
    found = [(d.code, d.line, d.column, d.end_column, d.lang) for d in _lint(text, selectors=["TK501", "TK510"])]
    # 內存 sits after an escaped tab and an escaped quote on line 10; 数 after two spaces on line 11
    assert found == [("TK510", 10, 9, 11, "zh-Hant"), ("TK501", 11, 6, 7, "zh-Hant")]


def test_fixes_are_escaped_for_the_po_file():
    text = HEADER.format(lang="zh_Hant") + 'msgid "Learning"\nmsgstr "\\"学习\\""\n'
    (d,) = _lint(text, selectors=["TK501"])
    assert (d.line, d.column, d.end_column) == (8, 11, 13)
    assert (d.fix.line, d.fix.column, d.fix.end_column, d.fix.replacement) == (8, 11, 13, "學習")


def test_language_comes_from_the_header_not_the_path():
    text = HEADER.format(lang="zh_Hans") + 'msgid "Data"\nmsgstr "資料"\n'
    codes = [d.code for d in _lint(text, path="locales/zh-Hant/x.po")]
    assert "TK502" in codes and "TK501" not in codes and "TK018" in codes


def test_a_template_runs_no_text_checks():
    text = '#, fuzzy\nmsgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: \\n"\n\nmsgid "Data"\nmsgstr ""\n'
    assert _lint(text, path="x.pot") == []


def test_translator_comment_silences_a_check_for_its_entry():
    body = 'msgid "Data"\nmsgstr "数据"\n\nmsgid "More data"\nmsgstr "更多数据"\n'
    text = HEADER.format(lang="zh_Hant") + "# transkit-ignore TK501: quoted from a mainland source\n" + body
    found = [(d.code, d.line) for d in _lint(text, selectors=["TK501"])]
    assert found == [("TK501", 12)]


def test_obsolete_and_untranslated_entries_are_not_linted():
    text = HEADER.format(lang="zh_Hant") + 'msgid "a"\nmsgstr ""\n\n#~ msgid "b"\n#~ msgstr "数据"\n'
    assert _lint(text, selectors=["TK501"]) == []


def test_pair_checks_see_the_msgid_as_the_source():
    text = HEADER.format(lang="zh_Hans") + 'msgid "This part was never translated at all."\nmsgstr "This part was never translated at all."\n'
    found = [(d.code, d.line, d.related.line if d.related else None, d.message) for d in _lint(text, selectors=["TK302"])]
    assert found == [("TK302", 8, 7, "line is identical to source line 7 and still English")]


def test_a_fence_in_one_msgstr_does_not_hide_the_next():
    text = HEADER.format(lang="zh_Hant") + 'msgid "a"\nmsgstr "```"\n\nmsgid "b"\nmsgstr "数据"\n'
    assert [(d.code, d.line) for d in _lint(text, selectors=["TK501"])] == [("TK501", 11)]


def test_syntax_errors_do_not_stop_the_text_checks():
    text = HEADER.format(lang="zh_Hant") + 'msgid "a"\nmsgstr "甲\n\nmsgid "b"\nmsgstr "数据"\n'
    assert [(d.code, d.line) for d in _lint(text, selectors=["TK010", "TK501"])] == [("TK010", 8), ("TK501", 11)]


def test_lint_command_on_a_po_file(cli, tmp_path):
    po = tmp_path / "zh-Hant.po"
    po.write_text(HEADER.format(lang="zh_Hant") + 'msgid "Data"\nmsgstr "数据"\n', encoding="utf-8")
    r = cli("lint", str(po))
    assert r.exit_code == 1
    assert f"{po}:8:9" in r.stdout and "TK501" in r.stdout


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_bundled_catalogs_lint_like_their_markdown(lang):
    """The catalogs pass every catalog check, and the text checks find in them nothing
    they do not find in the Markdown translation the catalog was built from."""
    root = Path(__file__).resolve().parent.parent
    config = Config(root=root)
    po = lint_paths([root / "locales" / lang / "roadmap.po"], config, select_=["ALL"])
    assert [d for d in po.diagnostics if d.code.startswith("TK01")] == []
    md = lint_paths([root / "locales" / lang / "roadmap.md"], config, source=root / "locales" / "en" / "roadmap.md", select_=["ALL"])
    assert {d.code for d in po.diagnostics} <= {d.code for d in md.diagnostics}


def test_lint_command_lists_every_syntax_error(cli, tmp_path):
    po = tmp_path / "broken.po"
    po.write_text(HEADER.format(lang="zh_Hans") + 'msgid "a"\nmsgstr "甲\n\nmsgid "b"\nmsgstr "乙"\n\nmsgid "c"\nmsgstr "丙" x"\n', encoding="utf-8")
    r = cli("lint", str(po), "--select", "TK01")
    assert r.exit_code == 1
    assert f"{po}:8:8: TK010 po-syntax-error unterminated string" in r.stdout
    assert f"{po}:14:11: TK010 po-syntax-error unexpected text after a closed string" in r.stdout
