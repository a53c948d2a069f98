"""Covid impact analysis on small hand-made tables with known answers."""

from __future__ import annotations

import pandas as pd
import pytest

from asclib.analyses import covid
from asclib.narrative import covid as covid_text

AREA, NEIGHBOUR, ENGLAND = "E08000014", "E08000011", "E92000001"

# all-cause deaths, weeks 1-3, baseline years 2015-2019, then 2020
BASELINE = {1: (100, 110, 90, 105, 95), 2: (80, 85, 90, 95, 100), 3: (70, 70, 70, 70, 70)}
YEAR_2020 = {1: 120, 2: 150, 3: 65}


def _weekly_rows(area_code: str, scale: float = 1.0) -> list[dict]:
    rows = []
    for week, values in BASELINE.items():
        for year, deaths in zip(range(2015, 2020), values, strict=True):
            rows.append({"area_code": area_code, "year": year, "week": week,
                         "cause": "all_causes", "place": "all", "deaths": deaths * scale,
                         "basis": "registrations", "illustrative": True})
    for week, deaths in YEAR_2020.items():
        rows.append({"area_code": area_code, "year": 2020, "week": week, "cause": "all_causes",
                     "place": "all", "deaths": deaths * scale, "basis": "registrations",
                     "illustrative": True})
    return rows


# Covid deaths by place, split over two weeks: area 18 / 75 / 5 / 1 / 0 / 1 of 100
AREA_COVID = {"care_home": (10, 8), "hospital": (40, 35), "home": (3, 2), "hospice": (1, 0),
              "other_communal": (0, 0), "elsewhere": (0, 1)}
ENGLAND_COVID = {"care_home": 290, "hospital": 650, "home": 40, "hospice": 10,
                 "other_communal": 5, "elsewhere": 5}


@pytest.fixture()
def weekly_deaths() -> pd.DataFrame:
    rows = _weekly_rows(AREA) + _weekly_rows(ENGLAND, scale=100)
    for place, per_week in AREA_COVID.items():
        for week, deaths in zip((14, 15), per_week, strict=True):
            rows.append({"area_code": AREA, "year": 2020, "week": week, "cause": "covid19",
                         "place": place, "deaths": deaths, "basis": "registrations",
                         "illustrative": True})
    for place, deaths in ENGLAND_COVID.items():
        rows.append({"area_code": ENGLAND, "year": 2020, "week": 14, "cause": "covid19",
                     "place": place, "deaths": deaths, "basis": "registrations",
                     "illustrative": True})
    return pd.DataFrame(rows)


def test_weekly_excess_against_five_year_mean(weekly_deaths):
    weekly = covid.weekly_excess(weekly_deaths, AREA, 2020)
    assert weekly["week"].tolist() == [1, 2, 3]
    assert weekly["deaths"].tolist() == [120, 150, 65]
    assert weekly["baseline_mean"].tolist() == [100, 90, 70]
    assert weekly["expected_min"].tolist() == [90, 80, 70]
    assert weekly["expected_max"].tolist() == [110, 100, 70]
    assert weekly["excess"].tolist() == [20, 60, -5]
    assert weekly["baseline_years_used"].tolist() == [5, 5, 5]


def test_shorter_baseline_is_a_parameter(weekly_deaths):
    weekly = covid.weekly_excess(weekly_deaths, AREA, 2020, baseline_years=2)
    # 2018 and 2019 only: week 1 (105 + 95) / 2 = 100, week 2 (95 + 100) / 2 = 97.5
    assert weekly["baseline_mean"].tolist() == [100, 97.5, 70]


def test_week_53_uses_week_52_baseline():
    rows = [{"area_code": AREA, "year": y, "week": 52, "cause": "all_causes", "place": "all",
             "deaths": 100 + y - 2015} for y in range(2015, 2020)]
    rows += [{"area_code": AREA, "year": 2020, "week": w, "cause": "all_causes", "place": "all",
              "deaths": d} for w, d in ((52, 110), (53, 130))]
    weekly = covid.weekly_excess(pd.DataFrame(rows), AREA, 2020)
    assert weekly["baseline_mean"].tolist() == [102, 102]
    assert weekly["excess"].tolist() == [8, 28]
    assert "week 52" in weekly["baseline_note"].iloc[1]


