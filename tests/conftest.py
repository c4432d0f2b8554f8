"""Shared fixtures: the user's seed documents (skipped when absent) and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
SEED_HANS = SEEDS / "003_ec9d70b875b50cd5.txt"
SEED_MOJIBAKE = SEEDS / "000_42d1eb97acc0e907.txt"
LOCALES = ROOT / "locales"


def _seed(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"seed document {path.name} not found: ../shared/seeds/ is not beside this checkout")
    return path


@pytest.fixture
def seed_hans() -> Path:
    """The user's zh-Hans roadmap (read in place, never copied)."""
    return _seed(SEED_HANS)


@pytest.fixture
def seed_mojibake() -> Path:
    """The user's zh-Hant fragment damaged as UTF-8 read as Windows-1254, lossy."""
    return _seed(SEED_MOJIBAKE)


class CLIResult:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.exit_code = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def __repr__(self) -> str:  # shown by pytest on failure
        return f"<exit {self.exit_code}\nstdout:\n{self.stdout}\nstderr:\n{self.stderr}>"


def run_cli(*args: str, cwd: Path | str | None = None, input: str | None = None, env: dict | None = None, timeout: float = 300) -> CLIResult:
    """Run ``python -m transkit ARGS`` as a user would: a whole process (killed after ``timeout`` seconds)."""
    full_env = {**os.environ, "NO_COLOR": "1", "TRANSKIT_NO_CACHE": "1", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "transkit", *args],
        cwd=cwd or ROOT,
        input=input,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=full_env,
        timeout=timeout,
    )
    return CLIResult(proc)


@pytest.fixture
def cli():
    return run_cli
