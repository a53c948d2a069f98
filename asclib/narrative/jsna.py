"""Sentences for the JSNA-indicators notebook, from the tables of :mod:`asclib.analyses.jsna`.

Significance is in Fingertips' words (Better / Similar / Worse; Higher / Similar / Lower
where an indicator has no polarity), with the confidence level said separately. Indicator
values are illustrative unless the real Fingertips export was fetched; Oflog measures are
real. Each sentence says which.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from asclib.formatting import number
from asclib.narrative._common import provenance


def summary(counts: Mapping[str, Any], area_name: str, comparators_n: int, *,
            illustrative: bool) -> str:
    """The headline counts of ``jsna.headline_counts`` in words."""
    text = (f"Of the {counts['indicators_compared']} indicators that can be compared with "
            f"England ({provenance(illustrative)} indicator data), {area_name} is Worse than "
            f"England on {counts['significantly_worse_than_england']} and Better on "
            f"{counts['significantly_better_than_england']} (significant at 95% or 99.8%). ")
    if counts["red_red"]:
        listed = "; ".join(counts["red_red_indicators"])
        text += (f"{counts['red_red']} indicator(s) are **red-red** (Worse than England and "
                 f"getting worse): {listed}.")
    else:
        text += "No indicator is red-red (Worse than England and getting worse)."
    text += (f" Quartiles are among {comparators_n} councils (the area and its comparator "
             "group).")
    return text


def trend_selection(pairs: Sequence[tuple[Any, str]], summary_table: pd.DataFrame) -> str:
    """Which trend charts follow, and why."""
    if not pairs:
        return ("No indicator is red-red and none was named in `trend_indicators`, so no trend "
                "chart is drawn; name indicators (by id or name) in the parameters cell to see "
                "their trends.")
    names = summary_table.drop_duplicates("indicator_id").set_index("indicator_id")["indicator"]
    listed = "; ".join(f"{names.get(i, i)}" + (f" ({s.lower()})" if s.lower() != "persons"
                                                else "") for i, s in pairs)
    return f"Trend charts follow for: {listed}."


def locality(table: pd.DataFrame, area_name: str, indicator_name: str, *,
             illustrative: bool) -> str:
    """The gap between the localities with the lowest and highest values (per sex), or a
    sentence saying the data hold no localities for the area. Only the area's own
    localities are ever named."""
    if table.empty:
        return (f"The indicator data hold no figures by locality for {area_name}, so "
                f"inequality inside the area cannot be shown for {indicator_name.lower()}.")
    parts = []
    for sex, rows in table.groupby("sex", sort=True):
        low = rows.loc[rows["value"].idxmin()]
        high = rows.loc[rows["value"].idxmax()]
        overlap = low["upper_ci_95"] >= high["lower_ci_95"]
        parts.append(
            f"for {str(sex).lower()} it ranges from {number(low['value'])} in "
            f"{low['locality']} (95% CI {number(low['lower_ci_95'])} to "
            f"{number(low['upper_ci_95'])}) to {number(high['value'])} in {high['locality']} "
            f"({number(high['lower_ci_95'])} to {number(high['upper_ci_95'])}), a gap of "
            f"{number(high['value'] - low['value'])}"
            + (" (the intervals overlap)" if overlap else " (the intervals do not overlap)"))
    period = str(table["period"].iloc[0])
    return (f"{indicator_name} by locality in {area_name} ({period}, "
            f"{provenance(illustrative)} data): " + "; ".join(parts) + ".")


def key_messages(counts: Mapping[str, Any], asc_table: pd.DataFrame, *, area_name: str,
                 period: str, illustrative: bool) -> list[str]:
    """3-6 sentences with the headline figures, each saying real or illustrative."""
    kind = provenance(illustrative)
    messages = [
        f"As at {period}, {area_name} is Worse than England on "
        f"{counts['significantly_worse_than_england']} and Better on "
        f"{counts['significantly_better_than_england']} of {counts['indicators_compared']} "
        f"compared indicators ({kind} data).",
        (f"{counts['red_red']} indicator(s) are red-red, Worse than England and getting worse: "
         f"{'; '.join(counts['red_red_indicators'])} ({kind} data)." if counts["red_red"] else
         f"No indicator is red-red, Worse than England and getting worse ({kind} data)."),
    ]
    if not asc_table.empty:
        quartiles = asc_table["quartile"].astype(str)
        messages.append(
            f"On the Oflog adult social care measures, {area_name} is in the best quartile of "
            f"its comparators on {int((quartiles == 'Best quartile').sum())} and the worst on "
            f"{int((quartiles == 'Worst quartile').sum())} of {len(asc_table)} (real data).")
    return messages
