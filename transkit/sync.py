"""Carry zh-Hans changes into zh-Hant section by section, never losing a translator's edit.

``transkit sync SOURCE TARGET`` pairs the sections of the two files by content
(through conversion), not by position, and decides per section:

- source unchanged since the last sync: the target section is left alone,
  hand edits and all;
- source changed, target untouched (still the conversion of the old source):
  the section is converted again;
- source changed, target edited by hand: a three-way merge by line, with the
  conversion of the previous source as the base. What cannot merge is a
  conflict: the section gets git-style conflict markers around the clashing
  lines, the translator's lines first, and the exit code is 1;
- a source section with no counterpart is converted and inserted at its place;
  a target section whose source was deleted is removed (a conflict if it was
  edited since the last sync); a target section that never had a source (a
  translator's note) stays where it is.

The lock file (``.transkit.lock`` in the project root by default) remembers
the last sync: per section, a fingerprint of the source text, of the target
text, and of each line of the conversion (the merge base). It is JSON with
sorted keys, meant to be committed. Without a lock entry, a target section that
differs from the conversion counts as edited by hand and is kept.

A target that still holds conflict markers is refused until they are resolved.
"""

from __future__ import annotations

import difflib
import enum
from collections import Counter
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from transkit.document import Document, Section, line_body, split_lines
from transkit.errors import ConflictError, InputError

LOCK_FORMAT = 1
OURS_MARKER = "<<<<<<< zh-Hant (edited by hand)"
SPLIT_MARKER = "======="
THEIRS_MARKER = ">>>>>>> zh-Hans (converted)"
_MARKER_OPEN = re.compile(r"^<{7}(?: |$)")
_MARKER_MID = re.compile(r"^={7}[ \t]*$")
_MARKER_CLOSE = re.compile(r"^>{7}(?: |$)")


# --------------------------------------------------------------------------- #
# Fingerprints
# --------------------------------------------------------------------------- #


def content_lines(text: str) -> list[str]:
    """Lines of a section without endings, BOM or trailing blank lines: what fingerprints see.

    Line endings and the blank lines before the next heading are layout, not
    content: changing them is not an edit.
    """
    lines = [line_body(ln) for ln in split_lines(text)]
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def fingerprint(text: str) -> str:
    """A short, stable digest of a section's content (see :func:`content_lines`)."""
    return _digest(content_lines(text))


