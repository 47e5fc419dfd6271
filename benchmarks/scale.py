"""Scale benchmark: load, every saved query on rdflib and Oxigraph side by side, validation and
peak memory, at several graph sizes grown with `mfgkg synth`.

Run from the repository root:  python benchmarks/scale.py [--sizes 10000 100000 1000000] [--runs 3]

Each (size, store) runs in its own process so peak memory (ru_maxrss) belongs to that store
alone. Query times are medians of --runs runs; a query that exceeds --query-timeout seconds on a
store is reported as "> N s". Validation (pySHACL) runs only up to --validate-max triples.
Prints a table and writes benchmarks/results/scale.png.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Timeout(BaseException):
    """A query ran past its budget (a BaseException, so stores' error handling lets it through)."""


def _alarm(signum: int, frame: object) -> None:
    raise Timeout


def measure(path: Path, backend: str, runs: int, query_timeout: float, validate: bool) -> dict:
    """In this process: load ``path`` into ``backend``, time every saved query, optionally validate."""
    import mfgkg
    from mfgkg.catalogue import Catalogue
    from mfgkg.kg import KnowledgeGraph
    from mfgkg.stores import open_store

    started = time.perf_counter()
    store = open_store(path, backend)
    load = time.perf_counter() - started
    kg = KnowledgeGraph(store, Catalogue(ROOT / "queries"))
    signal.signal(signal.SIGALRM, _alarm)
    queries: dict[str, float | None] = {}
    for saved in kg.queries:
        params = saved.example_params()
        times = []
        try:
            for _ in range(runs):
                signal.setitimer(signal.ITIMER_REAL, query_timeout)
                t0 = time.perf_counter()
                kg.run(saved.name, params)
                times.append(time.perf_counter() - t0)
                signal.setitimer(signal.ITIMER_REAL, 0)
            queries[saved.name] = statistics.median(times)
        except Timeout:
            queries[saved.name] = None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    result = {"load": load, "triples": len(store), "queries": queries}
    if validate:
        t0 = time.perf_counter()
        report = mfgkg.validate(store.to_rdflib(), ROOT / "ontology")
        result["validate"] = time.perf_counter() - t0
        result["violations"] = len(report.violations)
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--query-timeout", type=float, default=60.0)
    parser.add_argument("--validate-max", type=int, default=100_000)
    parser.add_argument("--worker", nargs=5, metavar=("PATH", "BACKEND", "RUNS", "TIMEOUT", "VALIDATE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        path, backend, runs, timeout, validate = args.worker
        print(json.dumps(measure(Path(path), backend, int(runs), float(timeout), validate == "1")))
        return

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    results: dict[int, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"synth-{size}.nt"
            subprocess.run([sys.executable, "-m", "mfgkg", "synth", "--triples", str(size), "--out", str(path)],
                           cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
            results[size] = {}
            for backend in ("oxigraph", "rdflib"):
                validate = "1" if backend == "oxigraph" and size <= args.validate_max else "0"
                done = subprocess.run([sys.executable, __file__, "--worker", str(path), backend, str(args.runs),
                                       str(args.query_timeout), validate], cwd=ROOT, capture_output=True, text=True)
                if done.returncode != 0:
                    raise SystemExit(done.stderr)
                results[size][backend] = json.loads(done.stdout.strip().splitlines()[-1])
            report(size, results[size], args.query_timeout)
    plot(results)


def fmt(seconds: float | None, timeout: float) -> str:
    return f"> {timeout:g} s" if seconds is None else f"{seconds * 1000:,.1f}"


def report(size: int, result: dict[str, dict], timeout: float) -> None:
    ox, rl = result["oxigraph"], result["rdflib"]
    print(f"\n{ox['triples']:,} triples")
    print(f"  load: oxigraph {ox['load']:.2f} s, rdflib {rl['load']:.2f} s; peak memory: oxigraph "
          f"{ox['peak_mib']:,.0f} MiB, rdflib {rl['peak_mib']:,.0f} MiB")
    if "validate" in ox:
        print(f"  validation (pySHACL): {ox['validate']:.1f} s, {ox['violations']} violations")
    else:
        print("  validation: not run at this size (see --validate-max)")
    print(f"  {'query (median ms)':24} {'oxigraph':>10} {'rdflib':>12} {'ratio':>8}")
    for name, ox_time in ox["queries"].items():
        rl_time = rl["queries"][name]
        ratio = f"{rl_time / ox_time:,.0f}x" if ox_time and rl_time else "-"
        print(f"  {name:24} {fmt(ox_time, timeout):>10} {fmt(rl_time, timeout):>12} {ratio:>8}")


def plot(results: dict[int, dict[str, dict]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results)
    fig, ax = plt.subplots(figsize=(7, 4))
    for backend, style in (("oxigraph", "-o"), ("rdflib", "--s")):
        totals = []
        for size in sizes:
            times = [t for t in results[size][backend]["queries"].values() if t is not None]
            totals.append(statistics.median(times) * 1000 if times else float("nan"))
        ax.plot(sizes, totals, style, label=f"{backend}: median saved query")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("triples")
    ax.set_ylabel("ms")
    ax.legend()
    ax.set_title("Saved-query time by graph size")
    out = ROOT / "benchmarks" / "results" / "scale.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110, bbox_inches="tight", metadata={"Software": None})
    print(f"\nplot: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
