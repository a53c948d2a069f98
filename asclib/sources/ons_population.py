"""ONS mid-year population estimates (MYE1-MYE7 workbook, legacy ``.xls``): sheets
``MYE2 - Persons`` / ``MYE2 - Males`` / ``MYE2 - Females`` -> the processed ``population`` table.

Layout of an MYE2 sheet: seven preamble rows (title "MYE2: Persons by single year of age and sex
for local authorities in the UK, mid-2020", freeze-panes note, feedback links), the header
``Code, Name, Geography, All ages, 0, 1, ..., 89, 90+`` (ages as text), then one row per area
(UK, countries, regions, counties, districts) with counts stored as floats. Single years are
summed into the 19 bands "0-4" ... "85-89", "90+"; each row's bands must add up to its
"All ages" figure. The processed extract (``area_code, year, sex, age_band, population``) is read
by :func:`load_population_extract`.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from asclib.errors import DataProblem, InputDataError, display_path
from asclib.sources._common import (
    check_columns,
    find_header_row,
    normalise_label,
    parse_numbers,
    read_csv_checked,
    validate_schema,
)
from asclib.sources._tidy import (
    cells_to_numbers,
    clean_label,
    raise_if,
    read_sheet_rows,
    sheet_names,
    whole_counts,
)

SHEETS: dict[str, str] = {"persons": "MYE2 - Persons", "male": "MYE2 - Males",
                          "female": "MYE2 - Females"}

#: Every edition's name of each MYE2 sheet (mid-2020 onwards: Persons / Males / Females;
#: older editions: All / M / F), compared by :func:`_sheet_key` (case, spaces and punctuation
#: ignored, so "MYE2 - All " with its trailing space matches).
SHEET_ALIASES: dict[str, tuple[str, ...]] = {
    "persons": ("MYE2 - Persons", "MYE2 - All", "MYE2 - People", "MYE2 - All persons"),
    "male": ("MYE2 - Males", "MYE2 - M", "MYE2 - Male"),
    "female": ("MYE2 - Females", "MYE2 - F", "MYE2 - Female"),
}

AGE_BANDS: list[str] = [f"{a}-{a + 4}" for a in range(0, 90, 5)] + ["90+"]

COLUMNS = ["area_code", "year", "sex", "age_band", "population"]

SCHEMA = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str, pa.Check.str_matches(r"^[EKWSN]\d{8}$")),
        "year": pa.Column("int64", pa.Check.in_range(1990, 2100)),
        "sex": pa.Column(str, pa.Check.isin(list(SHEETS))),
        "age_band": pa.Column(str, pa.Check.isin(AGE_BANDS)),
        "population": pa.Column("Int64", pa.Check.ge(0)),
    },
    strict=True, ordered=True, unique=["area_code", "year", "sex", "age_band"],
    report_duplicates="exclude_first",
)


def age_band(age: int) -> str:
    """The five-year band of a single year of age (90 and over -> "90+")."""
    return "90+" if age >= 90 else f"{age // 5 * 5}-{age // 5 * 5 + 4}"


def _sheet_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def mye2_sheets(path: str | Path) -> dict[str, str]:
    """Sex ("persons" / "male" / "female") -> the workbook's own name of its MYE2 sheet, for
    the sexes whose sheet is present (see :data:`SHEET_ALIASES`)."""
    names = {_sheet_key(n): n for n in sheet_names(path)}
    found: dict[str, str] = {}
    for sex, aliases in SHEET_ALIASES.items():
        name = next((names[_sheet_key(a)] for a in aliases if _sheet_key(a) in names), None)
        if name is not None:
            found[sex] = name
    return found


def _age_of(value: object) -> int | None:
    """A single-year age header ("0" ... "89", 0.0, "90+", "90 and over") -> 0 ... 90."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() and 0 <= value <= 90 else None
    text = str(value).strip().lower() if value is not None else ""
    text = re.sub(r"\.0$", "", text)
    if re.fullmatch(r"\d{1,2}", text):
        return int(text) if int(text) <= 90 else None
    if re.fullmatch(r"90\s*(\+|and over|plus)", text):
        return 90
    return None


