"""Loaders for a council's own Excel exports: the ASC budget ledger, day-service placements and
the care-home outbreak log.

The layouts (documented in the README) are deliberately forgiving about the things exports
vary in: the header row need not be the first row (titles and notes above it are skipped), the
sheet may have any name (the loader finds the sheet holding the required headers), columns may
come in any order and common alternative headers are accepted ("Gross £" for ``gross``). They
are strict about content: every problem becomes one :class:`~asclib.errors.DataProblem` naming
the file, sheet, column and the row a person sees in Excel, and all problems of a file are
reported together in one :class:`~asclib.errors.InputDataError`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from asclib.errors import DataProblem, InputDataError, display_path
from asclib.sources._common import normalise_label, parse_numbers, require_file
from asclib.sources._tidy import excel_column

# --------------------------------------------------------------------------- vocabularies

PRIMARY_SUPPORT_REASONS: tuple[str, ...] = (
    "Physical support",
    "Sensory support",
    "Support with memory and cognition",
    "Learning disability support",
    "Mental health support",
    "Social support",
)
SERVICE_TYPES: tuple[str, ...] = (
    "Long-term residential",
    "Long-term nursing",
    "Home care",
    "Supported living",
    "Direct payments",
    "Day care",
    "Short-term / reablement",
    "Equipment and adaptations",
    "Assessment and care management",
    "Other",
)
LEDGER_AGE_BANDS: tuple[str, ...] = ("18-64", "65+")
FUNDING: tuple[str, ...] = ("direct_payment", "commissioned")
NEED_LEVELS: tuple[str, ...] = ("standard", "enhanced", "complex")

#: Sane range for a day-service daily rate (GBP per day), and for days attended per week.
DAILY_RATE_RANGE: tuple[float, float] = (10.0, 500.0)
DAYS_PER_WEEK_RANGE: tuple[float, float] = (0.5, 7.0)
AGE_RANGE: tuple[int, int] = (16, 120)

_PSR_ALIASES = {
    "physical": "Physical support", "physical disability": "Physical support",
    "physical support: access and mobility only": "Physical support",
    "physical support: personal care support": "Physical support",
    "sensory": "Sensory support", "sensory support: support for visual impairment":
    "Sensory support", "sensory support: support for hearing impairment": "Sensory support",
    "memory and cognition": "Support with memory and cognition", "dementia":
    "Support with memory and cognition",
    "learning disability": "Learning disability support", "ld": "Learning disability support",
    "learning disabilities": "Learning disability support",
    "mental health": "Mental health support", "mh": "Mental health support",
    "social": "Social support", "social support: substance misuse support": "Social support",
    "social support: asylum seeker support": "Social support",
    "social support: support for social isolation/other": "Social support",
}
_SERVICE_ALIASES = {
    "residential": "Long-term residential", "residential care": "Long-term residential",
    "long term residential": "Long-term residential",
    "nursing": "Long-term nursing", "nursing care": "Long-term nursing",
    "long term nursing": "Long-term nursing",
    "homecare": "Home care", "domiciliary care": "Home care", "care at home": "Home care",
    "direct payment": "Direct payments", "dp": "Direct payments",
    "day services": "Day care", "day service": "Day care", "day care services": "Day care",
    "reablement": "Short-term / reablement", "short-term": "Short-term / reablement",
    "short term / reablement": "Short-term / reablement",
    "equipment": "Equipment and adaptations", "equipment & adaptations":
    "Equipment and adaptations",
    "acm": "Assessment and care management", "assessment & care management":
    "Assessment and care management",
}
_AGE_BAND_ALIASES = {
    "18 - 64": "18-64", "18 to 64": "18-64", "under 65": "18-64", "working age": "18-64",
    "65 and over": "65+", "65 and older": "65+", "65 +": "65+", "65plus": "65+",
    "older people": "65+",
}
_FUNDING_ALIASES = {
    "direct payment": "direct_payment", "dp": "direct_payment", "direct_payment":
    "direct_payment", "direct payments": "direct_payment",
    "commissioned": "commissioned", "council commissioned": "commissioned",
    "council": "commissioned", "contract": "commissioned", "spot": "commissioned",
}


# --------------------------------------------------------------------------- layouts


@dataclass(frozen=True)
class Layout:
    """One export layout: its canonical columns, their accepted header aliases and kinds."""

    name: str
    required: tuple[str, ...]
    aliases: dict[str, tuple[str, ...]]
    optional: tuple[str, ...] = ()
    kinds: dict[str, str] = field(default_factory=dict)  # text, money, count, number, date


LEDGER = Layout(
    name="budget ledger",
    required=("period", "cost_centre", "service_type", "primary_support_reason", "age_band",
              "gross_gbp", "income_gbp"),
    aliases={
        "period": ("Period", "Financial year", "Year", "FY"),
        "cost_centre": ("Cost centre", "Cost center", "Cost centre code", "Cost code", "CC"),
        "service_type": ("Service type", "Service", "Type of care", "Service category"),
        "primary_support_reason": ("Primary support reason", "PSR", "Support reason"),
        "age_band": ("Age band", "Age group", "Client age band"),
        "gross_gbp": ("Gross", "Gross £", "Gross (£)", "Gross expenditure", "Gross spend",
                      "Gross budget", "Expenditure"),
        "income_gbp": ("Income", "Income £", "Income (£)", "Total income", "Income budget"),
    },
    kinds={"gross_gbp": "money", "income_gbp": "money"},
)

PLACEMENTS = Layout(
    name="day-service placements",
    required=("client_id", "age", "primary_support_reason", "provider", "service",
              "daily_rate_gbp", "days_per_week", "funding", "start_date", "end_date"),
    optional=("need_level", "one_to_one_gbp_per_day"),
    aliases={
        "client_id": ("Client ID", "Client id", "Client", "Person ID", "Client reference",
                      "Service user ID"),
        "age": ("Age", "Age (years)", "Client age"),
        "primary_support_reason": ("Primary support reason", "PSR", "Support reason"),
        "provider": ("Provider", "Provider name", "Supplier"),
        "service": ("Service", "Service name", "Day service"),
        "need_level": ("Need level", "Level of need", "Assessed need", "Need band"),
        "daily_rate_gbp": ("Daily rate", "Daily rate £", "Daily rate (£)", "Rate per day",
                           "Rate £ per day", "Day rate"),
        "days_per_week": ("Days per week", "Days/week", "Days a week", "Sessions per week"),
        "funding": ("Funding", "Funded by", "Funding type", "Direct payment or commissioned"),
        "one_to_one_gbp_per_day": ("1:1 top-up", "1:1 top up", "1:1 top-up £ per day",
                                   "One to one top-up", "1-1 funding", "1:1 £ per day"),
        "start_date": ("Start date", "Start", "Placement start"),
        "end_date": ("End date", "End", "Placement end"),
    },
    kinds={"age": "count", "daily_rate_gbp": "money", "days_per_week": "number",
           "one_to_one_gbp_per_day": "money", "start_date": "date", "end_date": "date"},
)

OUTBREAKS = Layout(
    name="care-home outbreak log",
    required=("home_id", "home_name", "date_declared", "date_closed", "resident_cases",
              "staff_cases"),
    aliases={
        "home_id": ("Home ID", "Home id", "Home reference", "CQC location ID", "Location ID"),
        "home_name": ("Home name", "Home", "Care home", "Care home name"),
        "date_declared": ("Date declared", "Declared", "Outbreak declared", "Start date"),
        "date_closed": ("Date closed", "Closed", "Outbreak closed", "End date"),
        "resident_cases": ("Resident cases", "Residents", "Residents positive",
                           "Resident positive cases"),
        "staff_cases": ("Staff cases", "Staff", "Staff positive", "Staff positive cases"),
    },
    kinds={"date_declared": "date", "date_closed": "date", "resident_cases": "count",
           "staff_cases": "count"},
)

# --------------------------------------------------------------------------- schemas (output)

_AREA = pa.Column(str, pa.Check.str_matches(r"^[EWSN]\d{8}$"))

LEDGER_SCHEMA = pa.DataFrameSchema(
    {
        "area_code": _AREA,
        "period": pa.Column(str, pa.Check.str_matches(r"^\d{4}/\d{2}$")),
        "cost_centre": pa.Column(str),
        "service_type": pa.Column(str, pa.Check.isin(SERVICE_TYPES)),
        "primary_support_reason": pa.Column(str, pa.Check.isin(PRIMARY_SUPPORT_REASONS)),
        "age_band": pa.Column(str, pa.Check.isin(LEDGER_AGE_BANDS)),
        "gross_gbp": pa.Column(float, pa.Check.ge(0)),
        "income_gbp": pa.Column(float, pa.Check.ge(0)),
    },
    strict=True, ordered=True,
)
PLACEMENTS_SCHEMA = pa.DataFrameSchema(
    {
        "area_code": _AREA,
        "client_id": pa.Column(str),
        "age": pa.Column(int, pa.Check.in_range(*AGE_RANGE)),
        "primary_support_reason": pa.Column(str, pa.Check.isin(PRIMARY_SUPPORT_REASONS)),
        "provider": pa.Column(str),
        "service": pa.Column(str),
        "need_level": pa.Column(str, pa.Check.isin(NEED_LEVELS)),
        "daily_rate_gbp": pa.Column(float, pa.Check.in_range(*DAILY_RATE_RANGE)),
        "days_per_week": pa.Column(float, pa.Check.in_range(*DAYS_PER_WEEK_RANGE)),
        "funding": pa.Column(str, pa.Check.isin(FUNDING)),
        "one_to_one_gbp_per_day": pa.Column(float, pa.Check.ge(0)),
        "start_date": pa.Column("datetime64[ns]", nullable=True),
        "end_date": pa.Column("datetime64[ns]", nullable=True),
    },
    strict=True, ordered=True, unique=["area_code", "client_id"],
)
OUTBREAKS_SCHEMA = pa.DataFrameSchema(
    {
        "area_code": _AREA,
        "home_id": pa.Column(str),
        "home_name": pa.Column(str),
        "date_declared": pa.Column("datetime64[ns]"),
        "date_closed": pa.Column("datetime64[ns]", nullable=True),
        "resident_cases": pa.Column(int, pa.Check.ge(0)),
        "staff_cases": pa.Column(int, pa.Check.ge(0)),
    },
    strict=True, ordered=True,
)

_AREA_CODE = re.compile(r"^[EWSN]\d{8}$")
_PERIOD = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")


# --------------------------------------------------------------------------- reading


@dataclass
class _Sheet:
    """The located table: its frame (canonical columns, raw cells), the sheet name, the Excel
    row of every frame row, the header text the file uses for each column and notes (e.g.
    hidden sheets passed over)."""

    file: str
    sheet: str
    frame: pd.DataFrame
    rows: np.ndarray
    headers: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Candidate:
    """The best header row of one sheet."""

    sheet: str
    visible: bool
    header_index: int
    found: dict[str, int]
    duplicates: dict[str, list[int]]
    required_found: int


def _match_headers(row: Sequence[object], layout: Layout
                   ) -> tuple[dict[str, int], dict[str, list[int]]]:
    """Canonical column -> index in ``row`` for every layout column whose header is present,
    and the columns two or more cells of the row map to (after alias matching)."""
    labels: dict[str, list[int]] = {}
    for i, v in enumerate(row):
        if v is not None and str(v).strip():
            labels.setdefault(normalise_label(v), []).append(i)
    found: dict[str, int] = {}
    duplicates: dict[str, list[int]] = {}
    for name in (*layout.required, *layout.optional):
        hits: set[int] = set()
        for candidate in (name, name.replace("_", " "), *layout.aliases.get(name, ())):
            hits.update(labels.get(normalise_label(candidate), ()))
        if hits:
            found[name] = min(hits)
            if len(hits) > 1:
                duplicates[name] = sorted(hits)
    return found, duplicates


def user_header(layout: Layout, column: str) -> str:
    """The header a person would write for a canonical column ("Daily rate" for
    daily_rate_gbp)."""
    aliases = layout.aliases.get(column)
    return aliases[0] if aliases else column


def _open_sheets(path: str | Path) -> list[tuple[str, bool, list[list[object]]]]:
    """(name, visible, rows) of every worksheet, read once with python-calamine (fast, and it
    reports hidden sheets); a clear error for a file that is not a readable workbook."""
    import python_calamine

    p = require_file(path)
    file = display_path(p)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(p))
    except Exception as exc:  # noqa: BLE001 - calamine raises several error types
        raise InputDataError(DataProblem(
            file, f"is not a readable .xlsx workbook (corrupt or truncated: {exc})")) from None
    sheets = []
    try:
        for meta in workbook.sheets_metadata:
            if str(meta.typ) != str(python_calamine.SheetTypeEnum.WorkSheet):
                continue
            try:
                rows = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            except Exception as exc:  # noqa: BLE001
                raise InputDataError(DataProblem(file, f"sheet cannot be read ({exc})",
                                                 sheet=meta.name)) from None
            visible = str(meta.visible) == str(python_calamine.SheetVisibleEnum.Visible)
            sheets.append((meta.name, visible, rows))
    finally:
        workbook.close()
    return sheets


def _best_row(name: str, visible: bool, rows: list[list[object]], layout: Layout,
              max_scan: int) -> _Candidate | None:
    best: _Candidate | None = None
    for index, row in enumerate(rows[:max_scan]):
        found, duplicates = _match_headers(row, layout)
        count = sum(1 for c in layout.required if c in found)
        if best is None or count > best.required_found:
            best = _Candidate(name, visible, index, found, duplicates, count)
        if count == len(layout.required):
            break
    return best


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def _read_table(path: str | Path, layout: Layout, *, max_scan: int = 30) -> _Sheet:
    """Find the sheet and header row holding ``layout``'s columns and return its data rows.

    Sheet choice: the one visible sheet holding every required header; several such visible
    sheets, or only hidden ones, is an error naming them. Hidden sheets are always mentioned
    (in the error, or as a note when a visible sheet was used). Two columns that mean the same
    (e.g. 'Daily rate £' twice) is an error naming both; missing columns are all reported at
    once in the header words a person would use.
    """
    file = display_path(path)
    sheets = _open_sheets(path)
    by_name = {name: rows for name, _, rows in sheets}
    hidden = [name for name, visible, _ in sheets if not visible]
    non_empty = [name for name, _, rows in sheets
                 if any(v is not None and str(v).strip() for r in rows for v in r)]
    if not non_empty:
        raise InputDataError(DataProblem(file, f"workbook is empty (sheets: "
                                         f"{_quoted(by_name) or 'none'}); expected the "
                                         f"{layout.name} table"))
    candidates = [c for name, visible, rows in sheets
                  if (c := _best_row(name, visible, rows, layout, max_scan)) is not None]
    complete = [c for c in candidates if c.required_found == len(layout.required)]
    hidden_note = (f"hidden sheet(s) {_quoted(hidden)} not read" if hidden else "")
    if complete:
        visible_complete = [c for c in complete if c.visible]
        hidden_complete = [c.sheet for c in complete if not c.visible]
        if len(visible_complete) > 1:
            raise InputDataError(DataProblem(
                file, f"several sheets hold the {layout.name} headers: "
                f"{_quoted([c.sheet for c in visible_complete])}"
                + (f" (and hidden {_quoted(hidden_complete)})" if hidden_complete else "")
                + "; keep the table in one sheet (delete the other copies)"))
        if not visible_complete:
            raise InputDataError(DataProblem(
                file, f"the {layout.name} headers are only in hidden sheet(s) "
                f"{_quoted(hidden_complete)}; unhide the sheet to use (hidden sheets are "
                "never read)"))
        chosen = visible_complete[0]
    else:
        ranked = sorted(candidates, key=lambda c: (c.required_found, c.visible), reverse=True)
        chosen = ranked[0] if ranked else None
        if chosen is None or chosen.required_found < max(2, len(layout.required) // 2):
            expected = _quoted([user_header(layout, c) for c in layout.required])
            raise InputDataError(DataProblem(
                file, f"no sheet holds the {layout.name} headers ({expected}); sheets found: "
                f"{_quoted(by_name)}" + (f" ({hidden_note})" if hidden else "")
                + ". Is this the right file or sheet?"))
        if not chosen.visible:
            raise InputDataError(DataProblem(
                file, f"the {layout.name} headers are only in hidden sheet '{chosen.sheet}'; "
                "unhide the sheet to use (hidden sheets are never read)"))
    sheet, header_index, found = chosen.sheet, chosen.header_index, chosen.found
    header_row = by_name[sheet][header_index]
    problems: list[DataProblem] = []
    for column, indices in chosen.duplicates.items():
        shown = " and ".join(f"'{header_row[i]}' (column {excel_column(i)})" for i in indices)
        problems.append(DataProblem(
            file, f"columns {shown} both mean '{user_header(layout, column)}'; keep one",
            sheet=sheet, row=header_index + 1))
    missing = [c for c in layout.required if c not in found]
    present = _quoted([str(v) for v in header_row if v not in (None, "")])
    for column in missing:
        others = [a for a in layout.aliases.get(column, ())[1:4]]
        problems.append(DataProblem(
            file, f"required column '{user_header(layout, column)}' is missing"
            + (f" (also accepted: {_quoted(others)})" if others else "")
            + f"; the header row has: {present}",
            sheet=sheet, row=header_index + 1))
    if problems:
        raise InputDataError(problems)
    body = by_name[sheet][header_index + 1:]
    columns = list(found)
    indices = [found[c] for c in columns]
    whole = pd.DataFrame(body, dtype=object) if body else pd.DataFrame(dtype=object)
    frame = pd.DataFrame({c: (whole[i] if i < whole.shape[1] else None)
                          for c, i in zip(columns, indices, strict=True)},
                         index=whole.index, dtype=object)
    empty = np.ones(len(frame), dtype=bool)
    for column in columns:
        empty &= _by_unique(frame[column], _blank).astype(bool)
    excel_rows = np.arange(len(frame)) + header_index + 2
    frame, excel_rows = frame[~empty].reset_index(drop=True), excel_rows[~empty]
    if frame.empty:
        raise InputDataError(DataProblem(file, f"sheet has the {layout.name} headers but no "
                                         "data rows", sheet=sheet))
    headers = {c: str(header_row[found[c]]).strip() for c in columns}
    notes = []
    if hidden:
        notes.append(f"{file}: read sheet '{sheet}'; {hidden_note}"
                     + (f" (hidden {_quoted([c.sheet for c in complete if not c.visible])} "
                        f"also holds the {layout.name} headers)"
                        if any(not c.visible for c in complete) else ""))
    return _Sheet(file, sheet, frame, excel_rows.astype(int), headers, notes)


def _cell_text(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()[:10]
    return str(v).strip()


def _by_unique(values: pd.Series, convert: Callable[[object], object]) -> np.ndarray:
    """``convert`` applied to each distinct cell once (exports repeat values a lot), as an
    object array aligned with ``values``."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=False)
    converted = np.empty(len(uniques), dtype=object)
    converted[:] = [convert(u) for u in uniques]
    return converted[codes]


