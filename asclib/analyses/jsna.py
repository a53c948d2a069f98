"""JSNA indicators: one row per indicator for an area, benchmarked the way OHID Fingertips does.

Tables in, tables out. Inputs are frames with the processed ``indicators`` and
``indicator_metadata`` columns (see docs/ARCHITECTURE.md); nothing here reads a file.

The statistics themselves live in :mod:`asclib.stats` (Wilson and Poisson/Byar limits) and
:mod:`asclib.benchmark` (significance against a benchmark, quartile position, recent trend);
this module only chooses which rows go into them.

References
----------
* OHID, *Fingertips public health profiles: technical guidance* (comparisons against England
  and region at 95% and 99.8% confidence; quartiles among comparators; recent trend).
* fingertipscharts (UKHSA, R package), ``spine_rescaler``: the spine chart scale, symmetric
  about England so that the comparator furthest from England touches the edge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from asclib import benchmark
from asclib.analyses._checks import require_columns
from asclib.constants import ENGLAND_CODE
from asclib.stats import poisson_ci, wilson_ci

#: The JSNA's core areas of concern, in the order the report presents them (the ``domain``
#: column of ``indicator_metadata``). Other domains follow, alphabetically.
CORE_AREAS: tuple[str, ...] = (
    "Mental health and alcohol",
    "Cardiovascular, stroke and kidney disease",
    "Older age",
    "Preventive practice",
)

#: Domain given to the Oflog adult social care measures when used as value-only indicators.
ASC_MEASURES_DOMAIN = "Adult social care outcomes (Oflog)"

NOT_COMPARED = "Not compared"
CANNOT_CALCULATE = "Cannot be calculated"

_KEY = ["indicator_id", "sex", "age"]
_CI_COLUMNS = ["lower_ci_95", "upper_ci_95", "lower_ci_99_8", "upper_ci_99_8"]
_WORSE = {"Worse"}
_BETTER = {"Better"}

SUMMARY_COLUMNS = [
    "domain", "indicator_id", "indicator", "sex", "age", "period", "unit", "polarity",
    "value", "lower_ci_95", "upper_ci_95", "lower_ci_99_8", "upper_ci_99_8", "ci_source",
    "count", "denominator", "england_value", "region_value", "compared_to_england",
    "england_confidence", "compared_to_region", "region_confidence", "comparators_n",
    "quartile", "recent_trend",
]


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------

def _label(result: Any) -> str:
    """An outcome from asclib.benchmark as plain text (enum member, array of one, or str)."""
    if isinstance(result, (np.ndarray, pd.Series, list, tuple)):
        result = np.asarray(result, dtype=object).ravel()[0]
    return str(getattr(result, "value", result))


def _one(value: Any) -> np.ndarray:
    return np.array([value], dtype=float)


def _compare(lower: Any, upper: Any, benchmark_value: Any, polarity: benchmark.Polarity) -> str:
    """asclib.benchmark.compare for one interval, as text."""
    return _label(benchmark.compare(_one(lower), _one(upper), _one(benchmark_value), polarity))


def _polarity(text: Any) -> benchmark.Polarity:
    value = "no_judgement" if pd.isna(text) or str(text).strip() == "" else str(text).strip()
    return benchmark.Polarity(value)


def _blank(series: pd.Series) -> pd.Series:
    """True where a text column is empty or missing."""
    return series.isna() | (series.astype("string").str.strip() == "")


def _headline_rows(indicators: pd.DataFrame) -> pd.DataFrame:
    """Rows that describe a whole area (no deprivation-decile or other category breakdown)."""
    rows = indicators
    if "category_type" in rows.columns:
        rows = rows[_blank(rows["category_type"])]
    rows = rows.copy()
    for column in ("sex", "age"):
        if column not in rows.columns:
            rows[column] = "Persons" if column == "sex" else "All ages"
        rows[column] = rows[column].astype("string").fillna("")
    return rows


def _value_type_kind(value_type: Any) -> str:
    text = "" if pd.isna(value_type) else str(value_type).strip().lower().replace("-", "_")
    text = text.replace(" ", "_")
    if text in {"proportion", "percentage", "percent", "proportion_percentage"}:
        return "proportion"
    if text in {"rate", "crude_rate", "crude", "rate_per_population"}:
        return "rate"
    if text in {"count"}:
        return "count"
    return "other"


def fill_missing_cis(frame: pd.DataFrame, metadata: pd.DataFrame) -> pd.DataFrame:
    """The rows with every missing 95% / 99.8% limit computed from count and denominator.

    Limits already in the file are kept (``ci_source`` "file"). Where a limit is missing and the
    count (and, for proportions and rates, the denominator) is known, it is computed by the
    indicator's ``value_type`` from ``indicator_metadata``:

    * proportion: Wilson score interval (``asclib.stats.wilson_ci``) times ``multiplier``
      (Wilson 1927; Newcombe 1998), as Fingertips / PHEindicatormethods ``phe_proportion``;
    * crude rate: Poisson limits on the count (``asclib.stats.poisson_ci``: Byar's approximation
      for counts of 10 or more, exact chi-square limits below) divided by the denominator, times
      ``multiplier`` (Breslow & Day 1987), as ``phe_rate``;
    * count: Poisson limits on the count itself.

    Other value types (directly standardised rates, life expectancy, scores) cannot be
    rebuilt from count and denominator and stay missing (``ci_source`` "not available").
    """
    out = frame.copy()
    meta = metadata[["indicator_id", "value_type", "multiplier"]].drop_duplicates("indicator_id")
    joined = out[["indicator_id"]].merge(meta, on="indicator_id", how="left")
    kinds = joined["value_type"].map(_value_type_kind).to_numpy()
    multiplier = pd.to_numeric(joined["multiplier"], errors="coerce").fillna(1.0).to_numpy()
    count = pd.to_numeric(out["count"], errors="coerce").to_numpy(dtype=float)
    denominator = pd.to_numeric(out["denominator"], errors="coerce").to_numpy(dtype=float)
    had_any = out[_CI_COLUMNS].notna().any(axis=1).to_numpy()
    computed_any = np.zeros(len(out), dtype=bool)
    for confidence, lower_col, upper_col in ((0.95, "lower_ci_95", "upper_ci_95"),
                                             (0.998, "lower_ci_99_8", "upper_ci_99_8")):
        lower = np.array(pd.to_numeric(out[lower_col], errors="coerce"), dtype=float)
        upper = np.array(pd.to_numeric(out[upper_col], errors="coerce"), dtype=float)
        missing = np.isnan(lower) | np.isnan(upper)
        for kind in ("proportion", "rate", "count"):
            rows = missing & (kinds == kind) & ~np.isnan(count)
            if kind != "count":
                rows &= ~np.isnan(denominator) & (denominator > 0)
            if not rows.any():
                continue
            if kind == "proportion":
                lo, hi = wilson_ci(count[rows], denominator[rows], confidence)
                lo = np.asarray(lo, dtype=float) * multiplier[rows]
                hi = np.asarray(hi, dtype=float) * multiplier[rows]
            else:
                lo, hi = poisson_ci(count[rows], confidence)
                lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
                if kind == "rate":
                    lo = lo / denominator[rows] * multiplier[rows]
                    hi = hi / denominator[rows] * multiplier[rows]
            lower[rows], upper[rows] = lo, hi
            computed_any |= rows
        out[lower_col], out[upper_col] = lower, upper
    out["ci_source"] = np.where(had_any & ~computed_any, "file",
                                np.where(computed_any, "computed", "not available"))
    return out


# --------------------------------------------------------------------------------------------
# Oflog ASC measures as value-only indicators
# --------------------------------------------------------------------------------------------

_ASC_UNITS = {"ASC1": "score (0-12)", "ASC2": "score", "ASC3": "%", "ASC4": "%", "ASC5": "%",
              "ASC6": "per 100,000", "ASC7": "%"}


def _period_sortable(period: pd.Series) -> pd.Series:
    years = period.astype("string").str.extract(r"(\d{4})", expand=False)
    return pd.to_numeric(years, errors="coerce").mul(10000)


def asc_measures_as_indicators(asc_measures: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The real Oflog ``asc_measures`` table as (indicators, indicator_metadata) frames.

    Oflog publishes values only (no counts, no confidence intervals), so these indicators are
    compared by quartile among the comparators only; their significance is "Not compared".
    The England row carries Oflog's median of English councils (the only national figure in the
    file; ``value_note`` says so), so that a spine chart has a centre line.
    """
    require_columns(asc_measures, "asc_measures",
                     ["period", "area_code", "area_name", "measure_code", "measure", "value",
                      "median", "polarity"])
    base = asc_measures.copy()
    name = base["measure"].astype("string").str.replace(r"^Outcome,\s*", "", regex=True)
    base["indicator_name"] = name
    common = {
        "indicator_id": base["measure_code"].astype("string"),
        "indicator_name": base["indicator_name"],
        "area_type": "Council",
        "parent_code": pd.NA,
        "sex": "Persons",
        "age": "18+ yrs",
        "category_type": pd.NA,
        "category": pd.NA,
        "period": base["period"].astype("string"),
        "period_sortable": _period_sortable(base["period"]),
    }
    councils = pd.DataFrame({**common, "area_code": base["area_code"],
                             "area_name": base["area_name"],
                             "value": pd.to_numeric(base["value"], errors="coerce"),
                             "value_note": pd.NA})
    england = pd.DataFrame({**common, "area_code": ENGLAND_CODE,
                            "area_name": "England (median of councils)",
                            "value": pd.to_numeric(base["median"], errors="coerce"),
                            "value_note": "Oflog median of English councils"})
    england = england.drop_duplicates(["indicator_id", "period"])
    england["area_type"] = "England"
    indicators = pd.concat([councils, england], ignore_index=True)
    for column in _CI_COLUMNS + ["count", "denominator"]:
        indicators[column] = np.nan
    for column in ("recent_trend", "compared_to_england", "compared_to_region"):
        indicators[column] = pd.NA
    indicators["suppressed"] = False
    metadata = (base[["measure_code", "indicator_name", "polarity"]]
                .drop_duplicates("measure_code")
                .rename(columns={"measure_code": "indicator_id"}))
    metadata["indicator_id"] = metadata["indicator_id"].astype("string")
    metadata["domain"] = ASC_MEASURES_DOMAIN
    metadata["unit"] = metadata["indicator_id"].map(_ASC_UNITS).fillna("")
    metadata["value_type"] = "value_only"
    metadata["multiplier"] = 1.0
    metadata = metadata[["indicator_id", "indicator_name", "domain", "polarity", "unit",
                         "value_type", "multiplier"]].reset_index(drop=True)
    return indicators.reset_index(drop=True), metadata


