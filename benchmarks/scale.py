"""Scale benchmark: load, every saved query, validation and peak memory on Oxigraph (in memory
and as a persistent store on disk), rdflib and Virtuoso side by side, at graph sizes grown with
`mfgkg synth`.

Run from the repository root:  python benchmarks/scale.py [--sizes 50000 100000 1000000 10000000] [--runs 3]

Each (size, store) runs in its own process, so peak memory (ru_maxrss) belongs to that store
alone; Virtuoso's is the server's high-water mark (VmHWM). "oxigraph" loads the N-Triples into
memory; "oxigraph-store" loads them into a persistent store (what `mfgkg load` does; its load
time is that) and queries it read-only, as `--store` does. Query times are medians of --runs runs
with each query's example parameters, after one warm-up run; a query over --query-timeout seconds is reported as
"> N s". Validation: the SPARQL engine on both Oxigraph stores at every size, pySHACL (in the
rdflib process) up to --pyshacl-max triples. rdflib and Virtuoso are measured up to --rdflib-max
and --virtuoso-max triples (a day's run otherwise). Virtuoso is started by scripts/virtuoso.sh on
free loopback ports, loaded with `mfgkg push`, and stopped by PID at the end (skip it with
--stores oxigraph oxigraph-store rdflib). Synthetic graphs are kept in --synth-dir when given, so
a second run skips growing them. Prints a table and writes benchmarks/results/scale.png and
scale.json.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
STORES = ("oxigraph", "oxigraph-store", "rdflib", "virtuoso")
GRAPH = "https://w3id.org/mfgkg/graph/benchmark"
CREDENTIALS = {"MFGKG_SPARQL_USER": "dba", "MFGKG_SPARQL_PASSWORD": "dba", "MFGKG_SPARQL_AUTH": "digest"}


class Timeout(BaseException):
    """A query ran past its budget (a BaseException, so stores' error handling lets it through)."""


def _alarm(signum: int, frame: object) -> None:
    raise Timeout


def open_backend(path: Path, backend: str, endpoint: str | None) -> tuple[object, float]:
    """The store for ``backend`` and its load time in seconds (for Virtuoso: `mfgkg push`; for the
    persistent store: creating it, then opening it read-only)."""
    from mfgkg.query.persistent import create
    from mfgkg.query.remote import RemoteStore, push
    from mfgkg.query.stores import open_store

    started = time.perf_counter()
    if backend == "oxigraph-store":
        directory = Path(tempfile.mkdtemp(prefix="scale-store-"))
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        create(path, directory / "store")
        return open_store(directory / "store"), time.perf_counter() - started
    if backend != "virtuoso":
        return open_store(path, backend), time.perf_counter() - started
    assert endpoint is not None
    os.environ.update(CREDENTIALS)
    push(RemoteStore(endpoint, update_endpoint=endpoint + "-auth", timeout=600), path, GRAPH)
    return RemoteStore(endpoint, graph=GRAPH), time.perf_counter() - started


def time_queries(kg: object, runs: int, query_timeout: float) -> dict[str, float | None]:
    """Median seconds per saved query (example parameters); None when over the timeout."""
    from mfgkg.errors import StoreError

    signal.signal(signal.SIGALRM, _alarm)
    out: dict[str, float | None] = {}
    for saved in kg.queries:
        params = saved.example_params()
        times = []
        try:
            for _ in range(runs + 1):  # the first run warms caches and is not counted
                signal.setitimer(signal.ITIMER_REAL, query_timeout)
                t0 = time.perf_counter()
                kg.run(saved.name, params)
                times.append(time.perf_counter() - t0)
                signal.setitimer(signal.ITIMER_REAL, 0)
            out[saved.name] = statistics.median(times[1:])
        except (Timeout, StoreError):
            out[saved.name] = None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return out


def measure(path: Path, backend: str, runs: int, query_timeout: float, pyshacl_max: int,
            endpoint: str | None) -> dict:
    """In this process: load ``path`` into ``backend``, time every saved query, validate."""
    from mfgkg.kg import KnowledgeGraph
    from mfgkg.query.catalogue import Catalogue
    from mfgkg.shapes.validate import run, shapes_graph

    store, load = open_backend(path, backend, endpoint)
    triples = len(store)
    kg = KnowledgeGraph(store, Catalogue(ROOT / "queries"))
    result: dict = {"load": load, "triples": triples, "queries": time_queries(kg, runs, query_timeout)}
    engine = {"oxigraph": "oxigraph", "oxigraph-store": "oxigraph", "rdflib": "pyshacl"}.get(backend)
    if engine and (engine == "oxigraph" or triples <= pyshacl_max):
        shapes = shapes_graph(ROOT / "ontology")
        t0 = time.perf_counter()
        report = run(store, shapes, engine)
        result["validate"] = time.perf_counter() - t0
        result["violations"] = len(report.violations)
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def virtuoso(workdir: Path) -> Iterator[tuple[str, int]]:
    """A fresh Virtuoso on free loopback ports: (endpoint, server pid); stopped by PID afterwards."""
    env = {**os.environ, "MFGKG_VIRTUOSO_DIR": str(workdir / "virtuoso"),
           "MFGKG_VIRTUOSO_PORT": str(free_port()), "MFGKG_VIRTUOSO_SQL_PORT": str(free_port())}
    script = str(ROOT / "scripts" / "virtuoso.sh")
    started = subprocess.run(["bash", script, "start"], env=env, capture_output=True, text=True, check=False)
    if started.returncode != 0:
        raise SystemExit(f"cannot start Virtuoso: {started.stdout}{started.stderr}")
    pid = int((workdir / "virtuoso" / "virtuoso.pid").read_text())
    try:
        yield f"http://127.0.0.1:{env['MFGKG_VIRTUOSO_PORT']}/sparql", pid
    finally:
        subprocess.run(["bash", script, "stop"], env=env, capture_output=True, check=False)


def server_peak_mib(pid: int) -> float | None:
    """A process's peak resident memory (VmHWM) in MiB, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def worker(args: list[str]) -> dict:
    """Run one measure() in a child process and return its JSON result."""
    done = subprocess.run([sys.executable, __file__, "--worker", *args], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 100_000, 1_000_000, 10_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--query-timeout", type=float, default=30.0)
    parser.add_argument("--pyshacl-max", type=int, default=30_000)
    parser.add_argument("--rdflib-max", type=int, default=1_000_000)
    parser.add_argument("--virtuoso-max", type=int, default=1_000_000)
    parser.add_argument("--synth-dir", type=Path, default=None,
                        help="Keep the synthetic graphs here (synth-SIZE.nt) and reuse them on later runs.")
    parser.add_argument("--stores", nargs="+", choices=STORES, default=list(STORES))
    parser.add_argument("--replot", action="store_true", help="Redraw the plot from the last results/scale.json.")
    parser.add_argument("--worker", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replot:
        saved = json.loads((RESULTS / "scale.json").read_text())
        plot({int(size): r for size, r in saved["sizes"].items()}, saved["query_timeout"])
        return
    if args.worker:
        path, backend, runs, timeout, pyshacl_max, endpoint = args.worker
        print(json.dumps(measure(Path(path), backend, int(runs), float(timeout), int(pyshacl_max),
                                 None if endpoint == "-" else endpoint)))
        return

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; medians of {args.runs} runs")
    results: dict[int, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        endpoint, pid = stack.enter_context(virtuoso(Path(tmp))) if "virtuoso" in args.stores else ("-", 0)
        caps = {"rdflib": args.rdflib_max, "virtuoso": args.virtuoso_max}
        for size in args.sizes:
            path = (args.synth_dir or Path(tmp)) / f"synth-{size}.nt"
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                subprocess.run([sys.executable, "-m", "mfgkg", "synth", "--triples", str(size), "--out", str(path)],
                               cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
            results[size] = {}
            for backend in args.stores:
                if size > caps.get(backend, size):
                    continue
                results[size][backend] = worker([str(path), backend, str(args.runs), str(args.query_timeout),
                                                 str(args.pyshacl_max), endpoint])
                if backend == "virtuoso":
                    results[size][backend]["peak_mib"] = server_peak_mib(pid)
            report(results[size], args.query_timeout)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps({"query_timeout": args.query_timeout, "sizes": results}, indent=1))
    plot(results, args.query_timeout)


def fmt(seconds: float | None, timeout: float) -> str:
    return f"> {timeout:g} s" if seconds is None else f"{seconds * 1000:,.1f}"


def report(result: dict[str, dict], timeout: float) -> None:
    stores = list(result)
    first = result[stores[0]]
    print(f"\n{first['triples']:,} triples")
    for store in stores:
        r = result[store]
        peak = f"{r['peak_mib']:,.0f} MiB" if r.get("peak_mib") else "n/a"
        check = f"; validation {r['validate']:.2f} s ({r['violations']} violations)" if "validate" in r else ""
        print(f"  {store:14} load {r['load']:.2f} s; peak memory {peak}{check}")
    header = "".join(f"{s:>16}" for s in stores)
    compare = {"rdflib", "oxigraph"} <= set(stores)
    print(f"  {'query (median ms)':24}{header}" + ("  rdflib/oxigraph" if compare else ""))
    for name in first["queries"]:
        cells = "".join(f"{fmt(result[s]['queries'][name], timeout):>16}" for s in stores)
        if compare:
            cells += f"{speedup(result['oxigraph']['queries'][name], result['rdflib']['queries'][name], timeout):>18}"
        print(f"  {name:24}{cells}")


def speedup(fast: float | None, slow: float | None, timeout: float) -> str:
    """How many times faster ``fast`` is; a lower bound when ``slow`` ran out of time."""
    if not fast:
        return "-"
    if slow is None:
        return f"> {timeout / fast:,.0f}x"
    return f"{slow / fast:,.0f}x"


def plot(results: dict[int, dict[str, dict]], cap: float) -> None:
    """Total and slowest query time, load and validation time by size; timed-out queries count as ``cap``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results)
    stores = list(dict.fromkeys(store for size in sizes for store in results[size]))
    fig, (queries, other) = plt.subplots(1, 2, figsize=(11, 4))
    for store, style in zip(stores, ("-o", "-D", "--s", ":^"), strict=False):
        measured = [size for size in sizes if store in results[size]]  # rdflib and Virtuoso stop at their caps
        times = [list(results[size][store]["queries"].values()) for size in measured]
        capped_any = any(t is None for row in times for t in row)
        queries.plot(measured, [sum(cap if t is None else t for t in row) * 1000 for row in times], style,
                     label=f"{store}: all saved queries" + (" (capped, lower bound)" if capped_any else ""))
        other.plot(measured, [results[size][store]["load"] for size in measured], style, label=f"{store}: load")
        if store.startswith("oxigraph"):
            queries.plot(measured, [max(t for t in row if t is not None) * 1000 for row in times], ":x",
                         label=f"{store}: slowest saved query")
    for store, engine in (("oxigraph", "SPARQL engine, memory"), ("oxigraph-store", "SPARQL engine, store"),
                          ("rdflib", "pySHACL")):
        points = [(s, results[s][store]["validate"]) for s in sizes if "validate" in results[s].get(store, {})]
        if points:
            other.plot(*zip(*points, strict=True), "-.x", label=f"validation: {engine}")
    for ax, title, unit in ((queries, "Saved queries (example parameters)", "ms"), (other, "Load and validation", "s")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("triples")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.legend(fontsize=7)
    out = RESULTS / "scale.png"
    fig.savefig(out, dpi=110, bbox_inches="tight", metadata={"Software": None})
    print(f"\nplot: {out.relative_to(ROOT)}; figures: {(RESULTS / 'scale.json').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