def _digest(lines: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8", errors="surrogateescape")).hexdigest()[:16]


def line_fingerprint(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8", errors="surrogateescape")).hexdigest()[:12]


# --------------------------------------------------------------------------- #
# The lock file
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class SectionRecord:
    """What one section looked like at the last sync."""

    heading: str  # the source heading, for people reading the lock
    source: str  # fingerprint of the source section
    target: str  # fingerprint of the target section as the sync left it
    base: tuple[str, ...]  # line fingerprints of the source section's conversion

    def to_json(self) -> dict[str, Any]:
        return {"heading": self.heading, "source": self.source, "target": self.target, "base": list(self.base)}

    @classmethod
    def from_json(cls, data: Any, where: str) -> "SectionRecord":
        try:
            base = data["base"]
            if not isinstance(base, list) or not all(isinstance(b, str) for b in base):
                raise TypeError
            return cls(str(data.get("heading", "")), str(data["source"]), str(data["target"]), tuple(base))
        except (KeyError, TypeError, AttributeError):
            raise InputError(f"{where}: malformed section record; delete the lock file to start over") from None


class LockFile:
    """The sync lock: ``{"transkit-lock": 1, "sync": {target: {"source", "opencc", "sections"}}}``.

    Paths are relative to the lock file's directory, with forward slashes.
    Top-level keys other than ``sync`` (other transkit commands may keep their
    records here) are preserved as they are.
    """

    def __init__(self, path: Path, data: dict[str, Any] | None = None) -> None:
        self.path = path
        self.data: dict[str, Any] = data if data is not None else {"transkit-lock": LOCK_FORMAT}
        self._original = self.dumps() if data is not None else None

    @classmethod
    def load(cls, path: str | Path) -> "LockFile":
        path = Path(path)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read the lock file: {exc}") from None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}: the lock file is not valid JSON ({exc.msg}); resolve it or delete it") from None
        except RecursionError:
            raise InputError(f"{path}: not a transkit lock file (arrays nested too deeply)") from None
        if not isinstance(data, dict) or not isinstance(data.get("sync", {}), dict):
            raise InputError(f"{path}: not a transkit lock file")
        version = data.get("transkit-lock", LOCK_FORMAT)
        if version != LOCK_FORMAT:
            raise InputError(f"{path}: lock format {version!r} is not supported (this transkit writes {LOCK_FORMAT})")
        return cls(path, data)

    def key(self, path: Path) -> str:
        base = self.path.resolve().parent
        p = path.resolve()
        try:
            return p.relative_to(base).as_posix()
        except ValueError:
            return p.as_posix()

    def records(self, target: Path) -> list[SectionRecord] | None:
        entry = self.data.get("sync", {}).get(self.key(target))
        if entry is None:
            return None
        where = f"{self.path}: sync.{self.key(target)}"
        sections = entry.get("sections") if isinstance(entry, dict) else None
        if not isinstance(sections, list):
            raise InputError(f"{where}: expected a list of sections")
        return [SectionRecord.from_json(s, where) for s in sections]

    def set_records(self, source: Path, target: Path, opencc: str, records: Sequence[SectionRecord]) -> None:
        self.data.setdefault("transkit-lock", LOCK_FORMAT)
        self.data.setdefault("sync", {})[self.key(target)] = {
            "source": self.key(source),
            "opencc": opencc,
            "sections": [r.to_json() for r in records],
        }

    def dumps(self) -> str:
        from transkit.fsutil import json_text

        return json_text(self.data)

    @property
    def changed(self) -> bool:
        return self.dumps() != self._original


# --------------------------------------------------------------------------- #
# Three-way merge by line
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class MergeChunk:
    """A stretch of merge output: agreed lines, or a conflict with both sides."""

    lines: tuple[str, ...] = ()
    conflict: bool = False
    ours: tuple[str, ...] = ()
    theirs: tuple[str, ...] = ()


def merge3(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str], key=None) -> list[MergeChunk]:
    """Three-way merge of line sequences (diff3 semantics).

    ``base`` may hold fingerprints rather than lines: ``key`` maps a line of
    ``ours`` / ``theirs`` to what ``base`` holds. A region changed on one side
    only takes that side; changed the same way on both, either; changed
    differently, a conflict.

        >>> [c.lines or (c.ours, c.theirs) for c in merge3(list("abcd"), list("aXcd"), list("abcY"))]
        [('a', 'X', 'c', 'Y')]
        >>> merge3(list("abc"), list("aXc"), list("aYc"))[1]
        MergeChunk(lines=(), conflict=True, ours=('X',), theirs=('Y',))
    """
    key = key or (lambda s: s)
    a = [key(x) for x in ours]
    b = [key(x) for x in theirs]
    z = list(base)
    out: list[MergeChunk] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            out.append(MergeChunk(lines=tuple(buf)))
            buf.clear()

    iz = ia = ib = 0
    for zs, ze, as_, ae, bs, be in _sync_regions(z, a, b):
        if as_ > ia or bs > ib:
            if a[ia:as_] == b[ib:bs]:
                buf.extend(ours[ia:as_])
            elif z[iz:zs] == a[ia:as_]:
                buf.extend(theirs[ib:bs])
            elif z[iz:zs] == b[ib:bs]:
                buf.extend(ours[ia:as_])
            else:
                flush()
                out.append(MergeChunk(conflict=True, ours=tuple(ours[ia:as_]), theirs=tuple(theirs[ib:bs])))
        elif zs > iz:
            # deleted on both sides: nothing to emit
            pass
        buf.extend(ours[as_:ae])
        iz, ia, ib = ze, ae, be
    flush()
    return out


def _sync_regions(z: list, a: list, b: list) -> list[tuple[int, int, int, int, int, int]]:
    """Stretches where base, ours and theirs agree, plus an empty one at the end."""
    am = difflib.SequenceMatcher(None, z, a, autojunk=False).get_matching_blocks()
    bm = difflib.SequenceMatcher(None, z, b, autojunk=False).get_matching_blocks()
    regions = []
    ia = ib = 0
    while ia < len(am) and ib < len(bm):
        abase, amatch, alen = am[ia]
        bbase, bmatch, blen = bm[ib]
        lo = max(abase, bbase)
        hi = min(abase + alen, bbase + blen)
        if lo < hi:
            asub = amatch + (lo - abase)
            bsub = bmatch + (lo - bbase)
            regions.append((lo, hi, asub, asub + hi - lo, bsub, bsub + hi - lo))
        if abase + alen < bbase + blen:
            ia += 1
        else:
            ib += 1
    regions.append((len(z), len(z), len(a), len(a), len(b), len(b)))
    return regions


