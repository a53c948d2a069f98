"""A published table as readers see it: an escaped HTML table (reader's columns, English
labels, formatted cells) or aligned plain text. Used by the notebook display and the HTML
report; the Excel writer uses the same :mod:`asclib.reporting.labels`."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from asclib.reporting import labels

#: A table with more rows than this is collapsed (and placed after its section's charts).
LONG_TABLE_ROWS = 15


def css_id(name: str) -> str:
    return "asclib-" + re.sub(r"[^A-Za-z0-9_-]", "-", str(name))


def formatted(payload: Mapping[str, Any]) -> tuple[list[labels.ColumnFormat], list[list[str]]]:
    """The column formats and every cell's text."""
    columns = list(payload["columns"])
    data = payload["data"]
    formats = labels.column_formats(columns, data)
    units = labels.row_units(columns, data)
    texts = [[fmt.text(value, unit) for fmt, value in zip(formats, row, strict=True)]
             for row, unit in zip(data, units, strict=True)]
    if "note" in columns:  # notes name columns ("suppressed: ... (clients, ld_share)")
        index = columns.index("note")
        for row in texts:
            row[index] = labels.name_labels(row[index], columns)
    return formats, texts


def table_html(payload: Mapping[str, Any], *, max_rows: int | None = None,
               all_columns: bool = False, caption: bool = True,
               provenance: str | None = None) -> str:
    """One escaped ``<table>``: a caption, English headers, formatted cells. Wide tables keep
    the reader's columns (:func:`asclib.reporting.labels.reader_columns`) unless
    ``all_columns``; a note names the rows and columns left to the Excel workbook."""
    formats, texts = formatted(payload)
    kept = list(range(len(formats))) if all_columns else labels.reader_columns(formats, texts)
    total = len(texts)
    shown = texts if max_rows is None else texts[:max_rows]
    wide = len(kept) > 9
    classes = "asclib-table wide" if wide else "asclib-table"
    parts = [f'<div class="table-block{" wide" if wide else ""}">',
             f'<table class="{classes}" id="{css_id(payload["name"])}">']
    if caption:
        parts.append(f"<caption>{html.escape(str(payload.get('title') or payload['name']))}"
                     f"{provenance or ''}</caption>")
    parts.append("<thead><tr>")
    for i in kept:
        align = "num" if formats[i].numeric else "txt"
        parts.append(f'<th scope="col" class="{align}">{html.escape(formats[i].label)}</th>')
    parts.append("</tr></thead><tbody>")
    for row in shown:
        parts.append("<tr>")
        for i in kept:
            align = "num" if formats[i].numeric else "txt"
            parts.append(f'<td class="{align}">{html.escape(row[i])}</td>')
        parts.append("</tr>")
    if not shown:
        parts.append(f'<tr><td colspan="{max(len(kept), 1)}" class="txt">None.</td></tr>')
    parts.append("</tbody></table>")
    notes = []
    if len(shown) < total:
        notes.append(f"First {len(shown):,} of {total:,} rows; every row is in the Excel "
                     "workbook.")
    left_out = [formats[i].label for i in range(len(formats)) if i not in kept]
    if left_out:
        notes.append("Also in the Excel workbook: " + ", ".join(left_out) + ".")
    if payload.get("note"):
        notes.append(labels.name_labels(str(payload["note"]), payload["columns"]))
    if notes:
        parts.append(f'<p class="asclib-note">{html.escape(" ".join(notes))}</p>')
    parts.append("</div>")
    return "".join(parts)


def table_text(payload: Mapping[str, Any], *, max_rows: int | None = None) -> str:
    """The table as aligned plain text (the notebook's text/plain output)."""
    formats, texts = formatted(payload)
    shown = texts if max_rows is None else texts[:max_rows]
    cells = [[f.label for f in formats], *shown]
    widths = [max(len(r[i]) for r in cells) for i in range(len(formats))]
    lines = [str(payload.get("title") or payload["name"])]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
              for r in cells]
    if len(shown) < len(texts):
        lines.append(f"(first {len(shown)} of {len(texts)} rows)")
    if payload.get("note"):
        lines.append(str(payload["note"]))
    return "\n".join(lines)
