"""TK210-TK239: mojibake, text that went through the wrong character encoding.

Every finding names the accident transkit guesses (which encoding was used by
mistake, whether bytes were lost) and how confident that guess is. Where the
repair is certain (nothing was lost) or the language model is confident about
every character it had to choose, the finding carries the repaired line as a
fix. ``transkit repair FILE`` repairs a whole file. The detection itself lives in
:mod:`transkit.mojibake`; this module turns it into diagnostics.

Protected spans (inline code, code blocks, URLs) are not looked at, so
mojibake quoted on purpose in a code span is not reported.
"""

from __future__ import annotations

import weakref
from itertools import accumulate
from typing import TYPE_CHECKING, Iterable

from transkit.checks.base import Check, register
from transkit.diagnostics import Fix, Severity

if TYPE_CHECKING:  # pragma: no cover
    from transkit.document import Document

# Below this, a guessed character is not offered as a fix (option ``fix-confidence``).
DEFAULT_FIX_CONFIDENCE = 0.9
_EXCERPT = 16


class _Finding:
    __slots__ = ("code", "line", "start", "end", "message", "data", "fix", "repair_confidence")

    def __init__(self, code: str, line: int, start: int, end: int, message: str, data: dict, fix: str | None = None, repair_confidence: float = 1.0) -> None:
        self.code = code
        self.line = line
        self.start = start  # 0-based column of the first damaged character
        self.end = end
        self.message = message
        self.data = data
        self.fix = fix  # the whole repaired line
        self.repair_confidence = repair_confidence


class _Analysis:
    __slots__ = ("findings",)

    def __init__(self) -> None:
        self.findings: list[_Finding] = []


# Per document object (documents are unhashable): id -> (weak reference, analysis).
_CACHE: dict[int, tuple[weakref.ref, _Analysis]] = {}


def _cached(doc) -> _Analysis | None:
    entry = _CACHE.get(id(doc))
    if entry is not None and entry[0]() is doc:
        return entry[1]
    return None


def _remember(doc, analysis: _Analysis) -> None:
    key = id(doc)
    _CACHE[key] = (weakref.ref(doc, lambda _r, key=key: _CACHE.pop(key, None)), analysis)


def _excerpt(text: str) -> str:
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


def _code_for(d) -> str:
    from transkit.mojibake import Accident

    if d.accident is Accident.SINGLE_BYTE:
        if d.layers > 1:
            return "TK215"
        return "TK211" if d.lossy else "TK210"
    return {
        Accident.GBK: "TK212",
        Accident.BIG5: "TK213",
        Accident.GBK_AS_BIG5: "TK214",
        Accident.BIG5_AS_GBK: "TK214",
        Accident.MARKER: "TK216",
        Accident.REPLACEMENT_RUN: "TK217",
    }[d.accident]


def analyze(doc: "Document", ctx) -> _Analysis:
    """Scan a document once for every mojibake check (cached per document object)."""
    got = _cached(doc)
    if got is not None:
        return got
    result = _Analysis()
    _remember(doc, result)
    text = doc.text
    if text.isascii():
        return result
    from transkit import mojibake

    # Document-level gate: the characters any damage begins with, from the
    # document's cached character set. A clean document stops here.
    chars = doc.chars
    swap_lang = ctx.lang if ctx.lang in ("zh-Hans", "zh-Hant", "zh-HK") else None
    swap = mojibake.swap_possible(text, chars)
    suspects = mojibake.suspect_chars(chars)
    if not swap and not suspects:
        return result
    n_lines = doc.line_count
    starts = [0, *accumulate(map(len, doc.lines))][:n_lines]

    def masked(n: int) -> str:
        return doc.masked(n) if doc.spans(n) else doc.body(n)

    # Only lines holding a lead character can show the evidence of a code page.
    latin_leads = suspects & mojibake.latin_leads()
    latin_lines = sorted(mojibake.lines_with(text, latin_leads, starts)) if latin_leads else []
    evidence = mojibake.establish_codec(masked(n) for n in latin_lines)
    holder: dict = {}

    def model():
        if "lm" not in holder:
            holder["lm"] = _model(doc, ctx, [masked(n) for n in range(1, n_lines + 1)])
        return holder["lm"]

    if evidence.lossy or swap:
        visit: Iterable[int] = range(1, n_lines + 1)
    else:
        visit = sorted(mojibake.lines_with(text, suspects, starts))
    for n in visit:
        line = masked(n)
        if line.isascii():
            continue
        if not (evidence.lossy or mojibake.looks_damaged(line) or (swap and mojibake.swap_suspect(line, swap_lang))):
            continue
        body = doc.body(n)
        spans = [(s.start, s.end) for s in doc.spans(n)]
        scan = mojibake.scan_line(
            body,
            protected=spans,
            prefer=evidence.codec,
            lossy_only=evidence.lossy,
            model_getter=model,
            swap_lang=swap_lang if swap else None,
        )
        if not scan.runs and not scan.markers:
            continue
        needs_model = any(r.lossy for r in scan.runs)
        rep = mojibake.repair_line(body, model=model() if needs_model else None, lang=ctx.lang, line_number=n, scan=scan)
        _line_findings(result, n, body, rep)
    return result


