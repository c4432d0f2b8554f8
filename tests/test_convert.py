"""Markdown-safe conversion: exactly OpenCC on prose, nothing else touched, glossary terms locked."""

from __future__ import annotations

import re

import opencc
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from transkit.convert import (
    _PUA_RANGES,
    Converter,
    GlossaryLock,
    _pyahocorasick_finder,
    ambiguous_chars,
    default_config,
)
from transkit.document import Document, line_body, split_lines
from transkit.errors import InputError
from transkit.script import tables

CONFIGS = ("s2twp", "s2t", "s2tw", "s2hk", "t2s", "tw2sp")
_CC: dict[str, opencc.OpenCC] = {}


def cc(config: str) -> opencc.OpenCC:
    if config not in _CC:
        _CC[config] = opencc.OpenCC(config)
    return _CC[config]


def conv(source="zh-Hans", target="zh-Hant", config=None, glossary=None) -> Converter:
    return Converter.for_languages(source, target, opencc_config=config, glossary=glossary)


# Characters OpenCC converts differently in different words, plain ones, ASCII and punctuation.
HAN = "数据库软件信息网络发干里后面台系制了头只么着余复松准确率程序文档鼠标打印内存服务器支持质量视频盘超"
HANT = "數據庫軟體資訊網路發乾裡後麵臺係製頭隻麼著餘復鬆準確率程式文檔滑鼠列印記憶體伺服器支援品質視訊"
ASCII = "abcXYZ019 _-.,:;()/#*'\""
PUNCT = "，。：；（）「」“”——、！？　"
prose = st.text(alphabet=HAN + HANT + ASCII + PUNCT, max_size=40)


# --------------------------------------------------------------------------- #
# Exactly OpenCC on plain text
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("config", CONFIGS)
def test_plain_text_is_exactly_opencc(config):
    source = "zh-Hant" if config.startswith(("t", "hk")) else "zh-Hans"
    target = "zh-Hans" if source == "zh-Hant" else ("zh-HK" if "hk" in config else "zh-Hant")
    c = conv(source, target, config)
    text = "鼠标和U盘放在台面上，头发干了以后再发邮件。\n他们了解这个系统的制度。\r\n軟體與資料庫的程式。"
    assert c.convert_text(text) == cc(config).convert(text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=HAN + HANT + ASCII + PUNCT + "\n\r\t", max_size=200))
@example("U盘和B超")
@example("头发\n干了")
def test_plain_text_property_equals_opencc(text):
    assert conv().convert_text(text) == cc("s2twp").convert(text)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=HAN + ASCII + PUNCT, max_size=80))
def test_glossary_with_no_match_changes_nothing(text):
    glossary = {"不会出现的术语": "不會出現的術語"}
    assume("不会出现的术语" not in text)
    assert conv(glossary=glossary).convert_text(text) == cc("s2twp").convert(text)


def test_glossary_object_with_conversion_pairs():
    class Glossary:
        def conversion_pairs(self, source_lang, target_lang):
            assert (source_lang, target_lang) == ("zh-Hans", "zh-Hant")
            return {"信息": "訊息"}

    assert conv(glossary=Glossary()).convert_text("信息和软件") == "訊息和軟體"


# --------------------------------------------------------------------------- #
# The glossary lock
# --------------------------------------------------------------------------- #


def test_lock_beats_every_opencc_step():
    # s2twp rewrites these in its Taiwan-phrase step; the glossary decides instead.
    plain = cc("s2twp").convert("支持信息质量")
    assert plain == "支援資訊質量"
    c = conv(glossary={"支持": "支持", "信息": "訊息", "质量": "品質"})
    assert c.convert_text("支持信息质量") == "支持訊息品質"


def test_lock_prefers_the_longest_term():
    c = conv(glossary={"数据": "数据X", "数据库": "資料庫"})
    assert c.convert_text("数据库和数据") == "資料庫和数据X"


def test_lock_in_every_configuration():
    for config, text, term, target in (
        ("s2t", "鼠标的数据", "鼠标", "滑鼠"),
        ("s2hk", "鼠标的数据", "鼠标", "滑鼠"),
        ("tw2sp", "滑鼠的資料", "滑鼠", "鼠标器"),
        ("t2s", "滑鼠的資料", "資料", "资料库"),
    ):
        source = "zh-Hant" if config.startswith("t") else "zh-Hans"
        target_lang = "zh-Hans" if source == "zh-Hant" else ("zh-HK" if "hk" in config else "zh-Hant")
        c = conv(source, target_lang, config, {term: target})
        out = c.convert_text(text)
        assert target in out, (config, out)
        assert out.replace(target, "") == cc(config).convert(text.replace(term, "\n")).replace("\n", ""), (config, out)


