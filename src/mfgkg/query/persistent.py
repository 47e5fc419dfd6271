"""Persistent Oxigraph stores on disk: created whole from an RDF file, opened read-only.

A store directory holds Oxigraph's own files plus ``mfgkg-store.json`` (what was loaded, how
many triples, the size of each of Oxigraph's files). It is built in a staging directory beside
its target and swapped into place with the marker already inside, so a half-written store
never has a name a reader would open. Opening checks the marker and the sizes it records
first, so a truncated or half-deleted store is refused in one line instead of failing inside
the engine. Any number of processes may open a store read-only at once; opening takes
milliseconds whatever the graph's size, where loading N-Triples into memory takes seconds per
million triples.

RDF/XML is the one syntax whose parser expands XML entities, and the one whose reader has no
limit on a term's size: a document declaring a DOCTYPE or an ENTITY is refused before it is
parsed (nested entities make a few hundred bytes expand to gigabytes; external ones read
files), and its terms are held to the 16 MiB the other syntaxes' readers allow.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mfgkg.errors import StoreError

if TYPE_CHECKING:
    import pyoxigraph

MARKER = "mfgkg-store.json"
FORMAT = 1  # of the marker and layout; a store of another format is refused, not misread
MAX_TERM = 16 * 1024 * 1024  # bytes: the buffer limit of pyoxigraph's other readers
DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
SCAN_CHUNK = 1 << 20
UNRECORDED = re.compile(r"^(LOG(\..*)?|LOCK)$")  # Oxigraph's log and lock files, which readers may touch


@dataclass(frozen=True)
class StoreInfo:
    """What a store's marker records."""

    format: int
    triples: int
    source: str
    pyoxigraph: str
    files: dict[str, int] | None = None  # Oxigraph's files and their sizes (stores made before: not recorded)


def is_store(directory: Path) -> bool:
    """Whether ``directory`` is a complete store (its marker, a regular file, is written last, before the rename)."""
    try:
        return stat.S_ISREG(os.lstat(Path(directory) / MARKER).st_mode)
    except OSError:
        return False


def recorded_files(directory: Path) -> dict[str, int]:
    """Oxigraph's files in ``directory`` that readers never change, with their sizes."""
    return {entry.name: entry.stat(follow_symlinks=False).st_size
            for entry in sorted(os.scandir(directory), key=lambda e: e.name)
            if entry.name != MARKER and not UNRECORDED.match(entry.name)}


def _damage(directory: Path, files: dict[str, int]) -> str | None:
    """What is wrong with the store's files against those its marker records, or None."""
    for name, size in sorted(files.items()):
        try:
            found = os.lstat(directory / name)
        except FileNotFoundError:
            return f"{name} is missing"
        if not stat.S_ISREG(found.st_mode):
            return f"{name} is not a regular file"
        if found.st_size != size:
            return f"{name} has {found.st_size} bytes, the marker records {size}"
    return None


def info(directory: Path) -> StoreInfo:
    """The marker of the store at ``directory``; :class:`StoreError` if there is no complete store."""
    directory = Path(directory)
    if not directory.is_dir():
        raise StoreError(f"{directory}: not an mfgkg store (no such directory); create one with `mfgkg load`")
    from mfgkg.atomic import read_marker

    try:
        recorded = json.loads(read_marker(directory / MARKER).decode("utf-8"))
        found = StoreInfo(**recorded)
    except FileNotFoundError:
        raise StoreError(f"{directory}: not an mfgkg store (no {MARKER}); create one with `mfgkg load`") from None
    except OSError as exc:
        raise StoreError(f"{directory}: unreadable store marker {MARKER} ({exc.strerror or exc})") from None
    except (ValueError, TypeError) as exc:
        raise StoreError(f"{directory}: unreadable store marker {MARKER} ({_first_line(exc)})") from None
    if found.format != FORMAT:
        raise StoreError(f"{directory}: store format {found.format}, this version reads {FORMAT}; "
                         "recreate it with `mfgkg load`")
    damage = _damage(directory, found.files) if isinstance(found.files, dict) else None
    if damage:
        raise StoreError(f"{directory}: damaged store ({damage}); recreate it with `mfgkg load`")
    return found


def open_read_only(directory: Path) -> pyoxigraph.Store:
    """Open the store at ``directory`` for reading, alongside any other readers."""
    import pyoxigraph

    info(directory)
    try:
        return pyoxigraph.Store.read_only(str(directory))
    except (OSError, RuntimeError) as exc:  # RuntimeError: the engine found its files corrupt
        raise StoreError(f"{directory}: damaged store, cannot open it ({_first_line(exc)}); "
                         "recreate it with `mfgkg load`") from None


