"""Each SHACL rule catches the broken graph made for it, with the same findings from the SPARQL
engine and from pySHACL, and the real graph passes them all."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from conftest import ROOT, sparql
from mfgkg.namespaces import SH_NS
from mfgkg.validate import run, shapes_graph

FIXTURES = yaml.safe_load((Path(__file__).parent / "fixtures" / "violations.yaml").read_text())
SHAPES = shapes_graph(ROOT / "ontology")


def rule_names(shapes: Graph) -> set[str]:
    """Named constraints: property shapes with a message, and node shapes with SPARQL."""
    names = set()
    for shape in set(shapes.subjects(SH.message, None)) | set(shapes.subjects(SH.sparql, None)):
        if isinstance(shape, URIRef) and str(shape).startswith(str(SH_NS)):
            names.add(str(shape)[len(str(SH_NS)):])
    return names


def only(shapes: Graph, name: str) -> Graph:
    """A shapes graph holding just one rule (and its node shape's targets), so a test checks it alone."""
    shape = SH_NS[name]
    out = Graph()
    out += shapes.cbd(URIRef(str(SH_NS)))
    out += shapes.cbd(shape)
    for parent in shapes.subjects(SH.property, shape):
        for p, o in shapes.predicate_objects(parent):
            if p != SH.property:
                out.add((parent, p, o))
        out.add((parent, SH.property, shape))
    return out


def test_every_rule_has_a_broken_graph():
    assert set(FIXTURES) == rule_names(SHAPES)


def test_shapes_are_well_formed():
    assert all((s, RDF.type, SH.NodeShape) in SHAPES or (s, RDF.type, SH.PropertyShape) in SHAPES
               for s in map(SH_NS.__getitem__, rule_names(SHAPES)))


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_rule_catches_its_broken_graph(graph, name):
    shapes = only(SHAPES, name)
    before = {(f.shape, f.focus) for f in run(graph, shapes).findings}
    broken = Graph()
    broken += graph
    broken.update(sparql(FIXTURES[name]))
    assert set(broken) ^ set(graph), "the fixture update changed nothing"
    fast = run(broken, shapes, "oxigraph")
    after = {(f.shape, f.focus) for f in fast.findings}
    assert name in {shape for shape, _ in after - before}
    assert fast.findings == run(broken, shapes, "pyshacl").findings


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_real_graph_has_no_violations(graph, engine):
    report = run(graph, SHAPES, engine)
    assert [f.line() for f in report.violations] == []
    assert [f.shape for f in report.warnings] == ["Institute-acronym", "Institute-acronym"]
