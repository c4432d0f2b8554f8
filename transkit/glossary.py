"""Term glossaries: load, validate and merge them; find terms in Chinese text without word boundaries.

A glossary is a TOML file of ``[[term]]`` tables (see ``glossary/README.md``).
The files shipped in the repository's ``glossary/`` directory and the project's
own files (``glossaries`` in the config) merge into one :class:`Glossary`,
which the converter locks, the aligner uses as anchors and the TK4xx/TK5xx
checks read.

Chinese has no spaces between words, so a regular expression's ``\\b`` never
fires between two Han characters and a bare substring search fires inside
correct words (算法 inside 演算法). Terms are therefore found with one
Aho-Corasick automaton per locale over the line with its protected spans
masked; a forbidden string counts only where no allowed string of the same
locale covers it:

    >>> g = Glossary.from_terms([
    ...     Term(en="algorithm", forms={"zh-Hans": "算法", "zh-Hant": "演算法"},
    ...          forbidden={"zh-Hant": ("算法",)}),
    ... ])
    >>> [(h.start, h.text, h.replacement) for h in g.index("zh-Hant").forbidden("這個演算法和那個算法")]
    [(8, '算法', '演算法')]
    >>> g.conversion_pairs("zh-Hans", "zh-Hant")
    {'算法': '演算法'}
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from transkit.errors import GlossaryError
from transkit.stored import PartlyStored
from transkit.values import frozen

if TYPE_CHECKING:  # pragma: no cover
    from transkit.config import Config
    from transkit.document import Document

# Locales a term can carry renderings for. zh-HK is optional: a term without a
# zh-HK form simply has no opinion about Hong Kong files.
LOCALES = ("zh-Hans", "zh-Hant", "zh-HK")

# A term, a variant or a rendering longer than this is not a term (and the
# matcher's automaton is not made for strings of hundreds of thousands of bytes).
MAX_TERM_LENGTH = 200

_TERM_KEYS = (
    "en",
    "variants",
    *LOCALES,
    "allowed",
    "forbidden",
    "keep",
    "case-sensitive",
    "note",
)


def shipped_dir() -> Path:
    """The repository's ``glossary/`` directory (source checkout or editable install)."""
    import transkit

    return Path(transkit.__file__).resolve().parent.parent / "glossary"


def shipped_files() -> list[Path]:
    d = shipped_dir()
    return sorted(d.glob("*.toml")) if d.is_dir() else []


# --------------------------------------------------------------------------- #
# Values
# --------------------------------------------------------------------------- #


@frozen
class Term:
    """One glossary entry: an English term and its renderings per locale.

    Entries are compared by identity: two files may hold equal entries, and the
    glossary keeps the one that wins the merge. The mappings are never mutated
    (the empty defaults are shared).
    """

    en: str
    variants: tuple[str, ...] = ()
    forms: dict[str, str] = {}  # locale -> preferred rendering
    allowed: dict[str, tuple[str, ...]] = {}
    forbidden: dict[str, tuple[str, ...]] = {}
    keep: bool = False  # the term stays in English (LoRA, GGUF)
    case_sensitive: bool = False
    note: str = ""
    source: str = ""  # the file the entry came from

    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    __hash__ = object.__hash__

    def preferred(self, lang: str) -> str | None:
        """The preferred rendering in ``lang``; the English term itself for ``en`` or a kept term."""
        if lang == "en":
            return self.en
        form = self.forms.get(lang)
        if form is None and self.keep:
            return self.en
        return form

    def accepted(self, lang: str) -> tuple[str, ...]:
        """Preferred plus allowed renderings in ``lang`` (English forms for ``en``)."""
        if lang == "en":
            return self.english
        out = []
        pref = self.forms.get(lang)
        if pref:
            out.append(pref)
        out.extend(a for a in self.allowed.get(lang, ()) if a not in out)
        return tuple(out)

    def rejected(self, lang: str) -> tuple[str, ...]:
        return self.forbidden.get(lang, ())

    @property
    def english(self) -> tuple[str, ...]:
        return (self.en, *(v for v in self.variants if v != self.en))

    def has_rendering(self, lang: str) -> bool:
        return bool(self.forms.get(lang)) or self.keep

    def key(self) -> str:
        return self.en.casefold()

    def to_dict(self) -> dict:
        d: dict = {"en": self.en}
        if self.variants:
            d["variants"] = list(self.variants)
        for loc in LOCALES:
            if loc in self.forms:
                d[loc] = self.forms[loc]
        for name, table in (("allowed", self.allowed), ("forbidden", self.forbidden)):
            for loc in LOCALES:
                if table.get(loc):
                    d.setdefault(name, {})[loc] = list(table[loc])
        if self.keep:
            d["keep"] = True
        if self.case_sensitive:
            d["case-sensitive"] = True
        if self.note:
            d["note"] = self.note
        return d


@frozen
class Problem:
    """A rule of the glossary format broken by an entry (reported by ``transkit glossary validate``)."""

    path: str
    term: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: term {self.term!r}: {self.key}: {self.message}"


@frozen
class Hit:
    """A glossary string found in a line: 0-based code-point columns, end exclusive."""

    start: int
    end: int
    text: str
    term: Term
    replacement: str | None = None  # for a forbidden hit: the preferred form


# --------------------------------------------------------------------------- #
# The glossary
# --------------------------------------------------------------------------- #


class Glossary:
    """Merged terms; later files override earlier entries with the same ``en``."""

    def __init__(self, terms: Sequence[Term], files: Sequence[str] = ()) -> None:
        self._terms: tuple[Term, ...] | None = tuple(terms)
        self._count = len(self._terms)
        self.files: tuple[str, ...] = tuple(files)
        self._indexes: dict[str, LocaleIndex] = {}
        # Set when the glossary came from (or went to) the disk cache: lets other
        # caches derived from it (the regional index) key themselves on it.
        self.cache_key: str | None = None
        # For a glossary from the disk cache: where its terms and locale indexes are read on first use.
        self._store: _Store | None = None

    @classmethod
    def _stored(cls, store: "_Store", count: int, files: Sequence[str]) -> "Glossary":
        """A glossary whose terms and indexes stay on disk until used (see :func:`_load_cached`)."""
        g = cls((), files)
        g._terms, g._count, g._store, g.cache_key = None, count, store, store.key
        return g

    @property
    def terms(self) -> tuple[Term, ...]:
        if self._terms is None:
            self._terms = self._store.terms()
        return self._terms

    @cached_property
    def _by_en(self) -> dict[str, Term]:
        return {t.key(): t for t in self.terms}

    @classmethod
    def from_terms(cls, terms: Iterable[Term]) -> "Glossary":
        return merge([list(terms)])

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __repr__(self) -> str:
        return f"<Glossary {self._count} terms from {len(self.files)} files>"

    def find(self, en: str) -> Term | None:
        """The entry for an English term or one of its variants (case-insensitive)."""
        t = self._by_en.get(en.casefold())
        if t is not None:
            return t
        low = en.casefold()
        for term in self.terms:
            if any(v.casefold() == low for v in term.variants):
                return term
        return None

    def fingerprint(self) -> str:
        """A digest of every entry, for cache invalidation."""
        import hashlib
        import json

        h = hashlib.sha256()
        for t in self.terms:
            h.update(json.dumps(t.to_dict(), ensure_ascii=False, sort_keys=True).encode())
            h.update(b"\n")
        return h.hexdigest()[:16]

    # -- contracts used by convert and align ---------------------------------- #

    def conversion_pairs(self, source_lang: str, target_lang: str) -> dict[str, str]:
        """Preferred source rendering -> preferred target rendering, for the converter's lock.

        Only terms with Chinese forms in both locales count (kept English terms
        need no lock: OpenCC leaves Latin text alone). A source form that two
        entries render differently (程序 as procedure and as program) is
        ambiguous and left to OpenCC.
        """
        from transkit.document import is_han

        out: dict[str, str] = {}
        clash: set[str] = set()
        for t in self.terms:
            a, b = t.forms.get(source_lang), t.forms.get(target_lang)
            if not a or not b or not any(is_han(c) for c in a + b):
                continue
            if a in out and out[a] != b:
                clash.add(a)
            out.setdefault(a, b)
        for a in clash:
            del out[a]
        return out

    def term_pairs(self, lang_a: str, lang_b: str) -> list[tuple[str, str]]:
        """Every (rendering in ``lang_a``, rendering in ``lang_b``) of every term, variants included.

        For ``en`` the renderings are the term and its variants; a kept term's
        Chinese rendering is its English form. Alignment uses these as anchors.
        """
        out: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()
        for t in self.terms:
            left = _renderings(t, lang_a)
            right = _renderings(t, lang_b)
            for a in left:
                for b in right:
                    if (a, b) not in seen:
                        seen.add((a, b))
                        out.append((a, b))
        return out

    # -- matching ---------------------------------------------------------------- #

    def index(self, lang: str) -> "LocaleIndex":
        """The Aho-Corasick index of allowed and forbidden strings in ``lang`` (built once)."""
        idx = self._indexes.get(lang)
        if idx is None:
            idx = self._store.index(lang, self) if self._store is not None else None
            if idx is None:
                idx = LocaleIndex(self.terms, lang)
            idx._owner = self
            self._indexes[lang] = idx
        return idx

    @cached_property
    def english_index(self) -> "EnglishIndex":
        return EnglishIndex(self.terms)


