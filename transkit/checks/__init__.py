"""The check registry: one module per family, each check a registered class.

Families (codes are stable and never reused):

    TK0xx  input        unreadable file, invalid UTF-8, suppression comments
    TK1xx  structure    sections and blocks of a translation against its source
    TK2xx  encoding     mojibake, U+FFFD, invisible and control characters
    TK3xx  completeness untranslated lines and sections
    TK4xx  glossary     forbidden variants, missing renderings, inconsistency
    TK5xx  script       script purity, regional vocabulary, quote style

Selectors (``--select``, ``--ignore``, config, suppression comments) are a code
(``TK201``), a code prefix (``TK2``, ``TK20``), a check name
(``replacement-character``) or ``ALL``.
"""

from __future__ import annotations

import importlib
from typing import Callable, Iterable

from transkit.checks.base import Check, Scope, registry
from transkit.values import frozen

# Family modules, imported on first use of the registry.
FAMILY_MODULES = (
    "transkit.checks.input",
    "transkit.checks.encoding",
    "transkit.checks.mojibake",
    "transkit.checks.completeness",
    "transkit.checks.structure",
    "transkit.checks.untranslated",
    "transkit.checks.glossary",
    "transkit.checks.regional",
    "transkit.checks.script",
    "transkit.checks.po",
    "transkit.checks.drift",
)

_loaded = False


def _import(mod: str) -> None:
    try:
        importlib.import_module(mod)
    except ModuleNotFoundError as exc:
        # A family not written yet is simply absent; a missing dependency is not.
        if exc.name != mod:
            raise


def load_all() -> dict[str, type[Check]]:
    """Import every family module (once) and return the registry sorted by code."""
    global _loaded
    if not _loaded:
        for mod in FAMILY_MODULES:
            _import(mod)
        _loaded = True
    return dict(sorted(registry().items()))


# --------------------------------------------------------------------------- #
# The manifest: what each check is, without importing it
# --------------------------------------------------------------------------- #


@frozen
class Entry:
    """What the registry knows of a check, written down so that its family need not be imported to know it.

    ``transkit lint`` on one Markdown file in one language imports only the
    families with a check that can apply to it (no pair checks without a
    source, no zh-Hant checks in a zh-Hans file). ``tests/test_checks_manifest.py``
    holds every entry to the class it describes, so the two cannot drift apart.
    """

    code: str
    name: str
    family: str  # the module under transkit.checks
    scope: Scope
    languages: frozenset[str] | None
    default_enabled: bool = True

    def applies_to(self, lang: str | None) -> bool:
        return self.languages is None or (lang in self.languages)


_E = Entry
_FILE, _PAIR, _PROJECT, _WORKFLOW = Scope.FILE, Scope.PAIR, Scope.PROJECT, Scope.WORKFLOW
_ZH = frozenset({"zh-Hans", "zh-Hant", "zh-HK"})
_HANS = frozenset({"zh-Hans"})
_HANT = frozenset({"zh-Hant"})
_HANT_HK = frozenset({"zh-Hant", "zh-HK"})

MANIFEST: dict[str, Entry] = {
    e.code: e
    for e in (
        _E("TK000", "internal-error", "input", _FILE, None),
        _E("TK001", "invalid-utf8", "input", _FILE, None),
        _E("TK002", "binary-file", "input", _FILE, None),
        _E("TK003", "malformed-suppression", "input", _FILE, None),
        _E("TK004", "unused-suppression", "input", _FILE, None),
        _E("TK005", "unreadable-file", "input", _FILE, None),
        _E("TK006", "language-guessed", "input", _FILE, None),
        _E("TK010", "po-syntax-error", "po", _FILE, None),
        _E("TK011", "po-duplicate-message", "po", _FILE, None),
        _E("TK012", "po-header", "po", _FILE, None),
        _E("TK013", "po-newline-mismatch", "po", _FILE, None),
        _E("TK014", "po-markup-mismatch", "po", _FILE, None),
        _E("TK015", "po-fuzzy-entry", "po", _FILE, None),
        _E("TK016", "po-untranslated-entry", "po", _FILE, None, default_enabled=False),
        _E("TK017", "po-plural-forms", "po", _FILE, None),
        _E("TK018", "po-language-mismatch", "po", _FILE, None),
        _E("TK101", "missing-section", "structure", _PAIR, None),
        _E("TK102", "extra-section", "structure", _PAIR, None),
        _E("TK103", "section-order", "structure", _PAIR, None),
        _E("TK104", "heading-level", "structure", _PAIR, None),
        _E("TK105", "code-block-differs", "structure", _PAIR, None),
        _E("TK106", "link-targets", "structure", _PAIR, None),
        _E("TK107", "table-shape", "structure", _PAIR, None),
        _E("TK201", "replacement-character", "encoding", _FILE, None),
        _E("TK202", "invisible-character", "encoding", _FILE, None),
        _E("TK203", "control-character", "encoding", _FILE, None),
        _E("TK210", "mojibake", "mojibake", _FILE, None),
        _E("TK211", "mojibake-lossy", "mojibake", _FILE, None),
        _E("TK212", "mojibake-gbk", "mojibake", _FILE, None),
        _E("TK213", "mojibake-big5", "mojibake", _FILE, None),
        _E("TK214", "gbk-big5-confusion", "mojibake", _FILE, None),
        _E("TK215", "double-encoding", "mojibake", _FILE, None),
        _E("TK216", "lost-text-marker", "mojibake", _FILE, None),
        _E("TK217", "replacement-run", "mojibake", _FILE, None),
        _E("TK301", "untranslated-line", "completeness", _FILE, _ZH),
        _E("TK302", "identical-to-source", "completeness", _PAIR, _ZH),
        _E("TK310", "untranslated-section", "untranslated", _PAIR, _ZH),
        _E("TK311", "untranslated-in-pair", "untranslated", _PAIR, _ZH),
        _E("TK320", "drift-no-baseline", "drift", _WORKFLOW, _ZH),
        _E("TK321", "drift-outdated", "drift", _WORKFLOW, _ZH),
        _E("TK322", "drift-missing", "drift", _WORKFLOW, _ZH),
        _E("TK323", "drift-extra", "drift", _WORKFLOW, _ZH),
        _E("TK324", "drift-untranslated", "drift", _WORKFLOW, _ZH),
        _E("TK325", "drift-sibling-diverged", "drift", _WORKFLOW, _ZH),
        _E("TK401", "forbidden-term", "glossary", _FILE, _ZH),
        _E("TK402", "missing-term", "glossary", _PAIR, _ZH),
        _E("TK403", "inconsistent-term", "glossary", _PROJECT, _ZH),
        _E("TK501", "simplified-in-traditional", "script", _FILE, _HANT_HK),
        _E("TK502", "traditional-in-simplified", "script", _FILE, _HANS),
        _E("TK510", "mainland-vocabulary", "regional", _FILE, _HANT),
        _E("TK511", "taiwan-vocabulary", "regional", _FILE, _HANS),
        _E("TK512", "quote-style", "regional", _FILE, _ZH),
    )
}


