"""Exports of the network views to graph tools, and of the RDF graph to RDF syntaxes.

Network formats (a view from :mod:`mfgkg.analysis.networks`, nodes carrying ``type``, ``label``,
``name``, ``colour`` and ``size``): GraphML and GEXF (Gephi, yEd), Cytoscape.js JSON, NetworkX
node-link JSON, Graphviz DOT (and SVG when Graphviz's ``dot`` is installed), CSV node and
edge lists, and a self-contained HTML explorer (:mod:`mfgkg.publish.explorer`). RDF formats (the whole
graph, as built): Turtle, N-Triples and JSON-LD with a context. Every export is written atomically.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mfgkg.choices import EXPORT_FORMATS, NETWORK_FORMATS, RDF_FORMATS
from mfgkg.data.serialize import write_atomic
from mfgkg.errors import MfgkgError
from mfgkg.publish.style import styled

if TYPE_CHECKING:
    import networkx as nx

    from mfgkg.kg import KnowledgeGraph

FORMATS = EXPORT_FORMATS
SUFFIX = {"graphml": ".graphml", "gexf": ".gexf", "cytoscape": ".cyjs", "node-link": ".json", "dot": ".dot",
          "svg": ".svg", "csv": ".csv", "html": ".html", "turtle": ".ttl", "nt": ".nt", "jsonld": ".jsonld"}
def graphml(graph: nx.DiGraph) -> str:
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def gexf(graph: nx.DiGraph) -> str:
    """GEXF with Gephi's visual attributes (colour and size) set from the node attributes."""
    import networkx as nx

    copy = graph.copy()
    for _, data in copy.nodes(data=True):
        colour = data["colour"].lstrip("#")
        data["viz"] = {"color": {"r": int(colour[0:2], 16), "g": int(colour[2:4], 16), "b": int(colour[4:6], 16),
                                 "a": 1.0}, "size": data["size"]}
    buffer = io.BytesIO()
    nx.write_gexf(copy, buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def cytoscape(graph: nx.DiGraph) -> str:
    """Cytoscape.js elements JSON (also read by Cytoscape desktop)."""
    nodes = [{"data": {"id": n, **d}} for n, d in graph.nodes(data=True)]
    edges = [{"data": {"id": f"e{i}", "source": s, "target": t, **d}}
             for i, (s, t, d) in enumerate(graph.edges(data=True))]
    doc = {"data": {"view": graph.graph.get("view")}, "elements": {"nodes": nodes, "edges": edges}}
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def node_link(graph: nx.DiGraph) -> str:
    import networkx as nx

    return json.dumps(nx.node_link_data(graph, edges="edges"), indent=1, ensure_ascii=False) + "\n"


def _dot_id(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot(graph: nx.DiGraph) -> str:
    """Graphviz DOT: nodes labelled by short name and filled by type colour, edges labelled by relation."""
    lines = [f"digraph {_dot_id(graph.graph.get('view', 'mfgkg'))} {{",
             '  graph [rankdir=LR, overlap=false, fontname="Helvetica"];',
             '  node [style=filled, fontname="Helvetica", fontsize=10, fontcolor=white, shape=box];',
             '  edge [fontname="Helvetica", fontsize=8, color="#888888"];']
    for node, data in graph.nodes(data=True):
        lines.append(f"  {_dot_id(node)} [label={_dot_id(data['name'])}, fillcolor={_dot_id(data['colour'])}, "
                     f"tooltip={_dot_id(data['label'])}];")
    for source, target, data in graph.edges(data=True):
        lines.append(f"  {_dot_id(source)} -> {_dot_id(target)} [label={_dot_id(data['relation'])}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def svg(graph: nx.DiGraph) -> str:
    """The DOT drawing rendered by Graphviz."""
    program = shutil.which("dot")
    if program is None:
        raise MfgkgError("SVG export needs Graphviz's 'dot' program (Debian package graphviz)")
    done = subprocess.run([program, "-Tsvg"], input=dot(graph), capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise MfgkgError(f"Graphviz failed: {done.stderr.strip().splitlines()[0] if done.stderr else done.returncode}")
    return done.stdout


def csv_lists(graph: nx.DiGraph) -> tuple[str, str]:
    """Node list (id, type, name, label, colour, size, other attributes) and edge list (source, target, ...)."""
    node_keys = ["id", "type", "name", "label", "colour", "size"]
    extra = sorted({k for _, d in graph.nodes(data=True) for k in d} - set(node_keys) - {"iri"})
    nodes = io.StringIO()
    writer = csv.DictWriter(nodes, [*node_keys, *extra], lineterminator="\n")
    writer.writeheader()
    for node, data in graph.nodes(data=True):
        writer.writerow({"id": node, **{k: v for k, v in data.items() if k != "iri"}})
    edge_keys = sorted({k for _, _, d in graph.edges(data=True) for k in d} - {"relation"})
    edges = io.StringIO()
    writer = csv.DictWriter(edges, ["source", "target", "relation", *edge_keys], lineterminator="\n")
    writer.writeheader()
    for source, target, data in graph.edges(data=True):
        writer.writerow({"source": source, "target": target, **data})
    return nodes.getvalue(), edges.getvalue()


def export(kg: KnowledgeGraph, fmt: str, out: Path, view: str = "all") -> list[Path]:
    """Write ``view`` of ``kg`` (or, for RDF formats, the whole graph) to ``out`` in ``fmt``; return the paths."""
    out = Path(out)
    if fmt in RDF_FORMATS:
        if view != "all":
            raise MfgkgError(f"view '{view}': RDF formats export the whole graph; choose the view 'all'")
        from mfgkg.data.serialize import to_jsonld, to_ntriples, to_turtle

        graph = kg.graph
        text = {"turtle": to_turtle, "nt": to_ntriples, "jsonld": to_jsonld}[fmt](graph)
        write_atomic({out: text})
        return [out]
    if fmt not in NETWORK_FORMATS:
        raise MfgkgError(f"unknown export format '{fmt}' (formats: {', '.join(FORMATS)})")
    if fmt == "html":
        from mfgkg.publish.explorer import render

        write_atomic({out: render(kg, view)})
        return [out]
    graph = styled(kg.to_networkx(view))
    if fmt == "csv":
        nodes, edges = csv_lists(graph)
        files: dict[Path, str | bytes] = {out.with_suffix(".nodes.csv"): nodes, out.with_suffix(".edges.csv"): edges}
        write_atomic(files)
        return sorted(files)
    writers: dict[str, Any] = {"graphml": graphml, "gexf": gexf, "cytoscape": cytoscape, "node-link": node_link,
                               "dot": dot, "svg": svg}
    write_atomic({out: writers[fmt](graph)})
    return [out]
