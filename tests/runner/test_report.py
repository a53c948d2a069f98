"""asclib.report without a kernel: bundles, extraction, workbook and HTML writers."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import nbformat
import numpy as np
import openpyxl
import pandas as pd
import pytest

from asclib import report


class FakeData:
    """The attributes of asclib.data.Dataset that report relies on."""

    data_date = "2021-03-31"

    def __init__(self) -> None:
        self.illustrative = False
        self.inputs = [
            {"path": "data/raw/b.csv", "sha256": "b" * 64},
            {"path": "data/raw/a.csv", "sha256": "a" * 64},
            {"path": "data/raw/b.csv", "sha256": "b" * 64},
        ]

    def area_name(self, code: str) -> str:
        return {"E08000014": "Sefton"}[code]


@pytest.fixture
def shown(monkeypatch) -> list[dict]:
    """Collect what the report displays instead of sending it to a kernel."""
    outputs: list[dict] = []
    monkeypatch.setattr(report, "_display", outputs.append)
    return outputs


def as_notebook(outputs: list[dict]) -> nbformat.NotebookNode:
    cells = [
        nbformat.v4.new_code_cell(
            "x", outputs=[nbformat.v4.new_output("display_data", data=bundle)]
        )
        for bundle in outputs
    ]
    return nbformat.v4.new_notebook(cells=cells)


def test_json_value_rounds_and_cleans() -> None:
    assert report.json_value(1 / 3) == 0.3333333333
    assert report.json_value(np.float64(2 / 3)) == 0.6666666667
    assert report.json_value(123456789012.345) == 123456789000.0
    assert report.json_value(np.int64(7)) == 7 and isinstance(report.json_value(np.int64(7)), int)
    assert report.json_value(float("nan")) is None
    assert report.json_value(math.inf) is None
    assert report.json_value(pd.NA) is None and report.json_value(pd.NaT) is None
    assert report.json_value(pd.Timestamp("2021-01-04")) == "2021-01-04"
    assert report.json_value(pd.Timestamp("2021-01-04 10:30")) == "2021-01-04T10:30:00"
    assert report.json_value(dt.date(2020, 4, 1)) == "2020-04-01"
    assert report.json_value(np.bool_(True)) is True


def test_start_table_headline_finish_round_trip(shown: list[dict]) -> None:
    data = FakeData()
    rpt = report.start(
        "Budget", area_code="E08000014", period="2020/21", data=data, source="Ledger"
    )
    assert "# Budget" in shown[0]["text/markdown"]
    assert "Sefton (E08000014)" in shown[0]["text/markdown"]
    assert "Illustrative" not in shown[0]["text/markdown"]
    frame = pd.DataFrame(
        {
            "service": ["Home care", "Day care", None],
            "gross_gbp": [11_800_000.0, float("nan"), 1234.5678],
            "start": pd.to_datetime(["2020-04-01", "2020-05-01", None]),
        }
    ).set_index("service")
    rpt.table("spend", frame, title="Spend", note="Provisional")
    table = shown[1][report.TABLE_MIME]
    assert table["columns"] == ["service", "gross_gbp", "start"]  # named index kept
    assert table["data"] == [
        ["Home care", 11800000.0, "2020-04-01"],
        ["Day care", None, "2020-05-01"],
        [None, 1234.5678, None],
    ]
    assert "£11,800,000" in shown[1]["text/html"] and "Gross (£)" in shown[1]["text/html"]
    with pytest.raises(ValueError, match="already published"):
        rpt.table("spend", frame, title="again")
    data.illustrative = True  # an illustrative table read after start
    rpt.headline(net_gbp=np.float64(94_700_000.123456789), clients=np.int64(648))
    rpt.finish()
    record = report.extract(as_notebook(shown))
    assert record.illustrative is True
    assert record.context["title"] == "Budget" and record.context["data_date"] == "2021-03-31"
    assert record.headlines == {"net_gbp": 94700000.12, "clients": 648}
    assert record.inputs == [
        {"path": "data/raw/a.csv", "sha256": "a" * 64},
        {"path": "data/raw/b.csv", "sha256": "b" * 64},
    ]
    assert [t["name"] for t in record.tables] == ["spend"]
    assert "Illustrative data" in shown[-1]["text/markdown"]


def test_long_table_is_truncated_for_readers_only(shown: list[dict]) -> None:
    rpt = report.start("T", area_code="E08000014", period="2020/21", data=FakeData(), source="s")
    rpt.table("big", pd.DataFrame({"n": range(500)}), title="Big")
    assert len(shown[1][report.TABLE_MIME]["data"]) == 500
    assert "First 60 of 500 rows" in shown[1]["text/html"]


def test_sheet_names_are_short_unique_and_valid() -> None:
    names = report.sheet_names(["about", "x" * 40, "x" * 40, "a/b:c?", "Spend", "spend"])
    assert names == ["about_2", "x" * 31, "x" * 29 + "_2", "a_b_c_", "Spend", "spend_2"]
    assert all(len(n) <= 31 for n in names)


def test_column_conventions() -> None:
    assert report.column_kind("gross_gbp") == "money"
    assert report.column_kind("residential_share") == "share"
    assert report.column_kind("change_pct") == "percent"
    assert report.column_kind("deaths") == "count"
    assert report.readable_label("unit_cost_gbp_per_week") == "Unit cost (£ a week)"
    assert report.readable_label("change_pct") == "Change (%)"
    assert report.readable_label("Already Readable") == "Already Readable"


def test_workbook_formats_and_about(tmp_path: Path) -> None:
    record = report.NotebookRecord(
        context={
            "title": "Budget",
            "area_code": "E08000014",
            "area_name": "Sefton",
            "period": "2020/21",
            "source": "Ledger",
            "data_date": "2021-03-31",
            "illustrative": False,
        },
        tables=[
            {
                "name": "by_psr",
                "title": "By reason",
                "note": None,
                "columns": ["reason", "gross_gbp", "share", "change_pct", "clients"],
                "data": [["LD", 28_000_000, 0.25, 3.5, 648], ["MH", 13_100_000, 0.75, -1.0, 12]],
            }
        ],
    )
    path = report.write_workbook(
        record, tmp_path / "b.xlsx", run_time=dt.datetime(2021, 4, 1, 9, 0)
    )
    wb = openpyxl.load_workbook(path)
    about = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True) if r[0]}
    assert "ILLUSTRATIVE DATA" not in about
    assert about["Report run"] == "2021-04-01T09:00:00"
    ws = wb["by_psr"]
    formats = [c.number_format for c in ws[ws.max_row]]
    assert formats == ["General", '"£"#,##0', "0.0%", "0.0%", "#,##0"]
    assert ws.cell(row=ws.max_row, column=4).value == pytest.approx(-0.01)  # -1.0% as fraction
    assert ws.column_dimensions["B"].width >= len("£28,000,000")


def test_html_writer_puts_context_on_top_without_code(tmp_path: Path, shown) -> None:
    data = FakeData()
    data.illustrative = True
    rpt = report.start("Budget", area_code="E08000014", period="2020/21", data=data, source="L")
    rpt.table("t", pd.DataFrame({"a": [1]}), title="A table")
    rpt.finish()
    nb = as_notebook(shown)
    nb.cells[0].source = "secret_code_line = 1"
    page = report.write_html(nb, report.extract(nb), tmp_path / "r.html").read_text()
    assert "secret_code_line" not in page
    assert page.index("ILLUSTRATIVE DATA") < page.index("A table")
    assert "<title>Budget: Sefton (E08000014)</title>" in page


def test_year_and_week_columns_have_no_thousands_separator():
    from asclib.reporting.labels import column_formats, column_kind

    assert column_kind("population_year") == "year"
    assert column_kind("week") == "year"
    assert column_kind("weekly_deaths") == "number"
    year, deaths = column_formats(["population_year", "deaths"], [[2020, 2020]])
    assert year.text(2020) == "2020" and deaths.text(2020) == "2,020"
    assert year.excel_format(2020) == "0"


def test_headers_spell_acronyms_in_capitals():
    from asclib.report import readable_label

    assert readable_label("ld_share") == "LD share (%)"
    assert readable_label("lower_ci_95") == "Lower 95% CI"
    assert readable_label("gross_gbp") == "Gross (£)"
    assert readable_label("Already Readable") == "Already Readable"