def _as_text(values: pd.Series) -> pd.Series:
    """Cells as stripped strings; None/blank -> empty string; 12.0 -> "12"."""
    return pd.Series(_by_unique(values, _cell_text), index=values.index, dtype=object)


def _remap_rows(problems: list[DataProblem], rows: np.ndarray) -> list[DataProblem]:
    """parse_numbers reports positions (first_row=0); turn them into Excel rows."""
    return [dataclasses.replace(p, row=int(rows[p.row])) if p.row is not None else p
            for p in problems]


def _numbers(table: _Sheet, column: str, problems: list[DataProblem], *,
             kind: str) -> pd.Series:
    """A number column, with text, negative and (for counts) fractional values reported."""
    numbers, _, found = parse_numbers(_as_text(table.frame[column]), file=table.file,
                                      column=column, sheet=table.sheet, first_row=0,
                                      allow_markers=False)
    problems.extend(_remap_rows(found, table.rows))
    what = {"money": "amount of money", "count": "count"}.get(kind, "value")
    for i in np.flatnonzero((numbers < 0).to_numpy()):
        problems.append(DataProblem(table.file, f"negative {what} {numbers.iloc[i]:g}",
                                    sheet=table.sheet, column=column, row=int(table.rows[i])))
    if kind == "count":
        fractional = numbers.notna() & (numbers != np.round(numbers))
        for i in np.flatnonzero(fractional.to_numpy()):
            problems.append(DataProblem(table.file, f"{numbers.iloc[i]:g} is not a whole number",
                                        sheet=table.sheet, column=column,
                                        row=int(table.rows[i])))
    return numbers


