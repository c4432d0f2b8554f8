"""Glossary and regional-vocabulary checks over a 10 MB tree: whole-process median, and in-process throughput.

    python benchmarks/bench_glossary.py [--runs N] [--size MB]

Two figures:

- ``transkit lint TREE --select TK4,TK51 --no-cache``: the glossary checks
  (TK401 forbidden terms, TK403 consistency across files) and the regional
  checks (TK510/TK511 vocabulary, TK512 quote style) with the full shipped
  glossary, as a user runs them; parsing the Markdown is included;
- the same checks called in one process on already parsed documents (TK403's
  per-file collection included), which isolates the matching itself.

TK402 needs an English source per file and is measured by the alignment
benchmark. Target (issue 4): >= 5 MB/s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from harness import ENV, PY, ROOT, line, median_time, python_floor

sys.path.insert(0, str(ROOT))


def in_process(tree: Path, runs: int) -> tuple[float, int]:
    from transkit.checks import select
    from transkit.checks.base import FileContext
    from transkit.config import Config
    from transkit.document import Document
    from transkit.resources import Resources

    config = Config(root=tree)
    resources = Resources(config)
    checks = [c for c in select(["TK4", "TK51"], None) if c.scope.value in ("file", "project")]
    docs = []
    nbytes = 0
    for lang in ("zh-Hans", "zh-Hant"):
        for p in sorted((tree / "locales" / lang).glob("*.md")):
            data = p.read_bytes()
            nbytes += len(data)
            docs.append((Document.from_text(data.decode("utf-8"), str(p), lang), lang))
    _ = resources.glossary  # loading is timed by the whole-process figure
    times = []
    for _ in range(runs):
        start = time.process_time()
        for doc, lang in docs:
            ctx = FileContext(doc.path, lang, config, resources)
            for check in checks:
                if not check.applies_to(lang):
                    continue
                inst = check(config.options_for(check.name, check.code))
                if check.scope.value == "file":
                    list(inst.check_file(doc, ctx))
                else:
                    inst.collect(doc, ctx)  # TK403's per-file part; the cross-file step is tiny
        times.append(time.process_time() - start)
    return statistics.median(times), nbytes


def cpu_time(cmd: list[str], runs: int) -> float:
    """Median CPU seconds (user + sys, all worker processes) of a command: steadier than wall time on a shared machine."""
    out = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--size", type=int, default=10, help="tree size in MB (benchmarks/corpus.py)")
    args = ap.parse_args()
    from corpus import build, tree_bytes

    tree = build(args.size)
    nbytes = tree_bytes(tree)
    floor = python_floor(args.runs)
    cmd = [PY, "-m", "transkit", "lint", str(tree / "locales"), "--select", "TK4,TK51", "--no-cache", "--format", "json", "-o", "/dev/null"]
    t = median_time(cmd, runs=args.runs, warmup=1)
    print(line(f"lint {nbytes / 1e6:.1f} MB tree, TK4+TK51, whole process", t, nbytes=nbytes, floor=floor, target=">= 5 MB/s"))
    cpu = cpu_time(cmd, args.runs)
    base = cpu_time([PY, "-m", "transkit", "lint", str(tree / "locales"), "--select", "TK502", "--no-cache", "--format", "json", "-o", "/dev/null"], args.runs)
    print(
        f"  CPU time: {cpu:.2f} s ({nbytes / 1e6 / cpu:.2f} MB per CPU-second); the same run with only TK502"
        f" (reading, parsing, one script check): {base:.2f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    t_in, zh_bytes = in_process(tree, args.runs)
    print(line(f"TK401+TK403+TK51x on {zh_bytes / 1e6:.1f} MB of parsed zh files, in process (CPU time)", t_in, nbytes=zh_bytes, target=">= 5 MB/s"))
    from transkit.config import Config
    from transkit.glossary import load_merged

    g = load_merged(Config(root=tree))
    print(f"glossary: {len(g)} terms from {len(g.files)} shipped file(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
