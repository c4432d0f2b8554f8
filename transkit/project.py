"""Document sets: one source document and its translations, found from config patterns.

A pattern names the language with ``{lang}``: ``locales/{lang}/**/*.md`` pairs
``locales/en/a.md`` with ``locales/zh-Hant/a.md``; ``README.{lang}.md`` pairs
``README.zh-TW.md`` with ``README.md`` (a file without the suffix is the
source). Directory and suffix tags are normalized, so ``zh_TW``, ``zh-TW`` and
``zh-Hant`` name the same language.
"""

from __future__ import annotations

import os
import re
from operator import attrgetter
from pathlib import Path

from transkit import lang as langs
from transkit.config import Config

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
CATALOG_SUFFIXES = (".po", ".pot")


class DocumentSet:
    """The same document in several languages; ``key`` is its pattern-relative name."""

    def __init__(self, key: str, files: dict[str, Path] | None = None) -> None:
        self.key = key
        self.files: dict[str, Path] = {} if files is None else files  # lang -> path

    def __repr__(self) -> str:
        return f"DocumentSet({self.key!r}, {self.files!r})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not DocumentSet:
            return NotImplemented
        return (self.key, self.files) == (other.key, other.files)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it was

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
    skip = len(root.parts)
    limit_parts = [lim.parts for lim in limits]
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
        # The cheap tests first: a pattern like {lang}/**/*.md globs every file of the tree.
        for path in _sorted(candidates):
            parts = path.parts
            rel = "/".join(parts[skip:])  # path.relative_to(root).as_posix(): the glob starts at root
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
            if limits and not any(parts[: len(lp)] == lp for lp in limit_parts):
                continue  # neither the limit nor under it (both resolved: parts compare as written on disk)
            if not path.is_file() or any(path.match(x) for x in config.exclude):
                continue
            key = "/".join(rel_key.split("/")[start:])
            ds = sets.setdefault(key, DocumentSet(key))
            ds.files.setdefault(lg, path)
    return [sets[k] for k in sorted(sets)]


def _sorted(paths) -> list[Path]:
    """Paths in Path's own order; on POSIX that is the order of their parts, compared in C."""
    return sorted(paths, key=attrgetter("parts")) if os.name == "posix" else sorted(paths)


def walk(paths: list[Path], suffixes=MARKDOWN_SUFFIXES + CATALOG_SUFFIXES) -> list[Path]:
    """Files to lint: explicit files as given, directories searched for Markdown and catalogs."""
    out: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        if p.is_dir():
            skip = len(p.parts)
            for f in _sorted(p.rglob("*")):
                # f.parts[skip:] is f.relative_to(p).parts: rglob yields p / relative path
                if f.suffix.lower() in suffixes and not any(part.startswith(".") for part in f.parts[skip:]) and f.is_file():
                    if f not in seen:
                        seen.add(f)
                        out.append(f)
        elif p not in seen:
            seen.add(p)
            out.append(p)
    return out
