"""Network analyses of the funding and plan projections (see :mod:`mfgkg.analysis.networks`).

Every function takes NetworkX graphs built by :mod:`mfgkg.analysis.networks` (or hand-made graphs with
the same node and edge attributes) and returns plain data or pandas DataFrames, so reports,
notebooks and tests read the same numbers.

Money: a funding edge carries the federal money the ledger counts for that agency and institute
(:mod:`mfgkg.data.ledger`: figures inside others, superseded or repeated are left out), as a
lower and an upper bound; the sums here add those edges, so no dollar is counted twice. An upper
bound of None means at least one source gives only a floor.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import TYPE_CHECKING, Any

from mfgkg.analysis.networks import WITHIN
from mfgkg.query.results import list_order

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

    from mfgkg.analysis.networks import KnowledgeGraph


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def _name(graph: nx.Graph, node: str) -> str:
    return graph.nodes[node]["name"]


def _of_type(graph: nx.Graph, kind: str) -> list[str]:
    return sorted((n for n, d in graph.nodes(data=True) if d["type"] == kind), key=lambda n: _name(graph, n))


def _hierarchy(graph: nx.DiGraph, node: str, upwards: bool) -> set[str]:
    """``node`` and every technology area above it (``upwards``) or below it, along ``within`` edges."""
    found, frontier = {node}, [node]
    while frontier:
        current = frontier.pop()
        edges = graph.out_edges(current, data=True) if upwards else graph.in_edges(current, data=True)
        for source, target, data in edges:
            other = target if upwards else source
            if WITHIN in data["relation"] and other not in found:
                found.add(other)
                frontier.append(other)
    return found


def _add_range(total: tuple[float, float | None], lower: float, upper: float | None) -> tuple[float, float | None]:
    return total[0] + lower, None if upper is None or total[1] is None else total[1] + upper


def _edge_range(data: dict[str, Any]) -> tuple[float, float | None]:
    return data.get("federal_lower_usd") or 0.0, data.get("federal_upper_usd", 0.0)


def _institute_money(funding: nx.DiGraph) -> dict[str, tuple[float, float | None]]:
    """The federal money counted for each institute, over all its funders: (lower, upper or None)."""
    money: dict[str, tuple[float, float | None]] = {}
    for _, target, data in funding.edges(data=True):
        if "funds" in data["relation"]:
            money[target] = _add_range(money.get(target, (0.0, 0.0)), *_edge_range(data))
    return money


def _money_columns(total: tuple[float, float | None]) -> dict[str, float | None]:
    return {"federal_lower_usd": total[0], "federal_upper_usd": total[1]}


def _sum_over(money: dict[str, tuple[float, float | None]], institutes: list[str]) -> dict[str, float | None]:
    total: tuple[float, float | None] = (0.0, 0.0)
    for institute in institutes:
        total = _add_range(total, *money.get(institute, (0.0, 0.0)))
    return _money_columns(total)


def funding_by_agency(funding: nx.DiGraph) -> pd.DataFrame:
    """Per agency: institutes it sponsors, institutes it funds, the number of counted federal figures,
    and their sum as a lower and an upper bound."""
    rows = []
    for agency in _of_type(funding, "FederalAgency"):
        sponsored = funded = commitments = 0
        total: tuple[float, float | None] = (0.0, 0.0)
        for _, _, data in funding.out_edges(agency, data=True):
            sponsored += "sponsors" in data["relation"]
            if "funds" in data["relation"]:
                funded += 1
                commitments += data.get("commitments", 0)
                total = _add_range(total, *_edge_range(data))
        rows.append({"agency": _name(funding, agency), "department": funding.nodes[agency].get("department"),
                     "institutes_sponsored": sponsored, "institutes_funded": funded,
                     "commitments": commitments, **_money_columns(total)})
    frame = _frame(rows, ["agency", "department", "institutes_sponsored", "institutes_funded", "commitments",
                          "federal_lower_usd", "federal_upper_usd"])
    return frame.sort_values(["institutes_sponsored", "federal_lower_usd", "agency"],
                             ascending=[False, False, True], ignore_index=True)


def funding_by_department(kg: KnowledgeGraph) -> pd.DataFrame:
    """Per department (its offices rolled up): institutes it sponsors, and its federal money as the
    ledger reconciles it (:func:`mfgkg.analysis.money.totals`): a lower and an upper bound and the
    bound's kind, with the number of figures counted and left out."""
    from mfgkg.analysis import money

    sponsored: dict[str, int] = defaultdict(int)
    for row in kg.run("institutes").result.records():
        sponsored[row["agency"]] += 1
    totals = money.totals(kg, "department")
    totals = totals[~totals["group"].str.startswith("(")]
    rows = {r["group"]: r for r in totals.astype(object).where(totals.notna(), None).to_dict("records")}
    records = [{"department": name, "institutes_sponsored": sponsored.get(name, 0),
                "federal_lower_usd": rows[name]["federal_lower"] if name in rows else 0.0,
                "federal_upper_usd": rows[name]["federal_upper"] if name in rows else 0.0,
                "bound": rows[name]["federal_bound"] if name in rows else "",
                "figures": rows[name]["figures"] if name in rows else 0,
                "left_out": rows[name]["left_out"] if name in rows else 0}
               for name in sorted(set(sponsored) | set(rows))]
    frame = _frame(records, ["department", "institutes_sponsored", "federal_lower_usd", "federal_upper_usd", "bound",
                             "figures", "left_out"])
    return frame.sort_values(["institutes_sponsored", "department"], ascending=[False, True], ignore_index=True)


