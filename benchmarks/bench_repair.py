"""Mojibake repair: lossy-repair accuracy, lossless exactness, speed, and the user's fragment.

    python benchmarks/bench_repair.py [--runs N]

Accuracy (issue 5): the zh-Hans seed converted with OpenCC s2twp, encoded as
UTF-8, decoded as Windows-1254 dropping the bytes it leaves undefined, soft
hyphens removed: the damage of the real fragment, on text whose original is
known. Targets: >= 99.5 % of characters and >= 90 % of damaged lines restored
exactly. The language model is derived from jieba's dictionaries only (never
from the seed); the glossary run adds the project's shipped glossary, which is
what `transkit repair` does. The project's own sample (locales/) damaged the
same way is the development set the model's few weights were chosen on.

The lint fast path: TK210-TK217 on the clean corpus of benchmarks/corpus.py
(1 MB and 10 MB), per-check CPU time in one `transkit lint` run; target
< 20 ms per MB. `--lint-only` runs just this part.

Speed: repair throughput in one process with the model already loaded (its
load is reported apart), CPU time, median of ``--runs``, on the damaged
benchmark text, against ftfy on the same text; the same text new to a process
that repaired another document (the model's tables hold only that document's
words), with the ratio to ftfy alternated run by run; the first file of a fresh
process; then whole-process medians (benchmarks/harness.py) of `transkit
repair` on the same text and on the real fragment. Target: >= 1 MB/s of
damaged text.

    python benchmarks/bench_repair.py --speed [--runs N]
    TRANSKIT_PURE_PYTHON=1 python benchmarks/bench_repair.py --speed [--runs N]

only the in-process speed figures, of the build in use (compiled by mypyc
when setup.py could, see README), or of the source.

    python benchmarks/bench_repair.py --builds [--runs N]

the compiled build against the source: five pairs of processes, one of each,
repairing the benchmark text on alternate requests (CPU time ratios).

    python benchmarks/bench_repair.py --whole [--runs N]

only the whole-process figures: `transkit repair` of the damaged benchmark
file, median wall and CPU (user + system) time and MB/s of damaged text, the
same for a one-line damaged file (what any run costs: interpreter, imports,
model, glossary) and the rate beyond that, with the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness
from harness import PY, ROOT, SEED_HANS, SEEDS, median_time, python_floor

sys.path.insert(0, str(ROOT))

SEED_FRAGMENT = SEEDS / "000_42d1eb97acc0e907.txt"
LOCALES = ROOT / "locales"


def _glossary():
    from transkit.config import Config
    from transkit.repair import _glossary_terms

    return _glossary_terms(Config(root=ROOT), None)  # both scripts: the runs below repair both


def accuracy() -> list[str]:
    import opencc

    from transkit import mojibake

    lex = _glossary()
    s2twp = opencc.OpenCC("s2twp")
    rows = []
    sets = [
        ("seed zh-Hans -> s2twp (the benchmark)", s2twp.convert(SEED_HANS.read_text(encoding="utf-8")), "zh-Hant"),
        ("seed zh-Hans as it is", SEED_HANS.read_text(encoding="utf-8"), "zh-Hans"),
        ("dev: locales zh-Hant", (LOCALES / "zh-Hant" / "roadmap.md").read_text(encoding="utf-8"), "zh-Hant"),
        ("dev: locales zh-Hans -> s2twp", s2twp.convert((LOCALES / "zh-Hans" / "roadmap.md").read_text(encoding="utf-8")), "zh-Hant"),
    ]
    for name, text, lang in sets:
        damaged = mojibake.simulate(text, "cp1254")
        for label, lexicon in (("jieba only", ()), ("+ glossary", lex)):
            res = mojibake.repair_text(damaged, lang=lang, lexicon=lexicon)
            sc = mojibake.score_repair(text, damaged, res.text)
            rows.append(
                f"- {name}, {label}: characters {sc['characters_exact'] * 100:.2f} % exact "
                f"({sc['character_errors']} wrong of {sc['characters']}); damaged lines "
                f"{sc['lines_exact'] * 100:.1f} % exact ({sc['damaged_lines_exact']}/{sc['damaged_lines']}); "
                f"{len(res.choices)} characters guessed, {len(res.low_confidence())} below 0.90"
            )
    return rows


def lossless() -> list[str]:
    import opencc

    from transkit import mojibake

    texts = {
        "seed zh-Hans": SEED_HANS.read_text(encoding="utf-8"),
        "locales (en, zh-Hans, zh-Hant)": "\n".join((LOCALES / lg / "roadmap.md").read_text(encoding="utf-8") for lg in ("en", "zh-Hans", "zh-Hant")),
    }
    texts["seed s2twp"] = opencc.OpenCC("s2twp").convert(texts["seed zh-Hans"])
    rows = []
    for codec in ("cp1252", "cp1254", "gbk", "big5"):
        exact = []
        for name, text in texts.items():
            damaged = text.encode("utf-8").decode(codec, errors="surrogateescape")
            exact.append(mojibake.repair_text(damaged).text == text)
        rows.append(f"- UTF-8 read as {codec}: {sum(exact)}/{len(exact)} texts restored byte for byte ({', '.join(texts)})")
    return rows


def speed(runs: int) -> list[str]:
    import opencc

    from transkit import langmodel, mojibake

    text = opencc.OpenCC("s2twp").convert(SEED_HANS.read_text(encoding="utf-8"))
    damaged = mojibake.simulate(text, "cp1254")
    lossless_dmg = text.encode("utf-8").decode("gbk", errors="surrogateescape")
    western = text.encode("utf-8").decode("cp1252", errors="surrogateescape")
    nbytes = len(damaged.encode("utf-8"))
    lm = langmodel.load("zh-Hant")  # writes the stored lexicon if there is none yet
    t0 = time.process_time()
    langmodel.load.__wrapped__("zh-Hant")
    load = time.process_time() - t0
    os.environ["TRANSKIT_NO_CACHE"] = "1"
    try:
        t0 = time.process_time()
        langmodel.load.__wrapped__("zh-Hant")
        parse = time.process_time() - t0
    finally:
        del os.environ["TRANSKIT_NO_CACHE"]
    # Warm the regular expressions, byte tables and per-candidate-set tables on other text.
    other = mojibake.simulate((LOCALES / "zh-Hant" / "roadmap.md").read_text(encoding="utf-8"))
    mojibake.repair_text(other, lang="zh-Hant")

    def timed(fn, tables: bool = False) -> float:
        times = []
        for _ in range(runs):
            # Nothing learnt from an earlier run of the same text: results and
            # context segmentations are forgotten (with ``tables``, also what
            # depends on the model alone, as in a process that repairs one file).
            lm.clear_caches(tables=tables)
            t = time.process_time()
            fn()
            times.append(time.process_time() - t)
        return statistics.median(times)

    # What `transkit repair` does before its text report: repair, then list the uncertain characters.
    lossy = timed(lambda: mojibake.repair_text(damaged, lang="zh-Hant").low_confidence())
    lossy_cold = timed(lambda: mojibake.repair_text(damaged, lang="zh-Hant").low_confidence(), tables=True)
    new_text, vs_ftfy = fresh_text(lm, damaged, other, runs)
    first = first_file(damaged, runs)
    lossy_json = timed(lambda: [c.to_dict() for c in mojibake.repair_text(damaged, lang="zh-Hant").choices])
    gbk = timed(lambda: mojibake.repair_text(lossless_dmg, lang="zh-Hant"))
    cp1252 = timed(lambda: mojibake.repair_text(western, lang="zh-Hant"))
    import ftfy

    fix_text = timed(lambda: ftfy.fix_text(damaged))
    fix_enc = timed(lambda: ftfy.fix_encoding(damaged))
    mb = nbytes / 1e6
    return [
        f"- build: {build()}",
        f"- damaged benchmark text: {nbytes} bytes of UTF-8 (13,493 characters restored from it)",
        f"- `repair_text`, lossy Windows-1254 (1,407 characters guessed), uncertain ones listed: {lossy * 1000:.0f} ms CPU, {mb / lossy:.2f} MB/s",
        f"- the same, the model's tables empty (words read, per-candidate-set tables): {lossy_cold * 1000:.0f} ms CPU, {mb / lossy_cold:.2f} MB/s",
        f"- the same, a text new to a process that has repaired another document (the model's tables hold what "
        f"`locales/zh-Hant` needed): {new_text * 1000:.0f} ms CPU, {mb / new_text:.2f} MB/s; against ftfy `fix_text` "
        f"run alternately on the same text: {vs_ftfy[0]:.2f}x as fast with tables warm, {vs_ftfy[1]:.2f}x for a new "
        f"text (the target, 1 MB/s where ftfy makes 0.5 MB/s, is 2x)",
        f"- the same, the first file of a fresh process (model loaded, nothing else warm; the glossary's words added as "
        f"`transkit repair` does): {first[0] * 1000:.0f} ms CPU, {mb / first[0]:.2f} MB/s (without the glossary "
        f"{first[1] * 1000:.0f} ms, {mb / first[1]:.2f} MB/s)",
        f"- the same with every choice's ranked candidates (the JSON report): {lossy_json * 1000:.0f} ms CPU, {mb / lossy_json:.2f} MB/s",
        f"- `repair_text`, the same text read as GBK (lossless): {gbk * 1000:.0f} ms CPU, {len(lossless_dmg.encode('utf-8', 'surrogateescape')) / 1e6 / gbk:.2f} MB/s",
        f"- `repair_text`, the same text read as Windows-1252 (lossless): {cp1252 * 1000:.0f} ms CPU, {len(western.encode('utf-8', 'surrogateescape')) / 1e6 / cp1252:.2f} MB/s",
        f"- ftfy `fix_text` on the lossy text (repairs only intact characters): {fix_text * 1000:.0f} ms, {mb / fix_text:.2f} MB/s; "
        f"`fix_encoding`: {fix_enc * 1000:.0f} ms, {mb / fix_enc:.2f} MB/s",
        f"- loading the zh-Hant model (once per process): {load * 1000:.0f} ms CPU from the stored lexicon "
        f"(user cache directory), {parse * 1000:.0f} ms parsing the shipped file (first run, or TRANSKIT_NO_CACHE)",
    ]


def build() -> str:
    """Which build of the repair path runs: compiled (mypyc) or the source."""
    from transkit import mojibake

    if mojibake.__file__.endswith(".py"):
        return "pure Python (the source; TRANSKIT_PURE_PYTHON=1 or nothing compiled)"
    return f"compiled by mypyc ({Path(mojibake.__file__).name})"


def fresh_text(lm, damaged: str, other: str, runs: int) -> tuple[float, tuple[float, float]]:
    """CPU time of repairing ``damaged`` when the model's tables hold only what ``other`` needed,
    and the speed of repair over ftfy's ``fix_text``, alternated run by run (warm tables, new text)."""
    import ftfy

    from transkit import mojibake

    new, warm, ref = [], [], []
    for _ in range(runs):
        lm.clear_caches(tables=True)
        mojibake.repair_text(other, lang="zh-Hant")
        lm.clear_caches()
        t = time.process_time()
        mojibake.repair_text(damaged, lang="zh-Hant").low_confidence()
        new.append(time.process_time() - t)
        lm.clear_caches()
        t = time.process_time()
        mojibake.repair_text(damaged, lang="zh-Hant").low_confidence()
        warm.append(time.process_time() - t)
        t = time.process_time()
        ftfy.fix_text(damaged)
        ref.append(time.process_time() - t)
    new_s, warm_s, ref_s = (statistics.median(v) for v in (new, warm, ref))
    return new_s, (ref_s / warm_s, ref_s / new_s)