def pin(directory: Path) -> Path:
    """A private copy of the store at ``directory`` as it is now, for a server whose worker processes
    reopen the store as they restart: a store replaced or removed under the server then leaves its
    answers unchanged. The copy is hard links (no data copied) beside the store, named as a
    leftover of this process, so :func:`mfgkg.atomic.clean_leftovers` removes it if the server is killed."""
    from mfgkg.atomic import clean_leftovers, temporary_directory

    info(directory)
    parent = directory.resolve().parent
    clean_leftovers(parent, f"{directory.name}-served")
    pinned = temporary_directory(parent, f"{directory.name}-served")
    try:
        for entry in os.scandir(directory):
            if entry.is_file(follow_symlinks=False):
                try:
                    os.link(entry.path, pinned / entry.name)
                except OSError:  # another file system, or links refused: a copy holds the same bytes
                    shutil.copy2(entry.path, pinned / entry.name)
        info(pinned)
    except (OSError, StoreError):
        unpin(pinned)
        raise
    return pinned


def unpin(pinned: Path) -> None:
    """Remove a copy made by :func:`pin`."""
    shutil.rmtree(pinned, ignore_errors=True)


def _format(source: Path, syntax: str | None) -> pyoxigraph.RdfFormat:
    import pyoxigraph

    chosen = (pyoxigraph.RdfFormat.from_extension(syntax) or pyoxigraph.RdfFormat.from_media_type(syntax)
              if syntax else pyoxigraph.RdfFormat.from_extension(source.suffix.lstrip(".")))
    if chosen is None:
        raise StoreError(f"{source}: cannot tell the RDF format from "
                         f"{repr(syntax) if syntax else 'the file name'}; name it (e.g. nt, ttl, jsonld, rdf)")
    return chosen


def create(source: Path | bytes, directory: Path, syntax: str | None = None) -> StoreInfo:
    """Load ``source`` (an RDF file, or N-Triples bytes) into a new store at ``directory``, all or nothing.

    ``syntax`` is a file extension or media type; by default it comes from the file name. An
    existing store at ``directory`` is replaced; any other non-empty directory is refused.
    """
    import pyoxigraph

    from mfgkg.atomic import replaceable, staged_directory

    directory = Path(directory)
    label = "graph" if isinstance(source, bytes) else str(source)
    fmt = pyoxigraph.RdfFormat.N_TRIPLES if isinstance(source, bytes) else _format(Path(source), syntax)
    if fmt == pyoxigraph.RdfFormat.RDF_XML:
        _refuse_declarations(Path(source))
    with staged_directory(directory, replaceable(MARKER, "`mfgkg load`")) as staging:
        store = pyoxigraph.Store(str(staging))
        try:
            if isinstance(source, bytes):
                store.bulk_load(input=source, format=fmt)
            elif fmt == pyoxigraph.RdfFormat.RDF_XML:
                store.bulk_extend(_bounded(pyoxigraph.parse(path=str(source), format=fmt), Path(source)))
            else:
                store.bulk_load(path=str(source), format=fmt)
            store.optimize()  # compacts the bulk-loaded files: queries read it two to three times faster
            triples = len(store)
        except SyntaxError as exc:
            raise StoreError(f"{label}: not valid {fmt.name} ({_first_line(exc)})") from None
        except (OSError, ValueError, MemoryError) as exc:
            raise StoreError(f"{label}: cannot load ({_first_line(exc)})") from None
        finally:
            del store  # closes the database, so the directory can be renamed and reopened
        found = StoreInfo(FORMAT, triples, Path(label).name, pyoxigraph.__version__, recorded_files(staging))
        (staging / MARKER).write_text(json.dumps(asdict(found), indent=1) + "\n", encoding="utf-8")
    return found


def _refuse_declarations(source: Path) -> None:
    """Refuse an RDF/XML file declaring a DOCTYPE or ENTITY, before any parser reads it."""
    overlap = b""
    try:
        with source.open("rb") as fh:
            while chunk := fh.read(SCAN_CHUNK):
                found = DECLARATION.search(overlap + chunk)
                if found:
                    kind = found.group(1).decode("ascii").upper()
                    raise StoreError(f"{source}: refused: RDF/XML with a <!{kind}> declaration "
                                     "(XML entities can expand without bound or read other files)")
                overlap = chunk[-32:]
    except OSError as exc:
        raise StoreError(f"{source}: cannot read ({exc.strerror or type(exc).__name__})") from None


def _bounded(quads: Iterator[pyoxigraph.Quad], source: Path) -> Iterator[pyoxigraph.Quad]:
    """The quads, stopping with :class:`StoreError` at the first term over :data:`MAX_TERM` bytes."""
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object):
            value = getattr(term, "value", "")
            if len(value) > MAX_TERM // 4 and len(value.encode("utf-8")) > MAX_TERM:
                raise StoreError(f"{source}: refused: a term of {len(value.encode('utf-8'))} bytes "
                                 f"(the limit is {MAX_TERM})")
        yield quad


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
