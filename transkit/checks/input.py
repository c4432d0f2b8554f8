"""TK0xx: problems with the input itself and with transkit's own directives.

These findings are emitted by the lint workflow (it reads the bytes before any
check sees a document); the classes here register their codes, names and
documentation so that they can be selected, ignored and explained like any
other check.
"""

from __future__ import annotations

from transkit.checks.base import Check, register
from transkit.diagnostics import Severity


class _Emitted(Check):
    """Base for findings the workflow emits itself."""

    def check_file(self, doc, ctx):
        return ()


@register
class InternalError(_Emitted):
    """A check raised an exception; the run went on without it.

    The message names the check and the exception. It is a bug in transkit (or
    in a plugin check): please report it with the file that triggers it. Set
    ``TRANSKIT_DEBUG=1`` to get the traceback instead.
    """

    code = "TK000"
    name = "internal-error"
    severity = Severity.ERROR


@register
class InvalidUtf8(_Emitted):
    """The file is not valid UTF-8.

    Each invalid byte sequence is reported with its byte offset; the rest of the
    file is still checked, and the bytes are kept as they are by every command
    that writes the file back.

    Failing example: a file saved as GBK by an old editor (``\\xc4\\xa3\\xd0\\xcd``
    for 模型). Fix: find out the file's real encoding and convert it, e.g.
    ``iconv -f GBK -t UTF-8``; ``transkit repair`` undoes text that was decoded
    with the wrong encoding and saved again.
    """

    code = "TK001"
    name = "invalid-utf8"
    severity = Severity.ERROR


@register
class BinaryFile(_Emitted):
    """The file looks binary (a NUL byte, or a UTF-16 byte order mark) and was skipped.

    Fix: leave binary files out of the paths you lint, or convert UTF-16 text
    to UTF-8.
    """

    code = "TK002"
    name = "binary-file"
    severity = Severity.WARNING


@register
class MalformedSuppression(_Emitted):
    """A ``transkit-`` comment that transkit cannot understand.

    Failing example: ``<!-- transkit-ignore TK9999 -->`` (no such check) or
    ``<!-- transkit-ignroe TK401 -->``. Fix: use ``transkit-ignore``,
    ``transkit-ignore-next-line``, ``transkit-disable`` or ``transkit-enable``
    followed by codes, code prefixes or check names, and an optional ``: reason``.
    """

    code = "TK003"
    name = "malformed-suppression"
    severity = Severity.WARNING


@register
class UnusedSuppression(_Emitted):
    """A suppression comment that suppressed nothing.

    Stale suppressions hide future findings. Failing example: a
    ``<!-- transkit-ignore TK301 -->`` left on a line that has since been
    translated. Fix: delete the comment.
    """

    code = "TK004"
    name = "unused-suppression"
    severity = Severity.WARNING


@register
class UnreadableFile(_Emitted):
    """The file could not be read (permissions, a broken link, a device).

    Fix: check the path and its permissions.
    """

    code = "TK005"
    name = "unreadable-file"
    severity = Severity.ERROR


@register
class LanguageGuessed(_Emitted):
    """No language was given for the file, so transkit guessed it from its characters.

    The guess picks the checks that run (simplified characters in zh-Hant, for
    instance), so a wrong guess gives wrong findings. Fix: pass ``--lang``, or
    put the language in the path (``zh-Hant/guide.md``, ``README.zh-TW.md``).
    """

    code = "TK006"
    name = "language-guessed"
    severity = Severity.INFO
