"""Queries run in worker processes, so no query can take the server down with it.

Each worker loads the graph once and then answers queries one at a time, under an address
space cap (``memory_mib`` plus the engine's reserved stack) set with ``setrlimit``. The pool
gives each query a real deadline: when it passes, the worker is killed and a fresh one takes
its place. A worker that dies while answering (out of memory, a native crash) costs that one
answer, with the reason it gave on its way out, and is replaced the same way. Workers read
nothing from clients except query text, and write their own error output to a private log
that the pool reads only to explain a crash.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mfgkg.choices import MEMORY_MIB
from mfgkg.errors import MfgkgError, QueryError, ResultTooLarge, StoreError
from mfgkg.query.query_guard import STACK_BYTES, on_large_stack
from mfgkg.query.stores import Answer, Dataset

if TYPE_CHECKING:
    from multiprocessing.connection import Connection



# No Rust backtraces in the log; and at most two glibc malloc arenas: a persistent store's
# background threads would otherwise reserve 64 MiB of address space each, which counts
# against the worker's memory cap before any query runs.
WORKER_ENV = {"RUST_BACKTRACE": "0", "MALLOC_ARENA_MAX": "2"}


class WorkerBusy(MfgkgError):
    """Every worker stayed busy for the whole time limit."""


class QueryTimeout(MfgkgError):
    """The query ran past its deadline; its worker was stopped."""


class WorkerCrashed(MfgkgError):
    """The worker died while answering (a native crash, or memory beyond its cap)."""


@dataclass(frozen=True)
class PoolSettings:
    """How many workers, how long a query may run, and how much memory a worker may use."""

    workers: int = 2
    time_limit: float = 10.0
    memory_mib: int = MEMORY_MIB


ERRORS: dict[str, type[MfgkgError]] = {cls.__name__: cls for cls in (QueryError, ResultTooLarge, StoreError,
                                                                       WorkerCrashed)}


def _worker_main(requests: Connection, replies: Connection, memory_mib: int) -> None:
    """A worker process: cap memory, load the graph it is sent, then answer (query, limit, dataset) requests."""
    import resource

    from mfgkg.query.stores import open_store

    cap = memory_mib * 1024 * 1024 + STACK_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    backend, snapshot = requests.recv()
    store = open_store(snapshot, backend)
    del snapshot
    replies.send(("ready", len(store)))
    while True:
        try:
            text, limit, dataset = requests.recv()
        except (EOFError, OSError):
            return
        try:
            answer = on_large_stack(store.query, text, limit=limit, dataset=dataset)
            reply: tuple[Any, ...] = ("ok", answer)
        except MfgkgError as exc:
            reply = ("error", type(exc).__name__, str(exc))
        except MemoryError:
            reply = ("error", "WorkerCrashed", f"the query needed more memory than the worker's {memory_mib} MiB cap")
        replies.send(reply)


class Worker:
    """One worker process (``python -m mfgkg.query.workers``) and the parent's ends of its two pipes.

    The worker is a fresh interpreter started by :mod:`subprocess`, so it never re-runs the
    caller's script (as multiprocessing's spawn would) and inherits nothing but two pipe ends
    and a private error log.
    """

    def __init__(self, backend: str, snapshot: Path | bytes, memory_mib: int):
        from multiprocessing.connection import Connection

        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        handle, self.log = tempfile.mkstemp(prefix="mfgkg-worker-", suffix=".log")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mfgkg.query.workers", str(request_read), str(reply_write), str(memory_mib)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=handle,
                pass_fds=(request_read, reply_write), close_fds=True, env={**os.environ, **WORKER_ENV})
        finally:
            os.close(handle)
            os.close(request_read)
            os.close(reply_write)
        self.requests, self.replies = Connection(request_write, readable=False), Connection(reply_read, writable=False)
        self.requests.send((backend, snapshot))
        self.ready = False
        self.memory_mib = memory_mib

    def ask(self, request: tuple[str, int | None, Dataset | None], deadline: float) -> Answer:
        """Send one request and wait for the answer until ``deadline`` (a ``time.monotonic()`` value)."""
        if not self.ready:
            self._receive(deadline, starting=True)
            self.ready = True
        self.requests.send(request)
        reply = self._receive(deadline, starting=False)
        if reply[0] == "ok":
            return reply[1]
        raise ERRORS.get(reply[1], MfgkgError)(reply[2])

    def _receive(self, deadline: float, starting: bool) -> tuple[Any, ...]:
        if not self.replies.poll(max(0.0, deadline - time.monotonic())):
            raise QueryTimeout("the worker was still loading the graph" if starting else "")
        try:
            return self.replies.recv()
        except (EOFError, OSError):
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
            raise WorkerCrashed(self._death()) from None

    def _death(self) -> str:
        """Why the process ended: its exit signal and the first line it wrote to its error log."""
        code = self.process.returncode
        how = (f"signal {signal.Signals(-code).name}" if code is not None and code < 0
               else f"exit status {code}")
        try:
            lines = [line.strip() for line in Path(self.log).read_text("utf-8", "replace").splitlines() if line.strip()]
        except OSError:
            lines = []
        said = f": {lines[0][:200]}" if lines else ""
        return f"the query stopped its worker ({how}{said}; memory cap {self.memory_mib} MiB)"

    def stop(self) -> None:
        """Kill the process at once and remove its log."""
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.requests.close()
        self.replies.close()
        Path(self.log).unlink(missing_ok=True)


class WorkerPool:
    """A fixed number of workers over one graph; :meth:`run` answers a query in one of them."""

    def __init__(self, backend: str, snapshot: Path | bytes, settings: PoolSettings = PoolSettings()):
        self.backend, self.snapshot, self.settings = backend, snapshot, settings
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._closed = False
        for _ in range(settings.workers):
            self._idle.put(self._start())

    def _start(self) -> Worker:
        return Worker(self.backend, self.snapshot, self.settings.memory_mib)

    def run(self, text: str, limit: int | None, dataset: Dataset | None = None) -> Answer:
        """The answer to ``text``; raises WorkerBusy, QueryTimeout, WorkerCrashed or the query's own error."""
        limit_s = self.settings.time_limit
        try:
            worker = self._idle.get(timeout=limit_s)
        except queue.Empty:
            raise WorkerBusy(f"all {self.settings.workers} query workers stayed busy for {limit_s:g} s; "
                             "try again shortly") from None
        try:
            return worker.ask((text, limit, dataset), time.monotonic() + limit_s)
        except QueryTimeout as exc:
            worker.stop()
            worker = self._start()
            raise QueryTimeout(f"query exceeded the {limit_s:g} s time limit and was stopped"
                               + (f" ({exc})" if str(exc) else "")) from None
        except WorkerCrashed:
            worker.stop()
            worker = self._start()
            raise
        finally:
            if self._closed:
                worker.stop()
            else:
                self._idle.put(worker)

    def close(self) -> None:
        """Stop every idle worker; busy ones stop when their query returns."""
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                return


if __name__ == "__main__":
    from multiprocessing.connection import Connection

    _worker_main(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False),
                 int(sys.argv[3]))