def test_missing_baseline_year_is_a_clear_error(weekly_deaths):
    with pytest.raises(ValueError, match=r"in year\(s\) 2014"):
        covid.weekly_excess(weekly_deaths, AREA, 2020, baseline_years=6)


def test_excess_summary_with_poisson_interval(weekly_deaths):
    summary = covid.excess_summary(covid.weekly_excess(weekly_deaths, AREA, 2020)).iloc[0]
    assert summary["observed"] == 335
    assert summary["expected"] == 260
    assert summary["excess_deaths"] == 75
    assert summary["excess_pct"] == pytest.approx(100 * 75 / 260)   # 28.846%
    # Byar limits on O = 335: 300.082165 and 372.865029, over E = 260, minus 1
    assert summary["excess_pct_lower_95"] == pytest.approx(100 * (300.082165 / 260 - 1),
                                                           rel=1e-6)
    assert summary["excess_pct_upper_95"] == pytest.approx(100 * (372.865029 / 260 - 1),
                                                           rel=1e-6)
    assert summary["compared_to_expected"] == "Higher"
    assert summary["weeks"] == "1-3"


def test_excess_summary_over_chosen_weeks(weekly_deaths):
    summary = covid.excess_summary(covid.weekly_excess(weekly_deaths, AREA, 2020),
                                   weeks=[2, 3]).iloc[0]
    assert (summary["observed"], summary["expected"], summary["excess_deaths"]) == (215, 160, 55)
    assert summary["weeks"] == "2-3"


def test_excess_comparison_area_and_benchmark(weekly_deaths):
    table = covid.excess_comparison(weekly_deaths, AREA, ENGLAND, 2020)
    assert table["role"].tolist() == ["area", "benchmark"]
    assert table["excess_deaths"].tolist() == [75, 7500]
    assert table["excess_pct"].tolist() == pytest.approx([28.846154, 28.846154], rel=1e-6)
    # the larger count gives the narrower interval
    widths = table["excess_pct_upper_95"] - table["excess_pct_lower_95"]
    assert widths.iloc[1] < widths.iloc[0] / 5


def test_covid_deaths_by_place_shares_with_wilson(weekly_deaths):
    table = covid.covid_deaths_by_place(weekly_deaths, AREA, ENGLAND, 2020).set_index("place")
    assert table.loc["care_home", "deaths"] == 18
    assert table.loc["hospital", "deaths"] == 75
    assert table["deaths"].sum() == 100
    assert table.loc["care_home", "share"] == pytest.approx(0.18)
    assert table.loc["hospital", "share"] == pytest.approx(0.75)
    # Wilson 18/100: 0.117002 - 0.266674; 75/100: 0.656955 - 0.824548
    assert table.loc["care_home", "share_lower_95"] == pytest.approx(0.117002255, rel=1e-6)
    assert table.loc["care_home", "share_upper_95"] == pytest.approx(0.266673584, rel=1e-6)
    assert table.loc["hospital", "share_lower_95"] == pytest.approx(0.656955365, rel=1e-6)
    assert table.loc["care_home", "benchmark_share"] == pytest.approx(0.29)
    assert table.loc["hospital", "benchmark_share"] == pytest.approx(0.65)
    assert table.loc["care_home", "compared"] == "Lower"
    assert table.loc["hospital", "compared"] == "Higher"
    assert table.loc["home", "compared"] == "Similar"
    assert table.loc["other_communal", "share"] == 0


