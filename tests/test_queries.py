"""Every saved query answers with the exact rows the real data gives."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from mfgkg.data.namespaces import MFG as ONT
from mfgkg.data.namespaces import entity, vocab
from mfgkg.errors import QueryError
from mfgkg.kg import KnowledgeGraph
from mfgkg.prefixes import PREFIXES

MFG = PREFIXES["mfg"]

NETWORK = "Manufacturing USA network of institutes"
DOE = ["CESMII", "CyManII", "EPIXC", "IACMI - The Composites Institute", "PowerAmerica",
       "RAPID Manufacturing Institute", "REMADE Institute"]
DOD = ["AFFOA", "AIM Photonics", "ARM Institute", "America Makes", "BioFabUSA", "BioMADE", "LIFT", "MxD", "NextFlex"]


def rows(kg: KnowledgeGraph, name: str, columns: str, **params: object) -> list[tuple]:
    """The named columns (space-separated) of every row, as plain values."""
    wanted = columns.split()
    return [tuple(r[c] for c in wanted) for r in kg.run(name, params).result.records()]


def distinct(kg: KnowledgeGraph, name: str, column: str, **params: object) -> list:
    return sorted({r[0] for r in rows(kg, name, column, **params)})


# Each saved query must have a test below; test_every_saved_query_is_tested checks the list.
TESTED = {"who-funds-what", "institutes", "institute-profile", "technology-landscape", "plan-structure",
          "objective-connections", "objective-path", "metrics-by-year", "agency-roles", "plan-changes",
          "sources-of", "plans", "disagreements", "laws", "governance", "peer-programs", "institutes-by-state",
          "institutes-by-year", "funding-by-department", "bridging-organizations", "funding-ledger",
          "membership-coverage"}


def test_every_saved_query_is_tested(kg):
    assert set(kg.queries.names) == TESTED


def test_who_funds_what_doe(kg):
    assert distinct(kg, "who-funds-what", "institute", agency="DOE") == DOE
    assert rows(kg, "who-funds-what", "institute kind comparator amount start_year", agency="DOE")[:2] == [
        ("CESMII", "award", "exact", 70000000, "2016"),
        ("CyManII", "funding offer", "up to", 70000000, "2019"),
    ]
    assert len(kg.run("who-funds-what", {"agency": "DOE"}).result) == 11


def test_who_funds_what_dod_includes_its_sub_organizations(kg):
    assert distinct(kg, "who-funds-what", "institute", agency="DoD") == DOD
    assert distinct(kg, "who-funds-what", "agency", agency="DoD") == ["AFRL", "DARPA", "DoD", "ManTech"]


def test_who_funds_what_keeps_both_mxd_figures_and_marks_the_preferred_one(kg):
    mxd = [r for r in rows(kg, "who-funds-what", "institute start_year amount rank funding", agency="DOD")
           if r[0] == "MxD" and r[1] == "2014"]
    assert [(r[2], r[3]) for r in mxd] == [(80000000, "normal"), (70000000, "preferred")]


def test_who_funds_what_nist_covers_its_chips_office(kg):
    assert distinct(kg, "who-funds-what", "institute", agency="NIST") == [
        "AI-focused Manufacturing USA institute", "NIIMBL", "SMART USA"]
    assert ("CRDO", "SMART USA", "award", 285000000) in rows(
        kg, "who-funds-what", "agency institute kind amount", agency="NIST")


def test_who_funds_what_by_technology(kg):
    got = rows(kg, "who-funds-what", "institute technology_areas amount rank", technology="bioindustrial manufacturing")
    assert got == [("BioMADE", "Bioindustrial manufacturing", 87500000, "preferred"),
                   ("BioMADE", "Bioindustrial manufacturing", 87000000, "normal"),
                   ("BioMADE", "Bioindustrial manufacturing", 500000000, "normal"),
                   ("BioMADE", "Bioindustrial manufacturing", 450000000, "normal")]
    assert rows(kg, "who-funds-what", "technology_areas", agency="DOD", technology="digital manufacturing")[0] == (
        "Cybersecurity in manufacturing | Digital manufacturing",)


def test_who_funds_what_unfiltered_lists_every_federal_figure(kg):
    result = kg.run("who-funds-what").result
    assert len(result) == 47  # 43 of the institutes' own figures and 4 recorded on projects with their funder
    assert not {"cost share", "combined total"} & set(result.column("kind"))
    assert sum(1 for p in result.column("project") if p) == 4


def test_institutes_by_agency_and_year(kg):
    assert distinct(kg, "institutes", "institute", agency="Department of Energy") == DOE
    assert rows(kg, "institutes", "institute established", founded_before=2015) == [
        ("America Makes", "2012"), ("LIFT", "2014"), ("MxD", "2014"), ("PowerAmerica", "2014")]
    assert rows(kg, "institutes", "institute", agency="DOE", founded_after=2015) == [
        ("CESMII",), ("RAPID Manufacturing Institute",), ("REMADE Institute",), ("CyManII",), ("EPIXC",)]


def test_institutes_preferred_headquarters_and_filters(kg):
    lift = rows(kg, "institutes", "institute city state agency lead_organization status", founded_before=2015)[1]
    assert lift == ("LIFT", "Detroit", "Michigan", "DoD",
                    "American Lightweight Materials Manufacturing Innovation Institute", "established")
    assert rows(kg, "institutes", "institute city", state="OH") == [("America Makes", "Youngstown")]
    # Semiconductors include the narrower wide-bandgap power electronics of PowerAmerica.
    assert rows(kg, "institutes", "institute", technology="semiconductors") == [("PowerAmerica",), ("SMART USA",)]
    assert len(kg.run("institutes").result) == 19


def test_institute_profile_ranks_and_sources(kg):
    profile = rows(kg, "institute-profile", "fact value rank", institute="LIFT")
    assert ("headquarters", "Detroit, Michigan", "preferred") in profile
    assert ("headquarters", "Canton Township, Michigan", "deprecated") in profile
    assert ("funding: award", "exact USD 70000000 from Department of Defense (2014)", "normal") in profile
    sources = {r[0]: r[1] for r in rows(kg, "institute-profile", "value sources", institute="LIFT")}
    assert sources["Canton Township, Michigan"] == (
        "Detroit To Get $140 Million Metals Manufacturing Institute "
        "<https://detroit.cbslocal.com/2014/02/23/detroit-to-get-140-million-metals-manufacturing-institute/>")


def test_technology_landscape(kg):
    result = kg.run("technology-landscape").result
    assert len(result) == 23
    assert rows(kg, "technology-landscape", "technology broader institute_count institutes agencies")[:3] == [
        ("Digital manufacturing", "", 4, "CESMII | CyManII | MxD | SMART USA", "DOC | DoD | DOE"),
        ("Biomanufacturing", "", 3, "BioFabUSA | BioMADE | NIIMBL", "DOC | DoD"),
        ("Cybersecurity in manufacturing", "Digital manufacturing", 2, "CyManII | MxD", "DoD | DOE")]
    # 23 tags, and 7 more where a broad area counts the institutes of its narrower ones.
    assert sum(result.column("institute_count")) == 30


def test_plan_structure_editions(kg):
    plan_2024 = rows(kg, "plan-structure", "goal_number objective action_number")
    assert plan_2024 == [("1", None, None), ("2", None, None), ("3", None, "S5"), ("4", None, "S6"),
                         (None, None, "S1"), (None, None, "S2"), (None, None, "S3"), (None, None, "S4")]
    assert rows(kg, "plan-structure", "goal_number goal", plan="2019") == [
        ("1", "Increase the competitiveness of U.S. manufacturing."),
        ("2", "Facilitate the transition of innovative technologies into scalable, cost-effective, and "
              "high-performing domestic manufacturing capabilities."),
        ("3", "Accelerate the development of an advanced manufacturing workforce."),
        ("4", "Support business models that help institutes to become stable and sustainable."),
    ]
    nsam = rows(kg, "plan-structure", "goal_number objective_number",
                plan="National Strategy for Advanced Manufacturing")
    assert [r[1] for r in nsam] == ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3"]


def test_plan_structure_says_whose_numbers_and_words_the_2024_plan_shows(kg):
    """The 2024 titles come only from a third party's translated summary, and S1-S6 are the editors'
    numbers; the 2019 plan's goals are in the plan's own words and numbers."""
    plan_2024 = rows(kg, "plan-structure", "action_number numbered_by_editors titles_wording")
    assert plan_2024 == [(None, "", "third party's rendering")] * 2 + [
        (f"S{n}", "action", "third party's rendering") for n in (5, 6, 1, 2, 3, 4)]
    assert set(rows(kg, "plan-structure", "numbered_by_editors titles_wording", plan="2019")) == {("", "")}


def test_objective_connections(kg):
    assert rows(kg, "objective-connections", "objective_a_number objective_b_number link shared via") == [
        ("1.4", "1.5", "federal agency", 3, "AMMTO | DoD | DOE"),
        ("1.1", "1.2", "federal agency", 2, "AMMTO | DOE"),
        ("1.1", "1.4", "federal agency", 2, "AMMTO | DOE"),
        ("1.1", "1.5", "federal agency", 2, "AMMTO | DOE"),
        ("1.2", "1.4", "federal agency", 2, "AMMTO | DOE"),
        ("1.2", "1.5", "federal agency", 2, "AMMTO | DOE"),
        ("1.2", "1.3", "federal agency", 1, "DOC"),
        ("1.3", "1.4", "federal agency", 1, "DoD"),
        ("1.3", "1.5", "federal agency", 1, "DoD"),
    ]
    assert rows(kg, "objective-connections", "objective_a_number", plan="2019") == []


def test_objective_path(kg):
    assert rows(kg, "objective-path", "relation via objective_number", **{"from": "DOE"}) == [
        ("sponsors or manages an institute that serves", "REMADE Institute", "1.1"),
        ("sponsors or manages an institute whose technology area serves",
         "EPIXC (Electrification of industrial process heat, within Industrial decarbonization)", "1.1"),
        ("sponsors or manages an institute whose technology area serves", "EPIXC (Industrial decarbonization)", "1.1"),
        ("sponsors or manages an institute whose technology area serves",
         "REMADE Institute (Sustainable manufacturing)", "1.1"),
        ("sponsors or manages an institute whose technology area serves",
         "PowerAmerica (Wide-bandgap power electronics, within Semiconductors)", "1.2"),
        ("sponsors or manages an institute that serves", "IACMI - The Composites Institute", "1.4"),
        ("sponsors or manages an institute that serves", "CESMII", "1.5"),
        ("sponsors or manages an institute whose technology area serves", "CESMII (Smart manufacturing)", "1.5"),
    ]
    assert rows(kg, "objective-path", "relation via objective_number", from_="bioindustrial manufacturing") == [
        ("is part of a broader technology area that serves", "Biomanufacturing", "1.3")]
    action = rows(kg, "objective-path", "relation objective_number goal_number plan",
                  from_="https://w3id.org/mfgkg/id/plan/plan-2024/action-s5")
    assert action == [
        ("belongs to a goal that serves", "2.2", "2", "National Strategy for Advanced Manufacturing (2022)"),
        ("part of", None, "3", "Strategic Plan for the Manufacturing USA Program (2024)"),
    ]


def test_metrics_by_year_fy2022(kg):
    assert rows(kg, "metrics-by-year", "metric comparator value unit scope", fiscal_year="FY2022") == [
        ("Match / leverage ratio", "nearly", 3, "ratio", NETWORK),
        # Institutes' own member counts sit beside the network's, each row saying its scope.
        ("Member organizations", "exact", 141, "count", "Bioindustrial Manufacturing and Design Ecosystem"),
        ("Member organizations", "more than", 2500, "count", NETWORK),
        ("Member organizations", "more than", 200, "count",
         "National Institute for Innovation in Manufacturing Biopharmaceuticals"),
        ("Non-federal funding / cost share", "exact", 307000000, "U.S. dollars", NETWORK),
        ("Technical / applied R&D projects", "more than", 700, "count", NETWORK),
        ("Workforce and education participants", "more than", 106000, "count", NETWORK),
    ]


def test_metrics_by_year_says_which_figures_only_a_summary_of_the_report_gives(kg):
    via = {year: how for year, how, scope in rows(kg, "metrics-by-year", "fiscal_year via scope",
                                                  metric="member organizations") if scope == NETWORK}
    assert via == {"FY2017": "third party's rendering", "FY2018": "third party's rendering",
                   "FY2019": "third party's rendering", "FY2020": "third party's rendering", "FY2021": "",
                   "FY2022": "third party's rendering"}


def test_metrics_by_year_one_metric_with_disagreeing_sources(kg):
    network = [r[:3] for r in rows(kg, "metrics-by-year", "fiscal_year value rank scope", metric="member organizations")
               if r[3] == NETWORK]
    assert network == [
        ("FY2017", 1291, "normal"), ("FY2018", 1937, "normal"), ("FY2019", 1920, "normal"),
        ("FY2020", 2000, "normal"), ("FY2021", 2300, "preferred"), ("FY2021", 2000, "normal"),
        ("FY2022", 2500, "normal"),
    ]


def test_agency_roles(kg):
    assert rows(kg, "agency-roles", "agency role", agency="NIST") == [
        ("AMNPO", "managing office"), ("CRDO", "sponsor"), ("NIST", "coordinator"), ("NIST", "sponsor")]
    assert len(kg.run("agency-roles").result) == 29


def test_plan_changes(kg):
    assert rows(kg, "plan-changes", "earlier_number relation later_number basis") == [
        ("1", "continues", "1", "curated"), ("2", "continues", "2", "curated"),
        ("3", "continues", "3", "curated"), ("4", "broadens", "4", "curated"),
    ]
    assert all(kg.run("plan-changes").result.column("rationale"))


def test_sources_of_an_entity(kg):
    mxd = rows(kg, "sources-of", "fact issued locator", entity="id:funding/mxd-initial-federal")
    assert mxd == [("(whole record)", "2014-02-26", "para 1: DoD award of $70M"),
                   ("(whole record)", "2014-02-23", "para 1: $70M federal grant"),
                   ("(whole record)", "2014-02-22", "para 4: $70M of federal money for each of the two institutes")]
    cited_for = rows(kg, "sources-of", "fact cited_for", entity="NIIMBL")
    assert ("lead organization", "field") in cited_for and ("key fact", "field") in cited_for
    niimbl = rows(kg, "sources-of", "fact value rank url", entity="NIIMBL")
    lead = [r[1:] for r in niimbl if r[0] == "lead organization"]
    assert lead == [
        ("USA Bio LLC", "preferred", "https://paperzz.com/doc/8829356/niimbl-fact-sheet---manufacturing-usa"),
        ("USA Bio LLC", "preferred", "https://www.manufacturingusa.com/news/secretary-pritzker-announces-first-"
                                     "department-commerce-manufacturing-usa-institute-national"),
        ("University of Delaware", "normal", "https://paperzz.com/doc/8829356/niimbl-fact-sheet---manufacturing-usa"),
        ("University of Delaware", "normal", "https://research.udel.edu/2016/12/16/niimbl-announcement/"),
    ]


def test_plans(kg):
    assert rows(kg, "plans", "edition goals objectives actions replaces implements") == [
        ("2024", 4, 0, 6, "Manufacturing USA Strategic Plan (2019)",
         "National Strategy for Advanced Manufacturing (2022)"),
        ("2022", 3, 11, 0, None, None),
        ("2019", 4, 0, 0, None, None),
    ]


def test_disagreements(kg):
    # Every disputed fact is shown: test_facts_visible checks the whole answer against the claims.
    assert len(kg.run("disagreements").result) == 44
    assert rows(kg, "disagreements", "fact value rank", entity="LIFT") == [
        ("headquarters", "Detroit, Michigan", "preferred"),
        ("headquarters", "Canton Township, Michigan", "deprecated"),
        ("lead organization", "American Lightweight Materials Manufacturing Innovation Institute", "preferred"),
        ("lead organization", "Edison Welding Institute", "normal"),  # EWI, one organization wherever named
    ]


@pytest.mark.parametrize("spelling", ["DoD", "dod", "Department of Defense", " department  of defense ",
                                      "https://w3id.org/mfgkg/id/agency/dod", "id:agency/dod",
                                      "<https://w3id.org/mfgkg/id/agency/dod>"])
def test_natural_spellings_of_a_parameter_bind_the_same_entity(kg, spelling):
    answered = kg.run("institutes", {"agency": spelling})
    assert answered.unmatched == ()
    assert sorted(answered.result.column("institute")) == DOD


@pytest.mark.parametrize("hostile", ['"} ; DROP ALL ; {', "?x } UNION { ?s ?p ?o", "<http://x> } #", "'", "\\",
                                     "any\" || true || \"", "DoD\x00"])
def test_hostile_values_are_just_unmatched(kg, hostile):
    answered = kg.run("who-funds-what", {"agency": hostile})
    assert len(answered.result) == 0
    assert answered.unmatched and "no agency matches" in answered.unmatched[0]
    assert len(kg.run("institute-profile", {"institute": hostile}).result) == 0


def test_unknown_iri_is_unmatched(kg):
    answered = kg.run("institutes", {"agency": "https://example.org/agency/x"})
    assert len(answered.result) == 0 and answered.unmatched


@pytest.mark.parametrize(("name", "params", "message"), [
    ("who-funds-wat", {}, "unknown query 'who-funds-wat'; did you mean 'who-funds-what'?"),
    ("institutes", {"agencyy": "DoD"}, "query 'institutes': unknown parameter 'agencyy'"),
    ("institute-profile", {}, "query 'institute-profile': parameter 'institute' is required"),
    ("institutes", {"founded_before": "2015; DROP"}, "parameter 'founded_before': expected a year such as 2016"),
    ("institutes", {"founded_before": "15"}, "parameter 'founded_before': expected a four-digit year"),
])
def test_bad_names_and_values_raise_query_error(kg, name, params, message):
    with pytest.raises(QueryError) as error:
        kg.run(name, params)
    assert message in str(error.value)


def test_dataframes_for_notebooks(kg):
    frame = kg.query("institutes", agency="DOE")
    assert list(frame.columns) == list(kg.queries["institutes"].column_names)
    assert sorted(frame["institute"]) == DOE
    ad_hoc = kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?i a mfg:Institute }")
    assert ad_hoc["n"].tolist() == [19]
    assert kg.sparql("ASK { id:institute\\/lift mfg:sponsor id:agency\\/dod }")
    construct = kg.sparql("CONSTRUCT { ?i mfg:sponsor ?a } WHERE { ?i mfg:sponsor ?a }")
    assert len(construct) == 19
    assert len(kg.graph) == len(kg)


def test_ad_hoc_syntax_error_is_one_line(kg):
    with pytest.raises(QueryError) as error:
        kg.run_sparql("SELECT ?x WHERE { ?x ")
    assert str(error.value).startswith("SPARQL syntax error") and "\n" not in str(error.value)


def test_updates_are_refused(kg):
    with pytest.raises(QueryError):
        kg.run_sparql("DELETE WHERE { ?s ?p ?o }")
    assert len(kg) == len(kg.graph)


def test_new_parameters_of_institutes_who_funds_what_and_agency_roles(kg):
    assert rows(kg, "institutes", "institute", founded_in=2014, city="RALEIGH") == [("PowerAmerica",)]
    assert rows(kg, "institutes", "institute status", status="Announced") == [
        ("AI-focused Manufacturing USA institute", "announced")]
    assert [r["institute"] for r in kg.run("institutes", {"founded_in": "FY2016"}).result.records()] == [
        "AFFOA", "BioFabUSA", "CESMII", "NIIMBL", "RAPID Manufacturing Institute"]
    mxd = rows(kg, "who-funds-what", "agency institute", institute="MxD")
    assert len(mxd) == 6 and set(mxd) == {("DoD", "MxD")}  # five figures and the UMBC project's money
    assert [r[0] for r in rows(kg, "agency-roles", "agency role", role="SPONSOR")] == [
        "CRDO", "DOC", "DOE", "DoD", "EERE", "ManTech", "NIST"]
    assert rows(kg, "agency-roles", "agency role", role="SPONSOR", source="GAO") == [("DOC", "sponsor")]


def test_laws(kg):
    assert rows(kg, "laws", "law enacted amends authorizes requires") == [
        ("National Institute of Standards and Technology Act", None, "", "Manufacturing USA", ""),
        ("Revitalize American Manufacturing and Innovation Act of 2014", "2014-12-16",
         "National Institute of Standards and Technology Act", "Manufacturing USA",
         "Annual report to Congress on Manufacturing USA | Comptroller General (GAO) assessments of the program | "
         "Program strategic plan and its update cycle"),
        ("National Defense Authorization Act for Fiscal Year 2020", "2019-12-20",
         "National Institute of Standards and Technology Act", "Manufacturing USA", ""),
        ("Public Law 116-283, division H, title XCIV, section 9415 (coordination with Hollings Manufacturing "
         "Extension Partnership centers)", "2021-01-01", "", "", ""),
        ("CHIPS and Science Act", "2022-08-09", "National Institute of Standards and Technology Act",
         "Manufacturing USA", "Domestic-production and foreign-participation policies"),
        ("James M. Inhofe National Defense Authorization Act for Fiscal Year 2023", "2022-12-23",
         "National Institute of Standards and Technology Act", "", ""),
    ]
    assert rows(kg, "laws", "citation")[4] == ("Pub. L. 117-167 (H.R. 4346), div. B, title II, 10261 and 10263 "
                                                "(amending 15 U.S.C. 278s); 42 U.S.C. 18971-18972 (Part D, "
                                                "Manufacturing USA Program)",)
    assert all(kg.run("laws").result.column("summary"))


def test_governance(kg):
    bodies = rows(kg, "governance", "kind name hosted_by members required_by")
    assert len(bodies) == 14 and [b[0] for b in bodies].count("governing body") == 5
    assert bodies[0] == ("governing body", "Advanced Manufacturing National Program Office Interagency Working Team",
                         "AMNPO", "DoD | DOE | NIST | NSF", "")
    assert [(b[1], b[4]) for b in bodies if b[4]] == [
        ("Annual report to Congress on Manufacturing USA",
         "Revitalize American Manufacturing and Innovation Act of 2014"),
        ("Comptroller General (GAO) assessments of the program",
         "Revitalize American Manufacturing and Innovation Act of 2014"),
        ("Domestic-production and foreign-participation policies", "CHIPS and Science Act"),
        ("Program strategic plan and its update cycle", "Revitalize American Manufacturing and Innovation Act of 2014"),
    ]
    assert rows(kg, "governance", "name", agency="NIST") == [
        ("Advanced Manufacturing National Program Office Interagency Working Team",),
        ("Council for coordination of institutes",)]


def test_bridging_organizations(kg, graph):
    assert rows(kg, "bridging-organizations", "organization institute_count", min_institutes=5) == [
        ("Lockheed Martin", 6), ("National Renewable Energy Laboratory", 5), ("The Ohio State University", 5)]
    assert rows(kg, "bridging-organizations", "organization kind institute_count institutes", institute="LIFT",
                kind="university") == [
        ("The Ohio State University", "university or college", 5,
         "America Makes | ARM Institute | BioFabUSA | LIFT | REMADE Institute"),
        # MIT's ARM link is its laboratory's (MIT CSAIL, a sub-unit with a node of its own).
        ("Massachusetts Institute of Technology", "university or college", 4,
         "AFFOA | AIM Photonics | LIFT | REMADE Institute"),
        ("Case Western Reserve University", "university or college", 3, "America Makes | LIFT | REMADE Institute"),
        ("Michigan State University", "university or college", 3,
         "IACMI - The Composites Institute | LIFT | REMADE Institute")]
    # Property over every organization: listed exactly when it is a member of, runs, or works in a
    # project of two or more institutes (read from the rdflib graph), with that count.
    linked: dict[str, set[str]] = {}
    for relation in ("memberOf", "operates"):
        for org, institute in graph.subject_objects(URIRef(MFG + relation)):
            linked.setdefault(str(org), set()).add(str(institute))
    for project, org in graph.subject_objects(URIRef(MFG + "participant")):
        for institute in graph.objects(project, URIRef(MFG + "performedBy")):
            linked.setdefault(str(org), set()).add(str(institute))
    answer = {r["iri"]: r["institute_count"] for r in kg.run("bridging-organizations").result.records()}
    assert answer == {org: len(i) for org, i in linked.items() if len(i) >= 2} and len(answer) == 57


def test_peer_programs(kg):
    assert rows(kg, "peer-programs", "program short_name country") == [
        ("Industrial Research Assistance Program", "IRAP", "CA"),
        ("Manufacturing Innovation Centers (China)", "MICs", "CN"),
        ("Fraunhofer-Gesellschaft", None, "DE"),
        ("Carnot initiative", None, "FR"),
        ("Catapult centres", None, "GB"),
        ("High Value Manufacturing Catapult", "HVM Catapult", "GB"),
        ("Technoparks (South Korea)", None, "KR"),
        ("Industrial Technology Research Institute", "ITRI", "TW"),
    ]
    assert [r[0] for r in rows(kg, "peer-programs", "program", country="gb")] == [
        "Catapult centres", "High Value Manufacturing Catapult"]
    facts = {r["program"]: r["key_facts"].split(" | ") for r in kg.run("peer-programs").result.records()}
    assert len(facts["Fraunhofer-Gesellschaft"]) == 10


def test_institutes_by_state_and_by_year(kg):
    by_state = rows(kg, "institutes-by-state", "state institutes names")
    assert by_state[:4] == [
        ("New York", 3, "AIM Photonics | RAPID Manufacturing Institute | REMADE Institute"),
        ("(not recorded)", 2, "AI-focused Manufacturing USA institute | EPIXC"),
        ("California", 2, "CESMII | NextFlex"), ("North Carolina", 2, "PowerAmerica | SMART USA")]
    assert len(by_state) == 14 and sum(r[1] for r in by_state) == 19
    by_year = rows(kg, "institutes-by-year", "year institutes departments")
    assert by_year == [("2012", 1, "DoD"), ("2014", 3, "DoD | DOE"), ("2015", 3, "DoD | DOE"),
                       ("2016", 5, "DOC | DoD | DOE"), ("2017", 2, "DoD | DOE"), ("2020", 2, "DoD | DOE"),
                       ("2023", 1, "DOE"), ("2025", 1, "DOC"), ("(not recorded)", 1, "DOC")]


def test_funding_by_department(kg):
    doc = rows(kg, "funding-by-department", "department year year_basis figures lower upper open_ended approximate "
               "institutes", department="Commerce")
    assert doc == [
        ("DOC", 2017, "calendar", 1, 70000000, 70000000, 0, 0, "NIIMBL"),
        ("DOC", 2020, "fiscal", 1, 8900000, 8900000, 0, 1, "NIIMBL"),
        # The $83M for coronavirus projects is inside the $153M renewal: counted once.
        ("DOC", 2021, "calendar", 1, 153000000, 153000000, 0, 0, "NIIMBL"),
        ("DOC", 2022, "calendar", 1, 3000000, 3000000, 0, 0, "NIIMBL"),
        # SMART USA's planned "at least $200M" is superseded by its 2025 award; "up to" stays "up to".
        ("DOC", 2024, "calendar", 1, 0, 70000000, 0, 0, "AI-focused Manufacturing USA institute"),
        ("DOC", 2025, "calendar", 1, 285000000, 285000000, 0, 0, "SMART USA"),
    ]
    dod = rows(kg, "funding-by-department", "department year figures lower upper open_ended institutes")
    # MxD's $80M from a later account is an alternative to the preferred $70M, and LIFT's $70M is inside
    # its later "more than $100M" cumulative figure: only MxD's $70M counts for 2014.
    assert [r for r in dod if r[:2] == ("DoD", 2014)] == [("DoD", 2014, 1, 70000000, 70000000, 0, "MxD")]
    # LIFT's "more than $100M" has no upper bound, so 2019 is at least $130M (the $60M is MxD's ceiling's).
    assert [r for r in dod if r[:2] == ("DoD", 2019)] == [("DoD", 2019, 2, 130000000, 60000000, 1, "LIFT | MxD")]


def test_funding_ledger(kg):
    mxd = rows(kg, "funding-ledger", "kind amount status lower upper", institute="MxD")
    assert [r for r in mxd if r[2] == "counted"] == [("award", 70000000, "counted", 70000000, 70000000),
                                                   ("ceiling", 60000000, "counted", 30000000, 60000000),
                                                   ("cost share", 250000000, "counted", 250000000, 250000000)]
    assert len(mxd) == 10
    assert len(kg.run("funding-ledger").result) == 113
    assert distinct(kg, "funding-ledger", "institute", agency="DOC") == [
        "AI-focused Manufacturing USA institute", "NIIMBL", "SMART USA"]


def test_institutes_say_which_of_their_facts_are_disputed(kg):
    """Property over every institute: the `disputed` column names exactly the row's facts that the
    disagreements query lists for it, and the exact rows for the institutes with two."""
    shown = {"sponsor", "headquarters", "founded", "lead organization"}
    rows_ = kg.run("institutes").result.records()
    for row in rows_:
        listed = {r["fact"] for r in kg.run("disagreements", {"entity": row["iri"]}).result.records()}
        assert set(filter(None, row["disputed"].split(" | "))) == listed & shown, row["institute"]
    assert sorted((r["institute"], r["disputed"]) for r in rows_ if " | " in r["disputed"]) == [
        ("LIFT", "headquarters | lead organization"), ("NIIMBL", "founded | lead organization")]


@pytest.mark.parametrize(("name", "fact", "expected"), [
    ("institutes-by-year", "founded", {"2014": "PowerAmerica",
                                       "2016": "BioFabUSA | NIIMBL | RAPID Manufacturing Institute",
                                       "2020": "BioMADE | CyManII", "2025": "SMART USA"}),
    ("institutes-by-state", "headquarters", {"New York": "AIM Photonics", "Michigan": "LIFT"}),
])
def test_counts_by_state_and_year_name_their_disputed_institutes(kg, name, fact, expected):
    """Property over every row: `disputed` names exactly the row's institutes whose founding date
    (headquarters) the disagreements query lists, so a count resting on a disputed value says so."""
    disputed = {r["entity"] for r in kg.run("disagreements").result.records() if r["fact"] == fact}
    label_of = {r["name"]: r["institute"] for r in kg.run("institutes").result.records()}
    answer = kg.run(name).result.records()
    for row in answer:
        in_row = set(row["names"].split(" | "))
        assert set(filter(None, row["disputed"].split(" | "))) == {label_of[n] for n in disputed} & in_row
    assert {r.get("year") or r["state"]: r["disputed"] for r in answer if r["disputed"]} == expected


def test_membership_coverage(kg, graph):
    """Property over every institute: recorded members are exactly the organizations the graph says
    are members, and the stated count is the latest non-deprecated one; then the exact rows."""
    members, deprecated = URIRef(entity("metric", "member-organizations")), URIRef(vocab("rank", "deprecated"))
    answer = kg.run("membership-coverage").result.records()
    assert len(answer) == 19
    for row in answer:
        institute = URIRef(row["iri"])
        assert row["recorded_members"] == len(set(graph.subjects(ONT.memberOf, institute))), row["institute"]
        counts = [(int(graph.value(year, ONT.year)), int(graph.value(o, ONT.value)))
                  for o in graph.subjects(ONT.scope, institute)
                  if graph.value(o, ONT.metric) == members and graph.value(o, ONT.rank) != deprecated
                  for year in [graph.value(o, ONT.fiscalYear)]]
        assert row["stated_members"] == (max(counts)[1] if counts else None), row["institute"]
    stated = [(r["institute"], r["recorded_members"], r["comparator"], r["stated_members"], r["fiscal_year"],
               r["percent_recorded"]) for r in answer if r["stated_members"]]
    assert stated == [
        ("AFFOA", 16, "exact", 156, "FY2023", 10),
        ("AIM Photonics", 12, "exact", 82, "FY2023", 15),
        ("ARM Institute", 27, "more than", 260, "FY2020", 10),
        ("America Makes", 19, "exact", 220, "FY2020", 9),
        ("BioMADE", 10, "more than", 300, "FY2025", 3),
        ("IACMI - The Composites Institute", 27, "more than", 150, "FY2019", 18),
        ("MxD", 21, "about", 230, "FY2016", 9),
        ("NIIMBL", 10, "more than", 200, "FY2022", 5),
        ("REMADE Institute", 16, "exact", 167, "FY2024", 10),
        ("SMART USA", 19, "exact", 121, "FY2026", 16),
    ]
    assert sum(r["recorded_members"] for r in answer) == 262
    assert rows(kg, "membership-coverage", "institute stated_members", institute="IACMI") == [
        ("IACMI - The Composites Institute", 150)]


@pytest.mark.parametrize(("name", "params", "note"), [
    ("peer-programs", {"country": "Germany"},
     "no rows: nothing recorded matches country=Germany; 'mfgkg queries peer-programs' shows what the parameter "
     "accepts"),
    ("institutes", {"status": "active", "city": "Youngstown"},
     "no rows: nothing recorded matches status=active and city=Youngstown together; try each filter alone"),
])
def test_an_empty_answer_says_why(kg, name, params, note):
    answered = kg.run(name, params)
    assert len(answered.result) == 0 and answered.notes[-1] == note


def test_an_answer_built_from_a_sample_says_so(kg):
    """Every answer of a query whose header declares what the sources leave out carries that note;
    other answers carry none."""
    answered = kg.run("bridging-organizations", {"min_institutes": 6})
    assert len(answered.result) == 1 and answered.notes[-1].startswith("Memberships are a sample:")
    assert kg.run("institutes").notes == ()


def test_closed_list_parameters_resolve_names_and_say_what_they_take(kg):
    """Roles and statuses are resolved like entities: a plural or a near spelling is read and said so;
    a value outside the list is named with the values it takes."""
    sponsors = kg.run("agency-roles", {"role": "sponsors"})
    assert {r["role"] for r in sponsors.result.records()} == {"sponsor"} and len(sponsors.result) == 7
    assert sponsors.notes == ("query 'agency-roles': parameter 'role': read 'sponsors' as 'sponsor'",)
    active = kg.run("institutes", {"status": "active"})
    assert len(active.result) == 0
    assert active.notes[0] == ("query 'institutes': parameter 'status': no status matches 'active'; "
                               "it takes 'announced', 'established'")
    assert [r["institute"] for r in kg.run("institutes", {"status": "Announced"}).result.records()] == [
        "AI-focused Manufacturing USA institute"]