def _renderings(t: Term, lang: str) -> tuple[str, ...]:
    if lang == "en":
        return t.english
    acc = t.accepted(lang)
    if acc:
        return acc
    return t.english if t.keep else ()


# --------------------------------------------------------------------------- #
# Loading and validation
# --------------------------------------------------------------------------- #


def _nearest(key: str, valid: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, sorted(valid), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _string_list(value, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise GlossaryError(f"{where}: expected a list of strings")
    out = []
    for v in value:
        v2 = v.strip()
        if not v2:
            raise GlossaryError(f"{where}: empty string")
        _check_length(v2, where)
        if v2 not in out:
            out.append(v2)
    return tuple(out)


def _check_length(value: str, where: str) -> None:
    if len(value) > MAX_TERM_LENGTH:
        raise GlossaryError(f"{where}: {len(value)} characters: a term is at most {MAX_TERM_LENGTH}")


def parse_term(data: dict, path: str, number: int) -> Term:
    """Validate one ``[[term]]`` table; errors name the file, the term and the key."""
    name = data.get("en") if isinstance(data.get("en"), str) else f"#{number}"
    where = f"{path}: term {name!r}"
    for key in data:
        if key not in _TERM_KEYS:
            raise GlossaryError(f"{where}: unknown key {key!r}{_nearest(key, _TERM_KEYS)}")
    en = data.get("en")
    if not isinstance(en, str) or not en.strip():
        raise GlossaryError(f"{path}: term #{number}: en: required, a non-empty string")
    en = en.strip()
    _check_length(en, f"{path}: term #{number}: en")
    variants = _string_list(data.get("variants", []), f"{where}: variants")
    forms: dict[str, str] = {}
    for loc in LOCALES:
        if loc in data:
            v = data[loc]
            if not isinstance(v, str) or not v.strip():
                raise GlossaryError(f"{where}: {loc}: expected a non-empty string (the preferred rendering)")
            forms[loc] = v.strip()
            _check_length(forms[loc], f"{where}: {loc}")
    tables: dict[str, dict[str, tuple[str, ...]]] = {}
    for name_ in ("allowed", "forbidden"):
        raw = data.get(name_, {})
        if not isinstance(raw, dict):
            raise GlossaryError(f"{where}: {name_}: expected a table such as {name_}.zh-Hant = [...]")
        table: dict[str, tuple[str, ...]] = {}
        for loc, values in raw.items():
            if loc not in LOCALES:
                raise GlossaryError(f"{where}: {name_}.{loc}: unknown locale{_nearest(loc, LOCALES)}")
            vals = _string_list(values, f"{where}: {name_}.{loc}")
            if vals:
                table[loc] = vals
        tables[name_] = table
    for key in ("keep", "case-sensitive"):
        if key in data and not isinstance(data[key], bool):
            raise GlossaryError(f"{where}: {key}: expected true or false")
    note = data.get("note", "")
    if not isinstance(note, str):
        raise GlossaryError(f"{where}: note: expected a string")
    keep = bool(data.get("keep", False))
    if keep:
        # A kept term's rendering is its English already; spelling it out adds nothing.
        forms = {loc: f for loc, f in forms.items() if f != en}
    if not keep and not forms:
        raise GlossaryError(f"{where}: zh-Hans/zh-Hant: a term needs a Chinese rendering or keep = true")
    term = Term(
        en=en,
        variants=variants,
        forms=forms,
        allowed=tables["allowed"],
        forbidden=tables["forbidden"],
        keep=keep,
        case_sensitive=bool(data.get("case-sensitive", False)),
        note=note.strip(),
        source=path,
    )
    # Contradictions inside one entry make it unusable.
    for loc in LOCALES:
        ok = set(term.accepted(loc))
        if keep:
            ok.update(term.english)
        for bad in term.rejected(loc):
            if bad in ok:
                raise GlossaryError(f"{where}: forbidden.{loc}: {bad!r} is also the preferred or an allowed rendering")
    return term


def parse_text(text: str, path: str = "<glossary>") -> list[Term]:
    """Parse and validate the TOML text of one glossary file."""
    try:
        import tomllib

        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GlossaryError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise GlossaryError(f"{path}: invalid TOML: arrays or tables nested too deeply") from None
    for key in data:
        if key != "term":
            raise GlossaryError(f"{path}: unknown top-level key {key!r} (a glossary is a list of [[term]] tables)")
    raw = data.get("term", [])
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise GlossaryError(f"{path}: term: expected [[term]] tables")
    terms: list[Term] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(raw, 1):
        t = parse_term(entry, path, i)
        k = t.key()
        if k in seen:
            raise GlossaryError(f"{path}: term {t.en!r}: en: duplicate entry (also entry #{seen[k]})")
        seen[k] = i
        terms.append(t)
    return terms


def load_file(path: str | Path) -> list[Term]:
    p = Path(path)
    if p.suffix.lower() in (".tbx", ".xml", ".csv"):
        raise GlossaryError(f"{p}: transkit reads TOML glossaries; convert this one with `transkit glossary import {p} -o {p.with_suffix('.toml').name}`")
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GlossaryError(f"{p}: glossary file not found") from None
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"{p}: not UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise GlossaryError(f"{p}: cannot read: {exc.strerror}") from None
    return parse_text(text, str(p))


def merge(files: Sequence[Sequence[Term]], names: Sequence[str] = ()) -> Glossary:
    """One glossary from several files; an entry of a later file replaces one with the same ``en``."""
    merged: dict[str, Term] = {}
    for terms in files:
        for t in terms:
            merged.pop(t.key(), None)
            merged[t.key()] = t
    return Glossary(sorted(merged.values(), key=lambda t: t.key()), names)


def load(paths: Sequence[str | Path]) -> Glossary:
    """Load and merge glossary files (no caching)."""
    return merge([load_file(p) for p in paths], [str(p) for p in paths])


def glossary_paths(config: "Config") -> list[Path]:
    paths = shipped_files() if config.shipped_glossaries else []
    return [*paths, *config.glossary_paths()]


def load_merged(config: "Config") -> Glossary:
    """The shipped glossaries (unless ``shipped-glossaries = false``) plus the project's, merged.

    Parsed once per set of files and modification times.
    """
    key = []
    for p in glossary_paths(config):
        try:
            st = p.stat()
        except OSError:
            raise GlossaryError(f"{p}: glossary file not found (listed under 'glossaries' in the config)") from None
        key.append((str(p), st.st_mtime_ns, st.st_size))
    return _load_cached(tuple(key), config.cache)


@lru_cache(maxsize=8)
def _load_cached(key: tuple[tuple[str, int, int], ...], use_disk: bool = True) -> Glossary:
    """Parse once per process; across processes, pickles in the user cache directory skip TOML and validation.

    Parsing and validating the shipped files costs about 80 ms, every worker
    process and every ``transkit lint`` of a single file. From the cache, a
    glossary costs a small header at first; each locale's index (Aho-Corasick
    automata, which unpickle in a fraction of the time building them takes) is
    read when a check first asks for it, and the terms only when something is
    found. Entries are keyed by the files' paths, modification times and sizes
    and transkit's version, so an edited glossary is parsed again.
    """
    paths = [p for p, _, _ in key]
    path = _pickle_path(key) if use_disk else None
    if path is not None:
        store = _Store(path, paths)
        header = store.header()
        if header is not None:
            count, files = header
            return Glossary._stored(store, count, files)
    glossary = load(paths)
    if path is not None and _Store(path, paths).write(glossary):
        glossary.cache_key = path.stem
    return glossary


def _pickle_path(key: tuple[tuple[str, int, int], ...]) -> Path | None:
    import sys

    import transkit
    from transkit import cache

    if not cache.enabled():
        return None
    schema = ",".join(Term._fields) + ";named-tuples;index-parts-v3;" + sys.version.split()[0]
    return cache.cache_dir() / "glossary" / f"{cache.digest(transkit.__version__, schema, repr(key))}.pickle"


class _Store:
    """A parsed glossary in the user cache directory.

    ``<key>.pickle`` holds two pickles, a header (term count, file names) and
    the terms; ``<key>.<locale>.index`` holds that locale's :class:`LocaleIndex`,
    with its bulky parts (accepted renderings, the TK403 matcher) in files
    beside it. Whatever is missing or unreadable is a miss: the terms are parsed
    again, an index or a part is built again.
    """

    def __init__(self, path: Path, paths: list[str]) -> None:
        self.path = path
        self.key = path.stem
        self._paths = paths

    def _index_path(self, lang: str) -> Path:
        return self.path.with_name(f"{self.key}.{lang}.index")

    def header(self) -> tuple[int, tuple[str, ...]] | None:
        from transkit.stored import read

        try:
            count, files = read(self.path)  # the first of the file's two pickles
            return int(count), tuple(files)
        except Exception:  # a missing, stale or broken entry is a miss
            return None

    def terms(self) -> tuple[Term, ...]:
        import pickle

        try:
            with open(self.path, "rb") as fh:
                count, _ = pickle.load(fh)
                terms = pickle.load(fh)
            if len(terms) == count and all(type(t) is Term for t in terms):
                return terms
        except Exception:
            pass
        # Parsing yields the same terms in the same order: stored indexes stay valid.
        return load(self._paths).terms

    def index(self, lang: str, glossary: Glossary) -> "LocaleIndex":
        from transkit import stored

        idx = stored.load(self._index_path(lang), LocaleIndex)
        if idx is not None and idx.lang == lang:
            return idx
        idx = LocaleIndex(glossary.terms, lang)
        stored.write(self._index_path(lang), idx)
        return idx

    def write(self, glossary: Glossary) -> bool:
        """Store a freshly parsed glossary: every locale's index first, the header last."""
        import pickle

        from transkit import stored
        from transkit.fsutil import atomic_write

        for lang in LOCALES:
            if not stored.write(self._index_path(lang), glossary.index(lang)):
                return False
        try:
            header = pickle.dumps((len(glossary), glossary.files), protocol=pickle.HIGHEST_PROTOCOL)
            atomic_write(self.path, header + pickle.dumps(glossary.terms, protocol=pickle.HIGHEST_PROTOCOL))
            return True
        except OSError:
            return False


def problems(paths: Sequence[str | Path], *, across_files: bool = True) -> list[Problem]:
    """Every broken format rule in the files: sorting, duplicates, allowed/forbidden clashes.

    Structural errors (bad TOML, unknown keys, wrong types) raise
    :class:`GlossaryError` instead.
    """
    out: list[Problem] = []
    per_file = [(str(p), load_file(p)) for p in paths]
    for path, terms in per_file:
        keys = [t.key() for t in terms]
        for a, b, t in zip(keys, keys[1:], terms[1:]):
            if b < a:
                out.append(Problem(path, t.en, "en", f"not sorted: comes after {a!r} (entries are sorted by en, case-insensitively)"))
                break
    if across_files:
        seen: dict[str, str] = {}
        for path, terms in per_file:
            for t in terms:
                if t.key() in seen and seen[t.key()] != path:
                    out.append(Problem(path, t.en, "en", f"also defined in {seen[t.key()]}"))
                seen.setdefault(t.key(), path)
        groups = [[t for _, terms in per_file for t in terms]]
    else:
        groups = [terms for _, terms in per_file]
    for terms in groups:
        out.extend(_clashes(terms))
    return out


def _clashes(terms: Sequence[Term]) -> list[Problem]:
    """Strings accepted and forbidden in one locale, and forbidden strings that fire inside accepted ones.

    A forbidden string *inside* an accepted one is fine (算法 inside 演算法):
    accepted renderings are masked before forbidden strings are searched. What
    must never happen is the matcher reporting one on an accepted rendering.
    """
    out: list[Problem] = []
    for loc in LOCALES:
        allowed: dict[str, Term] = {}
        for t in terms:
            for a in t.accepted(loc):
                allowed.setdefault(a, t)
        if not allowed:
            continue
        clashing = False
        for t in terms:
            for bad in t.rejected(loc):
                if bad in allowed:
                    other = allowed[bad]
                    clashing = True
                    out.append(Problem(t.source, t.en, f"forbidden.{loc}", f"{bad!r} is an accepted rendering of {other.en!r} in {loc}"))
        if clashing:
            continue
        index = LocaleIndex(terms, loc)
        for a, owner in sorted(allowed.items()):
            for hit in index.forbidden(a):
                out.append(
                    Problem(
                        hit.term.source,
                        hit.term.en,
                        f"forbidden.{loc}",
                        f"{hit.text!r} fires inside {a!r}, an accepted rendering of {owner.en!r} in {loc}",
                    )
                )
    return out


# --------------------------------------------------------------------------- #
# Matching
# --------------------------------------------------------------------------- #


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


def _bounded(text: str, start: int, end: int) -> bool:
    """Latin edges need a word boundary; Han edges never do."""
    if start > 0 and _is_word_char(text[start]) and _is_word_char(text[start - 1]):
        return False
    if end < len(text) and _is_word_char(text[end - 1]) and _is_word_char(text[end]):
        return False
    return True


def _utf8(text: str) -> str:
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def _line_starts(data: str) -> list[int]:
    """Offsets where each line starts (the document model's line breaks: \\n, \\r\\n, \\r)."""
    from itertools import accumulate

    # bytes.splitlines breaks at exactly these three, in C (str.splitlines would
    # also break at \x85, here a UTF-8 continuation byte).
    raw = data.encode("latin-1")
    starts = [0, *accumulate(map(len, raw.splitlines(True)))]
    if raw and not raw.endswith((b"\n", b"\r")):
        starts.pop()  # the last line has no ending: nothing starts after it
    return starts


class Matcher:
    """Aho-Corasick over a fixed set of strings, each with a value; finds every occurrence.

    The automaton runs over the UTF-8 bytes of the text (spelled as Latin-1
    characters). pyahocorasick searches a node's children one by one, and the
    root of an automaton over Chinese strings has hundreds of children when
    keyed by code point but a handful when keyed by UTF-8 lead byte: the byte
    form scans about ten times faster.
    """

    def __init__(self, items: dict[str, object]) -> None:
        import ahocorasick

        self._auto = None
        # NUL stands for blanked-out text (see _blank_out): a string holding one could match there.
        items = {k: v for k, v in items.items() if k and "\0" not in k}
        if items:
            auto = ahocorasick.Automaton()
            for key, value in items.items():
                data = _utf8(key)
                # The byte length, and whether an edge is a Latin word character (needing a boundary).
                latin = _is_word_char(key[0]) or _is_word_char(key[-1])
                auto.add_word(data, (key, value, len(data), latin))
            auto.make_automaton()
            self._auto = auto

    def __bool__(self) -> bool:
        return self._auto is not None

    def find(self, text: str, bounded: bool = False) -> list[tuple[int, int, str, object]]:
        """(start, end, string, value) of every occurrence; columns are code points, end exclusive.

        ``bounded`` drops occurrences whose Latin edge touches another Latin
        letter (see :func:`_bounded`); strings with Han edges are never tested.
        """
        if self._auto is None or not text:
            return []
        data = _utf8(text)
        hits = list(self._auto.iter(data))
        if not hits:
            return []
        out = []
        ascii_only = len(data) == len(text)
        for end, (key, value, _, latin) in hits:
            if ascii_only:
                stop = end + 1
            else:
                stop = len(data[: end + 1].encode("latin-1").decode("utf-8", "surrogatepass"))
            if bounded and latin and not _bounded(text, stop - len(key), stop):
                continue
            out.append((stop - len(key), stop, key, value))
        return out

    def scan(self, data: str, original: str | None = None) -> list[tuple[int, int, str, object]]:
        """(start, end, string, value) over text already in UTF-8 form (:func:`_utf8`): byte offsets.

        Occurrences whose Latin edge touches another Latin letter are dropped
        (tok in token); Han edges need no boundary. ``original`` is the text
        the edges are judged in when ``data`` is a masked copy of it.
        """
        if self._auto is None:
            return []
        text = data if original is None else original
        return [
            (end + 1 - size, end + 1, key, value)
            for end, (key, value, size, latin) in self._auto.iter(data)
            if not latin or _bounded(text, end + 1 - size, end + 1)
        ]

    def lines(self, doc: "Document") -> list[int]:
        """Lines of ``doc`` holding an occurrence: one scan of the whole text.

        Masking protected spans only removes occurrences, so lines not listed
        here need no closer look; most lines of a document are skipped this way.
        """
        if self._auto is None:
            return []
        data = _utf8(doc.text)
        ends = [end for end, _ in self._auto.iter(data)]
        if not ends:
            return []
        from bisect import bisect_right

        starts = _line_starts(data)
        return sorted({bisect_right(starts, e) for e in ends})


class _Terms:
    """The terms an index was built from, where no glossary owns it."""

    def __init__(self, terms: tuple[Term, ...]) -> None:
        self.terms = terms


class LocaleIndex(PartlyStored):
    """Forbidden strings of one locale in one automaton, accepted renderings in another.

    Most lines hold no forbidden string, so the forbidden automaton runs first
    (over the whole document: :meth:`candidate_lines`) and the accepted one
    only where it found something.

    The automata refer to terms by position in the glossary, and the disk
    cache keeps the accepted automaton and the TK403 one apart (see
    :mod:`transkit.stored`): a clean file loads neither, nor any term.
    """

    _apart = ("_ok", "_accepted_by", "_variants")

    def __init__(self, terms: Sequence[Term], lang: str) -> None:
        terms = tuple(terms)
        self.lang = lang
        self._owner: Glossary | _Terms = _Terms(terms)
        ok: dict[str, list[int]] = {}
        bad: dict[str, list[int]] = {}
        for i, t in enumerate(terms):
            acc = set(t.accepted(lang))
            if t.keep:
                acc.update(t.english)
            for s in acc:
                ok.setdefault(s, []).append(i)
            for s in t.rejected(lang):
                bad.setdefault(s, []).append(i)
        self.size = len(ok) + len(bad)
        self._accepted_by = {k: tuple(v) for k, v in ok.items()}
        self._ok = Matcher(self._accepted_by)
        # A string both accepted and forbidden (by different terms) is accepted.
        self._bad = Matcher({k: tuple(v) for k, v in bad.items() if k not in ok})

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_owner", None)  # the terms are stored once, beside the indexes
        return state

    def _rebuild(self, name: str) -> None:
        if name == "_variants":
            self.__dict__["_variants"] = self._build_variants()
        else:
            fresh = LocaleIndex(self._owner.terms, self.lang)
            self.__dict__.update(_ok=fresh._ok, _accepted_by=fresh._accepted_by)

    def _term(self, i: int) -> Term:
        return self._owner.terms[i]

    @staticmethod
    def _iter(matcher: "Matcher | None", text: str) -> list[tuple[int, int, str, tuple[int, ...]]]:
        if not matcher:
            return []
        return matcher.find(text, bounded=True)

    def candidate_lines(self, doc: "Document") -> list[int]:
        """Lines of ``doc`` that may hold a forbidden string."""
        return self._bad.lines(doc)

    def forbidden(self, text: str) -> list[Hit]:
        """Forbidden strings not covered by an accepted rendering.

        An accepted occurrence masks a forbidden one it overlaps, unless the
        accepted string lies wholly inside the forbidden one: 算法 does not fire
        inside 演算法, but 應用程序 still fires although 程序 is accepted.
        """
        found = self._iter(self._bad, text)
        if not found:
            return []
        allowed = [(s, e) for s, e, _, _ in self._iter(self._ok, text)]
        hits: list[Hit] = []
        for s, e, string, bad in found:
            if any(a < e and s < b and not (s <= a and b <= e) for a, b in allowed):
                continue
            term = self._term(bad[0])
            hits.append(Hit(s, e, string, term, term.preferred(self.lang)))
        return _leftmost_longest(hits)

    def accepted(self, text: str) -> list[Hit]:
        """Accepted renderings found in ``text``, longest first where they overlap."""
        return _leftmost_longest([Hit(s, e, string, self._term(ts[0])) for s, e, string, ts in self._iter(self._ok, text)])

    def _build_variants(self) -> "Matcher":
        """Renderings of terms that have several, plus the accepted strings overlapping them (for TK403).

        A term with one rendering can never be rendered inconsistently, so
        most of a document's matches need no look at all.
        """
        multi = set()
        terms = self._owner.terms
        for i in sorted({i for ts in self._accepted_by.values() for i in ts}):
            t = terms[i]
            forms = [a for a in t.accepted(self.lang) if a not in t.english]
            if len(forms) > 1:
                multi.update(forms)
        probe = Matcher({m: None for m in multi})
        # Value: the one term a string renders, or None (several terms, or the English kept).
        return Matcher(
            {
                s: (terms[ts[0]].en if len(ts) == 1 and s not in terms[ts[0]].english else None)
                for s, ts in self._accepted_by.items()
                if s in multi or probe.find(s)
            }
        )

    def first_renderings(self, doc: "Document") -> dict[str, dict[str, tuple[int, int]]]:
        """{English term: {rendering: (line, column)}} for terms with several renderings, first occurrences only.

        One scan over the whole document rather than one per line (these terms
        are common, so most lines hold one); occurrences in code blocks and
        protected spans are dropped before overlaps are resolved.
        """
        matcher = self._variants
        if not matcher:
            return {}
        from bisect import bisect_right
        from operator import itemgetter

        data = _utf8(doc.text)
        starts = _line_starts(data)
        protected = _protected_bytes(doc, starts, data)
        # Protected bytes become NUL (in no string: see Matcher), so the automaton
        # finds exactly the occurrences that touch no protected span.
        found = matcher.scan(_blank_out(data, protected), data) if protected else matcher.scan(data)
        if not found:
            return {}
        # Leftmost first, the longest first among those (two sorts: each in C).
        found.sort(key=itemgetter(1), reverse=True)
        found.sort(key=itemgetter(0))
        out: dict[str, dict[str, tuple[int, int]]] = {}
        # Once every string has its first occurrence the rest can change nothing.
        wanted = len({h[2] for h in found if h[3] is not None})
        last = -1
        for start, end, string, en in found:
            if start < last:
                continue
            last = end
            if en is None:
                continue
            slot = out.setdefault(en, {})
            if string not in slot:
                n = bisect_right(starts, start)
                col = len(data[starts[n - 1] : start].encode("latin-1").decode("utf-8", "surrogatepass")) + 1
                slot[string] = (n, col)
                wanted -= 1
                if not wanted:
                    break
        return out


def _blank_out(data: str, intervals: list[tuple[int, int]]) -> str:
    """``data`` with the sorted byte ``intervals`` replaced by NUL, offsets kept."""
    parts: list[str] = []
    pos = 0
    for a, b in intervals:
        if b <= pos:
            continue
        a = max(a, pos)
        parts.append(data[pos:a])
        parts.append("\0" * (b - a))
        pos = b
    parts.append(data[pos:])
    return "".join(parts)


def _protected_bytes(doc: "Document", starts: list[int], data: str) -> list[tuple[int, int]]:
    """Protected spans and code lines of ``doc`` as sorted byte intervals of its UTF-8 text."""
    out: list[tuple[int, int]] = []
    for n in doc.protected_lines():
        spans = doc.spans(n)
        if not spans:
            continue
        base = starts[n - 1]
        body = doc.lines[n - 1]
        if doc.is_code_line(n):
            out.append((base, starts[n] if n < len(starts) else len(data)))
            continue
        for sp in spans:
            a = base + len(_utf8(body[: sp.start]))
            b = a + len(_utf8(body[sp.start : sp.end]))
            out.append((a, b))
    out.sort()
    return out


def _leftmost_longest(hits: list[Hit]) -> list[Hit]:
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    out: list[Hit] = []
    last = -1
    for h in hits:
        if h.start >= last:
            out.append(h)
            last = h.end
    return out


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """Lowercase ASCII letters only, so columns never shift."""
    return text.translate(_ASCII_LOWER)


def _case_sensitive_form(form: str, term: Term) -> bool:
    # Acronyms and product names (RAG, LoRA, vLLM) are different words in
    # lower case ("rag"); a capital after the first letter marks them.
    return term.case_sensitive or any(ch.isupper() for ch in form[1:])


def _spellings(form: str) -> set[str]:
    """A form plus its hyphen/space variants: fine-tuning, fine tuning."""
    out = {form}
    if "-" in form:
        out.add(form.replace("-", " "))
    return out


class EnglishIndex:
    """English terms and variants, matched on word boundaries with simple plurals."""

    def __init__(self, terms: Sequence[Term]) -> None:
        import ahocorasick

        self._ci = ahocorasick.Automaton()
        self._cs = ahocorasick.Automaton()
        ci: dict[str, list[Term]] = {}
        cs: dict[str, list[Term]] = {}
        for t in terms:
            for form in t.english:
                for sp in _spellings(form):
                    if _case_sensitive_form(sp, t):
                        cs.setdefault(sp, []).append(t)
                    else:
                        ci.setdefault(ascii_lower(sp), []).append(t)
        for auto, table in ((self._ci, ci), (self._cs, cs)):
            for s, ts in table.items():
                auto.add_word(s, (s, tuple(ts)))
            if table:
                auto.make_automaton()
        self._has = (bool(ci), bool(cs))

    def find(self, text: str) -> list[Hit]:
        """Terms named in English text; the longest wins where matches overlap."""
        hits: list[Hit] = []
        for auto, hay, has in ((self._ci, ascii_lower(text), self._has[0]), (self._cs, text, self._has[1])):
            if not has:
                continue
            for end, (s, ts) in auto.iter(hay):
                start = end - len(s) + 1
                stop = _plural_end(hay, start, end + 1, s)
                if stop is not None:
                    hits.append(Hit(start, stop, text[start:stop], ts[0]))
        return _leftmost_longest(hits)


def _plural_end(text: str, start: int, end: int, form: str) -> int | None:
    if start > 0 and _is_word_char(text[start]) and _is_word_char(text[start - 1]):
        return None
    for extra in ("", "s", "es"):
        stop = end + len(extra)
        if text[end:stop].lower() == extra and (stop >= len(text) or not _is_word_char(text[stop])):
            return stop
    if form.endswith("y") and text[end - 1 : end + 2].lower() == "ies":
        stop = end + 2
        if stop >= len(text) or not _is_word_char(text[stop]):
            return stop
    return None


def line_texts(doc: "Document", lines: Iterable[int] | None = None, keep_blank: bool = False) -> Iterator[tuple[int, str]]:
    """(line, masked text) for every line with prose (or those of ``lines``): code and protected spans blanked.

    ``keep_blank`` also yields lines with no prose, as empty strings.
    """
    for n in range(1, doc.line_count + 1) if lines is None else lines:
        if doc.is_code_line(n):
            if keep_blank:
                yield n, ""
            continue
        masked = doc.masked(n)
        if masked.strip():
            yield n, masked
        elif keep_blank:
            yield n, ""




# --------------------------------------------------------------------------- #
# Writing TOML (the project's own format, sorted)
# --------------------------------------------------------------------------- #


def _toml_str(s: str) -> str:
    import json

    return json.dumps(s, ensure_ascii=False)


def _toml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_toml_str(v) for v in values) + "]"


def to_toml(terms: Iterable[Term], header: str = "") -> str:
    """Glossary TOML in the shipped files' layout, entries sorted by ``en``."""
    lines: list[str] = []
    if header:
        lines.extend(f"# {h}".rstrip() for h in header.splitlines())
        lines.append("")
    for t in sorted(terms, key=lambda t: t.key()):
        lines.append("[[term]]")
        lines.append(f"en = {_toml_str(t.en)}")
        if t.variants:
            lines.append(f"variants = {_toml_list(t.variants)}")
        for loc in LOCALES:
            if loc in t.forms:
                lines.append(f"{loc} = {_toml_str(t.forms[loc])}")
        for name, table in (("allowed", t.allowed), ("forbidden", t.forbidden)):
            for loc in LOCALES:
                if table.get(loc):
                    lines.append(f"{name}.{loc} = {_toml_list(table[loc])}")
        if t.keep:
            lines.append("keep = true")
        if t.case_sensitive:
            lines.append("case-sensitive = true")
        if t.note:
            lines.append(f"note = {_toml_str(t.note)}")
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- #
# Exchange formats: CSV and TBX-Basic
# --------------------------------------------------------------------------- #

CSV_COLUMNS = (
    "en",
    "zh-Hans",
    "zh-Hant",
    "variants",
    "zh-Hans allowed",
    "zh-Hant allowed",
    "zh-Hans forbidden",
    "zh-Hant forbidden",
    "keep",
    "case-sensitive",
    "note",
)
_SEP = ";"


def to_csv(terms: Iterable[Term]) -> str:
    """CSV with en / zh-Hans / zh-Hant first (what Crowdin and Weblate map), the rest after.

    Several strings in one cell are separated by ``;``.
    """
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for t in sorted(terms, key=lambda t: t.key()):
        w.writerow(
            [
                t.en,
                t.forms.get("zh-Hans", ""),
                t.forms.get("zh-Hant", ""),
                _SEP.join(t.variants),
                _SEP.join(t.allowed.get("zh-Hans", ())),
                _SEP.join(t.allowed.get("zh-Hant", ())),
                _SEP.join(t.forbidden.get("zh-Hans", ())),
                _SEP.join(t.forbidden.get("zh-Hant", ())),
                "true" if t.keep else "",
                "true" if t.case_sensitive else "",
                t.note,
            ]
        )
    return buf.getvalue()


def _csv_lang(header: str) -> tuple[str, str] | None:
    """('zh-Hant', 'allowed') for a header such as 'zh-TW allowed'; ('en', '') for 'en'."""
    from transkit import lang as langs

    parts = header.strip().split()
    if not parts:
        return None
    kind = parts[1].lower() if len(parts) > 1 else ""
    try:
        tag = langs.normalize(parts[0])
    except ValueError:
        return None
    return tag, kind


def from_csv(text: str, path: str = "<csv>") -> list[Term]:
    """Terms from a CSV glossary (this module's columns, or any with en and Chinese columns)."""
    import csv
    import io

    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")  # classic Mac line endings
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    except csv.Error as exc:
        raise GlossaryError(f"{path}: not a CSV file: {exc}") from None
    if not rows:
        raise GlossaryError(f"{path}: empty CSV file")
    header = [h.strip() for h in rows[0]]
    cols: dict[str, int] = {}
    for i, h in enumerate(header):
        low = h.lower()
        if low in ("variants", "keep", "case-sensitive", "note", "description"):
            cols["note" if low == "description" else low] = i
            continue
        lk = _csv_lang(h)
        if lk is None:
            continue
        tag, kind = lk
        if tag == "en" and kind in ("", "term", "source"):
            cols["en"] = i
        elif tag in LOCALES and kind in ("", "allowed", "forbidden"):
            cols[f"{tag} {kind}".strip()] = i
    if "en" not in cols:
        raise GlossaryError(f"{path}: line 1: no 'en' column (expected columns: {', '.join(CSV_COLUMNS)})")
    terms = []
    seen: dict[str, int] = {}
    for line_no, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue

        def cell(name: str) -> str:
            i = cols.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        def many(name: str) -> list[str]:
            return [v.strip() for v in cell(name).split(_SEP) if v.strip()]

        data: dict = {"en": cell("en")}
        if many("variants"):
            data["variants"] = many("variants")
        for loc in LOCALES:
            if cell(loc):
                data[loc] = cell(loc)
            for kind in ("allowed", "forbidden"):
                if many(f"{loc} {kind}"):
                    data.setdefault(kind, {})[loc] = many(f"{loc} {kind}")
        for flag in ("keep", "case-sensitive"):
            v = cell(flag).lower()
            if v in ("true", "yes", "1", "x"):
                data[flag] = True
            elif v not in ("", "false", "no", "0"):
                raise GlossaryError(f"{path}: line {line_no}: {flag}: expected true or false, got {cell(flag)!r}")
        if cell("note"):
            data["note"] = cell("note")
        if not data["en"]:
            raise GlossaryError(f"{path}: line {line_no}: en: empty")
        t = parse_term(data, f"{path}: line {line_no}", line_no)
        if t.key() in seen:
            raise GlossaryError(f"{path}: line {line_no}: term {t.en!r}: en: duplicate (also line {seen[t.key()]})")
        seen[t.key()] = line_no
        terms.append(t._replace(source=path))
    return terms


_TBX_STATUS = {
    "preferred": "preferredTerm-admn-sts",
    "admitted": "admittedTerm-admn-sts",
    "deprecated": "deprecatedTerm-admn-sts",
}
_CASE_NOTE = "transkit: case-sensitive"


def to_tbx(terms: Iterable[Term], title: str = "transkit glossary") -> str:
    """TBX-Basic (``martif type="TBX-Basic"``) as Weblate, Crowdin and translate-toolkit read it.

    Each entry is a ``termEntry`` with a ``langSet`` per language; the
    preferred rendering is ``preferredTerm-admn-sts``, allowed ones
    ``admittedTerm-admn-sts`` and forbidden ones ``deprecatedTerm-admn-sts``.
    A kept term has its English form as the Chinese preferred term.
    """
    from xml.sax.saxutils import escape, quoteattr

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">',
        '<martif type="TBX-Basic" xml:lang="en">',
        "  <martifHeader>",
        "    <fileDesc>",
        f"      <titleStmt><title>{escape(title)}</title></titleStmt>",
        "      <sourceDesc><p>Exported by transkit</p></sourceDesc>",
        "    </fileDesc>",
        '    <encodingDesc><p type="XCSURI">TBXBasicXCSV02.xcs</p></encodingDesc>',
        "  </martifHeader>",
        "  <text>",
        "    <body>",
    ]

    def tig(term: str, status: str) -> str:
        return (
            f"        <tig><term>{escape(term)}</term>"
            f'<termNote type="administrativeStatus">{_TBX_STATUS[status]}</termNote></tig>'
        )

    for n, t in enumerate(sorted(terms, key=lambda t: t.key()), 1):
        slug = re.sub(r"[^A-Za-z0-9]+", "-", t.en).strip("-").lower() or f"term-{n}"
        out.append(f"    <termEntry id={quoteattr(f'{slug}-{n}')}>")
        if t.note:
            out.append(f"      <note>{escape(t.note)}</note>")
        if t.case_sensitive:
            out.append(f"      <note>{_CASE_NOTE}</note>")
        out.append('      <langSet xml:lang="en">')
        out.append(tig(t.en, "preferred"))
        out.extend(tig(v, "admitted") for v in t.variants)
        out.append("      </langSet>")
        for loc in LOCALES:
            pref = t.forms.get(loc) or (t.en if t.keep and loc != "zh-HK" else None)
            rest = [*t.allowed.get(loc, ())]
            bad = [*t.forbidden.get(loc, ())]
            if not pref and not rest and not bad:
                continue
            out.append(f"      <langSet xml:lang={quoteattr(loc)}>")
            if pref:
                out.append(tig(pref, "preferred"))
            out.extend(tig(a, "admitted") for a in rest)
            out.extend(tig(b, "deprecated") for b in bad)
            out.append("      </langSet>")
        out.append("    </termEntry>")
    out += ["    </body>", "  </text>", "</martif>", ""]
    return "\n".join(out)


