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
