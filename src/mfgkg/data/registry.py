"""Every entity type, defined once: its seed section, fields, IRIs, classes and how it shows.

An :class:`EntityType` says, for one seed section: the id field and the IRI path segment it
becomes, the classes its records get, and the field table. Each :class:`Field` says how the
seed value is checked (kind, required, claimable, choices) and, for plain facts, the property it
becomes and how its value converts (``via`` and ``to``). :mod:`mfgkg.data.seeds` checks records
against these tables; :mod:`mfgkg.data.builder` builds a section with no ``hook`` from its table
alone, and runs the named hook (a builder method) for the complex ones, after the sections they
name in ``after``. Query parameters, network node types and export colours are read from here
too, so a new entity type is one entry here plus its ontology terms and shapes.

Types without a seed section (cities, fiscal years, goals, ...) are entries with ``section``
None: the builder makes them while building others, and they are listed so parameters,
networks and exports know them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mfgkg.prefixes import PREFIXES


class Terms:
    """A namespace whose attributes are its terms' full IRIs as plain strings (no rdflib, so the
    query path can read the registry without loading it)."""

    def __init__(self, prefix: str):
        self.base = PREFIXES[prefix]

    def __getattr__(self, local: str) -> str:
        return self.base + local


MFG, SCHEMA, SKOS, ORG = Terms("mfg"), Terms("schema"), Terms("skos"), Terms("org")
DCTERMS = Terms("dcterms")

RANKS = frozenset({"preferred", "normal", "deprecated"})
BASES = frozenset({"stated", "curated"})
COMPARATORS = {"exact", "more-than", "at-least", "about", "nearly", "up-to"}
# What a funding figure is (the money ledger, mfgkg.data.ledger, reads each kind its own way).
FUNDING_KINDS = ("award", "annual", "offer", "ceiling", "increase", "cumulative", "cost-share", "combined-total")
# How one figure's money relates to another's (ontology: mfg:partOf, mfg:incrementOf, mfg:supersedes, mfg:sameMoneyAs).
MONEY_RELATIONS = ("part-of", "increment-of", "supersedes", "same-money-as")
UNITS = {"count", "USD", "ratio"}
RENDERINGS = ("translation", "summary", "secondary-report")
ORGANIZATION_KINDS = ("company", "university", "national-lab", "nonprofit", "government", "association", "other")


@dataclass(frozen=True)
class Field:
    """One field of a seed record: how it is checked and, for a plain fact, where it goes.

    ``kind`` is one of: str, text, int, year, number, bool, date, slug, url, strs, slugs,
    cite, map, list. ``claimable`` fields may be written as a list of claims. ``via`` is the
    property a plain fact becomes and ``to`` how its value converts (see the builder's
    converters: en, literal, iri, year, date, ref:KIND, vocab:SCHEME, city, organization).
    """

    kind: str
    required: bool = False
    claimable: bool = False
    sub: dict[str, Field] | None = None
    choices: frozenset[str] | None = None
    via: str | None = None
    to: str | None = None
    curated: str | None = None  # the editors' rationale when the field is always their classification
    expected: bool = True  # False where the field applies to few entities, so coverage counts no gap

    @property
    def many(self) -> bool:
        """True for list fields, whose claims may hold several truthy values."""
        return self.kind in ("strs", "slugs")


def F(kind: str, required: bool = False, claim: bool = True, sub: dict[str, Field] | None = None,
      choices: set[str] | None = None, via: str | None = None, to: str | None = None,
      curated: str | None = None, expected: bool = True) -> Field:
    """Shorthand for a :class:`Field`; facts are claimable unless ``claim=False``."""
    return Field(kind, required, claim, sub, frozenset(choices) if choices else None, via, to, curated, expected)


CITE = F("cite", claim=False)
NOTE = F("text", claim=False)
PROVENANCE = {"cite": CITE, "note": NOTE, "basis": F("str", claim=False, choices=set(BASES)),
              "rationale": F("text", claim=False)}
RANKED = {"rank": F("str", claim=False, choices=set(RANKS)), "reason": F("text", claim=False)}
STATEMENT = {"text": F("text", required=True, claim=False), "cite": CITE, "note": NOTE}
# What every described entity may carry (the builder's ``describe``): label, acronyms, other names.
NAMES = {"label": F("str", required=True), "acronyms": F("strs")}
WEBSITE = F("url", via=SCHEMA.url, to="iri")
# Sourced statements in the editors' words (a target, an ordinal, a finding), each with its own citations.
FACTS = F("list", claim=False, sub={"text": F("text", required=True, claim=False), "cite": CITE})
ABOUT = F("text", via=SCHEMA.description, to="en")
# Money relations between figures, each with the editors' reading of the source that shows it.
RELATIONS = F("list", claim=False, sub={"relation": F("str", required=True, claim=False, choices=set(MONEY_RELATIONS)),
                                       "to": F("slug", required=True, claim=False),
                                       "why": F("text", required=True, claim=False)})

# Who gave an element its number: left out when the source numbers it, "editors" when it does not.
NUMBERED_BY = F("str", claim=False, choices={"editors"})
ACTION = {
    "number": F("str", required=True, claim=False),
    "numbered_by": NUMBERED_BY,
    "label": F("str", required=True),
    "description": F("text"),
    "carried_by": F("slugs"),
    "objectives": F("strs", claim=False),
    **PROVENANCE,
}
OBJECTIVE = {
    "number": F("str", required=True, claim=False),
    "numbered_by": NUMBERED_BY,
    "label": F("str", required=True),
    "description": F("text"),
    "mentions_manufacturing_usa": F("bool"),
    "actions": F("list", claim=False, sub=ACTION),
    **PROVENANCE,
}
GOAL = {
    "number": F("str", required=True, claim=False),
    "numbered_by": NUMBERED_BY,
    "label": F("str", required=True),
    "description": F("text"),
    "objectives": F("list", claim=False, sub=OBJECTIVE),
    "actions": F("list", claim=False, sub=ACTION),
    **PROVENANCE,
}
PLAN = {
    "id": F("slug", required=True, claim=False),
    "label": F("str", required=True),
    "acronyms": F("strs"),
    "edition": F("year", required=True),
    "issued": F("date"),
    "publisher": F("strs"),
    "description": F("text"),
    "institute_count": F("int"),
    "planned_institutes": F("slugs"),
    "replaces": F("slug"),
    "implements": F("slug"),
    "vision": F("map", claim=False, sub=STATEMENT),
    "mission": F("map", claim=False, sub=STATEMENT),
    "goals": F("list", required=True, claim=False, sub=GOAL),
    "actions": F("list", claim=False, sub=ACTION),
    **PROVENANCE,
}
LINK = {
    "from": F("str", required=True, claim=False),
    "to": F("str", required=True, claim=False),
    "relation": F("str", claim=False, choices={"continues", "renames", "broadens", "narrows",
                                                "splits", "merges", "serves"}),
    **PROVENANCE,
}


@dataclass(frozen=True)
class EntityType:
    """One entity type: where its records come from, what they become, and how they show.

    ``section`` is the seed section (None for types the builder derives while building others);
    ``id_field`` the field that names a record; ``kind`` the IRI path segment of its ids;
    ``classes`` the classes each record gets (the first is the type's own); ``fields`` the field
    table; ``hook`` the builder method for sections a table cannot describe, run after the
    sections in ``after``; ``extra`` a builder method run per record after the table's facts;
    ``parameter`` the query-parameter type naming it; ``node`` whether it is a network node;
    ``colour`` its colour in exports and the explorer (every node type has its own: Kelly's colours of
    maximum contrast).
    """

    name: str
    classes: tuple[str, ...]
    section: str | None = None
    id_field: str | None = "id"
    kind: str | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    hook: str | None = None
    extra: str | None = None
    after: tuple[str, ...] = ()
    parameter: str | None = None
    node: bool = False
    colour: str | None = None

    @property
    def node_type(self) -> str:
        """The local name of the type's own class: the node type in networks and exports."""
        return self.classes[0].rsplit("#", 1)[-1]


TYPES: tuple[EntityType, ...] = (
    EntityType("source", (MFG.Source,), "sources", kind="source", hook="sources", fields={
        "id": F("slug", required=True, claim=False),
        "title": F("str", required=True, claim=False),
        "publisher": F("str", required=True, claim=False),
        "date": F("date", claim=False),
        "url": F("url", required=True, claim=False),
        "type": F("str", claim=False, choices={"report", "web-page", "press-release", "law",
                                                 "federal-register", "fact-sheet", "news",
                                                 "dataset", "standard", "synthetic"}),
        # A third party's translation, summary or report of another document: facts resting only on it
        # are marked as its rendering, not the document's own wording.
        "rendering": F("str", claim=False, choices=set(RENDERINGS)),
        "note": NOTE,
    }),
    EntityType("program", (MFG.Program,), "program", kind="program", extra="program_network", node=True,
               colour="#2b3d26", fields={
        "id": F("slug", required=True, claim=False),
        **NAMES,
        "alt_labels": F("strs"),
        "description": F("text", via=SCHEMA.description, to="en"),
        "network_label": F("str", claim=False),
        "authorized_by": F("slugs", via=MFG.authorizedBy, to="ref:law"),
        "coordinator": F("slug"),
        "plans": F("slugs", via=MFG.plan, to="ref:plan"),
        "website": WEBSITE,
        "facts": FACTS,
        **PROVENANCE,
    }),
    EntityType("agency", (MFG.FederalAgency,), "agencies", kind="agency", parameter="agency", node=True,
               colour="#be0032", fields={
        "id": F("slug", required=True, claim=False),
        **NAMES,
        "alt_labels": F("strs"),
        "kind": F("str", required=True, choices={"department", "agency", "office", "laboratory",
                                                "military-department", "program"},
                  via=MFG.agencyKind, to="vocab:agency-kind"),
        "parent": F("slug", via=ORG.subOrganizationOf, to="ref:agency"),
        "website": WEBSITE,
        **PROVENANCE,
    }),
    EntityType("organization", (MFG.Organization,), "organizations", kind="organization", node=True,
               colour="#a1caf1", fields={
        "id": F("slug", required=True, claim=False),
        **NAMES,
        "alt_labels": F("strs"),
        "kind": F("str", required=True, choices=set(ORGANIZATION_KINDS), via=MFG.organizationKind,
                  to="vocab:organization-kind",
                  curated="The editors' classification of the organization (company, university, national lab, "
                          "nonprofit, ...) from how the cited source describes it; sources rarely state it as such."),
        # A sub-unit (a laboratory, centre or division) is its own organization, part of its parent.
        "part_of": F("slug", via=ORG.subOrganizationOf, to="ref:organization", expected=False),
        "website": WEBSITE,
        **PROVENANCE,
    }),
    EntityType("role", (MFG.ProgramRole,), "roles", id_field=None, hook="roles", after=("program",), fields={
        "agency": F("slug", required=True, claim=False),
        "role": F("str", required=True, claim=False,
                  choices={"sponsor", "partner", "coordinator", "interagency-member", "managing-office"}),
        "about": F("text", required=True, claim=False),
        **PROVENANCE,
    }),
    EntityType("institute", (MFG.Institute,), "institutes", kind="institute", extra="institute_extras",
               parameter="institute", node=True, colour="#0067a5", fields={
        "id": F("slug", required=True, claim=False),
        "label": F("str", required=True),
        "common_name": F("str", via=MFG.commonName, to="en"),
        "acronyms": F("strs"),
        "alt_labels": F("strs"),
        "status": F("str", required=True, choices={"established", "announced"}, via=MFG.status, to="vocab:status"),
        "sponsor": F("slug", required=True, via=MFG.sponsor, to="ref:agency"),
        "office": F("slug", via=MFG.managingOffice, to="ref:agency"),
        "established": F("year", via=SCHEMA.foundingDate, to="year"),
        "hq": F("map", sub={"city": F("str", required=True, claim=False),
                            "state": F("str", required=True, claim=False)}, via=MFG.headquarters, to="city"),
        "lead_organization": F("str", via=MFG.leadOrganization, to="organization"),
        "technology_areas": F("slugs", via=MFG.technologyArea, to="ref:technology"),
        "ordinal": F("int", via=MFG.networkOrdinal, to="literal"),
        "website": WEBSITE,
        "facts": FACTS,
        **PROVENANCE,
    }),
    EntityType("funding", (MFG.FundingCommitment,), "funding", kind="funding", hook="funding", fields={
        "id": F("slug", required=True, claim=False),
        "institute": F("slug", required=True, claim=False),
        "funder": F("slug", claim=False),
        "kind": F("str", required=True, claim=False, choices=set(FUNDING_KINDS)),
        "amount": F("number", required=True, claim=False),
        "currency": F("str", required=True, claim=False, choices={"USD"}),
        "comparator": F("str", claim=False, choices=COMPARATORS),
        "start_year": F("year", claim=False),
        "end_year": F("year", claim=False),
        "fiscal_year": F("year", claim=False),
        "alternative_to": F("slug", claim=False),
        "relations": RELATIONS,
        "description": F("text", required=True, claim=False),
        **PROVENANCE, **RANKED,
    }),
    EntityType("technology", (MFG.TechnologyArea, SKOS.Concept), "concepts", kind="technology",
               extra="concept_scheme", parameter="technology", node=True, colour="#008856", fields={
        "id": F("slug", required=True, claim=False),
        "label": F("str", required=True),
        "alt_labels": F("strs"),
        "broader": F("slugs", via=SKOS.broader, to="ref:technology"),
        "definition": F("text", via=SKOS.definition, to="en"),
        **PROVENANCE,
    }),
    EntityType("state", (MFG.State,), "states", id_field="code", hook="places", parameter="state", node=True,
               colour="#654522", fields={
        "code": F("str", required=True, claim=False),
        "name": F("str", required=True, claim=False),
        "alt_labels": F("strs"),  # abbreviations prose uses after a city ("N.C.")
        "cite": CITE,
    }),
    EntityType("plan", (MFG.StrategicPlan,), "plan", kind="plan", hook="plans", parameter="plan", node=True,
               colour="#604e97", fields=PLAN),
    EntityType("strategy", (MFG.NationalStrategy,), "strategy", kind="plan", hook="plans", node=True,
               colour="#b3446c", fields=PLAN),
    EntityType("link", (), "links", id_field=None, hook="links", after=("plan", "strategy"), fields=LINK),
    EntityType("relation", (), "relations_to_2024", id_field=None, hook="links", after=("plan", "strategy"),
               fields=LINK),
    EntityType("metric", (MFG.Metric,), "metrics", kind="metric", hook="metrics", parameter="metric", node=True,
               colour="#f38400", fields={
        "id": F("slug", required=True, claim=False),
        "label": F("str", required=True, claim=False),
        "alt_labels": F("strs", claim=False),  # the editors' words for it in prose, which the checker recognises
        "description": F("text", required=True, claim=False),
        "unit": F("str", required=True, claim=False, choices=UNITS),
        **PROVENANCE,
    }),
    EntityType("observation", (MFG.Observation,), "observations", id_field=None, hook="metrics", fields={
        "id": F("slug", claim=False),  # optional: by default metric, fiscal year and scope name it
        "metric": F("slug", required=True, claim=False),
        "fiscal_year": F("year", required=True, claim=False),
        "value": F("number", required=True, claim=False),
        "comparator": F("str", claim=False, choices=COMPARATORS),
        "unit": F("str", required=True, claim=False, choices=UNITS),
        "scope": F("slug", required=True, claim=False),
        **PROVENANCE, **RANKED,
    }),
    EntityType("body", (MFG.GoverningBody,), "bodies", kind="body", node=True, colour="#e25822", fields={
        "id": F("slug", required=True, claim=False),
        **NAMES,
        "kind": F("str", claim=False),
        "members": F("slugs", via=MFG.member, to="ref:agency"),
        "hosted_by": F("slug", via=MFG.hostedBy, to="ref:agency"),
        "about": ABOUT,
        **PROVENANCE,
    }),
    EntityType("mechanism", (MFG.Mechanism,), "mechanisms", kind="mechanism", extra="mechanism_of", node=True,
               colour="#f6a600", fields={
        "id": F("slug", required=True, claim=False),
        "label": F("str", required=True),
        "about": ABOUT,
        "required_by": F("slug", via=MFG.requiredBy, to="ref:law"),
        "issued": F("date", via=DCTERMS.issued, to="date"),
        "funded_by": F("slugs", via=SCHEMA.funder, to="ref:agency"),
        "facts": FACTS,
        **PROVENANCE,
    }),
    EntityType("law", (MFG.Law,), "laws", kind="law", node=True, colour="#882d17", fields={
        "id": F("slug", required=True, claim=False),
        **NAMES,
        "identifier": F("str", via=SCHEMA.legislationIdentifier, to="literal"),
        "date": F("date", via=SCHEMA.legislationDate, to="date"),
        "about": ABOUT,
        "amends": F("slugs", via=MFG.amends, to="ref:law"),
        "facts": FACTS,
        **PROVENANCE,
    }),
    EntityType("peer", (MFG.PeerProgram,), "peers", kind="peer", node=True, colour="#8db600", fields={
        "id": F("slug", required=True, claim=False),
        **NAMES,
        "alt_labels": F("strs"),
        "country": F("str", required=True, via=MFG.countryCode, to="literal"),
        "kind": F("str", claim=False),
        "facts": FACTS,
        "benchmarked_in": F("slug", via=MFG.benchmarkedIn, to="ref:plan"),
        "website": WEBSITE,
        **PROVENANCE,
    }),
    EntityType("project", (MFG.Project,), "projects", kind="project", node=True, colour="#c2b280", fields={
        "id": F("slug", required=True, claim=False),
        **NAMES,
        "institute": F("slug", required=True, via=MFG.performedBy, to="ref:institute"),
        "lead": F("str", via=MFG.projectLead, to="organization"),
        "participants": F("strs", required=True, via=MFG.participant, to="organization"),
        "funders": F("slugs", via=SCHEMA.funder, to="ref:agency"),
        "technology_area": F("slug", via=MFG.projectArea, to="ref:technology"),
        "fiscal_year": F("year", via=MFG.fiscalYear, to="fiscal-year"),
        "awarded": F("date", via=MFG.awardDate, to="date"),
        "federal_usd": F("number", via=MFG.federalAmount, to="number"),
        "cost_share_usd": F("number", via=MFG.costShareAmount, to="number"),
        "total_usd": F("number", via=MFG.totalAmount, to="number"),
        # The project's money in the ledger: inside an institute figure (relations), or its own award (why).
        "relations": RELATIONS,
        "separate_award": F("text", claim=False),
        "description": F("text", via=SCHEMA.description, to="en"),
        "website": WEBSITE,
        **PROVENANCE,
    }),
    EntityType("membership", (), "memberships", id_field=None, hook="memberships", fields={
        "organization": F("str", required=True, claim=False),
        "institute": F("slug", required=True, via=MFG.memberOf, to="ref:institute"),
        # "operator": the source says the organization runs the institute (leads, manages, holds its
        # agreement): mfg:operates, not a membership.
        "role": F("str", claim=False, choices={"member", "operator"}),
        **PROVENANCE,
    }),
    EntityType("gap", (), "gaps", id_field=None),
    # Made by the builder while it builds the sections above.
    EntityType("network", (MFG.Network,), node=True, colour="#dcd300"),
    EntityType("goal", (MFG.Goal,), node=True, colour="#875692"),
    EntityType("objective", (MFG.Objective,), node=True, colour="#e68fac"),
    EntityType("action", (MFG.Action,), node=True, colour="#f99379"),
    EntityType("city", (MFG.City,), node=True, colour="#848482"),
    EntityType("fiscal-year", (MFG.FiscalYear,), parameter="fiscal-year"),
    EntityType("status", (MFG.InstituteStatus,), parameter="status"),
    EntityType("role-kind", (MFG.AgencyRoleKind,), parameter="role"),
    EntityType("vision", (MFG.Vision,)),
    EntityType("mission", (MFG.Mission,)),
    EntityType("wording", (MFG.Wording,)),
    EntityType("claim", (MFG.Claim,)),
    EntityType("citation", (MFG.Citation,)),
)
# Classes whose instances are vocabulary or structure, not entities: ranks, bases, schemes,
# property kinds, and the superclass of goals, objectives and actions.
VOCABULARY_CLASSES = (MFG.Rank, MFG.Basis, MFG.CitationScope, MFG.AgencyRoleKind, MFG.InstituteStatus,
                       MFG.DerivedProperty, MFG.PlanElement, SKOS.ConceptScheme)

BY_SECTION = {t.section: t for t in TYPES if t.section}
BY_NAME = {t.name: t for t in TYPES}


def build_order() -> list[EntityType]:
    """The seed-section types in an order where each comes after the sections its ``after`` names."""
    done: set[str] = set()
    ordered: list[EntityType] = []
    pending = [t for t in TYPES if t.section]
    while pending:
        ready = [t for t in pending if all(BY_NAME[a].section in done or a in done for a in t.after)]
        if not ready:
            raise RuntimeError(f"entity types depend on each other in a loop: {[t.name for t in pending]}")
        for entity_type in ready:
            ordered.append(entity_type)
            done.update({entity_type.name, entity_type.section or ""})
        pending = [t for t in pending if t not in ready]
    return ordered


def parameter_classes() -> dict[str, str | None]:
    """Query-parameter type -> the class whose instances it names (``entity``: any named thing)."""
    return {**{t.parameter: t.classes[0] for t in TYPES if t.parameter}, "entity": None}


def node_types() -> tuple[str, ...]:
    """The class local names that are nodes in the network views, in registry order."""
    return tuple(dict.fromkeys(t.node_type for t in TYPES if t.node))


def colours() -> dict[str, str]:
    """Node type -> export colour, for the types that have one."""
    return {t.node_type: t.colour for t in TYPES if t.colour}