_XML_DECL = re.compile(rb"""\A(\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["'][^>]*\?>""")


def _xml_in_utf8(raw: bytes, path: str) -> bytes:
    """``raw`` with an encoding declaration expat cannot read (GBK, Big5, ...) decoded here.

    expat reads UTF-8, UTF-16, Latin-1 and ASCII itself and refuses multi-byte
    encodings; those are decoded with Python's codecs and the declaration dropped.
    """
    import codecs

    m = _XML_DECL.match(raw)
    if not m:
        return raw
    name = m.group(2).decode("ascii")
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise GlossaryError(f"{path}: unknown encoding {name!r} in the XML declaration") from None
    if codec in ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "iso8859-1", "ascii"):
        return raw
    try:
        text = raw[m.end() :].decode(codec)
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"{path}: not {name} as declared (byte {m.end() + exc.start})") from None
    return text.encode("utf-8")


def from_tbx(data: bytes | str, path: str = "<tbx>") -> list[Term]:
    """Terms from a TBX file (TBX-Basic or TBX v3 ``tbx`` root, with ``tig`` or ``ntig``)."""
    import xml.etree.ElementTree as ET

    from transkit import lang as langs

    raw = data.encode("utf-8") if isinstance(data, str) else data
    # DOCTYPE declarations are legal TBX; ElementTree ignores them and never fetches DTDs.
    try:
        root = ET.fromstring(_xml_in_utf8(raw, path))
    except ET.ParseError as exc:
        raise GlossaryError(f"{path}: not well-formed XML: {exc}") from None
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    def text_of(el) -> str:
        return "".join(el.itertext()).strip()

    terms: list[Term] = []
    seen: set[str] = set()
    entries = [el for el in root.iter() if local(el.tag) in ("termEntry", "conceptEntry")]
    for number, entry in enumerate(entries, 1):
        notes: list[str] = []
        by_lang: dict[str, dict[str, list[str]]] = {}
        for child in entry:
            if local(child.tag) in ("note", "descrip", "descripGrp"):
                txt = text_of(child)
                if txt:
                    notes.append(txt)
        for ls in entry:
            if local(ls.tag) != "langSet":
                continue
            tag = ls.get(xml_lang) or ls.get("lang") or ""
            try:
                loc = langs.normalize(tag)
            except ValueError:
                continue
            slot = by_lang.setdefault(loc, {"preferred": [], "admitted": [], "deprecated": []})
            for t_el in ls.iter():
                if local(t_el.tag) not in ("tig", "ntig", "termSec"):
                    continue
                term_el = next((e for e in t_el.iter() if local(e.tag) == "term"), None)
                if term_el is None or not text_of(term_el):
                    continue
                status = "admitted"
                for note in t_el.iter():
                    if local(note.tag) == "termNote" and note.get("type") in ("administrativeStatus", "normativeAuthorization"):
                        v = text_of(note).lower()
                        if v.startswith("preferred"):
                            status = "preferred"
                        elif v.startswith(("deprecated", "superseded", "rejected", "obsolete")):
                            status = "deprecated"
                slot[status].append(text_of(term_el))
        en_slot = by_lang.get("en")
        if not en_slot or not (en_slot["preferred"] or en_slot["admitted"]):
            raise GlossaryError(f"{path}: termEntry #{number}: no English term (langSet xml:lang=\"en\")")
        en_forms = en_slot["preferred"] + en_slot["admitted"]
        data: dict = {"en": en_forms[0]}
        if en_forms[1:]:
            data["variants"] = en_forms[1:]
        keep_votes = []
        for loc in LOCALES:
            slot = by_lang.get(loc)
            if not slot:
                continue
            ranked = slot["preferred"] + slot["admitted"]
            if ranked:
                keep_votes.append(ranked[0] == data["en"])
                if ranked[0] != data["en"]:
                    data[loc] = ranked[0]
                if ranked[1:]:
                    data.setdefault("allowed", {})[loc] = ranked[1:]
            if slot["deprecated"]:
                data.setdefault("forbidden", {})[loc] = slot["deprecated"]
        if keep_votes and all(keep_votes):
            data["keep"] = True
        elif any(keep_votes):
            # Only some locales keep the English: spell it out as the rendering.
            for loc in LOCALES:
                slot = by_lang.get(loc)
                if slot and (slot["preferred"] + slot["admitted"])[:1] == [data["en"]]:
                    data[loc] = data["en"]
        if _CASE_NOTE in notes:
            data["case-sensitive"] = True
            notes.remove(_CASE_NOTE)
        if notes:
            data["note"] = " ".join(notes)
        t = parse_term(data, path, number)
        if t.key() in seen:
            raise GlossaryError(f"{path}: term {t.en!r}: en: duplicate entry")
        seen.add(t.key())
        terms.append(t)
    return terms


