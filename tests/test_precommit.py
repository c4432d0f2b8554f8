"""The pre-commit hooks, run by the real pre-commit framework (`pre-commit try-repo`) in a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def precommit():
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.skip("the pre-commit framework is not installed (pip install -e '.[dev]')")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return [sys.executable, "-m", "pre_commit"]


@pytest.mark.slow
def test_lint_hook_through_try_repo(tmp_path, precommit):
    repo = tmp_path / "docs-repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "zh-Hant").mkdir()
    (repo / "zh-Hant" / "guide.md").write_text("# 指南\n\n向量数据庫。\n", encoding="utf-8")
    (repo / "zh-Hant" / "ok.md").write_text("# 指南\n\n向量資料庫。\n", encoding="utf-8")
    _git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    proc = subprocess.run(
        [*precommit, "try-repo", str(ROOT), "transkit-lint", "--all-files", "--verbose"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "transkit lint" in out and "Failed" in out
    assert "zh-Hant/guide.md:3:3: TK501 simplified-in-traditional" in out
    assert "ok.md:" not in out

    # Fixed: the hook passes.
    (repo / "zh-Hant" / "guide.md").write_text("# 指南\n\n向量資料庫。\n", encoding="utf-8")
    _git(repo, "add", ".")
    proc = subprocess.run(
        [*precommit, "try-repo", str(ROOT), "transkit-lint", "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout
