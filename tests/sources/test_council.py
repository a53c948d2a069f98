"""The council's own Excel exports: the layouts load with their allowed variations, and every
kind of bad input gives one clear problem naming the file, sheet, column and row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from asclib.errors import DataProblem, InputDataError
from asclib.sources.council import (
    load_budget_ledger,
    load_care_home_outbreaks,
    load_day_service_placements,
)

AREA = "E08000014"
LEDGER_HEADER = ["Financial year", "Cost centre", "Service type", "Primary support reason",
                 "Age band", "Gross £", "Income £"]
LEDGER_ROWS = [
    ["2020/21", "AS0111", "Home care", "Physical support", "65+", 1000, 200],
    ["2020/21", "AS0412", "Supported living", "Learning disability support", "18-64", 5000.5, 0],
]
PLACEMENT_HEADER = ["Client ID", "Age", "Primary support reason", "Provider", "Service",
                    "Daily rate £", "Days per week", "Funding", "1:1 top-up £ per day",
                    "Start date", "End date"]
PLACEMENT_ROWS = [
    ["C1", 34, "Learning disability support", "P1", "Day centre", 45, 3, "Direct payment", None,
     dt.date(2019, 1, 1), None],
    ["C2", 71, "Support with memory and cognition", "P1", "Day centre", 80, 2, "Commissioned",
     20, dt.date(2018, 2, 1), dt.date(2020, 6, 30)],
]
OUTBREAK_HEADER = ["Home ID", "Home name", "Date declared", "Date closed", "Resident cases",
                   "Staff cases"]
OUTBREAK_ROWS = [
    ["H1", "Oak House", dt.date(2020, 4, 1), dt.date(2020, 5, 10), 3, 2],
    ["H1", "Oak House", dt.date(2020, 11, 1), None, 5, 1],
    ["H2", "Elm Lodge", dt.date(2021, 1, 10), None, 0, 2],
]


def workbook(folder: Path, name: str, header: list, rows: list, *, title_rows: int = 2,
             sheet: str = "Data", extra_sheet: bool = True) -> Path:
    """A workbook in ``folder/E08000014/name`` with ``title_rows`` rows above the header."""
    wb = openpyxl.Workbook()
    if extra_sheet:
        wb.active.title = "Notes"
        wb.active.append(["Exported from the finance system"])
        ws = wb.create_sheet(sheet)
    else:
        ws = wb.active
        ws.title = sheet
    for _ in range(title_rows):
        ws.append(["Report title"] if _ == 0 else [])
    ws.append(header)
    for row in rows:
        ws.append(row)
    path = folder / AREA / name
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def problems_of(call) -> list[DataProblem]:
    with pytest.raises(InputDataError) as info:
        call()
    return info.value.problems


# --------------------------------------------------------------------------- good files


def test_ledger_loads_with_title_rows_aliases_and_any_sheet_name(tmp_path):
    path = workbook(tmp_path, "budget_ledger.xlsx", LEDGER_HEADER, LEDGER_ROWS, sheet="FY2021")
    frame = load_budget_ledger(path)
    assert list(frame["area_code"].unique()) == [AREA]
    assert frame["gross_gbp"].tolist() == [1000.0, 5000.5]
    assert frame["income_gbp"].sum() == 200.0
    assert frame["service_type"].tolist() == ["Home care", "Supported living"]


def test_ledger_accepts_column_order_and_vocabulary_aliases(tmp_path):
    header = ["Gross", "Income", "PSR", "Age group", "Service", "Cost center", "Period"]
    rows = [[100, 10, "LD", "18 - 64", "Residential", "X1", "2019-20"],
            [50, 0, "Mental health", "65 and over", "Reablement", "X2", "2019/20"]]
    frame = load_budget_ledger(workbook(tmp_path, "budget_ledger.xlsx", header, rows,
                                        title_rows=0))
    assert frame["primary_support_reason"].tolist() == ["Learning disability support",
                                                        "Mental health support"]
    assert frame["service_type"].tolist() == ["Long-term residential", "Short-term / reablement"]
    assert frame["age_band"].tolist() == ["18-64", "65+"]
    assert frame["period"].tolist() == ["2019/20", "2019/20"]


def test_placements_load_and_derive_need_level(tmp_path):
    frame = load_day_service_placements(
        workbook(tmp_path, "day_service_placements.xlsx", PLACEMENT_HEADER, PLACEMENT_ROWS))
    assert frame["funding"].tolist() == ["direct_payment", "commissioned"]
    assert frame["need_level"].tolist() == ["standard", "complex"]
    assert frame["one_to_one_gbp_per_day"].tolist() == [0.0, 20.0]
    assert frame["end_date"].isna().tolist() == [True, False]
    assert str(frame["start_date"].dtype) == "datetime64[ns]"


def test_outbreaks_allow_repeat_outbreaks_in_one_home(tmp_path):
    frame = load_care_home_outbreaks(
        workbook(tmp_path, "care_home_outbreaks.xlsx", OUTBREAK_HEADER, OUTBREAK_ROWS))
    assert len(frame) == 3
    assert frame["resident_cases"].sum() == 8
    assert frame["date_closed"].isna().sum() == 2


# --------------------------------------------------------------------------- bad files


def test_missing_or_renamed_column_is_named(tmp_path):
    header = [h if h != "Income £" else "Takings" for h in LEDGER_HEADER]
    path = workbook(tmp_path, "budget_ledger.xlsx", header, LEDGER_ROWS)
    (problem,) = problems_of(lambda: load_budget_ledger(path))
    assert problem.sheet == "Data" and problem.row == 3
    assert "budget_ledger.xlsx" in problem.file
    assert "required column 'Income' is missing" in problem.message
    assert "income_gbp" not in str(problem)


def test_text_in_number_column_names_row(tmp_path):
    rows = [LEDGER_ROWS[0], ["2020/21", "AS9", "Home care", "Physical support", "65+", "n/k", 0]]
    path = workbook(tmp_path, "budget_ledger.xlsx", LEDGER_HEADER, rows)
    (problem,) = problems_of(lambda: load_budget_ledger(path))
    assert (problem.column, problem.row) == ("Gross £", 5)  # 2 title rows + header + 2nd row
    assert "'n/k' is not a number" in problem.message
    assert problem.file.endswith("budget_ledger.xlsx")


def test_negative_money_and_counts(tmp_path):
    rows = [["2020/21", "AS1", "Home care", "Physical support", "65+", -5, 0]]
    path = workbook(tmp_path, "budget_ledger.xlsx", LEDGER_HEADER, rows)
    (problem,) = problems_of(lambda: load_budget_ledger(path))
    assert (problem.column, problem.row) == ("Gross £", 4)
    assert "negative" in problem.message
    bad = [OUTBREAK_ROWS[0][:4] + [-1, 2]]
    path = workbook(tmp_path, "care_home_outbreaks.xlsx", OUTBREAK_HEADER, bad)
    (problem,) = problems_of(lambda: load_care_home_outbreaks(path))
    assert (problem.column, problem.row) == ("Resident cases", 4)
    assert "negative count" in problem.message


def test_daily_rate_outside_sane_range(tmp_path):
    rows = [PLACEMENT_ROWS[0][:5] + [900] + PLACEMENT_ROWS[0][6:], PLACEMENT_ROWS[1]]
    path = workbook(tmp_path, "day_service_placements.xlsx", PLACEMENT_HEADER, rows)
    (problem,) = problems_of(lambda: load_day_service_placements(path))
    assert (problem.column, problem.row) == ("Daily rate £", 4)
    assert "900" in problem.message and "10 to 500" in problem.message


def test_days_per_week_outside_range(tmp_path):
    rows = [PLACEMENT_ROWS[0], PLACEMENT_ROWS[1][:6] + [9] + PLACEMENT_ROWS[1][7:]]
    path = workbook(tmp_path, "day_service_placements.xlsx", PLACEMENT_HEADER, rows)
    (problem,) = problems_of(lambda: load_day_service_placements(path))
    assert (problem.column, problem.row) == ("Days per week", 5)
    assert "0.5 to 7" in problem.message


def test_duplicate_client_ids(tmp_path):
    rows = [PLACEMENT_ROWS[0], ["C1"] + PLACEMENT_ROWS[1][1:]]
    path = workbook(tmp_path, "day_service_placements.xlsx", PLACEMENT_HEADER, rows)
    (problem,) = problems_of(lambda: load_day_service_placements(path))
    assert (problem.column, problem.row) == ("Client ID", 5)
    assert "duplicate client id 'C1' (first seen in row 4)" in problem.message


def test_duplicate_home_ids(tmp_path):
    overlapping = ["H1", "Oak House", dt.date(2020, 4, 20), dt.date(2020, 5, 30), 1, 1]
    renamed = ["H2", "Birch Court", dt.date(2020, 6, 1), dt.date(2020, 7, 1), 1, 1]
    path = workbook(tmp_path, "care_home_outbreaks.xlsx", OUTBREAK_HEADER,
                    [*OUTBREAK_ROWS, overlapping, renamed])
    found = problems_of(lambda: load_care_home_outbreaks(path))
    assert [(p.column, p.row) for p in found] == [("Home ID", 7), ("Home ID", 8)]
    assert "duplicate home id 'H1'" in found[0].message and "overlaps" in found[0].message
    assert "duplicate home id 'H2'" in found[1].message and "Elm Lodge" in found[1].message


def test_date_closed_before_declared(tmp_path):
    rows = [["H1", "Oak House", dt.date(2020, 4, 1), dt.date(2020, 3, 1), 3, 2]]
    path = workbook(tmp_path, "care_home_outbreaks.xlsx", OUTBREAK_HEADER, rows)
    (problem,) = problems_of(lambda: load_care_home_outbreaks(path))
    assert (problem.column, problem.row) == ("Date closed", 4)
    assert "before date declared" in problem.message


def test_end_before_start(tmp_path):
    rows = [PLACEMENT_ROWS[0][:10] + [dt.date(2018, 1, 1)]]
    path = workbook(tmp_path, "day_service_placements.xlsx", PLACEMENT_HEADER, rows)
    (problem,) = problems_of(lambda: load_day_service_placements(path))
    assert (problem.column, problem.row) == ("End date", 4)
    assert "before start date" in problem.message


def test_text_in_date_column(tmp_path):
    rows = [PLACEMENT_ROWS[0][:9] + ["soon", None]]
    path = workbook(tmp_path, "day_service_placements.xlsx", PLACEMENT_HEADER, rows)
    (problem,) = problems_of(lambda: load_day_service_placements(path))
    assert (problem.column, problem.row) == ("Start date", 4)
    assert "'soon' is not a date" in problem.message


def test_unknown_primary_support_reason(tmp_path):
    rows = [["2020/21", "AS1", "Home care", "Frailty", "65+", 10, 0]]
    path = workbook(tmp_path, "budget_ledger.xlsx", LEDGER_HEADER, rows)
    (problem,) = problems_of(lambda: load_budget_ledger(path))
    assert (problem.column, problem.row) == ("Primary support reason", 4)
    assert "unknown primary support reason 'Frailty'" in problem.message
    assert "Learning disability support" in problem.message


def test_unknown_service_type(tmp_path):
    rows = [["2020/21", "AS1", "Meals on wheels", "Physical support", "65+", 10, 0]]
    path = workbook(tmp_path, "budget_ledger.xlsx", LEDGER_HEADER, rows)
    (problem,) = problems_of(lambda: load_budget_ledger(path))
    assert (problem.column, problem.row) == ("Service type", 4)
    assert "unknown service type 'Meals on wheels'" in problem.message


def test_bad_funding_and_period(tmp_path):
    rows = [PLACEMENT_ROWS[0][:7] + ["Grant"] + PLACEMENT_ROWS[0][8:]]
    path = workbook(tmp_path, "day_service_placements.xlsx", PLACEMENT_HEADER, rows)
    (problem,) = problems_of(lambda: load_day_service_placements(path))
    assert (problem.column, problem.row) == ("Funding", 4)
    rows = [["2020/22"] + LEDGER_ROWS[0][1:]]
    path = workbook(tmp_path, "budget_ledger.xlsx", LEDGER_HEADER, rows)
    (problem,) = problems_of(lambda: load_budget_ledger(path))
    assert (problem.column, problem.row) == ("Financial year", 4)
    assert "not a financial year" in problem.message


def test_every_problem_reported_at_once(tmp_path):
    rows = [["2020/21", "AS1", "Home care", "Frailty", "65+", "abc", -3],
            ["2020/21", "AS2", "Nowhere", "Physical support", "65+", 1, 1]]
    path = workbook(tmp_path, "budget_ledger.xlsx", LEDGER_HEADER, rows)
    found = problems_of(lambda: load_budget_ledger(path))
    assert {(p.column, p.row) for p in found} == {
        ("Primary support reason", 4), ("Gross £", 4), ("Income £", 4), ("Service type", 5)}


def test_empty_sheet(tmp_path):
    path = tmp_path / AREA / "budget_ledger.xlsx"
    path.parent.mkdir(parents=True)
    openpyxl.Workbook().save(path)
    (problem,) = problems_of(lambda: load_budget_ledger(path))
    assert "workbook is empty" in problem.message and "budget ledger" in problem.message
    path = workbook(tmp_path, "budget_ledger.xlsx", LEDGER_HEADER, [])
    (problem,) = problems_of(lambda: load_budget_ledger(path))
    assert problem.sheet == "Data" and "no data rows" in problem.message


def test_corrupt_xlsx(tmp_path):
    path = tmp_path / AREA / "budget_ledger.xlsx"
    path.parent.mkdir(parents=True)
    full = workbook(tmp_path / "ok", "budget_ledger.xlsx", LEDGER_HEADER, LEDGER_ROWS)
    path.write_bytes(full.read_bytes()[:400])  # truncated download
    (problem,) = problems_of(lambda: load_budget_ledger(path))
    assert problem.file.endswith("budget_ledger.xlsx")
    assert "not a readable .xlsx" in problem.message


def test_wrong_sheet_or_file(tmp_path):
    path = workbook(tmp_path, "budget_ledger.xlsx", OUTBREAK_HEADER, OUTBREAK_ROWS)
    (problem,) = problems_of(lambda: load_budget_ledger(path))
    assert "no sheet holds the budget ledger headers" in problem.message
    assert "'Notes', 'Data'" in problem.message


def test_area_code_comes_from_the_folder_or_argument(tmp_path):
    path = tmp_path / "ledger.xlsx"
    source = workbook(tmp_path, "budget_ledger.xlsx", LEDGER_HEADER, LEDGER_ROWS)
    path.write_bytes(source.read_bytes())
    (problem,) = problems_of(lambda: load_budget_ledger(path))
    assert "which council" in problem.message
    assert load_budget_ledger(path, area_code="E08000012")["area_code"].iloc[0] == "E08000012"
