"""The repair's fast primitives equal their plain definitions.

Each primitive of the mojibake decoder that was written for speed (no
exceptions, no per-character strings, no slow-to-compile regular expression)
is held here to the obvious way of computing the same thing, over every input
where that is cheap and over hypothesis' inputs elsewhere.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from transkit import langmodel, mojibake


def _plain_decode_one(seq: bytes) -> str | None:
    try:
        text = seq.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if len(text) == 1 else None


def test_one_sequence_decodes_like_python_for_every_two_and_three_byte_input():
    for lead in range(0x80, 0x100):
        for b1 in range(0x100):
            seq = bytes((lead, b1))
            assert mojibake._decode_one(seq) == _plain_decode_one(seq), seq
        if 0xE0 <= lead <= 0xEF:
            for b1 in range(0x100):
                for b2 in range(0x100):
                    seq = bytes((lead, b1, b2))
                    assert mojibake._decode_one(seq) == _plain_decode_one(seq), seq


_CONT_LIKE = st.sampled_from([0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0]) | st.integers(0, 255)


@settings(max_examples=3000, deadline=None)
@given(st.integers(0xC0, 0xFF), st.lists(_CONT_LIKE, min_size=3, max_size=3))
def test_one_four_byte_sequence_decodes_like_python(lead, rest):
    seq = bytes([lead, *rest])
    assert mojibake._decode_one(seq) == _plain_decode_one(seq)


def test_completions_are_the_valid_plausible_characters_in_order():
    def plain(seq, fill):
        need = mojibake._utf8_needs(seq[0])
        out = []
        for pos in range(1, need + 1):
            for v in fill:
                try:
                    ch = (seq[:pos] + bytes((v,)) + seq[pos:]).decode("utf-8")
                except UnicodeDecodeError:
                    continue
                if mojibake.plausible_char(ch) and ch not in out:
                    out.append(ch)
        return tuple(out)

    fill = mojibake._fill_for("cp1254")
    for lead in range(0xE0, 0xF0):
        for b1 in range(0x80, 0xC0):
            seq = bytes((lead, b1))
            assert mojibake.completions(seq, fill) == plain(seq, fill), seq


def _plain_plausible(ch: str) -> bool:
    return unicodedata.category(ch) not in ("Cn", "Co", "Cs", "Cc") and ch not in "\ufffd\ufeff"


def test_every_cjk_ideograph_is_plausible_as_unicodedata_says():
    # plausible_char answers for U+4E00-U+9FFF without asking unicodedata.
    for o in range(0x4E00, 0xA000):
        assert _plain_plausible(chr(o)), hex(o)
    for o in list(range(0x3000, 0x3100)) + list(range(0xF000, 0xF010)) + [0x80, 0xAD, 0xFFFD, 0xFEFF, 0x1F600]:
        assert mojibake.plausible_char(chr(o)) == _plain_plausible(chr(o)), hex(o)


def _plain_encode(text: str, codec) -> bytes | None:
    """The encoder before it went straight to charmap_encode: the codec by name, then the table."""
    try:
        return text.encode(codec.name, errors="surrogateescape")
    except UnicodeEncodeError as exc:
        if exc.object[exc.start] not in codec.representable:
            return None
    if not codec.representable.issuperset(text):
        return None
    try:
        return text.translate(codec.encode_map).encode("latin-1")
    except UnicodeEncodeError:
        return None


def _code_page_alphabet() -> list[str]:
    chars = set("abc 中文ğş€\u0081\u008d\u009d\u00ad") | {chr(0xDC80 + k) for k in range(0, 128, 9)}
    for name in mojibake.SINGLE_BYTE_CODECS:
        chars |= set(mojibake.single_byte(name).high)
    chars |= {chr(o) for o in range(0x80, 0x100)} | {chr(o) for o in range(0x100, 0x180, 7)}
    return sorted(chars)


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(mojibake.SINGLE_BYTE_CODECS), st.text(alphabet=_code_page_alphabet(), max_size=12))
def test_code_page_encoding_equals_the_codec_then_the_table(name, text):
    codec = mojibake.single_byte(name)
    assert mojibake.encode_single_byte(text, codec) == _plain_encode(text, codec)


_OLD_CLAUSE_END = re.compile(r"[，。；：！？]|[,;:!?](?=\s|$)")


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="，。；：！？,;:!? \t\n中a、", max_size=16))
def test_clause_ends_are_where_the_two_branch_pattern_puts_them(text):
    got = [m.end() for m in langmodel._CLAUSE_END.finditer(text)]
    assert got == [m.end() for m in _OLD_CLAUSE_END.finditer(text)]


_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_HAN_EDGES = "a \n、\u33ff\u3400\u4dbf\u4dc0\u4dff\u4e00中\u9fff\ua000\uf8ff\uf900\ufaff\ufb00\U0001ffff\U00020000\U0003134f\U00031350"


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=_HAN_EDGES, max_size=16))
def test_han_runs_are_the_runs_of_the_han_blocks(text):
    assert langmodel._han_runs(text) == _HAN.findall(text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="a中é锟錕嚙烫燙屯昍迋\ufffdŠŽÐÝÞðýþĞİŞğış", max_size=12))
def test_marker_and_twin_tests_equal_their_sets(text):
    assert mojibake._holds_any(text, mojibake._MARKER_LIST) == (not mojibake._MARKER_CHARS.isdisjoint(text))
    a, b = mojibake.single_byte("cp1252").high, mojibake.single_byte("cp1254").high
    twins = {x for x, y in zip(a, b) if x != y} | {y for x, y in zip(a, b) if x != y}
    assert mojibake._holds_any(text, mojibake._western_twins()) == (not twins.isdisjoint(text))


def _plain_marked(data: bytes) -> tuple[str, list[bytes]]:
    stretches: list[bytes] = []

    def record(exc):
        stretches.append(exc.object[exc.start : exc.end])
        return chr(0xF0000 + len(stretches) - 1), exc.end

    codecs.register_error("test-plain-marked", record)
    return data.decode("utf-8", errors="test-plain-marked"), stretches


@settings(max_examples=1000, deadline=None)
@given(st.binary(max_size=40))
def test_marked_decoding_numbers_each_invalid_stretch(data):
    assert mojibake.decode_utf8_marked(data) == _plain_marked(data)


def test_ranking_char_and_confidence_are_max_and_softmax():
    import math

    scores = [-3.0, -1.5, -1.5, -40.0, -2.0]
    r = langmodel.Ranking(("a", "b", "c", "d", "e"), scores)
    assert r.char == "b"  # the first of the best
    top = max(scores)
    z = sum(math.exp(v - top) for v in scores if v > top - 25.0)
    assert r.confidence == 1.0 / z
