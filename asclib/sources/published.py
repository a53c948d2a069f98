"""The bundled real extracts: loading the project's own tidy CSVs in ``data/raw/published/`` and
``data/raw/lookups/``, and making them (:func:`extract`, run by ``scripts/extract_published.py``)
from the official files, found by content with :mod:`asclib.sources.official`.

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

from asclib.checksums import sha256_file
from asclib.constants import ENGLAND_CODE
from asclib.errors import DataProblem, InputDataError, display_path
from asclib.sources import la_lookup, official
from asclib.sources._common import (
    check_columns,
    parse_numbers,
    read_csv_checked,
    validate_schema,
)
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

# --------------------------------------------------------------------------- making the extracts
# (``scripts/extract_published.py`` is the command; the demo generator is asclib/demo/)

FLOAT_FORMAT = "%.12g"
SCRIPT = "scripts/extract_published.py"
LICENCE = "Open Government Licence v3.0"

#: what each extract is made from: the official kind recognised by content
#: (asclib.sources.official), never a file name
NEEDED = {
    "mye": "ons_mid_year_estimates",
    "care_home_deaths": "ons_care_home_deaths",
    "monthly": "ons_monthly_deaths",
    "weekly": "ons_weekly_deaths_workbook",
    "asc_data": "oflog_asc_measures",
    "nn": "oflog_nearest_neighbours",
    "totals_1617": "ascfr_totals_keyed",
    "activity_1617": "ascfr_activity_keyed",
    "activity_1516": "ascfr_activity_labelled",
    "unit_cost_1415": "ascfr_unit_costs_wide",
}


def locate(shared: Path) -> dict[str, Path]:
    """The one file of each needed kind under ``shared`` (any name, any sub-folder), found by
    content; InputDataError when a kind is missing or found twice."""
    found = official.scan(shared).by_kind()
    problems = []
    src: dict[str, Path] = {}
    for key, kind in NEEDED.items():
        paths = found.get(kind, [])
        if len(paths) != 1:
            label = official.KINDS_BY_NAME[kind].label
            problems.append(DataProblem(
                str(shared), f"expected one {label} file, found {len(paths)}"
                + (": " + ", ".join(p.relative_to(shared).as_posix() for p in paths)
                   if paths else "")))
        else:
            src[key] = paths[0]
    if problems:
        raise InputDataError(problems)
    return src


def write_csv(frame: pd.DataFrame, path: Path) -> int:
    """Write deterministically (LF line ends, fixed float format); return the row count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = frame.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    path.write_bytes(text.encode("utf-8"))
    return len(frame)


def extract(shared: Path, raw_dir: Path) -> dict[str, int]:
    """Read the shared files (recognised by content), write the extracts, return
    {relative path: rows}."""
    src = locate(shared)
    published = raw_dir / "published"
    counts: dict[str, int] = {}

    lookup = la_lookup.build_lookup(src["mye"])
    counts["lookups/local_authorities.csv"] = write_csv(
        lookup, raw_dir / "lookups" / "local_authorities.csv")
    english = set(lookup["area_code"])
    context = official.Context({kind: [src[key]] for key, kind in NEEDED.items()},
                               lambda: lookup)

    def read(key: str, table: str) -> pd.DataFrame:
        return official.KINDS_BY_NAME[NEEDED[key]].read(src[key], context)[table]

    care = read("care_home_deaths", "care_home_deaths")
    care = care[care["area_code"].str.startswith("E")]
    care = care.sort_values(["year", "area_code"], kind="stable")
    counts["published/care_home_deaths_by_la.csv"] = write_csv(
        care[["year", "area_code", "area_name", "la_care_homes", "non_la_care_homes",
              "all_care_homes"]], published / "care_home_deaths_by_la.csv")

    monthly = read("monthly", "monthly_deaths")
    monthly = monthly.sort_values(["year", "month", "area_code"], kind="stable")
    counts["published/monthly_deaths_by_la.csv"] = write_csv(
        monthly[["year", "month", "area_code", "area_name", "deaths"]],
        published / "monthly_deaths_by_la.csv")

    by_place = read("weekly", "england_deaths_by_place")
    by_place = by_place[by_place["area_code"] == ENGLAND_CODE]
    counts["published/england_deaths_by_place_2020.csv"] = write_csv(
        by_place, published / "england_deaths_by_place_2020.csv")

    counts["published/nearest_neighbours.csv"] = write_csv(
        read("nn", "nearest_neighbours"), published / "nearest_neighbours.csv")

    measures = read("asc_data", "asc_measures")
    measures = measures.sort_values(["measure_code", "period", "area_code"], kind="stable")
    counts["published/asc_measures.csv"] = write_csv(measures, published / "asc_measures.csv")

    population = read("mye", "population")
    population = population[population["area_code"].isin(english)]
    counts["published/population_mid2020.csv"] = write_csv(
        population, published / "population_mid2020.csv")

    counts["published/asc_finance.csv"] = write_csv(read("totals_1617", "asc_finance"),
                                                    published / "asc_finance.csv")
    counts["published/care_home_unit_costs.csv"] = write_csv(
        read("unit_cost_1415", "care_home_unit_costs"),
        published / "care_home_unit_costs.csv")

    (published / "SOURCES.md").write_bytes(sources_markdown(src, shared, counts).encode("utf-8"))
    return counts