def frame_of(table: _Sheet, column: str) -> pd.Series:
    """The raw cells of one column."""
    return table.frame[column]


def _require_values(table: _Sheet, column: str, values: pd.Series,
                    problems: list[DataProblem]) -> None:
    for i in np.flatnonzero(values.isna().to_numpy() | (values.astype(str) == "").to_numpy()):
        problems.append(DataProblem(table.file, "value is missing", sheet=table.sheet,
                                    column=column, row=int(table.rows[i])))


def _parse_date(value: object) -> pd.Timestamp | None:
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value).normalize()
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %b %Y", "%d %B %Y",
                    "%Y-%m-%d %H:%M:%S"):
        try:
            return pd.Timestamp(dt.datetime.strptime(text, pattern))
        except ValueError:
            continue
    return None


def _blank(value: object) -> bool:
    return (value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value))
            or (isinstance(value, str) and not value.strip()))


def _dates(table: _Sheet, column: str, problems: list[DataProblem], *,
           required: bool) -> pd.Series:
    values = table.frame[column]
    blank = _by_unique(values, _blank).astype(bool)
    parsed = _by_unique(values, lambda v: None if _blank(v) else _parse_date(v))
    for i in np.flatnonzero(blank & required):
        problems.append(DataProblem(table.file, "date is missing", sheet=table.sheet,
                                    column=column, row=int(table.rows[i])))
    for i in np.flatnonzero(~blank & np.equal(parsed, None)):
        problems.append(DataProblem(table.file, f"'{values.iloc[i]}' is not a date (use "
                                    "YYYY-MM-DD or DD/MM/YYYY)", sheet=table.sheet,
                                    column=column, row=int(table.rows[i])))
    stamps = pd.to_datetime(pd.Series(np.where(np.equal(parsed, None), pd.NaT, parsed),
                                      dtype="object"))
    return pd.Series(stamps.to_numpy(dtype="datetime64[ns]"), dtype="datetime64[ns]")


