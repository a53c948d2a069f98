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

2. The ONS CMD dataset "weekly-deaths-local-authority" CSV
   (``v4_0,calendar-years,time,admin-geography,geography,week-number,week,cause-of-death,
   causeofdeath,place-of-death,placeofdeath,registration-or-occurrence,
   registrationoroccurrence``): :func:`load_la_weekly_csv` returns the processed
   ``weekly_deaths`` table, adding ``place == "all"`` rows as the sum over places.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from asclib.errors import DataProblem, display_path
from asclib.sources._common import (
    check_columns,
    normalise_label,
    parse_numbers,
    read_csv_checked,
    validate_schema,
)
from asclib.sources._tidy import (
    cells_to_numbers,
    clean_label,
    excel_column,
    raise_if,
    read_sheet_rows,
    whole_counts,
)

WEEKLY_SHEET = "Weekly figures 2020"
PLACE_SHEET = "Covid-19 - Place of occurrence"

#: Area labels of the national workbook -> ONS codes.
AREA_CODES: dict[str, str] = {
    "england and wales": "K04000001",
    "england": "E92000001",
    "wales": "W92000004",
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


def _first_text(row: tuple[object, ...]) -> tuple[int, str]:
    """Column index and cleaned text of the first non-empty text cell of a row."""
    for index, value in enumerate(row):
        if isinstance(value, str) and value.strip():
            return index, clean_label(value)
    return -1, ""


def _week_row(rows: list[tuple[object, ...]], *, file: str, sheet: str) -> int:
    for index, row in enumerate(rows[:30]):
        if row and normalise_label(row[0] or "") == "week number":
            return index
    raise_if([DataProblem(file, "no 'Week number' header row found in the first 30 rows",
                          sheet=sheet)])
    return -1  # unreachable


def _year_of(rows: list[tuple[object, ...]], week_row: int) -> int:
    """The year of the weeks: the most common year among the 'Week ended' dates."""
    dates = [v for v in rows[week_row + 1] if isinstance(v, (datetime, date))]
    if not dates:
        return 2020
    years = pd.Series([d.year for d in dates])
    return int(years.mode().iloc[0])


def _weekly_figures(path: Path, file: str) -> tuple[list[dict], list[DataProblem]]:
    sheet = WEEKLY_SHEET
    rows = read_sheet_rows(path, sheet)
    week_row = _week_row(rows, file=file, sheet=sheet)
    year = _year_of(rows, week_row)
    weeks = {c: int(v) for c, v in enumerate(rows[week_row])
             if c > 0 and isinstance(v, (int, float)) and not isinstance(v, bool)}
    records: list[dict] = []
    problems: list[DataProblem] = []
    found_total = False
    pending_average = False

    def take(row_index: int, area: str, cause: str, measure: str) -> None:
        cols = sorted(weeks)
        cells = [rows[row_index][c] if c < len(rows[row_index]) else None for c in cols]
        # ``rows`` = positions, so each problem says which week column it is in
        numbers, _, found = cells_to_numbers(
            cells, file=file, sheet=sheet, column=f"row {row_index + 1}",
            rows=list(range(len(cols))))
        for p in found:
            c = cols[p.row] if p.row is not None else None
            problems.append(DataProblem(
                p.file, p.message, sheet=sheet, row=row_index + 1,
                column=None if c is None else f"week {weeks[c]} ({excel_column(c)})"))
        for c, value in zip(cols, numbers, strict=True):
            if not np.isnan(value):
                records.append({"area_code": area, "year": year, "week": weeks[c],
                                "cause": cause, "place": "all", "deaths": float(value),
                                "basis": "registrations", "measure": measure})

    in_regions = False
    for index in range(week_row + 2, len(rows)):
        row = rows[index]
        if not row:
            continue
        first = row[0]
        _, label = _first_text(row)
        key = normalise_label(label)
        if key.startswith("footnotes") or key.startswith("source"):
            break
        if key.startswith("total deaths: average of corresponding"):
            pending_average = True
            continue
        if pending_average and "previous 5 years" in key:
            pending_average = False
            match = re.search(r"\(([^)]*)\)", label)
            area = AREA_CODES.get(normalise_label(match.group(1)) if match else "")
            if area is None:
                problems.append(DataProblem(file, f"five-year average row '{label}' names no "
                                            "known area", sheet=sheet, row=index + 1))
                continue
            take(index, area, "all_causes", "five_year_average")
            continue
        if key.startswith("total deaths, all ages"):
            found_total = True
            take(index, "K04000001", "all_causes", "deaths")
        elif key.startswith("deaths where covid-19 was mentioned"):
            take(index, "K04000001", "covid19", "deaths")
        elif key.startswith("deaths where the underlying cause was respiratory"):
            take(index, "K04000001", "respiratory", "deaths")
        elif key.startswith("deaths by region of usual residence"):
            in_regions = True
        elif in_regions and isinstance(first, str) and re.fullmatch(r"[EW]\d{8}", first.strip()):
            take(index, first.strip(), "all_causes", "deaths")
    if not found_total:
        problems.append(DataProblem(file, "no 'Total deaths, all ages' row found", sheet=sheet))
    return records, problems


def _place_of_occurrence(path: Path, file: str) -> tuple[list[dict], list[DataProblem]]:
    sheet = PLACE_SHEET
    rows = read_sheet_rows(path, sheet)
    week_row = _week_row(rows, file=file, sheet=sheet)
    year = _year_of(rows, week_row)
    header = rows[week_row]
    week_of_column: dict[int, int] = {}
    current = None
    for c in range(1, len(header)):
        value = header[c]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            current = int(value)
        if current is not None:
            week_of_column[c] = current
    records: list[dict] = []
    problems: list[DataProblem] = []
    last_week = max(week_of_column.values()) if week_of_column else None

    def columns_of(area_row: tuple[object, ...], cause_row: tuple[object, ...]) -> dict[int, tuple]:
        out: dict[int, tuple] = {}
        area = None
        for c in range(1, len(cause_row)):
            if c < len(area_row) and isinstance(area_row[c], str) and area_row[c].strip():
                area = AREA_CODES.get(normalise_label(clean_label(area_row[c])))
            cause = CAUSES.get(normalise_label(clean_label(cause_row[c]))) \
                if isinstance(cause_row[c], str) else None
            if area and cause:
                out[c] = (area, cause)
        return out

    index = week_row + 1
    block: dict[int, tuple] = {}
    block_kind = None
    while index < len(rows):
        row = rows[index]
        _, label = _first_text(row)
        key = normalise_label(label)
        if key.startswith("footnotes"):
            break
        nxt = rows[index + 1] if index + 1 < len(rows) else ()
        if any(isinstance(v, str) and normalise_label(v) == "total deaths" for v in nxt):
            block = columns_of(row, nxt)
            block_kind = "ytd" if block_kind == "ytd_pending" else "weekly"
            index += 2
            continue
        if key.startswith("deaths registered from"):
            block_kind = "ytd_pending"
            index += 1
            continue
        first = row[0] if row else None
        place = PLACES.get(normalise_label(clean_label(first))) if isinstance(first, str) else None
        if place and block:
            cols = sorted(block)
            numbers, _, found = cells_to_numbers(
                [row[c] if c < len(row) else None for c in cols], file=file, sheet=sheet,
                column=label, rows=list(range(len(cols))))
            for p in found:
                c = cols[p.row] if p.row is not None else None
                where = "" if c is None else f"{block[c][0]} {block[c][1]}, column " \
                    f"{excel_column(c)}"
                problems.append(DataProblem(p.file, f"{p.message} ({where})" if where
                                            else p.message, sheet=sheet, column=label,
                                            row=index + 1))
            for c, value in zip(cols, numbers, strict=True):
                if np.isnan(value):
                    continue
                area, cause = block[c]
                if block_kind == "ytd":
                    week, measure = last_week, "deaths_year_to_date"
                else:
                    week, measure = week_of_column.get(c), "deaths"
                if week is None:
                    continue
                records.append({"area_code": area, "year": year, "week": week, "cause": cause,
                                "place": place, "deaths": float(value),
                                "basis": "registrations", "measure": measure})
        index += 1
    if not any(r["measure"] == "deaths" for r in records):
        problems.append(DataProblem(file, "no weekly place-of-occurrence rows found",
                                    sheet=sheet))
    return records, problems


def load_weekly_workbook(path: str | Path) -> pd.DataFrame:
    """The ONS weekly deaths workbook as tidy rows.

    Columns ``area_code, year, week, cause, place, deaths, basis, measure``: ``measure`` is
    "deaths" (registrations in the week), "five_year_average" (the published 2015-2019
    average for the same week) or "deaths_year_to_date" (the sheet's year-to-date block; ``week``
    = the last week it covers). ``cause`` is "all_causes", "covid19" (mentioned on the
    certificate) or "respiratory" (underlying cause J00-J99); ``place`` "all" except on the
    place-of-occurrence sheet. The by-age sub-tables are not returned. Areas: K04000001
    England and Wales, E92000001 England, W92000004 Wales and the English regions.
    """
    p = Path(path)
    file = display_path(p)
    weekly, problems = _weekly_figures(p, file)
    by_place, more = _place_of_occurrence(p, file)
    raise_if(problems + more)
    frame = pd.DataFrame(weekly + by_place, columns=WORKBOOK_COLUMNS)
    frame = frame.astype({"area_code": str, "year": "int64", "week": "int64", "cause": str,
                          "place": str, "deaths": float, "basis": str, "measure": str})
    frame = frame.sort_values(["measure", "area_code", "cause", "place", "week"],
                              kind="stable").reset_index(drop=True)
    frame = validate_schema(frame, WORKBOOK_SCHEMA, file=file)
    _check_place_totals(frame, file)
    return frame


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
