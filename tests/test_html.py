"""The side-by-side HTML report (transkit.report.html).

Unit tests parse the page with html.parser; the browser test opens the page
written by ``transkit align --format html`` in headless Chromium over the
DevTools protocol (a pipe, no extra packages), fails on any console error,
log error or exception, checks that document text stayed text, and keeps a
screenshot in tests/artifacts/.
"""

from __future__ import annotations

import base64
import io
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from transkit.align import align_documents, align_many
from transkit.diagnostics import Diagnostic, Severity
from transkit.document import Document
from transkit.report import html as html_report

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
XSS = "<img src=x onerror=alert(1)>"


class Elements(HTMLParser):
    """Collects the tags of a page and its visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> Elements:
    p = Elements()
    p.feed(page)
    return p


def render(alignments, diags=()) -> str:
    out = io.StringIO()
    html_report.render_alignment(alignments, out, list(diags))
    return out.getvalue()


SOURCE = f"""# Guide

## {XSS}

Install with `pip install transkit` and read https://example.org/install.

## Usage

Run `transkit lint docs/` before committing; see https://example.org/usage.

## Removed later

This part lists 3 options: `--select`, `--ignore` and `--fail-on`.
"""

TARGET = f"""# 指南

## {XSS}

用 `pip install transkit` 安装，并阅读 https://example.org/install。

## 译者注 <script>alert("t")</script>

本译文由社区维护，问题请到 https://example.org/zh/issues 反馈。

## 用法

提交前运行 `transkit lint docs/`，见 https://example.org/usage。
"""


def pair():
    src = Document.from_text(SOURCE, "docs/en/guide.md", "en")
    tgt = Document.from_text(TARGET, "docs/zh-Hans/guide.md", "zh-Hans")
    return src, tgt, align_documents(src, tgt)


def test_document_text_is_escaped():
    src, tgt, a = pair()
    page = render([a])
    p = parse(page)
    tags = {t for t, _ in p.tags}
    assert "img" not in tags and "script" not in tags
    text = "".join(p.text)
    assert XSS in text and '<script>alert("t")</script>' in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    # A strict policy as a second line of defence: no scripts, no outside resources.
    csp = [a for t, a in p.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]


def test_unmatched_sections_and_findings_are_marked():
    src, tgt, a = pair()
    extra = a.extra[0].target
    diag = Diagnostic("TK102", "extra-section", Severity.WARNING, tgt.path, extra.start_line, 4, "section has no counterpart", end_line=extra.start_line, end_column=7)
    page = render([a], [diag])
    p = parse(page)
    classes = [attrs.get("class", "") for _, attrs in p.tags]
    assert any("missing" in c for c in classes)  # "Removed later"
    assert any("extra" in c for c in classes)  # 译者注
    hits = [attrs for t, attrs in p.tags if "hit" in attrs.get("class", "").split()]
    assert [h["id"] for h in hits] == [f"t0-{extra.start_line}"]
    assert "TK102" in "".join(p.text) and "section has no counterpart" in "".join(p.text)
    assert "<mark>译者注</mark>" in page
    assert "section missing in this translation" in "".join(p.text)
    # Every line of both documents is shown once.
    ids = [attrs["id"] for t, attrs in p.tags if attrs.get("id", "").startswith(("s-", "t0-"))]
    assert sorted(i for i in ids if i.startswith("s-")) == sorted(f"s-{n}" for n in range(1, src.line_count + 1))
    assert sorted(i for i in ids if i.startswith("t0-")) == sorted(f"t0-{n}" for n in range(1, tgt.line_count + 1))


def test_several_translations_side_by_side():
    src = Document.from_text(SOURCE, "en.md", "en")
    hans = Document.from_text(TARGET, "zh-Hans.md", "zh-Hans")
    import opencc

    hant = Document.from_text(opencc.OpenCC("s2twp.json").convert(TARGET), "zh-Hant.md", "zh-Hant")
    page = render(align_many(src, [hans, hant]))
    p = parse(page)
    heads = [attrs for t, attrs in p.tags if t == "th"]
    assert len(heads) == 5  # source, then confidence + text for each translation
    ids = [attrs["id"] for t, attrs in p.tags if "id" in attrs]
    assert any(i.startswith("t0-") for i in ids) and any(i.startswith("t1-") for i in ids)


def test_undecodable_bytes_and_nul_do_not_break_the_page():
    src = Document.from_bytes(b"# Title\n\nbad \xff byte and \x00 nul\n", "a.md", "en")
    tgt = Document.from_text("# 标题\n\n坏字节\n", "b.md", "zh-Hans")
    page = render([align_documents(src, tgt)])
    page.encode("utf-8")  # no lone surrogates left
    assert "\ufffd" in page and "\x00" not in page


def test_lint_result_page_lists_findings_per_document():
    doc = Document.from_text("# 标题\n\n第二行 <b>\n", "x.md", "zh-Hans")
    d = Diagnostic("TK201", "replacement-character", Severity.ERROR, "x.md", 3, 1, "U+FFFD <here>")

    class Result:
        diagnostics = [d]

    out = io.StringIO()
    html_report.render(Result(), out, documents=[doc])
    page = out.getvalue()
    p = parse(page)
    assert "第二行 <b>" in "".join(p.text) and "第二行 &lt;b&gt;" in page
    assert "U+FFFD <here>" in "".join(p.text)
    assert [a["id"] for t, a in p.tags if "hit" in a.get("class", "").split()] == ["d-3"]


# --------------------------------------------------------------------------- #
# A real browser
# --------------------------------------------------------------------------- #


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


class DevTools:
    """Headless Chromium driven over --remote-debugging-pipe (fd 3 in, fd 4 out, NUL-separated JSON)."""

    def __init__(self, binary: str, profile: str) -> None:
        r_in, self._w = os.pipe()
        self._r, w_out = os.pipe()

        def child() -> None:
            os.dup2(r_in, 3)
            os.dup2(w_out, 4)

        args = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "--window-size=1400,1000",
            "about:blank",
        ]
        self.proc = subprocess.Popen(args, pass_fds=(3, 4), preexec_fn=child, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(r_in)
        os.close(w_out)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        return self._id

    def wait(self, pred, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buf:
                raw, self._buf = self._buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" not in msg:
                    self.events.append(msg)
                if pred(msg):
                    return msg
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self._r], [], [], min(left, 0.5))
            if ready:
                chunk = os.read(self._r, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self._buf += chunk

    def call(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30) -> dict:
        i = self.send(method, params, session)
        reply = self.wait(lambda m: m.get("id") == i, timeout)
        if reply is None:
            raise TimeoutError(f"no answer to {method}")
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def close(self) -> None:
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        finally:
            os.close(self._w)
            os.close(self._r)

    def problems(self) -> list[str]:
        out = []
        for e in self.events:
            method, p = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
                out.append(f"console.{p['type']}: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                out.append("exception: " + p.get("exceptionDetails", {}).get("text", ""))
            elif method == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error", "warning"):
                out.append(f"log.{p['entry']['level']}: {p['entry'].get('text', '')}")
            elif method == "Page.javascriptDialogOpening":
                out.append("dialog: " + p.get("message", ""))
        return out


@pytest.fixture
def chromium():
    binary = _chromium()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed but CI is set: .ci/run must apt-get install chromium")
        pytest.skip("chromium not installed (apt-get install -y chromium); the browser test needs it")
    return binary


def _open(binary: str, url: str, expressions: dict[str, str], screenshot: Path | None):
    with tempfile.TemporaryDirectory(prefix="transkit-chromium-") as profile:
        dt = DevTools(binary, profile)
        try:
            target = dt.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = dt.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for method in ("Runtime.enable", "Log.enable", "Page.enable"):
                dt.call(method, session=session)
            dt.call("Page.navigate", {"url": url}, session=session)
            assert dt.wait(lambda m: m.get("method") == "Page.loadEventFired", 60), "the page never finished loading"
            dt.wait(lambda m: False, 1.0)  # late console messages
            values = {}
            for name, expr in expressions.items():
                res = dt.call("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session=session)
                values[name] = res.get("result", {}).get("value")
            if screenshot is not None:
                data = dt.call("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                screenshot.write_bytes(base64.b64decode(data))
            return dt.problems(), values
        finally:
            dt.close()


def test_devtools_helper_sees_console_errors(chromium, tmp_path):
    """The browser check can fail: a page with a console error and a broken image is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text('<html><body><img src="missing.png"><script>console.error("boom")</script></body></html>')
    problems, _ = _open(chromium, bad.as_uri(), {}, None)
    assert any("boom" in p for p in problems)
    assert any("missing.png" in p or "ERR_FILE_NOT_FOUND" in p for p in problems)


