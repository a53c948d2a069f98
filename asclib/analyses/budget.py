"""Budget breakdown: totals, reconciliation with the published budget, spend by support reason
and type of care, care packages and care homes, spend per head, care-home unit costs,
year-on-year change and the in-year position.

Tables in, tables out. Inputs are frames with the processed ``budget_ledger``,
``seed_figures``, ``population``, ``asc_finance`` and ``care_home_unit_costs`` columns (see
docs/ARCHITECTURE.md). Nothing here reads files; area, period and comparators are parameters.

Definitions (each a parameter where a council may define it differently):

* **Net** = gross expenditure - income (CIPFA Service Reporting Code of Practice; NHS Digital
  ASC-FR "Net total expenditure = Gross total expenditure - Income: total").
* **Care packages** = gross spend on every service type except those in the ``excluded``
  parameter. Default :data:`NON_PACKAGE_SERVICES`: "Short-term / reablement", "Equipment and
  adaptations", "Assessment and care management" and "Other", so care packages are the
  long-term services (residential, nursing, home care, supported living, direct payments,
  day care). This is the reading under which the published figures agree with each other
  (Sefton MPS 2020: care homes £53.4m are "50%" of £107.7m of packages) and the one the
  bundled demo ledger is calibrated to. :data:`NON_PACKAGE_SERVICES_NARROW` ("Assessment and
  care management" and "Other" only) counts short-term care and equipment as packages too.
* **Care homes** = "Long-term residential" + "Long-term nursing" (:data:`CARE_HOME_SERVICES`);
  the residential and nursing share is care-home spend / care-package spend.
* **Spend per head** = council expenditure / resident population aged 18 and over (ONS
  mid-year estimate), the denominator NHS Digital uses for ASC-FR "expenditure per adult".
* Comparator **median** is the median of the comparator councils' values, the area itself
  excluded; the area's quartile comes from :func:`asclib.benchmark.quartile_position`.

Conventions: ``*_gbp`` columns are pounds; ``*share*`` columns are fractions (0.5 = 50%);
``*_pct`` columns are percentages (5.0 = 5%).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from asclib import benchmark
from asclib.analyses._checks import numeric_column, require_columns
from asclib.formatting import money

#: Vocabularies of the processed ``budget_ledger`` (docs/ARCHITECTURE.md), in display order.
SERVICE_TYPES: tuple[str, ...] = (
    "Long-term residential", "Long-term nursing", "Home care", "Supported living",
    "Direct payments", "Day care", "Short-term / reablement", "Equipment and adaptations",
    "Assessment and care management", "Other",
)
PRIMARY_SUPPORT_REASONS: tuple[str, ...] = (
    "Physical support", "Sensory support", "Support with memory and cognition",
    "Learning disability support", "Mental health support", "Social support",
)
AGE_BANDS: tuple[str, ...] = ("18-64", "65+")
#: Service types that are not care packages (the default of every ``excluded`` parameter):
#: care packages are then the long-term services.
NON_PACKAGE_SERVICES: tuple[str, ...] = ("Short-term / reablement", "Equipment and adaptations",
                                         "Assessment and care management", "Other")
#: The narrower exclusion: everything but assessment / care management and "Other" is a package.
NON_PACKAGE_SERVICES_NARROW: tuple[str, ...] = ("Assessment and care management", "Other")
#: Service types that make up care-home spend.
CARE_HOME_SERVICES: tuple[str, ...] = ("Long-term residential", "Long-term nursing")
#: Label of rows whose dimension is blank in the ledger.
NOT_ALLOCATED = "Not allocated"
TOTAL = "Total"

LEDGER_COLUMNS = ("area_code", "period", "cost_centre", "service_type",
                  "primary_support_reason", "age_band", "gross_gbp", "income_gbp")

#: Lines compared with the published budget: key -> (label, seed figure id stem, unit,
#: published precision). A published figure rounded to ``precision`` agrees when the ledger
#: is within half of it. The seeds publish money to £0.1m (LD spend to £1m) and shares to
#: whole percentages.
RECONCILIATION_LINES: dict[str, tuple[str, str, str, float]] = {
    "gross_budget_gbp": ("Gross budget", "budget_gross", "GBP", 0.1e6),
    "income_gbp": ("Income", "budget_income", "GBP", 0.1e6),
    "net_budget_gbp": ("Net budget", "budget_net", "GBP", 0.1e6),
    "care_packages_gbp": ("Care packages", "care_packages", "GBP", 0.1e6),
    "residential_nursing_share": ("Residential and nursing share of care packages",
                                  "residential_nursing_share_of_packages", "share", 0.01),
    "care_home_spend_gbp": ("Care-home spend", "care_home_spend", "GBP", 0.1e6),
    "care_home_under_65_share": ("Care-home spend on clients under 65",
                                 "care_home_under_65_share", "share", 0.01),
    "ld_spend_gbp": ("Learning disability support", "ld_spend", "GBP", 1e6),
}

#: In-year position items from the published figures: seed figure id stem -> label.
IN_YEAR_ITEMS: dict[str, str] = {
    "forecast_deficit": "Forecast overspend (deficit)",
    "efficiency_programme": "Efficiency programme assumed in the forecast",
    "health_reimbursement": "Reimbursement from health for Covid costs (received to date)",
    "rapid_test_grant": "Rapid Test grant (lateral flow testing in care homes)",
    "workforce_development_grant": "Workforce Development grant (indicated)",
}

HEADLINE_KEYS = ("gross_budget_gbp", "income_gbp", "net_budget_gbp", "care_packages_gbp",
                 "residential_nursing_share", "care_home_spend_gbp",
                 "care_home_under_65_share")


# --------------------------------------------------------------------------- helpers


def _money(frame: pd.DataFrame, table: str, column: str) -> pd.Series:
    """A money column as floats, blanks as 0."""
    return numeric_column(frame, table, column).fillna(0.0)


def periods(ledger: pd.DataFrame) -> list[str]:
    """The financial years held in the ledger, oldest first."""
    require_columns(ledger, "budget_ledger", ["period"])
    return sorted(ledger["period"].dropna().astype(str).unique())


def previous_period(period: str) -> str:
    """The financial year before ``period``: "2020/21" -> "2019/20"."""
    match = re.fullmatch(r"(\d{4})/(\d{2})", str(period).strip())
    if not match:
        raise ValueError(f"period must be a financial year 'YYYY/YY', got {period!r}")
    start = int(match.group(1)) - 1
    return f"{start}/{(start + 1) % 100:02d}"


def _period_token(period: str) -> str:
    return str(period).replace("/", "_").replace("-", "_")


def _ledger_rows(ledger: pd.DataFrame, period: str) -> pd.DataFrame:
    """The ledger rows of one period, typed: blanks become "Not allocated", money numbers."""
    require_columns(ledger, "budget_ledger",
                     ["period", "service_type", "primary_support_reason", "age_band",
                      "gross_gbp", "income_gbp"])
    rows = ledger[ledger["period"].astype(str) == str(period)]
    if rows.empty:
        held = ", ".join(periods(ledger)) or "none"
        raise ValueError(f"table 'budget_ledger' has no rows for period {period}; "
                         f"periods held: {held}")
    if "area_code" in rows.columns:
        areas = rows["area_code"].dropna().astype(str).unique()
        if len(areas) > 1:
            raise ValueError(f"table 'budget_ledger' holds {len(areas)} areas "
                             f"({', '.join(sorted(areas))}); pass one area's rows")
    out = pd.DataFrame({
        "service_type": rows["service_type"].astype("string").fillna(NOT_ALLOCATED),
        "primary_support_reason": rows["primary_support_reason"].astype("string")
        .fillna(NOT_ALLOCATED),
        "age_band": rows["age_band"].astype("string").fillna(NOT_ALLOCATED),
        "gross_gbp": _money(rows, "budget_ledger", "gross_gbp"),
        "income_gbp": _money(rows, "budget_ledger", "income_gbp"),
    })
    if "cost_centre" in rows.columns:
        out.insert(0, "cost_centre", rows["cost_centre"].astype("string"))
    if "net_gbp" in rows.columns:
        out["net_gbp"] = _money(rows, "budget_ledger", "net_gbp")
    return out


def _ordered(values: Iterable[str], vocabulary: Sequence[str]) -> list[str]:
    held = list(dict.fromkeys(str(v) for v in values))
    known = [v for v in vocabulary if v in held]
    return known + sorted(v for v in held if v not in vocabulary)


def _vocabulary(dimension: str) -> Sequence[str]:
    return {"service_type": SERVICE_TYPES, "primary_support_reason": PRIMARY_SUPPORT_REASONS,
            "age_band": AGE_BANDS}.get(dimension, ())


def age_column(age_band: str) -> str:
    """Column name for an age band's spend: "18-64" -> "age_18_64_gbp",
    "65+" -> "age_65_plus_gbp"."""
    token = str(age_band).replace("+", "_plus").replace("-", "_").replace(" ", "_")
    return f"age_{token.lower()}_gbp"


# --------------------------------------------------------------------------- totals


def budget_totals(ledger: pd.DataFrame, period: str) -> pd.DataFrame:
    """Gross expenditure, income and net (= gross - income) of the ledger for ``period``.

    Returns rows ``line`` in ("gross_budget_gbp", "income_gbp", "net_budget_gbp") with
    ``label`` and ``ledger_gbp``. When the ledger carries its own ``net_gbp`` column the net
    line is its sum and ``check_gbp`` gives gross - income - net (0 when the ledger adds up;
    see :func:`arithmetic_check` for the lines that do not).
    """
    rows = _ledger_rows(ledger, period)
    gross, income = float(rows["gross_gbp"].sum()), float(rows["income_gbp"].sum())
    net = float(rows["net_gbp"].sum()) if "net_gbp" in rows.columns else gross - income
    return pd.DataFrame({
        "line": ["gross_budget_gbp", "income_gbp", "net_budget_gbp"],
        "label": ["Gross expenditure", "Income", "Net expenditure (gross - income)"],
        "ledger_gbp": [gross, income, net],
        "check_gbp": [np.nan, np.nan, gross - income - net],
    })


def arithmetic_check(ledger: pd.DataFrame, period: str, tolerance_gbp: float = 0.5) -> pd.DataFrame:
    """Ledger lines where gross - income differs from the ledger's own ``net_gbp`` by more
    than ``tolerance_gbp`` (default 50p). Empty when the ledger has no ``net_gbp`` column (net
    is then derived as gross - income and cannot disagree) or every line adds up."""
    rows = _ledger_rows(ledger, period)
    columns = [*(c for c in ("cost_centre",) if c in rows.columns), "service_type",
               "primary_support_reason", "age_band", "gross_gbp", "income_gbp", "net_gbp",
               "difference_gbp"]
    if "net_gbp" not in rows.columns:
        return pd.DataFrame(columns=columns)
    rows = rows.assign(difference_gbp=rows["gross_gbp"] - rows["income_gbp"] - rows["net_gbp"])
    return rows.loc[rows["difference_gbp"].abs() > tolerance_gbp, columns].reset_index(drop=True)


def spend_by(ledger: pd.DataFrame, period: str,
             by: str | Sequence[str] = ("primary_support_reason", "age_band")) -> pd.DataFrame:
    """Gross, income and net spend grouped by ledger columns, with each group's share of gross.

    ``share_of_gross`` = group gross / total gross. Groups in vocabulary order, then a
    "Total" row (label in the first ``by`` column).
    """
    keys = [by] if isinstance(by, str) else list(by)
    rows = _ledger_rows(ledger, period)
    require_columns(rows, "budget_ledger", keys)
    grouped = rows.groupby(keys, as_index=False, sort=False)[["gross_gbp", "income_gbp"]].sum()
    grouped["net_gbp"] = grouped["gross_gbp"] - grouped["income_gbp"]
    order = {k: {v: i for i, v in enumerate(_ordered(grouped[k], _vocabulary(k)))} for k in keys}
    grouped = grouped.sort_values(keys, key=lambda s: s.map(order[s.name])).reset_index(drop=True)
    total = {k: "" for k in keys} | {k: grouped[k].sum() for k in ("gross_gbp", "income_gbp",
                                                                  "net_gbp")}
    total[keys[0]] = TOTAL
    out = pd.concat([grouped, pd.DataFrame([total])], ignore_index=True)
    gross_total = float(total["gross_gbp"])
    out["share_of_gross"] = out["gross_gbp"] / gross_total if gross_total else np.nan
    return out


def spend_split(ledger: pd.DataFrame, period: str, dimension: str,
                measure: str = "gross_gbp") -> pd.DataFrame:
    """Spend on each category of ``dimension`` split by age band (18-64 / 65+).

    Columns: ``dimension``, one ``age_<band>_gbp`` column per age band (see
    :func:`age_column`), ``total_gbp``, ``share`` (category total / overall total) and
    ``under_65_share`` (18-64 spend / category total). ``measure`` is "gross_gbp" (default,
    as the published breakdowns), "income_gbp" or "net_gbp". Ends with a "Total" row.
    """
    rows = _ledger_rows(ledger, period)
    if measure == "net_gbp" and "net_gbp" not in rows.columns:
        rows = rows.assign(net_gbp=rows["gross_gbp"] - rows["income_gbp"])
    require_columns(rows, "budget_ledger", [dimension, measure])
    bands = _ordered(rows["age_band"], AGE_BANDS)
    table = rows.pivot_table(index=dimension, columns="age_band", values=measure,
                             aggfunc="sum", fill_value=0.0, observed=True)
    table = table.reindex(index=_ordered(rows[dimension], _vocabulary(dimension)),
                          columns=bands, fill_value=0.0)
    table.columns = [age_column(b) for b in bands]
    table.loc[TOTAL] = table.sum(axis=0)
    table["total_gbp"] = table.sum(axis=1)
    overall = float(table.loc[TOTAL, "total_gbp"])
    table["share"] = table["total_gbp"] / overall if overall else np.nan
    young = age_column("18-64")
    table["under_65_share"] = (table[young] / table["total_gbp"].where(table["total_gbp"] != 0)
                               if young in table.columns else np.nan)
    table.index.name = dimension
    return table.reset_index()


def spend_by_primary_support_reason(ledger: pd.DataFrame, period: str,
                                    measure: str = "gross_gbp") -> pd.DataFrame:
    """Spend by primary support reason split 18-64 / 65+ (see :func:`spend_split`)."""
    return spend_split(ledger, period, "primary_support_reason", measure)


def spend_by_type_of_care(ledger: pd.DataFrame, period: str,
                          measure: str = "gross_gbp") -> pd.DataFrame:
    """Spend by type of care (service type) split 18-64 / 65+ (see :func:`spend_split`)."""
    return spend_split(ledger, period, "service_type", measure)


# --------------------------------------------------------------------------- packages, homes


def care_packages_gbp(ledger: pd.DataFrame, period: str,
                      excluded: Sequence[str] = NON_PACKAGE_SERVICES) -> float:
    """Gross spend on care packages: every service type except ``excluded`` (by default
    :data:`NON_PACKAGE_SERVICES`: short-term / reablement, equipment and adaptations,
    assessment and care management, other; i.e. the long-term services)."""
    rows = _ledger_rows(ledger, period)
    return float(rows.loc[~rows["service_type"].isin(list(excluded)), "gross_gbp"].sum())


def care_package_share(ledger: pd.DataFrame, period: str,
                       excluded: Sequence[str] = NON_PACKAGE_SERVICES) -> float:
    """Care packages / gross spend (see :func:`care_packages_gbp` for the definition)."""
    gross = float(_ledger_rows(ledger, period)["gross_gbp"].sum())
    return care_packages_gbp(ledger, period, excluded) / gross if gross else float("nan")


def care_home_spend(ledger: pd.DataFrame, period: str,
                    care_home_services: Sequence[str] = CARE_HOME_SERVICES) -> dict[str, float]:
    """Gross care-home spend (long-term residential + nursing by default) and its under-65 part.

    Returns ``care_home_spend_gbp``, ``care_home_under_65_gbp`` (age band "18-64") and
    ``care_home_under_65_share`` = under-65 / total.
    """
    rows = _ledger_rows(ledger, period)
    homes = rows[rows["service_type"].isin(list(care_home_services))]
    total = float(homes["gross_gbp"].sum())
    under_65 = float(homes.loc[homes["age_band"] == "18-64", "gross_gbp"].sum())
    return {"care_home_spend_gbp": total, "care_home_under_65_gbp": under_65,
            "care_home_under_65_share": under_65 / total if total else float("nan")}


def residential_nursing_share(ledger: pd.DataFrame, period: str,
                              excluded: Sequence[str] = NON_PACKAGE_SERVICES,
                              care_home_services: Sequence[str] = CARE_HOME_SERVICES) -> float:
    """Care-home (residential + nursing) spend / care-package spend."""
    packages = care_packages_gbp(ledger, period, excluded)
    homes = care_home_spend(ledger, period, care_home_services)["care_home_spend_gbp"]
    return homes / packages if packages else float("nan")


def ledger_figures(ledger: pd.DataFrame, period: str,
                   excluded: Sequence[str] = NON_PACKAGE_SERVICES,
                   care_home_services: Sequence[str] = CARE_HOME_SERVICES) -> dict[str, float]:
    """Every figure the ledger gives that the published budget also states (the keys of
    :data:`RECONCILIATION_LINES`), plus ``care_package_share``."""
    totals = budget_totals(ledger, period).set_index("line")["ledger_gbp"]
    rows = _ledger_rows(ledger, period)
    homes = care_home_spend(ledger, period, care_home_services)
    packages = care_packages_gbp(ledger, period, excluded)
    return {
        "gross_budget_gbp": float(totals["gross_budget_gbp"]),
        "income_gbp": float(totals["income_gbp"]),
        "net_budget_gbp": float(totals["net_budget_gbp"]),
        "care_packages_gbp": packages,
        "care_package_share": (packages / float(totals["gross_budget_gbp"])
                               if totals["gross_budget_gbp"] else float("nan")),
        "residential_nursing_share": (homes["care_home_spend_gbp"] / packages
                                      if packages else float("nan")),
        "care_home_spend_gbp": homes["care_home_spend_gbp"],
        "care_home_under_65_share": homes["care_home_under_65_share"],
        "ld_spend_gbp": float(rows.loc[rows["primary_support_reason"]
                                       == "Learning disability support", "gross_gbp"].sum()),
    }


def package_summary(ledger: pd.DataFrame, period: str,
                    excluded: Sequence[str] = NON_PACKAGE_SERVICES,
                    care_home_services: Sequence[str] = CARE_HOME_SERVICES) -> pd.DataFrame:
    """A display table: gross budget, care packages, care homes and the under-65 part,
    each with its share of the line it belongs to (``share_of``)."""
    figures = ledger_figures(ledger, period, excluded, care_home_services)
    homes = care_home_spend(ledger, period, care_home_services)
    return pd.DataFrame([
        {"line": "Gross budget", "value_gbp": figures["gross_budget_gbp"], "share": 1.0,
         "share_of": "gross budget"},
        {"line": "Care packages", "value_gbp": figures["care_packages_gbp"],
         "share": figures["care_package_share"], "share_of": "gross budget"},
        {"line": "Residential and nursing care", "value_gbp": figures["care_home_spend_gbp"],
         "share": figures["residential_nursing_share"], "share_of": "care packages"},
        {"line": "Residential and nursing care, clients under 65",
         "value_gbp": homes["care_home_under_65_gbp"],
         "share": figures["care_home_under_65_share"], "share_of": "care-home spend"},
    ])


def headlines(ledger: pd.DataFrame, period: str,
              excluded: Sequence[str] = NON_PACKAGE_SERVICES,
              care_home_services: Sequence[str] = CARE_HOME_SERVICES) -> dict[str, float]:
    """The notebook's headline figures from the ledger: ``gross_budget_gbp``, ``income_gbp``,
    ``net_budget_gbp``, ``care_packages_gbp``, ``residential_nursing_share``,
    ``care_home_spend_gbp``, ``care_home_under_65_share``."""
    figures = ledger_figures(ledger, period, excluded, care_home_services)
    return {key: figures[key] for key in HEADLINE_KEYS}


# --------------------------------------------------------------------------- published figures


def seed_figure(seed_figures: pd.DataFrame, stem: str, area_code: str,
                period: str | None = None) -> pd.Series | None:
    """The published figure ``stem`` for an area: the id ``<stem>_<YYYY_YY>`` of ``period``
    first, else the id ``stem`` itself (a figure stated without a year). None when absent."""
    require_columns(seed_figures, "seed_figures", ["figure_id", "value", "area_code"])
    mine = seed_figures[seed_figures["area_code"].astype(str) == str(area_code)]
    ids = mine["figure_id"].astype(str)
    candidates = ([f"{stem}_{_period_token(period)}"] if period else []) + [stem]
    for figure_id in candidates:
        hit = mine[ids == figure_id]
        if not hit.empty:
            return hit.iloc[0]
    return None


def _citation(row: pd.Series) -> str:
    parts = [str(row.get(c)) for c in ("document", "section") if pd.notna(row.get(c))]
    page = row.get("page")
    if pd.notna(page) and str(page) not in parts:
        parts.append(f"p. {page}" if str(page)[:1].isdigit() else str(page))
    return ", ".join(parts)


def reconcile(ledger_totals: Mapping[str, float], published: pd.DataFrame, *, area_code: str,
              period: str,
              lines: Mapping[str, tuple[str, str, str, float]] = RECONCILIATION_LINES,
              ) -> pd.DataFrame:
    """The ledger against the published budget, line by line; nothing is absorbed.

    ``ledger_totals``: figures from :func:`ledger_figures` (or :func:`headlines`);
    ``published``: the ``seed_figures`` table. For each line of ``lines`` held in both:
    ``difference`` = ledger - published and ``within_rounding`` = |difference| <= half the
    published precision (e.g. £0.05m for a figure published to £0.1m), so a ledger that rounds
    to the published figure agrees and anything larger is shown as a difference. A line with
    no published figure has ``status`` "no published figure" (``within_rounding`` missing).
    A last line checks the published arithmetic: published gross - income against published
    net.
    """
    records: list[dict[str, Any]] = []
    for key, (label, stem, unit, precision) in lines.items():
        if key not in ledger_totals:
            continue
        ledger_value = float(ledger_totals[key])
        row = seed_figure(published, stem, area_code, period)
        published_value = float(row["value"]) if row is not None else np.nan
        records.append(_reconciliation_record(
            key, label, unit, precision, ledger_value, published_value,
            None if row is None else row.get("period"), "" if row is None else _citation(row)))
    gross, income, net = (seed_figure(published, RECONCILIATION_LINES[k][1], area_code, period)
                          for k in ("gross_budget_gbp", "income_gbp", "net_budget_gbp"))
    if gross is not None and income is not None and net is not None:
        records.append(_reconciliation_record(
            "published_net_check", "Published gross - published income against published net",
            "GBP", 0.1e6, float(gross["value"]) - float(income["value"]), float(net["value"]),
            net.get("period"), _citation(net)))
    columns = ["line", "label", "unit", "ledger_value", "published_value", "difference",
               "tolerance", "within_rounding", "status", "published_period", "source"]
    return pd.DataFrame(records, columns=columns)


def _reconciliation_record(key: str, label: str, unit: str, precision: float,
                           ledger_value: float, published_value: float, published_period: Any,
                           source: str) -> dict[str, Any]:
    tolerance = precision / 2.0
    difference = ledger_value - published_value
    if np.isnan(published_value):
        within, status = pd.NA, "no published figure"
    else:
        within = bool(abs(difference) <= tolerance * (1 + 1e-9))
        if within:
            status = "agrees within rounding"
        elif unit == "GBP":
            sign = "+" if difference >= 0 else "-"
            status = f"DIFFERS by {sign}{money(abs(difference))}"
        else:
            status = f"DIFFERS by {difference * 100:+.1f} percentage points"
    return {"line": key, "label": label, "unit": unit, "ledger_value": ledger_value,
            "published_value": published_value, "difference": difference,
            "tolerance": tolerance, "within_rounding": within, "status": status,
            "published_period": None if pd.isna(published_period) else str(published_period),
            "source": source}


def in_year_position(seed_figures: pd.DataFrame, area_code: str, period: str,
                     items: Mapping[str, str] = IN_YEAR_ITEMS) -> pd.DataFrame:
    """The published in-year position: forecast over/underspend, efficiency programme, health
    reimbursement and Covid grants, each with its source. Items the area has not published
    are listed with a missing value and status "not published" (never an error, so the
    notebook runs for any council)."""
    records = []
    for stem, label in items.items():
        row = seed_figure(seed_figures, stem, area_code, period)
        records.append({
            "item": label, "figure_id": None if row is None else str(row["figure_id"]),
            "value_gbp": np.nan if row is None else float(row["value"]),
            "period": None if row is None or pd.isna(row.get("period")) else str(row["period"]),
            "status": "not published" if row is None else "published",
            "source": "" if row is None else _citation(row)})
    return pd.DataFrame(records)


# --------------------------------------------------------------------------- year on year


def year_on_year(ledger: pd.DataFrame, period: str, previous: str,
                 by: str = "service_type", measure: str = "gross_gbp") -> pd.DataFrame:
    """Spend by ``by`` in ``previous`` and ``period``: ``previous_gbp``, ``current_gbp``,
    ``change_gbp`` = current - previous and ``change_pct`` = 100 change / previous (missing
    when previous is 0). Ends with a "Total" row. Raises naming the periods held when either
    year is absent (check with :func:`periods` first)."""
    now = spend_split(ledger, period, by, measure)[[by, "total_gbp"]]
    before = spend_split(ledger, previous, by, measure)[[by, "total_gbp"]]
    merged = before.merge(now, on=by, how="outer", suffixes=("_previous", "_current"))
    merged = merged.rename(columns={"total_gbp_previous": "previous_gbp",
                                    "total_gbp_current": "current_gbp"}).fillna(
        {"previous_gbp": 0.0, "current_gbp": 0.0})
    order = [*_ordered([v for v in merged[by] if v != TOTAL], _vocabulary(by)), TOTAL]
    merged = merged.set_index(by).reindex(order).reset_index()
    merged["change_gbp"] = merged["current_gbp"] - merged["previous_gbp"]
    merged["change_pct"] = 100 * merged["change_gbp"] / merged["previous_gbp"].where(
        merged["previous_gbp"] != 0)
    merged.insert(1, "previous_period", previous)
    merged.insert(2, "period", period)
    return merged


# --------------------------------------------------------------------------- per head


def _band_limits(band: str) -> tuple[float, float] | None:
    text = str(band).strip()
    if re.fullmatch(r"\d+\+", text):
        return float(text[:-1]), float("inf")
    match = re.fullmatch(r"(\d+)\s*-\s*(\d+)", text)
    if match:
        return float(match.group(1)), float(match.group(2)) + 1.0
    if re.fullmatch(r"\d+", text):
        return float(text), float(text) + 1.0
    return None


def adult_population(population: pd.DataFrame, area_codes: Sequence[str], year: int,
                     min_age: int = 18) -> pd.DataFrame:
    """Residents aged ``min_age`` and over per area, from a population table by age band.

    Bands wholly at or above ``min_age`` count in full; a band straddling it ("15-19") counts
    in proportion to its single years at or above ``min_age`` (2/5 of "15-19" for 18+),
    assuming ages spread evenly within the band (ONS practice for apportioning 5-year
    bands). ``estimated`` says whether any band was apportioned. Persons rows are used when
    the table has them ("Persons" / "All"), otherwise males and females are added.
    """
    require_columns(population, "population", ["area_code", "year", "sex", "age_band",
                                                "population"])
    rows = population[(population["area_code"].astype(str).isin(list(area_codes)))
                      & (pd.to_numeric(population["year"], errors="coerce") == int(year))]
    if rows.empty:
        raise ValueError(f"table 'population' has no rows for year {year} and the areas asked "
                         f"for ({', '.join(area_codes)})")
    sex = rows["sex"].astype(str).str.strip().str.lower()
    persons = sex.isin(["persons", "all", "total", "people"])
    if persons.any():
        rows = rows[persons]
    limits = rows["age_band"].map(_band_limits)
    unknown = rows.loc[limits.isna(), "age_band"].unique()
    if len(unknown):
        raise ValueError(f"table 'population', column 'age_band': cannot read band(s) "
                         f"{', '.join(map(str, unknown))}")
    low = limits.map(lambda b: b[0])
    high = limits.map(lambda b: b[1])
    fraction = np.where(low >= min_age, 1.0,
                        np.where(high <= min_age, 0.0, (high - min_age) / (high - low)))
    apportioned = (fraction > 0) & (fraction < 1)
    counted = rows.assign(adults=pd.to_numeric(rows["population"], errors="coerce") * fraction,
                          apportioned=apportioned)
    out = counted.groupby(counted["area_code"].astype(str)).agg(
        adults=("adults", "sum"), estimated=("apportioned", "any")).reset_index()
    out["population_year"] = int(year)
    return out


def spend_per_head(asc_finance: pd.DataFrame, population: pd.DataFrame, area_code: str,
                   comparator_codes: Sequence[str], finance_period: str | None = None,
                   population_year: int = 2020, min_age: int = 18) -> pd.DataFrame:
    """Gross and net ASC spend per adult (aged 18+) for the area and its comparators, ranked.

    ``gross_per_adult_gbp`` = gross_gbp / adults, ``net_per_adult_gbp`` = net_gbp / adults,
    with adults from :func:`adult_population` (mid-``population_year`` estimate). The finance
    year is ``finance_period`` or, by default, the latest period the ``asc_finance`` table
    holds for the area; it is stated in ``finance_period`` because it may differ from the
    population year (per-head figures then compare councils fairly but are not the current
    year's). ``rank`` 1 = highest net spend per adult; ``is_area`` marks the area;
    ``comparator_median_net_per_adult_gbp`` excludes the area itself, and the area's row gets
    ``quartile`` from :func:`asclib.benchmark.quartile_position` (no judgement: higher spend
    is neither good nor bad).
    """
    require_columns(asc_finance, "asc_finance", ["period", "area_code", "gross_gbp", "net_gbp"])
    codes = list(dict.fromkeys([area_code, *comparator_codes]))
    finance = asc_finance[asc_finance["area_code"].astype(str).isin(codes)]
    if finance_period is None:
        held = finance.loc[finance["area_code"].astype(str) == area_code, "period"]
        if held.empty:
            raise ValueError(f"table 'asc_finance' has no rows for area {area_code}")
        finance_period = sorted(held.astype(str))[-1]
    finance = finance[finance["period"].astype(str) == str(finance_period)]
    if area_code not in set(finance["area_code"].astype(str)):
        raise ValueError(f"table 'asc_finance' has no {finance_period} row for area {area_code}")
    adults = adult_population(population, codes, population_year, min_age)
    table = finance.assign(area_code=finance["area_code"].astype(str)).merge(
        adults, on="area_code", how="left")
    table["gross_per_adult_gbp"] = table["gross_gbp"] / table["adults"]
    table["net_per_adult_gbp"] = table["net_gbp"] / table["adults"]
    table = table.sort_values("net_per_adult_gbp", ascending=False, na_position="last")
    table["rank"] = table["net_per_adult_gbp"].rank(ascending=False, method="min")
    table["is_area"] = table["area_code"] == area_code
    others = table.loc[~table["is_area"], "net_per_adult_gbp"].dropna()
    table["comparator_median_net_per_adult_gbp"] = float(others.median()) if len(others) \
        else np.nan
    area_value = float(table.loc[table["is_area"], "net_per_adult_gbp"].iloc[0])
    table["quartile"] = np.where(table["is_area"], benchmark.quartile_position(
        area_value, others.to_numpy(), benchmark.Polarity.NO_JUDGEMENT), "")
    table = table.rename(columns={"period": "finance_period"})
    columns = ["area_code", *(c for c in ("area_name",) if c in table.columns), "finance_period",
               "population_year", "gross_gbp", "net_gbp", "adults", "estimated",
               "gross_per_adult_gbp", "net_per_adult_gbp", "rank", "is_area",
               "comparator_median_net_per_adult_gbp", "quartile"]
    return table[columns].reset_index(drop=True)


# --------------------------------------------------------------------------- unit costs


def unit_costs(care_home_unit_costs: pd.DataFrame, area_code: str,
               comparator_codes: Sequence[str], period: str | None = None) -> pd.DataFrame:
    """Care-home weekly unit costs of the area by age band x support reason x setting, with the
    comparator median.

    Unit cost = gross expenditure / care weeks (£ per week; NHS Digital ASC-FR unit cost
    definition), taken from ``unit_cost_gbp_per_week`` or computed where that is blank.
    ``comparator_median_gbp`` is the median over the comparator councils with a value (area
    excluded), ``comparators_n`` how many; ``difference_gbp`` = area - median, ``ratio`` =
    area / median; ``quartile`` from :func:`asclib.benchmark.quartile_position` (no
    judgement). ``period`` defaults to the latest the table holds for the area.
    """
    keys = ["age_band", "primary_support_reason", "setting"]
    require_columns(care_home_unit_costs, "care_home_unit_costs",
                     ["period", "area_code", *keys, "unit_cost_gbp_per_week"])
    data = care_home_unit_costs.assign(area_code=care_home_unit_costs["area_code"].astype(str))
    if period is None:
        held = data.loc[data["area_code"] == area_code, "period"]
        if held.empty:
            raise ValueError(f"table 'care_home_unit_costs' has no rows for area {area_code}")
        period = sorted(held.astype(str))[-1]
    data = data[data["period"].astype(str) == str(period)]
    cost = pd.to_numeric(data["unit_cost_gbp_per_week"], errors="coerce")
    if {"gross_gbp", "care_weeks"} <= set(data.columns):
        weeks = pd.to_numeric(data["care_weeks"], errors="coerce")
        computed = pd.to_numeric(data["gross_gbp"], errors="coerce") / weeks.where(weeks > 0)
        cost = cost.fillna(computed)
    data = data.assign(unit_cost_gbp_per_week=cost)
    area = data[data["area_code"] == area_code]
    if area.empty:
        raise ValueError(f"table 'care_home_unit_costs' has no {period} rows for area "
                         f"{area_code}")
    others = data[data["area_code"].isin([c for c in comparator_codes if c != area_code])]
    records = []
    for key_values, group in area.groupby(keys, sort=False):
        value = float(group["unit_cost_gbp_per_week"].iloc[0])
        mask = np.logical_and.reduce([others[k] == v for k, v in zip(keys, key_values,
                                                                      strict=True)])
        values = others.loc[mask, "unit_cost_gbp_per_week"].dropna().to_numpy(dtype=float)
        median = float(np.median(values)) if values.size else np.nan
        records.append({
            **dict(zip(keys, key_values, strict=True)), "period": str(period),
            "unit_cost_gbp_per_week": value, "comparator_median_gbp": median,
            "comparators_n": int(values.size), "difference_gbp": value - median,
            "ratio": value / median if median else np.nan,
            "quartile": benchmark.quartile_position(value, values,
                                                    benchmark.Polarity.NO_JUDGEMENT)})
    out = pd.DataFrame(records)
    order = {"age_band": list(AGE_BANDS), "primary_support_reason":
             list(PRIMARY_SUPPORT_REASONS), "setting": ["Residential", "Nursing"]}
    return out.sort_values(keys, key=lambda s: s.map(
        {v: i for i, v in enumerate(_ordered(s, order[s.name]))})).reset_index(drop=True)


def unit_cost_range(unit_cost_table: pd.DataFrame) -> pd.DataFrame:
    """The lowest and highest weekly unit cost of a :func:`unit_costs` table (two rows,
    ``extreme`` "lowest" / "highest"), as the seeds quote them (£390 to £930)."""
    require_columns(unit_cost_table, "unit_costs", ["unit_cost_gbp_per_week"])
    valid = unit_cost_table.dropna(subset=["unit_cost_gbp_per_week"])
    if valid.empty:
        raise ValueError("table 'unit_costs' has no unit cost values")
    low = valid.loc[[valid["unit_cost_gbp_per_week"].idxmin()]].assign(extreme="lowest")
    high = valid.loc[[valid["unit_cost_gbp_per_week"].idxmax()]].assign(extreme="highest")
    out = pd.concat([low, high], ignore_index=True)
    return out[["extreme", *(c for c in out.columns if c != "extreme")]]


# --------------------------------------------------------------------------- unit-cost ranges


def published_unit_cost_range(unit_cost_table: pd.DataFrame, seed_figures: pd.DataFrame,
                              area_code: str) -> pd.DataFrame:
    """The lowest and highest care-home weekly unit cost from the ASC-FR table (a
    :func:`unit_costs` result) beside the range the area's own documents publish (seed figures
    ``care_home_unit_cost_min`` / ``care_home_unit_cost_max``; £390 to £930 a week in Sefton's
    Market Position Statement 2020).

    Columns: source, period, lowest_gbp_per_week, highest_gbp_per_week, lowest_at,
    highest_at, status ("published" / "not published" for the area's own range).
    """
    extremes = unit_cost_range(unit_cost_table).set_index("extreme")

    def where(row: pd.Series) -> str:
        return (f"{row['age_band']}, {row['primary_support_reason']}, "
                f"{str(row['setting']).lower()}")

    period = str(extremes.loc["lowest", "period"]) if "period" in extremes.columns else ""
    records = [{"source": "NHS Digital ASC-FR (real)", "period": period,
                "lowest_gbp_per_week": float(extremes.loc["lowest", "unit_cost_gbp_per_week"]),
                "highest_gbp_per_week": float(extremes.loc["highest", "unit_cost_gbp_per_week"]),
                "lowest_at": where(extremes.loc["lowest"]),
                "highest_at": where(extremes.loc["highest"]), "status": "from the data"}]
    low = seed_figure(seed_figures, "care_home_unit_cost_min", area_code)
    high = seed_figure(seed_figures, "care_home_unit_cost_max", area_code)
    published = low is not None and high is not None
    records.append({
        "source": _citation(low) if published else "Council's published documents",
        "period": (str(low["period"]) if published and pd.notna(low.get("period")) else None),
        "lowest_gbp_per_week": float(low["value"]) if published else np.nan,
        "highest_gbp_per_week": float(high["value"]) if published else np.nan,
        "lowest_at": "", "highest_at": "",
        "status": "published" if published else "not published"})
    return pd.DataFrame(records)


# --------------------------------------------------------------------------- published totals

#: Status of an area with no ASC-FR row in the latest year the data hold (e.g. a council
#: created after that year, such as BCP in 2016/17): its figures are never apportioned.
NO_PUBLISHED_FIGURES = "no published figures for this council's current boundary"


def latest_finance_period(asc_finance: pd.DataFrame) -> str:
    """The latest financial year the ``asc_finance`` table holds (for any council)."""
    require_columns(asc_finance, "asc_finance", ["period"])
    held = sorted(asc_finance["period"].dropna().astype(str).unique())
    if not held:
        raise ValueError("table 'asc_finance' has no rows")
    return held[-1]


def published_totals(asc_finance: pd.DataFrame, area_code: str,
                     period: str | None = None) -> pd.DataFrame:
    """The area's real ASC-FR gross expenditure, income and net (= gross - income) for
    ``period`` (default: the latest year the table holds, for any council).

    One row: ``period, area_code, gross_gbp, income_gbp, net_gbp, status``; ``status`` is
    "published", or :data:`NO_PUBLISHED_FIGURES` with missing values when the area's code has
    no row that year (never figures apportioned from predecessor councils).
    Source: NHS Digital, Adult Social Care Activity and Finance Report (council totals).
    """
    require_columns(asc_finance, "asc_finance",
                    ["period", "area_code", "gross_gbp", "income_gbp", "net_gbp"])
    period = latest_finance_period(asc_finance) if period is None else str(period)
    rows = asc_finance[(asc_finance["period"].astype(str) == period)
                       & (asc_finance["area_code"].astype(str) == str(area_code))]
    record: dict[str, Any] = {"period": period, "area_code": str(area_code)}
    if rows.empty:
        record |= {"gross_gbp": np.nan, "income_gbp": np.nan, "net_gbp": np.nan,
                   "status": NO_PUBLISHED_FIGURES}
    else:
        row = rows.iloc[0]
        record |= {column: float(pd.to_numeric(pd.Series([row[column]]), errors="coerce")
                                 .iloc[0]) for column in ("gross_gbp", "income_gbp", "net_gbp")}
        record["status"] = "published"
    return pd.DataFrame([record])


def has_published_totals(totals: pd.DataFrame) -> bool:
    """Whether a :func:`published_totals` table holds the area's figures."""
    return bool((totals["status"] == "published").all())


def published_headlines(totals: pd.DataFrame) -> dict[str, Any]:
    """The ASC-FR headline figures of a :func:`published_totals` table for the manifest:
    ``published_gross_gbp``, ``published_net_gbp`` (None when the council has no row) and
    ``published_finance_period`` (the data year)."""
    row = totals.iloc[0]
    held = row["status"] == "published"
    return {"published_finance_period": str(row["period"]),
            "published_gross_gbp": float(row["gross_gbp"]) if held else None,
            "published_net_gbp": float(row["net_gbp"]) if held else None}
