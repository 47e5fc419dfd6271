"""The ``mfgkg`` command line: a thin shell over the library.

Exit codes: 0 success, 1 validation violations, 2 bad input (seed files, queries, parameters,
arguments). Heavy modules are imported inside the commands that need them, so ``mfgkg query``
starts without loading rdflib.
"""

from __future__ import annotations

import json
import re
import signal
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from mfgkg import paths
from mfgkg.choices import (
    ANSWER_FORMATS,
    BACKENDS,
    CHECK_FORMATS,
    COVERAGE_STATES,
    COVERAGE_VIEWS,
    ENGINES,
    EXPORT_FORMATS,
    IDLE_TIMEOUT,
    MAX_BYTES,
    MEMORY_MIB,
    MONEY_GROUPINGS,
    QUERY_FORMATS,
    QUERY_LIST_FORMATS,
    REPORT_FORMATS,
    REQUEST_TIMEOUT,
    VALIDATION_FORMATS,
    VIEWS,
)
from mfgkg.errors import MfgkgError, MfgkgWarning, one_line

F = TypeVar("F", bound=Callable[..., Any])


def _say(kind: str, message: object) -> None:
    """Print ``kind: message`` on stderr as one line, whatever the message quotes (a file name, a value)."""
    click.echo(f"{kind}: {one_line(message)}", err=True)


def _fail_cleanly(func: F) -> F:
    """Turn library errors into one line on stderr and exit code 2, and library warnings into notes."""
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", MfgkgWarning)
            try:
                return func(*args, **kwargs)
            except MfgkgError as exc:
                _say("error", exc)
                sys.exit(2)
            except OSError as exc:  # an output path under a file, a full disk, a read-only directory
                where = f"{exc.filename}: " if exc.filename else ""
                _say("error", f"{where}{exc.strerror or exc.__class__.__name__}")
                sys.exit(2)
            finally:
                for warning in caught:
                    if issubclass(warning.category, MfgkgWarning):
                        _say("note", warning.message)
                    else:
                        warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno)
    return wrapper  # type: ignore[return-value]


seeds_option = click.option("--seeds", "seeds_dir", type=click.Path(file_okay=False, path_type=Path),
                            default=None, help="Seed directory (default: the project's seeds/).")
ontology_option = click.option("--ontology", "ontology_dir", type=click.Path(file_okay=False, path_type=Path),
                               default=None, help="Ontology directory (default: the project's ontology/).")


@click.group()
@click.version_option(package_name="mfgkg")
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Project directory holding seeds/, ontology/ and queries/ (default: $MFGKG_ROOT, else the "
                   "working directory if it holds seeds/ and ontology/, else the installed copy).")
def main(root: Path | None) -> None:
    """Manufacturing USA knowledge graph: build, validate and query it."""
    if root is not None:
        paths.use_root(root)


@main.command()
@seeds_option
@ontology_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Directory for mfgkg.ttl, mfgkg.nt and mfgkg.jsonld.")
@_fail_cleanly
def build(seeds_dir: Path | None, ontology_dir: Path | None, out_dir: Path) -> None:
    """Build the graph from seeds/ and write Turtle, N-Triples and JSON-LD (and refresh the query cache)."""
    from mfgkg import build as build_graph
    from mfgkg.data import cache
    from mfgkg.data.serialize import render, write_files

    seeds = seeds_dir or paths.seeds_dir()
    ontology = ontology_dir or paths.ontology_dir()
    graph = build_graph(seeds, ontology)
    texts = render(graph)
    for path in write_files(texts, out_dir):
        click.echo(f"wrote {path}")
    cache.put(texts["nt"], seeds, ontology)
    click.echo(f"{len(graph)} triples")


@main.command()
@seeds_option
@ontology_option
@click.option("--data", "data_file", type=click.Path(exists=True, path_type=Path), default=None,
              help="Validate this N-Triples file (e.g. from `mfgkg synth`) or persistent store (from `mfgkg load`) "
                   "instead of the build of seeds/.")
