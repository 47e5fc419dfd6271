"""Answers follow the graph's hierarchies: a technology area includes every narrower area, and a
department every office below it. Expected answers are computed here from the stated links
(skos:broader, org:subOrganizationOf) in the graph, independently of the build's derived ones.
"""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import ORG, SKOS

from mfgkg.data.namespaces import MFG


def below(graph: Graph, top: URIRef, step: URIRef) -> set[URIRef]:
    """``top`` and everything that reaches it by following ``step`` upwards any number of times."""
    found, frontier = {top}, [top]
    while frontier:
        current = frontier.pop()
        for child in graph.subjects(step, current):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found


def areas(graph: Graph) -> list[URIRef]:
    return sorted(graph.subjects(RDF.type, MFG.TechnologyArea))


def tagged(graph: Graph, area: URIRef) -> set[str]:
    """IRIs of the institutes tagged with ``area`` or any area below it."""
    return {str(i) for a in below(graph, area, SKOS.broader) for i in graph.subjects(MFG.technologyArea, a)}


def test_derived_links_are_marked_and_carry_no_claims(graph):
    derived = set(graph.subjects(RDF.type, MFG.DerivedProperty))
    assert derived == {MFG.withinAgency, MFG.withinArea, MFG.displayName, MFG.payer, MFG.payingDepartment,
                       MFG.ledgerStatus, MFG.ledgerReason, MFG.lowerAmount, MFG.upperAmount, MFG.approximate,
                       MFG.ledgerYear, MFG.yearBasis, MFG.disputedFact}
    claimed = {graph.value(c, RDF.predicate) for c in graph.subjects(RDF.type, MFG.Claim)}
    assert not derived & claimed


def test_broad_areas_are_not_empty(kg):
    rows = {r["technology"]: r for r in kg.run("technology-landscape").result.records()}
    assert rows["Biomanufacturing"]["institute_count"] == 3
    assert rows["Biomanufacturing"]["institutes"] == "BioFabUSA | BioMADE | NIIMBL"
    assert rows["Semiconductors"]["institutes"] == "PowerAmerica | SMART USA"
    assert rows["Wide-bandgap power electronics"]["broader"] == "Semiconductors"
    assert sorted(r["iri"] for r in kg.run("institutes", {"technology": "biomanufacturing"}).result.records()) == [
        "https://w3id.org/mfgkg/id/institute/biofabusa", "https://w3id.org/mfgkg/id/institute/biomade",
        "https://w3id.org/mfgkg/id/institute/niimbl"]


def test_every_area_finds_the_institutes_tagged_with_it_or_anything_below(kg, graph):
    landscape = {r["iri"]: r for r in kg.run("technology-landscape").result.records()}
    assert len(landscape) == len(areas(graph)) == 23
    for area in areas(graph):
        expected = tagged(graph, area)
        institutes = {r["iri"] for r in kg.run("institutes", {"technology": str(area)}).result.records()}
        assert institutes == expected, area
        assert landscape[str(area)]["institute_count"] == len(expected), area
        funded = {str(graph.value(URIRef(r["funding"]), MFG.recipient)) for r in
                  kg.run("who-funds-what", {"technology": str(area)}).result.records() if r["funding"]}
        assert funded <= expected, area
        assert funded == {i for i in expected if (None, MFG.recipient, URIRef(i)) in graph}, area


@pytest.mark.parametrize("department", ["doc", "dod", "doe"])
def test_a_department_includes_every_award_of_its_offices(kg, graph, department):
    top = URIRef(f"https://w3id.org/mfgkg/id/agency/{department}")
    offices = below(graph, top, ORG.subOrganizationOf)
    awards = set()
    for funding in graph.subjects(RDF.type, MFG.FundingCommitment):
        rank = str(graph.value(funding, MFG.rank))
        federal = str(graph.value(funding, MFG.payer)).endswith("payer-federal")
        if graph.value(funding, MFG.funder) in offices and not rank.endswith("deprecated") and federal:
            awards.add(str(funding))
    got = {r["funding"] for r in kg.run("who-funds-what", {"agency": str(top)}).result.records() if r["funding"]}
    assert got == awards
    assert len(offices) > 1


def counted_figures(graph: Graph) -> list[URIRef]:
    """Federal funding figures the money ledger counts in totals."""
    return [f for f in graph.subjects(RDF.type, MFG.FundingCommitment)
            if str(graph.value(f, MFG.ledgerStatus)).endswith("ledger-counted")
            and str(graph.value(f, MFG.payer)).endswith("payer-federal")]


def test_alternative_figures_point_to_a_preferred_figure_for_the_same_money(graph):
    pairs = list(graph.subject_objects(MFG.alternativeTo))
    assert len(pairs) == 10
    for alternative, preferred in pairs:
        assert str(graph.value(preferred, MFG.rank)).endswith("preferred")
        for prop in (MFG.recipient, MFG.fundingKind, MFG.funder):
            assert graph.value(alternative, prop) == graph.value(preferred, prop), (alternative, prop)


@pytest.mark.parametrize("department", ["doc", "dod", "doe"])
def test_department_totals_count_every_preferred_figure_of_its_offices_once(kg, graph, department):
    top = URIRef(f"https://w3id.org/mfgkg/id/agency/{department}")
    offices = below(graph, top, ORG.subOrganizationOf)
    expected = sum(float(graph.value(f, MFG.lowerAmount)) for f in counted_figures(graph)
                   if graph.value(f, MFG.funder) in offices)
    rows = kg.run("funding-by-department", {"department": str(top)}).result.records()
    assert sum(float(r["lower"]) for r in rows) == expected > 0
    assert sum(r["figures"] for r in rows) == sum(1 for f in counted_figures(graph)
                                                  if graph.value(f, MFG.funder) in offices)
