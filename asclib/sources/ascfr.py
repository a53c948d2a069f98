"""NHS Digital adult social care finance (ASC-FR) files.

2014-15 ("Personal Social Services: Expenditure and Unit Costs, England 2014-15", council-level
CSVs ``pss-exp-eng-14-15-fin-coun-lev-*``): WIDE, cp1252-encoded. Row 1 holds a region
abbreviation above each council column; row 2 the header: 4-6 label columns (Support type, Age
category, Summary / Primary support reason, Delivery mechanism, Accounting category, ...) then
one column per council named ``"<CASSR code> - <name>"`` and, in some files, region and England
columns. Notes follow the data in the first column. ``:`` = unavailable, ``.`` = not calculable.
Money is in GBP thousands. :func:`load_ascfr_wide` melts any of these files to long rows;
:func:`load_expenditure_2014_15` gives expenditure in GBP; :func:`care_home_unit_costs` gives the
processed ``care_home_unit_costs`` table from the unit-cost file.

2016-17 ("Adult Social Care Activity and Finance Report", ``CSV ASCFR Totals.csv``): KEYED, one
row per council x integer keys (care type, age band, primary support reason, support setting,
purpose, carer support type, data type) with TOTALEXPENDITURE (gross), TOTALINCOME and
NETTOTALEXPENDITURE in GBP thousands. NHS Digital's key tables are not published with the CSVs;
:func:`decode_keys` recovers labels by joining the 2016-17 Activity file's item UUIDs to the
2015-16 labelled activity file (same UUIDs). :func:`load_asc_finance` sums the "Mandatory"
rows (the "Voluntary" rows are optional 65-74 / 75-84 / 85+ splits of the 65+ rows, so adding
them would double count) into each council's whole-ASC gross, income and net expenditure: the
processed ``asc_finance`` table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from asclib.errors import DataProblem, display_path
from asclib.sources._common import check_columns, parse_numbers, read_csv_checked, validate_schema
from asclib.sources._tidy import financial_year, raise_if

PRIMARY_SUPPORT_REASONS: dict[str, str] = {
    "physical support": "Physical support",
    "sensory support": "Sensory support",
    "support with memory and cognition": "Support with memory and cognition",
    "learning disability support": "Learning disability support",
    "mental health support": "Mental health support",
    "social support": "Social support",
}

AGE_BANDS: dict[str, str] = {
    "age 18 to 64": "18-64", "age 65 and over": "65+", "age 18 and over": "18+",
    "age 65 to 74": "65-74", "age 75 to 84": "75-84", "age 85 and over": "85+",
}

_COUNCIL = re.compile(r"^\s*(\d{3})\s*-\s*(.+?)\s*$")


def _name_key(name: str) -> str:
    """A council name for matching: lower case, "&" = "and", no punctuation or spaces."""
    return re.sub(r"[^a-z]", "", str(name).lower().replace("&", "and"))


def _snake(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.strip().lower()).strip("_")


# --------------------------------------------------------------------------- 2014-15 wide

WIDE_ID_COLUMNS = ["cassr_code", "area_name", "region", "area_type"]


def load_ascfr_wide(path: str | Path, *, encoding: str = "cp1252") -> pd.DataFrame:
    """A wide 2014-15 council-level CSV melted to long rows.

    Columns: the file's label columns in snake case (e.g. ``support_type, age_category,
    summary, delivery_mechanism, accounting_category``), then ``cassr_code`` (missing for region
    and England columns), ``area_name``, ``region`` (row-1 abbreviation), ``area_type``
    ("council" / "region" / "england"), ``value`` (as published: GBP thousands for money) and
    ``suppressed`` (``:`` or ``.`` in the cell). Labels are stripped of padding.
    """
    file = display_path(path)
    raw = read_csv_checked(path, encoding=encoding, header=None)
    if len(raw) < 3:
        raise_if([DataProblem(file, "file has fewer than 3 rows (region row, header, data)")])
    header = [str(v).strip() for v in raw.iloc[1]]
    regions = [str(v).strip() for v in raw.iloc[0]]
    first_area = next((i for i, h in enumerate(header) if _COUNCIL.match(h)), None)
    if first_area is None:
        raise_if([DataProblem(file, "no council columns like '317 - Sefton' in the header "
                              "(row 2)", row=2)])
    labels = header[:first_area]
    missing = [i for i, h in enumerate(labels) if not h]
    if missing or not labels:
        raise_if([DataProblem(file, "label column has no header", column=f"column {i + 1}",
                              row=2) for i in missing] or
                 [DataProblem(file, "no label columns before the council columns", row=2)])
    label_names = [_snake(h) for h in labels]
    areas = []
    for c in range(first_area, len(header)):
        name = header[c]
        if not name:
            continue
        match = _COUNCIL.match(name)
        if match:
            areas.append((c, match.group(1), match.group(2), regions[c] or None, "council"))
        else:
            kind = "england" if name.strip().lower() == "england" else "region"
            areas.append((c, None, name, None, kind))
    body = raw.iloc[2:].reset_index(drop=True)
    last_label = body.iloc[:, first_area - 1].astype("string").str.strip().fillna("")
    is_data = last_label != ""
    body = body[is_data]
    file_rows = (body.index + 3).to_numpy()
    problems: list[DataProblem] = []
    pieces = []
    label_frame = pd.DataFrame({name: body.iloc[:, i].astype("string").str.strip()
                                .str.replace(r"\s+", " ", regex=True).mask(lambda s: s == "")
                                for i, name in enumerate(label_names)})
    for c, code, name, region, kind in areas:
        # One cell of the 2014-15 expenditure file reads "$0.00 " (a publisher typo for 0).
        cells = body.iloc[:, c].astype("string").str.strip().str.replace(r"^\$", "", regex=True)
        numbers, flags, _ = parse_numbers(cells, file=file, column=header[c], first_row=0)
        bad = numbers.isna() & ~flags & (cells.fillna("") != "")
        for i in np.flatnonzero(bad.to_numpy())[:5]:
            problems.append(DataProblem(file, f"'{cells.iloc[i]}' is not a number",
                                        column=header[c], row=int(file_rows[i])))
        piece = label_frame.copy()
        piece["cassr_code"] = code
        piece["area_name"] = name
        piece["region"] = region
        piece["area_type"] = kind
        piece["value"] = numbers.to_numpy()
        piece["suppressed"] = flags.to_numpy()
        piece["row"] = file_rows
        pieces.append(piece)
    raise_if(problems[:50])
    frame = pd.concat(pieces, ignore_index=True)
    frame = frame.astype({"cassr_code": str, "area_name": str, "region": str, "area_type": str,
                          "value": float, "suppressed": bool})
    return frame


EXPENDITURE_COLUMNS = ["period", "cassr_code", "area_name", "support_type", "age_band",
                       "summary", "delivery_mechanism", "accounting_category", "value_gbp",
                       "suppressed"]


def load_expenditure_2014_15(path: str | Path) -> pd.DataFrame:
    """The 2014-15 expenditure file (``...-exp-data.csv``) long, councils only, money in GBP.

    ``age_band`` "18-64" / "65+" (missing for rows not split by age); ``summary`` is the
    primary support reason or the non-client heading (Social support sub-types, Assistive
    equipment, Commissioning, Adult Social Care total, ...).
    """
    file = display_path(path)
    frame = load_ascfr_wide(path)
    frame = check_columns(frame, ["support_type", "age_category", "summary",
                                  "delivery_mechanism", "accounting_category"], file=file)
    frame = frame[frame["area_type"] == "council"].reset_index(drop=True)
    out = pd.DataFrame({
        "period": "2014/15",
        "cassr_code": frame["cassr_code"],
        "area_name": frame["area_name"],
        "support_type": frame["support_type"],
        "age_band": frame["age_category"].str.lower().map(AGE_BANDS).astype(str),
        "summary": frame["summary"],
        "delivery_mechanism": frame["delivery_mechanism"],
        "accounting_category": frame["accounting_category"],
        "value_gbp": frame["value"] * 1000.0,
        "suppressed": frame["suppressed"],
    })
    return out[EXPENDITURE_COLUMNS]


UNIT_COST_COLUMNS = ["period", "area_code", "age_band", "primary_support_reason", "setting",
                     "gross_gbp", "care_weeks", "unit_cost_gbp_per_week"]

UNIT_COST_SCHEMA = pa.DataFrameSchema(
    {
        "period": pa.Column(str, pa.Check.str_matches(r"^\d{4}/\d{2}$")),
        "area_code": pa.Column(str, pa.Check.str_matches(r"^E\d{8}$")),
        "age_band": pa.Column(str, pa.Check.isin(["18-64", "65+"])),
        "primary_support_reason": pa.Column(str, pa.Check.isin(
            list(PRIMARY_SUPPORT_REASONS.values()))),
        "setting": pa.Column(str, pa.Check.isin(["Residential", "Nursing"])),
        # two councils report small negative numerators with no care weeks (year-end
        # adjustments, no unit cost published); a negative numerator with care weeks, or a
        # negative unit cost, is an error (see care_home_unit_costs)
        "gross_gbp": pa.Column(float, nullable=True),
        "care_weeks": pa.Column(float, pa.Check.ge(0), nullable=True),
        "unit_cost_gbp_per_week": pa.Column(float, nullable=True),
    },
    strict=True, ordered=True,
    unique=["period", "area_code", "age_band", "primary_support_reason", "setting"],
    report_duplicates="exclude_first",
)

#: Unit costs are published to the penny but computed by NHS Digital from unrounded figures,
#: while numerators are published rounded to GBP thousands (many councils return whole
#: thousands). A published unit cost is consistent when it is within 1p plus the effect of
#: rounding the numerator by up to GBP 500: 0.01 + 500 / care weeks.
UNIT_COST_TOLERANCE_GBP = 0.01
NUMERATOR_ROUNDING_GBP = 500.0


def care_home_unit_costs(path: str | Path, area_codes: Mapping[str, str], *,
                         codes_by_name: Mapping[str, str] | None = None,
                         period: str = "2014/15") -> pd.DataFrame:
    """The processed ``care_home_unit_costs`` table from the 2014-15 unit-cost file.

    Long-term care, all provision, age 18-64 / 65+ x primary support reason x Residential /
    Nursing: ``gross_gbp`` = numerator (GBP thousands) x 1000, ``care_weeks`` = denominator,
    ``unit_cost_gbp_per_week`` = the published unit cost (missing where it is '.'). Checks that
    each published unit cost equals numerator x 1000 / denominator
    to the penny, allowing for the numerator's rounding to GBP thousands (see
    :data:`NUMERATOR_ROUNDING_GBP`). ``area_codes`` maps CASSR codes (e.g. "317") to ONS codes
    (e.g. "E08000014"); see
    :func:`cassr_area_codes`. Councils missing from it (the Isles of Scilly is absent from the
    2016-17 files) are matched by name through ``codes_by_name`` (area name -> ONS code, e.g.
    from the local-authority lookup), ignoring case and "&" / "and".
    """
    file = display_path(path)
    frame = load_ascfr_wide(path)
    frame = check_columns(frame, ["support_type", "age_category", "primary_support_reason",
                                  "service_delivery_mechanism", "unit_cost_category",
                                  "unit_cost_provision"], file=file)
    keep = (frame["area_type"].eq("council")
            & frame["support_type"].str.lower().eq("long term")
            & frame["unit_cost_provision"].str.lower().eq("all")
            & frame["service_delivery_mechanism"].isin(["Residential", "Nursing"])
            & frame["primary_support_reason"].str.lower().isin(list(PRIMARY_SUPPORT_REASONS))
            & frame["age_category"].str.lower().isin(["age 18 to 64", "age 65 and over"]))
    part = frame[keep].copy()
    part["measure"] = part["unit_cost_category"].str.lower()
    keys = ["cassr_code", "age_category", "primary_support_reason",
            "service_delivery_mechanism"]
    wide = part.pivot_table(index=keys, columns="measure", values="value", aggfunc="first",
                            dropna=False)
    rows = part.pivot_table(index=keys, columns="measure", values="row", aggfunc="first")
    problems: list[DataProblem] = []
    for needed in ("numerator", "denominator", "unit costs"):
        if needed not in wide.columns:
            problems.append(DataProblem(file, f"no '{needed}' rows for long-term residential "
                                        "and nursing care", column="Unit cost category"))
    raise_if(problems)
    wide = wide.reset_index()
    rows = rows.reindex(pd.MultiIndex.from_frame(wide[keys])).reset_index(drop=True)
    area_codes = dict(area_codes)
    if codes_by_name:
        by_name = {_name_key(n): c for n, c in codes_by_name.items()}
        names = part.drop_duplicates("cassr_code").set_index("cassr_code")["area_name"]
        for cassr, name in names.items():
            if cassr not in area_codes and _name_key(name) in by_name:
                area_codes[cassr] = by_name[_name_key(name)]
    unknown = sorted(set(wide["cassr_code"]) - set(area_codes))
    if unknown:
        raise_if([DataProblem(file, "no ONS code known for CASSR code(s) " + ", ".join(unknown))])
    out = pd.DataFrame({
        "period": period,
        "area_code": wide["cassr_code"].map(area_codes).astype(str),
        "age_band": wide["age_category"].str.lower().map(AGE_BANDS).astype(str),
        "primary_support_reason": wide["primary_support_reason"].str.lower()
        .map(PRIMARY_SUPPORT_REASONS).astype(str),
        "setting": wide["service_delivery_mechanism"].astype(str),
        "gross_gbp": wide["numerator"] * 1000.0,
        "care_weeks": wide["denominator"],
        "unit_cost_gbp_per_week": wide["unit costs"],
    })
    negative = (out["unit_cost_gbp_per_week"] < 0) | ((out["gross_gbp"] < 0)
                                                      & (out["care_weeks"] > 0))
    raise_if([DataProblem(file, f"negative {what} for {wide['age_category'].iloc[i]}, "
                          f"{wide['primary_support_reason'].iloc[i]}, "
                          f"{wide['service_delivery_mechanism'].iloc[i]}: "
                          f"{out[column].iloc[i]:,.2f}", column=f"{wide['cassr_code'].iloc[i]}",
                          row=int(rows[measure].iloc[i]))
              for i in np.flatnonzero(negative.to_numpy())[:20]
              for what, column, measure in [
                  ("unit cost", "unit_cost_gbp_per_week", "unit costs")
                  if out["unit_cost_gbp_per_week"].iloc[i] < 0
                  else ("gross expenditure", "gross_gbp", "numerator")]])
    with np.errstate(divide="ignore", invalid="ignore"):
        implied = out["gross_gbp"] / out["care_weeks"]
        allowed = UNIT_COST_TOLERANCE_GBP + NUMERATOR_ROUNDING_GBP / out["care_weeks"]
    off = (out["unit_cost_gbp_per_week"].notna()
           & ((implied - out["unit_cost_gbp_per_week"]).abs() > allowed))
    raise_if([DataProblem(file, f"unit cost {out['unit_cost_gbp_per_week'].iloc[i]:.2f} is "
                          f"not numerator x 1000 / denominator ({implied.iloc[i]:.2f})",
                          column=f"{wide['cassr_code'].iloc[i]}",
                          row=int(rows["unit costs"].iloc[i]))
              for i in np.flatnonzero(off.to_numpy())[:20]])
    out = out.sort_values(["area_code", "age_band", "primary_support_reason", "setting"],
                          kind="stable").reset_index(drop=True)
    return validate_schema(out[UNIT_COST_COLUMNS], UNIT_COST_SCHEMA, file=file)


# --------------------------------------------------------------------------- 2016-17 keyed

KEY_COLUMNS: dict[str, str] = {
    "DataType_KEY": "Data Type",
    "AgeBand_KEY": "Age Bands",
    "PrimarySupportReason_KEY": "Primary support reason",
    "CareType_KEY": "Care Type",
    "SupportSetting_KEY": "Long Term Support Setting",
    "Purpose_KEY": "Short Term Purpose",
    "ActivityProvision_KEY": "Activity Provision",
}

TOTALS_COLUMNS = ("FY_Ending", "CASSR_CODE", "GEOGRAPHY_CODE", "REGION_GO_CODE", "CareType_KEY",
                  "AgeBand_KEY", "PrimarySupportReason_KEY", "SupportSetting_KEY", "Purpose_KEY",
                  "CarerSupportType_KEY", "DataType_KEY", "TOTALEXPENDITURE", "TOTALINCOME",
                  "NETTOTALEXPENDITURE")


def decode_keys(activity_2016_17: str | Path, labelled_2015_16: str | Path
                ) -> dict[str, dict[str, str]]:
    """Key -> label for each ``*_KEY`` column, learnt from item UUIDs the 2016-17 Activity file
    and the 2015-16 labelled activity file share. Only keys seen in the join are decoded; a key
    that would map to two labels is an error. Labels "-" (not applicable) are skipped."""
    act_file, lab_file = display_path(activity_2016_17), display_path(labelled_2015_16)
    activity = check_columns(read_csv_checked(activity_2016_17),
                             ["UUID", *KEY_COLUMNS], file=act_file)
    labelled = check_columns(read_csv_checked(labelled_2015_16),
                             ["UUID", *KEY_COLUMNS.values()], file=lab_file)
    joined = (activity.drop_duplicates("UUID")
              .merge(labelled.drop_duplicates("UUID"), on="UUID", how="inner"))
    if joined.empty:
        raise_if([DataProblem(act_file, f"no item UUIDs in common with {lab_file}",
                              column="UUID")])
    decoded: dict[str, dict[str, str]] = {}
    problems: list[DataProblem] = []
    for key, label in KEY_COLUMNS.items():
        pairs = joined[[key, label]].astype(str).map(str.strip)
        pairs = pairs[(pairs[key] != "") & (pairs[label] != "-") & (pairs[label] != "")]
        pairs = pairs.drop_duplicates()
        clash = pairs[pairs[key].duplicated(keep=False)]
        for k, group in clash.groupby(key):
            problems.append(DataProblem(act_file, f"key {k} matches several labels: "
                                        + ", ".join(sorted(group[label])), column=key))
        decoded[key] = dict(zip(pairs[key], pairs[label], strict=True))
    raise_if(problems)
    return decoded


ASC_FINANCE_COLUMNS = ["period", "area_code", "area_name", "gross_gbp", "income_gbp", "net_gbp"]

ASC_FINANCE_SCHEMA = pa.DataFrameSchema(
    {
        "period": pa.Column(str, pa.Check.str_matches(r"^\d{4}/\d{2}$")),
        "area_code": pa.Column(str, pa.Check.str_matches(r"^E\d{8}$")),
        "area_name": pa.Column(str, nullable=True),
        "gross_gbp": pa.Column(float, pa.Check.ge(0)),
        "income_gbp": pa.Column(float, pa.Check.ge(0)),
        "net_gbp": pa.Column(float),
    },
    checks=[pa.Check(lambda d: (d["gross_gbp"] - d["income_gbp"] - d["net_gbp"]).abs() < 1000.0,
                     error="gross - income differs from net by GBP 1,000 or more")],
    strict=True, ordered=True, unique=["period", "area_code"], report_duplicates="exclude_first",
)

#: Per-row tolerance of gross - income = net, in GBP thousands (the file carries decimals).
ROW_TOLERANCE_GBP000 = 0.01


def load_ascfr_totals(path: str | Path, key_labels: Mapping[str, Mapping[str, str]] | None = None
                      ) -> pd.DataFrame:
    """The keyed 2016-17 Totals CSV, typed: keys as text, ``<key>_label`` columns where
    ``key_labels`` decodes them, amounts in GBP (``gross_gbp`` = TOTALEXPENDITURE,
    ``income_gbp`` = TOTALINCOME, ``net_gbp`` = NETTOTALEXPENDITURE), ``period`` from
    FY_Ending (2017 -> "2016/17"). Checks gross - income = net on every row."""
    file = display_path(path)
    raw = check_columns(read_csv_checked(path), TOTALS_COLUMNS, file=file).reset_index(drop=True)
    problems: list[DataProblem] = []
    out = raw[[c for c in TOTALS_COLUMNS if c.endswith("_KEY") or c.endswith("_CODE")]].apply(
        lambda c: c.astype("string").str.strip())
    amounts = {}
    for column, name in (("TOTALEXPENDITURE", "gross"), ("TOTALINCOME", "income"),
                         ("NETTOTALEXPENDITURE", "net")):
        numbers, flags, found = parse_numbers(raw[column], file=file, column=column)
        problems += found
        amounts[name] = numbers
    year, _, found = parse_numbers(raw["FY_Ending"], file=file, column="FY_Ending",
                                   allow_markers=False)
    problems += found
    raise_if(problems)
    off = (amounts["gross"] - amounts["income"] - amounts["net"]).abs() > ROW_TOLERANCE_GBP000
    raise_if([DataProblem(file, f"TOTALEXPENDITURE {raw['TOTALEXPENDITURE'].iloc[i]} - "
                          f"TOTALINCOME {raw['TOTALINCOME'].iloc[i]} is not "
                          f"NETTOTALEXPENDITURE {raw['NETTOTALEXPENDITURE'].iloc[i]}",
                          column="NETTOTALEXPENDITURE", row=i + 2)
              for i in np.flatnonzero(off.to_numpy())[:20]])
    years = year.dropna().astype(int).unique()
    out["period"] = [financial_year(f"{int(y) - 1}-{int(y) % 100:02d}") if pd.notna(y) else ""
                     for y in year]
    for key, mapping in (key_labels or {}).items():
        if key in out.columns:
            out[f"{key}_label"] = out[key].map(dict(mapping))
    out["gross_gbp"] = amounts["gross"] * 1000.0
    out["income_gbp"] = amounts["income"] * 1000.0
    out["net_gbp"] = amounts["net"] * 1000.0
    out.attrs["years"] = [int(y) for y in years]
    return out


def cassr_area_codes(totals_path: str | Path) -> dict[str, str]:
    """CASSR code -> ONS code (e.g. "317" -> "E08000014") from a keyed ASC-FR file that has
    both ``CASSR_CODE`` and ``GEOGRAPHY_CODE`` columns."""
    file = display_path(totals_path)
    raw = check_columns(read_csv_checked(totals_path, usecols=["CASSR_CODE", "GEOGRAPHY_CODE"]),
                        ["CASSR_CODE", "GEOGRAPHY_CODE"], file=file)
    pairs = raw.apply(lambda c: c.astype("string").str.strip())
    pairs = pairs[(pairs["CASSR_CODE"] != "") & (pairs["GEOGRAPHY_CODE"] != "")]
    pairs = pairs.drop_duplicates()
    clash = pairs[pairs["CASSR_CODE"].duplicated(keep=False)]
    raise_if([DataProblem(file, f"CASSR code {c} has several geography codes",
                          column="GEOGRAPHY_CODE") for c in sorted(set(clash["CASSR_CODE"]))])
    return dict(zip(pairs["CASSR_CODE"].astype(str), pairs["GEOGRAPHY_CODE"].astype(str),
                    strict=True))


def council_names_2015_16(labelled_2015_16: str | Path) -> dict[str, str]:
    """CASSR code -> council name from a 2015-16 labelled file (Council Code, Council Name)."""
    file = display_path(labelled_2015_16)
    raw = check_columns(read_csv_checked(labelled_2015_16), ["Council Code", "Council Name"],
                        file=file)
    pairs = raw[["Council Code", "Council Name"]].apply(lambda c: c.astype("string").str.strip())
    pairs = pairs.drop_duplicates("Council Code")
    return dict(zip(pairs["Council Code"].astype(str), pairs["Council Name"].astype(str),
                    strict=True))


def _raise_if_negative_gross(sums: pd.DataFrame, rows: pd.DataFrame, *, file: str,
                             column: str, code_column: str) -> None:
    """A council whose gross expenditure sums below zero is an error naming the council and
    the file rows summed (``rows`` holds ``code_column`` and the file ``row``)."""
    problems = []
    for i in np.flatnonzero((sums["gross_gbp"] < 0).to_numpy())[:20]:
        code = sums[code_column].iloc[i]
        lines = rows.loc[rows[code_column] == code, "row"]
        problems.append(DataProblem(
            file, f"gross expenditure of {code} sums to GBP {sums['gross_gbp'].iloc[i]:,.0f}, "
            f"below zero (rows {int(lines.min())}-{int(lines.max())})", column=column,
            row=int(lines.min())))
    raise_if(problems)


#: DataType_KEY labels of the keyed 2016-17 files, as :func:`decode_keys` learns them from the
#: real 2016-17 Activity and 2015-16 labelled files (the tests check they still agree): used
#: when the Totals file comes without its companions.
DATA_TYPE_KEYS: dict[str, str] = {"1": "Mandatory", "2": "Voluntary"}


def load_asc_finance(totals_path: str | Path, activity_2016_17: str | Path | None = None,
                     labelled_2015_16: str | Path | None = None,
                     area_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Each council's whole adult-social-care gross, income and net expenditure (GBP) from the
    keyed Totals file: the processed ``asc_finance`` table.

    The council total is the sum over every row whose DataType key decodes to "Mandatory" (all
    care types - long term, short term and the other / non-client lines - all ages 18-64 and
    65+, all support reasons and settings); the "Voluntary" rows split 65+ further and are left
    out. Checks gross - income = net per row (in :func:`load_ascfr_totals`) and per council.
    ``area_names`` maps ONS codes to names (default: the 2015-16 file's council names; none
    when that file is not given). Without the Activity and labelled files the DataType key is
    read through :data:`DATA_TYPE_KEYS`, so a Totals file on its own gives the table.
    """
    file = display_path(totals_path)
    if activity_2016_17 is not None and labelled_2015_16 is not None:
        keys = decode_keys(activity_2016_17, labelled_2015_16)
    else:
        keys = {"DataType_KEY": dict(DATA_TYPE_KEYS)}
    totals = load_ascfr_totals(totals_path, keys)
    mandatory = [k for k, label in keys["DataType_KEY"].items() if label.lower() == "mandatory"]
    if len(mandatory) != 1:
        raise_if([DataProblem(file, "cannot tell which DataType_KEY is 'Mandatory' from the "
                              "2015-16 labels", column="DataType_KEY")])
    councils = totals[(totals["DataType_KEY"] == mandatory[0]) & (totals["CASSR_CODE"] != "")
                      & (totals["GEOGRAPHY_CODE"] != "")]
    sums = (councils.groupby(["period", "GEOGRAPHY_CODE", "CASSR_CODE"], as_index=False)
            [["gross_gbp", "income_gbp", "net_gbp"]].sum())
    if area_names is None and labelled_2015_16 is not None:
        by_cassr = council_names_2015_16(labelled_2015_16)
        names = sums["CASSR_CODE"].map(by_cassr)
    elif area_names is None:
        names = pd.Series([None] * len(sums), index=sums.index, dtype=object)
    else:
        names = sums["GEOGRAPHY_CODE"].map(dict(area_names))
    _raise_if_negative_gross(sums, councils.assign(row=councils.index + 2), file=file,
                             column="TOTALEXPENDITURE", code_column="GEOGRAPHY_CODE")
    out = pd.DataFrame({
        "period": sums["period"].astype(str),
        "area_code": sums["GEOGRAPHY_CODE"].astype(str),
        "area_name": names.where(names.notna(), None).astype(object),
        "gross_gbp": sums["gross_gbp"].round(2),
        "income_gbp": sums["income_gbp"].round(2),
        "net_gbp": sums["net_gbp"].round(2),
    })
    out = out.sort_values(["period", "area_code"], kind="stable").reset_index(drop=True)
    return validate_schema(out[ASC_FINANCE_COLUMNS], ASC_FINANCE_SCHEMA, file=file)


