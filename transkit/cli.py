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
from transkit.fsutil import output_stream

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
from transkit.commands import FAIL_ON, REPORT_FORMATS


def _split(values: tuple[str, ...] | None) -> list[str]:
    from transkit.commands import split_values

    return split_values(values)


def _selectors(values: tuple[str, ...] | None, option: str) -> list[str]:
    from transkit.commands import selectors

    return selectors(values, option)


def _output_path(ctx, param, value):
    """``-o``: an empty path is refused (it must not mean stdout for one command and in place for another)."""
    if value is not None and not value.strip():
        raise click.BadParameter("an empty path; give a file name, or - for stdout where the command allows it")
    return value


def _config(path: Path, config_file: str | None):
    from transkit.config import load_config

    return load_config(path, explicit=config_file)


_common_options = [
    click.option("--select", multiple=True, metavar="CODES", help="Only these checks: codes, prefixes (TK4) or names, comma-separated."),
    click.option("--ignore", multiple=True, metavar="CODES", help="Skip these checks (added to the config's ignore list)."),
    click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True, help="Report format."),
    click.option("-o", "--output", callback=_output_path, metavar="FILE", help="Write the report to FILE instead of stdout."),
    click.option("--fail-on", type=click.Choice(FAIL_ON), help="Lowest severity that makes the exit code 1 [config: fail-on, default warning]."),
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
def lint(**params) -> int:
    """Lint Markdown files, directories and PO catalogs."""
    from transkit.commands import run_lint

    return run_lint(**params)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@common
def check(**params) -> int:
    """Run every check the configuration describes on PATHS (default: .)."""
    from transkit.commands import run_check

    return run_check(**params)


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


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--to", "to_lang", required=True, metavar="LANG", help="Target: zh-Hant (Taiwan), zh-TW, zh-HK, zh-Hans or zh-CN.")
@click.option("--from", "from_lang", metavar="LANG", help="Language of FILE [default: from the path, else guessed].")
@click.option("--opencc", "opencc_config", metavar="CONFIG", help="OpenCC configuration: s2twp, s2tw, s2t, s2hk, tw2sp ... [config: opencc.<lang>; default s2twp for zh-Hant].")
@click.option("--glossary", "glossaries", multiple=True, metavar="FILE", help="Another glossary whose terms are locked (added to the configured ones); repeatable.")
@click.option("--explain", is_flag=True, help="Print the review list: every character with several possible targets (干/乾/幹 ...), where and how it was converted.")
@click.option("-o", "--output", callback=_output_path, metavar="OUT", help="Write the conversion to OUT instead of stdout.")
@click.option("--config", "config_file", metavar="FILE", help="Use this config file instead of searching for one.")
def convert(file, to_lang, from_lang, opencc_config, glossaries, explain, output, config_file) -> int:
    """Convert a Markdown FILE between Chinese scripts; only prose changes.

    Code, inline code, URLs, link targets, reference definitions, HTML and
    front-matter keys stay byte-identical; glossary terms are locked to their
    glossary form; line count and line endings are kept.
    """
    from transkit.convert import convert_file

    config = _config(file, config_file)
    result = convert_file(file, to_lang, config, from_lang=from_lang, opencc_config=opencc_config, glossaries=glossaries, explain=explain)
    data = result.text.encode("utf-8", errors="surrogateescape")
    if output and output != "-":
        from transkit.fsutil import atomic_write

        atomic_write(output, data)
    elif not explain:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    if explain:
        review = result.ambiguities or []
        for a in review:
            click.echo(f"{file}:{a}")
        chars = len({a.char for a in review})
        click.echo(f"{len(review)} place{'s' if len(review) != 1 else ''} to review ({chars} character{'s' if chars != 1 else ''} with several forms; {result.source_lang} -> {result.target_lang}, {result.config})")
    return 0


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print the change as a unified diff and write nothing.")
@click.option("--lock", "lock_file", metavar="FILE", help="The sync lock [config: lock; default .transkit.lock beside the config, else at the top of the git repository, else here].")
@click.option("--config", "config_file", metavar="FILE", help="Use this config file instead of searching for one.")
def sync(source, target, dry_run, lock_file, config_file) -> int:
    """Carry changes of SOURCE (zh-Hans) into TARGET (zh-Hant) section by section.

    Unchanged sections are left alone; changed ones are converted again or,
    where TARGET was edited by hand, merged line by line. A clash is marked
    with conflict markers in TARGET (the hand edit first) and exits 1.
    """
    from transkit.sync import run_sync

    config = _config(target if target.exists() else source, config_file)
    result = run_sync(source, target, config, lock=lock_file, dry_run=dry_run)
    if dry_run:
        sys.stdout.write(result.diff())
        click.echo(result.report(), err=True, nl=False)
    else:
        click.echo(result.report(), nl=False)
    return result.exit_code