def _vocabulary(table: _Sheet, column: str, allowed: Sequence[str], aliases: dict[str, str],
                problems: list[DataProblem], *, what: str) -> pd.Series:
    """Map labels onto the vocabulary (case/spacing-insensitive, aliases accepted)."""
    lookup = {normalise_label(a): a for a in allowed}
    lookup.update({normalise_label(k): v for k, v in aliases.items()})
    text = _as_text(table.frame[column])
    mapped = _by_unique(text, lambda v: lookup.get(normalise_label(v)) if v else None)
    for i in np.flatnonzero(np.equal(mapped, None)):
        value = text.iloc[i]
        message = ("value is missing" if not value else
                   f"unknown {what} '{value}' (use one of: {', '.join(allowed)})")
        problems.append(DataProblem(table.file, message, sheet=table.sheet, column=column,
                                    row=int(table.rows[i])))
    return pd.Series(np.where(np.equal(mapped, None), "", mapped), dtype=object)


def _range_check(table: _Sheet, column: str, values: pd.Series, low: float, high: float,
                 problems: list[DataProblem], *, what: str) -> None:
    outside = values.notna() & ((values < low) | (values > high))
    for i in np.flatnonzero(outside.to_numpy()):
        if values.iloc[i] < 0:
            continue  # already reported as negative
        problems.append(DataProblem(
            table.file, f"{what} {values.iloc[i]:g} is outside the sane range {low:g} to "
            f"{high:g}", sheet=table.sheet, column=column, row=int(table.rows[i])))


