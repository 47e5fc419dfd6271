"""Entity pages (Linked Data): every entity IRI as an HTML page of its facts, and as RDF.

An :class:`EntityPages` reads the whole graph once (one SPARQL query through the facade) and
indexes it, so a page or an RDF description is a few dictionary look-ups: ``mfgkg serve``
builds one at start-up and answers ``/id/...`` from it, and :mod:`mfgkg.publish.site` writes
every page from it in seconds.

A page shows the entity's name and types, every fact grouped by property (one row per value
with its rank, the rank's reason, whose words a text is, and its sources behind a count), the
sources of the record as a whole, and the entities that refer to it. Links between pages are
relative to the site root, computed from the page's own path, so they work both served and
as static files. The RDF of an entity is its concise bounded description (the graph has no blank
nodes: the triples it is the subject of) plus the claims about it and their citations, written
by the engine (:mod:`mfgkg.query.wire`; JSON-LD by :func:`mfgkg.data.serialize.to_jsonld`,
with the project's context).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mfgkg.prefixes import PREFIXES, curie
from mfgkg.publish.markup import escape as _e
from mfgkg.publish.markup import link, safe_url
from mfgkg.query import wire
from mfgkg.query.results import INTEGER_TYPES, XSD, Term, Triple

if TYPE_CHECKING:
    from mfgkg.kg import KnowledgeGraph

ID = PREFIXES["id"]
RDF, RDFS, MFG = PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["mfg"]
PROV, DCTERMS, SCHEMA, SKOS = PREFIXES["prov"], PREFIXES["dcterms"], PREFIXES["schema"], PREFIXES["skos"]
V = PREFIXES["v"]
TYPE = RDF + "type"
CLAIM, CITATION = MFG + "Claim", MFG + "Citation"
# Properties a page shows elsewhere (types, title, rank in the header; citations as sources) or
# not at all (the seed file an entity came from).
HIDDEN = frozenset({TYPE, MFG + "citation", PROV + "wasDerivedFrom", MFG + "displayName", MFG + "definedIn",
                    MFG + "rank", MFG + "rankReason"})
NAME_PROPERTIES = (MFG + "displayName", RDFS + "label", SKOS + "prefLabel", DCTERMS + "title")
RANK_ORDER = {"preferred": 0, "normal": 1, "deprecated": 2}
# RDF syntaxes an entity is offered in: file suffix -> wire syntax.
SUFFIXES = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples"}
HTML = "text/html"
# Media types of an entity, HTML first (the default for a client that accepts anything), JSON-LD
# the first application/ type.
OFFERED = {HTML: "html", wire.media_type("jsonld"): "jsonld", wire.media_type("turtle"): "turtle",
           wire.media_type("ntriples"): "ntriples", "application/x-turtle": "turtle", "application/json": "jsonld"}
SEGMENT = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
PAGE_PATH = re.compile(rf"^/id(?:/(?P<path>{SEGMENT}(?:/{SEGMENT})*))?"
                       r"(?P<suffix>/|/index\.html|\.ttl|\.jsonld|\.nt)?$")

STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;line-height:1.45;margin:0 auto;max-width:56rem;padding:1rem;color:#1f2328}
a{color:#0b5cad}
h1{font-size:1.6rem;margin:.3rem 0}
h2{font-size:1.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:1.6rem}
h3{font-size:1rem;margin:1rem 0 .3rem}
nav{font-size:.9rem}
code{overflow-wrap:anywhere;background:#f3f4f6;padding:0 .2rem}
ul.values,ul.refs{margin:.2rem 0;padding-left:1.1rem}
ul.values>li{margin:.35rem 0}
.rank{display:inline-block;font-size:.75rem;border-radius:.6rem;padding:0 .45rem;margin-left:.3rem;border:1px solid}
.rank-preferred{color:#116329;border-color:#4ac26b}
.rank-normal{color:#57606a;border-color:#afb8c1}
.rank-deprecated{color:#82071e;border-color:#ff8182;text-decoration:line-through}
.note,.wording{font-size:.85rem;color:#57606a}
.wording{font-style:italic}
details{margin:.15rem 0 .2rem}
summary{cursor:pointer;font-size:.85rem;color:#0b5cad}
ol.sources{font-size:.85rem;margin:.2rem 0;padding-left:1.3rem}
ol.sources li{margin:.2rem 0;overflow-wrap:anywhere}
.formats a{margin-right:.6rem}
table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:.25rem .4rem;border-bottom:1px solid #eaeef2;vertical-align:top}
@media (max-width:30rem){body{padding:.6rem}h1{font-size:1.35rem}}
"""


