"""Validate every raw input file and write the typed processed tables (``asc validate`` /
``asc prepare``), driven by the table registry (:mod:`asclib.tables`).

Which files feed a table are the registry's sources, in priority order:

- ``council/<code>/*.xlsx``: a council's own exports (budget ledger, day-service placements,
  outbreak log), used instead of the illustrative ``demo/council/<code>/`` ones;
- ``official/**``: any official file a user downloaded, any name, any sub-folder, recognised by
  its content (:mod:`asclib.sources.official`);
- ``lookups/`` and ``published/``: the bundled real extracts and seed figures;
- ``demo/``: illustrative records from ``asc demo-data``.

Merge rule: for each table and each (area, period) slice (the registry's ``slice`` columns) the
rows come from one file only: the newest real one. Real beats illustrative; then the newest
edition wins (a file's own publication date where it has one, e.g. the ONS weekly workbook's
week end + 11 days, or the bundled extract's original publication date; else the file's
modification time); then the higher tier. When two files hold different values for the same
rows, a warning names both. Files whose rows are all superseded, and official files nothing
recognises, are recorded under ``not_used`` in the manifest (``asc validate`` exits 2 for a file
nothing recognises; ``asc prepare`` and ``asc run`` log it and carry on).

Each processed table is validated once, here, against its registry schema and written as
Parquet (``<table>.parquet``, dtypes kept: counts stay integers, dates stay dates); readers
(:mod:`asclib.data`) trust it. ``data_date`` is the latest period end the data hold, never
today's date, so the same inputs give the same outputs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from asclib.checksums import sha256_file
from asclib.errors import DataProblem, InputDataError, display_path
from asclib.sources._common import validate_schema
from asclib.tables import TABLES, TIERS, Table

MANIFEST = "_manifest.json"
log = logging.getLogger("asclib.prepare")


@dataclass
class RawFile:
    """One raw file and the tables it feeds."""

    path: Path
    tier: str
    kind: str
    tables: tuple[str, ...]
    read: Callable[[], dict[str, pd.DataFrame]]
    illustrative: bool = False
    area_code: str | None = None
    edition: str | None = None
    edition_of: Callable[[dict[str, pd.DataFrame]], str | None] | None = None
    companions: tuple[Path, ...] = ()
    areas: dict[str, list[str]] = field(default_factory=dict)  # table -> areas it gives

    @property
    def display(self) -> str:
        return display_path(self.path)

    def edition_date(self, tables: dict[str, pd.DataFrame] | None = None) -> str:
        """The file's own publication date, else its modification date (ISO)."""
        if self.edition is None and self.edition_of is not None and tables is not None:
            self.edition = self.edition_of(tables)
        if self.edition is not None:
            return self.edition
        stamp = self.path.stat().st_mtime
        return dt.datetime.fromtimestamp(stamp, tz=dt.timezone.utc).date().isoformat()

    def edition_text(self) -> str:
        """"edition 2020-10-06" (the file's own date) or "file date 2026-11-29" (mtime)."""
        date = self.edition_date()
        return f"edition {date}" if self.edition is not None else f"file date {date}"

    def rank(self) -> tuple:
        """Bigger is better: real over illustrative, then newer, then higher tier."""
        return (not self.illustrative, self.edition_date(), -TIERS.index(self.tier),
                self.display)


@dataclass
class Plan:
    """Every raw file prepare would read, what is left out, and missing-file problems."""

    files: list[RawFile] = field(default_factory=list)
    problems: list[DataProblem] = field(default_factory=list)
    not_used: list[dict] = field(default_factory=list)
    unrecognised: list[dict] = field(default_factory=list)


def load_demo_weekly_csv(path: str | Path) -> pd.DataFrame:
    """The illustrative weekly deaths CSV (ONS CMD layout) flagged ``illustrative``."""
    from asclib.sources.ons_weekly_deaths import load_la_weekly_csv

    frame = load_la_weekly_csv(path)
    frame["illustrative"] = True
    return frame


