"""Projections of the knowledge graph into typed NetworkX graphs.

Three views, each a ``networkx.DiGraph`` whose nodes are IRIs carrying ``iri``, ``label`` (full
name), ``name`` (short name: ``mfg:displayName`` or plan number), ``type`` (the mfg class
name) and key attributes (institutes: ``state``, ``established``, ``status``; agencies: ``kind``
and ``department``; plan elements: ``edition``), and whose edges carry ``relation``:

* ``funding``: agency -> institute (``sponsors`` and/or ``funds``, with the number of federal
  figures the money ledger counts and their sum as ``federal_lower_usd`` and ``federal_upper_usd``,
  the latter None where a source gives only a floor; figures inside others, superseded, the same
  money or another source's are not counted, so sums over edges count each dollar once),
  institute -> technology area (``works in``) and technology area -> broader area (``within``).
* ``plan``: plan -> goal -> objective -> action (``has goal``, ``has objective``, ``has action``),
  items -> objective (``serves``), narrower -> broader technology area (``within``), agency ->
  institute (``sponsors``, ``manages``), institute -> technology area, action -> agency
  (``carried out by``), later -> earlier plan element (``continues``, ``broadens``, ...),
  plan -> plan (``replaces``, ``implements``).
* ``partners``: organization -> institute (``member of`` and/or ``project participant``, with the
  number of the institute's recorded projects it takes part in): who works with whom, and which
  organizations bridge institutes.
* ``all``: every typed entity and every stated link between two of them (the build's derived
  hierarchy links, ``mfg:DerivedProperty``, are left out: they would only repeat the stated ones;
  organizations linked to nothing else, such as publishers of sources, are left out too).

The graph is read through SPARQL, so any store (embedded or remote) gives the same projection.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, Protocol

from mfgkg.choices import VIEWS
from mfgkg.data.registry import node_types
from mfgkg.errors import QueryError
from mfgkg.prefixes import PREFIXES

if TYPE_CHECKING:
    import networkx as nx


class KnowledgeGraph(Protocol):
    """What the analyses need from a graph; :class:`mfgkg.kg.KnowledgeGraph` is one. Declared here
    so this layer never imports the facade that sits above it."""

    def run_sparql(self, text: str) -> Any: ...

    def run(self, name: str, params: Any = None) -> Any: ...

    def query(self, name: str, **params: object) -> Any: ...

    def to_networkx(self, view: str = "all") -> nx.DiGraph: ...


MFG = PREFIXES["mfg"]
NODE_TYPES = node_types()  # from the registry
TYPE_LIST = " ".join(f"mfg:{name}" for name in NODE_TYPES)

NODES = """
SELECT ?node ?type ?label ?short ?number ?edition ?state ?established ?status ?kind ?department WHERE {
  VALUES ?type { NODE_TYPES }
  ?node a ?type ; rdfs:label ?label .
  OPTIONAL { ?node mfg:displayName ?short }
  OPTIONAL { ?node mfg:number ?number }
  OPTIONAL { ?plan mfg:hasGoal ?node . ?plan mfg:edition ?goal_edition }
  OPTIONAL { ?plan2 mfg:hasGoal/(mfg:hasObjective|mfg:hasAction) ?node . ?plan2 mfg:edition ?element_edition }
  OPTIONAL { ?plan3 mfg:hasAction ?node . ?plan3 mfg:edition ?plan_action_edition }
  OPTIONAL { ?node mfg:edition ?own_edition }
  BIND(STR(COALESCE(?goal_edition, ?element_edition, ?plan_action_edition, ?own_edition)) AS ?edition)
  OPTIONAL { ?node mfg:headquarters/<https://schema.org/containedInPlace>/rdfs:label ?state }
  OPTIONAL { ?node <https://schema.org/foundingDate> ?founded }
  BIND(STR(?founded) AS ?established)
  OPTIONAL { ?node mfg:status/rdfs:label ?status }
  OPTIONAL { ?node mfg:agencyKind|mfg:organizationKind ?kind_iri . ?kind_iri rdfs:label ?kind }
  OPTIONAL {
    ?node mfg:withinAgency ?top . ?top mfg:agencyKind v:agency-kind-department .
    ?top mfg:displayName ?department .
  }
}""".replace("NODE_TYPES", TYPE_LIST)

COMMITMENTS = """
SELECT ?agency ?institute ?lower ?upper WHERE {
  ?commitment a mfg:FundingCommitment ; mfg:funder ?agency ; mfg:recipient ?institute ;
    mfg:payer v:payer-federal ; mfg:ledgerStatus v:ledger-counted ; mfg:lowerAmount ?lower .
  OPTIONAL { ?commitment mfg:upperAmount ?upper }
}"""

PLAN_LINKS = """
SELECT ?source ?relation ?target WHERE {
  {
    VALUES (?property ?relation) {
      (mfg:hasGoal "has goal") (mfg:hasObjective "has objective") (mfg:hasAction "has action")
      (mfg:serves "serves") (mfg:carriedOutBy "carried out by") (mfg:replaces "replaces")
      (mfg:implements "implements")
    }
    ?source ?property ?target .
  } UNION {
    ?source ?property ?target .
    ?property rdfs:subPropertyOf mfg:relatedEarlierElement ; rdfs:label ?relation .
  }
}"""

ALL_LINKS = """
SELECT DISTINCT ?source ?relation ?target WHERE {
  VALUES ?source_type { NODE_TYPES }
  VALUES ?target_type { NODE_TYPES }
  ?source a ?source_type . ?target a ?target_type .
  ?source ?property ?target .
  FILTER NOT EXISTS { ?property a mfg:DerivedProperty }
  OPTIONAL { ?property rdfs:label ?property_label }
  BIND(COALESCE(STR(?property_label), STR(?property)) AS ?relation)
}""".replace("NODE_TYPES", TYPE_LIST)


AREAS = "SELECT ?institute ?area WHERE { ?institute mfg:technologyArea ?area }"
BROADER = "SELECT ?area ?broader WHERE { ?area a mfg:TechnologyArea ; skos:broader ?broader }"
WITHIN = "within"


def _rows(kg: KnowledgeGraph, text: str) -> list[dict[str, Any]]:
    answer = kg.run_sparql(text)
    if not hasattr(answer, "records"):
        raise QueryError("projection queries must be SELECT queries")
    return answer.records()


def _name(row: dict[str, Any]) -> str:
    kind = row["type"].rsplit("#", 1)[-1]
    if kind in ("Goal", "Objective", "Action") and row["number"]:
        prefix = f"{row['edition']} " if row["edition"] else ""
        return f"{prefix}{kind.lower()} {row['number']}"
    return row["short"] or row["label"]


def _nodes(kg: KnowledgeGraph) -> dict[str, dict[str, Any]]:
    """Every typed entity with its attributes; an entity of several listed types keeps the most specific."""
    nodes: dict[str, dict[str, Any]] = {}
    for row in _rows(kg, NODES):
        kind = row["type"].rsplit("#", 1)[-1]
        if row["node"] in nodes and kind == "StrategicPlan":
            continue
        attrs = {"iri": row["node"], "label": row["label"], "name": _name(row), "type": kind}
        for key in ("state", "established", "status", "kind", "edition", "department"):
            if row[key] is not None:
                attrs[key] = row[key]
        nodes[row["node"]] = attrs
    return nodes


def _add(graph: nx.DiGraph, nodes: dict[str, dict[str, Any]], source: str, target: str, relation: str,
         **attrs: Any) -> None:
    if source not in nodes or target not in nodes:
        return
    for node in (source, target):
        if node not in graph:
            graph.add_node(node, **nodes[node])
    if graph.has_edge(source, target):
        existing = graph.edges[source, target]
        relations = sorted(set(existing["relation"].split(" and ")) | {relation})
        existing["relation"] = " and ".join(relations)
        existing.update(attrs)
    else:
        graph.add_edge(source, target, relation=relation, **attrs)


def funding_graph(kg: KnowledgeGraph) -> nx.DiGraph:
    """Agencies -> institutes -> technology areas, with recorded federal figures on agency edges."""
    import networkx as nx

    nodes = _nodes(kg)
    graph = nx.DiGraph(view="funding")
    money: dict[tuple[str, str], list[tuple[float, float | None]]] = defaultdict(list)
    for row in _rows(kg, COMMITMENTS):
        money[(row["agency"], row["institute"])].append(
            (float(row["lower"]), None if row["upper"] is None else float(row["upper"])))
    for pair, figures in sorted(money.items()):
        uppers = [upper for _, upper in figures]
        _add(graph, nodes, *pair, "funds", commitments=len(figures),
             federal_lower_usd=sum(lower for lower, _ in figures),
             federal_upper_usd=None if None in uppers else sum(u for u in uppers if u is not None))
    for row in _rows(kg, "SELECT ?institute ?agency WHERE { ?institute mfg:sponsor ?agency }"):
        _add(graph, nodes, row["agency"], row["institute"], "sponsors")
    for row in _rows(kg, AREAS):
        _add(graph, nodes, row["institute"], row["area"], "works in")
    for row in _rows(kg, BROADER):
        _add(graph, nodes, row["area"], row["broader"], WITHIN)
    for node in nodes.values():
        if node["type"] == "Institute" and node["iri"] not in graph:
            graph.add_node(node["iri"], **node)
    return graph


def plan_graph(kg: KnowledgeGraph) -> nx.DiGraph:
    """Plans, goals, objectives and actions; the items that serve objectives; the institutes working
    in those items' technology areas; and the agencies that sponsor or manage those institutes."""
    import networkx as nx

    nodes = _nodes(kg)
    graph = nx.DiGraph(view="plan")
    for row in _rows(kg, PLAN_LINKS):
        _add(graph, nodes, row["source"], row["target"], row["relation"])
    areas = {n for n, d in graph.nodes(data=True) if d["type"] == "TechnologyArea"}
    broader = _rows(kg, BROADER)
    while True:
        narrower = [row for row in broader
                    if row["broader"] in areas and not graph.has_edge(row["area"], row["broader"])]
        if not narrower:
            break
        for row in narrower:
            _add(graph, nodes, row["area"], row["broader"], WITHIN)
            areas.add(row["area"])
    worked_in = _rows(kg, AREAS)
    # Every area of each institute in the view, whichever order the engine returns the rows in.
    working = {row["institute"] for row in worked_in if row["area"] in areas or row["institute"] in graph}
    for row in worked_in:
        if row["institute"] in working:
            _add(graph, nodes, row["institute"], row["area"], "works in")
    institutes = {n for n, d in graph.nodes(data=True) if d["type"] == "Institute"}
    for relation, prop in (("sponsors", "mfg:sponsor"), ("manages", "mfg:managingOffice")):
        for row in _rows(kg, f"SELECT ?institute ?agency WHERE {{ ?institute {prop} ?agency }}"):
            if row["institute"] in institutes:
                _add(graph, nodes, row["agency"], row["institute"], relation)
    return graph


PARTNERS = """
SELECT ?organization ?institute (COUNT(DISTINCT ?project) AS ?projects) (SAMPLE(?member) AS ?is_member)
       (SAMPLE(?operator) AS ?is_operator) WHERE {
  { ?organization mfg:memberOf ?institute . BIND(true AS ?member) }
  UNION
  { ?organization mfg:operates ?institute . BIND(true AS ?operator) }
  UNION
  { ?project mfg:participant ?organization ; mfg:performedBy ?institute }
} GROUP BY ?organization ?institute"""


def partner_graph(kg: KnowledgeGraph) -> nx.DiGraph:
    """Organizations -> institutes they are members of, run, or work with in projects."""
    import networkx as nx

    nodes = _nodes(kg)
    graph = nx.DiGraph(view="partners")
    for row in _rows(kg, PARTNERS):
        if row["is_member"]:
            _add(graph, nodes, row["organization"], row["institute"], "member of")
        if row["is_operator"]:
            _add(graph, nodes, row["organization"], row["institute"], "operates")
        if row["projects"]:
            _add(graph, nodes, row["organization"], row["institute"], "project participant",
                 projects=int(row["projects"]))
    return graph


def entity_graph(kg: KnowledgeGraph) -> nx.DiGraph:
    """Every typed entity and every direct link between two of them."""
    import networkx as nx

    nodes = _nodes(kg)
    graph = nx.DiGraph(view="all")
    for iri, attrs in nodes.items():
        graph.add_node(iri, **attrs)
    for row in _rows(kg, ALL_LINKS):
        _add(graph, nodes, row["source"], row["target"], row["relation"])
    graph.remove_nodes_from([n for n, d in list(graph.nodes(data=True))
                             if d["type"] == "Organization" and graph.degree(n) == 0])
    return graph


def project(kg: KnowledgeGraph, view: str = "all") -> nx.DiGraph:
    """The named view of ``kg`` (see the module docstring)."""
    builders = {"funding": funding_graph, "plan": plan_graph, "partners": partner_graph, "all": entity_graph}
    if view not in builders:
        raise QueryError(f"unknown view '{view}' (views: {', '.join(VIEWS)})")
    return builders[view](kg)
