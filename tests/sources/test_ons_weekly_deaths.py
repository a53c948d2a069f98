"""ONS weekly deaths: the week-39 2020 workbook and the CMD local-authority CSV layout."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from weekly_2020 import WORKBOOK

from asclib.errors import InputDataError
from asclib.sources.ons_weekly_deaths import (
    LA_CSV_COLUMNS,
    WEEKLY_DEATHS_COLUMNS,
    WORKBOOK_COLUMNS,
    load_deaths_by_place,
    load_la_weekly_csv,
    load_weekly_deaths,
    load_weekly_workbook,
    period_order,
)
from asclib.sources.ons_weekly_deaths import edition as weekly_edition


@pytest.fixture(scope="module")
def weekly(weekly_2020_table):
    return weekly_2020_table


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


# ------------------------------------------------------------ editions after week 39 of 2020
# No real 2021 or later workbook is at hand, so each edition is built by transforming the real
# week-39 workbook the way ONS changed the layout, and read back against the wk39 values.

WEEKLY_2020 = "Weekly figures 2020"
PLACE = "Covid-19 - Place of occurrence "


def _sheets(path: Path) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {name: [list(r) for r in book[name].iter_rows(values_only=True)]
                for name in (WEEKLY_2020, PLACE)}
    finally:
        book.close()


def _find(rows: list[list[object]], text: str) -> int:
    """0-based index of the first row with a cell starting with ``text``."""
    return next(i for i, r in enumerate(rows)
                if any(isinstance(v, str) and v.strip().startswith(text) for v in r))


def _ended_2021(week: int) -> datetime:
    return datetime(2021, 1, 8) + timedelta(days=7 * (week - 1))


def _as_2021(rows: list[list[object]]) -> None:
    """Week-ended dates of the 2021 weeks in place of the 2020 ones."""
    week_row = _find(rows, "Week number")
    for c, week in enumerate(rows[week_row]):
        if isinstance(week, int):
            rows[week_row + 1][c] = _ended_2021(week)


def _edition_2021(tmp_path: Path, real: Path, *, ytd: str = "below") -> Path:
    """A 2021-style edition: see the module note above and each step's comment."""
    sheets = _sheets(real)
    weekly = sheets[WEEKLY_2020]
    week_row = _find(weekly, "Week number")
    week53 = weekly[week_row].index(53)
    for row in weekly:  # the week-53 column exists only for 2020
        del row[week53:]
    _as_2021(weekly)
    unpublished = [weekly[week_row].index(w) for w in range(36, 40)]
    for row in weekly[week_row + 2:_find(weekly, "Footnotes")]:
        for c in unpublished:  # weeks 36-39 not yet published: present but empty
            row[c] = None
    total = _find(weekly, "Total deaths, all ages")
    weekly[total][0] = "Total deaths, all ages (2021)"
    comparison = ["Total deaths, all ages (2020)", None] + [
        v + 1000 if isinstance(v, (int, float)) else v for v in weekly[total][2:]]
    weekly.insert(total + 1, comparison)  # 2020 comparison row: never read as 2021
    north_west = _find(weekly, "E12000002")
    weekly[north_west][2] = f"{weekly[north_west][2]} 7"  # footnote digit in a cell
    weekly[north_west][3] = ":"  # not available
    weekly[_find(weekly, "Persons")][1] = "People 6"
    start = _find(weekly, "Deaths by cause")
    by_cause = weekly[start:start + 3]  # cause rows move to their own sheet
    del weekly[start:start + 3]
    cause_sheet = [weekly[week_row], weekly[week_row + 1], [], *by_cause]
    place = _place_2021(sheets[PLACE], ytd)
    return _tiny_workbook(tmp_path / "edition2021.xlsx", {
        "Contents": [["Contents"]], "Weekly figures 2021": weekly,
        "Weekly figures by cause": cause_sheet, PLACE: place})


def _place_2021(rows: list[list[object]], ytd: str) -> list[list[object]]:
    _as_2021(rows)
    week_row = _find(rows, "Week number")
    first = rows[week_row].index(36)
    title = _find(rows, "Deaths registered from")
    for row in rows[week_row + 2:title]:  # weeks 36-39 not yet published here either
        row[first:] = [None] * (len(row) - first)
    rows[title][0] = "Deaths registered from 2 January 2021 to 3 September 2021"
    block = rows[title:title + 10]
    del rows[title:title + 10]
    if ytd == "below":  # further down, after a note row
        rows[title:title] = [[None], ["Note: figures for weeks 36-39 are provisional"], [None],
                             *block]
    elif ytd == "right":  # to the right of the weekly blocks, on their rows
        week_row = _find(rows, "Week number")
        width = max(len(r) for r in rows) + 2
        for offset, line in enumerate(block):
            target = rows[week_row + 2 + offset]
            target.extend([None] * (width - len(target)))
            target.extend(line)
    return rows


