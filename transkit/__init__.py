"""transkit: keep English Markdown documentation and its zh-Hans / zh-Hant translations consistent."""

__version__ = "0.1.0"
