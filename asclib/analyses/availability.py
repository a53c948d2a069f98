"""What a notebook can show for a council: the periods its data hold, the optional council
records it needs, and the comparator group it can use.

Each notebook calls these early, so that it refuses a period its data do not hold
(:class:`asclib.errors.PeriodNotInData`), skips with a plain reason when a council lacks the
records it cannot do without (:class:`asclib.errors.NotebookSkipped`), and leaves out the
optional sections whose data are missing. ``data`` is an :class:`asclib.data.Dataset` (only
``has_rows``, ``table``, ``lookup``, ``manifest`` and ``data_date`` are used).

One meaning of ``period`` across the four notebooks: a financial year "YYYY/YY".
Budget and day services analyse that year; Covid analyses the calendar year it begins in
(ONS publishes deaths by calendar year); the JSNA shows each indicator at its latest period
ending by the end of that year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from asclib import benchmark
from asclib.analyses.jsna import financial_year_of, held_periods
from asclib.errors import NotebookSkipped, PeriodNotInData

#: The first calendar year the Covid notebook analyses.
COVID_FIRST_YEAR = 2020
_FINANCIAL_YEAR = re.compile(r"\d{4}/\d{2}")


def _span(held: Sequence[str]) -> str:
    if not held:
        return "no periods"
    if len(held) > 4:
        return f"{held[0]} to {held[-1]}"
    return ", ".join(held)


def check_period(period: Any, held: Iterable[str]) -> str:
    """``period`` when it is one of the financial years ``held``; otherwise raise
    :class:`PeriodNotInData` ("period 2030/31 is not in the data (holds 2019/20, 2020/21)"),
    so that no report is stamped with a period it does not contain."""
    years = sorted(set(held))
    text = str(period).strip()
    if not _FINANCIAL_YEAR.fullmatch(text):
        raise PeriodNotInData(f"period {text} is not a financial year YYYY/YY (the data hold "
                              f"{_span(years)})")
    if text not in years:
        raise PeriodNotInData(f"period {text} is not in the data (holds {_span(years)})")
    return text


def financial_years(first: pd.Timestamp, last: pd.Timestamp) -> list[str]:
    """Every financial year from the one holding ``first`` to the one holding ``last``."""
    start, end = (int(financial_year_of(d)[:4]) for d in (first, last))
    return [f"{y}/{(y + 1) % 100:02d}" for y in range(start, end + 1)]


def budget_periods(data: Any) -> list[str]:
    """Financial years the budget notebook can report: those of any council's ledger (its
    ledger sections need the council's own) and of the real ASC-FR totals."""
    held: set[str] = set()
    for name in ("budget_ledger", "asc_finance"):
        if data.has_rows(name):
            held |= set(data.peek(name)["period"].dropna().astype(str))
    return sorted(held)


def day_service_periods(placements: pd.DataFrame, data_date: str) -> list[str]:
    """Financial years the placements can describe: from the one holding the first start
    date to the one holding the data's latest date (``Dataset.data_date``) or the latest date
    in the placements, whichever is later."""
    dates = pd.concat([pd.to_datetime(placements[c], errors="coerce")
                       for c in ("start_date", "end_date") if c in placements.columns])
    dates = dates.dropna()
    if dates.empty:
        return []
    last = max(dates.max(), pd.Timestamp(data_date)) if data_date else dates.max()
    return financial_years(dates.min(), last)


def covid_periods(data: Any, area_code: str) -> list[str]:
    """Financial years whose first calendar year (2020 onwards) the area's deaths data hold
    (weekly, monthly or care-home deaths)."""
    years: set[int] = set()
    for name in ("weekly_deaths", "monthly_deaths", "care_home_deaths"):
        if data.has_rows(name, area_code):
            years |= set(data.peek(name, area_code)["year"].astype(int))
    if data.has_rows("care_home_deaths"):  # a county's care-home deaths: its districts' sum
        lookup = data.peek("local_authorities")
        districts = sorted(set(lookup.loc[lookup["county_code"] == area_code, "area_code"]))
        if districts:
            table = data.peek("care_home_deaths", districts)
            years |= set(table["year"].astype(int))
    return [f"{y}/{(y + 1) % 100:02d}" for y in sorted(years) if y >= COVID_FIRST_YEAR]


def jsna_periods(data: Any, area_code: str) -> list[str]:
    """Financial years in which at least one of the area's indicator periods ends."""
    if not data.has_rows("indicators", area_code):
        return []
    return held_periods(data.table("indicators"), area_code)


def require_rows(data: Any, table: str, area_code: str, reason: str) -> None:
    """Raise :class:`NotebookSkipped` with ``reason`` unless ``table`` holds rows for the
    area (a notebook that cannot run at all without the council's records)."""
    if not data.has_rows(table, area_code):
        raise NotebookSkipped(reason)


def comparators(data: Any, area_code: str, group: str) -> tuple[list[str], str]:
    """The comparator codes (the area first) and a note when the group asked for could not
    be used (no nearest neighbours listed: the region instead, see
    :func:`asclib.benchmark.comparator_note`)."""
    neighbours = (data.table("nearest_neighbours")
                  if "nearest_neighbours" in data.manifest.get("tables", {}) else None)
    lookup = data.lookup
    codes = benchmark.comparator_codes(area_code, group, lookup, neighbours)
    return codes, benchmark.comparator_note(area_code, group, lookup, neighbours)


def council_rows(data: Any, table: str, area_code: str) -> pd.DataFrame | None:
    """The area's rows of a council table (ledger, placements, outbreak log), or None when
    the council has none (its optional sections are then left out)."""
    if not data.has_rows(table, area_code):
        return None
    return data.table(table, area_code=area_code)


def area_is_illustrative(data: Any, table: str, area_code: str) -> bool:
    """Whether the area's rows of ``table`` come from illustrative (generated) records:
    the manifest's source entry for the area when it has one, else the table's flag."""
    entry = data.manifest.get("tables", {}).get(table, {})
    mine = [s for s in entry.get("sources", []) if s.get("area_code") == area_code]
    if mine:
        return any(bool(s.get("illustrative", entry.get("illustrative", False))) for s in mine)
    return bool(entry.get("illustrative", False))


def years_held(data: Any, table: str, area_code: str) -> set[int]:
    """The calendar years a table with a ``year`` column holds for the area (none when the
    table or the area's rows are absent), without recording a read."""
    if not data.has_rows(table, area_code):
        return set()
    return set(data.peek(table, area_code)["year"].astype(int))
