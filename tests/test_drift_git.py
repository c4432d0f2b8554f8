"""Drift scenarios in real temporary git repositories with dated commits.

Each scenario builds a repository commit by commit (author and committer dates
set per commit, user configured locally), then runs ``transkit drift`` as a
user would, as a whole process, and reads its JSON report.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import run_cli

EN = """\
# Field Guide to Model Serving

This guide explains how to run a language model service in production.

## 1. Hardware

Pick a GPU with at least 24 GB of memory. The A100 and the H100 are common choices.

## 2. Quantization

Quantization stores weights in 4-bit or 8-bit form. Tools such as GPTQ and AWQ do this.

## 3. Batching

Continuous batching with vLLM keeps the GPU busy. Set `max_num_seqs` to 256.

## 4. Caching

The KV cache grows with context length. PagedAttention splits it into 16-token blocks.

## 5. Monitoring

Track latency at p50 and p99 with Prometheus. Alert when p99 passes 2 seconds.

## 6. Security

Filter prompts with a guard model. Log every request for 30 days.
"""

# Never had "6. Security"; has a glossary subsection the English lacks.
HANS = """\
# 模型服务实用指南

本指南介绍如何在生产环境中运行语言模型服务。

## 1. 硬件

选择显存至少 24 GB 的 GPU。A100 和 H100 是常见的选择。

## 2. 量化

量化以 4-bit 或 8-bit 形式存储权重。GPTQ 和 AWQ 等工具可以完成这项工作。

### 术语对照

- 量化：quantization
- 批处理：batching

## 3. 批处理

使用 vLLM 的连续批处理能让 GPU 保持忙碌。将 `max_num_seqs` 设为 256。

## 4. 缓存

KV 缓存随上下文长度增长。PagedAttention 把它切分成 16 个 token 的块。

## 5. 监控

用 Prometheus 跟踪 p50 和 p99 延迟。当 p99 超过 2 秒时发出告警。
"""

TITLES = ["Field Guide to Model Serving", "1. Hardware", "2. Quantization", "3. Batching", "4. Caching", "5. Monitoring", "6. Security"]


class GitScenario:
    """A throwaway repository whose commits carry the dates a scenario asks for."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q")
        self.git("config", "user.name", "Drift Tester")
        self.git("config", "user.email", "drift@example.org")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, env: dict | None = None) -> str:
        proc = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True, env={**os.environ, **(env or {})})
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def commit(self, message: str, date: str) -> str:
        stamp = f"{date}T12:00:00+00:00"
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
        return self.git("rev-parse", "HEAD").strip()

    def drift(self, *args: str, files: bool = True):
        """Run ``transkit drift --format json`` in the repository; returns (result, {title: status})."""
        argv = ["drift", "--format", "json", *args]
        if files:
            argv += ["en/guide.md", "zh-Hans/guide.md"]
        res = run_cli(*argv, cwd=self.root)
        assert res.exit_code in (0, 1), res
        data = json.loads(res.stdout)
        return res, data


def statuses(data: dict, lang: str = "zh-Hans") -> dict[str, str]:
    return {s["title"]: s["status"] for s in data["sections"] if s["lang"] == lang}


@pytest.fixture
def repo(tmp_path) -> GitScenario:
    """English and zh-Hans committed on 2024-01-01, the translation in step with the English."""
    g = GitScenario(tmp_path / "repo")
    g.write("en/guide.md", EN)
    g.write("zh-Hans/guide.md", HANS)
    g.commit("Add the guide and its translation", "2024-01-01")
    return g


def _three_english_changes(g: GitScenario) -> None:
    g.edit("en/guide.md", "Tools such as GPTQ and AWQ do this.", "Tools such as GPTQ, AWQ and bitsandbytes do this for you.")
    g.edit("en/guide.md", "keeps the GPU busy", "keeps the GPU occupied")  # a single word
    g.edit("en/guide.md", "Alert when p99 passes 2 seconds.", "Alert when p99 passes 2 seconds.\nKeep the dashboards for a year.")
    g.commit("Update the guide", "2024-02-01")


