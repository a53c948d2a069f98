"""day_service_costs.ipynb through `asc run` for Sefton and Wirral (fixtures in conftest.py).

On the bundled data Sefton's headlines reproduce the figures Sefton published (Market Position
Statement, Dec 2020): 648 clients, 208 with a direct payment, rates £45 to £110 a day, 60% with
learning disability support, 64% under 60 (shares published as whole percentages: 0.5 point).
"""

from __future__ import annotations

import openpyxl
import pytest

NAME = "day_service_costs"
SEFTON, WIRRAL = "E08000014", "E08000015"
HEADLINES = ("clients", "direct_payment_clients", "direct_payment_share", "min_daily_rate_gbp",
             "median_daily_rate_gbp", "max_daily_rate_gbp", "ld_share", "under_60_share",
             "annual_cost_gbp", "banded_model_annual_change_gbp")
SHEETS = {"cohort_by_provider", "cohort_by_service", "cohort_by_support_reason",
          "cohort_by_age_band", "cohort_by_age_group", "rates_by_service", "rates_by_provider",
          "unusual_rates_by_provider", "providers_against_dp_rate", "banded_model",
          "banded_model_all_clients", "banded_model_by_provider",
          "banded_model_by_support_reason", "banded_model_by_age_group",
          "banded_model_sensitivity", "demand"}



@pytest.mark.parametrize("area", [SEFTON, WIRRAL])
def test_runs_for_both_councils_with_every_headline(assert_ran_with_headlines, area):
    assert_ran_with_headlines(NAME, area, HEADLINES)


def test_sefton_headlines_reproduce_the_published_figures(notebook_entry):
    heads = notebook_entry(NAME, SEFTON)["headlines"]
    assert heads["clients"] == 648
    assert heads["direct_payment_clients"] == 208
    assert heads["direct_payment_share"] == pytest.approx(208 / 648)
    assert heads["min_daily_rate_gbp"] == 45
    assert heads["max_daily_rate_gbp"] == 110
    assert 45 <= heads["median_daily_rate_gbp"] <= 110
    assert heads["ld_share"] == pytest.approx(0.60, abs=0.005)
    assert heads["under_60_share"] == pytest.approx(0.64, abs=0.005)
    assert heads["annual_cost_gbp"] > 0
    # the default banded model is close to cost-neutral: within 5% of today's annual cost
    assert abs(heads["banded_model_annual_change_gbp"]) < 0.05 * heads["annual_cost_gbp"]


def test_the_two_councils_differ(notebook_entry):
    sefton, wirral = (notebook_entry(NAME, a)["headlines"] for a in (SEFTON, WIRRAL))
    assert sefton["clients"] != wirral["clients"]
    assert sefton["annual_cost_gbp"] != wirral["annual_cost_gbp"]


@pytest.mark.parametrize("area", [SEFTON, WIRRAL])
def test_workbook_has_the_tables(assert_workbook_sheets, area):
    assert_workbook_sheets(NAME, area, SHEETS)


def test_published_client_tables_hide_small_counts(suite_run):
    """Disclosure control: no published count of clients between 1 and 4 in any sheet."""
    workbook = openpyxl.load_workbook(suite_run / SEFTON / f"{NAME}.xlsx", read_only=True)
    small = []
    for sheet in SHEETS - {"banded_model", "banded_model_sensitivity", "demand"}:
        rows = list(workbook[sheet].iter_rows(values_only=True))
        header_at = next(i for i, row in enumerate(rows) if "Clients" in row)
        header = [str(c or "") for c in rows[header_at]]
        counts = [i for i, name in enumerate(header) if name.lower().endswith("clients")]
        for row in rows[header_at + 1:]:
            small += [(sheet, header[i], row[i]) for i in counts
                      if isinstance(row[i], int | float) and 0 < row[i] < 5]
    assert not small
