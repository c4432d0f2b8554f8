"""The ``transkit`` command line: parse options, call one library function, report.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings (or conflicts,
outdated sections ...); 2 usage, configuration or input errors. stdout carries
only the report; errors go to stderr as one line.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from transkit import __version__
from transkit.errors import TranskitError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
REPORT_FORMATS = ("text", "json", "sarif", "github")


def _split(values: tuple[str, ...] | None) -> list[str]:
    out: list[str] = []
    for v in values or ():
        out.extend(s.strip() for s in v.split(",") if s.strip())
    return out


def _selectors(values: tuple[str, ...] | None, option: str) -> list[str]:
    from transkit.checks import is_valid_selector

    sels = _split(values)
    for s in sels:
        if not is_valid_selector(s):
            raise click.BadParameter(f"unknown check selector {s!r} (a code such as TK401, a prefix such as TK4, or a check name)", param_hint=option)
    return sels


def _config(path: Path, config_file: str | None):
    from transkit.config import load_config

    return load_config(path, explicit=config_file)


def _open_output(output: str | None):
    if output in (None, "-"):
        return sys.stdout, False
    return open(output, "w", encoding="utf-8", newline="\n"), True


def _report(result, fmt: str, output: str | None, fail_on) -> int:
    from transkit.report import get

    render = get(fmt)
    out, close = _open_output(output)
    try:
        render(result, out)
    finally:
        if close:
            out.close()
    return 1 if result.fails(fail_on) else 0


def _fail_on(value: str | None, config):
    from transkit.diagnostics import Severity

    return Severity.parse(value) if value else config.fail_on


_common_options = [
    click.option("--select", multiple=True, metavar="CODES", help="Only these checks: codes, prefixes (TK4) or names, comma-separated."),
    click.option("--ignore", multiple=True, metavar="CODES", help="Skip these checks (added to the config's ignore list)."),
    click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True, help="Report format."),
    click.option("-o", "--output", metavar="FILE", help="Write the report to FILE instead of stdout."),
    click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), help="Lowest severity that makes the exit code 1 [config: fail-on, default warning]."),
    click.option("--config", "config_file", metavar="FILE", help="Use this config file instead of searching for one."),
]


def common(f):
    for opt in reversed(_common_options):
        f = opt(f)
    return f


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="transkit")
def cli() -> None:
    """Keep English Markdown docs and their zh-Hans / zh-Hant translations consistent."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--lang", metavar="LANG", help="Language of the files (zh-Hans, zh-Hant, zh-TW, zh-HK, en ...); default: from the path, else guessed.")
@click.option("--source", type=click.Path(path_type=Path), metavar="FILE", help="Run the pair checks against this source document.")
@click.option("--source-lang", metavar="LANG", help="Language of --source [default: the config's source, en].")
@common
def lint(paths, lang, source, source_lang, select, ignore, fmt, output, fail_on, config_file) -> int:
    """Lint Markdown files, directories and PO catalogs."""
    from transkit import lang as langs
    from transkit.lint import lint_paths

    if lang:
        try:
            lang = langs.normalize(lang)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--lang") from None
    config = _config(paths[0], config_file)
    result = lint_paths(
        list(paths),
        config,
        lang=lang,
        source=source,
        source_lang=source_lang,
        select_=_selectors(select, "--select"),
        ignore_=_selectors(ignore, "--ignore"),
    )
    return _report(result, fmt, output, _fail_on(fail_on, config))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@common
def check(paths, select, ignore, fmt, output, fail_on, config_file) -> int:
    """Run every check the configuration describes on PATHS (default: .)."""
    from transkit.lint import check_project

    paths = list(paths) or [Path(".")]
    config = _config(paths[0], config_file)
    result = check_project(paths, config, select_=_selectors(select, "--select"), ignore_=_selectors(ignore, "--ignore"))
    return _report(result, fmt, output, _fail_on(fail_on, config))


@cli.command("checks")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_checks(fmt) -> int:
    """List every check: code, name, severity, scope, languages."""
    import json

    from transkit.checks import load_all

    rows = []
    for code, c in load_all().items():
        rows.append(
            {
                "code": code,
                "name": c.name,
                "severity": c.severity.label,
                "scope": c.scope.value,
                "languages": sorted(c.languages) if c.languages else ["all"],
                "fixable": c.fixable,
                "default": c.default_enabled,
                "summary": c.summary(),
            }
        )
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        flags = ("fix" if r["fixable"] else "") + ("" if r["default"] else " opt-in")
        click.echo(f"{r['code']}  {r['name']:<32} {r['severity']:<8} {r['scope']:<8} {','.join(r['languages']):<22} {flags.strip()}")
    return 0


@cli.command()
@click.argument("code")
def explain(code) -> int:
    """Print the documentation of one check (by code or name)."""
    from transkit.checks import load_all

    checks = load_all()
    found = checks.get(code.upper()) or next((c for c in checks.values() if c.name == code.lower()), None)
    if found is None:
        raise TranskitError(f"no check named {code!r}; `transkit checks` lists them")
    langs = ", ".join(sorted(found.languages)) if found.languages else "all"
    click.echo(f"{found.code} {found.name} ({found.severity.label}, {found.scope.value} scope, languages: {langs})\n")
    click.echo(found.documentation())
    if found.options:
        click.echo("\nOptions ([checks." + found.name + "] in the config):")
        for k, v in found.options.items():
            click.echo(f"  {k} = {v!r}")
    return 0


# === convert / sync commands ===


# === glossary commands ===


# === repair command ===


# === align command ===


# === drift command ===


# === po commands ===


# === init command ===


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the command, turn errors into one line and exit code 2."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="replace")
        except (AttributeError, ValueError):
            pass
    try:
        rv = cli.main(args=argv, prog_name="transkit", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("transkit: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code not in (0, 1) else exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except TranskitError as exc:
        click.echo(f"transkit: error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (`transkit lint ... | head`): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:  # a bug in transkit: one line, the traceback on request
        if os.environ.get("TRANSKIT_DEBUG"):
            raise
        click.echo(f"transkit: internal error: {type(exc).__name__}: {exc} (set TRANSKIT_DEBUG=1 for a traceback)", err=True)
        sys.exit(2)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
