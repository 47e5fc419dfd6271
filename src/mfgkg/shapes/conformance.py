"""The W3C SHACL test suite, run against a validation engine.

The suite's manifests (``mf:include`` and ``mf:entries``) name ``sht:Validate`` tests: a data
graph, a shapes graph and the expected ``sh:ValidationReport``, or ``sht:Failure`` when the
shapes must be rejected. :func:`run` gives each test a verdict:

- ``pass``: the engine reports what the suite expects (see :func:`signature`);
- ``refused``: the compiled engine refused the shapes by name (:class:`ShapeError`), as it
  does for features it does not support; for a ``sht:Failure`` test a refusal is a pass;
- ``wrong``: the engine answered, and the answer differs from the expected report;
- ``error``: the engine failed in any other way.

The suite is not part of this project. :func:`locate` finds a copy: ``$MFGKG_SHACL_TESTS``,
a ``w3c-shacl-tests`` folder beside the checkout, or the copy ``scripts/setup.sh`` extracts
from pySHACL's source distribution on PyPI into ``.venv/shacl-tests``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, Namespace

from mfgkg.errors import MfgkgError
from mfgkg.shapes.compiler import ShapeError
from mfgkg.shapes.validate import RawResult, oxigraph_copy, sparql_results, verbatim

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
ENV = "MFGKG_SHACL_TESTS"
VERDICTS = ("pass", "refused", "wrong", "error")
ENGINES = ("oxigraph", "pyshacl", "shifty")  # the compiled engine and two independent references

Signature = tuple[bool, Counter]


@dataclass(frozen=True)
class Case:
    """One sht:Validate test: where it is, its graphs, and what it expects."""

    name: str
    folder: str
    data: Path
    shapes: Path
    failure: bool
    expected: Signature | None


@dataclass(frozen=True)
class Outcome:
    """An engine's verdict on one case, with a one-line reason when it is not a pass."""

    case: Case
    engine: str
    verdict: str
    detail: str = ""


def locate(project_root: Path) -> Path | None:
    """The suite's ``tests`` folder, if a copy can be found (see the module docstring)."""
    candidates = [Path(os.environ[ENV])] if os.environ.get(ENV) else []
    candidates += [project_root.parent / "shared" / "w3c-shacl-tests" / "data-shapes-test-suite" / "tests",
                   project_root.parent / "w3c-shacl-tests" / "data-shapes-test-suite" / "tests",
                   project_root / ".venv" / "shacl-tests"]
    return next((c for c in candidates if (c / "manifest.ttl").is_file()), None)


def _key(node: object) -> str:
    """A comparable form of a result term: blank nodes all compare equal (their ids are local)."""
    if node is None:
        return ""
    if isinstance(node, BNode):
        return "_:"
    if isinstance(node, Literal):
        return node.n3()
    return str(node)


def signature(conforms: bool, results: list[tuple[object, ...]]) -> Signature:
    """What a report says, as the suite compares it: the conforms flag and the multiset of
    (severity, focus node, path, value, source shape) of its results."""
    return conforms, Counter(tuple(_key(part) for part in result) for result in results)


def _expected(graph: Graph, report: object) -> Signature:
    conforms = graph.value(report, SH.conforms)
    results = []
    for result in graph.objects(report, SH.result):
        severity = graph.value(result, SH.resultSeverity)
        results.append((severity, graph.value(result, SH.focusNode),
                        graph.value(result, SH.resultPath), graph.value(result, SH.value),
                        graph.value(result, SH.sourceShape)))
    return signature(bool(conforms.toPython()) if isinstance(conforms, Literal) else False, results)


def _manifest_cases(manifest: Path, suite: Path) -> Iterator[Case]:
    """The cases of one manifest and of the manifests it includes."""
    with verbatim():  # expected values as written, as the cases' graphs are read
        graph = Graph().parse(manifest, format="turtle")
    for include in graph.objects(None, MF.include):
        yield from _manifest_cases(Path(str(include).removeprefix("file://")), suite)
    for entries in graph.objects(None, MF.entries):
        for entry in Collection(graph, entries):
            if (entry, RDF.type, SHT.Validate) not in graph:
                continue
            action = graph.value(entry, MF.action)
            result = graph.value(entry, MF.result)
            failure = result == SHT.Failure
            yield Case(name=manifest.relative_to(suite).with_suffix("").as_posix(),
                       folder=manifest.parent.relative_to(suite).as_posix(),
                       data=Path(str(graph.value(action, SHT.dataGraph)).removeprefix("file://")),
                       shapes=Path(str(graph.value(action, SHT.shapesGraph)).removeprefix("file://")),
                       failure=failure, expected=None if failure else _expected(graph, result))


