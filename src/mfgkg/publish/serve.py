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
worker 500 with the reason; the server keeps serving after each. Workers write the answer and
refuse one over ``max_bytes`` (413), so this process never holds more. A client that hangs up
while its query runs has the query stopped.

Requests are read strictly, so no front end and this server can disagree about where one ends:
the request line, headers and body must arrive within one deadline (``request_timeout`` plus
time for the declared body), ``Content-Length`` must be digits and given once, and
``Transfer-Encoding`` (chunked uploads are not supported) gets 501; after any such refusal the
connection is closed. The Host header must name this server (the loopback names, the bound
address, or an ``allow_hosts`` name), which defeats DNS rebinding. Connections are capped and
closed when idle. HTML pages carry a strict Content-Security-Policy; pages carry an ETag and a
short ``max-age`` (``If-None-Match`` gets 304); SPARQL answers are never stored.
``GET /`` is the query page, ``GET /queries`` the saved queries as
runnable examples with their parameters, ``GET /queries/NAME?key=value`` one bound to values
(as ``mfgkg query NAME -p key=value``) as standalone SPARQL.
``GET /id/...`` answers entity IRIs (:mod:`mfgkg.publish.pages`): an HTML page, or Turtle,
JSON-LD or N-Triples by the Accept header or a ``.ttl``/``.jsonld``/``.nt`` suffix.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import re
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.client import HTTPMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, unquote, urlsplit

import pyoxigraph

from mfgkg.choices import IDLE_TIMEOUT, MAX_BYTES, MEMORY_MIB, REQUEST_TIMEOUT
from mfgkg.errors import MfgkgError, NotRepresentable, QueryError, ResultTooLarge
from mfgkg.kg import KnowledgeGraph
from mfgkg.prefixes import PREFIXES
from mfgkg.publish.markup import script_json
from mfgkg.publish.pages import HTML, OFFERED, EntityPages, root_of
from mfgkg.query import wire
from mfgkg.query.persistent import pin, unpin
from mfgkg.query.query_guard import UpdateRefused, check
from mfgkg.query.results import Term
from mfgkg.query.stores import Dataset
from mfgkg.query.workers import ClientGone, Job, PoolSettings, QueryTimeout, WorkerBusy, WorkerPool

