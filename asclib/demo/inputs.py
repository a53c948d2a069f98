"""What the demo generator reads: the lookup of areas, mid-2020 population, the real ASC-FR
council totals and the real ONS monthly death registrations; and the per-area random seeds.

The files are our own tidy extracts (``data/raw/lookups``, ``data/raw/published``), read with
plain pandas so that the generator depends on nothing but their columns.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from asclib.constants import ENGLAND_CODE, EXAMPLE_AREA_CODE
from asclib.errors import DataProblem, InputDataError

EXAMPLE_AREA = EXAMPLE_AREA_CODE
ILLUSTRATIVE_NOTE = ("ILLUSTRATIVE demo data made by `asc demo-data` (fixed seed): not real "
                     "records of any council")
ENGLAND = ENGLAND_CODE
#: English regions; used only when the lookup lacks its region_name column.
REGION_NAMES = {
    "E12000001": "North East", "E12000002": "North West", "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands", "E12000005": "West Midlands", "E12000006": "East",
    "E12000007": "London", "E12000008": "South East", "E12000009": "South West",
}
_AGE_STARTS = tuple(range(0, 95, 5))  # 5-year bands 0-4 ... 85-89, then 90+


def rng_for(area_code: str, component: str) -> np.random.Generator:
    """A generator seeded from the area and the kind of record only (crc32 of both), so the
    same inputs give the same bytes and adding an area changes no other area's records."""
    return np.random.default_rng(zlib.crc32(f"asc-demo/{area_code}/{component}".encode()))


