"""TK510-TK519: regional vocabulary and quote style in Chinese files.

Script and vocabulary are separate problems. A file converted with OpenCC's
``s2tw`` is in Traditional characters but keeps mainland words (數據庫, 內存,
視頻); Taiwan writes 資料庫, 記憶體, 影片. The reverse happens when a Taiwan
text is converted to Simplified characters without phrase conversion (软体,
记忆体).

The vocabulary comes from OpenCC's Taiwan phrase table used in reverse,
derived at development time by ``python -m transkit.checks.regional build``:
every word of jieba's dictionary is converted with ``s2tw`` and with
``s2twp``; where the two differ, the ``s2tw`` form is mainland phrasing in
Traditional script and the ``s2twp`` form its Taiwan counterpart. The pairs
are reduced to the shortest ones that explain the rest, hand-reviewed
exceptions are dropped (``transkit/data/regional-exclusions.txt``: words right
in one sense and wrong in another, such as 程序 and 文件, are never flagged
bare), and the result ships as ``transkit/data/regional-vocabulary.txt``.
Linting reads that table; it never imports jieba or builds an OpenCC
converter.

The glossary has the last word: its accepted renderings mask the table (參數
stays although OpenCC writes 引數), and spans the glossary forbids are left to
TK401.
"""

from __future__ import annotations

import sys
import weakref
from functools import lru_cache
from pathlib import Path

from transkit.checks.base import Check, register
from transkit.diagnostics import Fix, Severity
from transkit.document import is_han
from transkit.glossary import Matcher, line_texts
from transkit.stored import PartlyStored
from transkit.values import frozen

DATA = Path(__file__).resolve().parent.parent / "data"
TABLE = DATA / "regional-vocabulary.txt"
EXCLUSIONS = DATA / "regional-exclusions.txt"

# Which table serves which file language, and what the flagged phrasing is called.
_TABLES = {"zh-Hant": "mainland", "zh-Hans": "Taiwan"}


@frozen
class RegionalTable:
    """Phrases wrong in one locale, with their counterpart, plus correct words that contain them."""

    lang: str  # the locale the phrases are wrong in
    pairs: dict[str, str]
    ok: frozenset[str]
    # Common words that can straddle a phrase's edge: 試圖|標準 holds 圖標.
    guard: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def tables() -> dict[str, RegionalTable]:
    """The shipped tables by file language (``zh-Hant``, ``zh-Hans``)."""
    pairs: dict[str, dict[str, str]] = {lang: {} for lang in _TABLES}
    ok: dict[str, set[str]] = {lang: set() for lang in _TABLES}
    guard: dict[str, set[str]] = {lang: set() for lang in _TABLES}
    section = None
    with TABLE.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                section = line.strip("[]").split()
                continue
            if section is None:
                continue
            lang = section[0]
            kind = section[1] if len(section) > 1 else ""
            if kind == "ok":
                ok[lang].update(line.split())
            elif kind == "guard":
                guard[lang].update(line.split())
            else:
                key, value = line.split("\t")
                pairs[lang][key] = value
    return {lang: RegionalTable(lang, pairs[lang], frozenset(ok[lang]), frozenset(guard[lang])) for lang in _TABLES}


@frozen
class RegionalHit:
    start: int
    end: int
    text: str
    replacement: str


