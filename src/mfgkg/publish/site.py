"""The static site: entity pages, type indexes, the explorer and the docs, as files any static
host can serve.

Layout (paths as the IRIs give them, so ``/id/institute/lift`` resolves on a static host that
maps a directory to its ``index.html``)::

    index.html                       entry page: type indexes, explorer, docs
    id/index.html                    the same entry page, at /id/
    id/{kind}/index.html             every entity of a type
    id/{kind}/{slug}/index.html      an entity's page
    id/{kind}/{slug}.ttl .jsonld .nt its RDF
    explorer.html                    the network explorer (all views' nodes)
    docs/index.html                  the ontology documentation

The site is built in a temporary directory beside ``out`` and then renamed into place, so a
failed run leaves the previous site (or nothing) as it was.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mfgkg.atomic import replaceable, staged_directory
from mfgkg.publish.pages import SUFFIXES, EntityPages, root_of

if TYPE_CHECKING:
    from mfgkg.kg import KnowledgeGraph

# Written into every site, so a later run may replace the directory (and no other).
MARKER = ".mfgkg-site"


@dataclass(frozen=True)
class Written:
    """What a site run wrote: entity pages, files in all, and the seconds it took."""

    out: Path
    pages: int
    files: int
    seconds: float


def files(kg: KnowledgeGraph, ontology_dir: Path) -> dict[str, bytes]:
    """Every file of the site, keyed by its path relative to the site root."""
    from mfgkg.publish import docs, explorer

    pages = EntityPages(kg)
    out: dict[str, bytes] = {MARKER: b"written by mfgkg site; the next run replaces this directory\n",
                             "index.html": pages.top_index("", static=True).encode("utf-8"),
                             "id/index.html": pages.top_index(root_of("/id/index.html"), static=True).encode("utf-8")}
    for kind in pages.kinds:
        target = f"id/{kind}/index.html"
        out[target] = pages.kind_index(kind, root_of("/" + target)).encode("utf-8")
    for iri, path in pages.entities.items():
        target = f"id/{path}/index.html"
        out[target] = pages.page(iri, root_of("/" + target)).encode("utf-8")
        for suffix, syntax in SUFFIXES.items():
            out[f"id/{path}.{suffix}"] = pages.rdf(iri, syntax)
    out["explorer.html"] = explorer.render(kg, "all").encode("utf-8")
    out["docs/index.html"] = docs.render(ontology_dir).encode("utf-8")
    return out


def write(kg: KnowledgeGraph, out: Path, ontology_dir: Path) -> Written:
    """Write the site into ``out``, all or nothing (see the module's docstring)."""
    started = time.perf_counter()
    out = Path(out)
    check = replaceable(MARKER, "`mfgkg site`")
    check(out)
    content = files(kg, ontology_dir)
    with staged_directory(out, check) as staging:
        for relative, data in content.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    pages = sum(1 for name in content if name.endswith(".ttl"))  # one Turtle file per entity page
    return Written(out, pages, len(content), time.perf_counter() - started)
