"""Deaths charts for the Covid impact notebook: weekly deaths against the baseline, Covid
deaths by place, care-home excess deaths ranked among comparators, care-home outbreaks.

Each function takes a table made by :mod:`asclib.analyses.covid` and returns a matplotlib
Figure in the house style (:mod:`asclib.plots.style`); none reads a file.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from asclib.constants import ENGLAND_CODE
from asclib.plots import style


def weekly_deaths_chart(weekly: pd.DataFrame, *, area_name: str, source: str,
                        title: str | None = None, cause_label: str = "all causes",
                        illustrative: bool = False, period: str = "week",
                        baseline_years: int | None = None) -> Figure:
    """Weekly deaths (from :func:`asclib.analyses.covid.weekly_excess`) against the mean of the
    same week in the baseline years, with the baseline's range shaded. ``period="month"``
    draws a :func:`asclib.analyses.covid.monthly_excess` table the same way (pass
    ``baseline_years``: the monthly table does not record it)."""
    table = weekly.sort_values(period).rename(columns={period: "week"})
    year = int(table["year"].iloc[0])
    if baseline_years is not None:
        n_years = int(baseline_years)
    else:
        n_years = int(table["baseline_years_used"].max()) if len(table) else 0
    unit = "week" if period == "week" else period
    fig, ax = style.new_figure()
    ax.fill_between(table["week"], table["expected_min"].astype(float),
                    table["expected_max"].astype(float), color=style.MUTED, alpha=0.35,
                    linewidth=0, label=f"Range of the {n_years} previous years")
    ax.plot(table["week"], table["baseline_mean"].astype(float), color=style.BENCHMARK,
            linestyle="--", linewidth=1.2, label=f"Mean of the {n_years} previous years")
    ax.plot(table["week"], table["deaths"].astype(float), color=style.HIGHLIGHT, linewidth=1.8,
            label=f"{year}")
    ax.set_xlim(table["week"].min(), table["week"].max())
    ax.set_ylim(bottom=0)
    style.legend_outside(ax)
    return style.finish(
        fig, ax, title=title or f"{unit.capitalize()}ly deaths ({cause_label}), {area_name}, "
                                f"{year}",
        source=source, xlabel=f"{unit.capitalize()} number", ylabel=f"Deaths per {unit}",
        illustrative=illustrative)


def place_of_death_chart(by_place: pd.DataFrame, *, area_name: str, benchmark_name: str,
                         source: str, title: str | None = None,
                         illustrative: bool = False) -> Figure:
    """Shares of Covid-19 deaths by place (from
    :func:`asclib.analyses.covid.covid_deaths_by_place`): area bars with Wilson 95% error bars,
    coloured by significance against the benchmark, beside the benchmark's bars."""
    table = by_place.reset_index(drop=True)
    x = np.arange(len(table))
    width = 0.38
    fig, ax = style.new_figure()
    share = table["share"].astype(float).to_numpy()
    errors = np.vstack([share - table["share_lower_95"].astype(float).to_numpy(),
                        table["share_upper_95"].astype(float).to_numpy() - share])
    ax.bar(x - width / 2, share, width, color=style.colours_for(table["compared"].tolist()),
           edgecolor="#595959", linewidth=0.5, label=area_name)
    ax.errorbar(x - width / 2, share, yerr=errors, fmt="none", ecolor="#000000", capsize=3,
                linewidth=0.8)
    ax.bar(x + width / 2, table["benchmark_share"].astype(float), width, color=style.MUTED,
           edgecolor="#595959", linewidth=0.5, label=benchmark_name)
    ax.set_xticks(x)
    ax.set_xticklabels([textwrap.fill(str(label), 14) for label in table["place_label"]],
                       fontsize=8)
    ax.yaxis.set_major_formatter(style.percent_formatter())
    present = [o for o in ("Higher", "Similar", "Lower", "Not compared")
               if o in set(table["compared"].astype(str))]
    handles = [Patch(color=style.SIGNIFICANCE_COLOURS[o],
                     label=style.area_outcome_label(area_name, o, benchmark_name))
               for o in present]
    handles.append(Patch(color=style.MUTED, label=benchmark_name))
    style.legend_outside(ax, handles)
    # significance in words as well as colour (accessibility)
    for xi, outcome, top in zip(x, table["compared"].astype(str),
                                table["share_upper_95"].astype(float), strict=True):
        if outcome in ("Higher", "Lower", "Similar") and np.isfinite(top):
            ax.text(xi - width / 2, top, outcome.lower(), ha="center", va="bottom", fontsize=7)
    return style.finish(
        fig, ax, title=title or f"Covid-19 deaths by place of death: {area_name} and "
                                f"{benchmark_name}",
        source=source, xlabel="Place of death",
        ylabel="Share of Covid-19 deaths (%, 95% CI)", illustrative=illustrative)


