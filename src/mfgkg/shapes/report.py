"""The standard SHACL validation report (``sh:ValidationReport``), for other SHACL tools.

Either engine's raw results become the report graph the SHACL specification defines (section
3.6): one ``sh:ValidationResult`` per result, with its focus node, path, value, severity, source
shape, constraint component and, for SPARQL-based constraints, the constraint itself. A complex
path is written as the RDF path structure copied from the shapes graph, as SHACL requires.
``sh:conforms`` is true only when there is no result of any severity (the command's exit code
counts violations alone). The RDF is written by the engine (:func:`mfgkg.query.wire.write_graph`).

The text report people read on a terminal is here too: one line per finding, with the control
characters and newlines of labels and values shown as escapes (:func:`mfgkg.errors.one_line`),
so data can neither rewrite the terminal nor forge a line of the report.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import SH

from mfgkg.errors import one_line
from mfgkg.prefixes import PREFIXES
from mfgkg.query import wire
from mfgkg.query.results import Term, Triple
from mfgkg.query.stores import RdflibStore
from mfgkg.shapes.validate import RawResult, Report

RDF_TYPE = Term("uri", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
REPORT_PREFIXES = {**PREFIXES, "sh": str(SH)}


def _sh(name: str) -> Term:
    return Term("uri", str(SH[name]))


def _described(shapes: Graph, node: BNode) -> Iterator[Triple]:
    """The triples describing a blank node (a path or an RDF list), blank nodes followed."""
    pending, seen = [node], set()
    while pending:
        subject = pending.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for predicate, obj in shapes.predicate_objects(subject):
            if isinstance(obj, BNode):
                pending.append(obj)
            yield RdflibStore.to_term(subject), RdflibStore.to_term(predicate), RdflibStore.to_term(obj)  # type: ignore[misc]


def _path(result: RawResult, shapes: Graph) -> tuple[Term | None, list[Triple]]:
    """The result's sh:resultPath and the triples describing it, read from the source shape."""
    path_node = None
    if result.source is not None:
        source = URIRef(result.source.value) if result.source.kind == "uri" else BNode(result.source.value)
        path_node = shapes.value(source, SH.path)
    if isinstance(path_node, URIRef):
        return Term("uri", str(path_node)), []
    if isinstance(path_node, BNode):
        return RdflibStore.to_term(path_node), list(_described(shapes, path_node))
    if result.path and result.path.startswith(("http:", "https:", "urn:")):
        return Term("uri", result.path), []
    return None, []


def report_triples(results: list[RawResult], shapes: Graph) -> list[Triple]:
    """The sh:ValidationReport graph of ``results`` as triples of terms."""
    report = Term("bnode", "report")
    conforms = Term("literal", "false" if results else "true", XSD_BOOLEAN)
    nodes = [Term("bnode", f"result{number}") for number in range(len(results))]
    triples: list[Triple] = [(report, RDF_TYPE, _sh("ValidationReport")), (report, _sh("conforms"), conforms)]
    triples += [(report, _sh("result"), node) for node in nodes]
    paths: set[Triple] = set()
    for node, result in zip(nodes, results, strict=True):
        path, described = _path(result, shapes)
        paths.update(described)
        fields: list[tuple[str, Term | None]] = [
            ("focusNode", result.focus), ("resultPath", path), ("value", result.value),
            ("resultSeverity", Term("uri", result.severity)),
            ("sourceShape", result.source), ("sourceConstraintComponent", Term("uri", result.component)),
            ("sourceConstraint", result.constraint),
            ("resultMessage", Term("literal", result.message) if result.message else None),
        ]
        triples.append((node, RDF_TYPE, _sh("ValidationResult")))
        triples += [(node, _sh(name), value) for name, value in fields if value is not None]
    return triples + sorted(paths, key=lambda t: tuple(term.value for term in t))


def report_turtle(results: list[RawResult], shapes: Graph) -> bytes:
    """The sh:ValidationReport of ``results`` in Turtle."""
    return wire.write_graph(report_triples(results, shapes), "turtle", REPORT_PREFIXES)


def report_text(report: Report, warnings: bool = True) -> str:
    """The text report: a line per violation (and per warning with ``warnings``), then the counts."""
    shown = report.findings if warnings else report.violations
    lines = [one_line(finding.line()) for finding in shown]
    lines.append(f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s)")
    return "\n".join(lines) + "\n"
