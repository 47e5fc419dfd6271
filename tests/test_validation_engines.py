"""The SPARQL validation engine finds exactly what pySHACL finds, and stays exact on large graphs.

Known violations are planted in synthetic graphs (tests/fixtures/planted.yaml): at 50,000 triples
both engines must report exactly the planted (shape, focus) pairs with identical findings; at
200,000 triples, too slow for pySHACL, the SPARQL engine must still report exactly those pairs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from rdflib import Graph

from conftest import ROOT, sparql
from mfgkg.data import cache
from mfgkg.data.synth import grow
from mfgkg.query.stores import OxigraphStore
from mfgkg.shapes.compiler import ShapeError, compile_shapes
from mfgkg.shapes.validate import run, shapes_graph

PLANTED = yaml.safe_load((Path(__file__).parent / "fixtures" / "planted.yaml").read_text())
SYNTH = "https://w3id.org/mfgkg/id/"  # synthetic entities live beside real ones, named synthetic-...
SYNTH_TERM = re.compile(r"synth:([\w/.-]*\w)")
SHAPES = shapes_graph(ROOT / "ontology")


def expand(text: str) -> str:
    """SPARQL text with ``synth:kind/N`` written out as a full IRI."""
    return SYNTH_TERM.sub(lambda m: f"<{SYNTH}{m.group(1)}>", text)


def iri(focus: str) -> str:
    return SYNTH + focus.removeprefix("synth:")


def planted_graph(size: int, out: Path) -> Path:
    """A synthetic graph of ``size`` triples with every planted violation, as N-Triples."""
    store = ox.Store()
    store.load(input=grow(cache.cached_graph(ROOT / "seeds", ROOT / "ontology"), size, 11).encode(),
               format=ox.RdfFormat.N_TRIPLES)
    for plant in PLANTED:
        before = len(store)
        snapshot = set(store.quads_for_pattern(ox.NamedNode(iri(plant["focus"])), None, None))
        store.update(expand(sparql(plant["update"])))
        after = set(store.quads_for_pattern(ox.NamedNode(iri(plant["focus"])), None, None))
        assert snapshot != after or len(store) != before, f"planting {plant['shape']} changed nothing"
    store.dump(str(out), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return out


def expected() -> set[tuple[str, str]]:
    return {(plant["shape"], iri(plant["focus"])) for plant in PLANTED}


def found(report) -> set[tuple[str, str]]:
    return {(f.shape, f.focus) for f in report.violations}


@pytest.fixture(scope="session")
def small(tmp_path_factory) -> Path:
    return planted_graph(50_000, tmp_path_factory.mktemp("planted") / "planted-50k.nt")


def test_the_fast_engine_finds_exactly_the_planted_violations(small):
    assert found(run(OxigraphStore(small), SHAPES, "oxigraph")) == expected()


@pytest.mark.slow
def test_planted_violations_are_found_exactly_at_200k_triples(tmp_path):
    store = OxigraphStore(planted_graph(200_000, tmp_path / "planted-200k.nt"))
    assert len(store) > 200_000
    report = run(store, SHAPES, "oxigraph")
    assert found(report) == expected()
    by_focus = {f.focus: f for f in report.violations if f.shape == "Project-participant"}
    assert by_focus[f"{SYNTH}project/synthetic-project-0000004"].value == "id:agency/dod"


def test_messages_fill_in_the_offending_value(small):
    report = run(OxigraphStore(small), SHAPES, "oxigraph")
    [period] = [f for f in report.violations if f.shape == "FundingCommitment-period"]
    assert period.label == "synthetic-award-0000010: award"
    assert period.message == "A commitment's end year must not be before its start year."


def unsupported(extra: str) -> Graph:
    text = sparql(f"""PREFIX sh: <http://www.w3.org/ns/shacl#>
        INSERT DATA {{ <urn:s> a sh:NodeShape ; sh:targetClass mfg:Institute ; {extra} . }}""")
    shapes = Graph()
    shapes.update(text)
    return shapes


@pytest.mark.parametrize("extra, feature", [
    ("sh:closed true", "closed"),
    ("sh:node <urn:other>", "node"),
    ("sh:minCount 1", "need a property shape"),
    ("sh:path rdfs:label ; sh:property [ sh:path rdfs:comment ]", "nested property shapes"),
    ('sh:property [ sh:path rdfs:label ; sh:pattern "^(?!X)" ]', "lookaround"),
    ("sh:property [ sh:path rdfs:label ; sh:in ( [] ) ]", "blank node"),
    ("sh:property [ sh:path rdfs:label ; sh:minCount 1.5 ]", "non-negative integer"),
    ('sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o } LIMIT 1" ]', "pre-binding"),
    ('sh:sparql [ sh:select "SELECT ?x WHERE { $this rdfs:label ?x }" ]', "must select"),
])
def test_unsupported_shape_features_are_refused_by_name(extra, feature):
    with pytest.raises(ShapeError, match=feature) as error:
        compile_shapes(unsupported(extra))
    assert str(error.value).endswith("(the pyshacl engine supports it)")


def test_every_project_shape_compiles():
    checks = compile_shapes(SHAPES)
    assert {c.shape.rsplit("#", 1)[-1] for c in checks} >= {plant["shape"] for plant in PLANTED}
    assert sum(c.sparql for c in checks) == 21


def validate_command(data: Path, engine: str) -> str:
    """What ``mfgkg validate --data`` prints for ``data`` with ``engine`` (which must find violations)."""
    from test_cli import mfgkg

    result = mfgkg("validate", "--data", str(data), "--engine", engine, "--no-warnings")
    assert result.returncode == 1, result.stderr
    return result.stdout


def test_validate_command_on_a_data_file(small):
    output = validate_command(small, "oxigraph")
    # 16 planted pairs; two break two constraints each (too many values, and the extra one of the wrong class).
    assert output.strip().endswith("18 violation(s), 0 warning(s)")
    assert ("Violation: synthetic: Synthetic project 0000004 [mfg:participant]: A project has at least one "
            "participating organization.") in output


def test_validate_command_writes_the_standard_report(small):
    """--format turtle: the W3C sh:ValidationReport, one sh:ValidationResult per result the engine
    found, each with the fields SHACL requires; the exit code still counts violations."""
    from rdflib import Literal
    from rdflib.namespace import RDF, SH

    from test_cli import mfgkg

    result = mfgkg("validate", "--data", str(small), "--format", "turtle")
    assert result.returncode == 1
    report = Graph().parse(data=result.stdout, format="turtle")
    (root,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(root, SH.conforms) == Literal(False)
    results = set(report.objects(root, SH.result))
    raw = run(OxigraphStore(small), SHAPES, "oxigraph").results
    assert len(results) == len(raw) > 0
    for node in results:
        for field in (SH.focusNode, SH.resultSeverity, SH.sourceShape, SH.sourceConstraintComponent):
            assert report.value(node, field) is not None, (node, field)
    planted = {(str(report.value(n, SH.sourceShape)).rsplit("#", 1)[-1], str(report.value(n, SH.focusNode)))
               for n in results if report.value(n, SH.resultSeverity) == SH.Violation}
    assert planted == expected()


@pytest.mark.reference
def test_pyshacl_agrees_on_the_planted_graph(small):
    """pySHACL (run once: it takes two minutes at this size) against the fast engine on the planted
    graph: the same findings, the same text from `mfgkg validate`, and the same standard report
    result for result, except where pySHACL departs from SHACL's SPARQL definitions: it skips the
    range check of an ill-typed value ("lots"^^xsd:decimal), which SPARQL's comparison fails, so
    the compiled engine also reports sh:maxInclusive there."""
    from collections import Counter

    from rdflib.namespace import SH

    from mfgkg.shapes.report import report_turtle

    reference = run(Graph().parse(small, format="nt"), SHAPES, "pyshacl")
    fast = run(OxigraphStore(small), SHAPES, "oxigraph")
    assert fast.findings == reference.findings

    lines = [f.line() for f in reference.violations]
    lines.append(f"{len(reference.violations)} violation(s), {len(reference.warnings)} warning(s)")
    assert validate_command(small, "oxigraph") == "\n".join(lines) + "\n"

    def results(report) -> Counter:
        graph = Graph().parse(data=report_turtle(report.results, SHAPES), format="turtle")
        fields = (SH.focusNode, SH.resultPath, SH.value, SH.resultSeverity, SH.sourceShape,
                  SH.sourceConstraintComponent)
        return Counter(tuple(graph.value(node, field) for field in fields)
                       for node in graph.subjects(SH.sourceConstraintComponent, None))

    compiled, expected = results(fast), results(reference)
    assert not expected - compiled
    extra = compiled - expected
    assert {(str(key[2]), key[5]) for key in extra} == {("lots", SH.MaxInclusiveConstraintComponent)}


def test_validate_command_refuses_a_malformed_data_file(tmp_path):
    from test_cli import mfgkg

    bad = tmp_path / "bad.nt"
    bad.write_text("<https://example.org/a> <https://example.org/b> .\n")
    result = mfgkg("validate", "--data", str(bad))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {bad}: cannot load N-Triples (")
    assert len(result.stderr.strip().splitlines()) == 1


EDGE_SHAPES = """
PREFIX sh: <http://www.w3.org/ns/shacl#>
INSERT DATA {
  # $this used only inside FILTER NOT EXISTS: pre-binding, not a join after the fact.
  <urn:shape:no-acronym> a sh:NodeShape ; sh:targetClass mfg:Institute ;
    sh:sparql [ sh:message "no acronym for {$this}" ; sh:select '''
      SELECT $this WHERE { FILTER NOT EXISTS { $this <https://w3id.org/mfgkg/ontology#acronym> ?a } }''' ] .
  # An implicit class target: a class that is also a shape, without sh:NodeShape.
  mfg:TechnologyArea a rdfs:Class ; sh:property [ sh:path skos:notation ; sh:minCount 1 ; sh:message "no notation" ] .
  # A SPARQL constraint on a property shape reports no value; core messages keep their braces.
  <urn:shape:labels> a sh:NodeShape ; sh:targetNode id:institute/lift ;
    sh:property [ sh:path rdfs:label ; sh:maxLength 3 ; sh:message "label {?value} too long" ] ,
                [ sh:path mfg:sponsor ; sh:sparql [ sh:select '''
                  SELECT $this WHERE { $this <https://w3id.org/mfgkg/ontology#sponsor> ?s }''' ] ] .
}"""


@pytest.mark.reference
def test_engines_agree_on_edge_cases_of_targets_prebinding_and_messages(graph):
    shapes = Graph()
    shapes.update(sparql(EDGE_SHAPES))
    fast, reference = run(graph, shapes, "oxigraph"), run(graph, shapes, "pyshacl")
    assert fast.findings == reference.findings
    no_acronym = sorted(f.label for f in fast.violations if f.message.startswith("no acronym"))
    assert no_acronym == ["AI for Resilient Manufacturing Institute",
                          "Next Generation Power Electronics Manufacturing Innovation Institute"]
    assert sum(f.message == "no notation" for f in fast.violations) == 23
    assert {f.message for f in fast.violations if f.focus.endswith("institute/lift")} >= {"label {?value} too long"}


# Small shapes graphs for the SPARQL-constraint regressions: prefixes and the ex: declaration they share.
EX_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:decl sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^<http://www.w3.org/2001/XMLSchema#anyURI> ] .
"""
TOKEN_SHAPES = EX_SHAPES + """
ex:LimitShape a sh:NodeShape ; sh:targetClass ex:C ;
  sh:sparql [ sh:prefixes ex:decl ; sh:message "has a limit" ;
              sh:select "SELECT $this WHERE { $this ex:limit ?x }" ] .
ex:BraceShape a sh:NodeShape ; sh:targetClass ex:C ;
  sh:sparql [ sh:prefixes ex:decl ; sh:message "brace in a string" ;
              sh:select "SELECT $this (\\"{\\" AS ?b) WHERE { $this ex:cap ?x }" ] .
"""
TOKEN_DATA = """
@prefix ex: <http://example.org/> .
ex:a a ex:C ; ex:limit 5 ; ex:cap 1 .
ex:b a ex:C .
ex:z ex:limit 9 ; ex:cap 9 .  # not a target: must not be reported
"""


