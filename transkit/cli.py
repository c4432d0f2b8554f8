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
    click.option("--no-cache", is_flag=True, help="Do not read or write the result cache."),
    click.option("-j", "--jobs", type=click.IntRange(0), default=0, metavar="N", help="Worker processes for big trees [default: one per core]."),
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
def lint(paths, lang, source, source_lang, select, ignore, fmt, output, fail_on, config_file, no_cache, jobs) -> int:
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
        use_cache=not no_cache,
        jobs=jobs,
    )
    return _report(result, fmt, output, _fail_on(fail_on, config))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@common
def check(paths, select, ignore, fmt, output, fail_on, config_file, no_cache, jobs) -> int:
    """Run every check the configuration describes on PATHS (default: .)."""
    from transkit.lint import check_project

    paths = list(paths) or [Path(".")]
    config = _config(paths[0], config_file)
    result = check_project(
        paths,
        config,
        select_=_selectors(select, "--select"),
        ignore_=_selectors(ignore, "--ignore"),
        use_cache=not no_cache,
        jobs=jobs,
    )
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


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("translations", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True, help="Output format; html is a side-by-side page with findings.")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of stdout.")
@click.option("--source-lang", metavar="LANG", help="Language of SOURCE [default: from the path, else guessed].")
@click.option("--lang", metavar="LANG", help="Language of every TRANSLATION [default: from each path, else guessed].")
@click.option("--config", "config_file", metavar="FILE", help="Use this config file instead of searching for one.")
def align(source, translations, fmt, output, source_lang, lang, config_file) -> int:
    """Pair the sections of each TRANSLATION with those of SOURCE (by content, not position)."""
    import json

    from transkit.align import align_many, alignments_to_dict, alignments_to_text, load_document
    from transkit.resources import Resources

    config = _config(source, config_file)
    resources = Resources(config)
    src = load_document(source, source_lang)
    targets = [load_document(t, lang) for t in translations]
    alignments = align_many(src, targets, resources=resources)
    out, close = _open_output(output)
    try:
        if fmt == "json":
            out.write(json.dumps(alignments_to_dict(alignments), ensure_ascii=False, indent=2) + "\n")
        elif fmt == "html":
            from transkit.checks import select
            from transkit.lint import lint_document
            from transkit.report.html import render_alignment

            checks = select(list(config.select) or None, list(config.ignore))
            findings = []
            for a in alignments:
                findings.extend(lint_document(a.target, a.target.lang, config, resources, checks, source=(src, src.lang)))
            render_alignment(alignments, out, findings)
        else:
            out.write(alignments_to_text(alignments))
    finally:
        if close:
            out.close()
    return 0


# === drift command ===


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "github", "markdown"]), default="text", show_default=True, help="Report format (markdown: a pull-request comment).")
@click.option("-o", "--output", metavar="FILE", help="Write the report to FILE instead of stdout.")
@click.option("--fail-on", metavar="STATUSES", help="Statuses that make the exit code 1, comma-separated: outdated, missing, extra, untranslated, diverged, or none [default: all of them].")
@click.option("--record", is_flag=True, help="Record every paired section as in step in the lock file (lock mode from then on).")
@click.option("--ack", "acks", multiple=True, metavar="SECTION", help="Accept the current English text of SECTION (title, key, or FILE:LINE) without retranslation; repeatable.")
@click.option("--lock", "lock_file", metavar="FILE", help="The drift lock file [default: .transkit-drift.lock beside the config].")
@click.option("--changed-only", is_flag=True, help="Only document sets holding a changed file: FILES if given, else the staged diff (for pre-commit).")
@click.option("--config", "config_file", metavar="FILE", help="Use this config file instead of searching for one.")
def drift(files, fmt, output, fail_on, record, acks, lock_file, changed_only, config_file) -> int:
    """Report translated sections that are outdated, missing, extra or untranslated.

    FILES are a SOURCE and its TRANSLATIONs; with none, the document sets come from the
    configuration. Git history is the baseline in a repository; a lock file written by
    --record takes over for the translations it records.
    """
    from transkit.drift import parse_fail_on, resolve_sets, run_drift
    from transkit.report.drift import render

    statuses = parse_fail_on(fail_on)
    config = _config(files[0] if files else Path("."), config_file)
    sets = resolve_sets(config, list(files), changed_only=changed_only)
    report = run_drift(config, sets, lock_path=Path(lock_file) if lock_file else None, record=record, acks=list(acks))
    if record or acks:
        click.echo(f"transkit: {report.recorded} section{'s' if report.recorded != 1 else ''} written to {report.lock_path}", err=True)
    out, close = _open_output(output)
    try:
        render(report, out, fmt=fmt)
    finally:
        if close:
            out.close()
    return 1 if report.fails(statuses) else 0


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
