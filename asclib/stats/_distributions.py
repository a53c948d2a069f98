"""Quantile functions (inverse CDFs) of the normal, chi-squared and Student's t distributions.

The same values as ``scipy.stats.norm.ppf``, ``chi2.ppf`` and ``t.ppf``, computed with the same
scipy.special kernels those call (``ndtri``; ``2 gammaincinv(df / 2, q)``; ``stdtrit``) and
the same edge rules (``rv_continuous.ppf``): the support's lower bound at q = 0, its upper
bound at q = 1, NaN for q outside [0, 1], for NaN input or for df <= 0. Importing scipy.stats
costs ~0.5 s (every distribution it defines); scipy.special ~0.1 s, in every kernel that
imports asclib.stats. tests/stats/test_distributions.py holds these equal to scipy.stats.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import special


def _quantile(core: Callable[..., Any], q: Any, shape: Any | None, lower: float,
              upper: float) -> Any:
    q = np.asarray(q, dtype=float)
    valid = np.ones(q.shape, dtype=bool) if shape is None else np.asarray(shape) > 0
    q, valid = np.broadcast_arrays(q, valid)
    output = np.full(q.shape, np.nan)
    inside = valid & (q > 0) & (q < 1)
    output[valid & (q == 0)] = lower
    output[valid & (q == 1)] = upper
    if inside.any():
        if shape is None:
            output[inside] = core(q[inside])
        else:
            output[inside] = core(q[inside], np.broadcast_to(shape, q.shape)[inside])
    return output[()] if output.ndim == 0 else output


def norm_ppf(q: Any) -> Any:
    """Standard normal quantile: ``ndtri(q)`` (scipy.stats.norm.ppf)."""
    return _quantile(special.ndtri, q, None, -np.inf, np.inf)


def chi2_ppf(q: Any, df: Any) -> Any:
    """Chi-squared quantile with ``df`` degrees of freedom: ``2 gammaincinv(df / 2, q)``
    (scipy.stats.chi2.ppf)."""
    return _quantile(lambda p, k: 2 * special.gammaincinv(k / 2, p), q,
                     np.asarray(df, dtype=float), 0.0, np.inf)


def t_ppf(q: Any, df: Any) -> Any:
    """Student's t quantile with ``df`` degrees of freedom: ``stdtrit(df, q)``
    (scipy.stats.t.ppf)."""
    return _quantile(lambda p, k: special.stdtrit(k, p), q, np.asarray(df, dtype=float),
                     -np.inf, np.inf)
