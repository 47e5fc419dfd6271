"""The money ledger: no total adds the same dollar twice, every total says its bound and can explain itself.

Property tests run over the whole real graph and over generated figure sets; exact-value tests pin
the overlaps found in the seeds, each named for the reasoning it checks.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mfgkg.analysis import money
from mfgkg.choices import MONEY_GROUPINGS
from mfgkg.data.ledger import Figure, LedgerError, reconcile
from test_cli import mfgkg as run_cli

COVERING = """
SELECT ?a ?b WHERE {
  { ?a mfg:partOf ?b } UNION { ?a mfg:sameMoneyAs ?b } UNION { ?b mfg:supersedes ?a }
  ?a mfg:ledgerStatus v:ledger-counted ; mfg:payer ?payer .
  ?b mfg:ledgerStatus v:ledger-counted ; mfg:payer ?payer .
}"""


@pytest.fixture(scope="module")
def ledger_rows(kg):
    return money.ledger(kg)


@pytest.fixture(scope="module")
def all_totals(kg):
    return {by: money.totals(kg, by) for by in MONEY_GROUPINGS}


def total(frame, group: str) -> dict:
    """One group's row, a missing bound (<NA> in the frame) as None."""
    row = frame[frame["group"] == group].to_dict("records")[0]
    return {k: None if pd.isna(v) else v for k, v in row.items()}


# -- properties over the real graph ------------------------------------------------------------

def test_no_counted_figure_holds_another_counted_figure(kg):
    assert len(kg.run_sparql(COVERING)) == 0


def test_a_part_never_adds_to_its_counted_whole(ledger_rows, kg):
    parts = kg.run_sparql("SELECT ?part ?whole WHERE { ?part mfg:partOf ?whole . "
                          "?whole mfg:ledgerStatus v:ledger-counted . ?part mfg:payer ?p . ?whole mfg:payer ?p }")
    status = {r["funding"]: r["status"] for r in ledger_rows}
    assert len(parts) > 0
    assert all(status[str(row["part"])] == "left out" for row in parts.records())


def test_every_figure_is_counted_or_left_out_with_a_reason(ledger_rows):
    assert {r["status"] for r in ledger_rows} == {"counted", "left out"}
    for row in ledger_rows:
        assert (row["status"] == "counted") == (row["reason"] == "counted")
        assert (row["lower"] is not None) == (row["status"] == "counted")


def test_combined_and_non_federal_money_is_never_federal(ledger_rows):
    for row in ledger_rows:
        if row["kind"] in ("cost share", "combined total"):
            assert row["payer"] != "federal"
        if row["payer"] == "combined":
            assert row["status"] == "left out"


@pytest.mark.parametrize("by", MONEY_GROUPINGS)
def test_every_group_total_is_the_sum_of_its_counted_figures_with_lower_at_most_upper(kg, all_totals, by):
    explained = money.explain(kg, by)
    for row in all_totals[by].to_dict("records"):
        if row["group"] == "(all)":
            continue
        figures = explained[(explained["group"] == row["group"]) & (explained["status"] == "counted")]
        assert figures["funding"].is_unique
        for payer, prefix in (("federal", "federal"), ("non-federal", "non_federal")):
            mine = figures[figures["payer"] == payer]
            assert row[f"{prefix}_lower"] == pytest.approx(float(mine["lower"].astype(float).sum()))
            if not pd.isna(row[f"{prefix}_upper"]):  # <NA>: no upper bound
                assert row[f"{prefix}_lower"] <= row[f"{prefix}_upper"]


@pytest.mark.parametrize("by", ["department", "office", "institute", "state", "year"])
def test_groups_that_partition_the_money_add_up_to_the_program_total(all_totals, by):
    frame = all_totals[by]
    groups, program = frame[frame["group"] != "(all)"], total(frame, "(all)")
    for prefix in ("federal", "non_federal"):
        assert groups[f"{prefix}_lower"].sum() == pytest.approx(program[f"{prefix}_lower"])


# -- the overlaps found in the seeds -------------------------------------------------------------

def test_dod_total_counts_no_ceiling_with_what_it_holds_and_stays_at_least(all_totals):
    dod = total(all_totals["department"], "DoD")
    # Before the ledger: $2,461M, adding BioMADE's $450M increase to the >$500M ceiling holding it,
    # AIM Photonics' $229M to the $110M and $165M it covers, LIFT's >$100M to its $70M, ...
    assert (dod["federal_lower"], dod["federal_upper"], dod["federal_bound"]) == (940_900_000, None, "at least")