def care_home_excess_chart(care_home_excess: pd.DataFrame, *, area_code: str, year: int,
                           source: str, title: str | None = None,
                           benchmark_code: str = ENGLAND_CODE,
                           illustrative: bool = False) -> Figure:
    """Care-home excess deaths in ``year`` as a percentage of the baseline mean (from
    :func:`asclib.analyses.covid.care_home_excess_by_year`), ranked, the area highlighted and
    England (if present) in black."""
    table = (care_home_excess[care_home_excess["year"] == year]
             .sort_values("excess_pct").reset_index(drop=True))
    if table.empty:
        raise ValueError(f"care_home_excess_chart: no rows for {year}")
    colours = [style.HIGHLIGHT if code == area_code else
               style.BENCHMARK if code == benchmark_code else style.MUTED
               for code in table["area_code"]]
    fig, ax = style.new_figure(height=max(3.0, 0.3 * len(table) + 1.6))
    y = np.arange(len(table))
    ax.barh(y, table["excess_pct"].astype(float), color=colours)
    for pos, (pct, excess) in enumerate(zip(table["excess_pct"], table["excess"], strict=True)):
        ax.text(pct, pos, f" {pct:.0f}% ({excess:+,.0f})", va="center",
                ha="left" if pct >= 0 else "right", fontsize=7)
    ax.set_yticks(y)
    ax.set_yticklabels(table["area_name"], fontsize=8)
    for label, code in zip(ax.get_yticklabels(), table["area_code"], strict=True):
        if code == area_code:
            label.set_fontweight("bold")
    ax.axvline(0, color="#595959", linewidth=0.8)
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.15)
    return style.finish(
        fig, ax, title=title or f"Care-home deaths in {year} above the previous five-year mean",
        source=source, xlabel="Excess deaths in care homes (% of the baseline mean)",
        ylabel="Council", illustrative=illustrative)


def outbreak_timeline_chart(timeline: pd.DataFrame, *, area_name: str, source: str,
                            title: str | None = None, marker_date: object | None = None,
                            illustrative: bool = False) -> Figure:
    """Care homes with an open outbreak (top) and the residents and staff cases in those
    outbreaks (bottom), from :func:`asclib.analyses.covid.outbreak_timeline`; an optional
    dashed line at ``marker_date``."""
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(style.FIGURE_WIDTH, 6.0),
                                      dpi=style.DPI)
    for ax in (top, bottom):
        style.style_axes(ax)
    dates = pd.to_datetime(timeline["date"])
    top.step(dates, timeline["homes_with_open_outbreak"], where="post",
             color=style.PALETTE[0], linewidth=1.6, label="Homes with an open outbreak")
    top.set_ylabel("Care homes")
    top.set_ylim(bottom=0)
    bottom.plot(dates, timeline["resident_cases"], color=style.PALETTE[1], linewidth=1.6,
                label="Resident cases")
    bottom.plot(dates, timeline["staff_cases"], color=style.PALETTE[2], linewidth=1.6,
                label="Staff cases")
    bottom.set_ylabel("Cases in open outbreaks")
    bottom.set_xlabel("Date (week ending)")
    bottom.set_ylim(bottom=0)
    if marker_date is not None:
        for ax in (top, bottom):
            ax.axvline(pd.Timestamp(marker_date), color=style.BENCHMARK, linestyle="--",
                       linewidth=1.0)
    style.legend_outside(top)
    style.legend_outside(bottom)
    fig.autofmt_xdate()
    return style.finish(fig, None, title=title or f"Care-home Covid-19 outbreaks, {area_name}",
                        source=source, illustrative=illustrative)
