"""The fact-checker on real prose: the labelled real documents, and one test per class of error
that real documents showed (wrong attachment, names used as cues, tables, places written in news
style, numbers that are not counts, HTML and other encodings)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from mfgkg.check import Checker
from mfgkg.check.evaluate import read_real, score_real
from mfgkg.check.quantities import quantities
from mfgkg.check.text import dateline, read_document, sentences
from mfgkg.kg import KnowledgeGraph

REAL = ROOT / "tests" / "fixtures" / "check" / "real"
# What the rules reach on the documents they were developed against (split: dev). Precision and
# "no true document fails" are the issue's targets; the recall floors keep what has been reached
# (the issue's targets, 0.8 planted and 0.6 decidable, are not reached yet: see benchmarks/check_accuracy.py).
# The floors fell when two held-out sets, harder than the first documents, joined the development set.
PRECISION = 0.95
PLANTED_FLOOR = 0.43
RECALL_FLOOR = 0.42


@pytest.fixture(scope="module")
def checker(kg: KnowledgeGraph) -> Checker:
    return kg.checker


def kinds_and_verdicts(checker: Checker, text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.verdict) for f in checker.check(text)]


# ---- the real documents ------------------------------------------------------------------------

def test_the_real_set_is_what_the_issue_asks_for():
    documents = read_real(REAL)
    assert len(documents) >= 20
    assert all(d.url.startswith("http") for d in documents)
    assert sum(bool(d.planted) for d in documents) >= 8
    held = [d for d in documents if d.split.startswith("heldout")]
    assert len(held) >= 6 and any(d.planted for d in held)
    for document in documents:
        for claim in document.claims:
            assert document.text.count(claim["quote"]) == 1, (document.name, claim["quote"])
        for change in document.planted:
            assert document.text.count(change["find"]) == 1, (document.name, change["find"])


def test_on_the_real_documents_a_contradiction_is_a_real_one(checker):
    result = score_real(checker, [d for d in read_real(REAL) if d.split == "dev"])
    assert result.failed == []
    assert result.precision >= PRECISION, result.false_alarms
    assert result.planted_recall >= PLANTED_FLOOR
    assert result.recall >= RECALL_FLOOR


# ---- attach, or abstain ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Acme Tool, a company based in Harrison, is a member of MxD.",
    "The award went to BlueSky Labs, a nonprofit led by NCDMM, which works with LIFT.",
    "Widget Works, founded in 1990, joined America Makes last year.",
    "Acme, which is funded by DOE, is a member of LIFT.",
    "NextFlex members include a Dayton-based company.",
    "Acme headquartered in Springfield joined LIFT last year.",
])
def test_a_value_said_of_another_name_gives_no_claim_about_the_institute(checker, text):
    assert [f for f in checker.check(text) if f.verdict == "contradicted"] == []


@pytest.mark.parametrize(("text", "expected"), [
    ("America Makes, managed by NCDMM, is based in Youngstown, Ohio.", [("headquarters", "supported"),
                                                                        ("lead-organization", "supported")]),
    ("PowerAmerica, a DOE institute, is headquartered in Raleigh, N.C.", [("headquarters", "supported"),
                                                                          ("sponsor", "supported")]),
    ("Headquartered in Detroit, LIFT opened in 2015.", [("headquarters", "supported")]),
    ("The Cybersecurity Manufacturing Innovation Institute is a Texas-based institute.",
     [("headquarters", "supported")]),
    ("Detroit-based LIFT works on lightweight metals.", [("headquarters", "supported"),
                                                         ("technology-area", "supported")]),
])
def test_a_value_said_of_the_institute_is_attached_to_it(checker, text, expected):
    assert kinds_and_verdicts(checker, text) == expected


def test_a_description_names_the_one_institute_a_document_is_about(checker):
    text = ("DOE renewed its support for IACMI on Tuesday.\n\n"
            "A Tennessee research institute formed in 2015 to develop composites, it was the first to be renewed.")
    assert [(f.kind, f.verdict, f.subject.rsplit("/", 1)[-1]) for f in checker.check(text)] == [
        ("founded", "supported", "iacmi")]
    other = text.replace("A Tennessee research institute", "The first consortium")
    assert [f.kind for f in checker.check(other)] == []
    two = "LIFT and IACMI met.\n\nA research institute formed in 2012 hosted them."
    assert [f.kind for f in checker.check(two)] == []
    placed = "LIFT and IACMI met.\n\nA Tennessee research institute formed in 2015 hosted them."
    assert [(f.kind, f.verdict, f.subject.rsplit("/", 1)[-1]) for f in checker.check(placed)] == [
        ("founded", "supported", "iacmi")]


def test_an_institutes_own_name_is_no_cue_for_a_neighbour(checker):
    text = ("The Rapid Advancement in Process Intensification Deployment Institute and "
            "the Institute for Advanced Composites Manufacturing Innovation met in Knoxville.")
    assert [f.kind for f in checker.check(text) if f.kind == "technology-area"] == []


@pytest.mark.parametrize(("text", "expected"), [
    ("LIFT develops additive manufacturing processes for its members.", "unknown"),  # work, not its focus
    ("LIFT focuses on additive manufacturing.", "contradicted"),
    # a name the graph does not hold may be another way of writing the lead
    ("America Makes is led by the Mahoning Valley Manufacturers Coalition.", "unknown"),
    ("America Makes is led by UI LABS.", "contradicted"),  # an organisation the graph knows, not the lead
])
def test_only_a_stated_focus_or_a_known_organisation_can_contradict(checker, text, expected):
    assert [f.verdict for f in checker.check(text)] == [expected]


def test_one_of_several_leaders_is_never_a_contradiction(checker):
    [finding] = checker.check("America Makes is co-led by NCDMM and Youngstown State University.")
    assert finding.verdict in ("supported", "unknown")


@pytest.mark.parametrize(("text", "expected"), [
    ("PowerAmerica is headquartered in Raleigh, N.C.", "supported"),
    ("The ARM Institute is based in Pittsburgh, Pa.", "supported"),
    ("AIM Photonics is headquartered in Albany, N.Y.", "supported"),
    ("The ARM Institute is based in Pittsburgh, Calif.", "contradicted"),
])
def test_states_written_in_news_style_are_read_as_states(checker, text, expected):
    [finding] = checker.check(text)
    assert finding.verdict == expected


# ---- tables and lists --------------------------------------------------------------------------

TABLE = """| Institute | Technology | Location |
|---|---|---|
| America Makes | Additive manufacturing | Youngstown, Ohio |
| LIFT | Lightweight metals | Detroit, Michigan |
"""


def test_a_markdown_table_is_read_row_by_row_with_each_claim_at_its_cell(checker):
    findings = checker.check(TABLE)
    assert [(f.kind, f.verdict, TABLE[f.start:f.end]) for f in findings] == [
        ("technology-area", "supported", "Additive manufacturing"),
        ("headquarters", "supported", "Youngstown, Ohio"),
        ("technology-area", "supported", "Lightweight metals"),
        ("headquarters", "supported", "Detroit, Michigan"),
    ]


def test_an_html_table_cell_is_not_merged_with_the_next_row(checker):
    page = ("<table><tr><th>Institute</th><th>Location</th></tr><tr><td>NIIMBL</td><td>Newark, Delaware</td></tr>"
            "<tr><td>America Makes</td><td>Youngstown, Ohio</td></tr></table>")
    findings = checker.check(page)
    assert [(f.verdict, page[f.start:f.end]) for f in findings] == [("supported", "Newark, Delaware"),
                                                                    ("supported", "Youngstown, Ohio")]


def test_a_list_without_markers_is_read_line_by_line():
    text = "Institutes opened that year:\nLIFT in Detroit\nPowerAmerica in Raleigh\n"
    assert [s.text for s in sentences(text)] == ["Institutes opened that year:", "LIFT in Detroit",
                                                 "PowerAmerica in Raleigh"]


def test_wrapped_prose_stays_one_sentence():
    text = "LIFT was founded in 2014 and\nis based in Detroit, where it\nruns a large lab.\n"
    assert len(sentences(text)) == 1


# ---- numbers -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "read"), [
    ("the network of 14 institutes.[2]", [(14, "count")]),
    ("a 5- to 7-year agreement", [(5, "range")]),
    ("between 10 and 15 years", [(10, "range")]),
    ("1\u202f234 members and 2\u00a0500 more", [(1234, "count"), (2500, "count")]),
    ("a $200-million commitment", [(200e6, "usd")]),
])
def test_numbers_that_are_not_counts_are_not_read_as_counts(text, read):
    found = [(q.value, q.unit) for q in quantities(" ".join(s.text for s in sentences(text)))]
    assert found == read


@pytest.mark.parametrize("text", [
    "In 2012 the administration sought funding for a network of 45 institutes.",
    "The plan envisioned up to 15 institutes by 2015.",
    "In FY2017 the program added 6 new institutes, for a total of 14 institutes.",
])
def test_targets_requests_and_increments_are_not_the_networks_count(checker, text):
    assert all(f.verdict != "contradicted" for f in checker.check(text))


def test_each_figure_takes_the_year_nearest_it(checker):
    text = ("In fiscal year 2018, 205,254 individuals took part in education or workforce activities, "
            "compared with 14,000 participants in FY2017.")
    assert all(f.verdict != "contradicted" for f in checker.check(text))


def test_a_count_of_one_agencys_institutes_is_not_the_networks(checker):
    text = "In FY2021 BioMADE joined eight DoD-sponsored institutes in the Manufacturing USA network."
    assert all(f.verdict != "contradicted" for f in checker.check(text))


def test_an_undated_figure_in_a_dated_document_is_judged_as_of_its_date(checker):
    findings = checker.check("The institutes worked with 5,300 member organizations.", as_of=(2022, 10))
    assert [f.verdict for f in findings] == ["contradicted"]
    assert "document's date" in findings[0].note
    findings = checker.check("Since launch the institutes worked with 5,300 member organizations.", as_of=(2022, 10))
    assert [f.verdict for f in findings] == ["unknown"]


@pytest.mark.parametrize(("text", "expected"), [
    ("NextFlex will open its San Diego headquarters next month.", [("headquarters", "contradicted")]),
    ("DOE's Industrial Efficiency and Decarbonization Office, which manages EPIXC, spoke.",
     [("managing-office", "supported")]),
    ("DOE said AIChE will lead the tenth Manufacturing USA institute, RAPID.",
     [("lead-organization", "supported"), ("ordinal", "supported")]),
    ("The Department of Energy has selected UTSA to lead CyManII.",
     [("sponsor", "supported"), ("lead-organization", "supported")]),
    ("The Department of Defense has selected UTSA to lead CyManII.",
     [("sponsor", "contradicted"), ("lead-organization", "supported")]),
    ("The Department of Defense awarded the Advanced Robotics Manufacturing (ARM) Innovation Hub to "
     "American Robotics.", [("sponsor", "supported"), ("lead-organization", "supported")]),
    ("The Department of Energy awarded the Advanced Robotics Manufacturing (ARM) Innovation Hub to "
     "American Robotics.", [("sponsor", "contradicted"), ("lead-organization", "supported")]),
    ("HHS awarded NIIMBL a grant for a testbed.", []),
    ("Led by NC State University, the new institute PowerAmerica will work on power electronics.",
     [("lead-organization", "supported"), ("technology-area", "supported")]),
    ("ARMI was designated by the United States Department of Defense as a new BioFabUSA hub.",
     [("sponsor", "supported")]),
    ("ARMI was designated by the United States Department of Energy as a new BioFabUSA hub.",
     [("sponsor", "contradicted")]),
    ("They include LIFT in Detroit; REMADE in Buffalo, New York; and PowerAmerica in Raleigh, N.C.",
     [("headquarters", "supported"), ("headquarters", "contradicted"), ("headquarters", "supported")]),
    ("Since it was formed in 2014, MxD has attracted partners from academia to business.", [("founded", "supported")]),
    ("Since it was formed in 2016, MxD has attracted partners.", [("founded", "contradicted")]),
    ("NCDMM was selected by the Department of Defense to lead America Makes.",
     [("sponsor", "supported"), ("lead-organization", "supported")]),
    ("DOE said AIChE will lead the twelfth Manufacturing USA institute, RAPID.",
     [("lead-organization", "supported"), ("ordinal", "contradicted")]),
])
def test_forms_real_announcements_use(checker, text, expected):
    assert kinds_and_verdicts(checker, text) == expected


def test_money_of_another_thing_is_not_the_institutes(checker):
    text = ("Unlike the $600 million photonics initiative, which came with $250 million from the state, "
            "REMADE has yet to receive any commitment from New York.")
    assert checker.check(text) == []


def test_the_department_is_the_agency_named_before(checker):
    text = ("The Department of Commerce chose a consortium for NIIMBL. "
            "The Department will invest $70 million in the institute.")
    [*_, funding] = checker.check(text, as_of=(2016, 12))
    assert (funding.kind, funding.verdict) == ("funding", "supported")
    assert "from Department of Commerce" in funding.claim


def test_each_funder_is_bound_to_its_own_amount(checker):
    text = "PowerAmerica received $70 million from DOE and $70 million in non-federal commitments in 2014."
    findings = checker.check(text)
    assert [(f.verdict, f.claim) for f in findings] == [
        ("supported", "Next Generation Power Electronics Manufacturing Innovation Institute received $70 million "
                      "from Department of Energy in 2014"),
        ("supported", "Next Generation Power Electronics Manufacturing Innovation Institute received $70 million "
                      "(cost-share) in 2014"),
    ]


# ---- reading documents -------------------------------------------------------------------------

def test_html_reads_only_the_visible_prose_and_decodes_references():
    page = ("<html><head><title>LIFT is in Cleveland.</title><script>x = 'LIFT is in Cleveland.'</script>"
            "<style>p {}</style></head><body><p>LIFT&nbsp;is in Detroit</p><p>It opened in 2015.</p></body></html>")
    found = sentences(page)
    assert [s.text for s in found] == ["LIFT is in Detroit", "It opened in 2015."]
    assert page[found[0].start:found[0].end] == "LIFT&nbsp;is in Detroit"


def test_a_law_abbreviation_does_not_end_the_sentence():
    assert [s.text for s in sentences("P.L. 113-235 set up the program. Sen. Brown spoke.")] == [
        "P.L. 113-235 set up the program.", "Sen. Brown spoke."]


def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path):
    path = tmp_path / "note.txt"
    path.write_bytes("LIFT is based in Detroit.".encode("utf-16"))
    assert read_document(path) == "LIFT is based in Detroit."


def test_a_documents_date_is_read_from_its_dateline():
    assert dateline("WASHINGTON, Jan. 14, 2016 - The Department announced ...") == (2016, 1)
    assert dateline("Posted 2017-04-19 by the institute") == (2017, 4)
    assert dateline("No date here.") is None


def test_a_reference_to_an_earlier_sentence_has_no_span_in_this_one(checker):
    findings = checker.check("LIFT opened in Detroit. The institute was established in 2014.")
    [entity] = findings[0].entities
    assert entity["iri"].endswith("/lift") and entity["start"] is not None
    findings = checker.check("LIFT opened in Detroit. The ARM Institute was established in 2017. The institute "
                             "was established in 2014.")
    assert all(e["start"] is None or e["start"] < len(findings[-1].sentence) for f in findings for e in f.entities)


def test_check_reads_an_html_file_end_to_end(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>America Makes is headquartered in Youngstown, Ohio.</p></body></html>",
                    encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mfgkg", "check", str(page)], capture_output=True, cwd=ROOT,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "1 claim checked: 1 supported." in result.stdout


# ---- sources per fact --------------------------------------------------------------------------

def test_sources_say_whether_they_were_cited_for_the_value_or_are_the_records(checker):
    """A finding cites the sources of the value it compares with: LIFT's headquarters its own sources;
    America Makes' founding year only the three of the record's six sources that state 2012."""
    [hq] = checker.check("LIFT is headquartered in Detroit, Michigan.")
    assert hq.sources and {s["scope"] for s in hq.sources if s["rank"] == "preferred"} == {"field"}
    [founded] = checker.check("America Makes was founded in 2012.")
    assert {s["scope"] for s in founded.sources} == {"field"}
    assert sorted(s["url"].split("/")[2] for s in founded.sources) == ["businessjournaldaily.com", "nist.gov",
                                                                       "www.metal-am.com"]


def test_check_as_of_through_the_command_line(tmp_path: Path):
    """`--as-of` dates an undated figure end to end; a malformed date is exit 2 with one line."""
    page = tmp_path / "note.txt"
    page.write_text("The institutes worked with 5,300 member organizations.", encoding="utf-8")
    dated = subprocess.run([sys.executable, "-m", "mfgkg", "check", str(page), "--as-of", "2022-10"],
                           capture_output=True, cwd=ROOT, text=True, check=False)
    assert dated.returncode == 1 and "1 claim checked: 1 contradicted." in dated.stdout
    undated = subprocess.run([sys.executable, "-m", "mfgkg", "check", str(page)], capture_output=True, cwd=ROOT,
                             text=True, check=False)
    assert undated.returncode == 0 and "1 unknown" in undated.stdout
    bad = subprocess.run([sys.executable, "-m", "mfgkg", "check", str(page), "--as-of", "2022-13"],
                         capture_output=True, cwd=ROOT, text=True, check=False)
    assert bad.returncode == 2 and "expected a year or a year and month" in bad.stderr