@dataclass(frozen=True)
class Target:
    """What a path under ``/id`` names: the top index (``path`` None), a type's index (``kind``), or
    an entity (``iri``), with the RDF syntax its suffix asks for (None: negotiate, or HTML)."""

    path: str | None
    iri: str | None = None
    kind: str | None = None
    syntax: str | None = None


@dataclass(frozen=True)
class Source:
    """One citation: the document and where in it the fact is supported."""

    title: str
    publisher: str | None
    publisher_iri: str | None
    issued: str | None
    url: str | None
    locator: str | None
    document: str


@dataclass
class Value:
    """One value of a fact, with its rank and provenance when a claim records them."""

    term: Term
    rank: str | None = None
    reason: str | None = None
    basis: str | None = None
    rationale: str | None = None
    note: str | None = None
    sources: list[Source] = field(default_factory=list)
    claim: str | None = None
    wording: str | None = None  # the claim's own wording, overriding its property's (a third party's rendering)
    inherited: bool = False  # the sources are the entity's, not checked to state this value

    @property
    def anchor(self) -> str:
        """The row's fragment id: the claim's own id, so ``page#claim-...`` points at the claim."""
        return ' id="claim-' + _e(self.claim.rsplit("/", 1)[-1]) + '"' if self.claim else ""


@dataclass
class Fact:
    """Every value the graph holds for one property of an entity."""

    property: str
    label: str
    wording: str | None
    values: list[Value]


def site_path(iri: str) -> str | None:
    """The path of an entity IRI below ``id/`` (``institute/lift``), or None for other IRIs."""
    return iri[len(ID):] if iri.startswith(ID) and PAGE_PATH.match("/id/" + iri[len(ID):]) else None


def root_of(request_path: str) -> str:
    """The relative prefix from a page at ``request_path`` back to the site root (``../../``)."""
    return "../" * max(0, request_path.count("/") - 1)


def _literal(term: Term) -> str:
    """A literal as people read it: whole numbers with thousands separators (the exact lexical
    form on hover), everything else as written."""
    shown = term.canonical()
    if term.datatype in INTEGER_TYPES or term.datatype == XSD + "decimal":
        whole = shown.lstrip("-")
        if whole.isdigit() and len(whole) > 4:
            return f'<span title="{_e(term.value)}">{_e(f"{int(shown):,}")}</span>'
    return _e(shown)


