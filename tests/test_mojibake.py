"""Mojibake detection and lossless repair (transkit.mojibake), with false-positive guards.

The lossy repair and its accuracy benchmark are in test_mojibake_repair.py.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transkit import langmodel, mojibake
from transkit.mojibake import Accident, find_damage, repair_line, repair_text

from conftest import LOCALES

SAMPLE = "## 4. 模型部署\n\n**量化（Quantization）：** 把權重從 16 位元轉成 4 位元，讓模型在筆電上執行。\n- 檢索增強生成、向量資料庫、提示工程 🚀\n"


def _model():
    return langmodel.load("zh-Hant")


def _getter():
    return _model


# --------------------------------------------------------------------------- #
# Lossless accidents are undone exactly
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("codec", ["cp1252", "cp1254", "cp1250", "latin-1", "mac_roman"])
def test_single_byte_round_trip(codec):
    damaged = SAMPLE.encode("utf-8").decode(codec, errors="surrogateescape")
    assert damaged != SAMPLE
    assert repair_text(damaged).text == SAMPLE


def test_cp1251_round_trip():
    damaged = SAMPLE.encode("utf-8").decode("cp1251", errors="surrogateescape")
    assert repair_text(damaged).text == SAMPLE


def test_sloppy_windows_decoding_keeps_undefined_bytes_as_c1_controls():
    # Windows maps undefined cp1252 bytes to U+0081 ...; the bytes are all there.
    data = "部署與監控".encode("utf-8")
    damaged = "".join(chr(b) if bytes([b]).decode("cp1252", "replace") == "\ufffd" else bytes([b]).decode("cp1252") for b in data)
    assert repair_text(damaged).text == "部署與監控"


@pytest.mark.parametrize("codec", ["gbk", "gb18030", "big5"])
def test_two_byte_round_trip(codec):
    damaged = SAMPLE.encode("utf-8").decode(codec, errors="surrogateescape")
    assert repair_text(damaged).text == SAMPLE


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("codec", ["gbk", "big5", "cp1252"])
def test_lossless_accidents_on_the_bundled_sample(lang, codec):
    text = (LOCALES / lang / "roadmap.md").read_text(encoding="utf-8")
    damaged = text.encode("utf-8").decode(codec, errors="surrogateescape")
    assert repair_text(damaged).text == text


@pytest.mark.parametrize("codec", ["gbk", "big5", "cp1252"])
def test_lossless_accidents_on_the_seed(seed_hans, codec):
    import opencc

    for text in (seed_hans.read_text(encoding="utf-8"), opencc.OpenCC("s2twp").convert(seed_hans.read_text(encoding="utf-8"))):
        damaged = text.encode("utf-8").decode(codec, errors="surrogateescape")
        repaired = repair_text(damaged).text
        bad = [i for i, (a, b) in enumerate(zip(text.split("\n"), repaired.split("\n"))) if a != b]
        assert repaired == text, bad[:5]


def test_gbk_example_from_the_issue():
    rep = repair_line("妯″瀷閮ㄧ讲")
    assert rep.text == "模型部署"
    assert rep.damages[0].accident is Accident.GBK


def test_double_encoding_is_undone_and_named():
    once = "模型部署".encode("utf-8").decode("cp1252", errors="surrogateescape")
    twice = once.encode("utf-8").decode("cp1252", errors="surrogateescape")
    (d,) = find_damage(twice)
    assert d.layers == 2 and d.repaired == "模型部署"
    assert "double encoding" in d.label


def test_gbk_read_as_big5_and_back():
    text = "本路线图面向希望了解大语言模型如何构建和部署的读者"
    damaged = text.encode("gbk").decode("big5", errors="surrogateescape")
    (d,) = find_damage(damaged, model_getter=_getter(), lang="zh-Hans")
    assert d.accident is Accident.GBK_AS_BIG5
    assert d.repaired == text


def test_big5_read_as_gbk():
    text = "這份路線圖寫給想了解大型語言模型如何建立與部署的讀者"
    damaged = text.encode("big5").decode("gbk", errors="surrogateescape")
    found = find_damage(damaged, model_getter=_getter(), lang="zh-Hant")
    assert found and all(d.accident is Accident.BIG5_AS_GBK for d in found)
    assert "".join(d.repaired for d in found) == text


def test_undamaged_lines_are_returned_unchanged():
    text = "第一行沒問題。\r\n" + "æ¨¡åž‹éƒ¨ç½²\r\n" + "最後一行，café 也沒問題。"
    out = repair_text(text)
    assert out.text == "第一行沒問題。\r\n模型部署\r\n最後一行，café 也沒問題。"
    assert out.changed_lines == (2,)


# --------------------------------------------------------------------------- #
# Markers and replacement runs
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("marker", ["锟斤拷", "錕斤拷錕斤拷", "嚙踝蕭", "烫烫烫", "燙燙燙燙", "屯屯屯"])
def test_lost_text_markers(marker):
    (d,) = find_damage(f"模型{marker}部署")
    assert d.accident is Accident.MARKER and d.repaired is None and d.text == marker


def test_replacement_runs_but_not_a_single_one():
    assert [d.accident for d in find_damage("模型的���方式")] == [Accident.REPLACEMENT_RUN]
    assert find_damage("模型的�署方式") == []  # one U+FFFD is TK201's


def test_markers_are_the_real_byte_accidents():
    assert "\ufffd\ufffd".encode("utf-8").decode("gbk") == "锟斤拷"
    assert bytes([0xCC] * 6).decode("gbk") == "烫烫烫"
    assert bytes([0xCD] * 6).decode("gbk") == "屯屯屯"


# --------------------------------------------------------------------------- #
# Correct text is not mojibake
# --------------------------------------------------------------------------- #

CLEAN = [
    "José Müller, François, Dvořák, Łódź, Ærøskøbing, Ñuñoa, São Paulo, İstanbul",
    "∑ᵢ xᵢ ≤ α·β, ∫ f(x) dx ≈ π, √2 ≠ 1.41, ±0.5°, 10 µm, × ÷ ∞",
    "emoji 👍 🚀 📚 👷 ✅ ❌ 🤗 and flags 🇹🇼",
    "Привет, мир! «Слово» — это её дом. Её ПРОГРЕСС» и №5.",
    "Γειά σου κόσμε — Ελληνικά με τόνους: άέήίόύώ",
    "中文句子，全形標點「引號」、（括號）——破折號……省略號！",
    "“Smart quotes” and ‘single’ — em dash – en dash … ellipsis • bullet © ® ™ €",
    "Ümlaut Über Öl, ÉCOLE, À LA CARTE, Ça va? Ça.",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_text_is_not_flagged(text):
    assert find_damage(text, model_getter=_getter()) == []
    assert repair_text(text).text == text


def test_mojibake_quoted_in_code_is_not_flagged(tmp_path):
    from transkit.config import Config
    from transkit.lint import lint_paths

    doc = tmp_path / "doc.md"
    doc.write_text("# 編碼\n\n`æ‡‰ç”¨` 就是「應用」被讀成 Windows-1252 的樣子。\n\n```\næ‡‰ç”¨\n```\n", encoding="utf-8")
    result = lint_paths([doc], Config(root=tmp_path), lang="zh-Hant", select_=["TK21"])
    assert [d for d in result.diagnostics if d.code.startswith("TK21")] == []
    # and repair leaves the quotes alone too
    assert repair_text(doc.read_text(encoding="utf-8")).changed is False


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
def test_bundled_sample_is_clean(lang):
    text = (LOCALES / lang / "roadmap.md").read_text(encoding="utf-8")
    res = repair_text(text, lang=lang if lang != "en" else None)
    assert not res.changed and not res.damages


def test_seed_is_clean(seed_hans):
    text = seed_hans.read_text(encoding="utf-8")
    res = repair_text(text, lang="zh-Hans")
    assert not res.changed and not res.damages


def test_prefilter_is_cheap_on_clean_chinese(seed_hans):
    text = seed_hans.read_text(encoding="utf-8")
    lines = [ln for ln in text.split("\n") if mojibake.looks_damaged(ln)]
    assert len(lines) <= 3  # the rare line with a GBK-lead-pair character, rejected later


# --------------------------------------------------------------------------- #
# Properties
# --------------------------------------------------------------------------- #

_ALPHABET = sorted(set((LOCALES / "zh-Hant" / "roadmap.md").read_text(encoding="utf-8")) - set("\n\r`"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, min_size=8, max_size=40))
def test_property_cp1252_and_gbk_accidents_round_trip(text):
    for codec in ("cp1252", "gbk"):
        damaged = text.encode("utf-8").decode(codec, errors="surrogateescape")
        if damaged == text:
            continue
        assert repair_text(damaged).text == text


# Prose lines of the sample: code (fences, inline code, indented blocks) is protected on purpose.
_PROSE = [
    ln
    for ln in (LOCALES / "zh-Hant" / "roadmap.md").read_text(encoding="utf-8").split("\n")
    if "`" not in ln and "<" not in ln and not ln.startswith(("    ", "---", "title:"))
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PROSE), min_size=1, max_size=12), st.data())
def test_property_only_damaged_lines_change(lines, data):
    damaged_idx = data.draw(st.sets(st.integers(0, len(lines) - 1)))
    out = []
    for i, ln in enumerate(lines):
        out.append(ln.encode("utf-8").decode("cp1252", errors="surrogateescape") if i in damaged_idx else ln)
    res = repair_text("\n".join(out), whole_file=False)
    got = res.text.split("\n")
    for i, ln in enumerate(lines):
        if i not in damaged_idx:
            assert got[i] == out[i]  # never touched
    # a damaged line comes back exactly, unless it had nothing to damage
    assert res.text == "\n".join(lines)


# --------------------------------------------------------------------------- #
# The language model and the lint fast path
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_shipped_models_load_and_know_their_script(lang):
    lm = langmodel.load(lang)
    assert len(lm.words) > 200_000 and lm.locative and lm.classifier and lm.adjective and lm.adverb
    mine, other = ("模型", "软件") if lang == "zh-Hans" else ("模型", "軟體")
    assert lm.word_score(mine) is not None and lm.word_score(other) is not None
    wrong = "軟體" if lang == "zh-Hans" else "软件"
    assert lm.word_score(wrong) is None  # the other script's spelling is not a word here
    assert all(-25 < s < 0 for s in list(lm.words.values())[:1000])
    assert lm.text_score("模型部署") > lm.text_score("妯″瀷閮ㄧ讲")


def test_lexicon_and_reference_scores():
    lm = langmodel.load("zh-Hant")
    extra = lm.lexicon_scores(["預訓練", "LoRA 微調"])
    assert "預訓練" in extra and "微調" in extra and "LoRA" not in " ".join(extra)
    bigger = lm.extended(extra)
    assert bigger.word_score("預訓練") is not None and lm.word_score("預訓練") is None
    assert bigger.knows("預") and "預訓" in bigger.prefixes
    ref = lm.reference_scores("應用程序中的漏洞")
    assert "序中" in ref and "中" not in ref  # n-grams, no single characters


def test_lint_of_clean_texts_finds_nothing_and_never_loads_the_model(seed_hans):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from transkit.config import Config\n"
        "from pathlib import Path\nfrom transkit.lint import lint_paths\n"
        f"r = lint_paths([Path({str(seed_hans)!r})], Config(root=Path('.')), lang='zh-Hans', select_=['TK21'])\n"
        "assert not [d for d in r.diagnostics if d.code.startswith('TK21')]\n"
        f"r = lint_paths([Path({str(LOCALES)!r})], Config(root=Path('.')), select_=['TK21'])\n"
        "assert not [d for d in r.diagnostics if d.code.startswith('TK21')], r.diagnostics\n"
        "print('transkit.langmodel' in sys.modules, 'jieba' in sys.modules, 'opencc' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**__import__("os").environ, "TRANSKIT_NO_CACHE": "1"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False", "False"]
