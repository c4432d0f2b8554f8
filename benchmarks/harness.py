"""Shared benchmark machinery: whole-process timings, medians, and the two references.

Every figure in RESULTS.md is a median of whole-process runs (interpreter start
included), reported with ratios against references measured in the same run:

- ``python -c pass``: the floor any Python command pays;
- OpenCC ``s2twp`` converting the same bytes in a fresh process: the speed of the
  library transkit wraps.

Usage from a benchmark script::

    from harness import Bench
    b = Bench("lint one 27 KB file")
    t = b.time([sys.executable, "-m", "transkit", "lint", path], runs=15)
    b.report(t, size=nbytes, target="<= 100 ms")
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
SEED_HANS = SEEDS / "003_ec9d70b875b50cd5.txt"
PY = sys.executable
# Any non-empty PYTHONDONTWRITEBYTECODE disables bytecode caching, which would make
# every run recompile the modules: drop it so runs measure what users see.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"NO_COLOR": "1"}


LAST_CPU: list[float] = []  # CPU seconds (user + system) of each run, children included


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(cmd: list[str], *, cwd: Path | None = None, env: dict | None = None, ok=(0, 1)) -> float:
    cpu0 = _cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd or ROOT, env={**ENV, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    LAST_CPU.append(_cpu() - cpu0)
    if proc.returncode not in ok:
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode(errors='replace')}")
    return elapsed


def median_time(cmd: list[str], runs: int = 11, warmup: int = 2, **kw) -> float:
    """Median wall time; the median CPU time of the same runs is left in ``LAST_MEDIAN_CPU``."""
    global LAST_MEDIAN_CPU
    for _ in range(warmup):
        run_once(cmd, **kw)
    LAST_CPU.clear()
    wall = statistics.median(run_once(cmd, **kw) for _ in range(runs))
    LAST_MEDIAN_CPU = statistics.median(LAST_CPU)
    return wall


LAST_MEDIAN_CPU = 0.0


def load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def python_floor(runs: int = 11) -> float:
    return median_time([PY, "-c", "pass"], runs=runs)


def opencc_reference(path: Path, config: str = "s2twp", runs: int = 5) -> float:
    """Median whole-process time of plain OpenCC converting ``path`` (read, convert, write to /dev/null)."""
    code = (
        "import sys, opencc\n"
        f"c = opencc.OpenCC({config!r})\n"
        "data = open(sys.argv[1], encoding='utf-8').read()\n"
        "out = c.convert(data)\n"
        "open(sys.argv[2], 'w', encoding='utf-8').write(out)\n"
    )
    return median_time([PY, "-c", code, str(path), os.devnull], runs=runs, warmup=1)


def mb(nbytes: int) -> float:
    return nbytes / 1e6


def line(name: str, seconds: float, *, nbytes: int | None = None, floor: float | None = None, ref: float | None = None, target: str = "") -> str:
    parts = [f"{name}: median {seconds * 1000:.0f} ms"]
    if nbytes:
        parts.append(f"{mb(nbytes) / seconds:.2f} MB/s")
    if floor:
        parts.append(f"{seconds / floor:.1f}x python -c pass ({floor * 1000:.0f} ms)")
    if ref:
        parts.append(f"{ref / seconds:.2f}x OpenCC s2twp throughput ({ref * 1000:.0f} ms)")
    if LAST_MEDIAN_CPU:
        parts.append(f"CPU {LAST_MEDIAN_CPU * 1000:.0f} ms")
    if target:
        parts.append(f"target {target}")
    parts.append(f"load {load_average():.1f}")
    return "; ".join(parts)
