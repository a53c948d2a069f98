"""The one column-label map and the per-column formats used by the HTML tables, the Excel
workbook and the notebook's own table display.

A published table keeps its internal column names (``lower_ci_99_8``, ``gross_gbp``); readers
see :func:`label` ("Lower 99.8% CI", "Gross (£)") and cells formatted by the column's kind
(:func:`column_kind`), always through :mod:`asclib.formatting`:

=========  ===========================================  ==============  =================
kind       recognised by                                shown as        Excel format
=========  ===========================================  ==============  =================
id         ``*_id``, ``*_code``, ``period_sortable``    93764           ``0`` / text
year       ``year``, ``*_year``, ``week``               2020            ``0``
money      ``*_gbp*``, ``£``                            £1,234 / £45.50 ``"£"#,##0``
share      ``*share*``, coefficient of variation        18.0%           ``0.0%``
percent    ``*_pct*`` (already in percent)              25.3%           ``0.0"%"``
count      clients, deaths, cases, ``*_n``, rank ...    1,016           ``#,##0``
yesno      booleans, ``within_rounding``, ``is_*``      Yes / No        text
polarity   ``polarity``                                 Lower is better text
by_unit    value columns of a table with a ``unit``     per row's unit  per row
number     anything else numeric                        decimals by size
text       anything else                                as it is        text
=========  ===========================================  ==============  =================
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from asclib import formatting

#: Readers' names for columns whose name the rules below would not spell well.
LABELS: dict[str, str] = {
    "lower_ci_95": "Lower 95% CI",
    "upper_ci_95": "Upper 95% CI",
    "lower_ci_99_8": "Lower 99.8% CI",
    "upper_ci_99_8": "Upper 99.8% CI",
    "ci_source": "CI source",
    "within_rounding": "Within rounding: Yes/No",
    "is_area": "This council: Yes/No",
    "estimated": "Estimated: Yes/No",
    "compared": "Compared with benchmark",
    "compared_to_england": "Compared with England",
    "compared_to_region": "Compared with region",
    "compared_to_benchmark": "Compared with benchmark",
    "compared_to_area": "Compared with council",
    "compared_to_expected": "Compared with expected",
    "england_value": "England value",
    "region_value": "Region value",
    "area_value": "Council value",
    "benchmark_value": "Benchmark value",
    "indicator_id": "Indicator ID",
    "figure_id": "Figure ID",
    "period_sortable": "Period (sort key)",
    "comparators_n": "Comparators (n)",
    "comparators_min": "Comparators: lowest",
    "comparators_median": "Comparators: median",
    "comparators_max": "Comparators: highest",
    "recent_trend": "Recent trend",
    "quartile": "Quartile among comparators",
    "area_name": "Area",
    "worst": "Worst comparator",
    "best": "Best comparator",
    "q25": "25th percentile",
    "q75": "75th percentile",
    "age_18_64_gbp": "Aged 18-64 (£)",
    "age_65_plus_gbp": "Aged 65+ (£)",
    "total_gbp": "Total (£)",
    "share": "Share (%)",
    "under_65_share": "Under-65 share (%)",
    "adults": "Adults aged 18+",
    "q1_daily_rate_gbp": "Lower-quartile daily rate (£ a day)",
    "q3_daily_rate_gbp": "Upper-quartile daily rate (£ a day)",
    "iqr_gbp": "Interquartile range (£ a day)",
    "range_gbp": "Range (£ a day)",
    "coefficient_of_variation": "Coefficient of variation (%)",
    "one_to_one_clients": "1:1 support clients",
    "mean_one_to_one_gbp": "Mean 1:1 top-up (£ a day)",
    "one_to_one_gbp_per_day": "1:1 top-up (£ a day)",
    "premium_over_dp_rate_gbp": "Median above DP rate (£ a day)",
    "above_dp_rate_clients": "Above-DP-rate clients",
    "above_dp_rate_share": "Clients above DP rate (%)",
    "cost_above_dp_rate_gbp": "Annual cost above DP rate (£)",
    "delta_gbp_per_day": "Change to every band rate (£ a day)",
    "homes_with_open_outbreak": "Care homes with an open outbreak",
    "baseline_years_used": "Baseline years used",
    "baseline_mean": "Baseline mean",
    "expected_min": "Lowest of previous years",
    "expected_max": "Highest of previous years",
    "comparator_median_net_per_adult_gbp": "Comparator median net per adult (£)",
    "gross_per_adult_gbp": "Gross per adult (£)",
    "net_per_adult_gbp": "Net per adult (£)",
    "excess_deaths": "Excess deaths",
    "direct_payment_clients": "Direct-payment clients",
    "direct_payment_share": "Direct-payment share (%)",
    "under_60_clients": "Under-60 clients",
    "under_60_share": "Under-60 share (%)",
    "place_label": "Place of death",
    "primary_support_reason": "Primary support reason",
    "red_red": "Red-red indicators (n)",
    "red_red_indicators": "Red-red indicators",
    "indicators_compared": "Indicators compared with England (n)",
}

#: Words shown in capitals in headers (``ld_share`` -> "LD share").
ACRONYMS = {"ld": "LD", "dp": "DP", "asc": "ASC", "psr": "PSR", "nhs": "NHS", "ci": "CI",
            "ons": "ONS", "hle": "HLE", "iqr": "IQR", "cv": "CV", "mh": "MH", "id": "ID",
            "qof": "QOF", "gbp": "£", "england": "England", "wales": "Wales",
            "covid": "Covid-19", "yoy": "year on year"}

_ID = re.compile(r"(.*_)?(id|code)|period_sortable")
_YEAR = re.compile(r"(.*_)?(year|week)")
_COUNT_NAMES = {"clients", "placements", "deaths", "count", "denominator", "observed", "adults",
                "rank", "weeks", "months", "resident_cases", "staff_cases", "comparators_n",
                "homes_with_open_outbreak", "baseline_years_used", "benchmark_deaths",
                "indicators_compared", "red_red", "care_weeks"}
#: Columns holding an indicator-like value whose unit is in the same row's ``unit`` column.
UNIT_VALUE_COLUMNS = re.compile(
    r"value|(lower|upper)_ci_(95|99_8)|(england|region|area|benchmark)_value|worst|best|q25|q75"
    r"|comparators_(min|median|max)|(ledger|published)_value|difference|tolerance")
_MISSING_TEXT = formatting.MISSING


def label(column: str) -> str:
    """A header for readers: ``lower_ci_99_8`` -> "Lower 99.8% CI", ``gross_gbp`` ->
    "Gross (£)", ``unit_cost_gbp_per_week`` -> "Unit cost (£ a week)"; a name that already
    has spaces or capitals is kept."""
    if column in LABELS:
        return LABELS[column]
    if not re.fullmatch(r"[a-z0-9_]+", column):
        return column
    text, suffix = column, ""
    ci = re.search(r"_(lower|upper)_(95|99_8)$", text)
    if ci:
        bound = f", {ci.group(1)} {ci.group(2).replace('_', '.')}% CI"
        return label(text[: ci.start()]) + bound
    for ending, unit in (("_gbp_per_week", " (£ a week)"), ("_gbp_per_day", " (£ a day)"),
                         ("_gbp_per_year", " (£ a year)"), ("_gbp", " (£)"), ("_pct", " (%)")):
        if text.endswith(ending):
            text, suffix = text[: -len(ending)], unit
            break
    else:
        for middle, unit in (("_gbp_", " (£) "), ("_pct_", " (%) ")):
            if middle in text:
                text = text.replace(middle, unit)
    if text.endswith("_share") or text == "share":
        suffix = suffix or " (%)"
    if text.endswith("_n"):
        text, suffix = text[:-2], " (n)" + suffix
    words = [ACRONYMS.get(word, word) for word in text.replace("_", " ").split()]
    text = " ".join(words)
    return (text[:1].upper() + text[1:] + suffix) if text else column


def name_labels(text: str, columns: Sequence[str]) -> str:
    """``text`` with each of ``columns``' internal names replaced by its label (notes say
    "suppressed: fewer than 5 (clients, ld_share)" -> "(Clients, LD share (%))")."""
    known = set(columns)
    return re.sub(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b",
                  lambda m: label(m.group(0)) if m.group(0) in known else m.group(0), text)


def column_kind(column: str, *, has_unit_column: bool = False) -> str:
    """How a column is formatted, from its name (see the module's table)."""
    lowered = column.lower()
    if has_unit_column and UNIT_VALUE_COLUMNS.fullmatch(lowered):
        return "by_unit"
    if lowered == "polarity":
        return "polarity"
    if lowered in {"within_rounding", "estimated"} or lowered.startswith("is_"):
        return "yesno"
    if _ID.fullmatch(lowered):
        return "id"
    if _YEAR.fullmatch(lowered):
        return "year"
    if "_gbp" in lowered or lowered.startswith("gbp") or "£" in column:
        return "money"
    if "_pct" in lowered or "%" in column:
        return "percent"
    if "share" in lowered or lowered == "coefficient_of_variation":
        return "share"
    if lowered in _COUNT_NAMES or lowered.endswith(("_clients", "_n", "_cases")):
        return "count"
    return "number"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number_decimals(values: Sequence[Any]) -> int:
    finite = [abs(float(v)) for v in values if _is_number(v) and math.isfinite(float(v))]
    if finite and all(float(v).is_integer() for v in finite):
        return 0
    largest = max(finite, default=0.0)
    if largest >= 10:
        return 1
    if largest >= 1:
        return 2
    return 3


@dataclass(frozen=True)
class ColumnFormat:
    """How one column of a published table is shown (text) and stored (Excel format)."""

    name: str
    kind: str
    decimals: int = 0
    pence: bool = False

    @property
    def label(self) -> str:
        return label(self.name)

    @property
    def numeric(self) -> bool:
        return self.kind in {"money", "share", "percent", "count", "number", "by_unit", "year"}

    def text(self, value: Any, unit: Any = None) -> str:
        """The cell as readers see it (``unit``: the row's unit, for ``by_unit`` columns)."""
        if value is None:
            return _MISSING_TEXT
        if self.kind == "yesno" or isinstance(value, bool):
            return formatting.yes_no(value)
        if self.kind == "polarity":
            return formatting.polarity(value)
        if not _is_number(value) or self.kind == "text":
            return str(value)
        if self.kind == "by_unit":
            return formatting.by_unit(value, unit)
        if self.kind in {"id", "year"}:
            return formatting.code(value)
        if self.kind == "money":
            return formatting.money(value, style="pence" if self.pence else "pounds")
        if self.kind == "share":
            return formatting.percent(value)
        if self.kind == "percent":
            return formatting.percent_points(value)
        if self.kind == "count" and float(value).is_integer():
            return formatting.count(value)
        return formatting.number(value, decimals=self.decimals)

    def excel_format(self, value: Any, unit: Any = None) -> str | None:
        """An Excel number format for a numeric cell (None: leave as General)."""
        if not _is_number(value) or self.kind == "text":
            return None
        kind = self.kind
        if kind == "by_unit":
            lowered = "" if unit is None else str(unit).strip().lower()
            if lowered in {"gbp", "£"} or lowered.startswith("£"):
                return '"£"#,##0' if float(value).is_integer() or abs(value) >= 1000 \
                    else '"£"#,##0.00'
            if lowered in {"share", "fraction", "proportion"}:
                return "0.0%"
            decimals = formatting.unit_decimals(unit)
            return "#,##0" + ("." + "0" * decimals if decimals else "")
        if kind in {"id", "year"}:
            return "0"
        if kind == "money":
            return '"£"#,##0.00' if self.pence else '"£"#,##0'
        if kind == "share":
            return "0.0%"
        if kind == "percent":
            return '0.0"%"'
        if kind == "count" and float(value).is_integer():
            return "#,##0"
        decimals = self.decimals
        return "#,##0" + ("." + "0" * decimals if decimals else "")


def column_formats(columns: Sequence[str], data: Sequence[Sequence[Any]]) -> list[ColumnFormat]:
    """The format of every column of a published table (from its names and values)."""
    has_unit = "unit" in columns
    formats = []
    for i, name in enumerate(columns):
        values = [row[i] for row in data]
        kind = column_kind(name, has_unit_column=has_unit)
        numbers = [float(v) for v in values if _is_number(v) and math.isfinite(float(v))]
        present = [v for v in values if v is not None]
        if present and all(isinstance(v, bool) for v in present):
            kind = "yesno"
        elif kind in {"number", "count"} and present and not any(_is_number(v) for v in present):
            kind = "text"
        pence = kind == "money" and bool(numbers) and not all(v.is_integer() for v in numbers) \
            and max(abs(v) for v in numbers) < 1000
        if kind in {"id", "year"} and numbers and not all(v.is_integer() for v in numbers):
            kind = "number"
        formats.append(ColumnFormat(name, kind, _number_decimals(values), pence))
    return formats


def row_units(columns: Sequence[str], data: Sequence[Sequence[Any]]) -> list[Any]:
    """Each row's unit (the ``unit`` column), or None for every row."""
    if "unit" not in columns:
        return [None] * len(data)
    index = list(columns).index("unit")
    return [row[index] for row in data]


# --------------------------------------------------------------------------- reader's columns

#: Columns that matter to analysts more than to readers, dropped first from a wide HTML
#: table (higher = dropped earlier). Excel always keeps every column.
_DETAIL_RULES: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r".*_scaled|period_sortable|is_area|benchmark_code|locality_code|ci_source"
                r"|baseline_note|share_of|figure_id|line"), 3),
    (re.compile(r"indicator_id|area_code|comparators_n|(lower|upper)_ci_99_8|denominator"
                r"|tolerance|published_period|age|worst|best|q25|q75|placements|range_gbp"
                r"|iqr_gbp|mean_.*|.*_lower_95|.*_upper_95|ratio|baseline_years_used"), 2),
    (re.compile(r"count|region_value|compared_to_region|polarity|.*_clients|weeks|months"
                r"|expected_(min|max)|comparators_(min|max)"), 1),
)
#: Characters of a 1280 px page a table may use (about 7 px a character at 13 px type).
WIDTH_BUDGET_CHARS = 150


