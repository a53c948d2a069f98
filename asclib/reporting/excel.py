"""The analysts' Excel workbook: an "About" sheet, then one sheet per published table.

Same labels and number formats as the HTML (:mod:`asclib.reporting.labels`); shares stored as
fractions with a % format (columns already in percent are divided by 100 for the same
format); header row frozen, autofilter on, widths from the content. The About sheet lists
each sheet with its source tables and whether it rests on real or illustrative data; only
illustrative sheets say ILLUSTRATIVE.

No cell that comes from data is ever a formula: a string starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return (OWASP CSV-injection guidance) is written as an explicit text
cell with Excel's quote prefix.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from asclib.reporting import labels, tables

_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_RED = "C00000"


def sheet_names(names: Sequence[str], reserved: Iterable[str] = ("About",)) -> list[str]:
    """Excel-safe sheet names: no ``[]:*?/\\``, at most 31 characters, unique (case-insensitive)."""
    taken = {r.lower() for r in reserved}
    result = []
    for name in names:
        base = _INVALID_SHEET_CHARS.sub("_", name).strip("'") or "table"
        candidate = base[:31]
        counter = 2
        while candidate.lower() in taken:
            suffix = f"_{counter}"
            candidate = base[: 31 - len(suffix)] + suffix
            counter += 1
        taken.add(candidate.lower())
        result.append(candidate)
    return result


def put(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write one cell; a string that a spreadsheet would read as a formula stays text."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = value
        if value.startswith(FORMULA_TRIGGERS) or cell.data_type == "f":
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell
    cell.value = value
    return cell


def _table_illustrative(table: dict, record: Any) -> bool:
    flag = table.get("illustrative")
    return bool(record.context.get("illustrative")) if flag is None else bool(flag)


def _sources_text(table: dict) -> str:
    sources = table.get("sources")
    if not sources:
        return "the notebook's inputs (not itemised)"
    return ", ".join(str(s) for s in sources)


def _about_rows(record: Any, run_time: dt.datetime) -> list[tuple[str, Any]]:
    ctx = record.context
    rows: list[tuple[str, Any]] = [
        ("Title", ctx.get("title", "")),
        ("Area", f"{ctx.get('area_name', '')} ({ctx.get('area_code', '')})"),
        ("Period", ctx.get("period", "")),
        ("Data source", ctx.get("source", "")),
        ("Data as at", ctx.get("data_date", "")),
    ]
    for key, value in (ctx.get("extra") or {}).items():
        rows.append((str(key), value))
    rows.append(("Report run", run_time.isoformat(timespec="seconds")))
    return rows


def write_workbook(record: Any, path: str | Path, *,
                   run_time: dt.datetime | None = None) -> Path:
    """Write the published tables as a formatted workbook: "About", then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    run_time = run_time or dt.datetime.now().astimezone()
    path = Path(path)
    wb = Workbook()
    about = wb.active
    about.title = "About"
    bold = Font(bold=True)
    red_bold = Font(bold=True, color=_RED)
    put(about, 1, 1, str(record.context.get("title", "Report"))).font = Font(bold=True, size=14)
    names = sheet_names([t["name"] for t in record.tables])
    flags = [_table_illustrative(t, record) for t in record.tables]
    row = 3
    if any(flags):
        cell = put(about, row, 1, "ILLUSTRATIVE DATA")
        cell.font = Font(bold=True, size=12, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=_RED)
        put(about, row, 2, "Sheets marked ILLUSTRATIVE below come from generated demonstration "
                           "data, not real records. Do not use them for decisions.").font = \
            red_bold
        row += 2
    for label, value in _about_rows(record, run_time):
        put(about, row, 1, label).font = bold
        put(about, row, 2, value)
        row += 1
    if record.tables:
        row += 1
        for j, heading in enumerate(("Sheet", "Contents", "Data", "Computed from"), start=1):
            put(about, row, j, heading).font = bold
        row += 1
        for sheet_name, table, flag in zip(names, record.tables, flags, strict=True):
            put(about, row, 1, sheet_name)
            put(about, row, 2, str(table.get("title") or ""))
            put(about, row, 3, "ILLUSTRATIVE" if flag else "Real")
            if flag:
                about.cell(row=row, column=3).font = red_bold
            put(about, row, 4, _sources_text(table))
            row += 1
    for letter, width in (("A", 26), ("B", 80), ("C", 14), ("D", 40)):
        about.column_dimensions[letter].width = width

    header_fill = PatternFill("solid", fgColor="DDEBF7")
    ctx = record.context
    for sheet_name, table, flag in zip(names, record.tables, flags, strict=True):
        ws = wb.create_sheet(sheet_name)
        put(ws, 1, 1, str(table.get("title") or table["name"])).font = Font(bold=True, size=13)
        block = [f"{ctx.get('area_name', '')} ({ctx.get('area_code', '')}), "
                 f"{ctx.get('period', '')}. Data as at {ctx.get('data_date', '')}."]
        if table.get("note"):
            block.append(labels.name_labels(str(table["note"]), table["columns"]))
        block.append("ILLUSTRATIVE DATA: generated records, not real. Computed from: "
                     f"{_sources_text(table)}." if flag
                     else f"Real data. Computed from: {_sources_text(table)}.")
        for offset, text in enumerate(block):
            cell = put(ws, 2 + offset, 1, text)
            if text.startswith("ILLUSTRATIVE"):
                cell.font = red_bold
        header_row = 2 + len(block) + 1
        columns = list(table["columns"])
        data = table["data"]
        formats = labels.column_formats(columns, data)
        units = labels.row_units(columns, data)
        _, texts = tables.formatted(table)
        for j, fmt in enumerate(formats, start=1):
            cell = put(ws, header_row, j, fmt.label)
            cell.font = bold
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths: list[int] = []
        for j, fmt in enumerate(formats, start=1):
            values = [r[j - 1] for r in data]
            is_date_column = (any(v is not None for v in values) and all(
                v is None or (isinstance(v, str) and _ISO_DATE.match(v)) for v in values))
            width = max((len(w) for w in fmt.label.split()), default=4)
            for i, (value, unit) in enumerate(zip(values, units, strict=True)):
                target = header_row + 1 + i
                if is_date_column and value is not None:
                    cell = put(ws, target, j, dt.date.fromisoformat(value))
                    cell.number_format = "yyyy-mm-dd"
                    width = max(width, 10)
                    continue
                stored = value
                if fmt.kind in {"yesno", "polarity"}:
                    stored = None if value is None else texts[i][j - 1]
                number_format = fmt.excel_format(value, unit)
                if fmt.kind == "percent" and isinstance(value, int | float) \
                        and not isinstance(value, bool):
                    stored, number_format = float(value) / 100.0, "0.0%"
                cell = put(ws, target, j, stored)
                if number_format:
                    cell.number_format = number_format
                width = max(width, min(len(texts[i][j - 1]), 50))
            widths.append(min(max(width + 2, 8), 52))
            ws.column_dimensions[get_column_letter(j)].width = widths[-1]
        header_lines = max((math.ceil(len(f.label) / max(w - 2, 1))
                            for f, w in zip(formats, widths, strict=True)), default=1)
        ws.row_dimensions[header_row].height = 15 * max(1, header_lines)
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        if columns:
            last = header_row + max(len(data), 1)
            ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{last}"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
