"""ONS care-sector workbook, Tables 11 and 12: weekly care-home resident deaths by LA."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from asclib.errors import InputDataError
from asclib.sources.ons_care_sector import (
    COLUMNS,
    load_care_home_deaths_weekly,
    load_care_home_table,
)

WORKBOOK = "ons-care-sector-deaths-2020/deathsinvolvingcovid19inthecaresectordataset.xlsx"
WEEKS = [dt.datetime(2020, 3, 6) + dt.timedelta(weeks=i) for i in range(9)]


@pytest.fixture(scope="module")
def care(shared_file):
    return load_care_home_deaths_weekly(shared_file(WORKBOOK))


def test_layout_and_coverage(care):
    assert list(care.columns) == COLUMNS
    assert care["area_code"].nunique() == 337        # E&W LAs (Scilly and City combined)
    weeks = sorted(care["week_ending"].unique())
    assert (weeks[0], weeks[-1], len(weeks)) == (dt.datetime(2020, 3, 6),
                                                 dt.datetime(2020, 5, 1), 9)
    assert sorted(care["week"].dropna().unique()) == list(range(10, 19))
    assert not care["area_name"].str.contains("  ").any()
    assert not care["area_name"].str.endswith(" ").any()


def test_sefton_rows(care):
    sefton = care[care["area_code"] == "E08000014"]
    assert set(sefton["area_name"]) == {"Sefton"}
    all_causes = sefton[sefton["cause"] == "all_causes"]["deaths"].tolist()
    covid = sefton[sefton["cause"] == "covid19"]["deaths"].tolist()
    assert all_causes == [10, 18, 22, 24, 31, 83, 59, 53, 30]
    assert covid == [0, 0, 0, 0, 5, 23, 15, 10, 9]


def test_england_totals_and_covid_below_all_causes(care):
    england = care[care["area_code"].str.startswith("E")]
    totals = england.groupby("cause")["deaths"].sum()
    assert totals["all_causes"] == 43_869 and totals["covid19"] == 11_989
    assert not care["suppressed"].any()


def _sheet(path: Path, name: str, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    book.active.title = name
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_colon_marker_is_missing_and_flagged(tmp_path):
    path = _sheet(tmp_path / "care.xlsx", "Table 11", [
        ["Title"], [None, None, 10, 11], ["Area Code", "Area Name", *WEEKS[:2]],
        ["E08000014", "Sefton" + " " * 44, 10, ":"], ["Source: ONS"]])
    frame = load_care_home_table(path, "Table 11", "all_causes")
    assert frame["deaths"].isna().tolist() == [False, True]
    assert frame["suppressed"].tolist() == [False, True]
    assert frame["area_name"].tolist() == ["Sefton", "Sefton"]


def test_text_in_number_cell_names_sheet_column_row(tmp_path):
    path = _sheet(tmp_path / "care.xlsx", "Table 11", [
        ["Title"], [None, None, 10, 11], ["Area Code", "Area Name", *WEEKS[:2]],
        ["E08000014", "Sefton", 10, "ten"]])
    with pytest.raises(InputDataError) as info:
        load_care_home_table(path, "Table 11", "all_causes")
    [problem] = info.value.problems
    assert (problem.sheet, problem.column, problem.row) == ("Table 11", "13 Mar 2020 (D)", 4)
    assert "care.xlsx" in problem.file


def test_wrong_sheet(tmp_path):
    path = _sheet(tmp_path / "care.xlsx", "Table 10", [["Area Code", "Area Name"]])
    with pytest.raises(InputDataError) as info:
        load_care_home_deaths_weekly(path)
    problem = info.value.problems[0]
    assert problem.sheet == "Table 11" and "'Table 10'" in problem.message


def test_missing_header(tmp_path):
    path = _sheet(tmp_path / "care.xlsx", "Table 11", [["Code", "Name", WEEKS[0]]])
    with pytest.raises(InputDataError, match="care.xlsx, sheet 'Table 11'.*Area Code"):
        load_care_home_table(path, "Table 11", "all_causes")
