"""Fingertips export loader: the genuine export in ../shared/data and bad-input fixtures."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from asclib.errors import InputDataError
from asclib.sources.fingertips import (
    EXPORT_COLUMNS,
    INDICATOR_COLUMNS,
    load_fingertips_export,
    load_indicator_metadata,
    period_sortable,
)
from asclib.sources.fingertips import edition as fingertips_edition

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


# ------------------------------------------------------------ layouts across editions
# Each variant is built by transforming the real shared export, then read and compared with the
# classic file, so every layout is held to the SOURCE.md ground truths.


def _real_rows(shared_file) -> list[list[str]]:
    path = shared_file(CAMPYLOBACTER)
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _save(path: Path, rows: list[list[str]], *, bom: bool = False,
          quoting: int = csv.QUOTE_MINIMAL) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        csv.writer(handle, quoting=quoting).writerows(rows)
    return path


def _sefton_2015(frame):
    return frame[(frame["area_code"] == "E08000014") & (frame["period_sortable"] // 10000 == 2015)
                 & (frame["age"] == "All ages")].iloc[0]


def _assert_same_as_classic(frame, export):
    pd.testing.assert_frame_equal(frame, export)
    row = _sefton_2015(frame)
    assert (round(row["value"], 2), row["count"], row["denominator"]) == (81.47, 223, 273707)
    assert (row["compared_to_england"], row["compared_to_region"]) == ("Better", "Similar")


def test_current_site_format(tmp_path, shared_file, export):
    """Headers without spaces, a trailing "Time period range", BOM, every field quoted."""
    rows = _real_rows(shared_file)
    rows[0] = [h.replace(" ", "") for h in rows[0]] + ["Time period range"]
    assert rows[0][:5] == ["IndicatorID", "IndicatorName", "ParentCode", "ParentName", "AreaCode"]
    rows[1:] = [r + ["1y"] for r in rows[1:]]
    path = _save(tmp_path / "site.csv", rows, bom=True, quoting=csv.QUOTE_ALL)
    assert path.read_bytes().startswith(b'\xef\xbb\xbf"IndicatorID","IndicatorName"')
    _assert_same_as_classic(load_fingertips_export(path), export)


def test_api_all_data_csv_layout(tmp_path, shared_file, export):
    """The API download: the export headers, no "New data" column, "Time period range" added."""
    rows = _real_rows(shared_file)
    drop = rows[0].index("New data")
    rows = [r[:drop] + r[drop + 1:] for r in rows]
    rows[0].append("Time period range")
    rows[1:] = [r + ["1y"] for r in rows[1:]]
    _assert_same_as_classic(load_fingertips_export(_save(tmp_path / "api.csv", rows)), export)


@pytest.mark.parametrize("spell", [str.upper, str.lower,
                                   lambda h: h.lower().replace(" ", "_").replace(".", "_")])
def test_other_capitalisations(tmp_path, shared_file, export, spell):
    rows = _real_rows(shared_file)
    rows[0] = [spell(h) for h in rows[0]]
    _assert_same_as_classic(load_fingertips_export(_save(tmp_path / "caps.csv", rows)), export)


@pytest.mark.parametrize("region_header", ["Compared to parent value or percentiles",
                                           "Compared to Region", "ComparedtoICBvalueorpercentiles"])
def test_comparison_column_variants(tmp_path, shared_file, export, region_header):
    rows = _real_rows(shared_file)
    rows[0] = [region_header if h == "Compared to Region value or percentiles" else h
               for h in rows[0]]
    _assert_same_as_classic(load_fingertips_export(_save(tmp_path / "cmp.csv", rows)), export)


def test_compared_to_percentiles_is_the_england_comparison(tmp_path, shared_file, export):
    rows = _real_rows(shared_file)
    rows[0] = ["Compared to percentiles" if h.startswith("Compared to England") else h
               for h in rows[0]]
    _assert_same_as_classic(load_fingertips_export(_save(tmp_path / "pct.csv", rows)), export)


def test_empty_confidence_intervals(tmp_path, shared_file, export):
    rows = _real_rows(shared_file)
    limits = [i for i, h in enumerate(rows[0]) if " CI " in h]
    assert len(limits) == 4
    for row in rows[1:]:
        for i in limits:
            row[i] = ""
    frame = load_fingertips_export(_save(tmp_path / "noci.csv", rows))
    limits = ["lower_ci_95", "upper_ci_95", "lower_ci_99_8", "upper_ci_99_8"]
    assert frame[limits].isna().all().all()
    pd.testing.assert_series_equal(frame["value"], export["value"])
    assert round(_sefton_2015(frame)["value"], 2) == 81.47


def test_quarterly_periods_without_sortable_column(tmp_path, shared_file, export):
    rows = _real_rows(shared_file)
    period, sortable = rows[0].index("Time period"), rows[0].index("Time period Sortable")
    for row in rows[1:]:
        row[period] = f"{row[period]} Q{int(row[period]) - 2014}"
    rows = [r[:sortable] + r[sortable + 1:] for r in rows]
    frame = load_fingertips_export(_save(tmp_path / "quarters.csv", rows))
    assert sorted(frame["period"].unique()) == ["2015 Q1", "2016 Q2", "2017 Q3"]
    assert sorted(frame["period_sortable"].unique()) == [20150100, 20160200, 20170300]
    assert round(_sefton_2015(frame)["value"], 2) == 81.47


def test_rolling_periods_keep_or_derive_sortable(tmp_path, shared_file):
    rows = _real_rows(shared_file)
    period, sortable = rows[0].index("Time period"), rows[0].index("Time period Sortable")
    for index, row in enumerate(rows[1:]):
        start = int(row[period])
        row[period] = f"{start} - {(start + 2) % 100:02d}"
        if index % 2:  # half the sortable cells empty: derived from the period text
            row[sortable] = ""
    frame = load_fingertips_export(_save(tmp_path / "rolling.csv", rows))
    assert sorted(frame["period"].unique()) == ["2015 - 17", "2016 - 18", "2017 - 19"]
    by_period = frame.groupby("period")["period_sortable"].unique()
    assert [list(v) for v in by_period] == [[20150000], [20160000], [20170000]]


@pytest.mark.parametrize(("period", "expected"), [
    ("2015", 20150000), ("2015/16", 20150000), ("2015 Q1", 20150100), ("2015/16 Q3", 20150300),
    ("2015 - 17", 20150000), ("Jan 2015", 20150001), ("Apr 2015 - Mar 2016", 20150004),
    ("no year", None)])
def test_period_sortable_rule(period, expected):
    assert period_sortable(period) == expected


def test_two_columns_matching_one_header_are_named(tmp_path):
    header = HEADER.replace("Area Code,", "Area Code,AreaCode,")
    row = _row().replace("E08000014,", "E08000014,E08000014,", 1)
    with pytest.raises(InputDataError) as info:
        load_fingertips_export(_write(tmp_path, row, header=header))
    [problem] = info.value.problems
    assert "'Area Code' and 'AreaCode'" in problem.message


def test_every_missing_column_reported_at_once(tmp_path):
    keep = [c for c in EXPORT_COLUMNS if c not in ("Area Code", "Value", "Count")]
    values = dict(zip(EXPORT_COLUMNS, _row().split(","), strict=True))
    path = _write(tmp_path, ",".join(values[c] for c in keep), header=",".join(keep))
    with pytest.raises(InputDataError) as info:
        load_fingertips_export(path)
    assert [p.column for p in info.value.problems] == ["Area Code", "Value", "Count"]


def test_edition_is_not_stated_by_fingertips_files(shared_file):
    assert fingertips_edition(shared_file(CAMPYLOBACTER)) is None
