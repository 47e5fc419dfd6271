"""The query page's routes: ``/queries`` describes each saved query's parameters and the values they
accept, ``/queries/NAME?key=value`` binds one as ``mfgkg query NAME -p key=value`` does; and the page
itself in headless Chromium."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator

import pytest

from conftest import ROOT, chromium, program, request, start, stop, watched_page

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


def test_page_is_self_contained_and_knows_the_prefixes(server):
    from mfgkg.prefixes import PREFIXES

    status, kind, html = request(server, "")
    assert status == 200 and kind == "text/html; charset=utf-8"
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    script = re.search(r'<script id="prefixes" type="application/json">(.*?)</script>', html).group(1)
    assert json.loads(script) == PREFIXES


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
    assert len(agency["choices"]) == 23
    assert [c["value"] for c in params["state"]["choices"]] == [
        "California", "Delaware", "Illinois", "Massachusetts", "Michigan", "Minnesota", "New Hampshire", "New York",
        "North Carolina", "Ohio", "Pennsylvania", "Tennessee", "Texas"]
    assert params["founded_in"]["choices"] == [] and params["founded_in"]["accepts"] == "a year, such as 2016 or FY2016"
    fiscal = {p["name"]: p for p in items["metrics-by-year"]["parameters"]}["fiscal_year"]
    years = range(2014, 2027)
    assert [c["value"] for c in fiscal["choices"]] == [f"FY{year}" for year in years]
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
    assert checked == 335  # agencies, institutes, states, technology areas, plans, metrics, years, roles, statuses


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
    read = json.loads(bound(server, "who-funds-what", agency="Defense agency")[2])["notes"]
    assert read == ["query 'who-funds-what': parameter 'agency': read 'Defense agency' as 'Defense Advanced Research "
                    "Projects Agency'"]


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


# -- the page in headless Chromium -----------------------------------------------------------------

ARTIFACTS = ROOT / "build" / "test-artifacts"
ROWS = "/^[0-9]+ rows?$/.test(document.querySelector('#status').textContent)"
SPONSORS = "CONSTRUCT { ?i mfg:sponsor ?a } WHERE { ?i mfg:sponsor ?a }"


@pytest.fixture()
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        started = chromium(playwright)
        try:
            yield started
        finally:
            started.close()


def open_page(browser, url: str, width: int = 1280, height: int = 900):
    """A fresh page on ``url`` once the saved queries are listed; console errors are collected in ``page.errors``."""
    errors: list[str] = []
    page = watched_page(browser, errors, viewport={"width": width, "height": height}, accept_downloads=True,
                        permissions=["clipboard-read", "clipboard-write"],
                        bypass_csp=True)  # wait_for_function evaluates strings, which the page's policy forbids
    page.errors = errors
    page.goto(url)
    page.wait_for_function("document.querySelectorAll('#saved option').length > 1")
    return page


def run_editor(page, query: str, until: str = ROWS) -> None:
    page.fill("#query", query)
    page.evaluate("document.querySelector('#status').textContent = ''")
    page.click("#run")
    page.wait_for_function(until)


def texts(page, selector: str) -> list[str]:
    return page.locator(selector).all_inner_texts()


@pytest.mark.browser
def test_every_saved_query_runs_through_its_form_with_rows(server, browser, kg):
    items = {item["name"]: item for item in json.loads(request(server, "queries")[2])}
    page = open_page(browser, server)
    counts: dict[str, int] = {}
    for name in SAVED:
        saved = kg.queries[name]
        page.select_option("#saved", name)
        page.wait_for_function(ROWS)
        fields = {p.name: page.input_value(f"#param-{p.name}") for p in saved.parameters}
        assert fields == saved.example_params()  # the form opens on the examples
        page.evaluate("document.querySelector('#status').textContent = ''")
        page.click("#run-saved")  # and runs them through the form
        page.wait_for_function(ROWS)
        counts[name] = page.locator("#results tbody tr").count()
        assert texts(page, "#results thead th") == list(saved.column_names), name
        assert page.input_value("#query") == json.loads(bound(server, name, **saved.example_params())[2])["sparql"]
        assert page.evaluate("location.hash") == "#" + urllib.parse.urlencode({"saved": name, **fields})
        assert page.locator("#error").is_hidden() and page.locator("#notes").is_hidden()
    assert len(counts) == 22 and min(counts.values()) >= 1, counts
    assert counts == {name: len(kg.run(name, kg.queries[name].example_params()).result) for name in SAVED}
    assert items["who-funds-what"]["title"] in texts(page, "#saved option")
    page.screenshot(path=str(ARTIFACTS / "query-page-saved.png"))
    assert page.errors == []


@pytest.mark.browser
def test_form_values_are_read_as_the_cli_reads_them_and_the_link_reopens_them(server, browser):
    page = open_page(browser, server)
    page.select_option("#saved", "who-funds-what")
    page.wait_for_function(ROWS)
    assert page.locator("#choices-agency option").count() == 24  # "any" and the 23 agencies
    assert page.locator("#choices-agency option[value='DoD']").get_attribute("label") == "Department of Defense"
    page.fill("#param-agency", "Defense")
    page.fill("#param-technology", "robots")
    page.fill("#param-institute", "")
    page.evaluate("document.querySelector('#status').textContent = ''")
    page.click("#run-saved")
    page.wait_for_function(ROWS)
    expected_notes = ["query 'who-funds-what': parameter 'agency': read 'Defense' as 'Department of Defense'",
                      "query 'who-funds-what': parameter 'technology': read 'robots' as 'Robotics'"]
    assert texts(page, "#notes li") == expected_notes
    assert page.locator("#status").inner_text() == "3 rows"
    assert texts(page, "#results tbody td:nth-child(6)") == ["$80,000,000", "$70,400,000", "$35,400,000"]
    assert texts(page, "#results tbody td:nth-child(7)") == ["2017", "", ""]  # a year, no separator
    link = page.evaluate("location.href")
    assert link.endswith("#saved=who-funds-what&agency=Defense&technology=robots&institute=")

    again = open_page(browser, link)  # the link reopens the form with its values and runs it
    again.wait_for_function(ROWS)
    assert again.input_value("#saved") == "who-funds-what" and again.input_value("#param-technology") == "robots"
    assert texts(again, "#notes li") == expected_notes and again.locator("#status").inner_text() == "3 rows"
    written = open_page(browser, server + "#saved=institutes&agency=DOE")  # left out: the default, not the example
    written.wait_for_function(ROWS)
    assert written.locator("#status").inner_text() == "7 rows"  # as `mfgkg query institutes -p agency=DOE`
    assert written.input_value("#param-agency") == "DOE" and written.input_value("#param-state") == ""

    page.fill("#param-technology", "Manufacturing")  # ambiguous: a 400 with the command line's message
    page.click("#run-saved")
    page.wait_for_selector("#error:not([hidden])")
    assert page.locator("#error").inner_text().startswith(
        "400: query 'who-funds-what': parameter 'technology': 'Manufacturing' is ambiguous; give one of: Additive")
    assert page.locator("#status").inner_text() == "" and page.locator("#results tbody tr").count() == 0
    assert page.locator("#notes").is_hidden()
    assert again.errors == written.errors == [] and len(page.errors) == 1 and "400" in page.errors[0]


@pytest.mark.browser
def test_ad_hoc_sparql_of_every_form_downloads_and_failures(server, browser, tmp_path):
    from mfgkg.prefixes import PREFIXES

    page = open_page(browser, server)
    default = page.input_value("#query")
    declared = dict(line.split()[1:3] for line in default.splitlines() if line.startswith("PREFIX "))
    assert declared == {"mfg:": f"<{PREFIXES['mfg']}>", "rdfs:": f"<{PREFIXES['rdfs']}>"}
    page.click("#run")
    page.wait_for_function(ROWS)
    assert page.locator("#status").inner_text() == "19 rows"
    assert texts(page, "#results tbody tr:first-child td") == ["AFFOA", "Advanced Functional Fabrics of America"]
    assert page.locator("#results tbody td").first.get_attribute("title") == "language: en"
    with page.expect_download() as csv_download:
        page.click("#download-csv")
    csv_path = tmp_path / "rows.csv"
    csv_download.value.save_as(csv_path)
    assert csv_download.value.suggested_filename == "query.csv"
    assert csv_path.read_text().splitlines()[:2] == ["institute,name", "AFFOA,Advanced Functional Fabrics of America"]
    with page.expect_download() as json_download:
        page.click("#download-json")
    json_download.value.save_as(tmp_path / "rows.json")
    assert len(json.loads((tmp_path / "rows.json").read_text())["results"]["bindings"]) == 19

    shared = page.evaluate("location.href")  # ad hoc SPARQL is in the link too
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(shared).fragment)["sparql"] == [default]
    page.click("#copy-link")
    page.wait_for_function("document.querySelector('#status').textContent === 'link copied'")
    assert page.evaluate("navigator.clipboard.readText()") == shared
    reopened = open_page(browser, shared)
    reopened.wait_for_function(ROWS)
    assert reopened.input_value("#query") == default and reopened.locator("#status").inner_text() == "19 rows"

    run_editor(page, SPONSORS, "document.querySelector('#status').textContent === '19 triples'")
    assert texts(page, "#results thead th") == ["subject", "predicate", "object"]
    first = page.locator("#results tbody tr").first.locator("td")
    assert first.all_inner_texts() == ["id:institute/smart-usa", "mfg:sponsor", "id:agency/doc"]
    assert first.first.get_attribute("title") == "https://w3id.org/mfgkg/id/institute/smart-usa"
    assert page.locator("#download-csv").is_hidden() and page.locator("#download-turtle").is_enabled()
    with page.expect_download() as turtle_download:
        page.click("#download-turtle")
    turtle_download.value.save_as(tmp_path / "graph.ttl")
    from rdflib import Graph

    assert len(Graph().parse(tmp_path / "graph.ttl", format="turtle")) == 19

    run_editor(page, "DESCRIBE <https://w3id.org/mfgkg/id/institute/lift>",
               "document.querySelector('#status').textContent.endsWith('triples')")
    objects = {row[1]: row[2] for row in (r.split("\t") for r in texts(page, "#results tbody tr"))}
    assert objects["mfg:commonName"] == "LIFT"
    common_name = page.locator("#results tbody tr", has_text="mfg:commonName").locator("td").nth(2)
    assert common_name.get_attribute("title") == "language: en"

    run_editor(page, 'ASK { ?i mfg:commonName "LIFT"@en }', "document.querySelector('#status').textContent !== ''")
    assert page.locator("#answer").inner_text() == "answer: true"
    assert page.locator("#results tbody tr").count() == 0

    run_editor(page, 'SELECT (87500000 AS ?amount) (1234567 AS ?n) (0.4487 AS ?share) (2016 AS ?year) '
                     '(2500 AS ?value) ("USD" AS ?unit) (10.5 AS ?federal_usd) WHERE {}')
    cells = page.locator("#results tbody td")
    assert cells.all_inner_texts() == ["$87,500,000", "1,234,567", "0.449", "2016", "$2,500", "USD", "$10.5"]
    assert cells.nth(2).get_attribute("title") == "datatype: xsd:decimal"

    run_editor(page, "SELECT ?x WHERE {", "!document.querySelector('#error').hidden")
    assert page.locator("#error").inner_text().startswith("400: SPARQL syntax error")
    assert page.locator("#status").inner_text() == "" and page.locator("#download-json").is_disabled()

    page.route("**/sparql", lambda route: route.abort())  # the server cannot be reached
    run_editor(page, default, "!document.querySelector('#error').hidden")
    assert page.locator("#error").inner_text().startswith("the request failed (is the server running?)")
    assert page.locator("#status").inner_text() == ""
    page.screenshot(path=str(ARTIFACTS / "query-page-failure.png"))
    assert [e for e in page.errors if "400" not in e and "ERR_FAILED" not in e] == []


@pytest.mark.browser
def test_at_390_px_nothing_scrolls_sideways_but_the_table(server, browser):
    page = open_page(browser, server, 390, 844)
    page.select_option("#saved", "institutes")
    page.fill("#param-agency", "any")
    page.fill("#param-state", "")
    for name in ("technology", "founded_in", "founded_before", "founded_after", "status", "city"):
        page.fill(f"#param-{name}", "")
    page.evaluate("document.querySelector('#status').textContent = ''")
    page.click("#run-saved")
    page.wait_for_function(ROWS)
    assert page.locator("#status").inner_text() == "19 rows"
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    box = page.evaluate("(() => { const b = document.querySelector('.scroll');"
                        " return [b.scrollWidth, b.clientWidth, b.getBoundingClientRect().right]; })()")
    assert box[0] > box[1] and box[2] <= 390  # the table is wider than the screen and scrolls in its box
    for control in page.locator(".controls button:visible").all():
        assert control.bounding_box()["x"] + control.bounding_box()["width"] <= 390
    page.screenshot(path=str(ARTIFACTS / "query-page-390.png"), full_page=True)
    assert page.errors == []


@pytest.mark.browser
def test_screenshots_script_writes_small_pngs(tmp_path):
    import struct
    import subprocess
    import sys

    program("chromium", "Debian's chromium")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshots.py"), "--out", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for name, width in (("query-page.png", 1280), ("query-page-390.png", 390), ("entity-page.png", 900)):
        data = (tmp_path / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", data[16:20])[0] == width
        assert 20_000 < len(data) < 300_000
