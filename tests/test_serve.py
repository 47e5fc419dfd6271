"""`mfgkg serve` end to end: the SPARQL Protocol over real HTTP on loopback, limits, refusals, and
the query page in headless Chromium."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from rdflib import Graph

from conftest import ROOT, chromium, request, start, stop, watched_page

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?i a mfg:Institute }"
SERVED_AS = "https://example.org/mfgkg"
SPONSORS = "CONSTRUCT { ?i mfg:sponsor ?a } WHERE { ?i mfg:sponsor ?a }"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    process, url = start("--max-rows", "100", "--time-limit", "5", "--graph-name", SERVED_AS)
    try:
        yield url
    finally:
        stop(process)


def test_get_answers_sparql_json_by_default(server):
    status, kind, body = request(server, query=COUNT)
    assert status == 200 and kind.startswith("application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "19"


@pytest.mark.parametrize(("accept", "media"), [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/html;q=0.9, text/csv;q=0.5", "text/csv"),
    ("*/*", "application/sparql-results+json"),
])
def test_content_negotiation_for_rows(server, accept, media):
    status, kind, body = request(server, query=COUNT, accept=accept)
    assert status == 200 and kind.startswith(media)
    if media.endswith("xml"):
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        assert ET.fromstring(body).find("r:results/r:result/r:binding/r:literal", ns).text == "19"
    elif media == "text/csv":
        assert body == "n\r\n19\r\n"
    elif media == "text/tab-separated-values":
        assert body == "?n\n19\n"


@pytest.mark.parametrize(("accept", "syntax"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                                ("application/n-triples", "nt")])
def test_graphs_in_turtle_json_ld_and_n_triples(server, accept, syntax):
    status, kind, body = request(server, query=SPONSORS, accept=accept)
    assert status == 200 and kind.startswith(accept)
    assert len(Graph().parse(data=body, format=syntax)) == 19


def test_post_form_and_query_body_and_format_parameter(server):
    form = urllib.parse.urlencode({"query": COUNT}).encode()
    assert json.loads(request(server, data=form, content_type="application/x-www-form-urlencoded")[2])
    status, _, body = request(server, data=COUNT.encode(), content_type="application/sparql-query",
                              params={"format": "csv"})
    assert status == 200 and body == "n\r\n19\r\n"
    status, _, body = request(server, query='ASK { ?i mfg:commonName "LIFT"@en }')
    assert json.loads(body) == {"head": {}, "boolean": True}


@pytest.mark.parametrize(("kwargs", "status", "message"), [
    ({"query": "DROP ALL"}, 403, "read-only"),
    ({"query": "PREFIX x: <http://x/> INSERT DATA { x:a x:b x:c }"}, 403, "read-only"),
    ({"params": {"update": "DROP ALL"}}, 403, "read-only"),
    ({"data": b"CLEAR ALL", "content_type": "application/sparql-update"}, 403, "read-only"),
    ({"query": "SELECT ?x WHERE { ?x"}, 400, "SPARQL syntax error"),
    ({"query": ""}, 400, "missing query"),
    ({"query": "SELECT * WHERE { ?s ?p ?o }"}, 413, "more than 100 rows"),
    ({"query": COUNT, "accept": "image/png"}, 406, "offered: application/sparql-results+json"),
    ({"data": b"query", "content_type": "text/plain"}, 415, "application/sparql-query"),
    ({"method": "PUT", "data": b""}, 405, "use GET or POST"),
])
def test_refusals_are_clear_and_the_server_keeps_serving(server, kwargs, status, message):
    got, kind, body = request(server, **kwargs)
    assert got == status and kind.startswith("text/plain") and message in body
    assert request(server, query=COUNT)[0] == 200


def test_head_answers_like_get_without_a_body_and_the_server_header_names_no_python(server):
    assert request(server, "nothing", method="HEAD")[:2] == (404, "text/plain; charset=utf-8")
    status, kind, body = request(server, query=COUNT, method="HEAD")
    assert (status, body) == (200, "") and kind.startswith("application/sparql-results+json")
    with urllib.request.urlopen(urllib.request.Request(server, method="HEAD"), timeout=60) as response:
        assert response.headers["Server"] == "mfgkg"
        assert response.headers["Content-Type"] == "text/html; charset=utf-8" and response.read() == b""


def test_an_idle_connection_is_closed_by_the_server(kg):
    import socket
    import threading

    from mfgkg.publish.serve import ServeSettings, make_server

    httpd = make_server(kg, port=0, settings=ServeSettings(workers=1, idle_timeout=0.5))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(httpd.server_address[:2], timeout=10) as idle:
            assert idle.recv(1) == b""  # closed by the server after half a second of silence
        answer = request(f"http://127.0.0.1:{httpd.server_address[1]}/", query=COUNT)
        assert answer[0] == 200, answer
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_default_graph_uri_names_the_dataset(server):
    """The served graph answers under its --graph-name; any other graph named by the client is empty."""
    def count(**params: str) -> str:
        body = request(server, query=COUNT, params=params)[2]
        return json.loads(body)["results"]["bindings"][0]["n"]["value"]

    assert count(**{"default-graph-uri": SERVED_AS}) == "19"
    assert count(**{"default-graph-uri": "http://example.org/elsewhere"}) == "0"
    assert count(**{"named-graph-uri": "http://example.org/elsewhere"}) == "0"  # as FROM NAMED without FROM


def test_unknown_page_is_404(server):
    assert request(server, "nothing")[0] == 404


def test_saved_queries_are_runnable_examples(server):
    status, _, body = request(server, "queries")
    items = {item["name"]: item for item in json.loads(body)}
    assert status == 200 and len(items) == len(list((ROOT / "queries").glob("*.rq")))
    example = items["who-funds-what"]
    assert {p["name"]: p["example"] for p in example["parameters"]} == {
        "agency": "DoD", "technology": "bioindustrial manufacturing", "institute": "BioMADE"}
    rows = json.loads(request(server, query=example["sparql"])[2])["results"]["bindings"]
    assert [r["amount"]["value"] for r in rows] == ["87500000", "87000000", "500000000", "450000000"]


def test_time_limit_answers_503_and_keeps_serving():
    process, url = start("--time-limit", "0.5", "--max-rows", "10")
    try:
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a a ?b . ?c a ?d . ?e a ?f }"
        status, _, body = request(url, query=slow)
        assert status == 503 and "time limit" in body
        assert request(url, query=COUNT)[0] == 200
    finally:
        stop(process)


@pytest.mark.browser
def test_query_page_runs_an_example_in_chromium(server, tmp_path):
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        page = watched_page(browser, errors, bypass_csp=True)  # wait_for_function evaluates strings
        page.goto(server)
        page.wait_for_function("document.querySelectorAll('#saved option').length > 1")
        page.select_option("#saved", label="Technology landscape")
        page.wait_for_function("document.querySelectorAll('#results tbody tr').length > 0")
        assert page.locator("#status").inner_text() == "23 rows"
        assert page.locator("#results tbody tr").first.locator("td").first.inner_text() == (
            "Digital manufacturing")
        assert errors == []
        page.select_option("#saved", "institutes")
        page.wait_for_function("document.querySelector('#status').textContent.endsWith('rows')"
                               " || document.querySelector('#status').textContent.endsWith('row')")
        headers = page.locator("#results thead th").all_inner_texts()
        assert headers[:2] == ["institute", "name"] and not any(h.startswith("param_") for h in headers)
        page.fill("#query", "SELECT (87500000 AS ?amount) (0.4487 AS ?share) WHERE {}")
        page.click("#run")
        page.wait_for_function("document.querySelector('#status').textContent === '1 row'")
        cells = page.locator("#results tbody td")
        assert cells.all_inner_texts() == ["$87,500,000", "0.449"]  # an amount: US dollars
        assert cells.first.get_attribute("title") == "datatype: xsd:integer"
        page.fill("#query", "SELECT ?x WHERE {")
        page.click("#run")
        page.wait_for_selector("#error:not([hidden])")
        assert page.locator("#error").inner_text().startswith("400: SPARQL syntax error")
        page.screenshot(path=str(tmp_path / "query-page.png"))
        browser.close()
    assert len(errors) == 1 and "400" in errors[0]
    assert (tmp_path / "query-page.png").stat().st_size > 10_000


def test_busy_port_is_one_line_and_exit_2(server):
    port = urllib.parse.urlsplit(server).port
    result = subprocess.run([sys.executable, "-m", "mfgkg", "serve", "--port", str(port)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}") and result.stderr.count("\n") == 1
