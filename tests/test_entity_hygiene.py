"""One thing, one node: a publisher, member or partner written under another entity's name is that
entity, not a second node that a name resolver or the fact-checker could pick instead."""

from __future__ import annotations

import re

import pytest

from conftest import ask, select
from mfgkg.data.builder import build_graph
from mfgkg.errors import SeedError


def _bare(name: str) -> str:
    name = re.sub(r"\s*\([^()]*\)$", "", name)
    return re.sub(r"^(?:U\.S\.|US|United States)\s+", "", name).casefold()


def test_no_publisher_is_a_second_node_for_an_agency_or_institute(graph):
    """Whole-graph property: the organizations made for publishers (those no seed file defines) share
    no name with an agency or an institute, however the source wrote it."""
    publishers = select(graph, """
        SELECT ?o ?name WHERE { ?o a mfg:Organization ; rdfs:label ?name .
                                FILTER NOT EXISTS { ?o mfg:definedIn ?file } }""")
    named = select(graph, """
        SELECT ?e ?name WHERE { VALUES ?class { mfg:FederalAgency mfg:Institute }
                                ?e a ?class ; rdfs:label|skos:altLabel ?name . }""")
    names = {_bare(name) for _, name in named}
    assert len(publishers) > 200
    assert [name for _, name in publishers if _bare(name) in names] == []


def test_a_department_written_as_its_publisher_name_is_the_department(graph):
    rows = select(graph, """
        SELECT DISTINCT ?publisher WHERE { id:source/defense-gov-miis-pandemic dcterms:publisher ?publisher }""")
    assert rows == [("https://w3id.org/mfgkg/id/agency/dod",)]


def test_a_state_name_as_an_organization_alias_is_refused(seed_copy):
    """A name that is also a state's would make the resolver and the checker read the state as the
    organization (the data once named Idaho National Laboratory "Idaho")."""
    path = seed_copy / "seeds" / "organizations.yaml"
    text = path.read_text()
    find = "  - value: Idaho National Lab\n"
    assert text.count(find) == 1
    path.write_text(text.replace(find, "  - value: Ohio\n" + find))
    with pytest.raises(SeedError) as error:
        build_graph(seed_copy / "seeds", seed_copy / "ontology")
    assert str(error.value) == ("seeds/organizations.yaml: entity 'idaho-national-laboratory': field 'alt_labels': "
                                "the name 'Ohio' is a state's: qualify it (e.g. the full name)")



def test_a_renamed_organization_is_one_node_with_its_former_name(graph):
    """United Technologies Research Center became the RTX Technology Research Center: one node, the
    former name an other name with the editors' reasoning, and its projects on that node."""
    rows = select(graph, """
        SELECT ?basis WHERE { ?c rdf:subject id:organization/rtx-technology-research-center ;
                                 rdf:predicate skos:altLabel ; rdf:object "United Technologies Research Center"@en ;
                                 mfg:basis ?basis ; mfg:rationale ?why }""")
    assert rows == [("https://w3id.org/mfgkg/vocab/basis-curated",)]
    assert not ask(graph, "ASK { id:organization/united-technologies-research-center ?p ?o }")
    assert ask(graph, "ASK { ?project mfg:projectLead id:organization/rtx-technology-research-center ; "
                      "mfg:performedBy id:institute/lift }")


SUB_UNIT = re.compile(r"'s\b.*\b(?:division|laborator(?:y|ies)|lab|cent(?:er|re)|school|college|department)\b", re.I)


def test_a_sub_unit_is_its_own_organization_part_of_its_parent(graph):
    """Whole-graph property of the sub-unit policy (seeds/README.md): no organization carries a name of
    one of its sub-units ("X's ... Laboratory") as its own, and every sub-unit is part of exactly one
    other organization, which is not in turn part of it."""
    names = select(graph, """
        SELECT ?o ?name WHERE { ?o a mfg:Organization ; skos:altLabel ?name .
                                FILTER NOT EXISTS { ?o org:subOrganizationOf ?parent } }""")
    assert [(o, name) for o, name in names if SUB_UNIT.search(name)] == []
    parts = select(graph, """
        SELECT ?unit ?parent WHERE { ?unit a mfg:Organization ; org:subOrganizationOf ?parent .
                                     ?parent a mfg:Organization .
                                     FILTER NOT EXISTS { ?parent org:subOrganizationOf ?unit } }""")
    assert sorted(unit.rsplit("/", 1)[-1] for unit, _ in parts) == ["ingalls-shipbuilding", "mit-csail", "ncsu-btec"]
    assert not ask(graph, """ASK { ?unit a mfg:Organization ; org:subOrganizationOf ?a , ?b FILTER(?a != ?b) }""")


def test_a_membership_naming_a_sub_unit_attaches_to_it(graph):
    members = select(graph, """
        SELECT ?unit ?institute WHERE { VALUES ?unit { id:organization/mit-csail id:organization/ncsu-btec }
                                        ?unit mfg:memberOf ?institute }""")
    assert sorted((u.rsplit("/", 1)[-1], i.rsplit("/", 1)[-1]) for u, i in members) == [
        ("mit-csail", "arm"), ("ncsu-btec", "niimbl")]
