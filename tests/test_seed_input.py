"""Hostile or careless seed files end in one SeedError naming file, entity and field, never a
traceback: duplicate keys, impossible or timed dates, runaway nesting, amounts that are not
finite or not plausible, URLs that are not IRIs."""

from __future__ import annotations

import sys

import pytest

from mfgkg.data.seeds import load
from mfgkg.errors import SeedError

# A 5,000-digit amount: Python's limit on integer-to-text conversion (3.11, and 3.10 from 3.10.7)
# stops it in the YAML reader; without that limit the range check refuses it.
ENDLESS = ("seeds/institutes-dod.yaml: malformed YAML: a value cannot be read (Exceeds the limit (4300 digits) "
           "for integer string conversion: value has 5000 digits); quote it if it is text"
           if hasattr(sys, "set_int_max_str_digits") else
           "field 'amount': expected a finite non-negative number below 1e+15, got int")

CASES = [
    # (file, text to find, replacement, expected message; {line}: the line after the text found)
    ("institutes-dod.yaml", "  label: Lightweight Innovations For Tomorrow\n",
     "  label: Lightweight Innovations For Tomorrow\n  label: Something Else\n",
     "seeds/institutes-dod.yaml: malformed YAML at line {line}: duplicate key 'label'"),
    ("sources/reference.yaml", "    date: 2015\n", "    date: 2015-02-30\n",
     "seeds/sources/reference.yaml: malformed YAML: a value cannot be read (day is out of range for month); "
     "quote it if it is text"),
    ("sources/reference.yaml", "    date: 2015\n", "    date: 2015-02-03 10:00:00\n",
     "field 'date': expected a date without a time, got datetime"),
    ("institutes-dod.yaml", "  amount: 70000000\n", "  amount: .nan\n",
     "field 'amount': expected a finite non-negative number below 1e+15, got float nan"),
    ("institutes-dod.yaml", "  amount: 70000000\n", "  amount: .inf\n",
     "field 'amount': expected a finite non-negative number below 1e+15, got float inf"),
    ("institutes-dod.yaml", "  amount: 70000000\n", "  amount: " + "9" * 5000 + "\n", ENDLESS),
    ("institutes-dod.yaml", "  amount: 70000000\n", "  amount: " + "9" * 30 + "\n",
     "field 'amount': expected a finite non-negative number below 1e+15, got int"),
    ("institutes-dod.yaml", "  website: https://www.americamakes.us/\n",
     '  website: https://www.americamakes.us/">{x}\n',
     "seeds/institutes-dod.yaml: entity 'america-makes': field 'website': expected an http(s) URL without spaces"),
]


@pytest.mark.parametrize(("name", "find", "replace", "message"), CASES, ids=[c[3][-40:] for c in CASES])
def test_bad_seed_values_are_one_line_errors(seed_copy, name, find, replace, message):
    path = seed_copy / "seeds" / name
    text = path.read_text()
    assert find in text
    path.write_text(text.replace(find, replace, 1))
    with pytest.raises(SeedError) as error:
        load(seed_copy / "seeds")
    assert message.replace("{line}", str(text[:text.index(find)].count("\n") + 2)) in str(error.value)
    assert len(str(error.value).splitlines()) == 1


def test_runaway_nesting_is_refused(seed_copy):
    (seed_copy / "seeds" / "deep.yaml").write_text("peers: " + "[" * 50_000 + "]" * 50_000 + "\n")
    with pytest.raises(SeedError, match=r"^seeds/deep.yaml: malformed YAML"):
        load(seed_copy / "seeds")


def test_an_alias_bomb_is_refused_quickly(seed_copy):
    """Nine levels of nine aliases would expand to 387 million values; the loader stops at a million."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    (seed_copy / "seeds" / "bomb.yaml").write_text("\n".join(lines) + "\n")
    with pytest.raises(SeedError) as error:
        load(seed_copy / "seeds")
    assert str(error.value) == "seeds/bomb.yaml: malformed YAML: aliases expand to more than 1,000,000 values"


def test_an_alias_inside_itself_is_refused(seed_copy):
    (seed_copy / "seeds" / "loop.yaml").write_text("peers: &loop\n  - *loop\n")
    with pytest.raises(SeedError) as error:
        load(seed_copy / "seeds")
    assert str(error.value) == ("seeds/loop.yaml: malformed YAML: an alias refers to the structure that "
                                "contains it")


def test_the_anchors_the_real_seeds_use_still_load():
    from conftest import ROOT

    text = (ROOT / "seeds" / "technology-areas.yaml").read_text()
    assert "&id001" in text and "*id001" in text
    concepts = load(ROOT / "seeds").section("concepts")
    assert len(concepts) == text.count("\n- id: ")


def test_an_emptied_agencies_file_names_the_first_dangling_reference(seed_copy):
    from mfgkg.data.builder import build_graph

    (seed_copy / "seeds" / "agencies.yaml").write_text("")
    with pytest.raises(SeedError) as error:
        build_graph(seed_copy / "seeds", seed_copy / "ontology")
    assert str(error.value) == ("seeds/institutes-dod.yaml: entity 'america-makes': field 'sponsor': "
                                "unknown agency 'dod'")
