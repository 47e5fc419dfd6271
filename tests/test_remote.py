"""A real Virtuoso server, started and stopped by the repository's script: push, remote queries,
parity with the embedded store, an interrupted push, and the errors users meet."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import mfgkg
from conftest import ROOT, program
from mfgkg.errors import QueryError, StoreError
from mfgkg.query.remote import RemoteStore, ntriples_term, with_values
from mfgkg.query.results import Term
from test_cli import mfgkg as run_cli

# One Virtuoso for the whole module: its tests stay on one test worker.
pytestmark = [pytest.mark.triplestore, pytest.mark.xdist_group("virtuoso")]

GRAPH = "https://w3id.org/mfgkg/test-graph"
CREDENTIALS = {"MFGKG_SPARQL_USER": "dba", "MFGKG_SPARQL_PASSWORD": "dba", "MFGKG_SPARQL_AUTH": "digest"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Start Virtuoso on free loopback ports with a new database; stop it by PID afterwards."""
    env = {**os.environ, "MFGKG_VIRTUOSO_DIR": str(tmp_path_factory.mktemp("virtuoso")),
           "MFGKG_VIRTUOSO_PORT": str(free_port()), "MFGKG_VIRTUOSO_SQL_PORT": str(free_port())}
    program("virtuoso-t", "Debian's virtuoso-opensource")
    program("curl", "Debian's curl")
    script = str(ROOT / "scripts" / "virtuoso.sh")
    started = subprocess.run(["bash", script, "start"], env=env, capture_output=True, text=True, timeout=600)
    assert started.returncode == 0, started.stdout + started.stderr
    base = f"http://127.0.0.1:{env['MFGKG_VIRTUOSO_PORT']}"
    try:
        yield {"endpoint": f"{base}/sparql", "update": f"{base}/sparql-auth", "dir": env["MFGKG_VIRTUOSO_DIR"]}
    finally:
        stopped = subprocess.run(["bash", script, "stop"], env=env, capture_output=True, text=True, timeout=120)
        assert stopped.returncode == 0, stopped.stderr


def push(server: dict[str, str], graph: str = GRAPH, cwd: Path = ROOT, *extra: str):
    return run_cli("push", "--endpoint", server["endpoint"], "--update-endpoint", server["update"],
                   "--graph", graph, *extra, cwd=cwd, env=CREDENTIALS)


def count(server: dict[str, str], graph: str) -> int:
    store = RemoteStore(server["endpoint"])
    answer = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(answer.rows[0][0].value)


@pytest.fixture(scope="module")
def pushed(virtuoso) -> dict[str, str]:
    result = push(virtuoso)
    assert result.returncode == 0, result.stderr
    return virtuoso


def test_push_loads_every_triple(pushed, kg):
    assert count(pushed, GRAPH) == len(kg)
    assert count(pushed, GRAPH + "/mfgkg-staging") == 0


def test_push_again_is_idempotent(pushed, kg):
    result = push(pushed)
    assert result.returncode == 0
    assert result.stdout.strip() == f"graph <{GRAPH}> now holds {len(kg)} triples"
    assert count(pushed, GRAPH) == len(kg)


def test_every_saved_query_gives_the_same_rows_on_virtuoso(pushed, kg):
    remote = mfgkg.load(endpoint=pushed["endpoint"], graph=GRAPH)
    runs = 0
    for query in kg.queries:
        required = {p.name: p.example for p in query.parameters if p.required}
        variants = [required, query.example_params()]
        variants += [{**required, p.name: p.example} for p in query.parameters if not p.required]
        for params in variants:
            here, there = kg.run(query.name, params).result, remote.run(query.name, params).result
            assert there.columns == here.columns
            assert there.records() == here.records(), (query.name, params)
            runs += 1
    assert runs == 72  # 22 queries: required values, all examples, and each optional parameter alone


def test_remote_cli_query_and_sparql(pushed):
    args = ["--endpoint", pushed["endpoint"], "--graph", GRAPH]
    csv_remote = run_cli("query", "who-funds-what", "-p", "agency=DOE", "--format", "csv", *args)
    assert csv_remote.returncode == 0, csv_remote.stderr
    assert csv_remote.stdout == run_cli("query", "who-funds-what", "-p", "agency=DOE", "--format", "csv").stdout
    construct = run_cli("sparql", "CONSTRUCT { ?i mfg:sponsor ?a } WHERE { ?i mfg:sponsor ?a }", *args)
    assert construct.returncode == 0, construct.stderr
    remote_graph = Graph().parse(data=construct.stdout, format="turtle")
    local = run_cli("sparql", "CONSTRUCT { ?i mfg:sponsor ?a } WHERE { ?i mfg:sponsor ?a }").stdout
    assert len(remote_graph) == 19 and isomorphic(remote_graph, Graph().parse(data=local, format="turtle"))
    assert "mfg:sponsor" in construct.stdout
    ask = run_cli("sparql", 'ASK { ?i mfg:commonName "LIFT"@en }', *args)
    assert ask.stdout == "true\n"


