"""Shared input checks and critical values for the statistics kernels.

Every public statistic validates its inputs here so that the error messages are the same
everywhere: a ``ValueError`` naming the argument, the problem and the first offending element.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

from asclib.stats._distributions import norm_ppf

#: Confidence levels Fingertips publishes; the table-level functions give both by default.
DEFAULT_CONFIDENCE_LEVELS: tuple[float, float] = (0.95, 0.998)


def check_confidence(confidence: float) -> float:
    """Return ``confidence`` as a float after checking it lies in [0.9, 1].

    Confidence is a fraction (0.95, 0.998). 1 is accepted because PHEindicatormethods accepts
    it (a Wilson interval at confidence 1 is the whole range [0, 1]); values such as 95 are
    refused with a hint rather than silently divided by 100.
    """
    try:
        value = float(confidence)
    except (TypeError, ValueError):
        raise ValueError(
            f"confidence must be a number between 0.9 and 1, got {confidence!r}"
        ) from None
    if not 0.9 <= value <= 1.0:
        hint = f" (did you mean {value / 100:g}?)" if 90 <= value <= 100 else ""
        raise ValueError(
            f"confidence must be a fraction between 0.9 and 1 (e.g. 0.95 or 0.998), "
            f"got {confidence!r}{hint}"
        )
    return value


def confidence_levels(confidence: float | Iterable[float]) -> tuple[float, ...]:
    """One or several confidence levels, each checked; duplicates refused."""
    levels = (confidence,) if np.isscalar(confidence) else tuple(confidence)  # type: ignore[arg-type]
    if not levels:
        raise ValueError("confidence must give at least one level, e.g. (0.95, 0.998)")
    checked = tuple(check_confidence(level) for level in levels)
    if len(set(checked)) != len(checked):
        raise ValueError(f"confidence levels must be distinct, got {levels!r}")
    return checked


def level_suffix(confidence: float) -> str:
    """Column suffix for a confidence level: 0.95 -> "95", 0.998 -> "99_8"."""
    return f"{confidence * 100:.10g}".replace(".", "_")


@lru_cache(maxsize=64)
def z_value(confidence: float) -> float:
    """Two-sided standard normal critical value z = Phi^-1(1 - (1 - confidence) / 2).

    1.959964 for 95%, 3.090232 for 99.8%; infinite for confidence 1.
    """
    confidence = check_confidence(confidence)
    return float(norm_ppf(1.0 - (1.0 - confidence) / 2.0))


def as_float_array(values: object, name: str) -> np.ndarray:
    """``values`` as a float64 numpy array (scalars become 0-d arrays); None becomes NaN."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        try:
            array = np.asarray(
                [np.nan if v is None else v for v in np.ravel(np.asarray(values, dtype=object))],
                dtype=np.float64,
            ).reshape(np.shape(values))
        except (TypeError, ValueError):
            raise ValueError(
                f"{name} must be numeric; could not read {values!r} as numbers"
            ) from None
    return array


def _first_bad(mask: np.ndarray, values: np.ndarray) -> str:
    flat_index = int(np.flatnonzero(np.ravel(mask))[0])
    count = int(np.count_nonzero(mask))
    value = np.ravel(values)[flat_index]
    where = f"element {flat_index}" if np.ndim(values) else "value"
    more = f" ({count} elements in all)" if count > 1 else ""
    return f"{where} is {value:g}{more}"


def check_not_negative(values: np.ndarray, name: str) -> None:
    """Raise when any non-missing element is negative."""
    bad = values < 0
    if bad.any():
        raise ValueError(f"{name} must not be negative: {_first_bad(bad, values)}")


def check_positive(values: np.ndarray, name: str) -> None:
    """Raise when any non-missing element is zero or negative."""
    bad = values <= 0
    if bad.any():
        raise ValueError(f"{name} must be greater than 0: {_first_bad(bad, values)}")


def check_not_above(numerator: np.ndarray, denominator: np.ndarray, names: Sequence[str]) -> None:
    """Raise when a numerator exceeds its denominator (proportions)."""
    numerator, denominator = np.broadcast_arrays(numerator, denominator)
    bad = numerator > denominator
    if bad.any():
        i = int(np.flatnonzero(np.ravel(bad))[0])
        raise ValueError(
            f"{names[0]} must not exceed {names[1]} for a proportion: element {i} has "
            f"{names[0]} {np.ravel(numerator)[i]:g} > {names[1]} {np.ravel(denominator)[i]:g}"
        )


def unwrap(array: np.ndarray) -> np.ndarray | float:
    """A 0-d array becomes a Python float, so scalar in gives scalar out."""
    return float(array) if np.ndim(array) == 0 else array


class Estimate(tuple):
    """(value, lower, upper) for one group, with ``reason`` saying why the value is missing.

    Unpacks as three numbers: ``value, lower, upper = dsr(...)``; ``reason`` is None when
    the value is available, else a short text such as "total count < 10".
    """

    def __new__(cls, value: float, lower: float, upper: float, reason: str | None = None):
        self = super().__new__(cls, (float(value), float(lower), float(upper)))
        self.reason = reason
        return self

    @property
    def value(self) -> float:
        return self[0]

    @property
    def lower(self) -> float:
        return self[1]

    @property
    def upper(self) -> float:
        return self[2]

    def __repr__(self) -> str:
        extra = f", reason={self.reason!r}" if self.reason else ""
        return f"Estimate(value={self[0]!r}, lower={self[1]!r}, upper={self[2]!r}{extra})"
