"""The standing attack suite: what a hostile client can send `mfgkg serve`, and what a hostile
server can answer our client. Every case asserts the answer (status and one-line message), then
that the server still answers the next request with the graph unchanged.

All traffic is on 127.0.0.1; servers are started and stopped by PID.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import random
import re
import select
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import chromium, request, start, stop, watched_page
from mfgkg.choices import MAX_BYTES, MAX_TRIPLES
from mfgkg.errors import QueryError, StoreError
from mfgkg.query.query_guard import MAX_DEPTH, MAX_OPERATORS
from mfgkg.query.remote import RemoteStore

TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def nested(depth: int, opener: str = "{", closer: str = "}", inner: str = "?s ?p ?o") -> str:
    return opener * depth + inner + closer * depth


DEEP = {
    "2,500 nested groups": "SELECT * WHERE " + nested(2500),
    "5,000 nested parentheses in a FILTER": "SELECT * WHERE { ?s ?p ?o FILTER" + nested(5000, "(", ")", "1") + "}",
    "5,000 nested OPTIONAL": "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 5000 + "}" * 5001,
    "10,000-branch UNION": "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 10_000) + " }",
    "2,000-step property path": "SELECT * WHERE { ?s " + "/".join(["mfg:sponsor"] * 2000) + " ?o }",
    "2,000 joined patterns": "SELECT * WHERE { " + " . ".join(f"?s{i} ?p ?o{i}" for i in range(2000)) + " }",
    "20,000 additions": "SELECT * WHERE { ?s ?p ?o FILTER(?o = " + "+".join(["1"] * 20_000) + ") }",
}


@pytest.fixture(scope="module")
def target(triples: int) -> Iterator[str]:
    """A server with small limits, so the memory and time attacks are quick."""
    process, url = start("--time-limit", "2", "--memory-limit", "512", "--workers", "2", "--max-rows", "1000",
                         "--max-connections", "16", "--cors", "https://analyst.example")
    try:
        yield url
    finally:
        stop(process)


@pytest.fixture(scope="module")
def triples(kg) -> int:
    return len(kg)


def still_serving(url: str, triples: int) -> None:
    """The server answers a plain query, and the graph holds what it held at the start."""
    status, _, body = request(url, query=TRIPLES)
    assert status == 200, body
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(triples)


def one_line(body: str) -> str:
    assert body.endswith("\n") and body.count("\n") == 1, body
    return body.strip()


@pytest.mark.parametrize("name", list(DEEP))
def test_stack_attacks_are_refused_before_the_engine(target, triples, name):
    status, kind, body = request(target, data=DEEP[name].encode(), content_type="application/sparql-query")
    assert (status, kind) == (400, "text/plain; charset=utf-8")
    assert one_line(body).startswith("query refused: it ")
    still_serving(target, triples)


def test_generated_nesting_and_chains_never_take_the_server_down(target, triples):
    """A seeded fuzz of nesting and chains on both sides of the limits: refused above them,
    answered (or stopped by the time limit) at or below them, and the server stays up."""
    rng = random.Random(14)
    shapes: list[Callable[[int], str]] = [
        lambda n: "ASK " + nested(n),
        lambda n: "ASK { ?s ?p ?o FILTER" + nested(n, "(", ")", "true") + "}",
        lambda n: "ASK { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * n + "}" * (n + 1),
        lambda n: "SELECT (" + nested(n, "STR(", ")", "?s") + " AS ?x) WHERE { ?s ?p ?o } LIMIT 1",
    ]
    chains: list[Callable[[int], str]] = [
        lambda n: "ASK { " + " UNION ".join(["{ ?s a ?o }"] * n) + " }",
        lambda n: "ASK { ?s " + "|".join(["mfg:sponsor"] * n) + " ?o }",
        lambda n: "ASK { ?s ?p ?o FILTER(" + " || ".join(["?o = 1"] * n) + ") }",
    ]
    for _ in range(12):
        depth = rng.choice([rng.randint(1, MAX_DEPTH - 2), rng.randint(MAX_DEPTH + 1, 4000)])
        chain = rng.choice([rng.randint(2, 200), rng.randint(MAX_OPERATORS + 1, 20_000)])
        for text, over in ((rng.choice(shapes)(depth), depth + 2 > MAX_DEPTH),
                           (rng.choice(chains)(chain), chain > MAX_OPERATORS)):
            status, _, body = request(target, data=text.encode(), content_type="application/sparql-query")
            if over:
                assert status == 400 and body.startswith("query refused: it "), (status, body[:200])
            else:
                assert status in (200, 503), (status, body[:200])
    still_serving(target, triples)


class Recorder:
    """A loopback socket that counts the connections it is offered (it never answers)."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]

    def connections(self) -> int:
        count = 0
        while True:
            try:
                conn, _ = self.socket.accept()
            except TimeoutError:
                return count
            conn.close()
            count += 1


