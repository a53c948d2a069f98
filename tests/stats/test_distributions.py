"""asclib.stats' quantile functions equal scipy.stats' (which import ~0.5 s more), bit for bit,
edge cases included: q = 0 and 1 (the support's bounds), q outside [0, 1], NaN, df <= 0."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from asclib.stats import _distributions as dist

EDGES = [0.0, 1.0, -0.1, 1.1, np.nan, 1e-300, 0.001, 0.025, 0.5, 0.975, 0.999, 1 - 1e-16]
DF = [0.0, -1.0, np.nan, 0.5, 1.0, 2.0, 3.0, 10.0, 99.0, 1e5, 2.0 * 7 + 2.0]


@pytest.fixture(scope="module")
def grid() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20201231)
    q = np.concatenate([EDGES, rng.random(300)])
    df = np.concatenate([DF, rng.random(60) * 400, np.arange(0, 60, 2.0)])
    return np.meshgrid(q, df)


def test_norm_ppf_equals_scipy(grid) -> None:
    q, _ = grid
    assert np.array_equal(dist.norm_ppf(q), stats.norm.ppf(q), equal_nan=True)
    assert dist.norm_ppf(0.975) == stats.norm.ppf(0.975) == pytest.approx(1.959963984540054)
    assert isinstance(dist.norm_ppf(0.5), np.float64)


@pytest.mark.parametrize(("ours", "theirs"), [(dist.chi2_ppf, stats.chi2.ppf),
                                              (dist.t_ppf, stats.t.ppf)],
                         ids=["chi2", "t"])
def test_shaped_quantiles_equal_scipy(grid, ours, theirs) -> None:
    q, df = grid
    assert np.array_equal(ours(q, df), theirs(q, df), equal_nan=True)
    for one_q, one_df in [(0.025, 2.0), (0.0, 4.0), (1.0, 4.0), (0.5, 0.0), (np.nan, 3.0)]:
        assert np.array_equal(ours(one_q, one_df), theirs(one_q, one_df), equal_nan=True)


def test_known_values() -> None:
    # exact Poisson 95% limits for 10 events: chi2(0.025, 20) / 2 and chi2(0.975, 22) / 2
    assert dist.chi2_ppf(0.025, 20.0) / 2 == pytest.approx(4.7954, abs=1e-4)
    assert dist.chi2_ppf(0.975, 22.0) / 2 == pytest.approx(18.3904, abs=1e-4)
    assert dist.t_ppf(0.975, 9.0) == pytest.approx(2.262157, abs=1e-6)
    assert np.isnan(dist.chi2_ppf(0.5, 0.0)) and dist.chi2_ppf(0.0, 2.0) == 0.0
