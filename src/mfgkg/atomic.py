"""Outputs that appear whole or not at all, and the leftovers of runs killed while writing them.

A directory is built in a staging directory beside its target and swapped into place in one
step, so a reader never sees a half-written site or store, nor a moment with nothing under the
name. Files are written to temporary files beside their targets and then renamed. Every
temporary name is ``.mfgkg-<pid>-<target name>.<random>.tmp`` (``.old`` for a replaced
directory on its way out), so the next run can tell the leftovers of a killed run (their
process is gone) from the work of a run still going, and remove them.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from mfgkg.errors import MfgkgError

LEFTOVER = re.compile(r"^\.mfgkg-(?P<pid>\d+)-(?P<rest>.+)\.(?P<kind>tmp|old)$")
MARKER_LIMIT = 1 << 20  # bytes; markers, manifests and kept headers are a few kilobytes at most


def _prefix(name: str) -> str:
    """How this process's temporary names for ``name`` start (see :data:`LEFTOVER`)."""
    return f".mfgkg-{os.getpid()}-{name}."


def temporary_directory(parent: Path, name: str, kind: str = "tmp") -> Path:
    """A new empty directory in ``parent`` for building ``name``, named as a leftover of this process would be."""
    return Path(tempfile.mkdtemp(prefix=_prefix(name), suffix=f".{kind}", dir=parent))


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists (a process of another user counts)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _remove(path: Path) -> None:
    """Remove a file, or a directory with all it holds (a link is removed, never followed)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with suppress(FileNotFoundError):
            path.unlink()


def clean_leftovers(directory: Path, name: str | None = None) -> None:
    """Remove from ``directory`` the temporary files and directories of runs that were killed
    (for target ``name`` only, if given); a run still going keeps its own.

    A killed run may have moved a directory aside and not yet put the new one in its place: the
    old one is then put back under its name instead of being removed.
    """
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        found = LEFTOVER.match(entry.name)
        if not found or (name is not None and not found["rest"].startswith(f"{name}.")):
            continue
        if _running(int(found["pid"])):
            continue
        path = Path(entry.path)
        if found["kind"] == "old" and entry.is_dir(follow_symlinks=False):
            for aside in list(path.iterdir()):
                if not os.path.lexists(Path(directory) / aside.name):
                    with suppress(OSError):  # then it goes with the rest: the next run writes it anew
                        os.replace(aside, Path(directory) / aside.name)
        _remove(path)


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading in binary; an ``OSError`` unless it is a regular file.

    A FIFO, device, socket or symbolic link is never opened (opening a FIFO would wait for a
    writer forever); the check is made again on the open file, in case the path was swapped.
    """
    if not stat.S_ISREG(os.lstat(path).st_mode):
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fh = os.fdopen(os.open(path, flags), "rb")
    if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
        fh.close()
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return fh


def read_marker(path: Path, limit: int = MARKER_LIMIT) -> bytes:
    """The bytes of the small regular file ``path`` (see :func:`open_regular`); an ``OSError`` if it
    is anything else or over ``limit`` bytes."""
    with open_regular(path) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"over {limit} bytes", str(path))
    return data


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


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``).

    False, with nothing changed, where the system or the file system cannot.
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _put_in_place(staging: Path, out: Path) -> None:
    """Put the directory ``staging`` at ``out``; an existing ``out`` ends up in ``staging``, or is removed."""
    if not os.path.lexists(out):
        os.replace(staging, out)
        return
    if stat.S_ISDIR(os.lstat(out).st_mode) and exchange(staging, out):
        return
    old = temporary_directory(out.absolute().parent, out.name, "old")
    try:
        os.replace(out, old / out.name)
        try:
            os.replace(staging, out)
        except BaseException:
            os.replace(old / out.name, out)
            raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def staged_directory(out: Path, check: Callable[[Path], None] = lambda out: None) -> Iterator[Path]:
    """Yield an empty staging directory beside ``out``; when the block ends normally, put it in ``out``'s place.

    ``check(out)`` runs before and again just before the swap, to refuse a target that is not ours
    to replace. An existing ``out`` is swapped out in the same step where the system allows it
    (else moved aside just before) and removed once the new one is in place; on any failure the
    staging directory is removed and the old ``out`` is left as it was. Leftovers of killed runs
    for the same target are cleaned first.
    """
    out = Path(out)
    check(out)
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(parent, out.name)
    staging = temporary_directory(parent, out.name)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)
        yield staging
        check(out)  # again: something may have appeared there while the directory was built
        _put_in_place(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_atomic(files: Mapping[Path, str | bytes | Iterable[str]]) -> None:
    """Write several files so that either all are replaced or none is.

    Each file is written to a temporary file in its target directory first; only when every
    write succeeded are they renamed into place, one by one. Files get the usual permissions
    (0666 less the umask), not the private ones temporary files start with. A file's content
    may be an iterable of text pieces, written as they come, so a large file never has to be
    held whole in memory. Leftovers of killed runs for the same targets are cleaned first.
    """
    staged: list[tuple[Path, Path]] = []
    umask = os.umask(0)
    os.umask(umask)
    try:
        for target, content in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            clean_leftovers(target.parent, target.name)
            fd, tmp = tempfile.mkstemp(prefix=_prefix(target.name), suffix=".tmp", dir=target.parent)
            staged.append((Path(tmp), target))
            os.chmod(tmp, 0o666 & ~umask)
            if isinstance(content, bytes):
                with os.fdopen(fd, "wb") as raw:
                    raw.write(content)
            else:
                with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                    fh.writelines([content] if isinstance(content, str) else content)
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            if os.path.lexists(tmp):
                tmp.unlink()
