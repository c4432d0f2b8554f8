"""Section and block alignment (transkit.align) and the ``transkit align`` command.

The acceptance scenarios of issue 6 are built from the bundled sample
(locales/{en,zh-Hans,zh-Hant}/roadmap.md, parallel section by section) and from
the user's zh-Hans seed: numbering that drifts, Chinese to Chinese through
conversion, headings kept in English, translated, or at another level.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transkit.align import Alignment, BlockPair, SectionPair, align_documents, align_many, alignments_to_dict
from transkit.document import BlockKind, Document

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
HEADING = re.compile(r"^(#{1,6}) (\d+)\. ", re.M)


def sample(lang: str) -> str:
    path = LOCALES / lang / "roadmap.md"
    if not path.is_file():
        pytest.skip(f"{path} is not in this checkout yet")
    return path.read_text(encoding="utf-8")


def doc(text: str, lang: str, path: str | None = None) -> Document:
    return Document.from_text(text, path or f"{lang}.md", lang)


def pieces(text: str, lang: str) -> list[str]:
    """The section texts of a document (index 0 the preamble)."""
    return [s.text for s in doc(text, lang).sections]


def renumber(section_text: str, delta: int) -> str:
    return HEADING.sub(lambda m: f"{m.group(1)} {int(m.group(2)) + delta}. ", section_text, count=1)


def mapping(a: Alignment) -> dict[int | None, int | None]:
    """source section index -> target section index (None for missing), plus extras under None keys."""
    out = {}
    for p in a.pairs:
        if p.source is not None:
            out[p.source.index] = p.target.index if p.target is not None else None
    return out


def check_invariants(a: Alignment) -> None:
    src_seen = [p.source.index for p in a.pairs if p.source is not None]
    tgt_seen = [p.target.index for p in a.pairs if p.target is not None]
    assert sorted(src_seen) == list(range(len(a.source.sections)))
    assert tgt_seen == list(range(len(a.target.sections)))  # target order, each once
    for p in a.pairs:
        assert 0.0 <= p.confidence <= 1.0
        assert p.source is not None or p.target is not None
        if not p.matched:
            assert p.confidence == 0.0 and not p.moved
    assert a.pairs[0].source.index == 0 and a.pairs[0].target.index == 0


# --------------------------------------------------------------------------- #
# The sample as shipped
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("src_lang,tgt_lang", [("en", "zh-Hans"), ("en", "zh-Hant"), ("zh-Hans", "zh-Hant"), ("zh-Hant", "zh-Hans")])
def test_parallel_sample_pairs_section_by_section(src_lang, tgt_lang):
    s, t = doc(sample(src_lang), src_lang), doc(sample(tgt_lang), tgt_lang)
    assert len(s.sections) == len(t.sections)
    a = align_documents(s, t)
    check_invariants(a)
    assert mapping(a) == {k: k for k in range(len(s.sections))}
    assert not a.missing and not a.extra and not a.moved
    assert min(p.confidence for p in a.matched) >= 0.5


# --------------------------------------------------------------------------- #
# Acceptance: numbering is not trusted
# --------------------------------------------------------------------------- #

NEW_SECTION = """## 3. Data curation at scale

