#!/usr/bin/env bash
# Set up a checkout for development and tests on Debian: the programs the tests drive, from
# Debian's packages, and a virtual environment .venv holding mfgkg (editable) with its dev extra.
# Run as root or as a user with sudo. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian package -> the program the tests look for: Virtuoso (the triple store the tests start
# and stop), curl (its start-up check), Chromium (browser tests), Graphviz (SVG export).
declare -A PROGRAM=([virtuoso-opensource]=virtuoso-t [curl]=curl [chromium]=chromium [graphviz]=dot)

missing=()
for package in "${!PROGRAM[@]}"; do
    command -v "${PROGRAM[$package]}" >/dev/null || missing+=("$package")
done
# Debian's own Python makes virtual environments only with python3-venv (which brings ensurepip).
python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        as_root=()
    elif command -v sudo >/dev/null; then
        as_root=(sudo)
    else
        echo "error: installing ${missing[*]} needs root or sudo" >&2
        exit 1
    fi
    echo "installing from Debian: ${missing[*]}" >&2
    "${as_root[@]}" apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'

# The W3C SHACL test suite, for the conformance runs (benchmarks/shacl_conformance.py): the copy
# pySHACL's source distribution on PyPI carries (published by W3C under its test-suite licence),
# extracted into .venv/shacl-tests; never into the repository.
if [ ! -f .venv/shacl-tests/manifest.ttl ]; then
    version=$(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("pyshacl"))')
    download=$(mktemp -d)
    .venv/bin/python -m pip download --quiet --no-deps --no-binary :all: "pyshacl==$version" -d "$download"
    .venv/bin/python - "$download" <<'PY'
import pathlib, shutil, sys, tarfile
download = pathlib.Path(sys.argv[1])
with tarfile.open(next(download.glob("pyshacl-*.tar.gz"))) as archive:
    if hasattr(tarfile, "data_filter"):
        archive.extractall(download, filter="data")
    else:  # Pythons before 3.11.4 (Debian 12's 3.11.2) lack extraction filters: allow plain files only
        members = [m for m in archive.getmembers() if m.isfile() or m.isdir()]
        if any(m.name.startswith("/") or ".." in pathlib.PurePosixPath(m.name).parts for m in members):
            sys.exit("error: the pySHACL archive holds a path outside its directory")
        archive.extractall(download, members=members)
source = next(download.glob("pyshacl-*/test/resources/sht_tests"))
target = pathlib.Path(".venv/shacl-tests")
shutil.rmtree(target, ignore_errors=True)
shutil.copytree(source, target)
PY
    rm -rf "$download"
fi
