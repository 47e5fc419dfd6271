"""Score the checker against sentences labelled with the verdict they should get.

Each sentence is checked on its own and given one verdict (see :func:`mfgkg.check.sentence_verdict`);
precision and recall are then counted per verdict. The labelled sets live in
``tests/fixtures/check/``; the benchmark and the tests both score them with this.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
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
