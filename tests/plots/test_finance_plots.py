"""Finance charts: built from small analysis tables, titled, labelled with units, with the source
line and illustrative flag, and the expected bars / points (no image comparison)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402

from asclib.analyses import budget, day_services  # noqa: E402
from asclib.plots import finance, style  # noqa: E402

LEDGER_ROWS = [   # £m gross / income: totals 153.3 / 58.6 -> net 94.7
    ("Long-term residential", "Physical support", "65+", 30.0, 12.0),
    ("Long-term residential", "Learning disability support", "18-64", 10.0, 3.0),
    ("Long-term nursing", "Physical support", "65+", 13.4, 6.0),
    ("Home care", "Physical support", "65+", 20.0, 5.0),
    ("Supported living", "Learning disability support", "18-64", 34.3, 10.0),
    ("Assessment and care management", None, "18-64", 20.0, 2.6),
    ("Other", None, "65+", 25.6, 20.0),
]
MODEL = day_services.BandedModel({"standard": 50.0, "enhanced": 70.0, "complex": 100.0},
                                 one_to_one_rate=20.0)


def make_ledger(period: str = "2020/21", scale: float = 1.0) -> pd.DataFrame:
    return pd.DataFrame([
        {"area_code": "E08000014", "period": period, "cost_centre": f"CC{i}",
         "service_type": service, "primary_support_reason": reason, "age_band": age,
         "gross_gbp": gross * 1e6 * scale, "income_gbp": income * 1e6}
        for i, (service, reason, age, gross, income) in enumerate(LEDGER_ROWS)])


def placement(client, provider, service, age, rate, days, need="standard"):
    return {"area_code": "E08000014", "client_id": client, "age": age,
            "primary_support_reason": "Learning disability support", "provider": provider,
            "service": service, "need_level": need, "daily_rate_gbp": rate,
            "days_per_week": days, "funding": "commissioned", "one_to_one_gbp_per_day": 0.0,
            "start_date": "2019-04-01", "end_date": None}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _title(fig) -> str:
    return fig._suptitle.get_text() if fig._suptitle is not None else ""


def _source(fig) -> str:
    return " ".join(t.get_text() for t in fig.texts if t.get_text().startswith("Source:"))


def _placements() -> pd.DataFrame:
    rows = [placement(f"a{i}", "Alpha", "Day centre", 30 + i, 45 + 5 * i, 2) for i in range(6)]
    rows += [placement(f"b{i}", "Beta", "Day centre", 40 + i, 80 + i, 3, need="enhanced")
             for i in range(5)]
    rows += [placement(f"c{i}", "Gamma", "Community", 50 + i, 100.0, 1, need="complex")
             for i in range(3)]
    return pd.DataFrame(rows)


def test_budget_waterfall():
    fig = finance.budget_waterfall(budget.budget_totals(make_ledger(), "2020/21"),
                                   area_name="Sefton", period="2020/21", source="Ledger",
                                   illustrative=True)
    ax = fig.axes[0]
    assert _title(fig) == "Adult social care budget 2020/21, Sefton: gross, income and net"
    assert ax.get_ylabel() == "£ million"
    assert "ILLUSTRATIVE" in _source(fig)
    bars = ax.patches
    assert len(bars) == 3
    # income floats from net (94.7m) up to gross (153.3m)
    assert bars[1].get_y() == pytest.approx(94.7e6)
    assert bars[1].get_height() == pytest.approx(58.6e6)
    assert [t.get_text() for t in ax.texts] == ["£153.3m", "- £58.6m", "£94.7m"]


def test_spend_split_chart_stacks_age_bands():
    split = budget.spend_by_type_of_care(make_ledger(), "2020/21")
    fig = finance.spend_split_chart(split, dimension="service_type", area_name="Sefton",
                                    period="2020/21", source="Ledger",
                                    dimension_label="type of care")
    ax = fig.axes[0]
    assert _title(fig) == "Spend by type of care, Sefton, 2020/21"
    assert ax.get_xlabel() == "Gross expenditure (£ million)"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 6 and "Total" not in labels
    assert labels[-1] == "Long-term residential"          # largest at the top
    assert len(ax.patches) == 12                          # 6 categories x 2 age bands
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Aged 18-64", "Aged 65+"]
    assert "ILLUSTRATIVE" not in _source(fig)


def test_year_on_year_chart():
    ledger = pd.concat([make_ledger(), make_ledger(period="2019/20", scale=0.8)])
    fig = finance.year_on_year_chart(budget.year_on_year(ledger, "2020/21", "2019/20"),
                                     by="service_type", area_name="Sefton", source="Ledger")
    assert _title(fig) == "Change in spend 2019/20 to 2020/21, Sefton"
    assert len(fig.axes[0].patches) == 6


def test_per_head_chart_highlights_the_area():
    table = pd.DataFrame({
        "area_code": ["A", "B", "C"], "area_name": ["Alpha", "Beta", "Gamma"],
        "finance_period": "2016/17", "population_year": 2020,
        "net_per_adult_gbp": [300.0, 250.0, 350.0], "is_area": [True, False, False]})
    fig = finance.per_head_chart(table, source="NHS Digital ASC-FR")
    ax = fig.axes[0]
    assert _title(fig) == ("Net adult social care spend per adult: Alpha and comparators "
                           "(2016/17)")
    assert ax.get_xlabel() == "Net expenditure 2016/17 per resident aged 18+ (£)"
    assert "mid-2020" in _source(fig)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Beta", "Alpha", "Gamma"]
    colours = [matplotlib.colors.to_hex(p.get_facecolor()).upper() for p in ax.patches]
    assert colours[1] == style.HIGHLIGHT.upper() and colours[0] == style.MUTED.upper()
    assert ax.get_legend().get_texts()[0].get_text() == "Comparator median £300"


def test_unit_cost_chart():
    table = pd.DataFrame({
        "age_band": ["18-64", "65+"], "primary_support_reason": ["Learning disability support",
                                                                 "Physical support"],
        "setting": ["Nursing", "Residential"], "period": "2014/15",
        "unit_cost_gbp_per_week": [930.0, 390.0], "comparator_median_gbp": [900.0, 450.0]})
    fig = finance.unit_cost_chart(table, area_name="Sefton", source="ASC-FR 2014-15")
    ax = fig.axes[0]
    assert _title(fig) == "Care-home weekly unit costs, Sefton (2014/15)"
    assert ax.get_xlabel() == "Gross cost per care week (£ a week)"
    assert len(ax.patches) == 2


def test_rate_distribution_pools_small_groups_and_draws_dp_rate():
    fig = finance.rate_distribution(_placements(), by="provider", dp_rate=45, source="Placements",
                                    area_name="Sefton", illustrative=True)
    ax = fig.axes[0]
    assert _title(fig) == "Day-service daily rates by provider, Sefton"
    assert ax.get_xlabel() == "Daily rate (£ a day, 1:1 top-ups excluded)"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Alpha", "Beta"]                # Gamma (3 clients) is not shown
    assert "groups with fewer than 5 clients not shown" in _source(fig)
    assert "3 clients" not in _source(fig)   # the hidden count is itself disclosive
    # no client-level points: counting them would reveal group sizes the tables suppress
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in points) == 0
    assert any(line.get_xdata()[0] == 45 for line in ax.get_lines()
               if line.get_linestyle() == "--")


def test_banded_model_chart_leaves_out_suppressed_groups():
    result = day_services.apply_banded_model(_placements(), MODEL)
    summary = day_services.banded_model_summary(result, "provider")
    fig = finance.banded_model_chart(summary, by="provider", area_name="Sefton",
                                     source="Placements")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "Gamma" not in labels and "Total" not in labels
    assert len(ax.patches) == 2 * len(labels)
    assert "not shown" in _source(fig)
    assert ax.get_xlabel() == "Annual cost (£ thousand)"


def test_sensitivity_chart():
    # today: (345 x 2 + 410 x 3 + 300 x 1) x 52 = £115,440; the model at +0: £101,400;
    # each £5 a day on every band: 5 x (6 x 2 + 5 x 3 + 3 x 1) x 52 = £7,800
    table = day_services.sensitivity(_placements(), MODEL, deltas=(-5, 0, 5))
    fig = finance.sensitivity_chart(table, area_name="Sefton", source="Placements")
    ax = fig.axes[0]
    assert _title(fig) == ("Sensitivity of the banded model to the band rates, Sefton "
                           "(today £115k a year)")
    assert ax.get_xlabel() == "Change to every band rate (£ a day)"
    assert ax.get_ylabel() == "Change in annual cost (£ thousand)"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["-5", "0", "+5"]
    assert [p.get_height() for p in ax.patches] == pytest.approx([-21_840, -14_040, -6_240])
    assert [t.get_text() for t in ax.texts] == ["£93.6k", "£101.4k", "£109.2k"]


def test_long_titles_and_source_lines_wrap_inside_the_image():
    """Charts are saved as laid out (no "tight" bounding box growing the image), so a title
    or source line too long for the width wraps instead of running off the edge; the axes
    move down to make room."""
    table = day_services.sensitivity(_placements(), MODEL, deltas=(-5, 0, 5))
    short = finance.sensitivity_chart(table, area_name="Sefton", source="Placements")
    long_name = "Bournemouth, Christchurch and Poole"
    wrapped = finance.sensitivity_chart(table, area_name=long_name,
                                        source=f"{long_name} day-service placements; 2 groups "
                                               "with fewer than 5 clients not shown; " * 2)
    assert "\n" not in _title(short)
    assert _title(wrapped).replace("\n", " ") == (
        f"Sensitivity of the banded model to the band rates, {long_name} (today £115k a year)")
    assert "\n" in _title(wrapped) and "\n" in _source(wrapped)
    renderer = wrapped.canvas.get_renderer()
    box = wrapped.get_tightbbox(renderer)
    assert box.x0 >= 0 and box.x1 <= wrapped.get_figwidth()
    assert box.y0 >= 0 and box.y1 <= wrapped.get_figheight()
    # the axes made room for the second title line
    assert wrapped.axes[0].get_position().y1 < short.axes[0].get_position().y1


def test_a_finished_chart_is_drawn_once_when_saved(monkeypatch):
    """:func:`style.finish` lays the chart out; saving it then draws it once. (A figure that
    keeps tight_layout's placeholder engine is drawn twice by savefig: a layout pass with
    rendering disabled, then the picture.) The picture is the same either way."""
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    table = day_services.sensitivity(_placements(), MODEL, deltas=(-5, 0, 5))
    fig = finance.sensitivity_chart(table, area_name="Sefton", source="Placements")
    assert fig.get_layout_engine() is None
    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: (draws.append(1),
                                                                 original(self, renderer))[1])
    once = style.png_bytes(fig)
    assert len(draws) == 1
    fig.set_layout_engine(PlaceHolderLayoutEngine(True, True))  # what tight_layout leaves
    assert style.png_bytes(fig) == once
    assert len(draws) == 3


def test_the_warm_up_chart_draws_and_leaves_no_pyplot_figure():
    """style.warm_up (run by the kernel zygote and by fresh kernels, where a failure would be
    silent: it would only cost time) draws a house-style chart without pyplot state."""
    plt.close("all")
    style.warm_up()
    assert plt.get_fignums() == []