@click.option("--engine", type=click.Choice(ENGINES), default="oxigraph", show_default=True,
              help="oxigraph: the shapes compiled to SPARQL (fast); pyshacl: the reference engine.")
@click.option("--format", "fmt", type=click.Choice(VALIDATION_FORMATS), default="text", show_default=True,
              help="text or json: findings on the entities to fix; turtle: the standard sh:ValidationReport "
                   "(every result, warnings included) for other SHACL tools.")
@click.option("--warnings/--no-warnings", default=True, show_default=True, help="Also list warnings.")
@_fail_cleanly
def validate(seeds_dir: Path | None, ontology_dir: Path | None, data_file: Path | None, engine: str, fmt: str,
             warnings: bool) -> None:
    """Validate the graph against the SHACL shapes; exit 1 on violations."""
    from mfgkg.data import cache
    from mfgkg.query.stores import open_store
    from mfgkg.shapes.validate import run, shapes_graph

    ont = ontology_dir or paths.ontology_dir()
    shapes = shapes_graph(ont)
    ntriples = data_file or cache.cached_graph(seeds_dir or paths.seeds_dir(), ont)
    report = run(open_store(ntriples, "oxigraph" if engine == "oxigraph" else "rdflib"), shapes, engine)
    shown = report.findings if warnings else report.violations
    if fmt == "turtle":
        from mfgkg.shapes.report import report_turtle

        click.echo(report_turtle(report.results, shapes).decode("utf-8"), nl=False)
    elif fmt == "json":
        click.echo(json.dumps([asdict(f) for f in shown], indent=1))
    else:
        from mfgkg.shapes.report import report_text

        click.echo(report_text(report, warnings), nl=False)
    sys.exit(0 if report.conforms else 1)


queries_option = click.option("--queries", "queries_dir", type=click.Path(file_okay=False, path_type=Path),
                              default=None, help="Saved-query directory (default: the project's queries/).")
backend_option = click.option("--backend", type=click.Choice(BACKENDS), default="oxigraph",
                              show_default=True, help="Embedded SPARQL engine.")
format_option = click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS),
                             default="table", show_default=True, help="Output format for rows.")


endpoint_option = click.option("--endpoint", default=None, metavar="URL",
                               help="Query this SPARQL endpoint instead of the local build "
                                    "(credentials: MFGKG_SPARQL_USER, MFGKG_SPARQL_PASSWORD).")
graph_option = click.option("--graph", default=None, metavar="IRI",
                            help="With --endpoint: the named graph holding the data.")
store_option = click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                            help="Read this persistent store (made by `mfgkg load`) instead of the build of seeds/.")


allow_service_option = click.option(
    "--allow-service", "allow_service", multiple=True, metavar="HOST",
    help="A host (or host:port) that SERVICE calls may reach; repeat for more. Without it, SERVICE is refused.")


def store_options(func: F) -> F:
    """The options shared by commands that ask the graph: output format and store."""
    for option in reversed((format_option, backend_option, endpoint_option, graph_option, store_option)):
        func = option(func)
    return func


def input_options(func: F) -> F:
    """The options naming the inputs: a persistent store, or seeds/, ontology/ and queries/ directories."""
    for option in reversed((store_option, seeds_option, ontology_option, queries_option)):
        func = option(func)
    return func


def _open(seeds_dir: Path | None, ontology_dir: Path | None, queries_dir: Path | None, backend: str = "oxigraph",
          endpoint: str | None = None, graph: str | None = None, store_dir: Path | None = None,
          on_disk: bool = False):
    from mfgkg.kg import load

    if graph and not endpoint:
        raise MfgkgError("--graph needs --endpoint")
    if store_dir and (seeds_dir or ontology_dir):
        raise MfgkgError("--store is a built graph: it takes no --seeds or --ontology")
    return load(seeds_dir, ontology_dir, queries_dir, backend, endpoint=endpoint, graph=graph, store=store_dir,
                on_disk=on_disk)


