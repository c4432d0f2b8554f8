"""Reporters: one module per output format, each with ``render(result, out, **options)``.

A reporter writes the report to ``out`` and nothing else; the command line
decides exit codes. ``result`` has ``.diagnostics`` (sorted) and ``.summary``.
"""

from __future__ import annotations

import importlib
from typing import Callable

FORMATS = ("text", "json", "sarif", "github")


def get(fmt: str) -> Callable:
    """The ``render`` function of format ``fmt``."""
    if fmt not in FORMATS and fmt not in ("html", "markdown"):
        raise ValueError(f"unknown report format {fmt!r} (expected one of: {', '.join(FORMATS)})")
    return importlib.import_module(f"transkit.report.{fmt}").render
