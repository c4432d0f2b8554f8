"""Lossy repair: the accuracy benchmark of issue 5, the user's damaged fragment, and `transkit repair`.

The benchmark damage is the real fragment's: the zh-Hans seed converted with
OpenCC s2twp, encoded as UTF-8, decoded as Windows-1254 with undefined bytes
dropped, soft hyphens removed. The language model never saw the seed (it is
derived from jieba's dictionaries); the project glossary is the only domain
vocabulary, as in a real `transkit repair` run.
"""

from __future__ import annotations

import json

import pytest

from transkit import langmodel, mojibake
from transkit.config import Config
from transkit.repair import _glossary_terms


@pytest.fixture(scope="module")
def hant_seed():
    from conftest import SEED_HANS

    if not SEED_HANS.is_file():
        pytest.skip("seed document not found")
    import opencc

    return opencc.OpenCC("s2twp").convert(SEED_HANS.read_text(encoding="utf-8"))


def test_lossy_benchmark_meets_the_acceptance_figures(hant_seed, tmp_path):
    damaged = mojibake.simulate(hant_seed, "cp1254")
    result = mojibake.repair_text(damaged, lang="zh-Hant", lexicon=_glossary_terms(Config(root=tmp_path), "zh-Hant"))
    score = mojibake.score_repair(hant_seed, damaged, result.text)
    assert score["damaged_lines"] > 150
    assert score["characters_exact"] >= 0.995, score
    assert score["lines_exact"] >= 0.90, score


def test_lossy_benchmark_without_any_domain_vocabulary(hant_seed):
    # jieba's dictionaries alone: the glossary helps but is not what carries the repair.
    damaged = mojibake.simulate(hant_seed, "cp1254")
    score = mojibake.score_repair(hant_seed, damaged, mojibake.repair_text(damaged, lang="zh-Hant").text)
    assert score["characters_exact"] >= 0.995, score
    assert score["lines_exact"] >= 0.88, score


def test_lossy_repair_lists_its_choices_with_candidates():
    line = mojibake.simulate("本課程的這一部分重點是學習如何建立可在生產中使用的應用程式。")
    rep = mojibake.repair_line(line, lang="zh-Hant")
    assert rep.text == "本課程的這一部分重點是學習如何建立可在生產中使用的應用程式。"
    assert rep.choices, "some characters had to be guessed"
    for c in rep.choices:
        assert rep.text[c.column - 1] == c.chosen
        assert c.candidates[0][0] == c.chosen and 0 < c.confidence <= 1
        assert len(c.candidates) >= 2 or c.confidence == pytest.approx(1.0)


def test_every_damaged_line_of_the_fragment_is_flagged(seed_mojibake, tmp_path):
    from transkit.lint import lint_paths

    text = seed_mojibake.read_text(encoding="utf-8")
    result = lint_paths([seed_mojibake], Config(root=tmp_path), lang="zh-Hant", select_=["TK21"])
    flagged = {d.line for d in result.diagnostics if d.code.startswith("TK21")}
    damaged = {n for n, line in enumerate(text.split("\n"), start=1) if not line.isascii()}
    assert damaged and damaged <= flagged
    assert flagged <= damaged  # and nothing else
    codes = {d.code for d in result.diagnostics}
    assert "TK211" in codes  # bytes were lost
    assert all("Windows-1254" in d.message for d in result.diagnostics if d.code in ("TK210", "TK211"))
    with_fix = [d for d in result.diagnostics if d.fix]
    assert len(with_fix) >= len(flagged) // 2


def test_fragment_repair_leaves_nothing_undecodable(seed_mojibake, tmp_path):
    text = seed_mojibake.read_text(encoding="utf-8")
    result = mojibake.repair_text(text, lang="zh-Hant", lexicon=_glossary_terms(Config(root=tmp_path), "zh-Hant"))
    assert result.codec == "cp1254"
    assert result.unresolved == 0
    assert "\ufffd" not in result.text
    assert result.text.count("\n") == text.count("\n")
    # Mojibake letters are gone, the structure is kept.
    assert not any(mojibake.scan_line(line, lossy_ok=False).runs for line in result.text.split("\n"))
    assert "æ" not in result.text and "ç" not in result.text
    assert len(result.choices) > 300
    # The reference (the zh-Hans seed, of a newer version) can only reduce the doubts.
    from conftest import SEED_HANS

    with_ref = mojibake.repair_text(text, lang="zh-Hant", reference=SEED_HANS.read_text(encoding="utf-8"), reference_lang="zh-Hans")
    assert len(with_ref.low_confidence()) <= len(result.low_confidence()) + 2


