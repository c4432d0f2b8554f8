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
    """What linting one file produced (picklable, cacheable)."""

    path: str
    lang: str | None
    diagnostics: list[Diagnostic]
    sections: int = 0
    skipped: bool = False
    document: Document | None = None


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


def resolve_lang(path: Path, text: str, override: str | None, known: dict[Path, str] | None = None) -> tuple[str, bool]:
    """The language of a file and whether it was guessed from content."""
    if override:
        return langs.normalize(override), False
    if known and path.resolve() in known:
        return known[path.resolve()], False
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
    known_langs: dict[Path, str] | None = None,
    source: tuple[Document, str] | None = None,
    keep_document: bool = False,
) -> FileOutcome:
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return FileOutcome(shown, None, [_tool_diag("TK005", "unreadable-file", Severity.ERROR, shown, 1, 1, f"cannot read file: {exc.strerror}")], skipped=True)
    text, diags = decode(data, shown)
    if text is None:
        return FileOutcome(shown, None, diags, skipped=True)
    if path.suffix.lower() in CATALOG_SUFFIXES:
        from transkit.catalog import lint_po

        return FileOutcome(shown, None, diags + list(lint_po(shown, text, config, resources, checks)))
    lg, guessed = resolve_lang(path, text, lang, known_langs)
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
    sections = sum(1 for s in doc.sections if not s.is_preamble)
    return FileOutcome(shown, lg, out, sections=sections, document=doc if keep_document else None)


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


def _project_checks(docs: list[tuple[Document, str]], sets, config, resources, checks) -> list[Diagnostic]:
    project = ProjectContext(documents=docs, config=config, resources=resources, sets=sets)
    out: list[Diagnostic] = []
    for check in [c for c in checks if c.scope is Scope.PROJECT]:
        out.extend(_run(check, config, lambda inst: inst.check_project(project), ".", None))
    return out


def _finish(outcomes: list[FileOutcome], extra: list[Diagnostic]) -> LintResult:
    diags = [d for o in outcomes for d in o.diagnostics] + extra
    diags.sort(key=lambda d: d.sort_key)
    summary = Summary(
        documents=sum(1 for o in outcomes if not o.skipped),
        languages=tuple(sorted({o.lang for o in outcomes if o.lang})),
        sections=sum(o.sections for o in outcomes),
        skipped=sum(1 for o in outcomes if o.skipped),
    )
    return LintResult(diags, summary)


def _require(paths: list[Path]) -> None:
    for p in paths:
        if not p.exists():
            raise InputError(f"{p}: no such file or directory")


def lint_paths(
    paths: list[Path],
    config: Config,
    *,
    lang: str | None = None,
    source: Path | None = None,
    source_lang: str | None = None,
    select_: list[str] | None = None,
    ignore_: list[str] | None = None,
) -> LintResult:
    """Lint files and directories as given (``transkit lint``)."""
    _require(paths + ([source] if source else []))
    checks = _checks(config, select_, ignore_)
    resources = Resources(config)
    src = None
    if source is not None:
        data = source.read_bytes()
        text, problems = decode(data, display_path(source))
        if text is None:
            raise InputError(f"{source}: the source is not a UTF-8 text file")
        s_lang, _ = resolve_lang(source, text, source_lang or config.source)
        src = (Document.from_text(text, path=display_path(source), lang=s_lang), s_lang)
    files = walk(paths)
    outcomes = [lint_file(p, config, resources, checks, lang=lang, source=src, keep_document=True) for p in files]
    docs = [(o.document, o.lang) for o in outcomes if o.document is not None]
    extra = _project_checks(docs, [], config, resources, checks) if len(docs) > 1 else []
    return _finish(outcomes, extra)


def check_project(
    paths: list[Path],
    config: Config,
    *,
    select_: list[str] | None = None,
    ignore_: list[str] | None = None,
) -> LintResult:
    """Everything the configuration describes, under ``paths`` (``transkit check``)."""
    _require(paths)
    checks = _checks(config, select_, ignore_)
    resources = Resources(config)
    sets = discover(config, paths)
    known: dict[Path, str] = {p.resolve(): lg for ds in sets for lg, p in ds.files.items()}
    outcomes: list[FileOutcome] = []
    set_docs: list[dict[str, Document]] = []
    all_docs: list[tuple[Document, str]] = []
    for ds in sets:
        docs: dict[str, Document] = {}
        src_path = ds.source(config)
        src_outcome = None
        if src_path is not None:
            src_outcome = lint_file(src_path, config, resources, checks, known_langs=known, keep_document=True)
            outcomes.append(src_outcome)
            if src_outcome.document is not None:
                docs[config.source] = src_outcome.document
        src = (src_outcome.document, config.source) if src_outcome and src_outcome.document else None
        for lg, path in ds.translations(config):
            o = lint_file(path, config, resources, checks, known_langs=known, source=src, keep_document=True)
            outcomes.append(o)
            if o.document is not None:
                docs[lg] = o.document
        set_docs.append(docs)
        all_docs.extend((d, lg) for lg, d in docs.items())
    # Catalogs and loose Markdown under the paths that belong to no set.
    in_sets = {p.resolve() for ds in sets for p in ds.files.values()}
    for p in walk(paths):
        if p.resolve() in in_sets:
            continue
        if p.suffix.lower() in CATALOG_SUFFIXES or not sets:
            outcomes.append(lint_file(p, config, resources, checks, known_langs=known))
    extra = _project_checks(all_docs, set_docs, config, resources, checks)
    return _finish(outcomes, extra)
