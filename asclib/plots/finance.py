"""Finance charts for the budget breakdown and day-service cost notebooks: the budget from gross
to net, spend by support reason and type of care split by age, spend per head against the
comparators, care-home unit costs, day-service rate distributions against the direct-payment
rate, the banded cost model and its sensitivity.

Each function takes a table made by :mod:`asclib.analyses.budget` or
:mod:`asclib.analyses.day_services` and returns a matplotlib Figure in the house style
(:mod:`asclib.plots.style`): titled, axes labelled with units, a source line and the
illustrative-data flag. None reads a file.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from asclib import formatting
from asclib.plots import style

TOTAL = "Total"
_YOUNGER, _OLDER = style.PALETTE[0], style.PALETTE[1]


def _without_total(table: pd.DataFrame, column: str) -> pd.DataFrame:
    return table[table[column].astype(str) != TOTAL].reset_index(drop=True)


def _money_label(value: float) -> str:
    """A bar's money label (the one formatter: :func:`asclib.formatting.money`)."""
    return formatting.money(value, style="short")


# --------------------------------------------------------------------------- budget


def budget_waterfall(totals: pd.DataFrame, *, area_name: str, period: str, source: str,
                     title: str | None = None, illustrative: bool = False) -> Figure:
    """Gross expenditure, less income, gives net expenditure (from
    :func:`asclib.analyses.budget.budget_totals`): a three-step waterfall in £m."""
    values = totals.set_index("line")["ledger_gbp"].astype(float)
    gross, income, net = (float(values[k]) for k in ("gross_budget_gbp", "income_gbp",
                                                     "net_budget_gbp"))
    fig, ax = style.new_figure(height=4.0)
    labels = ["Gross expenditure", "Income", "Net expenditure"]
    bottoms = [0.0, gross - income, 0.0]
    heights = [gross, income, net]
    colours = [style.PALETTE[0], style.PALETTE[2], style.PALETTE[1]]
    ax.bar(labels, heights, bottom=bottoms, color=colours, width=0.6)
    for i, (bottom, height) in enumerate(zip(bottoms, heights, strict=True)):
        text = _money_label(height) if i != 1 else f"- {_money_label(height)}"
        ax.text(i, bottom + height, text, ha="center", va="bottom", fontsize=9)
    ax.plot([0.3, 0.7], [gross, gross], color="#595959", linewidth=0.8)
    ax.plot([1.3, 1.7], [gross - income, gross - income], color="#595959", linewidth=0.8)
    ax.yaxis.set_major_formatter(style.gbp_formatter("m"))
    ax.set_ylim(0, gross * 1.12 if gross > 0 else 1)
    return style.finish(fig, ax, title=title or f"Adult social care budget {period}, {area_name}: "
                                                f"gross, income and net",
                        source=source, ylabel="£ million", illustrative=illustrative)


def spend_split_chart(split: pd.DataFrame, *, dimension: str, area_name: str, period: str,
                      source: str, dimension_label: str | None = None, title: str | None = None,
                      illustrative: bool = False) -> Figure:
    """Horizontal stacked bars of spend by category, split 18-64 / 65+ (from
    :func:`asclib.analyses.budget.spend_split`), largest first, labelled with the total and
    its share of all spend."""
    table = _without_total(split, dimension).sort_values("total_gbp", ascending=True)
    band_columns = [c for c in table.columns if c.startswith("age_") and c.endswith("_gbp")]
    fig, ax = style.new_figure(height=max(3.0, 0.45 * len(table) + 1.6))
    y = np.arange(len(table))
    left = np.zeros(len(table))
    for i, column in enumerate(band_columns):
        label = column[4:-4].replace("_plus", "+").replace("_", "-")
        values = table[column].astype(float).to_numpy()
        ax.barh(y, values, left=left, color=style.PALETTE[i % len(style.PALETTE)],
                label=f"Aged {label}", height=0.65)
        left += values
    for yi, (total, share) in enumerate(zip(table["total_gbp"], table["share"], strict=True)):
        ax.text(float(total), yi, f"  {_money_label(float(total))} "
                f"({formatting.percent(float(share), decimals=0)})",
                va="center", fontsize=8)
    ax.set_yticks(y)
    ax.set_yticklabels(table[dimension].astype(str), fontsize=8)
    ax.xaxis.set_major_formatter(style.gbp_formatter("m"))
    ax.set_xlim(0, float(table["total_gbp"].max()) * 1.25 if len(table) else 1)
    style.legend_outside(ax)
    label = dimension_label or dimension.replace("_", " ")
    return style.finish(fig, ax, title=title or f"Spend by {label}, {area_name}, {period}",
                        source=source, xlabel="Gross expenditure (£ million)",
                        illustrative=illustrative)


