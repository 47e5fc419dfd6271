"""Score the checker against sentences labelled with the verdict they should get.

Each sentence is checked on its own and given one verdict (see :func:`mfgkg.check.sentence_verdict`);
precision and recall are then counted per verdict. The labelled sets live in
``tests/fixtures/check/``; the benchmark and the tests both score them with this.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mfgkg.check import VERDICTS, Checker, sentence_verdict


@dataclass(frozen=True)
class Score:
    """How one verdict fared: sentences labelled with it, given it, and both."""

    verdict: str
    labelled: int
    given: int
    hits: int

    @property
    def precision(self) -> float:
        return self.hits / self.given if self.given else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.labelled if self.labelled else 1.0


def read_labelled(path: Path) -> list[dict[str, Any]]:
    """The labelled sentences of a YAML file: a ``sentences`` list of ``text`` and ``verdict`` (and more)."""
    import yaml

    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["sentences"])


def recorded_statements(run: Callable[[str], list[dict[str, Any]]], checker: Checker, queries: Path) -> list[str]:
    """The graph's key facts (sourced statements in the editors' words) as prose to check: all true by
    the graph's own sources, so none should come out contradicted. A statement about an institute is
    preceded by the institute's name, as an article about it would name it first.

    ``run`` answers a SPARQL query with row dicts (``lambda q: kg.run_sparql(q).records()``);
    ``queries`` is the directory holding ``key-facts.rq`` (``queries/check/``).
    """
    rows = run((queries / "key-facts.rq").read_text(encoding="utf-8"))
    return [f"{checker.facts.label(row['subject'])}. {row['text']}"
            if checker.facts.of_class(row["subject"]) == "Institute" else row["text"] for row in rows]


def score(checker: Checker, items: Iterable[Mapping[str, Any]]) -> tuple[dict[str, Score], list[tuple[Any, str]]]:
    """Per-verdict scores over ``items``, and the items that got another verdict than their label's."""
    pairs: Counter[tuple[str, str]] = Counter()
    misses = []
    for item in items:
        got = sentence_verdict(checker.check(item["text"]))
        pairs[(item["verdict"], got)] += 1
        if got != item["verdict"]:
            misses.append((item, got))
    scores = {v: Score(v, sum(n for (want, _), n in pairs.items() if want == v),
                       sum(n for (_, got), n in pairs.items() if got == v), pairs[(v, v)]) for v in VERDICTS}
    return scores, misses


# ---- real prose ---------------------------------------------------------------------------------

# Claim kinds a finding may carry for a labelled kind: a sponsor named as the managing office, a
# count of institutes read as the network's figure.
SAME_KIND = {"sponsor": {"sponsor", "managing-office"}, "managing-office": {"sponsor", "managing-office"},
             "institute-count": {"institute-count", "metric", "ordinal"}, "metric": {"metric", "institute-count"}}
DECIDED = ("supported", "disputed", "contradicted")


@dataclass(frozen=True)
class RealDocument:
    """A real public document (an excerpt) with every graph-decidable claim in it labelled by reading the
    sources, and optionally changes that plant false facts in a copy of it (see ``tests/fixtures/check/real``)."""

    name: str
    url: str
    split: str
    text: str
    claims: tuple[dict[str, Any], ...]
    planted: tuple[dict[str, Any], ...]
    as_of: tuple[int, int] | None


