"""Every sourced fact reaches the answers: for every entity, `sources-of` and `institute-profile` show
exactly its claims, and `disagreements` shows every claim of every disputed fact.

The expected rows are computed here from the claims in the graph (rdflib), independently of the
saved queries.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from mfgkg.data.namespaces import MFG

Fact = tuple[str, str, str]  # (property label, value as shown, rank label)


def label(graph: Graph, node: URIRef) -> str | None:
    found = sorted(str(o) for o in graph.objects(node, RDFS.label))
    return found[0] if found else None


def shown(graph: Graph, node: URIRef | Literal) -> str:
    """A claim's value as the queries show it: the object's label, else its lexical form."""
    return (label(graph, node) if isinstance(node, URIRef) else None) or str(node)


@pytest.fixture(scope="module")
def claims(graph) -> dict[URIRef, list[tuple[URIRef, Fact]]]:
    """Per subject: (property, (property label, value, rank)) of each of its claims."""
    out: dict[URIRef, list[tuple[URIRef, Fact]]] = defaultdict(list)
    for claim in graph.subjects(RDF.type, MFG.Claim):
        subject, prop = graph.value(claim, RDF.subject), graph.value(claim, RDF.predicate)
        fact = (label(graph, prop), shown(graph, graph.value(claim, RDF.object)),
                label(graph, graph.value(claim, MFG.rank)))
        out[subject].append((prop, fact))
    return out


def test_every_property_and_class_in_the_graph_has_a_label(graph):
    used = set(graph.predicates()) | set(graph.objects(None, RDF.type))
    assert sorted(str(t) for t in used if label(graph, t) is None) == []


def test_every_text_property_says_whose_words_its_values_are(graph):
    texts = {p for _, p, o in graph if isinstance(o, Literal) and o.language} - {RDF.object}
    assert len(texts) == 16
    assert sorted(str(p) for p in texts if graph.value(p, MFG.wording) is None) == []
    wordings = {str(graph.value(p, MFG.wording)).rsplit("/", 1)[-1] for p in texts}
    assert wordings == {"wording-source", "wording-editors"}


def test_profiles_and_plans_show_the_wording_of_text_values(kg):
    lift = {(r["fact"], r["wording"]) for r in kg.run("institute-profile", {"institute": "LIFT"}).result.records()}
    assert {("name", "source's wording"), ("acronym", "source's wording"), ("founded", None)} <= lift
    assert [(r["edition"], r["wording"]) for r in kg.run("plans").result.records()] == [
        ("2024", "editors' summary"), ("2022", None), ("2019", "editors' summary")]
    facts = {(r["fact"], r["wording"]) for r in kg.run("sources-of", {"entity": "Fraunhofer"}).result.records()}
    assert ("key fact", "editors' summary") in facts
    chips = {(r["fact"], r["wording"])
             for r in kg.run("sources-of", {"entity": "CHIPS and Science Act"}).result.records()}
    assert {("description", "editors' summary"), ("legal citation", "source's wording")} <= chips


def test_sources_of_shows_every_claim_of_every_entity(kg, claims):
    assert (len(claims), sum(map(len, claims.values()))) == (563, 2708)
    for subject, facts in claims.items():
        answer = kg.run("sources-of", {"entity": str(subject)}).result.records()
        got = {(r["fact"], r["value"], r["rank"]) for r in answer if r["fact"] != "(whole record)"}
        assert got == {fact for _, fact in facts}, subject
        assert len(got) == len(facts), f"{subject}: two claims look the same"


def test_institute_profile_shows_every_claim_of_every_institute(kg, graph, claims):
    institutes = sorted(graph.subjects(RDF.type, MFG.Institute))
    assert len(institutes) == 19
    for institute in institutes:
        answer = kg.run("institute-profile", {"institute": str(institute)}).result.records()
        got = Counter((r["fact"], r["value"], r["rank"]) for r in answer if not r["fact"].startswith("funding: "))
        assert got == Counter(fact for _, fact in claims[institute]), institute


def test_disagreements_show_every_claim_of_every_disputed_fact(kg, graph, claims):
    expected = Counter()
    disputed = 0
    for subject, facts in claims.items():
        by_property = defaultdict(list)
        for prop, fact in facts:
            by_property[prop].append(fact)
        for group in by_property.values():
            if len({rank for _, _, rank in group}) > 1:
                disputed += 1
                expected.update((label(graph, subject), *fact) for fact in group)
    got = Counter((r["entity"], r["fact"], r["value"], r["rank"]) for r in kg.run("disagreements").result.records())
    assert got == expected
    assert (disputed, sum(expected.values())) == (21, 44)
    marked = {(label(graph, s), label(graph, p)) for s, p in graph.subject_objects(MFG.disputedFact)}
    assert len(marked) == disputed and {(e, f) for e, f, _, _ in got} == marked
