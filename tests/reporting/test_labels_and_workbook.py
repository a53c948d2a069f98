"""The one label map and per-kind formats, and the workbook's provenance per sheet."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from asclib import formatting, report
from asclib.reporting import labels, tables


@pytest.mark.parametrize(("column", "expected"), [
    ("lower_ci_99_8", "Lower 99.8% CI"),
    ("upper_ci_95", "Upper 95% CI"),
    ("gross_gbp", "Gross (£)"),
    ("within_rounding", "Within rounding: Yes/No"),
    ("unit_cost_gbp_per_week", "Unit cost (£ a week)"),
    ("excess_pct_lower_95", "Excess (%), lower 95% CI"),
    ("indicator_id", "Indicator ID"),
    ("compared_to_england", "Compared with England"),
    ("comparators_n", "Comparators (n)"),
    ("ld_share", "LD share (%)"),
    ("period_sortable", "Period (sort key)"),
    ("Already Readable", "Already Readable"),
])
def test_labels(column: str, expected: str) -> None:
    assert labels.label(column) == expected


def test_cells_by_kind() -> None:
    columns = ["indicator_id", "year", "period_sortable", "gross_gbp", "daily_rate_gbp",
               "share", "change_pct", "clients", "polarity", "within_rounding", "ratio"]
    data = [[93764, 2020, 20150000, 11_800_000.0, 45.5, 0.1803, 3.25, 1016.0, "low_is_good",
             True, 1.17332]]
    formats, texts = tables.formatted({"name": "t", "columns": columns, "data": data})
    assert texts[0] == ["93764", "2020", "20150000", "£11,800,000", "£45.50", "18.0%", "3.2%",
                        "1,016", "Lower is better", "Yes", "1.17"]
    assert [f.excel_format(v) for f, v in zip(formats, data[0], strict=True)] == [
        "0", "0", "0", '"£"#,##0', '"£"#,##0.00', "0.0%", '0.0"%"', "#,##0", None, None,
        "#,##0.00"]


def test_value_columns_follow_the_row_unit() -> None:
    payload = {"name": "t", "columns": ["indicator", "unit", "value", "england_value"],
               "data": [["Falls", "per 100,000", 2711.455, 2235.66],
                        ["Prevalence", "%", 12.79, 12.38],
                        ["Budget", "GBP", 153_300_000.0, None],
                        ["Share", "share", 0.495, 0.5]]}
    _, texts = tables.formatted(payload)
    assert [row[2:] for row in texts] == [["2,711.5", "2,235.7"], ["12.8", "12.4"],
                                         ["£153,300,000", "–"], ["49.5%", "50.0%"]]


def test_formatting_helpers() -> None:
    assert formatting.polarity("high_is_good") == "Higher is better"
    assert formatting.yes_no(False) == "No" and formatting.yes_no(None) == "–"
    assert formatting.by_unit(61.64, "years") == "61.6"
    assert formatting.by_unit(45, "£ a day") == "£45"
    assert formatting.percent_points(20.71) == "20.7%"
    assert formatting.plain("a $^$ b") == r"a \$^\$ b"


def test_wide_table_keeps_reader_columns() -> None:
    columns = ["domain", "indicator_id", "indicator", "sex", "age", "period", "unit",
               "polarity", "value", "lower_ci_95", "upper_ci_95", "lower_ci_99_8",
               "upper_ci_99_8", "ci_source", "count", "denominator", "england_value",
               "region_value", "compared_to_england", "compared_to_region", "comparators_n",
               "quartile", "recent_trend"]
    row = ["Mental health and alcohol", 93764, "Admission episodes for alcohol-related "
           "conditions (Narrow): new method", "Persons", "All ages", "2019/20", "per 100,000",
           "low_is_good", 664.37, 630.1, 700.2, 610.0, 720.0, "file", 1630.0, 245000.0, 531.04,
           500.1, "Worse", "Worse", 15, "Worst quartile", "No significant change"]
    formats, texts = tables.formatted({"name": "t", "columns": columns, "data": [row] * 3})
    kept = [formats[i].name for i in labels.reader_columns(formats, texts)]
    for needed in ("indicator", "value", "lower_ci_95", "upper_ci_95", "england_value",
                   "compared_to_england", "unit", "period"):
        assert needed in kept
    for internal in ("indicator_id", "ci_source", "lower_ci_99_8", "denominator"):
        assert internal not in kept
    page = tables.table_html({"name": "t", "title": "T", "columns": columns, "data": [row]})
    assert "Also in the Excel workbook: " in page and "Lower 99.8% CI" in page


def test_workbook_provenance_per_sheet(tmp_path: Path) -> None:
    context = {"title": "Covid", "area_code": "E08000015", "area_name": "Wirral",
               "period": "2020", "source": "ONS", "data_date": "2021-12-31",
               "illustrative": True}
    record = report.NotebookRecord(context=context, tables=[
        {"name": "real_deaths", "title": "Real", "note": None, "columns": ["year", "deaths"],
         "data": [[2020, 946]], "illustrative": False, "sources": ["care_home_deaths"]},
        {"name": "weekly", "title": "Weekly", "note": "excess_pct is illustrative",
         "columns": ["week", "excess_pct"], "data": [[1, 12.5], [2, -3.0]],
         "illustrative": True, "sources": ["weekly_deaths"]},
    ])
    wb = openpyxl.load_workbook(report.write_workbook(record, tmp_path / "c.xlsx"))
    about = [r for r in wb["About"].iter_rows(values_only=True) if r[0]]
    listing = {r[0]: r[2:4] for r in about if r[0] in {"real_deaths", "weekly"}}
    assert listing == {"real_deaths": ("Real", "care_home_deaths"),
                       "weekly": ("ILLUSTRATIVE", "weekly_deaths")}
    real_text = " ".join(str(c) for r in wb["real_deaths"].iter_rows(values_only=True)
                         for c in r if c is not None)
    weekly_text = " ".join(str(c) for r in wb["weekly"].iter_rows(values_only=True)
                           for c in r if c is not None)
    assert "ILLUSTRATIVE" not in real_text.upper() and "Real data" in real_text
    assert "ILLUSTRATIVE DATA" in weekly_text and "Excess (%) is illustrative" in weekly_text
    ws = wb["weekly"]
    header = next(c.row for c in ws["A"] if c.value == "Week")
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.auto_filter.ref == f"A{header}:B{header + 2}"
    cell = ws.cell(row=header + 1, column=2)
    assert cell.value == pytest.approx(0.125) and cell.number_format == "0.0%"
