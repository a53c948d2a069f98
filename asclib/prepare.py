"""Validate every raw input file and write the tidy processed tables (``asc validate`` /
``asc prepare``).

Which file feeds which table (docs/ARCHITECTURE.md):

- ``lookups/local_authorities.csv`` -> local_authorities;
- ``published/*.csv`` (real extracts and seed figures) -> one table each;
- ``fingertips/indicators.csv`` + ``indicator_metadata.csv`` -> indicators, indicator_metadata
  (``raw/fingertips/`` from ``asc fetch`` wins over ``demo/fingertips/``);
- ``ons/weekly_deaths_la.csv`` -> weekly_deaths (``raw/ons/`` wins over ``demo/ons/``);
- ``council/<code>/*.xlsx`` -> budget_ledger, day_service_placements, care_home_outbreaks (a
  council's own export in ``raw/council/<code>/`` wins over ``demo/council/<code>/``).

A table is ``illustrative`` when any of its rows come from ``demo/``. ``data_date`` is the latest
period end the data hold (financial year end of the ledger, last weekly-deaths week, last
outbreak date), never today's date, so the same inputs give the same outputs.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from asclib.errors import DataProblem, InputDataError, display_path
from asclib.sources._common import sha256_file

MANIFEST = "_manifest.json"


@dataclass(frozen=True)
class Source:
    """One raw file behind a processed table."""

    table: str
    path: Path
    loader: Callable[[Path], pd.DataFrame]
    illustrative: bool
    area_code: str | None = None


def _published_loader(name: str) -> Callable[[Path], pd.DataFrame]:
    from asclib.sources.published import PUBLISHED_FILES, load_tidy_csv

    schema = PUBLISHED_FILES[name][1]
    return lambda path: load_tidy_csv(path, schema)


def _weekly_loader(illustrative: bool) -> Callable[[Path], pd.DataFrame]:
    def load(path: Path) -> pd.DataFrame:
        from asclib.sources.ons_weekly_deaths import load_la_weekly_csv

        frame = load_la_weekly_csv(path)
        frame["illustrative"] = illustrative
        return frame
    return load


def _council_areas(raw_dir: Path) -> list[str]:
    from asclib.sources.council import area_code_from_path

    codes: set[str] = set()
    for base in (raw_dir / "council", raw_dir / "demo" / "council"):
        if base.is_dir():
            codes.update(p.name for p in base.iterdir()
                         if p.is_dir() and area_code_from_path(p / "x") == p.name)
    return sorted(codes)


def plan_sources(raw_dir: str | Path, areas: Sequence[str] | None = None
                 ) -> tuple[list[Source], list[DataProblem]]:
    """The file behind each table (with precedence applied) and problems for missing files."""
    from asclib.sources.council import COUNCIL_FILES
    from asclib.sources.fingertips import load_fingertips_export, load_indicator_metadata
    from asclib.sources.la_lookup import load_lookup
    from asclib.sources.published import PUBLISHED_FILES

    raw = Path(raw_dir)
    sources: list[Source] = []
    problems: list[DataProblem] = []

    def need(table: str, candidates: list[tuple[Path, bool]], loader_for, hint: str) -> None:
        for path, illustrative in candidates:
            if path.exists():
                sources.append(Source(table, path, loader_for(illustrative), illustrative))
                return
        problems.append(DataProblem(display_path(candidates[0][0]), f"file not found: {hint}"))

    need("local_authorities", [(raw / "lookups" / "local_authorities.csv", False)],
         lambda _: load_lookup, "run scripts/extract_published.py (bundled with the project)")
    for name, (relative, _) in PUBLISHED_FILES.items():
        hint = ("the seed figures are bundled with the project" if name == "seed_figures"
                else "run scripts/extract_published.py")
        need(name, [(raw / relative, False)], lambda _, n=name: _published_loader(n), hint)
    demo_hint = "run `asc demo-data` or `asc fetch`"
    need("indicators", [(raw / "fingertips" / "indicators.csv", False),
                        (raw / "demo" / "fingertips" / "indicators.csv", True)],
         lambda _: load_fingertips_export, demo_hint)
    need("indicator_metadata", [(raw / "fingertips" / "indicator_metadata.csv", False),
                                (raw / "demo" / "fingertips" / "indicator_metadata.csv", True)],
         lambda _: load_indicator_metadata, demo_hint)
    need("weekly_deaths", [(raw / "ons" / "weekly_deaths_la.csv", False),
                           (raw / "demo" / "ons" / "weekly_deaths_la.csv", True)],
         _weekly_loader, "run `asc demo-data` or save the ONS CSV as data/raw/ons/"
                         "weekly_deaths_la.csv")
    codes = list(dict.fromkeys(areas)) if areas else _council_areas(raw)
    for code in codes:
        for filename, (table, loader) in COUNCIL_FILES.items():
            for path, illustrative in ((raw / "council" / code / filename, False),
                                       (raw / "demo" / "council" / code / filename, True)):
                if path.exists():
                    sources.append(Source(table, path,
                                          lambda p, f=loader, c=code: f(p, area_code=c),
                                          illustrative, code))
                    break
    return sources, problems


def is_up_to_date(raw_dir: str | Path, processed_dir: str | Path) -> bool:
    """True when ``processed_dir`` was prepared from exactly the raw files ``prepare`` would
    read now (same paths, same SHA-256), so preparing again would write the same tables."""
    manifest_path = Path(processed_dir) / MANIFEST
    if not manifest_path.exists():
        return False
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    recorded = {(source["path"], source["sha256"])
                for entry in manifest.get("tables", {}).values()
                for source in entry.get("sources", [])}
    sources, problems = plan_sources(raw_dir, None)
    if problems:
        return False
    current = {(display_path(source.path), sha256_file(source.path)) for source in sources}
    return current == recorded


def _load_all(raw_dir: str | Path, areas: Sequence[str] | None
              ) -> tuple[list[tuple[Source, pd.DataFrame]], list[DataProblem]]:
    sources, problems = plan_sources(raw_dir, areas)
    loaded: list[tuple[Source, pd.DataFrame]] = []
    for source in sources:
        try:
            loaded.append((source, source.loader(source.path)))
        except InputDataError as exc:
            problems.extend(exc.problems)
    return loaded, problems


def validate(raw_dir: str | Path, areas: Sequence[str] | None = None) -> list[DataProblem]:
    """Every problem in every file the suite would read (council files for ``areas``, or for
    every council folder found). An empty list means the data are ready."""
    return _load_all(raw_dir, areas)[1]


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
        last = weekly.loc[weekly["year"] == weekly["year"].max(), "week"].max()
        year = int(weekly["year"].max())
        try:
            candidates.append(dt.date.fromisocalendar(year, int(last), 5))
        except ValueError:
            candidates.append(dt.date(year, 12, 31))
    if not candidates:
        finance = tables.get("asc_finance")
        if finance is not None and not finance.empty:
            candidates.append(max(_fy_end(p) for p in finance["period"].unique()))
    return max(candidates).isoformat() if candidates else "1970-01-01"


def _to_csv(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    out.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def prepare(raw_dir: str | Path, processed_dir: str | Path,
            areas: Sequence[str] | None = None) -> dict:
    """Validate the raw data and write every processed table plus ``_manifest.json``.

    Raises InputDataError (every problem) before writing anything. Tables are written into a
    temporary folder beside ``processed_dir`` which then replaces it, so a failed prepare never
    leaves half-written processed data. Returns the manifest.
    """
    loaded, problems = _load_all(raw_dir, areas)
    if problems:
        raise InputDataError(problems)
    from asclib.data import TABLE_COLUMNS

    frames: dict[str, list[pd.DataFrame]] = {}
    entries: dict[str, dict] = {}
    for source, frame in loaded:
        frames.setdefault(source.table, []).append(frame)
        entry = entries.setdefault(source.table, {"illustrative": False, "sources": []})
        entry["illustrative"] = entry["illustrative"] or source.illustrative
        record = {"path": display_path(source.path), "sha256": sha256_file(source.path)}
        if source.area_code:
            record["area_code"] = source.area_code
            record["illustrative"] = source.illustrative
        entry["sources"].append(record)
    tables: dict[str, pd.DataFrame] = {}
    for name, parts in frames.items():
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        columns = TABLE_COLUMNS.get(name)
        if columns is not None:
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                raise InputDataError(DataProblem(entries[name]["sources"][0]["path"],
                                                 f"loader gave no column(s) {missing} for "
                                                 f"table {name}"))
            frame = frame[columns]
        tables[name] = frame.reset_index(drop=True)
    manifest = {"tables": {}, "data_date": data_date_of(tables)}
    target = Path(processed_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    staging.chmod(0o755)
    try:
        for name in sorted(tables):
            _to_csv(tables[name], staging / f"{name}.csv")
            manifest["tables"][name] = {"file": f"{name}.csv", "rows": int(len(tables[name])),
                                        "illustrative": bool(entries[name]["illustrative"]),
                                        "sources": entries[name]["sources"]}
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