@pytest.mark.parametrize("form", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:{port}/x> { ?s ?p ?o } }",
    "PREFIX e: <http://127.0.0.1:{port}/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<http://127.0.0.1:{port}/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
    "select * where { service <http://127.0.0.1:{port}/> { ?s ?p ?o } }",
])
def test_service_is_refused_and_nothing_is_fetched(target, triples, form):
    recorder = Recorder()
    text = form.replace("{port}", str(recorder.port))
    status, _, body = request(target, query=text)
    assert status == 400 and one_line(body).startswith("query refused: SERVICE <")
    assert "federation is off" in body
    assert recorder.connections() == 0
    still_serving(target, triples)


def test_the_word_service_in_a_string_or_a_name_is_not_a_service_call(target):
    status, _, body = request(target, query='SELECT ("SERVICE <http://127.0.0.1:1/>" AS ?x) WHERE {}')
    assert status == 200 and "SERVICE <http://127.0.0.1:1/>" in body
    status, _, _ = request(target, query="PREFIX service: <http://x/> ASK { ?s service:limit ?o }")
    assert status == 200


def test_an_allowed_service_host_is_reached(kg, triples):
    """With --allow-service naming the server's own host and port, federation works (to itself)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    process, url = start("--port", str(port), "--allow-service", f"127.0.0.1:{port}", "--time-limit", "20")
    try:
        text = (f"SELECT (COUNT(*) AS ?n) WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> "
                "{ ?i a <https://w3id.org/mfgkg/ontology#Institute> } }")
        status, _, body = request(url, query=text)
        assert status == 200, body
        assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "19"
        other = request(url, query="SELECT * WHERE { SERVICE <http://127.0.0.2:9/sparql> { ?s ?p ?o } }")
        assert other[0] == 400 and f"allowed hosts: 127.0.0.1:{port}" in other[2]
        still_serving(url, triples)
    finally:
        stop(process)


MEMORY = {
    "cross product sorted": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1",
    "ten nested REPLACE": "SELECT ?x WHERE { BIND(" + "REPLACE(" * 10 + '"aaaaaaaaaa"'
                          + ', "a", "aaaaaaaaaa")' * 10 + " AS ?x) }",
}


@pytest.mark.parametrize("name", list(MEMORY))
def test_memory_bombs_cost_one_worker_not_the_server(target, triples, name):
    status, _, body = request(target, query=MEMORY[name])
    assert status in (500, 503), body
    message = one_line(body)
    assert (message.startswith("the query stopped its worker (signal SIGABRT: memory allocation of ")
            and message.endswith("; memory cap 512 MiB)")) or "time limit" in message, message
    still_serving(target, triples)


def test_slow_queries_are_stopped_at_the_deadline_and_later_queries_are_served(target, triples):
    """Four slow queries at once on two workers: each ends by its deadline, then a plain query is served."""
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    answers: list[tuple[int, str]] = []

    def ask() -> None:
        status, _, body = request(target, query=slow)
        answers.append((status, body))

    started = time.monotonic()
    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 4 and all(status == 503 for status, _ in answers), answers
    assert {body.split(" and was")[0] for _, body in answers} <= {
        "query exceeded the 2 s time limit", "all 2 query workers stayed busy for 2 s; try again shortly\n"}
    assert time.monotonic() - started < 20
    still_serving(target, triples)


def test_connections_beyond_the_cap_get_503_and_idle_ones_do_not_starve_the_server(target, triples):
    host, port = target.split("//")[1].split("/")[0].split(":")
    idle = [socket.create_connection((host, int(port)), timeout=10) for _ in range(16)]
    try:
        time.sleep(0.3)
        with socket.create_connection((host, int(port)), timeout=10) as extra:
            extra.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert extra.recv(200).startswith(b"HTTP/1.1 503 Service Unavailable")
    finally:
        for conn in idle:
            conn.close()
    time.sleep(0.3)
    still_serving(target, triples)


@pytest.mark.parametrize(("raw", "status"), [
    (b"GET / HTTP/9.9\r\n\r\n", b"505"),
    (b"BREW /pot HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"501"),
    (b"GET /" + b"x" * 70_000 + b" HTTP/1.1\r\n\r\n", b"414"),
    (b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Flood: y\r\n" * 200 + b"\r\n", b"431"),
    (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999\r\n\r\n", b"413"),
    (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n", b"400"),
    (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 2\r\n\r\n"
     b"\xff\xfe", b"400"),
    (b"GET /sparql?query=ASK%7B%7D HTTP/1.0\r\n\r\n", b"200"),
])
def test_malformed_http_is_answered_not_crashed_on(target, triples, raw, status):
    host, port = target.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(raw)
        conn.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == status, received[:300]
    if status != b"200":
        assert b"Content-Type: text/plain; charset=utf-8" in head and body.count(b"\n") == 1, received
    still_serving(target, triples)


def test_xml_results_never_carry_characters_xml_cannot(target, triples):
    status, _, body = request(target, query='SELECT ("a\\u0001b" AS ?x) WHERE {}',
                              accept="application/sparql-results+xml")
    assert status == 406 and one_line(body) == ("the answer holds the character U+0001, which XML 1.0 cannot "
                                                "carry; ask for JSON, CSV or TSV results")
    assert request(target, query='SELECT ("a\\u0001b" AS ?x) WHERE {}')[0] == 200
    still_serving(target, triples)


def test_cors_is_granted_only_to_the_named_origin(target):
    import urllib.request

    def headers(origin: str, method: str = "GET") -> dict[str, str]:
        req = urllib.request.Request(target + "sparql?query=ASK%7B%7D", method=method, headers={"Origin": origin})
        with urllib.request.urlopen(req, timeout=30) as response:
            return {k.lower(): v for k, v in response.headers.items()} | {"status": str(response.status)}

    assert headers("https://analyst.example")["access-control-allow-origin"] == "https://analyst.example"
    assert "access-control-allow-origin" not in headers("https://elsewhere.example")
    preflight = headers("https://analyst.example", "OPTIONS")
    assert preflight["status"] == "204" and preflight["access-control-allow-methods"] == "GET, HEAD, POST, OPTIONS"


def test_updates_are_refused_in_every_disguise(target, triples):
    for text in ["DROP ALL", "# comment\nPREFIX x: <http://x/>\nINSERT DATA { x:a x:b x:c }",
                 "BASE <http://x/> DELETE WHERE { ?s ?p ?o }", "LOAD <http://127.0.0.1:1/x>", "with <x:g> delete {}"]:
        status, _, body = request(target, query=text)
        assert (status, one_line(body)) == (403, "this endpoint is read-only: updates are refused"), text
    still_serving(target, triples)


# -- the HTTP layer: slow clients, request smuggling, Host, dataset IRIs, answer size, caching -----------

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
BIG_LITERAL = ("SELECT ?x WHERE { BIND(" + "REPLACE(" * 5 + '"aaaaaaaaaa"' + ', "a", "aaaaaaaaaa")' * 5
               + " AS ?x) }")  # one literal of 1,000,000 characters


@pytest.fixture(scope="module")
def strict(triples: int) -> Iterator[tuple[str, int]]:
    """A server with short request and idle timeouts, four connection slots, one worker with a long
    time limit, a small byte cap and one extra Host name; its URL and process id."""
    process, url = start("--request-timeout", "1", "--idle-timeout", "3", "--max-connections", "4",
                         "--workers", "1", "--time-limit", "120", "--max-rows", "100000",
                         "--max-bytes", "200000", "--allow-host", "endpoint.example")
    try:
        yield url, process.pid
    finally:
        stop(process)


def address(url: str) -> tuple[str, int]:
    host, port = url.split("//")[1].split("/")[0].split(":")
    return host, int(port)


def read_all(conn: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    with contextlib.suppress(ConnectionResetError):
        while chunk := conn.recv(65536):
            received += chunk
    return received


def exchange(url: str, raw: bytes) -> bytes:
    """Send ``raw`` on one connection and read until the server closes it (it must: a 60 s read timeout)."""
    with socket.create_connection(address(url), timeout=60) as conn:
        conn.sendall(raw)
        return read_all(conn)


def responses(data: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """The HTTP responses in ``data``, in order: status, headers (lower-case names) and body."""
    found = []
    while data:
        head, _, data = data.partition(b"\r\n\r\n")
        lines = head.decode("iso-8859-1").split("\r\n")
        headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        found.append((int(lines[0].split(" ")[1]), headers, data[:length]))
        data = data[length:]
    return found


def drip(url: str, head: bytes, tail: bytes, every: float = 0.2) -> tuple[bytes, int]:
    """Send ``head``, then ``tail`` one byte every ``every`` seconds until the server answers or closes;
    what it sent and how many bytes of ``tail`` went out before that."""
    with socket.create_connection(address(url), timeout=60) as conn:
        conn.sendall(head)
        for sent in range(len(tail)):
            if select.select([conn], [], [], every)[0]:
                return read_all(conn), sent
            with contextlib.suppress(OSError):
                conn.sendall(tail[sent:sent + 1])
        return read_all(conn), len(tail)


HOST = b"Host: 127.0.0.1\r\n"
SMUGGLED = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n" + HOST + b"\r\n"
DRIPS = {
    "the request line": (b"", b"GET /sparql?query=" + b"A" * 200 + b" HTTP/1.1\r\n"),
    "the headers": (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n" + HOST, b"X-Drip: " + b"d" * 200 + b"\r\n\r\n"),
    "the body": (b"POST /sparql HTTP/1.1\r\n" + HOST + b"Content-Type: application/sparql-query\r\n"
                 b"Content-Length: 200\r\n\r\n", b"#" * 199 + b"\n"),
}


@pytest.mark.parametrize("part", list(DRIPS))
def test_a_request_dripped_byte_by_byte_gets_408_and_the_connection_closes(strict, triples, part):
    """One deadline for the whole request, not one per read: 1 s here, where the drip would take 40 s."""
    url, _ = strict
    head, tail = DRIPS[part]
    received, sent = drip(url, head, tail)
    assert sent < len(tail)
    [(status, headers, body)] = responses(received)
    assert (status, headers["connection"]) == (408, "close")
    assert one_line(body.decode()) == "the request did not arrive within 1 s"
    still_serving(url, triples)


def test_slow_sockets_filling_every_slot_are_dropped_and_the_server_serves_again(strict, triples):
    url, _ = strict
    stop_dripping = threading.Event()
    sockets = [socket.create_connection(address(url), timeout=60) for _ in range(4)]

    def slowloris(conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            conn.sendall(b"GET / HTTP/1.1\r\n")
            while not stop_dripping.wait(0.2):
                conn.sendall(b"X")

    threads = [threading.Thread(target=slowloris, args=(conn,)) for conn in sockets]
    for thread in threads:
        thread.start()
    try:
        give_up = time.monotonic() + 60
        while (answer := request(url, query=TRIPLES))[0] == 503 and time.monotonic() < give_up:
            time.sleep(0.2)
        assert answer[0] == 200, answer
        # each slow socket was cut off at its deadline (or refused, if a slot was still being freed)
        ends = [read_all(conn)[:12] for conn in sockets]
        assert b"HTTP/1.1 408" in ends and set(ends) <= {b"HTTP/1.1 408", b"HTTP/1.1 503"}, ends
    finally:
        stop_dripping.set()
        for thread in threads:
            thread.join(timeout=10)
        for conn in sockets:
            conn.close()
    still_serving(url, triples)


def test_a_kept_alive_connection_that_goes_quiet_is_closed(strict, triples):
    url, _ = strict
    with socket.create_connection(address(url), timeout=60) as conn:
        conn.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n" + HOST + b"\r\n")
        [(status, headers, body)] = responses(read_all(conn))  # the server closes it after 3 quiet seconds
    assert status == 200 and "connection" not in headers and json.loads(body) == {"head": {}, "boolean": True}
    still_serving(url, triples)


FRAMING = {
    "Transfer-Encoding: chunked": (b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501,
                                   "Transfer-Encoding is not supported: send the body with a Content-Length"),
    "an obfuscated Transfer-Encoding": (b"Transfer-Encoding: xchunked\r\n\r\n", 501,
                                        "Transfer-Encoding is not supported: send the body with a Content-Length"),
    "Content-Length and Transfer-Encoding": (b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                                             400, "Content-Length and Transfer-Encoding together are refused"),
    "two different Content-Lengths": (b"Content-Length: 5\r\nContent-Length: 0\r\n\r\nASK{}", 400,
                                      "more than one Content-Length header"),
    "two equal Content-Lengths": (b"Content-Length: 5\r\nContent-Length: 5\r\n\r\nASK{}", 400,
                                  "more than one Content-Length header"),
    "Content-Length: 1_0": (b"Content-Length: 1_0\r\n\r\nASK{}", 400, "Content-Length is not a number"),
    "Content-Length: +10": (b"Content-Length: +10\r\n\r\nASK{}", 400, "Content-Length is not a number"),
    "Content-Length: 0x5": (b"Content-Length: 0x5\r\n\r\nASK{}", 400, "Content-Length is not a number"),
    "Content-Length: 5 5": (b"Content-Length: 5 5\r\n\r\nASK{}", 400, "Content-Length is not a number"),
    "a space before the colon": (b"Content-Length : 5\r\n\r\nASK{}", 400,
                                 "malformed header line (each is name: value, ended by CRLF)"),
    "a folded Content-Length": (b"Content-Length:\r\n 5\r\n\r\nASK{}", 400,
                                "malformed header line (each is name: value, ended by CRLF)"),
    "a header line ended by a bare LF": (b"Content-Length: 5\n\r\nASK{}", 400,
                                         "malformed header line (each is name: value, ended by CRLF)"),
}


@pytest.mark.parametrize("case", list(FRAMING))
def test_ambiguous_framing_is_refused_and_a_smuggled_request_never_runs(target, triples, case):
    """Each request carries a second one behind it: one answer comes back, and the connection closes."""
    framing, status, message = FRAMING[case]
    raw = b"POST /sparql HTTP/1.1\r\n" + HOST + b"Content-Type: application/sparql-query\r\n" + framing + SMUGGLED
    [(got, headers, body)] = responses(exchange(target, raw))
    assert (got, one_line(body.decode()), headers["connection"]) == (status, message, "close")
    still_serving(target, triples)


@pytest.mark.parametrize("method", [b"GET", b"HEAD"])
def test_a_get_or_head_with_a_body_is_refused_so_the_body_is_never_a_request(target, triples, method):
    raw = (method + b" /sparql?query=ASK%7B%7D HTTP/1.1\r\n" + HOST + b"Content-Length: %d\r\n\r\n" % len(SMUGGLED)
           + SMUGGLED)
    [(status, headers, body)] = responses(exchange(target, raw))
    assert (status, headers["connection"]) == (400, "close")
    if method == b"GET":
        assert one_line(body.decode()) == "a 'GET' request carries no body"
    still_serving(target, triples)


def test_well_framed_requests_on_one_connection_are_all_answered(target, triples):
    """The strict reader still serves keep-alive and pipelining: three requests, three answers."""
    post = (b"POST /sparql HTTP/1.1\r\n" + HOST + b"Content-Type: application/sparql-query\r\nContent-Length:  5 \r\n"
            b"\r\nASK{}")
    last = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n" + HOST + b"Connection: close\r\n\r\n"
    answers = responses(exchange(target, SMUGGLED + post + last))
    assert [(status, json.loads(body)) for status, _, body in answers] == [(200, {"head": {}, "boolean": True})] * 3
    still_serving(target, triples)


REFUSED = "this server does not answer to the host {} (see --allow-host)"


@pytest.mark.parametrize(("target_path", "host", "message"), [
    (b"/sparql", b"Host: evil.example\r\n", REFUSED.format("'evil.example'")),
    (b"/sparql", b"Host: attacker.example:{port}\r\n", REFUSED.format("'attacker.example'")),
    (b"/sparql", b"Host: 127.0.0.1.attacker.example\r\n", REFUSED.format("'127.0.0.1.attacker.example'")),
    (b"http://evil.example/sparql", b"Host: 127.0.0.1\r\n", REFUSED.format("'evil.example'")),
    (b"/sparql", b"Host: 127.0.0.1\r\nHost: evil.example\r\n", "more than one Host header"),
    (b"/sparql", b"Host: evil.example/x\r\n", "malformed Host header 'evil.example/x'"),
    (b"/sparql", b"", "an HTTP/1.1 request needs a Host header"),
])
def test_a_host_the_server_does_not_answer_to_is_refused(target, triples, target_path, host, message):
    """DNS rebinding: a page on attacker.example resolved to 127.0.0.1 sends its own name as Host."""
    port = str(address(target)[1]).encode()
    raw = b"GET " + target_path + b"?query=ASK%7B%7D HTTP/1.1\r\n" + host.replace(b"{port}", port) + b"\r\n"
    [(status, headers, body)] = responses(exchange(target, raw))
    assert (status, one_line(body.decode()), headers["connection"]) == (400, message, "close")
    still_serving(target, triples)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:{port}", "localhost:{port}", "LOCALHOST", "[::1]:{port}"])
def test_the_loopback_names_are_answered_with_or_without_the_port(target, host):
    raw = (f"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
           .replace("{port}", str(address(target)[1])).encode())
    assert responses(exchange(target, raw))[0][0] == 200


def test_allow_host_adds_a_name_and_no_other(strict, triples):
    url, _ = strict
    for host, status in (("endpoint.example", 200), ("endpoint.example:443", 200), ("other.example", 400)):
        raw = f"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
        assert responses(exchange(url, raw))[0][0] == status, host
    still_serving(url, triples)


@pytest.mark.parametrize("key", ["default-graph-uri", "named-graph-uri"])
@pytest.mark.parametrize("value", ["not an iri", "<x>", " ", "", "http://example.org/a b", "urn:x:%zz",
                                   "http://example.org/\u0007", "relative/path", "http://[bad/", "a:b#c#d"])
def test_a_dataset_iri_that_is_not_one_is_refused_before_the_worker(target, triples, key, value):
    status, _, body = request(target, query=TRIPLES, params={key: value})
    assert status == 400
    assert one_line(body).startswith(f"{key} ") and one_line(body).endswith(" is not an absolute IRI")
    still_serving(target, triples)


@pytest.mark.parametrize(("query", "accept"), [
    (BIG_LITERAL, None),
    ("CONSTRUCT { ?s <urn:x:copy> ?o } WHERE { ?s ?p ?o } LIMIT 20000", "application/n-triples"),
])
def test_an_answer_over_the_byte_cap_gets_413_and_the_worker_survives(strict, triples, query, accept):
    url, _ = strict
    status, _, body = request(url, query=query, accept=accept)
    assert status == 413, body[:300]
    assert one_line(body).endswith("bytes, over the 200,000-byte limit; narrow the query or add LIMIT")
    still_serving(url, triples)


def test_a_literal_too_large_for_the_writer_gets_413_not_a_dropped_connection(target, triples):
    """Over 16 MiB in one value: the results writer's own buffer cap, reported as one line."""
    query = BIG_LITERAL.replace(" AS ?x) }", " AS ?a) BIND(CONCAT(?a" + ", ?a" * 19 + ") AS ?x) }")
    status, _, body = request(target, query=query)
    assert status == 413, body[:300]
    assert one_line(body).startswith("the answer is too large to write (")
    still_serving(target, triples)


