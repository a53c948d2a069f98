"""Directly standardised rates with Dobson confidence limits (PHEindicatormethods
``calculate_dsr`` / ``phe_dsr``), and the European Standard Population 2013.

With counts O_i, populations n_i and standard populations w_i over the age bands i:

    DSR = sum(w_i O_i / n_i) / sum(w_i) x multiplier
    var(DSR) = sum(O_i (w_i / n_i)^2) / sum(w_i)^2
    limits = DSR + sqrt(var / O) x (Byar_limit(O) - O) x multiplier,   O = sum O_i

using Byar's lower / upper limit for the total count O (Dobson et al. 1991). When the total
count is under 10 the DSR and its limits are not published (NaN, reason "total count < 10"),
as Fingertips and PHEindicatormethods do.

Non-independent events (a person can have several events): with persons_{i,f} having f events,
O_i = sum_f f persons_{i,f} and var = sum_f f^2 var_f, var_f the ordinary variance computed from
persons_{i,f} alone (PHEindicatormethods 2.0, after Public Health Scotland's method).

Dobson AJ, Kuulasmaa K, Eberle E, Scherer J. Confidence intervals for weighted sums of Poisson
parameters. Stat Med 1991;10:457-462. Eurostat. Revision of the European Standard Population,
2013 edition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

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
from asclib.stats.rates import _byar_limits

__all__ = ["ESP2013", "ESP2013_BANDS", "MIN_TOTAL_COUNT", "dsr", "standardised_rate"]

#: The 19 five-year age bands of the European Standard Population 2013 (Eurostat).
ESP2013_BANDS: tuple[str, ...] = (
    "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
    "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+",
)  # fmt: skip

#: European Standard Population 2013 by band label (sums to 100,000).
ESP2013: Mapping[str, int] = MappingProxyType(
    dict(
        zip(
            ESP2013_BANDS,
            (5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000,
             5500, 5000, 4000, 2500, 1500, 1000),
            strict=True,
        )
    )
)  # fmt: skip

#: A DSR is only published when the total count is at least this.
MIN_TOTAL_COUNT = 10
TOTAL_COUNT_REASON = f"total count < {MIN_TOTAL_COUNT}"


def _dobson(
    weighted_rate: float, variance: float, total: float, confidence: float, multiplier: float
) -> tuple[float, float, float]:
    byar_lower, byar_upper = _byar_limits(np.float64(total), confidence)
    spread = np.sqrt(variance / total)
    return (
        weighted_rate * multiplier,
        (weighted_rate + spread * (byar_lower - total)) * multiplier,
        (weighted_rate + spread * (byar_upper - total)) * multiplier,
    )


def dsr(
    counts: Sequence[float] | np.ndarray | pd.Series,
    populations: Sequence[float] | np.ndarray | pd.Series,
    standard_populations: Sequence[float] | np.ndarray | pd.Series,
    confidence: float = 0.95,
    multiplier: float = 100_000,
    *,
    event_frequencies: Sequence[float] | np.ndarray | None = None,
) -> Estimate:
    """Directly standardised rate of one group of age bands: (value, lower, upper).

    DSR = sum(w_i O_i / n_i) / sum(w_i) x multiplier, var = sum(O_i (w_i/n_i)^2) / sum(w_i)^2,
    Dobson limits DSR + sqrt(var/O) (Byar_limit(O) - O) x multiplier on the total count O
    (Dobson et al. 1991). Missing counts count as 0. Total count < 10 gives NaN with
    ``reason`` "total count < 10".

    With ``event_frequencies`` (f_1..f_k), ``counts`` is a (bands x k) array of the numbers of
    persons with f_j events; events O_i = sum_j f_j persons_ij and var = sum_j f_j^2 var_j
    (non-independent events).

    The arrays are aligned band by band; use :func:`standardised_rate` to join a standard
    population by band label.
    """
    confidence = check_confidence(confidence)
    n = as_float_array(populations, "populations").ravel()
    w = as_float_array(standard_populations, "standard_populations").ravel()
    o = as_float_array(counts, "counts")
    if n.shape != w.shape:
        raise ValueError(
            f"dsr: populations ({n.size} bands) and standard_populations ({w.size} bands) "
            "differ in length"
        )
    if event_frequencies is None:
        if o.ndim != 1:
            raise ValueError(
                "dsr: counts must be one value per band (1-D) without event_frequencies"
            )
        o = o[:, None]
        f = np.ones(1)
    else:
        f = as_float_array(event_frequencies, "event_frequencies").ravel()
        if o.ndim == 1 and f.size == 1:
            o = o[:, None]
        if o.ndim != 2 or o.shape[1] != f.size:
            raise ValueError(
                f"dsr: counts must be a (bands x {f.size}) array, one column per event frequency"
            )
        check_positive(f, "event_frequencies")
    if o.shape[0] != n.size:
        raise ValueError(
            f"dsr: counts ({o.shape[0]} bands) and populations ({n.size} bands) differ in length"
        )
    if np.isnan(n).any() or np.isnan(w).any():
        raise ValueError("dsr: populations and standard populations must not be missing")
    check_positive(n, "dsr: populations")
    check_not_negative(w, "dsr: standard_populations")
    o = np.nan_to_num(o, nan=0.0)
    check_not_negative(o, "dsr: counts")
    total = float((o * f).sum())
    if total < MIN_TOTAL_COUNT:
        return Estimate(np.nan, np.nan, np.nan, TOTAL_COUNT_REASON)
    weight = w / n / w.sum()
    weighted_rate = float(((o * f).sum(axis=1) * weight).sum())
    variance = float(((o * weight[:, None] ** 2).sum(axis=0) * f**2).sum())
    return Estimate(*_dobson(weighted_rate, variance, total, confidence, multiplier))


def _group_arrays(
    group: pd.DataFrame,
    count: str,
    population: str,
    age_band: str,
    standard: Mapping[str, float] | str,
    event_frequency: str | None,
    label: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Counts (bands x frequencies), populations and standard populations of one group."""
    bands = group[age_band].astype(str).str.strip()
    keys = [bands] if event_frequency is None else [bands, group[event_frequency]]
    duplicated = pd.concat(keys, axis=1).duplicated()
    if duplicated.any():
        raise ValueError(
            f"standardised_rate: {label}age band {bands[duplicated].iloc[0]!r} "
            "appears more than once" + (f" for one {event_frequency!r}" if event_frequency else "")
        )
    if isinstance(standard, str):
        w_by_band = group.groupby(bands, sort=False)[standard].first()
    else:
        unknown = sorted(set(bands) - set(standard))
        absent = [b for b in standard if b not in set(bands)]
        if unknown:
            raise ValueError(
                f"standardised_rate: {label}age band(s) {', '.join(map(repr, unknown))} are not in "
                f"the standard population (bands: {', '.join(standard)})"
            )
        if absent:
            raise ValueError(
                f"standardised_rate: {label}age band(s) {', '.join(map(repr, absent))} of the "
                "standard population are missing; give every band (count 0 where none)"
            )
        w_by_band = pd.Series({b: float(standard[b]) for b in pd.unique(bands)})
    n_by_band = group.groupby(bands, sort=False)[population].first()
    order = w_by_band.index
    o = pd.to_numeric(group[count], errors="coerce")
    if event_frequency is None:
        matrix = o.groupby(bands, sort=False).sum().reindex(order).to_numpy(dtype=float)
        freqs = None
    else:
        table = o.groupby([bands, group[event_frequency]], sort=False).sum().unstack(fill_value=0.0)
        table = table.reindex(order).fillna(0.0)
        matrix = table.to_numpy(dtype=float)
        freqs = table.columns.to_numpy(dtype=float)
    return (
        matrix,
        n_by_band.reindex(order).to_numpy(dtype=float),
        w_by_band.to_numpy(dtype=float),
        freqs,
    )


