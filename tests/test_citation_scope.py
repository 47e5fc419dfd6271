"""Each fact cites the sources that state it: a record citation's ``for`` names the fields it backs,
one-fact records (memberships, key facts) cite their fact, and the rest is marked record-scoped."""

from __future__ import annotations

import pytest

from conftest import select
from mfgkg.data.claims import Context, claims_of
from mfgkg.data.seeds import load, truthy_values
from mfgkg.errors import SeedError

CITES = [{"src": "a", "for": ("hq",)}, {"src": "b", "for": ("hq", "established")}, {"src": "c"}]


def test_a_field_named_by_for_cites_only_the_sources_naming_it():
    claims = claims_of({"city": "Youngstown", "state": "OH"}, Context("f.yaml", "x", CITES), "hq")
    assert [c["src"] for c in claims[0].cite] == ["a", "b"]
    assert claims[0].scope == "field"


def test_a_field_no_for_names_inherits_the_general_citations_and_says_so():
    claims = claims_of("Acme", Context("f.yaml", "x", CITES), "lead_organization")
    assert [c["src"] for c in claims[0].cite] == ["c"]
    assert claims[0].scope == "record"


def test_a_one_fact_record_cites_its_fact():
    claims = claims_of("lift", Context("f.yaml", "x", [{"src": "c"}], one_fact=True), "institute")
    assert claims[0].scope == "field"


def test_a_field_every_citation_leaves_out_has_no_citation():
    with pytest.raises(SeedError, match="field 'website': fact has no citation"):
        claims_of("https://example.org/", Context("f.yaml", "x", CITES[:2]), "website")


def test_a_claim_list_without_its_own_cite_takes_the_fields_citations():
    written = [{"value": 2014, "rank": "preferred", "reason": "award year"}, {"value": 2015, "cite": [{"src": "d"}]}]
    claims = claims_of(written, Context("f.yaml", "x", CITES), "established")
    assert [[c["src"] for c in claim.cite] for claim in claims] == [["b"], ["d"]]
    assert [claim.scope for claim in claims] == ["field", "field"]


@pytest.mark.parametrize(("replace", "message"), [
    ("for: [nowhere]", "citation of 'nist-2012-namii-announced' is 'for' 'nowhere', which is not a field here"),
    ("for: []", "citation of 'nist-2012-namii-announced': 'for' must list field names"),
    ("for: [cite]", "citation of 'nist-2012-namii-announced' is 'for' 'cite', which is not a field here"),
])
def test_a_for_naming_no_field_is_a_one_line_error(seed_copy, replace, message):
    path = seed_copy / "seeds" / "institutes-dod.yaml"
    text = path.read_text()
    find = "for: [label, acronyms, status, sponsor, established, hq, technology_areas]"
    assert text.count(find) == 1
    path.write_text(text.replace(find, replace))
    with pytest.raises(SeedError) as error:
        load(seed_copy / "seeds")
    assert message in str(error.value) and "entity 'america-makes'" in str(error.value)
    assert len(str(error.value).splitlines()) == 1


def test_every_membership_and_key_fact_cites_its_own_sources(graph):
    rows = select(graph, """
        SELECT ?p (COUNT(*) AS ?n) WHERE {
            ?c a mfg:Claim ; rdf:predicate ?p ; mfg:citationScope v:citation-scope-record .
            VALUES ?p { mfg:memberOf mfg:keyFact } } GROUP BY ?p""")
    assert rows == []



def test_a_list_field_written_as_claims_gives_the_values_the_graph_asserts():
    """Regression: code reading seeds (the synthetic-graph generator) once split a claim list's first
    value into characters."""
    written = [{"value": "robotics", "cite": [{"src": "a"}]}, {"value": "sensors", "cite": [{"src": "b"}]}]
    assert truthy_values(written) == ["robotics", "sensors"]
    ranked = [{**written[0], "rank": "preferred", "reason": "r"}, {**written[1], "rank": "deprecated"}]
    assert truthy_values(ranked) == ["robotics"]
    assert truthy_values(["robotics"]) == ["robotics"] and truthy_values(None) == []


def test_values_without_a_citation_of_their_own_only_shrink(graph):
    """A ratchet over the whole graph: 125 of 2,697 claims still inherit their record's sources (names
    no readable source writes, plan-2024 texts, strategy links); a change may lower the count, never
    raise it, and every one of them says so."""
    [(record, total)] = select(graph, """
        SELECT (SUM(IF(?scope = v:citation-scope-record, 1, 0)) AS ?record) (COUNT(?c) AS ?total)
        WHERE { ?c a mfg:Claim ; mfg:citationScope ?scope }""")
    assert int(record) <= 125 and int(total) >= 2697
    assert select(graph, "SELECT ?c WHERE { ?c a mfg:Claim FILTER NOT EXISTS { ?c mfg:citationScope ?s } }") == []