@pytest.mark.parametrize("config", ("s2twp", "s2t", "s2hk", "t2s", "tw2sp", "s2tw", "hk2s"))
def test_placeholders_pass_opencc_untouched(config):
    # A sample of every placeholder range, each between real words.
    chars = []
    for lo, hi in _PUA_RANGES:
        chars.extend(chr(c) for c in range(lo, min(hi, lo + 3000) + 1))
    chars.append(chr(_PUA_RANGES[-1][1]))
    words = ["数据", "鼠标", "了解", "头发", "資料", "滑鼠", "瞭解"]
    text = "".join(words[i % len(words)] + ch for i, ch in enumerate(chars))
    out = cc(config).convert(text)
    assert [ch for ch in out if _is_pua(ch)] == chars
    # ... and OpenCC never produces one.
    han = "".join(chr(c) for c in range(0x4E00, 0xA000))
    assert not any(_is_pua(ch) for ch in cc(config).convert(han))


def _is_pua(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in _PUA_RANGES)


def test_placeholders_never_collide_with_text():
    # The text already uses the first private-use characters: they must come out as they went in.
    text = "\ue000数据\ue001库\U000f0000信息"
    out = conv(glossary={"数据": "資料", "信息": "訊息"}).convert_text(text)
    assert out == "\ue000資料\ue001庫\U000f0000訊息"
    doc = Document.from_text("# \ue000数据\n\n`\ue001` 信息\ue000\n")
    assert conv(glossary={"信息": "訊息"}).convert_document(doc) == "# \ue000資料\n\n`\ue001` 訊息\ue000\n"


@pytest.mark.parametrize("sep", ["\n", "\ue123", "\U000f0042"])
@settings(max_examples=80, deadline=None)
@given(a=st.text(alphabet=HAN + HANT + ASCII, max_size=12), b=st.text(alphabet=HAN + HANT + ASCII, max_size=12))
@example(a="鼠", b="标")
@example(a="头", b="发")
def test_a_separator_breaks_phrases_like_a_separate_call(sep, a, b):
    c = cc("s2twp")
    assert c.convert(a + sep + b) == c.convert(a) + sep + c.convert(b)


def test_nul_and_lone_surrogates_pass_through():
    # OpenCC's C++ core stops at NUL and cannot take lone surrogates: they are kept, the rest converted.
    c = conv()
    assert c.convert_text("数据\x00软件") == "資料\x00軟體"
    assert c.convert_text("数据\udcff软件") == "資料\udcff軟體"
    doc = Document.from_text("数据\x00软件\n")
    assert c.convert_document(doc) == "資料\x00軟體\n"
    locked = conv(glossary={"软件": "软体X"})
    assert locked.convert_text("数据\udcff软件\x00信息") == "資料\udcff软体X\x00資訊"
    assert locked.convert_markdown("# 数据\udcff软件\n\n`\udcfe` 软件\n") == "# 資料\udcff软体X\n\n`\udcfe` 软体X\n"


def _reference(text: str, pairs: dict[str, str], config: str = "s2twp") -> str:
    """What a glossary-locked conversion means, spelled out slowly: OpenCC between the terms and barriers."""
    out = []
    pos = 0

    def plain(chunk: str) -> str:
        return "".join(p if re.fullmatch(r"[\x00\ud800-\udfff]+", p) else cc(config).convert(p) for p in re.split(r"([\x00\ud800-\udfff]+)", chunk) if p)

    for s, e in _bounded_reference(text, GlossaryLock(pairs, "zh-Hans")):
        out.append(plain(text[pos:s]))
        out.append(pairs[text[s:e]])
        pos = e
    out.append(plain(text[pos:]))
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=HAN + "和的 \n\x00\udcff\ue000\ue001\U000f0000`[]()", max_size=60))
@example("数据\udcff软件\ue000信息\x00")
def test_locked_conversion_matches_its_definition(text):
    pairs = {"数据": "資料", "软件": "软体X", "信息": "訊息", "数据库": "數據庫Y"}
    c = conv(glossary=pairs)
    assert c.convert_text(text) == _reference(text, pairs)
    assert c.convert_markdown(text) == c.convert_document(Document.from_text(text))


