"""Official files recognised by their content (sheets, header rows, columns), never by name.

A user drops any official file they downloaded anywhere under ``data/raw/official/`` with any
name; :func:`scan` recognises each file as one :class:`OfficialKind`:

- ``kind`` and ``label`` (what the file is), ``looks_for`` (said when nothing recognises a file);
- ``sniff(peek)``: a cheap check of the file's first rows / sheet names (:class:`Peek`), tolerant
  of header variants (labels compared lower case without spaces or punctuation: "Area Name",
  "AreaName" and "area name" match; sheet names with trailing spaces; extra columns);
- ``read(path, context)`` -> {processed table: tidy frame}, calling the loader of the official
  module (``asclib.sources.fingertips``, ``ons_weekly_deaths``, ...);
- ``edition(path, tables)``: the file's own publication date (ISO), or None (then the file's
  modification time stands in for it in the newest-wins merge of :mod:`asclib.prepare`).

``scripts/extract_published.py`` uses the same recognisers to find the files it extracts the
bundled ``data/raw/published/`` tables from.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from asclib.constants import ENGLAND_CODE
from asclib.sources._common import squash_label

#: Files passed over silently: hidden files, Office lock files, Windows thumbnails, notes.
IGNORED_NAMES = re.compile(r"^(\..*|~\$.*|Thumbs\.db|desktop\.ini)$", re.IGNORECASE)
IGNORED_SUFFIXES = frozenset({".md"})

_CSV_PEEK_BYTES = 256 * 1024
_CSV_PEEK_ROWS = 40
_SHEET_PEEK_ROWS = 30


def norm(label: object) -> str:
    """A label for matching: lower case letters and digits only ("Area Name" -> "areaname")."""
    return squash_label(label)


def is_ignored(path: Path) -> bool:
    """Hidden files, ``~$`` lock files, Thumbs.db and ``.md`` notes are not data."""
    return (any(IGNORED_NAMES.match(part) for part in path.parts)
            or path.suffix.lower() in IGNORED_SUFFIXES)


class Peek:
    """The cheap first look at a file: CSV rows, workbook sheet names (and first rows), JSON."""

    def __init__(self, path: Path):
        self.path = path
        self.suffix = path.suffix.lower()

    @cached_property
    def csv_rows(self) -> list[list[str]]:
        """The first rows of a text file parsed as CSV ([] when it is not text)."""
        if self.suffix in (".xlsx", ".xlsm", ".xls", ".ods", ".json", ".zip", ".pdf"):
            return []
        try:
            with open(self.path, "rb") as handle:
                data = handle.read(_CSV_PEEK_BYTES)
        except OSError:
            return []
        if b"\x00" in data[:4096]:
            return []
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            return []
        rows = []
        try:
            for row in csv.reader(io.StringIO(text)):
                rows.append(row)
                if len(rows) >= _CSV_PEEK_ROWS:
                    break
        except csv.Error:
            return rows
        return rows

    @cached_property
    def header_sets(self) -> list[set[str]]:
        """Normalised labels of each of the first CSV rows."""
        return [{norm(v) for v in row if str(v).strip()} for row in self.csv_rows]

    def has_header(self, *labels: str, within: int = 15) -> bool:
        """True when one of the first ``within`` CSV rows holds every label (normalised)."""
        wanted = {norm(label) for label in labels}
        return any(wanted <= row for row in self.header_sets[:within])

    @cached_property
    def sheets(self) -> list[str]:
        """Sheet names of a workbook ([] when it is not one)."""
        if self.suffix not in (".xlsx", ".xlsm", ".xls", ".ods"):
            return []
        try:
            import python_calamine

            workbook = python_calamine.CalamineWorkbook.from_path(str(self.path))
            names = list(workbook.sheet_names)
            workbook.close()
            return names
        except Exception:  # noqa: BLE001 - an unreadable workbook is simply not recognised
            return []

    def sheet_named(self, pattern: str) -> str | None:
        """The first sheet whose normalised name fully matches ``pattern`` (a regex)."""
        return next((s for s in self.sheets if re.fullmatch(pattern, norm(s))), None)

    @cached_property
    def json(self) -> object:
        """The parsed JSON (None when it is not JSON)."""
        if self.suffix != ".json":
            return None
        try:
            return json.loads(self.path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            return None


@dataclass
class Context:
    """What a reader may need beyond its own file: the other recognised files (companions)
    and the local-authority lookup."""

    files: dict[str, list[Path]] = field(default_factory=dict)
    lookup: Callable[[], pd.DataFrame] | None = None

    def companion(self, kind: str) -> Path | None:
        """The first recognised file of ``kind``, or None."""
        found = self.files.get(kind) or []
        return found[0] if found else None

    def area_names(self) -> dict[str, str] | None:
        """ONS code -> name from the lookup (None when no lookup is at hand)."""
        if self.lookup is None:
            return None
        frame = self.lookup()
        return dict(zip(frame["area_code"], frame["area_name"], strict=True))

    def council_codes_by_name(self) -> dict[str, str] | None:
        """Council name -> ONS code for the councils with ASC responsibilities."""
        if self.lookup is None:
            return None
        frame = self.lookup()
        councils = frame[frame["asc_authority"]]
        return dict(zip(councils["area_name"], councils["area_code"], strict=True))


class MissingCompanionError(Exception):
    """A recognised file cannot be read without another official file beside it."""


@dataclass(frozen=True)
class OfficialKind:
    """One kind of official file (see the module docstring)."""

    kind: str
    label: str
    looks_for: str
    tables: tuple[str, ...]
    sniff: Callable[[Peek], bool]
    read: Callable[[Path, Context], dict[str, pd.DataFrame]] | None = None
    edition: Callable[[Path, dict[str, pd.DataFrame]], str | None] = \
        field(default=lambda path, tables: None)
    needs: tuple[str, ...] = ()


# --------------------------------------------------------------------------- readers


def _fingertips(path: Path, context: Context) -> dict[str, pd.DataFrame]:
    from asclib.sources.fingertips import load_fingertips_export

    return {"indicators": load_fingertips_export(path)}


def _metadata(path: Path, context: Context) -> dict[str, pd.DataFrame]:
    from asclib.sources.fingertips import load_indicator_metadata

    return {"indicator_metadata": load_indicator_metadata(path)}


def _la_weekly(path: Path, context: Context) -> dict[str, pd.DataFrame]:
    from asclib.sources.ons_weekly_deaths import load_la_weekly_csv

    frame = load_la_weekly_csv(path)
    frame["illustrative"] = False
    return {"weekly_deaths": frame}


PLACE_ORDER = ("all", "care_home", "hospital", "home", "hospice", "other_communal", "elsewhere")


def weekly_workbook_tables(workbook: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tidy rows of :func:`asclib.sources.ons_weekly_deaths.load_weekly_workbook` as the
    processed ``weekly_deaths`` (weekly registrations of all causes and COVID-19 for England
    and Wales, England, Wales and the regions) and ``england_deaths_by_place`` (the
    place-of-occurrence year-to-date block, ``period`` = "YYYY weeks 1-N", the weeks covered)."""
    from asclib.sources.ons_weekly_deaths import WEEKLY_DEATHS_COLUMNS

    weekly = workbook[(workbook["measure"] == "deaths")
                      & workbook["cause"].isin(["all_causes", "covid19"])].copy()
    weekly["deaths"] = weekly["deaths"].round().astype("Int64")
    weekly["illustrative"] = False
    weekly = weekly[WEEKLY_DEATHS_COLUMNS].drop_duplicates(
        ["area_code", "year", "week", "cause", "place", "basis"])
    ytd = workbook[workbook["measure"] == "deaths_year_to_date"].copy()
    parts = []
    for (_area, year), group in ytd.groupby(["area_code", "year"], sort=True):
        group = group.copy()
        group["period"] = f"{int(year)} weeks 1-{int(group['week'].max())}"
        parts.append(group)
    ytd = pd.concat(parts) if parts else ytd.assign(period=pd.Series(dtype=object))
    ytd["deaths"] = ytd["deaths"].round().astype("Int64")
    ytd["place"] = pd.Categorical(ytd["place"], categories=PLACE_ORDER)
    ytd = ytd.sort_values(["area_code", "period", "cause", "place"], kind="stable")
    ytd["place"] = ytd["place"].astype(str)
    by_place = ytd[["area_code", "period", "cause", "place", "deaths"]].reset_index(drop=True)
    return {"weekly_deaths": weekly.reset_index(drop=True), "england_deaths_by_place": by_place}


