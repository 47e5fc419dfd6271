"""Embedded stores that answer SPARQL over the built graph.

``OxigraphStore`` (the default) is fast to load and to query; ``RdflibStore`` uses rdflib's
own engine. Both take N-Triples, run SELECT with parameters pre-bound as RDF terms (never
spliced into the query text), and return store-independent :mod:`mfgkg.query.results`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from mfgkg.choices import BACKENDS
from mfgkg.errors import QueryError, StoreError
from mfgkg.prefixes import PREFIXES
from mfgkg.query import wire
from mfgkg.query.results import BooleanResult, GraphResult, Result, Term, capped
from mfgkg.query.wire import XSD_STRING

if TYPE_CHECKING:
    import rdflib


Answer = Result | GraphResult | BooleanResult


@dataclass(frozen=True)
class Dataset:
    """An RDF dataset named by a client: default-graph IRIs and named-graph IRIs.

    The graph is stored as the store's default graph; ``served_as`` is the IRI clients may
    use to name it (so ``default-graph-uri`` with that IRI means the whole graph).
    """

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()
    served_as: str | None = None


class Store(Protocol):
    """What the query layer needs from a store."""

    name: str

    def __len__(self) -> int: ...

    def query(self, text: str, bindings: Mapping[str, Term] | None = None, limit: int | None = None,
              dataset: Dataset | None = None) -> Answer:
        """Run any SPARQL query form; ``bindings`` pre-bind projected variables.

        With ``limit``, more than that many rows or triples raises :class:`ResultTooLarge`.
        ``dataset`` replaces the query's RDF dataset (the protocol's default-graph-uri and
        named-graph-uri).
        """
        ...

    def to_rdflib(self) -> rdflib.Graph:
        """The whole graph as an rdflib Graph."""
        ...


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _syntax_error(exc: Exception) -> QueryError:
    return QueryError(f"SPARQL syntax error: {_first_line(exc)}")


class OxigraphStore:
    """The graph in Oxigraph: loaded into memory from N-Triples, or a persistent store opened read-only."""

    name = "oxigraph"

    def __init__(self, ntriples: Path | None = None, data: bytes | None = None):
        """Load ``ntriples`` (a file) or ``data`` (N-Triples bytes); a directory ``ntriples`` is a
        persistent store (see :mod:`mfgkg.query.persistent`), opened read-only, not loaded."""
        import pyoxigraph

        self._ox = pyoxigraph
        self._path = Path(ntriples) if ntriples is not None else None
        self._data = data
        if self._path is not None and self._path.is_dir():
            from mfgkg.query.persistent import open_read_only

            self._store = open_read_only(self._path)
            return
        self._store = pyoxigraph.Store()
        try:
            if data is not None:
                self._store.bulk_load(input=data, format=pyoxigraph.RdfFormat.N_TRIPLES)
            else:
                self._store.bulk_load(path=str(ntriples), format=pyoxigraph.RdfFormat.N_TRIPLES)
        except (OSError, SyntaxError, ValueError, MemoryError) as exc:  # MemoryError: a term over 16 MiB
            raise StoreError(f"{ntriples or 'graph'}: cannot load N-Triples ({_first_line(exc)})") from None

    @classmethod
    def from_graph(cls, graph: rdflib.Graph) -> OxigraphStore:
        """An Oxigraph copy of an rdflib Graph."""
        return cls(data=graph.serialize(format="nt", encoding="utf-8"))

    def __len__(self) -> int:
        return len(self._store)

    def snapshot(self) -> Path | bytes:
        """Where another process can open the same graph: the store directory, the N-Triples file, or its bytes."""
        return self._path if self._path is not None else bytes(self._data or b"")

    def literal_terms(self) -> Iterator[str]:
        """Every literal object as stored, in N-Triples syntax."""
        for quad in self._store.quads_for_pattern(None, None, None):
            if isinstance(quad.object, self._ox.Literal):
                yield str(quad.object)

    def _dataset(self, dataset: Dataset | None) -> dict[str, Any]:
        ox = self._ox
        if dataset is None:
            return {}
        # As with FROM NAMED and no FROM, naming only named graphs leaves the default graph empty.
        options: dict[str, Any] = {"default_graph": [ox.DefaultGraph() if iri == dataset.served_as
                                                     else ox.NamedNode(iri) for iri in dataset.default]}
        if dataset.named:
            options["named_graphs"] = [ox.NamedNode(iri) for iri in dataset.named]
        return options

    def query(self, text: str, bindings: Mapping[str, Term] | None = None, limit: int | None = None,
              dataset: Dataset | None = None) -> Answer:
        ox = self._ox
        substitutions = {ox.Variable(k): wire.native(v) for k, v in (bindings or {}).items()}
        try:
            answer = self._store.query(text, prefixes=PREFIXES, substitutions=substitutions or None,
                                       **self._dataset(dataset))
            return self._answer(answer, limit)
        except SyntaxError as exc:
            raise _syntax_error(exc) from None
        except RuntimeError as exc:  # also while reading the answer: solutions are computed as they are read
            raise QueryError(f"query failed: {exc}") from None

    def _answer(self, answer: Any, limit: int | None) -> Answer:
        """An Oxigraph answer as a store-independent result."""
        ox = self._ox
        if isinstance(answer, ox.QueryBoolean):
            return BooleanResult(bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            columns = tuple(v.value for v in answer.variables)
            seen: dict[Any, Term | None] = {}  # rows repeat the same IRIs: convert each term once

            def term(node: Any) -> Term | None:
                if node not in seen:
                    seen[node] = wire.term(node)
                return seen[node]

            width = range(len(columns))
            rows = tuple(tuple(term(solution[i]) for i in width) for solution in capped(answer, limit))
            return Result(columns, rows)
        return wire.graph_result(capped(answer, limit))

    def to_rdflib(self) -> rdflib.Graph:
        import rdflib

        graph = rdflib.Graph()
        if self._data is not None:
            graph.parse(data=self._data, format="nt")
        elif self._path is not None and self._path.is_dir():
            graph.parse(data=self._store.dump(format=self._ox.RdfFormat.N_TRIPLES, from_graph=self._ox.DefaultGraph()),
                        format="nt")
        else:
            graph.parse(self._path, format="nt")
        for prefix, iri in PREFIXES.items():
            graph.bind(prefix, iri)
        return graph


class RdflibStore:
    """The graph in an rdflib in-memory Graph, queried by rdflib's SPARQL engine."""

    name = "rdflib"

    def __init__(self, ntriples: Path | None = None, graph: rdflib.Graph | None = None):
        import rdflib

        self._path = Path(ntriples) if ntriples is not None and graph is None else None
        if graph is None:
            graph = rdflib.Graph()
            try:
                graph.parse(str(ntriples), format="nt")
            except Exception as exc:  # rdflib raises parser-specific exception types
                raise StoreError(f"{ntriples}: cannot load N-Triples ({exc})") from None
        self._graph = graph

    def __len__(self) -> int:
        return len(self._graph)

    @staticmethod
    def _native(term: Term) -> Any:
        import rdflib

        if term.kind == "uri":
            return rdflib.URIRef(term.value)
        if term.kind == "bnode":
            return rdflib.BNode(term.value)
        datatype = None if term.lang or term.datatype in (None, XSD_STRING) else rdflib.URIRef(term.datatype)
        return rdflib.Literal(term.value, lang=term.lang, datatype=datatype)

    @staticmethod
    def to_term(node: Any) -> Term | None:
        import rdflib

        if node is None:
            return None
        if isinstance(node, rdflib.URIRef):
            return Term("uri", str(node))
        if isinstance(node, rdflib.BNode):
            return Term("bnode", str(node))
        datatype = None if node.datatype is None or str(node.datatype) == XSD_STRING else str(node.datatype)
        return Term("literal", str(node), datatype, node.language)

    def snapshot(self) -> Path | bytes:
        """Where another process can load the same graph: the N-Triples file, or its bytes."""
        if self._path is not None:
            return self._path
        return self._graph.serialize(format="nt", encoding="utf-8")

    def query(self, text: str, bindings: Mapping[str, Term] | None = None, limit: int | None = None,
              dataset: Dataset | None = None) -> Answer:
        from pyparsing.exceptions import ParseException

        if dataset is not None and (dataset.named or any(iri != dataset.served_as for iri in dataset.default)):
            raise QueryError("the rdflib backend cannot choose graphs: default-graph-uri and named-graph-uri "
                             "need the oxigraph backend")
        init = {k: self._native(v) for k, v in (bindings or {}).items()}
        try:
            answer = self._graph.query(text, initNs=PREFIXES, initBindings=init)
        except ParseException as exc:
            raise _syntax_error(exc) from None
        except Exception as exc:  # rdflib's engine raises many exception types while evaluating
            raise QueryError(f"query failed: {exc}") from None
        if answer.type == "ASK":
            return BooleanResult(bool(answer.askAnswer))
        if answer.type == "SELECT":
            columns = tuple(str(v) for v in answer.vars or ())
            rows = tuple(tuple(self.to_term(row[i]) for i in range(len(columns))) for row in capped(answer, limit))
            return Result(columns, rows)
        return GraphResult(tuple((self.to_term(s), self.to_term(p), self.to_term(o))  # type: ignore[misc]
                                 for s, p, o in capped(answer.graph, limit)))

    def to_rdflib(self) -> rdflib.Graph:
        return self._graph


def open_store(ntriples: Path | bytes, backend: str = "oxigraph") -> Store:
    """Open the graph in the named embedded backend: N-Triples (a file, or bytes as from ``snapshot()``),
    or a persistent store directory (read in place by Oxigraph, copied into memory by rdflib)."""
    if backend == "oxigraph":
        return OxigraphStore(data=ntriples) if isinstance(ntriples, bytes) else OxigraphStore(ntriples)
    if backend == "rdflib":
        if not isinstance(ntriples, bytes) and Path(ntriples).is_dir():
            return RdflibStore(graph=OxigraphStore(Path(ntriples)).to_rdflib())
        if isinstance(ntriples, bytes):
            import rdflib

            return RdflibStore(graph=rdflib.Graph().parse(data=ntriples, format="nt"))
        return RdflibStore(ntriples)
    raise QueryError(f"unknown backend '{backend}' (choose from {', '.join(BACKENDS)})")
