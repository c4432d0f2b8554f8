"""The glossary and regional checks on the user's zh-Hans roadmap, and on its two Traditional conversions.

- linted as zh-Hans, every TK4xx/TK5xx finding is listed here with the reason
  it is right;
- converted by script only (OpenCC ``s2tw``, which keeps mainland words), the
  lines whose Taiwan phrasing differs must be flagged;
- converted with Taiwan phrasing (``transkit convert``: ``s2twp`` plus the
  glossary lock), the text must stay nearly silent.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path

import pytest

from transkit.config import Config
from transkit.lint import lint_paths

MINE = ["TK401", "TK402", "TK403", "TK510", "TK511", "TK512"]


@lru_cache(maxsize=None)
def _texts(seed: str) -> tuple[str, str, str]:
    import opencc

    from transkit.resources import Resources

    text = Path(seed).read_text(encoding="utf-8")
    script_only = opencc.OpenCC("s2tw").convert(text)
    taiwan = Resources(Config()).converter("zh-Hans", "zh-Hant").convert_markdown(text)
    return text, script_only, taiwan


def _lint(tmp_path, text: str, lang: str, name: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return lint_paths([path], Config(root=tmp_path), lang=lang, select_=MINE).diagnostics


def _excusable() -> set[str]:
    """Phrases where s2twp and s2tw differ but both are right in Taiwan (see regional-exclusions.txt)."""
    from transkit.checks.regional import read_exclusions
    from transkit.glossary import load_merged

    excl = read_exclusions()["zh-Hant"]
    accepted = {a for t in load_merged(Config()) for a in t.accepted("zh-Hant")}
    return excl["all"] | accepted


def _differs_only_in(a: str, b: str, phrases: set[str]) -> bool:
    """Whether every difference between two lines lies inside an occurrence of one of ``phrases`` in ``a``."""
    spans = [(i, i + len(p)) for p in phrases for i in _find_all(a, p)]
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, _, _ in sm.get_opcodes():
        if op == "equal":
            continue
        if not any(s <= i1 and (i2 <= e if i2 > i1 else i1 <= e) for s, e in spans):
            return False
    return True


def _find_all(text: str, sub: str):
    i = text.find(sub)
    while i != -1:
        yield i
        i = text.find(sub, i + 1)


def test_zh_hans_seed_findings_are_all_right(seed_hans, tmp_path):
    text, _, _ = _texts(str(seed_hans))
    found = [(d.line, d.code, dict(d.data).get("found") or dict(d.data).get("phrase")) for d in _lint(tmp_path, text, "zh-Hans", "seed.md")]
    # Every finding reviewed; the list is exact, so a new finding fails until reviewed.
    assert found == REVIEWED_HANS


# (line, code, string) of each finding on the zh-Hans seed, with why it is right.
REVIEWED_HANS: list[tuple[int, str, str | None]] = []


def test_script_only_conversion_is_caught(seed_hans, tmp_path):
    _, script_only, taiwan = _texts(str(seed_hans))
    a, b = script_only.split("\n"), taiwan.split("\n")
    assert len(a) == len(b)
    differ = [n for n, (x, y) in enumerate(zip(a, b), 1) if x != y]
    flagged = {d.line for d in _lint(tmp_path, script_only, "zh-Hant", "seed.zh-TW.md")}
    excusable = _excusable()
    must = [n for n in differ if not _differs_only_in(a[n - 1], b[n - 1], excusable)]
    raw = sum(n in flagged for n in differ) / len(differ)
    recall = sum(n in flagged for n in must) / len(must)
    print(f"s2tw seed: {len(differ)} lines differ from `transkit convert`; {len(must)} once OpenCC's"
          f" over-conversions and accepted variants are set aside; flagged {raw:.0%} of all, {recall:.0%} of those")
    assert recall >= 0.90, [n for n in must if n not in flagged]
    assert raw >= 0.70


def test_taiwan_phrasing_stays_nearly_silent(seed_hans, tmp_path):
    _, _, taiwan = _texts(str(seed_hans))
    found = [(d.line, d.code, d.message) for d in _lint(tmp_path, taiwan, "zh-Hant", "seed.zh-TW.md")]
    assert found == REVIEWED_TAIWAN


# Findings on the Taiwan conversion of the seed, each reviewed.
REVIEWED_TAIWAN: list[tuple[int, str, str]] = []


def _two_parts(text: str) -> tuple[str, str]:
    """The roadmap's two parts (split at its second level-1 heading) as two files of one project."""
    lines = text.split("\n")
    cut = [i for i, ln in enumerate(lines) if ln.startswith("# ")][1]
    return "\n".join(lines[:cut]) + "\n", "\n".join(lines[cut:])


def _lint_parts(tmp_path, text: str, lang: str):
    paths = []
    for i, part in enumerate(_two_parts(text), 1):
        p = tmp_path / f"part{i}.md"
        p.write_text(part, encoding="utf-8")
        paths.append(p)
    return [(Path(d.path).name, d.line, d.code, dict(d.data).get("found")) for d in lint_paths(paths, Config(root=tmp_path), lang=lang, select_=MINE).diagnostics]


def test_zh_hans_seed_as_a_project_of_two_files(seed_hans, tmp_path):
    """TK403 (project scope) runs only over several files: the two halves agree on every term."""
    text, _, _ = _texts(str(seed_hans))
    assert _lint_parts(tmp_path, text, "zh-Hans") == []


def test_taiwan_seed_as_a_project_of_two_files(seed_hans, tmp_path):
    # Once failed on the data: 'programmer' accepted 工程師, so the heading "LLM 工程師"
    # (engineer) read as a rendering of programmer; the entry no longer accepts it.
    _, _, taiwan = _texts(str(seed_hans))
    assert _lint_parts(tmp_path, taiwan, "zh-Hant") == []


@pytest.mark.parametrize("lang,name", [("zh-Hant", "seed.zh-TW.md")])
def test_conversion_fixes_clear_the_findings(seed_hans, tmp_path, lang, name):
    """Applying every TK401/TK510 fix to the script-only conversion leaves no TK401/TK510 finding."""
    _, script_only, _ = _texts(str(seed_hans))
    diags = [d for d in _lint(tmp_path, script_only, lang, name) if d.code in ("TK401", "TK510") and d.fix]
    lines = script_only.split("\n")
    for d in sorted(diags, key=lambda d: (d.line, -d.fix.column)):
        body = lines[d.fix.line - 1]
        lines[d.fix.line - 1] = body[: d.fix.column - 1] + d.fix.replacement + body[d.fix.end_column - 1 :]
    again = [(d.line, d.code, d.message) for d in _lint(tmp_path, "\n".join(lines), lang, "fixed.zh-TW.md") if d.code in ("TK401", "TK510")]
    assert again == []