def _sponsors(funding: nx.DiGraph, institute: str) -> list[str]:
    edges = funding.in_edges(institute, data=True)
    return sorted(_name(funding, a) for a, _, d in edges if "sponsors" in d["relation"])


def funding_by_technology(funding: nx.DiGraph) -> pd.DataFrame:
    """Per technology area: the institutes working in it or in a narrower area, their sponsors, and
    the federal money counted for them (lower and upper bound)."""
    money = _institute_money(funding)
    rows = []
    for area in _of_type(funding, "TechnologyArea"):
        members = {i for a in _hierarchy(funding, area, upwards=False) for i, _, d in funding.in_edges(a, data=True)
                   if "works in" in d["relation"]}
        institutes = sorted(members, key=lambda n: _name(funding, n))
        agencies = list_order(s for i in institutes for s in _sponsors(funding, i))
        rows.append({"technology": _name(funding, area), "institutes": len(institutes),
                     "institute_names": " | ".join(_name(funding, i) for i in institutes),
                     "sponsors": " | ".join(agencies), **_sum_over(money, institutes)})
    frame = _frame(rows, ["technology", "institutes", "institute_names", "sponsors", "federal_lower_usd",
                          "federal_upper_usd"])
    return frame.sort_values(["institutes", "federal_lower_usd", "technology"], ascending=[False, False, True],
                             ignore_index=True)


def funding_by_state(funding: nx.DiGraph) -> pd.DataFrame:
    """Per headquarters state: institutes and the federal money counted for them (lower and upper bound)."""
    money = _institute_money(funding)
    by_state: dict[str, list[str]] = defaultdict(list)
    for institute in _of_type(funding, "Institute"):
        by_state[funding.nodes[institute].get("state") or "(not recorded)"].append(institute)
    rows = [{"state": state, "institutes": len(members),
             "institute_names": " | ".join(_name(funding, i) for i in members),
             **_sum_over(money, members)} for state, members in by_state.items()]
    frame = _frame(rows, ["state", "institutes", "institute_names", "federal_lower_usd", "federal_upper_usd"])
    return frame.sort_values(["institutes", "federal_lower_usd", "state"], ascending=[False, False, True],
                             ignore_index=True)


def centrality(funding: nx.DiGraph) -> pd.DataFrame:
    """Degree and betweenness centrality of agencies, institutes and technology areas (undirected)."""
    import networkx as nx

    graph = funding.to_undirected(as_view=True)
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    degree = nx.degree_centrality(graph)
    rows = [{"name": _name(funding, n), "type": d["type"], "degree": graph.degree(n),
             "degree_centrality": round(degree[n], 6), "betweenness": round(betweenness[n], 6)}
            for n, d in funding.nodes(data=True) if d["type"] in ("FederalAgency", "Institute", "TechnologyArea")]
    frame = _frame(rows, ["name", "type", "degree", "degree_centrality", "betweenness"])
    return frame.sort_values(["betweenness", "degree", "name"], ascending=[False, False, True], ignore_index=True)


def reach(plan: nx.DiGraph) -> dict[str, set[str]]:
    """For each item, the objectives it serves: directly, through a technology area, through the
    institutes an agency sponsors or manages, through the goal an action belongs to, or through the actions
    an agency carries out."""
    objectives = set(_of_type(plan, "Objective"))

    def served(node: str) -> set[str]:
        return {t for _, t, d in plan.out_edges(node, data=True) if "serves" in d["relation"] and t in objectives}

    def via(node: str, relation: str) -> list[str]:
        return [t for _, t, d in plan.out_edges(node, data=True) if relation in d["relation"]]

    def area_reach(area: str) -> set[str]:
        return {o for above in _hierarchy(plan, area, upwards=True) for o in served(above)}

    def institute_reach(node: str) -> set[str]:
        found = served(node)
        for area in via(node, "works in"):
            found |= area_reach(area)
        return found

    result: dict[str, set[str]] = {}
    for node, data in plan.nodes(data=True):
        kind = data["type"]
        found = served(node)
        if kind == "TechnologyArea":
            found = area_reach(node)
        elif kind == "Institute":
            found = institute_reach(node)
        elif kind == "FederalAgency":
            for institute in via(node, "sponsors") + via(node, "manages"):
                found |= institute_reach(institute)
            for action, _, d in plan.in_edges(node, data=True):
                if "carried out by" in d["relation"]:
                    found |= served(action) | {o for g, _, e in plan.in_edges(action, data=True)
                                               if "has action" in e["relation"] for o in served(g)}
        elif kind == "Action":
            for goal, _, d in plan.in_edges(node, data=True):
                if "has action" in d["relation"]:
                    found |= served(goal)
        if found:
            result[node] = found
    return result


