"""Illustrative council exports: budget ledger, day-service placements, care-home outbreak
log, calibrated to each council's real ASC-FR totals and population.

Sefton's (E08000014) records reproduce the figures its Market Position Statement (Dec 2020)
and Cabinet update (Feb 2021) publish (``data/raw/published/seed_figures.csv``): ledger 2020/21
gross 153.3m, income 58.6m, net 94.7m, care packages 107.7m, care homes 53.4m (20% under 65);
648 day-service clients (208 direct payments, rates 45-110 GBP a day, 60% learning
disability, 64% under 60); 43 care homes with an open outbreak on 31 January 2021, 6 of them
with a single case, 199 resident and 226 staff cases.

Every other council's ledger holds its latest real ASC-FR year (gross and income equal the
published totals to the pound) and 2019/20 and 2020/21 grown from it at Sefton's published
rate; a council without an ASC-FR row (formed after the data year) is scaled from its adult
population. Day-service caseloads scale with the council's ASC-FR gross, care homes with its
population aged 65+.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from asclib.demo.inputs import EXAMPLE_AREA, Areas, rng_for

# --------------------------------------------------------------------------- budget ledger

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




def exact_split(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole numbers in proportion to ``weights`` that add up to ``total`` (largest
    remainder)."""
    raw = total * weights / weights.sum()
    out = np.floor(raw).astype(np.int64)
    remainder = total - int(out.sum())
    out[np.argsort(-(raw - out), kind="stable")[:remainder]] += 1
    return out


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


# --------------------------------------------------------------------------- day services


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


# --------------------------------------------------------------------------- outbreaks

_HOME_WORDS = ("Oakfield", "Beechwood", "Ashgrove", "Hollybank", "Meadowside", "Riverside",
               "Elmhurst", "Sandhills", "Marina", "Westcliffe", "Larchmont", "Fernlea",
               "Willowbrook", "Cedar", "Highfield", "Rosewood", "Birchwood", "Laurel", "Heather",
               "Park View", "Bay Tree", "Kingsway", "Hawthorn", "Southlands", "Greenbank")
_HOME_KINDS = ("House", "Lodge", "Court", "Manor", "Care Home", "Nursing Home", "Hall", "Grange")
OUTBREAK_REFERENCE_DATE = dt.date(2021, 1, 31)


def _home_names(count: int, rng: np.random.Generator) -> list[str]:
    combos = [f"{w} {k}" for w in _HOME_WORDS for k in _HOME_KINDS]
    order = rng.permutation(len(combos))
    return [combos[order[i % len(combos)]] + ("" if i < len(combos) else f" {i // len(combos) + 1}")
            for i in range(count)]


def outbreak_records(code: str, areas: Areas) -> list[list[object]]:
    """Outbreaks declared from March 2020 to March 2021. Sefton: 43 open on 31 Jan 2021, 6 of
    them with a single case so far (3 one resident, 3 one staff member), 199 resident and 226
    staff cases among them. Other councils: care homes scale with the population aged 65+."""
    rng = rng_for(code, "outbreaks")
    if code == EXAMPLE_AREA:
        homes, open_n, residents_total, staff_total, single = 131, 43, 199, 226, 6
    else:
        ratio = areas.pop(code, 65) / areas.pop(EXAMPLE_AREA, 65)
        homes = max(15, int(round(131 * ratio * rng.lognormal(0, 0.1))))
        open_n = int(round(homes * rng.uniform(0.2, 0.38)))
        residents_total = int(round(open_n * rng.uniform(3.5, 5.5)))
        staff_total = int(round(open_n * rng.uniform(4.0, 6.0)))
        single = int(round(open_n * rng.uniform(0.08, 0.2)))
    names = _home_names(homes, rng)
    ids = [f"CH{i + 1:04d}" for i in range(homes)]
    taken: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    rows: list[list[object]] = []

    def add(home: int, start: dt.date, end: dt.date | None, residents: int, staff: int) -> None:
        taken.setdefault(home, []).append((start, end))
        rows.append([ids[home], names[home], start, end, residents, staff])

    # open on the reference date: declared 20 Dec - 31 Jan, closed Feb - Mar 2021. The first
    # `single` homes have one case so far (declared in the last fortnight), half of them one
    # resident and half one staff member; every other open home has at least one of each.
    open_homes = rng.choice(homes, size=open_n, replace=False)
    single_residents = single // 2
    single_staff = single - single_residents
    multi = open_n - single
    res = np.concatenate([
        np.ones(single_residents, dtype=np.int64), np.zeros(single_staff, dtype=np.int64),
        1 + rng.multinomial(residents_total - single_residents - multi,
                            rng.dirichlet(np.full(multi, 1.5)))])
    stf = np.concatenate([
        np.zeros(single_residents, dtype=np.int64), np.ones(single_staff, dtype=np.int64),
        1 + rng.multinomial(staff_total - single_staff - multi,
                            rng.dirichlet(np.full(multi, 1.5)))])
    for k, home in enumerate(open_homes):
        first_day = dt.date(2021, 1, 18) if k < single else dt.date(2020, 12, 20)
        start = first_day + dt.timedelta(
            days=int(rng.integers(0, (OUTBREAK_REFERENCE_DATE - first_day).days + 1)))
        end = max(start + dt.timedelta(days=int(rng.integers(28, 57))), dt.date(2021, 2, 3))
        add(int(home), start, end, int(res[k]), int(stf[k]))
    # waves that closed before the reference date, and a few new ones in spring 2021
    waves = ((dt.date(2020, 3, 16), 75, 0.34, 7.0), (dt.date(2020, 6, 15), 100, 0.04, 2.0),
             (dt.date(2020, 9, 25), 75, 0.28, 4.0), (dt.date(2021, 2, 5), 50, 0.06, 2.0))
    for first, span, share, mean_cases in waves:
        for home in rng.choice(homes, size=int(round(homes * share)), replace=False):
            start = first + dt.timedelta(days=int(rng.integers(0, span)))
            end: dt.date | None = start + dt.timedelta(days=int(rng.integers(28, 50)))
            if start < OUTBREAK_REFERENCE_DATE:
                end = min(end, OUTBREAK_REFERENCE_DATE - dt.timedelta(days=1))
                if (end - start).days < 28:
                    continue
            elif end > dt.date(2021, 3, 31):
                end = None  # still open when the log was exported
            far = dt.date(2100, 1, 1)
            if any(start <= (e or far) and s <= (end or far)
                   for s, e in taken.get(int(home), [])):
                continue
            add(int(home), start, end, int(1 + rng.poisson(mean_cases)),
                int(1 + rng.poisson(mean_cases * 0.8)))
    rows.sort(key=lambda r: (r[2], r[0]))
    return rows


