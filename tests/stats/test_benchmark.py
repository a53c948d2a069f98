"""Fingertips-style benchmarking: comparisons, quartiles, recent trends, comparator groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from asclib.benchmark import (
    TREND_THRESHOLD,
    Outcome,
    Polarity,
    Trend,
    comparator_codes,
    comparator_note,
    compare,
    compare_two_level,
    quartile_position,
    recent_trend,
    trend_chi_square,
)

# (lower, upper) against benchmark 50: above, below, containing, touching
ABOVE, BELOW, CONTAINS, TOUCHES = (55.0, 60.0), (40.0, 45.0), (45.0, 55.0), (50.0, 60.0)


@pytest.mark.parametrize(
    ("interval", "polarity", "expected"),
    [
        (ABOVE, Polarity.HIGH_IS_GOOD, Outcome.BETTER),
        (BELOW, Polarity.HIGH_IS_GOOD, Outcome.WORSE),
        (ABOVE, Polarity.LOW_IS_GOOD, Outcome.WORSE),
        (BELOW, Polarity.LOW_IS_GOOD, Outcome.BETTER),
        (ABOVE, Polarity.NO_JUDGEMENT, Outcome.HIGHER),
        (BELOW, Polarity.NO_JUDGEMENT, Outcome.LOWER),
        (CONTAINS, Polarity.HIGH_IS_GOOD, Outcome.SIMILAR),
        (CONTAINS, Polarity.LOW_IS_GOOD, Outcome.SIMILAR),
        (CONTAINS, Polarity.NO_JUDGEMENT, Outcome.SIMILAR),
        (TOUCHES, Polarity.HIGH_IS_GOOD, Outcome.SIMILAR),
        ((np.nan, 60.0), Polarity.HIGH_IS_GOOD, Outcome.NOT_COMPARED),
    ],
)
def test_compare_each_polarity_and_outcome(interval, polarity, expected) -> None:
    assert compare(interval[0], interval[1], 50.0, polarity) is expected
    assert compare(interval[0], interval[1], 50.0, polarity.value) == expected.value


OUT_998_ABOVE, OUT_998_BELOW = (56, 60, 52, 65), (40, 44, 38, 46)
OUT_95_ABOVE, OUT_95_BELOW = (56, 60, 48, 65), (40, 44, 30, 52)


@pytest.mark.parametrize(
    ("limits", "polarity", "expected"),
    [
        # (lower95, upper95, lower998, upper998) against benchmark 50
        (OUT_998_ABOVE, "high_is_good", Outcome.BEST),
        (OUT_998_ABOVE, "low_is_good", Outcome.WORST),
        (OUT_998_ABOVE, "no_judgement", Outcome.HIGHER),
        (OUT_998_BELOW, "high_is_good", Outcome.WORST),
        (OUT_998_BELOW, "low_is_good", Outcome.BEST),
        (OUT_998_BELOW, "no_judgement", Outcome.LOWER),
        (OUT_95_ABOVE, "high_is_good", Outcome.BETTER),
        (OUT_95_ABOVE, "low_is_good", Outcome.WORSE),
        (OUT_95_ABOVE, "no_judgement", Outcome.HIGHER),
        (OUT_95_BELOW, "high_is_good", Outcome.WORSE),
        (OUT_95_BELOW, "low_is_good", Outcome.BETTER),
        (OUT_95_BELOW, "no_judgement", Outcome.LOWER),
        ((45, 55, 40, 60), "high_is_good", Outcome.SIMILAR),
        ((45, 55, 40, 60), "no_judgement", Outcome.SIMILAR),
        ((50, 55, 40, 60), "low_is_good", Outcome.SIMILAR),  # a limit equal to the benchmark
        ((56, 60, 50, 65), "high_is_good", Outcome.BETTER),  # 99.8% limit equal: not Best
        ((45, 55, 40, np.nan), "high_is_good", Outcome.NOT_COMPARED),
    ],
)
def test_compare_two_level(limits, polarity, expected) -> None:
    assert compare_two_level(*limits, 50.0, polarity) is expected


def test_compare_is_vectorised_and_keeps_the_series_index() -> None:
    lower = pd.Series([55.0, 40.0, 45.0, np.nan], index=list("abcd"))
    upper = pd.Series([60.0, 45.0, 55.0, 60.0], index=list("abcd"))
    result = compare(lower, upper, 50.0, "low_is_good")
    assert result.index.tolist() == list("abcd")
    assert result.tolist() == ["Worse", "Better", "Similar", "Not compared"]
    array = compare(lower.to_numpy(), upper.to_numpy(), np.array([50, 50, 60, 50]), "high_is_good")
    assert array.tolist() == [Outcome.BETTER, Outcome.WORSE, Outcome.WORSE, Outcome.NOT_COMPARED]


def test_unknown_polarity_is_a_precise_error() -> None:
    with pytest.raises(
        ValueError, match="polarity must be one of high_is_good, low_is_good, no_judgement"
    ):
        compare(1, 2, 3, "up")


@pytest.mark.parametrize(
    ("value", "polarity", "expected"),
    [
        (10.0, "high_is_good", "Best quartile"),
        (6.5, "high_is_good", "2nd quartile"),
        (4.5, "high_is_good", "3rd quartile"),
        (1.0, "high_is_good", "Worst quartile"),
        (10.0, "low_is_good", "Worst quartile"),
        (6.5, "low_is_good", "3rd quartile"),
        (4.5, "low_is_good", "2nd quartile"),
        (1.0, "low_is_good", "Best quartile"),
        (10.0, "no_judgement", "Highest quartile"),
        (6.5, "no_judgement", "2nd highest quartile"),
        (4.5, "no_judgement", "2nd lowest quartile"),
        (1.0, "no_judgement", "Lowest quartile"),
    ],
)
def test_quartile_position(value, polarity, expected) -> None:
    comparators = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]  # Q1 3.25, Q2 5.5, Q3 7.75 (PERCENTILE.INC)
    assert quartile_position(value, comparators, polarity) == expected


def test_quartile_boundaries_use_excel_percentile_inc() -> None:
    comparators = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    # Q1 = 3.25 exactly: a value equal to it is in the lowest quartile, just above in the next
    assert quartile_position(3.25, comparators, "no_judgement") == "Lowest quartile"
    assert quartile_position(3.26, comparators, "no_judgement") == "2nd lowest quartile"
    assert quartile_position(7.76, comparators, "no_judgement") == "Highest quartile"


def test_quartile_not_compared_with_fewer_than_four_values() -> None:
    assert quartile_position(5.0, [1.0, 2.0, np.nan, 9.0], "high_is_good") == "Not compared"
    assert quartile_position(np.nan, [1.0, 2.0, 3.0, 9.0], "high_is_good") == "Not compared"


def test_trend_chi_square_matches_armitage_formula_and_threshold() -> None:
    assert pytest.approx(scipy_stats.chi2.ppf(0.998, 1), abs=1e-4) == TREND_THRESHOLD
    r = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
    n = np.full(5, 100.0)
    # hand computation: p = 0.3, sum r t = 550, R sum n t / N = 150*1500/500 = 450,
    # sum n t^2 - (sum n t)^2 / N = 5500 - 4500 = 1000 -> chi2 = 100^2 / (0.21 * 1000)
    statistic, direction = trend_chi_square(r, n)
    assert statistic == pytest.approx(10_000 / 210)
    assert direction == 1


@pytest.mark.parametrize(
    ("counts", "polarity", "expected"),
    [
        ([10, 20, 30, 40, 50], "high_is_good", Trend.INCREASING_BETTER),
        ([10, 20, 30, 40, 50], "low_is_good", Trend.INCREASING_WORSE),
        ([50, 40, 30, 20, 10], "low_is_good", Trend.DECREASING_BETTER),
        ([50, 40, 30, 20, 10], "high_is_good", Trend.DECREASING_WORSE),
        ([10, 20, 30, 40, 50], "no_judgement", Trend.INCREASING),
        ([50, 40, 30, 20, 10], "no_judgement", Trend.DECREASING),
        ([30, 31, 29, 30, 31], "high_is_good", Trend.NO_CHANGE),
        ([20, 30, 40, 50], "high_is_good", Trend.CANNOT_BE_CALCULATED),
    ],
)
def test_recent_trend(counts, polarity, expected) -> None:
    assert recent_trend(counts, [100] * len(counts), polarity) is expected


def test_recent_trend_uses_only_the_last_five_points_and_the_threshold() -> None:
    # an early fall is ignored: the last five points rise
    assert (
        recent_trend([90, 80, 10, 20, 30, 40, 50], [100] * 7, "high_is_good")
        is Trend.INCREASING_BETTER
    )
    # chi2 just below 9.5495 -> no significant change (statistic 9.1 here)
    counts, denominators = [40, 45, 50, 55, 60], [200] * 5
    statistic, _ = trend_chi_square(counts, denominators)
    assert statistic < TREND_THRESHOLD
    assert recent_trend(counts, denominators, "high_is_good") is Trend.NO_CHANGE
    assert (
        recent_trend([1, 2, np.nan, 4, 5], [10] * 5, "high_is_good") is Trend.CANNOT_BE_CALCULATED
    )


LOOKUP = pd.DataFrame(
    {
        "area_code": ["E08000014", "E08000012", "E08000013", "E06000006", "E10000017", "E09000001"],
        "region_code": [
            "E12000002",
            "E12000002",
            "E12000002",
            "E12000002",
            "E12000002",
            "E12000007",
        ],
        "geography": ["Metropolitan district"] * 3
        + ["Unitary authority", "County", "London borough"],
        "asc_authority": [True, True, True, True, True, False],
    }
)
NEIGHBOURS = pd.DataFrame(
    {
        "area_code": ["E08000014", "E08000014", "E08000012"],
        "neighbour_code": ["E06000006", "E08000012", "E08000014"],
    }
)


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ("nearest_neighbours", ["E08000014", "E06000006", "E08000012"]),
        ("region", ["E08000014", "E08000012", "E08000013", "E06000006", "E10000017"]),
        ("tier", ["E08000014", "E08000012", "E08000013"]),
        ("england", ["E08000014", "E08000012", "E08000013", "E06000006", "E10000017"]),
        ("E08000013, E10000017", ["E08000014", "E08000013", "E10000017"]),
    ],
)
def test_comparator_codes(group, expected) -> None:
    assert comparator_codes("E08000014", group, LOOKUP, NEIGHBOURS) == expected


def test_comparator_codes_errors_are_precise() -> None:
    with pytest.raises(ValueError, match="area code 'E99999999' is not in the lookup table"):
        comparator_codes("E99999999", "region", LOOKUP, NEIGHBOURS)
    with pytest.raises(ValueError, match="unknown comparator group 'cipfa'"):
        comparator_codes("E08000014", "cipfa", LOOKUP, NEIGHBOURS)
    with pytest.raises(ValueError, match="code\\(s\\) not in the lookup table: E00000000"):
        comparator_codes("E08000014", "E08000013,E00000000", LOOKUP, NEIGHBOURS)


def test_no_nearest_neighbours_falls_back_to_the_region_with_a_note() -> None:
    # E08000013 has no neighbours listed (as City of London and the Isles of Scilly)
    assert comparator_codes("E08000013", "nearest_neighbours", LOOKUP, NEIGHBOURS) == [
        "E08000013", "E08000014", "E08000012", "E06000006", "E10000017"]
    lookup = LOOKUP.assign(area_name=["Sefton", "Liverpool", "Knowsley", "Halton", "Lancs",
                                      "City"], region_name="North West")
    assert comparator_note("E08000013", "nearest_neighbours", lookup, NEIGHBOURS) == (
        "Knowsley has no nearest neighbours in the comparator list, so the councils of its "
        "region (North West) are used as its comparator group instead.")
    assert comparator_note("E08000014", "nearest_neighbours", lookup, NEIGHBOURS) == ""
    assert comparator_note("E08000013", "region", lookup, NEIGHBOURS) == ""
