"""Official files recognised by content (issue 10, item 1): every recogniser on the real files
in ../shared/data against the ground truths in each SOURCE.md, header and sheet-name variants,
files passed over, and files nothing recognises."""

from __future__ import annotations

import shutil
import uuid

import openpyxl
import pytest

from asclib.sources import official

WEEKLY = "ons-weekly-deaths-ew-2020-wk39/publishedweek392020.xlsx"
MYE = "ons-mye-mid2020/ukpopestimatesmid2020on2021geography.xls"
CARE_HOMES = "ons-care-home-deaths-by-la-2010-2023/lanonladeaths20141021.csv"
MONTHLY = ("ons-monthly-deaths-by-la-2015-2021-excerpt/"
           "monthly_deaths_registered_by_usual_residence_2015_2021_excerpt.csv")
FINGERTIPS = "fingertips-campylobacter-countyua/indicators-CountyUA.data.csv"
MEASURES = "oflog-asc-measures/ASC_data.csv"
NN = "oflog-asc-measures/NN.json"
TOTALS = "ascfr-2016-17/CSV ASCFR Totals.csv"
ACTIVITY = "ascfr-2016-17/CSV ASCFR Activity.csv"
LABELLED = "ascfr-2015-16/pss-exp-eng-15-16-fin-act.csv"
UNIT_COSTS = "ascfr-2014-15/pss-exp-eng-14-15-fin-coun-lev-unit-cost.csv"
SEFTON = "E08000014"

KINDS = {
    WEEKLY: "ons_weekly_deaths_workbook", MYE: "ons_mid_year_estimates",
    CARE_HOMES: "ons_care_home_deaths", MONTHLY: "ons_monthly_deaths",
    FINGERTIPS: "fingertips_indicators", MEASURES: "oflog_asc_measures",
    NN: "oflog_nearest_neighbours", TOTALS: "ascfr_totals_keyed",
    ACTIVITY: "ascfr_activity_keyed", LABELLED: "ascfr_activity_labelled",
    UNIT_COSTS: "ascfr_unit_costs_wide",
    "ascfr-2014-15/pss-exp-eng-14-15-fin-coun-lev-exp-data.csv": "ascfr_other",
    "ascfr-2016-17/CSV ASCFR Additional.csv": "ascfr_other",
}


@pytest.mark.parametrize("relative", sorted(KINDS))
def test_each_real_file_is_recognised_under_a_random_name(relative, shared_file, tmp_path):
    original = shared_file(relative)
    copy = tmp_path / "deep" / "er" / f"{uuid.uuid4().hex}{original.suffix}"
    copy.parent.mkdir(parents=True)
    shutil.copyfile(original, copy)
    kind = official.recognise(copy)
    assert kind is not None and kind.kind == KINDS[relative]


def bundled_lookup():
    from asclib.paths import RAW_DATA_DIR
    from asclib.sources.published import load_local_authorities_csv

    return load_local_authorities_csv(RAW_DATA_DIR / "lookups" / "local_authorities.csv")


def read(shared_file, relative: str, **companions: str) -> dict:
    kind = official.recognise(shared_file(relative))
    files = {official.recognise(shared_file(p)).kind: [shared_file(p)]
             for p in companions.values()}
    return kind.read(shared_file(relative), official.Context(files, bundled_lookup))


def test_weekly_workbook_gives_national_weekly_rows_and_places(shared_file):
    path = shared_file(WEEKLY)
    tables = read(shared_file, WEEKLY)
    weekly, places = tables["weekly_deaths"], tables["england_deaths_by_place"]
    assert {"K04000001", "E92000001", "W92000004", "E12000002"} <= set(weekly["area_code"])
    assert weekly["week"].max() == 39 and str(weekly["deaths"].dtype) == "Int64"
    assert not weekly["illustrative"].any()
    england = places[places["area_code"] == "E92000001"].set_index(["cause", "place"])["deaths"]
    assert set(places["period"]) == {"2020 weeks 1-39"}
    # SOURCE.md: YTD to 25 Sep 2020, England: all 425,995; COVID 50,195; care home 105,566 / 14,888
    assert england[("all_causes", "all")] == 425_995
    assert england[("covid19", "all")] == 50_195
    assert england[("all_causes", "care_home")] == 105_566
    assert england[("covid19", "care_home")] == 14_888
    kind = official.KINDS_BY_NAME["ons_weekly_deaths_workbook"]
    assert kind.edition(path, tables) == "2020-10-06"  # week ending 25 Sep + 11 days


def test_mid_year_estimates(shared_file):
    population = read(shared_file, MYE)["population"]
    sefton = population[(population["area_code"] == SEFTON) & (population["sex"] == "persons")]
    assert int(sefton["population"].sum()) == 275_899
    assert int(sefton.loc[sefton["age_band"] == "90+", "population"].iloc[0]) == 3_419
    males = population[(population["area_code"] == SEFTON) & (population["sex"] == "male")]
    assert int(males["population"].sum()) == 132_868