def test_fresh_translation_is_in_step_except_missing_and_extra(repo):
    res, data = repo.drift()
    st = statuses(data)
    assert st == {
        "Field Guide to Model Serving": "ok",
        "1. Hardware": "ok",
        "2. Quantization": "ok",
        "术语对照": "extra",
        "3. Batching": "ok",
        "4. Caching": "ok",
        "5. Monitoring": "ok",
        "6. Security": "missing",
    }
    assert res.exit_code == 1  # missing and extra fail by default
    assert run_cli("drift", "--fail-on", "outdated", "en/guide.md", "zh-Hans/guide.md", cwd=repo.root).exit_code == 0


def test_three_english_changes_make_exactly_those_three_outdated(repo):
    _three_english_changes(repo)
    res, data = repo.drift()
    st = statuses(data)
    outdated = sorted(t for t, s in st.items() if s == "outdated")
    assert outdated == ["2. Quantization", "3. Batching", "5. Monitoring"]
    assert st["6. Security"] == "missing"
    assert st["术语对照"] == "extra"
    assert [t for t, s in st.items() if s == "ok"] == ["Field Guide to Model Serving", "1. Hardware", "4. Caching"]
    row = next(s for s in data["sections"] if s["title"] == "3. Batching")
    assert row == {
        "title": "3. Batching",
        "source_line": 13,
        "translation": "zh-Hans/guide.md",
        "lang": "zh-Hans",
        "status": "outdated",
        "source_changed": "2024-02-01T12:00:00Z",
        "translation_changed": "2024-01-01T12:00:00Z",
    }
    zh = data["summary"]["languages"]["zh-Hans"]
    assert (zh["sections"], zh["ok"], zh["outdated"], zh["missing"], zh["extra"]) == (7, 3, 3, 1, 1)
    assert zh["percent"] == {"ok": 42.9, "outdated": 42.9, "missing": 14.3, "untranslated": 0.0}
    assert res.exit_code == 1
    assert run_cli("drift", "--fail-on", "untranslated,diverged", "en/guide.md", "zh-Hans/guide.md", cwd=repo.root).exit_code == 0


def test_text_report_shows_the_english_diff_since_the_translation(repo):
    _three_english_changes(repo)
    res = run_cli("drift", "en/guide.md", "zh-Hans/guide.md", cwd=repo.root)
    assert res.exit_code == 1
    out = res.stdout
    assert "zh-Hans/guide.md:18: outdated     3. Batching  [en/guide.md:13]" in out
    assert "-Continuous batching with vLLM keeps the GPU busy. Set `max_num_seqs` to 256." in out
    assert "+Continuous batching with vLLM keeps the GPU occupied. Set `max_num_seqs` to 256." in out
    assert "+Keep the dashboards for a year." in out
    # The unchanged sections contribute no diff.
    assert "PagedAttention" not in out
    assert "zh-Hans: 7 sections in 1 file, 42.9% ok, 42.9% outdated, 14.3% missing; 1 extra" in out


def test_translation_catching_up_on_one_section_makes_it_ok_again(repo):
    _three_english_changes(repo)
    repo.edit("zh-Hans/guide.md", "能让 GPU 保持忙碌", "能让 GPU 一直处于占用状态")
    repo.commit("zh-Hans: catch up with batching", "2024-03-01")
    _, data = repo.drift()
    st = statuses(data)
    assert st["3. Batching"] == "ok"
    assert sorted(t for t, s in st.items() if s == "outdated") == ["2. Quantization", "5. Monitoring"]
    row = next(s for s in data["sections"] if s["title"] == "3. Batching")
    assert row["translation_changed"] == "2024-03-01T12:00:00Z"


def test_typo_fix_with_the_ack_trailer_is_ok_and_without_it_is_outdated(repo):
    repo.edit("en/guide.md", "at least 24 GB of memory", "at least 24 GB of video memory")
    repo.edit("en/guide.md", "PagedAttention splits it into", "PagedAttention splits it in to")
    repo.commit("Fix two typos\n\nTranskit-Ack: typo", "2024-02-01")
    repo.edit("en/guide.md", "keeps the GPU busy", "keeps the GPUs busy")
    repo.commit("Fix a typo (no trailer)", "2024-02-02")
    _, data = repo.drift()
    st = statuses(data)
    assert st["1. Hardware"] == "ok"
    assert st["4. Caching"] == "ok"
    assert st["3. Batching"] == "outdated"


