"""budget_breakdown.ipynb through `asc run` for Sefton and Wirral (fixtures in conftest.py).

On the bundled data Sefton's headlines reproduce the budget Sefton published for 2020/21
(Market Position Statement, Dec 2020): gross £153.3m, income £58.6m, net £94.7m, care packages
£107.7m, residential and nursing 50% of packages, care homes £53.4m, 20% of it under 65. Money
is published to £0.1m (tolerance £0.05m), shares to whole percentages (0.5 point).
"""

from __future__ import annotations

import pytest

NAME = "budget_breakdown"
SEFTON, WIRRAL = "E08000014", "E08000015"
HEADLINES = ("gross_budget_gbp", "income_gbp", "net_budget_gbp", "care_packages_gbp",
             "residential_nursing_share", "care_home_spend_gbp", "care_home_under_65_share")
SHEETS = {"budget_totals", "reconciliation", "spend_by_support_reason", "spend_by_type_of_care",
          "care_packages_and_homes", "year_on_year", "spend_per_adult", "care_home_unit_costs",
          "unit_cost_ranges", "in_year_position"}



@pytest.mark.parametrize("area", [SEFTON, WIRRAL])
def test_runs_for_both_councils_with_every_headline(assert_ran_with_headlines, area):
    assert_ran_with_headlines(NAME, area, HEADLINES)


def test_sefton_headlines_reproduce_the_published_budget(notebook_entry):
    heads = notebook_entry(NAME, SEFTON)["headlines"]
    for key, published in (("gross_budget_gbp", 153.3e6), ("income_gbp", 58.6e6),
                           ("net_budget_gbp", 94.7e6), ("care_packages_gbp", 107.7e6),
                           ("care_home_spend_gbp", 53.4e6)):
        assert heads[key] == pytest.approx(published, abs=0.05e6), key
    assert heads["residential_nursing_share"] == pytest.approx(0.50, abs=0.005)
    assert heads["care_home_under_65_share"] == pytest.approx(0.20, abs=0.005)
    assert heads["gross_budget_gbp"] - heads["income_gbp"] == pytest.approx(
        heads["net_budget_gbp"], abs=1)


def test_the_two_councils_differ(notebook_entry):
    sefton, wirral = (notebook_entry(NAME, a)["headlines"] for a in (SEFTON, WIRRAL))
    assert sefton["gross_budget_gbp"] != wirral["gross_budget_gbp"]
    assert sefton["net_budget_gbp"] != wirral["net_budget_gbp"]


@pytest.mark.parametrize("area", [SEFTON, WIRRAL])
def test_workbook_has_the_tables(assert_workbook_sheets, area):
    assert_workbook_sheets(NAME, area, SHEETS)


def test_reads_real_finance_inputs(notebook_entry):
    paths = {item["path"] for item in notebook_entry(NAME, SEFTON)["inputs"]}
    assert any(p.endswith("asc_finance.csv") for p in paths)
    assert any(p.endswith("budget_ledger.xlsx") for p in paths)


def test_wirral_sentences_on_generated_records_say_illustrative(suite_run):
    """Wirral's ledger is generated: the report's sentences citing it say so (issue 11)."""
    html = (suite_run / WIRRAL / f"{NAME}.html").read_text(encoding="utf-8")
    assert "Wirral&#x27;s illustrative ledger puts the 2020/21" in html or \
        "Wirral's illustrative ledger puts the 2020/21" in html
    assert "Wirral's budget is" not in html and "Wirral&#x27;s budget is" not in html


def test_published_asc_fr_totals_with_their_year(notebook_entry):
    heads = notebook_entry(NAME, SEFTON)["headlines"]
    assert heads["published_finance_period"] == "2016/17"
    assert heads["published_gross_gbp"] > heads["published_net_gbp"] > 0
