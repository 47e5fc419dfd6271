"""A SPARQL 1.1 server as a store: remote queries and a safe push of the built graph.

Queries go over the SPARQL Protocol (:mod:`mfgkg.query.sparql_client`: one deadline per request,
no redirects to other origins, one-line errors; answers are checked for shape). Plain HTTP has no way to pre-bind
variables, so parameters are added as a ``VALUES`` block at the start of the query's outer
group, each term written in N-Triples syntax with every special character escaped: a value
can only ever be one RDF term. Credentials come from the environment
(``MFGKG_SPARQL_USER``, ``MFGKG_SPARQL_PASSWORD``, ``MFGKG_SPARQL_AUTH`` = basic or digest),
never from command-line arguments; ``MFGKG_SPARQL_TIMEOUT`` sets the seconds a whole request
may take (60).

``push`` loads into a staging graph in batches, checks the triple count, and only then
replaces the target graph with one ``MOVE``; if it stops part way, the target is untouched and
a new run starts the staging graph afresh.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from mfgkg.choices import MAX_TRIPLES
from mfgkg.errors import QueryError, StoreError
from mfgkg.prefixes import PREFIXES
from mfgkg.query.query_guard import QUERY_FORMS, UPDATE_FORMS, shape
from mfgkg.query.results import IRI_FORBIDDEN, BooleanResult, GraphResult, Result, Term
from mfgkg.query.sparql_client import Credentials, post
from mfgkg.query.sparql_lexer import group_start
from mfgkg.query.stores import Answer, Dataset
from mfgkg.query.wire import ntriples_term, read_graph, read_results, write_graph

if TYPE_CHECKING:
    import rdflib

ENV_USER, ENV_PASSWORD, ENV_AUTH = "MFGKG_SPARQL_USER", "MFGKG_SPARQL_PASSWORD", "MFGKG_SPARQL_AUTH"
ENV_TIMEOUT = "MFGKG_SPARQL_TIMEOUT"
STAGING_SUFFIX = "/mfgkg-staging"
PREFIX_BLOCK = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def with_values(text: str, bindings: Mapping[str, Term]) -> str:
    """The query with a VALUES block binding ``bindings`` at the start of its outer WHERE group."""
    if not bindings:
        return text
    body_start = group_start(text)
    if body_start is None:
        raise QueryError("cannot bind parameters: the query has no WHERE group")
    names = " ".join(f"?{name}" for name in bindings)
    row = " ".join(ntriples_term(term) for term in bindings.values())
    return f"{text[:body_start]}\n  VALUES ({names}) {{ ({row}) }}\n{text[body_start:]}"


def _timeout() -> float:
    raw = os.environ.get(ENV_TIMEOUT, "60")
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise StoreError(f"{ENV_TIMEOUT}={raw!r}: expected a positive number of seconds")
    return value


def _credentials() -> Credentials | None:
    user, password = os.environ.get(ENV_USER), os.environ.get(ENV_PASSWORD)
    if not user:
        return None
    auth = os.environ.get(ENV_AUTH, "basic").lower()
    if auth not in ("basic", "digest"):
        raise StoreError(f"{ENV_AUTH}={auth!r}: expected basic or digest")
    return Credentials(user, password or "", auth)


class RemoteStore:
    """A SPARQL endpoint, optionally restricted to one named graph as the default graph."""

    name = "remote"

    def __init__(self, endpoint: str, graph: str | None = None, update_endpoint: str | None = None,
                 timeout: float | None = None):
        for url in (endpoint, update_endpoint or endpoint):
            if not re.match(r"^https?://[^\s/]+", url):
                raise StoreError(f"endpoint {url!r}: expected an http:// or https:// URL")
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.graph = graph
        self.timeout = timeout if timeout is not None else _timeout()
        self.credentials = _credentials()

    def query(self, text: str, bindings: Mapping[str, Term] | None = None, limit: int | None = None,
              dataset: Dataset | None = None) -> Answer:
        form = shape(text).form
        if form not in QUERY_FORMS:
            raise QueryError("SPARQL syntax error: updates are not queries (use push to change the store)"
                             if form in UPDATE_FORMS else "SPARQL syntax error: expected SELECT, CONSTRUCT, "
                             "DESCRIBE or ASK")
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        fields: dict[str, str | list[str]] = {"query": PREFIX_BLOCK + with_values(body, bindings or {})}
        graphs = list(dataset.default) if dataset else ([self.graph] if self.graph else [])
        if graphs:
            fields["default-graph-uri"] = graphs
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        answer = post(self.endpoint, fields, "text/turtle" if graph_form else "application/sparql-results+json",
                      self.timeout, self.credentials)
        try:
            text_answer = answer.body.decode("utf-8")
        except UnicodeDecodeError:
            raise StoreError(f"{self.endpoint}: the answer is not UTF-8 text") from None
        if graph_form:
            return _graph_result(self.endpoint, text_answer, limit)
        return _select_result(self.endpoint, text_answer, limit)

    def update(self, text: str) -> None:
        """Run a SPARQL Update on the update endpoint."""
        post(self.update_endpoint, {"update": text}, "*/*", self.timeout, self.credentials)

    def __len__(self) -> int:
        answer = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert isinstance(answer, Result)
        return int(answer.rows[0][0].value)

    def to_rdflib(self) -> rdflib.Graph:
        import rdflib

        answer = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        assert isinstance(answer, GraphResult)
        return rdflib.Graph().parse(data=write_graph(answer.triples, "ntriples"), format="nt")


def _select_result(endpoint: str, text: str, limit: int | None) -> Result | BooleanResult:
    """SPARQL JSON results, read by pyoxigraph's parser: anything malformed is one line saying why, and
    a server's answer never builds more than MAX_TRIPLES rows (nor ``limit``, if lower)."""
    try:
        return read_results(text.encode("utf-8"), "json", _cap(limit))
    except MemoryError:
        raise StoreError(f"{endpoint}: the answer does not fit in memory") from None
    except (SyntaxError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise StoreError(f"{endpoint}: the answer is not SPARQL JSON results ({reason})") from None


def _cap(limit: int | None) -> int:
    return MAX_TRIPLES if limit is None else min(limit, MAX_TRIPLES)


def _graph_result(endpoint: str, text: str, limit: int | None = None) -> GraphResult:
    """The server's Turtle as triples, at most MAX_TRIPLES (or ``limit``): compact Turtle costs
    hundreds of times its size once parsed, so the count, not only the bytes, is capped."""
    try:
        return read_graph(text.encode("utf-8"), "turtle", _cap(limit))
    except MemoryError:
        raise StoreError(f"{endpoint}: the answer does not fit in memory") from None
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"{endpoint}: the answer is not Turtle ({str(exc).splitlines()[0][:200]})") from None


