"""Prefix table shared by the graph, the saved queries and ad hoc SPARQL.

Plain strings, so the query path can use them without importing rdflib.
"""

from __future__ import annotations

BASE = "https://w3id.org/mfgkg/"

PREFIXES: dict[str, str] = {
    "mfg": BASE + "ontology#",
    "id": BASE + "id/",
    "v": BASE + "vocab/",
    "schema": "https://schema.org/",
    "qb": "http://purl.org/linked-data/cube#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "time": "http://www.w3.org/2006/time#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def curie(iri: str) -> str:
    """``iri`` as prefix:name under the longest project namespace that fits, else unchanged."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri
