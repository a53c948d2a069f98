"""Names from data are drawn literally: ``$^$`` is not mathtext, CJK renders with an
installed font, emoji never fail a chart."""

from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from asclib.plots import finance, style  # noqa: E402

DOLLAR = "Seaview $^$ Opportunities"
CJK = "海景日间服务中心"
EMOJI = "Sunny Days 🌞 Club"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _placements(names: list[str]) -> pd.DataFrame:
    rows = []
    for g, name in enumerate(names):
        for i in range(6):
            rows.append({"client_id": f"C{g}-{i}", "provider": name, "service": name,
                         "daily_rate_gbp": 40.0 + 5 * i + g})
    return pd.DataFrame(rows)


def _draw(fig) -> list[str]:
    """Render to PNG; return the warnings raised while drawing."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    return [str(w.message) for w in caught]


def test_dollar_names_are_plain_text() -> None:
    fig = finance.rate_distribution(_placements([DOLLAR, "Other place"]), source="Export",
                                    area_name="Sefton $5 $", dp_rate=50.0)
    _draw(fig)  # mathtext would raise ValueError here
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert DOLLAR in labels
    assert matplotlib.rcParams["text.parse_math"] is False


def test_emoji_never_fails() -> None:
    fig = finance.rate_distribution(_placements([EMOJI, "Other place"]), source="Export",
                                    area_name="Sefton")
    _draw(fig)
    assert EMOJI in [t.get_text() for t in fig.axes[0].get_yticklabels()]


def test_cjk_names_render_with_an_installed_font() -> None:
    font = style.installed_cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk; "
                    "the Makefile and .ci/run install it when run as root)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = finance.rate_distribution(_placements([CJK, "Other place"]), source="Export",
                                        area_name="Sefton")
        fig.savefig(io.BytesIO(), format="png")
    messages = [str(w.message) for w in caught]
    assert not [m for m in messages if "missing from" in m.lower()], messages
    assert font in matplotlib.rcParams["font.family"]


def test_suppressed_groups_are_not_drawn() -> None:
    fig = finance.rate_distribution(_placements(["Alpha", "Beta", "Gamma"]), source="Export",
                                    area_name="Sefton", exclude=["Beta"])
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "Beta" not in labels and {"Alpha", "Gamma"} <= set(labels)
    assert "suppressed in the tables not shown" in fig.texts[-1].get_text()


def test_legends_sit_outside_the_axes() -> None:
    fig = finance.rate_distribution(_placements(["Alpha", "Gamma"]), source="Export",
                                    area_name="Sefton", dp_rate=50.0)
    fig.canvas.draw()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent()
    axes_box = ax.get_window_extent()
    assert legend.x0 >= axes_box.x1 - 1  # to the right of the plotting area
