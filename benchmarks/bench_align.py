"""``transkit align`` on two 10 MB trees: whole-process medians.

    python benchmarks/bench_align.py [--runs N] [--mb 10] [--jobs 0]

The corpus (benchmarks/corpus/align/, not committed) is generated from the
bundled sample (locales/{en,zh-Hans,zh-Hant}/roadmap.md), deterministically:
about a thousand files per language made of shuffled sample sections, each
copy tagged with its own release numbers and names so that copies are told
apart by content, with the edits real translations have (sections dropped,
swapped, added, a heading level changed). A few files are long (300+
sections) to exercise the pruned dynamic program.

Figures: MB/s of the source tree (10 MB) and of both trees (source +
translation bytes read), for en -> zh-Hans and zh-Hans -> zh-Hant, with the
default worker count and with one process.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sys
from pathlib import Path

from harness import PY, ROOT, line, median_time, python_floor

CORPUS = ROOT / "benchmarks" / "corpus" / "align"
LANGS = ("en", "zh-Hans", "zh-Hant")
VERSION = "1"  # bump when the generator changes


def _sections(lang: str) -> list[str]:
    sys.path.insert(0, str(ROOT))
    from transkit.document import Document

    text = (ROOT / "locales" / lang / "roadmap.md").read_text(encoding="utf-8")
    return [s.text for s in Document.from_text(text, lang=lang).sections]


def _tag(piece: str, tag: str) -> str:
    """Append a tagged line (release numbers and a name, kept verbatim by translators)."""
    return piece.rstrip("\n") + f"\n\n{tag}\n\n"


def generate(target_mb: float) -> dict[str, int]:
    stamp = CORPUS / f".complete-{VERSION}-{target_mb}"
    if stamp.is_file():
        return {lang: sum(p.stat().st_size for p in (CORPUS / lang).rglob("*.md")) for lang in LANGS}
    shutil.rmtree(CORPUS, ignore_errors=True)
    secs = {lang: _sections(lang) for lang in LANGS}
    n_body = len(secs["en"]) - 1
    assert all(len(s) == n_body + 1 for s in secs.values()), "the sample's languages must be parallel"
    rng = random.Random(20260204)
    sizes = {lang: 0 for lang in LANGS}
    limit = int(target_mb * 1_000_000)
    k = 0
    names = ["Ada Lin", "Bo Chen", "Mira Sato", "Omar Haddad", "Lena Hofmann", "Ravi Iyer", "Yuki Mori"]
    while sizes["en"] < limit:
        long = k % 200 == 7
        count = rng.randint(250, 350) if long else rng.randint(5, 16)
        picks = [rng.randrange(1, n_body + 1) for _ in range(count)]
        tags = [f"Release {k}.{j}.{rng.randint(0, 99)} · {rng.choice(names)} · `tk-{k}-{j}`" for j in range(count)]
        en = [secs["en"][0]] + [_tag(secs["en"][p], t) for p, t in zip(picks, tags)]
        zh = {lang: [secs[lang][0]] + [_tag(secs[lang][p], t) for p, t in zip(picks, tags)] for lang in ("zh-Hans", "zh-Hant")}
        # Translation edits: drops, a swap, an added note, a changed heading level.
        for lang in ("zh-Hans", "zh-Hant"):
            body = zh[lang]
            for _ in range(max(1, count // 12)):
                if len(body) > 3 and rng.random() < 0.5:
                    del body[rng.randrange(1, len(body))]
            if len(body) > 4 and rng.random() < 0.4:
                i, j = rng.sample(range(1, len(body)), 2)
                body[i], body[j] = body[j], body[i]
            if rng.random() < 0.2:
                body.insert(rng.randrange(1, len(body) + 1), "## 译者注\n\n本节为译者补充说明，原文没有。\n\n")
            if rng.random() < 0.2 and len(body) > 2:
                i = rng.randrange(1, len(body))
                body[i] = re.sub(r"^## ", "### ", body[i], count=1)
        rel = Path(f"part{k // 100:02d}") / f"doc{k:04d}.md"
        for lang, pieces in (("en", en), ("zh-Hans", zh["zh-Hans"]), ("zh-Hant", zh["zh-Hant"])):
            path = CORPUS / lang / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            data = "".join(pieces).encode("utf-8")
            path.write_bytes(data)
            sizes[lang] += len(data)
        k += 1
    stamp.write_text("ok\n")
    return sizes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mb", type=float, default=10.0, help="size of each tree in MB (default 10)")
    ap.add_argument("--jobs", type=int, default=0, help="worker processes (0: one per core)")
    args = ap.parse_args()
    sizes = generate(args.mb)
    files = sum(1 for _ in (CORPUS / "en").rglob("*.md"))
    print(f"corpus: {files} files per language; en {sizes['en'] / 1e6:.1f} MB, zh-Hans {sizes['zh-Hans'] / 1e6:.1f} MB, zh-Hant {sizes['zh-Hant'] / 1e6:.1f} MB")
    floor = python_floor(5)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    for src, tgt in (("en", "zh-Hans"), ("zh-Hans", "zh-Hant")):
        for jobs in dict.fromkeys((args.jobs, 1)):
            cmd = [PY, "-m", "transkit", "align", str(CORPUS / src), str(CORPUS / tgt), "--format", "json", "-o", "/dev/null", "--jobs", str(jobs)]
            t = median_time(cmd, runs=args.runs, warmup=1)
            cpu = _cpu_seconds(cmd)
            label = f"align {src} -> {tgt} trees, jobs={jobs or 'cores'}"
            print(line(label + " (source MB/s)", t, nbytes=sizes[src], floor=floor, target=">= 2 MB/s"))
            print(line(label + " (both trees MB/s)", t, nbytes=sizes[src] + sizes[tgt]) + f"; CPU {cpu:.1f} s (user+sys, all processes)")
    parse = _cpu_seconds([PY, "-c", _PARSE_ONLY, str(CORPUS / "en"), str(CORPUS / "zh-Hans")])
    print(f"reference: reading and parsing both en and zh-Hans trees alone takes {parse:.1f} s CPU")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


_PARSE_ONLY = (
    "import sys\n"
    "from pathlib import Path\n"
    "from transkit.document import Document\n"
    "for d in sys.argv[1:]:\n"
    "    for f in sorted(Path(d).rglob('*.md')):\n"
    "        Document.from_bytes(f.read_bytes(), str(f))\n"
)


def _cpu_seconds(cmd: list[str]) -> float:
    """User + system CPU time of one run of ``cmd`` and its children (steadier than wall time on a shared machine)."""
    import resource
    import subprocess

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


if __name__ == "__main__":
    sys.exit(main())