def _naive_leftmost_longest(text: str, keys: list[str]) -> list[tuple[int, int]]:
    out, i = [], 0
    by_len = sorted(keys, key=len, reverse=True)
    while i < len(text):
        for k in by_len:
            if text.startswith(k, i):
                out.append((i, i + len(k)))
                i += len(k)
                break
        else:
            i += 1
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="数据库软件", min_size=1, max_size=4), min_size=1, max_size=6, unique=True), st.text(alphabet="数据库软件x", max_size=40))
def test_matching_is_leftmost_longest(keys, text):
    expected = _naive_leftmost_longest(text, keys)
    lock = GlossaryLock({k: k for k in keys})
    assert lock.matches(text) == expected
    # the fallback backend agrees, on code points and on UTF-8 bytes spelled as Latin-1
    assert [(s, e) for _, s, e in _pyahocorasick_finder(list(lock.pairs))(text)] == expected
    by_bytes = _pyahocorasick_finder([k.encode("utf-8").decode("latin-1") for k in lock.pairs])(text.encode("utf-8").decode("latin-1"))
    assert [(len(text.encode()[:s].decode()), len(text.encode()[:e].decode())) for _, s, e in by_bytes] == expected


def test_lock_without_ahocorasick_rs_is_the_same(monkeypatch):
    import sys

    pairs = {"数据": "資料", "数据库": "資料庫Y", "软件": "軟體"}
    text = "数据库和数据\udcff软件\ue000数据"
    with_rs = GlossaryLock(pairs).lock(text, set())
    monkeypatch.setitem(sys.modules, "ahocorasick_rs", None)
    assert GlossaryLock(pairs).lock(text, set()) == with_rs


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(alphabet="数据库软件信息", min_size=1, max_size=3), st.text(alphabet="資料庫軟體訊息X", min_size=1, max_size=3), max_size=5), st.text(alphabet="数据库软件信息和", max_size=40))
def test_lock_then_restore_is_the_glossary_substitution(pairs, text):
    lock = GlossaryLock(pairs)
    locked, table = lock.lock(text, set())
    expected = []
    pos = 0
    for s, e in _naive_leftmost_longest(text, list(pairs)):
        expected.append(text[pos:s] + pairs[text[s:e]])
        pos = e
    expected.append(text[pos:])
    assert lock.restore(locked, table) == "".join(expected)


# --------------------------------------------------------------------------- #
# Markdown: only prose converted
# --------------------------------------------------------------------------- #

SAMPLE = """\
---
标题: 数据库软件指南
作者名单: [张三, 李四]
发布日期: 2026-01-01
---

# 数据库与软件 {#数据库-软件}

这是关于[数据库文档](docs/数据库/说明.md "数据库说明")的介绍，参见 <https://例子.cn/数据/软件> 和 https://example.com/数据/软件?查询=信息 。

![软件截图](images/软件/截图.png "软件标题")

使用 `数据库连接` 命令，或者 ``双反引号`数据` `` 也行。

参考[数据][数据库引用]与[软件信息]。

<a href="/数据/软件.html" title="数据库">链接里的数据</a>

<!-- 注释里的数据库 -->

```python
# 数据库代码
print("软件信息")
```

    缩进代码里的数据库

~~~
波浪线围栏里的软件
~~~

| 数据 | `软件` |
|---|---|
| 信息 | [网络](网络/数据.md) |

- 列表里的数据，<span class="数据">标签内容软件</span>
  续行里的信息

> 引用里的数据库

[数据库引用]: https://example.com/数据库 "引用标题里的数据"
[软件信息]: <docs/软件 信息.md>

联系 data-team@example.com 获取数据。
"""

PROTECTED_KINDS = None  # every SpanKind


