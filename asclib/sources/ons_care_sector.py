"""ONS "Deaths involving COVID-19 in the care sector" workbook (May 2020 edition): Tables 11
and 12, weekly deaths of care-home residents by local authority (11: all causes, 12: involving
COVID-19), deaths occurring in weeks ending 6 March - 1 May 2020.

Layout of each table sheet: a title row, a row of week numbers, then the header row
``Area Code, Area Name, <week-ending date>, ...``; one row per local authority (England and
Wales, names space-padded to 50 characters); then "Source" and notes rows. ``:`` (and the
other official markers) mean not available -> ``deaths`` missing, ``suppressed`` True.
Cornwall includes the Isles of Scilly and Hackney the City of London (notes 5 and 6).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from asclib.errors import DataProblem, display_path
from asclib.sources._common import find_header_row, validate_schema
from asclib.sources._tidy import (
    cells_to_numbers,
    excel_column,
    raise_if,
    read_sheet_rows,
)

TABLES: dict[str, str] = {"Table 11": "all_causes", "Table 12": "covid19"}

COLUMNS = ["area_code", "area_name", "week_ending", "week", "cause", "deaths", "suppressed"]

SCHEMA = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str, pa.Check.str_matches(r"^[EW]\d{8}$")),
        "area_name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "week_ending": pa.Column("datetime64[us]"),
        "week": pa.Column("Int64", pa.Check.in_range(1, 53), nullable=True),
        "cause": pa.Column(str, pa.Check.isin(["all_causes", "covid19"])),
        "deaths": pa.Column(float, pa.Check.ge(0), nullable=True),
        "suppressed": pa.Column(bool),
    },
    strict=True, ordered=True,
    unique=["area_code", "week_ending", "cause"], report_duplicates="exclude_first",
)


def load_care_home_table(path: str | Path, sheet: str, cause: str) -> pd.DataFrame:
    """One of the weekly care-home deaths tables (long: one row per LA x week)."""
    file = display_path(path)
    rows = read_sheet_rows(path, sheet)
    header_index = find_header_row(rows, ["Area Code", "Area Name"])
    if header_index is None:
        raise_if([DataProblem(file, "no header row with 'Area Code' and 'Area Name' in the "
                              "first 30 rows", sheet=sheet)])
    header = rows[header_index]
    week_numbers = rows[header_index - 1] if header_index > 0 else ()
    date_columns = {c: (v.date() if isinstance(v, datetime) else v)
                    for c, v in enumerate(header) if isinstance(v, (datetime, date))}
    problems: list[DataProblem] = []
    if not date_columns:
        problems.append(DataProblem(file, "the header row has no week-ending dates",
                                    sheet=sheet, row=header_index + 1))
    raise_if(problems)
    records: list[dict] = []
    data_rows: list[int] = []
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        code = row[0] if row else None
        if not isinstance(code, str) or not code.strip():
            if any(v not in (None, "") for v in row[2:]) and code is None:
                problems.append(DataProblem(file, "row has figures but no area code",
                                            sheet=sheet, column="Area Code", row=index + 1))
            continue
        code = code.strip()
        if code.lower().startswith(("source", "notes")):
            break
        if not re.fullmatch(r"[EW]\d{8}", code):
            problems.append(DataProblem(file, f"'{code}' is not an ONS area code",
                                        sheet=sheet, column="Area Code", row=index + 1))
            continue
        name = " ".join(str(row[1] or "").split())
        if not name:
            problems.append(DataProblem(file, "area name is missing", sheet=sheet,
                                        column="Area Name", row=index + 1))
        data_rows.append(index)
        for c, week_ending in date_columns.items():
            week = week_numbers[c] if c < len(week_numbers) else None
            records.append({"area_code": code, "area_name": name,
                            "week_ending": pd.Timestamp(week_ending),
                            "week": int(week) if isinstance(week, (int, float)) else None,
                            "cause": cause, "cell": row[c] if c < len(row) else None,
                            "row": index + 1, "column": c})
    if not data_rows:
        problems.append(DataProblem(file, "no local-authority rows under the header",
                                    sheet=sheet, row=header_index + 1))
    raise_if(problems)
    frame = pd.DataFrame(records)
    for c in sorted(date_columns):
        part = frame["column"] == c
        label = f"{date_columns[c]:%d %b %Y} ({excel_column(c)})"
        numbers, flags, found = cells_to_numbers(
            frame.loc[part, "cell"].tolist(), file=file, sheet=sheet, column=label,
            rows=frame.loc[part, "row"].tolist())
        frame.loc[part, "deaths"] = numbers
        frame.loc[part, "suppressed"] = flags
        problems += found
    raise_if(problems)
    frame = frame.astype({"deaths": float, "suppressed": bool, "week": "Int64",
                          "area_code": str, "area_name": str, "cause": str})
    frame["week_ending"] = frame["week_ending"].astype("datetime64[us]")
    frame = frame[COLUMNS].reset_index(drop=True)
    return validate_schema(frame, SCHEMA, file=file, sheet=sheet)


def load_care_home_deaths_weekly(path: str | Path) -> pd.DataFrame:
    """Tables 11 and 12 together: ``area_code, area_name, week_ending, week, cause
    ("all_causes" / "covid19"), deaths, suppressed``, sorted by area, cause and week.
    Checks that COVID-19 deaths never exceed all-cause deaths for the same area and week."""
    file = display_path(path)
    frames = [load_care_home_table(path, sheet, cause) for sheet, cause in TABLES.items()]
    frame = pd.concat(frames, ignore_index=True)
    wide = frame.pivot_table(index=["area_code", "week_ending"], columns="cause",
                             values="deaths", aggfunc="first")
    if {"all_causes", "covid19"} <= set(wide.columns):
        over = wide[wide["covid19"] > wide["all_causes"]]
        raise_if([DataProblem(file, f"{area} week ending {week:%d %b %Y}: COVID-19 deaths "
                              f"({row.covid19:.0f}) exceed all-cause deaths "
                              f"({row.all_causes:.0f})", sheet="Table 12")
                  for (area, week), row in over.iterrows()])
    return frame.sort_values(["area_code", "cause", "week_ending"],
                             kind="stable").reset_index(drop=True)


def edition(path: str | Path) -> str | None:
    """The publication date the file states about itself: this publisher's file states none
    (its dates describe the data, not the release), so None; the caller falls back to the
    file's modification time."""
    return None
