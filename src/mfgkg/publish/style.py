"""How network nodes look in exports and the explorer: colour by type (from the registry) and
size by degree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mfgkg.data.registry import colours

if TYPE_CHECKING:
    import networkx as nx

COLOURS = colours()  # node type -> colour, from the registry
DEFAULT_COLOUR = "#666666"


def styled(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy with ``colour`` (by type) and ``size`` (by degree) on each node and no empty attributes."""
    out = graph.copy()
    for node, data in out.nodes(data=True):
        data["colour"] = COLOURS.get(data["type"], DEFAULT_COLOUR)
        data["size"] = float(10 + 4 * out.degree(node))
        for key in [k for k, v in data.items() if v is None]:
            del data[key]
    for _, _, data in out.edges(data=True):
        for key in [k for k, v in data.items() if v is None]:
            del data[key]
    return out


