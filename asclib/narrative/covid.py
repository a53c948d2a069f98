"""Sentences for the Covid-impact notebook, from the tables of :mod:`asclib.analyses.covid`.

The weekly series and the outbreak log are illustrative unless the council supplies its own;
monthly registrations, care-home deaths and England's deaths by place are real ONS figures.
Each sentence says which it rests on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from asclib.formatting import count, number, percent
from asclib.narrative._common import provenance, records, signed

_VERDICTS = {"Higher": "significantly higher than", "Lower": "significantly lower than",
             "Similar": "not significantly different from"}


def _pct(value: float) -> str:
    """A percentage held as a number (12.3 = 12.3%), signed."""
    return signed(float(value), lambda v: percent(v / 100))


def _expected_words(compared: str) -> str:
    return {"Higher": "significantly higher than expected",
            "Lower": "significantly lower than expected",
            "Similar": "not significantly different from expected"}.get(
        compared, "not compared with the expected number")


def excess(comparison: pd.DataFrame, area_name: str, benchmark_name: str, *,
           illustrative: bool | Mapping[str, bool], period_word: str = "weeks",
           what: str = "deaths") -> str:
    """One paragraph on an ``excess_comparison`` or ``monthly_excess_comparison`` table:
    observed against expected, excess, percentage excess with its 95% interval, and whether
    the figures are real or illustrative (``illustrative``: one flag, or one per area code
    as ``covid.illustrative_areas`` gives)."""
    def kind_of(code: str) -> str:
        flag = illustrative.get(code, True) if isinstance(illustrative, Mapping) \
            else illustrative
        return provenance(bool(flag))

    if comparison.empty:
        return f"No {what} are available to compare for {area_name}."
    series = "monthly registrations" if period_word == "months" else "weekly registrations"
    parts = []
    for _, row in comparison.iterrows():
        name = area_name if row["role"] == "area" else benchmark_name
        span = row["weeks"] if "weeks" in row.index else row["months"]
        parts.append(
            f"**{name}** ({period_word} {span} of {int(row['year'])}, "
            f"{kind_of(str(row['area_code']))} {series}): "
            f"{count(row['observed'])} {what} against {count(row['expected'])} expected, an "
            f"excess of {signed(row['excess_deaths'], count)} ({_pct(row['excess_pct'])}, "
            f"95% CI {_pct(row['excess_pct_lower_95'])} to {_pct(row['excess_pct_upper_95'])}),"
            f" {_expected_words(str(row['compared_to_expected']))}.")
    return " ".join(parts)


def monthly_coverage(monthly_deaths: pd.DataFrame, area_code: str, area_name: str) -> str:
    """Whether the real monthly table covers the area (without naming other councils)."""
    if (monthly_deaths["area_code"] == area_code).any():
        return (f"The real ONS monthly registrations cover {area_name}, so excess deaths are "
                "measured on them.")
    return (f"The ONS monthly registrations held have no figures for {area_name}, so there is "
            "no real monthly measure of excess deaths for this council.")


def no_weekly(area_name: str, area_code: str) -> str:
    """Why the weekly sections are left out."""
    return (f"No weekly deaths for {area_name} are held, so the weekly sections (weekly excess "
            "and place of death) are left out. Run `asc demo-data --area "
            f"{area_code}` for an illustrative weekly series, then `asc prepare`.")


def places(by_place: pd.DataFrame, area_name: str, benchmark_name: str, *,
           illustrative: bool, published: Mapping[str, float] | None = None) -> str:
    """Covid-19 deaths by place in words: total, care-home and hospital shares with 95% CIs
    and significance against the benchmark, and the published shares when the seed documents
    give them for the area (``covid_care_home_share``, ``covid_hospital_share``)."""
    table = by_place.set_index("place")
    total = float(table["deaths"].sum())
    text = [f"{records(area_name, 'weekly records', illustrative)} show "
            f"{count(total)} Covid-19 deaths."]
    for place, label in (("care_home", "in care homes"), ("hospital", "in hospital")):
        row = table.loc[place]
        verdict = _VERDICTS.get(str(row["compared"]), "not compared with")
        text.append(f"{percent(row['share'], decimals=0)} died {label} (95% CI "
                    f"{percent(row['share_lower_95'])} to {percent(row['share_upper_95'])}), "
                    f"{verdict} {benchmark_name} ({percent(row['benchmark_share'])}, real).")
    published = published or {}
    if {"covid_care_home_share", "covid_hospital_share"} <= set(published):
        text.append(f"The council's published figures are "
                    f"{percent(published['covid_care_home_share'], decimals=0)} in care homes "
                    f"and {percent(published['covid_hospital_share'], decimals=0)} in "
                    "hospital.")
    return " ".join(text)


def benchmark_published(by_place: pd.DataFrame, benchmark_name: str,
                        published_care_home_share: float | None,
                        published_hospital_share: float | None, *,
                        document: str) -> str:
    """How the (real) benchmark shares computed here compare with the shares a document
    quotes, and the likely reason when they differ: hospice deaths counted with hospital
    deaths (when hospital + hospice is closer to the quoted figure) and truncation. Empty
    when the document quotes none."""
    if published_care_home_share is None or published_hospital_share is None:
        return ""
    table = by_place.set_index("place")
    care, hospital = (float(table.loc["care_home", "benchmark_share"]),
                      float(table.loc["hospital", "benchmark_share"]))
    hospice = float(table.loc["hospice", "benchmark_share"])
    text = (f"{document[:1].upper()}{document[1:]} quotes "
            f"{percent(published_care_home_share, decimals=0)} of {benchmark_name}'s Covid-19 "
            f"deaths in care homes and {percent(published_hospital_share, decimals=0)} in "
            f"hospital; the real ONS figures used here give {percent(care)} and "
            f"{percent(hospital)}.")
    if abs(hospital + hospice - published_hospital_share) < abs(hospital
                                                                 - published_hospital_share):
        text += (f" Hospital ({percent(hospital)}) plus hospice ({percent(hospice)}) deaths "
                 f"make {percent(hospital + hospice)}, which rounds to the quoted "
                 f"{percent(published_hospital_share, decimals=0)}: the document appears to "
                 "count hospices with hospitals.")
    if np.floor(care * 100) / 100 == published_care_home_share and round(care, 2) != round(
            published_care_home_share, 2):
        text += (f" The care-home figure appears truncated ({percent(care)} quoted as "
                 f"{percent(published_care_home_share, decimals=0)}).")
    return text


def care_home(care_home_excess: pd.DataFrame, area_code: str, year: int,
              benchmark_code: str, baseline: tuple[int, int] = (2015, 2019)) -> str:
    """The area's (real) care-home deaths in ``year`` against the baseline mean, its rank
    among the councils in the table and the benchmark's percentage excess."""
    rows = care_home_excess[care_home_excess["year"] == year]
    area = rows[rows["area_code"] == area_code]
    if area.empty:
        raise ValueError(f"care-home excess table has no row for {area_code} in {year}")
    row = area.iloc[0]
    councils = int(rows["rank"].notna().sum())
    text = (f"In {year}, {count(row['deaths'])} people died in care homes in "
            f"{row['area_name']} (real ONS figures), against a mean of "
            f"{number(row['baseline_mean'])} a year in {baseline[0]}-{baseline[1]}: "
            f"{signed(row['excess'], number)} deaths ({_pct(row['excess_pct'])}), ranked "
            f"{int(row['rank'])} of {councils} councils (1 = largest percentage excess).")
    bench = rows[rows["area_code"] == benchmark_code]
    if not bench.empty:
        b = bench.iloc[0]
        text += f" For {b['area_name']} the excess was {_pct(b['excess_pct'])}."
    return text


