"""The house style shared by every chart: palettes, titles, source lines, number formats.

Colour-blind-safe categorical palette (Okabe & Ito, 2008) for series; Fingertips' own colours for
significance, so a chart reads the same as the OHID tool analysts already know.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

import matplotlib
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter

from asclib import formatting

#: Fonts tried, in order, for characters the default font lacks (CJK names). Debian's
#: fonts-noto-cjk provides the first; any one installed is enough.
CJK_FONTS = ("Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK KR",
             "Source Han Sans", "WenQuanYi Zen Hei", "Droid Sans Fallback")


def installed_cjk_font() -> str | None:
    """The first CJK-capable font matplotlib can find, or None."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


def apply_house_rc() -> None:
    """Settings every chart needs, applied on import:

    - text is drawn literally, never as mathtext (a provider called ``Seaview $^$`` would
      otherwise fail the whole notebook);
    - a CJK font (when installed) as fallback after the default, so non-Latin names render;
      emoji without a font fall back to a box, never an error.
    """
    matplotlib.rcParams["text.parse_math"] = False
    matplotlib.rcParams["axes.formatter.use_mathtext"] = False
    cjk = installed_cjk_font()
    # an explicit list: matplotlib falls back glyph by glyph only across the named families
    # (the generic "sans-serif" resolves to a single font)
    matplotlib.rcParams["font.family"] = ["DejaVu Sans", *([cjk] if cjk else [])]


