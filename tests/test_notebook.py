"""The analyst notebook runs top to bottom and shows the expected answers."""

from __future__ import annotations

import nbclient
import nbformat

from conftest import ROOT


def test_notebook_runs_and_answers():
    path = ROOT / "notebooks" / "who-funds-what.ipynb"
    notebook = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = []
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not any(o.output_type == "error" for o in cell.outputs), cell.source
            outputs.append("\n".join(str(o.get("text") or o.get("data", {}).get("text/plain", ""))
                                     for o in cell.outputs))
    assert outputs[0].startswith("16691 triples; 13 saved queries")
    assert "CESMII" in outputs[1] and "REMADE Institute" in outputs[1]
    assert "DOD    9" in outputs[2] and "DOE    7" in outputs[2] and "DOC    3" in outputs[2]
    assert "2022 objective 1.4  2022 objective 1.5  FederalAgency       3" in outputs[5]
    assert "FY2021" in outputs[7] and "2300" in outputs[7] and "FY2022" in outputs[7]
    assert any("image/png" in o.get("data", {}) for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
