"""Illustrative budget ledgers (``council/<code>/budget_ledger.xlsx``), calibrated to each
council's real ASC-FR totals.

Sefton's (E08000014) 2020/21 ledger reproduces its Market Position Statement (Dec 2020):
gross 153.3m, income 58.6m, net 94.7m, care packages 107.7m, care homes 53.4m (20% under 65).
Every council's ledger holds its latest real ASC-FR year (gross and income equal the
published totals to the pound) and 2019/20 and 2020/21 grown from it at Sefton's published
rate; a council without an ASC-FR row (formed after the data year) is scaled from its adult
population.
"""

from __future__ import annotations

import numpy as np

from asclib.demo.inputs import EXAMPLE_AREA, Areas, exact_split, rng_for

SERVICES = ("Long-term residential", "Long-term nursing", "Home care", "Supported living",
            "Direct payments", "Day care", "Short-term / reablement",
            "Equipment and adaptations", "Assessment and care management", "Other")
#: the service types counted as "care packages" (Sefton MPS: £107.7m)
CARE_PACKAGE_SERVICES = SERVICES[:6]
PSRS = ("Physical support", "Sensory support", "Support with memory and cognition",
        "Learning disability support", "Mental health support", "Social support")
_PH, _SE, _ME, _LD, _MH, _SO = range(6)

#: Sefton 2020/21 gross by service type (GBP): care packages sum to 107.7m, all to 153.3m.
SEFTON_SERVICE_GROSS_2020_21 = {
    "Long-term residential": 35_000_000, "Long-term nursing": 18_400_000,
    "Home care": 11_800_000, "Supported living": 21_000_000, "Direct payments": 13_500_000,
    "Day care": 8_000_000, "Short-term / reablement": 7_500_000,
    "Equipment and adaptations": 4_000_000, "Assessment and care management": 18_000_000,
    "Other": 16_100_000,
}
#: 18-64 gross in care homes: 8.0m + 2.68m = 10.68m = 20% of 53.4m.
SEFTON_UNDER_65_CARE_HOMES = {"Long-term residential": 8_000_000,
                              "Long-term nursing": 2_680_000}
_UNDER_65_SHARE = {"Long-term residential": 0.2286, "Long-term nursing": 0.1457,
                   "Home care": 0.16, "Supported living": 0.9, "Direct payments": 0.6,
                   "Day care": 0.7, "Short-term / reablement": 0.1,
                   "Equipment and adaptations": 0.3, "Assessment and care management": 0.4,
                   "Other": 0.4}
# PSR weights (physical, sensory, memory, LD, MH, social) by service and age band
_PSR_WEIGHTS = {
    ("Long-term residential", "18-64"): (.15, .01, .02, .55, .25, .02),
    ("Long-term residential", "65+"): (.45, .02, .40, .03, .08, .02),
    ("Long-term nursing", "18-64"): (.50, .02, .05, .20, .20, .03),
    ("Long-term nursing", "65+"): (.50, .01, .42, .01, .04, .02),
    ("Home care", "18-64"): (.55, .04, .03, .20, .15, .03),
    ("Home care", "65+"): (.70, .04, .20, .01, .03, .02),
    ("Supported living", "18-64"): (.07, 0, 0, .70, .20, .03),
    ("Supported living", "65+"): (.10, 0, .10, .50, .30, 0),
    ("Direct payments", "18-64"): (.45, .05, .02, .35, .08, .05),
    ("Direct payments", "65+"): (.70, .06, .15, .03, .03, .03),
    ("Day care", "18-64"): (.10, .03, 0, .80, .05, .02),
    ("Day care", "65+"): (.35, .03, .55, .07, 0, 0),
}
for _age in ("18-64", "65+"):
    _PSR_WEIGHTS[("Short-term / reablement", _age)] = (.80, .03, .10, 0, .05, .02)
    _PSR_WEIGHTS[("Equipment and adaptations", _age)] = (.85, .10, .05, 0, 0, 0)
    _PSR_WEIGHTS[("Assessment and care management", _age)] = (.40, .04, .15, .20, .15, .06)
    _PSR_WEIGHTS[("Other", _age)] = (.40, .04, .15, .20, .15, .06)
