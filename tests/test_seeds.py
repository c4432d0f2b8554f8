"""The user's real documents, read in place from ../shared/seeds/ (skipped when absent)."""

from __future__ import annotations

import json

from conftest import run_cli
from transkit.document import Document


def test_zh_hans_seed_has_no_encoding_completeness_or_script_finding(seed_hans):
    r = run_cli("lint", str(seed_hans), "--lang", "zh-Hans", "--select", "TK2,TK3,TK5", "--format", "json")
    diags = json.loads(r.stdout)["diagnostics"]
    assert diags == [], diags
    assert r.exit_code == 0


def test_zh_hans_seed_structure(seed_hans):
    doc = Document.from_text(seed_hans.read_text(encoding="utf-8"))
    assert doc.front_matter is not None
    numbered = [s for s in doc.headings if s.number]
    # part one and part two are each numbered 1 to 8
    assert [s.number for s in numbered] == [f"{i}." for i in range(1, 9)] * 2
    assert [s.level for s in doc.headings if not s.number][:2] == [1, 1]


def test_mojibake_seed_lints_without_error(seed_mojibake):
    r = run_cli("lint", str(seed_mojibake), "--lang", "zh-Hant", "--format", "json")
    assert r.exit_code in (0, 1), r
    assert "Traceback" not in r.stderr and r.stderr == ""
    diags = json.loads(r.stdout)["diagnostics"]
    assert not [d for d in diags if d["code"] == "TK000"]