# === glossary commands ===


@cli.group(context_settings=CONTEXT)
def glossary() -> None:
    """Validate, export, import and mine term glossaries."""


def _glossary_files(files, config_file):
    from transkit.glossary import glossary_paths

    if files:
        return list(files)
    return glossary_paths(_config(Path("."), config_file))


@glossary.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--config", "config_file", metavar="FILE", help="Use this config file instead of searching for one.")
def glossary_validate(files, config_file) -> int:
    """Check glossary FILES (default: the shipped and the project's) against the format's rules."""
    from transkit.glossary import load_file, problems

    paths = _glossary_files(files, config_file)
    found = problems(paths)
    for p in found:
        click.echo(str(p))
    count = sum(len(load_file(p)) for p in paths)
    click.echo(f"transkit: {count} terms in {len(paths)} file(s), {len(found)} problem(s)", err=True)
    return 1 if found else 0


@glossary.command("export")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["tbx", "csv", "toml"]), default="tbx", show_default=True, help="TBX-Basic, CSV (en, zh-Hans, zh-Hant ... columns) or TOML.")
@click.option("-o", "--output", callback=_output_path, metavar="FILE", help="Write to FILE instead of stdout.")
@click.option("--config", "config_file", metavar="FILE", help="Use this config file instead of searching for one.")
def glossary_export(files, fmt, output, config_file) -> int:
    """Export the merged glossary (or FILES) for Weblate, Crowdin or a spreadsheet."""
    from transkit.fsutil import atomic_write
    from transkit.glossary import export, load

    text = export(load(_glossary_files(files, config_file)), fmt)
    if output and output != "-":
        atomic_write(output, text.encode("utf-8"))
    else:
        click.echo(text, nl=False)
    return 0