def exact_split(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole numbers in proportion to ``weights`` that add up to ``total`` (largest
    remainder)."""
    raw = total * weights / weights.sum()
    out = np.floor(raw).astype(np.int64)
    remainder = total - int(out.sum())
    out[np.argsort(-(raw - out), kind="stable")[:remainder]] += 1
    return out


@dataclass(frozen=True)
class FinanceTarget:
    """The totals a council's illustrative ledger is calibrated to.

    ``period`` is the ASC-FR year of the real figures (None when the council has no ASC-FR
    row: then ``gross_gbp`` / ``income_gbp`` are scaled from its adult population)."""

    period: str | None
    gross_gbp: int
    income_gbp: int
    net_gbp: float


@dataclass
class Areas:
    """What the generator knows about areas: names, regions, population by age, ASC-FR totals
    and real monthly deaths."""

    lookup: pd.DataFrame
    population: pd.DataFrame  # index area_code, columns age bands (persons, mid-2020)
    finance: pd.DataFrame = field(default_factory=pd.DataFrame)  # period, area_code, gross...
    monthly_deaths: pd.DataFrame = field(default_factory=pd.DataFrame)  # year, month, code...
    region_names: dict[str, str] = field(default_factory=dict)  # E12 code -> name
    _names: dict[str, str] = field(default_factory=dict, repr=False)
    _regions: dict[str, str] = field(default_factory=dict, repr=False)
    _pop: dict[tuple[str, int, int], float] = field(default_factory=dict, repr=False)
    _targets: dict[str, FinanceTarget] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        codes = self.lookup["area_code"].astype(str)
        self._names = dict(zip(codes, self.lookup["area_name"].astype(str), strict=True))
        self._regions = dict(zip(codes, self.lookup["region_code"].astype(str), strict=True))
        if not self.region_names:
            named = self.lookup[self.lookup["region_code"].astype(str).str.startswith("E12")]
            if "region_name" in named.columns:
                self.region_names = dict(sorted(zip(named["region_code"].astype(str),
                                                    named["region_name"].astype(str), strict=True)))
            self.region_names = self.region_names or dict(REGION_NAMES)

    # ------------------------------------------------------------------ names and regions
    def name(self, code: str) -> str:
        if code in self._names:
            return self._names[code]
        return self.region_names.get(code, "England" if code == ENGLAND else code)

    def region(self, code: str) -> str:
        return self._regions.get(code, ENGLAND)

    def asc_councils(self) -> list[str]:
        """English councils with adult social care responsibilities, in lookup order."""
        rows = self.lookup[self.lookup["asc_authority"]
                           & self.lookup["area_code"].astype(str).str.startswith("E")]
        return rows["area_code"].astype(str).tolist()

    # ------------------------------------------------------------------ population
    def pop(self, code: str, low: int = 0, high: int = 200) -> float:
        """Population aged ``low`` to ``high`` (5-year bands; 90+ counts as 90-200)."""
        key = (code, low, high)
        if key not in self._pop:
            if code not in self.population.index:
                row = self.population.sum() * (250_000.0 / 56_550_138.0)
            else:
                row = self.population.loc[code]
            total = 0.0
            for band, value in row.items():
                start = int(str(band).rstrip("+").split("-")[0])
                if low <= start <= high:
                    total += float(value)
            self._pop[key] = total
        return self._pop[key]

    # ------------------------------------------------------------------ ASC-FR totals
    def finance_target(self, code: str) -> FinanceTarget:
        """The council's latest real ASC-FR gross / income (whole pounds), or, where the
        council has no row (e.g. a council formed after the data year), the England rate per
        adult (18+) of the councils that have one times its own adult population."""
        if code in self._targets:
            return self._targets[code]
        rows = self.finance[self.finance["area_code"] == code] if not self.finance.empty \
            else self.finance
        rows = rows.dropna(subset=["gross_gbp", "income_gbp"]) if not rows.empty else rows
        if not rows.empty:
            latest = rows.sort_values("period").iloc[-1]
            target = FinanceTarget(str(latest["period"]), int(round(latest["gross_gbp"])),
                                   int(round(latest["income_gbp"])), float(latest["net_gbp"]))
        else:
            gross_rate, income_share = self._england_rates()
            gross = int(round(gross_rate * self.pop(code, 18), -3))
            target = FinanceTarget(None, gross, int(round(gross * income_share, -3)),
                                   float(gross - int(round(gross * income_share, -3))))
        self._targets[code] = target
        return target

    def _england_rates(self) -> tuple[float, float]:
        """Gross per adult and income share of the councils with an ASC-FR row (latest year);
        a typical council's figures when the extract is absent."""
        if self.finance.empty:
            return 540.0, 0.28
        latest = self.finance[self.finance["period"] == self.finance["period"].max()]
        latest = latest.dropna(subset=["gross_gbp", "income_gbp"])
        latest = latest[latest["area_code"].isin(self.population.index)]
        adults = sum(self.pop(c, 18) for c in latest["area_code"])
        gross = float(latest["gross_gbp"].sum())
        if not adults or not gross:
            return 540.0, 0.28
        return gross / adults, float(latest["income_gbp"].sum()) / gross

    # ------------------------------------------------------------------ monthly deaths
    def real_monthly_deaths(self, code: str) -> dict[tuple[int, int], int]:
        """Real registrations by (year, month) for the area (empty when it has none)."""
        if self.monthly_deaths.empty:
            return {}
        rows = self.monthly_deaths[(self.monthly_deaths["area_code"] == code)
                                   & self.monthly_deaths["deaths"].notna()]
        return {(int(y), int(m)): int(round(d))
                for y, m, d in zip(rows["year"], rows["month"], rows["deaths"], strict=True)}


def _read(path: Path, columns: list[str], *, required: bool) -> pd.DataFrame:
    if not path.exists():
        if required:
            raise InputDataError(DataProblem(str(path), "file not found; the demo generator "
                                             "needs it (run scripts/extract_published.py)"))
        return pd.DataFrame(columns=columns)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputDataError([DataProblem(str(path), "required column is missing", column=c)
                              for c in missing])
    return frame[columns]


def _numeric(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        out[column] = pd.to_numeric(out[column].str.replace(",", "").str.strip()
                                    .replace("", np.nan), errors="coerce")
    return out


def load_inputs(raw_dir: Path) -> Areas:
    """Read the lookup (required), population, ASC-FR totals and monthly deaths under
    ``raw_dir`` (``lookups/``, ``published/``)."""
    lookup_path = raw_dir / "lookups" / "local_authorities.csv"
    lookup = _read(lookup_path, ["area_code", "area_name", "region_code", "asc_authority"],
                   required=True)
    header = pd.read_csv(lookup_path, dtype=str, nrows=0).columns
    if "region_name" in header:
        lookup["region_name"] = pd.read_csv(lookup_path, dtype=str, keep_default_na=False,
                                            usecols=["region_name"])["region_name"]
    lookup = lookup.assign(
        area_code=lookup["area_code"].str.strip(),
        asc_authority=lookup["asc_authority"].str.strip().str.lower().isin(["true", "1", "yes"]))
    pop = _numeric(_read(raw_dir / "published" / "population_mid2020.csv",
                         ["area_code", "year", "sex", "age_band", "population"], required=False),
                   ["population"])
    if not pop.empty:
        persons = pop[pop["sex"].str.strip().str.lower().isin(["persons", "all", "p", "total"])]
        table = (persons if not persons.empty else pop).pivot_table(
            index="area_code", columns="age_band", values="population", aggfunc="sum")
    else:  # flat profile; only so the generator still runs without the extract
        bands = [f"{a}-{a + 4}" for a in _AGE_STARTS[:-1]] + ["90+"]
        table = pd.DataFrame(columns=bands, dtype=float)
    if ENGLAND not in table.index and not table.empty:
        members = lookup.loc[lookup["asc_authority"], "area_code"]
        table.loc[ENGLAND] = table.reindex(members).sum()
    finance = _numeric(_read(raw_dir / "published" / "asc_finance.csv",
                             ["period", "area_code", "gross_gbp", "income_gbp", "net_gbp"],
                             required=False), ["gross_gbp", "income_gbp", "net_gbp"])
    monthly = _numeric(_read(raw_dir / "published" / "monthly_deaths_by_la.csv",
                             ["year", "month", "area_code", "deaths"], required=False),
                       ["year", "month", "deaths"])
    return Areas(lookup=lookup, population=table, finance=finance, monthly_deaths=monthly)
