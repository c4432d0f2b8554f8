"""The compiled decoder (setup.py builds transkit.mojibake and transkit.langmodel with mypyc).

The compiled modules must compute exactly what their source computes, the
source must be used when the compiled modules are stale or
``TRANSKIT_PURE_PYTHON`` is set, and CI must really test the compiled build.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import transkit
from transkit import langmodel, mojibake

from conftest import LOCALES, ROOT, SEED_HANS

COMPILED = not mojibake.__file__.endswith(".py")
needs_compiled = pytest.mark.skipif(not COMPILED, reason="the decoder is not compiled in this installation (pure Python)")

# Repairs of damaged texts, as JSON: the text, and every choice with its exact scores.
_REPAIRS = r"""
import json, sys
from pathlib import Path
from transkit import mojibake

out = []
for path, codec, lang in json.loads(sys.argv[1]):
    text = Path(path).read_text(encoding="utf-8")
    damaged = mojibake.simulate(text, codec) if codec != "gbk" else text.encode("utf-8").decode("gbk", "surrogateescape")
    res = mojibake.repair_text(damaged, lang=lang)
    out.append({
        "file": mojibake.__file__,
        "text": res.text,
        "codec": res.codec,
        "damages": [[n, repr(d)] for n, d in res.damages],
        "choices": [[c.line, c.column, c.chosen, repr(c.confidence), [[x, repr(p)] for x, p in c.ranking.ranked]] for c in res.choices],
    })
