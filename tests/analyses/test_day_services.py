"""Day-service cost analyses on small hand-made placement tables with answers worked by hand.

The 16-client table (one placement each):
  provider A, "Day centre": ages 20 25 35 50 62 80; rates 45 50 55 60 65 110; 1:1 £10 (a4),
      £20 (a6); days 2 3 5 1 2 3; a1, a2 direct payment; a1-a4 learning disability
  provider B, "Day centre": ages 22 40 70; rates 80 90 100; days 2 4 1; b1 direct payment;
      b1, b2 learning disability                                   <- 3 clients: disclosive
  provider C, "Community": ages 30 45 59 60 64 65 75; rates 40 42 44 46 48 50 100; 1 day each;
      c1 direct payment; c1-c3 learning disability
Clients 16, direct payment 4 (25%), learning disability 9, under 60 9; rates £40 to £110,
median (50 + 55) / 2 = 52.5; annual cost A 57,460 + B 32,240 + C 19,240 = £108,940.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pytest

from asclib.analyses import day_services as ds
from asclib.narrative import day_services as ds_text

LD = "Learning disability support"
PHYS = "Physical support"


def placement(client, provider, service, age, rate, days, funding="commissioned", reason=LD,
              one_to_one=0.0, need="standard", end=None):
    return {"area_code": "E08000014", "client_id": client, "age": age,
            "primary_support_reason": reason, "provider": provider, "service": service,
            "need_level": need, "daily_rate_gbp": rate, "days_per_week": days,
            "funding": funding, "one_to_one_gbp_per_day": one_to_one,
            "start_date": "2019-04-01", "end_date": end}


@pytest.fixture
def cohort() -> pd.DataFrame:
    dp = "direct_payment"
    rows = [
        placement("a1", "A", "Day centre", 20, 45, 2, dp),
        placement("a2", "A", "Day centre", 25, 50, 3, dp),
        placement("a3", "A", "Day centre", 35, 55, 5),
        placement("a4", "A", "Day centre", 50, 60, 1, one_to_one=10.0),
        placement("a5", "A", "Day centre", 62, 65, 2, reason=PHYS),
        placement("a6", "A", "Day centre", 80, 110, 3, reason=PHYS, one_to_one=20.0),
        placement("b1", "B", "Day centre", 22, 80, 2, dp),
        placement("b2", "B", "Day centre", 40, 90, 4),
        placement("b3", "B", "Day centre", 70, 100, 1, reason=PHYS),
    ]
    for i, (age, rate) in enumerate(zip((30, 45, 59, 60, 64, 65, 75),
                                        (40, 42, 44, 46, 48, 50, 100), strict=True), start=1):
        rows.append(placement(f"c{i}", "C", "Community", age, rate, 1,
                              "direct_payment" if i == 1 else "commissioned",
                              LD if i <= 3 else PHYS))
    return pd.DataFrame(rows)


def test_annual_cost_rate_plus_one_to_one_times_days_times_weeks():
    table = pd.DataFrame([placement("x", "P", "S", 40, 50.0, 3, one_to_one=10.0)])
    costed = ds.annual_cost(table)
    assert costed["daily_cost_gbp"].iloc[0] == pytest.approx(60.0)
    assert costed["annual_cost_gbp"].iloc[0] == pytest.approx(9360.0)   # 60 x 3 x 52
    assert ds.annual_cost(table, weeks_per_year=48)["annual_cost_gbp"].iloc[0] == \
        pytest.approx(60 * 3 * 48)


def test_prepared_placements_give_the_same_tables_and_are_prepared_once(cohort, three):
    prepared = ds.prepare(cohort)
    assert prepared.attrs[ds.PREPARED_MARK] == 52
    assert ds.prepare(prepared) is prepared            # prepared once, then passed through
    rows = prepared[prepared["provider"] == "A"]
    assert ds.prepare(rows) is rows                    # a selection stays prepared
    assert ds.headlines(prepared) == ds.headlines(cohort)
    assert ds.headlines(prepared)["annual_cost_gbp"] == pytest.approx(108_940)
    for by in (None, "provider", "age_band"):
        pd.testing.assert_frame_equal(ds.cohort_summary(prepared, by),
                                      ds.cohort_summary(cohort, by))
    pd.testing.assert_frame_equal(ds.rate_variation(prepared, "service"),
                                  ds.rate_variation(cohort, "service"))
    assert ds.headlines(ds.prepare(three), MODEL)["banded_model_annual_change_gbp"] == \
        pytest.approx(6_760)
    # another number of weeks a year is prepared again, not taken from the mark
    weeks_48 = ds.headlines(prepared, weeks_per_year=48)["annual_cost_gbp"]
    assert weeks_48 == pytest.approx(108_940 * 48 / 52)


def test_headlines(cohort):
    heads = ds.headlines(cohort)
    assert heads["clients"] == 16
    assert heads["direct_payment_clients"] == 4
    assert heads["direct_payment_share"] == pytest.approx(0.25)
    assert heads["min_daily_rate_gbp"] == 40
    assert heads["median_daily_rate_gbp"] == pytest.approx(52.5)
    assert heads["max_daily_rate_gbp"] == 110
    assert heads["ld_share"] == pytest.approx(9 / 16)
    assert heads["under_60_share"] == pytest.approx(9 / 16)
    assert heads["annual_cost_gbp"] == pytest.approx(108_940)
    assert heads["banded_model_annual_change_gbp"] is None
    assert list(heads) == list(ds.HEADLINE_KEYS)


def test_cohort_by_provider_raw(cohort):
    table = ds.cohort_summary(cohort, "provider", disclose=False).set_index("provider")
    a = table.loc["A"]
    assert a["clients"] == 6
    assert a["client_share"] == pytest.approx(6 / 16)
    assert a["direct_payment_clients"] == 2
    assert a["direct_payment_share"] == pytest.approx(1 / 3)
    assert a["ld_clients"] == 4 and a["under_60_clients"] == 4
    assert a["annual_cost_gbp"] == pytest.approx(57_460)
    assert table.loc["B", "annual_cost_gbp"] == pytest.approx(32_240)
    assert table.loc["Total", "clients"] == 16
    assert table.loc["Total", "annual_cost_gbp"] == pytest.approx(108_940)


def test_provider_with_three_clients_is_suppressed_with_its_share(cohort):
    table = ds.cohort_summary(cohort, "provider").set_index("provider")
    b = table.loc["B"]
    assert math.isnan(b["clients"])
    assert math.isnan(b["client_share"])
    assert math.isnan(b["median_daily_rate_gbp"]) and math.isnan(b["annual_cost_gbp"])
    assert "fewer than 5" in b["note"] and "clients" in b["note"]
    # secondary: A (6, the next smallest) is hidden too, so B cannot be worked out from the total
    assert math.isnan(table.loc["A", "clients"])
    assert "secondary" in table.loc["A", "note"]
    assert table.loc["C", "clients"] == 7
    assert table.loc["Total", "clients"] == 16
    # direct-payment counts of 1, 2 and the total of 4 are all small
    assert table["direct_payment_clients"].isna().all()


def test_disclose_helper_names_counts_and_derived_columns(cohort):
    raw = ds.cohort_summary(cohort, "provider", disclose=False)
    assert ds.count_columns(raw) == ["clients", "direct_payment_clients", "ld_clients",
                                     "under_60_clients"]
    derived = ds.derived_columns(raw)
    assert derived["client_share"] == "clients"
    assert derived["direct_payment_share"] == "direct_payment_clients"
    assert derived["ld_share"] == "ld_clients"
    assert derived["median_daily_rate_gbp"] == "clients"
    with pytest.raises(ValueError, match="no count column"):
        ds.disclose(pd.DataFrame({"x": [1]}))


def test_cohort_by_age_band_and_age_group(cohort):
    bands = ds.cohort_summary(cohort, "age_band", disclose=False).set_index("age_band")
    assert bands["clients"].to_dict() == {"18-29": 3, "30-44": 3, "45-59": 3, "60-64": 3,
                                          "65-74": 2, "75+": 2, "Total": 16}
    groups = ds.cohort_summary(cohort, "age_group", disclose=False)
    assert groups["age_group"].tolist() == ["Under 60", "60 and over", "Total"]
    assert groups["clients"].tolist() == [9, 7, 16]
    # all 9 learning-disability clients are under 60
    assert groups["ld_clients"].tolist() == [9, 0, 9]


def test_rate_variation_within_service(cohort):
    table = ds.rate_variation(cohort, "service", disclose=False).set_index("service")
    centre = table.loc["Day centre"]
    rates = [45, 50, 55, 60, 65, 110, 80, 90, 100]
    assert centre["clients"] == 9
    assert (centre["min_daily_rate_gbp"], centre["max_daily_rate_gbp"]) == (45, 110)
    assert centre["q1_daily_rate_gbp"] == pytest.approx(55)   # position 2 of 0..8
    assert centre["median_daily_rate_gbp"] == pytest.approx(65)
    assert centre["q3_daily_rate_gbp"] == pytest.approx(90)   # position 6
    assert centre["range_gbp"] == pytest.approx(65)
    assert centre["iqr_gbp"] == pytest.approx(35)
    assert centre["coefficient_of_variation"] == pytest.approx(
        statistics.stdev(rates) / statistics.mean(rates))
    assert centre["one_to_one_clients"] == 2
    assert centre["mean_one_to_one_gbp"] == pytest.approx(15)
    community = table.loc["Community"]
    assert community["q1_daily_rate_gbp"] == pytest.approx(43)
    assert community["iqr_gbp"] == pytest.approx(6)
    assert table.index[-1] == "Total"


def test_rate_variation_disclosed_hides_small_one_to_one_counts(cohort):
    table = ds.rate_variation(cohort, "service").set_index("service")
    assert table.loc["Day centre", "median_daily_rate_gbp"] == pytest.approx(65)
    assert math.isnan(table.loc["Day centre", "one_to_one_clients"])
    assert math.isnan(table.loc["Day centre", "mean_one_to_one_gbp"])
    by_provider = ds.rate_variation(cohort, "provider").set_index("provider")
    assert math.isnan(by_provider.loc["B", "max_daily_rate_gbp"])


def test_outliers_tukey_fences_within_service(cohort):
    flagged = ds.outliers(cohort)
    # Community: Q1 43, Q3 49, IQR 6 -> fences 34 and 58; only c7 (£100) is outside
    assert flagged["client_id"].tolist() == ["c7"]
    assert flagged["direction"].tolist() == ["above"]
    assert flagged["upper_fence_gbp"].iloc[0] == pytest.approx(58)
    summary = ds.outlier_summary(cohort, disclose=False).set_index("provider")
    assert summary.loc["C", "above_fence_clients"] == 1
    assert summary.loc["A", "above_fence_clients"] == 0


def test_against_dp_rate(cohort):
    table = ds.against_dp_rate(cohort, 45, disclose=False).set_index("provider")
    a = table.loc["A"]
    assert a["median_daily_rate_gbp"] == pytest.approx(57.5)
    assert a["premium_over_dp_rate_gbp"] == pytest.approx(12.5)
    assert a["above_dp_rate_clients"] == 5
    assert a["above_dp_rate_share"] == pytest.approx(5 / 6)
    # (5 x 3 + 10 x 5 + 15 x 1 + 20 x 2 + 65 x 3) x 52
    assert a["cost_above_dp_rate_gbp"] == pytest.approx(315 * 52)
    assert table.loc["C", "cost_above_dp_rate_gbp"] == pytest.approx(64 * 52)
    disclosed = ds.against_dp_rate(cohort, 45).set_index("provider")
    assert math.isnan(disclosed.loc["C", "above_dp_rate_clients"])   # 4 clients
    assert math.isnan(disclosed.loc["C", "above_dp_rate_share"])
    with pytest.raises(ValueError, match="dp_rate"):
        ds.against_dp_rate(cohort, 0)


def test_current_placements(cohort):
    table = pd.concat([cohort, pd.DataFrame([placement("z", "A", "Day centre", 30, 45, 1,
                                                       end="2020-03-31")])])
    assert len(ds.current_placements(table)) == 16
    assert len(ds.current_placements(table, as_at="2020-01-01")) == 17
    assert len(ds.current_placements(table, as_at="2019-01-01")) == 0   # none started


# --------------------------------------------------------------------------- banded model


@pytest.fixture
def three() -> pd.DataFrame:
    """c1 standard £60 x 2 days (current 6,240); c2 enhanced £70 x 3 (10,920); c3 complex £80
    + £10 1:1 x 5 (23,400). Current total 40,560."""
    return pd.DataFrame([
        placement("c1", "P", "S", 30, 60.0, 2, need="standard"),
        placement("c2", "P", "S", 40, 70.0, 3, need="enhanced"),
        placement("c3", "Q", "S", 70, 80.0, 5, need="complex", one_to_one=10.0),
    ])


MODEL = ds.BandedModel({"standard": 50.0, "enhanced": 70.0, "complex": 100.0},
                       one_to_one_rate=20.0)


def test_banded_model_known_costs_and_directions(three):
    result = ds.apply_banded_model(three, MODEL).set_index("client_id")
    # targets: 50 x 2 x 52 = 5,200; 70 x 3 x 52 = 10,920; (100 + 20) x 5 x 52 = 31,200
    assert result["current_annual_cost_gbp"].sum() == pytest.approx(40_560)
    assert result.loc["c1", "modelled_annual_cost_gbp"] == pytest.approx(5_200)
    assert result.loc["c2", "modelled_annual_cost_gbp"] == pytest.approx(10_920)
    assert result.loc["c3", "modelled_annual_cost_gbp"] == pytest.approx(31_200)
    assert result["change"].to_dict() == {"c1": "down", "c2": "unchanged", "c3": "up"}
    summary = ds.banded_model_summary(result.reset_index(), None, disclose=False).iloc[0]
    assert summary["current_annual_cost_gbp"] == pytest.approx(40_560)
    assert summary["modelled_annual_cost_gbp"] == pytest.approx(47_320)
    assert summary["change_gbp"] == pytest.approx(6_760)
    assert (summary["rate_up_clients"], summary["rate_down_clients"],
            summary["rate_unchanged_clients"]) == (1, 1, 1)
    assert ds.headlines(three, MODEL)["banded_model_annual_change_gbp"] == pytest.approx(6_760)


def test_banded_model_transition_rules(three):
    model = ds.BandedModel(MODEL.daily_rates, one_to_one_rate=20.0, max_increase_pct=10,
                           max_decrease_pct=5)
    result = ds.apply_banded_model(three, model).set_index("client_id")
    # c1 falls at most 5%: 60 -> 57; c3 rises at most 10%: 90 -> 99
    assert result.loc["c1", "modelled_daily_cost_gbp"] == pytest.approx(57)
    assert result.loc["c3", "modelled_daily_cost_gbp"] == pytest.approx(99)
    assert result.loc["c3", "target_daily_cost_gbp"] == pytest.approx(120)
    assert result["modelled_annual_cost_gbp"].sum() == pytest.approx(5_928 + 10_920 + 25_740)


def test_banded_model_keeps_direct_payments_and_current_one_to_one(three):
    table = pd.concat([three, pd.DataFrame([placement("d", "P", "S", 25, 45.0, 1,
                                                      funding="direct_payment", need="complex")])])
    model = ds.BandedModel(MODEL.daily_rates)      # one_to_one_rate None: keep today's £10
    result = ds.apply_banded_model(table, model).set_index("client_id")
    assert result.loc["d", "modelled_annual_cost_gbp"] == pytest.approx(45 * 52)
    assert not result.loc["d", "repriced"]
    assert result.loc["c3", "modelled_daily_cost_gbp"] == pytest.approx(110)


def test_banded_model_summary_by_provider_is_disclosed(three):
    result = ds.apply_banded_model(three, MODEL)
    summary = ds.banded_model_summary(result, "provider")
    # P has 2 clients, Q 1 and the total 3: every count and cost is hidden
    assert summary["clients"].isna().all()
    assert summary["change_gbp"].isna().all()
    raw = ds.banded_model_summary(result, "provider", disclose=False).set_index("provider")
    assert raw.loc["P", "change_gbp"] == pytest.approx(5_200 - 6_240)
    assert raw.loc["Q", "change_gbp"] == pytest.approx(31_200 - 23_400)


def test_banded_model_validation(three):
    with pytest.raises(ValueError, match="between 0 and 100"):
        ds.BandedModel({"standard": 50.0}, max_increase_pct=150)
    with pytest.raises(ValueError, match="need_level.*complex, enhanced"):
        ds.apply_banded_model(three, ds.BandedModel({"standard": 50.0}))
    assert MODEL.describe()["value"].tolist()[:4] == [50.0, 70.0, 100.0, 20.0]


def test_sensitivity_exact_and_monotone(three):
    table = ds.sensitivity(three, MODEL, deltas=(-10, -5, 0, 5, 10))
    # each £1 a day on every band adds (2 + 3 + 5) x 52 = £520 a year
    assert table["modelled_annual_cost_gbp"].tolist() == pytest.approx(
        [47_320 - 5_200, 47_320 - 2_600, 47_320, 47_320 + 2_600, 47_320 + 5_200])
    assert table["change_gbp"].iloc[2] == pytest.approx(6_760)
    assert np.all(np.diff(table["modelled_annual_cost_gbp"]) > 0)
    assert (table["current_annual_cost_gbp"] == 40_560).all()
    capped = ds.sensitivity(three, ds.BandedModel(MODEL.daily_rates, one_to_one_rate=20.0,
                                                  max_increase_pct=10, max_decrease_pct=5))
    assert np.all(np.diff(capped["modelled_annual_cost_gbp"]) >= 0)


# --------------------------------------------------------------------------- demand


def test_demand_projection():
    seeds = pd.DataFrame([
        {"figure_id": fid, "figure": fid, "value": v, "unit": "people", "period": p,
         "area_code": "E08000014", "document": "MPS", "section": "9.3 Day Opportunities",
         "page": 44}
        for fid, v, p in (("day_service_clients", 648, "2020"),
                          ("day_service_clients_2022", 650, "2022"),
                          ("day_service_transitions_5yr", 28, "2020-2025"))])
    table = ds.demand_projection(seeds, "E08000014", current_clients=640).set_index("measure")
    assert table.loc["Clients using day services (published)", "value"] == 648
    assert table.loc["Projected clients by 2022", "value"] == 650
    assert table.loc["Projected change", "value"] == 2
    assert table.loc["Young people expected through transitions over the next 5 years",
                     "value"] == 28
    assert table.loc["Clients in the placements data", "value"] == 640
    other = ds.demand_projection(seeds, "E08000012")
    assert (other["status"] == "not published").all()


def test_missing_column_is_named(cohort):
    with pytest.raises(ValueError, match=r"day_service_placements' has no column\(s\) funding"):
        ds.headlines(cohort.drop(columns="funding"))


def test_rate_direction_counts_are_protected_as_a_partition():
    """P1: 10 clients, 8 up and 2 down; P2: 10 up; P3: 6 unchanged. The 2 is hidden, and so is
    P2's 0 (secondary); since up + down + unchanged = clients, all parts of P1, P2 and the
    total are hidden, and P3 (nothing small) stays."""
    rows = []
    for provider, ups, downs, same in (("P1", 8, 2, 0), ("P2", 10, 0, 0), ("P3", 0, 0, 6)):
        for i, change in enumerate([100.0] * ups + [-100.0] * downs + [0.0] * same):
            rows.append({"client_id": f"{provider}-{i}", "provider": provider,
                         "current_annual_cost_gbp": 1000.0,
                         "modelled_annual_cost_gbp": 1000.0 + change,
                         "target_annual_cost_gbp": 1000.0 + change})
    modelled = pd.DataFrame(rows)
    raw = ds.banded_model_summary(modelled, "provider", disclose=False).set_index("provider")
    assert raw.loc["P1", ["rate_up_clients", "rate_down_clients",
                          "rate_unchanged_clients"]].tolist() == [8, 2, 0]
    assert raw.loc["Total", "change_gbp"] == pytest.approx(100 * 18 - 100 * 2)
    table = ds.banded_model_summary(modelled, "provider").set_index("provider")
    parts = ["rate_up_clients", "rate_down_clients", "rate_unchanged_clients"]
    for provider in ("P1", "P2", "Total"):
        assert table.loc[provider, parts].isna().all(), provider
        assert "parts of clients" in table.loc[provider, "note"]
    assert table.loc["P3", parts].tolist() == [0, 0, 6]
    assert table["clients"].tolist() == [10, 10, 6, 26]


def test_whole_row_of_a_small_group_is_hidden():
    """X has 3 clients (primary), Y 6 (secondary: the next smallest), Z 8; X's clients have
    physical support, Y's and Z's a learning disability. Y's 6 learning-disability clients
    would show Y's size (and so X's), so Y's whole row is hidden."""
    sizes = {"X": 3, "Y": 6, "Z": 8}
    table = pd.DataFrame([placement(f"{p}{i}", p, "S", 30, 50.0, 2,
                                    reason=PHYS if p == "X" else LD)
                          for p, n in sizes.items() for i in range(n)])
    raw = ds.cohort_summary(table, "provider", disclose=False).set_index("provider")
    assert raw.loc["Y", "ld_clients"] == 6
    shown = ds.cohort_summary(table, "provider").set_index("provider")
    assert shown.loc["Y", ["clients", "ld_clients", "under_60_clients", "ld_share"]].isna().all()
    assert "group hidden (direct_payment_clients, ld_clients" in shown.loc["Y", "note"]
    assert shown.loc["Z", "ld_clients"] == 8
    assert shown.loc["Total", "clients"] == 17


