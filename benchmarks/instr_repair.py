"""Instructions executed per repair of the lossy benchmark text (valgrind callgrind).

Instruction counts do not swing with the host the way CPU time does, so they
show what a change to the decoder did, to a fraction of a percent. Each case
is the difference of two whole runs under callgrind that differ by the work
being measured (``PYTHONHASHSEED=0``, so dict layouts repeat)::

    python benchmarks/instr_repair.py            # all cases, about two minutes
    python benchmarks/instr_repair.py warm new   # some of them

Cases: ``warm`` (tables filled by the same text, results forgotten), ``new``
(tables filled by ``locales/zh-Hant`` only), ``cached`` (every result
remembered: the pipeline around the decoder), ``first`` (the first repair of
a process, model loaded), ``glossary`` (the same with the glossary's words, as
``transkit repair`` does), ``ftfy`` (``ftfy.fix_text`` on the same text).
Needs ``valgrind`` on the PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness import ROOT, SEED_HANS

# The driver: prepares the texts, then does ``mode`` ``n`` times.
DRIVER = r"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import opencc
from transkit import langmodel, mojibake
import transkit.document
mode, n = sys.argv[2], int(sys.argv[3])
seed = Path(sys.argv[5]).read_text(encoding="utf-8")
text = mojibake.simulate(opencc.OpenCC("s2twp").convert(seed), "cp1254")
other = mojibake.simulate((Path(sys.argv[4]) / "locales/zh-Hant/roadmap.md").read_text(encoding="utf-8"))
lm = langmodel.load("zh-Hant")
lexicon = ()
if mode == "glossary":
    from transkit.config import Config
    from transkit.repair import _glossary_terms
    lexicon = _glossary_terms(Config(root=Path(sys.argv[4])), "zh-Hant")
if mode in ("warm", "new", "other", "cached"):
    mojibake.repair_text(other, lang="zh-Hant")
if mode == "ftfy":
    import ftfy
for _ in range(n):
    if mode == "ftfy":
        ftfy.fix_text(text)
        continue
    if mode in ("new", "other"):
        # The tables hold what the other document needed, no more.
        lm.clear_caches(tables=True)
        mojibake.repair_text(other, lang="zh-Hant")
        lm.clear_caches()
        if mode == "other":
            continue
    elif mode == "warm":
        lm.clear_caches()
    mojibake.repair_text(text, lang="zh-Hant", lexicon=lexicon).low_confidence()
"""

# case -> (runs measured, (mode, n) of the baseline, (mode, n) of the measurement)
CASES = {
    "warm": (3, ("warm", 1), ("warm", 4)),
    "new": (3, ("other", 3), ("new", 3)),
    "cached": (3, ("cached", 1), ("cached", 4)),
    "first": (1, ("first", 0), ("first", 1)),
    "glossary": (1, ("glossary", 0), ("glossary", 1)),
    "ftfy": (3, ("ftfy", 1), ("ftfy", 4)),
}


def _instructions(run: tuple[str, int], driver: Path) -> int:
    mode, n = run
    env = dict(os.environ, PYTHONHASHSEED="0")
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, str(driver), str(ROOT), mode, str(n), str(ROOT), str(SEED_HANS)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stderr
    return int(re.search(r"Collected : (\d+)", out).group(1))


def main(argv: list[str]) -> int:
    if shutil.which("valgrind") is None:
        print("instr_repair: valgrind is not installed", file=sys.stderr)
        return 2
    if not SEED_HANS.is_file():
        print(f"instr_repair: the zh-Hans seed is missing ({SEED_HANS})", file=sys.stderr)
        return 2
    wanted = argv or list(CASES)
    unknown = [c for c in wanted if c not in CASES]
    if unknown:
        print(f"instr_repair: unknown case {unknown[0]!r} (cases: {', '.join(CASES)})", file=sys.stderr)
        return 2
    import transkit.mojibake

    build = "compiled" if transkit.mojibake.__file__.endswith(".so") else "source"
    driver = ROOT / "benchmarks" / ".instr_driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    try:
        jobs = {}
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            for case in wanted:
                count, base, full = CASES[case]
                jobs[case] = (count, pool.submit(_instructions, base, driver), pool.submit(_instructions, full, driver))
        print(f"Instructions per run ({build} build, valgrind callgrind, PYTHONHASHSEED=0):")
        for case, (count, base, full) in jobs.items():
            print(f"- {case}: {(full.result() - base.result()) / count / 1e6:.1f} M")
    finally:
        driver.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
