"""Illustrative weekly death registrations in the ONS CMD "weekly-deaths-local-authority" CSV
layout: all causes 2015-2021 and Covid-19 2020-2021, by place of death.

ONS registration weeks run Saturday to Friday; week ``w`` of year ``y`` ends on the Friday of
ISO week ``w`` (week 1 of 2020 ended Friday 3 January 2020; 2015 and 2020 have 53 weeks).

**Calibrated to real monthly registrations.** For an area with real ONS monthly figures
(``data/raw/published/monthly_deaths_by_la.csv``: the Liverpool City Region councils, North
West and England) the weekly all-cause totals are built so that, apportioning each week to
calendar months by days (a week straddling two months gives ``round(deaths x days in the
first month / 7)`` to the first month and the rest to the second), the monthly sums equal
the real figures for every month the real data cover, and so the calendar-year sums equal the
real annual totals. Straddling weeks are drawn first (Poisson around a daily rate interpolated
between the months' own rates), then each month's remainder is spread over its whole weeks
(multinomial). Covid-19 deaths (an illustrative annual total) are spread over the weeks in
proportion to the weekly excess over the 2015-2019 mean, shaped by the pandemic's waves.

Other areas (no real monthly figures) get annual totals scaled from England by their
population aged 65+, with seasonal weekly noise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from asclib.demo.inputs import ENGLAND, EXAMPLE_AREA, Areas, exact_split, rng_for

PLACES = (("care-home", "Care home"), ("home", "Home"), ("hospital", "Hospital"),
          ("hospice", "Hospice"), ("other-communal-establishment", "Other communal establishment"),
          ("elsewhere", "Elsewhere"))
_NON_COVID_SHARES = np.array([0.23, 0.24, 0.44, 0.05, 0.01, 0.03])
#: Sefton's registered deaths by year (real ONS totals; used only when the monthly extract
#: is absent).
SEFTON_ANNUAL_DEATHS = {2015: 3249, 2016: 3286, 2017: 3184, 2018: 3301, 2019: 3309,
                        2020: 4004, 2021: 3654}
SEFTON_COVID_DEATHS = {2020: 540, 2021: 350}
ENGLAND_ANNUAL_DEATHS = {2015: 495309, 2016: 490791, 2017: 498882, 2018: 505859, 2019: 496370,
                         2020: 569700, 2021: 549349}
ENGLAND_COVID_DEATHS = {2020: 69800, 2021: 62000}
#: 2020 Covid deaths by place (care home, home, hospital, hospice, other communal, elsewhere)
SEFTON_COVID_PLACE_2020 = (0.18, 0.045, 0.75, 0.015, 0.005, 0.005)
ENGLAND_COVID_PLACE_2020 = (0.29, 0.045, 0.65, 0.01, 0.003, 0.002)
YEARS = tuple(range(2015, 2022))
BASELINE_YEARS = tuple(range(2015, 2020))
WEEKLY_HEADER = ("v4_0", "calendar-years", "time", "admin-geography", "geography", "week-number",
                 "week", "cause-of-death", "causeofdeath", "place-of-death", "placeofdeath",
                 "registration-or-occurrence", "registrationoroccurrence")


def weeks_in(year: int) -> int:
    """Registration weeks in ``year`` (the ISO week count: 53 in 2015 and 2020)."""
    return dt.date(year, 12, 28).isocalendar()[1]


def week_end(year: int, week: int) -> dt.date:
    """The Friday that ends ONS registration week ``week`` of ``year``."""
    return dt.date.fromisocalendar(year, week, 5)


def month_parts(year: int, week: int, deaths: int) -> list[tuple[tuple[int, int], int]]:
    """A week's deaths apportioned to calendar months by days: ``[((year, month), deaths)]``;
    a week straddling two months gives ``round(deaths x days in the first / 7)`` to the first
    (never a tie: 7 is odd) and the rest to the second."""
    end = week_end(year, week)
    start = end - dt.timedelta(days=6)
    if (start.year, start.month) == (end.year, end.month):
        return [((end.year, end.month), deaths)]
    first_days = (dt.date(end.year, end.month, 1) - start).days
    first = round(deaths * first_days / 7)
    return [((start.year, start.month), first), ((end.year, end.month), deaths - first)]


def _covid_shape(year: int) -> np.ndarray:
    weeks = np.arange(1, weeks_in(year) + 1)
    if year == 2020:
        shape = (0.55 * np.exp(-0.5 * ((weeks - 16) / 3.0) ** 2)
                 + 0.30 * np.exp(-0.5 * ((weeks - 46) / 4.0) ** 2)
                 + 0.15 * np.exp(-0.5 * ((weeks - 53) / 2.0) ** 2))
        shape[weeks < 11] = 0
    else:
        shape = (0.9 * np.exp(-0.5 * ((weeks - 3) / 3.0) ** 2)
                 + 0.1 * np.exp(-0.5 * ((weeks - 44) / 6.0) ** 2))
    return shape / shape.sum()


# --------------------------------------------------------------------------- calibrated


def _daily_rates(monthly: dict[tuple[int, int], int], first: dt.date, last: dt.date
                 ) -> np.ndarray:
    """Deaths a day from ``first`` to ``last``: each month's own rate at its mid-point,
    interpolated linearly between mid-points (months without data take the nearest month's)."""
    keys: list[tuple[int, int]] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        keys.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    known = [k for k in keys if k in monthly]
    mids, rates = [], []
    for key in keys:
        start = dt.date(*key, 1)
        end = dt.date(key[0] + 1, 1, 1) if key[1] == 12 else dt.date(key[0], key[1] + 1, 1)
        days = (end - start).days
        source = key if key in monthly else min(
            known, key=lambda k: abs((k[0] - key[0]) * 12 + k[1] - key[1]))
        src_start = dt.date(*source, 1)
        src_end = dt.date(source[0] + 1, 1, 1) if source[1] == 12 else \
            dt.date(source[0], source[1] + 1, 1)
        mids.append((start - first).days + days / 2)
        rates.append(monthly[source] / (src_end - src_start).days)
    offsets = np.arange((last - first).days + 1) + 0.5
    return np.interp(offsets, mids, rates)


def calibrated_weekly_totals(monthly: dict[tuple[int, int], int], rng: np.random.Generator
                             ) -> dict[int, np.ndarray]:
    """All-cause deaths by registration week for each of :data:`YEARS` whose apportioned
    monthly sums (:func:`month_parts`) equal ``monthly`` for every month it holds."""
    weeks = [(y, w) for y in YEARS for w in range(1, weeks_in(y) + 1)]
    first = week_end(*weeks[0]) - dt.timedelta(days=6)
    last = week_end(*weeks[-1])
    daily = _daily_rates(monthly, first, last)
    totals = np.zeros(len(weeks), dtype=np.int64)
    taken: dict[tuple[int, int], int] = {}  # deaths given to a month by straddling weeks
    whole: dict[tuple[int, int], list[int]] = {}  # month -> its whole weeks
    expected = np.array([daily[(week_end(y, w) - first).days - 6:
                               (week_end(y, w) - first).days + 1].sum() for y, w in weeks])
    for i, (y, w) in enumerate(weeks):
        if len(month_parts(y, w, 0)) == 2:
            totals[i] = rng.poisson(expected[i])
            for key, part in month_parts(y, w, int(totals[i])):
                taken[key] = taken.get(key, 0) + part
        else:
            whole.setdefault(month_parts(y, w, 0)[0][0], []).append(i)
    for key, members in whole.items():
        if key not in monthly:
            totals[members] = rng.poisson(expected[members])
            continue
        remainder = monthly[key] - taken.get(key, 0)
        if remainder < 0:
            raise ValueError(f"cannot calibrate month {key}: the weeks it shares hold more "
                             "deaths than the month")
        weights = expected[members]
        totals[members] = rng.multinomial(remainder, weights / weights.sum())
    out: dict[int, np.ndarray] = {}
    position = 0
    for year in YEARS:
        out[year] = totals[position:position + weeks_in(year)]
        position += weeks_in(year)
    return out


def _spread_covid(total: int, all_causes: np.ndarray, baseline: np.ndarray, year: int,
                  rng: np.random.Generator) -> np.ndarray:
    """Covid deaths by week: ``total`` spread in proportion to the positive excess over the
    baseline, weighted by the wave shape; never more than 90% of a week's deaths."""
    shape = _covid_shape(year)
    excess = np.maximum(all_causes - baseline, 0)
    weights = excess * (shape / shape.max() + 0.1) * (shape > 0)
    if weights.sum() <= 0:
        weights = shape
    covid = rng.multinomial(total, weights / weights.sum())
    cap = np.floor(0.9 * all_causes).astype(np.int64)
    for _ in range(100):  # move any overflow to the weeks with room, by weight
        over = np.maximum(covid - cap, 0)
        if not over.any():
            break
        covid -= over
        room = cap - covid
        if room.sum() <= 0:
            break
        covid += exact_split(int(over.sum()), np.where(room > 0, weights + 1e-9, 0.0))
    return covid


def _covid_places(covid_by_week: np.ndarray, shares: np.ndarray,
                  rng: np.random.Generator) -> np.ndarray:
    """Covid deaths by week and place: the year's total split by ``shares`` exactly, then
    drawn week by week without replacement."""
    out = np.zeros((len(covid_by_week), 6), dtype=np.int64)
    total = int(covid_by_week.sum())
    if not total:
        return out
    pool = exact_split(total, shares / shares.sum())
    for w, count in enumerate(covid_by_week):
        if count:
            draw = rng.multivariate_hypergeometric(pool, int(count))
            out[w] = draw
            pool = pool - draw
    return out


def _calibrated_area(code: str, monthly: dict[tuple[int, int], int], areas: Areas,
                     rng: np.random.Generator) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """(all causes, Covid-19) by week and place, for each year, of a real-monthly area."""
    totals = calibrated_weekly_totals(monthly, rng)
    if code == EXAMPLE_AREA:
        covid_totals, covid_place = SEFTON_COVID_DEATHS, np.array(SEFTON_COVID_PLACE_2020)
    elif code == ENGLAND:
        covid_totals, covid_place = ENGLAND_COVID_DEATHS, np.array(ENGLAND_COVID_PLACE_2020)
    else:
        share = areas.pop(code, 65) / max(areas.pop(ENGLAND, 65), 1)
        intensity = rng.lognormal(0, 0.2)
        covid_totals = {y: int(round(v * share * intensity))
                        for y, v in ENGLAND_COVID_DEATHS.items()}
        care_home = rng.uniform(0.17, 0.33)
        covid_place = np.array([care_home, 0.045, 0.94 - care_home, 0.01, 0.003, 0.002])
    baseline = np.mean([np.resize(totals[y], 53)[:53] for y in BASELINE_YEARS], axis=0)
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for year in YEARS:
        n_weeks = weeks_in(year)
        all_week = totals[year]
        covid_week = np.zeros(n_weeks, dtype=np.int64)
        if covid_totals.get(year):
            covid_week = _spread_covid(covid_totals[year], all_week, baseline[:n_weeks], year,
                                       rng)
        shares = covid_place if year == 2020 else covid_place * np.array(
            [0.6, 1.2, 1.1, 1, 1, 1])
        covid_place_week = _covid_places(covid_week, shares, rng)
        non_covid = rng.multinomial(all_week - covid_week, _NON_COVID_SHARES)
        out[year] = (non_covid + covid_place_week, covid_place_week)
    return out


# --------------------------------------------------------------------------- scaled


def _scaled_area(code: str, areas: Areas, rng: np.random.Generator
                 ) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """(all causes, Covid-19) by week and place for an area without real monthly figures:
    annual totals scaled from England by the population aged 65+, seasonal weekly noise."""
    if code == EXAMPLE_AREA:
        annual, covid = SEFTON_ANNUAL_DEATHS, SEFTON_COVID_DEATHS
        covid_place = np.array(SEFTON_COVID_PLACE_2020)
    elif code == ENGLAND:
        annual, covid = ENGLAND_ANNUAL_DEATHS, ENGLAND_COVID_DEATHS
        covid_place = np.array(ENGLAND_COVID_PLACE_2020)
    else:
        share = areas.pop(code, 65) / max(areas.pop(ENGLAND, 65), 1)
        if code.startswith("E12") and share == 0:
            share = 1 / 9
        level = rng.lognormal(0, 0.05)
        intensity = rng.lognormal(0, 0.2)
        annual = {y: int(round(v * share * level * rng.lognormal(0, 0.015)))
                  for y, v in ENGLAND_ANNUAL_DEATHS.items() if y < 2020}
        covid = {y: int(round(v * share * intensity)) for y, v in ENGLAND_COVID_DEATHS.items()}
        annual[2020] = int(round(np.mean(list(annual.values())) * 1.03)) + covid[2020]
        annual[2021] = int(round(np.mean([annual[y] for y in BASELINE_YEARS]) * 1.02)) \
            + covid[2021]
        care_home = rng.uniform(0.17, 0.33)
        covid_place = np.array([care_home, 0.045, 0.94 - care_home, 0.01, 0.003, 0.002])
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for year in YEARS:
        n_weeks = weeks_in(year)
        weeks = np.arange(1, n_weeks + 1)
        seasonal = 1 + 0.16 * np.cos(2 * np.pi * (weeks - 2) / 52.0)
        covid_total = covid.get(year, 0)
        non_covid = rng.multinomial(annual[year] - covid_total, seasonal / seasonal.sum())
        non_covid_place = rng.multinomial(non_covid, _NON_COVID_SHARES)
        covid_week = rng.multinomial(covid_total, _covid_shape(year)) if covid_total \
            else np.zeros(n_weeks, dtype=np.int64)
        shares = covid_place if year == 2020 else covid_place * np.array(
            [0.6, 1.2, 1.1, 1, 1, 1])
        covid_place_week = _covid_places(covid_week, shares, rng)
        out[year] = (non_covid_place + covid_place_week, covid_place_week)
    return out


# --------------------------------------------------------------------------- rows


def weekly_deaths_records(codes: Sequence[str], areas: Areas) -> list[list[object]]:
    """CMD-layout rows for ``codes``: registrations, all causes 2015-2021 and Covid-19
    2020-2021, by place. Each area has its own seed."""
    rows: list[list[object]] = []
    for code in codes:
        rng = rng_for(code, "weekly_deaths")
        name = areas.name(code)
        monthly = areas.real_monthly_deaths(code)
        series = _calibrated_area(code, monthly, areas, rng) if monthly \
            else _scaled_area(code, areas, rng)
        for year in YEARS:
            all_place, covid_place = series[year]
            causes = [("all-causes", "All causes", all_place)]
            if year >= 2020:
                causes.append(("covid-19", "COVID 19", covid_place))
            for cause_code, cause_label, table in causes:
                for w in range(len(table)):
                    week_code, week_label = f"week-{w + 1:02d}", f"Week {w + 1:02d}"
                    for k, (place_code, place_label) in enumerate(PLACES):
                        rows.append([int(table[w, k]), year, year, code, name, week_code,
                                     week_label, cause_code, cause_label, place_code,
                                     place_label, "registrations", "Registrations"])
    return rows
