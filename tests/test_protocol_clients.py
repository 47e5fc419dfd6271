"""`mfgkg serve` as real SPARQL clients see it: SPARQLWrapper with every return format and query
form (GET and POST), rdflib's SPARQLStore for SELECT, ASK, CONSTRUCT and triples(), and the saved
queries running unchanged against Oxigraph's own read-only server on the same data."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, RDF, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from conftest import ROOT, program, start, stop
from mfgkg.data import cache

MFG = "https://w3id.org/mfgkg/ontology#"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?i a <{MFG}Institute> }}"
ASK_LIFT = f'ASK {{ ?i <{MFG}commonName> "LIFT"@en }}'
SPONSORS = f"CONSTRUCT {{ ?i <{MFG}sponsor> ?a }} WHERE {{ ?i <{MFG}sponsor> ?a }}"
DESCRIBE = "DESCRIBE <https://w3id.org/mfgkg/id/agency/doe>"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    process, url = start("--workers", "2")
    try:
        yield url + "sparql"
    finally:
        stop(process)


def wrapper(url: str, query: str, fmt: str, method: str) -> SPARQLWrapper:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


def cells(converted: object, fmt: str) -> list[str]:
    """The values of the first column, whatever the return format gave back."""
    if fmt == JSON:
        doc = converted
        return [next(iter(row.values()))["value"] for row in doc["results"]["bindings"]]  # type: ignore[index]
    if fmt == XML:
        return [node.firstChild.data for node in converted.getElementsByTagName("literal")]  # type: ignore[attr-defined]
    lines = converted.decode("utf-8").strip().splitlines()  # type: ignore[attr-defined]
    return [line.split("^^")[0].strip('"') for line in lines[1:]]


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_in_every_results_format(endpoint, fmt, method):
    assert cells(wrapper(endpoint, COUNT, fmt, method).query().convert(), fmt) == ["19"]


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_ask_in_every_results_format(endpoint, fmt, method):
    converted = wrapper(endpoint, ASK_LIFT, fmt, method).query().convert()
    if fmt == JSON:
        assert converted["boolean"] is True
    elif fmt == XML:
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
    else:
        assert converted.decode("utf-8").strip() == "true"


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [XML, RDF, RDFXML, TURTLE, N3, JSONLD])
@pytest.mark.parametrize(("query", "size"), [(SPONSORS, 19), (DESCRIBE, None)])
def test_sparqlwrapper_graphs_in_every_rdf_format(endpoint, fmt, method, query, size):
    converted = wrapper(endpoint, query, fmt, method).query().convert()
    graph = converted if isinstance(converted, Graph) else Graph().parse(data=converted, format="turtle")
    if size is not None:
        assert len(graph) == size
    else:
        assert (URIRef("https://w3id.org/mfgkg/id/agency/doe"), None, None) in graph and len(graph) > 5


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
@pytest.mark.parametrize("results", ["xml", "json"])
def test_rdflib_sparqlstore_select_ask_construct_and_triples(endpoint, results, method):
    graph = Graph(store=SPARQLStore(endpoint, returnFormat=results, method=method))
    assert [str(row[0]) for row in graph.query(COUNT)] == ["19"]
    assert graph.query(ASK_LIFT).askAnswer is True
    assert len(graph.query(SPONSORS).graph) == 19
    sponsors = list(graph.triples((None, URIRef(MFG + "sponsor"), None)))
    assert len(sponsors) == 19


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory) -> Iterator[str]:
    """`oxigraph serve-read-only` (PyPI: oxigraph) over the same N-Triples, on a free loopback port."""
    binary = program("oxigraph", "the oxigraph server, from PyPI in the dev extra")
    location = tmp_path_factory.mktemp("oxigraph-store")
    source = cache.cached_graph(ROOT / "seeds", ROOT / "ontology")
    subprocess.run([binary, "load", "--location", str(location), "--file", str(source)], check=True,
                   capture_output=True, timeout=120)
    port = free_port()
    server = subprocess.Popen([binary, "serve-read-only", "--location", str(location), "--bind",
                               f"127.0.0.1:{port}", "--timeout-s", "30"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=5).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_saved_queries_run_unchanged_on_oxigraphs_own_server(kg, oxigraph_server):
    """Every saved query with its example parameters gives the same rows there as here."""
    from mfgkg import load

    remote = load(endpoint=oxigraph_server)
    for saved in kg.queries:
        params = saved.example_params()
        assert remote.run(saved.name, params).result == kg.run(saved.name, params).result, saved.name


def test_ad_hoc_answers_match_oxigraphs_own_server(endpoint, oxigraph_server):
    def first(url: str, query: str) -> object:
        client = wrapper(url, query, JSON, POST)
        return json.loads(client.query().response.read())

    assert first(endpoint, COUNT)["results"]["bindings"] == first(oxigraph_server, COUNT)["results"]["bindings"]
    assert first(endpoint, ASK_LIFT)["boolean"] == first(oxigraph_server, ASK_LIFT)["boolean"] is True
