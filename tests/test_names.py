"""Parameter values as people type them: words, plurals, close spellings, ambiguity and suggestions."""

from __future__ import annotations

import pytest

from mfgkg.errors import QueryError, UnmatchedValue
from mfgkg.query.names import Names, stem, words
from mfgkg.query.params import ENTITY_CLASSES, Resolver
from test_cli import mfgkg as run_cli

ID = "https://w3id.org/mfgkg/id/"


def test_stems_and_words():
    assert [stem(w) for w in ("institutes", "robots", "technologies", "processes", "nist's", "analysis")] == [
        "institute", "robot", "technology", "process", "nist", "analysis"]
    assert words("The Department of Defense") == ("defense",)


@pytest.mark.parametrize(("kind", "value", "iri"), [
    ("agency", "Commerce", "agency/doc"),
    ("agency", "Defense", "agency/dod"),
    ("agency", "defence", "agency/dod"),
    ("agency", "Energy", "agency/doe"),
    ("agency", "Departmnt of Energy", "agency/doe"),
    ("agency", "naval research", "agency/navy-onr"),
    ("technology", "robots", "technology/robotics"),
    ("technology", "cybersecurity", "technology/manufacturing-cybersecurity"),
    ("technology", "biomanufactring", "technology/biomanufacturing"),
    ("technology", "additive", "technology/additive-manufacturing"),
    ("institute", "the Composites Institute", "institute/iacmi"),
])
def test_words_and_close_spellings_resolve_with_a_note(kg, kind, value, iri):
    binding = Resolver(kg.store).resolve(kind, value, "here")
    assert (binding.term.value, binding.matched) == (ID + iri, True)
    assert binding.note is not None and binding.note.startswith(f"here: read '{value}' as '")


def test_a_year_in_a_plans_name_picks_that_edition(kg):
    """Property: every plan named by its edition year and any plan's title resolves to that edition:
    the year decides ("2024 Manufacturing USA Strategic Plan" is not the 2019 plan titled
    "Manufacturing USA Strategic Plan")."""
    resolver = Resolver(kg.store)
    rows = kg.run_sparql("PREFIX mfg: <https://w3id.org/mfgkg/ontology#> "
                         "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                         "SELECT ?plan ?edition ?title WHERE { ?plan a mfg:StrategicPlan ; mfg:edition ?edition ; "
                         "rdfs:label ?title }").records()
    assert len(rows) >= 2
    for row in rows:
        for other in rows:
            value = f"{row['edition']} {other['title']}"
            assert resolver.resolve("plan", value, "here").term.value == row["plan"], value


def test_every_name_of_every_entity_resolves_to_it(kg):
    """Property: each name an entity has (label, acronym, other name, code, slug) binds that entity,
    unless another entity of the same type has the same name, which is reported as ambiguous."""
    resolver, checked, shared = Resolver(kg.store), 0, 0
    for kind in ENTITY_CLASSES:
        if kind == "entity":
            continue
        names = resolver.names(kind)
        for entity, own in names.names.items():
            for name in own:
                owners = names.match(name).found
                if len(owners) > 1:
                    with pytest.raises(QueryError, match="is ambiguous"):
                        resolver.resolve(kind, name, "here")
                    assert entity in owners
                    shared += 1
                    continue
                binding = resolver.resolve(kind, name, "here")
                assert (binding.term.value, binding.note) == (entity, None), (kind, name)
                checked += 1
    assert (checked, shared) == (504, 0)


def test_a_value_several_entities_match_equally_is_ambiguous(kg):
    with pytest.raises(QueryError) as error:
        kg.run("metrics-by-year", {"metric": "funding"})
    assert str(error.value).startswith("query 'metrics-by-year': parameter 'metric': 'funding' is ambiguous; "
                                       "give one of: ")
    assert "Federal (base) funding <https://w3id.org/mfgkg/id/metric/federal-funding>" in str(error.value)
    assert "Non-federal funding / cost share <https://w3id.org/mfgkg/id/metric/nonfederal-funding>" in str(error.value)


def test_a_metric_is_named_by_its_other_names(kg):
    """A metric's other names (the words prose uses for it) name it exactly: "members" is the member
    organizations, not the industry members whose label also holds the word."""
    answered = kg.run("metrics-by-year", {"metric": "members"})
    assert answered.notes == ()
    assert set(answered.result.column("metric")) == {"Member organizations"}


def test_unmatched_values_get_suggestions_and_a_python_warning(kg):
    answered = kg.run("institutes", {"technology": "photonic chips"})
    assert len(answered.result) == 0
    assert answered.unmatched == ("query 'institutes': parameter 'technology': no technology matches "
                                  "'photonic chips'; did you mean 'Integrated photonics'?",)
    with pytest.warns(UnmatchedValue, match="did you mean 'Additive manufacturing'"):
        assert kg.query("institutes", technology="3d printers").empty


def test_names_prefer_program_entities_over_secondary_ones():
    names = Names.of([("a", "Alpha Institute"), ("b", "Alpha Institute")], secondary={"b"})
    assert names.match("alpha institute").found == ("a",)
    assert names.match("alpha").found == ("a",)


def test_command_line_notes_on_stderr():
    read = run_cli("query", "institutes", "-p", "agency=Commerce", "--format", "csv")
    assert read.returncode == 0
    assert read.stderr == "note: query 'institutes': parameter 'agency': read 'Commerce' as 'Department of Commerce'\n"
    assert sorted(line.split(",")[0] for line in read.stdout.splitlines()[1:]) == [
        "AI-focused Manufacturing USA institute", "NIIMBL", "SMART USA"]
    unmatched = run_cli("query", "institutes", "-p", "technology=photonic chips", "--format", "csv")
    assert unmatched.returncode == 0 and unmatched.stdout.strip() == (
        "institute,name,agency,city,state,established,status,lead_organization,disputed,iri")
    assert "did you mean 'Integrated photonics'?" in unmatched.stderr
    ambiguous = run_cli("query", "metrics-by-year", "-p", "metric=funding")
    assert ambiguous.returncode == 2 and ambiguous.stderr.startswith("error: query 'metrics-by-year': parameter "
                                                                     "'metric': 'funding' is ambiguous")
