"""TK320-TK339: findings of ``transkit drift``, registered here for ``explain``, selectors and SARIF rules.

Drift is judged per document set from git history or the lock file (see
:mod:`transkit.drift`), not by ``lint``; these classes carry the codes, names
and documentation of what ``transkit drift --format sarif|github`` reports.
"""

from __future__ import annotations

from transkit.checks.base import Check, Scope, register
from transkit.diagnostics import Severity


class _Drift(Check):
    scope = Scope.WORKFLOW
    languages = frozenset({"zh-Hans", "zh-Hant", "zh-HK"})


@register
class DriftNoBaseline(_Drift):
    """No git history and no lock entry: whether the section is outdated cannot be judged.

    Outside a git repository, or for files git does not track, drift needs a
    baseline. Fix: commit the files, or run ``transkit drift --record`` once the
    translation is in step to start lock mode.
    """

    code = "TK320"
    name = "drift-no-baseline"
    severity = Severity.INFO


@register
class DriftOutdated(_Drift):
    """The English section changed after the translated section last did.

    In git mode the last commit touching the source section's lines (git
    blame) is later in history than the last one touching the translation's
    section; in lock mode the source section's fingerprint differs from the one
    recorded. The report shows the English diff since the translation changed.

    Fix: update the translation; for a typo-only English change, accept it
    with ``transkit drift --ack "SECTION"`` or a ``Transkit-Ack: typo`` commit
    trailer.
    """

    code = "TK321"
    name = "drift-outdated"


@register
class DriftMissing(_Drift):
    """A source section with no counterpart in the translation.

    Fix: translate the section (``transkit sync`` inserts it for zh-Hant from zh-Hans).
    """

    code = "TK322"
    name = "drift-missing"


@register
class DriftExtra(_Drift):
    """A translation section with no counterpart in the source.

    Usually a section deleted upstream. Fix: delete it, or keep a translator's
    note and ignore the finding.
    """

    code = "TK323"
    name = "drift-extra"


@register
class DriftUntranslated(_Drift):
    """The translated section is still English.

    Fix: translate it.
    """

    code = "TK324"
    name = "drift-untranslated"


@register
class DriftSiblingDiverged(_Drift):
    """The zh-Hans and zh-Hant sections no longer say the same thing.

    Converting the zh-Hans section to zh-Hant leaves a sentence with no
    counterpart in the zh-Hant section (or the reverse), beyond what the
    glossary and regional vocabulary explain. Fix: carry the change across with
    ``transkit sync``.
    """

    code = "TK325"
    name = "drift-sibling-diverged"
