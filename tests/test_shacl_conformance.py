"""The compiled SHACL engine against the W3C SHACL test suite, pySHACL, and its own regressions.

- Every case of the official suite: the compiled engine passes it or refuses the shapes by name,
  never a wrong answer or a crash (the suite is read from outside the repository; see
  `mfgkg.shapes.conformance.locate`).
- Where it answers, its standard sh:ValidationReport is isomorphic to the one written from
  pySHACL's results.
- A differential test: small random shapes and data graphs, the compiled engine against pySHACL
  and pyshifty (an independent engine written in Rust).
"""

from __future__ import annotations

import logging
import warnings
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, Namespace
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SH, XSD

from conftest import ROOT
from mfgkg.shapes.compiler import LiteralsRewritten, ShapeError
from mfgkg.shapes.conformance import answer, cases, locate, run_case
from mfgkg.shapes.report import report_turtle
from mfgkg.shapes.validate import oxigraph_copy, pyshacl_results, run, sparql_results, verbatim

SUITE = locate(ROOT)
CASES = cases(SUITE) if SUITE else []
EX = Namespace("http://example.org/")
# Examples per run of the differential test: what the CI machine affords beside everything else.
DIFFERENTIAL_EXAMPLES = 300


@pytest.fixture(autouse=True)
def quiet():
    """rdflib and pySHACL log every ill-typed literal the suite holds on purpose."""
    logging.disable(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
    logging.disable(logging.NOTSET)


def test_the_suite_is_found():
    assert SUITE is not None, "no copy of the W3C SHACL test suite: run bash scripts/setup.sh"
    assert len(CASES) >= 120


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_compiled_engine_passes_or_refuses_by_name(case):
    outcome = run_case(case, "oxigraph")
    assert outcome.verdict in ("pass", "refused"), f"{outcome.verdict}: {outcome.detail}"
    if outcome.verdict == "refused":
        assert outcome.detail.startswith(("shape ", "the data holds ")), outcome.detail


def _without_messages(turtle: bytes) -> Graph:
    graph = Graph().parse(data=turtle, format="turtle")
    graph.remove((None, SH.resultMessage, None))  # pySHACL writes a message where the shape gives none
    return graph


@pytest.mark.reference
@pytest.mark.parametrize("case", [c for c in CASES if not c.failure], ids=lambda case: case.name)
def test_the_standard_report_matches_pyshacls(case):
    if run_case(case, "oxigraph").verdict != "pass" or run_case(case, "pyshacl").verdict != "pass":
        return  # refused by the compiled engine, or a case pySHACL gets wrong: nothing to compare
    with verbatim():
        data = Graph().parse(case.data, format="turtle")
        shapes = data if case.shapes == case.data else Graph().parse(case.shapes, format="turtle")
        compiled = report_turtle(sparql_results(oxigraph_copy(data), shapes), shapes)
        reference = report_turtle(pyshacl_results(data, shapes), shapes)
    assert isomorphic(_without_messages(compiled), _without_messages(reference))


# ---- regressions from the suite, on small graphs of our own ----------------------------------

def _graph(text: str) -> Graph:
    with verbatim():
        return Graph().parse(data="@prefix ex: <http://example.org/> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                                  "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
                                  "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n" + text, format="turtle")


def _results(data: str, shapes: str) -> list[tuple[str, str, str]]:
    report = run(_graph(data), _graph(shapes), "oxigraph")
    return sorted((r.focus.value, r.component.rsplit("#", 1)[-1], r.value.value if r.value else "")
                  for r in report.results)


def test_each_value_of_a_parameter_is_its_own_constraint():
    """Regression (W3C core/node/class-003): two sh:class values on one shape give a node that is
    neither class two results, one per constraint; they were merged into one."""
    shapes = "ex:S a sh:NodeShape ; sh:targetNode ex:x , ex:y ; sh:class ex:A , ex:B ."
    data = "ex:y a ex:A ."
    assert _results(data, shapes) == [
        ("http://example.org/x", "ClassConstraintComponent", "http://example.org/x"),
        ("http://example.org/x", "ClassConstraintComponent", "http://example.org/x"),
        ("http://example.org/y", "ClassConstraintComponent", "http://example.org/y")]


def test_unique_lang_reports_each_shared_tag():
    """Regression (W3C core/property/uniqueLang-001): one result per language tag used twice."""
    shapes = "ex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:property [ sh:path ex:p ; sh:uniqueLang true ] ."
    data = 'ex:x ex:p "a"@en , "b"@en , "c"@de , "d"@de , "e"@fr , "f" , "g" .'
    assert _results(data, shapes) == [("http://example.org/x", "UniqueLangConstraintComponent", "")] * 2


def test_only_the_literal_true_switches_a_boolean_parameter_on():
    """Regression (W3C core/property/uniqueLang-002): "1"^^xsd:boolean, read as written, is not
    the literal true, so sh:uniqueLang stays off."""
    shapes = ('ex:S a sh:NodeShape ; sh:targetNode ex:x ; '
              'sh:property [ sh:path ex:p ; sh:uniqueLang "1"^^xsd:boolean ] .')
    assert _results('ex:x ex:p "a"@en , "b"@en .', shapes) == []


def test_prefixes_are_read_through_owl_imports():
    """Regression (W3C sparql/node/prefixes-001): a prefix declared on an imported ontology."""
    shapes = """
    ex:base sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
    ex:decl owl:imports ex:base .
    ex:S a sh:NodeShape ; sh:targetNode ex:x ;
      sh:sparql [ sh:prefixes ex:decl ; sh:select "SELECT $this ?value WHERE { $this ex:p ?value }" ] ."""
    assert _results("ex:x ex:p ex:v .", shapes) == [("http://example.org/x", "SPARQLConstraintComponent",
                                                     "http://example.org/v")]


def test_an_ill_typed_literal_is_checked_as_written():
    """Regression (W3C core/property/or-datatypes-001): rdflib reads "none"^^xsd:boolean as
    "false" unless told to keep literals as written; read so, it fails sh:datatype, and a graph
    read the other way is refused by name instead of answered wrongly."""
    shapes = "ex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:property [ sh:path ex:p ; sh:datatype xsd:boolean ] ."
    data = 'ex:x ex:p "none"^^xsd:boolean .'
    assert _results(data, shapes) == [("http://example.org/x", "DatatypeConstraintComponent", "none")]
    normalised = Graph().parse(data="@prefix ex: <http://example.org/> .\n@prefix xsd: <http://www.w3.org/2001/"
                                    "XMLSchema#> .\n" + data, format="turtle")
    with pytest.raises(LiteralsRewritten, match="an ill-typed literal rdflib read as well-typed"):
        run(normalised, _graph(shapes), "oxigraph")


# ---- differential test against pySHACL ------------------------------------------------------

NODES = [EX.a, EX.b, EX.c, EX.d]
VALUES = [*NODES, Literal(1), Literal(2), Literal("x"), Literal("xy", lang="en"), Literal("y", lang="en"),
          Literal("y", lang="fr"), Literal(True), Literal(Decimal("2.5")), BNode("blank")]
PATHS = ["p", "inverse", "sequence", "alternative", "zeroOrMore", "oneOrMore", "zeroOrOne"]
DATATYPES = [XSD.integer, XSD.string, RDF.langString, XSD.boolean, XSD.decimal]


def _path(shapes: Graph, kind: str) -> object:
    if kind == "p":
        return EX.p
    node = BNode()
    if kind in ("sequence", "alternative"):
        steps = BNode()
        Collection(shapes, steps, [EX.p, EX.q])
        if kind == "sequence":
            return steps
        shapes.add((node, SH.alternativePath, steps))
    else:
        shapes.add((node, SH[f"{kind}Path"] if kind != "inverse" else SH.inversePath, EX.p))
    return node


def _constraint(shapes: Graph, shape: object, choice: tuple, on_property: bool) -> None:
    name, arg = choice
    if name in ("minCount", "maxCount", "hasValue", "uniqueLang") and not on_property:
        name, arg = "class", 0
    if name in ("minCount", "maxCount", "minLength", "maxLength"):
        shapes.add((shape, SH[name], Literal(arg)))
    elif name == "hasValue":
        value = VALUES[arg]
        if not isinstance(value, BNode):
            shapes.add((shape, SH.hasValue, value))
    elif name == "uniqueLang":
        shapes.add((shape, SH.uniqueLang, Literal(True)))
    elif name == "class":
        shapes.add((shape, SH["class"], [EX.C, EX.D][arg % 2]))
    elif name == "datatype":
        shapes.add((shape, SH.datatype, DATATYPES[arg % len(DATATYPES)]))
    elif name == "nodeKind":
        shapes.add((shape, SH.nodeKind, [SH.IRI, SH.Literal, SH.BlankNodeOrIRI, SH.BlankNode][arg % 4]))
    elif name == "in":
        members = BNode()
        Collection(shapes, members, [v for v in VALUES[arg % 5:arg % 5 + 3] if not isinstance(v, BNode)])
        shapes.add((shape, SH["in"], members))
    elif name in ("minInclusive", "maxExclusive"):
        shapes.add((shape, SH[name], Literal(2)))
    elif name == "pattern":
        shapes.add((shape, SH.pattern, Literal(["^x", "y$", "b"][arg % 3])))
    elif name == "languageIn":
        members = BNode()
        Collection(shapes, members, [Literal("en")])
        shapes.add((shape, SH.languageIn, members))
    elif name in ("or", "xone"):
        members = []
        for datatype in (DATATYPES[arg % 5], DATATYPES[(arg + 1) % 5]):
            member = BNode()
            shapes.add((member, SH.datatype, datatype))
            members.append(member)
        head = BNode()
        Collection(shapes, head, members)
        shapes.add((shape, SH[name], head))
    elif name == "not":
        member = BNode()
        shapes.add((member, SH["class"], EX.C))
        shapes.add((shape, SH["not"], member))


CONSTRAINTS = st.tuples(st.sampled_from(["minCount", "maxCount", "hasValue", "uniqueLang", "class", "datatype",
                                         "nodeKind", "in", "minInclusive", "maxExclusive", "minLength",
                                         "maxLength", "pattern", "languageIn", "or", "xone", "not"]),
                        st.integers(min_value=0, max_value=len(VALUES) - 1))
TRIPLES = st.lists(st.tuples(st.sampled_from(NODES), st.sampled_from([EX.p, EX.q, RDF.type]),
                             st.integers(min_value=0, max_value=len(VALUES) - 1)), max_size=12)


@st.composite
def cases_to_compare(draw) -> tuple[Graph, Graph]:
    """A data graph and a shapes graph with one node shape, and maybe one property shape."""
    data = Graph()
    for subject, predicate, index in draw(TRIPLES):
        data.add((subject, predicate, [EX.C, EX.D][index % 2] if predicate == RDF.type else VALUES[index]))
    if draw(st.booleans()):
        data.add((EX.D, RDFS.subClassOf, EX.C))
    shapes = Graph()
    shape = EX.S
    shapes.add((shape, RDF.type, SH.NodeShape))
    target = draw(st.sampled_from(["class", "node", "subjectsOf", "objectsOf"]))
    if target == "class":
        shapes.add((shape, SH.targetClass, EX.C))
    elif target == "node":
        for node in draw(st.lists(st.sampled_from(NODES), min_size=1, max_size=2)):
            shapes.add((shape, SH.targetNode, node))
    else:
        shapes.add((shape, SH[f"target{target[0].upper()}{target[1:]}"], EX.p if target == "subjectsOf" else EX.q))
    constrained, on_property = shape, draw(st.booleans())
    if on_property:
        constrained = BNode()
        shapes.add((shape, SH.property, constrained))
        shapes.add((constrained, SH.path, _path(shapes, draw(st.sampled_from(PATHS)))))
    for choice in draw(st.lists(CONSTRAINTS, min_size=1, max_size=3)):
        _constraint(shapes, constrained, choice, on_property)
    if draw(st.booleans()):
        shapes.add((constrained, SH.severity, SH.Warning))
    return data, shapes


def pyshacl_differs_from_sparql(data: Graph, shapes: Graph) -> bool:
    """Cases where pySHACL departs from the SPARQL operators SHACL defines its components by, so
    the compiled engine is right to differ:

    - pySHACL orders booleans among numbers (Python's True < 2), where SPARQL's comparison fails
      and so reports the value;
    - pySHACL skips sh:minLength 0, where SHACL reports every blank-node value.
    """
    ranges = any(shapes.triples((None, SH[name], None)) for name in ("minInclusive", "maxExclusive"))
    booleans = any(isinstance(o, Literal) and o.datatype == XSD.boolean for o in data.objects())
    blank_values = any(isinstance(o, BNode) for o in data.objects())
    return (ranges and booleans) or ((None, SH.minLength, Literal(0)) in shapes and blank_values)


@pytest.mark.reference
@settings(max_examples=DIFFERENTIAL_EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(cases_to_compare())
def test_the_compiled_engine_agrees_with_two_other_engines_on_random_graphs(pair):
    """pyshifty always; pySHACL except where it departs from SHACL's SPARQL definitions (pyshifty
    then agrees with the compiled engine)."""
    data, shapes = pair
    try:
        compiled = answer("oxigraph", data, shapes)
    except ShapeError:
        return  # a refusal by name is allowed; a wrong answer is not
    example = data.serialize(format="turtle") + "\n" + shapes.serialize(format="turtle")
    assert compiled == answer("shifty", data, shapes), example
    if not pyshacl_differs_from_sparql(data, shapes):
        assert compiled == answer("pyshacl", data, shapes), example