# --------------------------------------------------------------------------- #
# Results
# --------------------------------------------------------------------------- #


class SectionStatus(enum.Enum):
    KEPT = "kept"  # source unchanged: target left alone
    UPDATED = "updated"  # converted again
    MERGED = "merged"  # source change merged into a hand-edited section
    CONFLICT = "conflict"
    INSERTED = "inserted"  # new source section, converted
    REMOVED = "removed"  # source section deleted
    EXTRA = "extra"  # target section without a source, kept
    DROPPED = "dropped"  # unchanged source section the translator removed from the target: left out


@dataclass(frozen=True)
class Conflict:
    section: str
    line: int  # line of the opening marker in the new target
    ours: str
    theirs: str


@dataclass(frozen=True)
class SectionOutcome:
    status: SectionStatus
    title: str
    source_line: int | None  # heading line in the source
    target_line: int | None  # first line in the new target
    note: str = ""
    conflicts: tuple[Conflict, ...] = ()


@dataclass
class SyncResult:
    source: Path
    target: Path
    lock: Path | None
    old_text: str | None  # the target before the sync (None: it did not exist)
    text: str  # the target after the sync
    outcomes: list[SectionOutcome] = field(default_factory=list)
    written: bool = False
    lock_written: bool = False

    @property
    def conflicts(self) -> list[Conflict]:
        return [c for o in self.outcomes for c in o.conflicts]

    @property
    def changed(self) -> bool:
        return self.old_text != self.text

    @property
    def exit_code(self) -> int:
        return 1 if self.conflicts else 0

    def diff(self) -> str:
        """The change to the target as a unified diff (empty when nothing changes)."""
        old = split_lines(self.old_text or "")
        new = split_lines(self.text)
        name = self.target.as_posix()
        lines = difflib.unified_diff(old, new, fromfile=f"a/{name}" if self.old_text is not None else "/dev/null", tofile=f"b/{name}")
        out = []
        for ln in lines:
            out.append(ln if ln.endswith(("\n", "\r")) else ln + "\n\\ No newline at end of file\n")
        return "".join(out)

    def report(self) -> str:
        """What happened, one line per section that changed or needs attention, then the conflicts."""
        out: list[str] = []
        for o in self.outcomes:
            if (o.status is SectionStatus.KEPT and not o.note) or self.old_text is None:
                continue
            where = f"{self.target.as_posix()}:{o.target_line}" if o.target_line else self.target.as_posix()
            note = f" ({o.note})" if o.note else ""
            out.append(f"{where}: {o.status.value}: {o.title}{note}")
        for c in self.conflicts:
            out.append(f"\nconflict in {c.section} at {self.target.as_posix()}:{c.line}")
            out.append("--- zh-Hant, edited by hand (kept first in the file):")
            out.append(c.ours.rstrip("\n") or "(nothing)")
            out.append("--- zh-Hans, converted:")
            out.append(c.theirs.rstrip("\n") or "(nothing: the section was deleted in zh-Hans)")
        counts: dict[str, int] = {}
        for o in self.outcomes:
            counts[o.status.value] = counts.get(o.status.value, 0) + 1
        summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        if self.old_text is None:
            state = "created (full conversion)" if self.written else "would be created (full conversion)"
        else:
            state = "would change" if self.changed and not self.written else ("updated" if self.written else "unchanged")
        if self.conflicts:
            out.append(f"\n{len(self.conflicts)} conflict(s): resolve the marked lines in {self.target.as_posix()}, then run sync again")
        out.append(f"{self.target.as_posix()}: {state}; sections: {summary}")
        return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- #
# Planning a sync (no I/O)
# --------------------------------------------------------------------------- #


@dataclass
class _Side:
    """One document's sections with what pairing and merging need."""

    sections: list[Section]
    texts: list[str]
    lines: list[list[str]]  # content lines per section
    fps: list[str]
    heads: list[str]  # heading line as written (for pairing)


def _side(doc: Document, texts: list[str] | None = None) -> _Side:
    texts = texts if texts is not None else [s.text for s in doc.sections]
    lines = [content_lines(t) for t in texts]
    fps = [_digest(ls) for ls in lines]
    heads = [ls[0].strip() if ls and not s.is_preamble else "" for s, ls in zip(doc.sections, lines)]
    return _Side(list(doc.sections), texts, lines, fps, heads)


def _title(s: Section) -> str:
    return "(preamble)" if s.is_preamble else "#" * s.level + " " + s.heading.strip()


