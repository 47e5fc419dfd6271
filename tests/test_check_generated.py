"""The fact-checker over generated prose: for every institute, each recorded fact written in the
forms real articles use (appositives, fronted phrases, "PLACE-based", passives, lists) is never
contradicted, sentences that give a value to another name never contradict the institute, and the
plainest form of a false value is caught. A property over the whole graph, not a few examples."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mfgkg.check import Checker
from mfgkg.check.facts import Recorded
from mfgkg.kg import KnowledgeGraph

TRUE_FORMS = {
    "headquarters": ["{i}, based in {place}, announced new members.",
                     "Headquartered in {place}, {i} works with industry.", "Members met at {i} in {place} on Tuesday.",
                     "{i} is headquartered in {place}.", "The {city}-based {i} opened a new lab."],
    "founded": ["{i} was founded in {value}.", "Founded in {value}, {i} has grown quickly.",
                "Since it was formed in {value}, {i} has grown.", "{i}, established in {value}, now has members."],
    "sponsor": ["{i} is sponsored by the {value}.", "The {value} selected a consortium to lead {i}.",
                "{i} is one of the {value}'s institutes."],
    "lead": ["{i} is led by {value}.", "Led by {value}, {i} has grown.", "{value} leads {i}."],
    "technology": ["{i} focuses on {value}.", "{i} works on {value}.", "The {value}-focused {i} met today."],
}
# A value said of another name in the same sentence: never a claim about the institute.
TRAPS = ["Acme Tool, a company based in Springfield, Ohio, joined {i} last year.",
         "Widget Works, founded in 1901, is a member of {i}.",
         "The award went to BlueSky Labs, a nonprofit led by Acme Tool, which works with {i}.",
         "Unlike {i}, which came with $250 million from the state, the new hub has no funding."]


@pytest.fixture(scope="module")
def checker(kg: KnowledgeGraph) -> Checker:
    return kg.checker


def preferred(checker: Checker, institute: str, prop: str) -> list[Recorded]:
    values = checker.facts.statements.get((institute, prop), [])
    return [v for v in values if v.rank == "preferred"] or [v for v in values if v.rank == "normal"]


def institutes(checker: Checker) -> list[str]:
    return sorted(e for e, cls in checker.facts.classes.items() if cls == "Institute")


def true_sentences(checker: Checker, institute: str) -> Iterator[tuple[str, str]]:
    """(kind, sentence) for each recorded fact of ``institute`` in each form."""
    name = checker.facts.label(institute)
    label = checker.facts.label
    for recorded in preferred(checker, institute, "headquarters"):
        place = label(recorded.value)
        for form in TRUE_FORMS["headquarters"]:
            yield "headquarters", form.format(i=name, place=place, city=place.split(",")[0])
    for recorded in preferred(checker, institute, "foundingDate"):
        for form in TRUE_FORMS["founded"]:
            yield "founded", form.format(i=name, value=recorded.value)
    for recorded in preferred(checker, institute, "sponsor"):
        for form in TRUE_FORMS["sponsor"]:
            yield "sponsor", form.format(i=name, value=label(recorded.value))
    for recorded in preferred(checker, institute, "leadOrganization"):
        for form in TRUE_FORMS["lead"]:
            yield "lead", form.format(i=name, value=label(recorded.value))
    for recorded in preferred(checker, institute, "technologyArea"):
        for form in TRUE_FORMS["technology"]:
            yield "technology", form.format(i=name, value=label(recorded.value).lower())


def test_no_recorded_fact_in_any_form_is_contradicted(checker):
    wrong, checked = [], 0
    for institute in institutes(checker):
        for _kind, text in true_sentences(checker, institute):
            checked += 1
            wrong += [(text, f.claim) for f in checker.check(text) if f.verdict == "contradicted"]
    assert wrong == []
    assert checked > 300  # every form for every institute that has the fact


def test_most_recorded_facts_in_these_forms_are_read(checker):
    """Recall over the same forms: each form is read for at least 80% of the institutes that have the fact."""
    read, total = 0, 0
    for institute in institutes(checker):
        for _kind, text in true_sentences(checker, institute):
            total += 1
            read += any(f.verdict in ("supported", "disputed") for f in checker.check(text))
    assert read / total >= 0.8, (read, total)


@pytest.mark.parametrize("form", TRAPS)
def test_a_value_said_of_another_name_never_contradicts_an_institute(checker, form):
    wrong = [(institute, f.claim) for institute in institutes(checker)
             for f in checker.check(form.format(i=checker.facts.label(institute))) if f.verdict == "contradicted"]
    assert wrong == []


def test_the_plainest_false_value_is_caught_for_every_institute(checker):
    """Another institute's headquarters and founding year, written plainly, are contradicted."""
    names = institutes(checker)
    caught, tried = 0, 0
    for institute, other in zip(names, names[1:] + names[:1], strict=True):
        mine = {str(v.value) for v in checker.facts.statements.get((institute, "headquarters"), [])}
        theirs = preferred(checker, other, "headquarters")
        if theirs and str(theirs[0].value) not in mine and mine:
            tried += 1
            text = f"{checker.facts.label(institute)} is headquartered in {checker.facts.label(theirs[0].value)}."
            caught += any(f.verdict == "contradicted" for f in checker.check(text))
    assert tried >= 10 and caught == tried