def test_covid_deaths_by_place_benchmark_from_england_table(weekly_deaths):
    england = pd.DataFrame({"area_code": ENGLAND, "period": "2020 to week 39", "cause": "covid19",
                            "place": list(ENGLAND_COVID), "deaths": [x * 3 for x in
                                                                     ENGLAND_COVID.values()]})
    table = covid.covid_deaths_by_place(weekly_deaths, AREA, ENGLAND, 2020,
                                        benchmark_by_place=england).set_index("place")
    assert table.loc["care_home", "benchmark_deaths"] == 870
    assert table.loc["care_home", "benchmark_share"] == pytest.approx(0.29)


def _care_home_table() -> pd.DataFrame:
    sefton = (754, 671, 684, 702, 748, 946, 756)      # ONS, Sefton, 2015-2021
    other = (500, 500, 500, 500, 500, 700, 450)       # made up
    wales = (100, 100, 100, 100, 100, 900, 100)       # must not count towards England
    rows = []
    for code, name, values in ((AREA, "Sefton", sefton), (NEIGHBOUR, "Knowsley", other),
                               ("W06000001", "Isle of Anglesey", wales)):
        for year, deaths in zip(range(2015, 2022), values, strict=True):
            rows.append({"area_code": code, "area_name": name, "year": year,
                         "la_care_homes": 0, "non_la_care_homes": deaths,
                         "all_care_homes": deaths})
    return pd.DataFrame(rows)


def test_care_home_excess_sefton_real_figures():
    table = covid.care_home_excess_by_year(_care_home_table(), [AREA, NEIGHBOUR, ENGLAND])
    sefton_2020 = table[(table["area_code"] == AREA) & (table["year"] == 2020)].iloc[0]
    assert sefton_2020["baseline_mean"] == pytest.approx(711.8)
    assert sefton_2020["deaths"] == 946
    assert sefton_2020["excess"] == pytest.approx(234.2)
    assert sefton_2020["excess_pct"] == pytest.approx(100 * 234.2 / 711.8)   # 32.9%
    sefton_2021 = table[(table["area_code"] == AREA) & (table["year"] == 2021)].iloc[0]
    assert sefton_2021["excess"] == pytest.approx(44.2)
    # Knowsley +40% ranks above Sefton +32.9% in 2020; England is not ranked
    ranks = table[table["year"] == 2020].set_index("area_code")["rank"]
    assert ranks[NEIGHBOUR] == 1 and ranks[AREA] == 2 and pd.isna(ranks[ENGLAND])
    england_2020 = table[(table["area_code"] == ENGLAND) & (table["year"] == 2020)].iloc[0]
    assert england_2020["deaths"] == 946 + 700
    assert england_2020["baseline_mean"] == pytest.approx(711.8 + 500)


def test_care_home_excess_missing_area():
    with pytest.raises(ValueError, match="no rows for area.*E08000099"):
        covid.care_home_excess_by_year(_care_home_table(), [AREA, "E08000099"])


@pytest.fixture()
def outbreaks() -> pd.DataFrame:
    return pd.DataFrame({
        "area_code": AREA,
        "home_id": ["H1", "H2", "H3", "H4"],
        "home_name": ["One", "Two", "Three", "Four"],
        "date_declared": pd.to_datetime(["2021-01-10", "2021-01-20", "2021-01-31",
                                         "2021-02-01"]),
        "date_closed": pd.to_datetime(["2021-01-25", None, "2021-02-10", None]),
        "resident_cases": [5, 10, 1, 2],
        "staff_cases": [3, 4, 0, 2],
    })


def test_outbreak_state_on_a_date(outbreaks):
    # 31 Jan: H1 closed on the 25th, H2 open, H3 declared that day, H4 not yet declared
    assert covid.outbreak_state(outbreaks, "2021-01-31") == {
        "homes_with_open_outbreak": 2, "resident_cases": 11, "staff_cases": 4,
        "homes_with_single_case": 1}
    # closed on the day itself no longer counts
    assert covid.outbreak_state(outbreaks, "2021-01-25")["homes_with_open_outbreak"] == 1


