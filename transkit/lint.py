"""The lint and check workflows: read files, run the selected checks, apply suppressions.

``lint_paths`` lints files and directories as given; ``check_project`` runs
everything the configuration describes (document sets, pair checks against
each source, project checks, catalogs). Both return a :class:`LintResult`;
printing is the reporters' job and exit codes are the command line's.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from transkit import lang as langs
from transkit.checks import Check, Scope
from transkit.checks.base import FileContext, PairContext, ProjectContext
from transkit.config import Config
from transkit.diagnostics import Diagnostic, Fix, Location, Severity, Summary
from transkit.errors import InputError, TranskitError
from transkit.project import CATALOG_SUFFIXES, discover, walk
from transkit.resources import Resources
from transkit.values import frozen

if TYPE_CHECKING:  # the parser loads when a file is parsed: a run served from the cache never does
    from transkit.document import Document

BINARY_SNIFF = 8192
NUL = b"\x00"


class LintResult:
    """Every diagnostic of a run, sorted, and the counts reporters print under them."""

    def __init__(self, diagnostics: list[Diagnostic] | None = None, summary: Summary | None = None, sources: dict[str, bytes] | None = None) -> None:
        self.diagnostics: list[Diagnostic] = [] if diagnostics is None else diagnostics
        self.summary = Summary() if summary is None else summary
        # The bytes of the files as the run read them, by reported path (when it read them
        # itself: with the cache on), so that excerpts need not read them again.
        self.sources: dict[str, bytes] = {} if sources is None else sources

    def __repr__(self) -> str:
        return f"LintResult({len(self.diagnostics)} diagnostics, {self.summary!r})"

    def worst(self) -> Severity | None:
        return max((d.severity for d in self.diagnostics), default=None)

    def fails(self, fail_on: Severity) -> bool:
        return any(d.severity >= fail_on for d in self.diagnostics)


class FileOutcome:
    """What linting one file produced: plain data, so it crosses processes and fits the cache."""

    def __init__(
        self,
        path: str,
        lang: str | None,
        diagnostics: list[Diagnostic],
        sections: int = 0,
        skipped: bool = False,
        collected: dict[str, object] | None = None,
        catalog: bool = False,
    ) -> None:
        self.path = path
        self.lang = lang
        self.diagnostics = diagnostics
        self.sections = sections
        self.skipped = skipped
        self.collected = {} if collected is None else collected
        self.catalog = catalog

    def __repr__(self) -> str:
        return f"FileOutcome(path={self.path!r}, lang={self.lang!r}, {len(self.diagnostics)} diagnostics)"

    def record(self) -> tuple:
        """The outcome as core types only, for the cache (``collected`` is stored apart)."""
        return (self.path, self.lang, tuple(map(diagnostic_record, self.diagnostics)), self.sections, self.skipped, self.catalog)

    @classmethod
    def from_record(cls, r: tuple) -> "FileOutcome":
        """The outcome of :meth:`record`; ``collected`` is ``None``: not read yet."""
        out = cls(r[0], r[1], [from_diagnostic_record(d) for d in r[2]], r[3], r[4], None, r[5])
        out.collected = None
        return out


def diagnostic_record(d: Diagnostic) -> tuple:
    """A diagnostic as a tuple of core types (marshal stores no named tuples or enums)."""
    related = tuple(d.related) if d.related is not None else None
    fix = tuple(d.fix) if d.fix is not None else None
    return (d.code, d.name, int(d.severity), d.path, d.line, d.column, d.message, d.end_line, d.end_column, d.lang, related, fix, d.data)


_SEVERITIES = {int(s): s for s in Severity}


def from_diagnostic_record(r: tuple) -> Diagnostic:
    code, name, severity, path, line, column, message, end_line, end_column, lang, related, fix, data = r
    if related is None and fix is None:  # most findings: one C-level tuple build
        return Diagnostic._make((code, name, _SEVERITIES[severity], *r[3:]))
    return Diagnostic(
        code,
        name,
        Severity(severity),
        path,
        line,
        column,
        message,
        end_line,
        end_column,
        lang,
        Location(*related) if related is not None else None,
        Fix(*fix) if fix is not None else None,
        data,
    )


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
    from transkit.document import split_lines

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
    except TranskitError:
        raise  # the configuration or a glossary is broken: the user's to fix, for every file
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
    from transkit.document import Document

    doc = Document.from_text(text, path=shown, lang=lg)
    out = lint_document(doc, lg, config, resources, checks, guessed=guessed, source=source, extra=diags)
    collected: dict[str, object] = {}
    project_checks = _applicable(checks, Scope.PROJECT, lg, config.ignored_for(shown))
    if project_checks:
        ctx = FileContext(path=shown, lang=lg, config=config, resources=resources, lang_guessed=guessed)
        for check in project_checks:
            try:
                value = check(config.options_for(check.name, check.code)).collect(doc, ctx)
            except TranskitError:
                raise
            except Exception as exc:
                if os.environ.get("TRANSKIT_DEBUG"):
                    raise
                out.append(_internal_error(check, shown, exc, lg))
                continue
            if value is not None:
                collected[check.code] = value
    sections = sum(1 for s in doc.sections if not s.is_preamble)
    return FileOutcome(shown, lg, out, sections=sections, collected=collected)


def display_path(path: Path, cwd: Path | None = None) -> str:
    """Paths as the user typed them when relative, else relative to the working directory (``cwd``) when possible."""
    if not path.is_absolute():
        return path.as_posix()
    cwd = cwd or Path.cwd()
    if os.name == "posix":  # relative_to by string: paths are normalized, compare part by part
        text, prefix = str(path), str(cwd).rstrip("/") + "/"
        if text == str(cwd):
            return "."
        return text[len(prefix) :] if text.startswith(prefix) else text
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def _checks(config: Config, select_: list[str] | None, ignore_: list[str] | None, can_apply=None) -> list:
    """The selected checks as manifest entries (code, name, scope, languages): nothing imported yet.

    Workers load the classes of these codes; a run served from the cache never does.
    """
    from transkit.checks import select_entries

    selectors = list(select_) if select_ else list(config.select)
    ignores = list(config.ignore) + list(ignore_ or [])
    return select_entries(selectors, ignores, can_apply=can_apply)


def _can_apply(work: list[Job], *, pair: bool):
    """Which checks can find something in the files of a ``lint`` run, judged from the manifest alone.

    Importing a check family costs start-up time, and a pre-commit hook runs
    ``transkit lint`` on one or two files: pair checks need a source, project
    checks run on two files or more (and the cache key names the checks, so a
    one-file run stores nothing a bigger run could use), and a check for other
    languages finds nothing. What is left out is exactly what would not have
    run on these files, so findings and unused-suppression reports stay the
    same. Catalogs run every kind of check on their entries, so a run with one
    keeps them all. ``None`` keeps every check.
    """
    if any(job.path.suffix.lower() in CATALOG_SUFFIXES for job in work):
        return None
    scopes = {Scope.FILE}
    if pair:
        scopes.add(Scope.PAIR)
    if len(work) > 1:
        scopes.add(Scope.PROJECT)
    wanted: set[str] | None = set()
    for job in work:
        try:
            lg = langs.normalize(job.lang) if job.lang else langs.from_path(job.path.as_posix())
        except ValueError:
            lg = None
        if lg is None:  # to be guessed from the content: any language
            wanted = None
            break
        wanted.add(lg)

    def can_apply(entry) -> bool:
        if entry.scope not in scopes:
            return False
        return wanted is None or entry.languages is None or not entry.languages.isdisjoint(wanted)

    return can_apply


def _require(paths: list[Path]) -> None:
    for p in paths:
        if not p.exists():
            raise InputError(f"{p}: no such file or directory")
        if not (p.is_file() or p.is_dir()):
            # A FIFO or a device would block the run or never end.
            raise InputError(f"{p}: not a regular file or a directory")


# --------------------------------------------------------------------------- #
# Running many files: cache, process pool, progress
# --------------------------------------------------------------------------- #


@frozen
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
        from transkit.checks import load

        registry = load(codes)
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
                from transkit.document import Document

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


def _work(job: Job) -> FileOutcome:
    assert _STATE is not None
    return _STATE.run(job)


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


class Runner:
    """Lints jobs with the cache and, for big trees, a process pool; results come back in job order."""

    def __init__(self, config: Config, checks: list[type[Check]], use_cache: bool = True, jobs: int = 0, progress: bool | None = None) -> None:
        self.config = config
        self.checks = checks
        self.use_cache = use_cache
        self.jobs = jobs
        self.progress = progress
        self.stats: dict[str, int] = {}
        self.sources: dict[str, bytes] = {}  # bytes read for cache keys, by reported path
        self.cache: object = None  # the Cache used by the last run, if any
        self.keys: list = []  # its per-file keys, in job order
        self.work: list[Job] = []  # the jobs of the last run

    def run(self, jobs: list[Job]) -> list[FileOutcome]:
        global _STATE
        from transkit import cache as cache_mod

        codes = [c.code for c in self.checks]
        self.work = jobs
        results: list[FileOutcome | None] = [None] * len(jobs)
        cache = cache_mod.Cache() if cache_mod.enabled(self.use_cache and self.config.cache) else None
        keys: list[str | None] = [None] * len(jobs)
        payload: dict[int, bytes] = {}
        progress = Progress(len(jobs), self.progress)
        if cache is not None:
            pending, bundle = self._lookup(cache, jobs, keys, results, payload, progress)
        else:
            pending, bundle = list(range(len(jobs))), None
        workers = self._workers(jobs, pending)
        if workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
            # Big files first so that one large file does not finish last on its own.
            order = sorted(pending, key=lambda i: -_size(jobs[i].path))
            init: Callable | None = _init_worker
            if ctx is not None:
                # Forked workers share what this process has loaded. Lint the smallest
                # file of each language here first: the check modules, glossary indexes
                # and tables load once, not once in every worker (and the project
                # checks that run here afterwards find them loaded too).
                _STATE = _Worker(self.config, codes)
                smallest: dict[str | None, int] = {}
                for i in reversed(order):
                    smallest.setdefault(jobs[i].lang or jobs[i].known_lang or langs.from_path(jobs[i].path.as_posix()), i)
                for i in smallest.values():
                    results[i] = _STATE.run(jobs[i], payload.get(i))
                    progress.step()
                order = [i for i in order if results[i] is None]
                init = None
            # A few files a task: each task is a round trip through the pool's pipes.
            chunk = max(1, min(8, len(order) // (workers * 16)))
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init, initargs=(self.config, codes) if init else ()) as pool:
                for i, out in zip(order, pool.map(_work, [jobs[i] for i in order], chunksize=chunk)):
                    results[i] = out
                    progress.step()
            _STATE = None
        elif pending:  # (none when every file came from the cache: no check is even imported)
            worker = _Worker(self.config, codes)
            for i in pending:
                results[i] = worker.run(jobs[i], payload.get(i))
                progress.step()
        progress.close()
        if cache is not None:
            self._store(cache, jobs, keys, results, pending, bundle)
        return [r for r in results if r is not None]

    def _lookup(self, cache, jobs: list[Job], keys: list, results: list, payload: dict[int, bytes], progress: "Progress") -> tuple[list[int], tuple]:
        """Key every job by its content and fill ``results`` from the cache; returns the jobs left to lint.

        The run's own entry (one file: every outcome of the last run over the
        same files) is read first, then the per-file entries for what it lacks.
        """
        from transkit import cache as cache_mod

        base = cache_mod.run_key(self.config.fingerprint(), glossary_fingerprint(self.config), [c.code for c in self.checks])
        cwd = Path.cwd()
        shown = [display_path(job.path, cwd) for job in jobs]
        whole_key = cache_mod.digest(base, "run", *(f"{s}\0{j.lang or ''}\0{j.known_lang or ''}\0{j.source or ''}\0{j.source_lang or ''}" for s, j in zip(shown, jobs)))
        stored = cache.get(whole_key)
        whole: dict = stored if isinstance(stored, dict) else {}
        pending: list[int] = []
        records: dict[str, tuple] = {}
        hashed: dict[Path, bytes] = {}  # content digests: a source is usually a job of the run too
        src_digest: dict[Path, str] = {}
        for i, job in enumerate(jobs):
            try:
                with open(job.path, "rb") as fh:  # half the time of Path.read_bytes
                    data = fh.read()
            except OSError:
                pending.append(i)
                continue
            src = ""
            if job.source is not None:
                if job.source not in src_digest:
                    try:
                        # The source is usually a job of this run too, listed first: read already.
                        content = hashed.get(job.source) or cache_mod.content_digest(job.source.read_bytes())
                        src_digest[job.source] = cache_mod.digest(str(job.source), content)
                    except OSError:
                        src_digest[job.source] = "missing"
                src = src_digest[job.source] + (job.source_lang or "")
            content = hashed[job.path] = cache_mod.content_digest(data)
            key = cache_mod.digest(base, shown[i], job.lang or "", job.known_lang or "", src, content)
            keys[i] = key
            record = whole.get(key)
            if record is None:
                entry = cache.get(key)  # (outcome record, what project checks collected)
                record = entry[0] if type(entry) is tuple and len(entry) == 2 else None
            if record is None or record[2]:  # kept for excerpts while a finding may show them
                self.sources[shown[i]] = data
            if record is not None:
                records[key] = record
                # What project checks collected is read only if they must run again.
                results[i] = FileOutcome.from_record(record)
                progress.step()
            else:
                pending.append(i)
                payload[i] = data
        self.stats = {"hits": len(jobs) - len(pending), "misses": len(pending)}
        return pending, (whole_key, whole, records)

    def _store(self, cache, jobs: list[Job], keys: list, results: list, pending: list[int], bundle: tuple) -> None:
        """Write an entry for each file just linted, and the run's entry when it changed."""
        whole_key, whole, records = bundle
        for i in pending:
            if keys[i] is not None:
                record = results[i].record()
                cache.put(keys[i], (record, results[i].collected))
                records[keys[i]] = record
        # Only this run's files: entries of files edited since are dropped.
        if records != whole:
            cache.put(whole_key, records)
        self.cache = cache
        self.keys = keys

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
        if type(hit) is tuple:
            return [from_diagnostic_record(r) for r in hit]
    lost: list[int] = []
    for i, o in enumerate(outcomes):
        if o.collected is None:  # served from the cache: read what it collected
            entry = cache.get(keys[i]) if cache is not None and i < len(keys) and keys[i] else None
            if type(entry) is tuple and len(entry) == 2:
                o.collected = entry[1] or {}
            else:
                lost.append(i)
    if lost:  # an entry gone from the cache: collect again rather than judge the project without it
        worker = _Worker(config, [c.code for c in checks])
        for i in lost:
            outcomes[i].collected = worker.run(runner.work[i]).collected
    collected: dict[str, list[tuple[str, str, object]]] = {}
    for o in sorted(outcomes, key=lambda o: o.path):
        for code, value in o.collected.items():
            collected.setdefault(code, []).append((o.path, o.lang or "", value))
    project = ProjectContext(config=config, resources=Resources(config), collected=collected, sets=sets)
    out: list[Diagnostic] = []
    from transkit.checks import load

    classes = load(c.code for c in project_checks)
    for check in (classes[c.code] for c in project_checks if c.code in classes):
        out.extend(_run(check, config, lambda inst: inst.check_project(project), ".", None))
    if whole is not None:
        cache.put(whole, tuple(map(diagnostic_record, out)))
    return out


