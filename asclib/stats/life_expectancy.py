"""Life expectancy from an abridged life table (Chiang II) with Silcocks confidence limits,
as PHEindicatormethods ``phe_life_expectancy`` and the PHE life expectancy calculator compute it.

Input: deaths D_i and mid-year populations P_i in the 20 age bands starting at 0, 1, 5, 10, ...,
85, 90 (the last, 90+, is open). With radix l_0 = 100,000:

    n_i = band width (1, 4, 5, ..., 5); a_i = 0.1 for age 0, else 0.5 (fraction of the band
          lived by those who die in it)
    M_i = D_i / P_i                                   (age-specific death rate)
    q_i = n_i M_i / (1 + n_i M_i (1 - a_i))           (probability of dying in the band;
          q_i = 1 when D_i > P_i / n_i / a_i, and q = 1 in the open band)
    l_{i+1} = l_i (1 - q_i),  d_i = l_i - l_{i+1}
    L_i = n_i (l_{i+1} + a_i d_i),  open band L = l / M   (person-years lived)
    T_i = sum_{j >= i} L_j,  e_i = T_i / l_i          (life expectancy at the band's start age)

Variance (Silcocks, Jenner & Reza 2001):

    s_i^2 = q_i^2 (1 - q_i) / D_i (0 when D_i = 0);  open band s^2 = 4 / (D M^2)
    w_i = l_i^2 ((1 - a_i) n_i + e_{i+1})^2 s_i^2;    open band w = (l / 2)^2 s^2
    var(e_i) = sum_{j >= i} w_j / l_i^2,  limits e_i -/+ z sqrt(var(e_i))

with z = Phi^-1(1 - (1 - confidence) / 2).

Rules kept from PHEindicatormethods (the whole group is NaN, with a reason, when): any band has
negative deaths, a population <= 0, deaths > population, the total population is <= 5000, or
the group does not have exactly the 20 bands. Where the 95% interval is wider than 20 years
(z_0.975 x SE > 10) the life expectancy itself is NaN but its limits are kept, whatever the
confidence level asked for. Beyond the peer: a missing population or death count, or no
deaths in the open band (infinite life expectancy), also makes the group NaN with a reason.

Chiang CL. The life table and its applications. Malabar (FL): Robert E Krieger, 1984.
Silcocks PBS, Jenner DA, Reza R. Life expectancy as a summary of mortality in a population:
statistical considerations and suitability for use by health authorities. J Epidemiol
Community Health 2001;55:38-43.
Public Health England. Technical guide: calculating life expectancy (PHE, 2017; the
"Life expectancy calculator" methodology also used by PHEindicatormethods).
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
    confidence_levels,
    z_value,
)

__all__ = [
    "LIFE_TABLE_START_AGES",
    "LifeExpectancy",
    "life_expectancy",
    "life_expectancy_table",
]

#: Start ages of the 20 bands of the abridged life table; the last band (90+) is open.
LIFE_TABLE_START_AGES: tuple[int, ...] = (0, 1, *range(5, 95, 5))

_N_BANDS = len(LIFE_TABLE_START_AGES)
_WIDTHS = np.diff(np.array(LIFE_TABLE_START_AGES, dtype=np.float64))  # 19 closed bands
_A = np.where(np.arange(_N_BANDS - 1) == 0, 0.1, 0.5)  # a_i of the closed bands
#: A life table is only computed when the group's total population exceeds this.
MIN_TOTAL_POPULATION = 5000
#: Half-width of the 95% interval above which the life expectancy is not published.
MAX_HALF_WIDTH_95 = 10.0

METHOD = "Chiang II"

#: Reasons, in the order they are checked for a group; the last applies per age.
REASONS: tuple[str, ...] = (
    "not the 20 age bands 0, 1, 5, 10, ..., 90",
    "missing population or deaths",
    "negative deaths",
    "population <= 0 in an age band",
    "deaths > population in an age band",
    f"total population <= {MIN_TOTAL_POPULATION}",
    "no deaths in the open age band",
    "95% confidence interval wider than 20 years",
)
(
    _BANDS,
    _MISSING,
    _NEGATIVE,
    _NOT_POSITIVE_POP,
    _DEATHS_ABOVE_POP,
    _SMALL_POP,
    _NO_OPEN_DEATHS,
    _WIDE_CI,
) = range(len(REASONS))


class LifeExpectancy(tuple):
    """(value, lower, upper): one array each, one element per start age, as given.

    ``start_ages`` holds the start ages the elements refer to; ``reason`` is an object array
    (None where the value is available, else a short text such as "total population <= 5000").
    """

    def __new__(
        cls,
        value: np.ndarray,
        lower: np.ndarray,
        upper: np.ndarray,
        start_ages: np.ndarray,
        reason: np.ndarray,
    ):
        self = super().__new__(cls, (value, lower, upper))
        self.start_ages = start_ages
        self.reason = reason
        return self

    @property
    def value(self) -> np.ndarray:
        return self[0]

    @property
    def lower(self) -> np.ndarray:
        return self[1]

    @property
    def upper(self) -> np.ndarray:
        return self[2]

    def __repr__(self) -> str:
        return (
            f"LifeExpectancy(start_ages={self.start_ages!r}, value={self[0]!r}, "
            f"lower={self[1]!r}, upper={self[2]!r}, reason={self.reason!r})"
        )


def _group_reasons(populations: np.ndarray, deaths: np.ndarray) -> np.ndarray:
    """Per group (row of the G x 20 arrays): the first reason code that applies, else -1."""
    checks = [
        np.isnan(populations).any(axis=1) | np.isnan(deaths).any(axis=1),
        (deaths < 0).any(axis=1),
        (populations <= 0).any(axis=1),
        (deaths > populations).any(axis=1),
        populations.sum(axis=1) <= MIN_TOTAL_POPULATION,
        deaths[:, -1] <= 0,
    ]
    codes = [_MISSING, _NEGATIVE, _NOT_POSITIVE_POP, _DEATHS_ABOVE_POP, _SMALL_POP, _NO_OPEN_DEATHS]
    reason = np.full(populations.shape[0], -1, dtype=np.int8)
    for check, code in zip(reversed(checks), reversed(codes), strict=True):
        reason[check] = code  # earlier checks overwrite later ones
    return reason


def _chiang_silcocks(
    populations: np.ndarray, deaths: np.ndarray, radix: float
) -> tuple[np.ndarray, np.ndarray]:
    """Life expectancy e and its standard error for G x 20 arrays of valid groups."""
    with np.errstate(divide="ignore", invalid="ignore"):
        m = deaths / populations
        m_closed = m[:, :-1]
        nm = _WIDTHS * m_closed
        q_closed = nm / (1 + nm * (1 - _A))
        q_closed = np.where(deaths[:, :-1] > populations[:, :-1] / _WIDTHS / _A, 1.0, q_closed)
        survival = np.cumprod(1 - q_closed, axis=1)
        l_x = radix * np.concatenate([np.ones((m.shape[0], 1)), survival], axis=1)
        d_closed = l_x[:, :-1] - l_x[:, 1:]
        person_years = np.concatenate(
            [_WIDTHS * (l_x[:, 1:] + _A * d_closed), (l_x[:, -1] / m[:, -1])[:, None]], axis=1
        )
        t = np.cumsum(person_years[:, ::-1], axis=1)[:, ::-1]
        e = t / l_x
        s2_closed = np.where(
            deaths[:, :-1] == 0, 0.0, q_closed**2 * (1 - q_closed) / deaths[:, :-1]
        )
        s2_open = 4 / (deaths[:, -1] * m[:, -1] ** 2)
        weights = np.concatenate(
            [
                l_x[:, :-1] ** 2 * ((1 - _A) * _WIDTHS + e[:, 1:]) ** 2 * s2_closed,
                ((l_x[:, -1] / 2) ** 2 * s2_open)[:, None],
            ],
            axis=1,
        )
        variance = np.cumsum(weights[:, ::-1], axis=1)[:, ::-1] / l_x**2
        return e, np.sqrt(variance)


def _life_tables(
    populations: np.ndarray,
    deaths: np.ndarray,
    complete: np.ndarray,
    levels: Sequence[float],
    radix: float,
) -> tuple[np.ndarray, dict[float, tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """Values, limits per level and reason codes for G x 20 arrays.

    ``complete`` marks the groups that have the 20 bands (other rows are ignored).
    """
    n_groups = populations.shape[0]
    group_reason = np.where(complete, _group_reasons(populations, deaths), _BANDS)
    ok = group_reason < 0
    e = np.full((n_groups, _N_BANDS), np.nan)
    se = np.full((n_groups, _N_BANDS), np.nan)
    if ok.any():
        e[ok], se[ok] = _chiang_silcocks(populations[ok], deaths[ok], float(radix))
    limits = {}
    for level in levels:
        z = z_value(level)
        limits[level] = (e - z * se, e + z * se)
    wide = z_value(0.95) * se > MAX_HALF_WIDTH_95
    value = np.where(wide, np.nan, e)
    reason = np.where(wide, _WIDE_CI, np.broadcast_to(group_reason[:, None], e.shape))
    return value, limits, reason.astype(np.int8)


def _check_radix(radix: float) -> float:
    radix = float(radix)
    if not np.isfinite(radix) or radix <= 0:
        raise ValueError(f"life expectancy: radix must be a positive number, got {radix!r}")
    return radix


def _check_start_ages(ages: np.ndarray, where: str) -> None:
    """Raise when a start age is missing, not one of the 20 life-table ages, or repeated."""
    if np.isnan(ages).any():
        i = int(np.flatnonzero(np.isnan(ages))[0])
        raise ValueError(f"life expectancy: {where}start age missing at element {i}")
    unknown = sorted({float(a) for a in ages} - set(map(float, LIFE_TABLE_START_AGES)))
    if unknown:
        raise ValueError(
            f"life expectancy: {where}start age(s) {', '.join(f'{a:g}' for a in unknown)} are "
            "not life-table ages; the bands start at 0, 1, 5, 10, ..., 90"
        )
    values, counts = np.unique(ages, return_counts=True)
    if (counts > 1).any():
        raise ValueError(
            f"life expectancy: {where}start age {values[counts > 1][0]:g} appears more than once"
        )


def life_expectancy(
    start_ages: Sequence[float] | np.ndarray | pd.Series,
    populations: Sequence[float] | np.ndarray | pd.Series,
    deaths: Sequence[float] | np.ndarray | pd.Series,
    confidence: float = 0.95,
    *,
    radix: float = 100_000,
) -> LifeExpectancy:
    """Life expectancy at each start age of one area: (value, lower, upper) arrays.

    Abridged life table by Chiang's method II with Silcocks et al.'s (2001) variance (formulas
    in the module docstring); bands start at 0, 1, 5, 10, ..., 90, the last being open. The
    arrays are aligned with ``start_ages`` as given (any order). The whole group is NaN, with
    ``reason``, on negative deaths, a population <= 0, deaths > population, total population
    <= 5000, missing values, no deaths in the open band, or fewer than the 20 bands; a value
    whose 95% interval is wider than 20 years is NaN but keeps its limits.

    Start ages that are not life-table ages, or that repeat, raise ``ValueError``.
    """
    confidence = check_confidence(confidence)
    radix = _check_radix(radix)
    ages = as_float_array(start_ages, "start_ages").ravel()
    pops = as_float_array(populations, "populations").ravel()
    dead = as_float_array(deaths, "deaths").ravel()
    if not ages.size == pops.size == dead.size:
        raise ValueError(
            f"life_expectancy: start_ages ({ages.size}), populations ({pops.size}) and deaths "
            f"({dead.size}) must have one value per age band"
        )
    _check_start_ages(ages, "")
    order = np.argsort(ages, kind="stable")
    complete = ages.size == _N_BANDS
    if complete:
        value, limits, codes = _life_tables(
            pops[order][None, :], dead[order][None, :], np.array([True]), [confidence], radix
        )
        inverse = np.empty_like(order)
        inverse[order] = np.arange(order.size)
        value = value[0][inverse]
        lower, upper = (limit[0][inverse] for limit in limits[confidence])
        codes = codes[0][inverse]
    else:
        value = lower = upper = np.full(ages.size, np.nan)
        lower, upper = lower.copy(), upper.copy()
        codes = np.full(ages.size, _BANDS, dtype=np.int8)
    reason = np.array([None if c < 0 else REASONS[c] for c in codes], dtype=object)
    return LifeExpectancy(value, lower, upper, ages, reason)


def life_expectancy_table(
    data: pd.DataFrame,
    start_age: str = "startage",
    population: str = "pops",
    deaths: str = "deaths",
    *,
    by: str | Sequence[str] | None = None,
    confidence: float | Iterable[float] = DEFAULT_CONFIDENCE_LEVELS,
    radix: float = 100_000,
) -> pd.DataFrame:
    """Life expectancy at every start age for each ``by`` group (formulas: module docstring).

    ``data`` has one row per group and age band: start age (0, 1, 5, 10, ..., 90), population
    and deaths. Returns one row per input row, groups in order of first appearance and start
    ages ascending within a group: the ``by`` columns, the start age (column named as
    ``start_age``), ``value``, limits per confidence level (``lower_ci_95``,
    ``upper_ci_95``, ``lower_ci_99_8``, ``upper_ci_99_8`` by default), ``method``
    ("Chiang II") and ``reason`` (why a value is missing). Groups with fewer than the 20
    bands, or failing the rules of :func:`life_expectancy`, are NaN with a reason; the whole
    computation is vectorised over groups.
    """
    function = "life_expectancy_table"
    levels = confidence_levels(confidence)
    radix = _check_radix(radix)
    by_list = _table.as_by_list(by)
    _table.check_columns(data, [start_age, population, deaths, *by_list], function)
    ages = _table.numeric_column(data, start_age, function)
    pops = _table.numeric_column(data, population, function)
    dead = _table.numeric_column(data, deaths, function)
    if by_list:
        group_id = data.groupby(by_list, sort=False, dropna=False).ngroup().to_numpy()
    else:
        group_id = np.zeros(len(data), dtype=np.int64)
    order = np.lexsort((ages, group_id))
    ages, pops, dead, group_id = ages[order], pops[order], dead[order], group_id[order]
    n_groups = int(group_id.max()) + 1 if len(group_id) else 0
    sizes = np.bincount(group_id, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    for g in range(n_groups):
        segment = slice(starts[g], starts[g] + sizes[g])
        if by_list:
            first = data.iloc[order[starts[g]]]
            label = ", ".join(f"{c}={first[c]!r}" for c in by_list)
            where = f"group {label}: "
        else:
            where = ""
        _check_start_ages(ages[segment], where)
    complete = sizes == _N_BANDS
    # G x 20 matrices of the complete groups (rows of other groups stay NaN)
    pop_matrix = np.full((n_groups, _N_BANDS), np.nan)
    death_matrix = np.full((n_groups, _N_BANDS), np.nan)
    rows_complete = complete[group_id]
    pop_matrix[complete] = pops[rows_complete].reshape(-1, _N_BANDS)
    death_matrix[complete] = dead[rows_complete].reshape(-1, _N_BANDS)
    value_m, limits_m, codes_m = _life_tables(pop_matrix, death_matrix, complete, levels, radix)

    value = np.full(len(ages), np.nan)
    codes = np.full(len(ages), _BANDS, dtype=np.int8)
    limits = {level: (np.full(len(ages), np.nan), np.full(len(ages), np.nan)) for level in levels}
    value[rows_complete] = value_m[complete].ravel()
    codes[rows_complete] = codes_m[complete].ravel()
    for level in levels:
        limits[level][0][rows_complete] = limits_m[level][0][complete].ravel()
        limits[level][1][rows_complete] = limits_m[level][1][complete].ravel()

    base = data.iloc[order][by_list].reset_index(drop=True)
    base[start_age] = ages
    reason = _table.categorical(codes, REASONS)
    return _table.result_frame(base, value, limits, METHOD, reason)
