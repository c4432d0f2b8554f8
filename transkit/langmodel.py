"""A small Chinese language model for choosing among candidate characters.

When bytes are lost on the way through a wrong code page, a damaged Chinese
character can no longer be decoded: only its lead byte and some continuation
bytes are left, and a handful of byte completions give valid characters
(``transkit.mojibake`` enumerates them). This module picks one, the way a
reader would: by which choice makes the surrounding text read as Chinese.

The model is a word-unigram segmentation model. A line becomes a lattice (fixed
characters, and candidate sets where a character was damaged); the best path
through the lattice is the segmentation into dictionary words with the highest
total log probability, and a candidate's confidence is its share of the
max-marginal probability at its position. Three grammatical constructions that a
word-unigram model cannot see are added as small bonuses for a candidate, from
the candidate's part of speech (jieba's tags):

- a locative noun (中, 上, 內 ...) closing a frame opened by 在 / 從 / 於 / 當
  earlier in the same clause (在整個序列中);
- a classifier (位, 倍, 個 ...) right after a number (4 位, 6.5 倍);
- an adjective right after a degree adverb (較小, 更好).

Where the data comes from (derived at development time by
``python -m transkit.langmodel build``; runtime needs neither jieba nor OpenCC):

- word frequencies from jieba's ``dict.txt`` (about 350,000 words);
- document frequencies from jieba's ``analyse/idf.txt`` (about 270,000 words),
  a second, independent estimate of how common a word is; the two are mixed in
  the log domain, which fixes pairs the dictionary alone gets backwards
  (提示 vs 揭示);
- for Traditional text, each word mapped through OpenCC ``s2twp`` (Taiwan phrasing)
  and ``s2t`` (plain character mapping), so both 資料庫 and 數據庫 are words.

Words are kept up to four characters; the shipped tables are
``transkit/data/zh-lm-hans.txt.gz`` and ``zh-lm-hant.txt.gz``.

    >>> lm = load("zh-Hant")
    >>> lm.word_score("模型") > lm.word_score("模")
    True
    >>> [c for c, p in lm.choose(["我", "們", "的", ("模", "漠"), "型"])[3]][0]
    '模'
"""

from __future__ import annotations

import gzip
import math
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

DATA_DIR = Path(__file__).with_name("data")
MODEL_FILES = {"Hans": "zh-lm-hans.txt.gz", "Hant": "zh-lm-hant.txt.gz"}

MAX_WORD = 4  # longest word kept; longer words changed no choice in development
SCALE = 10  # scores are stored as integers in tenths of a nat

# A Han character the dictionary does not know, as a one-character word. Low
# enough that any known character beats it without help from context.
UNKNOWN_HAN = -20.0
# Characters that are neither Han nor listed below (Latin letters from a
# two-byte sequence, rare symbols): possible, but rarely what was written.
UNKNOWN_OTHER = -22.0

# Non-Han characters a damaged character may turn out to be, with a log prior
# relative to a typical word (about -9). Values are judgment, checked on the
# project's own sample texts: what punctuation Chinese documentation uses.
PUNCTUATION_PRIOR: Mapping[str, float] = {
    "，": -5.0,  # the comma, the most frequent mark
    "。": -5.5,  # full stop
    "、": -6.0,  # enumeration comma: lists of terms are everywhere in docs
    "：": -6.5,  # colon, after bold terms
    "（": -7.0,  # full-width parentheses around English terms
    "）": -7.0,
    "「": -7.5,  # Taiwan quotation marks
    "」": -7.5,
    "“": -7.5,  # mainland quotation marks
    "”": -7.5,
    "；": -8.0,
    "！": -8.5,
    "？": -8.5,
    "《": -8.5,  # title marks
    "》": -8.5,
    "『": -10.0,  # nested quotation marks
    "』": -10.0,
    "—": -9.0,  # em dash (used doubled)
    "…": -9.0,
    "·": -10.0,
    "→": -10.0,
    "【": -10.5,
    "】": -10.5,
    "～": -11.0,
    "％": -11.0,
    "／": -11.5,
    "－": -12.0,
    "‐": -13.0,
}

