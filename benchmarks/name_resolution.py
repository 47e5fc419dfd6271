"""Time to resolve a query parameter's value to an entity of the real graph: misspelt names, a
value that matches nothing, a many-word value at the length limit and a 748-byte one; the current
matcher (rapidfuzz) beside the original (difflib, from the git revision --before).

Run from the repository root:  python benchmarks/name_resolution.py [--runs N] [--before-runs N]

Medians of wall time, measured side by side in one run, with the name index already built.
"match" is the matching alone (Names.match), the current and the original matcher on the same
names; "resolve" is what a query does with the value (Resolver.resolve: a value over the limit is
refused there). "first" is a fresh Resolver's first resolution, the name index built from the
store, as a `mfgkg query` process pays it. Target: a misspelt name resolved in under 20 ms.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from functools import partial

from revision import machine, module_at, parser

import mfgkg
from mfgkg.errors import QueryError
from mfgkg.query.names import MAX_VALUE
from mfgkg.query.params import Resolver

WORDS = "advanced manufacturing institutes for robotics, photonics and clean energy across states ; " * 9
CASES = (
    ("agency", "Departmnt of Energy"),
    ("technology", "biomanufactring"),
    ("entity", "Departmnt of Energy"),
    ("entity", "Nationl Institte of Standards and Technolgy"),
    ("entity", "photonic chips"),
    ("entity", WORDS[:MAX_VALUE]),
    ("entity", WORDS[:748]),
)


def median_ms(call: Callable[[], object], runs: int) -> float:
    """Median milliseconds of ``call()`` after one warm-up call."""
    call()
    spent = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        spent.append((time.perf_counter() - start) * 1000)
    return statistics.median(spent)


def outcome(resolver: Resolver, kind: str, value: str) -> str:
    """What resolving ``value`` gives: the entity's last IRI segment, "no match" or "refused"."""
    try:
        binding = resolver.resolve(kind, value, "here")
    except QueryError:
        return "refused"
    return binding.term.value.rsplit("/", 1)[-1] if binding.matched else "no match"


def main() -> None:
    args = parser(__doc__.splitlines()[0], runs=21, before_runs=3).parse_args()

    print(machine())
    before = module_at(args.before, "src/mfgkg/query/names.py", "names_before")
    if before is None:
        print(f"(revision {args.before} not available: the original matcher is left out)")
    store = mfgkg.load().store
    resolver = Resolver(store)

    print(f"\nmedian ms (now: {args.runs} runs; before: {args.before_runs})")
    print(f"  {'type':11}{'value':34}{'chars':>6}{'match before':>14}{'match now':>11}{'speed-up':>10}"
          f"{'resolve':>9}{'first':>8}  outcome")
    for kind, value in CASES:
        names = resolver.names(kind)
        now = median_ms(partial(names.match, value), args.runs)
        resolve = median_ms(partial(outcome, resolver, kind, value), args.runs)
        start = time.perf_counter()
        outcome(Resolver(store), kind, value)
        first = (time.perf_counter() - start) * 1000
        row = f"  {kind:11}{value[:32]!r:34}{len(value):6}"
        if before is not None:
            pairs = [(entity, name) for entity, own in names.names.items() for name in own]
            old = before.Names.of(pairs, names.secondary, names.labels)
            then = median_ms(partial(old.match, value), args.before_runs)
            row += f"{then:14.1f}{now:11.2f}{then / now:9.0f}x"
        else:
            row += f"{'':14}{now:11.2f}{'':10}"
        print(row + f"{resolve:9.2f}{first:8.1f}  {outcome(resolver, kind, value)}")


if __name__ == "__main__":
    main()