def test_a_real_change_after_an_acknowledged_typo_is_outdated(repo):
    repo.edit("en/guide.md", "at least 24 GB of memory", "at least 24 GB of video memory")
    repo.commit("Typo\n\nTranskit-Ack: typo", "2024-02-01")
    repo.edit("en/guide.md", "The A100 and the H100 are common choices.", "The A100, the H100 and the L40S are common choices.")
    repo.commit("Add the L40S", "2024-02-02")
    _, data = repo.drift()
    assert statuses(data)["1. Hardware"] == "outdated"


def test_ack_option_accepts_a_changed_section_until_it_changes_again(repo):
    repo.edit("en/guide.md", "splits it into 16-token blocks", "splits it into 16-token pages")
    repo.commit("Reword caching", "2024-02-01")
    _, data = repo.drift()
    assert statuses(data)["4. Caching"] == "outdated"

    res = run_cli("drift", "--ack", "Caching", "en/guide.md", "zh-Hans/guide.md", cwd=repo.root)
    assert "1 section written to" in res.stderr
    lock = json.loads((repo.root / ".transkit.lock").read_text(encoding="utf-8"))
    entry = lock["drift"]["zh-Hans/guide.md"]
    assert entry["baseline"] == "git" and list(entry["sections"]) == ["field-guide-to-model-serving/caching"]
    _, data = repo.drift()
    st = statuses(data)
    assert st["4. Caching"] == "ok"
    assert st["1. Hardware"] == "ok"  # an acknowledgement does not turn on lock mode

    repo.edit("en/guide.md", "The KV cache grows", "The KV cache grows linearly")
    repo.commit("Caching again", "2024-03-01")
    _, data = repo.drift()
    assert statuses(data)["4. Caching"] == "outdated"


def test_ack_of_an_unknown_section_is_a_usage_error(repo):
    res = run_cli("drift", "--ack", "Nonexistent heading", "en/guide.md", "zh-Hans/guide.md", cwd=repo.root)
    assert res.exit_code == 2
    assert res.stderr.startswith("transkit: error: --ack 'Nonexistent heading': no source section")
    assert not (repo.root / ".transkit.lock").exists()


def test_lock_mode_record_then_change_then_ack(repo):
    res = run_cli("drift", "--record", "en/guide.md", "zh-Hans/guide.md", cwd=repo.root)
    assert "6 sections written" in res.stderr
    lock_text = (repo.root / ".transkit.lock").read_text(encoding="utf-8")
    lock = json.loads(lock_text)
    assert lock["drift"]["zh-Hans/guide.md"]["baseline"] == "lock"
    assert lock["transkit-lock"] == 1
    # Moving the translation's git history does not matter in lock mode: only fingerprints do.
    repo.edit("en/guide.md", "keeps the GPU busy", "keeps the GPU occupied")
    repo.edit("en/guide.md", "Track latency", "Track request latency")
    repo.commit("Edit", "2020-01-01")  # dated before the translation: git mode would call it ok
    _, data = repo.drift()
    st = statuses(data)
    assert sorted(t for t, s in st.items() if s == "outdated") == ["3. Batching", "5. Monitoring"]

    run_cli("drift", "--ack", "3. Batching", "en/guide.md", "zh-Hans/guide.md", cwd=repo.root)
    _, data = repo.drift()
    st = statuses(data)
    assert st["3. Batching"] == "ok" and st["5. Monitoring"] == "outdated"

    run_cli("drift", "--record", "en/guide.md", "zh-Hans/guide.md", cwd=repo.root)
    _, data = repo.drift()
    assert "outdated" not in statuses(data).values()


