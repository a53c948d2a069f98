"""The demo generator: deterministic to the byte, calibrated to each council's real ASC-FR
totals and the real monthly deaths, and reproducing the figures the seed documents publish."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from asclib import cli, demo
from asclib.demo.files import write_xlsx
from asclib.paths import RAW_DATA_DIR
from asclib.sources.council import (
    load_budget_ledger,
    load_care_home_outbreaks,
    load_day_service_placements,
)

SEFTON, WIRRAL, KENT, LIVERPOOL, BCP = "E08000014", "E08000015", "E10000016", "E08000012", \
    "E06000058"
NORTH_WEST = "E12000002"
PACKAGES = list(demo.CARE_PACKAGE_SERVICES)
COUNCIL_FILES = ("budget_ledger.xlsx", "day_service_placements.xlsx", "care_home_outbreaks.xlsx")


@pytest.fixture(scope="module")
def raw():
    if not (RAW_DATA_DIR / "lookups" / "local_authorities.csv").exists():
        pytest.skip("data/raw/lookups/local_authorities.csv not written yet")
    return RAW_DATA_DIR


@pytest.fixture(scope="module")
def generated(raw, tmp_path_factory):
    out = tmp_path_factory.mktemp("demo_a")
    return out, demo.generate(out, raw_dir=raw)


@pytest.fixture(scope="module")
def on_request(raw, tmp_path_factory):
    """Councils beyond the bundled set, generated on request (Kent, Liverpool, BCP is bundled)."""
    out = tmp_path_factory.mktemp("demo_b")
    return out, demo.generate(out, areas=[KENT, LIVERPOOL], raw_dir=raw)


def real_finance(code):
    frame = pd.read_csv(RAW_DATA_DIR / "published" / "asc_finance.csv", dtype={"period": str})
    return frame[frame["area_code"] == code].sort_values("period").iloc[-1]


# --------------------------------------------------------------------------- the set


def test_default_set_is_the_bundled_councils(generated):
    out, files = generated
    councils = sorted(p.name for p in (out / "council").iterdir())
    assert councils == sorted(demo.default_areas(RAW_DATA_DIR))
    assert len(councils) == 16
    assert len(files) == 16 * 3 + 4  # xlsx per council, fingertips x2, ONS, README
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "ILLUSTRATIVE" in readme and "E06000058 Bournemouth" in readme
    assert "--area all" in readme


def test_same_bytes_twice(generated, tmp_path):
    out, files = generated
    again = demo.generate(tmp_path, raw_dir=RAW_DATA_DIR)
    assert [p.relative_to(tmp_path) for p in again] == [p.relative_to(out) for p in files]
    for first, second in zip(files, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_councils_on_request_same_bytes_and_no_other_area_changed(generated, on_request,
                                                                  tmp_path):
    out, _ = generated
    requested, files = on_request
    # a fresh folder gets the shared files too; the bundled weekly series is unchanged
    assert {p.name for p in files} >= {"indicators.csv", "weekly_deaths_la.csv", "README.md"}
    assert (requested / "ons" / "weekly_deaths_la.csv").read_bytes() == \
        (out / "ons" / "weekly_deaths_la.csv").read_bytes()
    again = demo.generate(tmp_path, areas=[LIVERPOOL, KENT, SEFTON], raw_dir=RAW_DATA_DIR)
    for code in (KENT, LIVERPOOL):
        for name in (*COUNCIL_FILES, "weekly_deaths_la.csv"):
            assert (tmp_path / "council" / code / name).read_bytes() == \
                (requested / "council" / code / name).read_bytes(), (code, name)
    for name in COUNCIL_FILES:
        assert (tmp_path / "council" / SEFTON / name).read_bytes() == \
            (out / "council" / SEFTON / name).read_bytes()
    # a bundled council's weekly deaths stay in the shared file only
    assert not (tmp_path / "council" / SEFTON / "weekly_deaths_la.csv").exists()
    assert (tmp_path / "council" / KENT / "weekly_deaths_la.csv") in again
    assert demo.weekly_deaths_files(tmp_path) == [
        tmp_path / "ons" / "weekly_deaths_la.csv",
        tmp_path / "council" / LIVERPOOL / "weekly_deaths_la.csv",
        tmp_path / "council" / KENT / "weekly_deaths_la.csv"]


def test_region_code_generates_every_asc_council_of_the_region(raw, tmp_path):
    lookup = pd.read_csv(raw / "lookups" / "local_authorities.csv", dtype=str)
    asc = lookup[lookup["asc_authority"].str.lower() == "true"]
    expected = sorted(asc.loc[asc["region_code"] == NORTH_WEST, "area_code"])
    assert len(expected) == 23
    assert cli.main(["demo-data", "--out", str(tmp_path), "--area", NORTH_WEST]) == 0
    assert sorted(p.name for p in (tmp_path / "council").iterdir()) == expected
    for code in expected:
        assert all((tmp_path / "council" / code / name).exists() for name in COUNCIL_FILES)
    weekly = pd.read_csv(tmp_path / "council" / LIVERPOOL / "weekly_deaths_la.csv", dtype=str)
    assert set(weekly["admin-geography"]) == {LIVERPOOL}


def test_all_means_every_english_asc_council(raw):
    info = demo.load_inputs(raw)
    lookup = pd.read_csv(raw / "lookups" / "local_authorities.csv", dtype=str)
    asc = lookup[(lookup["asc_authority"].str.lower() == "true")
                 & lookup["area_code"].str.startswith("E")]
    codes = demo.resolve_areas(["all"], info)
    assert len(codes) == len(asc) == 152 and set(codes) == set(asc["area_code"])
    assert demo.resolve_areas([NORTH_WEST, SEFTON, "all"], info)[0] == "E06000006"


def test_unknown_area_is_a_clear_error(raw, tmp_path, capsys):
    assert cli.main(["demo-data", "--out", str(tmp_path), "--area", "E08999999"]) == 2
    assert "unknown area code E08999999" in capsys.readouterr().err
    assert cli.main(["demo-data", "--out", str(tmp_path), "--area", "everywhere"]) == 2


# --------------------------------------------------------------------------- budget ledger


def test_sefton_ledger_totals(generated):
    out, _ = generated
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
    # its ASC-FR year too: 118,176,000 gross, 29,477,000 income (ASC-FR 2016-17)
    asc_fr = ledger[ledger["period"] == "2016/17"]
    assert (asc_fr["gross_gbp"].sum(), asc_fr["income_gbp"].sum()) == (118_176_000, 29_477_000)


@pytest.mark.parametrize("code", [WIRRAL, KENT])
def test_ledger_equals_the_real_asc_fr_totals_to_the_pound(generated, on_request, code):
    folder = (generated if code == WIRRAL else on_request)[0] / "council" / code
    ledger = load_budget_ledger(folder / "budget_ledger.xlsx")
    real = real_finance(code)
    year = ledger[ledger["period"] == real["period"]]
    gross, income = year["gross_gbp"].sum(), year["income_gbp"].sum()
    assert gross == round(real["gross_gbp"]) and income == round(real["income_gbp"])
    assert abs((gross - income) - real["net_gbp"]) <= 1
    assert sorted(ledger["period"].unique()) == ["2016/17", "2019/20", "2020/21"]
    later = ledger[ledger["period"] == "2020/21"]["gross_gbp"].sum()
    assert later / gross == pytest.approx(demo.ledger.ANNUAL_GROWTH ** 4, rel=0.08)
    assert (ledger["income_gbp"] <= ledger["gross_gbp"]).all()


def test_council_without_asc_fr_row_is_scaled_from_population(generated):
    out, _ = generated
    ledger = load_budget_ledger(out / "council" / BCP / "budget_ledger.xlsx")
    assert sorted(ledger["period"].unique()) == ["2019/20", "2020/21"]
    gross = ledger.loc[ledger["period"] == "2020/21", "gross_gbp"].sum()
    # BCP: ~320,000 adults at England's ~GBP 470 a head (2016/17), grown four years
    assert 150e6 < gross < 250e6


# --------------------------------------------------------------------------- day services


def test_sefton_day_services(generated):
    out, _ = generated
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
    assert frame["start_date"].min() >= pd.Timestamp("2005-01-01")


def test_caseloads_scale_with_asc_fr_gross(generated, on_request):
    kent = load_day_service_placements(
        on_request[0] / "council" / KENT / "day_service_placements.xlsx")
    wirral = load_day_service_placements(
        generated[0] / "council" / WIRRAL / "day_service_placements.xlsx")
    ratio = real_finance(KENT)["gross_gbp"] / real_finance(SEFTON)["gross_gbp"]  # ~4.2
    assert 648 * ratio * 0.6 < len(kent) < 648 * ratio * 1.6
    assert len(kent) > 2 * len(wirral)


# --------------------------------------------------------------------------- outbreaks


def open_on(log, day):
    return log[(log["date_declared"] <= day) & (log["date_closed"].isna()
                                                | (log["date_closed"] > day))]


def test_sefton_outbreak_state_end_of_january(generated):
    out, _ = generated
    log = load_care_home_outbreaks(out / "council" / SEFTON / "care_home_outbreaks.xlsx")
    open_ = open_on(log, pd.Timestamp("2021-01-31"))
    assert open_["home_id"].nunique() == len(open_) == 43
    assert open_["resident_cases"].sum() == 199
    assert open_["staff_cases"].sum() == 226
    single = open_[open_["resident_cases"] + open_["staff_cases"] == 1]
    assert len(single) == 6  # the Cabinet update's 6 homes with a single case
    assert (single["date_declared"] >= pd.Timestamp("2021-01-18")).all()
    assert log["date_declared"].min() < pd.Timestamp("2020-04-01")
    assert log["date_declared"].max() > pd.Timestamp("2021-02-01")


def test_other_councils_have_some_single_case_homes(on_request):
    log = load_care_home_outbreaks(on_request[0] / "council" / KENT / "care_home_outbreaks.xlsx")
    open_ = open_on(log, pd.Timestamp("2021-01-31"))
    single = (open_["resident_cases"] + open_["staff_cases"] == 1).sum()
    assert 0.05 * len(open_) <= single <= 0.25 * len(open_)


# --------------------------------------------------------------------------- weekly deaths


def months_of(weekly: pd.DataFrame) -> dict[tuple[int, int], int]:
    """Weekly all-cause registrations apportioned to calendar months by days: ONS weeks end on
    the Friday of the ISO week; a straddling week gives round(deaths x days / 7) to its first
    month and the rest to the second."""
    totals = weekly[(weekly["cause"] == "all_causes") & (weekly["place"] == "all")]
    months: dict[tuple[int, int], int] = {}
    for year, week, deaths in zip(totals["year"], totals["week"], totals["deaths"], strict=True):
        end = dt.date.fromisocalendar(int(year), int(week), 5)
        start = end - dt.timedelta(days=6)
        first = (end.year, end.month) != (start.year, start.month)
        days_first = (dt.date(end.year, end.month, 1) - start).days if first else 7
        part = round(int(deaths) * days_first / 7)
        months[(start.year, start.month)] = months.get((start.year, start.month), 0) + part
        if first:
            months[(end.year, end.month)] = months.get((end.year, end.month), 0) \
                + int(deaths) - part
    return months


@pytest.mark.parametrize("code", [SEFTON, "E92000001", NORTH_WEST])
def test_weekly_deaths_add_up_to_the_real_monthly_deaths(generated, code):
    from asclib.sources.ons_weekly_deaths import load_la_weekly_csv

    out, _ = generated
    weekly = load_la_weekly_csv(out / "ons" / "weekly_deaths_la.csv")
    real = pd.read_csv(RAW_DATA_DIR / "published" / "monthly_deaths_by_la.csv")
    real = real[real["area_code"] == code]
    expected = {(int(y), int(m)): int(d)
                for y, m, d in zip(real["year"], real["month"], real["deaths"], strict=True)}
    assert len(expected) == 84
    months = months_of(weekly[weekly["area_code"] == code])
    assert {k: months[k] for k in expected} == expected
    if code == SEFTON:
        assert (months[(2020, 4)], months[(2020, 5)]) == (621, 297)
        annual = {y: sum(v for (yy, _), v in months.items() if yy == y) for y in range(2015, 2022)}
        assert annual == {2015: 3249, 2016: 3286, 2017: 3184, 2018: 3301, 2019: 3309,
                          2020: 4004, 2021: 3654}


def test_weekly_deaths_calibrated_for_a_council_on_request(on_request):
    from asclib.sources.ons_weekly_deaths import load_la_weekly_csv

    weekly = load_la_weekly_csv(on_request[0] / "council" / LIVERPOOL / "weekly_deaths_la.csv")
    real = pd.read_csv(RAW_DATA_DIR / "published" / "monthly_deaths_by_la.csv")
    real = real[real["area_code"] == LIVERPOOL]
    months = months_of(weekly)
    assert all(months[(y, m)] == d for y, m, d in
               zip(real["year"], real["month"], real["deaths"], strict=True))


def test_weekly_deaths_covid_places_and_coverage(generated):
    from asclib.sources.ons_weekly_deaths import load_la_weekly_csv

    out, _ = generated
    weekly = load_la_weekly_csv(out / "ons" / "weekly_deaths_la.csv")
    for code, care_home, hospital in ((SEFTON, 0.18, 0.75), ("E92000001", 0.29, 0.65)):
        covid = weekly[(weekly["area_code"] == code) & (weekly["cause"] == "covid19")
                       & (weekly["year"] == 2020) & (weekly["place"] != "all")]
        share = covid.groupby("place")["deaths"].sum() / covid["deaths"].sum()
        assert share["care_home"] == pytest.approx(care_home, abs=0.005)
        assert share["hospital"] == pytest.approx(hospital, abs=0.005)
    both = weekly.pivot_table(index=["area_code", "year", "week", "place"], columns="cause",
                              values="deaths", aggfunc="sum").dropna()
    assert (both["covid19"] <= both["all_causes"]).all()
    assert {"E12000001", "E12000002", "E12000003", "E12000009", "E92000001"} <= set(
        weekly["area_code"])
    assert set(weekly["area_code"]) >= set(demo.default_areas(RAW_DATA_DIR))
    assert set(weekly["year"]) == set(range(2015, 2022))
    assert weekly.groupby("year")["week"].max().to_dict() == {
        2015: 53, 2016: 52, 2017: 52, 2018: 52, 2019: 52, 2020: 53, 2021: 52}


# --------------------------------------------------------------------------- fingertips


def test_fingertips_layout_and_sefton_pattern(generated):
    from asclib.sources.fingertips import load_fingertips_export, load_indicator_metadata

    out, _ = generated
    header = (out / "fingertips" / "indicators.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == list(demo.EXPORT_HEADER) and len(demo.EXPORT_HEADER) == 26
    data = load_fingertips_export(out / "fingertips" / "indicators.csv")
    meta = load_indicator_metadata(out / "fingertips" / "indicator_metadata.csv")
    assert len(meta) == 17
    councils = data[data["area_type"] == "County & UA"]
    assert councils["area_code"].nunique() == 152  # every English ASC council
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


# --------------------------------------------------------------------------- files


def test_numbers_keep_the_zeros_of_whole_numbers():
    assert demo._fmt(406000.0, 0) == "406000"
    assert demo._fmt(12.5000, 6) == "12.5"
    assert demo._fmt(3.0, 2) == "3"
    assert demo._fmt(float("nan")) == ""


def test_workbook_cells_typed_and_text_never_a_formula(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", "Data", "A title & <more>", ("Name", "Date", "Rate"),
                      [["=HYPERLINK(\"http://x\",\"Click\")", dt.date(2021, 1, 31), 45.5],
                       ["+1+1", None, 3]], {2: "yyyy-mm-dd", 3: "0.00"}, ["About line"])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Data"]
    assert workbook.sheetnames == ["Data", "About"]
    assert sheet["A1"].value == "A title & <more>" and sheet["A1"].font.b
    assert [c.value for c in sheet[3]] == ["Name", "Date", "Rate"]
    assert sheet["A4"].data_type == "s" and sheet["A4"].value.startswith("=HYPERLINK")
    assert sheet["A5"].value == "+1+1" and sheet["A5"].data_type == "s"
    assert sheet["B4"].value == dt.datetime(2021, 1, 31) and sheet["B5"].value is None
    assert (sheet["C4"].value, sheet["C4"].number_format) == (45.5, "0.00")
    assert workbook["About"]["A1"].value == "About line"
    assert write_xlsx(tmp_path / "v.xlsx", "Data", "A title & <more>", ("Name", "Date", "Rate"),
                      [["x", dt.date(2021, 1, 31), 45.5]], {}, []).read_bytes() == \
        write_xlsx(tmp_path / "u.xlsx", "Data", "A title & <more>", ("Name", "Date", "Rate"),
                   [["x", dt.date(2021, 1, 31), 45.5]], {}, []).read_bytes()
