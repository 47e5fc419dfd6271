"""Build hook: fetch the explorer's browser libraries from the npm registry into the package.

The explorer page (``mfgkg export --format html``) inlines Cytoscape.js so that it opens offline
as one file. The library is not kept in this repository: ``package.json`` names it and
``package-lock.json`` pins its version and checksum. Building or installing mfgkg (``pip install
.``, ``pip install -e .``, ``pip wheel .``) runs this hook, which downloads each locked package's
tarball from the registry, checks it against the lock file's SHA-512, and writes the package's
browser build and its licence to ``src/mfgkg/publish/static/vendor/`` (ignored by git, carried
by the wheel). A library already there at the locked version is not fetched again; one
installed by ``npm ci`` in ``node_modules/`` is copied instead of downloaded.

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


def tarball(name: str, version: str, integrity: str) -> bytes:
    """The package's tarball from the registry, checked against the lock file's checksum."""
    url = f"{REGISTRY}/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            data = response.read()
    except OSError as exc:
        raise SystemExit(f"error: cannot fetch {name} {version} from {url}: {exc}") from exc
    algorithm, _, expected = integrity.partition("-")
    if base64.b64encode(hashlib.new(algorithm, data).digest()).decode() != expected:
        raise SystemExit(f"error: {url} does not match the checksum in package-lock.json")
    return data


def package_files(root: Path, name: str, version: str, integrity: str) -> dict[str, bytes]:
    """The package's files (paths inside the package) from node_modules/ or the registry."""
    installed = root / "node_modules" / name
    manifest = installed / "package.json"
    if manifest.is_file() and json.loads(manifest.read_text(encoding="utf-8")).get("version") == version:
        return {p.relative_to(installed).as_posix(): p.read_bytes() for p in installed.rglob("*") if p.is_file()}
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


def fetch(root: Path) -> list[Path]:
    """Make ``VENDOR`` hold each locked package at its locked version; return the files written."""
    vendor = root / VENDOR
    vendor.mkdir(parents=True, exist_ok=True)
    stamp_path = vendor / "versions.json"
    stamps = json.loads(stamp_path.read_text(encoding="utf-8")) if stamp_path.is_file() else {}
    written = []
    for name, entry in locked(root).items():
        script, licence = vendor / f"{name}.min.js", vendor / f"{name}.LICENSE"
        if stamps.get(name) == entry["version"] and script.is_file() and licence.is_file():
            continue
        code, licence_text = browser_build(name, package_files(root, name, entry["version"], entry["integrity"]))
        write_atomically(script, code)
        write_atomically(licence, licence_text)
        stamps[name] = entry["version"]
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
