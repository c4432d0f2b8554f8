"""The glossary core: loading, validation, merging, matching without word boundaries, exchange formats, mining."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transkit import glossary as gl
from transkit.config import Config
from transkit.document import Document
from transkit.errors import GlossaryError
from transkit.glossary import Glossary, Term

SAMPLE = textwrap.dedent(
    """\
    [[term]]
    en = "algorithm"
    zh-Hans = "算法"
    zh-Hant = "演算法"
    forbidden.zh-Hant = ["算法"]

    [[term]]
    en = "application"
    zh-Hans = "应用程序"
    zh-Hant = "應用程式"
    forbidden.zh-Hant = ["應用程序"]
    note = "程序 alone is fine in Taiwan (procedure); only the compound is wrong"

    [[term]]
    en = "database"
    zh-Hans = "数据库"
    zh-Hant = "資料庫"
    forbidden.zh-Hans = ["资料库"]
    forbidden.zh-Hant = ["數據庫", "数据库"]

    [[term]]
    en = "LoRA"
    variants = ["low-rank adaptation"]
    keep = true
    forbidden.zh-Hant = ["低階適配器"]

    [[term]]
    en = "procedure"
    zh-Hans = "程序"
    zh-Hant = "程序"

    [[term]]
    en = "program"
    zh-Hans = "程序"
    zh-Hant = "程式"

    [[term]]
    en = "retrieval-augmented generation"
    variants = ["RAG"]
    zh-Hans = "检索增强生成"
    zh-Hant = "檢索增強生成"
    allowed.zh-Hans = ["检索增强"]

    [[term]]
    en = "token"
    zh-Hans = "词元"
    zh-Hant = "詞元"
    allowed.zh-Hant = ["符記"]
    forbidden.zh-Hant = ["令牌"]
    """
)


@pytest.fixture
def sample(tmp_path) -> Path:
    p = tmp_path / "sample.toml"
    p.write_text(SAMPLE, encoding="utf-8")
    return p


@pytest.fixture
def g(sample) -> Glossary:
    return gl.load([sample])


# --------------------------------------------------------------------------- #
# Loading and validation
# --------------------------------------------------------------------------- #


def test_load_parses_every_field(g):
    t = g.find("RAG")
    assert t is g.find("Retrieval-Augmented Generation")
    assert t.preferred("zh-Hant") == "檢索增強生成"
    assert t.accepted("zh-Hans") == ("检索增强生成", "检索增强")
    lora = g.find("lora")
    assert lora.keep and lora.preferred("zh-Hant") == "LoRA" and lora.rejected("zh-Hant") == ("低階適配器",)
    assert len(g) == 8


@pytest.mark.parametrize(
    "body,needle",
    [
        ('[[term]]\nen = "x"\nzh-Hans = "甲"\nzh-hant = "乙"\n', "term 'x': unknown key 'zh-hant' (did you mean 'zh-Hant'?)"),
        ('[[term]]\nen = "x"\nzh-Hans = "甲"\nforbidden.zh-TW = ["乙"]\n', "term 'x': forbidden.zh-TW: unknown locale"),
        ('[[term]]\nen = "x"\nzh-Hans = 3\n', "term 'x': zh-Hans: expected a non-empty string"),
        ('[[term]]\nzh-Hans = "甲"\n', "term #1: en: required"),
        ('[[term]]\nen = "x"\n', "term 'x': zh-Hans/zh-Hant: a term needs a Chinese rendering or keep = true"),
        ('[[term]]\nen = "x"\nkeep = "yes"\n', "term 'x': keep: expected true or false"),
        ('[[term]]\nen = "x"\nzh-Hans = "甲"\nallowed.zh-Hans = "乙"\nforbidden.zh-Hans = ["乙"]\n', "term 'x': forbidden.zh-Hans: '乙' is also"),
        ('[[term]]\nen = "x"\nzh-Hans = "甲"\n[[term]]\nen = "X"\nzh-Hans = "乙"\n', "term 'X': en: duplicate entry"),
        ('[[term]]\nen = "x"\nzh-Hans = "甲"\nvariants = [1]\n', "term 'x': variants: expected a list of strings"),
        ('title = "mine"\n', "unknown top-level key 'title'"),
        ('[[term]\n', "invalid TOML"),
        ('x = ' + '[' * 5000 + ']' * 5000 + '\n', "invalid TOML: arrays or tables nested too deeply"),
        ('[[term]]\nen = "' + 'a' * 201 + '"\nzh-Hans = "甲"\n', "term #1: en: 201 characters: a term is at most 200"),
        ('[[term]]\nen = "x"\nzh-Hant = "' + '字' * 300 + '"\n', "term 'x': zh-Hant: 300 characters"),
        ('[[term]]\nen = "x"\nzh-Hans = "甲"\nforbidden.zh-Hans = ["' + '乙' * 201 + '"]\n', "term 'x': forbidden.zh-Hans: 201 characters"),
    ],
)
def test_validation_errors_name_the_file_the_term_and_the_key(tmp_path, body, needle):
    p = tmp_path / "bad.toml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(GlossaryError) as err:
        gl.load_file(p)
    assert str(err.value).startswith(f"{p}: ")
    assert needle in str(err.value)


def test_problems_reports_sorting_and_cross_term_clashes(tmp_path):
    p = tmp_path / "g.toml"
    p.write_text(
        textwrap.dedent(
            """\
            [[term]]
            en = "zeta"
            zh-Hant = "演算法"

            [[term]]
            en = "alpha"
            zh-Hant = "甲"
            forbidden.zh-Hant = ["算法", "演算法"]
            """
        ),
        encoding="utf-8",
    )
    msgs = [str(x) for x in gl.problems([p])]
    assert any("term 'alpha': en: not sorted" in m for m in msgs)
    assert any("forbidden.zh-Hant: '演算法' is an accepted rendering of 'zeta'" in m for m in msgs)


def test_problems_is_empty_for_a_clean_file(sample):
    # Forbidden 算法 inside accepted 演算法 is fine: accepted renderings are masked first.
    assert gl.problems([sample]) == []


def test_problems_reports_a_forbidden_string_firing_inside_an_accepted_one(monkeypatch, sample):
    # With masking this cannot happen; the rule guards the matcher itself.
    monkeypatch.setattr(gl.LocaleIndex, "forbidden", lambda self, text: [gl.Hit(0, 2, "算法", gl.Term(en="x", forms={"zh-Hant": "甲"}))] if "演算法" in text else [])
    msgs = [str(x) for x in gl.problems([sample])]
    assert any("'算法' fires inside '演算法', an accepted rendering of 'algorithm' in zh-Hant" in m for m in msgs)


def test_later_files_override_earlier_entries(tmp_path, sample):
    own = tmp_path / "own.toml"
    own.write_text('[[term]]\nen = "Token"\nzh-Hans = "token"\nzh-Hant = "token"\n', encoding="utf-8")
    g = gl.load([sample, own])
    assert g.find("token").preferred("zh-Hant") == "token"
    assert len(g) == 8
    assert gl.problems([sample, own])[0].message.startswith("also defined in")


def test_load_merged_uses_config_paths_and_caches_by_mtime(tmp_path, sample, monkeypatch):
    monkeypatch.setenv("TRANSKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TRANSKIT_NO_CACHE", raising=False)
    cfg = Config(root=tmp_path, glossaries=("sample.toml",), shipped_glossaries=False)
    a = gl.load_merged(cfg)
    assert gl.load_merged(cfg) is a
    fp = a.fingerprint()
    st = sample.stat()
    sample.write_text(SAMPLE.replace("词元", "标记"), encoding="utf-8")
    os.utime(sample, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    b = gl.load_merged(cfg)
    assert b is not a and b.fingerprint() != fp
    assert b.find("token").preferred("zh-Hans") == "标记"


def test_parsed_glossary_is_cached_on_disk_across_processes(tmp_path, sample, monkeypatch):
    monkeypatch.setenv("TRANSKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TRANSKIT_NO_CACHE", raising=False)
    cfg = Config(root=tmp_path, glossaries=("sample.toml",), shipped_glossaries=False)
    gl._load_cached.cache_clear()
    first = gl.load_merged(cfg)
    stored = list((tmp_path / "cache" / "glossary").glob("*.pickle"))
    assert len(stored) == 1
    gl._load_cached.cache_clear()
    assert gl.load_merged(cfg).fingerprint() == first.fingerprint()
    # A broken entry is a miss, never an error.
    stored[0].write_bytes(b"not a pickle")
    gl._load_cached.cache_clear()
    assert gl.load_merged(cfg).fingerprint() == first.fingerprint()
    # Switched off: nothing written.
    monkeypatch.setenv("TRANSKIT_NO_CACHE", "1")
    monkeypatch.setenv("TRANSKIT_CACHE_DIR", str(tmp_path / "other"))
    gl._load_cached.cache_clear()
    gl.load_merged(cfg)
    assert not (tmp_path / "other").exists()


def _stored(tmp_path, sample, monkeypatch) -> tuple[Config, Glossary]:
    """A glossary written to the disk cache, then read back the way a new process reads it."""
    monkeypatch.setenv("TRANSKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TRANSKIT_NO_CACHE", raising=False)
    cfg = Config(root=tmp_path, glossaries=("sample.toml",), shipped_glossaries=False)
    gl._load_cached.cache_clear()
    gl.load_merged(cfg)
    gl._load_cached.cache_clear()
    return cfg, gl.load_merged(cfg)


def test_stored_glossary_reads_nothing_for_a_clean_file(tmp_path, sample, monkeypatch):
    _, g = _stored(tmp_path, sample, monkeypatch)
    assert len(g) == 8 and g.cache_key
    idx = g.index("zh-Hant")
    doc = Document.from_text("# 標題\n\n資料庫與應用程式。\n", lang="zh-Hant")
    assert idx.candidate_lines(doc) == []
    # Only the forbidden-string automaton was read: no terms, no accepted renderings.
    assert g._terms is None and "_ok" not in vars(idx) and "_variants" not in vars(idx)


def test_stored_glossary_finds_what_a_parsed_one_finds(tmp_path, sample, monkeypatch):
    _, g = _stored(tmp_path, sample, monkeypatch)
    parsed = gl.load([sample])
    text = "令牌和數據庫，應用程序的演算法與符記"
    doc = Document.from_text(f"{text}\n\n詞元\n", lang="zh-Hant")

    def found(glossary):
        idx = glossary.index("zh-Hant")
        return (
            [(h.start, h.text, h.term.en, h.replacement) for h in idx.forbidden(text)],
            [(h.start, h.text, h.term.en) for h in idx.accepted(text)],
            idx.first_renderings(doc),
        )

    assert found(g) == found(parsed)
    assert found(g)[0] and found(g)[2]
    # Terms in hits are the glossary's own entries.
    assert all(any(h.term is t for t in g.terms) for h in g.index("zh-Hant").forbidden(text))


def test_stored_glossary_rebuilds_what_went_missing(tmp_path, sample, monkeypatch):
    cfg, _ = _stored(tmp_path, sample, monkeypatch)
    store = tmp_path / "cache" / "glossary"
    for part in store.glob("*.zh-Hant.index.ok"):
        part.unlink()
    for part in store.glob("*.zh-Hant.index.variants"):
        part.write_bytes(b"not a pickle")
    gl._load_cached.cache_clear()
    g = gl.load_merged(cfg)
    # The terms, second pickle of the main file, broken too: parsed again, in the same order.
    main = next(store.glob("*.pickle"))
    data = main.read_bytes()
    main.write_bytes(data[: len(data) // 2 + len(data) // 4])
    text = "令牌和數據庫"
    assert [h.term.en for h in g.index("zh-Hant").forbidden(text)] == ["token", "database"]
    doc = Document.from_text("詞元，符記\n", lang="zh-Hant")
    assert g.index("zh-Hant").first_renderings(doc) == gl.load([sample]).index("zh-Hant").first_renderings(doc)


def test_load_merged_missing_project_file_is_an_error(tmp_path):
    cfg = Config(root=tmp_path, glossaries=("nope.toml",), shipped_glossaries=False)
    with pytest.raises(GlossaryError, match="nope.toml: glossary file not found"):
        gl.load_merged(cfg)


def test_shipped_glossaries_are_found_beside_the_package():
    assert gl.shipped_dir() == Path(__file__).resolve().parent.parent / "glossary"


# --------------------------------------------------------------------------- #
# Contracts for convert and align
# --------------------------------------------------------------------------- #


def test_conversion_pairs_skip_kept_and_ambiguous_terms(g):
    pairs = g.conversion_pairs("zh-Hans", "zh-Hant")
    assert pairs["检索增强生成"] == "檢索增強生成"
    assert pairs["数据库"] == "資料庫"
    assert "程序" not in pairs  # procedure -> 程序, program -> 程式: ambiguous
    assert "LoRA" not in pairs
    back = g.conversion_pairs("zh-Hant", "zh-Hans")
    assert back["應用程式"] == "应用程序" and back["演算法"] == "算法"


def test_term_pairs_cover_variants_and_kept_terms(g):
    pairs = g.term_pairs("en", "zh-Hans")
    assert ("retrieval-augmented generation", "检索增强生成") in pairs
    assert ("RAG", "检索增强") in pairs
    assert ("low-rank adaptation", "LoRA") in pairs
    assert ("檢索增強生成", "检索增强生成") in g.term_pairs("zh-Hant", "zh-Hans")


def test_fingerprint_is_stable_and_content_sensitive(g, sample):
    assert g.fingerprint() == gl.load([sample]).fingerprint()
    changed = Glossary.from_terms([*g.terms[:-1], g.terms[-1]._replace(note="x")])
    assert changed.fingerprint() != g.fingerprint()


# --------------------------------------------------------------------------- #
# Matching
# --------------------------------------------------------------------------- #


def _forbidden(g, lang, text):
    return [(h.start, h.text, h.replacement) for h in g.index(lang).forbidden(text)]


def test_forbidden_never_fires_inside_an_accepted_rendering(g):
    assert _forbidden(g, "zh-Hant", "演算法很好") == []
    assert _forbidden(g, "zh-Hant", "這個算法") == [(2, "算法", "演算法")]


def test_an_accepted_string_inside_a_forbidden_compound_does_not_hide_it(g):
    # 程序 is accepted (procedure) but 應用程序 is still wrong in Taiwan.
    assert _forbidden(g, "zh-Hant", "安裝應用程序") == [(2, "應用程序", "應用程式")]


def test_longest_forbidden_match_wins_and_kept_terms_have_their_english_fix(g):
    assert _forbidden(g, "zh-Hant", "用低階適配器微調") == [(1, "低階適配器", "LoRA")]


def test_latin_strings_need_word_boundaries():
    g = Glossary.from_terms([Term(en="token", forms={"zh-Hant": "詞元"}, forbidden={"zh-Hant": ("tok",)})])
    assert _forbidden(g, "zh-Hant", "tokenizer 和 tok 與詞元tok") == [(12, "tok", "詞元"), (19, "tok", "詞元")]


def test_english_index_handles_plurals_hyphens_and_acronym_case(g):
    idx = g.english_index
    found = [(h.text, h.term.en) for h in idx.find("Retrieval augmented generation uses tokens; rag is cloth, RAG is not. LoRAs")]
    assert found == [
        ("Retrieval augmented generation", "retrieval-augmented generation"),
        ("tokens", "token"),
        ("RAG", "retrieval-augmented generation"),
        ("LoRAs", "LoRA"),
    ]
    assert idx.find("detokenize programs") == [] or all(h.text != "token" for h in idx.find("detokenize"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["演算法", "算法", "應用程序", "程序", "的", "數據庫", "資料庫", "令牌", "a", " "]), max_size=12))
def test_forbidden_hits_are_forbidden_strings_outside_accepted_ones(parts):
    g = gl.parse_text(SAMPLE, "sample.toml")
    g = Glossary.from_terms(g)
    text = "".join(parts)
    idx = g.index("zh-Hant")
    accepted = [(h.start, h.end) for h in idx.accepted(text)]
    for h in idx.forbidden(text):
        assert text[h.start : h.end] == h.text
        assert h.text in h.term.rejected("zh-Hant")
        assert not any(a <= h.start and h.end <= b and (b - a) > (h.end - h.start) for a, b in accepted)
    # Recall: a forbidden string surrounded by neutral text is always found.
    assert [h.text for h in idx.forbidden(f"的{text}的令牌的")][-1:] == ["令牌"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["資料", "資料庫", "庫", "ab", "b", "📚", "é", "的", "\n", " ", "A"]), max_size=20),
    st.sets(st.sampled_from(["資料", "資料庫", "料庫", "ab", "b", "📚的", "é資"]), min_size=1),
)
def test_matcher_finds_what_a_naive_search_finds(parts, keys):
    text = "".join(parts)
    m = gl.Matcher({k: k.upper() for k in keys})
    naive = sorted((i, i + len(k), k) for k in keys for i in range(len(text)) if text.startswith(k, i))
    assert sorted((a, b, k) for a, b, k, _ in m.find(text)) == naive
    doc = Document.from_text(text)
    assert m.lines(doc) == sorted({text.count("\n", 0, a) + 1 for a, _, _ in naive})


def test_masked_lines_skip_code_and_urls(g):
    doc = Document.from_text("用 `數據庫` 和 [連結](https://x.org/數據庫)\n\n```\n數據庫\n```\n數據庫\n", lang="zh-Hant")
    hits = [(n, h.text) for n, masked in gl.line_texts(doc) for h in g.index("zh-Hant").forbidden(masked)]
    assert hits == [(6, "數據庫")]


# --------------------------------------------------------------------------- #
# Exchange formats
# --------------------------------------------------------------------------- #


def _canon(terms):
    return sorted((t.to_dict() for t in terms), key=lambda d: d["en"].casefold())


def test_toml_round_trip(g):
    assert _canon(gl.parse_text(gl.to_toml(g), "x.toml")) == _canon(g)


def test_csv_round_trip_and_columns(g):
    text = gl.to_csv(g)
    assert text.splitlines()[0].startswith("en,zh-Hans,zh-Hant,")
    assert _canon(gl.from_csv(text, "x.csv")) == _canon(g)


def test_tbx_round_trip(g):
    assert _canon(gl.from_tbx(gl.to_tbx(g), "x.tbx")) == _canon(g)


def test_case_sensitivity_survives_every_format():
    g = Glossary.from_terms([Term(en="Go", forms={"zh-Hans": "Go 语言"}, case_sensitive=True, note="the language, not the verb")])
    for out, back in ((gl.to_tbx, gl.from_tbx), (gl.to_csv, gl.from_csv), (gl.to_toml, gl.parse_text)):
        assert _canon(back(out(g), "x")) == _canon(g)


def test_translate_toolkit_reads_the_tbx_export(g):
    from translate.storage import tbx

    store = tbx.tbxfile.parsestring(gl.to_tbx(g).encode("utf-8"))
    units = {u.source: u.target for u in store.units}
    assert units["retrieval-augmented generation"] == "检索增强生成"
    assert units["database"] == "数据库"
    assert len(units) == len(g)


def test_tbx_written_by_translate_toolkit_imports(tmp_path):
    from translate.storage import tbx

    store = tbx.tbxfile()
    store.setsourcelanguage("en")
    store.settargetlanguage("zh-TW")
    unit = store.addsourceunit("vector database")
    unit.target = "向量資料庫"
    path = tmp_path / "tt.tbx"
    path.write_bytes(bytes(store))
    terms = gl.import_file(path)
    assert [(t.en, t.forms) for t in terms] == [("vector database", {"zh-Hant": "向量資料庫"})]


def test_tbx_declared_in_a_multibyte_encoding_imports():
    # expat reads only UTF-8, UTF-16, Latin-1 and ASCII itself.
    tbx = (
        '<?xml version="1.0" encoding="GBK"?>\n<martif type="TBX-Basic"><text><body><termEntry>'
        '<langSet xml:lang="en"><tig><term>vector database</term></tig></langSet>'
        '<langSet xml:lang="zh-CN"><tig><term>向量数据库</term></tig></langSet></termEntry></body></text></martif>\n'
    )
    (term,) = gl.from_tbx(tbx.encode("gbk"), "t.tbx")
    assert (term.en, term.forms) == ("vector database", {"zh-Hans": "向量数据库"})
    with pytest.raises(GlossaryError, match=r"t.tbx: unknown encoding 'X-KLINGON' in the XML declaration"):
        gl.from_tbx(tbx.replace("GBK", "X-KLINGON").encode("utf-8"), "t.tbx")
    with pytest.raises(GlossaryError, match=r"t.tbx: not Big5 as declared"):
        gl.from_tbx(tbx.replace("GBK", "Big5").replace("向量数据库", "X").encode("ascii").replace(b"X", b"\x80\x80"), "t.tbx")


def test_broken_csv_is_a_glossary_error_and_classic_mac_lines_are_read():
    with pytest.raises(GlossaryError, match=r"g.csv: not a CSV file: field larger than field limit"):
        gl.from_csv("en,zh-Hant\n" + "a" * 200_000 + ",乙\n", "g.csv")
    (term,) = gl.from_csv("en,zh-Hant\rvector database,向量資料庫\r", "g.csv")
    assert term.forms == {"zh-Hant": "向量資料庫"}


def test_csv_with_region_tags_imports():
    terms = gl.from_csv("EN,zh-CN,zh-TW,Note\nserver,服务器,伺服器,x\n", "c.csv")
    assert terms[0].forms == {"zh-Hans": "服务器", "zh-Hant": "伺服器"} and terms[0].note == "x"


@pytest.mark.parametrize(
    "name,data,needle",
    [
        ("a.csv", "zh-Hans,zh-Hant\n甲,乙\n", "no 'en' column"),
        ("a.csv", "en,zh-Hans,keep\nx,甲,maybe\n", "line 2: keep: expected true or false"),
        ("a.tbx", "<martif><text><body><termEntry>", "not well-formed XML"),
        ("a.tbx", '<martif><text><body><termEntry><langSet xml:lang="zh-Hans"><tig><term>甲</term></tig></langSet></termEntry></body></text></martif>', "termEntry #1: no English term"),
        ("a.json", "{}", "unknown glossary format"),
    ],
)
def test_import_errors_are_one_line(tmp_path, name, data, needle):
    p = tmp_path / name
    p.write_text(data, encoding="utf-8")
    with pytest.raises(GlossaryError, match=needle):
        gl.import_file(p)


# --------------------------------------------------------------------------- #
# Mining
# --------------------------------------------------------------------------- #

EN = textwrap.dedent(
    """\
    # Guide

    ## 1. Fine-tuning

    **Supervised fine-tuning:** train on pairs.

    **Preference alignment:** train on choices.

    - **Quantization:** fewer bits.
    - **Model merging:** combine weights.
    """
)

ZH = textwrap.dedent(
    """\
    # 指南

    ## 1. 微调

    **监督微调（SFT）：** 用成对数据训练，也叫指令微调（instruction tuning）。

    **偏好对齐：** 用选择数据训练。

    - **量化：** 更少的位。
    - **模型合并：** 合并权重，见 Transformer（变换器）。
    """
)


def test_mine_finds_parenthesized_and_positional_pairs():
    src = Document.from_text(EN, "en.md", "en")
    tgt = Document.from_text(ZH, "zh.md", "zh-Hans")
    found = {(s.en, s.rendering) for s in gl.mine(src, tgt, "zh-Hans")}
    assert ("SFT", "监督微调") in found
    assert ("instruction tuning", "指令微调") in found
    assert ("Transformer", "变换器") in found
    assert ("Preference alignment", "偏好对齐") in found
    assert ("Quantization", "量化") in found
    assert ("Model merging", "模型合并") in found
    assert ("Supervised fine-tuning", "监督微调") in found


def test_mine_reads_a_long_han_line_once():
    # A 中文（English） match starts where a run of Han characters starts, never
    # inside it: tried from every character, a long line without parentheses
    # was rescanned to its end each time (a 32,000-character line took 20 s).
    zh_then_en = gl._mining_patterns()[0]
    assert zh_then_en.search("用监督微调（SFT）", 1) is None
    assert zh_then_en.search("用 监督微调（SFT）").group(1, 2) == ("监督微调", "SFT")
    assert zh_then_en.search("-监督微调（SFT）").group(1) == "监督微调"
    line = "模型" * 20000 + "，监督微调（SFT）"
    tgt = Document.from_text(f"# 标题\n\n{line}\n", "zh.md", "zh-Hans")
    src = Document.from_text("# Title\n\nText.\n", "en.md", "en")
    assert ("SFT", "监督微调") in {(s.en, s.rendering) for s in gl.mine(src, tgt, "zh-Hans")}


def test_suggestions_toml_is_a_valid_glossary_and_skips_known_terms(g):
    src = Document.from_text(EN.replace("Quantization", "RAG"), "en.md", "en")
    tgt = Document.from_text(ZH.replace("量化", "检索增强生成"), "zh.md", "zh-Hans")
    text = gl.suggestions_toml(gl.mine(src, tgt, "zh-Hans", g))
    terms = gl.parse_text(text, "mined.toml")
    assert {t.en for t in terms} >= {"SFT", "Model merging"}
    assert "RAG" not in {t.en for t in terms}
    assert all(t.note.startswith("seen ") for t in terms)
    assert "RAG" in {t.en for t in gl.parse_text(gl.suggestions_toml(gl.mine(src, tgt, "zh-Hans", g), include_known=True), "m")}


def test_mine_on_the_zh_hans_seed(seed_hans):
    """Every pair the miner proposes from the user's roadmap has an English side and a Chinese side."""
    text = seed_hans.read_text(encoding="utf-8")
    tgt = Document.from_text(text, str(seed_hans), "zh-Hans")
    src = Document.from_text("# Roadmap\n", "en.md", "en")
    found = gl.mine(src, tgt, "zh-Hans")
    pairs = {(s.en, s.rendering) for s in found}
    # The bold 中文（English） leads of the roadmap's first section.
    assert ("Tokenization", "分词") in pairs
    assert all(s.en.isascii() or not any("\u4e00" <= c <= "\u9fff" for c in s.en) for s in found)
    assert len(found) >= 10


