"""The analysis report: tables and plots from :mod:`mfgkg.analysis`, as Markdown, HTML or JSON.

Every number in the report comes from the analysis functions; the sentences under each heading
are filled in from the same tables. Plots are drawn with matplotlib (PNG and SVG, with fixed
metadata so the files are reproducible). All files are written atomically, together.
"""

from __future__ import annotations

import html
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mfgkg.analysis import coverage, money
from mfgkg.analysis import measures as analysis
from mfgkg.data.registry import colours
from mfgkg.data.serialize import write_atomic

if TYPE_CHECKING:
    import pandas as pd

    from mfgkg.analysis.networks import KnowledgeGraph



@dataclass
class Section:
    """One heading: a sentence or two of findings and its tables."""

    title: str
    findings: list[str]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figure: str | None = None


@dataclass
class Report:
    """All sections plus the figures (name -> PNG bytes and SVG text)."""

    sections: list[Section]
    figures: dict[str, tuple[bytes, str]]




def build(kg: KnowledgeGraph) -> Report:
    """Run every analysis on ``kg`` and draw the figures."""
    funding, plan, partners = kg.to_networkx("funding"), kg.to_networkx("plan"), kg.to_networkx("partners")
    by_agency = analysis.funding_by_agency(funding)
    by_department = analysis.funding_by_department(kg)
    by_technology = analysis.funding_by_technology(funding)
    by_state = analysis.funding_by_state(funding)
    central = analysis.centrality(funding)
    links = analysis.objective_links(plan)
    paths = analysis.objective_paths(plan)
    cut = analysis.bridges(plan)
    similar = analysis.institute_similarity(funding)
    groups = analysis.institute_communities(funding)
    gaps = analysis.coverage_gaps(plan, funding, analysis.agencies_without_role(kg))
    evolution = analysis.plan_evolution(plan)
    metrics = _metric_series(kg)
    bridging = analysis.bridging_organizations(partners)
    partner_totals = analysis.partner_counts(partners)
    detail = coverage.by_entity(kg)

    top = by_agency.iloc[0]
    top_area = by_technology.iloc[0]
    top_state = by_state[by_state["state"] != "(not recorded)"].iloc[0]
    hub = central.iloc[0]
    gap_counts = gaps.groupby("gap").size().to_dict()
    sections = [
        Section("Who funds what", [
            f"{top['agency']} sponsors the most institutes ({top['institutes_sponsored']}); "
            f"{len(by_agency[by_agency['institutes_sponsored'] > 0])} departments sponsor institutes and "
            f"{len(by_agency)} agencies have a sponsorship or a recorded federal figure.",
            "By department, offices roll up to their department (NIST and CRDO count for Commerce), and the "
            "money ledger reconciles the figures: one inside another, superseded by a later one, the same money "
            "as another, another source's, or combining federal and non-federal money is left out, so no dollar "
            "is counted twice; each total is a range. "
            + "; ".join(f"{r['department']}: {money.in_words(r['federal_lower_usd'], r['federal_upper_usd'])}"
                        for r in by_department.to_dict("records") if r["figures"]) + ".",
            "`mfgkg money --by department --explain` lists every figure behind these totals and why each other "
            "one is left out.",
        ], {"By department": by_department, "By agency": by_agency}, "institutes_per_agency"),
        Section("Technology areas and states", [
            f"{top_area['technology']} is the area with most institutes ({top_area['institutes']}: "
            f"{top_area['institute_names']}). {top_state['state']} hosts {top_state['institutes']} institutes "
            f"({top_state['institute_names']}).",
        ], {"By technology area": by_technology, "By state": by_state}, "institutes_per_technology"),
        Section("Central nodes of the funding network", [
            f"{hub['name']} has the highest betweenness ({hub['betweenness']:.3f}): it connects the most "
            "agency-institute-technology routes.",
        ], {"Degree and betweenness": central}),
        Section("How objectives connect", [
            f"{len(links)} pairs of objectives share a linking item; the strongest, "
            f"{links.iloc[0]['objective_a']} and {links.iloc[0]['objective_b']}, share {links.iloc[0]['shared']} "
            f"({links.iloc[0]['via']})." if len(links) else "No two objectives share a linking item.",
            f"Of {len(paths)} pairs of objectives, {int(paths['length'].notna().sum())} are connected in the plan "
            f"network; the longest shortest path has {int(paths['length'].max())} steps.",
        ], {"Shared items": links, "Shortest paths": paths}, "objective_network"),
        Section("Bridges in the plan network", [
            f"{len(cut)} items split the plan network if removed; {cut.iloc[0]['name']} splits it into "
            f"{cut.iloc[0]['parts_after_removal']} parts." if len(cut) else "No single item splits the network.",
        ], {"Articulation points": cut}),
        Section("Institutes with shared technology areas", [
            f"{len(similar)} pairs of institutes share a technology area"
            + (f"; the most similar are {similar.iloc[0]['institute_a']} and {similar.iloc[0]['institute_b']} "
               f"(Jaccard {similar.iloc[0]['jaccard']:.2f})." if len(similar) else "."),
        ], {"Pairs": similar, "Groups": groups}),
        Section("Who works with whom", [
            f"{partner_totals['organizations']} organizations are recorded working with "
            f"{partner_totals['institutes']} institutes: {partner_totals['memberships']} membership links, "
            f"{partner_totals['operators']} organizations that run an institute, and "
            f"{partner_totals['project_links']} project links. {len(bridging)} organizations are linked to two or "
            "more institutes"
            + (f"; the most connected, {bridging.iloc[0]['organization']}, to {bridging.iloc[0]['institutes']} "
               f"({bridging.iloc[0]['institute_names']})." if len(bridging) else ".")
            + " Sources list members only partly, so a missing link is not evidence of no link.",
        ], {"Organizations linked to two or more institutes": bridging}),
        Section("Field coverage", [
            "How completely each entity type's expected fields are filled: sourced, filled by the build, "
            "disputed (ranked claims) or empty. `mfgkg coverage --by entity` names the entities.",
        ], {"By entity type": coverage.by_type(detail)}),
        Section("Coverage gaps", [
            "; ".join(f"{count} {gap}{'s' if count != 1 else ''}" for gap, count in sorted(gap_counts.items()))
            + "." if gap_counts else "No gaps found.",
        ], {"Gaps": gaps}),
        Section("Plan evolution, 2019 to 2024", [
            "Elements per edition as the public sources give them, and the recorded relations between editions.",
        ], {"Editions": evolution["editions"], "Relations": evolution["relations"]}),
        Section("Metrics over fiscal years", [
            f"{metrics['metric'].nunique()} count metrics with figures in at least two fiscal years (preferred "
            "figure where sources disagree).",
        ], {"Series": metrics}, "metrics_over_years"),
    ]
    figures = {
        "institutes_per_agency": _bar(by_agency[by_agency["institutes_sponsored"] > 0], "agency",
                                      "institutes_sponsored", "Institutes per sponsoring department", "institutes"),
        "institutes_per_technology": _bar(by_technology, "technology", "institutes",
                                          "Institutes per technology area", "institutes", horizontal=True),
        "objective_network": _network(plan),
        "metrics_over_years": _lines(metrics),
    }
    return Report(sections, figures)


