"""The choice lists users pick from, defined once: the library checks against them and the
command line offers them. Plain tuples (and the defaults the command line shows) in a module
that imports nothing, so the command line reads them without loading the modules that
implement each choice."""

from __future__ import annotations

BACKENDS = ("oxigraph", "rdflib")  # embedded stores (mfgkg.query.stores)
ENGINES = ("oxigraph", "pyshacl")  # SHACL validation engines (mfgkg.shapes.validate)
VALIDATION_FORMATS = ("text", "json", "turtle")  # the validation report (turtle: mfgkg.shapes.report)
QUERY_FORMATS = ("table", "csv", "tsv", "json", "sparql-json", "md")  # query answers (mfgkg.query.formats)
ANSWER_FORMATS = tuple(f for f in QUERY_FORMATS if f != "table")  # `mfgkg answer` files
QUERY_LIST_FORMATS = ("table", "json")  # `mfgkg queries`
REPORT_FORMATS = ("md", "html", "json")  # the analysis report (mfgkg.analysis.report)
CHECK_FORMATS = ("md", "json", "html")  # a fact check's findings (mfgkg.check.render)
COVERAGE_VIEWS = ("type", "field", "entity")  # `mfgkg coverage --by` (mfgkg.analysis.coverage)
COVERAGE_STATES = ("sourced", "filled", "disputed", "empty")  # a field's state in mfgkg.analysis.coverage
MONEY_GROUPINGS = ("department", "office", "institute", "technology", "state", "year")  # mfgkg.analysis.money
VIEWS = ("funding", "plan", "partners", "all")  # network projections (mfgkg.analysis.networks)
NETWORK_FORMATS = ("graphml", "gexf", "cytoscape", "node-link", "dot", "svg", "csv", "html")  # mfgkg.publish.exports
RDF_FORMATS = ("turtle", "nt", "jsonld")  # whole-graph exports (mfgkg.publish.exports)
EXPORT_FORMATS = NETWORK_FORMATS + RDF_FORMATS

MEMORY_MIB = 2048  # address space a query worker may use beyond its engine stack (mfgkg.query.workers)
MAX_BYTES = 64 * 1024 * 1024  # most bytes one written answer may take (mfgkg.query.workers, `mfgkg serve`)
# and one answer the SPARQL client reads from a server (mfgkg.query.sparql_client)
MAX_TRIPLES = 1_000_000  # most rows or triples the SPARQL client builds from one server's answer
REQUEST_TIMEOUT = 10.0  # seconds a request's line and headers may take to arrive (`mfgkg serve`)
IDLE_TIMEOUT = 15.0  # seconds a connection may wait for its next request (`mfgkg serve`)
