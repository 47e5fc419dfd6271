"""The Python API: a loaded knowledge graph with its saved queries.

``load()`` opens the cached build (building it when seeds/ or ontology/ changed) in an
embedded store. ``KnowledgeGraph.run`` and ``run_sparql`` return store-independent results
and are what the command line uses; ``query`` and ``sparql`` return pandas DataFrames for
notebooks.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mfgkg import paths
from mfgkg.data import cache
from mfgkg.errors import QueryError, UnmatchedValue
from mfgkg.query.catalogue import LIST_SEPARATOR, Catalogue, SavedQuery, guard
from mfgkg.query.params import Resolver, bind
from mfgkg.query.results import BooleanResult, GraphResult, Result
from mfgkg.query.sparql_lexer import without_projected
from mfgkg.query.stores import Answer, Store, open_store
from mfgkg.query.wire import write_graph

if TYPE_CHECKING:
    import networkx
    import pandas
    import rdflib

    from mfgkg.check import Checker, Finding


@dataclass(frozen=True)
class Answered:
    """A saved query's rows plus messages: parameter values that matched nothing (with "did you
    mean" suggestions) or were read by a guess (words, spelling), what the answer leaves out
    because the sources do, and why an empty answer is empty."""

    result: Result
    unmatched: tuple[str, ...]
    readings: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()

    @property
    def notes(self) -> tuple[str, ...]:
        return self.readings + self.unmatched + self.caveats


@dataclass(frozen=True)
class Standalone:
    """A saved query bound to parameter values as SPARQL any endpoint runs, with notes on the values
    (how a guess was read, or what a value that matched nothing might have meant)."""

    sparql: str
    notes: tuple[str, ...] = ()


class KnowledgeGraph:
    """A loaded graph: ``graph`` (rdflib), ``queries`` (the catalogue), and ways to ask it."""

    def __init__(self, store: Store, queries: Catalogue):
        self.store = store
        self.queries = queries
        self._resolver = Resolver(store)
        self._graph: rdflib.Graph | None = None
        self._checker: Checker | None = None

    def __len__(self) -> int:
        return len(self.store)

    @property
    def backend(self) -> str:
        return self.store.name

    @property
    def graph(self) -> rdflib.Graph:
        """The whole graph as an rdflib Graph (loaded on first use)."""
        if self._graph is None:
            self._graph = self.store.to_rdflib()
        return self._graph

    def run(self, name: str, params: Mapping[str, object] | None = None) -> Answered:
        """Run saved query ``name`` with ``params`` (natural values: "DoD", 2016, an IRI)."""
        saved = self.queries[name]
        bound = bind(saved, params or {}, self._resolver)
        answer = self.store.query(saved.text, bound.bindings)
        if not isinstance(answer, Result):
            raise QueryError(f"query '{name}': saved queries must be SELECT queries")
        result = answer.select(saved.column_names).sort_lists(saved.lists, LIST_SEPARATOR)
        caveats = ((saved.partial,) if saved.partial and len(result) else ()) + _why_empty(saved, params or {}, result)
        return Answered(result, bound.unmatched, bound.readings, caveats)

    def run_sparql(self, text: str, limit: int | None = None, allow_service: Collection[str] = (),
                   memory_mib: int | None = None) -> Answer:
        """Run an ad hoc SPARQL query of any form; the usual prefixes (mfg:, id:, v:, ...) are predefined.

        With ``limit``, an answer of more rows or triples raises :class:`~mfgkg.errors.ResultTooLarge`.
        Updates, shapes deep enough to crash the engine, and SERVICE calls to hosts not in
        ``allow_service`` are refused with a :class:`~mfgkg.errors.QueryError` (see :mod:`mfgkg.query.query_guard`).
        With ``memory_mib`` (a local graph only), the query runs in a worker process capped at that
        much memory, so one that exhausts it is one :class:`~mfgkg.query.workers.WorkerCrashed`
        error instead of the end of the calling process.
        """
        from mfgkg.query.query_guard import check, on_large_stack

        check(text, allow_service)
        snapshot = getattr(self.store, "snapshot", None)
        if memory_mib is not None and snapshot is not None:
            from mfgkg.query.workers import run_once

            return run_once(self.backend, snapshot(), text, limit, memory_mib)
        return on_large_stack(self.store.query, text, limit=limit)

    def accepted(self, kind: str) -> str:
        """What a parameter of type ``kind`` accepts, in words, with the names it can take here."""
        return self._resolver.accepted(kind)

    def example_sparql(self, name: str) -> str:
        """Saved query ``name`` as standalone SPARQL, its parameters (examples or defaults) in a VALUES block."""
        return self.standalone(name, self.queries[name].example_params()).sparql

    def standalone(self, name: str, params: Mapping[str, object] | None = None) -> Standalone:
        """Saved query ``name`` with ``params`` bound as ``run`` binds them, as standalone SPARQL: the
        values in a VALUES block, the ``?param_`` variables not projected. Raises as ``run`` does."""
        from mfgkg.query.remote import with_values

        saved = self.queries[name]
        bound = bind(saved, params or {}, self._resolver)
        body = "\n".join(line for line in saved.text.splitlines() if not line.startswith("#"))
        body = without_projected(body.strip() + "\n", [p.variable for p in saved.parameters])
        return Standalone(with_values(body, bound.bindings), bound.readings + bound.unmatched)

    def describe(self, name: str) -> dict[str, object]:
        """Saved query ``name`` as plain data: title, description, columns, and each parameter with
        what it accepts (in words, and as ``{value, label}`` choices where the set is finite)."""
        saved = self.queries[name]
        return {"name": saved.name, "title": saved.title, "description": saved.description,
                "parameters": [{**asdict(p), "accepts": self.accepted(p.type),
                                "choices": [{"value": c.value, "label": c.label}
                                            for c in self._resolver.choices(p.type)]}
                               for p in saved.parameters],
                "columns": [{"name": column, "description": text} for column, text in saved.columns]}

    def to_networkx(self, view: str = "all") -> networkx.DiGraph:
        """A typed NetworkX projection: view "funding", "plan" or "all" (see :mod:`mfgkg.analysis.networks`)."""
        from mfgkg.analysis.networks import project

        return project(self, view)

    @property
    def checker(self) -> Checker:
        """The fact checker over this graph (its facts read on first use by the queries in ``queries/check/``,
        held to the guard saved queries are held to)."""
        if self._checker is None:
            from mfgkg.check import Checker

            directory = self.queries.directory / "check"
            if not directory.is_dir():
                directory = paths.queries_dir() / "check"
            self._checker = Checker.of(lambda text: self.store.query(guard(text, str(directory))).records(), directory)
        return self._checker

    def check_text(self, text: str, as_of: tuple[int, int] | None = None) -> list[Finding]:
        """The checkable claims in ``text`` (plain text, Markdown or HTML), each judged against the graph;
        ``as_of`` (year, month) dates the document for figures it gives without a year."""
        return self.checker.check(text, as_of=as_of)

    def check(self, text: str, as_of: tuple[int, int] | None = None) -> pandas.DataFrame:
        """Fact-check ``text``: one row per claim found, with its verdict (supported, contradicted,
        disputed, unknown), the graph's value, alternatives and sources (see :mod:`mfgkg.check`)."""
        import pandas

        columns = ["sentence", "start", "end", "kind", "subject", "claim", "verdict", "graph_value", "entities",
                   "alternatives", "sources", "note"]
        return pandas.DataFrame([f.to_dict() for f in self.check_text(text, as_of)], columns=columns)

    def money(self, by: str = "department", explain: bool = False) -> pandas.DataFrame:
        """Reconciled funding totals per group (department, office, institute, technology, state or
        year): federal and non-federal apart, each a lower and upper bound, no dollar counted twice.
        ``explain=True`` lists instead every figure of every group, counted or left out with why
        (see :mod:`mfgkg.analysis.money`)."""
        from mfgkg.analysis import money

        return money.explain(self, by) if explain else money.totals(self, by)

    def query(self, name: str, **params: object) -> pandas.DataFrame:
        """Saved query ``name`` as a DataFrame; ``from_="DOE"`` passes the parameter ``from``.

        A value that matches nothing gives an empty frame and an :class:`~mfgkg.errors.UnmatchedValue`
        warning with "did you mean" suggestions; an ambiguous one raises :class:`QueryError`.
        """
        answered = self.run(name, params)
        for message in answered.unmatched:
            warnings.warn(message, UnmatchedValue, stacklevel=2)
        return answered.result.to_frame()

    def sparql(self, text: str) -> pandas.DataFrame | rdflib.Graph | bool:
        """Ad hoc SPARQL: SELECT gives a DataFrame, ASK a bool, CONSTRUCT/DESCRIBE an rdflib Graph."""
        answer = self.run_sparql(text)
        if isinstance(answer, BooleanResult):
            return answer.value
        if isinstance(answer, GraphResult):
            import rdflib

            return rdflib.Graph().parse(data=write_graph(answer.triples, "ntriples"), format="nt")
        return answer.to_frame()


