"""Real clients accept transkit's catalogs (msgfmt, polib, Python's gettext), the bundled
sample's catalogs are current, and the ``transkit po`` commands behave as documented."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from transkit import pofile
from transkit.catalog import build, extract, read_catalog, update
from transkit.document import Document

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
CATALOGS = [LOCALES / "zh-Hans" / "roadmap.po", LOCALES / "zh-Hant" / "roadmap.po"]
TEMPLATE = LOCALES / "roadmap.pot"


def _msgfmt() -> str:
    path = shutil.which("msgfmt")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("msgfmt (GNU gettext) is missing on CI: .ci/run must install gettext")
        pytest.skip("GNU msgfmt not installed (apt-get install gettext); CI installs it")
    return path


def sample(lang: str) -> Document:
    return Document.from_text((LOCALES / lang / "roadmap.md").read_text(encoding="utf-8"), f"locales/{lang}/roadmap.md", lang)


def msgfmt_check(path: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([_msgfmt(), "--check", "-o", str(out), str(path)], capture_output=True, text=True)


# --------------------------------------------------------------------------- #
# msgfmt, polib, gettext
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.name)
def test_msgfmt_check_accepts_the_bundled_catalogs_without_a_warning(path, tmp_path):
    r = msgfmt_check(path, tmp_path / "out.mo")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""


def test_msgfmt_check_accepts_the_template(tmp_path):
    r = msgfmt_check(TEMPLATE, tmp_path / "out.mo")
    # A template's header holds gettext's placeholders, which msgfmt mentions; it is not an error.
    assert r.returncode == 0, r.stderr
    assert "error" not in r.stderr


def test_msgfmt_check_accepts_an_updated_catalog_with_fuzzy_and_obsolete_entries(tmp_path):
    po = build(sample("en"), sample("zh-Hant"), "zh-Hant").catalog
    en = (LOCALES / "en" / "roadmap.md").read_text(encoding="utf-8")
    en = en.replace("Evaluation tells you whether", "Evaluation shows you whether").replace("## 9. Agents\n", "")
    r = update(po, extract([Document.from_text(en, "locales/en/roadmap.md", "en")]))
    assert r.fuzzy >= 1 and r.obsolete >= 1
    path = tmp_path / "updated.po"
    path.write_text(pofile.dumps(r.catalog), encoding="utf-8")
    done = msgfmt_check(path, tmp_path / "out.mo")
    assert done.returncode == 0 and done.stderr == "", done.stderr


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.name)
def test_polib_reads_the_bundled_catalogs(path):
    ours = read_catalog(path)
    theirs = polib.pofile(str(path))
    assert theirs.metadata["Language"] == ours.language
    assert [(e.msgctxt, e.msgid, e.msgstr, e.fuzzy) for e in theirs] == [(e.msgctxt, e.msgid, e.msgstr, e.fuzzy) for e in ours.entries]
    assert theirs.percent_translated() == 100


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.name)
def test_python_gettext_returns_every_msgstr_of_the_compiled_catalog(path, tmp_path, cli):
    mo = tmp_path / "roadmap.mo"
    r = cli("po", "compile", str(path), "-o", str(mo))
    assert r.exit_code == 0, r
    assert "86 messages compiled" in r.stderr
    with mo.open("rb") as fh:
        t = gettext.GNUTranslations(fh)
    cat = read_catalog(path)
    assert cat.entries
    for e in cat.entries:
        got = t.gettext(e.msgid) if e.msgctxt is None else t.pgettext(e.msgctxt, e.msgid)
        assert got == e.msgstr
    # msgfmt's own .mo holds the same messages
    ref = tmp_path / "ref.mo"
    subprocess.run([_msgfmt(), "-o", str(ref), str(path)], check=True)
    with ref.open("rb") as fh:
        assert gettext.GNUTranslations(fh)._catalog == t._catalog


# --------------------------------------------------------------------------- #
# The bundled catalogs are what the commands make now
# --------------------------------------------------------------------------- #


def _comparable(cat):
    return [(e.msgctxt, e.msgid, e.msgstr, e.flags, e.references, e.extracted_comments) for e in cat.entries]


def test_bundled_template_is_current():
    fresh = extract([sample("en")], front_matter_keys=read_catalog(TEMPLATE).metadata.get("X-Transkit-Front-Matter", "").split(", "))
    assert _comparable(read_catalog(TEMPLATE)) == _comparable(fresh)


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_bundled_catalogs_are_current(lang):
    bundled = read_catalog(LOCALES / lang / "roadmap.po")
    fresh = build(sample("en"), sample(lang), lang, template=read_catalog(TEMPLATE)).catalog
    assert _comparable(bundled) == _comparable(fresh)
    assert bundled.metadata["Language"] == lang.replace("-", "_")
    assert bundled.metadata["Plural-Forms"] == "nplurals=1; plural=0;"


# --------------------------------------------------------------------------- #
# The commands
# --------------------------------------------------------------------------- #


def test_po_commands_end_to_end(cli, tmp_path):
    en, hant = "locales/en/roadmap.md", "locales/zh-Hant/roadmap.md"
    pot, po, mo, out = (tmp_path / n for n in ("x.pot", "x.po", "x.mo", "x.md"))
    r = cli("po", "extract", en, "-o", str(pot), "--front-matter", "title")
    assert (r.exit_code, r.stdout) == (0, "")
    assert r.stderr == "transkit: 86 entries extracted from 1 file\n"
    r = cli("po", "build", en, hant, "--lang", "zh-TW", "--template", str(pot), "-o", str(po))
    assert r.exit_code == 0 and r.stderr == "transkit: 86 translated, 0 fuzzy, 0 untranslated\n", r
    r = cli("po", "compile", str(po), "-o", str(mo))
    assert r.exit_code == 0 and mo.read_bytes()[:4] == b"\xde\x12\x04\x95"
    r = cli("po", "apply", en, str(po), "-o", str(out))
    assert r.exit_code == 0 and r.stderr == "transkit: 87 units translated, 0 left in the source language\n", r
    assert out.read_bytes() == (ROOT / hant).read_bytes()
    r = cli("po", "update", str(po), str(pot))
    assert r.exit_code == 0 and r.stderr.startswith("transkit: 86 kept, 0 kept (whitespace change), 0 fuzzy, 0 new, 0 obsolete"), r
    assert read_catalog(po).entries == read_catalog(tmp_path / "x.po").entries


def test_po_apply_reports_untranslated_units(cli, tmp_path):
    src = tmp_path / "en.md"
    src.write_text("# Title\n\nFirst.\n\nSecond.\n", encoding="utf-8")
    po = tmp_path / "zh.po"
    cat = extract([Document.from_text(src.read_text(), str(src), "en")])
    entries = [e for e in cat.entries]
    entries[0] = entries[0].__class__(**{**entries[0].__dict__, "msgstr": "标题"})
    po.write_text(pofile.dumps(cat.__class__(cat.header, tuple(entries))), encoding="utf-8")
    r = cli("po", "apply", str(src), str(po))
    assert r.exit_code == 0
    assert r.stdout == "# 标题\n\nFirst.\n\nSecond.\n"
    assert f"{src}:3: untranslated paragraph, kept the source text: 'First.'" in r.stderr
    assert "1 unit translated, 2 left in the source language" in r.stderr
    assert cli("po", "apply", str(src), str(po), "--strict").exit_code == 1


def test_po_update_writes_in_place_by_default(cli, tmp_path):
    po, pot = tmp_path / "a.po", tmp_path / "a.pot"
    po.write_text('msgid ""\nmsgstr "Language: zh_Hans\\n"\n\nmsgid "Old text here."\nmsgstr "旧文本。"\n', encoding="utf-8")
    pot.write_text('msgid ""\nmsgstr ""\n\nmsgid "Old text there."\nmsgstr ""\n', encoding="utf-8")
    r = cli("po", "update", str(po), str(pot))
    assert r.exit_code == 0 and "1 fuzzy" in r.stderr
    text = po.read_text(encoding="utf-8")
    assert '#, fuzzy\n#| msgid "Old text here."\nmsgid "Old text there."\nmsgstr "旧文本。"\n' in text


@pytest.mark.parametrize(
    "args,message",
    [
        (["po", "build", "locales/en/roadmap.md", "missing.md", "--lang", "zh-Hant"], "transkit: error: missing.md: no such file\n"),
        (["po", "build", "locales/en/roadmap.md", "locales/zh-Hant/roadmap.md", "--lang", "en"], "transkit: error: --lang en: catalogs are built for zh-Hans, zh-Hant or zh-HK\n"),
        (["po", "compile", "missing.po", "-o", "x.mo"], "transkit: error: missing.po: no such file\n"),
    ],
)
def test_po_errors_are_one_line(cli, args, message):
    r = cli(*args)
    assert (r.exit_code, r.stderr) == (2, message)


def test_po_refuses_a_broken_catalog(cli, tmp_path):
    bad = tmp_path / "bad.po"
    bad.write_text('msgid "a"\nmsgstr "甲\n', encoding="utf-8")
    r = cli("po", "compile", str(bad), "-o", str(tmp_path / "x.mo"))
    assert r.exit_code == 2
    assert r.stderr == f"transkit: error: {bad}:2:8: unterminated string: a quoted string must end with \" on the same line\n"
    assert not (tmp_path / "x.mo").exists()
