"""TK010-TK019: gettext catalogs (.po / .pot) that translation tools would refuse or garble.

These checks look at the catalog itself: its syntax, its header, and each
entry's msgid against its msgstr. The text checks (script, glossary, regional
vocabulary, mojibake ...) also run on every msgstr of a .po file; that is
:func:`transkit.catalog.lint_po`'s job, which also runs these. On Markdown files
they find nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

from transkit import lang as langs
from transkit.checks.base import Check, FileContext, register
from transkit.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:  # pragma: no cover
    from transkit.pofile import Entry, ParseResult


class CatalogCheck(Check):
    """Base for checks of a PO file; ``check_catalog`` gets the parsed file."""

    def check_file(self, doc, ctx):
        return ()

    def check_catalog(self, parsed: "ParseResult", ctx: FileContext) -> Iterable[Diagnostic]:
        return ()


def is_template(parsed: "ParseResult", path: str) -> bool:
    """A .pot file, or a catalog whose header still has no language."""
    return path.endswith(".pot") or not (parsed.catalog.language or "").strip()


def _at_msgstr(e: "Entry", form: int = 0) -> tuple[int, int]:
    """Line and column of a msgstr's first character (its keyword line for an empty one)."""
    if form < len(e.msgstr_pieces) and e.msgstr_pieces[form]:
        line, column, _ = e.msgstr_pieces[form][0]
        return line, column + 1
    return (e.msgid_line or e.line), 1


@register
class PoSyntaxError(CatalogCheck):
    """A line of a PO file that gettext cannot read.

    ``msgfmt`` stops at these and translation platforms reject the upload.
    transkit reads on after each one, so every broken line is listed.

    Failing example::

        msgid "Hello
        msgstr "你好"

    (the string is not closed on its line). Fix: close the quote, escape
    quotes inside strings as ``\\"``, and continue long strings on the next
    line as another quoted string.
    """

    code = "TK010"
    name = "po-syntax-error"
    severity = Severity.ERROR

    def check_catalog(self, parsed, ctx):
        for p in parsed.problems:
            if p.kind == "syntax":
                yield self.diagnostic(ctx, p.line, p.column, p.message)


@register
class PoDuplicateMessage(CatalogCheck):
    """The same msgid (with the same msgctxt) is defined twice.

    gettext keeps one translation per (msgctxt, msgid); ``msgfmt`` refuses a
    file with two. It happens when two catalogs are concatenated by hand.

    Failing example: two entries ``msgid "Overview"`` without msgctxt. Fix:
    delete one, or tell them apart with a ``msgctxt``
    (``transkit po extract`` adds the section path when a text repeats under
    different headings).
    """

    code = "TK011"
    name = "po-duplicate-message"
    severity = Severity.ERROR

    def check_catalog(self, parsed, ctx):
        for p in parsed.problems:
            if p.kind == "duplicate":
                yield self.diagnostic(ctx, p.line, p.column, p.message)



@register
class PoHeader(CatalogCheck):
    """The header entry lacks something tools need: the charset, the language, the plural rule.

    - ``Content-Type: text/plain; charset=UTF-8``: without it ``msgfmt`` and
      Python's gettext read the file as ASCII; transkit reads catalogs as UTF-8.
    - ``Language``: tells the platforms (and transkit's own text checks) which
      language the msgstrs are in. A template (.pot) may leave it empty.
    - ``Plural-Forms``: ``msgfmt --check`` refuses plural entries without it;
      for Chinese it is ``nplurals=1; plural=0;``.

    Failing example: a header with ``Language: zh_XX``. Fix: ``Language:
    zh_Hans`` or ``zh_Hant`` (``transkit po build`` writes a complete header).
    """

    code = "TK012"
    name = "po-header"
    severity = Severity.WARNING

    def check_catalog(self, parsed, ctx):
        cat = parsed.catalog
        if cat.header is None:
            if cat.entries:
                yield self.diagnostic(ctx, 1, 1, 'no header entry (msgid "" with Content-Type, Language and Plural-Forms) at the top of the catalog')
            return
        line = cat.header.msgid_line or cat.header.line or 1
        meta = cat.metadata
        from transkit import pofile  # not at the top: this module loads on the Markdown lint path too

        m = pofile.CHARSET.search(meta.get("Content-Type", ""))
        if not m:
            yield self.diagnostic(ctx, line, 1, "header has no charset: add 'Content-Type: text/plain; charset=UTF-8'")
        elif not pofile.is_utf8(m.group(1)):
            yield self.diagnostic(ctx, line, 1, f"header declares charset {m.group(1)}, but the file is read as UTF-8; convert it and declare UTF-8")
        template = is_template(parsed, ctx.path)
        language = (meta.get("Language") or "").strip()
        if not template:
            try:
                langs.normalize(language)
            except ValueError as exc:
                yield self.diagnostic(ctx, line, 1, f"header Language {language!r}: {exc}")
        plural = meta.get("Plural-Forms")
        if plural is not None and plural.strip() and not pofile.PLURAL_FORMS.match(plural):
            yield self.diagnostic(ctx, line, 1, f"Plural-Forms {plural!r} is not of the form 'nplurals=N; plural=EXPRESSION;'")
        elif not (plural or "").strip() and any(e.msgid_plural is not None and not e.obsolete for e in cat.entries):
            yield self.diagnostic(ctx, line, 1, "the catalog has plural entries but no Plural-Forms header ('nplurals=1; plural=0;' for Chinese)")
        elif not template and not (plural or "").strip():
            yield self.diagnostic(ctx, line, 1, "header has no Plural-Forms ('nplurals=1; plural=0;' for Chinese)", severity=Severity.INFO)


