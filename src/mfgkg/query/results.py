"""Query results that do not depend on the store that produced them.

Every backend turns its own terms into :class:`Term` values, so results from rdflib, Oxigraph
or a remote endpoint compare equal and print the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import TYPE_CHECKING, Any

from mfgkg.errors import ResultTooLarge

if TYPE_CHECKING:
    import pandas

XSD = "http://www.w3.org/2001/XMLSchema#"
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
INTEGER_TYPES = frozenset(
    XSD + name
    for name in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                 "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong")
)
FLOAT_TYPES = frozenset({XSD + "double", XSD + "float"})


def capped(items: Iterable[Any], limit: int | None) -> list[Any]:
    """The items as a list, stopping with ResultTooLarge once there are more than ``limit``."""
    if limit is None:
        return list(items)
    out = list(islice(items, limit + 1))
    if len(out) > limit:
        raise ResultTooLarge(f"the answer has more than {limit} rows or triples; narrow the query or add LIMIT")
    return out


def list_order(items: Iterable[str]) -> list[str]:
    """The distinct items in the order list columns show them: by name ignoring case (DOE, DoD)."""
    return sorted(set(items), key=lambda v: (v.casefold(), v))


@dataclass(frozen=True, slots=True)
class Term:
    """An RDF term: ``kind`` is "uri", "literal" or "bnode"; literals may carry a datatype or language."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    def canonical(self) -> str:
        """The value as people read it: numbers in canonical form (70000000, not 7.0E7), else the lexical form."""
        if self.kind == "literal" and self.datatype == XSD + "decimal":
            try:
                number = Decimal(self.value)
            except InvalidOperation:
                return self.value
            text = format(number.normalize(), "f")
            return "0" if text in ("-0", "") else text
        if self.kind == "literal" and self.datatype in INTEGER_TYPES:
            try:
                return str(int(self.value))
            except ValueError:
                return self.value
        return self.value

    def python(self) -> Any:
        """Plain Python value for JSON and DataFrames: int, float, bool or str."""
        if self.kind != "literal" or self.datatype is None:
            return self.value
        try:
            if self.datatype in INTEGER_TYPES:
                return int(self.value)
            if self.datatype == XSD + "decimal":
                number = Decimal(self.value)
                return int(number) if number == number.to_integral_value() else float(number)
            if self.datatype in FLOAT_TYPES:
                return float(self.value)
        except (ValueError, InvalidOperation):
            return self.value
        if self.datatype == XSD + "boolean":
            return self.value in ("true", "1")
        return self.value

    def sparql_json(self) -> dict[str, str]:
        """The term as a binding in the SPARQL 1.1 Query Results JSON format."""
        if self.kind == "literal":
            out = {"type": "literal", "value": self.value}
            if self.lang:
                out["xml:lang"] = self.lang
            elif self.datatype and self.datatype != XSD + "string":
                out["datatype"] = self.datatype
            return out
        return {"type": self.kind, "value": self.value}


Row = tuple[Term | None, ...]
Triple = tuple[Term, Term, Term]


@dataclass(frozen=True)
class Result:
    """Rows of a SELECT query, with ``columns`` naming each position."""

    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def column(self, name: str) -> list[Any]:
        """The plain values of one column, ``None`` where unbound."""
        index = self.columns.index(name)
        return [None if row[index] is None else row[index].python() for row in self.rows]

    def records(self) -> list[dict[str, Any]]:
        """One dict per row, keyed by column, with plain values (``None`` where unbound)."""
        return [
            {col: (None if term is None else term.python()) for col, term in zip(self.columns, row, strict=True)}
            for row in self.rows
        ]

    @classmethod
    def from_frame(cls, frame: pandas.DataFrame) -> Result:
        """A table of plain values (from an analysis) as rows of literals, for the shared formats."""
        def literal(value: Any) -> Term | None:
            value = value.item() if hasattr(value, "item") else value  # NumPy scalars to Python ones
            if value is None or (isinstance(value, float) and value != value):
                return None
            if isinstance(value, bool):
                return Term("literal", str(value).lower(), XSD + "boolean")
            if isinstance(value, int):
                return Term("literal", str(value), XSD + "integer")
            if isinstance(value, float):
                return Term("literal", format(Decimal(repr(value)).normalize(), "f"), XSD + "decimal")
            return Term("literal", str(value))

        return cls(tuple(str(c) for c in frame.columns),
                   tuple(tuple(literal(v) for v in row) for row in frame.itertuples(index=False, name=None)))

    def select(self, columns: Sequence[str]) -> Result:
        """The same rows restricted to ``columns``, in that order."""
        index = [self.columns.index(c) for c in columns]
        return Result(tuple(columns), tuple(tuple(row[i] for i in index) for row in self.rows))

    def sort_lists(self, columns: Sequence[str], separator: str) -> Result:
        """The same rows with the items of each list column (joined by ``separator``) sorted."""
        index = {self.columns.index(c) for c in columns}
        done: dict[str, Term] = {}

        def fix(i: int, term: Term | None) -> Term | None:
            if i not in index or term is None:
                return term
            if term.value not in done:
                items = list_order(term.value.split(separator))
                done[term.value] = Term("literal", separator.join(items))
            return done[term.value]

        return Result(self.columns, tuple(tuple(fix(i, t) for i, t in enumerate(row)) for row in self.rows))

    def to_frame(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame with plain values. A column of integers with gaps (a year some
        rows lack) is pandas' nullable Int64, not float, so years stay years."""
        import pandas

        records = self.records()
        frame = pandas.DataFrame.from_records(records, columns=list(self.columns))
        for column in self.columns:
            values = [r[column] for r in records if r[column] is not None]
            if values and len(values) < len(records) and all(isinstance(v, int) and not isinstance(v, bool)
                                                              for v in values):
                frame[column] = frame[column].astype("Int64")
        return frame


@dataclass(frozen=True)
class GraphResult:
    """Triples from a CONSTRUCT or DESCRIBE query, as store-independent terms.

    :mod:`mfgkg.query.wire` writes them in any RDF syntax.
    """

    triples: tuple[Triple, ...]

    def __len__(self) -> int:
        return len(self.triples)


@dataclass(frozen=True)
class BooleanResult:
    """The answer to an ASK query."""

    value: bool
