"""ONS weekly deaths: the week-39 2020 workbook and the CMD local-authority CSV layout."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from asclib.errors import InputDataError
from asclib.sources.ons_weekly_deaths import (
    LA_CSV_COLUMNS,
    WEEKLY_DEATHS_COLUMNS,
    WORKBOOK_COLUMNS,
    load_la_weekly_csv,
    load_weekly_workbook,
)

WORKBOOK = "ons-weekly-deaths-ew-2020-wk39/publishedweek392020.xlsx"


@pytest.fixture(scope="module")
def weekly(shared_file):
    return load_weekly_workbook(shared_file(WORKBOOK))


def _value(frame, **where) -> float:
    rows = frame
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, where
    return float(rows["deaths"].iloc[0])


def test_year_to_date_england_ground_truth(weekly):
    assert list(weekly.columns) == WORKBOOK_COLUMNS
    ytd = weekly[(weekly["measure"] == "deaths_year_to_date")
                 & (weekly["area_code"] == "E92000001")]
    assert set(ytd["week"]) == {39}
    assert _value(ytd, cause="all_causes", place="all") == 425_995
    assert _value(ytd, cause="covid19", place="all") == 50_195
    assert _value(ytd, cause="all_causes", place="care_home") == 105_566
    assert _value(ytd, cause="covid19", place="care_home") == 14_888
    assert _value(ytd, cause="covid19", place="hospital") == 31_784


def test_england_covid_place_shares(weekly):
    ytd = weekly[(weekly["measure"] == "deaths_year_to_date") & (weekly["area_code"] == "E92000001")
                 & (weekly["cause"] == "covid19")].set_index("place")["deaths"]
    assert ytd["care_home"] / ytd["all"] == pytest.approx(0.2966, abs=5e-4)
    assert ytd["hospital"] / ytd["all"] == pytest.approx(0.6332, abs=5e-4)


def test_weekly_figures_sheet(weekly):
    deaths = weekly[weekly["measure"] == "deaths"]
    assert _value(deaths, area_code="K04000001", week=1, cause="all_causes", place="all") == 12254
    assert _value(deaths, area_code="E12000002", week=1, cause="all_causes", place="all") == 1806
    assert _value(deaths, area_code="K04000001", week=1, cause="respiratory", place="all") == 2140
    average = weekly[weekly["measure"] == "five_year_average"]
    assert sorted(average["area_code"].unique()) == ["E92000001", "K04000001", "W92000004"]
    assert _value(average, area_code="E92000001", week=1) == 11412
    assert _value(average, area_code="K04000001", week=4) == 12760
    assert deaths[deaths["area_code"] == "E12000002"]["week"].tolist() == list(range(1, 40))
    # regions from "Deaths by region of usual residence 7" (footnote digit glued on)
    regions = sorted(c for c in deaths["area_code"].unique() if c.startswith("E12"))
    assert len(regions) == 9


def test_weekly_place_rows_sum_over_weeks(weekly):
    deaths = weekly[(weekly["measure"] == "deaths") & (weekly["area_code"] == "E92000001")]
    assert sorted(deaths["week"].unique()) == list(range(11, 40))
    covid_weekly = deaths[deaths["cause"] == "covid19"]["deaths"].sum()
    # weeks 11-39 hold nearly all of the year-to-date COVID-19 deaths (50,195)
    assert 49_000 < covid_weekly <= 50_195


def _tiny_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_wrong_sheet_names_file_and_sheet(tmp_path):
    path = _tiny_workbook(tmp_path / "week.xlsx", {"Weekly figures 2019": [["Week number", 1]]})
    with pytest.raises(InputDataError) as info:
        load_weekly_workbook(path)
    problem = info.value.problems[0]
    assert problem.sheet == "Weekly figures 2020" and "week.xlsx" in problem.file
    assert "Weekly figures 2019" in problem.message


def test_text_in_week_cell_names_sheet_column_row(tmp_path):
    rows = [["Week number", None, 1, 2], ["Week ended", None, None, None],
            ["Total deaths, all ages", None, 100, "many"]]
    place = [["Week number", 1], [None], [None, "England"], [None, "Total deaths"],
             ["Home", 5]]
    path = _tiny_workbook(tmp_path / "week.xlsx", {"Weekly figures 2020": rows,
                                                    "Covid-19 - Place of occurrence ": place})
    with pytest.raises(InputDataError) as info:
        load_weekly_workbook(path)
    [problem] = info.value.problems
    assert (problem.sheet, problem.row) == ("Weekly figures 2020", 3)
    assert problem.column == "week 2 (D)" and "'many' is not a number" in problem.message


def test_corrupt_xlsx(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    with pytest.raises(InputDataError, match="broken.xlsx.*not a readable .xlsx"):
        load_weekly_workbook(path)


# ------------------------------------------------------------------- CMD CSV layout

PLACES = {"care-home": "Care home", "home": "Home", "hospital": "Hospital",
          "hospice": "Hospice", "other-communal-establishment": "Other communal establishment",
          "elsewhere": "Elsewhere"}


def _cmd_rows(area: str, week: int, cause: str, counts: dict[str, int],
              basis: str = "registrations") -> list[str]:
    label = {"all-causes": "All causes", "covid-19": "COVID 19"}[cause]
    return [f"{counts[p]},2020,2020,{area},Sefton,week-{week:02d},Week {week:02d},{cause},"
            f"{label},{p},{PLACES[p]},{basis},{basis.title()}" for p in PLACES]


def _cmd_file(tmp_path: Path, lines: list[str], header: str = ",".join(LA_CSV_COLUMNS)) -> Path:
    path = tmp_path / "weekly-deaths-local-authority.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def test_cmd_csv_adds_all_places(tmp_path):
    week15 = {"care-home": 40, "home": 30, "hospital": 70, "hospice": 5,
              "other-communal-establishment": 1, "elsewhere": 3}
    lines = (_cmd_rows("E08000014", 15, "all-causes", week15)
             + _cmd_rows("E08000014", 15, "covid-19", dict.fromkeys(week15, 0)
                         | {"care-home": 18, "hospital": 34}))
    frame = load_la_weekly_csv(_cmd_file(tmp_path, lines))
    assert list(frame.columns) == WEEKLY_DEATHS_COLUMNS
    assert len(frame) == 14 and not frame["illustrative"].any()
    total = frame[(frame["place"] == "all") & (frame["cause"] == "all_causes")]
    assert total["deaths"].tolist() == [149] and total["week"].tolist() == [15]
    covid = frame[(frame["place"] == "all") & (frame["cause"] == "covid19")]
    assert covid["deaths"].tolist() == [52]
    assert set(frame["place"]) == {"all", "care_home", "home", "hospital", "hospice",
                                   "other_communal", "elsewhere"}


def test_cmd_csv_bad_codes_and_numbers(tmp_path):
    counts = dict.fromkeys(PLACES, 1)
    lines = _cmd_rows("E08000014", 1, "all-causes", counts)
    lines[2] = lines[2].replace(",hospital,", ",hospitalx,")
    lines[3] = "x" + lines[3][1:]
    with pytest.raises(InputDataError) as info:
        load_la_weekly_csv(_cmd_file(tmp_path, lines))
    found = {(p.column, p.row) for p in info.value.problems}
    assert ("place-of-death", 4) in found and ("v4_0", 5) in found
    assert all("weekly-deaths-local-authority.csv" in p.file for p in info.value.problems)


def test_cmd_csv_missing_column(tmp_path):
    header = ",".join(c for c in LA_CSV_COLUMNS if c != "place-of-death")
    with pytest.raises(InputDataError) as info:
        load_la_weekly_csv(_cmd_file(tmp_path, ["1,2020"], header=header))
    assert [p.column for p in info.value.problems] == ["place-of-death"]