@register
class PoLanguageMismatch(CatalogCheck):
    """The header's Language is not the language the file's path names.

    ``locales/zh-Hant/roadmap.po`` with ``Language: zh_Hans`` is a catalog
    copied to the wrong place, or a header nobody updated; the text checks
    would then judge its msgstrs by the wrong script.

    Fix: move the file, or correct the ``Language`` header.
    """

    code = "TK018"
    name = "po-language-mismatch"
    severity = Severity.WARNING

    def check_catalog(self, parsed, ctx):
        cat = parsed.catalog
        declared = (cat.language or "").strip()
        named = langs.from_path(ctx.path)
        if not declared or not named or cat.header is None:
            return
        try:
            lang = langs.normalize(declared)
        except ValueError:
            return
        if lang != named:
            yield self.diagnostic(ctx, cat.header.msgid_line or 1, 1, f"header says Language {declared} ({lang}) but the path names {named}")


@register
class PoNewlineMismatch(CatalogCheck):
    """A msgstr that does not begin or end with a newline the way its msgid does.

    ``msgfmt --check`` refuses these: code that prints the message relies on
    the line structure. Markdown units never begin or end with a newline, so
    a translation that does adds a blank line to the rebuilt document.

    Failing example: ``msgid "Overview"`` / ``msgstr "概览\\n"``. Fix: remove
    (or add) the newline.
    """

    code = "TK013"
    name = "po-newline-mismatch"
    severity = Severity.ERROR

    def check_catalog(self, parsed, ctx):
        for e in parsed.catalog.entries:
            if e.obsolete:
                continue
            ids = (e.msgid,) if e.msgid_plural is None else (e.msgid, e.msgid_plural)
            for form, s in enumerate(e.translations):
                if not s:
                    continue
                src = ids[min(form, len(ids) - 1)]
                for where, test in (("begins", str.startswith), ("ends", str.endswith)):
                    if test(src, "\n") != test(s, "\n"):
                        which = "msgid" if test(src, "\n") else "msgstr"
                        line, col = _at_msgstr(e, form)
                        yield self.diagnostic(ctx, line, col, f"{which} {where} with a newline but the other does not")


# A code span opens and closes on whole backtick runs of the same length
# (CommonMark); anchored on whole runs, a long run of backticks is read once.
_CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_DEST = re.compile(r"\]\(\s*(<[^>]*>|[^\s)]+)")
_URL = re.compile(r"(?:https?|ftp)://[^\s<>()\[\]\"'`]+[^\s<>()\[\]\"'`.,;:!?]")


def markup_tokens(text: str) -> list[str]:
    """What a translation must carry over verbatim: code spans, link targets, URLs.

    >>> markup_tokens("Run `pip install x`, see [docs](https://x.org/a) or https://y.org.")
    ['`pip install x`', '](https://x.org/a)', 'https://y.org']
    """
    out = [m.group(0) for m in _CODE.finditer(text)]
    masked = _CODE.sub(lambda m: " " * len(m.group(0)), text)
    dests = [m.group(1) for m in _DEST.finditer(masked)]
    out.extend(f"]({d})" for d in dests)
    masked = _DEST.sub(lambda m: " " * len(m.group(0)), masked)
    out.extend(m.group(0) for m in _URL.finditer(masked))
    return out


