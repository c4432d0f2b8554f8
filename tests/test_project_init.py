"""Document-set discovery from config patterns, and `transkit init` layout detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli
from transkit.config import Config, load_config
from transkit.init import detect
from transkit.project import discover


def _touch(root: Path, *names: str) -> None:
    for n in names:
        p = root / n
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("# x\n", encoding="utf-8")


def _sets(root: Path, **kw):
    cfg = Config(root=root, **kw)
    return {ds.key: {lg: p.relative_to(root).as_posix() for lg, p in ds.files.items()} for ds in discover(cfg)}


def test_locales_directories_with_aliases(tmp_path):
    _touch(tmp_path, "locales/en/a.md", "locales/zh_CN/a.md", "locales/zh-TW/a.md", "locales/en/sub/b.md", "locales/fr/a.md")
    assert _sets(tmp_path) == {
        "a.md": {"en": "locales/en/a.md", "zh-Hans": "locales/zh_CN/a.md", "zh-Hant": "locales/zh-TW/a.md"},
        "sub/b.md": {"en": "locales/en/sub/b.md"},
    }


def test_readme_suffixes(tmp_path):
    _touch(tmp_path, "README.md", "README.zh-CN.md", "README.zh-TW.md")
    assert _sets(tmp_path, documents=("README.{lang}.md",)) == {
        "README.{lang}.md": {"en": "README.md", "zh-Hans": "README.zh-CN.md", "zh-Hant": "README.zh-TW.md"}
    }


def test_docusaurus_layout_pairs_docs_with_i18n(tmp_path):
    _touch(tmp_path, "docs/intro.md", "i18n/zh-Hans/docusaurus-plugin-content-docs/current/intro.md")
    docs = ("docs/**/*.md", "i18n/{lang}/docusaurus-plugin-content-docs/current/**/*.md")
    assert _sets(tmp_path, documents=docs) == {
        "intro.md": {"en": "docs/intro.md", "zh-Hans": "i18n/zh-Hans/docusaurus-plugin-content-docs/current/intro.md"}
    }


@pytest.mark.parametrize(
    "files,kind,documents",
    [
        (["locales/en/a.md", "locales/zh-Hant/a.md"], "locales-dirs", ("locales/{lang}/**/*.md",)),
        (["README.md", "README.zh-TW.md"], "readme-suffix", ("README.{lang}.md",)),
        (["docs/a.md", "i18n/zh-Hans/docusaurus-plugin-content-docs/current/a.md"], "docusaurus-i18n", ("docs/**/*.md", "i18n/{lang}/docusaurus-plugin-content-docs/current/**/*.md")),
        (["notes.md"], "none", ("locales/{lang}/**/*.md", "README.{lang}.md")),
    ],
)
def test_init_detects_layouts(tmp_path, files, kind, documents):
    _touch(tmp_path, *files)
    layout = detect(tmp_path)
    assert (layout.kind, layout.documents) == (kind, documents)


def test_init_writes_a_valid_commented_config(tmp_path):
    _touch(tmp_path, "locales/en/a.md", "locales/zh-Hans/a.md", "locales/zh-TW/a.md")
    r = run_cli("init", str(tmp_path))
    assert r.exit_code == 0, r
    text = (tmp_path / "transkit.toml").read_text(encoding="utf-8")
    assert text.startswith("# transkit configuration") and "# Detected layout: locales-dirs" in text
    cfg = load_config(tmp_path)
    assert cfg.languages == ("en", "zh-Hans", "zh-Hant") and cfg.documents == ("locales/{lang}/**/*.md",)
    again = run_cli("init", str(tmp_path))
    assert again.exit_code == 2 and "already exists (use --force to overwrite)" in again.stderr
    check = run_cli("check", str(tmp_path))
    assert check.exit_code == 0 and check.stdout.startswith("3 documents (en, zh-Hans, zh-Hant)")
