"""Proportions with Wilson score confidence intervals (PHEindicatormethods ``phe_proportion``).

Wilson score interval (Wilson 1927; Newcombe 1998, method 3; as in PHEindicatormethods and the
Fingertips technical guidance): for numerator x, denominator n and z the two-sided normal
critical value,

    limits = (2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2))

Wilson EB. Probable inference, the law of succession, and statistical inference. J Am Stat Assoc
1927;22:209-212. Newcombe RG. Two-sided confidence intervals for the single proportion.
Stat Med 1998;17:857-872.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from asclib.stats import _table
from asclib.stats._validation import (
    DEFAULT_CONFIDENCE_LEVELS,
    as_float_array,
    check_confidence,
    check_not_above,
    check_not_negative,
    check_positive,
    confidence_levels,
    unwrap,
    z_value,
)

__all__ = ["proportion", "wilson_ci"]


def _wilson_limits_levels(
    numerator: np.ndarray, denominator: np.ndarray, levels: Sequence[float], multiplier: float = 1.0
) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """Wilson limits x multiplier at several levels, no input checks.

    The level-free term 4x(1 - x/n) is computed once and the arithmetic is done in place:
    a million rows then cost a few large temporaries, not dozens.
    """
    x, n = np.broadcast_arrays(
        np.atleast_1d(np.asarray(numerator, dtype=np.float64)),
        np.atleast_1d(np.asarray(denominator, dtype=np.float64)),
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        core = x / n
        np.subtract(1.0, core, out=core)
        core *= x
        core *= 4.0
    result: dict[float, tuple[np.ndarray, np.ndarray]] = {}
    for level in levels:
        if level == 1.0:
            missing = np.isnan(x) | np.isnan(n)
            result[level] = (
                np.where(missing, np.nan, 0.0) * multiplier,
                np.where(missing, np.nan, 1.0) * multiplier,
            )
            continue
        z = z_value(level)
        z2 = z * z
        with np.errstate(invalid="ignore"):
            spread = core + z2
            np.sqrt(spread, out=spread)
            spread *= z
        factor = n + z2
        np.divide(multiplier / 2.0, factor, out=factor)
        upper = x * 2.0
        upper += z2
        lower = upper - spread
        lower *= factor
        upper += spread
        upper *= factor
        result[level] = (lower, upper)
    return result


def _wilson_limits(
    numerator: np.ndarray, denominator: np.ndarray, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson limits at one level without input checks (shape of the broadcast inputs)."""
    shape = np.broadcast_shapes(np.shape(numerator), np.shape(denominator))
    lower, upper = _wilson_limits_levels(numerator, denominator, (confidence,))[confidence]
    return lower.reshape(shape), upper.reshape(shape)


def wilson_ci(
    numerator: float | np.ndarray | pd.Series,
    denominator: float | np.ndarray | pd.Series,
    confidence: float = 0.95,
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Wilson score interval for a proportion, as proportions in [0, 1].

    ``limits = (2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2))`` with x the numerator,
    n the denominator, z = Phi^-1(1 - (1 - confidence)/2) (Wilson 1927; Newcombe 1998).
    Vectorised: arrays in, arrays out; a missing numerator or denominator gives NaN for that
    element. Numerators need not be integers. Confidence 1 gives (0, 1).

    Raises ValueError for a negative numerator, a denominator <= 0, a numerator above its
    denominator, or confidence outside [0.9, 1].

    >>> [round(v, 6) for v in wilson_ci(65, 100)]
    [0.552544, 0.736358]
    """
    confidence = check_confidence(confidence)
    x = as_float_array(numerator, "numerator")
    n = as_float_array(denominator, "denominator")
    check_not_negative(x, "numerator")
    check_positive(n, "denominator")
    check_not_above(x, n, ("numerator", "denominator"))
    lower, upper = _wilson_limits(x, n, confidence)
    return unwrap(lower), unwrap(upper)


def proportion(
    data: pd.DataFrame,
    numerator: str = "numerator",
    denominator: str = "denominator",
    *,
    by: str | Sequence[str] | None = None,
    confidence: float | Iterable[float] = DEFAULT_CONFIDENCE_LEVELS,
    multiplier: float = 100,
) -> pd.DataFrame:
    """Proportions with Wilson score limits, one row per input row or per ``by`` group.

    value = numerator / denominator x multiplier; limits from :func:`wilson_ci` x multiplier.
    Without ``by`` every input column is kept and the results are appended; with ``by`` the
    numerators and denominators are summed within each group (a missing value makes that
    group's sum missing) and the frame has the ``by`` columns, the two sums and the results.

    Result columns: ``value, lower_ci_95, upper_ci_95, lower_ci_99_8, upper_ci_99_8`` (one
    pair per confidence level), ``method`` ("Wilson") and ``reason`` (why a value is missing,
    else missing). ``multiplier`` 100 gives percentages (the default, as Fingertips shows them),
    1 proportions.
    """
    levels = confidence_levels(confidence)
    by_list = _table.as_by_list(by)
    _table.check_columns(data, [numerator, denominator, *by_list], "proportion")
    base = _table.sum_by(data, [numerator, denominator], by_list) if by_list else data
    x = _table.numeric_column(base, numerator, "proportion")
    n = _table.numeric_column(base, denominator, "proportion")
    check_not_negative(x, f"proportion: column {numerator!r}")
    check_positive(n, f"proportion: column {denominator!r}")
    check_not_above(x, n, (f"proportion: column {numerator!r}", f"column {denominator!r}"))
    value = x / n
    value *= multiplier
    limits = _wilson_limits_levels(x, n, levels, multiplier)
    reason = _table.categorical(
        np.isnan(value).view(np.int8) - np.int8(1), ["missing numerator or denominator"]
    )
    return _table.result_frame(base, value, limits, "Wilson", reason)