_FIRST_FILE = r"""
import sys, time
from pathlib import Path
from transkit import langmodel, mojibake
from transkit.config import Config
from transkit.repair import _glossary_terms
text = Path(sys.argv[1]).read_text(encoding="utf-8")
lexicon = _glossary_terms(Config(root=Path(sys.argv[2])), "zh-Hant") if sys.argv[3] == "1" else ()
langmodel.load("zh-Hant")
t = time.process_time()
mojibake.repair_text(text, lang="zh-Hant", lexicon=lexicon).low_confidence()
print(time.process_time() - t)
"""


def first_file(damaged: str, runs: int) -> tuple[float, float]:
    """CPU time of repairing ``damaged`` as the first file of a fresh process (with, without the glossary)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "damaged.md"
        src.write_text(damaged, encoding="utf-8")
        out = []
        for lex in ("1", "0"):
            times = [
                float(subprocess.run([PY, "-c", _FIRST_FILE, str(src), str(ROOT), lex], capture_output=True, text=True, check=True, env=harness.ENV).stdout)
                for _ in range(runs)
            ]
            out.append(statistics.median(times))
    return out[0], out[1]


def whole(runs: int) -> list[str]:
    """Whole-process `transkit repair` of the damaged benchmark file, and of a one-line damaged file."""
    import opencc

    from transkit import mojibake

    damaged = mojibake.simulate(opencc.OpenCC("s2twp").convert(SEED_HANS.read_text(encoding="utf-8")), "cp1254")
    tiny = mojibake.simulate("本節說明如何把模型部署到生產環境。\n", "cp1254")
    rows = [f"- build: {build()}"]
    load0 = harness.load_average()
    with tempfile.TemporaryDirectory() as tmp:
        # A cache directory of its own: the first (warm-up) run stores the lexicon, as a user's first run does.
        env = {"TRANSKIT_CACHE_DIR": str(Path(tmp) / "cache")}
        big = Path(tmp) / "damaged.zh-Hant.md"
        big.write_text(damaged, encoding="utf-8")
        small = Path(tmp) / "tiny.zh-Hant.md"
        small.write_text(tiny, encoding="utf-8")
        out = str(Path(tmp) / "out.md")
        figures = {}
        for name, path, extra in (("big", big, {}), ("tiny", small, {}), ("nocache", big, {"TRANSKIT_NO_CACHE": "1"})):
            wall = median_time([PY, "-m", "transkit", "repair", str(path), "-o", out], runs=runs, warmup=1, env={**env, **extra})
            figures[name] = (wall, harness.LAST_MEDIAN_CPU)
        load_code = "import transkit.cli; from transkit import langmodel, mojibake, repair; langmodel.load('zh-Hant')"
        figures["load"] = (median_time([PY, "-c", load_code], runs=runs, warmup=1, env=env), harness.LAST_MEDIAN_CPU)
    floor = python_floor(runs=runs)
    floor_cpu = harness.LAST_MEDIAN_CPU
    nbytes = len(damaged.encode("utf-8"))
    mb = nbytes / 1e6
    (wall, cpu), (twall, tcpu), (nwall, ncpu) = figures["big"], figures["tiny"], figures["nocache"]
    rows.append(
        f"- `transkit repair` of the damaged benchmark file ({nbytes} bytes): median {wall * 1000:.0f} ms wall, "
        f"{cpu * 1000:.0f} ms CPU: {mb / cpu:.2f} MB/s of damaged text (CPU), {mb / wall:.2f} MB/s (wall)"
    )
    rows.append(
        f"- the same on a one-line damaged file (interpreter, imports, model, glossary): {twall * 1000:.0f} ms wall, "
        f"{tcpu * 1000:.0f} ms CPU; beyond that the benchmark file costs {(cpu - tcpu) * 1000:.0f} ms CPU: "
        f"{mb / (cpu - tcpu):.2f} MB/s"
    )
    rows.append(f"- of it, starting Python, importing the CLI and loading the model: {figures['load'][1] * 1000:.0f} ms CPU")
    rows.append(f"- the benchmark file without the stored lexicon (TRANSKIT_NO_CACHE=1): {nwall * 1000:.0f} ms wall, {ncpu * 1000:.0f} ms CPU")
    rows.append(f"- `python -c pass`: {floor * 1000:.0f} ms wall, {floor_cpu * 1000:.0f} ms CPU; load average {load0:.2f} before, {harness.load_average():.2f} after")
    return rows


def fragment(runs: int) -> list[str]:
    from transkit import mojibake
    from transkit.config import Config
    from transkit.lint import lint_paths

    text = SEED_FRAGMENT.read_text(encoding="utf-8")
    damaged_lines = {n for n, ln in enumerate(text.split("\n"), start=1) if not ln.isascii()}
    lint = lint_paths([SEED_FRAGMENT], Config(root=ROOT), lang="zh-Hant", select_=["TK21"])
    flagged = {d.line for d in lint.diagnostics if d.code.startswith("TK21")}
    fixes = sum(1 for d in lint.diagnostics if d.fix)
    res = mojibake.repair_text(text, lang="zh-Hant", lexicon=_glossary())
    ref = mojibake.repair_text(text, lang="zh-Hant", lexicon=_glossary(), reference=SEED_HANS.read_text(encoding="utf-8"), reference_lang="zh-Hans")
    differ = sum(a != b for a, b in zip(res.text, ref.text))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.md"
        whole = median_time([PY, "-m", "transkit", "repair", str(SEED_FRAGMENT), "--lang", "zh-Hant", "-o", str(out)], runs=runs, warmup=1)
    floor = python_floor(runs=runs)
    return [
        f"- damaged lines flagged by `transkit lint` (TK210/TK211): {len(flagged & damaged_lines)}/{len(damaged_lines)}, "
        f"none elsewhere ({len(flagged - damaged_lines)}); {fixes} carry the repaired line as a fix (every guess >= 0.90)",
        f"- code page established: {res.codec}; {len(res.changed_lines)} lines repaired, {len(res.choices)} lost characters guessed, "
        f"{len(res.low_confidence())} below 0.90, {res.unresolved} U+FFFD or undecidable characters left",
        f"- with `--reference` (the zh-Hans seed, a newer version of the text): {len(ref.low_confidence())} below 0.90; "
        f"{differ} characters chosen differently",
        f"- whole-process `transkit repair` of the fragment ({SEED_FRAGMENT.stat().st_size} bytes): median {whole * 1000:.0f} ms "
        f"({floor * 1000:.0f} ms of it is `python -c pass`)",
    ]


_LINT_COST = r"""
import sys, time
from pathlib import Path
from transkit import lint as L
from transkit.checks import select
from transkit.config import Config
from transkit.document import Document
from transkit.project import walk

