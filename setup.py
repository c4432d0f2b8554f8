"""Build: the mojibake decoder compiled with mypyc, when it can be.

``transkit.mojibake`` and ``transkit.langmodel`` (the repair path: line scan,
lattice decoder, stored lexicon) are compiled from their own source into
C extensions, about 1.4 times as fast; everything else stays Python. The
compiled modules compute exactly what the source does (tests/test_compiled.py
holds them to it). When they cannot be built (no C compiler, or
``TRANSKIT_PURE_PYTHON=1`` at install time) the package installs as pure
Python and runs the same code from source.
"""

import os
import sys

from setuptools import setup

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transkit  # noqa: E402  (what to compile, and the library's name, are the package's to say)

COMPILED = [f"transkit/{name}.py" for name in transkit.COMPILED_MODULES]
GROUP = "transkit." + transkit.COMPILED_LIBRARY.removesuffix("__mypyc")


def _ext_modules() -> list:
    if os.environ.get("TRANSKIT_PURE_PYTHON"):
        return []
    try:
        from mypyc.build import mypycify

        # One shared library inside the package (an editable install maps only the package).
        exts = mypycify(COMPILED, opt_level="3", group_name=GROUP)
    except Exception as exc:  # mypyc missing or refusing the source: install pure Python
        print(f"transkit: not compiling the decoder ({exc}); installing pure Python", file=sys.stderr)
        return []
    for ext in exts:
        ext.optional = True  # no C compiler: the build goes on without it
    return exts


setup(ext_modules=_ext_modules())
