"""Wilson score intervals and the proportion table against PHEindicatormethods' test data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from asclib import stats
from asclib.paths import shared_data_dir

PEER_TOLERANCE = 1.49e-8  # the peer's expect_equal tolerance (see the reference README)


def _reference(name: str) -> pd.DataFrame | None:
    root = shared_data_dir()
    path = None if root is None else root / "reference" / "phe" / name
    return pd.read_csv(path) if path is not None and path.exists() else None


WILSON = _reference("wilson.csv")
WILSON_CASES = (
    [pytest.param(row, id=row.case_id) for row in WILSON.itertuples()]
    if WILSON is not None
    else [
        pytest.param(
            None, marks=pytest.mark.skip(reason="../shared/data/reference/phe/wilson.csv absent")
        )
    ]
)


def test_issue_literal_wilson_65_of_100() -> None:
    assert stats.wilson_ci(65, 100) == pytest.approx((0.552544, 0.736358), abs=5e-7)
    assert stats.wilson_ci(65, 100, 0.998) == pytest.approx((0.495495, 0.778354), abs=5e-7)


@pytest.mark.shared
@pytest.mark.parametrize("case", WILSON_CASES)
def test_wilson_reproduces_reference_case(case) -> None:
    lower, upper = stats.wilson_ci(case.numerator, case.denominator, case.confidence)
    actual = np.array([case.numerator / case.denominator, lower, upper]) * case.multiplier
    expected = np.array([case.expected_value, case.expected_lower, case.expected_upper])
    np.testing.assert_allclose(actual, expected, rtol=PEER_TOLERANCE, atol=0, equal_nan=True)


@pytest.mark.shared
def test_proportion_table_reproduces_every_reference_case_at_once() -> None:
    if WILSON is None:
        pytest.skip("../shared/data/reference/phe/wilson.csv absent")
    for (confidence, multiplier), cases in WILSON.groupby(["confidence", "multiplier"]):
        result = stats.proportion(
            cases, "numerator", "denominator", confidence=confidence, multiplier=multiplier
        )
        suffix = {0.95: "95", 0.998: "99_8", 1.0: "100"}[confidence]
        np.testing.assert_allclose(result["value"], cases["expected_value"], rtol=PEER_TOLERANCE)
        np.testing.assert_allclose(
            result[f"lower_ci_{suffix}"], cases["expected_lower"], rtol=PEER_TOLERANCE, atol=0
        )
        np.testing.assert_allclose(
            result[f"upper_ci_{suffix}"], cases["expected_upper"], rtol=PEER_TOLERANCE, atol=0
        )


def test_vectorised_with_missing_values_giving_nan_per_element() -> None:
    lower, upper = stats.wilson_ci(np.array([65, np.nan, 0]), np.array([100, 100, 50]))
    assert lower[0] == pytest.approx(0.5525444329688797, rel=1e-12)
    assert np.isnan(lower[1]) and np.isnan(upper[1])
    assert lower[2] == 0 and upper[2] == pytest.approx(0.0713476, rel=1e-5)


def test_proportion_table_has_both_levels_and_reasons() -> None:
    data = pd.DataFrame({"area": ["A", "B"], "numerator": [65, np.nan], "denominator": [100, 10]})
    result = stats.proportion(data)
    assert list(result.columns) == [
        "area",
        "numerator",
        "denominator",
        "value",
        "lower_ci_95",
        "upper_ci_95",
        "lower_ci_99_8",
        "upper_ci_99_8",
        "method",
        "reason",
    ]
    assert result.loc[0, "value"] == 65.0
    assert result.loc[0, "lower_ci_99_8"] == pytest.approx(49.5495, abs=5e-5)
    assert result.loc[0, "method"] == "Wilson"
    assert pd.isna(result.loc[0, "reason"])
    assert np.isnan(result.loc[1, "value"])
    assert result.loc[1, "reason"] == "missing numerator or denominator"
    assert data.shape == (2, 3)  # input untouched


def test_grouped_proportion_sums_numerators_and_denominators() -> None:
    data = pd.DataFrame({"g": ["x", "x", "y"], "n": [30, 35, 1], "d": [40, 60, 100]})
    result = stats.proportion(data, "n", "d", by="g", multiplier=1)
    assert result["g"].tolist() == ["x", "y"]
    assert result["n"].tolist() == [65, 1]
    assert result.loc[0, "lower_ci_95"] == pytest.approx(0.5525444329688797, rel=1e-12)


@pytest.mark.parametrize(
    ("numerator", "denominator", "confidence", "message"),
    [
        (-1, 10, 0.95, "numerator must not be negative"),
        (1, 0, 0.95, "denominator must be greater than 0"),
        (11, 10, 0.95, "numerator must not exceed denominator"),
        (1, 10, 0.8, "confidence must be a fraction between 0.9 and 1"),
        (1, 10, 95, "did you mean 0.95"),
    ],
)
def test_invalid_input_raises_a_precise_error(numerator, denominator, confidence, message) -> None:
    with pytest.raises(ValueError, match=message):
        stats.wilson_ci(numerator, denominator, confidence)


def test_table_error_names_the_column_and_row() -> None:
    data = pd.DataFrame({"numerator": [1, 12], "denominator": [10, 10]})
    with pytest.raises(
        ValueError, match=r"column 'numerator' must not exceed column 'denominator'.*element 1"
    ):
        stats.proportion(data)
    with pytest.raises(ValueError, match="column\\(s\\) 'count' not found"):
        stats.proportion(data, "count")
