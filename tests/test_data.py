"""Exact facts of the real graph, as users ask them: who sponsors what, where, and from which source."""

from __future__ import annotations

import pytest
from rdflib import RDFS, Literal, URIRef

from conftest import ask, column, select

ID = "https://w3id.org/mfgkg/id/"


def institutes_of(graph, agency: str) -> list[str]:
    return [i.rsplit("/", 1)[-1] for i in column(graph, f"""
        SELECT ?i WHERE {{ ?i mfg:sponsor id:agency/{agency} ; mfg:status v:status-established }}""")]


def test_institutes_by_sponsoring_department(graph):
    assert institutes_of(graph, "doe") == ["cesmii", "cymanii", "epixc", "iacmi", "poweramerica", "rapid", "remade"]
    assert institutes_of(graph, "dod") == ["affoa", "aim-photonics", "america-makes", "arm", "biofabusa",
                                           "biomade", "lift", "mxd", "nextflex"]
    assert institutes_of(graph, "doc") == ["niimbl", "smart-usa"]


def test_nist_is_part_of_commerce_and_amnpo_of_nist(graph):
    assert ask(graph, "ASK { id:agency/nist org:subOrganizationOf id:agency/doc . "
                      "id:agency/amnpo org:subOrganizationOf id:agency/nist }")


def test_headquarters_return_the_preferred_claim_by_default(graph):
    rows = select(graph, """SELECT ?city WHERE { id:institute/lift mfg:headquarters/rdfs:label ?city }""")
    assert rows == [("Detroit, Michigan",)]
    claims = select(graph, """
        SELECT ?city ?rank WHERE {
            ?c rdf:subject id:institute/lift ; rdf:predicate mfg:headquarters ; rdf:object/rdfs:label ?city ;
               mfg:rank/rdfs:label ?rank } ORDER BY ?city""")
    assert claims == [("Canton Township, Michigan", "deprecated"), ("Detroit, Michigan", "preferred")]


def test_disagreeing_funding_figures_are_both_kept_with_one_preferred(graph):
    rows = select(graph, """
        SELECT ?amount ?rank WHERE {
            ?f mfg:recipient id:institute/mxd ; mfg:fundingKind v:funding-kind-award ;
               mfg:amount ?amount ; mfg:rank/rdfs:label ?rank ; mfg:startYear "2014"^^xsd:gYear .
        } ORDER BY ?amount""")
    assert ("70000000", "preferred") in rows and ("80000000", "normal") in rows


def test_every_fact_can_be_traced_to_a_source_url_and_locator(graph):
    rows = select(graph, """
        SELECT ?url ?at WHERE {
            ?c rdf:subject id:institute/biomade ; rdf:predicate mfg:headquarters ; mfg:citation ?cit .
            ?cit prov:entity/schema:url ?url . OPTIONAL { ?cit mfg:locator ?at } }""")
    assert rows and all(url.startswith("http") for url, _ in rows)


def test_stated_facts_can_be_separated_from_curated_ones(graph):
    curated = column(graph, """
        SELECT ?o WHERE { ?c rdf:subject id:plan/plan-2024/goal-1 ; rdf:predicate mfg:continues ;
                               rdf:object ?o ; mfg:basis v:basis-curated ; mfg:rationale ?why }""")
    assert curated == [ID + "plan/plan-2019/goal-1"]
    stated_sponsors = column(graph, """
        SELECT ?i WHERE { ?c rdf:subject ?i ; rdf:predicate mfg:sponsor ; rdf:object id:agency/doc ;
                               mfg:basis v:basis-stated }""")
    assert stated_sponsors == [ID + "institute/ai-resilient-manufacturing", ID + "institute/niimbl",
                               ID + "institute/smart-usa"]


def test_fiscal_years_are_october_to_september(graph):
    rows = select(graph, """
        SELECT ?b ?e WHERE { id:fiscal-year/2021 time:hasBeginning/time:inXSDDate ?b ;
                                                 time:hasEnd/time:inXSDDate ?e }""")
    assert rows == [("2020-10-01", "2021-09-30")]


def test_fy2021_network_figures_prefer_the_highlights_report(graph):
    rows = select(graph, """
        SELECT ?metric ?value WHERE {
            ?o mfg:fiscalYear id:fiscal-year/2021 ; mfg:metric ?m ; mfg:value ?value ; mfg:rank v:rank-preferred .
            BIND(STRAFTER(STR(?m), "metric/") AS ?metric) } ORDER BY ?metric""")
    assert rows == [("member-organizations", "2300"), ("rd-projects", "708"), ("workforce-participants", "90000")]