def test_outbreak_timeline_weekly(outbreaks):
    timeline = covid.outbreak_timeline(outbreaks, "2021-01-01", "2021-02-14")
    assert timeline["date"].dt.strftime("%m-%d").tolist() == [
        "01-03", "01-10", "01-17", "01-24", "01-31", "02-07", "02-14"]
    assert timeline["homes_with_open_outbreak"].tolist() == [0, 1, 1, 2, 2, 3, 2]
    assert timeline["resident_cases"].tolist() == [0, 5, 5, 15, 11, 13, 12]
    assert timeline["staff_cases"].tolist() == [0, 3, 3, 7, 4, 6, 6]


def test_outbreak_timeline_matches_outbreak_state_every_week():
    """The vectorised timeline agrees with outbreak_state date by date on the bundled logs of
    every council (several outbreaks of one home, open and closed ones), per area."""
    from asclib.data import open_data

    log = open_data().table("care_home_outbreaks")
    assert len(log) > 100
    for area in sorted(log["area_code"].unique())[:6]:
        timeline = covid.outbreak_timeline(log, area_code=area)
        assert len(timeline) > 4
        for row in timeline.itertuples():
            state = covid.outbreak_state(log, row.date, area)
            assert (row.homes_with_open_outbreak, row.resident_cases, row.staff_cases) == (
                state["homes_with_open_outbreak"], state["resident_cases"],
                state["staff_cases"]), (area, row.date)


def test_outbreak_timeline_skips_rows_without_a_home(outbreaks):
    no_home = outbreaks.iloc[[0]].assign(home_id=None, resident_cases=50)
    timeline = covid.outbreak_timeline(pd.concat([outbreaks, no_home]), "2021-01-01",
                                       "2021-02-14")
    assert timeline["resident_cases"].tolist() == [0, 5, 5, 15, 11, 13, 12]


def test_headlines(weekly_deaths, outbreaks):
    excess = covid.excess_comparison(weekly_deaths, AREA, ENGLAND, 2020)
    by_place = covid.covid_deaths_by_place(weekly_deaths, AREA, ENGLAND, 2020)
    care = covid.care_home_excess_by_year(_care_home_table(), [AREA, NEIGHBOUR])
    result = covid.headlines(excess=excess, by_place=by_place, care_home_excess=care,
                             area_code=AREA,
                             outbreaks_now=covid.outbreak_state(outbreaks, "2021-01-31"))
    assert result == pytest.approx({
        "excess_deaths": 75.0, "excess_deaths_pct": 28.8461538,
        "covid_deaths": 100.0, "covid_deaths_care_home_share": 0.18,
        "covid_deaths_hospital_share": 0.75, "benchmark_care_home_share": 0.29,
        "benchmark_hospital_share": 0.65, "care_home_deaths_2020": 946.0,
        "care_home_deaths_baseline": 711.8, "care_home_excess_deaths_2020": 234.2,
        "homes_with_open_outbreak": 2, "outbreak_single_case_homes": 1,
        "excess_deaths_source": covid.EXCESS_SOURCE_WEEKLY_ILLUSTRATIVE})


def test_headline_excess_comes_from_the_real_monthly_registrations(weekly_deaths):
    monthly = pd.DataFrame(_monthly_rows(AREA, "Sefton"))
    monthly_excess = covid.monthly_excess_comparison(monthly, AREA, ENGLAND, 2020)
    weekly = covid.excess_comparison(weekly_deaths, AREA, ENGLAND, 2020)
    heads = covid.headlines(excess=weekly, monthly=monthly_excess)
    assert heads["excess_deaths_source"] == "ONS monthly death registrations (real)"
    assert heads["excess_deaths"] == float(monthly_excess.loc[0, "excess_deaths"])
    assert heads["excess_deaths"] != float(weekly.loc[0, "excess_deaths"])
    # no monthly coverage: the weekly figure, its source named
    empty = covid.monthly_excess_comparison(monthly, "E08000012", ENGLAND, 2020)
    assert covid.headlines(excess=weekly, monthly=empty, weekly_illustrative=False) == {
        "excess_deaths": 75.0, "excess_deaths_pct": pytest.approx(28.8461538),
        "excess_deaths_source": "ONS weekly death registrations (real)"}