def load(
    seeds: Path | str | None = None,
    ontology: Path | str | None = None,
    queries: Path | str | None = None,
    backend: str = "oxigraph",
    cache_dir: Path | str | None = None,
    endpoint: str | None = None,
    graph: str | None = None,
    store: Path | str | None = None,
    on_disk: bool = False,
) -> KnowledgeGraph:
    """Open the knowledge graph built from ``seeds`` and ``ontology`` (defaults: the project's).

    The build is cached by the content of its inputs, so only the first call after an edit
    rebuilds. ``backend`` is "oxigraph" (fast, default) or "rdflib". With ``endpoint`` the
    graph is read from that SPARQL server instead (``graph``: the named graph holding it, as
    written by ``mfgkg push``), and seeds/ are not read. With ``store`` (a directory made by
    ``mfgkg load``, e.g. from a ``mfgkg synth`` graph) that persistent store is opened read-only
    instead of the build. ``on_disk`` opens the build's cached persistent store read-only instead
    of loading the graph into memory: a tenth of the time to open, but queries that read much of
    the graph run several times slower, so it suits one-shot commands, not notebooks or servers.
    """
    catalogue = Catalogue(Path(queries) if queries else paths.queries_dir())
    if endpoint and store:
        raise QueryError("choose one graph: a SPARQL endpoint or a persistent store, not both")
    if store:
        from mfgkg.query.persistent import info

        info(Path(store))  # a missing or incomplete store is refused before anything reads it
        return KnowledgeGraph(open_store(Path(store), backend), catalogue)
    if endpoint:
        from mfgkg.query.remote import RemoteStore

        return KnowledgeGraph(RemoteStore(endpoint, graph), catalogue)
    seeds_dir = Path(seeds) if seeds else paths.seeds_dir()
    ontology_dir = Path(ontology) if ontology else paths.ontology_dir()
    root = Path(cache_dir) if cache_dir else None
    source = (cache.cached_store if on_disk and backend == "oxigraph" else cache.cached_graph)(
        seeds_dir, ontology_dir, root)
    return KnowledgeGraph(open_store(source, backend), catalogue)


def _why_empty(saved: SavedQuery, params: Mapping[str, object], result: Result) -> tuple[str, ...]:
    """Why an answer has no rows: which values it was filtered by (an empty answer is never silent)."""
    if len(result):
        return ()
    given = [f"{name}={value}" for name, value in params.items() if value not in (None, "", "any")]
    if not given:
        return (f"no rows: the graph records nothing that '{saved.name}' lists",)
    if len(given) > 1:
        return (f"no rows: nothing recorded matches {' and '.join(given)} together; try each filter alone",)
    return (f"no rows: nothing recorded matches {given[0]}; 'mfgkg queries {saved.name}' shows what the "
            "parameter accepts",)
