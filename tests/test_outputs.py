"""Output paths: a bad one is a one-line error with exit 2 and nothing half-written; links are written through."""

from __future__ import annotations

import os

import pytest

from conftest import LOCALES, run_cli
from transkit.errors import OutputError
from transkit.fsutil import atomic_write, output_stream

EN = str(LOCALES / "en" / "roadmap.md")
HANS = str(LOCALES / "zh-Hans" / "roadmap.md")

COMMANDS = {
    "lint": ["lint", "--no-cache", EN, "-o"],
    "po extract": ["po", "extract", EN, "-o"],
    "convert": ["convert", HANS, "--to", "zh-Hant", "-o"],
    "align": ["align", EN, HANS, "-o"],
    "glossary export": ["glossary", "export", "-o"],
    "repair": ["repair", HANS, "-o"],
}


@pytest.mark.parametrize("name", COMMANDS)
def test_bad_output_paths_are_one_line_errors(tmp_path, name):
    (tmp_path / "adir").mkdir()
    for target, message in (
        (tmp_path / "no" / "such" / "out", f"no such directory: {tmp_path / 'no' / 'such'}"),
        (tmp_path / "adir", "is a directory"),
    ):
        res = run_cli(*COMMANDS[name], str(target), cwd=tmp_path)
        assert res.exit_code == 2, res
        assert res.stderr.startswith("transkit: error: ") and message in res.stderr, res
        assert len(res.stderr.strip().splitlines()) == 1, res
    # An empty -o is refused by every command (it once meant stdout for one, in place for another).
    res = run_cli(*COMMANDS[name], "", cwd=tmp_path)
    assert res.exit_code == 2 and "empty" in res.stderr and "Traceback" not in res.stderr, res
    assert sorted(os.listdir(tmp_path)) == ["adir"]  # no temporary file left behind
    assert os.listdir(tmp_path / "adir") == []


def test_a_symbolic_link_is_written_through(tmp_path):
    target = tmp_path / "real.pot"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.pot"
    link.symlink_to("real.pot")
    res = run_cli("po", "extract", EN, "-o", str(link), cwd=tmp_path)
    assert res.exit_code == 0, res
    assert link.is_symlink() and os.readlink(link) == "real.pot"
    assert target.read_text(encoding="utf-8").startswith("# Translation template")


def test_atomic_write_refuses_an_empty_path():
    with pytest.raises(OutputError, match="empty output path"):
        atomic_write("", b"x")


def test_atomic_write_keeps_the_old_file_when_it_fails(tmp_path, monkeypatch):
    p = tmp_path / "f.txt"
    p.write_bytes(b"old")

    def boom(*_a):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OutputError, match="f.txt: cannot write: No space left on device"):
        atomic_write(p, b"new")
    assert p.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["f.txt"]


def test_a_report_is_written_only_when_complete(tmp_path):
    out = tmp_path / "report.txt"
    with pytest.raises(RuntimeError):
        with output_stream(out) as fh:
            fh.write("half")
            raise RuntimeError("the run failed")
    assert not out.exists()
    with output_stream(out) as fh:
        fh.write("whole\n")
    assert out.read_text(encoding="utf-8") == "whole\n"


@pytest.mark.parametrize("command", [["drift"], ["sync", "zh-Hans/a.md", "zh-Hant/a.md", "--dry-run"]])
def test_a_lock_nested_too_deeply_is_a_one_line_error(tmp_path, command):
    (tmp_path / "transkit.toml").write_text('lock = "lock.json"\n', encoding="utf-8")
    for lg in ("en", "zh-Hans", "zh-Hant"):
        (tmp_path / lg).mkdir()
        (tmp_path / lg / "a.md").write_text("# A\n\n文本。\n" if lg != "en" else "# A\n\nText.\n", encoding="utf-8")
    (tmp_path / "lock.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    res = run_cli(*command, cwd=tmp_path)
    assert res.exit_code == 2, res
    assert "not a transkit lock file (arrays nested too deeply)" in res.stderr and "internal error" not in res.stderr, res