@register
class PoMarkupMismatch(CatalogCheck):
    """A translation lost a code span, a link target or a URL of its msgid.

    ``transkit po apply`` puts each msgstr into the Markdown as written, so a
    code span translated by mistake, or a link whose target was edited, breaks
    the rebuilt page. Each one must appear in the msgstr exactly as in the
    msgid (its position may move).

    Failing example: ``msgid "Set `temperature` low."`` /
    ``msgstr "把温度设低。"``. Fix: ``msgstr "把 `temperature` 设低。"``.
    Fuzzy and untranslated entries are not checked.
    """

    code = "TK014"
    name = "po-markup-mismatch"
    severity = Severity.WARNING

    def check_catalog(self, parsed, ctx):
        for e in parsed.catalog.entries:
            if e.obsolete or e.fuzzy or e.msgid_plural is not None or not e.msgstr:
                continue
            need = markup_tokens(e.msgid)
            if not need:
                continue
            have = e.msgstr
            missing = []
            for tok in need:
                at = have.find(tok)
                if at == -1:
                    missing.append(tok)
                else:
                    have = have[:at] + have[at + len(tok) :]
            if missing:
                line, col = _at_msgstr(e)
                shown = ", ".join(missing[:3]) + (" ..." if len(missing) > 3 else "")
                yield self.diagnostic(ctx, line, col, f"msgstr lacks {shown} from its msgid (code, link targets and URLs stay verbatim)")


@register
class PoFuzzyEntry(CatalogCheck):
    """A fuzzy entry: a translation that waits for review.

    ``msgfmt`` and ``transkit po apply`` leave fuzzy translations out, so the
    English text shows in their place. ``transkit po build`` marks units the
    alignment was unsure of; ``transkit po update`` marks entries whose English
    changed, with the old English kept in ``#| msgid`` for comparison.

    Fix: review the translation against the msgid, then delete the ``fuzzy``
    flag (and the ``#|`` lines).
    """

    code = "TK015"
    name = "po-fuzzy-entry"
    severity = Severity.INFO

    def check_catalog(self, parsed, ctx):
        for e in parsed.catalog.entries:
            if e.fuzzy and not e.obsolete and e.translated:
                line, col = _at_msgstr(e)
                was = " (its English changed: compare with the #| msgid)" if e.previous_msgid is not None else ""
                yield self.diagnostic(ctx, line, col, f"fuzzy translation, not used until reviewed{was}")


@register
class PoUntranslatedEntry(CatalogCheck):
    """An entry with an empty msgstr (opt-in: catalogs are often partly translated).

    ``transkit po apply`` keeps the source text for it. Select this check
    (``--select TK016``) to list what remains to translate.
    """

    code = "TK016"
    name = "po-untranslated-entry"
    severity = Severity.INFO
    default_enabled = False

    def check_catalog(self, parsed, ctx):
        if is_template(parsed, ctx.path):
            return
        for e in parsed.catalog.entries:
            if not e.obsolete and not e.translated and not e.fuzzy:
                yield self.diagnostic(ctx, e.msgid_line or e.line, 1, "untranslated entry")


@register
class PoPluralForms(CatalogCheck):
    """A plural entry with a different number of msgstr[N] than the header's nplurals.

    Chinese has one plural form (``nplurals=1``): an entry copied from an
    English catalog with ``msgstr[0]`` and ``msgstr[1]`` makes ``msgfmt
    --check`` fail.

    Fix: keep exactly ``nplurals`` forms.
    """

    code = "TK017"
    name = "po-plural-forms"
    severity = Severity.ERROR

    def check_catalog(self, parsed, ctx):
        from transkit.pofile import PLURAL_FORMS

        m = PLURAL_FORMS.match(parsed.catalog.metadata.get("Plural-Forms", "") or "")
        if not m:
            return
        n = int(m.group(1))
        for e in parsed.catalog.entries:
            if e.obsolete or e.msgid_plural is None or not any(e.msgstr_plural):
                continue
            if len(e.msgstr_plural) != n:
                line, col = _at_msgstr(e)
                yield self.diagnostic(ctx, line, col, f"{len(e.msgstr_plural)} plural forms, but the header's Plural-Forms says nplurals={n}")


def catalog_checks() -> list[type[CatalogCheck]]:
    from transkit.checks.base import registry

    return [c for c in registry().values() if isinstance(c, type) and issubclass(c, CatalogCheck)]


__all__ = ["CatalogCheck", "catalog_checks", "markup_tokens", "is_template"]
