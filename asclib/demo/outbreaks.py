"""Illustrative care-home outbreak logs (``council/<code>/care_home_outbreaks.xlsx``).

Sefton's (E08000014) log reproduces its Cabinet update (Feb 2021): 43 care homes with an open
outbreak on 31 January 2021, 6 of them with a single case so far, 199 resident and 226 staff
cases. Other councils' care homes scale with their population aged 65+.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from asclib.demo.inputs import EXAMPLE_AREA, Areas, rng_for

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