def test_period_is_a_financial_year_and_monthly_coverage(weekly_deaths):
    assert covid.calendar_year("2020/21") == 2020
    with pytest.raises(ValueError, match="financial year"):
        covid.calendar_year("2020")
    monthly = pd.DataFrame(_monthly_rows(AREA, "Sefton"))
    assert covid.monthly_covers(monthly, AREA, 2020)
    assert not covid.monthly_covers(monthly, AREA, 2019)  # 2014 is not held
    assert not covid.monthly_covers(monthly, "E08000012", 2020)


def test_unknown_place_is_a_clear_error(weekly_deaths):
    england = pd.DataFrame({"area_code": ENGLAND, "period": "2020", "cause": "covid19",
                            "place": ["Care home", "hospital"], "deaths": [1, 2]})
    with pytest.raises(ValueError, match="england_deaths_by_place' has place.*Care home"):
        covid.covid_deaths_by_place(weekly_deaths, AREA, ENGLAND, 2020,
                                    benchmark_by_place=england)


def test_outbreak_state_for_one_area(outbreaks):
    other = outbreaks.assign(area_code="E08000011", home_id=lambda f: "X" + f["home_id"])
    both = pd.concat([outbreaks, other], ignore_index=True)
    assert covid.outbreak_state(both, "2021-01-31")["homes_with_open_outbreak"] == 4
    assert covid.outbreak_state(both, "2021-01-31", area_code=AREA)["resident_cases"] == 11


def _monthly_rows(area_code: str, area_name: str, scale: float = 1.0) -> list[dict]:
    rows = []
    for year in range(2015, 2021):
        for month, deaths in ((1, 100.0), (2, 80.0)):
            value = deaths + (year - 2017) * 10 if year < 2020 else deaths * 1.5
            rows.append({"area_code": area_code, "area_name": area_name, "year": year,
                         "month": month, "deaths": value * scale})
    return rows


def test_monthly_excess_and_comparison():
    monthly = pd.DataFrame(_monthly_rows(AREA, "Sefton") + _monthly_rows(ENGLAND, "England",
                                                                          100))
    table = covid.monthly_excess(monthly, AREA, 2020)
    # baseline Jan: 80, 90, 100, 110, 120 -> mean 100, range 80-120; 2020 Jan = 150
    assert table.loc[0, ["deaths", "baseline_mean", "expected_min", "expected_max",
                         "excess"]].tolist() == [150.0, 100.0, 80.0, 120.0, 50.0]
    comparison = covid.monthly_excess_comparison(monthly, AREA, ENGLAND, 2020)
    area = comparison.iloc[0]
    assert (area["role"], area["months"], area["observed"], area["expected"]) == (
        "area", "1-2", 270.0, 180.0)
    assert area["excess_pct"] == pytest.approx(50.0)
    assert area["excess_pct_lower_95"] > 0 and area["compared_to_expected"] == "Higher"
    assert comparison.iloc[1]["observed"] == 27000.0
    assert covid.monthly_excess_comparison(monthly, "E08000012", ENGLAND, 2020).empty
    with pytest.raises(ValueError, match="no deaths for area E08000014 in year\\(s\\) 2014"):
        covid.monthly_excess(monthly, AREA, 2019, baseline_years=5)


def test_monthly_coverage_note_names_no_other_council():
    monthly = pd.DataFrame(_monthly_rows(AREA, "Sefton"))
    assert covid_text.monthly_coverage(monthly, AREA, "Sefton") == (
        "The real ONS monthly registrations cover Sefton, so excess deaths are measured on them.")
    note = covid_text.monthly_coverage(monthly, "E06000001", "Hartlepool")
    assert "no figures for Hartlepool" in note and "Sefton" not in note