def _duplicates(table: _Sheet, column: str, values: pd.Series,
                problems: list[DataProblem], *, what: str) -> None:
    first_row: dict[str, int] = {}
    for i, value in enumerate(values.tolist()):
        if not value:
            continue
        if value in first_row:
            problems.append(DataProblem(
                table.file, f"duplicate {what} '{value}' (first seen in row {first_row[value]})",
                sheet=table.sheet, column=column, row=int(table.rows[i])))
        else:
            first_row[value] = int(table.rows[i])


def area_code_from_path(path: str | Path) -> str | None:
    """The ONS code of the folder holding a council export (``.../council/E08000014/x.xlsx``)."""
    name = Path(path).resolve().parent.name.upper()
    return name if _AREA_CODE.match(name) else None


def _resolve_area(path: str | Path, area_code: str | None) -> str:
    code = area_code or area_code_from_path(path)
    if code is None or not _AREA_CODE.match(code):
        raise InputDataError(DataProblem(
            display_path(path), "cannot tell which council this file belongs to: put it in a "
            "folder named after the council's ONS code (data/raw/council/E08000014/) or pass "
            "area_code"))
    return code


def _in_user_words(problems: Sequence[DataProblem], table: _Sheet) -> list[DataProblem]:
    """Problems naming columns by the header the file uses, not internal names."""
    return [dataclasses.replace(p, column=table.headers.get(p.column, p.column))
            for p in dict.fromkeys(problems)]


