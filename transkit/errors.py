"""The one exception family transkit raises for bad input or configuration.

Every message says what happened, where (file, line, key) and, when it can,
how to fix it. The command line prints ``transkit: error: <message>`` and exits 2;
a traceback never reaches a user for bad input.
"""

from __future__ import annotations


class TranskitError(Exception):
    """Base class: a problem the user can fix (exit code 2 on the command line)."""


class ConfigError(TranskitError):
    """A configuration file has an unknown key or a bad value."""


class GlossaryError(TranskitError):
    """A glossary file is malformed: names the file, the term and the key."""


class InputError(TranskitError):
    """An input path is missing or cannot be read."""


class OutputError(TranskitError):
    """An output path cannot be written (missing directory, a directory, no permission)."""


class ConflictError(TranskitError):
    """A file still holds unresolved merge conflict markers."""
