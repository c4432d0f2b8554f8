"""The check manifest (transkit.checks.MANIFEST) against the registry it abbreviates.

``transkit lint`` decides from the manifest which check families to import, so
an entry that disagrees with its class would silently skip a check. These
tests import every family and compare.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from transkit.checks import MANIFEST, Entry, Scope, load_all, select


def test_manifest_lists_exactly_the_registered_checks():
    assert sorted(MANIFEST) == sorted(load_all())


@pytest.mark.parametrize("code", sorted(MANIFEST))
def test_entry_matches_its_class(code):
    cls = load_all()[code]
    e = MANIFEST[code]
    assert (e.code, e.name, f"transkit.checks.{e.family}", e.scope, e.languages, e.default_enabled) == (
        cls.code,
        cls.name,
        cls.__module__,
        cls.scope,
        cls.languages,
        cls.default_enabled,
    )


def test_load_imports_only_the_families_asked_for():
    code = (
        "import sys\n"
        "from transkit.checks import load\n"
        "got = load(['TK201', 'TK502'])\n"
        "print(sorted(got), sorted(m for m in sys.modules if m.startswith('transkit.checks.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "['TK201', 'TK502'] ['transkit.checks.base', 'transkit.checks.encoding', 'transkit.checks.script']"


def test_select_with_a_filter_is_select_filtered():
    def zh_hans_file(e: Entry) -> bool:
        return e.scope is Scope.FILE and e.applies_to("zh-Hans")

    full = select(["ALL"], ["TK5"])
    lazy = select(["ALL"], ["TK5"], can_apply=zh_hans_file)
    assert lazy == [c for c in full if zh_hans_file(MANIFEST[c.code])]
    assert {c.code for c in lazy} >= {"TK201", "TK210", "TK301", "TK401"}
    assert not {c.code for c in lazy} & {"TK101", "TK403", "TK501"}


DOC_HANS = """# 标题

這一行用了繁體字。<!-- transkit-ignore TK015 -->
<!-- transkit-ignore-next-line TK501 -->
This line was left in English by mistake, sadly.
<!-- transkit-ignore-next-line po-fuzzy-entry -->
向量资料库很好用。
<!-- transkit-ignore-next-line TK101 -->
正文。
"""


@pytest.mark.parametrize(
    "files, lang, source",
    [
        ({"doc.md": DOC_HANS}, "zh-Hans", None),
        ({"zh-Hans/doc.md": DOC_HANS}, None, None),
        ({"doc.md": DOC_HANS}, None, None),
        ({"zh-Hans/a.md": DOC_HANS, "zh-Hant/b.md": DOC_HANS.replace("资料", "資料"), "en/c.md": "# Title\n\nText.\n"}, None, None),
        ({"doc.md": DOC_HANS}, "zh-Hans", "# Title\n\n## Extra\n\nText.\n"),
    ],
)
def test_lint_with_the_manifest_reports_what_every_check_would(tmp_path, monkeypatch, files, lang, source):
    """Leaving out families that cannot apply changes neither findings nor unused-suppression reports."""
    from pathlib import Path

    import transkit.lint as lint
    from transkit.config import Config

    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    src = None
    if source is not None:
        src = tmp_path / "source.md"
        src.write_text(source, encoding="utf-8")
    paths = [Path(n) for n in files]

    def run():
        result = lint.lint_paths(paths, Config(root=tmp_path), lang=lang, source=src, use_cache=False)
        return [d.to_dict() for d in result.diagnostics], result.summary

    lazy = run()
    monkeypatch.setattr(lint, "_can_apply", lambda work, pair: None)
    assert lazy == run()
    assert lazy[0]