def year_on_year_chart(yoy: pd.DataFrame, *, by: str, area_name: str, source: str,
                       title: str | None = None, illustrative: bool = False) -> Figure:
    """Change in spend by category between two years (from
    :func:`asclib.analyses.budget.year_on_year`): horizontal bars of the change in £,
    increases and decreases coloured apart."""
    table = _without_total(yoy, by).iloc[::-1]
    change = table["change_gbp"].astype(float).to_numpy()
    fig, ax = style.new_figure(height=max(3.0, 0.4 * len(table) + 1.6))
    colours = [style.PALETTE[5] if v > 0 else style.PALETTE[0] for v in change]
    ax.barh(np.arange(len(table)), change, color=colours, height=0.6)
    ax.axvline(0, color=style.BENCHMARK, linewidth=0.8)
    ax.set_yticks(np.arange(len(table)))
    ax.set_yticklabels(table[by].astype(str), fontsize=8)
    ax.xaxis.set_major_formatter(style.gbp_formatter("m"))
    previous, current = str(yoy["previous_period"].iloc[0]), str(yoy["period"].iloc[0])
    return style.finish(fig, ax, title=title or f"Change in spend {previous} to {current}, "
                                                f"{area_name}",
                        source=source, xlabel="Change in gross expenditure (£ million)",
                        illustrative=illustrative)


def per_head_chart(per_head: pd.DataFrame, *, measure: str = "net_per_adult_gbp", source: str,
                   title: str | None = None, illustrative: bool = False) -> Figure:
    """Spend per adult of the area and its comparators, ranked (from
    :func:`asclib.analyses.budget.spend_per_head`), the area highlighted and the comparator
    median marked."""
    table = per_head.dropna(subset=[measure]).sort_values(measure, ascending=True)
    names = (table["area_name"] if "area_name" in table.columns else table["area_code"]).astype(str)
    colours = [style.HIGHLIGHT if bool(a) else style.MUTED for a in table["is_area"]]
    fig, ax = style.new_figure(height=max(3.5, 0.3 * len(table) + 1.6))
    y = np.arange(len(table))
    ax.barh(y, table[measure].astype(float), color=colours, height=0.7)
    others = table.loc[~table["is_area"].astype(bool), measure].astype(float)
    if len(others):
        median = float(others.median())
        ax.axvline(median, color=style.BENCHMARK, linestyle="--", linewidth=1,
                   label=f"Comparator median {formatting.money(median, style='pounds')}")
        style.legend_outside(ax)
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=8)
    ax.xaxis.set_major_formatter(style.gbp_formatter(""))
    kind = "Net" if measure.startswith("net") else "Gross"
    finance_period = str(table["finance_period"].iloc[0]) if len(table) else ""
    population_year = str(table["population_year"].iloc[0]) if len(table) else ""
    area = names[table["is_area"].astype(bool)].iloc[0] if table["is_area"].any() else ""
    return style.finish(
        fig, ax, title=title or f"{kind} adult social care spend per adult: {area} and "
                                f"comparators ({finance_period})",
        source=f"{source}; population aged 18+ mid-{population_year}",
        xlabel=f"{kind} expenditure {finance_period} per resident aged 18+ (£)",
        illustrative=illustrative)


