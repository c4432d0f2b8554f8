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
max-marginal probability at its position. Isolated damaged characters (most
of them) are solved in closed form; neighbours closer than a word are solved
together. Constructions a word-unigram model cannot see are added as small
bonuses for a candidate, from its part of speech (jieba's tags):

- a locative noun (中, 上, 內 ...) closing a frame opened by 在 / 從 / 於 / 當
  earlier in the same clause (在整個序列中);
- a classifier (位, 倍, 個 ...) right after a number (4 位, 6.5 倍);
- an adjective right after a degree adverb (較小, 更好);
- no adverb right before the end of a clause or 的 (不 is not 中 in 檔案中。);
- a closing bracket only when its opener is open (、 vs 」 share bytes).

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
``transkit/data/zh-lm-hans.txt.gz`` and ``zh-lm-hant.txt.gz``. Each also lists,
for every character, the characters that follow it inside some word (the
``follow`` table, about 230,000 pairs).

Speed (the lossy benchmark decides ~1,400 characters in ~50 KB of text at
about 1 MB/s in pure Python) comes from not doing work whose outcome is known:

- a candidate is looked up in a longer word only when the character pair it
  makes with its neighbour occurs in some word (``follow``), which rules out
  nineteen of twenty lookups;
- where no pair links two neighbours no word crosses between them, so the
  lattice falls apart there: a damaged character is decided within the
  stretch linked to it, and one that links to nothing is ranked by its own
  scores alone (remembered per candidate set);
- tables that depend only on a candidate set (which candidates the model
  knows, their scores, which begin words) are made once per process;
- a choice's full ranking (a sort) is made only when someone reads it.

A process starts fast because it never builds the whole vocabulary: the
parsed file is kept in the user cache directory laid out by each word's first
two characters (:class:`PairLexicon`, a few ms to load against ~0.2 s to
parse), and only the pairs a document makes are read; words come through memo
dicts, so a lookup is a plain dict lookup after the first. A glossary or a
reference text is an overlay on the shipped words (:meth:`LanguageModel.extended`),
not a copy of them, and the same glossary gives the same extended model back.

The results are those of the plain lattice search over the same windows, up to
the rounding of the last bit of a float.

    >>> lm = load("zh-Hant")
    >>> lm.word_score("模型") > lm.word_score("模")
    True
    >>> lm.choose(["我", "們", "的", ("模", "漠"), "型"])[3].char
    '模'
"""

from __future__ import annotations

import math
import re
import sys
from bisect import bisect_right
from functools import lru_cache
from itertools import compress
from operator import itemgetter
from pathlib import Path
from typing import Any, Final, Iterable, Mapping, Sequence

import transkit

# From the package, not this module: compiled (see setup.py), this module's __file__ is not its path.
DATA_DIR = Path(transkit.__file__).with_name("data")
MODEL_FILES = {"Hans": "zh-lm-hans.txt.gz", "Hant": "zh-lm-hant.txt.gz"}

MAX_WORD: Final = 4  # longest word kept; longer words changed no choice in development
SCALE: Final = 100  # scores are stored as integers in hundredths of a nat

# A Han character the dictionary does not know, as a one-character word. Low
# enough that any known character beats it without help from context.
UNKNOWN_HAN: Final = -20.0
# Characters that are neither Han nor listed below (Latin letters from a
# two-byte sequence, rare symbols): possible, but rarely what was written.
UNKNOWN_OTHER: Final = -22.0
EMOJI: Final = -11.0
LATIN_LETTER: Final = -14.0

# Non-Han characters a damaged character may turn out to be, with a log prior
# relative to a typical word (about -9). Values are judgment, checked on the
# project's own sample texts: what punctuation Chinese documentation uses.
PUNCTUATION_PRIOR: Final[Mapping[str, float]] = {
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
CLOSERS: Final[Mapping[str, str]] = {v: k for k, v in OPENERS.items()}
BRACKET_BONUS: Final = 2.5  # closer whose opener is open
BRACKET_PENALTY: Final = -4.0  # closer with nothing to close

# Frame openers (prepositions) and the clause marks that end a frame.
DEGREE_ADVERBS: Final = frozenset("較较更很最太越")
RULE_BONUS: Final = 2.0
# ASCII marks end a clause only before a space (not the colon of https://).
# One character class first lets the regex engine skip to candidates quickly.
_CLAUSE_END: Final = re.compile(r"[，。；：！？,;:!?](?:(?<=[，。；：！？])|(?=\s|$))")
_FRAME_OPENER: Final = re.compile("[在從从於于當当自]")
_CLAUSE_CLOSERS: Final = frozenset("，。；：！？、）」』”,.;:!?)的之")
_NUMERALS: Final = frozenset("零一二三四五六七八九十百千萬万兩两幾几多")
_OPENER_INDEX: Final = {o: k for k, o in enumerate(OPENERS)}
# Characters whose presence a rule looks for (see LanguageModel._rule_flags);
# digits and white space are tested apart.
_RULE_CHARS: Final = frozenset("，。；：！？,;:!?") | frozenset("在從从於于當当自") | _NUMERALS | DEGREE_ADVERBS | _CLAUSE_CLOSERS | frozenset(OPENERS) | frozenset(CLOSERS)


def is_han(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F


class Ranking:
    """The candidates of one damaged position with their max-marginal log scores.

    The choice and its probability are cheap; the full ranking (a sort) is
    made only when asked for: a repair reads it for a few uncertain characters.
    """

    __slots__ = ("cands", "scores", "_char", "_confidence", "_ranked")

    def __init__(self, cands: tuple[str, ...], scores: list[float]) -> None:
        self.cands = cands
        self.scores = scores
        self._char: str | None = None
        self._confidence: float | None = None
        self._ranked: tuple[tuple[str, float], ...] | None = None

    @property
    def char(self) -> str:
        """The best candidate (on a tie, the first: the highest code point, see ``LanguageModel._prepare``)."""
        if self._char is None:
            s = self.scores
            best = 0
            top = s[0]
            for k in range(1, len(s)):
                if s[k] > top:
                    top = s[k]
                    best = k
            self._char = self.cands[best]
        return self._char

    @property
    def confidence(self) -> float:
        """The best candidate's probability."""
        if self._confidence is None:
            scores = self.scores
            top = scores[0]
            for v in scores:
                if v > top:
                    top = v
            cut = top - 25.0
            z = 0.0
            for v in scores:
                if v > cut:
                    z += math.exp(v - top)
            self._confidence = 1.0 / z
        return self._confidence

    @property
    def ranked(self) -> tuple[tuple[str, float], ...]:
        """``[(char, probability)]``, best first (see :func:`_ranked`)."""
        if self._ranked is None:
            self._ranked = _ranked(self.cands, self.scores)
        return self._ranked


class LanguageModel:
    """Word log probabilities for one script, plus the part-of-speech classes the rules use.

    The words live in a :class:`Lexicon`; the decoder reads them through two
    memo dicts (``_w``: word -> score or ``None``, ``_p``: string -> whether
    it begins a longer word) that ask the lexicon only the first time a
    string comes up, so a model loaded from the store materializes the few
    thousand words a document touches, not all 270,000. ``words`` and
    ``prefixes`` are read-only views of the same.
    """

    def __init__(
        self,
        script: str,
        lexicon: "Lexicon",
        locative: frozenset[str] = frozenset(),
        classifier: frozenset[str] = frozenset(),
        adjective: frozenset[str] = frozenset(),
        adverb: frozenset[str] = frozenset(),
        merge_gap: int = 3,
        follow: dict[str, str] | None = None,
    ) -> None:
        self.script = script  # "Hans" or "Hant"
        self.lexicon = lexicon
        self.locative = locative
        self.classifier = classifier
        self.adjective = adjective
        self.adverb = adverb
        self.merge_gap = merge_gap  # damaged slots this close are decided together
        # Character -> the characters that follow it inside some word. A string
        # can only be a word (or begin one) if each of its character pairs is listed.
        self.follow: dict[str, str] = follow if follow is not None else {}
        self._w = lexicon.word_memo()
        self._p = lexicon.prefix_memo()
        self._cache: dict = {}
        self._seg_cache: dict = {}
        self._suffix_cache: dict = {}
        self._single_cache: dict = {}
        self._known_cache: dict = {}
        self._alive_cache: dict = {}
        self._closers_cache: dict = {}
        self._link_cache: dict = {}
        self._enter_cache: dict = {}
        self._union_cache: dict = {}
        self._starts_cache: dict = {}
        self._pair_cache: dict = {}
        self._extended: dict = {}
        self._follow = _Follow(self.follow)
        self._fixed = _FixedScores(self._w, lexicon.seeds()[0])
        # Characters whose score the rules can change (see _single).
        self._rule_chars = self.locative | self.classifier | self.adjective | self.adverb | frozenset(CLOSERS)

    def __repr__(self) -> str:
        return f"LanguageModel({self.script!r}, {len(self.lexicon)} words)"

    @property
    def words(self) -> "Mapping[str, float]":
        """Word -> log probability (a read-only view; iterating it reads the whole lexicon)."""
        return _WordsView(self._w, self.lexicon)

    @property
    def prefixes(self) -> "_PrefixView":
        """The strings that begin a longer word (supports ``in``)."""
        return _PrefixView(self._p)

    def clear_caches(self, *, tables: bool = False) -> None:
        """Forget what earlier lines taught: results and segmentations of their contexts.

        With ``tables``, also the per-candidate-set tables (known candidates,
        their scores, which begin words) and the words read so far: those
        depend on the model alone and are filled once per process, like the
        model itself.
        """
        memos = [self._cache, self._seg_cache, self._suffix_cache]
        if tables:
            memos += [self._single_cache, self._known_cache, self._alive_cache, self._closers_cache, self._link_cache, self._enter_cache, self._union_cache, self._starts_cache, self._pair_cache]
            self.lexicon.forget()
            words, begins = self.lexicon.seeds()
            for memo, seed in ((self._w, words), (self._p, begins), (self._fixed, words)):
                memo.clear()
                memo.update(seed)
        for memo in memos:
            memo.clear()

    # -- scores --------------------------------------------------------------- #

    def word_score(self, word: str) -> float | None:
        """Log probability of ``word`` as one dictionary word, ``None`` if unknown."""
        return self._w[word] if isinstance(word, str) else None

    def char_score(self, ch: str) -> float:
        """Log probability of ``ch`` standing alone (a one-character word, punctuation or other)."""
        s = self._w[ch]
        if s is not None:
            return s
        if ch in PUNCTUATION_PRIOR:
            return PUNCTUATION_PRIOR[ch]
        if is_han(ch):
            return UNKNOWN_HAN
        o = ord(ch)
        if 0x1F300 <= o <= 0x1FAFF or 0x2600 <= o <= 0x27BF:
            return EMOJI  # documentation headings love an emoji
        if 0xC0 <= o <= 0x24F and ch.isalpha():
            return LATIN_LETTER  # accented names: José, Dvořák
        return UNKNOWN_OTHER

    def text_score(self, text: str) -> float:
        """Log probability of ``text`` under its best segmentation into words (ASCII is free).

        Comparing two readings of the same bytes tells which one is Chinese.

            >>> lm = load("zh-Hant")
            >>> lm.text_score("評估") > lm.text_score("瑭曚及")
            True
        """
        wmemo = self._w
        n = len(text)
        best = [0.0] + [-1e18] * n
        for j in range(n):
            b = best[j]
            ch = text[j]
            sc = 0.0 if ch < "\x80" else self.char_score(ch)
            if b + sc > best[j + 1]:
                best[j + 1] = b + sc
            for e in range(j + 2, min(n, j + MAX_WORD) + 1):
                ws = wmemo[text[j:e]]
                if ws is not None and b + ws > best[e]:
                    best[e] = b + ws
        return best[n]

    def knows(self, ch: str) -> bool:
        """Whether ``ch`` is a word, starts a word, or is listed punctuation."""
        return self._w[ch] is not None or self._p[ch] or ch in PUNCTUATION_PRIOR

    def extended(self, extra: Mapping[str, float], known: "tuple[str, float] | None" = None) -> "LanguageModel":
        """A model that also knows ``extra`` words (a glossary, a reference text); the better score wins.

        ``known = (text, score)`` raises to ``score`` the words of 2 to
        ``MAX_WORD`` characters found in ``text`` that this model already
        knows (see :meth:`lexicon_words`); which ones those are is left to
        the lookups the decoder makes anyway.

        Nothing is copied: the new model reads this one's tables through an
        overlay. The last few extensions are remembered (see :meth:`extension`).
        """
        if not extra and not known:
            return self
        return self.extension((frozenset(extra.items()), known), lambda: (extra, known))

    def extension(self, key, make) -> "LanguageModel":
        """The extension remembered under ``key``, else ``extended(*make())`` (remembered).

        A caller that knows what its extra words come from (a glossary's
        terms) names them by that, and skips making them again.
        """
        got = self._extended.get(key)
        if got is not None:
            return got
        extra, known = make()
        extra = {w: s for w, s in extra.items() if w}
        if not extra and not known:
            return self
        # A known word's pairs and prefixes are already this model's.
        follow = dict(self.follow)
        for w in extra:
            for a, b in zip(w, w[1:]):
                if b not in follow.get(a, ""):
                    follow[a] = follow.get(a, "") + b
        got = LanguageModel(
            self.script,
            _Overlay(self, extra, known),
            self.locative,
            self.classifier,
            self.adjective,
            self.adverb,
            self.merge_gap,
            follow,
        )
        if len(self._extended) >= 4:
            self._extended.clear()
        self._extended[key] = got
        return got

    def lexicon_words(self, terms: Iterable[str], score: float = -9.0) -> tuple[dict[str, float], tuple[str, float]]:
        """Extra words for :meth:`extended` from ``terms``, as ``(extra, known)``.

        ``extra``: every Han run of 2 to ``MAX_WORD`` characters, and the
        ``MAX_WORD``-long pieces of longer runs (so the lattice can still use
        them); ``known``: the runs themselves, whose shorter pieces count only
        where they are dictionary words. ``extended(*lexicon_words(t))`` is
        ``extended(lexicon_scores(t))`` without looking every piece up first.
        """
        extra: dict[str, float] = {}
        runs = []
        for run in _han_runs("\n".join(terms)):
            n_run = len(run)
            if n_run < 2:
                continue
            runs.append(run)
            if n_run <= MAX_WORD:
                extra[run] = score
            else:
                for i in range(n_run - MAX_WORD + 1):
                    extra[run[i : i + MAX_WORD]] = score
        return extra, ("\n".join(runs), score)

    def lexicon_scores(self, terms: Iterable[str], score: float = -9.0) -> dict[str, float]:
        """Extra words for :meth:`extended`: every Han run of 2+ characters in ``terms``.

        Runs longer than the longest dictionary word are also split into their
        dictionary-length pieces so the lattice can still use them; shorter
        pieces are kept where they are dictionary words.
        """
        extra, (text, _score) = self.lexicon_words(terms, score)
        words = self._w
        out: dict[str, float] = {}
        for run in text.split("\n"):
            for n in range(2, min(MAX_WORD, len(run)) + 1):
                for i in range(len(run) - n + 1):
                    w = run[i : i + n]
                    if words[w] is not None:
                        out[w] = score
        out.update(extra)
        return out

    def reference_scores(self, text: str, score: float = -8.0) -> dict[str, float]:
        """Extra words from an aligned reference text: its character n-grams (2 to 4).

        A damaged character whose candidate forms, with its neighbours, a word
        the reference also contains is then preferred. Dictionary words in the
        reference gain a little; other n-grams score as a rare word, a bit more
        when seen twice; single characters get nothing (a common character is
        everywhere).
        """
        counts: dict[str, int] = {}
        for run in _han_runs(text):
            for n in range(2, MAX_WORD + 1):
                for i in range(len(run) - n + 1):
                    w = run[i : i + n]
                    counts[w] = counts.get(w, 0) + 1
        out: dict[str, float] = {}
        words = self._w
        for w, c in counts.items():
            base = words[w]
            if base is not None:
                out[w] = max(score, base + 2.0)
            else:
                out[w] = score if c >= 2 else score - 1.0
        return out

    # -- decoding ------------------------------------------------------------- #

    def choose(self, line_slots: Sequence[str | tuple[str, ...]], *, context: int = 3) -> dict[int, Ranking]:
        """Rank the candidates of every damaged slot of a line.

        ``line_slots`` holds one entry per character of the line: a string for a
        known character, a tuple of candidate characters where one was damaged.
        Damaged slots closer than a word's length are decided together, over a
        window of ``context`` characters on each side (a word covering a damaged
        slot lies inside it); a lone damaged slot is solved in closed form.
        Returns each damaged slot's :class:`Ranking` by its index.
        """
        slots: list[Any] = list(line_slots)
        damaged = [i for i, s in enumerate(slots) if isinstance(s, tuple)]
        if not damaged:
            return {}
        key: tuple
        chars: list[Any] = slots[:]
        known_cache = self._known_cache
        # Rules move the scores of a few candidates (a locative after 在, a
        # classifier after a number ...): only slots holding one need the
        # contexts the rules read; the others are decided with flag 0.
        sensitive = []
        for i in damaged:
            cands = slots[i]
            known = known_cache.get(cands)
            if known is None:
                prepared = self._prepare(cands)
                known = known_cache[cands] = (prepared, bool(self._single_base(prepared)[1]))
            slots[i] = known[0]
            if known[1]:
                sensitive.append(i)
            chars[i] = "\x00"
        text = "".join(chars)
        flags = dict.fromkeys(damaged, 0)
        ends = [m.end() for m in _CLAUSE_END.finditer(text)] if sensitive or len(damaged) > 1 else []
        if sensitive:
            flags.update(self._rule_flags(text, slots, sensitive, ends, chars))
        out: dict[int, Ranking] = {}
        n = len(slots)
        cache = self._cache
        if len(cache) > 100000:
            # A long-running process forgets rather than grows without bound.
            for memo in (cache, self._seg_cache, self._suffix_cache, self._link_cache, self._enter_cache, self._pair_cache, self._starts_cache):
                memo.clear()
        gap = self.merge_gap
        follow = self._follow
        # link[p]: some word could hold both p - 1 and p (their character pair
        # occurs in one). Pairs of known characters are read from ``chars``;
        # pairs with a damaged slot (NUL there) are looked at one by one below.
        link = [False] * n
        a = b = -1
        for i in damaged:
            # Only pairs within ``context`` of a damaged slot are ever read.
            lo = i - context if i > context else 0
            if lo > b:
                for k in range(a + 1, b):
                    link[k] = chars[k] in follow[chars[k - 1]]
                a = lo
            b = i + context + 1 if i + context + 1 < n else n
        for k in range(a + 1, b):
            link[k] = chars[k] in follow[chars[k - 1]]
        reach = self._link_cache
        enter = self._enter_cache
        for i in damaged:
            cands = slots[i]
            if i:
                left = slots[i - 1]
                if isinstance(left, str):
                    key = (left, cands)
                    got = enter.get(key)
                    if got is None:
                        after = follow[left]
                        got = False
                        for c in cands:
                            if c in after:
                                got = True
                                break
                        enter[key] = got
                    link[i] = got
            if i + 1 < n:
                right = slots[i + 1]
                key = (cands, right)
                got = reach.get(key)
                if got is None:
                    # What follows any candidate inside a word, in one string (per candidate set).
                    after = self._union_cache.get(cands)
                    if after is None:
                        after = self._union_cache[cands] = "".join(map(follow.__getitem__, cands))
                    if isinstance(right, str):
                        got = right in after
                    else:
                        got = False
                        for c in right:
                            if c in after:
                                got = True
                                break
                    reach[key] = got
                link[i + 1] = got

        # A word never crosses a position where no character pair links its
        # neighbours: there the lattice falls apart into parts whose scores
        # just add up, so each damaged slot is decided within the stretch
        # linked to it (at most ``context`` characters on each side), and
        # slots are decided together only when words could join them.
        k = 0
        nd = len(damaged)
        while k < nd:
            first = damaged[k]
            last = first
            k += 1
            while k < nd and damaged[k] - last <= gap and all(link[last + 1 : damaged[k] + 1]):
                last = damaged[k]
                k += 1
            lo = first
            stop = first - context if first > context else 0
            while lo > stop and link[lo]:
                lo -= 1
            hi = last + 1
            stop = last + context + 1
            if stop > n:
                stop = n
            while hi < stop and link[hi]:
                hi += 1
            if first == last:
                cands = slots[first]
                if lo == first and hi == first + 1:
                    out[first] = self._alone(cands, flags[first])
                    continue
                key = (text[lo:first], cands, text[first + 1 : hi], flags[first])
                ranked = cache.get(key)
                if ranked is None:
                    ranked = cache[key] = self._solve_one(key[0], cands, key[2], key[3])
                out[first] = ranked
                continue
            window = tuple(slots[lo:hi])
            wflags = tuple(flags[i] for i in damaged if lo <= i < hi)
            key = (window, wflags)
            result = cache.get(key)
            if result is None:
                result = cache[key] = self._solve(window, wflags)
            for rel, ranked in result:
                out[lo + rel] = ranked
        if len(damaged) > 1:
            # Rules read the characters around a slot; where those were damaged
            # too, read them as decided and decide again if that changes the
            # context. Only characters the rules look for can change it, and a
            # rule reads the next character at most: slots before the first
            # such character keep theirs.
            chosen = [out[i].char for i in damaged]
            later: Any = ()
            first_rule = next((i for i, c in zip(damaged, chosen) if c in _RULE_CHARS or c.isdigit() or c.isspace()), None)
            if first_rule is not None:
                later = [i for i in damaged if i >= first_rule - 1]
        else:
            later = ()
        if later:
            decided = chars[:]
            for i, c in zip(damaged, chosen):
                decided[i] = c
            text2 = "".join(decided)
            flags1 = self._rule_flags(text, slots, later, ends, chars)
            flags2 = self._rule_flags(text2, slots, later, None, decided)
            for i in later:
                if flags2[i] != flags1[i]:
                    left = text2[max(0, i - context) : i]
                    right = text2[i + 1 : i + context + 1]
                    key = (left, slots[i], right, self._effective(slots[i], flags2[i]))
                    ranked = cache.get(key)
                    if ranked is None:
                        ranked = cache[key] = self._solve_one(*key)
                    out[i] = ranked
        return out

    def _prepare(self, cands: tuple[str, ...]) -> tuple[str, ...]:
        """A damaged slot's candidates as the decoder wants them (memoized per candidate set).

        Candidates the model has never seen can only win when all are unseen,
        so the others are dropped. The rest are put in descending code-point
        order: rankings break ties that way, and sorting by score alone then
        keeps it.
        """
        knows = self.knows
        known = tuple(c for c in cands if knows(c)) or cands
        return tuple(sorted(known, reverse=True))

    def _rule_flags(
        self, text: str, slots: Sequence, damaged: list[int], ends: list[int] | None = None, chars: list[Any] | None = None
    ) -> dict[int, int]:
        """For each damaged slot, a bit set of the contexts the rules look at.

        ``text`` is the line with NUL at undecided damaged slots. Bits: 1 an
        open locative frame, 2 after a number, 4 after a degree adverb, 8 before
        the end of a clause or 的, 16<<k bracket pair k open. ``chars`` is
        ``list(text)``, if the caller has it: its characters are strings
        already made (and hashed), where indexing ``text`` makes new ones.
        """
        flags: dict[int, int] = {}
        if chars is None:
            chars = list(text)
        if ends is None:
            ends = [m.end() for m in _CLAUSE_END.finditer(text)]  # where each clause ends
        n = len(chars)
        closers = self._closers_cache
        for i in damaged:
            f = 0
            # The clause this slot is in starts after the last clause mark before it.
            k = bisect_right(ends, i)
            start = ends[k - 1] if k else 0
            # A frame needs something inside it: 在…中, not 在中.
            if i - 1 > start and _FRAME_OPENER.search(text, start, i - 1):
                f |= 1
            k = i - 1
            while k >= 0 and chars[k] == " ":
                k -= 1
            if k >= 0:
                prev = chars[k]
                if prev.isdigit() or prev in _NUMERALS:
                    f |= 2
            if i > 0 and chars[i - 1] in DEGREE_ADVERBS:
                f |= 4
            if i + 1 < n and chars[i + 1] in _CLAUSE_CLOSERS:
                f |= 8
            cands = slots[i]
            cl = closers.get(cands)
            if cl is None:
                cl = closers[cands] = tuple(c for c in cands if c in CLOSERS)
            for c in cl:
                opener = CLOSERS[c]
                if text.count(opener, 0, i) > text.count(c, 0, i):
                    f |= 16 << _OPENER_INDEX[opener]
            flags[i] = f
        return flags

    def _single(self, ch: str, flag: int) -> float:
        s = self.char_score(ch)
        if flag & 1 and ch in self.locative:
            s += RULE_BONUS
        if flag & 2 and ch in self.classifier:
            s += RULE_BONUS
        if flag & 4 and ch in self.adjective:
            s += RULE_BONUS
        if flag & 8:
            # Adverbs modify what follows; they do not end a clause or precede 的.
            if ch in self.adverb:
                s -= RULE_BONUS
            elif ch in self.locative:
                s += RULE_BONUS / 2
        if ch in CLOSERS:
            bit = 16 << _OPENER_INDEX[CLOSERS[ch]]
            s += BRACKET_BONUS if flag & bit else BRACKET_PENALTY
        return s

    def _effective(self, cands: tuple[str, ...], flag: int) -> int:
        """``flag``, or 0 when no rule can change a score of these candidates."""
        return flag if flag and self._single_base(cands)[1] else 0

    def _single_base(self, cands: tuple[str, ...]) -> tuple[tuple[float, ...], tuple[int, ...]]:
        """The candidates' own scores, and the indices of those some rule can change (memoized)."""
        base = self._single_cache.get(cands)
        if base is None:
            sensitive = self._rule_chars
            base = self._single_cache[cands] = (
                tuple([self.char_score(c) for c in cands]),
                tuple([k for k, c in enumerate(cands) if c in sensitive]),
            )
        return base

    def _singles(self, cands: tuple[str, ...], flag: int) -> tuple[float, ...]:
        """``_single`` of every candidate (memoized; most candidates no rule ever touches)."""
        key = (cands, flag)
        got = self._single_cache.get(key)
        if got is None:
            scores, touched = self._single_base(cands)
            if touched:
                changed = list(scores)
                for k in touched:
                    changed[k] = self._single(cands[k], flag)
                scores = tuple(changed)
            got = self._single_cache[key] = scores
        return got

    def _segment_scores(self, text: str) -> list[float]:
        """``best[k]``: the best segmentation score of ``text[:k]`` (fixed characters, memoized)."""
        memo = self._seg_cache
        got = memo.get(text)
        if got is not None:
            return got
        n = len(text)
        if n == 1:
            best = memo[text] = [0.0, 0.0 + self._fixed[text]]
            return best
        best = [0.0] + [-1e18] * n
        for j, e, sc in self._fixed_words(text):
            v = best[j] + sc
            if v > best[e]:
                best[e] = v
        memo[text] = best
        return best

    def _fixed_words(self, text: str) -> list[tuple[int, int, float]]:
        """Every word of ``text`` as (start, end, score), by start then end; one-character words always."""
        wmemo = self._w
        follow = self._follow
        fixed = self._fixed
        n = len(text)
        edges = []
        for j in range(n):
            ch = text[j]
            edges.append((j, j + 1, fixed[ch]))
            e = j + 1
            while e < n and e - j < MAX_WORD:
                if text[e] not in follow[text[e - 1]]:
                    break
                e += 1
                sc = wmemo[text[j:e]]
                if sc is not None:
                    edges.append((j, e, sc))
        return edges

    def _suffix_scores(self, text: str) -> list[float]:
        """``out[b]``: the best segmentation score of ``text[b:]`` (memoized).

        One backward pass over the words of ``text``.
        """
        memo = self._suffix_cache
        got = memo.get(text)
        if got is not None:
            return got
        n = len(text)
        if n == 1:
            got = memo[text] = [self._fixed[text] + 0.0, 0.0]
            return got
        got = [-1e18] * n + [0.0]
        # Backwards over the words, which come by start: each suffix's best is
        # final before a shorter one needs it.
        for j, e, sc in reversed(self._fixed_words(text)):
            v = sc + got[e]
            if v > got[j]:
                got[j] = v
        memo[text] = got
        return got

    def _solve_one(self, left: str, cands: tuple[str, ...], right: str, flag: int) -> Ranking:
        """One damaged slot between fixed characters: max-marginals in closed form.

        For a candidate ``c``, every path is: a segmentation of ``left[:a]``, one
        word ``left[a:] + c + right[:b]``, a segmentation of ``right[b:]``. Only
        candidates that can follow the left part inside a word are looked up,
        and only those that begin a longer word are followed into the right context.
        """
        follow = self._follow
        # A word holding the slot and a neighbour needs a character pair that
        # some word has: most candidates have none on either side.
        hits: Any = ()
        if left:
            after = follow[left[-1]]
            hits = [k for k in range(len(cands)) if cands[k] in after]
        starts: Any = ()
        if right:
            key = (cands, right[0])
            starts = self._starts_cache.get(key)
            if starts is None:
                x = right[0]
                starts = self._starts_cache[key] = tuple([k for k in self._alive(cands) if x in follow[cands[k]]])
        if not hits and not starts:
            # Every path takes the candidate as a word of its own: the context
            # adds the same score to each, and only their own scores rank them.
            return self._alone(cands, flag)
        wmemo = self._w
        prefixes = self._p
        la = self._segment_scores(left)
        rb = self._suffix_scores(right)
        nl = len(left)
        lr = len(right)
        r0 = rb[0]
        base = la[nl] + r0
        tops = [base + sc for sc in self._singles(cands, flag)]
        for k in starts:
            self._extend_right(tops, k, cands[k], la[nl], right, rb, MAX_WORD - 1)
        if hits:
            hit_at = hits
            for a in range(max(0, nl - MAX_WORD + 1), nl):
                lpart = left[a:]
                if not prefixes[lpart]:
                    continue
                score_left = la[a]
                room = MAX_WORD - len(lpart) - 1
                for k in hit_at:
                    w = lpart + cands[k]
                    sc = wmemo[w]
                    if sc is not None and score_left + sc + r0 > tops[k]:
                        tops[k] = score_left + sc + r0
                    if room > 0 and lr and prefixes[w]:
                        self._extend_right(tops, k, w, score_left, right, rb, room)
        return Ranking(cands, tops)

    def _alone(self, cands: tuple[str, ...], flag: int) -> Ranking:
        """The ranking of candidates that no word can hold: by their own scores (memoized)."""
        key = (cands, flag, None)
        got = self._single_cache.get(key)
        if got is None:
            got = self._single_cache[key] = Ranking(cands, list(self._singles(cands, flag)))
        return got

    def _extend_right(self, tops: list[float], k: int, w: str, score_left: float, right: str, rb: list[float], room: int) -> None:
        """Words ``w + right[:b]`` (``w`` begins a word, ``b <= room``): raise ``tops[k]``."""
        wmemo = self._w
        prefixes = self._p
        follow = self._follow
        lr = len(right)
        b = 0
        while b < room and b < lr:
            x = right[b]
            if x not in follow[w[-1]]:
                return
            w += x
            b += 1
            sc = wmemo[w]
            if sc is not None and score_left + sc + rb[b] > tops[k]:
                tops[k] = score_left + sc + rb[b]
            if not prefixes[w]:
                return

    def _pairs(self, frontier: Sequence[str], nxt: tuple[str, ...]) -> list[str]:
        """``p + c`` for the prefixes ``p`` and the candidates ``c`` that some word has side by side."""
        follow = self._follow
        out: list[str] = []
        for p in frontier:
            fl = follow[p[-1]]
            out += [p + c for c in nxt if c in fl]
        return out

    def _alive(self, cands: tuple[str, ...]) -> tuple[int, ...]:
        """Indices of the candidates that begin a longer word (memoized per candidate set)."""
        got = self._alive_cache.get(cands)
        if got is None:
            got = self._alive_cache[cands] = tuple(compress(range(len(cands)), map(self._p.__getitem__, cands)))
        return got

    def _solve(self, window: tuple, wflags: tuple[int, ...]) -> list[tuple[int, Ranking]]:
        """Viterbi with max-marginals over one window of the lattice (several damaged slots).

        Single-character words are kept apart from longer ones: at a damaged
        slot they are a dozen edges that differ only in their score, so the
        forward and backward passes need only their best, and a candidate's
        max-marginal as a word of its own is ``alpha[i] + single + beta[i + 1]``.
        Only the few dictionary words of two or more characters are real edges.
        """
        m = len(window)
        wmemo = self._w
        pmemo = self._p
        follow = self._follow
        fixed = self._fixed
        pair_cache = self._pair_cache
        best1 = [0.0] * m  # best single-character score per position
        damaged: list[tuple[int, tuple[str, ...], tuple[float, ...]]] = []
        words: list[tuple[int, int, str, float]] = []  # (start, end, word, score), by start
        fi = 0
        cand: Any
        for j in range(m):
            s = window[j]
            if isinstance(s, str):
                best1[j] = fixed[s]
                if j + 1 == m:
                    continue
                nxt = window[j + 1]
                if isinstance(nxt, str):
                    if nxt not in follow[s]:
                        continue
                elif not any(map(follow[s].__contains__, nxt)):
                    continue
                if not pmemo[s]:
                    continue
                frontier = [s]
            else:
                scores = self._singles(s, wflags[fi])
                fi += 1
                damaged.append((j, s, scores))
                best1[j] = max(scores)
                frontier = [s[k] for k in self._alive(s)]
            end = j + 1
            while frontier and end < m and end - j < MAX_WORD:
                nxt = window[end]
                end += 1
                if isinstance(nxt, str):
                    cand = [p + nxt for p in frontier if nxt in follow[p[-1]]]
                elif end == j + 2 and isinstance(s, tuple):
                    # Two damaged slots side by side: their pairs depend on the two sets alone.
                    key = (s, nxt)
                    cand = pair_cache.get(key)
                    if cand is None:
                        cand = pair_cache[key] = self._pairs(frontier, nxt)
                else:
                    cand = self._pairs(frontier, nxt)
                if not cand:
                    break
                for w in cand:
                    sc = wmemo[w]
                    if sc is not None:
                        words.append((j, end, w, sc))
                frontier = [w for w in cand if pmemo[w]]
        neg = -1e18
        alpha = [neg] * (m + 1)
        alpha[0] = 0.0
        beta = [neg] * (m + 1)
        beta[m] = 0.0
        if not words:
            for j in range(m):
                alpha[j + 1] = alpha[j] + best1[j]
            for j in range(m - 1, -1, -1):
                beta[j] = best1[j] + beta[j + 1]
        else:
            by_end = sorted(words, key=itemgetter(1))
            k = 0
            nw = len(by_end)
            for j in range(m):
                # alpha[j] is final once every word ending at j was seen.
                while k < nw and by_end[k][1] == j:
                    st, _e, _w, sc = by_end[k]
                    v = alpha[st] + sc
                    if v > alpha[j]:
                        alpha[j] = v
                    k += 1
                v = alpha[j] + best1[j]
                if v > alpha[j + 1]:
                    alpha[j + 1] = v
            while k < nw:
                st, _e, _w, sc = by_end[k]
                v = alpha[st] + sc
                if v > alpha[m]:
                    alpha[m] = v
                k += 1
            k = len(words) - 1
            for j in range(m - 1, -1, -1):
                b = best1[j] + beta[j + 1]
                while k >= 0 and words[k][0] == j:
                    _s, e, _w, sc = words[k]
                    v = sc + beta[e]
                    if v > b:
                        b = v
                    k -= 1
                beta[j] = b
        out = []
        for i, cands, scores in damaged:
            a = alpha[i]
            b = beta[i + 1]
            tops = [a + sc + b for sc in scores]
            for j, e, w, sc in words:
                if j <= i < e:
                    tot = alpha[j] + sc + beta[e]
                    k = cands.index(w[i - j])
                    if tot > tops[k]:
                        tops[k] = tot
            out.append((i, Ranking(cands, tops)))
        return out


class _FixedScores(dict):
    """Character -> its score as a known character of the line: its word score, else
    ``UNKNOWN_HAN`` for a Han character and 0 for anything else (filled on first use)."""

    __slots__ = ("words",)

    def __init__(self, words: dict, seed: Any = ()) -> None:
        super().__init__(seed)
        self.words = words

    def __missing__(self, ch: str) -> float:
        sc = self.words[ch]
        if sc is None:
            sc = UNKNOWN_HAN if is_han(ch) else 0.0
        self[ch] = sc
        return sc


class _Follow(dict):
    """Character -> the characters that follow it inside some word (a string; ``""`` for none).

    Membership in a string of a few hundred characters costs what a set
    lookup does, and the strings need no building.
    """

    __slots__ = ()

    def __missing__(self, ch: str) -> str:
        self[ch] = ""
        return ""


class _Memo(dict):
    """``key -> fn(key)``, computed on first use; the decoder's word and prefix tables.

    Read with ``memo[key]`` (``get`` would not fill it): after the first
    time, a lookup is a plain dict lookup.
    """

    __slots__ = ("fn",)

    def __init__(self, fn: Any, seed: Any = ()) -> None:
        super().__init__(seed)
        self.fn = fn

    def __missing__(self, key):
        got = self[key] = self.fn(key)
        return got


class _WordsView(Mapping):
    """The words of a model as a read-only mapping (word -> log probability)."""

    __slots__ = ("_memo", "_lexicon")

    def __init__(self, memo: dict, lexicon: "Lexicon") -> None:
        self._memo = memo
        self._lexicon = lexicon

    def __getitem__(self, word: str) -> float:
        got = self._memo[word] if isinstance(word, str) else None
        if got is None:
            raise KeyError(word)
        return got

    def get(self, word, default=None):
        got = self._memo[word] if isinstance(word, str) else None
        return default if got is None else got

    def __contains__(self, word) -> bool:
        return isinstance(word, str) and self._memo[word] is not None

    def __iter__(self):
        return map(itemgetter(0), self._lexicon.items())

    def items(self):
        return self._lexicon.items()

    def values(self):
        return map(itemgetter(1), self._lexicon.items())

    def __len__(self) -> int:
        return len(self._lexicon)


class _PrefixView:
    """The strings that begin a longer word, for ``in`` tests."""

    __slots__ = ("_memo",)

    def __init__(self, memo: dict) -> None:
        self._memo = memo

    def __contains__(self, text) -> bool:
        return isinstance(text, str) and bool(text) and self._memo[text]


class Lexicon:
    """Where a model's words are: ``lookup(word)`` (score or ``None``), ``begins(text)``.

    ``begins`` tells whether ``text`` is the beginning of a longer word.
    """

    __slots__ = ()

    def lookup(self, word: str) -> float | None:  # pragma: no cover - interface
        raise NotImplementedError

    def begins(self, text: str) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def items(self) -> Iterable[tuple[str, float]]:  # pragma: no cover - interface
        raise NotImplementedError

    def __len__(self) -> int:  # pragma: no cover - interface
        raise NotImplementedError

    def forget(self) -> None:
        """Drop what was read so far (only the stored lexicon reads lazily)."""

    def word_memo(self) -> dict:
        """A dict ``word -> lookup(word)`` filled on first use (read it with ``[]``)."""
        return _Memo(self.lookup)

    def prefix_memo(self) -> dict:
        """A dict ``text -> begins(text)`` filled on first use (read it with ``[]``)."""
        return _Memo(self.begins)

    def seeds(self) -> tuple[dict[str, float], dict[str, bool]]:
        """What memos may start with: the one-character words and the characters that begin a word.

        Most lookups are of single characters; a memo that starts with them
        (one dict copy) asks the lexicon only about longer strings.
        """
        return {}, {}


class DictLexicon(Lexicon):
    """Every word in a dict, every prefix in a set (the shipped file parsed whole)."""

    __slots__ = ("words", "prefixes")

    def __init__(self, words: dict[str, float], prefixes: set[str] | None = None) -> None:
        self.words = words
        if prefixes is None:
            prefixes = {w[:k] for w in words for k in range(1, len(w))}
        self.prefixes = prefixes

    def lookup(self, word: str) -> float | None:
        return self.words.get(word)

    def begins(self, text: str) -> bool:
        return text in self.prefixes

    def items(self) -> Iterable[tuple[str, float]]:
        return iter(self.words.items())

    def __len__(self) -> int:
        return len(self.words)


_NO_SPAN: Final = (0, 0)  # the (empty) stretch of a pair no word begins with


class PairLexicon(Lexicon):
    """The words stored by their first two characters, looked up in the stored bytes.

    Loading it is unpickling a few large strings and arrays (a few ms) where
    building the whole dict costs ~0.2 s; a lookup finds its pair's stretch
    of bytes (a bisection, then a search in the pair's second characters)
    and searches that stretch for the word, without decoding it: the 50 KB
    benchmark asks about 2,500 strings in some 900 pairs. The layout (made by
    :func:`_pair_store`):

    - ``single_chars`` / ``single_scores``: the one-character words, in
      code-point order, and their scores in 1/SCALE nat;
    - ``first_chars``: the characters that begin a longer word, in code-point
      order; ``seconds``: for each of them in turn, the characters that follow
      it as a word's second character, in code-point order, so that pair
      ``k`` is ``first_chars[i] + seconds[k]`` for ``first_start[i] <= k <
      first_start[i + 1]``;
    - ``offsets`` / ``data``: pair ``k``'s stretch is
      ``data[offsets[k]:offsets[k + 1]]``, UTF-8. For each word that begins
      with the pair: ``\\x02``, the rest of the word, ``\\x01``, its score in
      1/SCALE nat right-aligned in ``width`` bytes. Then, when the pair's words
      have prefixes of two or more characters shorter than ``MAX_WORD``: the
      rests of those prefixes, each between ``\\x04`` bytes. The control bytes
      never occur inside UTF-8 text, so a search for ``\\x02rest\\x01`` (or
      ``\\x04rest\\x04``) matches one whole entry.
    """

    __slots__ = ("singles", "first_chars", "first_start", "seconds", "offsets", "data", "width", "count", "_first_index", "_spans", "_first_begins")

    def __init__(self, store: Mapping) -> None:
        self.singles: dict[str, float] = dict(zip(store["single_chars"], map(_SCALED, store["single_scores"])))
        self.first_chars: str = store["first_chars"]
        self.first_start = store["first_start"]
        self.seconds: str = store["seconds"]
        self.offsets = store["offsets"]
        self.data: bytes = store["data"]
        self.width: int = store["width"]
        self.count: int = store["count"]
        self._first_index: dict[str, int] = dict(zip(self.first_chars, range(len(self.first_chars))))
        self._spans: dict[str, tuple[int, int]] = {}
        self._first_begins: dict[str, bool] | None = None

    def _span(self, pair: str) -> tuple[int, int]:
        """Where ``pair``'s stretch is in ``data`` (memoized); empty when no word begins with it."""
        got = self._spans.get(pair)
        if got is None:
            i = self._first_index.get(pair[0])
            k = -1 if i is None else self.seconds.find(pair[1], self.first_start[i], self.first_start[i + 1])
            got = self._spans[pair] = _NO_SPAN if k < 0 else (self.offsets[k], self.offsets[k + 1])
        return got

    def _read(self, pair: str) -> list[tuple[str, float]]:
        span = self._span(pair)
        if span[0] == span[1]:
            return []
        words = self.data[span[0] : span[1]].split(b"\x04", 1)[0].decode("utf-8")
        width = self.width
        return [(pair + e[:-width - 1], int(e[-width:]) / SCALE) for e in words.split("\x02")[1:]]

    def lookup(self, word: str) -> float | None:
        if len(word) < 2:
            return self.singles.get(word)
        span = self._span(word[:2])
        if span[0] == span[1]:
            return None
        text = word[2:]
        if not text.isprintable():
            return None  # no word has a control character (they separate the entries)
        rest = text.encode("utf-8")
        data = self.data
        at = data.find(b"\x02" + rest + b"\x01", span[0], span[1])
        if at < 0:
            return None
        at += len(rest) + 2
        return int(data[at : at + self.width]) / SCALE

    def begins(self, text: str) -> bool:
        n = len(text)
        if n == 1:
            return text in self.seeds()[1]
        if n < 1 or n >= MAX_WORD:
            return False
        span = self._span(text[:2])
        if span[0] == span[1]:
            return False
        rest = text[2:]
        return rest.isprintable() and self.data.find(b"\x04" + rest.encode("utf-8") + b"\x04", span[0], span[1]) >= 0

    def word_memo(self) -> dict:
        return _Memo(self.lookup, self.seeds()[0])

    def prefix_memo(self) -> dict:
        return _Memo(self.begins, self.seeds()[1])

    def seeds(self) -> tuple[dict[str, float], dict[str, bool]]:
        if self._first_begins is None:
            self._first_begins = dict.fromkeys(self.first_chars, True)
        return self.singles, self._first_begins

    def items(self) -> Iterable[tuple[str, float]]:
        yield from self.singles.items()
        for i, first in enumerate(self.first_chars):
            for second in self.seconds[self.first_start[i] : self.first_start[i + 1]]:
                yield from self._read(first + second)

    def __len__(self) -> int:
        return self.count

    def forget(self) -> None:
        self._spans.clear()


class _Overlay(Lexicon):
    """A model's words plus extra ones (a glossary, a reference text); the better score wins.

    ``known = (text, score)``: words of 2 to ``MAX_WORD`` characters found in
    ``text`` score at least ``score``, where the base model knows them. The
    base is read through its model's memo tables, so what one extension
    looked up the next one finds.
    """

    __slots__ = ("base", "words", "begun_base", "extra", "known_text", "known_score", "known_pairs", "begun", "_seeds")

    def __init__(self, base: LanguageModel, extra: dict[str, float], known: "tuple[str, float] | None") -> None:
        self.base = base
        self.words = base._w
        self.begun_base = base._p
        self.extra = extra
        self.known_text, self.known_score = known if known else ("", 0.0)
        # The character pairs of ``known_text``: a word whose first pair is not
        # among them is not in it, and the text need not be searched.
        text = self.known_text
        self.known_pairs = {text[i : i + 2] for i in range(len(text) - 1)}
        self.begun = {w[:k] for w in extra for k in range(1, len(w))}
        self._seeds: tuple[dict[str, float], dict[str, bool]] | None = None

    def lookup(self, word: str) -> float | None:
        got = self.words[word]
        if got is not None and got < self.known_score and 1 < len(word) <= MAX_WORD and word[:2] in self.known_pairs and word in self.known_text:
            got = self.known_score
        more = self.extra.get(word)
        if more is None:
            return got
        return more if got is None else max(got, more)

    def begins(self, text: str) -> bool:
        return text in self.begun or self.begun_base[text]

    def items(self) -> Iterable[tuple[str, float]]:
        extra = self.extra
        for w, _sc in self.base.lexicon.items():
            yield w, self.lookup(w)  # type: ignore[misc]
        for w, sc in extra.items():
            if self.words[w] is None:
                yield w, sc

    def __len__(self) -> int:
        return len(self.base.lexicon) + sum(1 for w in self.extra if self.words[w] is None)

    def forget(self) -> None:
        self.base.clear_caches(tables=True)

    def word_memo(self) -> dict:
        return _OverlayWords(self)

    def prefix_memo(self) -> dict:
        return _OverlayBegins(self)

    def seeds(self) -> tuple[dict[str, float], dict[str, bool]]:
        if self._seeds is None:
            words, begins = self.base.lexicon.seeds()
            ones = [w for w in self.extra if len(w) == 1]
            if ones:
                words = dict(words)
                for w in ones:
                    words[w] = self.lookup(w)  # type: ignore[assignment]
            ones = [w for w in self.begun if len(w) == 1 and w not in begins]
            if ones:
                begins = dict(begins)
                begins.update(dict.fromkeys(ones, True))
            self._seeds = (words, begins)
        return self._seeds


class _OverlayWords(dict):
    """The word memo of an :class:`_Overlay` (its ``lookup``, inlined).

    Over a :class:`PairLexicon` the base's pairs are read directly, and a
    character missing from the seeds (every one-character word) is no word:
    one call per new string.
    """

    __slots__ = ("words", "pairs", "known_text", "known_pairs", "known_score", "extra")

    def __init__(self, lex: "_Overlay") -> None:
        super().__init__(lex.seeds()[0])
        self.words = lex.words
        base = lex.base.lexicon
        self.pairs = base if base.__class__ is PairLexicon else None
        self.known_text = lex.known_text
        self.known_pairs = lex.known_pairs
        self.known_score = lex.known_score
        self.extra = lex.extra

    def __missing__(self, word: str) -> float | None:
        pairs = self.pairs
        if pairs is None:
            got = self.words[word]
        elif len(word) < 2:
            self[word] = None
            return None
        else:
            got = pairs.lookup(word)
        if got is not None and got < self.known_score and 1 < len(word) <= MAX_WORD and word[:2] in self.known_pairs and word in self.known_text:
            got = self.known_score
        more = self.extra.get(word)
        if more is not None and (got is None or more > got):
            got = more
        self[word] = got
        return got


class _OverlayBegins(dict):
    """The prefix memo of an :class:`_Overlay` (its ``begins``, inlined like :class:`_OverlayWords`)."""

    __slots__ = ("lex", "pairs", "begun")

    def __init__(self, lex: "_Overlay") -> None:
        super().__init__(lex.seeds()[1])
        self.lex = lex
        base = lex.base.lexicon
        self.pairs = base if base.__class__ is PairLexicon else None
        self.begun = lex.begun

    def __missing__(self, text: str) -> bool:
        pairs = self.pairs
        if pairs is None:
            got = self.lex.begins(text)
        elif text in self.begun:
            got = True
        else:
            n = len(text)
            if n < 2 or n >= MAX_WORD:
                got = False  # one character: the seeds have every one that begins a word
            else:
                got = pairs.begins(text)
        self[text] = got
        return got


_SCALED = SCALE.__rtruediv__  # n -> n / SCALE, as the shipped file is read


def _ranked(cands: Sequence[str], scores: Sequence[float], keep: int = 6) -> tuple[tuple[str, float], ...]:
    """Max-marginal log scores of ``cands`` to probabilities, best first (at most ``keep``).

    Candidates 25 nats or more behind the best weigh nothing and are left out.
    Equal scores keep the candidates' order (descending code points, see
    ``LanguageModel._prepare``).
    """
    top = max(scores)
    cut = top - 25.0
    order = sorted(range(len(scores)), key=scores.__getitem__, reverse=True)
    if len(order) == 1 or scores[order[1]] <= cut:
        return ((cands[order[0]], 1.0),)
    exp = math.exp
    z = 0.0
    for v in scores:
        if v > cut:
            z += exp(v - top)
    return tuple([(cands[i], exp(scores[i] - top) / z) for i in order[:keep] if scores[i] > cut])


def _han_runs(text: str) -> list[str]:
    """The runs of Han characters (:func:`is_han`) in ``text``.

    A loop, not a regular expression: compiling a class of the Han blocks
    costs the regex compiler some 3 ms (it fills a table of 64 K entries).
    """
    runs: list[str] = []
    start = -1
    for i in range(len(text)):
        if is_han(text[i]):
            if start < 0:
                start = i
        elif start >= 0:
            runs.append(text[start:i])
            start = -1
    if start >= 0:
        runs.append(text[start:])
    return runs


def script_of(lang: str | None) -> str:
    """``Hant`` for zh-Hant / zh-HK, else ``Hans``."""
    return "Hant" if lang in ("zh-Hant", "zh-HK", "Hant") else "Hans"


@lru_cache(maxsize=2)
def load(lang: str | None = "zh-Hans") -> LanguageModel:
    """Load the shipped model for ``lang``'s script (cached for the process).

    The shipped file is parsed once (~0.2 s) and its words are stored, laid
    out by pair (:class:`PairLexicon`), in the user cache directory, keyed
    by the file's size and time and transkit's version; later processes
    unpickle that in a few ms. Without a usable cache directory (or with
    ``TRANSKIT_NO_CACHE``) the file is parsed every time.
    """
    script = script_of(lang)
    path = DATA_DIR / MODEL_FILES[script]
    stored = _stored(path)
    lexicon: Lexicon
    if stored is not None:
        lexicon, classes, follow = stored
    else:
        groups, classes, follow = _parse(path)
        words: dict[str, float] = {}
        for _length, score, ws in groups:
            words.update(dict.fromkeys(ws, score / SCALE))
        # Prefixes let the lattice stop extending a word early; slicing in map() keeps this in C.
        prefixes: set[str] = set()
        for k in range(1, MAX_WORD):
            cut = itemgetter(slice(0, k))
            for length, _score, ws in groups:
                if length > k:
                    prefixes.update(map(cut, ws))
        lexicon = DictLexicon(words, prefixes)
        _store(path, groups, classes, follow)
    return LanguageModel(
        script,
        lexicon,
        locative=classes.get("f", frozenset()),
        classifier=classes.get("q", frozenset()),
        adjective=classes.get("a", frozenset()),
        adverb=classes.get("d", frozenset()),
        follow=follow,
    )


def _parse(path: Path) -> tuple[list[tuple[int, int, list[str]]], dict[str, frozenset[str]], dict[str, str]]:
    """The shipped file: ``(length, score in 1/SCALE nat, words)`` groups, the classes, the follow table."""
    groups: list[tuple[int, int, list[str]]] = []
    classes: dict[str, frozenset[str]] = {}
    follow: dict[str, str] = {}
    import gzip

    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            if line.startswith("@next\t"):
                _, ch, chars = line.rstrip("\n").split("\t")
                follow[ch] = chars
                continue
            if line.startswith("@class\t"):
                _, name, chars = line.rstrip("\n").split("\t")
                classes[name] = frozenset(chars)
                continue
            length, score, rest = line.rstrip("\n").split("\t")
            groups.append((int(length), int(score), rest.split(" ")))
    return groups, classes, follow


_STORE_FORMAT = "pairs-5"


def _store_path(path: Path) -> "Path | None":
    from transkit import cache

    if not cache.enabled():
        return None
    st = path.stat()
    key = cache.digest(_STORE_FORMAT, transkit.__version__, str(path), str(st.st_size), str(st.st_mtime_ns))
    return cache.cache_dir() / "langmodel" / f"{path.name.split('.')[0]}-{key}.pickle"


def _stored(path: Path) -> "tuple[PairLexicon, dict, dict] | None":
    """The stored lexicon, classes and follow table for ``path``, or ``None`` (missing, stale, unreadable)."""
    import pickle

    try:
        store = _store_path(path)
        if store is None:
            return None
        with open(store, "rb") as fh:
            got = pickle.load(fh)
        if got.get("format") != _STORE_FORMAT:
            return None
        lexicon = PairLexicon(got)
        return lexicon, got["classes"], got["follow"]
    except Exception:  # missing or unreadable: parse the shipped file
        return None


def _store(path: Path, groups, classes, follow) -> None:
    """Write the pair layout of ``groups`` for the next process (failures are ignored)."""
    import pickle

    try:
        store = _store_path(path)
        if store is None:
            return
        from transkit.fsutil import atomic_write

        data = dict(_pair_store(groups), format=_STORE_FORMAT, classes=classes, follow=follow)
        store.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(store, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        # Stores of older versions of the same file are dead weight.
        prefix = path.name.split(".")[0] + "-"
        for old in store.parent.glob(prefix + "*.pickle"):
            if old != store:
                old.unlink(missing_ok=True)
    except Exception:  # a read-only or full cache directory: parse again next time
        pass


def _pair_store(groups: Iterable[tuple[int, int, list[str]]]) -> dict:
    """The :class:`PairLexicon` layout of ``(length, score, words)`` groups (see its docstring)."""
    from array import array

    singles: dict[str, int] = {}
    by_pair: dict[str, dict[str, int]] = {}  # pair -> rest of the word -> score (a later group wins, as in a dict)
    count = 0
    for length, score, ws in groups:
        count += len(ws)
        if length == 1:
            singles.update(dict.fromkeys(ws, score))
            continue
        for w in ws:
            got = by_pair.get(w[:2])
            if got is None:
                by_pair[w[:2]] = {w[2:]: score}
            else:
                got[w[2:]] = score
    width = max([len(str(s)) for entries in by_pair.values() for s in entries.values()], default=1)
    first_chars: list[str] = []
    first_start = array("I")
    offsets = array("I", [0])
    chunks: list[bytes] = []
    pos = 0
    pairs = sorted(by_pair)
    for k, pair in enumerate(pairs):
        if not first_chars or first_chars[-1] != pair[0]:
            first_chars.append(pair[0])
            first_start.append(k)
        entries = sorted(by_pair[pair].items())
        # The prefixes (of two characters or more, shorter than MAX_WORD) the pair's words have.
        begun = sorted({sfx[:k] for sfx, _ in entries for k in range(len(sfx)) if k + 2 < MAX_WORD})
        chunk = "".join([f"\x02{sfx}\x01{score:>{width}}" for sfx, score in entries])
        if begun:
            chunk += "\x04" + "\x04".join(begun) + "\x04"
        chunks.append(chunk.encode("utf-8"))
        pos += len(chunks[-1])
        offsets.append(pos)
    first_start.append(len(pairs))
    single_chars = sorted(singles)
    return {
        "single_chars": "".join(single_chars),
        "single_scores": array("i", [singles[c] for c in single_chars]),
        "first_chars": "".join(first_chars),
        "first_start": first_start,
        "seconds": "".join(p[1] for p in pairs),
        "offsets": offsets,
        "data": b"".join(chunks),
        "width": width,
        "count": count,
    }


# --------------------------------------------------------------------------- #
# Derivation (development time only: needs jieba's data files and OpenCC)
# --------------------------------------------------------------------------- #

# Weight of the document-frequency estimate against the dictionary frequency.
# Chosen on the project's own sample texts (locales/), damaged the way the
# mojibake benchmark damages text; never on the user's seed documents.
IDF_WEIGHT = 0.8
# When a word is known to only one source, the other estimate is this much lower.
MISSING_SOURCE = 3.0
# Words rarer than this (log probability) are dropped: about a quarter of the
# vocabulary, and no choice on the development texts changed (the file shrinks by
# a third).
PRUNE_BELOW = -18.0


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
            a = b - MISSING_SOURCE  # type: ignore[operator]
        if b is None:
            b = a - MISSING_SOURCE
        score = (1 - IDF_WEIGHT) * a + IDF_WEIGHT * b
        if score >= PRUNE_BELOW or len(w) == 1:
            scores[w] = round(score * SCALE)

    # Part-of-speech classes of single characters, from the dictionary's tags.
    best_tag: dict[str, tuple[int, str]] = {}
    single_forms = forms_d[0]
    for (w0, f, t), w in zip(entries, single_forms):
        if len(w0) == 1 and len(w) == 1 and f > best_tag.get(w, (-1, ""))[0]:
            best_tag[w] = (f, t)
    classes = {"f": "", "q": "", "a": "", "d": ""}
    for ch, (_f, t) in sorted(best_tag.items()):
        if t == "f":
            classes["f"] += ch
        elif t in ("q", "m"):
            classes["q"] += ch
        elif t in ("a", "ad", "an"):
            classes["a"] += ch
        elif t == "d":
            classes["d"] += ch
    return scores, classes


def build(out_dir: Path = DATA_DIR) -> dict[str, int]:
    """Derive both models and write them (gzip, reproducible bytes)."""
    import io

    sizes = {}
    for script, name in MODEL_FILES.items():
        scores, classes = derive(script)
        groups: dict[tuple[int, int], list[str]] = {}
        for w, s in scores.items():
            groups.setdefault((len(w), s), []).append(w)
        buf = io.StringIO()
        buf.write("# transkit Chinese word model, derived by `python -m transkit.langmodel build`; do not edit.\n")
        buf.write(f"# script {script}; sources: jieba dict.txt + analyse/idf.txt (MIT); {len(scores)} words.\n")
        buf.write(f"# line = word length <TAB> log probability in 1/{SCALE} nat <TAB> words.\n")
        for tag, chars in classes.items():
            buf.write(f"@class\t{tag}\t{chars}\n")
        # Which character follows which inside some word: the decoder looks a
        # pair up here before it builds and looks up a candidate word.
        follow: dict[str, set[str]] = {}
        for w in scores:
            for a, b in zip(w, w[1:]):
                follow.setdefault(a, set()).add(b)
        buf.write("# @next <TAB> character <TAB> the characters that follow it inside a word.\n")
        for ch in sorted(follow):
            buf.write(f"@next\t{ch}\t{''.join(sorted(follow[ch]))}\n")
        for length, s in sorted(groups, key=lambda ls: (ls[0], -ls[1])):
            buf.write(f"{length}\t{s}\t" + " ".join(sorted(groups[length, s])) + "\n")
        import gzip

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

