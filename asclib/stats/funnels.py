"""Funnel-plot control limits and significance (PHEindicatormethods ``calculate_funnel_limits``,
``assign_funnel_significance``), for proportions and for indirectly standardised ratios.

Proportions: the limits at population N around the average p are the two observed proportions
whose Wilson score interval just touches p. With z = Phi^-1(0.975) (2 sigma) or
Phi^-1(0.999) (3 sigma), A = p (N/z^2 + 1), B = 1/z^2 + 1/N and
D = sqrt(64 A^2 - 64 B p (N (p (N/z^2 + 2) - 1) + z^2 (p - 1))):

    limit = (A -/+ D/8) / B / N x multiplier, clipped to [0, multiplier]

Ratios (O / E): for an observed count O the funnel is drawn at the expected count E at which
O sits exactly on the limit: P(X <= O | E) = tail gives E = chi2_quantile(1 - tail, 2O + 2) / 2
(lower funnel) and P(X >= O | E) = tail gives E = chi2_quantile(tail, 2O) / 2 (upper funnel),
tail 0.025 (2 sigma) or 0.001 (3 sigma); the ratio limit is O / E x refvalue.

Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
2005;24:1185-1202. PHE, "Calculating funnel plot limits" (APHO technical briefing).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from asclib.stats._distributions import chi2_ppf, norm_ppf
from asclib.stats._validation import (
    as_float_array,
    check_not_above,
    check_not_negative,
    check_positive,
)
from asclib.stats.rates import _poisson_limits

__all__ = [
    "proportion_funnel_limits",
    "proportion_significance",
    "ratio_funnel_limits",
    "ratio_significance",
]

_TWO_SIGMA, _THREE_SIGMA = 0.975, 0.999  # one-sided normal probabilities of the 2s / 3s limits
_LABELS = ("Low (0.001)", "Low (0.025)", "High (0.001)", "High (0.025)", "Not significant")


def _proportion_limit(
    population: np.ndarray, p: float, probability: float
) -> tuple[np.ndarray, np.ndarray]:
    z = float(norm_ppf(probability))
    z2 = z * z
    n = population
    a = p * (n / z2 + 1.0)
    b = 1.0 / z2 + 1.0 / n
    with np.errstate(invalid="ignore"):
        d = np.sqrt(64.0 * a * a - 64.0 * b * p * (n * (p * (n / z2 + 2.0) - 1.0) + z2 * (p - 1.0)))
    return (a - d / 8.0) / b / n, (a + d / 8.0) / b / n


def proportion_funnel_limits(
    population: Sequence[float] | np.ndarray | pd.Series,
    average_proportion: float,
    multiplier: float = 100,
) -> pd.DataFrame:
    """Funnel limits (2 and 3 sigma) for proportions at each population size.

    See the module docstring for the Wilson-boundary formula. ``average_proportion`` is a
    fraction (sum of numerators / sum of denominators). Returns columns population,
    baseline, lower_2s, upper_2s, lower_3s, upper_3s on the multiplier's scale, clipped to
    [0, multiplier].
    """
    n = as_float_array(population, "population").ravel()
    check_positive(n, "population")
    if not 0 <= average_proportion <= 1:
        raise ValueError(
            f"average_proportion must be a fraction in [0, 1], got {average_proportion!r}"
        )
    columns = {"population": n, "baseline": np.full(n.shape, average_proportion * multiplier)}
    for name, probability in (("2s", _TWO_SIGMA), ("3s", _THREE_SIGMA)):
        lower, upper = _proportion_limit(n, average_proportion, probability)
        columns[f"lower_{name}"] = np.clip(lower * multiplier, 0.0, multiplier)
        columns[f"upper_{name}"] = np.clip(upper * multiplier, 0.0, multiplier)
    return pd.DataFrame(columns)


def _label(low3: np.ndarray, low2: np.ndarray, high3: np.ndarray, high2: np.ndarray) -> np.ndarray:
    codes = np.select([low3, low2, high3, high2], [0, 1, 2, 3], default=4)
    return np.array(_LABELS, dtype=object)[codes]


def proportion_significance(
    numerator: Sequence[float] | np.ndarray | pd.Series,
    denominator: Sequence[float] | np.ndarray | pd.Series,
    average_proportion: float | None = None,
) -> np.ndarray:
    """Funnel significance of each x / n against the average proportion.

    The average defaults to sum(x) / sum(n). Below the 3-sigma lower limit: "Low (0.001)";
    else below 2-sigma: "Low (0.025)"; above 3-sigma upper: "High (0.001)"; above 2-sigma:
    "High (0.025)"; else "Not significant" (limits as :func:`proportion_funnel_limits`).
    """
    x = as_float_array(numerator, "numerator").ravel()
    n = as_float_array(denominator, "denominator").ravel()
    check_not_negative(x, "numerator")
    check_positive(n, "denominator")
    check_not_above(x, n, ("numerator", "denominator"))
    p = float(np.nansum(x) / np.nansum(n)) if average_proportion is None else average_proportion
    limits = proportion_funnel_limits(n, p, multiplier=1)
    share = x / n
    return _label(
        share < limits["lower_3s"].to_numpy(),
        share < limits["lower_2s"].to_numpy(),
        share > limits["upper_3s"].to_numpy(),
        share > limits["upper_2s"].to_numpy(),
    )


def ratio_funnel_limits(
    observed: Sequence[float] | np.ndarray | pd.Series, refvalue: float = 100
) -> pd.DataFrame:
    """Funnel limits for indirectly standardised ratios at each observed count O.

    Expected counts at which O lies on each funnel: lower funnel E = chi2_quantile(1 - tail,
    2O + 2) / 2, upper funnel E = chi2_quantile(tail, 2O) / 2, tail 0.025 (2s) or 0.001 (3s);
    ratio limits O / E x refvalue. Columns observed, lower_2s_exp_events, upper_2s_exp_events,
    lower_3s_exp_events, upper_3s_exp_events, lower_2s_ratio, ..., upper_3s_ratio.
    """
    o = as_float_array(observed, "observed").ravel()
    check_positive(o, "observed")
    columns: dict[str, np.ndarray] = {"observed": o}
    for name, tail in (("2s", 1 - _TWO_SIGMA), ("3s", 1 - _THREE_SIGMA)):
        columns[f"lower_{name}_exp_events"] = chi2_ppf(1 - tail, 2 * o + 2) / 2
        columns[f"upper_{name}_exp_events"] = chi2_ppf(tail, 2 * o) / 2
    for name in ("2s", "3s"):
        for side in ("lower", "upper"):
            columns[f"{side}_{name}_ratio"] = o / columns[f"{side}_{name}_exp_events"] * refvalue
    return pd.DataFrame(columns)


def ratio_significance(
    observed: Sequence[float] | np.ndarray | pd.Series,
    expected: Sequence[float] | np.ndarray | pd.Series,
) -> np.ndarray:
    """Funnel significance of each O / E against 1, from the Poisson limits of O / E.

    Limits: exact chi-square for O < 10 (lower 0 at O = 0), Byar's for O >= 10, divided by E.
    Lower 99.8% limit above 1: "High (0.001)"; lower 95% limit above 1: "High (0.025)";
    upper 99.8% limit below 1: "Low (0.001)"; upper 95% below 1: "Low (0.025)"; else
    "Not significant".
    """
    o = as_float_array(observed, "observed").ravel()
    e = as_float_array(expected, "expected").ravel()
    check_not_negative(o, "observed")
    check_positive(e, "expected")
    lower95, upper95 = (limit / e for limit in _poisson_limits(o, 0.95))
    lower998, upper998 = (limit / e for limit in _poisson_limits(o, 0.998))
    return _label(upper998 < 1, upper95 < 1, lower998 > 1, lower95 > 1)