# --------------------------------------------------------------------------- load cache
# ``asc run`` validates then prepares in one process: each file is read once.

_CACHE: dict[tuple, dict[str, pd.DataFrame]] = {}


def _cached_read(raw: RawFile) -> dict[str, pd.DataFrame]:
    stat = raw.path.stat()
    key = (str(raw.path.resolve()), stat.st_size, stat.st_mtime_ns, raw.kind, raw.area_code)
    if key not in _CACHE:
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = raw.read()
    return {name: frame.copy() for name, frame in _CACHE[key].items()}


# --------------------------------------------------------------------------- planning


def _council_areas(raw: Path) -> list[str]:
    from asclib.sources.council import area_code_from_path

    codes: set[str] = set()
    for base in (raw / "council", raw / "demo" / "council"):
        if base.is_dir():
            codes.update(p.name for p in base.iterdir()
                         if p.is_dir() and area_code_from_path(p / "x") == p.name)
    return sorted(codes)


def _single(table: Table, loader: Callable[..., pd.DataFrame], path: Path,
            **kwargs) -> Callable[[], dict[str, pd.DataFrame]]:
    return lambda: {table.name: loader(path, **kwargs)}


def _lookup_reader(raw: Path) -> Callable[[], pd.DataFrame]:
    frame: list[pd.DataFrame] = []

    def lookup() -> pd.DataFrame:
        if not frame:
            source = TABLES["local_authorities"].sources[0]
            frame.append(source.load()(raw / source.path))
        return frame[0]
    return lookup


def plan_sources(raw_dir: str | Path, areas: Sequence[str] | None = None) -> Plan:
    """The raw files behind every table (registry order), official drop-ins recognised by
    content, and a problem for each table no file can feed."""
    from asclib.sources import official

    raw = Path(raw_dir)
    plan = Plan()
    fed: set[str] = set()

    # official drop-ins, anywhere under official/
    found = official.scan(raw / "official")
    for path in found.unrecognised:
        plan.unrecognised.append({"path": display_path(path),
                                  "reason": official.not_recognised_reason(path)})
    context = official.Context(found.by_kind(), _lookup_reader(raw))
    for path, kind in found.recognised:
        if not kind.tables:
            companion_of = [k.label for k in official.KINDS if kind.kind in k.needs]
            used_with = [k for k in official.KINDS
                         if kind.kind in k.needs and found.by_kind().get(k.kind)]
            if not used_with:
                reason = (f"recognised as {kind.label}; " + (
                    f"used only together with {' / '.join(companion_of)}" if companion_of
                    else "no processed table uses it"))
                plan.not_used.append({"path": display_path(path), "reason": reason})
            continue
        plan.files.append(RawFile(
            path, "official", kind.kind, kind.tables,
            (lambda p=path, k=kind: k.read(p, context)),
            edition_of=(lambda tables, p=path, k=kind: k.edition(p, tables)),
            companions=tuple(c for need in kind.needs
                             if (c := context.companion(need)) is not None)))
        fed.update(kind.tables)

    codes = list(dict.fromkeys(areas)) if areas else _council_areas(raw)
    for entry in TABLES.values():
        if entry.council:
            for code in codes:
                for source in entry.sources:
                    path = raw / source.path.format(area=code)
                    if path.exists():
                        plan.files.append(RawFile(
                            path, source.tier, source.tier, (entry.name,),
                            _single(entry, source.load(), path, area_code=code),
                            illustrative=source.illustrative, area_code=code))
                        fed.add(entry.name)
                        break
            continue
        for source in entry.sources:
            if source.path is None:
                continue
            # a per-council path ({area}) of a national table: one file per council folder
            candidates = ([raw / source.path.format(area=code) for code in codes]
                          if "{area}" in source.path else [raw / source.path])
            for path in candidates:
                if path.exists():
                    plan.files.append(RawFile(path, source.tier, source.tier, (entry.name,),
                                              _single(entry, source.load(), path),
                                              illustrative=source.illustrative,
                                              edition=source.edition))
                    fed.add(entry.name)
        if entry.name not in fed:
            first = next(s for s in entry.sources if s.path is not None and "{area}" not in s.path)
            hint = {"published": "bundled with the project (scripts/extract_published.py)",
                    "demo": "run `asc demo-data`, or put the official file in "
                            "data/raw/official/ (see README, Updating the data)"}[first.tier]
            plan.problems.append(DataProblem(display_path(raw / first.path),
                                             f"file not found: {hint}"))
    return plan


