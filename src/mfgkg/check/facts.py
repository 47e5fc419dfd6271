"""The facts the checker compares prose with, read once from the graph by the queries in
``queries/check/`` and kept as plain Python for fast lookups.

Every recorded value keeps its rank, the reason for it and its citations, so a verdict can say
which value it matched, what the alternatives are and who states each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mfgkg.query.names import normalise

QUERIES = ("names", "statements", "commitments", "observations", "sources", "hierarchy", "plans", "goals")


@dataclass(frozen=True)
class Source:
    """A source document as a reader cites it."""

    iri: str
    title: str
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    rendering: str | None = None  # a third party's translation, summary or report of another document


@dataclass
class Recorded:
    """One recorded value with its rank and citations; ``detail`` holds what else qualifies it
    (a commitment's kind, funder and years; an observation's comparator and unit)."""

    value: Any
    rank: str = "normal"
    reason: str | None = None
    comparator: str = "exact"
    cites: dict[str, str | None] = field(default_factory=dict)  # source IRI -> locator
    detail: dict[str, Any] = field(default_factory=dict)
    key: Any = None  # what makes query rows one value: a node's IRI, or the value with its rank
    inherited: bool = False  # the citations are the record's, not given for this value


@dataclass
class Facts:
    """Everything the checker looks up, keyed for the lookups it makes."""

    names: list[dict[str, Any]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    normalised: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # entity -> its names
    classes: dict[str, str] = field(default_factory=dict)  # entity -> local name of its class
    within: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # entity -> what contains it
    statements: dict[tuple[str, str], list[Recorded]] = field(default_factory=lambda: defaultdict(list))
    commitments: dict[str, list[Recorded]] = field(default_factory=lambda: defaultdict(list))  # by institute
    # The money ledger's reconciled federal total by (institute, paying agency or None for any): no dollar twice.
    federal_totals: dict[tuple[str, str | None], Recorded] = field(default_factory=dict)
    observations: dict[tuple[str, int, str], list[Recorded]] = field(default_factory=lambda: defaultdict(list))
    plans: dict[str, Recorded] = field(default_factory=dict)
    goals: dict[str, dict[int, Recorded]] = field(default_factory=lambda: defaultdict(dict))  # plan -> position
    sources: dict[str, Source] = field(default_factory=dict)

    def label(self, entity: str) -> str:
        return self.labels.get(entity, entity)

    def ancestors(self, entity: str) -> set[str]:
        """``entity`` and everything containing it (agencies up to departments, broader concepts, a city's state)."""
        return {entity} | self.within.get(entity, set())

    def of_class(self, entity: str) -> str:
        return self.classes.get(entity, "")

    def names_of(self, entity: str) -> set[str]:
        """Every name ``entity`` has, normalised for comparison (case, spacing, a leading "the")."""
        return self.normalised.get(entity, set())


def load_facts(run: Callable[[str], Iterable[dict[str, Any]]], directory: Path) -> Facts:
    """Run each query in ``directory`` through ``run`` (query text -> row dicts) and index the rows."""
    rows = {name: list(run((directory / f"{name}.rq").read_text(encoding="utf-8"))) for name in QUERIES}
    facts = Facts()
    for row in rows["names"]:
        local = row["class"].rsplit("#", 1)[-1]
        facts.names.append({**row, "class": local})
        facts.labels[row["entity"]] = row["label"]
        facts.normalised[row["entity"]].add(normalise(row["name"]))
        facts.classes.setdefault(row["entity"], local)
    for row in rows["sources"]:
        facts.sources[row["source"]] = Source(row["source"], row["title"], row["publisher"],
                                              None if row["date"] is None else str(row["date"]), row["url"],
                                              row.get("rendering"))
    for row in rows["hierarchy"]:
        facts.within[row["entity"]].add(row["within"])
    for row in rows["statements"]:
        prop = _local(row["property"])
        _merge(facts.statements[(row["subject"], prop)], _value(row["object"]), row)
    for row in rows["commitments"]:
        detail = {"id": row["commitment"], "kind": row["kind"], "funder": row["funder"],
                  "start": _year(row["start"]), "end": _year(row["end"]), "fiscal_year": _year(row["fiscal_year"]),
                  "alternative_to": row["alternative_to"]}
        _merge(facts.commitments[row["institute"]], float(row["amount"]), row, detail, key=row["commitment"])
    _federal_totals(facts, rows["commitments"])
    for row in rows["observations"]:
        key = (row["metric"], _year(row["fiscal_year"]) or 0, row["scope"])
        unit = _local(row["unit"]).removeprefix("unit-")
        _merge(facts.observations[key], float(row["value"]), row, {"id": row["observation"], "unit": unit},
               key=row["observation"])
    for row in rows["plans"]:
        plan = facts.plans.setdefault(row["plan"], Recorded(
            {"goals": row["goals"], "objectives": row["objectives"]}, "preferred",
            detail={"edition": row["edition"]}))
        if row["source"]:
            plan.cites.setdefault(row["source"], None)
    for values in (*facts.statements.values(), *facts.commitments.values(), *facts.observations.values()):
        _in_order(values)
    for row in rows["goals"]:
        goal = facts.goals[row["plan"]].setdefault(int(row["position"]), Recorded(
            row["label"], "preferred", detail={"goal": row["goal"]}))
        if row["source"]:
            goal.cites.setdefault(row["source"], None)
    return facts


RANK_ORDER = {"preferred": 0, "normal": 1, "deprecated": 2}


def _in_order(values: list[Recorded]) -> None:
    """Put recorded values, and each one's citations, in an order independent of the engine's rows:
    by rank, then by what identifies them; citations by source."""
    values.sort(key=lambda v: (RANK_ORDER.get(v.rank, 3), str(v.key)))
    for recorded in values:
        recorded.cites = dict(sorted(recorded.cites.items()))


def _merge(values: list[Recorded], value: Any, row: dict[str, Any], detail: dict[str, Any] | None = None,
           key: Any = None) -> None:
    """Add ``row``'s citation to the recorded value it belongs to (one row per source), or record it."""
    identity = key if key is not None else (value, row["rank"])
    for recorded in values:
        if recorded.key == identity:
            break
    else:
        recorded = Recorded(value, row["rank"], row.get("reason"), (row.get("comparator") or "exact").replace(" ", "-"),
                            detail=detail or {}, key=identity, inherited=row.get("scope") == "record")
        values.append(recorded)
    recorded.cites.setdefault(row["source"], row.get("locator"))


def _federal_totals(facts: Facts, rows: list[dict[str, Any]]) -> None:
    """Sum the federal figures the ledger counts, per institute and per paying agency (each of the
    funder's ancestors), into one recorded figure: its lower bound, "at least" when a source gives
    no upper bound; a total whose bounds differ otherwise is a range, not a figure, and is left out."""
    counted: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["status"] == "counted" and row["payer"] == "federal":
            counted.setdefault(row["commitment"], row)
    sums: dict[tuple[str, str | None], list[dict[str, Any]]] = defaultdict(list)
    for row in counted.values():
        for agency in (None, *facts.ancestors(row["funder"])):
            sums[(row["institute"], agency)].append(row)
    for key, figures in sums.items():
        lower = sum(float(r["lower"]) for r in figures)
        open_ended = any(r["upper"] is None for r in figures)
        upper = None if open_ended else sum(float(r["upper"]) for r in figures)
        if upper is not None and upper != lower:
            continue
        total = Recorded(lower, "preferred", comparator="at-least" if open_ended else "exact",
                         detail={"kind": "reconciled federal total", "funder": key[1], "figures": len(figures)},
                         key=key)
        for row in rows:
            if row["commitment"] in {r["commitment"] for r in figures}:
                total.cites.setdefault(row["source"], row.get("locator"))
        facts.federal_totals[key] = total


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _value(term: Any) -> Any:
    """A statement's object: an IRI as is, a year or date as its year, a number as a number."""
    if isinstance(term, str) and term[:4].isdigit() and (len(term) == 4 or term[4] == "-"):
        return int(term[:4])
    return term


def _year(label: Any) -> int | None:
    """2022 from "FY2022" (a fiscal year's label) or 2022."""
    if label is None:
        return None
    digits = "".join(ch for ch in str(label) if ch.isdigit())
    return int(digits) if digits else None