@glossary.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", callback=_output_path, metavar="OUT.toml", help="Write the TOML glossary to OUT.toml instead of stdout.")
def glossary_import(file, output) -> int:
    """Convert a TBX or CSV glossary into transkit's TOML format."""
    from transkit.fsutil import atomic_write
    from transkit.glossary import import_terms, to_toml

    text = to_toml(import_terms(file), header=f"Imported from {file.name} by `transkit glossary import`.")
    if output and output != "-":
        atomic_write(output, text.encode("utf-8"))
        click.echo(f"transkit: wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
    return 0


@glossary.command("suggest")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("translation", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--lang", metavar="LANG", help="Language of TRANSLATION [default: from the path, else guessed].")
@click.option("--all", "include_known", is_flag=True, help="Also print terms the glossary already has.")
@click.option("--config", "config_file", metavar="FILE", help="Use this config file instead of searching for one.")
def glossary_suggest(source, translation, lang, include_known, config_file) -> int:
    """Mine term pairs from a SOURCE and its TRANSLATION; print TOML entries for review."""
    from transkit import lang as langs
    from transkit.document import Document
    from transkit.errors import InputError
    from transkit.fsutil import read_text_lossless
    from transkit.glossary import load_merged, mine, suggestions_toml

    texts = []
    for p in (source, translation):
        try:
            texts.append(read_text_lossless(p))
        except OSError as exc:
            raise InputError(f"{p}: cannot read: {exc.strerror}") from None
    if lang:
        try:
            lang = langs.normalize(lang)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--lang") from None
    else:
        lang = langs.from_path(str(translation)) or langs.guess(texts[1]).lang
    if not langs.is_chinese(lang):
        raise click.BadParameter(f"{lang!r} is not a Chinese language", param_hint="--lang")
    config = _config(translation, config_file)
    src = Document.from_text(texts[0], str(source), "en")
    tgt = Document.from_text(texts[1], str(translation), lang)
    click.echo(suggestions_toml(mine(src, tgt, lang, load_merged(config)), include_known=include_known), nl=False)
    return 0



# === repair command ===


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", callback=_output_path, metavar="OUT", help="Write the repaired text to OUT ('-' for stdout) instead of repairing FILE in place.")
@click.option("--reference", type=click.Path(path_type=Path), metavar="FILE", help="An aligned counterpart (the zh-Hans original of a zh-Hant file ...): its words are preferred where bytes were lost.")
@click.option("--lang", metavar="LANG", help="Language of FILE [default: from the path, else guessed from the repaired text].")
@click.option("--reference-lang", metavar="LANG", help="Language of --reference [default: from the path, else guessed].")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Report format.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a repair would change something.")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=0.9, show_default=True, help="Guessed characters below this confidence are listed.")
@click.option("--config", "config_file", metavar="FILE", help="Use this config file instead of searching for one.")
def repair(file, output, reference, lang, reference_lang, fmt, check, min_confidence, config_file) -> int:
    """Undo mojibake in FILE, even where bytes were lost.

    Repairs UTF-8 read as Windows-1252/-1254/-1250/-1251, Latin-1, Mac OS Roman,
    GBK or Big5, GBK and Big5 read as each other, and double encoding. Where a
    code page dropped bytes, each damaged character is chosen among the few
    valid completions by a Chinese language model; the uncertain ones are
    listed. Lines without damage are never changed. FILE is repaired in place
    unless -o is given.
    """
    from transkit.repair import repair_file

    try:
        from transkit import lang as langs

        if lang:
            langs.normalize(lang)
        if reference_lang:
            langs.normalize(reference_lang)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    config = _config(file, config_file)
    report, data = repair_file(
        file, config, output=output, reference=reference, lang=lang, reference_lang=reference_lang, check=check, min_confidence=min_confidence
    )
    text = report.to_json() if fmt == "json" else report.to_text()
    if data is not None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        click.echo(text, err=True, nl=False)
    else:
        click.echo(text, nl=False)
    return 1 if check and report.changed else 0


# === align command ===


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("translations", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True, help="Output format; html is a side-by-side page with findings.")
@click.option("-o", "--output", callback=_output_path, metavar="FILE", help="Write to FILE instead of stdout.")
@click.option("--source-lang", metavar="LANG", help="Language of SOURCE [default: from the path, else guessed].")
@click.option("--lang", metavar="LANG", help="Language of every TRANSLATION [default: from each path, else guessed].")
@click.option("--jobs", type=click.IntRange(min=0), metavar="N", help="Worker processes for directories (0: one per core) [config: jobs].")
@click.option("--config", "config_file", metavar="FILE", help="Use this config file instead of searching for one.")
def align(source, translations, fmt, output, source_lang, lang, jobs, config_file) -> int:
    """Pair the sections of each TRANSLATION with those of SOURCE (by content, not position).

    SOURCE and TRANSLATION are files, or directories whose Markdown files are
    paired by relative path (text and json output only).
    """
    import json

    from transkit.align import align_many, alignments_to_dict, alignments_to_text, load_document
    from transkit.resources import Resources

    config = _config(source, config_file)
    if source.is_dir():
        return _align_tree(source, translations, fmt, output, source_lang, lang, config, config.jobs if jobs is None else jobs)
    resources = Resources(config)
    src = load_document(source, source_lang)
    targets = [load_document(t, lang) for t in translations]
    alignments = align_many(src, targets, resources=resources)
    with output_stream(output) as out:
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
    return 0


def _align_tree(source, translations, fmt, output, source_lang, lang, config, jobs) -> int:
    """``transkit align DIR DIR...``: every Markdown file with its namesakes, in parallel."""
    import json

    from transkit.align import align_tree

    not_dirs = [str(t) for t in translations if not t.is_dir()]
    if not_dirs:
        raise TranskitError(f"{source} is a directory, so every translation must be one too: {', '.join(not_dirs)}")
    if fmt == "html":
        raise TranskitError("--format html takes files, not directories (align one file and its translations)")
    entries = align_tree(source, list(translations), config=config, source_lang=source_lang, lang=lang, jobs=jobs, want=(fmt,))
    with output_stream(output) as out:
        if fmt == "json":
            # One compact line per file: trees are large, and the C encoder only runs without indent.
            rows = ",\n".join(json.dumps(e.data, ensure_ascii=False, separators=(",", ":")) for e in entries)
            out.write('{"files": [\n' + rows + "\n]}\n")
        else:
            out.write("\n".join(e.text for e in entries))
    return 0


# === drift command ===


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "github", "markdown"]), default="text", show_default=True, help="Report format (markdown: a pull-request comment).")
@click.option("-o", "--output", callback=_output_path, metavar="FILE", help="Write the report to FILE instead of stdout.")
@click.option("--fail-on", metavar="STATUSES", help="Statuses that make the exit code 1, comma-separated: outdated, missing, extra, untranslated, diverged, or none [default: all of them].")
@click.option("--record", is_flag=True, help="Record every paired section as in step in the lock file (lock mode from then on).")
@click.option("--ack", "acks", multiple=True, metavar="SECTION", help="Accept the current English text of SECTION (title, key, or FILE:LINE) without retranslation; repeatable.")
@click.option("--lock", "lock_file", metavar="FILE", help="The lock file, shared with sync [config: lock; default .transkit.lock beside the config, else at the top of the git repository, else here].")
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
    with output_stream(output) as out:
        render(report, out, fmt=fmt)
    return 1 if report.fails(statuses) else 0