def _metric_series(kg: KnowledgeGraph) -> pd.DataFrame:
    """Count metrics for the whole network with figures in two or more years, preferred figure per year."""
    frame = kg.query("metrics-by-year")
    frame = frame[(frame["unit"] == "count") & (frame["scope"] == "Manufacturing USA network of institutes")]
    frame = frame.assign(order=(frame["rank"] != "preferred").astype(int)).sort_values(["metric", "fiscal_year",
                                                                                        "order"])
    frame = frame.drop_duplicates(["metric", "fiscal_year"])[["metric", "fiscal_year", "comparator", "value"]]
    years = frame.groupby("metric")["fiscal_year"].transform("count")
    return frame[years >= 2].reset_index(drop=True)


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "mfgkg"
    plt.rcParams["svg.fonttype"] = "none"  # text stays text in the SVG: searchable, and checkable for overlaps
    return plt


def _save(fig: Any) -> tuple[bytes, str]:
    png, svg = io.BytesIO(), io.StringIO()
    fig.savefig(png, format="png", dpi=120, bbox_inches="tight", metadata={"Software": None})
    fig.savefig(svg, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    _figure().close(fig)
    return png.getvalue(), svg.getvalue()


def _bar(frame: pd.DataFrame, label: str, value: str, title: str, unit: str,
         horizontal: bool = False) -> tuple[bytes, str]:
    """A bar chart of counts: the value axis labelled with its unit and ticked at whole numbers."""
    from matplotlib.ticker import MaxNLocator

    plt = _figure()
    fig, ax = plt.subplots(figsize=(7, max(3, 0.3 * len(frame)) if horizontal else 3.5))
    if horizontal:
        ax.barh(frame[label][::-1], frame[value][::-1], color="#12355b")
        ax.set_xlabel(unit)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        ax.bar(frame[label], frame[value], color="#12355b")
        ax.set_ylabel(unit)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title)
    return _save(fig)


