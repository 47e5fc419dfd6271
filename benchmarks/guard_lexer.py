"""CPU time of the SPARQL lexer the query guard runs in the server process, on adversarial text
(runs of one short unit, such as `a.a.a.` or an unclosed escaped string) at 4, 32 and 64 KB, and
on the saved queries; the current lexer beside the original one (--before, a git revision).

Run from the repository root:  python benchmarks/guard_lexer.py [--runs N] [--before-runs N] [--before-max-kb N]

Figures are medians of process CPU time, measured side by side in one run. Linear time shows as
a 64 KB / 4 KB ratio near 16 and a 32 KB / 4 KB ratio near 8; quadratic time as 256 and 64. The
original lexer is only run up to --before-max-kb (it takes minutes at 64 KB). Target: every
adversarial input lexed linearly, 32 KB in well under 0.1 s.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from revision import machine, module_at, parser

from mfgkg.query import sparql_lexer

ROOT = Path(__file__).resolve().parents[1]
UNITS = ("a.", "a-", ":a.", "_:a.", "é", "'\\", '"\\', "'''\\", "'", "\\", "<a", "#", "1.", "?a", "a:", "SERVICE ")
SIZES_KB = (4, 32, 64)


def adversarial(unit: str, kb: int) -> str:
    """An ASK query whose group is ``unit`` repeated to ``kb`` kilobytes of text."""
    size = kb * 1024
    return "ASK { " + (unit * (size // len(unit) + 1))[:size] + " }"


def cpu_ms(tokens: Callable[[str], Iterable[object]], text: str, runs: int) -> float:
    """Median CPU milliseconds to list every token of ``text``."""
    spent = []
    for _ in range(runs):
        start = time.process_time()
        for _ in tokens(text):
            pass
        spent.append((time.process_time() - start) * 1000)
    return statistics.median(spent)


def main() -> None:
    options = parser(__doc__.splitlines()[0], runs=5, before_runs=1)
    options.add_argument("--before-max-kb", type=int, default=32,
                         help="largest input for the original lexer (default 32)")
    args = options.parse_args()

    print(machine())
    before = module_at(args.before, "src/mfgkg/query/sparql_lexer.py", "sparql_lexer_before")
    if before is None:
        print(f"(revision {args.before} not available: the original lexer is left out)")
    old_sizes = tuple(kb for kb in SIZES_KB if kb <= args.before_max_kb)

    print(f"\nadversarial input, median CPU ms (now: {args.runs} runs; before: {args.before_runs})")
    now_head = "".join(f"{f'{kb} KB':>9}" for kb in SIZES_KB)
    old_head = "".join(f"{f'{kb} KB':>10}" for kb in old_sizes)
    print(f"  {'unit':10}{now_head}{'64/4':>7}   | before{old_head}{f'{old_sizes[-1]}/4':>8}")
    for unit in UNITS:
        now = [cpu_ms(sparql_lexer.tokens, adversarial(unit, kb), args.runs) for kb in SIZES_KB]
        row = f"  {unit!r:10}" + "".join(f"{ms:9.1f}" for ms in now) + f"{now[-1] / max(now[0], 1e-3):7.1f}   |       "
        if before is not None:
            old = [cpu_ms(before.tokens, adversarial(unit, kb), args.before_runs) for kb in old_sizes]
            row += "".join(f"{ms:10.1f}" for ms in old) + f"{old[-1] / max(old[0], 1e-3):8.1f}"
        print(row)

    saved = "\n".join(path.read_text(encoding="utf-8") for path in sorted((ROOT / "queries").rglob("*.rq")))
    now_ms = cpu_ms(sparql_lexer.tokens, saved, args.runs * 4)
    line = f"\nevery saved query ({len(saved) / 1024:.0f} KB of SPARQL), median CPU ms: now {now_ms:.1f}"
    if before is not None:
        old_ms = cpu_ms(before.tokens, saved, args.runs * 4)
        same = [(t.kind, t.text, t.start) for t in before.tokens(saved)] == [
            (t.kind, t.text, t.start) for t in sparql_lexer.tokens(saved)]
        line += f", before {old_ms:.1f} ({now_ms / old_ms:.2f}x); same tokens: {same}"
    print(line)


if __name__ == "__main__":
    main()
