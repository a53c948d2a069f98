"""Oflog (DLUHC) Local Authority Data Explorer: adult social care measures by council and the
nearest-neighbour comparator groups.

``ASC_data.csv``: ``Financial year ("2019-20"), Local authority code, Local authority name,
Grouping, Entity_Name, Region, Measure, Code (ASC1..ASC7), Value, MEDIAN, MADs_from_median,
rank_order`` -> the processed ``asc_measures`` table (the processed layout itself, as written
to ``data/raw/published/asc_measures.csv``, is read too).

``NN.json``: ``{area code: [the area itself + its 15 nearest neighbours]}`` -> the processed
``nearest_neighbours`` table (``area_code, neighbour_code``; the area itself excluded; pairs the
file repeats are kept once).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from asclib.errors import DataProblem, display_path
from asclib.sources._common import (
    check_columns,
    parse_numbers,
    read_csv_checked,
    require_file,
    validate_schema,
)
from asclib.sources._tidy import financial_year, raise_if

#: Polarity of each Oflog ASC measure. ASC1-ASC5 are ASCOF outcome measures where a higher
#: value is better (carer-reported quality of life 1D, adjusted social-care-related quality of
#: life 1J, ease of finding information for service users and carers 3D, proportion of
#: short-term service episodes with no further request or low-level support 2D); Oflog ranks
#: them "desc". ASC6 (requests for support resulting in a service, per 100,000) has no
#: direction: more can mean better access or higher need, and Oflog gives it no rank order.
#: ASC7 (Skills for Care staff turnover rate) is better when lower (a stable workforce), though
#: Oflog leaves its rank order blank.
POLARITY: dict[str, str] = {
    "ASC1": "high_is_good", "ASC2": "high_is_good", "ASC3": "high_is_good",
    "ASC4": "high_is_good", "ASC5": "high_is_good", "ASC6": "no_judgement",
    "ASC7": "low_is_good",
}

COLUMNS = ["period", "area_code", "area_name", "measure_code", "measure", "value", "median",
           "mads_from_median", "polarity"]

ALIASES: dict[str, tuple[str, ...]] = {
    "period": ("Financial year",),
    "area_code": ("Local authority code",),
    "area_name": ("Local authority name",),
    "measure_code": ("Code",),
    "measure": ("Measure",),
    "value": ("Value",),
    "median": ("MEDIAN",),
    "mads_from_median": ("MADs_from_median",),
}

SCHEMA = pa.DataFrameSchema(
    {
        "period": pa.Column(str, pa.Check.str_matches(r"^\d{4}/\d{2}$")),
        "area_code": pa.Column(str, pa.Check.str_matches(r"^E\d{8}$")),
        "area_name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "measure_code": pa.Column(str, pa.Check.str_matches(r"^[A-Z]+\d+$")),
        "measure": pa.Column(str, pa.Check.str_length(min_value=1)),
        "value": pa.Column(float, nullable=True),
        "median": pa.Column(float, nullable=True),
        "mads_from_median": pa.Column(float, nullable=True),
        "polarity": pa.Column(str, pa.Check.isin(["high_is_good", "low_is_good",
                                                   "no_judgement"])),
    },
    strict=True, ordered=True, unique=["period", "area_code", "measure_code"],
    report_duplicates="exclude_first",
)

NN_COLUMNS = ["area_code", "neighbour_code"]

NN_SCHEMA = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str, pa.Check.str_matches(r"^E\d{8}$")),
        "neighbour_code": pa.Column(str, pa.Check.str_matches(r"^E\d{8}$")),
    },
    checks=[pa.Check(lambda d: d["area_code"] != d["neighbour_code"],
                     error="an area is listed as its own neighbour")],
    strict=True, ordered=True, unique=["area_code", "neighbour_code"],
    report_duplicates="exclude_first",
)


def load_asc_measures(path: str | Path) -> pd.DataFrame:
    """The Oflog ASC measures CSV as the processed ``asc_measures`` table.

    ``period`` "2019-20" -> "2019/20"; the measure name loses Oflog's "Outcome, " prefix;
    ``polarity`` from :data:`POLARITY` (a ``polarity`` column in the file wins). Blank values
    stay missing.
    """
    file = display_path(path)
    raw = read_csv_checked(path)
    raw = check_columns(raw, COLUMNS[:-1], file=file, aliases=ALIASES).reset_index(drop=True)
    problems: list[DataProblem] = []
    periods = []
    for i, text in enumerate(raw["period"].astype("string").fillna("")):
        try:
            periods.append(financial_year(text))
        except ValueError as exc:
            periods.append("")
            problems.append(DataProblem(file, str(exc), column="Financial year", row=i + 2))
    out = pd.DataFrame({"period": periods})
    for name in ("area_code", "area_name", "measure_code"):
        out[name] = raw[name].astype("string").str.strip().astype(str)
    out["measure"] = (raw["measure"].astype("string").str.strip()
                      .str.replace(r"^Outcome,\s*", "", regex=True).astype(str))
    for name, label in (("value", "Value"), ("median", "MEDIAN"),
                        ("mads_from_median", "MADs_from_median")):
        numbers, _, found = parse_numbers(raw[name], file=file, column=label)
        out[name] = numbers
        problems += found
    if "polarity" in raw.columns:
        out["polarity"] = raw["polarity"].astype("string").str.strip().astype(str)
    else:
        out["polarity"] = out["measure_code"].map(POLARITY)
        unknown = out["polarity"].isna()
        problems += [DataProblem(file, f"no polarity known for measure code "
                                 f"'{out['measure_code'].iloc[i]}'", column="Code", row=i + 2)
                     for i in unknown.to_numpy().nonzero()[0][:20]]
        out["polarity"] = out["polarity"].astype(str)
    raise_if(problems)
    out = validate_schema(out[COLUMNS], SCHEMA, file=file)
    return out.sort_values(["measure_code", "period", "area_code"],
                           kind="stable").reset_index(drop=True)


def load_nearest_neighbours(path: str | Path) -> pd.DataFrame:
    """Nearest-neighbour groups as ``area_code, neighbour_code`` rows (the area itself
    excluded), from Oflog's ``NN.json`` or the two-column CSV extract."""
    p = require_file(path)
    file = display_path(p)
    if p.suffix.lower() == ".csv":
        raw = read_csv_checked(p)
        raw = check_columns(raw, NN_COLUMNS, file=file)[NN_COLUMNS]
        out = raw.apply(lambda c: c.astype("string").str.strip()).astype(str)
        return validate_schema(out.reset_index(drop=True), NN_SCHEMA, file=file)
    try:
        groups = json.loads(p.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise_if([DataProblem(file, f"cannot be decoded as UTF-8 (offset {exc.start})")])
    except json.JSONDecodeError as exc:
        raise_if([DataProblem(file, f"is not valid JSON: {exc.msg} at line {exc.lineno}")])
    if not isinstance(groups, dict) or not groups:
        raise_if([DataProblem(file, "expected a JSON object {area code: [codes]}")])
    problems: list[DataProblem] = []
    records = []
    for area, neighbours in groups.items():
        if not re.fullmatch(r"E\d{8}", str(area)):
            problems.append(DataProblem(file, f"'{area}' is not an English area code",
                                        column=str(area)))
            continue
        if not isinstance(neighbours, list):
            problems.append(DataProblem(file, "neighbours are not a list", column=str(area)))
            continue
        for code in neighbours:
            if not re.fullmatch(r"E\d{8}", str(code)):
                problems.append(DataProblem(file, f"'{code}' is not an English area code",
                                            column=str(area)))
            elif code != area:
                records.append((str(area), str(code)))
    raise_if(problems)
    out = pd.DataFrame.from_records(records, columns=NN_COLUMNS).astype(str)
    # Oflog's file lists E07000112 (Folkestone and Hythe) twice in 25 groups and every code of
    # its own group twice (a join artefact): a repeated pair carries no information, so it is
    # dropped, and the count kept in ``attrs`` for the record.
    repeated = out.duplicated(NN_COLUMNS)
    out = out[~repeated]
    out = out.sort_values(NN_COLUMNS, kind="stable").reset_index(drop=True)
    out = validate_schema(out, NN_SCHEMA, file=file)
    out.attrs["repeated_pairs_dropped"] = int(repeated.sum())
    return out


def edition(path: str | Path) -> str | None:
    """The publication date the file states about itself: this publisher's file states none
    (its dates describe the data, not the release), so None; the caller falls back to the
    file's modification time."""
    return None