def test_care_home_excess_by_place(weekly_deaths):
    rows = weekly_deaths[weekly_deaths["cause"] == "all_causes"].copy()
    rows["place"] = "care_home"
    table = covid.excess_comparison(pd.concat([weekly_deaths, rows]), AREA, ENGLAND, 2020,
                                    place="care_home")
    assert table.loc[0, "observed"] == 335.0 and table.loc[1, "observed"] == 33500.0


def test_excess_sentence(weekly_deaths):
    comparison = covid.excess_comparison(weekly_deaths, AREA, ENGLAND, 2020)
    text = covid_text.excess(comparison, "Sefton", "England",
                             illustrative={AREA: True, ENGLAND: False})
    assert text.startswith("**Sefton** (weeks 1-3 of 2020, illustrative weekly registrations): "
                           "335 deaths against 260 expected, an excess of +75 (+28.8%, 95% CI")
    assert "**England** (weeks 1-3 of 2020, real weekly registrations): 33,500" in text


def test_places_sentence_and_benchmark_note(weekly_deaths):
    england = pd.DataFrame({"area_code": ENGLAND, "period": "2020 weeks 1-39",
                            "cause": "covid19", "place": list(PLACES_ENGLAND),
                            "deaths": list(PLACES_ENGLAND.values())})
    by_place = covid.covid_deaths_by_place(weekly_deaths, AREA, ENGLAND,
                                           benchmark_by_place=england)
    text = covid_text.places(by_place, "Sefton", "England", illustrative=True,
                             published={"covid_care_home_share": 0.18,
                                        "covid_hospital_share": 0.75})
    assert text.startswith("Sefton's illustrative weekly records show 100 Covid-19 deaths. 18% "
                           "died in care homes")
    assert "The council's published figures are 18% in care homes and 75% in hospital." in text
    note = covid_text.benchmark_published(by_place, "England", 0.29, 0.65, document="the MPS")
    assert note.startswith("The MPS quotes 29% of England's Covid-19 deaths in care homes")
    assert "give 29.7% and 63.3%" in note
    assert "plus hospice (1.5%) deaths make 64.8%" in note
    assert "29.7% quoted as 29%" in note
    assert covid_text.benchmark_published(by_place, "England", None, None, document="x") == ""


# the real ONS England figures for 2020 weeks 1-39 (Covid-19 deaths by place of occurrence)
PLACES_ENGLAND = {"care_home": 14888, "hospital": 31784, "home": 2378, "hospice": 741,
                  "other_communal": 211, "elsewhere": 193}


def test_region_benchmark_falls_back_to_weekly_table(weekly_deaths):
    england = pd.DataFrame({"area_code": ENGLAND, "period": "2020", "cause": "covid19",
                            "place": ["care_home"], "deaths": [1.0]})
    by_place = covid.covid_deaths_by_place(weekly_deaths, AREA, ENGLAND, year=2020,
                                           benchmark_by_place=england.assign(area_code="X"))
    assert by_place.set_index("place").loc["care_home", "benchmark_share"] == pytest.approx(0.29)


def test_care_home_sentence():
    table = covid.care_home_excess_by_year(_care_home_table(), [AREA, NEIGHBOUR, ENGLAND])
    text = covid_text.care_home(table, AREA, 2020, ENGLAND)
    assert "In 2020, 946 people died in care homes in Sefton (real ONS figures)" in text
    assert "against a mean of 711.8 a year in 2015-2019: +234.2 deaths" in text


def test_outbreak_state_table_sentence_and_default_timeline(outbreaks):
    state = covid.outbreak_state(outbreaks, "2021-01-31")
    table = covid.outbreak_state_table(state, "2021-01-31", {"outbreak_homes_jan_2021": 2.0})
    assert table["value"].tolist() == [2, 1, 11, 4]
    assert table.loc[0, "published"] == 2.0 and table["published"].isna().sum() == 3
    assert covid_text.outbreaks(state, "2021-01-31", "Wirral", illustrative=True) == (
        "Wirral's illustrative outbreak log shows 2 care homes with an open outbreak on 31 "
        "January 2021 (1 of them with a single case so far), with 11 resident and 4 staff "
        "cases.")
    timeline = covid.outbreak_timeline(outbreaks)
    assert timeline["date"].iloc[0] == pd.Timestamp("2021-01-10")
    assert timeline["date"].iloc[-1] == pd.Timestamp("2021-02-14")


