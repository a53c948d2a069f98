"""OHID Fingertips indicator data: the "Export data" CSV and the API ``all_data/csv`` layout.

Layout (26 columns, one row per indicator x area x sex x age x category x period)::

    Indicator ID, Indicator Name, Parent Code, Parent Name, Area Code, Area Name, Area Type, Sex,
    Age, Category Type, Category, Time period, Value, Lower CI 95.0 limit, Upper CI 95.0 limit,
    Lower CI 99.8 limit, Upper CI 99.8 limit, Count, Denominator, Value note, Recent Trend,
    Compared to England value or percentiles, Compared to Region value or percentiles,
    Time period Sortable, New data, Compared to goal

Quirks handled: the Indicator Name cell can hold an embedded newline inside quotes; CI columns
are often empty (category rows, 99.8% limits); values may be suppressed (a marker such as ``*``
in Value, or a Value note saying so) -> ``value`` missing and ``suppressed`` True; rows with no
value for other reasons (e.g. "Value for Cornwall & Isles of Scilly combined") keep the note and
are not flagged as suppressed. Sex, age and category are kept as published.

Also the indicator metadata table the suite keeps beside the data
(``indicator_id, indicator_name, domain, polarity, unit, value_type, multiplier``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from asclib.errors import DataProblem, display_path
from asclib.sources._common import check_columns, parse_numbers, read_csv_checked, validate_schema
from asclib.sources._tidy import raise_if

#: Export header -> processed column, in export order.
EXPORT_COLUMNS: dict[str, str] = {
    "Indicator ID": "indicator_id",
    "Indicator Name": "indicator_name",
    "Parent Code": "parent_code",
    "Parent Name": "parent_name",
    "Area Code": "area_code",
    "Area Name": "area_name",
    "Area Type": "area_type",
    "Sex": "sex",
    "Age": "age",
    "Category Type": "category_type",
    "Category": "category",
    "Time period": "period",
    "Value": "value",
    "Lower CI 95.0 limit": "lower_ci_95",
    "Upper CI 95.0 limit": "upper_ci_95",
    "Lower CI 99.8 limit": "lower_ci_99_8",
    "Upper CI 99.8 limit": "upper_ci_99_8",
    "Count": "count",
    "Denominator": "denominator",
    "Value note": "value_note",
    "Recent Trend": "recent_trend",
    "Compared to England value or percentiles": "compared_to_england",
    "Compared to Region value or percentiles": "compared_to_region",
    "Time period Sortable": "period_sortable",
    "New data": "new_data",
    "Compared to goal": "compared_to_goal",
}

#: Columns a file must have; the others may be absent (older exports, API variants).
REQUIRED_EXPORT_COLUMNS: tuple[str, ...] = (
    "Indicator ID", "Indicator Name", "Area Code", "Area Name", "Area Type", "Sex", "Age",
    "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Count", "Denominator",
    "Time period Sortable",
)

INDICATOR_COLUMNS: list[str] = [
    "indicator_id", "indicator_name", "area_code", "area_name", "area_type", "parent_code", "sex",
    "age", "category_type", "category", "period", "period_sortable", "value", "lower_ci_95",
    "upper_ci_95", "lower_ci_99_8", "upper_ci_99_8", "count", "denominator", "value_note",
    "recent_trend", "compared_to_england", "compared_to_region", "suppressed",
]

_NUMBER_COLUMNS = ("value", "lower_ci_95", "upper_ci_95", "lower_ci_99_8", "upper_ci_99_8",
                   "count", "denominator")
_OPTIONAL_TEXT = ("parent_code", "category_type", "category", "value_note", "recent_trend",
                  "compared_to_england", "compared_to_region")

_AREA_CODE = r"^[EKNSWJ]\d{8}$|^[A-Za-z0-9_-]+$"

INDICATORS_SCHEMA = pa.DataFrameSchema(
    {
        "indicator_id": pa.Column("int64", pa.Check.gt(0)),
        "indicator_name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "area_code": pa.Column(str, pa.Check.str_matches(_AREA_CODE)),
        "area_name": pa.Column(str),
        "area_type": pa.Column(str),
        "parent_code": pa.Column(str, nullable=True),
        "sex": pa.Column(str),
        "age": pa.Column(str),
        "category_type": pa.Column(str, nullable=True),
        "category": pa.Column(str, nullable=True),
        "period": pa.Column(str, pa.Check.str_length(min_value=1)),
        "period_sortable": pa.Column("int64", pa.Check.ge(0)),
        "value": pa.Column(float, nullable=True),
        "lower_ci_95": pa.Column(float, nullable=True),
        "upper_ci_95": pa.Column(float, nullable=True),
        "lower_ci_99_8": pa.Column(float, nullable=True),
        "upper_ci_99_8": pa.Column(float, nullable=True),
        "count": pa.Column(float, pa.Check.ge(0), nullable=True),
        "denominator": pa.Column(float, pa.Check.ge(0), nullable=True),
        "value_note": pa.Column(str, nullable=True),
        "recent_trend": pa.Column(str, nullable=True),
        "compared_to_england": pa.Column(str, nullable=True),
        "compared_to_region": pa.Column(str, nullable=True),
        "suppressed": pa.Column(bool),
    },
    checks=[pa.Check(lambda d: ~(d["lower_ci_95"] > d["upper_ci_95"]).fillna(False),
                     element_wise=False, error="lower_ci_95 above upper_ci_95")],
    strict=True, ordered=True,
    unique=["indicator_id", "area_code", "sex", "age", "category_type", "category", "period"],
    report_duplicates="exclude_first",
)

POLARITIES: tuple[str, ...] = ("high_is_good", "low_is_good", "no_judgement")

METADATA_COLUMNS: list[str] = ["indicator_id", "indicator_name", "domain", "polarity", "unit",
                               "value_type", "multiplier"]

METADATA_SCHEMA = pa.DataFrameSchema(
    {
        "indicator_id": pa.Column("int64", pa.Check.gt(0), unique=True),
        "indicator_name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "domain": pa.Column(str),
        "polarity": pa.Column(str, pa.Check.isin(POLARITIES)),
        "unit": pa.Column(str),
        "value_type": pa.Column(str),
        "multiplier": pa.Column(float, pa.Check.gt(0)),
    },
    strict=True, ordered=True,
)


def _text(series: pd.Series) -> pd.Series:
    """Stripped single-line text; empty -> missing."""
    cleaned = series.astype("string").str.replace(r"\s+", " ", regex=True).str.strip()
    return cleaned.mask(cleaned == "").astype(str)


def _integers(series: pd.Series, *, file: str, column: str) -> tuple[pd.Series, list[DataProblem]]:
    numbers, _, problems = parse_numbers(series, file=file, column=column, allow_markers=False)
    missing = numbers.isna()
    problems += [DataProblem(file, "value is missing", column=column, row=i + 2)
                 for i in missing.to_numpy().nonzero()[0][:20]]
    fraction = (numbers.notna()) & (numbers != numbers.round())
    problems += [DataProblem(file, f"'{series.iloc[i]}' is not a whole number", column=column,
                             row=i + 2) for i in fraction.to_numpy().nonzero()[0][:20]]
    return numbers.fillna(0).round().astype("int64"), problems


def load_fingertips_export(path: str | Path) -> pd.DataFrame:
    """A Fingertips export / API CSV as the processed ``indicators`` table.

    Returns the columns of :data:`INDICATOR_COLUMNS`: ids and ``period_sortable`` as integers,
    values, confidence limits, counts and denominators as floats (missing where the file is
    empty or suppressed), ``suppressed`` True where the Value cell held a suppression marker or
    the Value note says the value was suppressed. Raises InputDataError listing every problem
    (file, column, row).
    """
    file = display_path(path)
    raw = read_csv_checked(path)
    raw = check_columns(raw, REQUIRED_EXPORT_COLUMNS, file=file)
    for header in EXPORT_COLUMNS:
        if header not in raw.columns:
            matched = [c for c in raw.columns if c.strip().lower() == header.lower()]
            raw[header] = raw[matched[0]] if matched else ""
    raw = raw.reset_index(drop=True)
    problems: list[DataProblem] = []
    out = pd.DataFrame(index=raw.index)
    out["indicator_id"], found = _integers(raw["Indicator ID"], file=file, column="Indicator ID")
    problems += found
    for header, name in EXPORT_COLUMNS.items():
        if name in ("indicator_id", "period_sortable") or name in _NUMBER_COLUMNS:
            continue
        out[name] = _text(raw[header])
    markers = pd.Series(False, index=raw.index)
    for header, name in EXPORT_COLUMNS.items():
        if name in _NUMBER_COLUMNS:
            numbers, flagged, found = parse_numbers(raw[header], file=file, column=header)
            out[name] = numbers
            problems += found
            if name == "value":
                markers = flagged
    out["period_sortable"], found = _integers(raw["Time period Sortable"], file=file,
                                              column="Time period Sortable")
    problems += found
    for name in ("indicator_name", "area_code", "area_name", "area_type", "sex", "age", "period"):
        header = next(h for h, n in EXPORT_COLUMNS.items() if n == name)
        blank = out[name].isna()
        problems += [DataProblem(file, "value is missing", column=header, row=i + 2)
                     for i in blank.to_numpy().nonzero()[0][:20]]
        out[name] = out[name].fillna("")
    raise_if(problems)
    note_says = out["value_note"].fillna("").str.contains("suppress", case=False)
    out["suppressed"] = (markers | (note_says & out["value"].isna())).astype(bool)
    out = out[INDICATOR_COLUMNS]
    return validate_schema(out, INDICATORS_SCHEMA, file=file)


def load_indicator_metadata(path: str | Path) -> pd.DataFrame:
    """The indicator metadata CSV (``indicator_id, indicator_name, domain, polarity, unit,
    value_type, multiplier``) typed and checked (polarity in :data:`POLARITIES`, multiplier
    > 0, ids unique)."""
    file = display_path(path)
    raw = read_csv_checked(path)
    raw = check_columns(raw, METADATA_COLUMNS, file=file)[METADATA_COLUMNS].reset_index(drop=True)
    problems: list[DataProblem] = []
    out = pd.DataFrame(index=raw.index)
    out["indicator_id"], found = _integers(raw["indicator_id"], file=file, column="indicator_id")
    problems += found
    for name in ("indicator_name", "domain", "polarity", "unit", "value_type"):
        out[name] = raw[name].astype("string").str.strip().astype(str)
    multiplier, _, found = parse_numbers(raw["multiplier"], file=file, column="multiplier",
                                         allow_markers=False)
    problems += found
    out["multiplier"] = multiplier
    raise_if(problems)
    return validate_schema(out, METADATA_SCHEMA, file=file)
