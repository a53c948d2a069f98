"""covid_impact.ipynb through `asc run` for Sefton and Wirral (fixtures in conftest.py).

On the bundled data Sefton's Covid-19 deaths by place reproduce the Market Position Statement
(Dec 2020): 18% in care homes, 75% in hospital (published as whole percentages: 0.5 point). The
England benchmark comes from the real ONS table for 2020 weeks 1-39: care home 29.7%, hospital
63.3% (the statement quotes 29% / 65%; hospital 63.3% + hospice 1.5% = 64.8%). The outbreak
state on 31 January 2021 matches the Cabinet Member update (43 homes, 199 residents, 226 staff);
the real ONS care-home deaths give 946 in 2020 against a 2015-2019 mean of 711.8.
"""

from __future__ import annotations

import openpyxl
import pytest

NAME = "covid_impact"
SEFTON, WIRRAL = "E08000014", "E08000015"
HEADLINES = ("excess_deaths", "excess_deaths_pct", "covid_deaths", "covid_deaths_care_home_share",
             "covid_deaths_hospital_share", "benchmark_care_home_share",
             "benchmark_hospital_share", "homes_with_open_outbreak", "care_home_deaths_2020",
             "care_home_deaths_baseline", "care_home_excess_deaths_2020")
SHEETS = {"weekly_deaths", "excess_deaths", "care_home_excess_weekly", "monthly_excess",
          "covid_deaths_by_place", "care_home_deaths", "outbreak_state", "outbreak_timeline"}



@pytest.mark.parametrize("area", [SEFTON, WIRRAL])
def test_runs_for_both_councils_with_every_headline(assert_ran_with_headlines, area):
    assert_ran_with_headlines(NAME, area, HEADLINES)


def test_sefton_shares_reproduce_the_seed_and_the_real_england_benchmark(notebook_entry):
    heads = notebook_entry(NAME, SEFTON)["headlines"]
    assert heads["covid_deaths_care_home_share"] == pytest.approx(0.18, abs=0.005)
    assert heads["covid_deaths_hospital_share"] == pytest.approx(0.75, abs=0.005)
    # real ONS England, 2020 weeks 1-39: 14,888 and 31,784 of 50,195 Covid-19 deaths
    assert heads["benchmark_care_home_share"] == pytest.approx(14888 / 50195, rel=1e-9)
    assert heads["benchmark_hospital_share"] == pytest.approx(31784 / 50195, rel=1e-9)
    assert heads["benchmark_care_home_share"] == pytest.approx(0.297, abs=0.0005)
    assert heads["benchmark_hospital_share"] == pytest.approx(0.633, abs=0.0005)


def test_sefton_outbreaks_and_care_home_deaths(notebook_entry):
    heads = notebook_entry(NAME, SEFTON)["headlines"]
    assert heads["homes_with_open_outbreak"] == 43
    assert heads["care_home_deaths_2020"] == 946
    assert heads["care_home_deaths_baseline"] == pytest.approx(711.8, abs=1e-6)
    assert heads["care_home_excess_deaths_2020"] == pytest.approx(234.2, abs=1e-6)
    assert heads["excess_deaths"] > 0 and heads["excess_deaths_pct"] > 0


def test_the_two_councils_differ(notebook_entry):
    sefton, wirral = (notebook_entry(NAME, a)["headlines"] for a in (SEFTON, WIRRAL))
    for key in ("covid_deaths", "care_home_deaths_2020", "homes_with_open_outbreak"):
        assert sefton[key] != wirral[key], key
    assert sefton["benchmark_care_home_share"] == wirral["benchmark_care_home_share"]


@pytest.mark.parametrize("area", [SEFTON, WIRRAL])
def test_workbook_has_the_tables(assert_workbook_sheets, area):
    assert_workbook_sheets(NAME, area, SHEETS)


def test_sefton_outbreak_sheet_matches_the_cabinet_update(suite_run):
    workbook = openpyxl.load_workbook(suite_run / SEFTON / f"{NAME}.xlsx", read_only=True)
    rows = list(workbook["outbreak_state"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Measure")
    values = {r[0]: (r[2], r[3]) for r in rows[header + 1:]}
    assert values["Care homes with an open outbreak"] == (43, 43)
    assert values["Resident cases in open outbreaks"] == (199, 199)
    assert values["Staff cases in open outbreaks"] == (226, 226)


def test_report_explains_the_england_benchmark(suite_run):
    html = (suite_run / SEFTON / f"{NAME}.html").read_text(encoding="utf-8")
    assert "quotes 29% of England" in html and "65% in hospital" in html
    assert "plus hospice (1.5%) deaths make 64.8%" in html


def test_headline_excess_comes_from_the_real_monthly_registrations(notebook_entry):
    """Sefton's headline excess is the real ONS monthly +738, and the manifest says so."""
    heads = notebook_entry(NAME, SEFTON)["headlines"]
    assert heads["excess_deaths"] == pytest.approx(738.2, abs=0.05)
    assert heads["excess_deaths_source"] == "ONS monthly death registrations (real)"
    # the Cabinet Member update (Feb 2021): 43 homes with an open outbreak, 6 of them single-case
    assert heads["homes_with_open_outbreak"] == 43
    assert heads["outbreak_single_case_homes"] == 6