def test_doe_counts_epixc_once_not_for_the_offer_and_the_selection(kg, all_totals):
    doe = total(all_totals["department"], "DOE")
    # RAPID's $70M award counts in the lower bound; the funding opportunity it supersedes, which offered
    # up to the same $70M, no longer adds to the upper one.
    assert (doe["federal_lower"], doe["federal_upper"], doe["federal_bound"]) == (294_000_000, 504_000_000, "between")
    epixc = [r for r in money.ledger(kg) if r["institute"] == "EPIXC"]
    assert sorted((r["kind"], r["status"]) for r in epixc) == [("award", "counted"), ("funding offer", "left out")]


def test_doc_2021_counts_the_renewal_not_the_portion_inside_it(kg):
    rows = [r for r in kg.run("funding-by-department", {"department": "DOC"}).result.records() if r["year"] == 2021]
    assert [(r["figures"], r["lower"], r["upper"], r["open_ended"]) for r in rows] == [(1, 153_000_000, 153_000_000, 0)]


def test_doc_2024_keeps_up_to_as_up_to_and_the_notice_superseded_by_the_award(kg):
    rows = [r for r in kg.run("funding-by-department", {"department": "DOC"}).result.records() if r["year"] == 2024]
    assert [(r["lower"], r["upper"], r["open_ended"], r["institutes"]) for r in rows] == [
        (0, 70_000_000, 0, "AI-focused Manufacturing USA institute")]
    assert money.in_words(0, 70_000_000) == "up to $70M"


def test_ohio_is_not_credited_with_a_combined_agreement_as_federal_money(all_totals, ledger_rows):
    ohio = total(all_totals["state"], "OH")
    assert (ohio["federal_lower"], ohio["federal_upper"], ohio["federal_bound"]) == (50_000_000, 50_000_000, "about")
    agreement = next(r for r in ledger_rows if r["funding"].endswith("/america-makes-2019-afrl-agreement"))
    assert (agreement["payer"], agreement["status"]) == ("combined", "left out")


def test_hhs_money_recorded_on_a_project_is_visible_and_counted(kg, all_totals):
    rows = kg.run("who-funds-what", {"agency": "HHS"}).result.records()
    assert [(r["institute"], r["kind"], r["amount"], r["project"], r["in_totals"]) for r in rows] == [
        ("BioFabUSA", "award", 51_000_000, "Priority Medicines on Demand / Foundry for American Biotechnology",
         "counted")]
    assert total(all_totals["department"], "HHS")["federal_lower"] == 51_000_000


def test_darpa_money_to_aim_photonics_counts_for_dod(kg, all_totals):
    rows = kg.run("who-funds-what", {"agency": "DARPA"}).result.records()
    assert [(r["institute"], r["amount"], r["in_totals"]) for r in rows] == [("AIM Photonics", 19_000_000, "counted")]
    assert total(all_totals["office"], "DARPA")["federal_lower"] == 19_000_000


def test_disputed_amounts_are_kept_with_their_rank_and_counted_once(kg):
    ledger_rows = kg.run("funding-ledger", {"institute": "MxD"}).result.records()
    rows = [(r["amount"], r["status"], r["reason"]) for r in ledger_rows
            if r["funding"].rsplit("/", 1)[1] in ("mxd-initial-federal", "mxd-initial-federal-alt1")]
    assert rows == [(70000000, "counted", "counted"),
                    (80000000, "left out", "another source's figure for mxd-initial-federal, which is preferred")]
    ranked = [(r["amount"], r["rank"]) for r in kg.run("who-funds-what", {"institute": "MxD"}).result.records()
              if r["start_year"] == "2014"]
    assert ranked == [(80000000, "normal"), (70000000, "preferred")]


def test_years_are_one_type_and_sort_as_years(all_totals, kg):
    years = [g for g in all_totals["year"]["group"] if not g.startswith("(")]
    assert years == sorted(years, key=lambda g: int(g.removeprefix("FY")))
    assert "FY2020" in years
    frame = kg.query("funding-by-department")
    assert str(frame["year"].dtype) == "Int64"


def test_the_checker_judges_an_institutes_total_by_the_ledger(kg):
    # AIM Photonics' federal money: DoD's $229M cumulative base funding, $10M of DoD projects beyond it
    # and DARPA's $19M contract; the $110M and $165M awards inside the cumulative figure are not added.
    finding = kg.check_text("AIM Photonics has received $258 million in federal funding.")[0]
    assert finding.verdict == "supported"
    assert finding.graph_value.startswith("USD 258,000,000 reconciled federal total")
    added_twice = kg.check_text("AIM Photonics has received $533 million in federal funding.")[0]
    assert added_twice.verdict == "unknown"


# -- the reconciliation rules on generated figure sets ---------------------------------------------

