"""ONS "Monthly figures on deaths registered by area of usual residence": the tidy excerpt in
``../shared/data`` (``year, month ("2015-01"), area_code, area_name, deaths_registered``) and the
extract written to ``data/raw/published/monthly_deaths_by_la.csv`` (``year, month (1-12),
area_code, area_name, deaths``) -> the processed ``monthly_deaths`` table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from asclib.errors import DataProblem, display_path
from asclib.sources._common import check_columns, parse_numbers, read_csv_checked, validate_schema
from asclib.sources._tidy import raise_if, whole_counts

COLUMNS = ["area_code", "area_name", "year", "month", "deaths"]

SCHEMA = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str, pa.Check.str_matches(r"^[EKWSN]\d{8}$")),
        "area_name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "year": pa.Column("int64", pa.Check.in_range(2000, 2100)),
        "month": pa.Column("int64", pa.Check.in_range(1, 12)),
        "deaths": pa.Column("Int64", pa.Check.ge(0), nullable=True),
    },
    strict=True, ordered=True, unique=["area_code", "year", "month"],
    report_duplicates="exclude_first",
)


def load_monthly_deaths(path: str | Path) -> pd.DataFrame:
    """Monthly death registrations by area as the processed ``monthly_deaths`` table.

    ``month`` may be "YYYY-MM" (its year must match ``year``) or a number 1-12.
    """
    file = display_path(path)
    raw = read_csv_checked(path)
    raw = check_columns(raw, ["year", "month", "area_code", "area_name", "deaths"], file=file,
                        aliases={"deaths": ("deaths_registered",)}).reset_index(drop=True)
    problems: list[DataProblem] = []
    year, _, found = parse_numbers(raw["year"], file=file, column="year", allow_markers=False)
    problems += found
    month_text = raw["month"].astype("string").str.strip()
    parts = month_text.str.extract(r"^(?:(\d{4})-)?(\d{1,2})$")
    month = pd.to_numeric(parts[1], errors="coerce")
    month_year = pd.to_numeric(parts[0], errors="coerce")
    bad_month = month.isna() | ~month.between(1, 12)
    problems += [DataProblem(file, f"'{raw['month'].iloc[i]}' is not a month like 2020-04 or 4",
                             column="month", row=i + 2)
                 for i in bad_month.to_numpy().nonzero()[0][:20]]
    clash = month_year.notna() & year.notna() & (month_year != year)
    problems += [DataProblem(file, f"month '{raw['month'].iloc[i]}' is not in year "
                             f"{raw['year'].iloc[i]}", column="month", row=i + 2)
                 for i in clash.to_numpy().nonzero()[0][:20]]
    missing_year = year.isna()
    problems += [DataProblem(file, "value is missing", column="year", row=i + 2)
                 for i in missing_year.to_numpy().nonzero()[0][:20]]
    deaths, _, found = parse_numbers(raw["deaths"], file=file, column="deaths")
    problems += found
    counts, found = whole_counts(deaths, file=file, column="deaths",
                                 rows=list(range(2, len(raw) + 2)))
    problems += found
    raise_if(problems)
    out = pd.DataFrame({
        "area_code": raw["area_code"].astype("string").str.strip().astype(str),
        "area_name": raw["area_name"].astype("string").str.strip().astype(str),
        "year": year.astype("int64"),
        "month": month.astype("int64"),
        "deaths": counts,
    })
    out = validate_schema(out, SCHEMA, file=file)
    return out.sort_values(["area_code", "year", "month"], kind="stable").reset_index(drop=True)


def edition(path: str | Path) -> str | None:
    """The publication date the file states about itself: this publisher's file states none
    (its dates describe the data, not the release), so None; the caller falls back to the
    file's modification time."""
    return None