def test_expect_100_continue_over_the_limit_gets_413_without_100(target, triples):
    raw = (b"POST /sparql HTTP/1.1\r\n" + HOST + b"Content-Type: application/sparql-query\r\n"
           b"Expect: 100-continue\r\nContent-Length: 5000000\r\n\r\n")
    received = exchange(target, raw)
    assert received.startswith(b"HTTP/1.1 413 ")  # the first line, so no 100 Continue came before it
    [(status, _, body)] = responses(received)
    assert (status, one_line(body.decode())) == (413, "request body over 1000000 bytes")
    still_serving(target, triples)


def test_expect_100_continue_within_the_limit_gets_100_then_the_answer(target, triples):
    with socket.create_connection(address(target), timeout=60) as conn:
        conn.sendall(b"POST /sparql HTTP/1.1\r\n" + HOST + b"Content-Type: application/sparql-query\r\n"
                     b"Expect: 100-continue\r\nConnection: close\r\nContent-Length: 5\r\n\r\n")
        assert conn.recv(25) == b"HTTP/1.1 100 Continue\r\n\r\n"
        conn.sendall(b"ASK{}")
        [(status, _, body)] = responses(read_all(conn))
    assert (status, json.loads(body)) == (200, {"head": {}, "boolean": True})
    raw = b"POST /sparql HTTP/1.1\r\n" + HOST + b"Expect: a-pony\r\nContent-Length: 0\r\n\r\n"
    assert responses(exchange(target, raw))[0][0] == 417
    still_serving(target, triples)


