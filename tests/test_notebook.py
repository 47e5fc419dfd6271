"""The analyst notebook runs top to bottom, shows the expected answers, and its committed outputs
(what a code host shows) are the ones it gives today."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "who-funds-what.ipynb"

# Its tests share one module fixture: keep them on one test worker so it is built once.
pytestmark = pytest.mark.xdist_group("notebook")


def texts(path: Path) -> list[str]:
    """The text of each code cell's outputs (streams and text/plain), failing on any error output."""
    out = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            assert not any(o.output_type == "error" for o in cell.outputs), cell.source
            out.append("\n".join(str(o.get("text") or o.get("data", {}).get("text/plain", "")) for o in cell.outputs))
    return out


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The notebook re-run through the repository's regeneration script."""
    out = tmp_path_factory.mktemp("notebook") / "executed.ipynb"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "notebook.py"), "--out", str(out)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return out


def test_notebook_runs_and_answers(executed, kg):
    outputs = texts(executed)
    assert outputs[0].startswith(f"{len(kg)} triples; {len(kg.queries)} saved queries")
    assert "CESMII" in outputs[1] and "REMADE Institute" in outputs[1]
    assert "940900000" in outputs[2] and "at least" in outputs[2]  # the ledger's DoD total
    assert "combines federal and non-federal money" in outputs[3]  # Ohio's $322M AFRL agreement
    assert "DoD    9" in outputs[4] and "DOE    7" in outputs[4] and "DOC    3" in outputs[4]
    assert "2022 objective 1.4  2022 objective 1.5  FederalAgency       3" in outputs[7]
    assert "FY2021" in outputs[9] and "2300" in outputs[9] and "FY2022" in outputs[9]
    cells = nbformat.read(executed, as_version=4).cells
    assert any("image/png" in o.get("data", {}) for c in cells if c.cell_type == "code" for o in c.outputs)


def test_committed_outputs_are_current(executed):
    assert texts(NOTEBOOK) == texts(executed), "stale outputs: run `python scripts/notebook.py` and commit"
