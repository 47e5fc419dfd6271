"""Build hook: fetch the explorer's browser libraries from the npm registry into the package.

The explorer page (``mfgkg export --format html``) inlines Cytoscape.js so that it opens offline
as one file. The library is not kept in this repository: ``package.json`` names it and
``package-lock.json`` pins its version and checksum. Building or installing mfgkg (``pip install
.``, ``pip install -e .``, ``pip wheel .``) runs this hook, which downloads each locked package's
tarball from the registry, checks it against the lock file's SHA-512, and writes the package's
browser build and its licence to ``src/mfgkg/publish/static/vendor/`` (ignored by git, carried
by the wheel). Every copy is checked before it is used: a library already in ``vendor/`` is kept
only if its bytes match the SHA-256 recorded when it was written, and a tarball already in npm's
content-addressed cache (after ``npm ci``) is used instead of a download only if it matches the
lock file's SHA-512. Files unpacked in ``node_modules/`` are never trusted: nothing records what
they should hold.

Run ``python hatch_build.py`` to fetch them without building. Only the standard library is used:
the hook runs in pip's isolated build environment.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

REGISTRY = os.environ.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org").rstrip("/")
VENDOR = Path("src/mfgkg/publish/static/vendor")
LICENCE_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "license")


def locked(root: Path) -> dict[str, dict[str, str]]:
    """Package name -> its ``version`` and ``integrity`` from package-lock.json (direct dependencies)."""
    lock = json.loads((root / "package-lock.json").read_text(encoding="utf-8"))
    wanted = lock["packages"][""].get("dependencies", {})
    return {name: lock["packages"][f"node_modules/{name}"] for name in wanted}


def matches(data: bytes, integrity: str) -> bool:
    """Whether ``data`` has the lock file's checksum (``sha512-BASE64``)."""
    algorithm, _, expected = integrity.partition("-")
    return base64.b64encode(hashlib.new(algorithm, data).digest()).decode() == expected


def cached_tarball(integrity: str) -> bytes | None:
    """The tarball from npm's content-addressed cache, if it is there and matches ``integrity``."""
    algorithm, _, expected = integrity.partition("-")
    digest = base64.b64decode(expected).hex()
    cache = Path(os.environ.get("NPM_CONFIG_CACHE") or Path.home() / ".npm")
    path = cache / "_cacache" / "content-v2" / algorithm / digest[:2] / digest[2:4] / digest[4:]
    if not path.is_file():
        return None
    data = path.read_bytes()
    return data if matches(data, integrity) else None


def download(url: str) -> bytes:
    """The bytes at ``url`` from the registry."""
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.read()
    except OSError as exc:
        raise SystemExit(f"error: cannot fetch {url}: {exc}") from exc


def tarball(name: str, version: str, integrity: str) -> bytes:
    """The package's tarball, from npm's cache or the registry, checked against the lock file's checksum."""
    cached = cached_tarball(integrity)
    if cached is not None:
        return cached
    url = f"{REGISTRY}/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"
    data = download(url)
    if not matches(data, integrity):
        raise SystemExit(f"error: {url} does not match the checksum in package-lock.json")
    return data


def package_files(name: str, version: str, integrity: str) -> dict[str, bytes]:
    """The package's files (paths inside the package), from its checked tarball."""
    files = {}
    with tarfile.open(fileobj=io.BytesIO(tarball(name, version, integrity)), mode="r:gz") as archive:
        for member in archive.getmembers():
            extracted = archive.extractfile(member) if member.isfile() else None
            if extracted is not None:
                files[member.name.split("/", 1)[1]] = extracted.read()
    return files


def browser_build(name: str, files: dict[str, bytes]) -> tuple[bytes, bytes]:
    """The package's minified browser script (its ``unpkg`` or ``jsdelivr`` entry) and licence text."""
    meta = json.loads(files["package.json"])
    entry = meta.get("unpkg") or meta.get("jsdelivr")
    if not entry or entry.removeprefix("./") not in files:
        raise SystemExit(f"error: npm package {name} names no browser build (unpkg or jsdelivr field)")
    licence = next((files[n] for n in LICENCE_NAMES if n in files), None)
    if licence is None:
        raise SystemExit(f"error: npm package {name} carries no licence file")
    return files[entry.removeprefix("./")], licence


def write_atomically(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
        handle.write(data)
    os.chmod(handle.name, 0o644)
    os.replace(handle.name, path)


def sha256(path: Path) -> str | None:
    """The file's SHA-256, or None if it is not a regular file."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() and not path.is_symlink() else None


def fetch(root: Path) -> list[Path]:
    """Make ``VENDOR`` hold each locked package at its locked version; return the files written."""
    vendor = root / VENDOR
    vendor.mkdir(parents=True, exist_ok=True)
    stamp_path = vendor / "versions.json"
    stamps = json.loads(stamp_path.read_text(encoding="utf-8")) if stamp_path.is_file() else {}
    written = []
    for name, entry in locked(root).items():
        script, licence = vendor / f"{name}.min.js", vendor / f"{name}.LICENSE"
        stamp = stamps.get(name)
        if (isinstance(stamp, dict) and stamp.get("version") == entry["version"]
                and stamp.get("script") == sha256(script) and stamp.get("licence") == sha256(licence)):
            continue
        code, licence_text = browser_build(name, package_files(name, entry["version"], entry["integrity"]))
        write_atomically(script, code)
        write_atomically(licence, licence_text)
        stamps[name] = {"version": entry["version"], "script": hashlib.sha256(code).hexdigest(),
                        "licence": hashlib.sha256(licence_text).hexdigest()}
        written += [script, licence]
    write_atomically(stamp_path, json.dumps(stamps, indent=1, sort_keys=True).encode())
    return written


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # run as a script, outside a build
    BuildHookInterface = object  # type: ignore[assignment,misc]


class BrowserLibrariesHook(BuildHookInterface):  # type: ignore[misc,valid-type]
    """Fetch the locked browser libraries before hatchling collects the package's files."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        fetch(Path(self.root))


if __name__ == "__main__":
    for path in fetch(Path(__file__).resolve().parent):
        print(f"wrote {path}", file=sys.stderr)