def import_file(path: str | Path) -> list[Term]:
    """Terms from a TBX, CSV or TOML glossary, by extension (or content)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise GlossaryError(f"{p}: file not found") from None
    except OSError as exc:
        raise GlossaryError(f"{p}: cannot read: {exc.strerror}") from None
    suffix = p.suffix.lower()
    if suffix in (".tbx", ".xml") or data.lstrip()[:5] == b"<?xml":
        return from_tbx(data, str(p))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"{p}: not UTF-8 (byte {exc.start})") from None
    if suffix == ".toml":
        return parse_text(text, str(p))
    if suffix in (".csv", ".txt", ""):
        return from_csv(text, str(p))
    raise GlossaryError(f"{p}: unknown glossary format {suffix!r} (use .tbx, .csv or .toml)")


def import_terms(path: str | Path) -> list[Term]:
    """:func:`import_file` for ``transkit glossary import``: a file with no term is refused."""
    terms = import_file(path)
    if not terms and Path(path).suffix.lower() != ".toml":
        raise GlossaryError(f"{path}: no terms found (TBX: termEntry or conceptEntry elements; CSV: a header with en and a zh-Hans, zh-Hant or zh-HK column, then rows)")
    return terms


def export(glossary: Glossary | Iterable[Term], fmt: str) -> str:
    """The glossary as ``tbx``, ``csv`` or ``toml`` text."""
    terms = list(glossary)
    fmt = fmt.lower()
    if fmt == "tbx":
        return to_tbx(terms)
    if fmt == "csv":
        return to_csv(terms)
    if fmt == "toml":
        return to_toml(terms)
    raise GlossaryError(f"unknown export format {fmt!r} (use tbx, csv or toml)")


# --------------------------------------------------------------------------- #
# Mining term pairs from existing translations
# --------------------------------------------------------------------------- #


@frozen
class Suggestion:
    """A term pair found in a translation, with the evidence for it."""

    en: str
    rendering: str
    lang: str
    count: int
    where: tuple[str, ...]  # "path:line (pattern)"
    known: str | None = None  # the glossary's preferred form when the term exists already

    def to_term(self) -> Term:
        return Term(en=self.en, forms={self.lang: self.rendering}, note=f"mined: {'; '.join(self.where[:3])}")


_LATIN_TERM = r"[A-Za-z][A-Za-z0-9.+/&'’ -]{0,60}[A-Za-z0-9+)]|[A-Za-z]"
# 中文（English） with full- or half-width parentheses.
@lru_cache(maxsize=1)
def _mining_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """The term-mining patterns, compiled on first use: their Han ranges cost milliseconds to compile."""
    # A match starts where a Han run starts: tried inside the run too, it would
    # rescan the run's rest from every character (quadratic on a long line).
    zh_then_en = re.compile(r"(?<![\u3400-\u9fff])([\u3400-\u9fff][\u3400-\u9fff·\-]*)\s*[（(]\s*(" + _LATIN_TERM + r")\s*[）)]")
    en_then_zh = re.compile(r"(?<![A-Za-z0-9])(" + _LATIN_TERM + r")\s*[（(]\s*([\u3400-\u9fff][\u3400-\u9fff·]{0,15})\s*[）)]")
    bold_lead = re.compile(r"^\s*(?:[-*+]\s+|\d+[.)]\s+)?\*\*([^*]+?)\*\*")
    return zh_then_en, en_then_zh, bold_lead
# English（中文）: a kept English term glossed in Chinese.
_TRAIL_PUNCT = " \t:：;；,，.。、"


def _han_run_tail(run: str, en: str) -> str:
    """The end of a run of Han characters that renders ``en``: whole jieba words, about two per English word.

    The boundary of a term inside running Chinese text cannot be read off the
    characters, so jieba decides it here (mining is off the lint path).
    """
    if len(run) <= 4:
        return run
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    words = list(jieba.cut(run, HMM=False))
    want = max(2, min(8, _expected_length(en)))
    tail = ""
    for w in reversed(words):
        if len(tail) >= want:
            break
        tail = w + tail
    # A conjunction or preposition jieba glued to the front is not part of the term.
    while len(tail) > 2 and tail[0] in "和与與及或的在对對用把将將从從":
        tail = tail[1:]
    return tail


def _expected_length(en: str) -> int:
    """About two Han characters per English word; an acronym counts its letters as words (RAG: 6)."""
    letters = en.replace("-", "")
    if en.isalnum() and 2 <= sum(c.isupper() for c in letters) == len([c for c in letters if c.isalpha()]) <= 6:
        return 2 * sum(c.isalpha() for c in letters)
    return 2 * len(en.replace("-", " ").split())


def _plain(text: str) -> str:
    return text.strip().strip(_TRAIL_PUNCT).strip("*_ ")


def mine(source: "Document", target: "Document", target_lang: str, glossary: Glossary | None = None) -> list[Suggestion]:
    """Term pairs found in a translation and its source.

    Patterns: ``中文（English）`` and ``English（中文）`` anywhere in the
    translation, the bold lead of a paragraph or list item
    (``**分词（Tokenization）：**``), and bold leads at the same position in
    aligned sections of the source and the translation.
    """
    from transkit.document import is_han

    found: dict[tuple[str, str], list[str]] = {}

    def add(en: str, zh: str, line: int, pattern: str) -> None:
        en, zh = " ".join(_plain(en).split()), _plain(zh)
        if not en or not zh or not any(is_han(c) for c in zh) or any(is_han(c) for c in en):
            return
        if len(zh) > 16 or len(en) > 60 or en.isdigit():
            return
        found.setdefault((en, zh), []).append(f"{target.path}:{line} ({pattern})")

    for n, masked in line_texts(target):
        m = _mining_patterns()[2].match(masked)
        if m:
            inner = m.group(1)
            pm = re.fullmatch(r"\s*(.+?)\s*[（(]\s*(" + _LATIN_TERM + r")\s*[）)]\s*[:：]?\s*", inner)
            if pm and any(is_han(c) for c in pm.group(1)):
                add(pm.group(2), pm.group(1), n, "bold 中文（English）")
                # The rest of the line may hold more pairs; the lead is done.
                masked = " " * m.end() + masked[m.end() :]
        for m in _mining_patterns()[0].finditer(masked):
            zh = _han_run_tail(m.group(1), m.group(2))
            add(m.group(2), zh, n, "中文（English）")
        for m in _mining_patterns()[1].finditer(masked):
            zh = m.group(2)
            # A gloss, not a description: short, and no 的 (AutoGen（对话驱动的多代理系统）).
            if "的" not in zh and len(zh) <= _expected_length(m.group(1)) + 2:
                add(m.group(1), zh, n, "English（中文）")

    # Bold leads at the same position in aligned sections.
    try:
        from transkit.align import align_documents

        pairs = [(p.source, p.target) for p in align_documents(source, target).pairs if p.source is not None and p.target is not None]
    except ImportError:  # pragma: no cover - the aligner is part of the package
        pairs = list(zip(source.sections, target.sections))
    for s_sec, t_sec in pairs:
        s_leads = _bold_leads(source, s_sec)
        t_leads = _bold_leads(target, t_sec)
        if not s_leads or len(s_leads) != len(t_leads):
            continue
        for (_, en), (tn, zh) in zip(s_leads, t_leads):
            pm = re.fullmatch(r"(.+?)\s*[（(].*", zh)
            zh_core = pm.group(1) if pm else zh
            add(en, zh_core, tn, "bold at the same position")

    out: list[Suggestion] = []
    for (en, zh), where in found.items():
        known_term = glossary.find(en) if glossary else None
        known = known_term.preferred(target_lang) if known_term else None
        out.append(Suggestion(en, zh, target_lang, len(where), tuple(where), known))
    out.sort(key=lambda s: (s.en.casefold(), -s.count, s.rendering))
    return out


def _bold_leads(doc: "Document", sec) -> list[tuple[int, str]]:
    out = []
    for b in sec.body_blocks:
        if b.kind.value not in ("paragraph", "list-item"):
            continue
        m = _mining_patterns()[2].match(doc.masked(b.start_line))
        if m:
            out.append((b.start_line, m.group(1)))
    return out


def suggestions_toml(suggestions: Sequence[Suggestion], *, include_known: bool = False) -> str:
    """Suggestions as ``[[term]]`` entries for review (one rendering per English term: the most frequent)."""
    best: dict[str, Suggestion] = {}
    others: dict[str, list[Suggestion]] = {}
    for s in suggestions:
        k = s.en.casefold()
        if k not in best:
            best[k] = s
        else:
            others.setdefault(k, []).append(s)
    lines = ["# Term pairs mined by `transkit glossary suggest`: review every entry before adding it.", ""]
    for k in sorted(best):
        s = best[k]
        if s.known is not None and not include_known:
            continue
        lines.append("[[term]]")
        lines.append(f"en = {_toml_str(s.en)}")
        lines.append(f"{s.lang} = {_toml_str(s.rendering)}")
        alts = [o.rendering for o in others.get(k, [])]
        if alts:
            lines.append(f"allowed.{s.lang} = {_toml_list(alts)}")
        where = "; ".join(s.where[:3]) + (f" and {len(s.where) - 3} more" if len(s.where) > 3 else "")
        note = f"seen {s.count}x: {where}"
        if s.known is not None:
            note += f"; glossary has {s.known!r}"
        lines.append(f"note = {_toml_str(note)}")
        lines.append("")
    return "\n".join(lines)


__all__ = [
    "LOCALES",
    "Term",
    "Glossary",
    "Hit",
    "Problem",
    "Suggestion",
    "LocaleIndex",
    "EnglishIndex",
    "load",
    "load_file",
    "load_merged",
    "merge",
    "parse_text",
    "problems",
    "shipped_files",
    "to_toml",
    "to_csv",
    "to_tbx",
    "from_csv",
    "from_tbx",
    "import_file",
    "export",
    "mine",
    "suggestions_toml",
    "line_texts",
    "ascii_lower",
    "Matcher",
]