def _bag(fps: Sequence[str]) -> tuple[Counter, int]:
    c = Counter(x for x in fps if x)
    return c, sum(c.values())


def _dice(a: tuple[Counter, int], b: tuple[Counter, int]) -> float:
    """:func:`_overlap` of two multisets counted beforehand (:func:`_bag`)."""
    ca, na = a
    cb, nb = b
    if not na + nb:
        return 1.0
    if ca.keys().isdisjoint(cb):
        return 0.0
    if len(ca) > len(cb):
        ca, cb = cb, ca
    get = cb.get
    return 2 * sum(min(v, get(k, 0)) for k, v in ca.items()) / (na + nb)


def _overlap(a: Sequence[str], b: Sequence[str]) -> float:
    """Dice similarity of two multisets of non-blank line fingerprints."""
    ca, cb = Counter(x for x in a if x), Counter(x for x in b if x)
    total = sum(ca.values()) + sum(cb.values())
    if not total:
        return 1.0
    return 2 * sum((ca & cb).values()) / total


def _live(doc: Document) -> list[int]:
    """Indexes of sections that exist as text (an empty preamble does not)."""
    return [i for i, s in enumerate(doc.sections) if s.text]


def plan_sync(source: Document, target: Document | None, converter, records: list[SectionRecord] | None = None) -> tuple[str, list[SectionRecord], list[SectionOutcome]]:
    """Compute the new target text, the new lock records and an outcome per section.

    ``converter`` is a :class:`transkit.convert.Converter` (``convert_document``).
    """
    converted = converter.convert_document(source)
    conv_lines = split_lines(converted)
    conv_texts = ["".join(conv_lines[s.start_line - 1 : s.end_line]) for s in source.sections]
    src = _side(source)
    conv = _side(source, conv_texts)
    conv_hashes = [tuple(line_fingerprint(x) for x in ls) for ls in conv.lines]
    live = _live(source)

    if target is None:
        new_records = [SectionRecord(_title(source.sections[i]), src.fps[i], conv.fps[i], conv_hashes[i]) for i in live]
        outcomes = [SectionOutcome(SectionStatus.INSERTED, _title(source.sections[i]), source.sections[i].start_line, source.sections[i].start_line) for i in live]
        return converted, new_records, outcomes

    tgt = _side(target)
    tgt_hashes = [tuple(line_fingerprint(x) for x in ls) for ls in tgt.lines]
    records = records or []
    pairs, rec_of_src, rec_of_tgt = _pair(source, target, src, conv, tgt, conv_hashes, tgt_hashes, records)
    tgt_of_src = dict(pairs)
    src_of_tgt = {j: i for i, j in pairs}

    if records and [src.fps[i] for i in live] == [r.source for r in records]:
        # Nothing changed in the source since the last sync: the target stays exactly as it is.
        new_records = []
        outcomes = []
        for i in live:
            rec = records[rec_of_src[i]]
            j = tgt_of_src.get(i)
            s = source.sections[i]
            if j is None:
                new_records.append(rec)
                outcomes.append(SectionOutcome(SectionStatus.DROPPED, _title(s), s.start_line, None, "unchanged in zh-Hans, removed from zh-Hant by hand; left out"))
                continue
            edited = tgt.fps[j] != rec.target and tgt_hashes[j] != rec.base
            new_records.append(SectionRecord(rec.heading, rec.source, tgt.fps[j], rec.base))
            outcomes.append(SectionOutcome(SectionStatus.KEPT, _title(s), s.start_line, target.sections[j].start_line, "edited by hand" if edited else ""))
        return target.text, new_records, outcomes

    newline = target.newline
    # Records whose source section still exists (as recorded or paired).
    live_records = set(rec_of_src.values()) | {rec_of_tgt[j] for i, j in pairs if j in rec_of_tgt}

    # Target sections with no source stay after the nearest paired section before them.
    extras_after: dict[int, list[int]] = {}
    for j in _live(target):
        if j in src_of_tgt:
            continue
        anchor = -1
        for jj in range(j - 1, -1, -1):
            if jj in src_of_tgt:
                anchor = src_of_tgt[jj]
                break
        extras_after.setdefault(anchor, []).append(j)

    chunks: list[tuple[str, SectionOutcome, list[tuple[int, Conflict]]]] = []
    new_records: list[SectionRecord] = []
    claimed: set[int] = set(rec_of_tgt.values())

    def emit(text: str, outcome: SectionOutcome, conflicts: list[tuple[int, Conflict]] | None = None) -> None:
        chunks.append((text, outcome, conflicts or []))

    def emit_extras(anchor: int) -> None:
        for jx in extras_after.get(anchor, []):
            t_sec = target.sections[jx]
            t_title = _title(t_sec)
            kx = rec_of_tgt.get(jx)
            if kx is None and records:
                # edited since the last sync: recognise it by the lines it shares with a recorded base
                kx = _record_by_base(records, tgt_hashes[jx], live_records | claimed)
                if kx is not None:
                    claimed.add(kx)
            if kx is None or kx in live_records:
                emit(tgt.texts[jx], SectionOutcome(SectionStatus.EXTRA, t_title, None, None, "no zh-Hans counterpart; kept"))
            elif tgt.fps[jx] == records[kx].target or tgt_hashes[jx] == records[kx].base:
                emit("", SectionOutcome(SectionStatus.REMOVED, t_title, None, None, "deleted in zh-Hans"))
            else:
                text, conflicts = _merge_section(records[kx].base, tgt.lines[jx], [], tgt.texts[jx], newline, t_title)
                emit(text, SectionOutcome(SectionStatus.CONFLICT, t_title, None, None, "deleted in zh-Hans, edited in zh-Hant"), conflicts)

    emit_extras(-1)
    for i in live:
        s = source.sections[i]
        title = _title(s)
        j = tgt_of_src.get(i)
        k = rec_of_src.get(i)
        if k is None and j is not None:
            k = rec_of_tgt.get(j)
        if j is None:
            if k is not None and records[k].source == src.fps[i]:
                new_records.append(records[k])
                emit("", SectionOutcome(SectionStatus.DROPPED, title, s.start_line, None, "unchanged in zh-Hans, removed from zh-Hant by hand; left out"))
            else:
                new_records.append(SectionRecord(title, src.fps[i], conv.fps[i], conv_hashes[i]))
                emit(_relayout(conv.texts[i], newline), SectionOutcome(SectionStatus.INSERTED, title, s.start_line, None))
        elif k is None:
            # No lock entry: a target that differs from the conversion counts as edited by hand.
            same = tgt.fps[j] == conv.fps[i]
            new_records.append(SectionRecord(title, src.fps[i], tgt.fps[j], conv_hashes[i]))
            note = "" if same else "differs from the conversion: kept as edited by hand (no lock entry)"
            emit(tgt.texts[j], SectionOutcome(SectionStatus.KEPT, title, s.start_line, None, note))
        else:
            rec = records[k]
            if rec.source == src.fps[i]:
                edited = tgt.fps[j] != rec.target and tgt_hashes[j] != rec.base
                new_records.append(SectionRecord(title, rec.source, tgt.fps[j], rec.base))
                emit(tgt.texts[j], SectionOutcome(SectionStatus.KEPT, title, s.start_line, None, "edited by hand" if edited else ""))
            elif tgt_hashes[j] == rec.base:
                new_records.append(SectionRecord(title, src.fps[i], conv.fps[i], conv_hashes[i]))
                emit(_relayout(conv.texts[i], newline), SectionOutcome(SectionStatus.UPDATED, title, s.start_line, None))
            else:
                text, conflicts = _merge_section(rec.base, tgt.lines[j], conv.lines[i], tgt.texts[j], newline, title)
                new_records.append(SectionRecord(title, src.fps[i], fingerprint(text), conv_hashes[i]))
                status = SectionStatus.CONFLICT if conflicts else SectionStatus.MERGED
                emit(text, SectionOutcome(status, title, s.start_line, None), conflicts)
        emit_extras(i)

    text, outcomes = _assemble(chunks, target, newline)
    return text, new_records, outcomes


