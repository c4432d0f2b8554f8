"""Word boundaries for the glossary lock: a term is not locked where the words cut through it.

The lock (:class:`transkit.convert.GlossaryLock`) finds glossary source forms
as plain substrings, because Chinese writes no spaces between words. That
finds terms where they are not words of the sentence: 计算法律 holds 算法 but
reads 计算|法律, 国内存在 holds 内存 but reads 国内|存在, 沉默认为 holds 默认.
Locking the term there writes 計演算法律, 國記憶體在, 沉預設為.

A match is given up when a common word that crosses one of its edges explains
the surrounding text clearly better than the term does. The judge is the word
model that repair uses (:mod:`transkit.langmodel`, derived from jieba's
frequencies): the best segmentation of a few characters either side in which
some word crosses an edge of the match, against the best one that keeps the
match whole. The term counts as a word at least as common as ``TERM_FLOOR``
(the glossary says it is one, even where jieba does not know it), and the
crossing reading must win by ``MARGIN``; only common words (``WORD_FLOOR``)
can cross. So 大数据 keeps 数据 (大|数据 beats 大数|据), 训练集中 keeps 训练集
and 数据库存储 keeps 数据库 (库|存储 is no better than 数据库|存储), while
数据流水线 gives up 数据流 (数据|流水线).

Judging every match would cost as much as the lock itself. What can cross a
term's edge is known in advance: for each term, the characters that stand
right before it or right after it inside a common word overlapping its edge.
The matches with such a neighbour are picked out in C-level passes over the
match list (about 2 % of them on the benchmark corpus) and only those are
judged, with the verdict remembered per surrounding text.

The tables are derived per glossary from the shipped model (about 0.5 s) and
kept in the user cache; the common words (about 50,000) are shared by all
glossaries of one script and loaded only when a match needs judging.

    >>> guard = BoundaryGuard.for_terms(["算法", "数据"], "zh-Hans")
    >>> guard.keeps("计算法律", 1, 3, 0), guard.keeps("新的算法很快", 2, 4, 0)
    (False, True)
    >>> guard.keeps("大数据", 1, 3, 1)
    True
"""

from __future__ import annotations

import functools
import pickle
from itertools import compress, islice
from operator import itemgetter, or_
from typing import Sequence

# Words rarer than this (log probability, nats) cannot cross a term's edge.
WORD_FLOOR = -13.5
# A glossary term scores at least this, whatever the model thinks of it.
TERM_FLOOR = -11.0
# The crossing reading must be this much more probable (nats) to give the term up.
MARGIN = 1.0
# Characters of context on each side of the match.
CONTEXT = 4
# Verdicts kept in the user cache per glossary, at most.
MAX_VERDICTS = 20_000
MAX_WORD = 4
_UNKNOWN = -20.0
_NEG = -1e18
_FORMAT = 5  # of the cached tables; part of their cache key
_TAIL = itemgetter(slice(-3, None))  # the last character, when it takes three bytes (all common Han do)
_HEAD = itemgetter(slice(0, 3))


