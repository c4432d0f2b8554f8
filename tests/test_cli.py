"""Command-line scenarios: whole processes, expected output and exit codes."""

from __future__ import annotations

import json
import re

import pytest

from conftest import run_cli


def test_check_locales_is_clean():
    r = run_cli("check", "locales")
    assert r.exit_code == 0, r
    assert re.fullmatch(r"3 documents and 3 catalogs \(en, zh-Hans, zh-Hant\), \d+ sections: no findings\.\n", r.stdout), r.stdout
    assert r.stderr == ""


def test_lint_reports_findings_with_excerpt_and_exit_1(tmp_path):
    f = tmp_path / "zh-Hant" / "guide.md"
    f.parent.mkdir()
    f.write_text("# 指南\n\n向量数据庫。\n", encoding="utf-8")
    r = run_cli("lint", str(f))
    assert r.exit_code == 1, r
    first = r.stdout.splitlines()[0]
    assert first == f"{f}:3:3: TK501 simplified-in-traditional simplified character 数 (數 in zh-Hant)"
    assert "    向量数据庫。" in r.stdout
    assert r.stdout.rstrip().endswith("1 finding (1 warning).")


def test_fail_on_error_lets_warnings_pass(tmp_path):
    f = tmp_path / "a.zh-TW.md"
    f.write_text("向量数据庫。\n", encoding="utf-8")
    assert run_cli("lint", str(f), "--fail-on", "error").exit_code == 0
    assert run_cli("lint", str(f)).exit_code == 1


def test_select_and_ignore(tmp_path):
    f = tmp_path / "a.zh-TW.md"
    f.write_text("向量数据庫\u200b。\n", encoding="utf-8")
    codes = lambda r: sorted({d["code"] for d in json.loads(r.stdout)["diagnostics"]})
    assert codes(run_cli("lint", str(f), "--format", "json")) == ["TK202", "TK501"]
    assert codes(run_cli("lint", str(f), "--format", "json", "--select", "TK5")) == ["TK501"]
    assert codes(run_cli("lint", str(f), "--format", "json", "--ignore", "invisible-character")) == ["TK501"]
    bad = run_cli("lint", str(f), "--select", "TK999")
    assert bad.exit_code == 2 and "unknown check selector 'TK999'" in bad.stderr and "Traceback" not in bad.stderr


def test_json_shape(tmp_path):
    f = tmp_path / "a.zh-TW.md"
    f.write_text("向量数据庫。\n", encoding="utf-8")
    out = json.loads(run_cli("lint", str(f), "--format", "json").stdout)
    d = out["diagnostics"][0]
    for key in ("code", "name", "severity", "path", "line", "column", "message"):
        assert key in d
    assert (d["code"], d["line"], d["column"], d["severity"], d["lang"]) == ("TK501", 1, 3, "warning", "zh-Hant")
    assert out["summary"]["findings"] == 1 and out["summary"]["languages"] == ["zh-Hant"]


