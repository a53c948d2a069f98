"""What each notebook can show for a council (asclib.analyses.availability) on a small
processed dataset: the bundled data prepared with council records for Sefton and BCP only,
so Liverpool (E08000012) has no ledger, placements or outbreak log, City of London and the
Isles of Scilly have no nearest neighbours, and BCP has no ASC-FR row in 2016/17.

Library-level checks of the contract between the notebooks and the runner: every notebook
refuses a period its data do not hold (PeriodNotInData, a NotebookSkipped), and a council
without optional records is skipped with a plain reason, never failed.
"""

from __future__ import annotations

import pandas as pd
import pytest

from asclib import data as asc_data
from asclib.analyses import availability, budget
from asclib.errors import NotebookSkipped, PeriodNotInData
from asclib.narrative import budget as budget_text
from asclib.narrative import covid as covid_text
from asclib.narrative import day_services as ds_text

SEFTON, LIVERPOOL, BCP = "E08000014", "E08000012", "E06000058"
CITY_OF_LONDON, SCILLY, KENT = "E09000001", "E06000053", "E10000016"


@pytest.fixture(scope="module")
def data(prepare_bundled) -> asc_data.Dataset:
    return asc_data.open_data(prepare_bundled([SEFTON, BCP]))


def test_check_period_refuses_a_period_the_data_do_not_hold():
    assert availability.check_period("2020/21", ["2019/20", "2020/21"]) == "2020/21"
    with pytest.raises(PeriodNotInData) as caught:
        availability.check_period("2030/31", ["2020/21", "2019/20"])
    assert str(caught.value) == "period 2030/31 is not in the data (holds 2019/20, 2020/21)"
    assert isinstance(caught.value, NotebookSkipped)
    with pytest.raises(PeriodNotInData, match="not a financial year YYYY/YY"):
        availability.check_period("2020", ["2020/21"])
    many = [f"{y}/{(y + 1) % 100:02d}" for y in range(2010, 2021)]
    with pytest.raises(PeriodNotInData, match=r"\(holds 2010/11 to 2020/21\)"):
        availability.check_period("1999/00", many)


def test_every_notebook_refuses_a_period_its_data_do_not_hold(data):
    """The period each of the four notebooks checks first (one meaning: a financial year)."""
    budget_held = availability.budget_periods(data)
    assert budget_held == ["2016/17", "2019/20", "2020/21"]  # ASC-FR 2016/17; ledger 2019-21
    covid_held = availability.covid_periods(data, SEFTON)
    assert covid_held[0] == "2020/21" and "2030/31" not in covid_held
    jsna_held = availability.jsna_periods(data, SEFTON)
    assert jsna_held[-1] == "2021/22" and "2020/21" in jsna_held
    placements = data.table("day_service_placements", area_code=SEFTON)
    ds_held = availability.day_service_periods(placements, data.data_date)
    assert ds_held[-1] == "2021/22" and "2020/21" in ds_held
    for held in (budget_held, covid_held, jsna_held, ds_held):
        with pytest.raises(PeriodNotInData, match="period 2030/31 is not in the data"):
            availability.check_period("2030/31", held)
        assert availability.check_period("2020/21", held) == "2020/21"


def test_reading_what_the_data_hold_does_not_mark_the_report(data):
    fresh = asc_data.open_data(data.data_dir)
    availability.budget_periods(fresh)
    availability.covid_periods(fresh, LIVERPOOL)
    assert fresh.tables_read == [] and fresh.inputs == [] and not fresh.illustrative


def test_day_services_skip_a_council_without_placements(data):
    reason = ds_text.skip_reason("Liverpool", LIVERPOOL)
    with pytest.raises(NotebookSkipped) as caught:
        availability.require_rows(data, "day_service_placements", LIVERPOOL, reason)
    assert str(caught.value) == (
        "day services: needs the council's day-service placements export "
        "(data/raw/council/E08000012/day_service_placements.xlsx) for Liverpool; run "
        "`asc demo-data --area E08000012` for an illustrative version")
    availability.require_rows(data, "day_service_placements", SEFTON, reason)  # no raise


def test_ledger_sections_only_where_a_ledger_exists(data):
    assert availability.council_rows(data, "budget_ledger", LIVERPOOL) is None
    assert availability.council_rows(data, "care_home_outbreaks", LIVERPOOL) is None
    ledger = availability.council_rows(data, "budget_ledger", SEFTON)
    assert budget.periods(ledger) == ["2016/17", "2019/20", "2020/21"]  # 2016/17: the ASC-FR year
    assert availability.area_is_illustrative(data, "budget_ledger", SEFTON) is True
    assert availability.area_is_illustrative(data, "asc_finance", SEFTON) is False
    assert budget_text.no_ledger("Liverpool", LIVERPOOL, "2020/21") == (
        "No budget ledger for 2020/21 is held for Liverpool, so the sections built on the "
        "council's ledger (spend by support reason and type of care, care packages, "
        "year-on-year change) are left out. Export the ledger to "
        "data/raw/council/E08000012/budget_ledger.xlsx, or run `asc demo-data --area "
        "E08000012` for an illustrative version, then `asc prepare`.")


def test_bcp_budget_section_says_no_published_figures(data):
    totals = budget.published_totals(data.table("asc_finance"), BCP)
    assert totals.loc[0, "period"] == "2016/17"
    assert not budget.has_published_totals(totals)
    text = budget_text.published_totals(totals, area_name=data.area_name(BCP))
    assert ("no published figures for this council's current boundary (data year 2016/17)"
            in text)
    liverpool = budget.published_totals(data.table("asc_finance"), LIVERPOOL)
    assert budget.has_published_totals(liverpool)
    assert liverpool.loc[0, "gross_gbp"] > 0


@pytest.mark.parametrize(("area", "region"), [(CITY_OF_LONDON, "London"),
                                              (SCILLY, "South West")])
def test_councils_without_nearest_neighbours_fall_back_to_their_region(data, area, region):
    codes, note = availability.comparators(data, area, "nearest_neighbours")
    lookup = data.lookup
    same_region = lookup[(lookup["region_name"] == region) & lookup["asc_authority"]]
    assert codes[0] == area
    assert set(codes) == set(same_region["area_code"])
    assert note == (f"{data.area_name(area)} has no nearest neighbours in the comparator list, "
                    f"so the councils of its region ({region}) are used as its comparator "
                    "group instead.")
    codes, note = availability.comparators(data, SEFTON, "nearest_neighbours")
    assert note == "" and len(codes) > 1


def test_covid_sections_follow_the_data_held(data):
    assert availability.years_held(data, "weekly_deaths", LIVERPOOL) == set()
    assert 2020 in availability.years_held(data, "weekly_deaths", SEFTON)
    assert 2020 in availability.years_held(data, "monthly_deaths", LIVERPOOL)
    # no deaths rows under Kent's own code: its districts' care-home deaths, 2020 to 2023
    assert availability.covid_periods(data, KENT) == ["2020/21", "2021/22", "2022/23", "2023/24"]
    assert availability.covid_periods(data, "E07000105") == ["2020/21", "2021/22", "2022/23",
                                                             "2023/24"]  # Ashford, in Kent
    assert covid_text.skip_reason("Kent", KENT).startswith(
        "covid: no deaths figures for Kent (E10000016) in the data")


def test_financial_years_span():
    assert availability.financial_years(pd.Timestamp("2019-03-31"),
                                        pd.Timestamp("2020-04-01")) == [
        "2018/19", "2019/20", "2020/21"]