# --------------------------------------------------------------------------- #
# Command line
# --------------------------------------------------------------------------- #


def test_cli_validate_export_import_round_trip(cli, tmp_path, sample):
    r = cli("glossary", "validate", str(sample))
    assert r.exit_code == 0, r
    assert r.stdout == "" and "8 terms in 1 file(s), 0 problem(s)" in r.stderr
    out = tmp_path / "g.tbx"
    r = cli("glossary", "export", str(sample), "--format", "tbx", "-o", str(out))
    assert r.exit_code == 0, r
    assert out.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>')
    back = tmp_path / "back.toml"
    r = cli("glossary", "import", str(out), "-o", str(back))
    assert r.exit_code == 0, r
    assert _canon(gl.load_file(back)) == _canon(gl.load_file(sample))
    r = cli("glossary", "export", str(sample), "--format", "csv")
    assert r.exit_code == 0 and r.stdout.splitlines()[1].startswith("algorithm,算法,演算法")


def test_cli_validate_reports_problems_with_exit_1(cli, tmp_path):
    p = tmp_path / "g.toml"
    p.write_text('[[term]]\nen = "b"\nzh-Hant = "演算法"\n\n[[term]]\nen = "a"\nzh-Hant = "甲"\nforbidden.zh-Hant = ["演算法"]\n', encoding="utf-8")
    r = cli("glossary", "validate", str(p))
    assert r.exit_code == 1
    assert r.stdout.splitlines() == [
        f"{p}: term 'a': en: not sorted: comes after 'b' (entries are sorted by en, case-insensitively)",
        f"{p}: term 'a': forbidden.zh-Hant: '演算法' is an accepted rendering of 'b' in zh-Hant",
    ]