class RegionalIndex(PartlyStored):
    """The table's phrases in one automaton, and the strings that mask them (correct words, glossary renderings) in another.

    In the disk cache the masks and guard words are kept apart and read only
    when a line holds a phrase (see :mod:`transkit.stored`).
    """

    _apart = ("_masks", "_guard")

    def __init__(self, table: RegionalTable, glossary) -> None:
        masks = set(table.pairs.values()) | set(table.ok)
        if glossary is not None:
            for t in glossary:
                masks.update(t.accepted(table.lang))
        keys = {k: v for k, v in table.pairs.items() if k not in masks}
        self._keys = Matcher(keys)
        # Only strings that contain a phrase or share an edge with one can mask it.
        probe = Matcher({k: None for k in keys})
        heads = {k[:t] for k in keys for t in range(1, len(k))}
        tails = {k[t:] for k in keys for t in range(1, len(k))}
        self._masks = Matcher({m: None for m in masks if probe.find(m) or _shares_edge(m, heads, tails)})
        self._guard = table.guard

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_source", None)
        return state

    def _rebuild(self, name: str) -> None:
        # A stored index whose parts went missing: build them again from what it was built from.
        lang, glossary_ref = self._source
        fresh = RegionalIndex(tables()[lang], glossary_ref())
        self.__dict__.update(_masks=fresh._masks, _guard=fresh._guard)

    def straddles(self, text: str, start: int, end: int) -> bool:
        """Whether common words on both sides of some cut through the phrase explain the text better.

        試圖標準化 holds 圖標 (icon) but reads 試圖|標準化; 國內存在 holds 內存
        but reads 國內|存在. Both sides must be common words for the phrase to
        be given up, so 和內存管理 still reports 內存.
        """
        guard = self._guard
        if not guard:
            return False
        for cut in range(start + 1, end):
            left = any(text[a:cut] in guard for a in range(max(0, cut - 4), start))
            if not left:
                continue
            if any(text[cut:b] in guard for b in range(end + 1, min(len(text), cut + 4) + 1)):
                return True
        return False

    def candidate_lines(self, doc) -> list[int]:
        return self._keys.lines(doc)

    def find(self, text: str) -> list[RegionalHit]:
        """Flagged phrases not covered by a correct word (the glossary's rule: see LocaleIndex.forbidden)."""
        found = [RegionalHit(a, b, s, repl) for a, b, s, repl in self._keys.find(text)]
        if not found:
            return []
        masks = [(a, b) for a, b, _, _ in self._masks.find(text)]
        out = [
            h
            for h in found
            if not any(a < h.end and h.start < b and not (h.start <= a and b <= h.end) for a, b in masks)
            and not self.straddles(text, h.start, h.end)
        ]
        out.sort(key=lambda h: (h.start, -(h.end - h.start)))
        kept: list[RegionalHit] = []
        last = -1
        for h in out:
            if h.start >= last:
                kept.append(h)
                last = h.end
        return kept


def _shares_edge(mask: str, heads: set[str], tails: set[str]) -> bool:
    """Whether ``mask`` can partly overlap a phrase: its end begins a phrase, or its start ends one."""
    return any(mask[-t:] in heads or mask[:t] in tails for t in range(1, len(mask)))


_INDEXES: "weakref.WeakKeyDictionary[object, dict[str, RegionalIndex]]" = weakref.WeakKeyDictionary()
_BARE: dict[str, RegionalIndex] = {}


def regional_index(lang: str, glossary) -> RegionalIndex:
    """The index for files in ``lang`` under ``glossary`` (None: the table alone), built once per glossary."""
    per_lang = _BARE if glossary is None else _INDEXES.setdefault(glossary, {})
    index = per_lang.get(lang)
    if index is None:
        index = per_lang[lang] = _stored_index(lang, glossary)
    return index


