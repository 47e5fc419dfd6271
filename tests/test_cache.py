"""The build cache checks itself: a damaged entry is rebuilt, never served, and a cache that
cannot be written costs a note, not a failure."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from conftest import ROOT
from mfgkg.data import cache
from mfgkg.data.serialize import to_ntriples
from mfgkg.query import persistent
from test_cli import mfgkg as run_cli

DOE_ROW = "PowerAmerica,Next Generation Power Electronics Manufacturing Innovation Institute,DOE,Raleigh"


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def swap_two_bytes(path: Path) -> None:
    """An edit the size check cannot see: two neighbouring bytes swapped where they differ."""
    data = path.read_bytes()
    at = next(i for i in range(len(data) // 2, len(data) - 1) if data[i] != data[i + 1])
    path.write_bytes(data[:at] + data[at + 1:at + 2] + data[at:at + 1] + data[at + 2:])


def edit_a_triple(path: Path) -> None:
    text = path.read_text()
    assert "Raleigh" in text
    path.write_text(text.replace("Raleigh", "Durham"))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "empty file": lambda entry: (entry / cache.GRAPH_FILE).write_bytes(b""),
    "truncated file": lambda entry: truncate(entry / cache.GRAPH_FILE),
    "same size, edited": lambda entry: swap_two_bytes(entry / cache.GRAPH_FILE),
    "no manifest": lambda entry: (entry / cache.MANIFEST).unlink(),
    "garbage manifest": lambda entry: (entry / cache.MANIFEST).write_text("{not json"),
    "graph file missing": lambda entry: (entry / cache.GRAPH_FILE).unlink(),
    "older format": lambda entry: (entry / cache.MANIFEST).write_text(json.dumps(
        {**json.loads((entry / cache.MANIFEST).read_text()), "format": 0})),
}


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    root = tmp_path_factory.mktemp("good-cache")
    return cache.cached_graph(ROOT / "seeds", ROOT / "ontology", root).read_bytes()


def test_an_entry_is_the_graph_plus_a_manifest_written_last(tmp_path, good):
    path = cache.cached_graph(ROOT / "seeds", ROOT / "ontology", tmp_path)
    assert sorted(p.name for p in path.parent.iterdir()) == [cache.GRAPH_FILE, cache.MANIFEST, cache.STORE_DIR]
    recorded = json.loads((path.parent / cache.MANIFEST).read_text())
    assert recorded == cache.manifest(good, path.parent / cache.STORE_DIR)
    assert set(recorded["store"]) >= {persistent.MARKER, "CURRENT"}  # the store is checked file by file too
    assert cache.verified(path.parent)


@pytest.fixture()
def small_build(monkeypatch: pytest.MonkeyPatch) -> bytes:
    """Make rebuilds cheap: the builder returns a one-triple graph; returns its cached form."""
    graph = Graph()
    graph.add((URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal("rebuilt")))
    monkeypatch.setattr("mfgkg.data.builder.build_graph", lambda seeds, ontology: graph)
    return to_ntriples(graph).encode()


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_entry_is_rebuilt_not_served(tmp_path, small_build, damage):
    entry = cache.cached_graph(ROOT / "seeds", ROOT / "ontology", tmp_path).parent
    assert (entry / cache.GRAPH_FILE).read_bytes() == small_build
    DAMAGE[damage](entry)
    assert not cache.verified(entry)
    # Readers of the store check the file by size only: all but a same-size edit still show.
    assert cache.verified(entry, deep=False) == (damage == "same size, edited")
    assert cache.cached_graph(ROOT / "seeds", ROOT / "ontology", tmp_path).read_bytes() == small_build
    assert cache.verified(entry)


def test_the_command_line_answers_right_after_the_cached_graph_was_edited(tmp_path, good):
    entry = cache.cached_graph(ROOT / "seeds", ROOT / "ontology", tmp_path).parent
    edit_a_triple(entry / cache.GRAPH_FILE)
    result = run_cli("query", "institutes", "-p", "agency=DOE", "--format", "csv", env={"MFGKG_CACHE": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert DOE_ROW in result.stdout and result.stderr == ""
    assert (entry / cache.GRAPH_FILE).read_bytes() == good


def test_an_unwritable_cache_is_a_note_and_the_commands_still_work(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = {"MFGKG_CACHE": str(blocker / "cache")}  # a directory under a file can never be created
    note = f"note: cache {blocker / 'cache'} cannot be written (Not a directory); the graph is kept for this run only\n"
    built = run_cli("build", "--out", str(tmp_path / "out"), env=env)
    assert built.returncode == 0 and built.stderr == note
    assert (tmp_path / "out" / "mfgkg.nt").stat().st_size > 0
    answered = run_cli("query", "institutes", "-p", "agency=DOE", "--format", "csv", env=env)
    assert answered.returncode == 0 and DOE_ROW in answered.stdout and answered.stderr == note

