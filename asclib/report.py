"""Notebook-side publishing and the Excel / HTML writers.

In a notebook::

    rpt = report.start("Budget breakdown", area_code=area_code, period=period, data=data,
                       source="ASC budget ledger")
    rpt.table("spend_by_psr", frame, title="Gross spend by primary support reason")
    rpt.headline(gross_budget_gbp=153_300_000)
    rpt.finish()

Every call displays something a reader understands (Markdown, a formatted HTML table) and, in
the same output, a machine-readable MIME bundle that the runner reads back from the executed
notebook with :func:`extract`:

- ``application/vnd.asclib.context+json``   {title, area_code, area_name, period, source,
  data_date, illustrative, extra}
- ``application/vnd.asclib.table+json``     {name, title, note, columns, data}
- ``application/vnd.asclib.headlines+json`` {name: value}
- ``application/vnd.asclib.inputs+json``    [{path, sha256}]

Floats in the bundles are rounded to 10 significant digits, NaN/NA become ``null`` and dates
become ISO strings, so committed notebooks compare stably under nbval.

Column-name conventions used for formatting (display and Excel): a name ending ``_gbp`` (or
containing ``£``) is money; a name containing ``share`` is a fraction shown as a percentage
(0.25 -> 25.0%); a name ending ``_pct`` (or containing ``%``) is already in percent (25 -> 25.0%).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

CONTEXT_MIME = "application/vnd.asclib.context+json"
TABLE_MIME = "application/vnd.asclib.table+json"
HEADLINES_MIME = "application/vnd.asclib.headlines+json"
INPUTS_MIME = "application/vnd.asclib.inputs+json"
KEY_MESSAGES_MIME = "application/vnd.asclib.key-messages+json"
FIGURE_MIME = "application/vnd.asclib.figure+json"
TABLES_READ_MIME = "application/vnd.asclib.tables-read+json"
#: Cells carrying this tag stay in the notebook (for analysts) and are dropped from the HTML.
ANALYST_ONLY_TAG = "analyst-only"

#: Rows of a table shown in the notebook / HTML report; every row goes to the Excel workbook.
DISPLAY_MAX_ROWS = 60
SIGNIFICANT_DIGITS = 10
ILLUSTRATIVE_WARNING = (
    "**Illustrative data.** Some figures in this report come from generated demonstration "
    "data, not from real records. Do not use them for decisions."
)
_NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class DatasetLike(Protocol):
    """What :func:`start` needs from ``asclib.data.Dataset``."""

    data_date: str
    illustrative: bool
    inputs: list[dict[str, str]]

    def area_name(self, code: str) -> str: ...


# --------------------------------------------------------------------------- JSON values


def json_value(value: Any) -> Any:
    """One cell or headline value as plain JSON.

    Floats are rounded to 10 significant digits; NaN, NA, NaT and infinities become ``None``;
    numpy scalars become Python numbers; dates become ISO strings (``YYYY-MM-DD`` for a date or
    a midnight timestamp, full ISO otherwise).
    """
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    # numpy / pandas scalars and missing markers (imported lazily: report is light to import)
    import numpy as np
    import pandas as pd

    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return json_value(float(value))
    if isinstance(value, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(value)
        if ts.tzinfo is None and ts == ts.normalize():
            return ts.date().isoformat()
        return ts.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return json_value(pd.Timestamp(value)) if not np.isnat(value) else None
    if isinstance(value, pd.Period):
        return str(value)
    if isinstance(value, pd.Timedelta | dt.timedelta):
        return pd.Timedelta(value).isoformat()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _table_payload(name: str, frame: pd.DataFrame, title: str, note: str | None) -> dict:
    columns = [str(c) for c in frame.columns]
    data = [[json_value(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return {"name": name, "title": title, "note": note, "columns": columns, "data": data}


def _tidy_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Flatten MultiIndex columns and keep a meaningful index as ordinary columns."""
    import pandas as pd

    out = frame.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" / ".join(str(p) for p in parts if str(p) != "") for parts in out.columns]
    unnamed = all(n is None for n in out.index.names)
    if unnamed and pd.api.types.is_integer_dtype(out.index.dtype):
        out = out.reset_index(drop=True)  # a plain row number: no clutter
    else:
        out = out.reset_index()  # a meaningful index is kept as columns
    out.columns = [str(c) for c in out.columns]
    if len(set(out.columns)) != len(out.columns):
        raise ValueError(f"table has duplicate column names: {list(out.columns)}")
    return out


