"""OHID Fingertips indicator data: the "Export data" CSV and the API ``all_data/csv`` layout.

Headers are matched by :func:`header_key` through :data:`HEADER_ALIASES` (the one alias table),
so the classic export, the API download and the current site format (``AreaName``,
``IndicatorID``, ``TimeperiodSortable``, a trailing "Time period range", BOM, all fields
quoted) read alike. Classic layout (26 columns, one row per indicator x area x sex x age x
category x period)::

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

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from asclib.errors import DataProblem, display_path
from asclib.sources._common import check_columns, parse_numbers, read_csv_checked, validate_schema
from asclib.sources._tidy import raise_if

#: Export header -> processed column, in export order (the classic "Export data" spelling).
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

#: Other spellings of each export header, matched after :func:`header_key` (lower case, no
#: spaces or punctuation), so "AreaCode", "area_code", "AREA CODE" and "Area Code" are one
#: column. The current site and API downloads drop the spaces ("AreaName", "IndicatorID",
#: "TimeperiodSortable", "LowerCI95.0limit"), which the key already absorbs; the entries here
#: are the genuinely different words.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "Indicator ID": ("Indicator", "IndicatorId"),
    "Parent Code": ("Parent Area Code",),
    "Parent Name": ("Parent Area Name",),
    "Time period": ("Timeperiod", "Period"),
    "Lower CI 95.0 limit": ("Lower CI 95 limit", "Lower CI 95", "LowerCI95"),
    "Upper CI 95.0 limit": ("Upper CI 95 limit", "Upper CI 95", "UpperCI95"),
    "Lower CI 99.8 limit": ("Lower CI 99.8", "LowerCI998"),
    "Upper CI 99.8 limit": ("Upper CI 99.8", "UpperCI998"),
    "Time period Sortable": ("Timeperiod Sortable", "Time period sort"),
    "Compared to England value or percentiles": ("Compared to England",
                                                 "Compared to England value",
                                                 "Compared to percentiles"),
    "Compared to Region value or percentiles": ("Compared to Region", "Compared to Region value",
                                                "Compared to parent value or percentiles",
                                                "Compared to parent", "Compared to parent value",
                                                "Compared to Subnational value or percentiles"),
}

#: Columns a file must have; the others may be absent (older exports, API variants).
#: ``Time period Sortable`` may be absent: it is then derived from ``Time period``.
REQUIRED_EXPORT_COLUMNS: tuple[str, ...] = (
    "Indicator ID", "Indicator Name", "Area Code", "Area Name", "Area Type", "Sex", "Age",
    "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Count", "Denominator",
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


def header_key(label: object) -> str:
    """A header label for matching: lower case, letters and digits only
    ("Lower CI 95.0 limit", "LowerCI95.0limit" and "lower_ci_95_0_limit" -> "lowerci950limit")."""
    return re.sub(r"[^a-z0-9]", "", str(label).lower())


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for header in EXPORT_COLUMNS:
        for spelling in (header, EXPORT_COLUMNS[header], *HEADER_ALIASES.get(header, ())):
            lookup.setdefault(header_key(spelling), header)
    return lookup


_HEADER_LOOKUP = _header_lookup()


def match_headers(columns: list[str], *, file: str) -> dict[str, str]:
    """Export header (as in :data:`EXPORT_COLUMNS`) -> the file's own header, by
    :func:`header_key` and :data:`HEADER_ALIASES`.

    A "Compared to ..." column naming another parent ("Compared to ICB value or percentiles")
    stands for the region comparison when the file has no region column. Raises
    InputDataError naming both headers when two columns match one export header, and listing
    every missing required column at once. Columns nothing matches (e.g. "Time period range")
    are ignored.
    """
    found: dict[str, str] = {}
    problems: list[DataProblem] = []
    others: list[str] = []
    for column in columns:
        header = _HEADER_LOOKUP.get(header_key(column))
        if header is None:
            if header_key(column).startswith("comparedto") and "goal" not in header_key(column):
                others.append(column)
            continue
        if header in found:
            problems.append(DataProblem(
                file, f"columns {found[header]!r} and {column!r} are both {header!r}",
                column=column))
            continue
        found[header] = column
    region = "Compared to Region value or percentiles"
    if region not in found and others:
        found[region] = others[0]
    problems += [DataProblem(file, "required column is missing", column=header)
                 for header in REQUIRED_EXPORT_COLUMNS if header not in found]
    raise_if(problems)
    return found


_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


def period_sortable(period: str) -> int | None:
    """The Fingertips sortable number of a time period label: year x 10000 + quarter x 100 +
    month, as the site's "Time period Sortable" column ("2015" -> 20150000, "2015/16" ->
    20150000, "2015 Q1" and "2015/16 Q1" -> 20150100, "Jan 2015" and "2015 Jan" ->
    20150001). Rolling periods sort by their first year ("2015 - 17" -> 20150000; the same
    first year as a single-year period, which never share an indicator). None when no year.
    """
    text = str(period).strip().lower()
    year = re.search(r"(19|20)\d{2}", text)
    if year is None:
        return None
    number = int(year.group(0)) * 10000
    quarter = re.search(r"\bq\s*([1-4])\b", text)
    if quarter:
        number += int(quarter.group(1)) * 100
    month = re.search(r"\b(" + "|".join(_MONTHS) + ")", text)
    if month and not quarter:
        number += _MONTHS[month.group(1)]
    return number


def load_fingertips_export(path: str | Path) -> pd.DataFrame:
    """A Fingertips export / API CSV as the processed ``indicators`` table.

    Layouts read: the classic 26-column "Export data" CSV, the API ``all_data/csv`` download,
    the current site format (headers without spaces such as ``AreaName`` / ``IndicatorID``,
    extra trailing columns such as "Time period range", a byte-order mark, every field quoted)
    and any other capitalisation or spacing of the headers (:func:`match_headers`).
    ``period_sortable`` comes from the file, or from :func:`period_sortable` where the column is
    absent or a cell is empty.

    Returns the columns of :data:`INDICATOR_COLUMNS`: ids and ``period_sortable`` as integers,
    values, confidence limits, counts and denominators as floats (missing where the file is
    empty or suppressed), ``suppressed`` True where the Value cell held a suppression marker or
    the Value note says the value was suppressed. Raises InputDataError listing every problem
    (file, column, row).
    """
    file = display_path(path)
    raw = read_csv_checked(path)
    headers = match_headers([str(c) for c in raw.columns], file=file)
    raw = raw.reset_index(drop=True)
    column = {h: raw[headers[h]] if h in headers else pd.Series("", index=raw.index)
              for h in EXPORT_COLUMNS}
    shown = {h: headers.get(h, h) for h in EXPORT_COLUMNS}
    problems: list[DataProblem] = []
    out = pd.DataFrame(index=raw.index)
    out["indicator_id"], found = _integers(column["Indicator ID"], file=file,
                                           column=shown["Indicator ID"])
    problems += found
    for header, name in EXPORT_COLUMNS.items():
        if name in ("indicator_id", "period_sortable") or name in _NUMBER_COLUMNS:
            continue
        out[name] = _text(column[header])
    markers = pd.Series(False, index=raw.index)
    for header, name in EXPORT_COLUMNS.items():
        if name in _NUMBER_COLUMNS:
            numbers, flagged, found = parse_numbers(column[header], file=file,
                                                    column=shown[header])
            out[name] = numbers
            problems += found
            if name == "value":
                markers = flagged
    sortable = column["Time period Sortable"].astype("string").str.strip().fillna("")
    derived = out["period"].fillna("").map(period_sortable)
    sortable = sortable.mask(sortable == "", derived.map(
        lambda n: "" if n is None or pd.isna(n) else str(int(n))))
    out["period_sortable"], found = _integers(sortable, file=file,
                                              column=shown["Time period Sortable"])
    problems += found
    for name in ("indicator_name", "area_code", "area_name", "area_type", "sex", "age", "period"):
        header = next(h for h, n in EXPORT_COLUMNS.items() if n == name)
        blank = out[name].isna()
        problems += [DataProblem(file, "value is missing", column=shown[header], row=i + 2)
                     for i in blank.to_numpy().nonzero()[0][:20]]
        out[name] = out[name].fillna("")
    raise_if(problems)
    note_says = out["value_note"].fillna("").str.contains("suppress", case=False)
    out["suppressed"] = (markers | (note_says & out["value"].isna())).astype(bool)
    out = out[INDICATOR_COLUMNS]
    return validate_schema(out, INDICATORS_SCHEMA, file=file)


def edition(path: str | Path) -> str | None:
    """The publication date a Fingertips file states about itself: none does (the export
    carries no date), so always None; the caller falls back to the file's modification time."""
    return None


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
