"""Typed query parameters: turn what a user types into the RDF term a query is bound with.

Entity types accept an IRI, a prefixed name (``id:agency/dod``), a label, an acronym or
other alternative name, a notation (``US-OH`` or ``OH``), an edition year or the IRI's last
segment, case-insensitively. The value is matched against names read from the graph and
is never placed in query text; a value that matches nothing is bound as a plain string
literal, which matches nothing, so the query answers with no rows. ``any`` (the default of
optional filters) binds ``v:any``, which the saved queries read as "no filter".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .catalogue import SavedQuery
from .errors import QueryError
from .prefixes import PREFIXES
from .results import Term
from .stores import Store

XSD = PREFIXES["xsd"]
ANY = Term("uri", PREFIXES["v"] + "any")

ENTITY_CLASSES: dict[str, str | None] = {
    "agency": "mfg:FederalAgency",
    "institute": "mfg:Institute",
    "technology": "mfg:TechnologyArea",
    "state": "mfg:State",
    "metric": "mfg:Metric",
    "plan": "mfg:StrategicPlan",
    "fiscal-year": "mfg:FiscalYear",
    "entity": None,
}
SCALAR_TYPES = ("year", "integer", "string")
TYPES = (*ENTITY_CLASSES, *SCALAR_TYPES)

NAMES_QUERY = """
SELECT ?entity ?name ?class WHERE {
  ?entity a/rdfs:subClassOf* ?class .
  ?entity rdfs:label|skos:altLabel|skos:prefLabel|skos:notation|mfg:edition|mfg:year ?name .
}"""
ANY_NAMES_QUERY = """
SELECT DISTINCT ?entity ?name ?secondary WHERE {
  ?entity rdfs:label|skos:altLabel|skos:prefLabel|skos:notation|mfg:edition ?name .
  FILTER(isIRI(?entity))
  BIND(NOT EXISTS {
    ?entity a ?class .
    FILTER(?class IN (mfg:Institute, mfg:FederalAgency, mfg:TechnologyArea, mfg:Goal, mfg:Objective, mfg:Action,
                      mfg:Metric, mfg:StrategicPlan, mfg:NationalStrategy, mfg:Program, mfg:Network, mfg:Law))
  } AS ?secondary)
}"""


def normalise(text: str) -> str:
    """Case- and space-insensitive form used for matching names."""
    folded = " ".join(text.casefold().replace("\u2019", "'").split())
    return folded[4:] if folded.startswith("the ") else folded


@dataclass(frozen=True)
class Binding:
    """A parameter's bound term, and whether the user's value named something in the graph."""

    term: Term
    matched: bool


class Resolver:
    """Resolve parameter values against one store, caching the name index per type."""

    def __init__(self, store: Store):
        self.store = store
        self._index: dict[str, dict[str, dict[str, bool]]] = {}

    def _names(self, kind: str) -> dict[str, dict[str, bool]]:
        """Normalised name -> {IRI: secondary}; secondary entities (sources' publishers, lead
        organizations) give way to program entities of the same name."""
        if kind not in self._index:
            cls = ENTITY_CLASSES[kind]
            if cls is None:
                result = self.store.query(ANY_NAMES_QUERY)
            else:
                prefix, local = cls.split(":")
                result = self.store.query(NAMES_QUERY, {"class": Term("uri", PREFIXES[prefix] + local)})
            index: dict[str, dict[str, bool]] = {}
            for row in result:
                iri, name = row[0].value, row[1].value
                secondary = len(row) > 2 and row[2] is not None and row[2].value in ("true", "1")
                keys = {normalise(name), normalise(iri.rstrip("/").rsplit("/", 1)[-1])}
                if re.fullmatch(r"[A-Za-z]{2}-[A-Za-z0-9]{1,3}", name):
                    keys.add(normalise(name.split("-", 1)[1]))
                for key in keys:
                    index.setdefault(key, {})[iri] = secondary
            self._index[kind] = index
        return self._index[kind]

    def resolve(self, kind: str, raw: str, where: str) -> Binding:
        """The term for value ``raw`` of a parameter of type ``kind``; ``where`` names it in errors."""
        value = raw.strip()
        if normalise(value) == "any":
            return Binding(ANY, True)
        if kind in SCALAR_TYPES:
            return Binding(_scalar(kind, value, where), True)
        if kind not in ENTITY_CLASSES:
            raise QueryError(f"{where}: unknown parameter type '{kind}' (types: {', '.join(TYPES)})")
        iri = _expand(value)
        names = self._names(kind)
        if iri is not None:
            known = any(iri in found for found in names.values())
            return Binding(Term("uri", iri), known) if known else Binding(Term("literal", value), False)
        candidates = names.get(normalise(value), {})
        found = sorted(iri for iri, secondary in candidates.items() if not secondary) or sorted(candidates)
        if len(found) > 1:
            options = ", ".join(found[:5])
            raise QueryError(f"{where}: '{value}' is ambiguous; give one of {options}")
        if found:
            return Binding(Term("uri", found[0]), True)
        return Binding(Term("literal", value), False)


def _expand(value: str) -> str | None:
    """An absolute IRI or a known prefixed name as a full IRI, else ``None``."""
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    if re.match(r"^https?://\S+$", value):
        return value
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and re.fullmatch(r"[\w./-]+", local):
        return PREFIXES[prefix] + local
    return None


def _scalar(kind: str, value: str, where: str) -> Term:
    if kind == "string":
        return Term("literal", value)
    text = value[2:] if kind == "year" and value.upper().startswith("FY") else value
    if not re.fullmatch(r"[+-]?\d{1,9}", text):
        raise QueryError(f"{where}: expected {'a year such as 2016' if kind == 'year' else 'an integer'}, "
                         f"got '{value}'")
    number = int(text)
    if kind == "year" and not 1000 <= number <= 9999:
        raise QueryError(f"{where}: expected a four-digit year, got '{value}'")
    return Term("literal", str(number), XSD + "integer")


def bind(query: SavedQuery, given: Mapping[str, object], resolver: Resolver) -> tuple[dict[str, Term], list[str]]:
    """Bind every parameter of ``query``: the given value, else its default.

    Returns the bindings and a message for each given value that matched nothing.
    """
    values = {query.parameter(name).name: value for name, value in given.items()}
    bindings: dict[str, Term] = {}
    unmatched: list[str] = []
    for param in query.parameters:
        where = f"query '{query.name}': parameter '{param.name}'"
        if param.name in values:
            binding = resolver.resolve(param.type, str(values[param.name]), where)
            if not binding.matched:
                unmatched.append(f"{where}: no {param.type} matches '{values[param.name]}'")
        elif param.required:
            raise QueryError(f"{where} is required ({param.description})")
        else:
            binding = resolver.resolve(param.type, str(param.default), where)
        bindings[param.variable] = binding.term
    return bindings, unmatched