class BoundaryGuard:
    """Decides, for matches of a fixed list of terms, whether the words around cut through them."""

    def __init__(self, terms: Sequence[str], script: str, left: Sequence[str], right: Sequence[str], term_scores: list[float]) -> None:
        self.terms = list(terms)
        self.script = script
        # Per term: the characters a common word can join to it across its left / right
        # edge (three-byte ones only: all common Han characters are).
        self.left = list(left)
        self.right = list(right)
        self.term_scores = term_scores
        self._tables()

    def _tables(self) -> None:
        # The same as sets of UTF-8 bytes, the form the lock compares (only three-byte characters).
        def table(chars: Sequence[str]) -> list[frozenset[bytes]]:
            return [frozenset(map(str.encode, cs)) for cs in chars]

        self._left_of = table(self.left)
        self._right_of = table(self.right)
        self._verdicts: dict[tuple[str, int, int, int], bool] = {}
        # The lock's own memo, keyed by the raw bytes around a match (saves decoding),
        # kept in the user cache beside the tables: a text judged once is not judged
        # again, and the common words need not be loaded for it.
        self._raw: dict | None = None
        self._raw_saved = 0
        self.verdict_store = None

    @property
    def raw_verdicts(self) -> dict:
        if self._raw is None:
            loaded = _load(self.verdict_store) if self.verdict_store is not None else None
            self._raw = loaded if isinstance(loaded, dict) else {}
            self._raw_saved = len(self._raw)
        return self._raw

    def save_verdicts(self) -> None:
        """Store the verdicts learnt since loading (up to ``MAX_VERDICTS``; another process may store at the same time: the last one wins)."""
        raw = self._raw
        if raw is None or self.verdict_store is None or len(raw) == self._raw_saved or len(raw) > MAX_VERDICTS:
            return
        _save(self.verdict_store, raw)
        self._raw_saved = len(raw)

    def __getstate__(self):
        return (self.terms, self.script, self.left, self.right, self.term_scores)

    def __setstate__(self, state) -> None:
        self.terms, self.script, self.left, self.right, self.term_scores = state
        self._tables()

    # -- building ------------------------------------------------------------- #

    @classmethod
    def for_terms(cls, terms: Sequence[str], lang: str | None) -> "BoundaryGuard":
        """The guard for ``terms`` (in the order the lock indexes them), from the user cache when possible."""
        from transkit import langmodel

        script = langmodel.script_of(lang)
        return _stored(tuple(terms), script)

    @classmethod
    def build(cls, terms: Sequence[str], script: str) -> "BoundaryGuard":
        from transkit import langmodel

        lm = langmodel.load("zh-Hant" if script == "Hant" else "zh-Hans")
        words = common_words(script)
        heads = {t[:k] for t in terms for k in range(1, len(t))}
        tails = {t[k:] for t in terms for k in range(1, len(t))}
        # Common words by the term head they end with / the term tail they begin with.
        ending: dict[str, list[str]] = {}
        beginning: dict[str, list[str]] = {}
        for w in words:
            n = len(w)
            if n < 2:
                continue
            for k in range(1, n):
                if w[n - k :] in heads:
                    ending.setdefault(w[n - k :], []).append(w)
                if w[:k] in tails:
                    beginning.setdefault(w[:k], []).append(w)
        left: list[str] = []
        right: list[str] = []
        scores: list[float] = []
        for t in terms:
            before: set[str] = set()
            after: set[str] = set()
            for k in range(1, len(t)):
                head, tail = t[:k], t[k:]
                before.update(w[len(w) - k - 1] for w in ending.get(head, ()))
                after.update(w[len(tail)] for w in beginning.get(tail, ()))
            left.append("".join(sorted(c for c in before if len(c.encode("utf-8", "surrogatepass")) == 3)))
            right.append("".join(sorted(c for c in after if len(c.encode("utf-8", "surrogatepass")) == 3)))
            known = lm.word_score(t)
            scores.append(max(TERM_FLOOR, known if known is not None else _NEG, lm.text_score(t)))
        return cls(terms, script, left, right, scores)

    # -- judging -------------------------------------------------------------- #

    def candidates(self, idx: Sequence[int], between: Sequence[bytes]) -> list[int]:
        """Positions in a match list with a neighbour that can join a word across an edge.

        ``idx`` holds the term index of each match and ``between`` the UTF-8
        bytes before, between and after the matches (one more than ``idx``):
        the left neighbour of match ``j`` ends ``between[j]``, its right one
        begins ``between[j + 1]``.
        """
        before = map(_TAIL, between)
        after = map(_HEAD, islice(between, 1, None))
        hit = map(
            or_,
            map(frozenset.__contains__, map(self._left_of.__getitem__, idx), before),
            map(frozenset.__contains__, map(self._right_of.__getitem__, idx), after),
        )
        return list(compress(range(len(idx)), hit))

    def risky(self, term: int, before: str, after: str) -> bool:
        """Whether the characters around a match of ``term`` can join a word across its edge."""
        return before.encode("utf-8", "surrogatepass") in self._left_of[term] or after.encode("utf-8", "surrogatepass") in self._right_of[term]

    def keeps(self, text: str, start: int, end: int, term: int) -> bool:
        """Whether the match ``text[start:end]`` of term number ``term`` stays whole (code-point offsets)."""
        a = max(0, start - CONTEXT)
        window = text[a : end + CONTEXT]
        key = (window, start - a, end - a, term)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = self._judge(window, start - a, end - a, self.term_scores[term])
        return verdict

    def _judge(self, w: str, ms: int, me: int, term_score: float) -> bool:
        words = common_words(self.script)
        get = words.get
        n = len(w)
        fwd = [0.0] + [_NEG] * n
        for i in range(n):
            fi = fwd[i]
            s = fi + get(w[i], _UNKNOWN)
            if s > fwd[i + 1]:
                fwd[i + 1] = s
            for j in range(i + 2, min(n, i + MAX_WORD) + 1):
                ws = get(w[i:j])
                if ws is not None and fi + ws > fwd[j]:
                    fwd[j] = fi + ws
        bwd = [_NEG] * n + [0.0]
        for j in range(n - 1, -1, -1):
            best = get(w[j], _UNKNOWN) + bwd[j + 1]
            for e in range(j + 2, min(n, j + MAX_WORD) + 1):
                ws = get(w[j:e])
                if ws is not None and ws + bwd[e] > best:
                    best = ws + bwd[e]
            bwd[j] = best
        keep = fwd[ms] + term_score + bwd[me]
        cross = _NEG
        # Words over exactly one edge: starting before the match and ending inside it, or the reverse.
        # A word holding the whole term (大数据 for 数据) does not cut it.
        for a in range(max(0, ms - MAX_WORD + 1), ms):
            for c in range(ms + 1, min(me - 1, a + MAX_WORD) + 1):
                ws = get(w[a:c])
                if ws is not None and fwd[a] + ws + bwd[c] > cross:
                    cross = fwd[a] + ws + bwd[c]
        for a in range(max(ms + 1, me - MAX_WORD + 1), me):
            for c in range(me + 1, min(n, a + MAX_WORD) + 1):
                ws = get(w[a:c])
                if ws is not None and fwd[a] + ws + bwd[c] > cross:
                    cross = fwd[a] + ws + bwd[c]
        return cross <= keep + MARGIN