def _finish(problems: list[DataProblem], build: Callable[[], pd.DataFrame],
            schema: pa.DataFrameSchema, table: _Sheet) -> pd.DataFrame:
    if problems:
        raise InputDataError(_in_user_words(problems, table))
    frame = build()
    from asclib.sources._common import validate_schema
    try:
        frame = validate_schema(frame, schema, file=table.file, sheet=table.sheet)
    except InputDataError as exc:
        raise InputDataError(_in_user_words(exc.problems, table)) from None
    frame.attrs["notes"] = list(table.notes)
    return frame


def _normalise_period(table: _Sheet, problems: list[DataProblem]) -> pd.Series:
    out = []
    for i, value in enumerate(_as_text(table.frame["period"]).tolist()):
        match = _PERIOD.match(value)
        ok = False
        if match:
            start, end = int(match.group(1)), int(match.group(2)[-2:])
            ok = (start + 1) % 100 == end
        if not ok:
            problems.append(DataProblem(table.file, f"'{value}' is not a financial year (use "
                                        "YYYY/YY, e.g. 2020/21)", sheet=table.sheet,
                                        column="period", row=int(table.rows[i])))
            out.append("")
        else:
            out.append(f"{match.group(1)}/{match.group(2)[-2:]}")
    return pd.Series(out, dtype=object)


# --------------------------------------------------------------------------- loaders


