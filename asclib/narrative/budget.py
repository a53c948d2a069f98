"""Sentences for the budget-breakdown notebook, from the tables of
:mod:`asclib.analyses.budget`.

Ledger sentences name the ledger's provenance ("Wirral's illustrative ledger ..."); ASC-FR,
unit-cost and published-document sentences rest on real figures and say which year.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from asclib.analyses._checks import require_columns
from asclib.analyses.budget import NO_PUBLISHED_FIGURES, TOTAL
from asclib.formatting import money, percent
from asclib.narrative._common import capitalised, provenance, records


def _m(value: float) -> str:
    return money(value, style="millions")


def ledger_summary(figures: Mapping[str, float], *, area_name: str, period: str,
                   illustrative: bool) -> str:
    """One paragraph on the year's budget from ``budget.ledger_figures``: gross, income, net,
    care packages (share of gross), care homes (share of packages) and the under-65 share."""
    ledger = records(area_name, "ledger", illustrative)
    return (
        f"{ledger} puts the {period} adult social care budget at "
        f"{_m(figures['gross_budget_gbp'])} gross. Income of {_m(figures['income_gbp'])} "
        f"brings the net budget to {_m(figures['net_budget_gbp'])}. Care packages take "
        f"{_m(figures['care_packages_gbp'])} ({percent(figures['care_package_share'], decimals=0)}"
        f" of gross); residential and nursing care is {_m(figures['care_home_spend_gbp'])}, "
        f"{percent(figures['residential_nursing_share'], decimals=0)} of care-package spend, "
        f"and {percent(figures['care_home_under_65_share'], decimals=0)} of care-home spend is "
        "on adults under 65.")


def no_ledger(area_name: str, area_code: str, period: str) -> str:
    """Why the ledger sections are left out, and how to see an illustrative version."""
    return (f"No budget ledger for {period} is held for {area_name}, so the sections built on "
            f"the council's ledger (spend by support reason and type of care, care packages, "
            f"year-on-year change) are left out. Export the ledger to "
            f"data/raw/council/{area_code}/budget_ledger.xlsx, or run `asc demo-data --area "
            f"{area_code}` for an illustrative version, then `asc prepare`.")


def reconciliation(table: pd.DataFrame, *, area_name: str, illustrative: bool) -> str:
    """What a ``budget.reconcile`` table says, in one or two sentences: every line agrees
    within rounding, which lines differ (and by how much), or that the area publishes no
    figures to check."""
    require_columns(table, "reconciliation", ["label", "status", "within_rounding"])
    lines = table[table["line"] != "published_net_check"] if "line" in table.columns else table
    checked = lines[lines["status"] != "no published figure"]
    ledger = records(area_name, "ledger", illustrative)
    if checked.empty:
        return (f"No published budget figures are held for {area_name}, so the totals of "
                f"{ledger} are shown as they are, without a check against a published budget.")
    differs = checked[checked["within_rounding"].astype("boolean").fillna(False) == False]  # noqa: E712
    if differs.empty:
        return (f"All {len(checked)} lines of {ledger} with a published figure agree with it "
                "to the precision it is published to.")
    listed = "; ".join(f"{row.label}: {row.status}" for row in differs.itertuples())
    return (f"{len(differs)} of {len(checked)} lines of {ledger} differ from the published "
            f"figure by more than rounding ({listed}). The differences are shown, not absorbed.")


def year_on_year(yoy: pd.DataFrame, *, area_name: str, illustrative: bool,
                 by: str = "service_type") -> str:
    """The total change and the largest increase and decrease of a ``budget.year_on_year``
    table, in one or three sentences."""
    require_columns(yoy, "year_on_year", [by, "previous_gbp", "current_gbp", "change_gbp"])
    total = yoy[yoy[by].astype(str) == TOTAL].iloc[0]
    parts = yoy[yoy[by].astype(str) != TOTAL]
    previous, current = str(yoy["previous_period"].iloc[0]), str(yoy["period"].iloc[0])
    direction = "rose" if total["change_gbp"] >= 0 else "fell"
    pct = (f" ({percent(abs(total['change_gbp']) / total['previous_gbp'])})"
           if total["previous_gbp"] else "")
    text = (f"In {records(area_name, 'ledger', illustrative)} gross spend {direction} by "
            f"{_m(abs(total['change_gbp']))}{pct} from {previous} ({_m(total['previous_gbp'])})"
            f" to {current} ({_m(total['current_gbp'])}).")
    if len(parts):
        top = parts.loc[parts["change_gbp"].idxmax()]
        low = parts.loc[parts["change_gbp"].idxmin()]
        if top["change_gbp"] > 0:
            text += f" The largest increase is in {top[by]} (+{_m(top['change_gbp'])})."
        if low["change_gbp"] < 0:
            text += f" The largest fall is in {low[by]} (-{_m(-low['change_gbp'])})."
    return text


def published_totals(totals: pd.DataFrame, *, area_name: str) -> str:
    """The real ASC-FR totals (a ``budget.published_totals`` table), naming the year; or the
    plain statement that the data hold no figures for the council's current boundary."""
    row = totals.iloc[0]
    year = row["period"]
    if row["status"] == NO_PUBLISHED_FIGURES:
        return (f"NHS Digital's Adult Social Care Activity and Finance Report holds "
                f"{NO_PUBLISHED_FIGURES} (data year {year}): {area_name} ({row['area_code']}) "
                "has no row under its current code that year (a council formed later, or one whose "
                "figures were not published separately). No figures are estimated or "
                "apportioned from other councils.")
    return (f"In {year}, the latest year of NHS Digital's Adult Social Care Activity and "
            f"Finance Report (ASC-FR) held, {area_name} spent {_m(row['gross_gbp'])} gross on "
            f"adult social care, with income of {_m(row['income_gbp'])} and a net cost of "
            f"{_m(row['net_gbp'])} (real published figures).")


