"""Build cache: the built graph as N-Triples, keyed by the content of its inputs.

The key hashes every file under seeds/ and ontology/ plus this package's own source, so an
edit to the data, the ontology or the builder gives a new key and a rebuild; anything else
reuses the cached file. Each entry, a directory named by its key, holds the graph as N-Triples,
the same graph as a persistent Oxigraph store (which queries open read-only in milliseconds
instead of loading the file), and, written last, its manifest ``mfgkg-cache-entry.json``
(format, the file's size and SHA-256, the SHA-256 of every file of the store). An entry that
does not match its manifest (a file truncated, edited, missing, or not a regular file; a
manifest unreadable or not a regular file) is rebuilt, never read; nothing that is not a regular
file is ever opened.

The cache lives in ``$MFGKG_CACHE``, else ``$XDG_CACHE_HOME/mfgkg``, else ``~/.cache/mfgkg``;
only the most recent few entries are kept. Pruning removes only what the cache made: directories
named by a key holding an entry manifest, and the staging directories of killed runs. Anything
else there (a user's own folders, the saved-query headers) is never touched.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import stat
import warnings
from pathlib import Path

from mfgkg.atomic import clean_leftovers, open_regular, read_marker, temporary_directory
from mfgkg.query import persistent
from mfgkg.version import __version__

ENV_CACHE = "MFGKG_CACHE"
GRAPH_FILE = "graph.nt"
STORE_DIR = "store"
MANIFEST = "mfgkg-cache-entry.json"
LEGACY_MANIFEST = "manifest.json"  # of entries made by earlier versions: pruned, never read
KIND = "mfgkg build cache entry"
FORMAT = 3  # of an entry's layout; a change makes older entries fail verification and rebuild
KEEP = 4
KEY = re.compile(r"^[0-9a-f]{32}$")


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
    package = Path(__file__).parent.parent  # all of mfgkg, not just this subpackage
    for label, directory in (("seeds", seeds_dir), ("ontology", ontology_dir), ("code", package)):
        if not directory.is_dir():
            from mfgkg.errors import OntologyError, SeedError

            raise (OntologyError if label == "ontology" else SeedError)(str(directory), f"no {label} directory")
        for path in _files(directory):
            if label == "code" and path.suffix != ".py":
                continue
            digest.update(f"\0{label}/{path.relative_to(directory).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def cached_graph(seeds_dir: Path, ontology_dir: Path, root: Path | None = None) -> Path:
    """Path of the cached N-Triples for these inputs, building and storing the graph if missing.

    An entry whose manifest is missing or does not match its file (empty, truncated, edited) is
    never served: it is rebuilt.
    """
    return _entry(seeds_dir, ontology_dir, root, reads_file=True) / GRAPH_FILE


def cached_store(seeds_dir: Path, ontology_dir: Path, root: Path | None = None) -> Path:
    """Directory of the cached persistent store for these inputs, building the entry if missing.

    The N-Triples beside it are only checked against the manifest's size here, since they are
    not read; a store without its marker makes the entry rebuild.
    """
    return _entry(seeds_dir, ontology_dir, root, reads_file=False) / STORE_DIR


def _entry(seeds_dir: Path, ontology_dir: Path, root: Path | None, reads_file: bool) -> Path:
    entry = (root or cache_root()) / content_key(seeds_dir, ontology_dir)
    if verified(entry, deep=reads_file):
        return entry
    from mfgkg.data.builder import build_graph
    from mfgkg.data.serialize import to_ntriples

    return put(to_ntriples(build_graph(seeds_dir, ontology_dir)), seeds_dir, ontology_dir, root).parent


def put(ntriples: str, seeds_dir: Path, ontology_dir: Path, root: Path | None = None) -> Path:
    """Put already-built N-Triples into the cache (atomically, manifest last) and prune old entries.

    Where the cache cannot be written, the graph goes to a private directory for this process
    only, with a :class:`~mfgkg.errors.CacheUnavailable` warning.
    """
    root = root or cache_root()
    key, data = content_key(seeds_dir, ontology_dir), ntriples.encode("utf-8")
    try:
        return _store(root, key, data)
    except OSError as exc:
        from mfgkg.errors import CacheUnavailable

        reason = exc.strerror or type(exc).__name__
        warnings.warn(f"cache {root} cannot be written ({reason}); the graph is kept for this run only",
                      CacheUnavailable, stacklevel=2)
        return _store(_private_root(), key, data)


def manifest(data: bytes, store: Path) -> dict[str, object]:
    """What an entry's manifest records about its graph file ``data`` and its ``store`` directory."""
    return {"kind": KIND, "format": FORMAT, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "store": _store_digests(store)}


