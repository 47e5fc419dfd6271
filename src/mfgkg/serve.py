"""A read-only SPARQL 1.1 Protocol endpoint over the loaded graph, with a small query page.

``GET /sparql?query=...`` and ``POST /sparql`` (form field ``query`` or an
``application/sparql-query`` body) answer with content negotiation: SPARQL results as JSON,
XML, CSV or TSV, graphs as Turtle, N-Triples or JSON-LD. Updates are refused with 403, bad
queries get 400 with the parser's message, answers over ``max_rows`` get 413 and queries over
``time_limit`` seconds get 503; the server keeps serving after each. ``GET /`` is the query
page, ``GET /queries`` the saved queries as runnable examples.

The time limit stops waiting for a query; the engine cannot be interrupted, so a query that
never yields keeps one worker busy until it ends. ``workers`` bounds how many run at once;
further requests wait for a free worker up to the time limit.
"""

from __future__ import annotations

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

from .errors import MfgkgError, QueryError, ResultTooLarge
from .formats import to_sparql_json
from .kg import KnowledgeGraph
from .results import BooleanResult, GraphResult, Result, Term, ntriples_term

MAX_BODY = 1_000_000
IDLE_TIMEOUT = 30
SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
}
FORMAT_ALIASES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                  "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
                  "ttl": "text/turtle", "nt": "application/n-triples", "ntriples": "application/n-triples",
                  "jsonld": "application/ld+json", "json-ld": "application/ld+json"}


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, media type and body."""

    status: int
    content_type: str
    body: bytes

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


def results_xml(answer: Result | BooleanResult) -> str:
    """SPARQL Query Results XML."""
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if isinstance(answer, BooleanResult):
        out += ["<head/>", f"<boolean>{'true' if answer.value else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out.append("<head>" + "".join(f"<variable name={quoteattr(c)}/>" for c in answer.columns) + "</head>")
    out.append("<results>")
    for row in answer.rows:
        cells = []
        for column, term in zip(answer.columns, row, strict=True):
            if term is None:
                continue
            if term.kind == "uri":
                value = f"<uri>{escape(term.value)}</uri>"
            elif term.kind == "bnode":
                value = f"<bnode>{escape(term.value)}</bnode>"
            elif term.lang:
                value = f"<literal xml:lang={quoteattr(term.lang)}>{escape(term.value)}</literal>"
            elif term.datatype:
                value = f"<literal datatype={quoteattr(term.datatype)}>{escape(term.value)}</literal>"
            else:
                value = f"<literal>{escape(term.value)}</literal>"
            cells.append(f"<binding name={quoteattr(column)}>{value}</binding>")
        out.append("<result>" + "".join(cells) + "</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def results_csv(answer: Result) -> str:
    """SPARQL 1.1 Query Results CSV: plain values, CRLF line ends."""
    def cell(term: Term | None) -> str:
        if term is None:
            return ""
        text = term.value if term.kind != "bnode" else f"_:{term.value}"
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text

    lines = [",".join(answer.columns)] + [",".join(cell(t) for t in row) for row in answer.rows]
    return "\r\n".join(lines) + "\r\n"


def results_tsv(answer: Result) -> str:
    """SPARQL 1.1 Query Results TSV: terms in N-Triples syntax."""
    lines = ["\t".join(f"?{c}" for c in answer.columns)]
    lines += ["\t".join("" if t is None else ntriples_term(t) for t in row) for row in answer.rows]
    return "\n".join(lines) + "\n"


def graph_as(turtle: str, syntax: str) -> str:
    """Re-serialise Turtle as N-Triples or JSON-LD."""
    import pyoxigraph

    triples = list(pyoxigraph.parse(turtle.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE))
    target = pyoxigraph.RdfFormat.N_TRIPLES if syntax == "ntriples" else pyoxigraph.RdfFormat.JSON_LD
    return pyoxigraph.serialize(triples, format=target).decode("utf-8")


class Endpoint:
    """Answers SPARQL Protocol requests against one loaded graph, within time and size limits."""

    def __init__(self, kg: KnowledgeGraph, time_limit: float = 10.0, max_rows: int = 10_000, workers: int = 4):
        self.kg = kg
        self.time_limit = time_limit
        self.max_rows = max_rows
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sparql")
        self.busy = threading.BoundedSemaphore(workers)

    def answer(self, query: str, accept: str | None, fmt: str | None = None) -> Reply:
        """Run ``query`` and serialise the answer as the client asked."""
        if not query.strip():
            return Reply.error(HTTPStatus.BAD_REQUEST, "missing query: give the query parameter or a query body")
        if not self.busy.acquire(timeout=self.time_limit):
            return Reply.error(HTTPStatus.SERVICE_UNAVAILABLE, "all query workers stayed busy; try again shortly")
        future = self.pool.submit(self.kg.run_sparql, query, self.max_rows)
        future.add_done_callback(lambda _: self.busy.release())
        try:
            result = future.result(timeout=self.time_limit)
        except FutureTimeout:
            return Reply.error(HTTPStatus.SERVICE_UNAVAILABLE,
                               f"query exceeded the {self.time_limit:g} s time limit")
        except ResultTooLarge as exc:
            return Reply.error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, str(exc))
        except QueryError as exc:
            if _looks_like_update(query):
                return Reply.error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
            return Reply.error(HTTPStatus.BAD_REQUEST, str(exc))
        except MfgkgError as exc:
            return Reply.error(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
        return self._serialise(result, accept, fmt)

    def _serialise(self, result: Result | GraphResult | BooleanResult, accept: str | None,
                   fmt: str | None) -> Reply:
        offered = GRAPH_TYPES if isinstance(result, GraphResult) else SELECT_TYPES
        if isinstance(result, BooleanResult):
            offered = {k: v for k, v in SELECT_TYPES.items() if v in ("json", "xml")}
        wanted = FORMAT_ALIASES.get(fmt.lower(), fmt) if fmt else None
        media = wanted if wanted in offered else accepted(accept, offered)
        if media is None or (fmt and wanted not in offered):
            return Reply.error(HTTPStatus.NOT_ACCEPTABLE,
                               f"cannot answer this query as {fmt or accept}; offered: {', '.join(offered)}")
        syntax = offered[media]
        if isinstance(result, GraphResult):
            text = result.turtle if syntax == "turtle" else graph_as(result.turtle, syntax)
        elif isinstance(result, BooleanResult):
            boolean = json.dumps({"head": {}, "boolean": result.value}) + "\n"
            text = boolean if syntax == "json" else results_xml(result)
        else:
            text = {"json": to_sparql_json, "xml": results_xml, "csv": results_csv, "tsv": results_tsv}[syntax](result)
        return Reply(HTTPStatus.OK, f"{media}; charset=utf-8", text.encode("utf-8"))

    def catalogue(self) -> Reply:
        """The saved queries as JSON, each with standalone SPARQL for its example parameters."""
        items = [{"name": q.name, "title": q.title, "description": q.description,
                  "parameters": {p.name: p.example for p in q.parameters},
                  "sparql": self.kg.example_sparql(q.name)} for q in self.kg.queries]
        return Reply(HTTPStatus.OK, "application/json", json.dumps(items, indent=1).encode("utf-8"))

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


def _looks_like_update(text: str) -> bool:
    """True if the first keyword after comments and PREFIX/BASE declarations starts an update."""
    body = re.sub(r"#[^\n]*", " ", text)
    body = re.sub(r"(?is)^\s*(?:(?:PREFIX\s+[\w-]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", body)
    first = re.match(r"\s*([A-Za-z]+)", body)
    return bool(first) and first.group(1).upper() in UPDATE_WORDS


def page() -> bytes:
    """The query page (HTML with its script inline)."""
    return resources.files("mfgkg").joinpath("static/index.html").read_bytes()


class Handler(BaseHTTPRequestHandler):
    """HTTP front of an :class:`Endpoint`; one instance per request."""

    endpoint: Endpoint
    server_version = "mfgkg"
    timeout = IDLE_TIMEOUT  # seconds a connection may sit idle before the server closes it

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not logged: the library never prints."""

    def version_string(self) -> str:
        """The Server header names the program only, not the Python version behind it."""
        return self.server_version

    def _send(self, reply: Reply, head_only: bool = False) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head_only:
            self.wfile.write(reply.body)

    def _get(self) -> Reply:
        url = urlsplit(self.path)
        if url.path == "/":
            return Reply(HTTPStatus.OK, "text/html; charset=utf-8", page())
        if url.path == "/queries":
            return self.endpoint.catalogue()
        if url.path == "/sparql":
            return self._sparql(parse_qs(url.query, keep_blank_values=True), None)
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
            self._send(Reply.error(HTTPStatus.BAD_REQUEST, "Content-Length is not a number"))
            return
        if length > MAX_BODY or length < 0:
            self._send(Reply.error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {MAX_BODY} bytes"))
            return
        raw = self.rfile.read(length)
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self._send(Reply.error(HTTPStatus.BAD_REQUEST, "request body is not UTF-8"))
            return
        if kind == "application/sparql-update":
            self._send(Reply.error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused"))
        elif kind == "application/sparql-query":
            self._send(self._sparql(parse_qs(urlsplit(self.path).query), text))
        elif kind == "application/x-www-form-urlencoded":
            self._send(self._sparql(parse_qs(text, keep_blank_values=True), None))
        else:
            self._send(Reply.error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                                   "send application/x-www-form-urlencoded or application/sparql-query"))

    def do_HEAD(self) -> None:
        """The headers GET would send, status included, without the body."""
        self._send(self._get(), head_only=True)

    def _method_not_allowed(self) -> None:
        self._send(Reply.error(HTTPStatus.METHOD_NOT_ALLOWED, f"{self.command} is not supported; use GET or POST"))

    do_PUT = do_DELETE = do_PATCH = _method_not_allowed

    def _sparql(self, form: dict[str, list[str]], body: str | None) -> Reply:
        if "update" in form:
            return Reply.error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
        if "default-graph-uri" in form or "named-graph-uri" in form:
            return Reply.error(HTTPStatus.BAD_REQUEST,
                               "this endpoint serves one default graph; default-graph-uri and named-graph-uri "
                               "are not supported")
        queries = form.get("query", [])
        if body is None and len(queries) != 1:
            return Reply.error(HTTPStatus.BAD_REQUEST, "give exactly one query parameter")
        fmt = (form.get("format") or [None])[0]
        return self.endpoint.answer(body if body is not None else queries[0], self.headers.get("Accept"), fmt)


def make_server(kg: KnowledgeGraph, host: str = "127.0.0.1", port: int = 8000, time_limit: float = 10.0,
                max_rows: int = 10_000, workers: int = 4, idle_timeout: float = IDLE_TIMEOUT) -> ThreadingHTTPServer:
    """An HTTP server for ``kg`` (not yet serving); port 0 picks a free port (see ``server_address``).

    A connection that sends nothing for ``idle_timeout`` seconds is closed, so idle clients do
    not hold threads.
    """
    endpoint = Endpoint(kg, time_limit, max_rows, workers)
    handler = type("BoundHandler", (Handler,), {"endpoint": endpoint, "timeout": idle_timeout})
    server_class = type("Server", (ThreadingHTTPServer,), {"request_queue_size": 128, "daemon_threads": True})
    return server_class((host, port), handler)