def _stored_index(lang: str, glossary) -> RegionalIndex:
    """Build the index, or unpickle it from the user cache (building costs ~15 ms a process, loading <1 ms).

    Keyed by the glossary's own cache key, the data files' sizes and times and
    transkit's version; without a cached glossary it is simply built.
    """
    from transkit import cache, stored

    key = getattr(glossary, "cache_key", None)
    if not key or not cache.enabled():
        return RegionalIndex(tables()[lang], glossary)
    import transkit

    stamp = [(str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in (TABLE, EXCLUSIONS) if p.exists()]
    store = cache.cache_dir() / "regional" / f"{cache.digest(transkit.__version__, key, lang, repr(stamp), 'parts')}.pickle"
    index = stored.load(store, RegionalIndex)
    if index is None:  # missing or unreadable: build it
        index = RegionalIndex(tables()[lang], glossary)
        stored.write(store, index)
    else:
        index._source = (lang, weakref.ref(glossary))
    return index


class _RegionalVocabulary(Check):
    severity = Severity.WARNING
    fixable = True
    _other = ""

    def check_file(self, doc, ctx):
        glossary = ctx.resources.glossary
        index = regional_index(ctx.lang, glossary)
        gindex = glossary.index(ctx.lang)
        for n, masked in line_texts(doc, index.candidate_lines(doc)):
            hits = index.find(masked)
            if not hits:
                continue
            # Spans the glossary forbids are TK401's to report.
            taken = [(h.start, h.end) for h in gindex.forbidden(masked)]
            for h in hits:
                if any(a < h.end and h.start < b for a, b in taken):
                    continue
                yield self.diagnostic(
                    ctx,
                    n,
                    h.start + 1,
                    f"{self._other} phrasing {h.text} ({ctx.lang}: {h.replacement})",
                    end_column=h.end + 1,
                    fix=Fix(n, h.start + 1, h.end + 1, h.replacement, f"replace {h.text} with {h.replacement}"),
                    data={"phrase": h.text, "replacement": h.replacement},
                )


@register
class MainlandVocabulary(_RegionalVocabulary):
    """Mainland phrasing in a Taiwan (zh-Hant) file.

    Converting zh-Hans with OpenCC's ``s2tw`` (or ``s2t``) changes the script
    and keeps the mainland words, so a Taiwan reader meets 數據庫, 內存 and
    視頻 where Taiwan writes 資料庫, 記憶體 and 影片. The phrases come from
    OpenCC's Taiwan phrase table used in reverse; words right in one sense and
    wrong in another (程序, 文件, 數據) are not flagged bare, and the glossary's
    accepted renderings always win.

    Failing example (zh-Hant): ``把向量存進數據庫``. Fix: ``把向量存進資料庫``;
    or convert with ``transkit convert --to zh-Hant`` (``s2twp`` plus the
    glossary) instead of ``s2tw``.
    """

    code = "TK510"
    name = "mainland-vocabulary"
    languages = frozenset({"zh-Hant"})
    _other = "mainland"


@register
class TaiwanVocabulary(_RegionalVocabulary):
    """Taiwan phrasing in a Simplified Chinese (zh-Hans) file.

    The reverse of TK510: a Taiwan text converted to Simplified characters
    without phrase conversion keeps 软体, 记忆体 and 伺服器 where mainland
    readers expect 软件, 内存 and 服务器.

    Failing example (zh-Hans): ``安装软体``. Fix: ``安装软件``; or convert with
    ``transkit convert --to zh-Hans`` (``tw2sp``).
    """

    code = "TK511"
    name = "taiwan-vocabulary"
    languages = frozenset({"zh-Hans"})
    _other = "Taiwan"


# --------------------------------------------------------------------------- #
# Quote style
# --------------------------------------------------------------------------- #

CURLY, CORNER, ANY = "“”", "「」", "any"
_STYLES = (CURLY, CORNER, ANY)
_TO_CORNER = str.maketrans({"“": "「", "”": "」", "‘": "『", "’": "』"})
_TO_CURLY = str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’"})


def _quote_spans(text: str, opener: str, closer: str) -> list[tuple[int, int]]:
    """(start, end) of each opener..closer pair on a line, end exclusive; an unpaired mark is its own span."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == opener:
            j = text.find(closer, i + 1)
            if j == -1:
                spans.append((i, i + 1))
                i += 1
            else:
                spans.append((i, j + 1))
                i = j + 1
        elif ch == closer:
            spans.append((i, i + 1))
            i += 1
        else:
            i += 1
    return spans


@register
class QuoteStyle(Check):
    """Quotation marks of the wrong style for the locale.

    Mainland text quotes with “” (nested ‘’); Taiwan and Hong Kong text with
    「」 (nested 『』). Mixing them in one document set reads as an unfinished
    conversion. The style per locale is configurable:

        [checks.quote-style]
        zh-Hans = "“”"
        zh-Hant = "「」"     # or "any" to switch the check off for a locale

    Curly quotes around English only (a paper title in a zh-Hant line) are
    left alone; an apostrophe in an English word is not a quotation mark.

    Failing example (zh-Hant): ``所謂“上下文視窗”是``. Fix: ``所謂「上下文視窗」是``.
    """

    code = "TK512"
    name = "quote-style"
    severity = Severity.WARNING
    languages = frozenset({"zh-Hans", "zh-Hant", "zh-HK"})
    fixable = True
    options = {"zh-Hans": CURLY, "zh-Hant": CORNER, "zh-HK": CORNER}
    option_values = {"zh-Hans": _STYLES, "zh-Hant": _STYLES, "zh-HK": _STYLES}

    def check_file(self, doc, ctx):
        style = self.opts.get(ctx.lang, ANY)
        if style not in _STYLES:
            from transkit.errors import ConfigError

            raise ConfigError(f"checks.quote-style.{ctx.lang}: {style!r} is not a quote style (one of: “”, 「」, any)")
        if style == ANY:
            return
        wrong = "“”" if style == CORNER else "「」『』"
        if not any(ch in doc.text for ch in wrong):
            return
        wrong_set = frozenset(wrong)
        for n, masked in line_texts(doc):
            if wrong_set.isdisjoint(masked):
                continue
            body = doc.body(n)
            if style == CORNER:
                spans = _quote_spans(masked, "“", "”")
            else:
                spans = _quote_spans(masked, "「", "」") + [
                    s for s in _quote_spans(masked, "『", "』") if not any(a <= s[0] < b for a, b in _quote_spans(masked, "「", "」"))
                ]
                spans.sort()
            for a, b in spans:
                quoted = body[a:b]
                if style == CORNER:
                    inside = quoted if b - a == 1 else quoted[1:-1]
                    context = inside if b - a > 1 else masked[max(0, a - 1) : a + 2]
                    # Curly quotes around English only stay: the quote belongs to the English.
                    if not any(is_han(ch) for ch in context):
                        continue
                    repl = quoted.translate(_TO_CORNER)
                    want = "「」"
                else:
                    repl = quoted.translate(_TO_CURLY)
                    want = "“”"
                yield self.diagnostic(
                    ctx,
                    n,
                    a + 1,
                    f"quotation marks {quoted[0]}{quoted[-1] if b - a > 1 else ''} in {ctx.lang} text (this project uses {want})",
                    end_column=b + 1,
                    fix=Fix(n, a + 1, b + 1, repl, f"use {want}"),
                )


# --------------------------------------------------------------------------- #
# Derivation (development time only: needs opencc and jieba's dictionary)
# --------------------------------------------------------------------------- #


def _probe_entries() -> list[tuple[str, int]]:
    """(word, frequency) from jieba's dictionary."""
    import jieba

    path = Path(jieba.__file__).with_name("dict.txt")
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                out.append((parts[0], int(parts[1])))
    return out


# Guard words: jieba words at least this frequent, two to four characters long.
GUARD_FREQUENCY = 300


def _guard_words(pairs: dict[str, str], words: list[str], freqs: list[int]) -> set[str]:
    """Common words that begin with the end of a phrase or end with its beginning."""
    heads = {k[:t] for k in pairs for t in range(1, len(k))}
    tails = {k[t:] for k in pairs for t in range(1, len(k))}
    out = set()
    for w, f in zip(words, freqs):
        if f < GUARD_FREQUENCY or not 2 <= len(w) <= 4:
            continue
        for t in range(1, len(w)):
            if w[:t] in tails or w[-t:] in heads:
                out.add(w)
                break
    return out


def read_exclusions(path: Path = EXCLUSIONS) -> dict[str, dict[str, set[str]]]:
    """``{lang: {"word": {...}, "all": {...}, "ok": {...}}}`` from the hand-reviewed file."""
    out: dict[str, dict[str, set[str]]] = {lang: {"word": set(), "all": set(), "ok": set()} for lang in _TABLES}
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            body = line.split("#", 1)[0].split()
            if not body:
                continue
            if len(body) != 3 or body[0] not in out or body[1] not in ("word", "all", "ok"):
                raise ValueError(f"{path}:{number}: expected '<zh-Hant|zh-Hans> <word|all|ok> <phrase>  # why'")
            if "#" not in line:
                raise ValueError(f"{path}:{number}: every exclusion needs a '# why' comment")
            out[body[0]][body[1]].add(body[2])
    return out


def _reduce(pairs: dict[str, str], explain: dict[str, str]) -> dict[str, str]:
    """The shortest pairs that explain the others by longest-match replacement.

    ``explain`` pairs take part in explaining but are not kept themselves.
    """
    kept: dict[str, str] = {}
    known = dict(explain)
    longest = max((len(k) for k in known), default=0)

    def apply(s: str) -> str:
        out, i = [], 0
        while i < len(s):
            for size in range(min(longest, len(s) - i), 0, -1):
                r = known.get(s[i : i + size])
                if r is not None:
                    out.append(r)
                    i += size
                    break
            else:
                out.append(s[i])
                i += 1
        return "".join(out)

    for a, b in sorted(pairs.items(), key=lambda kv: (len(kv[0]), kv[0])):
        if a in known or apply(a) == b:
            continue
        kept[a] = b
        known[a] = b
        longest = max(longest, len(a))
    return kept


def derive() -> dict[str, tuple[dict[str, str], set[str], set[str]]]:
    """Derive both tables from OpenCC: ``{lang: (pairs, ok words, guard words)}``."""
    import opencc

    entries = _probe_entries()
    words = [w for w, _ in entries]
    freqs = [f for _, f in entries]
    excl = read_exclusions()

    def convert(cfg: str, texts: list[str]) -> list[str]:
        return opencc.OpenCC(cfg).convert("\n".join(texts)).split("\n")

    # Mainland phrasing in Traditional script -> Taiwan phrasing.
    tw_plain = convert("s2tw", words)
    tw_phrase = convert("s2twp", words)
    # Taiwan phrasing in Simplified script -> mainland phrasing.
    cn_plain = convert("tw2s", tw_phrase)
    cn_phrase = convert("tw2sp", tw_phrase)

    out = {}
    for lang, plain, phrased in (("zh-Hant", tw_plain, tw_phrase), ("zh-Hans", cn_plain, cn_phrase)):
        raw: dict[str, str] = {}
        for a, b in zip(plain, phrased):
            if a != b:
                raw.setdefault(a, b)
        rules = excl[lang]
        explain = {}
        for w in rules["all"]:
            target = raw.get(w)
            if target is None:
                back = "tw2s" if lang == "zh-Hant" else "s2twp"
                fwd = "s2twp" if lang == "zh-Hant" else "tw2sp"
                target = convert(fwd, convert(back, [w]))[0]
            explain[w] = target
        candidates = {a: b for a, b in raw.items() if a not in rules["word"]}
        pairs = _reduce(candidates, explain)
        if lang == "zh-Hant":
            guard = _guard_words(pairs, tw_plain, freqs) | _guard_words(pairs, tw_phrase, freqs)
        else:
            guard = _guard_words(pairs, words, freqs)
        out[lang] = (pairs, set(rules["ok"]), guard)
    return out


def build(out: Path = TABLE) -> dict[str, int]:
    """Derive the tables and write them to ``out``."""
    import opencc

    derived = derive()
    lines = [
        "# Derived from OpenCC by `python -m transkit.checks.regional build`; do not edit.",
        "# Edit transkit/data/regional-exclusions.txt and rebuild instead.",
        f"# opencc {getattr(opencc, '__version__', '?')}; probes: jieba dict.txt",
        "# [zh-Hant]: mainland phrase in Traditional script <TAB> Taiwan phrase",
        "# [zh-Hans]: Taiwan phrase in Simplified script <TAB> mainland phrase",
        "# [<lang> ok]: correct words containing a phrase; [<lang> guard]: common words that can",
        f"# straddle a phrase's edge (jieba frequency >= {GUARD_FREQUENCY})",
    ]
    for lang, (pairs, ok, guard) in derived.items():
        lines.append(f"[{lang}]")
        lines.extend(f"{a}\t{b}" for a, b in sorted(pairs.items(), key=lambda kv: (len(kv[0]), kv[0])))
        lines.append(f"[{lang} ok]")
        lines.extend(sorted(ok))
        lines.append(f"[{lang} guard]")
        g = sorted(guard, key=lambda w: (len(w), w))
        lines.extend(" ".join(g[i : i + 40]) for i in range(0, len(g), 40))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {lang: len(pairs) for lang, (pairs, _, _) in derived.items()}


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:] == ["build"]:
        print(build())
        tables.cache_clear()
    else:
        print("usage: python -m transkit.checks.regional build", file=sys.stderr)
        sys.exit(2)
