"""Poisson limits (exact < 10, Byar's >= 10) and crude rates against PHEindicatormethods."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from asclib import stats
from asclib.paths import shared_data_dir

PEER_TOLERANCE = 1.49e-8


def _reference(name: str) -> pd.DataFrame | None:
    root = shared_data_dir()
    path = None if root is None else root / "reference" / "phe" / name
    return pd.read_csv(path) if path is not None and path.exists() else None


def _cases(frame: pd.DataFrame | None, name: str) -> list:
    if frame is None:
        return [
            pytest.param(
                None, marks=pytest.mark.skip(reason=f"../shared/data/reference/phe/{name} absent")
            )
        ]
    return [pytest.param(row, id=row.case_id) for row in frame.itertuples()]


BYAR = _reference("byar.csv")
RATE = _reference("rate.csv")


def test_issue_literal_count_65() -> None:
    assert stats.poisson_ci(65) == pytest.approx((50.163188, 82.849139), abs=5e-7)
    assert stats.poisson_ci(65, 0.998) == pytest.approx((42.880261, 94.000291), abs=5e-7)


def test_issue_literal_rate_1_per_100_is_exact() -> None:
    result = stats.rate(pd.DataFrame({"numerator": [1], "denominator": [100]}), multiplier=100)
    assert result.loc[0, "lower_ci_95"] == pytest.approx(0.025318, abs=5e-7)
    assert result.loc[0, "upper_ci_95"] == pytest.approx(5.571643, abs=5e-7)
    assert result.loc[0, "method"] == "Exact"


@pytest.mark.shared
@pytest.mark.parametrize("case", _cases(BYAR, "byar.csv"))
def test_byar_reproduces_reference_case(case) -> None:
    lower, upper = stats.byar_ci(case.count, case.confidence)
    np.testing.assert_allclose(
        [lower, upper],
        [case.expected_lower, case.expected_upper],
        rtol=PEER_TOLERANCE,
        atol=0,
        equal_nan=True,
    )


@pytest.mark.shared
@pytest.mark.parametrize("case", _cases(RATE, "rate.csv"))
def test_rate_reproduces_reference_case(case) -> None:
    frame = pd.DataFrame({"numerator": [case.numerator], "denominator": [case.denominator]})
    result = stats.rate(frame, confidence=case.confidence, multiplier=case.multiplier)
    suffix = {0.95: "95", 0.998: "99_8"}[case.confidence]
    actual = result.loc[0, ["value", f"lower_ci_{suffix}", f"upper_ci_{suffix}"]].to_numpy(float)
    expected = [case.expected_value, case.expected_lower, case.expected_upper]
    np.testing.assert_allclose(actual, expected, rtol=PEER_TOLERANCE, atol=0, equal_nan=True)
    expected_method = None if pd.isna(case.expected_method) else case.expected_method
    actual_method = result.loc[0, "method"]
    assert (None if pd.isna(actual_method) else actual_method) == expected_method


def test_switch_is_on_the_count_exact_below_ten() -> None:
    counts = np.array([0, 9, 10, np.nan])
    lower, upper = stats.poisson_ci(counts)
    assert lower[0] == 0 and upper[0] == pytest.approx(
        scipy_stats.chi2.ppf(0.975, 2) / 2, rel=1e-14
    )
    assert lower[1] == pytest.approx(scipy_stats.chi2.ppf(0.025, 18) / 2, rel=1e-14)
    byar_lower, byar_upper = stats.byar_ci(10)
    assert (lower[2], upper[2]) == (byar_lower, byar_upper)
    assert np.isnan(lower[3]) and np.isnan(upper[3])


def test_exact_limits_for_many_rows_match_per_row_scipy() -> None:
    rng = np.random.default_rng(1)
    counts = rng.integers(0, 12, 5000).astype(float)
    lower, upper = stats.poisson_ci(counts, 0.998)
    small = counts < 10
    expected_upper = scipy_stats.chi2.ppf(0.999, 2 * counts[small] + 2) / 2
    np.testing.assert_allclose(upper[small], expected_upper, rtol=1e-14)


def test_scalar_in_scalar_out_and_errors() -> None:
    assert isinstance(stats.poisson_ci(3)[0], float)
    with pytest.raises(ValueError, match="count must not be negative: value is -1"):
        stats.poisson_ci(-1)
    with pytest.raises(ValueError, match="column 'denominator' must be greater than 0"):
        stats.rate(pd.DataFrame({"numerator": [1], "denominator": [0]}))


def test_grouped_rate_sums_before_the_switch() -> None:
    data = pd.DataFrame(
        {"g": ["a", "a", "b"], "numerator": [4, 6, 2], "denominator": [100, 100, 200]}
    )
    result = stats.rate(data, by=["g"], confidence=0.95)
    assert result["method"].tolist() == ["Byars", "Exact"]
    assert result.loc[1, "value"] == pytest.approx(1000.0)
    assert result.loc[1, "lower_ci_95"] == pytest.approx(121.10463927198258, rel=1e-12)
    assert "lower_ci_99_8" not in result.columns
