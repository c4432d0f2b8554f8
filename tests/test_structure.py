"""Structure checks (TK101-TK107) and pair-judged untranslated text (TK310, TK311).

The golden files (tests/golden/TK1*.toml, TK31*.toml) hold the small cases;
these tests cover options, fixes, helpers and real documents: the bundled
sample and the user's zh-Hans seed against a zh-Hant made from it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from transkit.checks import load_all
from transkit.checks.base import PairContext
from transkit.checks.structure import (
    code_content,
    link_targets,
    marked_translated,
    normalize_target,
    tables_of,
)
from transkit.config import Config
from transkit.document import BlockKind, Document
from transkit.resources import Resources

ROOT = Path(__file__).resolve().parent.parent
CODES = ("TK101", "TK102", "TK103", "TK104", "TK105", "TK106", "TK107", "TK310", "TK311")


def pair_ctx(src: str, tgt: str, src_lang="en", tgt_lang="zh-Hans") -> PairContext:
    config = Config()
    return PairContext(
        source=Document.from_text(src, "src.md", src_lang),
        target=Document.from_text(tgt, "tgt.md", tgt_lang),
        source_lang=src_lang,
        target_lang=tgt_lang,
        config=config,
        resources=Resources(config),
    )


def run(ctx: PairContext, codes=CODES, options=None) -> list:
    checks = load_all()
    out = []
    for code in codes:
        cls = checks[code]
        if not cls.applies_to(ctx.target_lang):
            continue
        out.extend(cls((options or {}).get(code)).check_pair(ctx))
    return sorted(out, key=lambda d: d.sort_key)


def test_every_check_is_registered_with_documentation():
    checks = load_all()
    for code in CODES:
        cls = checks[code]
        doc = cls.documentation()
        assert "Failing example" in doc and "Fix" in doc, code
        assert cls.scope.value == "pair"


# --------------------------------------------------------------------------- #
# Heading level: the fix and the allow-shift option
# --------------------------------------------------------------------------- #

SHIFTED_SRC = "# Guide\n\n## Install\n\nUse `pip install x==1.2`.\n\n### Extras\n\nAdd `x[gpu]` for CUDA 12.1.\n"
SHIFTED_TGT = "# 指南\n\n### 安装\n\n使用 `pip install x==1.2`。\n\n#### 附加\n\n添加 `x[gpu]` 以支持 CUDA 12.1。\n"


def test_heading_level_fix_rewrites_the_markers():
    ctx = pair_ctx(SHIFTED_SRC, SHIFTED_TGT)
    found = run(ctx, ["TK104"])
    assert [(d.line, d.column) for d in found] == [(3, 1), (7, 1)]
    fixes = [d.fix for d in found]
    assert [(f.line, f.column, f.end_column, f.replacement) for f in fixes] == [(3, 1, 4, "##"), (7, 1, 5, "###")]
    # Applying the fixes gives the source's levels.
    lines = SHIFTED_TGT.split("\n")
    for f in fixes:
        body = lines[f.line - 1]
        lines[f.line - 1] = body[: f.column - 1] + f.replacement + body[f.end_column - 1 :]
    fixed = Document.from_text("\n".join(lines), "t.md", "zh-Hans")
    assert [s.level for s in fixed.headings] == [1, 2, 3]


def test_heading_level_allow_shift_accepts_a_uniform_shift_only():
    src = "## Install\n\nUse `pip install x==1.2`.\n\n### Extras\n\nAdd `x[gpu]` for CUDA 12.1.\n"
    tgt = "### 安装\n\n使用 `pip install x==1.2`。\n\n#### 附加\n\n添加 `x[gpu]` 以支持 CUDA 12.1。\n"
    assert run(pair_ctx(src, tgt), ["TK104"], {"TK104": {"allow-shift": True}}) == []
    assert len(run(pair_ctx(src, tgt), ["TK104"])) == 2
    uneven = tgt.replace("#### 附加", "### 附加")
    assert [d.line for d in run(pair_ctx(src, uneven), ["TK104"], {"TK104": {"allow-shift": True}})] == [1]


# --------------------------------------------------------------------------- #
# Helpers
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "url,want",
    [
        ("https://example.org/en/faq/", "https://example.org/{lang}/faq"),
        ("../zh-Hant/setup.md#安裝", "../{lang}/setup.md"),
        ("README.zh-CN.md", "README.{lang}.md"),
        ("<https://example.org/a b>", "https://example.org/a b"),
        ("https://example.org/entry", "https://example.org/entry"),  # "en" only as a whole segment
        ("docs/token.md", "docs/token.md"),
    ],
)
def test_normalize_target(url, want):
    assert normalize_target(url) == want


def test_link_targets_know_images_references_and_html():
    doc = Document.from_text(
        'See [a](https://x.org/a "t") and ![img](p.png), <https://auto.org>, www.w.org/x.\n\n[ref]: https://ref.org/z\n\n<img src="h.png"> <a href="https://h.org">h</a>\n\n[frag](#only-here)\n',
        "d.md",
        "en",
    )
    found = link_targets(doc, range(1, doc.line_count + 1))
    assert [(t.line, t.url, t.image, t.reference) for t in found] == [
        (1, "https://x.org/a", False, False),
        (1, "p.png", True, False),
        (1, "https://auto.org", False, False),
        (1, "www.w.org/x", False, False),
        (3, "https://ref.org/z", False, True),
        (5, "h.png", True, False),
        (5, "https://h.org", False, False),
    ]
    for t in found:  # columns point at the target itself
        assert doc.body(t.line)[t.column - 1 :].startswith(t.url)


def test_code_content_and_marks():
    doc = Document.from_text(
        "- item\n\n  ```python {.translated}\n  x = 1\n    y = 2\n  ```\n\n<!-- transkit-translated-code -->\n\n~~~\nplain\n~~~\n\n```sh\nls\n```\n",
        "d.md",
        "en",
    )
    codes = [b for b in doc.blocks if b.kind is BlockKind.CODE]
    assert [t for _, t in code_content(doc, codes[0])] == ["x = 1", "  y = 2"]
    assert [marked_translated(doc, b) for b in codes] == [True, True, False]


def test_tables_of():
    doc = Document.from_text("# T\n\n| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n\n| x |\n|---|\n", "d.md", "en")
    assert [(t.header, t.columns, t.rows) for t in tables_of(doc, doc.sections[1])] == [(3, 2, 2), (8, 1, 0)]


def test_code_block_difference_column_and_line_count():
    src = "# S\n\n```\na\nbcd\n```\n"
    assert [(d.line, d.column) for d in run(pair_ctx(src, "# 设\n\n```\na\nbXd\n```\n"), ["TK105"])] == [(5, 2)]
    longer = run(pair_ctx(src, "# 设\n\n```\na\nbcd\ne\n```\n"), ["TK105"])
    assert [(d.line, d.column) for d in longer] == [(6, 1)] and "3 lines" in longer[0].message


def test_low_confidence_pairs_are_not_compared():
    from dataclasses import replace

    from transkit.checks.structure import MIN_CONFIDENCE

    src = "# A\n\n## B\n\n```\nx = 1\n```\n\n| a | b |\n|---|---|\n\nSee https://example.org/b.\n"
    tgt = "# 甲\n\n### 乙\n\n```\nx = 2\n```\n\n| 甲 |\n|---|\n\n见 https://example.org/c。\n"
    ctx = pair_ctx(src, tgt)
    assert {d.code for d in run(ctx, ["TK104", "TK105", "TK106", "TK107"])} == {"TK104", "TK105", "TK106", "TK107"}
    # The same pairs, made unsure: nothing is compared.
    weak = pair_ctx(src, tgt)
    alignment = weak.alignment
    alignment.pairs[:] = [replace(p, confidence=MIN_CONFIDENCE / 2) if p.matched else p for p in alignment.pairs]
    alignment._by_source = {p.source.index: p for p in alignment.pairs if p.source is not None}
    assert run(weak, ["TK104", "TK105", "TK106", "TK107"]) == []


# --------------------------------------------------------------------------- #
# Real documents
# --------------------------------------------------------------------------- #


def _sample(lang: str) -> str:
    path = ROOT / "locales" / lang / "roadmap.md"
    if not path.is_file():
        pytest.skip("the bundled sample is not in this checkout")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("src_lang,tgt_lang", [("en", "zh-Hans"), ("en", "zh-Hant"), ("zh-Hans", "zh-Hant")])
def test_bundled_sample_has_no_structure_findings(src_lang, tgt_lang):
    assert run(pair_ctx(_sample(src_lang), _sample(tgt_lang), src_lang, tgt_lang)) == []


def _s2twp(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2twp.json").convert(text)


def test_seed_against_its_own_conversion_is_clean(seed_hans):
    text = seed_hans.read_text(encoding="utf-8")
    assert run(pair_ctx(text, _s2twp(text), "zh-Hans", "zh-Hant")) == []


def test_seed_with_a_section_dropped_and_two_swapped(seed_hans):
    text = seed_hans.read_text(encoding="utf-8")
    src = Document.from_text(text, "s.md", "zh-Hans")
    pieces = [s.text for s in Document.from_text(_s2twp(text), "t.md", "zh-Hant").sections]
    dropped = src.sections[6]
    order = list(range(len(pieces)))
    order[12], order[13] = order[13], order[12]
    order.remove(6)
    ctx = pair_ctx(text, "".join(pieces[k] for k in order), "zh-Hans", "zh-Hant")
    found = run(ctx)
    assert [d.code for d in found] == ["TK101", "TK103"]
    missing, moved = found
    assert f"source line {dropped.start_line}" in missing.message and dropped.title in missing.message
    swapped_lines = {ctx.target.sections[order.index(k)].start_line for k in (12, 13)}
    assert moved.line in swapped_lines


def test_seed_section_left_unconverted_is_reported(seed_hans):
    text = seed_hans.read_text(encoding="utf-8")
    src = Document.from_text(text, "s.md", "zh-Hans")
    pieces = [s.text for s in Document.from_text(_s2twp(text), "t.md", "zh-Hant").sections]
    pieces[4] = src.sections[4].text  # never converted
    found = run(pair_ctx(text, "".join(pieces), "zh-Hans", "zh-Hant"), ["TK310"])
    assert len(found) == 1 and "never converted" in found[0].message
    assert found[0].line == src.sections[4].start_line
