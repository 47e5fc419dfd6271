"""Validate the graph against the SHACL shapes in ontology/shapes/ and explain the results.

Two engines give the same findings: "oxigraph" (default) runs the shapes compiled to SPARQL
(:mod:`mfgkg.shapes.compiler`) on an Oxigraph store and stays fast at a million triples;
"pyshacl" runs the reference implementation.

Each result is mapped back to the entity an editor would fix: a violation on a claim or
citation is reported on the entity the claim is about, with its label and seed file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from mfgkg.choices import ENGINES
from mfgkg.data.builder import parse_turtle
from mfgkg.errors import OntologyError, QueryError
from mfgkg.prefixes import curie
from mfgkg.query import wire
from mfgkg.query.results import Term
from mfgkg.query.stores import OxigraphStore, RdflibStore, Store
from mfgkg.query.wire import ntriples_term
from mfgkg.shapes.compiler import Check, LiteralsRewritten, compile_shapes, path_text

EXPLAIN_BATCH = 500
PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


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
    """All findings of one validation run, and the engine's raw results they explain (for the
    standard report, :mod:`mfgkg.shapes.report`)."""

    findings: list[Finding]
    results: list[RawResult] = field(default_factory=list)

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


@contextmanager
def verbatim() -> Iterator[None]:
    """Read RDF keeping each literal as written: rdflib otherwise rewrites lexical forms it can
    normalise ("1"^^xsd:boolean as "true", the ill-typed "none"^^xsd:boolean as "false"), and
    SHACL's answers depend on the written form. Not thread-safe (rdflib's switch is global)."""
    import rdflib

    before = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = before


def shapes_graph(ontology_dir: Path) -> Graph:
    """All shape files under ontology/shapes/, merged, literals as written."""
    g = Graph()
    files = sorted((ontology_dir / "shapes").glob("*.ttl"))
    if not files:
        raise OntologyError(str(ontology_dir / "shapes"), "no SHACL shape files found")
    with verbatim():
        for path in files:
            parse_turtle(g, path, ontology_dir)
    return g


def compact(term: Term | None) -> str:
    """An IRI as prefix:name where a project prefix fits, else the term's value."""
    if term is None:
        return ""
    return curie(term.value) if term.kind == "uri" else term.value


@dataclass(frozen=True)
class RawResult:
    """One raw SHACL result, as either engine reports it: ``severity`` is the severity's IRI,
    ``shape`` the shape's IRI ("" for a
    blank node), ``source`` the shape node itself, ``component`` the constraint component's IRI
    and ``constraint`` the SPARQL constraint's node, if any."""

    severity: str
    shape: str
    focus: Term
    path: str | None
    value: Term | None
    message: str | None
    component: str
    source: Term | None
    constraint: Term | None = None


EXPLAIN = """
SELECT ?focus ?entity ?label ?file ?predicate WHERE {
  OPTIONAL { ?focus rdf:subject ?subject }
  OPTIONAL { ?claim mfg:citation ?focus OPTIONAL { ?claim rdf:subject ?claim_subject } }
  BIND(COALESCE(?subject, ?claim_subject, ?claim, ?focus) AS ?entity)
  OPTIONAL { ?entity rdfs:label ?label }
  OPTIONAL { ?entity mfg:definedIn ?entity_file }
  OPTIONAL { ?focus mfg:definedIn ?focus_file }
  BIND(COALESCE(?entity_file, ?focus_file) AS ?file)
  OPTIONAL { ?focus rdf:predicate ?predicate }
}"""


def explain(store: Store, results: list[RawResult]) -> list[Finding]:
    """Findings an editor can act on: claims and citations are reported on the entity they are
    about, with its label and seed file."""
    facts: dict[Term, tuple[Term | None, ...]] = {}
    foci = sorted({r.focus.value for r in results if r.focus.kind == "uri"})
    for start in range(0, len(foci), EXPLAIN_BATCH):
        values = " ".join(ntriples_term(Term("uri", iri)) for iri in foci[start:start + EXPLAIN_BATCH])
        # VALUES inside a sub-select: rdflib drops every row when an inline VALUES meets OPTIONAL.
        block = f"{{ SELECT ?focus WHERE {{ VALUES ?focus {{ {values} }} }} }}"
        answer = store.query(EXPLAIN.replace("WHERE {", f"WHERE {{ {block}", 1))
        for focus, *rest in sorted(answer.rows, key=lambda row: tuple(t.value if t else "" for t in row)):
            facts.setdefault(focus, tuple(rest))
    findings = set()
    for r in results:
        entity, label, file, predicate = facts.get(r.focus, (r.focus, None, None, None))
        path = r.path
        if path is None and entity != r.focus and predicate is not None:
            path = predicate.value
        findings.add(Finding(
            severity=r.severity.rsplit("#", 1)[-1],
            shape=r.shape.rsplit("#", 1)[-1],
            focus=r.focus.value,
            label=label.value if label else compact(entity),
            path=compact(Term("uri", path)) if path else "",
            value=compact(r.value),
            message=r.message or "constraint not met",
            file=file.value if file else "",
        ))
    return sorted(findings, key=lambda f: (f.severity != "Violation", f.file, f.label, f.path, f.message,
                                           f.focus, f.value))


