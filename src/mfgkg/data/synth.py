"""Synthetic growth of the graph, for measuring speed and memory at sizes the real data will reach.

``grow`` writes seed records (member organizations, projects, awards per fiscal year and
per-institute metric observations) and builds them with the same builder as the real seeds, so
synthetic facts carry claims, ranks and citations exactly as real ones do, and follow the
shapes. Every synthetic entity's id starts with ``synthetic-``, its label with "Synthetic",
and every fact cites one source, ``synthetic-data``, whose title says what it is, so nothing
synthetic can be mistaken for, or mixed into, the sourced data. The same seed gives the same
triples.

Records are built in batches, each into a fresh graph that knows the real ids, and written as
N-Triples once each: the memory used stays that of one batch, whatever the size asked for.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mfgkg.data.registry import BY_NAME
from mfgkg.data.seeds import Record, Seeds, load, truthy, truthy_values
from mfgkg.errors import MfgkgError

SOURCE = "synthetic-data"
FILE = "synthetic"
BATCH = 500
PROBE = 10  # the first batch, small, to learn how many triples a record makes
UNIT_RANGES = {"count": (5, 2000), "USD": (100_000, 50_000_000), "ratio": (1, 4)}
# The real sections a batch needs so its references resolve (ids, units, the program).
CONTEXT_SECTIONS = ("sources", "program", "agencies", "institutes", "concepts", "metrics", "states")


@dataclass(frozen=True)
class Base:
    """What the synthetic records refer to: institutes (sponsor, areas), fiscal years, metrics (unit)."""

    institutes: list[tuple[str, str, list[str]]]
    fiscal_years: list[int]
    metrics: list[tuple[str, str]]
    observed: frozenset[tuple[str, int, str]]  # (institute, year, metric) the real seeds already give


def _base(seeds: Seeds) -> Base:
    institutes = [(d["id"], truthy(d["sponsor"]), truthy_values(d.get("technology_areas")))
                  for d in (r.data for r in seeds.section("institutes")) if truthy(d["status"]) == "established"]
    # The network's reporting years (institutes' own member counts reach back further, one a year at most).
    years = sorted({int(r.data["fiscal_year"]) for r in seeds.section("observations") if r.data["scope"] == "network"})
    metrics = [(r.data["id"], r.data["unit"]) for r in seeds.section("metrics")]
    if not institutes or not years or not metrics:
        raise MfgkgError(f"{seeds.root}: no established institutes, fiscal years or metrics to grow from")
    observed = frozenset((d["scope"], int(d["fiscal_year"]), d["metric"])
                         for d in (r.data for r in seeds.section("observations")))
    return Base(sorted(institutes), years, sorted(metrics), observed)


CITE = [{"src": SOURCE}]


class Generator:
    """Synthetic seed records, one at a time, in a fixed mix."""

    def __init__(self, base: Base, seed: int):
        self.base = base
        self.random = random.Random(seed)
        self.members: dict[str, list[str]] = {}
        self.counters = {"organization": 0, "project": 0, "award": 0}
        self.observations = iter(
            (institute, year, metric, unit) for year in base.fiscal_years for institute, _, _ in base.institutes
            for metric, unit in base.metrics if (institute, year, metric) not in base.observed)

    def organization(self) -> tuple[str, dict[str, Any]]:
        self.counters["organization"] += 1
        name = f"Synthetic member {self.counters['organization']:07d}"
        institute = self.random.choice(self.base.institutes)[0]
        self.members.setdefault(institute, []).append(name)
        return "memberships", {"organization": name, "institute": institute, "cite": CITE}

    def project(self) -> tuple[str, dict[str, Any]]:
        institute, _, areas = self.random.choice(self.base.institutes)
        members = self.members.get(institute)
        if not members:
            return self.organization()
        self.counters["project"] += 1
        n = self.counters["project"]
        record: dict[str, Any] = {
            "id": f"synthetic-project-{n:07d}", "label": f"Synthetic project {n:07d}", "institute": institute,
            "participants": sorted(set(self.random.choices(members, k=self.random.randint(1, 3)))),
            "fiscal_year": self.random.choice(self.base.fiscal_years), "cite": CITE}
        if areas:
            record["technology_area"] = self.random.choice(areas)
        return "projects", record

    def award(self) -> tuple[str, dict[str, Any]]:
        self.counters["award"] += 1
        n = self.counters["award"]
        institute, sponsor, _ = self.random.choice(self.base.institutes)
        return "funding", {
            "id": f"synthetic-award-{n:07d}", "institute": institute, "funder": sponsor, "kind": "award",
            "amount": self.random.randrange(500, 25_000) * 1000, "currency": "USD",
            "fiscal_year": self.random.choice(self.base.fiscal_years), "description": f"Synthetic award {n:07d}",
            "cite": CITE}

    def observation(self) -> tuple[str, dict[str, Any]]:
        try:
            institute, year, metric, unit = next(self.observations)
        except StopIteration:
            return self.award()
        low, high = UNIT_RANGES.get(unit, (0, 1000))
        return "observations", {"id": f"synthetic-observation-{metric}-fy{year}-{institute}", "metric": metric,
                                "fiscal_year": year, "value": self.random.randint(low, high), "unit": unit,
                                "scope": institute, "cite": CITE}

    def records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Endless records in a fixed mix: for every 10, 4 organizations, 3 projects, 2 awards, 1 observation."""
        pattern = (self.organization, self.organization, self.project, self.award, self.organization,
                   self.project, self.observation, self.organization, self.award, self.project)
        while True:
            for make in pattern:
                yield make()


