"""Shared fixtures: the real graph is built once per session; tests copy it before changing it."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph

import mfgkg
from mfgkg.kg import KnowledgeGraph
from mfgkg.prefixes import PREFIXES

ROOT = Path(__file__).resolve().parents[1]
SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p != "id")
ID_TERM = re.compile(r"(?<![\w<])id:([\w/.-]*[\w])")


def sparql(text: str) -> str:
    """Add prefixes and expand ``id:kind/slug`` (not a legal prefixed name) to a full IRI."""
    return SPARQL_PREFIXES + ID_TERM.sub(lambda m: f"<{PREFIXES['id']}{m.group(1)}>", text)


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory):
    """Keep the build cache of every test run (and of the commands it starts) in a temporary directory."""
    saved = os.environ.get("MFGKG_CACHE")
    os.environ["MFGKG_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield Path(os.environ["MFGKG_CACHE"])
    if saved is None:
        del os.environ["MFGKG_CACHE"]
    else:
        os.environ["MFGKG_CACHE"] = saved


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """The real graph with its saved queries, in the default (Oxigraph) store."""
    return mfgkg.load(ROOT / "seeds", ROOT / "ontology", ROOT / "queries")


@pytest.fixture(scope="session")
def graph() -> Graph:
    """The graph built from the project's real seeds (do not modify; copy it)."""
    return mfgkg.build(ROOT / "seeds", ROOT / "ontology")


def select(graph: Graph, query: str) -> list[tuple[str, ...]]:
    """Run a SELECT with the project prefixes; rows as tuples of strings (None stays None)."""
    return [tuple(None if v is None else str(v) for v in row) for row in graph.query(sparql(query))]


def ask(graph: Graph, query: str) -> bool:
    """Run an ASK with the project prefixes."""
    return bool(graph.query(sparql(query)).askAnswer)


def column(graph: Graph, query: str) -> list[str]:
    """The first column of a SELECT, sorted."""
    return sorted(row[0] for row in select(graph, query))


@pytest.fixture()
def seed_copy(tmp_path: Path) -> Path:
    """A private copy of seeds/ and ontology/ that a test may break."""
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    return tmp_path