def load_budget_ledger(path: str | Path, area_code: str | None = None) -> pd.DataFrame:
    """The council's ASC budget ledger: one row per cost-centre line.

    Columns out: area_code, period ("YYYY/YY"), cost_centre, service_type,
    primary_support_reason, age_band ("18-64" / "65+"), gross_gbp, income_gbp (GBP, >= 0).
    ``area_code`` defaults to the name of the file's folder (``council/<code>/``).
    """
    code = _resolve_area(path, area_code)
    table = _read_table(path, LEDGER)
    problems: list[DataProblem] = []
    period = _normalise_period(table, problems)
    cost_centre = _as_text(table.frame["cost_centre"])
    _require_values(table, "cost_centre", cost_centre, problems)
    service = _vocabulary(table, "service_type", SERVICE_TYPES, _SERVICE_ALIASES, problems,
                          what="service type")
    psr = _vocabulary(table, "primary_support_reason", PRIMARY_SUPPORT_REASONS, _PSR_ALIASES,
                      problems, what="primary support reason")
    age = _vocabulary(table, "age_band", LEDGER_AGE_BANDS, _AGE_BAND_ALIASES, problems,
                      what="age band")
    gross = _numbers(table, "gross_gbp", problems, kind="money")
    income = _numbers(table, "income_gbp", problems, kind="money")
    _require_values(table, "gross_gbp", _as_text(frame_of(table, "gross_gbp")), problems)

    def build() -> pd.DataFrame:
        return pd.DataFrame({
            "area_code": code, "period": period.astype(str), "cost_centre": cost_centre.astype(str),
            "service_type": service.astype(str), "primary_support_reason": psr.astype(str),
            "age_band": age.astype(str), "gross_gbp": gross.astype(float),
            "income_gbp": income.fillna(0.0).astype(float),
        })
    return _finish(problems, build, LEDGER_SCHEMA, table)


def derive_need_level(daily_rate: pd.Series, one_to_one: pd.Series) -> pd.Series:
    """Need level when an export has none: "complex" where a 1:1 top-up is paid, "enhanced"
    where the daily rate is at least 75 GBP, else "standard" (a documented rule of thumb, not
    an assessment)."""
    level = np.where(one_to_one.fillna(0) > 0, "complex",
                     np.where(daily_rate >= 75, "enhanced", "standard"))
    return pd.Series(level, index=daily_rate.index, dtype=object)


def load_day_service_placements(path: str | Path, area_code: str | None = None) -> pd.DataFrame:
    """Day-service placements: one row per client.

    Columns out: area_code, client_id, age, primary_support_reason, provider, service,
    need_level, daily_rate_gbp, days_per_week, funding ("direct_payment" / "commissioned"),
    one_to_one_gbp_per_day (0 when none), start_date, end_date (NaT = still open).
    Optional in the export: need level (derived by :func:`derive_need_level` when absent) and
    the 1:1 top-up (0 when absent).
    """
    code = _resolve_area(path, area_code)
    table = _read_table(path, PLACEMENTS)
    problems: list[DataProblem] = []
    frame = table.frame
    client = _as_text(frame["client_id"])
    _require_values(table, "client_id", client, problems)
    _duplicates(table, "client_id", client, problems, what="client id")
    age = _numbers(table, "age", problems, kind="count")
    _require_values(table, "age", _as_text(frame_of(table, "age")), problems)
    _range_check(table, "age", age, AGE_RANGE[0], AGE_RANGE[1], problems, what="age")
    psr = _vocabulary(table, "primary_support_reason", PRIMARY_SUPPORT_REASONS, _PSR_ALIASES,
                      problems, what="primary support reason")
    provider = _as_text(frame["provider"])
    _require_values(table, "provider", provider, problems)
    service = _as_text(frame["service"])
    _require_values(table, "service", service, problems)
    rate = _numbers(table, "daily_rate_gbp", problems, kind="money")
    _require_values(table, "daily_rate_gbp", _as_text(frame_of(table, "daily_rate_gbp")), problems)
    _range_check(table, "daily_rate_gbp", rate, *DAILY_RATE_RANGE, problems,
                 what="daily rate £")
    days = _numbers(table, "days_per_week", problems, kind="number")
    _require_values(table, "days_per_week", _as_text(frame_of(table, "days_per_week")), problems)
    _range_check(table, "days_per_week", days, *DAYS_PER_WEEK_RANGE, problems,
                 what="days per week")
    funding = _vocabulary(table, "funding", FUNDING, _FUNDING_ALIASES, problems,
                          what="funding")
    if "one_to_one_gbp_per_day" in frame:
        one_to_one = _numbers(table, "one_to_one_gbp_per_day", problems, kind="money").fillna(0.0)
    else:
        one_to_one = pd.Series(0.0, index=frame.index)
    start = _dates(table, "start_date", problems, required=True)
    end = _dates(table, "end_date", problems, required=False)
    for i in np.flatnonzero((end < start).to_numpy()):
        problems.append(DataProblem(
            table.file, f"end date {end.iloc[i]:%Y-%m-%d} is before start date "
            f"{start.iloc[i]:%Y-%m-%d}", sheet=table.sheet, column="end_date",
            row=int(table.rows[i])))
    if "need_level" in frame and _as_text(frame["need_level"]).ne("").any():
        need = _vocabulary(table, "need_level", NEED_LEVELS, {}, problems, what="need level")
    else:
        need = None

    def build() -> pd.DataFrame:
        level = need if need is not None else derive_need_level(rate, one_to_one)
        return pd.DataFrame({
            "area_code": code, "client_id": client.astype(str), "age": age.astype("int64"),
            "primary_support_reason": psr.astype(str), "provider": provider.astype(str),
            "service": service.astype(str), "need_level": level.astype(str),
            "daily_rate_gbp": rate.astype(float), "days_per_week": days.astype(float),
            "funding": funding.astype(str), "one_to_one_gbp_per_day": one_to_one.astype(float),
            "start_date": start, "end_date": end,
        })
    return _finish(problems, build, PLACEMENTS_SCHEMA, table)