def unit_cost_chart(unit_costs: pd.DataFrame, *, area_name: str, source: str,
                    title: str | None = None, illustrative: bool = False) -> Figure:
    """Care-home weekly unit costs by age band x support reason x setting (from
    :func:`asclib.analyses.budget.unit_costs`): the area's bars with the comparator median as
    a marker."""
    table = unit_costs.dropna(subset=["unit_cost_gbp_per_week"]).iloc[::-1].reset_index(
        drop=True)
    labels = (table["age_band"].astype(str) + ", " + table["primary_support_reason"].astype(str)
              + ", " + table["setting"].astype(str).str.lower())
    colours = [style.PALETTE[0] if s == "Residential" else style.PALETTE[3]
               for s in table["setting"].astype(str)]
    fig, ax = style.new_figure(height=max(3.5, 0.32 * len(table) + 1.6))
    y = np.arange(len(table))
    ax.barh(y, table["unit_cost_gbp_per_week"].astype(float), color=colours, height=0.7)
    ax.scatter(table["comparator_median_gbp"].astype(float), y, marker="|", s=160,
               color=style.BENCHMARK, zorder=3)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=7)
    ax.xaxis.set_major_formatter(style.gbp_formatter(""))
    handles = [Patch(color=style.PALETTE[0], label=f"{area_name}: residential"),
               Patch(color=style.PALETTE[3], label=f"{area_name}: nursing"),
               ax.scatter([], [], marker="|", s=160, color=style.BENCHMARK,
                          label="Comparator median")]
    style.legend_outside(ax, handles)
    period = str(table["period"].iloc[0]) if "period" in table.columns and len(table) else ""
    return style.finish(fig, ax, title=title or f"Care-home weekly unit costs, {area_name} "
                                                f"({period})",
                        source=source, xlabel="Gross cost per care week (£ a week)",
                        illustrative=illustrative)


# --------------------------------------------------------------------------- day services


def rate_distribution(placements: pd.DataFrame, *, by: str = "provider",
                      dp_rate: float | None = None, min_clients: int = 5, source: str,
                      area_name: str, title: str | None = None,
                      illustrative: bool = False, exclude: Sequence[str] = ()) -> Figure:
    """Daily rates by ``by`` ("provider" or "service"): a box (quartiles, whiskers to 1.5 IQR,
    Tukey), with the direct-payment rate as a line.

    Individual clients' rates are not drawn as points: points can be counted, and counting a
    group's points would reveal the size of a group the tables suppress.

    Disclosure: groups with fewer than ``min_clients`` clients are not shown on their own;
    they are pooled as "Other (groups under N clients)", which is itself shown only when it
    reaches ``min_clients``; the source line says that small groups were left out, never how
    many clients they hold (that number would itself be a small count).

    ``exclude`` names groups the published tables suppress (for example by secondary
    suppression): they are not drawn at all, neither alone nor in the pooled group.
    """
    table = placements.dropna(subset=["daily_rate_gbp"])
    excluded = {str(g) for g in exclude}
    if excluded:
        table = table[~table[by].astype(str).isin(excluded)]
    labels = table[by].astype(str)
    clients = table.groupby(labels)["client_id"].nunique()
    small = set(clients[clients < min_clients].index)
    other = f"Other (groups under {min_clients} clients)"
    labels = labels.where(~labels.isin(small), other)
    groups = {label: table.loc[(labels == label).to_numpy(), "daily_rate_gbp"].astype(float)
              for label in labels.unique()}
    hidden = 0
    if other in groups and table.loc[(labels == other).to_numpy(), "client_id"].nunique() \
            < min_clients:
        hidden = int(table.loc[(labels == other).to_numpy(), "client_id"].nunique())
        del groups[other]
    order = sorted((g for g in groups if g != other), key=lambda g: float(groups[g].median()))
    if other in groups:
        order.insert(0, other)
    fig, ax = style.new_figure(height=max(3.5, 0.4 * len(order) + 1.8))
    if order:
        ax.boxplot([groups[g].to_numpy() for g in order], orientation="horizontal",
                   widths=0.55, showfliers=False, patch_artist=True,
                   boxprops={"facecolor": "#DCE9F5", "edgecolor": "#595959"},
                   medianprops={"color": style.PALETTE[0], "linewidth": 1.6},
                   whiskerprops={"color": "#595959"}, capprops={"color": "#595959"})
        ax.set_yticks(np.arange(1, len(order) + 1))
        ax.set_yticklabels(order, fontsize=8)
    if dp_rate is not None:
        ax.axvline(float(dp_rate), color=style.HIGHLIGHT, linestyle="--", linewidth=1.2,
                   label=f"Direct-payment rate {formatting.money(float(dp_rate), style='pounds')}"
                         " a day")
        style.legend_outside(ax)
    ax.xaxis.set_major_formatter(style.gbp_formatter(""))
    # the number of clients left out is itself a small count: never state it
    note = f"; groups with fewer than {min_clients} clients not shown" if hidden else ""
    if excluded:
        note += "; groups suppressed in the tables not shown"
    return style.finish(fig, ax, title=title or f"Day-service daily rates by {by}, {area_name}",
                        source=source + note, xlabel="Daily rate (£ a day, 1:1 top-ups excluded)",
                        illustrative=illustrative)


