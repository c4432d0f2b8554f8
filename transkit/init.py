"""``transkit init``: detect a repository's translation layout and write a commented transkit.toml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from transkit import lang as langs
from transkit.errors import InputError
from transkit.fsutil import atomic_write

_MD = ("*.md", "*.markdown", "*.mdx")


@dataclass(frozen=True)
class Layout:
    """What ``init`` found: the document patterns and the languages they hold."""

    kind: str  # "locales-dirs", "readme-suffix", "docusaurus-i18n", "none"
    documents: tuple[str, ...]
    languages: tuple[str, ...]
    source: str
    evidence: tuple[str, ...]


def _lang_dirs(parent: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}
    if not parent.is_dir():
        return out
    for d in sorted(parent.iterdir()):
        if d.is_dir():
            try:
                lg = langs.normalize(d.name)
            except ValueError:
                continue
            if (lg in langs.CANONICAL or d.name.lower() == "en") and any(d.rglob("*.md")):
                out.setdefault(lg, d)
    return out


def detect(root: Path) -> Layout:
    """The first layout that matches, from the most to the least specific."""
    root = root.resolve()
    # locales/{lang}/ (or i18n/{lang}/, translations/{lang}/, docs/{lang}/)
    for base in ("locales", "locale", "i18n", "translations", "docs", "."):
        found = _lang_dirs(root / base)
        if len(found) >= 2 and any(lg != "en" for lg in found):
            prefix = "" if base == "." else f"{base}/"
            ev = tuple(f"{prefix}{p.name}/" for p in found.values())
            pattern = f"{prefix}{{lang}}/**/*.md"
            return Layout("locales-dirs", (pattern,), tuple(_order(found)), "en" if "en" in found else _order(found)[0], ev)
    # Docusaurus: docs/ is the source, i18n/<lang>/docusaurus-plugin-content-docs/current/ the translations
    i18n = root / "i18n"
    if (root / "docs").is_dir() and i18n.is_dir():
        found = {}
        for d in sorted(i18n.iterdir()):
            current = d / "docusaurus-plugin-content-docs" / "current"
            if current.is_dir():
                try:
                    found[langs.normalize(d.name)] = current
                except ValueError:
                    continue
        if found:
            ev = ("docs/",) + tuple(f"i18n/{p.parent.parent.name}/docusaurus-plugin-content-docs/current/" for p in found.values())
            return Layout(
                "docusaurus-i18n",
                ("docs/**/*.md", "i18n/{lang}/docusaurus-plugin-content-docs/current/**/*.md"),
                ("en", *_order(found)),
                "en",
                ev,
            )
    # README.md + README.zh-CN.md / README.zh-TW.md
    suffixed = []
    for p in sorted(root.glob("README.*.md")):
        tag = p.name[len("README.") : -len(".md")]
        try:
            suffixed.append((langs.normalize(tag), p.name))
        except ValueError:
            continue
    if suffixed and (root / "README.md").is_file():
        lgs = ["en"] + [lg for lg, _ in suffixed if lg != "en"]
        return Layout("readme-suffix", ("README.{lang}.md",), tuple(dict.fromkeys(lgs)), "en", ("README.md",) + tuple(n for _, n in suffixed))
    return Layout("none", ("locales/{lang}/**/*.md", "README.{lang}.md"), ("en", "zh-Hans", "zh-Hant"), "en", ())


def _order(found) -> list[str]:
    rank = {lg: i for i, lg in enumerate(langs.CANONICAL)}
    return sorted(found, key=lambda lg: (rank.get(lg, 99), lg))


def render(layout: Layout) -> str:
    """The commented ``transkit.toml`` text for a layout."""
    q = lambda xs: "[" + ", ".join(f'"{x}"' for x in xs) + "]"
    found = (
        f"# Detected layout: {layout.kind} ({', '.join(layout.evidence)})."
        if layout.evidence
        else "# No translation layout was detected; these are the defaults. Adjust `documents`."
    )
    return f"""# transkit configuration, found by transkit for any path at or below this directory.
{found}
# Every key is optional; `transkit explain CODE` documents each check.

# The language the translations are made from, and every language of the project
# (en, zh-Hans = mainland Simplified, zh-Hant = Taiwan Traditional, zh-HK = Hong Kong).
source = "{layout.source}"
languages = {q(layout.languages)}

# Where the documents are: {{lang}} stands for the language in a path or a name suffix.
# Files that share everything but the language form one document set.
documents = {q(layout.documents)}
# exclude = ["**/drafts/**"]

# Project glossaries, merged with the shipped ones (glossary/llm.toml, glossary/zh-tw-it.toml).
# glossaries = ["glossary/project.toml"]
# shipped-glossaries = true

# Checks: codes (TK401), prefixes (TK4) or names (forbidden-term).
# select = ["ALL"]
# ignore = ["TK302"]
# Lowest severity that fails the run: error, warning or info.
fail-on = "warning"

# OpenCC configuration per target of `transkit convert` and `transkit sync`.
[opencc]
zh-Hant = "s2twp"   # Taiwan phrasing; "s2tw" for characters only
zh-HK = "s2hk"
zh-Hans = "tw2sp"

# [per-file-ignores]
# "docs/legacy/**" = ["TK3"]

# [checks.untranslated-line]
# min-words = 3
"""


def write_config(root: Path, force: bool = False) -> tuple[Path, Layout]:
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"{root}: not a directory")
    target = root / "transkit.toml"
    if target.exists() and not force:
        raise InputError(f"{target}: already exists (use --force to overwrite)")
    layout = detect(root)
    atomic_write(target, render(layout).encode("utf-8"))
    return target, layout
