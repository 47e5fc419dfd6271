"""What an ad hoc query must pass before an engine sees it, and where the engine then runs.

The engines parse and evaluate recursively, so a query nested a few thousand levels deep, or
chaining a few thousand operators, overflows the native stack and kills the whole process: no
exception can catch that. :func:`check` reads the query as tokens (:mod:`mfgkg.query.sparql_lexer`)
and refuses such shapes with one line, refuses updates, and refuses ``SERVICE`` (federation
would make this program fetch any URL a client names) unless the endpoint's host is allowed.
:func:`on_large_stack` then runs the engine on a thread with a large stack, so the shapes
that pass stay far from the limit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from mfgkg.errors import QueryError
from mfgkg.prefixes import PREFIXES
from mfgkg.query.sparql_lexer import tokens

MAX_DEPTH = 64
MAX_OPERATORS = 1000
STACK_BYTES = 512 * 1024 * 1024
CHAIN_OPERATORS = frozenset({".", ";", ",", "/", "|", "||", "&&", "+", "-", "*", "=", "!=", "<", ">", "<=", ">="})
CHAIN_KEYWORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "BIND", "FILTER", "SERVICE", "GRAPH", "VALUES"})
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_FORMS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})

T = TypeVar("T")


class UpdateRefused(QueryError):
    """The text is a SPARQL Update; this program only answers queries."""


class QueryRefused(QueryError):
    """The query is refused for its shape (too deep, too long a chain) or for a SERVICE call."""


@dataclass(frozen=True)
class Shape:
    """What the tokens say about a query: its form, deepest nesting, chain operators and SERVICE targets."""

    form: str | None
    depth: int
    operators: int
    services: tuple[str, ...]


def shape(text: str) -> Shape:
    """Read ``text`` as tokens; SERVICE targets are full IRIs, or ``?var`` when a variable names them."""
    prefixes = dict(PREFIXES)
    form: str | None = None
    depth = deepest = operators = 0
    services: list[str] = []
    stream = list(tokens(text))
    for index, token in enumerate(stream):
        keyword = token.keyword
        if form is None and keyword in ("PREFIX", "BASE"):
            if keyword == "PREFIX" and index + 2 < len(stream):
                prefixes[stream[index + 1].text[:-1]] = stream[index + 2].text[1:-1]
            continue
        if form is None and keyword is not None:
            form = keyword
        if token.kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif token.kind == "close":
            depth -= 1
        elif (token.kind == "operator" and token.text in CHAIN_OPERATORS) or keyword in CHAIN_KEYWORDS:
            operators += 1
        if keyword == "SERVICE":
            # indexed, not sliced: a copy of the rest per SERVICE would make a run of them quadratic
            target = next((stream[i] for i in range(index + 1, len(stream)) if stream[i].keyword != "SILENT"), None)
            services.append(_service_target(target.text if target else "", target.kind if target else "", prefixes))
    return Shape(form, deepest, operators, tuple(services))


def _service_target(text: str, kind: str, prefixes: dict[str, str]) -> str:
    if kind == "iri":
        return text[1:-1]
    if kind == "name":
        prefix, _, local = text.partition(":")
        return prefixes.get(prefix, text) + local if prefix in prefixes else text
    return text or "?"


def check(text: str, allow_service: Collection[str] = ()) -> Shape:
    """The query's shape if an engine may run it; otherwise raise a one-line :class:`QueryError`.

    ``allow_service`` names the hosts (``host`` or ``host:port``) a SERVICE call may reach.
    """
    found = shape(text)
    if found.form in UPDATE_FORMS:
        raise UpdateRefused("updates are refused: the graph is read-only (mfgkg push replaces a store's graph)")
    if found.depth > MAX_DEPTH:
        raise QueryRefused(f"query refused: it nests {found.depth} brackets deep (limit {MAX_DEPTH})")
    if found.operators > MAX_OPERATORS:
        raise QueryRefused(f"query refused: it chains {found.operators} operators and patterns "
                           f"(limit {MAX_OPERATORS}); split it into smaller queries")
    for target in found.services:
        if not _allowed(target, allow_service):
            hint = (f"allowed hosts: {', '.join(sorted(allow_service))}" if allow_service
                    else "federation is off; only hosts the operator allows may be reached")
            raise QueryRefused(f"query refused: SERVICE <{target}> is not an allowed endpoint ({hint})")
    return found


def _allowed(target: str, hosts: Collection[str]) -> bool:
    """True if ``target`` is an http(s) IRI whose host, or host:port, is in ``hosts``."""
    if not hosts or target.startswith(("?", "$")):
        return False
    try:
        url = urlsplit(target)
        port = url.port
    except ValueError:
        return False
    if url.scheme not in ("http", "https") or not url.hostname:
        return False
    return url.hostname in hosts or (port is not None and f"{url.hostname}:{port}" in hosts)


_stack_lock = threading.Lock()


def on_large_stack(call: Callable[..., T], *args: object, **kwargs: object) -> T:
    """``call(*args, **kwargs)`` on a new thread with a ``STACK_BYTES`` stack; its result or exception."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = call(*args, **kwargs)
        except BaseException as exc:  # handed to the calling thread below
            outcome["error"] = exc

    with _stack_lock:
        previous = threading.stack_size(STACK_BYTES)
        try:
            worker = threading.Thread(target=run, name="engine", daemon=True)
            worker.start()
        finally:
            threading.stack_size(previous)
    worker.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