def test_lock_mode_honours_the_typo_trailer(repo):
    run_cli("drift", "--record", "en/guide.md", "zh-Hans/guide.md", cwd=repo.root)
    repo.commit("Record drift baseline", "2024-01-02")
    repo.edit("en/guide.md", "at least 24 GB of memory", "at least 24 GB of video memory")
    repo.commit("Typo\n\nTranskit-Ack: typo", "2024-02-01")
    repo.edit("en/guide.md", "Track latency", "Track request latency")
    repo.commit("Monitoring", "2024-02-02")
    _, data = repo.drift()
    st = statuses(data)
    assert st["1. Hardware"] == "ok"
    assert st["5. Monitoring"] == "outdated"


def test_deleted_lines_outdate_a_section_although_blame_cannot_see_them(repo):
    repo.edit("en/guide.md", "Alert when p99 passes 2 seconds.", "Alert when p99 passes 2 seconds.\n\nExport traces to Jaeger.")
    repo.edit("zh-Hans/guide.md", "当 p99 超过 2 秒时发出告警。", "当 p99 超过 2 秒时发出告警。\n\n把追踪数据导出到 Jaeger。")
    repo.commit("Tracing, in both languages", "2024-02-01")
    repo.edit("en/guide.md", "\n\nExport traces to Jaeger.", "")
    repo.commit("Drop tracing", "2024-03-01")
    _, data = repo.drift()
    st = statuses(data)
    assert st["5. Monitoring"] == "outdated"
    assert [t for t, s in st.items() if s == "outdated"] == ["5. Monitoring"]


def test_renumbering_upstream_leaves_sections_ok_and_reports_the_new_one(repo):
    repo.edit("en/guide.md", "## 2. Quantization", "## 2. Distillation\n\nDistillation trains a small student from a large teacher model's outputs.\n\n## 3. Quantization")
    for old, new in (("## 3. Batching", "## 4. Batching"), ("## 4. Caching", "## 5. Caching"), ("## 5. Monitoring", "## 6. Monitoring"), ("## 6. Security", "## 7. Security")):
        repo.edit("en/guide.md", old, new)
    repo.commit("Add distillation", "2024-02-01")
    _, data = repo.drift()
    st = statuses(data)
    assert st["2. Distillation"] == "missing"
    assert st["3. Quantization"] == "ok"
    assert st["6. Monitoring"] == "ok"
    assert "outdated" not in st.values()


def test_uncommitted_english_edit_is_outdated_for_pre_commit(repo):
    repo.edit("en/guide.md", "keeps the GPU busy", "keeps every GPU busy")
    _, data = repo.drift()
    row = next(s for s in data["sections"] if s["title"] == "3. Batching")
    assert row["status"] == "outdated"
    # Uncommitted work is dated now, which is after the translation.
    assert row["source_changed"] > "2024-01-01T12:00:00Z"


def test_untranslated_section_is_reported(repo):
    repo.edit("zh-Hans/guide.md", "KV 缓存随上下文长度增长。PagedAttention 把它切分成 16 个 token 的块。", "The KV cache grows with context length. PagedAttention splits it into 16-token blocks.")
    repo.commit("Paste English", "2024-02-01")
    res, data = repo.drift("--fail-on", "untranslated")
    assert statuses(data)["4. Caching"] == "untranslated"
    assert res.exit_code == 1


def test_without_files_sets_come_from_the_config_and_changed_only_limits_them(repo):
    repo.write("transkit.toml", 'documents = ["{lang}/**/*.md"]\n')
    repo.write("en/other.md", "# Other page\n\nA second page about GPUs and the H100.\n")
    repo.write("zh-Hans/other.md", "# 另一页\n\n关于 GPU 和 H100 的第二个页面。\n")
    repo.commit("Second page", "2024-01-05")
    _three_english_changes(repo)

    _, data = repo.drift(files=False)
    assert {s["translation"] for s in data["sections"]} == {"zh-Hans/guide.md", "zh-Hans/other.md"}

    # Nothing staged: nothing to look at, and nothing fails.
    res, data = repo.drift("--changed-only", files=False)
    assert data["sections"] == [] and res.exit_code == 0

    repo.edit("zh-Hans/other.md", "第二个页面", "第二页")
    repo.git("add", "zh-Hans/other.md")
    res, data = repo.drift("--changed-only", files=False)
    assert {s["translation"] for s in data["sections"]} == {"zh-Hans/other.md"}
    assert res.exit_code == 0

    # Files given with --changed-only are the changed files (what pre-commit passes).
    res, data = repo.drift("--changed-only", "en/guide.md", files=False)
    assert {s["translation"] for s in data["sections"]} == {"zh-Hans/guide.md"}
    assert res.exit_code == 1


