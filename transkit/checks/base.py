"""The check protocol: small registered classes that yield diagnostics.

A check never prints, never reads configuration files and never sets exit
codes. It receives a context, yields :class:`~transkit.diagnostics.Diagnostic`
values, and if it raises, the runner turns the exception into an internal-error
diagnostic (TK000) naming the check and the file, and goes on.

    @register
    class ReplacementCharacter(Check):
        '''U+FFFD marks text that was lost when a file was decoded. ...'''
        code = "TK201"
        name = "replacement-character"
        severity = Severity.ERROR

        def check_file(self, doc, ctx):
            ...
            yield self.diagnostic(ctx, line, column, "U+FFFD replacement character")
"""

from __future__ import annotations

import enum
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Iterable, Iterator, Mapping

from transkit.diagnostics import Diagnostic, Fix, Location, Severity

if TYPE_CHECKING:  # pragma: no cover
    from transkit.config import Config
    from transkit.document import Document
    from transkit.resources import Resources


class Scope(enum.Enum):
    FILE = "file"  # one document on its own
    PAIR = "pair"  # a translation against its aligned source
    PROJECT = "project"  # every document of the run at once
    WORKFLOW = "workflow"  # reported by a command of its own (drift), never run by lint


class FileContext:
    """What a file-scope check may look at besides the document."""

    def __init__(self, path: str, lang: str, config: "Config", resources: "Resources", lang_guessed: bool = False) -> None:
        self.path = path
        self.lang = lang
        self.config = config
        self.resources = resources
        self.lang_guessed = lang_guessed

    def __repr__(self) -> str:
        return f"FileContext(path={self.path!r}, lang={self.lang!r}, lang_guessed={self.lang_guessed!r})"


class PairContext:
    """A translation and its source; the alignment is computed on first use."""

    def __init__(
        self,
        source: "Document",
        target: "Document",
        source_lang: str,
        target_lang: str,
        config: "Config",
        resources: "Resources",
    ) -> None:
        self.source = source
        self.target = target
        self.source_lang = source_lang
        self.target_lang = target_lang
        self.config = config
        self.resources = resources

    def __repr__(self) -> str:
        return f"PairContext(source={self.source.path!r}, target={self.target.path!r}, {self.source_lang} -> {self.target_lang})"

    @property
    def path(self) -> str:
        return self.target.path

    @property
    def lang(self) -> str:
        return self.target_lang

    @cached_property
    def alignment(self):
        from transkit.align import align_documents

        return align_documents(self.source, self.target, resources=self.resources)


class ProjectContext:
    """Every file of a run, seen through what project checks collected from each.

    Files are linted in worker processes and served from the cache, so a
    project-scope check does not get parsed documents: its :meth:`Check.collect`
    runs on each file where the file is linted and returns small JSON-able data,
    and ``collected[code]`` holds ``(path, lang, data)`` for every file, in path
    order. ``sets`` lists the document sets as ``{lang: path}``.
    """

    def __init__(
        self,
        config: "Config",
        resources: "Resources",
        collected: dict[str, list[tuple[str, str, object]]] | None = None,
        sets: list[dict[str, str]] | None = None,
        path: str = ".",
        lang: str | None = None,
    ) -> None:
        self.config = config
        self.resources = resources
        self.collected = {} if collected is None else collected
        self.sets = [] if sets is None else sets
        self.path = path
        self.lang = lang

    def __repr__(self) -> str:
        return f"ProjectContext(files={sum(len(v) for v in self.collected.values())}, sets={len(self.sets)})"


class Check:
    """Base class. Subclasses set the class attributes and override one ``check_*`` method.

    The docstring is the check's documentation, printed by ``transkit explain``:
    why the check exists, a failing example, and the fix.
    """

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.WARNING
    scope: ClassVar[Scope] = Scope.FILE
    # Canonical tags (see transkit.lang) the check applies to; None means every language.
    languages: ClassVar[frozenset[str] | None] = None
    fixable: ClassVar[bool] = False
    # Option defaults; ``[checks.<name>]`` in the config overrides them.
    options: ClassVar[Mapping[str, Any]] = {}
    # The values a string option may take (checked when the config loads); other
    # options take the type of their default: true/false, a count >= 0, a
    # probability between 0 and 1.
    option_values: ClassVar[Mapping[str, tuple]] = {}
    # Off unless selected explicitly (for opinionated checks).
    default_enabled: ClassVar[bool] = True

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        self.opts: dict[str, Any] = {**self.options, **(options or {})}

    @classmethod
    def summary(cls) -> str:
        doc = cls.documentation()
        return doc.splitlines()[0] if doc else ""

    @classmethod
    def documentation(cls) -> str:
        import inspect  # about 10 ms to import: only ``explain`` and ``--help`` need it

        return inspect.getdoc(cls) or ""

    @classmethod
    def applies_to(cls, lang: str | None) -> bool:
        return cls.languages is None or (lang in cls.languages)

    def diagnostic(
        self,
        ctx: FileContext | PairContext | ProjectContext,
        line: int,
        column: int,
        message: str,
        *,
        end_line: int | None = None,
        end_column: int | None = None,
        fix: Fix | None = None,
        related: Location | None = None,
        severity: Severity | None = None,
        path: str | None = None,
        lang: str | None = None,
        data: Mapping[str, object] | None = None,
    ) -> Diagnostic:
        return Diagnostic(
            code=self.code,
            name=self.name,
            severity=severity or self.severity,
            path=path or ctx.path,
            line=line,
            column=column,
            message=message,
            end_line=end_line if end_line is not None else (line if end_column is not None else None),
            end_column=end_column,
            lang=lang or ctx.lang,
            related=related,
            fix=fix,
            data=tuple(sorted((data or {}).items())),
        )

    # One of these is overridden, according to ``scope``.

    def check_file(self, doc: "Document", ctx: FileContext) -> Iterable[Diagnostic]:
        return ()

    def check_pair(self, pair: PairContext) -> Iterable[Diagnostic]:
        return ()

    def collect(self, doc: "Document", ctx: FileContext) -> object:
        """Project scope: per-file data for :meth:`check_project` (JSON-able; None for nothing)."""
        return None

    def check_project(self, project: ProjectContext) -> Iterable[Diagnostic]:
        return ()


_REGISTRY: dict[str, type[Check]] = {}


def register(cls: type[Check]) -> type[Check]:
    """Class decorator adding a check to the registry; codes and names must be unique."""
    if not cls.code or not cls.name:
        raise TypeError(f"{cls.__name__} needs a code and a name")
    for other in _REGISTRY.values():
        if other.name == cls.name and other is not cls:
            raise TypeError(f"check name {cls.name!r} used by {other.code} and {cls.code}")
    if cls.code in _REGISTRY and _REGISTRY[cls.code] is not cls:
        raise TypeError(f"check code {cls.code} registered twice")
    _REGISTRY[cls.code] = cls
    return cls


def registry() -> Mapping[str, type[Check]]:
    return _REGISTRY


def iter_diagnostics(items: Iterable[Diagnostic] | None) -> Iterator[Diagnostic]:
    if items:
        yield from items
