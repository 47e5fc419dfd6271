"""mfgkg: a knowledge graph of the U.S. Manufacturing USA program.

``build()`` turns the seed files into an rdflib Graph; ``validate()`` checks a graph against
the SHACL shapes and returns a :class:`~mfgkg.validate.Report`.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from . import paths
from .build import build_graph
from .errors import MfgkgError, SeedError
from .validate import Report, run, shapes_graph

__version__ = "0.1.0"
__all__ = ["MfgkgError", "Report", "SeedError", "__version__", "build", "validate"]


def build(seeds_dir: Path | str | None = None, ontology_dir: Path | str | None = None) -> Graph:
    """Build the graph from ``seeds_dir`` and ``ontology_dir`` (defaults: the project's)."""
    return build_graph(Path(seeds_dir or paths.seeds_dir()), Path(ontology_dir or paths.ontology_dir()))


def validate(graph: Graph | None = None, ontology_dir: Path | str | None = None) -> Report:
    """Validate ``graph`` (built from the project's seeds if omitted) against the shapes."""
    ont = Path(ontology_dir or paths.ontology_dir())
    if graph is None:
        graph = build(ontology_dir=ont)
    return run(graph, shapes_graph(ont))
