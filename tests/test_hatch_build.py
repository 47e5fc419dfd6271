"""The build hook accepts no copy of a browser library it has not checked: npm's cached tarball
only with the lock file's SHA-512, a vendored copy only with the SHA-256 recorded when it was
written, and files unpacked in node_modules/ never."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import shutil
import tarfile

import pytest

from conftest import ROOT

spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
hook = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hook)


def package(script: bytes) -> bytes:
    """A tarball laid out as npm's: package.json naming the browser build, the build, a licence."""
    files = {"package/package.json": json.dumps({"name": "cytoscape", "unpkg": "dist/c.min.js"}).encode(),
             "package/dist/c.min.js": script, "package/LICENSE": b"MIT licence text"}
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project directory locking one package, with an empty npm cache and no network."""
    good = package(b"/* the real build */")
    (tmp_path / "package-lock.json").write_text(json.dumps({"packages": {
        "": {"dependencies": {"cytoscape": "3.0.0"}},
        "node_modules/cytoscape": {"version": "3.0.0", "integrity": integrity(good)}}}))
    monkeypatch.setenv("NPM_CONFIG_CACHE", str(tmp_path / "npm-cache"))
    downloads: list[str] = []

    def download(url: str) -> bytes:
        downloads.append(url)
        return good

    monkeypatch.setattr(hook, "download", download)
    return tmp_path, good, downloads


def cache_entry(root, data: bytes, claimed: bytes) -> None:
    """Put ``data`` into npm's content-addressed cache under the address of ``claimed``."""
    digest = hashlib.sha512(claimed).hexdigest()
    path = root / "npm-cache" / "_cacache" / "content-v2" / "sha512" / digest[:2] / digest[2:4] / digest[4:]
    path.parent.mkdir(parents=True)
    path.write_bytes(data)


def script(root) -> bytes:
    return (root / hook.VENDOR / "cytoscape.min.js").read_bytes()


def test_a_tampered_node_modules_copy_is_never_used(project):
    root, _, downloads = project
    installed = root / "node_modules" / "cytoscape"
    (installed / "dist").mkdir(parents=True)
    (installed / "package.json").write_text(json.dumps({"name": "cytoscape", "version": "3.0.0",
                                                        "unpkg": "dist/c.min.js"}))
    (installed / "dist" / "c.min.js").write_bytes(b"/* planted */")
    (installed / "LICENSE").write_bytes(b"MIT")
    hook.fetch(root)
    assert script(root) == b"/* the real build */" and len(downloads) == 1


def test_npms_cached_tarball_is_used_only_when_it_matches_the_lock(project):
    root, good, downloads = project
    cache_entry(root, package(b"/* planted */"), claimed=good)
    hook.fetch(root)
    assert script(root) == b"/* the real build */" and len(downloads) == 1
    shutil.rmtree(root / "npm-cache")
    shutil.rmtree(root / hook.VENDOR)
    cache_entry(root, good, claimed=good)
    hook.fetch(root)
    assert script(root) == b"/* the real build */" and len(downloads) == 1  # no second download


def test_a_vendored_copy_that_changed_is_fetched_again(project):
    root, _, downloads = project
    assert len(hook.fetch(root)) == 2 and hook.fetch(root) == []
    (root / hook.VENDOR / "cytoscape.min.js").write_bytes(b"/* edited */")
    assert len(hook.fetch(root)) == 2 and script(root) == b"/* the real build */" and len(downloads) == 2


def test_a_download_that_does_not_match_the_lock_is_refused(project, monkeypatch):
    root, _, _ = project
    monkeypatch.setattr(hook, "download", lambda url: package(b"/* planted */"))
    with pytest.raises(SystemExit, match=r"does not match the checksum in package-lock\.json"):
        hook.fetch(root)
    assert not (root / hook.VENDOR / "cytoscape.min.js").exists()
