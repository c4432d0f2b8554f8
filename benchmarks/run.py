"""The benchmark runner: every speed target of transkit, as medians of whole-process runs.

    python benchmarks/run.py                 # the everyday targets (1 and 10 MB trees)
    python benchmarks/run.py --big           # also the 100 MB tree
    python benchmarks/run.py --only lint,convert

Each line gives the median wall time, the throughput, and ratios against two
references measured in this same run: ``python -c pass`` and plain OpenCC
``s2twp`` converting the same bytes. Paste the output into RESULTS.md.
Capability benchmarks with their own scripts (bench_*.py: repair accuracy,
drift, gettext, alignment, glossary) are run as well, and their output lines
printed under their names.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import PY, ROOT, SEED_HANS, line, median_time, opencc_reference, python_floor

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402


def _concat(tree: Path, lang: str, out: Path, at_least: int = 10_000_000) -> Path:
    """One file of ``lang`` documents from the tree, repeated until it holds ``at_least`` bytes."""
    parts = [p.read_bytes() for p in sorted((tree / "locales" / lang).glob("*.md"))]
    written = 0
    with out.open("wb") as fh:
        while written < at_least:
            for data in parts:
                fh.write(data)
                written += len(data)
    return out


def bench_lint(floor: float, runs: int) -> list[str]:
    if not SEED_HANS.is_file():
        return ["lint 27 KB file: skipped (../shared/seeds not found)"]
    t = median_time([PY, "-m", "transkit", "lint", str(SEED_HANS), "--lang", "zh-Hans", "--no-cache"], runs=runs)
    return [line("transkit lint, one 27 KB zh-Hans file", t, nbytes=SEED_HANS.stat().st_size, floor=floor, target="<= 100 ms")]


def bench_tree(floor: float, size: int, runs: int) -> list[str]:
    """``transkit lint`` (file checks) and ``transkit check`` (plus pair and project checks) over a tree."""
    tree = corpus.build(size)
    nbytes = corpus.tree_bytes(tree)
    out = []
    for command, what in (("lint", "file checks"), ("check", "file, pair and project checks")):
        cold = median_time([PY, "-m", "transkit", command, str(tree), "--no-cache"], runs=max(3, runs // 4), warmup=1)
        target = ">= 6 MB/s" if size == 10 and command == "lint" else ""
        out.append(line(f"transkit {command} ({what}), {size} MB tree, cold (no cache, 2 workers)", cold, nbytes=nbytes, floor=floor, target=target))
        with tempfile.TemporaryDirectory() as cache:
            env = {"TRANSKIT_CACHE_DIR": cache}
            warm = median_time([PY, "-m", "transkit", command, str(tree)], runs=max(5, runs // 2), warmup=1, env=env)
        target = ">= 50 MB/s" if size == 10 else ""
        out.append(line(f"transkit {command} ({what}), {size} MB tree, unchanged (cache hit)", warm, nbytes=nbytes, floor=floor, target=target))
    return out


def bench_convert(floor: float, runs: int) -> list[str]:
    tree = corpus.build(10)
    with tempfile.TemporaryDirectory() as tmp:
        src = _concat(tree, "zh-Hans", Path(tmp) / "zh-Hans.md")
        nbytes = src.stat().st_size
        ref = opencc_reference(src, runs=max(3, runs // 4))
        t = median_time([PY, "-m", "transkit", "convert", str(src), "--to", "zh-Hant", "-o", os.devnull], runs=max(3, runs // 4), warmup=1)
    return [line("transkit convert, 10 MB zh-Hans file to zh-Hant", t, nbytes=nbytes, floor=floor, ref=ref, target=">= 0.8x OpenCC s2twp")]


def bench_scripts(names: list[str]) -> list[str]:
    out = []
    for script in sorted(HERE.glob("bench_*.py")):
        if names and script.stem.removeprefix("bench_") not in names:
            continue
        if script.stem == "bench_lint":
            continue
        proc = subprocess.run([PY, str(script)], cwd=ROOT, capture_output=True, text=True)
        status = "" if proc.returncode == 0 else f" (exit {proc.returncode})"
        out.append(f"[{script.name}]{status}")
        out.extend("  " + ln for ln in (proc.stdout + (proc.stderr if proc.returncode else "")).strip().splitlines())
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--big", action="store_true", help="also run the 100 MB tree")
    ap.add_argument("--only", default="", help="comma-separated: lint, tree, convert, scripts, or a bench_*.py name")
    args = ap.parse_args()
    only = [x for x in args.only.split(",") if x]
    floor = python_floor(args.runs)
    print(f"reference: python -c pass median {floor * 1000:.0f} ms; machine: {os.cpu_count()} cores")
    lines: list[str] = []
    if not only or "lint" in only:
        lines += bench_lint(floor, args.runs)
    if not only or "tree" in only:
        for size in (1, 10) + ((100,) if args.big else ()):
            lines += bench_tree(floor, size, args.runs)
    if not only or "convert" in only:
        lines += bench_convert(floor, args.runs)
    scripts = [x for x in only if x not in ("lint", "tree", "convert")]
    if not only or scripts:
        lines += bench_scripts([x for x in scripts if x != "scripts"])
    for ln in lines:
        print(ln)
    return 0


if __name__ == "__main__":
    sys.exit(main())