def objective_links(plan: nx.DiGraph) -> pd.DataFrame:
    """Pairs of objectives served by the same items, by kind of item, with the linking items."""
    shared: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for item, objectives in reach(plan).items():
        kind = plan.nodes[item]["type"]
        for a, b in combinations(sorted(objectives), 2):
            shared[(a, b, kind)].add(_name(plan, item))
    rows = [{"objective_a": _name(plan, a), "objective_b": _name(plan, b), "link": kind, "shared": len(items),
             "via": " | ".join(list_order(items))} for (a, b, kind), items in shared.items()]
    frame = _frame(rows, ["objective_a", "objective_b", "link", "shared", "via"])
    return frame.sort_values(["shared", "objective_a", "objective_b", "link"], ascending=[False, True, True, True],
                             ignore_index=True)


def objective_paths(plan: nx.DiGraph) -> pd.DataFrame:
    """Shortest path (undirected) between every two objectives, with the nodes on it."""
    import networkx as nx

    graph = plan.to_undirected(as_view=True)
    rows = []
    for a, b in combinations(_of_type(plan, "Objective"), 2):
        try:
            path = nx.shortest_path(graph, a, b)
        except nx.NetworkXNoPath:
            rows.append({"objective_a": _name(plan, a), "objective_b": _name(plan, b), "length": None, "path": None})
            continue
        rows.append({"objective_a": _name(plan, a), "objective_b": _name(plan, b), "length": len(path) - 1,
                     "path": " > ".join(_name(plan, n) for n in path)})
    return _frame(rows, ["objective_a", "objective_b", "length", "path"])


def bridges(plan: nx.DiGraph) -> pd.DataFrame:
    """Items whose removal splits the plan network: how many parts result and the smallest part cut off."""
    import networkx as nx

    graph = nx.Graph(plan.to_undirected())
    rows = []
    for node in nx.articulation_points(graph):
        rest = graph.copy()
        rest.remove_node(node)
        component_of = next(c for c in nx.connected_components(graph) if node in c)
        parts = [c for c in nx.connected_components(rest) if c & component_of]
        rows.append({"name": _name(plan, node), "type": plan.nodes[node]["type"], "parts_after_removal": len(parts),
                     "smallest_part": min(len(p) for p in parts)})
    frame = _frame(rows, ["name", "type", "parts_after_removal", "smallest_part"])
    return frame.sort_values(["parts_after_removal", "smallest_part", "name"], ascending=[False, False, True],
                             ignore_index=True)


def institute_similarity(funding: nx.DiGraph) -> pd.DataFrame:
    """Jaccard similarity of institutes' technology-area sets, for every pair sharing an area."""
    areas = {i: set(funding.successors(i)) for i in _of_type(funding, "Institute")}
    rows = []
    for a, b in combinations(areas, 2):
        common = areas[a] & areas[b]
        if common:
            rows.append({"institute_a": _name(funding, a), "institute_b": _name(funding, b),
                         "jaccard": round(len(common) / len(areas[a] | areas[b]), 6),
                         "shared_areas": " | ".join(list_order(_name(funding, t) for t in common))})
    frame = _frame(rows, ["institute_a", "institute_b", "jaccard", "shared_areas"])
    return frame.sort_values(["jaccard", "institute_a", "institute_b"], ascending=[False, True, True],
                             ignore_index=True)


def institute_communities(funding: nx.DiGraph) -> pd.DataFrame:
    """Groups of two or more institutes connected by shared technology areas (connected components)."""
    import networkx as nx

    graph = nx.Graph()
    areas = {i: set(funding.successors(i)) for i in _of_type(funding, "Institute")}
    for a, b in combinations(areas, 2):
        if areas[a] & areas[b]:
            graph.add_edge(a, b)
    rows = []
    for members in nx.connected_components(graph):
        names = sorted(_name(funding, m) for m in members)
        shared = set.union(*(areas[m] for m in members))
        rows.append({"institutes": " | ".join(names), "size": len(members),
                     "technology_areas": " | ".join(list_order(_name(funding, t) for t in shared))})
    frame = _frame(rows, ["institutes", "size", "technology_areas"])
    return frame.sort_values(["size", "institutes"], ascending=[False, True], ignore_index=True)


