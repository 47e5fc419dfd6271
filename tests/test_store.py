"""Persistent stores (`mfgkg load`, `--store`): created whole or not at all, opened read-only by
many processes at once, and answering exactly as the in-memory store does."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, request, start, stop
from mfgkg.data import cache
from mfgkg.data.synth import grow
from mfgkg.errors import StoreError
from mfgkg.kg import KnowledgeGraph
from mfgkg.query import persistent
from mfgkg.query.catalogue import Catalogue
from mfgkg.query.stores import OxigraphStore, open_store
from test_cli import mfgkg


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A graph grown to 60,000 triples, as N-Triples."""
    path = tmp_path_factory.mktemp("synth") / "synth.nt"
    path.write_text(grow(cache.cached_graph(ROOT / "seeds", ROOT / "ontology"), 60_000, 3), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def loaded(synthetic: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic graph in a persistent store, made through the command line."""
    store = tmp_path_factory.mktemp("stores") / "synth-store"
    result = mfgkg("load", str(synthetic), "--store", str(store))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {store} (") and " triples in " in result.stdout
    return store


def every_run(kg: KnowledgeGraph) -> dict[tuple[str, str], object]:
    """Every saved query with its example parameters and with only its required ones."""
    out: dict[tuple[str, str], object] = {}
    for saved in kg.queries:
        example = saved.example_params()
        required = {k: v for k, v in example.items() if saved.parameter(k).required}
        out[(saved.name, "example")] = kg.run(saved.name, example).result
        out[(saved.name, "required")] = kg.run(saved.name, required).result
    return out


def test_store_answers_every_saved_query_exactly_as_memory_does(synthetic, loaded):
    catalogue = Catalogue(ROOT / "queries")
    on_disk = KnowledgeGraph(open_store(loaded), catalogue)
    in_memory = KnowledgeGraph(open_store(synthetic), catalogue)
    assert len(on_disk) == len(in_memory) >= 60_000
    disk, memory = every_run(on_disk), every_run(in_memory)
    assert disk == memory
    assert [name for (name, run), result in disk.items() if run == "example" and not len(result)] == []
    ad_hoc = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p"
    assert on_disk.run_sparql(ad_hoc) == in_memory.run_sparql(ad_hoc)


def test_marker_records_what_was_loaded(synthetic, loaded):
    recorded = json.loads((loaded / persistent.MARKER).read_text())
    assert recorded["format"] == persistent.FORMAT and recorded["source"] == "synth.nt"
    assert recorded["triples"] == sum(1 for line in synthetic.open() if line.strip())


def test_cli_store_option_matches_the_library(loaded, synthetic):
    result = mfgkg("query", "who-funds-what", "--store", str(loaded), "-p", "agency=DoD", "--format", "csv")
    assert result.returncode == 0, result.stderr
    in_memory = KnowledgeGraph(open_store(synthetic), Catalogue(ROOT / "queries"))
    expected = in_memory.run("who-funds-what", {"agency": "DoD"})
    assert len(result.stdout.splitlines()) == len(expected.result) + 1 > 60
    count = mfgkg("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--store", str(loaded), "--format", "csv")
    assert count.returncode == 0 and count.stdout.split() == ["n", str(len(open_store(synthetic)))]
    checked = mfgkg("validate", "--data", str(loaded))
    assert checked.returncode == 0 and checked.stdout.endswith("0 violation(s), 0 warning(s)\n")


def test_check_reads_a_store_as_it_reads_the_build(loaded):
    """`check --store` judges against the store: the grown graph keeps every real fact, so the
    example brief gets the same findings as against the build of seeds/."""
    document = str(ROOT / "docs" / "examples" / "brief.md")
    on_store = mfgkg("check", document, "--store", str(loaded), "--format", "json")
    on_build = mfgkg("check", document, "--format", "json")
    assert on_store.returncode == on_build.returncode == 1, on_store.stderr
    assert json.loads(on_store.stdout) == json.loads(on_build.stdout)
    assert len(json.loads(on_store.stdout)) == 9


def test_readers_share_a_store_while_another_process_holds_it_open(loaded):
    """A process keeps the store open (read-only) while two more open it and query it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from mfgkg.query.stores import open_store; "
         f"s = open_store(__import__('pathlib').Path({str(loaded)!r})); print(len(s), flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        held = int(holder.stdout.readline())
        count = [sys.executable, "-m", "mfgkg", "sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                 "--store", str(loaded), "--format", "csv"]
        readers = [subprocess.Popen(count, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        answers = [reader.communicate(timeout=120) for reader in readers]
        assert [(r.returncode, out.split()) for r, (out, _) in zip(readers, answers, strict=True)] == \
            [(0, ["n", str(held)])] * 2
        assert len(OxigraphStore(loaded)) == held  # and this process too, at the same time
    finally:
        holder.communicate("", timeout=60)
    assert holder.returncode == 0


def test_load_is_all_or_nothing(tmp_path, synthetic):
    bad = tmp_path / "bad.nt"
    bad.write_text(synthetic.read_text().splitlines()[0] + "\n<https://example.org/s> <no-scheme> \"x\" .\n")
    target = tmp_path / "store"
    result = mfgkg("load", str(bad), "--store", str(target))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: {bad}: not valid N-Triples (") and "line 2" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.nt"]  # no store, no staging directory left

    good = tmp_path / "good.ttl"
    good.write_text("<https://example.org/s> <https://example.org/p> 'one' .\n")
    assert mfgkg("load", str(good), "--store", str(target)).returncode == 0
    assert len(OxigraphStore(target)) == 1
    failed = mfgkg("load", str(bad), "--store", str(target))  # a failed reload leaves the old store as it was
    assert failed.returncode == 2 and len(OxigraphStore(target)) == 1
    assert mfgkg("load", str(synthetic), "--store", str(target)).returncode == 0  # a good one replaces it
    assert len(OxigraphStore(target)) >= 60_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.nt", "good.ttl", "store"]


def test_load_refuses_what_is_not_its_own(tmp_path, synthetic):
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    unknown = tmp_path / "graph.data"
    unknown.write_text("<a> <b> <c> .\n")
    for args, message in (
        (("load", str(synthetic), "--store", str(mine)), f"error: {mine}: a non-empty directory not written by "),
        (("load", str(unknown), "--store", str(tmp_path / "s")), f"error: {unknown}: cannot tell the RDF format "),
        (("query", "institutes", "--store", str(mine)), f"error: {mine}: not an mfgkg store (no mfgkg-store.json)"),
        (("query", "institutes", "--store", str(tmp_path / "absent")), f"error: {tmp_path / 'absent'}: not an "),
        (("query", "institutes", "--store", str(mine), "--seeds", "seeds"), "error: --store is a built graph"),
    ):
        result = mfgkg(*args)
        assert result.returncode == 2 and result.stderr.startswith(message) and result.stderr.count("\n") == 1, args
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]


def test_a_store_without_its_marker_is_never_opened(tmp_path, synthetic):
    """What a crash mid-load would leave if it were ever renamed into place: Oxigraph files, no marker."""
    store = tmp_path / "store"
    persistent.create(synthetic, store)
    (store / persistent.MARKER).unlink()
    with pytest.raises(StoreError, match="not an mfgkg store"):
        OxigraphStore(store)
    (store / persistent.MARKER).write_text(json.dumps({"format": persistent.FORMAT + 1, "triples": 1,
                                                        "source": "x", "pyoxigraph": "0"}))
    with pytest.raises(StoreError, match="recreate it with `mfgkg load`"):
        OxigraphStore(store)


def test_the_build_cache_holds_a_store_the_commands_open(tmp_path):
    entry = cache.cached_graph(ROOT / "seeds", ROOT / "ontology", tmp_path).parent
    assert sorted(p.name for p in entry.iterdir()) == [cache.GRAPH_FILE, cache.MANIFEST, cache.STORE_DIR]
    from_store, from_file = open_store(entry / cache.STORE_DIR), open_store(entry / cache.GRAPH_FILE)
    ask = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    assert from_store.query(ask) == from_file.query(ask)
    (entry / cache.STORE_DIR / persistent.MARKER).unlink()  # an incomplete store makes the entry rebuild
    assert not cache.verified(entry)
    assert cache.cached_store(ROOT / "seeds", ROOT / "ontology", tmp_path) == entry / cache.STORE_DIR
    assert persistent.is_store(entry / cache.STORE_DIR)


def test_serve_answers_from_a_store(loaded, synthetic):
    """`mfgkg serve --store`: each worker opens the store read-only instead of loading a copy."""
    process, url = start("--store", str(loaded), "--workers", "2")
    try:
        status, _, body = request(url, query="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", accept="text/csv")
        assert (status, body.split()) == (200, ["n", str(len(open_store(synthetic)))])
        status, _, body = request(url, "queries/who-funds-what", params={"agency": "DoD"})
        assert status == 200, body
        status, _, body = request(url, query=json.loads(body)["sparql"], accept="text/csv")
        expected = KnowledgeGraph(open_store(synthetic), Catalogue(ROOT / "queries")).run("who-funds-what",
                                                                                          {"agency": "DoD"})
        assert status == 200 and len(body.splitlines()) == len(expected.result) + 1 > 60
    finally:
        stop(process)


def test_a_served_store_is_pinned_when_load_replaces_or_removes_it(tmp_path, synthetic):
    """B6: workers restarted after a timeout reopen the server's pinned copy, so the answers stay
    those of the store the server started with; the copy goes when the server stops."""
    store = tmp_path / "store"
    persistent.create(synthetic, store)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    expected = ["n", str(len(open_store(synthetic)))]
    process, url = start("--store", str(store), "--workers", "1", "--time-limit", "1")
    try:
        for change in ("replace", "remove"):
            if change == "replace":
                persistent.create(b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n", store)
            else:
                shutil.rmtree(store)
            slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
            assert request(url, query=slow, accept="text/csv")[0] == 503  # its worker is replaced
            status, _, body = request(url, query=count, accept="text/csv")
            assert (status, body.split()) == (200, expected), change
    finally:
        stop(process)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_reader_keeps_its_store_while_load_replaces_it(tmp_path, synthetic):
    store = tmp_path / "store"
    persistent.create(synthetic, store)
    reader = OxigraphStore(store)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = reader.query(count)
    persistent.create(b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n", store)
    assert reader.query(count) == before  # the open store is the one it opened, whole
    assert len(OxigraphStore(store)) == 1  # a new reader sees the new one


def test_the_library_loads_into_memory_and_one_shot_commands_open_the_store(kg):
    """Notebooks and servers want fast queries (memory); `mfgkg query` wants a fast start (the store)."""
    import mfgkg

    in_memory, on_disk = mfgkg.load(), mfgkg.load(on_disk=True)
    assert Path(in_memory.store.snapshot()).name == cache.GRAPH_FILE
    assert Path(on_disk.store.snapshot()).name == cache.STORE_DIR
    for saved in kg.queries:
        assert on_disk.run(saved.name, saved.example_params()) == in_memory.run(saved.name, saved.example_params())
