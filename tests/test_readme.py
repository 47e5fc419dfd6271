"""README's worked examples are what the commands print today: each `$ mfgkg query ...` example is
run through the real entry point and the rows README shows must be the rows it gives, in order,
for the columns README keeps."""

from __future__ import annotations

import re
import shlex

import pytest

from conftest import ROOT
from test_cli import mfgkg

EXAMPLE = re.compile(r"```console\n\$ mfgkg (query [^\n]+)\n```\n\n((?:\|[^\n]*\n)+)")


def table(text: str) -> list[dict[str, str]]:
    """A Markdown table as one dict per row (cells unescaped, the separator row dropped)."""
    lines = [re.split(r"(?<!\\) \| ", line.strip()[2:-2]) for line in text.strip().splitlines()]
    header, rows = lines[0], lines[2:]
    return [{h: cell.replace("\\|", "|").strip() for h, cell in zip(header, row, strict=True)} for row in rows]


EXAMPLES = EXAMPLE.findall((ROOT / "README.md").read_text())


def test_readme_has_its_query_examples():
    assert [args.split()[1] for args, _ in EXAMPLES] == ["institutes", "metrics-by-year", "objective-path"]


@pytest.mark.parametrize(("args", "shown"), EXAMPLES, ids=[a.split()[1] for a, _ in EXAMPLES])
def test_readme_example_rows_are_what_the_command_prints(args, shown):
    result = mfgkg(*shlex.split(args))
    assert result.returncode == 0, result.stderr
    expected = table(shown)
    columns = list(expected[0])
    printed = [{c: row[c] for c in columns} for row in table(result.stdout)]
    assert printed == expected
