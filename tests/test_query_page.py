"""The query page's routes: ``/queries`` describes each saved query's parameters and the values they
accept, ``/queries/NAME?key=value`` binds one as ``mfgkg query NAME -p key=value`` does; and the page
itself in headless Chromium."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator

import pytest

from conftest import ROOT, request, start, stop

SAVED = sorted(path.stem for path in (ROOT / "queries").glob("*.rq"))


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    process, url = start("--max-rows", "1000", "--time-limit", "20")
    try:
        yield url
    finally:
        stop(process)


def bound(server: str, name: str, **params: str) -> tuple[int, str, str]:
    return request(server, f"queries/{urllib.parse.quote(name)}", params=params)


def rows(server: str, sparql: str) -> dict:
    status, _, body = request(server, query=sparql)
    assert status == 200, body
    return json.loads(body)


def test_catalogue_describes_parameters_with_the_values_they_accept(server, kg):
    items = {item["name"]: item for item in json.loads(request(server, "queries")[2])}
    assert sorted(items) == SAVED
    params = {p["name"]: p for p in items["institutes"]["parameters"]}
    assert list(params) == ["agency", "state", "technology", "founded_in", "founded_before", "founded_after",
                            "status", "city"]
    agency = params["agency"]
    assert (agency["type"], agency["required"], agency["default"], agency["example"]) == ("agency", False, "any", "DoD")
    assert agency["accepts"] == kg.accepted("agency")  # what `mfgkg queries institutes` says
    assert {"value": "DoD", "label": "Department of Defense"} in agency["choices"]
    assert len(agency["choices"]) == 22
    assert [c["value"] for c in params["state"]["choices"]] == [
        "California", "Delaware", "Illinois", "Massachusetts", "Michigan", "Minnesota", "New Hampshire", "New York",
        "North Carolina", "Ohio", "Pennsylvania", "Tennessee", "Texas"]
    assert params["founded_in"]["choices"] == [] and params["founded_in"]["accepts"] == "a year, such as 2016 or FY2016"
    fiscal = {p["name"]: p for p in items["metrics-by-year"]["parameters"]}["fiscal_year"]
    assert [c["value"] for c in fiscal["choices"]] == [f"FY{year}" for year in range(2016, 2023)]
    profile = items["institute-profile"]["parameters"][0]
    assert (profile["required"], profile["default"], profile["example"]) == (True, None, "LIFT")
    assert items["who-funds-what"]["columns"][5] == {"name": "amount", "description": "Amount in US dollars."}


def test_every_choice_binds_its_own_entity_without_a_note(kg):
    """A value picked from a list is never read as a guess nor found ambiguous."""
    checked = 0
    for saved in kg.queries:
        for param in saved.parameters:
            for choice in kg.describe(saved.name)["parameters"][saved.parameters.index(param)]["choices"]:
                assert kg.standalone(saved.name, {param.name: choice["value"]}).notes == (), (saved.name, choice)
                checked += 1
    assert checked == 256  # agencies, institutes, states, technology areas, plans, metrics, fiscal years


@pytest.mark.parametrize("name", SAVED)
def test_every_example_binds_and_returns_rows_without_param_columns(server, kg, name):
    saved = kg.queries[name]
    status, kind, body = bound(server, name, **saved.example_params())
    assert status == 200 and kind == "application/json"
    answer = json.loads(body)
    assert answer["notes"] == [] and answer["parameters"] == saved.example_params()
    data = rows(server, answer["sparql"])
    assert tuple(data["head"]["vars"]) == saved.column_names
    assert len(data["results"]["bindings"]) > 0
    assert len(data["results"]["bindings"]) == len(kg.run(name, saved.example_params()).result)


def test_bound_as_the_command_line_binds_with_its_notes(server, kg):
    status, _, body = bound(server, "who-funds-what", agency="Defense", technology="robots", institute="")
    answer = json.loads(body)
    assert status == 200 and answer["notes"] == [
        "query 'who-funds-what': parameter 'agency': read 'Defense' as 'Department of Defense'",
        "query 'who-funds-what': parameter 'technology': read 'robots' as 'Robotics'"]
    got = rows(server, answer["sparql"])["results"]["bindings"]
    assert [(r["agency"]["value"], r["institute"]["value"], r["amount"]["value"]) for r in got] == [
        ("DoD", "ARM Institute", "80000000"), ("ManTech", "ARM Institute", "70400000"),
        ("ManTech", "ARM Institute", "35400000")]  # as `mfgkg query who-funds-what -p agency=Defense ...` prints
    expected = kg.run("who-funds-what", {"agency": "Defense", "technology": "robots"}).result
    assert [r["funding"]["value"] for r in got] == [row[-1].value for row in expected.rows]
    unmatched = json.loads(bound(server, "who-funds-what", agency="Defense agency")[2])["notes"]
    assert unmatched == ["query 'who-funds-what': parameter 'agency': no agency matches 'Defense agency'; did you "
                         "mean 'Department of Defense', 'Office of the Under Secretary of Defense for Research and "
                         "Engineering'?"]


@pytest.mark.parametrize(("name", "params", "status", "message"), [
    ("who-funds", {}, 404, "unknown query 'who-funds'; did you mean 'who-funds-what'?"),
    ("nothing", {}, 404, "unknown query 'nothing'; run 'mfgkg queries' for the list"),
    ("who-funds-what", {"technology": "Manufacturing"}, 400,
     "query 'who-funds-what': parameter 'technology': 'Manufacturing' is ambiguous; give one of: Additive"),
    ("institutes", {"founded_in": "20x"}, 400,
     "query 'institutes': parameter 'founded_in': expected a year such as 2016, got '20x'"),
    ("institutes", {"colour": "red"}, 400, "query 'institutes': unknown parameter 'colour' (parameters: agency, "),
    ("institute-profile", {"institute": " "}, 400, "query 'institute-profile': parameter 'institute' is required"),
])
def test_bad_names_and_values_are_one_line(server, name, params, status, message):
    got, kind, body = bound(server, name, **params)
    assert (got, kind) == (status, "text/plain; charset=utf-8")
    assert body.startswith(message) and body.count("\n") == 1
    twice = request(server, "queries/institutes?agency=DoD&agency=DOE")
    assert twice[0] == 400 and twice[2] == "parameter 'agency' given twice\n"
