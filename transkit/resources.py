"""Heavy shared data, loaded on first use and shared by every check of a run.

Nothing here is loaded at import time: the lint fast path only pays for the
tables its selected checks touch.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from transkit.config import Config


class Resources:
    """Per-run cache of the merged glossary, script tables and OpenCC converters."""

    def __init__(self, config: "Config") -> None:
        self.config = config
        self._converters: dict[tuple[str, str, str | None], object] = {}

    @cached_property
    def glossary(self):
        """The merged glossary: shipped files plus the project's own (see transkit.glossary)."""
        from transkit.glossary import load_merged

        return load_merged(self.config)

    @cached_property
    def script_tables(self):
        from transkit.script import tables

        return tables()

    def converter(self, source_lang: str, target_lang: str, opencc_config: str | None = None):
        """A Markdown-safe converter between two Chinese languages (see transkit.convert)."""
        key = (source_lang, target_lang, opencc_config)
        if key not in self._converters:
            from transkit.convert import Converter

            self._converters[key] = Converter.for_languages(
                source_lang,
                target_lang,
                opencc_config=opencc_config or self.config.opencc_for(target_lang),
                glossary=self.glossary,
            )
        return self._converters[key]
