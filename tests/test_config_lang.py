"""Configuration loading and validation; language tags, paths and guesses."""

from __future__ import annotations

import doctest

import re

import pytest

import transkit.lang as lang_module
from transkit import lang
from transkit.config import Config, load_config, parse_config
from transkit.diagnostics import Severity
from transkit.errors import ConfigError


def test_lang_doctests():
    assert doctest.testmod(lang_module).failed == 0


@pytest.mark.parametrize(
    "path,expected",
    [
        ("locales/zh-Hans/a.md", "zh-Hans"),
        ("docs/zh_Hant/a.md", "zh-Hant"),
        ("README.zh-TW.md", "zh-Hant"),
        ("README.zh-CN.md", "zh-Hans"),
        ("README.zh-HK.md", "zh-HK"),
        ("i18n/en/docs/intro.md", "en"),
        ("zh-Hans/README.zh-TW.md", "zh-Hant"),
        ("docs/intro.md", None),
        ("docs/zhuyin.md", None),
        ("docs/often.md", None),
    ],
)
def test_language_from_path(path, expected):
    assert lang.from_path(path) == expected


def test_guess_from_content():
    assert lang.guess("這是一個繁體中文的檔案，說明資料庫與軟體。").lang == "zh-Hant"
    assert lang.guess("这是一个简体中文的文件，说明数据库与软件。").lang == "zh-Hans"
    assert lang.guess("This is an English document about quantization.").lang == "en"
    g = lang.guess("中文")  # no distinguishing characters: low confidence
    assert g.confidence < 0.5


def test_unknown_chinese_tag_is_an_error():
    with pytest.raises(ValueError, match="unknown Chinese language tag"):
        lang.normalize("zh-XX")


def test_walks_up_to_transkit_toml(tmp_path):
    (tmp_path / "transkit.toml").write_text('languages = ["en", "zh-TW"]\nfail-on = "error"\n', encoding="utf-8")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    cfg = load_config(deep)
    assert cfg.path == tmp_path / "transkit.toml"
    assert cfg.languages == ("en", "zh-Hant") and cfg.fail_on is Severity.ERROR
    assert cfg.root == tmp_path.resolve()


def test_pyproject_tool_section(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.transkit]\nignore = ["TK3"]\n', encoding="utf-8")
    cfg = load_config(tmp_path)
    assert cfg.ignore == ("TK3",)


