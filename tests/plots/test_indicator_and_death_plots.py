"""Indicator and deaths charts: built from small tables, titled, labelled, with the expected
number of rows / series (no image comparison)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402

from asclib.plots import deaths, indicators, style  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.texts]


def _title(fig) -> str:
    return fig._suptitle.get_text() if fig._suptitle is not None else ""


def _spine_table() -> pd.DataFrame:
    rows = []
    for i, (domain, outcome, region) in enumerate((
            ("Mental health and alcohol", "Worst", 0.3),
            ("Mental health and alcohol", "Similar", 0.55),
            ("Older age", "Better", np.nan),
            ("Preventive practice", "Not compared", 0.4))):
        rows.append({"domain": domain, "indicator_id": i, "indicator": f"Indicator {i}",
                     "sex": "Persons", "age": "All ages", "period": "2019", "unit": "%",
                     "polarity": "high_is_good", "compared_to_england": outcome,
                     "value": 10.0 + i, "england_value": 11.0, "region_value": 12.0,
                     "worst": 5.0, "q25": 9.0, "q75": 13.0, "best": 17.0, "comparators_n": 16,
                     "worst_scaled": 0.0, "q25_scaled": 0.3, "q75_scaled": 0.7,
                     "best_scaled": 1.0, "area_scaled": 0.2 + 0.2 * i,
                     "region_scaled": region, "england_scaled": 0.5})
    return pd.DataFrame(rows)


def test_spine_chart_rows_bands_and_markers():
    fig = indicators.spine_chart(_spine_table(), area_name="Sefton", region_name="North West",
                                 source="OHID Fingertips", illustrative=True)
    ax = fig.axes[0]
    assert _title(fig) == "Sefton compared with England and comparators"
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Indicator 0", "Indicator 1", "Indicator 2", "Indicator 3"]
    assert ax.get_xlabel().startswith("Position among comparator councils")
    # three bands per indicator
    assert len(ax.patches) == 12
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    # 4 area dots (one collection per outcome) + 3 region diamonds (one value missing)
    points = [len(c.get_offsets()) for c in scatters]
    assert sum(points) == 7 and points[-1] == 3
    region = scatters[-1].get_offsets()
    assert matplotlib.colors.to_hex(scatters[-1].get_facecolor()[0]) == "#ffffff"
    assert len(region) == 3
    # the first area dot carries the Worst colour
    assert matplotlib.colors.to_hex(scatters[0].get_facecolor()[0]) == \
        style.SIGNIFICANCE_COLOURS["Worst"].lower()
    # domain headings drawn once each
    headings = [t.get_text() for t in ax.texts]
    assert sum(h in ("Mental health and alcohol", "Older age", "Preventive practice")
               for h in headings) == 3
    assert any("ILLUSTRATIVE" in t for t in _texts(fig))
    assert any(t.startswith("Source: OHID Fingertips") for t in _texts(fig))


def _trend_table() -> pd.DataFrame:
    return pd.DataFrame({
        "indicator_id": 1, "indicator": "Alcohol-related admissions", "sex": "Persons",
        "age": "All ages", "area_code": "E08000014", "area_name": "Sefton",
        "period": ["2015", "2016", "2017"], "period_sortable": [20150000, 20160000, 20170000],
        "value": [300.0, 350.0, 400.0], "lower_ci_95": [280.0, 330.0, 380.0],
        "upper_ci_95": [320.0, 370.0, 420.0], "lower_ci_99_8": np.nan, "upper_ci_99_8": np.nan,
        "count": np.nan, "denominator": np.nan, "benchmark_code": "E92000001",
        "benchmark_value": [330.0, 340.0, 350.0],
        "compared_to_benchmark": ["Better", "Similar", "Worse"], "unit": "per 100,000"})


def test_trend_chart_band_line_and_points():
    fig = indicators.trend_chart(_trend_table(), source="OHID Fingertips")
    ax = fig.axes[0]
    assert _title(fig) == "Alcohol-related admissions: Sefton over time"
    assert ax.get_ylabel() == "Value (per 100,000)"
    assert ax.get_xlabel() == "Period"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2015", "2016", "2017"]
    assert [line.get_label() for line in ax.lines] == ["Sefton", "England"]
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(p.get_offsets()) for p in points) == 3
    # significance by shape as well as colour
    assert {p.get_paths()[0].vertices.shape[0] for p in points if len(p.get_offsets())}
    assert not any("ILLUSTRATIVE" in t for t in _texts(fig))


def test_locality_chart():
    table = pd.DataFrame({
        "indicator_id": 4, "indicator": "Healthy life expectancy", "sex": "Male",
        "age": "All ages", "period": "2019", "locality_code": ["L1", "L2", "L3"],
        "locality": ["Bootle", "Crosby", "Formby"], "value": [49.8, 61.0, 68.3],
        "lower_ci_95": [46.1, 58.0, 64.9], "upper_ci_95": [53.5, 64.0, 71.7],
        "count": np.nan, "denominator": np.nan, "area_value": 60.0,
        "compared_to_area": ["Worse", "Similar", "Better"]})
    fig = indicators.locality_chart(table, area_name="Sefton", source="OHID",
                                    xlabel="Healthy life expectancy (years)")
    ax = fig.axes[0]
    assert _title(fig) == "Healthy life expectancy by locality, Sefton (2019)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Bootle", "Crosby", "Formby"]
    assert len(ax.patches) == 3
    assert ax.get_xlabel() == "Healthy life expectancy (years)"
    assert ax.get_ylabel() == "Locality"


def test_weekly_deaths_chart():
    weekly = pd.DataFrame({"area_code": "E08000014", "year": 2020, "week": [1, 2, 3],
                           "deaths": [120.0, 150.0, 65.0], "baseline_mean": [100.0, 90.0, 70.0],
                           "expected_min": [90.0, 80.0, 70.0],
                           "expected_max": [110.0, 100.0, 70.0], "baseline_years_used": 5,
                           "excess": [20.0, 60.0, -5.0], "baseline_note": ""})
    fig = deaths.weekly_deaths_chart(weekly, area_name="Sefton", source="ONS",
                                     illustrative=True)
    ax = fig.axes[0]
    assert _title(fig) == "Weekly deaths (all causes), Sefton, 2020"
    assert ax.get_ylabel() == "Deaths per week"
    assert ax.get_xlabel() == "Week number"
    assert [line.get_label() for line in ax.lines] == ["Mean of the 5 previous years", "2020"]
    assert list(ax.lines[1].get_ydata()) == [120.0, 150.0, 65.0]
    assert len(ax.collections) == 1     # the expected-range band


def test_place_of_death_chart():
    table = pd.DataFrame({
        "place": ["care_home", "hospital", "home"],
        "place_label": ["Care home", "Hospital", "Home"], "deaths": [18.0, 75.0, 7.0],
        "share": [0.18, 0.75, 0.07], "share_lower_95": [0.117, 0.657, 0.034],
        "share_upper_95": [0.267, 0.825, 0.138], "benchmark_deaths": [290.0, 650.0, 60.0],
        "benchmark_share": [0.29, 0.65, 0.06], "compared": ["Lower", "Higher", "Similar"]})
    fig = deaths.place_of_death_chart(table, area_name="Sefton", benchmark_name="England",
                                      source="ONS")
    ax = fig.axes[0]
    assert "Sefton and England" in _title(fig)
    assert ax.get_ylabel() == "Share of Covid-19 deaths (%, 95% CI)"
    assert len(ax.patches) == 6                                  # 3 area + 3 benchmark bars
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Care home", "Hospital", "Home"]
    assert matplotlib.colors.to_hex(ax.patches[0].get_facecolor()) == \
        style.SIGNIFICANCE_COLOURS["Lower"].lower()


def test_care_home_excess_chart_highlights_area():
    table = pd.DataFrame({
        "area_code": ["E08000011", "E08000014", "E92000001", "E08000011", "E08000014"],
        "area_name": ["Knowsley", "Sefton", "England", "Knowsley", "Sefton"],
        "year": [2020, 2020, 2020, 2021, 2021], "deaths": [700.0, 946, 1646, 450, 756],
        "baseline_mean": [500.0, 711.8, 1211.8, 500, 711.8],
        "excess": [200.0, 234.2, 434.2, -50, 44.2], "excess_pct": [40.0, 32.9, 35.8, -10, 6.2],
        "rank": [1, 2, None, 2, 1]})
    fig = deaths.care_home_excess_chart(table, area_code="E08000014", year=2020, source="ONS")
    ax = fig.axes[0]
    assert _title(fig) == "Care-home deaths in 2020 above the previous five-year mean"
    # ranked: largest excess at the top (last bar)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Sefton", "England", "Knowsley"]
    assert len(ax.patches) == 3
    colours = [matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours == [style.HIGHLIGHT.lower(), style.BENCHMARK.lower(), style.MUTED.lower()]
    assert ax.get_xlabel() == "Excess deaths in care homes (% of the baseline mean)"


def test_outbreak_timeline_chart():
    timeline = pd.DataFrame({"date": pd.date_range("2021-01-03", periods=4, freq="W-SUN"),
                             "homes_with_open_outbreak": [0, 1, 2, 2],
                             "resident_cases": [0, 5, 15, 11], "staff_cases": [0, 3, 7, 4]})
    fig = deaths.outbreak_timeline_chart(timeline, area_name="Sefton", source="Council log",
                                         marker_date="2021-01-31", illustrative=True)
    top, bottom = fig.axes
    assert _title(fig) == "Care-home Covid-19 outbreaks, Sefton"
    assert top.get_ylabel() == "Care homes"
    assert bottom.get_ylabel() == "Cases in open outbreaks"
    assert bottom.get_xlabel() == "Date (week ending)"
    assert [line.get_label() for line in bottom.lines if not line.get_label().startswith("_")] \
        == ["Resident cases", "Staff cases"]
    assert any("ILLUSTRATIVE" in t for t in _texts(fig))


def test_trend_chart_picks_one_sex():
    table = pd.concat([_trend_table().assign(sex="Male"),
                       _trend_table().assign(sex="Female", value=lambda t: t["value"] + 100)])
    fig = indicators.trend_chart(table, source="OHID", sex="Female")
    ax = fig.axes[0]
    assert "(female)" in _title(fig)
    area_line = [line for line in ax.lines if line.get_linestyle() == "-"][0]
    assert min(area_line.get_ydata()) >= 100


def test_locality_chart_one_area_line_per_sex():
    table = pd.DataFrame({
        "indicator_id": 4, "indicator": "Healthy life expectancy", "sex": ["Male", "Female"],
        "age": "All ages", "period": "2019", "locality_code": ["L1", "L1"],
        "locality": ["Bootle", "Bootle"], "value": [49.8, 52.4], "lower_ci_95": [46.1, 48.0],
        "upper_ci_95": [53.5, 56.0], "count": np.nan, "denominator": np.nan,
        "area_value": [61.3, 61.6], "compared_to_area": ["Worse", "Worse"]})
    fig = indicators.locality_chart(table, area_name="Sefton", source="OHID")
    # one panel per sex, each with its own single reference line
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["Male", "Female"]
    labels = [[line.get_label() for line in ax.lines if not line.get_label().startswith("_")]
              for ax in fig.axes]   # error-bar lines carry no label
    assert labels == [["Sefton: 61.3"], ["Sefton: 61.6"]]


def test_monthly_deaths_chart():
    monthly = pd.DataFrame({"area_code": "E08000014", "area_name": "Sefton", "year": 2020,
                            "month": [1, 2], "deaths": [150.0, 120.0],
                            "baseline_mean": [100.0, 80.0], "expected_min": [80.0, 60.0],
                            "expected_max": [120.0, 100.0], "excess": [50.0, 40.0]})
    fig = deaths.weekly_deaths_chart(monthly, area_name="Sefton", source="ONS",
                                     period="month", baseline_years=5)
    ax = fig.axes[0]
    assert _title(fig) == "Monthly deaths (all causes), Sefton, 2020"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Month number", "Deaths per month")
    assert [line.get_label() for line in ax.lines] == ["Mean of the 5 previous years", "2020"]


LONG_NAME = "Bournemouth, Christchurch and Poole"


def _inside_canvas(fig) -> tuple[float, float, float, float]:
    """Every artist's extent in pixels (x0, y0, x1, y1) measured on the canvas the PNG is
    drawn from; charts are saved as laid out (style.png_bytes), so this must lie within
    (0, 0, width, height)."""
    renderer = fig.canvas.get_renderer()
    box = fig.get_tightbbox(renderer)  # inches
    return (box.x0 * fig.dpi, box.y0 * fig.dpi, box.x1 * fig.dpi, box.y1 * fig.dpi)


def test_spine_chart_with_a_long_name_stays_inside_the_image():
    """The legend is centred on the figure, not under the axes: centred under the axes
    (which long indicator names push right), a long council name ran 60 px past the edge."""
    from io import BytesIO

    from PIL import Image

    table = _spine_table()
    table["indicator"] = ["Cumulative percentage of the eligible population aged 40-74 who "
                          f"received an NHS Health check ({i})" for i in range(len(table))]
    fig = indicators.spine_chart(table, area_name=LONG_NAME, region_name="South West",
                                 source="OHID Fingertips (Fingertips export layout)",
                                 illustrative=True)
    # the value column's heading carries the whole name, on three lines (it was cut to 14
    # characters: "Bournemouth, C")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Bournemouth,\nChristchurch\nand Poole" in texts and "England" in texts
    assert indicators._column_heading("Redcar and Cleveland") == "Redcar and\nCleveland"
    assert indicators._column_heading("A" * 50) == "A" * 14 + "\n" + "A" * 14 + "\n" + \
        "A" * 13 + "\u2026"
    x0, y0, x1, y1 = _inside_canvas(fig)
    assert x0 >= 0 and y0 >= 0
    assert x1 <= fig.bbox.width and y1 <= fig.bbox.height
    png = Image.open(BytesIO(style.png_bytes(fig)))
    assert png.size == (round(fig.bbox.width), round(fig.bbox.height)) == (1100, png.size[1])