def _assert_only_prose_changed(src: str, out: str, config: str = "s2twp", lang: str = "zh-Hant") -> None:
    doc = Document.from_text(src)
    src_lines, out_lines = split_lines(src), split_lines(out)
    assert len(out_lines) == len(src_lines)
    wrong = tables().simplified_only.get(lang, frozenset()) if lang != "zh-Hans" else frozenset()
    for n, (a, b) in enumerate(zip(src_lines, out_lines), start=1):
        # line endings are kept
        assert a[len(line_body(a)) :] == b[len(line_body(b)) :], n
        if doc.is_code_line(n):
            assert a == b, n
            continue
        body, out_body = line_body(a), line_body(b)
        # every protected span is there, in order, byte for byte
        pos = 0
        for span in doc.spans(n):
            piece = body[span.start : span.end]
            found = out_body.find(piece, pos)
            assert found != -1, (n, span.kind, piece, out_body)
            pos = found + len(piece)
        # the prose is OpenCC's conversion, segment by segment
        expected = []
        cur = 0
        for col, seg in doc.prose_segments(n):
            expected.append(body[cur:col])
            expected.append(cc(config).convert(seg))
            cur = col + len(seg)
        expected.append(body[cur:])
        assert out_body == "".join(expected), n
        # and no simplified-only character is left in it
        out_doc_line = Document.from_text(out).masked(n)
        left = {ch for ch in out_doc_line if ch in wrong}
        assert not left, (n, left, out_body)


def test_protected_spans_sample():
    out = conv().convert_document(Document.from_text(SAMPLE))
    _assert_only_prose_changed(SAMPLE, out)
    lines = out.splitlines()
    # front-matter keys kept, values converted
    assert lines[1] == "标题: 資料庫軟體指南"
    assert lines[2] == "作者名单: [張三, 李四]"
    # link text and title converted, destination kept
    assert '[資料庫文件](docs/数据库/说明.md "資料庫說明")' in out
    # image alt and title converted, destination kept
    assert '![軟體截圖](images/软件/截图.png "軟體標題")' in out
    assert "{#数据库-软件}" in out
    assert '<a href="/数据/软件.html" title="数据库">連結裡的資料</a>' in out
    assert "[数据库引用]: https://example.com/数据库 \"引用標題裡的資料\"" in out
    assert "`数据库连接`" in out and "print(\"软件信息\")" in out and "    缩进代码里的数据库" in out
    # the fast path agrees with the document path
    assert conv().convert_markdown(SAMPLE) == out


def test_protected_spans_seed(seed_hans):
    text = seed_hans.read_text(encoding="utf-8")
    out = conv().convert_markdown(text)
    assert out == conv().convert_document(Document.from_text(text))
    _assert_only_prose_changed(text, out)


def test_crlf_bom_and_no_final_newline_kept():
    src = "\ufeff# 数据\r\n\r\n软件 `代码`\r\n最后一行"
    out = conv().convert_document(Document.from_text(src))
    assert out == "\ufeff# 資料\r\n\r\n軟體 `代码`\r\n最後一行"
    assert conv().convert_markdown(src) == out


def test_traditional_to_simplified_document():
    src = "# 資料庫\n\n軟體的[說明](說明/資料.md)和 `程式碼`。\n"
    out = conv("zh-Hant", "zh-Hans").convert_document(Document.from_text(src))
    assert out == "# 数据库\n\n软件的[说明](說明/資料.md)和 `程式碼`。\n"
    _assert_only_prose_changed(src, out, "tw2sp", "zh-Hans")


# Markdown made of fragments that stress the protected spans and the block structure.
_frag = st.one_of(
    prose,
    prose.map(lambda s: f"`{s.replace('`', '')}`"),
    st.tuples(prose, prose, prose).map(lambda t: f"[{t[0]}](docs/{t[1].replace(' ', '').replace(')', '')}.md \"{t[2].replace(chr(34), '')}\")"),
    st.tuples(prose, prose).map(lambda t: f"![{t[0]}](img/{t[1].replace(' ', '').replace(')', '')}.png)"),
    prose.map(lambda s: f"<https://例子.cn/{s.replace(' ', '').replace('>', '')}>"),
    prose.map(lambda s: f" https://example.com/数据/{s.replace(' ', '')} "),
    prose.map(lambda s: f'<span title="{s.replace(chr(34), "")}">'),
    st.just("</span>"),
    prose.map(lambda s: f"[{s}][参考]"),
)
_line = st.one_of(
    st.lists(_frag, max_size=4).map("".join),
    st.lists(_frag, max_size=3).map(lambda f: "# " + "".join(f)),
    st.lists(_frag, max_size=3).map(lambda f: "- " + "".join(f)),
    st.lists(_frag, max_size=3).map(lambda f: "  " + "".join(f)),
    st.lists(_frag, max_size=3).map(lambda f: "    " + "".join(f)),
    st.lists(_frag, max_size=3).map(lambda f: "> " + "".join(f)),
    st.sampled_from(["", "", "", "```", "```python", "~~~", "<!--", "-->", "<div>", "---", "***", "| 数据 | 软件 |", "|---|---|", "[参考]: https://example.com/数据 \"标题数据\""]),
    prose.map(lambda s: f"<!-- {s} -->"),
)
_ending = st.sampled_from(["\n"] * 8 + ["\r\n"])


