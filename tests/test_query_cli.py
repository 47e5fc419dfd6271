"""The query commands end to end through the real entry point, in every output format."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import Graph

from conftest import ROOT
from test_cli import mfgkg

SAVED = sorted((ROOT / "queries").glob("*.rq"))
DOE = ["CESMII", "CyManII", "EPIXC", "IACMI - The Composites Institute", "PowerAmerica",
       "RAPID Manufacturing Institute", "REMADE Institute"]


def doe(fmt: str) -> str:
    result = mfgkg("query", "institutes", "--param", "agency=DOE", "--format", fmt)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_queries_lists_the_catalogue():
    result = mfgkg("queries")
    assert result.returncode == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert "who-funds-what" in names and "objective-connections" in names and len(names) == len(SAVED)


def test_queries_describes_one_query_and_json_lists_all():
    text = mfgkg("queries", "who-funds-what").stdout
    assert "agency (agency, default any, e.g. DoD)" in text and "technology_areas:" in text
    listing = json.loads(mfgkg("queries", "--format", "json").stdout)
    assert {q["name"] for q in listing} >= {"institutes", "sources-of"}
    assert [p["name"] for p in listing[[q["name"] for q in listing].index("institutes")]["parameters"]] == [
        "agency", "state", "technology", "founded_in", "founded_before", "founded_after", "status", "city"]
    accepts = {p["name"]: p["accepts"] for p in listing[[q["name"] for q in listing].index("institutes")]["parameters"]}
    assert accepts["agency"].startswith("a name, acronym, code or IRI of one of: AFRL, AMMTO, AMNPO, CESER, ")
    assert accepts["founded_in"] == "a year, such as 2016 or FY2016" and accepts["city"] == "any text"
    years = ", ".join(f"FY{year}" for year in range(2014, 2027))
    described = mfgkg("queries", "metrics-by-year").stdout
    assert f"    accepts a name, acronym, code or IRI of one of: {years}\n" in described


def test_table_is_the_default():
    result = mfgkg("query", "institutes", "-p", "agency=DOE")
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["institute", "name", "agency"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[-1] == "(7 rows)"


def test_csv_and_tsv():
    rows = list(csv.DictReader(io.StringIO(doe("csv"))))
    assert sorted(r["institute"] for r in rows) == DOE
    assert rows[0]["established"] == "2014"
    tsv = doe("tsv").splitlines()  # SPARQL TSV, as the endpoint writes it: terms in their RDF syntax
    assert tsv[0].split("\t")[:2] == ["?institute", "?name"] and len(tsv) == 8
    assert tsv[1].split("\t")[0] == '"PowerAmerica"@en' and tsv[1].split("\t")[5] == '"2014"'
    assert doe("csv").startswith("institute,name,")


def test_json_is_an_array_of_plain_objects():
    rows = json.loads(doe("json"))
    assert sorted(r["institute"] for r in rows) == DOE
    funding = json.loads(mfgkg("query", "metrics-by-year", "-p", "fiscal_year=2022", "-p",
                               "metric=member organizations", "--format", "json").stdout)
    funding = [row for row in funding if row["scope"] == "Manufacturing USA network of institutes"]
    assert funding == [{"metric": "Member organizations", "fiscal_year": "FY2022", "comparator": "more than",
                        "value": 2500, "unit": "count", "scope": "Manufacturing USA network of institutes",
                        "rank": "normal", "via": "third party's rendering", "sources": funding[0]["sources"]}]


def test_sparql_json_follows_the_w3c_format():
    doc = json.loads(doe("sparql-json"))
    assert doc["head"]["vars"][:2] == ["institute", "name"]
    first = doc["results"]["bindings"][0]
    assert first["iri"] == {"type": "uri", "value": "https://w3id.org/mfgkg/id/institute/poweramerica"}
    assert first["institute"] == {"type": "literal", "value": "PowerAmerica", "xml:lang": "en"}


def test_markdown_table():
    lines = doe("md").splitlines()
    assert lines[0].startswith("| institute | name |") and lines[1].startswith("|---|")
    assert len(lines) == 9


def test_ad_hoc_sparql_select_file_construct_and_ask(tmp_path):
    select = mfgkg("sparql", "SELECT (COUNT(?i) AS ?n) WHERE { ?i a mfg:Institute }", "--format", "json")
    assert json.loads(select.stdout) == [{"n": 19}]
    query = tmp_path / "q.rq"
    query.write_text("CONSTRUCT { ?i mfg:sponsor ?a } WHERE { ?i mfg:sponsor ?a }")
    construct = mfgkg("sparql", "--file", str(query))
    assert construct.returncode == 0
    assert len(Graph().parse(data=construct.stdout, format="turtle")) == 19
    ask = mfgkg("sparql", "ASK { ?i mfg:commonName \"LIFT\"@en }")
    assert ask.stdout == "true\n"


def test_answer_writes_every_saved_query(tmp_path):
    result = mfgkg("answer", "--out", str(tmp_path / "answers"), "--format", "json")
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "answers").iterdir())
    assert len(files) == len(SAVED) and "who-funds-what.json" in files
    assert len(json.loads((tmp_path / "answers" / "who-funds-what.json").read_text())) == 47
    said = dict(line.removeprefix("wrote ").split(" (", 1) for line in result.stdout.splitlines())
    assert said[str(tmp_path / "answers" / "institute-profile.json")] == "47 rows; institute=LIFT)"
    assert said[str(tmp_path / "answers" / "who-funds-what.json")] == (
        "47 rows; agency=any; technology=any; institute=any)")
    assert said[str(tmp_path / "answers" / "laws.json")] == "6 rows)"


def test_hostile_parameter_is_an_unmatched_value():
    result = mfgkg("query", "who-funds-what", "-p", 'agency="} ; DROP ALL ; {', "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == []
    assert "no agency matches" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["query", "nope"], "error: unknown query 'nope'"),
    (["query", "institutes", "-p", "colour=red"], "error: query 'institutes': unknown parameter 'colour'"),
    (["query", "institute-profile"], "error: query 'institute-profile': parameter 'institute' is required"),
    (["query", "institutes", "-p", "agency"], "error: --param 'agency': expected KEY=VALUE"),
    (["query", "institutes", "-p", "founded_before=soon"],
     "error: query 'institutes': parameter 'founded_before': expected a year such as 2016, got 'soon'"),
    (["sparql", "SELECT ?x WHERE {"], "error: SPARQL syntax error"),
    (["sparql", "DROP ALL"],
     "error: updates are refused: the graph is read-only (mfgkg push replaces a store's graph)"),
    (["sparql", "SELECT * WHERE " + "{" * 2500 + "}" * 2500], "error: query refused: it nests 2500 brackets deep"),
    (["sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> {} }"],
     "error: query refused: SERVICE <http://127.0.0.1:9/> is not an allowed endpoint (federation is off; only "
     "hosts the operator allows may be reached)"),
    (["sparql"], "error: give the query as an argument or with --file"),
    (["queries", "who-funds"], "error: unknown query 'who-funds'; did you mean 'who-funds-what'?"),
])
def test_bad_requests_exit_2_with_one_line(args, message):
    result = mfgkg(*args)
    assert result.returncode == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_malformed_query_file_is_named(seed_copy):
    queries = seed_copy / "queries"
    queries.mkdir()
    (queries / "broken.rq").write_text("# title: Broken\n# columns: [x\nSELECT ?x WHERE { ?x ?p ?o }\n")
    result = mfgkg("query", "broken", cwd=seed_copy)
    assert result.returncode == 2
    assert result.stderr.startswith("error: queries/broken.rq: header is not valid YAML")


@pytest.mark.reference
def test_backends_agree_from_the_command_line():
    args = ["query", "who-funds-what", "-p", "agency=NIST", "--format", "csv"]
    assert mfgkg(*args).stdout == mfgkg(*args, "--backend", "rdflib").stdout


def test_the_command_line_says_why_an_answer_is_empty_or_partial():
    """Through the real entry point: the notes go to stderr, one per line, and the table to stdout."""
    empty = mfgkg("query", "institutes", "-p", "status=active", "--format", "csv")
    assert empty.returncode == 0 and empty.stdout.strip() == (
        "institute,name,agency,city,state,established,status,lead_organization,disputed,iri")
    assert empty.stderr.splitlines() == [
        "note: query 'institutes': parameter 'status': no status matches 'active'; it takes 'announced', 'established'",
        "note: no rows: nothing recorded matches status=active; 'mfgkg queries institutes' shows what the parameter "
        "accepts"]
    partial = mfgkg("query", "bridging-organizations", "-p", "min_institutes=6", "--format", "csv")
    assert partial.returncode == 0 and len(partial.stdout.splitlines()) == 2
    assert partial.stderr.startswith("note: Memberships are a sample:") and len(partial.stderr.splitlines()) == 1


def test_a_memory_bomb_typed_at_the_command_line_is_one_line_not_an_abort():
    """B9: a typed query runs in a memory-capped worker, so exhausting memory ends that worker, and
    the command says why in one line (no Rust backtrace) with exit status 2."""
    bomb = ("SELECT ?x WHERE { BIND(" + "REPLACE(" * 10 + '"aaaaaaaaaa"' + ', "a", "aaaaaaaaaa")' * 10
            + " AS ?x) }")
    result = mfgkg("sparql", bomb)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("error: the query stopped its worker (signal SIGABRT: memory allocation of ")
    assert mfgkg("sparql", "ASK { ?s a mfg:Institute }").stdout == "true\n"
