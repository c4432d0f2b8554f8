"""Configuration: ``transkit.toml`` or ``[tool.transkit]`` in ``pyproject.toml``.

Found by walking up from the checked path. Unknown keys and bad values raise
:class:`~transkit.errors.ConfigError` naming the file, the key and, for a
misspelt key, the nearest valid one.

    # transkit.toml
    source = "en"
    languages = ["en", "zh-Hans", "zh-Hant"]
    documents = ["locales/{lang}/**/*.md", "README.{lang}.md"]
    glossaries = ["glossary/project.toml"]
    shipped-glossaries = true
    select = ["ALL"]
    ignore = ["TK503"]
    fail-on = "warning"

    [opencc]
    zh-Hant = "s2twp"     # Taiwan phrasing (default)
    zh-HK = "s2hk"
    zh-Hans = "tw2sp"

    [per-file-ignores]
    "docs/legacy/**" = ["TK3"]

    [checks.quote-style]
    zh-Hant = "「」"
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any, Mapping

from transkit import lang as langs
from transkit.diagnostics import Severity
from transkit.errors import ConfigError
from transkit.values import frozen

CONFIG_NAMES = ("transkit.toml", ".transkit.toml", "pyproject.toml")

DEFAULT_OPENCC = {"zh-Hant": "s2twp", "zh-HK": "s2hk", "zh-Hans": "tw2sp"}
# Which OpenCC configurations may serve which target.
OPENCC_TARGETS = {
    "zh-Hant": ("s2twp", "s2tw", "s2t", "hk2t", "t2tw"),
    "zh-HK": ("s2hk", "s2hkp", "s2t", "t2hk"),
    "zh-Hans": ("tw2sp", "tw2s", "t2s", "hk2s", "hk2sp"),
}

_KEYS = {
    "source",
    "languages",
    "documents",
    "exclude",
    "glossaries",
    "shipped-glossaries",
    "select",
    "ignore",
    "extend-select",
    "extend-ignore",
    "per-file-ignores",
    "fail-on",
    "opencc",
    "checks",
    "lock",
    "jobs",
    "cache",
}


@frozen
class _Settings:
    """The fields of :class:`Config`, which fills in ``root``."""

    path: Path | None = None  # the file it came from
    root: Path = None  # type: ignore[assignment]  # relative paths resolve here (default: the working directory)
    source: str = "en"
    languages: tuple[str, ...] = ("en", "zh-Hans", "zh-Hant")
    documents: tuple[str, ...] = ("locales/{lang}/**/*.md", "README.{lang}.md", "{lang}/**/*.md")
    exclude: tuple[str, ...] = ()
    glossaries: tuple[str, ...] = ()
    shipped_glossaries: bool = True
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    fail_on: Severity = Severity.WARNING
    opencc: tuple[tuple[str, str], ...] = tuple(sorted(DEFAULT_OPENCC.items()))
    check_options: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    lock: str = ".transkit.lock"
    jobs: int = 0  # 0: one worker per core for trees
    cache: bool = True


class Config(_Settings):
    """Settings for one run. ``Config()`` is the built-in default."""

    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> "Config":
        self = super().__new__(cls, *args, **kwargs)
        if self.root is None:
            self = self._replace(root=Path.cwd())
        return self

    # -- lookups ---------------------------------------------------------------- #

    def opencc_for(self, target_lang: str) -> str:
        return dict(self.opencc).get(target_lang) or DEFAULT_OPENCC.get(target_lang, "s2twp")

    def options_for(self, check_name: str, check_code: str = "") -> dict[str, Any]:
        opts = dict(self.check_options)
        merged: dict[str, Any] = {}
        for key in (check_code, check_name):
            if key and key in opts:
                merged.update(dict(opts[key]))
        return merged

    def ignored_for(self, path: str) -> tuple[str, ...]:
        """Selectors ignored for ``path`` by ``per-file-ignores`` (globs relative to the root)."""
        if not self.per_file_ignores:
            return ()  # the common case, without resolving the path (two syscalls a file)
        rel = self.relative(path)
        out: list[str] = []
        for pattern, sels in self.per_file_ignores:
            if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(Path(rel).name, pattern):
                out.extend(sels)
        return tuple(out)

    def relative(self, path: str | Path) -> str:
        p = Path(path)
        try:
            return p.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return p.as_posix()

    def glossary_paths(self) -> list[Path]:
        return [(self.root / g) for g in self.glossaries]

    def fingerprint(self) -> str:
        """A stable digest of every setting, for cache invalidation."""
        import hashlib

        parts = repr(
            (
                self.source,
                self.languages,
                self.glossaries,
                self.shipped_glossaries,
                self.select,
                self.ignore,
                self.per_file_ignores,
                self.fail_on,
                self.opencc,
                self.check_options,
            )
        )
        return hashlib.sha256(parts.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- #
# Loading
# --------------------------------------------------------------------------- #


def find_config(start: Path) -> Path | None:
    """The nearest ``transkit.toml`` / ``.transkit.toml`` / ``pyproject.toml`` with ``[tool.transkit]``."""
    start = start.resolve()
    here = start if start.is_dir() else start.parent
    for d in (here, *here.parents):
        for name in CONFIG_NAMES:
            p = d / name
            if not p.is_file():
                continue
            if name != "pyproject.toml":
                return p
            import tomllib

            try:
                with p.open("rb") as fh:
                    tool = tomllib.load(fh).get("tool", {})
                if isinstance(tool, dict) and "transkit" in tool:
                    return p
            except (tomllib.TOMLDecodeError, RecursionError, UnicodeDecodeError):
                # Unreadable: it is the configuration only if it names a [tool.transkit]
                # table, and then loading it reports the error instead of running with defaults.
                try:
                    if b"tool.transkit" in p.read_bytes():
                        return p
                except OSError:
                    pass
                continue
            except OSError:
                continue
    return None


def load_config(start: Path | str = ".", explicit: Path | str | None = None) -> Config:
    """The configuration for a run started at ``start`` (or from ``explicit``)."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
    else:
        path = find_config(Path(start))
    if path is None:
        base = Path(start).resolve()
        return Config(root=base if base.is_dir() else base.parent)
    import tomllib

    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        data = tool.get("transkit", {}) if isinstance(tool, dict) else {}
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: tool.transkit: expected a table")
        prefix = "tool.transkit."
    else:
        prefix = ""
    return parse_config(data, path=path, prefix=prefix)


