"""A self-contained HTML explorer of a network view, drawn by Cytoscape.js.

The page is one file that opens offline: the graph's data and the Cytoscape.js build are inlined.
The library is fetched from the npm registry when mfgkg is built or installed (``hatch_build.py``,
pinned in ``package-lock.json``), never kept in the repository. Positions are computed here
(NetworkX spring layout, fixed seed) so a large view shows at once; the plan view nests goals,
objectives and actions inside their plan and goal (compound nodes) in a grid, the institutes,
areas and agencies in rows below. Clicking a node fades everything but its neighbourhood and lists its facts grouped by
property, one row per value with its rank, the sources behind a count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from importlib import resources
from typing import TYPE_CHECKING, Any

from mfgkg.errors import MfgkgError
from mfgkg.publish.markup import safe_url, script_json
from mfgkg.publish.style import styled

if TYPE_CHECKING:
    import networkx as nx

    from mfgkg.kg import KnowledgeGraph

LIBRARY = "cytoscape"  # npm package name; hatch_build.py writes static/vendor/NAME.min.js and NAME.LICENSE

# Required patterns first and no property path: Oxigraph took seconds on the path form
# (mfg:rank/rdfs:label) with the OPTIONAL label lookup placed among the joins.
FACTS = """
SELECT ?subject ?fact ?value ?rank ?reason ?source ?url ?locator WHERE {
  ?claim rdf:subject ?subject ; rdf:predicate ?property ; rdf:object ?object ;
    mfg:rank ?rank_iri ; mfg:citation ?citation .
  ?rank_iri rdfs:label ?rank .
  ?property rdfs:label ?fact .
  ?citation prov:entity ?document .
  ?document rdfs:label ?source .
  OPTIONAL { ?object rdfs:label ?object_label }
  BIND(STR(COALESCE(?object_label, ?object)) AS ?value)
  OPTIONAL { ?claim mfg:rankReason ?reason }
  OPTIONAL { ?document schema:url ?url }
  OPTIONAL { ?citation mfg:locator ?locator }
}
ORDER BY ?subject ?fact ?value ?source"""

TYPE_NAMES = "SELECT ?type ?name WHERE { ?type a owl:Class ; rdfs:label ?name }"

# Plan-view links drawn as nesting (the target sits inside the source) rather than as edges.
NESTING = ("has goal", "has objective", "has action")
PLAN_ELEMENTS = ("Goal", "Objective", "Action")
RANK_ORDER = {"preferred": 0, "normal": 1, "deprecated": 2}


def _caption(data: dict[str, Any], limit: int = 48) -> str:
    """The text drawn on a node: plan elements as "Objective 1.4: <start of title>", others by short name."""
    if data["type"] in PLAN_ELEMENTS:
        number = data["name"].rsplit(" ", 1)[-1]
        words = data["label"] if len(data["label"]) <= limit else data["label"][: limit - 1].rsplit(" ", 1)[0] + "…"
        return f"{data['type']} {number}: {words}"
    return data["name"]


def grouped_facts(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Subject -> facts grouped by property, one entry per (value, rank) with the documents cited for
    it, each once with its locators (pages, sections) and whether its URL may be a link
    (:func:`mfgkg.publish.markup.safe_url`).

    One claim cited by six documents is one row with "6 sources", not six rows.
    """
    by_subject: dict[str, dict[str, dict[tuple[str, str], dict[str, Any]]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        values = by_subject[row["subject"]][row["fact"]]
        entry = values.setdefault((row["value"], row["rank"]),
                                  {"value": row["value"], "rank": row["rank"], "reason": None, "sources": []})
        entry["reason"] = entry["reason"] or row["reason"]
        source = next((s for s in entry["sources"] if (s["title"], s["url"]) == (row["source"], row["url"])), None)
        if source is None:
            source = {"title": row["source"], "url": row["url"], "link": safe_url(row["url"]), "locators": []}
            entry["sources"].append(source)
        if row["locator"] and row["locator"] not in source["locators"]:
            source["locators"].append(row["locator"])
    return {subject: [{"property": fact,
                       "values": sorted(values.values(), key=lambda v: (RANK_ORDER.get(v["rank"], 3), v["value"]))}
                      for fact, values in sorted(properties.items())]
            for subject, properties in by_subject.items()}


def _nesting(graph: nx.DiGraph) -> dict[str, str]:
    """Plan view: child -> the plan or goal it sits in (its first parent when it has several)."""
    parents: dict[str, str] = {}
    for source, target, data in sorted(graph.edges(data=True)):
        if data["relation"] in NESTING and target not in parents:
            parents[target] = source
    return parents


def _sorted_graph(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> nx.Graph:
    """An undirected graph holding ``nodes`` and ``edges`` in sorted order. The spring layout depends
    on node order, and NetworkX subgraph views iterate small subgraphs in set (hash) order."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(sorted(nodes))
    graph.add_edges_from(sorted(tuple(sorted(edge)) for edge in edges))
    return graph


def _positions(graph: nx.DiGraph, spacing: float = 60) -> dict[str, tuple[float, float]]:
    """Pixel positions, nodes about ``spacing`` apart. In the largest connected part, the nodes with
    two or more links get a spring layout (fixed seed) and each one-link node sits on a ring around
    its neighbour, which keeps hubs' members together and the layout fast at thousands of nodes;
    nodes linked to nothing else in this view go in a grid beside it, by type."""
    import math

    import networkx as nx

    undirected = _sorted_graph(graph.nodes, graph.edges)
    main = max(nx.connected_components(undirected), key=lambda part: (len(part), min(part)), default=set())
    kept = {n for n in main if undirected.degree(n) > 1} or main
    core = _sorted_graph(kept, [(s, t) for s, t in undirected.edges if s in kept and t in kept])
    iterations = 50 if len(core) <= 500 else 15  # the energy method costs seconds per pass at 1,000+ nodes
    layout = nx.spring_layout(core, seed=42, iterations=iterations, method="energy")
    xs, ys = [float(x) for x, _ in layout.values()], [float(y) for _, y in layout.values()]
    extent = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = 1.5 * spacing * len(main) ** 0.5 / extent
    positions = {n: (scale * (float(x) - min(xs)), scale * (float(y) - min(ys))) for n, (x, y) in layout.items()}
    leaves: dict[str, list[str]] = defaultdict(list)
    for node in sorted(main - set(core)):
        leaves[next(iter(undirected[node]))].append(node)
    for hub, ring in leaves.items():
        hx, hy = positions[hub]
        for index, node in enumerate(ring):
            radius = spacing * (1 + index // 12)  # twelve to a ring, rings further out
            angle = 2 * math.pi * (index % 12) / min(12, len(ring) - index // 12 * 12) + index // 12 * 0.26
            positions[node] = (hx + radius * math.cos(angle), hy + radius * math.sin(angle))
    right = max((x for x, _ in positions.values()), default=0.0) + 4 * spacing
    rest = sorted((n for n in graph if n not in main), key=lambda n: (graph.nodes[n]["type"], graph.nodes[n]["name"]))
    for index, node in enumerate(rest):
        positions[node] = (right + (index % 4) * 3 * spacing, (index // 4) * 1.5 * spacing)
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in positions.items()}


def _plan_positions(graph: nx.DiGraph, parents: dict[str, str], width: float = 210,
                    height: float = 90) -> dict[str, tuple[float, float]]:
    """Plan view: each plan a column block, its goals stacked with their objectives and actions in a
    grid of three; the other nodes in rows below by type, each row ordered by its neighbours' mean x."""
    children: dict[str, list[str]] = defaultdict(list)
    for child, parent in sorted(parents.items()):
        children[parent].append(child)
    caption = {node: _caption(data) for node, data in graph.nodes(data=True)}
    positions: dict[str, tuple[float, float]] = {}
    left = 0.0
    roots = sorted((n for n in children if n not in parents), key=lambda n: graph.nodes[n]["label"])
    for root in roots:
        top = 0.0
        nested = sorted(children[root], key=lambda n: (n not in children, caption[n]))
        leaves = [n for n in nested if n not in children]
        for block in [children[n] for n in nested if n in children] + ([leaves] if leaves else []):
            for index, node in enumerate(sorted(block, key=caption.get)):
                positions[node] = (left + (index % 3) * width, top + (index // 3) * height)
            top += (len(block) + 2) // 3 * height + height
        left += 4 * width
    bottom = max((y for _, y in positions.values()), default=0.0) + 2 * height
    span = max(left - width, 6 * width)
    rest = [n for n in graph if n not in positions and n not in children]
    kinds = sorted({graph.nodes[n]["type"] for n in rest}, key=lambda t: (t != "TechnologyArea", t != "Institute", t))
    for kind in kinds:
        row = [n for n in rest if graph.nodes[n]["type"] == kind]
        row.sort(key=lambda n: (_mean_x(graph, n, positions), caption[n]))
        per_line = max(1, int(span // (width * 0.8)))
        for index, node in enumerate(row):
            positions[node] = ((index % per_line) * width * 0.8, bottom + (index // per_line) * height)
        bottom += ((len(row) + per_line - 1) // per_line + 1) * height
    return positions


def _mean_x(graph: nx.DiGraph, node: str, positions: dict[str, tuple[float, float]]) -> float:
    """Mean x of the node's already placed neighbours (0 when none), to order a row by where its links go."""
    import networkx as nx

    placed = [positions[m][0] for m in set(nx.all_neighbors(graph, node)) if m in positions]
    return sum(placed) / len(placed) if placed else 0.0


def _edge_label(data: dict[str, Any]) -> str:
    """An edge's relation, with the federal money the ledger counts on a funding edge ('funds: $70M')."""
    if "federal_lower_usd" not in data:
        return data["relation"]
    from mfgkg.analysis.money import in_words

    money = in_words(data["federal_lower_usd"], data.get("federal_upper_usd"))
    return data["relation"].replace("funds", f"funds {money}", 1)


def page_data(kg: KnowledgeGraph, view: str) -> dict[str, Any]:
    """Nodes (with positions or parents, facts and attributes), edges and type legend for the page's script."""
    graph = styled(kg.to_networkx(view))
    type_names = {row["type"].rsplit("#", 1)[-1]: row["name"] for row in kg.run_sparql(TYPE_NAMES).records()}
    facts = grouped_facts([row for row in kg.run_sparql(FACTS).records() if row["subject"] in graph])
    parents = _nesting(graph) if view == "plan" else {}
    positions = _plan_positions(graph, parents) if view == "plan" else _positions(graph)
    nodes = []
    for node, data in sorted(graph.nodes(data=True)):
        attributes = {k: v for k, v in data.items() if k not in ("iri", "label", "name", "type", "colour", "size")}
        item = {"id": node, "name": data["name"], "caption": _caption(data), "label": data["label"],
                "type": data["type"], "colour": data["colour"], "weight": graph.degree(node),
                "attributes": attributes, "facts": facts.get(node, [])}
        if node in parents:
            item["parent"] = parents[node]
        if node in positions:
            item["x"], item["y"] = positions[node]
        nodes.append(item)
    edges = [{"source": s, "target": t, "relation": _edge_label(d)}
             for s, t, d in sorted(graph.edges(data=True)) if parents.get(t) != s]
    present = sorted({n["type"] for n in nodes})
    legend = [{"type": t, "name": type_names.get(t, t), "colour": next(n["colour"] for n in nodes if n["type"] == t),
               "count": sum(1 for n in nodes if n["type"] == t)} for t in present]
    return {"view": view, "nodes": nodes, "edges": edges, "types": legend}


def library() -> str:
    """Cytoscape.js's browser build with its licence header, as fetched at build or install time."""
    vendor = resources.files("mfgkg.publish").joinpath("static/vendor")
    script = vendor.joinpath(f"{LIBRARY}.min.js")
    if not script.is_file():
        raise MfgkgError(f"the explorer's {LIBRARY} library is missing: reinstall mfgkg (pip install -e .), "
                         "which fetches it from the npm registry, or run python hatch_build.py in a checkout")
    code = script.read_text(encoding="utf-8")
    if "</script" in code.lower():
        raise MfgkgError(f"{LIBRARY}.min.js contains '</script' and cannot be inlined in the page")
    return code


def render(kg: KnowledgeGraph, view: str = "all") -> str:
    """The explorer page for ``view`` as one HTML document."""
    template = resources.files("mfgkg.publish").joinpath("static/explorer.html").read_text(encoding="utf-8")
    head, tail = template.split("/*LIBRARY*/")
    return head + library() + tail.replace("/*GRAPH_DATA*/null", script_json(page_data(kg, view)), 1)
