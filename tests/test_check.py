"""Fact-checking prose against the graph: the labelled sets, properties over every recorded fact,
the seed document, the parts (numbers, sentences, names) and the command end to end."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from mfgkg.check import VERDICTS, Checker, sentence_verdict
from mfgkg.check.evaluate import read_labelled, recorded_statements, score
from mfgkg.check.quantities import quantities
from mfgkg.check.text import sentences
from mfgkg.errors import InputError
from mfgkg.kg import KnowledgeGraph

FIXTURES = ROOT / "tests" / "fixtures" / "check"
SEED_DOCUMENT = next((ROOT / "seeds").glob("000_*.txt"))
TARGET = 0.9  # contradicted-claim precision and recall the labelled sets must reach


def labelled(name: str) -> list[dict[str, Any]]:
    return read_labelled(FIXTURES / f"{name}.yaml")


@pytest.fixture(scope="module")
def checker(kg: KnowledgeGraph) -> Checker:
    return kg.checker


def verdict(checker: Checker, text: str) -> str:
    return sentence_verdict(checker.check(text))


# ---- the labelled sets -------------------------------------------------------------------------

def test_the_labelled_sets_are_what_the_targets_are_measured_on():
    for name, size in (("labelled", 60), ("heldout", 60)):
        items = labelled(name)
        assert len(items) >= size
        planted = [item for item in items if item["verdict"] == "contradicted"]
        assert all(item.get("planted") for item in planted)
        assert 0.45 <= len(planted) / len(items) <= 0.55, "about half the sentences carry a planted error"
        assert {item["verdict"] for item in items} == set(VERDICTS)


@pytest.mark.parametrize("item", labelled("labelled"), ids=lambda item: item["text"][:60])
def test_every_labelled_sentence_gets_its_verdict(checker, item):
    assert verdict(checker, item["text"]) == item["verdict"]


@pytest.mark.parametrize("name", ["labelled", "heldout"])
def test_contradicted_claims_are_found_at_the_targets(checker, name):
    contradicted = score(checker, labelled(name))[0]["contradicted"]
    assert contradicted.precision >= TARGET and contradicted.recall >= TARGET


def test_no_sentence_of_the_seed_document_is_contradicted(checker):
    findings = checker.check(SEED_DOCUMENT.read_text(encoding="utf-8"))
    assert [(f.kind, f.verdict, f.graph_value) for f in findings] == [
        ("law-date", "supported", "2014"),
        ("plan-structure", "supported", "4"),
        ("institute-count", "supported", "17"),
        ("metric", "supported", "more than 2,500"),
        ("metric", "supported", "more than 700"),
        ("metric", "supported", "USD 307,000,000"),
        ("metric", "supported", "nearly 3:1"),
        ("metric", "supported", "more than 106,000"),
    ]
    assert all(f.sources for f in findings)


# ---- properties over every recorded fact -------------------------------------------------------

def preferred(values: list[Any]) -> list[Any]:
    return [v for v in values if v.rank == "preferred"] or [v for v in values if v.rank == "normal"]


def institutes(checker: Checker) -> dict[str, str]:
    """Each institute and the name it is written with (its label)."""
    return {entity: checker.facts.label(entity) for entity, cls in checker.facts.classes.items()
            if cls == "Institute"}


def test_every_recorded_headquarters_is_supported_and_every_other_city_contradicted(checker):
    facts = checker.facts
    cities = {e for e, cls in facts.classes.items() if cls == "City"}
    checked = 0
    for institute, name in institutes(checker).items():
        values = facts.statements.get((institute, "headquarters"), [])
        if not values:
            continue
        home = preferred(values)[0].value
        city = facts.label(home).split(",")[0]
        assert verdict(checker, f"{name} is headquartered in {city}.") == "supported", name
        recorded = {v.value for v in values}
        elsewhere = sorted(c for c in cities - recorded
                           if facts.label(c).split(",")[0] not in {facts.label(r).split(",")[0] for r in recorded})
        wrong = facts.label(elsewhere[checked % len(elsewhere)])
        assert verdict(checker, f"{name} is headquartered in {wrong}.") == "contradicted", (name, wrong)
        checked += 1
    assert checked >= 15


def test_every_founding_year_is_supported_and_a_year_no_source_gives_is_contradicted(checker):
    checked = 0
    for institute, name in institutes(checker).items():
        values = checker.facts.statements.get((institute, "foundingDate"), [])
        if not values:
            continue
        year = preferred(values)[0].value
        assert verdict(checker, f"{name} was established in {year}.") == "supported", name
        wrong = max(v.value for v in values) + 3
        assert verdict(checker, f"{name} was established in {wrong}.") == "contradicted", name
        checked += 1
    assert checked >= 15


def test_every_sponsor_is_supported_and_every_other_department_contradicted(checker):
    facts = checker.facts
    departments = {e for e, cls in facts.classes.items() if cls == "FederalAgency" and e.endswith(("/dod", "/doe",
                                                                                                     "/doc"))}
    assert len(departments) == 3
    for institute, name in institutes(checker).items():
        sponsors = {v.value for v in facts.statements.get((institute, "sponsor"), [])}
        funders = {a for c in facts.commitments.get(institute, []) if c.detail.get("funder")
                   for a in facts.ancestors(c.detail["funder"])}
        for department in departments:
            said = f"{name} is sponsored by the {facts.label(department)}."
            expected = "supported" if department in sponsors | funders else "contradicted"
            assert verdict(checker, said) == expected, said


def test_every_network_figure_written_as_recorded_agrees_with_the_graph(checker):
    """For each metric, year and recorded value, a sentence giving that value with the metric's own
    words is supported (or disputed, where the value is not the preferred one)."""
    facts = checker.facts
    words = {"exact": "", "more-than": "more than ", "at-least": "at least ", "about": "about ",
             "nearly": "nearly ", "up-to": "up to "}
    alt = {row["entity"]: row["name"] for row in facts.names if row["class"] == "Metric" and row["name"].islower()}
    checked = 0
    for (metric, year, scope), values in facts.observations.items():
        if "/network/" not in scope or metric not in alt:
            continue
        for value in values:
            unit = value.detail["unit"]
            figure = {"usd": f"${value.value:,.0f}", "ratio": f"{value.value:g}:1"}.get(unit, f"{value.value:,.0f}")
            said = f"In FY{year} the {alt[metric]} figure was {words[value.comparator]}{figure}."
            got = verdict(checker, said)
            if value in preferred(values) and len({v.value for v in preferred(values)}) == 1:
                assert got == "supported", said
            else:  # a lower-ranked value, or one of several the graph prefers none of
                assert got in ("supported", "disputed"), said
            checked += 1
    assert checked >= 40


def test_no_statement_the_graph_records_is_contradicted_by_it(kg, checker):
    """Every key fact (a sourced statement in the editors' words) is true by the graph's own sources,
    so checking them all is a test of precision on real prose: none may come out contradicted."""
    texts = recorded_statements(lambda query: kg.run_sparql(query).records(), checker, ROOT / "queries" / "check")
    assert len(texts) >= 200
    verdicts: Counter[str] = Counter()
    wrong = []
    for text in texts:
        for finding in checker.check(text):
            verdicts[finding.verdict] += 1
            if finding.verdict == "contradicted":
                wrong.append((text, finding.claim, finding.graph_value))
    assert wrong == []
    assert verdicts["supported"] >= 50


@pytest.mark.parametrize(("text", "kinds"), [
    # money that is not a commitment to the institute is left unchecked
    ("PowerAmerica. In August 2018 PowerAmerica announced a $20M funding round covering six projects.", ["metric"]),
    ("LIFT. The LIFT-funded braking project led to an $89M Army production contract.", []),
    ("LIFT. As of end-FY2023, DoD reported $103M base federal funding committed to LIFT.", []),
    # a date's day and a report year's range are not counts
    ("REMADE. The fifth round, announced 1 December 2021, funded 23 projects worth $33M.", ["metric"]),
    ("NIIMBL. The 2020-21 annual report counts over 185 members.", ["metric"]),
    # an agency's institutes are not the network's
    ("The FY2020 report to Congress says DOE ran five institutes that year.", ["metric"]),
    # an agency named without a word tying it to the institute is no sponsor claim
    ("FDA, with NIST, took part in NIIMBL-funded projects.", []),
    # a code block and a table are not prose
    ("```\nLIFT is based in Cleveland.\n```\n\n| LIFT | Cleveland, Ohio |\n", []),
])
def test_what_is_not_a_checkable_claim_is_not_contradicted(checker, text, kinds):
    findings = checker.check(text)
    assert [f.kind for f in findings] == kinds
    assert all(f.verdict == "unknown" for f in findings)


@pytest.mark.parametrize("text", [
    # a total of several payers' money is not the federal figure, however the mix is written
    "BioFabUSA brings together 80 companies and almost $300 million in funding ($80 million from DoD; "
    ">$214M from industry).",
    "BioFabUSA. Backed with close to $300 million in government and research money, the institute opened.",
    "BioFabUSA. Backed with close to $300 million in federal and private funds, the institute opened.",
    "BioFabUSA. The institute starts with nearly $300 million in public and private money.",
    # a part of a larger sum is not the institute's figure
    "A state agency approved $78 million of a $106 million request for the first phase of AIM Photonics.",
    "AIM Photonics. The state released $78 million for its first phase of the photonics center.",
    # "a"/"an" brings in another institute, not the one the document is about
    "BioMADE is in St. Paul. For instance, Pittsburgh, which hosts an institute focused on robotics, grew.",
    "BioMADE is in St. Paul. Detroit is home to an institute focused on lightweight metals.",
    # a number counts the noun after it, not the metric words before it
    "The institutes conducted nearly 270 major, collaborative applied research and development projects in FY2017.",
    "In FY2017 the institutes ran 500 education and workforce programs.",
    # a peer programme abroad is not the network
    "Fraunhofer operates 72 institutes and facilities across Germany, its 2017 annual report says.",
])
def test_real_prose_false_alarm_classes_stay_fixed(checker, text):
    """Regressions from real documents (tests/fixtures/check/real), each with variants of its class."""
    assert [f.claim for f in checker.check(text) if f.verdict == "contradicted"] == []


def test_every_goal_is_found_at_its_place_and_at_no_other(checker):
    """For each plan with an edition and each goal: "Goal N of the EDITION plan is to LABEL" is
    supported at the goal's own place and contradicted at the next one."""
    checked = 0
    for plan, goals in checker.facts.goals.items():
        edition = checker.facts.plans[plan].detail.get("edition")
        if not edition or checker.facts.of_class(plan) != "StrategicPlan":
            continue
        for position, goal in goals.items():
            label = goal.value.rstrip(".")
            label = label[0].lower() + label[1:]
            other = position % len(goals) + 1
            assert verdict(checker, f"Goal {position} of the {edition} plan is to {label}.") == "supported"
            assert verdict(checker, f"Goal {other} of the {edition} plan is to {label}.") == "contradicted"
            checked += 1
    assert checked == 8


# ---- comparators, the example ----------------------------------------------------------

@pytest.mark.parametrize(("text", "expected", "held"), [
    ("The institutes had more than 2,500 member organizations in FY2022.", "supported", "more than 2,500"),
    ("The institutes had more than 2,500 member organizations in FY2019.", "contradicted", "1,920"),
    ("The institutes had fewer than 1,000 member organizations in FY2022.", "contradicted", "more than 2,500"),
    ("The institutes had about 1,900 member organizations in FY2019.", "supported", "1,920"),
    ("Non-federal funding reached $1.3 billion in FY2022.", "contradicted", "USD 307,000,000"),
    ("The network reported a nearly 3:1 match in FY2022.", "supported", "nearly 3:1"),
    ("The network reported a 5:1 match in FY2022.", "contradicted", "nearly 3:1"),
])
def test_comparators_and_scales_decide_the_verdict(checker, text, expected, held):
    [finding] = checker.check(text)
    assert (finding.verdict, finding.graph_value) == (expected, held)


def test_a_disputed_value_names_the_preferred_one_and_why(checker):
    [finding] = checker.check("LIFT is headquartered in Canton Township, Michigan.")
    assert finding.verdict == "disputed"
    assert finding.graph_value == "Detroit, Michigan"
    [alternative] = [a for a in finding.alternatives if a["rank"] == "preferred"]
    assert alternative["value"] == "Detroit, Michigan" and "headquarters site" in alternative["reason"]
    assert {s["rank"] for s in finding.sources} == {"deprecated", "preferred"}


def test_references_resolve_to_the_institute_named_before(checker):
    text = "LIFT opened in Detroit. The institute was established in 2014. It is led by NCDMM."
    found = [(f.kind, f.verdict, f.entities[0]["iri"].rsplit("/", 1)[-1]) for f in checker.check(text)]
    assert found == [("founded", "supported", "lift"), ("lead-organization", "contradicted", "lift")]


# ---- the parts ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "read"), [
    ("$1.3 billion", [(1.3e9, "usd", "exact")]),
    ("more than $87M", [(87e6, "usd", "more-than")]),
    ("over 2,500 members", [(2500, "count", "more-than")]),
    ("a nearly 3:1 match", [(3, "ratio", "nearly")]),
    ("a 2-to-1 match", [(2, "ratio", "exact")]),
    ("roughly 28,000 people", [(28000, "count", "about")]),
    ("fewer than 1,000", [(1000, "count", "less-than")]),
    ("in fiscal year 2022", [(2022, "fiscal-year", "exact")]),
    ("in FY22 and FY 2021", [(2022, "fiscal-year", "exact"), (2021, "fiscal-year", "exact")]),
    ("In 2018, four goals", [(2018, "year", "exact"), (4, "count", "exact")]),
    ("a 50% share over 5 years", []),
])
def test_quantities_read_units_scales_and_comparators(text, read):
    assert [(q.value, q.unit, q.comparator) for q in quantities(text)] == read


