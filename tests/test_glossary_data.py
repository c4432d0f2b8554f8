"""The shipped glossaries tested as data (like codespell's dictionary): they load, validate, and keep the format's rules."""

from __future__ import annotations

import tomllib
from collections import Counter

import pytest

from transkit import glossary as gl

SHIPPED = {p.name: p for p in gl.shipped_files()}
# Right in one sense and wrong in another: only their wrong compounds may be forbidden.
SENSE_DEPENDENT = {
    "zh-Hant": ("程序", "文件", "數據", "項目", "支持", "推理", "函數"),
    "zh-Hans": ("程序", "文件", "数据", "项目", "支持", "推理", "函数", "资料"),
}


@pytest.fixture(scope="module")
def files():
    assert {"llm.toml", "zh-tw-it.toml"} <= set(SHIPPED), f"shipped glossaries missing: {sorted(SHIPPED)}"
    return {name: gl.load_file(path) for name, path in SHIPPED.items()}


@pytest.fixture(scope="module")
def merged(files):
    return gl.load(list(SHIPPED.values()))


def test_every_entry_loads_and_validates(files):
    # load_file raises GlossaryError naming file, term and key for a bad entry.
    for name, terms in files.items():
        assert terms, name
        for t in terms:
            assert t.keep or t.forms, (name, t.en)


def test_at_least_400_entries(files):
    assert sum(len(t) for t in files.values()) >= 400


def test_validate_reports_no_problem():
    assert [str(p) for p in gl.problems(list(SHIPPED.values()))] == []


def test_no_duplicate_entries(files):
    counts = Counter(t.key() for terms in files.values() for t in terms)
    assert [k for k, n in counts.items() if n > 1] == []
    # Nor the same English spelled as another entry's variant.
    variants = Counter(v.casefold() for terms in files.values() for t in terms for v in t.english)
    assert [v for v, n in variants.items() if n > 1] == []


def test_entries_sorted(files):
    for name, terms in files.items():
        keys = [t.key() for t in terms]
        assert keys == sorted(keys), name


def test_raw_toml_has_no_duplicate_strings_in_a_list():
    for name, path in SHIPPED.items():
        for entry in tomllib.loads(path.read_text(encoding="utf-8"))["term"]:
            for table in ("allowed", "forbidden"):
                for loc, values in entry.get(table, {}).items():
                    assert len(values) == len(set(values)), (name, entry["en"], f"{table}.{loc}")


def test_no_string_both_allowed_and_forbidden_in_a_locale(merged):
    for loc in gl.LOCALES:
        accepted = {a for t in merged for a in t.accepted(loc)}
        forbidden = {b: t.en for t in merged for b in t.rejected(loc)}
        assert {b: en for b, en in forbidden.items() if b in accepted} == {}, loc


def test_no_forbidden_string_fires_inside_an_accepted_term(merged):
    for loc in gl.LOCALES:
        index = merged.index(loc)
        fired = {}
        for t in merged:
            for a in t.accepted(loc):
                # Alone, and inside running text on both sides.
                for text in (a, f"的{a}的", f"在{a}中"):
                    hits = [h.text for h in index.forbidden(text) if h.start < text.find(a) + len(a) and text.find(a) < h.end]
                    if hits:
                        fired[(t.en, a)] = hits
        assert fired == {}, loc


def test_sense_dependent_words_are_never_forbidden_bare(merged):
    for loc, words in SENSE_DEPENDENT.items():
        bare = {(t.en, b) for t in merged for b in t.rejected(loc) if b in words}
        assert bare == set(), loc


def test_forbidden_strings_are_chinese_or_bounded(merged):
    # A forbidden Latin string would need word boundaries to mean anything; there are none so far.
    for t in merged:
        for loc in gl.LOCALES:
            for b in t.rejected(loc):
                assert any("\u3400" <= c <= "\u9fff" for c in b), (t.en, loc, b)


def test_conversion_pairs_are_usable_by_the_converter(merged):
    pairs = merged.conversion_pairs("zh-Hans", "zh-Hant")
    assert len(pairs) >= 200
    assert pairs.get("数据库") == "資料庫" and pairs.get("检索增强生成") == "檢索增強生成"
    # The zh-Hant form of a locked term is never something the glossary forbids in zh-Hant.
    forbidden = {b for t in merged for b in t.rejected("zh-Hant")}
    assert {a: b for a, b in pairs.items() if b in forbidden} == {}


@pytest.mark.parametrize(
    "en",
    [
        # llm.toml: the roadmap's domains (issue 4)
        "tokenization", "attention mechanism", "sampling", "pre-training", "dataset",
        "supervised fine-tuning", "LoRA", "QLoRA", "DPO", "PPO", "GRPO", "RLHF",
        "evaluation", "quantization", "model merging", "multimodal",
        "retrieval-augmented generation", "embedding", "vector database", "retriever",
        "agent", "MCP", "inference", "deployment", "prompt injection",
        # zh-tw-it.toml: where Taiwan and mainland usage differ
        "database", "software", "program", "memory", "default", "video", "interface", "server",
    ],
)
def test_domains_have_entries(merged, en):
    import re

    word = re.compile(r"(?<![a-z])" + re.escape(en.casefold()) + r"(?![a-z])")
    assert any(word.search(form.casefold()) for t in merged for form in t.english), en


def test_every_entry_has_a_rendering_in_both_main_locales(merged):
    missing = [t.en for t in merged if not t.keep and not (t.forms.get("zh-Hans") and t.forms.get("zh-Hant"))]
    assert missing == []


def _canon(terms):
    return sorted((t.to_dict() for t in terms), key=lambda d: d["en"].casefold())


def test_shipped_glossary_round_trips_through_tbx_and_csv(merged):
    assert _canon(gl.from_tbx(gl.to_tbx(merged), "x.tbx")) == _canon(merged)
    assert _canon(gl.from_csv(gl.to_csv(merged), "x.csv")) == _canon(merged)
    assert _canon(gl.parse_text(gl.to_toml(merged), "x.toml")) == _canon(merged)


def test_translate_toolkit_opens_the_shipped_tbx_export(merged):
    from translate.storage import tbx

    store = tbx.tbxfile.parsestring(gl.to_tbx(merged).encode("utf-8"))
    units = {u.source: u.target for u in store.units}
    assert len(store.units) == len(merged)
    t = merged.find("vector database")
    assert units[t.en] == t.preferred("zh-Hans")


def test_cli_validates_the_shipped_glossaries(cli):
    r = cli("glossary", "validate")
    assert r.exit_code == 0, r
    assert r.stdout == ""
    assert f"{sum(1 for _ in gl.load(list(SHIPPED.values())))} terms in {len(SHIPPED)} file(s), 0 problem(s)" in r.stderr