@pytest.fixture(scope="module")
def weekly_2021(shared_file, tmp_path_factory):
    path = _edition_2021(tmp_path_factory.mktemp("w21"), shared_file(WORKBOOK))
    return load_weekly_workbook(path), path


def test_2021_edition_reads_2021_weeks_only(weekly, weekly_2021):
    frame, _ = weekly_2021
    deaths = frame[(frame["measure"] == "deaths") & (frame["place"] == "all")]
    assert set(deaths["year"]) == {2021}
    total = deaths[(deaths["area_code"] == "K04000001") & (deaths["cause"] == "all_causes")]
    # weeks 36-39 are empty (never zero), week 53 does not exist; the 2020 comparison row
    # (values + 1000) is never read as 2021
    assert total["week"].tolist() == list(range(1, 36))
    original = weekly[(weekly["measure"] == "deaths") & (weekly["area_code"] == "K04000001")
                      & (weekly["cause"] == "all_causes") & (weekly["place"] == "all")]
    assert total["deaths"].tolist() == original["deaths"].tolist()[:35]
    assert total["deaths"].iloc[0] == 12254


def test_2021_edition_footnote_digits_and_not_available(weekly_2021):
    frame, _ = weekly_2021
    north_west = frame[(frame["area_code"] == "E12000002") & (frame["measure"] == "deaths")]
    assert _value(north_west, week=1) == 1806  # "1806 7"
    assert 2 not in set(north_west["week"])  # ":" -> missing, not zero
    assert _value(north_west, week=3) == 1696


def test_2021_edition_cause_rows_on_their_own_sheet(weekly_2021):
    frame, _ = weekly_2021
    deaths = frame[(frame["measure"] == "deaths") & (frame["area_code"] == "K04000001")
                   & (frame["place"] == "all")]
    assert _value(deaths, week=1, cause="respiratory") == 2140
    covid = deaths[deaths["cause"] == "covid19"]
    assert covid["week"].max() == 35 and _value(covid, week=1) == 0
    average = frame[frame["measure"] == "five_year_average"]
    assert _value(average, area_code="E92000001", week=1) == 11412
    assert sorted(average["area_code"].unique()) == ["E92000001", "K04000001", "W92000004"]


@pytest.mark.parametrize("ytd", ["below", "right"])
def test_2021_edition_year_to_date_block_that_moves(shared_file, tmp_path, ytd):
    path = _edition_2021(tmp_path, shared_file(WORKBOOK), ytd=ytd)
    by_place = load_deaths_by_place(path)
    england = by_place[by_place["area_code"] == "E92000001"].set_index(["cause", "place"])
    assert set(by_place["period"]) == {"2021 weeks 1-35"}
    assert england.loc[("all_causes", "all"), "deaths"] == 425_995
    assert england.loc[("covid19", "care_home"), "deaths"] == 14_888
    weekly = load_weekly_deaths(path)
    homes = weekly[(weekly["area_code"] == "E92000001") & (weekly["place"] == "care_home")
                   & (weekly["cause"] == "all_causes")]
    assert homes["week"].tolist() == list(range(11, 36)) and set(homes["year"]) == {2021}
    assert homes["deaths"].iloc[0] == 2373


def test_week_53_edition_gives_full_year_place_of_death(shared_file, tmp_path):
    """A week-53 2020 edition: the year-to-date block ends on 1 January 2021 (week 53)."""
    sheets = _sheets(shared_file(WORKBOOK))
    place = sheets[PLACE]
    week_row = _find(place, "Week number")
    last = max(c for c, v in enumerate(place[week_row]) if isinstance(v, int))
    for row in place:  # week 53 (a copy of week 39's figures) after the last week
        row.extend(row[last:last + 6])
    place[week_row][-6:] = [53, None, None, None, None, None]
    place[week_row + 1][-6:] = [datetime(2021, 1, 1), None, None, None, None, None]
    title = _find(place, "Deaths registered from")
    place[title][0] = "Deaths registered from 28 December 2019 to 1 January 2021"
    path = _tiny_workbook(tmp_path / "week53.xlsx", {WEEKLY_2020: sheets[WEEKLY_2020],
                                                     PLACE: place})
    by_place = load_deaths_by_place(path)
    assert set(by_place["period"]) == {"2020 weeks 1-53"}
    weekly = load_weekly_deaths(path)
    week53 = weekly[(weekly["week"] == 53) & (weekly["area_code"] == "E92000001")]
    # 6 places x 2 causes, and "all" (their sum) for each cause
    assert set(week53["year"]) == {2020} and len(week53) == 14
    assert list(by_place.columns) == ["area_code", "period", "cause", "place", "deaths"]


