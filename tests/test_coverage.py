"""Field coverage (`mfgkg coverage`, seeds/known-gaps.md) and who works with whom (organizations,
memberships, projects), checked against the graph read independently with rdflib."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from rdflib import RDF, RDFS, SKOS, URIRef
from rdflib.namespace import PROV

from conftest import ROOT
from mfgkg.analysis import coverage
from mfgkg.data.namespaces import MFG
from test_cli import mfgkg


@pytest.fixture(scope="module")
def detail(kg):
    return coverage.by_entity(kg)


def test_every_row_counts_what_the_graph_holds(graph, detail):
    """Property over every entity and expected field: the values and cited sources counted through
    SPARQL equal those read from the rdflib graph, and the state follows from them."""
    sources: dict[tuple, set] = defaultdict(set)
    ranks: dict[tuple, set] = defaultdict(set)
    for claim in graph.subjects(RDF.type, MFG.Claim):
        key = (graph.value(claim, RDF.subject), graph.value(claim, RDF.predicate))
        ranks[key].add(graph.value(claim, MFG.rank))
        sources[key].update(graph.objects(claim, PROV.wasDerivedFrom))
    fields = {t.name: coverage.expected_fields(t) for t in coverage.entity_types()}
    for row in detail.itertuples():
        entity, prop = URIRef(row.entity), URIRef(fields[row.type][row.field])
        values = len(set(graph.objects(entity, prop)))
        assert (row.values, row.sources) == (values, len(sources[(entity, prop)])), row
        state = ("disputed" if len(ranks[(entity, prop)]) > 1 else "empty" if not values
                 else "sourced" if sources[(entity, prop)] else "filled")
        assert row.state == state, row


def test_coverage_by_type_of_the_real_graph(detail):
    table = coverage.by_type(detail).set_index("type")
    assert table.loc["institute"].tolist() == [19, 14, 226, 1, 16, 23, 0.914]
    assert table.loc["project"][["entities", "fields"]].tolist() == [81, 14]
    assert list(table.index) == ["program", "agency", "organization", "institute", "technology", "plan",
                                 "strategy", "metric", "body", "mechanism", "law", "peer", "project"]


def test_coverage_command_end_to_end(tmp_path):
    result = mfgkg("coverage", "--by", "type", "--format", "csv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "type,entities,fields,sourced,filled,disputed,empty,filled_share"
    assert "institute,19,14,226,1,16,23,0.914" in lines
    empty = json.loads(mfgkg("coverage", "--by", "entity", "--type", "institute", "--state", "empty",
                             "--format", "json").stdout)
    assert {r["field"] for r in empty if r["label"] == "AI for Resilient Manufacturing Institute"} == {
        "acronyms", "website", "established", "hq", "lead_organization", "ordinal"}
    bad = mfgkg("coverage", "--type", "widget")
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        "error: unknown entity type 'widget' (choose from program, agency, organization, institute, technology, "
        "plan, strategy, metric, body, mechanism, law, peer, project)"]


def test_known_gaps_page_is_generated_and_current(tmp_path):
    """seeds/known-gaps.md cannot drift from the data: it must equal what the command writes."""
    out = tmp_path / "known-gaps.md"
    result = mfgkg("coverage", "--known-gaps", str(out))
    assert result.returncode == 0 and result.stdout.strip() == f"wrote {out}"
    text = out.read_text()
    assert text == (ROOT / "seeds" / "known-gaps.md").read_text(), (
        "stale: run `mfgkg coverage --known-gaps seeds/known-gaps.md` and commit")
    assert "| institute | 19 | 14 | 226 | 1 | 16 | 23 | 91% |" in text
    assert "### seeds/projects.yaml" in text


# ---- who works with whom -----------------------------------------------------------------------

def test_no_two_organizations_share_a_name(graph):
    """Regression: the same organization named two ways (EWI, Edison Welding Institute) became two
    nodes, and lead-organization values carried descriptions ("MxD (independent non-profit, ...)")
    that were split into a bogus acronym. Every name of an organization now belongs to one node."""
    owners: dict[str, set] = defaultdict(set)
    for org in graph.subjects(RDF.type, MFG.Organization):
        for prop in (RDFS.label, SKOS.altLabel, MFG.acronym):
            for name in graph.objects(org, prop):
                owners[str(name).casefold()].add(org)
    assert {name: orgs for name, orgs in owners.items() if len(orgs) > 1} == {}
    assert not any("non-profit" in str(a) for a in graph.objects(None, MFG.acronym))


def test_memberships_and_projects_are_recorded_and_sourced(graph):
    memberships = list(graph.subject_objects(MFG.memberOf))
    projects = set(graph.subjects(RDF.type, MFG.Project))
    assert (len(memberships), len({i for _, i in memberships}), len(projects)) == (262, 18, 81)
    cited = {(graph.value(c, RDF.subject), graph.value(c, RDF.object))
             for c in graph.subjects(RDF.predicate, MFG.memberOf) if graph.value(c, PROV.wasDerivedFrom)}
    assert set(memberships) <= cited
    for project in projects:
        assert graph.value(project, MFG.performedBy) is not None and graph.value(project, MFG.participant), project
        lead = graph.value(project, MFG.projectLead)
        assert lead is None or (project, MFG.participant, lead) in graph, project


def test_an_organization_named_by_any_of_its_names_is_one_node(graph):
    """LIFT's lead organization is written "EWI" in the institutes file; the memberships file names
    Edison Welding Institute; both are the one organization, which a source also lists as publisher."""
    ewi = URIRef("https://w3id.org/mfgkg/id/organization/edison-welding-institute")
    lift = URIRef("https://w3id.org/mfgkg/id/institute/lift")
    claimed = {graph.value(c, RDF.object) for c in graph.subjects(RDF.predicate, MFG.leadOrganization)
               if graph.value(c, RDF.subject) == lift}
    assert ewi in claimed and (ewi, MFG.memberOf, lift) in graph
    assert ewi in set(graph.objects(None, URIRef("http://purl.org/dc/terms/publisher")))


def test_two_organizations_claiming_one_name_is_a_one_line_error(seed_copy):
    path = seed_copy / "seeds" / "organizations.yaml"
    text = path.read_text()
    find = "- id: boeing-company\n"
    assert text.count(find) == 1
    path.write_text(text.replace(find, find + "  acronyms: [MIT]\n"))
    result = mfgkg("build", "--out", str(seed_copy / "out"), cwd=seed_copy)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: seeds/organizations.yaml: entity 'massachusetts-institute-of-technology': field 'alt_labels': "
        "the name 'MIT' is also another organization's"]
    assert not (seed_copy / "out").exists()


def test_no_project_records_a_year_its_source_does_not_state():
    """Regression: a project's award year was inferred from the release's context and recorded as a
    fact. A year the source does not give stays out, and the note says why."""
    import yaml

    projects = yaml.safe_load((ROOT / "seeds" / "projects.yaml").read_text())["projects"]
    assert [p["id"] for p in projects if "awarded" in p and "nferred" in p.get("note", "")] == []
    wound = next(p for p in projects if p["id"] == "nextflex-printed-fhe-smart-wound-dressing-pc-1-0")
    assert "awarded" not in wound and wound["note"].startswith("Award year not recorded")
