"""TK401-TK409: the term glossary, per file, per aligned pair and across the project.

Terms are found without word boundaries (Chinese has none): one Aho-Corasick
automaton per locale runs over each line with its protected spans masked, and
a forbidden string counts only where no accepted rendering covers it, so 算法
does not fire inside 演算法 (see :mod:`transkit.glossary`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache

from transkit.checks.base import Check, Scope, register
from transkit.diagnostics import Fix, Location, Severity
from transkit.glossary import ascii_lower, line_texts

_CHINESE = frozenset({"zh-Hans", "zh-Hant", "zh-HK"})


def _where(term) -> str:
    return f" (glossary: {_file_name(term.source)})" if term.source else ""


@lru_cache(maxsize=None)
def _file_name(source: str) -> str:
    from pathlib import Path

    return Path(source).name


@register
class ForbiddenTerm(Check):
    """A rendering the glossary forbids in this locale.

    The glossary lists, per term and locale, strings that must not appear: the
    other region's word (数据库 or 數據庫 in a Taiwan file, where 資料庫 is
    right), a known mistranslation (令牌 for an LLM token), or a conversion
    artifact (註意力). Matching needs no word boundaries and never fires
    inside an accepted rendering: a forbidden 算法 stays silent in 演算法.

    Failing example (zh-Hant): ``向量數據庫``. Fix: ``向量資料庫`` (the
    preferred rendering, offered as the fix).
    """

    code = "TK401"
    name = "forbidden-term"
    severity = Severity.WARNING
    languages = _CHINESE
    fixable = True

    def check_file(self, doc, ctx):
        index = ctx.resources.glossary.index(ctx.lang)
        if not index.size:
            return
        for n, masked in line_texts(doc, index.candidate_lines(doc)):
            for hit in index.forbidden(masked):
                term, repl = hit.term, hit.replacement
                fix = None
                if repl:
                    fix = Fix(n, hit.start + 1, hit.end + 1, repl, f"replace {hit.text} with {repl}")
                    hint = f"; use {repl}"
                else:
                    hint = ""
                yield self.diagnostic(
                    ctx,
                    n,
                    hit.start + 1,
                    f"{hit.text} is not used for {term.en!r} in {ctx.lang}{hint}{_where(term)}",
                    end_column=hit.end + 1,
                    fix=fix,
                    data={"term": term.en, "found": hit.text, "preferred": repl or ""},
                )


def _present(text_ci: str, text: str, term, lang: str) -> bool:
    """Whether any acceptable rendering of ``term`` (or its English) occurs in the section text."""
    from transkit.glossary import _plural_end, _spellings

    for form in term.accepted(lang):
        if form in text:
            return True
    for form in term.english:
        for spelling in _spellings(form):
            needle = ascii_lower(spelling)
            start = text_ci.find(needle)
            while start != -1:
                if _plural_end(text_ci, start, start + len(needle), needle) is not None:
                    return True
                start = text_ci.find(needle, start + 1)
    return False


def _section_text(lines: dict[int, str], section) -> str:
    return "\n".join(lines[n] for n in range(section.start_line, section.end_line + 1) if n in lines)


@register
class MissingTerm(Check):
    """A glossary term in the source section has no rendering in the aligned translated section.

    When the English section names a glossary term (retrieval-augmented
    generation, RAG), the translated section should carry its rendering: the
    preferred form, an allowed form, or the English kept as is (检索增强生成,
    RAG). Its absence usually means a sentence was dropped or the term was
    translated ad hoc. Sections aligned with low confidence are skipped (option
    ``min-confidence``, default 0.45), and so are terms whose forbidden rendering
    is in the section (TK401 reports those).

    Failing example: source ``## Retrieval`` section mentions "vector
    database", zh-Hans section says only ``向量库``. Fix: use 向量数据库 (or add
    向量库 to the term's ``allowed.zh-Hans``).
    """

    code = "TK402"
    name = "missing-term"
    severity = Severity.WARNING
    scope = Scope.PAIR
    languages = _CHINESE
    options = {"min-confidence": 0.45}

    def check_pair(self, pair):
        if pair.source_lang != "en" or pair.target_lang not in _CHINESE:
            return
        glossary = pair.resources.glossary
        if not len(glossary):
            return
        eng = glossary.english_index
        tindex = glossary.index(pair.target_lang)
        min_conf = float(self.opts.get("min-confidence", 0.45))
        src_doc, tgt_doc = pair.source, pair.target
        src_lines = dict(line_texts(src_doc))
        tgt_lines = dict(line_texts(tgt_doc))
        for sp in pair.alignment.pairs:
            if sp.source is None or sp.target is None or sp.confidence < min_conf:
                continue
            found: dict[str, tuple[object, int, int]] = {}
            for n in range(sp.source.start_line, sp.source.end_line + 1):
                masked = src_lines.get(n)
                if not masked:
                    continue
                for hit in eng.find(masked):
                    t = hit.term
                    if t.key() not in found and t.has_rendering(pair.target_lang):
                        found[t.key()] = (t, n, hit.start + 1)
            if not found:
                continue
            text = _section_text(tgt_lines, sp.target)
            text_ci = ascii_lower(text)
            bad = {h.term.key() for h in tindex.forbidden(text)}
            for key, (term, line, col) in found.items():
                if key in bad or _present(text_ci, text, term, pair.target_lang):
                    continue
                expected = term.preferred(pair.target_lang)
                alts = [a for a in term.accepted(pair.target_lang) if a != expected]
                also = f" (or {', '.join(alts[:3])})" if alts else ""
                yield self.diagnostic(
                    pair,
                    sp.target.start_line,
                    1,
                    f"source names {term.en!r} (line {line}) but this section has no rendering of it: expected {expected}{also}",
                    related=Location(src_doc.path, line, col),
                    data={"term": term.en, "expected": expected or ""},
                )


@register
class InconsistentTerm(Check):
    """One English term rendered differently across the files of one language.

    The glossary may accept several renderings (詞元 and 符記 for token in
    zh-Hant), but one document set should pick one. Each file that uses one
    rendering of a term votes for it; the rendering most files use (ties: the
    preferred one) is the project's, and a file that uses another one is
    reported at its first occurrence.

    What is left alone, because it says nothing about consistency: a file that
    mixes renderings (an allowed rendering is often also a plain word, 記錄 for
    log and for record), a rendering contained in another (应用 in 应用程序),
    strings that render several terms (推理 for reasoning and for inference),
    and the English term kept as is.

    Failing example: ``guide.md`` writes 詞元 throughout, ``faq.md`` writes 符記.
    Fix: pick one, or narrow the term's ``allowed`` list in the project glossary.
    """

    code = "TK403"
    name = "inconsistent-term"
    severity = Severity.INFO
    scope = Scope.PROJECT
    languages = _CHINESE

    def collect(self, doc, ctx):
        """{English term: {rendering: (line, column)}}: the first occurrence of each rendering."""
        glossary = ctx.resources.glossary
        if not len(glossary):
            return None
        return glossary.index(ctx.lang).first_renderings(doc) or None

    def check_project(self, project):
        glossary = project.resources.glossary
        by_lang: dict[str, list[tuple[str, dict]]] = defaultdict(list)
        for path, lang, data in project.collected.get(self.code, []):
            if data:
                by_lang[lang].append((path, data))
        for lang, files in sorted(by_lang.items()):
            # term -> rendering -> {path: (line, col)}, for files using one rendering only
            votes: dict[str, dict[str, dict[str, tuple[int, int]]]] = defaultdict(lambda: defaultdict(dict))
            for path, data in files:
                for en, renderings in data.items():
                    if len(renderings) == 1:  # most terms in most files: nothing to compare
                        kept = list(renderings)
                    else:
                        kept = [r for r in renderings if not any(r != o and r in o for o in renderings)]
                    if len(kept) == 1:
                        line, col = renderings[kept[0]]
                        votes[en][kept[0]][path] = (line, col)
            for en, renderings in sorted(votes.items()):
                if len(renderings) < 2:
                    continue
                term = glossary.find(en)
                pref = term.preferred(lang) if term else None
                count = Counter({r: len(paths) for r, paths in renderings.items()})
                main = max(count, key=lambda r: (count[r], r == pref, r))
                main_path, (main_line, main_col) = sorted(renderings[main].items())[0]
                for r, paths in sorted(renderings.items()):
                    if r == main or r in main or main in r:
                        continue
                    for path, (line, col) in sorted(paths.items()):
                        yield self.diagnostic(
                            project,
                            line,
                            col,
                            f"{en!r} is rendered {r} here but {main} in {count[main]} other file(s) of this language",
                            end_column=col + len(r),
                            path=path,
                            lang=lang,
                            related=Location(main_path, main_line, main_col),
                            data={"term": en, "found": r, "usual": main},
                        )