# --------------------------------------------------------------------------- column formats


def column_kind(column: str) -> str:
    """How a column is formatted, from its name: "money", "share", "percent", "year" (a
    calendar year or week number, shown without a thousands separator) or "other"."""
    lowered = column.lower()
    if re.fullmatch(r"(.*_)?(year|week)", lowered):
        return "year"
    if lowered.endswith("_gbp") or "_gbp_" in lowered or "£" in column:
        return "money"
    if lowered.endswith("_pct") or "%" in column:
        return "percent"
    if "share" in lowered:
        return "share"
    return "other"


def readable_label(column: str) -> str:
    """A header for readers: ``gross_gbp`` -> ``Gross (£)``; names with spaces are kept."""
    if not re.fullmatch(r"[a-z0-9_]+", column):
        return column
    text = column
    suffix = ""
    if text.endswith("_gbp"):
        text, suffix = text[: -len("_gbp")], " (£)"
    elif "_gbp_" in text:
        text = text.replace("_gbp_", " (£) ")
    elif text.endswith("_pct"):
        text, suffix = text[: -len("_pct")], " (%)"
    words = [_ACRONYMS.get(word, word) for word in text.replace("_", " ").split()]
    text = " ".join(words)
    return (text[:1].upper() + text[1:] + suffix) if text else column


#: Words shown in capitals in headers (``ld_share`` -> "LD share").
_ACRONYMS = {"ld": "LD", "dp": "DP", "asc": "ASC", "psr": "PSR", "nhs": "NHS", "ci": "CI",
             "ons": "ONS", "hle": "HLE", "iqr": "IQR", "cv": "CV", "mh": "MH"}


def _float_decimals(values: Iterable[float]) -> int:
    finite = [abs(v) for v in values if isinstance(v, float) and math.isfinite(v)]
    largest = max(finite, default=0.0)
    if largest >= 100:
        return 1
    if largest >= 1:
        return 2
    return 3


def _cell_formatter(column: str, values: Sequence[Any]):
    """A function formatting one cell of ``column`` for readers (HTML / text)."""
    kind = column_kind(column)
    numeric = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    all_integral = all(float(v).is_integer() for v in numeric if math.isfinite(float(v)))
    decimals = _float_decimals([float(v) for v in numeric])

    def fmt(value: Any) -> str:
        if value is None:
            return "–"
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        if kind == "money":
            return f"£{value:,.0f}" if all_integral or abs(value) >= 1000 else f"£{value:,.2f}"
        if kind == "share":
            return f"{value:.1%}"
        if kind == "percent":
            return f"{value:.1f}%"
        if kind == "year" and float(value).is_integer():
            return f"{value:.0f}"
        if all_integral:
            return f"{value:,.0f}"
        return f"{value:,.{decimals}f}"

    return fmt