def _record_by_base(records: list[SectionRecord], hashes: Sequence[str], used: set[int]) -> int | None:
    best, best_score = None, 0.5
    for k, r in enumerate(records):
        if k in used:
            continue
        score = _overlap(r.base, hashes)
        if score > best_score:
            best, best_score = k, score
    return best


def _candidates(rest_s, rest_t, conv: _Side, tgt: _Side, conv_hashes, tgt_hashes, records, rec_of_src, rec_of_tgt):
    """For each unpaired source section, the target sections that can score 0.5 in :func:`_pair`.

    A pair scores the best of three line overlaps and the text ratio, plus 0.25
    for the same heading, so it needs an overlap above 0 (a line fingerprint in
    common, or two sides without a non-blank line: their overlap is 1) or a
    ratio of at least 0.25. The ratios come from one C-level pass per source
    section, the overlaps from an index of fingerprints: comparing every pair
    in Python was quadratic (1,000 changed sections took 17 s).
    """
    from rapidfuzz import fuzz, process

    choices = {j: tgt.texts[j] for j in rest_t}
    in_tgt: dict[str, set[int]] = {}  # fingerprint -> targets holding it
    in_base: dict[str, set[int]] = {}  # fingerprint -> targets whose recorded base holds it
    blank_tgt: set[int] = set()
    blank_base: set[int] = set()
    for j in rest_t:
        fps = {h for h in tgt_hashes[j] if h}
        for h in fps:
            in_tgt.setdefault(h, set()).add(j)
        if not fps:
            blank_tgt.add(j)
        kj = rec_of_tgt.get(j)
        if kj is not None:
            base = {h for h in records[kj].base if h}
            for h in base:
                in_base.setdefault(h, set()).add(j)
            if not base:
                blank_base.add(j)
    for i in rest_s:
        found = {key for _c, _score, key in process.extract(conv.texts[i], choices, scorer=fuzz.ratio, score_cutoff=25, limit=None)}
        mine = {h for h in conv_hashes[i] if h}
        ratios = {key: score for _c, score, key in process.extract(conv.texts[i], choices, scorer=fuzz.ratio, score_cutoff=25, limit=None)}
        found = set(ratios)
        mine = {h for h in conv_hashes[i] if h}
        for h in mine:
            found.update(in_tgt.get(h, ()))
            found.update(in_base.get(h, ()))
        if not mine:
            found |= blank_tgt | blank_base
        ki = rec_of_src.get(i)
        if ki is not None:
            base = {h for h in records[ki].base if h}
            for h in base:
                found.update(in_tgt.get(h, ()))
            if not base:
                found |= blank_tgt
        for j in found:
            if j not in ratios:
                ratios[j] = fuzz.ratio(conv.texts[i], tgt.texts[j])
        yield i, sorted(ratios.items())


