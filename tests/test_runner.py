"""Tree runs: the cache never hides a finding, and output is identical with one or several workers."""

from __future__ import annotations

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
    assert any(p.is_file() for p in (tmp_path / "cache" / "lint").rglob("*"))
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


def _glossary_tree(proj):
    """Three zh-Hant files, one rendering 'token' differently from the others (TK403 across files)."""
    proj.mkdir(parents=True)
    (proj / "glossary.toml").write_text(
        '[[term]]\nen = "token"\nzh-Hans = "词元"\nzh-Hant = "詞元"\nallowed.zh-Hant = ["符記"]\n', encoding="utf-8"
    )
    (proj / "transkit.toml").write_text('glossaries = ["glossary.toml"]\nshipped-glossaries = false\n', encoding="utf-8")
    d = proj / "zh-Hant"
    d.mkdir()
    for name, text in (("a.md", "# 一\n\n詞元很多。\n"), ("b.md", "# 二\n\n符記很多。\n"), ("c.md", "# 三\n\n詞元。\n")):
        (d / name).write_text(text, encoding="utf-8")
    return d


def test_an_unchanged_tree_is_served_from_the_cache_and_an_edit_is_not(tmp_path, monkeypatch):
    from transkit.config import load_config
    from transkit.lint import Runner, lint_paths

    proj = tmp_path / "proj"
    d = _glossary_tree(proj)
    env = _env(tmp_path)
    cold = run_cli("lint", "proj/zh-Hant", "--format", "json", cwd=tmp_path, env=env)
    assert '"code": "TK403"' in cold.stdout, cold
    warm = run_cli("lint", "proj/zh-Hant", "--format", "json", cwd=tmp_path, env=env)
    assert warm.stdout == cold.stdout
    # In process: every file hits (from the run's own entry); an edited file misses and is checked again.
    monkeypatch.setenv("TRANSKIT_CACHE_DIR", env["TRANSKIT_CACHE_DIR"])
    monkeypatch.delenv("TRANSKIT_NO_CACHE", raising=False)
    seen: dict = {}
    real_run = Runner.run

    def spy(self, jobs):
        out = real_run(self, jobs)
        seen.update(self.stats)
        return out

    monkeypatch.setattr(Runner, "run", spy)
    config = load_config(proj)
    lint_paths([d], config)
    lint_paths([d], config)
    assert seen == {"hits": 3, "misses": 0}
    (d / "c.md").write_text("# 三\n\n模型的\ufffd署。\n", encoding="utf-8")
    result = lint_paths([d], config)
    assert seen == {"hits": 2, "misses": 1}
    assert any(x.code == "TK201" for x in result.diagnostics)
    (d / "c.md").write_text("# 三\n\n詞元。\n", encoding="utf-8")
    again = run_cli("lint", "proj/zh-Hant", "--format", "json", cwd=tmp_path, env=env)
    assert again.stdout == cold.stdout


def test_project_checks_never_run_without_a_file_lost_from_the_cache(tmp_path):
    """Project checks need what every file collected: an entry gone from the cache is collected again."""
    import marshal

    proj = tmp_path / "proj"
    d = _glossary_tree(proj)
    (d / "d.md").write_text("# 四\n\n詞元。\n", encoding="utf-8")
    env = _env(tmp_path)
    fresh = run_cli("lint", "proj/zh-Hant", "--format", "json", "--no-cache", cwd=tmp_path, env={"TRANSKIT_NO_CACHE": ""})
    assert '"code": "TK403"' in fresh.stdout
    run_cli("lint", "proj/zh-Hant", cwd=tmp_path, env=env)
    # Drop the per-file entries (outcome and collected data), keep the run's own entry.
    dropped = 0
    for entry in (tmp_path / "cache" / "lint").rglob("*"):
        if entry.is_file() and type(marshal.loads(entry.read_bytes())) is tuple and len(marshal.loads(entry.read_bytes())) == 2:
            entry.unlink()
            dropped += 1
    assert dropped == 4
    # An edit changes the project, so project checks run again, over every file; the
    # others are served from the run's own entry, which holds no collected data.
    (d / "d.md").write_text("# 四\n\n詞元，詞元。\n", encoding="utf-8")
    fresh = run_cli("lint", "proj/zh-Hant", "--format", "json", "--no-cache", cwd=tmp_path, env={"TRANSKIT_NO_CACHE": ""})
    cached = run_cli("lint", "proj/zh-Hant", "--format", "json", cwd=tmp_path, env=env)
    assert cached.stdout == fresh.stdout and '"code": "TK403"' in cached.stdout