def _weekly_workbook(path: Path, context: Context) -> dict[str, pd.DataFrame]:
    from asclib.sources.ons_weekly_deaths import load_weekly_workbook

    return weekly_workbook_tables(load_weekly_workbook(path))


def _is_tidy_weekly_workbook(path: Path) -> bool:
    from asclib.sources.ons_weekly_deaths import tidy_layout_tables

    return bool(tidy_layout_tables(path))


def _is_numbered_weekly_workbook(path: Path) -> bool:
    from asclib.sources.ons_weekly_deaths import numbered_layout_tables

    return bool(numbered_layout_tables(path))


def _weekly_edition(path: Path, tables: dict[str, pd.DataFrame]) -> str | None:
    """ONS publishes the weekly workbook 11 days after the last week it covers ends (a
    Friday): the edition date is that week's Friday + 11 days."""
    weekly = tables.get("weekly_deaths")
    if weekly is None or weekly.empty:
        return None
    year = int(weekly["year"].max())
    week = int(weekly.loc[weekly["year"] == year, "week"].max())
    try:
        friday = dt.date.fromisocalendar(year, min(week, 52), 5)
    except ValueError:
        return None
    if week == 53:
        friday += dt.timedelta(days=7)
    return (friday + dt.timedelta(days=11)).isoformat()


