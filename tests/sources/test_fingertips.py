"""Fingertips export loader: the genuine export in ../shared/data and bad-input fixtures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asclib.errors import InputDataError
from asclib.sources.fingertips import (
    EXPORT_COLUMNS,
    INDICATOR_COLUMNS,
    load_fingertips_export,
    load_indicator_metadata,
)

CAMPYLOBACTER = "fingertips-campylobacter-countyua/indicators-CountyUA.data.csv"
HEADER = ",".join(EXPORT_COLUMNS)


def _row(**overrides: str) -> str:
    values = {
        "Indicator ID": "93356", "Indicator Name": "Rate", "Parent Code": "E12000002",
        "Parent Name": "North West region", "Area Code": "E08000014", "Area Name": "Sefton",
        "Area Type": "County & UA", "Sex": "Persons", "Age": "All ages", "Category Type": "",
        "Category": "", "Time period": "2015", "Value": "81.47", "Lower CI 95.0 limit": "71.13",
        "Upper CI 95.0 limit": "92.90", "Lower CI 99.8 limit": "", "Upper CI 99.8 limit": "",
        "Count": "223", "Denominator": "273707", "Value note": "", "Recent Trend": "",
        "Compared to England value or percentiles": "Better",
        "Compared to Region value or percentiles": "Similar",
        "Time period Sortable": "20150000", "New data": "", "Compared to goal": "",
    }
    values.update(overrides)
    return ",".join(values[c] for c in EXPORT_COLUMNS)


def _write(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def export(shared_file):
    return load_fingertips_export(shared_file(CAMPYLOBACTER))


def test_real_export_shape_and_columns(export):
    assert export.shape == (852, 24)
    assert list(export.columns) == INDICATOR_COLUMNS
    # the quoted name holds an embedded newline in the file; the loader strips it
    assert export["indicator_name"].unique().tolist() == ["Campylobacter incidence rate/100,000"]
    assert export["period_sortable"].dtype == np.int64
    assert sorted(export["period_sortable"].unique()) == [20150000, 20160000, 20170000]


def test_real_export_sefton_2015_ground_truth(export):
    row = export[(export["area_code"] == "E08000014") & (export["period"] == "2015")
                 & (export["age"] == "All ages")].iloc[0]
    assert row["value"] == pytest.approx(81.47, abs=0.005)
    assert row["lower_ci_95"] == pytest.approx(71.13, abs=0.005)
    assert row["upper_ci_95"] == pytest.approx(92.90, abs=0.005)
    assert row["count"] == 223 and row["denominator"] == 273707
    assert row["compared_to_england"] == "Better" and row["compared_to_region"] == "Similar"
    assert row["parent_code"] == "E12000002"
    assert np.isnan(row["lower_ci_99_8"]) and np.isnan(row["upper_ci_99_8"])
    # Value = Count / Denominator x 100,000
    assert row["value"] == pytest.approx(row["count"] / row["denominator"] * 1e5, rel=1e-9)


def test_real_export_sefton_2017_and_categories(export):
    row = export[(export["area_code"] == "E08000014") & (export["period"] == "2017")
                 & (export["age"] == "All ages")].iloc[0]
    assert (round(row["value"], 2), round(row["lower_ci_95"], 2),
            round(row["upper_ci_95"], 2)) == (117.04, 104.59, 130.57)
    assert (row["compared_to_england"], row["compared_to_region"]) == ("Worse", "Worse")
    deciles = export[export["category_type"].notna()]
    assert len(deciles) == 60
    assert deciles["lower_ci_95"].isna().all()
    assert (deciles["value_note"] == "Aggregated from all known lower geography values").all()


def test_combined_areas_are_missing_but_not_suppressed(export):
    scilly = export[export["area_code"] == "E06000053"]
    assert scilly["value"].isna().all()
    assert not scilly["suppressed"].any()
    assert export["suppressed"].sum() == 0


def test_suppression_marker_and_note_flagged(tmp_path):
    path = _write(tmp_path, _row(Value="*", **{"Lower CI 95.0 limit": "",
                                                "Upper CI 95.0 limit": "", "Count": "*"}),
                  _row(**{"Area Code": "E08000012", "Area Name": "Liverpool", "Value": "",
                          "Value note": "Value suppressed for disclosure control"}))
    frame = load_fingertips_export(path)
    assert frame["suppressed"].tolist() == [True, True]
    assert frame["value"].isna().all()


def test_missing_column_names_file_and_column(tmp_path):
    header = HEADER.replace("Area Code,", "")
    row = ",".join(v for c, v in zip(EXPORT_COLUMNS, _row().split(","), strict=True)
                   if c != "Area Code")
    path = _write(tmp_path, row, header=header)
    with pytest.raises(InputDataError) as info:
        load_fingertips_export(path)
    problem = info.value.problems[0]
    assert problem.column == "Area Code" and "export.csv" in problem.file
    assert "missing" in problem.message


def test_text_in_number_column_names_row(tmp_path):
    path = _write(tmp_path, _row(), _row(**{"Area Code": "E08000012", "Count": "lots"}))
    with pytest.raises(InputDataError) as info:
        load_fingertips_export(path)
    [problem] = info.value.problems
    assert (problem.column, problem.row) == ("Count", 3)
    assert "'lots' is not a number" in str(info.value) and "export.csv" in str(info.value)


def test_negative_count_and_duplicate_rows_reported(tmp_path):
    path = _write(tmp_path, _row(Count="-4"), _row())
    with pytest.raises(InputDataError) as info:
        load_fingertips_export(path)
    text = str(info.value)
    assert "column 'count'" in text and "below the minimum" in text
    assert "duplicate" in text or "uniqueness" in text


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(InputDataError, match="empty.csv.*empty"):
        load_fingertips_export(path)


def test_header_only_file(tmp_path):
    path = _write(tmp_path, name="header_only.csv")
    with pytest.raises(InputDataError, match="header_only.csv.*no data"):
        load_fingertips_export(path)


def test_wrong_encoding(tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes((HEADER + "\n" + _row(**{"Area Name": "Caf\u00e9 \u00a3"}) + "\n")
                     .encode("cp1252"))
    with pytest.raises(InputDataError) as info:
        load_fingertips_export(path)
    assert "cp1252.csv" in str(info.value) and "utf-8" in str(info.value).lower()


def test_indicator_metadata(tmp_path):
    path = tmp_path / "meta.csv"
    path.write_text("indicator_id,indicator_name,domain,polarity,unit,value_type,multiplier\n"
                    "93356,Campylobacter,Health protection,low_is_good,per 100000,"
                    "Crude rate,100000\n", encoding="utf-8")
    meta = load_indicator_metadata(path)
    assert meta.loc[0, "indicator_id"] == 93356 and meta.loc[0, "multiplier"] == 100000.0
    bad = tmp_path / "bad_meta.csv"
    bad.write_text(path.read_text().replace("low_is_good", "lower").replace("100000\n", "x\n"),
                   encoding="utf-8")
    with pytest.raises(InputDataError) as info:
        load_indicator_metadata(bad)
    assert info.value.problems[0].column == "multiplier"