# --------------------------------------------------------------------------------------------
# indicator summary
# --------------------------------------------------------------------------------------------

def core_area_position(domain: Any) -> int:
    """The position of ``domain`` among :data:`CORE_AREAS` (len(CORE_AREAS) for any other).

    Matching ignores case and accepts a shortened name ("Cardiovascular, stroke and kidney"
    for "Cardiovascular, stroke and kidney disease"): either name may start the other."""
    if domain is None or pd.isna(domain):
        return len(CORE_AREAS)
    text = str(domain).strip().lower()
    for i, name in enumerate(CORE_AREAS):
        core = name.lower()
        if text and (core.startswith(text) or text.startswith(core)):
            return i
    return len(CORE_AREAS)


def _domain_order(domain: pd.Series) -> pd.Series:
    return domain.map(core_area_position)


#: Fingertips' two-level outcomes in its own words: the 99.8% level is a confidence marker
#: beside Better / Worse, never a rank ("Best" / "Worst").
_STRONG_WORDS = {"Best": "Better", "Worst": "Worse"}
CONFIDENCE_95 = "95%"
CONFIDENCE_99_8 = "99.8%"


def _compare_two_level(row: pd.Series, benchmark_value: float,
                       polarity: benchmark.Polarity) -> tuple[str, str]:
    """(outcome, confidence): Better / Similar / Worse (Higher / Similar / Lower without
    polarity) against the benchmark, and the level at which the difference is significant:
    "99.8%" when even the 99.8% interval excludes the benchmark, "95%" when only the 95%
    interval does, "" when Similar or not compared (Fingertips two-level rule)."""
    if pd.isna(benchmark_value) or pd.isna(row["lower_ci_95"]) or pd.isna(row["upper_ci_95"]):
        return NOT_COMPARED, ""
    outcome = _compare(row["lower_ci_95"], row["upper_ci_95"], benchmark_value, polarity)
    if outcome in (NOT_COMPARED, "Similar"):  # a wider 99.8% interval cannot differ then
        return outcome, ""
    if pd.isna(row["lower_ci_99_8"]) or pd.isna(row["upper_ci_99_8"]):
        return outcome, CONFIDENCE_95
    strong = _compare(row["lower_ci_99_8"], row["upper_ci_99_8"], benchmark_value, polarity)
    return _STRONG_WORDS.get(outcome, outcome), (CONFIDENCE_99_8 if strong == outcome
                                                 else CONFIDENCE_95)


