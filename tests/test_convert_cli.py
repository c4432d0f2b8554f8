"""`transkit convert` as a user runs it: stdout, -o, --explain, errors."""

from __future__ import annotations

import os
import stat

from conftest import run_cli

TEXT = "# 数据库\n\n软件的[文档](docs/数据.md)和 `数据`。\n\n头发很干净。\n"


def test_stdout_is_the_conversion(tmp_path):
    f = tmp_path / "guide.zh-CN.md"
    f.write_bytes(TEXT.replace("\n", "\r\n").encode("utf-8"))
    r = run_cli("convert", str(f), "--to", "zh-TW", cwd=tmp_path)
    assert r.exit_code == 0, r
    assert r.stdout == "# 資料庫\n\n軟體的[文件](docs/數據.md)和 `数据`。\n\n頭髮很乾淨。\n".replace("docs/數據.md", "docs/数据.md")
    assert r.stderr == ""


def test_output_file_keeps_line_endings_and_permissions(tmp_path):
    f = tmp_path / "guide.md"
    f.write_bytes(TEXT.replace("\n", "\r\n").encode("utf-8"))
    out = tmp_path / "out.md"
    out.write_text("old", encoding="utf-8")
    os.chmod(out, 0o640)
    r = run_cli("convert", str(f), "--from", "zh-Hans", "--to", "zh-Hant", "-o", str(out), cwd=tmp_path)
    assert r.exit_code == 0 and r.stdout == "", r
    data = out.read_bytes()
    assert data.count(b"\r\n") == TEXT.count("\n") and b"`\xe6\x95\xb0\xe6\x8d\xae`" in data
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_explain_prints_the_review_list(tmp_path):
    f = tmp_path / "guide.zh-CN.md"
    f.write_text(TEXT, encoding="utf-8")
    r = run_cli("convert", str(f), "--to", "zh-Hant", "--explain", cwd=tmp_path)
    assert r.exit_code == 0, r
    lines = r.stdout.splitlines()
    assert f"{f}:5:2: 发 -> 髮 (發/髮)  頭[髮]很乾淨。" in lines
    assert any(ln.startswith(f"{f}:5:4: 干 -> 乾 (") for ln in lines)
    assert lines[-1].startswith("3 places to review (2 characters with several forms; zh-Hans -> zh-Hant, s2twp)") or lines[-1].endswith("s2twp)")


def test_glossary_and_opencc_options(tmp_path):
    f = tmp_path / "guide.zh-CN.md"
    f.write_text("支持软件和信息。\n", encoding="utf-8")
    g = tmp_path / "terms.toml"
    g.write_text('[[term]]\nen = "information"\nzh-Hans = "信息"\nzh-Hant = "訊息"\n', encoding="utf-8")
    r = run_cli("convert", str(f), "--to", "zh-Hant", "--glossary", str(g), cwd=tmp_path)
    assert r.exit_code == 0, r
    assert "訊息" in r.stdout and "資訊" not in r.stdout
    # script only: 信息 and 支持 stay; the shipped glossary still locks 软件 to 軟體
    r = run_cli("convert", str(f), "--to", "zh-Hant", "--opencc", "s2tw", cwd=tmp_path)
    assert r.stdout == "支持軟體和信息。\n"


def test_errors_are_one_line_and_exit_2(tmp_path):
    f = tmp_path / "guide.zh-CN.md"
    f.write_text(TEXT, encoding="utf-8")
    cases = [
        (["convert", str(tmp_path / "missing.md"), "--to", "zh-Hant"], f"transkit: error: {tmp_path / 'missing.md'}: no such file\n"),
        (["convert", str(f), "--to", "fr"], "transkit: error: cannot convert to fr: only zh-Hans, zh-Hant and zh-HK are converted\n"),
        (["convert", str(f), "--to", "zh-Hans"], f"transkit: error: {f}: already zh-Hans (give --from if it is not)\n"),
        (["convert", str(f), "--to", "zh-Hant", "--glossary", str(tmp_path / "none.toml")], f"transkit: error: {tmp_path / 'none.toml'}: glossary file not found\n"),
    ]
    for args, err in cases:
        r = run_cli(*args, cwd=tmp_path)
        assert r.exit_code == 2 and r.stderr == err and r.stdout == "", r
    r = run_cli("convert", str(f), cwd=tmp_path)
    assert r.exit_code == 2 and "Missing option '--to'" in r.stderr
