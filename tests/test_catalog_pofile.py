"""The PO format layer (transkit.pofile): reading, writing, positions, .mo output."""

from __future__ import annotations

import gettext
import io
import struct

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transkit import pofile
from transkit.pofile import Catalog, Entry

HEADER = Entry("", msgstr="Language: zh_Hant\nContent-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=1; plural=0;\n")


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #


def test_reads_every_kind_of_line():
    text = (
        'msgid ""\n'
        'msgstr ""\n'
        '"Language: zh_Hans\\n"\n'
        "\n"
        "# a translator's note\n"
        "#. type: paragraph\n"
        "#: a.md:3 b.md:7\n"
        "#, fuzzy, c-format\n"
        '#| msgctxt "Old"\n'
        '#| msgid "Helo"\n'
        'msgctxt "Guide / Setup"\n'
        'msgid ""\n'
        '"Hello "\n'
        '"world"\n'
        'msgstr "你好\\t世界"\n'
        "\n"
        'msgid "one file"\n'
        'msgid_plural "%d files"\n'
        'msgstr[0] "%d 个文件"\n'
        "\n"
        '#~| msgid "gon"\n'
        '#~ msgid "gone"\n'
        '#~ msgstr "没了"\n'
    )
    r = pofile.parse(text)
    assert r.problems == ()
    cat = r.catalog
    assert cat.language == "zh_Hans"
    e, p, o = cat.entries
    assert (e.msgctxt, e.msgid, e.msgstr) == ("Guide / Setup", "Hello world", "你好\t世界")
    assert e.flags == ("fuzzy", "c-format") and e.fuzzy
    assert e.references == ("a.md:3", "b.md:7")
    assert e.extracted_comments == ("type: paragraph",)
    assert e.translator_comments == ("a translator's note",)
    assert (e.previous_msgctxt, e.previous_msgid) == ("Old", "Helo")
    assert e.line == 5 and e.msgid_line == 12
    assert (p.msgid_plural, p.msgstr_plural) == ("%d files", ("%d 个文件",))
    assert o.obsolete and (o.msgid, o.msgstr, o.previous_msgid) == ("gone", "没了", "gon")


def test_entries_need_no_blank_line_between_them():
    r = pofile.parse('msgid "a"\nmsgstr "甲"\nmsgid "b"\nmsgstr "乙"\n#: x.md:1\nmsgid "c"\nmsgstr "丙"\n')
    assert r.problems == ()
    assert [(e.msgid, e.msgstr) for e in r.catalog.entries] == [("a", "甲"), ("b", "乙"), ("c", "丙")]
    assert r.catalog.entries[2].references == ("x.md:1",)


def test_crlf_and_bom_are_read():
    text = '\ufeffmsgid ""\r\nmsgstr "Language: zh_Hant\\n"\r\n\r\nmsgid "a"\r\nmsgstr "甲"\r\n'
    r = pofile.parse(text)
    assert r.problems == ()
    assert r.catalog.language == "zh_Hant"
    assert r.catalog.entries[0].msgstr == "甲"



def test_classic_mac_line_endings_are_read():
    # Read with LF alone, a CR-only catalog was one comment line: no entries, and
    # `po update` in place then dropped every translation.
    text = '# comment\rmsgid ""\rmsgstr "Language: zh_Hant\\n"\r\rmsgid "a"\rmsgstr "甲"\r\rmsgid "b"\rmsgstr "乙"\r'
    r = pofile.parse(text)
    assert r.problems == ()
    assert [(e.msgid, e.msgstr, e.msgid_line) for e in r.catalog.entries] == [("a", "甲", 5), ("b", "乙", 8)]

@pytest.mark.parametrize(
    "text,line,column,fragment",
    [
        ('msgid "a\nmsgstr "b"\n', 1, 7, "unterminated"),
        ('msgid "a"\nmsgstr "b" x"\n', 2, 11, "after a closed string"),
        ('msgid "a"\nmsgstr "b\\q"\n', 2, 10, "invalid escape"),
        ('msgid "a"\nmsgtxt "b"\n', 2, 1, "cannot read"),
        ('"orphan"\nmsgid "a"\nmsgstr ""\n', 1, 1, "continuation without a keyword"),
        ('msgid "a"\nmsgid "b"\nmsgstr ""\n', 2, 1, "appears twice"),
        ('msgid "a"\n\nmsgid "b"\nmsgstr ""\n', 1, 1, "entry without msgstr"),
        ('msgid "a"\nmsgstr[0] "b"\n', 2, 1, "without msgid_plural"),
    ],
)
def test_syntax_problems_name_line_and_column(text, line, column, fragment):
    problems = pofile.parse(text).problems
    assert problems, text
    p = problems[0]
    assert (p.kind, p.line, p.column) == ("syntax", line, column), p
    assert fragment in p.message


