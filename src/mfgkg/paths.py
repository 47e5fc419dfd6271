"""Where the project's inputs live: seeds/, ontology/ and queries/.

The three directories exist at the top of a source checkout, where people edit them, and inside
the installed package (``mfgkg/inputs/``), where the wheel ships a copy. A project directory
named (``--root``, ``$MFGKG_ROOT``) or worked in wins, so an edit is seen at once; anywhere else
the installed copy is read, so ``pip install mfgkg`` works from any directory. Directories above
the working directory are never searched: a shared parent (``/tmp``, a home directory) could
otherwise supply the seeds, ontology and saved queries of every command run below it.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_ROOT = "MFGKG_ROOT"
PACKAGED = "inputs"

_chosen: Path | None = None


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


def use_root(root: Path | None) -> None:
    """Read the inputs from ``root`` for the rest of this process (the command line's ``--root``);
    None goes back to the default order of :func:`project_root`."""
    global _chosen
    _chosen = Path(root) if root is not None else None


def _checkout() -> Path | None:
    """The source checkout this package runs from (an editable install), if it is one."""
    package = Path(__file__).resolve().parent
    source = package.parents[1]
    return source if package.parent.name == "src" and is_project(source) else None


def project_root() -> Path:
    """The directory holding seeds/, ontology/ and queries/.

    In order: the root given to :func:`use_root`; ``$MFGKG_ROOT``; the working directory itself,
    if it holds seeds/ and ontology/; the checkout this package runs from (an editable install);
    the data inside the installed package. Never a parent of the working directory.
    """
    if _chosen is not None:
        return _chosen
    env = os.environ.get(ENV_ROOT)
    if env:
        return Path(env)
    here = Path.cwd()
    if is_project(here):
        return here
    return _checkout() or packaged_root()


def seeds_dir() -> Path:
    """Default seeds/ directory."""
    return project_root() / "seeds"


def ontology_dir() -> Path:
    """Default ontology/ directory."""
    return project_root() / "ontology"


def queries_dir() -> Path:
    """Default queries/ directory (the saved-query catalogue)."""
    return project_root() / "queries"
