"""Benchmark corpus: trees of en / zh-Hans / zh-Hant Markdown documents of a given size.

Documents are assembled from the sections of the bundled sample (locales/) and,
when ../shared/seeds/ is beside the checkout, the user's zh-Hans roadmap (and
its OpenCC s2twp conversion for zh-Hant). Each document set takes a different
selection and order of sections, renumbered, and some translations drop a
section, so alignment and structure checks have real work to do. The output
is deterministic for a given size.

    python benchmarks/corpus.py 10          # writes benchmarks/corpus/10mb/
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from transkit.document import Document  # noqa: E402

SEED_HANS = ROOT.parent / "shared" / "seeds" / "003_ec9d70b875b50cd5.txt"
LANGS = ("en", "zh-Hans", "zh-Hant")
_NUM = re.compile(r"^(#{1,6}\s+)\d+\.\s*")


def _sections(text: str) -> list[str]:
    doc = Document.from_text(text)
    return [s.text for s in doc.sections if not s.is_preamble and s.level >= 2 and s.text.strip()]


def pools() -> dict[str, list[list[str]]]:
    """Aligned section pools: pools[lang][i] is one unit of sections, the same unit in every language."""
    sample = {lg: _sections((ROOT / "locales" / lg / "roadmap.md").read_text(encoding="utf-8")) for lg in LANGS}
    n = min(len(v) for v in sample.values())
    units = {lg: [[sample[lg][i]] for i in range(n)] for lg in LANGS}
    if SEED_HANS.is_file():
        import opencc

        hans = _sections(SEED_HANS.read_text(encoding="utf-8"))
        conv = opencc.OpenCC("s2twp")
        # The seed has no English: its sections ride along with a sample section so
        # that the English side still has a counterpart unit.
        for i, sec in enumerate(hans):
            j = i % n
            units["en"].append([sample["en"][j]])
            units["zh-Hans"].append([sample["zh-Hans"][j], sec])
            units["zh-Hant"].append([sample["zh-Hant"][j], conv.convert(sec)])
    return units


def _renumber(sections: list[str]) -> str:
    out = []
    for k, sec in enumerate(sections, 1):
        first, _, rest = sec.partition("\n")
        first = _NUM.sub(lambda m: f"{m.group(1)}{k}. ", first)
        out.append(first + "\n" + rest)
    return "".join(out)


def build(size_mb: int, out: Path | None = None) -> Path:
    out = out or HERE / "corpus" / f"{size_mb}mb"
    marker = out / ".complete"
    if marker.is_file():
        return out
    units = pools()
    rng = random.Random(size_mb)
    total = 0
    target = size_mb * 1_000_000
    idx = 0
    for lg in LANGS:
        (out / "locales" / lg).mkdir(parents=True, exist_ok=True)
    count = len(units["en"])
    while total < target:
        picks = rng.sample(range(count), k=min(count, rng.randint(8, 14)))
        drop = rng.random() < 0.3
        dropped = rng.choice(picks) if drop else None
        for lg in LANGS:
            chosen = [s for i in picks if not (lg != "en" and i == dropped) for s in units[lg][i]]
            title = {"en": "# Study notes", "zh-Hans": "# 学习笔记", "zh-Hant": "# 學習筆記"}[lg]
            body = f"{title} {idx}\n\n" + _renumber(chosen)
            data = body.encode("utf-8")
            (out / "locales" / lg / f"doc-{idx:05d}.md").write_bytes(data)
            total += len(data)
        idx += 1
    marker.write_text(f"{idx} document sets, {total} bytes\n", encoding="utf-8")
    return out


def tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in (root / "locales").rglob("*.md"))


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["1", "10"]:
        path = build(int(arg))
        print(f"{path}: {tree_bytes(path) / 1e6:.1f} MB")