def _digest(path: Path) -> str:
    """SHA-256 of the regular file ``path``, read in pieces."""
    digest = hashlib.sha256()
    with open_regular(path) as fh:
        while piece := fh.read(1 << 20):
            digest.update(piece)
    return digest.hexdigest()


def _store_digests(store: Path) -> dict[str, str]:
    """SHA-256 of every file of a store that readers never change; an ``OSError`` if one is not a regular file."""
    names = sorted(entry.name for entry in os.scandir(store) if not persistent.UNRECORDED.match(entry.name))
    return {name: _digest(store / name) for name in names}


def verified(entry: Path, deep: bool = True) -> bool:
    """Whether ``entry`` holds a store and a graph file that match its manifest: the store by SHA-256
    always, the graph file by SHA-256 when ``deep``, else by size (for callers that read the store,
    not the file)."""
    try:
        recorded = json.loads(read_marker(entry / MANIFEST).decode("utf-8"))
        if deep:
            with open_regular(entry / GRAPH_FILE) as fh:
                found = manifest(fh.read(), entry / STORE_DIR)
        else:
            size = os.lstat(entry / GRAPH_FILE)
            if not stat.S_ISREG(size.st_mode):
                return False
            found = {"kind": KIND, "format": FORMAT, "size": size.st_size, "sha256": recorded.get("sha256"),
                     "store": _store_digests(entry / STORE_DIR)}
        return recorded == found and persistent.is_store(entry / STORE_DIR)
    except (OSError, ValueError, TypeError, AttributeError):
        return False


def _store(root: Path, key: str, data: bytes) -> Path:
    import shutil

    entry = root / key
    root.mkdir(parents=True, exist_ok=True)
    clean_leftovers(root)
    staging = temporary_directory(root, key)
    try:
        (staging / GRAPH_FILE).write_bytes(data)
        persistent.create(data, staging / STORE_DIR)
        (staging / MANIFEST).write_text(json.dumps(manifest(data, staging / STORE_DIR)), encoding="utf-8")
        if os.path.lexists(entry) and not verified(entry):
            _remove(entry)
        try:
            os.replace(staging, entry)
        except OSError:
            if not verified(entry):  # another process may have put the same entry first
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _prune(root)
    return entry / GRAPH_FILE


def _remove(path: Path) -> None:
    """Remove a damaged entry: a directory with all it holds, or whatever else is under its name."""
    import shutil

    if stat.S_ISDIR(os.lstat(path).st_mode):
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink()


@functools.cache
def _private_root() -> Path:
    """A directory of this process's own, removed when it exits."""
    import atexit
    import shutil
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="mfgkg-cache-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def made_here(path: Path) -> bool:
    """Whether ``path`` is an entry this cache made: a directory (not a link) named by a key,
    holding an entry manifest (of this format or an earlier one) that is a regular file."""
    if not KEY.match(path.name):
        return False
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            return False
        return any(stat.S_ISREG(os.lstat(path / name).st_mode) for name in (MANIFEST, LEGACY_MANIFEST)
                   if os.path.lexists(path / name))
    except OSError:
        return False


def _prune(root: Path) -> None:
    """Keep the ``KEEP`` newest entries; remove older ones, and nothing the cache did not make."""
    import shutil

    entries = sorted((p for p in root.iterdir() if made_here(p)), key=lambda p: os.lstat(p).st_mtime, reverse=True)
    for old in entries[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
