"""Judge a claim against the recorded facts: supported, contradicted, disputed or unknown.

A claim is *supported* when a value the graph prefers agrees with it, *disputed* when only a
value the graph ranks below another agrees (the sources disagree and the graph says which it
prefers and why), *contradicted* when the graph records values for it and none agrees, and
*unknown* when the graph records nothing to compare it with. Where a field has several values
and none is preferred, agreeing with one of them is disputed too.

Numbers agree when the ranges they stand for overlap. A written figure stands for a range: "87
million" is 86.5 to 87.5 million, "more than 2,500" anything above 2,500, "nearly 3:1" 2.7 to
3. A recorded "more than X" is read as X to 1.25 X, and a recorded "up to X" (a ceiling) as 0.9 X
to X, so that a source's bound does not confirm any figure however far from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from mfgkg.check.claims import Claim
from mfgkg.check.facts import Facts, Recorded
from mfgkg.check.quantities import Quantity
from mfgkg.query.names import normalise, words

VERDICTS = ("supported", "contradicted", "disputed", "unknown")
OPEN_BOUND = 1.25  # a recorded "more than X" is taken to mean at most 1.25 X
APPROXIMATE = 0.1  # "about X" is within 10% of X; "nearly X" up to 10% below it
KINDS = {"federal": {"award", "annual funding", "funding offer", "ceiling", "increase", "cumulative total"},
         "cost-share": {"cost share"}, "total": {"combined total"}}


@dataclass
class Judged:
    """The outcome of one claim: verdict, what the graph holds, and the recorded values behind it."""

    verdict: str
    claim: str
    graph_value: str | None = None
    matched: list[Recorded] = field(default_factory=list)
    alternatives: list[Recorded] = field(default_factory=list)
    note: str | None = None


def interval(value: float, comparator: str, precision: float = 0.0, recorded: bool = False) -> tuple[float, float]:
    """The range a figure stands for (see the module docstring)."""
    top = value * OPEN_BOUND if recorded else math.inf
    return {
        "exact": (value - precision, value + precision),
        "more-than": (value + 1e-9, top),
        "at-least": (value, top),
        "about": (value * (1 - APPROXIMATE), value * (1 + APPROXIMATE)),
        "nearly": (value * (1 - APPROXIMATE), value + 1e-9),
        "up-to": (value * (1 - APPROXIMATE) if recorded else 0.0, value),
        "less-than": (0.0, value - 1e-9),
    }.get(comparator, (value - precision, value + precision))


AS_OF_YEARS = 3  # fiscal years an undated figure may be of: the document's and the two before


def agrees(number: Quantity, recorded: Recorded) -> bool:
    """Whether the written figure and the recorded one can both be true. Two ceilings ("up to") are
    compared as figures: an agreement worth up to $120 million is not one worth up to $154 million."""
    if number.comparator == recorded.comparator == "up-to":
        return abs(number.value - float(recorded.value)) <= max(number.precision, 1e-9)
    low, high = interval(number.value, number.comparator, number.precision)
    rec_low, rec_high = interval(float(recorded.value), recorded.comparator, recorded=True)
    return low <= rec_high and rec_low <= high


def same_figure(number: Quantity, recorded: Recorded) -> bool:
    """Whether a written figure is the recorded one: "$70M" or "about $140M" and a recorded figure
    close to it, or the same bound ("over $321M", a recorded "more than $321M"). Other bounds are
    never the same figure as anything: "up to $120M" agrees with too much to say which it is."""
    plain = number.comparator in ("exact", "about") and recorded.comparator != "up-to"
    if not plain and number.comparator != recorded.comparator:
        return False
    value = float(recorded.value)
    return abs(number.value - value) <= max(number.precision, 0.02 * value)


def weigh(values: list[Recorded], matched: list[Recorded], claim: str, shown: str | None,
          single: bool = True) -> Judged:
    """The verdict from all recorded values and those agreeing with the claim (see the module docstring)."""
    if not values:
        return Judged("unknown", claim, note="the graph records no value for this")
    preferred = [v for v in values if v.rank == "preferred"]
    best = preferred or [v for v in values if v.rank == "normal"] or values
    others = [v for v in values if v not in best]
    if not matched:
        return Judged("contradicted", claim, shown, best, others)
    if any(v in best for v in matched):
        distinct = {repr(v.value) for v in best}
        if single and not preferred and len(distinct) > 1:
            return Judged("disputed", claim, shown, matched, [v for v in values if v not in matched],
                          "the sources disagree and the graph prefers none of their values")
        return Judged("supported", claim, shown, matched, [v for v in values if v not in matched])
    return Judged("disputed", claim, shown, matched, best + [v for v in others if v not in matched],
                  "agrees only with a value the graph ranks below another")


class Judge:
    """Judges claims against one graph's facts."""

    def __init__(self, facts: Facts):
        self.facts = facts

    def __call__(self, claim: Claim) -> Judged:
        return getattr(self, "_" + claim.kind.replace("-", "_"))(claim)

    def label(self, entity: Any) -> str:
        return self.facts.label(entity) if isinstance(entity, str) else str(entity)

    def _values(self, subject: str | None, prop: str) -> list[Recorded]:
        return list(self.facts.statements.get((subject or "", prop), []))

    def _show(self, values: list[Recorded], how: Any = None) -> str | None:
        preferred = [v for v in values if v.rank == "preferred"] or [v for v in values if v.rank == "normal"] or values
        shown = [how(v) if how else self.label(v.value) for v in preferred]
        return "; ".join(dict.fromkeys(shown)) or None

    def _headquarters(self, claim: Claim) -> Judged:
        values = self._values(claim.subject, "headquarters")
        wanted = claim.value
        city = self.label(wanted["city"]) if wanted.get("city") else wanted.get("place")
        state = self.label(wanted["state"]) if wanted.get("state") else wanted.get("state_name")
        said = ", ".join(x for x in (city, state) if x)

        def same(recorded: Recorded) -> bool:
            city = recorded.value
            state = next((s for s in self.facts.ancestors(city) if self.facts.of_class(s) == "State"), None)
            names = self.facts.names_of(city)
            state_names = self.facts.names_of(state) if state else set()
            ok = True
            if wanted.get("city"):
                ok &= wanted["city"] == city
            if wanted.get("place"):
                place = normalise(wanted["place"]).rstrip(".")
                ok &= bool({place, f"{place} township", f"{place} city"} & names) or (
                    place in state_names and not wanted.get("state_name"))
            if wanted.get("state"):
                ok &= wanted["state"] == state
            if wanted.get("state_name"):
                ok &= _state_written(wanted["state_name"], state_names)
            return bool(ok)

        matched = [v for v in values if same(v)]
        return weigh(values, matched, f"{self.label(claim.subject)} is headquartered in {said}", self._show(values))

    def _founded(self, claim: Claim) -> Judged:
        values = self._values(claim.subject, "foundingDate")
        matched = [v for v in values if v.value == claim.value]
        return weigh(values, matched, f"{self.label(claim.subject)} was established in {claim.value}",
                     self._show(values))

    def _chain(self, institute: str | None, props: tuple[str, ...]) -> tuple[list[Recorded], set[str]]:
        values = [v for p in props for v in self._values(institute, p)]
        return values, {a for v in values for a in self.facts.ancestors(v.value)}

    def _sponsor(self, claim: Claim) -> Judged:
        values, chain = self._chain(claim.subject, ("sponsor", "managingOffice"))
        said = f"{self.label(claim.subject)} is sponsored by {self.label(claim.value)}"
        if claim.value in chain:
            matched = [v for v in values if claim.value in self.facts.ancestors(v.value)]
            return weigh(values, matched, said, self._show(values), single=False)
        funded = [c for c in self.facts.commitments.get(claim.subject or "", [])
                  if c.detail.get("funder") and claim.value in self.facts.ancestors(c.detail["funder"])]
        if funded:  # not the sponsor, but money from it is recorded: the commitments are the evidence
            return Judged("supported", said, self._show(values), funded, values,
                          note=f"{self.label(claim.value)} funds it; the sponsor is {self._show(values)}")
        return weigh(values, [], said, self._show(values), single=False)

    def _managing_office(self, claim: Claim) -> Judged:
        values = self._values(claim.subject, "managingOffice")
        said = f"{self.label(claim.subject)} is managed by {self.label(claim.value)}"
        if not values:
            sponsors = self._values(claim.subject, "sponsor")
            if any(v.value in self.facts.ancestors(claim.value) for v in sponsors):
                return Judged("unknown", said, self._show(sponsors),
                              note="the graph records the sponsor but no managing office below it")
            return self._sponsor(claim)
        matched = [v for v in values if claim.value in self.facts.ancestors(v.value)]
        return weigh(values, matched, said, self._show(values))

    def _lead_organization(self, claim: Claim) -> Judged:
        if isinstance(claim.value, tuple):
            return self._co_leads(claim)
        values = self._values(claim.subject, "leadOrganization")
        known = claim.value.startswith("http")
        wanted = self.facts.names_of(claim.value) if known else {normalise(claim.value)}
        matched = [v for v in values if v.value == claim.value or wanted & self.facts.names_of(v.value)]
        said = f"{self.label(claim.subject)} is led by {self.label(claim.value)}"
        if not matched and not known and values:
            return Judged("unknown", said, self._show(values), alternatives=values,
                          note="a name the graph does not hold may be another way of writing the recorded lead")
        return weigh(values, matched, said, self._show(values))

    def _co_leads(self, claim: Claim) -> Judged:
        """Several leaders named together: supported when one is the recorded lead, else unknown (the
        others may be partners the graph does not record as leads), never contradicted."""
        values = self._values(claim.subject, "leadOrganization")
        named = [self.label(v) for v in claim.value]
        said = f"{self.label(claim.subject)} is led by {' and '.join(named)}"
        for one in claim.value:
            judged = self._lead_organization(Claim("lead-organization", claim.subject, one))
            if judged.verdict in ("supported", "disputed"):
                return Judged(judged.verdict, said, judged.graph_value, judged.matched, judged.alternatives,
                              judged.note)
        return Judged("unknown", said, self._show(values), alternatives=values,
                      note="none of the leaders named is the recorded lead, and a list of leaders may name partners")

    def _technology_area(self, claim: Claim) -> Judged:
        values = self._values(claim.subject, "technologyArea")
        matched = [v for v in values
                   if claim.value in self.facts.ancestors(v.value) or v.value in self.facts.ancestors(claim.value)]
        said = f"{self.label(claim.subject)} works on {self.label(claim.value)}"
        if not matched and values and not claim.qualifiers.get("focus", True):
            return Judged("unknown", said, self._show(values), alternatives=values,
                          note="the sentence names work in this area, not the institute's focus")
        return weigh(values, matched, said, self._show(values), single=False)

    def _ordinal(self, claim: Claim) -> Judged:
        values = self._values(claim.subject, "networkOrdinal")
        matched = [v for v in values if v.value == claim.value]
        return weigh(values, matched, f"{self.label(claim.subject)} is institute number {claim.value} of the network",
                     self._show(values))

    def _law_date(self, claim: Claim) -> Judged:
        values = self._values(claim.subject, "legislationDate")
        matched = [v for v in values if v.value == claim.value]
        return weigh(values, matched, f"{self.label(claim.subject)} was enacted in {claim.value}",
                     self._show(values))

    def _plan_structure(self, claim: Claim) -> Judged:
        part = claim.qualifiers["part"]
        number: Quantity = claim.value
        said = f"{self.label(claim.subject) if claim.subject else 'the plan'} has {number.text} {part}"
        plan = self.facts.plans.get(claim.subject or "")
        if plan is None or not plan.value.get(part):
            return Judged("unknown", said, note=f"the graph records no {part} for this plan")
        recorded = Recorded(plan.value[part], plan.rank, cites=plan.cites)
        return weigh([recorded], [recorded] if agrees(number, recorded) else [], said, str(plan.value[part]))

    def _goal_place(self, claim: Claim) -> Judged:
        goals = self.facts.goals.get(claim.subject or "", {})
        plan = self.label(claim.subject)
        said = f"goal {claim.value} of {plan} is about: {' '.join(claim.qualifiers['words'].split())}"
        goal = _best_goal(goals, claim.qualifiers["words"])
        if goal is None:
            return Judged("unknown", said, note="the sentence's words match none of the plan's goals clearly")
        position, recorded = goal
        shown = f"goal {position}: {recorded.value}"
        said = f"{recorded.value!r} is goal {claim.value} of {plan}"
        return weigh([recorded], [recorded] if position == claim.value else [], said, shown)

    def _institute_count(self, claim: Claim) -> Judged:
        number: Quantity = claim.value
        values = self._values(claim.subject, "reportedInstituteCount")
        matched = [v for v in values if agrees(number, v)]
        return weigh(values, matched, f"{self.label(claim.subject)} counts {number.text} institutes",
                     self._show(values))

    def _metric(self, claim: Claim) -> Judged:
        number: Quantity = claim.value
        year = claim.qualifiers.get("fiscal_year")
        scope = claim.qualifiers.get("scope")
        where = f" at {self.label(scope)}" if scope else ""
        said = f"{self.label(claim.subject)}{where}, FY{year or '?'}: {number.text}"
        if year is None:
            return self._metric_as_of(claim, said)
        values = [v for (metric, fy, sc), found in self.facts.observations.items()
                  if metric == claim.subject and fy == year and (sc == scope if scope else "/network/" in sc)
                  for v in found]
        matched = [v for v in values if agrees(number, v)]
        return weigh(values, matched, said, self._show(values, _figure))

    def _metric_as_of(self, claim: Claim, said: str) -> Judged:
        """An undated figure in a dated document: supported when it agrees with a figure of the fiscal
        year the document was written in or of the two before (reports come out a year late).
        Contradicted only when the document's date was given or read from its dateline, figures of two
        or more of those years are recorded and none agrees (and the sentence has no words for another
        time); otherwise unknown."""
        as_of = claim.qualifiers.get("as_of")
        if as_of is None:
            return Judged("unknown", said, note="the sentence gives no fiscal year to check the figure against")
        year, month = as_of
        current = year + 1 if month >= 10 else year
        window = range(current - AS_OF_YEARS + 1, current + 1)  # reports lag: a 2022 report gives FY2021
        scope = claim.qualifiers.get("scope")
        values = [v for (metric, fy, sc), found in self.facts.observations.items()
                  if metric == claim.subject and fy in window
                  and (sc == scope if scope else "/network/" in sc) for v in found]
        matched = [v for v in values if agrees(claim.value, v)]
        shown = self._show(values, _figure) if values else None
        if matched:
            return Judged("supported", said, shown, matched, [v for v in values if v not in matched],
                          f"undated: read as of the document's date ({year}-{month:02d})")
        years = {fy for (metric, fy, sc) in self.facts.observations
                 if metric == claim.subject and (sc == scope if scope else "/network/" in sc)}
        if claim.qualifiers.get("as_of_dated") and len(years & set(window)) >= 2:
            return Judged("contradicted", said, shown, [], values,
                          f"undated: read as of the document's date ({year}-{month:02d}); no figure of "
                          f"FY{window[0]} to FY{window[-1]} agrees")
        return Judged("unknown", said, shown, alternatives=values,
                      note=f"undated: the document is of {year}-{month:02d}, and no figure of that fiscal year or "
                           "the one before agrees")

    def _funding(self, claim: Claim) -> Judged:
        number: Quantity = claim.value
        funder, kind, year = (claim.qualifiers.get(k) for k in ("funder", "kind", "year"))
        said = (f"{self.label(claim.subject)} received {number.text}"
                + (f" from {self.label(funder)}" if funder else "")
                + (f" ({kind})" if kind else "") + (f" in {year}" if year else ""))
        candidates = []
        for recorded in self.facts.commitments.get(claim.subject or "", []):
            detail = recorded.detail
            if funder:
                given = detail.get("funder")
                if not given or not (funder in self.facts.ancestors(given) or given in self.facts.ancestors(funder)):
                    continue
            if kind and detail["kind"] not in KINDS[kind]:
                continue
            years = {detail.get("start"), detail.get("end"), detail.get("fiscal_year")} - {None}
            near = {year - 1, year, year + 1} if claim.qualifiers.get("dated_by_document") and year else {year}
            if year and years and not years & near:
                continue  # a year from the document's date: an award announced in December starts next year
            candidates.append(recorded)
        if not candidates:
            return Judged("unknown", said, note="the graph records no commitment to compare with")
        matched = [v for v in candidates if agrees(number, v)]
        if not any(v.rank != "deprecated" and not v.detail.get("alternative_to") for v in matched):
            total = self.facts.federal_totals.get((claim.subject or "", funder))
            if total is not None and kind in (None, "federal") and year is None and same_figure(number, total):
                return Judged("supported", said, f"{_commitment(total, self)}, the sum of the "
                              f"{total.detail['figures']} figures the money ledger counts", [total], candidates,
                              "the institute's federal money reconciled, no dollar counted twice")
        if not matched:
            elsewhere = [v for v in self.facts.commitments.get(claim.subject or "", []) if same_figure(number, v)]
            if elsewhere:
                return Judged("unknown", said, "; ".join(_commitment(v, self) for v in elsewhere[:6]),
                              alternatives=elsewhere,
                              note="the amount agrees with a recorded commitment of another funder, kind or year")
            if not ((funder or kind) and year):
                return Judged("unknown", said, "; ".join(_commitment(v, self) for v in candidates[:6]),
                              alternatives=candidates,
                              note="no recorded commitment agrees, and the sentence does not say which one it means "
                                   "(a funder or kind, and a year)")
        # Commitments are separate facts; rank only orders the alternative figures for one of them.
        standing = [v for v in matched if v.rank != "deprecated" and not v.detail.get("alternative_to")]
        shown = "; ".join(_commitment(v, self) for v in (standing or matched or candidates)[:6])
        if standing:
            return Judged("supported", said, shown, standing, [v for v in candidates if v not in standing])
        if matched:
            return Judged("disputed", said, shown, matched, [v for v in candidates if v not in matched],
                          "agrees only with an alternative figure the graph ranks below another")
        return Judged("contradicted", said, shown, [], candidates)