class EntityPages:
    """An index of the whole graph that renders entity pages, type indexes and entity RDF."""

    def __init__(self, kg: KnowledgeGraph):
        answer = kg.run_sparql("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
        self.out: dict[str, list[tuple[str, Term]]] = defaultdict(list)
        self.incoming: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for s, p, o in answer.rows:  # type: ignore[union-attr]
            self.out[s.value].append((p.value, o))
            if o.kind == "uri":
                self.incoming[o.value].append((s.value, p.value))
        self.claims: dict[str, list[str]] = defaultdict(list)
        self.entities: dict[str, str] = {}  # IRI -> path below id/
        for subject, pairs in self.out.items():
            types = {o.value for p, o in pairs if p == TYPE}
            if CLAIM in types:
                about = self.one(subject, RDF + "subject")
                if about is not None:
                    self.claims[about.value].append(subject)
            elif types and CITATION not in types and (path := site_path(subject)) is not None:
                self.entities[subject] = path
        self.kinds: dict[str, list[str]] = defaultdict(list)
        for iri in sorted(self.entities, key=lambda i: (self.name(i).casefold(), i)):
            self.kinds[self.entities[iri].split("/")[0]].append(iri)
        self.by_path = {path: iri for iri, path in self.entities.items()}
        # Plain dicts from here on: server threads read them, and a look-up must never add a key.
        self.out, self.incoming, self.claims, self.kinds = (dict(self.out), dict(self.incoming), dict(self.claims),
                                                            dict(self.kinds))
        # The graph does not change under an index, so an entity's RDF is written once per syntax:
        # a served JSON-LD answer (tens of milliseconds to write) is then as fast as the others.
        self.rdf = functools.lru_cache(maxsize=1024)(self.rdf)  # type: ignore[method-assign]

    # -- reading the index -------------------------------------------------------------------

    def values(self, subject: str, predicate: str) -> list[Term]:
        return [o for p, o in self.out.get(subject, ()) if p == predicate]

    def one(self, subject: str, predicate: str) -> Term | None:
        """One value of ``predicate`` (English first, then the smallest), or None."""
        found = self.values(subject, predicate)
        return min(found, key=lambda t: (t.lang not in (None, "en"), t.value)) if found else None

    def text(self, subject: str, predicate: str) -> str | None:
        term = self.one(subject, predicate)
        return term.canonical() if term is not None else None

    def name(self, iri: str) -> str:
        """The name people know ``iri`` by: display name, label, title, or its prefixed form."""
        for predicate in NAME_PROPERTIES:
            if (found := self.text(iri, predicate)) is not None:
                return found
        return curie(iri)

    def type_names(self, iri: str) -> list[str]:
        return sorted({self.name(t.value) for t in self.values(iri, TYPE)
                       if t.value not in (CLAIM, CITATION) and self.values(t.value, RDFS + "label")})

    def target(self, request_path: str) -> Target | None:
        """What ``request_path`` (``/id/institute/lift.ttl``) names, or None if nothing here."""
        match = PAGE_PATH.match(request_path)
        if match is None:
            return None
        path, suffix = match.group("path"), match.group("suffix") or ""
        syntax = SUFFIXES.get(suffix.lstrip("."))
        if path is None:
            return Target(None) if syntax is None else None
        if path in self.by_path:
            return Target(path, iri=self.by_path[path], syntax=syntax)
        if path in self.kinds and syntax is None:
            return Target(path, kind=path)
        return None

    # -- facts -------------------------------------------------------------------------------

    def _sources(self, holder: str) -> list[Source]:
        out = []
        for citation in self.values(holder, MFG + "citation"):
            document = self.one(citation.value, PROV + "entity")
            if document is None:
                continue
            out.append(self._source(document.value, self.text(citation.value, MFG + "locator")))
        return sorted(out, key=lambda s: (s.title.casefold(), s.locator or ""))

    def _source(self, document: str, locator: str | None) -> Source:
        publisher = self.one(document, DCTERMS + "publisher")
        publisher_iri = publisher.value if publisher is not None and publisher.kind == "uri" else None
        publisher_name = self.name(publisher_iri) if publisher_iri else (publisher.value if publisher else None)
        return Source(self.name(document), publisher_name, publisher_iri, self.text(document, DCTERMS + "issued"),
                      self.text(document, SCHEMA + "url"), locator, document)

    def facts(self, iri: str) -> list[Fact]:
        """Every fact about ``iri``, grouped by property: claimed values with rank and sources, and
        plain values the graph holds without a claim."""
        by_property: dict[str, list[Value]] = defaultdict(list)
        claimed: set[tuple[str, Term]] = set()
        for claim in self.claims.get(iri, ()):
            predicate, obj = self.one(claim, RDF + "predicate"), self.one(claim, RDF + "object")
            if predicate is None or obj is None:
                continue
            claimed.add((predicate.value, obj))
            rank = self.one(claim, MFG + "rank")
            basis, wording = self.one(claim, MFG + "basis"), self.one(claim, MFG + "wording")
            scope = self.one(claim, MFG + "citationScope")
            by_property[predicate.value].append(Value(
                obj, self.name(rank.value) if rank else None, self.text(claim, MFG + "rankReason"),
                self.name(basis.value) if basis else None, self.text(claim, MFG + "rationale"),
                self.text(claim, MFG + "note"), self._sources(claim), claim,
                self.name(wording.value) if wording else None,
                scope is not None and scope.value == V + "citation-scope-record"))
        for predicate, obj in self.out.get(iri, ()):
            if predicate not in HIDDEN and (predicate, obj) not in claimed:
                by_property[predicate].append(Value(obj))
        facts = []
        for predicate, values in by_property.items():
            wording = self.one(predicate, MFG + "wording")
            values.sort(key=lambda v: (RANK_ORDER.get(v.rank or "", 3), self._shown(v.term).casefold()))
            facts.append(Fact(predicate, self.name(predicate) if self.values(predicate, RDFS + "label")
                              else curie(predicate), self.name(wording.value) if wording else None, values))
        return sorted(facts, key=lambda f: (f.property != RDFS + "label", f.label.casefold()))

    def referenced_by(self, iri: str) -> dict[str, dict[str, set[str]]]:
        """The entities that point at ``iri``: property label -> referring entity -> the ranks of
        the claims saying so ("" for a plain link). A claim citing ``iri`` as its source counts
        as a reference from the claim's subject."""
        out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for subject, predicate in self.incoming.get(iri, ()):
            if subject in self.entities and predicate not in (MFG + "citation", TYPE):
                label = "source of" if predicate == PROV + "wasDerivedFrom" else self._property_name(predicate)
                out[label][subject].add("")
                continue
            about = self.one(subject, RDF + "subject")
            if about is None or about.value not in self.entities:
                continue
            if predicate == RDF + "object":
                claimed = self.one(subject, RDF + "predicate")
                rank = self.one(subject, MFG + "rank")
                if claimed is not None:
                    out[self._property_name(claimed.value)][about.value].add(self.name(rank.value) if rank else "")
            elif predicate == PROV + "wasDerivedFrom":
                out["source of facts about"][about.value].add("")
        return out

    def _property_name(self, predicate: str) -> str:
        return self.name(predicate) if self.values(predicate, RDFS + "label") else curie(predicate)

    def _shown(self, term: Term) -> str:
        return self.name(term.value) if term.kind == "uri" else term.canonical()

    # -- HTML --------------------------------------------------------------------------------

    def _link(self, iri: str, root: str) -> str:
        """A link to ``iri``'s page when it has one, else its name (linking out for web URLs)."""
        if iri in self.entities:
            return f'<a href="{_e(root + "id/" + self.entities[iri] + "/")}">{_e(self.name(iri))}</a>'
        if any(self.values(iri, p) for p in NAME_PROPERTIES):
            return f'<span title="{_e(iri)}">{_e(self.name(iri))}</span>'
        return link(iri) if safe_url(iri) else f"<code>{_e(iri)}</code>"

    def _value(self, value: Value, wording: str | None, root: str) -> str:
        term = value.term
        parts = [self._link(term.value, root) if term.kind == "uri" else _literal(term)]
        if value.wording or (term.kind == "literal" and wording):
            parts.append(f' <span class="wording">({_e(value.wording or wording)})</span>')
        if value.rank:
            parts.append(f' <span class="rank rank-{_e(value.rank)}">{_e(value.rank)}</span>')
        if value.basis == "curated":
            parts.append(' <span class="note">curated</span>')
        for label, text in (("why this rank", value.reason), ("rationale", value.rationale), ("note", value.note)):
            if text:
                parts.append(f'<div class="note">{label}: {_e(text)}</div>')
        if value.sources:
            parts.append(self._sources_html(value.sources, root, value.inherited))
        return "".join(parts)

    def _sources_html(self, sources: list[Source], root: str, inherited: bool = False) -> str:
        items = []
        for source in sources:
            title = self._link(source.document, root)
            bits = [title]
            if source.publisher:
                bits.append(self._link(source.publisher_iri, root) if source.publisher_iri else _e(source.publisher))
            if source.issued:
                bits.append(_e(source.issued))
            if source.url:
                bits.append(link(source.url))
            line = ", ".join(bits)
            if source.locator:
                line += f'; <span class="note">at: {_e(source.locator)}</span>'
            items.append(f"<li>{line}</li>")
        count = len(sources)
        whose = " of the entity, not checked for this value" if inherited else ""
        return (f'<details><summary>{count} source{"s" if count != 1 else ""}{whose}</summary>'
                f'<ol class="sources">{"".join(items)}</ol></details>')

    def _document(self, title: str, body: list[str], root: str, alternates: str = "", kind: str | None = None) -> str:
        trail = f' &rsaquo; <a href="{_e(root + "id/" + kind + "/")}">{_e(kind)}</a>' if kind else ""
        return ("<!doctype html>\n"
                f'<html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
                f'content="width=device-width, initial-scale=1">'
                f'<link rel="icon" href="data:,"><title>{_e(title)}</title>{alternates}'  # no favicon request
                f"<style>{STYLE}</style></head><body>\n"
                f'<nav><a href="{_e(root or "./")}">mfgkg</a> &rsaquo; <a href="{_e(root + "id/")}">entities</a>'
                f"{trail}</nav>\n" + "\n".join(body) + "\n</body></html>\n")

    def page(self, iri: str, root: str) -> str:
        """The HTML page of entity ``iri``; ``root`` leads from the page back to the site root."""
        path = self.entities[iri]
        kind = path.split("/")[0]
        name = self.name(iri)
        formats = {suffix: f"{root}id/{path}.{suffix}" for suffix in SUFFIXES}
        alternates = "".join(f'<link rel="alternate" type="{_e(wire.media_type(SUFFIXES[s]))}" href="{_e(u)}">'
                             for s, u in formats.items())
        body = [f"<h1>{_e(name)}</h1>",
                f'<p>{_e(", ".join(self.type_names(iri)) or kind)} &middot; <code>{_e(iri)}</code></p>',
                '<p class="formats">Data: ' + " ".join(
                    f'<a href="{_e(u)}">{label}</a>' for label, u in
                    zip(("Turtle", "JSON-LD", "N-Triples"), formats.values(), strict=True)) + "</p>"]
        rank = self.one(iri, MFG + "rank")
        if rank is not None:
            reason = self.text(iri, MFG + "rankReason")
            rank_name = self.name(rank.value)
            body.append(f'<p>This record is ranked <span class="rank rank-{_e(rank_name)}">{_e(rank_name)}</span>'
                        + (f' <span class="note">({_e(reason)})</span>' if reason else "") + "</p>")
        body.append('<h2 id="facts">Facts</h2>')
        facts = self.facts(iri)
        if not facts:
            body.append("<p>No facts recorded.</p>")
        for fact in facts:
            items = "".join(f"<li{v.anchor}>{self._value(v, fact.wording, root)}</li>" for v in fact.values)
            body.append(f'<section class="fact" data-property="{_e(fact.property)}">'
                        f'<h3 title="{_e(fact.property)}">{_e(fact.label)}</h3>'
                        f'<ul class="values">{items}</ul></section>')
        record = self._sources(iri)
        if record:
            body.append('<h2 id="record-sources">Sources of the record</h2>' + self._sources_html(record, root))
        references = self.referenced_by(iri)
        if references:
            body.append('<h2 id="referenced-by">Referenced by</h2>')
            for label in sorted(references, key=str.casefold):
                refs = references[label]
                items = []
                for subject in sorted(refs, key=lambda s: (self.name(s).casefold(), s)):
                    ranks = refs[subject]
                    # A link the graph asserts (plain or preferred) needs no badge; one only claimed
                    # at a lower rank shows it.
                    shown = [] if {"", "preferred"} & ranks else sorted(ranks)
                    badges = "".join(f' <span class="rank rank-{_e(r)}">{_e(r)}</span>' for r in shown)
                    items.append(f"<li>{self._link(subject, root)}{badges}</li>")
                body.append(f'<section class="refs"><h3>{_e(label)}</h3>'
                            f'<details{" open" if len(items) <= 10 else ""}><summary>{len(items)} '
                            f'{"entity" if len(items) == 1 else "entities"}</summary>'
                            f'<ul class="refs">{"".join(items)}</ul></details></section>')
        return self._document(f"{name} ({kind})", body, root, alternates, kind)

    def kind_index(self, kind: str, root: str) -> str:
        """The index of one entity type: every entity of ``kind`` by name."""
        rows = "".join(f"<tr><td>{self._link(iri, root)}</td><td>{_e(', '.join(self.type_names(iri)))}</td></tr>"
                       for iri in self.kinds[kind])
        body = [f"<h1>{_e(kind)}</h1>", f"<p>{len(self.kinds[kind])} entities.</p>",
                f"<table><thead><tr><th>name</th><th>type</th></tr></thead><tbody>{rows}</tbody></table>"]
        return self._document(f"{kind}: mfgkg entities", body, root)

    def top_index(self, root: str, static: bool) -> str:
        """The site's entry page: every type index, and (``static``) the explorer and the docs."""
        items = "".join(
            f'<tr><td><a href="{_e(root + "id/" + kind + "/")}">{_e(kind)}</a></td>'
            f'<td>{_e(", ".join(sorted({n for i in iris for n in self.type_names(i)})))}</td>'
            f"<td>{len(iris)}</td></tr>" for kind, iris in sorted(self.kinds.items()))
        body = ["<h1>The Manufacturing USA knowledge graph</h1>",
                f"<p>{len(self.entities)} entities, each with a page of its facts, their ranks and sources, "
                "and its data as Turtle, JSON-LD and N-Triples.</p>",
                f"<table><thead><tr><th>type index</th><th>types</th><th>entities</th></tr></thead>"
                f"<tbody>{items}</tbody></table>"]
        if static:
            body.append(f'<h2>More</h2><ul><li><a href="{_e(root)}explorer.html">Explorer</a>: the network of '
                        f'institutes, agencies, plans and partners, searchable, with facts on click.</li>'
                        f'<li><a href="{_e(root)}docs/">Ontology documentation</a>: every class and property.</li>'
                        "<li>Query page: <code>mfgkg serve</code> serves these pages at their IRIs' paths "
                        "together with a SPARQL endpoint (<code>/sparql</code>) and a query editor with the "
                        "saved queries as examples at <code>/</code>.</li></ul>")
        else:
            body.append(f'<p><a href="{_e(root or "./")}">Query page</a>: SPARQL with the saved queries as '
                        "examples; the endpoint is <code>/sparql</code>.</p>")
        return self._document("mfgkg entities", body, root)

    # -- RDF ---------------------------------------------------------------------------------

    def triples(self, iri: str) -> list[Triple]:
        """The entity's concise bounded description, the claims about it and every citation of both."""
        subject = Term("uri", iri)
        out: list[Triple] = [(subject, Term("uri", p), o) for p, o in self.out.get(iri, ())]
        holders = [iri, *self.claims.get(iri, ())]
        for claim in holders[1:]:
            out += [(Term("uri", claim), Term("uri", p), o) for p, o in self.out.get(claim, ())]
        citations = {c.value for holder in holders for c in self.values(holder, MFG + "citation")}
        for citation in sorted(citations):
            out += [(Term("uri", citation), Term("uri", p), o) for p, o in self.out.get(citation, ())]
        return out

    def rdf(self, iri: str, syntax: str) -> bytes:
        """The entity's RDF (:meth:`triples`) in ``syntax``: turtle, ntriples or jsonld."""
        triples = self.triples(iri)
        if syntax != "jsonld":
            return wire.write_graph(_sorted(triples), syntax)
        from rdflib import Graph, Literal, URIRef

        from mfgkg.data.serialize import to_jsonld

        def node(term: Term) -> URIRef | Literal:
            if term.kind == "uri":
                return URIRef(term.value)
            return Literal(term.value, lang=term.lang, datatype=URIRef(term.datatype) if term.datatype else None)

        # rdflib writes JSON-LD with the project's context (pyoxigraph writes none). The triples
        # are handed over as terms: half the CPU time of parsing them back from N-Triples.
        graph = Graph(bind_namespaces="none")
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        for s, p, o in triples:
            graph.add((URIRef(s.value), URIRef(p.value), node(o)))
        return to_jsonld(graph).encode("utf-8")


def _sorted(triples: Iterable[Triple]) -> list[Triple]:
    return sorted(triples, key=lambda t: (t[0].value, t[1].value, t[2].kind, t[2].value, t[2].lang or "",
                                          t[2].datatype or ""))
