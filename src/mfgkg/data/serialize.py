"""Deterministic serialisation and atomic writes of the built graph.

Same inputs give byte-identical files: Turtle and N-Triples are written by pyoxigraph from the
triples sorted by their N-Triples text; JSON-LD is compacted by rdflib (pyoxigraph writes no
context) and re-emitted with sorted keys and nodes. The graph has no blank nodes, so nothing
depends on generated ids. All three parse back to the same graph. Files are written as
:func:`mfgkg.atomic.write_atomic` writes them: beside their targets first, then renamed into place.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rdflib import Graph

from mfgkg.atomic import write_atomic as write_atomic  # where the command line and exports find it

FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
BASENAME = "mfgkg"


def _sorted_triples(graph: Graph) -> list[Any]:
    """The graph's triples as pyoxigraph triples, sorted by their N-Triples text."""
    import pyoxigraph

    data = graph.serialize(format="nt", encoding="utf-8")
    return sorted(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES), key=str)


def to_ntriples(graph: Graph, triples: list[Any] | None = None) -> str:
    """Sorted N-Triples, written by pyoxigraph (``triples``: the graph's, already sorted)."""
    import pyoxigraph

    sorted_triples = triples if triples is not None else _sorted_triples(graph)
    return pyoxigraph.serialize(sorted_triples, format=pyoxigraph.RdfFormat.N_TRIPLES).decode("utf-8")


def to_turtle(graph: Graph, triples: list[Any] | None = None) -> str:
    """Turtle with the graph's bound prefixes that it uses, written by pyoxigraph (literals keep their
    lexical form, so the file is isomorphic to the N-Triples)."""
    import pyoxigraph

    triples = triples if triples is not None else _sorted_triples(graph)
    iris = {node.value for triple in triples for node in (triple.subject, triple.predicate, triple.object)
            if isinstance(node, pyoxigraph.NamedNode)}
    iris |= {triple.object.datatype.value for triple in triples if isinstance(triple.object, pyoxigraph.Literal)}
    prefixes = {p: str(ns) for p, ns in sorted(graph.namespaces()) if p and any(i.startswith(str(ns)) for i in iris)}
    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")


def jsonld_context(graph: Graph) -> dict[str, Any]:
    """A JSON-LD context a plain-JSON reader can use: the prefixes the graph uses, and a term for
    every property (its local name: ``sponsor``, ``acronym``, ``label``), typed ``@id`` when all its
    values are IRIs. A local name two namespaces share keeps its prefixed form."""
    from rdflib import Literal, URIRef

    used = {str(p) for p in graph.predicates()} | {str(o) for o in graph.objects() if not isinstance(o, Literal)}
    prefixes = {p: str(ns) for p, ns in sorted(graph.namespaces())
                if p and any(iri.startswith(str(ns)) for iri in used)}
    by_local: dict[str, list[str]] = {}
    for predicate in sorted({str(p) for p in graph.predicates()}):
        namespace = max((ns for ns in prefixes.values() if predicate.startswith(ns)), key=len, default=None)
        if namespace is not None:
            by_local.setdefault(predicate[len(namespace):], []).append(predicate)
    terms: dict[str, Any] = {}
    for local, iris in sorted(by_local.items()):
        if len(iris) != 1 or local in prefixes or not local.isidentifier():
            continue
        iri = iris[0]
        literal_valued = any(isinstance(v, Literal) for v in graph.objects(None, URIRef(iri)))
        terms[local] = iri if literal_valued else {"@id": iri, "@type": "@id"}
    return {**prefixes, **terms}


def to_jsonld(graph: Graph) -> str:
    """JSON-LD with a context of the used prefixes and a term per property, keys and nodes sorted."""
    context = jsonld_context(graph)
    doc = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    nodes = doc.get("@graph", [doc])
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
    nodes.sort(key=lambda n: n.get("@id", ""))
    out = {"@context": dict(sorted(context.items())), "@graph": nodes}
    return json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def render(graph: Graph) -> dict[str, str]:
    """The graph as text in every output format, keyed by file suffix."""
    triples = _sorted_triples(graph)
    return {"ttl": to_turtle(graph, triples), "nt": to_ntriples(graph, triples), "jsonld": to_jsonld(graph)}


def write_files(texts: Mapping[str, str], out_dir: Path) -> list[Path]:
    """Write already rendered texts (keyed by suffix) as mfgkg.<suffix> into ``out_dir``.

    ``out_dir`` may hold other files (``build/`` does), so it is not replaced whole: each file is
    renamed into place once all are written, and leftovers of killed runs are removed.
    """
    files = {Path(out_dir) / f"{BASENAME}.{suffix}": text for suffix, text in texts.items()}
    write_atomic(files)
    return sorted(files)
