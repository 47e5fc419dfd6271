"""Statement-level provenance: every fact is a triple plus a Claim node that says who states it.

The model follows Wikidata's: each sourced statement ``(s, p, o)`` is an ``mfg:Claim``
(an ``rdf:Statement``) with its rank, its basis (stated or curated), a rationale for curated
links, and citations (source + page/section). The "truthy" triple ``s p o`` is asserted too
when the claim is preferred, or when no claim for ``(s, p)`` is preferred, so plain SPARQL
returns preferred facts by default while the claims keep every source's version.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF
from rdflib.term import Node

from mfgkg.data.namespaces import MFG, digest, entity, vocab
from mfgkg.data.seeds import is_claim_list
from mfgkg.errors import SeedError


@dataclass
class Claim:
    """One value of a field with its citations, rank and basis, before it becomes RDF."""

    value: Any
    cite: list[dict[str, str]]
    rank: str = "normal"
    reason: str | None = None
    basis: str = "stated"
    rationale: str | None = None
    note: str | None = None
    scope: str = "field"  # "record" when the citations are the record's, not given for this value


@dataclass
class Context:
    """Where a field comes from, for error messages, and the record's default citations."""

    file: str
    entity: str
    cite: list[dict[str, str]] = field(default_factory=list)
    basis: str = "stated"
    rationale: str | None = None
    one_fact: bool = False  # the record states one fact, so its citations are that fact's own


def field_cites(ctx: Context, key: str) -> tuple[list[dict[str, Any]], str]:
    """The record citations backing field ``key``, and their scope.

    Citations whose ``for`` names the field are its own; failing those, a one-fact record's
    citations are its fact's own; otherwise the field inherits the record citations that name
    no field (scope ``record``: nobody has checked that each states this value).
    """
    own = [c for c in ctx.cite if key in c.get("for", ())]
    if own:
        return own, "field"
    general = [c for c in ctx.cite if "for" not in c]
    return general, "field" if ctx.one_fact else "record"


def claims_of(value: Any, ctx: Context, key: str) -> list[Claim]:
    """Normalise a field (plain value, list of values, or list of claims) into claims."""
    inherited, scope = field_cites(ctx, key)
    if is_claim_list(value):
        out = [Claim(value=c["value"], cite=c.get("cite") or inherited, rank=c.get("rank", "normal"),
                     reason=c.get("reason"), basis=c.get("basis", ctx.basis),
                     rationale=c.get("rationale", ctx.rationale), note=c.get("note"),
                     scope="field" if c.get("cite") else scope)
               for c in value]
    else:
        values = value if isinstance(value, list) else [value]
        out = [Claim(value=v, cite=inherited, basis=ctx.basis, rationale=ctx.rationale, scope=scope)
               for v in values]
    for claim in out:
        if not claim.cite:
            raise SeedError(ctx.file, "fact has no citation: add cite to the record or the claim, or name "
                            "the field in a record citation's 'for'",
                            entity=ctx.entity, field=key)
        if claim.basis == "curated" and not claim.rationale:
            raise SeedError(ctx.file, "curated fact needs a one-line rationale",
                            entity=ctx.entity, field=key)
    preferred = [c for c in out if c.rank == "preferred"]
    if len(preferred) > 1:
        raise SeedError(ctx.file, "more than one claim is ranked preferred", entity=ctx.entity, field=key)
    if preferred and len(out) > 1 and not preferred[0].reason:
        raise SeedError(ctx.file, "preferred claim needs a reason", entity=ctx.entity, field=key)
    return out


class ClaimWriter:
    """Adds facts with their claims and citations to a graph, deterministically."""

    def __init__(self, graph: Graph, known_sources: set[str], renderings: frozenset[str] | set[str] = frozenset()):
        self.graph = graph
        self.known_sources = known_sources
        self.renderings = renderings  # sources that are a third party's rendering of another document

    def mark_rendering(self, node: URIRef, cites: Sequence[dict[str, Any]]) -> None:
        """Say that a claim or figure rests only on third parties' renderings of a document."""
        if cites and all(c["src"] in self.renderings for c in cites):
            self.graph.add((node, MFG.wording, URIRef(vocab("wording", "rendering"))))

    def citation(self, cite: dict[str, str], ctx: Context, key: str) -> URIRef:
        """The Citation node for a source id and locator (shared by all claims citing it)."""
        src = cite["src"]
        if src not in self.known_sources:
            raise SeedError(ctx.file, f"unknown source '{src}'", entity=ctx.entity, field=key)
        at = cite.get("at")
        node = URIRef(entity("citation", src, digest(at)) if at else entity("citation", src))
        g = self.graph
        g.add((node, RDF.type, MFG.Citation))
        g.add((node, PROV.entity, URIRef(entity("source", src))))
        if at:
            g.add((node, MFG.locator, Literal(at)))
        return node

    def cite(self, subject: URIRef, cites: Sequence[dict[str, str]], ctx: Context, key: str = "cite") -> None:
        """Attach citations directly to an n-ary node or entity (no Claim node)."""
        for c in cites:
            self.graph.add((subject, MFG.citation, self.citation(c, ctx, key)))
            self.graph.add((subject, PROV.wasDerivedFrom, URIRef(entity("source", c["src"]))))

    def facts(self, subject: URIRef, predicate: URIRef, value: Any, ctx: Context, key: str,
              to_object: Callable[[Any], Node], single: bool = False) -> list[Node]:
        """Add the claims of one field; return the objects asserted as truthy triples.

        ``single`` marks fields with at most one truthy value: if sources disagree, one claim
        must be ranked preferred.
        """
        claims = claims_of(value, ctx, key)
        objects = [to_object(c.value) for c in claims]
        has_preferred = any(c.rank == "preferred" for c in claims)
        truthy = [o for c, o in zip(claims, objects, strict=True)
                  if c.rank == "preferred" or (not has_preferred and c.rank == "normal")]
        if single and len(set(truthy)) > 1:
            raise SeedError(ctx.file, "sources disagree: rank one claim 'preferred' and give a reason",
                            entity=ctx.entity, field=key)
        for claim, obj in zip(claims, objects, strict=True):
            self._claim(subject, predicate, obj, claim, ctx, key)
        for obj in truthy:
            self.graph.add((subject, predicate, obj))
        return truthy

    def _claim(self, s: URIRef, p: URIRef, o: Node, claim: Claim, ctx: Context, key: str) -> None:
        g = self.graph
        node = URIRef(entity("claim", digest(s, p, o.n3())))
        g.add((node, RDF.type, MFG.Claim))
        g.add((node, RDF.subject, s))
        g.add((node, RDF.predicate, p))
        g.add((node, RDF.object, o))
        g.add((node, MFG.rank, URIRef(vocab("rank", claim.rank))))
        g.add((node, MFG.basis, URIRef(vocab("basis", claim.basis))))
        g.add((node, MFG.citationScope, URIRef(vocab("citation-scope", claim.scope))))
        if claim.reason:
            g.add((node, MFG.rankReason, Literal(claim.reason, lang="en")))
        if claim.rationale and claim.basis == "curated":
            g.add((node, MFG.rationale, Literal(claim.rationale, lang="en")))
        if claim.note:
            g.add((node, MFG.note, Literal(claim.note, lang="en")))
        self.cite(node, claim.cite, ctx, key)
        self.mark_rendering(node, claim.cite)
