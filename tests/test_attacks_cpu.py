"""Inputs built to make the server or the command line spend CPU: runs of text that cost the query
guard's lexer quadratic time, and long, many-word or misspelt parameter values. Each case asserts
what comes back and, for the lexer, that its work (the characters its patterns read, a
deterministic count) grows in proportion to the text; timings are in benchmarks/."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mfgkg.errors import QueryError
from mfgkg.query.names import MAX_VALUE, Match, Names
from mfgkg.query.params import Resolver
from mfgkg.query.query_guard import QueryRefused, check
from mfgkg.query.sparql_lexer import Lexer
from test_cli import mfgkg as run_cli

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/mfgkg/id/"
# Runs of these made the original lexer re-read the rest of the run from every character.
UNITS = ("a.", "a-", ":a.", "_:a.", "a:", "'", '"', "\\", "'\\", '"\\', "'''\\", '"""\\', "<", "<a", "#", "1.",
         "1.1.", ".1e", "?a?a", "é", "é.", "@en-")
READS_PER_CHARACTER = 8
# 748 bytes of plausible words: longer than any name, so refused before any matching
LONG_VALUE = ("advanced manufacturing institutes for robotics, photonics and clean energy across states ; " * 9)[:748]


def adversarial(unit: str, size: int) -> str:
    """An ASK query whose group is ``unit`` repeated to ``size`` characters."""
    return "ASK { " + (unit * (size // len(unit) + 1))[:size] + " }"


def work(text: str) -> int:
    """The characters the lexer's patterns read to lex ``text``, after checking that its tokens
    cover the text, one after the other."""
    lexer = Lexer(text)
    ends = [0]
    for _, start, end in lexer:
        assert start == ends[-1] and end > start
        ends.append(end)
    assert ends[-1] == len(text)
    return lexer.read


@pytest.mark.parametrize("unit", [*UNITS, "".join(UNITS)])
def test_the_lexers_work_grows_linearly_on_adversarial_runs(unit):
    small, large = adversarial(unit, 4 * 1024), adversarial(unit, 64 * 1024)
    small_work, large_work = work(small), work(large)
    assert large_work <= READS_PER_CHARACTER * len(large)
    assert large_work <= 16 * 1.05 * small_work  # 16 times the text (quadratic work would be 256 times)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(UNITS), min_size=1, max_size=8), st.integers(1, 40))
def test_mixed_adversarial_runs_cost_a_few_reads_per_character(units, repeat):
    """Property: any mixture of the units, each repeated, costs a bounded number of reads per character."""
    text = adversarial("".join(unit * repeat for unit in units), 4 * 1024)
    assert work(text) <= READS_PER_CHARACTER * len(text)


def test_saved_queries_cost_a_few_reads_per_character():
    for path in sorted((ROOT / "queries").rglob("*.rq")):
        text = path.read_text(encoding="utf-8")
        assert work(text) <= READS_PER_CHARACTER * len(text), path.name


def test_the_guard_answers_adversarial_runs():
    with pytest.raises(QueryRefused, match="chains 65536 operators"):
        check(adversarial("a.", 128 * 1024))
    assert check(adversarial("'\\", 64 * 1024)).form == "ASK"
    assert check(adversarial("é", 64 * 1024)).form == "ASK"
    with pytest.raises(QueryRefused, match="chains"):
        check(adversarial("SERVICE ", 64 * 1024))


def test_a_748_byte_value_is_refused_with_one_line(kg):
    assert len(LONG_VALUE.encode()) == 748 and len(LONG_VALUE.split()) > 90
    with pytest.raises(QueryError) as error:
        kg.run("sources-of", {"entity": LONG_VALUE})
    assert str(error.value) == (f"query 'sources-of': parameter 'entity': the value is 748 characters long; "
                                f"names are at most {MAX_VALUE}")


def test_the_command_line_refuses_a_748_byte_value_with_one_line():
    read = run_cli("query", "sources-of", "-p", f"entity={LONG_VALUE}")
    assert (read.returncode, read.stdout) == (2, "")
    assert read.stderr == (f"error: query 'sources-of': parameter 'entity': the value is 748 characters long; "
                           f"names are at most {MAX_VALUE}\n")


def test_the_matcher_reads_an_over_long_value_only_whole(kg):
    names = Resolver(kg.store).names("entity")
    assert names.match(LONG_VALUE) == Match(how="none")
    title = "the " + " ".join(["additive"] * 100)
    assert Names.of([("x", title)]).match(title).found == ("x",)


def test_many_word_values_at_the_limit_are_matched_word_by_word(kg):
    """Repeated words, and distinct misspelt words of the names (each compared with every word)."""
    resolver = Resolver(kg.store)
    vocabulary = sorted({word for name in resolver.names("entity").exact for word in name.split() if len(word) > 5})
    misspelt = " ".join(word[:2] + word[3:] for word in vocabulary)[:MAX_VALUE]
    for value in (LONG_VALUE[:MAX_VALUE], misspelt):
        binding = resolver.resolve("entity", value, "here")
        assert (binding.term.value, binding.matched) == (value, False)
        assert binding.note is not None and "\n" not in binding.note
        assert binding.note.startswith(f"here: no entity matches '{value}'")


@pytest.mark.parametrize(("value", "iri"), [
    ("Departmnt of Energy", "agency/doe"),
    ("Nationl Institte of Standards and Technolgy", "agency/nist"),
    ("biomanufactring", "technology/biomanufacturing"),
])
def test_misspelt_names_resolve_among_every_entity(kg, value, iri):
    binding = Resolver(kg.store).resolve("entity", value, "here")
    assert (binding.term.value, binding.matched) == (ID + iri, True)
    assert binding.note is not None and binding.note.startswith(f"here: read '{value}' as '")
