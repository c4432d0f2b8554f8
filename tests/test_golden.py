"""Runs every golden case file in tests/golden/ through the real lint workflow.

Each file names one check and lists cases: a text (and optionally a source
text for pair-scope checks), its language, and the ``line:column`` of every
finding of that check, in order. See tests/golden/README.md.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from transkit.config import Config
from transkit.lint import lint_paths

GOLDEN = Path(__file__).parent / "golden"


def _cases():
    for path in sorted(GOLDEN.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for i, case in enumerate(data.get("case", [])):
            yield pytest.param(data["check"], case, id=f"{path.stem}[{i}] {case.get('name', '')}")


def test_every_golden_file_has_the_three_kinds_of_case():
    for path in sorted(GOLDEN.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        cases = data.get("case", [])
        assert any(c["expect"] for c in cases), f"{path.name}: no failing case"
        assert any(not c["expect"] for c in cases), f"{path.name}: no passing case"
        assert any("guard" in c.get("name", "").lower() for c in cases), f"{path.name}: no false-positive guard case (name it 'guard: ...')"


@pytest.mark.parametrize("code,case", list(_cases()))
def test_golden(code, case, tmp_path):
    suffix = case.get("suffix", ".md")
    target = tmp_path / f"doc{suffix}"
    target.write_bytes(case["text"].encode("utf-8", errors="surrogateescape"))
    source = None
    if "source" in case:
        source = tmp_path / "source.md"
        source.write_text(case["source"], encoding="utf-8")
    config = Config(root=tmp_path)
    result = lint_paths(
        [target],
        config,
        lang=case.get("lang"),
        source=source,
        source_lang=case.get("source_lang"),
        select_=case.get("select", [code]),
    )
    found = [f"{d.line}:{d.column}" for d in result.diagnostics if d.code == code]
    assert found == case["expect"], "\n".join(f"{d.line}:{d.column} {d.code} {d.message}" for d in result.diagnostics)
    if "message" in case:
        msgs = [d.message for d in result.diagnostics if d.code == code]
        assert any(case["message"] in m for m in msgs), msgs
    if "fix" in case:
        fixes = [d.fix.replacement for d in result.diagnostics if d.code == code and d.fix]
        assert case["fix"] in fixes, fixes
