"""Illustrative Fingertips export (the classic 26-column "Export data" CSV) and indicator
metadata: 17 indicators for every English council with ASC responsibilities, the regions and
England, five periods each. Sefton's values follow the ratios to England its JSNA narrative
states; other councils vary with an illustrative deprivation score and their share aged 65+.
Counts and denominators are consistent with each value (value = count / denominator x
multiplier)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asclib.demo.files import fmt as _fmt
from asclib.demo.inputs import ENGLAND, EXAMPLE_AREA, ILLUSTRATIVE_NOTE, Areas
from asclib.demo.inputs import rng_for as _rng


@dataclass(frozen=True)
class Indicator:
    indicator_id: int
    name: str
    domain: str
    polarity: str
    unit: str
    value_type: str  # "DSR", "crude", "proportion", "mean"
    multiplier: float
    age: str
    age_range: tuple[int, int]
    periods: tuple[str, ...]
    england: tuple[float, ...]
    sefton_ratio: tuple[float, ...]  # Sefton / England by period (JSNA narrative)
    age_sensitivity: float  # how much the 65+ share moves the value
    spread: float  # between-council sd (log scale)
    #: denominator = population in the age range x factor (3 for 3-year pooled periods)
    denominator_factor: float = 1.0


_FY5 = ("2015/16", "2016/17", "2017/18", "2018/19", "2019/20")
_Y3 = ("2015 - 17", "2016 - 18", "2017 - 19", "2018 - 20", "2019 - 21")
_HLE = ("2013 - 15", "2014 - 16", "2015 - 17", "2016 - 18", "2017 - 19")

# Real Fingertips ids where the indicator exists there; 99xxxx = not a Fingertips id.
INDICATORS: tuple[Indicator, ...] = (
    Indicator(93764, "Admission episodes for alcohol-related conditions (Narrow): new method",
              "Mental health and alcohol", "low_is_good", "per 100,000", "DSR", 1e5, "All ages",
              (0, 200), _FY5, (500, 505, 510, 515, 519), (1.22, 1.24, 1.25, 1.27, 1.28), 0.0, 0.2),
    Indicator(21001, "Emergency hospital admissions for intentional self-harm",
              "Mental health and alcohol", "low_is_good", "per 100,000", "DSR", 1e5, "All ages",
              (0, 200), _FY5, (196, 185, 185, 193, 192), (1.15, 1.22, 1.30, 1.38, 1.45), 0.0, 0.3),
    Indicator(90581, "Mental health: QOF prevalence (all ages)", "Mental health and alcohol",
              "no_judgement", "%", "proportion", 100, "All ages", (0, 200), _FY5,
              (0.90, 0.92, 0.94, 0.95, 0.95), (1.24, 1.25, 1.26, 1.27, 1.27), 0.0, 0.15, 1.05),
    Indicator(848, "Depression: QOF prevalence (18+)", "Mental health and alcohol",
              "no_judgement", "%", "proportion", 100, "18+ yrs", (18, 200), _FY5,
              (9.1, 9.9, 10.7, 11.6, 12.3), (1.02, 1.02, 1.03, 1.03, 1.04), 0.0, 0.15, 1.05),
    Indicator(92447, "Successful completion of alcohol treatment", "Mental health and alcohol",
              "high_is_good", "%", "proportion", 100, "18+ yrs", (18, 200), _FY5,
              (38.7, 39.2, 38.9, 37.8, 37.8), (0.72, 0.70, 0.71, 0.69, 0.68), 0.0, 0.2, 0.0016),
    Indicator(273, "CHD: QOF prevalence (all ages)", "Cardiovascular, stroke and kidney",
              "no_judgement", "%", "proportion", 100, "All ages", (0, 200), _FY5,
              (3.2, 3.2, 3.1, 3.1, 3.0), (1.30, 1.30, 1.31, 1.31, 1.32), 1.0, 0.1, 1.05),
    Indicator(212, "Stroke: QOF prevalence (all ages)", "Cardiovascular, stroke and kidney",
              "no_judgement", "%", "proportion", 100, "All ages", (0, 200), _FY5,
              (1.7, 1.75, 1.77, 1.8, 1.8), (1.30, 1.31, 1.31, 1.32, 1.32), 1.0, 0.1, 1.05),
    Indicator(258, "CKD: QOF prevalence (18+)", "Cardiovascular, stroke and kidney",
              "no_judgement", "%", "proportion", 100, "18+ yrs", (18, 200), _FY5,
              (4.1, 4.1, 4.1, 4.0, 4.0), (1.24, 1.25, 1.25, 1.26, 1.27), 1.0, 0.12, 1.05),
    Indicator(40401, "Under 75 mortality rate from all cardiovascular diseases",
              "Cardiovascular, stroke and kidney", "low_is_good", "per 100,000", "DSR", 1e5,
              "<75 yrs", (0, 70), _Y3, (74.6, 73.5, 72.5, 71.7, 70.4),
              (1.12, 1.11, 1.12, 1.13, 1.13), 0.0, 0.15, 3.0),
    Indicator(247, "Dementia: QOF prevalence (all ages)", "Older age", "no_judgement", "%",
              "proportion", 100, "All ages", (0, 200), _FY5, (0.76, 0.76, 0.77, 0.78, 0.79),
              (1.33, 1.34, 1.35, 1.35, 1.36), 1.0, 0.12, 1.05),
    Indicator(22401, "Emergency hospital admissions due to falls in people aged 65 and over",
              "Older age", "low_is_good", "per 100,000", "DSR", 1e5, "65+ yrs", (65, 200), _FY5,
              (2169, 2114, 2170, 2198, 2222), (1.18, 1.19, 1.20, 1.22, 1.22), 0.0, 0.15),
    Indicator(990001, "Predicted prevalence of moderate or severe hearing loss, people aged 65+",
              "Older age", "no_judgement", "%", "proportion", 100, "65+ yrs", (65, 200), _FY5,
              (40.5, 40.7, 40.9, 41.1, 41.3), (1.06, 1.06, 1.07, 1.07, 1.07), 0.4, 0.03),
    Indicator(990002, "Predicted prevalence of sight loss, people aged 65+", "Older age",
              "no_judgement", "%", "proportion", 100, "65+ yrs", (65, 200), _FY5,
              (8.6, 8.6, 8.7, 8.7, 8.8), (1.08, 1.08, 1.09, 1.09, 1.09), 0.4, 0.04),
    Indicator(990003, "Permanent admissions to residential and nursing care homes, aged 65+",
              "Older age", "low_is_good", "per 100,000", "crude", 1e5, "65+ yrs", (65, 200), _FY5,
              (628, 611, 585, 580, 584), (1.30, 1.31, 1.31, 1.29, 1.289), 0.0, 0.25),
    Indicator(92949, "Estimated dementia diagnosis rate (aged 65 and over)",
              "Preventive practice", "high_is_good", "%", "proportion", 100, "65+ yrs",
              (65, 200), _FY5, (67.9, 67.6, 67.5, 68.7, 67.4), (0.91, 0.90, 0.90, 0.89, 0.89),
              0.0, 0.08, 0.07),
    Indicator(91112, "Cumulative percentage of the eligible population aged 40-74 who "
              "received an NHS Health check", "Preventive practice", "high_is_good", "%",
              "proportion", 100, "40-74 yrs", (40, 70), _FY5, (45.9, 48.6, 48.2, 47.4, 48.1),
              (0.74, 0.73, 0.72, 0.72, 0.71), 0.0, 0.25, 0.8),
)
HLE_INDICATOR = Indicator(90362, "Healthy life expectancy at birth", "Life expectancy",
                          "high_is_good", "years", "mean", 1, "All ages", (0, 200), _HLE,
                          (63.4, 63.3, 63.1, 63.1, 63.2), (0.97, 0.97, 0.97, 0.97, 0.97),
                          0.0, 0.04)
_HLE_FEMALE = (64.1, 64.0, 63.8, 63.9, 63.5)
#: Sefton's localities (MPS 4.5: Bootle men 49.8, Formby men 68.3), latest HLE period.
SEFTON_LOCALITIES = (("Southport", 62.0, 63.5), ("Formby", 68.3, 70.1),
                     ("Maghull/Aintree", 64.5, 66.0), ("Crosby", 63.8, 65.2),
                     ("Bootle", 49.8, 52.4), ("Netherton", 55.1, 56.9))

EXPORT_HEADER = (
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name",
    "Area Type", "Sex", "Age", "Category Type", "Category", "Time period", "Value",
    "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit",
    "Count", "Denominator", "Value note", "Recent Trend",
    "Compared to England value or percentiles", "Compared to Region value or percentiles",
    "Time period Sortable", "New data", "Compared to goal",
)


def _period_sortable(period: str) -> int:
    return int(period[:4]) * 10_000


def _limits(ind: Indicator, value: np.ndarray, count: np.ndarray, denom: np.ndarray,
            confidence: float, se: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Confidence limits. Proportions: Wilson score (Wilson 1927); crude rates: exact/Byar
    Poisson limits on the count (Breslow & Day 1987); DSRs: the count's Poisson limits scaled
    by DSR/count (the Dobson et al. 1991 method when the age structure of the events matches
    the standard's); means (life expectancy): value -/+ z x standard error."""
    from asclib.stats import poisson_ci, wilson_ci, z_value

    if ind.value_type == "proportion":
        lo, hi = wilson_ci(count, denom, confidence)
        return np.asarray(lo) * ind.multiplier, np.asarray(hi) * ind.multiplier
    if ind.value_type in ("crude", "DSR"):
        lo, hi = poisson_ci(count, confidence)
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(count > 0, value / np.maximum(count, 1), ind.multiplier / denom)
        return np.asarray(lo) * factor, np.asarray(hi) * factor
    z = float(z_value(confidence))
    return value - z * se, value + z * se