def _pair(source: Document, target: Document, src: _Side, conv: _Side, tgt: _Side, conv_hashes, tgt_hashes, records: list[SectionRecord]):
    """Pair source and target sections by content; returns pairs and the lock record of each side."""
    n, m = len(src.sections), len(tgt.sections)
    live_s, live_t = set(_live(source)), set(_live(target))
    rec_of_src: dict[int, int] = {}
    rec_of_tgt: dict[int, int] = {}
    free_src: dict[str, list[int]] = {}
    for k, r in enumerate(records):
        free_src.setdefault(r.source, []).append(k)
    for i in range(n):
        ks = free_src.get(src.fps[i])
        if ks:
            rec_of_src[i] = ks.pop(0)
    free_tgt: dict[str, list[int]] = {}
    for k, r in enumerate(records):
        free_tgt.setdefault(r.target, []).append(k)
    for j in range(m):
        ks = free_tgt.get(tgt.fps[j])
        if ks:
            rec_of_tgt[j] = ks.pop(0)

    pairs: dict[int, int] = {}
    taken: set[int] = set()
    if 0 in live_s and 0 in live_t:
        pairs[0] = 0  # the preambles correspond
        taken.add(0)
    # 1. The same lock record on both sides: the pair of the last sync, both sides as recorded or one edited.
    src_of_rec = {k: i for i, k in rec_of_src.items()}
    for j, k in rec_of_tgt.items():
        i = src_of_rec.get(k)
        if i is not None and i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)
    # 2. Target equal to the conversion.
    by_fp: dict[str, list[int]] = {}
    for j in sorted(live_t):
        if j not in taken:
            by_fp.setdefault(tgt.fps[j], []).append(j)
    for i in sorted(live_s):
        if i in pairs:
            continue
        js = by_fp.get(conv.fps[i])
        if js:
            j = js.pop(0)
            pairs[i] = j
            taken.add(j)
    # 3. Similarity for the rest: lines shared with the conversion or with the recorded base,
    #    text similarity, and the same heading.
    rest_s = [i for i in sorted(live_s) if i not in pairs and i != 0]
    rest_t = [j for j in sorted(live_t) if j not in taken and j != 0]
    if rest_s and rest_t:
        scored: list[tuple[float, float, int, int]] = []
        # Each side's lines counted once, not once per pair.
        conv_bag = {i: _bag(conv_hashes[i]) for i in rest_s}
        tgt_bag = {j: _bag(tgt_hashes[j]) for j in rest_t}
        base_bag = {k: _bag(records[k].base) for k in {*rec_of_src.values(), *rec_of_tgt.values()}}
        for i, candidates in _candidates(rest_s, rest_t, conv, tgt, conv_hashes, tgt_hashes, records, rec_of_src, rec_of_tgt):
            ki = rec_of_src.get(i)
            ci = conv_bag[i]
            for j, ratio in candidates:
                kj = rec_of_tgt.get(j)
                if ki is not None and kj is not None and ki != kj:
                    continue  # each side is still as recorded, for different sections
                tj = tgt_bag[j]
                score = max(_dice(ci, tj), ratio / 100)
                if ki is not None:
                    score = max(score, _dice(base_bag[ki], tj))
                if kj is not None:
                    score = max(score, _dice(ci, base_bag[kj]))
                if conv.heads[i] and conv.heads[i] == tgt.heads[j]:
                    score += 0.25
                if score >= 0.5:
                    drift = abs(i / max(n, 1) - j / max(m, 1))
                    scored.append((-score, drift, i, j))
        scored.sort()
        for _, _, i, j in scored:
            if i not in pairs and j not in taken:
                pairs[i] = j
                taken.add(j)
    # Records tie to pairs: a target paired through similarity inherits the source's record.
    for i, j in pairs.items():
        if i in rec_of_src and j in rec_of_tgt and rec_of_src[i] != rec_of_tgt[j]:
            del rec_of_tgt[j]
    if records:
        used = set(rec_of_src.values()) | set(rec_of_tgt.values())
        for i, j in pairs.items():
            if i not in rec_of_src and j not in rec_of_tgt:
                k = _record_by_base(records, tgt_hashes[j], used)
                if k is None:
                    k = _record_by_base(records, conv_hashes[i], used)
                if k is not None:
                    rec_of_tgt[j] = k
                    used.add(k)
    return sorted(pairs.items()), rec_of_src, rec_of_tgt


