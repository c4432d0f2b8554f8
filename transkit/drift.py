"""Locale drift: which translated sections lag behind the English source, and since when.

Every section of every translation gets one status:

- ``ok``: the translation is in step with the source section;
- ``outdated``: the source section changed after the translation last did;
- ``missing``: a source section the translation does not have;
- ``extra``: a translation section with no source counterpart;
- ``untranslated``: the translation section is still English.

Sections are paired by :func:`transkit.align.align_documents`, never by
position, so a renumbered or moved section keeps its partner.

Two baselines say whether a paired section is in step:

**Git** (the default in a git repository). Each file is blamed once
(``git blame --porcelain -w``). A pair is outdated when the newest commit
behind the source section's lines comes later in history than the newest
commit behind the translation section's lines, and the section's text
(numbering and blank lines aside) really differs from what it was at that
translation commit. Deleting a
line leaves nothing for blame to see, so that old text is also compared: lines
removed by a later commit outdate the section too. Source commits carrying the
trailer ``Transkit-Ack: typo`` are ignored when the source is blamed
(``--ignore-revs-file``), so a typo fix outdates nothing.

**Lock** (``transkit drift --record``). The project lock file stores, for each
translation, a fingerprint of every source section it is in step with; a
section whose fingerprint changed is outdated. ``--ack SECTION`` accepts the
current English text of one section without retranslation. In git mode an
acknowledged fingerprint works the same way, as an override of the blame rule.

Sibling drift compares zh-Hans with each Traditional translation of the same
document, section by section, pairing them through the English section both
translate. Every sentence of one side must have a counterpart somewhere in the
other section, looked up after converting it to the other script (glossary
terms locked, Taiwan phrasing) and also in the other direction, so regional
vocabulary, punctuation and a reviewer's rewording are tolerated. A sentence
that one side never got makes the pair ``diverged``.

    >>> doc = Document.from_text("# Guide\\n\\n## 2. Setup\\n\\nRun it.\\n")
    >>> section_keys(doc)
    ['', 'guide', 'guide/setup']
    >>> normalized_lines(doc, doc.sections[2])
    ('## Setup', 'Run it.')
"""

from __future__ import annotations

import difflib
import enum
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from transkit import lang as langs
from transkit.document import BlockKind, Document, Section, is_han, slugify
from transkit.errors import InputError, TranskitError

if TYPE_CHECKING:  # pragma: no cover
    from transkit.config import Config
    from transkit.resources import Resources

__all__ = [
    "Status",
    "Baseline",
    "Change",
    "SectionDrift",
    "SiblingDrift",
    "DriftReport",
    "DriftSet",
    "DriftError",
    "Lock",
    "GitRepo",
    "Blame",
    "run_drift",
    "resolve_sets",
    "parse_fail_on",
    "section_keys",
    "normalized_lines",
    "fingerprint",
    "sentences",
    "compare_siblings",
    "SiblingComparison",
    "ACK_TRAILER",
]

ACK_TRAILER = "Transkit-Ack"
# Trailer values that accept a source change without retranslation.
ACK_VALUES = frozenset({"typo"})
LOCK_VERSION = 1  # the "transkit-lock" format number, shared with transkit sync
# A zh-Hans / Traditional sentence with no counterpart scoring this much (rapidfuzz partial_ratio,
# 0-100) in the sibling section makes the pair diverge. Independent Taiwan rewording of the
# bundled sample scores 64 and more; a sentence one side never got scores under 30.
SIBLING_MATCH = 45
# Sentences shorter than this many content characters (labels, names) are not judged.
SIBLING_MIN_SENTENCE = 10
# Fewer Latin letters than this is a name or a product term, not untranslated prose.
UNTRANSLATED_MIN_LETTERS = 12
ZERO_SHA = "0" * 40
# Pack loose objects for the blames when there are this many, and this many files to blame.
LOOSE_PACK_MIN = 512
LOOSE_PACK_FILES = 24


class DriftError(TranskitError):
    """A lock file, a ``--ack`` section or a git call that drift cannot use."""


class Status(str, enum.Enum):
    """Where a translated section stands against its source (``diverged`` is for siblings)."""

    OK = "ok"
    OUTDATED = "outdated"
    MISSING = "missing"
    EXTRA = "extra"
    UNTRANSLATED = "untranslated"
    DIVERGED = "diverged"


class Baseline(str, enum.Enum):
    """What an ``outdated`` verdict rests on."""

    GIT = "git"
    LOCK = "lock"
    NONE = "none"  # neither a git repository nor a lock entry: only presence is judged


# --------------------------------------------------------------------------- #
# Values
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Change:
    """The last change to a section: the commit (``None`` when not committed yet) and its time."""

    commit: str | None
    time: int  # seconds since the epoch (committer time)
    summary: str = ""

    @property
    def iso(self) -> str:
        return datetime.fromtimestamp(self.time, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def short(self) -> str:
        return self.commit[:7] if self.commit else "uncommitted"


@dataclass(frozen=True)
class DriftSet:
    """One source document and the translations to judge against it."""

    source: Path
    translations: tuple[tuple[str, Path], ...]  # (lang, path)
    source_lang: str = "en"


@dataclass(frozen=True)
class SectionDrift:
    """The status of one section of one translation."""

    status: Status
    lang: str
    source_path: str
    translation_path: str
    source: Section | None
    target: Section | None
    key: str | None = None  # the source section's key (see section_keys)
    baseline: Baseline = Baseline.NONE
    source_changed: Change | None = None
    translation_changed: Change | None = None
    diff: str = ""  # the English diff since the translation last changed (outdated only)
    reason: str = ""
    confidence: float = 1.0
    insert_line: int | None = None  # missing only: where the section belongs in the translation

    @property
    def title(self) -> str:
        return section_title(self.source if self.source is not None else self.target)

    @property
    def source_line(self) -> int | None:
        return self.source.start_line if self.source is not None else None

    @property
    def translation_line(self) -> int | None:
        return self.target.start_line if self.target is not None else None

    def to_dict(self) -> dict:
        """The JSON shape of ``transkit drift --format json`` (exactly these keys)."""
        return {
            "title": self.title,
            "source_line": self.source_line,
            "translation": self.translation_path,
            "lang": self.lang,
            "status": self.status.value,
            "source_changed": self.source_changed.iso if self.source_changed else None,
            "translation_changed": self.translation_changed.iso if self.translation_changed else None,
        }


@dataclass(frozen=True)
class SiblingDrift:
    """A zh-Hans section against its Traditional sibling."""

    status: Status  # ok, diverged, missing (in the Traditional file) or extra
    hans_path: str
    hant_path: str
    hant_lang: str
    hans: Section | None
    hant: Section | None
    difference: float | None = None  # share of the text in sentences without a counterpart
    reason: str = ""
    hans_only: tuple[str, ...] = ()  # sentences of the zh-Hans section the Traditional one lacks
    hant_only: tuple[str, ...] = ()  # and the reverse

    @property
    def title(self) -> str:
        return section_title(self.hans if self.hans is not None else self.hant)

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "hans": self.hans_path,
            "hans_line": self.hans.start_line if self.hans is not None else None,
            "hant": self.hant_path,
            "hant_line": self.hant.start_line if self.hant is not None else None,
            "lang": self.hant_lang,
            "status": self.status.value,
            "difference": round(self.difference, 3) if self.difference is not None else None,
            "hans_only": list(self.hans_only),
            "hant_only": list(self.hant_only),
        }


