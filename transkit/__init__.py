"""transkit: keep English Markdown documentation and its zh-Hans / zh-Hant translations consistent."""

__version__ = "0.1.0"

# The modules setup.py compiles when it can. They are built together into one
# library (the modules themselves are stubs that load it) and call each other's
# native code, so they are used together or not at all.
COMPILED_MODULES = ("langmodel", "mojibake")
COMPILED_LIBRARY = "_compiled__mypyc"


class _SourceFinder:
    """Imports the compiled modules from their source (a meta path finder)."""

    def __init__(self, sources: dict[str, str]) -> None:
        self.sources = sources

    def find_spec(self, fullname, path=None, target=None):
        src = self.sources.get(fullname)
        if src is None:
            return None
        from importlib.util import spec_from_file_location

        return spec_from_file_location(fullname, src)


def _prefer_source() -> None:
    """Pass over the compiled modules when ``TRANSKIT_PURE_PYTHON`` is set, or, in
    a source checkout (an editable install: ``setup.py`` beside the package), when
    any source is newer than the compiled library (edited or checked out since
    the build): running stale compiled code would be wrong, the source only
    slower. An installed package is used as it was built."""
    import os
    import sys
    from _imp import extension_suffixes

    here = os.path.dirname(__file__)
    for suffix in extension_suffixes():
        try:
            built = os.stat(os.path.join(here, COMPILED_LIBRARY + suffix)).st_mtime_ns
        except OSError:
            continue
        break
    else:
        return  # pure Python: nothing compiled
    sources = {f"{__name__}.{name}": os.path.join(here, name + ".py") for name in COMPILED_MODULES}
    use_source = bool(os.environ.get("TRANSKIT_PURE_PYTHON"))
    try:
        if not use_source and os.path.exists(os.path.join(os.path.dirname(here), "setup.py")):
            use_source = any(os.stat(src).st_mtime_ns > built for src in sources.values())
        if use_source and not all(map(os.path.exists, sources.values())):
            return  # installed without its source: the compiled modules are all there is
    except OSError:
        return
    if use_source:
        sys.meta_path.insert(0, _SourceFinder(sources))


_prefer_source()