def headers_of(url: str, **extra: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of a GET of ``url``, with 304 as an answer, not an error."""
    req = urllib.request.Request(url, headers=extra)
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


@pytest.mark.parametrize("path", ["", "id/institute/lift", "id/institute/", "queries"])
def test_pages_carry_a_strict_policy_an_etag_and_answer_304_when_unchanged(target, triples, path):
    status, headers, body = headers_of(target + path)
    assert status == 200 and headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "max-age=300" and headers["etag"].startswith('"')
    if headers["content-type"].startswith("text/html"):
        policy = dict(part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";"))
        assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
        assert policy["base-uri"] == "'none'" and policy["frame-ancestors"] == "'none'"
        assert "unsafe" not in headers["content-security-policy"]
        for kind, text in re.findall(rb"<(script|style)[^>]*>(.*?)</\1>", body, re.S):
            digest = base64.b64encode(hashlib.sha256(text).digest()).decode()
            assert f"'sha256-{digest}'" in policy[f"{kind.decode()}-src"]
    for tag in (headers["etag"], "W/" + headers["etag"], '"other", ' + headers["etag"], "*"):
        again, again_headers, again_body = headers_of(target + path, **{"If-None-Match": tag})
        assert (again, again_body, again_headers["etag"]) == (304, b"", headers["etag"])
    assert headers_of(target + path, **{"If-None-Match": '"other"'})[0] == 200
    still_serving(target, triples)


def test_answers_are_never_stored_and_every_answer_says_nosniff(target):
    for url in (target + "sparql?query=ASK%7B%7D", target + "sparql", target + "nothing"):
        _, headers, _ = headers_of(url)
        assert headers["cache-control"] == "no-store" and "etag" not in headers, url
        assert headers["x-content-type-options"] == "nosniff", url
    preflight = urllib.request.Request(target + "sparql", method="OPTIONS")
    with urllib.request.urlopen(preflight, timeout=60) as response:
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.browser
def test_the_query_page_runs_under_its_content_security_policy(target):
    """Chromium enforces the policy: the page lists the saved queries and runs one, with no violation."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        page = watched_page(browser, errors)
        page.goto(target)
        page.wait_for_selector("#saved option >> nth=1", state="attached")
        page.select_option("#saved", "institutes")
        page.wait_for_selector("#results tbody tr")
        page.goto(target + "id/institute/lift")
        page.wait_for_selector("h1")
        browser.close()
    assert errors == []


def server_children(pid: int) -> set[str]:
    """The process ids of a server's children (its query workers), whichever of its threads started them."""
    return {child for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()}


def test_a_client_that_hangs_up_has_its_query_stopped(strict, triples):
    """The one worker gets a query that would run for the whole 120 s limit; the client hangs up, so
    the worker is replaced at once, and the next query is answered."""
    url, pid = strict
    before = server_children(pid)
    with socket.create_connection(address(url), timeout=60) as conn:
        conn.sendall(b"GET /sparql?" + urllib.parse.urlencode({"query": SLOW}).encode() + b" HTTP/1.1\r\n"
                     + HOST + b"\r\n")
    give_up = time.monotonic() + 60
    while server_children(pid) == before and time.monotonic() < give_up:
        time.sleep(0.2)
    assert server_children(pid) != before
    still_serving(url, triples)


# -- our client against hostile servers ----------------------------------------------------------------


class Hostile(BaseHTTPRequestHandler):
    """Answers every request with ``script(handler)``; records the requests it saw."""

    script: Callable[[BaseHTTPRequestHandler], None]
    seen: list[dict[str, str]]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).script(self)

    do_GET = do_POST