def bridging_organizations(partners: nx.DiGraph) -> pd.DataFrame:
    """Organizations linked to two or more institutes (as members or project participants), most
    connected first: the organizations through which institutes are connected."""
    rows = []
    for organization in _of_type(partners, "Organization"):
        institutes = list(partners.successors(organization))
        if len(institutes) < 2:
            continue
        rows.append({"organization": _name(partners, organization),
                     "kind": partners.nodes[organization].get("kind", ""),
                     "institutes": len(institutes),
                     "institute_names": " | ".join(list_order(_name(partners, i) for i in institutes)),
                     "projects": sum(partners.edges[organization, i].get("projects", 0) for i in institutes)})
    frame = _frame(rows, ["organization", "kind", "institutes", "institute_names", "projects"])
    return frame.sort_values(["institutes", "projects", "organization"], ascending=[False, False, True],
                             ignore_index=True)


def partner_counts(partners: nx.DiGraph) -> dict[str, int]:
    """How many organizations, membership links, operators, project-participation links and
    institutes the partner view holds."""
    edges = list(partners.edges(data=True))
    return {"organizations": len(_of_type(partners, "Organization")),
            "institutes": len(_of_type(partners, "Institute")),
            "memberships": sum("member of" in d["relation"] for _, _, d in edges),
            "operators": sum("operates" in d["relation"] for _, _, d in edges),
            "project_links": sum("project participant" in d["relation"] for _, _, d in edges)}


def coverage_gaps(plan: nx.DiGraph, funding: nx.DiGraph, agencies_without_role: list[str]) -> pd.DataFrame:
    """What the graph does not connect: objectives with no action or no metric, institutes with no
    technology area, and agencies with no recorded program role."""
    rows = []
    for objective in _of_type(plan, "Objective"):
        relations = [d["relation"] for _, _, d in plan.out_edges(objective, data=True)]
        if not any("has action" in r for r in relations):
            rows.append({"gap": "objective with no action", "name": _name(plan, objective)})
        linked_metric = any(plan.nodes[n]["type"] == "Metric" for n in _neighbours(plan, objective))
        if not linked_metric:
            rows.append({"gap": "objective with no metric", "name": _name(plan, objective)})
    for institute in _of_type(funding, "Institute"):
        if not any("works in" in d["relation"] for _, _, d in funding.out_edges(institute, data=True)):
            rows.append({"gap": "institute with no technology area", "name": _name(funding, institute)})
    rows += [{"gap": "agency with no role", "name": name} for name in sorted(agencies_without_role)]
    return _frame(rows, ["gap", "name"])


def _neighbours(graph: nx.DiGraph, node: str) -> set[str]:
    """Neighbours in either direction."""
    return set(graph.successors(node)) | set(graph.predecessors(node))


def agencies_without_role(kg: KnowledgeGraph) -> list[str]:
    """Short names of agencies that hold no recorded program role."""
    answer = kg.run_sparql("""
        SELECT ?name WHERE {
          ?agency a mfg:FederalAgency ; mfg:displayName ?name .
          FILTER NOT EXISTS { ?role mfg:agent ?agency }
        }""")
    return sorted(str(row[0].value) for row in answer)


def plan_evolution(plan: nx.DiGraph) -> dict[str, pd.DataFrame]:
    """Elements per plan edition, and how later goals and objectives relate to earlier ones."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"Goal": 0, "Objective": 0, "Action": 0})
    titles: dict[str, str] = {}
    for _, data in plan.nodes(data=True):
        if data["type"] in ("Goal", "Objective", "Action"):
            counts[data.get("edition", "?")][data["type"]] += 1
        elif data["type"] in ("StrategicPlan", "NationalStrategy"):
            titles[data.get("edition", "?")] = data["label"]
    editions = _frame([{"edition": e, "plan": titles.get(e), "goals": c["Goal"], "objectives": c["Objective"],
                        "actions": c["Action"]} for e, c in sorted(counts.items())],
                      ["edition", "plan", "goals", "objectives", "actions"])
    structural = {"has goal", "has objective", "has action", "serves", "carried out by", "sponsors", "manages",
                  "works in"}
    rows = []
    plan_types = {"StrategicPlan", "NationalStrategy", "Goal", "Objective", "Action"}
    for source, target, data in plan.edges(data=True):
        ends = {plan.nodes[source]["type"], plan.nodes[target]["type"]}
        if data["relation"] in structural or not ends <= plan_types:
            continue
        rows.append({"later": _name(plan, source), "relation": data["relation"], "earlier": _name(plan, target)})
    relations = _frame(rows, ["later", "relation", "earlier"]).sort_values(["later", "earlier"], ignore_index=True)
    return {"editions": editions, "relations": relations}