def _relayout(text: str, newline: str) -> str:
    """Text with every line ending replaced by ``newline``."""
    out = []
    for ln in split_lines(text):
        body = line_body(ln)
        out.append(body + newline if body != ln else ln)
    return "".join(out)


def _merge_section(base: Sequence[str], ours: list[str], theirs: list[str], ours_text: str, newline: str, title: str) -> tuple[str, list[tuple[int, Conflict]]]:
    """Merge one section; conflicts get markers. Returns the text and (offset line, conflict) pairs."""
    chunks = merge3(base, ours, theirs, key=line_fingerprint)
    out: list[str] = []
    conflicts: list[tuple[int, Conflict]] = []
    for c in chunks:
        if c.conflict:
            conflicts.append((len(out), Conflict(title, 0, "".join(x + "\n" for x in c.ours), "".join(x + "\n" for x in c.theirs))))
            out.append(OURS_MARKER)
            out.extend(c.ours)
            out.append(SPLIT_MARKER)
            out.extend(c.theirs)
            out.append(THEIRS_MARKER)
        else:
            out.extend(c.lines)
    # keep the target's trailing blank lines (layout)
    tail = len(split_lines(ours_text)) - len(content_lines(ours_text))
    body = "".join(x + newline for x in out)
    return body + newline * tail, conflicts


def _assemble(chunks, target: Document, newline: str) -> tuple[str, list[SectionOutcome]]:
    """Join the section texts (each ends with a line break unless it is last) and place the outcomes."""
    parts: list[str] = []
    outcomes: list[SectionOutcome] = []
    count = 0  # lines so far
    for text, outcome, conflicts in chunks:
        if text.startswith("\ufeff"):
            text = text[1:]
        if text and parts and not parts[-1].endswith(("\n", "\r")):
            parts[-1] += newline
        start = count + 1
        placed = tuple(Conflict(c.section, start + off, c.ours, c.theirs) for off, c in conflicts)
        outcomes.append(SectionOutcome(outcome.status, outcome.title, outcome.source_line, start if text else None, outcome.note, placed))
        if text:
            parts.append(text)
            count += len(split_lines(text))
    out = "".join(parts)
    if target.bom:
        out = "\ufeff" + out
    return out, outcomes


# --------------------------------------------------------------------------- #
# Files
# --------------------------------------------------------------------------- #


def find_markers(doc: Document) -> int | None:
    """Line of the first unresolved conflict marker block outside code, or None."""
    open_line = None
    seen_mid = False
    for n in range(1, doc.line_count + 1):
        if doc.is_code_line(n):
            continue
        body = doc.body(n)
        if _MARKER_OPEN.match(body):
            open_line, seen_mid = n, False
        elif open_line is not None and _MARKER_MID.match(body):
            seen_mid = True
        elif open_line is not None and seen_mid and _MARKER_CLOSE.match(body):
            return open_line
    return None


