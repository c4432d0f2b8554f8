"""``transkit align`` as a user runs it: whole processes, stdout and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

EN = """# Serving guide

## 1. Install

Install with `pip install vllm==0.6.3`; see https://example.org/install.

## 2. Quantize

Run `llmcompressor --scheme W4A16` to store weights in 4 bits.

## 3. Deploy

Start the server with `vllm serve --port 8000`.
"""

ZH_HANS = """# 部署指南

## 1. 安装

使用 `pip install vllm==0.6.3` 安装；见 https://example.org/install。

## 2. 部署

用 `vllm serve --port 8000` 启动服务。

## 译者注

本文由社区翻译。
"""

ZH_HANT = """# 部署指南

## 1. 安裝

使用 `pip install vllm==0.6.3` 安裝；見 https://example.org/install。

## 2. 量化

執行 `llmcompressor --scheme W4A16`，以 4 位元儲存權重。

## 3. 部署

用 `vllm serve --port 8000` 啟動服務。
"""


@pytest.fixture
def docs(tmp_path):
    paths = {}
    for lang, text in (("en", EN), ("zh-Hans", ZH_HANS), ("zh-Hant", ZH_HANT)):
        p = tmp_path / lang / "guide.md"
        p.parent.mkdir()
        p.write_text(text, encoding="utf-8")
        paths[lang] = p
    return paths


def test_text_output(cli, docs):
    r = cli("align", str(docs["en"]), str(docs["zh-Hans"]))
    assert r.exit_code == 0, r
    lines = r.stdout.splitlines()
    assert lines[0] == f"{docs['en']} (en) -> {docs['zh-Hans']} (zh-Hans)"
    quantize = next(line for line in lines if "Quantize" in line)
    assert quantize.rstrip().endswith("missing") and "--" in quantize
    deploy = next(line for line in lines if "Deploy" in line)
    assert "部署" in deploy and "7 ## 2. 部署" in deploy
    note = next(line for line in lines if "译者注" in line)
    assert note.rstrip().endswith("extra")
    assert lines[-1].strip() == "3 matched, 1 missing, 1 extra, 0 moved"
    assert r.stderr == ""


def test_json_for_one_translation(cli, docs):
    r = cli("align", str(docs["en"]), str(docs["zh-Hans"]), "--format", "json")
    assert r.exit_code == 0, r
    data = json.loads(r.stdout)
    assert list(data) == ["pairs"]
    pairs = data["pairs"]
    assert pairs[0] == {"source": {"line": 1, "title": "Serving guide"}, "target": {"line": 1, "title": "部署指南"}, "confidence": pairs[0]["confidence"]}
    assert {"source": {"line": 7, "title": "Quantize"}, "target": None, "confidence": 0.0} in pairs
    deploy = next(p for p in pairs if p["source"] and p["source"]["title"] == "Deploy")
    assert deploy["target"] == {"line": 7, "title": "部署"}
    assert 0.5 <= deploy["confidence"] <= 1.0
    extra = [p for p in pairs if p["source"] is None]
    assert extra == [{"source": None, "target": {"line": 11, "title": "译者注"}, "confidence": 0.0}]
    # Pairs follow the translation's order, the missing section where it belongs.
    assert [p["source"]["title"] if p["source"] else None for p in pairs] == ["Serving guide", "Install", "Quantize", "Deploy", None]


def test_json_for_several_translations(cli, docs):
    r = cli("align", str(docs["en"]), str(docs["zh-Hant"]), str(docs["zh-Hans"]), "--format", "json")
    assert r.exit_code == 0, r
    pairs = json.loads(r.stdout)["pairs"]
    assert all("targets" in p and "target" not in p for p in pairs)
    quantize = next(p for p in pairs if p["source"] and p["source"]["title"] == "Quantize")
    assert quantize["targets"] == [{"line": 7, "title": "量化"}, None]
    assert quantize["confidences"][1] is None
    extra = [p for p in pairs if p["source"] is None]
    assert extra and extra[0]["targets"] == [None, {"line": 11, "title": "译者注"}]


def test_output_file_and_html(cli, docs, tmp_path):
    out = tmp_path / "out.json"
    r = cli("align", str(docs["en"]), str(docs["zh-Hans"]), "--format", "json", "-o", str(out))
    assert r.exit_code == 0 and r.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["pairs"]
    page = tmp_path / "out.html"
    r = cli("align", str(docs["en"]), str(docs["zh-Hans"]), "--format", "html", "-o", str(page))
    assert r.exit_code == 0, r
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "TK101" in html and "译者注" in html


def test_directories_pair_files_by_path(cli, docs, tmp_path):
    (tmp_path / "en" / "sub").mkdir()
    (tmp_path / "en" / "sub" / "only-en.md").write_text("# Alone\n\nNo translation yet.\n", encoding="utf-8")
    r = cli("align", str(tmp_path / "en"), str(tmp_path / "zh-Hans"), str(tmp_path / "zh-Hant"), "--format", "json", "--jobs", "1")
    assert r.exit_code == 0, r
    files = json.loads(r.stdout)["files"]
    assert [f["path"] for f in files] == ["guide.md", "sub/only-en.md"]
    assert files[1]["targets"] == [None, None]
    assert len(files[0]["pairs"]) >= 4 and all("targets" in p for p in files[0]["pairs"])
    r = cli("align", str(tmp_path / "en"), str(tmp_path / "zh-Hans"))
    assert r.exit_code == 0, r
    assert "3 matched, 1 missing, 1 extra, 0 moved" in r.stdout
    assert "have no sub/only-en.md" in r.stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (["nope.md", "zh.md"], "nope.md: no such file"),
        (["{en}", "{dir}"], "is a directory"),
        (["{dir}", "{en}"], "every translation must be one too"),
        (["{dir}", "{dir}", "--format", "html"], "--format html takes files"),
        (["{en}", "{zh}", "--lang", "zh-XX"], "unknown Chinese language tag"),
    ],
)
def test_errors_are_one_line(cli, docs, args, message):
    subst = {"en": str(docs["en"]), "zh": str(docs["zh-Hans"]), "dir": str(docs["en"].parent)}
    r = cli("align", *[a.format(**subst) for a in args])
    assert r.exit_code == 2, r
    assert r.stdout == ""
    assert r.stderr.startswith("transkit: error:") and message in r.stderr
    assert "Traceback" not in r.stderr


def test_binary_input_is_refused(cli, docs, tmp_path):
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    r = cli("align", str(docs["en"]), str(binary))
    assert r.exit_code == 2 and "binary" in r.stderr


def test_lint_runs_the_pair_checks(cli, docs):
    r = cli("lint", str(docs["zh-Hans"]), "--source", str(docs["en"]), "--select", "TK1")
    assert r.exit_code == 1, r
    assert f"{docs['zh-Hans']}:7:1: TK101 missing-section" in r.stdout
    assert f"{docs['zh-Hans']}:11:4: TK102 extra-section" in r.stdout
    r = cli("lint", str(docs["zh-Hant"]), "--source", str(docs["en"]), "--select", "TK1,TK31")
    assert r.exit_code == 0, r


def test_bundled_sample_is_clean(cli):
    locales = ROOT / "locales"
    if not (locales / "en" / "roadmap.md").is_file():
        pytest.skip("the bundled sample is not in this checkout")
    for lang in ("zh-Hans", "zh-Hant"):
        r = cli("lint", str(locales / lang / "roadmap.md"), "--source", str(locales / "en" / "roadmap.md"), "--select", "TK1,TK31")
        assert r.exit_code == 0, r
    r = cli("align", str(locales / "en" / "roadmap.md"), str(locales / "zh-Hans" / "roadmap.md"), str(locales / "zh-Hant" / "roadmap.md"), "--format", "json")
    pairs = json.loads(r.stdout)["pairs"]
    assert all(p["source"] and all(p["targets"]) for p in pairs)


def test_directories_in_parallel_match_one_process(cli, tmp_path):
    for k in range(10):
        for lang, text in (("en", EN), ("zh-Hans", ZH_HANS)):
            p = tmp_path / lang / f"part{k % 3}" / f"doc{k}.md"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text.replace("8000", str(8000 + k)), encoding="utf-8")
    one = cli("align", str(tmp_path / "en"), str(tmp_path / "zh-Hans"), "--format", "json", "--jobs", "1")
    two = cli("align", str(tmp_path / "en"), str(tmp_path / "zh-Hans"), "--format", "json", "--jobs", "2")
    assert one.exit_code == two.exit_code == 0, (one, two)
    assert one.stdout == two.stdout
    files = json.loads(two.stdout)["files"]
    assert [f["path"] for f in files] == sorted(f"part{k % 3}/doc{k}.md" for k in range(10))