def test_sentence_spans_index_the_document_as_written():
    text = "# Title\n\n**LIFT** is a U.S. institute. It opened in 2015.\n\n- [NIIMBL](https://x.org) is in Newark.\n"
    found = sentences(text)
    assert [s.text for s in found] == ["Title", "LIFT is a U.S. institute.", "It opened in 2015.",
                                       "NIIMBL is in Newark."]
    for sentence in found:
        assert sentence.text.split()[0] in text[sentence.start:sentence.end]
    assert text[found[3].start:found[3].end].endswith("Newark.")


def test_every_name_in_the_graph_is_recognised_as_its_entity(checker):
    """The gazetteer is the graph's names: each name (but state codes) finds an entity it names."""
    missed = []
    for row in checker.facts.names:
        if row["kind"] == "code" or not row["name"].strip():
            continue
        mentions = checker.gazetteer.find(f"Consider {row['name']} here.")
        if not any(row["entity"] in dict(m.entities) for m in mentions):
            missed.append((row["name"], row["class"]))
    assert missed == []


def test_one_word_names_keep_their_capitals(checker):
    assert [m.text for m in checker.gazetteer.find("They lift the ARM and LIFT.")] == ["ARM", "LIFT"]


# ---- the Python API and the command ------------------------------------------------------------

