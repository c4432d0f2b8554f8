"""``transkit lint`` on a 20,000-entry PO catalog: whole-process median.

The catalog is made the way a user would make one: ``transkit po build`` on the
bundled sample (English source, zh-Hant translation), its 86 entries repeated
under distinct contexts up to the size asked for, with one entry in fifty given
a simplified character so the run reports (and maps back) real findings.

    python benchmarks/bench_po.py [--entries 20000] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from harness import ENV, PY, ROOT, line, median_time, python_floor

sys.path.insert(0, str(ROOT))


def make_catalog(path: Path, entries: int) -> int:
    """Write a catalog of ``entries`` messages to ``path``; returns its size in bytes."""
    from transkit import pofile
    from transkit.catalog import build
    from transkit.document import Document

    def load(lang: str) -> Document:
        p = ROOT / "locales" / lang / "roadmap.md"
        return Document.from_text(p.read_text(encoding="utf-8"), f"locales/{lang}/roadmap.md", lang)

    base = build(load("en"), load("zh-Hant"), "zh-Hant", now=0).catalog
    out = []
    copy = 0
    while len(out) < entries:
        for e in base.entries:
            if len(out) == entries:
                break
            k = len(out)
            msgstr = e.msgstr
            if k % 50 == 7 and "資料" in msgstr:
                msgstr = msgstr.replace("資料", "资料", 1)
            ctxt = f"copy {copy}" + (f" / {e.msgctxt}" if e.msgctxt else "")
            out.append(replace(e, msgctxt=ctxt, msgstr=msgstr))
        copy += 1
    data = pofile.dumps(pofile.Catalog(base.header, tuple(out))).encode("utf-8")
    path.write_bytes(data)
    return len(data)


def cpu_seconds(cmd: list[str], env: dict, runs: int) -> float:
    """Median user+system CPU of the whole process: steadier than wall time on a busy machine."""
    out = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, cwd=ROOT, env={**ENV, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--entries", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        po = Path(tmp) / "zh-Hant" / "big.po"
        po.parent.mkdir()
        size = make_catalog(po, args.entries)
        floor = python_floor(args.runs)
        env = {"TRANSKIT_NO_CACHE": "1"}
        cmd = [PY, "-m", "transkit", "lint", str(po)]
        t = median_time(cmd, runs=args.runs, warmup=1, env=env)
        cpu = cpu_seconds(cmd, env, args.runs)
        print(line(f"lint a {args.entries:,}-entry PO file ({size / 1e6:.1f} MB)", t, nbytes=size, floor=floor, target="<= 3 s (issue 8)") + f"; CPU {cpu:.2f} s")
        # The catalog's own share: reading it, the two Markdown views of its msgstrs and
        # msgids, and the alignment handed to pair checks, without running any check.
        own = (
            "import sys; from transkit import pofile, catalog\n"
            "r = pofile.parse(open(sys.argv[1], encoding='utf-8').read())\n"
            "items = catalog._msgstr_items(r.catalog.entries)\n"
            "v = catalog._View(items, 'x.po', 'zh-Hant')\n"
            "s = catalog._View([(i, f, r.catalog.entries[i].msgid) for i, f, _ in items], 'x.po (msgid)', 'en')\n"
            "catalog._one_to_one(s, v, None)\n"
        )
        t_own = median_time([PY, "-c", own, str(po)], runs=args.runs, warmup=1)
        print(line("  of which reading the catalog and building its views (no checks)", t_own, floor=floor))
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