_GITHUB = re.compile(r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+(,endLine=\d+)?(,endColumn=\d+)?,title=[^,:]+::.+$")


def test_github_annotations_match_the_workflow_command_syntax(tmp_path):
    f = tmp_path / "a.zh-TW.md"
    f.write_text("向量数据庫。\n模型的\ufffd署。\nThis is an untranslated English line, 100% wrong\n", encoding="utf-8")
    r = run_cli("lint", str(f), "--format", "github")
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert len(lines) == 3
    for line in lines:
        assert _GITHUB.match(line), line
    assert lines[0].startswith("::warning file=") and "title=TK501 simplified-in-traditional::" in lines[0]
    assert lines[1].startswith("::error ")


def test_checks_and_explain():
    r = run_cli("checks")
    assert r.exit_code == 0 and re.search(r"^TK501\s+simplified-in-traditional\s+warning", r.stdout, re.M)
    e = run_cli("explain", "TK501")
    assert e.exit_code == 0 and e.stdout.startswith("TK501 simplified-in-traditional (warning, file scope")
    assert "Failing example" in e.stdout
    assert run_cli("explain", "simplified-in-traditional").stdout == e.stdout
    missing = run_cli("explain", "TK998")
    assert missing.exit_code == 2 and missing.stderr.startswith("transkit: error: no check named")


# -- hostile input ------------------------------------------------------------------ #


def test_missing_path_is_one_line_and_exit_2(tmp_path):
    r = run_cli("lint", str(tmp_path / "nope.md"))
    assert r.exit_code == 2
    assert r.stderr == f"transkit: error: {tmp_path / 'nope.md'}: no such file or directory\n"
    assert r.stdout == ""


def test_invalid_utf8_is_reported_with_byte_offset_and_the_rest_is_checked(tmp_path):
    f = tmp_path / "a.zh-TW.md"
    f.write_bytes("# 標題\n".encode() + b"ok \xff\xfe here\n" + "向量数据庫。\n".encode())
    r = run_cli("lint", str(f), "--format", "json")
    assert r.exit_code == 1, r
    diags = json.loads(r.stdout)["diagnostics"]
    assert [(d["code"], d["line"], d["column"]) for d in diags] == [("TK001", 2, 4), ("TK501", 3, 3)]
    assert "FFFE at byte offset 12" in diags[0]["message"]


def test_binary_file_is_skipped_with_a_diagnostic(tmp_path):
    f = tmp_path / "image.md"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    r = run_cli("lint", str(f))
    assert r.exit_code == 1 and "TK002 binary-file binary file skipped" in r.stdout and "Traceback" not in r.stderr


def test_empty_file_is_fine(tmp_path):
    f = tmp_path / "empty.zh-TW.md"
    f.write_bytes(b"")
    r = run_cli("lint", str(f))
    assert r.exit_code == 0 and r.stdout == "1 document (zh-Hant), 0 sections: no findings.\n"


def test_crlf_with_bom(tmp_path):
    f = tmp_path / "bom.zh-TW.md"
    f.write_bytes("\ufeff# 標題\r\n\r\n向量数据庫。\r\n".encode())
    r = run_cli("lint", str(f), "--format", "json")
    diags = json.loads(r.stdout)["diagnostics"]
    assert [(d["code"], d["line"], d["column"]) for d in diags] == [("TK501", 3, 3)]


def test_five_megabyte_single_line(tmp_path):
    f = tmp_path / "long.zh-TW.md"
    f.write_text("模型部署" * (5 * 1024 * 1024 // 12) + "数", encoding="utf-8")
    r = run_cli("lint", str(f), "--format", "json")
    assert r.exit_code == 1, r.stderr
    diags = json.loads(r.stdout)["diagnostics"]
    assert [d["code"] for d in diags] == ["TK501"]


def test_directory_of_mixed_files(tmp_path):
    (tmp_path / "zh-Hans").mkdir()
    (tmp_path / "zh-Hans" / "a.md").write_text("# 标题\n\n检索增强生成。\n", encoding="utf-8")
    (tmp_path / "zh-Hans" / "b.md").write_bytes(b"\x00\x01")
    (tmp_path / "zh-Hans" / "notes.txt").write_text("ignored: not Markdown\n", encoding="utf-8")
    r = run_cli("lint", str(tmp_path))
    assert r.exit_code == 1
    assert "b.md:1:1: TK002" in r.stdout and "notes.txt" not in r.stdout
    assert r.stdout.rstrip().endswith("1 document (zh-Hans), 1 sections, 1 skipped: 1 finding (1 warning).")


def test_language_guess_is_reported(tmp_path):
    f = tmp_path / "notes.md"
    f.write_text("# 說明\n\n這是一個繁體中文的檔案，用於測試語言猜測。\n", encoding="utf-8")
    r = run_cli("lint", str(f), "--format", "json")
    diags = json.loads(r.stdout)["diagnostics"]
    assert diags[0]["code"] == "TK006" and "zh-Hant" in diags[0]["message"]
    assert r.exit_code == 0  # an info note does not fail the run


def test_bad_lang_and_bad_config_are_usage_errors(tmp_path):
    f = tmp_path / "a.md"
    f.write_text("x\n", encoding="utf-8")
    r = run_cli("lint", str(f), "--lang", "zh-XX")
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    (tmp_path / "transkit.toml").write_text('sourse = "en"\n', encoding="utf-8")
    r = run_cli("lint", str(f))
    assert r.exit_code == 2
    assert r.stderr == f"transkit: error: {tmp_path / 'transkit.toml'}: unknown key 'sourse' (did you mean 'source'?)\n"


def test_no_arguments_prints_usage():
    r = run_cli("lint")
    assert r.exit_code == 2 and "Usage:" in r.stderr


def test_output_file(tmp_path):
    f = tmp_path / "a.zh-TW.md"
    f.write_text("向量数据庫。\n", encoding="utf-8")
    out = tmp_path / "report.json"
    r = run_cli("lint", str(f), "--format", "json", "-o", str(out))
    assert r.stdout == "" and json.loads(out.read_text(encoding="utf-8"))["summary"]["findings"] == 1


# -- the click-free fast path ----------------------------------------------------------- #


@pytest.mark.parametrize(
    "command,argv",
    [
        ("lint", ["a.md"]),
        ("lint", ["a.md", "b", "--lang", "zh-TW", "--select", "TK5,TK3", "--select=TK2", "--ignore", "TK302", "--format=json", "-o", "x.json", "--fail-on", "error", "--no-cache", "-j", "2"]),
        ("lint", ["--source", "en.md", "--source-lang=en", "zh.md", "--config", "t.toml", "--jobs=0", "--", "-weird.md"]),
        ("check", []),
        ("check", ["locales", "--format", "sarif", "--output", "o.sarif"]),
    ],
)
def test_fast_path_parses_exactly_like_click(command, argv):
    from transkit.cli import cli
    from transkit.commands import parse_fast

    fast = parse_fast(command, argv)
    ctx = cli.commands[command].make_context(command, list(argv))
    assert fast == ctx.params


@pytest.mark.parametrize("argv", [["--help"], ["a.md", "--format", "xml"], ["a.md", "--bogus"], [], ["a.md", "-j", "x"], ["a.md", "--no-cache=1"]])
def test_fast_path_defers_to_click_for_anything_unusual(argv):
    from transkit.commands import parse_fast

    assert parse_fast("lint", argv) is None


def test_fast_path_options_mirror_the_click_options():
    from transkit.cli import cli
    from transkit.commands import FAST_OPTIONS

    for command, spec in FAST_OPTIONS.items():
        click_opts = {opt: p.name for p in cli.commands[command].params for opt in p.opts if opt.startswith("-") and p.name not in ("help",)}
        assert {o: name for o, (name, _) in spec.items()} == click_opts


def test_lint_does_not_import_click(tmp_path):
    import subprocess
    import sys

    f = tmp_path / "a.zh-TW.md"
    f.write_text("向量資料庫。\n", encoding="utf-8")
    # Nor the PO reader (20 ms) or tempfile (5 ms): a Markdown report to stdout needs neither.
    code = (
        "import sys, runpy; sys.argv=['transkit','lint',sys.argv[1],'--no-cache']\ntry:\n    runpy.run_module('transkit', run_name='__main__')\n"
        "except SystemExit as e:\n    print([m for m in ('click', 'transkit.pofile', 'tempfile') if m in sys.modules], e.code)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(f)], capture_output=True, text=True).stdout
    assert out.strip().endswith("[] 0"), out


def test_a_broken_configured_glossary_stops_the_run_with_one_line(tmp_path):
    # Not one "internal error" finding per file: the glossary is the user's to fix.
    (tmp_path / "en").mkdir()
    (tmp_path / "zh-Hant").mkdir()
    (tmp_path / "en" / "a.md").write_text("# A\n\nText here.\n", encoding="utf-8")
    (tmp_path / "zh-Hant" / "a.md").write_text("# A\n\n文本。\n", encoding="utf-8")
    (tmp_path / "bad.toml").write_text('[[term]]\nen = "x"\n', encoding="utf-8")
    (tmp_path / "transkit.toml").write_text('glossaries = ["bad.toml"]\n', encoding="utf-8")
    for jobs in ("1", "2"):
        res = run_cli("check", "--no-cache", "-j", jobs, cwd=tmp_path)
        assert res.exit_code == 2, res
        assert res.stderr.strip().splitlines() == [f"transkit: error: {tmp_path / 'bad.toml'}: term 'x': zh-Hans/zh-Hant: a term needs a Chinese rendering or keep = true"]
        assert "TK000" not in res.stdout


def test_a_fifo_is_refused_not_waited_for(tmp_path):
    import os

    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    res = run_cli("lint", str(fifo), timeout=60)
    assert res.exit_code == 2, res
    assert res.stderr.strip() == f"transkit: error: {fifo}: not a regular file or a directory"
    # In a directory walk it is skipped like any file that is not Markdown text.
    (tmp_path / "zh-Hant").mkdir()
    (tmp_path / "zh-Hant" / "a.md").write_text("# A\n\n文本。\n", encoding="utf-8")
    os.mkfifo(tmp_path / "zh-Hant" / "b.md")
    res = run_cli("lint", "--no-cache", str(tmp_path / "zh-Hant"), timeout=60)
    assert res.exit_code == 0 and "1 document" in res.stdout, res