def _source(seed: int) -> Record:
    return Record("sources", FILE, {
        "id": SOURCE, "title": f"Synthetic data generated by mfgkg synth (seed {seed})",
        "publisher": "Synthetic data generator of mfgkg", "date": "2026", "url": "https://w3id.org/mfgkg/synth",
        "type": "synthetic"})


def _batch(real: Seeds, records: list[tuple[str, dict[str, Any]]], source: Record) -> Seeds:
    """Seeds holding ``records`` and the real records their references need."""
    batch = Seeds(real.root)
    for section in CONTEXT_SECTIONS:
        batch.records[section] = list(real.section(section))
    batch.records["sources"] = [*batch.records["sources"], source]
    for section, data in records:
        batch.records.setdefault(section, []).append(Record(section, FILE, data))
    return batch


def _source_lines(real: Seeds, source: Record) -> list[str]:
    """The synthetic source itself, built as any source is."""
    from mfgkg.data.builder import Builder
    from mfgkg.data.serialize import to_ntriples

    seeds = Seeds(real.root)
    seeds.records.update({"sources": [source], "agencies": list(real.section("agencies"))})
    builder = Builder(seeds)
    builder.sources()
    return to_ntriples(builder.graph).splitlines()


def _batch_lines(real: Seeds, records: list[tuple[str, dict[str, Any]]], source: Record) -> list[str]:
    """The N-Triples of ``records``, built against the real ids."""
    from mfgkg.data.builder import Builder
    from mfgkg.data.serialize import to_ntriples

    builder = Builder(_batch(real, records, source))
    builder.section(BY_NAME["project"])
    builder.memberships()
    builder.funding()
    builder.metrics()
    return to_ntriples(builder.graph).splitlines()


def grow(ntriples: Path, triples: int, seed: int = 1, seeds_dir: Path | None = None) -> str:
    """The N-Triples of ``ntriples`` (the build of ``seeds_dir``) plus synthetic triples, about
    ``triples`` in all (never fewer; a few dozen more at most)."""
    return "".join(grow_lines(ntriples, triples, seed, seeds_dir))


def grow_lines(ntriples: Path, triples: int, seed: int = 1, seeds_dir: Path | None = None) -> Iterator[str]:
    """What :func:`grow` returns, one N-Triples line (with its newline) at a time, so a graph of
    tens of millions of triples can be written without being held in memory."""
    from mfgkg import paths

    base_lines = [line for line in Path(ntriples).read_text(encoding="utf-8").splitlines() if line.strip()]
    if triples < len(base_lines):
        raise MfgkgError(f"cannot grow to {triples} triples: the real graph alone has {len(base_lines)}")
    real = load(seeds_dir or paths.seeds_dir())
    generator = Generator(_base(real), seed)
    source = _source(seed)
    seen = {hash(line) for line in base_lines}  # batches repeat the real triples they refer to
    for line in base_lines:
        yield line + "\n"
    count, done = len(base_lines), 0
    records = generator.records()
    batch_lines = _source_lines(real, source)
    while True:
        for line in batch_lines:
            key = hash(line)
            if key not in seen:
                seen.add(key)
                count += 1
                yield line + "\n"
        if count >= triples:
            return
        # Size the next batch to half of what the triples per record so far say is missing, so the
        # batches shrink as the target nears and the last one overshoots by a record at most.
        per_record = (count - len(base_lines)) / done if done else 0
        size = max(1, min(BATCH, int((triples - count) / per_record / 2))) if per_record else PROBE
        batch_lines = _batch_lines(real, [next(records) for _ in range(size)], source)
        done += size
