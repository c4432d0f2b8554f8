"""The lint and check workflows: read files, run the selected checks, apply suppressions.

``lint_paths`` lints files and directories as given; ``check_project`` runs
everything the configuration describes (document sets, pair checks against
each source, project checks, catalogs). Both return a :class:`LintResult`;
printing is the reporters' job and exit codes are the command line's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from transkit import lang as langs
from transkit.checks import Check, Scope, select
from transkit.checks.base import FileContext, PairContext, ProjectContext
from transkit.config import Config
from transkit.diagnostics import Diagnostic, Severity, Summary
from transkit.document import Document, split_lines
from transkit.errors import InputError
from transkit.project import CATALOG_SUFFIXES, discover, walk
from transkit.resources import Resources

BINARY_SNIFF = 8192
NUL = b"\x00"


@dataclass
class LintResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)

    def worst(self) -> Severity | None:
        return max((d.severity for d in self.diagnostics), default=None)

    def fails(self, fail_on: Severity) -> bool:
        return any(d.severity >= fail_on for d in self.diagnostics)


@dataclass
class FileOutcome:
    """What linting one file produced: plain data, so it crosses processes and fits the cache."""

    path: str
    lang: str | None
    diagnostics: list[Diagnostic]
    sections: int = 0
    skipped: bool = False
    collected: dict[str, object] = field(default_factory=dict)
    catalog: bool = False

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "lang": self.lang,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "sections": self.sections,
            "skipped": self.skipped,
            "collected": self.collected,
            "catalog": self.catalog,
        }

    @classmethod
    def from_dict(cls, d: dict) -> "FileOutcome":
        return cls(d["path"], d["lang"], [Diagnostic.from_dict(x) for x in d["diagnostics"]], d["sections"], d["skipped"], d.get("collected") or {}, d.get("catalog", False))


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #


def _tool_diag(code: str, name: str, severity: Severity, path: str, line: int, column: int, message: str, lang=None, **kw) -> Diagnostic:
    return Diagnostic(code=code, name=name, severity=severity, path=path, line=line, column=column, message=message, lang=lang, **kw)


def decode(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Decode UTF-8 losslessly, reporting every invalid sequence (TK001) or a binary file (TK002)."""
    head = data[:BINARY_SNIFF]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [_tool_diag("TK002", "binary-file", Severity.ERROR, path, 1, 1, "UTF-16 file skipped: transkit reads UTF-8 (convert it with `iconv -f UTF-16 -t UTF-8`)")]
    if NUL in head:
        return None, [_tool_diag("TK002", "binary-file", Severity.WARNING, path, 1, 1, f"binary file skipped (NUL byte at offset {head.index(NUL)})")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="surrogateescape")
    diags: list[Diagnostic] = []
    offset = 0
    line = 1
    for body in split_lines(text):
        if any("\udc80" <= ch <= "\udcff" for ch in body):
            i = 0
            while i < len(body):
                ch = body[i]
                if "\udc80" <= ch <= "\udcff":
                    j = i
                    while j < len(body) and "\udc80" <= body[j] <= "\udcff":
                        j += 1
                    byte_off = offset + len(body[:i].encode("utf-8", "surrogateescape"))
                    bad = "".join(f"{ord(c) - 0xDC00:02X}" for c in body[i:j])
                    if len(diags) < 50:
                        diags.append(
                            _tool_diag(
                                "TK001",
                                "invalid-utf8",
                                Severity.ERROR,
                                path,
                                line,
                                i + 1,
                                f"invalid UTF-8 byte sequence {bad[:24]} at byte offset {byte_off}",
                                end_column=j + 1,
                            )
                        )
                    i = j
                    continue
                i += 1
        offset += len(body.encode("utf-8", "surrogateescape"))
        line += 1
    return text, diags


def resolve_lang(path: Path, text: str, override: str | None) -> tuple[str, bool]:
    """The language of a file and whether it was guessed from content."""
    if override:
        return langs.normalize(override), False
    from_path = langs.from_path(path.as_posix())
    if from_path:
        return from_path, False
    return langs.guess(text).lang, True


# --------------------------------------------------------------------------- #
# Running checks
# --------------------------------------------------------------------------- #