def test_cli_bad_glossary_is_a_one_line_error(cli, tmp_path):
    p = tmp_path / "g.toml"
    p.write_text('[[term]]\nen = "x"\nzh-hans = "甲"\n', encoding="utf-8")
    r = cli("glossary", "validate", str(p))
    assert r.exit_code == 2
    assert r.stderr.strip() == f"transkit: error: {p}: term 'x': unknown key 'zh-hans' (did you mean 'zh-Hans'?)"
    r = cli("glossary", "import", str(tmp_path / "missing.tbx"))
    assert r.exit_code == 2 and "missing.tbx: file not found" in r.stderr


def test_cli_suggest_prints_toml(cli, tmp_path):
    (tmp_path / "en.md").write_text(EN, encoding="utf-8")
    (tmp_path / "zh.md").write_text(ZH, encoding="utf-8")
    r = cli("glossary", "suggest", str(tmp_path / "en.md"), str(tmp_path / "zh.md"), "--lang", "zh-CN", cwd=tmp_path)
    assert r.exit_code == 0, r
    # The shipped glossary knows SFT and quantization already: only new pairs are printed.
    shipped = {t.en for t in gl.parse_text(r.stdout, "stdout")}
    assert "SFT" not in shipped and "Quantization" not in shipped
    (tmp_path / "transkit.toml").write_text("shipped-glossaries = false\n", encoding="utf-8")
    r = cli("glossary", "suggest", "en.md", "zh.md", "--lang", "zh-CN", cwd=tmp_path)
    assert r.exit_code == 0, r
    terms = gl.parse_text(r.stdout, "stdout")
    assert {"SFT", "Quantization", "Model merging"} <= {t.en for t in terms}
    assert all(set(t.forms) == {"zh-Hans"} for t in terms)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(["詞元", "符記", "`符記`", "\n", "\r\n", "\r", "```\n符記\n```\n", "\ufeff", "token", "📚", "[符記](http://x/符記)", " "]),
        max_size=14,
    )
)
def test_first_renderings_match_a_line_by_line_search(parts):
    g = Glossary.from_terms([Term(en="token", forms={"zh-Hant": "詞元"}, allowed={"zh-Hant": ("符記",)})])
    text = "".join(parts)
    if "\ufeff" in text[1:]:
        text = text.replace("\ufeff", "")
    doc = Document.from_text(text, lang="zh-Hant")
    idx = g.index("zh-Hant")
    expected: dict = {}
    for n, masked in gl.line_texts(doc):
        for hit in idx.accepted(masked):
            expected.setdefault("token", {}).setdefault(hit.text, (n, hit.start + 1))
    assert idx.first_renderings(doc) == expected


def test_tbx_and_csv_are_imported_not_read_as_toml(tmp_path, cli):
    tbx = tmp_path / "terms.tbx"
    tbx.write_text('<?xml version="1.0"?><martif type="TBX-Basic"><text><body/></text></martif>', encoding="utf-8")
    res = cli("glossary", "validate", str(tbx))
    assert res.exit_code == 2 and f"transkit reads TOML glossaries; convert this one with `transkit glossary import {tbx} -o terms.toml`" in res.stderr, res
    # An import that finds no term says so instead of writing an empty glossary.
    res = cli("glossary", "import", str(tbx), "-o", str(tmp_path / "terms.toml"))
    assert res.exit_code == 2 and "no terms found" in res.stderr and not (tmp_path / "terms.toml").exists(), res
    csv = tmp_path / "terms.csv"
    csv.write_text("en,zh-Hant\n", encoding="utf-8")
    res = cli("glossary", "import", str(csv))
    assert res.exit_code == 2 and "no terms found" in res.stderr, res
