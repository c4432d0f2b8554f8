"""Mojibake detection and lossless repair (transkit.mojibake), with false-positive guards.

The lossy repair and its accuracy benchmark are in test_mojibake_repair.py.
"""

from __future__ import annotations

import math

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


# --------------------------------------------------------------------------- #
# The fast paths give what the plain computation gives
# --------------------------------------------------------------------------- #


def _reference_choose(lm, slots, context=3, gap=3):
    """The decoder without its shortcuts: every window searched in full, every word looked up.

    Damaged slots closer than ``gap`` share a window of ``context`` characters on
    each side; max-marginals over all segmentations of the window; then the
    rules' second reading with the decided characters. Slow, plain, and what
    ``LanguageModel.choose`` must equal.
    """
    from itertools import product

    slots = [lm._prepare(s) if isinstance(s, tuple) else s for s in slots]
    damaged = [i for i, s in enumerate(slots) if isinstance(s, tuple)]
    n = len(slots)
    text = "".join("\x00" if isinstance(s, tuple) else s for s in slots)

    def solve(window, flags):
        m = len(window)
        edges = []  # (start, end, score, characters)
        for j in range(m):
            for e in range(j + 1, min(m, j + langmodel.MAX_WORD) + 1):
                options = [(s,) if isinstance(s, str) else s for s in window[j:e]]
                for combo in product(*options):
                    if e == j + 1:
                        if isinstance(window[j], tuple):
                            sc = lm._single(combo[0], flags[j])
                        else:
                            sc = lm.words.get(combo[0])
                            if sc is None:
                                sc = langmodel.UNKNOWN_HAN if langmodel.is_han(combo[0]) else 0.0
                    else:
                        sc = lm.words.get("".join(combo))
                        if sc is None:
                            continue
                    edges.append((j, e, sc, combo))
        alpha = [-1e18] * (m + 1)
        alpha[0] = 0.0
        for j, e, sc, _c in sorted(edges):
            alpha[e] = max(alpha[e], alpha[j] + sc)
        beta = [-1e18] * (m + 1)
        beta[m] = 0.0
        for j, e, sc, _c in sorted(edges, reverse=True):
            beta[j] = max(beta[j], sc + beta[e])
        out = {}
        for i, s in enumerate(window):
            if isinstance(s, tuple):
                best = {c: -1e18 for c in s}
                for j, e, sc, combo in edges:
                    if j <= i < e:
                        c = combo[i - j]
                        best[c] = max(best[c], alpha[j] + sc + beta[e])
                out[i] = best
        return out

    result = {}
    k = 0
    while k < len(damaged):
        first = last = damaged[k]
        k += 1
        while k < len(damaged) and damaged[k] - last <= gap:
            last = damaged[k]
            k += 1
        lo, hi = max(0, first - context), min(n, last + context + 1)
        flags = lm._rule_flags(text, slots, [i for i in damaged if lo <= i < hi])
        for rel, best in solve(slots[lo:hi], {i - lo: f for i, f in flags.items()}).items():
            result[lo + rel] = best
    if len(damaged) > 1:
        decided = list(text)
        for i, best in result.items():
            decided[i] = max(best, key=lambda c: (best[c], -slots[i].index(c)))
        text2 = "".join(decided)
        f1 = lm._rule_flags(text, slots, damaged)
        f2 = lm._rule_flags(text2, slots, damaged)
        for i in damaged:
            if f1[i] != f2[i]:
                window = (*text2[max(0, i - context) : i], slots[i], *text2[i + 1 : i + context + 1])
                at = min(i, context)
                result[i] = solve(window, {at: f2[i]})[at]
    return result


def _damaged_slots(line, codec="cp1254"):
    scan = mojibake.scan_line(mojibake.simulate(line, codec), lossy_only=True)
    slots, pos = [], 0
    src = mojibake.simulate(line, codec)
    for r in scan.runs:
        slots.extend(src[pos : r.start])
        slots.extend(r.pieces)
        pos = r.end
    slots.extend(src[pos:])
    return slots


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
def test_decoder_equals_the_plain_lattice_search(lang):
    lm = langmodel.load(lang)
    lines = [ln for ln in (LOCALES / lang / "roadmap.md").read_text(encoding="utf-8").split("\n") if len(ln) > 8 and not ln.isascii()]
    checked = 0
    for line in lines:
        slots = _damaged_slots(line)
        if not any(isinstance(s, tuple) for s in slots):
            continue
        lm.clear_caches(tables=True)
        fast = lm.choose(slots)
        plain = _reference_choose(lm, slots)
        assert fast.keys() == plain.keys()
        for i, best in plain.items():
            top = max(best.values())
            z = sum(math.exp(v - top) for v in best.values() if v > top - 25.0)
            ranked = sorted((c for c in best if best[c] > top - 25.0), key=lambda c: -best[c])
            assert fast[i].char == ranked[0] or best[fast[i].char] == top, (line, i)
            assert fast[i].confidence == pytest.approx(1.0 / z, rel=1e-9, abs=1e-12)
            got = dict(fast[i].ranked)
            for c, p in got.items():
                assert p == pytest.approx(math.exp(best[c] - top) / z, rel=1e-9, abs=1e-12)
        checked += 1
    assert checked >= 10