@dataclass
class DriftReport:
    """Everything one ``transkit drift`` run found."""

    sections: list[SectionDrift] = field(default_factory=list)
    siblings: list[SiblingDrift] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "no baseline for X"
    lock_path: Path | None = None
    recorded: int = 0  # sections written to the lock by --record / --ack

    def statuses(self) -> set[Status]:
        found = {s.status for s in self.sections}
        found |= {s.status for s in self.siblings if s.status is Status.DIVERGED}
        return found

    def fails(self, fail_on: Iterable[Status]) -> bool:
        """Whether a status listed in ``fail_on`` is present (the CI exit code)."""
        return bool(self.statuses() & set(fail_on))

    def summary(self) -> dict:
        """Per language: counts and the percentage of source sections ok, outdated, missing, untranslated."""
        per: dict[str, dict] = {}
        for s in self.sections:
            row = per.setdefault(s.lang, {"translations": set(), "sections": 0, **{st.value: 0 for st in Status if st is not Status.DIVERGED}})
            row["translations"].add(s.translation_path)
            row[s.status.value] += 1
            if s.status is not Status.EXTRA:
                row["sections"] += 1
        out: dict[str, dict] = {}
        for lang_, row in sorted(per.items()):
            n = row["sections"]
            pct = {k: (round(100.0 * row[k] / n, 1) if n else 0.0) for k in ("ok", "outdated", "missing", "untranslated")}
            out[lang_] = {
                "translations": len(row["translations"]),
                "sections": n,
                "ok": row["ok"],
                "outdated": row["outdated"],
                "missing": row["missing"],
                "untranslated": row["untranslated"],
                "extra": row["extra"],
                "percent": pct,
            }
        return {
            "languages": out,
            "siblings": {
                "pairs": sum(1 for s in self.siblings if s.hans is not None and s.hant is not None),
                "diverged": sum(1 for s in self.siblings if s.status is Status.DIVERGED),
            },
        }

    def to_dict(self) -> dict:
        return {
            "sections": [s.to_dict() for s in self.sections],
            "siblings": [s.to_dict() for s in self.siblings],
            "summary": self.summary(),
        }


def parse_fail_on(value: str | Iterable[str] | None) -> frozenset[Status]:
    """``"outdated,missing"`` -> statuses; ``None`` means every status but ok; ``"none"`` means never fail.

    >>> sorted(s.value for s in parse_fail_on("outdated, missing"))
    ['missing', 'outdated']
    """
    if value is None:
        return frozenset(s for s in Status if s is not Status.OK)
    items = value.split(",") if isinstance(value, str) else [p for v in value for p in v.split(",")]
    names = [i.strip().lower() for i in items if i.strip()]
    if names == ["none"]:
        return frozenset()
    out = set()
    valid = [s.value for s in Status if s is not Status.OK]
    for n in names:
        if n not in valid:
            raise DriftError(f"--fail-on: unknown status {n!r} (expected a comma-separated list of: {', '.join(valid)}, or none)")
        out.add(Status(n))
    return frozenset(out)


# --------------------------------------------------------------------------- #
# Section identity and fingerprints
# --------------------------------------------------------------------------- #


def section_title(section: Section | None) -> str:
    """A section's heading as a reader names it: numbering and title, no markup (``(preamble)``)."""
    if section is None:
        return ""
    if section.is_preamble:
        return "(preamble)"
    title = section.title or section.heading
    return f"{section.number} {title}".strip() if section.number else title


def section_keys(doc: Document) -> list[str]:
    """A stable key per section: the slugs of its heading path without numbering.

    Numbering is left out so that a section inserted upstream, which renumbers
    the ones after it, does not change their keys. A repeated path gets ``~2``,
    ``~3`` ... The preamble's key is ``""``.
    """
    keys: list[str] = []
    seen: dict[str, int] = {}
    for s in doc.sections:
        if s.is_preamble:
            keys.append("")
            continue
        parts = [slugify(t) or "-" for t in s.path] or [slugify(s.heading) or "-"]
        if not s.title and s.number:
            parts[-1] = slugify(s.number) or "-"
        key = "/".join(parts)
        n = seen.get(key, 0) + 1
        seen[key] = n
        keys.append(key if n == 1 else f"{key}~{n}")
    return keys


def normalized_lines(doc: Document, section: Section) -> tuple[str, ...]:
    """A section's lines as compared for drift: heading without numbering, no blank lines, no trailing spaces."""
    out: list[str] = []
    heading_lines: set[int] = set()
    for b in section.blocks:
        if b.kind is BlockKind.HEADING:
            heading_lines.update(b.lines)
    if not section.is_preamble:
        out.append("#" * section.level + " " + (section.title or section.heading))
    for ln in range(section.start_line, section.end_line + 1):
        if ln in heading_lines:
            continue
        body = doc.body(ln).rstrip()
        if body.strip():
            out.append(body)
    return tuple(out)


def fingerprint(doc: Document, section: Section) -> str:
    """A short digest of :func:`normalized_lines` (what the lock file stores)."""
    data = "\n".join(normalized_lines(doc, section)).encode("utf-8", errors="surrogateescape")
    return hashlib.sha256(data).hexdigest()[:16]


def has_content(doc: Document, section: Section | None) -> bool:
    if section is None:
        return False
    return any(doc.body(ln).strip() for ln in range(section.start_line, section.end_line + 1))


def _letters(doc: Document, section: Section) -> tuple[int, int]:
    """(Han characters, Latin letters) in the section's prose: code, URLs and markup left out."""
    han = latin = 0
    for ln in range(section.start_line, section.end_line + 1):
        if doc.is_code_line(ln):
            continue
        for ch in doc.masked(ln):
            if ch.isascii():
                if ch.isalpha():
                    latin += 1
            elif is_han(ch):
                han += 1
    return han, latin


_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LATIN_RUN = re.compile(r"[A-Za-z]")


def is_untranslated(source_doc: Document, source: Section, target_doc: Document, target: Section) -> bool:
    """Whether a translation section is still English: (almost) no Han text, or the source's text verbatim."""
    # Fast path: plenty of Han text in the raw section settles it without masking every line.
    raw_han = len(_HAN_RUN.findall(target.text))
    if raw_han * 20 >= len(_LATIN_RUN.findall(target.text)) and raw_han >= UNTRANSLATED_MIN_LETTERS:
        return False
    _, src_latin = _letters(source_doc, source)
    if src_latin < UNTRANSLATED_MIN_LETTERS:
        return False
    han, latin = _letters(target_doc, target)
    if latin >= UNTRANSLATED_MIN_LETTERS and han * 20 < latin:
        return True
    return normalized_lines(source_doc, source)[1:] == normalized_lines(target_doc, target)[1:] and han == 0


# --------------------------------------------------------------------------- #
# Git
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Commit:
    sha: str
    committer_time: int
    author_time: int
    summary: str = ""

    @property
    def committed(self) -> bool:
        return self.sha != ZERO_SHA

    @property
    def short(self) -> str:
        return self.sha[:7] if self.committed else "uncommitted"

    def change(self) -> Change:
        return Change(self.sha if self.committed else None, self.committer_time, self.summary)


