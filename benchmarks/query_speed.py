"""Query-layer speed: a cold `mfgkg query` process against a bare `import rdflib`, and each saved
query warm in-process on both embedded stores.

Run from the repository root:  python benchmarks/query_speed.py [--runs N]

Measurements are taken side by side in one run and reported as medians, so the ratio is
meaningful on a shared, noisy machine. Targets: cold query within 2x of the rdflib import;
every saved query under 20 ms warm on the default (Oxigraph) store.
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


def cold(runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Median seconds of `mfgkg query who-funds-what` and of `python -c "import rdflib"`, interleaved."""
    query = [sys.executable, "-m", "mfgkg", "query", "who-funds-what", "--format", "csv"]
    bare = [sys.executable, "-c", "import rdflib"]
    run_process(query, env)  # fill the build cache; later runs are cold processes with a warm cache
    query_times, bare_times = [], []
    for _ in range(runs):
        query_times.append(run_process(query, env))
        bare_times.append(run_process(bare, env))
    return statistics.median(query_times), statistics.median(bare_times)


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
    args = parser.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    with tempfile.TemporaryDirectory() as cache_dir:
        env = {**os.environ, "MFGKG_CACHE": cache_dir}
        query_s, bare_s = cold(args.runs, env)
        print(f"\ncold process, median of {args.runs}:")
        print(f"  mfgkg query who-funds-what   {query_s * 1000:7.1f} ms")
        print(f"  python -c 'import rdflib'    {bare_s * 1000:7.1f} ms")
        print(f"  ratio                        {query_s / bare_s:7.2f}x   (target <= 2x)")

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
