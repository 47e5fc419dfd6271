"""Persistent Oxigraph stores on disk: created whole from an RDF file, opened read-only.

A store directory holds Oxigraph's own files plus ``mfgkg-store.json`` (what was loaded, how
many triples). It is built in a staging directory beside its target and renamed into place with
the marker already inside, so a half-written store never has a name a reader would open, and
opening checks the marker first. Any number of processes may open a store read-only at once;
opening takes milliseconds whatever the graph's size, where loading N-Triples into memory
takes seconds per million triples.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mfgkg.errors import StoreError

if TYPE_CHECKING:
    import pyoxigraph

MARKER = "mfgkg-store.json"
FORMAT = 1  # of the marker and layout; a store of another format is refused, not misread


@dataclass(frozen=True)
class StoreInfo:
    """What a store's marker records."""

    format: int
    triples: int
    source: str
    pyoxigraph: str


def is_store(directory: Path) -> bool:
    """Whether ``directory`` is a complete store (its marker is written last, before the rename)."""
    return (Path(directory) / MARKER).is_file()


def info(directory: Path) -> StoreInfo:
    """The marker of the store at ``directory``; :class:`StoreError` if there is no complete store."""
    directory = Path(directory)
    if not directory.is_dir():
        raise StoreError(f"{directory}: not an mfgkg store (no such directory); create one with `mfgkg load`")
    try:
        recorded = json.loads((directory / MARKER).read_text(encoding="utf-8"))
        found = StoreInfo(**recorded)
    except FileNotFoundError:
        raise StoreError(f"{directory}: not an mfgkg store (no {MARKER}); create one with `mfgkg load`") from None
    except (OSError, ValueError, TypeError) as exc:
        raise StoreError(f"{directory}: unreadable store marker {MARKER} ({exc})") from None
    if found.format != FORMAT:
        raise StoreError(f"{directory}: store format {found.format}, this version reads {FORMAT}; "
                         "recreate it with `mfgkg load`")
    return found


def open_read_only(directory: Path) -> pyoxigraph.Store:
    """Open the store at ``directory`` for reading, alongside any other readers."""
    import pyoxigraph

    info(directory)
    try:
        return pyoxigraph.Store.read_only(str(directory))
    except OSError as exc:
        raise StoreError(f"{directory}: cannot open the store ({exc})") from None


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
    with staged_directory(directory, replaceable(MARKER, "`mfgkg load`")) as staging:
        store = pyoxigraph.Store(str(staging))
        try:
            if isinstance(source, bytes):
                store.bulk_load(input=source, format=fmt)
            else:
                store.bulk_load(path=str(source), format=fmt)
            store.optimize()  # compacts the bulk-loaded files: queries read it two to three times faster
            found = StoreInfo(FORMAT, len(store), Path(label).name, pyoxigraph.__version__)
        except SyntaxError as exc:
            raise StoreError(f"{label}: not valid {fmt.name} ({_first_line(exc)})") from None
        except (OSError, ValueError, MemoryError) as exc:
            raise StoreError(f"{label}: cannot load ({_first_line(exc)})") from None
        finally:
            del store  # closes the database, so the directory can be renamed and reopened
        (staging / MARKER).write_text(json.dumps(asdict(found), indent=1) + "\n", encoding="utf-8")
    return found


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