# === po commands ===


@cli.group(context_settings=CONTEXT)
def po() -> None:
    """Gettext catalogs from Markdown: extract, build, update, compile, apply."""


_front_matter_option = click.option(
    "--front-matter",
    "front_matter",
    multiple=True,
    metavar="KEY",
    help="Also translate this front matter key's value (repeatable, or comma-separated: title,description).",
)


def _plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


@po.command("extract")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", callback=_output_path, metavar="FILE", help="Write the template to FILE (.pot) instead of stdout.")
@click.option("--project", metavar="NAME", help="Project-Id-Version of the template [default: the first source's name].")
@_front_matter_option
def po_extract(sources, output, project, front_matter) -> int:
    """Make a template (.pot) with one entry per heading, paragraph, list item, table cell and alt text."""
    from transkit.catalog import extract_files

    cat = extract_files(list(sources), output, front_matter_keys=_split(front_matter), project=project)
    click.echo(f"transkit: {_plural(len(cat.entries), 'entry', 'entries')} extracted from {_plural(len(sources), 'file')}", err=True)
    return 0


@po.command("build")
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("translation", type=click.Path(path_type=Path))
@click.option("--lang", required=True, metavar="LANG", help="Language of TRANSLATION: zh-Hans or zh-Hant (zh-CN, zh-TW, zh-HK accepted).")
@click.option("-o", "--output", callback=_output_path, metavar="FILE", help="Write the catalog to FILE (.po) instead of stdout.")
@click.option("--template", type=click.Path(path_type=Path), metavar="POT", help="Fill this template instead of extracting one from SOURCE.")
@click.option("--fuzzy-below", type=click.FloatRange(0, 1), default=0.5, show_default=True, help="Mark pairs the alignment is less confident of as fuzzy.")
@click.option("--config", "config_file", metavar="FILE", help="Use this config file instead of searching for one.")
@_front_matter_option
def po_build(source, translation, lang, output, template, fuzzy_below, config_file, front_matter) -> int:
    """Build a catalog from SOURCE and its existing TRANSLATION, pairing units through the alignment."""
    from transkit.catalog import build_files
    from transkit.resources import Resources

    resources = Resources(_config(source, config_file))
    r = build_files(source, translation, lang, output, template=template, front_matter_keys=_split(front_matter), fuzzy_below=fuzzy_below, resources=resources)
    click.echo(f"transkit: {r.translated} translated, {r.fuzzy} fuzzy, {r.untranslated} untranslated", err=True)
    for msgid in r.conflicts:
        click.echo(f"transkit: note: {msgid[:60]!r} is translated differently in different places; the surest one was kept", err=True)
    return 0