def test_follow_table_holds_every_pair_of_every_word():
    lm = langmodel.load("zh-Hant")
    for w in list(lm.words)[::97]:
        for a, b in zip(w, w[1:]):
            assert b in lm.follow[a], w
    bigger = lm.extended({"龘靐齉": -9.0})
    assert "靐" in bigger.follow["龘"] and "齉" in bigger.follow["靐"]
    assert "靐" not in lm.follow.get("龘", "")


# --------------------------------------------------------------------------- #
# Where the words come from: the stored pair layout, the overlay of extra words
# --------------------------------------------------------------------------- #

_TERMS = ["預訓練模型", "檢索增強生成", "向量資料庫", "LoRA 微調", "量化", "大型語言模型的推論最佳化"]


@pytest.fixture
def model_store(tmp_path, monkeypatch):
    """A private cache directory for the stored lexicon; ``load`` forgets its models before and after."""
    monkeypatch.setenv("TRANSKIT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("TRANSKIT_NO_CACHE", raising=False)
    langmodel.load.cache_clear()
    yield tmp_path / "langmodel"
    langmodel.load.cache_clear()


@pytest.mark.parametrize("name", sorted(langmodel.MODEL_FILES.values()))
def test_stored_lexicon_reads_what_the_shipped_file_says(model_store, name):
    path = langmodel.DATA_DIR / name
    groups, classes, follow = langmodel._parse(path)
    whole = langmodel.DictLexicon({w: s / langmodel.SCALE for _n, s, ws in groups for w in ws})
    langmodel._store(path, groups, classes, follow)
    stored, classes2, follow2 = langmodel._stored(path)
    assert isinstance(stored, langmodel.PairLexicon) and classes2 == classes and follow2 == follow
    assert len(stored) == len(whole)
    words = list(whole.words)
    probes = words[::53] + [w[:k] for w in words[::211] for k in range(1, len(w) + 1)]
    probes += [w + x for w in words[::389] for x in "的了中"] + ["", "\x00", "a", "龘靐", "模型部署中"]
    for x in probes:
        assert stored.lookup(x) == whole.lookup(x), x
        assert stored.begins(x) == whole.begins(x), x


def test_load_keeps_its_store_in_the_cache_directory(model_store, monkeypatch):
    model_store.mkdir(parents=True)
    (model_store / "zh-lm-hant-0123.pickle").write_bytes(b"a store of an older version")
    parsed = langmodel.load("zh-Hant")  # no store yet: the shipped file is parsed, and stored
    assert isinstance(parsed.lexicon, langmodel.DictLexicon)
    (store,) = model_store.glob("zh-lm-hant-*.pickle")
    assert store.name != "zh-lm-hant-0123.pickle"
    langmodel.load.cache_clear()
    stored = langmodel.load("zh-Hant")
    assert isinstance(stored.lexicon, langmodel.PairLexicon)
    damaged = mojibake.simulate((LOCALES / "zh-Hant" / "roadmap.md").read_text(encoding="utf-8"))
    a = repair_text(damaged, lang="zh-Hant", model=parsed, lexicon=_TERMS)
    b = repair_text(damaged, lang="zh-Hant", model=stored, lexicon=_TERMS)
    assert a.choices and a.text == b.text
    assert [c.to_dict() for c in a.choices] == [c.to_dict() for c in b.choices]
    # A broken store is parsed around and written again; without a cache nothing is stored.
    store.write_bytes(b"not a pickle")
    langmodel.load.cache_clear()
    assert isinstance(langmodel.load("zh-Hant").lexicon, langmodel.DictLexicon)
    assert isinstance(langmodel._stored(langmodel.DATA_DIR / langmodel.MODEL_FILES["Hant"])[0], langmodel.PairLexicon)
    monkeypatch.setenv("TRANSKIT_NO_CACHE", "1")
    langmodel.load.cache_clear()
    assert isinstance(langmodel.load("zh-Hant").lexicon, langmodel.DictLexicon)


def test_extra_words_are_an_overlay_equal_to_the_old_copy():
    lm = langmodel.load("zh-Hant")
    lazy = lm.extended(*lm.lexicon_words(_TERMS))
    extra = lm.lexicon_scores(_TERMS)
    eager = lm.extended(extra)
    assert lazy is not eager and lazy.lexicon.base is lm and eager.lexicon.base is lm  # nothing copied
    grams = {t[i : i + n] for t in _TERMS for n in range(1, 6) for i in range(len(t) - n + 1)}
    for w in sorted(grams):
        base, more = lm.word_score(w), extra.get(w)
        want = base if more is None else more if base is None else max(base, more)
        assert lazy.word_score(w) == eager.word_score(w) == want, w
        assert (w in lazy.prefixes) == (w in eager.prefixes) == (w in lm.prefixes or any(e.startswith(w) and e != w for e in extra)), w
    damaged = mojibake.simulate((LOCALES / "zh-Hant" / "roadmap.md").read_text(encoding="utf-8"))
    a = repair_text(damaged, lang="zh-Hant", model=lazy)
    b = repair_text(damaged, lang="zh-Hant", model=eager)
    assert a.text == b.text and [c.to_dict() for c in a.choices] == [c.to_dict() for c in b.choices]
    # The same words give the same model back, with what it has learnt.
    assert lm.extended(dict(extra)) is eager
    first = mojibake._prepare_model(None, "zh-Hant", None, None, _TERMS)
    assert mojibake._prepare_model(None, "zh-Hant", None, None, list(_TERMS)) is first
    assert mojibake._prepare_model(None, "zh-Hant", None, None, ()) is lm


_MOJIBAKE_ALPHABET = sorted(set(SAMPLE) | set(mojibake.simulate(SAMPLE)) | set("妯″瀷閮ㄧ讲锟斤拷\ufffd\udc81é€ğ—“”…·"))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_MOJIBAKE_ALPHABET, max_size=30))
def test_document_gate_never_hides_a_suspicious_line(line):
    # A line the per-line prefilter would read holds a character of the document-level gate.
    if mojibake.looks_damaged(line):
        assert mojibake.suspect_chars(frozenset(line)) & set(line)