@dataclass
class RealScore:
    """The figures the issue sets targets for, over a set of real documents and their planted copies."""

    documents: int = 0
    failed: list[str] = field(default_factory=list)  # true documents given a false "contradicted"
    contradicted: int = 0  # contradicted findings, on the documents and their planted copies
    contradicted_right: int = 0  # ... at a planted change or at a claim labelled contradicted
    planted: int = 0
    planted_found: int = 0
    decidable: int = 0
    decidable_read: int = 0  # ... given the labelled verdict by a finding of the claim's kind over its words
    false_alarms: list[tuple[str, str, str]] = field(default_factory=list)  # (document, sentence, claim)
    missed: list[tuple[str, str, str]] = field(default_factory=list)  # (document, quote, what was given)

    @property
    def precision(self) -> float:
        return self.contradicted_right / self.contradicted if self.contradicted else 1.0

    @property
    def planted_recall(self) -> float:
        return self.planted_found / self.planted if self.planted else 1.0

    @property
    def recall(self) -> float:
        return self.decidable_read / self.decidable if self.decidable else 1.0


def read_real(directory: Path) -> list[RealDocument]:
    """Every labelled real document in ``directory``, in name order."""
    import yaml

    out = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        date = str(data.get("date") or "")
        as_of = (int(date[:4]), int(date[5:7]) if len(date) >= 7 else 6) if date[:4].isdigit() else None
        out.append(RealDocument(path.stem, data["url"], data.get("split", "dev"), data["text"],
                                tuple(data.get("claims") or ()), tuple(data.get("planted") or ()), as_of))
    return out


def planted_copy(document: RealDocument) -> tuple[str, list[tuple[int, int]]]:
    """The document with its planted changes made, and where each change now sits."""
    text, spans = document.text, []
    for change in document.planted:
        start = text.index(change["find"])
        text = text[:start] + change["replace"] + text[start + len(change["find"]):]
        shift = len(change["replace"]) - len(change["find"])
        spans = [(a + shift, b + shift) if a > start else (a, b) for a, b in spans]
        spans.append((start, start + len(change["replace"])))
    return text, spans


def score_real(checker: Checker, documents: Iterable[RealDocument]) -> RealScore:
    """Contradicted precision, planted recall, recall of decidable claims and documents wrongly failed."""
    result = RealScore()
    for document in documents:
        result.documents += 1
        findings = checker.check(document.text, as_of=document.as_of)
        wrong = _contradictions(result, document, document.text, findings, [])
        if wrong:
            result.failed.append(document.name)
        for claim in document.claims:
            if claim["verdict"] not in DECIDED:
                continue
            result.decidable += 1
            span = _quote(document.text, claim["quote"])
            kinds = SAME_KIND.get(claim["kind"], {claim["kind"]})
            given = [f for f in findings if _covers(f, span) and f.kind in kinds]
            if any(f.verdict == claim["verdict"] for f in given):
                result.decidable_read += 1
            else:
                result.missed.append((document.name, claim["quote"], ", ".join(f.verdict for f in given) or "nothing"))
        if document.planted:
            text, spans = planted_copy(document)
            findings = checker.check(text, as_of=document.as_of)
            _contradictions(result, document, text, findings, spans)
            for span in spans:
                result.planted += 1
                if any(f.verdict == "contradicted" and _covers(f, span) for f in findings):
                    result.planted_found += 1
                else:
                    result.missed.append((document.name + " (planted)", text[span[0]:span[1]], "not contradicted"))
    return result


def _contradictions(result: RealScore, document: RealDocument, text: str, findings: list[Any],
                    planted: list[tuple[int, int]]) -> int:
    """Count the contradicted findings and those that are right; return how many are false alarms."""
    expected = [_quote(text, c["quote"]) for c in document.claims
                if c["verdict"] == "contradicted" and c["quote"] in text]
    wrong = 0
    for finding in findings:
        if finding.verdict != "contradicted":
            continue
        result.contradicted += 1
        if any(_covers(finding, span) for span in [*planted, *expected]):
            result.contradicted_right += 1
        else:
            wrong += 1
            result.false_alarms.append((document.name + (" (planted)" if planted else ""), finding.sentence,
                                        finding.claim))
    return wrong


def _quote(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def _covers(finding: Any, span: tuple[int, int]) -> bool:
    """Whether a finding's span overlaps ``span``."""
    return finding.start < span[1] and span[0] < finding.end