def cases(suite: Path) -> list[Case]:
    """Every sht:Validate test the suite's top manifest reaches, in manifest order."""
    suite = suite.resolve()
    return list(_manifest_cases(suite / "manifest.ttl", suite))


def _found(results: list[RawResult]) -> Signature:
    def node(term: object) -> object:
        if term is None:
            return None
        kind, value = term.kind, term.value  # type: ignore[attr-defined]
        if kind == "bnode":
            return BNode(value)
        if kind == "uri":
            return URIRef(value)
        return Literal(value, lang=term.lang, datatype=term.datatype)  # type: ignore[attr-defined]

    def path(text: str | None) -> object:
        # A predicate path is its IRI; a complex path (SPARQL path text, or none kept) is a blank node
        # in SHACL reports, so it compares as one.
        if text and text.startswith("<") and text.endswith(">") and text.count("<") == 1:
            return URIRef(text[1:-1])
        if text and not text.startswith(("(", "^", "<")):
            return URIRef(text)
        return BNode() if text else None

    rows = [(URIRef(r.severity), node(r.focus), path(r.path), node(r.value),
             URIRef(r.shape) if ":" in r.shape else BNode(r.shape)) for r in results]
    # SHACL: a report conforms when it has no result at all, of any severity.
    return signature(not results, rows)


def _pyshacl(data: Graph, shapes: Graph) -> Signature:
    """pySHACL's own report, read as the suite's reports are (not through this project's findings)."""
    from pyshacl import validate

    _, report_graph, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    report = next(report_graph.subjects(RDF.type, SH.ValidationReport))
    return _expected(report_graph, report)


def _shifty(data: Graph, shapes: Graph) -> Signature:
    """pyshifty's report (an independent SHACL engine in Rust), read as the suite's reports are."""
    import shifty

    _, report_graph, _ = shifty.validate(data, shapes, graph_mode="data", infer=False, on_unsupported="error")
    report = next(report_graph.subjects(RDF.type, SH.ValidationReport))
    return _expected(report_graph, report)


def answer(engine: str, data: Graph, shapes: Graph) -> Signature:
    """What ``engine`` reports for ``data`` against ``shapes``, as the suite compares reports;
    raises :class:`ShapeError` when the compiled engine refuses. Read both graphs inside
    :func:`~mfgkg.shapes.validate.verbatim`, so literals stay as written."""
    if engine == "oxigraph":
        return _found(sparql_results(oxigraph_copy(data), shapes))
    return _shifty(data, shapes) if engine == "shifty" else _pyshacl(data, shapes)


def run_case(case: Case, engine: str) -> Outcome:
    """The engine's verdict on one case."""
    try:
        with verbatim():  # the suite's literals as written ("1"^^xsd:boolean, ill-typed values)
            data = Graph().parse(case.data, format="turtle")
            shapes = data if case.shapes == case.data else Graph().parse(case.shapes, format="turtle")
            found = answer(engine, data, shapes)
    except ShapeError as exc:
        return Outcome(case, engine, "pass" if case.failure else "refused", str(exc).splitlines()[0][:160])
    except (MfgkgError, Exception) as exc:  # an engine may fail in any way; the verdict records it
        verdict = "pass" if case.failure else "error"
        return Outcome(case, engine, verdict, f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
                       if str(exc) else type(exc).__name__)
    if case.failure:
        return Outcome(case, engine, "wrong", "answered where the shapes must be rejected")
    if found == case.expected:
        return Outcome(case, engine, "pass")
    assert case.expected is not None
    detail = ("conforms " + str(found[0]).lower() if found[0] != case.expected[0] else
              f"{sum((found[1] - case.expected[1]).values())} unexpected, "
              f"{sum((case.expected[1] - found[1]).values())} missing results")
    return Outcome(case, engine, "wrong", detail)


def run(suite: Path, engines: tuple[str, ...] = ENGINES) -> list[Outcome]:
    """Every case of the suite on every engine."""
    return [run_case(case, engine) for case in cases(suite) for engine in engines]