@dataclass
class Blame:
    """``git blame --porcelain`` of one file: the commit of every line."""

    shas: list[str]  # index 0 is line 1
    commits: dict[str, Commit]

    def commit_of(self, line: int) -> Commit | None:
        if 1 <= line <= len(self.shas):
            return self.commits.get(self.shas[line - 1])
        return None

    @classmethod
    def uncommitted(cls, line_count: int, now: int | None = None) -> "Blame":
        """A file git does not track yet: every line is a change made now."""
        now = int(time.time()) if now is None else now
        c = Commit(ZERO_SHA, now, now, "Not Committed Yet")
        return cls([ZERO_SHA] * line_count, {ZERO_SHA: c})

    @classmethod
    def parse(cls, output: str) -> "Blame":
        """Parse porcelain output (commit details appear once, at a commit's first group)."""
        shas: list[str] = []
        info: dict[str, dict[str, str]] = {}
        current = None
        final = 0
        for raw in output.split("\n"):
            if raw.startswith("\t"):
                if current is not None:
                    while len(shas) < final:
                        shas.append(current)
                    shas[final - 1] = current
                continue
            if not raw:
                continue
            head, _, rest = raw.partition(" ")
            if len(head) == 40 and all(c in "0123456789abcdef" for c in head):
                parts = rest.split()
                if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
                    current = head
                    final = int(parts[1])
                    info.setdefault(head, {})
                    continue
            if current is not None:
                info[current].setdefault(head, rest)
        commits = {}
        for sha, kv in info.items():
            ct = int(kv.get("committer-time", kv.get("author-time", "0")) or 0)
            at = int(kv.get("author-time", ct) or 0)
            commits[sha] = Commit(sha, ct, at, kv.get("summary", ""))
        return cls(shas, commits)


class GitRepo:
    """The git calls drift makes: one blame per file, one log, one batched blob read."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._ancestor: dict[tuple[str, str], bool] = {}
        self._blobs: dict[tuple[str, str], str | None] = {}
        self._head: str | None | bool = False
        self._topo: dict[str, int] | None = None
        self._env: dict[str, str] = {}

    @classmethod
    def discover(cls, path: Path) -> "GitRepo | None":
        """The repository holding ``path``, or ``None`` (no repository, or no git)."""
        here = path if path.is_dir() else path.parent
        try:
            proc = subprocess.run(
                ["git", "rev-parse", "--show-toplevel"],
                cwd=here if str(here) else ".",
                capture_output=True,
                text=True,
                timeout=60,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        if proc.returncode != 0 or not proc.stdout.strip():
            return None
        return cls(Path(proc.stdout.strip()).resolve())

    # -- plumbing -------------------------------------------------------------- #

    def _run(self, args: Sequence[str], input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **self._env}
        try:
            proc = subprocess.run(["git", *args], cwd=self.root, input=input, capture_output=True, env=env, timeout=600)
        except (OSError, subprocess.SubprocessError) as exc:
            raise DriftError(f"git {args[0]} failed in {self.root}: {exc}") from None
        if check and proc.returncode != 0:
            msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise DriftError(f"git {args[0]} failed in {self.root}: {msg[-1] if msg else 'exit ' + str(proc.returncode)}")
        return proc

    def rel(self, path: Path) -> str:
        try:
            return _resolve(path).relative_to(self.root).as_posix()
        except ValueError:
            raise DriftError(f"{path}: outside the git repository {self.root}") from None

    def head(self) -> str | None:
        if self._head is False:
            proc = self._run(["rev-parse", "--verify", "-q", "HEAD"], check=False)
            self._head = proc.stdout.decode().strip() or None if proc.returncode == 0 else None
        return self._head  # type: ignore[return-value]

    # -- history --------------------------------------------------------------- #

    def ack_commits(self) -> frozenset[str]:
        """Commits whose message carries ``Transkit-Ack: typo`` as a trailer (one ``git log``)."""
        if self.head() is None:
            return frozenset()
        fmt = f"%H%x1f%(trailers:key={ACK_TRAILER},valueonly,separator=%x1d)%x1e"
        proc = self._run(["log", "-i", f"--grep={ACK_TRAILER}", f"--format={fmt}", "HEAD"])
        out = set()
        for rec in proc.stdout.decode("utf-8", "replace").split("\x1e"):
            sha, _, values = rec.strip().partition("\x1f")
            if len(sha) != 40:
                continue
            for v in values.split("\x1d"):
                words = v.replace(",", " ").lower().split()
                if words and words[0] in ACK_VALUES:
                    out.add(sha)
        return frozenset(out)

    def blame(self, path: Path, ignore_revs_file: str | None = None) -> Blame:
        """Blame the working-tree file (uncommitted lines count as changed now)."""
        if self.head() is None:
            # A repository without a commit yet: every line is uncommitted (git
            # says so in words that vary with its version, "no such ref: HEAD").
            return Blame.uncommitted(path.read_bytes().count(b"\n") + 1)
        args = ["blame", "--porcelain", "-w"]
        if ignore_revs_file:
            args.append(f"--ignore-revs-file={ignore_revs_file}")
        args += ["--", self.rel(path)]
        proc = self._run(args, check=False)
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace")
            if "no such path" in err or "does not have any commits" in err or "bad revision" in err:
                lines = path.read_bytes().count(b"\n") + 1
                return Blame.uncommitted(lines)
            last = err.strip().splitlines()
            raise DriftError(f"git blame failed for {path}: {last[-1] if last else 'exit ' + str(proc.returncode)}")
        return Blame.parse(proc.stdout.decode("utf-8", "replace"))

    def _pack_loose_objects(self) -> str | None:
        """Pack the repository's loose objects into a temporary directory; returns it (or None).

        Each ``git blame`` walks the whole history of its file. Recent commits
        not yet packed by ``git gc`` are loose objects, one file each, and
        reading them costs most of a blame's time; a temporary pack served
        through ``GIT_ALTERNATE_OBJECT_DIRECTORIES`` makes the same reads cheap.
        The repository itself is only read.
        """
        proc = self._run(["rev-parse", "--git-path", "objects"], check=False)
        objects = Path(proc.stdout.decode().strip() or ".git/objects")
        objects = objects if objects.is_absolute() else self.root / objects
        loose = []
        for d in objects.glob("[0-9a-f][0-9a-f]"):
            loose.extend(d.name + f.name for f in d.iterdir() if len(f.name) >= 38)
        if len(loose) < LOOSE_PACK_MIN:
            return None
        tmp = tempfile.mkdtemp(prefix="transkit-objects-")
        (Path(tmp) / "pack").mkdir()
        proc = self._run(["pack-objects", "-q", str(Path(tmp) / "pack" / "pack")], input="\n".join(loose).encode() + b"\n", check=False)
        if proc.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            return None
        return tmp

    def blame_many(self, requests: Sequence[tuple[Path, bool]], ignore: frozenset[str], jobs: int = 0) -> dict[Path, Blame]:
        """Blame each file once, in parallel; ``True`` in a request ignores the ``ignore`` commits."""
        tmp = None
        pack = self._pack_loose_objects() if len(requests) >= LOOSE_PACK_FILES else None
        if pack is not None:
            prior = os.environ.get("GIT_ALTERNATE_OBJECT_DIRECTORIES")
            self._env["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = pack + (os.pathsep + prior if prior else "")
        try:
            if ignore and any(flag for _, flag in requests):
                fd, tmp = tempfile.mkstemp(prefix="transkit-ack-", suffix=".revs")
                with os.fdopen(fd, "w") as fh:
                    fh.write("".join(sha + "\n" for sha in sorted(ignore)))
            workers = jobs or min(8, (os.cpu_count() or 2) * 2)
            unique = list(dict.fromkeys(requests))
            with ThreadPoolExecutor(max_workers=max(1, min(workers, len(unique) or 1))) as pool:
                results = list(pool.map(lambda r: self.blame(r[0], tmp if r[1] else None), unique))
            return {path: b for (path, _), b in zip(unique, results)}
        finally:
            if tmp:
                os.unlink(tmp)
            if pack is not None:
                self._env.pop("GIT_ALTERNATE_OBJECT_DIRECTORIES", None)
                shutil.rmtree(pack, ignore_errors=True)

    def read_blobs(self, specs: Iterable[tuple[str, str]]) -> None:
        """Fetch ``(commit, path)`` file versions with one ``git cat-file --batch`` (cached)."""
        todo = [s for s in dict.fromkeys(specs) if s not in self._blobs]
        if not todo:
            return
        data = "".join(f"{sha}:{path}\n" for sha, path in todo).encode("utf-8")
        out = self._run(["cat-file", "--batch"], input=data).stdout
        pos = 0
        for spec in todo:
            nl = out.index(b"\n", pos)
            header = out[pos:nl].decode("utf-8", "replace").split()
            pos = nl + 1
            if len(header) == 3 and header[1] == "blob":
                size = int(header[2])
                self._blobs[spec] = out[pos : pos + size].decode("utf-8", errors="surrogateescape")
                pos += size + 1
            else:  # "<spec> missing", or a tree
                if len(header) == 3 and header[2].isdigit():
                    pos += int(header[2]) + 1
                self._blobs[spec] = None

    def blob(self, sha: str, path: str) -> str | None:
        if (sha, path) not in self._blobs:
            self.read_blobs([(sha, path)])
        return self._blobs[(sha, path)]

    def commits_touching(self, paths: Sequence[str]) -> dict[str, list[Commit]]:
        """Commits (newest first) that changed each path, from one ``git log --name-only``."""
        out: dict[str, list[Commit]] = {}
        if self.head() is None or not paths:
            return out
        fmt = "%x1e%H%x1f%ct%x1f%at%x1f%s"
        proc = self._run(["log", f"--format={fmt}", "--name-only", "--no-renames", "HEAD", "--", *sorted(set(paths))])
        for rec in proc.stdout.decode("utf-8", "replace").split("\x1e"):
            if not rec.strip():
                continue
            head, _, names = rec.partition("\n")
            sha, ct, at, subject = (head.split("\x1f") + ["", "", "", ""])[:4]
            c = Commit(sha, int(ct or 0), int(at or 0), subject)
            for name in names.split("\n"):
                if name.strip():
                    out.setdefault(name.strip(), []).append(c)
        return out

    def dirty_files(self, paths: Sequence[str]) -> set[str]:
        """Which of ``paths`` differ in the working tree from HEAD (all of them before the first commit)."""
        if not paths:
            return set()
        if self.head() is None:
            return set(paths)
        proc = self._run(["diff", "--name-only", "-z", "--no-renames", "HEAD", "--", *sorted(set(paths))], check=False)
        return {n for n in proc.stdout.decode("utf-8", "replace").split("\0") if n}

    def is_ancestor(self, a: str, b: str) -> bool:
        key = (a, b)
        if key not in self._ancestor:
            self._ancestor[key] = self._run(["merge-base", "--is-ancestor", a, b], check=False).returncode == 0
        return self._ancestor[key]

    def newer(self, a: Commit, b: Commit) -> bool:
        """Whether change ``a`` came after change ``b`` in history (uncommitted work is newest).

        History order (``git rev-list --topo-order``) decides rather than dates, so a
        backdated or rebased commit is placed where it really is; dates only break
        ties for commits outside HEAD's history.
        """
        if a.sha == b.sha:
            return False
        if not a.committed or not b.committed:
            return not a.committed
        order = self.topo_order()
        if a.sha in order and b.sha in order:
            return order[a.sha] < order[b.sha]
        ka, kb = (a.committer_time, a.author_time), (b.committer_time, b.author_time)
        if ka != kb:
            return ka > kb
        return self.is_ancestor(b.sha, a.sha)

    def topo_order(self) -> dict[str, int]:
        """Commit -> position in ``git rev-list --topo-order HEAD`` (0 is the newest)."""
        if self._topo is None:
            self._topo = {}
            if self.head() is not None:
                out = self._run(["rev-list", "--topo-order", "HEAD"]).stdout.decode().split()
                self._topo = {sha: k for k, sha in enumerate(out)}
        return self._topo

    def staged_files(self) -> list[Path]:
        """Files in the staged diff (``git diff --cached``)."""
        proc = self._run(["diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR"], check=False)
        names = proc.stdout.decode("utf-8", "replace").split("\0")
        return [self.root / n for n in names if n]


def _newest(repo: GitRepo, blame: Blame, doc: Document, section: Section, skip: frozenset[str] = frozenset()) -> Commit | None:
    """The newest commit behind the section's non-blank lines (commits in ``skip`` left out)."""
    best: Commit | None = None
    for ln in range(section.start_line, section.end_line + 1):
        if not doc.body(ln).strip():
            continue
        c = blame.commit_of(ln)
        if c is None or c.sha in skip:
            continue
        if best is None or repo.newer(c, best):
            best = c
    return best


