"""Input hardening of council exports (issue 10, item 6): which sheet is read when several hold
the headers, hidden sheets, duplicate columns, every missing column at once in the user's own
header words, formula-like text kept as text, negative money refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from asclib.errors import InputDataError
from asclib.sources.council import load_budget_ledger, load_day_service_placements

AREA = "E08000014"
HEADER = ["Client ID", "Age", "Primary support reason", "Provider", "Service", "Daily rate £",
          "Days per week", "Funding", "Start date", "End date"]


def row(client: str, rate: float) -> list:
    return [client, 40, "Learning disability support", "P1", "Day centre", rate, 3,
            "Commissioned", dt.date(2019, 1, 1), None]


def save(wb: openpyxl.Workbook, tmp_path: Path, name: str = "day_service_placements.xlsx"
         ) -> Path:
    path = tmp_path / AREA / name
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def sheet(wb: openpyxl.Workbook, title: str, rows: list[list], *, hidden: bool = False,
          header: list[str] = HEADER, first: bool = False) -> None:
    ws = wb.active if first else wb.create_sheet(title)
    ws.title = title
    ws.append(header)
    for values in rows:
        ws.append(values)
    if hidden:
        ws.sheet_state = "hidden"


def problems(call) -> list:
    with pytest.raises(InputDataError) as info:
        call()
    return info.value.problems


def test_hidden_old_copy_first_is_not_used_and_is_mentioned(tmp_path):
    wb = openpyxl.Workbook()
    sheet(wb, "Old placements", [row("OLD1", 400.0), row("OLD2", 400.0)], hidden=True,
          first=True)
    sheet(wb, "Placements", [row("C1", 50.0), row("C2", 52.0), row("C3", 48.0)])
    frame = load_day_service_placements(save(wb, tmp_path))
    assert frame["client_id"].tolist() == ["C1", "C2", "C3"]
    assert frame["daily_rate_gbp"].median() == 50.0
    (note,) = frame.attrs["notes"]
    assert "read sheet 'Placements'" in note and "'Old placements'" in note
    assert "hidden" in note


def test_two_visible_sheets_with_the_headers_is_an_error_naming_both(tmp_path):
    wb = openpyxl.Workbook()
    sheet(wb, "2020", [row("C1", 50.0)], first=True)
    sheet(wb, "2021", [row("C1", 55.0)])
    sheet(wb, "Archive", [row("A1", 400.0)], hidden=True)
    (problem,) = problems(lambda: load_day_service_placements(save(wb, tmp_path)))
    assert "several sheets hold the day-service placements headers" in problem.message
    assert "'2020', '2021'" in problem.message and "hidden 'Archive'" in problem.message


def test_headers_only_in_a_hidden_sheet_is_an_error(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["Exported from the care system"])
    sheet(wb, "Placements", [row("C1", 50.0)], hidden=True)
    (problem,) = problems(lambda: load_day_service_placements(save(wb, tmp_path)))
    assert "only in hidden sheet" in problem.message and "'Placements'" in problem.message


def test_duplicate_columns_after_alias_matching_name_both(tmp_path):
    wb = openpyxl.Workbook()
    header = [*HEADER, "Rate per day"]
    sheet(wb, "Placements", [[*row("C1", 50.0), 400.0]], header=header, first=True)
    (problem,) = problems(lambda: load_day_service_placements(save(wb, tmp_path)))
    assert "'Daily rate £' (column F) and 'Rate per day' (column K)" in problem.message
    assert "both mean 'Daily rate'" in problem.message
    assert problem.row == 1 and problem.sheet == "Placements"


def test_every_missing_column_at_once_in_the_users_words(tmp_path):
    wb = openpyxl.Workbook()
    header = [h for h in HEADER if h not in ("Daily rate £", "Funding", "End date")]
    body = [[v for h, v in zip(HEADER, row("C1", 50.0), strict=True) if h in header]]
    sheet(wb, "Placements", body, header=header, first=True)
    found = problems(lambda: load_day_service_placements(save(wb, tmp_path)))
    messages = [p.message for p in found]
    assert len(found) == 3
    assert any("required column 'Daily rate' is missing" in m for m in messages)
    assert any("required column 'Funding' is missing" in m for m in messages)
    assert any("required column 'End date' is missing" in m for m in messages)
    assert not any("daily_rate_gbp" in str(p) or "end_date" in str(p) for p in found)
    assert "'Client ID', 'Age'" in messages[0]  # the header row the file has


def test_problems_name_the_users_header(tmp_path):
    wb = openpyxl.Workbook()
    sheet(wb, "Placements", [row("C1", "fifty")], first=True)
    (problem,) = problems(lambda: load_day_service_placements(save(wb, tmp_path)))
    assert (problem.column, problem.row) == ("Daily rate £", 2)


FORMULA_LIKE = ["=HYPERLINK(\"http://x\")", "+44 151 000", "-minus", "@SUM(A1)", "\ttab",
                "\rcarriage"]


def test_formula_like_text_stays_text_through_prepare(tmp_path):
    from asclib.prepare import write_parquet  # the writer `asc prepare` uses

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Placements"
    ws.append(HEADER)
    for i, text in enumerate(FORMULA_LIKE):
        ws.append([f"C{i}", 40, "Learning disability support", text, text, 50, 3,
                   "Commissioned", dt.date(2019, 1, 1), None])
    for cells in ws.iter_rows(min_row=2, min_col=4, max_col=5):
        for cell in cells:
            cell.data_type = "s"  # a text cell, as a real export holds it (not a formula)
    path = save(wb, tmp_path)
    frame = load_day_service_placements(path)
    assert frame["provider"].tolist() == [t.strip() for t in FORMULA_LIKE]
    assert frame["service"].tolist() == [t.strip() for t in FORMULA_LIKE]
    out = tmp_path / "t.parquet"
    write_parquet(frame, out)
    back = pd.read_parquet(out)
    assert back["provider"].tolist() == frame["provider"].tolist()
    assert back["provider"].map(type).eq(str).all()


def test_negative_gross_and_negative_daily_rate_are_errors(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Period", "Cost centre", "Service type", "PSR", "Age band", "Gross",
                      "Income"])
    wb.active.append(["2020/21", "Z1", "Home care", "Physical support", "65+", -1000, 10])
    (problem,) = problems(lambda: load_budget_ledger(save(wb, tmp_path, "budget_ledger.xlsx")))
    assert "negative amount of money -1000" in problem.message
    assert (problem.column, problem.row) == ("Gross", 2)
    wb = openpyxl.Workbook()
    sheet(wb, "Placements", [row("C1", -45.0)], first=True)
    found = problems(lambda: load_day_service_placements(save(wb, tmp_path)))
    assert [(p.column, p.row) for p in found] == [("Daily rate £", 2)]
    assert "negative amount of money -45" in found[0].message