def test_pyproject_without_tool_section_is_skipped(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    cfg = load_config(tmp_path)
    assert cfg.path is None and cfg == Config(root=tmp_path.resolve())


@pytest.mark.parametrize(
    "data,message",
    [
        ({"languges": ["en"]}, "unknown key 'languges' (did you mean 'languages'?)"),
        ({"fail-on": "fatal"}, "fail-on: unknown severity 'fatal'"),
        ({"select": ["TK999"]}, "select: unknown check selector 'TK999'"),
        ({"opencc": {"zh-Hant": "s2hk"}}, "opencc.zh-Hant: 's2hk' is not a configuration for zh-Hant"),
        ({"source": 3}, "source: expected a language tag"),
        ({"languages": "zh-XX"}, "unknown Chinese language tag"),
        ({"checks": {"untranslated-lines": {}}}, "checks.untranslated-lines: unknown check (did you mean 'untranslated-line'?)"),
        ({"checks": {"untranslated-line": {"min-word": 2}}}, "checks.untranslated-line.min-word: unknown option (did you mean 'min-words'?)"),
        ({"per-file-ignores": {"*.md": ["nope"]}}, "per-file-ignores.*.md: unknown check selector 'nope'"),
        ({"jobs": -1}, "jobs: expected a whole number"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path, data, message):
    with pytest.raises(ConfigError) as exc:
        parse_config(data, path=tmp_path / "transkit.toml")
    assert str(exc.value).startswith(str(tmp_path / "transkit.toml") + ": ")
    assert message in str(exc.value)


def test_invalid_toml(tmp_path):
    p = tmp_path / "transkit.toml"
    p.write_text("source = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(tmp_path)


def test_per_file_ignores_and_check_options(tmp_path):
    cfg = parse_config({"per-file-ignores": {"legacy/*.md": ["TK3"]}, "checks": {"untranslated-line": {"min-words": 5}}}, path=tmp_path / "transkit.toml")
    assert cfg.ignored_for(str(tmp_path / "legacy" / "a.md")) == ("TK3",)
    assert cfg.ignored_for(str(tmp_path / "a.md")) == ()
    assert cfg.options_for("untranslated-line") == {"min-words": 5}


def test_opencc_default_is_taiwan_phrasing():
    assert Config().opencc_for("zh-Hant") == "s2twp"
    assert Config().opencc_for("zh-HK") == "s2hk"


def test_toml_nested_too_deeply_is_a_config_error(tmp_path):
    p = tmp_path / "transkit.toml"
    p.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML: arrays or tables nested too deeply"):
        load_config(tmp_path)


@pytest.mark.parametrize(
    "body,message",
    [
        # Document patterns
        ('documents = [""]\n', "documents: an empty pattern"),
        ('exclude = [" "]\n', "exclude: an empty pattern"),
        ('documents = ["/etc/*.md"]\n', "'/etc/*.md': patterns are relative to the project root"),
        ('documents = ["locales/{lang}/a**b/*.md"]\n', "** must be a whole path component"),
        ('documents = ["{lang}/{lang}/*.md"]\n', "{lang} may appear once"),
        # Check options: each must match the type of its default
        ('[checks.untranslated-line]\nmin-words = "three"\n', "checks.untranslated-line.min-words: 'three': expected a whole number >= 0"),
        ("[checks.untranslated-line]\nmin-words = -5\n", "min-words: -5: expected a whole number >= 0"),
        ("[checks.link-targets]\nmax-listed = true\n", "max-listed: True: expected a whole number >= 0"),
        ('[checks.heading-level]\nallow-shift = "maybe"\n', "allow-shift: 'maybe': expected true or false"),
        ("[checks.missing-term]\nmin-confidence = 2\n", "min-confidence: 2: expected a number between 0 and 1"),
        ('[checks.quote-style]\nzh-Hant = ["「」"]\n', "checks.quote-style.zh-Hant: ['「」']: expected one of '“”', '「」', 'any'"),
    ],
)
def test_bad_settings_are_refused_when_the_config_loads(tmp_path, body, message):
    (tmp_path / "transkit.toml").write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(tmp_path)


def test_pyproject_shapes_and_encodings(tmp_path):
    py = tmp_path / "pyproject.toml"
    py.write_text("[tool]\ntranskit = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="tool.transkit: expected a table"):
        load_config(tmp_path)
    py.write_text("tool = 5\n", encoding="utf-8")
    assert load_config(tmp_path).path is None  # not a transkit configuration
    # A broken pyproject.toml that holds [tool.transkit] is reported, not skipped with its settings.
    py.write_text('[tool.transkit]\nsource = "en"\n[broken\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(tmp_path)
    py.unlink()
    (tmp_path / "transkit.toml").write_bytes(b'source = "\xff"\n')
    with pytest.raises(ConfigError, match=r"transkit.toml: not UTF-8 \(byte 10\)"):
        load_config(tmp_path)


def test_good_check_options_load(tmp_path):
    (tmp_path / "transkit.toml").write_text('[checks.quote-style]\nzh-Hant = "any"\n[checks.heading-level]\nallow-shift = true\n', encoding="utf-8")
    cfg = load_config(tmp_path)
    assert cfg.options_for("quote-style")["zh-Hant"] == "any" and cfg.options_for("heading-level")["allow-shift"] is True


@pytest.mark.parametrize("tag", ["klingon", "x", "xx-YY-ZZ-QQQQQQQQQ", "e n", "fr!"])
def test_malformed_language_tags_are_refused(tag, tmp_path):
    with pytest.raises(ValueError, match="is not a language tag"):
        lang.normalize(tag)
    (tmp_path / "transkit.toml").write_text(f'source = "{tag}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="source: .* is not a language tag"):
        load_config(tmp_path)


@pytest.mark.parametrize("tag,want", [("fr", "fr"), ("pt-BR", "pt-br"), ("tlh", "tlh"), ("de-CH-1996", "de-ch-1996"), ("zh_TW", "zh-Hant")])
def test_well_formed_language_tags_pass(tag, want):
    assert lang.normalize(tag) == want
