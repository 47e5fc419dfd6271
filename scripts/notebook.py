"""Re-run the analyst notebook and save it with its outputs, so it reads on a code host.

    python scripts/notebook.py               # notebooks/who-funds-what.ipynb, rewritten in place
    python scripts/notebook.py --out FILE    # the executed copy written to FILE instead

Needs the dev extra (nbclient, ipykernel). The file is replaced only once every cell has run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbclient
import nbformat

from mfgkg.data.serialize import write_atomic

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "who-funds-what.ipynb"


def execute(source: Path, target: Path) -> None:
    """Run every cell of ``source`` (in its own directory) and write the result to ``target`` atomically."""
    notebook = nbformat.read(source, as_version=4)
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(source.parent)}}).execute()
    write_atomic({target: nbformat.writes(notebook) + "\n"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=NOTEBOOK, help="where to write the executed notebook")
    args = parser.parse_args()
    try:
        execute(NOTEBOOK, args.out)
    except nbclient.exceptions.CellExecutionError as exc:
        print(f"error: {NOTEBOOK.name}: a cell failed: {str(exc).strip().splitlines()[-1]}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