def no_care_home_deaths(area_name: str, year: int) -> str:
    """Why the care-home deaths section is empty."""
    return (f"The ONS care-home deaths held have no complete figures for {area_name} for "
            f"{year} and the 2015-2019 baseline, so no care-home excess is shown.")


def outbreaks(state: Mapping[str, int], date: Any, area_name: str, *,
              illustrative: bool) -> str:
    """The outbreak state on ``date`` in words, naming the log's provenance."""
    day = pd.Timestamp(date)
    return (f"{records(area_name, 'outbreak log', illustrative)} shows "
            f"{count(state['homes_with_open_outbreak'])} care homes with an open outbreak on "
            f"{day.day} {day:%B %Y} ({count(state['homes_with_single_case'])} of them with a "
            f"single case so far), with {count(state['resident_cases'])} resident and "
            f"{count(state['staff_cases'])} staff cases.")


def no_outbreak_log(area_name: str, area_code: str) -> str:
    """Why the outbreak section is left out."""
    return (f"No care-home outbreak log is held for {area_name}, so the outbreak section is "
            f"left out. Export it to data/raw/council/{area_code}/care_home_outbreaks.xlsx, or "
            f"run `asc demo-data --area {area_code}` for an illustrative version.")


def key_messages(*, area_name: str, year: int, heads: Mapping[str, Any],
                 weekly_illustrative: bool, outbreaks_illustrative: bool,
                 outbreak_date: Any = None) -> list[str]:
    """3-6 sentences with the headline figures, each saying real or illustrative."""
    messages = []
    if "excess_deaths" in heads:
        real = "(real)" in str(heads["excess_deaths_source"])
        messages.append(
            f"{area_name} registered {signed(heads['excess_deaths'], count)} deaths above the "
            f"usual level in {year} ({_pct(heads['excess_deaths_pct'])}; source: "
            f"{heads['excess_deaths_source']}; {provenance(not real)} data).")
    if f"care_home_deaths_{year}" in heads:
        messages.append(
            f"{count(heads[f'care_home_deaths_{year}'])} people died in {area_name}'s care "
            f"homes in {year}, against {number(heads['care_home_deaths_baseline'])} a year in "
            "2015-2019 (real ONS data).")
    if "covid_deaths_care_home_share" in heads:
        messages.append(
            f"{percent(heads['covid_deaths_care_home_share'], decimals=0)} of Covid-19 deaths "
            f"were in care homes, against {percent(heads['benchmark_care_home_share'])} for the "
            f"benchmark ({provenance(weekly_illustrative)} weekly data against real ONS "
            "figures).")
    if "homes_with_open_outbreak" in heads:
        day = pd.Timestamp(outbreak_date)
        messages.append(
            f"On {day.day} {day:%B %Y}, {count(heads['homes_with_open_outbreak'])} care homes "
            f"had an open outbreak, {count(heads['outbreak_single_case_homes'])} of them with "
            f"a single case ({provenance(outbreaks_illustrative)} data).")
    if not messages:
        messages.append(f"No deaths or outbreak figures for {area_name} in {year} are held.")
    return messages


def skip_reason(area_name: str, area_code: str) -> str:
    """The plain reason the notebook is skipped for a council with no deaths figures."""
    return (f"covid: no deaths figures for {area_name} ({area_code}) in the data (weekly, "
            "monthly or care-home deaths); add the ONS files under data/raw/official/ and run "
            "`asc prepare`")