def test_markdown_sarif_and_github_formats(repo):
    _three_english_changes(repo)
    md = run_cli("drift", "--format", "markdown", "en/guide.md", "zh-Hans/guide.md", cwd=repo.root)
    assert md.exit_code == 1
    assert "| zh-Hans | 7 | 42.9% | 42.9% | 14.3% | 0% | 1 |" in md.stdout
    assert "| outdated | 3. Batching | `en/guide.md:13` | 2024-02-01 | 2024-01-01 |" in md.stdout
    assert "<details><summary>English changes in 3. Batching since 2024-01-01</summary>" in md.stdout
    assert "```diff\n" in md.stdout

    sarif = run_cli("drift", "--format", "sarif", "en/guide.md", "zh-Hans/guide.md", cwd=repo.root)
    doc = json.loads(sarif.stdout)
    results = doc["runs"][0]["results"]
    assert sorted({r["ruleId"] for r in results}) == ["TK321", "TK322", "TK323"]
    missing = next(r for r in results if r["ruleId"] == "TK322")
    assert missing["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 26

    gh = run_cli("drift", "--format", "github", "en/guide.md", "zh-Hans/guide.md", cwd=repo.root)
    lines = gh.stdout.splitlines()
    assert len(lines) == 5
    assert lines[0].startswith("::warning file=zh-Hans/guide.md,line=9,col=1,title=TK321 drift-outdated::section '2. Quantization' is outdated")


def test_usage_errors_exit_2(repo):
    assert run_cli("drift", "en/guide.md", cwd=repo.root).exit_code == 2
    assert run_cli("drift", "en/guide.md", "zh-Hans/nope.md", cwd=repo.root).exit_code == 2
    res = run_cli("drift", "--fail-on", "stale", "en/guide.md", "zh-Hans/guide.md", cwd=repo.root)
    assert res.exit_code == 2 and "unknown status 'stale'" in res.stderr
    (repo.root / ".transkit.lock").write_text("{not json", encoding="utf-8")
    res = run_cli("drift", "en/guide.md", "zh-Hans/guide.md", cwd=repo.root)
    assert res.exit_code == 2 and ".transkit.lock:1: the lock file is not valid JSON" in res.stderr
    assert "Traceback" not in res.stderr


def test_outside_git_without_lock_only_presence_is_judged(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "zh-Hans").mkdir()
    (tmp_path / "en" / "guide.md").write_text(EN, encoding="utf-8")
    (tmp_path / "zh-Hans" / "guide.md").write_text(HANS, encoding="utf-8")
    res = run_cli("drift", "--format", "json", "en/guide.md", "zh-Hans/guide.md", cwd=tmp_path)
    st = statuses(json.loads(res.stdout))
    assert st["6. Security"] == "missing" and st["2. Quantization"] == "ok"
    gh = run_cli("drift", "--format", "github", "en/guide.md", "zh-Hans/guide.md", cwd=tmp_path)
    assert "TK320 drift-no-baseline" in gh.stdout


def test_sibling_drift_between_zh_hans_and_zh_hant(repo):
    import opencc

    hant = opencc.OpenCC("s2twp.json").convert(HANS)
    # A Taiwan reviewer's hand edit: small, tolerated.
    hant = hant.replace("是常見的選擇", "是很常用的選擇")
    repo.write("zh-Hant/guide.md", hant)
    repo.commit("zh-Hant from zh-Hans", "2024-01-02")
    files = ["en/guide.md", "zh-Hans/guide.md", "zh-Hant/guide.md"]
    res, data = repo.drift("--fail-on", "diverged", *files, files=False)
    assert [s["status"] for s in data["siblings"]] == ["ok"] * 7
    assert res.exit_code == 0
    assert list(statuses(data, "zh-Hant").values()) == list(statuses(data, "zh-Hans").values())

    # zh-Hans gains a paragraph that never reaches zh-Hant.
    repo.edit("zh-Hans/guide.md", "当 p99 超过 2 秒时发出告警。", "当 p99 超过 2 秒时发出告警。\n\n仪表盘数据至少保留一年，以便比较不同版本之间的延迟变化。")
    repo.commit("zh-Hans: dashboards", "2024-02-01")
    res, data = repo.drift("--fail-on", "diverged", *files, files=False)
    diverged = [s for s in data["siblings"] if s["status"] == "diverged"]
    assert [(s["title"], s["hans"], s["hant"], s["lang"]) for s in diverged] == [("5. 监控", "zh-Hans/guide.md", "zh-Hant/guide.md", "zh-Hant")]
    assert res.exit_code == 1
    gh = run_cli("drift", "--format", "github", *files, cwd=repo.root)
    assert any(line.startswith("::warning file=zh-Hant/guide.md,line=26,col=1,title=TK325 drift-sibling-diverged::section '5. 監控' no longer corresponds to zh-Hans/guide.md") for line in gh.stdout.splitlines()), gh.stdout


def test_each_file_is_blamed_once_and_loose_objects_are_packed_aside(repo, monkeypatch, tmp_path):
    import tempfile

    from transkit import drift

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    from transkit.config import Config

    _three_english_changes(repo)
    import opencc

    repo.write("zh-Hant/guide.md", opencc.OpenCC("s2twp.json").convert(HANS))
    repo.commit("zh-Hant", "2024-02-02")
    calls: list[str] = []
    real_blame = drift.GitRepo.blame

    def spy(self, path, ignore_revs_file=None):
        calls.append(Path(path).name + ("+ack" if ignore_revs_file else "") + "@" + path.parent.name)
        assert "GIT_ALTERNATE_OBJECT_DIRECTORIES" in self._env
        return real_blame(self, path, ignore_revs_file)

    monkeypatch.setattr(drift.GitRepo, "blame", spy)
    monkeypatch.setattr(drift, "LOOSE_PACK_MIN", 1)
    monkeypatch.setattr(drift, "LOOSE_PACK_FILES", 1)
    root = repo.root
    sets = [drift.DriftSet(root / "en/guide.md", (("zh-Hans", root / "zh-Hans/guide.md"), ("zh-Hant", root / "zh-Hant/guide.md")))]
    repo.write("ack.txt", "")
    repo.commit("Marker\n\nTranskit-Ack: typo", "2024-02-03")  # so the source blame gets an ignore file
    report = drift.run_drift(Config(root=root), sets)
    assert sorted(calls) == ["guide.md+ack@en", "guide.md@zh-Hans", "guide.md@zh-Hant"]
    assert sorted(s.title for s in report.sections if s.status is drift.Status.OUTDATED and s.lang == "zh-Hans") == ["2. Quantization", "3. Batching", "5. Monitoring"]
    # The temporary pack is gone and the repository was not repacked.
    assert list(scratch.iterdir()) == []
    assert not list((root / ".git" / "objects" / "pack").glob("*.pack"))


def test_ack_naming_two_sections_of_one_file_asks_for_a_key(repo):
    repo.edit("en/guide.md", "## 6. Security", "## 6. Caching")
    repo.commit("Two headings alike", "2024-02-01")
    res = run_cli("drift", "--ack", "Caching", "en/guide.md", "zh-Hans/guide.md", cwd=repo.root)
    assert res.exit_code == 2
    assert "several sections match; name one by key: field-guide-to-model-serving/caching, field-guide-to-model-serving/caching~2" in res.stderr
    res = run_cli("drift", "--ack", "en/guide.md:17", "en/guide.md", "zh-Hans/guide.md", cwd=repo.root)
    assert "1 section written" in res.stderr


def test_a_repository_without_a_commit_has_every_line_uncommitted(tmp_path):
    g = GitScenario(tmp_path / "unborn")
    g.write("en/guide.md", EN)
    g.write("zh-Hans/guide.md", HANS)
    res, data = g.drift()
    assert res.exit_code in (0, 1) and "no such ref" not in res.stderr, res
    assert set(statuses(data).values()) <= {"ok", "missing", "extra"}
