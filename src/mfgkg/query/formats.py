"""Render query answers as text: table, json (records) and md here; csv, tsv and sparql-json
(the W3C formats) and Turtle for graphs through :mod:`mfgkg.query.wire`.

The formats people read on a terminal (table, md) show a value's control characters as escapes
(:func:`mfgkg.errors.printable`), so a label cannot clear the screen or rewrite a line; the
machine formats (json, csv, tsv, sparql-json, Turtle) keep every value exact."""

from __future__ import annotations

import json
from collections.abc import Callable

from mfgkg.choices import QUERY_FORMATS
from mfgkg.errors import printable
from mfgkg.query import wire
from mfgkg.query.results import BooleanResult, GraphResult, Result, Term

FORMATS = QUERY_FORMATS


def _cell(term: Term | None) -> str:
    return "" if term is None else term.canonical()


def _shown(term: Term | None) -> str:
    """A cell as a terminal shows it: one line (newlines as spaces), tabs kept, other control characters as escapes."""
    return printable(_cell(term).replace("\n", " "), keep="\t")


def table(result: Result, width: int | None = None) -> str:
    """Aligned columns for a terminal; cells wider than their share of ``width`` are cut with an ellipsis."""
    cells = [[_shown(t) for t in row] for row in result.rows]
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


def to_json(result: Result) -> str:
    """A JSON array of objects keyed by column; numbers as numbers, unbound as null."""
    return json.dumps(result.records(), indent=1, ensure_ascii=False) + "\n"


def to_markdown(result: Result) -> str:
    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|")

    out = ["| " + " | ".join(result.columns) + " |", "|" + "|".join("---" for _ in result.columns) + "|"]
    out += ["| " + " | ".join(esc(_shown(t)) for t in row) + " |" for row in result.rows]
    return "\n".join(out) + "\n"


# Human formats, written here; the W3C ones (csv, tsv, sparql-json) are written by the engine.
RENDERERS: dict[str, Callable[[Result], str]] = {"json": to_json, "md": to_markdown}
WIRE = {"csv": "csv", "tsv": "tsv", "sparql-json": "json"}


def render(answer: Result | GraphResult | BooleanResult, fmt: str, width: int | None = None) -> str:
    """Any answer in format ``fmt``: graphs are always Turtle; booleans are the bare word in the
    human formats and SPARQL results in the W3C ones."""
    if isinstance(answer, GraphResult):
        return wire.write_graph(answer.triples, "turtle").decode("utf-8")
    if fmt in WIRE:
        return wire.write_results(answer, WIRE[fmt]).decode("utf-8")
    if isinstance(answer, BooleanResult):
        return ("true" if answer.value else "false") + "\n"
    if fmt == "table":
        return table(answer, width)
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format '{fmt}'")
    return RENDERERS[fmt](answer)


def terminal_width() -> int:
    """Columns of the terminal (COLUMNS wins; 120 when there is no terminal)."""
    import shutil  # only when printing to a terminal: importing it costs a cold query a tenth of its time

    return shutil.get_terminal_size((120, 24)).columns