def test_kg_check_returns_one_row_per_claim(kg):
    frame = kg.check("LIFT is headquartered in Cleveland, Ohio. America Makes was founded in 2012.")
    assert list(frame["verdict"]) == ["contradicted", "supported"]
    assert list(frame["graph_value"]) == ["Detroit, Michigan", "2012"]
    assert {"sentence", "start", "end", "entities", "claim", "sources"} <= set(frame.columns)


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "mfgkg", "check", *args], cwd=ROOT, input=stdin,
                          capture_output=True, timeout=300)


def test_check_json_has_the_documented_keys_and_exit_1_on_a_contradiction(tmp_path):
    doc = tmp_path / "brief.md"
    doc.write_text("# Brief\n\nLIFT is headquartered in Cleveland, Ohio.\n", encoding="utf-8")
    result = run(str(doc), "--format", "json")
    assert result.returncode == 1, result.stderr
    [finding] = json.loads(result.stdout)
    assert {"sentence", "start", "end", "entities", "claim", "verdict", "graph_value", "sources"} <= set(finding)
    text = doc.read_text(encoding="utf-8")
    assert text[finding["start"]:finding["end"]] == "LIFT is headquartered in Cleveland, Ohio."
    assert finding["verdict"] == "contradicted" and finding["graph_value"] == "Detroit, Michigan"
    assert all(source["url"].startswith("http") for source in finding["sources"])


