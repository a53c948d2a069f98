"""ONS weekly deaths: the weekly provisional workbook and the local-authority CSV dataset.

1. ``publishedweekNN2020.xlsx`` ("Deaths registered weekly in England and Wales, provisional"):
   sheet ``Weekly figures 2020`` has weeks as columns (a "Week number" row, a "Week ended" row)
   and stacked sub-tables down the rows: total deaths, the five-year average rows for England
   and Wales / England / Wales (each label split over two cells), deaths by cause, by age
   (skipped here) and by region of usual residence (ONS codes in the first column). Labels carry
   glued footnote digits ("Deaths by region of usual residence 7"). Sheet
   ``Covid-19 - Place of occurrence`` has, per week, six columns (England and Wales / England /
   Wales x total / COVID-19 deaths) and place rows, then a year-to-date block.
   :func:`load_weekly_workbook` returns tidy rows
   ``area_code, year, week, cause, place, deaths, basis, measure``.

   The accessible (long) layout ONS has used since the 2024 edition is read too, recognised by
   its cells, not its sheet names: "Table_3" has a "Week number" header cell and then one row
   per week, area and cause (week number | week ending | area by name | cause of death |
   deaths), "Table_1" per week, area, sex, age, [IMD quantile group,] place of death. Areas
   are named ("England, Wales and non-residents" -> K04000001, "England", "Wales", the nine
   regions); sex, age and IMD totals ("All people", "All ages", "All groups") are kept,
   breakdowns passed over. It has no year-to-date block and no COVID-19 deaths by place: the
   place totals are sums of the weekly all-cause place rows. Evidence: ONS's own transform,
   ONS-OpenData/cmd-transforms ``weekly-deaths/main.py``.

   The numbered-sheet layout of the 2022 and 2023 editions (``publicationfileweekNN2022.xlsx``,
   ``...2023.xlsx``) is read too: sheets "Cover", "Contents", "Notes", then "1", "2", ...; each
   table has a few title and notes lines, then one header row holding "Week number" and "Week
   ending" cells, then one row per week (weeks as rows), one column per category (areas, causes,
   places, age groups). What public scripts reading these editions show: sheet "2" is deaths by age
   group, ``read_excel(sheet = "2", skip = 6)`` with columns Week number | Week ending | All ages |
   <1 | 01-04 | ... | 90+, for publicationfileweek522022 and publicationfileweek352023 alike
   (public R scripts modelling excess deaths); sheet "4" (COVID-19 deaths by age) stacks persons,
   males and females blocks with their own header rows (VictimOfMaths/COVID-19
   ``Heatmaps/COVIDTotalDeathsPyramid.R``, week-18 2022 edition, ``sheet="4", range="A28:W46"`` /
   ``"A49:W67"``, dropping Week ending and All ages); sheet "5" holds COVID-19 deaths by age with
   weeks of two years in one table ("2022 & 2023": ``sheet="5", range="A7:W100"`` of the week-41
   2023 edition; the 8th sheet of the week-52 2022 edition, ``range = 'A7:W111'``, "Week ending" as
   dates, 2021 and 2022); the 6th sheet ("3") has its header in row 6 and 52 week rows below
   (``rows = 6:59``; a flu-season script keeps its 5th and 6th columns as "Involving" / "Due to");
   sheet "10" of the week-52 2022 edition is a weekly table in ``range = "A6:Q58"`` (kept as deaths
   at home). The same evidence puts the week-52 2022 edition's publication on 10 January 2023 and
   the week-35 2023 one's on 19 September 2023. Which sheet holds the regions and the places, and
   the exact header words, are NOT in that evidence, so nothing here depends on sheet names, sheet
   order or column positions: every sheet (any name) is recognised by a header row with "Week
   number" and "Week ending" cells above rows of week numbers, and each column by the words of its
   header (:func:`_wide_column`): an area by name ("England and Wales", "England", "Wales", the
   nine regions) or ONS code, a cause ("COVID-19" involving/mentioned; "due to"/underlying COVID-19
   and other causes are passed over; "respiratory"), a place ("Home", "Care home", ...), "average"
   (the published five-year average); what the header leaves unsaid comes from the table's title
   line (its one area, else England and Wales; its one place, else all places; COVID-19 when the
   title says so and no column names a cause of its own). Columns that are not counts (differences,
   rates, expected deaths, age bands, sexes), comparison columns naming another year, tables by
   date of occurrence and tables of one sex are passed over; a header with words this reader does
   not know is passed over rather than guessed. Reading a table stops at the first non-week row
   below its weeks (the males block). A row just above the header whose cells span groups of
   category columns ("England and Wales" over places, "Deaths involving COVID-19" over the next
   ones) is read with each header. Header spelling is matched on letters and digits only (trailing
   or lost spaces, capitals). Where two columns give the same figure, the one whose header names
   its area and cause wins. An age table's "All ages" column counts as the total, below any column
   naming its cause. Place totals, as for the accessible layout, are sums of the weekly place rows
   (all causes, and COVID-19 where it has places).

2. The ONS CMD dataset "weekly-deaths-local-authority" CSV
   (``v4_0,calendar-years,time,admin-geography,geography,week-number,week,cause-of-death,
   causeofdeath,place-of-death,placeofdeath,registration-or-occurrence,
   registrationoroccurrence``): :func:`load_la_weekly_csv` returns the processed
   ``weekly_deaths`` table, adding ``place == "all"`` rows as the sum over places.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from asclib.constants import ENGLAND_AND_WALES_CODE, ENGLAND_CODE, WALES_CODE
from asclib.errors import DataProblem, InputDataError, display_path
from asclib.sources._common import (
    check_columns,
    normalise_label,
    open_workbook_checked,
    parse_numbers,
    read_csv_checked,
    squash_label,
    validate_schema,
)
from asclib.sources._tidy import (
    cells_to_numbers,
    clean_label,
    excel_column,
    raise_if,
    read_sheet_rows,
    sheet_names,
    whole_counts,
)

#: The weekly figures sheet of each year ("Weekly figures 2020", "Weekly figures 2021", ...).
WEEKLY_SHEET_PATTERN = re.compile(r"^weekly figures (\d{4})$")
#: The first edition year read: the 2020 layout (the .xls editions of 2019 and before differ).
FIRST_YEAR = 2020
#: The sheet the COVID-19 and respiratory rows moved to in 2021 editions.
CAUSE_SHEET = "Weekly figures by cause"
#: Spelled with a trailing space in the workbooks; sheet names are matched without padding.
PLACE_SHEET = "Covid-19 - Place of occurrence"
#: Kept for callers of the 2020 layout.
WEEKLY_SHEET = "Weekly figures 2020"

#: Area labels of the national workbook -> ONS codes.
AREA_CODES: dict[str, str] = {
    "england and wales": ENGLAND_AND_WALES_CODE,
    "england": ENGLAND_CODE,
    "wales": WALES_CODE,
}

#: Place labels of the workbook and the CMD dataset -> processed vocabulary.
PLACES: dict[str, str] = {
    "all deaths": "all",
    "home": "home",
    "hospital (acute or community, not psychiatric)": "hospital",
    "hospital": "hospital",
    "hospice": "hospice",
    "care home": "care_home",
    "care-home": "care_home",
    "other communal establishment": "other_communal",
    "other-communal-establishment": "other_communal",
    "elsewhere": "elsewhere",
}

#: The order places are listed in (all first, then the places by their share of deaths).
PLACE_ORDER: list[str] = ["all", "care_home", "hospital", "home", "hospice", "other_communal",
                          "elsewhere"]

CAUSES: dict[str, str] = {
    "total deaths": "all_causes",
    "all deaths": "all_causes",
    "covid-19 deaths": "covid19",
    "all-causes": "all_causes",
    "covid-19": "covid19",
}

WORKBOOK_COLUMNS = ["area_code", "year", "week", "cause", "place", "deaths", "basis", "measure"]
MEASURES = ("deaths", "five_year_average", "deaths_year_to_date")

WORKBOOK_SCHEMA = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str, pa.Check.str_matches(r"^[EKW]\d{8}$")),
        "year": pa.Column("int64", pa.Check.in_range(2000, 2100)),
        "week": pa.Column("int64", pa.Check.in_range(1, 53)),
        "cause": pa.Column(str, pa.Check.isin(["all_causes", "covid19", "respiratory"])),
        "place": pa.Column(str, pa.Check.isin(["all", *sorted(set(PLACES.values()) - {"all"})])),
        "deaths": pa.Column(float, pa.Check.ge(0)),
        "basis": pa.Column(str, pa.Check.isin(["registrations", "occurrences"])),
        "measure": pa.Column(str, pa.Check.isin(MEASURES)),
    },
    strict=True, ordered=True,
    unique=["area_code", "year", "week", "cause", "place", "basis", "measure"],
    report_duplicates="exclude_first",
)

WEEKLY_DEATHS_COLUMNS = ["area_code", "year", "week", "cause", "place", "deaths", "basis",
                         "illustrative"]

WEEKLY_DEATHS_SCHEMA = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str, pa.Check.str_matches(r"^[EKWSN]\d{8}$")),
        "year": pa.Column("int64", pa.Check.in_range(2000, 2100)),
        "week": pa.Column("int64", pa.Check.in_range(1, 53)),
        "cause": pa.Column(str, pa.Check.isin(["all_causes", "covid19"])),
        "place": pa.Column(str, pa.Check.isin(["all", "care_home", "hospital", "home", "hospice",
                                               "other_communal", "elsewhere"])),
        "deaths": pa.Column("Int64", pa.Check.ge(0)),
        "basis": pa.Column(str, pa.Check.isin(["registrations", "occurrences"])),
        "illustrative": pa.Column(bool),
    },
    strict=True, ordered=True,
    unique=["area_code", "year", "week", "cause", "place", "basis"],
    report_duplicates="exclude_first",
)

#: Columns of the processed ``england_deaths_by_place`` table.
DEATHS_BY_PLACE_COLUMNS = ["area_code", "period", "cause", "place", "deaths"]

#: A number followed by a footnote marker in the same cell ("53 7", "1,234 2").
_FOOTNOTED_NUMBER = re.compile(r"^\s*(\d[\d,]*(?:\.\d+)?)\s+\d{1,2}\s*$")
_AREA_ROW_CODE = re.compile(r"^[EKW]\d{8}$")
_DATE_IN_TEXT = re.compile(r"(\d{1,2}\s+[A-Za-z]+\s+\d{4}|\d{1,2}/\d{1,2}/\d{4})")


def _first_text(row: tuple[object, ...]) -> tuple[int, str]:
    """Column index and cleaned text of the first non-empty text cell of a row."""
    for index, value in enumerate(row):
        if isinstance(value, str) and value.strip():
            return index, clean_label(value)
    return -1, ""


def _without_footnote(value: object) -> object:
    """A cell with its footnote digits removed ("53 7" -> "53"); other cells unchanged."""
    if isinstance(value, str):
        match = _FOOTNOTED_NUMBER.match(value)
        if match:
            return match.group(1)
    return value


def _week_number(value: object) -> int | None:
    value = _without_footnote(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and 1 <= value <= 53 else None
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,2}\s*", value):
        number = int(value)
        return number if 1 <= number <= 53 else None
    return None


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        for fmt in ("%d %B %Y", "%d %b %Y", "%d/%m/%Y"):
            try:
                return datetime.strptime(" ".join(value.split()), fmt).date()
            except ValueError:
                continue
    return None


def week_year(week: int, week_ended: date) -> int:
    """The registration year an ONS week belongs to: week 1 of 2020 ended on 3 January 2020 and
    week 53 of 2020 on 1 January 2021, so early weeks take the year of their end date and late
    weeks the year two weeks before it."""
    return week_ended.year if week <= 26 else (week_ended - timedelta(days=14)).year


def _week_row(rows: list[tuple[object, ...]], *, file: str, sheet: str) -> int:
    for index, row in enumerate(rows[:30]):
        labels = [normalise_label(clean_label(v)) for v in row[:2] if isinstance(v, str)]
        if "week number" in labels:
            return index
    raise_if([DataProblem(file, "no 'Week number' header row found in the first 30 rows",
                          sheet=sheet)])
    return -1  # unreachable


def _week_columns(rows: list[tuple[object, ...]], week_row: int, *, forward_fill: bool
                  ) -> dict[int, tuple[int, date | None]]:
    """Column -> (week number, week-ended date) from the "Week number" and "Week ended" rows.
    ``forward_fill`` carries a week over the empty cells after it (the place sheet spans six
    columns per week)."""
    header = rows[week_row]
    ended = rows[week_row + 1] if week_row + 1 < len(rows) else ()
    out: dict[int, tuple[int, date | None]] = {}
    current: tuple[int, date | None] | None = None
    for c in range(1, len(header)):
        week = _week_number(header[c])
        if week is not None:
            current = (week, _as_date(ended[c]) if c < len(ended) else None)
        elif not forward_fill:
            continue
        if current is not None:
            out[c] = current
    return out


def _numbers(row: tuple[object, ...], cols: list[int], *, file: str, sheet: str,
             row_index: int, where: Callable[[int], str]
             ) -> tuple[np.ndarray, list[DataProblem]]:
    """The numbers of ``row`` at ``cols``: footnote digits dropped, ":" and other markers
    missing (never zero); each unreadable cell reported with ``where(column)``."""
    cells = [_without_footnote(row[c]) if c < len(row) else None for c in cols]
    numbers, _, found = cells_to_numbers(cells, file=file, sheet=sheet, column="",
                                         rows=list(range(len(cols))))
    problems = [DataProblem(p.file, p.message, sheet=sheet, row=row_index + 1,
                            column=where(cols[p.row]) if p.row is not None else None)
                for p in found]
    return numbers, problems


def _weekly_sheet(path: Path, file: str, sheet: str, year: int, *, main: bool
                  ) -> tuple[list[dict], list[DataProblem], bool]:
    """Rows of one "Weekly figures YYYY" (``main``) or "Weekly figures by cause" sheet.

    Returns (records, problems, whether a total-deaths row of ``year`` was found). Comparison
    rows naming another year ("Total deaths, all ages (2020)" on the 2021 sheet) are skipped.
    """
    rows = read_sheet_rows(path, sheet)
    week_row = _week_row(rows, file=file, sheet=sheet)
    weeks = _week_columns(rows, week_row, forward_fill=False)
    cols = sorted(weeks)
    records: list[dict] = []
    problems: list[DataProblem] = []
    found_total = False
    pending_average = False

    def take(row_index: int, area: str, cause: str, measure: str) -> None:
        numbers, found = _numbers(
            rows[row_index], cols, file=file, sheet=sheet, row_index=row_index,
            where=lambda c: f"week {weeks[c][0]} ({excel_column(c)})")
        problems.extend(found)
        for c, value in zip(cols, numbers, strict=True):
            if not np.isnan(value):
                records.append({"area_code": area, "year": year, "week": weeks[c][0],
                                "cause": cause, "place": "all", "deaths": float(value),
                                "basis": "registrations", "measure": measure})

    for index in range(week_row + 2, len(rows)):
        row = rows[index]
        if not row:
            continue
        _, label = _first_text(row)
        key = normalise_label(label)
        if key.startswith("footnotes") or key.startswith("source"):
            break
        years_named = [int(y) for y in re.findall(r"\((\d{4})\)", label)]
        if years_named and year not in years_named:
            continue  # a comparison row for another year
        first = row[0].strip() if isinstance(row[0], str) else ""
        if key.startswith("total deaths: average of corresponding") \
                and "previous 5 years" not in key:
            pending_average = True
            continue
        if key.startswith("total deaths: average") or (pending_average
                                                        and "previous 5 years" in key):
            pending_average = False
            groups = [normalise_label(g) for g in re.findall(r"\(([^)]*)\)", label)]
            area = next((AREA_CODES[g] for g in reversed(groups) if g in AREA_CODES), None)
            if area is None:
                problems.append(DataProblem(file, f"five-year average row '{label}' names no "
                                            "known area", sheet=sheet, row=index + 1))
                continue
            take(index, area, "all_causes", "five_year_average")
        elif main and key.startswith("total deaths, all ages"):
            found_total = True
            take(index, ENGLAND_AND_WALES_CODE, "all_causes", "deaths")
        elif (key.startswith("deaths where covid-19 was mentioned")
              or key.startswith("deaths involving covid-19")):
            take(index, ENGLAND_AND_WALES_CODE, "covid19", "deaths")
        elif key.startswith("deaths where the underlying cause was respiratory"):
            take(index, ENGLAND_AND_WALES_CODE, "respiratory", "deaths")
        elif main and _AREA_ROW_CODE.fullmatch(first):
            take(index, first, "all_causes", "deaths")
    return records, problems, found_total


def _weekly_figures(path: Path, file: str) -> tuple[list[dict], list[DataProblem]]:
    names = sheet_names(path)
    weekly = {}
    for name in names:
        match = WEEKLY_SHEET_PATTERN.match(normalise_label(name))
        if match and int(match.group(1)) >= FIRST_YEAR:
            weekly[name] = int(match.group(1))
    if not weekly:
        raise_if([DataProblem(file, "no 'Weekly figures YYYY' sheet; the workbook has: "
                              + ", ".join(repr(n) for n in names), sheet=WEEKLY_SHEET)])
    records: list[dict] = []
    problems: list[DataProblem] = []
    for name, year in weekly.items():
        found, more, has_total = _weekly_sheet(path, file, name, year, main=True)
        records += found
        problems += more
        if not has_total:
            problems.append(DataProblem(file, f"no 'Total deaths, all ages' row for {year}",
                                        sheet=name))
    cause_sheet = next((n for n in names if normalise_label(n) == normalise_label(CAUSE_SHEET)),
                       None)
    if cause_sheet is not None:
        rows = read_sheet_rows(path, cause_sheet)
        week_row = _week_row(rows, file=file, sheet=cause_sheet)
        dates = [d for d in (_as_date(v) for v in rows[week_row + 1]) if d] \
            if week_row + 1 < len(rows) else []
        year = (pd.Series([d.year for d in dates]).mode().iloc[0] if dates
                else max(weekly.values()))
        found, more, _ = _weekly_sheet(path, file, cause_sheet, int(year), main=False)
        records += found
        problems += more
    return records, problems


def _place_blocks(rows: list[tuple[object, ...]]) -> tuple[int | None, int, list[int]]:
    """Where the year-to-date block is: (title row, title column, header rows of every block).

    The title reads "Deaths registered from <date> to <date>" (or "... in <year> ...", "Year
    to date"); it may sit below the weekly blocks, to their right or anywhere else."""
    title_row, title_col = None, 0
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                key = normalise_label(value)
                if key.startswith("deaths registered from") or key.startswith(
                        "deaths registered in") or key.startswith("year to date"):
                    title_row, title_col = r, c
                    break
        if title_row is not None:
            break
    headers = [r for r in range(len(rows) - 1)
               if any(isinstance(v, str) and normalise_label(v) == "total deaths"
                      for v in rows[r + 1])]
    return title_row, title_col, headers


def _place_of_occurrence(path: Path, file: str, default_year: int
                         ) -> tuple[list[dict], list[DataProblem], str]:
    """Weekly and year-to-date deaths by place; also the period the year-to-date block covers
    ("2020 weeks 1-39", or "2020-03-07 to 2021-09-17" when it spans years)."""
    sheet = PLACE_SHEET
    rows = read_sheet_rows(path, sheet)
    week_row = _week_row(rows, file=file, sheet=sheet)
    weeks = _week_columns(rows, week_row, forward_fill=True)
    title_row, title_col, header_rows = _place_blocks(rows)
    records: list[dict] = []
    problems: list[DataProblem] = []

    def year_of(c: int) -> int:
        week, ended = weeks[c]
        return week_year(week, ended) if ended else default_year

    known = [(year_of(c), weeks[c][0], weeks[c][1]) for c in weeks]
    period, ytd_week = _ytd_period(rows, title_row, title_col, known, file, sheet, problems)

    for header in header_rows:
        near_title = title_row is not None and title_row < header <= title_row + 3
        blocks: list[tuple[bool, int, Callable[[int], bool]]] = []
        if near_title:  # the year-to-date block: labels in the title's column
            blocks.append((True, title_col, lambda c: c > title_col))
        if not near_title:
            blocks.append((False, 0, lambda c: c > 0))
        elif title_col > 0:  # weekly blocks to the left of a year-to-date block
            blocks.append((False, 0, lambda c: 0 < c < title_col))
        for is_ytd, label_col, accept in blocks:
            columns = _block_columns(rows[header], rows[header + 1], accept)
            cols = sorted(columns)
            for index in range(header + 2, len(rows)):
                row = rows[index]
                label = row[label_col] if label_col < len(row) else None
                place = PLACES.get(normalise_label(clean_label(label))) \
                    if isinstance(label, str) else None
                if place is None:
                    break
                where = _describe_place_cell(clean_label(label), columns)
                numbers, found = _numbers(row, cols, file=file, sheet=sheet, row_index=index,
                                          where=where)
                problems += found
                for c, value in zip(cols, numbers, strict=True):
                    if np.isnan(value) or (not is_ytd and c not in weeks) \
                            or (is_ytd and ytd_week is None):
                        continue
                    area_code, cause = columns[c]
                    if is_ytd:
                        year, week, measure = ytd_week[0], ytd_week[1], "deaths_year_to_date"
                    else:
                        year, week, measure = year_of(c), weeks[c][0], "deaths"
                    records.append({"area_code": area_code, "year": year, "week": week,
                                    "cause": cause, "place": place, "deaths": float(value),
                                    "basis": "registrations", "measure": measure})
    if not any(r["measure"] == "deaths" for r in records):
        problems.append(DataProblem(file, "no weekly place-of-occurrence rows found",
                                    sheet=sheet))
    return records, problems, period


def _block_columns(area_row: tuple[object, ...], cause_row: tuple[object, ...],
                   accept: Callable[[int], bool]) -> dict[int, tuple[str, str]]:
    """Column -> (area code, cause) of one block of the place sheet: the area label row
    ("England and Wales", "England   ", "Wales") spans the "Total deaths" / "COVID-19 deaths"
    columns under it."""
    columns: dict[int, tuple[str, str]] = {}
    area = None
    for c in range(len(cause_row)):
        if not accept(c):
            continue
        if c < len(area_row) and isinstance(area_row[c], str) and area_row[c].strip():
            area = AREA_CODES.get(normalise_label(clean_label(area_row[c])))
        cause = CAUSES.get(normalise_label(clean_label(cause_row[c]))) \
            if isinstance(cause_row[c], str) else None
        if area and cause:
            columns[c] = (area, cause)
    return columns


def _describe_place_cell(label: str, columns: dict[int, tuple[str, str]]
                         ) -> Callable[[int], str]:
    return lambda c: f"{label}, {columns[c][0]} {columns[c][1]} ({excel_column(c)})"


def _ytd_period(rows, title_row, title_col, known, file, sheet, problems):
    """The year-to-date block's period label and its (year, last week)."""
    if not known:
        return "", None
    last = max(known, key=lambda k: (k[0], k[1]))
    if title_row is None:
        return f"{last[0]} weeks 1-{last[1]}", (last[0], last[1])
    text = str(rows[title_row][title_col])
    dates = [d for d in (_as_date(t) for t in _DATE_IN_TEXT.findall(text)) if d]
    if not dates:
        return f"{last[0]} weeks 1-{last[1]}", (last[0], last[1])
    start, end = dates[0], dates[-1]
    match = next(((y, w) for y, w, ended in known if ended == end), None)
    if match is None:
        problems.append(DataProblem(file, f"the year-to-date block ends on {end:%d %B %Y}, "
                                    "which is no week-ended date of the sheet", sheet=sheet,
                                    row=title_row + 1))
        return "", None
    if len(dates) == 1 or (end - start).days <= 7 * match[1]:
        return f"{match[0]} weeks 1-{match[1]}", match
    return f"{start.isoformat()} to {end.isoformat()}", match


def load_weekly_workbook(path: str | Path) -> pd.DataFrame:
    """The ONS weekly deaths workbook (any edition from 2020) as tidy rows.

    Columns ``area_code, year, week, cause, place, deaths, basis, measure``: ``measure`` is
    "deaths" (registrations in the week), "five_year_average" (the published 2015-2019
    average for the same week) or "deaths_year_to_date" (the place sheet's year-to-date block;
    ``week`` = the last week it covers). ``cause`` is "all_causes", "covid19" (mentioned on the
    certificate) or "respiratory" (underlying cause J00-J99); ``place`` "all" except on the
    place-of-occurrence sheet. The by-age sub-tables ("Persons" / "People") are not returned.
    Areas: K04000001 England and Wales, E92000001 England, W92000004 Wales and the regions.

    Editions read: 2020 ("Weekly figures 2020", weeks 1-53); 2021 and later ("Weekly figures
    2021", comparison rows for another year such as "Total deaths, all ages (2020)" skipped;
    unpublished weeks present but empty -> no row, never zero; cells with footnote digits
    ("53 7" -> 53) and ":" (not available -> no row); the COVID-19 and respiratory rows on a
    separate "Weekly figures by cause" sheet); several "Weekly figures YYYY" sheets in one
    workbook; the year-to-date block of the place sheet wherever it sits. The accessible
    layout of 2024 on ("Table_1" / "Table_3", see the module docstring): weekly rows of all
    causes and COVID-19 ("Table_3") and all causes by place ("Table_1"); year-to-date rows
    only when the weekly place rows start at week 1 (their sum; no COVID-19 by place). The
    numbered-sheet layout of 2022 and 2023 ("1", "2", ... weeks as rows, see the module
    docstring): every count column whose header names what it counts, year-to-date rows as
    for the accessible layout (all causes, and COVID-19 where the place rows have it).
    """
    frame, _ = _workbook(path)
    return frame


def _workbook(path: str | Path, *, partial_totals: bool = False) -> tuple[pd.DataFrame, str]:
    """The tidy frame and the period of its place totals. In the accessible layout the totals
    are sums of weekly place rows: kept when they start at week 1, or with ``partial_totals``
    (then the period says which weeks, "2020 weeks 11-39")."""
    p = Path(path)
    file = display_path(p)
    tables, wide = _long_or_numbered(p)
    if tables or wide:
        weekly, problems = (_tidy_records(p, file, tables) if tables
                            else _wide_records(p, file, wide))
        by_place, period = _tidy_place_totals(weekly)
        if not partial_totals and not re.fullmatch(r"\d{4} weeks 1-\d+", period):
            by_place, period = [], ""
        more: list[DataProblem] = []
    else:
        weekly, problems = _weekly_figures(p, file)
        years = [r["year"] for r in weekly]
        by_place, more, period = _place_of_occurrence(p, file, max(years) if years else 2020)
    raise_if(problems + more)
    frame = pd.DataFrame(weekly + by_place, columns=WORKBOOK_COLUMNS)
    frame = frame.astype({"area_code": str, "year": "int64", "week": "int64", "cause": str,
                          "place": str, "deaths": float, "basis": str, "measure": str})
    frame = frame.sort_values(["measure", "area_code", "cause", "place", "year", "week"],
                              kind="stable").reset_index(drop=True)
    frame = validate_schema(frame, WORKBOOK_SCHEMA, file=file)
    _check_place_totals(frame, file)
    return frame, period


def _long_or_numbered(path: Path) -> tuple[list[_TidyTable], list[_WideTable]]:
    """The tables of the accessible layout (2024 on) or of the numbered-sheet layout (2022,
    2023), told from the cells; ([], []) for the 2020-2021 layout (a "Weekly figures YYYY"
    sheet) and anything else (which the 2020-2021 reader then reports)."""
    tables = tidy_layout_tables(path)
    if tables:
        return tables, []
    try:
        names = sheet_names(path)
    except InputDataError:
        return [], []
    if any(WEEKLY_SHEET_PATTERN.match(normalise_label(n)) for n in names):
        return [], []
    return [], numbered_layout_tables(path)


def load_weekly_deaths(path: str | Path) -> pd.DataFrame:
    """The workbook's weekly registrations as the processed ``weekly_deaths`` table.

    England and Wales (K04000001), England, Wales and region rows: all causes and COVID-19
    (respiratory has no place in that table), every place ("all" from the weekly figures
    sheets, the six places from the place-of-occurrence sheet), basis "registrations",
    ``illustrative`` False. Where a week has the six places but no "all" row (England's
    COVID-19 and all-cause rows), "all" is their sum, as in :func:`load_la_weekly_csv`. Note
    that the weekly figures sheets count deaths by area of usual residence and the place sheet
    by place of occurrence. Deaths must be whole numbers.
    """
    file = display_path(path)
    frame = load_weekly_workbook(path)
    rows = frame[(frame["measure"] == "deaths") & frame["cause"].isin(["all_causes", "covid19"])]
    keys = ["area_code", "year", "week", "cause", "basis"]
    by_place = rows[rows["place"] != "all"]
    complete = by_place.groupby(keys)["place"].transform("nunique") == len(PLACE_ORDER) - 1
    sums = by_place[complete].groupby(keys, as_index=False)["deaths"].sum()
    have_all = rows.loc[rows["place"] == "all", keys].drop_duplicates()
    sums = sums.merge(have_all, on=keys, how="left", indicator=True)
    sums = sums[sums["_merge"] == "left_only"].drop(columns="_merge")
    rows = pd.concat([rows, sums.assign(place="all", measure="deaths")], ignore_index=True)
    counts, problems = whole_counts(rows["deaths"], file=file, column="deaths")
    raise_if(problems)
    out = rows.assign(deaths=counts, illustrative=False)[WEEKLY_DEATHS_COLUMNS]
    out = out.sort_values(["area_code", "basis", "cause", "place", "year", "week"],
                          kind="stable").reset_index(drop=True)
    return validate_schema(out, WEEKLY_DEATHS_SCHEMA, file=file)


def load_deaths_by_place(path: str | Path) -> pd.DataFrame:
    """The place sheet's year-to-date block as the processed ``england_deaths_by_place`` table
    (``area_code, period, cause, place, deaths``) for England and Wales, England and Wales.

    ``period`` says which weeks the block covers ("2020 weeks 1-39"; "2020 weeks 1-53" from a
    week-53 edition; "<start> to <end>" ISO dates when the block spans years), so the newest
    edition's national figures can be told from an older one's. From the accessible layout:
    all causes only, summed over the weeks that have every place ("2024 weeks 1-30"; "2020
    weeks 11-39" when the place rows start later); from the numbered-sheet layout the same,
    with COVID-19 too where its place rows cover those weeks.
    """
    frame, period = _workbook(path, partial_totals=True)
    ytd = frame[frame["measure"] == "deaths_year_to_date"].copy()
    ytd["period"] = period
    ytd["place"] = pd.Categorical(ytd["place"], categories=PLACE_ORDER)
    ytd = ytd.sort_values(["area_code", "cause", "place"], kind="stable")
    ytd["place"] = ytd["place"].astype(str)
    return ytd[DEATHS_BY_PLACE_COLUMNS].reset_index(drop=True)


def period_order(period: str) -> tuple[int, int]:
    """Sort key of an ``england_deaths_by_place`` period, newest last: (year, last week) for
    "2020 weeks 1-39" (so "2021 weeks 1-10" sorts after "2021 weeks 1-9", which a text sort
    gets wrong); (end year, ISO week of the end date) for "<start> to <end>"; (0, 0) for
    anything else."""
    text = str(period).strip()
    match = re.fullmatch(r"(\d{4}) weeks \d{1,2}-(\d{1,2})", text)
    if match:
        return int(match.group(1)), int(match.group(2))
    match = re.fullmatch(r"\d{4}-\d{2}-\d{2} to (\d{4}-\d{2}-\d{2})", text)
    if match:
        end = date.fromisoformat(match.group(1))
        return end.year, end.isocalendar()[1]
    return 0, 0


def edition(path: str | Path) -> str | None:
    """The date the workbook states for itself (YYYY-MM-DD): a "Release date" / "Date of
    publication" / "Publication date" cell on a cover or contents sheet where there is one;
    otherwise the week-ended date of the latest week with an England and Wales total-deaths
    figure (the 2020 workbooks state no release date, and each edition adds one week, so this
    orders editions; unpublished weeks listed with empty cells do not count). None for other
    files."""
    p = Path(path)
    try:
        names = sheet_names(p)
    except InputDataError:
        return None
    for name in names:
        # "Cover sheet", "Cover_sheet" (2024 on), "Cover", "Contents", "Information"
        if squash_label(name) in ("coversheet", "cover", "contents", "information"):
            rows = read_sheet_rows(p, name)
            for row in rows[:40]:
                texts = [v for v in row if v is not None]
                for i, value in enumerate(texts):
                    key = normalise_label(value) if isinstance(value, str) else ""
                    if re.match(r"(release date|date of publication|publication date|"
                                r"published)", key):
                        stated = _as_date(texts[i + 1]) if i + 1 < len(texts) else None
                        inline = _DATE_IN_TEXT.search(str(value))
                        stated = stated or (_as_date(inline.group(1)) if inline else None)
                        if stated:
                            return stated.isoformat()
    tables, wide = _long_or_numbered(p)
    if tables or wide:
        try:
            records, problems = (_tidy_records(p, display_path(p), tables) if tables
                                 else _wide_records(p, display_path(p), wide))
        except InputDataError:
            return None
        ended = [r["ended"] for r in records if r["area_code"] == ENGLAND_AND_WALES_CODE
                 and r["cause"] == "all_causes" and r["place"] == "all"
                 and r["measure"] == "deaths"]
        return max(ended).isoformat() if ended and not problems else None
    try:
        frame = load_weekly_workbook(p)
    except InputDataError:
        return None
    rows = read_sheet_rows(p, next(n for n in names if WEEKLY_SHEET_PATTERN.match(
        normalise_label(n)) and int(WEEKLY_SHEET_PATTERN.match(normalise_label(n)).group(1))
        == int(frame["year"].max())))
    week_row = _week_row(rows, file=display_path(p), sheet="")
    totals = frame[(frame["measure"] == "deaths") & (frame["area_code"] == ENGLAND_AND_WALES_CODE)
                   & (frame["cause"] == "all_causes") & (frame["place"] == "all")
                   & (frame["year"] == frame["year"].max())]
    if totals.empty:
        return None
    last = int(totals["week"].max())
    ended = [d for w, d in _week_columns(rows, week_row, forward_fill=False).values()
             if w == last and d]
    return ended[0].isoformat() if ended else None


def _check_place_totals(frame: pd.DataFrame, file: str) -> None:
    """Year-to-date deaths at each place must add up to the 'All deaths' row."""
    ytd = frame[frame["measure"] == "deaths_year_to_date"]
    problems = []
    for (area, cause), group in ytd.groupby(["area_code", "cause"]):
        total = group.loc[group["place"] == "all", "deaths"].sum()
        parts = group.loc[group["place"] != "all", "deaths"].sum()
        if (group["place"] == "all").any() and abs(total - parts) > 0.5:
            problems.append(DataProblem(
                file, f"year-to-date {cause} deaths for {area}: places sum to {parts:,.0f} but "
                f"'All deaths' is {total:,.0f}", sheet=PLACE_SHEET))
    raise_if(problems)


# ------------------------------------------------- accessible (long) layout, 2024 editions on

#: Area labels of the accessible layout -> ONS codes. K04000001 is taken from "England, Wales
#: and non-residents" where the sheet has it (as "Total deaths, all ages" in the older layouts
#: includes non-residents), else from "England and Wales" (residents only).
TIDY_AREAS: dict[str, str] = {
    "england, wales and non-residents": ENGLAND_AND_WALES_CODE,
    "england and wales": ENGLAND_AND_WALES_CODE,
    "england": ENGLAND_CODE,
    "wales": WALES_CODE,
    "north east": "E12000001", "north west": "E12000002",
    "yorkshire and the humber": "E12000003", "east midlands": "E12000004",
    "west midlands": "E12000005", "east of england": "E12000006", "london": "E12000007",
    "south east": "E12000008", "south west": "E12000009",
}
_WITH_NON_RESIDENTS = "england, wales and non-residents"
#: "All ..." totals of the sex, age and IMD quantile group columns of "Table_1".
_TOTAL_LABELS = ("all people", "all persons", "persons", "people", "all", "all ages",
                 "all groups")
_TIDY_SHEET = re.compile(r"^table[ _]?(\d+)$")


def _tidy_keys(label: object) -> list[str]:
    """A category label for lookup, lower case and before any bracket, as it is and without
    trailing footnote digits ("COVID-19 (U07.1, U07.2)" -> "covid-19"; "Home 4" -> "home")."""
    if not isinstance(label, str):
        return []
    text = label.split("(")[0]
    return [normalise_label(text), normalise_label(clean_label(text))]


def _tidy_key(label: object) -> str:
    keys = _tidy_keys(label)
    return keys[0] if keys else ""


def _tidy_cause(label: object) -> str | None:
    return next((CAUSES.get(k) or CAUSES.get(k.replace(" ", "-")) for k in _tidy_keys(label)
                 if CAUSES.get(k) or CAUSES.get(k.replace(" ", "-"))), None)


def _tidy_place(label: object) -> str | None:
    places = {**PLACES, "all places": "all"}
    return next((places[k] for k in _tidy_keys(label) if k in places), None)


class _TidyTable:
    """One "Table_N" sheet of the accessible layout: a "Week number" header cell, then (as in
    ONS's own transform) week-ending date, area, the table's dimensions and the count last.
    ``kind`` is "cause" (area, cause of death: "Table_3") or "place" (area, sex, age,
    [IMD quantile group,] place of death: "Table_1"), told from the cells, not the name."""

    def __init__(self, sheet: str, header_row: int, week_col: int, value_col: int, kind: str,
                 header: tuple[object, ...]):
        self.sheet, self.header_row, self.week_col = sheet, header_row, week_col
        self.value_col, self.kind, self.header = value_col, kind, header

    def column(self, *words: str, default: int) -> int:
        """The header column (after the week-ending column) naming one of ``words``."""
        for c in range(self.week_col + 2, self.value_col):
            text = normalise_label(self.header[c]) if c < len(self.header) and \
                self.header[c] is not None else ""
            if any(w in text for w in words):
                return c
        return default


def _classify_tidy(sheet: str, rows: list[tuple[object, ...]]) -> _TidyTable | None:
    """The layout of one sheet from its first rows, or None when it is not such a table."""
    for r, row in enumerate(rows[:30]):
        cells = [normalise_label(v) if isinstance(v, str) else "" for v in row]
        if "week number" not in cells:
            continue
        week_col = cells.index("week number")
        filled = [c for c, v in enumerate(row) if v is not None and str(v).strip()]
        value_col = max(filled)
        data = [d for d in rows[r + 1:r + 200] if len(d) > value_col
                and _week_number(d[week_col]) is not None]
        if value_col - week_col < 4 or not data:
            return None
        if not any(isinstance(d[week_col + 2], str)
                   and normalise_label(d[week_col + 2]) in TIDY_AREAS for d in data):
            return None
        if value_col - week_col == 4 and any(_tidy_cause(d[week_col + 3]) for d in data):
            return _TidyTable(sheet, r, week_col, value_col, "cause", row)
        if value_col - week_col >= 6 and any(_tidy_place(d[value_col - 1]) for d in data):
            return _TidyTable(sheet, r, week_col, value_col, "place", row)
        return None
    return None


def _head_rows(path: Path, sheet: str, limit: int = 230) -> list[tuple[object, ...]]:
    workbook = open_workbook_checked(path)
    try:
        rows = []
        for row in workbook[sheet].iter_rows(values_only=True):
            rows.append(tuple(row))
            if len(rows) >= limit:
                break
        return rows
    finally:
        workbook.close()


def tidy_layout_tables(path: str | Path) -> list[_TidyTable]:
    """The weekly-deaths tables of an accessible-layout workbook ("Table_1", "Table_3", ...
    recognised by their header and cells); [] for any other workbook or file."""
    p = Path(path)
    if p.suffix.lower() not in (".xlsx", ".xlsm"):
        return []
    try:
        names = sheet_names(p)
        tables = []
        for name in names:
            if _TIDY_SHEET.match(normalise_label(name)):
                found = _classify_tidy(name, _head_rows(p, name))
                if found is not None:
                    tables.append(found)
    except InputDataError:
        return []
    return tables if any(t.kind == "cause" for t in tables) else []


def _tidy_records(path: Path, file: str, tables: list[_TidyTable]
                  ) -> tuple[list[dict], list[DataProblem]]:
    """Weekly registrations of the accessible layout as tidy records (measure "deaths")."""
    records: dict[tuple, dict] = {}
    problems: list[DataProblem] = []
    workbook = open_workbook_checked(path)
    try:
        for table in tables:
            w = table.week_col
            candidates: list[tuple] = []
            if table.kind == "place":
                totals = [table.column("sex", default=w + 3), table.column("age", default=w + 4)]
                totals += [c for c in range(w + 5, table.value_col - 1)]  # IMD quantile group
                place_col = table.column("place", default=table.value_col - 1)
            for index, row in enumerate(workbook[table.sheet].iter_rows(values_only=True)):
                if index <= table.header_row or len(row) <= table.value_col:
                    continue
                week = _week_number(row[w])
                area_label = normalise_label(row[w + 2]) if isinstance(row[w + 2], str) else ""
                if week is None or area_label not in TIDY_AREAS:
                    continue
                if table.kind == "cause":
                    cause, place = _tidy_cause(row[w + 3]), "all"
                else:
                    if not all(_tidy_key(row[c]) in _TOTAL_LABELS for c in totals):
                        continue
                    cause, place = "all_causes", _tidy_place(row[place_col])
                if cause is None or place is None:
                    continue
                ended = _as_date(row[w + 1])
                if ended is None:
                    problems.append(DataProblem(
                        file, f"week-ending cell '{row[w + 1]}' is not a date", sheet=table.sheet,
                        row=index + 1, column=excel_column(w + 1)))
                    continue
                area = TIDY_AREAS[area_label]
                key = (area, week_year(week, ended), week, cause, place)
                rank = (table.kind == "cause", area_label == _WITH_NON_RESIDENTS)
                candidates.append((key, rank, ended, _without_footnote(row[table.value_col]),
                                   index + 1))
            numbers, _, found = cells_to_numbers(
                [c[3] for c in candidates], file=file, sheet=table.sheet,
                column=excel_column(table.value_col), rows=[c[4] for c in candidates])
            problems += found
            for (key, rank, ended, _, _), value in zip(candidates, numbers, strict=True):
                if np.isnan(value) or (key in records and records[key]["rank"] >= rank):
                    continue
                records[key] = {"area_code": key[0], "year": key[1], "week": key[2],
                                "cause": key[3], "place": key[4], "deaths": float(value),
                                "basis": "registrations", "measure": "deaths", "rank": rank,
                                "ended": ended}
    finally:
        workbook.close()
    return _ranked_records(records, problems, file, tables[0].sheet,
                           "no weekly rows for England and Wales, England, Wales or a region "
                           "found")


def _ranked_records(records: dict, problems: list[DataProblem], file: str, sheet: str,
                    nothing_found: str) -> tuple[list[dict], list[DataProblem]]:
    """The rows kept (where two columns or tables gave one figure, the better-ranked one),
    without their rank; a problem saying ``nothing_found`` when there are none."""
    out = [{k: v for k, v in r.items() if k != "rank"} for r in records.values()]
    if not out:
        problems.append(DataProblem(file, nothing_found, sheet=sheet))
    return out, problems


def _complete_weeks(frame: pd.DataFrame) -> list[int]:
    """The weeks in which every area of ``frame`` has all six places."""
    places = frame[frame["place"] != "all"].groupby(["area_code", "week"])["place"].nunique()
    complete = places[places == len(PLACE_ORDER) - 1].reset_index()
    if complete.empty or complete["area_code"].nunique() < frame["area_code"].nunique():
        return []
    return sorted(set.intersection(*[set(g["week"]) for _, g in complete.groupby("area_code")]))


def _tidy_place_totals(records: list[dict]) -> tuple[list[dict], str]:
    """Deaths by place summed over the weeks of the latest year that have all six places for
    England and Wales, England and Wales alike, weeks M-N without a gap; with the period label
    "YYYY weeks M-N"; "all" is the sum of the six places (so the totals add up whichever table
    a weekly "all" figure came from). All causes always; COVID-19 too where its place rows
    cover the same weeks (the numbered-sheet layout has them, the accessible layout does not).
    Neither layout has a year-to-date block of its own, so the totals are only as long as the
    weekly place rows. ([], "") when there are none."""
    frame = pd.DataFrame(records)
    if frame.empty:
        return [], ""
    frame = frame[frame["area_code"].isin(list(AREA_CODES.values()))
                  & frame["cause"].isin(["all_causes", "covid19"])
                  & (frame["measure"] == "deaths")]
    if frame.empty or not (frame["cause"] == "all_causes").any():
        return [], ""
    frame = frame[frame["year"] == frame.loc[frame["cause"] == "all_causes", "year"].max()]
    weeks = _complete_weeks(frame[frame["cause"] == "all_causes"])
    if not weeks:
        return [], ""
    last = weeks[0]
    while last + 1 in weeks:
        last += 1
    span = frame[frame["week"].between(weeks[0], last)]
    covid = span[span["cause"] == "covid19"]
    if covid.empty or not set(range(weeks[0], last + 1)) <= set(_complete_weeks(covid)) \
            or covid["area_code"].nunique() < span["area_code"].nunique():
        span = span[span["cause"] == "all_causes"]
    span = span[span["place"] != "all"]
    places = span.groupby(["area_code", "cause", "place"], as_index=False)["deaths"].sum()
    sums = pd.concat([places.groupby(["area_code", "cause"], as_index=False)["deaths"].sum()
                      .assign(place="all"), places], ignore_index=True)
    year = int(frame["year"].iloc[0])
    out = [{"area_code": r.area_code, "year": year, "week": last, "cause": r.cause,
            "place": r.place, "deaths": float(r.deaths), "basis": "registrations",
            "measure": "deaths_year_to_date"} for r in sums.itertuples()]
    return out, f"{year} weeks {weeks[0]}-{last}"


# --------------------------------------------- numbered-sheet layout, 2022 and 2023 editions

#: Area names (squashed, see ``squash_label``) of the numbered-sheet headers and titles.
_WIDE_AREAS: dict[str, str] = {
    **{squash_label(label): code for label, code in TIDY_AREAS.items()},
    "englandwales": ENGLAND_AND_WALES_CODE, "yorkshireandhumber": "E12000003",
}
_WIDE_AREA_CODES = frozenset(_WIDE_AREAS.values())
_AREA_CODE_IN_TEXT = re.compile(r"\b([EKW]\d{8})\b")
#: Place names (squashed) -> processed vocabulary; "all deaths" is a cause word here.
_WIDE_PLACES: dict[str, str] = {
    **{squash_label(k): v for k, v in PLACES.items() if k != "all deaths"},
    "allplaces": "all", "carehomes": "care_home", "hospitals": "hospital",
    "hospices": "hospice", "othercommunalestablishments": "other_communal",
}
_WEEK_HEADERS = frozenset({"weeknumber", "weekno", "week"})
_ENDED_HEADERS = frozenset({"weekending", "weekended", "weekendingdate", "weekenddate"})
#: Words of a column header that make it something other than a count of deaths.
_NOT_COUNTS = frozenset({
    "difference", "excess", "percentage", "percent", "rate", "rates", "change", "above",
    "below", "ratio", "cumulative", "expected", "proportion", "share", "confidence",
    "interval", "lower", "upper", "male", "males", "female", "females", "men", "women"})
_NOT_COUNT_PHRASES = ("per100000", "yeartodate", "zscore")
#: Causes the processed tables have no place for (a column naming one is passed over).
_OTHER_CAUSES = ("influenza", "pneumonia", "flu", "dementia", "alzheimer", "cancer",
                 "neoplasm", "circulatory", "heart", "stroke", "cerebrovascular", "diabetes",
                 "suicide", "accident", "injur", "sepsis", "notinvolving", "noncovid",
                 "excludingcovid", "otherthan", "without", "othercauses")
_ALL_CAUSE_WORDS = ("allcauses", "allcause", "alldeaths", "totaldeaths", "total")
#: Words a count column may carry besides its area, cause and place (cut longest first).
_FILLER = sorted((
    "numberofdeaths", "deathsregistered", "registereddeaths", "registrations", "registered",
    "deaths", "death", "number", "total", "allcauses", "allcause", "alldeaths", "allages",
    "allpersons", "allpeople", "persons", "people", "all", "causes", "cause", "involving",
    "mentioned", "mentioning", "onthedeathcertificate", "deathcertificate", "certificate",
    "includingnonresidents", "nonresidents", "residents", "usualresidence", "residence",
    "placeofoccurrence", "occurrence", "placeofdeath", "place", "where", "was", "with", "from",
    "diseases", "disease", "over", "including", "excluding", "ending", "ended", "which",
    "registration", "icd10", "icd",
    "the", "and", "of", "in", "on", "at", "by", "for", "to", "weekly", "week", "note",
    "notes", "covid19", "covid", "coronavirus", "respiratory", "underlying", "average",
    "fiveyear", "fiveyears", "previous", "years", "year", "corresponding", "provisional",
    "count", "area", "region", "country"), key=len, reverse=True)
_AGE_BAND = re.compile(r"^(<\s*1|under\s*1(\s*years?)?|\d{1,2}\s*(-|to)\s*\d{1,2}|"
                       r"\d{1,2}\s*\+|\d{1,2}\s*(and|or)\s*over)(\s*years?)?$")


def _cut_terms(text: str, terms: dict[str, str]) -> tuple[set[str], str]:
    """The values of ``terms`` found in squashed ``text`` (longest first, so "england" inside
    "eastofengland" is not found twice) and the text with them cut out."""
    found: set[str] = set()
    for term in sorted(terms, key=len, reverse=True):
        if term in text:
            found.add(terms[term])
            text = text.replace(term, "|")
    return found, text


def _areas_named(raw: str) -> tuple[set[str], str]:
    """ONS codes named in a header or title, by code (only the national and regional ones are
    known here) or by name; and the squashed text with them cut out."""
    codes = set(_AREA_CODE_IN_TEXT.findall(raw.upper()))
    found, text = _cut_terms(squash_label(_AREA_CODE_IN_TEXT.sub(" ", raw.upper())), _WIDE_AREAS)
    return found | codes, text


def _cause_named(key: str) -> str | None:
    """"covid19", "respiratory", "all_causes", "skip" (another cause, or COVID-19 as the
    underlying cause only) or None (no cause named) for a squashed label."""
    if any(word in key for word in _OTHER_CAUSES):
        return "skip"
    if "covid" in key or "coronavirus" in key:
        underlying = ("dueto" in key or "underlying" in key) and not (
            "involving" in key or "mention" in key)
        return "skip" if underlying else "covid19"
    if "respiratory" in key:
        return "respiratory"
    return "all_causes" if any(word in key for word in _ALL_CAUSE_WORDS) else None


class _WideColumn:
    """What one count column of a numbered-sheet table holds (None where the header leaves
    it to the table's title)."""

    def __init__(self, area: str | None, cause: str | None, place: str | None,
                 measure: str, rank: tuple[int, ...], years: frozenset[int] = frozenset()):
        self.area, self.cause, self.place = area, cause, place
        self.measure, self.rank, self.years = measure, rank, years

    def counts_year(self, year: int) -> bool:
        """False for a comparison column naming other years ("Number of deaths in 2021" on a
        2022 row); an average names the years it averages, so it counts for any year."""
        return self.measure != "deaths" or not self.years or year in self.years


def _wide_column(label: str) -> _WideColumn | None:
    """A header cell read by its words: area (name or ONS code), cause, place, "average"
    (the published five-year average); None for anything that is not a count of deaths we
    keep (differences, rates, other causes, age bands, sexes, expected deaths)."""
    raw = re.sub(r"\[[^\]]*\]", " ", label)  # GSS note markers "[note 3]"
    raw = re.sub(r"\b[A-Za-z]\d{2}(\.\d)?\b", " ", raw)  # ICD-10 codes "U07.1", "J00"
    if _AGE_BAND.match(normalise_label(raw)):
        return None
    key = squash_label(raw)
    if not key or _NOT_COUNTS & set(re.findall(r"[a-z]+", raw.lower())) \
            or any(phrase in key for phrase in _NOT_COUNT_PHRASES):
        return None
    cause = _cause_named(key)
    if cause == "skip":
        return None
    areas, rest = _areas_named(raw)
    places, rest = _cut_terms(rest, _WIDE_PLACES)
    if len(areas) > 1 or len(places) > 1 or not areas <= _WIDE_AREA_CODES:
        return None
    for word in _FILLER:
        rest = rest.replace(word, "|")
    if len(re.sub(r"[^a-z]", "", rest)) > 2:
        return None  # words this reader does not know: never guess what the column counts
    if not (areas or places or cause or any(
            w in key for w in ("deaths", "number", "average", "allages"))):
        return None
    measure = "five_year_average" if "average" in key else "deaths"
    rank = (int(bool(areas)), int(cause is not None), int("allages" not in key),
            int("nonresident" in key))
    years = frozenset(int(y) for y in re.findall(r"\b((?:19|20)\d{2})\b", raw))
    return _WideColumn(next(iter(areas), None), cause, next(iter(places), None), measure, rank,
                       years)


class _WideTable:
    """One numbered sheet of the 2022-2023 layout: title lines, a header row with "Week
    number" and "Week ending" cells, one row per week below, one count column per category."""

    def __init__(self, sheet: str, header_row: int, week_col: int, ended_col: int,
                 columns: dict[int, _WideColumn], header: tuple[object, ...]):
        self.sheet, self.header_row, self.week_col = sheet, header_row, week_col
        self.ended_col, self.columns, self.header = ended_col, columns, header

    def where(self, column: int) -> str:
        """A column as a person finds it: its header and letter."""
        return f"{clean_label(self.header[column])} ({excel_column(column)})"


def _wide_header(rows: list[tuple[object, ...]]) -> tuple[int, int, int] | None:
    """(row, week-number column, week-ending column) of the header row, or None."""
    for r, row in enumerate(rows[:30]):
        keys = [squash_label(v) if isinstance(v, str) else "" for v in row]
        week = next((c for c, k in enumerate(keys) if k in _WEEK_HEADERS), None)
        ended = next((c for c, k in enumerate(keys) if k in _ENDED_HEADERS), None)
        if week is not None and ended is not None:
            return r, week, ended
    return None


def _text_column(cells: list[object]) -> bool:
    """True when most filled cells are words (area or cause names: another layout)."""
    filled = [c for c in cells if c is not None and str(c).strip()]
    words = [c for c in filled if isinstance(c, str) and re.search(r"[A-Za-z]{3}", c)]
    return bool(filled) and len(words) * 2 > len(filled)


def _classify_wide(sheet: str, rows: list[tuple[object, ...]]) -> _WideTable | None:
    """The layout of one sheet from its first rows, or None when it is not such a table.
    Tables by date of occurrence, and tables of one sex, are passed over."""
    found = _wide_header(rows)
    if found is None:
        return None
    r, week_col, ended_col = found
    title = next((str(v) for row in rows[:r] for v in row if isinstance(v, str) and v.strip()),
                 "")
    title_key = squash_label(title)
    if ("occurrence" in title_key and "placeofoccurrence" not in title_key) \
            or "occurred" in title_key \
            or ("male" in title_key and "persons" not in title_key and "people" not in title_key):
        return None
    data = [row for row in rows[r + 1:] if len(row) > week_col
            and _week_number(row[week_col]) is not None]
    columns: dict[int, _WideColumn] = {}
    groups = _group_labels(rows[r - 1], max(week_col, ended_col) + 1) if r else {}
    for c, cell in enumerate(rows[r]):
        if c in (week_col, ended_col) or not isinstance(cell, str) or not cell.strip():
            continue
        column = _wide_column(f"{groups[c]}: {cell}" if c in groups else cell)
        if column is not None and not _text_column([d[c] if c < len(d) else None
                                                    for d in data]):
            columns[c] = column
    if not data or not columns:
        return None
    _fill_from_title(columns, title)
    columns = {c: col for c, col in columns.items() if col.area and col.cause and col.place}
    return _WideTable(sheet, r, week_col, ended_col, columns, rows[r]) if columns else None


def _group_labels(row: tuple[object, ...], first: int) -> dict[int, str]:
    """Column -> the group label above it, where the row above the header spans groups of
    category columns ("England and Wales" over "Home", "Hospital", ...; "Deaths involving
    COVID-19" over the next places): each label carried right to the next one. Title and
    notes lines sit in the week columns, so they are never taken for groups."""
    labels: dict[int, str] = {}
    current = None
    for c in range(first, len(row)):
        if isinstance(row[c], str) and row[c].strip():
            current = row[c]
        if current is not None:
            labels[c] = current
    return labels


def _fill_from_title(columns: dict[int, _WideColumn], title: str) -> None:
    """Area, cause and place a header leaves unsaid come from the table's title ("Deaths
    involving COVID-19 by region ...", "... at home ..."): the one area it names (England and
    Wales when it names none), its one place ("all" when none), COVID-19 when it says so and
    no column of the table names a cause of its own. A title naming several areas or another
    cause leaves such columns out."""
    areas, _ = _areas_named(title)
    places, _ = _cut_terms(squash_label(title), _WIDE_PLACES)
    title_cause = _cause_named(squash_label(title))
    own_causes = any(col.cause in ("covid19", "respiratory") for col in columns.values())
    for col in columns.values():
        if col.area is None:
            col.area = (next(iter(areas)) if len(areas) == 1 and areas <= _WIDE_AREA_CODES
                        else ENGLAND_AND_WALES_CODE if not areas else None)
        if col.place is None:
            col.place = next(iter(places)) if len(places) == 1 else "all"
        if col.cause is None:
            if own_causes or title_cause in (None, "all_causes"):
                col.cause = "all_causes"
            elif title_cause != "skip":
                col.cause = title_cause


def _sheet_heads(path: Path, limit: int = 60) -> dict[str, list[tuple[object, ...]]]:
    """The first ``limit`` rows of every sheet of an ``.xlsx`` workbook, opened once."""
    workbook = open_workbook_checked(path)
    try:
        heads = {}
        for name in workbook.sheetnames:
            rows = []
            for row in workbook[name].iter_rows(values_only=True):
                rows.append(tuple(row))
                if len(rows) >= limit:
                    break
            heads[name] = rows
        return heads
    finally:
        workbook.close()


def numbered_layout_tables(path: str | Path) -> list[_WideTable]:
    """The weekly-deaths tables of a 2022-2023 numbered-sheet workbook, recognised by their
    header row and cells (any sheet name); [] for any other workbook or file, or when no table
    gives England and Wales, England, Wales or a region all-cause weekly deaths."""
    p = Path(path)
    if p.suffix.lower() not in (".xlsx", ".xlsm"):
        return []
    try:
        heads = _sheet_heads(p)
    except (InputDataError, KeyError, ValueError, OSError):
        return []
    tables = [t for t in (_classify_wide(name, rows) for name, rows in heads.items()) if t]
    wanted = any(col.cause == "all_causes" and col.place == "all" and col.measure == "deaths"
                 for t in tables for col in t.columns.values())
    return tables if wanted else []


def _week_rows(rows, table: _WideTable) -> list[tuple[int, int, date | None, tuple]]:
    """(row index, week, week-ending date, cells) of a table's weeks, stopping at the first
    row below them that is not a week (the next block: males, females, notes)."""
    out = []
    for index, row in enumerate(rows):
        if index <= table.header_row:
            continue
        week = _week_number(row[table.week_col] if table.week_col < len(row) else None)
        if week is None:
            if out and any(v is not None and str(v).strip() for v in row):
                break
            continue
        ended = _as_date(row[table.ended_col]) if table.ended_col < len(row) else None
        out.append((index, week, ended, row))
    return out


def _wide_records(path: Path, file: str, tables: list[_WideTable]
                  ) -> tuple[list[dict], list[DataProblem]]:
    """Weekly rows of the numbered-sheet layout as tidy records (one column's cells parsed at
    once). A week with empty cells (not yet published) gives no row; where two columns give
    the same figure, the one whose header names its area and cause wins, then the first."""
    records: dict[tuple, dict] = {}
    problems: list[DataProblem] = []
    workbook = open_workbook_checked(path)
    try:
        for table in tables:
            weeks = _week_rows(workbook[table.sheet].iter_rows(values_only=True), table)
            undated: set[int] = set()
            for c in sorted(table.columns):
                col = table.columns[c]
                numbers, _, found = cells_to_numbers(
                    [_without_footnote(r[c]) if c < len(r) else None for *_, r in weeks],
                    file=file, sheet=table.sheet, column=table.where(c),
                    rows=[index + 1 for index, *_ in weeks])
                problems += found
                for (index, week, ended, row), value in zip(weeks, numbers, strict=True):
                    if np.isnan(value):
                        continue
                    if ended is None:
                        if index not in undated:
                            undated.add(index)
                            problems.append(DataProblem(
                                file, f"week-ending cell '{row[table.ended_col]}' is not a "
                                "date", sheet=table.sheet, row=index + 1,
                                column=excel_column(table.ended_col)))
                        continue
                    year = week_year(week, ended)
                    key = (col.area, year, week, col.cause, col.place, col.measure)
                    if not col.counts_year(year) or (key in records
                                                     and records[key]["rank"] >= col.rank):
                        continue
                    records[key] = {"area_code": col.area, "year": year, "week": week,
                                    "cause": col.cause, "place": col.place,
                                    "deaths": float(value), "basis": "registrations",
                                    "measure": col.measure, "rank": col.rank, "ended": ended}
    finally:
        workbook.close()
    return _ranked_records(records, problems, file, tables[0].sheet,
                           "no weekly figures found under the 'Week number' header rows")


# --------------------------------------------------------------------------- CMD CSV dataset

LA_CSV_COLUMNS = ("v4_0", "calendar-years", "time", "admin-geography", "geography",
                  "week-number", "week", "cause-of-death", "causeofdeath", "place-of-death",
                  "placeofdeath", "registration-or-occurrence", "registrationoroccurrence")

_BASES = {"registrations": "registrations", "occurrences": "occurrences"}


def load_la_weekly_csv(path: str | Path) -> pd.DataFrame:
    """The ONS "weekly-deaths-local-authority" CSV as the processed ``weekly_deaths`` table.

    Codes are mapped to the processed vocabulary (cause "all-causes" -> "all_causes",
    "covid-19" -> "covid19"; place "care-home" -> "care_home", "other-communal-establishment"
    -> "other_communal", ...; week "week-01" -> 1). The dataset has no all-places rows, so rows
    with ``place == "all"`` are added as the sum over the six places of each area, year, week,
    cause and basis. ``illustrative`` is False (the caller sets it for demo data).
    """
    file = display_path(path)
    raw = read_csv_checked(path)
    raw = check_columns(raw, LA_CSV_COLUMNS, file=file).reset_index(drop=True)
    problems: list[DataProblem] = []
    deaths, _, found = parse_numbers(raw["v4_0"], file=file, column="v4_0", allow_markers=False)
    problems += found
    blank = raw["v4_0"].astype("string").str.strip().fillna("") == ""
    problems += [DataProblem(file, "value is missing", column="v4_0", row=i + 2)
                 for i in blank.to_numpy().nonzero()[0][:20]]
    counts, found = whole_counts(deaths, file=file, column="v4_0", rows=list(raw.index + 2))
    problems += found

    def mapped(column: str, mapping: dict[str, str]) -> pd.Series:
        codes = raw[column].astype("string").str.strip().str.lower()
        values = codes.map(mapping)
        for i in values.isna().to_numpy().nonzero()[0][:20]:
            problems.append(DataProblem(
                file, f"'{raw[column].iloc[i]}' is not one of " + ", ".join(sorted(
                    set(mapping))), column=column, row=int(i) + 2))
        return values.astype(str)

    year, _, found = parse_numbers(raw["calendar-years"], file=file, column="calendar-years",
                                   allow_markers=False)
    problems += found
    week_text = raw["week-number"].astype("string").str.strip().str.lower()
    week = pd.to_numeric(week_text.str.extract(r"^week-?(\d{1,2})$")[0], errors="coerce")
    for i in week.isna().to_numpy().nonzero()[0][:20]:
        problems.append(DataProblem(file, f"'{raw['week-number'].iloc[i]}' is not a week like "
                                    "week-01", column="week-number", row=int(i) + 2))
    out = pd.DataFrame({
        "area_code": raw["admin-geography"].astype("string").str.strip().astype(str),
        "year": year,
        "week": week,
        "cause": mapped("cause-of-death", {k: v for k, v in CAUSES.items() if "-" in k}),
        "place": mapped("place-of-death", {k: v for k, v in PLACES.items()
                                           if v != "all" and " " not in k}),
        "deaths": counts,
        "basis": mapped("registration-or-occurrence", _BASES),
    })
    raise_if(problems)
    out = out.astype({"year": "int64", "week": "int64"})
    out["illustrative"] = False
    out = validate_schema(out, WEEKLY_DEATHS_SCHEMA, file=file)
    keys = ["area_code", "year", "week", "cause", "basis"]
    totals = out.groupby(keys, as_index=False)["deaths"].sum()
    totals["place"] = "all"
    totals["illustrative"] = False
    frame = pd.concat([out, totals[WEEKLY_DEATHS_COLUMNS]], ignore_index=True)
    frame = frame.sort_values(["area_code", "basis", "cause", "place", "year", "week"],
                              kind="stable").reset_index(drop=True)
    return frame[WEEKLY_DEATHS_COLUMNS].astype({"deaths": "Int64"})