def _lines(metrics: pd.DataFrame) -> tuple[bytes, str]:
    """Count metrics over fiscal years: log scale (members and trainees differ by orders of
    magnitude), labelled axes, whole-year ticks, the legend beside the plot rather than over it."""
    from matplotlib.ticker import MaxNLocator

    plt = _figure()
    fig, ax = plt.subplots(figsize=(9, 4))
    for metric, rows in metrics.groupby("metric"):
        ax.plot(rows["fiscal_year"], rows["value"], marker="o", label=metric)
    ax.set_yscale("log")
    ax.set_xlabel("fiscal year")
    ax.set_ylabel("count (log scale)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Network count metrics by fiscal year")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return _save(fig)


# Columns of the plan network figure, left to right, with their colours from the registry.
NETWORK_COLUMNS = {kind: (colours()[kind], words) for kind, words in (
    ("Goal", "goals"), ("Action", "actions"), ("Objective", "objectives"),
    ("TechnologyArea", "technology areas"), ("Institute", "institutes"), ("FederalAgency", "agencies"))}
NETWORK_FONT = 7.0  # points
ROW = 13.0  # points between two nodes of a column: more than a line of text
CHAR = 0.62 * NETWORK_FONT  # a generous width of one character, in points


def _network(plan: Any) -> tuple[bytes, str]:
    """The plan network as columns (goals, actions, objectives, technology areas, institutes,
    agencies), each node labelled to its right. Columns are spaced by their longest label and rows
    by more than a line, so no two labels overlap (a spring layout made them collide)."""
    plt = _figure()
    keep = [n for n, d in plan.nodes(data=True)
            if d["type"] in NETWORK_COLUMNS and d.get("edition", "2022") != "2019"]
    columns = {kind: sorted((n for n in keep if plan.nodes[n]["type"] == kind), key=lambda n: plan.nodes[n]["name"])
               for kind in NETWORK_COLUMNS}
    columns = {kind: nodes for kind, nodes in columns.items() if nodes}
    height = ROW * max(len(nodes) for nodes in columns.values())
    position: dict[str, tuple[float, float]] = {}
    x = 0.0
    starts = {}
    for kind, nodes in columns.items():
        starts[kind] = x
        step = height / len(nodes)
        for row, node in enumerate(nodes):
            position[node] = (x, height - step * (row + 0.5))
        x += 12 + CHAR * max(len(plan.nodes[n]["name"]) for n in nodes) + 24
    fig = plt.figure(figsize=(x / 72, (height + 40) / 72))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-8, x)
    ax.set_ylim(-8, height + 32)
    for source, target in plan.subgraph(keep).edges:
        (x1, y1), (x2, y2) = position[source], position[target]
        ax.plot([x1, x2], [y1, y2], color="#999999", linewidth=0.4, alpha=0.5, zorder=1)
    for kind, nodes in columns.items():
        colour, header = NETWORK_COLUMNS[kind]
        ax.scatter([position[n][0] for n in nodes], [position[n][1] for n in nodes], s=18,
                   color=colour, zorder=2, label=kind)
        ax.text(starts[kind], height + 8, header, fontsize=NETWORK_FONT + 0.5, fontweight="bold", va="center")
        for node in nodes:
            px, py = position[node]
            ax.text(px + 6, py, plan.nodes[node]["name"], fontsize=NETWORK_FONT, va="center", ha="left", zorder=3)
    ax.text(0, height + 24, "Plan network: goals, actions, objectives and the items that serve them",
            fontsize=9, va="center")
    ax.axis("off")
    return _save(fig)


