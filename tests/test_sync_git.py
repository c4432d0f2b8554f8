"""`transkit sync` scenarios in real git repositories, run as a user runs it: a whole process."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

HANS = """\
---
title: 学习路线
---

# 学习路线

前言介绍数据和软件。

## 1. 分词

分词把文本变成数字。

词表影响序列长度。

## 2. 注意力

注意力机制让模型关注上下文。

## 3. 采样

采样决定输出。

## 4. 部署

部署需要服务器和内存。
"""


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env, check=True)
    return proc.stdout


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.zh-CN.md").write_text(HANS, encoding="utf-8")
    r = run_cli("sync", "docs/guide.zh-CN.md", "docs/guide.zh-TW.md", cwd=tmp_path)
    assert r.exit_code == 0, r
    assert "docs/guide.zh-TW.md: created (full conversion)" in r.stdout
    assert (tmp_path / ".transkit.lock").is_file()  # at the top of the repository
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "initial translation")
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def sync(repo: Path, *extra: str):
    return run_cli("sync", "docs/guide.zh-CN.md", "docs/guide.zh-TW.md", *extra, cwd=repo)


def test_translator_edit_survives_an_unrelated_update(repo):
    hant, hans = repo / "docs" / "guide.zh-TW.md", repo / "docs" / "guide.zh-CN.md"
    edit(hant, "注意力機制讓模型關注上下文。", "注意力機制讓模型留意上下文。")
    git(repo, "commit", "-qam", "Taiwan wording")
    edit(hans, "采样决定输出。", "采样决定最终输出。")
    git(repo, "commit", "-qam", "source update")
    r = sync(repo)
    assert r.exit_code == 0, r
    text = hant.read_text(encoding="utf-8")
    assert "注意力機制讓模型留意上下文。" in text
    assert "取樣決定最終輸出。" in text
    assert "docs/guide.zh-TW.md:19: updated: ## 3. 采样" in r.stdout
    # Nothing new: a second run changes nothing, byte for byte.
    before = (hant.read_bytes(), (repo / ".transkit.lock").read_bytes())
    r2 = sync(repo)
    assert r2.exit_code == 0 and "unchanged" in r2.stdout
    assert (hant.read_bytes(), (repo / ".transkit.lock").read_bytes()) == before


def test_clashing_update_is_a_conflict_and_the_edit_survives(repo):
    hant, hans = repo / "docs" / "guide.zh-TW.md", repo / "docs" / "guide.zh-CN.md"
    edit(hant, "詞表影響序列長度。", "詞彙表影響序列長度。")
    git(repo, "commit", "-qam", "Taiwan wording")
    edit(hans, "词表影响序列长度。", "词表决定序列长度。")
    r = sync(repo)
    assert r.exit_code == 1, r
    assert "conflict in ## 1. 分词 at docs/guide.zh-TW.md:13" in r.stdout
    assert "詞彙表影響序列長度。" in r.stdout and "詞表決定序列長度。" in r.stdout
    text = hant.read_text(encoding="utf-8")
    assert "<<<<<<< zh-Hant (edited by hand)\n詞彙表影響序列長度。\n=======\n詞表決定序列長度。\n>>>>>>> zh-Hans (converted)\n" in text
    # Unresolved markers: refused with a one-line error.
    r2 = sync(repo)
    assert r2.exit_code == 2
    assert r2.stderr == "transkit: error: docs/guide.zh-TW.md:13: unresolved conflict markers; resolve them (keep the right lines, delete the markers), then run sync again\n"
    # The translator resolves; sync is then quiet and leaves the file alone.
    resolved = text.replace("<<<<<<< zh-Hant (edited by hand)\n詞彙表影響序列長度。\n=======\n詞表決定序列長度。\n>>>>>>> zh-Hans (converted)\n", "詞彙表決定序列長度。\n")
    hant.write_text(resolved, encoding="utf-8")
    r3 = sync(repo)
    assert r3.exit_code == 0, r3
    assert hant.read_text(encoding="utf-8") == resolved


def test_inserted_deleted_and_moved_sections_propagate(repo):
    hant, hans = repo / "docs" / "guide.zh-TW.md", repo / "docs" / "guide.zh-CN.md"
    edit(hant, "部署需要伺服器和記憶體。", "部署需要伺服器與記憶體。")
    git(repo, "commit", "-qam", "Taiwan wording")
    text = hans.read_text(encoding="utf-8")
    deploy = "## 4. 部署\n\n部署需要服务器和内存。\n"
    text = text.replace(deploy, "")  # take the last section out ...
    text = text.replace("## 2. 注意力\n\n注意力机制让模型关注上下文。\n\n", "")  # delete one
    text = text.replace("## 1. 分词", deploy + "\n## 1.5 评估\n\n评估需要数据集。\n\n## 1. 分词")  # ... move it up, insert one
    hans.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    r = sync(repo)
    assert r.exit_code == 0, r
    out = hant.read_text(encoding="utf-8")
    assert [ln for ln in out.splitlines() if ln.startswith("#")] == ["# 學習路線", "## 4. 部署", "## 1.5 評估", "## 1. 分詞", "## 3. 取樣"]
    assert "部署需要伺服器與記憶體。" in out  # moved with its edit
    assert "評估需要資料集。" in out
    assert "注意力" not in out
    assert "inserted: ## 1.5 评估" in r.stdout and "removed: ## 2. 注意力" in r.stdout


def test_dry_run_prints_a_diff_and_writes_nothing(repo):
    hant, hans = repo / "docs" / "guide.zh-TW.md", repo / "docs" / "guide.zh-CN.md"
    edit(hans, "采样决定输出。", "采样决定最终输出。")
    before = (hant.read_bytes(), (repo / ".transkit.lock").read_bytes())
    r = sync(repo, "--dry-run")
    assert r.exit_code == 0, r
    assert r.stdout.startswith("--- a/docs/guide.zh-TW.md\n+++ b/docs/guide.zh-TW.md\n@@")
    assert "-取樣決定輸出。\n+取樣決定最終輸出。\n" in r.stdout
    assert "would change" in r.stderr
    assert (hant.read_bytes(), (repo / ".transkit.lock").read_bytes()) == before
    assert git(repo, "status", "--porcelain") == " M docs/guide.zh-CN.md\n"


def test_explicit_lock_and_missing_source(repo):
    r = run_cli("sync", "docs/nope.zh-CN.md", "docs/guide.zh-TW.md", cwd=repo)
    assert r.exit_code == 2 and r.stderr == "transkit: error: docs/nope.zh-CN.md: no such file\n"
    r = run_cli("sync", "docs/guide.zh-CN.md", "docs/other.zh-TW.md", "--lock", "my.lock", cwd=repo)
    assert r.exit_code == 0, r
    assert (repo / "my.lock").is_file()


# --------------------------------------------------------------------------- #
# Killing the process while it writes
# --------------------------------------------------------------------------- #

# Runs `transkit sync` with os.replace slowed down: the temporary file is complete
# and flushed, the rename has not happened; the test kills the process there.
_PAUSED = """
import os, sys, time
real = os.replace
def paused(a, b, *args, **kw):
    sys.stderr.write("READY " + str(a) + "\\n"); sys.stderr.flush()
    time.sleep(60)
    return real(a, b, *args, **kw)