def _finish(outcomes: list[FileOutcome], extra: list[Diagnostic], sources: dict[str, bytes] | None = None) -> LintResult:
    diags = [d for o in outcomes for d in o.diagnostics] + extra
    diags.sort(key=lambda d: d.sort_key)
    summary = Summary(
        documents=sum(1 for o in outcomes if not o.skipped and not o.catalog),
        catalogs=sum(1 for o in outcomes if o.catalog),
        languages=tuple(sorted({o.lang for o in outcomes if o.lang})),
        sections=sum(o.sections for o in outcomes),
        skipped=sum(1 for o in outcomes if o.skipped),
    )
    if sources:
        shown = {d.path for d in diags}
        sources = {path: data for path, data in sources.items() if path in shown}
    return LintResult(diags, summary, sources)


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
    src_lang = langs.normalize(source_lang) if source_lang else None
    work = [Job(p, lang=lang, source=source, source_lang=src_lang) for p in walk(paths)]
    checks = _checks(config, select_, ignore_, _can_apply(work, pair=source is not None))
    runner = Runner(config, checks, use_cache=use_cache, jobs=jobs, progress=progress)
    outcomes = runner.run(work)
    extra = _project_checks(runner, outcomes, [], config, checks) if len(outcomes) > 1 else []
    return _finish(outcomes, extra, runner.sources)


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
    cwd = Path.cwd()
    for ds in sets:
        src_path = ds.source(config)
        if src_path is not None:
            work.append(Job(src_path, known_lang=config.source))
        for lg, path in ds.translations(config):
            work.append(Job(path, known_lang=lg, source=src_path, source_lang=config.source if src_path else None))
        set_paths.append({lg: display_path(p, cwd) for lg, p in ds.files.items()})
    # Catalogs under the paths, and every other file when no document set matched.
    in_sets: set[Path] | None = None
    for p in walk(paths):
        if sets and p.suffix.lower() not in CATALOG_SUFFIXES:
            continue  # outside the sets, only catalogs are checked when there are sets
        if in_sets is None:  # resolving costs a system call a path component: only when needed
            in_sets = {f.resolve() for ds in sets for f in ds.files.values()}
        if p.resolve() not in in_sets:
            work.append(Job(p))
    runner = Runner(config, checks, use_cache=use_cache, jobs=jobs, progress=progress)
    outcomes = runner.run(work)
    extra = _project_checks(runner, outcomes, set_paths, config, checks)
    return _finish(outcomes, extra, runner.sources)
