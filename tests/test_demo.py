"""The demo generator: deterministic to the byte, fast, and calibrated so the analyses
reproduce the figures the seed documents publish."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from asclib import demo
from asclib.paths import RAW_DATA_DIR
from asclib.sources.council import (
    load_budget_ledger,
    load_care_home_outbreaks,
    load_day_service_placements,
)

SEFTON = "E08000014"
PACKAGES = list(demo.CARE_PACKAGE_SERVICES)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    if not (RAW_DATA_DIR / "lookups" / "local_authorities.csv").exists():
        pytest.skip("data/raw/lookups/local_authorities.csv not written yet")
    out = tmp_path_factory.mktemp("demo_a")
    started = time.perf_counter()
    files = demo.generate(out, raw_dir=RAW_DATA_DIR)
    return out, files, time.perf_counter() - started


def test_default_set_is_fast_and_complete(generated):
    out, files, seconds = generated
    assert seconds < 30
    councils = sorted(p.name for p in (out / "council").iterdir())
    assert councils == sorted(demo.default_areas(RAW_DATA_DIR))
    assert len(councils) == 16
    assert len(files) == 16 * 3 + 4  # xlsx per council, fingertips x2, ONS, README
    assert "ILLUSTRATIVE" in (out / "README.md").read_text(encoding="utf-8")


def test_same_bytes_twice(generated, tmp_path):
    out, files, _ = generated
    again = demo.generate(tmp_path, raw_dir=RAW_DATA_DIR)
    assert [p.relative_to(tmp_path) for p in again] == [p.relative_to(out) for p in files]
    for first, second in zip(files, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_adding_an_area_changes_no_other_area(generated, tmp_path):
    out, _, _ = generated
    demo.generate(tmp_path, areas=[SEFTON, "E08000012"], raw_dir=RAW_DATA_DIR)
    for name in ("budget_ledger.xlsx", "day_service_placements.xlsx", "care_home_outbreaks.xlsx"):
        assert ((tmp_path / "council" / SEFTON / name).read_bytes()
                == (out / "council" / SEFTON / name).read_bytes())
    weekly = pd.read_csv(tmp_path / "ons" / "weekly_deaths_la.csv", dtype=str)
    assert "E08000012" in set(weekly["admin-geography"])
    original = pd.read_csv(out / "ons" / "weekly_deaths_la.csv", dtype=str)
    assert weekly[weekly["admin-geography"] == SEFTON].reset_index(drop=True).equals(
        original[original["admin-geography"] == SEFTON].reset_index(drop=True))


def test_sefton_ledger_totals(generated):
    out, _, _ = generated
    ledger = load_budget_ledger(out / "council" / SEFTON / "budget_ledger.xlsx")
    now = ledger[ledger["period"] == "2020/21"]
    assert now["gross_gbp"].sum() == 153_300_000
    assert now["income_gbp"].sum() == 58_600_000
    assert now["gross_gbp"].sum() - now["income_gbp"].sum() == 94_700_000
    packages = now[now["service_type"].isin(PACKAGES)]["gross_gbp"].sum()
    assert packages == 107_700_000
    homes = now[now["service_type"].isin(["Long-term residential", "Long-term nursing"])]
    assert homes["gross_gbp"].sum() == 53_400_000
    assert homes["gross_gbp"].sum() / packages == pytest.approx(0.5, abs=0.005)
    assert homes.loc[homes["age_band"] == "18-64", "gross_gbp"].sum() == 0.2 * 53_400_000
    by_psr = now.groupby("primary_support_reason")["gross_gbp"].sum()
    assert by_psr["Learning disability support"] == 28_000_000
    assert by_psr["Mental health support"] == 13_000_000
    assert now.loc[now["service_type"] == "Home care", "gross_gbp"].sum() == 11_800_000
    before = ledger[ledger["period"] == "2019/20"]
    assert before.groupby("primary_support_reason")["gross_gbp"].sum()[
        "Mental health support"] == 13_000_000
    assert before.loc[before["service_type"] == "Home care", "gross_gbp"].sum() == 11_800_000
    assert (ledger["income_gbp"] <= ledger["gross_gbp"]).all()


def test_other_council_scaled_with_noise(generated):
    out, _, _ = generated
    wirral = load_budget_ledger(out / "council" / "E08000015" / "budget_ledger.xlsx")
    gross = wirral.loc[wirral["period"] == "2020/21", "gross_gbp"].sum()
    assert 120e6 < gross < 260e6 and gross != 153_300_000


def test_sefton_day_services(generated):
    out, _, _ = generated
    frame = load_day_service_placements(out / "council" / SEFTON / "day_service_placements.xlsx")
    assert len(frame) == 648
    assert (frame["funding"] == "direct_payment").sum() == 208
    assert (frame["daily_rate_gbp"].min(), frame["daily_rate_gbp"].max()) == (45, 110)
    assert round((frame["primary_support_reason"] == "Learning disability support").mean(), 2) \
        == 0.60
    assert round((frame["age"] < 60).mean(), 2) == 0.64
    assert (frame.loc[frame["funding"] == "direct_payment", "daily_rate_gbp"] == 45).all()
    commissioned = frame[frame["funding"] == "commissioned"]
    spread = commissioned.groupby(["provider", "service"])["daily_rate_gbp"].nunique()
    assert (spread > 1).all()  # prices vary inside the same service
    assert (frame["one_to_one_gbp_per_day"] > 0).sum() > 5
    per_provider = frame.groupby("provider").size()
    assert 4 <= len(per_provider) <= 10 and per_provider.min() == 3
    assert frame["end_date"].isna().all()


def test_sefton_outbreak_state_end_of_january(generated):
    out, _, _ = generated
    log = load_care_home_outbreaks(out / "council" / SEFTON / "care_home_outbreaks.xlsx")
    day = pd.Timestamp("2021-01-31")
    open_ = log[(log["date_declared"] <= day)
                & (log["date_closed"].isna() | (log["date_closed"] > day))]
    assert open_["home_id"].nunique() == len(open_) == 43
    assert open_["resident_cases"].sum() == 199
    assert open_["staff_cases"].sum() == 226
    assert log["date_declared"].min() < pd.Timestamp("2020-04-01")
    assert log["date_declared"].max() > pd.Timestamp("2021-02-01")


def test_weekly_deaths_calibration(generated):
    from asclib.sources.ons_weekly_deaths import load_la_weekly_csv

    out, _, _ = generated
    weekly = load_la_weekly_csv(out / "ons" / "weekly_deaths_la.csv")
    sefton_all = weekly[(weekly["area_code"] == SEFTON) & (weekly["cause"] == "all_causes")
                        & (weekly["place"] == "all")].groupby("year")["deaths"].sum()
    assert {y: int(sefton_all[y]) for y in range(2015, 2021)} == {
        2015: 3249, 2016: 3286, 2017: 3184, 2018: 3301, 2019: 3309, 2020: 4004}
    for code, care_home, hospital in ((SEFTON, 0.18, 0.75), ("E92000001", 0.29, 0.65)):
        covid = weekly[(weekly["area_code"] == code) & (weekly["cause"] == "covid19")
                       & (weekly["year"] == 2020) & (weekly["place"] != "all")]
        share = covid.groupby("place")["deaths"].sum() / covid["deaths"].sum()
        assert share["care_home"] == pytest.approx(care_home, abs=0.005)
        assert share["hospital"] == pytest.approx(hospital, abs=0.005)
    assert {"E12000001", "E12000002", "E12000003", "E12000009", "E92000001"} <= set(
        weekly["area_code"])
    assert set(weekly["year"]) == set(range(2015, 2022))


def test_fingertips_layout_and_sefton_pattern(generated):
    from asclib.sources.fingertips import load_fingertips_export, load_indicator_metadata

    out, _, _ = generated
    header = (out / "fingertips" / "indicators.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == list(demo.EXPORT_HEADER) and len(demo.EXPORT_HEADER) == 26
    data = load_fingertips_export(out / "fingertips" / "indicators.csv")
    meta = load_indicator_metadata(out / "fingertips" / "indicator_metadata.csv")
    assert len(meta) == 17
    councils = data[data["area_type"] == "County & UA"]
    assert councils["area_code"].nunique() > 140
    assert data[data["area_type"] == "Region"]["area_code"].nunique() == 9
    assert set(data.groupby("indicator_id")["period"].nunique()) == {5}
    latest = data[(data["area_code"] == SEFTON)
                  & (data["period_sortable"] == data.groupby("indicator_id")[
                      "period_sortable"].transform("max"))].set_index("indicator_id")
    for worse in (93764, 21001, 92447, 22401, 990003, 92949, 91112, 40401):
        assert latest.loc[worse, "compared_to_england"] == "Worse", worse
    for higher in (90581, 273, 212, 258, 247, 990001, 990002):
        assert latest.loc[higher, "compared_to_england"] == "Higher", higher
    assert latest.loc[990003, "value"] == pytest.approx(753, abs=0.5)
    localities = data[data["area_type"] == "Locality"].set_index(["area_name", "sex"])
    assert localities.loc[("Bootle", "Male"), "value"] == 49.8
    assert localities.loc[("Formby", "Male"), "value"] == 68.3
    assert (data["value_note"].str.contains("ILLUSTRATIVE")).all()
    # every published value is its count over its denominator (whole numbers keep their zeros)
    counted = data.merge(meta[["indicator_id", "value_type", "multiplier"]], on="indicator_id")
    counted = counted[counted["count"].notna() & counted["denominator"].notna()]
    proportions = counted[counted["value_type"] == "Proportion"]
    assert (proportions["count"] <= proportions["denominator"]).all()
    assert counted["value"].to_numpy() == pytest.approx(
        (counted["count"] / counted["denominator"] * counted["multiplier"]).to_numpy(), rel=1e-5)


def test_numbers_keep_the_zeros_of_whole_numbers():
    assert demo._fmt(406000.0, 0) == "406000"
    assert demo._fmt(12.5000, 6) == "12.5"
    assert demo._fmt(3.0, 2) == "3"
    assert demo._fmt(float("nan")) == ""
