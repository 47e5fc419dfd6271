"""The catalogue's header contract, the build cache, and parity between the embedded stores."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import mfgkg
from conftest import ROOT
from mfgkg.data import cache
from mfgkg.errors import QueryError
from mfgkg.query.catalogue import Catalogue, parse
from mfgkg.query.sparql_lexer import projection

HEADER = """# title: T
# description: D
# parameters:
#   agency: {type: agency, default: any, description: A}
# columns:
#   x: X
"""


def write(tmp_path: Path, text: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_every_saved_query_declares_title_description_columns_and_examples():
    for query in Catalogue(ROOT / "queries"):
        assert query.title and query.description and query.columns
        assert all(p.example for p in query.parameters), query.name
        assert all(desc for _, desc in query.columns), query.name


def test_projection_reads_aliases_and_skips_expression_inputs():
    assert projection('SELECT ?a (COUNT(DISTINCT ?x) AS ?n) (STR(GROUP_CONCAT(?y; separator=" | ")) AS ?ys) ?p '
                      "WHERE { ?a ?x ?y }") == ("a", "n", "ys", "p")


def test_projection_reads_tokens_not_text():
    """Comments, strings and prefixed names that look like syntax are not syntax."""
    assert projection('# SELECT ?wrong\nSELECT ?a ("WHERE { ?z" AS ?b) ?where_ex WHERE { ?a ex:where ?b }') == (
        "a", "b", "where_ex")
    assert projection("ASK { ?s ?p ?o }") is None


@pytest.mark.parametrize(("text", "message"), [
    (HEADER + "SELECT ?x WHERE { ?x ?p ?o }", "SELECT projects x; the header declares x param_agency"),
    (HEADER + "SELECT ?x ?param_agency ?y WHERE { ?x ?p ?y }", "SELECT projects x param_agency y"),
    (HEADER.replace("# title: T\n", "") + "SELECT ?x ?param_agency WHERE {}", "header field 'title' must be a str"),
    (HEADER + "# colour: red\nSELECT ?x ?param_agency WHERE {}", "unknown header field(s) colour"),
    (HEADER.replace("default: any", "required: true, default: any") + "SELECT ?x ?param_agency WHERE {}",
     "give either 'required: true' or a 'default'"),
    (HEADER + "# lists: [y]\nSELECT ?x ?param_agency WHERE {}", "'lists' names columns that are not declared: y"),
    ("# title: [\nSELECT ?x WHERE {}", "header is not valid YAML"),
    (HEADER + "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", "must be a SELECT query"),
])
def test_malformed_headers_are_named(tmp_path, text, message):
    with pytest.raises(QueryError) as error:
        parse(write(tmp_path, text))
    assert str(error.value).startswith("queries/q.rq: ") and message in str(error.value)


def test_bad_file_name(tmp_path):
    with pytest.raises(QueryError, match="file name must be lowercase words"):
        parse(write(tmp_path, HEADER, "Bad_Name.rq"))


def test_cache_key_follows_content(seed_copy, tmp_path):
    seeds, ontology = seed_copy / "seeds", seed_copy / "ontology"
    key = cache.content_key(seeds, ontology)
    assert cache.content_key(seeds, ontology) == key
    (seeds / "program.yaml").write_text((seeds / "program.yaml").read_text() + "\n")
    assert cache.content_key(seeds, ontology) != key


def test_cache_is_reused_until_an_input_changes(seed_copy, tmp_path):
    root = tmp_path / "cache"
    first = cache.cached_graph(seed_copy / "seeds", seed_copy / "ontology", root)
    stamp = first.stat().st_mtime_ns
    assert cache.cached_graph(seed_copy / "seeds", seed_copy / "ontology", root) == first
    assert first.stat().st_mtime_ns == stamp
    shutil.rmtree(seed_copy / "seeds" / "sources")
    with pytest.raises(mfgkg.SeedError):
        cache.cached_graph(seed_copy / "seeds", seed_copy / "ontology", root)
    assert [p.name for p in root.iterdir() if not p.name.startswith(".")] == [first.parent.name]


@pytest.fixture(scope="module")
def rdflib_kg():
    return mfgkg.load(ROOT / "seeds", ROOT / "ontology", ROOT / "queries", backend="rdflib")


@pytest.mark.reference
def test_saved_queries_give_identical_rows_on_both_stores(kg, rdflib_kg):
    compared = 0
    for query in kg.queries:
        for params in ({p.name: p.example for p in query.parameters if p.required}, query.example_params()):
            assert kg.run(query.name, params).result == rdflib_kg.run(query.name, params).result, query.name
            compared += 1
    assert compared == 2 * len(kg.queries)


def test_a_checked_header_is_kept_and_read_back_without_yaml(tmp_path, monkeypatch):
    """The command line skips loading a YAML parser for a header it has checked before; an edit is
    checked afresh."""
    import sys

    monkeypatch.setenv("MFGKG_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "who-funds-what.rq"
    shutil.copy(ROOT / "queries" / "who-funds-what.rq", path)
    first = parse(path)
    assert len(list((tmp_path / "cache" / "queries").glob("*.json"))) == 1
    monkeypatch.setitem(sys.modules, "yaml", None)  # importing yaml now fails
    assert parse(path) == first
    path.write_text(path.read_text().replace("# title: Who funds what", "# title: Who pays"))
    with pytest.raises(ImportError):
        parse(path)