root = Path(sys.argv[1])
spent = {}
run = L._run
def timed(check, config, call, path, lang):
    t = time.process_time()
    try:
        return run(check, config, call, path, lang)
    finally:
        spent[check.code] = spent.get(check.code, 0.0) + time.process_time() - t
L._run = timed
jobs = [L.Job(p) for p in walk([root])]
t = time.process_time()
L.Runner(Config(root=root), select(None, None), use_cache=False, jobs=1).run(jobs)
total = time.process_time() - t
texts = [j.path.read_text(encoding="utf-8") for j in jobs]
t = time.process_time()
for text in texts:
    if not text.isascii():
        frozenset(text)
chars = time.process_time() - t
docs = [Document.from_text(text, str(j.path)) for text, j in zip(texts, jobs)]
for d in docs:
    d.chars
from transkit.checks import mojibake as M
class Ctx:
    lang = None
    resources = None
M._CACHE.clear()
for d in docs:
    M.analyze(d, Ctx())
for d in docs:
    M._CACHE.pop(id(d), None)
t = time.process_time()
for d in docs:
    M.analyze(d, Ctx())
warm = time.process_time() - t
size = sum(len(x.encode("utf-8")) for x in texts)
tk21 = sum(v for k, v in spent.items() if k.startswith("TK21"))
print(size, tk21, chars, warm, total, "transkit.langmodel" in sys.modules)
"""


def lint_cost(runs: int) -> list[str]:
    """TK210-TK217 on the clean corpus of benchmarks/corpus.py, in one process, per check (CPU)."""
    import subprocess

    rows = []
    for name in ("1mb", "10mb"):
        root = ROOT / "benchmarks" / "corpus" / name
        if not root.is_dir():
            subprocess.run([PY, str(ROOT / "benchmarks" / "corpus.py"), name[:-2]], check=True, stdout=subprocess.DEVNULL)
        results = []
        for _ in range(max(1, runs // 2)):
            out = subprocess.run([PY, "-c", _LINT_COST, str(root)], capture_output=True, text=True, check=True).stdout.split()
            results.append(out)
        size = int(results[0][0])
        tk21, chars, warm, total = (statistics.median(float(r[k]) for r in results) for k in (1, 2, 3, 4))
        mb = size / 1e6
        rows.append(
            f"- `benchmarks/corpus/{name}` ({mb:.1f} MB, all checks, one process): TK210-TK217 {tk21 * 1000:.0f} ms CPU "
            f"({tk21 / mb * 1000:.1f} ms per MB), of which {chars * 1000:.0f} ms build `Document.chars` (read by the "
            f"encoding and script checks too); the mojibake analysis again on the same documents, character sets "
            f"built: {warm / mb * 1000:.1f} ms per MB; whole lint {total:.2f} s; language model loaded: {results[0][5]}"
        )
    imp = subprocess.run(
        [PY, "-c", "import time, transkit.lint, transkit.checks; from transkit.checks import select; select(None, None); "
         "t = time.perf_counter(); import transkit.mojibake; print(time.perf_counter() - t)"],
        capture_output=True, text=True, check=True,
    )
    rows.append(f"- importing `transkit.mojibake` on the lint path: {float(imp.stdout) * 1000:.1f} ms")
    return rows


_WORKER = r"""
import sys, time
from pathlib import Path
from transkit import langmodel, mojibake
damaged, other = (Path(p).read_text(encoding="utf-8") for p in sys.argv[1:3])
lm = langmodel.load("zh-Hant")
mojibake.repair_text(other, lang="zh-Hant")
print(mojibake.__file__, flush=True)
for line in sys.stdin:
    if line.strip() == "new":
        lm.clear_caches(tables=True)
        mojibake.repair_text(other, lang="zh-Hant")
    lm.clear_caches()
    t = time.process_time()
    mojibake.repair_text(damaged, lang="zh-Hant").low_confidence()
    print(time.process_time() - t, flush=True)