# --------------------------------------------------------------------------- loading + merging


@dataclass
class Loaded:
    """The frames read from every planned file, problems, and per-file results."""

    plan: Plan
    frames: list[tuple[RawFile, dict[str, pd.DataFrame]]]
    problems: list[DataProblem]
    not_used: list[dict]


def _load_all(raw_dir: str | Path, areas: Sequence[str] | None) -> Loaded:
    from asclib.sources.official import MissingCompanionError

    plan = plan_sources(raw_dir, areas)
    problems = list(plan.problems)
    not_used = list(plan.not_used)
    frames: list[tuple[RawFile, dict[str, pd.DataFrame]]] = []
    for raw in plan.files:
        try:
            tables = _cached_read(raw)
        except InputDataError as exc:
            problems.extend(exc.problems)
            continue
        except MissingCompanionError as exc:
            not_used.append({"path": raw.display, "reason": f"recognised as {raw.kind}, but "
                             f"{exc}", "blocking": True})
            continue
        raw.edition_date(tables)
        frames.append((raw, tables))
    return Loaded(plan, frames, problems, not_used)


def _value_columns(entry: Table) -> list[str]:
    return [c for c in entry.columns if c not in entry.key and c not in ("illustrative",
                                                                          "area_name")]


def _describe(value: object) -> str:
    return "missing" if pd.isna(value) else f"{value:g}" if isinstance(value, float) else \
        str(value)


def merge_table(entry: Table, parts: list[tuple[RawFile, pd.DataFrame]]
                ) -> tuple[pd.DataFrame, list[RawFile], list[RawFile], list[str]]:
    """The table from its parts by the newest-wins rule (module docstring).

    Returns (frame, files used, files superseded entirely, warnings)."""
    if len(parts) == 1:
        return parts[0][1], [parts[0][0]], [], []
    ordered = sorted(parts, key=lambda part: part[0].rank(), reverse=True)
    frames = []
    for order, (_, frame) in enumerate(ordered):
        frames.append(frame.assign(_order=order))
    combined = pd.concat(frames, ignore_index=True)
    slice_columns = list(entry.slice)
    best = combined.groupby(slice_columns, dropna=False, sort=False)["_order"].transform("min")
    keep = (combined["_order"] == best).to_numpy()
    kept, dropped = combined[keep], combined[~keep]
    warnings: list[str] = []
    values = _value_columns(entry)
    for loser in sorted(dropped["_order"].unique()):
        lost = dropped[dropped["_order"] == loser]
        joined = lost.merge(kept, on=list(entry.key), suffixes=("", "_winner"))
        for winner in sorted(joined["_order_winner"].unique()):
            pair = joined[joined["_order_winner"] == winner]
            differs = np.zeros(len(pair), dtype=bool)
            example = ""
            for column in values:
                a, b = pair[column], pair[f"{column}_winner"]
                if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
                    x, y = a.astype("float64").to_numpy(), b.astype("float64").to_numpy()
                    bad = ~(np.isclose(x, y, rtol=1e-9, atol=1e-6) | (np.isnan(x) & np.isnan(y)))
                else:
                    bad = (a.astype(str) != b.astype(str)).to_numpy()
                if bad.any() and not example:
                    i = int(np.flatnonzero(bad)[0])
                    where = ", ".join(f"{k}={pair[k].iloc[i]}" for k in entry.key)
                    example = (f" (e.g. {where}: {column} {_describe(a.iloc[i])} vs "
                               f"{_describe(b.iloc[i])})")
                differs |= bad
            old, new = ordered[loser][0], ordered[winner][0]
            if differs.any() and not (old.illustrative and not new.illustrative):
                warnings.append(
                    f"{entry.name}: {old.display} ({old.edition_text()}) and "
                    f"{new.display} ({new.edition_text()}) disagree on "
                    f"{int(differs.sum())} rows{example}; using {new.display} (newer)")
    used_orders = sorted(kept["_order"].unique())
    used = [ordered[i][0] for i in used_orders]
    if "area_code" in kept:  # which areas each file still gives (for honest provenance)
        for order, group in kept.groupby("_order")["area_code"]:
            ordered[int(order)][0].areas[entry.name] = sorted(group.dropna().unique())
    superseded = [ordered[i][0] for i in range(len(ordered)) if i not in set(used_orders)]
    frame = kept.drop(columns="_order").reset_index(drop=True)
    return frame, used, superseded, warnings