def hostile(script: Callable[[BaseHTTPRequestHandler], None]) -> tuple[ThreadingHTTPServer, list[dict[str, str]]]:
    seen: list[dict[str, str]] = []
    handler = type("Script", (Hostile,), {"script": staticmethod(script), "seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


def url_of(server: ThreadingHTTPServer, path: str = "/sparql") -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def answer(status: int, body: bytes, kind: str = "application/sparql-results+json", length: int | None = None,
           headers: dict[str, str] | None = None) -> Callable[[BaseHTTPRequestHandler], None]:
    def script(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body) if length is None else length))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(body)
    return script


def test_credentials_never_follow_a_redirect_to_another_origin(monkeypatch):
    elsewhere, seen_elsewhere = hostile(answer(200, b'{"head": {"vars": []}, "results": {"bindings": []}}'))
    redirector, seen = hostile(answer(302, b"", headers={"Location": url_of(elsewhere)}))
    monkeypatch.setenv("MFGKG_SPARQL_USER", "analyst")
    monkeypatch.setenv("MFGKG_SPARQL_PASSWORD", "secret")
    try:
        with pytest.raises(StoreError) as error:
            RemoteStore(url_of(redirector), timeout=10).query("ASK {}")
        assert str(error.value).startswith(f"{url_of(redirector)}: HTTP 302 Found: redirected to another origin")
        assert seen[0]["authorization"].startswith("Basic ")
        assert seen_elsewhere == []
    finally:
        redirector.shutdown()
        elsewhere.shutdown()


