"""``transkit drift`` over a git repository of 300 Markdown files with 200 commits: whole-process median.

The repository holds 100 document sets (en, zh-Hans, zh-Hant) assembled by
``corpus.pools()``. The first commit adds them all; each of the 199 that follow,
an hour apart, edits one to four files: English sections reworded or extended,
translations catching up, typo fixes carrying ``Transkit-Ack: typo``. So the
run has outdated, ok and acknowledged sections to tell apart, in every file.

    python benchmarks/bench_drift.py [--runs N] [--rebuild]

The repository is built once under benchmarks/corpus/drift-repo/ (ignored by git).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from harness import PY, line, median_time, python_floor

HERE = Path(__file__).resolve().parent
REPO = HERE / "corpus" / "drift-repo"
SETS = 100
COMMITS = 200
LANGS = ("en", "zh-Hans", "zh-Hant")


def _git(repo: Path, *args: str, env: dict | None = None) -> str:
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


def _commit(repo: Path, message: str, when: int) -> None:
    stamp = f"{when} +0000"
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message, env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})


def _edit_line(path: Path, rng: random.Random, change) -> bool:
    """Apply ``change`` to one random prose line of a random section; False when nothing fits."""
    lines = path.read_text(encoding="utf-8").split("\n")
    prose = [i for i, ln in enumerate(lines) if len(ln) > 30 and not ln.startswith(("#", "```", "|", "    ", "![", "[")) and "`" not in ln]
    if not prose:
        return False
    i = rng.choice(prose)
    lines[i] = change(lines[i])
    path.write_text("\n".join(lines), encoding="utf-8")
    return True


def build(rebuild: bool = False) -> Path:
    """The benchmark repository (built once, deterministic)."""
    marker = REPO / ".git" / "transkit-bench-complete"
    if marker.is_file() and not rebuild:
        return REPO
    sys.path.insert(0, str(HERE))
    from corpus import _renumber, pools

    if REPO.exists():
        shutil.rmtree(REPO)
    REPO.mkdir(parents=True)
    _git(REPO, "init", "-q")
    for key, value in (("user.name", "Bench"), ("user.email", "bench@example.org"), ("commit.gpgsign", "false")):
        _git(REPO, "config", key, value)
    (REPO / "transkit.toml").write_text('documents = ["locales/{lang}/**/*.md"]\n', encoding="utf-8")
    units = pools()
    rng = random.Random(7)
    count = len(units["en"])
    for lg in LANGS:
        (REPO / "locales" / lg).mkdir(parents=True)
    for idx in range(SETS):
        picks = rng.sample(range(count), k=min(count, rng.randint(6, 10)))
        for lg in LANGS:
            title = {"en": "# Study notes", "zh-Hans": "# 学习笔记", "zh-Hant": "# 學習筆記"}[lg]
            body = f"{title} {idx}\n\n" + _renumber([s for i in picks for s in units[lg][i]])
            (REPO / "locales" / lg / f"doc-{idx:03d}.md").write_text(body, encoding="utf-8")
    when = 1_700_000_000
    _commit(REPO, "Add 100 documents in three languages", when)
    words = ["carefully", "in practice", "for most teams", "at scale", "today"]
    for n in range(1, COMMITS):
        when += 3600
        kind = rng.random()
        idx = rng.randrange(SETS)
        name = f"doc-{idx:03d}.md"
        en = REPO / "locales" / "en" / name
        if kind < 0.45:
            _edit_line(en, rng, lambda s: s.rstrip(".") + f", {rng.choice(words)}.")
            message = f"Reword {name}"
        elif kind < 0.55:
            _edit_line(en, rng, lambda s: s.replace(" the ", " teh ", 1) if " the " in s else s + " ")
            message = f"Fix a typo in {name}\n\nTranskit-Ack: typo"
        elif kind < 0.65:
            with en.open("a", encoding="utf-8") as fh:
                fh.write(f"\nOne more note added in revision {n}.\n")
            message = f"Extend {name}"
        else:
            for lg in rng.sample(LANGS[1:], k=rng.randint(1, 2)):
                _edit_line(REPO / "locales" / lg / name, rng, lambda s: s + f"（修订 {n}）")
            message = f"Update translations of {name}"
        _commit(REPO, message, when)
    marker.write_text(f"{SETS * 3} files, {COMMITS} commits\n", encoding="utf-8")
    return REPO


def _statuses(repo: Path) -> dict[str, int]:
    proc = subprocess.run([PY, "-m", "transkit", "drift", "--format", "json"], cwd=repo, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr)
    counts: dict[str, int] = {}
    for s in json.loads(proc.stdout)["sections"]:
        counts[s["status"]] = counts.get(s["status"], 0) + 1
    return counts


def _cpu(cmd: list[str], cwd: Path) -> float:
    """User + system CPU seconds of one run and every process it waited for (the git calls)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rebuild", action="store_true", help="build the repository again")
    args = ap.parse_args()
    t0 = time.perf_counter()
    repo = build(args.rebuild)
    built = time.perf_counter() - t0
    files = len(list((repo / "locales").rglob("*.md")))
    commits = int(_git(repo, "rev-list", "--count", "HEAD").strip())
    print(f"repository: {files} Markdown files, {commits} commits (built in {built:.1f} s)")
    print("statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(_statuses(repo).items())))
    cmd = [PY, "-m", "transkit", "drift", "--format", "json"]
    floor = python_floor(5)
    # A clone or a CI checkout has its objects packed; a working repository that
    # just made these commits has them loose (below git's auto-gc threshold).
    packed = HERE / "corpus" / "drift-repo-packed"
    if packed.exists():
        shutil.rmtree(packed)
    _git(HERE / "corpus", "clone", "-q", "--no-local", str(repo), str(packed))
    loose = median_time(cmd, cwd=repo, runs=args.runs, warmup=1)
    t = median_time(cmd, cwd=packed, runs=args.runs, warmup=1)
    load = os.getloadavg()[0]
    print(line(f"drift {files} files / {commits} commits, packed (clone / CI checkout)", t, floor=floor, target="<= 10 s (issue 7)"))
    print(f"  CPU of one packed run, git included: {_cpu(cmd, packed):.1f} s")
    print(line(f"drift {files} files / {commits} commits, loose objects (fresh local commits)", loose, floor=floor))
    print(f"  CPU of one loose run, git included: {_cpu(cmd, repo):.1f} s")
    print(f"load average during the run: {load:.1f} on {os.cpu_count()} cores")
    return 0 if t <= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
