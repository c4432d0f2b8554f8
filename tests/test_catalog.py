"""Catalogs from Markdown: units, extract, build, update, apply (transkit.catalog)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transkit.catalog import UnitKind, apply, build, extract, units, update
from transkit.document import Document
from transkit.pofile import Catalog, Entry

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"


def doc(text: str, path: str = "doc.md", lang: str = "en") -> Document:
    return Document.from_text(text, path, lang)


def sample(lang: str) -> Document:
    path = LOCALES / lang / "roadmap.md"
    return Document.from_text(path.read_text(encoding="utf-8"), f"locales/{lang}/roadmap.md", lang)


def identity(d: Document, **kw) -> Catalog:
    """A catalog whose every translation is its msgid."""
    cat = extract([d], **kw)
    return replace(cat, entries=tuple(replace(e, msgstr=e.msgid) for e in cat.entries))


def translated(cat: Catalog, fn) -> Catalog:
    return replace(cat, entries=tuple(replace(e, msgstr=fn(e.msgid)) for e in cat.entries))


# --------------------------------------------------------------------------- #
# Units
# --------------------------------------------------------------------------- #

KITCHEN = """\
---
title: Guide
tags: [a, b]
---

# Guide {#top}

Intro with **bold**, `code`, a [link](https://example.org/x) and
a second line.

Setext title
------------

- First item
  continues here
- Second item

  A second paragraph in the item.

  ```
  code in item
  ```
  - Nested item

1. Ordered one

| Name | Value | Note |
|---|---:|---|
| `x|y` | 42 | plain \\| pipe |

![Diagram of the flow](img/flow.png) ![](img/empty.png)

Text with an inline ![icon](i.png) image.

<p align="center"><img src="logo.png" alt="Project logo" width="80"></p>

> Quoted words here
> and there.

    indented code block

[ref]: https://example.org/ref

<!-- a comment -->

## Closing ##
"""


def test_units_of_every_kind_with_their_lines():
    got = [(u.kind, u.text, u.line) for u in units(doc(KITCHEN))]
    assert got == [
        (UnitKind.HEADING, "Guide", 6),
        (UnitKind.PARAGRAPH, "Intro with **bold**, `code`, a [link](https://example.org/x) and\na second line.", 8),
        (UnitKind.HEADING, "Setext title", 11),
        (UnitKind.LIST_ITEM, "First item\ncontinues here", 14),
        (UnitKind.LIST_ITEM, "Second item", 16),
        (UnitKind.PARAGRAPH, "A second paragraph in the item.", 18),
        (UnitKind.LIST_ITEM, "Nested item", 23),
        (UnitKind.LIST_ITEM, "Ordered one", 25),
        (UnitKind.TABLE_CELL, "Name", 27),
        (UnitKind.TABLE_CELL, "Value", 27),
        (UnitKind.TABLE_CELL, "Note", 27),
        (UnitKind.TABLE_CELL, "plain \\| pipe", 29),
        (UnitKind.IMAGE_ALT, "Diagram of the flow", 31),
        (UnitKind.PARAGRAPH, "Text with an inline ![icon](i.png) image.", 33),
        (UnitKind.IMAGE_ALT, "Project logo", 35),
        (UnitKind.PARAGRAPH, "Quoted words here\nand there.", 37),
        (UnitKind.HEADING, "Closing", 46),
    ]


def test_front_matter_values_only_when_asked():
    assert not [u for u in units(doc(KITCHEN)) if u.kind is UnitKind.FRONT_MATTER]
    fm = [(u.text, u.label) for u in units(doc(KITCHEN), front_matter_keys=["title", "tags"]) if u.kind is UnitKind.FRONT_MATTER]
    assert fm == [("Guide", "title")]  # a flow list is not one line of text


def test_code_is_never_a_unit():
    d = doc("Text\n\n```python\nprint('hello world')\n```\n\n    also code here\n\n- item\n\n      indented code in item\n")
    assert [u.text for u in units(d)] == ["Text", "item"]


# --------------------------------------------------------------------------- #
# Extract: references, contexts, merging
# --------------------------------------------------------------------------- #


def test_extract_references_and_comments():
    cat = extract([doc("# Title\n\n| A | B |\n|---|---|\n| c | d |\n", "docs/a.md")])
    assert [(e.msgid, e.references, e.extracted_comments) for e in cat.entries] == [
        ("Title", ("docs/a.md:1",), ("type: heading (level 1)",)),
        ("A", ("docs/a.md:3",), ("type: table cell (row 1, column 1)",)),
        ("B", ("docs/a.md:3",), ("type: table cell (row 1, column 2)",)),
        ("c", ("docs/a.md:5",), ("type: table cell (row 2, column 1)",)),
        ("d", ("docs/a.md:5",), ("type: table cell (row 2, column 2)",)),
    ]


def test_msgctxt_only_where_a_text_repeats_under_different_headings():
    d = doc("# Guide\n\n## Setup\n\nSee also.\n\nSee also.\n\nOnce.\n\n## Usage\n\nSee also.\n")
    got = [(e.msgctxt, e.msgid, e.references) for e in extract([d]).entries]
    assert got == [
        (None, "Guide", ("doc.md:1",)),
        (None, "Setup", ("doc.md:3",)),
        ("Guide / Setup", "See also.", ("doc.md:5", "doc.md:7")),
        (None, "Once.", ("doc.md:9",)),
        (None, "Usage", ("doc.md:11",)),
        ("Guide / Usage", "See also.", ("doc.md:13",)),
    ]


def test_contexts_name_the_file_when_a_text_is_in_several():
    a, b = doc("# A\n\nShared text.\n", "a.md"), doc("# B\n\nShared text.\n", "b.md")
    ctxts = [e.msgctxt for e in extract([a, b]).entries if e.msgid == "Shared text."]
    assert ctxts == ["a.md: A", "b.md: B"]


def test_template_header_is_gettext_shaped():
    cat = extract([doc("# T\n")], front_matter_keys=["title"], now=0)
    meta = cat.metadata
    assert meta["POT-Creation-Date"] == "1970-01-01 00:00+0000"
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    assert meta["X-Transkit-Front-Matter"] == "title"
    assert meta["X-Generator"].startswith("transkit ")
    assert cat.header.fuzzy


# --------------------------------------------------------------------------- #
# Apply
# --------------------------------------------------------------------------- #


def test_apply_identity_reproduces_the_kitchen_sink():
    d = doc(KITCHEN)
    assert apply(d, identity(d)).text == KITCHEN


def test_apply_puts_translations_in_place_and_keeps_layout():
    src = doc("# Title\n\n- one\n  two\n- three\n\n| A | B |\n|---|---|\n| x | y |\n\nPara one\nline two\n", "s.md")
    cat = translated(extract([src]), lambda m: {"one\ntwo": "一\n二\n三", "Para one\nline two": "段落", "x": "甲|乙"}.get(m, "译" + m))
    out = apply(src, cat).text
    assert out == "# 译Title\n\n- 一\n  二\n  三\n- 译three\n\n| 译A | 译B |\n|---|---|\n| 甲\\|乙 | 译y |\n\n段落\n"


def test_apply_keeps_crlf_and_markers():
    src = doc("1. First\r\n2. Second\r\n\r\n> quoted\r\n", "s.md")
    out = apply(src, translated(extract([src]), lambda m: "译" + m + "\n续")).text
    assert out == "1. 译First\r\n   续\r\n2. 译Second\r\n   续\r\n\r\n> 译quoted\r\n> 续\r\n"


def test_apply_reports_untranslated_and_leaves_fuzzy_out():
    src = doc("# T\n\nAlpha.\n\nBeta.\n", "s.md")
    cat = extract([src])
    e_t, e_a, e_b = cat.entries
    cat = replace(cat, entries=(replace(e_t, msgstr="标题"), replace(e_a, msgstr="甲。", flags=("fuzzy",)), e_b))
    r = apply(src, cat)
    assert r.text == "# 标题\n\nAlpha.\n\nBeta.\n"
    assert [u.text for u in r.untranslated] == ["Beta."]
    assert [u.text for u in r.fuzzy] == ["Alpha."]
    assert apply(src, cat, use_fuzzy=True).text == "# 标题\n\n甲。\n\nBeta.\n"


_word = st.sampled_from(["alpha", "beta", "gamma", "模型", "訓練", "data", "*x*", "**y**", "`c`", "[l](u)", "a\\|b", "42", "—", "「引」", "ok."])
_line = st.lists(_word, min_size=1, max_size=6).map(" ".join)


@st.composite
def markdown(draw):
    blocks = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["h", "p", "ul", "ol", "table", "code", "quote", "img", "html", "setext"]))
        if kind == "h":
            blocks.append("#" * draw(st.integers(1, 4)) + " " + draw(_line))
        elif kind == "setext":
            blocks.append(draw(_line) + "\n" + draw(st.sampled_from(["===", "---"])))
        elif kind == "p":
            lines = draw(st.lists(_line, min_size=1, max_size=3))
            blocks.append("\n".join(ln + draw(st.sampled_from(["", " ", "  "])) if k < len(lines) - 1 else ln for k, ln in enumerate(lines)))
        elif kind in ("ul", "ol"):
            items = []
            for k in range(draw(st.integers(1, 3))):
                marker = "-" if kind == "ul" else f"{k + 1}."
                item = f"{marker} {draw(_line)}"
                if draw(st.booleans()):
                    item += "\n" + " " * (len(marker) + 1) + draw(_line)
                if draw(st.booleans()):
                    item += "\n" + " " * (len(marker) + 1) + "- " + draw(_line)
                items.append(item)
            blocks.append("\n".join(items))
        elif kind == "table":
            cols = draw(st.integers(1, 3))
            rows = [" | ".join(draw(_line) for _ in range(cols)) for _ in range(draw(st.integers(1, 3)))]
            blocks.append("\n".join([f"| {rows[0]} |", "|" + "---|" * cols] + [f"| {r} |" for r in rows[1:]]))
        elif kind == "code":
            blocks.append("```\n" + draw(_line) + "\n```")
        elif kind == "quote":
            blocks.append("\n".join("> " + draw(_line) for _ in range(draw(st.integers(1, 2)))))
        elif kind == "img":
            blocks.append(f"![{draw(_line)}](pic.png)")
        else:
            blocks.append(f'<div><img src="x.png" alt="{draw(_line)}"></div>')
    text = "\n\n".join(blocks) + draw(st.sampled_from(["\n", "", "\n\n"]))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text


@given(markdown())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_apply_with_msgids_gives_the_source_back(text):
    d = doc(text)
    assert apply(d, identity(d)).text == text


@given(markdown())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_translations_land_where_extraction_finds_them(text):
    d = doc(text)
    out = apply(d, translated(extract([d]), lambda m: "译" + m)).text
    again = Document.from_text(out, "out.md", "zh-Hans")
    assert [u.text for u in units(again)] == ["译" + u.text for u in units(d)]
    assert again.line_count == d.line_count


# --------------------------------------------------------------------------- #
# Build and the round trip
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_sample_round_trip_is_byte_identical(lang):
    src, tgt = sample("en"), sample(lang)
    r = build(src, tgt, lang, front_matter_keys=["title"])
    assert (r.fuzzy, r.untranslated, r.conflicts) == (0, 0, ())
    out = apply(src, r.catalog)
    assert out.untranslated == () and out.fuzzy == ()
    assert out.text == tgt.text


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_sample_round_trip_without_front_matter_differs_only_there(lang):
    src, tgt = sample("en"), sample(lang)
    out = apply(src, build(src, tgt, lang).catalog).text.splitlines()
    differ = [n for n, (a, b) in enumerate(zip(out, tgt.text.splitlines()), 1) if a != b]
    assert differ == [2]  # title: in the front matter, not extracted unless asked
    assert out[1] == src.body(2)


def test_header_of_a_built_catalog():
    r = build(sample("en"), sample("zh-Hant"), "zh-TW", now=86400)
    meta = r.catalog.metadata
    assert meta["Language"] == "zh_Hant"
    assert meta["Plural-Forms"] == "nplurals=1; plural=0;"
    assert meta["PO-Revision-Date"] == "1970-01-02 00:00+0000"
    assert meta["X-Generator"].startswith("transkit ")
    assert build(sample("en"), sample("zh-Hans"), "zh-Hans").catalog.metadata["Language"] == "zh_Hans"


def _s2twp(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2twp").convert(text)


def test_seed_round_trip_reproduces_every_unit(seed_hans):
    text = seed_hans.read_text(encoding="utf-8")
    src = Document.from_text(text, "seed.md", "zh-Hans")
    tgt = Document.from_text(_s2twp(text), "seed.zh-Hant.md", "zh-Hant")
    r = build(src, tgt, "zh-Hant")
    n_units = len(units(src))
    assert n_units > 150
    assert (r.fuzzy, r.untranslated) == (0, 0)
    out = apply(src, r.catalog)
    assert out.untranslated == ()
    # Every line holding a unit is the translation's line; every other line is the source's
    # (front matter values and code are not units and are never translated by a catalog).
    unit_lines = {s.line for u in units(src) for s in u.slots}
    got = out.text.splitlines()
    assert len(got) == src.line_count == tgt.line_count
    for n, line in enumerate(got, 1):
        expected = tgt.body(n) if n in unit_lines else src.body(n)
        assert line == expected, n
    # Only the front matter keeps source text that OpenCC would have changed.
    changed = [n for n in range(1, src.line_count + 1) if got[n - 1] != tgt.body(n)]
    assert changed and all(src.is_front_matter_line(n) for n in changed)


def test_seed_build_salvages_a_translation_that_dropped_blocks(seed_hans):
    text = seed_hans.read_text(encoding="utf-8")
    src = Document.from_text(text, "seed.md", "zh-Hans")
    full = _s2twp(text)
    tgt_full = Document.from_text(full, "seed.zh-Hant.md", "zh-Hant")
    reference = {e.key: e.msgstr for e in build(src, tgt_full, "zh-Hant").catalog.entries}
    # Drop three paragraphs spread over the document, as a careless translator would.
    paras = [b for b in tgt_full.blocks if b.kind.value == "paragraph" and b.start_line > 20]
    dropped = {paras[2].start_line, paras[len(paras) // 2].start_line, paras[-3].start_line}
    lines = [ln for n, ln in enumerate(tgt_full.lines, 1) if not any(b.start_line <= n <= b.end_line for b in paras if b.start_line in dropped)]
    tgt = Document.from_text("".join(lines), "seed.zh-Hant.md", "zh-Hant")
    r = build(src, tgt, "zh-Hant")
    lost = {f"seed.md:{n}" for n in dropped}
    assert sum(1 for e in r.catalog.entries if set(e.references) <= lost) == 3
    for e in r.catalog.entries:
        if set(e.references) <= lost:
            assert e.msgstr == "" or e.fuzzy, e.msgid
        else:
            assert e.msgstr == reference[e.key], e.msgid  # nothing after a gap shifted
    assert r.untranslated >= 3


def test_unsure_pairs_are_fuzzy():
    src = doc("# T\n\nFirst paragraph about models.\n\nSecond paragraph about data.\n", "en.md")
    tgt = doc("# 标题\n\n关于模型的第一段。\n\n- 关于数据的第二段。\n", "zh.md", "zh-Hans")
    r = build(src, tgt, "zh-Hans")
    flags = {e.msgid: (e.msgstr, e.fuzzy) for e in r.catalog.entries}
    assert flags["Second paragraph about data."][1]  # a paragraph paired with a list item
    assert not flags["First paragraph about models."][1]
    everything = build(src, tgt, "zh-Hans", fuzzy_below=1.01).catalog.entries
    assert all(e.fuzzy for e in everything if e.msgstr)


# --------------------------------------------------------------------------- #
# Update
# --------------------------------------------------------------------------- #


def _edited_english() -> str:
    en = (LOCALES / "en" / "roadmap.md").read_text(encoding="utf-8")
    edits = [
        # a typo-level change: fuzzy
        ("A language model never sees raw text.", "A language model never sees the raw text."),
        # rewrapped: whitespace only, stays translated
        ("Pre-training teaches a model general language skills by predicting", "Pre-training teaches a model general language\nskills by  predicting"),
        # removed: obsolete
        ("A model is only useful once people can reach it reliably.\n\n", ""),
        # added: new, untranslated
        ("## 9. Agents\n", "## 9. Agents\n\nEvery agent needs a budget for tokens and for tool calls.\n"),
    ]
    for old, new in edits:
        assert old in en
        en = en.replace(old, new)
    return en


def test_update_after_an_english_change_keeps_what_did_not_change():
    src, tgt = sample("en"), sample("zh-Hans")
    po = build(src, tgt, "zh-Hans").catalog
    pot = extract([doc(_edited_english(), "locales/en/roadmap.md")])
    r = update(po, pot)
    old = {e.msgid: e for e in po.entries}
    new = {e.msgid: e for e in r.catalog.entries if not e.obsolete}
    assert (r.fuzzy, r.respaced, r.new, r.obsolete) == (1, 1, 1, 1)
    for msgid, e in new.items():
        if msgid in old:
            assert e.msgstr == old[msgid].msgstr and not e.fuzzy, msgid
    changed = [e for e in new.values() if e.fuzzy]
    assert [e.msgid[:41] for e in changed] == ["A language model never sees the raw text."]
    assert changed[0].previous_msgid.startswith("A language model never sees raw text.")
    assert changed[0].msgstr == old[changed[0].previous_msgid].msgstr
    rewrapped = next(e for m, e in new.items() if m.startswith("Pre-training teaches"))
    assert "\n" in rewrapped.msgid and not rewrapped.fuzzy and rewrapped.previous_msgid is None
    assert rewrapped.msgstr.startswith("预训练通过")
    added = new["Every agent needs a budget for tokens and for tool calls."]
    assert added.msgstr == "" and not added.fuzzy
    gone = [e for e in r.catalog.entries if e.obsolete]
    assert [e.msgid for e in gone] == ["A model is only useful once people can reach it reliably."]
    assert gone[0].msgstr and gone[0].references == ()
    # references follow the new template
    assert new["LLM Learning Roadmap"].references == ("locales/en/roadmap.md:5",)


def test_update_does_not_lend_unchanged_translations_to_new_entries():
    po = Catalog(None, (Entry("Install the package with pip.", msgstr="用 pip 安装这个包。"),))
    pot = Catalog(None, (Entry("Install the package with pip."), Entry("Install the package with conda.")))
    r = update(po, pot)
    a, b = r.catalog.entries
    assert (a.msgstr, a.fuzzy) == ("用 pip 安装这个包。", False)
    assert (b.msgstr, b.fuzzy) == ("", False)


def test_update_revives_an_obsolete_translation():
    po = Catalog(None, (Entry("Back again.", msgstr="又回来了。", obsolete=True),))
    r = update(po, Catalog(None, (Entry("Back again."),)))
    assert [(e.msgstr, e.obsolete, e.fuzzy) for e in r.catalog.entries] == [("又回来了。", False, False)]


def test_update_keeps_a_translation_whose_context_changed():
    po = Catalog(None, (Entry("See also.", msgstr="另见。"),))
    pot = Catalog(None, (Entry("See also.", msgctxt="Guide / Setup"), Entry("See also.", msgctxt="Guide / Usage")))
    r = update(po, pot)
    assert [(e.msgctxt, e.msgstr, e.fuzzy) for e in r.catalog.entries] == [("Guide / Setup", "另见。", False), ("Guide / Usage", "另见。", False)]


def test_update_keeps_translator_comments_and_fuzzy_state():
    po = Catalog(None, (Entry("Draft.", msgstr="草稿。", flags=("fuzzy",), translator_comments=("check this",)),))
    r = update(po, Catalog(None, (Entry("Draft.", references=("a.md:3",)),)))
    e = r.catalog.entries[0]
    assert (e.msgstr, e.fuzzy, e.translator_comments, e.references) == ("草稿。", True, ("check this",), ("a.md:3",))


def test_build_fills_a_template_extracted_from_several_files():
    a = doc("# A\n\nShared text.\n\nOnly in a.\n", "a.md")
    b = doc("# B\n\nShared text.\n", "b.md")
    pot = extract([a, b])
    assert {e.msgctxt for e in pot.entries if e.msgid == "Shared text."} == {"a.md: A", "b.md: B"}
    zh = doc("# 甲\n\n共有的文字。\n\n只在甲里。\n", "a.zh.md", "zh-Hans")
    entries = {(e.msgctxt, e.msgid): e for e in build(a, zh, "zh-Hans", template=pot).catalog.entries}
    assert entries[("a.md: A", "Shared text.")].msgstr == "共有的文字。"
    assert entries[(None, "Only in a.")].msgstr == "只在甲里。"
    assert entries[("b.md: B", "Shared text.")].msgstr == ""  # b.md's unit is not in this translation


def test_apply_finds_its_entries_in_a_catalog_of_several_files():
    a = doc("# A\n\nShared text.\n", "a.md")
    b = doc("# B\n\nShared text.\n", "b.md")
    pot = extract([a, b])
    cat = translated(pot, lambda m: {"A": "甲", "B": "乙"}.get(m, m))
    cat = replace(cat, entries=tuple(replace(e, msgstr="乙的文字。") if e.msgctxt == "b.md: B" else replace(e, msgstr="甲的文字。") if e.msgctxt == "a.md: A" else e for e in cat.entries))
    assert apply(a, cat).text == "# 甲\n\n甲的文字。\n"
    assert apply(b, cat).text == "# 乙\n\n乙的文字。\n"


def test_round_trip_keeps_the_translations_content_when_its_layout_differs():
    """A translation with other list markers, rewrapped paragraphs and extra blank lines:
    apply(build()) carries every unit's text (with its own line breaks) into the
    source's layout."""
    src = sample("en")
    text = sample("zh-Hant").text.replace("\n- [", "\n* [").replace("。它看到的是", "。\n它看到的是", 1).replace("\n## 2.", "\n\n\n## 2.")
    tgt = Document.from_text(text, "zh-Hant.md", "zh-Hant")
    r = build(src, tgt, "zh-Hant", front_matter_keys=["title"])
    assert (r.fuzzy, r.untranslated) == (0, 0)
    out = Document.from_text(apply(src, r.catalog).text, "out.md", "zh-Hant")
    assert [u.text for u in units(out, front_matter_keys=["title"])] == [u.text for u in units(tgt, front_matter_keys=["title"])]
    assert any("\n" in u.text and u.text.startswith("語言模型") for u in units(out))
    # the layout is the source's: its markers, its blank lines
    assert "\n* [" not in out.text and out.text.count("\n- [") == src.text.count("\n- [")
    assert out.line_count == src.line_count + 1  # one more line: the rewrapped paragraph


_HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={charset}\\n"\n"Language: zh_Hant\\n"\n"Plural-Forms: {plural}\\n"\n\n'


@pytest.mark.parametrize(
    "charset,plural,body,message",
    [
        ("GBK", "nplurals=1; plural=0;", 'msgid "a"\nmsgstr "甲"\n', "declares charset GBK but the file is UTF-8"),
        ("UTF-8", "nplurals=0; plural=0;", 'msgid "a"\nmsgstr "甲"\n', "Plural-Forms 'nplurals=0; plural=0;' is not"),
        ("UTF-8", "plural=0", 'msgid "a"\nmsgstr "甲"\n', "Plural-Forms 'plural=0' is not"),
        ("UTF-8", "nplurals=1; plural=0;", 'msgid "a"\nmsgstr "甲\\0乙"\n', "po.po:7: a NUL character cannot be compiled"),
    ],
)
def test_compile_refuses_what_msgfmt_refuses(tmp_path, charset, plural, body, message):
    from transkit.catalog import CatalogError, compile_file

    po = tmp_path / "po.po"
    po.write_text(_HEADER.format(charset=charset, plural=plural) + body, encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        compile_file(po, tmp_path / "out.mo")
    assert not (tmp_path / "out.mo").exists()
    po.write_text(_HEADER.format(charset="UTF-8", plural="nplurals=1; plural=0;") + 'msgid "a"\nmsgstr "甲"\n', encoding="utf-8")
    assert compile_file(po, tmp_path / "out.mo").messages == 1


def test_a_nul_in_the_markdown_is_refused_by_extract_and_build(tmp_path):
    from transkit.catalog import CatalogError

    src = Document.from_text("# T\n\nFirst\x00 one.\n", "en.md", "en")
    with pytest.raises(CatalogError, match=r"en.md:3: a NUL character cannot go into a gettext catalog"):
        extract([src])
    clean = Document.from_text("# T\n\nFirst one.\n", "en.md", "en")
    with pytest.raises(CatalogError, match=r"zh.md:3: a NUL character"):
        build(clean, Document.from_text("# T\n\n第一\x00个。\n", "zh.md", "zh-Hant"), "zh-Hant")