@st.composite
def markdown(draw):
    lines = draw(st.lists(_line, max_size=25))
    endings = draw(st.lists(_ending, min_size=len(lines), max_size=len(lines)))
    head = ""
    if draw(st.booleans()):
        head = "---\n" + draw(st.sampled_from(["标题: 数据库\n", "标题数据: 软件\n\n作者: 信息\n", "key: 值\n"])) + "---\n\n"
    text = head + "".join(l + e for l, e in zip(lines, endings))
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text


# OpenCC phrases that take ASCII letters with them (found by probing every
# ASCII character next to every CJK character); the ASCII property excludes them.
ASCII_PHRASES = {"s2twp": ("U盘", "U盤", "B超"), "tw2sp": ("A肝", "B肝", "C肝", "D肝", "E肝")}


def test_ascii_phrases_are_real():
    for config, phrases in ASCII_PHRASES.items():
        for p in phrases:
            assert p[0] not in cc(config).convert(p), (config, p)


def _ascii(s: str) -> str:
    return "".join(ch for ch in s if ch.isascii())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(markdown())
@example("```\n数据\n\n```\n\n软件\n")
@example("<!--\n数据\n\n-->\n\n软件 `x`\n")
@example("- 列表\n\n    缩进续行 `数据`\n\n软件\n")
@example("---\n标题: 数据\n\n作者: 软件\n---\n\n数据\n")
@example("数据\n\n---\n\n软件: 信息\n\n---\n")
@example("    代码 `数据`\n\n    更多代码\n正文数据\n")
def test_conversion_never_touches_ascii_spans_or_line_count(text):
    assume(not any(p in text for p in ASCII_PHRASES["s2twp"]))
    c = conv()
    doc = Document.from_text(text)
    out = c.convert_document(doc)
    _assert_only_prose_changed(text, out)
    for a, b in zip(split_lines(text), split_lines(out)):
        assert _ascii(a) == _ascii(b)
    # the fast path (regions parsed apart) gives the same result
    assert c.convert_markdown(text) == out


def test_fast_path_handles_lone_cr_and_unclosed_blocks():
    c = conv()
    for text in (
        "数据\r\r```\r软件\r\r正文\r",
        "```\n代码数据\n\n没有关闭的围栏\n\n数据\n",
        "<!-- 开始\n\n注释数据\n\n-->\n\n软件\n",
        "段落\n\n<div>\n数据\n</div>\n\n软件\n",
    ):
        assert c.convert_markdown(text) == c.convert_document(Document.from_text(text)), text


def test_parallel_chunks_agree_with_one_process(seed_hans):
    c = conv()
    base = seed_hans.read_text(encoding="utf-8")
    # an unclosed fence in the middle makes a chunk boundary fall inside code
    text = base + "\n\n```\n" + base.replace("```", "") + "\n\n" + base
    c.PARALLEL_THRESHOLD = 10_000
    assert c.convert_markdown(text, jobs=2) == c.convert_document(Document.from_text(text))
    assert c.convert_markdown(base * 3, jobs=3) == c.convert_document(Document.from_text(base * 3))


# --------------------------------------------------------------------------- #
# Review list
# --------------------------------------------------------------------------- #


def test_explain_lists_characters_with_several_targets():
    text = "# 头发\n\n头发很干净，干部在干活。\n\n`头发` 不在代码里报告。\n"
    review = conv().explain(Document.from_text(text))
    found = [(a.line, a.column, a.char, a.chosen) for a in review]
    assert (1, 4, "发", "髮") in found
    assert (3, 2, "发", "髮") in found
    assert (3, 4, "干", "乾") in found
    assert (3, 7, "干", "幹") in found
    assert (3, 10, "干", "幹") in found
    assert all(line != 5 or col > 6 for line, col, *_ in found)  # inline code is not reviewed
    first = next(a for a in review if a.line == 3 and a.column == 4)
    assert set(first.candidates) >= {"乾", "幹", "干"}
    assert first.context == "頭髮很[乾]淨，幹部在幹"
    assert str(first).startswith("3:4: 干 -> 乾 (")


