"""The notebooks' access to the processed tables (``data/processed/``, written by
``asc prepare``).

>>> data = open_data()                                  # doctest: +SKIP
>>> ledger = data.table("budget_ledger", area_code="E08000014")   # doctest: +SKIP

Every table comes back typed (numbers, booleans, dates parsed) and schema-checked; every read is
recorded so a report can list the raw files (with SHA-256) behind its figures (``inputs``) and
say whether any of them are illustrative demo records (``illustrative``).
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pandas as pd

from asclib import paths
from asclib.constants import ENGLAND_CODE

#: processed table -> columns in order (docs/ARCHITECTURE.md)
TABLE_COLUMNS: dict[str, list[str]] = {
    "local_authorities": ["area_code", "area_name", "geography", "region_code", "region_name",
                          "asc_authority"],
    "indicators": ["indicator_id", "indicator_name", "area_code", "area_name", "area_type",
                   "parent_code", "sex", "age", "category_type", "category", "period",
                   "period_sortable", "value", "lower_ci_95", "upper_ci_95", "lower_ci_99_8",
                   "upper_ci_99_8", "count", "denominator", "value_note", "recent_trend",
                   "compared_to_england", "compared_to_region", "suppressed"],
    "indicator_metadata": ["indicator_id", "indicator_name", "domain", "polarity", "unit",
                           "value_type", "multiplier"],
    "weekly_deaths": ["area_code", "year", "week", "cause", "place", "deaths", "basis",
                      "illustrative"],
    "monthly_deaths": ["area_code", "area_name", "year", "month", "deaths"],
    "england_deaths_by_place": ["area_code", "period", "cause", "place", "deaths"],
    "care_home_deaths": ["area_code", "area_name", "year", "la_care_homes", "non_la_care_homes",
                         "all_care_homes"],
    "population": ["area_code", "year", "sex", "age_band", "population"],
    "nearest_neighbours": ["area_code", "neighbour_code"],
    "asc_measures": ["period", "area_code", "area_name", "measure_code", "measure", "value",
                     "median", "mads_from_median", "polarity"],
    "asc_finance": ["period", "area_code", "area_name", "gross_gbp", "income_gbp", "net_gbp"],
    "care_home_unit_costs": ["period", "area_code", "age_band", "primary_support_reason",
                             "setting", "gross_gbp", "care_weeks", "unit_cost_gbp_per_week"],
    "seed_figures": ["figure_id", "figure", "value", "unit", "period", "area_code", "document",
                     "section", "page"],
    "budget_ledger": ["area_code", "period", "cost_centre", "service_type",
                      "primary_support_reason", "age_band", "gross_gbp", "income_gbp"],
    "day_service_placements": ["area_code", "client_id", "age", "primary_support_reason",
                               "provider", "service", "need_level", "daily_rate_gbp",
                               "days_per_week", "funding", "one_to_one_gbp_per_day",
                               "start_date", "end_date"],
    "care_home_outbreaks": ["area_code", "home_id", "home_name", "date_declared", "date_closed",
                            "resident_cases", "staff_cases"],
}

_INT = {"indicator_id", "period_sortable", "year", "week", "month", "age", "resident_cases",
        "staff_cases"}
_FLOAT = {"value", "lower_ci_95", "upper_ci_95", "lower_ci_99_8", "upper_ci_99_8", "count",
          "denominator", "multiplier", "la_care_homes", "non_la_care_homes", "all_care_homes",
          "population", "median", "mads_from_median", "gross_gbp", "income_gbp", "net_gbp",
          "care_weeks", "unit_cost_gbp_per_week", "daily_rate_gbp", "days_per_week",
          "one_to_one_gbp_per_day"}
_BOOL = {"asc_authority", "suppressed", "illustrative"}
_DATE = {"start_date", "end_date", "date_declared", "date_closed"}
_NULLABLE_INT = {("weekly_deaths", "deaths")}
_FLOAT_IN = {("monthly_deaths", "deaths"), ("england_deaths_by_place", "deaths")}

#: council tables: what they are called in messages and the file a council exports
COUNCIL_TABLES = {
    "budget_ledger": ("budget ledger", "budget_ledger.xlsx"),
    "day_service_placements": ("day-service placements", "day_service_placements.xlsx"),
    "care_home_outbreaks": ("care-home outbreak log", "care_home_outbreaks.xlsx"),
}


class DataNotReadyError(LookupError):
    """Processed data are missing, or a table has no rows for the area asked for. The
    message says which table and which command to run."""


def _schema(name: str):
    """The pandera schema a processed table is checked against (None when there is none)."""
    from asclib.sources import council, fingertips, la_lookup, ons_weekly_deaths, published

    if name in published.PUBLISHED_FILES:
        return published.PUBLISHED_FILES[name][1]
    return {
        "local_authorities": la_lookup.SCHEMA,
        "indicators": fingertips.INDICATORS_SCHEMA,
        "indicator_metadata": fingertips.METADATA_SCHEMA,
        "weekly_deaths": ons_weekly_deaths.WEEKLY_DEATHS_SCHEMA,
        "budget_ledger": council.LEDGER_SCHEMA,
        "day_service_placements": council.PLACEMENTS_SCHEMA,
        "care_home_outbreaks": council.OUTBREAKS_SCHEMA,
    }.get(name)


def _typed(name: str, raw: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for column in raw.columns:
        text = raw[column]
        blank = text == ""
        if (name, column) in _NULLABLE_INT:
            out[column] = pd.to_numeric(text.mask(blank)).astype("Int64")
        elif (name, column) in _FLOAT_IN or column in _FLOAT:
            out[column] = pd.to_numeric(text.mask(blank)).astype("float64")
        elif column in _INT and (name, column) != ("indicators", "age"):
            numbers = pd.to_numeric(text.mask(blank))
            out[column] = numbers.astype("Int64") if numbers.isna().any() else \
                numbers.astype("int64")
        elif column in _BOOL:
            out[column] = text.str.lower().isin(["true", "1"]).astype(bool)
        elif column in _DATE:
            out[column] = pd.to_datetime(text.mask(blank), format="%Y-%m-%d").astype(
                "datetime64[ns]")
        else:
            out[column] = text.mask(blank)
    return pd.DataFrame(out, columns=list(raw.columns))


class Dataset:
    """The processed tables of one ``data/processed`` folder."""

    def __init__(self, data_dir: str | Path):
        self.data_dir = Path(data_dir)
        manifest_path = self.data_dir / "_manifest.json"
        if not manifest_path.exists():
            raise DataNotReadyError(
                f"no processed data in {self.data_dir} (no _manifest.json): run `asc prepare` "
                "(or `asc run`, which prepares first)")
        self.manifest: dict = json.loads(manifest_path.read_text(encoding="utf-8"))
        self._cache: dict[str, pd.DataFrame] = {}
        self._inputs: dict[str, dict] = {}
        self._tables_read: set[str] = set()
        self._illustrative = False

    # ------------------------------------------------------------------ tables

    @property
    def tables(self) -> list[str]:
        """Names of the tables present."""
        return sorted(self.manifest.get("tables", {}))

    def _load(self, name: str) -> pd.DataFrame:
        if name in self._cache:
            return self._cache[name]
        entry = self.manifest.get("tables", {}).get(name)
        if entry is None:
            known = TABLE_COLUMNS if name not in TABLE_COLUMNS else {}
            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            if name in TABLE_COLUMNS:
                raise DataNotReadyError(
                    f"table {name!r} is not in the processed data ({self.data_dir}): run "
                    "`asc prepare` after adding its raw files (see README)")
            raise KeyError(f"unknown table {name!r}{hint}; tables: {', '.join(self.tables)}")
        path = self.data_dir / entry["file"]
        if not path.exists():
            raise DataNotReadyError(f"processed table {name!r} is missing ({path}): run "
                                    "`asc prepare`")
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        frame = _typed(name, raw)
        schema = _schema(name)
        if schema is not None:
            from asclib.sources._common import validate_schema

            frame = validate_schema(frame, schema, file=str(path))
        self._cache[name] = frame
        return frame

    def _record(self, name: str, area_code: str | None) -> None:
        entry = self.manifest["tables"][name]
        self._tables_read.add(name)
        for source in entry.get("sources", []):
            if area_code is not None and source.get("area_code") not in (None, area_code):
                continue
            self._inputs[source["path"]] = {"path": source["path"], "sha256": source["sha256"]}
            if source.get("illustrative", entry.get("illustrative", False)):
                self._illustrative = True
        if area_code is None and entry.get("illustrative"):
            self._illustrative = True

    def table(self, name: str, area_code: str | None = None) -> pd.DataFrame:
        """A processed table, typed and schema-checked; only ``area_code``'s rows if given.

        Raises DataNotReadyError naming the table and the command to run when the processed
        data are missing or the area has no rows.
        """
        frame = self._load(name)
        if area_code is not None:
            frame = frame[frame["area_code"] == area_code].reset_index(drop=True)
            if frame.empty:
                raise DataNotReadyError(self._no_rows_message(name, area_code))
        self._record(name, area_code)
        return frame.copy()

    def has_rows(self, name: str, area_code: str | None = None) -> bool:
        """True when processed table ``name`` exists and (if given) holds rows for
        ``area_code``. Reads nothing into the inputs record: use it to decide whether an
        optional section can run, then read with :meth:`table`."""
        if name not in self.manifest.get("tables", {}):
            return False
        try:
            frame = self._load(name)
        except DataNotReadyError:
            return False
        if area_code is None:
            return bool(len(frame))
        return bool((frame["area_code"] == area_code).any())

    def _no_rows_message(self, name: str, area_code: str) -> str:
        label = f"{self._name_or_code(area_code)} ({area_code})"
        if name in COUNCIL_TABLES:
            what, filename = COUNCIL_TABLES[name]
            return (f"no {what} for {label}: export one to data/raw/council/{area_code}/"
                    f"{filename} (layout in README) or run `asc demo-data --area {area_code}`, "
                    "then `asc prepare`")
        return (f"table {name!r} has no rows for {label}; check the raw files behind it and "
                "run `asc prepare`")

    # ------------------------------------------------------------------ areas

    @property
    def lookup(self) -> pd.DataFrame:
        """The local authority lookup (area_code, area_name, geography, region_code,
        region_name, asc_authority)."""
        return self.table("local_authorities")

    def _row(self, code: str) -> pd.Series:
        lookup = self._load("local_authorities")
        self._record("local_authorities", None)
        match = lookup[lookup["area_code"] == code]
        if match.empty:
            close = difflib.get_close_matches(code, lookup["area_code"].tolist(), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise KeyError(f"unknown area code {code!r} (not in the local authority lookup)"
                           f"{hint}")
        return match.iloc[0]

    def _name_or_code(self, code: str) -> str:
        try:
            return str(self._row(code)["area_name"])
        except (KeyError, DataNotReadyError):
            return code

    def area(self, code: str) -> dict:
        """The lookup row of an area as a dict."""
        return self._row(code).to_dict()

    def area_name(self, code: str) -> str:
        """The area's name ("Sefton")."""
        return str(self._row(code)["area_name"])

    def region_of(self, code: str) -> str:
        """The ONS code of the area's region ("E12000002"); England's code for a region."""
        value = self._row(code)["region_code"]
        return str(value) if isinstance(value, str) and value else ENGLAND_CODE

    def region_name(self, code: str) -> str:
        """The name of the area's region ("North West")."""
        value = self._row(code)["region_name"]
        return str(value) if isinstance(value, str) and value else "England"

    def comparators(self, area_code: str, group: str) -> list[str]:
        """The comparator group's area codes, the area first (see
        :func:`asclib.benchmark.comparator_codes`)."""
        from asclib.benchmark import comparator_codes

        neighbours = (self.table("nearest_neighbours")
                      if "nearest_neighbours" in self.manifest.get("tables", {}) else None)
        return comparator_codes(area_code, group, self.lookup, neighbours)

    # ------------------------------------------------------------------ figures and provenance

    def seed(self, figure_id: str) -> float:
        """A figure the seed documents publish (``seed_figures.csv``), as a float."""
        figures = self.table("seed_figures")
        match = figures[figures["figure_id"] == figure_id]
        if match.empty:
            close = difflib.get_close_matches(figure_id, figures["figure_id"].tolist(), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"unknown seed figure {figure_id!r}{hint}")
        return float(match["value"].iloc[0])

    @property
    def data_date(self) -> str:
        """The latest period end the processed data hold (YYYY-MM-DD)."""
        return str(self.manifest.get("data_date", ""))

    @property
    def illustrative(self) -> bool:
        """True when any table (or area's rows) read so far came from the demo records."""
        return self._illustrative

    def is_illustrative(self, name: str) -> bool:
        """True when processed table ``name`` was built (wholly or partly) from demo records,
        so a chart drawn from real published figures alone is not labelled illustrative."""
        return bool(self._manifest_entry(name).get("illustrative", False))

    def _manifest_entry(self, name: str) -> dict:
        try:
            return self.manifest["tables"][name]
        except KeyError:
            raise DataNotReadyError(
                f"no processed table {name!r} in {self.data_dir}; run `asc prepare`") from None

    @property
    def tables_read(self) -> list[str]:
        """Names of the processed tables read so far (lookups included), sorted."""
        return sorted(self._tables_read)

    @property
    def inputs(self) -> list[dict]:
        """The raw files behind every table read so far: [{path, sha256}], sorted by path."""
        return [self._inputs[k] for k in sorted(self._inputs)]


def open_data(data_dir: str | Path | None = None) -> Dataset:
    """The processed data in ``data_dir`` (None: the project's data/processed)."""
    return Dataset(paths.PROCESSED_DATA_DIR if data_dir is None else data_dir)
