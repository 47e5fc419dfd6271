"""mfgkg: a knowledge graph of the U.S. Manufacturing USA program.

``load()`` opens the graph with its saved queries (see :class:`mfgkg.kg.KnowledgeGraph`);
``build()`` turns the seed files into an rdflib Graph; ``validate()`` checks a graph against
the SHACL shapes. Heavy modules are imported on first use, so the command line starts fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mfgkg.errors import MfgkgError, OntologyError, QueryError, SeedError, StoreError
from mfgkg.version import __version__

if TYPE_CHECKING:
    from rdflib import Graph

    from mfgkg.kg import load
    from mfgkg.shapes.validate import Report

__all__ = ["MfgkgError", "OntologyError", "QueryError", "SeedError", "StoreError", "__version__", "build", "load",
           "validate"]


def build(seeds_dir: Path | str | None = None, ontology_dir: Path | str | None = None) -> Graph:
    """Build the graph from ``seeds_dir`` and ``ontology_dir`` (defaults: the project's)."""
    from mfgkg import paths
    from mfgkg.data.builder import build_graph

    return build_graph(Path(seeds_dir or paths.seeds_dir()), Path(ontology_dir or paths.ontology_dir()))


def validate(graph: Graph | None = None, ontology_dir: Path | str | None = None, engine: str = "oxigraph") -> Report:
    """Validate ``graph`` (built from the project's seeds if omitted) against the shapes.

    ``engine`` is "oxigraph" (the shapes compiled to SPARQL, fast) or "pyshacl" (the reference).
    """
    from mfgkg import paths
    from mfgkg.shapes.validate import run, shapes_graph

    ont = Path(ontology_dir or paths.ontology_dir())
    if graph is None:
        graph = build(ontology_dir=ont)
    return run(graph, shapes_graph(ont), engine)


def __getattr__(name: str) -> object:
    """``mfgkg.load`` is :func:`mfgkg.kg.load`, imported on first use to keep start-up light."""
    if name == "load":
        from mfgkg.kg import load

        return load
    raise AttributeError(f"module 'mfgkg' has no attribute '{name}'")
