"""Indirectly standardised ratios and rates against PHEindicatormethods."""

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


INPUTS = _reference("isr_inputs.csv")
EXPECTED = _reference("isr_expected.csv")
CASES = (
    [pytest.param(row, id=row.case_id) for row in EXPECTED.itertuples()]
    if EXPECTED is not None
    else [
        pytest.param(
            None, marks=pytest.mark.skip(reason="../shared/data/reference/phe/isr_*.csv absent")
        )
    ]
)


@pytest.mark.shared
@pytest.mark.parametrize("case", CASES)
def test_isr_reproduces_reference_case(case) -> None:
    data = INPUTS[INPUTS["area"] == case.area]
    common = dict(by="area", confidence=case.confidence)
    if case.kind == "ratio":
        result = stats.isr_ratio(
            data, "count", "pop", "refcount", "refpop", refvalue=case.scale, **common
        )
        kernel = stats.isr(
            data["count"],
            data["pop"],
            data["refcount"],
            data["refpop"],
            case.confidence,
            refvalue=case.scale,
        )
    else:
        result = stats.isr_rate(
            data, "count", "pop", "refcount", "refpop", multiplier=case.scale, **common
        )
        assert result.loc[0, "reference_rate"] == pytest.approx(
            case.expected_ref_rate, rel=PEER_TOLERANCE
        )
        kernel = None
    suffix = {0.95: "95", 0.998: "99_8"}[case.confidence]
    actual = result.loc[
        0, ["observed", "expected", "value", f"lower_ci_{suffix}", f"upper_ci_{suffix}"]
    ]
    expected = [
        case.expected_observed,
        case.expected_expected,
        case.expected_value,
        case.expected_lower,
        case.expected_upper,
    ]
    np.testing.assert_allclose(actual.to_numpy(float), expected, rtol=PEER_TOLERANCE, atol=0)
    assert result.loc[0, "method"] == case.expected_method
    if kernel is not None:
        np.testing.assert_allclose(list(kernel), expected[2:], rtol=PEER_TOLERANCE, atol=0)


def test_ratio_small_count_uses_exact_limits() -> None:
    ratio, lower, upper = stats.isr([3.0], [1000.0], [10.0], [1000.0])  # O = 3, E = 10
    assert ratio == pytest.approx(0.3)
    assert lower == pytest.approx(0.0618672, rel=1e-5)  # chi2(0.025, 6)/2 / 10
    assert upper == pytest.approx(0.8767273, rel=1e-6)  # chi2(0.975, 8)/2 / 10


def test_reference_table_joined_by_band_label() -> None:
    data = pd.DataFrame(
        {"age_band": ["65-74", "75+"], "count": [30.0, 60.0], "population": [1000.0, 500.0]}
    )
    reference = pd.DataFrame(
        {
            "age_band": ["75+", "65-74"],
            "reference_count": [100.0, 20.0],
            "reference_population": [1000.0, 1000.0],
        }
    )
    result = stats.isr_ratio(data, reference=reference, refvalue=100)
    # E = 20/1000*1000 + 100/1000*500 = 70; O = 90
    assert result.loc[0, "expected"] == pytest.approx(70.0)
    assert result.loc[0, "value"] == pytest.approx(90 / 70 * 100)
    with pytest.raises(ValueError, match=r"age band\(s\) '85\+' of data are not in reference"):
        stats.isr_ratio(pd.concat([data, data.assign(age_band="85+")]), reference=reference)


def test_zero_expected_gives_nan_with_reason() -> None:
    data = pd.DataFrame(
        {
            "count": [2.0],
            "population": [100.0],
            "reference_count": [0.0],
            "reference_population": [1000.0],
        }
    )
    result = stats.isr_ratio(data)
    assert np.isnan(result.loc[0, "value"])
    assert result.loc[0, "reason"] == "expected count is 0"