def fingertips_records(areas: Areas) -> tuple[list[list[object]], list[list[object]]]:
    """Rows of the Fingertips export and of the indicator metadata."""
    from asclib.benchmark import compare

    lookup = areas.lookup
    councils = lookup[lookup["asc_authority"] & lookup["area_code"].str.startswith("E")]
    council_codes = councils["area_code"].tolist()
    region_codes = sorted(set(councils["region_code"].dropna()) & set(areas.region_names))
    share65_england = areas.pop(ENGLAND, 65) / max(areas.pop(ENGLAND), 1)
    rows: list[list[object]] = []
    metadata: list[list[object]] = []
    for ind in (*INDICATORS, HLE_INDICATOR):
        metadata.append([ind.indicator_id, ind.name, ind.domain, ind.polarity, ind.unit,
                         {"DSR": "Directly standardised rate", "crude": "Crude rate",
                          "proportion": "Proportion", "mean": "Life expectancy"}[ind.value_type],
                         _fmt(ind.multiplier)])
        sexes = (("Male", ind.england), ("Female", _HLE_FEMALE)) if ind is HLE_INDICATOR \
            else (("Persons", ind.england),)
        for sex, england_values in sexes:
            rows.extend(_indicator_rows(ind, sex, np.asarray(england_values, dtype=float),
                                        council_codes, region_codes, areas, share65_england,
                                        compare))
    return rows, metadata


