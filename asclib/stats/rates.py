"""Crude rates with Poisson confidence limits (PHEindicatormethods ``phe_rate``, ``byars_lower``,
``byars_upper``).

For an observed count O and z the two-sided normal critical value (alpha = 1 - confidence):

- Byar's approximation (Breslow & Day 1987, vol. II, p. 69):
  lower = O (1 - 1/(9O) - z/(3 sqrt O))^3, upper = (O + 1)(1 - 1/(9(O + 1)) + z/(3 sqrt(O + 1)))^3
- exact limits from the chi-square distribution (Garwood 1936):
  lower = chi2_quantile(alpha/2, 2O) / 2 (0 when O = 0),
  upper = chi2_quantile(1 - alpha/2, 2O + 2) / 2

Fingertips and PHEindicatormethods use the exact limits when O < 10 and Byar's when O >= 10
(Fingertips technical guidance, "Confidence intervals"; PHE/ APHO technical briefing 3,
"Commonly used public health statistics and their confidence intervals", 2008).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from asclib.stats import _table
from asclib.stats._distributions import chi2_ppf
from asclib.stats._validation import (
    DEFAULT_CONFIDENCE_LEVELS,
    as_float_array,
    check_confidence,
    check_not_negative,
    check_positive,
    confidence_levels,
    unwrap,
    z_value,
)

__all__ = ["EXACT_BELOW", "byar_ci", "exact_poisson_ci", "poisson_ci", "rate"]

#: Counts below this use exact chi-square limits; counts at or above it use Byar's.
EXACT_BELOW = 10

_METHODS = ("Exact", "Byars")


def _byar_limits_levels(
    count: np.ndarray, levels: Sequence[float], scale: float | np.ndarray = 1.0
) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """Byar's limits x scale at several levels, no checks; lower is 0 at O = 0 and may be
    negative for tiny O. Level-free terms are computed once; arithmetic is in place."""
    count = np.atleast_1d(np.asarray(count, dtype=np.float64))
    next_count = count + 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        lower_base = 9.0 * count
        np.divide(1.0, lower_base, out=lower_base)
        np.subtract(1.0, lower_base, out=lower_base)  # 1 - 1/(9O)
        lower_step = np.sqrt(count)
        np.divide(1.0 / 3.0, lower_step, out=lower_step)  # 1/(3 sqrt O)
    upper_base = 9.0 * next_count
    np.divide(1.0, upper_base, out=upper_base)
    np.subtract(1.0, upper_base, out=upper_base)
    upper_step = np.sqrt(next_count)
    np.divide(1.0 / 3.0, upper_step, out=upper_step)
    lower_factor = count * scale
    upper_factor = next_count * scale
    zero = count == 0
    result = {}
    for level in levels:
        z = z_value(level)
        with np.errstate(invalid="ignore"):
            lower = lower_step * -z
            lower += lower_base
            cube = lower * lower
            cube *= lower
            cube *= lower_factor
        cube[zero] = 0.0
        upper = upper_step * z
        upper += upper_base
        upper_cube = upper * upper
        upper_cube *= upper
        upper_cube *= upper_factor
        result[level] = (cube, upper_cube)
    return result


def _byar_limits(count: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Byar's limits at one level, no checks (same shape as ``count``)."""
    lower, upper = _byar_limits_levels(count, (confidence,))[confidence]
    shape = np.shape(count)
    return lower.reshape(shape), upper.reshape(shape)