def load_care_home_outbreaks(path: str | Path, area_code: str | None = None) -> pd.DataFrame:
    """The care-home outbreak log: one row per outbreak.

    Columns out: area_code, home_id, home_name, date_declared, date_closed (NaT = still open),
    resident_cases, staff_cases. A home may have several outbreaks over time, but the same
    home id twice with overlapping dates (a duplicated entry) is reported, as is a home id
    used for two different home names.
    """
    code = _resolve_area(path, area_code)
    table = _read_table(path, OUTBREAKS)
    problems: list[DataProblem] = []
    frame = table.frame
    home = _as_text(frame["home_id"])
    _require_values(table, "home_id", home, problems)
    name = _as_text(frame["home_name"])
    _require_values(table, "home_name", name, problems)
    declared = _dates(table, "date_declared", problems, required=True)
    closed = _dates(table, "date_closed", problems, required=False)
    residents = _numbers(table, "resident_cases", problems, kind="count")
    staff = _numbers(table, "staff_cases", problems, kind="count")
    for i in np.flatnonzero((closed < declared).to_numpy()):
        problems.append(DataProblem(
            table.file, f"date closed {closed.iloc[i]:%Y-%m-%d} is before date declared "
            f"{declared.iloc[i]:%Y-%m-%d}", sheet=table.sheet, column="date_closed",
            row=int(table.rows[i])))
    seen: dict[str, list[int]] = {}
    far = pd.Timestamp("2262-01-01")
    for i, key in enumerate(home.tolist()):
        if not key:
            continue
        for j in seen.get(key, []):
            if name.iloc[j] != name.iloc[i]:
                problems.append(DataProblem(
                    table.file, f"duplicate home id '{key}': row {int(table.rows[j])} names it "
                    f"'{name.iloc[j]}', this row '{name.iloc[i]}'", sheet=table.sheet,
                    column="home_id", row=int(table.rows[i])))
                break
            if pd.isna(declared.iloc[i]) or pd.isna(declared.iloc[j]):
                continue
            end_j = closed.iloc[j] if pd.notna(closed.iloc[j]) else far
            end_i = closed.iloc[i] if pd.notna(closed.iloc[i]) else far
            if declared.iloc[i] <= end_j and declared.iloc[j] <= end_i:
                problems.append(DataProblem(
                    table.file, f"duplicate home id '{key}': its outbreak in row "
                    f"{int(table.rows[j])} overlaps this one", sheet=table.sheet,
                    column="home_id", row=int(table.rows[i])))
                break
        seen.setdefault(key, []).append(i)

    def build() -> pd.DataFrame:
        return pd.DataFrame({
            "area_code": code, "home_id": home.astype(str), "home_name": name.astype(str),
            "date_declared": declared, "date_closed": closed,
            "resident_cases": residents.fillna(0).astype("int64"),
            "staff_cases": staff.fillna(0).astype("int64"),
        })
    return _finish(problems, build, OUTBREAKS_SCHEMA, table)


#: file name in ``council/<code>/`` -> (table name, loader)
COUNCIL_FILES: dict[str, tuple[str, Callable[..., pd.DataFrame]]] = {
    "budget_ledger.xlsx": ("budget_ledger", load_budget_ledger),
    "day_service_placements.xlsx": ("day_service_placements", load_day_service_placements),
    "care_home_outbreaks.xlsx": ("care_home_outbreaks", load_care_home_outbreaks),
}