def test_explain_skips_glossary_terms():
    review = conv(glossary={"头发": "頭髮"}).explain(Document.from_text("头发和发展\n"))
    assert [(a.column, a.char, a.chosen) for a in review] == [(4, "发", "發")]


def test_ambiguity_table_comes_from_opencc():
    table = ambiguous_chars("s2twp")
    for ch, forms in (("干", "乾幹"), ("发", "發髮"), ("里", "裡"), ("后", "後后"), ("系", "係繫"), ("面", "麵"), ("制", "製"), ("了", "瞭"), ("台", "臺颱")):
        assert set(forms) <= set(table[ch]), ch
    # every form is one OpenCC produces for that character in some word
    words = {"干": ["干净", "干部", "若干"], "发": ["头发", "发展"], "了": ["了解", "好了"]}
    for ch, ws in words.items():
        made = {cc("s2tw").convert(w)[w.index(ch)] for w in ws}
        assert made <= set(table[ch])
    assert ambiguous_chars("tw2sp")["著"] == ("着", "著")


# --------------------------------------------------------------------------- #
# Languages and configurations
# --------------------------------------------------------------------------- #


def test_languages_and_configs():
    assert default_config("zh-Hans", "zh-Hant") == "s2twp"
    assert conv("zh-CN", "zh-TW").config == "s2twp"
    assert conv("zh-Hans", "zh-HK").config == "s2hk"
    assert conv("zh-Hant", "zh-Hans").config == "tw2sp"
    assert conv(config="s2tw.json").config == "s2tw"
    with pytest.raises(InputError, match="unknown OpenCC configuration 'nope'"):
        conv(config="nope")
    with pytest.raises(InputError, match="both zh-Hant"):
        conv("zh-TW", "zh-Hant")
    with pytest.raises(InputError, match="only zh-Hans, zh-Hant and zh-HK"):
        conv("en", "zh-Hant")
    with pytest.raises(InputError):
        conv("zh-Hans", "zh-XX")


def test_converter_is_lazy_and_shared():
    from transkit.convert import opencc_converter

    c1, c2 = conv(), conv()
    assert c1.convert_text("数据") == c2.convert_text("数据") == "資料"
    assert opencc_converter("s2twp") is opencc_converter("s2twp.json".removesuffix(".json"))


def test_resources_converter_uses_the_merged_glossary():
    from transkit.config import Config
    from transkit.resources import Resources

    c = Resources(Config()).converter("zh-Hans", "zh-Hant")
    pairs = Resources(Config()).glossary.conversion_pairs("zh-Hans", "zh-Hant")
    term, target = next((k, v) for k, v in pairs.items() if re.fullmatch(r"[\u4e00-\u9fff]{2,}", k) and cc("s2twp").convert(k) != v)
    assert c.convert_text(f"这是{term}。") == cc("s2twp").convert("这是") + target + "。"


def test_a_failing_worker_falls_back_to_one_process(seed_hans, monkeypatch):
    import os

    c = conv()
    c.PARALLEL_THRESHOLD = 10_000
    text = seed_hans.read_text(encoding="utf-8") * 2
    parent = os.getpid()
    real = Converter._convert_markdown_serial

    def flaky(self, chunk):
        if os.getpid() != parent:
            raise MemoryError("worker died")
        return real(self, chunk)

    monkeypatch.setattr(Converter, "_convert_markdown_serial", flaky)
    assert c.convert_markdown(text, jobs=2) == c.convert_document(Document.from_text(text))


# --------------------------------------------------------------------------- #
# Word boundaries: a term is not locked where the words cut through it
# --------------------------------------------------------------------------- #

CROSSING = {"算法": "演算法", "性能": "效能", "默认": "預設", "集群": "叢集", "内存": "記憶體", "数据": "資料", "数据流": "資料流", "训练集": "訓練集", "数据库": "資料庫", "以太网": "乙太網路", "网络": "網路"}


