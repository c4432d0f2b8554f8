"""Indexes pickled to the user cache directory with their bulky parts apart, each read on first use.

The glossary and regional-vocabulary checks each keep an Aho-Corasick
automaton that finds candidate lines, and bigger ones that judge a candidate
(accepted renderings, masking words). Most lines, and most files, have no
candidate: ``transkit lint`` on one clean file needs only the small automaton,
and unpickling the rest would cost it a few milliseconds per index. So a
:class:`PartlyStored` object is written as one small pickle plus one file per
attribute named in ``_apart``, and an attribute's file is read when the
attribute is first used. A part that is missing or unreadable is built again
by the object's ``_rebuild``: a broken cache entry costs time, never a finding.
"""

from __future__ import annotations

from pathlib import Path

try:  # the C unpickler pickle.load is, without the 2 ms importing pickle.py costs
    from _pickle import load as _load
except ImportError:  # pragma: no cover - a Python without the accelerator
    from pickle import load as _load


def read(path: str | Path) -> object:
    """Unpickle one file (any error propagates: callers treat it as a miss)."""
    with open(path, "rb") as fh:
        return _load(fh)


def _part(path: str | Path, name: str) -> str:
    return f"{path}.{name.strip('_')}"


class PartlyStored:
    """Mixin: attributes named in ``_apart`` are stored in files of their own and read on first access.

    Subclasses set ``_apart`` and implement ``_rebuild(name)``, which sets the
    attribute ``name`` (and may set others) without the stored files.
    """

    _apart: tuple[str, ...] = ()

    def __getattr__(self, name: str):
        # Only called when ``name`` is not found the usual way: not read yet, or never built.
        if name not in type(self)._apart:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        where = self.__dict__.get("_stored_at")
        if where is not None:
            try:
                value = read(_part(where, name))
            except Exception:  # missing or broken: build it below
                pass
            else:
                self.__dict__[name] = value
                return value
        self._rebuild(name)
        return self.__dict__[name]

    def _rebuild(self, name: str) -> None:
        raise NotImplementedError

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        for name in (*type(self)._apart, "_stored_at"):
            state.pop(name, None)
        return state


def load(path: Path, cls: type) -> PartlyStored | None:
    """The object stored at ``path`` if it is a ``cls``, its parts left on disk; ``None`` for a miss."""
    try:
        obj = read(path)
    except Exception:
        return None
    if type(obj) is not cls:
        return None
    obj.__dict__["_stored_at"] = str(path)
    return obj


def write(path: Path, obj: PartlyStored) -> bool:
    """Store ``obj`` at ``path`` and its parts beside it (the parts first); ``False`` if the directory refused."""
    import pickle

    from transkit.fsutil import atomic_write

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for name in type(obj)._apart:
            atomic_write(_part(path, name), pickle.dumps(getattr(obj, name), protocol=pickle.HIGHEST_PROTOCOL))
        atomic_write(path, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
        return True
    except (OSError, pickle.PicklingError):
        return False