# Bracket pairs: a damaged closer is likely when its opener is still open.
OPENERS: Mapping[str, str] = {"「": "」", "『": "』", "（": "）", "“": "”", "‘": "’", "《": "》", "【": "】", "(": ")"}
CLOSERS: Mapping[str, str] = {v: k for k, v in OPENERS.items()}
BRACKET_BONUS = 2.5  # closer whose opener is open
BRACKET_PENALTY = -4.0  # closer with nothing to close

# Frame openers (prepositions) and the clause marks that end a frame.
FRAME_OPENERS = frozenset("在從从於于當当自")
CLAUSE_ENDS = frozenset("，。；：！？,;:!?\n")
DEGREE_ADVERBS = frozenset("較较更很最太越")
RULE_BONUS = 2.0


def is_han(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F


Slot = "str | tuple[str, ...]"


@dataclass(frozen=True)
class Choice:
    """The model's ranking of one damaged position: ``ranked`` is ``[(char, probability)]``, best first."""

    index: int
    ranked: tuple[tuple[str, float], ...]

    @property
    def char(self) -> str:
        return self.ranked[0][0]

    @property
    def confidence(self) -> float:
        return self.ranked[0][1]


@dataclass
class LanguageModel:
    """Word log probabilities for one script, plus the part-of-speech classes the rules use."""

    script: str  # "Hans" or "Hant"
    words: dict[str, float]
    prefixes: set[str]
    locative: frozenset[str] = frozenset()
    classifier: frozenset[str] = frozenset()
    adjective: frozenset[str] = frozenset()
    _cache: dict = field(default_factory=dict, repr=False)

    # -- scores --------------------------------------------------------------- #

    def word_score(self, word: str) -> float | None:
        """Log probability of ``word`` as one dictionary word, ``None`` if unknown."""
        return self.words.get(word)

    def char_score(self, ch: str) -> float:
        """Log probability of ``ch`` standing alone (a one-character word, punctuation or other)."""
        s = self.words.get(ch)
        if s is not None:
            return s
        if ch in PUNCTUATION_PRIOR:
            return PUNCTUATION_PRIOR[ch]
        return UNKNOWN_HAN if is_han(ch) else UNKNOWN_OTHER

    def knows(self, ch: str) -> bool:
        """Whether ``ch`` is a word, starts a word, or is listed punctuation."""
        return ch in self.words or ch in self.prefixes or ch in PUNCTUATION_PRIOR

    def extended(self, extra: Mapping[str, float]) -> "LanguageModel":
        """A copy that also knows ``extra`` words (a glossary, a reference text); the better score wins."""
        if not extra:
            return self
        words = dict(self.words)
        prefixes = set(self.prefixes)
        for w, s in extra.items():
            if not w:
                continue
            old = words.get(w)
            words[w] = s if old is None else max(old, s)
            for k in range(1, len(w)):
                prefixes.add(w[:k])
        return LanguageModel(self.script, words, prefixes, self.locative, self.classifier, self.adjective)

    def lexicon_scores(self, terms: Iterable[str], score: float = -9.0) -> dict[str, float]:
        """Extra words for :meth:`extended`: every Han run of 2+ characters in ``terms``.

        Runs longer than the longest dictionary word are also split into their
        dictionary-length pieces so the lattice can still use them.
        """
        out: dict[str, float] = {}
        for term in terms:
            for run in _han_runs(term):
                if len(run) < 2:
                    continue
                for n in range(2, min(MAX_WORD, len(run)) + 1):
                    for i in range(len(run) - n + 1):
                        w = run[i : i + n]
                        if n == len(run) or w in self.words:
                            out[w] = max(out.get(w, score), score)
                if len(run) > MAX_WORD:
                    for i in range(len(run) - MAX_WORD + 1):
                        w = run[i : i + MAX_WORD]
                        out[w] = max(out.get(w, score), score)
        return out

    def reference_scores(self, text: str, score: float = -8.0) -> dict[str, float]:
        """Extra words from an aligned reference text: its character n-grams (2 to 4).

        A damaged character whose candidate forms a word that the reference
        also contains is then preferred. Only n-grams the dictionary knows, or
        that occur at least twice, are taken, so that one accidental adjacency in
        the reference does not outweigh the dictionary.
        """
        counts: dict[str, int] = {}
        for run in _han_runs(text):
            for n in range(1, MAX_WORD + 1):
                for i in range(len(run) - n + 1):
                    w = run[i : i + n]
                    counts[w] = counts.get(w, 0) + 1
        out: dict[str, float] = {}
        for w, c in counts.items():
            base = self.words.get(w)
            if len(w) == 1:
                # A character the reference uses at all is plausible here.
                out[w] = (base if base is not None else UNKNOWN_HAN) + 1.0
            elif base is not None or c >= 2:
                out[w] = max(score, (base if base is not None else score) + 2.0)
        return out

    # -- decoding ------------------------------------------------------------- #

    def choose(self, slots: Sequence[str | tuple[str, ...]], *, context: int = 3) -> dict[int, Choice]:
        """Rank the candidates of every damaged slot of a line.

        ``slots`` holds one entry per character of the line: a string for a
        known character, a tuple of candidate characters where one was damaged.
        Damaged slots close to each other are decided together, over a window
        of ``context`` characters on each side (a word covering a damaged slot
        lies inside it).
        """
        damaged = [i for i, s in enumerate(slots) if not isinstance(s, str)]
        if not damaged:
            return {}
        flags = self._rule_flags(slots)
        out: dict[int, Choice] = {}
        n = len(slots)
        k = 0
        while k < len(damaged):
            first = damaged[k]
            last = first
            k += 1
            while k < len(damaged) and damaged[k] - last <= 2 * context:
                last = damaged[k]
                k += 1
            lo = max(0, first - context)
            hi = min(n, last + context + 1)
            window = tuple(slots[lo:hi])
            wflags = tuple(flags[i] for i in range(lo, hi) if not isinstance(slots[i], str))
            key = (window, wflags)
            result = self._cache.get(key)
            if result is None:
                result = self._solve(window, wflags)
                if len(self._cache) > 50000:
                    self._cache.clear()
                self._cache[key] = result
            for rel, ranked in result:
                out[lo + rel] = Choice(lo + rel, ranked)
        return out

    def _rule_flags(self, slots: Sequence[str | tuple[str, ...]]) -> list[int]:
        """Per slot, a bit set of the contexts the rules look at (computed left to right)."""
        flags = [0] * len(slots)
        frame = False
        opened: list[str] = []
        prev = ""  # last fixed non-space character
        for i, s in enumerate(slots):
            if not isinstance(s, str):
                f = 0
                if frame:
                    f |= 1
                if prev.isdigit() or prev in "零一二三四五六七八九十百千萬万兩两幾几多":
                    f |= 2
                if prev in DEGREE_ADVERBS:
                    f |= 4
                if opened:
                    f |= 8 << min(len(OPENERS) - 1, list(OPENERS).index(opened[-1]))
                flags[i] = f
                prev = ""
                continue
            if s in CLAUSE_ENDS:
                frame = False
            elif s in FRAME_OPENERS:
                frame = True
            if s in OPENERS:
                opened.append(s)
            elif s in CLOSERS and opened and opened[-1] == CLOSERS[s]:
                opened.pop()
            if not s.isspace():
                prev = s
        return flags

    def _single(self, ch: str, flag: int) -> float:
        s = self.char_score(ch)
        if flag & 1 and ch in self.locative:
            s += RULE_BONUS
        if flag & 2 and ch in self.classifier:
            s += RULE_BONUS
        if flag & 4 and ch in self.adjective:
            s += RULE_BONUS
        if ch in CLOSERS:
            opener = CLOSERS[ch]
            bit = 8 << list(OPENERS).index(opener)
            s += BRACKET_BONUS if flag & bit else BRACKET_PENALTY
        return s

    def _solve(self, window: tuple, wflags: tuple[int, ...]) -> list[tuple[int, tuple[tuple[str, float], ...]]]:
        """Viterbi with max-marginals over one window of the lattice."""
        m = len(window)
        words_get = self.words.get
        prefixes = self.prefixes
        # Damaged slots: relative index -> rule flags.
        dflag: dict[int, int] = {}
        fi = 0
        for i, s in enumerate(window):
            if not isinstance(s, str):
                dflag[i] = wflags[fi]
                fi += 1
        edges: list[tuple[int, int, str, float]] = []
        for j in range(m):
            frontier = ("",)
            for length in range(1, MAX_WORD + 1):
                pos = j + length - 1
                if pos >= m:
                    break
                slot = window[pos]
                chars = (slot,) if isinstance(slot, str) else slot
                nxt = []
                for p in frontier:
                    for c in chars:
                        w = p + c
                        if length == 1:
                            if isinstance(slot, str):
                                sc = words_get(w)
                                if sc is None:
                                    sc = UNKNOWN_HAN if is_han(w) else 0.0
                            else:
                                sc = self._single(w, dflag[pos])
                            edges.append((j, j + 1, w, sc))
                        else:
                            sc = words_get(w)
                            if sc is not None:
                                edges.append((j, j + length, w, sc))
                        if w in prefixes:
                            nxt.append(w)
                if not nxt:
                    break
                frontier = nxt
        neg = -1e18
        alpha = [neg] * (m + 1)
        alpha[0] = 0.0
        # Edges were produced in order of start position, so one pass suffices.
        for j, e, _w, sc in edges:
            a = alpha[j]
            if a > neg:
                v = a + sc
                if v > alpha[e]:
                    alpha[e] = v
        beta = [neg] * (m + 1)
        beta[m] = 0.0
        for j, e, _w, sc in reversed(edges):
            b = beta[e]
            if b > neg:
                v = b + sc
                if v > beta[j]:
                    beta[j] = v
        marg: dict[int, dict[str, float]] = {i: {} for i in dflag}
        for j, e, w, sc in edges:
            tot = alpha[j] + sc + beta[e]
            if tot <= neg / 2:
                continue
            for i in range(j, e):
                d = marg.get(i)
                if d is not None:
                    c = w[i - j]
                    if tot > d.get(c, neg):
                        d[c] = tot
        out = []
        for i, d in marg.items():
            if not d:
                ranked: tuple[tuple[str, float], ...] = tuple((c, 1.0 / len(window[i])) for c in window[i])
            else:
                top = max(d.values())
                z = sum(math.exp(v - top) for v in d.values())
                ranked = tuple(sorted(((c, math.exp(v - top) / z) for c, v in d.items()), key=lambda cp: -cp[1]))
            out.append((i, ranked))
        return out


def _han_runs(text: str) -> list[str]:
    runs = []
    cur: list[str] = []
    for ch in text:
        if is_han(ch):
            cur.append(ch)
        elif cur:
            runs.append("".join(cur))
            cur = []
    if cur:
        runs.append("".join(cur))
    return runs


def script_of(lang: str | None) -> str:
    """``Hant`` for zh-Hant / zh-HK, else ``Hans``."""
    return "Hant" if lang in ("zh-Hant", "zh-HK", "Hant") else "Hans"


@lru_cache(maxsize=2)
def load(lang: str | None = "zh-Hans") -> LanguageModel:
    """Load the shipped model for ``lang``'s script (about 0.2 s; cached for the process)."""
    script = script_of(lang)
    path = DATA_DIR / MODEL_FILES[script]
    words: dict[str, float] = {}
    prefixes: set[str] = set()
    classes: dict[str, frozenset[str]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            key, _, rest = line.rstrip("\n").partition("\t")
            if key == "@prefix":
                prefixes.update(rest.split(" "))
            elif key == "@class":
                name, _, chars = rest.partition("\t")
                classes[name] = frozenset(chars)
            elif rest:
                words.update(dict.fromkeys(rest.split(" "), int(key) / SCALE))
    return LanguageModel(
        script,
        words,
        prefixes,
        locative=classes.get("f", frozenset()),
        classifier=classes.get("q", frozenset()),
        adjective=classes.get("a", frozenset()),
    )


# --------------------------------------------------------------------------- #
# Derivation (development time only: needs jieba's data files and OpenCC)
# --------------------------------------------------------------------------- #

# Weight of the document-frequency estimate against the dictionary frequency.
# Chosen on the project's own sample texts (locales/), damaged the way the
# mojibake benchmark damages text; never on the user's seed documents.
IDF_WEIGHT = 0.8
# When a word is known to only one source, the other estimate is this much lower.
MISSING_SOURCE = 3.0


def _jieba_sources() -> tuple[list[tuple[str, int, str]], list[tuple[str, float]]]:
    import jieba

    base = Path(jieba.__file__).parent
    entries = []
    with (base / "dict.txt").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2:
                entries.append((parts[0], int(parts[1]), parts[2] if len(parts) > 2 else ""))
    idf = []
    with (base / "analyse" / "idf.txt").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 2:
                idf.append((parts[0], float(parts[1])))
    return entries, idf


def _convert_all(config: str, items: list[str]) -> list[str]:
    import opencc

    out = opencc.OpenCC(config).convert("\n".join(items)).split("\n")
    if len(out) != len(items):  # pragma: no cover - OpenCC keeps line breaks
        raise RuntimeError(f"OpenCC {config} changed the number of lines")
    return out


def derive(script: str) -> tuple[dict[str, int], dict[str, str]]:
    """Word scores (tenths of a nat) and part-of-speech classes for ``script``."""
    entries, idf = _jieba_sources()
    dict_words = [w for w, _, _ in entries]
    idf_words = [w for w, _ in idf]
    if script == "Hant":
        forms_d = [_convert_all("s2twp", dict_words), _convert_all("s2t", dict_words)]
        forms_i = [_convert_all("s2twp", idf_words), _convert_all("s2t", idf_words)]
    else:
        forms_d = [dict_words]
        forms_i = [idf_words]

    # A word counts once per distinct written form (s2twp and s2t often agree).
    freq: dict[str, float] = {}
    for i, (_w0, f, _t) in enumerate(entries):
        for w in {forms[i] for forms in forms_d}:
            if len(w) <= MAX_WORD:
                freq[w] = freq.get(w, 0.0) + f
    # Document frequency: idf = ln(N / df); the rarest words have df = 1.
    n_docs = math.exp(max(v for _, v in idf))
    docf: dict[str, float] = {}
    for i, (_w0, v) in enumerate(idf):
        for w in {forms[i] for forms in forms_i}:
            if len(w) <= MAX_WORD:
                docf[w] = docf.get(w, 0.0) + n_docs * math.exp(-v)
    tf = math.log(sum(freq.values()))
    td = math.log(sum(docf.values()))
    scores: dict[str, int] = {}
    for w in set(freq) | set(docf):
        if not w or any(c.isspace() for c in w):
            continue
        a = math.log(freq[w]) - tf if w in freq else None
        b = math.log(docf[w]) - td if w in docf else None
        if a is None:
            a = b - MISSING_SOURCE
        if b is None:
            b = a - MISSING_SOURCE
        scores[w] = round(((1 - IDF_WEIGHT) * a + IDF_WEIGHT * b) * SCALE)

    # Part-of-speech classes of single characters, from the dictionary's tags.
    best_tag: dict[str, tuple[int, str]] = {}
    single_forms = forms_d[0]
    for (w0, f, t), w in zip(entries, single_forms):
        if len(w0) == 1 and len(w) == 1 and f > best_tag.get(w, (-1, ""))[0]:
            best_tag[w] = (f, t)
    classes = {"f": "", "q": "", "a": ""}
    for ch, (_f, t) in sorted(best_tag.items()):
        if t == "f":
            classes["f"] += ch
        elif t == "q":
            classes["q"] += ch
        elif t in ("a", "ad", "an"):
            classes["a"] += ch
    return scores, classes


def build(out_dir: Path = DATA_DIR) -> dict[str, int]:
    """Derive both models and write them (gzip, reproducible bytes)."""
    import io

    sizes = {}
    for script, name in MODEL_FILES.items():
        scores, classes = derive(script)
        by_score: dict[int, list[str]] = {}
        for w, s in scores.items():
            by_score.setdefault(s, []).append(w)
        prefixes = sorted({w[:k] for w in scores for k in range(1, len(w))})
        buf = io.StringIO()
        buf.write("# transkit Chinese word model, derived by `python -m transkit.langmodel build`; do not edit.\n")
        buf.write(f"# script {script}; sources: jieba dict.txt + analyse/idf.txt (MIT); {len(scores)} words;\n")
        buf.write(f"# line = score in 1/{SCALE} nat <TAB> words; @prefix = strings that start a longer word.\n")
        for tag, chars in classes.items():
            buf.write(f"@class\t{tag}\t{chars}\n")
        buf.write("@prefix\t" + " ".join(prefixes) + "\n")
        for s in sorted(by_score, reverse=True):
            buf.write(f"{s}\t" + " ".join(sorted(by_score[s])) + "\n")
        data = gzip.compress(buf.getvalue().encode("utf-8"), compresslevel=9, mtime=0)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / name).write_bytes(data)
        sizes[name] = len(data)
    load.cache_clear()
    return sizes


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:] == ["build"]:
        print(build())
    else:
        print("usage: python -m transkit.langmodel build", file=sys.stderr)
        sys.exit(2)