def _exact_limits(count: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact chi-square limits, no checks, computed once per distinct count.

    Whole counts index a small table of quantiles (one chi-square evaluation per distinct
    value, never per row); other values go through np.unique.
    """
    count = np.asarray(count, dtype=np.float64)
    alpha = 1.0 - confidence
    whole = count.size > 0 and bool(np.all(np.floor(count) == count)) and count.max() <= 1e6
    if whole:
        distinct = np.arange(int(count.max()) + 1, dtype=np.float64)
        position = count.astype(np.int64)
    else:
        distinct, position = np.unique(count, return_inverse=True)
    lower = np.zeros(distinct.shape)
    positive = distinct > 0
    lower[positive] = chi2_ppf(alpha / 2.0, 2.0 * distinct[positive]) / 2.0
    upper = chi2_ppf(1.0 - alpha / 2.0, 2.0 * distinct + 2.0) / 2.0
    lower[np.isnan(distinct)] = np.nan
    return lower[position].reshape(count.shape), upper[position].reshape(count.shape)


def _poisson_limits_levels(
    count: np.ndarray, levels: Sequence[float], scale: float | np.ndarray = 1.0
) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """Exact limits for O < 10, Byar's for O >= 10, NaN for missing, all x scale; no checks."""
    count = np.atleast_1d(np.asarray(count, dtype=np.float64))
    result = _byar_limits_levels(count, levels, scale)
    small = np.flatnonzero(count < EXACT_BELOW)
    if small.size:
        small_scale = scale[small] if np.ndim(scale) else scale
        for level in levels:
            exact_lower, exact_upper = _exact_limits(count[small], level)
            lower, upper = result[level]
            lower[small] = exact_lower * small_scale
            upper[small] = exact_upper * small_scale
    return result


def _poisson_limits(count: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact limits for O < 10, Byar's for O >= 10, NaN for missing; no checks."""
    return _poisson_limits_levels(count, (confidence,))[confidence]


def byar_ci(
    count: float | np.ndarray | pd.Series, confidence: float = 0.95
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Byar's approximate Poisson limits for a count, without the exact switch.

    lower = O (1 - 1/(9O) - z/(3 sqrt O))^3; upper = (O+1)(1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3
    (Breslow & Day 1987). A negative lower limit (O = 1 at 99.8%) is returned as NaN, as
    PHEindicatormethods does. Use :func:`poisson_ci` for published limits.
    """
    confidence = check_confidence(confidence)
    o = as_float_array(count, "count")
    check_not_negative(o, "count")
    lower, upper = _byar_limits(o, confidence)
    lower = np.where(lower < 0, np.nan, lower)
    return unwrap(lower), unwrap(upper)


def exact_poisson_ci(
    count: float | np.ndarray | pd.Series, confidence: float = 0.95
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Exact Poisson limits: chi2_quantile(alpha/2, 2O)/2 (0 at O = 0) and
    chi2_quantile(1 - alpha/2, 2O + 2)/2 (Garwood 1936)."""
    confidence = check_confidence(confidence)
    o = as_float_array(count, "count")
    check_not_negative(o, "count")
    lower, upper = _exact_limits(o, confidence)
    return unwrap(lower), unwrap(upper)


def poisson_ci(
    count: float | np.ndarray | pd.Series, confidence: float = 0.95
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Confidence limits for an observed count, as Fingertips computes them.

    Exact chi-square limits when O < 10: lower = chi2_quantile(alpha/2, 2O)/2 (0 at O = 0),
    upper = chi2_quantile(1 - alpha/2, 2O + 2)/2; Byar's approximation when O >= 10:
    lower = O (1 - 1/(9O) - z/(3 sqrt O))^3, upper = (O+1)(1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3.
    Sources: Breslow & Day 1987; APHO technical briefing 3 (2008); Fingertips technical guidance.
    Vectorised; NaN in gives NaN out. Raises ValueError on a negative count.

    >>> [round(v, 6) for v in poisson_ci(65)]
    [50.163188, 82.849139]
    """
    confidence = check_confidence(confidence)
    o = as_float_array(count, "count")
    check_not_negative(o, "count")
    lower, upper = _poisson_limits(np.atleast_1d(o), confidence)
    return unwrap(lower.reshape(o.shape)), unwrap(upper.reshape(o.shape))


def poisson_method(count: np.ndarray) -> pd.Categorical:
    """ "Exact" where count < 10, "Byars" where count >= 10, missing where count is missing."""
    codes = (count >= EXACT_BELOW).view(np.int8).copy()
    codes[np.isnan(count)] = -1
    return _table.categorical(codes, _METHODS)


def rate(
    data: pd.DataFrame,
    numerator: str = "numerator",
    denominator: str = "denominator",
    *,
    by: str | Sequence[str] | None = None,
    confidence: float | Iterable[float] = DEFAULT_CONFIDENCE_LEVELS,
    multiplier: float = 100_000,
) -> pd.DataFrame:
    """Crude rates per ``multiplier`` with Poisson limits, per row or per ``by`` group.

    value = O / n x multiplier; limits = :func:`poisson_ci` (exact for O < 10, Byar's for
    O >= 10) / n x multiplier. The switch is on the count of each row (or group sum).
    Grouping, kept columns and result columns as in :func:`asclib.stats.proportion`;
    ``method`` is "Exact" or "Byars".
    """
    levels = confidence_levels(confidence)
    by_list = _table.as_by_list(by)
    _table.check_columns(data, [numerator, denominator, *by_list], "rate")
    base = _table.sum_by(data, [numerator, denominator], by_list) if by_list else data
    o = _table.numeric_column(base, numerator, "rate")
    n = _table.numeric_column(base, denominator, "rate")
    check_not_negative(o, f"rate: column {numerator!r}")
    check_positive(n, f"rate: column {denominator!r}")
    scale = np.divide(multiplier, n)
    value = o * scale
    limits = _poisson_limits_levels(o, levels, scale)
    reason = _table.categorical(
        np.isnan(value).view(np.int8) - np.int8(1), ["missing numerator or denominator"]
    )
    return _table.result_frame(base, value, limits, poisson_method(o), reason)
