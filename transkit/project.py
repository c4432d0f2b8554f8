"""Document sets: one source document and its translations, found from config patterns.

A pattern names the language with ``{lang}``: ``locales/{lang}/**/*.md`` pairs
``locales/en/a.md`` with ``locales/zh-Hant/a.md``; ``README.{lang}.md`` pairs
``README.zh-TW.md`` with ``README.md`` (a file without the suffix is the
source). Directory and suffix tags are normalized, so ``zh_TW``, ``zh-TW`` and
``zh-Hant`` name the same language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from transkit import lang as langs
from transkit.config import Config

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
CATALOG_SUFFIXES = (".po", ".pot")


@dataclass
class DocumentSet:
    """The same document in several languages; ``key`` is its pattern-relative name."""

    key: str
    files: dict[str, Path] = field(default_factory=dict)  # lang -> path

    def source(self, config: Config) -> Path | None:
        return self.files.get(config.source)

    def translations(self, config: Config) -> list[tuple[str, Path]]:
        return [(lg, p) for lg, p in sorted(self.files.items()) if lg != config.source]


def _pattern_regex(pattern: str) -> re.Pattern:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("{lang}", i):
            out.append(r"(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,4}){0,2})")
            i += 6
        elif pattern.startswith("**/", i):
            out.append(r"(?:.*/)?")
            i += 3
        elif pattern[i] == "*":
            out.append(r"[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append(r"[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("^" + "".join(out) + "$")


def _key_start(pattern: str) -> int:
    """Index of the first pattern segment that names the document rather than the language directory."""
    segments = pattern.split("/")
    for i, seg in enumerate(segments):
        if seg == "{lang}":
            continue
        if any(ch in seg for ch in "*?") or "{lang}" in seg:
            return i
    return len(segments) - 1


def discover(config: Config, paths: list[Path] | None = None) -> list[DocumentSet]:
    """Document sets under ``config.root`` matching ``config.documents``, limited to ``paths``.

    A file's set key is its path from the first segment of the pattern that is
    not a fixed directory or the language directory, so ``docs/**/*.md`` (a
    source with no language in its path) pairs with
    ``i18n/{lang}/docusaurus-plugin-content-docs/current/**/*.md``.
    """
    root = config.root.resolve()
    limits = [p.resolve() for p in (paths or [])]
    sets: dict[str, DocumentSet] = {}
    for pattern in config.documents:
        rx = _pattern_regex(pattern)
        has_lang = "{lang}" in pattern
        glob = pattern.replace("{lang}", "*")
        optional_suffix = ".{lang}." in pattern
        candidates = set(root.glob(glob))
        if optional_suffix:
            candidates |= set(root.glob(pattern.replace(".{lang}.", ".")))
        start = _key_start(pattern)
        for path in sorted(candidates):
            if not path.is_file() or any(path.match(x) for x in config.exclude):
                continue
            rel = path.relative_to(root).as_posix()
            m = rx.match(rel)
            if m and has_lang:
                try:
                    lg = langs.normalize(m.group("lang"))
                except ValueError:
                    continue
                rel_key = rel[: m.start("lang")] + "{lang}" + rel[m.end("lang") :]
            elif m:
                lg = config.source
                rel_key = rel
            elif optional_suffix:
                lg = config.source
                stem, _, ext = rel.rpartition(".")
                rel_key = f"{stem}.{{lang}}.{ext}"
            else:
                continue
            if lg not in config.languages:
                continue
            if limits and not any(path == lim or lim in path.parents for lim in limits):
                continue
            key = "/".join(rel_key.split("/")[start:])
            ds = sets.setdefault(key, DocumentSet(key))
            ds.files.setdefault(lg, path)
    return [sets[k] for k in sorted(sets)]


def walk(paths: list[Path], suffixes=MARKDOWN_SUFFIXES + CATALOG_SUFFIXES) -> list[Path]:
    """Files to lint: explicit files as given, directories searched for Markdown and catalogs."""
    out: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in suffixes and not any(part.startswith(".") for part in f.relative_to(p).parts):
                    if f not in seen:
                        seen.add(f)
                        out.append(f)
        elif p not in seen:
            seen.add(p)
            out.append(p)
    return out