def load(codes: Iterable[str]) -> dict[str, type[Check]]:
    """The registered classes of ``codes``, importing only the families that hold them."""
    codes = list(codes)
    for family in sorted({MANIFEST[c].family for c in codes if c in MANIFEST}):
        _import(f"transkit.checks.{family}")
    found = registry()
    if any(c not in found for c in codes):
        found = load_all()  # a check the manifest does not know: look everywhere
    return {c: found[c] for c in codes if c in found}


def _known() -> list[Entry]:
    """Every check as a manifest entry (registered classes the manifest does not list too), by code."""
    known = dict(MANIFEST)
    for code, cls in registry().items():
        if code not in known:
            family = cls.__module__.rpartition(".")[2]
            known[code] = Entry(code, cls.name, family, cls.scope, cls.languages, cls.default_enabled)
    return [known[c] for c in sorted(known)]


def matches(check: type[Check], selector: str) -> bool:
    """Whether ``selector`` (code, code prefix, name or ALL) picks ``check``."""
    sel = selector.strip()
    if not sel:
        return False
    if sel.upper() == "ALL":
        return True
    if sel.upper().startswith("TK") and sel[2:].isdigit():
        return check.code.startswith(sel.upper())
    return check.name == sel.lower()


def is_valid_selector(selector: str) -> bool:
    sel = selector.strip()
    if sel.upper() == "ALL":
        return True
    if sel.upper().startswith("TK") and sel[2:].isdigit():
        if len(sel) == 5:  # a full code must exist
            return sel.upper() in MANIFEST or sel.upper() in load_all()
        return 2 < len(sel) < 5
    return any(e.name == sel.lower() for e in MANIFEST.values()) or any(c.name == sel.lower() for c in load_all().values())


def select(
    selectors: Iterable[str] | None,
    ignores: Iterable[str] | None,
    *,
    can_apply: Callable[[Entry], bool] | None = None,
) -> list[type[Check]]:
    """The checks picked by ``selectors`` (default: every default-enabled check) minus ``ignores``.

    With ``can_apply``, checks it rejects are left out before their families
    are imported (see :class:`Entry`).
    """
    if can_apply is None:
        return _pick(list(load_all().values()), selectors, ignores)
    picked = [e for e in _pick(_known(), selectors, ignores) if can_apply(e)]
    classes = load(e.code for e in picked)
    return [classes[e.code] for e in picked if e.code in classes]


def select_entries(
    selectors: Iterable[str] | None,
    ignores: Iterable[str] | None,
    *,
    can_apply: Callable[[Entry], bool] | None = None,
) -> list[Entry]:
    """What :func:`select` picks, as manifest entries: no family is imported.

    A tree run whose files are all served from the cache needs the checks'
    codes and scopes only (``transkit.lint.Runner``); their classes are loaded
    with :func:`load` when a file must be checked after all.
    """
    return [e for e in _pick(_known(), selectors, ignores) if can_apply is None or can_apply(e)]


def _pick(checks: list, selectors: Iterable[str] | None, ignores: Iterable[str] | None) -> list:
    sel = [s for s in (selectors or []) if s.strip()]
    ign = [s for s in (ignores or []) if s.strip()]
    if sel:
        picked = [c for c in checks if any(matches(c, s) for s in sel)]
        # ALL or a prefix still leaves out opt-in checks unless named exactly.
        picked = [
            c
            for c in picked
            if c.default_enabled or any(s.upper() == c.code or s.lower() == c.name for s in sel)
        ]
    else:
        picked = [c for c in checks if c.default_enabled]
    return [c for c in picked if not any(matches(c, s) for s in ign)]


__all__ = ["Check", "Scope", "Entry", "MANIFEST", "load", "load_all", "matches", "select", "select_entries", "is_valid_selector", "FAMILY_MODULES"]