def _population(path: Path, context: Context) -> dict[str, pd.DataFrame]:
    from asclib.sources.ons_population import load_population

    return {"population": load_population(path)}


def _care_home_deaths(path: Path, context: Context) -> dict[str, pd.DataFrame]:
    from asclib.sources.ons_care_home_deaths import load_care_home_deaths

    return {"care_home_deaths": load_care_home_deaths(path)}


def _monthly(path: Path, context: Context) -> dict[str, pd.DataFrame]:
    from asclib.sources.ons_monthly_deaths import load_monthly_deaths

    return {"monthly_deaths": load_monthly_deaths(path)}


def _oflog_measures(path: Path, context: Context) -> dict[str, pd.DataFrame]:
    from asclib.sources.oflog import load_asc_measures

    return {"asc_measures": load_asc_measures(path)}


def _oflog_neighbours(path: Path, context: Context) -> dict[str, pd.DataFrame]:
    from asclib.sources.oflog import load_nearest_neighbours

    return {"nearest_neighbours": load_nearest_neighbours(path)}


def _ascfr_totals(path: Path, context: Context) -> dict[str, pd.DataFrame]:
    from asclib.sources.ascfr import load_asc_finance

    activity = context.companion("ascfr_activity_keyed")
    labelled = context.companion("ascfr_activity_labelled")
    if activity is None or labelled is None:
        raise MissingCompanionError(
            "its keys can be decoded only with the ASC-FR 2016-17 'CSV ASCFR Activity' file and "
            "the 2015-16 labelled activity file (pss-exp-eng-15-16-fin-act.csv) beside it")
    return {"asc_finance": load_asc_finance(path, activity, labelled,
                                            area_names=context.area_names())}


def _ascfr_unit_costs(path: Path, context: Context) -> dict[str, pd.DataFrame]:
    from asclib.sources.ascfr import care_home_unit_costs, cassr_area_codes

    keyed = context.companion("ascfr_totals_keyed") or context.companion("ascfr_activity_keyed")
    if keyed is None:
        raise MissingCompanionError(
            "its council codes (CASSR) map to ONS codes only with a keyed ASC-FR file "
            "(e.g. 2016-17 'CSV ASCFR Totals') beside it")
    return {"care_home_unit_costs": care_home_unit_costs(
        path, cassr_area_codes(keyed), codes_by_name=context.council_codes_by_name())}


def _is_neighbour_json(peek: Peek) -> bool:
    data = peek.json
    if not isinstance(data, dict) or not data:
        return False
    key, value = next(iter(data.items()))
    return bool(re.fullmatch(r"E\d{8}", str(key))) and isinstance(value, list)


# --------------------------------------------------------------------------- the kinds