def test_diagnostic_records_keep_every_field():
    import marshal

    from transkit.diagnostics import Diagnostic, Fix, Location, Severity
    from transkit.lint import FileOutcome, diagnostic_record, from_diagnostic_record

    full = Diagnostic(
        "TK401", "forbidden-term", Severity.WARNING, "a.md", 3, 5, "msg", end_line=3, end_column=7, lang="zh-Hant",
        related=Location("b.md", 1, 2, 1, 4), fix=Fix(3, 5, 7, "詞元", "replace"), data=(("found", "令牌"), ("pos", [1, 2]), ("m", {"k": 1})),
    )
    bare = Diagnostic("TK201", "replacement-character", Severity.ERROR, "a.md", 1, 1, "lost")
    for d in (full, bare):
        back = from_diagnostic_record(marshal.loads(marshal.dumps(diagnostic_record(d))))
        assert back == d and back.data == d.data and type(back.severity) is Severity
        assert type(back.related) is type(d.related) and type(back.fix) is type(d.fix)
    out = FileOutcome("a.md", "zh-Hant", [full, bare], sections=2, skipped=False, catalog=False)
    back = FileOutcome.from_record(marshal.loads(marshal.dumps(out.record())))
    assert (back.path, back.lang, back.diagnostics, back.sections, back.skipped, back.catalog) == ("a.md", "zh-Hant", [full, bare], 2, False, False)
    assert back.collected is None  # read apart, only when project checks run again


def test_excerpts_are_the_same_from_the_cache_run_and_from_the_file(tmp_path):
    """A cached run shows excerpts from the bytes it read; CR, CRLF and invalid UTF-8 read as from the file."""
    proj = tmp_path / "proj" / "zh-Hant"
    proj.mkdir(parents=True)
    (proj / "a.md").write_bytes("# 標題\r\n\r\n模型的\ufffd署。\r説明\xa0文字。\n壞\xff\xfe字節的\ufffd行\n".encode("utf-8").replace(b"\xc3\xbf\xc3\xbe", b"\xff\xfe"))
    (proj / "b.md").write_text("# 二\n\n模型的\ufffd署。\n", encoding="utf-8")
    env = _env(tmp_path)
    cached = run_cli("lint", "proj", cwd=tmp_path, env=env)
    plain = run_cli("lint", "proj", "--no-cache", cwd=tmp_path, env={"TRANSKIT_NO_CACHE": ""})
    assert "TK001" in plain.stdout and "TK201" in plain.stdout
    assert cached.stdout == plain.stdout
    again = run_cli("lint", "proj", cwd=tmp_path, env=env)
    assert again.stdout == plain.stdout


def test_display_path_is_relative_to_the_working_directory(tmp_path):
    from pathlib import Path

    from transkit.lint import display_path

    for cwd in ("/a/b", "/", "/a", "/x"):
        for p in ("/a/b/c.md", "/a/bc/d.md", "/a/b", "/a", "/", "/x/y"):
            try:
                want = Path(p).relative_to(cwd).as_posix()
            except ValueError:
                want = Path(p).as_posix()
            assert display_path(Path(p), Path(cwd)) == want
    assert display_path(Path("rel/x.md")) == "rel/x.md"
