"""Small helpers the source loaders share on top of :mod:`asclib.sources._common`:
opening a named sheet of an ``.xlsx`` or legacy ``.xls`` workbook with a clear error, turning
cell values into numbers or whole counts with the row a person sees, and tidy labels.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from asclib.errors import DataProblem, InputDataError, display_path
from asclib.sources._common import (
    normalise_label,
    open_workbook_checked,
    parse_numbers,
    require_file,
)

#: A footnote marker glued to a label: trailing digits and commas ("Persons 6",
#: "... in England and Wales1,2,3").
_FOOTNOTE = re.compile(r"[\s\d,]+$")


def clean_label(value: object) -> str:
    """A cell label without padding, line breaks or trailing footnote digits."""
    if value is None:
        return ""
    text = " ".join(str(value).replace("\n", " ").split())
    return _FOOTNOTE.sub("", text).strip() if re.search(r"[A-Za-z]", text) else text


def excel_column(index: int) -> str:
    """Spreadsheet column letters for a 0-based column index (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _find_sheet(names: Sequence[str], wanted: str) -> str | None:
    target = normalise_label(wanted)
    return next((n for n in names if normalise_label(n) == target), None)


def read_sheet_rows(path: str | Path, sheet: str) -> list[tuple[object, ...]]:
    """Every row of one sheet (cached values) as tuples, from ``.xlsx`` (openpyxl) or legacy
    ``.xls`` (xlrd). Sheet names match ignoring case and padding ("Table 1 " = "table 1").
    A missing sheet or an unreadable file raises InputDataError naming file and sheet."""
    p = require_file(path)
    file = display_path(p)
    if p.suffix.lower() == ".xls":
        return _read_xls_rows(p, sheet)
    workbook = open_workbook_checked(p)
    try:
        name = _find_sheet(workbook.sheetnames, sheet)
        if name is None:
            raise InputDataError(DataProblem(
                file, "sheet not found; the workbook has: " + ", ".join(
                    repr(n) for n in workbook.sheetnames), sheet=sheet))
        try:
            return [tuple(r) for r in workbook[name].iter_rows(values_only=True)]
        except (KeyError, ValueError, OSError) as exc:
            raise InputDataError(DataProblem(file, f"sheet cannot be read ({exc})",
                                             sheet=sheet)) from None
    finally:
        workbook.close()


def _read_xls_rows(p: Path, sheet: str) -> list[tuple[object, ...]]:
    import xlrd

    file = display_path(p)
    try:
        book = xlrd.open_workbook(p, on_demand=True)
    except (xlrd.XLRDError, OSError, ValueError, AssertionError, IndexError) as exc:
        raise InputDataError(DataProblem(
            file, f"is not a readable .xls workbook (corrupt or truncated: {exc})")) from None
    try:
        name = _find_sheet(book.sheet_names(), sheet)
        if name is None:
            raise InputDataError(DataProblem(
                file, "sheet not found; the workbook has: " + ", ".join(
                    repr(n) for n in book.sheet_names()), sheet=sheet))
        ws = book.sheet_by_name(name)
        rows = []
        for r in range(ws.nrows):
            cells = []
            for cell in ws.row(r):
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    cells.append(None)
                else:
                    cells.append(cell.value)
            rows.append(tuple(cells))
        return rows
    finally:
        book.release_resources()


def cells_to_numbers(cells: Sequence[object], *, file: str, column: str, rows: Sequence[int],
                     sheet: str | None = None, allow_markers: bool = True
                     ) -> tuple[np.ndarray, np.ndarray, list[DataProblem]]:
    """Workbook or CSV cells to floats, with suppression markers -> NaN + flag.

    ``rows`` gives the file row (1-based) of each cell, so problems point at the right row even
    when the cells are not contiguous. Dates in a number cell are reported, not coerced.
    """
    text = pd.Series([None if c is None else (c.isoformat() if hasattr(c, "isoformat")
                                              else str(c)) for c in cells], dtype="string")
    numbers, suppressed, problems = parse_numbers(
        text, file=file, column=column, sheet=sheet, first_row=0, allow_markers=allow_markers)
    fixed = [DataProblem(p.file, p.message, sheet=p.sheet, column=p.column,
                         row=None if p.row is None else rows[p.row]) for p in problems]
    return numbers.to_numpy(dtype=float), suppressed.to_numpy(dtype=bool), fixed


def whole_counts(values: pd.Series, *, file: str, column: str, rows: Sequence[int] | None = None,
                 sheet: str | None = None, allow_negative: bool = False
                 ) -> tuple[pd.Series, list[DataProblem]]:
    """Floats that must be whole counts -> nullable ``Int64``; fractions and negatives reported."""
    numbers = values.astype("float64").reset_index(drop=True)
    positions = np.arange(len(numbers))
    row_of = (lambda i: int(rows[i])) if rows is not None else (lambda i: None)
    problems: list[DataProblem] = []
    present = numbers.notna().to_numpy()
    fraction = present & (np.abs(numbers.fillna(0).to_numpy() - np.round(numbers.fillna(0)
                                                                        .to_numpy())) > 1e-9)
    negative = present & (numbers.fillna(0).to_numpy() < 0) & (not allow_negative)
    for i in positions[fraction][:20]:
        problems.append(DataProblem(file, f"{numbers.iloc[i]!r} is not a whole number",
                                    sheet=sheet, column=column, row=row_of(i)))
    for i in positions[negative][:20]:
        problems.append(DataProblem(file, f"{numbers.iloc[i]!r} is negative (a count cannot be)",
                                    sheet=sheet, column=column, row=row_of(i)))
    counts = numbers.round().astype("Int64")
    counts.index = values.index
    return counts, problems


def raise_if(problems: list[DataProblem]) -> None:
    """Raise InputDataError carrying every problem, if there are any."""
    if problems:
        raise InputDataError(problems)


def financial_year(text: str) -> str:
    """"2019-20" / "2019/20" / "2019-2020" -> "2019/20" (the processed ``period`` style)."""
    match = re.fullmatch(r"\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*", str(text))
    if not match:
        raise ValueError(f"'{text}' is not a financial year like 2019-20")
    start, end = int(match.group(1)), match.group(2)
    if int(end[-2:]) != (start + 1) % 100:
        raise ValueError(f"'{text}' is not a financial year like 2019-20")
    return f"{start}/{(start + 1) % 100:02d}"


def sheet_names(path: str | Path) -> list[str]:
    """The sheet names of an ``.xlsx`` (openpyxl) or legacy ``.xls`` (xlrd) workbook, as the
    file spells them (trailing spaces kept); an unreadable file raises InputDataError."""
    p = require_file(path)
    if p.suffix.lower() == ".xls":
        import xlrd

        try:
            book = xlrd.open_workbook(p, on_demand=True)
        except (xlrd.XLRDError, OSError, ValueError, AssertionError, IndexError) as exc:
            raise InputDataError(DataProblem(
                display_path(p), f"is not a readable .xls workbook (corrupt or truncated: {exc})")
            ) from None
        try:
            return list(book.sheet_names())
        finally:
            book.release_resources()
    workbook = open_workbook_checked(p)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()
