"""Build the knowledge graph: seeds/ + ontology/ -> one rdflib Graph.

All ids are collected first, so records may refer to each other across files in any order;
an unknown reference stops the build with a :class:`SeedError` naming file, entity and field.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS, TIME, XSD
from rdflib.term import Node

from mfgkg.data.claims import ClaimWriter, Context
from mfgkg.data.ledger import Figure, LedgerError, reconcile
from mfgkg.data.namespaces import MFG, PREFIXES, QB, SCHEMA, VOCAB, entity, slugify, vocab
from mfgkg.data.registry import TYPES, EntityType, build_order
from mfgkg.data.seeds import Record, Seeds, load, truthy
from mfgkg.errors import OntologyError, SeedError

# The ontology, its controlled vocabularies, and display labels for borrowed standard terms.
ONTOLOGY_FILES = ("mfgkg.ttl", "vocabularies.ttl", "external.ttl")
TECH_SCHEME = URIRef(f"{VOCAB}technology-areas")
METRICS_DATASET = URIRef(f"{VOCAB}program-metrics")
# Derived hierarchy properties: (class, the stated step upwards, the derived reflexive-transitive link).
HIERARCHIES = ((MFG.FederalAgency, ORG.subOrganizationOf, MFG.withinAgency),
               (MFG.TechnologyArea, SKOS.broader, MFG.withinArea))

# A money relation in the seeds -> its property.
MONEY_RELATION = {"part-of": MFG.partOf, "increment-of": MFG.incrementOf, "supersedes": MFG.supersedes,
                  "same-money-as": MFG.sameMoneyAs}

# Seed section -> the IRI path segment its ids become.
KINDS = {t.section: t.kind for t in TYPES if t.section and t.kind}


def _closure(graph: Graph, node: Node, step: URIRef) -> list[Node]:
    """``node`` and everything reachable from it along ``step``, breadth first, each once (cycles end)."""
    seen = [node]
    for current in seen:
        seen.extend(sorted(n for n in graph.objects(current, step) if n not in seen))
    return seen


def _date_literal(value: str) -> Literal:
    """A typed literal for YYYY, YYYY-MM or YYYY-MM-DD."""
    dtype = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(value)]
    return Literal(value, datatype=dtype)


def _year(value: int) -> Literal:
    return Literal(f"{value:04d}", datatype=XSD.gYear)


def _en(text: str) -> Literal:
    return Literal(text, lang="en")


def _number(value: float | int) -> Literal:
    """An xsd:decimal in canonical form (16, not 16.0), which every store writes back unchanged."""
    text = format(Decimal(str(value)).normalize(), "f")
    return Literal("0" if text == "-0" else text, datatype=XSD.decimal)


# Converters a field table names in ``to`` (references, vocabulary terms and places are the
# builder's own, see Builder.converter).
CONVERTERS: dict[str, Callable[[Any], Node]] = {
    "en": _en, "literal": Literal, "iri": URIRef, "year": _year, "date": _date_literal, "number": _number}


def _publisher_names(value: str) -> list[str]:
    """A publisher as written, without a remark in brackets after it, and without "U.S." before it."""
    bare = re.sub(r"\s*\([^()]*\)$", "", value)
    return [value, bare, *(re.sub(r"^(?:U\.S\.|US|United States)\s+", "", name) for name in (value, bare))]


def _values(field: Any) -> list[Any]:
    """The values of a plain or claimed list field (``[a, b]`` or ``[{value: a, ...}, b]``)."""
    return [v["value"] if isinstance(v, dict) else v for v in field or []]


def _ledger_year(d: dict[str, Any]) -> tuple[int, str] | None:
    """The year a figure is for: its fiscal year, else the calendar year it starts, else the one it runs to."""
    if d.get("fiscal_year"):
        return int(d["fiscal_year"]), "fiscal"
    for key in ("start_year", "end_year"):
        if d.get(key):
            return int(d[key]), "calendar"
    return None


def _split_acronym(name: str) -> tuple[str, str | None]:
    """'National Center for X (NCX)' -> ('National Center for X', 'NCX')."""
    if name.endswith(")") and " (" in name:
        head, _, tail = name.rpartition(" (")
        return head.strip(), tail[:-1].strip()
    return name.strip(), None


@dataclass
class Builder:
    """Turns checked seed records into RDF; one instance per build."""

    seeds: Seeds
    graph: Graph = field(default_factory=Graph)
    ids: defaultdict[str, dict[str, URIRef]] = field(default_factory=lambda: defaultdict(dict))
    first_acronym: dict[URIRef, Node] = field(default_factory=dict)
    _by_id: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for prefix, ns in PREFIXES.items():
            self.graph.bind(prefix, ns, override=True)
        sources = {str(r.data["id"]): r.data for r in self.seeds.section("sources")}
        self.claims = ClaimWriter(self.graph, set(sources), {k for k, d in sources.items() if d.get("rendering")})
        for section, kind in KINDS.items():
            for rec in self.seeds.section(section):
                self.ids[kind][rec.data["id"]] = URIRef(entity(kind, rec.data["id"]))
        self.states = {r.data["code"]: r for r in self.seeds.section("states")}
        self.organization_names = self._organization_names()
        self.publisher_names = {**self._names_of("institutes", "institute"), **self._names_of("agencies", "agency"),
                                **self.organization_names}
        programs = self.seeds.section("program")
        self.program = URIRef(entity("program", programs[0].data["id"])) if programs else None
        self.network = URIRef(entity("network", programs[0].data["id"])) if programs else None

    # -- helpers -----------------------------------------------------------------------

    def ref(self, kind: str, ctx: Context, key: str) -> Callable[[Any], URIRef]:
        """A resolver from a seed id to the IRI of an existing entity of ``kind``."""
        def resolve(value: Any) -> URIRef:
            try:
                return self.ids[kind][value]
            except KeyError:
                raise SeedError(ctx.file, f"unknown {kind} '{value}'", entity=ctx.entity, field=key) from None
        return resolve

    def ctx(self, rec: Record | None, file: str, name: str, data: dict[str, Any],
            parent: Context | None = None, one_fact: bool = False) -> Context:
        """Citation context of a record; nested records inherit their parent's citations.

        ``one_fact`` marks a record that states a single fact (a membership, a key fact): its own
        citations are that fact's, while citations inherited from a parent stay record-scoped.
        """
        cite = data.get("cite") or (parent.cite if parent else [])
        return Context(file=file if rec is None else rec.file, entity=name, cite=list(cite),
                       basis=data.get("basis", "stated"), rationale=data.get("rationale"),
                       one_fact=one_fact and bool(data.get("cite")))

    def describe(self, node: URIRef, types: Iterable[URIRef], data: dict[str, Any], ctx: Context,
                 label_key: str = "label") -> None:
        """Type, label, names, notes, provenance: what every entity carries."""
        g = self.graph
        for t in types:
            g.add((node, RDF.type, t))
        g.add((node, MFG.definedIn, Literal(ctx.file)))
        if label_key in data:
            self.claims.facts(node, RDFS.label, data[label_key], ctx, label_key, _en, single=True)
        acronyms = self.fact(node, MFG.acronym, data, "acronyms", ctx, _en, single=False)
        for acronym in acronyms:
            g.add((node, SKOS.altLabel, acronym))
        if acronyms:
            self.first_acronym[node] = acronyms[0]
        if data.get("alt_labels"):
            self.claims.facts(node, SKOS.altLabel, data["alt_labels"], ctx, "alt_labels", _en)
        if data.get("note"):
            g.add((node, MFG.note, _en(data["note"])))
        self.claims.cite(node, ctx.cite, ctx)

    def fact(self, node: URIRef, predicate: URIRef, data: dict[str, Any], key: str, ctx: Context,
             to_object: Callable[[Any], Node], single: bool = True) -> list[Node]:
        """Add the claims of ``data[key]`` if present."""
        if key not in data:
            return []
        return self.claims.facts(node, predicate, data[key], ctx, key, to_object, single=single)

    def element_ref(self, value: str, ctx: Context, key: str) -> URIRef:
        """Resolve 'plan-2024', 'plan-2024/goal-1', an institute, agency or technology id."""
        if "/" in value:
            plan_id, _, element = value.partition("/")
            if plan_id in self.ids.get("plan", {}):
                iri = URIRef(entity("plan", plan_id, slugify(element)))
                if (iri, RDF.type, None) in self.graph:
                    return iri
            raise SeedError(ctx.file, f"unknown plan element '{value}'", entity=ctx.entity, field=key)
        for kind in ("plan", "institute", "technology", "agency"):
            if value in self.ids.get(kind, {}):
                return self.ids[kind][value]
        raise SeedError(ctx.file, f"unknown reference '{value}'", entity=ctx.entity, field=key)

    # -- sections ------------------------------------------------------------------------

    def build(self) -> Graph:
        """Build every seed section in the registry's dependency order, then derive what the
        sections imply (hierarchies, display names), and return the graph."""
        done: set[str] = set()
        for entity_type in build_order():
            if entity_type.hook is None:
                self.section(entity_type)
            elif entity_type.hook not in done:  # one hook may build several sections (plan, strategy)
                getattr(self, entity_type.hook)()
                done.add(entity_type.hook)
        self.hierarchies()
        self.display_names()
        self.disputes()
        return self.graph

    def section(self, entity_type: EntityType) -> None:
        """Build a plain section from its field table: describe each record, add each field's facts,
        then run the type's ``extra`` step if it has one."""
        extra = getattr(self, entity_type.extra) if entity_type.extra else None
        for rec in self.seeds.section(entity_type.section or ""):
            d = rec.data
            node = self.ids[entity_type.kind or ""][d["id"]]
            ctx = self.ctx(rec, rec.file, d["id"], d)
            self.describe(node, [URIRef(c) for c in entity_type.classes], d, ctx)
            for key, spec in entity_type.fields.items():
                if spec.via is not None:
                    fctx = replace(ctx, basis="curated", rationale=spec.curated) if spec.curated else ctx
                    self.fact(node, URIRef(spec.via), d, key, fctx, self.converter(spec.to or "literal", fctx, key),
                              single=not spec.many)
            if "facts" in entity_type.fields:
                self.key_facts(node, d, ctx)
            if extra is not None:
                extra(node, d, ctx)

    def converter(self, name: str, ctx: Context, key: str) -> Callable[[Any], Node]:
        """The function turning a seed value into an RDF term, by the name a field table gives."""
        kind, _, argument = name.partition(":")
        if kind == "ref":
            return self.ref(argument, ctx, key)
        if kind == "vocab":
            return lambda value: URIRef(vocab(argument, value))
        if kind == "city":
            return lambda value: self.city(value, ctx)
        if kind == "organization":
            return lambda value: self.organization(value, ctx)
        if kind == "fiscal-year":
            return self.fiscal_year
        return CONVERTERS[kind]

    def sources(self) -> None:
        g = self.graph
        for rec in self.seeds.section("sources"):
            d = rec.data
            node = URIRef(entity("source", d["id"]))
            g.add((node, RDF.type, MFG.Source))
            g.add((node, RDFS.label, _en(d["title"])))
            g.add((node, DCTERMS.title, _en(d["title"])))
            if d.get("date"):
                g.add((node, DCTERMS.issued, _date_literal(d["date"])))
            g.add((node, SCHEMA.url, URIRef(d["url"])))
            g.add((node, MFG.definedIn, Literal(rec.file)))
            if d.get("type"):
                g.add((node, MFG.sourceType, Literal(d["type"])))
            if d.get("rendering"):
                g.add((node, MFG.rendering, Literal(d["rendering"])))
            if d.get("note"):
                g.add((node, MFG.note, _en(d["note"])))
            g.add((node, DCTERMS.publisher, self.publisher(d["publisher"])))

    def places(self) -> None:
        g = self.graph
        for rec in self.seeds.section("states"):
            d = rec.data
            node = URIRef(entity("place", f"us-{d['code'].lower()}"))
            ctx = self.ctx(rec, rec.file, d["code"], d)
            g.add((node, RDF.type, MFG.State))
            g.add((node, RDFS.label, _en(d["name"])))
            g.add((node, SKOS.notation, Literal(f"US-{d['code']}")))
            if d.get("alt_labels"):
                self.claims.facts(node, SKOS.altLabel, d["alt_labels"], ctx, "alt_labels", _en)
            g.add((node, MFG.definedIn, Literal(rec.file)))
            self.claims.cite(node, ctx.cite, ctx)

    def city(self, hq: dict[str, str], ctx: Context) -> URIRef:
        """The City node for an {city, state} headquarters value, created on first use."""
        state = hq["state"]
        if state not in self.states:
            raise SeedError(ctx.file, f"unknown state code '{state}'", entity=ctx.entity, field="hq")
        state_node = URIRef(entity("place", f"us-{state.lower()}"))
        node = URIRef(entity("place", f"us-{state.lower()}", slugify(hq["city"])))
        g = self.graph
        g.add((node, RDF.type, MFG.City))
        g.add((node, RDFS.label, _en(f"{hq['city']}, {self.states[state].data['name']}")))
        g.add((node, SCHEMA.containedInPlace, state_node))
        return node

    def program_network(self, node: URIRef, d: dict[str, Any], ctx: Context) -> None:
        """The program's network of institutes, a node of its own."""
        g = self.graph
        network = URIRef(entity("network", d["id"]))
        g.add((network, RDF.type, MFG.Network))
        g.add((network, RDFS.label, _en(d.get("network_label", f"{d['id']} network"))))
        g.add((node, MFG.network, network))
        self.claims.cite(network, ctx.cite, ctx)

    def hierarchies(self) -> None:
        """Materialise the derived hierarchy properties (``mfg:DerivedProperty``).

        ``mfg:withinAgency`` links each agency to itself and every agency above it through
        org:subOrganizationOf; ``mfg:withinArea`` each technology area to itself and every area
        above it through skos:broader. Queries then filter by a department or a broad area with
        one plain triple pattern instead of property paths, which triple stores evaluate
        inconsistently. Only truthy (preferred) links are followed.
        """
        g = self.graph
        for cls, step, derived in HIERARCHIES:
            for node in sorted(g.subjects(RDF.type, cls)):
                for above in _closure(g, node, step):
                    g.add((node, derived, above))

    def display_names(self) -> None:
        """Materialise ``mfg:displayName``, the one short name answers show for an entity: its common
        name, else the acronym its seed lists first (editors list the agency's own usage first:
        DoD, not DOD), else its label."""
        g = self.graph
        for node in sorted(set(g.subjects(MFG.definedIn, None))):
            common = sorted(g.objects(node, MFG.commonName))
            name = common[0] if common else self.first_acronym.get(node) or g.value(node, RDFS.label)
            if name is not None:
                g.add((node, MFG.displayName, name))

    def disputes(self) -> None:
        """Materialise ``mfg:disputedFact``: each (entity, property) whose claims carry more than one
        rank, so list answers flag a disputed value without grouping every claim at query time."""
        g = self.graph
        ranks: dict[tuple[Node, Node], set[Node]] = {}
        for claim, rank in g.subject_objects(MFG.rank):
            subject, predicate = g.value(claim, RDF.subject), g.value(claim, RDF.predicate)
            if subject is not None and predicate is not None:
                ranks.setdefault((subject, predicate), set()).add(rank)
        for (subject, predicate), seen in sorted(ranks.items()):
            if len(seen) > 1:
                g.add((subject, MFG.disputedFact, predicate))

    def concept_scheme(self, node: URIRef, d: dict[str, Any], ctx: Context) -> None:
        """A technology area's place in the SKOS scheme: prefLabel, narrower, top concept."""
        g = self.graph
        g.add((TECH_SCHEME, RDF.type, SKOS.ConceptScheme))
        g.add((node, SKOS.inScheme, TECH_SCHEME))
        for label in list(g.objects(node, RDFS.label)):
            g.add((node, SKOS.prefLabel, label))
        broader = list(g.objects(node, SKOS.broader))
        for b in broader:
            g.add((b, SKOS.narrower, node))
        if not broader:
            g.add((node, SKOS.topConceptOf, TECH_SCHEME))
            g.add((TECH_SCHEME, SKOS.hasTopConcept, node))

    def institute_extras(self, node: URIRef, d: dict[str, Any], ctx: Context) -> None:
        """An institute's common name is also an alternative label; an established one is a
        member of the program's network."""
        g = self.graph
        for name in list(g.objects(node, MFG.commonName)):
            g.add((node, SKOS.altLabel, name))
        if self.network is not None and (node, MFG.status, URIRef(vocab("status", "established"))) in g:
            self.claims.facts(node, MFG.memberOfNetwork, self.network, ctx, "status", lambda v: v)

    def publisher(self, value: str) -> URIRef:
        """An agency id, else an agency, institute or organization by any of its names (also written
        with "U.S." before it or a remark in brackets after it: "U.S. Department of Defense (Release
        No. NR-342-15)" is the department), else a named organization (e.g. a news outlet)."""
        agency = self.ids["agency"].get(value)
        if agency is not None:
            return agency
        for name in _publisher_names(value):
            known = self.publisher_names.get(name.casefold())
            if known is not None:
                return known
        node = URIRef(entity("organization", slugify(value)))
        if (node, RDF.type, MFG.Organization) not in self.graph:
            self.graph.add((node, RDF.type, MFG.Organization))
            self.graph.add((node, RDFS.label, _en(value)))
        return node

    def _names_of(self, section: str, kind: str) -> dict[str, URIRef]:
        """Every name of a section's entities (label, common name, acronyms, other names), case-folded."""
        names: dict[str, URIRef] = {}
        for rec in self.seeds.section(section):
            d = rec.data
            for key in ("label", "common_name", "acronyms", "alt_labels"):
                written = d.get(key)
                for name in [written] if isinstance(written, str) else _values(written):
                    names.setdefault(str(name).casefold(), self.ids[kind][d["id"]])
        return names

    def _organization_names(self) -> dict[str, URIRef]:
        """Every id, name, acronym and other name of the organizations section, case-folded, to its
        IRI, so a member, participant or lead organization written any of those ways is one node. A
        state's name is refused as an organization's name: "Idaho" would match the state too."""
        names: dict[str, URIRef] = {}
        places = {str(r.data["name"]).casefold() for r in self.seeds.section("states")}
        for rec in self.seeds.section("organizations"):
            d = rec.data
            node = self.ids["organization"][d["id"]]
            labels = [c["value"] for c in d["label"]] if isinstance(d["label"], list) else [d["label"]]
            for name in [d["id"], *labels, *(_values(d.get("acronyms"))), *(_values(d.get("alt_labels")))]:
                key = str(name).casefold()
                if key in places:
                    raise SeedError(rec.file, f"the name '{name}' is a state's: qualify it (e.g. the full name)",
                                    entity=d["id"], field="alt_labels")
                if names.setdefault(key, node) != node:
                    raise SeedError(rec.file, f"the name '{name}' is also another organization's",
                                    entity=d["id"], field="alt_labels")
        return names

    def organization(self, name: str, ctx: Context) -> URIRef:
        """An organization by its id or any of its names in the organizations section; otherwise
        one named 'Full Name (ACRONYM)', created on first use."""
        known = self.organization_names.get(name.casefold()) or self.organization_names.get(
            _split_acronym(name)[0].casefold())
        if known is not None:
            return known
        full, acronym = _split_acronym(name)
        node = URIRef(entity("organization", slugify(full)))
        g = self.graph
        if (node, RDF.type, MFG.Organization) not in g:
            g.add((node, RDF.type, MFG.Organization))
            g.add((node, RDFS.label, _en(full)))
            g.add((node, MFG.definedIn, Literal(ctx.file)))
            self.claims.cite(node, ctx.cite, ctx)
        if acronym:
            g.add((node, MFG.acronym, _en(acronym)))
            g.add((node, SKOS.altLabel, _en(acronym)))
        return node

    def fiscal_year(self, year: int) -> URIRef:
        """The FiscalYear node (Oct 1 of year-1 to Sep 30 of year), created on first use."""
        node = URIRef(entity("fiscal-year", str(year)))
        g = self.graph
        if (node, RDF.type, MFG.FiscalYear) not in g:
            begin = URIRef(entity("instant", f"{year - 1}-10-01"))
            end = URIRef(entity("instant", f"{year}-09-30"))
            g.add((node, RDF.type, MFG.FiscalYear))
            g.add((node, RDFS.label, _en(f"FY{year}")))
            g.add((node, MFG.year, Literal(year)))
            g.add((node, TIME.hasBeginning, begin))
            g.add((node, TIME.hasEnd, end))
            for instant, day in ((begin, f"{year - 1}-10-01"), (end, f"{year}-09-30")):
                g.add((instant, RDF.type, TIME.Instant))
                g.add((instant, TIME.inXSDDate, Literal(day, datatype=XSD.date)))
        return node

    def nary(self, node: URIRef, types: Iterable[URIRef], d: dict[str, Any], ctx: Context) -> None:
        """What every n-ary fact node carries: type, rank, basis, note, citations."""
        g = self.graph
        for t in types:
            g.add((node, RDF.type, t))
        g.add((node, MFG.definedIn, Literal(ctx.file)))
        g.add((node, MFG.rank, URIRef(vocab("rank", d.get("rank", "normal")))))
        g.add((node, MFG.basis, URIRef(vocab("basis", d.get("basis", "stated")))))
        if d.get("reason"):
            g.add((node, MFG.rankReason, _en(d["reason"])))
        if d.get("basis") == "curated":
            if not d.get("rationale"):
                raise SeedError(ctx.file, "curated fact needs a one-line rationale", entity=ctx.entity,
                                field="rationale")
            g.add((node, MFG.rationale, _en(d["rationale"])))
        if d.get("note"):
            g.add((node, MFG.note, _en(d["note"])))
        if not ctx.cite:
            raise SeedError(ctx.file, "fact has no citation", entity=ctx.entity, field="cite")
        self.claims.cite(node, ctx.cite, ctx)
        self.claims.mark_rendering(node, ctx.cite)

    def funding(self) -> None:
        """Funding figures, with their money relations, then the ledger over them and the projects' money."""
        for rec in self.seeds.section("funding"):
            d = rec.data
            self.funding_figure(self.ids["funding"][d["id"]], d, self.ctx(rec, rec.file, d["id"], d))
        self.ledger()

    def funding_figure(self, node: URIRef, d: dict[str, Any], ctx: Context) -> None:
        """One funding figure: who gets it, who pays, what kind of money, how much, when."""
        g = self.graph
        self.nary(node, [MFG.FundingCommitment], d, ctx)
        g.add((node, MFG.recipient, self.ref("institute", ctx, "institute")(d["institute"])))
        if d.get("funder"):
            g.add((node, MFG.funder, self.ref("agency", ctx, "funder")(d["funder"])))
        g.add((node, MFG.fundingKind, URIRef(vocab("funding-kind", d["kind"]))))
        g.add((node, MFG.amount, _number(d["amount"])))
        g.add((node, MFG.currency, Literal(d["currency"])))
        g.add((node, MFG.comparator, URIRef(vocab("comparator", d.get("comparator", "exact")))))
        g.add((node, SCHEMA.description, _en(d["description"])))
        g.add((node, RDFS.label, _en(f"{d['id']}: {d['kind'].replace('-', ' ')}")))
        for key, prop in (("start_year", MFG.startYear), ("end_year", MFG.endYear)):
            if key in d:
                g.add((node, prop, _year(d[key])))
        if "start_year" in d and "end_year" in d and d["end_year"] < d["start_year"]:
            raise SeedError(ctx.file, "end_year is before start_year", entity=ctx.entity, field="end_year")
        if "fiscal_year" in d:
            g.add((node, MFG.fiscalYear, self.fiscal_year(d["fiscal_year"])))
        if "alternative_to" in d:
            g.add((node, MFG.alternativeTo, self.ref("funding", ctx, "alternative_to")(d["alternative_to"])))
        if d.get("project"):
            g.add((node, MFG.forProject, self.ids["project"][d["project"]]))
        for relation in d.get("relations", []):
            target = self.ref("funding", ctx, "relations")(relation["to"])
            g.add((node, MONEY_RELATION[relation["relation"]], target))

    def ledger(self) -> None:
        """The money ledger (:mod:`mfgkg.data.ledger`): the projects' recorded money as figures of their
        own, then, on every figure, whether totals count it (with its bounds, payer, paying department
        and year) or why they leave it out."""
        figures, contexts = [], {}
        for rec in self.seeds.section("funding"):
            d = rec.data
            figures.append(self.ledger_figure(d["id"], d, rec.file))
            contexts[d["id"]] = (rec.file, d)
        for rec in self.seeds.section("projects"):
            for d in self.project_money(rec):
                self.funding_figure(self.ids["funding"][d["id"]], d, self.ctx(rec, rec.file, d["id"], d))
                figures.append(self.ledger_figure(d["id"], d, rec.file))
                contexts[d["id"]] = (rec.file, d)
        try:
            entries = reconcile(figures)
        except LedgerError as error:
            file, _ = contexts[error.figure]
            raise SeedError(file, str(error), entity=error.figure, field="relations") from None
        g = self.graph
        for figure in figures:
            node, entry = self.ids["funding"][figure.id], entries[figure.id]
            g.add((node, MFG.payer, URIRef(vocab("payer", figure.payer))))
            if figure.department:
                g.add((node, MFG.payingDepartment, self.ids["agency"][figure.department]))
            g.add((node, MFG.ledgerStatus, URIRef(vocab("ledger", "counted" if entry.counted else "left-out"))))
            g.add((node, MFG.ledgerReason, _en(entry.reason)))
            if entry.counted:
                g.add((node, MFG.lowerAmount, _number(entry.lower)))
                if entry.upper is not None:
                    g.add((node, MFG.upperAmount, _number(entry.upper)))
                g.add((node, MFG.approximate, Literal(entry.approximate)))
            year = _ledger_year(contexts[figure.id][1])
            if year is not None:
                g.add((node, MFG.ledgerYear, Literal(year[0])))
                g.add((node, MFG.yearBasis, URIRef(vocab("year-basis", year[1]))))

    def ledger_figure(self, fid: str, d: dict[str, Any], file: str) -> Figure:
        """A seed funding record as the ledger reads it."""
        sponsor = truthy(self.records("institutes").get(d["institute"], {}).get("sponsor"))
        return Figure(
            id=fid, institute=d["institute"], kind=d["kind"], amount=Decimal(str(d["amount"])),
            comparator=d.get("comparator", "exact"), funder=d.get("funder"),
            department=self.department(d["funder"]) if d.get("funder") else None,
            sponsor_department=self.department(sponsor) if sponsor else None, project=d.get("project"),
            separate_award=bool(d.get("separate_award")), preferred=d.get("rank", "normal") != "deprecated",
            alternative_to=d.get("alternative_to"),
            relations=[(r["relation"], r["to"], r["why"]) for r in d.get("relations", [])])

    def records(self, section: str) -> dict[str, dict[str, Any]]:
        """A section's records by id, read once."""
        if section not in self._by_id:
            self._by_id[section] = {r.data["id"]: r.data for r in self.seeds.section(section)}
        return self._by_id[section]

    def department(self, agency: str) -> str | None:
        """The department an agency is part of (itself, for a department), through its preferred parents."""
        records = self.records("agencies")
        seen = set()
        while agency in records and agency not in seen:
            seen.add(agency)
            if records[agency].get("kind") == "department":
                return agency
            agency = truthy(records[agency].get("parent"))
        return None

    def project_money(self, rec: Record) -> list[dict[str, Any]]:
        """A project's recorded federal, cost-share and total money, each as a funding record citing the
        project's sources."""
        d = rec.data
        funders = _values(d.get("funders"))
        records = []
        for key, kind, payer in (("federal_usd", "award", "federal"), ("cost_share_usd", "cost-share", "non-federal"),
                                 ("total_usd", "combined-total", "federal and non-federal")):
            amount = truthy(d.get(key))
            if amount is None:
                continue
            fid = f"{d['id']}--{key.removesuffix('_usd').replace('_', '-')}"
            self.ids["funding"][fid] = URIRef(entity("funding", fid))
            record = {"id": fid, "institute": d["institute"], "kind": kind, "amount": amount, "currency": "USD",
                      "description": f"The project's {payer} money, as recorded on the project.",
                      "project": d["id"], "separate_award": d.get("separate_award"), "cite": d.get("cite", []),
                      "relations": d.get("relations", []) if kind == "award" else []}
            if kind == "award" and len(funders) == 1:
                record["funder"] = funders[0]
            year = truthy(d.get("fiscal_year"))
            if year is not None:
                record["fiscal_year"] = year
            elif d.get("awarded"):
                record["start_year"] = int(str(truthy(d["awarded"]))[:4])
            records.append(record)
        return records

    def memberships(self) -> None:
        """Member organizations of institutes: the organization, and its claimed memberOf (or operates,
        for the organization that runs the institute)."""
        for rec in self.seeds.section("memberships"):
            d = rec.data
            ctx = self.ctx(rec, rec.file, f"{d['organization']} in {d['institute']}", d, one_fact=True)
            member = self.organization(d["organization"], ctx)
            relation = MFG.operates if d.get("role") == "operator" else MFG.memberOf
            self.fact(member, relation, d, "institute", ctx, self.converter("ref:institute", ctx, "institute"))

    def mechanism_of(self, node: URIRef, d: dict[str, Any], ctx: Context) -> None:
        """Every mechanism belongs to the program."""
        if self.program is not None:
            self.graph.add((node, MFG.mechanismOf, self.program))

    def plans(self) -> None:
        for section, cls in (("plan", MFG.StrategicPlan), ("strategy", MFG.NationalStrategy)):
            for rec in self.seeds.section(section):
                self.plan(rec, cls)
        for section in ("plan", "strategy"):
            for rec in self.seeds.section(section):
                d = rec.data
                ctx = self.ctx(rec, rec.file, d["id"], d)
                node = self.ids["plan"][d["id"]]
                self.fact(node, MFG.replaces, d, "replaces", ctx, self.ref("plan", ctx, "replaces"))
                self.fact(node, MFG.implements, d, "implements", ctx, self.ref("plan", ctx, "implements"))
                self.fact(node, MFG.plannedInstitute, d, "planned_institutes", ctx,
                          self.ref("institute", ctx, "planned_institutes"), single=False)

    def plan(self, rec: Record, cls: URIRef) -> None:
        g = self.graph
        d = rec.data
        pid = d["id"]
        node = self.ids["plan"][pid]
        ctx = self.ctx(rec, rec.file, pid, d)
        self.describe(node, [cls], d, ctx)
        editions = self.fact(node, MFG.edition, d, "edition", ctx, _year)
        self.fact(node, SCHEMA.description, d, "description", ctx, _en)
        self.fact(node, MFG.reportedInstituteCount, d, "institute_count", ctx, Literal)
        self.fact(node, DCTERMS.issued, d, "issued", ctx, _date_literal)
        self.fact(node, DCTERMS.publisher, d, "publisher", ctx, self.publisher, single=False)
        for key, kind, prop in (("vision", MFG.Vision, MFG.hasVision), ("mission", MFG.Mission, MFG.hasMission)):
            if key in d:
                st = URIRef(entity("plan", pid, key))
                sctx = self.ctx(None, rec.file, f"{pid}/{key}", d[key], ctx, one_fact=True)
                g.add((st, RDF.type, kind))
                edition = f"the {editions[0]} edition" if editions else "the plan"
                g.add((st, RDFS.label, _en(f"{key.capitalize()} of {edition}")))
                self.claims.facts(st, RDF.value, d[key]["text"], sctx, "text", _en, single=True)
                if d[key].get("note"):
                    g.add((st, MFG.note, _en(d[key]["note"])))
                self.claims.cite(st, sctx.cite, sctx)
                self.claims.facts(node, prop, st, sctx, key, lambda v: v)
        for pos, goal in enumerate(d["goals"], 1):
            gnode = self.element(pid, "goal", goal, pos, [MFG.Goal], rec.file, ctx)
            gctx = self.ctx(None, rec.file, f"{pid}/goal-{goal['number']}", goal, ctx)
            self.claims.facts(node, MFG.hasGoal, gnode, gctx, "goals", lambda v: v)
            for opos, objective in enumerate(goal.get("objectives", []), 1):
                onode = self.element(pid, "objective", objective, opos, [MFG.Objective], rec.file, gctx)
                octx = self.ctx(None, rec.file, f"{pid}/objective-{objective['number']}", objective, gctx)
                self.claims.facts(gnode, MFG.hasObjective, onode, octx, "objectives", lambda v: v)
                self.fact(onode, MFG.mentionsProgram, objective, "mentions_manufacturing_usa", octx, Literal)
                self.actions(pid, onode, objective.get("actions", []), rec.file, octx)
            self.actions(pid, gnode, goal.get("actions", []), rec.file, gctx)
        self.actions(pid, node, d.get("actions", []), rec.file, ctx)

    def element(self, pid: str, kind: str, d: dict[str, Any], pos: int, types: list[URIRef], file: str,
                parent: Context) -> URIRef:
        """A numbered plan element (goal, objective, action)."""
        g = self.graph
        name = f"{pid}/{kind}-{d['number']}"
        node = URIRef(entity("plan", pid, slugify(f"{kind}-{d['number']}")))
        if (node, RDF.type, None) in g:
            raise SeedError(file, f"duplicate {kind} number '{d['number']}'", entity=name, field="number")
        ctx = self.ctx(None, file, name, d, parent)
        self.describe(node, [*types, MFG.PlanElement], d, ctx)
        g.add((node, MFG.number, Literal(d["number"])))
        if d.get("numbered_by") == "editors":
            g.add((node, MFG.numberBasis, URIRef(vocab("basis", "curated"))))
        g.add((node, MFG.position, Literal(pos)))
        self.fact(node, SCHEMA.description, d, "description", ctx, _en)
        return node

    def actions(self, pid: str, parent_node: URIRef, actions: list[dict[str, Any]], file: str,
                parent: Context) -> None:
        for pos, action in enumerate(actions, 1):
            anode = self.element(pid, "action", action, pos, [MFG.Action], file, parent)
            actx = self.ctx(None, file, f"{pid}/action-{action['number']}", action, parent)
            self.claims.facts(parent_node, MFG.hasAction, anode, actx, "actions", lambda v: v)
            self.fact(anode, MFG.carriedOutBy, action, "carried_by", actx,
                      lambda v, c=actx: self.element_ref(v, c, "carried_by"), single=False)

    def links(self) -> None:
        for section in ("links", "relations_to_2024"):
            for rec in self.seeds.section(section):
                d = rec.data
                ctx = self.ctx(rec, rec.file, f"{d['from']} -> {d['to']}", d, one_fact=True)
                relation = d.get("relation", "serves")
                source = self.element_ref(d["from"], ctx, "from")
                target = self.element_ref(d["to"], ctx, "to")
                self.claims.facts(source, MFG[relation], target, ctx, "to", lambda v: v)

    def roles(self) -> None:
        g = self.graph
        for rec in self.seeds.section("roles"):
            d = rec.data
            name = f"{d['agency']}-{d['role']}"
            ctx = self.ctx(rec, rec.file, name, d)
            if self.program is None:
                raise SeedError(rec.file, "roles need a program record", entity=name, field="agency")
            agency = self.ref("agency", ctx, "agency")(d["agency"])
            node = URIRef(entity("role", name))
            if (node, RDF.type, MFG.ProgramRole) in g:
                raise SeedError(rec.file, "duplicate role for this agency", entity=name, field="role")
            self.nary(node, [MFG.ProgramRole], d, ctx)
            g.add((node, MFG.agent, agency))
            g.add((node, MFG.role, URIRef(vocab("role", d["role"]))))
            g.add((node, MFG.roleIn, self.program))
            g.add((node, SCHEMA.description, _en(d["about"])))
            g.add((node, RDFS.label, _en(f"{d['agency']} as {d['role'].replace('-', ' ')}")))

    def metrics(self) -> None:
        g = self.graph
        units = {}
        for rec in self.seeds.section("metrics"):
            d = rec.data
            node = self.ids["metric"][d["id"]]
            ctx = self.ctx(rec, rec.file, d["id"], d)
            g.add((node, RDF.type, MFG.Metric))
            g.add((node, RDFS.label, _en(d["label"])))
            for alt in d.get("alt_labels") or ():
                g.add((node, SKOS.altLabel, _en(alt)))
            g.add((node, SKOS.definition, _en(d["description"])))
            g.add((node, MFG.unit, URIRef(vocab("unit", d["unit"].lower()))))
            g.add((node, MFG.definedIn, Literal(rec.file)))
            units[d["id"]] = d["unit"]
            if ctx.cite:
                self.claims.cite(node, ctx.cite, ctx)
        counts: dict[str, int] = {}
        for rec in self.seeds.section("observations"):
            d = rec.data
            key = d.get("id") or f"{d['metric']}-fy{d['fiscal_year']}-{d['scope']}"
            counts[key] = counts.get(key, 0) + 1
            slug = key if counts[key] == 1 else f"{key}-{counts[key]}"
            ctx = self.ctx(rec, rec.file, slug, d)
            metric = self.ref("metric", ctx, "metric")(d["metric"])
            if d["unit"] != units[d["metric"]]:
                raise SeedError(rec.file, f"unit '{d['unit']}' differs from the metric's '{units[d['metric']]}'",
                                entity=slug, field="unit")
            scope = self.network if d["scope"] == "network" else self.ref("institute", ctx, "scope")(d["scope"])
            if scope is None:
                raise SeedError(rec.file, "scope 'network' needs a program record", entity=slug, field="scope")
            node = URIRef(entity("observation", slug))
            self.nary(node, [MFG.Observation], d, ctx)
            g.add((node, QB.dataSet, METRICS_DATASET))
            g.add((node, MFG.metric, metric))
            g.add((node, MFG.fiscalYear, self.fiscal_year(d["fiscal_year"])))
            g.add((node, MFG.scope, scope))
            g.add((node, MFG.value, _number(d["value"])))
            g.add((node, MFG.unit, URIRef(vocab("unit", d["unit"].lower()))))
            g.add((node, MFG.comparator, URIRef(vocab("comparator", d.get("comparator", "exact")))))
            g.add((node, RDFS.label, _en(f"{d['metric']}, FY{d['fiscal_year']}, {d['scope']}")))

    def key_facts(self, node: URIRef, d: dict[str, Any], ctx: Context) -> None:
        """An entity's key facts, each with its own citations."""
        for fact in d.get("facts", []):
            fctx = self.ctx(None, ctx.file, d["id"], fact, ctx, one_fact=True)
            self.claims.facts(node, MFG.keyFact, fact["text"], fctx, "facts", _en)


def ontology_graph(ontology_dir: Path) -> Graph:
    """The OWL ontology and controlled vocabularies (not the shapes)."""
    g = Graph()
    for name in ONTOLOGY_FILES:
        parse_turtle(g, ontology_dir / name, ontology_dir)
    return g


def parse_turtle(graph: Graph, path: Path, ontology_dir: Path) -> None:
    """Add a Turtle file to ``graph``; malformed Turtle raises OntologyError naming the file and the
    parser's message."""
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many parser-specific types
        where = path.relative_to(ontology_dir.parent).as_posix()
        raise OntologyError(where, f"malformed Turtle: {str(exc).strip().splitlines()[0]}") from None


def build_graph(seeds_dir: Path, ontology_dir: Path) -> Graph:
    """Read seeds and ontology and return the complete graph (data + ontology + vocabularies)."""
    seeds = load(seeds_dir)
    builder = Builder(seeds)
    graph = builder.build()
    graph += ontology_graph(ontology_dir)
    return graph


__all__ = ["Builder", "build_graph", "ontology_graph", "parse_turtle"]