def figure(fid: str, kind: str = "award", amount: int = 10, comparator: str = "exact", **more) -> Figure:
    return Figure(id=fid, institute=more.pop("institute", "i"), kind=kind, amount=Decimal(amount),
                  comparator=comparator, funder=more.pop("funder", "dod"), department="dod", **more)


def test_parts_inside_a_ceiling_raise_its_lower_bound():
    entries = reconcile([figure("ceiling", "ceiling", 60, "up-to"),
                         figure("first", "annual", 10, relations=[("part-of", "ceiling", "")]),
                         figure("more", "award", 20, "at-least", relations=[("part-of", "ceiling", "")])])
    assert (entries["ceiling"].lower, entries["ceiling"].upper) == (30, 60)
    assert not entries["first"].counted and entries["first"].reason.startswith("inside the up to $60 ceiling ceiling.")


def test_a_federal_part_of_a_combined_total_still_counts():
    entries = reconcile([figure("total", "combined-total", 300, funder=None),
                         figure("federal", relations=[("part-of", "total", "")])])
    assert entries["federal"].counted and not entries["total"].counted


@pytest.mark.parametrize(("figures", "message"), [
    ([figure("a", relations=[("part-of", "b", "")]), figure("b", relations=[("part-of", "a", "")])],
     "lead back to itself"),
    ([figure("a", relations=[("part-of", "b", ""), ("supersedes", "b", "")]), figure("b")], "lead back to itself"),
    ([figure("a", "ceiling", 5, "up-to"), figure("b", relations=[("part-of", "a", "")])], "more than its \\$5"),
    ([figure("a", relations=[("part-of", "nowhere", "")])], "unknown figure 'nowhere'"),
    ([figure("a", relations=[("part-of", "b", "")]), figure("b", institute="other")], "money of another institute"),
])
def test_unreadable_relations_are_refused(figures, message):
    with pytest.raises(LedgerError, match=message):
        reconcile(figures)


KINDS = ["award", "annual", "offer", "ceiling", "increase", "cumulative", "cost-share", "combined-total"]
COMPARATORS = ["exact", "at-least", "more-than", "up-to", "about", "nearly"]


@st.composite
def figure_sets(draw) -> list[Figure]:
    """Figures of one institute whose relations only point to earlier figures (so they never loop)."""
    count = draw(st.integers(1, 8))
    figures = []
    for i in range(count):
        relations = []
        if i and draw(st.booleans()):
            relation = draw(st.sampled_from(["part-of", "supersedes", "same-money-as", "increment-of"]))
            relations.append((relation, f"f{draw(st.integers(0, i - 1))}", "why"))
        figures.append(figure(f"f{i}", draw(st.sampled_from(KINDS)), draw(st.integers(1, 1000)),
                              draw(st.sampled_from(COMPARATORS)), relations=relations))
    return figures


@settings(max_examples=300, deadline=None)
@given(figure_sets())
def test_generated_ledgers_never_count_money_twice(figures):
    try:
        entries = reconcile(figures)
    except LedgerError as error:  # parts larger than their whole: the data contradicts itself
        assert "more than its" in str(error)
        return
    by_id = {f.id: f for f in figures}
    for f in figures:
        entry = entries[f.id]
        assert entry.counted == (entry.reason == "counted")
        if entry.counted:
            assert f.payer != "combined"
            assert entry.lower >= 0 and (entry.upper is None or entry.lower <= entry.upper)
        for relation, other, _ in f.relations:
            holds = relation in ("part-of", "same-money-as")
            if holds and entries[other].counted and by_id[other].payer == f.payer:
                assert not entry.counted
            if relation == "supersedes" and entry.counted and by_id[other].payer == f.payer:
                assert not entries[other].counted


# -- the command -----------------------------------------------------------------------------------

def test_money_command_prints_reconciled_totals_and_explains_them():
    result = run_cli("money", "--by", "department", "--format", "csv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == ("group,federal_lower,federal_upper,federal_bound,non_federal_lower,non_federal_upper,"
                        "non_federal_bound,figures,left_out")
    assert "HHS,51000000,51000000,exact,0,0,,1,0" in lines
    explained = json.loads(run_cli("money", "--by", "state", "--explain", "--format", "json").stdout)
    ohio = {r["funding"].rsplit("/", 1)[1]: r for r in explained if r["group"] == "OH"}
    assert ohio["america-makes-2019-afrl-agreement"]["reason"] == (
        "combines federal and non-federal money, which totals keep apart")
    assert ohio["america-makes-initial-federal"]["reason"].startswith(
        "superseded by the about $50M award america-makes-initial-award-extended.")


def test_money_command_refuses_an_unknown_grouping():
    result = run_cli("money", "--by", "planet")
    assert result.returncode == 2 and "planet" in result.stderr
