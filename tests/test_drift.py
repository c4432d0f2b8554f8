"""Drift building blocks: section keys, fingerprints, blame parsing, the lock, statuses, reports."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from transkit.document import Document
from transkit.drift import (
    Blame,
    Change,
    DriftError,
    DriftReport,
    Lock,
    LockEntry,
    LockedTranslation,
    SectionDrift,
    SiblingDrift,
    Status,
    Baseline,
    _has_deletion,
    compare_siblings,
    fingerprint,
    is_untranslated,
    normalized_lines,
    parse_fail_on,
    section_keys,
    section_title,
    sentences,
)
from transkit.report import drift as drift_report


def doc(text: str, lang: str = "en") -> Document:
    return Document.from_text(text, f"<{lang}>", lang)


# --------------------------------------------------------------------------- #
# Keys and fingerprints
# --------------------------------------------------------------------------- #


def test_section_keys_leave_numbering_out_and_number_repeats():
    d = doc("# Guide\n\n## 1. Setup\n\n### Notes\n\n## 2. Usage\n\n### Notes\n\n## 3. Setup\n")
    assert section_keys(d) == ["", "guide", "guide/setup", "guide/setup/notes", "guide/usage", "guide/usage/notes", "guide/setup~2"]


def test_section_keys_survive_renumbering():
    before = doc("# G\n\n## 1. Alpha\n\nText.\n\n## 2. Beta\n\nMore.\n")
    after = doc("# G\n\n## 1. New\n\nIntro.\n\n## 2. Alpha\n\nText.\n\n## 3. Beta\n\nMore.\n")
    assert set(section_keys(before)) < set(section_keys(after))
    b_alpha = before.sections[2]
    a_alpha = after.sections[3]
    assert fingerprint(before, b_alpha) == fingerprint(after, a_alpha)


def test_fingerprint_ignores_blank_lines_and_trailing_spaces_but_not_words():
    base = doc("## 3. Batching\n\nKeeps the GPU busy.\n")
    spaced = doc("## 3. Batching   \n\n\n\nKeeps the GPU busy.   \n\n")
    worded = doc("## 3. Batching\n\nKeeps the GPU occupied.\n")
    leveled = doc("### 3. Batching\n\nKeeps the GPU busy.\n")
    fp = fingerprint(base, base.sections[1])
    assert fingerprint(spaced, spaced.sections[1]) == fp
    assert fingerprint(worded, worded.sections[1]) != fp
    assert fingerprint(leveled, leveled.sections[1]) != fp  # a level change is structure the translation mirrors
    assert normalized_lines(base, base.sections[1]) == ("## Batching", "Keeps the GPU busy.")


def test_section_title_keeps_numbering_and_names_the_preamble():
    d = doc("Intro\n\n## 2. Pre-training\n\n### **Data** pipeline\n")
    assert [section_title(s) for s in d.sections] == ["(preamble)", "2. Pre-training", "Data pipeline"]


# --------------------------------------------------------------------------- #
# Blame porcelain
# --------------------------------------------------------------------------- #

A = "a" * 40
B = "b" * 40
PORCELAIN = f"""{A} 1 1 2
author Ann
author-time 1700000000
author-tz +0000
committer Ann
committer-time 1700000100
committer-tz +0000
summary First
boundary
filename doc.md
\t# Title
{A} 2 2
\t
{B} 3 3 1
author Bo
author-time 1710000000
committer-time 1710000500
summary Second: with a colon
previous {A} doc.md
filename doc.md
\t{A} 9 9 looks like a header but is content
{A} 4 4 1
filename doc.md
\tlast line
"""


def test_blame_porcelain_parsing():
    b = Blame.parse(PORCELAIN)
    assert b.shas == [A, A, B, A]
    assert b.commits[A].committer_time == 1700000100 and b.commits[A].author_time == 1700000000
    assert b.commits[B].summary == "Second: with a colon"
    assert b.commit_of(3).sha == B
    assert b.commit_of(99) is None
    assert Change(B, 1710000500).iso == "2024-03-09T16:08:20Z"


def test_uncommitted_blame_is_dated_now():
    b = Blame.uncommitted(3, now=1800000000)
    assert [b.commit_of(n).committed for n in (1, 2, 3)] == [False] * 3
    assert b.commit_of(1).change().commit is None


# --------------------------------------------------------------------------- #
# Lock file
# --------------------------------------------------------------------------- #


def test_lock_round_trip_is_stable_and_sorted(tmp_path):
    path = tmp_path / ".transkit.lock"
    # transkit sync keeps its records in the same file: they must survive.
    path.write_text('{"sync": {"zh-Hant/b.md": {"source": "zh-Hans/b.md", "opencc": "s2twp", "sections": []}}, "transkit-lock": 1}\n', encoding="utf-8")
    lock = Lock.load(path)
    lock.translations["zh-Hant/b.md"] = LockedTranslation("en/b.md", "zh-Hant", Baseline.LOCK, {"b/z": LockEntry("1" * 16, "2" * 16, "2024-01-01T00:00:00Z", "c" * 40), "b/a": LockEntry("3" * 16, "4" * 16, "2024-01-01T00:00:00Z")})
    lock.translations["zh-Hans/a.md"] = LockedTranslation("en/a.md", "zh-Hans", Baseline.GIT, {})
    lock.save()
    text = path.read_text(encoding="utf-8")
    assert text.index("zh-Hans/a.md") < text.index("zh-Hant/b.md")
    assert text.index('"b/a"') < text.index('"b/z"')
    again = Lock.load(path)
    assert again.to_json() == text
    assert again.get(tmp_path / "zh-Hant" / "b.md").sections["b/z"].commit == "c" * 40
    assert again.get(tmp_path / "zh-Hans" / "a.md").baseline is Baseline.GIT
    assert LockEntry("x", "y", "2024-01-01T00:00:00Z").epoch == 1704067200
    data = json.loads(text)
    assert data["sync"]["zh-Hant/b.md"]["opencc"] == "s2twp" and data["transkit-lock"] == 1
    assert sorted(data["drift"]) == ["zh-Hans/a.md", "zh-Hant/b.md"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("{", "not valid JSON"),
        ('{"transkit-lock": 99}', "lock format 99 is not supported"),
        ('{"drift": []}', "not a transkit lock file"),
        ('{"drift": {"x.md": {"sections": {}}}}', "drift.x.md: malformed entry"),
    ],
)
def test_bad_lock_files_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "drift.lock"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DriftError, match=message):
        Lock.load(path)


def test_missing_lock_is_empty(tmp_path):
    assert Lock.load(tmp_path / "none.lock").translations == {}


# --------------------------------------------------------------------------- #
# Statuses
# --------------------------------------------------------------------------- #


def test_parse_fail_on():
    assert parse_fail_on(None) == {Status.OUTDATED, Status.MISSING, Status.EXTRA, Status.UNTRANSLATED, Status.DIVERGED}
    assert parse_fail_on("none") == frozenset()
    assert parse_fail_on(["outdated", "missing,extra"]) == {Status.OUTDATED, Status.MISSING, Status.EXTRA}
    with pytest.raises(DriftError, match="unknown status 'ok'"):
        parse_fail_on("ok")


EN_SECTION = "## 4. Caching\n\nThe KV cache grows with context length. PagedAttention splits it into 16-token blocks.\n"


@pytest.mark.parametrize(
    "translation, expected",
    [
        (EN_SECTION, True),  # pasted verbatim
        ("## 4. 缓存\n\nThe KV cache grows with context length. PagedAttention splits it into 16-token blocks.\n", True),
        ("## 4. 缓存\n\nKV 缓存随上下文长度增长。PagedAttention 把它切分成 16 个 token 的块。\n", False),
        ("## 4. Caching\n\n```text\nonly code here, which stays English anyway\n```\n", False),
        ("## 4. 缓存\n\n- [Efficient Memory Management for Serving](https://example.org/paged) by Kwon et al.：介绍分页注意力的论文。\n", False),
    ],
)
def test_untranslated(translation, expected):
    s, t = doc(EN_SECTION), doc(translation, "zh-Hans")
    assert is_untranslated(s, s.sections[1], t, t.sections[1]) is expected


def test_untranslated_never_fires_on_the_real_zh_hans_seed(seed_hans):
    seed = Document.from_bytes(seed_hans.read_bytes(), "seed", "zh-Hans")
    english = doc("# Title\n\n" + "A long English paragraph about training language models. " * 4 + "\n")
    flagged = [section_title(s) for s in seed.sections if is_untranslated(english, english.sections[1], seed, s)]
    assert flagged == []


def test_has_deletion():
    assert _has_deletion(("a", "b", "c"), ("a", "c"))
    assert _has_deletion(("a", "b", "c"), ("a", "x"))
    assert not _has_deletion(("a", "b"), ("a", "b2"))
    assert not _has_deletion(("a",), ("a", "b"))


# --------------------------------------------------------------------------- #
# Sibling comparison
# --------------------------------------------------------------------------- #


@pytest.fixture(scope="module")
def opencc_pair():
    import opencc

    to_hant, to_hans = opencc.OpenCC("s2twp.json").convert, opencc.OpenCC("tw2sp.json").convert
    return (lambda xs: [to_hant(x) for x in xs]), (lambda xs: [to_hans(x) for x in xs])


def _compare(a: Document, sa, b: Document, sb, pair):
    to_hant, to_hans = pair
    ua, ub = sentences(a, sa), sentences(b, sb)
    ca, cb = [c for _, c in ua], [c for _, c in ub]
    return compare_siblings(ca, cb, to_hant(ca), to_hans(cb), ([t for t, _ in ua], [t for t, _ in ub]))


def test_sentences_leave_code_links_and_short_labels_out():
    d = doc("## 3. 批处理\n\n使用 `vLLM` 的连续批处理能让 GPU 保持忙碌。见 [文档](https://example.org/批处理)！\n\n- 量化：PTQ\n\n```\n代码里的中文不算句子，无论多长都不算\n```\n", "zh-Hans")
    got = sentences(d, d.sections[1])
    assert [c for _, c in got] == ["使用的连续批处理能让GPU保持忙碌"]
    assert got[0][0] == "使用 的连续批处理能让 GPU 保持忙碌"


def test_conversion_and_taiwan_vocabulary_are_tolerated(opencc_pair):
    import opencc

    hans = "## 1. 硬件\n\n本软件默认使用内存缓存，视频和网络请求也会被记录。部署前请先在测试环境中验证模型。\n"
    for hant in (opencc.OpenCC("s2twp.json").convert(hans), opencc.OpenCC("s2t.json").convert(hans)):
        a, b = doc(hans, "zh-Hans"), doc(hant, "zh-Hant")
        cmp = _compare(a, a.sections[1], b, b.sections[1], opencc_pair)
        assert not cmp.diverged and cmp.difference == 0.0


def test_a_sentence_one_side_never_got_diverges(opencc_pair):
    import opencc

    hans = "## 5. 监控\n\n用 Prometheus 跟踪 p50 和 p99 延迟。当 p99 超过 2 秒时发出告警。\n"
    extra = hans + "\n仪表盘数据至少保留一年，以便比较不同版本之间的延迟变化。\n"
    a, b = doc(extra, "zh-Hans"), doc(opencc.OpenCC("s2twp.json").convert(hans), "zh-Hant")
    cmp = _compare(a, a.sections[1], b, b.sections[1], opencc_pair)
    assert cmp.hans_only == ("仪表盘数据至少保留一年，以便比较不同版本之间的延迟变化",) and cmp.hant_only == ()
    assert 0.2 < cmp.difference < 0.7
    # And the other way round: a sentence only the Traditional text has.
    cmp = _compare(b, b.sections[1], a, a.sections[1], opencc_pair)
    assert cmp.hant_only and not cmp.hans_only


def test_independent_taiwan_rewording_of_the_bundled_sample_is_tolerated(opencc_pair):
    root = Path(__file__).resolve().parent.parent / "locales"
    a = Document.from_text((root / "zh-Hans" / "roadmap.md").read_text(encoding="utf-8"), "hans", "zh-Hans")
    b = Document.from_text((root / "zh-Hant" / "roadmap.md").read_text(encoding="utf-8"), "hant", "zh-Hant")
    assert len(a.sections) == len(b.sections)
    diverged = [section_title(x) for x, y in zip(a.sections, b.sections) if _compare(a, x, b, y, opencc_pair).diverged]
    assert diverged == []


def test_the_real_seed_against_its_conversion_with_one_sentence_dropped(seed_hans, opencc_pair):
    import opencc

    text = seed_hans.read_text(encoding="utf-8")
    a = Document.from_text(text, "hans", "zh-Hans")
    victim = next(s for s in a.sections if len(sentences(a, s)) >= 4)
    dropped = sentences(a, victim)[2][1]
    hant_text = opencc.OpenCC("s2twp.json").convert(text)
    b = Document.from_text(hant_text, "hant", "zh-Hant")
    assert len(a.sections) == len(b.sections)
    assert not any(_compare(a, x, b, y, opencc_pair).diverged for x, y in zip(a.sections, b.sections))
    # Remove that sentence's line from the Traditional side: only its section diverges.
    line = next(ln for ln in range(victim.start_line, victim.end_line + 1) if dropped in "".join(ch for ch in a.masked(ln, "") if ch.isalnum()))
    lines = hant_text.splitlines(keepends=True)
    lines[line - 1] = "\n"
    b = Document.from_text("".join(lines), "hant", "zh-Hant")
    diverged = [x.index for x, y in zip(a.sections, b.sections) if _compare(a, x, b, y, opencc_pair).diverged]
    assert diverged == [victim.index]


# --------------------------------------------------------------------------- #
# Reports
# --------------------------------------------------------------------------- #


def _report() -> DriftReport:
    src = doc("# Guide\n\n## 1. Setup | install\n\nRun it.\n\n## 2. Usage\n\nUse it.\n\n## 3. Limits\n\nNone.\n")
    tgt = doc("# 指南\n\n简介。\n\n## 1. 安装\n\n运行。\n\n## 2. 用法\n\n使用。\n\n## 附录\n\n补充。\n", "zh-Hans")
    c_old, c_new = Change("1" * 40, 1704067200, "old"), Change("2" * 40, 1706745600, "new")
    common = dict(lang="zh-Hans", source_path="en/g.md", translation_path="zh-Hans/g.md")
    return DriftReport(
        sections=[
            SectionDrift(Status.OK, source=src.sections[1], target=tgt.sections[1], source_changed=c_old, translation_changed=c_old, **common),
            SectionDrift(Status.OUTDATED, source=src.sections[2], target=tgt.sections[2], source_changed=c_new, translation_changed=c_old, diff="--- a\n+++ b\n-Run it.\n+Run it ```now```.", **common),
            SectionDrift(Status.OK, source=src.sections[3], target=tgt.sections[3], **common),
            SectionDrift(Status.MISSING, source=src.sections[4], target=None, insert_line=13, **common),
            SectionDrift(Status.EXTRA, source=None, target=tgt.sections[4], **common),
        ],
        siblings=[SiblingDrift(Status.DIVERGED, "zh-Hans/g.md", "zh-Hant/g.md", "zh-Hant", tgt.sections[2], tgt.sections[2], 0.31, "", ("仪表盘数据至少保留一年，以便比较",))],
    )


def test_json_report_shape():
    out = io.StringIO()
    drift_report.render(_report(), out, fmt="json")
    data = json.loads(out.getvalue())
    assert data["sections"][1] == {
        "title": "1. Setup | install",
        "source_line": 3,
        "translation": "zh-Hans/g.md",
        "lang": "zh-Hans",
        "status": "outdated",
        "source_changed": "2024-02-01T00:00:00Z",
        "translation_changed": "2024-01-01T00:00:00Z",
    }
    assert data["sections"][4]["source_line"] is None
    zh = data["summary"]["languages"]["zh-Hans"]
    assert (zh["sections"], zh["ok"], zh["outdated"], zh["missing"], zh["extra"]) == (4, 2, 1, 1, 1)
    assert zh["percent"] == {"ok": 50.0, "outdated": 25.0, "missing": 25.0, "untranslated": 0.0}
    assert data["summary"]["siblings"] == {"pairs": 1, "diverged": 1}
    assert data["siblings"][0] == {
        "title": "1. 安装",
        "hans": "zh-Hans/g.md",
        "hans_line": 5,
        "hant": "zh-Hant/g.md",
        "hant_line": 5,
        "lang": "zh-Hant",
        "status": "diverged",
        "difference": 0.31,
        "hans_only": ["仪表盘数据至少保留一年，以便比较"],
        "hant_only": [],
    }


def test_diagnostics_codes_and_locations():
    diags = drift_report.to_diagnostics(_report())
    by_code = {d.code: d for d in diags}
    assert sorted(by_code) == ["TK321", "TK322", "TK323", "TK325"]
    assert by_code["TK321"].line == 5 and by_code["TK321"].related.line == 3
    assert by_code["TK322"].line == 13 and by_code["TK322"].path == "zh-Hans/g.md"
    assert by_code["TK325"].path == "zh-Hant/g.md"
    assert by_code["TK325"].message == "section '1. 安装' no longer corresponds to zh-Hans/g.md: 1 sentence only in zh-Hans (\"仪表盘数据至少保留一年，以便比较\")"
    assert {d.name for d in diags} == {"drift-outdated", "drift-missing", "drift-extra", "drift-sibling-diverged"}


def test_markdown_report_escapes_titles_and_fences_diffs():
    out = io.StringIO()
    drift_report.render(_report(), out, fmt="markdown")
    md = out.getvalue()
    assert "| outdated | 1. Setup \\| install | `en/g.md:3` | 2024-02-01 | 2024-01-01 |" in md
    assert "````diff\n" in md  # the diff holds a triple backtick, so the fence is longer
    assert "| zh-Hans | 4 | 50% | 25% | 25% | 0% | 1 |" in md
    assert "| 用法 |" not in md
    assert "| 1. 安装 | `zh-Hans/g.md:5` | `zh-Hant/g.md:5` | zh-Hans: 仪表盘数据至少保留一年，以便比较 |" in md


def test_text_report_lists_only_problems_and_the_summary():
    out = io.StringIO()
    drift_report.render(_report(), out, fmt="text")
    text = out.getvalue()
    assert "zh-Hans/g.md:5: outdated     1. Setup | install  [en/g.md:3]" in text
    assert "zh-Hans/g.md:13: missing      3. Limits  [en/g.md:11]" in text
    assert "2. Usage" not in text
    assert text.rstrip().endswith("siblings: 1 section pair, 1 diverged")


def test_report_fails_only_on_listed_statuses():
    r = _report()
    assert r.fails({Status.OUTDATED})
    assert r.fails({Status.DIVERGED})
    assert not r.fails({Status.UNTRANSLATED})
    assert not r.fails(set())


def test_sync_and_drift_share_the_lock_file(tmp_path):
    sync = pytest.importorskip("transkit.sync")
    path = tmp_path / ".transkit.lock"
    lock = Lock(path)
    lock.translations["zh-Hans/a.md"] = LockedTranslation("en/a.md", "zh-Hans", Baseline.LOCK, {"a": LockEntry("1" * 16, "2" * 16, "2024-01-01T00:00:00Z")})
    lock.save()
    shared = sync.LockFile.load(path)
    shared.set_records(tmp_path / "zh-Hans" / "a.md", tmp_path / "zh-Hant" / "a.md", "s2twp", [])
    path.write_text(shared.dumps(), encoding="utf-8")
    again = Lock.load(path)
    assert again.translations["zh-Hans/a.md"].sections["a"].source == "1" * 16
    again.save()
    assert sync.LockFile.load(path).data["sync"]["zh-Hant/a.md"]["opencc"] == "s2twp"
