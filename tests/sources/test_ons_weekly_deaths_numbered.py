"""ONS weekly deaths workbook, the numbered-sheet layout of the 2022 and 2023 editions.

Evidence for the layout (public scripts reading those editions; see the module docstring of
``asclib.sources.ons_weekly_deaths``): sheets "Cover", "Contents", "Notes", then "1", "2", ...;
each table has a few title/notes lines above one header row that starts "Week number", "Week
ending", then one column per category, and one row per week below (sheet "2", age groups:
``skip = 6``, columns Week number | Week ending | All ages | <1 | ... | 90+, 2022 and 2023;
stacked persons / males / females blocks in the 2022 week-18 and week-21 editions; sheet "10",
``range = "A6:Q58"``, 52 weeks). Which sheet holds the regions and the places, and the exact
header words, are not in that evidence: the headers written here are plausible ONS wording,
and the reader relies on words (area, cause, place), never on sheet numbers or positions.

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

from asclib import cli
from asclib.errors import InputDataError
from asclib.sources import official
from asclib.sources.ons_weekly_deaths import (
    WEEKLY_DEATHS_COLUMNS,
    load_deaths_by_place,
    load_weekly_deaths,
    load_weekly_workbook,
    numbered_layout_tables,
)
from asclib.sources.ons_weekly_deaths import edition as weekly_edition

EW, ENGLAND, WALES = "K04000001", "E92000001", "W92000004"
REGIONS = {"E12000001": "North East", "E12000002": "North West (E12000002)",
           "E12000003": "Yorkshire and The Humber", "E12000004": "East Midlands",
           "E12000005": "West Midlands", "E12000006": "East of England",
           "E12000007": "London", "E12000008": "South East", "E12000009": "South West"}
PLACES = {"home": "Home", "hospital": "Hospital", "care_home": "Care home",
          "hospice": "Hospice", "other_communal": "Other communal establishment",
          "elsewhere": "Elsewhere"}
AGES = ["<1", "01-04", "05-09", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44",
        "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
LAST_WEEK = 52  # weeks 40-52 are listed but not yet published: empty cells


def _table(book, name: str, title: str, header: list[str], rows: dict[int, list]) -> None:
    """One numbered sheet: title and notes lines, the header in row 6, a row per week."""
    sheet = book.create_sheet(name)
    sheet.append([title])
    sheet.append(["This worksheet contains one table. Some cells refer to notes which can be "
                  "found in the notes worksheet."])
    sheet.append(["Source: Office for National Statistics"])
    sheet.append(["Figures for 2020 are provisional [note 1]"])
    sheet.append([])
    sheet.append(["Week number", "Week ending", *header])
    for week in range(1, LAST_WEEK + 1):
        sheet.append([week, week_ending(week), *rows.get(week, [None] * len(header))])


def build_numbered_workbook(weekly: pd.DataFrame, tidy: pd.DataFrame, path: Path) -> Path:
    """The 2020 figures (``weekly``: ``load_weekly_deaths`` of the 2020 layout; ``tidy``: its
    ``load_weekly_workbook``, for the averages and respiratory rows) as numbered sheets."""
    def value(area, week, cause="all_causes", place="all", frame=weekly, measure=None):
        rows = frame[(frame["area_code"] == area) & (frame["week"] == week)
                     & (frame["cause"] == cause) & (frame["place"] == place)]
        if measure is not None:
            rows = rows[rows["measure"] == measure]
        return int(rows["deaths"].iloc[0]) if len(rows) else None

    def average(area, week):
        return value(area, week, frame=tidy, measure="five_year_average")

    weeks = sorted(weekly["week"].unique())
    book = openpyxl.Workbook()
    book.active.title = "Cover"
    book["Cover"].append(["Deaths registered weekly in England and Wales, provisional"])
    book.create_sheet("Contents").append(["Worksheet number", "Worksheet title"])
    book.create_sheet("Notes").append(["Note number", "Note text"])
    _table(book, "1", "Table 1: Weekly deaths registered in England and Wales, 2020, "
           "including deaths involving COVID-19",
           ["Total deaths, all ages", "Five-year average (2015 to 2019) [note 2]",
            "Deaths involving COVID-19 [note 3]",
            "Deaths where the underlying cause was respiratory disease (J00-J99)",
            "Difference from the five-year average", "England: five-year average",
            "Wales: five-year average"],
           {w: [value(EW, w), average(EW, w), value(EW, w, "covid19"),
                value(EW, w, "respiratory", frame=tidy, measure="deaths"),
                value(EW, w) - average(EW, w), average(ENGLAND, w), average(WALES, w)]
            for w in weeks})
    _table(book, "2", "Table 2: Deaths registered weekly by age group, England and Wales, 2020",
           ["All ages", *AGES], {w: [value(EW, w), *[1] * len(AGES)] for w in weeks})
    males = book["2"]  # the males block below the persons one: never read
    males.append([])
    males.append(["Males"])
    males.append(["Week number", "Week ending", "All ages", *AGES])
    males.append([45, week_ending(45), 5, *[1] * len(AGES)])  # a week the persons block lacks
    _table(book, "6", "Table 6: Deaths registered weekly by region of usual residence, "
           "England and Wales, 2020", ["England", *REGIONS.values(), "Wales"],
           {w: [value(ENGLAND, w), *[value(code, w) for code in REGIONS], value(WALES, w)]
            for w in weeks})
    place_weeks = sorted(weekly.loc[weekly["place"] == "home", "week"].unique())
    _table(book, "8", "Table 8: Deaths registered weekly by place of occurrence, England and "
           "Wales, 2020",
           ["All places", *PLACES.values(),
            *[f"{label}: deaths involving COVID-19" for label in PLACES.values()]],
           {w: [value(EW, w), *[value(EW, w, place=p) for p in PLACES],
                *[value(EW, w, "covid19", p) for p in PLACES]] for w in place_weeks})
    for name, area, label in (("9", ENGLAND, "England"), ("10", WALES, "Wales")):
        _table(book, name, f"Table {name}: Deaths registered weekly by place of occurrence, "
               f"{label}, 2020",
               [f"{label}: all places", *[f"{label}: {p}" for p in PLACES.values()],
                f"{label}: COVID-19, all places",
                *[f"{label}: {p} (COVID-19)" for p in PLACES.values()]],
               {w: [value(area, w), *[value(area, w, place=p) for p in PLACES],
                    value(area, w, "covid19"), *[value(area, w, "covid19", p) for p in PLACES]]
                for w in place_weeks})
    book.save(path)
    return path


@pytest.fixture(scope="module")
def old(weekly_2020_deaths, weekly_2020_table) -> tuple[pd.DataFrame, pd.DataFrame]:
    return weekly_2020_deaths, weekly_2020_table


@pytest.fixture(scope="module")
def numbered_file(old, tmp_path_factory) -> Path:
    return build_numbered_workbook(*old, tmp_path_factory.mktemp("numbered") / "weekly.xlsx")


def _edited(numbered_file: Path, tmp_path: Path, edit) -> Path:
    book = openpyxl.load_workbook(numbered_file)
    edit(book)
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path


def _value(frame: pd.DataFrame, **where) -> float:
    rows = frame
    for column, wanted in where.items():
        rows = rows[rows[column] == wanted]
    assert len(rows) == 1, where
    return float(rows["deaths"].iloc[0])


def test_weekly_deaths_same_as_2020_layout(old, numbered_file):
    weekly, _ = old
    new = load_weekly_deaths(numbered_file)
    assert list(new.columns) == WEEKLY_DEATHS_COLUMNS
    keys = ["area_code", "year", "week", "cause", "place"]
    pd.testing.assert_frame_equal(new.sort_values(keys).reset_index(drop=True),
                                  weekly.sort_values(keys).reset_index(drop=True))
    # real figures of the week-39 2020 edition
    assert _value(new, area_code=EW, week=1, cause="all_causes", place="all") == 12_254
    assert _value(new, area_code=EW, week=16, cause="all_causes", place="all") == 22_351
    assert _value(new, area_code=EW, week=16, cause="covid19", place="all") == 8_758
    assert _value(new, area_code="E12000002", week=1, cause="all_causes", place="all") == 1_806
    assert _value(new, area_code=ENGLAND, week=39, cause="covid19", place="care_home") == \
        _value(weekly, area_code=ENGLAND, week=39, cause="covid19", place="care_home")
    # unpublished weeks 40-52 give no rows (never zeros), the males block is not read
    assert new["week"].max() == 39 and not new["illustrative"].any()


def test_averages_and_respiratory_rows(old, numbered_file):
    _, tidy = old
    frame = load_weekly_workbook(numbered_file)
    for measure, cause in (("five_year_average", "all_causes"), ("deaths", "respiratory")):
        got = frame[(frame["measure"] == measure) & (frame["cause"] == cause)]
        want = tidy[(tidy["measure"] == measure) & (tidy["cause"] == cause)]
        assert sorted(got["area_code"].unique()) == sorted(want["area_code"].unique())
        merged = got.merge(want, on=["area_code", "year", "week"], suffixes=("", "_2020"))
        assert len(merged) == len(want) and (merged["deaths"] == merged["deaths_2020"]).all()
    # the difference column is passed over, not read as deaths
    assert not (frame["deaths"] < 0).any()


def test_place_totals_cover_the_weeks_with_places(old, numbered_file):
    weekly, _ = old
    by_place = load_deaths_by_place(numbered_file)
    assert set(by_place["period"]) == {"2020 weeks 11-39"}
    span = weekly[weekly["area_code"].isin([EW, ENGLAND, WALES]) & weekly["week"].between(11, 39)]
    expected = span.groupby(["area_code", "cause", "place"])["deaths"].sum()
    got = by_place.set_index(["area_code", "cause", "place"])["deaths"]
    assert got.to_dict() == {k: float(v) for k, v in expected.items()}
    assert got[(ENGLAND, "covid19", "care_home")] == 14_814
    england = by_place[(by_place["area_code"] == ENGLAND) & (by_place["cause"] == "covid19")]
    assert list(england["place"]) == ["all", "care_home", "hospital", "home", "hospice",
                                      "other_communal", "elsewhere"]
    # weeks 11-39 only: not a year-to-date figure, so the tidy frame keeps none
    assert not (load_weekly_workbook(numbered_file)["measure"] == "deaths_year_to_date").any()


def test_edition_is_the_last_published_week(numbered_file, tmp_path):
    assert weekly_edition(numbered_file) == "2020-09-25"

    def averages_ahead(book):  # averages are known for weeks not yet published
        for row in range(7 + 39, 7 + LAST_WEEK):
            book["1"].cell(row, 4, 9_000)

    ahead = _edited(numbered_file, tmp_path, averages_ahead)
    assert weekly_edition(ahead) == "2020-09-25"
    frame = load_weekly_workbook(ahead)
    assert frame.loc[frame["measure"] == "deaths", "week"].max() == 39
    assert frame.loc[frame["measure"] == "five_year_average", "week"].max() == LAST_WEEK

    def stated(book):
        book["Cover"].append(["Publication date", "6 October 2020"])

    assert weekly_edition(_edited(numbered_file, tmp_path, stated)) == "2020-10-06"


def test_header_spelling_variants(old, numbered_file, tmp_path):
    def respell(book):
        for name in ("1", "6", "9"):
            sheet = book[name]
            for cell in sheet[6]:
                if isinstance(cell.value, str):
                    cell.value = {"Week number": "WeekNumber ", "Week ending": "WEEK ENDING",
                                  "North East": "north  east ", "Yorkshire and The Humber":
                                  "YorkshireandtheHumber", "England: Care home":
                                  "England:CareHome"}.get(cell.value, cell.value.upper())

    new = load_weekly_deaths(_edited(numbered_file, tmp_path, respell))
    keys = ["area_code", "year", "week", "cause", "place"]
    pd.testing.assert_frame_equal(new.sort_values(keys).reset_index(drop=True),
                                  old[0].sort_values(keys).reset_index(drop=True))


def test_extra_columns_and_markers(old, numbered_file, tmp_path):
    def extra(book):
        sheet = book["6"]
        sheet.insert_cols(3)
        sheet["C6"] = "Notes"
        sheet.insert_cols(4)
        sheet["D6"] = "Rate per 100,000 people"
        for row in range(7, 7 + LAST_WEEK):
            sheet.cell(row, 3, "see note 4")
            sheet.cell(row, 4, 987_654)
        book["1"].insert_cols(3)  # a comparison column first: passed over
        book["1"]["C6"] = "Total deaths, all ages (2019)"
        for row in range(7, 7 + LAST_WEEK):
            book["1"].cell(row, 3, 10_000 + row)
        sheet["G7"] = "[x]"  # North West, week 1 (column shifted from E to G)
        sheet["H8"] = ":"  # Yorkshire and The Humber, week 2
        sheet["I9"] = "[c]"  # East Midlands, week 3

    new = load_weekly_deaths(_edited(numbered_file, tmp_path, extra))
    north_west = new[(new["area_code"] == "E12000002") & (new["place"] == "all")]
    assert 1 not in set(north_west["week"]) and len(north_west) == 38
    assert 2 not in set(new.loc[new["area_code"] == "E12000003", "week"])
    assert 3 not in set(new.loc[new["area_code"] == "E12000004", "week"])
    assert _value(new, area_code="E12000002", week=2, cause="all_causes", place="all") == \
        _value(old[0], area_code="E12000002", week=2, cause="all_causes", place="all")
    assert new["deaths"].max() < 987_654
    assert _value(new, area_code=EW, week=1, cause="all_causes", place="all") == 12_254


def test_sheet_renamed_and_reordered(old, numbered_file, tmp_path):
    def shuffle(book):
        book["6"].title = "Regions"
        book["1"].title = "1a"
        book.move_sheet("Regions", offset=-5)
        book.move_sheet("10", offset=-7)

    path = _edited(numbered_file, tmp_path, shuffle)
    assert {t.sheet for t in numbered_layout_tables(path)} >= {"Regions", "1a", "10"}
    new = load_weekly_deaths(path)
    assert len(new) == len(old[0])
    assert _value(new, area_code="E12000002", week=1, cause="all_causes", place="all") == 1_806


def test_group_row_above_the_header(old, numbered_file, tmp_path):
    def grouped(book):  # "All deaths" over C-I, "Deaths involving COVID-19" over J-O
        sheet = book["8"]
        sheet["C5"], sheet["J5"] = "All deaths", "Deaths involving COVID-19"
        for column, label in zip("JKLMNO", PLACES.values(), strict=True):
            sheet[f"{column}6"] = label

    new = load_weekly_deaths(_edited(numbered_file, tmp_path, grouped))
    keys = ["area_code", "year", "week", "cause", "place"]
    pd.testing.assert_frame_equal(new.sort_values(keys).reset_index(drop=True),
                                  old[0].sort_values(keys).reset_index(drop=True))


def test_bad_count_names_sheet_row_column(numbered_file, tmp_path):
    def spoil(book):
        book["6"]["E9"] = "lots"  # North West, week 3

    with pytest.raises(InputDataError) as caught:
        load_weekly_deaths(_edited(numbered_file, tmp_path, spoil))
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row) == ("6", 9)
    assert problem.column == "North West (E12000002) (E)" and "'lots'" in problem.message


def test_other_numbered_workbook_not_recognised(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "1"
    sheet = book["1"]
    sheet.append(["Table 1: weekly claims by local authority"])
    sheet.append(["Week number", "Week ending", "Sefton", "Rate per 1,000"])
    sheet.append([1, date(2022, 1, 7), 10, 1.5])
    path = tmp_path / "other.xlsx"
    book.save(path)
    assert numbered_layout_tables(path) == []
    kind = official.recognise(path)
    assert kind is None or kind.kind != "ons_weekly_deaths_workbook"


def test_recognised_by_content_and_listed_by_asc_sources(numbered_file, tmp_path, capsys):
    raw = tmp_path / "raw"
    dropped = raw / "official" / "downloads" / "anything at all.xlsx"
    dropped.parent.mkdir(parents=True)
    dropped.write_bytes(numbered_file.read_bytes())
    kind = official.recognise(dropped)
    assert kind is not None and kind.kind == "ons_weekly_deaths_workbook"
    tables = kind.read(dropped, official.Context())
    assert kind.edition(dropped, tables) == "2020-10-06"  # Friday of week 39 + 11 days
    assert _value(tables["weekly_deaths"], area_code="E12000002", week=1, cause="all_causes",
                  place="all") == 1_806
    assert tables["england_deaths_by_place"].empty  # weeks 11-39 are no year to date
    assert cli.main(["sources", "--data", str(raw)]) == 0
    (line,) = [x for x in capsys.readouterr().out.splitlines() if "anything at all" in x]
    assert "ons_weekly_deaths_workbook, edition 2020-10-06" in line and "periods 2020" in line


@pytest.mark.parametrize(("header", "expected"), [
    ("Total deaths, all ages (2022)", (None, "all_causes", None, "deaths")),
    ("Total deaths: average of corresponding week over the previous 5 years (2016 to 2019, "
     "2021) (England and Wales)", (EW, "all_causes", None, "five_year_average")),
    ("Deaths involving COVID-19, all ages [note 4]", (None, "covid19", None, "deaths")),
    ("Deaths where the underlying cause was respiratory disease (ICD-10 J00 to J99)",
     (None, "respiratory", None, "deaths")),
    ("England, Wales and non-residents", (EW, None, None, "deaths")),
    ("East of England", ("E12000006", None, None, "deaths")),
    ("E12000002", ("E12000002", None, None, "deaths")),
    ("Hospital (acute or community, not psychiatric)", (None, None, "hospital", "deaths")),
    ("Care homes", (None, None, "care_home", "deaths")),
    ("England:CareHome (COVID-19)", (ENGLAND, "covid19", "care_home", "deaths")),
    ("All ages", (None, None, None, "deaths")),
    ("Deaths due to COVID-19", None), ("Influenza and pneumonia", None),
    ("Scotland", None), ("E06000001", None), ("Difference from five-year average", None),
    ("Percentage of all deaths", None), ("Expected deaths", None), ("90+", None), ("<1", None),
    ("Males", None), ("Rate per 100,000 people", None), ("Dementia and Alzheimer's", None),
    ("North East, North West", None),
])
def test_header_words(header, expected):
    from asclib.sources.ons_weekly_deaths import _wide_column

    column = _wide_column(header)
    got = None if column is None else (column.area, column.cause, column.place, column.measure)
    assert got == expected


def test_all_ages_column_read_and_males_block_not(numbered_file, tmp_path):
    def without_table_1(book):
        del book["1"]

    new = load_weekly_deaths(_edited(numbered_file, tmp_path, without_table_1))
    # England and Wales totals now come from the age table's "All ages" (persons block only)
    assert _value(new, area_code=EW, week=1, cause="all_causes", place="all") == 12_254
    assert _value(new, area_code=EW, week=39, cause="all_causes", place="all") == 9_634
    assert new["week"].max() == 39  # the males block below (week 45) is not read


def test_week_ending_not_a_date_names_sheet_row_column(numbered_file, tmp_path):
    def spoil(book):
        book["6"]["B7"] = "first Friday"  # week 1

    with pytest.raises(InputDataError) as caught:
        load_weekly_workbook(_edited(numbered_file, tmp_path, spoil))
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("6", 7, "B")
    assert "'first Friday' is not a date" in problem.message


def test_cause_from_the_title_and_weeks_of_two_years(old, numbered_file, tmp_path):
    def covid_by_region(book):  # plain region headers: the title says what they count
        sheet = book.create_sheet("7")
        sheet.append(["Table 7: Deaths involving COVID-19 by region of usual residence, "
                      "England and Wales"])
        sheet.append([])
        sheet.append(["Week number", "Week ending", "North East", "Wales"])
        for week, ended in ((51, date(2019, 12, 20)), (52, date(2019, 12, 27)),
                            (1, date(2020, 1, 3)), (2, date(2020, 1, 10))):
            sheet.append([week, ended, 7, 8])

    new = load_weekly_deaths(_edited(numbered_file, tmp_path, covid_by_region))
    covid = new[(new["area_code"] == "E12000001") & (new["cause"] == "covid19")]
    assert list(zip(covid["year"], covid["week"], covid["deaths"], strict=True)) == [
        (2019, 51, 7), (2019, 52, 7), (2020, 1, 7), (2020, 2, 7)]
    assert _value(new, area_code=WALES, year=2019, week=52, cause="covid19", place="all") == 8
    # the all-cause figures of those regions are untouched
    assert _value(new, area_code="E12000001", week=1, cause="all_causes", place="all") == \
        _value(old[0], area_code="E12000001", week=1, cause="all_causes", place="all")
    assert weekly_edition(_edited(numbered_file, tmp_path, covid_by_region)) == "2020-09-25"
