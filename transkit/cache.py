"""A content-hash cache of per-file lint results, in the user's cache directory.

An entry is keyed by everything its findings depend on: the file's bytes, the
path it is reported under, its language, the selected checks, the source
document for pair checks, the configuration, the glossary files' bytes and the
transkit version. Change any of them and the file is checked again, so a cache
hit never hides a finding.

The directory is ``$TRANSKIT_CACHE_DIR``, else the platform's user cache
directory (``~/.cache/transkit`` on Linux). ``--no-cache`` or
``TRANSKIT_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import transkit

_FORMAT = "1"


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
    h = hashlib.blake2b(digest_size=20)
    for p in parts:
        b = p.encode("utf-8", "surrogateescape") if isinstance(p, str) else p
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


def run_key(config_fingerprint: str, glossary_fingerprint: str, checks: list[str], extra: str = "") -> str:
    """The part of every key shared by a whole run."""
    return digest(_FORMAT, transkit.__version__, config_fingerprint, glossary_fingerprint, ",".join(sorted(checks)), extra)


class Cache:
    """Reads and writes JSON entries under ``root``; every failure is a miss, never an error."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or cache_dir()
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key[2:]}.json"

    def get(self, key: str) -> dict | None:
        try:
            with open(self._path(key), "rb") as fh:
                value = json.loads(fh.read())
            self.hits += 1
            return value
        except (OSError, ValueError):
            self.misses += 1
            return None

    def put(self, key: str, value: dict) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(value, fh, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only or full cache directory only costs speed