def _trend(history: pd.DataFrame, polarity: benchmark.Polarity, value_type: Any) -> str:
    """Fingertips recent trend over the latest 5 points, from counts and denominators
    (chi-square test for linear trend in a proportion, or in a rate for crude rates and
    counts); other value types (standardised rates, life expectancy), and points whose counts
    are missing or impossible (negative, or a proportion's count above its denominator), take
    the file's marker, else "Cannot be calculated"."""
    last = history.sort_values("period_sortable").tail(5)
    counts = pd.to_numeric(last["count"], errors="coerce")
    denominators = pd.to_numeric(last["denominator"], errors="coerce")
    kind = _value_type_kind(value_type)
    usable = (counts.notna().all() and denominators.notna().all()
              and bool((counts >= 0).all()) and bool((denominators > 0).all())
              and (kind != "proportion" or bool((counts <= denominators).all())))
    if kind in ("proportion", "rate", "count") and len(last) >= 5 and usable:
        statistic = "proportion" if kind == "proportion" else "rate"
        return _label(benchmark.recent_trend(counts.to_numpy(dtype=float),
                                             denominators.to_numpy(dtype=float), polarity,
                                             statistic=statistic))
    published = last["recent_trend"].iloc[-1] if "recent_trend" in last.columns else None
    if published is not None and not pd.isna(published) and str(published).strip():
        return str(published)
    return CANNOT_CALCULATE


_FINANCIAL_YEAR = re.compile(r"(\d{4})/(\d{2})")