def _emit(answer: Any, fmt: str) -> None:
    from mfgkg.query.formats import render, terminal_width

    width = terminal_width() if fmt == "table" and sys.stdout.isatty() else None
    # color=True: click would strip escape sequences from a piped answer, changing CSV/TSV/JSON data;
    # the human formats have already shown control characters as escapes.
    click.echo(render(answer, fmt, width), nl=False, color=True)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise MfgkgError(f"--param '{pair}': expected KEY=VALUE")
        if key.strip() in params:
            raise MfgkgError(f"--param '{key.strip()}' given twice")
        params[key.strip()] = value
    return params


@main.command("queries")
@click.argument("name", required=False)
@queries_option
@click.option("--format", "fmt", type=click.Choice(QUERY_LIST_FORMATS), default="table", show_default=True)
@_fail_cleanly
def list_queries(name: str | None, queries_dir: Path | None, fmt: str) -> None:
    """List the saved queries, or describe query NAME: parameters, the values they accept, and columns."""
    from mfgkg.query.catalogue import Catalogue

    catalogue = Catalogue(queries_dir or paths.queries_dir())
    chosen = [catalogue[name]] if name else list(catalogue)
    accepted = _open(None, None, queries_dir).accepted if name or fmt == "json" else None
    if fmt == "json":
        click.echo(json.dumps([{
            "name": q.name, "title": q.title, "description": q.description,
            "parameters": [{**asdict(p), "accepts": accepted(p.type)} for p in q.parameters],
            "columns": [{"name": c, "description": d} for c, d in q.columns],
        } for q in chosen], indent=1))
        return
    if not name:
        width = max(len(q.name) for q in chosen)
        for q in chosen:
            params = " ".join(f"[{p.name}]" if not p.required else p.name for p in q.parameters)
            click.echo(f"{q.name.ljust(width)}  {q.title}" + (f"  ({params})" if params else ""))
        return
    query = chosen[0]
    click.echo(f"{query.name}: {query.title}\n\n{query.description}\n\nParameters:")
    for p in query.parameters or ():
        need = "required" if p.required else f"default {p.default}"
        example = f", e.g. {p.example}" if p.example else ""
        click.echo(f"  {p.name} ({p.type}, {need}{example}): {p.description}")
        click.echo(f"    accepts {accepted(p.type)}")
    if not query.parameters:
        click.echo("  none")
    click.echo("\nColumns:")
    for col, desc in query.columns:
        click.echo(f"  {col}: {desc}")


@main.command()
@click.argument("name")
@click.option("--param", "-p", "pairs", multiple=True, metavar="KEY=VALUE",
              help="Query parameter; repeat for several. Values: names, acronyms, IRIs, years.")
@store_options
@seeds_option
@ontology_option
@queries_option
@_fail_cleanly
def query(name: str, pairs: tuple[str, ...], fmt: str, backend: str, endpoint: str | None, graph: str | None,
          store_dir: Path | None, seeds_dir: Path | None, ontology_dir: Path | None, queries_dir: Path | None) -> None:
    """Run saved query NAME (see 'mfgkg queries')."""
    params = _parse_params(pairs)
    # One query per process: open the cached store, which is quicker than loading the graph.
    kg = _open(seeds_dir, ontology_dir, queries_dir, backend, endpoint, graph, store_dir, on_disk=True)
    answered = kg.run(name, params)
    for message in answered.notes:
        _say("note", message)
    _emit(answered.result, fmt)


@main.command()
@click.argument("text", required=False)
@click.option("--file", "query_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Read the query from this file.")
@allow_service_option
@store_options
@seeds_option
@ontology_option
@_fail_cleanly
def sparql(text: str | None, query_file: Path | None, allow_service: tuple[str, ...], fmt: str, backend: str,
           endpoint: str | None, graph: str | None, store_dir: Path | None, seeds_dir: Path | None,
           ontology_dir: Path | None) -> None:
    """Run an ad hoc SPARQL query (TEXT or --file); CONSTRUCT and DESCRIBE print Turtle.

    The prefixes mfg:, id:, v:, schema:, org:, prov:, skos:, dcterms:, rdfs:, xsd: and others are predefined.
    """
    if (text is None) == (query_file is None):
        raise MfgkgError("give the query as an argument or with --file, not both")
    if query_file is not None:
        try:
            text = query_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise MfgkgError(f"{query_file}: cannot read ({exc.__class__.__name__})") from None
    kg = _open(seeds_dir, ontology_dir, None, backend, endpoint, graph, store_dir, on_disk=True)
    # Typed queries run in a memory-capped worker: one that exhausts memory is one line, not an abort.
    _emit(kg.run_sparql(text or "", allow_service=allow_service, memory_mib=MEMORY_MIB), fmt)


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build/answers"),
              show_default=True, help="Directory for one file per saved query.")
