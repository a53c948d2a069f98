"""Funnel-plot limits and significance against PHEindicatormethods' test data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from asclib.paths import shared_data_dir
from asclib.stats import funnels

PROP_LIMIT_ABS = 5.1e-7  # the peer's proportion funnel file is rounded to 6 dp (README)
RATIO_EVENTS_REL, RATIO_EVENTS_ABS = 1e-6, 1e-7  # bisection stopped at 1e-7 (README)


def _reference(name: str) -> pd.DataFrame | None:
    root = shared_data_dir()
    path = None if root is None else root / "reference" / "phe" / name
    return pd.read_csv(path) if path is not None and path.exists() else None


def _need(frame: pd.DataFrame | None, name: str) -> pd.DataFrame:
    if frame is None:
        pytest.skip(f"../shared/data/reference/phe/{name} absent")
    return frame


PROP_LIMITS = _reference("funnel_prop_limits.csv")
PROP_SIGNIFICANCE = _reference("funnel_prop_significance.csv")
RATIO_LIMITS = _reference("funnel_ratio_limits.csv")
RATIO_SIGNIFICANCE = _reference("funnel_ratio_significance.csv")
SIDES = ("lower_2s", "upper_2s", "lower_3s", "upper_3s")


@pytest.mark.shared
def test_proportion_funnel_limits_all_200_cases() -> None:
    reference = _need(PROP_LIMITS, "funnel_prop_limits.csv")
    checked = 0
    for (_, average), cases in reference.groupby(["source", "average_proportion"]):
        result = funnels.proportion_funnel_limits(cases["population"], average, 100)
        np.testing.assert_allclose(result["baseline"], cases["expected_baseline"], atol=5e-9)
        for side in SIDES:
            np.testing.assert_allclose(
                result[side].to_numpy(),
                cases[f"expected_{side}"].to_numpy(),
                rtol=0,
                atol=PROP_LIMIT_ABS,
            )
        checked += len(cases)
    assert checked == 200


@pytest.mark.shared
def test_proportion_significance_all_303_cases() -> None:
    reference = _need(PROP_SIGNIFICANCE, "funnel_prop_significance.csv")
    labels = funnels.proportion_significance(reference["numerator"], reference["denominator"])
    assert len(reference) == 303
    assert labels.tolist() == reference["significance"].tolist()


@pytest.mark.shared
def test_ratio_significance_all_300_cases() -> None:
    reference = _need(RATIO_SIGNIFICANCE, "funnel_ratio_significance.csv")
    labels = funnels.ratio_significance(reference["observed"], reference["expected"])
    assert len(reference) == 300
    assert labels.tolist() == reference["significance"].tolist()


@pytest.mark.shared
def test_ratio_funnel_limits_all_100_cases() -> None:
    reference = _need(RATIO_LIMITS, "funnel_ratio_limits.csv")
    result = funnels.ratio_funnel_limits(reference["observed"], refvalue=100)
    assert len(reference) == 100
    for side in SIDES:
        expected_events = reference[f"{side}_exp_events"].to_numpy()
        np.testing.assert_allclose(
            result[f"{side}_exp_events"].to_numpy(),
            expected_events,
            rtol=RATIO_EVENTS_REL,
            atol=RATIO_EVENTS_ABS,
        )
        # the ratio O / E x 100 inherits the events' tolerance (relative 1e-6, or 1e-7 / E)
        relative = np.abs(
            result[f"{side}_ratio"].to_numpy() / reference[f"{side}_isr"].to_numpy() - 1
        )
        allowed = np.maximum(RATIO_EVENTS_REL, RATIO_EVENTS_ABS / expected_events) * 1.01
        assert (relative <= allowed).all()


def test_funnel_literals_without_shared_data() -> None:
    # 65 of 100 against an average of 0.65 at N = 100: symmetric-ish Wilson-boundary limits
    limits = funnels.proportion_funnel_limits([100], 0.65, multiplier=1)
    assert limits.loc[0, "lower_2s"] < 0.65 < limits.loc[0, "upper_2s"]
    assert limits.loc[0, "lower_3s"] < limits.loc[0, "lower_2s"]
    # the 95% Wilson interval of the limit's proportion touches 0.65 (that is the definition)
    from asclib import stats

    lower_limit = limits.loc[0, "lower_2s"]
    assert stats.wilson_ci(lower_limit * 100, 100)[1] == pytest.approx(0.65, abs=1e-9)
    events = funnels.ratio_funnel_limits([1])
    assert events.loc[0, "lower_2s_exp_events"] == pytest.approx(5.571643390938898, rel=1e-12)
    assert funnels.ratio_significance([30, 3, 100], [10, 10, 100]).tolist() == [
        "High (0.001)",
        "Low (0.025)",
        "Not significant",
    ]