# --------------------------------------------------------------------------- narrative


def test_cohort_and_rate_text(cohort):
    heads = ds.headlines(cohort)
    assert ds_text.cohort(heads, area_name="Aville", illustrative=False) == (
        "Aville's placements show 16 clients using day services; 4 of them (25%) buy their day "
        "service with a direct payment. 56% have learning disability support as their primary "
        "support reason and 56% are under 60.")
    against = ds.against_dp_rate(cohort, 45.0)
    text = ds_text.rates(heads, 45.0, against, area_name="Wirral", illustrative=True)
    assert text.startswith("In Wirral's illustrative placements daily rates run from £40 to "
                           "£110 a day (median £52), against a direct-payment rate of £45.")
    # above £45: A 5 of 6, B 3, C 1 (c7 £100) and c4-c6 (46, 48, 50) -> 12 of 16 = 75%
    assert "75% of clients have a placement priced above" in text
    assert text.endswith("The annual cost of all placements (rate and 1:1 top-ups) is £108.9k.")


def test_model_and_sensitivity_text(three):
    result = ds.apply_banded_model(three, MODEL)
    overall = ds.banded_model_summary(result, None, disclose=False)
    text = ds_text.model(overall, illustrative=True)
    assert text == ("On the illustrative placements, in year one the banded model would cost "
                    "£47.3k a year against £40.6k today: £6.8k more (+16.7%). Placements would "
                    "cost more for 1 clients, less for 1 and the same for 1.")
    # disclosed, the up/down counts of 3 clients are hidden and not stated
    hidden = ds_text.model(ds.banded_model_summary(result, None), illustrative=False)
    assert "placements would cost" not in hidden
    table = ds.sensitivity(three, MODEL, deltas=(-10, 0, 10))
    assert ds_text.sensitivity(table) == (
        "Moving every band rate by -£10 to +£10 a day changes the year-one annual cost against "
        "today by +£1.6k to +£12.0k.")   # 6,760 -/+ 5,200
    assert ds_text.sensitivity(table.iloc[:1]) == ""
    assert ds_text.model(overall, illustrative=True, sensitivity_table=table).endswith(
        "+£12.0k.")