def test_a_redirect_within_the_origin_is_followed():
    def script(handler: BaseHTTPRequestHandler) -> None:
        if handler.path == "/sparql":
            home = f"http://127.0.0.1:{handler.server.server_address[1]}/moved"
            answer(301, b"", headers={"Location": home})(handler)
        else:
            answer(200, b'{"head": {}, "boolean": true}')(handler)

    server, seen = hostile(script)
    try:
        assert RemoteStore(url_of(server), timeout=10).query("ASK {}").value is True
        assert [request["path"] for request in seen] == ["/sparql", "/moved"]
    finally:
        server.shutdown()


# The reasons are pyoxigraph's own: its SPARQL JSON parser reads every answer.
MALFORMED = {
    "not JSON": (answer(200, b"<html>hello</html>"),
                 "the answer is not SPARQL JSON results (Parser error at line 1 column 1: Unexpected char: '<'"),
    "a JSON list": (answer(200, b"[]"), "(SPARQL JSON results must be an object)"),
    "no vars": (answer(200, b'{"head": {}}'), "(SPARQL JSON results must contain a 'boolean' or a 'results' key)"),
    "no bindings": (answer(200, b'{"head": {"vars": ["x"]}, "results": {}}'),
                    "(The results object must contains a 'bindings' key)"),
    "a row that is a string": (answer(200, b'{"head": {"vars": ["x"]}, "results": {"bindings": ["x"]}}'),
                               "(Expecting a new solution object)"),
    "an unknown term type": (answer(200, b'{"head": {"vars": ["x"]}, "results": {"bindings": '
                                          b'[{"x": {"type": "weird", "value": "1"}}]}}'),
                             "(Unexpected term type: 'weird')"),
    "a number as value": (answer(200, b'{"head": {"vars": ["x"]}, "results": {"bindings": '
                                      b'[{"x": {"type": "literal", "value": 1}}]}}'),
                          "(Term value must be a string)"),
    "a boolean that is a string": (answer(200, b'{"head": {}, "boolean": "yes"}'), "(Unexpected boolean value)"),
    "bytes that are not UTF-8": (answer(200, b'{"head": {"vars": ["\xff"]}}'), "the answer is not UTF-8 text"),
    "a body cut short": (answer(200, b'{"head": {"vars"', length=5000), "the answer was cut short (16 of 5000 bytes)"),
    "a server error": (answer(500, b"boom\nmore", kind="text/plain"), "HTTP 500 Internal Server Error: boom"),
}