def _typed(entry: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """The columns in registry order; text columns as Python strings (None when missing)."""
    frame = frame[entry.columns].reset_index(drop=True)
    for name, column in entry.schema.columns.items():
        wanted = str(column.dtype)
        if wanted in ("int64", "Int64", "float64", "bool") and str(frame[name].dtype) != wanted:
            # parts from different loaders concatenated (e.g. int64 + Int64); a value that
            # cannot be converted is reported by the schema validation below
            with contextlib.suppress(TypeError, ValueError):
                frame[name] = frame[name].astype(wanted)
        elif wanted in ("str", "string") and frame[name].dtype != object:
            frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
        elif frame[name].dtype == object:
            series = frame[name]
            blank = series.map(lambda v: isinstance(v, str) and v == "")
            if blank.any() and column.nullable:
                frame[name] = series.where(~blank, None)
    return frame


@dataclass
class Prepared:
    """The merged, validated tables and everything the manifest records."""

    tables: dict[str, pd.DataFrame]
    entries: dict[str, dict]
    not_used: list[dict]
    warnings: list[str]
    notes: list[str]
    problems: list[DataProblem]


def build_tables(raw_dir: str | Path, areas: Sequence[str] | None = None) -> Prepared:
    """Read, merge and validate every table (nothing written)."""
    loaded = _load_all(raw_dir, areas)
    problems = list(loaded.problems)
    not_used = list(loaded.not_used)
    warnings: list[str] = []
    notes: list[str] = []
    tables: dict[str, pd.DataFrame] = {}
    entries: dict[str, dict] = {}
    superseded: dict[str, list[str]] = {}
    used_anywhere: set[str] = set()
    for name, entry in TABLES.items():
        parts = [(raw, got[name]) for raw, got in loaded.frames if name in got]
        if not parts:
            continue
        for _raw, frame in parts:
            notes.extend(frame.attrs.get("notes", []))
        frame, used, lost, found = merge_table(entry, parts)
        warnings.extend(found)
        for raw in lost:
            superseded.setdefault(raw.display, []).append(name)
        used_anywhere.update(raw.display for raw in used)
        frame = _typed(entry, frame)
        if not entry.council:  # council parts are validated by their loader, one per area
            try:
                frame = validate_schema(frame, entry.schema, file=f"processed table {name}")
            except InputDataError as exc:
                problems.extend(exc.problems)
                continue
        tables[name] = frame
        sources = []
        for raw in used:
            record = {"path": raw.display, "sha256": sha256_file(raw.path),
                      "illustrative": raw.illustrative, "kind": raw.kind}
            if raw.edition is not None:  # the file's own date (mtimes are not recorded)
                record["edition"] = raw.edition
            if raw.area_code:
                record["area_code"] = raw.area_code
            elif len(used) > 1 and name in raw.areas and len(raw.areas[name]) <= 400:
                record["areas"] = raw.areas[name]  # a table mixing files: who gives what
            sources.append(record)
            for companion in raw.companions:  # files read to decode this one
                sources.append({"path": display_path(companion),
                                "sha256": sha256_file(companion), "illustrative": False,
                                "kind": "companion"})
        entries[name] = {"illustrative": any(raw.illustrative for raw in used),
                         "sources": sources}
    for path, names in superseded.items():
        if path not in used_anywhere:
            not_used.append({"path": path, "reason": "superseded: newer files hold every area "
                             f"and period it has ({', '.join(names)})"})
    for item in loaded.plan.unrecognised:
        not_used.append(dict(item))
    return Prepared(tables, entries, not_used, warnings, notes, problems)


# --------------------------------------------------------------------------- validate


@dataclass
class Validation:
    """What ``asc validate`` reports."""

    problems: list[DataProblem]
    not_used: list[dict]
    warnings: list[str]
    notes: list[str]

    @property
    def blocking_not_used(self) -> list[dict]:
        """Files the user put in that cannot be used (nothing recognises them, or a companion
        file is missing): ``asc validate`` exits 2 for them."""
        return [item for item in self.not_used
                if item.get("blocking") or item["reason"].startswith("not recognised")]


def check(raw_dir: str | Path, areas: Sequence[str] | None = None) -> Validation:
    """Every problem, file not used, disagreement warning and note (nothing written)."""
    built = build_tables(raw_dir, areas)
    return Validation(built.problems, built.not_used, built.warnings, built.notes)


def validate(raw_dir: str | Path, areas: Sequence[str] | None = None) -> list[DataProblem]:
    """Every problem in every file the suite would read (council files for ``areas``, or for
    every council folder found). An empty list means the data are ready. Files not used
    (e.g. nothing recognises them) are not problems here: see :func:`check`."""
    return check(raw_dir, areas).problems


def sources_listing(raw_dir: str | Path) -> list[dict]:
    """One entry per raw file (``asc sources``): path, tier, kind, edition, areas, periods,
    rows, or the reason it is not used."""
    from asclib.sources.official import summarise

    loaded = _load_all(raw_dir, None)
    out = []
    for raw, tables in loaded.frames:
        raw.edition_date(tables)
        out.append({"path": raw.display, "tier": raw.tier, "kind": raw.kind,
                    "edition": raw.edition_text(), "tables": sorted(tables),
                    **summarise(tables)})
    for item in [*loaded.not_used, *loaded.plan.unrecognised]:
        out.append({"path": item["path"], "tier": "official", "kind": "not used",
                    "reason": item["reason"]})
    for problem in loaded.problems:
        out.append({"path": problem.file, "tier": "?", "kind": "problem",
                    "reason": str(problem)})
    return out


# --------------------------------------------------------------------------- writing


def _fy_end(period: str) -> dt.date:
    return dt.date(int(period[:4]) + 1, 3, 31)


def data_date_of(tables: dict[str, pd.DataFrame]) -> str:
    """The latest period end in the data (YYYY-MM-DD)."""
    candidates: list[dt.date] = []
    ledger = tables.get("budget_ledger")
    if ledger is not None and not ledger.empty:
        candidates.append(max(_fy_end(p) for p in ledger["period"].unique()))
    outbreaks = tables.get("care_home_outbreaks")
    if outbreaks is not None and not outbreaks.empty:
        latest = pd.concat([outbreaks["date_declared"], outbreaks["date_closed"]]).max()
        if pd.notna(latest):
            candidates.append(latest.date())
    weekly = tables.get("weekly_deaths")
    if weekly is not None and not weekly.empty:
        year = int(weekly["year"].max())
        last = weekly.loc[weekly["year"] == year, "week"].max()
        try:
            candidates.append(dt.date.fromisocalendar(year, int(last), 5))
        except ValueError:
            candidates.append(dt.date(year, 12, 31))
    if not candidates:
        finance = tables.get("asc_finance")
        if finance is not None and not finance.empty:
            candidates.append(max(_fy_end(p) for p in finance["period"].unique()))
    return max(candidates).isoformat() if candidates else "1970-01-01"


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """One typed table as Parquet (pyarrow; the same frame gives the same bytes)."""
    frame.to_parquet(path, engine="pyarrow", index=False, compression="zstd")


def is_up_to_date(raw_dir: str | Path, processed_dir: str | Path) -> bool:
    """True when ``processed_dir`` was prepared from exactly the raw files ``prepare`` would
    read now (same paths, same SHA-256, official files not used included), so preparing again
    would write the same tables."""
    manifest_path = Path(processed_dir) / MANIFEST
    if not manifest_path.exists():
        return False
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if manifest.get("format") != "parquet":
        return False
    recorded = {(source["path"], source["sha256"])
                for entry in manifest.get("tables", {}).values()
                for source in entry.get("sources", [])}
    recorded |= {(item["path"], item.get("sha256", "")) for item in manifest.get("not_used", [])}
    plan = plan_sources(raw_dir, None)
    if plan.problems:
        return False
    current = {(display_path(path), sha256_file(path))
               for raw in plan.files for path in (raw.path, *raw.companions)}
    current |= {(item["path"], _sha_of_display(raw_dir, item["path"]))
                for item in [*plan.unrecognised, *plan.not_used]}
    return current == recorded


def _sha_of_display(raw_dir: str | Path, shown: str) -> str:
    from asclib.paths import PROJECT_ROOT

    path = Path(shown)
    if not path.is_absolute():
        path = PROJECT_ROOT / path
    return sha256_file(path) if path.exists() else ""


def prepare(raw_dir: str | Path, processed_dir: str | Path,
            areas: Sequence[str] | None = None) -> dict:
    """Validate the raw data and write every processed table plus ``_manifest.json``.

    Raises InputDataError (every problem) before writing anything. Tables are written into a
    temporary folder beside ``processed_dir`` which then replaces it, so a failed prepare never
    leaves half-written processed data. Files not used and disagreements between files are
    logged (``asclib.prepare`` logger) and recorded in the manifest. Returns the manifest.
    """
    built = build_tables(raw_dir, areas)
    if built.problems:
        raise InputDataError(built.problems)
    for item in built.not_used:
        log.warning("%s: not used: %s", item["path"], item["reason"])
    for message in built.warnings:
        log.warning("warning: %s", message)
    for note in built.notes:
        log.warning("note: %s", note)
    not_used = [{"path": item["path"], "reason": item["reason"],
                 "sha256": _sha_of_display(raw_dir, item["path"])} for item in built.not_used]
    manifest: dict = {"format": "parquet", "tables": {}, "data_date": data_date_of(built.tables),
                      "not_used": not_used, "warnings": built.warnings, "notes": built.notes}
    target = Path(processed_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    staging.chmod(0o755)
    try:
        for name in sorted(built.tables):
            path = staging / f"{name}.parquet"
            write_parquet(built.tables[name], path)
            entry = built.entries[name]
            manifest["tables"][name] = {"file": path.name, "sha256": sha256_file(path),
                                        "rows": int(len(built.tables[name])),
                                        "illustrative": bool(entry["illustrative"]),
                                        "sources": entry["sources"]}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n",
                                        encoding="utf-8")
        readme = target / "README.md"
        if readme.exists():
            shutil.copy2(readme, staging / "README.md")
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
            old.rmdir()
            target.rename(old)
        staging.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def not_used(processed_dir: str | Path) -> list[dict]:
    """The files the last prepare did not use ([{path, reason, sha256}]), from the processed
    manifest (for ``asc run`` to log and copy into its own manifest); [] when none."""
    manifest_path = Path(processed_dir) / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return list(manifest.get("not_used", []))