def test_report_opens_in_chromium_without_console_errors(chromium, tmp_path, cli):
    src, tgt = tmp_path / "en" / "guide.md", tmp_path / "zh-Hans" / "guide.md"
    hant = tmp_path / "zh-Hant" / "guide.md"
    for path, text in ((src, SOURCE), (tgt, TARGET)):
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
    import opencc

    hant.parent.mkdir(parents=True)
    hant.write_text(opencc.OpenCC("s2twp.json").convert(TARGET), encoding="utf-8")
    out = tmp_path / "report.html"
    r = cli("align", str(src), str(tgt), str(hant), "--format", "html", "-o", str(out))
    assert r.exit_code == 0, r
    assert r.stdout == ""
    problems, values = _open(
        chromium,
        out.as_uri(),
        {
            "images": "document.querySelectorAll('img').length",
            "scripts": "document.querySelectorAll('script').length",
            "text": "document.body.innerText",
            "rows": "document.querySelectorAll('table.pairs tbody tr').length",
            "width": "document.documentElement.scrollWidth <= window.innerWidth + 1",
        },
        ARTIFACTS / "align-report.png",
    )
    assert problems == []
    assert values["images"] == 0 and values["scripts"] == 0
    assert XSS in values["text"]
    assert "missing" in values["text"] and "extra" in values["text"]
    assert values["rows"] >= 5
    assert values["width"], "the page scrolls sideways"
    assert (ARTIFACTS / "align-report.png").stat().st_size > 10_000
