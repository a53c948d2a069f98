"""Indirectly standardised ratios and rates (PHEindicatormethods ``calculate_ISRatio``,
``calculate_ISRate``).

With observed counts O_i, populations n_i and reference counts R_i / reference populations
N_i per age band:

    E = sum(R_i / N_i x n_i)          (expected events; a missing R_i or n_i adds nothing)
    O = sum(O_i)
    ratio = O / E x refvalue          (refvalue 100 gives an SMR-style "ratio x 100")
    rate  = O / E x sum(R_i) / sum(N_i) x multiplier

Limits: the Poisson limits of O (exact chi-square when O < 10, Byar's when O >= 10; see
:mod:`asclib.stats.rates`) divided by E, times refvalue (ratio) or the reference rate (rate).
Breslow NE, Day NE. Statistical methods in cancer research, vol. II, IARC 1987, ch. 2;
APHO technical briefing 3 (2008), "Indirectly standardised ratios".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from asclib.stats import _table
from asclib.stats._validation import (
    DEFAULT_CONFIDENCE_LEVELS,
    Estimate,
    as_float_array,
    check_confidence,
    check_not_negative,
    check_positive,
    confidence_levels,
)
from asclib.stats.rates import _poisson_limits, poisson_method

__all__ = ["expected_count", "isr", "isr_rate", "isr_ratio"]

_ZERO_EXPECTED = "expected count is 0"


def expected_count(
    populations: Sequence[float] | np.ndarray | pd.Series,
    reference_counts: Sequence[float] | np.ndarray | pd.Series,
    reference_populations: Sequence[float] | np.ndarray | pd.Series,
) -> float:
    """Expected events E = sum(R_i / N_i x n_i); a missing R_i or n_i contributes 0."""
    n = as_float_array(populations, "populations").ravel()
    r = as_float_array(reference_counts, "reference_counts").ravel()
    big_n = as_float_array(reference_populations, "reference_populations").ravel()
    if not n.size == r.size == big_n.size:
        raise ValueError(
            f"isr: populations ({n.size}), reference_counts ({r.size}) and "
            f"reference_populations ({big_n.size}) must have one value per age band"
        )
    check_not_negative(n, "isr: populations")
    check_not_negative(r, "isr: reference_counts")
    if np.isnan(big_n).any():
        raise ValueError("isr: reference_populations must not be missing")
    check_positive(big_n, "isr: reference_populations")
    return float(np.nansum(r / big_n * n))


def isr(
    observed: float | Sequence[float] | np.ndarray | pd.Series,
    populations: Sequence[float] | np.ndarray | pd.Series,
    reference_counts: Sequence[float] | np.ndarray | pd.Series,
    reference_populations: Sequence[float] | np.ndarray | pd.Series,
    confidence: float = 0.95,
    refvalue: float = 1,
) -> Estimate:
    """Indirectly standardised ratio O / E x refvalue with Poisson limits on O.

    Returns (ratio, lower, upper).

    E = sum(R_i / N_i x n_i); O = the observed total (``observed`` is either the total or one
    count per band, missing counts dropped). Limits: exact chi-square for O < 10, Byar's for
    O >= 10, divided by E (Breslow & Day 1987). E = 0 gives NaN with a reason.
    """
    confidence = check_confidence(confidence)
    o_values = as_float_array(observed, "observed").ravel()
    check_not_negative(o_values, "isr: observed")
    o = float(np.nansum(o_values))
    e = expected_count(populations, reference_counts, reference_populations)
    if e <= 0:
        return Estimate(np.nan, np.nan, np.nan, _ZERO_EXPECTED)
    lower, upper = _poisson_limits(np.array([o]), confidence)
    return Estimate(o / e * refvalue, lower[0] / e * refvalue, upper[0] / e * refvalue)


def _isr_table(
    data: pd.DataFrame,
    count: str,
    population: str,
    reference_count: str,
    reference_population: str,
    by: str | Sequence[str] | None,
    confidence: float | Iterable[float],
    reference: pd.DataFrame | None,
    age_band: str,
    function: str,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, dict[float, tuple[np.ndarray, np.ndarray]]]:
    levels = confidence_levels(confidence)
    by_list = _table.as_by_list(by)
    if reference is not None:
        _table.check_columns(data, [count, population, age_band, *by_list], function)
        _table.check_columns(
            reference, [age_band, reference_count, reference_population], f"{function} (reference)"
        )
        if reference[age_band].duplicated().any():
            band = reference[age_band][reference[age_band].duplicated()].iloc[0]
            raise ValueError(f"{function}: age band {band!r} appears more than once in reference")
        unknown = sorted(set(data[age_band].astype(str)) - set(reference[age_band].astype(str)))
        if unknown:
            raise ValueError(
                f"{function}: age band(s) {', '.join(map(repr, unknown))} of data are not in "
                "reference"
            )
        ref = reference[[age_band, reference_count, reference_population]].assign(
            **{age_band: reference[age_band].astype(str)}
        )
        data = data.assign(**{age_band: data[age_band].astype(str)})
        data = data.drop(columns=[c for c in (reference_count, reference_population) if c in data])
        data = data.merge(ref, on=age_band, how="left", validate="many_to_one")
    _table.check_columns(
        data, [count, population, reference_count, reference_population, *by_list], function
    )
    frame = data[by_list].copy()
    for column in (count, population, reference_count, reference_population):
        frame[column] = _table.numeric_column(data, column, function)
    check_not_negative(frame[count].to_numpy(), f"{function}: column {count!r}")
    check_not_negative(frame[population].to_numpy(), f"{function}: column {population!r}")
    check_not_negative(frame[reference_count].to_numpy(), f"{function}: column {reference_count!r}")
    if frame[reference_population].isna().any():
        raise ValueError(f"{function}: column {reference_population!r} must not be missing")
    check_positive(
        frame[reference_population].to_numpy(), f"{function}: column {reference_population!r}"
    )
    frame["_expected"] = (
        frame[reference_count] / frame[reference_population] * frame[population]
    ).fillna(0.0)
    sums = {
        "observed": (count, "sum"),
        "expected": ("_expected", "sum"),
        "_ref_count": (reference_count, "sum"),
        "_ref_pop": (reference_population, "sum"),
    }
    if by_list:
        summary = frame.groupby(by_list, sort=False, dropna=False).agg(**sums).reset_index()
    else:
        summary = pd.DataFrame({k: [frame[c].sum()] for k, (c, _) in sums.items()})
    o = summary["observed"].to_numpy(dtype=float)
    e = summary["expected"].to_numpy(dtype=float)
    limits = {level: _poisson_limits(o, level) for level in levels}
    return summary, o, e, limits


def isr_ratio(
    data: pd.DataFrame,
    count: str = "count",
    population: str = "population",
    reference_count: str = "reference_count",
    reference_population: str = "reference_population",
    *,
    by: str | Sequence[str] | None = None,
    confidence: float | Iterable[float] = DEFAULT_CONFIDENCE_LEVELS,
    refvalue: float = 1,
    reference: pd.DataFrame | None = None,
    age_band: str = "age_band",
) -> pd.DataFrame:
    """Indirectly standardised ratios per ``by`` group of age-band rows (formulas: :func:`isr`).

    Reference counts and populations are columns of ``data``, or come from ``reference``
    (columns ``age_band``, ``reference_count``, ``reference_population``) joined by band label.
    One row per group: ``by`` columns, ``observed``, ``expected``, ``value`` (O / E x refvalue),
    limits per confidence level, ``method`` ("Exact" for O < 10, else "Byars") and ``reason``.
    """
    summary, o, e, limits = _isr_table(
        data,
        count,
        population,
        reference_count,
        reference_population,
        by,
        confidence,
        reference,
        age_band,
        "isr_ratio",
    )
    return _finish(summary, o, e, limits, refvalue)


def isr_rate(
    data: pd.DataFrame,
    count: str = "count",
    population: str = "population",
    reference_count: str = "reference_count",
    reference_population: str = "reference_population",
    *,
    by: str | Sequence[str] | None = None,
    confidence: float | Iterable[float] = DEFAULT_CONFIDENCE_LEVELS,
    multiplier: float = 100_000,
    reference: pd.DataFrame | None = None,
    age_band: str = "age_band",
) -> pd.DataFrame:
    """Indirectly standardised rates: O / E x reference rate, the reference rate being
    sum(R_i) / sum(N_i) x multiplier over the group's bands; limits likewise x reference rate.

    Columns as :func:`isr_ratio` plus ``reference_rate``.
    """
    summary, o, e, limits = _isr_table(
        data,
        count,
        population,
        reference_count,
        reference_population,
        by,
        confidence,
        reference,
        age_band,
        "isr_rate",
    )
    ref_rate = (summary["_ref_count"] / summary["_ref_pop"] * multiplier).to_numpy(dtype=float)
    summary = summary.assign(reference_rate=ref_rate)
    return _finish(summary, o, e, limits, ref_rate)


def _finish(
    summary: pd.DataFrame,
    o: np.ndarray,
    e: np.ndarray,
    limits: dict[float, tuple[np.ndarray, np.ndarray]],
    scale: float | np.ndarray,
) -> pd.DataFrame:
    zero = ~(e > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(zero, np.nan, scale / e)
    scaled = {level: (lower * factor, upper * factor) for level, (lower, upper) in limits.items()}
    base = summary.drop(columns=["_ref_count", "_ref_pop"])
    reason = _table.categorical(np.where(zero, 0, -1), [_ZERO_EXPECTED])
    return _table.result_frame(base, o * factor, scaled, poisson_method(o), reason)
