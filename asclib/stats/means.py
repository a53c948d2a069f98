"""Means with Student's t confidence intervals (PHEindicatormethods ``phe_mean``).

For n values with mean m and sample standard deviation s (n - 1 divisor):

    limits = m -/+ t_{n-1, 1 - alpha/2} x s / sqrt(n)

(Student 1908; APHO technical briefing 3, 2008, "Means").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from asclib.stats import _table
from asclib.stats._distributions import t_ppf
from asclib.stats._validation import (
    DEFAULT_CONFIDENCE_LEVELS,
    as_float_array,
    check_confidence,
    confidence_levels,
)

__all__ = ["mean", "mean_ci"]

_FEWER_THAN_TWO = "fewer than 2 values"


def _t_limits(
    mean_value: np.ndarray, sd: np.ndarray, count: np.ndarray, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        t = t_ppf(1.0 - (1.0 - confidence) / 2.0, count - 1.0)
        half_width = t * sd / np.sqrt(count)
    return mean_value - half_width, mean_value + half_width


def mean_ci(
    values: Sequence[float] | np.ndarray | pd.Series, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Mean of one group of values with a Student's t interval: (mean, lower, upper).

    mean -/+ t_{n-1, 1-alpha/2} x sd / sqrt(n), sd the sample standard deviation (n - 1).
    Missing values are ignored; fewer than 2 values give NaN limits (and NaN mean when empty).

    >>> [round(v, 4) for v in mean_ci([1.0, 2.0, 3.0, 4.0])]
    [2.5, 0.4457, 4.5543]
    """
    confidence = check_confidence(confidence)
    x = as_float_array(values, "values").ravel()
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return (np.nan, np.nan, np.nan)
    m = float(x.mean())
    if n < 2:
        return (m, np.nan, np.nan)
    sd = float(x.std(ddof=1))
    lower, upper = _t_limits(np.float64(m), np.float64(sd), np.float64(n), confidence)
    return (m, float(lower), float(upper))


def mean(
    data: pd.DataFrame,
    values: str = "value",
    *,
    by: str | Sequence[str] | None = None,
    confidence: float | Iterable[float] = DEFAULT_CONFIDENCE_LEVELS,
) -> pd.DataFrame:
    """Means of the column ``values`` per ``by`` group (or of the whole table) with t limits.

    One row per group: the ``by`` columns, ``value_sum``, ``value_count``, ``stdev`` (n - 1),
    ``value`` (the mean), limits per confidence level, ``method`` ("Student's t") and
    ``reason`` ("fewer than 2 values" when the limits cannot be computed). Missing values are
    ignored; a group with none gives NaN with that reason.
    """
    levels = confidence_levels(confidence)
    by_list = _table.as_by_list(by)
    _table.check_columns(data, [values, *by_list], "mean")
    numbers = pd.Series(_table.numeric_column(data, values, "mean"), index=data.index)
    if by_list:
        grouped = numbers.groupby([data[c] for c in by_list], sort=False, dropna=False)
        summary = pd.DataFrame(
            {
                "value_sum": grouped.sum(),
                "value_count": grouped.count(),
                "stdev": grouped.std(ddof=1),
            }
        ).reset_index()
        summary.columns = [*by_list, "value_sum", "value_count", "stdev"]
    else:
        summary = pd.DataFrame(
            {
                "value_sum": [numbers.sum()],
                "value_count": [numbers.count()],
                "stdev": [numbers.std(ddof=1)],
            }
        )
    total = summary["value_sum"].to_numpy(dtype=np.float64)
    count = summary["value_count"].to_numpy(dtype=np.float64)
    sd = summary["stdev"].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_value = np.where(count > 0, total / count, np.nan)
    limits = {}
    for level in levels:
        lower, upper = _t_limits(mean_value, sd, count, level)
        few = count < 2
        limits[level] = (np.where(few, np.nan, lower), np.where(few, np.nan, upper))
    reason = _table.categorical(np.where(count < 2, 0, -1), [_FEWER_THAN_TWO])
    return _table.result_frame(summary, mean_value, limits, "Student's t", reason)