@po.command("update")
@click.argument("catalog", type=click.Path(path_type=Path))
@click.argument("template", type=click.Path(path_type=Path))
@click.option("-o", "--output", callback=_output_path, metavar="FILE", help="Write the merged catalog to FILE [default: update CATALOG in place].")
def po_update(catalog, template, output) -> int:
    """Merge CATALOG with a new TEMPLATE like msgmerge (whitespace-only changes stay translated)."""
    from transkit.catalog import update_files

    r = update_files(catalog, template, output)
    click.echo(
        f"transkit: {r.kept} kept, {r.respaced} kept (whitespace change), {r.fuzzy} fuzzy, {r.new} new, {r.obsolete} obsolete",
        err=True,
    )
    return 0


@po.command("compile")
@click.argument("catalog", type=click.Path(path_type=Path))
@click.option("-o", "--output", callback=_output_path, required=True, metavar="FILE", help="The .mo file to write.")
@click.option("--use-fuzzy", is_flag=True, help="Include fuzzy translations (msgfmt leaves them out).")
def po_compile(catalog, output, use_fuzzy) -> int:
    """Compile CATALOG to a GNU .mo file."""
    from transkit.catalog import compile_file

    r = compile_file(catalog, output, use_fuzzy=use_fuzzy)
    skipped = f", {r.fuzzy_skipped} fuzzy left out" if r.fuzzy_skipped else ""
    click.echo(f"transkit: {_plural(r.messages, 'message')} compiled{skipped}, {r.untranslated} untranslated", err=True)
    return 0


@po.command("apply")
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("catalog", type=click.Path(path_type=Path))
@click.option("-o", "--output", callback=_output_path, metavar="FILE", help="Write the translated Markdown to FILE instead of stdout.")
@click.option("--use-fuzzy", is_flag=True, help="Use fuzzy translations too (by default they fall back to the source).")
@click.option("--strict", is_flag=True, help="Exit 1 when any unit was left in the source language.")
def po_apply(source, catalog, output, use_fuzzy, strict) -> int:
    """Rebuild the translated Markdown from SOURCE and CATALOG; untranslated units keep the source text."""
    from transkit.catalog import apply_file

    r = apply_file(source, catalog, output, use_fuzzy=use_fuzzy)
    for u in r.untranslated:
        click.echo(f"{source}:{u.line}: untranslated {u.kind.value}, kept the source text: {u.text[:50]!r}", err=True)
    for u in r.fuzzy:
        click.echo(f"{source}:{u.line}: fuzzy {u.kind.value}, kept the source text (--use-fuzzy uses it): {u.text[:50]!r}", err=True)
    left = len(r.untranslated) + len(r.fuzzy)
    click.echo(f"transkit: {_plural(r.translated, 'unit')} translated, {left} left in the source language", err=True)
    return 1 if strict and left else 0


# === init command ===


@cli.command()
@click.argument("directory", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing transkit.toml.")
@click.option("--print", "print_only", is_flag=True, help="Print the configuration instead of writing it.")
def init(directory, force, print_only) -> int:
    """Detect the translation layout and write a commented transkit.toml."""
    from transkit.init import detect, render, write_config

    if print_only:
        click.echo(render(detect(directory)), nl=False)
        return 0
    path, layout = write_config(directory, force=force)
    click.echo(f"wrote {path} ({layout.kind}: {', '.join(layout.languages)})", err=True)
    return 0


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
