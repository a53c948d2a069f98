"""Sentences for the day-service cost notebook, from the tables of
:mod:`asclib.analyses.day_services`.

Placements are a council's own records, illustrative unless the council supplied its export:
every sentence citing them names their provenance ("Wirral's illustrative placements ...").
Whole-cohort figures only (no small numbers).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from asclib.analyses.day_services import TOTAL
from asclib.formatting import count, money, percent
from asclib.narrative._common import provenance, records, signed


def skip_reason(area_name: str, area_code: str) -> str:
    """The plain reason the notebook is skipped for a council with no placements."""
    return (f"day services: needs the council's day-service placements export "
            f"(data/raw/council/{area_code}/day_service_placements.xlsx) for {area_name}; run "
            f"`asc demo-data --area {area_code}` for an illustrative version")


def cohort(figures: Mapping[str, Any], *, area_name: str, illustrative: bool,
           split_age: int = 60) -> str:
    """The cohort in two sentences from ``day_services.headlines``."""
    return (f"{records(area_name, 'placements', illustrative)} show "
            f"{count(figures['clients'])} clients using day services; "
            f"{count(figures['direct_payment_clients'])} of them "
            f"({percent(figures['direct_payment_share'], decimals=0)}) buy their day service "
            f"with a direct payment. {percent(figures['ld_share'], decimals=0)} have learning "
            f"disability support as their primary support reason and "
            f"{percent(figures['under_60_share'], decimals=0)} are under {split_age}.")


def rates(figures: Mapping[str, Any], dp_rate: float, against_dp: pd.DataFrame, *,
          area_name: str, illustrative: bool) -> str:
    """The spread of daily rates against the direct-payment rate, from ``headlines`` and the
    (disclosed) ``against_dp_rate`` table's Total row."""
    total = against_dp[against_dp.iloc[:, 0].astype(str) == TOTAL].iloc[0]
    text = (f"In {records(area_name, 'placements', illustrative)} daily rates run from "
            f"{money(figures['min_daily_rate_gbp'], style='pounds')} to "
            f"{money(figures['max_daily_rate_gbp'], style='pounds')} a day (median "
            f"{money(figures['median_daily_rate_gbp'], style='pounds')}), against a "
            f"direct-payment rate of {money(dp_rate, style='pounds')}.")
    if pd.notna(total.get("above_dp_rate_share")):
        text += (f" {percent(total['above_dp_rate_share'], decimals=0)} of clients have a "
                 f"placement priced above the direct-payment rate, costing "
                 f"{money(total['cost_above_dp_rate_gbp'])} a year more than the same days at "
                 "that rate.")
    text += (f" The annual cost of all placements (rate and 1:1 top-ups) is "
             f"{money(figures['annual_cost_gbp'])}.")
    return text


def model(overall: pd.DataFrame, *, illustrative: bool,
          sensitivity_table: pd.DataFrame | None = None) -> str:
    """The banded model's year-one effect from ``banded_model_summary`` with ``by=None``
    (disclosed), and with a ``sensitivity`` table its range."""
    row = overall.iloc[0]
    change = float(row["change_gbp"])
    direction = "more" if change > 0 else "less"
    text = (f"On the {provenance(illustrative)} placements, in year one the banded model would "
            f"cost {money(row['modelled_annual_cost_gbp'])} a year against "
            f"{money(row['current_annual_cost_gbp'])} today: {money(abs(change))} {direction} "
            f"({signed(row['change_pct'], lambda v: percent(v / 100))}).")
    if pd.notna(row.get("rate_up_clients")) and pd.notna(row.get("rate_down_clients")):
        text += (f" Placements would cost more for {count(row['rate_up_clients'])} clients, "
                 f"less for {count(row['rate_down_clients'])} and the same for "
                 f"{count(row['rate_unchanged_clients'])}.")
    if sensitivity_table is not None:
        text = f"{text} {sensitivity(sensitivity_table)}".rstrip()
    return text


def sensitivity(sensitivity_table: pd.DataFrame) -> str:
    """The range of a ``sensitivity`` table in one sentence (empty when it has fewer than
    two steps)."""
    if len(sensitivity_table) < 2:
        return ""
    low = sensitivity_table.loc[sensitivity_table["delta_gbp_per_day"].idxmin()]
    high = sensitivity_table.loc[sensitivity_table["delta_gbp_per_day"].idxmax()]

    def step(delta: float) -> str:
        return signed(float(delta), lambda v: money(v, style="pounds"))

    return (f"Moving every band rate by {step(low['delta_gbp_per_day'])} to "
            f"{step(high['delta_gbp_per_day'])} a day changes the year-one annual cost against "
            f"today by {signed(low['change_gbp'], money)} to "
            f"{signed(high['change_gbp'], money)}.")


def demand(table: pd.DataFrame, *, area_name: str) -> str:
    """The published demand projection (a ``demand_projection`` table) in one sentence."""
    values = dict(zip(table["measure"], table["value"], strict=True))
    now = values.get("Clients using day services (published)", np.nan)
    later = values.get("Projected clients by 2022", np.nan)
    transitions = values.get("Young people expected through transitions over the next 5 years",
                             np.nan)
    if not (np.isfinite(now) and np.isfinite(later)):
        return f"No demand projection for day services is published for {area_name} in the data."
    text = (f"{area_name}'s published projection (real) is {count(later)} clients by 2022, "
            f"against {count(now)} now")
    if np.isfinite(transitions):
        text += (f", with {count(transitions)} young people expected to move from children's "
                 "to adult services over the next five years")
    return text + "."


def key_messages(figures: Mapping[str, Any], overall: pd.DataFrame, *, area_name: str,
                 dp_rate: float, illustrative: bool) -> list[str]:
    """3-6 sentences with the headline figures, each saying real or illustrative."""
    kind = provenance(illustrative)
    change = float(overall.iloc[0]["change_gbp"])
    return [
        f"{count(figures['clients'])} clients use day services in {area_name}, "
        f"{percent(figures['direct_payment_share'], decimals=0)} of them with a direct payment "
        f"({kind} data).",
        f"Daily rates run from {money(figures['min_daily_rate_gbp'], style='pounds')} to "
        f"{money(figures['max_daily_rate_gbp'], style='pounds')} (median "
        f"{money(figures['median_daily_rate_gbp'], style='pounds')}) against a direct-payment "
        f"rate of {money(dp_rate, style='pounds')} ({kind} data).",
        f"All placements cost {money(figures['annual_cost_gbp'])} a year ({kind} data).",
        f"The banded model would change the year-one cost by {signed(change, money)} "
        f"({kind} data).",
    ]
