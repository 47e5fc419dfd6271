"""A read-only SPARQL 1.1 Protocol endpoint over the loaded graph, with a small query page.

``GET /sparql?query=...`` and ``POST /sparql`` (form field ``query`` or an
``application/sparql-query`` body) answer with content negotiation: SPARQL results as JSON,
XML, CSV or TSV, graphs as Turtle, N-Triples, JSON-LD or RDF/XML. ``format=`` chooses the
syntax when it names one the answer can take; otherwise the Accept header decides.
``GET /sparql`` without a query is the SPARQL Service Description.

Every query runs in a worker process (:mod:`mfgkg.query.workers`) with a memory cap and a real
deadline, after :mod:`mfgkg.query.query_guard` has refused updates (403), shapes deep enough to
crash the engine and SERVICE calls to hosts the operator did not allow (400). Answers over
``max_rows`` get 413, queries past ``time_limit`` 503 (their worker is replaced), a crashed
worker 500 with the reason; the server keeps serving after each. Connections are capped and
closed when idle. ``GET /`` is the query page, ``GET /queries`` the saved queries as
runnable examples with their parameters, ``GET /queries/NAME?key=value`` one bound to values
(as ``mfgkg query NAME -p key=value``) as standalone SPARQL.
``GET /id/...`` answers entity IRIs (:mod:`mfgkg.publish.pages`): an HTML page, or Turtle,
JSON-LD or N-Triples by the Accept header or a ``.ttl``/``.jsonld``/``.nt`` suffix.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qs, parse_qsl, unquote, urlsplit

from mfgkg.choices import MEMORY_MIB
from mfgkg.errors import MfgkgError, NotRepresentable, QueryError, ResultTooLarge
from mfgkg.kg import KnowledgeGraph
from mfgkg.prefixes import PREFIXES
from mfgkg.publish.pages import HTML, OFFERED, EntityPages, root_of
from mfgkg.query import wire
from mfgkg.query.query_guard import UpdateRefused, check
from mfgkg.query.results import BooleanResult, GraphResult, Result, Term
from mfgkg.query.stores import Dataset
from mfgkg.query.workers import PoolSettings, QueryTimeout, WorkerBusy, WorkerPool

MAX_BODY = 1_000_000
READ_ONLY = "this endpoint is read-only: updates are refused"
IDLE_TIMEOUT = 30
# Media types the endpoint answers with: each syntax's registered type first (the default),
# then the aliases clients send.
SELECT_TYPES = {wire.media_type("json"): "json", "application/json": "json",
                wire.media_type("xml"): "xml", "application/xml": "xml",
                wire.media_type("csv"): "csv", wire.media_type("tsv"): "tsv"}
GRAPH_TYPES = {wire.media_type("turtle"): "turtle", wire.media_type("ntriples"): "ntriples",
               wire.media_type("jsonld"): "jsonld", wire.media_type("rdfxml"): "rdfxml",
               "text/n3": "turtle", "application/x-turtle": "turtle"}
FORMAT_ALIASES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                  "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
                  "ttl": "text/turtle", "n3": "text/n3", "nt": "application/n-triples",
                  "ntriples": "application/n-triples", "jsonld": "application/ld+json",
                  "json-ld": "application/ld+json", "rdfxml": "application/rdf+xml", "rdf": "application/rdf+xml",
                  "rdf+xml": "application/rdf+xml"}
HOST_HEADER = re.compile(r"^[A-Za-z0-9.-]+(?::[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?$")


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, media type, body and any further headers (``Vary``)."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def error(cls, status: HTTPStatus, message: str) -> Reply:
        return cls(status, "text/plain; charset=utf-8", (message.strip() + "\n").encode("utf-8"))


def accepted(accept: str | None, offered: dict[str, str]) -> str | None:
    """The offered media type the Accept header prefers (the first offered one if it accepts anything)."""
    if not accept:
        return next(iter(offered))
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept.split(",")):
        kind, *params = [part.strip() for part in item.split(";")]
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, position, kind.lower()))
    for negative_quality, _, kind in sorted(ranked):
        if negative_quality >= 0:
            continue
        if kind in offered:
            return kind
        if kind in ("*/*", "application/*", "text/*"):
            family = kind.split("/")[0]
            for offer in offered:
                if family == "*" or offer.startswith(family + "/"):
                    return offer
    return None


SD = "http://www.w3.org/ns/sparql-service-description#"
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML")


def service_description(endpoint_url: str, triples: int, graph_name: str | None, syntax: str) -> bytes:
    """The SPARQL 1.1 Service Description: endpoint, language, result formats and the default dataset."""
    def iri(value: str) -> Term:
        return Term("uri", value)

    service, dataset, graph = iri(endpoint_url + "#service"), Term("bnode", "dataset"), Term("bnode", "graph")
    rdf_type = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    out = [(service, rdf_type, iri(SD + "Service")),
           (service, iri(SD + "endpoint"), iri(endpoint_url)),
           (service, iri(SD + "supportedLanguage"), iri(SD + "SPARQL11Query")),
           (service, iri(SD + "defaultDataset"), dataset),
           (dataset, rdf_type, iri(SD + "Dataset")),
           (dataset, iri(SD + "defaultGraph"), graph),
           (graph, rdf_type, iri(SD + "Graph")),
           (graph, iri("http://rdfs.org/ns/void#triples"),
            Term("literal", str(triples), "http://www.w3.org/2001/XMLSchema#integer"))]
    out += [(service, iri(SD + "resultFormat"), iri("http://www.w3.org/ns/formats/" + name))
            for name in RESULT_FORMATS]
    if graph_name:
        out.append((dataset, iri(SD + "defaultGraph"), iri(graph_name)))
    return wire.write_graph(out, syntax, {"sd": SD, "void": "http://rdfs.org/ns/void#"})


@dataclass(frozen=True)
class ServeSettings:
    """Everything an operator can set about the endpoint, with the command line's defaults."""

    time_limit: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    memory_mib: int = MEMORY_MIB
    allow_service: tuple[str, ...] = ()
    cors: tuple[str, ...] = ()
    max_connections: int = 64
    idle_timeout: float = IDLE_TIMEOUT
    graph_name: str | None = None