def _model(doc, ctx, masked):
    """The language model for this document, knowing the project's glossary terms."""
    from transkit import langmodel, mojibake

    lang = ctx.lang if ctx.lang in ("zh-Hans", "zh-Hant", "zh-HK") else mojibake.guess_script("".join(masked))
    lm = langmodel.load(lang)
    try:
        glossary = ctx.resources.glossary
    except Exception:  # a broken glossary is reported by its own checks; repair without it
        return lm
    terms = tuple(form for term in glossary for form in term.accepted(lang))
    return lm.extension(("terms", terms, None, None), lambda: lm.lexicon_words(terms)) if terms else lm


def _line_findings(result: _Analysis, n: int, body: str, rep) -> None:
    """One finding per accident in the line (runs of the same accident are merged)."""
    groups: dict[str, list] = {}
    for d in rep.damages:
        groups.setdefault(_code_for(d), []).append(d)
    fixed_line = rep.text if rep.text != body else None
    if fixed_line is not None and fixed_line.count("\ufffd") > body.count("\ufffd"):
        fixed_line = None  # a repair that leaves lost bytes behind is no fix
    fix_given = False
    for code, ds in sorted(groups.items(), key=lambda kv: kv[1][0].start):
        first, last = ds[0], ds[-1]
        damaged = "".join(d.text for d in ds)
        conf = max(d.confidence for d in ds)
        data = {
            "accident": first.accident.value,
            "codec": first.codec,
            "confidence": conf,
            "lossy": any(d.lossy for d in ds),
        }
        if code in ("TK216", "TK217"):
            what = "U+FFFD replacement characters" if code == "TK217" else f"'{_excerpt(damaged)}'"
            if code == "TK217":
                msg = (
                    f"{sum(len(d.text) for d in ds)} {what} in a row: the bytes of other-encoded text "
                    f"(GBK or Big5 read as UTF-8) were replaced and are lost (confidence {conf:.2f})"
                )
            else:
                msg = f"{what} marks bytes lost in an earlier decoding ({first.label}); the text must be restored from a source (confidence {conf:.2f})"
            result.findings.append(_Finding(code, n, first.start, last.end, msg, data))
            continue
        repaired = "".join(d.repaired for d in ds) if all(d.repaired is not None for d in ds) else None
        in_run = [c for c in rep.choices]
        guess = ""
        repair_conf = 1.0
        if any(d.lossy for d in ds):
            repair_conf = rep.confidence
            data["guessed"] = len(in_run)
            data["repair_confidence"] = round(repair_conf, 4)
            guess = f"; {len(in_run)} lost character{'s' if len(in_run) != 1 else ''} guessed, lowest confidence {repair_conf:.2f}"
        label = first.label
        if repaired is None and fixed_line is not None and first is rep.damages[0]:
            # The line is unchanged before its first damage, so the repair starts at the same column.
            repaired = fixed_line[first.start :]
        if repaired is not None:
            msg = f"{label}: '{_excerpt(damaged)}' reads '{_excerpt(repaired)}' (confidence {conf:.2f}){guess}"
        else:
            msg = f"{label}: '{_excerpt(damaged)}' (confidence {conf:.2f})"
        finding = _Finding(code, n, first.start, last.end, msg, data, repair_confidence=repair_conf)
        if fixed_line is not None and not fix_given:
            finding.fix = fixed_line
            fix_given = True
        result.findings.append(finding)


class _MojibakeCheck(Check):
    severity = Severity.ERROR

    def check_file(self, doc, ctx):
        analysis = analyze(doc, ctx)
        threshold = float(self.opts.get("fix-confidence", DEFAULT_FIX_CONFIDENCE))
        for f in analysis.findings:
            if f.code != self.code:
                continue
            fix = None
            if f.fix is not None and f.repair_confidence >= threshold:
                fix = Fix(f.line, 1, None, f.fix, "repair the encoding of this line")
            yield self.diagnostic(ctx, f.line, f.start + 1, f.message, end_column=f.end + 1, fix=fix, data=f.data)


@register
class SingleByteMojibake(_MojibakeCheck):
    """UTF-8 text decoded with a one-byte code page: Windows-1252/-1254/-1250/-1251, Latin-1 or Mac OS Roman.

    A tool that did not know the file was UTF-8 read each byte as one
    character, and the result was saved: every Chinese character became three
    Latin letters and symbols. Nothing is lost yet; the bytes can be read again.

    Failing example: ``æ‡‰ç”¨å·¥ç¨‹`` (for 應用工程), ``CafÃ©`` (for Café).

    Fix: take the suggested fix, or run ``transkit repair FILE`` for the whole
    file. Then find the tool that read the file with the wrong encoding.
    """

    code = "TK210"
    name = "mojibake"
    fixable = True


