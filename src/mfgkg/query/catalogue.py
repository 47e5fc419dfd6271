"""The saved-query catalogue: ``queries/*.rq`` files and the headers that describe them.

Each file opens with a comment block in YAML (every line starting with ``#``) giving the
query's title, description, parameters and result columns, then the SPARQL text. The header
is the query's documented contract: parameters bound at run time and the columns returned.
Columns named under ``lists`` hold several values joined by " | " (GROUP_CONCAT); the runner
sorts their items, because engines concatenate in no guaranteed order.

Reading a header means loading a YAML parser, which costs more than the rest of a command-line
query; so each checked header is also kept, as JSON, in the build cache under a key made of
the file's bytes and this module's and the lexer's source. An edit to either gives a new key,
and a header is only ever read back exactly as it was checked.

A saved query is held to the same guard as an ad hoc one (:mod:`mfgkg.query.query_guard`): a
file calling ``SERVICE``, or shaped to crash the engine, is refused when it is read, whether its
header was kept or not, since the file decides what the engine is asked.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from mfgkg.atomic import read_marker, write_atomic
from mfgkg.errors import QueryError
from mfgkg.query.sparql_lexer import projection

NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LIST_SEPARATOR = " | "
PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Parameter:
    """A query parameter: its name, type (see :mod:`mfgkg.query.params`), default, example and meaning."""

    name: str
    type: str
    description: str
    required: bool = False
    default: str | None = None
    example: str | None = None

    @property
    def variable(self) -> str:
        """The query variable this parameter binds."""
        return f"param_{self.name}"


@dataclass(frozen=True)
class SavedQuery:
    """One saved query: header metadata plus the SPARQL text."""

    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    columns: tuple[tuple[str, str], ...]
    text: str
    path: Path
    lists: tuple[str, ...] = ()
    partial: str | None = None  # what every answer leaves out because the sources do, said with each answer

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name`` (dashes and a trailing underscore are accepted)."""
        wanted = name.rstrip("_").replace("-", "_")
        for param in self.parameters:
            if param.name == wanted:
                return param
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise QueryError(f"query '{self.name}': unknown parameter '{name}' (parameters: {known})")

    def example_params(self) -> dict[str, str]:
        """The example value of every parameter that has one, for demonstrations and smoke runs."""
        return {p.name: p.example for p in self.parameters if p.example is not None}


def _header(path: Path) -> tuple[str, str]:
    """Split a .rq file into its YAML header (comment markers removed) and the query text."""
    text = path.read_text(encoding="utf-8")
    header: list[str] = []
    lines = text.splitlines()
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line[2:] if line.startswith("# ") else line[1:])
    return "\n".join(header), text


def _field(meta: dict[str, Any], key: str, where: str, kind: type = str, required: bool = True) -> Any:
    value = meta.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, kind):
        raise QueryError(f"{where}: header field '{key}' must be a {kind.__name__}")
    return value


def _parameter(name: str, spec: Any, where: str) -> Parameter:
    if not PARAM_NAME.match(str(name)):
        raise QueryError(f"{where}: parameter name '{name}' must be lowercase letters, digits and underscores")
    if not isinstance(spec, dict):
        raise QueryError(f"{where}: parameter '{name}' must be a mapping with type and description")
    unknown = set(spec) - {"type", "description", "required", "default", "example"}
    if unknown:
        raise QueryError(f"{where}: parameter '{name}' has unknown field(s) {', '.join(sorted(unknown))}")
    place = f"{where}: parameter '{name}'"
    required = bool(spec.get("required", False))
    default = spec.get("default")
    if required == (default is not None):
        raise QueryError(f"{place}: give either 'required: true' or a 'default'")
    example = spec.get("example")
    return Parameter(
        name=name,
        type=_field(spec, "type", place),
        description=_field(spec, "description", place),
        required=required,
        default=None if default is None else str(default),
        example=None if example is None else str(example),
    )


def parse(path: Path) -> SavedQuery:
    """Read one saved query; a malformed header raises :class:`QueryError` naming the file and field."""
    where = f"queries/{path.name}"
    name = path.stem
    if not NAME.match(name):
        raise QueryError(f"{where}: file name must be lowercase words joined by hyphens")
    header, text = _header(path)
    guard(text, where)
    kept = _checked_header(header, text)
    try:
        return _from_json(json.loads(read_marker(kept).decode("utf-8")), text, path)
    except (OSError, ValueError, KeyError, TypeError):
        pass  # none kept, or unreadable: check the header again
    query = _parse_header(header, text, path, where)
    _keep(kept, query)
    return query