class Endpoint:
    """Answers SPARQL Protocol requests against one graph; queries run in a :class:`WorkerPool`."""

    def __init__(self, kg: KnowledgeGraph, settings: ServeSettings = ServeSettings()):
        snapshot = getattr(kg.store, "snapshot", None)
        if snapshot is None:
            raise MfgkgError("serve needs a local graph, not a remote endpoint")
        self.kg = kg
        self.settings = settings
        self.triples = len(kg)
        self._lock = threading.Lock()
        self._catalogue: bytes | None = None
        self.pages = EntityPages(kg)  # read once here, so an entity request never asks the store
        self.pool = WorkerPool(kg.backend, snapshot(),
                               PoolSettings(settings.workers, settings.time_limit, settings.memory_mib))

    def answer(self, query: str, accept: str | None, fmt: str | None = None,
               dataset: Dataset | None = None) -> Reply:
        """Run ``query`` in a worker and serialise the answer as the client asked."""
        if not query.strip():
            return Reply.error(HTTPStatus.BAD_REQUEST, "missing query: give the query parameter or a query body")
        try:
            check(query, self.settings.allow_service)
            result = self.pool.run(query, self.settings.max_rows, dataset)
        except UpdateRefused:
            return Reply.error(HTTPStatus.FORBIDDEN, READ_ONLY)
        except (WorkerBusy, QueryTimeout) as exc:
            return Reply.error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
        except ResultTooLarge as exc:
            return Reply.error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, str(exc))
        except QueryError as exc:
            return Reply.error(HTTPStatus.BAD_REQUEST, str(exc))
        except MfgkgError as exc:
            return Reply.error(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
        return self._serialise(result, accept, fmt)

    def _serialise(self, result: Result | GraphResult | BooleanResult, accept: str | None,
                   fmt: str | None) -> Reply:
        offered, other = (GRAPH_TYPES, SELECT_TYPES) if isinstance(result, GraphResult) else (SELECT_TYPES, GRAPH_TYPES)
        media = negotiate(offered, accept, fmt)
        if media is None and accept and all(accepted(kind, other) for kind in accept.split(",")):
            # The client named only the other kind's formats (rdflib's SPARQLStore asks for SPARQL
            # JSON whatever the query form): answer in this kind's default, as the Content-Type says.
            media = next(iter(offered))
        if media is None:
            return Reply.error(HTTPStatus.NOT_ACCEPTABLE,
                               f"cannot answer this query as {fmt or accept}; offered: {', '.join(offered)}")
        syntax = offered[media]
        try:
            if isinstance(result, GraphResult):
                body = wire.write_graph(result.triples, syntax)
            else:
                body = wire.write_results(result, syntax)
        except NotRepresentable as exc:
            return Reply.error(HTTPStatus.NOT_ACCEPTABLE, str(exc))
        return Reply(HTTPStatus.OK, f"{media}; charset=utf-8", body)

    def description(self, endpoint_url: str, accept: str | None) -> Reply:
        """The SPARQL 1.1 Service Description of this endpoint, in the RDF syntax the client accepts."""
        media = negotiate(GRAPH_TYPES, accept, None) or "text/turtle"
        body = service_description(endpoint_url, self.triples, self.settings.graph_name, GRAPH_TYPES[media])
        return Reply(HTTPStatus.OK, f"{media}; charset=utf-8", body)

    def catalogue(self) -> Reply:
        """The saved queries as JSON: each described (parameters with the values they accept, columns)
        with standalone SPARQL for its example parameters. Built once: the graph does not change."""
        with self._lock:
            if self._catalogue is None:
                items = [{**self.kg.describe(q.name), "sparql": self.kg.example_sparql(q.name)}
                         for q in self.kg.queries]
                self._catalogue = json.dumps(items, indent=1).encode("utf-8")
        return Reply(HTTPStatus.OK, "application/json", self._catalogue)

    def saved(self, name: str, query_string: str) -> Reply:
        """Saved query ``name`` bound to the URL's parameters as ``mfgkg query NAME -p k=v`` binds
        them: JSON with the standalone SPARQL to run and notes on the values (blank values: defaults)."""
        if name not in self.kg.queries:
            if not name.isprintable():
                return Reply.error(HTTPStatus.NOT_FOUND, "no such saved query; GET /queries lists them")
            try:
                self.kg.queries[name]
            except QueryError as exc:  # the command line's message, with its "did you mean"
                return Reply.error(HTTPStatus.NOT_FOUND, str(exc))
        params: dict[str, str] = {}
        for key, value in parse_qsl(query_string, keep_blank_values=True):
            if key in params:
                return Reply.error(HTTPStatus.BAD_REQUEST, f"parameter '{key}' given twice")
            params[key] = value
        try:
            bound = self.kg.standalone(name, {k: v for k, v in params.items() if v.strip()})
        except QueryError as exc:
            return Reply.error(HTTPStatus.BAD_REQUEST, str(exc))
        except MfgkgError as exc:
            return Reply.error(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
        body = {"name": name, "parameters": params, "sparql": bound.sparql, "notes": list(bound.notes)}
        return Reply(HTTPStatus.OK, "application/json", json.dumps(body, indent=1).encode("utf-8"))

    def close(self) -> None:
        self.pool.close()


def negotiate(offered: dict[str, str], accept: str | None, fmt: str | None) -> str | None:
    """The media type to answer with: ``format=`` when it names an offered one, else the Accept header's choice."""
    if fmt:
        wanted = FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
        if wanted in offered:
            return wanted
    return accepted(accept, offered)


def entity_reply(pages: EntityPages, path: str, accept: str | None) -> Reply:
    """The answer for ``path`` under ``/id``: an entity's page or RDF, a type index, or the entity index.

    Without a suffix the Accept header chooses between HTML and the RDF syntaxes (HTML for a
    client that accepts anything), and the answer says ``Vary: Accept``.
    """
    try:
        target = pages.target(path)
        if target is None:
            shown = path[:200] if path.isprintable() else "this path"
            return Reply.error(HTTPStatus.NOT_FOUND, f"no entity or index at {shown}")
        root = root_of(path)
        if target.iri is None:
            text = pages.kind_index(target.kind, root) if target.kind else pages.top_index(root, static=False)
            return Reply(HTTPStatus.OK, f"{HTML}; charset=utf-8", text.encode("utf-8"))
        vary: tuple[tuple[str, str], ...] = ()
        media, syntax = HTML, target.syntax
        if syntax is not None:
            media = wire.media_type(syntax)
        elif not path.endswith("/index.html"):
            vary = (("Vary", "Accept"),)
            chosen = accepted(accept, OFFERED)
            if chosen is None:
                return Reply(HTTPStatus.NOT_ACCEPTABLE, "text/plain; charset=utf-8",
                             f"an entity is offered as {', '.join(OFFERED)}\n".encode(), vary)
            media, syntax = chosen, OFFERED[chosen]
        if syntax is None or syntax == "html":
            return Reply(HTTPStatus.OK, f"{media}; charset=utf-8", pages.page(target.iri, root).encode("utf-8"), vary)
        return Reply(HTTPStatus.OK, f"{media}; charset=utf-8", pages.rdf(target.iri, syntax), vary)
    except Exception as exc:  # a page that fails to render costs that answer only, never the server
        return Reply.error(HTTPStatus.INTERNAL_SERVER_ERROR, f"cannot render {path[:200]!r}: {exc.__class__.__name__}")


def page() -> bytes:
    """The query page (HTML with its script inline), given the project's prefixes to show IRIs with."""
    html = resources.files("mfgkg.publish").joinpath("static/index.html").read_bytes()
    prefixes = json.dumps(PREFIXES).replace("</", "<\\/").encode("utf-8")
    return html.replace(b'type="application/json">PREFIXES<', b'type="application/json">' + prefixes + b"<", 1)


class Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 front of an :class:`Endpoint`; one instance per connection."""

    endpoint: Endpoint
    server_version = "mfgkg"
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT  # seconds a connection may sit idle before the server closes it

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not logged: the library never prints."""

    def version_string(self) -> str:
        """The Server header names the program only, not the Python version behind it."""
        return self.server_version

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors the HTTP layer finds (bad request line, headers too long) as one plain line, then close."""
        self.close_connection = True
        self.request_version = self.protocol_version  # a status line even when the request's version was refused
        head_only = getattr(self, "command", None) == "HEAD"
        self._send(Reply.error(HTTPStatus(code), message or HTTPStatus(code).phrase), head_only=head_only)

    def _cors_headers(self) -> None:
        allowed = self.endpoint.settings.cors
        headers = getattr(self, "headers", None)  # absent when the request line itself was refused
        origin = headers.get("Origin") if headers is not None else None
        if "*" in allowed:
            self.send_header("Access-Control-Allow-Origin", "*")
        elif origin and origin in allowed:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")

    def _send(self, reply: Reply, head_only: bool = False) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in reply.headers:
            self.send_header(name, value)
        self._cors_headers()
        self.end_headers()
        if not head_only:
            self.wfile.write(reply.body)

    def _endpoint_url(self) -> str:
        """This endpoint's URL as the client addressed it (the Host header when well formed)."""
        host = self.headers.get("Host") or ""
        if not HOST_HEADER.match(host):
            address, port = self.server.server_address[:2]
            host = f"{address}:{port}"
        return f"http://{host}/sparql"

    def _get(self) -> Reply:
        url = urlsplit(self.path)
        if url.path == "/":
            return Reply(HTTPStatus.OK, "text/html; charset=utf-8", page())
        if url.path == "/queries":
            return self.endpoint.catalogue()
        if url.path.startswith("/queries/"):
            return self.endpoint.saved(unquote(url.path[len("/queries/"):]), url.query)
        if url.path == "/id" or url.path.startswith("/id/"):
            return entity_reply(self.endpoint.pages, url.path, self.headers.get("Accept"))
        if url.path == "/sparql":
            form = parse_qs(url.query, keep_blank_values=True)
            if not form.get("query") and "update" not in form:
                return self.endpoint.description(self._endpoint_url(), self.headers.get("Accept"))
            return self._sparql(form, None)
        return Reply.error(HTTPStatus.NOT_FOUND, f"no such page: {url.path}")

    def do_GET(self) -> None:
        self._send(self._get())

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._send(Reply.error(HTTPStatus.NOT_FOUND, f"no such page: {url.path}"))
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length > MAX_BODY or length < 0:
            self.close_connection = True  # the body was not read, so the connection cannot be reused
            self._send(Reply.error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE if length > MAX_BODY else HTTPStatus.BAD_REQUEST,
                                   f"request body over {MAX_BODY} bytes" if length > MAX_BODY
                                   else "Content-Length is not a number"))
            return
        raw = self.rfile.read(length)
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self._send(Reply.error(HTTPStatus.BAD_REQUEST, "request body is not UTF-8"))
            return
        if kind == "application/sparql-update":
            self._send(Reply.error(HTTPStatus.FORBIDDEN, READ_ONLY))
        elif kind == "application/sparql-query":
            self._send(self._sparql(parse_qs(url.query, keep_blank_values=True), text))
        elif kind == "application/x-www-form-urlencoded":
            form = parse_qs(url.query, keep_blank_values=True)
            for key, values in parse_qs(text, keep_blank_values=True).items():
                form.setdefault(key, []).extend(values)
            self._send(self._sparql(form, None))
        else:
            self._send(Reply.error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                                   "send application/x-www-form-urlencoded or application/sparql-query"))

    def do_HEAD(self) -> None:
        """The headers GET would send, status included, without the body."""
        self._send(self._get(), head_only=True)

    def do_OPTIONS(self) -> None:
        """What the endpoint allows; with ``--cors``, the answer to a browser's preflight."""
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", "GET, HEAD, POST, OPTIONS")
        self.send_header("Content-Length", "0")
        self._cors_headers()
        if self.endpoint.settings.cors:
            self.send_header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
            self.send_header("Access-Control-Max-Age", "600")
        self.end_headers()

    def _method_not_allowed(self) -> None:
        self._send(Reply.error(HTTPStatus.METHOD_NOT_ALLOWED, f"{self.command} is not supported; use GET or POST"))

    do_PUT = do_DELETE = do_PATCH = _method_not_allowed

    def _sparql(self, form: dict[str, list[str]], body: str | None) -> Reply:
        if "update" in form:
            return Reply.error(HTTPStatus.FORBIDDEN, READ_ONLY)
        queries = form.get("query", [])
        if body is None and len(queries) != 1:
            return Reply.error(HTTPStatus.BAD_REQUEST, "give exactly one query parameter")
        default, named = tuple(form.get("default-graph-uri", [])), tuple(form.get("named-graph-uri", []))
        dataset = Dataset(default, named, self.endpoint.settings.graph_name) if default or named else None
        fmt = (form.get("format") or [None])[0]
        return self.endpoint.answer(body if body is not None else queries[0], self.headers.get("Accept"), fmt,
                                    dataset)


