"""A SPARQL 1.1 server as a store: remote queries and a safe push of the built graph.

Queries go over the SPARQL Protocol (SPARQLWrapper). Plain HTTP has no way to pre-bind
variables, so parameters are added as a ``VALUES`` block at the start of the query's outer
group, each term written in N-Triples syntax with every special character escaped: a value
can only ever be one RDF term. Credentials come from the environment
(``MFGKG_SPARQL_USER``, ``MFGKG_SPARQL_PASSWORD``, ``MFGKG_SPARQL_AUTH`` = basic or digest),
never from command-line arguments; ``MFGKG_SPARQL_TIMEOUT`` sets the seconds to wait (60).

``push`` loads into a staging graph in batches, checks the triple count, and only then
replaces the target graph with one ``MOVE``; if it stops part way, the target is untouched and
a new run starts the staging graph afresh.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import QueryError, StoreError
from .prefixes import PREFIXES
from .results import IRI_FORBIDDEN, BooleanResult, GraphResult, Result, Term, ntriples_term
from .stores import XSD_STRING, Answer, capped

if TYPE_CHECKING:
    import rdflib

ENV_USER, ENV_PASSWORD, ENV_AUTH = "MFGKG_SPARQL_USER", "MFGKG_SPARQL_PASSWORD", "MFGKG_SPARQL_AUTH"
ENV_TIMEOUT = "MFGKG_SPARQL_TIMEOUT"
STAGING_SUFFIX = "/mfgkg-staging"
OUTER_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
PREFIX_BLOCK = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def with_values(text: str, bindings: Mapping[str, Term]) -> str:
    """The query with a VALUES block binding ``bindings`` at the start of its outer WHERE group."""
    if not bindings:
        return text
    body_start = _outer_where(text)
    names = " ".join(f"?{name}" for name in bindings)
    row = " ".join(ntriples_term(term) for term in bindings.values())
    return f"{text[:body_start]}\n  VALUES ({names}) {{ ({row}) }}\n{text[body_start:]}"


def _outer_where(text: str) -> int:
    """Offset just after the ``{`` that opens the outer WHERE group (comments and strings skipped)."""
    masked = re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*|<[^<>\s]*>',
                    lambda m: " " * len(m.group(0)), text)
    match = OUTER_WHERE.search(masked)
    if match is None:
        raise QueryError("cannot bind parameters: the query has no WHERE clause")
    return match.end()


def _timeout() -> float:
    raw = os.environ.get(ENV_TIMEOUT, "60")
    try:
        value = float(raw)
    except ValueError:
        raise StoreError(f"{ENV_TIMEOUT}={raw!r}: expected a number of seconds") from None
    if value <= 0:
        raise StoreError(f"{ENV_TIMEOUT}={raw!r}: expected a positive number of seconds")
    return value


def _credentials() -> tuple[str, str, str] | None:
    user, password = os.environ.get(ENV_USER), os.environ.get(ENV_PASSWORD)
    if not user:
        return None
    auth = os.environ.get(ENV_AUTH, "basic").lower()
    if auth not in ("basic", "digest"):
        raise StoreError(f"{ENV_AUTH}={auth!r}: expected basic or digest")
    return user, password or "", auth


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

    def _client(self, update: bool = False) -> Any:
        from SPARQLWrapper import DIGEST, POST, SPARQLWrapper

        client = SPARQLWrapper(self.endpoint, updateEndpoint=self.update_endpoint)
        client.setTimeout(max(1, round(self.timeout)))
        credentials = _credentials()
        if credentials:
            user, password, auth = credentials
            client.setCredentials(user, password)
            if auth == "digest":
                client.setHTTPAuth(DIGEST)
        if self.graph and not update:
            client.addDefaultGraph(self.graph)
        if update:
            client.setMethod(POST)
        return client

    def _call(self, client: Any, where: str) -> Any:
        from urllib.error import HTTPError, URLError

        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        try:
            return client.query()
        except HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            raise StoreError(f"{where}: HTTP {exc.code} {exc.reason}" + (f": {detail[0][:200]}" if detail else "")) \
                from None
        except SPARQLWrapperException as exc:
            text = _server_message(type(exc).__name__, str(exc))
            if type(exc).__name__ == "QueryBadFormed":
                raise QueryError(f"SPARQL syntax error at {where}: {text}") from None
            raise StoreError(f"{where}: {text}") from None
        except TimeoutError:
            raise StoreError(f"{where}: no answer within {self.timeout:g} s") from None
        except URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise StoreError(f"{where}: no answer within {self.timeout:g} s") from None
            raise StoreError(f"{where}: unreachable ({exc.reason})") from None
        except OSError as exc:
            raise StoreError(f"{where}: {exc.__class__.__name__}: {exc}") from None

    def query(self, text: str, bindings: Mapping[str, Term] | None = None, limit: int | None = None) -> Answer:
        from SPARQLWrapper import JSON, TURTLE

        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        full = PREFIX_BLOCK + with_values(body, bindings or {})
        client = self._client()
        client.setQuery(full)
        form = client.queryType
        if form in ("INSERT", "DELETE", "CREATE", "CLEAR", "DROP", "LOAD", "COPY", "MOVE", "ADD"):
            raise QueryError("SPARQL syntax error: updates are not queries (use push to change the store)")
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        client.setReturnFormat(TURTLE if graph_form else JSON)
        response = self._call(client, self.endpoint)
        raw = response.response.read()
        if graph_form:
            return _graph_result(raw)
        try:
            doc = json.loads(raw)
        except ValueError:
            raise StoreError(f"{self.endpoint}: answer is not SPARQL JSON results") from None
        if "boolean" in doc:
            return BooleanResult(bool(doc["boolean"]))
        columns = tuple(doc["head"]["vars"])
        rows = tuple(tuple(_term(b.get(c)) for c in columns) for b in capped(doc["results"]["bindings"], limit))
        return Result(columns, rows)

    def update(self, text: str) -> None:
        """Run a SPARQL Update on the update endpoint."""
        client = self._client(update=True)
        client.setQuery(text)
        self._call(client, self.update_endpoint)

    def __len__(self) -> int:
        answer = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert isinstance(answer, Result)
        return int(answer.rows[0][0].value)

    def to_rdflib(self) -> rdflib.Graph:
        import rdflib

        answer = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        assert isinstance(answer, GraphResult)
        return rdflib.Graph().parse(data=answer.turtle, format="turtle")


HTTP_STATUS = {
    "QueryBadFormed": "HTTP 400 bad request",
    "Unauthorized": "HTTP 401 unauthorized (check MFGKG_SPARQL_USER, MFGKG_SPARQL_PASSWORD, MFGKG_SPARQL_AUTH)",
    "EndPointNotFound": "HTTP 404 no SPARQL endpoint at this URL",
    "URITooLong": "HTTP 414 query too long for GET",
    "EndPointInternalError": "HTTP 500 server error",
}


def _server_message(kind: str, text: str) -> str:
    """Status and the first informative line of the server's answer in a SPARQLWrapper error."""
    head, _, body = text.partition("Response:")
    body = body.strip()
    if body[:2] in ('b"', "b'"):
        body = body[2:-1].replace("\\n", "\n")
    lines = [line.strip() for line in body.splitlines() if line.strip() and not line.strip().startswith("<")]
    summary = HTTP_STATUS.get(kind, head.strip().split(":", 1)[0])
    return (f"{summary}: {lines[0]}" if lines else summary)[:300]


def _term(binding: Mapping[str, str] | None) -> Term | None:
    if binding is None:
        return None
    kind = binding["type"]
    if kind == "uri":
        return Term("uri", binding["value"])
    if kind == "bnode":
        return Term("bnode", binding["value"])
    datatype = binding.get("datatype")
    lang = binding.get("xml:lang")
    return Term("literal", binding["value"], None if lang or datatype in (None, XSD_STRING) else datatype, lang)


def _graph_result(raw: bytes) -> GraphResult:
    """Triples from the server, re-serialised with the project's prefixes."""
    import rdflib

    graph = rdflib.Graph().parse(data=raw.decode("utf-8"), format="turtle")
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, replace=True)
    return GraphResult(graph.serialize(format="turtle"), len(graph))


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
