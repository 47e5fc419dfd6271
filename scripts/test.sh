#!/usr/bin/env bash
# The full test run, from a fresh machine: set up (scripts/setup.sh), lint, then every test,
# including the slow reference-engine, browser and triple-store ones that the default
# `python -m pytest` loop leaves out. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
ruff check src tests benchmarks scripts
python -m pytest -m "" --durations=15 "$@"
