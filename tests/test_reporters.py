"""Reporters: SARIF checked by Microsoft's validator, text, JSON and GitHub formats."""

from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from transkit.config import Config
from transkit.lint import lint_paths
from transkit.report import get

SAMPLE = (
    "# 標題\n\n向量数据庫\u200b可以。\n模型的\ufffd署。\n"
    "This line is still in English and untranslated.\n<!-- transkit-ignore TK599 -->\n"
    "路徑 \"C:\\\\x\", 100% 與 a,b:c\n"
)


@pytest.fixture
def result(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f = tmp_path / "docs" / "zh-Hant" / "指南.md"
    f.parent.mkdir(parents=True)
    f.write_text(SAMPLE, encoding="utf-8")
    return lint_paths([Path("docs")], Config(root=tmp_path))


def _render(fmt, result):
    buf = io.StringIO()
    get(fmt)(result, buf)
    return buf.getvalue()


def _validator() -> list[str] | None:
    explicit = os.environ.get("TRANSKIT_SARIF_MULTITOOL")
    if explicit:
        return [explicit]
    for base in (Path.home() / ".cache" / "transkit-ci" / "sarif", Path("/tmp/sarif")):
        tool = base / "node_modules" / ".bin" / "sarif-multitool"
        if tool.exists():
            return [str(tool)]
    return None


def test_sarif_passes_microsofts_validator(result, tmp_path):
    tool = _validator()
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("CI must provide @microsoft/sarif-multitool (see .ci/run)")
        pytest.skip("Microsoft's sarif-multitool is not installed (npm install @microsoft/sarif-multitool)")
    out = tmp_path / "out.sarif"
    out.write_text(_render("sarif", result), encoding="utf-8")
    log = tmp_path / "validation.sarif"
    proc = subprocess.run([*tool, "validate", str(out), "-o", str(log)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    findings = json.loads(log.read_text(encoding="utf-8"))["runs"][0].get("results", [])
    errors = [r for r in findings if r.get("level") == "error"]
    assert errors == [], errors


def test_sarif_structure(result):
    doc = json.loads(_render("sarif", result))
    run = doc["runs"][0]
    assert doc["version"] == "2.1.0" and run["columnKind"] == "unicodeCodePoints"
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == sorted(ids) and set(ids) == {d.code for d in result.diagnostics}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"docs/zh-Hant/%E6%8C%87%E5%8D%97.md"}
    fix = next(r for r in run["results"] if r["ruleId"] == "TK501")["fixes"][0]
    assert fix["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "數"


def test_text_report(result):
    out = _render("text", result)
    assert "docs/zh-Hant/指南.md:3:3: TK501 simplified-in-traditional simplified character 数 (數 in zh-Hant)\n    向量数据庫<U+200B>可以。\n        ^\n" in out
    assert out.endswith("1 document (zh-Hant), 1 sections: 5 findings (1 error, 4 warnings).\n")


def test_json_report_round_trips_diagnostics(result):
    from transkit.diagnostics import Diagnostic

    data = json.loads(_render("json", result))
    assert [Diagnostic.from_dict(d) for d in data["diagnostics"]] == result.diagnostics


def test_github_escapes_properties_and_message(result):
    from transkit.report.github import escape_data, escape_property

    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    assert escape_data("100% a,b:c\r\n") == "100%25 a,b:c%0D%0A"
    out = _render("github", result)
    assert out.count("\n") == len(result.diagnostics)