def sync_files(
    source: str | Path,
    target: str | Path,
    converter,
    lock: str | Path | None = None,
    dry_run: bool = False,
) -> SyncResult:
    """Sync ``target`` from ``source``; writes the target and the lock atomically unless ``dry_run``."""
    from transkit.fsutil import atomic_write, read_input, read_text_lossless

    source, target = Path(source), Path(target)
    lock_path = Path(lock) if lock is not None else None
    src_text = read_input(source, "sync takes two Markdown files")
    try:
        tgt_text: str | None = read_text_lossless(target)
    except FileNotFoundError:
        tgt_text = None
    except IsADirectoryError:
        raise InputError(f"{target}: is a directory; sync takes two Markdown files") from None
    except OSError as exc:
        raise InputError(f"{target}: cannot read: {exc.strerror}") from None
    if source.resolve() == target.resolve():
        raise InputError(f"{source}: source and target are the same file")

    src_doc = Document.from_text(src_text, str(source), converter.source_lang)
    line = find_markers(src_doc)
    if line is not None:
        raise ConflictError(f"{source}:{line}: unresolved conflict markers; resolve them before syncing")
    tgt_doc = None
    if tgt_text is not None:
        tgt_doc = Document.from_text(tgt_text, str(target), converter.target_lang)
        line = find_markers(tgt_doc)
        if line is not None:
            raise ConflictError(f"{target}:{line}: unresolved conflict markers; resolve them (keep the right lines, delete the markers), then run sync again")

    lockfile = LockFile.load(lock_path) if lock_path is not None else None
    records = lockfile.records(target) if lockfile is not None and tgt_doc is not None else None
    text, new_records, outcomes = plan_sync(src_doc, tgt_doc, converter, records)
    result = SyncResult(source, target, lock_path, tgt_text, text, outcomes)
    if dry_run:
        return result
    if text != tgt_text:
        atomic_write(target, text.encode("utf-8", errors="surrogateescape"))
        result.written = True
    if lockfile is not None:
        lockfile.set_records(source, target, converter.config, new_records)
        if lockfile.changed:
            atomic_write(lockfile.path, lockfile.dumps().encode("utf-8"))
            result.lock_written = True
    return result



def default_lock_path(config, target: Path) -> Path:
    """Where the sync lock lives: the config's ``lock`` beside the config file, else at the top
    of the git repository holding the target, else in the current directory."""
    lock = Path(config.lock)
    if lock.is_absolute():
        return lock
    if config.path is not None:
        return config.root / lock
    import subprocess

    here = target.resolve().parent
    try:
        proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=here, capture_output=True, text=True, timeout=30)
        if proc.returncode == 0 and proc.stdout.strip():
            return Path(proc.stdout.strip()) / lock
    except (OSError, subprocess.SubprocessError):
        pass
    return Path.cwd() / lock


def run_sync(source: str | Path, target: str | Path, config, lock: str | Path | None = None, dry_run: bool = False) -> SyncResult:
    """``transkit sync``: languages from the paths (else guessed), the project's converter and lock."""
    from transkit.convert import converter_for, detect_language
    from transkit.fsutil import read_text_lossless

    source, target = Path(source), Path(target)
    try:
        src_lang = detect_language(source, read_text_lossless(source))
    except FileNotFoundError:
        raise InputError(f"{source}: no such file") from None
    except OSError as exc:
        raise InputError(f"{source}: cannot read: {exc.strerror or exc}") from None
    from transkit import lang as langs

    tgt_lang = langs.from_path(str(target))
    if tgt_lang is None and target.is_file():
        tgt_lang = langs.guess(read_text_lossless(target)).lang
    if tgt_lang is None or tgt_lang == "en":
        tgt_lang = "zh-Hant" if src_lang == "zh-Hans" else "zh-Hans"
    if src_lang == "en":
        raise InputError(f"{source}: sync carries a Chinese source into another Chinese variant; this looks English")
    if src_lang == tgt_lang:
        raise InputError(f"{source} and {target} are both {src_lang}: nothing to convert")
    converter = converter_for(config, src_lang, tgt_lang)
    lock_path = Path(lock) if lock is not None else default_lock_path(config, target)
    return sync_files(source, target, converter, lock=lock_path, dry_run=dry_run)