"""


def builds(pairs: int, rounds: int) -> list[str]:
    """The compiled build against the source: pairs of worker processes (one each), requests alternated."""
    import opencc

    from transkit import mojibake

    if mojibake.__file__.endswith(".py"):
        return ["- nothing compiled in this installation: no comparison"]
    damaged = mojibake.simulate(opencc.OpenCC("s2twp").convert(SEED_HANS.read_text(encoding="utf-8")), "cp1254")
    other = mojibake.simulate((LOCALES / "zh-Hant" / "roadmap.md").read_text(encoding="utf-8"))
    ratios: dict[str, list[float]] = {"new": [], "warm": []}
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / "damaged.md", Path(tmp) / "other.md"]
        paths[0].write_text(damaged, encoding="utf-8")
        paths[1].write_text(other, encoding="utf-8")
        for _ in range(pairs):
            procs = {}
            for name, extra in (("compiled", {}), ("pure", {"TRANSKIT_PURE_PYTHON": "1"})):
                env = {k: v for k, v in harness.ENV.items() if k != "TRANSKIT_PURE_PYTHON"} | extra
                p = subprocess.Popen([PY, "-c", _WORKER, *map(str, paths)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
                p.stdout.readline()
                procs[name] = p
            times: dict[tuple[str, str], list[float]] = {}
            for r in range(rounds):
                for mode in ratios:
                    for name in (("compiled", "pure") if r % 2 == 0 else ("pure", "compiled")):
                        procs[name].stdin.write(mode + "\n")
                        procs[name].stdin.flush()
                        times.setdefault((name, mode), []).append(float(procs[name].stdout.readline()))
            for p in procs.values():
                p.stdin.close()
                p.wait()
            for mode in ratios:
                ratios[mode].append(statistics.median(times["compiled", mode]) / statistics.median(times["pure", mode]))
    return [
        f"- compiled / pure Python CPU time, {mode} ({'a text new to the process' if mode == 'new' else 'tables warm'}): "
        f"median {statistics.median(v):.2f} over {pairs} pairs of processes ({', '.join(f'{x:.2f}' for x in v)})"
        for mode, v in ratios.items()
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--lint-only", action="store_true", help="only the lint fast path (TK21x on clean text)")
    ap.add_argument("--whole", action="store_true", help="only the whole-process `transkit repair` figures")
    ap.add_argument("--speed", action="store_true", help="only the in-process speed figures")
    ap.add_argument("--builds", action="store_true", help="only the compiled build against the source, in alternating processes")
    args = ap.parse_args()
    if args.lint_only:
        print("\n".join(lint_cost(args.runs)))
        return
    if not SEED_HANS.is_file():
        raise SystemExit("the seed documents (../shared/seeds/) are needed for this benchmark")
    if args.whole:
        print("\n".join(whole(args.runs)))
        return
    if args.speed:
        print("\n".join(speed(args.runs)))
        return
    if args.builds:
        print("\n".join(builds(5, args.runs)))
        return
    print("## mojibake\n")
    print("Lossy repair accuracy (`python benchmarks/bench_repair.py`):\n")
    print("\n".join(accuracy()))
    print("\nLossless accidents:\n")
    print("\n".join(lossless()))
    print("\nSpeed (median of %d runs, CPU time in one process):\n" % args.runs)
    print("\n".join(speed(args.runs)))
    print("\nWhole process (median of %d runs):\n" % args.runs)
    print("\n".join(whole(args.runs)))
    print("\nThe user's damaged fragment (000_42d1eb97acc0e907.txt):\n")
    print("\n".join(fragment(args.runs)))
    print("\nThe lint fast path on clean text (TK210-TK217):\n")
    print("\n".join(lint_cost(args.runs)))


if __name__ == "__main__":
    main()
