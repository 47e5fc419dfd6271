"""The W3C wire formats, each written and read by one engine: pyoxigraph.

This is the only place where store-independent :class:`~mfgkg.query.results.Term` values and
pyoxigraph's terms meet, and the only place a wire format is produced:

- SPARQL results (JSON, XML, CSV, TSV) are written, and a remote server's read, by pyoxigraph's
  results serializer and parser. Rows from any store reach it through SPARQL JSON.
- RDF graphs (Turtle, N-Triples, JSON-LD, RDF/XML) are written and read by pyoxigraph's RDF
  serializer and parser; graph answers travel as triples of terms, never as text.
- A single term in N-Triples (and SPARQL) syntax is pyoxigraph's own rendering of it.

Media types come from pyoxigraph's format tables. Human formats (tables, Markdown, JSON
records) are :mod:`mfgkg.query.formats`'.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from mfgkg.errors import NotRepresentable, QueryError
from mfgkg.prefixes import PREFIXES
from mfgkg.query.results import XSD, BooleanResult, GraphResult, Result, Term, Triple, capped

XSD_STRING = XSD + "string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RESULT_SYNTAXES = ("json", "xml", "csv", "tsv")
GRAPH_SYNTAXES = ("turtle", "ntriples", "jsonld", "rdfxml")
_RESULT_NAMES = {"json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV"}
_GRAPH_NAMES = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "jsonld": "JSON_LD", "rdfxml": "RDF_XML"}
# Characters XML 1.0 cannot carry, even as character references.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _ox() -> Any:
    import pyoxigraph

    return pyoxigraph


def result_format(syntax: str) -> Any:
    """pyoxigraph's results format for ``syntax`` (one of RESULT_SYNTAXES)."""
    return getattr(_ox().QueryResultsFormat, _RESULT_NAMES[syntax])


def graph_format(syntax: str) -> Any:
    """pyoxigraph's RDF format for ``syntax`` (one of GRAPH_SYNTAXES)."""
    return getattr(_ox().RdfFormat, _GRAPH_NAMES[syntax])


def media_type(syntax: str) -> str:
    """The registered media type of a results or graph syntax, without parameters."""
    fmt = result_format(syntax) if syntax in _RESULT_NAMES else graph_format(syntax)
    return str(fmt.media_type).split(";")[0].strip()


# -- terms -------------------------------------------------------------------------------------


def native(term: Term) -> Any:
    """The pyoxigraph term for ``term``; raises :class:`QueryError` for one RDF cannot hold."""
    ox = _ox()
    try:
        if term.kind == "uri":
            return ox.NamedNode(term.value)
        if term.kind == "bnode":
            return ox.BlankNode(re.sub(r"[^A-Za-z0-9_]", "_", term.value) or "b")
        if term.lang:
            return ox.Literal(term.value, language=term.lang)
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype or XSD_STRING))
    except ValueError as exc:
        raise QueryError(f"cannot write {term.kind} {term.value!r}"
                         + (f"@{term.lang}" if term.lang else "") + f": {exc}") from None


def term(node: Any) -> Term | None:
    """The store-independent term for a pyoxigraph term (None stays None)."""
    ox = _ox()
    if node is None:
        return None
    if isinstance(node, ox.NamedNode):
        return Term("uri", node.value)
    if isinstance(node, ox.BlankNode):
        return Term("bnode", node.value)
    datatype = node.datatype.value
    if node.language:
        return Term("literal", node.value, None, node.language)
    return Term("literal", node.value, None if datatype in (XSD_STRING, RDF_LANGSTRING) else datatype)


def ntriples_term(value: Term) -> str:
    """One term in N-Triples syntax (also valid SPARQL), every special character escaped."""
    return str(native(value))


# -- SPARQL results ------------------------------------------------------------------------------


def sparql_json(answer: Result | BooleanResult) -> dict[str, Any]:
    """The answer as a SPARQL 1.1 Query Results JSON document (a dict)."""
    if isinstance(answer, BooleanResult):
        return {"head": {}, "boolean": answer.value}
    bindings = [{col: cell.sparql_json() for col, cell in zip(answer.columns, row, strict=True) if cell is not None}
                for row in answer.rows]
    return {"head": {"vars": list(answer.columns)}, "results": {"bindings": bindings}}


def write_results(answer: Result | BooleanResult, syntax: str) -> bytes:
    """The answer in a SPARQL results syntax (json, xml, csv, tsv), written by pyoxigraph.

    Raises :class:`NotRepresentable` when XML is asked for and a value holds a character XML
    1.0 cannot carry.
    """
    ox = _ox()
    solutions = ox.parse_query_results(json.dumps(sparql_json(answer)).encode("utf-8"),
                                       format=ox.QueryResultsFormat.JSON)
    out = bytes(solutions.serialize(format=result_format(syntax)))
    if syntax == "xml":
        bad = XML_FORBIDDEN.search(out.decode("utf-8"))
        if bad:
            raise NotRepresentable(f"the answer holds the character U+{ord(bad.group()):04X}, which XML 1.0 "
                                   "cannot carry; ask for JSON, CSV or TSV results")
    return out


def read_results(data: bytes, syntax: str, limit: int | None = None) -> Result | BooleanResult:
    """SPARQL results in ``syntax`` parsed by pyoxigraph; raises SyntaxError or ValueError if malformed,
    ResultTooLarge past ``limit`` rows."""
    answer = _ox().parse_query_results(data, format=result_format(syntax))
    if isinstance(answer, _ox().QueryBoolean):
        return BooleanResult(bool(answer))
    columns = tuple(v.value for v in answer.variables)
    rows = tuple(tuple(term(solution[i]) for i in range(len(columns))) for solution in capped(answer, limit))
    return Result(columns, rows)


# -- RDF graphs --------------------------------------------------------------------------------


def graph_result(triples: Iterable[Any]) -> GraphResult:
    """A graph answer from pyoxigraph triples."""
    return GraphResult(tuple((term(t.subject), term(t.predicate), term(t.object)) for t in triples))  # type: ignore[misc]


def write_graph(triples: Iterable[Triple], syntax: str, prefixes: Mapping[str, str] | None = PREFIXES) -> bytes:
    """Triples in an RDF syntax (turtle, ntriples, jsonld, rdfxml), written by pyoxigraph.

    Prefixes are used where the syntax has them (Turtle, RDF/XML).
    """
    ox = _ox()
    natives = [ox.Triple(native(s), native(p), native(o)) for s, p, o in triples]
    options = {"prefixes": dict(prefixes)} if prefixes and syntax in ("turtle", "rdfxml") else {}
    return bytes(ox.serialize(natives, format=graph_format(syntax), **options))


def read_graph(data: bytes, syntax: str, limit: int | None = None) -> GraphResult:
    """Triples parsed from ``data`` in an RDF syntax; raises ValueError or SyntaxError if malformed,
    ResultTooLarge past ``limit`` triples (read lazily, so a compact text cannot fill memory first)."""
    ox = _ox()
    return graph_result(capped(ox.parse(data, format=graph_format(syntax)), limit))
