"""Loaders for the project's own tidy CSVs in ``data/raw/published/`` and ``data/raw/lookups/``.

Each schema lists the columns in the processed table's order (docs/ARCHITECTURE.md); the
loader picks columns by name, so the order in the file does not matter.

These files are written by us (``scripts/extract_published.py`` for the real extracts, a
transcription for ``seed_figures.csv``), one row per figure, in the processed column layouts of
docs/ARCHITECTURE.md. Each is read by the same :func:`load_tidy_csv` pattern: every column as
text, required columns checked, number columns parsed with the row of any bad cell, then the
pandera schema validated (ranges, vocabularies, uniqueness), with every problem reported.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from asclib.errors import DataProblem, InputDataError, display_path
from asclib.sources._common import check_columns, parse_numbers, read_csv_checked, validate_schema

_AREA = r"^[EWSNK]\d{8}$"
_FY = r"^\d{4}/\d{2}$"


def _code(nullable: bool = False) -> pa.Column:
    return pa.Column(str, pa.Check.str_matches(_AREA), nullable=nullable)


SEED_FIGURES = pa.DataFrameSchema(
    {
        "figure_id": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]+$"), unique=True),
        "figure": pa.Column(str),
        "value": pa.Column(float),
        "unit": pa.Column(str),
        "period": pa.Column(str),
        "area_code": _code(),
        "document": pa.Column(str),
        "section": pa.Column(str),
        "page": pa.Column(str),
    },
    ordered=True, name="seed_figures",
)

LOCAL_AUTHORITIES = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str, pa.Check.str_matches(_AREA), unique=True),
        "area_name": pa.Column(str),
        "geography": pa.Column(str),
        "region_code": pa.Column(str, nullable=True),
        "region_name": pa.Column(str, nullable=True),
        "asc_authority": pa.Column(bool),
    },
    ordered=True, name="local_authorities",
)

CARE_HOME_DEATHS = pa.DataFrameSchema(
    {
        "area_code": _code(),
        "area_name": pa.Column(str),
        "year": pa.Column(int, pa.Check.in_range(1990, 2100)),
        "la_care_homes": pa.Column(float, pa.Check.ge(0), nullable=True),
        "non_la_care_homes": pa.Column(float, pa.Check.ge(0), nullable=True),
        "all_care_homes": pa.Column(float, pa.Check.ge(0), nullable=True),
    },
    ordered=True, unique=["area_code", "year"], name="care_home_deaths",
)

MONTHLY_DEATHS = pa.DataFrameSchema(
    {
        "area_code": _code(),
        "area_name": pa.Column(str),
        "year": pa.Column(int, pa.Check.in_range(1990, 2100)),
        "month": pa.Column(int, pa.Check.in_range(1, 12)),
        "deaths": pa.Column(float, pa.Check.ge(0), nullable=True),
    },
    ordered=True, unique=["area_code", "year", "month"], name="monthly_deaths",
)

ENGLAND_DEATHS_BY_PLACE = pa.DataFrameSchema(
    {
        "area_code": _code(),
        "period": pa.Column(str),
        "cause": pa.Column(str),
        "place": pa.Column(str),
        "deaths": pa.Column(float, pa.Check.ge(0), nullable=True),
    },
    ordered=True, name="england_deaths_by_place",
)

NEAREST_NEIGHBOURS = pa.DataFrameSchema(
    {"area_code": _code(), "neighbour_code": _code()},
    ordered=True, unique=["area_code", "neighbour_code"], name="nearest_neighbours",
)

ASC_MEASURES = pa.DataFrameSchema(
    {
        "period": pa.Column(str),
        "area_code": _code(),
        "area_name": pa.Column(str),
        "measure_code": pa.Column(str),
        "measure": pa.Column(str),
        "value": pa.Column(float, nullable=True),
        "median": pa.Column(float, nullable=True),
        "mads_from_median": pa.Column(float, nullable=True),
        "polarity": pa.Column(str, pa.Check.isin(["high_is_good", "low_is_good",
                                                   "no_judgement"])),
    },
    ordered=True, name="asc_measures",
)

POPULATION = pa.DataFrameSchema(
    {
        "area_code": _code(),
        "year": pa.Column(int, pa.Check.in_range(1990, 2100)),
        "sex": pa.Column(str),
        "age_band": pa.Column(str, pa.Check.str_matches(r"^(\d{1,2}-\d{1,2}|\d{2}\+)$")),
        "population": pa.Column(float, pa.Check.ge(0)),
    },
    ordered=True, unique=["area_code", "year", "sex", "age_band"], name="population",
)

ASC_FINANCE = pa.DataFrameSchema(
    {
        "period": pa.Column(str, pa.Check.str_matches(_FY)),
        "area_code": _code(),
        "area_name": pa.Column(str, nullable=True),  # ASC-FR 2016-17 lacks some names
        "gross_gbp": pa.Column(float, nullable=True),
        "income_gbp": pa.Column(float, nullable=True),
        "net_gbp": pa.Column(float, nullable=True),
    },
    ordered=True, unique=["period", "area_code"], name="asc_finance",
)

CARE_HOME_UNIT_COSTS = pa.DataFrameSchema(
    {
        "period": pa.Column(str, pa.Check.str_matches(_FY)),
        "area_code": _code(),
        "age_band": pa.Column(str),
        "primary_support_reason": pa.Column(str),
        "setting": pa.Column(str, pa.Check.isin(["Residential", "Nursing"])),
        "gross_gbp": pa.Column(float, nullable=True),
        "care_weeks": pa.Column(float, pa.Check.ge(0), nullable=True),
        "unit_cost_gbp_per_week": pa.Column(float, pa.Check.ge(0), nullable=True),
    },
    ordered=True, name="care_home_unit_costs",
)

#: processed table name -> (file under data/raw/, schema)
PUBLISHED_FILES: dict[str, tuple[str, pa.DataFrameSchema]] = {
    "seed_figures": ("published/seed_figures.csv", SEED_FIGURES),
    "care_home_deaths": ("published/care_home_deaths_by_la.csv", CARE_HOME_DEATHS),
    "monthly_deaths": ("published/monthly_deaths_by_la.csv", MONTHLY_DEATHS),
    "england_deaths_by_place": ("published/england_deaths_by_place_2020.csv",
                                ENGLAND_DEATHS_BY_PLACE),
    "nearest_neighbours": ("published/nearest_neighbours.csv", NEAREST_NEIGHBOURS),
    "asc_measures": ("published/asc_measures.csv", ASC_MEASURES),
    "population": ("published/population_mid2020.csv", POPULATION),
    "asc_finance": ("published/asc_finance.csv", ASC_FINANCE),
    "care_home_unit_costs": ("published/care_home_unit_costs.csv", CARE_HOME_UNIT_COSTS),
}

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


def _dtype_kind(column: pa.Column) -> str:
    name = str(column.dtype).lower()
    if "bool" in name:
        return "bool"
    if "int" in name:
        return "int"
    if "float" in name:
        return "float"
    return "str"


def load_tidy_csv(path: str | Path, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Read one of our tidy CSVs and type it by ``schema``.

    Steps: :func:`read_csv_checked` (all text, UTF-8 with or without BOM); required columns
    checked (extra columns dropped); int / float columns parsed (a word in a number column is
    reported with its row; empty cells become missing); bool columns from true/false words;
    then the pandera schema is validated lazily so every failing cell is reported. Raises
    :class:`InputDataError`; returns the columns in schema order.
    """
    file = display_path(path)
    frame = read_csv_checked(path)
    frame = check_columns(frame, list(schema.columns), file=file)
    frame = frame[list(schema.columns)].reset_index(drop=True)
    problems: list[DataProblem] = []
    out: dict[str, pd.Series] = {}
    for name, column in schema.columns.items():
        kind = _dtype_kind(column)
        text = frame[name].astype("string").str.strip()
        if kind in ("int", "float"):
            numbers, _, found = parse_numbers(text, file=file, column=name, first_row=2,
                                              allow_markers=False)
            problems.extend(found)
            if kind == "int":
                fractional = numbers.notna() & (numbers != np.round(numbers))
                problems.extend(DataProblem(file, f"{numbers.iloc[i]:g} is not a whole number",
                                            column=name, row=int(i) + 2)
                                for i in np.flatnonzero(fractional.to_numpy()))
                if numbers.isna().any() and not column.nullable:
                    problems.extend(DataProblem(file, "value is missing", column=name,
                                                row=int(i) + 2)
                                    for i in np.flatnonzero(numbers.isna().to_numpy()))
                    numbers = numbers.fillna(0)
                out[name] = (numbers.astype("Int64") if column.nullable
                             else numbers.fillna(0).astype("int64"))
            else:
                out[name] = numbers
        elif kind == "bool":
            lowered = text.fillna("").str.lower()
            bad = ~lowered.isin(_TRUE | _FALSE)
            problems.extend(DataProblem(file, f"'{frame[name].iloc[i]}' is not true/false",
                                        column=name, row=int(i) + 2)
                            for i in np.flatnonzero(bad.to_numpy()))
            out[name] = lowered.isin(_TRUE).astype(bool)
        else:
            values = text.where(text != "", None)
            if not column.nullable and values.isna().any():
                problems.extend(DataProblem(file, "value is missing", column=name,
                                            row=int(i) + 2)
                                for i in np.flatnonzero(values.isna().to_numpy()))
            out[name] = values
    if problems:
        raise InputDataError(problems[:100])
    typed = pd.DataFrame(out)
    return validate_schema(typed, schema, file=file, first_row=2)


def load_published(name: str, raw_dir: str | Path) -> pd.DataFrame:
    """One of :data:`PUBLISHED_FILES` from ``raw_dir`` (e.g. ``load_published("seed_figures",
    "data/raw")``)."""
    relative, schema = PUBLISHED_FILES[name]
    return load_tidy_csv(Path(raw_dir) / relative, schema)


def load_seed_figures(path: str | Path) -> pd.DataFrame:
    """``seed_figures.csv``: figure_id, figure, value, unit, period, area_code, document,
    section, page (one published figure per row)."""
    return load_tidy_csv(path, SEED_FIGURES)


def load_local_authorities_csv(path: str | Path) -> pd.DataFrame:
    """``lookups/local_authorities.csv`` read by the tidy pattern (the official loader is
    :func:`asclib.sources.la_lookup.load_lookup`)."""
    frame = load_tidy_csv(path, LOCAL_AUTHORITIES)
    if frame.empty:
        raise InputDataError(DataProblem(display_path(path), "lookup has no rows"))
    return frame