# --------------------------------------------------------------------------- #
# Lock file
# --------------------------------------------------------------------------- #


@dataclass
class LockEntry:
    """A translation section in step with a source section's text (by fingerprint)."""

    source: str
    translation: str
    at: str  # ISO time of the record or acknowledgement
    commit: str | None = None  # HEAD when recorded, for the diff

    @property
    def epoch(self) -> int:
        try:
            return int(datetime.strptime(self.at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())
        except ValueError:
            return 0

    def to_dict(self) -> dict:
        d = {"at": self.at, "source": self.source, "translation": self.translation}
        if self.commit:
            d["commit"] = self.commit
        return d


@dataclass
class LockedTranslation:
    source: str
    lang: str
    baseline: Baseline  # LOCK after --record; GIT when it only holds acknowledgements
    sections: dict[str, LockEntry] = field(default_factory=dict)


class Lock:
    """Drift's records in the project lock file (``.transkit.lock``, shared with ``transkit sync``).

    JSON with sorted keys, paths relative to the file, meant to be committed.
    Drift owns the ``drift`` key and keeps every other key (``sync``) as it is:

        {
          "drift": {
            "locales/zh-Hans/guide.md": {
              "baseline": "lock",
              "lang": "zh-Hans",
              "source": "locales/en/guide.md",
              "sections": {
                "guide/setup": {"at": "2024-05-01T10:00:00Z", "commit": "…", "source": "3f2a…", "translation": "9c1d…"}
              }
            }
          },
          "sync": {…},
          "transkit-lock": 1
        }
    """

    def __init__(self, path: Path, translations: dict[str, LockedTranslation] | None = None, data: dict | None = None) -> None:
        self.path = path
        self.translations = translations or {}
        self._data = data if data is not None else {}

    @classmethod
    def load(cls, path: Path) -> "Lock":
        if not path.is_file():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise DriftError(f"{path}: cannot read the lock file: {exc}") from None
        except json.JSONDecodeError as exc:
            raise DriftError(f"{path}:{exc.lineno}: the lock file is not valid JSON ({exc.msg}); resolve it or delete it") from None
        except RecursionError:
            raise DriftError(f"{path}: not a transkit lock file (arrays nested too deeply)") from None
        if not isinstance(data, dict) or not isinstance(data.get("drift", {}), dict):
            raise DriftError(f"{path}: not a transkit lock file")
        if data.get("transkit-lock", LOCK_VERSION) != LOCK_VERSION:
            raise DriftError(f"{path}: lock format {data.get('transkit-lock')!r} is not supported (this transkit writes {LOCK_VERSION})")
        out: dict[str, LockedTranslation] = {}
        for tpath, t in data.get("drift", {}).items():
            try:
                secs = {
                    key: LockEntry(str(e["source"]), str(e.get("translation", "")), str(e.get("at", "")), e.get("commit"))
                    for key, e in (t.get("sections") or {}).items()
                }
                out[tpath] = LockedTranslation(str(t["source"]), str(t.get("lang", "")), Baseline(t.get("baseline", "lock")), secs)
            except (KeyError, TypeError, ValueError, AttributeError):
                raise DriftError(f"{path}: drift.{tpath}: malformed entry (needs source, baseline and sections); delete it and run `transkit drift --record`") from None
        return cls(path, out, data)

    def key_for(self, path: Path) -> str:
        base = _resolve(self.path).parent
        try:
            return _resolve(path).relative_to(base).as_posix()
        except ValueError:
            return _resolve(path).as_posix()

    def get(self, translation: Path) -> LockedTranslation | None:
        return self.translations.get(self.key_for(translation))

    def to_json(self) -> str:
        data = dict(self._data)
        data["transkit-lock"] = LOCK_VERSION
        data["drift"] = {
            k: {
                "baseline": t.baseline.value,
                "lang": t.lang,
                "source": t.source,
                "sections": {sk: e.to_dict() for sk, e in sorted(t.sections.items())},
            }
            for k, t in sorted(self.translations.items())
        }
        from transkit.fsutil import json_text

        return json_text(data)

    def save(self) -> None:
        from transkit.fsutil import atomic_write

        atomic_write(self.path, self.to_json().encode("utf-8"))


# --------------------------------------------------------------------------- #
# Finding the documents
# --------------------------------------------------------------------------- #


def _lang_of_path(path: Path, text: str | None = None) -> str:
    found = langs.from_path(path.as_posix())
    if found:
        return found
    if text is None:
        text = path.read_text(encoding="utf-8", errors="replace")
    return langs.guess(text[:20000]).lang


def resolve_sets(config: "Config", files: Sequence[Path] = (), *, changed_only: bool = False) -> list[DriftSet]:
    """The document sets a run looks at.

    - Files given without ``--changed-only``: the first is the source, the rest its translations.
    - No files: every document set the configuration describes (``documents`` patterns).
    - ``--changed-only``: the configured sets that hold a changed file, where the changed
      files are the ones given, else the staged diff. A changed source keeps all its
      translations; otherwise only the changed translations are kept.
    """
    files = [Path(f) for f in files]
    if files and not changed_only:
        for f in files:
            if f.is_dir():
                raise InputError(f"{f}: is a directory; drift takes a source file and its translations, or no files to use the configured documents")
            if not f.is_file():
                raise InputError(f"{f}: no such file")
        if len(files) < 2:
            raise InputError("give a source and at least one translation (transkit drift SOURCE TRANSLATION...), or no files to use the configuration")
        src = files[0]
        src_lang = _lang_of_path(src) if langs.from_path(src.as_posix()) else config.source
        trans = []
        for t in files[1:]:
            lg = _lang_of_path(t)
            if lg == src_lang:
                raise InputError(f"{t}: looks like {lg}, the source language; name the language in the path (e.g. zh-Hant/) or give the source first")
            trans.append((lg, t))
        return [DriftSet(src, tuple(trans), src_lang)]

    from transkit.project import discover

    sets = []
    for ds in discover(config):
        src = ds.source(config)
        trans = tuple((lg, p) for lg, p in ds.translations(config))
        if src is None or not trans:
            continue
        sets.append(DriftSet(src, trans, config.source))
    if not changed_only:
        return sets
    if files:
        changed = {f.resolve() for f in files}
    else:
        repo = GitRepo.discover(config.root)
        changed = {p.resolve() for p in repo.staged_files()} if repo else set()
    out = []
    for s in sets:
        if s.source.resolve() in changed:
            out.append(s)
            continue
        kept = tuple((lg, p) for lg, p in s.translations if p.resolve() in changed)
        if kept:
            out.append(DriftSet(s.source, kept, s.source_lang))
    return out


# --------------------------------------------------------------------------- #
# The run
# --------------------------------------------------------------------------- #


@dataclass
class _Pairing:
    set: DriftSet
    lang: str
    path: Path
    source_doc: Document
    doc: Document
    pairs: list  # SectionPair
    keys: list[str]  # source section keys


def _read(path: Path, lang: str) -> Document:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    return Document.from_bytes(data, path.as_posix(), lang)


@functools.lru_cache(maxsize=4096)
def _resolve_in(path: Path, cwd: str) -> Path:
    return path.resolve()


def _resolve(path: Path) -> Path:
    """``path.resolve()``, cached: a run resolves the same few hundred paths many times."""
    return _resolve_in(path if isinstance(path, Path) else Path(path), os.getcwd())


def _display(config: "Config", path: Path) -> str:
    p = _resolve(path)
    for base in (_resolve(Path.cwd()), _resolve(config.root)):
        try:
            return p.relative_to(base).as_posix()
        except ValueError:
            continue
    return p.as_posix()


def _now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _match_ack(spec: str, pairings: list[_Pairing]) -> list[tuple[_Pairing, int]]:
    """Source sections named by ``--ack``: a key, a title, a heading or ``LINE`` / ``FILE:LINE``."""
    spec_s = spec.strip()
    wanted_file, _, wanted_line = spec_s.rpartition(":")
    hits: list[tuple[_Pairing, int]] = []
    for p in pairings:
        for sec, key in zip(p.source_doc.sections, p.keys):
            if sec.is_preamble:
                continue
            by_line = (wanted_line.isdigit() and int(wanted_line) == sec.start_line and (not wanted_file or Path(wanted_file).resolve() == p.set.source.resolve())) or (
                spec_s.isdigit() and int(spec_s) == sec.start_line
            )
            fold = spec_s.casefold()
            if by_line or key == spec_s or fold in (sec.title.casefold(), sec.heading.casefold(), section_title(sec).casefold(), sec.slug):
                hits.append((p, sec.index))
    return hits


def run_drift(
    config: "Config",
    sets: Sequence[DriftSet],
    *,
    lock_path: Path | None = None,
    record: bool = False,
    acks: Sequence[str] = (),
    resources: "Resources | None" = None,
    siblings: bool = True,
    jobs: int | None = None,
    use_git: bool = True,
) -> DriftReport:
    """Judge every section of every translation in ``sets``; ``record`` / ``acks`` update the lock first."""
    if resources is None:
        from transkit.resources import Resources

        resources = Resources(config)
    from transkit.align import align_documents

    files = list(dict.fromkeys([p for s in sets for p in (s.source, *(t for _, t in s.translations))]))
    repo = GitRepo.discover(_resolve(sets[0].source)) if (sets and use_git) else None
    if repo is not None and not all(_inside(repo.root, p) for p in files):
        repo = None
    if lock_path is None:
        # The config's `lock` (.transkit.lock): beside the config file; else at the top of the repository; else here.
        base = config.root if config.path is not None else (repo.root if repo is not None else Path.cwd())
        lock_path = base / config.lock
    lock = Lock.load(Path(lock_path))
    report = DriftReport(lock_path=Path(lock_path))

    with ThreadPoolExecutor(max_workers=1) as background:
        # Blame every file once while the documents are parsed and aligned; the
        # sources ignore the acknowledged (typo) commits.
        ack_commits: frozenset[str] = repo.ack_commits() if repo is not None else frozenset()
        pending = None
        if repo is not None and sets:
            requests = [(s.source, True) for s in sets] + [(t, False) for s in sets for _, t in s.translations]
            pending = background.submit(repo.blame_many, requests, ack_commits, jobs or config.jobs)

        docs: dict[Path, Document] = {}
        pairings: list[_Pairing] = []
        for s in sets:
            src = docs.get(s.source) or _read(s.source, s.source_lang)
            docs[s.source] = src
            keys = section_keys(src)
            for lg, path in s.translations:
                doc = docs.get(path) or _read(path, lg)
                docs[path] = doc
                alignment = align_documents(src, doc, resources=resources)
                pairings.append(_Pairing(s, lg, path, src, doc, list(alignment.pairs), keys))
        if siblings:  # needs no history: done while the blames run
            report.siblings = _siblings(config, pairings, resources)
        blames: dict[Path, Blame] = pending.result() if pending is not None else {}

    if record or acks:
        report.recorded = _update_lock(lock, pairings, record, acks, repo)
        lock.save()

    judge = _Judge(config, repo, blames, ack_commits, lock, pairings)
    judge.prefetch(pairings)
    for p in pairings:
        report.sections.extend(judge.pairing(p))
        locked = lock.get(p.path)
        if repo is None and (locked is None or locked.baseline is not Baseline.LOCK):
            report.notes.append(f"{_display(config, p.path)}: no baseline (not in a git repository, not recorded in {_display(config, Path(lock_path))}): only missing, extra and untranslated sections are reported")
    return report


def _inside(root: Path, path: Path) -> bool:
    try:
        _resolve(path).relative_to(root)
        return True
    except ValueError:
        return False


def _update_lock(lock: Lock, pairings: list[_Pairing], record: bool, acks: Sequence[str], repo: GitRepo | None) -> int:
    now = _now_iso()
    head = repo.head() if repo is not None else None
    count = 0
    if record:
        for p in pairings:
            entries: dict[str, LockEntry] = {}
            for pair in p.pairs:
                if pair.source is None or pair.target is None or not has_content(p.source_doc, pair.source):
                    continue
                key = p.keys[pair.source.index]
                entries[key] = LockEntry(fingerprint(p.source_doc, pair.source), fingerprint(p.doc, pair.target), now, head)
            lock.translations[lock.key_for(p.path)] = LockedTranslation(lock.key_for(p.set.source), p.lang, Baseline.LOCK, entries)
            count += len(entries)
    for spec in acks:
        hits = _match_ack(spec, pairings)
        if not hits:
            titles = sorted({section_title(s) for p in pairings for s in p.source_doc.sections if not s.is_preamble})
            close = difflib.get_close_matches(spec, titles, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise DriftError(f"--ack {spec!r}: no source section has this title, key or line{hint}")
        per_source: dict[Path, set[int]] = {}
        for p, idx in hits:
            per_source.setdefault(p.set.source, set()).add(idx)
        if any(len(v) > 1 for v in per_source.values()):
            keys = ", ".join(sorted({p.keys[idx] for p, idx in hits}))
            raise DriftError(f"--ack {spec!r}: several sections match; name one by key: {keys}")
        for p, idx in hits:
            pair = next((x for x in p.pairs if x.source is not None and x.source.index == idx), None)
            if pair is None or pair.target is None:
                continue  # a missing section has nothing to acknowledge
            tkey = lock.key_for(p.path)
            locked = lock.translations.get(tkey)
            if locked is None:
                locked = lock.translations[tkey] = LockedTranslation(lock.key_for(p.set.source), p.lang, Baseline.GIT, {})
            locked.sections[p.keys[idx]] = LockEntry(fingerprint(p.source_doc, pair.source), fingerprint(p.doc, pair.target), now, head)
            count += 1
    return count


class _Judge:
    """Decides the status of each pair from blame, the lock and the old source text."""

    def __init__(self, config, repo: GitRepo | None, blames: dict[Path, Blame], acks: frozenset[str], lock: Lock, pairings: list[_Pairing]) -> None:
        self.config = config
        self.repo = repo
        self.blames = blames
        self.acks = acks
        self.lock = lock
        self._old_docs: dict[tuple[str, str], tuple[Document, list[str]] | None] = {}
        self._newest: dict[tuple[int, int, bool], Commit | None] = {}
        # Per source file: the newest unacknowledged commit that touched it, and
        # whether the working tree differs from HEAD (git log cannot see that).
        self._last_real: dict[str, Commit | None] = {}
        self._dirty: set[str] = set()
        if repo is not None and pairings:
            sources = sorted({repo.rel(p.set.source) for p in pairings})
            touching = repo.commits_touching(sources)
            for rel in sources:
                self._last_real[rel] = next((c for c in touching.get(rel, []) if c.sha not in acks), None)
            self._dirty = repo.dirty_files(sources)

    def newest(self, p: _Pairing, section: Section, source: bool) -> Commit | None:
        """The newest commit behind a section's lines (source side: acknowledged commits left out)."""
        if self.repo is None:
            return None
        doc = p.source_doc if source else p.doc
        key = (id(doc), section.index, source)
        if key not in self._newest:
            blame = self.blames.get(p.set.source if source else p.path)
            self._newest[key] = _newest(self.repo, blame, doc, section, self.acks if source else frozenset()) if blame else None
        return self._newest[key]

    def source_moved_since(self, src_rel: str, tc: Commit) -> bool:
        """Whether an unacknowledged change reached the source file after ``tc``."""
        if src_rel in self._dirty:
            return True
        last = self._last_real.get(src_rel)
        return last is not None and self.repo.newer(last, tc)

    # -- old source versions ------------------------------------------------------ #

    def prefetch(self, pairings: list[_Pairing]) -> None:
        """Read, in one batch, every old source version the rules below will compare against."""
        if self.repo is None:
            return
        specs = set()
        for p in pairings:
            src_rel = self.repo.rel(p.set.source)
            locked = self.lock.get(p.path)
            for pair in p.pairs:
                if pair.source is None or pair.target is None:
                    continue
                if locked is not None and locked.baseline is Baseline.LOCK:
                    e = locked.sections.get(p.keys[pair.source.index])
                    if e is not None and e.commit:
                        specs.add((e.commit, src_rel))
                    continue
                tc = self.newest(p, pair.target, False)
                if tc is None or not tc.committed:
                    continue
                sc = self.newest(p, pair.source, True)
                if (sc is not None and self.repo.newer(sc, tc)) or self.source_moved_since(src_rel, tc):
                    specs.add((tc.sha, src_rel))
        self.repo.read_blobs(sorted(specs))

    def old_section(self, sha: str, src_rel: str, key: str) -> tuple[Document, Section] | None:
        cache_key = (sha, src_rel)
        if cache_key not in self._old_docs:
            text = self.repo.blob(sha, src_rel) if self.repo else None
            if text is None:
                self._old_docs[cache_key] = None
            else:
                d = Document.from_text(text, src_rel, "en")
                self._old_docs[cache_key] = (d, section_keys(d))
        got = self._old_docs[cache_key]
        if got is None:
            return None
        d, keys = got
        try:
            return d, d.sections[keys.index(key)]
        except ValueError:
            return None

    # -- statuses ---------------------------------------------------------------- #

    def pairing(self, p: _Pairing) -> list[SectionDrift]:
        out = []
        src_disp, tr_disp = _display(self.config, p.set.source), _display(self.config, p.path)
        locked = self.lock.get(p.path)
        git_ok = self.repo is not None and p.set.source in self.blames and p.path in self.blames
        after = 1  # the line after the last translation section seen: where a missing one belongs
        for pair in p.pairs:
            s, t = pair.source, pair.target
            if t is not None:
                after = max(after, t.end_line + 1 if t.end_line >= t.start_line else t.start_line)
            base = dict(lang=p.lang, source_path=src_disp, translation_path=tr_disp, source=s, target=t, confidence=pair.confidence)
            if s is None:
                if has_content(p.doc, t):
                    out.append(SectionDrift(Status.EXTRA, key=None, reason="no source section pairs with it", **base))
                continue
            key = p.keys[s.index]
            if t is None or (s.is_preamble and not has_content(p.doc, t)):
                if has_content(p.source_doc, s):
                    c = self.newest(p, s, True)
                    out.append(SectionDrift(Status.MISSING, key=key, source_changed=c.change() if c else None, reason="the translation has no counterpart", insert_line=min(after, max(1, p.doc.line_count)), **{**base, "target": None}))
                continue
            if not has_content(p.source_doc, s) and not has_content(p.doc, t):
                continue
            sc, tc = self.newest(p, s, True), self.newest(p, t, False)
            changes = dict(source_changed=sc.change() if sc else None, translation_changed=tc.change() if tc else None)
            if is_untranslated(p.source_doc, s, p.doc, t):
                out.append(SectionDrift(Status.UNTRANSLATED, key=key, reason="the translation is still English", baseline=Baseline.NONE, **changes, **base))
                continue
            entry = locked.sections.get(key) if locked else None
            if entry is not None and entry.source == fingerprint(p.source_doc, s):
                how = Baseline.LOCK if locked.baseline is Baseline.LOCK else Baseline.GIT
                why = "in step with the lock" if how is Baseline.LOCK else f"acknowledged on {entry.at}"
                out.append(SectionDrift(Status.OK, key=key, baseline=how, reason=why, **changes, **base))
                continue
            if locked is not None and locked.baseline is Baseline.LOCK:
                status, reason, diff = self._lock_rule(p, s, key, entry, sc)
                out.append(SectionDrift(status, key=key, baseline=Baseline.LOCK, reason=reason, diff=diff, **changes, **base))
            elif git_ok:
                status, reason, diff = self._git_rule(p, s, key, sc, tc)
                out.append(SectionDrift(status, key=key, baseline=Baseline.GIT, reason=reason, diff=diff, **changes, **base))
            else:
                out.append(SectionDrift(Status.OK, key=key, baseline=Baseline.NONE, reason="no baseline to compare against", **changes, **base))
        return out

    def _diff(self, p: _Pairing, s: Section, old: tuple[Document, Section] | None, label: str) -> str:
        new = [p.source_doc.body(ln) for ln in range(s.start_line, s.end_line + 1)]
        old_lines = [old[0].body(ln) for ln in range(old[1].start_line, old[1].end_line + 1)] if old else []
        src = _display(self.config, p.set.source)
        lines = difflib.unified_diff(_trim(old_lines), _trim(new), fromfile=f"{src} ({label})", tofile=f"{src} (now)", lineterm="")
        return "\n".join(lines)

    def _git_rule(self, p: _Pairing, s: Section, key: str, sc: Commit | None, tc: Commit | None):
        repo = self.repo
        if tc is None:  # nothing in the translation section to date
            return Status.OK, "the translation section is blank", ""
        if not tc.committed:
            return Status.OK, "the translation section has uncommitted changes", ""
        src_rel = repo.rel(p.set.source)
        label = f"{tc.short}, {tc.change().iso}"
        if sc is not None and repo.newer(sc, tc):
            old = self.old_section(tc.sha, src_rel, key)
            if old is not None and normalized_lines(*old) == normalized_lines(p.source_doc, s):
                return Status.OK, "only numbering, spacing or blank lines changed", ""
            return Status.OUTDATED, f"the source changed in {sc.short} after the translation's {tc.short}", self._diff(p, s, old, label)
        # Deleted lines leave no trace in blame: compare with the text the translation saw,
        # when an unacknowledged change reached the source file since.
        if not self.source_moved_since(src_rel, tc):
            return Status.OK, "in step (git)", ""
        old = self.old_section(tc.sha, src_rel, key)
        if old is None:
            return Status.OK, "in step (git)", ""
        before, now = normalized_lines(*old), normalized_lines(p.source_doc, s)
        if before != now and _has_deletion(before, now):
            return Status.OUTDATED, f"lines were removed from the source after the translation's {tc.short}", self._diff(p, s, old, label)
        return Status.OK, "in step (git)", ""

    def _lock_rule(self, p: _Pairing, s: Section, key: str, entry: LockEntry | None, sc: Commit | None):
        if entry is None:
            return Status.OUTDATED, "not recorded in the lock: run `transkit drift --record` once the translation is in step", ""
        old = None
        if self.repo is not None and entry.commit:
            old = self.old_section(entry.commit, self.repo.rel(p.set.source), key)
        label = f"recorded {entry.at}"
        if self.repo is not None and p.set.source in self.blames:
            # Changes since the record made only by `Transkit-Ack: typo` commits are accepted.
            if sc is None:
                acked_only = True
            elif not sc.committed:
                acked_only = False
            elif entry.commit:
                acked_only = not self.repo.newer(sc, Commit(entry.commit, entry.epoch, entry.epoch))
            else:
                acked_only = sc.committer_time <= entry.epoch
            if acked_only and old is not None and not _has_deletion(normalized_lines(*old), normalized_lines(p.source_doc, s)):
                return Status.OK, "changed since the lock only by acknowledged commits", ""
        return Status.OUTDATED, "the source section changed since the lock was recorded", self._diff(p, s, old, label)


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _has_deletion(before: Sequence[str], now: Sequence[str]) -> bool:
    sm = difflib.SequenceMatcher(None, list(before), list(now), autojunk=False)
    return any(op == "delete" or (op == "replace" and i2 - i1 > j2 - j1) for op, i1, i2, j1, j2 in sm.get_opcodes())


# --------------------------------------------------------------------------- #
# Sibling drift: zh-Hans against zh-Hant / zh-HK
# --------------------------------------------------------------------------- #

# Spacing and punctuation (full or half width, “” or 「」) are style, not content.
_NOT_CONTENT = re.compile(r"[\W_]+")
# Where a sentence ends: Chinese and Western sentence punctuation (a period only after a letter).
_SENTENCE_END = re.compile(r"[。！？!?；;…]+|(?<=[A-Za-z)])\.(?=\s|$)")


def sentences(doc: Document, section: Section) -> list[tuple[str, str]]:
    """The section's sentences as ``(text, content)``: code lines and protected spans left out.

    ``content`` keeps letters, digits and Han only; pieces with fewer than
    :data:`SIBLING_MIN_SENTENCE` content characters (list labels, names) are left out.
    """
    out = []
    for ln in range(section.start_line, section.end_line + 1):
        if doc.is_code_line(ln):
            continue
        for piece in _SENTENCE_END.split(doc.masked(ln, " ")):
            content = _NOT_CONTENT.sub("", piece)
            if len(content) >= SIBLING_MIN_SENTENCE:
                out.append((" ".join(piece.split()).strip("#>*-+|: "), content))
    return out


@dataclass(frozen=True)
class SiblingComparison:
    """Sentences of either side with no counterpart in the other, and their share of the text."""

    difference: float
    hans_only: tuple[str, ...]
    hant_only: tuple[str, ...]

    @property
    def diverged(self) -> bool:
        return bool(self.hans_only or self.hant_only)


def compare_siblings(hans: Sequence[str], hant: Sequence[str], hans_as_hant: Sequence[str], hant_as_hans: Sequence[str], texts: tuple[Sequence[str], Sequence[str]] | None = None) -> SiblingComparison:
    """Compare the sentences (content form) of a zh-Hans section and its Traditional sibling.

    ``hans_as_hant`` / ``hant_as_hans`` are the same sentences converted to the
    other script. A sentence has a counterpart when it appears, nearly, somewhere
    in the other section, in either script (``rapidfuzz.fuzz.partial_ratio`` of at
    least :data:`SIBLING_MATCH`): a Taiwan reviewer's rewording keeps it, a
    sentence one side never got does not.
    """
    from rapidfuzz import fuzz

    shown_a, shown_b = texts if texts is not None else (hans, hant)
    whole_b, whole_b_back = "".join(hant), "".join(hant_as_hans)
    whole_a, whole_a_conv = "".join(hans), "".join(hans_as_hant)

    def found(raw: str, conv: str, other: str, other_back: str) -> bool:
        if conv in other or raw in other_back:  # the common case, and cheap
            return True
        return bool(fuzz.partial_ratio(conv, other, score_cutoff=SIBLING_MATCH) or fuzz.partial_ratio(raw, other_back, score_cutoff=SIBLING_MATCH))

    def orphans(raw, conv, other, other_back):
        return [k for k in range(len(raw)) if not found(raw[k], conv[k], other, other_back)]

    only_a = orphans(hans, hans_as_hant, whole_b, whole_b_back) if whole_b else list(range(len(hans)))
    only_b = orphans(hant, hant_as_hans, whole_a, whole_a_conv) if whole_a else list(range(len(hant)))
    total = len(whole_a) + len(whole_b)
    lost = sum(len(hans[k]) for k in only_a) + sum(len(hant[k]) for k in only_b)
    return SiblingComparison(lost / total if total else 0.0, tuple(shown_a[k] for k in only_a), tuple(shown_b[k] for k in only_b))


def _batch_converter(resources, config, source_lang: str, target_lang: str):
    """A function converting a list of one-line texts at once (glossary-locked when transkit.convert is there)."""
    try:
        conv = resources.converter(source_lang, target_lang)
        pieces = getattr(conv, "convert_pieces", None)
        if pieces is not None:
            return lambda texts: list(pieces(list(texts))) if texts else []
        one = getattr(conv, "convert_text", None)
        if one is not None:
            return lambda texts: [one(t) for t in texts]
    except (ImportError, AttributeError, ValueError):
        pass
    import opencc

    name = config.opencc_for(target_lang)
    cc = opencc.OpenCC(name if name.endswith(".json") else name + ".json")

    def convert(texts: list[str]) -> list[str]:
        out = cc.convert("\n".join(texts)).split("\n") if texts else []
        return out if len(out) == len(texts) else [cc.convert(t) for t in texts]

    return convert


def _sibling_pairs(hans: _Pairing, hant: _Pairing) -> list[tuple[Section | None, Section | None]]:
    """zh-Hans and Traditional sections paired through the English section both translate.

    Both translations are already aligned with the same source, so that
    alignment pairs them for free; sections neither pairs with the English
    (translator notes) are left for :func:`_pair_leftovers`.
    """
    a_of = {p.source.index: p.target for p in hans.pairs if p.source is not None and p.target is not None}
    b_of = {p.source.index: p.target for p in hant.pairs if p.source is not None and p.target is not None}
    out: list[tuple[Section | None, Section | None]] = []
    for sec in hans.source_doc.sections:
        a, b = a_of.get(sec.index), b_of.get(sec.index)
        if a is not None or b is not None:
            out.append((a, b))
    return out


def _siblings(config, pairings: list[_Pairing], resources) -> list[SiblingDrift]:
    by_set: dict[int, dict[str, _Pairing]] = {}
    for p in pairings:
        by_set.setdefault(id(p.set), {})[p.lang] = p
    out: list[SiblingDrift] = []
    for members in by_set.values():
        hans = members.get("zh-Hans")
        if hans is None:
            continue
        for lg in ("zh-Hant", "zh-HK"):
            hant = members.get(lg)
            if hant is None:
                continue
            out.extend(_sibling_set(config, resources, hans, hant, lg))
    return out


def _sibling_set(config, resources, hans: _Pairing, hant: _Pairing, lg: str) -> list[SiblingDrift]:
    hp, tp = _display(config, hans.path), _display(config, hant.path)
    sa = {x.index: sentences(hans.doc, x) for x in hans.doc.sections}
    sb = {x.index: sentences(hant.doc, x) for x in hant.doc.sections}
    # Two conversions per document pair, not two per section.
    ka = [(i, k) for i, ss in sa.items() for k in range(len(ss))]
    kb = [(i, k) for i, ss in sb.items() for k in range(len(ss))]
    conv_a = _batch_converter(resources, config, "zh-Hans", lg)([sa[i][k][1] for i, k in ka])
    conv_b = _batch_converter(resources, config, lg, "zh-Hans")([sb[i][k][1] for i, k in kb])
    ca: dict[int, list[str]] = {i: [] for i in sa}
    cb: dict[int, list[str]] = {i: [] for i in sb}
    for (i, _), c in zip(ka, conv_a):
        ca[i].append(c)
    for (i, _), c in zip(kb, conv_b):
        cb[i].append(c)

    def compare(a: Section, b: Section) -> SiblingComparison:
        raw_a, raw_b = sa[a.index], sb[b.index]
        return compare_siblings([c for _, c in raw_a], [c for _, c in raw_b], ca[a.index], cb[b.index], ([t for t, _ in raw_a], [t for t, _ in raw_b]))

    pairs = _sibling_pairs(hans, hant)
    used_a = {a.index for a, _ in pairs if a is not None}
    used_b = {b.index for _, b in pairs if b is not None}
    left_a = [x for x in hans.doc.sections if x.index not in used_a and has_content(hans.doc, x)]
    left_b = [x for x in hant.doc.sections if x.index not in used_b and has_content(hant.doc, x)]
    # Sections with no English counterpart on either side: pair the closest, when close
    # (a cheap whole-text distance; the sentence comparison runs on the chosen pairs only).
    if left_a and left_b:
        from rapidfuzz.distance import Indel

        whole_a = {a.index: "".join(ca[a.index]) for a in left_a}
        whole_b = {b.index: "".join(c for _, c in sb[b.index]) for b in left_b}
        scored = sorted(((Indel.normalized_distance(whole_a[a.index], whole_b[b.index], score_cutoff=0.5), a.index, b.index, a, b) for a in left_a for b in left_b), key=lambda x: x[:3])
        taken_a: set[int] = set()
        taken_b: set[int] = set()
        for d, _, _, a, b in scored:
            if d <= 0.5 and a.index not in taken_a and b.index not in taken_b:
                taken_a.add(a.index)
                taken_b.add(b.index)
                pairs.append((a, b))
        left_a = [a for a in left_a if a.index not in taken_a]
        left_b = [b for b in left_b if b.index not in taken_b]
    pairs += [(a, None) for a in left_a] + [(None, b) for b in left_b]
    pairs.sort(key=lambda ab: (ab[0].start_line if ab[0] is not None else 10**9, ab[1].start_line if ab[1] is not None else 0))
    out = []
    for a, b in pairs:
        if a is None or b is None:
            st = Status.MISSING if b is None else Status.EXTRA
            out.append(SiblingDrift(st, hp, tp, lg, a, b, None, "no counterpart in the sibling"))
            continue
        if not sa[a.index] and not sb[b.index]:
            continue
        cmp = compare(a, b)
        if cmp.diverged:
            n = len(cmp.hans_only) + len(cmp.hant_only)
            why = f"{n} sentence{'s' if n != 1 else ''} without a counterpart ({cmp.difference:.0%} of the text)"
            out.append(SiblingDrift(Status.DIVERGED, hp, tp, lg, a, b, cmp.difference, why, cmp.hans_only, cmp.hant_only))
        else:
            out.append(SiblingDrift(Status.OK, hp, tp, lg, a, b, cmp.difference, "every sentence has a counterpart"))
    return out
