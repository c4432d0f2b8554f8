"""A content-hash cache of per-file lint results, in the user's cache directory.

An entry is keyed by everything its findings depend on: the file's bytes, the
path it is reported under, its language, the selected checks, the source
document for pair checks, the configuration, the glossary files' bytes and the
transkit version. Change any of them and the file is checked again, so a cache
hit never hides a finding.

The directory is ``$TRANSKIT_CACHE_DIR``, else the platform's user cache
directory (``~/.cache/transkit`` on Linux). ``--no-cache`` or
``TRANSKIT_NO_CACHE=1`` turns the cache off.

Entries are :mod:`marshal` data (tuples, dicts, strings, numbers): the fastest
format the standard library reads, and one that cannot run code when loaded.
Besides one entry per file, a run over many files keeps one entry for the
whole run, so an unchanged tree is answered by reading one file (see
``transkit.lint.Runner``); the per-file keys inside it still name each file's
content, so an edited file is never served from it.
"""

from __future__ import annotations

import os
from pathlib import Path

import transkit

try:  # hashlib's own blake2b, without the 3 ms hashlib spends loading OpenSSL at import
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

_FORMAT = "2"  # 2: marshal entries under lint/ (1 was one JSON file per entry)


def cache_dir() -> Path:
    explicit = os.environ.get("TRANSKIT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "transkit"
    if os.name == "posix" and not os.environ.get("TRANSKIT_PLATFORMDIRS"):
        return Path.home() / ".cache" / "transkit"
    import platformdirs

    return Path(platformdirs.user_cache_dir("transkit"))


def enabled(flag: bool = True) -> bool:
    return flag and not os.environ.get("TRANSKIT_NO_CACHE")


def digest(*parts: bytes | str) -> str:
    h = blake2b(digest_size=20)
    for p in parts:
        b = p.encode("utf-8", "surrogateescape") if isinstance(p, str) else p
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


def content_digest(data: bytes) -> bytes:
    """The digest of a file's bytes, for its cache key.

    SHA-256 rather than :func:`digest`'s BLAKE2b: OpenSSL computes it with the
    CPU's SHA instructions, five times faster (6 ms for a 10 MB tree here, not
    34 ms), which an unchanged tree run spends on little else. Loading OpenSSL
    costs about 3 ms, paid only by runs that use the cache.
    """
    from hashlib import sha256

    return sha256(data).digest()


def run_key(config_fingerprint: str, glossary_fingerprint: str, checks: list[str], extra: str = "") -> str:
    """The part of every key shared by a whole run."""
    return digest(_FORMAT, transkit.__version__, config_fingerprint, glossary_fingerprint, ",".join(sorted(checks)), extra)


class Cache:
    """Reads and writes marshal entries under ``root/lint``; every failure is a miss, never an error."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or cache_dir()) / "lint"
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> str:
        return os.path.join(self.root, key[:2], key[2:])

    def get(self, key: str) -> object | None:
        import marshal

        try:
            with open(self._path(key), "rb") as fh:
                value = marshal.loads(fh.read())
        except (OSError, ValueError, EOFError, TypeError):  # missing, unreadable, truncated or foreign
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: object) -> None:
        """Store ``value`` (core types only); written to a temporary file and renamed, so readers never see half an entry."""
        import marshal

        path = self._path(key)
        try:
            data = marshal.dumps(value)
        except ValueError:  # an object marshal cannot store (a check put one in its data): not cached
            return
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            try:
                fh = open(tmp, "wb")
            except FileNotFoundError:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                fh = open(tmp, "wb")
            with fh:
                fh.write(data)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only or full cache directory only costs speed
