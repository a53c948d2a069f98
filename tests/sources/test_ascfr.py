"""ASC-FR: 2014-15 wide cp1252 files, 2016-17 keyed totals decoded with 2015-16 labels."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from asclib.errors import InputDataError
from asclib.sources.ascfr import (
    ASC_FINANCE_COLUMNS,
    DATA_TYPE_KEYS,
    UNIT_COST_COLUMNS,
    care_home_unit_costs,
    cassr_area_codes,
    decode_keys,
    load_asc_finance,
    load_ascfr_data_file,
    load_ascfr_wide,
    load_expenditure_2014_15,
)
from asclib.sources.ascfr import edition as ascfr_edition

EXP = "ascfr-2014-15/pss-exp-eng-14-15-fin-coun-lev-exp-data.csv"
UNIT = "ascfr-2014-15/pss-exp-eng-14-15-fin-coun-lev-unit-cost.csv"
TOTALS = "ascfr-2016-17/CSV ASCFR Totals.csv"
ACTIVITY = "ascfr-2016-17/CSV ASCFR Activity.csv"
LABELS = "ascfr-2015-16/pss-exp-eng-15-16-fin-act.csv"


@pytest.fixture(scope="module")
def expenditure(shared_file):
    return load_expenditure_2014_15(shared_file(EXP))


def test_sefton_net_is_gross_minus_income(expenditure):
    nursing = expenditure[(expenditure["cassr_code"] == "317")
                          & (expenditure["support_type"] == "Long term")
                          & (expenditure["age_band"] == "18-64")
                          & (expenditure["summary"] == "Total")
                          & (expenditure["delivery_mechanism"] == "Nursing")]
    value = nursing.set_index("accounting_category")["value_gbp"]
    assert value["Gross total expenditure"] == 3_024_000
    assert value["Income: total"] == 541_000
    assert value["Net total expenditure"] == 2_483_000
    assert set(nursing["area_name"]) == {"Sefton"}


def test_net_equals_gross_cost_minus_income_everywhere(expenditure):
    keys = ["cassr_code", "support_type", "age_band", "summary", "delivery_mechanism"]
    wide = expenditure.pivot_table(index=keys, columns="accounting_category",
                                   values="value_gbp", aggfunc="first", dropna=False)
    wide = wide.dropna(subset=["Net total expenditure", "Income: total",
                               "Gross total cost: total expenditure"])
    gap = (wide["Gross total cost: total expenditure"] - wide["Income: total"]
           - wide["Net total expenditure"]).abs()
    assert len(wide) > 10_000
    assert (gap <= 1_000).mean() > 0.999          # GBP thousands rounded in the file
    # the whole-ASC line for Sefton: 110,911 - 22,758 = 88,153 (GBP thousands)
    line = expenditure[(expenditure["cassr_code"] == "317")
                       & (expenditure["summary"] == "Adult Social Care")]
    value = line.set_index("accounting_category")["value_gbp"]
    assert value["Gross total cost: total expenditure"] == 110_911_000
    assert value["Income: total"] == 22_758_000
    assert value["Net total expenditure"] == 88_153_000


def test_psr_rows_sum_to_total(expenditure):
    rows = expenditure[(expenditure["cassr_code"] == "317")
                       & (expenditure["support_type"] == "Long term")
                       & (expenditure["age_band"] == "65+")
                       & (expenditure["delivery_mechanism"] == "Residential")
                       & (expenditure["accounting_category"] == "Gross total expenditure")]
    by_summary = rows.set_index("summary")["value_gbp"]
    assert by_summary.drop("Total").sum() == pytest.approx(by_summary["Total"], abs=3000)


def test_wide_melt_regions_and_markers(shared_file):
    frame = load_ascfr_wide(shared_file(UNIT))
    assert frame[frame["area_type"] == "council"]["cassr_code"].nunique() == 152
    assert set(frame.loc[frame["area_type"] == "region", "area_name"]) >= {"North West",
                                                                           "London"}
    dots = frame[frame["suppressed"]]
    assert len(dots) > 0 and dots["value"].isna().all()
    sefton = frame[(frame["cassr_code"] == "317")]
    assert set(sefton["region"]) == {"NW"}


def test_care_home_unit_costs(shared_file):
    codes = cassr_area_codes(shared_file(TOTALS))
    assert codes["317"] == "E08000014" and len(codes) == 151
    costs = care_home_unit_costs(shared_file(UNIT), codes,
                                 codes_by_name={"Isles of Scilly": "E06000053"})
    assert list(costs.columns) == UNIT_COST_COLUMNS
    assert len(costs) == 152 * 2 * 5 * 2
    row = costs[(costs["area_code"] == "E08000014") & (costs["age_band"] == "18-64")
                & (costs["primary_support_reason"] == "Physical support")
                & (costs["setting"] == "Nursing")].iloc[0]
    assert (row["gross_gbp"], row["care_weeks"], row["unit_cost_gbp_per_week"]) == (
        977_000, 2051.57, 476.22)
    assert row["gross_gbp"] / row["care_weeks"] == pytest.approx(476.22, abs=0.005)
    with pytest.raises(InputDataError, match="no ONS code known for CASSR code"):
        care_home_unit_costs(shared_file(UNIT), codes)


def test_asc_finance_2016_17(shared_file):
    finance = load_asc_finance(shared_file(TOTALS), shared_file(ACTIVITY), shared_file(LABELS))
    assert list(finance.columns) == ASC_FINANCE_COLUMNS
    assert len(finance) == 151 and set(finance["period"]) == {"2016/17"}
    sefton = finance[finance["area_code"] == "E08000014"].iloc[0]
    assert sefton["area_name"] == "Sefton"
    assert (sefton["gross_gbp"], sefton["income_gbp"], sefton["net_gbp"]) == (
        118_176_000, 29_477_000, 88_699_000)
    assert np.allclose(finance["gross_gbp"] - finance["income_gbp"], finance["net_gbp"],
                       atol=1.0)
    assert finance["gross_gbp"].sum() == pytest.approx(20.639e9, rel=1e-4)


def test_decoded_keys(shared_file):
    keys = decode_keys(shared_file(ACTIVITY), shared_file(LABELS))
    assert keys["DataType_KEY"] == {"1": "Mandatory", "2": "Voluntary"}
    assert keys["AgeBand_KEY"]["1"] == "Age 18 to 64" and keys["AgeBand_KEY"]["2"] == \
        "Age 65 and over"
    assert keys["PrimarySupportReason_KEY"]["13"] == "Support with memory and cognition"
    assert keys["SupportSetting_KEY"] == {"6": "Nursing", "7": "Residential"}


def _wide(tmp_path: Path, body: str, encoding: str = "cp1252") -> Path:
    path = tmp_path / "wide.csv"
    path.write_bytes(body.encode(encoding))
    return path


WIDE = (",,,NW,NW\r\nSupport type,Age category,Accounting category,317 - Sefton,"
        "318 - Wirral\r\nLong term,Age 18 to 64,Gross total expenditure,3024,{value}\r\n"
        "Notes,,,,\r\nData are presented in \u00a3000's,,,,\r\n")


def test_wide_fixture_cp1252_and_markers(tmp_path):
    frame = load_ascfr_wide(_wide(tmp_path, WIDE.format(value=":")))
    assert frame["value"].tolist()[0] == 3024 and np.isnan(frame["value"].tolist()[1])
    assert frame["suppressed"].tolist() == [False, True]
    assert frame["cassr_code"].tolist() == ["317", "318"]


def test_wide_wrong_encoding(tmp_path):
    path = _wide(tmp_path, WIDE.format(value="1"))
    with pytest.raises(InputDataError) as info:
        load_ascfr_wide(path, encoding="utf-8")
    assert "wide.csv" in str(info.value) and "utf-8" in str(info.value)


def test_wide_text_in_number_column(tmp_path):
    with pytest.raises(InputDataError) as info:
        load_ascfr_wide(_wide(tmp_path, WIDE.format(value="lots")))
    [problem] = info.value.problems
    assert (problem.column, problem.row) == ("318 - Wirral", 3)


def test_wide_without_council_columns(tmp_path):
    with pytest.raises(InputDataError, match="no council columns"):
        load_ascfr_wide(_wide(tmp_path, "a,b\r\nc,d\r\ne,f\r\n"))


def test_totals_gross_minus_income_not_net(tmp_path, shared_file):
    totals = tmp_path / "totals.csv"
    lines = Path(shared_file(TOTALS)).read_text(encoding="utf-8").splitlines()[:3]
    cells = lines[2].split(",")
    cells[13] = str(float(cells[13]) + 5)          # NETTOTALEXPENDITURE off by 5
    totals.write_text("\n".join([lines[0], lines[1], ",".join(cells)]) + "\n", encoding="utf-8")
    with pytest.raises(InputDataError) as info:
        load_asc_finance(totals, shared_file(ACTIVITY), shared_file(LABELS))
    [problem] = info.value.problems
    assert (problem.column, problem.row) == ("NETTOTALEXPENDITURE", 3)


# ------------------------------------------------------------ newer ASC-FR data files
# No 2017-18-onward data file is in ../shared/data: each is built by melting the real 2016-17
# Totals file into the newer long layout (one row per finance type, ITEMVALUE in GBP
# thousands, descriptions instead of keys), with England and activity rows that must be left
# out, and must give the same council totals as the 2016-17 reader.


def _data_file(shared_file, tmp_path, *, key_suffix: str = "", fy: str = "2017",
               negative: str | None = None):
    totals = pd.read_csv(shared_file(TOTALS), dtype=str, keep_default_na=False)
    labels = decode_keys(shared_file(ACTIVITY), shared_file(LABELS))["DataType_KEY"]
    finance = {"TOTALEXPENDITURE": "Gross Total Expenditure", "TOTALINCOME": "Total Income",
               "NETTOTALEXPENDITURE": "Net Total Expenditure",
               "GROSSCURRENTEXPENDITURE": "Gross Current Expenditure"}
    long = totals.melt(id_vars=["FY_Ending", "CASSR_CODE", "GEOGRAPHY_CODE", "REGION_GO_CODE",
                                "CareType_KEY", "AgeBand_KEY", "DataType_KEY"],
                       value_vars=list(finance), var_name="measure", value_name="ITEMVALUE")
    if negative:
        sefton = (long["GEOGRAPHY_CODE"] == negative) & (long["measure"] == "TOTALEXPENDITURE")
        long.loc[sefton, "ITEMVALUE"] = "-" + long.loc[sefton, "ITEMVALUE"]
        income = (long["GEOGRAPHY_CODE"] == negative) & (long["measure"] != "TOTALEXPENDITURE")
        long = long[~income]
    k = key_suffix
    out = pd.DataFrame({
        "GEOGRAPHY_LEVEL": "Local Authority", "DATA_LEVEL": "Council",
        "FY_ENDING": fy, "GEOGRAPHY_CODE": long["GEOGRAPHY_CODE"],
        "DH_GEOGRAPHY_NAME": "council " + long["CASSR_CODE"],
        "REGION_GO_CODE": long["REGION_GO_CODE"], "GEOGRAPHY_NAME": "",
        "DimensionGroup": "Expenditure", f"DataType{k}": long["DataType_KEY"].map(labels),
        f"CareType{k}": long["CareType_KEY"], f"AgeBand{k}": long["AgeBand_KEY"],
        f"FinanceType{k}": long["measure"].map(finance), "ITEMVALUE": long["ITEMVALUE"]})
    england = out.head(3).assign(GEOGRAPHY_LEVEL="England", GEOGRAPHY_CODE="E92000001",
                                 ITEMVALUE="99999999")
    activity = out.head(3).assign(DimensionGroup="Activity", ITEMVALUE="123456")
    path = tmp_path / "ASC-FR Data File (descriptions).csv"
    pd.concat([out, england, activity]).to_csv(path, index=False)
    return path


@pytest.mark.parametrize(("key_suffix", "fy"), [("", "2017"), ("_Key", "2016-17")])
def test_newer_data_file_layout_matches_2016_17_totals(shared_file, tmp_path, key_suffix, fy):
    expected = load_asc_finance(shared_file(TOTALS), shared_file(ACTIVITY), shared_file(LABELS))
    frame = load_ascfr_data_file(_data_file(shared_file, tmp_path, key_suffix=key_suffix, fy=fy))
    assert list(frame.columns) == ASC_FINANCE_COLUMNS
    assert set(frame["period"]) == {"2016/17"}
    assert frame["area_code"].tolist() == expected["area_code"].tolist()
    for column in ("gross_gbp", "income_gbp", "net_gbp"):
        assert np.allclose(frame[column], expected[column], atol=0.05)
    sefton = frame[frame["area_code"] == "E08000014"].iloc[0]
    assert sefton["area_name"] == "council 317"
    assert sefton["gross_gbp"] == pytest.approx(
        expected.set_index("area_code").loc["E08000014", "gross_gbp"], abs=0.05)


def test_newer_data_file_negative_gross_names_the_rows(shared_file, tmp_path):
    path = _data_file(shared_file, tmp_path, negative="E08000014")
    with pytest.raises(InputDataError) as info:
        load_ascfr_data_file(path)
    [problem] = info.value.problems
    assert "E08000014" in problem.message and "below zero" in problem.message
    assert problem.column == "ITEMVALUE" and problem.row is not None and problem.row > 1


def test_newer_data_file_missing_columns_all_reported(tmp_path):
    path = tmp_path / "ascfr.csv"
    path.write_text("GEOGRAPHY_CODE,ITEMVALUE\nE08000014,1\n", encoding="utf-8")
    with pytest.raises(InputDataError) as info:
        load_ascfr_data_file(path)
    assert [p.column for p in info.value.problems] == ["FY_ENDING", "FinanceType"]


def test_negative_unit_cost_is_an_error(shared_file, tmp_path):
    lines = shared_file(UNIT).read_bytes().decode("cp1252").splitlines()
    index = next(i for i, line in enumerate(lines)
                 if line.startswith("Long term,Age 65 and over,Physical support,Nursing,"
                                    "Unit costs,All"))
    cells = next(csv.reader([lines[index]]))
    sefton = next(c for c, h in enumerate(next(csv.reader([lines[1]]))) if h == "317 - Sefton")
    cells[sefton] = "-" + cells[sefton]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    lines[index] = buffer.getvalue()
    path = tmp_path / "unit.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    with pytest.raises(InputDataError) as info:
        care_home_unit_costs(path, cassr_area_codes(shared_file(TOTALS)),
                             codes_by_name={"Isles of Scilly": "E06000053"})
    problems = [p for p in info.value.problems if "negative unit cost" in p.message]
    assert len(problems) == 1 and problems[0].row == index + 1 and problems[0].column == "317"


def test_ascfr_files_state_no_edition(shared_file):
    assert ascfr_edition(shared_file(TOTALS)) is None


def test_totals_file_on_its_own(shared_file):
    """A dropped-in Totals file without its companions gives the same council totals."""
    assert decode_keys(shared_file(ACTIVITY), shared_file(LABELS))["DataType_KEY"] == \
        DATA_TYPE_KEYS
    alone = load_asc_finance(shared_file(TOTALS))
    full = load_asc_finance(shared_file(TOTALS), shared_file(ACTIVITY), shared_file(LABELS))
    pd.testing.assert_frame_equal(alone.drop(columns="area_name"),
                                  full.drop(columns="area_name"))
    assert alone["area_name"].isna().all()
    named = load_asc_finance(shared_file(TOTALS), area_names={"E08000014": "Sefton"})
    assert named.set_index("area_code").loc["E08000014", "area_name"] == "Sefton"