KINDS: tuple[OfficialKind, ...] = (
    OfficialKind(
        "fingertips_indicators", "Fingertips indicator data (export or API CSV)",
        "a CSV with Indicator ID, Area Code, Time period and Value columns (any spelling)",
        ("indicators",),
        lambda p: p.has_header("Indicator ID", "Area Code", "Time period", "Value", within=3),
        _fingertips),
    OfficialKind(
        "indicator_metadata", "indicator metadata (indicator_id, domain, polarity, ...)",
        "a CSV with indicator_id, indicator_name, domain and polarity columns",
        ("indicator_metadata",),
        lambda p: p.has_header("indicator_id", "indicator_name", "domain", "polarity",
                               within=3),
        _metadata),
    OfficialKind(
        "ons_weekly_deaths_la", "ONS weekly deaths by local authority (CMD dataset CSV)",
        "a CSV with v4_0, admin-geography and week-number columns",
        ("weekly_deaths",),
        lambda p: p.has_header("v4_0", "admin-geography", "week-number", within=3),
        _la_weekly),
    OfficialKind(
        "ons_weekly_deaths_workbook", "ONS weekly deaths workbook (England and Wales)",
        "a workbook with a 'Weekly figures YYYY' or 'Covid-19 - Place of occurrence' sheet, "
        "or 'Table_N' sheets of weekly deaths by area and cause (the 2024-on layout), or "
        "numbered sheets ('1', '2', ...) with 'Week number' and 'Week ending' header cells "
        "and one row per week (the 2022-2023 layout)",
        ("weekly_deaths", "england_deaths_by_place"),
        lambda p: bool(p.sheet_named(r"weeklyfigures\d{4}")
                       or p.sheet_named(r"covid19placeofoccurrence")
                       or (p.sheet_named(r"table\d+") and _is_tidy_weekly_workbook(p.path))
                       or (p.sheet_named(r"\d{1,2}[a-z]?")
                           and _is_numbered_weekly_workbook(p.path))),
        _weekly_workbook, _weekly_edition),
    OfficialKind(
        "ons_mid_year_estimates", "ONS mid-year population estimates workbook",
        "a workbook with 'MYE2 - Persons' (or 'MYE2 - All') sheets",
        ("population",),
        lambda p: bool(p.sheet_named(r"mye2(persons|all|males|females|m|f)")),
        _population),
    OfficialKind(
        "ons_care_home_deaths", "ONS deaths in LA and non-LA care homes by local authority",
        "a CSV with LA care homes, non-LA care homes and All care homes columns",
        ("care_home_deaths",),
        lambda p: p.has_header("LA care homes", "All care homes"),
        _care_home_deaths),
    OfficialKind(
        "ons_monthly_deaths", "ONS monthly deaths by area of usual residence",
        "a CSV with year, month, area_code and deaths columns",
        ("monthly_deaths",),
        lambda p: (p.has_header("year", "month", "area_code", within=3)
                   and (p.has_header("deaths_registered", within=3)
                        or p.has_header("deaths", within=3))),
        _monthly),
    OfficialKind(
        "oflog_asc_measures", "Oflog adult social care measures (Local Authority Data Explorer)",
        "a CSV with Financial year, Local authority code, Code, Value, MEDIAN and "
        "MADs_from_median columns",
        ("asc_measures",),
        lambda p: p.has_header("Financial year", "Local authority code", "Code", "Value",
                               "MEDIAN", "MADs_from_median", within=3),
        _oflog_measures),
    OfficialKind(
        "oflog_nearest_neighbours", "Oflog nearest-neighbour groups (NN.json)",
        "a JSON object of ONS code -> list of neighbour codes",
        ("nearest_neighbours",), _is_neighbour_json, _oflog_neighbours),
    OfficialKind(
        "ascfr_totals_keyed", "ASC-FR keyed Totals CSV (2016-17 layout)",
        "a CSV with FY_Ending, CASSR_CODE, GEOGRAPHY_CODE, TOTALEXPENDITURE and TOTALINCOME",
        ("asc_finance",),
        lambda p: p.has_header("FY_Ending", "CASSR_CODE", "GEOGRAPHY_CODE",
                               "TOTALEXPENDITURE", "TOTALINCOME", within=3),
        _ascfr_totals, needs=("ascfr_activity_keyed", "ascfr_activity_labelled")),
    OfficialKind(
        "ascfr_activity_keyed", "ASC-FR keyed Activity CSV (2016-17 layout; decodes Totals keys)",
        "a CSV with UUID, FY_Ending, CASSR_CODE, CareType_KEY and ItemValue",
        (),
        lambda p: p.has_header("UUID", "FY_Ending", "CASSR_CODE", "CareType_KEY", "ItemValue",
                               within=3)),
    OfficialKind(
        "ascfr_activity_labelled", "ASC-FR labelled activity CSV (2015-16 layout; decodes keys)",
        "a CSV with UUID, Council Code, Council Name, Care Type and Value",
        (),
        lambda p: p.has_header("UUID", "Council Code", "Council Name", "Care Type", "Value",
                               within=3)),
    OfficialKind(
        "ascfr_unit_costs_wide", "ASC-FR 2014-15 council-level unit costs (wide CSV)",
        "a CSV whose header row holds Support type, Age category and Unit cost category",
        ("care_home_unit_costs",),
        lambda p: p.has_header("Support type", "Age category", "Unit cost category", within=5),
        _ascfr_unit_costs, needs=("ascfr_totals_keyed",)),
    OfficialKind(
        "ascfr_other", "other ASC-FR data file (no processed table uses it)",
        "an ASC-FR CSV (Support type / Age category header, or UUID with CASSR_CODE / Council "
        "Code)",
        (),
        lambda p: (p.has_header("Support type", "Age category", within=5)
                   or p.has_header("Bridging year service", within=5)
                   or p.has_header("UUID", "CASSR_CODE", "ItemValue", within=3)
                   or p.has_header("UUID", "Council Code", "Value", within=3))),
)

