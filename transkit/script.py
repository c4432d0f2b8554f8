"""Simplified-only and traditional-only character tables, per region.

The tables are derived from OpenCC's own dictionaries by ``python -m
transkit.script build`` and shipped in ``transkit/data/script-tables.txt``, so
linting never builds an OpenCC converter. The derivation asks OpenCC, not a
hand-made list:

- a character is *simplified-only for Taiwan* when OpenCC's ``s2tw`` changes it
  and it never appears in ``s2tw``'s output, for single characters or for the
  ~350,000 words of jieba's dictionary used as probes (干 stays: 若干 converts
  to 若干). Hong Kong uses ``s2hk``. Region matters: ``s2t`` maps 峰 to 峯 and
  群 to 羣, forms Taiwan does not use, so ``s2t`` would flag correct Taiwan text;
- a character is *traditional-only for the mainland* when ``t2s`` changes it
  and it never appears in ``t2s``'s output for characters or probe words
  (乾 stays: 乾坤 converts to 乾坤).

    >>> t = tables()
    >>> "数" in t.simplified_only["zh-Hant"], "數" in t.traditional_only["zh-Hans"]
    (True, True)
    >>> "峰" in t.simplified_only["zh-Hant"], "干" in t.simplified_only["zh-Hant"]
    (False, False)
"""

from __future__ import annotations

import sys
from functools import cached_property, lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "script-tables.txt"

# CJK blocks probed: unified ideographs, extension A, compatibility ideographs.
_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


class ScriptTables:
    """The tables, each built from the shipped file's text on first use.

    A zh-Hans file needs only the traditional-only set (and the simplified
    forms when it finds one): building every set and map up front would cost
    ``transkit lint`` on one file about 5 ms.
    """

    def __init__(self, sections: dict[str, str]) -> None:
        self._sections = sections

    def _pairs(self, key: str) -> dict[str, str]:
        v = self._sections.get(key, "")
        return dict(zip(v[::2], v[1::2]))

    @cached_property
    def simplified_only(self) -> dict[str, frozenset[str]]:
        """By target language: characters wrong in it."""
        return {"zh-Hant": frozenset(self._sections["simplified-only-tw"]), "zh-HK": frozenset(self._sections["simplified-only-hk"])}

    @cached_property
    def traditional_only(self) -> dict[str, frozenset[str]]:
        return {"zh-Hans": frozenset(self._sections["traditional-only-cn"])}

    @cached_property
    def to_traditional(self) -> dict[str, dict[str, str]]:
        """Character -> the form OpenCC gives it in the target, for fix suggestions."""
        return {"zh-Hant": self._pairs("to-tw"), "zh-HK": self._pairs("to-hk")}

    @cached_property
    def to_simplified(self) -> dict[str, str]:
        return self._pairs("to-cn")

    @cached_property
    def simplified_only_any(self) -> frozenset[str]:
        return self.simplified_only["zh-Hant"] & self.simplified_only["zh-HK"]

    @property
    def traditional_only_any(self) -> frozenset[str]:
        return self.traditional_only["zh-Hans"]

    def wrong_chars(self, lang: str) -> frozenset[str]:
        """Characters that do not belong in ``lang`` (empty for non-Chinese)."""
        if lang == "zh-Hans":
            return self.traditional_only["zh-Hans"]
        return self.simplified_only.get(lang, frozenset())

    def suggestion(self, ch: str, lang: str) -> str | None:
        if lang == "zh-Hans":
            return self.to_simplified.get(ch)
        return self.to_traditional.get(lang, {}).get(ch)


@lru_cache(maxsize=1)
def tables() -> ScriptTables:
    """Load the shipped tables (a few milliseconds; no OpenCC involved)."""
    sections: dict[str, str] = {}
    with DATA.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or "\t" not in line:
                continue
            key, value = line.rstrip("\n").split("\t", 1)
            sections[key] = value
    return ScriptTables(sections)


# --------------------------------------------------------------------------- #
# Derivation (development time only: needs opencc and jieba's dictionary)
# --------------------------------------------------------------------------- #


def _probe_words() -> list[str]:
    import jieba

    path = Path(jieba.__file__).with_name("dict.txt")
    with path.open(encoding="utf-8") as fh:
        return [line.split(" ", 1)[0] for line in fh if line.strip()]


def build(out: Path = DATA) -> None:
    """Derive the tables from OpenCC and write them to ``out``."""
    import opencc

    chars = [chr(c) for lo, hi in _RANGES for c in range(lo, hi + 1)]
    words = _probe_words()
    blob = "\n".join(chars)
    wblob = "\n".join(words)

    def convert(cfg: str, text: str) -> str:
        return opencc.OpenCC(cfg).convert(text)

    def derive(cfg: str, back: str) -> tuple[set[str], dict[str, str]]:
        conv_chars = convert(cfg, blob).split("\n")
        produced = set(conv_chars)
        produced.update(convert(cfg, wblob))
        # Words written in the target script also attest characters (jieba has a few).
        produced.update(convert(cfg, convert(back, wblob)))
        changed = {c: t for c, t in zip(chars, conv_chars) if t != c and len(t) == 1}
        wrong = {c for c in changed if c not in produced}
        return wrong, {c: changed[c] for c in sorted(wrong)}

    s_tw, to_tw = derive("s2tw", "tw2s")
    s_hk, to_hk = derive("s2hk", "hk2s")
    t_cn, to_cn = derive("t2s", "s2t")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# Derived from OpenCC by `python -m transkit.script build`; do not edit.\n")
        fh.write(f"# opencc {getattr(opencc, '__version__', '?')}; probes: jieba dict.txt ({len(words)} words)\n")
        fh.write("simplified-only-tw\t" + "".join(sorted(s_tw)) + "\n")
        fh.write("simplified-only-hk\t" + "".join(sorted(s_hk)) + "\n")
        fh.write("traditional-only-cn\t" + "".join(sorted(t_cn)) + "\n")
        fh.write("to-tw\t" + "".join(a + b for a, b in to_tw.items()) + "\n")
        fh.write("to-hk\t" + "".join(a + b for a, b in to_hk.items()) + "\n")
        fh.write("to-cn\t" + "".join(a + b for a, b in to_cn.items()) + "\n")


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:] == ["build"]:
        build()
        t = tables.__wrapped__()
        print({k: len(v) for k, v in t.simplified_only.items()}, {k: len(v) for k, v in t.traditional_only.items()})
    else:
        print("usage: python -m transkit.script build", file=sys.stderr)
        sys.exit(2)
