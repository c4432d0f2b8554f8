"""Tree runs: the cache never hides a finding, and output is identical with one or several workers."""

from __future__ import annotations

import os

import pytest

from conftest import run_cli


def _tree(root, n=12):
    for lg, text in (("en", "# Guide {i}\n\n## 1. Setup\n\nInstall the tool.\n"), ("zh-Hant", "# 指南 {i}\n\n## 1. 設定\n\n安裝工具，数据。\n")):
        d = root / "locales" / lg
        d.mkdir(parents=True, exist_ok=True)
        for i in range(n):
            (d / f"doc{i:02d}.md").write_text(text.format(i=i), encoding="utf-8")


def _env(tmp_path):
    return {"TRANSKIT_CACHE_DIR": str(tmp_path / "cache"), "TRANSKIT_NO_CACHE": ""}


def test_output_is_byte_identical_with_one_or_several_workers(tmp_path):
    _tree(tmp_path / "proj")
    pool = {"TRANSKIT_POOL_MIN_BYTES": "0"}  # use the pool even for this small tree
    one = run_cli("check", "proj", "--no-cache", "-j", "1", "--format", "json", cwd=tmp_path, env=pool)
    two = run_cli("check", "proj", "--no-cache", "-j", "2", "--format", "json", cwd=tmp_path, env=pool)
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
    text1 = run_cli("check", "proj", "--no-cache", "-j", "1", cwd=tmp_path, env=pool)
    text2 = run_cli("check", "proj", "--no-cache", "-j", "2", cwd=tmp_path, env=pool)
    assert text1.stdout == text2.stdout


def test_the_pool_is_really_used(tmp_path, monkeypatch):
    from transkit.config import Config
    from transkit.lint import Job, Runner
    from transkit.checks import select

    _tree(tmp_path, n=6)
    monkeypatch.setenv("TRANSKIT_POOL_MIN_BYTES", "0")
    jobs = [Job(p) for p in sorted((tmp_path / "locales").rglob("*.md"))]
    runner = Runner(Config(root=tmp_path), select(None, None), use_cache=False, jobs=2)
    assert runner._workers(jobs, list(range(len(jobs)))) == 2
    import concurrent.futures

    import transkit.lint as lint_module

    made = []
    real = concurrent.futures.ProcessPoolExecutor

    def spy(*a, **kw):
        made.append(kw.get("max_workers"))
        return real(*a, **kw)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", spy)
    outcomes = runner.run(jobs)
    assert made == [2]
    assert [o.path for o in outcomes] == [lint_module.display_path(j.path) for j in jobs]


def test_progress_bar_only_on_a_terminal_and_never_in_ci(monkeypatch):
    import io

    from transkit.lint import Progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("CI", raising=False)
    p = Progress(40)
    p.stream = Tty()
    p.enabled = True
    for _ in range(40):
        p.step()
    p.close()
    assert "[##############################] 40/40 files" in p.stream.getvalue()
    monkeypatch.setattr("sys.stderr", Tty())
    assert Progress(40).enabled is True
    monkeypatch.setenv("CI", "true")
    assert Progress(40).enabled is False
    monkeypatch.delenv("CI")
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert Progress(40).enabled is False


def test_cache_hit_gives_the_same_report(tmp_path):
    _tree(tmp_path / "proj", n=3)
    env = _env(tmp_path)
    cold = run_cli("check", "proj", "--format", "json", cwd=tmp_path, env=env)
    assert any((tmp_path / "cache").rglob("*.json"))
    warm = run_cli("check", "proj", "--format", "json", cwd=tmp_path, env=env)
    assert cold.stdout == warm.stdout and cold.exit_code == warm.exit_code == 1


def test_changing_the_glossary_rechecks_files(tmp_path):
    proj = tmp_path / "proj"
    _tree(proj, n=2)
    (proj / "glossary.toml").write_text("", encoding="utf-8")
    (proj / "transkit.toml").write_text('glossaries = ["glossary.toml"]\nshipped-glossaries = false\n', encoding="utf-8")
    env = _env(tmp_path)
    before = run_cli("check", "proj", "--select", "TK4", "--format", "json", cwd=tmp_path, env=env)
    assert '"findings": 0' in before.stdout, before
    (proj / "glossary.toml").write_text('[[term]]\nen = "tool"\nzh-Hans = "工具"\nzh-Hant = "工具"\nforbidden.zh-Hant = ["安裝"]\n', encoding="utf-8")
    after = run_cli("check", "proj", "--select", "TK4", "--format", "json", cwd=tmp_path, env=env)
    assert '"code": "TK401"' in after.stdout, after


def test_changing_the_config_rechecks_files(tmp_path):
    proj = tmp_path / "proj"
    _tree(proj, n=2)
    env = _env(tmp_path)
    first = run_cli("check", "proj", "--format", "json", cwd=tmp_path, env=env)
    assert '"code": "TK501"' in first.stdout
    (proj / "transkit.toml").write_text('ignore = ["TK501"]\n', encoding="utf-8")
    second = run_cli("check", "proj", "--format", "json", cwd=tmp_path, env=env)
    assert '"code": "TK501"' not in second.stdout
    (proj / "transkit.toml").write_text("", encoding="utf-8")
    third = run_cli("check", "proj", "--format", "json", cwd=tmp_path, env=env)
    assert third.stdout == first.stdout


def test_editing_a_file_rechecks_it(tmp_path):
    proj = tmp_path / "proj"
    _tree(proj, n=2)
    env = _env(tmp_path)
    run_cli("check", "proj", cwd=tmp_path, env=env)
    target = proj / "locales" / "zh-Hant" / "doc00.md"
    target.write_text(target.read_text(encoding="utf-8") + "\n模型的\ufffd署。\n", encoding="utf-8")
    again = run_cli("check", "proj", "--format", "json", cwd=tmp_path, env=env)
    assert '"code": "TK201"' in again.stdout


def test_no_progress_bar_when_piped(tmp_path):
    _tree(tmp_path / "proj", n=12)
    r = run_cli("check", "proj", "--no-cache", cwd=tmp_path)
    assert "\r" not in r.stderr and r.stderr == ""