# --------------------------------------------------------------------------- 2017-18 onward

#: Columns of the newer "ASC-FR Data File (descriptions)" CSVs (2017-18 onward): one row per
#: council x dimension x finance type with the value in ITEMVALUE (GBP thousands for money).
#: The 2017-18 and 2018-19 files suffix the dimension columns with "_Key" (holding
#: descriptions, not codes); later ones drop the suffix. Matched by :func:`_column_key`.
DATA_FILE_ALIASES: dict[str, tuple[str, ...]] = {
    "fy_ending": ("FY_ENDING", "FY Ending", "Year ending"),
    "geography_code": ("GEOGRAPHY_CODE", "ONS code", "ONS_CODE", "Geography code"),
    "area_name": ("DH_GEOGRAPHY_NAME", "GEOGRAPHY_NAME", "Council name"),
    "geography_level": ("GEOGRAPHY_LEVEL",),
    "dimension_group": ("DimensionGroup", "Dimension group"),
    "data_type": ("DataType", "DataType_Key", "Data type"),
    "finance_type": ("FinanceType", "FinanceType_Key", "Finance type"),
    "finance_description": ("FinanceDescription", "FinanceDescription_Key"),
    "item_value": ("ITEMVALUE", "Item value", "Value"),
}

REQUIRED_DATA_FILE_COLUMNS = ("fy_ending", "geography_code", "finance_type", "item_value")

