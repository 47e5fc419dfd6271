"""Network analysis: NetworkX projections (``networks``), measures (``measures``) and the report.

``from mfgkg import analysis`` gives the measures: ``analysis.funding_by_department(kg)`` and so on.
"""

from mfgkg.analysis.measures import (
    agencies_without_role,
    bridges,
    bridging_organizations,
    centrality,
    coverage_gaps,
    funding_by_agency,
    funding_by_department,
    funding_by_state,
    funding_by_technology,
    institute_communities,
    institute_similarity,
    objective_links,
    objective_paths,
    partner_counts,
    plan_evolution,
    reach,
)

__all__ = ["agencies_without_role", "bridges", "bridging_organizations", "centrality", "coverage_gaps",
           "funding_by_agency", "funding_by_department", "funding_by_state", "funding_by_technology",
           "institute_communities", "institute_similarity", "objective_links", "objective_paths",
           "partner_counts", "plan_evolution", "reach"]
