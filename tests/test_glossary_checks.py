"""TK401-TK403 and TK510-TK512 called directly and through the lint workflow, on a project glossary."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from transkit.checks.base import FileContext, PairContext, ProjectContext
from transkit.checks.glossary import ForbiddenTerm, InconsistentTerm, MissingTerm
from transkit.checks.regional import MainlandVocabulary, QuoteStyle, TaiwanVocabulary, regional_index, tables
from transkit.config import Config
from transkit.document import Document
from transkit.lint import lint_paths
from transkit.resources import Resources

PROJECT = textwrap.dedent(
    """\
    [[term]]
    en = "algorithm"
    zh-Hans = "算法"
    zh-Hant = "演算法"
    forbidden.zh-Hant = ["算法"]

    [[term]]
    en = "database"
    zh-Hans = "数据库"
    zh-Hant = "資料庫"
    forbidden.zh-Hant = ["數據庫"]

    [[term]]
    en = "LoRA"
    keep = true
    forbidden.zh-Hant = ["低階適配器"]

    [[term]]
    en = "memory"
    zh-Hans = "内存"
    zh-Hant = "記憶體"
    allowed.zh-Hant = ["內存"]
    note = "a project that accepts 內存 overrides the regional table"

    [[term]]
    en = "token"
    zh-Hans = "词元"
    zh-Hant = "詞元"
    allowed.zh-Hant = ["符記"]
    forbidden.zh-Hant = ["令牌"]

    [[term]]
    en = "vector database"
    zh-Hans = "向量数据库"
    zh-Hant = "向量資料庫"
    allowed.zh-Hans = ["向量库"]
    forbidden.zh-Hans = ["向量资料库"]
    """
)


@pytest.fixture
def config(tmp_path) -> Config:
    (tmp_path / "project.toml").write_text(PROJECT, encoding="utf-8")
    return Config(root=tmp_path, glossaries=("project.toml",), shipped_glossaries=False)


def run(check, text: str, lang: str, config: Config, **opts):
    doc = Document.from_text(text, "doc.md", lang)
    ctx = FileContext("doc.md", lang, config, Resources(config))
    return [(d.line, d.column, d.message, d.fix.replacement if d.fix else None) for d in check(opts).check_file(doc, ctx)]


# --------------------------------------------------------------------------- #
# TK401
# --------------------------------------------------------------------------- #


def test_tk401_reports_forbidden_renderings_with_the_preferred_fix(config):
    found = run(ForbiddenTerm, "# 標題\n\n把向量存進數據庫，用令牌計數。\n", "zh-Hant", config)
    assert [(ln, col, fix) for ln, col, _, fix in found] == [(3, 6, "資料庫"), (3, 11, "詞元")]
    assert "數據庫 is not used for 'database' in zh-Hant; use 資料庫 (glossary: project.toml)" == found[0][2]


def test_tk401_is_silent_inside_accepted_renderings_code_and_links(config):
    text = "演算法很重要。`算法` 和 [演算法](https://x.org/算法)\n\n```\n數據庫\n```\n"
    assert run(ForbiddenTerm, text, "zh-Hant", config) == []


def test_tk401_kept_term_offers_the_english(config):
    assert run(ForbiddenTerm, "用低階適配器微調\n", "zh-Hant", config) == [(1, 2, "低階適配器 is not used for 'LoRA' in zh-Hant; use LoRA (glossary: project.toml)", "LoRA")]


def test_tk401_per_locale(config):
    assert run(ForbiddenTerm, "向量资料库和算法\n", "zh-Hans", config) == [(1, 1, "向量资料库 is not used for 'vector database' in zh-Hans; use 向量数据库 (glossary: project.toml)", "向量数据库")]


# --------------------------------------------------------------------------- #
# TK402
# --------------------------------------------------------------------------- #

SOURCE = textwrap.dedent(
    """\
    # Guide

    ## 1. Storage

    Put embeddings in a vector database. Count every token.

    ## 2. Training

    Fine-tune with LoRA adapters.
    """
)


def pair_run(target: str, config: Config, lang: str = "zh-Hans"):
    src = Document.from_text(SOURCE, "en.md", "en")
    tgt = Document.from_text(target, "zh.md", lang)
    pair = PairContext(source=src, target=tgt, source_lang="en", target_lang=lang, config=config, resources=Resources(config))
    return [(d.line, d.message, d.related.line if d.related else None) for d in MissingTerm({"min-confidence": 0.0}).check_pair(pair)]


def test_tk402_reports_a_term_missing_from_the_aligned_section(config):
    target = "# 指南\n\n## 1. 存储\n\n把嵌入存进向量仓，并统计每个词元。\n\n## 2. 训练\n\n用 LoRA 适配器微调。\n"
    assert pair_run(target, config) == [
        (3, "source names 'vector database' (line 5) but this section has no rendering of it: expected 向量数据库 (or 向量库)", 5)
    ]


def test_tk402_accepts_preferred_allowed_and_english_kept(config):
    for rendering in ("向量数据库", "向量库", "vector database", "Vector Databases"):
        target = f"# 指南\n\n## 1. 存储\n\n把嵌入存进{rendering}，并统计每个 token。\n\n## 2. 训练\n\n用 LoRA 适配器微调。\n"
        assert pair_run(target, config) == [], rendering


def test_tk402_leaves_forbidden_renderings_to_tk401(config):
    target = "# 指南\n\n## 1. 存储\n\n把嵌入存进向量资料库，并统计词元。\n\n## 2. 训练\n\n用 LoRA 微调。\n"
    assert pair_run(target, config) == []


def test_tk402_through_the_lint_workflow(config, tmp_path):
    (tmp_path / "en.md").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "zh.md").write_text("# 指南\n\n## 1. 存储\n\n把嵌入存进向量仓，并统计每个词元。\n\n## 2. 训练\n\n用低秩方法微调。\n", encoding="utf-8")
    result = lint_paths([tmp_path / "zh.md"], config, lang="zh-Hans", source=tmp_path / "en.md", source_lang="en", select_=["TK402"])
    assert [(d.line, d.data_dict()["term"] if hasattr(d, "data_dict") else dict(d.data)["term"]) for d in result.diagnostics] == [(3, "vector database"), (7, "LoRA")]


# --------------------------------------------------------------------------- #
# TK403
# --------------------------------------------------------------------------- #


def project_run(files: dict[str, str], lang: str, config: Config):
    res = Resources(config)
    check = InconsistentTerm()
    collected = []
    for path, text in sorted(files.items()):
        doc = Document.from_text(text, path, lang)
        collected.append((path, lang, check.collect(doc, FileContext(path, lang, config, res))))
    project = ProjectContext(config=config, resources=res, collected={"TK403": collected})
    return [(d.path, d.line, d.column, d.message) for d in check.check_project(project)]


def test_tk403_reports_the_minority_rendering_across_files(config):
    files = {"a.md": "詞元很多。\n", "b.md": "# 標題\n\n每個詞元。\n", "c.md": "第一行\n每個符記都算。\n"}
    assert project_run(files, "zh-Hant", config) == [("c.md", 2, 3, "'token' is rendered 符記 here but 詞元 in 2 other file(s) of this language")]


def test_tk403_tie_goes_to_the_preferred_rendering_and_english_is_ignored(config):
    files = {"a.md": "符記與 token\n", "b.md": "詞元\n"}
    assert project_run(files, "zh-Hant", config) == [("a.md", 1, 1, "'token' is rendered 符記 here but 詞元 in 1 other file(s) of this language")]


def test_tk403_leaves_mixed_files_and_contained_renderings_alone(config, tmp_path):
    # A file mixing renderings does not vote: an allowed rendering is often a plain word too.
    assert project_run({"a.md": "詞元\n\n符記\n", "b.md": "詞元\n"}, "zh-Hant", config) == []
    extra = tmp_path / "extra.toml"
    extra.write_text('[[term]]\nen = "application"\nzh-Hans = "应用程序"\nzh-Hant = "應用程式"\nallowed.zh-Hans = ["应用"]\n', encoding="utf-8")
    cfg = Config(root=tmp_path, glossaries=("extra.toml",), shipped_glossaries=False)
    assert project_run({"a.md": "应用很广\n", "b.md": "安装应用程序\n", "c.md": "应用程序\n"}, "zh-Hans", cfg) == []


def test_tk403_through_the_lint_workflow(config, tmp_path):
    for name, text in (("a.zh-TW.md", "# 一\n\n詞元很多。\n"), ("b.zh-TW.md", "# 二\n\n符記很多。\n"), ("c.zh-TW.md", "# 三\n\n詞元。\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = lint_paths(sorted(tmp_path.glob("*.md")), config, select_=["TK403"])
    assert [(Path(d.path).name, d.line, d.column, d.related.line) for d in result.diagnostics] == [("b.zh-TW.md", 3, 1, 3)]


def test_tk403_silent_when_consistent(config):
    assert project_run({"a.md": "詞元\n", "b.md": "詞元與 token\n"}, "zh-Hant", config) == []


# --------------------------------------------------------------------------- #
# TK510 / TK511
# --------------------------------------------------------------------------- #


def test_tk510_flags_mainland_phrasing_with_the_taiwan_fix(config):
    found = run(MainlandVocabulary, "把影片存到硬盤，再用軟件播放視頻。\n", "zh-Hant", config)
    assert [(col, fix) for _, col, _, fix in found] == [(6, "硬碟"), (11, "軟體"), (15, "影片")]
    assert found[0][2] == "mainland phrasing 硬盤 (zh-Hant: 硬碟)"


def test_tk510_never_flags_sense_dependent_words_bare(config):
    text = "這個程序的文件說明了項目的數據，我們支持它，支持率很高，大數據也是。\n"
    assert run(MainlandVocabulary, text, "zh-Hant", config) == []


def test_tk510_flags_compounds_of_sense_dependent_words(config):
    cfg = Config(root=config.root, shipped_glossaries=False)
    found = run(MainlandVocabulary, "資料存進數據庫，再做數據處理。\n", "zh-Hant", cfg)
    assert [fix for *_, fix in found] == ["資料庫", "資料處理"]


def test_tk510_word_boundary_guards(config):
    # 試圖|標準化 holds 圖標, 國內|存在 holds 內存; both readings are common words.
    assert run(MainlandVocabulary, "他試圖標準化流程，國內存在許多方案。\n", "zh-Hant", config) == []
    cfg = Config(root=config.root, shipped_glossaries=False)
    assert [fix for *_, fix in run(MainlandVocabulary, "增加了內存和圖標。\n", "zh-Hant", cfg)] == ["記憶體", "圖示"]


def test_tk510_correct_words_containing_a_phrase(config):
    assert run(MainlandVocabulary, "演算法、用戶端、預算法與比特幣。\n", "zh-Hant", config) == []


def test_tk510_glossary_wins(config):
    # The project accepts 內存, and TK401 owns 數據庫 (the project forbids it).
    assert run(MainlandVocabulary, "內存與數據庫\n", "zh-Hant", config) == []
    assert [fix for *_, fix in run(ForbiddenTerm, "內存與數據庫\n", "zh-Hant", config)] == ["資料庫"]


def test_tk511_flags_taiwan_phrasing_in_zh_hans(config):
    found = run(TaiwanVocabulary, "安装软体后，把记忆体和伺服器设好。\n", "zh-Hans", config)
    assert [fix for *_, fix in found] == ["软件", "内存", "服务器"]


def test_tk511_guard_on_mainland_text(config):
    text = "参考资料：程序的文件在方程式的档案里，执行后支援多种影片格式。\n"
    assert run(TaiwanVocabulary, text, "zh-Hans", config) == []


def test_stored_regional_index_reads_its_masks_only_when_needed(tmp_path, config, monkeypatch):
    from transkit import glossary as gl
    from transkit.checks import regional

    monkeypatch.setenv("TRANSKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TRANSKIT_NO_CACHE", raising=False)
    text = "把數據庫放進內存，試圖標準化視頻\n"

    def fresh_process():
        gl._load_cached.cache_clear()
        regional._INDEXES.clear()
        return gl.load_merged(config)

    built = regional_index("zh-Hant", fresh_process())  # built, and stored
    expected = [(h.start, h.text, h.replacement) for h in built.find(text)]
    assert expected
    g = fresh_process()
    index = regional_index("zh-Hant", g)
    assert index.candidate_lines(Document.from_text("資料庫與記憶體\n", lang="zh-Hant")) == []
    assert "_masks" not in vars(index) and "_guard" not in vars(index)
    assert [(h.start, h.text, h.replacement) for h in index.find(text)] == expected
    # A part gone from the cache is built again, with the same result.
    for part in (tmp_path / "cache" / "regional").glob("*.masks"):
        part.unlink()
    g = fresh_process()
    assert [(h.start, h.text, h.replacement) for h in regional_index("zh-Hant", g).find(text)] == expected


def test_regional_tables_are_consistent():
    from transkit.checks.regional import read_exclusions

    excl = read_exclusions()
    for lang, table in tables().items():
        assert len(table.pairs) > 300
        for word in excl[lang]["all"] | excl[lang]["word"]:
            assert word not in table.pairs, (lang, word)
        assert excl[lang]["ok"] <= table.ok
        for key, value in table.pairs.items():
            assert key != value and key and value
        # The guard words never hide a phrase standing alone.
        index = regional_index(lang, None)
        assert sum(1 for key in table.pairs if index.find(key)) >= 0.95 * len(table.pairs)


def test_shipped_regional_table_is_what_the_derivation_gives(tmp_path):
    """The data file is derived, not edited: rebuilding it gives the same bytes."""
    from transkit.checks import regional

    out = tmp_path / "regional.txt"
    regional.build(out)
    assert out.read_text(encoding="utf-8") == regional.TABLE.read_text(encoding="utf-8")


def test_lint_path_does_not_import_jieba_or_build_opencc(tmp_path):
    import subprocess
    import sys

    doc = tmp_path / "zh-Hant.md"
    doc.write_text("把數據庫放進內存，“引號”\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from transkit.config import Config\n"
        "from transkit.lint import lint_paths\n"
        f"r = lint_paths([Path({str(doc)!r})], Config(root=Path({str(tmp_path)!r})), lang='zh-Hant', select_=['TK4', 'TK51'])\n"
        "print(sorted({d.code for d in r.diagnostics}))\n"
        "print('jieba' in sys.modules, 'opencc' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[1] == "False False"
    assert "TK512" in out[0]


# --------------------------------------------------------------------------- #
# TK512
# --------------------------------------------------------------------------- #


def test_tk512_curly_quotes_in_zh_hant(config):
    found = run(QuoteStyle, "所謂“上下文‘視窗’”是指。\n", "zh-Hant", config)
    assert found == [(1, 3, "quotation marks “” in zh-Hant text (this project uses 「」)", "「上下文『視窗』」")]


def test_tk512_guards_english_quotes_and_apostrophes(config):
    text = "論文 “Attention Is All You Need” 與 Karpathy’s 影片、`“code”`。\n"
    assert run(QuoteStyle, text, "zh-Hant", config) == []


def test_tk512_corner_quotes_in_zh_hans(config):
    assert run(QuoteStyle, "所谓「上下文」和『窗口』\n", "zh-Hans", config) == [
        (1, 3, "quotation marks 「」 in zh-Hans text (this project uses “”)", "“上下文”"),
        (1, 9, "quotation marks 『』 in zh-Hans text (this project uses “”)", "‘窗口’"),
    ]


def test_tk512_is_configurable(config):
    assert run(QuoteStyle, "所謂“上下文”\n", "zh-Hant", config, **{"zh-Hant": "any"}) == []
    assert [fix for *_, fix in run(QuoteStyle, "所謂「上下文」\n", "zh-Hant", config, **{"zh-Hant": "“”"})] == ["“上下文”"]


def test_tk512_config_file_option(tmp_path, cli):
    (tmp_path / "transkit.toml").write_text('[checks.quote-style]\nzh-Hant = "“”"\n', encoding="utf-8")
    (tmp_path / "doc.zh-TW.md").write_text("所謂「上下文」\n", encoding="utf-8")
    r = cli("lint", "doc.zh-TW.md", "--select", "TK512", "--format", "json", cwd=tmp_path)
    assert r.exit_code == 1, r
    assert '"TK512"' in r.stdout and "“上下文”" in r.stdout