def financial_year_end(period: str) -> pd.Timestamp:
    """31 March at the end of financial year "YYYY/YY"."""
    match = _FINANCIAL_YEAR.fullmatch(str(period).strip())
    if not match:
        raise ValueError(f"period must be a financial year 'YYYY/YY', got {period!r}")
    return pd.Timestamp(int(match.group(1)) + 1, 3, 31)


def financial_year_of(day: pd.Timestamp) -> str:
    """The financial year (April to March) holding ``day``: 2020-12-31 -> "2020/21"."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def period_end(periods: pd.Series) -> pd.Series:
    """The last day of each Fingertips period label: "2019/20" -> 2020-03-31 (financial
    year), "2017 - 19" -> 2019-12-31 (calendar years), "2020" -> 2020-12-31, "2015 Q1" ->
    2015-03-31 (calendar quarter); NaT for a label it cannot read."""
    def end(label: Any) -> pd.Timestamp:
        text = str(label).strip()
        if match := _FINANCIAL_YEAR.fullmatch(text):
            return financial_year_end(text)
        if match := re.fullmatch(r"(\d{4})\s*-\s*(\d{2}|\d{4})", text):
            last = match.group(2)
            year = int(last) if len(last) == 4 else int(match.group(1)[:2] + last)
            return pd.Timestamp(year, 12, 31)
        if match := re.fullmatch(r"(\d{4})\s*Q([1-4])", text):
            return pd.Timestamp(int(match.group(1)), 3 * int(match.group(2)), 1) \
                + pd.offsets.MonthEnd(0)
        if re.fullmatch(r"\d{4}", text):
            return pd.Timestamp(int(text), 12, 31)
        return pd.NaT
    return pd.Series([end(p) for p in periods], index=periods.index, dtype="datetime64[ns]")


def held_periods(indicators: pd.DataFrame, area_code: str) -> list[str]:
    """The financial years in which at least one of the area's indicator periods ends
    (oldest first): the values of ``period`` the JSNA notebook accepts."""
    rows = indicators[indicators["area_code"] == area_code]
    ends = period_end(rows["period"]).dropna()
    return sorted({financial_year_of(day) for day in ends})


def indicator_summary(indicators: pd.DataFrame, metadata: pd.DataFrame, area_code: str,
                      region_code: str | None, comparator_codes: Sequence[str] = (),
                      period: str | None = None,
                      england_code: str = ENGLAND_CODE) -> pd.DataFrame:
    """One row per indicator (and sex / age) for an area, at its latest period or ``period``.

    Columns: ``domain, indicator_id, indicator, sex, age, period, unit, polarity, value``, the
    95% and 99.8% limits (from the file, else computed by :func:`fill_missing_cis`;
    ``ci_source`` says which), ``count, denominator``, the England and region values for the
    same period, ``compared_to_england`` / ``compared_to_region`` in Fingertips' words
    (Better / Similar / Worse by polarity, Higher / Similar / Lower for
    "no_judgement", via ``asclib.benchmark.compare_two_level``; 95% only where the file has no
    99.8% limits; "Not compared" when a limit or the benchmark is missing), ``quartile`` (the
    area's quartile among the comparators, ``asclib.benchmark.quartile_position``; the area
    itself counts among them, as in Fingertips), ``comparators_n`` and ``recent_trend``
    (``asclib.benchmark.recent_trend`` on the latest 5 periods' counts and denominators up to
    the chosen period; the file's own marker when counts are absent).

    ``period`` "latest" (or None) takes each indicator's latest period; a financial year
    "YYYY/YY" takes each indicator's latest period ending by the end of that year (31 March;
    see :func:`period_end`); any other label picks that exact period.
    Rows are ordered by the JSNA's core areas of concern (:data:`CORE_AREAS`), then by name.
    """
    require_columns(indicators, "indicators",
                     ["indicator_id", "area_code", "period", "period_sortable", "value",
                      "count", "denominator", *_CI_COLUMNS])
    require_columns(metadata, "indicator_metadata",
                     ["indicator_id", "domain", "polarity", "unit", "value_type", "multiplier"])
    rows = _headline_rows(indicators)
    area_rows = rows[rows["area_code"] == area_code]
    if area_rows.empty:
        raise ValueError(f"table 'indicators' has no rows for area {area_code}")
    if period is not None and str(period).strip().lower() == "latest":
        period = None
    if period is not None and _FINANCIAL_YEAR.fullmatch(str(period).strip()):
        # a financial year: each indicator at its latest period ending by the year's end
        ends = period_end(area_rows["period"])
        area_rows = area_rows[ends.notna() & (ends <= financial_year_end(str(period)))]
        if area_rows.empty:
            raise ValueError(f"table 'indicators' has no rows for area {area_code} ending by "
                             f"the end of {period}")
        period = None
    if period is not None:
        chosen = area_rows[area_rows["period"].astype("string") == period]
        if chosen.empty:
            raise ValueError(f"table 'indicators' has no rows for area {area_code} in period "
                             f"{period}; periods held: "
                             f"{', '.join(sorted(area_rows['period'].astype(str).unique()))}")
    else:
        latest = area_rows.groupby(_KEY)["period_sortable"].transform("max")
        chosen = area_rows[area_rows["period_sortable"] == latest]
    chosen = chosen.drop_duplicates(_KEY, keep="last")
    chosen = fill_missing_cis(chosen, metadata)
    meta = metadata.drop_duplicates("indicator_id").set_index("indicator_id")
    codes = list(dict.fromkeys([*comparator_codes, area_code]))

    # rows looked up by (indicator, sex, age[, area], period), indexed once: one pass over the
    # table instead of one per indicator (a national Fingertips file has ~150 areas). A key
    # with a missing part matches nothing, as an equality test would not.
    key_columns = list(_KEY)
    labelled = rows.assign(_period=rows["period"].astype("string"),
                           _value=pd.to_numeric(rows["value"], errors="coerce"))
    compared = labelled[labelled["area_code"].isin(codes)]
    comparator_rows = compared.groupby([*key_columns, "_period"], sort=False).indices
    known = labelled[labelled["area_code"].isin(
        [c for c in (england_code, region_code) if c is not None])].dropna(subset=["_value"])
    benchmark_values = known.groupby(["area_code", *key_columns, "_period"],
                                     sort=False)["_value"].last().to_dict()
    history_rows = area_rows.groupby(key_columns, sort=False).indices

    records = []
    for _, row in chosen.iterrows():
        key = (row["indicator_id"], row["sex"], row["age"])
        info = meta.loc[row["indicator_id"]] if row["indicator_id"] in meta.index else None
        polarity = _polarity(None if info is None else info["polarity"])
        period_label = str(row["period"])
        england_value = float(benchmark_values.get((england_code, *key, period_label), np.nan))
        region_value = (float(benchmark_values.get((region_code, *key, period_label), np.nan))
                        if region_code is not None else np.nan)
        comparator_values = compared["_value"].iloc[
            comparator_rows.get((*key, period_label), [])].dropna()
        value = float(pd.to_numeric(pd.Series([row["value"]]), errors="coerce").iloc[0])
        quartile = (_label(benchmark.quartile_position(value, comparator_values.to_numpy(),
                                                       polarity))
                    if not np.isnan(value) else NOT_COMPARED)
        history = area_rows.iloc[history_rows.get(key, [])]
        history = history[history["period_sortable"] <= row["period_sortable"]]
        records.append({
            "domain": None if info is None else info["domain"],
            "indicator_id": row["indicator_id"],
            "indicator": (row["indicator_name"] if "indicator_name" in row.index
                          and not pd.isna(row["indicator_name"])
                          else (None if info is None else info.get("indicator_name"))),
            "sex": row["sex"], "age": row["age"], "period": period_label,
            "unit": None if info is None else info["unit"],
            "polarity": polarity.value,
            "value": value,
            **{c: float(row[c]) for c in _CI_COLUMNS},
            "ci_source": row["ci_source"],
            "count": pd.to_numeric(pd.Series([row["count"]]), errors="coerce").iloc[0],
            "denominator": pd.to_numeric(pd.Series([row["denominator"]]),
                                         errors="coerce").iloc[0],
            "england_value": england_value,
            "region_value": region_value,
            **dict(zip(("compared_to_england", "england_confidence"),
                       _compare_two_level(row, england_value, polarity), strict=True)),
            **dict(zip(("compared_to_region", "region_confidence"),
                       _compare_two_level(row, region_value, polarity), strict=True)),
            "comparators_n": int(len(comparator_values)),
            "quartile": quartile,
            "recent_trend": _trend(history, polarity,
                                   None if info is None else info["value_type"]),
        })
    summary = pd.DataFrame.from_records(records, columns=SUMMARY_COLUMNS)
    summary = (summary.assign(_order=_domain_order(summary["domain"]))
               .sort_values(["_order", "domain", "indicator", "sex", "age"], kind="stable")
               .drop(columns="_order").reset_index(drop=True))
    return summary


def red_red(summary: pd.DataFrame) -> pd.DataFrame:
    """Indicators significantly worse than England (Worse, at 95% or 99.8%) AND whose recent
    trend is getting worse (Fingertips' "Increasing/Decreasing and getting worse")."""
    worse = summary["compared_to_england"].isin(_WORSE)
    getting_worse = summary["recent_trend"].astype("string").str.lower().str.contains(
        "getting worse", regex=False).fillna(False)
    return summary[worse & getting_worse].reset_index(drop=True)


def headline_counts(summary: pd.DataFrame) -> dict[str, Any]:
    """Headline figures for the manifest.

    ``indicators_compared`` counts indicators with a comparison with England (anything but
    "Not compared"); ``significantly_worse_than_england`` counts Worse,
    ``significantly_better_than_england`` Better (at either confidence level); ``red_red`` is
    the number of red-red indicators and ``red_red_indicators`` their names.
    """
    compared = summary["compared_to_england"].astype("string")
    flagged = red_red(summary)
    return {
        "indicators_compared": int((compared != NOT_COMPARED).sum()),
        "significantly_worse_than_england": int(compared.isin(_WORSE).sum()),
        "significantly_better_than_england": int(compared.isin(_BETTER).sum()),
        "red_red": int(len(flagged)),
        "red_red_indicators": [str(name) for name in flagged["indicator"]],
    }


# --------------------------------------------------------------------------------------------
# spine chart, trends, localities
# --------------------------------------------------------------------------------------------

SPINE_COLUMNS = [
    "domain", "indicator_id", "indicator", "sex", "age", "period", "unit", "polarity",
    "compared_to_england", "value", "england_value", "region_value", "worst", "q25", "q75",
    "best", "comparators_n", "worst_scaled", "q25_scaled", "q75_scaled", "best_scaled",
    "area_scaled", "region_scaled", "england_scaled",
]


def spine_chart_table(summary: pd.DataFrame, indicators: pd.DataFrame,
                      comparator_codes: Sequence[str],
                      area_code: str | None = None) -> pd.DataFrame:
    """Per indicator of ``summary``: the values a Fingertips spine chart draws, raw and scaled.

    ``worst, q25, q75, best`` are the comparators' minimum, 25th, 75th percentile and maximum
    (linear interpolation, Excel PERCENTILE.INC / R type 7) put in worst-to-best order by
    polarity: for "low_is_good" ``worst`` is the maximum and ``q25`` the 75th percentile. The
    area itself counts among the comparators when ``area_code`` is given.

    Scaling (fingertipscharts ``spine_rescaler``): with England value E, minimum m and maximum
    M, the half-width is h = max(E - m, M - E); a value x maps to (x - (E - h)) / (2h), flipped
    to 1 - that for "low_is_good", so England sits at 0.5, worst on the left, best on the right
    and the comparator furthest from England on an edge. Rows with no England value or no
    comparators have missing scaled values.
    """
    rows = _headline_rows(indicators)
    codes = list(dict.fromkeys([*comparator_codes, *([area_code] if area_code else [])]))
    records = []
    for _, row in summary.iterrows():
        same = rows[(rows["indicator_id"] == row["indicator_id"]) & (rows["sex"] == row["sex"])
                    & (rows["age"] == row["age"])
                    & (rows["period"].astype("string") == str(row["period"]))
                    & rows["area_code"].isin(codes)]
        values = pd.to_numeric(same["value"], errors="coerce").dropna().to_numpy(dtype=float)
        low_is_good = row["polarity"] == "low_is_good"
        if len(values):
            q0, q25, q75, q100 = np.percentile(values, [0, 25, 75, 100])
        else:
            q0 = q25 = q75 = q100 = np.nan
        worst, lower_q, upper_q, best = ((q100, q75, q25, q0) if low_is_good
                                         else (q0, q25, q75, q100))
        england = row["england_value"]
        half = max(england - q0, q100 - england) if len(values) else np.nan

        def scaled(x: float, england: float = england, half: float = half,
                   flip: bool = low_is_good) -> float:
            if pd.isna(x) or pd.isna(england) or pd.isna(half):
                return np.nan
            position = 0.5 if half == 0 else (x - (england - half)) / (2 * half)
            return 1 - position if flip else position

        records.append({
            "domain": row["domain"], "indicator_id": row["indicator_id"],
            "indicator": row["indicator"], "sex": row["sex"], "age": row["age"],
            "period": row["period"], "unit": row["unit"], "polarity": row["polarity"],
            "compared_to_england": row["compared_to_england"], "value": row["value"],
            "england_value": england, "region_value": row["region_value"],
            "worst": worst, "q25": lower_q, "q75": upper_q, "best": best,
            "comparators_n": int(len(values)),
            "worst_scaled": scaled(worst), "q25_scaled": scaled(lower_q),
            "q75_scaled": scaled(upper_q), "best_scaled": scaled(best),
            "area_scaled": scaled(row["value"]), "region_scaled": scaled(row["region_value"]),
            "england_scaled": scaled(england),
        })
    return pd.DataFrame.from_records(records, columns=SPINE_COLUMNS)


TREND_COLUMNS = [
    "indicator_id", "indicator", "sex", "age", "area_code", "area_name", "period",
    "period_sortable", "value", "lower_ci_95", "upper_ci_95", "lower_ci_99_8", "upper_ci_99_8",
    "count", "denominator", "benchmark_code", "benchmark_value", "compared_to_benchmark", "unit",
]


def trend_table(indicators: pd.DataFrame, area_code: str, indicator_ids: Iterable[Any],
                benchmark_code: str = ENGLAND_CODE,
                metadata: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every period of the named indicators for an area, with 95% limits and the benchmark.

    ``compared_to_benchmark`` is the 95% comparison (``asclib.benchmark.compare``) of each
    period's interval with the benchmark's value in the same period, by the polarity in
    ``metadata``; without metadata, the file's "compared to England" label is used when the
    benchmark is England. Missing limits are computed as in :func:`fill_missing_cis` when
    ``metadata`` is given.
    """
    ids = list(indicator_ids)
    rows = _headline_rows(indicators)
    rows = rows[rows["indicator_id"].isin(ids)]
    area = rows[rows["area_code"] == area_code].copy()
    if area.empty:
        raise ValueError(f"table 'indicators' has no rows for area {area_code} and "
                         f"indicator(s) {', '.join(map(str, ids))}")
    if metadata is not None:
        area = fill_missing_cis(area, metadata)
    bench = rows[rows["area_code"] == benchmark_code][["indicator_id", "sex", "age", "period",
                                                       "value"]]
    bench = bench.drop_duplicates(["indicator_id", "sex", "age", "period"], keep="last")
    bench = bench.rename(columns={"value": "benchmark_value"})
    area["period"] = area["period"].astype("string")
    bench["period"] = bench["period"].astype("string")
    table = area.merge(bench, on=["indicator_id", "sex", "age", "period"], how="left")
    table["benchmark_code"] = benchmark_code
    units: dict[Any, Any] = {}
    polarities: dict[Any, Any] = {}
    if metadata is not None:
        meta = metadata.drop_duplicates("indicator_id").set_index("indicator_id")
        units, polarities = meta["unit"].to_dict(), meta["polarity"].to_dict()
    table["unit"] = table["indicator_id"].map(units) if units else ""
    compared = []
    for _, row in table.iterrows():
        if metadata is not None:
            if pd.isna(row["lower_ci_95"]) or pd.isna(row["upper_ci_95"]) or pd.isna(
                    row["benchmark_value"]):
                compared.append(NOT_COMPARED)
            else:
                compared.append(_compare(
                    row["lower_ci_95"], row["upper_ci_95"], row["benchmark_value"],
                    _polarity(polarities.get(row["indicator_id"]))))
        elif benchmark_code == ENGLAND_CODE and "compared_to_england" in row.index \
                and not pd.isna(row["compared_to_england"]):
            compared.append(str(row["compared_to_england"]))
        else:
            compared.append(NOT_COMPARED)
    table["compared_to_benchmark"] = compared
    if "indicator_name" in table.columns:
        table["indicator"] = table["indicator_name"]
    else:
        table["indicator"] = table["indicator_id"].astype("string")
    if "area_name" not in table.columns:
        table["area_name"] = area_code
    table = table.sort_values(["indicator_id", "sex", "age", "period_sortable"])
    return table[TREND_COLUMNS].reset_index(drop=True)


LOCALITY_COLUMNS = [
    "indicator_id", "indicator", "sex", "age", "period", "locality_code", "locality", "value",
    "lower_ci_95", "upper_ci_95", "count", "denominator", "area_value", "compared_to_area",
]


def locality_table(indicators: pd.DataFrame, area_code: str, indicator_id: Any,
                   period: str | None = None, metadata: pd.DataFrame | None = None,
                   sex: str | None = None) -> pd.DataFrame:
    """An indicator by locality inside the area (rows whose ``parent_code`` is the area and
    ``area_type`` is "Locality"), at the latest period held for localities or ``period``.

    ``compared_to_area`` compares each locality's 95% interval with the area's own value in
    the same period and sex (``asclib.benchmark.compare``), by the polarity in ``metadata``
    (Higher / Similar / Lower without metadata). Missing limits are computed from count and
    denominator when ``metadata`` is given. Empty when the data holds no localities.
    """
    rows = _headline_rows(indicators)
    rows = rows[rows["indicator_id"] == indicator_id]
    if sex is not None:
        rows = rows[rows["sex"] == sex]
    local = rows[(rows["parent_code"].astype("string") == area_code)
                 & (rows["area_type"].astype("string").str.lower() == "locality")].copy()
    if local.empty:
        return pd.DataFrame(columns=LOCALITY_COLUMNS)
    if period is None:
        period = str(local.loc[local["period_sortable"].idxmax(), "period"])
    local = local[local["period"].astype("string") == period]
    if metadata is not None:
        local = fill_missing_cis(local, metadata)
        meta = metadata.drop_duplicates("indicator_id").set_index("indicator_id")
        polarity_text = meta["polarity"].get(indicator_id)
    else:
        polarity_text = None
    polarity = _polarity(polarity_text)
    area = rows[(rows["area_code"] == area_code) & (rows["period"].astype("string") == period)]
    area_values = dict(zip(zip(area["sex"], area["age"], strict=True),
                           pd.to_numeric(area["value"], errors="coerce"), strict=True))
    out = []
    for _, row in local.iterrows():
        area_value = area_values.get((row["sex"], row["age"]), np.nan)
        if pd.isna(area_value) or pd.isna(row["lower_ci_95"]) or pd.isna(row["upper_ci_95"]):
            compared = NOT_COMPARED
        else:
            compared = _compare(row["lower_ci_95"], row["upper_ci_95"], area_value, polarity)
        out.append({
            "indicator_id": indicator_id,
            "indicator": row.get("indicator_name", indicator_id),
            "sex": row["sex"], "age": row["age"], "period": period,
            "locality_code": row["area_code"], "locality": row.get("area_name", row["area_code"]),
            "value": float(row["value"]), "lower_ci_95": float(row["lower_ci_95"]),
            "upper_ci_95": float(row["upper_ci_95"]), "count": row["count"],
            "denominator": row["denominator"], "area_value": area_value,
            "compared_to_area": compared,
        })
    return (pd.DataFrame.from_records(out, columns=LOCALITY_COLUMNS)
            .sort_values(["sex", "value"]).reset_index(drop=True))


# --------------------------------------------------------------------------------------------
# selections and plain-English findings for the notebook (numbers never typed into Markdown)
# --------------------------------------------------------------------------------------------

def trend_selection(summary: pd.DataFrame, named: Iterable[Any] = ()) -> list[tuple[Any, str]]:
    """(indicator_id, sex) pairs to draw trend charts for: every red-red row of ``summary``
    first, then every row of the indicators the user names (by id, or by exact name, case
    ignored), each once. A name or id that matches no row raises a ValueError listing the
    indicators available."""
    pairs: list[tuple[Any, str]] = []
    for _, row in red_red(summary).iterrows():
        pairs.append((row["indicator_id"], str(row["sex"])))
    ids_as_text = summary["indicator_id"].astype(str)
    names = summary["indicator"].astype("string").str.lower()
    for wanted in named:
        match = summary[(ids_as_text == str(wanted)) | (names == str(wanted).lower())]
        if match.empty:
            available = ", ".join(f"{i} ({n})" for i, n in
                                  summary.drop_duplicates("indicator_id")[
                                      ["indicator_id", "indicator"]].itertuples(index=False))
            raise ValueError(f"trend_indicators: no indicator {wanted!r}; available: "
                             f"{available}")
        pairs += [(row["indicator_id"], str(row["sex"])) for _, row in match.iterrows()]
    return list(dict.fromkeys(pairs))


ASC_SUMMARY_COLUMNS = ["indicator_id", "indicator", "period", "unit", "polarity", "value",
                       "england_value", "quartile", "comparators_n", "comparators_min",
                       "comparators_median", "comparators_max"]


def asc_measures_summary(asc_measures: pd.DataFrame, area_code: str,
                         comparator_codes: Sequence[str], period: str | None = "latest"
                         ) -> pd.DataFrame:
    """The real Oflog adult social care measures for the area at the latest (or a given)
    period: value, the Oflog median of English councils (``england_value``), the area's
    quartile among the comparators (``asclib.benchmark.quartile_position``, by polarity) and
    the comparators' minimum, median and maximum. Oflog publishes no confidence intervals, so
    no significance is claimed."""
    indicators, metadata = asc_measures_as_indicators(asc_measures)
    summary = indicator_summary(indicators, metadata, area_code, None, comparator_codes,
                                period=period)
    rows = indicators[indicators["area_code"].isin(list(dict.fromkeys(
        [*comparator_codes, area_code])))]
    stats = []
    for _, row in summary.iterrows():
        values = pd.to_numeric(rows.loc[(rows["indicator_id"] == row["indicator_id"])
                                        & (rows["period"] == row["period"]), "value"],
                               errors="coerce").dropna()
        stats.append((values.min(), values.median(), values.max()) if len(values)
                     else (np.nan, np.nan, np.nan))
    summary[["comparators_min", "comparators_median", "comparators_max"]] = pd.DataFrame(
        stats, index=summary.index, columns=["a", "b", "c"]).to_numpy()
    return summary[ASC_SUMMARY_COLUMNS].sort_values("indicator_id").reset_index(drop=True)


def indicator_info(metadata: pd.DataFrame, indicator_id: Any) -> dict[str, Any]:
    """The ``indicator_metadata`` row of one indicator as a dict (indicator_name, domain,
    polarity, unit, value_type, multiplier); a ValueError listing the ids held when unknown."""
    rows = metadata[metadata["indicator_id"].astype(str) == str(indicator_id)]
    if rows.empty:
        held = ", ".join(map(str, metadata["indicator_id"]))
        raise ValueError(f"table 'indicator_metadata' has no indicator {indicator_id!r}; "
                         f"indicators held: {held}")
    return rows.iloc[0].to_dict()


def manifest_headlines(summary: pd.DataFrame) -> dict[str, Any]:
    """:func:`headline_counts` ready for the run manifest: the red-red names joined by "; "
    (a single text value) instead of a list."""
    counts = headline_counts(summary)
    return {**counts, "red_red_indicators": "; ".join(counts["red_red_indicators"])}


def empty_asc_summary() -> pd.DataFrame:
    """An :func:`asc_measures_summary` table with no rows (a council Oflog does not cover)."""
    return pd.DataFrame(columns=ASC_SUMMARY_COLUMNS)
