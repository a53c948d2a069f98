"""Directly standardised rates (Dobson) against PHEindicatormethods, and the ESP2013 join."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from asclib import stats
from asclib.paths import shared_data_dir

PEER_TOLERANCE = 1.49e-8
# testdata_nonind_* expected values are given to 8 dp in the reference file
NONIND_TOLERANCE = 1e-10


def _reference(name: str) -> pd.DataFrame | None:
    root = shared_data_dir()
    path = None if root is None else root / "reference" / "phe" / name
    return pd.read_csv(path) if path is not None and path.exists() else None


INPUTS = _reference("dsr_inputs.csv")
NONIND = _reference("dsr_nonind_inputs.csv")
EXPECTED = _reference("dsr_expected.csv")
CASES = (
    [pytest.param(row, id=row.case_id) for row in EXPECTED.itertuples()]
    if EXPECTED is not None
    else [
        pytest.param(
            None, marks=pytest.mark.skip(reason="../shared/data/reference/phe/dsr_*.csv absent")
        )
    ]
)


@pytest.mark.shared
@pytest.mark.parametrize("case", CASES)
def test_dsr_reproduces_reference_case(case) -> None:
    if case.independent_events:
        data = INPUTS[INPUTS["area"] == case.area]
        result = stats.standardised_rate(
            data,
            "count",
            "pop",
            age_band="ageband",
            standard="stdpop",
            by="area",
            confidence=case.confidence,
            multiplier=case.multiplier,
        )
        kernel = stats.dsr(
            data["count"], data["pop"], data["stdpop"], case.confidence, case.multiplier
        )
    else:
        data = NONIND[NONIND["area"] == case.area]
        result = stats.standardised_rate(
            data,
            "persons",
            "pop",
            age_band="ageband",
            standard="stdpop",
            by="area",
            confidence=case.confidence,
            multiplier=case.multiplier,
            event_frequency="freq",
        )
        kernel = None
    suffix = {0.95: "95", 0.998: "99_8"}[case.confidence]
    actual = result.loc[0, ["value", f"lower_ci_{suffix}", f"upper_ci_{suffix}"]].to_numpy(float)
    expected = [case.expected_value, case.expected_lower, case.expected_upper]
    rtol = PEER_TOLERANCE if case.independent_events else max(PEER_TOLERANCE, NONIND_TOLERANCE)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=0, equal_nan=True)
    assert result.loc[0, "total_count"] == case.expected_total_count
    assert result.loc[0, "total_population"] == case.expected_total_pop
    if np.isnan(case.expected_value):
        assert result.loc[0, "reason"] == "total count < 10"
    if kernel is not None:
        np.testing.assert_allclose(list(kernel), expected, rtol=PEER_TOLERANCE, equal_nan=True)


def test_esp2013_bands_and_total() -> None:
    assert len(stats.ESP2013) == 19
    assert stats.ESP2013_BANDS[0] == "0-4" and stats.ESP2013_BANDS[-1] == "90+"
    assert sum(stats.ESP2013.values()) == 100_000
    assert stats.ESP2013["85-89"] == 1500


@pytest.mark.shared
def test_esp2013_is_joined_by_band_label_not_row_position() -> None:
    if INPUTS is None:
        pytest.skip("../shared/data/reference/phe/dsr_inputs.csv absent")
    big = INPUTS[INPUTS["area"] == "testdata_big"].copy()
    big["age_band"] = big["ageband"].replace({"55-69": "55-59"})  # a typo in the peer's sheet
    shuffled = big.sample(frac=1.0, random_state=3)
    result = stats.standardised_rate(shuffled, "count", "pop", multiplier=100_000)
    assert result.loc[0, "value"] == pytest.approx(10430.247991469423, rel=PEER_TOLERANCE)
    assert result.loc[0, "lower_ci_95"] == pytest.approx(9717.709067985681, rel=PEER_TOLERANCE)
    assert result.loc[0, "upper_ci_99_8"] == pytest.approx(11620.595999522058, rel=PEER_TOLERANCE)


def _one_area(counts: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"age_band": list(stats.ESP2013_BANDS), "count": counts, "population": [1000.0] * 19}
    )


def test_total_count_under_ten_is_nan_with_a_reason() -> None:
    estimate = stats.dsr([1.0] * 9 + [0.0] * 10, [1000.0] * 19, list(stats.ESP2013.values()))
    assert all(np.isnan(estimate))
    assert estimate.reason == "total count < 10"
    value, lower, upper = stats.dsr([1.0] * 19, [1000.0] * 19, list(stats.ESP2013.values()))
    assert value == pytest.approx(100.0)  # 1 per 1000 in every band = 100 per 100,000
    assert lower < value < upper


def test_missing_or_unknown_bands_are_precise_errors() -> None:
    data = _one_area([5.0] * 19)
    with pytest.raises(
        ValueError, match=r"age band\(s\) '90\+' of the standard population are missing"
    ):
        stats.standardised_rate(data.iloc[:-1], "count")
    bad = data.assign(age_band=data["age_band"].replace({"90+": "90-94"}))
    with pytest.raises(ValueError, match="'90-94' are not in the standard population"):
        stats.standardised_rate(bad, "count")
    with pytest.raises(ValueError, match="populations must be greater than 0"):
        stats.standardised_rate(data.assign(population=0.0), "count")


def test_grouped_by_area_and_sex() -> None:
    frames = [_one_area([10.0] * 19).assign(area=a, sex=s) for a in ("A", "B") for s in ("F", "M")]
    result = stats.standardised_rate(pd.concat(frames), "count", by=["area", "sex"])
    assert result[["area", "sex"]].to_numpy().tolist() == [
        ["A", "F"],
        ["A", "M"],
        ["B", "F"],
        ["B", "M"],
    ]
    np.testing.assert_allclose(result["value"], 1000.0)
    assert (result["method"] == "Dobson").all()