@register
class LossyMojibake(_MojibakeCheck):
    """UTF-8 decoded with a one-byte code page, and bytes were lost on the way.

    Windows-1252 and -1254 leave some bytes undefined (0x81, 0x8D, 0x8F, 0x90,
    0x9D, and 0x8E, 0x9E for -1254); many tools drop them, and soft hyphens
    (0xAD) get stripped as invisible. A Chinese character that had one of those
    bytes can only be restored by choosing among the few characters its
    remaining bytes allow, from the context. The finding says how many
    characters had to be guessed and the lowest confidence; the fix is offered
    only when every guess is confident (option ``fix-confidence``, default 0.9).

    Failing example: ``æ¨¡å`` (the 0x9E of 型 in 模型 was dropped).

    Fix: ``transkit repair FILE --reference ORIGINAL`` with the zh-Hans original
    when there is one, and review the characters it lists as uncertain.
    """

    code = "TK211"
    name = "mojibake-lossy"
    fixable = True
    options = {"fix-confidence": DEFAULT_FIX_CONFIDENCE}


@register
class GbkMojibake(_MojibakeCheck):
    """UTF-8 text decoded as GBK/GB18030 (a mainland Windows default).

    Each pair of UTF-8 bytes became one GBK character: rare characters and odd
    symbols (″ ㄧ) appear where common ones should be.

    Failing example: ``妯″瀷閮ㄧ讲`` (for 模型部署).

    Fix: take the suggested fix or run ``transkit repair FILE``.
    """

    code = "TK212"
    name = "mojibake-gbk"
    fixable = True


@register
class Big5Mojibake(_MojibakeCheck):
    """UTF-8 text decoded as Big5 (a Taiwan Windows default).

    Each pair of UTF-8 bytes became one Big5 character; pairs Big5 does not
    define were lost or kept as raw bytes.

    Failing example: ``璅∪���函蔡`` (for 模型部署, with four bytes lost).

    Fix: take the suggested fix or run ``transkit repair FILE``; characters
    whose bytes were lost are guessed and listed.
    """

    code = "TK213"
    name = "mojibake-big5"
    fixable = True


@register
class GbkBig5Confusion(_MojibakeCheck):
    """GBK text decoded as Big5, or Big5 text decoded as GBK.

    Both encodings use two bytes per character, so the result is a string of
    real but unrelated Chinese characters (with kana, Greek or box-drawing
    symbols mixed in when Big5 is read as GBK). Detected when the line reads far
    better after undoing the confusion; the confidence is lower than for the
    other accidents.

    Failing example: ``模型部署`` written in GBK and read as Big5.

    Fix: take the suggested fix after reading it, or re-convert the file from
    its original bytes.
    """

    code = "TK214"
    name = "gbk-big5-confusion"
    fixable = True


@register
class DoubleEncoding(_MojibakeCheck):
    """Mojibake of mojibake: UTF-8 decoded with a one-byte code page twice.

    The damaged text was saved as UTF-8 and read wrongly again, so each
    original byte is now two or more characters (``Ã¦Â‡Â‰`` for 應).

    Fix: take the suggested fix, which undoes every layer, or run
    ``transkit repair FILE``.
    """

    code = "TK215"
    name = "double-encoding"
    fixable = True


@register
class LostTextMarker(_MojibakeCheck):
    """锟斤拷, 烫烫烫 or 屯屯屯: the mark of bytes lost before this file was written.

    锟斤拷 is what U+FFFD replacement characters look like when their UTF-8
    bytes are read as GBK (嚙踝蕭 as Big5); 烫烫烫 and 屯屯屯 are MSVC's fill
    bytes for uninitialized memory read as GBK. The original text is gone.

    Failing example: ``模型锟斤拷署``.

    Fix: restore the text from the source document or version control.
    """

    code = "TK216"
    name = "lost-text-marker"


@register
class ReplacementRun(_MojibakeCheck):
    """Several U+FFFD in a row: text in another encoding was decoded as UTF-8 with replacement.

    Two or more replacement characters together are what GBK or Big5 Chinese
    looks like after a UTF-8 decoder replaced every byte it could not read (one
    U+FFFD alone is reported by TK201). This check names the likely accident;
    the characters cannot be recovered from this file.

    Failing example: ``模型的���方式``.

    Fix: re-decode the original file with its real encoding
    (``iconv -f GBK -t UTF-8``), or restore the text from a source.
    """

    code = "TK217"
    name = "replacement-run"
    severity = Severity.WARNING
