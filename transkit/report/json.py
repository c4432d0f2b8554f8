"""JSON report: ``{"diagnostics": [...], "summary": {...}}``."""

from __future__ import annotations

import json
from typing import TextIO


def render(result, out: TextIO, **_: object) -> None:
    doc = {
        "diagnostics": [d.to_dict() for d in result.diagnostics],
        "summary": result.summary.to_dict(result.diagnostics),
    }
    json.dump(doc, out, ensure_ascii=False, indent=2)
    out.write("\n")