def test_national_strategy_has_three_goals_and_eleven_objectives(graph):
    assert select(graph, """
        SELECT (COUNT(DISTINCT ?g) AS ?goals) (COUNT(DISTINCT ?o) AS ?objectives) WHERE {
            id:plan/nsam-2022 mfg:hasGoal ?g . ?g mfg:hasObjective ?o }""") == [("3", "11")]


def test_program_authorising_laws(graph):
    laws = column(graph, "SELECT ?l WHERE { id:program/manufacturing-usa mfg:authorizedBy ?l }")
    assert [law.rsplit("/", 1)[-1] for law in laws] == ["chips-and-science-act-2022", "ndaa-fy2020", "nist-act",
                                                       "rami-act-2014"]


def test_no_text_holds_a_python_structure(graph):
    """Regression: a plan's vision label once showed the seed's claim list ("[{'value': 2024, ...")."""
    texts = [str(o) for o in graph.objects() if isinstance(o, Literal)]
    assert [t for t in texts if "{'" in t or "'value':" in t] == []
    assert str(graph.value(URIRef("https://w3id.org/mfgkg/id/plan/plan-2024/vision"), RDFS.label)) == (
        "Vision of the 2024 edition")


def _claims(graph, subject: str, predicate: str) -> list[tuple[str, str]]:
    return select(graph, f"""
        SELECT ?value ?rank WHERE {{
            ?c rdf:subject {subject} ; rdf:predicate {predicate} ; rdf:object ?o ; mfg:rank/rdfs:label ?rank .
            OPTIONAL {{ ?o rdfs:label ?label }} BIND(STR(COALESCE(?label, ?o)) AS ?value) }}
        ORDER BY DESC(?rank) ?value""")


def test_cymanii_founding_year_is_ranked_and_no_text_restates_it(graph):
    """Regression: a role text said CyManII was formed in 2019 while the institute said 2020; the
    year is now one fact with both values ranked, and no descriptive text restates it."""
    assert _claims(graph, "id:institute/cymanii", "schema:foundingDate") == [("2020", "preferred"), ("2019", "normal")]
    texts = [str(o) for o in graph.objects() if isinstance(o, Literal) and "CyManII" in str(o)]
    assert [t for t in texts if "formed in" in t or "founded in" in t] == []


def test_the_deloitte_evaluation_keeps_both_dates_and_both_accounts_of_its_funding(graph):
    """Regression: the evaluation was dated April 2017 (a later article) and said to be sponsored by
    three departments, where the program's own release dates it 1 February 2017 and names DoD."""
    evaluation = "id:mechanism/third-party-evaluation"
    assert _claims(graph, evaluation, "dcterms:issued") == [("2017-02-01", "preferred"), ("2017", "normal")]
    assert _claims(graph, evaluation, "schema:funder") == [("Department of Defense", "preferred"),
                                                            ("Department of Commerce", "normal"),
                                                            ("Department of Energy", "normal")]
    preferred = column(graph, f"SELECT ?f WHERE {{ {evaluation} schema:funder ?f }}")
    assert [str(f) for f in preferred] == [ID + "agency/dod"]


def test_the_fy2022_figures_are_observations_and_no_gap_says_otherwise():
    """Regression: metrics.yaml listed the FY2022 figures as not recorded, though they were."""
    import yaml

    from conftest import ROOT

    metrics = yaml.safe_load((ROOT / "seeds" / "metrics.yaml").read_text())
    network = [o for o in metrics["observations"] if o["scope"] == "network"]
    fy2022 = sorted(o["metric"] for o in network if o["fiscal_year"] == 2022)
    assert fy2022 == ["member-organizations", "nonfederal-funding", "nonfederal-to-federal-ratio", "rd-projects",
                      "workforce-participants"]
    assert [g for g in metrics["gaps"] if "not recorded as observations" in g] == []


def test_writes_of_streamed_content_are_all_or_nothing(tmp_path):
    from mfgkg.data.serialize import write_atomic

    def lines():
        yield "first\n"
        raise OSError(28, "No space left on device")

    target = tmp_path / "out.nt"
    target.write_text("previous\n")
    with pytest.raises(OSError):
        write_atomic({target: lines()})
    assert [p.name for p in tmp_path.iterdir()] == ["out.nt"] and target.read_text() == "previous\n"
    write_atomic({target: iter(["a\n", "b\n"])})
    assert target.read_text() == "a\nb\n"
