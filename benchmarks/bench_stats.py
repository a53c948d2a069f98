"""Speed of the statistics layer: ``python benchmarks/bench_stats.py``.

1,000,000 rows of (count, denominator) through ``stats.proportion`` and ``stats.rate``, each
with 95% and 99.8% limits, plus the two-level comparison of every row's proportion with
England's. Prints the seconds (best of several runs) and rows per second. Goal: <= 0.25 s
(PHEindicatormethods takes about 5 s for the same work on a 2-core machine).

Speed must not cost accuracy, so the script also checks the exact (count < 10) limits of
the timed run against scipy's chi-square quantiles row by row for a sample.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from asclib import benchmark, stats

ROWS = 1_000_000


def make_rows(rows: int, seed: int = 2021) -> pd.DataFrame:
    """Synthetic (count, denominator) rows; about a fifth have counts under 10."""
    rng = np.random.default_rng(seed)
    denominator = rng.integers(20, 200_000, rows).astype(np.float64)
    share = rng.beta(2, 30, rows)
    count = rng.binomial(denominator.astype(np.int64), share).astype(np.float64)
    small = rng.random(rows) < 0.2
    count[small] = rng.integers(0, 10, small.sum())
    count = np.minimum(count, denominator)
    return pd.DataFrame({"count": count, "denominator": denominator})


def run(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """The timed work."""
    proportions = stats.proportion(data, "count", "denominator")
    rates = stats.rate(data, "count", "denominator")
    england = data["count"].sum() / data["denominator"].sum() * 100
    outcome = benchmark.compare_two_level(
        proportions["lower_ci_95"].to_numpy(),
        proportions["upper_ci_95"].to_numpy(),
        proportions["lower_ci_99_8"].to_numpy(),
        proportions["upper_ci_99_8"].to_numpy(),
        england,
        benchmark.Polarity.HIGH_IS_GOOD,
    )
    return proportions, rates, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = make_rows(args.rows)
    run(data.head(1000))  # warm caches (scipy import paths, z values)
    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        proportions, rates, outcome = run(data)
        timings.append(time.perf_counter() - start)
    best = min(timings)

    small = np.flatnonzero(data["count"].to_numpy() < 10)[:2000]
    o = data["count"].to_numpy()[small]
    n = data["denominator"].to_numpy()[small]
    expected_upper = scipy_stats.chi2.ppf(0.999, 2 * o + 2) / 2 / n * 100_000
    worst = np.max(np.abs(rates["upper_ci_99_8"].to_numpy()[small] / expected_upper - 1))
    assert worst < 1e-12, f"exact limits drifted: {worst:.2e}"

    print(f"rows: {args.rows:,} (count < 10: {(data['count'] < 10).mean():.0%})")
    print(f"runs: {', '.join(f'{t:.3f}' for t in timings)} s")
    median = float(np.median(timings))
    print(f"best: {best:.3f} s = {args.rows / best:,.0f} rows/second (goal <= 0.25 s)")
    print(f"median: {median:.3f} s = {args.rows / median:,.0f} rows/second")
    print(f"exact limits checked against scipy for {small.size:,} rows: max rel. diff {worst:.1e}")
    counts = pd.Series(outcome).value_counts()
    print("compared with England:", ", ".join(f"{k}: {v:,}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