apply_house_rc()

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
#: Significance is also shown by shape (accessibility: never by colour alone): up for
#: better / higher, down for worse / lower, a circle for similar, a square when not compared.
SIGNIFICANCE_MARKERS: dict[str, str] = {
    "Better": "^", "Best": "^", "Higher": "^",
    "Worse": "v", "Worst": "v", "Lower": "v",
    "Similar": "o", "Not compared": "s",
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
    heading = fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    note = f"Source: {source}"
    if illustrative:
        note += "  |  ILLUSTRATIVE DATA, not real records"
    footer = fig.text(0.01, 0.005, note, ha="left", va="bottom", fontsize=8, color="#595959")
    title_lines = _wrap_to_width(fig, heading)
    note_lines = _wrap_to_width(fig, footer)
    # room for the title above the axes and the source line below them (more when wrapped:
    # a line of 12 pt is ~0.2 in, of 8 pt ~0.13 in)
    inch = fig.get_figheight()
    top = 0.96 - 0.2 * (title_lines - 1) / inch
    bottom = 0.04 + 0.13 * (note_lines - 1) / inch
    fig.tight_layout(rect=(0, min(bottom, 0.2), 1, max(top, 0.8)))
    # tight_layout leaves a placeholder layout engine behind, and savefig draws a figure
    # that has one twice (a layout pass with rendering disabled, then the picture): the
    # layout is done, so drop the engine and the chart is drawn once (~0.01 s a chart)
    fig.set_layout_engine(None)
    return fig


def _wrap_to_width(fig: Figure, text: Text, margin_px: float = 8.0) -> int:
    """Break ``text`` (a figure-level title or source line) into lines that fit the figure's
    width; return the number of lines. Charts are saved as laid out (:func:`png_bytes`, no
    "tight" bounding box that would grow the image around an overlong line), so a long
    council or provider name must wrap rather than run off the edge."""
    get_renderer = getattr(fig.canvas, "get_renderer", None)
    content = text.get_text()
    if get_renderer is None or not content:
        return 1
    renderer = get_renderer()
    extent = text.get_window_extent(renderer)
    available = fig.bbox.width - margin_px - extent.x0
    width = extent.width
    characters = len(content)
    while width > available and characters > 20:
        characters = int(characters * min(available / width, 0.95))
        text.set_text(textwrap.fill(content, width=characters, break_long_words=False))
        width = text.get_window_extent(renderer).width
    return text.get_text().count("\n") + 1


def png_bytes(fig: Figure) -> bytes:
    """The chart as PNG, exactly as :func:`finish` laid it out (drawn once: no "tight"
    bounding-box or layout-engine pass; zlib level 1, within 4% of the default size and
    ~30% faster)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def warm_up() -> None:
    """Draw and encode one house-style chart and throw it away, so that a process about to
    draw charts (a kernel, or the zygote its kernels are forked from) has the fonts (regular,
    bold, the CJK fallback) and matplotlib's text-metrics caches loaded. A bare Figure: no
    pyplot state is created."""
    fig = Figure(figsize=(FIGURE_WIDTH, 4.5), dpi=DPI)
    ax = fig.subplots()
    style_axes(ax)
    ax.bar(["A", "B"], [1.0, 2.0], color=PALETTE[0], label="Series")
    ax.scatter([0], [1.5], marker="^", color=HIGHLIGHT, label="Area")
    ax.annotate("£1.2m \u65e5\u672c", xy=(0, 1.0), fontsize=8)
    ax.yaxis.set_major_formatter(gbp_formatter("m"))
    legend_outside(ax)
    finish(fig, ax, title="Warm-up", source="none", xlabel="x", ylabel="y", illustrative=True)
    png_bytes(fig)


def gbp_formatter(scale: str = "m") -> FuncFormatter:
    """Axis ticks as pounds (through :func:`asclib.formatting.money`): ``"m"`` gives £1.5m,
    ``"k"`` £150k, ``""`` £150."""
    if scale not in {"m", "k", ""}:
        raise ValueError(f"unknown scale {scale!r}")
    if scale == "m":
        return FuncFormatter(lambda v, _pos: formatting.money(v, style="millions"))
    if scale == "k":
        return FuncFormatter(lambda v, _pos: f"{formatting.money(v / 1e3, style='pounds')}k"
                             if v else "£0")
    return FuncFormatter(lambda v, _pos: formatting.money(v, style="pounds"))


def legend_outside(ax: Axes, handles: Sequence | None = None, *, title: str | None = None,
                   below: bool = False, ncol: int = 1) -> None:
    """A legend that never covers data: to the right of the axes (or below them)."""
    kwargs = {"handles": list(handles)} if handles is not None else {}
    if below:
        ax.legend(**kwargs, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=ncol,
                  fontsize=8, frameon=False, title=title)
    else:
        ax.legend(**kwargs, loc="upper left", bbox_to_anchor=(1.01, 1.0), ncol=ncol,
                  fontsize=8, frameon=False, title=title, borderaxespad=0.0)


def outcome_label(outcome: str, benchmark: str) -> str:
    """A significance outcome in Fingertips' words for a legend: "Worse than England";
    the 99.8% outcomes ("Best" / "Worst") say their confidence level instead of ranking."""
    words = {"Best": ("Better", " (99.8% level)"), "Worst": ("Worse", " (99.8% level)")}
    word, level = words.get(str(outcome), (str(outcome), ""))
    if word in ("Better", "Worse", "Higher", "Lower"):
        return f"{word} than {benchmark}{level}"
    if word == "Similar":
        return f"Similar to {benchmark}"
    return "Not compared"


def area_outcome_label(area: str, outcome: str, benchmark: str) -> str:
    """"Sefton: worse than England" (names keep their capitals)."""
    text = outcome_label(outcome, benchmark)
    return f"{area}: {text[:1].lower()}{text[1:]}"


def markers_for(labels: Sequence[str]) -> list[str]:
    """Significance marker shapes for a sequence of outcome labels."""
    return [SIGNIFICANCE_MARKERS.get(str(label), "s") for label in labels]


def percent_formatter(decimals: int = 0) -> FuncFormatter:
    """Axis ticks for shares held as fractions (0.18 -> 18%)."""
    return FuncFormatter(lambda v, _pos: f"{v * 100:.{decimals}f}%")


def colours_for(labels: Sequence[str]) -> list[str]:
    """Significance colours for a sequence of outcome labels (unknown labels grey)."""
    return [SIGNIFICANCE_COLOURS.get(str(label), SIGNIFICANCE_COLOURS["Not compared"])
            for label in labels]
