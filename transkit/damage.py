"""The records of mojibake detection and repair: accidents, damaged runs, chosen characters.

They live apart from :mod:`transkit.mojibake`, which may be compiled (see
``setup.py``): a compiled module treats the classes it defines as its own
native classes, and these are named tuples made by :func:`transkit.values.frozen`.
:mod:`transkit.mojibake` exports them all.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from transkit.values import frozen

if TYPE_CHECKING:  # pragma: no cover
    from transkit.langmodel import Ranking


class Accident(enum.Enum):
    """What happened to the bytes."""

    SINGLE_BYTE = "utf8-as-single-byte"  # UTF-8 decoded with a one-byte code page
    GBK = "utf8-as-gbk"  # UTF-8 decoded as GBK / GB18030
    BIG5 = "utf8-as-big5"  # UTF-8 decoded as Big5
    GBK_AS_BIG5 = "gbk-as-big5"  # GBK bytes decoded as Big5
    BIG5_AS_GBK = "big5-as-gbk"  # Big5 bytes decoded as GBK
    MARKER = "lost-text-marker"  # 锟斤拷, 烫烫烫, 屯屯屯: bytes gone before we saw them
    REPLACEMENT_RUN = "replacement-run"  # several U+FFFD in a row


# Python codec name -> how a user knows it.
CODEC_LABELS = {
    "cp1252": "Windows-1252",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "latin-1": "ISO-8859-1 (Latin-1)",
    "mac_roman": "Mac OS Roman",
    "gb18030": "GBK/GB18030",
    "big5": "Big5",
}


@frozen
class Damage:
    """One damaged run inside one line.

    ``start``/``end`` are 0-based code-point columns of the damaged text in the
    line (end exclusive). ``repaired`` is the run's text undone, or ``None``
    where the bytes cannot be recovered (markers). ``layers`` is 2 for double
    encoding. ``lossy`` runs had bytes dropped; their ``repaired`` text holds the
    most likely characters only after :func:`repair_line` consulted the language
    model (``find_damage`` leaves ``None`` there).
    """

    start: int
    end: int
    accident: Accident
    codec: str | None
    confidence: float
    text: str
    repaired: str | None
    lossy: bool = False
    layers: int = 1

    @property
    def label(self) -> str:
        """A phrase naming the accident for messages."""
        codec = CODEC_LABELS.get(self.codec or "", self.codec or "")
        if self.accident is Accident.SINGLE_BYTE:
            what = f"UTF-8 decoded as {codec}"
            if self.layers > 1:
                what = f"UTF-8 decoded as {codec} {self.layers} times (double encoding)"
            return what + (", bytes lost" if self.lossy else "")
        if self.accident is Accident.GBK:
            return "UTF-8 decoded as GBK" + (", bytes lost" if self.lossy else "")
        if self.accident is Accident.BIG5:
            return "UTF-8 decoded as Big5" + (", bytes lost" if self.lossy else "")
        if self.accident is Accident.GBK_AS_BIG5:
            return "GBK text decoded as Big5"
        if self.accident is Accident.BIG5_AS_GBK:
            return "Big5 text decoded as GBK"
        if self.accident is Accident.MARKER:
            return "marker of bytes lost in an earlier decoding"
        return "run of U+FFFD replacement characters"


@frozen
class SingleByteCodec:
    """A one-byte code page seen from the side of its victims."""

    name: str
    high: str  # the characters of bytes 0x80..0xFF ("\x00" where undefined)
    encode_map: dict  # str.translate table: character -> byte value, for 0x80..0xFF
    droppable: bytes  # bytes a careless decoder loses: undefined ones, and the soft hyphen
    lead2: str  # characters of bytes C2..DF
    lead3: str  # E0..EF
    lead4: str  # F0..F4
    cont: str  # 80..BF
    representable: frozenset  # characters that can stand for a byte: ASCII, ``high``, Latin-1, raw bytes
    charmap: Any  # codecs.charmap_build of ASCII + ``high``: the encoder's table


@frozen
class CharChoice:
    """A character the language model chose where bytes were lost.

    ``column`` is 1-based in the *repaired* line; ``candidates`` are
    ``(character, probability)`` pairs, best first (at most five, ranked from
    the model's scores when first read).
    """

    line: int
    column: int
    chosen: str
    confidence: float
    ranking: "Ranking"

    @property
    def candidates(self) -> tuple[tuple[str, float], ...]:
        return self.ranking.ranked[:5]

    def to_dict(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "choice": self.chosen,
            "confidence": round(self.confidence, 4),
            "candidates": [{"char": c, "probability": round(p, 4)} for c, p in self.candidates],
        }


@frozen
class LineRepair:
    """One line after repair: its text, what was found, and the characters chosen."""

    text: str
    damages: tuple[Damage, ...] = ()
    choices: tuple[CharChoice, ...] = ()

    @property
    def confidence(self) -> float:
        """The lowest confidence of any chosen character (1.0 when nothing was guessed)."""
        return min((c.confidence for c in self.choices), default=1.0)


@frozen
class RepairResult:
    """A repaired document: new text, changed lines, damage found and characters guessed."""

    text: str
    changed_lines: tuple[int, ...]
    damages: tuple[tuple[int, Damage], ...]  # (line number, damage)
    choices: tuple[CharChoice, ...]
    codec: str | None  # the document's single-byte code page, when one was established

    @property
    def changed(self) -> bool:
        return bool(self.changed_lines)

    def low_confidence(self, threshold: float = 0.9) -> list[CharChoice]:
        return [c for c in self.choices if c.confidence < threshold]

    @property
    def unresolved(self) -> int:
        """U+FFFD left in repaired lines (bytes that no candidate could explain)."""
        if "\ufffd" not in self.text:
            return 0
        lines = self.text.splitlines()  # once: per changed line it is quadratic on big files
        return sum(lines[n - 1].count("\ufffd") for n in self.changed_lines)


@frozen
class Evidence:
    """What a document's lines say about its accident, before any repair."""

    codec: str | None  # the single-byte code page that explains the most lines
    lossy: bool  # some of those lines lost bytes
    lines: int  # lines explained by ``codec``