def banded_model_chart(summary: pd.DataFrame, *, by: str, area_name: str, source: str,
                       title: str | None = None, illustrative: bool = False) -> Figure:
    """Today's annual cost against the banded model's (year one) by group (from
    :func:`asclib.analyses.day_services.banded_model_summary`); suppressed groups (missing
    costs) are left out and counted on the source line."""
    table = _without_total(summary, by)
    shown = table.dropna(subset=["current_annual_cost_gbp", "modelled_annual_cost_gbp"])
    hidden = len(table) - len(shown)
    shown = shown.iloc[::-1].reset_index(drop=True)
    y = np.arange(len(shown))
    fig, ax = style.new_figure(height=max(3.5, 0.45 * len(shown) + 1.8))
    ax.barh(y + 0.2, shown["current_annual_cost_gbp"].astype(float), height=0.4,
            color=style.MUTED, label="Current")
    ax.barh(y - 0.2, shown["modelled_annual_cost_gbp"].astype(float), height=0.4,
            color=style.PALETTE[0], label="Banded model, year one")
    for yi, change in enumerate(shown["change_gbp"].astype(float)):
        top = max(float(shown["current_annual_cost_gbp"].iloc[yi]),
                  float(shown["modelled_annual_cost_gbp"].iloc[yi]))
        ax.text(top, yi, f"  {'+' if change >= 0 else '-'}{_money_label(abs(change))}",
                va="center", fontsize=8)
    ax.set_yticks(y)
    ax.set_yticklabels(shown[by].astype(str), fontsize=8)
    ax.xaxis.set_major_formatter(style.gbp_formatter("k"))
    if len(shown):
        ax.set_xlim(0, float(shown[["current_annual_cost_gbp",
                                    "modelled_annual_cost_gbp"]].max().max()) * 1.2)
    style.legend_outside(ax)
    note = f"; {hidden} groups with fewer than 5 clients not shown" if hidden else ""
    return style.finish(fig, ax, title=title or f"Day-service annual cost today and under the "
                                                f"banded model, by {by.replace('_', ' ')}, "
                                                f"{area_name}",
                        source=source + note, xlabel="Annual cost (£ thousand)",
                        illustrative=illustrative)


def sensitivity_chart(sensitivity: pd.DataFrame, *, area_name: str, source: str,
                      title: str | None = None, illustrative: bool = False) -> Figure:
    """Change in annual cost against today's as every band rate of the banded model moves by
    £x a day (from :func:`asclib.analyses.day_services.sensitivity`): bars from zero (no
    truncated axis), each labelled with the model's total annual cost in £m."""
    table = sensitivity.sort_values("delta_gbp_per_day")
    deltas = table["delta_gbp_per_day"].astype(float).to_numpy()
    change = table["change_gbp"].astype(float).to_numpy()
    modelled = table["modelled_annual_cost_gbp"].astype(float).to_numpy()
    current = float(table["current_annual_cost_gbp"].iloc[0]) if len(table) else 0.0
    fig, ax = style.new_figure(height=4.0)
    labels = [f"{d:+g}" if d else "0" for d in deltas]
    colours = [style.PALETTE[5] if c > 0 else style.PALETTE[2] for c in change]
    ax.bar(labels, change, color=colours, width=0.6)
    ax.axhline(0, color=style.BENCHMARK, linewidth=0.8)
    for i, (value, total) in enumerate(zip(change, modelled, strict=True)):
        ax.text(i, value, formatting.money(total, style="auto"), ha="center",
                va="bottom" if value >= 0 else "top", fontsize=8)
    span = float(np.abs(change).max()) if change.size else 1.0
    ax.set_ylim(min(0.0, float(change.min()) - 0.15 * span) if change.size else -1,
                max(0.0, float(change.max()) + 0.15 * span) if change.size else 1)
    ax.yaxis.set_major_formatter(style.gbp_formatter("k"))
    return style.finish(fig, ax, title=title or f"Sensitivity of the banded model to the band "
                                                f"rates, {area_name} (today "
                                                f"{_money_label(current)} a year)",
                        source=source, xlabel="Change to every band rate (£ a day)",
                        ylabel="Change in annual cost (£ thousand)",
                        illustrative=illustrative)
