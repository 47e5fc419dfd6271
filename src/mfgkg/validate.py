"""Validate the graph against the SHACL shapes in ontology/shapes/ and explain the results.

Each result is mapped back to the entity an editor would fix: a violation on a claim or
citation is reported on the entity the claim is about, with its label and seed file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from .builder import parse_turtle
from .errors import SeedError
from .namespaces import MFG


@dataclass(frozen=True)
class Finding:
    """One SHACL result, in terms an editor can act on."""

    severity: str
    shape: str
    focus: str
    label: str
    path: str
    value: str
    message: str
    file: str

    def line(self) -> str:
        """A one-line, human-readable form."""
        where = f"{self.file}: " if self.file else ""
        prop = f" [{self.path}]" if self.path else ""
        return f"{self.severity}: {where}{self.label}{prop}: {self.message}"


@dataclass
class Report:
    """All findings of one validation run."""

    findings: list[Finding]

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings allowed)."""
        return not self.violations

    def shapes(self) -> set[str]:
        """Local names of the shapes that produced a violation."""
        return {f.shape for f in self.violations}


def shapes_graph(ontology_dir: Path) -> Graph:
    """All shape files under ontology/shapes/, merged."""
    g = Graph()
    files = sorted((ontology_dir / "shapes").glob("*.ttl"))
    if not files:
        raise SeedError(str(ontology_dir / "shapes"), "no SHACL shape files found")
    for path in files:
        parse_turtle(g, path, ontology_dir)
    return g


def _short(graph: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:
            return str(node)
    return str(node)


def _entity_of(data: Graph, focus: Node) -> Node:
    """The entity a finding is about: claims and citations point back to their subject."""
    subject = data.value(focus, RDF.subject)
    if subject is not None:
        return subject
    claim = data.value(predicate=MFG.citation, object=focus)
    if claim is not None:
        return data.value(claim, RDF.subject) or claim
    return focus


def run(data: Graph, shapes: Graph) -> Report:
    """Validate ``data`` (which includes the ontology) against ``shapes``."""
    _, results, _ = shacl_validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                   allow_warnings=True)
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        entity = _entity_of(data, focus)
        label = data.value(entity, RDFS.label)
        file = data.value(entity, MFG.definedIn) or data.value(focus, MFG.definedIn)
        path = results.value(result, SH.resultPath)
        if path is None and focus != entity:
            path = data.value(focus, RDF.predicate)
        severity = results.value(result, SH.resultSeverity)
        message = results.value(result, SH.resultMessage)
        shape = results.value(result, SH.sourceShape)
        findings.append(Finding(
            severity=str(severity).rsplit("#", 1)[-1],
            shape=str(shape).rsplit("#", 1)[-1] if isinstance(shape, URIRef) else "",
            focus=str(focus),
            label=str(label) if label else _short(data, entity),
            path=_short(data, path) if isinstance(path, URIRef) else "",
            value=_short(data, results.value(result, SH.value)),
            message=str(message) if message else "constraint not met",
            file=str(file) if file else "",
        ))
    findings.sort(key=lambda f: (f.severity != "Violation", f.file, f.label, f.path, f.message, f.focus))
    return Report(findings)
