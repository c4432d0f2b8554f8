"""transkit: keep English Markdown documentation and its zh-Hans / zh-Hant translations consistent."""

__version__ = "0.1.0"

# The modules setup.py compiles when it can (they are built together and call
# each other's native code, so they are used together or not at all).
COMPILED_MODULES = ("langmodel", "mojibake")


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
    """Pass over the compiled modules when ``TRANSKIT_PURE_PYTHON`` is set, or when
    any is older than its source (edited or checked out since the build):
    running stale compiled code would be wrong, running the source only slower."""
    import os
    import sys
    from _imp import extension_suffixes

    here = os.path.dirname(__file__)
    sources = {f"{__name__}.{name}": os.path.join(here, name + ".py") for name in COMPILED_MODULES}
    use_source = bool(os.environ.get("TRANSKIT_PURE_PYTHON"))
    found = False
    for name in COMPILED_MODULES:
        for suffix in extension_suffixes():
            try:
                built = os.stat(os.path.join(here, name + suffix)).st_mtime_ns
            except OSError:
                continue
            found = True
            try:
                use_source = use_source or os.stat(sources[f"{__name__}.{name}"]).st_mtime_ns > built
            except OSError:
                pass  # installed without its source
            break
    if found and use_source and all(map(os.path.exists, sources.values())):
        sys.meta_path.insert(0, _SourceFinder(sources))


_prefer_source()
