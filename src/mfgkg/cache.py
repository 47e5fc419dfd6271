"""Build cache: the built graph as N-Triples, keyed by the content of its inputs.

The key hashes every file under seeds/ and ontology/ plus this package's own source, so an
edit to the data, the ontology or the builder gives a new key and a rebuild; anything else
reuses the cached file. Queries load it instead of rebuilding, which keeps ``mfgkg query``
fast. The cache lives in ``$MFGKG_CACHE``, else ``$XDG_CACHE_HOME/mfgkg``, else
``~/.cache/mfgkg``; only the most recent few entries are kept.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from . import __version__

ENV_CACHE = "MFGKG_CACHE"
GRAPH_FILE = "graph.nt"
KEEP = 4


def cache_root() -> Path:
    """Directory holding one subdirectory per cache key."""
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "mfgkg"


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and not any(
        part.startswith(".") or part == "__pycache__" for part in p.relative_to(directory).parts))


def content_key(seeds_dir: Path, ontology_dir: Path) -> str:
    """Hash of the inputs that determine the built graph."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).parent
    for label, directory in (("seeds", seeds_dir), ("ontology", ontology_dir), ("code", package)):
        if not directory.is_dir():
            from .errors import SeedError

            raise SeedError(str(directory), f"no {label} directory")
        for path in _files(directory):
            if label == "code" and path.suffix != ".py":
                continue
            digest.update(f"\0{label}/{path.relative_to(directory).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def cached_graph(seeds_dir: Path, ontology_dir: Path, root: Path | None = None) -> Path:
    """Path of the cached N-Triples for these inputs, building and storing the graph if missing."""
    root = root or cache_root()
    target = root / content_key(seeds_dir, ontology_dir) / GRAPH_FILE
    if target.is_file():
        return target
    from .builder import build_graph
    from .serialize import to_ntriples

    put(to_ntriples(build_graph(seeds_dir, ontology_dir)), seeds_dir, ontology_dir, root)
    return target


def put(ntriples: str, seeds_dir: Path, ontology_dir: Path, root: Path | None = None) -> Path:
    """Put already-built N-Triples into the cache (atomically) and prune old entries."""
    root = root or cache_root()
    entry = root / content_key(seeds_dir, ontology_dir)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        (staging / GRAPH_FILE).write_text(ntriples, encoding="utf-8")
        try:
            os.replace(staging, entry)
        except OSError:
            if not (entry / GRAPH_FILE).is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _prune(root)
    return entry / GRAPH_FILE


def _prune(root: Path) -> None:
    entries = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