_INCOME_SHARE = {"Long-term residential": .30, "Long-term nursing": .22, "Home care": .06,
                 "Supported living": .08, "Direct payments": .03, "Day care": .03,
                 "Short-term / reablement": .04, "Equipment and adaptations": .04,
                 "Assessment and care management": .05, "Other": .15}


def _ledger_cells(service_gross: dict[str, int], under_65: dict[str, int],
                  psr_targets: dict[int, int], rng: np.random.Generator | None
                  ) -> dict[tuple[str, str, int], int]:
    """Whole-pound gross by (service, age band, PSR) meeting every total exactly."""
    groups: dict[tuple[str, str], int] = {}
    for service, total in service_gross.items():
        young = under_65.get(service, int(round(total * _UNDER_65_SHARE[service])))
        groups[(service, "18-64")] = young
        groups[(service, "65+")] = total - young
    weights = {}
    for key in groups:
        w = np.asarray(_PSR_WEIGHTS[key], dtype=float)
        if rng is not None:
            w = w * rng.lognormal(0, 0.15, size=6)
        weights[key] = w / w.sum()
    raw = {key: groups[key] * weights[key] for key in groups}
    if psr_targets:
        scale = {p: target / sum(raw[k][p] for k in raw) for p, target in psr_targets.items()}
        for key, cells in raw.items():
            fixed = sum(cells[p] * scale[p] for p in scale)
            others = [i for i in range(6) if i not in scale]
            rest = cells[others].sum()
            if rest > 0:
                factor = (groups[key] - fixed) / rest
                if factor <= 0:
                    raise ValueError(f"cannot meet PSR targets in {key}")
                cells[others] *= factor
            for p in scale:
                cells[p] *= scale[p]
    cells = {key: np.floor(values).astype(np.int64) for key, values in raw.items()}
    for key, values in cells.items():  # group totals exact: residual onto physical support
        values[_PH] += groups[key] - int(values.sum())
    for p, target in psr_targets.items():  # PSR totals exact: move pounds from physical
        residual = target - sum(int(v[p]) for v in cells.values())
        key = max(cells, key=lambda k: cells[k][p])
        cells[key][p] += residual
        cells[key][_PH] -= residual
    return {(s, a, p): int(v[p]) for (s, a), v in cells.items() for p in range(6) if v[p] > 0}




def _ledger_rows(code: str, period: str, cells: dict[tuple[str, str, int], int],
                 income_total: int, rng: np.random.Generator) -> list[list[object]]:
    lines: list[list[object]] = []
    for (service, age, psr), gross in sorted(cells.items(), key=lambda kv: (
            SERVICES.index(kv[0][0]), kv[0][1], kv[0][2])):
        parts = 1 if gross < 400_000 else int(rng.integers(1, 4))
        shares = rng.dirichlet(np.full(parts, 4.0)) if parts > 1 else np.ones(1)
        amounts = np.floor(shares * gross).astype(np.int64)
        amounts[-1] += gross - int(amounts.sum())
        for k, amount in enumerate(amounts, start=1):
            centre = (f"AS{SERVICES.index(service) + 1:02d}{psr + 1}"
                      f"{1 if age == '18-64' else 2}{k}")
            lines.append([period, centre, service, PSRS[psr], age, int(amount), 0])
    by_service: dict[str, int] = {}
    for line in lines:
        by_service[line[2]] = by_service.get(line[2], 0) + int(line[5])
    for line in lines:
        share = _INCOME_SHARE[line[2]] * income_total
        line[6] = int(np.floor(share * line[5] / by_service[line[2]]))
    if any(line[6] > line[5] for line in lines):  # income heavy: income in proportion to gross
        gross_total = sum(int(line[5]) for line in lines)
        for line in lines:
            line[6] = int(np.floor(income_total * line[5] / gross_total))
    largest = max(range(len(lines)), key=lambda i: lines[i][5] - lines[i][6])
    lines[largest][6] += income_total - sum(int(line[6]) for line in lines)
    return lines




