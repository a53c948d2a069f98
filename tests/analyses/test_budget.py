"""Budget breakdown analyses on a small hand-made ledger whose answers are worked out by hand.

The ledger (2020/21, £m, gross / income):
  Long-term residential  Physical support             65+    30.0 / 12.0
  Long-term residential  Learning disability support  18-64  10.0 /  3.0
  Long-term nursing      Physical support             65+    13.4 /  6.0
  Home care              Physical support             65+    20.0 /  5.0
  Supported living       Learning disability support  18-64  34.3 / 10.0
  Assessment and care management  (blank)             18-64  20.0 /  2.6
  Other                           (blank)             65+    25.6 / 20.0
  total                                                     153.3 / 58.6 -> net 94.7
Care packages = 153.3 - 20.0 - 25.6 = 107.7; care homes = 30 + 10 + 13.4 = 53.4, of which
18-64 = 10.0 (share 0.18727); residential + nursing share of packages = 53.4 / 107.7.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from asclib.analyses import budget
from asclib.narrative import budget as budget_text

AREA = "E08000014"
PERIOD = "2020/21"
M = 1e6

LEDGER_ROWS = [
    ("CC1", "Long-term residential", "Physical support", "65+", 30.0, 12.0),
    ("CC2", "Long-term residential", "Learning disability support", "18-64", 10.0, 3.0),
    ("CC3", "Long-term nursing", "Physical support", "65+", 13.4, 6.0),
    ("CC4", "Home care", "Physical support", "65+", 20.0, 5.0),
    ("CC5", "Supported living", "Learning disability support", "18-64", 34.3, 10.0),
    ("CC6", "Assessment and care management", None, "18-64", 20.0, 2.6),
    ("CC7", "Other", None, "65+", 25.6, 20.0),
]


def make_ledger(period: str = PERIOD, scale: float = 1.0, extra_gross_cc4: float = 0.0
                ) -> pd.DataFrame:
    rows = []
    for cc, service, reason, age, gross, income in LEDGER_ROWS:
        gross_gbp = gross * M * scale + (extra_gross_cc4 * M if cc == "CC4" else 0.0)
        rows.append({"area_code": AREA, "period": period, "cost_centre": cc,
                     "service_type": service, "primary_support_reason": reason,
                     "age_band": age, "gross_gbp": gross_gbp, "income_gbp": income * M})
    return pd.DataFrame(rows)


def seed(figure_id: str, value: float, period: str = PERIOD, area: str = AREA,
         section: str = "5. Finance") -> dict:
    return {"figure_id": figure_id, "figure": figure_id, "value": value, "unit": "GBP",
            "period": period, "area_code": area, "document": "Market Position Statement 2020",
            "section": section, "page": 27}


@pytest.fixture
def seeds() -> pd.DataFrame:
    return pd.DataFrame([
        seed("budget_gross_2020_21", 153.3 * M), seed("budget_income_2020_21", 58.6 * M),
        seed("budget_net_2020_21", 94.7 * M), seed("care_packages_2020_21", 107.7 * M),
        seed("residential_nursing_share_of_packages", 0.5),
        seed("care_home_spend", 53.4 * M, period="2019/20", section="11.1 Care Homes"),
        seed("care_home_under_65_share", 0.2, period="2019/20", section="11.1 Care Homes"),
        seed("forecast_deficit_2020_21", 0.643 * M, section="2. Adult Social Care Budget"),
        seed("efficiency_programme_2020_21", 3.3 * M), seed("rapid_test_grant", 1.184 * M),
    ])


def test_budget_totals_net_is_gross_minus_income():
    totals = budget.budget_totals(make_ledger(), PERIOD).set_index("line")
    assert totals.loc["gross_budget_gbp", "ledger_gbp"] == pytest.approx(153.3 * M)
    assert totals.loc["income_gbp", "ledger_gbp"] == pytest.approx(58.6 * M)
    assert totals.loc["net_budget_gbp", "ledger_gbp"] == pytest.approx(94.7 * M)
    assert totals.loc["net_budget_gbp", "check_gbp"] == pytest.approx(0.0)


def test_ledger_figures_care_packages_and_care_homes():
    figures = budget.ledger_figures(make_ledger(), PERIOD)
    assert figures["care_packages_gbp"] == pytest.approx(107.7 * M)
    assert figures["care_home_spend_gbp"] == pytest.approx(53.4 * M)
    assert figures["residential_nursing_share"] == pytest.approx(53.4 / 107.7)
    assert figures["care_home_under_65_share"] == pytest.approx(10.0 / 53.4)
    assert figures["care_package_share"] == pytest.approx(107.7 / 153.3)
    assert figures["ld_spend_gbp"] == pytest.approx(44.3 * M)


def test_care_package_definition_is_a_parameter():
    ledger = make_ledger()
    assert budget.care_packages_gbp(ledger, PERIOD) == pytest.approx(107.7 * M)
    # counting assessment and care management as a package too: 107.7 + 20.0
    assert budget.care_packages_gbp(ledger, PERIOD, excluded=("Other",)) == pytest.approx(127.7 * M)
    assert budget.residential_nursing_share(ledger, PERIOD, excluded=("Other",)) == \
        pytest.approx(53.4 / 127.7)


def test_short_term_care_and_equipment_are_not_packages_by_default():
    extra = pd.DataFrame([
        {"area_code": AREA, "period": PERIOD, "cost_centre": "CC8",
         "service_type": "Short-term / reablement", "primary_support_reason": "Physical support",
         "age_band": "65+", "gross_gbp": 5.0 * M, "income_gbp": 0.0},
        {"area_code": AREA, "period": PERIOD, "cost_centre": "CC9",
         "service_type": "Equipment and adaptations", "primary_support_reason": "Physical support",
         "age_band": "65+", "gross_gbp": 1.5 * M, "income_gbp": 0.0}])
    ledger = pd.concat([make_ledger(), extra], ignore_index=True)
    assert budget.care_packages_gbp(ledger, PERIOD) == pytest.approx(107.7 * M)
    assert budget.care_packages_gbp(ledger, PERIOD, budget.NON_PACKAGE_SERVICES_NARROW) == \
        pytest.approx(114.2 * M)
    assert budget.care_package_share(ledger, PERIOD) == pytest.approx(107.7 / 159.8)


def test_headlines_keys_and_values():
    heads = budget.headlines(make_ledger(), PERIOD)
    assert list(heads) == ["gross_budget_gbp", "income_gbp", "net_budget_gbp",
                           "care_packages_gbp", "residential_nursing_share",
                           "care_home_spend_gbp", "care_home_under_65_share"]
    assert heads["net_budget_gbp"] == pytest.approx(94.7 * M)
    assert heads["care_home_spend_gbp"] == pytest.approx(53.4 * M)


def test_reconcile_agrees_when_ledger_sums_to_published(seeds):
    table = budget.reconcile(budget.ledger_figures(make_ledger(), PERIOD), seeds,
                             area_code=AREA, period=PERIOD).set_index("line")
    for line in ("gross_budget_gbp", "income_gbp", "net_budget_gbp", "care_packages_gbp",
                 "care_home_spend_gbp", "residential_nursing_share", "published_net_check"):
        assert bool(table.loc[line, "within_rounding"])
        assert table.loc[line, "status"] == "agrees within rounding"
    assert table.loc["gross_budget_gbp", "difference"] == pytest.approx(0.0)
    assert table.loc["gross_budget_gbp", "tolerance"] == pytest.approx(0.05 * M)
    # 53.4 / 107.7 = 0.4958: within half a percentage point of the published 50%
    assert table.loc["residential_nursing_share", "difference"] == pytest.approx(53.4 / 107.7 - 0.5)
    # the published 20% under-65 share against the ledger's 18.7% is shown, not absorbed
    assert not table.loc["care_home_under_65_share", "within_rounding"]
    assert table.loc["care_home_under_65_share", "status"] == "DIFFERS by -1.3 percentage points"
    assert table.loc["care_home_spend_gbp", "published_period"] == "2019/20"
    assert "11.1 Care Homes" in table.loc["care_home_spend_gbp", "source"]
    # LD spend has no published figure in this seed table
    assert table.loc["ld_spend_gbp", "status"] == "no published figure"
    assert pd.isna(table.loc["ld_spend_gbp", "within_rounding"])


def test_reconcile_shows_a_half_million_difference(seeds):
    ledger = make_ledger(extra_gross_cc4=0.5)   # gross 153.8, net 95.2
    table = budget.reconcile(budget.ledger_figures(ledger, PERIOD), seeds, area_code=AREA,
                             period=PERIOD).set_index("line")
    gross = table.loc["gross_budget_gbp"]
    assert gross["ledger_value"] == pytest.approx(153.8 * M)
    assert gross["published_value"] == pytest.approx(153.3 * M)
    assert gross["difference"] == pytest.approx(0.5 * M)
    assert not gross["within_rounding"]
    assert gross["status"] == "DIFFERS by +£500.0k"
    assert table.loc["net_budget_gbp", "difference"] == pytest.approx(0.5 * M)
    assert table.loc["income_gbp", "status"] == "agrees within rounding"


def test_reconcile_rounding_edge(seeds):
    near = budget.reconcile({"gross_budget_gbp": 153.34 * M}, seeds, area_code=AREA,
                            period=PERIOD).set_index("line")
    far = budget.reconcile({"gross_budget_gbp": 153.36 * M}, seeds, area_code=AREA,
                           period=PERIOD).set_index("line")
    assert near.loc["gross_budget_gbp", "within_rounding"]
    assert not far.loc["gross_budget_gbp", "within_rounding"]


def test_reconcile_for_an_area_without_published_figures(seeds):
    table = budget.reconcile(budget.ledger_figures(make_ledger(), PERIOD), seeds,
                             area_code="E08000012", period=PERIOD)
    assert set(table["status"]) == {"no published figure"}
    assert "published_net_check" not in set(table["line"])


def test_arithmetic_check_finds_a_line_that_does_not_add_up():
    ledger = make_ledger()
    ledger["net_gbp"] = ledger["gross_gbp"] - ledger["income_gbp"]
    assert budget.arithmetic_check(ledger, PERIOD).empty
    ledger.loc[2, "net_gbp"] += 1000.0
    bad = budget.arithmetic_check(ledger, PERIOD)
    assert bad["cost_centre"].tolist() == ["CC3"]
    assert bad["difference_gbp"].iloc[0] == pytest.approx(-1000.0)
    assert budget.arithmetic_check(make_ledger(), PERIOD).empty   # no net column


def test_spend_by_type_of_care_split_by_age():
    split = budget.spend_by_type_of_care(make_ledger(), PERIOD).set_index("service_type")
    assert split.index[0] == "Long-term residential"
    assert split.index[-1] == "Total"
    residential = split.loc["Long-term residential"]
    assert residential["age_18_64_gbp"] == pytest.approx(10.0 * M)
    assert residential["age_65_plus_gbp"] == pytest.approx(30.0 * M)
    assert residential["total_gbp"] == pytest.approx(40.0 * M)
    assert residential["share"] == pytest.approx(40.0 / 153.3)
    assert residential["under_65_share"] == pytest.approx(0.25)
    assert split.loc["Total", "total_gbp"] == pytest.approx(153.3 * M)
    assert split.loc["Total", "age_18_64_gbp"] == pytest.approx(64.3 * M)


def test_spend_by_primary_support_reason_keeps_unallocated_spend():
    split = budget.spend_by_primary_support_reason(make_ledger(), PERIOD).set_index(
        "primary_support_reason")
    assert split.loc["Learning disability support", "total_gbp"] == pytest.approx(44.3 * M)
    assert split.loc["Not allocated", "total_gbp"] == pytest.approx(45.6 * M)
    assert split.drop("Total")["share"].sum() == pytest.approx(1.0)


def test_spend_by_gives_shares_of_gross():
    table = budget.spend_by(make_ledger(), PERIOD, by=["primary_support_reason", "age_band"])
    physical = table[(table["primary_support_reason"] == "Physical support")]
    assert physical["gross_gbp"].iloc[0] == pytest.approx(63.4 * M)
    assert physical["net_gbp"].iloc[0] == pytest.approx(40.4 * M)
    assert physical["share_of_gross"].iloc[0] == pytest.approx(63.4 / 153.3)
    assert table["primary_support_reason"].iloc[-1] == "Total"


def test_package_summary_lines():
    table = budget.package_summary(make_ledger(), PERIOD).set_index("line")
    assert table.loc["Care packages", "value_gbp"] == pytest.approx(107.7 * M)
    assert table.loc["Residential and nursing care, clients under 65", "value_gbp"] == \
        pytest.approx(10.0 * M)


def test_year_on_year_change():
    ledger = pd.concat([make_ledger(), make_ledger(period="2019/20", scale=0.8)])
    assert budget.periods(ledger) == ["2019/20", "2020/21"]
    assert budget.previous_period(PERIOD) == "2019/20"
    assert budget.previous_period("2000/01") == "1999/00"
    table = budget.year_on_year(ledger, PERIOD, "2019/20").set_index("service_type")
    home = table.loc["Home care"]
    assert home["previous_gbp"] == pytest.approx(16.0 * M)
    assert home["current_gbp"] == pytest.approx(20.0 * M)
    assert home["change_gbp"] == pytest.approx(4.0 * M)
    assert home["change_pct"] == pytest.approx(25.0)
    assert table.loc["Total", "change_gbp"] == pytest.approx(153.3 * M * 0.2)


def test_missing_period_is_a_clear_error():
    with pytest.raises(ValueError, match=r"no rows for period 2019/20; periods held: 2020/21"):
        budget.year_on_year(make_ledger(), PERIOD, "2019/20")
    with pytest.raises(ValueError, match="YYYY/YY"):
        budget.previous_period("2020")


def test_missing_ledger_column_is_named():
    with pytest.raises(ValueError, match=r"table 'budget_ledger' has no column\(s\) income_gbp"):
        budget.budget_totals(make_ledger().drop(columns="income_gbp"), PERIOD)


def test_in_year_position(seeds):
    table = budget.in_year_position(seeds, AREA, PERIOD).set_index("figure_id", drop=False)
    assert table.loc["forecast_deficit_2020_21", "value_gbp"] == pytest.approx(643_000)
    assert table.loc["rapid_test_grant", "value_gbp"] == pytest.approx(1_184_000)
    assert (table["status"] == "not published").sum() == 2   # health reimbursement, workforce
    other = budget.in_year_position(seeds, "E08000012", PERIOD)
    assert set(other["status"]) == {"not published"}


# --------------------------------------------------------------------------- per head


def population_table() -> pd.DataFrame:
    """Per area: 0-4 = 100, 15-19 = 100 (2/5 adults), 20-24 = 50, 90+ = 10 -> 100 adults,
    scaled by area."""
    rows = []
    for code, scale in (("A", 1), ("B", 2), ("C", 4), ("D", 5), ("E", 10)):
        for band, count in (("0-4", 100), ("15-19", 100), ("20-24", 50), ("90+", 10)):
            for sex, share in (("Male", 0.5), ("Female", 0.5)):
                rows.append({"area_code": code, "year": 2020, "sex": sex, "age_band": band,
                             "population": count * scale * share})
    return pd.DataFrame(rows)


def test_adult_population_apportions_a_straddling_band():
    adults = budget.adult_population(population_table(), ["A", "C"], 2020).set_index("area_code")
    assert adults.loc["A", "adults"] == pytest.approx(40 + 50 + 10)
    assert adults.loc["C", "adults"] == pytest.approx(400)
    assert bool(adults.loc["A", "estimated"])


def test_spend_per_head_ranks_against_comparators():
    finance = pd.DataFrame({
        "period": ["2016/17"] * 5 + ["2015/16"],
        "area_code": ["A", "B", "C", "D", "E", "A"],
        "area_name": ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Alpha"],
        "gross_gbp": [30000.0, 50000.0, 90000.0, 100000.0, 300000.0, 1.0],
        "income_gbp": [10000.0, 10000.0, 10000.0, 20000.0, 100000.0, 0.0],
        "net_gbp": [20000.0, 40000.0, 80000.0, 80000.0, 200000.0, 1.0]})
    # adults A 100, B 200, C 400, D 500, E 1000 -> net per adult 200, 200, 200, 160, 200
    table = budget.spend_per_head(finance, population_table(), "A", ["B", "C", "D", "E"])
    table = table.set_index("area_code")
    assert table.loc["A", "finance_period"] == "2016/17"
    assert table.loc["A", "population_year"] == 2020
    assert table.loc["A", "net_per_adult_gbp"] == pytest.approx(200.0)
    assert table.loc["D", "net_per_adult_gbp"] == pytest.approx(160.0)
    assert table.loc["E", "gross_per_adult_gbp"] == pytest.approx(300.0)
    assert table.loc["A", "rank"] == 1 and table.loc["D", "rank"] == 5
    assert table.loc["A", "comparator_median_net_per_adult_gbp"] == pytest.approx(200.0)
    # 200 among (200, 200, 160, 200): Q1 = 190, Q2 = Q3 = 200 -> not above Q2
    assert table.loc["A", "quartile"] == "2nd lowest quartile"
    assert table.loc["B", "quartile"] == ""


# --------------------------------------------------------------------------- unit costs


def test_unit_costs_with_comparator_median():
    rows = []
    costs = {"A": 390.0, "B": 400.0, "C": 500.0, "D": 600.0}
    for code, cost in costs.items():
        rows.append({"period": "2014/15", "area_code": code, "age_band": "65+",
                     "primary_support_reason": "Physical support", "setting": "Residential",
                     "gross_gbp": cost * 100, "care_weeks": 100.0,
                     "unit_cost_gbp_per_week": cost})
    rows.append({"period": "2014/15", "area_code": "A", "age_band": "18-64",
                 "primary_support_reason": "Learning disability support", "setting": "Nursing",
                 "gross_gbp": 93000.0, "care_weeks": 100.0, "unit_cost_gbp_per_week": None})
    table = budget.unit_costs(pd.DataFrame(rows), "A", ["A", "B", "C", "D"])
    first = table.iloc[0]
    assert (first["age_band"], first["setting"]) == ("18-64", "Nursing")
    assert first["unit_cost_gbp_per_week"] == pytest.approx(930.0)   # 93,000 / 100 weeks
    assert first["comparators_n"] == 0
    residential = table.iloc[1]
    assert residential["comparator_median_gbp"] == pytest.approx(500.0)
    assert residential["comparators_n"] == 3
    assert residential["difference_gbp"] == pytest.approx(-110.0)
    extremes = budget.unit_cost_range(table).set_index("extreme")
    assert extremes.loc["lowest", "unit_cost_gbp_per_week"] == pytest.approx(390.0)
    assert extremes.loc["highest", "unit_cost_gbp_per_week"] == pytest.approx(930.0)


# --------------------------------------------------------------------------- narrative


def test_ledger_summary_states_the_figures_and_the_provenance():
    figures = budget.ledger_figures(make_ledger(), PERIOD)
    text = budget_text.ledger_summary(figures, area_name="Sefton", period=PERIOD,
                                      illustrative=False)
    assert text.startswith("Sefton's ledger puts the 2020/21 adult social care budget at "
                           "£153.3m gross. Income of £58.6m brings the net budget to £94.7m.")
    assert "£107.7m (70% of gross)" in text  # 107.7 / 153.3 = 0.7026
    assert "£53.4m, 50% of care-package spend" in text  # 53.4 / 107.7 = 0.4958
    assert "19% of care-home spend is on adults under 65" in text  # 10 / 53.4 = 0.187
    assert "illustrative" not in text


def test_sentences_citing_generated_records_say_illustrative():
    """Wirral's (E08000015) ledger in the bundled data is generated: every sentence citing it
    says so (issue 11: "Wirral's illustrative ledger ...")."""
    figures = budget.ledger_figures(make_ledger(), PERIOD)
    summary = budget_text.ledger_summary(figures, area_name="Wirral", period=PERIOD,
                                         illustrative=True)
    assert summary.startswith("Wirral's illustrative ledger puts the 2020/21 adult social care "
                              "budget at £153.3m gross.")
    yoy = budget.year_on_year(pd.concat([make_ledger("2019/20"), make_ledger()]), PERIOD,
                              "2019/20")
    assert budget_text.year_on_year(yoy, area_name="Wirral", illustrative=True).startswith(
        "In Wirral's illustrative ledger gross spend rose by £0.0m")
    messages = budget_text.key_messages(
        area_name="Wirral", period=PERIOD, figures=figures, ledger_illustrative=True,
        totals=pd.DataFrame([{"period": "2016/17", "area_code": "E08000015",
                              "gross_gbp": 133.9e6, "income_gbp": 50.2e6, "net_gbp": 83.6e6,
                              "status": "published"}]))
    assert messages[1] == ("Wirral's illustrative ledger gives a 2020/21 budget of £153.3m "
                           "gross and £94.7m net (illustrative data).")
    assert "real published figures" in messages[0] and "illustrative" not in messages[0]


def test_reconciliation_text_agrees_differs_and_unpublished(seeds):
    figures = budget.ledger_figures(make_ledger(), PERIOD)
    agree = budget.reconcile(figures, seeds, area_code=AREA, period=PERIOD)
    # the under-65 share differs: 0.187 against 0.20
    text = budget_text.reconciliation(agree, area_name="Sefton", illustrative=True)
    assert text.startswith("1 of 7 lines of Sefton's illustrative ledger differ")
    assert "Care-home spend on clients under 65: DIFFERS by -1.3 percentage points" in text
    off = budget.reconcile(budget.ledger_figures(make_ledger(extra_gross_cc4=0.2), PERIOD), seeds,
                           area_code=AREA, period=PERIOD)
    assert "Gross budget: DIFFERS by +£200.0k" in budget_text.reconciliation(
        off, area_name="Sefton", illustrative=False)
    none = budget.reconcile(figures, seeds, area_code="E08000015", period=PERIOD)
    assert budget_text.reconciliation(none, area_name="Wirral", illustrative=True).startswith(
        "No published budget figures are held for Wirral")


def test_year_on_year_text_total_and_largest_change():
    ledger = pd.concat([make_ledger("2019/20", extra_gross_cc4=-2.0), make_ledger()])
    yoy = budget.year_on_year(ledger, PERIOD, "2019/20")
    text = budget_text.year_on_year(yoy, area_name="Sefton", illustrative=False)
    # 151.3 -> 153.3: +2.0m = 1.3%; only home care changed
    assert text.startswith("In Sefton's ledger gross spend rose by £2.0m (1.3%) from 2019/20 "
                           "(£151.3m)")
    assert "largest increase is in Home care (+£2.0m)" in text
    assert "largest fall" not in text


def test_per_head_text_names_years_rank_and_median():
    per_head = pd.DataFrame({
        "area_code": ["A", "B", "C"], "area_name": ["Aville", "Bton", "Cford"],
        "finance_period": "2016/17", "population_year": 2020,
        "net_per_adult_gbp": [300.0, 400.0, 200.0], "is_area": [True, False, False]})
    text = budget_text.per_head(per_head)
    assert text == ("Net spend per adult in Aville was £300 (2016/17 spend over the mid-2020 "
                    "population aged 18+; real figures), ranked 2 of 3 (1 = highest); the "
                    "comparator median is £300.")


def test_published_totals_latest_year_and_no_row_for_a_new_boundary():
    finance = pd.DataFrame({"period": ["2015/16", "2016/17", "2016/17"],
                            "area_code": ["E06000029", "E06000028", "E08000014"],
                            "area_name": ["Poole", "Bournemouth", "Sefton"],
                            "gross_gbp": [60e6, 90e6, 140.25e6], "income_gbp": [1e6, 2e6, 45.5e6],
                            "net_gbp": [59e6, 88e6, 94.75e6]})
    sefton = budget.published_totals(finance, "E08000014")
    assert sefton.iloc[0].to_dict() == {"period": "2016/17", "area_code": "E08000014",
                                        "gross_gbp": 140.25e6, "income_gbp": 45.5e6,
                                        "net_gbp": 94.75e6, "status": "published"}
    assert budget_text.published_totals(sefton, area_name="Sefton") == (
        "In 2016/17, the latest year of NHS Digital's Adult Social Care Activity and Finance "
        "Report (ASC-FR) held, Sefton spent £140.2m gross on adult social care, with income of "
        "£45.5m and a net cost of £94.8m (real published figures).")
    bcp = budget.published_totals(finance, "E06000058")
    assert not budget.has_published_totals(bcp)
    assert bcp[["gross_gbp", "income_gbp", "net_gbp"]].isna().all(axis=None)
    text = budget_text.published_totals(bcp, area_name="Bournemouth, Christchurch and Poole")
    assert text.startswith("NHS Digital's Adult Social Care Activity and Finance Report holds "
                           "no published figures for this council's current boundary (data "
                           "year 2016/17): Bournemouth, Christchurch and Poole (E06000058)")
    assert "£" not in text
    assert budget.published_headlines(bcp) == {"published_finance_period": "2016/17",
                                               "published_gross_gbp": None,
                                               "published_net_gbp": None}


def _unit_cost_table() -> pd.DataFrame:
    rows = []
    for area, low, high in (("E08000014", 310.0, 1469.8), ("X", 400.0, 800.0)):
        for age, reason, setting, cost in (("65+", "Physical support", "Residential", low),
                                           ("18-64", "Learning disability support", "Nursing",
                                            high)):
            rows.append({"period": "2014/15", "area_code": area, "age_band": age,
                         "primary_support_reason": reason, "setting": setting,
                         "gross_gbp": None, "care_weeks": None,
                         "unit_cost_gbp_per_week": cost})
    return budget.unit_costs(pd.DataFrame(rows), "E08000014", ["X"])


def test_published_unit_cost_range_beside_the_seed():
    seeds = pd.DataFrame([seed("care_home_unit_cost_min", 390.0, section="11.1 Care Homes"),
                          seed("care_home_unit_cost_max", 930.0, section="11.1 Care Homes")])
    table = budget.published_unit_cost_range(_unit_cost_table(), seeds, AREA)
    assert table["lowest_gbp_per_week"].tolist() == [310.0, 390.0]
    assert table["highest_gbp_per_week"].tolist() == [1469.8, 930.0]
    assert table.loc[0, "lowest_at"] == "65+, Physical support, residential"
    assert table["status"].tolist() == ["from the data", "published"]
    text = budget_text.unit_costs(table)
    assert "ranged from £310 (65+, Physical support, residential) to £1,470" in text
    assert "quote £390 to £930 a week" in text
    other = budget.published_unit_cost_range(_unit_cost_table(), seeds.iloc[:0], AREA)
    assert other.loc[1, "status"] == "not published"
    assert math.isnan(other.loc[1, "lowest_gbp_per_week"])
    assert "No range published" in budget_text.unit_costs(other)


def test_in_year_text(seeds):
    position = budget.in_year_position(seeds, AREA, PERIOD)
    assert budget_text.in_year(position, area_name="Sefton") == (
        "Sefton's published in-year position is a forecast overspend of £643.0k, which assumes "
        "an efficiency programme of £3.30m is delivered.")
    assert budget_text.in_year(budget.in_year_position(seeds, "E08000015", PERIOD),
                               area_name="Wirral").startswith("No in-year budget position")