def test_demand_text():
    seeds = pd.DataFrame([
        {"figure_id": fid, "figure": fid, "value": v, "unit": "people", "period": "2020",
         "area_code": "E08000014", "document": "MPS", "section": "9.3", "page": 44}
        for fid, v in (("day_service_clients", 648), ("day_service_clients_2022", 650),
                       ("day_service_transitions_5yr", 28))])
    assert ds_text.demand(ds.demand_projection(seeds, "E08000014"), area_name="Sefton") == (
        "Sefton's published projection (real) is 650 clients by 2022, against 648 now, with 28 "
        "young people expected to move from children's to adult services over the next five "
        "years.")
    assert ds_text.demand(ds.demand_projection(seeds, "E08000015"),
                          area_name="Wirral").startswith("No demand")


def test_charts_get_only_the_groups_the_tables_show(cohort):
    table = ds.rate_variation(cohort, "provider", threshold=5)
    shown = set(table.loc[table["clients"].notna(), "provider"]) - {"Total"}
    drawn = ds.unsuppressed(cohort, table, "provider")
    assert set(drawn["provider"]) == shown
    assert len(shown) < cohort["provider"].nunique()  # something was suppressed


def test_period_sets_the_date_placements_are_read_at():
    assert ds.as_at_for_period("2020/21", None, "2020/21") is None
    assert ds.as_at_for_period("2019/20", None, "2020/21") == pd.Timestamp("2020-03-31")
    assert ds.as_at_for_period("2019/20", "2019-06-30", "2020/21") == "2019-06-30"


def test_skip_reason_names_the_file_and_the_demo_command():
    assert ds_text.skip_reason("Liverpool", "E08000012") == (
        "day services: needs the council's day-service placements export "
        "(data/raw/council/E08000012/day_service_placements.xlsx) for Liverpool; run "
        "`asc demo-data --area E08000012` for an illustrative version")