def _year_in(text: str) -> int | None:
    """The estimate year of a title: "mid-2020", "Mid-2018", "mid 2019", "mid-year 2017",
    "June 2020"."""
    match = re.search(r"mid[- ]?(?:year\s+)?(\d{4})", text, flags=re.IGNORECASE) \
        or re.search(r"june\s+(\d{4})", text, flags=re.IGNORECASE)
    return int(match.group(1)) if match else None


def _sheet(path: Path, file: str, sex: str, sheet: str) -> tuple[pd.DataFrame, int | None]:
    rows = read_sheet_rows(path, sheet)
    header_index = find_header_row(rows, ["Code", "Name", "All ages"])
    if header_index is None:
        raise_if([DataProblem(file, "no header row with Code, Name and All ages in the first "
                              "30 rows", sheet=sheet)])
    header_cells = rows[header_index]
    header = [clean_label(v) if isinstance(v, str) else "" for v in header_cells]
    title = " ".join(str(v) for r in rows[:header_index] for v in r if v)
    year = _year_in(title)
    ages: dict[int, int] = {}
    for c, value in enumerate(header_cells):
        age = _age_of(value)
        if age is not None and c > 0:
            ages[c] = age
    problems: list[DataProblem] = []
    missing = [a for a in [*range(90), 90] if a not in ages.values()]
    if missing:
        problems.append(DataProblem(file, "single-year age columns missing: " + ", ".join(
            "90+" if a == 90 else str(a) for a in missing[:10]), sheet=sheet,
            row=header_index + 1))
    keys = [normalise_label(h) for h in header]
    code_col, all_col = keys.index("code"), keys.index("all ages")
    raise_if(problems)
    body = [(i, r) for i, r in enumerate(rows[header_index + 1:], start=header_index + 2)
            if r and isinstance(r[code_col], str) and re.fullmatch(r"[EKWSN]\d{8}",
                                                                    r[code_col].strip())]
    if not body:
        raise_if([DataProblem(file, "no area rows under the header", sheet=sheet,
                              row=header_index + 1)])
    file_rows = [i for i, _ in body]
    codes = [r[code_col].strip() for _, r in body]
    # every age cell in one pass (column-major), problems mapped back to age and file row
    columns = list(ages)
    labels = ["90+" if ages[c] == 90 else str(ages[c]) for c in columns]
    cells = [r[c] if c < len(r) else None for c in columns for _, r in body]
    numbers, _, found = cells_to_numbers(cells, file=file, sheet=sheet, column="",
                                         rows=list(range(len(cells))), allow_markers=False)
    n = len(body)
    problems += [DataProblem(p.file, p.message, sheet=sheet, column=labels[p.row // n],
                             row=file_rows[p.row % n]) for p in found]
    blank = np.flatnonzero(np.array([c is None or str(c).strip() == "" for c in cells]))
    problems += [DataProblem(file, "value is missing", sheet=sheet, column=labels[i // n],
                             row=file_rows[i % n]) for i in blank[:20]]
    matrix = np.nan_to_num(numbers).reshape(len(columns), n)
    band_totals = np.zeros((n, len(AGE_BANDS)))
    for position, c in enumerate(columns):
        band_totals[:, AGE_BANDS.index(age_band(ages[c]))] += matrix[position]
    all_ages, _, found = cells_to_numbers([r[all_col] for _, r in body], file=file,
                                          sheet=sheet, column="All ages", rows=file_rows,
                                          allow_markers=False)
    problems += found
    raise_if(problems)
    off = np.abs(band_totals.sum(axis=1) - all_ages) > 0.5
    raise_if([DataProblem(file, f"ages sum to {band_totals[i].sum():,.0f} but All ages is "
                          f"{all_ages[i]:,.0f}", sheet=sheet, column="All ages",
                          row=file_rows[i]) for i in np.flatnonzero(off)[:20]])
    frame = pd.DataFrame(band_totals, columns=AGE_BANDS)
    frame.insert(0, "area_code", codes)
    long = frame.melt(id_vars="area_code", var_name="age_band", value_name="population")
    long["sex"] = sex
    return long, year


def load_population(path: str | Path, *, year: int | None = None) -> pd.DataFrame:
    """MYE2 persons, males and females by five-year age band for every area in the workbook.

    Editions read: mid-2020 onwards (sheets "MYE2 - Persons" / "MYE2 - Males" / "MYE2 -
    Females") and older ones ("MYE2 - All" / "MYE2 - M" / "MYE2 - F", names with trailing
    spaces), in ``.xls`` or ``.xlsx``; age headers as text or numbers, the last "90+" or "90".
    ``year`` defaults to the "mid-YYYY" of the sheet titles (never the file name). Columns
    ``area_code, year, sex ("persons" / "male" / "female"), age_band, population``; sorted by
    area, sex and band. Totals for wider bands (e.g. 65+) are sums of these rows.
    """
    p = Path(path)
    file = display_path(p)
    frames = []
    years = set()
    sheets = mye2_sheets(p)
    raise_if([DataProblem(file, "sheet not found (nor " + " / ".join(
        repr(a) for a in SHEET_ALIASES[sex][1:]) + ")", sheet=SHEET_ALIASES[sex][0])
        for sex in SHEETS if sex not in sheets])
    for sex, sheet in sheets.items():
        frame, sheet_year = _sheet(p, file, sex, sheet)
        frames.append(frame)
        years.add(sheet_year)
    if year is None:
        known = {y for y in years if y is not None}
        if len(known) != 1:
            raise_if([DataProblem(file, "cannot tell the estimate year from the sheet titles; "
                                  "pass year=")])
        year = known.pop()
    out = pd.concat(frames, ignore_index=True)
    out["year"] = int(year)
    out["population"], problems = whole_counts(out["population"], file=file, column="population")
    raise_if(problems)
    out["area_code"] = out["area_code"].astype(str)
    out["sex"] = pd.Categorical(out["sex"], categories=list(SHEETS))
    out["age_band"] = pd.Categorical(out["age_band"], categories=AGE_BANDS)
    out = out.sort_values(["area_code", "sex", "age_band"], kind="stable")
    out = out.astype({"sex": str, "age_band": str})[COLUMNS].reset_index(drop=True)
    return validate_schema(out, SCHEMA, file=file)


def edition(path: str | Path) -> str | None:
    """The date an MYE workbook states it was published (YYYY-MM-DD), from its cover sheet
    ("... originally published at 9.30am 25 June 2021."; "Release date: 28 June 2018"), or
    None when the file states none or is no MYE workbook."""
    try:
        names = sheet_names(path)
    except InputDataError:
        return None
    for name in names:
        if _sheet_key(name) not in ("coversheet", "cover", "contents", "notes"):
            continue
        for row in read_sheet_rows(path, name)[:40]:
            text = " ".join(str(v) for v in row if v not in (None, ""))
            if not re.search(r"publish|release", text, flags=re.IGNORECASE):
                continue
            match = re.search(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})", text)
            if match:
                try:
                    return datetime.strptime(" ".join(match.groups()), "%d %B %Y").date() \
                        .isoformat()
                except ValueError:
                    continue
    return None


def load_population_extract(path: str | Path) -> pd.DataFrame:
    """The tidy extract ``area_code, year, sex, age_band, population`` (as written to
    ``data/raw/published/population_mid2020.csv``) typed and checked."""
    file = display_path(path)
    raw = read_csv_checked(path)
    raw = check_columns(raw, COLUMNS, file=file)[COLUMNS].reset_index(drop=True)
    problems: list[DataProblem] = []
    out = pd.DataFrame({c: raw[c].astype("string").str.strip().astype(str)
                        for c in ("area_code", "sex", "age_band")})
    year, _, found = parse_numbers(raw["year"], file=file, column="year", allow_markers=False)
    problems += found
    population, _, found = parse_numbers(raw["population"], file=file, column="population",
                                         allow_markers=False)
    problems += found
    counts, found = whole_counts(population, file=file, column="population",
                                 rows=list(range(2, len(raw) + 2)))
    problems += found
    for name, values in (("year", year), ("population", population)):
        problems += [DataProblem(file, "value is missing", column=name, row=i + 2)
                     for i in values.isna().to_numpy().nonzero()[0][:20]]
    raise_if(problems)
    out["year"] = year.astype("int64")
    out["population"] = counts
    return validate_schema(out[COLUMNS], SCHEMA, file=file)