@functools.lru_cache(maxsize=2)
def common_words(script: str) -> dict[str, float]:
    """Single characters and the words at least as common as ``WORD_FLOOR``, with their log probabilities."""
    from transkit import cache

    key = cache.digest(_version(), script, repr(_model_stamp(script)), repr(WORD_FLOOR))
    store = cache.cache_dir() / "boundaries" / f"words-{key}.pickle"
    loaded = _load(store) if cache.enabled() else None
    if isinstance(loaded, dict):
        return loaded
    from transkit import langmodel

    lm = langmodel.load("zh-Hant" if script == "Hant" else "zh-Hans")
    words = {w: s for w, s in lm.words.items() if len(w) == 1 or s >= WORD_FLOOR}
    if cache.enabled():
        _save(store, words)
    return words


@functools.lru_cache(maxsize=8)
def _stored(terms: tuple[str, ...], script: str) -> BoundaryGuard:
    from transkit import cache

    if not cache.enabled():
        return BoundaryGuard.build(terms, script)
    key = cache.digest(_version(), str(_FORMAT), script, repr(_model_stamp(script)), repr((WORD_FLOOR, TERM_FLOOR, MARGIN, CONTEXT)), "\n".join(terms))
    store = cache.cache_dir() / "boundaries" / f"terms-{key}.pickle"
    guard = _load(store)
    if not isinstance(guard, BoundaryGuard):
        guard = BoundaryGuard.build(terms, script)
        _save(store, guard)
    guard.verdict_store = store.with_name(f"verdicts-{key}.pickle")
    return guard


def _version() -> str:
    import transkit

    return transkit.__version__


def _model_stamp(script: str) -> tuple[int, int]:
    from transkit import langmodel

    st = (langmodel.DATA_DIR / langmodel.MODEL_FILES[script]).stat()
    return st.st_size, st.st_mtime_ns


def _load(path):
    from transkit import stored

    try:
        return stored.read(path)
    except Exception:  # missing, unreadable or from another version: rebuild
        return None


def _save(path, obj) -> None:
    from transkit.fsutil import atomic_write

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError):
        pass
