"""Language tags: normalizing them, reading them off paths, guessing them from text.

transkit knows four document languages, written as canonical tags:

- ``en``: the English source (any non-Chinese tag passes through lowercased);
- ``zh-Hans``: Simplified Chinese, mainland usage (aliases zh-CN, zh_Hans, zh-SG, zh-Hans-CN);
- ``zh-Hant``: Traditional Chinese, Taiwan usage (aliases zh-TW, zh_Hant, zh-Hant-TW);
- ``zh-HK``: Traditional Chinese, Hong Kong usage (aliases zh-Hant-HK, zh-MO).

    >>> normalize("zh_TW"), normalize("zh-cn"), normalize("zh-Hant-HK"), normalize("EN-us")
    ('zh-Hant', 'zh-Hans', 'zh-HK', 'en')
    >>> from_path("docs/zh-TW/guide.md"), from_path("README.zh-CN.md"), from_path("notes.md")
    ('zh-Hant', 'zh-Hans', None)
"""

from __future__ import annotations

import re

from transkit.values import frozen

CANONICAL = ("en", "zh-Hans", "zh-Hant", "zh-HK")

_ALIASES = {
    "zh-hans": "zh-Hans",
    "zh-cn": "zh-Hans",
    "zh-sg": "zh-Hans",
    "zh-my": "zh-Hans",
    "zh-hans-cn": "zh-Hans",
    "zh-hans-sg": "zh-Hans",
    "zh-hant": "zh-Hant",
    "zh-tw": "zh-Hant",
    "zh-hant-tw": "zh-Hant",
    "zh-hk": "zh-HK",
    "zh-mo": "zh-HK",
    "zh-hant-hk": "zh-HK",
    "zh-hant-mo": "zh-HK",
    "zh": "zh-Hans",
    "chs": "zh-Hans",
    "cht": "zh-Hant",
}

_SCRIPT = {"zh-Hans": "Hans", "zh-Hant": "Hant", "zh-HK": "Hant"}
_REGION = {"zh-Hans": "CN", "zh-Hant": "TW", "zh-HK": "HK"}
# gettext wants underscores; transkit's own catalogs use the script names.
_GETTEXT = {"zh-Hans": "zh_Hans", "zh-Hant": "zh_Hant", "zh-HK": "zh_HK"}

_PATH_TAG = re.compile(
    r"(?:^|[/\\._-])(zh[-_](?:hans|hant)(?:[-_](?:cn|tw|hk|mo|sg))?|zh[-_](?:cn|tw|hk|mo|sg)|en(?:[-_](?:us|gb))?)(?=$|[/\\._-])",
    re.IGNORECASE,
)


def normalize(tag: str) -> str:
    """Canonical form of a language tag (``zh_TW`` -> ``zh-Hant``).

    Raises ValueError for an empty tag.
    """
    t = tag.strip().replace("_", "-")
    if not t:
        raise ValueError("empty language tag")
    low = t.lower()
    if low in _ALIASES:
        return _ALIASES[low]
    if low == "en" or low.startswith("en-"):
        return "en"
    if low.startswith("zh-"):
        raise ValueError(f"unknown Chinese language tag {tag!r} (use zh-Hans, zh-Hant, zh-CN, zh-TW or zh-HK)")
    if not _TAG.fullmatch(low):
        raise ValueError(f"{tag!r} is not a language tag (a BCP 47 tag such as fr, pt-BR or zh-Hant)")
    return low


# BCP 47 in outline: a two- or three-letter language, then subtags of 1-8 letters or digits.
_TAG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")


def script(lang: str | None) -> str | None:
    """``Hans``, ``Hant`` or ``None`` for a non-Chinese language."""
    return _SCRIPT.get(lang or "")


def region(lang: str | None) -> str | None:
    return _REGION.get(lang or "")


def is_chinese(lang: str | None) -> bool:
    return (lang or "") in _SCRIPT


def gettext_code(lang: str) -> str:
    return _GETTEXT.get(lang, lang.replace("-", "_"))


def from_path(path: str) -> str | None:
    """The language named by a path segment or name suffix, else ``None``.

    The last match wins, so ``zh-Hans/README.zh-TW.md`` is zh-Hant.
    """
    found = None
    for m in _PATH_TAG.finditer(path):
        found = m.group(1)
    return normalize(found) if found else None


@frozen
class Guess:
    """A language read from content, with the evidence for it."""

    lang: str
    confidence: float
    han: int
    simplified: int
    traditional: int


def guess(text: str, tables=None) -> Guess:
    """Guess a file's language from script statistics.

    Han characters under 10% of letters: English. Otherwise the balance of
    simplified-only and traditional-only characters decides; with no evidence
    either way it is zh-Hans at low confidence.
    """
    if tables is None:
        from transkit import script as script_tables

        tables = script_tables.tables()
    han = latin = 0
    simp = trad = 0
    s_only, t_only = tables.simplified_only_any, tables.traditional_only_any
    for ch in text:
        o = ord(ch)
        if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
            han += 1
            if ch in s_only:
                simp += 1
            elif ch in t_only:
                trad += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    # Latin words are several letters each; weigh a Han character like a 3-letter word.
    if han * 3 < latin * 0.3 or han == 0:
        return Guess("en", 0.9 if han == 0 else 0.7, han, simp, trad)
    if simp == trad:
        return Guess("zh-Hans", 0.3, han, simp, trad)
    lang = "zh-Hans" if simp > trad else "zh-Hant"
    conf = abs(simp - trad) / (simp + trad)
    return Guess(lang, round(0.5 + conf / 2, 2), han, simp, trad)