def test_published_figures_only_for_the_area():
    seeds = pd.DataFrame({"figure_id": ["covid_care_home_share", "other"], "value": [0.18, 1.0],
                          "area_code": AREA})
    assert covid.published_figures(seeds, AREA, ["covid_care_home_share"]) == {
        "covid_care_home_share": 0.18}
    assert covid.published_figures(seeds, NEIGHBOUR, ["covid_care_home_share"]) == {}


def test_document_quotes_only_in_the_documents_own_council():
    seeds = pd.DataFrame({
        "figure_id": ["covid_care_home_share", "covid_care_home_share_england",
                      "covid_hospital_share_england"],
        "value": [0.18, 0.29, 0.65], "area_code": [AREA, ENGLAND, ENGLAND],
        "document": ["Sefton MPS"] * 3})
    ids = ["covid_care_home_share_england", "covid_hospital_share_england"]
    assert covid.document_quotes(seeds, AREA, ids) == (
        {"covid_care_home_share_england": 0.29, "covid_hospital_share_england": 0.65},
        "Sefton MPS")
    assert covid.document_quotes(seeds, "E08000012", ids) == ({}, "")


def test_care_home_codes_drop_councils_without_complete_years():
    table = _care_home_table()
    codes = covid.care_home_codes(table, [AREA, NEIGHBOUR, "E10000016", ENGLAND], (2020,))
    assert codes == [AREA, NEIGHBOUR, ENGLAND]


def test_key_messages_say_real_or_illustrative():
    heads = {"excess_deaths": 738.2, "excess_deaths_pct": 22.60395615,
             "excess_deaths_source": covid.EXCESS_SOURCE_MONTHLY,
             "care_home_deaths_2020": 946.0, "care_home_deaths_baseline": 711.8,
             "homes_with_open_outbreak": 43, "outbreak_single_case_homes": 6}
    messages = covid_text.key_messages(area_name="Sefton", year=2020, heads=heads,
                                       weekly_illustrative=True, outbreaks_illustrative=True,
                                       outbreak_date="2021-01-31")
    assert messages == [
        "Sefton registered +738 deaths above the usual level in 2020 (+22.6%; source: ONS "
        "monthly death registrations (real); real data).",
        "946 people died in Sefton's care homes in 2020, against 711.8 a year in 2015-2019 "
        "(real ONS data).",
        "On 31 January 2021, 43 care homes had an open outbreak, 6 of them with a single case "
        "(illustrative data).",
    ]


@pytest.mark.parametrize("county, districts, deaths_2020", [("E10000016", 12, 4224)])
def test_county_care_home_deaths_are_the_sum_of_their_districts(county, districts, deaths_2020):
    """Kent's 2020 care-home deaths: the real ONS figures of its 12 districts added up (4,224),
    a county row for every year all districts hold, and nothing changed for other areas."""
    from asclib.paths import RAW_DATA_DIR
    from asclib.sources.la_lookup import load_lookup
    from asclib.sources.published import load_care_home_deaths_csv

    deaths = load_care_home_deaths_csv(RAW_DATA_DIR / "published" / "care_home_deaths_by_la.csv")
    lookup = load_lookup(RAW_DATA_DIR / "lookups" / "local_authorities.csv")
    assert (lookup["county_code"] == county).sum() == districts
    out = covid.with_county_totals(deaths, lookup)
    kent = out[out["area_code"] == county].set_index("year")
    assert kent.loc[2020, "all_care_homes"] == deaths_2020
    assert kent.loc[2020, "area_name"] == "Kent"
    assert len(kent) == deaths["year"].nunique()
    assert out.iloc[: len(deaths)].equals(deaths)
    again = covid.with_county_totals(out, lookup)  # counties already held: nothing added
    assert len(again) == len(out)