def test_reference_breaks_a_tie():
    # 中 and 不 share their lead bytes; with nothing else to go on the model is unsure.
    line = mojibake.simulate("程序中10個")
    alone = mojibake.repair_line(line, lang="zh-Hant")
    lm = langmodel.load("zh-Hant")
    ref = lm.extended(lm.reference_scores("應用程序中的十個漏洞"))
    helped = mojibake.repair_line(line, model=ref, lang="zh-Hant")
    assert helped.text == "程序中10個"
    assert helped.confidence > alone.confidence


# --------------------------------------------------------------------------- #
# transkit repair
# --------------------------------------------------------------------------- #

DAMAGED = "# 模型部署\n\n本節說明如何把模型部署到生產環境，並監控它們的效能。\n\n沒有損壞的一行。\n"


def _write(tmp_path, name="doc.zh-Hant.md", text=DAMAGED):
    damaged = "\n".join(mojibake.simulate(line) if i in (0, 2) else line for i, line in enumerate(text.split("\n")))
    p = tmp_path / name
    p.write_text(damaged, encoding="utf-8")
    return p, damaged


def test_cli_repair_to_output_and_in_place(cli, tmp_path):
    p, damaged = _write(tmp_path)
    out = tmp_path / "fixed.md"
    r = cli("repair", str(p), "-o", str(out), cwd=tmp_path)
    assert r.exit_code == 0, r
    assert out.read_text(encoding="utf-8") == DAMAGED
    assert p.read_text(encoding="utf-8") == damaged  # -o leaves FILE alone
    assert "2 lines repaired" in r.stdout and "Windows-125" in r.stdout  # 1252 and 1254 agree on this text
    r = cli("repair", str(p), cwd=tmp_path)
    assert r.exit_code == 0, r
    assert p.read_text(encoding="utf-8") == DAMAGED


def test_cli_repair_check_mode(cli, tmp_path):
    p, damaged = _write(tmp_path)
    r = cli("repair", str(p), "--check", cwd=tmp_path)
    assert r.exit_code == 1, r
    assert "not written" in r.stdout
    assert p.read_text(encoding="utf-8") == damaged
    clean = tmp_path / "clean.md"
    clean.write_text(DAMAGED, encoding="utf-8")
    r = cli("repair", str(clean), "--check", cwd=tmp_path)
    assert r.exit_code == 0, r
    assert "no mojibake found" in r.stdout


def test_cli_repair_json_and_stdout(cli, tmp_path):
    p, _ = _write(tmp_path)
    r = cli("repair", str(p), "--format", "json", "--check", cwd=tmp_path)
    assert r.exit_code == 1, r
    data = json.loads(r.stdout)
    assert data["changed"] and data["lines_changed"] == [1, 3] and data["written"] is None
    assert data["accidents"][0]["codec"] in ("cp1252", "cp1254") and data["accidents"][0]["lossy"]
    for c in data["choices"]:
        assert {"line", "column", "candidates", "choice", "confidence", "uncertain"} <= set(c)
        assert c["candidates"][0]["char"] == c["choice"]
    r = cli("repair", str(p), "-o", "-", cwd=tmp_path)
    assert r.exit_code == 0, r
    assert r.stdout == DAMAGED
    assert "repaired" in r.stderr


def test_cli_repair_lists_uncertain_characters(cli, tmp_path):
    p = tmp_path / "t.zh-Hant.md"
    p.write_text(mojibake.simulate("在生產中觀察它們，不要只看平均值。") + "\n", encoding="utf-8")
    r = cli("repair", str(p), "--check", "--min-confidence", "1.0", cwd=tmp_path)
    assert r.exit_code == 1, r
    assert "chosen with confidence" in r.stdout
    assert r.stdout.startswith(f"{p}:1:")


def test_cli_repair_errors(cli, tmp_path):
    r = cli("repair", str(tmp_path / "missing.md"), cwd=tmp_path)
    assert r.exit_code == 2 and r.stderr.startswith("transkit: error:") and "no such file" in r.stderr
    r = cli("repair", str(tmp_path), cwd=tmp_path)
    assert r.exit_code == 2 and "directory" in r.stderr
    p, _ = _write(tmp_path)
    r = cli("repair", str(p), "--lang", "zh-XX", cwd=tmp_path)
    assert r.exit_code == 2 and "Traceback" not in r.stderr
