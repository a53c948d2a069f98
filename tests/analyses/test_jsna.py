"""JSNA indicator analysis on a small hand-made Fingertips-layout table with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from asclib.analyses import jsna
from asclib.narrative import jsna as jsna_text

AREA, REGION, ENGLAND = "E08000014", "E12000002", "E92000001"
COMPARATORS = ["E08000011", "E08000012", "E08000013", "E08000015"]

INDICATOR_COLUMNS = [
    "indicator_id", "indicator_name", "area_code", "area_name", "area_type", "parent_code",
    "sex", "age", "category_type", "category", "period", "period_sortable", "value",
    "lower_ci_95", "upper_ci_95", "lower_ci_99_8", "upper_ci_99_8", "count", "denominator",
    "value_note", "recent_trend", "compared_to_england", "compared_to_region", "suppressed",
]
NAN = np.nan


def _row(indicator_id, name, area_code, period, value, *, ci95=(NAN, NAN), ci998=(NAN, NAN),
         count=NAN, denominator=NAN, area_type="Council", parent_code=REGION, sex="Persons",
         age="All ages", category_type=None, area_name=None):
    return {
        "indicator_id": indicator_id, "indicator_name": name, "area_code": area_code,
        "area_name": area_name or area_code, "area_type": area_type, "parent_code": parent_code,
        "sex": sex, "age": age, "category_type": category_type, "category": None,
        "period": str(period), "period_sortable": int(period) * 10000, "value": value,
        "lower_ci_95": ci95[0], "upper_ci_95": ci95[1], "lower_ci_99_8": ci998[0],
        "upper_ci_99_8": ci998[1], "count": count, "denominator": denominator,
        "value_note": None, "recent_trend": None, "compared_to_england": None,
        "compared_to_region": None, "suppressed": False,
    }


@pytest.fixture()
def metadata() -> pd.DataFrame:
    return pd.DataFrame([
        (1, "Alcohol-related admissions", "Mental health and alcohol", "low_is_good",
         "per 100,000", "crude_rate", 100_000),
        (2, "Dementia diagnosis rate", "Preventive practice", "high_is_good", "%",
         "proportion", 100),
        (3, "Hearing loss prevalence", "Older age", "no_judgement", "%", "dsr", 100),
        (4, "Healthy life expectancy", "Older age", "high_is_good", "years",
         "life_expectancy", 1),
    ], columns=["indicator_id", "indicator_name", "domain", "polarity", "unit", "value_type",
                "multiplier"])


@pytest.fixture()
def indicators() -> pd.DataFrame:
    rows = []
    # 1: crude rate, no CIs in the file: counts 300..500 per 100,000 over 2015-2019 (rising,
    # low is good -> getting worse); 2019 = 500 per 100,000
    for year, count in zip(range(2015, 2020), (300, 350, 400, 450, 500), strict=True):
        rows.append(_row(1, "Alcohol-related admissions", AREA, year, count / 100_000 * 100_000,
                         count=count, denominator=100_000))
    for code, value in zip(COMPARATORS, (300.0, 350.0, 450.0, 600.0), strict=True):
        rows.append(_row(1, "Alcohol-related admissions", code, 2019, value))
    rows.append(_row(1, "Alcohol-related admissions", ENGLAND, 2019, 400.0, area_type="England",
                     parent_code=None))
    rows.append(_row(1, "Alcohol-related admissions", REGION, 2019, 480.0, area_type="Region",
                     parent_code=ENGLAND))
    # a deprivation-decile row for England, which the summary must ignore
    rows.append(_row(1, "Alcohol-related admissions", ENGLAND, 2019, 9999.0,
                     area_type="England", category_type="IMD decile"))
    # 2: proportion with CIs in the file; two periods only (no trend)
    rows.append(_row(2, "Dementia diagnosis rate", AREA, 2018, 63.0, ci95=(60.0, 66.0),
                     ci998=(58.0, 68.0), count=630, denominator=1000))
    rows.append(_row(2, "Dementia diagnosis rate", AREA, 2019, 65.0, ci95=(62.0, 67.9),
                     ci998=(60.1, 69.6), count=650, denominator=1000))
    rows.append(_row(2, "Dementia diagnosis rate", ENGLAND, 2019, 67.0, area_type="England"))
    rows.append(_row(2, "Dementia diagnosis rate", REGION, 2019, 70.0, area_type="Region"))
    # 3: no judgement, area above England at 99.8%
    rows.append(_row(3, "Hearing loss prevalence", AREA, 2019, 12.0, ci95=(11.0, 13.0),
                     ci998=(10.5, 13.5)))
    rows.append(_row(3, "Hearing loss prevalence", ENGLAND, 2019, 9.0, area_type="England"))
    # 4: healthy life expectancy, men, with localities (the seed's Bootle / Formby figures)
    rows.append(_row(4, "Healthy life expectancy", AREA, 2019, 60.0, ci95=(58.0, 62.0),
                     sex="Male"))
    rows.append(_row(4, "Healthy life expectancy", ENGLAND, 2019, 63.1, area_type="England",
                     sex="Male"))
    for code, name, value, ci in (("L1", "Bootle", 49.8, (46.1, 53.5)),
                                  ("L2", "Formby", 68.3, (64.9, 71.7)),
                                  ("L3", "Crosby", 61.0, (58.0, 64.0))):
        rows.append(_row(4, "Healthy life expectancy", code, 2019, value, ci95=ci, sex="Male",
                         area_type="Locality", parent_code=AREA, area_name=name))
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


@pytest.fixture()
def summary(indicators, metadata) -> pd.DataFrame:
    return jsna.indicator_summary(indicators, metadata, AREA, REGION, COMPARATORS)


def test_summary_orders_by_core_areas_and_takes_latest_period(summary):
    assert summary["indicator_id"].tolist() == [1, 4, 3, 2]
    assert summary["domain"].tolist() == ["Mental health and alcohol", "Older age", "Older age",
                                          "Preventive practice"]
    assert set(summary["period"]) == {"2019"}


def test_missing_cis_computed_with_byar_from_count(summary):
    row = summary.set_index("indicator_id").loc[1]
    # Byar: O (1 - 1/(9O) - z/(3 sqrt O))^3 and (O+1)(1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3,
    # O = 500, per 100,000 of 100,000 -> the limits are the count limits themselves
    assert row["value"] == pytest.approx(500.0)
    assert row["lower_ci_95"] == pytest.approx(457.127821, rel=1e-6)
    assert row["upper_ci_95"] == pytest.approx(545.809876, rel=1e-6)
    assert row["lower_ci_99_8"] == pytest.approx(433.731345, rel=1e-6)
    assert row["upper_ci_99_8"] == pytest.approx(573.036127, rel=1e-6)
    assert row["ci_source"] == "computed"


def test_file_cis_kept(summary):
    row = summary.set_index("indicator_id").loc[2]
    assert (row["lower_ci_95"], row["upper_ci_95"]) == (62.0, 67.9)
    assert row["ci_source"] == "file"


def test_comparisons_by_polarity_and_two_level_rule(summary):
    by_id = summary.set_index("indicator_id")
    # Fingertips' words, never a rank: Better / Similar / Worse (Higher / Lower without
    # polarity), the confidence level in its own column
    # low is good, England 400 below the 99.8% lower limit 433.7 -> Worse at 99.8%; region inside
    assert by_id.loc[1, "england_value"] == 400.0
    assert (by_id.loc[1, "compared_to_england"], by_id.loc[1, "england_confidence"]) == (
        "Worse", "99.8%")
    assert (by_id.loc[1, "compared_to_region"], by_id.loc[1, "region_confidence"]) == (
        "Similar", "")
    # England 67.0 inside 62.0-67.9 -> Similar; region 70.0 above 99.8% upper 69.6 (high is
    # good) -> Worse at 99.8%
    assert by_id.loc[2, "compared_to_england"] == "Similar"
    assert (by_id.loc[2, "compared_to_region"], by_id.loc[2, "region_confidence"]) == (
        "Worse", "99.8%")
    # no judgement: Higher; no region row -> Not compared
    assert by_id.loc[3, "compared_to_england"] == "Higher"
    assert by_id.loc[3, "compared_to_region"] == "Not compared"
    # no 99.8% limits in the file and none computable (life expectancy) -> 95% rule: Worse
    assert (by_id.loc[4, "compared_to_england"], by_id.loc[4, "england_confidence"]) == (
        "Worse", "95%")
    words = set(summary["compared_to_england"]) | set(summary["compared_to_region"])
    assert words <= {"Better", "Similar", "Worse", "Higher", "Lower", "Not compared"}
    assert not {"Best", "Worst"} & words


def test_better_at_95_only_and_at_99_8():
    row = pd.Series({"lower_ci_95": 10.0, "upper_ci_95": 12.0, "lower_ci_99_8": 9.0,
                     "upper_ci_99_8": 13.0})
    high = jsna.benchmark.Polarity.HIGH_IS_GOOD
    assert jsna._compare_two_level(row, 9.5, high) == ("Better", "95%")
    assert jsna._compare_two_level(row, 8.0, high) == ("Better", "99.8%")
    assert jsna._compare_two_level(row, 14.0, high) == ("Worse", "99.8%")
    assert jsna._compare_two_level(row, 11.0, high) == ("Similar", "")
    assert jsna._compare_two_level(row, 8.0, jsna.benchmark.Polarity.NO_JUDGEMENT) == (
        "Higher", "99.8%")


def test_trend_from_last_five_counts(summary):
    by_id = summary.set_index("indicator_id")
    assert by_id.loc[1, "recent_trend"] == "Increasing and getting worse"
    assert by_id.loc[2, "recent_trend"] == "Cannot be calculated"
    assert by_id.loc[1, "comparators_n"] == 5   # four comparators plus the area itself


def test_quartile_among_comparators(summary):
    by_id = summary.set_index("indicator_id")
    # 300, 350, 450, 500 (area), 600: Q1 350, Q2 450, Q3 500; 500 <= Q3 is the 2nd highest
    # quartile, and with low is good that is the 3rd quartile from best
    assert by_id.loc[1, "quartile"] == "3rd quartile"
    # fewer than 4 values among comparators
    assert by_id.loc[2, "quartile"] == "Not compared"


def test_red_red_and_headline_counts(summary):
    assert jsna.red_red(summary)["indicator"].tolist() == ["Alcohol-related admissions"]
    assert jsna.headline_counts(summary) == {
        "indicators_compared": 4,
        "significantly_worse_than_england": 2,
        "significantly_better_than_england": 0,
        "red_red": 1,
        "red_red_indicators": ["Alcohol-related admissions"],
    }


def test_chosen_period(indicators, metadata):
    summary = jsna.indicator_summary(indicators, metadata, AREA, REGION, COMPARATORS,
                                     period="2018")
    assert summary["indicator_id"].tolist() == [1, 2]
    assert summary.set_index("indicator_id").loc[2, "value"] == 63.0
    with pytest.raises(ValueError, match="no rows for area E08000014 in period 2001"):
        jsna.indicator_summary(indicators, metadata, AREA, REGION, COMPARATORS, period="2001")


def test_unknown_area_is_a_clear_error(indicators, metadata):
    with pytest.raises(ValueError, match="no rows for area E99999999"):
        jsna.indicator_summary(indicators, metadata, "E99999999", REGION, COMPARATORS)


def test_spine_chart_table_scaled_around_england(summary, indicators):
    spine = jsna.spine_chart_table(summary, indicators, COMPARATORS, area_code=AREA)
    row = spine.set_index("indicator_id").loc[1]
    # comparators 300, 350, 450, 500 (area), 600: min 300, P25 350, P75 500, max 600;
    # low is good so worst = 600, best = 300
    assert (row["worst"], row["q25"], row["q75"], row["best"]) == (600.0, 500.0, 350.0, 300.0)
    # half-width max(400-300, 600-400) = 200: x -> 1 - (x - 200) / 400
    assert row["england_scaled"] == pytest.approx(0.5)
    assert row["worst_scaled"] == pytest.approx(0.0)
    assert row["q25_scaled"] == pytest.approx(0.25)
    assert row["q75_scaled"] == pytest.approx(0.625)
    assert row["best_scaled"] == pytest.approx(0.75)
    assert row["area_scaled"] == pytest.approx(0.25)
    assert row["region_scaled"] == pytest.approx(0.3)
    # an indicator with one value among comparators: all at the centre scale, still drawn
    assert spine.set_index("indicator_id").loc[3, "comparators_n"] == 1


def test_trend_table(indicators, metadata):
    trend = jsna.trend_table(indicators, AREA, [1], metadata=metadata)
    assert trend["period"].tolist() == ["2015", "2016", "2017", "2018", "2019"]
    assert trend["value"].tolist() == pytest.approx([300, 350, 400, 450, 500])
    assert trend["benchmark_value"].iloc[-1] == 400.0
    assert trend["benchmark_value"].iloc[:4].isna().all()
    assert trend["compared_to_benchmark"].tolist() == ["Not compared"] * 4 + ["Worse"]
    assert trend["lower_ci_95"].iloc[-1] == pytest.approx(457.127821, rel=1e-6)


def test_locality_table(indicators, metadata):
    local = jsna.locality_table(indicators, AREA, 4, metadata=metadata)
    assert local["locality"].tolist() == ["Bootle", "Crosby", "Formby"]
    assert local["value"].tolist() == [49.8, 61.0, 68.3]
    assert local["area_value"].tolist() == [60.0, 60.0, 60.0]
    assert local["compared_to_area"].tolist() == ["Worse", "Similar", "Better"]
    assert jsna.locality_table(indicators, AREA, 1).empty


def test_asc_measures_as_value_only_indicators():
    measures = pd.DataFrame({
        "period": ["2019/20"] * 5 + ["2018/19"],
        "area_code": [AREA, *COMPARATORS, AREA],
        "area_name": ["Sefton", "A", "B", "C", "D", "Sefton"],
        "measure_code": ["ASC5"] * 6,
        "measure": ["Outcome, Outcome of short-term services: sequel to service"] * 6,
        "value": [85.3, 80.0, 82.0, 88.0, 90.0, 84.0],
        "median": [82.5] * 5 + [81.0],
        "mads_from_median": [0.5] * 6,
        "polarity": ["high_is_good"] * 6,
    })
    indicators, metadata = jsna.asc_measures_as_indicators(measures)
    assert metadata.loc[0, "domain"] == jsna.ASC_MEASURES_DOMAIN
    summary = jsna.indicator_summary(indicators, metadata, AREA, REGION, COMPARATORS)
    row = summary.iloc[0]
    assert row["indicator"] == "Outcome of short-term services: sequel to service"
    assert row["period"] == "2019/20"
    assert row["value"] == 85.3
    assert row["england_value"] == 82.5
    assert row["compared_to_england"] == "Not compared"
    assert row["comparators_n"] == 5
    assert jsna.headline_counts(summary)["indicators_compared"] == 0


def test_fill_missing_cis_wilson_for_proportions(metadata):
    rows = pd.DataFrame([_row(2, "Dementia diagnosis rate", AREA, 2019, 65.0, count=65,
                              denominator=100)], columns=INDICATOR_COLUMNS)
    filled = jsna.fill_missing_cis(rows, metadata).iloc[0]
    # Wilson 65/100 (PHEindicatormethods reference), times the multiplier 100
    assert filled["lower_ci_95"] == pytest.approx(55.2544, abs=1e-4)
    assert filled["upper_ci_95"] == pytest.approx(73.6358, abs=1e-4)
    assert filled["lower_ci_99_8"] == pytest.approx(49.5495, abs=1e-4)
    assert filled["upper_ci_99_8"] == pytest.approx(77.8354, abs=1e-4)
    assert filled["ci_source"] == "computed"
    # a life-expectancy row cannot be rebuilt from count and denominator
    le = pd.DataFrame([_row(4, "Healthy life expectancy", AREA, 2019, 60.0, count=10,
                            denominator=100)], columns=INDICATOR_COLUMNS)
    assert jsna.fill_missing_cis(le, metadata).iloc[0]["ci_source"] == "not available"


def test_core_area_matches_shortened_domain_names():
    assert jsna.core_area_position("Cardiovascular, stroke and kidney") == 1
    assert jsna.core_area_position("older age") == 2
    assert jsna.core_area_position("Life expectancy") == len(jsna.CORE_AREAS)
    assert jsna.core_area_position(None) == len(jsna.CORE_AREAS)


def test_latest_is_the_default_period(indicators, metadata, summary):
    latest = jsna.indicator_summary(indicators, metadata, AREA, REGION, COMPARATORS,
                                    period="latest")
    pd.testing.assert_frame_equal(latest, summary)


def test_impossible_counts_give_no_computed_trend(indicators, metadata):
    broken = indicators.copy()
    dementia_area = (broken["indicator_id"] == 2) & (broken["area_code"] == AREA)
    broken.loc[dementia_area, "count"] = 5000.0   # above the denominator of 1000
    summary = jsna.indicator_summary(broken, metadata, AREA, REGION, COMPARATORS)
    assert summary.set_index("indicator_id").loc[2, "recent_trend"] == jsna.CANNOT_CALCULATE


def test_trend_selection_red_red_first_then_named(summary):
    # indicator 1 is red-red (worse than England, rising and low is good)
    assert jsna.trend_selection(summary) == [(1, "Persons")]
    assert jsna.trend_selection(summary, ["dementia diagnosis rate", 1]) == [
        (1, "Persons"), (2, "Persons")]
    with pytest.raises(ValueError, match="no indicator 'nonsense'.*2 \\(Dementia"):
        jsna.trend_selection(summary, ["nonsense"])


def test_summary_and_trend_sentences(summary):
    counts = jsna.headline_counts(summary)
    text = jsna_text.summary(counts, "Sefton", 5, illustrative=True)
    assert text.startswith(f"Of the {counts['indicators_compared']} indicators that can be "
                           "compared with England (illustrative indicator data), Sefton is Worse "
                           f"than England on {counts['significantly_worse_than_england']} and "
                           f"Better on {counts['significantly_better_than_england']}")
    assert "1 indicator(s) are **red-red**" in text and "Alcohol-related admissions" in text
    assert "among 5 councils" in text
    assert "Best" not in text and "Worst" not in text
    assert "Alcohol-related admissions" in jsna_text.trend_selection([(1, "Persons")], summary)
    assert jsna_text.trend_selection([], summary).startswith("No indicator is red-red")


def test_locality_sentence(indicators, metadata):
    locality = jsna.locality_table(indicators, AREA, 4, metadata=metadata)
    text = jsna_text.locality(locality, "Sefton", "Healthy life expectancy", illustrative=True)
    assert text.startswith("Healthy life expectancy by locality in Sefton (")
    assert "from 49.8 in Bootle (95% CI 46.1 to 53.5) to 68.3 in Formby" in text
    assert "a gap of 18.5 (the intervals do not overlap)" in text
    empty = jsna.locality_table(indicators, "E08000015", 4, metadata=metadata)
    no_localities = jsna_text.locality(empty, "Wirral", "Healthy life expectancy",
                                       illustrative=True)
    assert "hold no figures by locality for Wirral" in no_localities
    assert "Bootle" not in no_localities and "Formby" not in no_localities


def test_period_is_a_financial_year():
    labels = pd.Series(["2019/20", "2017 - 19", "2020", "2015 Q1", "odd"])
    assert jsna.period_end(labels).dt.strftime("%Y-%m-%d").fillna("NaT").tolist() == [
        "2020-03-31", "2019-12-31", "2020-12-31", "2015-03-31", "NaT"]
    frame = pd.DataFrame({"area_code": AREA, "period": ["2018/19", "2017 - 19", "2019 - 21"]})
    # 2017 - 19 ends in December 2019 (2019/20); 2019 - 21 in December 2021 (2021/22)
    assert jsna.held_periods(frame, AREA) == ["2018/19", "2019/20", "2021/22"]


def test_asc_measures_summary_quartiles_among_comparators():
    rows = []
    for code, value in zip([AREA, *COMPARATORS], (8.0, 6.0, 7.0, 9.0, 10.0), strict=True):
        rows.append({"period": "2022/23", "area_code": code, "area_name": code,
                     "measure_code": "ASC1", "measure": "ASC Carer Quality of Life",
                     "value": value, "median": 7.5, "mads_from_median": 0.0,
                     "polarity": "high_is_good"})
        rows.append({"period": "2021/22", "area_code": code, "area_name": code,
                     "measure_code": "ASC1", "measure": "ASC Carer Quality of Life",
                     "value": 1.0, "median": 7.5, "mads_from_median": 0.0,
                     "polarity": "high_is_good"})
    table = jsna.asc_measures_summary(pd.DataFrame(rows), AREA, COMPARATORS)
    row = table.iloc[0]
    assert (row["period"], row["value"], row["england_value"]) == ("2022/23", 8.0, 7.5)
    assert row["comparators_n"] == 5
    assert (row["comparators_min"], row["comparators_median"], row["comparators_max"]) == (
        6.0, 8.0, 10.0)
    assert row["quartile"] == "3rd quartile"


def test_indicator_info_and_manifest_headlines(metadata, summary):
    assert jsna.indicator_info(metadata, "4")["unit"] == "years"
    with pytest.raises(ValueError, match="no indicator 99"):
        jsna.indicator_info(metadata, 99)
    headlines = jsna.manifest_headlines(summary)
    assert headlines["red_red_indicators"] == "Alcohol-related admissions"


def test_financial_year_takes_each_indicator_at_its_latest_period_ending_by_it(indicators,
                                                                                  metadata):
    # calendar-year periods "2015".."2019" end on 31 December: 2018/19 (to 31 March 2019)
    # holds 2018 at the latest, 2019/20 holds 2019
    at_2018_19 = jsna.indicator_summary(indicators, metadata, AREA, REGION, COMPARATORS,
                                        period="2018/19")
    assert set(at_2018_19["period"]) == {"2018"}
    at_2019_20 = jsna.indicator_summary(indicators, metadata, AREA, REGION, COMPARATORS,
                                        period="2019/20")
    assert set(at_2019_20["period"]) == {"2019"}
    with pytest.raises(ValueError, match="no rows for area E08000014 ending by the end of "
                                         "2001/02"):
        jsna.indicator_summary(indicators, metadata, AREA, REGION, COMPARATORS,
                               period="2001/02")


def test_key_messages_say_real_or_illustrative(summary):
    counts = jsna.headline_counts(summary)
    asc = pd.DataFrame({"quartile": ["Best quartile", "Worst quartile", "2nd quartile"]})
    messages = jsna_text.key_messages(counts, asc, area_name="Sefton", period="2021/22",
                                      illustrative=True)
    assert messages[0] == (
        f"As at 2021/22, Sefton is Worse than England on "
        f"{counts['significantly_worse_than_england']} and Better on "
        f"{counts['significantly_better_than_england']} of {counts['indicators_compared']} "
        "compared indicators (illustrative data).")
    assert messages[2] == ("On the Oflog adult social care measures, Sefton is in the best "
                           "quartile of its comparators on 1 and the worst on 1 of 3 (real "
                           "data).")
