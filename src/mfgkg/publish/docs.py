"""HTML documentation of the ontology: every class and property, with its standard-vocabulary alignments.

Read from the ontology files (``ontology/mfgkg.ttl``, ``vocabularies.ttl``, ``external.ttl``): one page with a table of
contents, a section per class (comment, superclasses, properties whose domain it is) and per
property (kind, comment, domain, range, superproperties, characteristics), and the controlled
vocabularies with their concepts. Names from other vocabularies link to their specifications.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef
from rdflib.term import Node

from mfgkg.data.builder import ONTOLOGY_FILES, parse_turtle
from mfgkg.prefixes import PREFIXES, curie
from mfgkg.publish.markup import escape, link

KINDS = {OWL.ObjectProperty: "object property", OWL.DatatypeProperty: "datatype property",
         OWL.AnnotationProperty: "annotation property"}
CHARACTERISTICS = {OWL.TransitiveProperty: "transitive", OWL.FunctionalProperty: "functional",
                   OWL.SymmetricProperty: "symmetric", OWL.InverseFunctionalProperty: "inverse functional"}


def _curie(node: Node) -> str:
    return curie(str(node))


def _code(node: Node) -> str:
    """The node's prefixed name as escaped code."""
    return f"<code>{escape(_curie(node))}</code>"


def _anchor(node: Node) -> str:
    """The node's section id, escaped for an attribute."""
    return escape(_curie(node).replace(":", "-"))


def _link(graph: Graph, node: Node) -> str:
    """A link to the node's section here, to its specification when that is a web address, else its name."""
    if str(node).startswith(PREFIXES["mfg"]) and (node, RDF.type, None) in graph:
        return f'<a href="#{_anchor(node)}">{_code(node)}</a>'
    return link(str(node), _code(node))


def _text(graph: Graph, node: Node, predicate: URIRef) -> str:
    values = sorted(str(v) for v in graph.objects(node, predicate))
    return escape(" ".join(values))


def _links(graph: Graph, nodes: list[Node]) -> str:
    return ", ".join(_link(graph, n) for n in sorted(nodes, key=_curie)) or "-"


def render(ontology_dir: Path) -> str:
    """The documentation page as HTML text."""
    graph = Graph()
    for name in ONTOLOGY_FILES:
        parse_turtle(graph, Path(ontology_dir) / name, Path(ontology_dir))
    mfg = PREFIXES["mfg"]
    classes = sorted((c for c in graph.subjects(RDF.type, OWL.Class) if str(c).startswith(mfg)), key=_curie)
    properties = sorted({p for kind in KINDS for p in graph.subjects(RDF.type, kind) if str(p).startswith(mfg)},
                        key=_curie)
    ontology = next(graph.subjects(RDF.type, OWL.Ontology), None)
    title = _text(graph, ontology, RDFS.label) if ontology is not None else "mfgkg ontology"
    out = ['<!doctype html><html lang="en"><head><meta charset="utf-8">', f"<title>{title}</title>",
           "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;line-height:1.4}"
           "section{border-top:1px solid #ddd;padding:.4rem 0}dt{font-weight:600}code{background:#f3f4f6}"
           "dl{display:grid;grid-template-columns:10rem 1fr;gap:.2rem .8rem}</style></head><body>",
           f"<h1>{title}</h1>"]
    if ontology is not None:
        out.append(f"<p>{_text(graph, ontology, RDFS.comment)}</p><p>Namespace <code>{escape(mfg)}</code>; "
                   f"{len(classes)} classes, {len(properties)} properties.</p>")
    out.append('<nav><h2>Contents</h2><p><a href="#classes">Classes</a> | <a href="#properties">Properties</a> | '
               '<a href="#vocabularies">Vocabularies</a></p><p>'
               + " ".join(_link(graph, c) for c in classes) + "</p><p>"
               + " ".join(_link(graph, p) for p in properties) + "</p></nav>")
    out.append('<h2 id="classes">Classes</h2>')
    for cls in classes:
        own = [p for p in properties if (p, RDFS.domain, cls) in graph]
        out.append(f'<section id="{_anchor(cls)}"><h3>{_text(graph, cls, RDFS.label)} {_code(cls)}</h3>'
                   f"<p>{_text(graph, cls, RDFS.comment)}</p><dl>"
                   f"<dt>IRI</dt><dd><code>{escape(str(cls))}</code></dd>"
                   f"<dt>Subclass of</dt><dd>{_links(graph, list(graph.objects(cls, RDFS.subClassOf)))}</dd>"
                   f"<dt>Properties</dt><dd>{_links(graph, own)}</dd></dl></section>")
    out.append('<h2 id="properties">Properties</h2>')
    for prop in properties:
        kinds = [KINDS[k] for k in KINDS if (prop, RDF.type, k) in graph]
        traits = [CHARACTERISTICS[c] for c in CHARACTERISTICS if (prop, RDF.type, c) in graph]
        out.append(f'<section id="{_anchor(prop)}"><h3>{_text(graph, prop, RDFS.label)} {_code(prop)}'
                   f"</h3><p>{_text(graph, prop, RDFS.comment)}</p><dl>"
                   f"<dt>Kind</dt><dd>{', '.join(kinds + traits)}</dd>"
                   f"<dt>Domain</dt><dd>{_links(graph, list(graph.objects(prop, RDFS.domain)))}</dd>"
                   f"<dt>Range</dt><dd>{_links(graph, list(graph.objects(prop, RDFS.range)))}</dd>"
                   f"<dt>Subproperty of</dt><dd>{_links(graph, list(graph.objects(prop, RDFS.subPropertyOf)))}</dd>"
                   "</dl></section>")
    out.append('<h2 id="vocabularies">Controlled vocabularies</h2>')
    for scheme in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=_curie):
        concepts = sorted(graph.subjects(SKOS.inScheme, scheme), key=_curie)
        items = "".join(f"<li>{_code(c)} {_text(graph, c, RDFS.label)}"
                        f"{': ' + _text(graph, c, SKOS.definition) if (c, SKOS.definition, None) in graph else ''}"
                        "</li>" for c in concepts)
        out.append(f'<section id="{_anchor(scheme)}"><h3>{_text(graph, scheme, RDFS.label)} '
                   f"{_code(scheme)}</h3><ul>{items}</ul></section>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
