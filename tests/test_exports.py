"""Every export format, read back with a real reader, keeps the nodes and edges of its view."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from rdflib import Graph

from conftest import program
from test_cli import mfgkg as run_cli

VIEWS = {"funding": (51, 57), "plan": (70, 91), "partners": (362, 437), "all": (605, 857)}


def edges_of(graph: nx.DiGraph) -> set[tuple[str, str]]:
    return set(graph.edges())


@pytest.fixture(scope="module")
def views(kg):
    return {name: kg.to_networkx(name) for name in VIEWS}


def export(tmp_path, fmt: str, view: str = "all", suffix: str = "out"):
    out = tmp_path / f"{view}.{suffix}"
    result = run_cli("export", "--format", fmt, "--view", view, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_graphml_round_trip(tmp_path, views, view):
    graph = nx.read_graphml(export(tmp_path, "graphml", view, "graphml"))
    assert (graph.number_of_nodes(), graph.number_of_edges()) == VIEWS[view]
    assert edges_of(graph) == edges_of(views[view])
    lift = graph.nodes["https://w3id.org/mfgkg/id/institute/lift"] if view != "plan" else None
    if lift:
        assert (lift["name"], lift["type"], lift["colour"]) == ("LIFT", "Institute", "#0067a5")


def test_gexf_round_trip_keeps_gephi_colours(tmp_path, views):
    graph = nx.read_gexf(export(tmp_path, "gexf", "funding", "gexf"))
    assert edges_of(graph) == edges_of(views["funding"])
    dod = graph.nodes["https://w3id.org/mfgkg/id/agency/dod"]
    assert dod["viz"]["color"] == {"r": 190, "g": 0, "b": 50, "a": 1.0} and dod["viz"]["size"] == 46.0


def test_cytoscape_and_node_link_json(tmp_path, views):
    doc = json.loads(export(tmp_path, "cytoscape", "plan", "cyjs").read_text())
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    assert len(nodes) == 70 and {(e["data"]["source"], e["data"]["target"]) for e in edges} == edges_of(views["plan"])
    assert all({"id", "name", "type", "colour"} <= set(n["data"]) for n in nodes)
    graph = nx.node_link_graph(json.loads(export(tmp_path, "node-link", "plan", "json").read_text()), edges="edges")
    assert edges_of(graph) == edges_of(views["plan"])


def test_dot_and_csv(tmp_path, views):
    text = export(tmp_path, "dot", "funding", "dot").read_text()
    assert text.startswith('digraph "funding" {') and text.count(" -> ") == 57
    out = export(tmp_path, "csv", "funding", "csv")
    nodes = list(csv.DictReader(out.with_suffix(".nodes.csv").open()))
    edges = list(csv.DictReader(out.with_suffix(".edges.csv").open()))
    assert len(nodes) == 51 and {(e["source"], e["target"]) for e in edges} == edges_of(views["funding"])
    mxd = next(e for e in edges if e["target"].endswith("/mxd") and e["source"].endswith("/dod"))
    assert (mxd["relation"], mxd["federal_lower_usd"], mxd["commitments"]) == ("funds and sponsors", "100000000.0", "2")


def test_svg_through_graphviz(tmp_path):
    program("dot", "Debian's graphviz")
    root = ET.parse(export(tmp_path, "svg", "funding", "svg")).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert "https://w3id.org/mfgkg/id/institute/lift" in titles


@pytest.mark.parametrize(("fmt", "syntax"), [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_rdf_exports_parse_back_whole(tmp_path, kg, fmt, syntax):
    graph = Graph().parse(export(tmp_path, fmt, "all", fmt), format=syntax)
    assert len(graph) == len(kg)


def test_rdf_export_refuses_a_view(tmp_path):
    result = run_cli("export", "--format", "turtle", "--view", "plan", "--out", str(tmp_path / "x.ttl"))
    assert result.returncode == 2 and "RDF formats export the whole graph" in result.stderr
    assert not (tmp_path / "x.ttl").exists()
