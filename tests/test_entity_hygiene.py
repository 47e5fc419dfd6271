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
