"""The wheel works outside any checkout: it carries seeds/, ontology/ and queries/ as package data
and answers exactly as the checkout does.

The wheel is built offline from this checkout (hatchling comes with the dev extra) and installed
into a new virtual environment that borrows the test environment's dependencies through a .pth
file, so nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import ROOT
from test_cli import mfgkg as run_checkout

# Its tests share one module fixture: keep them on one test worker so it is built once.
pytestmark = pytest.mark.xdist_group("wheel")


def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run a command; its standard output, or a failure showing what it printed."""
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
    return result.stdout


def files(root: Path, *names: str) -> set[str]:
    """Paths of the files under ``root`` (or its subdirectories ``names``), caches left out."""
    found = (p for name in names or (".",) for p in (root / name).rglob("*") if p.is_file())
    return {p.relative_to(root).as_posix() for p in found if "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment holding the wheel built from this checkout; returns its bin/."""
    root = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir",
        root / "dist", ROOT)
    [wheel] = (root / "dist").glob("mfgkg-*.whl")
    run(sys.executable, "-m", "venv", "--without-pip", root / "venv")
    python = root / "venv" / "bin" / "python"
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    borrowed = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (purelib / "borrowed-dependencies.pth").write_text("".join(f"{path}\n" for path in borrowed))
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel)
    return python.parent


@pytest.fixture()
def elsewhere(tmp_path: Path) -> dict[str, str | Path]:
    """An unrelated working directory and an environment with its own cache and no project root."""
    env = {k: v for k, v in os.environ.items() if k != "MFGKG_ROOT"}
    env["MFGKG_CACHE"] = str(tmp_path / "cache")
    (tmp_path / "work").mkdir()
    return {"cwd": tmp_path / "work", "env": env}


def test_the_installed_package_reads_its_own_data(venv, elsewhere):
    where = run(venv / "python", "-c", "import mfgkg, mfgkg.paths as p; print(mfgkg.__file__); print(p.seeds_dir())",
                cwd=elsewhere["cwd"], env=elsewhere["env"]).split()
    package = Path(where[0]).parent
    assert package.is_relative_to(venv.parent)
    assert Path(where[1]) == package / "inputs" / "seeds"
    assert files(package / "inputs") == files(ROOT, "seeds", "ontology", "queries")


def test_build_validate_query_and_export_answer_as_the_checkout(venv, elsewhere, tmp_path):
    cwd, env = elsewhere["cwd"], elsewhere["env"]
    installed = str(venv / "mfgkg")
    run(installed, "build", "--out", "out", cwd=cwd, env=env)
    assert run_checkout("build", "--out", str(tmp_path / "checkout")).returncode == 0
    for name in ("mfgkg.nt", "mfgkg.ttl", "mfgkg.jsonld"):
        assert (cwd / "out" / name).read_bytes() == (tmp_path / "checkout" / name).read_bytes(), name

    brief = cwd / "brief.md"
    brief.write_text("America Makes is based in Youngstown, Ohio, and works on additive manufacturing.\n")
    commands = [["validate"], ["query", "institutes", "-p", "agency=DOE", "--format", "csv"],
                ["check", str(brief), "--format", "json"]]
    for args in commands:
        assert run(installed, *args, cwd=cwd, env=env) == run_checkout(*args).stdout, args
    assert "PowerAmerica" in run(installed, *commands[1], cwd=cwd, env=env)
    assert [f["verdict"] for f in json.loads(run(installed, *commands[2], cwd=cwd, env=env))] == ["supported"] * 2

    run(installed, "export", "--format", "graphml", "--out", "funding.graphml", cwd=cwd, env=env)
    assert run_checkout("export", "--format", "graphml", "--out", str(tmp_path / "funding.graphml")).returncode == 0
    assert (cwd / "funding.graphml").read_bytes() == (tmp_path / "funding.graphml").read_bytes()


def test_the_wheel_carries_the_explorer_library(venv, elsewhere, tmp_path):
    """The browser library fetched at build time travels in the wheel, with its licence, and the
    installed explorer page is the checkout's, byte for byte."""
    package = Path(run(venv / "python", "-c", "import mfgkg; print(mfgkg.__file__)",
                       cwd=elsewhere["cwd"], env=elsewhere["env"]).strip()).parent
    vendor = package / "publish" / "static" / "vendor"
    assert {"cytoscape.min.js", "cytoscape.LICENSE"} <= {p.name for p in vendor.iterdir()}
    assert "Permission is hereby granted" in (vendor / "cytoscape.LICENSE").read_text()  # the MIT licence
    run(venv / "mfgkg", "export", "--format", "html", "--view", "plan", "--out", "plan.html",
        cwd=elsewhere["cwd"], env=elsewhere["env"])
    checkout = run_checkout("export", "--format", "html", "--view", "plan", "--out", str(tmp_path / "plan.html"))
    assert checkout.returncode == 0, checkout.stderr
    assert (elsewhere["cwd"] / "plan.html").read_bytes() == (tmp_path / "plan.html").read_bytes()