@click.option("--format", "fmt", type=click.Choice(ANSWER_FORMATS), default="csv",
              show_default=True)
@input_options
@_fail_cleanly
def answer(out_dir: Path, fmt: str, store_dir: Path | None, seeds_dir: Path | None, ontology_dir: Path | None,
           queries_dir: Path | None) -> None:
    """Answer every saved query (defaults; examples for required parameters) into OUT, one file each."""
    from mfgkg.data.serialize import write_atomic
    from mfgkg.query.formats import render

    kg = _open(seeds_dir, ontology_dir, queries_dir, store_dir=store_dir)
    suffix = {"sparql-json": "srj", "md": "md"}.get(fmt, fmt)
    files: dict[Path, str] = {}
    used: dict[Path, str] = {}
    for saved in kg.queries:
        params = {p.name: p.example for p in saved.parameters if p.required}
        result = kg.run(saved.name, params).result
        path = out_dir / f"{saved.name}.{suffix}"
        files[path] = render(result, fmt)
        optional = [f"{p.name}={p.default}" for p in saved.parameters if not p.required]
        used[path] = "; ".join([f"{len(result)} rows", *(f"{k}={v}" for k, v in params.items()), *optional])
    write_atomic(files)
    for path in sorted(files):
        click.echo(f"wrote {path} ({used[path]})")


@main.command()
@click.option("--endpoint", required=True, metavar="URL", help="SPARQL query endpoint of the store.")
@click.option("--update-endpoint", default=None, metavar="URL",
              help="SPARQL Update endpoint, if not the query endpoint.")
@click.option("--graph", required=True, metavar="IRI", help="Named graph to replace with the built graph.")
@click.option("--batch-size", default=2000, show_default=True, type=click.IntRange(1, 100000),
              help="Triples per INSERT DATA request.")
