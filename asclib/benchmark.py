"""Benchmarking an area's indicator against a comparator, as OHID Fingertips does.

- :func:`compare` / :func:`compare_two_level`: the area's confidence interval against the
  benchmark's value (Fingertips "compared with England / region").
- :func:`quartile_position`: the area's quartile among a comparator group.
- :func:`recent_trend`: the Fingertips recent-trend marker (chi-square test for linear trend).
- :func:`comparator_codes`: comparator groups (England, region, tier, nearest neighbours or a
  list of codes) from lookup tables passed in as data.

Polarity (which direction is good) is applied in exactly one place, :func:`_orient`; every
labeller works from its result. Pure: imports nothing else of asclib and reads no files.
Source: OHID Fingertips technical guidance ("Comparisons with benchmarks", "Recent trends",
"Quartiles"), https://fingertips.phe.org.uk/profile/guidance.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

import numpy as np
import pandas as pd

__all__ = [
    "COMPARATOR_GROUPS",
    "TREND_THRESHOLD",
    "Outcome",
    "Polarity",
    "Trend",
    "comparator_codes",
    "comparator_note",
    "compare",
    "compare_two_level",
    "quartile_position",
    "recent_trend",
    "trend_chi_square",
]


class _Label(str, Enum):
    """A string-valued enum that prints as its value (what reports and tables show)."""

    def __str__(self) -> str:
        return self.value


class Polarity(_Label):
    """Which direction of an indicator is good."""

    HIGH_IS_GOOD = "high_is_good"
    LOW_IS_GOOD = "low_is_good"
    NO_JUDGEMENT = "no_judgement"


class Outcome(_Label):
    """Result of comparing an area with a benchmark (Fingertips' significance categories)."""

    BETTER = "Better"
    SIMILAR = "Similar"
    WORSE = "Worse"
    BEST = "Best"
    WORST = "Worst"
    HIGHER = "Higher"
    LOWER = "Lower"
    NOT_COMPARED = "Not compared"


class Trend(_Label):
    """Fingertips recent-trend markers."""

    INCREASING_BETTER = "Increasing and getting better"
    INCREASING_WORSE = "Increasing and getting worse"
    DECREASING_BETTER = "Decreasing and getting better"
    DECREASING_WORSE = "Decreasing and getting worse"
    INCREASING = "Increasing"
    DECREASING = "Decreasing"
    NO_CHANGE = "No significant change"
    CANNOT_BE_CALCULATED = "Cannot be calculated"


# Orientation codes returned by _orient (direction x polarity).
_BETTER, _WORSE, _HIGHER, _LOWER, _NONE = 0, 1, 2, 3, 4


def _polarity(polarity: Polarity | str) -> Polarity:
    try:
        return Polarity(polarity)
    except ValueError:
        raise ValueError(
            f"polarity must be one of {', '.join(p.value for p in Polarity)}, got {polarity!r}"
        ) from None


def _orient(direction: np.ndarray, polarity: Polarity | str) -> np.ndarray:
    """The single place polarity is applied.

    ``direction`` is +1 (higher than the reference / increasing), -1 (lower / decreasing) or
    0 (no difference). Returns _BETTER / _WORSE under a judged polarity, _HIGHER / _LOWER
    under no_judgement, and _NONE where direction is 0.
    """
    polarity = _polarity(polarity)
    up, down = {
        Polarity.HIGH_IS_GOOD: (_BETTER, _WORSE),
        Polarity.LOW_IS_GOOD: (_WORSE, _BETTER),
        Polarity.NO_JUDGEMENT: (_HIGHER, _LOWER),
    }[polarity]
    return np.where(direction > 0, up, np.where(direction < 0, down, _NONE)).astype(np.int8)


_OUTCOMES = np.array(list(Outcome), dtype=object)
_OUTCOME_INDEX = {outcome: i for i, outcome in enumerate(Outcome)}


def _as_array(values: object) -> np.ndarray:
    """Numbers as float64; None / pd.NA become NaN."""
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return (
            pd.to_numeric(pd.Series(np.ravel(np.asarray(values, dtype=object))), errors="coerce")
            .to_numpy(dtype=np.float64, na_value=np.nan)
            .reshape(np.shape(values))
        )


def _wrap(codes: np.ndarray, template: object) -> np.ndarray | pd.Series | Outcome:
    """Outcome codes as Outcome members: a Series (index of ``template``), array or scalar."""
    if np.ndim(codes) == 0:
        return _OUTCOMES[int(codes)]
    outcomes = _OUTCOMES[codes]
    if isinstance(template, pd.Series):
        return pd.Series(outcomes, index=template.index, dtype=object)
    return outcomes


def _direction(lower: np.ndarray, upper: np.ndarray, benchmark: np.ndarray) -> np.ndarray:
    """+1 when the whole interval is above the benchmark, -1 below, 0 when it contains it
    (a limit equal to the benchmark counts as containing it)."""
    return (lower > benchmark).view(np.int8) - (upper < benchmark).view(np.int8)


def _first_series(*values: object) -> object:
    return next((v for v in values if isinstance(v, pd.Series)), values[0])


def _outcome_table(polarity: Polarity | str, strong: bool) -> np.ndarray:
    """Outcome codes for directions -1, 0, +1 (one level) under ``polarity``.

    Polarity is applied to these three directions once (via :func:`_orient`); the result is
    then looked up per row, which keeps the comparison of a million rows fast.
    """
    names = ((Outcome.BEST, Outcome.WORST) if strong else (Outcome.BETTER, Outcome.WORSE)) + (
        Outcome.HIGHER,
        Outcome.LOWER,
        Outcome.SIMILAR,
    )
    by_orientation = np.array([_OUTCOME_INDEX[o] for o in names], dtype=np.int8)
    return by_orientation[_orient(np.array([-1, 0, 1]), polarity)]


_NOT_COMPARED = np.int8(_OUTCOME_INDEX[Outcome.NOT_COMPARED])


def compare(
    lower: float | np.ndarray | pd.Series,
    upper: float | np.ndarray | pd.Series,
    benchmark: float | np.ndarray | pd.Series,
    polarity: Polarity | str,
) -> np.ndarray | pd.Series | Outcome:
    """Compare an area's confidence interval with a benchmark value (one level).

    Fingertips' rule: "Similar" when the benchmark lies within [lower, upper] (a limit equal
    to the benchmark counts as Similar); otherwise "Better" / "Worse" by polarity, or
    "Higher" / "Lower" for no_judgement; "Not compared" when any input is missing.
    Vectorised: arrays or Series in (broadcast), array / Series of :class:`Outcome` out
    (a single :class:`Outcome` for scalars).
    """
    lo, hi, bench = np.broadcast_arrays(_as_array(lower), _as_array(upper), _as_array(benchmark))
    table = np.append(_outcome_table(polarity, strong=False), _NOT_COMPARED)
    key = _direction(lo, hi, bench) + np.int8(1)
    key = np.where(np.isnan(lo) | np.isnan(hi) | np.isnan(bench), np.int8(3), key)
    return _wrap(table[key], _first_series(lower, upper, benchmark))


def compare_two_level(
    lower95: float | np.ndarray | pd.Series,
    upper95: float | np.ndarray | pd.Series,
    lower998: float | np.ndarray | pd.Series,
    upper998: float | np.ndarray | pd.Series,
    benchmark: float | np.ndarray | pd.Series,
    polarity: Polarity | str,
) -> np.ndarray | pd.Series | Outcome:
    """Two-level comparison on the 95% and 99.8% intervals (Fingertips' "Better 99.8%" etc.).

    The benchmark outside the 99.8% interval: "Best" / "Worst" by polarity; outside the 95%
    interval only: "Better" / "Worse"; otherwise "Similar" (a limit equal to the benchmark
    counts as inside). Under no_judgement both levels give "Higher" / "Lower". "Not compared"
    when any input is missing.
    """
    arrays = np.broadcast_arrays(
        *(_as_array(v) for v in (lower95, upper95, lower998, upper998, benchmark))
    )
    lo95, hi95, lo998, hi998, bench = arrays
    table = np.concatenate(
        [
            _outcome_table(polarity, strong=False),
            _outcome_table(polarity, strong=True),
            [_NOT_COMPARED],
        ]
    ).astype(np.int8)
    direction998 = _direction(lo998, hi998, bench)
    key = np.where(
        direction998 != 0, direction998 + np.int8(4), _direction(lo95, hi95, bench) + np.int8(1)
    )
    missing = np.isnan(lo95) | np.isnan(hi95) | np.isnan(lo998) | np.isnan(hi998) | np.isnan(bench)
    key = np.where(missing, np.int8(6), key).astype(np.int8, copy=False)
    return _wrap(table[key], _first_series(lower95, upper95, lower998, upper998, benchmark))


_QUARTILE_LABELS = {
    # (orientation, extreme quartile?) -> label
    (_BETTER, True): "Best quartile",
    (_BETTER, False): "2nd quartile",
    (_WORSE, False): "3rd quartile",
    (_WORSE, True): "Worst quartile",
    (_HIGHER, True): "Highest quartile",
    (_HIGHER, False): "2nd highest quartile",
    (_LOWER, False): "2nd lowest quartile",
    (_LOWER, True): "Lowest quartile",
}


def quartile_position(
    value: float,
    comparator_values: Sequence[float] | np.ndarray | pd.Series,
    polarity: Polarity | str,
) -> str:
    """The quartile of ``value`` among ``comparator_values`` (missing values dropped).

    Quartile boundaries Q1, Q2, Q3 by linear interpolation (Excel PERCENTILE.INC, numpy's
    "linear" method). value <= Q1: lowest quartile; <= Q2: 2nd lowest; <= Q3: 2nd highest;
    above Q3: highest. Labelled "Best quartile", "2nd quartile", "3rd quartile",
    "Worst quartile" by polarity, or "Highest quartile", "2nd highest quartile",
    "2nd lowest quartile", "Lowest quartile" for no_judgement. "Not compared" when the value
    is missing or fewer than 4 comparator values are available.
    """
    polarity = _polarity(polarity)
    values = _as_array(comparator_values).ravel()
    values = values[~np.isnan(values)]
    v = float(value) if value is not None and not pd.isna(value) else np.nan
    if np.isnan(v) or values.size < 4:
        return Outcome.NOT_COMPARED.value
    q1, q2, q3 = np.percentile(values, [25, 50, 75], method="linear")
    # position from the top: 1 highest, 4 lowest
    position = 4 if v <= q1 else 3 if v <= q2 else 2 if v <= q3 else 1
    direction = np.array([1 if position <= 2 else -1])
    orientation = int(_orient(direction, polarity)[0])
    return _QUARTILE_LABELS[(orientation, position in (1, 4))]


#: chi-square (1 df) critical value at 99.8%: Fingertips' recent-trend threshold.
TREND_THRESHOLD = 9.5495

_TREND_POINTS = 5


def trend_chi_square(
    counts: Sequence[float] | np.ndarray,
    denominators: Sequence[float] | np.ndarray,
    statistic: str = "proportion",
) -> tuple[float, int]:
    """Chi-square statistic for linear trend and the direction of the trend (+1 / -1 / 0).

    With points t = 1..k, counts r_t, denominators n_t, R = sum r_t, N = sum n_t, p = R / N:

        chi2 = (sum r_t t - R sum n_t t / N)^2 / (V (sum n_t t^2 - (sum n_t t)^2 / N))

    where V = p (1 - p) for proportions (Armitage 1955; Cochran 1954) and V = p for rates
    (Poisson counts). Compared with 9.5495 (chi-square, 1 df, 99.8%) as in Fingertips.
    """
    r = np.asarray(counts, dtype=np.float64)
    n = np.asarray(denominators, dtype=np.float64)
    t = np.arange(1, r.size + 1, dtype=np.float64)
    total_r, total_n = r.sum(), n.sum()
    p = total_r / total_n
    variance = p * (1.0 - p) if statistic == "proportion" else p
    if statistic not in ("proportion", "rate"):
        raise ValueError(f"statistic must be 'proportion' or 'rate', got {statistic!r}")
    slope_numerator = (r * t).sum() - total_r * (n * t).sum() / total_n
    spread = (n * t * t).sum() - (n * t).sum() ** 2 / total_n
    if variance <= 0 or spread <= 0:
        return 0.0, 0
    return float(slope_numerator**2 / (variance * spread)), int(np.sign(slope_numerator))


def recent_trend(
    counts: Sequence[float] | np.ndarray | pd.Series,
    denominators: Sequence[float] | np.ndarray | pd.Series,
    polarity: Polarity | str,
    statistic: str = "proportion",
) -> Trend:
    """Fingertips' recent-trend marker over the 5 latest points (oldest first).

    Chi-square test for linear trend (Armitage 1955; see :func:`trend_chi_square`) on the
    last 5 (count, denominator) pairs; significant when the statistic exceeds 9.5495
    (99.8%, 1 df). The direction is the sign of the trend in the proportion / rate.
    Returns "Increasing and getting better" / "... worse", "Decreasing and getting better" /
    "... worse" by polarity, "Increasing" / "Decreasing" for no_judgement, "No significant
    change", or "Cannot be calculated" with fewer than 5 complete points (or a zero total).
    Fingertips technical guidance, "Recent trends"; Armitage P. Tests for linear trends in
    proportions and frequencies. Biometrics 1955;11:375-386.
    """
    polarity = _polarity(polarity)
    r = np.asarray(counts, dtype=np.float64)
    n = np.asarray(denominators, dtype=np.float64)
    if r.shape != n.shape:
        raise ValueError(f"counts ({r.size}) and denominators ({n.size}) differ in length")
    r, n = r[-_TREND_POINTS:], n[-_TREND_POINTS:]
    if r.size < _TREND_POINTS or np.isnan(r).any() or np.isnan(n).any() or (n <= 0).any():
        return Trend.CANNOT_BE_CALCULATED
    if (r < 0).any() or (statistic == "proportion" and (r > n).any()):
        raise ValueError("counts must be between 0 and their denominators")
    if r.sum() == 0:
        return Trend.CANNOT_BE_CALCULATED
    chi_square, direction = trend_chi_square(r, n, statistic)
    if chi_square <= TREND_THRESHOLD or direction == 0:
        return Trend.NO_CHANGE
    orientation = int(_orient(np.array([direction]), polarity)[0])
    return {
        (1, _BETTER): Trend.INCREASING_BETTER,
        (1, _WORSE): Trend.INCREASING_WORSE,
        (-1, _BETTER): Trend.DECREASING_BETTER,
        (-1, _WORSE): Trend.DECREASING_WORSE,
        (1, _HIGHER): Trend.INCREASING,
        (-1, _LOWER): Trend.DECREASING,
    }[(direction, orientation)]


#: Named comparator groups (a comma-separated list of area codes is also accepted).
COMPARATOR_GROUPS = ("nearest_neighbours", "region", "tier", "england")


def comparator_codes(
    area_code: str,
    group: str,
    lookup: pd.DataFrame,
    nearest_neighbours: pd.DataFrame | None = None,
) -> list[str]:
    """Area codes of the comparator group of ``area_code``, the area itself first.

    ``group``: "england" (every council with adult social care responsibility in ``lookup``),
    "region" (those with the same region_code), "tier" (those of the same geography, e.g.
    all metropolitan districts), "nearest_neighbours" (the area's rows of
    ``nearest_neighbours``, e.g. CIPFA / Oflog neighbours) or a comma-separated list of codes.
    ``lookup`` has columns area_code, region_code, geography, asc_authority;
    ``nearest_neighbours`` columns area_code, neighbour_code. An area with no nearest
    neighbours listed (City of London, Isles of Scilly) gets its region instead; say so with
    :func:`comparator_note`. The result is the area followed by the other members in
    ``lookup`` / list order, without duplicates.
    """
    required = ["area_code", "region_code", "geography", "asc_authority"]
    missing = [c for c in required if c not in lookup.columns]
    if missing:
        raise ValueError(f"comparator_codes: lookup lacks column(s) {', '.join(missing)}")
    codes = lookup["area_code"].astype(str)
    if area_code not in set(codes):
        raise ValueError(f"comparator_codes: area code {area_code!r} is not in the lookup table")
    row = lookup.loc[codes == area_code].iloc[0]
    asc = lookup["asc_authority"].astype(bool)
    name = group.strip().lower() if isinstance(group, str) else group
    if name == "england":
        members = codes[asc].tolist()
    elif name == "region":
        members = codes[asc & (lookup["region_code"] == row["region_code"])].tolist()
    elif name == "tier":
        members = codes[asc & (lookup["geography"] == row["geography"])].tolist()
    elif name == "nearest_neighbours":
        if nearest_neighbours is None:
            raise ValueError(
                "comparator_codes: group 'nearest_neighbours' needs the nearest_neighbours table"
            )
        for column in ("area_code", "neighbour_code"):
            if column not in nearest_neighbours.columns:
                raise ValueError(f"comparator_codes: nearest_neighbours lacks column {column!r}")
        mine = nearest_neighbours[nearest_neighbours["area_code"].astype(str) == area_code]
        if mine.empty:  # e.g. City of London, Isles of Scilly: fall back to the region
            members = codes[asc & (lookup["region_code"] == row["region_code"])].tolist()
        else:
            members = mine["neighbour_code"].astype(str).tolist()
    elif (
        isinstance(group, str)
        and "," in group
        or (isinstance(group, str) and group.strip() in set(codes))
    ):
        members = [c.strip() for c in group.split(",") if c.strip()]
        unknown = [c for c in members if c not in set(codes)]
        if unknown:
            raise ValueError(
                f"comparator_codes: comparator list has code(s) not in the lookup table: "
                f"{', '.join(unknown)}"
            )
    else:
        raise ValueError(
            f"comparator_codes: unknown comparator group {group!r}; use one of "
            f"{', '.join(COMPARATOR_GROUPS)} or a comma-separated list of area codes"
        )
    return list(dict.fromkeys([area_code, *members]))


def comparator_note(
    area_code: str,
    group: str,
    lookup: pd.DataFrame,
    nearest_neighbours: pd.DataFrame | None = None,
) -> str:
    """A sentence for the report when :func:`comparator_codes` could not use the group asked
    for: an area with no nearest neighbours listed falls back to its region. Empty otherwise.
    """
    if not isinstance(group, str) or group.strip().lower() != "nearest_neighbours":
        return ""
    listed = (
        nearest_neighbours is not None
        and (nearest_neighbours["area_code"].astype(str) == area_code).any()
    )
    if listed:
        return ""
    row = lookup.loc[lookup["area_code"].astype(str) == area_code].iloc[0]
    name = row.get("area_name", area_code)
    region = row.get("region_name") or row.get("region_code") or "its region"
    return (
        f"{name} has no nearest neighbours in the comparator list, so the councils of its "
        f"region ({region}) are used as its comparator group instead."
    )
