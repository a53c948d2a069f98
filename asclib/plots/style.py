"""The house style shared by every chart: palettes, titles, source lines, number formats.

Colour-blind-safe categorical palette (Okabe & Ito, 2008) for series; Fingertips' own colours for
significance, so a chart reads the same as the OHID tool analysts already know.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

#: Okabe-Ito colour-blind-safe palette, in the order series take them.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
HIGHLIGHT = "#D55E00"   # the area of interest among comparators
MUTED = "#A6A6A6"       # everything else
BENCHMARK = "#000000"   # England / benchmark lines

#: Fingertips significance colours (better / similar / worse / not compared, and the
#: "no judgement" higher / lower blues).
SIGNIFICANCE_COLOURS: dict[str, str] = {
    "Better": "#92D050",
    "Best": "#00B050",
    "Similar": "#FFC000",
    "Worse": "#C00000",
    "Worst": "#7F0000",
    "Higher": "#BED2FF",
    "Lower": "#5555E6",
    "Not compared": "#C9C9C9",
}
#: Spine chart bands: worst to 25th, 25th to 75th, 75th to best.
SPINE_OUTER = "#C9C9C9"
SPINE_INNER = "#8B8B8B"

FIGURE_WIDTH = 9.0
DPI = 100


def new_figure(height: float = 4.5, width: float = FIGURE_WIDTH) -> tuple[Figure, Axes]:
    """A blank figure in the house style."""
    fig, ax = plt.subplots(figsize=(width, height), dpi=DPI)
    style_axes(ax)
    return fig, ax


def style_axes(ax: Axes) -> None:
    """Light grid behind the data, no top/right spines."""
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="both", color="#E5E5E5", linewidth=0.8)
    ax.set_axisbelow(True)


def finish(fig: Figure, ax: Axes | None, *, title: str, source: str,
           xlabel: str | None = None, ylabel: str | None = None,
           illustrative: bool = False) -> Figure:
    """Title, axis labels with units, and the source line every chart carries.

    ``illustrative`` adds "Illustrative data" to the source line, so a chart copied out of a
    report cannot be mistaken for real figures.
    """
    if ax is not None:
        if xlabel is not None:
            ax.set_xlabel(xlabel)
        if ylabel is not None:
            ax.set_ylabel(ylabel)
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    note = f"Source: {source}"
    if illustrative:
        note += "  |  ILLUSTRATIVE DATA, not real records"
    fig.text(0.01, 0.005, note, ha="left", va="bottom", fontsize=8, color="#595959")
    fig.tight_layout(rect=(0, 0.04, 1, 0.96))
    return fig


def gbp_formatter(scale: str = "m") -> FuncFormatter:
    """Axis ticks as pounds: ``"m"`` gives £1.5m, ``"k"`` £150k, ``""`` £150."""
    divisor = {"m": 1e6, "k": 1e3, "": 1.0}[scale]
    return FuncFormatter(lambda v, _pos: f"£{v / divisor:,.1f}{scale}" if scale else f"£{v:,.0f}")


def percent_formatter(decimals: int = 0) -> FuncFormatter:
    """Axis ticks for shares held as fractions (0.18 -> 18%)."""
    return FuncFormatter(lambda v, _pos: f"{v * 100:.{decimals}f}%")


def colours_for(labels: Sequence[str]) -> list[str]:
    """Significance colours for a sequence of outcome labels (unknown labels grey)."""
    return [SIGNIFICANCE_COLOURS.get(str(label), SIGNIFICANCE_COLOURS["Not compared"])
            for label in labels]