def test_check_reads_standard_input_and_exits_0_without_contradictions():
    result = run("--format", "md", stdin=b"America Makes is based in Youngstown, Ohio.\n")
    assert result.returncode == 0, result.stderr
    assert b"1 claim checked: 1 supported." in result.stdout
    assert b"| **supported** | America Makes is based in Youngstown, Ohio." in result.stdout


@pytest.mark.parametrize(("content", "message"), [
    (b"", b"the document is empty"),
    (b"   \n\n", b"the document is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"the document is binary"),
    (b"caf\xe9 au lait", b"not UTF-8"),
])
def test_check_refuses_unreadable_documents_with_exit_2(tmp_path, content, message):
    doc = tmp_path / "doc.txt"
    doc.write_bytes(content)
    result = run(str(doc))
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode().count("\n") == 1 and message in result.stderr and b"doc.txt" in result.stderr


def test_check_refuses_a_missing_file_with_exit_2(tmp_path):
    result = run(str(tmp_path / "missing.md"))
    assert result.returncode == 2 and b"missing.md" in result.stderr


def test_check_html_highlights_each_sentence_by_verdict_with_sources_on_click(tmp_path):
    doc = tmp_path / "note.txt"
    doc.write_text("LIFT is headquartered in Cleveland, Ohio. America Makes is based in Youngstown, Ohio. "
                   "Some <b>markup</b> & text.", encoding="utf-8")
    out = tmp_path / "out" / "report.html"
    out.parent.mkdir()
    result = run(str(doc), "--format", "html", "--out", str(out))
    assert result.returncode == 1 and result.stdout == b""
    page = out.read_text(encoding="utf-8")
    assert '<mark class="contradicted" tabindex="0" data-finding="0"' in page
    assert '<mark class="supported" tabindex="0" data-finding="1"' in page
    assert "Some &lt;b&gt;markup&lt;/b&gt; &amp; text." in page
    assert 'id="finding-0" hidden' in page and "https://record.umich.edu/" in page
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]


