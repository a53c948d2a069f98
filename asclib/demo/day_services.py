"""Illustrative day-service placements (``council/<code>/day_service_placements.xlsx``).

Sefton's (E08000014) records reproduce its Market Position Statement (Dec 2020): 648 clients,
208 on direct payments, rates 45-110 GBP a day, 60% learning disability, 64% under 60. Other
councils' caseloads scale with their ASC-FR gross.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from asclib.demo.inputs import EXAMPLE_AREA, Areas, rng_for
from asclib.demo.ledger import _LD, _ME, _MH, _PH, _SE, _SO, PSRS


@dataclass(frozen=True)
class DayServiceTargets:
    clients: int
    direct_payment: int
    learning_disability: int
    under_60: int
    dp_rate: float
    rate_factor: float


_DAY_SERVICES = (
    # provider, service, client PSRs it serves, rate points (GBP/day), weight
    ("Seaview Day Opportunities", "Building-based day centre", "LD PH SE SO", (45, 52, 58, 64), 9),
    ("Seaview Day Opportunities", "Complex needs day service", "LD", (85, 96, 104, 110), 4),
    ("Brookside Resource Centre", "Building-based day centre", "LD PH SE SO", (48, 55, 62), 7),
    ("Brookside Resource Centre", "Dementia day care", "ME", (52, 60, 68, 75), 5),
    ("Meadow Lane Farm Project", "Work skills and social enterprise", "LD MH", (48, 53, 58), 4),
    ("Harbourside Day Club", "Dementia day care", "ME PH", (50, 57, 66), 4),
    ("Pathways Outreach", "Community outreach", "LD MH SO", (45, 50, 60), 4),
    ("Northgate Day Services", "Building-based day centre", "LD PH ME", (50, 56, 63, 70), 5),
    ("Northgate Day Services", "Complex needs day service", "LD", (88, 95, 102), 3),
)
_TINY_PROVIDER = ("Lighthouse Arts Collective", "Creative arts day service", (58, 60))
_PSR_CODES = {"PH": _PH, "SE": _SE, "ME": _ME, "LD": _LD, "MH": _MH, "SO": _SO}


def day_service_records(code: str, areas: Areas) -> list[list[object]]:
    """One row per current client (all placements open). Other councils' caseloads are
    Sefton's 648 scaled by their ASC-FR gross over Sefton's (x lognormal noise, sd 0.15)."""
    rng = rng_for(code, "day_services")
    if code == EXAMPLE_AREA:
        t = DayServiceTargets(648, 208, 389, 415, 45.0, 1.0)
    else:
        ratio = areas.finance_target(code).gross_gbp / areas.finance_target(EXAMPLE_AREA).gross_gbp
        n = max(40, int(round(648 * ratio * rng.lognormal(0, 0.15))))
        t = DayServiceTargets(n, int(round(n * rng.uniform(0.22, 0.38))),
                              int(round(n * rng.uniform(0.5, 0.65))),
                              int(round(n * rng.uniform(0.55, 0.68))),
                              float(round(45 * rng.uniform(0.9, 1.2))),
                              float(rng.uniform(0.9, 1.15)))
    n = t.clients
    # primary support reasons: exact LD count, the rest in fixed proportions
    others = n - t.learning_disability
    other_split = np.array([90, 15, 110, 30, 14], dtype=float)  # PH SE ME MH SO
    counts = np.floor(others * other_split / other_split.sum()).astype(int)
    counts[2] += others - counts.sum()
    psr = np.concatenate([np.full(t.learning_disability, _LD)] + [
        np.full(c, p) for c, p in zip(counts, (_PH, _SE, _ME, _MH, _SO), strict=True)])
    rng.shuffle(psr)
    # ages: exactly t.under_60 under 60, chosen with weights by PSR
    young_weight = np.array([1.2, 1.5, 0.1, 5.0, 3.0, 1.5])[psr]
    young = np.zeros(n, dtype=bool)
    young[rng.choice(n, size=t.under_60, replace=False, p=young_weight / young_weight.sum())] = True
    age = np.where(young, 18 + np.minimum(41, rng.gamma(2.0, 8.0, n)).astype(int),
                   np.where(psr == _ME, 70 + np.minimum(25, rng.gamma(2.5, 4.0, n)),
                            60 + np.minimum(30, rng.gamma(1.5, 6.0, n))).astype(int))
    # funding: exactly t.direct_payment direct payments, more likely for younger LD clients
    dp_weight = np.where(psr == _LD, 2.0, 1.0) * np.where(young, 1.5, 0.7)
    direct = np.zeros(n, dtype=bool)
    chosen = rng.choice(n, size=t.direct_payment, replace=False, p=dp_weight / dp_weight.sum())
    direct[chosen] = True
    # service placement
    options = [(p, s, {_PSR_CODES[c] for c in psrs.split()}, rates, w)
               for p, s, psrs, rates, w in _DAY_SERVICES]
    rows: list[list[object]] = []
    tiny_left = 3
    client_numbers = rng.choice(np.arange(100_000, 999_999), size=n, replace=False)
    for i in range(n):
        fits = [o for o in options if psr[i] in o[2]]
        weights = np.array([o[4] for o in fits], dtype=float)
        provider, service, _, rates, _ = fits[int(rng.choice(len(fits), p=weights / weights.sum()))]
        if tiny_left and psr[i] == _LD and not direct[i] and i % 50 == 7:
            provider, service, rates = _TINY_PROVIDER[0], _TINY_PROVIDER[1], _TINY_PROVIDER[2]
            tiny_left -= 1
        if direct[i]:
            rate = t.dp_rate
        else:
            rate = float(round(rates[int(rng.integers(len(rates)))] * t.rate_factor))
        complex_service = "Complex" in service
        top_up = 0.0
        if not direct[i] and psr[i] == _LD and rng.random() < (0.35 if complex_service else 0.03):
            top_up = float(rng.choice([25, 30, 40, 55]))
        need = "complex" if complex_service or top_up else ("enhanced" if rate >= 62 or
                                                            psr[i] == _ME else "standard")
        days = float(rng.choice([0.5, 1, 2, 3, 4, 5], p=[.04, .16, .27, .25, .13, .15]))
        start_year = int(np.clip(2020 - rng.gamma(1.6, 3.0 if young[i] else 1.8), 2005, 2020))
        start = dt.date(start_year, int(rng.integers(1, 13)), int(rng.integers(1, 29)))
        rows.append([f"DS{client_numbers[i]:06d}", int(age[i]), PSRS[psr[i]], provider, service,
                     need, rate, days, "Direct payment" if direct[i] else "Commissioned",
                     top_up if top_up else None, start, None])
    if code == EXAMPLE_AREA:  # the published range: lowest 45, highest 110
        commissioned = [r for r in rows if r[8] == "Commissioned"]
        complex_rows = [r for r in commissioned if "Complex" in r[4]]
        complex_rows[0][6] = 110.0
        outreach = [r for r in commissioned if r[4] == "Community outreach"]
        outreach[0][6] = 45.0
    rows.sort(key=lambda r: (r[3], r[4], r[0]))
    return rows