def detail_level(column: str) -> int:
    """0 for the columns a reader needs, up to 3 for internal ones (dropped first)."""
    for pattern, level in _DETAIL_RULES:
        if pattern.fullmatch(column):
            return level
    return 0


def _width_chars(fmt: ColumnFormat, texts: Sequence[str]) -> int:
    longest_word = max((len(w) for w in fmt.label.split()), default=1)
    longest_cell = max((len(t) for t in texts), default=1)
    return max(longest_word, min(longest_cell, 28)) + 2


def reader_columns(formats: Sequence[ColumnFormat], texts: Sequence[Sequence[str]],
                   budget: int = WIDTH_BUDGET_CHARS) -> list[int]:
    """Indexes of the columns shown in the HTML: all of them when the table fits ``budget``
    characters; otherwise the most detailed (analysts') columns are left out, level 3 first,
    until it fits. Columns a reader needs (level 0) are always kept."""
    widths = [_width_chars(f, [row[i] for row in texts]) for i, f in enumerate(formats)]
    names = [f.name for f in formats]
    # an internal key column beside its readable label ("gross_budget_gbp" / "Gross budget")
    kept = [i for i, name in enumerate(names) if not (name == "line" and "label" in names)]
    for level in (3, 2, 1):
        if sum(widths[i] for i in kept) <= budget:
            break
        for i in sorted(kept, key=lambda k: -widths[k]):
            if detail_level(formats[i].name) == level:
                kept.remove(i)
                if sum(widths[k] for k in kept) <= budget:
                    break
    return kept