class Server(ThreadingHTTPServer):
    """A threading HTTP server that caps open connections and stops the endpoint's workers on close."""

    request_queue_size = 128
    daemon_threads = True
    endpoint: Endpoint

    def __init__(self, address: tuple[str, int], handler: type[Handler], endpoint: Endpoint):
        self.endpoint = endpoint
        self._slots = threading.BoundedSemaphore(endpoint.settings.max_connections)
        super().__init__(address, handler)

    def process_request(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        """Serve the connection on a thread if a slot is free; otherwise answer 503 and close it."""
        if not self._slots.acquire(blocking=False):
            body = b"too many open connections; try again shortly\n"
            with contextlib.suppress(OSError):
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        """A connection that fails mid-request (a client gone, a reset) is closed without printing."""

    def server_close(self) -> None:
        super().server_close()
        self.endpoint.close()


def make_server(kg: KnowledgeGraph, host: str = "127.0.0.1", port: int = 8000,
                settings: ServeSettings = ServeSettings()) -> Server:
    """An HTTP server for ``kg`` (not yet serving); port 0 picks a free port (see ``server_address``).

    The query workers start here; ``server_close()`` stops them. A connection that sends
    nothing for ``settings.idle_timeout`` seconds is closed, so idle clients do not hold threads.
    """
    endpoint = Endpoint(kg, settings)
    handler = type("BoundHandler", (Handler,), {"endpoint": endpoint, "timeout": settings.idle_timeout})
    try:
        return Server((host, port), handler, endpoint)
    except BaseException:
        endpoint.close()
        raise
