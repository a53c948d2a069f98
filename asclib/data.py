"""The notebooks' access to the processed tables (``data/processed/``, written by
``asc prepare``).

>>> data = open_data()                                  # doctest: +SKIP
>>> ledger = data.table("budget_ledger", area_code="E08000014")   # doctest: +SKIP

Every table comes back typed as ``asc prepare`` validated and stored it (Parquet: counts stay
integers, dates stay dates; nothing is re-typed here); every read is
recorded so a report can list the raw files (with SHA-256) behind its figures (``inputs``) and
say whether any of them are illustrative demo records (``illustrative``).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from asclib import paths
from asclib.constants import ENGLAND_CODE
from asclib.tables import COUNCIL_TABLES, TABLES  # noqa: E402  (the one registry)


def __getattr__(name: str):
    if name == "TABLE_COLUMNS":  # processed table -> columns in order, from the registry
        return {table: entry.columns for table, entry in TABLES.items()}
    raise AttributeError(name)


class DataNotReadyError(LookupError):
    """Processed data are missing, or a table has no rows for the area asked for. The
    message says which table and which command to run."""


def _codes(area_code: str | Sequence[str]) -> tuple[str, ...]:
    """One area code or several, as a tuple without repeats (order kept)."""
    return ((area_code,) if isinstance(area_code, str)
            else tuple(dict.fromkeys(str(code) for code in area_code)))


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
        self._cache: dict[str, pd.DataFrame] = {}  # whole tables
        self._area_cache: dict[tuple[str, tuple[str, ...]], pd.DataFrame] = {}  # areas' rows
        self._codes_cache: dict[str, set[str]] = {}  # the area codes of a table
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
        frame = pd.read_parquet(self._path(name), engine="pyarrow")
        self._cache[name] = frame
        return frame

    def _load_area(self, name: str, area_codes: tuple[str, ...]) -> pd.DataFrame:
        """The rows of ``area_codes`` in a table, in file order. Taken from the cached whole
        table when it is loaded; otherwise only those rows are converted from Parquet (pyarrow
        filters the rows before pandas sees them: with every council's records, a table is
        10-150 times larger than one council's share)."""
        if name in self._cache:
            frame = self._cache[name]
            return frame[frame["area_code"].isin(area_codes)].reset_index(drop=True)
        if (name, area_codes) not in self._area_cache:
            self._area_cache[name, area_codes] = pd.read_parquet(
                self._path(name), engine="pyarrow",
                filters=[("area_code", "in", list(area_codes))])
        return self._area_cache[name, area_codes]

    def _area_codes(self, name: str) -> set[str]:
        """The area codes a table holds: from the whole table when it is loaded, otherwise
        from its ``area_code`` column only."""
        if name not in self._codes_cache:
            if name in self._cache:
                codes = self._cache[name]["area_code"].dropna()
            else:
                import pyarrow.parquet as pq

                codes = pq.read_table(self._path(name), columns=["area_code"]).column(0)
                codes = codes.drop_null().unique().to_pylist()
            self._codes_cache[name] = set(codes)
        return self._codes_cache[name]

    def _path(self, name: str) -> Path:
        entry = self.manifest.get("tables", {}).get(name)
        if entry is None:
            if name in TABLES:
                raise DataNotReadyError(
                    f"table {name!r} is not in the processed data ({self.data_dir}): run "
                    "`asc prepare` after adding its raw files (see README)")
            close = difflib.get_close_matches(name, list(TABLES), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise KeyError(f"unknown table {name!r}{hint}; tables: {', '.join(self.tables)}")
        path = self.data_dir / entry["file"]
        if path.suffix != ".parquet":
            raise DataNotReadyError(f"processed data in {self.data_dir} were written by an older "
                                    "version (CSV): run `asc prepare`")
        if not path.exists():
            raise DataNotReadyError(f"processed table {name!r} is missing ({path}): run "
                                    "`asc prepare`")
        # validated once at `asc prepare` (asclib.tables schema); trusted here
        return path

    def _record(self, name: str, area_code: str | None) -> None:
        entry = self.manifest["tables"][name]
        self._tables_read.add(name)
        for source in entry.get("sources", []):
            if area_code is not None and source.get("area_code") not in (None, area_code):
                continue
            if area_code is not None and area_code not in source.get("areas", [area_code]):
                continue  # this file gives no rows for the area read
            self._inputs[source["path"]] = {"path": source["path"], "sha256": source["sha256"]}
            if source.get("illustrative", entry.get("illustrative", False)):
                self._illustrative = True
        if area_code is None and entry.get("illustrative"):
            self._illustrative = True

    def table(self, name: str, area_code: str | Sequence[str] | None = None) -> pd.DataFrame:
        """A processed table, typed (as validated by ``asc prepare``); only ``area_code``'s rows
        if given, or the rows of several areas (e.g. ``[area, benchmark]``) in file order.

        Raises DataNotReadyError naming the table and the command to run when the processed
        data are missing or the area (the first area of a list) has no rows.
        """
        if area_code is None:
            frame = self._load(name)
            self._record(name, None)
            return frame.copy()
        codes = _codes(area_code)
        frame = self._load_area(name, codes)
        if frame.empty or (len(codes) > 1 and not (frame["area_code"] == codes[0]).any()):
            raise DataNotReadyError(self._no_rows_message(name, codes[0]))
        for code in codes:
            self._record(name, code)
        return frame.copy()

    def peek(self, name: str, area_code: str | Sequence[str] | None = None) -> pd.DataFrame:
        """A table (or the rows of the areas given) read to learn what the data hold, e.g.
        which years or periods, WITHOUT recording it as an input of the report: the report's
        provenance stays that of the rows it uses (read those with :meth:`table`). Do not
        modify the frame returned."""
        return self._load(name) if area_code is None else self._load_area(name, _codes(area_code))

    def has_rows(self, name: str, area_code: str | None = None) -> bool:
        """True when processed table ``name`` exists and (if given) holds rows for
        ``area_code``. Reads nothing into the inputs record: use it to decide whether an
        optional section can run, then read with :meth:`table`."""
        if name not in self.manifest.get("tables", {}):
            return False
        try:
            if area_code is None:
                return bool(len(self._load(name)))
            return area_code in self._area_codes(name)
        except DataNotReadyError:
            return False

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
