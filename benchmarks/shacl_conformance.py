"""The W3C SHACL test suite on the compiled engine, pySHACL and pyshifty: verdicts per folder.

Run from the repository root:  python benchmarks/shacl_conformance.py [--suite DIR] [--list]

The suite is read from where `mfgkg.shapes.conformance.locate` finds it ($MFGKG_SHACL_TESTS, a
`w3c-shacl-tests` folder beside the checkout, or the copy `scripts/setup.sh` extracts from
pySHACL's source distribution into .venv/shacl-tests). Verdicts: pass, refused (the compiled
engine refuses the shapes by name), wrong (an answer that differs from the expected report),
error. With --list, every case that is not a pass is listed with its reason. Exits 1 when the
compiled engine gives a wrong answer.
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from collections import Counter
from pathlib import Path

from mfgkg.shapes.conformance import ENGINES, VERDICTS, locate, run

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", type=Path, default=None, help="the suite's tests/ folder")
    parser.add_argument("--list", action="store_true", help="list every case that is not a pass")
    args = parser.parse_args()
    suite = args.suite or locate(ROOT)
    if suite is None or not (suite / "manifest.ttl").is_file():
        print("error: no copy of the W3C SHACL test suite found; run bash scripts/setup.sh or set "
              "MFGKG_SHACL_TESTS", file=sys.stderr)
        return 2
    logging.disable(logging.WARNING)  # rdflib logs every ill-typed literal the suite holds on purpose
    warnings.simplefilter("ignore")
    outcomes = run(suite, ENGINES)
    folders = sorted({o.case.folder for o in outcomes})
    header = f"{'folder':24}" + "".join(f"{engine[:8] + ' ' + v:>17}" for engine in ENGINES for v in VERDICTS)
    print(f"suite: {suite}\n{len(outcomes) // len(ENGINES)} cases\n\n{header}")
    for folder in [*folders, None]:
        counts = Counter((o.engine, o.verdict) for o in outcomes if folder is None or o.case.folder == folder)
        print(f"{folder or 'all':24}" + "".join(f"{counts[(e, v)]:>17}" for e in ENGINES for v in VERDICTS))
    if args.list:
        print()
        for o in outcomes:
            if o.verdict != "pass":
                print(f"{o.engine:9} {o.verdict:8} {o.case.name}: {o.detail}")
    return 1 if any(o.engine == "oxigraph" and o.verdict == "wrong" for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