def human(column: str, value: Any) -> str:
    """A table value as people read it: dollars with separators for ``*_usd`` columns, counts with
    separators, years as written, other numbers to three decimals (0.449, not 0). JSON keeps the
    raw values."""
    value = value.item() if hasattr(value, "item") else value
    if value is None or value != value:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if column.endswith("usd"):
        return f"${value:,.0f}"
    if "year" in column:
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def _formatted(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every cell formatted by :func:`human`, for the Markdown and HTML reports."""
    return frame.apply(lambda column: column.map(lambda v: human(str(column.name), v)))


def _markdown_table(frame: pd.DataFrame) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in _formatted(frame).itertuples(index=False)]
    return "\n".join(lines)


def render(report: Report, fmt: str) -> str:
    """The report text in ``fmt`` (md, html or json); figures are referenced as files beside it."""
    if fmt == "json":
        doc = {s.title: {"findings": s.findings, "figure": s.figure,
                         "tables": {n: json.loads(t.to_json(orient="records")) for n, t in s.tables.items()}}
               for s in report.sections}
        return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    if fmt == "md":
        out = ["# Manufacturing USA knowledge graph: network analysis", ""]
        for s in report.sections:
            out += [f"## {s.title}", "", *s.findings, ""]
            if s.figure:
                out += [f"![{s.title}](figures/{s.figure}.png)", ""]
            for name, table in s.tables.items():
                out += [f"### {name}", "", _markdown_table(table), ""]
        return "\n".join(out)
    if fmt == "html":
        out = ['<!doctype html><html lang="en"><head><meta charset="utf-8">',
               "<title>Manufacturing USA knowledge graph: network analysis</title>",
               "<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:auto;padding:1rem}"
               "table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #ccc;padding:.2rem .4rem}"
               "</style></head><body><h1>Manufacturing USA knowledge graph: network analysis</h1>"]
        for s in report.sections:
            out.append(f"<h2>{html.escape(s.title)}</h2>")
            out += [f"<p>{html.escape(text)}</p>" for text in s.findings]
            if s.figure:
                out.append(f'<img src="figures/{s.figure}.svg" alt="{html.escape(s.title)}" style="max-width:100%">')
            for name, table in s.tables.items():
                out.append(f"<h3>{html.escape(name)}</h3>" + _formatted(table).to_html(index=False, escape=True))
        out.append("</body></html>")
        return "\n".join(out) + "\n"
    raise ValueError(f"unknown report format '{fmt}'")


def write(report: Report, out_dir: Path, fmt: str) -> list[Path]:
    """Write report.<fmt> and figures/<name>.png|.svg into ``out_dir``, all or nothing."""
    out_dir = Path(out_dir)
    texts: dict[Path, str | bytes] = {out_dir / f"report.{fmt}": render(report, fmt)}
    for name, (png, svg) in report.figures.items():
        texts[out_dir / "figures" / f"{name}.png"] = png
        texts[out_dir / "figures" / f"{name}.svg"] = svg
    write_atomic(texts)
    return sorted(texts)