def _internal_error(check: type[Check], path: str, exc: BaseException, lang: str | None) -> Diagnostic:
    return _tool_diag(
        "TK000",
        "internal-error",
        Severity.ERROR,
        path,
        1,
        1,
        f"check {check.code} ({check.name}) failed on this file: {type(exc).__name__}: {exc}",
        lang=lang,
    )


def _run(check: type[Check], config: Config, call: Callable[[Check], Iterable[Diagnostic]], path: str, lang) -> list[Diagnostic]:
    try:
        inst = check(config.options_for(check.name, check.code))
        return list(call(inst) or ())
    except Exception as exc:  # a broken check must not stop the run
        if os.environ.get("TRANSKIT_DEBUG"):
            raise
        return [_internal_error(check, path, exc, lang)]


def _applicable(checks: list[type[Check]], scope: Scope, lang: str | None, ignored: tuple[str, ...]) -> list[type[Check]]:
    from transkit.checks import matches

    return [c for c in checks if c.scope is scope and c.applies_to(lang) and not any(matches(c, s) for s in ignored)]


def lint_document(
    doc: Document,
    lang: str,
    config: Config,
    resources: Resources,
    checks: list[type[Check]],
    *,
    guessed: bool = False,
    source: tuple[Document, str] | None = None,
    extra: list[Diagnostic] | None = None,
) -> list[Diagnostic]:
    """File-scope (and, with ``source``, pair-scope) checks on one parsed document, suppressions applied."""
    path = doc.path
    ignored = config.ignored_for(path)
    ctx = FileContext(path=path, lang=lang, config=config, resources=resources, lang_guessed=guessed)
    diags: list[Diagnostic] = list(extra or ())
    ran: list[type[Check]] = []
    for check in _applicable(checks, Scope.FILE, lang, ignored):
        ran.append(check)
        diags.extend(_run(check, config, lambda inst: inst.check_file(doc, ctx), path, lang))
    if source is not None:
        src_doc, src_lang = source
        pair = PairContext(source=src_doc, target=doc, source_lang=src_lang, target_lang=lang, config=config, resources=resources)
        for check in _applicable(checks, Scope.PAIR, lang, ignored):
            ran.append(check)
            diags.extend(_run(check, config, lambda inst: inst.check_pair(pair), path, lang))
    return apply_suppressions(doc, diags, checks, ran, lang, ignored)


def apply_suppressions(doc: Document, diags: list[Diagnostic], checks, ran, lang, ignored=()) -> list[Diagnostic]:
    from transkit import suppress
    from transkit.checks import matches

    sup = suppress.parse(doc)
    if not sup.directives and not sup.malformed:
        return diags
    kept = [d for d in diags if d.code in ("TK000", "TK001") or not sup.covers(d.code, d.name, d.line)]
    picked = {c.code for c in checks if not any(matches(c, s) for s in ignored)}
    if "TK003" in picked:
        for line, col, msg in sup.malformed:
            kept.append(_tool_diag("TK003", "malformed-suppression", Severity.WARNING, doc.path, line, col, msg, lang=lang))
    if "TK004" in picked:
        for d in suppress.unused(sup, ran):
            what = ", ".join(d.selectors) or "every check"
            kept.append(
                _tool_diag("TK004", "unused-suppression", Severity.WARNING, doc.path, d.line, d.column, f"{d.kind} for {what} suppresses nothing", lang=lang)
            )
    return kept


