"""The ``mfgkg`` command line: a thin shell over the library.

Exit codes: 0 success, 1 validation violations, 2 bad input (seed files, arguments).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import build as build_graph
from . import paths
from .errors import MfgkgError
from .serialize import write_graph
from .validate import run, shapes_graph

F = TypeVar("F", bound=Callable[..., Any])


def _fail_cleanly(func: F) -> F:
    """Turn library errors into one line on stderr and exit code 2."""
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MfgkgError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
    return wrapper  # type: ignore[return-value]


seeds_option = click.option("--seeds", "seeds_dir", type=click.Path(file_okay=False, path_type=Path),
                            default=None, help="Seed directory (default: the project's seeds/).")
ontology_option = click.option("--ontology", "ontology_dir", type=click.Path(file_okay=False, path_type=Path),
                               default=None, help="Ontology directory (default: the project's ontology/).")


@click.group()
@click.version_option(package_name="mfgkg")
def main() -> None:
    """Manufacturing USA knowledge graph: build, validate and query it."""


@main.command()
@seeds_option
@ontology_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Directory for mfgkg.ttl, mfgkg.nt and mfgkg.jsonld.")
@_fail_cleanly
def build(seeds_dir: Path | None, ontology_dir: Path | None, out_dir: Path) -> None:
    """Build the graph from seeds/ and write Turtle, N-Triples and JSON-LD."""
    graph = build_graph(seeds_dir, ontology_dir)
    for path in write_graph(graph, out_dir):
        click.echo(f"wrote {path}")
    click.echo(f"{len(graph)} triples")


@main.command()
@seeds_option
@ontology_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--warnings/--no-warnings", default=True, show_default=True, help="Also list warnings.")
@_fail_cleanly
def validate(seeds_dir: Path | None, ontology_dir: Path | None, fmt: str, warnings: bool) -> None:
    """Validate the graph against the SHACL shapes; exit 1 on violations."""
    ont = ontology_dir or paths.ontology_dir()
    report = run(build_graph(seeds_dir, ont), shapes_graph(ont))
    shown = report.findings if warnings else report.violations
    if fmt == "json":
        click.echo(json.dumps([asdict(f) for f in shown], indent=1))
    else:
        for finding in shown:
            click.echo(finding.line())
        click.echo(f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s)")
    sys.exit(0 if report.conforms else 1)
