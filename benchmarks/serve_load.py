"""Load test of `mfgkg serve`: concurrent clients on loopback for a bounded time.

Run from the repository root:  python benchmarks/serve_load.py [--seconds 10] [--clients 1 4 8]
[--before REVISION]

With ``--before`` the server at that git revision (checked out in a temporary worktree) is driven
too, level by level alternating with today's, so the two are measured side by side in one run.

The server runs in its own process (started here and stopped by PID); this process drives it
with threads, each sending the saved queries' example SPARQL in turn. For every concurrency
level it prints requests per second, median and 99th-percentile latency, and errors
(target: zero errors).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start_server(root: Path = ROOT) -> tuple[subprocess.Popen[str], str]:
    """`mfgkg serve` of the checkout at ``root`` on a free loopback port."""
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "MFGKG_ROOT": str(root)}
    process = subprocess.Popen([sys.executable, "-m", "mfgkg", "serve", "--port", "0"], cwd=root, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline() if process.stdout else ""
    if not line.startswith("serving "):
        process.kill()
        raise SystemExit(f"server did not start: {line}{process.stderr.read() if process.stderr else ''}")
    return process, line.split()[1]


def drive(url: str, queries: list[str], clients: int, seconds: float) -> dict[str, float]:
    """Run ``clients`` threads for ``seconds``; return throughput, latency percentiles and errors."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        nonlocal errors
        index = offset
        while time.perf_counter() < deadline:
            body = urllib.parse.urlencode({"query": queries[index % len(queries)]}).encode()
            index += 1
            request = urllib.request.Request(url + "sparql", data=body,
                                             headers={"Accept": "application/sparql-results+json"})
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                    ok = response.status == 200
            except (urllib.error.URLError, OSError):
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "rps": len(ordered) / wall,
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000,
        "errors": errors,
    }


def worktree(revision: str, where: Path) -> Path:
    """The repository at ``revision``, checked out (without touching this checkout) under ``where``."""
    path = where / "before"
    subprocess.run(["git", "worktree", "add", "--detach", str(path), revision], cwd=ROOT, check=True,
                   capture_output=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each level (default 10)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 8], help="concurrency levels")
    parser.add_argument("--before", metavar="REVISION", help="also drive the server at this git revision")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as scratch:
        roots = {"now": ROOT}
        if args.before:
            roots = {"before": worktree(args.before, Path(scratch)), **roots}
        servers = {name: start_server(root) for name, root in roots.items()}
        try:
            with urllib.request.urlopen(servers["now"][1] + "queries", timeout=30) as response:
                queries = [item["sparql"] for item in json.load(response)]
            print(f"{len(queries)} saved queries with example parameters (today's), {args.seconds:g} s per level\n")
            print(f"{'server':>7} {'clients':>7} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
                  f"{'errors':>7}")
            for clients in args.clients:
                for name, (_, url) in servers.items():
                    r = drive(url, queries, clients, args.seconds)
                    print(f"{name:>7} {clients:>7} {r['requests']:>9} {r['rps']:>8.1f} {r['p50']:>8.1f} "
                          f"{r['p99']:>8.1f} {r['errors']:>7}")
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(timeout=30)
            if args.before:
                subprocess.run(["git", "worktree", "remove", "--force", str(roots["before"])], cwd=ROOT,
                               capture_output=True)


if __name__ == "__main__":
    main()
