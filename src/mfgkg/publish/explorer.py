"""A self-contained HTML explorer of a network view: layout, colours, search, filters and facts.

The layout is computed here (NetworkX spring layout, fixed seed) and the page draws it as SVG
with a few lines of its own script: no library, no network access, one file to open or share.
Clicking a node lists the facts recorded about it, each with its rank and sources.
"""

from __future__ import annotations

import json
from collections import defaultdict
from importlib import resources
from typing import TYPE_CHECKING, Any

from mfgkg.publish.style import styled

if TYPE_CHECKING:
    from mfgkg.kg import KnowledgeGraph

# Required patterns first and no property path: Oxigraph took seconds on the path form
# (mfg:rank/rdfs:label) with the OPTIONAL label lookup placed among the joins.
FACTS = """
SELECT ?subject ?fact ?value ?rank ?source ?url ?locator WHERE {
  ?claim rdf:subject ?subject ; rdf:predicate ?property ; rdf:object ?object ;
    mfg:rank ?rank_iri ; mfg:citation ?citation .
  ?rank_iri rdfs:label ?rank .
  ?property rdfs:label ?fact .
  ?citation prov:entity ?document .
  ?document rdfs:label ?source .
  OPTIONAL { ?object rdfs:label ?object_label }
  BIND(STR(COALESCE(?object_label, ?object)) AS ?value)
  OPTIONAL { ?document schema:url ?url }
  OPTIONAL { ?citation mfg:locator ?locator }
}
ORDER BY ?subject ?fact ?value ?source"""


def page_data(kg: KnowledgeGraph, view: str) -> dict[str, Any]:
    """Nodes with positions and facts, and edges, for the page's script."""
    import networkx as nx

    graph = styled(kg.to_networkx(view))
    layout = nx.spring_layout(graph.to_undirected(), seed=42, k=2.5 / max(1, graph.number_of_nodes()) ** 0.5)
    facts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    answer = kg.run_sparql(FACTS)
    for row in answer.records():
        if row["subject"] in graph:
            facts[row["subject"]].append({k: row[k] for k in ("fact", "value", "rank", "source", "url", "locator")})
    nodes = []
    for node, data in sorted(graph.nodes(data=True)):
        x, y = layout[node]
        attributes = {k: v for k, v in data.items() if k not in ("iri", "label", "name", "type", "colour", "size")}
        nodes.append({"id": node, "name": data["name"], "label": data["label"], "type": data["type"],
                      "colour": data["colour"], "size": data["size"], "x": round(500 + 480 * x, 1),
                      "y": round(500 + 480 * y, 1), "attributes": attributes, "facts": facts.get(node, [])})
    edges = [{"source": s, "target": t, "relation": d["relation"]} for s, t, d in sorted(graph.edges(data=True))]
    return {"view": view, "nodes": nodes, "edges": edges}


def render(kg: KnowledgeGraph, view: str = "all") -> str:
    """The explorer page for ``view`` as one HTML document."""
    template = resources.files("mfgkg.publish").joinpath("static/explorer.html").read_text(encoding="utf-8")
    data = json.dumps(page_data(kg, view), ensure_ascii=False, separators=(",", ":"))
    safe = data.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return template.replace("/*GRAPH_DATA*/null", safe)