def _best_goal(goals: dict[int, Recorded], text: str) -> tuple[int, Recorded] | None:
    """The goal whose label shares most words with ``text`` (words in half the plan's goals or more,
    like "manufacturing", do not count), if it shares two or more and no other goal shares as many."""
    labels = {position: set(words(goal.value)) for position, goal in goals.items()}
    common = {w for w in set().union(*labels.values()) if 2 * sum(w in ws for ws in labels.values()) >= len(labels)}
    said = set(words(text)) - common
    shared = sorted(((len(said & (ws - common)), position) for position, ws in labels.items()), reverse=True)
    if not shared or shared[0][0] < 2 or (len(shared) > 1 and shared[1][0] == shared[0][0]):
        return None
    return shared[0][1], goals[shared[0][1]]


def _figure(recorded: Recorded) -> str:
    """A recorded figure as people write it: "more than 2,500", "nearly 3:1", "USD 307,000,000"."""
    value = float(recorded.value)
    unit = recorded.detail.get("unit")
    words = {"exact": "", "more-than": "more than ", "at-least": "at least ", "about": "about ",
             "nearly": "nearly ", "up-to": "up to "}.get(recorded.comparator, "")
    if unit == "ratio":
        return f"{words}{value:g}:1"
    text = f"{value:,.0f}" if value == int(value) else f"{value:,}"
    return f"{words}{'USD ' if unit == 'usd' else ''}{text}"


def _commitment(recorded: Recorded, judge: Judge) -> str:
    detail = recorded.detail
    funder = f" from {judge.label(detail['funder'])}" if detail.get("funder") else ""
    years = "-".join(str(detail[k]) for k in ("start", "end") if detail.get(k))
    return (f"{_figure(Recorded(recorded.value, comparator=recorded.comparator, detail={'unit': 'usd'}))}"
            f" {detail['kind']}{funder}" + (f" ({years})" if years else ""))


def _state_written(written: str, state_names: set[str]) -> bool:
    """Whether a state written after a city ("Ohio", "OH", "Calif.") names the recorded state."""
    key = normalise(written).rstrip(".")
    return key in state_names or any(name.startswith(key) and len(key) >= 3 for name in state_names)
