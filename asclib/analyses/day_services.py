"""Day-service cost variation: the cohort, variation in daily rates, direct-payment rate
comparison, annual cost, a banded cost model with transition rules, its sensitivity, and
the published demand projection.

Tables in, tables out. ``placements`` has the processed ``day_service_placements`` columns
(docs/ARCHITECTURE.md): one row per placement (a client may attend more than one service).
Select the placements of interest first, e.g. ``current_placements(placements)``; every other
function uses the rows it is given.

Definitions:

* **Daily cost** of a placement = daily rate + 1:1 top-up per day.
* **Annual cost** = daily cost x days per week x weeks per year (52 by default).
* **Clients** are distinct ``client_id`` values; a client's age, support reason and funding
  are taken from their first placement row. A client counts as a direct-payment client when
  any of their placements (in the group) is funded by a direct payment.
* Quartiles use linear interpolation between order statistics (Hyndman & Fan 1996 type 7,
  numpy's default and Excel's QUARTILE.INC); IQR = Q3 - Q1; range = max - min; coefficient
  of variation = sample standard deviation (n - 1) / mean (Everitt, *Cambridge Dictionary of
  Statistics*).
* **Outliers**: Tukey's fences (Tukey 1977, *Exploratory Data Analysis*): a rate below
  Q1 - 1.5 IQR or above Q3 + 1.5 IQR of its service.

Disclosure: every summary of clients returned for display goes through
:func:`asclib.disclosure.suppress` via :func:`disclose` (``disclose=True`` by default), so
counts of 1-4 and everything derived from them are hidden; see :func:`disclose` for which
columns are counts. Headline figures are computed from the placements, not from the
suppressed tables.

Conventions: ``*_gbp`` columns are pounds; ``*share*`` columns are fractions; ``*_pct``
columns are percentages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from asclib.analyses._checks import numeric_column, require_columns
from asclib.disclosure import suppress
from asclib.formatting import money

LEARNING_DISABILITY = "Learning disability support"
DIRECT_PAYMENT = "direct_payment"
COMMISSIONED = "commissioned"
NEED_LEVELS: tuple[str, ...] = ("standard", "enhanced", "complex")
TOTAL = "Total"
#: Client age bands (label, lowest age, highest age inclusive).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("18-29", 18, 29), ("30-44", 30, 44), ("45-59", 45, 59), ("60-64", 60, 64),
    ("65-74", 65, 74), ("75+", 75, 200),
)
UNDER_18 = "Under 18"
WEEKS_PER_YEAR = 52
#: Daily costs closer than half a penny count as unchanged.
_PENNY = 0.005

REQUIRED = ("client_id", "age", "primary_support_reason", "provider", "service",
            "daily_rate_gbp", "days_per_week", "funding")

#: Columns derived from a count other than ``clients`` (derived column -> its count column).
DERIVED_NUMERATORS: dict[str, str] = {
    "client_share": "clients",
    "mean_one_to_one_gbp": "one_to_one_clients",
}


# --------------------------------------------------------------------------- input


def _numbers(frame: pd.DataFrame, column: str, default: float | None = None) -> pd.Series:
    """A placements column as floats; ``default`` fills blanks, and stands for the whole
    column when it is absent (an optional column)."""
    if column not in frame.columns and default is not None:
        return pd.Series(default, index=frame.index, dtype=float)
    values = numeric_column(frame, "day_service_placements", column)
    return values if default is None else values.fillna(default)


#: pandas ``attrs`` key marking a frame made by :func:`prepare` (its value: weeks_per_year).
PREPARED_MARK = "asclib_day_services_prepared"


def prepare(placements: pd.DataFrame, weeks_per_year: float = WEEKS_PER_YEAR) -> pd.DataFrame:
    """The placements typed, with ``daily_cost_gbp`` (daily rate + 1:1 per day),
    ``annual_cost_gbp`` (daily cost x days per week x ``weeks_per_year``), ``age_band`` and
    the client-level ``client_age`` / ``client_reason`` (each client's first placement).

    Every function of this module prepares its input; given a frame made here (and the same
    ``weeks_per_year``) it skips that step, so a notebook prepares once instead of once per
    table and chart. Rows selected from a prepared frame stay prepared; to change rates or
    days, edit the raw placements and prepare again.
    """
    return _prepared(placements, weeks_per_year)


def _prepared(placements: pd.DataFrame, weeks_per_year: float = WEEKS_PER_YEAR) -> pd.DataFrame:
    """Typed copy with ``daily_cost_gbp``, ``annual_cost_gbp``, ``age_band`` and client-level
    attributes (``client_age``, ``client_reason``); a frame already made by :func:`prepare`
    with the same ``weeks_per_year`` as it is (never modified by the callers)."""
    if placements.attrs.get(PREPARED_MARK) == weeks_per_year and not placements.empty:
        return placements
    require_columns(placements, "day_service_placements", REQUIRED)
    if placements.empty:
        raise ValueError("table 'day_service_placements' has no rows")
    if weeks_per_year <= 0:
        raise ValueError(f"weeks_per_year must be positive, got {weeks_per_year}")
    out = placements.copy()
    out["client_id"] = out["client_id"].astype(str)
    for column in ("provider", "service", "primary_support_reason", "funding"):
        out[column] = out[column].astype("string").fillna("Not recorded")
    out["age"] = _numbers(out, "age")
    out["daily_rate_gbp"] = _numbers(out, "daily_rate_gbp")
    out["days_per_week"] = _numbers(out, "days_per_week")
    out["one_to_one_gbp_per_day"] = _numbers(out, "one_to_one_gbp_per_day", default=0.0)
    out["daily_cost_gbp"] = out["daily_rate_gbp"] + out["one_to_one_gbp_per_day"]
    out["annual_cost_gbp"] = out["daily_cost_gbp"] * out["days_per_week"] * weeks_per_year
    first = out.groupby("client_id", sort=False)[["age", "primary_support_reason"]].first()
    out["client_age"] = out["client_id"].map(first["age"])
    out["client_reason"] = out["client_id"].map(first["primary_support_reason"])
    out["age_band"] = age_bands(out["client_age"])
    out.attrs[PREPARED_MARK] = weeks_per_year
    return out


def current_placements(placements: pd.DataFrame, as_at: Any = None) -> pd.DataFrame:
    """Placements open on ``as_at`` (start_date <= as_at and end_date empty or >= as_at), or,
    when ``as_at`` is None, every placement with no end date (still open)."""
    require_columns(placements, "day_service_placements", ["end_date"])
    end = pd.to_datetime(placements["end_date"], errors="coerce")
    if as_at is None:
        keep = end.isna()
    else:
        day = pd.Timestamp(as_at)
        start = (pd.to_datetime(placements["start_date"], errors="coerce")
                 if "start_date" in placements.columns else pd.Series(pd.NaT, placements.index))
        keep = (start.isna() | (start <= day)) & (end.isna() | (end >= day))
    return placements[keep.to_numpy()].reset_index(drop=True)


def age_bands(ages: pd.Series | Sequence[float],
              bands: Sequence[tuple[str, int, int]] = AGE_BANDS) -> pd.Series:
    """Age band label of each age ("18-29" ... "75+"; "Under 18" below the first band)."""
    values = pd.Series(ages, dtype=float)
    labels = pd.Series(pd.NA, index=values.index, dtype="string")
    labels[values < bands[0][1]] = UNDER_18
    for label, low, high in bands:
        labels[(values >= low) & (values <= high)] = label
    return labels


def annual_cost(placements: pd.DataFrame, weeks_per_year: float = WEEKS_PER_YEAR) -> pd.DataFrame:
    """Each placement with ``daily_cost_gbp`` = daily rate + 1:1 per day and
    ``annual_cost_gbp`` = daily cost x days per week x ``weeks_per_year``.

    £50 a day + £10 1:1, 3 days a week, 52 weeks: (50 + 10) x 3 x 52 = £9,360.
    """
    prepared = _prepared(placements, weeks_per_year)
    keep = [*placements.columns, "daily_cost_gbp", "annual_cost_gbp"]
    return prepared[list(dict.fromkeys(keep))]


# --------------------------------------------------------------------------- disclosure


def count_columns(table: pd.DataFrame) -> list[str]:
    """The count columns of a day-service summary: ``clients`` and every ``*_clients`` column
    (numbers of people; 1-4 are disclosive)."""
    return [c for c in table.columns
            if c == "clients" or (str(c).endswith("_clients") and "share" not in str(c))]


def derived_columns(table: pd.DataFrame) -> dict[str, str]:
    """{derived column: its count column} for a day-service summary.

    ``<x>_share`` belongs to ``<x>_clients``; :data:`DERIVED_NUMERATORS` names the others
    with their own count; every other numeric column (rates, costs, ages, placements)
    describes the group's clients and belongs to ``clients``, so a small group's whole row is
    hidden.
    """
    counts = set(count_columns(table))
    derived: dict[str, str] = {}
    for column in table.columns:
        name = str(column)
        if name in counts or name == "note":
            continue
        if name in DERIVED_NUMERATORS and DERIVED_NUMERATORS[name] in counts:
            derived[name] = DERIVED_NUMERATORS[name]
        elif name.endswith("_share") and f"{name[:-6]}_clients" in counts:
            derived[name] = f"{name[:-6]}_clients"
        elif "clients" in counts and (pd.api.types.is_numeric_dtype(table[column])
                                      or pd.api.types.is_bool_dtype(table[column])):
            derived[name] = "clients"
    return derived


#: Count columns that split ``clients`` into parts (each client in exactly one): published
#: together, any one of them could be recovered from the others and the client count.
PARTITIONS: tuple[tuple[str, ...], ...] = (
    ("rate_up_clients", "rate_down_clients", "rate_unchanged_clients"),
)


def disclose(table: pd.DataFrame, *, label_column: str | None = None,
             total_label: str = TOTAL, threshold: int = 5) -> pd.DataFrame:
    """``table`` through :func:`asclib.disclosure.suppress` with its count and derived columns,
    then two rules for relations between columns that ``suppress`` does not see.

    - Counts are :func:`count_columns`; derived values :func:`derived_columns`. When the
      ``label_column`` (default: the first column) holds a "Total" row, secondary
      suppression protects it (a single hidden cell cannot be recovered by subtraction).
    - Whole row: where a group's ``clients`` is hidden, all its counts and derived values are
      hidden too (its other counts would bound or give away its size).
    - Partitions (:data:`PARTITIONS`, e.g. clients whose rate goes up / down / is unchanged,
      which add up to ``clients``): where any part is hidden, every part of that row is
      hidden, and at least two groups' parts are hidden whenever a total row is published,
      so no part can be recovered by subtraction along the row or the column.
    """
    counts = count_columns(table)
    if not counts:
        raise ValueError("disclose: the table has no count column ('clients' or '*_clients'); "
                         f"it has {', '.join(map(str, table.columns))}")
    label = label_column if label_column is not None else str(table.columns[0])
    is_total = (table[label].astype(str) == total_label).to_numpy() if label in table.columns \
        else np.zeros(len(table), dtype=bool)
    derived = derived_columns(table)
    result = suppress(table, counts, derived=derived, threshold=threshold,
                      total_row={"column": label, "label": total_label} if is_total.any()
                      else None)
    if "clients" not in counts:
        return result
    was_shown = {c: table[c].notna().to_numpy() for c in [*counts, *derived]}
    notes = result["note"].astype(str).tolist()

    def hide(rows: np.ndarray, columns: Sequence[str], reason: str) -> None:
        for row in np.flatnonzero(rows):
            newly = [c for c in columns if c in result.columns and pd.notna(result.iloc[row][c])
                     and was_shown.get(c, np.ones(len(table), bool))[row]]
            if not newly:
                continue
            for column in newly:
                result[column] = result[column].astype(float)
                result.iloc[row, result.columns.get_loc(column)] = np.nan
            notes[row] = "; ".join(t for t in (notes[row], f"{reason} ({', '.join(newly)})") if t)

    small_group = result["clients"].isna().to_numpy() & was_shown["clients"]
    hide(small_group, [c for c in [*counts, *derived] if c != "clients"],
         "suppressed: group hidden")
    for part in PARTITIONS:
        columns = [c for c in part if c in result.columns]
        if len(columns) < 2:
            continue
        block = [*columns, *(d for d, n in derived.items() if n in columns)]
        touched = result[columns].isna().to_numpy().any(axis=1) & np.column_stack(
            [was_shown[c] for c in columns]).any(axis=1)
        groups = touched & ~is_total
        if is_total.any() and groups.sum() == 1:
            # one group's parts alone could be worked out from the total row: hide another's
            clients = result["clients"].to_numpy(dtype=float)
            candidates = np.flatnonzero(~groups & ~is_total & ~np.isnan(clients))
            if candidates.size:
                groups[candidates[np.argsort(clients[candidates], kind="stable")[0]]] = True
        hide(groups | (touched & is_total), block, "suppressed: parts of clients")
    result["note"] = notes
    return result


def _maybe_disclose(table: pd.DataFrame, disclose_table: bool, threshold: int) -> pd.DataFrame:
    return disclose(table, threshold=threshold) if disclose_table else table


# --------------------------------------------------------------------------- cohort


def _group_key(prepared: pd.DataFrame, by: str | None, split_age: int) -> tuple[pd.Series, list]:
    """Group labels per placement and their display order."""
    if by is None:
        return pd.Series("All clients", index=prepared.index), ["All clients"]
    if by == "age_group":
        young, old = f"Under {split_age}", f"{split_age} and over"
        labels = pd.Series(np.where(prepared["client_age"] < split_age, young, old),
                           index=prepared.index)
        return labels, [young, old]
    if by == "age_band":
        order = [UNDER_18, *(b[0] for b in AGE_BANDS)]
        return prepared["age_band"].fillna("Not recorded"), order
    require_columns(prepared, "day_service_placements", [by])
    labels = prepared[by].astype("string").fillna("Not recorded")
    return labels, sorted(labels.unique())


def _cohort_rows(prepared: pd.DataFrame, split_age: int) -> dict[str, Any]:
    """The cohort figures of one group of placements (see :func:`_cohort_records`)."""
    labels = np.zeros(len(prepared), dtype=np.int8)
    return _cohort_records(prepared, labels, [0], split_age)[0]


def _cohort_records(prepared: pd.DataFrame, labels: np.ndarray, order: Sequence[Any],
                    split_age: int) -> list[dict[str, Any]]:
    """The cohort figures of each group (placements whose ``labels`` value is one of
    ``order``; groups with no placement are left out), in ``order``.

    A client counts once in a group: their age and support reason are those of their first
    placement in it, and they are a direct-payment client when any of their placements in it
    is. One grouping by (group, client) for all groups (a grouping per group cost ~10 ms each).
    """
    keyed = pd.DataFrame({
        "label": labels, "client_id": prepared["client_id"].to_numpy(),
        "age": prepared["client_age"], "reason": prepared["client_reason"],
        "direct_payment": (prepared["funding"] == DIRECT_PAYMENT).to_numpy(dtype=bool)},
        index=prepared.index)
    clients = keyed.groupby(["label", "client_id"], sort=False).agg(
        age=("age", "first"), reason=("reason", "first"),
        direct_payment=("direct_payment", "any"))
    clients["ld"] = clients["reason"] == LEARNING_DISABILITY
    clients["under"] = clients["age"] < split_age
    by_group = clients.groupby(level="label", sort=False)
    under = f"under_{split_age}"
    records = []
    for label in order:
        if label not in by_group.groups:
            continue
        group = by_group.get_group(label)
        rows = labels == label
        records.append({
            "clients": len(group),
            "direct_payment_clients": int(group["direct_payment"].sum()),
            "ld_clients": int(group["ld"].sum()),
            f"{under}_clients": int(group["under"].sum()),
            "median_age": float(group["age"].median()),
            "median_daily_rate_gbp": float(prepared["daily_rate_gbp"][rows].median()),
            "mean_days_per_week": float(prepared["days_per_week"][rows].mean()),
            "annual_cost_gbp": float(prepared["annual_cost_gbp"][rows].sum()),
        })
    return records


def cohort_summary(placements: pd.DataFrame, by: str | None = None, *, split_age: int = 60,
                   weeks_per_year: float = WEEKS_PER_YEAR, disclose: bool = True,
                   threshold: int = 5) -> pd.DataFrame:
    """Clients by ``by``: None (all clients), "provider", "service", "primary_support_reason",
    "age_band" (18-29 ... 75+), "age_group" (younger: under ``split_age`` / older) or any
    placement column.

    Columns: clients, client_share (of all distinct clients), direct_payment_clients and
    direct_payment_share, ld_clients and ld_share (learning disability support),
    under_<split_age>_clients and under_<split_age>_share, median_age, median_daily_rate_gbp,
    mean_days_per_week, annual_cost_gbp; a final "Total" row (distinct clients: a client with
    placements at two providers counts once in the total). Passed through :func:`disclose`
    unless ``disclose=False``.
    """
    prepared = _prepared(placements, weeks_per_year)
    labels, order = _group_key(prepared, by, split_age)
    column = by or "group"
    found = set(labels)
    present = [label for label in order if label in found]
    records = [{column: label, **figures} for label, figures in zip(
        present, _cohort_records(prepared, labels.to_numpy(), present, split_age), strict=True)]
    if by is not None:
        records.append({column: TOTAL, **_cohort_rows(prepared, split_age)})
    table = pd.DataFrame(records)
    total = len(prepared["client_id"].unique())
    under = f"under_{split_age}"
    table.insert(2, "client_share", table["clients"] / total)
    table.insert(4, "direct_payment_share", table["direct_payment_clients"] / table["clients"])
    table.insert(6, "ld_share", table["ld_clients"] / table["clients"])
    table.insert(8, f"{under}_share", table[f"{under}_clients"] / table["clients"])
    return _maybe_disclose(table, disclose, threshold)


# --------------------------------------------------------------------------- rates


def _rate_stats(rows: pd.DataFrame) -> dict[str, Any]:
    rates = rows["daily_rate_gbp"].dropna().to_numpy(dtype=float)
    q1, median, q3 = np.percentile(rates, [25, 50, 75]) if rates.size else (np.nan,) * 3
    mean = float(rates.mean()) if rates.size else np.nan
    sd = float(rates.std(ddof=1)) if rates.size > 1 else np.nan
    topped = rows[rows["one_to_one_gbp_per_day"] > 0]
    return {
        "clients": int(rows["client_id"].nunique()),
        "placements": int(len(rows)),
        "min_daily_rate_gbp": float(rates.min()) if rates.size else np.nan,
        "q1_daily_rate_gbp": float(q1), "median_daily_rate_gbp": float(median),
        "q3_daily_rate_gbp": float(q3),
        "max_daily_rate_gbp": float(rates.max()) if rates.size else np.nan,
        "mean_daily_rate_gbp": mean,
        "range_gbp": float(rates.max() - rates.min()) if rates.size else np.nan,
        "iqr_gbp": float(q3 - q1),
        "coefficient_of_variation": sd / mean if mean else np.nan,
        "one_to_one_clients": int(topped["client_id"].nunique()),
        "mean_one_to_one_gbp": (float(topped["one_to_one_gbp_per_day"].mean())
                                if len(topped) else np.nan),
    }


def rate_variation(placements: pd.DataFrame, by: str = "service", *, disclose: bool = True,
                   threshold: int = 5) -> pd.DataFrame:
    """Variation of the daily rate (1:1 top-ups excluded) within each ``by`` group ("service",
    "provider" or any placement column), with a final "Total" row.

    Columns: clients, placements (n of rates), min / q1 / median / q3 / max / mean daily rate,
    range_gbp = max - min, iqr_gbp = Q3 - Q1, coefficient_of_variation = SD (n - 1) / mean,
    one_to_one_clients (clients with a 1:1 top-up) and mean_one_to_one_gbp (mean top-up per
    day among them). Groups sorted by median rate, highest first. Passed through
    :func:`disclose` unless ``disclose=False``.
    """
    prepared = _prepared(placements)
    require_columns(prepared, "day_service_placements", [by])
    records = [{by: label, **_rate_stats(rows)}
               for label, rows in prepared.groupby(prepared[by].astype(str), sort=True)]
    table = pd.DataFrame(records).sort_values(["median_daily_rate_gbp", by],
                                              ascending=[False, True])
    table = pd.concat([table, pd.DataFrame([{by: TOTAL, **_rate_stats(prepared)}])],
                      ignore_index=True)
    return _maybe_disclose(table, disclose, threshold)


def outliers(placements: pd.DataFrame, within: str = "service", k: float = 1.5) -> pd.DataFrame:
    """Placements whose daily rate lies outside Tukey's fences of their ``within`` group:
    below Q1 - k IQR or above Q3 + k IQR (k = 1.5; Tukey 1977). Row-level (client ids): for
    working, not for publication; publish :func:`outlier_summary` instead.

    Columns: client_id, provider, service, daily_rate_gbp, lower_fence_gbp, upper_fence_gbp,
    direction ("above" / "below").
    """
    prepared = _prepared(placements)
    require_columns(prepared, "day_service_placements", [within])
    grouped = prepared.groupby(within)["daily_rate_gbp"]
    q1 = grouped.transform(lambda s: np.percentile(s.dropna(), 25))
    q3 = grouped.transform(lambda s: np.percentile(s.dropna(), 75))
    lower, upper = q1 - k * (q3 - q1), q3 + k * (q3 - q1)
    flagged = prepared.assign(lower_fence_gbp=lower, upper_fence_gbp=upper)
    flagged["direction"] = np.where(flagged["daily_rate_gbp"] > upper, "above",
                                    np.where(flagged["daily_rate_gbp"] < lower, "below", ""))
    columns = list(dict.fromkeys(["client_id", "provider", "service", within, "daily_rate_gbp",
                                  "lower_fence_gbp", "upper_fence_gbp", "direction"]))
    return flagged.loc[flagged["direction"] != "", columns].reset_index(drop=True)


def outlier_summary(placements: pd.DataFrame, within: str = "service", by: str = "provider", *,
                    k: float = 1.5, disclose: bool = True, threshold: int = 5) -> pd.DataFrame:
    """Per ``by`` group: clients, and clients with a rate above / below the Tukey fences of
    their ``within`` group (``above_fence_clients``, ``below_fence_clients``). Groups with
    no outlier are kept (zeros), so the table shows where the outliers sit."""
    prepared = _prepared(placements)
    flagged = outliers(placements, within, k)
    records = []
    for label, rows in prepared.groupby(prepared[by].astype(str), sort=True):
        mine = flagged[flagged[by].astype(str) == label]
        records.append({by: label, "clients": int(rows["client_id"].nunique()),
                        "above_fence_clients": int(mine.loc[mine["direction"] == "above",
                                                            "client_id"].nunique()),
                        "below_fence_clients": int(mine.loc[mine["direction"] == "below",
                                                            "client_id"].nunique())})
    records.append({by: TOTAL, "clients": int(prepared["client_id"].nunique()),
                    "above_fence_clients": int(flagged.loc[flagged["direction"] == "above",
                                                           "client_id"].nunique()),
                    "below_fence_clients": int(flagged.loc[flagged["direction"] == "below",
                                                           "client_id"].nunique())})
    return _maybe_disclose(pd.DataFrame(records), disclose, threshold)


def against_dp_rate(placements: pd.DataFrame, dp_rate: float, by: str = "provider", *,
                    weeks_per_year: float = WEEKS_PER_YEAR, disclose: bool = True,
                    threshold: int = 5) -> pd.DataFrame:
    """Each ``by`` group's daily rates against the direct-payment rate ``dp_rate`` (£ a day).

    Columns: clients, median_daily_rate_gbp, premium_over_dp_rate_gbp = median - dp_rate,
    above_dp_rate_clients (a placement rate above ``dp_rate``) and above_dp_rate_share,
    cost_above_dp_rate_gbp = sum over placements above the rate of (rate - dp_rate) x days
    per week x weeks (1:1 top-ups excluded): what the group costs a year beyond the
    direct-payment rate. Sorted by median rate, highest first; "Total" row last.
    """
    if dp_rate is None or not np.isfinite(float(dp_rate)) or float(dp_rate) <= 0:
        raise ValueError(f"dp_rate must be a positive number of pounds a day, got {dp_rate!r}")
    prepared = _prepared(placements, weeks_per_year)
    require_columns(prepared, "day_service_placements", [by])
    excess = (prepared["daily_rate_gbp"] - float(dp_rate)).clip(lower=0.0)
    prepared = prepared.assign(above=excess > 0, excess_gbp=excess * prepared["days_per_week"]
                               * weeks_per_year)

    def row(rows: pd.DataFrame) -> dict[str, Any]:
        median = float(rows["daily_rate_gbp"].median())
        return {"clients": int(rows["client_id"].nunique()), "median_daily_rate_gbp": median,
                "premium_over_dp_rate_gbp": median - float(dp_rate),
                "above_dp_rate_clients": int(rows.loc[rows["above"], "client_id"].nunique()),
                "cost_above_dp_rate_gbp": float(rows["excess_gbp"].sum())}

    records = [{by: label, **row(rows)}
               for label, rows in prepared.groupby(prepared[by].astype(str), sort=True)]
    table = pd.DataFrame(records).sort_values(["median_daily_rate_gbp", by],
                                              ascending=[False, True])
    table = pd.concat([table, pd.DataFrame([{by: TOTAL, **row(prepared)}])], ignore_index=True)
    table.insert(table.columns.get_loc("above_dp_rate_clients") + 1, "above_dp_rate_share",
                 table["above_dp_rate_clients"] / table["clients"])
    return _maybe_disclose(table, disclose, threshold)


# --------------------------------------------------------------------------- banded model


@dataclass(frozen=True)
class BandedModel:
    """A banded cost model: a daily rate per level of need, a standard 1:1 rate, and the rules
    for moving clients onto it in year one.

    - ``daily_rates``: need_level -> £ a day (every need level of the placements must have one).
    - ``one_to_one_rate``: £ a day paid for a placement that has a 1:1 top-up today; None
      keeps each placement's current top-up.
    - ``max_increase_pct``: year one cap: no placement's daily cost rises by more than this
      percentage (None: no cap).
    - ``max_decrease_pct``: year one protection: no placement's daily cost falls by more than
      this percentage (None: no protection).
    - ``funding``: the funding types repriced; others (direct payments, which buy at the DP
      rate) keep today's cost.
    The *target* daily cost is band rate + 1:1; the *modelled* (year one) cost is the target
    held within the transition limits.
    """

    daily_rates: Mapping[str, float]
    one_to_one_rate: float | None = None
    max_increase_pct: float | None = None
    max_decrease_pct: float | None = None
    funding: tuple[str, ...] = (COMMISSIONED,)
    name: str = "Banded model"
    notes: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.daily_rates:
            raise ValueError("BandedModel: daily_rates needs at least one band")
        for level, rate in self.daily_rates.items():
            if not np.isfinite(float(rate)) or float(rate) < 0:
                raise ValueError(f"BandedModel: rate for band {level!r} must be a number >= 0, "
                                 f"got {rate!r}")
        for name in ("max_increase_pct", "max_decrease_pct"):
            value = getattr(self, name)
            if value is not None and not 0 <= float(value) <= 100:
                raise ValueError(f"BandedModel: {name} must be between 0 and 100, got {value!r}")
        if self.one_to_one_rate is not None and float(self.one_to_one_rate) < 0:
            raise ValueError(f"BandedModel: one_to_one_rate must be >= 0, got "
                             f"{self.one_to_one_rate!r}")

    def shifted(self, delta_gbp: float) -> BandedModel:
        """The same model with every band rate changed by ``delta_gbp`` a day (floored at 0)."""
        rates = {level: max(0.0, float(rate) + float(delta_gbp))
                 for level, rate in self.daily_rates.items()}
        return replace(self, daily_rates=rates, name=f"{self.name} {delta_gbp:+g} £/day")

    def describe(self) -> pd.DataFrame:
        """The model's parameters as a table (one row per band, then the rules)."""
        rows = [{"parameter": f"Daily rate, {level} need", "value": float(rate), "unit": "£ a day"}
                for level, rate in self.daily_rates.items()]
        rows.append({"parameter": "1:1 top-up", "unit": "£ a day",
                     "value": np.nan if self.one_to_one_rate is None
                     else float(self.one_to_one_rate)})
        rows.append({"parameter": "Year one cap on increase", "unit": "%",
                     "value": np.nan if self.max_increase_pct is None
                     else float(self.max_increase_pct)})
        rows.append({"parameter": "Year one protection against decrease", "unit": "%",
                     "value": np.nan if self.max_decrease_pct is None
                     else float(self.max_decrease_pct)})
        table = pd.DataFrame(rows)
        table["note"] = np.where(table["value"].isna(), "not applied / current kept", "")
        return table


def apply_banded_model(placements: pd.DataFrame, model: BandedModel,
                       weeks_per_year: float = WEEKS_PER_YEAR, split_age: int = 60,
                       ) -> pd.DataFrame:
    """Today's and the model's cost for every placement (row-level; summarise with
    :func:`banded_model_summary` before publishing).

    For a repriced placement (funding in ``model.funding``): target daily cost = band rate of
    its need level + 1:1 (the model's standard rate where it has a top-up today, or its own
    top-up when ``one_to_one_rate`` is None); the modelled year-one daily cost is the target
    held between current x (1 - max_decrease_pct/100) and current x (1 + max_increase_pct/100).
    Other placements keep today's cost. Annual costs = daily cost x days per week x weeks.
    ``change`` is "up", "down" or "unchanged" (within half a penny a day); ``age_group`` is
    younger (under ``split_age``) or older.
    """
    if not isinstance(model, BandedModel):
        raise ValueError(f"model must be a BandedModel, got {type(model).__name__}")
    prepared = _prepared(placements, weeks_per_year)
    repriced = prepared["funding"].isin(list(model.funding)).to_numpy()
    if repriced.any():
        require_columns(prepared, "day_service_placements", ["need_level"])
    levels = prepared["need_level"].astype("string") if "need_level" in prepared.columns \
        else pd.Series(pd.NA, index=prepared.index, dtype="string")
    rates = {str(k): float(v) for k, v in model.daily_rates.items()}
    unknown = sorted(set(levels[repriced].fillna("<blank>")) - set(rates))
    if unknown:
        raise ValueError(f"table 'day_service_placements', column 'need_level': level(s) "
                         f"{', '.join(unknown)} have no band rate in the model (bands: "
                         f"{', '.join(rates)})")
    band_rate = levels.map(rates).astype(float)
    current_top_up = prepared["one_to_one_gbp_per_day"]
    top_up = current_top_up if model.one_to_one_rate is None else pd.Series(
        np.where(current_top_up > 0, float(model.one_to_one_rate), 0.0), index=prepared.index)
    current = prepared["daily_cost_gbp"]
    target = pd.Series(np.where(repriced, band_rate + top_up, current), index=prepared.index)
    modelled = target.copy()
    if model.max_increase_pct is not None:
        modelled = np.minimum(modelled, current * (1 + float(model.max_increase_pct) / 100))
    if model.max_decrease_pct is not None:
        modelled = np.maximum(modelled, current * (1 - float(model.max_decrease_pct) / 100))
    modelled = pd.Series(np.where(repriced, modelled, current), index=prepared.index)
    days = prepared["days_per_week"] * weeks_per_year
    out = prepared[[c for c in ("client_id", "provider", "service", "primary_support_reason",
                                "need_level", "funding", "age_band") if c in prepared.columns]
                   ].copy()
    out["age_group"] = np.where(prepared["client_age"] < split_age, f"Under {split_age}",
                                f"{split_age} and over")
    out["repriced"] = repriced
    out["current_daily_cost_gbp"] = current
    out["target_daily_cost_gbp"] = target
    out["modelled_daily_cost_gbp"] = modelled
    out["current_annual_cost_gbp"] = current * days
    out["target_annual_cost_gbp"] = target * days
    out["modelled_annual_cost_gbp"] = modelled * days
    out["change_gbp"] = out["modelled_annual_cost_gbp"] - out["current_annual_cost_gbp"]
    difference = modelled - current
    out["change"] = np.where(difference > _PENNY, "up",
                             np.where(difference < -_PENNY, "down", "unchanged"))
    return out.reset_index(drop=True)


def _display_order(labels: Iterable[str]) -> list[str]:
    """Labels sorted for display: age groups and bands youngest first, others alphabetically."""
    band_order = {label: i for i, label in enumerate([UNDER_18, *(b[0] for b in AGE_BANDS)])}

    def key(label: str) -> tuple[int, float, str]:
        if label in band_order:
            return (0, band_order[label], label)
        if label.startswith("Under "):
            return (1, 0, label)
        if label.endswith(" and over"):
            return (1, 1, label)
        return (2, 0, label)

    return sorted(map(str, labels), key=key)


def _model_records(modelled: pd.DataFrame, labels: np.ndarray,
                   order: Sequence[Any]) -> list[dict[str, Any]]:
    """Today's against the model's cost for each group (rows whose ``labels`` value is one
    of ``order``), in ``order``. A client's direction (up / down / unchanged) is that of their
    annual total within the group (a penny a day over a year = £2.60). One grouping by
    (group, client) for all groups."""
    per_client = pd.DataFrame({
        "label": labels, "client_id": modelled["client_id"].to_numpy(),
        "current": modelled["current_annual_cost_gbp"].to_numpy(),
        "modelled": modelled["modelled_annual_cost_gbp"].to_numpy()},
        index=modelled.index).groupby(["label", "client_id"], sort=False).sum()
    difference = per_client["modelled"] - per_client["current"]
    tolerance = _PENNY * 52 * 7
    direction = pd.DataFrame({"up": difference > tolerance, "down": difference < -tolerance,
                              "unchanged": difference.abs() <= tolerance})
    counts = direction.groupby(level="label", sort=False).sum()
    sizes = direction.groupby(level="label", sort=False).size()
    records = []
    for label in order:
        rows = labels == label
        current = float(modelled["current_annual_cost_gbp"][rows].sum())
        model = float(modelled["modelled_annual_cost_gbp"][rows].sum())
        records.append({"clients": int(sizes[label]),
                        "rate_up_clients": int(counts.at[label, "up"]),
                        "rate_down_clients": int(counts.at[label, "down"]),
                        "rate_unchanged_clients": int(counts.at[label, "unchanged"]),
                        "current_annual_cost_gbp": current, "modelled_annual_cost_gbp": model,
                        "target_annual_cost_gbp": float(
                            modelled["target_annual_cost_gbp"][rows].sum()),
                        "change_gbp": model - current,
                        "change_pct": 100 * (model - current) / current if current else np.nan})
    return records


def banded_model_summary(modelled: pd.DataFrame, by: str | None = "provider", *,
                         disclose: bool = True, threshold: int = 5) -> pd.DataFrame:
    """Today's against the model's annual cost by ``by`` ("provider", "service",
    "primary_support_reason", "age_group", "age_band", "funding" or None for all clients),
    from :func:`apply_banded_model`, with a "Total" row.

    Columns: clients; rate_up_clients / rate_down_clients / rate_unchanged_clients (by the
    client's annual total within the group); current, modelled (year one) and target annual
    cost; change_gbp = modelled - current; change_pct = 100 change / current. Passed through
    :func:`disclose` unless ``disclose=False``.
    """
    require_columns(modelled, "banded model", ["client_id", "current_annual_cost_gbp",
                                                "modelled_annual_cost_gbp"])
    column = by or "group"
    everyone = np.zeros(len(modelled), dtype=np.int8)
    if by is None:
        records = [{column: "All clients", **_model_records(modelled, everyone, [0])[0]}]
    else:
        require_columns(modelled, "banded model", [by])
        labels = modelled[by].astype(str).to_numpy()
        order = _display_order(pd.unique(labels))
        records = [{column: label, **figures} for label, figures in
                   zip(order, _model_records(modelled, labels, order), strict=True)]
        records.append({column: TOTAL, **_model_records(modelled, everyone, [0])[0]})
    return _maybe_disclose(pd.DataFrame(records), disclose, threshold)


def sensitivity(placements: pd.DataFrame, model: BandedModel,
                deltas: Sequence[float] = (-10, -5, 0, 5, 10),
                weeks_per_year: float = WEEKS_PER_YEAR) -> pd.DataFrame:
    """Total annual cost when every band rate moves by each of ``deltas`` (£ a day).

    Columns: delta_gbp_per_day, band_rates (text), current_annual_cost_gbp,
    modelled_annual_cost_gbp (year one, transition rules applied), target_annual_cost_gbp,
    change_gbp = modelled - current, change_pct. Totals only (no client counts), so nothing to
    suppress. Non-decreasing in the delta.
    """
    records = []
    for delta in deltas:
        shifted = model.shifted(delta)
        result = apply_banded_model(placements, shifted, weeks_per_year)
        current = float(result["current_annual_cost_gbp"].sum())
        modelled = float(result["modelled_annual_cost_gbp"].sum())
        records.append({
            "delta_gbp_per_day": float(delta),
            "band_rates": ", ".join(f"{k} {money(v, style='pence')}"
                                for k, v in shifted.daily_rates.items()),
            "current_annual_cost_gbp": current, "modelled_annual_cost_gbp": modelled,
            "target_annual_cost_gbp": float(result["target_annual_cost_gbp"].sum()),
            "change_gbp": modelled - current,
            "change_pct": 100 * (modelled - current) / current if current else np.nan})
    return pd.DataFrame(records)


# --------------------------------------------------------------------------- demand, headlines


def _seed(seed_figures: pd.DataFrame, figure_id: str, area_code: str) -> pd.Series | None:
    require_columns(seed_figures, "seed_figures", ["figure_id", "value", "area_code"])
    hit = seed_figures[(seed_figures["figure_id"].astype(str) == figure_id)
                       & (seed_figures["area_code"].astype(str) == str(area_code))]
    return None if hit.empty else hit.iloc[0]


def demand_projection(seed_figures: pd.DataFrame, area_code: str,
                      current_clients: int | None = None) -> pd.DataFrame:
    """The published demand figures: clients now (``day_service_clients``), the projection
    (``day_service_clients_2022``), the projected change, and the young people expected
    through transitions over five years (``day_service_transitions_5yr``); with
    ``current_clients`` (e.g. from :func:`headlines`) a line for the clients in the data.
    Figures the area has not published have a missing value and status "not published".
    """
    lines = [("Clients using day services (published)", "day_service_clients"),
             ("Projected clients by 2022", "day_service_clients_2022"),
             ("Young people expected through transitions over the next 5 years",
              "day_service_transitions_5yr")]
    records = []
    for label, figure_id in lines:
        row = _seed(seed_figures, figure_id, area_code)
        records.append({"measure": label, "value": np.nan if row is None else float(row["value"]),
                        "period": None if row is None or pd.isna(row.get("period"))
                        else str(row["period"]),
                        "status": "not published" if row is None else "published",
                        "source": "" if row is None else ", ".join(
                            str(row.get(c)) for c in ("document", "section")
                            if pd.notna(row.get(c)))})
    now, later = records[0]["value"], records[1]["value"]
    records.insert(2, {"measure": "Projected change", "value": later - now, "period": None,
                       "status": "derived (projection - now)" if np.isfinite(later - now)
                       else "not published", "source": ""})
    if current_clients is not None:
        records.append({"measure": "Clients in the placements data", "value":
                        float(current_clients), "period": None, "status": "from the data",
                        "source": "day_service_placements"})
    return pd.DataFrame(records)


HEADLINE_KEYS = ("clients", "direct_payment_clients", "direct_payment_share",
                 "min_daily_rate_gbp", "median_daily_rate_gbp", "max_daily_rate_gbp", "ld_share",
                 "under_60_share", "annual_cost_gbp", "banded_model_annual_change_gbp")


def headlines(placements: pd.DataFrame, model: BandedModel | None = None,
              weeks_per_year: float = WEEKS_PER_YEAR) -> dict[str, float | int | None]:
    """The notebook's headline figures, from the placements given (not from suppressed
    tables): clients, direct_payment_clients, direct_payment_share, min / median / max daily
    rate (1:1 excluded), ld_share, under_60_share, annual_cost_gbp (all placements) and
    banded_model_annual_change_gbp (modelled year one - current; None without a model)."""
    prepared = _prepared(placements, weeks_per_year)
    cohort = _cohort_rows(prepared, 60)
    clients = cohort["clients"]
    change = None
    if model is not None:
        result = apply_banded_model(placements, model, weeks_per_year)
        change = float(result["modelled_annual_cost_gbp"].sum()
                       - result["current_annual_cost_gbp"].sum())
    return {
        "clients": int(clients),
        "direct_payment_clients": int(cohort["direct_payment_clients"]),
        "direct_payment_share": cohort["direct_payment_clients"] / clients,
        "min_daily_rate_gbp": float(prepared["daily_rate_gbp"].min()),
        "median_daily_rate_gbp": float(prepared["daily_rate_gbp"].median()),
        "max_daily_rate_gbp": float(prepared["daily_rate_gbp"].max()),
        "ld_share": cohort["ld_clients"] / clients,
        "under_60_share": cohort["under_60_clients"] / clients,
        "annual_cost_gbp": float(prepared["annual_cost_gbp"].sum()),
        "banded_model_annual_change_gbp": change,
    }


# --------------------------------------------------------------------------- period, charts


def as_at_for_period(period: str, as_at: Any, latest_period: str) -> Any:
    """The date the placements are read at for ``period``: ``as_at`` when given; None (every
    open placement) for the latest financial year the data hold; else 31 March at the end of
    ``period``, so a report for an earlier year holds that year's placements."""
    if as_at is not None or str(period) == str(latest_period):
        return as_at
    start = int(str(period)[:4])
    return pd.Timestamp(start + 1, 3, 31)


def unsuppressed(placements: pd.DataFrame, disclosed: pd.DataFrame, by: str) -> pd.DataFrame:
    """The placements of the groups a disclosed table (e.g. :func:`rate_variation`) shows,
    so a chart never draws a group the tables suppress (primary or secondary)."""
    require_columns(disclosed, "disclosed table", [by, "clients"])
    shown = disclosed.loc[disclosed["clients"].notna()
                          & (disclosed[by].astype(str) != TOTAL), by].astype(str)
    return placements[placements[by].astype(str).isin(set(shown))].reset_index(drop=True)