def standardised_rate(
    data: pd.DataFrame,
    count: str = "count",
    population: str = "population",
    *,
    age_band: str = "age_band",
    standard: Mapping[str, float] | str = ESP2013,
    by: str | Sequence[str] | None = None,
    confidence: float | Iterable[float] = DEFAULT_CONFIDENCE_LEVELS,
    multiplier: float = 100_000,
    event_frequency: str | None = None,
) -> pd.DataFrame:
    """Directly standardised rates (Dobson limits) per ``by`` group of age-band rows.

    ``standard`` is a mapping band label -> standard population (default the European Standard
    Population 2013, 19 bands "0-4" ... "85-89", "90+"), joined to ``data[age_band]`` by
    label, never by position: every band of the standard must appear once per group and no
    other band may. Or give the name of a column of ``data`` holding each row's standard
    population. With ``event_frequency`` (column of events per person), ``count`` holds the
    number of persons with that many events and the non-independent-events variance is used.

    One row per group: the ``by`` columns, ``total_count``, ``total_population``, ``value``,
    limits per confidence level, ``method`` ("Dobson") and ``reason`` ("total count < 10" where
    the rate is suppressed). Formulas: see :func:`dsr`.
    """
    levels = confidence_levels(confidence)
    by_list = _table.as_by_list(by)
    needed = [count, population, age_band, *by_list]
    if isinstance(standard, str):
        needed.append(standard)
    if event_frequency is not None:
        needed.append(event_frequency)
    _table.check_columns(data, needed, "standardised_rate")
    for column in [count, population] + ([standard] if isinstance(standard, str) else []):
        _table.numeric_column(data, column, "standardised_rate")
    groups = data.groupby(by_list, sort=False, dropna=False) if by_list else [((), data)]
    rows = []
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        label = "".join(f"{c}={k!r}, " for c, k in zip(by_list, key, strict=True))
        label = f"group {label[:-2]}: " if label else ""
        matrix, n, w, freqs = _group_arrays(
            group, count, population, age_band, standard, event_frequency, label
        )
        estimates = {}
        try:
            for level in levels:
                estimates[level] = dsr(
                    matrix if freqs is not None else matrix.ravel(),
                    n,
                    w,
                    level,
                    multiplier,
                    event_frequencies=freqs,
                )
        except ValueError as error:
            raise ValueError(f"standardised_rate: {label}{error}") from None
        first = estimates[levels[0]]
        events = matrix if freqs is None else matrix * freqs
        row = dict(zip(by_list, key, strict=True))
        row.update(total_count=float(np.nansum(events)), total_population=float(n.sum()))
        row["value"] = first.value
        for level in levels:
            row[level] = (estimates[level].lower, estimates[level].upper)
        row["reason"] = first.reason
        rows.append(row)
    base = pd.DataFrame(
        [
            {k: v for k, v in r.items() if k in [*by_list, "total_count", "total_population"]}
            for r in rows
        ],
        columns=[*by_list, "total_count", "total_population"],
    )
    value = np.array([r["value"] for r in rows], dtype=float)
    limits = {
        level: (np.array([r[level][0] for r in rows]), np.array([r[level][1] for r in rows]))
        for level in levels
    }
    reason = _table.categorical(
        np.array([0 if r["reason"] else -1 for r in rows], dtype=np.int8), [TOTAL_COUNT_REASON]
    )
    return _table.result_frame(base, value, limits, "Dobson", reason)