#: Finance types (lower case) -> asc_finance column. Other finance types (cost components,
#: current expenditure, capital charges) are not summed.
FINANCE_TYPES: dict[str, str] = {
    "gross total expenditure": "gross_gbp", "total expenditure": "gross_gbp",
    "gross expenditure": "gross_gbp", "total income": "income_gbp", "income: total": "income_gbp",
    "income": "income_gbp", "net total expenditure": "net_gbp", "net expenditure": "net_gbp",
}


def _column_key(label: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(label).lower())


def is_ascfr_data_file(columns: list[str]) -> bool:
    """Whether CSV headers are those of the newer ASC-FR data file (a recogniser's test)."""
    keys = {_column_key(c) for c in columns}
    return all(any(_column_key(a) in keys for a in DATA_FILE_ALIASES[name])
               for name in REQUIRED_DATA_FILE_COLUMNS)


def load_ascfr_data_file(path: str | Path, area_names: Mapping[str, str] | None = None
                         ) -> pd.DataFrame:
    """A newer ASC-FR data file (2017-18 onward, long, labelled) as the ``asc_finance`` table.

    Sums, per council (ONS ``GEOGRAPHY_CODE`` of a local authority) and year (FY_ENDING 2018
    -> "2017/18"), the ITEMVALUE of the rows whose finance type is gross total expenditure,
    total income or net total expenditure (:data:`FINANCE_TYPES`), keeping only "Mandatory"
    data-type rows (the "Voluntary" rows split 65+ further) and the expenditure dimension where
    those columns exist. GBP thousands -> GBP. Negative council gross expenditure is an error;
    gross - income must equal net within GBP 1,000 (rounding of the published thousands).
    ``area_names`` (ONS code -> name) overrides the file's DH_GEOGRAPHY_NAME.

    The layout was built from the published column names of the 2017-18 onward files; no such
    file is in ../shared/data, so the tests build one by melting the real 2016-17 Totals file.
    """
    file = display_path(path)
    raw = read_csv_checked(path)
    keys = {_column_key(c): c for c in raw.columns}
    found = {name: next((keys[_column_key(a)] for a in aliases if _column_key(a) in keys), None)
             for name, aliases in DATA_FILE_ALIASES.items()}
    raise_if([DataProblem(file, "required column is missing", column=DATA_FILE_ALIASES[n][0])
              for n in REQUIRED_DATA_FILE_COLUMNS if found[n] is None])
    raw = raw.reset_index(drop=True)

    def text(name: str, rule=lambda t: t) -> pd.Series:
        """The column's stripped text passed through ``rule``, computed once per distinct
        value (the files have a few hundred thousand rows and few distinct labels)."""
        column = found[name]
        if column is None:
            return pd.Series([rule("")] * len(raw), index=raw.index, dtype=object)
        codes, uniques = pd.factorize(raw[column].fillna(""), sort=False)
        cleaned = np.array([rule(str(u).strip()) for u in uniques] + [rule("")], dtype=object)
        return pd.Series(cleaned[codes], index=raw.index)

    code = text("geography_code")
    keep = text("geography_code", lambda t: bool(re.fullmatch(r"E0[6-9]\d{6}|E10\d{6}", t)))
    keep &= text("geography_level", lambda t: t == "" or bool(
        re.search("local authority|council", t.lower())))
    keep &= text("data_type", lambda t: t.lower() in ("mandatory", ""))
    keep &= text("dimension_group", lambda t: not re.search("activity|unit cost", t.lower()))
    measure = text("finance_type", lambda t: FINANCE_TYPES.get(t.lower()))
    measure = measure.fillna(text("finance_description", lambda t: FINANCE_TYPES.get(t.lower())))
    keep = keep.astype(bool)
    keep &= measure.notna()
    rows = raw.index[keep]
    if len(rows) == 0:
        raise_if([DataProblem(file, "no local-authority rows of gross expenditure, income or net "
                              "expenditure", column=found["finance_type"])])
    values, _, problems = parse_numbers(raw.loc[rows, found["item_value"]], file=file,
                                        column=found["item_value"])
    problems = [DataProblem(p.file, p.message, column=p.column,
                            row=None if p.row is None else int(rows[p.row - 2]) + 2)
                for p in problems]
    years = text("fy_ending")[rows]
    period = years.map(_period_of_year_end)
    problems += [DataProblem(file, f"'{years.iloc[i]}' is not a year like 2019 or 2018-19",
                             column=found["fy_ending"], row=int(rows[i]) + 2)
                 for i in np.flatnonzero(period.isna().to_numpy())[:20]]
    raise_if(problems)
    long = pd.DataFrame({"period": period.to_numpy(), "GEOGRAPHY_CODE": code[rows].to_numpy(),
                         "area_name": text("area_name")[rows].to_numpy(),
                         "measure": measure[rows].to_numpy(),
                         "value": values.to_numpy() * 1000.0, "row": rows.to_numpy() + 2})
    sums = long.pivot_table(index=["period", "GEOGRAPHY_CODE"], columns="measure",
                            values="value", aggfunc="sum", fill_value=0.0).reset_index()
    for column in ("gross_gbp", "income_gbp", "net_gbp"):
        if column not in sums.columns:
            sums[column] = 0.0
    _raise_if_negative_gross(sums, long, file=file, column=found["item_value"],
                             code_column="GEOGRAPHY_CODE")
    names = long.drop_duplicates("GEOGRAPHY_CODE").set_index("GEOGRAPHY_CODE")["area_name"]
    if area_names is not None:
        names = pd.Series(dict(area_names))
    out = pd.DataFrame({
        "period": sums["period"].astype(str),
        "area_code": sums["GEOGRAPHY_CODE"].astype(str),
        "area_name": sums["GEOGRAPHY_CODE"].map(names).astype(str),
        "gross_gbp": sums["gross_gbp"].round(2),
        "income_gbp": sums["income_gbp"].round(2),
        "net_gbp": sums["net_gbp"].round(2),
    })
    out = out.sort_values(["period", "area_code"], kind="stable").reset_index(drop=True)
    return validate_schema(out[ASC_FINANCE_COLUMNS], ASC_FINANCE_SCHEMA, file=file)


def _period_of_year_end(text: str) -> str | None:
    """FY_ENDING "2018" (the year the financial year ends) or "2017-18" -> "2017/18"."""
    text = str(text).strip()
    try:
        if re.fullmatch(r"\d{4}(\.0)?", text):
            end = int(float(text))
            return financial_year(f"{end - 1}-{end % 100:02d}")
        return financial_year(text)
    except ValueError:
        return None


def edition(path: str | Path) -> str | None:
    """ASC-FR data files state no publication date (FY_ENDING is the data year): None."""
    return None