KINDS_BY_NAME: dict[str, OfficialKind] = {k.kind: k for k in KINDS}


def looked_for() -> str:
    """What the recognisers look for, for the "not recognised" line."""
    return "; ".join(f"{k.label}: {k.looks_for}" for k in KINDS if k.tables)


def recognise(path: str | Path) -> OfficialKind | None:
    """The kind of an official file, by its content; None when nothing recognises it."""
    peek = Peek(Path(path))
    for kind in KINDS:
        try:
            if kind.sniff(peek):
                return kind
        except (OSError, ValueError, IndexError):
            continue
    return None


@dataclass(frozen=True)
class Scan:
    """The files found under a folder: recognised (path, kind) and not recognised paths."""

    recognised: list[tuple[Path, OfficialKind]]
    unrecognised: list[Path]

    def by_kind(self) -> dict[str, list[Path]]:
        """kind -> paths (in path order)."""
        out: dict[str, list[Path]] = {}
        for path, kind in self.recognised:
            out.setdefault(kind.kind, []).append(path)
        return out


def candidate_files(folder: str | Path) -> list[Path]:
    """Every data file under ``folder`` (any depth, sorted), passing over ignored names."""
    root = Path(folder)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*")
                  if p.is_file() and not is_ignored(p.relative_to(root)))


def scan(folder: str | Path, files: Iterable[Path] | None = None) -> Scan:
    """Recognise every file under ``folder`` (or the given ``files``)."""
    recognised: list[tuple[Path, OfficialKind]] = []
    unrecognised: list[Path] = []
    for path in (candidate_files(folder) if files is None else files):
        kind = recognise(path)
        if kind is None:
            unrecognised.append(path)
        else:
            recognised.append((path, kind))
    return Scan(recognised, unrecognised)


def not_recognised_reason(path: Path) -> str:
    """The one line said about a file nothing recognises."""
    return (f"not recognised as an official file the suite reads (looked for: "
            f"{looked_for()})")


def summarise(tables: dict[str, pd.DataFrame]) -> dict[str, str | int]:
    """Areas, periods and rows of what a file gave, for ``asc sources``."""
    areas: set[str] = set()
    periods: set[str] = set()
    rows = 0
    by_year = any("year" in frame for frame in tables.values())
    for frame in tables.values():
        rows += len(frame)
        if "area_code" in frame:
            areas.update(frame["area_code"].dropna().astype(str))
        column = "year" if by_year else "period"
        if column in frame:
            periods.update(frame[column].dropna().astype(str))
    period_text = (f"{min(periods)}..{max(periods)}" if len(periods) > 1
                   else next(iter(periods), "-"))
    area_text = (f"{len(areas)} areas" if len(areas) != 1 else next(iter(areas)))
    if ENGLAND_CODE in areas and len(areas) > 1:
        area_text += " incl. England"
    return {"areas": area_text, "periods": period_text, "rows": rows}
