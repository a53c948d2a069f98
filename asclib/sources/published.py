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
from asclib.tables import SEED_FIGURES


#: processed table name -> (file under data/raw/, schema): the bundled real extracts and seed
#: figures, as the registry (:mod:`asclib.tables`) lists them.
def _published_files() -> dict[str, tuple[str, pa.DataFrameSchema]]:
    from asclib.tables import TABLES

    out = {}
    for name, entry in TABLES.items():
        source = entry.source("published")
        if source is not None and source.path.startswith("published/"):
            out[name] = (source.path, entry.schema)
    return out


PUBLISHED_FILES: dict[str, tuple[str, pa.DataFrameSchema]] = _published_files()

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
                out[name] = (numbers.round().astype("Int64") if str(column.dtype) == "Int64"
                             else numbers.fillna(0).round().astype("int64"))
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
            values = text.astype(object).where(text.notna() & (text != ""), None)
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
    from asclib.sources.la_lookup import SCHEMA

    frame = load_tidy_csv(path, SCHEMA)
    if frame.empty:
        raise InputDataError(DataProblem(display_path(path), "lookup has no rows"))
    return frame


def _table_loader(name: str):
    def load(path: str | Path) -> pd.DataFrame:
        from asclib.tables import TABLES

        return load_tidy_csv(path, TABLES[name].schema)
    load.__name__ = f"load_{name}_csv"
    load.__doc__ = f"The bundled ``{name}`` extract, typed by the registry's schema."
    return load


load_monthly_deaths_csv = _table_loader("monthly_deaths")
load_england_deaths_by_place_csv = _table_loader("england_deaths_by_place")
load_care_home_deaths_csv = _table_loader("care_home_deaths")
load_population_csv = _table_loader("population")
load_nearest_neighbours_csv = _table_loader("nearest_neighbours")
load_asc_measures_csv = _table_loader("asc_measures")
load_asc_finance_csv = _table_loader("asc_finance")
load_care_home_unit_costs_csv = _table_loader("care_home_unit_costs")

#: old names of the schemas, now defined once in the registry (asclib.tables)
_OLD_SCHEMA_NAMES = {
    "SEED_FIGURES": "seed_figures", "LOCAL_AUTHORITIES": "local_authorities",
    "CARE_HOME_DEATHS": "care_home_deaths", "MONTHLY_DEATHS": "monthly_deaths",
    "ENGLAND_DEATHS_BY_PLACE": "england_deaths_by_place",
    "NEAREST_NEIGHBOURS": "nearest_neighbours", "ASC_MEASURES": "asc_measures",
    "POPULATION": "population", "ASC_FINANCE": "asc_finance",
    "CARE_HOME_UNIT_COSTS": "care_home_unit_costs",
}


def __getattr__(name: str) -> pa.DataFrameSchema:
    if name in _OLD_SCHEMA_NAMES:
        from asclib.tables import TABLES

        return TABLES[_OLD_SCHEMA_NAMES[name]].schema
    raise AttributeError(name)