def pyshacl_results(data: Graph, shapes: Graph) -> list[RawResult]:
    """Validate with pySHACL, the reference SHACL engine (slow on large graphs)."""
    from pyshacl import validate as shacl_validate
    from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, RuleLoadError, ShapeLoadError

    try:
        _, report, text = shacl_validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                         allow_warnings=True)
    except (ShapeLoadError, ConstraintLoadError, RuleLoadError, ReportableRuntimeError) as exc:
        raise OntologyError("shapes", f"pySHACL rejects the shapes: {_first_line(str(exc))}") from None
    if not isinstance(report, Graph):  # pySHACL's ValidationFailure: shapes it will not run
        raise OntologyError("shapes", f"pySHACL rejects the shapes: {_first_line(str(report) or text)}")
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(result, SH.resultPath)
        if isinstance(path, BNode):  # a complex path, written in SPARQL syntax as the compiled engine does
            path = path_text(report, path)
        shape = report.value(result, SH.sourceShape)
        message = report.value(result, SH.resultMessage)
        out.append(RawResult(
            severity=str(report.value(result, SH.resultSeverity)),
            shape=str(shape) if isinstance(shape, URIRef) else "",
            focus=RdflibStore.to_term(report.value(result, SH.focusNode)),
            path=str(path) if path is not None else None,
            value=RdflibStore.to_term(report.value(result, SH.value)),
            message=str(message) if message else None,
            component=str(report.value(result, SH.sourceConstraintComponent)),
            source=RdflibStore.to_term(shape),
            constraint=RdflibStore.to_term(report.value(result, SH.sourceConstraint)),
        ))
    return out


def oxigraph_copy(data: Graph) -> OxigraphStore:
    """``data`` in Oxigraph, for the compiled engine; raises :class:`LiteralsRewritten` when Oxigraph
    would store a literal in another form than written (it canonicalises typed values), or when
    rdflib already rewrote an ill-typed literal into a well-typed one (read the data inside
    :func:`verbatim` to keep it)."""
    literals = [o for o in data.objects() if isinstance(o, Literal)]
    lost = sorted(o.n3() for o in literals
                  if o.ill_typed and not Literal(str(o), datatype=o.datatype, normalize=False).ill_typed)
    if lost:
        raise LiteralsRewritten(f"{lost[0]} (an ill-typed literal rdflib read as well-typed)", len(lost))
    store = OxigraphStore.from_graph(data)
    written = {wire.ntriples_term(Term("literal", str(o), str(o.datatype) if o.datatype else None, o.language))
               for o in literals}
    stored = set(store.literal_terms())
    rewritten = sorted(written - stored)
    if rewritten:
        raise LiteralsRewritten(rewritten[0], len(rewritten))
    return store


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:200] if lines else "no reason given"


def sparql_results(store: Store, shapes: Graph) -> list[RawResult]:
    """Validate by running the shapes compiled to SPARQL on ``store`` (fast on large graphs)."""
    out = []
    for check in compile_shapes(shapes):
        for binding in _rows(store, check):
            path = binding.get("path")
            out.append(RawResult(
                severity=check.severity,
                shape=check.shape,
                focus=binding["this"],
                path=path.value if path is not None and path.kind == "uri" else check.path,
                value=binding.get("value") or (binding["this"] if check.value_is_focus else None),
                message=fill(check.message, binding) if check.sparql else check.message,
                component=check.component,
                source=RdflibStore.to_term(check.source),
                constraint=RdflibStore.to_term(check.constraint),
            ))
    return out


def _rows(store: Store, check: Check) -> Iterator[dict[str, Term | None]]:
    """A check's result rows as bindings: one query for all focus nodes, or, where $this must be
    pre-bound inside nested groups, one query per focus node with $this substituted."""
    if check.focus_query is None:
        answer = store.query(check.query)
        yield from (dict(zip(answer.columns, row, strict=True)) for row in answer.rows)
        return
    for (focus,) in store.query(check.focus_query).rows:
        answer = store.query(check.query, {"this": focus})
        for row in answer.rows:
            yield {**dict(zip(answer.columns, row, strict=True)), "this": focus}


def fill(template: str | None, binding: dict[str, Term | None]) -> str | None:
    """A SHACL message with its {?var} / {$var} placeholders replaced by the row's values."""
    if template is None:
        return None
    return PLACEHOLDER.sub(lambda m: binding[m.group(1)].value if binding.get(m.group(1)) else m.group(0), template)


def run(data: Graph | Store, shapes: Graph, engine: str = "oxigraph") -> Report:
    """Validate ``data`` (which includes the ontology) against ``shapes``.

    ``engine`` "oxigraph" runs the shapes compiled to SPARQL on Oxigraph; "pyshacl" runs pySHACL.
    Both report the same findings (the test suite checks this on planted violations).
    """
    if engine == "pyshacl":
        graph = data if isinstance(data, Graph) else data.to_rdflib()
        results = pyshacl_results(graph, shapes)
        return Report(explain(RdflibStore(graph=graph), results), results)
    if engine == "oxigraph":
        store = oxigraph_copy(data) if isinstance(data, Graph) else data
        results = sparql_results(store, shapes)
        return Report(explain(store, results), results)
    raise QueryError(f"unknown validation engine '{engine}' (choose from {', '.join(ENGINES)})")