@pytest.mark.parametrize("engine", ["oxigraph", pytest.param("pyshacl", marks=pytest.mark.reference)])
def test_sparql_constraints_are_read_as_tokens_not_text(engine):
    """Regressions: a predicate named ex:limit was refused as if it were LIMIT, and a "{" inside a
    string literal in the SELECT clause had the focus nodes spliced into the string, so the
    constraint silently checked nothing."""
    from mfgkg.shapes.validate import run

    shapes = Graph().parse(data=TOKEN_SHAPES, format="turtle")
    report = run(Graph().parse(data=TOKEN_DATA, format="turtle"), shapes, engine)
    assert sorted((f.focus, f.message) for f in report.violations) == [
        ("http://example.org/a", "brace in a string"), ("http://example.org/a", "has a limit")]


PREBINDING_SHAPES = EX_SHAPES + """
ex:UnionShape a sh:NodeShape ; sh:targetClass ex:C ;
  sh:sparql [ sh:prefixes ex:decl ; sh:message "named in a union branch" ;
              sh:select "SELECT $this WHERE { { FILTER (false) } UNION { FILTER ($this = ex:a) } }" ] .
"""


def test_this_is_pre_bound_inside_a_union_branch():
    """Regression: joined at the top level, $this was unbound in the branch's FILTER, so the
    violation vanished; the compiled engine now runs such a query per focus node, $this substituted.
    (pySHACL 0.40 also reports ex:b here, which pre-binding rules out: ex:b is not ex:a.)"""
    from mfgkg.shapes.validate import run

    shapes = Graph().parse(data=PREBINDING_SHAPES, format="turtle")
    report = run(Graph().parse(data=TOKEN_DATA, format="turtle"), shapes, "oxigraph")
    assert [(f.focus, f.message) for f in report.violations] == [("http://example.org/a", "named in a union branch")]


