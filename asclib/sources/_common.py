"""Reading helpers shared by every loader.

Each helper turns the ways a file can be wrong into :class:`~asclib.errors.DataProblem` values
that name the file, sheet, column and row a person would look at, and raises
:class:`~asclib.errors.InputDataError` carrying all of them, so no loader ever lets a raw pandas
or openpyxl traceback reach the user.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from asclib.errors import DataProblem, InputDataError, display_path

#: Markers official publishers put in number cells instead of a value: ``*`` and ``c``
#: (suppressed/confidential), ``:`` and ``..`` (not available), ``-`` and ``x`` (not applicable),
#: ``.`` (not calculable), ``[c]`` / ``[x]`` / ``[z]`` (the newer GSS bracketed style).
SUPPRESSION_MARKERS: frozenset[str] = frozenset(
    {"*", "c", ":", "..", "-", "x", ".", "[c]", "[x]", "[z]", "[u]", "[low]", "~", "n/a", "N/A"}
)


def require_file(path: str | Path) -> Path:
    """The path, if it is a non-empty file; otherwise a clear InputDataError."""
    p = Path(path)
    if not p.exists():
        raise InputDataError(DataProblem(display_path(p), "file not found"))
    if p.is_dir():
        raise InputDataError(DataProblem(display_path(p), "is a folder, not a file"))
    if p.stat().st_size == 0:
        raise InputDataError(DataProblem(display_path(p), "file is empty (0 bytes)"))
    return p


def read_csv_checked(path: str | Path, *, encoding: str = "utf-8-sig", **kwargs) -> pd.DataFrame:
    """``pandas.read_csv`` with every failure turned into one DataProblem naming the file.

    Reads all columns as text (``dtype=str``) unless ``dtype`` is given: typing is the loader's
    job, so a stray word in a number column is reported with its row, not silently coerced.
    """
    p = require_file(path)
    kwargs.setdefault("dtype", str)
    kwargs.setdefault("keep_default_na", False)
    try:
        frame = pd.read_csv(p, encoding=encoding, **kwargs)
    except UnicodeDecodeError as exc:
        raise InputDataError(DataProblem(
            display_path(p),
            f"cannot be decoded as {encoding} (byte {exc.object[exc.start:exc.start + 1]!r} at "
            f"offset {exc.start}); save it as UTF-8 or give the right encoding")) from None
    except pd.errors.EmptyDataError:
        raise InputDataError(DataProblem(
            display_path(p), "file has no data (empty or header only)")) from None
    except pd.errors.ParserError as exc:
        raise InputDataError(DataProblem(
            display_path(p), f"is not a readable CSV: {exc}")) from None
    if frame.empty:
        raise InputDataError(DataProblem(display_path(p), "file has a header but no data rows"))
    return frame


def open_workbook_checked(path: str | Path):
    """An openpyxl workbook (read-only, cached values), or a clear error for a corrupt file."""
    import openpyxl

    p = require_file(path)
    try:
        return openpyxl.load_workbook(p, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputDataError(DataProblem(
            display_path(p), f"is not a readable .xlsx workbook (corrupt or truncated: {exc})")) \
            from None


def normalise_label(label: object) -> str:
    """A header label for matching: lower case, single spaces, no footnote digits or
    punctuation at the ends ("Deaths by region 7" and "deaths  by region" match)."""
    text = " ".join(str(label).replace("\n", " ").split()).strip().lower()
    return text.strip(" :.*")


def squash_label(label: object) -> str:
    """A label for tolerant matching: lower case letters and digits only, so trailing spaces,
    lost spaces, capitals and punctuation do not matter ("Week number ", "WeekNumber" and
    "week-number" are all "weeknumber")."""
    return re.sub(r"[^a-z0-9]", "", str(label).lower())


def find_header_row(rows: Sequence[Sequence[object]], required: Iterable[str],
                    *, max_scan: int = 30) -> int | None:
    """Index of the first row (within ``max_scan``) holding every required label
    (compared with :func:`normalise_label`), or None."""
    wanted = {normalise_label(r) for r in required}
    for index, row in enumerate(rows[:max_scan]):
        labels = {normalise_label(v) for v in row if v is not None and str(v).strip()}
        if wanted <= labels:
            return index
    return None


def check_columns(frame: pd.DataFrame, required: Sequence[str], *, file: str,
                  sheet: str | None = None, aliases: dict[str, Sequence[str]] | None = None
                  ) -> pd.DataFrame:
    """Rename alias headers to the canonical names and report every missing column at once.

    Matching ignores case, spacing and trailing punctuation. Returns the frame with canonical
    column names; raises InputDataError listing each missing column.
    """
    aliases = aliases or {}
    by_label = {normalise_label(c): c for c in frame.columns}
    renames: dict[str, str] = {}
    problems: list[DataProblem] = []
    for name in required:
        candidates = [name, *aliases.get(name, ())]
        found = next((by_label[normalise_label(c)] for c in candidates
                      if normalise_label(c) in by_label), None)
        if found is None:
            problems.append(DataProblem(file, "required column is missing", sheet=sheet,
                                        column=name))
        else:
            renames[found] = name
    if problems:
        raise InputDataError(problems)
    return frame.rename(columns=renames)


def parse_numbers(values: pd.Series, *, file: str, column: str, sheet: str | None = None,
                  first_row: int = 2, allow_markers: bool = True
                  ) -> tuple[pd.Series, pd.Series, list[DataProblem]]:
    """Text cells to floats.

    Returns ``(numbers, suppressed, problems)``: suppression markers (:data:`SUPPRESSION_MARKERS`)
    and empty cells become NaN, with ``suppressed`` True where a marker stood; thousands
    separators, pound signs and percent signs are stripped; anything else unreadable becomes a
    DataProblem with the row a person sees (``first_row`` is the file row of ``values``' first
    element).
    """
    text = values.astype("string").str.strip()
    text = text.str.replace(r"^£", "", regex=True).str.replace(",", "", regex=False)
    markers = (text.isin(SUPPRESSION_MARKERS) if allow_markers
               else pd.Series(False, index=text.index))
    blank = text.isna() | (text == "")
    numbers = pd.to_numeric(text.where(~(markers | blank)), errors="coerce")
    bad = numbers.isna() & ~markers & ~blank
    problems = [
        DataProblem(file, f"'{values.iloc[i]}' is not a number", sheet=sheet, column=column,
                    row=first_row + i)
        for i in np.flatnonzero(bad.to_numpy())[:20]
    ]
    if bad.sum() > 20:
        problems.append(DataProblem(file, f"{int(bad.sum()) - 20} more cells are not numbers",
                                    sheet=sheet, column=column))
    return numbers.astype("float64"), markers.astype(bool), problems


def validate_schema(frame: pd.DataFrame, schema: pa.DataFrameSchema, *, file: str,
                    sheet: str | None = None, first_row: int = 2) -> pd.DataFrame:
    """Validate with pandera (lazily, so every failure is collected) and convert the failure
    cases into DataProblems with file rows. ``first_row`` is the file row of the frame's first
    positional row; the frame's index must be a RangeIndex from 0 for row numbers to be right.
    """
    try:
        return schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        problems: list[DataProblem] = []
        cases = exc.failure_cases
        for case in cases.itertuples(index=False):
            column = getattr(case, "column", None)
            index = getattr(case, "index", None)
            check = str(getattr(case, "check", ""))
            value = getattr(case, "failure_case", None)
            row = int(index) + first_row if isinstance(index, (int, np.integer)) else None
            message = _describe_check(check, value)
            problems.append(DataProblem(file, message, sheet=sheet,
                                        column=None if column is None or pd.isna(column)
                                        else str(column), row=row))
        # one line per distinct problem, keep order
        unique = list(dict.fromkeys(problems))
        raise InputDataError(unique[:50] + ([DataProblem(
            file, f"{len(unique) - 50} more problems not listed", sheet=sheet)]
            if len(unique) > 50 else [])) from None


def _describe_check(check: str, value: object) -> str:
    """A plain-English sentence for a pandera check name."""
    if check.startswith("greater_than_or_equal_to"):
        bound = check.split("(")[-1].rstrip(")")
        return f"value {value!r} is below the minimum {bound}"
    if check.startswith("less_than_or_equal_to"):
        bound = check.split("(")[-1].rstrip(")")
        return f"value {value!r} is above the maximum {bound}"
    if check.startswith("in_range"):
        return f"value {value!r} is outside the allowed range {check[len('in_range'):]}"
    if check.startswith("isin"):
        return f"value {value!r} is not one of the allowed values"
    if check == "not_nullable":
        return "value is missing"
    if "uniqueness" in check or check == "unique":
        return f"duplicate value {value!r}"
    if check.startswith("column_in_dataframe"):
        return "required column is missing"
    if check.startswith("dtype") or check.startswith("coerce_dtype"):
        return f"value {value!r} has the wrong type ({check})"
    return f"value {value!r} fails check {check}"
