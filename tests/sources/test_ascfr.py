"""ASC-FR: 2014-15 wide cp1252 files, 2016-17 keyed totals decoded with 2015-16 labels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asclib.errors import InputDataError
from asclib.sources.ascfr import (
    ASC_FINANCE_COLUMNS,
    UNIT_COST_COLUMNS,
    care_home_unit_costs,
    cassr_area_codes,
    decode_keys,
    load_asc_finance,
    load_ascfr_wide,
    load_expenditure_2014_15,
)

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
