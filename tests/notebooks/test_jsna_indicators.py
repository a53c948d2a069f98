"""jsna_indicators.ipynb through `asc run` for Sefton and Wirral (fixtures in conftest.py).

On the bundled (illustrative) Fingertips export Sefton has 18 indicator rows compared with
England, 8 significantly worse, none better, and one red-red indicator (NHS Health Checks,
worse than England and decreasing); healthy life expectancy by locality reproduces the JSNA's
Bootle / Formby example (men 49.8 / 68.3 years). Wirral has no locality figures.
"""

from __future__ import annotations

import openpyxl
import pytest

NAME = "jsna_indicators"
SEFTON, WIRRAL = "E08000014", "E08000015"
HEADLINES = ("indicators_compared", "significantly_worse_than_england",
             "significantly_better_than_england", "red_red")
SHEETS = {"indicator_summary", "red_red", "spine_chart", "asc_measures"}



@pytest.mark.parametrize("area", [SEFTON, WIRRAL])
def test_runs_for_both_councils_with_every_headline(assert_ran_with_headlines, area):
    assert_ran_with_headlines(NAME, area, HEADLINES)


def test_sefton_headlines_on_the_bundled_data(notebook_entry):
    heads = notebook_entry(NAME, SEFTON)["headlines"]
    assert all(isinstance(heads[key], int) for key in HEADLINES)
    assert heads["indicators_compared"] == 18
    assert heads["significantly_worse_than_england"] == 8
    assert heads["significantly_better_than_england"] == 0
    assert heads["red_red"] == 1
    assert "intentional self-harm" in heads["red_red_indicators"]


def test_the_two_councils_differ(notebook_entry):
    sefton, wirral = (notebook_entry(NAME, a)["headlines"] for a in (SEFTON, WIRRAL))
    assert (sefton["significantly_worse_than_england"], sefton["red_red"]) != (
        wirral["significantly_worse_than_england"], wirral["red_red"])


def _rows(workbook, sheet: str) -> list[tuple]:
    return list(workbook[sheet].iter_rows(values_only=True))


def test_sefton_workbook_has_trends_and_the_bootle_formby_gap(suite_run):
    workbook = openpyxl.load_workbook(suite_run / SEFTON / f"{NAME}.xlsx", read_only=True)
    assert set(workbook.sheetnames) >= SHEETS | {"trends", "localities"}
    rows = _rows(workbook, "localities")
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Indicator ID")
    columns = rows[header]
    men = {r[columns.index("Locality")]: r[columns.index("Value")] for r in rows[header + 1:]
           if r[columns.index("Sex")] == "Male"}
    assert men["Bootle"] == pytest.approx(49.8, abs=0.05)
    assert men["Formby"] == pytest.approx(68.3, abs=0.05)


def test_wirral_workbook_has_no_locality_sheet(suite_run):
    workbook = openpyxl.load_workbook(suite_run / WIRRAL / f"{NAME}.xlsx", read_only=True)
    assert set(workbook.sheetnames) >= SHEETS
    assert "localities" not in workbook.sheetnames


def test_report_html_has_no_code(suite_run):
    html = (suite_run / SEFTON / f"{NAME}.html").read_text(encoding="utf-8")
    assert "Spine chart by core area of concern" in html
    assert "jsna.indicator_summary(" not in html


def test_significance_in_fingertips_words_with_the_confidence_level(suite_run):
    workbook = openpyxl.load_workbook(suite_run / SEFTON / f"{NAME}.xlsx", read_only=True)
    cells = {str(v) for row in workbook["indicator_summary"].iter_rows(values_only=True)
             for v in row if v is not None}
    assert {"Worse", "99.8%"} <= cells
    assert not {"Best", "Worst"} & cells