@contextmanager
def serving(script: Callable[[BaseHTTPRequestHandler], None]) -> Iterator[str]:
    """The endpoint URL of a hostile server for the duration of the block."""
    server, _ = hostile(script)
    try:
        yield url_of(server)
    finally:
        server.shutdown()


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_answers_are_one_line(name):
    script, message = MALFORMED[name]
    with serving(script) as url, pytest.raises(StoreError) as error:
        RemoteStore(url, timeout=10).query("SELECT ?x WHERE { ?x ?p ?o }")
    assert message in str(error.value) and len(str(error.value).splitlines()) == 1


def test_a_graph_answer_that_is_not_turtle_is_one_line():
    with (serving(answer(200, b"@prefix broken", kind="text/turtle")) as url,
          pytest.raises(StoreError, match=r": the answer is not Turtle \(")):
        RemoteStore(url, timeout=10).query("CONSTRUCT WHERE { ?s ?p ?o }")


def compact_turtle(triples: int) -> bytes:
    """Turtle that repeats one subject and predicate: about 4 bytes a triple, hundreds of bytes each once parsed."""
    return b"<http://e/s> <http://e/p> " + b", ".join(b"%d" % i for i in range(triples)) + b" ."


@pytest.mark.parametrize(("form", "body", "kind"), [
    ("CONSTRUCT WHERE { ?s ?p ?o }", compact_turtle(MAX_TRIPLES + 1), "text/turtle"),
    ("SELECT ?x WHERE { ?x ?p ?o }", b'{"head": {"vars": ["x"]}, "results": {"bindings": ['
     + b", ".join([b'{"x": {"type": "literal", "value": "v"}}'] * (MAX_TRIPLES + 1)) + b"]}}",
     "application/sparql-results+json"),
])
def test_an_answer_of_too_many_triples_or_rows_is_refused_in_one_line(form, body, kind):
    """A hostile server's compact answer is capped by count as well as bytes (V7)."""
    with serving(answer(200, body, kind=kind)) as url, pytest.raises(QueryError) as error:
        RemoteStore(url, timeout=60).query(form)
    assert str(error.value) == f"the answer has more than {MAX_TRIPLES} rows or triples; narrow the query or add LIMIT"


