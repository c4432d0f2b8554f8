"""``transkit convert`` on a 10 MB zh-Hans Markdown file against plain OpenCC ``s2twp``.

    python benchmarks/bench_convert.py [--runs N] [--mb 10]

The input (benchmarks/corpus/convert-10mb.zh-Hans.md, not committed) is the
zh-Hans side of the benchmark corpus (the bundled sample's sections and, when
../shared/seeds/ is there, the user's roadmap) concatenated until it reaches
the size: one long Markdown file with headings, bold term lists, links, inline
code, tables and code blocks.

Every figure is the median of whole-process runs, interleaved with the
reference so that both see the same machine load (the machine is shared: the
fastest run and the CPU seconds of the process tree are printed too, and the
load average at the end):

- reference: a Python process that reads the file, converts it with
  ``opencc.OpenCC("s2twp")`` and writes the result (harness.opencc_reference);
- ``transkit convert FILE --to zh-Hant -o OUT``: Markdown-safe, glossary lock
  with the shipped glossaries (the default), one worker per core;
- the same with one worker (``jobs = 1``), without glossaries
  (``shipped-glossaries = false``), and with the glossary lock on
  pyahocorasick instead of ahocorasick_rs, to show where the time goes.

The target is >= 0.8x the reference's throughput.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from harness import PY, ROOT, line, run_once

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import harness  # noqa: E402

OPENCC = (
    "import sys, opencc\n"
    "c = opencc.OpenCC('s2twp')\n"
    "data = open(sys.argv[1], encoding='utf-8').read()\n"
    "out = c.convert(data)\n"
    "open(sys.argv[2], 'w', encoding='utf-8').write(out)\n"
)


# transkit as if the optional ahocorasick_rs package were not installed.
WITHOUT_RS = "import sys\nsys.modules['ahocorasick_rs'] = None\nfrom transkit.entry import main\nmain(sys.argv[1:])\n"


def make_input(megabytes: float) -> Path:
    out = HERE / "corpus" / f"convert-{megabytes:g}mb.zh-Hans.md"
    limit = int(megabytes * 1_000_000)
    if out.is_file() and out.stat().st_size >= limit:
        return out
    tree = corpus.build(10)
    files = sorted((tree / "locales" / "zh-Hans").glob("*.md"))
    size = 0
    with out.open("wb") as fh:
        while size < limit:
            for p in files:
                data = p.read_bytes() + b"\n"
                fh.write(data)
                size += len(data)
                if size >= limit:
                    break
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--mb", type=float, default=10)
    args = ap.parse_args()
    src = make_input(args.mb)
    nbytes = src.stat().st_size
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        one = tmp / "one.toml"
        one.write_text("jobs = 1\n", encoding="utf-8")
        bare = tmp / "bare.toml"
        bare.write_text("shipped-glossaries = false\n", encoding="utf-8")
        out = tmp / "out.md"
        variants = {
            "reference": [PY, "-c", OPENCC, str(src), str(out)],
            "convert": [PY, "-m", "transkit", "convert", str(src), "--to", "zh-Hant", "-o", str(out)],
            "one worker": [PY, "-m", "transkit", "convert", str(src), "--to", "zh-Hant", "-o", str(out), "--config", str(one)],
            "no glossary": [PY, "-m", "transkit", "convert", str(src), "--to", "zh-Hant", "-o", str(out), "--config", str(bare)],
            "no ahocorasick_rs": [PY, "-c", WITHOUT_RS, "convert", str(src), "--to", "zh-Hant", "-o", str(out)],
        }
        times: dict[str, list[float]] = {k: [] for k in variants}
        cpu: dict[str, list[float]] = {k: [] for k in variants}
        for k, cmd in variants.items():  # warm the file cache and the bytecode
            run_once(cmd)
        for _ in range(args.runs):
            for k, cmd in variants.items():
                times[k].append(run_once(cmd))
                cpu[k].append(harness.LAST_CPU[-1])
        # The default and the one-worker conversions are the same bytes.
        run_once(variants["convert"])
        a = out.read_bytes()
        run_once(variants["one worker"])
        assert out.read_bytes() == a, "parallel and one-process conversions differ"
    med = {k: statistics.median(v) for k, v in times.items()}
    ref = med["reference"]
    print(f"input: {src.relative_to(ROOT)} ({nbytes / 1e6:.1f} MB); {args.runs} interleaved runs each; {os.cpu_count()} cores")
    names = {
        "reference": "OpenCC s2twp alone (reference)",
        "convert": "transkit convert --to zh-Hant (shipped glossary, one worker per core)",
        "one worker": "transkit convert, one worker",
        "no glossary": "transkit convert, no glossary",
        "no ahocorasick_rs": "transkit convert, glossary lock on pyahocorasick (ahocorasick_rs not installed)",
    }
    for k, name in names.items():
        harness.LAST_MEDIAN_CPU = statistics.median(cpu[k])
        text = line(name, med[k], nbytes=nbytes, ref=None if k == "reference" else ref, target=">= 0.8x OpenCC s2twp" if k == "convert" else "")
        fastest = min(times[k])
        extra = f"fastest {fastest * 1000:.0f} ms"
        if k != "reference":
            extra += f" ({min(times['reference']) / fastest:.2f}x the fastest reference)"
        print(f"{text}; {extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
