"""ONS ad hoc table: deaths in local-authority and non-local-authority care homes by local
authority, 2010-2023, England and Wales (``lanonladeaths20141021.csv``).

Layout: UTF-8 with a byte-order mark, four preamble lines (title, "This worksheet contains one
table.", note markers, blank; each padded with empty fields), then the header
``Year, Local Authority Code, Local Authority Name, LA care homes, non-LA care homes,
All care homes`` and one row per LA and year. The processed layout's own header
(``year, area_code, area_name, la_care_homes, non_la_care_homes, all_care_homes``, as written
to ``data/raw/published/care_home_deaths_by_la.csv``) is read too.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from asclib.errors import DataProblem, display_path
from asclib.sources._common import (
    check_columns,
    find_header_row,
    parse_numbers,
    read_csv_checked,
    validate_schema,
)
from asclib.sources._tidy import raise_if, whole_counts

COLUMNS = ["area_code", "area_name", "year", "la_care_homes", "non_la_care_homes",
           "all_care_homes"]

ALIASES: dict[str, tuple[str, ...]] = {
    "year": ("Year",),
    "area_code": ("Local Authority Code", "Area Code"),
    "area_name": ("Local Authority Name", "Area Name"),
    "la_care_homes": ("LA care homes",),
    "non_la_care_homes": ("non-LA care homes",),
    "all_care_homes": ("All care homes",),
}

SCHEMA = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str, pa.Check.str_matches(r"^[EW]\d{8}$")),
        "area_name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "year": pa.Column("int64", pa.Check.in_range(2000, 2100)),
        "la_care_homes": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "non_la_care_homes": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "all_care_homes": pa.Column("Int64", pa.Check.ge(0), nullable=True),
    },
    checks=[pa.Check(lambda d: (d["la_care_homes"] + d["non_la_care_homes"]
                                == d["all_care_homes"]).fillna(True),
                     error="LA + non-LA care homes differ from All care homes")],
    strict=True, ordered=True, unique=["area_code", "year"], report_duplicates="exclude_first",
)


def load_care_home_deaths(path: str | Path) -> pd.DataFrame:
    """The care-home deaths CSV as the processed ``care_home_deaths`` table (every LA and year
    in the file; counts as nullable integers, suppression markers -> missing). Checks LA +
    non-LA = all care homes, one row per LA and year."""
    file = display_path(path)
    raw = read_csv_checked(path, header=None)
    rows = raw.fillna("").to_numpy().tolist()
    header = None
    for labels in (("Year", "Local Authority Code", "All care homes"),
                   ("year", "area_code", "all_care_homes")):
        header = find_header_row(rows, labels)
        if header is not None:
            break
    if header is None:
        raise_if([DataProblem(file, "no header row with Year, Local Authority Code and All "
                              "care homes in the first 30 rows", column="Local Authority Code")])
    frame = raw.iloc[header + 1:].copy()
    frame.columns = [str(c).strip() for c in raw.iloc[header]]
    frame = frame.loc[:, [c for c in frame.columns if c]]
    frame = check_columns(frame, COLUMNS, file=file, aliases=ALIASES)
    first_row = header + 2
    frame = frame[COLUMNS].reset_index(drop=True)
    blank = frame.apply(lambda col: col.astype("string").str.strip().fillna("") == "").all(axis=1)
    frame = frame[~blank].reset_index(drop=True)
    if frame.empty:
        raise_if([DataProblem(file, "no data rows under the header", row=header + 1)])
    problems: list[DataProblem] = []
    out = pd.DataFrame({
        "area_code": frame["area_code"].astype("string").str.strip().astype(str),
        "area_name": frame["area_name"].astype("string").str.strip().astype(str),
    })
    year, _, found = parse_numbers(frame["year"], file=file, column="Year", first_row=first_row,
                                   allow_markers=False)
    problems += found
    out["year"] = year
    rows_seen = list(range(first_row, first_row + len(frame)))
    for name, label in (("la_care_homes", "LA care homes"),
                        ("non_la_care_homes", "non-LA care homes"),
                        ("all_care_homes", "All care homes")):
        numbers, _, found = parse_numbers(frame[name], file=file, column=label,
                                          first_row=first_row)
        problems += found
        out[name], found = whole_counts(numbers, file=file, column=label, rows=rows_seen)
        problems += found
    missing_year = out["year"].isna() & (frame["year"].astype("string").str.strip() == "")
    problems += [DataProblem(file, "value is missing", column="Year", row=first_row + i)
                 for i in missing_year.to_numpy().nonzero()[0][:20]]
    raise_if(problems)
    out["year"] = out["year"].astype("int64")
    out = out[COLUMNS]
    out = validate_schema(out, SCHEMA, file=file, first_row=first_row)
    return out.sort_values(["area_code", "year"], kind="stable").reset_index(drop=True)


def edition(path: str | Path) -> str | None:
    """The publication date the file states about itself: this publisher's file states none
    (its dates describe the data, not the release), so None; the caller falls back to the
    file's modification time."""
    return None
