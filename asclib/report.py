"""Notebook-side publishing; the Excel / HTML / PDF writers are re-exported from
:mod:`asclib.reporting`.

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
- ``application/vnd.asclib.table+json``     {name, title, note, columns, data,
  illustrative, sources}
- ``application/vnd.asclib.headlines+json`` {name: value}
- ``application/vnd.asclib.inputs+json``    [{path, sha256}]
- ``application/vnd.asclib.key-messages+json`` [sentence, ...]  (shown under the HTML title)
- ``application/vnd.asclib.figure+json``    {alt, illustrative}  (display metadata of a chart)

Floats in the bundles are rounded to 10 significant digits, NaN/NA become ``null`` and dates
become ISO strings, so committed notebooks compare stably under nbval.

Column labels and formats (display, HTML and Excel) come from
:mod:`asclib.reporting.labels`; the writers live in :mod:`asclib.reporting` and are
re-exported here (``extract``, ``write_workbook``, ``write_html``, ``write_pdf``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

from asclib.reporting import labels as _labels
from asclib.reporting import tables as _tables
from asclib.reporting.excel import sheet_names, write_workbook
from asclib.reporting.html import write_html
from asclib.reporting.mime import (
    ANALYST_ONLY_TAG,
    CONTEXT_MIME,
    FIGURE_MIME,
    HEADLINES_MIME,
    INPUTS_MIME,
    KEY_MESSAGES_MIME,
    TABLE_MIME,
    TABLES_READ_MIME,
)
from asclib.reporting.pdf import PdfRendererMissing, write_pdf

__all__ = [
    "ANALYST_ONLY_TAG", "CONTEXT_MIME", "FIGURE_MIME", "HEADLINES_MIME", "INPUTS_MIME",
    "KEY_MESSAGES_MIME", "TABLES_READ_MIME", "TABLE_MIME", "NotebookRecord",
    "PdfRendererMissing", "Report", "extract", "sheet_names", "start", "write_html",
    "write_pdf", "write_workbook",
]

#: Rows of a table shown in the notebook (the HTML shows up to 300; the workbook every row).
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


# --------------------------------------------------------------------------- labels


def column_kind(column: str) -> str:
    """How a column is formatted (see :func:`asclib.reporting.labels.column_kind`)."""
    return _labels.column_kind(column)


def readable_label(column: str) -> str:
    """A header for readers (the one label map: :func:`asclib.reporting.labels.label`)."""
    return _labels.label(column)


def format_value(name: str, value: Any) -> str:
    """A headline value for readers, formatted by its name's convention."""
    return _labels.column_formats([name], [[value]])[0].text(value)


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
                "text/html": _tables.table_html(payload, max_rows=DISPLAY_MAX_ROWS),
                "text/plain": _tables.table_text(payload, max_rows=DISPLAY_MAX_ROWS),
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

        from asclib.plots import style

        width, height = fig.bbox.size
        display({"image/png": style.png_bytes(fig),
                 "text/plain": f"<Figure size {width:.0f}x{height:.0f} with "
                               f"{len(fig.axes)} Axes>"},
                raw=True, metadata={FIGURE_MIME: {
                    "alt": alt or "", "illustrative": self._illustrative_of(sources)}})
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
    key_messages: list[str] = field(default_factory=list)

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
            if KEY_MESSAGES_MIME in data:
                record.key_messages.extend(str(m) for m in data[KEY_MESSAGES_MIME])
    record.tables = list(tables.values())
    record.inputs = _unique_inputs(inputs)
    return record