@seeds_option
@ontology_option
@_fail_cleanly
def push(endpoint: str, update_endpoint: str | None, graph: str, batch_size: int, seeds_dir: Path | None,
         ontology_dir: Path | None) -> None:
    """Load the built graph into a named graph of a SPARQL 1.1 store, replacing it only when complete.

    Credentials come from MFGKG_SPARQL_USER and MFGKG_SPARQL_PASSWORD (MFGKG_SPARQL_AUTH=digest
    for stores such as Virtuoso that ask for digest authentication).
    """
    from mfgkg.data import cache
    from mfgkg.query.remote import RemoteStore
    from mfgkg.query.remote import push as push_graph

    ntriples = cache.cached_graph(seeds_dir or paths.seeds_dir(), ontology_dir or paths.ontology_dir())
    total = sum(1 for line in ntriples.open(encoding="utf-8") if line.strip())
    store = RemoteStore(endpoint, None, update_endpoint)
    with click.progressbar(length=total, label=f"loading {total} triples", file=sys.stderr) as bar:
        count = push_graph(store, ntriples, graph, batch_size, bar.update)
    click.echo(f"graph <{graph}> now holds {count} triples")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("--time-limit", default=10.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds a query may run; then its worker is stopped and replaced.")
@click.option("--max-rows", default=10000, show_default=True, type=click.IntRange(1, 10_000_000),
              help="Most rows or triples in one answer.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes answering queries (each holds a copy of the graph).")
@click.option("--memory-limit", "memory_mib", default=MEMORY_MIB, show_default=True, type=click.IntRange(64, 1 << 20),
              help="MiB of address space each worker may use beyond its reserved engine stack.")
@click.option("--max-connections", default=64, show_default=True, type=click.IntRange(1, 10_000),
              help="Open connections at once; more get 503.")
@click.option("--cors", multiple=True, metavar="ORIGIN",
              help="Let browser pages from ORIGIN (or * for any) read answers; repeat for more.")
@click.option("--graph-name", default=None, metavar="IRI",
              help="An IRI clients may give as default-graph-uri to mean the served graph.")
@click.option("--max-bytes", default=MAX_BYTES, show_default=True, type=click.IntRange(1024, 1 << 40),
              help="Most bytes in one written answer; a larger one gets 413.")
@click.option("--request-timeout", default=REQUEST_TIMEOUT, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds a request's line and headers may take to arrive (its body gets one more second "
                   "per 64 KiB); then 408 and the connection closes.")
@click.option("--idle-timeout", default=IDLE_TIMEOUT, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds a connection may wait for its next request before it is closed.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="A Host name to answer besides 127.0.0.1, localhost, [::1] and the bound address "
                   "(* for any); repeat for more.")
@allow_service_option
@input_options
@_fail_cleanly
def serve(host: str, port: int, store_dir: Path | None, seeds_dir: Path | None, ontology_dir: Path | None,
          queries_dir: Path | None, **settings: Any) -> None:
    """Serve the graph as a read-only SPARQL endpoint, with a query page at the root."""
    from mfgkg.publish.serve import ServeSettings, make_server

    options = ServeSettings(**{k: tuple(v) if isinstance(v, tuple) else v for k, v in settings.items()})
    kg = _open(seeds_dir, ontology_dir, queries_dir, store_dir=store_dir)
    try:
        server = make_server(kg, host, port, options)
    except OSError as exc:
        raise MfgkgError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    bound_host, bound_port = server.server_address[:2]
    click.echo(f"serving http://{bound_host}:{bound_port}/ (SPARQL endpoint /sparql); Ctrl-C stops", nl=True)
    sys.stdout.flush()
    # Stopped by PID (SIGTERM) as by Ctrl-C: workers and the pinned copy of a store go with the server.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build/analysis"),
              show_default=True, help="Directory for the report and its figures/.")
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="md", show_default=True)
@input_options
@_fail_cleanly
def analyze(out_dir: Path, fmt: str, store_dir: Path | None, seeds_dir: Path | None, ontology_dir: Path | None,
            queries_dir: Path | None) -> None:
    """Network analysis report: funding flows, centrality, how objectives connect, gaps, with plots."""
    from mfgkg.analysis import report

    out_dir.mkdir(parents=True, exist_ok=True)  # an output path that cannot be a directory fails before the work
    kg = _open(seeds_dir, ontology_dir, queries_dir, store_dir=store_dir)
    paths_written = report.write(report.build(kg), out_dir, fmt)
    for path in paths_written:
        click.echo(f"wrote {path}")


@main.command()
@click.option("--by", "view", type=click.Choice(COVERAGE_VIEWS), default="field", show_default=True,
              help="type: one row per entity type; field: per type and field; entity: per entity and field.")
@click.option("--type", "type_name", default=None, metavar="TYPE",
              help="Only this entity type (institute, organization, project, ...).")
@click.option("--state", type=click.Choice(COVERAGE_STATES), default=None,
              help="With --by entity: only fields in this state.")