def test_reading_goes_on_after_a_problem():
    text = 'msgid "a"\nmsgstr "甲\n\nmsgid "b"\nmsgstr "乙"\n\nmsgid "c\nmsgstr "丙"\n'
    r = pofile.parse(text)
    assert [p.line for p in r.problems] == [2, 7]
    assert "b" in [e.msgid for e in r.catalog.entries]


def test_duplicates_are_reported_with_the_first_definition():
    text = 'msgid "a"\nmsgstr "甲"\n\nmsgctxt "x"\nmsgid "a"\nmsgstr "乙"\n\nmsgid "a"\nmsgstr "丙"\n'
    r = pofile.parse(text)
    assert [(p.kind, p.line) for p in r.problems] == [("duplicate", 8)]
    assert "first defined at line 1" in r.problems[0].message
    assert len(r.catalog.entries) == 2


def test_header_must_come_first():
    r = pofile.parse('msgid "a"\nmsgstr "甲"\n\nmsgid ""\nmsgstr "Language: zh_Hans\\n"\n')
    assert r.catalog.header is None
    assert "reserved for the header" in r.problems[0].message


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_parse_never_raises(text):
    r = pofile.parse(text)
    for p in r.problems:
        assert p.line >= 1 and p.column >= 1


# --------------------------------------------------------------------------- #
# Positions of msgstr characters
# --------------------------------------------------------------------------- #


def test_locate_maps_offsets_through_pieces_and_escapes():
    text = 'msgid "a"\nmsgstr ""\n"第一行\\n"\n"含 \\"引号\\" 的行"\n'
    e = pofile.parse(text).catalog.entries[0]
    s = e.msgstr
    assert s == '第一行\n含 "引号" 的行'
    # offset of 引 in the unescaped text; in the file it follows \" on line 4
    at = s.index("引")
    assert pofile.locate(e, 0, at) == (4, 6)
    assert pofile.locate(e, 0, 0) == (3, 2)
    assert pofile.locate(e, 0, s.index("的")) == (4, 11)


def test_raw_column_counts_escapes():
    assert pofile.raw_column(r"a\"b", 2) == 3
    assert pofile.raw_column(r"\n\nx", 2) == 4
    assert pofile.raw_column("plain", 3) == 3


# --------------------------------------------------------------------------- #
# Writing
# --------------------------------------------------------------------------- #


def test_long_strings_wrap_like_gettext_and_cjk_width_counts_double():
    e = Entry("word " * 30, msgstr="字" * 80)
    lines = pofile.entry_lines(e)
    assert lines[0] == 'msgid ""'
    assert all(pofile._width(line) <= 79 for line in lines)
    assert "".join(pofile.unescape(line[1:-1]) for line in lines[1:] if line.startswith('"') and lines.index(line) < lines.index('msgstr ""')) == "word " * 30


def test_embedded_newlines_split_strings():
    lines = pofile.entry_lines(Entry("a\nb", msgstr="甲\n乙"))
    assert lines == ['msgid ""', '"a\\n"', '"b"', 'msgstr ""', '"甲\\n"', '"乙"']


def test_obsolete_entries_are_commented_out():
    text = pofile.dumps(Catalog(None, (Entry("gone", msgstr="没了", obsolete=True, previous_msgid="gon", references=("a.md:1",)),)))
    assert text == '#~| msgid "gon"\n#~ msgid "gone"\n#~ msgstr "没了"\n'


_any_char = st.characters(blacklist_categories=("Cs",))
# What polib can read: it unescapes only \\n \\t \\r \\" \\\\ (GNU also reads \\a \\b \\f
# \\v and octal), and it splits lines with str.splitlines, which also breaks at U+0085,
# U+2028 and friends (GNU gettext keeps them as text).
_polib_char = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x1c\x1d\x1e\x85") | st.sampled_from("\n\t")


def _texts(chars, min_size=0):
    return st.text(chars, min_size=min_size, max_size=60)