@pytest.mark.parametrize(
    "text",
    ["计算法律", "综合性能力", "沉默认为", "征集群众", "国内存在", "明显存在"],
)
def test_terms_the_words_cut_through_are_left_to_opencc(text):
    # Each holds a term across two words (计算|法律 holds 算法): OpenCC's own output, not 計演算法律.
    assert conv(glossary=CROSSING).convert_text(text) == cc("s2twp").convert(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("大数据", "大資料"),  # 大|数据, not 大数|据
        ("训练集中的样本", "訓練集中的樣本"),  # in the training set, not 训练|集中
        ("数据库存储", "資料庫儲存"),  # 数据库|存储, not 数据|库存
        ("系统默认为空", "系統預設為空"),  # 默 alone is no word: 默认|为 stays
        ("和内存管理", "和記憶體管理"),
        ("这个算法的性能", "這個演算法的效能"),
        ("数据流水线", "資料流水線"),  # 数据|流水线: 数据流 is given up, 数据 found again
        ("以太网络", "以太網路"),  # 以太|网络: 以太网 is given up, 网络 found again
    ],
)
def test_terms_that_are_words_of_the_sentence_stay_locked(text, expected):
    assert conv(glossary=CROSSING).convert_text(text) == expected


def test_shipped_glossary_does_not_lock_across_words():
    from transkit import glossary as gl

    c = conv(glossary=gl.load(gl.shipped_files()))
    for text in ("计算法律", "综合性能力", "沉默认为", "征集群众"):
        assert c.convert_text(text) == cc("s2twp").convert(text), text
    assert c.convert_text("机器学习算法的性能") == "機器學習演算法的效能"


def test_no_language_means_plain_substring_matching():
    assert GlossaryLock(CROSSING).matches("计算法律") == [(1, 3)]
    assert GlossaryLock(CROSSING, "zh-Hans").matches("计算法律") == []


def _bounded_reference(text: str, lock: GlossaryLock) -> list[tuple[int, int]]:
    """The guarded matching, spelled out: leftmost-longest; a match the guard rejects is
    dropped and the stretch up to the next original match is searched again from its
    second character (new matches judged the same way)."""
    keys = list(lock.pairs)
    index = {k: i for i, k in enumerate(keys)}
    guard = lock.guard
    original = _naive_leftmost_longest(text, keys)
    out = []
    for j, (s, e) in enumerate(original):
        if guard.keeps(text, s, e, index[text[s:e]]):
            out.append((s, e))
            continue
        hi = original[j + 1][0] if j + 1 < len(original) else len(text)
        for s2, e2 in _naive_guarded(text, keys, index, guard, s + 1, hi):
            out.append((s2, e2))
    return out


def _naive_guarded(text, keys, index, guard, lo, hi):
    while lo < hi:
        found = _naive_leftmost_longest(text[lo:hi], keys)
        if not found:
            return
        s, e = found[0][0] + lo, found[0][1] + lo
        if guard.keeps(text, s, e, index[text[s:e]]):
            yield s, e
            lo = e
        else:
            lo = s + 1


CROSS_TEXT = "计算法律综合性能力沉默认为征集群众国内存在大数据训练集中以太网络流水线库存储的和"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=CROSS_TEXT + "ab \n", max_size=60))
@example("计算法律大数据")
@example("以太网络数据流水线")
def test_guarded_matching_property(text):
    lock = GlossaryLock(CROSSING, "zh-Hans")
    expected = _bounded_reference(text, lock)
    assert lock.matches(text) == expected
    # The byte-level lock (spliced in place) agrees with the code-point matching.
    locked, table = lock.lock(text, set())
    if not expected:
        assert (locked, table) == (text, [])
        return
    ph = table[0]
    pieces, pos = [], 0
    for s, e in expected:
        pieces.append(text[pos:s])
        pos = e
    pieces.append(text[pos:])
    assert locked == ph.join(pieces)
    assert table[1:] == [CROSSING[text[s:e]] for s, e in expected]


