"""The one table registry: every processed table, its schema, its raw sources and provenance.

Each :class:`Table` says

- ``name``: the processed table (``data/processed/<name>.parquet``);
- ``schema``: the pandera schema (columns, order, dtypes, checks) the table is validated
  against once, at ``asc prepare``; it is defined once, beside the loader that produces it
  (``"module:ATTRIBUTE"``, resolved lazily);
- ``sources``: the raw files in priority order (council -> official drop-ins -> published ->
  demo), each with its loader and provenance (real or illustrative);
- ``key``: the columns that identify one row, and ``slice``: the (area, period) columns by which
  sources are merged: for each slice the newest real source wins (see :mod:`asclib.prepare`).

``asc prepare`` / ``asc validate`` (:mod:`asclib.prepare`), :class:`asclib.data.Dataset` and
the table in docs/ARCHITECTURE.md (checked by a test) are driven by this registry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import pandas as pd
import pandera.pandas as pa

_AREA = r"^[EKWSN]\d{8}$"

#: Tiers of raw sources, in priority order.
TIERS: tuple[str, ...] = ("council", "official", "published", "demo")

# --------------------------------------------------------------------------- schemas defined here
# (tables with no loader module of their own: our transcription and the derived place table)

SEED_FIGURES = pa.DataFrameSchema(
    {
        "figure_id": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]+$"), unique=True),
        "figure": pa.Column(str),
        "value": pa.Column(float),
        "unit": pa.Column(str),
        "period": pa.Column(str),
        "area_code": pa.Column(str, pa.Check.str_matches(_AREA)),
        "document": pa.Column(str),
        "section": pa.Column(str),
        "page": pa.Column(str),
    },
    strict=True, ordered=True, name="seed_figures",
)

ENGLAND_DEATHS_BY_PLACE = pa.DataFrameSchema(
    {
        "area_code": pa.Column(str, pa.Check.str_matches(_AREA)),
        "period": pa.Column(str, pa.Check.str_matches(r"^\d{4} weeks 1-\d{1,2}$")),
        "cause": pa.Column(str, pa.Check.isin(["all_causes", "covid19"])),
        "place": pa.Column(str, pa.Check.isin(["all", "care_home", "hospital", "home",
                                               "hospice", "other_communal", "elsewhere"])),
        "deaths": pa.Column("Int64", pa.Check.ge(0), nullable=True),
    },
    strict=True, ordered=True, unique=["area_code", "period", "cause", "place"],
    report_duplicates="exclude_first", name="england_deaths_by_place",
)


# --------------------------------------------------------------------------- registry types


@dataclass(frozen=True)
class RawSource:
    """One raw file (or family of files) a table can be built from.

    ``path`` is relative to ``data/raw`` (``{area}`` stands for a council's ONS code); ``None``
    for official drop-ins, which are found anywhere under ``data/raw/official/`` by content
    (:mod:`asclib.sources.official`). ``loader`` is ``"module:function"`` taking the path (and
    ``area_code=`` for council exports). ``edition`` is the publication date of a bundled
    extract's original file (or the earliest it can have been published), used by the
    newest-wins merge.
    """

    tier: str
    path: str | None
    loader: str | None
    illustrative: bool = False
    edition: str | None = None

    def load(self) -> Callable[..., pd.DataFrame]:
        """The loader function."""
        if self.loader is None:
            raise ValueError("official drop-ins are read by asclib.sources.official")
        return _resolve(self.loader)


@dataclass(frozen=True)
class Table:
    """One processed table (see the module docstring)."""

    name: str
    schema_ref: str
    key: tuple[str, ...]
    slice: tuple[str, ...]
    sources: tuple[RawSource, ...]
    description: str = ""
    council: bool = False
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def schema(self) -> pa.DataFrameSchema:
        """The pandera schema (resolved on first use)."""
        return _resolve(self.schema_ref)

    @property
    def columns(self) -> list[str]:
        """The columns in order."""
        return list(self.schema.columns)

    @property
    def provenance(self) -> str:
        """"real", "illustrative" or "real or illustrative" (by the sources it can have)."""
        kinds = {s.illustrative for s in self.sources}
        return {frozenset({False}): "real", frozenset({True}): "illustrative"}.get(
            frozenset(kinds), "real or illustrative")

    def source(self, tier: str) -> RawSource | None:
        """The first source of a tier, or None."""
        return next((s for s in self.sources if s.tier == tier), None)


@cache
def _resolve(ref: str):
    module, _, attribute = ref.partition(":")
    return getattr(importlib.import_module(module), attribute)


def _official() -> RawSource:
    return RawSource("official", None, None)


def _published(path: str, loader: str, edition: str | None) -> RawSource:
    return RawSource("published", path, loader, edition=edition)


def _demo(path: str, loader: str) -> RawSource:
    return RawSource("demo", path, loader, illustrative=True)


def _council_sources(filename: str, loader: str) -> tuple[RawSource, ...]:
    return (RawSource("council", f"council/{{area}}/{filename}", loader),
            RawSource("demo", f"demo/council/{{area}}/{filename}", loader, illustrative=True))


_TIDY = "asclib.sources.published:"
_AREA_SLICE = ("area_code",)

TABLES: dict[str, Table] = {t.name: t for t in (
    Table("local_authorities", "asclib.sources.la_lookup:SCHEMA", ("area_code",), _AREA_SLICE,
          (_published("lookups/local_authorities.csv",
                      _TIDY + "load_local_authorities_csv", "2021-06-25"),),
          "ONS codes, names, geography and region of every English area"),
    Table("indicators", "asclib.sources.fingertips:INDICATORS_SCHEMA",
          ("indicator_id", "area_code", "sex", "age", "category_type", "category", "period"),
          ("area_code", "indicator_id", "period"),
          (_official(),
           _demo("demo/fingertips/indicators.csv",
                 "asclib.sources.fingertips:load_fingertips_export")),
          "Fingertips indicator values (export or API CSV)"),
    Table("indicator_metadata", "asclib.sources.fingertips:METADATA_SCHEMA", ("indicator_id",),
          ("indicator_id",),
          (_official(),
           _demo("demo/fingertips/indicator_metadata.csv",
                 "asclib.sources.fingertips:load_indicator_metadata")),
          "domain, polarity and unit of each JSNA indicator"),
    Table("weekly_deaths", "asclib.sources.ons_weekly_deaths:WEEKLY_DEATHS_SCHEMA",
          ("area_code", "year", "week", "cause", "place", "basis"),
          ("area_code", "basis", "year", "week"),
          (_official(),
           _demo("demo/ons/weekly_deaths_la.csv", "asclib.prepare:load_demo_weekly_csv"),
           # councils generated on request (`asc demo-data --area ...`) carry their own file
           _demo("demo/council/{area}/weekly_deaths_la.csv",
                 "asclib.prepare:load_demo_weekly_csv")),
          "ONS weekly deaths: national and regional rows of the weekly workbook, council rows "
          "of the local-authority dataset"),
    Table("monthly_deaths", "asclib.sources.ons_monthly_deaths:SCHEMA",
          ("area_code", "year", "month"), ("area_code", "year", "month"),
          (_official(),
           _published("published/monthly_deaths_by_la.csv", _TIDY + "load_monthly_deaths_csv",
                      "2022-01-01")),
          "ONS monthly death registrations by area of usual residence"),
    Table("england_deaths_by_place", "asclib.tables:ENGLAND_DEATHS_BY_PLACE",
          ("area_code", "period", "cause", "place"), ("area_code", "period"),
          (_official(),
           _published("published/england_deaths_by_place_2020.csv",
                      _TIDY + "load_england_deaths_by_place_csv", "2020-10-06")),
          "year-to-date deaths by place of occurrence (ONS weekly workbook); period = the weeks "
          "covered"),
    Table("care_home_deaths", "asclib.sources.ons_care_home_deaths:SCHEMA",
          ("area_code", "year"), ("area_code", "year"),
          (_official(),
           _published("published/care_home_deaths_by_la.csv",
                      _TIDY + "load_care_home_deaths_csv", "2024-01-01")),
          "ONS deaths in care homes by council, yearly"),
    Table("population", "asclib.sources.ons_population:SCHEMA",
          ("area_code", "year", "sex", "age_band"), ("area_code", "year"),
          (_official(),
           _published("published/population_mid2020.csv", _TIDY + "load_population_csv",
                      "2021-06-25")),
          "ONS mid-year population estimates in five-year bands; every year supplied"),
    Table("nearest_neighbours", "asclib.sources.oflog:NN_SCHEMA",
          ("area_code", "neighbour_code"), _AREA_SLICE,
          (_official(),
           _published("published/nearest_neighbours.csv", _TIDY + "load_nearest_neighbours_csv",
                      "2023-04-01")),
          "Oflog nearest-neighbour groups"),
    Table("asc_measures", "asclib.sources.oflog:SCHEMA",
          ("period", "area_code", "measure_code"), ("area_code", "period", "measure_code"),
          (_official(),
           _published("published/asc_measures.csv", _TIDY + "load_asc_measures_csv",
                      "2023-04-01")),
          "Oflog adult social care measures with median and MADs"),
    Table("asc_finance", "asclib.sources.ascfr:ASC_FINANCE_SCHEMA",
          ("period", "area_code"), ("area_code", "period"),
          (_official(),
           _published("published/asc_finance.csv", _TIDY + "load_asc_finance_csv",
                      "2017-04-01")),
          "ASC-FR council totals: gross, income, net expenditure"),
    Table("care_home_unit_costs", "asclib.sources.ascfr:UNIT_COST_SCHEMA",
          ("period", "area_code", "age_band", "primary_support_reason", "setting"),
          ("area_code", "period"),
          (_official(),
           _published("published/care_home_unit_costs.csv",
                      _TIDY + "load_care_home_unit_costs_csv", "2015-04-01")),
          "ASC-FR care-home unit costs by age band and primary support reason"),
    Table("seed_figures", "asclib.tables:SEED_FIGURES", ("figure_id",), ("figure_id",),
          (_published("published/seed_figures.csv", _TIDY + "load_seed_figures", None),),
          "figures transcribed from the seed documents, each citing document, section, page"),
    Table("budget_ledger", "asclib.sources.council:LEDGER_SCHEMA",
          ("area_code", "period", "cost_centre", "service_type", "primary_support_reason",
           "age_band"), _AREA_SLICE,
          _council_sources("budget_ledger.xlsx", "asclib.sources.council:load_budget_ledger"),
          "the council's ASC budget ledger", council=True),
    Table("day_service_placements", "asclib.sources.council:PLACEMENTS_SCHEMA",
          ("area_code", "client_id"), _AREA_SLICE,
          _council_sources("day_service_placements.xlsx",
                           "asclib.sources.council:load_day_service_placements"),
          "the council's day-service placements (one row per client)", council=True),
    Table("care_home_outbreaks", "asclib.sources.council:OUTBREAKS_SCHEMA",
          ("area_code", "home_id", "date_declared"), _AREA_SLICE,
          _council_sources("care_home_outbreaks.xlsx",
                           "asclib.sources.council:load_care_home_outbreaks"),
          "the council's care-home outbreak log", council=True),
)}

#: council tables: what they are called in messages and the file a council exports
COUNCIL_TABLES: dict[str, tuple[str, str]] = {
    "budget_ledger": ("budget ledger", "budget_ledger.xlsx"),
    "day_service_placements": ("day-service placements", "day_service_placements.xlsx"),
    "care_home_outbreaks": ("care-home outbreak log", "care_home_outbreaks.xlsx"),
}


def table(name: str) -> Table:
    """The registry entry of a table (KeyError for an unknown name)."""
    return TABLES[name]


def columns(name: str) -> list[str]:
    """The columns of a processed table, in order."""
    return TABLES[name].columns


def markdown_table() -> str:
    """The docs/ARCHITECTURE.md table of processed tables, generated from the registry."""
    lines = ["| table | columns (in order) | provenance | raw sources (priority order) |",
             "|---|---|---|---|"]
    for entry in TABLES.values():
        sources = "; ".join(
            "official drop-ins (data/raw/official/, by content)" if s.path is None
            else f"{s.tier}: {s.path}" for s in entry.sources)
        lines.append(f"| {entry.name} | {', '.join(entry.columns)} | {entry.provenance} | "
                     f"{sources} |")
    return "\n".join(lines)
