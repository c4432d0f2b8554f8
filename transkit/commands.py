"""The bodies of ``transkit lint`` and ``transkit check``, callable without click.

The click commands in :mod:`transkit.cli` call these functions, and so does the
fast path in :mod:`transkit.entry`: a pre-commit hook runs ``transkit lint`` on
every commit, and importing click alone would cost more than linting a 27 KB
file. :data:`FAST_OPTIONS` mirrors the click options of the two commands; a
test holds the two definitions to each other.
"""

from __future__ import annotations

from pathlib import Path

from transkit.errors import TranskitError

REPORT_FORMATS = ("text", "json", "sarif", "github")
FAIL_ON = ("error", "warning", "info")


class UsageError(TranskitError):
    """A bad command-line value (exit 2)."""


# option -> (parameter name, kind): kind is "value", "multiple", "flag", "int" or a tuple of choices.
_COMMON = {
    "--select": ("select", "multiple"),
    "--ignore": ("ignore", "multiple"),
    "--format": ("fmt", REPORT_FORMATS),
    "-o": ("output", "value"),
    "--output": ("output", "value"),
    "--fail-on": ("fail_on", FAIL_ON),
    "--config": ("config_file", "value"),
    "--no-cache": ("no_cache", "flag"),
    "-j": ("jobs", "int"),
    "--jobs": ("jobs", "int"),
}
FAST_OPTIONS = {
    "lint": {
        **_COMMON,
        "--lang": ("lang", "value"),
        "--source": ("source", "value"),
        "--source-lang": ("source_lang", "value"),
    },
    "check": dict(_COMMON),
}
_DEFAULTS = {"select": (), "ignore": (), "fmt": "text", "output": None, "fail_on": None, "config_file": None, "no_cache": False, "jobs": 0, "lang": None, "source": None, "source_lang": None}


def parse_fast(command: str, args: list[str]) -> dict | None:
    """Parse plain ``lint``/``check`` arguments; ``None`` means "let click handle it" (help, errors, anything unusual)."""
    spec = FAST_OPTIONS.get(command)
    if spec is None:
        return None
    params = {k: _DEFAULTS[k] for _, (k, _) in spec.items()}
    multi: dict[str, list[str]] = {}
    paths: list[str] = []
    i = 0
    only_paths = False
    while i < len(args):
        a = args[i]
        i += 1
        if only_paths or not a.startswith("-") or a == "-":
            paths.append(a)
            continue
        if a == "--":
            only_paths = True
            continue
        name, eq, value = a.partition("=")
        if name not in spec:
            return None
        key, kind = spec[name]
        if kind == "flag":
            if eq:
                return None
            params[key] = True
            continue
        if not eq:
            if i >= len(args):
                return None
            value = args[i]
            i += 1
        if kind == "multiple":
            multi.setdefault(key, []).append(value)
        elif kind == "int":
            if not value.isdigit():
                return None
            params[key] = int(value)
        elif isinstance(kind, tuple):
            if value not in kind:
                return None
            params[key] = value
        else:
            params[key] = value
    for key, values in multi.items():
        params[key] = tuple(values)
    if command == "lint" and not paths:
        return None
    params["paths"] = tuple(Path(p) for p in paths)
    if params.get("source") is not None:
        params["source"] = Path(params["source"])
    return params


def split_values(values) -> list[str]:
    out: list[str] = []
    for v in values or ():
        out.extend(s.strip() for s in v.split(",") if s.strip())
    return out


def selectors(values, option: str) -> list[str]:
    from transkit.checks import is_valid_selector

    sels = split_values(values)
    for s in sels:
        if not is_valid_selector(s):
            raise UsageError(f"{option}: unknown check selector {s!r} (a code such as TK401, a prefix such as TK4, or a check name)")
    return sels


def report(result, fmt: str, output: str | None, fail_on) -> int:
    from transkit.fsutil import output_stream
    from transkit.report import get

    render = get(fmt)
    with output_stream(output) as out:
        render(result, out)
    return 1 if result.fails(fail_on) else 0


def _fail_on(value: str | None, config):
    from transkit.diagnostics import Severity

    return Severity.parse(value) if value else config.fail_on


def run_lint(paths, lang=None, source=None, source_lang=None, select=(), ignore=(), fmt="text", output=None, fail_on=None, config_file=None, no_cache=False, jobs=0) -> int:
    from transkit import lang as langs
    from transkit.config import load_config
    from transkit.lint import lint_paths

    if lang:
        try:
            lang = langs.normalize(lang)
        except ValueError as exc:
            raise UsageError(f"--lang: {exc}") from None
    config = load_config(paths[0], explicit=config_file)
    result = lint_paths(
        list(paths),
        config,
        lang=lang,
        source=source,
        source_lang=source_lang,
        select_=selectors(select, "--select"),
        ignore_=selectors(ignore, "--ignore"),
        use_cache=not no_cache,
        jobs=jobs,
    )
    return report(result, fmt, output, _fail_on(fail_on, config))


def run_check(paths, select=(), ignore=(), fmt="text", output=None, fail_on=None, config_file=None, no_cache=False, jobs=0) -> int:
    from transkit.config import load_config
    from transkit.lint import check_project

    paths = list(paths) or [Path(".")]
    config = load_config(paths[0], explicit=config_file)
    result = check_project(
        paths,
        config,
        select_=selectors(select, "--select"),
        ignore_=selectors(ignore, "--ignore"),
        use_cache=not no_cache,
        jobs=jobs,
    )
    return report(result, fmt, output, _fail_on(fail_on, config))


RUNNERS = {"lint": run_lint, "check": run_check}
