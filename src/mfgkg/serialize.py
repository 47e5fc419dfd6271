"""Deterministic serialisation and atomic writes of the built graph.

Same inputs give byte-identical files: N-Triples lines are sorted, JSON-LD is re-emitted with
sorted keys and nodes, and Turtle comes from rdflib's sorted serializer (the graph has no blank
nodes, so nothing depends on generated ids). Files are first written next to their target and
then renamed into place, all or nothing.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from rdflib import Graph

FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
BASENAME = "mfgkg"


def to_ntriples(graph: Graph) -> str:
    """Sorted N-Triples."""
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return "\n".join(sorted(line for line in lines if line.strip())) + "\n"


def to_turtle(graph: Graph) -> str:
    """Turtle with the graph's bound prefixes."""
    return graph.serialize(format="turtle")


def to_jsonld(graph: Graph) -> str:
    """JSON-LD with a context built from the graph's prefixes, keys and nodes sorted."""
    context = {p: str(ns) for p, ns in graph.namespaces() if p}
    doc = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    nodes = doc.get("@graph", [doc])
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
    nodes.sort(key=lambda n: n.get("@id", ""))
    out = {"@context": dict(sorted(context.items())), "@graph": nodes}
    return json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def render(graph: Graph) -> dict[str, str]:
    """The graph as text in every output format, keyed by file suffix."""
    return {"ttl": to_turtle(graph), "nt": to_ntriples(graph), "jsonld": to_jsonld(graph)}


def write_atomic(files: Mapping[Path, str | bytes]) -> None:
    """Write several files so that either all are replaced or none is.

    Each file is written to a temporary file in its target directory first; only when every
    write succeeded are they renamed into place. Files get the usual permissions (0666 less the
    umask), not the private ones temporary files start with.
    """
    staged: list[tuple[str, Path]] = []
    umask = os.umask(0)
    os.umask(umask)
    try:
        for target, text in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            os.chmod(tmp, 0o666 & ~umask)
            if isinstance(text, bytes):
                with os.fdopen(fd, "wb") as raw:
                    raw.write(text)
            else:
                with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                    fh.write(text)
            staged.append((tmp, target))
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


def write_files(texts: Mapping[str, str], out_dir: Path) -> list[Path]:
    """Write already rendered texts (keyed by suffix) as mfgkg.<suffix> into ``out_dir``."""
    files = {Path(out_dir) / f"{BASENAME}.{suffix}": text for suffix, text in texts.items()}
    write_atomic(files)
    return sorted(files)
