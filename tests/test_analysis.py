"""Network projections and analyses: exact values on small hand-made graphs and on the real data,
and the report written by `mfgkg analyze`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from PIL import Image
from rdflib import Namespace

from mfgkg.analysis import measures as analysis
from mfgkg.errors import QueryError
from test_cli import mfgkg as run_cli

MFG = Namespace("https://w3id.org/mfgkg/ontology#")


def node(graph: nx.DiGraph, key: str, kind: str, **attrs: str) -> None:
    graph.add_node(key, iri=f"urn:{key}", label=key, name=key, type=kind, **attrs)


@pytest.fixture()
def funding() -> nx.DiGraph:
    """Agency A sponsors I1 and I2 and records 10 for I1; B sponsors I3, records 20 for I1 and 5 for I3."""
    g = nx.DiGraph(view="funding")
    node(g, "A", "FederalAgency", department="A")
    node(g, "B", "FederalAgency", department="B")
    node(g, "I1", "Institute", state="X")
    node(g, "I2", "Institute", state="X")
    node(g, "I3", "Institute", state="Y")
    node(g, "I4", "Institute")
    node(g, "T1", "TechnologyArea")
    node(g, "T2", "TechnologyArea")
    g.add_edge("A", "I1", relation="funds and sponsors", commitments=2, federal_lower_usd=10.0, federal_upper_usd=10.0)
    g.add_edge("A", "I2", relation="sponsors")
    g.add_edge("B", "I1", relation="funds", commitments=1, federal_lower_usd=20.0, federal_upper_usd=None)
    g.add_edge("B", "I3", relation="funds and sponsors", commitments=1, federal_lower_usd=0.0, federal_upper_usd=5.0)
    for institute, area in (("I1", "T1"), ("I2", "T1"), ("I2", "T2"), ("I3", "T2")):
        g.add_edge(institute, area, relation="works in")
    return g


@pytest.fixture()
def plan() -> nx.DiGraph:
    """Plan P: goal G with objectives O1, O2 and action S; institute I serves O1; area T serves O2;
    institute J works in T; agency A sponsors I and J; 2024 goal N continues 2019 goal G."""
    g = nx.DiGraph(view="plan")
    node(g, "P", "StrategicPlan", edition="2019")
    node(g, "G", "Goal", edition="2019")
    node(g, "N", "Goal", edition="2024")
    for key in ("O1", "O2"):
        node(g, key, "Objective", edition="2019")
    node(g, "S", "Action", edition="2019")
    node(g, "I", "Institute")
    node(g, "J", "Institute")
    node(g, "T", "TechnologyArea")
    node(g, "A", "FederalAgency")
    edges = [("P", "G", "has goal"), ("G", "O1", "has objective"), ("G", "O2", "has objective"),
             ("G", "S", "has action"), ("G", "O2", "has objective"), ("I", "O1", "serves"), ("T", "O2", "serves"),
             ("J", "T", "works in"), ("A", "I", "sponsors"), ("A", "J", "sponsors"), ("N", "G", "continues")]
    for source, target, relation in edges:
        g.add_edge(source, target, relation=relation)
    return g


def records(frame) -> list[dict]:
    """Rows as plain dicts; a missing number (NaN, as pandas stores None in a float column) is None."""
    return [{k: None if isinstance(v, float) and v != v else v for k, v in row.items()}
            for row in frame.to_dict("records")]


def test_funding_by_agency(funding):
    assert records(analysis.funding_by_agency(funding)) == [
        {"agency": "A", "department": "A", "institutes_sponsored": 2, "institutes_funded": 1, "commitments": 2,
         "federal_lower_usd": 10.0, "federal_upper_usd": 10.0},
        {"agency": "B", "department": "B", "institutes_sponsored": 1, "institutes_funded": 2, "commitments": 2,
         "federal_lower_usd": 20.0, "federal_upper_usd": None},
    ]


def test_funding_by_technology_and_state(funding):
    assert records(analysis.funding_by_technology(funding)) == [
        {"technology": "T1", "institutes": 2, "institute_names": "I1 | I2", "sponsors": "A",
         "federal_lower_usd": 30.0, "federal_upper_usd": None},
        {"technology": "T2", "institutes": 2, "institute_names": "I2 | I3", "sponsors": "A | B",
         "federal_lower_usd": 0.0, "federal_upper_usd": 5.0},
    ]
    # I1's money is $10 from A and at least $20 from B: at least $30, with no upper bound.
    assert [(r["state"], r["institutes"], r["federal_lower_usd"], r["federal_upper_usd"]) for r in
            records(analysis.funding_by_state(funding))] == [("X", 2, 30.0, None), ("(not recorded)", 1, 0.0, 0.0),
                                                             ("Y", 1, 0.0, 5.0)]


def test_centrality_of_a_star():
    g = nx.DiGraph()
    node(g, "S", "FederalAgency")
    for key in ("a", "b", "c"):
        node(g, key, "Institute")
        g.add_edge("S", key, relation="sponsors")
    frame = analysis.centrality(g)
    assert records(frame)[0] == {"name": "S", "type": "FederalAgency", "degree": 3, "degree_centrality": 1.0,
                                 "betweenness": 1.0}
    assert set(frame["betweenness"][1:]) == {0.0}


def test_similarity_and_communities(funding):
    assert records(analysis.institute_similarity(funding)) == [
        {"institute_a": "I1", "institute_b": "I2", "jaccard": 0.5, "shared_areas": "T1"},
        {"institute_a": "I2", "institute_b": "I3", "jaccard": 0.5, "shared_areas": "T2"},
    ]
    assert records(analysis.institute_communities(funding)) == [
        {"institutes": "I1 | I2 | I3", "size": 3, "technology_areas": "T1 | T2"}]


def test_reach_links_paths_and_bridges(plan):
    assert analysis.reach(plan) == {"I": {"O1"}, "T": {"O2"}, "J": {"O2"}, "A": {"O1", "O2"}}
    assert records(analysis.objective_links(plan)) == [
        {"objective_a": "O1", "objective_b": "O2", "link": "FederalAgency", "shared": 1, "via": "A"}]
    assert records(analysis.objective_paths(plan)) == [
        {"objective_a": "O1", "objective_b": "O2", "length": 2, "path": "O1 > G > O2"}]
    assert records(analysis.bridges(plan)) == [
        {"name": "G", "type": "Goal", "parts_after_removal": 4, "smallest_part": 1}]


def test_coverage_gaps_and_evolution(plan, funding):
    node(plan, "M", "Metric")
    plan.add_edge("M", "O1", relation="measures")
    gaps = analysis.coverage_gaps(plan, funding, ["X"])
    assert [tuple(r.values()) for r in records(gaps)] == [
        ("objective with no action", "O1"),
        ("objective with no action", "O2"), ("objective with no metric", "O2"),
        ("institute with no technology area", "I4"), ("agency with no role", "X")]
    evolution = analysis.plan_evolution(plan)
    editions = evolution["editions"]
    assert records(editions.drop(columns="plan")) == [
        {"edition": "2019", "goals": 1, "objectives": 2, "actions": 1},
        {"edition": "2024", "goals": 1, "objectives": 0, "actions": 0}]
    assert editions["plan"][0] == "P" and editions["plan"].isna()[1]
    assert records(evolution["relations"]) == [{"later": "N", "relation": "continues", "earlier": "G"}]


def test_partner_view_links_each_organization_to_exactly_its_institutes(kg, graph):
    """Property over every organization: its institutes in the partner view are exactly those it is
    a member of, runs, or works with in one of their projects, read independently from the rdflib graph."""
    partners = kg.to_networkx("partners")
    expected: dict[str, set[str]] = {}
    for relation in (MFG.memberOf, MFG.operates):
        for org, institute in graph.subject_objects(relation):
            expected.setdefault(str(org), set()).add(str(institute))
    for project, org in graph.subject_objects(MFG.participant):
        for institute in graph.objects(project, MFG.performedBy):
            expected.setdefault(str(org), set()).add(str(institute))
    found = {n: set(partners.successors(n)) for n, d in partners.nodes(data=True) if d["type"] == "Organization"}
    assert found == expected and len(found) == 344


def test_bridging_organizations_are_those_linked_to_two_or_more_institutes(kg):
    partners = kg.to_networkx("partners")
    table = analysis.bridging_organizations(partners)
    linked = sorted(n for n, d in partners.nodes(data=True)
                    if d["type"] == "Organization" and partners.out_degree(n) >= 2)
    assert len(table) == len(linked) == 57
    assert table.iloc[0][["organization", "kind", "institutes"]].tolist() == ["Lockheed Martin", "company", 6]
    assert analysis.partner_counts(partners) == {"organizations": 344, "institutes": 18, "memberships": 262,
                                                 "operators": 6, "project_links": 214}


@pytest.mark.parametrize("view", ["funding", "plan", "partners", "all"])
def test_projections_do_not_depend_on_the_order_of_the_engine_rows(kg, monkeypatch, view):
    """Regression: the plan view once kept an institute's other areas only if its row came late enough
    (the persistent store returned the rows in another order and lost a node)."""
    from mfgkg.analysis import networks

    expected = kg.to_networkx(view)
    rows = networks._rows
    monkeypatch.setattr(networks, "_rows", lambda graph, text: list(reversed(rows(graph, text))))
    reordered = kg.to_networkx(view)
    assert sorted(reordered.nodes) == sorted(expected.nodes)
    assert sorted(reordered.edges(data="relation")) == sorted(expected.edges(data="relation"))


def test_projections_of_the_real_graph(kg):
    funding, plan, everything = kg.to_networkx("funding"), kg.to_networkx("plan"), kg.to_networkx("all")
    assert (funding.number_of_nodes(), funding.number_of_edges()) == (51, 57)
    assert (plan.number_of_nodes(), plan.number_of_edges()) == (70, 91)
    assert (everything.number_of_nodes(), everything.number_of_edges()) == (605, 857)
    partners = kg.to_networkx("partners")
    assert (partners.number_of_nodes(), partners.number_of_edges()) == (362, 437)
    assert not any(source == target for source, target in everything.edges)
    lift = funding.nodes["https://w3id.org/mfgkg/id/institute/lift"]
    assert (lift["name"], lift["state"], lift["established"], lift["type"]) == ("LIFT", "Michigan", "2014",
                                                                                  "Institute")
    mxd_edge = funding.edges["https://w3id.org/mfgkg/id/agency/dod", "https://w3id.org/mfgkg/id/institute/mxd"]
    # MxD's $80M (a later account) is an alternative to the preferred $70M, so it is not counted; the 2019
    # $10M and "at least $20M more" are inside the $60M ceiling, which they raise to at least $30M.
    assert mxd_edge == {"relation": "funds and sponsors", "commitments": 2, "federal_lower_usd": 100000000.0,
                        "federal_upper_usd": 130000000.0}


def test_real_funding_and_centrality(kg):
    funding = kg.to_networkx("funding")
    sponsors = [(r["agency"], r["institutes_sponsored"]) for r in records(analysis.funding_by_agency(funding))
                if r["institutes_sponsored"]]
    assert sponsors == [("DoD", 9), ("DOE", 7), ("DOC", 3)]
    top = records(analysis.centrality(funding))[:3]
    assert [(r["name"], r["degree"]) for r in top] == [("DoD", 9), ("MxD", 3), ("DOE", 7)]
    assert records(analysis.institute_similarity(funding)) == [
        {"institute_a": "CyManII", "institute_b": "MxD", "jaccard": 0.5,
         "shared_areas": "Cybersecurity in manufacturing"}]
    assert records(analysis.institute_communities(funding)) == [
        {"institutes": "CyManII | MxD", "size": 2,
         "technology_areas": "Cybersecurity in manufacturing | Digital manufacturing"}]
    assert records(analysis.funding_by_technology(funding))[:2] == [
        {"technology": "Digital manufacturing", "institutes": 4,
         "institute_names": "CESMII | CyManII | MxD | SMART USA", "sponsors": "DOC | DoD | DOE",
         "federal_lower_usd": 455000000.0, "federal_upper_usd": 555000000.0},
        {"technology": "Biomanufacturing", "institutes": 3, "institute_names": "BioFabUSA | BioMADE | NIIMBL",
         "sponsors": "DOC | DoD", "federal_lower_usd": 453400000.0, "federal_upper_usd": None}]
    states = {r["state"]: r["institutes"] for r in records(analysis.funding_by_state(funding))}
    assert (states["North Carolina"], states["New York"], states["Ohio"], states["(not recorded)"]) == (2, 3, 1, 2)


def test_departments_roll_up_their_offices_and_reconcile_their_money(kg):
    frame = records(analysis.funding_by_department(kg))
    assert [(r["department"], r["institutes_sponsored"], r["federal_lower_usd"], r["federal_upper_usd"], r["bound"],
             r["figures"]) for r in frame] == [
        ("DoD", 9, 940900000.0, None, "at least", 14),
        ("DOE", 7, 294000000.0, 504000000.0, "between", 9),
        ("DOC", 3, 519900000.0, 589900000.0, "between", 6),
        ("HHS", 0, 51000000.0, 51000000.0, "exact", 1)]
    by_query: dict[str, float] = {}
    for row in kg.run("funding-by-department").result.records():
        by_query[row["department"]] = by_query.get(row["department"], 0.0) + float(row["lower"])
    assert {r["department"]: r["federal_lower_usd"] for r in frame} == by_query


def test_real_objective_links_agree_with_the_saved_query(kg):
    links = analysis.objective_links(kg.to_networkx("plan"))
    from_networkx = [(r["objective_a"].split()[-1], r["objective_b"].split()[-1], r["shared"], r["via"])
                     for r in records(links)]
    from_sparql = [(r["objective_a_number"], r["objective_b_number"], r["shared"], r["via"])
                   for r in kg.run("objective-connections").result.records()]
    assert from_networkx == from_sparql
    assert from_networkx[0] == ("1.4", "1.5", 3, "AMMTO | DoD | DOE")


def test_real_paths_gaps_and_evolution(kg):
    plan, funding = kg.to_networkx("plan"), kg.to_networkx("funding")
    assert analysis.objective_paths(plan)["length"].value_counts().to_dict() == {4: 39, 2: 16}
    assert records(analysis.bridges(plan))[0] == {
        "name": "Strategic Plan for the Manufacturing USA Program", "type": "StrategicPlan",
        "parts_after_removal": 5, "smallest_part": 1}
    gaps = analysis.coverage_gaps(plan, funding, analysis.agencies_without_role(kg))
    # DARPA pays for a project but no source gives it a role in the program.
    assert gaps.groupby("gap").size().to_dict() == {"agency with no role": 1, "objective with no action": 11,
                                                    "objective with no metric": 11}
    evolution = analysis.plan_evolution(plan)
    assert [(r["edition"], r["goals"], r["objectives"], r["actions"]) for r in records(evolution["editions"])] == [
        ("2019", 4, 0, 0), ("2022", 3, 11, 0), ("2024", 4, 0, 6)]
    assert [r["relation"] for r in records(evolution["relations"])] == [
        "continues", "continues", "continues", "broadens", "replaces", "implements"]


def test_unknown_view_is_an_error(kg):
    with pytest.raises(QueryError, match="unknown view 'money'"):
        kg.to_networkx("money")


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_analyze_writes_report_and_valid_figures(tmp_path, fmt):
    result = run_cli("analyze", "--out", str(tmp_path), "--format", fmt)
    assert result.returncode == 0, result.stderr
    report = (tmp_path / f"report.{fmt}").read_text()
    figures = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert figures == [f"{name}.{ext}" for name in ("institutes_per_agency", "institutes_per_technology",
                                                     "metrics_over_years", "objective_network")
                       for ext in ("png", "svg")]
    for name in figures:
        path = tmp_path / "figures" / name
        if name.endswith(".png"):
            with Image.open(path) as image:
                image.verify()
                assert image.format == "PNG" and image.size[0] > 300
        else:
            assert ET.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    if fmt == "json":
        doc = json.loads(report)
        assert doc["Who funds what"]["findings"][0].startswith("DoD sponsors the most institutes (9)")
        assert doc["How objectives connect"]["tables"]["Shared items"][0]["via"] == "AMMTO | DoD | DOE"
        assert doc["Central nodes of the funding network"]["tables"]["Degree and betweenness"][0]["betweenness"] > 0.5
    elif fmt == "md":
        assert "DoD sponsors the most institutes (9)" in report and "](figures/objective_network.png)" in report
        # Regression: every float was printed with no decimals, so centralities and Jaccard values read 0.
        assert "| DoD | FederalAgency | 9 | 0.18 | 0.625 |" in report
        assert "| Lockheed Martin | company | 6 |" in report
    else:
        assert "<h2>Coverage gaps</h2>" in report and 'src="figures/metrics_over_years.svg"' in report
        assert "<td>0.625</td>" in report and "<td>$519,900,000</td>" in report


@pytest.mark.parametrize(("column", "value", "shown"), [
    ("betweenness", 0.44871, "0.449"), ("jaccard", 0.5, "0.5"), ("federal_commitment_usd", 340000000.0, "$340,000,000"),
    ("institutes", 12.0, "12"), ("members", 2500, "2,500"), ("fiscal_year", 2022, "2022"), ("name", "DoD", "DoD"),
    ("amount_usd", None, ""), ("share", float("nan"), "")])
def test_report_numbers_are_formatted_for_people(column, value, shown):
    from mfgkg.analysis.report import human

    assert human(column, value) == shown


def test_no_two_labels_of_the_plan_network_figure_overlap(kg):
    """Regression: the spring layout made labels collide. Every text box of the SVG (its width
    estimated generously from the font size) is disjoint from every other."""
    import re
    from itertools import combinations

    from mfgkg.analysis.report import _network

    _, svg = _network(kg.to_networkx("plan"))
    boxes = []
    for element in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text"):
        size = float(re.search(r"font-size: ([\d.]+)px", element.get("style")).group(1))
        x, y, text = float(element.get("x")), float(element.get("y")), element.text or ""
        boxes.append((text, x, y - size, x + 0.62 * size * len(text), y + 0.25 * size))
    assert len(boxes) == 70  # 63 node labels, 6 column headers, the title
    overlapping = [(a[0], b[0]) for a, b in combinations(boxes, 2)
                   if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]]
    assert overlapping == []