def lint_file(
    path: Path,
    config: Config,
    resources: Resources,
    checks: list[type[Check]],
    *,
    lang: str | None = None,
    known_lang: str | None = None,
    source: tuple[Document, str] | None = None,
    data: bytes | None = None,
) -> FileOutcome:
    """Lint one file: decode, pick the language, parse, run file (and pair) checks, collect project data."""
    shown = display_path(path)
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return FileOutcome(shown, None, [_tool_diag("TK005", "unreadable-file", Severity.ERROR, shown, 1, 1, f"cannot read file: {exc.strerror}")], skipped=True)
    text, diags = decode(data, shown)
    if text is None:
        return FileOutcome(shown, None, diags, skipped=True)
    if path.suffix.lower() in CATALOG_SUFFIXES:
        from transkit.catalog import lint_po

        return FileOutcome(shown, None, diags + list(lint_po(shown, text, config, resources, checks)), catalog=True)
    lg, guessed = resolve_lang(path, text, lang or known_lang)
    if guessed:
        diags.append(
            _tool_diag(
                "TK006",
                "language-guessed",
                Severity.INFO,
                shown,
                1,
                1,
                f"language guessed from content as {lg}; name it with --lang, a path segment (zh-Hant/) or a suffix (.zh-TW.md)",
                lang=lg,
            )
        )
    doc = Document.from_text(text, path=shown, lang=lg)
    out = lint_document(doc, lg, config, resources, checks, guessed=guessed, source=source, extra=diags)
    collected: dict[str, object] = {}
    project_checks = _applicable(checks, Scope.PROJECT, lg, config.ignored_for(shown))
    if project_checks:
        ctx = FileContext(path=shown, lang=lg, config=config, resources=resources, lang_guessed=guessed)
        for check in project_checks:
            try:
                value = check(config.options_for(check.name, check.code)).collect(doc, ctx)
            except Exception as exc:
                if os.environ.get("TRANSKIT_DEBUG"):
                    raise
                out.append(_internal_error(check, shown, exc, lg))
                continue
            if value is not None:
                collected[check.code] = value
    sections = sum(1 for s in doc.sections if not s.is_preamble)
    return FileOutcome(shown, lg, out, sections=sections, collected=collected)


def display_path(path: Path) -> str:
    """Paths as the user typed them when relative, else relative to the working directory when possible."""
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def _checks(config: Config, select_: list[str] | None, ignore_: list[str] | None) -> list[type[Check]]:
    selectors = list(select_) if select_ else list(config.select)
    ignores = list(config.ignore) + list(ignore_ or [])
    return select(selectors, ignores)


def _require(paths: list[Path]) -> None:
    for p in paths:
        if not p.exists():
            raise InputError(f"{p}: no such file or directory")


# --------------------------------------------------------------------------- #
# Running many files: cache, process pool, progress
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class Job:
    """One file to lint; ``source`` is the path of its source document for pair checks."""

    path: Path
    lang: str | None = None
    known_lang: str | None = None
    source: Path | None = None
    source_lang: str | None = None


class _Worker:
    """Per-process state: config, checks, resources, parsed source documents."""

    def __init__(self, config: Config, codes: list[str]) -> None:
        from transkit.checks import load_all

        registry = load_all()
        self.config = config
        self.checks = [registry[c] for c in codes if c in registry]
        self.resources = Resources(config)
        self.sources: dict[tuple[Path, str], tuple[Document, str] | None] = {}

    def source(self, path: Path | None, lang: str | None):
        if path is None:
            return None
        key = (path, lang or self.config.source)
        if key not in self.sources:
            data = path.read_bytes()
            text, _ = decode(data, display_path(path))
            if text is None:
                self.sources[key] = None
            else:
                s_lang, _ = resolve_lang(path, text, lang or self.config.source)
                self.sources[key] = (Document.from_text(text, path=display_path(path), lang=s_lang), s_lang)
        return self.sources[key]

    def run(self, job: Job, data: bytes | None = None) -> FileOutcome:
        return lint_file(
            job.path,
            self.config,
            self.resources,
            self.checks,
            lang=job.lang,
            known_lang=job.known_lang,
            source=self.source(job.source, job.source_lang),
            data=data,
        )


_STATE: _Worker | None = None


def _init_worker(config: Config, codes: list[str]) -> None:
    global _STATE
    _STATE = _Worker(config, codes)


def _work(job: Job) -> dict:
    assert _STATE is not None
    return _STATE.run(job).to_dict()


def glossary_fingerprint(config: Config) -> str:
    """Digest of the glossary files' bytes (no parsing): part of every cache key."""
    from transkit.cache import digest

    paths: list[Path] = []
    if config.shipped_glossaries:
        from transkit.glossary import shipped_files

        paths.extend(shipped_files())
    paths.extend(config.glossary_paths())
    parts: list[bytes | str] = []
    for p in paths:
        try:
            parts.extend([str(p), p.read_bytes()])
        except OSError:
            parts.extend([str(p), b"<missing>"])
    return digest(*parts)