def test_an_answer_over_the_byte_cap_is_refused_before_it_is_parsed():
    def huge(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/turtle")
        handler.end_headers()
        chunk = b"#" * 65536 + b"\n"
        with contextlib.suppress(OSError):
            for _ in range(MAX_BYTES // len(chunk) + 2):
                handler.wfile.write(chunk)

    with serving(huge) as url, pytest.raises(StoreError) as error:
        RemoteStore(url, timeout=60).query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert str(error.value) == f"{url}: answer over {MAX_BYTES} bytes"


def test_a_server_that_drips_its_answer_hits_the_total_deadline():
    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/sparql-results+json")
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        for _ in range(100):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.2)

    started = time.monotonic()
    with serving(drip) as url, pytest.raises(StoreError, match=r": no complete answer within 1 s$"):
        RemoteStore(url, timeout=1).query("ASK {}")
    assert time.monotonic() - started < 3


def test_a_bad_query_answer_is_a_query_error():
    with (serving(answer(400, b"Parse error: line 1\n", kind="text/plain")) as url,
          pytest.raises(QueryError, match=r"HTTP 400 Bad Request: Parse error: line 1$")):
        RemoteStore(url, timeout=10).query("ASK {}")


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "soon"])
def test_a_timeout_that_is_not_a_positive_number_is_refused(monkeypatch, value):
    monkeypatch.setenv("MFGKG_SPARQL_TIMEOUT", value)
    with pytest.raises(StoreError) as error:
        RemoteStore("http://127.0.0.1:9/sparql")
    assert str(error.value) == f"MFGKG_SPARQL_TIMEOUT={value!r}: expected a positive number of seconds"
