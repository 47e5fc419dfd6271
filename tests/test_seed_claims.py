"""Every claim of the seed document (seeds/000_*.txt) is answerable from the graph by SPARQL."""

from __future__ import annotations

from conftest import ask, column, select

ID = "https://w3id.org/mfgkg/id/"


def test_the_2024_plan_counts_17_institutes(graph):
    assert select(graph, "SELECT ?n WHERE { id:plan/plan-2024 mfg:reportedInstituteCount ?n }") == [("17",)]


def test_17_established_institutes_predate_the_plans_announced_ones(graph):
    rows = select(graph, """
        SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE {
            ?i a mfg:Institute ; mfg:status v:status-established .
            FILTER NOT EXISTS { id:plan/plan-2024 mfg:plannedInstitute ?i }
        }""")
    assert rows == [("17",)]


def test_three_sponsoring_departments(graph):
    sponsors = column(graph, """
        SELECT DISTINCT ?d WHERE {
            ?i a mfg:Institute ; mfg:status v:status-established ; mfg:sponsor ?d .
            FILTER NOT EXISTS { id:plan/plan-2024 mfg:plannedInstitute ?i } }""")
    assert sponsors == [ID + "agency/doc", ID + "agency/dod", ID + "agency/doe"]


def test_named_technology_fields_have_institutes(graph):
    rows = select(graph, """
        SELECT ?tech (GROUP_CONCAT(STRAFTER(STR(?i), "institute/"); separator=",") AS ?who) WHERE {
            ?i mfg:technologyArea ?t . ?t skos:prefLabel ?tech .
            VALUES ?t { id:technology/additive-manufacturing id:technology/digital-manufacturing
                        id:technology/advanced-composites id:technology/biopharmaceutical-manufacturing }
        } GROUP BY ?tech ORDER BY ?tech""")
    assert [r[0] for r in rows] == ["Additive manufacturing", "Advanced composites",
                                    "Biopharmaceutical manufacturing", "Digital manufacturing"]
    assert [r[1] for r in rows] == ["america-makes", "iacmi", "niimbl", "mxd"]


def test_four_goals_in_the_2024_plan(graph):
    rows = select(graph, "SELECT ?n WHERE { id:plan/plan-2024 mfg:hasGoal/mfg:number ?n } ORDER BY ?n")
    assert rows == [("1",), ("2",), ("3",), ("4",)]


def fy2022(graph, metric):
    return select(graph, f"""
        SELECT ?value ?cmp WHERE {{
            ?o mfg:metric id:metric/{metric} ; mfg:fiscalYear/mfg:year 2022 ; mfg:scope ?scope ;
               mfg:value ?value ; mfg:comparator/rdfs:label ?cmp .
            ?scope a mfg:Network . }}""")


def test_fy2022_members_projects_funds_ratio_trained(graph):
    assert fy2022(graph, "member-organizations") == [("2500", "more than")]
    assert fy2022(graph, "rd-projects") == [("700", "more than")]
    assert fy2022(graph, "nonfederal-funding") == [("307000000", "exact")]
    assert fy2022(graph, "nonfederal-to-federal-ratio") == [("3", "nearly")]
    assert fy2022(graph, "workforce-participants") == [("106000", "more than")]


def test_two_planned_institutes(graph):
    planned = column(graph, "SELECT ?i WHERE { id:plan/plan-2024 mfg:plannedInstitute ?i }")
    assert planned == [ID + "institute/ai-resilient-manufacturing", ID + "institute/smart-usa"]
    techs = column(graph, """SELECT ?t WHERE { id:plan/plan-2024 mfg:plannedInstitute/mfg:technologyArea ?t }""")
    assert ID + "technology/digital-twins" in techs and ID + "technology/artificial-intelligence" in techs


def test_plan_implements_the_national_strategy(graph):
    assert ask(graph, "ASK { id:plan/plan-2024 mfg:implements id:plan/nsam-2022 }")
