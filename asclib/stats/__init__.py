"""Indicator statistics that match OHID Fingertips and PHEindicatormethods.

Pure functions (numpy / scipy / pandas only, nothing else of asclib), one module per family:

- :mod:`~asclib.stats.proportions`: ``wilson_ci``, ``proportion``
- :mod:`~asclib.stats.rates`: ``poisson_ci`` (exact < 10, Byar's >= 10), ``byar_ci``,
  ``exact_poisson_ci``, ``rate``
- :mod:`~asclib.stats.means`: ``mean_ci``, ``mean``
- :mod:`~asclib.stats.dsr`: ``dsr``, ``standardised_rate``, ``ESP2013``
- :mod:`~asclib.stats.isr`: ``isr``, ``isr_ratio``, ``isr_rate``
- :mod:`~asclib.stats.life_expectancy`: ``life_expectancy``, ``life_expectancy_table``
  (Chiang II, Silcocks CI)
- :mod:`~asclib.stats.funnels`: ``proportion_funnel_limits``, ``ratio_funnel_limits``,
  ``proportion_significance``, ``ratio_significance``

Kernels take arrays and return arrays (NaN in gives NaN out); table-level functions return tidy
frames with ``value, lower_ci_95, upper_ci_95, lower_ci_99_8, upper_ci_99_8, method, reason``.
"""

from asclib.stats._validation import Estimate, z_value
from asclib.stats.dsr import ESP2013, ESP2013_BANDS, dsr, standardised_rate
from asclib.stats.funnels import (
    proportion_funnel_limits,
    proportion_significance,
    ratio_funnel_limits,
    ratio_significance,
)
from asclib.stats.isr import expected_count, isr, isr_rate, isr_ratio
from asclib.stats.life_expectancy import (
    LIFE_TABLE_START_AGES,
    LifeExpectancy,
    life_expectancy,
    life_expectancy_table,
)
from asclib.stats.means import mean, mean_ci
from asclib.stats.proportions import proportion, wilson_ci
from asclib.stats.rates import byar_ci, exact_poisson_ci, poisson_ci, rate

__all__ = [
    "ESP2013",
    "ESP2013_BANDS",
    "Estimate",
    "LIFE_TABLE_START_AGES",
    "LifeExpectancy",
    "byar_ci",
    "dsr",
    "exact_poisson_ci",
    "expected_count",
    "isr",
    "isr_rate",
    "isr_ratio",
    "life_expectancy",
    "life_expectancy_table",
    "mean",
    "mean_ci",
    "poisson_ci",
    "proportion",
    "proportion_funnel_limits",
    "proportion_significance",
    "rate",
    "ratio_funnel_limits",
    "ratio_significance",
    "standardised_rate",
    "wilson_ci",
    "z_value",
]