def test_input_errors_name_the_document():
    from mfgkg.check.text import read_document

    with pytest.raises(InputError, match="<stdin>: the document is empty"):
        read_document(None, b"")
    with pytest.raises(InputError, match=r"nowhere\.md: cannot read"):
        read_document(Path("nowhere.md"))


@pytest.mark.parametrize(("text", "expected"), [
    # regressions found by the held-out set
    ("Pittsburgh, Pennsylvania is home to the ARM Institute.", "supported"),  # "home to"
    ("In 2016, NextFlex was founded.", "contradicted"),  # a year followed by a comma
    ("In 2020 AFRL agreed to fund NextFlex with up to $120 million.", "contradicted"),  # two ceilings differ
    ("In 2020 AFRL agreed to fund NextFlex with up to $154 million.", "supported"),
    ("The 2019 Manufacturing USA Strategic Plan counted 14 institutes.", "unknown"),  # an edition, not a year
])
def test_phrasings_the_held_out_set_showed(checker, text, expected):
    assert verdict(checker, text) == expected


def test_readme_check_example_is_what_the_command_prints():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("$ mfgkg check docs/examples/brief.md\n", 1)[1].split("```", 1)[0]
    result = run("docs/examples/brief.md")
    assert result.returncode == 1
    assert result.stdout.decode() == shown


@pytest.mark.browser
def test_check_page_shows_a_sentences_sources_on_click_in_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    from conftest import chromium, watched_page

    out = tmp_path / "brief.html"
    assert run("docs/examples/brief.md", "--format", "html", "--out", str(out)).returncode == 1
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        page = watched_page(browser, errors, viewport={"width": 1300, "height": 800})
        page.goto(out.as_uri())
        assert page.locator("mark").count() == 7  # sentences with findings, each highlighted once
        assert page.locator("aside section:visible").count() == 0
        page.click("mark.contradicted")
        shown = page.locator("aside section:visible")
        assert shown.count() == 1
        assert "Detroit, Michigan" in shown.inner_text()
        assert shown.locator("a[href^='https://record.umich.edu/']").count() == 1
        page.focus("mark.disputed")
        page.keyboard.press("Enter")
        assert "UI LABS" in page.locator("aside section:visible").inner_text()
        assert page.locator("mark.chosen").count() == 1
        browser.close()
    assert errors == []


@pytest.mark.parametrize("unit", ["LIFT received $70 million and ", "1,000 members and $5 million in ",
                                  "LIFT, MxD, AFFOA, ", "x" * 37 + " "])
def test_a_run_without_full_stops_is_read_in_bounded_pieces(unit):
    """B7: the work on a sentence grows with its claims times its mentions, so a 24 KB run with no
    full stop (a flattened list) is cut at clause breaks into pieces no longer than MAX_SENTENCE,
    which together hold every word of it in order."""
    from mfgkg.check.text import MAX_SENTENCE

    text = unit * (24_000 // len(unit))
    units = sentences(text)
    assert len(units) > 1 and max(len(u.text) for u in units) <= MAX_SENTENCE
    assert all(a.end <= b.start for a, b in itertools.pairwise(units))
    assert " ".join(u.text for u in units).split() == text.split()


def test_pieces_of_a_long_run_are_judged_as_the_short_sentence_is(checker):
    short = Counter(f.verdict for f in checker.check("LIFT received $70 million."))
    pieces = Counter(f.verdict for f in checker.check("LIFT received $70 million and " * 400))
    assert set(pieces) == set(short) and sum(pieces.values()) >= 300