def _nearest(key: str, valid) -> str:
    import difflib  # only for an error message

    close = difflib.get_close_matches(key, sorted(valid), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a string or a list of strings")
    return tuple(value)


def _option_problem(default: Any, value: Any, allowed: tuple | None) -> str | None:
    """What is wrong with a check option's value, judged by its default (None when it is fine)."""
    if allowed is not None:
        return None if value in allowed else f"expected one of {', '.join(map(repr, allowed))}"
    if isinstance(default, bool):
        return None if isinstance(value, bool) else "expected true or false"
    if isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else "expected a whole number >= 0"
    if isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1
        return None if ok else "expected a number between 0 and 1"
    if isinstance(default, str):
        return None if isinstance(value, str) else "expected a string"
    return None


def _check_pattern(pattern: str, where: str) -> None:
    """A ``documents`` / ``exclude`` glob: relative, ``**`` a whole component, ``{lang}`` at most once."""
    if not pattern.strip():
        raise ConfigError(f"{where}: an empty pattern")
    if pattern.startswith(("/", "\\")) or Path(pattern).is_absolute():
        raise ConfigError(f"{where}: {pattern!r}: patterns are relative to the project root")
    if any("**" in part and part != "**" for part in pattern.replace("\\", "/").split("/")):
        raise ConfigError(f"{where}: {pattern!r}: ** must be a whole path component (a/**/b.md)")
    if pattern.count("{lang}") > 1:
        raise ConfigError(f"{where}: {pattern!r}: {{lang}} may appear once")


def parse_config(data: Mapping[str, Any], path: Path | None = None, prefix: str = "") -> Config:
    """Validate a config mapping; every error names the file and the key."""
    from transkit.checks import is_valid_selector

    where = str(path) if path else "<config>"
    for key in data:
        if key not in _KEYS:
            raise ConfigError(f"{where}: unknown key {prefix}{key!r}{_nearest(key, _KEYS)}")
    kw: dict[str, Any] = {"path": path, "root": path.parent.resolve() if path else Path.cwd()}

    def lang_value(v: Any, key: str) -> str:
        if not isinstance(v, str):
            raise ConfigError(f"{where}: {prefix}{key}: expected a language tag such as 'zh-Hant'")
        try:
            return langs.normalize(v)
        except ValueError as exc:
            raise ConfigError(f"{where}: {prefix}{key}: {exc}") from None

    if "source" in data:
        kw["source"] = lang_value(data["source"], "source")
    if "languages" in data:
        kw["languages"] = tuple(lang_value(v, "languages") for v in _strings(data["languages"], f"{where}: {prefix}languages"))
    for key, attr in (("documents", "documents"), ("exclude", "exclude"), ("glossaries", "glossaries")):
        if key in data:
            kw[attr] = _strings(data[key], f"{where}: {prefix}{key}")
            if key != "glossaries":
                for pattern in kw[attr]:
                    _check_pattern(pattern, f"{where}: {prefix}{key}")
    if "shipped-glossaries" in data:
        if not isinstance(data["shipped-glossaries"], bool):
            raise ConfigError(f"{where}: {prefix}shipped-glossaries: expected true or false")
        kw["shipped_glossaries"] = data["shipped-glossaries"]
    if "cache" in data:
        if not isinstance(data["cache"], bool):
            raise ConfigError(f"{where}: {prefix}cache: expected true or false")
        kw["cache"] = data["cache"]
    sel: list[str] = []
    ign: list[str] = []
    for key, target in (("select", sel), ("extend-select", sel), ("ignore", ign), ("extend-ignore", ign)):
        if key in data:
            for s in _strings(data[key], f"{where}: {prefix}{key}"):
                if not is_valid_selector(s):
                    raise ConfigError(f"{where}: {prefix}{key}: unknown check selector {s!r}")
                target.append(s)
    kw["select"], kw["ignore"] = tuple(sel), tuple(ign)
    if "per-file-ignores" in data:
        pfi = data["per-file-ignores"]
        if not isinstance(pfi, dict):
            raise ConfigError(f"{where}: {prefix}per-file-ignores: expected a table of glob = [selectors]")
        items = []
        for glob, sels in pfi.items():
            sels = _strings(sels, f"{where}: {prefix}per-file-ignores.{glob}")
            for s in sels:
                if not is_valid_selector(s):
                    raise ConfigError(f"{where}: {prefix}per-file-ignores.{glob}: unknown check selector {s!r}")
            items.append((glob, sels))
        kw["per_file_ignores"] = tuple(items)
    if "fail-on" in data:
        try:
            kw["fail_on"] = Severity.parse(str(data["fail-on"]))
        except ValueError as exc:
            raise ConfigError(f"{where}: {prefix}fail-on: {exc}") from None
    if "opencc" in data:
        oc = data["opencc"]
        if not isinstance(oc, dict):
            raise ConfigError(f"{where}: {prefix}opencc: expected a table of language = configuration")
        merged = dict(DEFAULT_OPENCC)
        for k, v in oc.items():
            lang = lang_value(k, f"opencc.{k}")
            if lang not in OPENCC_TARGETS:
                raise ConfigError(f"{where}: {prefix}opencc.{k}: only Chinese targets can be converted to")
            if not isinstance(v, str) or v.removesuffix(".json") not in OPENCC_TARGETS[lang]:
                valid = ", ".join(OPENCC_TARGETS[lang])
                raise ConfigError(f"{where}: {prefix}opencc.{k}: {v!r} is not a configuration for {lang} (one of: {valid})")
            merged[lang] = v.removesuffix(".json")
        kw["opencc"] = tuple(sorted(merged.items()))
    if "checks" in data:
        ch = data["checks"]
        if not isinstance(ch, dict) or not all(isinstance(v, dict) for v in ch.values()):
            raise ConfigError(f"{where}: {prefix}checks: expected tables such as [checks.quote-style]")
        from transkit.checks import load_all

        known = {c.name: c for c in load_all().values()} | {c.code: c for c in load_all().values()}
        for name, opts in ch.items():
            if name not in known:
                raise ConfigError(f"{where}: {prefix}checks.{name}: unknown check{_nearest(name, [c.name for c in load_all().values()])}")
            valid_opts = known[name].options
            for opt, value in opts.items():
                if opt not in valid_opts:
                    hint = _nearest(opt, valid_opts) if valid_opts else " (this check has no options)"
                    raise ConfigError(f"{where}: {prefix}checks.{name}.{opt}: unknown option{hint}")
                problem = _option_problem(valid_opts[opt], value, known[name].option_values.get(opt))
                if problem:
                    raise ConfigError(f"{where}: {prefix}checks.{name}.{opt}: {value!r}: {problem}")
        kw["check_options"] = tuple(sorted((k, tuple(sorted(v.items()))) for k, v in ch.items()))
    if "lock" in data:
        if not isinstance(data["lock"], str):
            raise ConfigError(f"{where}: {prefix}lock: expected a path")
        kw["lock"] = data["lock"]
    if "jobs" in data:
        if not isinstance(data["jobs"], int) or isinstance(data["jobs"], bool) or data["jobs"] < 0:
            raise ConfigError(f"{where}: {prefix}jobs: expected a whole number >= 0")
        kw["jobs"] = data["jobs"]
    cfg = Config(**kw)
    if cfg.source not in cfg.languages:
        cfg = cfg._replace(languages=(cfg.source, *cfg.languages))
    return cfg
