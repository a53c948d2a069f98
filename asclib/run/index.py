"""The index pages: ``OUT/index.html`` (every area x notebook of the output folder) and
``OUT/<area>/index.html`` (one area). Self-contained HTML (inline CSS, no script, no external
style, font or image); every piece of text from the data is HTML-escaped; each row says whether
the report rests on real or illustrative data."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from asclib import report

#: Headline figures shown per notebook on the index pages.
MAX_HEADLINES = 4

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:2em;color:#1b1b1b}
h1{font-size:1.6em}table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{border:1px solid #c8c8c8;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0}.status{font-weight:bold;white-space:nowrap}
.ok{color:#1a6b1a}.failed{color:#b00020}.skipped{color:#8a5a00}.up-to-date{color:#245a9a}
.label{display:inline-block;padding:0 .4em;border-radius:3px;font-size:.85em;font-weight:bold}
.illustrative{background:#c00000;color:#fff}.real{background:#1a6b1a;color:#fff}
.reason{color:#555;font-size:.9em;overflow-wrap:anywhere}ul.headlines{margin:0;padding-left:1.1em}
td.state{width:16em;max-width:16em}td.figures{min-width:20em}
"""


@dataclass(frozen=True)
class Row:
    """One area x notebook line of an index page."""

    area_code: str
    area_name: str | None
    notebook: str
    status: str
    entry: Mapping[str, Any]

    @property
    def shown(self) -> Mapping[str, Any]:
        """The entry whose report is published: the good one behind a failure or skip."""
        if self.entry.get("status") == "ok":
            return self.entry
        return self.entry.get("previous_ok") or {}


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _value(name: str, value: Any) -> str:
    try:
        return report.format_value(name, value)
    except Exception:
        return str(value)


def _label(illustrative: Any) -> str:
    if illustrative is None:
        return ""
    if illustrative:
        return '<span class="label illustrative">ILLUSTRATIVE DATA</span>'
    return '<span class="label real">real data</span>'


def _cells(row: Row, prefix: str) -> str:
    shown = row.shown
    status_class = row.status.replace(" ", "-")
    reason = row.entry.get("reason") if row.status in ("failed", "skipped") else None
    status = f'<span class="status {_e(status_class)}">{_e(row.status)}</span>'
    if reason:
        status += f'<div class="reason">{_e(str(reason).splitlines()[0])}</div>'
    headlines = list((shown.get("headlines") or {}).items())[:MAX_HEADLINES]
    figures = "".join(f"<li>{_e(report.readable_label(k))}: {_e(_value(k, v))}</li>"
                      for k, v in headlines)
    links = " ".join(
        f'<a href="{_e(prefix + f)}">{_e(f.rsplit(".", 1)[-1].upper())}</a>'
        for f in sorted(shown.get("files") or [], key=_link_order)
    )
    aside = [f for f in row.entry.get("files") or [] if row.entry is not shown]
    links += "".join(f' <a href="{_e(prefix + f)}">{_e(f.split("/")[0])} copy</a>'
                     for f in aside)
    # a skipped or failed notebook that never started its report: its name in words
    title = (shown.get("title") or row.entry.get("title")
             or row.notebook.replace("_", " ").capitalize())
    figures = f'<ul class="headlines">{figures}</ul>' if figures else ""
    return (
        f"<td>{_e(title)}<div class=\"reason\">{_e(row.notebook)}</div></td>"
        f'<td class="state">{status}</td>'
        f'<td class="figures">{figures}</td>'
        f"<td>{_e(shown.get('period'))}</td>"
        f"<td>{_e(_date(shown.get('finished')))}</td><td>{_e(shown.get('data_date'))}</td>"
        f"<td>{_label(shown.get('illustrative'))}</td><td>{links}</td>"
    )


def _link_order(name: str) -> int:
    order = (".html", ".xlsx", ".pdf", ".ipynb")
    return next((i for i, ext in enumerate(order) if name.endswith(ext)), len(order))


def _date(moment: Any) -> str:
    return str(moment)[:16].replace("T", " ") if moment else ""


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>\n<body>\n"
        f"<h1>{_e(title)}</h1>\n{body}\n</body></html>\n"
    )


_HEADER = ("<tr>{area}<th>Report</th><th>Status</th><th>Headline figures</th><th>Period</th>"
           "<th>Run</th><th>Data as at</th><th>Data</th><th>Files</th></tr>")


def area_page(manifest: Mapping[str, Any],
              statuses: Mapping[str, str] | None = None) -> str:
    """``OUT/<area>/index.html`` from the area's manifest (links relative to the area)."""
    code, name = manifest.get("area_code"), manifest.get("area_name")
    rows = [Row(str(code), name, nb, (statuses or {}).get(nb, entry.get("status", "")), entry)
            for nb, entry in (manifest.get("notebooks") or {}).items()]
    body = "<table>\n" + _HEADER.format(area="") + "\n" + "\n".join(
        f"<tr>{_cells(row, '')}</tr>" for row in rows) + "\n</table>"
    title = f"{name} ({code})" if name else str(code)
    return _page(f"Adult social care reports: {title}", body)


def overview_page(rows: Iterable[Row], run_summary: str = "") -> str:
    """``OUT/index.html``: every area x notebook (links relative to OUT)."""
    lines = []
    for row in sorted(rows, key=lambda r: (r.area_name or r.area_code, r.notebook)):
        area = (f'<td><a href="{_e(row.area_code)}/index.html">{_e(row.area_name or "")}</a>'
                f'<div class="reason">{_e(row.area_code)}</div></td>')
        lines.append(f"<tr>{area}{_cells(row, row.area_code + '/')}</tr>")
    intro = f"<p>{_e(run_summary)}</p>\n" if run_summary else ""
    body = (intro + "<table>\n" + _HEADER.format(area="<th>Council</th>") + "\n"
            + "\n".join(lines) + "\n</table>")
    return _page("Adult social care reports: every council", body)
