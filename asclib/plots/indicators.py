"""Indicator charts in the Fingertips style: spine chart, trend with CI band, localities.

Each function takes a table made by :mod:`asclib.analyses.jsna` and returns a matplotlib
Figure in the house style (:mod:`asclib.plots.style`); none reads a file.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from asclib import formatting
from asclib.plots import style

_SPINE_OUTCOMES = ("Best", "Better", "Similar", "Worse", "Worst", "Higher", "Lower",
                   "Not compared")


def _row_label(row: pd.Series) -> str:
    label = str(row["indicator"])
    sex = row.get("sex")
    if isinstance(sex, str) and sex and sex.lower() not in {"persons", ""}:
        label += f" ({sex.lower()})"
    return label


def _format_value(value: float, unit: object = None) -> str:
    """An indicator value with the decimals of its unit (:func:`asclib.formatting.by_unit`)."""
    if pd.isna(value):
        return formatting.MISSING
    return formatting.by_unit(float(value), None if pd.isna(unit) else unit)


#: Right edges of the value columns beside the spine chart (points right of the axes).
_AREA_COLUMN_PT, _ENGLAND_COLUMN_PT = 62, 124


def _value_column(ax, offset_pt: float, y: float, text: str, bold: bool = False) -> None:
    """A right-aligned value in a column a fixed distance right of the axes."""
    ax.annotate(text, xy=(1.0, y), xycoords=("axes fraction", "data"),
                xytext=(offset_pt, 0), textcoords="offset points", ha="right", va="center",
                fontsize=8, fontweight="bold" if bold else "normal", annotation_clip=False)


def _column_heading(name: str, width: int = 14, lines: int = 3) -> str:
    """A value column's heading: the name on up to three lines of 14 characters (the columns
    are 62 pt apart), cut with an ellipsis only beyond that ("Bournemouth,\nChristchurch\nand
    Poole"; it was cut to "Bournemouth, C")."""
    wrapped = textwrap.wrap(str(name), width) or [""]
    if len(wrapped) > lines:
        wrapped = [*wrapped[:lines - 1], wrapped[lines - 1][:width - 1] + "\u2026"]
    return "\n".join(wrapped)


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
    # one artist per band, per outcome and for the region (not one per row: faster to draw)
    row_y = table.index.map(order).to_numpy(dtype=float)
    edges = table[["worst_scaled", "q25_scaled", "q75_scaled", "best_scaled"]].astype(float)
    banded = edges.notna().all(axis=1).to_numpy()
    edge = edges.to_numpy()[banded]
    for (first, last), colour in zip(((0, 1), (1, 2), (2, 3)),
                                     (style.SPINE_OUTER, style.SPINE_INNER, style.SPINE_OUTER),
                                     strict=True):
        if banded.any():
            ax.barh(row_y[banded], edge[:, last] - edge[:, first], left=edge[:, first],
                    height=bar_height, color=colour, edgecolor="none", zorder=1)
    area_x = table["area_scaled"].astype(float).to_numpy()
    outcomes = table["compared_to_england"].astype(str).to_numpy()
    for outcome in dict.fromkeys(outcomes[~np.isnan(area_x)]):
        chosen = (outcomes == outcome) & ~np.isnan(area_x)
        ax.scatter(area_x[chosen], row_y[chosen], s=70, zorder=4, edgecolors="#000000",
                   linewidths=0.6, marker=style.markers_for([outcome])[0],
                   color=style.colours_for([outcome])[0])
    if "region_scaled" in table.columns:
        region_x = table["region_scaled"].astype(float).to_numpy()
        if (~np.isnan(region_x)).any():
            ax.scatter(region_x[~np.isnan(region_x)], row_y[~np.isnan(region_x)], marker="D",
                       s=38, zorder=3, color="#FFFFFF", edgecolors="#000000", linewidths=0.8)
    for index, row in table.iterrows():
        row_y_value = order[index]
        unit = row.get("unit")
        _value_column(ax, _AREA_COLUMN_PT, row_y_value, _format_value(row["value"], unit))
        _value_column(ax, _ENGLAND_COLUMN_PT, row_y_value,
                      _format_value(row["england_value"], unit))
    ax.axvline(0.5, color=style.BENCHMARK, linewidth=1.2, zorder=2)
    for heading_y, domain in headings:
        ax.text(-0.01, heading_y, domain, va="center", ha="right", fontsize=9,
                fontweight="bold", transform=ax.get_yaxis_transform())
    header_y = -1.0 if not headings else headings[0][0] - 0.9
    _value_column(ax, _AREA_COLUMN_PT, header_y, _column_heading(area_name), bold=True)
    _value_column(ax, _ENGLAND_COLUMN_PT, header_y, _column_heading(benchmark_name), bold=True)
    ax.set_yticks([pos for _, pos in positions])
    ax.set_yticklabels([_row_label(table.loc[index]) for index, _ in positions], fontsize=8)
    ax.set_ylim(y - 0.4, -1.6)
    ax.set_xlim(-0.02, 1.02)
    ax.set_xticks([0.0, 0.5, 1.0])
    ax.set_xticklabels(["Worst", benchmark_name, "Best"])
    ax.spines[["left"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    present = [o for o in _SPINE_OUTCOMES if o in set(table["compared_to_england"].astype(str))]
    handles = [Line2D([], [], marker=style.SIGNIFICANCE_MARKERS.get(o, "s"), linestyle="",
                      markersize=7,
                      markerfacecolor=style.SIGNIFICANCE_COLOURS[o], markeredgecolor="#000000",
                      label=style.area_outcome_label(area_name, o, benchmark_name))
               for o in present]
    if table["region_scaled"].notna().any():
        handles.append(Line2D([], [], marker="D", linestyle="", markersize=6,
                              markerfacecolor="#FFFFFF", markeredgecolor="#000000",
                              label=region_name))
    handles += [
        Line2D([], [], color=style.BENCHMARK, label=benchmark_name),
        Patch(color=style.SPINE_OUTER, label="Worst to 25th / 75th to best"),
        Patch(color=style.SPINE_INNER, label="25th to 75th percentile"),
    ]
    # centred on the figure (x in figure fraction), under the axes (y in axes fraction): centred
    # under the axes, which the indicator names push to the right, a long council name took
    # it past the figure's right edge
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3,
              bbox_transform=blended_transform_factory(fig.transFigure, ax.transAxes),
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
    outcomes = table["compared_to_benchmark"].astype(str).to_numpy()
    values = table["value"].astype(float).to_numpy()
    for outcome in dict.fromkeys(outcomes):  # one marker shape and colour per outcome
        chosen = outcomes == outcome
        ax.scatter(x[chosen], values[chosen], s=45, zorder=4, edgecolors="#000000",
                   linewidths=0.5, color=style.colours_for([outcome])[0],
                   marker=style.markers_for([outcome])[0],
                   label=style.outcome_label(outcome, benchmark_name))
    if table["benchmark_value"].notna().any():
        ax.plot(x, table["benchmark_value"].astype(float), color=style.BENCHMARK,
                linestyle="--", linewidth=1.2, marker="s", markersize=4, label=benchmark_name,
                zorder=2)
    ax.set_xticks(x)
    ax.set_xticklabels(table["period"].astype(str), rotation=45 if len(x) > 6 else 0,
                       ha="right" if len(x) > 6 else "center")
    style.legend_outside(ax)
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
    per locality with its 95% interval, coloured (and labelled in words) by comparison with
    the area's value, which is drawn as a vertical line. A table holding several sexes is drawn
    as one panel per sex, each with its own reference line."""
    if locality_table.empty:
        raise ValueError("locality_chart: no localities to draw")
    table = locality_table.sort_values("value").reset_index(drop=True)
    sexes = list(dict.fromkeys(table["sex"].astype(str)))
    heights = [int((table["sex"].astype(str) == sex).sum()) for sex in sexes]
    fig = plt.figure(figsize=(style.FIGURE_WIDTH, max(3.0, 0.4 * len(table)
                                                     + 1.2 * len(sexes) + 1.0)),
                     dpi=style.DPI)
    grid = fig.add_gridspec(len(sexes), 1, height_ratios=[max(h, 1) for h in heights])
    axes = []
    for panel, sex in enumerate(sexes):
        ax = fig.add_subplot(grid[panel], sharex=axes[0] if axes else None)
        style.style_axes(ax)
        axes.append(ax)
        rows = table[table["sex"].astype(str) == sex].reset_index(drop=True)
        y = np.arange(len(rows))
        values = rows["value"].astype(float).to_numpy()
        errors = np.vstack([values - rows["lower_ci_95"].astype(float).to_numpy(),
                            rows["upper_ci_95"].astype(float).to_numpy() - values])
        outcomes = rows["compared_to_area"].astype(str).tolist()
        ax.barh(y, values, color=style.colours_for(outcomes), edgecolor="#595959",
                linewidth=0.5)
        ax.errorbar(values, y, xerr=np.nan_to_num(errors), fmt="none", ecolor="#000000",
                    capsize=3, linewidth=0.8)
        for yi, upper, outcome in zip(y, rows["upper_ci_95"].astype(float), outcomes,
                                      strict=True):
            if outcome not in ("Not compared", "None", "nan") and np.isfinite(upper):
                ax.text(upper, yi, f"  {outcome.lower()}", va="center", ha="left", fontsize=7)
        unit = rows["unit"].iloc[0] if "unit" in rows.columns else None
        area_values = rows["area_value"].dropna().astype(float)
        if len(area_values):
            reference = float(area_values.iloc[0])
            ax.axvline(reference, color=style.BENCHMARK, linestyle="--", linewidth=1.2,
                       label=f"{area_name}: {_format_value(reference, unit)}")
        ax.set_yticks(y)
        ax.set_yticklabels(rows["locality"].astype(str), fontsize=8)
        ax.set_ylabel("Locality")
        if len(sexes) > 1:
            ax.set_title(sex, loc="left", fontsize=10)
        handles = [Patch(color=style.SIGNIFICANCE_COLOURS[o],
                         label=style.outcome_label(o, area_name))
                   for o in _SPINE_OUTCOMES if o in set(outcomes)]
        handles += ax.get_legend_handles_labels()[0]
        style.legend_outside(ax, handles)
        ax.margins(x=0.12)
    for ax in axes[:-1]:
        ax.tick_params(labelbottom=False)
    axes[-1].set_xlabel(xlabel or "Value (95% confidence interval)")
    first = table.iloc[0]
    default_title = f"{first['indicator']} by locality, {area_name} ({first['period']})"
    return style.finish(fig, None, title=title or default_title, source=source,
                        illustrative=illustrative)