def test_lines_with_finds_each_line_once():
    text = "甲\r\n乙æ\nxx\næ丙æ\r末"
    lines = ["甲\r\n", "乙æ\n", "xx\n", "æ丙æ\r", "末"]
    starts = [0]
    for ln in lines[:-1]:
        starts.append(starts[-1] + len(ln))
    assert mojibake.lines_with(text, {"æ"}, starts) == {2, 4}
    assert mojibake.lines_with(text, {"末", "甲"}, starts) == {1, 5}
    assert mojibake.lines_with(text, {"ğ"}, starts) == set()


def test_swap_gate_counts_rare_characters_like_the_definition():
    import random

    han = [chr(o) for o in range(0x4E00, 0xA000, 7)]
    rng = random.Random(5)
    for _ in range(300):
        text = "".join(rng.choice(han) for _ in range(rng.randint(1, 30)))
        rare = {c for c in text if mojibake._rare_in_both(c)}
        assert mojibake.swap_possible(text) == (len(rare) >= 4)


def test_clean_document_compiles_nothing_and_reads_no_line(tmp_path):
    import subprocess
    import sys

    doc = tmp_path / "clean.zh-Hant.md"
    doc.write_text("# 標題\n\n純中文的句子，沒有問題。\n\n- 第二行也是乾淨的。\n", encoding="utf-8")
    code = (
        "import sys\nfrom pathlib import Path\nfrom transkit.config import Config\nfrom transkit.lint import lint_paths\n"
        f"r = lint_paths([Path({str(doc)!r})], Config(root=Path({str(tmp_path)!r})), select_=['TK21'])\n"
        "from transkit import mojibake\n"
        "print(len(r.diagnostics), sorted(mojibake._PREFILTERS), 'transkit.langmodel' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**__import__("os").environ, "TRANSKIT_NO_CACHE": "1"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0", "[]", "False"]


def test_repeated_damaged_lines_with_protected_spans_are_each_repaired():
    line = "- [Serving Models](https://example.org/serving) by Yusuf Demir：說明批次處理、快取與自動擴展。"
    damaged = line.encode("utf-8").decode("cp1252", errors="surrogateescape")
    res = repair_text("\n".join([damaged, damaged, damaged]), whole_file=False)
    assert res.text == "\n".join([line, line, line])


def test_written_lead_characters_are_the_derived_ones():
    # The document gate's Latin lead characters are written out; they must stay what the code pages give.
    assert mojibake.latin_leads() == mojibake._latin_chars()[0]


def test_the_script_of_a_damaged_document_of_unknown_language():
    from transkit import mojibake as mb

    hant = "本課程的這一部分重點是學習如何建立可在生產環境中使用的應用程式與資料庫。"
    hans = "本课程的这一部分重点是学习如何建立可在生产环境中使用的应用程序与数据库。"
    # Damaged lines count with what their lossless repair says, not with their Latin letters.
    assert mb._guess_from_lines([mb.simulate(hant, "cp1252", lossy=False)]) == "zh-Hant"
    assert mb._guess_from_lines([mb.simulate(hans, "cp1252", lossy=False)] + ["`code`"]) == "zh-Hans"
    # A long document is settled by its first lines (400 characters of one script, 4 to 1):
    # the rest is not read, though its Simplified lines would outnumber the first ones.
    damaged_hant = mb.simulate(hant, "cp1252", lossy=False)
    assert mb._guess_from_lines([damaged_hant] * 60 + [hans] * 240) == "zh-Hant"
    assert mb._guess_from_lines([damaged_hant] * 60 + [hans] * 240, enough=10**6) == "zh-Hans"
    # Without a clear majority every line is read, and the majority decides.
    assert mb._guess_from_lines([hans, damaged_hant, hant] * 20) == "zh-Hant"
    assert mb._guess_from_lines([hans, damaged_hant, hans] * 20) == "zh-Hans"