def guard(text: str, where: str) -> str:
    """``text`` if an ad hoc query like it would run; else a :class:`QueryError` naming ``where``
    (the file), for a SERVICE call, an update or a shape that crashes the engine."""
    from mfgkg.query.query_guard import check

    try:
        check(text)
    except QueryError as exc:
        raise QueryError(f"{where}: {exc}") from None
    return text


@functools.cache
def _parser_source() -> bytes:
    """The code that checks a header; part of each kept header's key."""
    from mfgkg.query import sparql_lexer

    return Path(__file__).read_bytes() + Path(sparql_lexer.__file__).read_bytes()


def _checked_header(header: str, text: str) -> Path:
    """Where the checked form of this header is kept in the build cache."""
    from mfgkg.data.cache import cache_root

    digest = hashlib.sha256(_parser_source())
    digest.update(text.encode("utf-8"))
    return cache_root() / "queries" / f"{digest.hexdigest()[:32]}.json"


def _keep(kept: Path, query: SavedQuery) -> None:
    """Write a checked header for the next run, atomically; a cache that cannot be written is skipped."""
    fields = {k: v for k, v in asdict(query).items() if k not in ("text", "path")}
    with contextlib.suppress(OSError):
        write_atomic({kept: json.dumps(fields)})


def _from_json(fields: dict[str, Any], text: str, path: Path) -> SavedQuery:
    """A kept header as a saved query; its name is its file's (the same text may be saved under two names)."""
    return SavedQuery(
        name=path.stem, title=fields["title"], description=fields["description"],
        parameters=tuple(Parameter(**p) for p in fields["parameters"]),
        columns=tuple((str(c), str(d)) for c, d in fields["columns"]),
        text=text, path=path, lists=tuple(fields["lists"]), partial=fields.get("partial"))


def _parse_header(header: str, text: str, path: Path, where: str) -> SavedQuery:
    import yaml

    try:
        meta = yaml.safe_load(header) or {}
    except yaml.YAMLError as exc:
        raise QueryError(f"{where}: header is not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(meta, dict):
        raise QueryError(f"{where}: header must be a mapping of title, description, parameters, columns")
    unknown = set(meta) - {"title", "description", "parameters", "columns", "lists", "partial"}
    if unknown:
        raise QueryError(f"{where}: unknown header field(s) {', '.join(sorted(unknown))}")
    params = _field(meta, "parameters", where, dict, required=False) or {}
    columns = _field(meta, "columns", where, dict)
    lists = tuple(_field(meta, "lists", where, list, required=False) or ())
    if not set(lists) <= set(columns):
        raise QueryError(f"{where}: header field 'lists' names columns that are not declared: "
                         f"{', '.join(sorted(set(lists) - set(columns)))}")
    query = SavedQuery(
        name=path.stem,
        title=_field(meta, "title", where),
        description=" ".join(_field(meta, "description", where).split()),
        parameters=tuple(_parameter(k, v, where) for k, v in params.items()),
        columns=tuple((str(k), " ".join(str(v).split())) for k, v in columns.items()),
        text=text,
        path=path,
        lists=lists,
        partial=" ".join(str(meta["partial"]).split()) if meta.get("partial") else None,
    )
    _check_projection(query, where)
    return query


def _check_projection(query: SavedQuery, where: str) -> None:
    """The SELECT clause must project exactly the declared columns, then the parameters.

    Parameter ``x`` is the variable ``?param_x``. Engines that pre-bind variables (SPARQL 1.1
    SEP-0007 substitution) only bind projected variables, so parameters are projected too;
    they are dropped from the returned rows.
    """
    projected = projection(query.text)
    if projected is None:
        raise QueryError(f"{where}: must be a SELECT query")
    expected = query.column_names + tuple(p.variable for p in query.parameters)
    if projected != expected:
        raise QueryError(f"{where}: SELECT projects {' '.join(projected)}; the header declares "
                         f"{' '.join(expected)} (columns, then a param_ variable per parameter)")


class Catalogue:
    """All saved queries of a ``queries/`` directory, by name."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise QueryError(f"{self.directory}: no queries directory")
        self._paths = {p.stem: p for p in sorted(self.directory.glob("*.rq"))}
        self._parsed: dict[str, SavedQuery] = {}

    @property
    def names(self) -> list[str]:
        return list(self._paths)

    def __contains__(self, name: object) -> bool:
        return name in self._paths

    def __iter__(self):
        return (self[name] for name in self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def __getitem__(self, name: str) -> SavedQuery:
        if name not in self._paths:
            from difflib import get_close_matches  # only for a wrong name: start-up stays light

            hint = get_close_matches(name, self._paths, n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else "; run 'mfgkg queries' for the list"
            raise QueryError(f"unknown query '{name}'{suggestion}")
        if name not in self._parsed:
            self._parsed[name] = parse(self._paths[name])
        return self._parsed[name]
