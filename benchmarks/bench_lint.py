"""``transkit lint`` on one 27 KB file (the zh-Hans seed): whole-process median.

    python benchmarks/bench_lint.py [--runs N]
"""

from __future__ import annotations

import argparse
import sys

from harness import PY, SEED_HANS, line, median_time, opencc_reference, python_floor


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()
    if not SEED_HANS.is_file():
        print(f"skipped: {SEED_HANS} not found (../shared/seeds beside the checkout)")
        return 0
    floor = python_floor(args.runs)
    ref = opencc_reference(SEED_HANS, runs=max(5, args.runs // 3))
    t = median_time([PY, "-m", "transkit", "lint", str(SEED_HANS), "--lang", "zh-Hans", "--no-cache"] if "--no-cache" in _lint_help() else [PY, "-m", "transkit", "lint", str(SEED_HANS), "--lang", "zh-Hans"], runs=args.runs)
    print(line("lint 27 KB zh-Hans seed", t, nbytes=SEED_HANS.stat().st_size, floor=floor, ref=ref, target="<= 100 ms (issue 9), <= 250 ms (issue 2)"))
    return 0


def _lint_help() -> str:
    import subprocess

    return subprocess.run([PY, "-m", "transkit", "lint", "--help"], capture_output=True, text=True).stdout


if __name__ == "__main__":
    sys.exit(main())
