"""How completely the graph describes each entity: per entity type, field and entity, whether the
field is sourced, filled without a source, disputed, or empty.

The expected fields come from the entity-type registry (:mod:`mfgkg.data.registry`): every field
that becomes a property, plus names, acronyms and key facts. A field is

- ``disputed`` when its claims carry more than one rank (sources disagree and the editors ranked them);
- ``sourced`` when it has a value and a claim citing a source;
- ``filled`` when it has a value but no cited claim (a value the build derives);
- ``empty`` when no value is recorded (or only deprecated ones).

The same tables feed ``mfgkg coverage``, the analysis report and ``seeds/known-gaps.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mfgkg.choices import COVERAGE_STATES
from mfgkg.data.registry import TYPES, EntityType
from mfgkg.prefixes import PREFIXES
from mfgkg.query.results import Term
from mfgkg.query.wire import ntriples_term

if TYPE_CHECKING:
    import pandas as pd

    from mfgkg.analysis.networks import KnowledgeGraph

STATES = COVERAGE_STATES
# Fields every described entity may carry, which the builder writes to fixed properties.
NAME_PROPERTIES = {
    "label": "http://www.w3.org/2000/01/rdf-schema#label",
    "acronyms": PREFIXES["mfg"] + "acronym",
    "alt_labels": PREFIXES["skos"] + "altLabel",
    "facts": PREFIXES["mfg"] + "keyFact",
}
QUERY = """
SELECT ?entity (SAMPLE(?name) AS ?label) ?property (COUNT(DISTINCT ?value) AS ?values)
       (COUNT(DISTINCT ?source) AS ?sources) (COUNT(DISTINCT ?rank) AS ?ranks)
WHERE {
  ?entity a CLASS .
  OPTIONAL { ?entity rdfs:label ?name }
  VALUES ?property { PROPERTIES }
  OPTIONAL { ?entity ?property ?value }
  OPTIONAL { ?claim rdf:subject ?entity ; rdf:predicate ?property ; mfg:rank ?rank .
             OPTIONAL { ?claim prov:wasDerivedFrom ?source } }
}
GROUP BY ?entity ?property
"""


def entity_types() -> list[EntityType]:
    """The registry's types of named entities (a seed section with ids, and a class) whose field
    table names properties to check."""
    return [t for t in TYPES if t.section and t.kind and t.classes and expected_fields(t)]


def expected_fields(entity_type: EntityType) -> dict[str, str]:
    """Field name -> property IRI, for the fields an entity of this type is expected to carry."""
    return {name: NAME_PROPERTIES.get(name) or spec.via for name, spec in entity_type.fields.items()
            if (spec.via and spec.expected) or name in NAME_PROPERTIES}


def _state(values: int, sources: int, ranks: int) -> str:
    if ranks > 1:
        return "disputed"
    if values == 0:
        return "empty"
    return "sourced" if sources else "filled"


def by_entity(kg: KnowledgeGraph) -> pd.DataFrame:
    """One row per entity and expected field: type, entity IRI, label, field, state, values, sources."""
    import pandas as pd

    rows = []
    for entity_type in entity_types():
        fields = expected_fields(entity_type)
        names = {iri: name for name, iri in fields.items()}
        text = (QUERY.replace("CLASS", ntriples_term(Term("uri", entity_type.classes[0])))
                .replace("PROPERTIES", " ".join(ntriples_term(Term("uri", iri)) for iri in fields.values())))
        for row in kg.run_sparql(text).records():
            rows.append({"type": entity_type.name, "entity": row["entity"], "label": row["label"] or "",
                         "field": names[row["property"]],
                         "state": _state(int(row["values"]), int(row["sources"]), int(row["ranks"])),
                         "values": int(row["values"]), "sources": int(row["sources"])})
    # Registry order of types and of fields within a type, then entities by label.
    position = {(t.name, f): (i, j) for i, t in enumerate(entity_types()) for j, f in enumerate(expected_fields(t))}
    rows.sort(key=lambda r: (position[(r["type"], r["field"])], r["label"], r["entity"]))
    return pd.DataFrame(rows, columns=["type", "entity", "label", "field", "state", "values", "sources"])


def by_field(detail: pd.DataFrame) -> pd.DataFrame:
    """Per type and field: how many entities have it sourced, filled, disputed or empty."""
    import pandas as pd

    counts = (detail.groupby(["type", "field", "state"], sort=False).size().unstack("state", fill_value=0)
              .reindex(columns=list(STATES), fill_value=0))
    counts.insert(0, "entities", counts.sum(axis=1))
    out = counts.reset_index()
    out.columns = pd.Index([str(c) for c in out.columns])
    return out


def by_type(detail: pd.DataFrame) -> pd.DataFrame:
    """Per type: entities, expected fields, and the share of entity-field pairs in each state."""
    import pandas as pd

    rows = []
    for name, group in detail.groupby("type", sort=False):
        total = len(group)
        rows.append({"type": name, "entities": group["entity"].nunique(),
                     "fields": group["field"].nunique(),
                     **{state: int((group["state"] == state).sum()) for state in STATES},
                     "filled_share": round(float((group["state"] != "empty").sum()) / total, 3) if total else 0.0})
    return pd.DataFrame(rows, columns=["type", "entities", "fields", *STATES, "filled_share"])
