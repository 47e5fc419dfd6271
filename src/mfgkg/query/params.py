"""Typed query parameters: turn what a user types into the RDF term a query is bound with.

Entity types accept an IRI, a prefixed name (``id:agency/dod``), a label, an acronym or
other alternative name, a notation (``US-OH`` or ``OH``), an edition year or the IRI's last
segment, case-insensitively, and words or close spellings of those (see :mod:`mfgkg.query.names`);
a value longer than any name (``MAX_VALUE`` characters) is refused.
The value is matched against names read from the graph and is never placed in query text; a
value that matches nothing is bound as a plain string literal, which matches nothing, so the
query answers with no rows and a note suggesting the closest names. ``any`` (the default of
optional filters) binds ``v:any``, which the saved queries read as "no filter".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from mfgkg.data.registry import parameter_classes
from mfgkg.errors import QueryError
from mfgkg.prefixes import PREFIXES
from mfgkg.query.catalogue import SavedQuery
from mfgkg.query.names import MAX_VALUE, Names, normalise
from mfgkg.query.results import Term
from mfgkg.query.stores import Store

XSD = PREFIXES["xsd"]
ANY = Term("uri", PREFIXES["v"] + "any")

# Parameter type -> the class (full IRI) whose instances it names; "entity": anything named.
ENTITY_CLASSES: dict[str, str | None] = parameter_classes()
SCALAR_TYPES = ("year", "integer", "string")
FEW = 12  # a parameter with at most this many values lists them when a value matches none
TYPES = (*ENTITY_CLASSES, *SCALAR_TYPES)

NAMES_QUERY = """
SELECT ?entity ?name ?class ?label WHERE {
  ?entity a/rdfs:subClassOf* ?class .
  ?entity rdfs:label|skos:altLabel|skos:prefLabel|skos:notation|mfg:edition|mfg:year ?name .
  OPTIONAL { ?entity rdfs:label ?label }
}"""
CHOICES_QUERY = """
SELECT ?entity (SAMPLE(COALESCE(?display, ?label)) AS ?name) (SAMPLE(?label) AS ?full) ?class WHERE {
  ?entity a/rdfs:subClassOf* ?class ; rdfs:label ?label .
  OPTIONAL { ?entity mfg:displayName ?display }
} GROUP BY ?entity ?class"""
SCALAR_VALUES = {"year": "a year, such as 2016 or FY2016", "integer": "a whole number", "string": "any text"}
ANY_NAMES_QUERY = """
SELECT DISTINCT ?entity ?name ?secondary ?label WHERE {
  ?entity rdfs:label|skos:altLabel|skos:prefLabel|skos:notation|mfg:edition ?name .
  FILTER(isIRI(?entity))
  OPTIONAL { ?entity rdfs:label ?label }
  BIND(NOT EXISTS {
    ?entity a ?class .
    FILTER(?class IN (mfg:Institute, mfg:FederalAgency, mfg:TechnologyArea, mfg:Goal, mfg:Objective, mfg:Action,
                      mfg:Metric, mfg:StrategicPlan, mfg:NationalStrategy, mfg:Program, mfg:Network, mfg:Law))
  } AS ?secondary)
}"""


def _of_class(text: str, cls: str) -> str:
    """``text`` with ``?class`` bound by a VALUES block, so the engine plans from the class (a
    substituted value is only seen after planning: on a 10M-triple store, a full scan of every
    typed entity, over a minute, instead of milliseconds)."""
    from mfgkg.query.remote import with_values

    return with_values(text, {"class": Term("uri", cls)})


@dataclass(frozen=True)
class Choice:
    """One value a parameter accepts: ``value`` to give (a name that resolves to exactly this
    entity, else its IRI), ``label`` its full name, ``iri`` the entity."""

    value: str
    label: str
    iri: str


@dataclass(frozen=True)
class Binding:
    """A parameter's bound term, whether the user's value named something in the graph, and a
    note saying how a guessed value was read or what was meant by one that matched nothing."""

    term: Term
    matched: bool
    note: str | None = None


class Resolver:
    """Resolve parameter values against one store, caching the name index per type."""

    def __init__(self, store: Store):
        self.store = store
        self._index: dict[str, Names] = {}

    def names(self, kind: str) -> Names:
        """Every name of every entity of type ``kind``: labels, other names, codes (``US-OH`` and
        ``OH``), edition years and the IRI's last segment."""
        if kind not in self._index:
            cls = ENTITY_CLASSES[kind]
            result = self.store.query(ANY_NAMES_QUERY if cls is None else _of_class(NAMES_QUERY, cls))
            pairs: list[tuple[str, str]] = []
            secondary: set[str] = set()
            labels: dict[str, str] = {}
            for row in result:
                iri, name = row[0].value, row[1].value
                if cls is None and row[2] is not None and row[2].value in ("true", "1"):
                    secondary.add(iri)
                if row[3] is not None:
                    labels.setdefault(iri, row[3].value)
                pairs += [(iri, name), (iri, iri.rstrip("/").rsplit("/", 1)[-1])]
                if re.fullmatch(r"US-[A-Z]{2}", name):  # a state's ISO 3166-2 code is also written without "US-"
                    pairs.append((iri, name.split("-", 1)[1]))
            self._index[kind] = Names.of(pairs, secondary, labels)
        return self._index[kind]

    def accepted(self, kind: str) -> str:
        """What a parameter of type ``kind`` accepts, in words, with the names it can take."""
        if kind in SCALAR_VALUES:
            return SCALAR_VALUES[kind]
        if kind not in ENTITY_CLASSES:
            raise QueryError(f"unknown parameter type '{kind}' (types: {', '.join(TYPES)})")
        if ENTITY_CLASSES[kind] is None:
            return "the name, acronym or IRI of any entity in the graph"
        return f"a name, acronym, code or IRI of one of: {', '.join(c.value for c in self.choices(kind))}"

    def choices(self, kind: str) -> tuple[Choice, ...]:
        """The values a parameter of type ``kind`` can take, sorted by value; none for scalar types
        and for ``entity`` (any named thing)."""
        if kind in SCALAR_VALUES:
            return ()
        if kind not in ENTITY_CLASSES:
            raise QueryError(f"unknown parameter type '{kind}' (types: {', '.join(TYPES)})")
        cls = ENTITY_CLASSES[kind]
        if cls is None:
            return ()
        names = self.names(kind)
        found: dict[str, Choice] = {}
        for row in self.store.query(_of_class(CHOICES_QUERY, cls)):
            iri, name = row[0].value, str(row[1].value)
            match = names.match(name)
            value = name if match.how == "name" and match.found == (iri,) else iri
            found[iri] = Choice(value, str(row[2].value) if row[2] is not None else name, iri)
        return tuple(sorted(found.values(), key=lambda c: (c.value.casefold(), c.value)))

    def resolve(self, kind: str, raw: str, where: str) -> Binding:
        """The term for value ``raw`` of a parameter of type ``kind``; ``where`` names it in messages.

        A value naming several entities equally well raises :class:`QueryError` listing them.
        """
        value = raw.strip()
        if normalise(value) == "any":
            return Binding(ANY, True)
        if kind in SCALAR_TYPES:
            return Binding(_scalar(kind, value, where), True)
        if kind not in ENTITY_CLASSES:
            raise QueryError(f"{where}: unknown parameter type '{kind}' (types: {', '.join(TYPES)})")
        if len(value) > MAX_VALUE:  # no name is this long, and matching one word by word would take long
            raise QueryError(f"{where}: the value is {len(value)} characters long; names are at most {MAX_VALUE}")
        names = self.names(kind)
        iri = _expand(value)
        if iri is not None:
            if iri in names.names:
                return Binding(Term("uri", iri), True)
            return Binding(Term("literal", value), False, f"{where}: no {kind} has the IRI <{iri}>")
        if not value.isprintable():
            return Binding(Term("literal", value), False, f"{where}: no {kind} matches {value!r} (control characters)")
        match = names.match(value)
        if len(match.found) > 1:
            options = "; ".join(f"{names.label(e)} <{e}>" for e in match.found[:8])
            raise QueryError(f"{where}: '{value}' is ambiguous; give one of: {options}")
        if match.found:
            note = None if match.how == "name" else f"{where}: read '{value}' as '{names.label(match.found[0])}'"
            return Binding(Term("uri", match.found[0]), True, note)
        hint = f"; did you mean {', '.join(repr(s) for s in match.suggestions)}?" if match.suggestions else ""
        choices = self.choices(kind)
        if not hint and 0 < len(choices) <= FEW:  # a short closed list: say what it takes
            hint = f"; it takes {', '.join(repr(c.value) for c in choices)}"
        return Binding(Term("literal", value), False, f"{where}: no {kind} matches '{value}'{hint}")


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


@dataclass(frozen=True)
class Bound:
    """A saved query's parameter bindings, with messages about the values given."""

    bindings: dict[str, Term]
    unmatched: tuple[str, ...]  # values that matched nothing, with suggestions
    readings: tuple[str, ...]  # values matched by a guess (words or spelling), and how they were read


def bind(query: SavedQuery, given: Mapping[str, object], resolver: Resolver) -> Bound:
    """Bind every parameter of ``query``: the given value, else its default."""
    values = {query.parameter(name).name: value for name, value in given.items()}
    bindings: dict[str, Term] = {}
    unmatched: list[str] = []
    readings: list[str] = []
    for param in query.parameters:
        where = f"query '{query.name}': parameter '{param.name}'"
        if param.name in values:
            binding = resolver.resolve(param.type, str(values[param.name]), where)
            if binding.note:
                (readings if binding.matched else unmatched).append(binding.note)
        elif param.required:
            raise QueryError(f"{where} is required ({param.description})")
        else:
            binding = resolver.resolve(param.type, str(param.default), where)
        bindings[param.variable] = binding.term
    return Bound(bindings, tuple(unmatched), tuple(readings))
