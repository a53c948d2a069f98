"""The lookup of English local authorities (code, name, geography, region, ASC authority).

:func:`build_lookup` derives it from the ONS mid-year estimates workbook's ``MYE2 - Persons``
sheet, whose rows list every area in geographic order: a Region row is followed by the
authorities in it, so each authority's region is the Region row above it. England only
(E codes): the England row, the nine regions, counties, metropolitan counties, and all
districts and unitary authorities. ``asc_authority`` is True for the councils with adult
social care responsibility: metropolitan districts, unitary authorities (incl. the Isles of
Scilly), London boroughs (incl. the City of London) and counties. ``county_code`` is the county
a non-metropolitan district lies in (the County row above it), so figures ONS publishes only
for districts can be added up to the county council that holds ASC responsibility.

:func:`load_lookup` reads the bundled CSV (``data/raw/lookups/local_authorities.csv``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from asclib.errors import DataProblem, display_path
from asclib.sources._common import check_columns, find_header_row, read_csv_checked, validate_schema
from asclib.sources._tidy import raise_if, read_sheet_rows

COLUMNS = ["area_code", "area_name", "geography", "region_code", "region_name",
           "asc_authority", "county_code"]

GEOGRAPHIES: tuple[str, ...] = ("Country", "Region", "County", "Metropolitan County",
                                "Metropolitan District", "Unitary Authority", "London Borough",
                                "Non-metropolitan District")

ASC_GEOGRAPHIES: frozenset[str] = frozenset({"Metropolitan District", "Unitary Authority",
                                             "London Borough", "County"})

SCHEMA = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str, pa.Check.str_matches(r"^E\d{8}$"), unique=True),
        "area_name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "geography": pa.Column(str, pa.Check.isin(GEOGRAPHIES)),
        "region_code": pa.Column(str, pa.Check.str_matches(r"^E12\d{6}$"), nullable=True),
        "region_name": pa.Column(str, nullable=True),
        "asc_authority": pa.Column(bool),
        "county_code": pa.Column(str, pa.Check.str_matches(r"^E10\d{6}$"), nullable=True),
    },
    checks=[pa.Check(lambda d: d["region_code"].notna() | d["geography"].isin(
        ["Country", "Region"]), error="an authority has no region")],
    strict=True, ordered=True,
)


def _title(name: str) -> str:
    """ONS upper-case country/region names in title case ("YORKSHIRE AND THE HUMBER" ->
    "Yorkshire and The Humber", "EAST" -> "East")."""
    if name != name.upper():
        return name
    words = name.title().split()
    small = {"And": "and", "Of": "of"}
    return " ".join(small.get(w, w) if i else w for i, w in enumerate(words))


def build_lookup(mye_path: str | Path, sheet: str = "MYE2 - Persons") -> pd.DataFrame:
    """England's areas from the MYE2 sheet, with each authority's region (see module doc)."""
    file = display_path(mye_path)
    rows = read_sheet_rows(mye_path, sheet)
    header_index = find_header_row(rows, ["Code", "Name", "Geography"])
    if header_index is None:
        raise_if([DataProblem(file, "no header row with Code, Name and Geography in the first "
                              "30 rows", sheet=sheet)])
    header = [str(v).strip() if v is not None else "" for v in rows[header_index]]
    code_col, name_col, geo_col = (header.index("Code"), header.index("Name"),
                                   header.index("Geography"))
    records = []
    problems: list[DataProblem] = []
    region_code = region_name = county_code = None
    for index, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        if not row or not isinstance(row[code_col], str):
            continue
        code = row[code_col].strip()
        if not re.fullmatch(r"[EKWSN]\d{8}", code):
            continue
        name = " ".join(str(row[name_col] or "").split())
        geography = " ".join(str(row[geo_col] or "").split())
        if not code.startswith("E"):
            if geography == "Country":
                region_code = region_name = None
            continue
        if geography not in GEOGRAPHIES:
            problems.append(DataProblem(file, f"unknown geography '{geography}'", sheet=sheet,
                                        column="Geography", row=index))
            continue
        if geography == "Region":
            region_code, region_name = code, _title(name)
        # a County row is followed by its districts; any other authority ends the county
        if geography == "County":
            county_code = code
        elif geography != "Non-metropolitan District":
            county_code = None
        if geography in ("Country", "Region"):
            records.append((code, _title(name), geography, None, None, False, None))
            continue
        if region_code is None:
            problems.append(DataProblem(file, f"{code} {name} comes before any Region row",
                                        sheet=sheet, column="Code", row=index))
            continue
        records.append((code, name, geography, region_code, region_name,
                        geography in ASC_GEOGRAPHIES,
                        county_code if geography == "Non-metropolitan District" else None))
    raise_if(problems)
    if not records:
        raise_if([DataProblem(file, "no English areas found", sheet=sheet)])
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    frame = frame.astype({"area_code": str, "area_name": str, "geography": str,
                          "region_code": str, "region_name": str, "asc_authority": bool,
                          "county_code": str})
    frame = frame.sort_values("area_code", kind="stable").reset_index(drop=True)
    return validate_schema(frame, SCHEMA, file=file, sheet=sheet)


def load_lookup(path: str | Path) -> pd.DataFrame:
    """The bundled lookup CSV, typed (``asc_authority`` from True/False) and checked."""
    file = display_path(path)
    raw = read_csv_checked(path)
    raw = check_columns(raw, COLUMNS, file=file)[COLUMNS].reset_index(drop=True)
    out = raw.apply(lambda c: c.astype("string").str.strip())
    out = out.mask(out == "").astype(str)
    flag = out["asc_authority"].str.lower().map({"true": True, "false": False, "1": True,
                                                 "0": False})
    raise_if([DataProblem(file, f"'{raw['asc_authority'].iloc[i]}' is not True or False",
                          column="asc_authority", row=i + 2)
              for i in flag.isna().to_numpy().nonzero()[0][:20]])
    out["asc_authority"] = flag.astype(bool)
    return validate_schema(out, SCHEMA, file=file)
