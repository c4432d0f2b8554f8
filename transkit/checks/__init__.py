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
from typing import Iterable

from transkit.checks.base import Check, Scope, registry

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


def load_all() -> dict[str, type[Check]]:
    """Import every family module (once) and return the registry sorted by code."""
    global _loaded
    if not _loaded:
        for mod in FAMILY_MODULES:
            try:
                importlib.import_module(mod)
            except ModuleNotFoundError as exc:
                # A family not written yet is simply absent; a missing dependency is not.
                if exc.name != mod:
                    raise
        _loaded = True
    return dict(sorted(registry().items()))


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
            return sel.upper() in load_all()
        return 2 < len(sel) < 5
    return any(c.name == sel.lower() for c in load_all().values())


def select(selectors: Iterable[str] | None, ignores: Iterable[str] | None) -> list[type[Check]]:
    """The checks picked by ``selectors`` (default: every default-enabled check) minus ``ignores``."""
    checks = list(load_all().values())
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


__all__ = ["Check", "Scope", "load_all", "matches", "select", "is_valid_selector", "FAMILY_MODULES"]
