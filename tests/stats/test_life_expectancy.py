"""Life expectancy (Chiang II, Silcocks CI) against PHEindicatormethods, and the NA rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from asclib import stats
from asclib.paths import shared_data_dir

# The peer rounds both sides to 4 dp before comparing (see the reference README).
LE_TOLERANCE = 5e-5
AGES = np.array(stats.LIFE_TABLE_START_AGES, dtype=float)
Z95 = 1.959963984540054
Z998 = 3.090232306167813


def _reference(name: str) -> pd.DataFrame | None:
    root = shared_data_dir()
    path = None if root is None else root / "reference" / "phe" / name
    return pd.read_csv(path) if path is not None and path.exists() else None


INPUTS = _reference("le_inputs.csv")
EXPECTED = _reference("le_expected.csv")
CASES = (
    [pytest.param(row, id=f"{row.case}-{row.startage}") for row in EXPECTED.itertuples()]
    if EXPECTED is not None and INPUTS is not None
    else [
        pytest.param(
            None, marks=pytest.mark.skip(reason="../shared/data/reference/phe/le_*.csv absent")
        )
    ]
)


@pytest.fixture(scope="module")
def reference_table() -> pd.DataFrame:
    if INPUTS is None or EXPECTED is None:
        pytest.skip("../shared/data/reference/phe/le_*.csv absent")
    return stats.life_expectancy_table(INPUTS, by="case", confidence=0.95)


def _close(actual: float, expected: float) -> bool:
    if np.isnan(expected):
        return bool(np.isnan(actual))
    return abs(actual - expected) <= LE_TOLERANCE


@pytest.mark.shared
@pytest.mark.parametrize("case", CASES)
def test_life_expectancy_reproduces_reference_case(case, reference_table) -> None:
    row = reference_table[
        (reference_table["case"] == case.case) & (reference_table["startage"] == case.startage)
    ]
    assert len(row) == 1
    row = row.iloc[0]
    assert _close(row["value"], case.expected_value), (row["value"], case.expected_value)
    assert _close(row["lower_ci_95"], case.expected_lower)
    assert _close(row["upper_ci_95"], case.expected_upper)

    area = INPUTS[INPUTS["case"] == case.case]
    kernel = stats.life_expectancy(area["startage"], area["pops"], area["deaths"], case.confidence)
    at = int(np.flatnonzero(kernel.start_ages == case.startage)[0])
    assert _close(kernel.value[at], case.expected_value)
    assert _close(kernel.lower[at], case.expected_lower)
    assert _close(kernel.upper[at], case.expected_upper)


@pytest.mark.shared
def test_reference_cases_all_present_with_reasons(reference_table) -> None:
    assert len(EXPECTED) == 60
    merged = reference_table.merge(EXPECTED, on=["case", "startage"], validate="one_to_one")
    assert len(merged) == 60
    area1 = merged[merged["case"] == "widecis_area1"]
    assert (area1["reason"] == "deaths > population in an age band").all()
    wide = merged[(merged["case"] == "widecis_area2") & (merged["startage"] >= 40)]
    assert len(wide) == 11
    assert (wide["reason"] == "95% confidence interval wider than 20 years").all()
    assert merged.loc[merged["case"] == "df1", "reason"].isna().all()


# df1 of the peer's testLifeExpectancy.R, as literals so this never skips.
DF1_POPS = [7060, 35059, 46974, 48489, 43219, 38561, 46009, 57208, 61435, 55601, 50209,
            56416, 46411, 39820, 37978, 37039, 33288, 23306, 11936, 11936]  # fmt: skip
DF1_DEATHS = [17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872, 1390, 1605,
              1936, 1937]  # fmt: skip
DF1_EXPECTED = {  # start age: (value, lower, upper) at 95%
    0: (80.16960813, 79.88268548, 80.45653078),
    65: (18.76856852, 18.57570352, 18.96143352),
    90: (6.16210635, 5.887683386, 6.436529314),
}


def test_literal_peer_case_df1() -> None:
    result = stats.life_expectancy(AGES, DF1_POPS, DF1_DEATHS)
    for age, expected in DF1_EXPECTED.items():
        at = int(np.flatnonzero(age == AGES)[0])
        actual = (result.value[at], result.lower[at], result.upper[at])
        np.testing.assert_allclose(actual, expected, rtol=0, atol=LE_TOLERANCE)
    assert all(reason is None for reason in result.reason)


def _flat_table(open_deaths: float = 100.0, population: float = 1000.0):
    """No deaths before 90, so l stays at the radix: e_x = (90 - x) + 1 / M_90 and the
    variance is 1 / (D M^2) at every age (only the open band contributes)."""
    deaths = np.zeros(20)
    deaths[-1] = open_deaths
    return np.full(20, population), deaths


def test_hand_computed_flat_table() -> None:
    pops, deaths = _flat_table()  # M_90 = 0.1: e_x = 100 - x, SE = 1 / sqrt(100 x 0.01) = 1
    result = stats.life_expectancy(AGES, pops, deaths)
    np.testing.assert_allclose(result.value, 100 - AGES, rtol=1e-12)
    np.testing.assert_allclose(result.lower, 100 - AGES - Z95, rtol=1e-12)
    np.testing.assert_allclose(result.upper, 100 - AGES + Z95, rtol=1e-12)
    result_998 = stats.life_expectancy(AGES, pops, deaths, 0.998)
    np.testing.assert_allclose(result_998.upper - result_998.value, Z998, rtol=1e-12)


def _loop_life_table(pops, deaths, z):
    """Plain-Python Chiang II / Silcocks, written band by band, to check the vectorised code."""
    widths = [1, 4] + [5] * 17
    a = [0.1] + [0.5] * 18
    survivors, q = [100_000.0], []
    for i in range(19):
        m = deaths[i] / pops[i]
        qi = widths[i] * m / (1 + widths[i] * m * (1 - a[i]))
        if deaths[i] > pops[i] / widths[i] / a[i]:
            qi = 1.0
        q.append(qi)
        survivors.append(survivors[i] * (1 - qi))
    m_open = deaths[19] / pops[19]
    person_years = [
        widths[i] * (survivors[i + 1] + a[i] * (survivors[i] - survivors[i + 1])) for i in range(19)
    ]
    person_years.append(survivors[19] / m_open)
    e = [sum(person_years[i:]) / survivors[i] for i in range(20)]
    terms = []
    for i in range(19):
        s2 = 0.0 if deaths[i] == 0 else q[i] ** 2 * (1 - q[i]) / deaths[i]
        terms.append(survivors[i] ** 2 * ((1 - a[i]) * widths[i] + e[i + 1]) ** 2 * s2)
    terms.append((survivors[19] / 2) ** 2 * 4 / (deaths[19] * m_open**2))
    se = [np.sqrt(sum(terms[i:]) / survivors[i] ** 2) for i in range(20)]
    return np.array(e), np.array(e) - z * np.array(se), np.array(e) + z * np.array(se)


def test_matches_band_by_band_computation_and_input_order() -> None:
    rng = np.random.default_rng(4)
    pops = rng.integers(2000, 9000, 20).astype(float)
    deaths = np.round(pops * np.linspace(0.001, 0.2, 20))
    deaths[3] = 0  # a band without deaths
    expected = _loop_life_table(pops, deaths, Z998)
    shuffle = rng.permutation(20)
    result = stats.life_expectancy(AGES[shuffle], pops[shuffle], deaths[shuffle], 0.998)
    np.testing.assert_array_equal(result.start_ages, AGES[shuffle])
    for actual, wanted in zip(result, expected, strict=True):
        np.testing.assert_allclose(actual, wanted[shuffle], rtol=1e-12)


def test_radix_does_not_change_results() -> None:
    a = stats.life_expectancy(AGES, DF1_POPS, DF1_DEATHS)
    b = stats.life_expectancy(AGES, DF1_POPS, DF1_DEATHS, radix=1)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_allclose(x, y, rtol=1e-12)
    with pytest.raises(ValueError, match="radix must be a positive number"):
        stats.life_expectancy(AGES, DF1_POPS, DF1_DEATHS, radix=0)


# ---- NA rules: the whole group is NaN with a reason -------------------------------------


def _modified(index: int, pops: float | None = None, deaths: float | None = None):
    p, d = np.array(DF1_POPS, dtype=float), np.array(DF1_DEATHS, dtype=float)
    if pops is not None:
        p[index] = pops
    if deaths is not None:
        d[index] = deaths
    return p, d


@pytest.mark.parametrize(
    ("pops_deaths", "reason"),
    [
        (_modified(5, deaths=-1), "negative deaths"),
        (_modified(7, pops=0), "population <= 0 in an age band"),
        (_modified(7, pops=-10), "population <= 0 in an age band"),
        (_modified(19, deaths=11937), "deaths > population in an age band"),
        (_modified(2, deaths=np.nan), "missing population or deaths"),
        (_modified(19, deaths=0), "no deaths in the open age band"),
        ((np.full(20, 250.0), np.full(20, 10.0)), "total population <= 5000"),
    ],
    ids=["negative-deaths", "zero-pop", "negative-pop", "deaths-above-pop", "missing",
         "no-open-deaths", "total-pop-5000"],
)  # fmt: skip
def test_group_na_rules(pops_deaths, reason) -> None:
    pops, deaths = pops_deaths
    result = stats.life_expectancy(AGES, pops, deaths)
    for array in result:
        assert np.isnan(array).all()
    assert list(result.reason) == [reason] * 20


def test_total_population_just_above_5000_is_computed() -> None:
    pops, deaths = _flat_table(open_deaths=26, population=250.05)  # total 5001
    result = stats.life_expectancy(AGES, pops, deaths)
    assert np.isfinite(result.value).all()
    pops, deaths = _flat_table(open_deaths=26, population=250.0)  # total exactly 5000
    assert np.isnan(stats.life_expectancy(AGES, pops, deaths).value).all()


def test_not_twenty_bands_gives_na_with_reason() -> None:
    result = stats.life_expectancy(AGES[:-1], DF1_POPS[:-1], DF1_DEATHS[:-1])
    assert result.value.shape == (19,)
    assert np.isnan(result.value).all() and np.isnan(result.lower).all()
    assert set(result.reason) == {"not the 20 age bands 0, 1, 5, 10, ..., 90"}


def test_wide_interval_drops_value_but_keeps_limits() -> None:
    pops, deaths = _flat_table(open_deaths=1, population=300.0)  # M = 1/300: SE = 300
    result = stats.life_expectancy(AGES, pops, deaths)
    assert np.isnan(result.value).all()
    np.testing.assert_allclose(result.lower, 390 - AGES - Z95 * 300, rtol=1e-12)
    np.testing.assert_allclose(result.upper, 390 - AGES + Z95 * 300, rtol=1e-12)
    assert set(result.reason) == {"95% confidence interval wider than 20 years"}


def test_wide_interval_rule_uses_95_percent_whatever_the_level() -> None:
    # Only the open band contributes: SE = 1 / sqrt(D M^2) = 1 / (10 M) with D = 100.
    pops, deaths = _flat_table(open_deaths=100, population=100 / 0.0175)  # 1.96 SE = 11.2
    at_998 = stats.life_expectancy(AGES, pops, deaths, 0.998)
    assert np.isnan(at_998.value).all()
    pops, deaths = _flat_table(open_deaths=100, population=100 / 0.0185)  # 1.96 SE = 10.59
    assert np.isnan(stats.life_expectancy(AGES, pops, deaths).value).all()
    pops, deaths = _flat_table(open_deaths=100, population=100 / 0.0197)  # 1.96 SE = 9.95
    ok = stats.life_expectancy(AGES, pops, deaths, 0.998)  # 3.09 SE = 15.7: value kept
    assert np.isfinite(ok.value).all()
    np.testing.assert_allclose(ok.upper - ok.value, Z998 / 0.0197 / 10, rtol=1e-12)


@pytest.mark.parametrize(
    ("ages", "message"),
    [
        (np.where(AGES == 5, 6, AGES), "start age.s. 6 are not life-table ages"),
        (np.where(AGES == 5, 1, AGES), "start age 1 appears more than once"),
        (np.where(AGES == 5, np.nan, AGES), "start age missing at element 2"),
    ],
)
def test_bad_start_ages_raise(ages, message) -> None:
    with pytest.raises(ValueError, match=message):
        stats.life_expectancy(ages, DF1_POPS, DF1_DEATHS)


def test_lengths_and_confidence_checked() -> None:
    with pytest.raises(ValueError, match="must have one value per age band"):
        stats.life_expectancy(AGES, DF1_POPS[:-1], DF1_DEATHS)
    with pytest.raises(ValueError, match="did you mean 0.95"):
        stats.life_expectancy(AGES, DF1_POPS, DF1_DEATHS, 95)


# ---- table function ------------------------------------------------------------------------


def _two_area_frame() -> pd.DataFrame:
    good = pd.DataFrame({"startage": AGES, "pops": DF1_POPS, "deaths": DF1_DEATHS})
    short = good.iloc[:-1]
    bad = good.assign(deaths=np.where(good["startage"] == 30, -1, good["deaths"]))
    frames = [
        short.assign(area="B", sex="F"),
        good.iloc[::-1].assign(area="A", sex="M"),
        bad.assign(area="A", sex="F"),
    ]
    return pd.concat(frames, ignore_index=True)


def test_table_groups_columns_and_both_levels() -> None:
    table = stats.life_expectancy_table(_two_area_frame(), by=["area", "sex"])
    assert list(table.columns) == [
        "area", "sex", "startage", "value", "lower_ci_95", "upper_ci_95",
        "lower_ci_99_8", "upper_ci_99_8", "method", "reason",
    ]  # fmt: skip
    assert len(table) == 19 + 20 + 20
    # groups in order of first appearance, ages ascending within each group
    assert list(table["area"] + table["sex"]) == ["BF"] * 19 + ["AM"] * 20 + ["AF"] * 20
    assert list(table["startage"].iloc[19:39]) == list(AGES)
    assert (table["method"] == "Chiang II").all()
    good = table[(table["area"] == "A") & (table["sex"] == "M")].set_index("startage")
    for age, (value, lower, upper) in DF1_EXPECTED.items():
        assert good.loc[age, "value"] == pytest.approx(value, abs=LE_TOLERANCE)
        assert good.loc[age, "lower_ci_95"] == pytest.approx(lower, abs=LE_TOLERANCE)
        assert good.loc[age, "upper_ci_95"] == pytest.approx(upper, abs=LE_TOLERANCE)
    half_95 = good["upper_ci_95"] - good["value"]
    half_998 = good["upper_ci_99_8"] - good["value"]
    np.testing.assert_allclose(half_998 / half_95, Z998 / Z95, rtol=1e-12)
    assert good["reason"].isna().all()
    short = table[table["area"] == "B"]
    assert short["value"].isna().all() and short["lower_ci_99_8"].isna().all()
    assert (short["reason"] == "not the 20 age bands 0, 1, 5, 10, ..., 90").all()
    negative = table[(table["area"] == "A") & (table["sex"] == "F")]
    assert negative["upper_ci_95"].isna().all()
    assert (negative["reason"] == "negative deaths").all()


def test_table_without_by_and_custom_columns() -> None:
    data = pd.DataFrame({"age": AGES, "population": DF1_POPS, "died": DF1_DEATHS})
    table = stats.life_expectancy_table(data, "age", "population", "died", confidence=0.95)
    assert list(table.columns) == ["age", "value", "lower_ci_95", "upper_ci_95", "method", "reason"]
    assert table["value"].iloc[0] == pytest.approx(DF1_EXPECTED[0][0], abs=LE_TOLERANCE)


def test_table_errors_name_the_problem() -> None:
    data = _two_area_frame()
    with pytest.raises(ValueError, match="column.s. 'pop' not found"):
        stats.life_expectancy_table(data, population="pop")
    duplicated = pd.concat([data, data.iloc[[25]]], ignore_index=True)
    with pytest.raises(ValueError, match="group area='A', sex='M': start age 60 appears more"):
        stats.life_expectancy_table(duplicated, by=["area", "sex"])
    text = data.astype({"deaths": object})
    text.loc[3, "deaths"] = "many"
    with pytest.raises(ValueError, match="column 'deaths' must be numeric; row 3"):
        stats.life_expectancy_table(text, by="area")