def test_care_home_and_monthly_deaths(shared_file):
    care = read(shared_file, CARE_HOMES)["care_home_deaths"].set_index(["area_code", "year"])
    assert care.loc[(SEFTON, 2020), "all_care_homes"] == 946
    assert care.loc[(SEFTON, 2015), "all_care_homes"] == 754
    monthly = read(shared_file, MONTHLY)["monthly_deaths"].set_index(
        ["area_code", "year", "month"])
    assert monthly.loc[(SEFTON, 2020, 4), "deaths"] == 621


def test_oflog_measures_and_neighbours(shared_file):
    measures = read(shared_file, MEASURES)["asc_measures"]
    row = measures[(measures["area_code"] == SEFTON) & (measures["measure_code"] == "ASC5")
                   & (measures["period"] == "2019/20")]
    assert row["value"].iloc[0] == pytest.approx(85.3)
    neighbours = read(shared_file, NN)["nearest_neighbours"]
    group = neighbours.loc[neighbours["area_code"] == SEFTON, "neighbour_code"]
    assert len(group) == 15 and "E08000015" in set(group) and SEFTON not in set(group)


def test_ascfr_totals_with_companions_and_unit_costs(shared_file):
    finance = read(shared_file, TOTALS, a=ACTIVITY, b=LABELLED)["asc_finance"]
    sefton = finance[finance["area_code"] == SEFTON].iloc[0]
    assert sefton["period"] == "2016/17" and sefton["gross_gbp"] == 118_176_000
    costs = read(shared_file, UNIT_COSTS, a=TOTALS)["care_home_unit_costs"]
    assert set(costs["period"]) == {"2014/15"} and len(costs) == 3040


def test_ascfr_totals_alone_says_what_it_needs(shared_file):
    kind = official.recognise(shared_file(TOTALS))
    with pytest.raises(official.MissingCompanionError, match="Activity"):
        kind.read(shared_file(TOTALS), official.Context())


def test_fingertips_export(shared_file):
    indicators = read(shared_file, FINGERTIPS)["indicators"]
    england = indicators[(indicators["area_code"] == "E92000001")
                         & (indicators["period"] == "2015")]
    assert england["value"].iloc[0] == pytest.approx(94.7261896202678)


def test_header_spellings_are_recognised(shared_file, tmp_path):
    text = shared_file(FINGERTIPS).read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    squeezed = header.replace("Area Name", "AreaName").replace("Area Code", "AreaCode") \
        .replace("Indicator ID", "IndicatorID").replace("Time period Sortable",
                                                        "TimeperiodSortable")
    variant = tmp_path / "x.csv"
    variant.write_text("\ufeff" + squeezed.upper() + ",Time period range\n" + rest,
                       encoding="utf-8")
    assert official.recognise(variant).kind == "fingertips_indicators"


def test_sheet_name_variants_are_recognised(shared_file, tmp_path):
    wb = openpyxl.load_workbook(shared_file(WEEKLY))
    wb["Weekly figures 2020"].title = "WEEKLY FIGURES 2021 "
    wb["Covid-19 - Place of occurrence "].title = "Covid19 Place of Occurrence"
    variant = tmp_path / "download(1).xlsx"
    wb.save(variant)
    assert official.recognise(variant).kind == "ons_weekly_deaths_workbook"


def test_ignored_and_unrecognised_files(tmp_path):
    root = tmp_path / "official"
    (root / "sub").mkdir(parents=True)
    for name in (".hidden.csv", "~$book.xlsx", "Thumbs.db", "README.md", "sub/notes.MD"):
        (root / name).write_text("x", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("x", encoding="utf-8")
    (root / "sub" / "mystery.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (root / "scan.pdf").write_bytes(b"%PDF-1.4\x00\x01")
    found = official.scan(root)
    assert found.recognised == []
    assert [p.name for p in found.unrecognised] == ["scan.pdf", "mystery.csv"]
    reason = official.not_recognised_reason(found.unrecognised[0])
    assert reason.startswith("not recognised") and "Weekly figures YYYY" in reason


def test_older_mid_year_estimate_sheet_names_are_recognised(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Contents"
    for name in ("MYE2 - All ", "MYE2 - M", "MYE2 - F"):
        wb.create_sheet(name)
    path = tmp_path / "mid-2019.xlsx"
    wb.save(path)
    assert official.recognise(path).kind == "ons_mid_year_estimates"


def test_bundled_layouts_of_the_cmd_csv_and_metadata_are_recognised():
    from asclib.paths import RAW_DATA_DIR

    weekly = RAW_DATA_DIR / "demo" / "ons" / "weekly_deaths_la.csv"
    metadata = RAW_DATA_DIR / "demo" / "fingertips" / "indicator_metadata.csv"
    if not weekly.exists() or not metadata.exists():
        pytest.skip("bundled demo data not generated yet (asc demo-data)")
    assert official.recognise(weekly).kind == "ons_weekly_deaths_la"
    assert official.recognise(metadata).kind == "indicator_metadata"