os.replace = paused
from transkit.cli import main
main(sys.argv[1:])
"""


def test_kill_between_write_and_rename_leaves_the_old_file(repo):
    hant, hans = repo / "docs" / "guide.zh-TW.md", repo / "docs" / "guide.zh-CN.md"
    old = hant.read_bytes()
    edit(hans, "采样决定输出。", "采样决定最终输出。")
    proc = subprocess.Popen(
        [sys.executable, "-c", _PAUSED, "sync", "docs/guide.zh-CN.md", "docs/guide.zh-TW.md"],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        line = proc.stderr.readline().decode()
        assert line.startswith("READY "), line
        tmp = Path(line.split(" ", 1)[1].strip())
        assert tmp.parent.resolve() == hant.parent.resolve() and tmp.is_file()  # written beside the target
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert hant.read_bytes() == old
    assert "采样决定最终输出" not in old.decode()
    # the next run completes normally
    r = sync(repo)
    assert r.exit_code == 0, r
    assert "取樣決定最終輸出。" in hant.read_text(encoding="utf-8")


def test_kill_at_random_moments_never_leaves_a_partial_file(tmp_path, seed_hans):
    base = seed_hans.read_text(encoding="utf-8")
    src, tgt = tmp_path / "big.zh-CN.md", tmp_path / "big.zh-TW.md"
    src.write_text(base * 40, encoding="utf-8")
    assert run_cli("sync", str(src), str(tgt), "--lock", str(tmp_path / "lock"), cwd=tmp_path).exit_code == 0
    old, old_lock = tgt.read_bytes(), (tmp_path / "lock").read_bytes()
    src.write_text((base * 40).replace("LLM", "大模型"), encoding="utf-8")
    rng = random.Random(3)
    outcomes = set()
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-m", "transkit", "sync", str(src), str(tgt), "--lock", str(tmp_path / "lock")], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        now = tgt.read_bytes()
        if now == old:
            outcomes.add("old")
            continue
        # otherwise it must be the complete new conversion
        text = now.decode("utf-8")
        assert text.count("\n") == old.decode("utf-8").count("\n")
        assert "大模型" in text and "LLM" not in text.replace("大模型", "")
        outcomes.add("new")
        tgt.write_bytes(old)
        (tmp_path / "lock").write_bytes(old_lock)
    assert outcomes  # at least one run was interrupted or finished
