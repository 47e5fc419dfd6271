"""Directories that appear whole or not at all: built in a staging directory beside the target,
then renamed into place, so a reader never sees a half-written site or store."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from mfgkg.errors import MfgkgError


def replaceable(marker: str, writer: str) -> Callable[[Path], None]:
    """A check refusing an ``out`` that is a file, or a non-empty directory without ``marker``
    (so not written by ``writer``, and not ours to replace)."""
    def check(out: Path) -> None:
        if out.exists() and not out.is_dir():
            raise MfgkgError(f"{out}: exists and is not a directory")
        above = next((p for p in out.absolute().parents if p.exists()), None)
        if above is not None and not above.is_dir():
            raise MfgkgError(f"{out}: {above} is not a directory")
        if out.is_dir() and any(out.iterdir()) and not (out / marker).is_file():
            raise MfgkgError(f"{out}: a non-empty directory not written by {writer}; choose another")
    return check


@contextmanager
def staged_directory(out: Path, check: Callable[[Path], None] = lambda out: None) -> Iterator[Path]:
    """Yield an empty staging directory beside ``out``; when the block ends normally, put it in ``out``'s place.

    ``check(out)`` runs before and again just before the swap, to refuse a target that is not ours
    to replace. An existing ``out`` is moved aside first and removed only after the new one is in
    place; on any failure the staging directory is removed and the old ``out`` is left as it was.
    """
    out = Path(out)
    check(out)
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent))
    old: Path | None = None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)
        yield staging
        check(out)  # again: something may have appeared there while the directory was built
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=parent))
            os.replace(out, old / out.name)
        os.replace(staging, out)
    except BaseException:
        if old is not None and (old / out.name).exists() and not out.exists():
            os.replace(old / out.name, out)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
