"""Means with Student's t intervals against PHEindicatormethods."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from asclib import stats
from asclib.paths import shared_data_dir

PEER_TOLERANCE = 1.49e-8


def _reference(name: str) -> pd.DataFrame | None:
    root = shared_data_dir()
    path = None if root is None else root / "reference" / "phe" / name
    return pd.read_csv(path) if path is not None and path.exists() else None


VALUES = _reference("mean_values.csv")
EXPECTED = _reference("mean_expected.csv")
CASES = (
    [pytest.param(row, id=row.case_id) for row in EXPECTED.itertuples()]
    if EXPECTED is not None and VALUES is not None
    else [
        pytest.param(
            None, marks=pytest.mark.skip(reason="../shared/data/reference/phe/mean_*.csv absent")
        )
    ]
)


@pytest.mark.shared
@pytest.mark.parametrize("case", CASES)
def test_mean_reproduces_reference_case(case) -> None:
    values = VALUES if case.group == "ALL" else VALUES[VALUES["group"] == case.group]
    value, lower, upper = stats.mean_ci(values["value"], case.confidence)
    np.testing.assert_allclose(
        [value, lower, upper],
        [case.expected_value, case.expected_lower, case.expected_upper],
        rtol=PEER_TOLERANCE,
        atol=0,
    )
    table = stats.mean(values, "value", confidence=case.confidence)
    suffix = {0.95: "95", 0.998: "99_8"}[case.confidence]
    np.testing.assert_allclose(
        table.loc[
            0,
            [
                "value_sum",
                "value_count",
                "stdev",
                "value",
                f"lower_ci_{suffix}",
                f"upper_ci_{suffix}",
            ],
        ].to_numpy(float),
        [
            case.expected_sum,
            case.expected_count,
            case.expected_sd,
            case.expected_value,
            case.expected_lower,
            case.expected_upper,
        ],
        rtol=PEER_TOLERANCE,
        atol=0,
    )


def test_grouped_mean_and_a_group_too_small() -> None:
    data = pd.DataFrame({"g": ["a", "a", "a", "a", "b"], "value": [1.0, 2.0, 3.0, 4.0, 7.0]})
    result = stats.mean(data, by="g")
    assert result["g"].tolist() == ["a", "b"]
    assert result.loc[0, "lower_ci_95"] == pytest.approx(0.4457397432394794, rel=1e-12)
    assert result.loc[1, "value"] == 7.0
    assert np.isnan(result.loc[1, "upper_ci_99_8"])
    assert result.loc[1, "reason"] == "fewer than 2 values"
    assert result.loc[0, "method"] == "Student's t"


def test_mean_ci_ignores_missing_and_handles_empty() -> None:
    assert stats.mean_ci([1.0, np.nan, 3.0])[0] == 2.0
    assert all(np.isnan(stats.mean_ci([])))
    with pytest.raises(ValueError, match="confidence"):
        stats.mean_ci([1.0, 2.0], 0.5)
