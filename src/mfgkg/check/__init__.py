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
from mfgkg.check.gazetteer import Gazetteer
from mfgkg.check.quantities import quantities
from mfgkg.check.text import Sentence, sentences
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

    def check(self, text: str) -> list[Finding]:
        """Every checkable claim in ``text`` (plain text or Markdown), in document order."""
        context = Context(units=self.units, within=self.facts.ancestors)
        findings: list[Finding] = []
        for sentence in sentences(text):
            findings += self.check_sentence(sentence, context)
        return findings

    def check_sentence(self, sentence: Sentence, context: Context) -> list[Finding]:
        mentions = resolve(self.gazetteer.find(sentence.text), context, sentence.paragraph)
        claims = read_claims(sentence.text, mentions, quantities(sentence.text), context)
        return [self._finding(sentence, claim, self.judge(claim)) for claim in claims]

    def _finding(self, sentence: Sentence, claim: Claim, judged: Judged) -> Finding:
        entities = [{"text": m.text, "iri": entity, "type": cls, "start": m.start, "end": m.end}
                    for m in claim.mentions for entity, cls in m.entities[:1]]
        return Finding(sentence.text, sentence.start, sentence.end, entities, claim.kind, judged.claim,
                       judged.verdict, judged.graph_value,
                       [self._alternative(v) for v in judged.alternatives],
                       self._sources(judged.matched + judged.alternatives), judged.note)

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
                            "url": source.url, "at": locator, "iri": iri, "rank": recorded.rank}
        return sorted(out.values(), key=lambda s: (RANK_ORDER.get(s["rank"], 3), s["title"], s["iri"]))


def sentence_verdict(findings: Iterable[Finding]) -> str:
    """One verdict for a sentence: contradicted if any claim is, then disputed, supported, unknown."""
    found = {f.verdict for f in findings}
    return next((v for v in ("contradicted", "disputed", "supported") if v in found), "unknown")
