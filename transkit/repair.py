"""The ``transkit repair`` workflow: read a file, undo its mojibake, write it back, report.

The detection and the repair itself are in :mod:`transkit.mojibake`; the
language model that chooses lost characters is in :mod:`transkit.langmodel`.
This module adds what a command needs: file input and output, the project's
glossary as extra vocabulary, an optional reference file, and the report (text
or JSON) of what was changed and which characters were guessed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from transkit.values import frozen

if TYPE_CHECKING:  # pragma: no cover
    from transkit.config import Config
    from transkit.mojibake import RepairResult

DEFAULT_MIN_CONFIDENCE = 0.9


@frozen
class RepairReport:
    """The outcome of repairing one file."""

    path: str
    lang: str | None
    result: "RepairResult"
    min_confidence: float
    written: str | None  # where the repaired text went (None: nowhere, --check)

    @property
    def changed(self) -> bool:
        return self.result.changed

    @property
    def uncertain(self):
        return self.result.low_confidence(self.min_confidence)

    def accidents(self) -> list[dict]:
        """Accidents found, with the number of lines each touched."""
        seen: dict[tuple, set[int]] = {}
        for line, d in self.result.damages:
            key = (d.label, d.accident.value, d.codec, d.lossy)
            seen.setdefault(key, set()).add(line)
        return [
            {"accident": acc, "codec": codec, "lossy": lossy, "description": label, "lines": len(lines)}
            for (label, acc, codec, lossy), lines in sorted(seen.items(), key=lambda kv: -len(kv[1]))
        ]

    def to_dict(self) -> dict:
        r = self.result
        return {
            "path": self.path,
            "lang": self.lang,
            "changed": r.changed,
            "written": self.written,
            "lines_changed": list(r.changed_lines),
            "accidents": self.accidents(),
            "guessed": len(r.choices),
            "uncertain": len(self.uncertain),
            "min_confidence": self.min_confidence,
            "unresolved": r.unresolved,
            "choices": [dict(c.to_dict(), uncertain=c.confidence < self.min_confidence) for c in r.choices],
        }

    def to_json(self) -> str:
        import json

        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def to_text(self) -> str:
        r = self.result
        out = []
        for c in self.uncertain:
            others = ", ".join(f"{ch} {p:.2f}" for ch, p in c.candidates[1:4])
            out.append(f"{self.path}:{c.line}:{c.column}: {c.chosen} chosen with confidence {c.confidence:.2f}" + (f" (also {others})" if others else ""))
        if not r.changed:
            out.append(f"{self.path}: no mojibake found" if not r.damages else f"{self.path}: damage found but nothing could be repaired")
        else:
            kinds = "; ".join(f"{a['description']} ({a['lines']} line{'s' if a['lines'] != 1 else ''})" for a in self.accidents())
            where = f", written to {self.written}" if self.written else " (not written)"
            out.append(
                f"{self.path}: {len(r.changed_lines)} line{'s' if len(r.changed_lines) != 1 else ''} repaired{where}: {kinds}; "
                f"{len(r.choices)} lost character{'s' if len(r.choices) != 1 else ''} guessed, "
                f"{len(self.uncertain)} below {self.min_confidence:.2f}"
                + (f", {r.unresolved} left as U+FFFD" if r.unresolved else "")
            )
        markers = [(line, d) for line, d in r.damages if d.repaired is None and not d.lossy]
        for line, d in markers:
            out.append(f"{self.path}:{line}:{d.start + 1}: {d.label}: '{d.text}' cannot be repaired")
        return "\n".join(out) + "\n"


def repair_file(
    path: str | Path,
    config: "Config",
    *,
    output: str | None = None,
    reference: str | Path | None = None,
    lang: str | None = None,
    reference_lang: str | None = None,
    check: bool = False,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> tuple[RepairReport, bytes | None]:
    """Repair ``path``; return the report and the bytes to write to stdout (``output == "-"``).

    Without ``output`` the file is repaired in place (atomically); with
    ``check`` nothing is written.
    """
    from transkit import lang as langs
    from transkit.fsutil import atomic_write, read_input
    from transkit.mojibake import repair_text

    path = Path(path)
    text = read_input(path, "repair works on one file")
    if lang:
        lang = langs.normalize(lang)
    else:
        lang = langs.from_path(path.as_posix())
    if lang is not None and not langs.is_chinese(lang):
        lang = None  # an English file with Chinese mojibake in it: the script is guessed
    ref_text = None
    if reference is not None:
        ref_path = Path(reference)
        ref_text = read_input(ref_path, "--reference takes one file")
        reference_lang = langs.normalize(reference_lang) if reference_lang else (langs.from_path(ref_path.as_posix()) or langs.guess(ref_text).lang)
    lexicon = _glossary_terms(config, lang)
    result = repair_text(text, lang=lang, path=str(path), reference=ref_text, reference_lang=reference_lang, lexicon=lexicon)
    data = result.text.encode("utf-8", errors="surrogateescape")
    written = None
    stdout_data = None
    if not check:
        if output == "-":
            stdout_data = data
            written = "stdout"
        elif output:
            atomic_write(output, data)
            written = str(output)
        elif result.changed:
            atomic_write(path, data)
            written = str(path)
    return RepairReport(str(path), lang, result, min_confidence, written), stdout_data


def _glossary_terms(config: "Config", lang: str | None) -> dict[str, list[str]]:
    """Every accepted rendering in the glossary, per script: the document's, or both when it is unknown."""
    from transkit.glossary import load_merged

    glossary = load_merged(config)
    if lang is None:
        wanted: tuple[str, ...] = ("zh-Hans", "zh-Hant")
    else:
        from transkit.langmodel import script_of

        wanted = ("zh-Hant",) if script_of(lang) == "Hant" else ("zh-Hans",)
    return {lg: [form for term in glossary for form in term.accepted(lg)] for lg in wanted}
