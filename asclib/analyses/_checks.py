"""Input checks shared by the analysis modules."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def require_columns(frame: pd.DataFrame, table: str, columns: Iterable[str]) -> None:
    """Raise ValueError naming the table and every missing column (and the ones it has)."""
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"table '{table}' must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"table '{table}' has no column(s) {', '.join(missing)}; "
                         f"it has {', '.join(map(str, frame.columns))}")


def numeric_column(frame: pd.DataFrame, table: str, column: str) -> pd.Series:
    """``frame[column]`` as floats (blanks stay missing); a cell that is not a number raises
    ValueError naming the table, column and row."""
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any():
        row = frame.index[bad.to_numpy()][0]
        raise ValueError(f"table '{table}', column '{column}', row {row}: not a number "
                         f"({frame.loc[row, column]!r})")
    return values.astype(float)