def staging_graph(graph: str) -> str:
    """The named graph a push loads into before it replaces ``graph``."""
    return graph.rstrip("/") + STAGING_SUFFIX


def push(store: RemoteStore, ntriples: Path, graph: str, batch_size: int = 2000,
         progress: Callable[[int], None] | None = None) -> int:
    """Load the N-Triples file into ``graph`` on the store's update endpoint; return the triple count.

    The previous content of ``graph`` stays in place until the whole new graph has been loaded
    and counted in the staging graph; then one MOVE replaces it.
    """
    if IRI_FORBIDDEN.search(graph) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", graph):
        raise StoreError(f"graph {graph!r}: expected an absolute IRI")
    lines = [line for line in ntriples.read_text(encoding="utf-8").splitlines() if line.strip()]
    staging = staging_graph(graph)
    store.update(f"DROP SILENT GRAPH <{staging}>")
    for start in range(0, len(lines), batch_size):
        chunk = lines[start:start + batch_size]
        store.update(f"INSERT DATA {{ GRAPH <{staging}> {{\n" + "\n".join(chunk) + "\n} }")
        if progress:
            progress(len(chunk))
    loaded = _count(store, staging)
    if loaded != len(lines):
        raise StoreError(f"{store.update_endpoint}: staging graph holds {loaded} triples, expected {len(lines)}; "
                         f"graph <{graph}> was left unchanged")
    store.update(f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{graph}>")
    final = _count(store, graph)
    if final != len(lines):
        raise StoreError(f"{store.update_endpoint}: graph <{graph}> holds {final} triples after the move, "
                         f"expected {len(lines)}")
    return final


def _count(store: RemoteStore, graph: str) -> int:
    reader = RemoteStore(store.endpoint, None, store.update_endpoint, store.timeout)
    answer = reader.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isinstance(answer, Result)
    return int(answer.rows[0][0].value)