def test_weekly_deaths_table_from_the_workbook(shared_file):
    frame = load_weekly_deaths(shared_file(WORKBOOK))
    assert list(frame.columns) == WEEKLY_DEATHS_COLUMNS
    assert str(frame["deaths"].dtype) == "Int64" and not frame["illustrative"].any()
    assert {"K04000001", "E92000001", "W92000004", "E12000002"} <= set(frame["area_code"])
    assert set(frame["cause"]) == {"all_causes", "covid19"}
    north_west = frame[(frame["area_code"] == "E12000002") & (frame["week"] == 1)]
    assert north_west["deaths"].tolist() == [1806]
    wales = frame[(frame["area_code"] == "W92000004") & (frame["place"] == "all")
                  & (frame["week"] == 1)]
    assert wales["deaths"].tolist() == [787]
    # England has places only on the place sheet: "all" is their sum, weeks 11-39
    england = frame[(frame["area_code"] == "E92000001") & (frame["place"] == "all")]
    assert england.groupby("cause")["week"].apply(list).to_dict() == {
        "all_causes": list(range(11, 40)), "covid19": list(range(11, 40))}
    assert 49_000 < england[england["cause"] == "covid19"]["deaths"].sum() <= 50_195


def test_deaths_by_place_ground_truth_and_edition(shared_file):
    path = shared_file(WORKBOOK)
    by_place = load_deaths_by_place(path)
    assert set(by_place["period"]) == {"2020 weeks 1-39"}
    england = by_place[by_place["area_code"] == "E92000001"].set_index(["cause", "place"])
    assert england.loc[("all_causes", "all"), "deaths"] == 425_995
    assert england.loc[("covid19", "all"), "deaths"] == 50_195
    assert england.loc[("all_causes", "care_home"), "deaths"] == 105_566
    assert england.loc[("covid19", "care_home"), "deaths"] == 14_888
    assert set(by_place["area_code"]) == {"K04000001", "E92000001", "W92000004"}
    # the 2020 workbooks state no release date: the edition is the last week's end date
    assert weekly_edition(path) == "2020-09-25"


def test_edition_from_a_stated_release_date(shared_file, tmp_path):
    path = _edition_2021(tmp_path, shared_file(WORKBOOK))
    assert weekly_edition(path) == "2021-09-03"  # week 35 of 2021 (weeks 36-39 empty)
    book = openpyxl.load_workbook(path)
    book["Contents"].append(["Release date:", datetime(2021, 9, 14)])
    book.save(path)
    assert weekly_edition(path) == "2021-09-14"
    # the 2024-on cover sheet is called "Cover_sheet"; its stated date wins as well
    book = openpyxl.load_workbook(path)
    del book["Contents"]
    book.create_sheet("Cover_sheet", 0).append(["Publication date", datetime(2021, 9, 15)])
    book.save(path)
    assert weekly_edition(path) == "2021-09-15"


def test_workbook_with_two_years_of_weekly_sheets(shared_file, tmp_path):
    """A later edition carrying the previous year's full sheet beside the current one."""
    real = shared_file(WORKBOOK)
    current = _edition_2021(tmp_path, real)
    book = openpyxl.load_workbook(current)
    previous = book.create_sheet(WEEKLY_2020)
    for row in _sheets(real)[WEEKLY_2020]:
        previous.append(row)
    book.save(current)
    frame = load_weekly_deaths(current)
    totals = frame[(frame["area_code"] == "K04000001") & (frame["cause"] == "all_causes")
                   & (frame["place"] == "all")]
    assert totals.groupby("year")["week"].max().to_dict() == {2020: 39, 2021: 35}
    assert _value(totals, year=2020, week=1) == 12254
    assert _value(totals, year=2021, week=1) == 12254
    # COVID-19 rows: on the 2020 sheet for 2020, on the "by cause" sheet for 2021
    covid = frame[(frame["area_code"] == "K04000001") & (frame["cause"] == "covid19")
                  & (frame["place"] == "all")]
    assert sorted(covid["year"].unique()) == [2020, 2021]


def test_period_order_newest_last():
    periods = ["2021 weeks 1-10", "2020 weeks 1-53", "2021 weeks 1-9", "2020 weeks 1-39",
               "2020-03-07 to 2021-09-17"]
    assert sorted(periods, key=period_order) == [
        "2020 weeks 1-39", "2020 weeks 1-53", "2021 weeks 1-9", "2021 weeks 1-10",
        "2020-03-07 to 2021-09-17"]
    assert period_order("unknown") == (0, 0)
