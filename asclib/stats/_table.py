"""Helpers shared by the table-level functions (proportion, rate, mean, ...).

They turn a DataFrame plus column names into arrays (summing within ``by`` groups when asked)
and assemble the tidy Fingertips-like result: ``value, lower_ci_95, upper_ci_95,
lower_ci_99_8, upper_ci_99_8, method, reason``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from asclib.stats._validation import level_suffix


def as_by_list(by: str | Sequence[str] | None) -> list[str]:
    """``by`` as a list of column names ([] for no grouping)."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def check_columns(data: pd.DataFrame, columns: Sequence[str], function: str) -> None:
    """Raise ValueError naming every column ``function`` needs that ``data`` lacks."""
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{function}: data must be a pandas DataFrame, got {type(data).__name__}")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(
            f"{function}: column(s) {', '.join(repr(c) for c in missing)} not found; "
            f"the table has {', '.join(repr(str(c)) for c in data.columns)}"
        )


def numeric_column(data: pd.DataFrame, column: str, function: str) -> np.ndarray:
    """A column as float64, with a message naming the column and row when it is not numeric."""
    series = data[column]
    try:
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        converted = pd.to_numeric(series, errors="coerce")
        bad = converted.isna() & series.notna()
        row = bad.to_numpy().nonzero()[0][0]
        raise ValueError(
            f"{function}: column {column!r} must be numeric; row {row} "
            f"(index {series.index[row]!r}) holds {series.iloc[row]!r}"
        ) from None


def sum_by(data: pd.DataFrame, columns: Sequence[str], by: list[str]) -> pd.DataFrame:
    """Sum ``columns`` within ``by`` groups; a missing value makes the group's sum missing.

    Groups keep their order of first appearance; missing group keys form their own group.
    """
    numeric = data[list(by)].copy()
    for column in columns:
        numeric[column] = pd.to_numeric(data[column], errors="coerce").astype("float64")
    grouped = numeric.groupby(by, sort=False, dropna=False)
    return grouped[list(columns)].sum(skipna=False).reset_index()


def result_frame(
    base: pd.DataFrame,
    value: np.ndarray,
    limits: dict[float, tuple[np.ndarray, np.ndarray]],
    method: pd.Categorical | str,
    reason: pd.Categorical | np.ndarray,
) -> pd.DataFrame:
    """``base`` columns followed by value, lower/upper limits per level, method and reason."""
    columns: dict[str, object] = {name: base[name].to_numpy(copy=False) for name in base.columns}
    columns["value"] = value
    for level, (lower, upper) in limits.items():
        suffix = level_suffix(level)
        columns[f"lower_ci_{suffix}"] = lower
        columns[f"upper_ci_{suffix}"] = upper
    columns["method"] = (
        method
        if not isinstance(method, str)
        else pd.Categorical.from_codes(np.zeros(len(value), dtype=np.int8), categories=[method])
    )
    columns["reason"] = reason
    frame = pd.DataFrame(columns, index=base.index, copy=False)
    return frame


def categorical(codes: np.ndarray, categories: Sequence[str]) -> pd.Categorical:
    """A categorical from integer codes (-1 = missing): cheap for a million rows."""
    return pd.Categorical.from_codes(codes.astype(np.int8, copy=False), categories=list(categories))