def _reader_html(name: str, payload: dict, shown_rows: int) -> str:
    columns = payload["columns"]
    rows = payload["data"][:shown_rows]
    formatters = [
        _cell_formatter(col, [row[i] for row in payload["data"]]) for i, col in enumerate(columns)
    ]
    numeric = [
        any(isinstance(row[i], int | float) and not isinstance(row[i], bool) for row in rows)
        for i in range(len(columns))
    ]
    css_id = "asclib-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)
    parts = [
        f'<table class="asclib-table" id="{css_id}">',
        f"<caption>{html.escape(payload['title'])}</caption>",
        "<thead><tr>",
    ]
    for i, col in enumerate(columns):
        align = ' style="text-align:right"' if numeric[i] else ' style="text-align:left"'
        parts.append(f"<th{align}>{html.escape(readable_label(col))}</th>")
    parts.append("</tr></thead><tbody>")
    for row in rows:
        parts.append("<tr>")
        for i, value in enumerate(row):
            align = ' style="text-align:right"' if numeric[i] else ' style="text-align:left"'
            parts.append(f"<td{align}>{html.escape(formatters[i](value))}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    total = len(payload["data"])
    notes = []
    if total > shown_rows:
        notes.append(f"First {shown_rows:,} of {total:,} rows; every row is in the Excel workbook.")
    if payload.get("note"):
        notes.append(html.escape(payload["note"]))
    if notes:
        parts.append(f'<p class="asclib-note"><em>{" ".join(notes)}</em></p>')
    return "".join(parts)


def _reader_text(payload: dict, shown_rows: int) -> str:
    columns = payload["columns"]
    rows = payload["data"][:shown_rows]
    formatters = [
        _cell_formatter(col, [row[i] for row in payload["data"]]) for i, col in enumerate(columns)
    ]
    cells = [[readable_label(c) for c in columns]]
    cells += [[formatters[i](v) for i, v in enumerate(row)] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = [payload["title"]]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    if len(payload["data"]) > shown_rows:
        lines.append(f"(first {shown_rows} of {len(payload['data'])} rows)")
    if payload.get("note"):
        lines.append(payload["note"])
    return "\n".join(lines)


def format_value(name: str, value: Any) -> str:
    """A headline value for readers, formatted by its name's convention."""
    return _cell_formatter(name, [value])(value)


# --------------------------------------------------------------------------- display


def _display(bundle: dict[str, Any]) -> None:
    """Show one output holding a readable representation and a machine-readable bundle."""
    from IPython.display import display

    display(bundle, raw=True)


def _context_markdown(context: dict) -> str:
    lines = [f"# {context['title']}", ""]
    facts = [
        f"**Area:** {context['area_name']} ({context['area_code']})",
        f"**Period:** {context['period']}",
        f"**Data source:** {context['source']}",
        f"**Data as at:** {context['data_date']}",
    ]
    for key, value in (context.get("extra") or {}).items():
        facts.append(f"**{key}:** {value}")
    lines.append("  \n".join(facts))
    if context.get("illustrative"):
        lines += ["", f"> ⚠️ {ILLUSTRATIVE_WARNING}"]
    return "\n".join(lines)


def _context_text(context: dict) -> str:
    text = (
        f"{context['title']}\nArea: {context['area_name']} ({context['area_code']})\n"
        f"Period: {context['period']}\nData source: {context['source']}\n"
        f"Data as at: {context['data_date']}"
    )
    for key, value in (context.get("extra") or {}).items():
        text += f"\n{key}: {value}"
    if context.get("illustrative"):
        text += "\nILLUSTRATIVE DATA: not real records; do not use for decisions."
    return text


class Report:
    """A notebook's published content. Create it with :func:`start`."""

    def __init__(self, context: dict, data: DatasetLike):
        self.context = context
        self.data = data
        self.headlines: dict[str, Any] = {}
        self.table_names: list[str] = []
        self.finished = False

    def _illustrative_of(self, sources: Sequence[str] | None) -> bool:
        """Whether content computed from processed tables ``sources`` rests on illustrative
        records (None: whether anything read so far did)."""
        if sources is None:
            return bool(getattr(self.data, "illustrative", False))
        is_illustrative = getattr(self.data, "is_illustrative", None)
        return any(bool(is_illustrative(name)) for name in sources) if is_illustrative else False

    def table(self, name: str, frame: pd.DataFrame, *, title: str, note: str | None = None,
              sources: Sequence[str] | None = None) -> None:
        """Show ``frame`` for readers and publish it as sheet ``name`` of the Excel workbook.

        ``name`` is an identifier (letters, digits, underscores), unique within the notebook.
        A meaningful (named) index is kept as columns; a default index is dropped.
        ``sources`` names the processed tables the frame was computed from; the payload's
        ``illustrative`` flag is true when any of them holds illustrative records.
        """
        if not _NAME_PATTERN.match(name):
            raise ValueError(f"table name {name!r}: use letters, digits and underscores")
        if name in self.table_names:
            raise ValueError(f"table {name!r} was already published in this notebook")
        tidy = _tidy_frame(frame)
        payload = _table_payload(name, tidy, title, note)
        payload["illustrative"] = self._illustrative_of(sources)
        payload["sources"] = list(sources) if sources is not None else None
        self.table_names.append(name)
        _display(
            {
                "text/html": _reader_html(name, payload, DISPLAY_MAX_ROWS),
                "text/plain": _reader_text(payload, DISPLAY_MAX_ROWS),
                TABLE_MIME: payload,
            }
        )

    def figure(self, fig: Any, *, alt: str | None = None,
               sources: Sequence[str] | None = None) -> None:
        """Show a chart once (as an embedded PNG) and close it.

        ``alt`` says in words what the chart shows (the HTML report's alt text); ``sources``
        names the processed tables it was drawn from (for its real / illustrative label).
        Closing stops the inline backend from drawing the same figure a second time at the end
        of the cell, and keeps memory flat in long notebooks.
        """
        import matplotlib.pyplot as plt
        from IPython.display import display

        display(fig, metadata={FIGURE_MIME: {"alt": alt or "",
                                             "illustrative": self._illustrative_of(sources)}})
        plt.close(fig)

    def key_messages(self, messages: Sequence[str]) -> None:
        """Show the 3-6 sentences a manager reads first; the HTML report puts them right
        under the title. Each sentence says whether it rests on real or illustrative data."""
        items = [str(m) for m in messages]
        markdown = "## Key messages\n\n" + "\n".join(f"- {m}" for m in items)
        _display({"text/markdown": markdown, "text/plain": markdown.replace("## ", ""),
                  KEY_MESSAGES_MIME: items})

    def headline(self, **values: Any) -> None:
        """Record key figures by name (shown by :meth:`finish` and written to the manifest)."""
        for key, value in values.items():
            self.headlines[key] = json_value(value)

    def finish(self) -> None:
        """Emit the headlines and the input files read, with a short readable summary."""
        illustrative_now = bool(getattr(self.data, "illustrative", False))
        newly_illustrative = illustrative_now and not self.context.get("illustrative")
        self.context = {**self.context, "illustrative": illustrative_now}
        inputs = _unique_inputs(getattr(self.data, "inputs", []) or [])
        lines = ["## Summary", ""]
        if newly_illustrative:
            lines += [f"> ⚠️ {ILLUSTRATIVE_WARNING}", ""]
        if self.headlines:
            lines += ["| Key figure | Value |", "|---|---|"]
            for key, value in self.headlines.items():
                lines.append(f"| {readable_label(key)} | {format_value(key, value)} |")
            lines.append("")
        n_inputs = len(inputs)
        lines.append(
            f"Tables published: {len(self.table_names)}. Input files read: {n_inputs} "
            "(listed with checksums in the run's manifest)."
        )
        markdown = "\n".join(lines)
        text = markdown.replace("**", "")
        _display(
            {
                "text/markdown": markdown,
                "text/plain": text,
                CONTEXT_MIME: self.context,
                HEADLINES_MIME: dict(self.headlines),
                INPUTS_MIME: inputs,
                TABLES_READ_MIME: list(getattr(self.data, "tables_read", []) or []),
            }
        )
        self.finished = True


def _unique_inputs(inputs: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    by_path: dict[str, dict[str, str]] = {}
    for item in inputs:
        by_path[str(item["path"])] = {"path": str(item["path"]), "sha256": str(item["sha256"])}
    return [by_path[p] for p in sorted(by_path)]


def start(
    title: str,
    *,
    area_code: str,
    period: str,
    data: DatasetLike,
    source: str,
    extra: Mapping[str, Any] | None = None,
) -> Report:
    """Show the opening section (title, area, period, source, data date, illustrative warning).

    ``extra`` adds labelled lines (for example ``{"Comparators": "CIPFA nearest neighbours"}``).
    """
    context = {
        "title": title,
        "area_code": area_code,
        "area_name": data.area_name(area_code),
        "period": period,
        "source": source,
        "data_date": data.data_date,
        "illustrative": bool(data.illustrative),
        "extra": {str(k): json_value(v) for k, v in (extra or {}).items()},
    }
    _display(
        {
            "text/markdown": _context_markdown(context),
            "text/plain": _context_text(context),
            CONTEXT_MIME: context,
        }
    )
    return Report(context, data)


# --------------------------------------------------------------------------- extraction


@dataclass
class NotebookRecord:
    """What an executed notebook published."""

    context: dict[str, Any] = field(default_factory=dict)
    tables: list[dict[str, Any]] = field(default_factory=list)
    headlines: dict[str, Any] = field(default_factory=dict)
    inputs: list[dict[str, str]] = field(default_factory=list)

    @property
    def illustrative(self) -> bool:
        return bool(self.context.get("illustrative"))


def extract(notebook: Any) -> NotebookRecord:
    """Read the asclib bundles back from an executed notebook (an nbformat node or dict).

    Later context bundles update earlier ones (``finish`` re-states ``illustrative``); a table
    published twice keeps its last content; headlines merge; inputs are the union by path.
    """
    record = NotebookRecord()
    tables: dict[str, dict] = {}
    inputs: list[dict] = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            if CONTEXT_MIME in data:
                record.context.update(dict(data[CONTEXT_MIME]))
            if TABLE_MIME in data:
                table = dict(data[TABLE_MIME])
                tables[table["name"]] = table
            if HEADLINES_MIME in data:
                record.headlines.update(dict(data[HEADLINES_MIME]))
            if INPUTS_MIME in data:
                inputs.extend(data[INPUTS_MIME])
    record.tables = list(tables.values())
    record.inputs = _unique_inputs(inputs)
    return record


# --------------------------------------------------------------------------- Excel


_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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


def _excel_number_format(column: str, values: Sequence[Any]) -> str | None:
    kind = column_kind(column)
    numeric = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if not numeric:
        return None
    integral = all(float(v).is_integer() for v in numeric)
    if kind == "money":
        return '"£"#,##0' if integral or max(abs(v) for v in numeric) >= 1000 else '"£"#,##0.00'
    if kind == "share":
        return "0.0%"
    if kind == "percent":
        return '0.0"%"'
    if kind == "year" and integral:
        return "0"
    if integral:
        return "#,##0"
    return "#,##0." + "0" * _float_decimals([float(v) for v in numeric])


def _about_rows(record: NotebookRecord, run_time: dt.datetime) -> list[tuple[str, Any]]:
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


def write_workbook(
    record: NotebookRecord, path: str | Path, *, run_time: dt.datetime | None = None
) -> Path:
    """Write the published tables as a formatted workbook: an "About" sheet, then one per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    run_time = run_time or dt.datetime.now().astimezone()
    path = Path(path)
    wb = Workbook()
    about = wb.active
    about.title = "About"
    bold = Font(bold=True)
    about["A1"] = record.context.get("title", "Report")
    about["A1"].font = Font(bold=True, size=14)
    row = 3
    if record.illustrative:
        about.cell(row=row, column=1, value="ILLUSTRATIVE DATA").font = Font(
            bold=True, size=12, color="FFFFFF"
        )
        about.cell(row=row, column=1).fill = PatternFill("solid", fgColor="C00000")
        about.cell(
            row=row,
            column=2,
            value="Some figures come from generated demonstration data, not real records. "
            "Do not use them for decisions.",
        ).font = Font(bold=True, color="C00000")
        row += 2
    for label, value in _about_rows(record, run_time):
        about.cell(row=row, column=1, value=label).font = bold
        about.cell(row=row, column=2, value=value)
        row += 1
    names = sheet_names([t["name"] for t in record.tables])
    if record.tables:
        row += 1
        about.cell(row=row, column=1, value="Sheet").font = bold
        about.cell(row=row, column=2, value="Contents").font = bold
        row += 1
        for sheet_name, table in zip(names, record.tables, strict=True):
            about.cell(row=row, column=1, value=sheet_name)
            about.cell(row=row, column=2, value=table.get("title") or "")
            row += 1
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 90

    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for sheet_name, table in zip(names, record.tables, strict=True):
        ws = wb.create_sheet(sheet_name)
        ws["A1"] = table.get("title") or table["name"]
        ws["A1"].font = Font(bold=True, size=13)
        block = [
            f"{record.context.get('area_name', '')} ({record.context.get('area_code', '')}), "
            f"{record.context.get('period', '')}. Data as at {record.context.get('data_date', '')}."
        ]
        if table.get("note"):
            block.append(str(table["note"]))
        if record.illustrative:
            block.append("ILLUSTRATIVE DATA: not real records.")
        for offset, text in enumerate(block):
            cell = ws.cell(row=2 + offset, column=1, value=text)
            if text.startswith("ILLUSTRATIVE"):
                cell.font = Font(bold=True, color="C00000")
        header_row = 2 + len(block) + 1
        columns = table["columns"]
        data = table["data"]
        for j, col in enumerate(columns, start=1):
            cell = ws.cell(row=header_row, column=j, value=readable_label(col))
            cell.font = bold
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for j, col in enumerate(columns, start=1):
            values = [r[j - 1] for r in data]
            number_format = _excel_number_format(col, values)
            is_date_column = (
                bool(values)
                and all(v is None or (isinstance(v, str) and _ISO_DATE.match(v)) for v in values)
                and any(v is not None for v in values)
            )
            width = len(readable_label(col))
            for i, value in enumerate(values, start=header_row + 1):
                if is_date_column and value is not None:
                    cell = ws.cell(row=i, column=j, value=dt.date.fromisoformat(value))
                    cell.number_format = "yyyy-mm-dd"
                    width = max(width, 10)
                    continue
                cell = ws.cell(row=i, column=j, value=value)
                if number_format and isinstance(value, int | float) and not isinstance(value, bool):
                    cell.number_format = number_format
                    shown = _cell_formatter(col, values)(value)
                else:
                    shown = "" if value is None else str(value)
                width = max(width, len(shown))
            ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        if data:
            ws.auto_filter.ref = (
                f"A{header_row}:{get_column_letter(len(columns))}{header_row + len(data)}"
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# --------------------------------------------------------------------------- HTML

_BANNER_STYLE = (
    "background:#c00000;color:#fff;padding:0.6em 1em;font-weight:bold;"
    "border-radius:4px;margin:0.5em 0;"
)


def _html_header(record: NotebookRecord) -> str:
    ctx = record.context
    esc = html.escape
    parts = [
        f"<h1>{esc(str(ctx.get('title', '')))}</h1>",
        '<p style="font-size:1.05em">',
        f"<strong>Area:</strong> {esc(str(ctx.get('area_name', '')))} "
        f"({esc(str(ctx.get('area_code', '')))}) &nbsp;·&nbsp; ",
        f"<strong>Period:</strong> {esc(str(ctx.get('period', '')))} &nbsp;·&nbsp; ",
        f"<strong>Data as at:</strong> {esc(str(ctx.get('data_date', '')))}<br>",
        f"<strong>Data source:</strong> {esc(str(ctx.get('source', '')))}",
    ]
    for key, value in (ctx.get("extra") or {}).items():
        parts.append(f"<br><strong>{esc(str(key))}:</strong> {esc(str(value))}")
    parts.append("</p>")
    if record.illustrative:
        parts.insert(
            1,
            f'<div style="{_BANNER_STYLE}">ILLUSTRATIVE DATA: some figures in this report come '
            "from generated demonstration data, not real records. Do not use them for decisions."
            "</div>",
        )
    return "\n".join(parts)


def write_html(notebook: Any, record: NotebookRecord, path: str | Path) -> Path:
    """Write the report for managers: no code, no prompts, figures embedded, context on top.

    The opening output of :func:`start` is replaced by a header holding the title, area,
    period, data date, source and (when illustrative) a red banner; stderr output (warnings)
    is left out.
    """
    import copy

    import nbformat

    nb = nbformat.from_dict(copy.deepcopy(dict(notebook)))
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue
            data = output.get("data") or {}
            if CONTEXT_MIME in data and TABLE_MIME not in data and HEADLINES_MIME not in data:
                continue  # the opening section: replaced by the header below
            kept.append(output)
        cell.outputs = kept
    header = nbformat.v4.new_markdown_cell(_html_header(record))
    nb.cells.insert(0, header)
    exporter = _html_exporter()
    title = str(record.context.get("title") or Path(path).stem)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


_EXPORTER = None


def _html_exporter():
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter

        _EXPORTER = HTMLExporter(
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
        )
    return _EXPORTER


class PdfRendererMissing(RuntimeError):  # noqa: N818 (a missing tool, said in one line)
    """The PDF renderer (WeasyPrint and its system libraries) is not installed."""


def write_pdf(html_path: str | Path, pdf_path: str | Path) -> Path:
    """Render a report's HTML to PDF with WeasyPrint (print stylesheet applies).

    Raises PdfRendererMissing with a one-line install hint when WeasyPrint or its libraries
    (Pango) are absent.
    """
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise PdfRendererMissing(
            "PDF output needs WeasyPrint: pip install weasyprint (and on Debian/Ubuntu "
            f"apt-get install libpango-1.0-0 libpangoft2-1.0-0) ({exc.__class__.__name__})"
        ) from None
    target = Path(pdf_path)
    HTML(filename=str(html_path)).write_pdf(str(target))
    return target
