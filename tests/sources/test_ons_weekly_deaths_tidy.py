"""ONS weekly deaths workbook, the accessible (long) layout ONS has published since 2024.

Evidence for the layout: ONS's own transform of this workbook into its CMD datasets,
ONS-OpenData/cmd-transforms ``weekly-deaths/main.py`` (commit 059fe2d859e8, 2024 and 2025
editions): sheet "Table_3" has "Week number" in A6 and, from row 7, one row per week, area and
cause: week number | week ending | area ("England, Wales and non-residents", "England and
Wales", "England", the nine regions by name, "Wales") | cause of death ("COVID-19 (...)",
cut at "(") | number of deaths. Sheet "Table_1" (registrations; "Table_2" occurrences) has a
"Week number" header then week ending | area | sex ("All people") | age ("All ages") |
"IMD quantile group" ("All groups", from 2025) | place ("All places", ...) | deaths. Header
texts other than "Week number" and "IMD quantile group" are not in that evidence, so the
headers written here are placeholders and the loader does not rely on them.

The workbook below is built from the real 2020 week-39 edition's figures (via the 2020-layout
loader), so the values are real and known; the loaders must return the same figures.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from weekly_2020 import week_ending

from asclib.errors import InputDataError
from asclib.sources import official
from asclib.sources.ons_weekly_deaths import (
    TIDY_AREAS,
    WEEKLY_DEATHS_COLUMNS,
    load_deaths_by_place,
    load_weekly_deaths,
    load_weekly_workbook,
)
from asclib.sources.ons_weekly_deaths import edition as weekly_edition

AREA_LABELS = {code: label for label, code in TIDY_AREAS.items() if label != "england and wales"}
PLACE_LABELS = {"all": "All places", "home": "Home", "hospital": "Hospital",
                "care_home": "Care home", "hospice": "Hospice",
                "other_communal": "Other communal establishment", "elsewhere": "Elsewhere"}
CAUSE_LABELS = {"all_causes": "All causes", "covid19": "COVID-19 (U07.1, U07.2, U09.9, U10.9)"}


def _label(code: str) -> str:
    return AREA_LABELS[code].title().replace(" And ", " and ").replace(" Of ", " of ") \
        .replace(" The ", " The ").replace("Non-Residents", "non-residents")


def _title(sheet, text: str) -> None:
    sheet.append([text])
    sheet.append(["This worksheet contains one table."])
    sheet.append(["Source: Office for National Statistics"])
    sheet.append([])
    sheet.append(["Some cells refer to notes which can be found in the notes worksheet."])


def build_tidy_workbook(old: pd.DataFrame, path: Path) -> Path:
    """The 2020 figures (``old``: ``load_weekly_deaths`` of the 2020 layout) laid out as the
    accessible-layout "Table_1" (all causes by place) and "Table_3" (by cause)."""
    book = openpyxl.Workbook()
    book.active.title = "Cover_sheet"
    book["Cover_sheet"].append(["Deaths registered weekly in England and Wales, provisional"])
    book.create_sheet("Contents").append(["Worksheet", "Description"])
    book.create_sheet("Notes").append(["Note number", "Note text"])
    table_1 = book.create_sheet("Table_1")
    _title(table_1, "Table 1: weekly deaths registered by area, sex, age and place")
    table_1.append(["Week number", "Week ending", "Area of usual residence", "Sex", "Age",
                    "IMD quantile group", "Place of death", "Number of deaths"])
    table_3 = book.create_sheet("Table_3")
    _title(table_3, "Table 3: weekly deaths registered by area and cause")
    table_3.append(["Week number", "Week ending", "Area of usual residence", "Cause of death",
                    "Number of deaths"])
    for row in old.sort_values(["week", "area_code", "cause", "place"]).itertuples():
        ended = week_ending(row.week)
        if row.place == "all":
            table_3.append([row.week, f"{ended.day} {ended:%B %Y}", _label(row.area_code),
                            CAUSE_LABELS[row.cause], int(row.deaths)])
        if row.cause == "all_causes":
            table_1.append([row.week, ended, _label(row.area_code), "All people", "All ages",
                            "All groups", PLACE_LABELS[row.place], int(row.deaths)])
            # breakdowns the loader must pass over
            table_1.append([row.week, ended, _label(row.area_code), "Female", "All ages",
                            "All groups", PLACE_LABELS[row.place], 1])
            table_1.append([row.week, ended, _label(row.area_code), "All people", "85 to 89",
                            "All groups", PLACE_LABELS[row.place], 2])
            table_1.append([row.week, ended, _label(row.area_code), "All people", "All ages",
                            "Most deprived 20%", PLACE_LABELS[row.place], 3])
    # residents only: skipped, "England, Wales and non-residents" is K04000001
    table_3.append([39, "25 September 2020", "England and Wales", "All causes", 1])
    book.save(path)
    return path


@pytest.fixture(scope="module")
def old_weekly(weekly_2020_deaths) -> pd.DataFrame:
    return weekly_2020_deaths


@pytest.fixture(scope="module")
def tidy_file(old_weekly, tmp_path_factory) -> Path:
    return build_tidy_workbook(old_weekly, tmp_path_factory.mktemp("tidy") / "weekly.xlsx")


def test_weekly_deaths_same_as_2020_layout(old_weekly, tidy_file):
    new = load_weekly_deaths(tidy_file)
    assert list(new.columns) == WEEKLY_DEATHS_COLUMNS
    # the accessible layout has no COVID-19 deaths by place: those rows are the only loss
    expected = old_weekly[(old_weekly["cause"] == "all_causes") | (old_weekly["place"] == "all")]
    keys = ["area_code", "year", "week", "cause", "place"]
    pd.testing.assert_frame_equal(new.sort_values(keys).reset_index(drop=True),
                                  expected.sort_values(keys).reset_index(drop=True))
    row = new[(new["area_code"] == "K04000001") & (new["week"] == 1)
              & (new["cause"] == "all_causes") & (new["place"] == "all")]
    assert row["deaths"].tolist() == [12254]  # not the residents-only row
    north_west = new[(new["area_code"] == "E12000002") & (new["cause"] == "all_causes")]
    assert north_west["week"].tolist() == list(range(1, 40))
    assert north_west.loc[north_west["week"] == 1, "deaths"].tolist() == [1806]
    assert sorted(new.loc[new["area_code"].str.startswith("E12"), "area_code"].unique()) == \
        [f"E1200000{i}" for i in range(1, 10)]
    assert not new["illustrative"].any()


def test_place_totals_cover_the_weeks_with_places(old_weekly, tidy_file):
    by_place = load_deaths_by_place(tidy_file)
    # weekly place rows run from week 11 in the 2020 figures: the period says so
    assert set(by_place["period"]) == {"2020 weeks 11-39"}
    assert set(by_place["cause"]) == {"all_causes"}
    span = old_weekly[(old_weekly["cause"] == "all_causes")
                      & old_weekly["area_code"].isin(["K04000001", "E92000001", "W92000004"])
                      & old_weekly["week"].between(11, 39)]
    expected = span.groupby(["area_code", "place"])["deaths"].sum()
    got = by_place.set_index(["area_code", "place"])["deaths"]
    assert got.to_dict() == {k: float(v) for k, v in expected.items()}
    england = by_place[by_place["area_code"] == "E92000001"].set_index("place")["deaths"]
    assert list(england.index) == ["all", "care_home", "hospital", "home", "hospice",
                                   "other_communal", "elsewhere"]
    assert england["all"] == sum(england.drop("all"))
    # not a year-to-date figure: the tidy frame (and so `asc prepare`) keeps none
    workbook = load_weekly_workbook(tidy_file)
    assert not (workbook["measure"] == "deaths_year_to_date").any()


def test_recognised_by_content_with_its_edition(tidy_file, tmp_path):
    kind = official.recognise(tidy_file)
    assert kind is not None and kind.kind == "ons_weekly_deaths_workbook"
    renamed = tmp_path / "anything.xlsx"
    renamed.write_bytes(tidy_file.read_bytes())
    assert official.recognise(renamed).kind == "ons_weekly_deaths_workbook"
    assert weekly_edition(tidy_file) == "2020-09-25"
    tables = kind.read(tidy_file, official.Context())
    assert tables["england_deaths_by_place"].empty
    weekly = tables["weekly_deaths"]
    assert weekly.loc[(weekly["area_code"] == "E12000002") & (weekly["week"] == 1),
                      "deaths"].tolist() == [1806]
    assert kind.edition(tidy_file, tables) == "2020-10-06"  # Friday of week 39 + 11 days


def test_other_table_workbook_not_recognised(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Table_1"
    sheet = book["Table_1"]
    _title(sheet, "Table 1: something else by week")
    sheet.append(["Week number", "Week ending", "Local authority", "Measure", "Value"])
    sheet.append([1, date(2024, 1, 5), "Sefton", "Claims", 10])
    book.create_sheet("Table_3").append(["Week number", "Value"])
    path = tmp_path / "other.xlsx"
    book.save(path)
    kind = official.recognise(path)
    assert kind is None or kind.kind != "ons_weekly_deaths_workbook"


def test_bad_count_names_sheet_row_column(old_weekly, tmp_path):
    path = build_tidy_workbook(old_weekly[old_weekly["week"] <= 2], tmp_path / "bad.xlsx")
    book = openpyxl.load_workbook(path)
    book["Table_3"]["E7"] = "lots"
    book.save(path)
    with pytest.raises(InputDataError) as caught:
        load_weekly_deaths(path)
    text = str(caught.value)
    assert "Table_3" in text and "row 7" in text and "E" in text