def per_head(table: pd.DataFrame, measure: str = "net_per_adult_gbp") -> str:
    """The area's spend per adult, its rank and the comparator median from a
    ``budget.spend_per_head`` table, naming the finance and population years."""
    require_columns(table, "spend_per_head", [measure, "is_area", "finance_period",
                                              "population_year"])
    is_area = table["is_area"].astype(bool)
    area = table[is_area].iloc[0]
    others = table.loc[~is_area, measure].dropna()
    ranked = table[measure].rank(ascending=False, method="min")
    rank = int(ranked[is_area].iloc[0])
    name = area["area_name"] if "area_name" in table.columns else area["area_code"]
    kind = "Net" if measure.startswith("net") else "Gross"
    median = money(others.median(), style="pounds") if len(others) else "not available"
    return (f"{kind} spend per adult in {name} was {money(area[measure], style='pounds')} "
            f"({area['finance_period']} spend over the mid-{area['population_year']} "
            f"population aged 18+; real figures), ranked {rank} of {int(ranked.notna().sum())} "
            f"(1 = highest); the comparator median is {median}.")


def unit_costs(comparison: pd.DataFrame) -> str:
    """The ASC-FR range of weekly unit costs beside the published one (a
    ``budget.published_unit_cost_range`` table), in one or two sentences."""
    real = comparison.iloc[0]
    text = (f"In {real['period']} (ASC-FR, real figures) weekly care-home unit costs ranged "
            f"from {money(real['lowest_gbp_per_week'], style='pounds')} ({real['lowest_at']}) "
            f"to {money(real['highest_gbp_per_week'], style='pounds')} "
            f"({real['highest_at']}).")
    published = comparison.iloc[1]
    if published["status"] == "published":
        text += (f" The council's own documents ({published['period']}) quote "
                 f"{money(published['lowest_gbp_per_week'], style='pounds')} to "
                 f"{money(published['highest_gbp_per_week'], style='pounds')} a week.")
    else:
        text += " No range published by the council is held to compare with."
    return text


def no_unit_costs(area_name: str) -> str:
    """Why the unit-cost section is empty."""
    return (f"NHS Digital's care-home unit costs hold no figures for {area_name}'s current "
            "boundary, so no weekly unit costs are shown.")


def in_year(position: pd.DataFrame, *, area_name: str) -> str:
    """The published in-year position (a ``budget.in_year_position`` table) in one or two
    sentences."""
    require_columns(position, "in_year_position", ["figure_id", "value_gbp", "status"])
    held = position[position["status"] == "published"]
    if held.empty:
        return f"No in-year budget position is published for {area_name} in the data held."
    by_id = {str(f).rsplit("_20", 1)[0]: v for f, v in zip(held["figure_id"], held["value_gbp"],
                                                            strict=True)}
    parts = []
    if "forecast_deficit" in by_id:
        parts.append(f"a forecast overspend of {money(by_id['forecast_deficit'])}")
    if "efficiency_programme" in by_id:
        parts.append(f"which assumes an efficiency programme of "
                     f"{money(by_id['efficiency_programme'])} is delivered")
    text = (f"{area_name}'s published in-year position is "
            + (", ".join(parts) or "listed below") + ".")
    if "health_reimbursement" in by_id:
        text += (f" Health has reimbursed {money(by_id['health_reimbursement'])} of "
                 "Covid-related costs to date.")
    return text


def key_messages(*, area_name: str, period: str, totals: pd.DataFrame,
                 figures: Mapping[str, float] | None = None,
                 ledger_illustrative: bool = False,
                 per_head_table: pd.DataFrame | None = None,
                 reconciliation_table: pd.DataFrame | None = None) -> list[str]:
    """3-6 sentences with the headline figures, each saying whether it rests on real or
    illustrative data."""
    messages = [published_totals(totals, area_name=area_name)]
    if figures is not None:
        kind = provenance(ledger_illustrative)
        messages.append(
            f"{capitalised(records(area_name, 'ledger', ledger_illustrative))} gives a "
            f"{period} budget of {_m(figures['gross_budget_gbp'])} gross and "
            f"{_m(figures['net_budget_gbp'])} net ({kind} data).")
        messages.append(
            f"Care homes take {_m(figures['care_home_spend_gbp'])}, "
            f"{percent(figures['residential_nursing_share'], decimals=0)} of care-package spend "
            f"({kind} data).")
    else:
        messages.append(f"No budget ledger for {period} is held for {area_name}, so no "
                        "breakdown of this year's budget is shown (no data).")
    if reconciliation_table is not None and figures is not None:
        messages.append(reconciliation(reconciliation_table, area_name=area_name,
                                       illustrative=ledger_illustrative))
    if per_head_table is not None:
        messages.append(per_head(per_head_table))
    return messages
