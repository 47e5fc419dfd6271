"""How well and how fast `mfgkg check` works: precision and recall per verdict on the labelled
sets, the graph's own key facts, the findings on the seed document, and the time to check a
10,000-word report.

Run from the repository root:  python benchmarks/check_accuracy.py [--runs N] [--words N]

The labelled sets are in tests/fixtures/check/: `labelled.yaml` (the sentences the rules were
developed against) and `heldout.yaml` (written separately, without sight of the checker, and
scored to see how the rules generalise). The graph's key facts (sourced statements in the
editors' words) are real prose that is true by the graph's sources: none may come out
contradicted. Targets: precision and recall of contradicted claims at least 0.9; no seed-document
sentence contradicted; a 10,000-word report checked in under 2 s warm (the facts already read).
The report is built from the labelled sentences and the seed document, repeated to the length
asked for, in paragraphs of five sentences.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections import Counter
from pathlib import Path

import mfgkg
from mfgkg.check import VERDICTS
from mfgkg.check.evaluate import read_labelled, recorded_statements, score

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "check"


def report(words: int) -> str:
    """A document of about ``words`` words made of the labelled sentences and the seed document."""
    sentences = [item["text"] for name in ("labelled", "heldout") for item in read_labelled(FIXTURES / f"{name}.yaml")]
    seed = next((ROOT / "seeds").glob("000_*.txt")).read_text(encoding="utf-8")
    paragraphs, count, i = [seed], len(seed.split()), 0
    while count < words:
        chunk = sentences[i % len(sentences):i % len(sentences) + 5]
        paragraphs.append(" ".join(chunk))
        count += len(" ".join(chunk).split())
        i += 5
    return "\n\n".join(paragraphs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of the long report (median)")
    parser.add_argument("--words", type=int, default=10_000, help="length of the long report")
    args = parser.parse_args()
    print(f"# mfgkg check: accuracy and speed ({platform.python_version()}, {platform.machine()})\n")

    kg = mfgkg.load()
    start = time.perf_counter()
    checker = kg.checker
    setup = time.perf_counter() - start
    for name in ("labelled", "heldout"):
        items = read_labelled(FIXTURES / f"{name}.yaml")
        scores, misses = score(checker, items)
        print(f"## {name}.yaml ({len(items)} sentences)\n")
        print("| verdict | labelled | given | right | precision | recall |")
        print("|---|---:|---:|---:|---:|---:|")
        for s in scores.values():
            print(f"| {s.verdict} | {s.labelled} | {s.given} | {s.hits} | {s.precision:.2f} | {s.recall:.2f} |")
        for item, got in misses:
            print(f"\n- expected {item['verdict']}, got {got} ({item.get('claim', '?')}): {item['text']}")
        print()

    statements = recorded_statements(lambda query: kg.run_sparql(query).records(), checker,
                                     ROOT / "queries" / "check")
    verdicts = Counter(f.verdict for text in statements for f in checker.check(text))
    print(f"## the graph's own key facts ({len(statements)} sourced statements, all true by its sources)\n")
    print(", ".join(f"{verdicts[v]} {v}" for v in VERDICTS) + " (target: 0 contradicted)\n")

    seed = next((ROOT / "seeds").glob("000_*.txt"))
    findings = checker.check(seed.read_text(encoding="utf-8"))
    print(f"## {seed.name} (the seed document)\n")
    for f in findings:
        print(f"- {f.verdict}: {f.claim} (graph: {f.graph_value})")
    contradicted = sum(f.verdict == "contradicted" for f in findings)
    print(f"\n{len(findings)} claims, {contradicted} contradicted\n")

    text = report(args.words)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        found = checker.check(text)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print("## speed\n")
    print(f"- reading the facts and building the gazetteer (once per graph): {setup * 1000:.0f} ms")
    print(f"- a {len(text.split()):,}-word report, {len(found)} claims: median {median * 1000:.0f} ms "
          f"over {args.runs} runs (target under 2,000 ms: {'met' if median < 2 else 'missed'})")


if __name__ == "__main__":
    main()