#: Gross growth from the ASC-FR year to the ledger years, a year: Sefton's published 2020/21
#: gross (153.3m, MPS) over its ASC-FR 2016/17 gross (118.176m), over four years.
ANNUAL_GROWTH = (153_300_000 / 118_176_000) ** 0.25
LEDGER_PERIODS = ("2019/20", "2020/21")


def _start_year(period: str) -> int:
    return int(period[:4])


def ledger_records(code: str, areas: Areas) -> list[list[object]]:
    """Ledger lines: the council's latest ASC-FR year (gross and income equal the published
    totals, in whole pounds) when it has one, then 2019/20 and 2020/21.

    Sefton's 2019/20 and 2020/21 are its published figures exactly. Other councils' later
    years are the ASC-FR gross grown by :data:`ANNUAL_GROWTH` a year (x lognormal noise, sd
    0.02), keeping the council's ASC-FR income share (noise sd 0.03); councils without an
    ASC-FR row are scaled from their adult population (:meth:`Areas.finance_target`). Every
    year of a council splits its gross by the same service mix: Sefton's 2020/21 mix, times
    lognormal noise (sd 0.1) by service for other councils."""
    rng = rng_for(code, "ledger")
    target = areas.finance_target(code)
    mix = _service_mix(code)
    rows: list[list[object]] = []
    if target.period is not None and target.period not in LEDGER_PERIODS:
        rows += _year_rows(code, target.period, target.gross_gbp, target.income_gbp, mix,
                           rng_for(code, f"ledger/{target.period}"))
    if code == EXAMPLE_AREA:
        cells = _ledger_cells(SEFTON_SERVICE_GROSS_2020_21, SEFTON_UNDER_65_CARE_HOMES,
                              {_LD: 28_000_000, _MH: 13_000_000}, None)
        earlier = {s: int(round(v * 0.965, -3)) for s, v in SEFTON_SERVICE_GROSS_2020_21.items()}
        earlier["Home care"] = 11_800_000
        cells_1920 = _ledger_cells(earlier, {}, {_MH: 13_000_000}, None)
        rows += _ledger_rows(code, "2019/20", cells_1920, 57_200_000, rng)
        rows += _ledger_rows(code, "2020/21", cells, 58_600_000, rng)
        return rows
    base_year = _start_year(target.period) if target.period else 2016
    income_share = target.income_gbp / target.gross_gbp if target.gross_gbp else 0.28
    for period in LEDGER_PERIODS:
        if period == target.period:
            gross, income = target.gross_gbp, target.income_gbp
        else:
            growth = ANNUAL_GROWTH ** (_start_year(period) - base_year)
            gross = int(round(target.gross_gbp * growth * rng.lognormal(0, 0.02), -3))
            income = int(round(gross * income_share * rng.lognormal(0, 0.03), -3))
        rows += _year_rows(code, period, gross, income, mix, rng)
    return rows


def _service_mix(code: str) -> np.ndarray:
    """Weights of the service types (in :data:`SERVICES` order) for a council's ledger."""
    base = np.array([SEFTON_SERVICE_GROSS_2020_21[s] for s in SERVICES], dtype=float)
    if code == EXAMPLE_AREA:
        return base
    return base * rng_for(code, "ledger/mix").lognormal(0, 0.1, len(base))


def _year_rows(code: str, period: str, gross: int, income: int, mix: np.ndarray,
               rng: np.random.Generator) -> list[list[object]]:
    """One year's ledger lines with the gross split by ``mix`` and the given income."""
    by_service = {s: int(v) for s, v in zip(SERVICES, exact_split(gross, mix), strict=True)}
    return _ledger_rows(code, period, _ledger_cells(by_service, {}, {}, rng), income, rng)
