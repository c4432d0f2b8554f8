"""SARIF 2.1.0 report (accepted by GitHub code scanning and Microsoft's validator).

Columns are Unicode code points (``columnKind: unicodeCodePoints``); paths are
relative URIs against ``%SRCROOT%``, the working directory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

import transkit
from transkit.diagnostics import Severity

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _rules(diagnostics) -> tuple[list[dict], dict[str, int]]:
    from transkit.checks import load_all

    known = load_all()
    codes = sorted({d.code for d in diagnostics})
    rules, index = [], {}
    for code in codes:
        check = known.get(code)
        name = check.name if check else next(d.name for d in diagnostics if d.code == code)
        doc = check.documentation() if check else ""
        summary = doc.splitlines()[0] if doc else name.replace("-", " ")
        rule = {
            "id": code,
            "name": _pascal(name),
            "shortDescription": {"text": summary if summary.endswith(".") else summary + "."},
            "fullDescription": {"text": (doc or summary).strip() if (doc or summary).strip().endswith(".") else (doc or summary).strip() + "."},
            "defaultConfiguration": {"level": _LEVEL[check.severity] if check else "warning"},
            "help": {"text": f"Run `transkit explain {code}` for the documentation of this check."},
        }
        index[code] = len(rules)
        rules.append(rule)
    return rules, index


def _uri(path: str) -> str:
    return quote(Path(path).as_posix(), safe="/-._~")


def render(result, out: TextIO, **_: object) -> None:
    rules, index = _rules(result.diagnostics)
    results = []
    for d in result.diagnostics:
        region = {"startLine": d.line, "startColumn": d.column}
        if d.end_line is not None:
            region["endLine"] = d.end_line
        if d.end_column is not None:
            region["endColumn"] = d.end_column
        item = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _LEVEL[d.severity],
            "message": {"text": d.message if d.message.endswith((".", "。")) else d.message + "."},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(d.path), "uriBaseId": "%SRCROOT%"},
                        "region": region,
                    }
                }
            ],
        }
        if d.related is not None:
            item["relatedLocations"] = [
                {
                    "id": 0,
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(d.related.path), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": d.related.line, "startColumn": d.related.column},
                    },
                    "message": {"text": "Counterpart in the source."},
                }
            ]
        if d.fix is not None:
            fix_region = {"startLine": d.fix.line, "startColumn": d.fix.column}
            if d.fix.end_column is not None:
                fix_region["endColumn"] = d.fix.end_column
            item["fixes"] = [
                {
                    "description": {"text": (d.fix.description or "Suggested fix").rstrip(".") + "."},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": _uri(d.path), "uriBaseId": "%SRCROOT%"},
                            "replacements": [{"deletedRegion": fix_region, "insertedContent": {"text": d.fix.replacement}}],
                        }
                    ],
                }
            ]
        results.append(item)
    root = Path.cwd().as_uri() + "/"
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "transkit",
                        "version": transkit.__version__,
                        "semanticVersion": transkit.__version__,
                        "informationUri": "https://pypi.org/project/transkit/",
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    json.dump(doc, out, ensure_ascii=False, indent=2)
    out.write("\n")
