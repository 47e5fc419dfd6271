"""Reconciled money totals for any grouping, read from the ledger the build materialised.

The build decides once which figures totals may add (:mod:`mfgkg.data.ledger`); the
``funding-ledger`` saved query lists every figure with that verdict. Here those rows are summed
by department, office, institute, technology area (an area holds its narrower ones), state or
year: federal and non-federal money in separate columns, each a lower and an upper bound (the
upper one empty where a source gives only a floor). :func:`explain` gives, for every group, the
figures behind its total and why each other one is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mfgkg.choices import MONEY_GROUPINGS
from mfgkg.errors import QueryError
from mfgkg.query.catalogue import LIST_SEPARATOR

if TYPE_CHECKING:
    import pandas as pd

    from mfgkg.kg import KnowledgeGraph

PAYERS = ("federal", "non-federal")
NOT_RECORDED = "(not recorded)"
NON_FEDERAL = "(non-federal partners)"
TOTAL_COLUMNS = ["group", "federal_lower", "federal_upper", "federal_bound", "non_federal_lower",
                 "non_federal_upper", "non_federal_bound", "figures", "left_out"]
EXPLAIN_COLUMNS = ["group", "status", "payer", "institute", "funder", "kind", "comparator", "amount", "year",
                   "year_basis", "project", "lower", "upper", "approximate", "reason", "funding"]


@dataclass
class Range:
    """A sum of counted figures: lower bound, upper bound (None: unbounded), approximate or not."""

    lower: Decimal = Decimal(0)
    upper: Decimal | None = Decimal(0)
    figures: int = 0
    approximate: bool = False

    def add(self, row: dict[str, Any]) -> None:
        """Add a counted ledger row."""
        self.lower += Decimal(str(row["lower"]))
        self.upper = None if row["upper"] is None or self.upper is None else self.upper + Decimal(str(row["upper"]))
        self.approximate = self.approximate or bool(row["approximate"])
        self.figures += 1

    @property
    def bound(self) -> str:
        """exact, at least, up to, or between; empty when nothing is counted."""
        if not self.figures:
            return ""
        if self.upper is None:
            return "at least"
        if self.lower == self.upper:
            return "about" if self.approximate else "exact"
        return "up to" if self.lower == 0 else "between"


def usd(value: float) -> str:
    """Dollars as people read them in prose: '$70M', '$940.9M'."""
    return f"${value / 1e6:,.1f}M".replace(".0M", "M")


def in_words(lower: float, upper: float | None) -> str:
    """A reconciled total in words: '$70M', 'at least $940.9M', 'up to $70M', '$224M to $504M'."""
    if upper is None:
        return f"at least {usd(lower)}"
    if lower == upper:
        return usd(lower)
    return f"up to {usd(upper)}" if lower == 0 else f"{usd(lower)} to {usd(upper)}"


def ledger(kg: KnowledgeGraph) -> list[dict[str, Any]]:
    """Every funding figure with the ledger's verdict (the ``funding-ledger`` saved query's rows)."""
    return kg.run("funding-ledger").result.records()


def _groups(by: str) -> Callable[[dict[str, Any]], Iterable[str]]:
    """The groups a ledger row belongs to under grouping ``by``."""
    def office(row: dict[str, Any]) -> list[str]:
        return [row["funder"] or NOT_RECORDED] if row["payer"] == "federal" else [NON_FEDERAL]

    def department(row: dict[str, Any]) -> list[str]:
        return [row["department"] or NOT_RECORDED] if row["payer"] == "federal" else [NON_FEDERAL]

    def year(row: dict[str, Any]) -> list[str]:
        if row["year"] is None:
            return [NOT_RECORDED]
        return [f"FY{row['year']}" if row["year_basis"] == "fiscal" else str(row["year"])]

    return {
        "department": department,
        "office": office,
        "institute": lambda row: [row["institute"]],
        "technology": lambda row: row["technology_areas"].split(LIST_SEPARATOR) if row["technology_areas"]
        else [NOT_RECORDED],
        "state": lambda row: [row["state"] or NOT_RECORDED],
        "year": year,
    }[by]


def _check(by: str) -> None:
    if by not in MONEY_GROUPINGS:
        raise QueryError(f"unknown grouping '{by}' (choose from {', '.join(MONEY_GROUPINGS)})")


def _year_key(group: str) -> tuple[int, str]:
    digits = group.removeprefix("FY")
    return (int(digits), group) if digits.isdigit() else (10_000, group)


def totals(kg: KnowledgeGraph, by: str = "department") -> pd.DataFrame:
    """Reconciled totals per group, federal and non-federal apart, each a lower and upper bound,
    with the number of figures counted and left out. A last row ``(all)`` holds the program total."""
    import pandas as pd

    _check(by)
    sums: dict[str, dict[str, Range]] = {}
    left_out: dict[str, int] = {}
    program = {payer: Range() for payer in PAYERS}
    rows = ledger(kg)
    for row in rows:
        counted = row["status"] == "counted" and row["payer"] in PAYERS
        for group in _groups(by)(row):
            sums.setdefault(group, {payer: Range() for payer in PAYERS})
            if counted:
                sums[group][row["payer"]].add(row)
            else:
                left_out[group] = left_out.get(group, 0) + 1
        if counted:
            program[row["payer"]].add(row)
    order = sorted(sums, key=_year_key) if by == "year" else sorted(sums, key=lambda g: (g.startswith("("), g))
    table = [_total_row(group, sums[group], left_out.get(group, 0)) for group in order]
    table.append(_total_row("(all)", program, sum(1 for r in rows if r["status"] != "counted")))
    return _whole_dollars(pd.DataFrame(table, columns=TOTAL_COLUMNS))


def _whole_dollars(frame: pd.DataFrame) -> pd.DataFrame:
    """Dollar columns as nullable integers (an open upper bound is <NA>) when every amount is whole."""
    for column in (c for c in frame.columns if c.endswith(("_lower", "_upper"))):
        values = frame[column].dropna()
        if (values == values.round()).all():
            frame[column] = frame[column].astype("Int64")
    return frame


def _total_row(group: str, ranges: dict[str, Range], left_out: int) -> dict[str, Any]:
    row: dict[str, Any] = {"group": group, "figures": sum(r.figures for r in ranges.values()), "left_out": left_out}
    for payer, prefix in (("federal", "federal"), ("non-federal", "non_federal")):
        money = ranges[payer]
        row[f"{prefix}_lower"] = float(money.lower)
        row[f"{prefix}_upper"] = None if money.upper is None else float(money.upper)
        row[f"{prefix}_bound"] = money.bound
    return row


def explain(kg: KnowledgeGraph, by: str = "department") -> pd.DataFrame:
    """For every group, every figure: counted (with the bounds it adds) or left out (with why)."""
    import pandas as pd

    _check(by)
    rows = []
    for row in ledger(kg):
        for group in _groups(by)(row):
            rows.append({"group": group, **{c: row.get(c) for c in EXPLAIN_COLUMNS if c != "group"}})
    frame = pd.DataFrame(rows, columns=EXPLAIN_COLUMNS)
    key = frame["group"].map(_year_key) if by == "year" else frame["group"]
    frame = frame.assign(_key=key).sort_values(["_key", "status", "institute", "funding"], kind="stable")
    return frame.drop(columns="_key").reset_index(drop=True)