def test_bound_this_in_a_nested_group_is_refused_by_name():
    text = PREBINDING_SHAPES.replace("FILTER ($this = ex:a)", "FILTER (bound($this))")
    with pytest.raises(ShapeError, match=r"BOUND\(\$this\) with \$this inside a nested group is not supported"):
        compile_shapes(Graph().parse(data=text, format="turtle"))


@pytest.mark.reference
def test_shapes_pyshacl_rejects_are_one_line_not_a_crash():
    """Regression: pySHACL answers some invalid shapes with a ValidationFailure object instead of a
    report graph, and `run(engine="pyshacl")` then crashed with an AttributeError."""
    from mfgkg.errors import OntologyError
    from mfgkg.shapes.validate import run

    shapes = Graph().parse(data=PREBINDING_SHAPES.replace(
        "FILTER ($this = ex:a)", "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }"), format="turtle")
    with pytest.raises(OntologyError) as error:
        run(Graph().parse(data=TOKEN_DATA, format="turtle"), shapes, "pyshacl")
    assert str(error.value).startswith("shapes: pySHACL rejects the shapes: ")
    assert len(str(error.value).splitlines()) == 1


def test_data_whose_literals_oxigraph_would_rewrite_is_refused_by_name():
    """Oxigraph stores "4.0"^^xsd:decimal as "4"; a datatype or value check could then answer
    wrongly (W3C tests maxExclusive-001, datatype-ill-formed), so the compiled engine refuses by name."""
    from mfgkg.shapes.compiler import LiteralsRewritten
    from mfgkg.shapes.validate import run

    data = Graph().parse(data=TOKEN_DATA + 'ex:a ex:size "4.0"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n',
                         format="turtle")
    with pytest.raises(LiteralsRewritten) as error:
        run(data, Graph().parse(data=TOKEN_SHAPES, format="turtle"), "oxigraph")
    assert str(error.value).startswith('the data holds 1 literal(s) that would be checked in another form than '
                                       'written, e.g. "4.0"^^<http://www.w3.org/2001/XMLSchema#decimal>')


def test_the_real_graph_has_no_literal_oxigraph_would_rewrite(graph):
    from mfgkg.shapes.validate import oxigraph_copy

    assert len(oxigraph_copy(graph)) == len(graph)