class Progress:
    """A one-line progress bar on stderr, only for a terminal and never in CI."""

    def __init__(self, total: int, enabled: bool | None = None) -> None:
        import sys

        self.total = total
        self.done = 0
        self.stream = sys.stderr
        if enabled is None:
            enabled = total >= 20 and self.stream.isatty() and not os.environ.get("CI") and not os.environ.get("TRANSKIT_NO_PROGRESS")
        self.enabled = enabled

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.enabled and (self.done == self.total or self.done % max(1, self.total // 50) == 0):
            width = 30
            filled = width * self.done // max(1, self.total)
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} files")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


@dataclass
class Runner:
    """Lints jobs with the cache and, for big trees, a process pool; results come back in job order."""

    config: Config
    checks: list[type[Check]]
    use_cache: bool = True
    jobs: int = 0
    progress: bool | None = None
    stats: dict[str, int] = field(default_factory=dict)
    cache: object = None  # the Cache used by the last run, if any
    keys: list = field(default_factory=list)  # its per-file keys, in job order

    def run(self, jobs: list[Job]) -> list[FileOutcome]:
        from transkit import cache as cache_mod

        codes = [c.code for c in self.checks]
        results: list[FileOutcome | None] = [None] * len(jobs)
        cache = cache_mod.Cache() if cache_mod.enabled(self.use_cache and self.config.cache) else None
        keys: list[str | None] = [None] * len(jobs)
        pending: list[int] = []
        payload: dict[int, bytes] = {}
        progress = Progress(len(jobs), self.progress)
        if cache is not None:
            base = cache_mod.run_key(self.config.fingerprint(), glossary_fingerprint(self.config), codes)
            src_digest: dict[Path, str] = {}
            for i, job in enumerate(jobs):
                try:
                    data = job.path.read_bytes()
                except OSError:
                    pending.append(i)
                    continue
                src = ""
                if job.source is not None:
                    if job.source not in src_digest:
                        try:
                            src_digest[job.source] = cache_mod.digest(str(job.source), job.source.read_bytes())
                        except OSError:
                            src_digest[job.source] = "missing"
                    src = src_digest[job.source] + (job.source_lang or "")
                key = cache_mod.digest(base, display_path(job.path), job.lang or "", job.known_lang or "", src, data)
                keys[i] = key
                hit = cache.get(key)
                if hit is not None:
                    results[i] = FileOutcome.from_dict(hit)
                    # What project checks collected is stored apart and read only if they must run again.
                    results[i].collected = None
                    progress.step()
                else:
                    pending.append(i)
                    payload[i] = data
        else:
            pending = list(range(len(jobs)))
        workers = self._workers(jobs, pending)
        if workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
            # Big files first so that one large file does not finish last on its own.
            order = sorted(pending, key=lambda i: -_size(jobs[i].path))
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(self.config, codes)) as pool:
                for i, out in zip(order, pool.map(_work, [jobs[i] for i in order], chunksize=1)):
                    results[i] = FileOutcome.from_dict(out)
                    progress.step()
        else:
            worker = _Worker(self.config, codes)
            for i in pending:
                results[i] = worker.run(jobs[i], payload.get(i))
                progress.step()
        progress.close()
        if cache is not None:
            for i in pending:
                if keys[i] is not None:
                    entry = results[i].to_dict()
                    collected = entry.pop("collected")
                    entry["collected"] = {}
                    cache.put(keys[i], entry)
                    cache.put(keys[i] + "c", collected)
            self.stats = {"hits": cache.hits, "misses": len(pending)}
            self.cache = cache
            self.keys = keys
        return [r for r in results if r is not None]

    def _workers(self, jobs: list[Job], pending: list[int]) -> int:
        wanted = self.jobs or self.config.jobs or (os.cpu_count() or 1)
        if wanted <= 1 or len(pending) < 4:
            return 1
        total = sum(_size(jobs[i].path) for i in pending)
        if total < int(os.environ.get("TRANSKIT_POOL_MIN_BYTES", 512 * 1024)):  # a pool costs more than it saves on small trees
            return 1
        return min(wanted, len(pending))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _project_checks(runner: "Runner", outcomes: list[FileOutcome], sets: list[dict[str, str]], config: Config, checks) -> list[Diagnostic]:
    """Run the project-scope checks on what each file collected; cached as a whole when no file changed."""
    project_checks = [c for c in checks if c.scope is Scope.PROJECT]
    if not project_checks:
        return []
    cache, keys = runner.cache, runner.keys
    whole = None
    if cache is not None and keys and all(keys):
        from transkit.cache import digest

        whole = digest("project", *keys, repr(sets))
        hit = cache.get(whole)
        if hit is not None:
            return [Diagnostic.from_dict(d) for d in hit["diagnostics"]]
    for i, o in enumerate(outcomes):
        if o.collected is None:  # served from the cache: read what it collected
            o.collected = (cache.get(keys[i] + "c") if cache is not None and i < len(keys) and keys[i] else None) or {}
    collected: dict[str, list[tuple[str, str, object]]] = {}
    for o in sorted(outcomes, key=lambda o: o.path):
        for code, value in o.collected.items():
            collected.setdefault(code, []).append((o.path, o.lang or "", value))
    project = ProjectContext(config=config, resources=Resources(config), collected=collected, sets=sets)
    out: list[Diagnostic] = []
    for check in project_checks:
        out.extend(_run(check, config, lambda inst: inst.check_project(project), ".", None))
    if whole is not None:
        cache.put(whole, {"diagnostics": [d.to_dict() for d in out]})
    return out


