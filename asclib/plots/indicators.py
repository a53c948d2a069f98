"""Indicator charts in the Fingertips style: spine chart, trend with CI band, localities.

Each function takes a table made by :mod:`asclib.analyses.jsna` and returns a matplotlib
Figure in the house style (:mod:`asclib.plots.style`); none reads a file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from asclib.plots import style

_SPINE_OUTCOMES = ("Best", "Better", "Similar", "Worse", "Worst", "Higher", "Lower",
                   "Not compared")


def _row_label(row: pd.Series) -> str:
    label = str(row["indicator"])
    sex = row.get("sex")
    if isinstance(sex, str) and sex and sex.lower() not in {"persons", ""}:
        label += f" ({sex.lower()})"
    return label


def _format_value(value: float) -> str:
    if pd.isna(value):
        return "-"
    if abs(value) < 1:
        return f"{value:.3f}"
    return f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"


def spine_chart(spine_table: pd.DataFrame, *, area_name: str, source: str,
                region_name: str = "Region", benchmark_name: str = "England",
                title: str | None = None, illustrative: bool = False) -> Figure:
    """Fingertips-style spine chart from :func:`asclib.analyses.jsna.spine_chart_table`.

    One row per indicator, grouped under a heading per domain (in table order). England is the
    centre line (0.5 on the scaled axis); the bands run worst to 25th percentile (outer grey),
    25th to 75th (inner dark grey) and 75th to best (outer grey) across the comparators; the area
    is a circle coloured by its significance against England, the region a white diamond.
    Worst is on the left and best on the right whatever the polarity.
    """
    table = spine_table.reset_index(drop=True)
    domains = list(dict.fromkeys(table["domain"].fillna("Other")))
    # y layout: a heading line per domain, then its indicators, top to bottom
    positions: list[float] = []
    headings: list[tuple[float, str]] = []
    y = 0.0
    for domain in domains:
        headings.append((y, domain))
        y += 1
        for index in table.index[table["domain"].fillna("Other") == domain]:
            positions.append((index, y))
            y += 1
    order = dict(positions)
    height = max(3.0, 0.38 * y + 1.8)
    fig, ax = style.new_figure(height=height, width=style.FIGURE_WIDTH + 2)
    ax.grid(False)
    bar_height = 0.6
    for index, row in table.iterrows():
        row_y = order[index]
        edges = [row["worst_scaled"], row["q25_scaled"], row["q75_scaled"], row["best_scaled"]]
        if not any(pd.isna(e) for e in edges):
            for (left, right), colour in zip(
                    ((edges[0], edges[1]), (edges[1], edges[2]), (edges[2], edges[3])),
                    (style.SPINE_OUTER, style.SPINE_INNER, style.SPINE_OUTER), strict=True):
                ax.barh(row_y, right - left, left=left, height=bar_height, color=colour,
                        edgecolor="none", zorder=1)
        if not pd.isna(row["area_scaled"]):
            ax.scatter(row["area_scaled"], row_y, s=70, zorder=4, edgecolors="#000000",
                       linewidths=0.6,
                       color=style.colours_for([row["compared_to_england"]])[0])
        if not pd.isna(row.get("region_scaled", np.nan)):
            ax.scatter(row["region_scaled"], row_y, marker="D", s=38, zorder=3,
                       color="#FFFFFF", edgecolors="#000000", linewidths=0.8)
        ax.text(1.03, row_y, _format_value(row["value"]), va="center", ha="left", fontsize=8)
        ax.text(1.17, row_y, _format_value(row["england_value"]), va="center", ha="left",
                fontsize=8)
    ax.axvline(0.5, color=style.BENCHMARK, linewidth=1.2, zorder=2)
    for heading_y, domain in headings:
        ax.text(-0.01, heading_y, domain, va="center", ha="right", fontsize=9,
                fontweight="bold", transform=ax.get_yaxis_transform())
    ax.text(1.03, -1.0 if not headings else headings[0][0] - 0.9, area_name[:14],
            fontsize=8, fontweight="bold", ha="left", va="center")
    ax.text(1.17, -1.0 if not headings else headings[0][0] - 0.9, benchmark_name[:14],
            fontsize=8,
            fontweight="bold", ha="left", va="center")
    ax.set_yticks([pos for _, pos in positions])
    ax.set_yticklabels([_row_label(table.loc[index]) for index, _ in positions], fontsize=8)
    ax.set_ylim(y - 0.4, -1.6)
    ax.set_xlim(-0.02, 1.02)
    ax.set_xticks([0.0, 0.5, 1.0])
    ax.set_xticklabels(["Worst", benchmark_name, "Best"])
    ax.spines[["left"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    present = [o for o in _SPINE_OUTCOMES if o in set(table["compared_to_england"].astype(str))]
    handles = [Line2D([], [], marker="o", linestyle="", markersize=7,
                      markerfacecolor=style.SIGNIFICANCE_COLOURS[o], markeredgecolor="#000000",
                      label=f"{area_name}: {o.lower()}") for o in present]
    if table["region_scaled"].notna().any():
        handles.append(Line2D([], [], marker="D", linestyle="", markersize=6,
                              markerfacecolor="#FFFFFF", markeredgecolor="#000000",
                              label=region_name))
    handles += [
        Line2D([], [], color=style.BENCHMARK, label=benchmark_name),
        Patch(color=style.SPINE_OUTER, label="Worst to 25th / 75th to best"),
        Patch(color=style.SPINE_INNER, label="25th to 75th percentile"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4,
              fontsize=7, frameon=False)
    return style.finish(
        fig, ax, title=title or f"{area_name} compared with {benchmark_name} and comparators",
        source=source,
        xlabel=f"Position among comparator councils (scaled; {benchmark_name} = centre)",
        illustrative=illustrative)


def trend_chart(trend_table: pd.DataFrame, *, source: str, indicator_id: object | None = None,
                title: str | None = None, ylabel: str | None = None,
                benchmark_name: str = "England", illustrative: bool = False,
                sex: str | None = None) -> Figure:
    """One indicator over time from :func:`asclib.analyses.jsna.trend_table`: the area's value
    with its 95% confidence band, points coloured by significance against the benchmark, and
    the benchmark's line. ``indicator_id`` and ``sex`` pick one series from a table holding
    several (the sex is named in the title unless it is "Persons")."""
    table = trend_table
    if indicator_id is not None:
        table = table[table["indicator_id"] == indicator_id]
    if sex is not None:
        table = table[table["sex"].astype(str) == sex]
    if table.empty:
        raise ValueError("trend_chart: no rows to draw")
    table = table.sort_values("period_sortable")
    first = table.iloc[0]
    x = np.arange(len(table))
    fig, ax = style.new_figure()
    ax.fill_between(x, table["lower_ci_95"].astype(float), table["upper_ci_95"].astype(float),
                    color=style.PALETTE[0], alpha=0.18, linewidth=0,
                    label="95% confidence interval")
    ax.plot(x, table["value"].astype(float), color=style.PALETTE[0], linewidth=1.5,
            label=str(first["area_name"]), zorder=3)
    ax.scatter(x, table["value"].astype(float), s=45, zorder=4, edgecolors="#000000",
               linewidths=0.5, color=style.colours_for(table["compared_to_benchmark"].tolist()))
    if table["benchmark_value"].notna().any():
        ax.plot(x, table["benchmark_value"].astype(float), color=style.BENCHMARK,
                linestyle="--", linewidth=1.2, marker="s", markersize=4, label=benchmark_name,
                zorder=2)
    ax.set_xticks(x)
    ax.set_xticklabels(table["period"].astype(str), rotation=45 if len(x) > 6 else 0,
                       ha="right" if len(x) > 6 else "center")
    ax.legend(fontsize=8, frameon=False)
    unit = first.get("unit")
    unit_text = "" if unit is None or pd.isna(unit) or str(unit) == "" else f" ({unit})"
    sex_text = ("" if sex is None or str(sex).lower() in {"persons", ""}
                else f" ({str(sex).lower()})")
    return style.finish(
        fig, ax, title=title or f"{first['indicator']}{sex_text}: {first['area_name']} over time",
        source=source, xlabel="Period", ylabel=ylabel or f"Value{unit_text}",
        illustrative=illustrative)


def locality_chart(locality_table: pd.DataFrame, *, area_name: str, source: str,
                   title: str | None = None, xlabel: str | None = None,
                   illustrative: bool = False) -> Figure:
    """Localities inside the area from :func:`asclib.analyses.jsna.locality_table`: one bar
    per locality with its 95% interval, coloured by comparison with the area's value, which is
    drawn as a vertical line."""
    if locality_table.empty:
        raise ValueError("locality_chart: no localities to draw")
    table = locality_table.sort_values("value").reset_index(drop=True)
    labels = [f"{loc} ({sex.lower()})" if table["sex"].nunique() > 1 else str(loc)
              for loc, sex in zip(table["locality"], table["sex"].astype(str), strict=True)]
    fig, ax = style.new_figure(height=max(3.0, 0.4 * len(table) + 1.6))
    y = np.arange(len(table))
    values = table["value"].astype(float).to_numpy()
    errors = np.vstack([values - table["lower_ci_95"].astype(float).to_numpy(),
                        table["upper_ci_95"].astype(float).to_numpy() - values])
    ax.barh(y, values, color=style.colours_for(table["compared_to_area"].tolist()),
            edgecolor="#595959", linewidth=0.5)
    ax.errorbar(values, y, xerr=np.nan_to_num(errors), fmt="none", ecolor="#000000",
                capsize=3, linewidth=0.8)
    area_lines = table.dropna(subset=["area_value"]).drop_duplicates(["sex", "area_value"])
    several = area_lines["sex"].nunique() > 1
    for number, (_, line) in enumerate(area_lines.iterrows()):
        who = f"{area_name} ({str(line['sex']).lower()})" if several else area_name
        ax.axvline(float(line["area_value"]), color=style.BENCHMARK,
                   linestyle=("--", ":", "-.")[number % 3], linewidth=1.2,
                   label=f"{who}: {_format_value(float(line['area_value']))}")
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    handles = [Patch(color=style.SIGNIFICANCE_COLOURS[o], label=f"{o} than {area_name}"
                     if o not in ("Similar", "Not compared") else o)
               for o in _SPINE_OUTCOMES if o in set(table["compared_to_area"].astype(str))]
    handles += ax.get_legend_handles_labels()[0]
    ax.legend(handles=handles, fontsize=8, frameon=False, loc="lower right")
    first = table.iloc[0]
    default_title = f"{first['indicator']} by locality, {area_name} ({first['period']})"
    return style.finish(
        fig, ax, title=title or default_title,
        source=source, xlabel=xlabel or "Value (95% confidence interval)", ylabel="Locality",
        illustrative=illustrative)