def test_remote_dataframes_and_hostile_values(pushed):
    remote = mfgkg.load(endpoint=pushed["endpoint"], graph=GRAPH)
    assert sorted(remote.query("institutes", agency="DOE")["institute"]) == [
        "CESMII", "CyManII", "EPIXC", "IACMI - The Composites Institute", "PowerAmerica",
        "RAPID Manufacturing Institute", "REMADE Institute"]
    for hostile in ['"} ; DROP ALL ; {', "x\" } } INSERT DATA { <a> <b> <c> } #", "\\\" ) }", "line\nbreak"]:
        answered = remote.run("who-funds-what", {"agency": hostile})
        assert len(answered.result) == 0 and answered.unmatched
    assert count(pushed, GRAPH) == len(mfgkg.load())


def test_interrupted_push_leaves_the_previous_graph(pushed, seed_copy, kg):
    graph = GRAPH + "/interrupted"
    assert push(pushed, graph).returncode == 0
    before = count(pushed, graph)
    agencies = seed_copy / "seeds" / "agencies.yaml"
    agencies.write_text(agencies.read_text().replace("label: Department of Energy", "label: Dept. of Energy", 1))
    staging = graph + "/mfgkg-staging"
    process = subprocess.Popen(
        [sys.executable, "-m", "mfgkg", "push", "--endpoint", pushed["endpoint"],
         "--update-endpoint", pushed["update"], "--graph", graph, "--batch-size", "25"],
        cwd=seed_copy, env={**os.environ, **CREDENTIALS}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while count(pushed, staging) < 500 and time.time() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert 0 < count(pushed, staging) < before
    assert count(pushed, graph) == before
    remote = mfgkg.load(endpoint=pushed["endpoint"], graph=graph)
    assert remote.run_sparql('ASK { ?a rdfs:label "Department of Energy"@en }').value
    finished = push(pushed, graph, seed_copy)
    assert finished.returncode == 0, finished.stderr
    assert count(pushed, staging) == 0
    assert remote.run_sparql('ASK { ?a rdfs:label "Dept. of Energy"@en }').value


def test_unreachable_host_and_bad_credentials(virtuoso):
    closed = f"http://127.0.0.1:{free_port()}/sparql"
    result = run_cli("query", "institutes", "--endpoint", closed)
    assert result.returncode == 2 and result.stderr.startswith(f"error: {closed}: unreachable")
    wrong = run_cli("push", "--endpoint", virtuoso["update"], "--graph", GRAPH,
                    env={**CREDENTIALS, "MFGKG_SPARQL_PASSWORD": "wrong"})
    assert wrong.returncode == 2
    assert wrong.stderr.splitlines()[-1].startswith(f"error: {virtuoso['update']}: HTTP 401 ")
    assert "(check MFGKG_SPARQL_USER, MFGKG_SPARQL_PASSWORD, MFGKG_SPARQL_AUTH)" in wrong.stderr.splitlines()[-1]
    anonymous = run_cli("push", "--endpoint", virtuoso["endpoint"], "--graph", GRAPH)
    assert anonymous.returncode == 2 and "No permission" in anonymous.stderr.splitlines()[-1]
    missing = run_cli("sparql", "ASK {}", "--endpoint", virtuoso["endpoint"].replace("/sparql", "/nothing"))
    assert missing.returncode == 2 and ": HTTP 404 File not found: The requested URL was not found" in missing.stderr


def test_silent_server_times_out():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        accepted: list[socket.socket] = []
        thread = threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True)
        thread.start()
        store = RemoteStore(f"http://127.0.0.1:{port}/sparql", timeout=1)
        started = time.perf_counter()
        with pytest.raises(StoreError, match=r"no complete answer within 1 s"):
            store.query("ASK {}")
        assert time.perf_counter() - started < 10
        for conn in accepted:
            conn.close()


def test_bound_terms_are_escaped():
    assert ntriples_term(Term("literal", 'a "quoted" \\ value\nnext')) == '"a \\"quoted\\" \\\\ value\\nnext"'
    assert ntriples_term(Term("literal", "2016", "http://www.w3.org/2001/XMLSchema#integer")) == (
        '"2016"^^<http://www.w3.org/2001/XMLSchema#integer>')
    with pytest.raises(QueryError):
        ntriples_term(Term("uri", "http://x> } DROP ALL { <y"))
    text = with_values("# WHERE { in a comment\nSELECT ?x ?param_a WHERE { ?x ?p ?o }", {"param_a": Term("uri", "http://a")})
    assert "WHERE {\n  VALUES (?param_a) { (<http://a>) }\n ?x ?p ?o }" in text


def test_a_refused_digest_login_is_one_line_on_every_python():
    """Regression: Python before 3.11.4 gives the 401 urllib raises itself, after digest auth fails, a
    text (not bytes) body, and reading it crashed `push` with a traceback instead of one line."""
    import io
    from email.message import Message
    from urllib.error import HTTPError

    from mfgkg.query.sparql_client import _http_error

    for body in (io.StringIO(), io.BytesIO(b"<html>\nAccess denied\n")):
        error = _http_error("http://127.0.0.1:1/sparql-auth",
                            HTTPError("http://127.0.0.1:1/sparql-auth", 401, "digest auth failed", Message(), body))
        assert str(error).startswith("http://127.0.0.1:1/sparql-auth: HTTP 401 digest auth failed (check "
                                     "MFGKG_SPARQL_USER, MFGKG_SPARQL_PASSWORD, MFGKG_SPARQL_AUTH)")
    assert str(error).endswith(": Access denied")
