"""Queries run in worker processes, so no query can take the server down with it.

Each worker loads the graph once and then answers queries one at a time, under an address
space cap (``memory_mib`` plus the engine's reserved stack) set with ``setrlimit``. The pool
gives each query a real deadline: when it passes, the worker is killed and a fresh one takes
its place. A worker that dies while answering (out of memory, a native crash) costs that one
answer, with the reason it gave on its way out, and is replaced the same way. Workers read
nothing from clients except query text, and write their own error output to a private log
that the pool reads only to explain a crash.

A worker writes the answer in the syntax the client asked for and refuses an answer over the
byte cap before sending it back, so the caller never holds more than the cap. A caller whose
client has gone can stop waiting: the worker is then replaced like one past its deadline.
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

from mfgkg.choices import MAX_BYTES, MEMORY_MIB
from mfgkg.errors import MfgkgError, NotRepresentable, QueryError, ResultTooLarge, StoreError
from mfgkg.query.query_guard import STACK_BYTES, on_large_stack
from mfgkg.query.stores import Dataset

if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.connection import Connection

    from mfgkg.query.stores import Answer

POLL_SECONDS = 0.25  # how often a waiting caller asks whether its client is still there
LOAD_SECONDS = 300.0  # how long a fresh worker may take to load the graph before it counts as stuck

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


class ClientGone(MfgkgError):
    """The caller's client hung up while its query ran; the worker was stopped."""


@dataclass(frozen=True)
class Job:
    """One query for a worker: the text, the row cap, the client's dataset, the syntax to write a
    SELECT/ASK answer (``rows``) or a CONSTRUCT/DESCRIBE answer (``graph``) in (None: the client
    accepts no syntax for that form), and the most bytes the written answer may take."""

    text: str
    limit: int | None = None
    dataset: Dataset | None = None
    rows: str | None = "json"
    graph: str | None = "turtle"
    max_bytes: int = MAX_BYTES


@dataclass(frozen=True)
class Written:
    """A worker's answer, already written: whether it is a graph, its syntax (None when the client
    accepts no syntax for this form, so ``body`` is empty) and its bytes."""

    graph: bool
    syntax: str | None
    body: bytes


@dataclass(frozen=True)
class PoolSettings:
    """How many workers, how long a query may run, and how much memory a worker may use."""

    workers: int = 2
    time_limit: float = 10.0
    memory_mib: int = MEMORY_MIB


ERRORS: dict[str, type[MfgkgError]] = {cls.__name__: cls for cls in (QueryError, ResultTooLarge, StoreError,
                                                                       WorkerCrashed, NotRepresentable)}


def write(answer: Answer, job: Job) -> tuple[Any, ...]:
    """The reply for ``answer``: ("ok", is_graph, syntax, bytes), written in the job's syntax for its
    form and refused (ResultTooLarge) past the job's byte cap."""
    from mfgkg.query import wire
    from mfgkg.query.results import GraphResult

    is_graph = isinstance(answer, GraphResult)
    syntax = job.graph if is_graph else job.rows
    if syntax is None:
        return ("ok", is_graph, None, b"")
    try:
        body = wire.write_graph(answer.triples, syntax) if is_graph else wire.write_results(answer, syntax)
    except MemoryError as exc:  # the writer's own buffer cap, or the worker's memory cap
        raise ResultTooLarge(f"the answer is too large to write ({exc}); narrow the query or add LIMIT") from None
    if len(body) > job.max_bytes:
        raise ResultTooLarge(f"the answer is {len(body):,} bytes, over the {job.max_bytes:,}-byte limit; "
                             "narrow the query or add LIMIT")
    return ("ok", is_graph, syntax, body)


def _worker_main(requests: Connection, replies: Connection, memory_mib: int) -> None:
    """A worker process: cap memory, load the graph it is sent, then answer the :class:`Job` requests."""
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
            job = requests.recv()
        except (EOFError, OSError):
            return
        try:
            answer = on_large_stack(store.query, job.text, limit=job.limit, dataset=job.dataset)
            reply: tuple[Any, ...] = write(answer, job)
            del answer
        except MfgkgError as exc:
            reply = ("error", type(exc).__name__, str(exc))
        except MemoryError:
            reply = ("error", "WorkerCrashed", f"the query needed more memory than the worker's {memory_mib} MiB cap")
        except Exception as exc:  # an engine or writer failure costs this answer, never the worker
            reply = ("error", "WorkerCrashed", f"the query failed in its worker ({type(exc).__name__}: "
                                               f"{str(exc).splitlines()[0][:200] if str(exc) else 'no reason given'})")
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

    def ask(self, job: Job, seconds: float, gone: Callable[[], bool] | None = None) -> Written:
        """Send one job and wait ``seconds`` for its answer, or until ``gone()`` says the caller's client
        hung up (raises :class:`ClientGone`). A fresh worker is first waited for until it has loaded
        the graph (up to ``LOAD_SECONDS``), which does not count against the query's time."""
        if not self.ready:
            self._receive(time.monotonic() + LOAD_SECONDS, starting=True, gone=gone)
            self.ready = True
        self.requests.send(job)
        reply = self._receive(time.monotonic() + seconds, starting=False, gone=gone)
        if reply[0] == "ok":
            return Written(*reply[1:])
        raise ERRORS.get(reply[1], MfgkgError)(reply[2])

    def _receive(self, deadline: float, starting: bool, gone: Callable[[], bool] | None) -> tuple[Any, ...]:
        while not self.replies.poll(max(0.0, min(deadline - time.monotonic(), POLL_SECONDS if gone else 3600))):
            if time.monotonic() >= deadline:
                raise QueryTimeout(f"the worker did not load the graph within {LOAD_SECONDS:g} s" if starting else "")
            if gone is not None and gone():
                raise ClientGone("the client hung up; its query was stopped")
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


def run_once(backend: str, snapshot: Path | bytes, text: str, limit: int | None = None,
             memory_mib: int = MEMORY_MIB) -> Answer:
    """Answer one query in a worker of its own, read back as the in-process engine answers: a query
    that exhausts memory or crashes the engine costs that worker (:class:`WorkerCrashed`, one line),
    never the caller's process."""
    from mfgkg.query import wire

    worker = Worker(backend, snapshot, memory_mib)
    try:
        written = worker.ask(Job(text, limit, rows="json", graph="ntriples", max_bytes=1 << 40), seconds=10**7)
    finally:
        worker.stop()
    return wire.read_graph(written.body, "ntriples") if written.graph else wire.read_results(written.body, "json")


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

    def run(self, job: Job, gone: Callable[[], bool] | None = None) -> Written:
        """The written answer to ``job``; raises WorkerBusy, QueryTimeout, WorkerCrashed, ClientGone (when
        ``gone()`` turns true while the query runs) or the query's own error."""
        limit_s = self.settings.time_limit
        try:
            worker = self._idle.get(timeout=limit_s)
        except queue.Empty:
            raise WorkerBusy(f"all {self.settings.workers} query workers stayed busy for {limit_s:g} s; "
                             "try again shortly") from None
        try:
            return worker.ask(job, limit_s, gone)
        except QueryTimeout as exc:
            worker.stop()
            worker = self._start()
            raise QueryTimeout(f"query exceeded the {limit_s:g} s time limit and was stopped"
                               + (f" ({exc})" if str(exc) else "")) from None
        except (WorkerCrashed, ClientGone):
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