Before any training run, the corpus is filtered. MinHash deduplication removes
near-copies, a quality classifier drops boilerplate, and a 40 GB sample is kept
aside for ablations (see https://example.org/curation and `dedup --fuzzy`).

"""


def drifted_source(en: str, insert_at: int) -> str:
    """The English sample with a section inserted before section ``insert_at``; later numbers shift by one."""
    secs = pieces(en, "en")
    out = secs[:insert_at] + [NEW_SECTION] + [renumber(s, 1) for s in secs[insert_at:]]
    return "".join(out)


@pytest.mark.parametrize("tgt_lang", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("insert_at,drop", [(4, 8), (3, 11), (9, 2), (6, 7)])
def test_numbering_is_not_trusted(tgt_lang, insert_at, drop):
    en = sample("en")
    n = len(pieces(en, "en"))
    src = doc(drifted_source(en, insert_at), "en")
    zh = pieces(sample(tgt_lang), tgt_lang)
    assert len(zh) == n
    tgt = doc("".join(s for k, s in enumerate(zh) if k != drop), tgt_lang)
    # The heading numbers now disagree: English "N+1." is the translation's "N.".
    a = align_documents(src, tgt)
    check_invariants(a)
    got = mapping(a)
    for k in range(n):
        src_index = k if k < insert_at else k + 1  # where original section k sits in the drifted source
        tgt_index = None if k == drop else (k if k < drop else k - 1)
        assert got[src_index] == tgt_index, (k, src_index, got)
    # The inserted section and the dropped one are the missing ones, and nothing is extra.
    missing = sorted(p.source.index for p in a.missing)
    assert missing == sorted([insert_at, drop if drop < insert_at else drop + 1])
    assert not a.extra
    assert not a.moved


# --------------------------------------------------------------------------- #
# Acceptance: Chinese to Chinese through conversion (the user's seed)
# --------------------------------------------------------------------------- #


def s2twp(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2twp.json").convert(text)


@pytest.mark.parametrize("removed,swap", [(5, (10, 11)), (3, (13, 16)), (19, (1, 2)), (12, (4, 18))])
def test_chinese_to_chinese_seed(seed_hans, removed, swap):
    text = seed_hans.read_text(encoding="utf-8")
    src = doc(text, "zh-Hans", "seed.zh-Hans.md")
    hant = pieces(s2twp(text), "zh-Hant")
    assert len(hant) == len(src.sections)
    order = list(range(len(hant)))
    i, j = swap
    order[i], order[j] = order[j], order[i]
    order.remove(removed)
    tgt = doc("".join(hant[k] for k in order), "zh-Hant", "seed.zh-Hant.md")
    a = align_documents(src, tgt)
    check_invariants(a)
    got = mapping(a)
    for pos, k in enumerate(order):
        assert got[k] == pos, (k, pos, got)
    assert got[removed] is None
    assert [p.source.index for p in a.missing] == [removed]
    assert not a.extra
    moved = {p.source.index for p in a.moved}
    assert moved and moved <= {i, j}
    assert min(p.confidence for p in a.matched) >= 0.7


# --------------------------------------------------------------------------- #
# Acceptance: headings in different languages and at different levels
# --------------------------------------------------------------------------- #


def _with_headings(zh: str, en: str, how: str) -> str:
    zh_secs, en_secs = pieces(zh, "zh-Hans"), doc(en, "en").sections
    out = [zh_secs[0]]
    for k, piece in enumerate(zh_secs[1:], start=1):
        first, rest = piece.split("\n", 1)
        src = en_secs[k]
        if how == "english":
            marks = first.split(" ", 1)[0]
            first = f"{marks} {(src.number + ' ') if src.number else ''}{src.title}"
        out.append(first + "\n" + rest)
    return "".join(out)


@pytest.mark.parametrize("how", ["english", "translated"])
def test_headings_kept_in_english_or_translated(how):
    en = sample("en")
    zh = _with_headings(sample("zh-Hans"), en, how)
    secs = pieces(zh, "zh-Hans")
    drop = 6
    tgt = doc("".join(s for k, s in enumerate(secs) if k != drop), "zh-Hans")
    if how == "english":
        assert any(s.title == "Quantization" for s in tgt.sections)
    a = align_documents(doc(en, "en"), tgt)
    check_invariants(a)
    got = mapping(a)
    assert got == {k: (None if k == drop else k if k < drop else k - 1) for k in range(len(secs))}


def test_heading_levels_changed():
    """### in the English source (sections nested under parts), ## in the translation."""
    en = sample("en")
    en_secs = pieces(en, "en")
    # Group the numbered sections under two part headings and push them one level down.
    parts = [en_secs[0], en_secs[1], "## Part one: training\n\n"]
    for k, s in enumerate(en_secs[2:], start=2):
        if k == 7:
            parts.append("## Part two: applications\n\n")
        parts.append(s.replace("## ", "### ", 1) if s.startswith("## ") else s)
    src = doc("".join(parts), "en")
    assert [s.level for s in src.sections].count(3) >= 8
    zh = pieces(sample("zh-Hans"), "zh-Hans")
    drop = 4
    tgt = doc("".join(s for k, s in enumerate(zh) if k != drop), "zh-Hans")
    a = align_documents(src, tgt)
    check_invariants(a)
    by_title = {p.source.title: p.target for p in a.pairs if p.source is not None and not p.source.is_preamble}
    assert by_title["Part one: training"] is None and by_title["Part two: applications"] is None
    en_titles = [s.title for s in doc(en, "en").sections]
    zh_doc = doc(sample("zh-Hans"), "zh-Hans")
    for k in range(1, len(en_titles)):
        want = None if k == drop else zh_doc.sections[k].title
        got = by_title[en_titles[k]]
        assert (got.title if got is not None else None) == want, en_titles[k]
    assert not a.extra


def test_small_documents_with_names_and_numbers():
    src = doc(
        "# Models\n\n## Llama\n\nLlama 3.1 was trained on 15T tokens by Meta.\n\n"
        "## Mistral\n\nMistral 7B uses sliding-window attention.\n\n## Qwen\n\nQwen2.5 supports 29 languages.\n",
        "en",
    )
    tgt = doc("# 模型\n\n## 千问\n\nQwen2.5 支持 29 种语言。\n\n## 羊驼\n\nLlama 3.1 由 Meta 用 15T 个词元训练。\n", "zh-Hans")
    a = align_documents(src, tgt)
    check_invariants(a)
    titles = [(p.source.title if p.source else None, p.target.title if p.target else None) for p in a.pairs[1:]]
    assert ("Models", "模型") in titles
    assert ("Qwen", "千问") in titles and ("Llama", "羊驼") in titles and ("Mistral", None) in titles
    assert len(a.moved) == 1


def test_unrelated_section_is_not_forced_into_a_pair():
    # The translation keeps code and links (so a section lacking them is not
    # the counterpart of one that has them), drops "Usage" and adds a note of its own.
    src = doc(
        "# A\n\n## Setup\n\nRun `pip install transkit` on Python 3.11, see https://example.org/setup.\n\n"
        "## Usage\n\nCall `transkit lint docs/` or read https://example.org/usage.\n\n"
        "## Config\n\nPut `select = [\"ALL\"]` in `transkit.toml`.\n",
        "en",
    )
    tgt = doc(
        "# A\n\n## 安装\n\n在 Python 3.11 上运行 `pip install transkit`，见 https://example.org/setup。\n\n"
        "## 译者注\n\n本译文由社区志愿者维护，欢迎到 https://example.org/zh/team 指正。\n\n"
        "## 配置\n\n在 `transkit.toml` 中写入 `select = [\"ALL\"]`。\n",
        "zh-Hans",
    )
    a = align_documents(src, tgt)
    check_invariants(a)
    assert [p.target.title for p in a.extra] == ["译者注"]
    assert [p.source.title for p in a.missing] == ["Usage"]


def test_empty_and_heading_only_documents():
    a = align_documents(doc("", "en"), doc("", "zh-Hans"))
    assert len(a.pairs) == 1 and a.pairs[0].confidence == 1.0
    a = align_documents(doc("# Only\n", "en"), doc("", "zh-Hans"))
    check_invariants(a)
    assert [p.source.title for p in a.missing] == ["Only"]
    a = align_documents(doc("", "en"), doc("# 标题\n\n正文。\n", "zh-Hans"))
    check_invariants(a)
    assert [p.target.title for p in a.extra] == ["标题"]


def test_lookups_and_frozen_values():
    en, zh = doc(sample("en"), "en"), doc(sample("zh-Hans"), "zh-Hans")
    a = align_documents(en, zh)
    sec = en.sections[3]
    pair = a.pair_for_source(sec)
    assert isinstance(pair, SectionPair) and pair.source is sec and pair.target is zh.sections[3]
    assert a.pair_for_target(zh.sections[3]) is pair
    assert a.pair_for_source(3) is pair
    with pytest.raises(AttributeError):
        pair.confidence = 0.5  # type: ignore[misc]


def test_align_many_keeps_argument_order():
    en = doc(sample("en"), "en")
    hans, hant = doc(sample("zh-Hans"), "zh-Hans"), doc(sample("zh-Hant"), "zh-Hant")
    out = align_many(en, [hant, hans])
    assert [a.target for a in out] == [hant, hans]
    data = alignments_to_dict(out)
    row = data["pairs"][2]
    assert row["source"]["line"] == en.sections[3].start_line
    assert [t["line"] for t in row["targets"]] == [hant.sections[3].start_line, hans.sections[3].start_line]


# --------------------------------------------------------------------------- #
# Blocks
# --------------------------------------------------------------------------- #


def test_blocks_pair_inside_sections_and_report_a_dropped_item():
    en = doc(sample("en"), "en")
    zh_text = sample("zh-Hans")
    zh = doc(zh_text, "zh-Hans")
    # Drop the first list item of section 2 in the translation.
    sec = zh.sections[2]
    item = next(b for b in sec.blocks if b.kind is BlockKind.LIST_ITEM)
    lines = zh_text.splitlines(keepends=True)
    del lines[item.start_line - 1 : item.end_line]
    zh2 = doc("".join(lines), "zh-Hans")
    a = align_documents(en, zh2)
    pair = a.pair_for_source(2)
    blocks = a.blocks(pair)
    assert all(isinstance(b, BlockPair) for b in blocks)
    src_items = [b for b in en.sections[2].blocks if b.kind is BlockKind.LIST_ITEM]
    missing = [bp for bp in blocks if bp.target is None]
    assert [bp.source for bp in missing] == [src_items[0]]
    for bp in blocks:
        if bp.matched:
            assert bp.source.kind is bp.target.kind
    # Every body block of both sections appears exactly once.
    assert sorted(b.source.start_line for b in blocks if b.source) == [b.start_line for b in en.sections[2].blocks if b.kind not in (BlockKind.HEADING, BlockKind.TABLE_DELIMITER)]
    assert a.blocks(pair) is blocks  # cached


def test_blocks_of_one_sided_pairs():
    a = align_documents(doc("# A\n\nText with 42.\n\n- item\n", "en"), doc("", "zh-Hans"))
    blocks = a.blocks(a.missing[0])
    assert [b.target for b in blocks] == [None, None]
    assert [b.source.kind for b in blocks] == [BlockKind.PARAGRAPH, BlockKind.LIST_ITEM]


# --------------------------------------------------------------------------- #
# Properties
# --------------------------------------------------------------------------- #


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_property_deletions_and_one_swap_between_chinese_variants(data):
    hans = pieces(sample("zh-Hans"), "zh-Hans")
    hant = pieces(sample("zh-Hant"), "zh-Hant")
    n = len(hans)
    keep = data.draw(st.lists(st.booleans(), min_size=n - 1, max_size=n - 1))
    order = [0] + [k for k, b in zip(range(1, n), keep) if b]
    if len(order) >= 4 and data.draw(st.booleans()):
        i, j = data.draw(st.sampled_from([(x, y) for x in range(1, len(order)) for y in range(x + 1, len(order))]))
        order[i], order[j] = order[j], order[i]
    a = align_documents(doc("".join(hans), "zh-Hans"), doc("".join(hant[k] for k in order), "zh-Hant"))
    check_invariants(a)
    got = mapping(a)
    for pos, k in enumerate(order):
        assert got[k] == pos
    assert not a.extra


@settings(max_examples=25, deadline=None)
@given(st.lists(st.booleans(), min_size=12, max_size=12))
def test_property_english_source_with_deletions(keep):
    en = pieces(sample("en"), "en")
    zh = pieces(sample("zh-Hans"), "zh-Hans")
    order = [0] + [k for k, b in zip(range(1, len(zh)), keep) if b]
    a = align_documents(doc("".join(en), "en"), doc("".join(zh[k] for k in order), "zh-Hans"))
    check_invariants(a)
    got = mapping(a)
    for pos, k in enumerate(order):
        assert got[k] == pos
    assert sorted(p.source.index for p in a.missing) == [k for k in range(len(zh)) if k not in order]


def _markdown(alphabet: str, extra: list[str]):
    return st.lists(st.sampled_from(list(alphabet) + extra), max_size=120).map("".join)


@settings(max_examples=40, deadline=None)
@given(
    _markdown("# \n-|`*abc中文1.[]()", ["http://x.y/", "## ", "```\n", "\n## A\n", "| a | b |\n|---|---|\n"]),
    _markdown("# \n-|`*xyz简體2.[]()", ["http://x.y/", "### ", "```\n", "\n## 乙\n", "- item\n"]),
)
def test_property_arbitrary_markdown_never_breaks_the_invariants(a_text, b_text):
    a = align_documents(doc(a_text, "en"), doc(b_text, "zh-Hant"))
    check_invariants(a)
    for p in a.pairs:
        a.blocks(p)


# --------------------------------------------------------------------------- #
# Speed guard for long documents (the banded dynamic program)
# --------------------------------------------------------------------------- #


def test_long_document_stays_fast():
    import time

    en = pieces(sample("en"), "en")
    zh = pieces(sample("zh-Hans"), "zh-Hans")
    # 40 copies of the body sections, each copy tagged with its own anchor words.
    src_parts, tgt_parts = [en[0]], [zh[0]]
    for c in range(40):
        for k in range(1, len(en)):
            tag = f"\n\nBatch{c}x{k} release-{c}.{k}\n\n"
            src_parts.append(en[k].rstrip("\n") + tag)
            if (c * 7 + k) % 13:
                tgt_parts.append(zh[k].rstrip("\n") + tag)
    src, tgt = doc("".join(src_parts), "en"), doc("".join(tgt_parts), "zh-Hans")
    start = time.process_time()
    a = align_documents(src, tgt)
    elapsed = time.process_time() - start
    check_invariants(a)
    assert len(src.sections) > 450
    tag = re.compile(r"Batch\d+x\d+")
    wrong = [p for p in a.matched if not p.source.is_preamble and tag.findall(p.source.text) != tag.findall(p.target.text)]
    assert not wrong, [(p.source.start_line, p.target.start_line) for p in wrong[:5]]
    assert len(a.missing) == len(src.sections) - len(tgt.sections)
    assert elapsed < 15, f"aligning {len(src.sections)} x {len(tgt.sections)} sections took {elapsed:.1f} s"


def test_long_chinese_document_without_anchors(seed_hans):
    """Hundreds of sections of plain Chinese (no Latin words, numbers or links), thirty dropped upstream."""
    text = seed_hans.read_text(encoding="utf-8")
    paragraphs = []
    for block in text.split("\n\n"):
        plain = re.sub(r"[A-Za-z0-9#*`\[\]()<>|_:/.\-]+", "", block).strip()
        if len(plain) >= 40 and not plain.startswith("---"):
            paragraphs.append(plain.replace("\n", ""))
    assert len(paragraphs) >= 60
    sections = [f"## 小节\n\n{paragraphs[k % len(paragraphs)]}{paragraphs[(k * 7 + 3) % len(paragraphs)]}\n\n" for k in range(240)]
    hant = pieces(s2twp("".join(sections)), "zh-Hant")[1:]
    assert len(hant) == 240
    keep = [k for k in range(240) if not 20 <= k < 50]
    src = doc("".join(sections), "zh-Hans")
    tgt = doc("".join(hant[k] for k in keep), "zh-Hant")
    a = align_documents(src, tgt)
    check_invariants(a)
    got = mapping(a)
    for pos, k in enumerate(keep):
        assert got[k + 1] == pos + 1, (k, got[k + 1], pos + 1)
    assert sorted(p.source.index for p in a.missing) == [k + 1 for k in range(20, 50)]
