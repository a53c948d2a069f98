"""Small-number suppression for tables built from client-level data.

Every table that leaves the analysis (report, workbook) passes through :func:`suppress`:

1. Primary suppression: a count from 1 to ``threshold - 1`` (1-4 by default) could identify a
   person, so it is hidden. 0 is not disclosive and stays.
2. Derived values (rates, percentages) are hidden wherever their numerator count is hidden.
3. Secondary suppression: within a group whose total is published (a total row, or the
   column totals of each ``group_by`` group), a single hidden cell could be recovered by
   subtraction, so the next smallest cell of that column is hidden too.

Hidden cells become NaN and a ``note`` column says which columns were hidden and why
("suppressed: fewer than 5 (clients, share)", "suppressed: secondary (clients)"). Follows the
NHS England / ONS practice for small numbers in published statistics (ONS "Policy on
protecting confidentiality in tables of birth and death statistics"; NHS Digital "Disclosure
control method for Adult Social Care statistics").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["suppress"]

_PRIMARY, _SECONDARY = 1, 2


def _check(table: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(
            f"suppress: {what} column(s) {', '.join(map(repr, missing))} not found; the table has "
            f"{', '.join(repr(str(c)) for c in table.columns)}"
        )


def suppress(
    table: pd.DataFrame,
    counts: str | Sequence[str],
    *,
    derived: Mapping[str, str] | None = None,
    threshold: int = 5,
    total_row: Mapping[str, object] | None = None,
    group_by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """A copy of ``table`` with disclosive small counts and what depends on them hidden.

    - ``counts``: count columns; values 1 .. threshold-1 are suppressed (primary).
    - ``derived``: {derived column: its numerator count column}; hidden where the count is.
    - ``total_row``: {"column": label column, "label": "Total"} marks total rows; their counts
      are checked too and, within each ``group_by`` group (or the whole table), the other rows
      are the cells that add up to the total.
    - ``group_by``: columns whose groups each have a published column total.
    With ``total_row`` or ``group_by``, secondary suppression applies per group and count
    column: when exactly one cell is hidden, the next smallest non-zero cell (else the next
    smallest) is hidden as well, or the total itself when no other cell exists. Without either,
    only primary suppression is applied.

    Hidden values become NaN (count columns become floats); the ``note`` column (created, or
    extended when present) names the hidden columns and the reason. The input is not changed.
    """
    if not isinstance(table, pd.DataFrame):
        raise ValueError(f"suppress: table must be a pandas DataFrame, got {type(table).__name__}")
    count_columns = [counts] if isinstance(counts, str) else list(counts)
    derived = dict(derived or {})
    groups = [group_by] if isinstance(group_by, str) else list(group_by or [])
    if not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise ValueError(f"suppress: threshold must be a whole number >= 1, got {threshold!r}")
    _check(table, count_columns, "count")
    _check(table, list(derived), "derived")
    unknown_numerators = [n for n in derived.values() if n not in count_columns]
    if unknown_numerators:
        raise ValueError(
            f"suppress: derived numerator(s) {', '.join(map(repr, unknown_numerators))} must be "
            f"among the count columns {count_columns}"
        )
    _check(table, groups, "group_by")
    total_mask = np.zeros(len(table), dtype=bool)
    if total_row is not None:
        if not {"column", "label"} <= set(total_row):
            raise ValueError(
                'suppress: total_row must be {"column": <label column>, "label": <total label>}'
            )
        _check(table, [str(total_row["column"])], "total_row")
        total_mask = (table[total_row["column"]] == total_row["label"]).to_numpy(dtype=bool)

    values: dict[str, np.ndarray] = {}
    for column in count_columns:
        numbers = pd.to_numeric(table[column], errors="coerce")
        bad = numbers.isna() & table[column].notna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"suppress: count column {column!r} row {row} is not a number: "
                f"{table[column].iloc[row]!r}"
            )
        array = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
        if (array < 0).any():
            row = int(np.flatnonzero(array < 0)[0])
            raise ValueError(
                f"suppress: count column {column!r} row {row} is negative ({array[row]:g})"
            )
        values[column] = array

    status = {
        c: np.where((values[c] >= 1) & (values[c] < threshold), _PRIMARY, 0) for c in count_columns
    }

    if total_row is not None or groups:
        if groups:
            keys = table[groups].astype(object).where(table[groups].notna(), None)
            group_ids = (
                pd.MultiIndex.from_frame(keys).factorize()[0]
                if len(groups) > 1
                else pd.factorize(keys[groups[0]], use_na_sentinel=False)[0]
            )
        else:
            group_ids = np.zeros(len(table), dtype=np.int64)
        for column in count_columns:
            _secondary(values[column], status[column], group_ids, total_mask)

    result = table.copy()
    notes: list[dict[str, list[str]]] = [{} for _ in range(len(table))]
    reasons = {_PRIMARY: f"suppressed: fewer than {threshold}", _SECONDARY: "suppressed: secondary"}
    for column in count_columns:
        hidden = status[column] > 0
        column_values = values[column].copy()
        column_values[hidden] = np.nan
        result[column] = column_values
        dependants = [d for d, numerator in derived.items() if numerator == column]
        for dependant in dependants:
            dependant_values = np.array(
                pd.to_numeric(result[dependant], errors="coerce"), dtype=np.float64, copy=True
            )
            dependant_values[hidden] = np.nan
            result[dependant] = dependant_values
        for row in np.flatnonzero(hidden):
            notes[row].setdefault(reasons[int(status[column][row])], []).extend(
                [column, *dependants]
            )
    note_text = [
        "; ".join(f"{reason} ({', '.join(cols)})" for reason, cols in sorted(n.items()))
        for n in notes
    ]
    if "note" in result.columns:
        previous = result["note"].fillna("").astype(str).tolist()
        note_text = [
            "; ".join(t for t in (p, n) if t) for p, n in zip(previous, note_text, strict=True)
        ]
    result["note"] = note_text
    return result


def _secondary(
    values: np.ndarray, status: np.ndarray, group_ids: np.ndarray, total: np.ndarray
) -> None:
    """Per group, when exactly one cell (total rows excluded) is hidden, hide one more."""
    for group in np.unique(group_ids):
        in_group = group_ids == group
        cells = np.flatnonzero(in_group & ~total)
        totals = np.flatnonzero(in_group & total)
        hidden_cells = cells[status[cells] > 0]
        if len(hidden_cells) != 1:
            continue
        candidates = cells[(status[cells] == 0) & ~np.isnan(values[cells])]
        non_zero = candidates[values[candidates] > 0]
        pool = non_zero if non_zero.size else candidates
        if pool.size:
            pick = pool[np.argsort(values[pool], kind="stable")[0]]
            status[pick] = _SECONDARY
        else:
            status[totals[status[totals] == 0]] = _SECONDARY
