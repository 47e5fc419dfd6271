"""Where the project's inputs live: seeds/, ontology/ and queries/."""

from __future__ import annotations

import os
from pathlib import Path

ENV_ROOT = "MFGKG_ROOT"


def project_root() -> Path:
    """The directory holding seeds/ and ontology/.

    Taken from $MFGKG_ROOT if set, else the nearest parent of the working directory that has
    both, else the source checkout this package was installed from.
    """
    env = os.environ.get(ENV_ROOT)
    if env:
        return Path(env)
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "seeds").is_dir() and (candidate / "ontology").is_dir():
            return candidate
    return Path(__file__).resolve().parents[2]


def seeds_dir() -> Path:
    """Default seeds/ directory."""
    return project_root() / "seeds"


def ontology_dir() -> Path:
    """Default ontology/ directory."""
    return project_root() / "ontology"


def queries_dir() -> Path:
    """Default queries/ directory (the saved-query catalogue)."""
    return project_root() / "queries"