MAX_BODY = 1_000_000
MIN_RATE = 65_536  # bytes per second a request body, or an answer, is given on top of its timeout
MAX_LINE = 65_536  # longest request line or header line
MAX_HEADERS = 100
MAX_HEADER_BYTES = 65_536  # all header lines of one request together
WRITE_CHUNK = 65_536
PAGE_MAX_AGE = 300  # seconds a browser may reuse a page before asking again (with its ETag)
READ_ONLY = "this endpoint is read-only: updates are refused"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
WILDCARD_HOSTS = ("", "0.0.0.0", "::")
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
TOKEN = rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
REQUEST_LINE = re.compile(rb"(" + TOKEN + rb") ([^\x00-\x20\x7f]+) HTTP/([0-9])\.([0-9])\r\n")
HEADER_LINE = re.compile(rb"(" + TOKEN + rb"):[ \t]*([^\x00-\x08\x0a-\x1f\x7f]*?)[ \t]*\r\n")
# An absolute IRI as RFC 3987 shapes it: a scheme, then no space, control, angle bracket, quote or
# other character IRIs exclude, and every % starting an escape.
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:(?:[^\x00-\x20\x7f<>\"{}|\\^`%]|%[0-9A-Fa-f]{2})*")
INLINE = re.compile(rb"<(script|style)\b([^>]*)>(.*?)</\1>", re.S | re.I)
ANSWER_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, media type, body, any further headers (``Vary``), and whether it is
    a page a browser may keep for a short while (with an ETag) rather than an answer never stored."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    page: bool = False

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
    max_bytes: int = MAX_BYTES
    request_timeout: float = REQUEST_TIMEOUT
    allow_hosts: tuple[str, ...] = ()


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
        source = snapshot()
        # A served store is pinned: workers restarting after a timeout or crash reopen this
        # private copy, never whatever a later `mfgkg load` put under the store's name.
        self.pinned = pin(source) if isinstance(source, Path) and source.is_dir() else None
        self.pool = WorkerPool(kg.backend, self.pinned or source,
                               PoolSettings(settings.workers, settings.time_limit, settings.memory_mib))

    def answer(self, query: str, accept: str | None, fmt: str | None = None,
               dataset: Dataset | None = None, gone: Callable[[], bool] | None = None) -> Reply:
        """Run ``query`` in a worker, which writes the answer as the client asked (both query forms'
        syntaxes are chosen first, as the form is known only once the query ran). ``gone()`` says
        whether the client hung up; then the query is stopped and :class:`ClientGone` raised."""
        if not query.strip():
            return Reply.error(HTTPStatus.BAD_REQUEST, "missing query: give the query parameter or a query body")
        rows, graph = (answer_media(SELECT_TYPES, GRAPH_TYPES, accept, fmt),
                       answer_media(GRAPH_TYPES, SELECT_TYPES, accept, fmt))
        job = Job(query, self.settings.max_rows, dataset, SELECT_TYPES.get(rows or ""), GRAPH_TYPES.get(graph or ""),
                  self.settings.max_bytes)
        try:
            check(query, self.settings.allow_service)
            written = self.pool.run(job, gone)
        except ClientGone:
            raise
        except UpdateRefused:
            return Reply.error(HTTPStatus.FORBIDDEN, READ_ONLY)
        except (WorkerBusy, QueryTimeout) as exc:
            return Reply.error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
        except ResultTooLarge as exc:
            return Reply.error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, str(exc))
        except NotRepresentable as exc:
            return Reply.error(HTTPStatus.NOT_ACCEPTABLE, str(exc))
        except QueryError as exc:
            return Reply.error(HTTPStatus.BAD_REQUEST, str(exc))
        except MfgkgError as exc:
            return Reply.error(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
        media, offered = (graph, GRAPH_TYPES) if written.graph else (rows, SELECT_TYPES)
        if media is None or written.syntax is None:
            return Reply.error(HTTPStatus.NOT_ACCEPTABLE,
                               f"cannot answer this query as {fmt or accept}; offered: {', '.join(offered)}")
        return Reply(HTTPStatus.OK, f"{media}; charset=utf-8", written.body)

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
        return Reply(HTTPStatus.OK, "application/json", self._catalogue, page=True)

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
        return Reply(HTTPStatus.OK, "application/json", json.dumps(body, indent=1).encode("utf-8"), page=True)

    def close(self) -> None:
        self.pool.close()
        if self.pinned is not None:
            unpin(self.pinned)


def negotiate(offered: dict[str, str], accept: str | None, fmt: str | None) -> str | None:
    """The media type to answer with: ``format=`` when it names an offered one, else the Accept header's choice."""
    if fmt:
        wanted = FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
        if wanted in offered:
            return wanted
    return accepted(accept, offered)


def answer_media(offered: dict[str, str], other: dict[str, str], accept: str | None, fmt: str | None) -> str | None:
    """The media type an answer of the ``offered`` kind goes out in, or None when the client takes none."""
    media = negotiate(offered, accept, fmt)
    if media is None and accept and all(accepted(kind, other) for kind in accept.split(",")):
        # The client named only the other kind's formats (rdflib's SPARQLStore asks for SPARQL
        # JSON whatever the query form): answer in this kind's default, as the Content-Type says.
        media = next(iter(offered))
    return media


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
            return Reply(HTTPStatus.OK, f"{HTML}; charset=utf-8", text.encode("utf-8"), page=True)
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
            return Reply(HTTPStatus.OK, f"{media}; charset=utf-8", pages.page(target.iri, root).encode("utf-8"), vary,
                         page=True)
        return Reply(HTTPStatus.OK, f"{media}; charset=utf-8", pages.rdf(target.iri, syntax), vary, page=True)
    except Exception as exc:  # a page that fails to render costs that answer only, never the server
        return Reply.error(HTTPStatus.INTERNAL_SERVER_ERROR, f"cannot render {path[:200]!r}: {exc.__class__.__name__}")


def page() -> bytes:
    """The query page (HTML with its script inline), given the project's prefixes to show IRIs with."""
    html = resources.files("mfgkg.publish").joinpath("static/index.html").read_bytes()
    prefixes = script_json(PREFIXES).encode("utf-8")
    return html.replace(b'type="application/json">PREFIXES<', b'type="application/json">' + prefixes + b"<", 1)


def content_policy(html: bytes) -> str:
    """A strict Content-Security-Policy for one HTML page: nothing from elsewhere, no plugins, no
    framing, and of inline code only the page's own ``<script>`` and ``<style>`` elements (by hash)."""
    hashes: dict[bytes, list[str]] = {b"script": [], b"style": []}
    for kind, attributes, text in INLINE.findall(html):
        if b"src=" not in attributes.lower():
            digest = base64.b64encode(hashlib.sha256(text).digest()).decode("ascii")
            hashes[kind.lower()].append(f"'sha256-{digest}'")
    script, style = (" ".join(["'self'", *dict.fromkeys(hashes[kind])]) for kind in (b"script", b"style"))
    return (f"default-src 'self'; script-src {script}; style-src {style}; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def entity_tag(body: bytes) -> str:
    """A strong ETag for a body: a hash of its bytes."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def tag_matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an If-None-Match header names ``tag`` (weakly compared, as the header is) or is ``*``."""
    if not if_none_match:
        return False
    given = [item.strip() for item in if_none_match.split(",")]
    return "*" in given or tag in (item.removeprefix("W/") for item in given)


def host_name(value: str) -> str | None:
    """The host in a Host header value (or an ``--allow-host`` name), lower-cased and without its
    port; None when it is not a host name, an IPv4 address or a bracketed IPv6 address."""
    if not HOST_HEADER.match(value):
        return None
    value = value.lower()
    return value[:value.index("]") + 1] if value.startswith("[") else value.partition(":")[0]


def allowed_hosts(settings: ServeSettings, bound: str) -> frozenset[str] | None:
    """The host names the server answers to: the loopback names, the bound address unless it is a
    wildcard, and ``settings.allow_hosts``; None when ``*`` there allows any."""
    if "*" in settings.allow_hosts:
        return None
    names = set(LOOPBACK_HOSTS)
    if bound not in WILDCARD_HOSTS:
        names.add(f"[{bound.lower()}]" if ":" in bound else bound.lower())
    for given in settings.allow_hosts:
        name = host_name(given)
        if name is None:
            raise MfgkgError(f"--allow-host {given!r}: expected a host name, an address or *")
        names.add(name)
    return frozenset(names)


def absolute_iri(value: str) -> bool:
    """Whether ``value`` is an absolute IRI the engine accepts as a graph name (RFC 3987, as Oxigraph
    parses it): checked here, so a client's bad dataset costs a 400 and never reaches a worker."""
    if not ABSOLUTE_IRI.fullmatch(value):
        return False
    try:
        pyoxigraph.NamedNode(value)
    except ValueError:
        return False
    return True


def shown(value: str) -> str:
    """A client's value as an error message may quote it: printable and short."""
    return repr(value[:100]) if value.isprintable() else "(unprintable)"


class Wire(io.RawIOBase):
    """A connection's socket as a raw stream. Reads share one deadline, which the handler sets per
    request (so dripping bytes cannot hold a connection); a write must be done within
    ``write_timeout`` plus one second per ``MIN_RATE`` bytes (so a client that reads slowly cannot either)."""

    def __init__(self, sock: socket.socket, write_timeout: float):
        super().__init__()
        self.sock = sock
        self.write_timeout = write_timeout
        self.deadline = time.monotonic() + write_timeout

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request deadline passed")
        self.sock.settimeout(left)
        return self.sock.recv_into(buffer)

    def write(self, data: bytes) -> int:  # type: ignore[override]
        view = memoryview(data)
        deadline = time.monotonic() + self.write_timeout + len(view) / MIN_RATE
        for start in range(0, len(view), WRITE_CHUNK):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the client did not read the answer in time")
            self.sock.settimeout(left)
            self.sock.sendall(view[start:start + WRITE_CHUNK])
        return len(view)


class Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 front of an :class:`Endpoint`; one instance per connection.

    The request line and headers are read by a strict reader rather than the standard library's
    lenient one, and every refusal of the framing closes the connection.
    """

    endpoint: Endpoint
    hosts: frozenset[str] | None = frozenset(LOOPBACK_HOSTS)
    server_version = "mfgkg"
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        """Read and write the socket through a :class:`Wire`, which carries the request deadline."""
        self.connection = self.request
        self.wire = Wire(self.connection, self.endpoint.settings.idle_timeout)
        self.rfile = io.BufferedReader(self.wire)  # type: ignore[assignment]
        self.wfile = self.wire  # type: ignore[assignment]
        self.requestline = ""
        self.reset()

    def reset(self) -> None:
        """Forget the previous request on this connection before reading the next."""
        self.command = None  # type: ignore[assignment]
        self.headers = HTTPMessage()
        self.unread = 0
        self.expects_continue = False
        self.replying = False

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not logged: the library never prints."""

    def version_string(self) -> str:
        """The Server header names the program only, not the Python version behind it."""
        return self.server_version

    def handle_one_request(self) -> None:
        """Wait up to the idle timeout for a request, then give its line, headers and body together
        one deadline; a request that misses it gets 408 and the connection is closed."""
        settings = self.endpoint.settings
        self.close_connection = True
        self.wire.deadline = time.monotonic() + settings.idle_timeout
        try:
            if not self.rfile.peek(1):
                return
        except OSError:  # the idle timeout (TimeoutError), or a reset
            return
        self.wire.deadline = time.monotonic() + settings.request_timeout
        self.reset()
        try:
            self._handle()
        except TimeoutError:
            self.close_connection = True
            if not self.replying:
                with contextlib.suppress(OSError):
                    self.send_error(HTTPStatus.REQUEST_TIMEOUT,
                                    f"the request did not arrive within {settings.request_timeout:g} s")
        except ClientGone:
            self.close_connection = True

    def _handle(self) -> None:
        line = self.rfile.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG, f"request line over {MAX_LINE} bytes")
            return
        if not line.endswith(b"\n"):
            return  # the client closed the connection part way through the line
        if not self._parse(line):
            return
        method = getattr(self, "do_" + self.command, None)
        if method is None:
            self.send_error(HTTPStatus.NOT_IMPLEMENTED, f"{shown(self.command)} is not supported; use GET or POST")
            return
        method()
        self.wfile.flush()

    def _parse(self, line: bytes) -> bool:
        """Read the request line and headers strictly and check them; False once a refusal is sent."""
        match = REQUEST_LINE.fullmatch(line)
        if match is None:
            self.send_error(HTTPStatus.BAD_REQUEST, "malformed request line")
            return False
        method, target, major, minor = match.groups()
        if major != b"1":
            self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED,
                            f"HTTP/{major.decode()}.{minor.decode()} is not supported; use HTTP/1.1")
            return False
        self.command, self.path = method.decode("ascii"), target.decode("iso-8859-1")
        if self.path.startswith("//"):  # a path, never a scheme-relative URL
            self.path = "/" + self.path.lstrip("/")
        self.request_version = "HTTP/1.0" if minor == b"0" else "HTTP/1.1"
        headers = self._headers()
        if headers is None:
            return False
        self.headers = headers
        tokens = {token.strip().lower() for value in headers.get_all("Connection", []) for token in value.split(",")}
        self.close_connection = "close" in tokens or (self.request_version == "HTTP/1.0" and "keep-alive" not in tokens)
        refusal = self._host_refusal() or self._framing_refusal()
        if refusal is not None:
            self.send_error(*refusal)
            return False
        return True

    def _headers(self) -> HTTPMessage | None:
        """The header fields, each line ``name: value`` with no whitespace before the colon and no
        folding; None once 400 or 431 is sent."""
        headers, total = HTTPMessage(), 0
        while True:
            line = self.rfile.readline(MAX_LINE + 1)
            total += len(line)
            if len(line) > MAX_LINE or total > MAX_HEADER_BYTES:
                self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                                f"request headers over {MAX_HEADER_BYTES} bytes")
                return None
            if line == b"\r\n":
                return headers
            match = HEADER_LINE.fullmatch(line)
            if match is None:
                self.send_error(HTTPStatus.BAD_REQUEST, "malformed header line (each is name: value, ended by CRLF)"
                                if line.endswith(b"\n") else "the request ended inside its headers")
                return None
            if len(headers) >= MAX_HEADERS:
                self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, f"more than {MAX_HEADERS} request headers")
                return None
            headers[match.group(1).decode("ascii")] = match.group(2).decode("iso-8859-1")

    def _host_refusal(self) -> tuple[HTTPStatus, str] | None:
        """Why the Host header is refused: missing on HTTP/1.1, repeated, malformed, or naming a host
        this server does not answer to (as a DNS-rebinding page's requests do). An absolute-form
        target's host is the one that counts."""
        given = self.headers.get_all("Host", [])
        if len(given) > 1:
            return HTTPStatus.BAD_REQUEST, "more than one Host header"
        if not given and self.request_version == "HTTP/1.1":
            return HTTPStatus.BAD_REQUEST, "an HTTP/1.1 request needs a Host header"
        name = host_name(given[0]) if given else None
        if given and name is None:
            return HTTPStatus.BAD_REQUEST, f"malformed Host header {shown(given[0])}"
        if not self.path.startswith("/") and self.path != "*":
            name = host_name(urlsplit(self.path).netloc) or self.path
        if name is not None and self.hosts is not None and name not in self.hosts:
            return HTTPStatus.BAD_REQUEST, f"this server does not answer to the host {shown(name)} (see --allow-host)"
        return None

    def _framing_refusal(self) -> tuple[HTTPStatus, str] | None:
        """Why the body's framing is refused, so no two readers of this request can disagree where it
        ends: Transfer-Encoding, a Content-Length that is not one run of digits or is given twice, a
        body on a request other than POST, a body over the limit, an expectation other than 100-continue."""
        encodings, lengths = self.headers.get_all("Transfer-Encoding", []), self.headers.get_all("Content-Length", [])
        if encodings and lengths:
            return HTTPStatus.BAD_REQUEST, "Content-Length and Transfer-Encoding together are refused"
        if encodings:
            return HTTPStatus.NOT_IMPLEMENTED, "Transfer-Encoding is not supported: send the body with a Content-Length"
        if len(lengths) > 1:
            return HTTPStatus.BAD_REQUEST, "more than one Content-Length header"
        length = lengths[0] if lengths else "0"
        if not (length.isascii() and length.isdigit()):
            return HTTPStatus.BAD_REQUEST, "Content-Length is not a number"
        if len(length.lstrip("0")) > len(str(MAX_BODY)) or int(length) > MAX_BODY:
            return HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {MAX_BODY} bytes"
        self.unread = int(length)
        if self.unread and self.command != "POST":
            return HTTPStatus.BAD_REQUEST, f"a {shown(self.command)} request carries no body"
        expectations = [value.strip().lower() for value in self.headers.get_all("Expect", [])]
        if expectations and expectations != ["100-continue"]:
            return HTTPStatus.EXPECTATION_FAILED, "the only expectation supported is 100-continue"
        self.expects_continue = bool(expectations) and self.request_version == "HTTP/1.1"
        return None

    def _body(self) -> bytes | None:
        """The request body, sending 100 Continue first if the client waits for it; the request's
        deadline grows by the time the declared length needs at ``MIN_RATE``. None if it was cut short."""
        length = self.unread
        if self.expects_continue and length:
            self.send_response_only(HTTPStatus.CONTINUE)
            self.end_headers()
        self.wire.deadline += length / MIN_RATE
        data = self.rfile.read(length)
        if len(data) < length:
            self.close_connection = True
            return None
        self.unread = 0
        return data

    def client_gone(self) -> bool:
        """Whether the client closed the connection while its query ran. Only asked of HTTP/1.1
        clients: an HTTP/1.0 client may close its sending side once its request is sent."""
        if self.request_version != "HTTP/1.1":
            return False
        try:
            poller = select.poll()
            poller.register(self.connection, select.POLLIN)
            return bool(poller.poll(0)) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors the HTTP layer finds (bad request line, headers too long) as one plain line, then close."""
        self.close_connection = True
        self.request_version = self.protocol_version  # a status line even when the request's version was refused
        self._send(Reply.error(HTTPStatus(code), message or HTTPStatus(code).phrase), head_only=self.command == "HEAD")

    def _cors_headers(self) -> None:
        allowed = self.endpoint.settings.cors
        origin = self.headers.get("Origin")
        if "*" in allowed:
            self.send_header("Access-Control-Allow-Origin", "*")
        elif origin and origin in allowed:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")

    def _send(self, reply: Reply, head_only: bool = False) -> None:
        """Send ``reply``: a page with its ETag and short max-age (304 when the client holds it), an HTML
        page with its Content-Security-Policy, anything else never stored; the connection closes if
        the request's body was left unread."""
        self.replying = True
        if self.unread:
            self.close_connection = True
        cached = reply.page and reply.status == HTTPStatus.OK
        tag = entity_tag(reply.body) if cached else None
        fresh = tag is not None and tag_matches(self.headers.get("If-None-Match"), tag)
        self.send_response(HTTPStatus.NOT_MODIFIED if fresh else reply.status)
        if not fresh:
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            html = reply.content_type.startswith(HTML)
            self.send_header("Content-Security-Policy", content_policy(reply.body) if html else ANSWER_POLICY)
        if tag is not None:
            self.send_header("ETag", tag)
        self.send_header("Cache-Control", f"max-age={PAGE_MAX_AGE}" if cached else "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in reply.headers:
            self.send_header(name, value)
        self._cors_headers()
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head_only and not fresh:
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
            return Reply(HTTPStatus.OK, "text/html; charset=utf-8", page(), page=True)
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
        """A query as a form or a query body. Refusals that need no body (a wrong path or media type,
        an update) are sent without reading it, and before any 100 Continue; the connection then closes."""
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._send(Reply.error(HTTPStatus.NOT_FOUND, f"no such page: {url.path}"))
            return
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/sparql-update":
            self._send(Reply.error(HTTPStatus.FORBIDDEN, READ_ONLY))
            return
        if kind not in ("application/sparql-query", "application/x-www-form-urlencoded"):
            self._send(Reply.error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                                   "send application/x-www-form-urlencoded or application/sparql-query"))
            return
        raw = self._body()
        if raw is None:
            return
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self._send(Reply.error(HTTPStatus.BAD_REQUEST, "request body is not UTF-8"))
            return
        form = parse_qs(url.query, keep_blank_values=True)
        if kind == "application/sparql-query":
            self._send(self._sparql(form, text))
            return
        for key, values in parse_qs(text, keep_blank_values=True).items():
            form.setdefault(key, []).extend(values)
        self._send(self._sparql(form, None))

    def do_HEAD(self) -> None:
        """The headers GET would send, status included, without the body."""
        self._send(self._get(), head_only=True)

    def do_OPTIONS(self) -> None:
        """What the endpoint allows; with ``--cors``, the answer to a browser's preflight."""
        self.replying = True
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", "GET, HEAD, POST, OPTIONS")
        self.send_header("Content-Length", "0")
        self.send_header("X-Content-Type-Options", "nosniff")
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
        for key, values in (("default-graph-uri", default), ("named-graph-uri", named)):
            bad = next((value for value in values if not absolute_iri(value)), None)
            if bad is not None:
                return Reply.error(HTTPStatus.BAD_REQUEST, f"{key} {shown(bad)} is not an absolute IRI")
        dataset = Dataset(default, named, self.endpoint.settings.graph_name) if default or named else None
        fmt = (form.get("format") or [None])[0]
        return self.endpoint.answer(body if body is not None else queries[0], self.headers.get("Accept"), fmt,
                                    dataset, self.client_gone)


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
                request.settimeout(1)
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                b"X-Content-Type-Options: nosniff\r\nConnection: close\r\n"
                                b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
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
    nothing for ``settings.idle_timeout`` seconds is closed, and one whose request does not arrive
    within ``settings.request_timeout`` seconds (plus time for its body), so slow clients do not
    hold threads. The Host names answered to are fixed here (:func:`allowed_hosts`).
    """
    hosts = allowed_hosts(settings, host)
    endpoint = Endpoint(kg, settings)
    handler = type("BoundHandler", (Handler,), {"endpoint": endpoint, "hosts": hosts})
    try:
        return Server((host, port), handler, endpoint)
    except BaseException:
        endpoint.close()
        raise
