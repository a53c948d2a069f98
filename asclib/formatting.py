"""The one set of number formatters for people: tables, chart labels, sentences and Excel.

Every figure a reader sees goes through these, so £, % and counts look the same in the HTML,
the charts, the key messages and the workbook. Nothing here reads data; it imports nothing of
ours.
"""

from __future__ import annotations

import math

#: Shown for a missing or suppressed value.
MISSING = "–"


def _is_missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def money(value: float | int | None, *, style: str = "auto") -> str:
    """Pounds for people.

    ``style``: "auto" (£5.28m, £9.7k, £45; sentences), "short" (£5.3m, £10k, £45; chart
    labels), "millions" (£153.3m, one decimal, as the seed documents publish budget lines),
    "pounds" (£1,234 whole pounds; tables), "pence" (£45.50; unit prices).
    """
    if _is_missing(value):
        return MISSING
    v = float(value)  # type: ignore[arg-type]
    sign = "-" if v < 0 else ""
    a = abs(v)
    if style == "millions":
        return f"{sign}£{a / 1e6:,.1f}m"
    if style == "pounds":
        return f"{sign}£{a:,.0f}"
    if style == "pence":
        return f"{sign}£{a:,.2f}"
    if style not in ("auto", "short"):
        raise ValueError(f"unknown money style {style!r}")
    m_digits, k_digits = (2, 1) if style == "auto" else (1, 0)
    if a >= 1e6:
        return f"{sign}£{a / 1e6:,.{m_digits}f}m"
    if a >= 1e3:
        return f"{sign}£{a / 1e3:,.{k_digits}f}k"
    return f"{sign}£{a:,.0f}"


def percent(fraction: float | None, *, decimals: int = 1) -> str:
    """A share stored as a fraction, shown as a percentage: 0.1803 -> "18.0%"."""
    if _is_missing(fraction):
        return MISSING
    return f"{float(fraction):.{decimals}%}"  # type: ignore[arg-type]


def count(value: float | int | None) -> str:
    """A whole number with thousands separators: 1016 -> "1,016"."""
    if _is_missing(value):
        return MISSING
    return f"{round(float(value)):,d}"  # type: ignore[arg-type]


def number(value: float | int | None, *, decimals: int = 1) -> str:
    """A measured value with a fixed number of decimals and thousands separators."""
    if _is_missing(value):
        return MISSING
    return f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]


def code(value: float | int | str | None) -> str:
    """An identifier or a year: never a thousands separator (93764, 2020)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def percent_points(value: float | int | None, *, decimals: int = 1) -> str:
    """A value already in percent (25.3 -> "25.3%"), e.g. an excess over expected deaths."""
    if _is_missing(value):
        return MISSING
    return f"{float(value):,.{decimals}f}%"  # type: ignore[arg-type]


def yes_no(value: object) -> str:
    """A true/false flag in words: "Yes" / "No" (missing: "–")."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"true", "yes", "1"}:
            return "Yes"
        if lowered in {"false", "no", "0"}:
            return "No"
        return value
    return "Yes" if bool(value) else "No"


#: Polarity codes (asclib.benchmark.Polarity values) in words.
POLARITY_WORDS = {
    "high_is_good": "Higher is better",
    "low_is_good": "Lower is better",
    "no_judgement": "No judgement",
}


def polarity(value: object) -> str:
    """A polarity code in words: "low_is_good" -> "Lower is better"."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    return POLARITY_WORDS.get(str(value), str(value))


def unit_decimals(unit: object) -> int:
    """Decimals for an indicator value in ``unit``, as Fingertips shows them: one decimal for
    percentages, rates per 1,000 / 100,000 and years; none for counts; two for ratios."""
    text = "" if unit is None else str(unit).strip().lower()
    if text in {"count", "number", "n", "people", "clients", "deaths"}:
        return 0
    if "ratio" in text or "score" in text:
        return 2
    return 1


def by_unit(value: float | int | None, unit: object) -> str:
    """A value whose unit is given beside it (an indicator's "%", "per 100,000", "years"; a
    reconciliation line's "GBP" or "share"; a parameter's "£ a day")."""
    if _is_missing(value):
        return MISSING
    text = "" if unit is None else str(unit).strip()
    lowered = text.lower()
    if lowered in {"gbp", "£"} or lowered.startswith("£"):
        v = float(value)  # type: ignore[arg-type]
        return money(v, style="pounds" if abs(v) >= 1000 or v.is_integer() else "pence")
    if lowered in {"share", "fraction", "proportion"}:
        return percent(value)  # type: ignore[arg-type]
    return number(value, decimals=unit_decimals(unit))


def plain(text: object) -> str:
    """Any text for a chart label, drawn literally: matplotlib would read ``$...$`` as
    mathtext (and fail on ``$^$``), so dollar signs are escaped."""
    return str(text).replace("$", r"\$")