def test_boundary_tables_are_cached(tmp_path, monkeypatch):
    from transkit import boundaries

    monkeypatch.setenv("TRANSKIT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("TRANSKIT_NO_CACHE", raising=False)
    boundaries._stored.cache_clear()
    terms = ("算法", "性能", "数据")
    first = boundaries.BoundaryGuard.for_terms(terms, "zh-Hans")
    assert list((tmp_path / "boundaries").glob("terms-*.pickle"))
    boundaries._stored.cache_clear()

    def no_build(*a, **k):
        raise AssertionError("built again instead of loaded")

    monkeypatch.setattr(boundaries.BoundaryGuard, "build", classmethod(no_build))
    again = boundaries.BoundaryGuard.for_terms(terms, "zh-Hans")
    assert first.keeps("计算法律", 1, 3, 0) is False
    assert again.keeps("计算法律", 1, 3, 0) is False
    boundaries._stored.cache_clear()


def test_verdicts_are_kept_for_the_next_process(tmp_path, monkeypatch):
    from transkit import boundaries

    monkeypatch.setenv("TRANSKIT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("TRANSKIT_NO_CACHE", raising=False)
    boundaries._stored.cache_clear()
    text = "新的计算法律和数据\n" * 3
    first = GlossaryLock(CROSSING, "zh-Hans").lock(text, set())
    assert list((tmp_path / "boundaries").glob("verdicts-*.pickle"))
    # A new process: the tables and the verdicts come from the cache, the word model is not needed.
    boundaries._stored.cache_clear()
    boundaries.common_words.cache_clear()

    def no_words(script):
        raise AssertionError("judged again instead of using the stored verdict")

    monkeypatch.setattr(boundaries, "common_words", no_words)
    assert GlossaryLock(CROSSING, "zh-Hans").lock(text, set()) == first
    assert "演算法" not in first[1]
    boundaries._stored.cache_clear()


def test_boundaries_doctests():
    import doctest

    from transkit import boundaries, convert

    assert doctest.testmod(boundaries).failed == 0
    assert doctest.testmod(convert).failed == 0


@pytest.mark.parametrize("src,dst,config", [("zh-Hans", "zh-Hant", "t2s"), ("zh-Hant", "zh-Hans", "s2twp"), ("zh-Hans", "zh-Hant", "t2jp")])
def test_an_opencc_configuration_must_write_the_target_script(src, dst, config):
    from transkit.errors import InputError

    with pytest.raises(InputError, match=f"OpenCC configuration '{config}' does not convert to {dst}"):
        Converter.for_languages(src, dst, opencc_config=config)
    assert Converter.for_languages("zh-Hant", "zh-HK", opencc_config="t2hk").config == "t2hk"


@pytest.mark.parametrize(
    "text,kept",
    [
        # Code inside a block quote: fenced and indented.
        ("# 标题\n\n> 说明：\n>\n> ```\n> 发布代码\n> ```\n\n>     发布代码\n", ["> 发布代码", ">     发布代码"]),
        ("> ```python\n> >>> 发布()\n> ```\n", ["> >>> 发布()"]),
        # Raw HTML (CommonMark HTML blocks of type 1): script, style, pre, textarea, blank lines included.
        ('<script>\nvar 发布 = "里面";\n</script>\n', ['var 发布 = "里面";']),
        ("<pre>\n发布\n\n里面\n</pre>\n", ["发布", "里面"]),
        ("<style>\n.发布 { color: red }\n</style>\n", [".发布 { color: red }"]),
        # Bare URLs with Chinese path segments or query values, and URLs glued to Chinese text.
        ("见 https://zh.wikipedia.org/wiki/数据库。\n", ["https://zh.wikipedia.org/wiki/数据库"]),
        ("见 https://example.com/发展/里 说明。\n", ["https://example.com/发展/里"]),
        ("搜索 https://x.org/?q=数据，再看。\n", ["https://x.org/?q=数据"]),
        ("访问https://x.org/docs了解\n", ["https://x.org/docs"]),
    ],
)
def test_code_raw_html_and_urls_stay_byte_identical(text, kept):
    out = conv().convert_markdown(text)
    for piece in kept:
        assert piece in out, (piece, out)
    assert out == conv().convert_document(Document.from_text(text, lang="zh-Hans"))


def test_prose_around_protected_chinese_urls_is_still_converted():
    out = conv().convert_markdown("见 https://zh.wikipedia.org/wiki/数据库 里的说明，访问https://x.org了解。\n")
    assert out == "見 https://zh.wikipedia.org/wiki/数据库 裡的說明，訪問https://x.org瞭解。\n"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["`", "``", "发布", "里面", " ", "\n", "\n\n", "a", "[x](y)", "<b>", "数据"]), max_size=25))
def test_wrapped_code_spans_the_fast_path_agrees_with_the_whole_document(pieces):
    text = "".join(pieces)
    assert conv().convert_markdown(text) == conv().convert_document(Document.from_text(text, lang="zh-Hans"))


def test_a_wrapped_code_span_stays_byte_identical():
    assert conv().convert_markdown("文本 `发布\n里面` 后\n") == "文本 `发布\n里面` 後\n"
