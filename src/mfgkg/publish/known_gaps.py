"""``seeds/known-gaps.md``: what the graph does not yet hold, generated so it cannot drift.

The page has two parts: the field coverage of every entity type (from
:mod:`mfgkg.analysis.coverage`), naming the entities whose fields are empty, and the editors'
notes on what they looked for and where (each seed file's ``gaps:`` list), file by file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# Above this many empty entities for one field, the page gives the count instead of the names.
MAX_NAMES = 20
HEADER = """# Known gaps

What the graph does not yet hold. This page is generated from the graph and from the `gaps:`
list at the end of each seed file: edit those and run
`mfgkg coverage --known-gaps seeds/known-gaps.md`, never this page by hand. Nothing missing is
filled from memory.
"""


def render(by_type: pd.DataFrame, detail: pd.DataFrame, gaps: Iterable[tuple[str, str]]) -> str:
    """The page, from coverage tables and (seed file, gap note) pairs."""
    lines = [HEADER, "## Coverage by entity type", "",
             "Each entity of a type is expected to carry the fields its seed section defines. *Sourced*: a value "
             "with a cited source; *filled*: a value the build derives; *disputed*: sources disagree and "
             "the editors ranked them; *empty*: none recorded.", "",
             "| type | entities | fields | sourced | filled | disputed | empty | filled share |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in by_type.to_dict("records"):
        lines.append(f"| {row['type']} | {row['entities']} | {row['fields']} | {row['sourced']} | {row['filled']} "
                     f"| {row['disputed']} | {row['empty']} | {row['filled_share']:.0%} |")
    lines += ["", "## Empty fields", ""]
    empty = detail[detail["state"] == "empty"]
    for (kind, field), group in empty.groupby(["type", "field"], sort=False):
        total = int((detail["type"] == kind).groupby(detail["field"]).sum()[field])
        names = sorted(group["label"].where(group["label"] != "", group["entity"]))
        listed = ", ".join(names) if len(names) <= MAX_NAMES else f"{len(names)} entities"
        lines.append(f"* **{kind} · {field}** ({len(names)} of {total}): {listed}")
    lines += ["", "## What the editors looked for", ""]
    current = None
    for file, note in gaps:
        if file != current:
            lines += ["", f"### {file}", ""] if current is not None else [f"### {file}", ""]
            current = file
        lines.append(f"* {' '.join(note.split())}")
    return "\n".join(lines) + "\n"