def _finish(outcomes: list[FileOutcome], extra: list[Diagnostic]) -> LintResult:
    diags = [d for o in outcomes for d in o.diagnostics] + extra
    diags.sort(key=lambda d: d.sort_key)
    summary = Summary(
        documents=sum(1 for o in outcomes if not o.skipped and not o.catalog),
        catalogs=sum(1 for o in outcomes if o.catalog),
        languages=tuple(sorted({o.lang for o in outcomes if o.lang})),
        sections=sum(o.sections for o in outcomes),
        skipped=sum(1 for o in outcomes if o.skipped),
    )
    return LintResult(diags, summary)


def lint_paths(
    paths: list[Path],
    config: Config,
    *,
    lang: str | None = None,
    source: Path | None = None,
    source_lang: str | None = None,
    select_: list[str] | None = None,
    ignore_: list[str] | None = None,
    use_cache: bool = True,
    jobs: int = 0,
    progress: bool | None = None,
) -> LintResult:
    """Lint files and directories as given (``transkit lint``)."""
    _require(paths + ([source] if source else []))
    if source is not None:
        if not source.is_file():
            raise InputError(f"{source}: the source must be a file")
        if decode(source.read_bytes(), str(source))[0] is None:
            raise InputError(f"{source}: the source is not a text file")
    checks = _checks(config, select_, ignore_)
    src_lang = langs.normalize(source_lang) if source_lang else None
    work = [Job(p, lang=lang, source=source, source_lang=src_lang) for p in walk(paths)]
    runner = Runner(config, checks, use_cache=use_cache, jobs=jobs, progress=progress)
    outcomes = runner.run(work)
    extra = _project_checks(runner, outcomes, [], config, checks) if len(outcomes) > 1 else []
    return _finish(outcomes, extra)


def check_project(
    paths: list[Path],
    config: Config,
    *,
    select_: list[str] | None = None,
    ignore_: list[str] | None = None,
    use_cache: bool = True,
    jobs: int = 0,
    progress: bool | None = None,
) -> LintResult:
    """Everything the configuration describes, under ``paths`` (``transkit check``)."""
    _require(paths)
    checks = _checks(config, select_, ignore_)
    sets = discover(config, paths)
    work: list[Job] = []
    set_paths: list[dict[str, str]] = []
    in_sets: set[Path] = set()
    for ds in sets:
        src_path = ds.source(config)
        if src_path is not None:
            work.append(Job(src_path, known_lang=config.source))
        for lg, path in ds.translations(config):
            work.append(Job(path, known_lang=lg, source=src_path, source_lang=config.source if src_path else None))
        set_paths.append({lg: display_path(p) for lg, p in ds.files.items()})
        in_sets.update(p.resolve() for p in ds.files.values())
    # Catalogs under the paths, and every other file when no document set matched.
    for p in walk(paths):
        if p.resolve() in in_sets:
            continue
        if p.suffix.lower() in CATALOG_SUFFIXES or not sets:
            work.append(Job(p))
    runner = Runner(config, checks, use_cache=use_cache, jobs=jobs, progress=progress)
    outcomes = runner.run(work)
    extra = _project_checks(runner, outcomes, set_paths, config, checks)
    return _finish(outcomes, extra)
