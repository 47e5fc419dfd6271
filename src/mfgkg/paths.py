"""Where the project's inputs live: seeds/, ontology/ and queries/.

The three directories exist at the top of a source checkout, where people edit them, and inside
the installed package (``mfgkg/inputs/``), where the wheel ships a copy. A project directory on
disk wins, so an edit is seen at once; an installed wheel outside any project reads its own
copy, so ``pip install mfgkg`` works from any directory.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_ROOT = "MFGKG_ROOT"
PACKAGED = "inputs"


def is_project(directory: Path) -> bool:
    """Whether ``directory`` holds the data a graph is built from (seeds/ and ontology/)."""
    return (directory / "seeds").is_dir() and (directory / "ontology").is_dir()


def packaged_root() -> Path:
    """The copy of the inputs shipped inside the installed package."""
    from importlib import resources

    root = resources.files("mfgkg").joinpath(PACKAGED)
    if not isinstance(root, Path):
        raise RuntimeError("mfgkg must be installed as files on disk (not zipped) to find its data")
    return root


def project_root() -> Path:
    """The directory holding seeds/, ontology/ and queries/.

    In order: ``$MFGKG_ROOT``; the nearest project directory holding the working directory; the
    checkout this package runs from (an editable install); the data inside the installed package.
    """
    env = os.environ.get(ENV_ROOT)
    if env:
        return Path(env)
    here = Path.cwd().resolve()
    source = Path(__file__).resolve().parents[2]
    for candidate in (here, *here.parents, source):
        if is_project(candidate):
            return candidate
    return packaged_root()


def seeds_dir() -> Path:
    """Default seeds/ directory."""
    return project_root() / "seeds"


def ontology_dir() -> Path:
    """Default ontology/ directory."""
    return project_root() / "ontology"


def queries_dir() -> Path:
    """Default queries/ directory (the saved-query catalogue)."""
    return project_root() / "queries"
