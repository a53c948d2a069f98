"""Covid impact: excess deaths, Covid deaths by place, care-home deaths, care-home outbreaks.

Tables in, tables out. Inputs are frames with the processed ``weekly_deaths``,
``england_deaths_by_place``, ``care_home_deaths`` and ``care_home_outbreaks`` columns (see
docs/ARCHITECTURE.md). Confidence intervals come from :mod:`asclib.stats` and significance
from :mod:`asclib.benchmark`; nothing here reimplements them.

Conventions: ``*_pct`` columns are percentages (23.4 means 23.4%); ``*share*`` columns are
fractions (0.18 means 18%).

References
----------
* ONS, *Deaths registered weekly in England and Wales, provisional*: "expected" deaths are the
  average of the same week in the five previous years; week 53 (2020) is compared with the
  five-year average for week 52.
* PHE / OHID, *Excess mortality in England: methodology* and the Fingertips technical guide:
  observed deaths are treated as a Poisson count with the expected number fixed, so the
  95% limits of the ratio O/E are the Poisson limits of O (Byar's approximation, exact below
  10) divided by E; percentage excess = 100 (O/E - 1) (Breslow & Day 1987, as
  PHEindicatormethods ``calculate_ISRatio``).
* Wilson (1927) score interval for shares of deaths by place (Newcombe 1998).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from asclib import benchmark
from asclib.analyses._checks import require_columns
from asclib.constants import ENGLAND_CODE
from asclib.stats import poisson_ci, wilson_ci

#: Places of death in the order charts and tables show them, with their labels.
PLACES: dict[str, str] = {
    "care_home": "Care home",
    "hospital": "Hospital",
    "home": "Home",
    "hospice": "Hospice",
    "other_communal": "Other communal establishment",
    "elsewhere": "Elsewhere",
}


def _label(result: Any) -> str:
    if isinstance(result, (np.ndarray, pd.Series, list, tuple)):
        result = np.asarray(result, dtype=object).ravel()[0]
    return str(getattr(result, "value", result))


def _select_deaths(weekly_deaths: pd.DataFrame, area_code: str, cause: str, place: str,
                   basis: str | None) -> pd.DataFrame:
    """Weekly rows (year, week, deaths) for one area, cause and place; place "all" is
    rebuilt as the sum over places when the table holds only the place breakdown."""
    require_columns(weekly_deaths, "weekly_deaths",
                     ["area_code", "year", "week", "cause", "place", "deaths"])
    rows = weekly_deaths[(weekly_deaths["area_code"] == area_code)
                         & (weekly_deaths["cause"] == cause)]
    if rows.empty:
        raise ValueError(f"table 'weekly_deaths' has no rows for area {area_code} and cause "
                         f"'{cause}'")
    if "basis" in rows.columns:
        held = sorted(rows["basis"].dropna().astype(str).unique())
        chosen = basis if basis is not None else (
            "registrations" if "registrations" in held or not held else held[0])
        if held and chosen not in held:
            raise ValueError(f"table 'weekly_deaths' has no '{chosen}' rows for area "
                             f"{area_code}; it holds {', '.join(held)}")
        if held:
            rows = rows[rows["basis"] == chosen]
    picked = rows[rows["place"] == place]
    if picked.empty and place == "all":
        picked = rows[rows["place"] != "all"]
    if picked.empty:
        raise ValueError(f"table 'weekly_deaths' has no rows for area {area_code}, cause "
                         f"'{cause}' and place '{place}'")
    out = picked.groupby(["year", "week"], as_index=False)["deaths"].sum()
    out["year"] = out["year"].astype(int)
    out["week"] = out["week"].astype(int)
    out["deaths"] = out["deaths"].astype(float)
    return out


WEEKLY_COLUMNS = ["area_code", "year", "week", "deaths", "baseline_mean", "expected_min",
                  "expected_max", "baseline_years_used", "excess", "baseline_note"]


def weekly_excess(weekly_deaths: pd.DataFrame, area_code: str, year: int,
                  baseline_years: int = 5, cause: str = "all_causes", place: str = "all",
                  basis: str | None = None) -> pd.DataFrame:
    """Weekly deaths in ``year`` against the same week of the ``baseline_years`` years before.

    For each week w: ``baseline_mean`` = mean of deaths in week w of years
    ``year - baseline_years`` .. ``year - 1`` (ONS "five-year average"), ``expected_min`` /
    ``expected_max`` = the lowest and highest of those years (the expected range), and
    ``excess`` = deaths - baseline_mean. A week none of the baseline years has (week 53) is
    compared with the baseline for week 52, as ONS does; ``baseline_note`` records it.
    """
    data = _select_deaths(weekly_deaths, area_code, cause, place, basis)
    years = list(range(year - baseline_years, year))
    missing = [y for y in [*years, year] if y not in set(data["year"])]
    if missing:
        raise ValueError(f"table 'weekly_deaths' has no {cause} deaths for area {area_code} in "
                         f"year(s) {', '.join(map(str, missing))} (needed for {year} against "
                         f"a {baseline_years}-year baseline)")
    base = data[data["year"].isin(years)]
    grouped = base.groupby("week")["deaths"]
    baseline = pd.DataFrame({"baseline_mean": grouped.mean(), "expected_min": grouped.min(),
                             "expected_max": grouped.max(),
                             "baseline_years_used": grouped.count()})
    current = data[data["year"] == year].sort_values("week").reset_index(drop=True)
    records = []
    for _, row in current.iterrows():
        week = int(row["week"])
        note = ""
        source_week = week
        if week not in baseline.index and week == 53 and 52 in baseline.index:
            source_week, note = 52, "no week 53 in the baseline years: compared with week 52"
        if source_week in baseline.index:
            b = baseline.loc[source_week]
            mean, low, high, used = (float(b["baseline_mean"]), float(b["expected_min"]),
                                     float(b["expected_max"]), int(b["baseline_years_used"]))
            if used < baseline_years and not note:
                note = f"baseline from {used} of {baseline_years} years"
        else:
            mean = low = high = np.nan
            used, note = 0, "no baseline for this week"
        records.append({"area_code": area_code, "year": year, "week": week,
                        "deaths": float(row["deaths"]), "baseline_mean": mean,
                        "expected_min": low, "expected_max": high, "baseline_years_used": used,
                        "excess": float(row["deaths"]) - mean, "baseline_note": note})
    return pd.DataFrame.from_records(records, columns=WEEKLY_COLUMNS)


SUMMARY_COLUMNS = ["area_code", "year", "weeks", "observed", "expected", "excess_deaths",
                   "ratio", "ratio_lower_95", "ratio_upper_95", "excess_pct",
                   "excess_pct_lower_95", "excess_pct_upper_95", "compared_to_expected"]


def _weeks_label(weeks: Sequence[int]) -> str:
    weeks = sorted(int(w) for w in weeks)
    if not weeks:
        return ""
    if weeks == list(range(weeks[0], weeks[-1] + 1)):
        return f"{weeks[0]}-{weeks[-1]}"
    return ",".join(map(str, weeks))


def excess_summary(weekly: pd.DataFrame, weeks: Iterable[int] | None = None) -> pd.DataFrame:
    """One row: observed O, expected E and excess deaths over ``weeks`` (all weeks if None)
    of a :func:`weekly_excess` table, with the percentage excess and its 95% interval.

    O and E are sums over the weeks; ratio = O / E; its 95% limits are the Poisson limits of O
    (``asclib.stats.poisson_ci``: Byar's approximation for O >= 10, exact chi-square below)
    divided by E, with E treated as fixed (PHE excess-mortality / Fingertips method, as for an
    indirectly standardised ratio); excess_pct = 100 (O/E - 1), limits likewise.
    ``compared_to_expected`` is Higher / Similar / Lower (``asclib.benchmark.compare`` with
    "no_judgement" polarity: O's interval against E).
    """
    rows = weekly if weeks is None else weekly[weekly["week"].isin(list(weeks))]
    rows = rows[rows["baseline_mean"].notna()]
    if rows.empty:
        raise ValueError("no weeks with a baseline to summarise")
    observed = float(rows["deaths"].sum())
    expected = float(rows["baseline_mean"].sum())
    lower, upper = poisson_ci(np.array([observed]), 0.95)
    lower = float(np.asarray(lower, dtype=float).ravel()[0])
    upper = float(np.asarray(upper, dtype=float).ravel()[0])
    compared = _label(benchmark.compare(np.array([lower]), np.array([upper]),
                                        np.array([expected]),
                                        benchmark.Polarity("no_judgement")))
    return pd.DataFrame([{
        "area_code": rows["area_code"].iloc[0], "year": int(rows["year"].iloc[0]),
        "weeks": _weeks_label(rows["week"].tolist()),
        "observed": observed, "expected": expected, "excess_deaths": observed - expected,
        "ratio": observed / expected, "ratio_lower_95": lower / expected,
        "ratio_upper_95": upper / expected,
        "excess_pct": 100 * (observed / expected - 1),
        "excess_pct_lower_95": 100 * (lower / expected - 1),
        "excess_pct_upper_95": 100 * (upper / expected - 1),
        "compared_to_expected": compared,
    }], columns=SUMMARY_COLUMNS)


def excess_comparison(weekly_deaths: pd.DataFrame, area_code: str, benchmark_code: str,
                      year: int, weeks: Iterable[int] | None = None, baseline_years: int = 5,
                      cause: str = "all_causes", basis: str | None = None,
                      place: str = "all") -> pd.DataFrame:
    """:func:`excess_summary` for the area and for its benchmark (England or region): two rows,
    with a ``role`` column ("area" / "benchmark"). ``place`` narrows to one place of death
    ("care_home" gives care-home excess deaths)."""
    weeks = None if weeks is None else list(weeks)
    parts = []
    for role, code in (("area", area_code), ("benchmark", benchmark_code)):
        weekly = weekly_excess(weekly_deaths, code, year, baseline_years, cause, place, basis)
        parts.append(excess_summary(weekly, weeks).assign(role=role))
    table = pd.concat(parts, ignore_index=True)
    return table[["role", *SUMMARY_COLUMNS]]


BY_PLACE_COLUMNS = ["place", "place_label", "deaths", "share", "share_lower_95",
                    "share_upper_95", "benchmark_deaths", "benchmark_share", "compared"]


def _place_totals(frame: pd.DataFrame, table: str = "weekly_deaths") -> pd.Series:
    rows = frame[frame["place"] != "all"]
    unknown = sorted(set(rows["place"].astype(str)) - set(PLACES))
    if unknown:
        raise ValueError(f"table '{table}' has place(s) {', '.join(unknown)}; expected "
                         f"{', '.join(PLACES)} (or 'all')")
    totals = rows.groupby("place")["deaths"].sum().astype(float)
    return totals.reindex(list(PLACES)).fillna(0.0)


def covid_deaths_by_place(weekly_deaths: pd.DataFrame, area_code: str, benchmark_code: str,
                          year: int | None = None, weeks: Iterable[int] | None = None,
                          cause: str = "covid19",
                          benchmark_by_place: pd.DataFrame | None = None,
                          basis: str | None = None) -> pd.DataFrame:
    """Covid-19 deaths by place of occurrence for the area against the benchmark.

    ``deaths`` are summed over the weeks of ``year`` (all years if None; ``weeks`` narrows
    further); ``share`` = deaths at the place / deaths at all places, with its Wilson 95%
    interval (``asclib.stats.wilson_ci``). The benchmark's shares come from
    ``benchmark_by_place`` when given (the ``england_deaths_by_place`` table: its rows for
    ``benchmark_code`` and ``cause``, latest period) or else from ``weekly_deaths``.
    ``compared`` = the area's interval against the benchmark share
    (``asclib.benchmark.compare``, "no_judgement": Higher / Similar / Lower).
    """
    rows = weekly_deaths[(weekly_deaths["area_code"] == area_code)
                         & (weekly_deaths["cause"] == cause)]
    if "basis" in rows.columns and rows["basis"].nunique() > 1:
        rows = rows[rows["basis"] == (basis or "registrations")]
    if year is not None:
        rows = rows[rows["year"] == year]
    if weeks is not None:
        rows = rows[rows["week"].isin(list(weeks))]
    if rows.empty or (rows["place"] == "all").all():
        raise ValueError(f"table 'weekly_deaths' has no {cause} deaths by place for area "
                         f"{area_code}" + (f" in {year}" if year is not None else ""))
    area = _place_totals(rows)
    if benchmark_by_place is not None and not (
            benchmark_by_place["area_code"] == benchmark_code).any():
        benchmark_by_place = None  # the table holds England only: use weekly_deaths instead
    if benchmark_by_place is not None:
        require_columns(benchmark_by_place, "england_deaths_by_place",
                         ["area_code", "cause", "place", "deaths"])
        bench_rows = benchmark_by_place[(benchmark_by_place["area_code"] == benchmark_code)
                                        & (benchmark_by_place["cause"] == cause)]
        if "period" in bench_rows.columns and bench_rows["period"].nunique() > 1:
            bench_rows = bench_rows[bench_rows["period"] == sorted(bench_rows["period"])[-1]]
    else:
        bench_rows = weekly_deaths[(weekly_deaths["area_code"] == benchmark_code)
                                   & (weekly_deaths["cause"] == cause)]
        if "basis" in bench_rows.columns and bench_rows["basis"].nunique() > 1:
            bench_rows = bench_rows[bench_rows["basis"] == (basis or "registrations")]
        if year is not None:
            bench_rows = bench_rows[bench_rows["year"] == year]
        if weeks is not None:
            bench_rows = bench_rows[bench_rows["week"].isin(list(weeks))]
    if bench_rows.empty:
        raise ValueError(f"no {cause} deaths by place for benchmark {benchmark_code}")
    bench = _place_totals(bench_rows, "england_deaths_by_place" if benchmark_by_place is not None
                          else "weekly_deaths")
    total, bench_total = float(area.sum()), float(bench.sum())
    if total <= 0 or bench_total <= 0:
        raise ValueError(f"no {cause} deaths by place to share out for "
                         f"{area_code if total <= 0 else benchmark_code}")
    lower, upper = wilson_ci(area.to_numpy(dtype=float),
                                   np.full(len(area), total), 0.95)
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    bench_share = bench.to_numpy(dtype=float) / bench_total
    outcomes = benchmark.compare(lower, upper, bench_share, benchmark.Polarity("no_judgement"))
    compared = [str(getattr(o, "value", o)) for o in np.asarray(outcomes, dtype=object).ravel()]
    table = pd.DataFrame({
        "place": list(PLACES), "place_label": list(PLACES.values()),
        "deaths": area.to_numpy(dtype=float), "share": area.to_numpy(dtype=float) / total,
        "share_lower_95": lower, "share_upper_95": upper,
        "benchmark_deaths": bench.to_numpy(dtype=float), "benchmark_share": bench_share,
        "compared": compared,
    })
    return table[BY_PLACE_COLUMNS]


def with_county_totals(care_home_deaths: pd.DataFrame, lookup: pd.DataFrame) -> pd.DataFrame:
    """``care_home_deaths`` with a row per county council and year added up from its
    districts, for counties the table has no rows of their own.

    ONS publishes care-home deaths for lower-tier districts; adult social care in two-tier
    areas belongs to the county council, whose deaths are the sum of its districts'
    (``lookup.county_code`` names each district's county). Counts are summed per year and
    column; a county appears only for years where every one of its districts has a row, so a
    partial sum is never shown as the county's figure.
    """
    require_columns(lookup, "local_authorities", ["area_code", "area_name", "county_code"])
    value_columns = [c for c in ("la_care_homes", "non_la_care_homes", "all_care_homes")
                     if c in care_home_deaths.columns]
    districts = lookup.dropna(subset=["county_code"])[["area_code", "county_code"]]
    held = set(care_home_deaths["area_code"].astype(str))
    districts = districts[~districts["county_code"].isin(held)]
    if districts.empty:
        return care_home_deaths
    rows = care_home_deaths.merge(districts, on="area_code")
    counts = rows.groupby(["county_code", "year"]).agg(
        districts=("area_code", "nunique"), **{c: (c, "sum") for c in value_columns})
    expected = districts.groupby("county_code")["area_code"].nunique()
    counts = counts[counts["districts"].to_numpy()
                    == expected.reindex(counts.index.get_level_values(0)).to_numpy()]
    names = lookup.set_index("area_code")["area_name"]
    added = counts.drop(columns="districts").reset_index().rename(
        columns={"county_code": "area_code"})
    added.insert(1, "area_name", added["area_code"].map(names))
    added = added.astype({c: care_home_deaths[c].dtype for c in added.columns
                          if c in care_home_deaths.columns})
    return pd.concat([care_home_deaths, added[care_home_deaths.columns]], ignore_index=True)


CARE_HOME_COLUMNS = ["area_code", "area_name", "year", "deaths", "baseline_mean", "excess",
                     "excess_pct", "rank"]


def care_home_excess_by_year(care_home_deaths: pd.DataFrame, area_codes: Iterable[str],
                             years: Sequence[int] = (2020, 2021),
                             baseline: tuple[int, int] = (2015, 2019),
                             column: str = "all_care_homes",
                             england_code: str = ENGLAND_CODE) -> pd.DataFrame:
    """Care-home deaths per area and year against the mean of the baseline years.

    ``baseline_mean`` = mean of ``column`` over ``baseline`` (inclusive), ``excess`` = deaths -
    baseline_mean, ``excess_pct`` = 100 excess / baseline_mean, ``rank`` = 1 for the highest
    excess_pct among the councils in the year (England, when asked for, is not ranked). When
    ``england_code`` is among ``area_codes`` and the table has no England rows, England is the
    sum of every English council row (codes E06-E09; the ONS file lists lower-tier councils).
    """
    require_columns(care_home_deaths, "care_home_deaths", ["area_code", "year", column])
    codes = list(dict.fromkeys(area_codes))
    table = care_home_deaths.copy()
    if england_code in codes and not (table["area_code"] == england_code).any():
        english = table[table["area_code"].astype("string").str.match(r"E0[6-9]")]
        totals = english.groupby("year", as_index=False)[column].sum()
        totals["area_code"] = england_code
        totals["area_name"] = "England"
        table = pd.concat([table, totals], ignore_index=True)
    if "area_name" not in table.columns:
        table["area_name"] = table["area_code"]
    missing = [c for c in codes if not (table["area_code"] == c).any()]
    if missing:
        raise ValueError(f"table 'care_home_deaths' has no rows for area(s) {', '.join(missing)}")
    table = table[table["area_code"].isin(codes)]
    first, last = baseline
    records = []
    for code in codes:
        rows = table[table["area_code"] == code]
        base = rows[(rows["year"] >= first) & (rows["year"] <= last)]
        absent = sorted(set(range(first, last + 1)) - set(base["year"].astype(int)))
        if absent:
            raise ValueError(f"table 'care_home_deaths' has no {column} for area {code} in "
                             f"baseline year(s) {', '.join(map(str, absent))}")
        mean = float(pd.to_numeric(base[column]).mean())
        name = str(rows["area_name"].iloc[0])
        for year in years:
            current = rows[rows["year"] == year]
            if current.empty:
                raise ValueError(f"table 'care_home_deaths' has no {column} for area {code} "
                                 f"in {year}")
            deaths = float(pd.to_numeric(current[column]).sum())
            records.append({"area_code": code, "area_name": name, "year": int(year),
                            "deaths": deaths, "baseline_mean": mean, "excess": deaths - mean,
                            "excess_pct": 100 * (deaths - mean) / mean})
    out = pd.DataFrame.from_records(records, columns=CARE_HOME_COLUMNS[:-1])
    councils = out["area_code"] != england_code
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    ranks = out[councils].groupby("year")["excess_pct"].rank(ascending=False, method="min")
    out.loc[councils, "rank"] = ranks.astype("Int64")
    return out.sort_values(["year", "excess_pct"], ascending=[True, False]).reset_index(drop=True)


def _open_mask(outbreaks: pd.DataFrame, date: pd.Timestamp) -> pd.Series:
    declared = pd.to_datetime(outbreaks["date_declared"])
    closed = pd.to_datetime(outbreaks["date_closed"])
    return (declared <= date) & (closed.isna() | (closed > date))


def outbreak_state(outbreaks: pd.DataFrame, date: Any,
                   area_code: str | None = None) -> dict[str, int]:
    """Care-home outbreaks open on ``date`` (declared on or before it and not closed by it:
    ``date_declared <= date`` and (``date_closed`` empty or ``> date``)).

    ``homes_with_open_outbreak`` counts distinct homes; ``resident_cases`` / ``staff_cases``
    sum the cases of those open outbreaks; ``homes_with_single_case`` counts the open homes
    whose outbreak so far has exactly one case (resident + staff), a subset of the first.
    """
    require_columns(outbreaks, "care_home_outbreaks",
                     ["home_id", "date_declared", "date_closed", "resident_cases",
                      "staff_cases"])
    rows = outbreaks if area_code is None else outbreaks[outbreaks["area_code"] == area_code]
    open_rows = rows[_open_mask(rows, pd.Timestamp(date))]
    per_home = open_rows.groupby("home_id")[["resident_cases", "staff_cases"]].sum()
    return {
        "homes_with_open_outbreak": int(len(per_home)),
        "resident_cases": int(per_home["resident_cases"].sum()),
        "staff_cases": int(per_home["staff_cases"].sum()),
        "homes_with_single_case": int(((per_home["resident_cases"]
                                        + per_home["staff_cases"]) == 1).sum()),
    }


def outbreak_timeline(outbreaks: pd.DataFrame, start: Any = None, end: Any = None,
                      freq: str = "W-SUN", area_code: str | None = None) -> pd.DataFrame:
    """:func:`outbreak_state` at each date from ``start`` to ``end`` (pandas ``freq``,
    weekly on Sundays by default): date, homes_with_open_outbreak, resident_cases,
    staff_cases. ``start`` / ``end`` default to the first declaration and the last
    declaration or closure in the log (of ``area_code``'s rows when given)."""
    rows = outbreaks if area_code is None else outbreaks[outbreaks["area_code"] == area_code]
    if start is None or end is None:
        if rows.empty:
            raise ValueError("table 'care_home_outbreaks' has no rows"
                             + (f" for area {area_code}" if area_code else ""))
        declared = pd.to_datetime(rows["date_declared"])
        closed = pd.to_datetime(rows["date_closed"])
        start = declared.min() if start is None else start
        if end is None:  # through the week holding the last event
            last = max(declared.max(), closed.max() if closed.notna().any() else declared.max())
            end = pd.Timestamp(last) + pd.offsets.Week(weekday=6)
    dates = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq=freq)
    require_columns(outbreaks, "care_home_outbreaks",
                     ["home_id", "date_declared", "date_closed", "resident_cases",
                      "staff_cases"])
    # outbreak_state at every date at once: an open[date, outbreak] matrix (the same rule as
    # _open_mask), outbreaks grouped by home as groupby("home_id") does (rows without a home
    # dropped), cases summed over the open outbreaks.
    rows = rows[rows["home_id"].notna()]
    declared = pd.to_datetime(rows["date_declared"]).to_numpy("datetime64[ns]")
    closed = pd.to_datetime(rows["date_closed"]).to_numpy("datetime64[ns]")
    when = dates.to_numpy("datetime64[ns]")[:, None]
    is_open = (declared[None, :] <= when) & (np.isnat(closed)[None, :] | (closed[None, :] > when))
    home_of, homes = pd.factorize(rows["home_id"])
    per_home = np.zeros((len(rows), len(homes)), dtype=np.int64)
    per_home[np.arange(len(rows)), home_of] = 1
    open_homes = (is_open.astype(np.int64) @ per_home) > 0
    cases = {column: is_open.astype(np.float64)
             @ pd.to_numeric(rows[column]).fillna(0).to_numpy(dtype=np.float64)
             for column in ("resident_cases", "staff_cases")}
    return pd.DataFrame({
        "date": dates,
        "homes_with_open_outbreak": open_homes.sum(axis=1).astype(int),
        "resident_cases": np.rint(cases["resident_cases"]).astype(int),
        "staff_cases": np.rint(cases["staff_cases"]).astype(int),
    })


#: Where the headline ``excess_deaths`` comes from (the manifest's ``excess_deaths_source``).
EXCESS_SOURCE_MONTHLY = "ONS monthly death registrations (real)"
EXCESS_SOURCE_WEEKLY_REAL = "ONS weekly death registrations (real)"
EXCESS_SOURCE_WEEKLY_ILLUSTRATIVE = "weekly deaths (illustrative records)"


def headlines(*, excess: pd.DataFrame | None = None, by_place: pd.DataFrame | None = None,
              care_home_excess: pd.DataFrame | None = None, area_code: str | None = None,
              outbreaks_now: dict[str, int] | None = None, year: int = 2020,
              monthly: pd.DataFrame | None = None,
              weekly_illustrative: bool = True) -> dict[str, float | int | str]:
    """The covid notebook's headline figures from the tables above (keys for what is given).

    ``excess_deaths`` / ``excess_deaths_pct`` come from the real monthly registrations
    (``monthly``: a :func:`monthly_excess_comparison` table) when it covers the area, else
    from the weekly ``excess`` (an :func:`excess_summary` row or :func:`excess_comparison`
    table); ``excess_deaths_source`` names which (real sources first, as a headline must use a
    real source where one exists). ``by_place``: a :func:`covid_deaths_by_place` table ->
    ``covid_deaths``, ``covid_deaths_care_home_share``, ``covid_deaths_hospital_share``,
    ``benchmark_care_home_share``, ``benchmark_hospital_share`` (fractions).
    ``care_home_excess`` + ``area_code``: a :func:`care_home_excess_by_year` table ->
    ``care_home_deaths_<year>``, ``care_home_deaths_baseline``,
    ``care_home_excess_deaths_<year>``. ``outbreaks_now``: an :func:`outbreak_state` dict ->
    ``homes_with_open_outbreak`` and ``outbreak_single_case_homes`` (open homes whose
    outbreak has exactly one case).
    """
    out: dict[str, float | int | str] = {}
    sources = [(monthly, EXCESS_SOURCE_MONTHLY),
               (excess, EXCESS_SOURCE_WEEKLY_ILLUSTRATIVE if weekly_illustrative
                else EXCESS_SOURCE_WEEKLY_REAL)]
    for table, source in sources:
        if table is None or table.empty:
            continue
        row = table[table["role"] == "area"].iloc[0] if "role" in table.columns \
            else table.iloc[0]
        out["excess_deaths"] = float(row["excess_deaths"])
        out["excess_deaths_pct"] = float(row["excess_pct"])
        out["excess_deaths_source"] = source
        break
    if by_place is not None:
        places = by_place.set_index("place")
        out["covid_deaths"] = float(places["deaths"].sum())
        out["covid_deaths_care_home_share"] = float(places.loc["care_home", "share"])
        out["covid_deaths_hospital_share"] = float(places.loc["hospital", "share"])
        out["benchmark_care_home_share"] = float(places.loc["care_home", "benchmark_share"])
        out["benchmark_hospital_share"] = float(places.loc["hospital", "benchmark_share"])
    if care_home_excess is not None:
        if area_code is None:
            raise ValueError("headlines: care_home_excess needs area_code")
        rows = care_home_excess[(care_home_excess["area_code"] == area_code)
                                & (care_home_excess["year"] == year)]
        if rows.empty:
            raise ValueError(f"care-home excess table has no row for {area_code} in {year}")
        row = rows.iloc[0]
        out[f"care_home_deaths_{year}"] = float(row["deaths"])
        out["care_home_deaths_baseline"] = float(row["baseline_mean"])
        out[f"care_home_excess_deaths_{year}"] = float(row["excess"])
    if outbreaks_now is not None:
        out["homes_with_open_outbreak"] = int(outbreaks_now["homes_with_open_outbreak"])
        out["outbreak_single_case_homes"] = int(outbreaks_now["homes_with_single_case"])
    return out


def calendar_year(period: str) -> int:
    """The calendar year a financial-year ``period`` starts in ("2020/21" -> 2020): ONS
    publishes deaths by calendar year, so the Covid notebook's year is the one in which the
    financial year begins (April 2020 - March 2021 -> 2020, the first pandemic year)."""
    text = str(period).strip()
    if len(text) != 7 or text[4] != "/" or not (text[:4] + text[5:]).isdigit():
        raise ValueError(f"period must be a financial year 'YYYY/YY', got {period!r}")
    return int(text[:4])


def care_home_codes(care_home_deaths: pd.DataFrame, area_codes: Iterable[str],
                    years: Sequence[int], baseline: tuple[int, int] = (2015, 2019),
                    column: str = "all_care_homes",
                    england_code: str = ENGLAND_CODE) -> list[str]:
    """The ``area_codes`` for which the table holds every baseline year and every year in
    ``years`` (England, built from the councils, always qualifies when they do): the codes
    :func:`care_home_excess_by_year` can compare. Order kept."""
    require_columns(care_home_deaths, "care_home_deaths", ["area_code", "year", column])
    needed = set(range(baseline[0], baseline[1] + 1)) | {int(y) for y in years}
    held = care_home_deaths.groupby(care_home_deaths["area_code"].astype(str))["year"].agg(
        lambda y: set(y.astype(int)))
    keep = []
    for code in dict.fromkeys(area_codes):
        built = code == england_code and code not in held.index  # summed from councils
        if built or (code in held.index and needed <= held[code]):
            keep.append(code)
    return keep


# --------------------------------------------------------------------------------------------
# monthly deaths (real ONS figures for the areas the bundled excerpt covers)
# --------------------------------------------------------------------------------------------

MONTHLY_COLUMNS = ["area_code", "area_name", "year", "month", "deaths", "baseline_mean",
                   "expected_min", "expected_max", "excess"]


def monthly_excess(monthly_deaths: pd.DataFrame, area_code: str, year: int,
                   baseline_years: int = 5) -> pd.DataFrame:
    """Monthly deaths in ``year`` against the same month of the ``baseline_years`` years before
    (mean, lowest and highest), as :func:`weekly_excess` does for weeks. Empty when the table
    holds no rows for the area (the bundled ONS excerpt covers a few areas only); an error when
    it holds the area but not every year needed."""
    require_columns(monthly_deaths, "monthly_deaths", ["area_code", "year", "month", "deaths"])
    rows = monthly_deaths[monthly_deaths["area_code"] == area_code]
    if rows.empty:
        return pd.DataFrame(columns=MONTHLY_COLUMNS)
    years = list(range(year - baseline_years, year))
    missing = [y for y in [*years, year] if y not in set(rows["year"].astype(int))]
    if missing:
        raise ValueError(f"table 'monthly_deaths' has no deaths for area {area_code} in "
                         f"year(s) {', '.join(map(str, missing))} (needed for {year} against a "
                         f"{baseline_years}-year baseline)")
    base = rows[rows["year"].isin(years)].groupby("month")["deaths"]
    baseline = pd.DataFrame({"baseline_mean": base.mean(), "expected_min": base.min(),
                             "expected_max": base.max()})
    current = (rows[rows["year"] == year].groupby("month", as_index=False)["deaths"].sum()
               .merge(baseline, left_on="month", right_index=True, how="left"))
    current["excess"] = current["deaths"] - current["baseline_mean"]
    current["area_code"] = area_code
    current["area_name"] = (str(rows["area_name"].iloc[0]) if "area_name" in rows.columns
                            else area_code)
    current["year"] = int(year)
    current["month"] = current["month"].astype(int)
    return current[MONTHLY_COLUMNS].sort_values("month").reset_index(drop=True)


MONTHLY_SUMMARY_COLUMNS = ["role", "area_code", "area_name", "year", "months", "observed",
                           "expected", "excess_deaths", "excess_pct", "excess_pct_lower_95",
                           "excess_pct_upper_95", "compared_to_expected"]


def monthly_excess_comparison(monthly_deaths: pd.DataFrame, area_code: str,
                              benchmark_code: str, year: int,
                              baseline_years: int = 5) -> pd.DataFrame:
    """Excess deaths over the months of ``year`` for the area and its benchmark, from
    :func:`monthly_excess`, with the percentage excess and its 95% interval computed as in
    :func:`excess_summary` (Poisson limits of the observed count over the fixed expected
    count). Empty when the table does not cover the area."""
    parts = []
    for role, code in (("area", area_code), ("benchmark", benchmark_code)):
        monthly = monthly_excess(monthly_deaths, code, year, baseline_years)
        if monthly.empty:
            if role == "area":
                return pd.DataFrame(columns=MONTHLY_SUMMARY_COLUMNS)
            continue
        renamed = monthly.rename(columns={"month": "week"})
        row = excess_summary(renamed).iloc[0]
        parts.append({"role": role, "area_code": code, "area_name": monthly["area_name"].iloc[0],
                      "year": int(year), "months": row["weeks"], "observed": row["observed"],
                      "expected": row["expected"], "excess_deaths": row["excess_deaths"],
                      "excess_pct": row["excess_pct"],
                      "excess_pct_lower_95": row["excess_pct_lower_95"],
                      "excess_pct_upper_95": row["excess_pct_upper_95"],
                      "compared_to_expected": row["compared_to_expected"]})
    return pd.DataFrame.from_records(parts, columns=MONTHLY_SUMMARY_COLUMNS)


# --------------------------------------------------------------------------------------------
# published figures and plain-English findings (numbers are never typed into the notebooks)
# --------------------------------------------------------------------------------------------

def published_figures(seed_figures: pd.DataFrame, area_code: str,
                      figure_ids: Iterable[str]) -> dict[str, float]:
    """The seed documents' figures among ``figure_ids`` published for ``area_code``
    (``seed_figures`` table); an empty dict for an area the documents do not cover."""
    require_columns(seed_figures, "seed_figures", ["figure_id", "value", "area_code"])
    rows = seed_figures[(seed_figures["area_code"] == area_code)
                        & seed_figures["figure_id"].isin(list(figure_ids))]
    return {str(k): float(v) for k, v in zip(rows["figure_id"], rows["value"], strict=True)}


OUTBREAK_FIGURES = {"homes_with_open_outbreak": "outbreak_homes_jan_2021",
                    "homes_with_single_case": "outbreak_single_case_homes_jan_2021",
                    "resident_cases": "outbreak_residents_jan_2021",
                    "staff_cases": "outbreak_staff_jan_2021"}
_OUTBREAK_LABELS = {"homes_with_open_outbreak": "Care homes with an open outbreak",
                    "homes_with_single_case": "Of which: a single case so far",
                    "resident_cases": "Resident cases in open outbreaks",
                    "staff_cases": "Staff cases in open outbreaks"}


def outbreak_state_table(state: dict[str, int], date: Any,
                         published: dict[str, float] | None = None) -> pd.DataFrame:
    """An :func:`outbreak_state` as a table (measure, date, value) with a ``published`` column
    holding the figure the seed documents report for the same measure, when given
    (``published`` keyed by the ``OUTBREAK_FIGURES`` ids)."""
    published = published or {}
    records = [{"measure": _OUTBREAK_LABELS[key], "date": pd.Timestamp(date),
                "value": int(state[key]),
                "published": published.get(OUTBREAK_FIGURES[key], np.nan)}
               for key in _OUTBREAK_LABELS]
    return pd.DataFrame.from_records(records, columns=["measure", "date", "value", "published"])


def document_quotes(seed_figures: pd.DataFrame, area_code: str,
                    figure_ids: Sequence[str]) -> tuple[dict[str, float], str]:
    """Figures ``figure_ids`` (e.g. England's shares) quoted in a document of the area's own:
    their values and the document's name, only when that document also publishes figures
    for ``area_code`` (so one council's documents never appear in another's report).
    ``({}, "")`` otherwise."""
    require_columns(seed_figures, "seed_figures", ["figure_id", "value", "area_code",
                                                   "document"])
    rows = seed_figures[seed_figures["figure_id"].isin(list(figure_ids))]
    own = set(seed_figures.loc[seed_figures["area_code"] == area_code, "document"].astype(str))
    rows = rows[rows["document"].astype(str).isin(own)]
    if len(rows) < len(set(figure_ids)):
        return {}, ""
    values = {str(k): float(v) for k, v in zip(rows["figure_id"], rows["value"], strict=True)}
    return values, str(rows["document"].iloc[0])


def monthly_covers(monthly_deaths: pd.DataFrame, area_code: str, year: int,
                   baseline_years: int = 5) -> bool:
    """Whether the monthly table holds the area's deaths for ``year`` and each of the
    ``baseline_years`` before it (what :func:`monthly_excess` needs)."""
    held = set(monthly_deaths.loc[monthly_deaths["area_code"] == area_code, "year"].astype(int))
    return set(range(year - baseline_years, year + 1)) <= held


def care_home_years(care_home_deaths: pd.DataFrame, year: int) -> tuple[int, ...]:
    """``year`` and the year after when the table holds it (the second pandemic year)."""
    held = set(care_home_deaths["year"].astype(int))
    return (year, year + 1) if year + 1 in held else (year,)


def illustrative_areas(weekly_deaths: pd.DataFrame, area_codes: Iterable[str]) -> dict[str, bool]:
    """Per area code, whether its weekly rows are illustrative (the ``illustrative`` column;
    a table without it is taken as illustrative)."""
    out = {}
    for code in area_codes:
        rows = weekly_deaths[weekly_deaths["area_code"] == code]
        out[code] = bool(rows["illustrative"].astype(bool).any()) \
            if "illustrative" in rows.columns else True
    return out
