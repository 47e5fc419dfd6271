"""Query-layer speed: a cold `mfgkg query` process against a bare `import rdflib`, the same cold
query against a persistent store of a grown graph, and each saved query warm in-process on both
embedded stores.

Run from the repository root:  python benchmarks/query_speed.py [--runs N] [--store-triples N]

Measurements are taken side by side in one run and reported as medians, so the ratio is
meaningful on a shared, noisy machine. Processes run with bytecode caching on, as an installed
package does (PYTHONDONTWRITEBYTECODE is removed from their environment). Targets: the cold
query under 0.7x the rdflib import; the cold query against a 1M-triple store within 0.5 s of
the same query warm; every saved query under 20 ms warm on the default (Oxigraph) store.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mfgkg

ROOT = Path(__file__).resolve().parents[1]


def run_process(args: list[str], env: dict[str, str]) -> float:
    """Wall time of one process, start to exit, in seconds."""
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


QUERY = [sys.executable, "-m", "mfgkg", "query", "who-funds-what", "--format", "csv"]


def cold(runs: int, env: dict[str, str], *commands: list[str]) -> list[float]:
    """Median seconds of each command as a fresh process, the commands interleaved run by run."""
    for command in commands:
        run_process(command, env)  # fill the build cache and bytecode; later runs are cold processes
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for spent, command in zip(times, commands, strict=True):
            spent.append(run_process(command, env))
    return [statistics.median(spent) for spent in times]


def grown_store(triples: int, folder: Path, env: dict[str, str]) -> Path:
    """A persistent store of the graph grown to ``triples`` (made with `mfgkg synth` and `mfgkg load`)."""
    source, store = folder / f"synth-{triples}.nt", folder / f"store-{triples}"
    steps = (["synth", "--triples", str(triples), "--out", str(source)], ["load", str(source), "--store", str(store)])
    for args in steps:
        subprocess.run([sys.executable, "-m", "mfgkg", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return store


def warm(kg: mfgkg.kg.KnowledgeGraph, name: str, params: dict[str, str], runs: int) -> float:
    """Median milliseconds of one saved query in a loaded graph (parameter resolution included)."""
    kg.run(name, params)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        kg.run(name, params)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="repetitions per measurement (default 15)")
    parser.add_argument("--rdflib-runs", type=int, default=1, help="repetitions on the rdflib store (default 1; slow)")
    parser.add_argument("--store-triples", type=int, default=1_000_000,
                        help="size of the grown graph for the cold query against a persistent store (0 skips it)")
    args = parser.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    with tempfile.TemporaryDirectory() as cache_dir:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"MFGKG_CACHE": cache_dir}
        query_s, bare_s = cold(args.runs, env, QUERY, [sys.executable, "-c", "import rdflib"])
        print(f"\ncold process, median of {args.runs}:")
        print(f"  mfgkg query who-funds-what   {query_s * 1000:7.1f} ms")
        print(f"  python -c 'import rdflib'    {bare_s * 1000:7.1f} ms")
        print(f"  ratio                        {query_s / bare_s:7.2f}x   (target < 0.7x)")
        if args.store_triples:
            store = grown_store(args.store_triples, Path(cache_dir), env)
            (store_s,) = cold(args.runs, env, [*QUERY, "--store", str(store)])
            kg = mfgkg.load(store=store)
            warm_ms = warm(kg, "who-funds-what", {}, args.runs)
            del kg
            print(f"\ncold process against a {len(mfgkg.load(store=store)):,}-triple persistent store, "
                  f"median of {args.runs}:")
            print(f"  mfgkg query who-funds-what --store   {store_s * 1000:7.1f} ms")
            print(f"  the same query warm, in-process       {warm_ms:7.1f} ms")
            print(f"  cold minus warm                       {store_s * 1000 - warm_ms:7.1f} ms   (target < 500 ms)")

        os.environ["MFGKG_CACHE"] = cache_dir
        stores = {"oxigraph": mfgkg.load(), "rdflib": mfgkg.load(backend="rdflib")}
        print(f"\nwarm in-process, median ms (oxigraph: {args.runs} runs, rdflib: {args.rdflib_runs} runs); "
              "example parameters")
        print(f"  {'query':24} {'oxigraph':>9} {'rdflib':>10} {'speed-up':>9}")
        slowest = ("", 0.0)
        for saved in stores["oxigraph"].queries:
            params = saved.example_params()
            ox = warm(stores["oxigraph"], saved.name, params, args.runs)
            rl = warm(stores["rdflib"], saved.name, params, args.rdflib_runs)
            slowest = max(slowest, (saved.name, ox), key=lambda item: item[1])
            print(f"  {saved.name:24} {ox:9.2f} {rl:10.1f} {rl / ox:8.0f}x")
        print(f"\nslowest on oxigraph: {slowest[0]} at {slowest[1]:.2f} ms (target < 20 ms)")


if __name__ == "__main__":
    main()
