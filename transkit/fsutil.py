"""File helpers: atomic writes and lossless reads."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, never half.

    The bytes go to a temporary file in the same directory, are flushed to disk,
    and the temporary file is renamed over the target. An existing file's
    permission bits are kept.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def read_text_lossless(path: str | Path) -> str:
    """Read UTF-8; undecodable bytes become lone surrogates so writing back is byte-identical."""
    return Path(path).read_bytes().decode("utf-8", errors="surrogateescape")


def write_text_lossless(path: str | Path, text: str) -> None:
    atomic_write(path, text.encode("utf-8", errors="surrogateescape"))


def read_input(path: str | Path, hint: str) -> str:
    """Read an input file losslessly; a missing, directory or unreadable path is an InputError.

    ``hint`` completes the directory message, e.g. "convert takes one Markdown file".
    """
    from transkit.errors import InputError

    try:
        return read_text_lossless(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory; {hint}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