def sources_markdown(src: dict[str, Path], shared: Path, counts: dict[str, int]) -> str:
    """The SOURCES.md text: publisher, publication, original file (with SHA-256), licence."""
    def original(*keys: str) -> str:
        return "; ".join(f"`{src[k].relative_to(shared).as_posix()}` (sha256 "
                         f"`{sha256_file(src[k])[:16]}…`)" for k in keys)

    entries = [
        ("lookups/local_authorities.csv", "Office for National Statistics",
         "Estimates of the population for the UK, England and Wales, Scotland and Northern "
         "Ireland, mid-2020 (2021 geography), sheet MYE2 - Persons: codes, names, geography; "
         "region = the Region row above each authority", ("mye",)),
        ("published/care_home_deaths_by_la.csv", "Office for National Statistics",
         "User-requested data: Deaths in Local Authority and Non-Local Authority care homes, by "
         "Local Authority, 2010 to 2023, England and Wales (English LAs kept)",
         ("care_home_deaths",)),
        ("published/monthly_deaths_by_la.csv", "Office for National Statistics",
         "Monthly figures on deaths registered by area of usual residence, 2015-2021 "
         "(excerpt: Liverpool City Region, Merseyside, North West, England)", ("monthly",)),
        ("published/england_deaths_by_place_2020.csv", "Office for National Statistics",
         "Deaths registered weekly in England and Wales, provisional: week ending 25 September "
         "2020 (week 39), sheet 'Covid-19 - Place of occurrence', England, deaths registered "
         "28 December 2019 to 25 September 2020", ("weekly",)),
        ("published/nearest_neighbours.csv", "Office for Local Government (DLUHC)",
         "Local Authority Data Explorer, adult social care: nearest-neighbour groups (NN.json; "
         "the area itself and repeated pairs removed)", ("nn",)),
        ("published/asc_measures.csv", "Office for Local Government (DLUHC), from NHS England "
         "ASCOF / SALT and Skills for Care",
         "Local Authority Data Explorer, adult social care measures ASC1-ASC7, 2015-16 to "
         "2022-23, with Oflog's median and MADs from median; polarity assigned by asclib "
         "(asclib/sources/oflog.py)", ("asc_data",)),
        ("published/population_mid2020.csv", "Office for National Statistics",
         "Mid-2020 population estimates, sheets MYE2 - Persons / Males / Females, single years "
         "summed to five-year bands (English LAs, regions, England)", ("mye",)),
        ("published/asc_finance.csv", "NHS Digital",
         "Adult Social Care Activity and Finance Report, England 2016-17, CSV ASCFR Totals: "
         "each council's gross (TOTALEXPENDITURE), income and net total expenditure summed over "
         "the Mandatory rows; keys decoded with the 2015-16 labelled activity file's UUIDs",
         ("totals_1617", "activity_1617", "activity_1516")),
        ("published/care_home_unit_costs.csv", "NHS Digital (HSCIC)",
         "Personal Social Services: Expenditure and Unit Costs, England 2014-15, council-level "
         "unit costs: long-term residential and nursing care, all provision, by age band and "
         "primary support reason (CASSR codes mapped to ONS codes via the 2016-17 files)",
         ("unit_cost_1415", "totals_1617")),
    ]
    lines = [
        "# Real published figures bundled with the suite",
        "",
        f"Written by `{SCRIPT}` from the official files in `../shared/data` (see each folder's "
        "SOURCE.md there for where the copy came from). Only the figures the analyses need are "
        "kept; re-running the script gives identical files. All files: licence "
        f"{LICENCE} (Crown copyright / NHS Digital).",
        "",
        "| file | rows | publisher | publication | original file | licence | extracted by |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, publisher, publication, keys in entries:
        lines.append(f"| `{name}` | {counts[name]} | {publisher} | {publication} | "
                     f"{original(*keys)} | {LICENCE} | `{SCRIPT}` |")
    lines.append("")
    return "\n".join(lines)