@click.option("--known-gaps", "known_gaps", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the known-gaps page (Markdown: coverage plus the seed files' gaps: notes) to this file.")
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table", show_default=True)
@input_options
@_fail_cleanly
def coverage(view: str, type_name: str | None, state: str | None, known_gaps: Path | None, fmt: str,
             store_dir: Path | None, seeds_dir: Path | None, ontology_dir: Path | None,
             queries_dir: Path | None) -> None:
    """How completely each entity's fields are filled: sourced, filled, disputed or empty."""
    from mfgkg.analysis import coverage as fields
    from mfgkg.data.seeds import load as load_seeds
    from mfgkg.data.serialize import write_atomic
    from mfgkg.publish import known_gaps as page
    from mfgkg.query.results import Result

    kg = _open(seeds_dir, ontology_dir, queries_dir, store_dir=store_dir)
    detail = fields.by_entity(kg)
    if known_gaps is not None:
        gaps = load_seeds(seeds_dir or paths.seeds_dir()).gaps
        write_atomic({known_gaps: page.render(fields.by_type(detail), detail, gaps)})
        click.echo(f"wrote {known_gaps}")
        return
    if type_name is not None:
        names = [t.name for t in fields.entity_types()]
        if type_name not in names:
            raise MfgkgError(f"unknown entity type '{type_name}' (choose from {', '.join(names)})")
        detail = detail[detail["type"] == type_name]
    if state is not None:
        detail = detail[detail["state"] == state]
    table = {"type": fields.by_type, "field": fields.by_field}.get(view, lambda frame: frame)(detail)
    _emit(Result.from_frame(table), fmt)


@main.command()
@click.option("--by", type=click.Choice(MONEY_GROUPINGS), default="department", show_default=True,
              help="Group totals by paying department, office, institute, technology area (narrower areas "
                   "included), headquarters state or year.")
@click.option("--explain", is_flag=True, help="List every figure of every group: counted, or left out and why.")
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table", show_default=True)
@input_options
@_fail_cleanly
def money(by: str, explain: bool, fmt: str, store_dir: Path | None, seeds_dir: Path | None,
          ontology_dir: Path | None, queries_dir: Path | None) -> None:
    """Reconciled funding totals: federal and non-federal apart, as lower and upper bounds, no dollar twice."""
    from mfgkg.query.results import Result

    kg = _open(seeds_dir, ontology_dir, queries_dir, store_dir=store_dir)
    _emit(Result.from_frame(kg.money(by, explain=explain)), fmt)


def _month(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    """``--as-of`` as (year, month): "2016-01", or "2016" for the middle of that year."""
    if value is None:
        return None
    match = re.fullmatch(r"((?:19|20)\d\d)(?:-(0[1-9]|1[0-2]))?", value.strip())
    if not match:
        raise click.BadParameter(f"expected a year or a year and month (2016 or 2016-01), got {value!r}")
    return int(match.group(1)), int(match.group(2) or 6)


@main.command()
@click.argument("document", required=False, type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(CHECK_FORMATS), default="md", show_default=True,
              help="md: a table for reading; json: one object per claim; html: the document highlighted by verdict.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the findings to this file (atomically) instead of standard output.")
@click.option("--as-of", "as_of", callback=_month, default=None, metavar="YYYY[-MM]",
              help="The document's date, for figures it gives without a year (default: a date in its opening lines).")
@input_options
@_fail_cleanly
def check(document: Path | None, fmt: str, out_file: Path | None, as_of: tuple[int, int] | None,
          store_dir: Path | None, seeds_dir: Path | None, ontology_dir: Path | None, queries_dir: Path | None) -> None:
    """Fact-check DOCUMENT (plain text, Markdown or HTML; - or nothing reads standard input) against the graph.

    Exit 0 when no claim is contradicted, 1 when one is, 2 on a document that cannot be read.
    """
    from mfgkg.check.render import render, summary
    from mfgkg.check.text import read_document
    from mfgkg.data.serialize import write_atomic

    from_stdin = document is None or str(document) == "-"
    if from_stdin and sys.stdin.isatty():
        raise MfgkgError("give a document to check, or pipe its text to standard input")
    text = read_document(None, sys.stdin.buffer.read()) if from_stdin else read_document(document)
    findings = _open(seeds_dir, ontology_dir, queries_dir, store_dir=store_dir).check_text(text, as_of)
    title = "standard input" if from_stdin else document.name
    output = render(findings, fmt, text, title)
    if out_file:
        write_atomic({out_file: output})
        click.echo(f"wrote {out_file}: {summary(findings)}", err=True)
    else:
        click.echo(output, nl=False)
    if any(f.verdict == "contradicted" for f in findings):
        sys.exit(1)


@main.command()
@click.option("--format", "fmt", required=True,
              type=click.Choice(EXPORT_FORMATS),
              help="Network formats export a view; turtle, nt and jsonld export the whole RDF graph.")
@click.option("--view", type=click.Choice(VIEWS), default="all", show_default=True)
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output file (default: build/mfgkg-VIEW.SUFFIX; csv writes .nodes.csv and .edges.csv).")
@store_option
@seeds_option
@ontology_option
@_fail_cleanly
def export(fmt: str, view: str, out_file: Path | None, store_dir: Path | None, seeds_dir: Path | None,
           ontology_dir: Path | None) -> None:
    """Export a network view for Gephi, Cytoscape, yEd or Graphviz, or the RDF graph."""
    from mfgkg.publish.exports import SUFFIX
    from mfgkg.publish.exports import export as write_export

    out = out_file or Path("build") / f"mfgkg-{view}{SUFFIX[fmt]}"
    for path in write_export(_open(seeds_dir, ontology_dir, None, store_dir=store_dir), fmt, out, view):
        click.echo(f"wrote {path}")


@main.command()
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("build/ontology.html"), show_default=True)
@ontology_option
@_fail_cleanly
def docs(out_file: Path, ontology_dir: Path | None) -> None:
    """Write the ontology documentation: every class and property with its alignments."""
    from mfgkg.data.serialize import write_atomic
    from mfgkg.publish.docs import render

    write_atomic({out_file: render(ontology_dir or paths.ontology_dir())})
    click.echo(f"wrote {out_file}")


@main.command()
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Directory for the site; replaced as a whole, only if empty or written by this command.")
@input_options
@_fail_cleanly
def site(out_dir: Path, store_dir: Path | None, seeds_dir: Path | None, ontology_dir: Path | None,
         queries_dir: Path | None) -> None:
    """Write a static site: a page and RDF (Turtle, JSON-LD, N-Triples) per entity, type indexes,
    the explorer and the docs."""
    from mfgkg.publish import site as static_site

    written = static_site.write(_open(seeds_dir, ontology_dir, queries_dir, store_dir=store_dir), out_dir,
                                ontology_dir or paths.ontology_dir())
    click.echo(f"wrote {written.out}: {written.pages} entity pages, {written.files} files "
               f"in {written.seconds:.1f} s")


@main.command()
@click.option("--triples", required=True, type=click.IntRange(1, 100_000_000), help="Size to grow the graph to.")
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed; the same seed gives the same graph.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="N-Triples file to write (default: build/synth-TRIPLES.nt).")
@seeds_option
@ontology_option
@_fail_cleanly
def synth(triples: int, seed: int, out_file: Path | None, seeds_dir: Path | None, ontology_dir: Path | None) -> None:
    """Grow the real graph with synthetic members, projects, awards and metrics, for benchmarks."""
    from mfgkg.data import cache
    from mfgkg.data.serialize import write_atomic
    from mfgkg.data.synth import grow_lines

    base = cache.cached_graph(seeds_dir or paths.seeds_dir(), ontology_dir or paths.ontology_dir())
    out = out_file or Path("build") / f"synth-{triples}.nt"
    written = [0]

    def counted(lines: Iterator[str]) -> Iterator[str]:
        for line in lines:
            written[0] += 1
            yield line

    write_atomic({out: counted(grow_lines(base, triples, seed, seeds_dir))})
    click.echo(f"wrote {out} ({written[0]} triples)")


@main.command("load")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--store", "store_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory for the store; replaced whole, only if empty or made by this command.")
@click.option("--format", "syntax", default=None, metavar="FORMAT",
              help="RDF format of SOURCE as an extension or media type (default: from its name: nt, ttl, jsonld, ...).")
@_fail_cleanly
def load_store(source: Path, store_dir: Path, syntax: str | None) -> None:
    """Load an RDF file (e.g. from `mfgkg synth`) into a persistent store that --store opens in milliseconds."""
    import time

    from mfgkg.query.persistent import create

    started = time.perf_counter()
    made = create(source, store_dir, syntax)
    click.echo(f"wrote {store_dir} ({made.triples} triples in {time.perf_counter() - started:.1f} s)")
