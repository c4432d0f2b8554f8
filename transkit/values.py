"""Frozen value classes declared like dataclasses but cheap to define: named tuples.

``transkit lint`` on one file is mostly start-up, and ``dataclasses`` makes
start-up slow: importing it imports ``inspect`` (about 10 ms), and every
decorated class compiles its generated methods (about a millisecond each, some
thirty classes on the lint path). A named tuple costs a fifth of that to define,
is created faster and is immutable by construction::

    @frozen
    class Span:
        '''A protected run inside one line.'''

        line: int
        start: int
        end: int
        kind: SpanKind = SpanKind.URL

        @property
        def width(self) -> int:
            return self.end - self.start

Fields are the annotations, in order; a class attribute gives a default.
Methods, properties and the docstring stay on the class. ``x._replace(...)``
makes a changed copy (``dataclasses.replace`` does not apply). The values are
tuples: equal when their fields are, hashable when their fields are, and they
pickle by value. A class that needs another equality (identity, or fields
left out) defines ``__eq__`` and ``__hash__`` itself.
"""

from __future__ import annotations

from collections import namedtuple
from typing import dataclass_transform

_SKIP = ("__dict__", "__weakref__")


@dataclass_transform()  # type checkers (and mypyc, see setup.py) read the fields as a dataclass's
def frozen(cls: type) -> type:
    """Turn an annotated class into a frozen named-tuple class of the same name, methods kept."""
    fields = list(cls.__dict__.get("__annotations__", {}))
    defaults = [cls.__dict__[f] for f in fields if f in cls.__dict__]
    if any(f not in cls.__dict__ for f in fields[len(fields) - len(defaults) :]):
        raise TypeError(f"{cls.__name__}: a field without a default follows one with a default")
    body = {k: v for k, v in cls.__dict__.items() if k not in fields and k not in _SKIP}
    body["__slots__"] = ()
    base = namedtuple(cls.__name__, fields, defaults=defaults, module=cls.__module__)
    out = type(cls.__name__, (base,), body)
    out.__qualname__ = cls.__qualname__
    return out
