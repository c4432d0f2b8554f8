"""File helpers: atomic writes and lossless reads."""

from __future__ import annotations

import os
import stat
import sys
from contextlib import contextmanager
from pathlib import Path


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, never half.

    The bytes go to a temporary file in the same directory, are flushed to disk,
    and the temporary file is renamed over the target. An existing file's
    permission bits are kept, and a symbolic link is written through (its
    target is replaced, the link stays). A path that cannot be written is an
    :class:`~transkit.errors.OutputError`; the target is then untouched.
    """
    from transkit.errors import OutputError

    if not str(path):
        raise OutputError("empty output path")
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    if path.is_dir():
        raise OutputError(f"{path}: is a directory")
    directory = path.parent
    if not directory.is_dir():
        raise OutputError(f"{path}: no such directory: {directory}")
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    import tempfile  # not at the top: a report to stdout needs none of it

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
        raise


@contextmanager
def output_stream(output: str | Path | None):
    """A text stream for a report: stdout for ``None`` or ``-``, else ``output`` written atomically.

    The report is collected and written when the block ends without an
    error, so a failed run never leaves half a report behind.
    """
    if output is None or str(output) == "-":
        yield sys.stdout
        return
    import io

    buf = io.StringIO(newline="\n")
    yield buf
    atomic_write(output, buf.getvalue().encode("utf-8", errors="surrogateescape"))


def json_text(data) -> str:
    """Readable JSON (non-ASCII kept) that is always valid UTF-8.

    Text read losslessly keeps undecodable bytes as lone surrogates; in JSON
    they are written as ``\\udcXX`` escapes, which read back to the same string.
    """
    import json
    import re

    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text)


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