def _comments(chars):
    one_line = chars.filter(lambda c: c not in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
    return st.text(one_line, max_size=30)


@st.composite
def entries(draw, chars=_any_char):
    text = _texts(chars)
    word = st.text(st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc"), blacklist_characters=",\x85"), min_size=1, max_size=12)
    plural = draw(st.booleans())
    obsolete = draw(st.booleans())
    comment = _comments(chars).filter(lambda c: not c.startswith(("~", "|", ",", ":", ".")))
    return Entry(
        msgid=draw(_texts(chars, min_size=1)),
        msgstr="" if plural else draw(text),
        msgctxt=draw(st.none() | text),
        msgid_plural=draw(_texts(chars, min_size=1)) if plural else None,
        msgstr_plural=tuple(draw(st.lists(text, min_size=1, max_size=3))) if plural else (),
        flags=tuple(draw(st.lists(word.filter(lambda w: w.strip() == w), max_size=3))),
        references=() if obsolete else tuple(draw(st.lists(word.filter(lambda w: w.split() == [w]), max_size=4))),
        extracted_comments=tuple(draw(st.lists(_comments(chars), max_size=2))),
        translator_comments=tuple(draw(st.lists(comment, max_size=2))),
        previous_msgctxt=draw(st.none() | text),
        previous_msgid=draw(st.none() | text),
        obsolete=obsolete,
    )


@st.composite
def catalogs(draw, chars=_any_char):
    comment = _comments(chars).filter(lambda c: not c.startswith(("~", "|", ",", ":", ".")))
    header = Entry("", msgstr=draw(_texts(chars)), translator_comments=tuple(draw(st.lists(comment, max_size=2))))
    items = draw(st.lists(entries(chars), max_size=6, unique_by=lambda e: (e.obsolete, e.msgctxt, e.msgid)))
    return Catalog(draw(st.none() | st.just(header)), tuple(items))


@given(catalogs())
@settings(max_examples=200, deadline=None)
def test_write_then_read_is_identity(cat):
    text = pofile.dumps(cat)
    r = pofile.parse(text)
    assert r.problems == ()
    assert r.catalog == cat


@given(catalogs(_polib_char))
@settings(max_examples=100, deadline=None)
def test_polib_reads_what_we_write(cat):
    po = polib.pofile(pofile.dumps(cat))
    ours = [e for e in cat.entries if not e.obsolete]
    theirs = [e for e in po if not e.obsolete]
    assert [(e.msgctxt, e.msgid, e.msgstr if e.msgid_plural is None else e.msgstr_plural) for e in ours] == [
        (e.msgctxt, e.msgid, e.msgstr if not e.msgid_plural else tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural))) for e in theirs
    ]


# --------------------------------------------------------------------------- #
# .mo
# --------------------------------------------------------------------------- #


def test_mo_is_read_by_python_gettext():
    cat = Catalog(
        HEADER,
        (
            Entry("Hello", msgstr="你好"),
            Entry("Open", msgstr="開啟", msgctxt="menu"),
            Entry("Open", msgstr="打開"),
            Entry("Draft", msgstr="草稿", flags=("fuzzy",)),
            Entry("Empty"),
            Entry("Old", msgstr="舊", obsolete=True),
            Entry("one file", msgid_plural="{n} files", msgstr_plural=("{n} 個檔案",)),
        ),
    )
    t = gettext.GNUTranslations(io.BytesIO(pofile.mo_bytes(cat)))
    assert t.gettext("Hello") == "你好"
    assert t.pgettext("menu", "Open") == "開啟"
    assert t.gettext("Open") == "打開"
    assert t.gettext("Draft") == "Draft"  # fuzzy: left out, as msgfmt does
    assert t.gettext("Empty") == "Empty"
    assert t.gettext("Old") == "Old"
    assert t.ngettext("one file", "{n} files", 5) == "{n} 個檔案"
    assert t.info()["language"] == "zh_Hant"
    with_fuzzy = gettext.GNUTranslations(io.BytesIO(pofile.mo_bytes(cat, use_fuzzy=True)))
    assert with_fuzzy.gettext("Draft") == "草稿"


def test_mo_layout_is_sorted_and_little_endian():
    data = pofile.mo_bytes(Catalog(HEADER, (Entry("b", msgstr="乙"), Entry("a", msgstr="甲"))))
    magic, revision, count, ids_at = struct.unpack("<IIII", data[:16])
    assert (magic, revision, count) == (0x950412DE, 0, 3)
    keys = []
    for k in range(count):
        length, offset = struct.unpack("<II", data[ids_at + 8 * k : ids_at + 8 * k + 8])
        keys.append(data[offset : offset + length])
    assert keys == [b"", b"a", b"b"]