print(json.dumps(out, ensure_ascii=False))
"""


def _repairs(cases, *, pure: bool) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if k != "TRANSKIT_PURE_PYTHON"}
    if pure:
        env["TRANSKIT_PURE_PYTHON"] = "1"
    proc = subprocess.run([sys.executable, "-c", _REPAIRS, json.dumps(cases)], capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT, check=True)
    return json.loads(proc.stdout)


@needs_compiled
def test_compiled_and_source_repair_alike():
    cases = [
        [str(LOCALES / "zh-Hant" / "roadmap.md"), "cp1254", "zh-Hant"],
        [str(LOCALES / "zh-Hans" / "roadmap.md"), "cp1252", None],
        [str(LOCALES / "zh-Hant" / "roadmap.md"), "gbk", None],
    ]
    if SEED_HANS.is_file():
        cases.append([str(SEED_HANS), "cp1254", "zh-Hans"])
    compiled, pure = _repairs(cases, pure=False), _repairs(cases, pure=True)
    assert all(not r["file"].endswith(".py") for r in compiled)
    assert all(r["file"].endswith("mojibake.py") for r in pure)
    assert sum(len(r["choices"]) for r in compiled) > 100  # the lossy cases made the model choose
    for a, b in zip(compiled, pure):
        a.pop("file"), b.pop("file")
        assert a == b


def _source_langmodel():
    """transkit.langmodel imported from its source under another name, beside the compiled one."""
    spec = importlib.util.spec_from_file_location("transkit_langmodel_source", Path(transkit.__file__).with_name("langmodel.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_SOURCE_MODEL: list = []


def _models():
    if not _SOURCE_MODEL:
        _SOURCE_MODEL.append(_source_langmodel().load("zh-Hant"))
    return langmodel.load("zh-Hant"), _SOURCE_MODEL[0]


# Characters of the roadmap sample: words the model knows, punctuation, Latin.
_CHARS = sorted(set((LOCALES / "zh-Hant" / "roadmap.md").read_text(encoding="utf-8")) - {"\n"})
_slot = st.one_of(
    st.sampled_from(_CHARS),
    st.lists(st.sampled_from(_CHARS), min_size=2, max_size=12, unique=True).map(tuple),
)


@needs_compiled
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_slot, min_size=1, max_size=30))
def test_compiled_decoder_scores_like_its_source(slots):
    compiled, source = _models()
    assert type(compiled).__module__ == "transkit.langmodel" and type(source).__module__ == "transkit_langmodel_source"
    a, b = compiled.choose(slots), source.choose(slots)
    assert sorted(a) == sorted(b)
    for i in a:
        assert a[i].cands == b[i].cands
        assert list(a[i].scores) == list(b[i].scores)  # the same floats, not merely close
        assert a[i].confidence == b[i].confidence


def test_ci_tests_the_compiled_decoder():
    """CI installs as the README says, so the build must have compiled the decoder there."""
    if not os.environ.get("CI"):
        pytest.skip("outside CI a pure-Python installation is allowed (no C compiler, TRANSKIT_PURE_PYTHON)")
    assert not os.environ.get("TRANSKIT_PURE_PYTHON")
    assert COMPILED, f"transkit.mojibake is {mojibake.__file__}: setup.py did not compile the decoder"
    assert not langmodel.__file__.endswith(".py")


# --------------------------------------------------------------------------- #
# Which module is imported: a package with stand-in modules
# --------------------------------------------------------------------------- #

_PROBE = "import transkit.langmodel as m, transkit.mojibake as k; print(m.WHO, k.WHO)"


def _package(tmp_path: Path, *, checkout: bool = True) -> Path:
    """A copy of transkit/__init__.py with stand-ins: sources that say so, and "compiled"
    files that are no extension at all (importing one fails). ``checkout``: a
    setup.py beside the package, as in a source checkout (an editable install)."""
    pkg = tmp_path / "transkit"
    pkg.mkdir()
    if checkout:
        (tmp_path / "setup.py").write_text("# a checkout\n", encoding="utf-8")
    shutil.copy(Path(transkit.__file__), pkg / "__init__.py")
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    for name in transkit.COMPILED_MODULES:
        (pkg / f"{name}.py").write_text('WHO = "source"\n', encoding="utf-8")
        (pkg / f"{name}{suffix}").write_bytes(b"not a shared object")
    (pkg / f"{transkit.COMPILED_LIBRARY}{suffix}").write_bytes(b"not a shared object either")
    return pkg


def _who(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k != "TRANSKIT_PURE_PYTHON"}
    full.update(env, PYTHONPATH=str(tmp_path))
    return subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, env=full, cwd=tmp_path)


def _touch(path: Path, when: float) -> None:
    os.utime(path, (when, when))


def test_fresh_compiled_modules_are_imported(tmp_path):
    pkg = _package(tmp_path)
    now = time.time()
    for f in pkg.iterdir():
        _touch(f, now - 100 if f.suffix == ".py" else now)
    got = _who(tmp_path)
    # The stand-in "extension" is what Python tried to load: the compiled module was preferred.
    assert got.returncode != 0 and "ImportError" in got.stderr


def test_stale_compiled_modules_are_passed_over(tmp_path):
    pkg = _package(tmp_path)
    now = time.time()
    for f in pkg.iterdir():
        _touch(f, now - 200)
    # The library rebuilt, its module stubs left as they were (a rebuild copies only what changed).
    _touch(next(pkg.glob(transkit.COMPILED_LIBRARY + ".*")), now - 100)
    got = _who(tmp_path)
    assert got.returncode != 0 and "ImportError" in got.stderr  # fresh: the compiled modules are tried
    # mojibake.py edited after the build, langmodel.py not: both come from source (they are built together).
    _touch(pkg / "mojibake.py", now)
    got = _who(tmp_path)
    assert (got.returncode, got.stdout) == (0, "source source\n"), got.stderr


def test_pure_python_switch_passes_over_fresh_compiled_modules(tmp_path):
    pkg = _package(tmp_path)
    now = time.time()
    for f in pkg.iterdir():
        _touch(f, now - 100 if f.suffix == ".py" else now)
    got = _who(tmp_path, TRANSKIT_PURE_PYTHON="1")
    assert (got.returncode, got.stdout) == (0, "source source\n"), got.stderr


def test_an_installed_package_uses_its_compiled_modules(tmp_path):
    # site-packages has no setup.py beside the package, and installing may write
    # the sources after the library: their times say nothing there.
    pkg = _package(tmp_path, checkout=False)
    now = time.time()
    for f in pkg.iterdir():
        _touch(f, now if f.suffix == ".py" else now - 100)
    got = _who(tmp_path)
    assert got.returncode != 0 and "ImportError" in got.stderr  # the compiled modules were tried
    got = _who(tmp_path, TRANSKIT_PURE_PYTHON="1")
    assert (got.returncode, got.stdout) == (0, "source source\n"), got.stderr
