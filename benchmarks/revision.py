"""A module of this repository as it was at a git revision, for benchmarks that compare an old
implementation with the current one side by side in one run."""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The last revision whose SPARQL lexer and name matcher are the originals (the quadratic lexer,
# difflib matching): the "before" of guard_lexer.py and name_resolution.py.
BEFORE = "0bd2dd25441f217774ee91a91ac35c944a5cc278"


def module_at(revision: str, path: str, name: str) -> types.ModuleType | None:
    """The file ``path`` (relative to the repository root) at ``revision``, imported as module
    ``name``; None if git or the revision is not available (say, outside a clone)."""
    try:
        source = subprocess.run(["git", "show", f"{revision}:{path}"], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType(name)
    module.__file__ = f"{path}@{revision[:12]}"
    sys.modules[name] = module  # dataclasses look their module up while the code runs
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def parser(description: str, runs: int, before_runs: int) -> argparse.ArgumentParser:
    """The options every before/after benchmark takes: repetitions now and before, and the revision."""
    parsed = argparse.ArgumentParser(description=description)
    parsed.add_argument("--runs", type=int, default=runs, help=f"repetitions per measurement (default {runs})")
    parsed.add_argument("--before-runs", type=int, default=before_runs,
                        help=f"repetitions of the original implementation (default {before_runs})")
    parsed.add_argument("--before", default=BEFORE, help="git revision of the original implementation")
    return parsed


def machine() -> str:
    """One line naming the machine the figures come from."""
    return (f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")
