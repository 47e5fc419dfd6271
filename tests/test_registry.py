"""The entity-type registry is the one definition of each type: every class the graph has
instances of is in it, and seeds, builder, parameters, networks and exports all read it."""

from __future__ import annotations

from conftest import select
from mfgkg.analysis.networks import NODE_TYPES
from mfgkg.data import registry
from mfgkg.data.builder import KINDS
from mfgkg.data.seeds import SECTIONS
from mfgkg.publish.style import COLOURS
from mfgkg.query.params import ENTITY_CLASSES

MFG = "https://w3id.org/mfgkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def test_every_class_with_instances_has_an_entry(graph):
    """Every project or SKOS class that has instances in the built graph is an entity type's class,
    or a vocabulary class the registry names as such."""
    used = {row[0] for row in select(graph, "SELECT DISTINCT ?c WHERE { ?x a ?c }")
            if row[0].startswith((MFG, SKOS))}
    known = {c for t in registry.TYPES for c in t.classes} | set(registry.VOCABULARY_CLASSES)
    assert used - known == set()
    assert len(used) >= 30


def test_every_entry_names_a_class_the_ontology_defines():
    """No entry names a class the ontology does not define."""
    from mfgkg import paths
    from mfgkg.data.builder import ontology_graph

    ontology = ontology_graph(paths.ontology_dir())
    defined = {str(s) for s in ontology.subjects()}
    assert {c for t in registry.TYPES for c in t.classes if c.startswith(MFG)} - defined == set()


def test_the_other_modules_read_the_registry():
    sectioned = [t for t in registry.TYPES if t.section]
    assert {t.section: (t.id_field, t.fields) for t in sectioned} == SECTIONS
    assert {t.section: t.kind for t in sectioned if t.kind} == KINDS
    assert {**{t.parameter: t.classes[0] for t in registry.TYPES if t.parameter}, "entity": None} == ENTITY_CLASSES
    assert set(NODE_TYPES) == {t.node_type for t in registry.TYPES if t.node}
    assert {t.node_type: t.colour for t in registry.TYPES if t.colour} == COLOURS


def test_build_order_respects_every_dependency():
    order = [t.name for t in registry.build_order()]
    assert sorted(order) == sorted(t.name for t in registry.TYPES if t.section)
    for entity_type in registry.build_order():
        for earlier in entity_type.after:
            assert order.index(earlier) < order.index(entity_type.name), (earlier, entity_type.name)


def test_plain_sections_are_built_from_their_field_tables_alone(graph):
    """For every field with a property (``via``), each seeded record has that property in the graph."""
    from mfgkg import paths
    from mfgkg.data.seeds import load

    seeds = load(paths.seeds_dir())
    checked = 0
    for entity_type in registry.TYPES:
        if not entity_type.section or entity_type.hook:
            continue
        for record in seeds.section(entity_type.section):
            node = f"https://w3id.org/mfgkg/id/{entity_type.kind}/{record.data['id']}"
            for key, spec in entity_type.fields.items():
                if spec.via and key in record.data:
                    query = f"SELECT ?c WHERE {{ ?c rdf:subject <{node}> ; rdf:predicate <{spec.via}> }}"
                    assert select(graph, query), (node, key)
                    checked += 1
    assert checked > 150


PROJECTS = """
projects:
- id: test-project
  label: A test project
  institute: lift
  participants:
  - Test University
  - Test Foundry Inc. (TFI)
  technology_area: lightweight-metals
  fiscal_year: 2022
  cite:
  - src: grayscale-mfgusa-plan-2024-summary
memberships:
- organization: Test University
  institute: lift
  cite:
  - src: grayscale-mfgusa-plan-2024-summary
"""


def test_projects_and_memberships_can_be_recorded(seed_copy):
    """One record each of projects and memberships, added beside the real ones, builds to sourced
    facts that the shapes accept."""
    from mfgkg.data.builder import build_graph
    from mfgkg.shapes.validate import run, shapes_graph

    (seed_copy / "seeds" / "test-records.yaml").write_text(PROJECTS)
    graph = build_graph(seed_copy / "seeds", seed_copy / "ontology")
    project = "https://w3id.org/mfgkg/id/project/test-project"
    rows = select(graph, f"""SELECT ?institute ?year ?area (COUNT(DISTINCT ?who) AS ?n) WHERE {{
        <{project}> a mfg:Project ; mfg:performedBy ?institute ; mfg:fiscalYear/mfg:year ?year ;
                    mfg:projectArea ?area ; mfg:participant ?who }} GROUP BY ?institute ?year ?area""")
    assert rows == [("https://w3id.org/mfgkg/id/institute/lift", "2022",
                     "https://w3id.org/mfgkg/id/technology/lightweight-metals", "2")]
    member = select(graph, """SELECT ?org ?source WHERE { ?org mfg:memberOf id:institute/lift .
        FILTER(?org = id:organization/test-university)
        ?claim rdf:subject ?org ; rdf:predicate mfg:memberOf ; prov:wasDerivedFrom ?source }""")
    assert member == [("https://w3id.org/mfgkg/id/organization/test-university",
                       "https://w3id.org/mfgkg/id/source/grayscale-mfgusa-plan-2024-summary")]
    report = run(graph, shapes_graph(seed_copy / "ontology"))
    assert [f for f in report.violations if "project" in f.focus or "test-university" in f.focus] == []
