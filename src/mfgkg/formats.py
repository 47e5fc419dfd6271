"""Render query answers as text: table, csv, tsv, json, sparql-json, md (and Turtle for graphs)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable

from .results import BooleanResult, GraphResult, Result, Term

FORMATS = ("table", "csv", "tsv", "json", "sparql-json", "md")


def _cell(term: Term | None) -> str:
    return "" if term is None else term.canonical()


def table(result: Result, width: int | None = None) -> str:
    """Aligned columns for a terminal; cells wider than their share of ``width`` are cut with an ellipsis."""
    cells = [[_cell(t).replace("\n", " ") for t in row] for row in result.rows]
    widths = [max([len(col), *(len(r[i]) for r in cells)]) for i, col in enumerate(result.columns)]
    if width:
        widths = _fit(widths, [len(c) for c in result.columns], width)

    def line(values: list[str]) -> str:
        cut = [v if len(v) <= w else v[: max(w - 1, 0)] + "\u2026" for v, w in zip(values, widths, strict=True)]
        parts = [v.ljust(w) for v, w in zip(cut, widths, strict=True)]
        return "  ".join(parts).rstrip()

    out = [line(list(result.columns)), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out) + "\n"


def _fit(widths: list[int], minimum: list[int], total: int) -> list[int]:
    """Shrink the widest columns until the row fits ``total`` characters (never below the header)."""
    widths = list(widths)
    budget = total - 2 * (len(widths) - 1)
    while sum(widths) > budget:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= max(minimum[widest], 12):
            break
        widths[widest] -= 1
    return widths


def _delimited(result: Result, dialect: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect=dialect, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow([_cell(t) for t in row])
    return buffer.getvalue()


def to_csv(result: Result) -> str:
    return _delimited(result, "excel")


def to_tsv(result: Result) -> str:
    buffer = io.StringIO()
    buffer.write("\t".join(result.columns) + "\n")
    for row in result.rows:
        buffer.write("\t".join(_cell(t).replace("\t", " ").replace("\n", " ") for t in row) + "\n")
    return buffer.getvalue()


def to_json(result: Result) -> str:
    """A JSON array of objects keyed by column; numbers as numbers, unbound as null."""
    return json.dumps(result.records(), indent=1, ensure_ascii=False) + "\n"


def to_sparql_json(result: Result) -> str:
    """W3C SPARQL 1.1 Query Results JSON."""
    bindings = [
        {col: term.sparql_json() for col, term in zip(result.columns, row, strict=True) if term is not None}
        for row in result.rows
    ]
    doc = {"head": {"vars": list(result.columns)}, "results": {"bindings": bindings}}
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def to_markdown(result: Result) -> str:
    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(result.columns) + " |", "|" + "|".join("---" for _ in result.columns) + "|"]
    out += ["| " + " | ".join(esc(_cell(t)) for t in row) + " |" for row in result.rows]
    return "\n".join(out) + "\n"


RENDERERS: dict[str, Callable[[Result], str]] = {
    "csv": to_csv,
    "tsv": to_tsv,
    "json": to_json,
    "sparql-json": to_sparql_json,
    "md": to_markdown,
}


def render(answer: Result | GraphResult | BooleanResult, fmt: str, width: int | None = None) -> str:
    """Any answer in format ``fmt``; graphs are always Turtle, booleans follow the format."""
    if isinstance(answer, GraphResult):
        return answer.turtle
    if isinstance(answer, BooleanResult):
        if fmt == "sparql-json":
            return json.dumps({"head": {}, "boolean": answer.value}) + "\n"
        return ("true" if answer.value else "false") + "\n"
    if fmt == "table":
        return table(answer, width)
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format '{fmt}'")
    return RENDERERS[fmt](answer)


def terminal_width() -> int:
    return shutil.get_terminal_size((120, 24)).columns