def _indicator_rows(ind: Indicator, sex: str, england: np.ndarray, council_codes: list[str],
                    region_codes: list[str], areas: Areas, share65_england: float, compare
                    ) -> list[list[object]]:
    n_periods = len(ind.periods)
    low, high = ind.age_range
    values: dict[str, np.ndarray] = {}
    counts: dict[str, np.ndarray] = {}
    denoms: dict[str, np.ndarray] = {}
    ses: dict[str, np.ndarray] = {}
    for code in council_codes:
        rng = _rng(code, f"fingertips/{ind.indicator_id}/{sex}")
        pop = areas.pop(code, low, high) * ind.denominator_factor
        if code == EXAMPLE_AREA:
            ratio = np.asarray(ind.sefton_ratio)
        else:
            deprivation = _rng(code, "deprivation").normal()
            share65 = areas.pop(code, 65) / max(areas.pop(code), 1)
            sign = -1.0 if ind.polarity == "high_is_good" else 1.0
            level = (sign * 0.08 * deprivation * (ind.spread / 0.15)
                     + ind.age_sensitivity * (share65 / share65_england - 1)
                     + rng.normal(0, ind.spread * 0.6))
            ratio = np.exp(level + rng.normal(0, 0.03, n_periods))
        expected = england * ratio
        if ind.value_type == "mean":
            values[code] = np.round(expected, 1) if code == EXAMPLE_AREA else \
                np.round(expected + rng.normal(0, 0.3, n_periods), 1)
            ses[code] = np.full(n_periods, 1.1)
            continue
        denom = np.full(n_periods, float(round(pop)))
        if ind.value_type == "proportion":
            p = np.clip(expected / ind.multiplier, 0.0005, 0.995)
            count = np.round(p * denom) if code == EXAMPLE_AREA else rng.binomial(
                denom.astype(np.int64), p).astype(float)
            value = count / denom * ind.multiplier
        else:
            mean = expected * denom / ind.multiplier
            count = np.round(mean) if code == EXAMPLE_AREA else rng.poisson(mean).astype(float)
            value = count / denom * ind.multiplier
            if ind.value_type == "DSR":
                value = value * 1.0  # events assumed to follow the standard's age structure
        values[code], counts[code], denoms[code] = value, count, denom
    region_of = {c: areas.region(c) for c in council_codes}
    agg_codes = [(r, [c for c in council_codes if region_of[c] == r]) for r in region_codes]
    agg_codes.append((ENGLAND, council_codes))
    for code, members in agg_codes:
        if not members:
            continue
        if ind.value_type == "mean":
            base = england if code == ENGLAND else np.mean([values[m] for m in members], axis=0)
            values[code] = np.round(base, 1)
            ses[code] = np.full(n_periods, 0.15 if code == ENGLAND else 0.4)
            continue
        count = np.sum([counts[m] for m in members], axis=0)
        denom = np.sum([denoms[m] for m in members], axis=0)
        values[code], counts[code], denoms[code] = count / denom * ind.multiplier, count, denom
    lower95: dict[str, np.ndarray] = {}
    upper95: dict[str, np.ndarray] = {}
    lower998: dict[str, np.ndarray] = {}
    upper998: dict[str, np.ndarray] = {}
    for code in values:
        args = (ind, values[code], counts.get(code), denoms.get(code))
        lower95[code], upper95[code] = _limits(*args, 0.95, ses.get(code))
        lower998[code], upper998[code] = _limits(*args, 0.998, ses.get(code))
    rows: list[list[object]] = []
    # Fingertips publishes the recent-trend marker on each area's latest row; computed here
    # with the same chi-square test for trend the analyses use, on the crude counts.
    from asclib.benchmark import recent_trend

    statistic = "proportion" if ind.value_type == "proportion" else "rate"
    trend_marker = {code: str(recent_trend(counts[code][-5:], denoms[code][-5:], ind.polarity,
                                           statistic=statistic))
                    for code in counts if n_periods >= 5}

    def emit(code: str, name: str, area_type: str, parent: str, parent_name: str,
             period_index: int, value: float, lo: float, hi: float, lo8: float, hi8: float,
             count: float | None, denom: float | None, vs_england: str, vs_region: str) -> None:
        trend = trend_marker.get(code, "") if period_index == n_periods - 1 else ""
        rows.append([ind.indicator_id, ind.name, parent, parent_name, code, name, area_type,
                     sex, ind.age, "", "", ind.periods[period_index], _fmt(value),
                     _fmt(lo), _fmt(hi), _fmt(lo8), _fmt(hi8),
                     "" if count is None else _fmt(count, 0),
                     "" if denom is None else _fmt(denom, 0),
                     ILLUSTRATIVE_NOTE, trend, vs_england, vs_region,
                     _period_sortable(ind.periods[period_index]), "", ""])

    eng = values[ENGLAND]
    ordered = [(ENGLAND, "England", "England", "", "")]
    ordered += [(r, areas.region_names[r] + " region", "Region", ENGLAND, "England")
                for r, _ in agg_codes if r != ENGLAND and r in values]
    ordered += [(c, areas.name(c), "County & UA", region_of[c],
                 areas.region_names.get(region_of[c], "") + " region") for c in council_codes]
    for code, name, area_type, parent, parent_name in ordered:
        for t in range(n_periods):
            if code == ENGLAND:
                vs_e = vs_r = "Not compared"
            else:
                vs_e = str(compare(lower95[code][t], upper95[code][t], eng[t], ind.polarity))
                region_value = values.get(parent, np.full(n_periods, np.nan))[t] \
                    if area_type != "Region" else np.nan
                vs_r = ("Not compared" if area_type == "Region" else
                        str(compare(lower95[code][t], upper95[code][t], region_value,
                                    ind.polarity)))
            emit(code, name, area_type, parent, parent_name, t, values[code][t],
                 lower95[code][t], upper95[code][t], lower998[code][t], upper998[code][t],
                 counts[code][t] if code in counts else None,
                 denoms[code][t] if code in denoms else None, vs_e, vs_r)
    if ind is HLE_INDICATOR and EXAMPLE_AREA in values:
        t = n_periods - 1
        for k, (locality, male, female) in enumerate(SEFTON_LOCALITIES, start=1):
            value = male if sex == "Male" else female
            lo, hi = value - 1.96 * 2.4, value + 1.96 * 2.4
            lo8, hi8 = value - 3.09 * 2.4, value + 3.09 * 2.4
            emit(f"{EXAMPLE_AREA}_L{k:02d}", locality, "Locality", EXAMPLE_AREA,
                 areas.name(EXAMPLE_AREA), t, value, lo, hi, lo8, hi8, None, None,
                 str(compare(lo, hi, eng[t], ind.polarity)), "")
    return rows


