"""Fact-check prose against the graph: find checkable claims in a document and judge each.

:class:`Checker` reads the facts once (the queries in ``queries/check/``), builds the
gazetteer from the graph's names, and then checks any number of documents in memory. Each
:class:`Finding` carries the sentence and its span, the entities recognised, the claim as
understood, the verdict, the graph's preferred value with its alternatives, and the sources.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mfgkg.check.claims import Claim, Context, read_claims, resolve
from mfgkg.check.facts import RANK_ORDER, Facts, Recorded, load_facts
from mfgkg.check.gazetteer import Gazetteer, Mention
from mfgkg.check.quantities import quantities
from mfgkg.check.rows import read_row
from mfgkg.check.text import Sentence, dateline, sentences
from mfgkg.check.verdicts import VERDICTS, Judge, Judged

__all__ = ["VERDICTS", "Checker", "Finding", "sentence_verdict"]


@dataclass
class Finding:
    """One checked claim. ``start`` and ``end`` index the sentence in the document as given."""

    sentence: str
    start: int
    end: int
    entities: list[dict[str, Any]]
    kind: str
    claim: str
    verdict: str
    graph_value: str | None
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    note: str | None = None
    subject: str | None = None  # the IRI of what the claim is about

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Checker:
    """Checks documents against one graph's facts."""

    def __init__(self, facts: Facts):
        self.facts = facts
        editions = {plan: str(r.detail["edition"]) for plan, r in facts.plans.items() if r.detail.get("edition")}
        self.gazetteer = Gazetteer(facts.names, editions)
        self.judge = Judge(facts)
        self.units = {metric: values[0].detail.get("unit", "") for (metric, _fy, _scope), values
                      in facts.observations.items() if values}

    @classmethod
    def of(cls, run: Callable[[str], Iterable[dict[str, Any]]], queries: Path) -> Checker:
        """A checker over the facts the queries in ``queries`` return through ``run``."""
        return cls(load_facts(run, queries))

    def check(self, text: str, as_of: tuple[int, int] | None = None) -> list[Finding]:
        """Every checkable claim in ``text`` (plain text, Markdown or HTML), in document order.

        ``as_of`` (year, month) dates the document, for figures it gives without a year; by default
        the date in the document's opening lines, if any.
        """
        dated = as_of or dateline(text)
        context = Context(units=self.units, within=self.facts.ancestors, as_of=dated, dated=dated is not None)
        findings: list[Finding] = []
        units = sentences(text)
        found = [self.gazetteer.find(unit.text) for unit in units]
        institutes = {m.entities[0][0]: m for mentions in found for m in mentions
                      if m.cls == "Institute" and not m.reference}
        context.topic_of_document = next(iter(institutes.values())) if len(institutes) == 1 else None
        context.based = {iri: {place for recorded in self.facts.statements.get((iri, "headquarters"), [])
                               for place in self.facts.ancestors(recorded.value)} for iri in institutes}
        for sentence, mentions in zip(units, found, strict=True):
            findings += self.check_sentence(sentence, context, mentions)
            if context.as_of is None:  # "the institutes active in Fiscal Year 2017": what the document is about
                year = next((q.value for q in quantities(sentence.text) if q.unit == "fiscal-year"), None)
                context.as_of = (int(year), 6) if year else None
        return findings

    def check_sentence(self, sentence: Sentence, context: Context,
                       found: list[Mention] | None = None) -> list[Finding]:
        """The findings of one unit (``found``: its mentions, if already looked up)."""
        found = self.gazetteer.find(sentence.text) if found is None else found
        if sentence.cells:
            claims = read_row(sentence, [m for m in found if not m.reference], quantities(sentence.text))
            return [self._finding(sentence, claim, self.judge(claim), found) for claim in _distinct(claims)]
        mentions = resolve(found, context, sentence.paragraph)
        claims = read_claims(sentence.text, mentions, quantities(sentence.text), context)
        return [self._finding(sentence, claim, self.judge(claim), mentions) for claim in _distinct(claims)]

    def _finding(self, sentence: Sentence, claim: Claim, judged: Judged, here: list[Mention]) -> Finding:
        """A finding; a mention resolved from an earlier sentence ("the institute" two sentences on) is
        listed without a span, since its span would index another sentence."""
        entities = [{"text": m.text, "iri": entity, "type": cls,
                     "start": m.start if m in here else None, "end": m.end if m in here else None}
                    for m in claim.mentions for entity, cls in m.entities[:1]]
        start, end = claim.span or (sentence.start, sentence.end)
        return Finding(sentence.text, start, end, entities, claim.kind, judged.claim,
                       judged.verdict, judged.graph_value,
                       [self._alternative(v) for v in judged.alternatives],
                       self._sources(judged.matched + judged.alternatives), judged.note, claim.subject)

    def _alternative(self, recorded: Recorded) -> dict[str, Any]:
        value = recorded.value
        shown = self.facts.label(value) if isinstance(value, str) else value
        return {"value": shown, "rank": recorded.rank, "reason": recorded.reason}

    def _sources(self, values: list[Recorded]) -> list[dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for recorded in values:
            for iri, locator in recorded.cites.items():
                source = self.facts.sources.get(iri)
                if source is None or iri in out:
                    continue
                out[iri] = {"title": source.title, "publisher": source.publisher, "date": source.date,
                            "url": source.url, "at": locator, "iri": iri, "rank": recorded.rank,
                            "scope": "record" if recorded.inherited else "field", "rendering": source.rendering}
        return sorted(out.values(), key=lambda s: (RANK_ORDER.get(s["rank"], 3), s["scope"] == "record", s["title"],
                                                   s["iri"]))


def _distinct(claims: list[Claim]) -> list[Claim]:
    """Each claim once: "3D printing / additive manufacturing" names one technology twice."""
    seen: set[tuple[str, str | None, str]] = set()
    out = []
    for claim in claims:
        key = (claim.kind, claim.subject, repr(claim.value))
        if key not in seen:
            seen.add(key)
            out.append(claim)
    return out


def sentence_verdict(findings: Iterable[Finding]) -> str:
    """One verdict for a sentence: contradicted if any claim is, then disputed, supported, unknown."""
    found = {f.verdict for f in findings}
    return next((v for v in ("contradicted", "disputed", "supported") if v in found), "unknown")
