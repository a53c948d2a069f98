"""Deterministic ILLUSTRATIVE data for the suite (``asc demo-data``).

Writes made-up records, in the same layouts as the real files, into ``data/raw/demo/``:

- ``council/<code>/budget_ledger.xlsx``, ``day_service_placements.xlsx``,
  ``care_home_outbreaks.xlsx`` for each area (default: Sefton E08000014 and its 15 Oflog nearest
  neighbours);
- ``fingertips/indicators.csv`` (the 26-column Fingertips export) and
  ``fingertips/indicator_metadata.csv`` for 17 indicators, every upper-tier council in the lookup,
  the regions and England;
- ``ons/weekly_deaths_la.csv`` (the ONS CMD "weekly-deaths-local-authority" CSV) for the areas,
  their regions and England, 2015-2021.

Every random draw comes from ``numpy.random.default_rng`` seeded from a hash of the area code
and the kind of record, so the same inputs give the same bytes, and adding an area does not
change any other area's records. Sefton's records are calibrated so that the analyses reproduce
the figures its Market Position Statement (Dec 2020) and the Cabinet update (Feb 2021) publish
(see ``data/raw/published/seed_figures.csv``); other councils are scaled by population with
noise. Nothing here is a real record: every file says so.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from asclib import paths
from asclib.constants import ENGLAND_CODE
from asclib.errors import DataProblem, InputDataError

EXAMPLE_AREA = "E08000014"
#: Sefton's 15 Oflog nearest neighbours (oflog-asc-measures/NN.json), used when
#: data/raw/published/nearest_neighbours.csv is absent.
SEFTON_NEIGHBOURS: tuple[str, ...] = (
    "E06000001", "E06000003", "E06000005", "E06000012", "E06000026", "E06000027", "E06000047",
    "E06000057", "E06000058", "E08000007", "E08000013", "E08000015", "E08000022", "E08000024",
    "E08000033",
)
ENGLAND = ENGLAND_CODE
ILLUSTRATIVE_NOTE = ("ILLUSTRATIVE demo data made by `asc demo-data` (fixed seed): not real "
                     "records of any council")
_FIXED_TIME = dt.datetime(2021, 4, 1, 0, 0, 0)
_REGION_NAMES = {
    "E12000001": "North East", "E12000002": "North West", "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands", "E12000005": "West Midlands", "E12000006": "East",
    "E12000007": "London", "E12000008": "South East", "E12000009": "South West",
}


def _rng(area_code: str, component: str) -> np.random.Generator:
    """A generator seeded from the area and the kind of record only."""
    return np.random.default_rng(zlib.crc32(f"asc-demo/{area_code}/{component}".encode()))


# --------------------------------------------------------------------------- inputs


@dataclass
class Areas:
    """What the generator knows about areas: names, regions, populations by age."""

    lookup: pd.DataFrame
    population: pd.DataFrame  # index area_code, columns age bands (persons, mid-2020)

    def name(self, code: str) -> str:
        row = self.lookup.loc[self.lookup["area_code"] == code]
        if not row.empty:
            return str(row["area_name"].iloc[0])
        return _REGION_NAMES.get(code, "England" if code == ENGLAND else code)

    def region(self, code: str) -> str:
        row = self.lookup.loc[self.lookup["area_code"] == code]
        return str(row["region_code"].iloc[0]) if not row.empty else ENGLAND

    def pop(self, code: str, low: int = 0, high: int = 200) -> float:
        """Population aged ``low`` to ``high`` (5-year bands; 90+ counts as 90-200)."""
        if code not in self.population.index:
            scale = 250_000.0 / 56_550_138.0
            row = self.population.sum() * scale
        else:
            row = self.population.loc[code]
        total = 0.0
        for band, value in row.items():
            start = int(str(band).rstrip("+").split("-")[0])
            if low <= start <= high:
                total += float(value)
        return total


def _load_inputs(raw_dir: Path) -> Areas:
    from asclib.sources.la_lookup import load_lookup

    lookup_path = raw_dir / "lookups" / "local_authorities.csv"
    if not lookup_path.exists():
        raise InputDataError(DataProblem(str(lookup_path), "lookup of local authorities not "
                                         "found; run scripts/extract_published.py first"))
    lookup = load_lookup(lookup_path)
    pop_path = raw_dir / "published" / "population_mid2020.csv"
    if pop_path.exists():
        from asclib.sources.published import POPULATION, load_tidy_csv

        pop = load_tidy_csv(pop_path, POPULATION)
        sexes = pop["sex"].astype(str).str.lower()
        persons = pop[sexes.isin(["persons", "all", "p", "total"])]
        if persons.empty:
            persons = pop
        table = persons.pivot_table(index="area_code", columns="age_band", values="population",
                                    aggfunc="sum")
    else:  # flat England-like profile; only so the generator still runs without the extract
        bands = [f"{a}-{a + 4}" for a in range(0, 90, 5)] + ["90+"]
        table = pd.DataFrame(columns=bands, dtype=float)
    if ENGLAND not in table.index and not table.empty:
        members = lookup.loc[lookup["asc_authority"], "area_code"]
        table.loc[ENGLAND] = table.reindex(members).sum()
    return Areas(lookup=lookup, population=table)


def default_areas(raw_dir: Path | None = None) -> list[str]:
    """Sefton and its nearest neighbours (from published/nearest_neighbours.csv if present)."""
    raw_dir = Path(raw_dir) if raw_dir is not None else paths.RAW_DATA_DIR
    nn_path = raw_dir / "published" / "nearest_neighbours.csv"
    neighbours: list[str] = list(SEFTON_NEIGHBOURS)
    if nn_path.exists():
        frame = pd.read_csv(nn_path, dtype=str)
        mine = frame.loc[frame["area_code"] == EXAMPLE_AREA, "neighbour_code"].tolist()
        if mine:
            neighbours = mine
    return list(dict.fromkeys([EXAMPLE_AREA, *[c for c in neighbours if c != EXAMPLE_AREA]]))


# --------------------------------------------------------------------------- xlsx writing


def _write_xlsx(path: Path, sheet_title: str, title: str, header: Sequence[str],
                rows: Sequence[Sequence[object]], number_formats: dict[int, str]) -> Path:
    """A workbook with a title row, a blank row, the header (row 3) and the data, plus an
    "About" sheet; byte-identical across runs (fixed properties and zip timestamps)."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append([])
    sheet.append(list(header))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for column, fmt in number_formats.items():
        for (cell,) in sheet.iter_rows(min_row=4, min_col=column, max_col=column):
            cell.number_format = fmt
    for index, _ in enumerate(header, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = 22
    about = workbook.create_sheet("About")
    for line in (ILLUSTRATIVE_NOTE, "Layout: see README.md (council exports).",
                 "Generated by asclib.demo; regenerate with `asc demo-data`."):
        about.append([line])
    workbook.properties.creator = "asc demo-data"
    workbook.properties.lastModifiedBy = "asc demo-data"
    workbook.properties.title = title
    workbook.properties.created = _FIXED_TIME
    workbook.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_normalise_zip(buffer.getvalue()))
    return path


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry timestamps and a fixed docProps/core.xml timestamp."""
    stamp = _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re

                text = content.decode("utf-8")
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              lambda m: m.group(1) + stamp + m.group(3), text)
                content = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _fmt(value: float, digits: int = 6) -> str:
    """A number as CSV text with at most ``digits`` decimals and no trailing decimal zeros
    (whole numbers keep their zeros: 406000 stays 406000)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --------------------------------------------------------------------------- budget ledger

SERVICES = ("Long-term residential", "Long-term nursing", "Home care", "Supported living",
            "Direct payments", "Day care", "Short-term / reablement",
            "Equipment and adaptations", "Assessment and care management", "Other")
#: the service types counted as "care packages" (Sefton MPS: £107.7m)
CARE_PACKAGE_SERVICES = SERVICES[:6]
PSRS = ("Physical support", "Sensory support", "Support with memory and cognition",
        "Learning disability support", "Mental health support", "Social support")
_PH, _SE, _ME, _LD, _MH, _SO = range(6)

#: Sefton 2020/21 gross by service type (GBP): care packages sum to 107.7m, all to 153.3m.
SEFTON_SERVICE_GROSS_2020_21 = {
    "Long-term residential": 35_000_000, "Long-term nursing": 18_400_000,
    "Home care": 11_800_000, "Supported living": 21_000_000, "Direct payments": 13_500_000,
    "Day care": 8_000_000, "Short-term / reablement": 7_500_000,
    "Equipment and adaptations": 4_000_000, "Assessment and care management": 18_000_000,
    "Other": 16_100_000,
}
#: 18-64 gross in care homes: 8.0m + 2.68m = 10.68m = 20% of 53.4m.
SEFTON_UNDER_65_CARE_HOMES = {"Long-term residential": 8_000_000,
                              "Long-term nursing": 2_680_000}
_UNDER_65_SHARE = {"Long-term residential": 0.2286, "Long-term nursing": 0.1457,
                   "Home care": 0.16, "Supported living": 0.9, "Direct payments": 0.6,
                   "Day care": 0.7, "Short-term / reablement": 0.1,
                   "Equipment and adaptations": 0.3, "Assessment and care management": 0.4,
                   "Other": 0.4}
# PSR weights (physical, sensory, memory, LD, MH, social) by service and age band
_PSR_WEIGHTS = {
    ("Long-term residential", "18-64"): (.15, .01, .02, .55, .25, .02),
    ("Long-term residential", "65+"): (.45, .02, .40, .03, .08, .02),
    ("Long-term nursing", "18-64"): (.50, .02, .05, .20, .20, .03),
    ("Long-term nursing", "65+"): (.50, .01, .42, .01, .04, .02),
    ("Home care", "18-64"): (.55, .04, .03, .20, .15, .03),
    ("Home care", "65+"): (.70, .04, .20, .01, .03, .02),
    ("Supported living", "18-64"): (.07, 0, 0, .70, .20, .03),
    ("Supported living", "65+"): (.10, 0, .10, .50, .30, 0),
    ("Direct payments", "18-64"): (.45, .05, .02, .35, .08, .05),
    ("Direct payments", "65+"): (.70, .06, .15, .03, .03, .03),
    ("Day care", "18-64"): (.10, .03, 0, .80, .05, .02),
    ("Day care", "65+"): (.35, .03, .55, .07, 0, 0),
}
for _age in ("18-64", "65+"):
    _PSR_WEIGHTS[("Short-term / reablement", _age)] = (.80, .03, .10, 0, .05, .02)
    _PSR_WEIGHTS[("Equipment and adaptations", _age)] = (.85, .10, .05, 0, 0, 0)
    _PSR_WEIGHTS[("Assessment and care management", _age)] = (.40, .04, .15, .20, .15, .06)
    _PSR_WEIGHTS[("Other", _age)] = (.40, .04, .15, .20, .15, .06)
_INCOME_SHARE = {"Long-term residential": .30, "Long-term nursing": .22, "Home care": .06,
                 "Supported living": .08, "Direct payments": .03, "Day care": .03,
                 "Short-term / reablement": .04, "Equipment and adaptations": .04,
                 "Assessment and care management": .05, "Other": .15}


def _ledger_cells(service_gross: dict[str, int], under_65: dict[str, int],
                  psr_targets: dict[int, int], rng: np.random.Generator | None
                  ) -> dict[tuple[str, str, int], int]:
    """Whole-pound gross by (service, age band, PSR) meeting every total exactly."""
    groups: dict[tuple[str, str], int] = {}
    for service, total in service_gross.items():
        young = under_65.get(service, int(round(total * _UNDER_65_SHARE[service])))
        groups[(service, "18-64")] = young
        groups[(service, "65+")] = total - young
    weights = {}
    for key in groups:
        w = np.asarray(_PSR_WEIGHTS[key], dtype=float)
        if rng is not None:
            w = w * rng.lognormal(0, 0.15, size=6)
        weights[key] = w / w.sum()
    raw = {key: groups[key] * weights[key] for key in groups}
    if psr_targets:
        scale = {p: target / sum(raw[k][p] for k in raw) for p, target in psr_targets.items()}
        for key, cells in raw.items():
            fixed = sum(cells[p] * scale[p] for p in scale)
            others = [i for i in range(6) if i not in scale]
            rest = cells[others].sum()
            if rest > 0:
                factor = (groups[key] - fixed) / rest
                if factor <= 0:
                    raise ValueError(f"cannot meet PSR targets in {key}")
                cells[others] *= factor
            for p in scale:
                cells[p] *= scale[p]
    cells = {key: np.floor(values).astype(np.int64) for key, values in raw.items()}
    for key, values in cells.items():  # group totals exact: residual onto physical support
        values[_PH] += groups[key] - int(values.sum())
    for p, target in psr_targets.items():  # PSR totals exact: move pounds from physical
        residual = target - sum(int(v[p]) for v in cells.values())
        key = max(cells, key=lambda k: cells[k][p])
        cells[key][p] += residual
        cells[key][_PH] -= residual
    return {(s, a, p): int(v[p]) for (s, a), v in cells.items() for p in range(6) if v[p] > 0}


def _ledger_rows(code: str, period: str, cells: dict[tuple[str, str, int], int],
                 income_total: int, rng: np.random.Generator) -> list[list[object]]:
    lines: list[list[object]] = []
    for (service, age, psr), gross in sorted(cells.items(), key=lambda kv: (
            SERVICES.index(kv[0][0]), kv[0][1], kv[0][2])):
        parts = 1 if gross < 400_000 else int(rng.integers(1, 4))
        shares = rng.dirichlet(np.full(parts, 4.0)) if parts > 1 else np.ones(1)
        amounts = np.floor(shares * gross).astype(np.int64)
        amounts[-1] += gross - int(amounts.sum())
        for k, amount in enumerate(amounts, start=1):
            centre = (f"AS{SERVICES.index(service) + 1:02d}{psr + 1}"
                      f"{1 if age == '18-64' else 2}{k}")
            lines.append([period, centre, service, PSRS[psr], age, int(amount), 0])
    by_service: dict[str, int] = {}
    for line in lines:
        by_service[line[2]] = by_service.get(line[2], 0) + int(line[5])
    for line in lines:
        share = _INCOME_SHARE[line[2]] * income_total
        line[6] = int(np.floor(share * line[5] / by_service[line[2]]))
    largest = max(range(len(lines)), key=lambda i: lines[i][5] - lines[i][6])
    lines[largest][6] += income_total - sum(int(line[6]) for line in lines)
    return lines


def ledger_records(code: str, areas: Areas) -> list[list[object]]:
    """Ledger lines for 2019/20 and 2020/21 (Sefton: the published totals exactly)."""
    rng = _rng(code, "ledger")
    rows: list[list[object]] = []
    if code == EXAMPLE_AREA:
        cells = _ledger_cells(SEFTON_SERVICE_GROSS_2020_21, SEFTON_UNDER_65_CARE_HOMES,
                              {_LD: 28_000_000, _MH: 13_000_000}, None)
        earlier = {s: int(round(v * 0.965, -3)) for s, v in SEFTON_SERVICE_GROSS_2020_21.items()}
        earlier["Home care"] = 11_800_000
        cells_1920 = _ledger_cells(earlier, {}, {_MH: 13_000_000}, None)
        rows += _ledger_rows(code, "2019/20", cells_1920, 57_200_000, rng)
        rows += _ledger_rows(code, "2020/21", cells, 58_600_000, rng)
        return rows
    ratio = areas.pop(code, 18) / areas.pop(EXAMPLE_AREA, 18)
    now = {s: int(round(v * ratio * rng.lognormal(0, 0.1), -3))
           for s, v in SEFTON_SERVICE_GROSS_2020_21.items()}
    before = {s: int(round(v * rng.uniform(0.93, 0.99), -3)) for s, v in now.items()}
    for period, gross in (("2019/20", before), ("2020/21", now)):
        income = int(round(sum(gross.values()) * 58.6 / 153.3 * rng.lognormal(0, 0.06), -3))
        rows += _ledger_rows(code, period, _ledger_cells(gross, {}, {}, rng), income, rng)
    return rows


# --------------------------------------------------------------------------- day services


@dataclass(frozen=True)
class DayServiceTargets:
    clients: int
    direct_payment: int
    learning_disability: int
    under_60: int
    dp_rate: float
    rate_factor: float


_DAY_SERVICES = (
    # provider, service, client PSRs it serves, rate points (GBP/day), weight
    ("Seaview Day Opportunities", "Building-based day centre", "LD PH SE SO", (45, 52, 58, 64), 9),
    ("Seaview Day Opportunities", "Complex needs day service", "LD", (85, 96, 104, 110), 4),
    ("Brookside Resource Centre", "Building-based day centre", "LD PH SE SO", (48, 55, 62), 7),
    ("Brookside Resource Centre", "Dementia day care", "ME", (52, 60, 68, 75), 5),
    ("Meadow Lane Farm Project", "Work skills and social enterprise", "LD MH", (48, 53, 58), 4),
    ("Harbourside Day Club", "Dementia day care", "ME PH", (50, 57, 66), 4),
    ("Pathways Outreach", "Community outreach", "LD MH SO", (45, 50, 60), 4),
    ("Northgate Day Services", "Building-based day centre", "LD PH ME", (50, 56, 63, 70), 5),
    ("Northgate Day Services", "Complex needs day service", "LD", (88, 95, 102), 3),
)
_TINY_PROVIDER = ("Lighthouse Arts Collective", "Creative arts day service", (58, 60))
_PSR_CODES = {"PH": _PH, "SE": _SE, "ME": _ME, "LD": _LD, "MH": _MH, "SO": _SO}


def day_service_records(code: str, areas: Areas) -> list[list[object]]:
    """One row per current client (all placements open)."""
    rng = _rng(code, "day_services")
    if code == EXAMPLE_AREA:
        t = DayServiceTargets(648, 208, 389, 415, 45.0, 1.0)
    else:
        ratio = areas.pop(code, 18) / areas.pop(EXAMPLE_AREA, 18)
        n = max(40, int(round(648 * ratio * rng.lognormal(0, 0.15))))
        t = DayServiceTargets(n, int(round(n * rng.uniform(0.22, 0.38))),
                              int(round(n * rng.uniform(0.5, 0.65))),
                              int(round(n * rng.uniform(0.55, 0.68))),
                              float(round(45 * rng.uniform(0.9, 1.2))),
                              float(rng.uniform(0.9, 1.15)))
    n = t.clients
    # primary support reasons: exact LD count, the rest in fixed proportions
    others = n - t.learning_disability
    other_split = np.array([90, 15, 110, 30, 14], dtype=float)  # PH SE ME MH SO
    counts = np.floor(others * other_split / other_split.sum()).astype(int)
    counts[2] += others - counts.sum()
    psr = np.concatenate([np.full(t.learning_disability, _LD)] + [
        np.full(c, p) for c, p in zip(counts, (_PH, _SE, _ME, _MH, _SO), strict=True)])
    rng.shuffle(psr)
    # ages: exactly t.under_60 under 60, chosen with weights by PSR
    young_weight = np.array([1.2, 1.5, 0.1, 5.0, 3.0, 1.5])[psr]
    young = np.zeros(n, dtype=bool)
    young[rng.choice(n, size=t.under_60, replace=False, p=young_weight / young_weight.sum())] = True
    age = np.where(young, 18 + np.minimum(41, rng.gamma(2.0, 8.0, n)).astype(int),
                   np.where(psr == _ME, 70 + np.minimum(25, rng.gamma(2.5, 4.0, n)),
                            60 + np.minimum(30, rng.gamma(1.5, 6.0, n))).astype(int))
    # funding: exactly t.direct_payment direct payments, more likely for younger LD clients
    dp_weight = np.where(psr == _LD, 2.0, 1.0) * np.where(young, 1.5, 0.7)
    direct = np.zeros(n, dtype=bool)
    chosen = rng.choice(n, size=t.direct_payment, replace=False, p=dp_weight / dp_weight.sum())
    direct[chosen] = True
    # service placement
    options = [(p, s, {_PSR_CODES[c] for c in psrs.split()}, rates, w)
               for p, s, psrs, rates, w in _DAY_SERVICES]
    rows: list[list[object]] = []
    tiny_left = 3
    client_numbers = rng.choice(np.arange(100_000, 999_999), size=n, replace=False)
    for i in range(n):
        fits = [o for o in options if psr[i] in o[2]]
        weights = np.array([o[4] for o in fits], dtype=float)
        provider, service, _, rates, _ = fits[int(rng.choice(len(fits), p=weights / weights.sum()))]
        if tiny_left and psr[i] == _LD and not direct[i] and i % 50 == 7:
            provider, service, rates = _TINY_PROVIDER[0], _TINY_PROVIDER[1], _TINY_PROVIDER[2]
            tiny_left -= 1
        if direct[i]:
            rate = t.dp_rate
        else:
            rate = float(round(rates[int(rng.integers(len(rates)))] * t.rate_factor))
        complex_service = "Complex" in service
        top_up = 0.0
        if not direct[i] and psr[i] == _LD and rng.random() < (0.35 if complex_service else 0.03):
            top_up = float(rng.choice([25, 30, 40, 55]))
        need = "complex" if complex_service or top_up else ("enhanced" if rate >= 62 or
                                                            psr[i] == _ME else "standard")
        days = float(rng.choice([0.5, 1, 2, 3, 4, 5], p=[.04, .16, .27, .25, .13, .15]))
        start_year = int(np.clip(2020 - rng.gamma(1.6, 3.0 if young[i] else 1.8), 2005, 2020))
        start = dt.date(start_year, int(rng.integers(1, 13)), int(rng.integers(1, 29)))
        rows.append([f"DS{client_numbers[i]:06d}", int(age[i]), PSRS[psr[i]], provider, service,
                     need, rate, days, "Direct payment" if direct[i] else "Commissioned",
                     top_up if top_up else None, start, None])
    if code == EXAMPLE_AREA:  # the published range: lowest 45, highest 110
        commissioned = [r for r in rows if r[8] == "Commissioned"]
        complex_rows = [r for r in commissioned if "Complex" in r[4]]
        complex_rows[0][6] = 110.0
        outreach = [r for r in commissioned if r[4] == "Community outreach"]
        outreach[0][6] = 45.0
    rows.sort(key=lambda r: (r[3], r[4], r[0]))
    return rows


# --------------------------------------------------------------------------- outbreaks

_HOME_WORDS = ("Oakfield", "Beechwood", "Ashgrove", "Hollybank", "Meadowside", "Riverside",
               "Elmhurst", "Sandhills", "Marina", "Westcliffe", "Larchmont", "Fernlea",
               "Willowbrook", "Cedar", "Highfield", "Rosewood", "Birchwood", "Laurel", "Heather",
               "Park View", "Bay Tree", "Kingsway", "Hawthorn", "Southlands", "Greenbank")
_HOME_KINDS = ("House", "Lodge", "Court", "Manor", "Care Home", "Nursing Home", "Hall", "Grange")
OUTBREAK_REFERENCE_DATE = dt.date(2021, 1, 31)


def _home_names(count: int, rng: np.random.Generator) -> list[str]:
    combos = [f"{w} {k}" for w in _HOME_WORDS for k in _HOME_KINDS]
    order = rng.permutation(len(combos))
    return [combos[order[i % len(combos)]] + ("" if i < len(combos) else f" {i // len(combos) + 1}")
            for i in range(count)]


def outbreak_records(code: str, areas: Areas) -> list[list[object]]:
    """Outbreaks declared from March 2020 to March 2021 (Sefton: 43 open on 31 Jan 2021 with
    199 resident and 226 staff cases among them)."""
    rng = _rng(code, "outbreaks")
    if code == EXAMPLE_AREA:
        homes, open_n, residents_total, staff_total = 131, 43, 199, 226
    else:
        ratio = areas.pop(code, 65) / areas.pop(EXAMPLE_AREA, 65)
        homes = max(15, int(round(131 * ratio * rng.lognormal(0, 0.1))))
        open_n = int(round(homes * rng.uniform(0.2, 0.38)))
        residents_total = int(round(open_n * rng.uniform(3.5, 5.5)))
        staff_total = int(round(open_n * rng.uniform(4.0, 6.0)))
    names = _home_names(homes, rng)
    ids = [f"CH{i + 1:04d}" for i in range(homes)]
    taken: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    rows: list[list[object]] = []

    def add(home: int, start: dt.date, end: dt.date | None, residents: int, staff: int) -> None:
        taken.setdefault(home, []).append((start, end))
        rows.append([ids[home], names[home], start, end, residents, staff])

    # open on the reference date: declared 20 Dec - 31 Jan, closed Feb - Mar 2021
    open_homes = rng.choice(homes, size=open_n, replace=False)
    res = 1 + rng.multinomial(residents_total - open_n, rng.dirichlet(np.full(open_n, 1.5)))
    stf = 1 + rng.multinomial(staff_total - open_n, rng.dirichlet(np.full(open_n, 1.5)))
    for k, home in enumerate(open_homes):
        start = dt.date(2020, 12, 20) + dt.timedelta(days=int(rng.integers(0, 43)))
        end = max(start + dt.timedelta(days=int(rng.integers(28, 57))), dt.date(2021, 2, 3))
        add(int(home), start, end, int(res[k]), int(stf[k]))
    # waves that closed before the reference date, and a few new ones in spring 2021
    waves = ((dt.date(2020, 3, 16), 75, 0.34, 7.0), (dt.date(2020, 6, 15), 100, 0.04, 2.0),
             (dt.date(2020, 9, 25), 75, 0.28, 4.0), (dt.date(2021, 2, 5), 50, 0.06, 2.0))
    for first, span, share, mean_cases in waves:
        for home in rng.choice(homes, size=int(round(homes * share)), replace=False):
            start = first + dt.timedelta(days=int(rng.integers(0, span)))
            end: dt.date | None = start + dt.timedelta(days=int(rng.integers(28, 50)))
            if start < OUTBREAK_REFERENCE_DATE:
                end = min(end, OUTBREAK_REFERENCE_DATE - dt.timedelta(days=1))
                if (end - start).days < 28:
                    continue
            elif end > dt.date(2021, 3, 31):
                end = None  # still open when the log was exported
            far = dt.date(2100, 1, 1)
            if any(start <= (e or far) and s <= (end or far)
                   for s, e in taken.get(int(home), [])):
                continue
            add(int(home), start, end, int(1 + rng.poisson(mean_cases)),
                int(1 + rng.poisson(mean_cases * 0.8)))
    rows.sort(key=lambda r: (r[2], r[0]))
    return rows


# --------------------------------------------------------------------------- fingertips


@dataclass(frozen=True)
class Indicator:
    indicator_id: int
    name: str
    domain: str
    polarity: str
    unit: str
    value_type: str  # "DSR", "crude", "proportion", "mean"
    multiplier: float
    age: str
    age_range: tuple[int, int]
    periods: tuple[str, ...]
    england: tuple[float, ...]
    sefton_ratio: tuple[float, ...]  # Sefton / England by period (JSNA narrative)
    age_sensitivity: float  # how much the 65+ share moves the value
    spread: float  # between-council sd (log scale)
    #: denominator = population in the age range x factor (3 for 3-year pooled periods)
    denominator_factor: float = 1.0


_FY5 = ("2015/16", "2016/17", "2017/18", "2018/19", "2019/20")
_Y3 = ("2015 - 17", "2016 - 18", "2017 - 19", "2018 - 20", "2019 - 21")
_HLE = ("2013 - 15", "2014 - 16", "2015 - 17", "2016 - 18", "2017 - 19")

# Real Fingertips ids where the indicator exists there; 99xxxx = not a Fingertips id.
INDICATORS: tuple[Indicator, ...] = (
    Indicator(93764, "Admission episodes for alcohol-related conditions (Narrow): new method",
              "Mental health and alcohol", "low_is_good", "per 100,000", "DSR", 1e5, "All ages",
              (0, 200), _FY5, (500, 505, 510, 515, 519), (1.22, 1.24, 1.25, 1.27, 1.28), 0.0, 0.2),
    Indicator(21001, "Emergency hospital admissions for intentional self-harm",
              "Mental health and alcohol", "low_is_good", "per 100,000", "DSR", 1e5, "All ages",
              (0, 200), _FY5, (196, 185, 185, 193, 192), (1.15, 1.22, 1.30, 1.38, 1.45), 0.0, 0.3),
    Indicator(90581, "Mental health: QOF prevalence (all ages)", "Mental health and alcohol",
              "no_judgement", "%", "proportion", 100, "All ages", (0, 200), _FY5,
              (0.90, 0.92, 0.94, 0.95, 0.95), (1.24, 1.25, 1.26, 1.27, 1.27), 0.0, 0.15, 1.05),
    Indicator(848, "Depression: QOF prevalence (18+)", "Mental health and alcohol",
              "no_judgement", "%", "proportion", 100, "18+ yrs", (18, 200), _FY5,
              (9.1, 9.9, 10.7, 11.6, 12.3), (1.02, 1.02, 1.03, 1.03, 1.04), 0.0, 0.15, 1.05),
    Indicator(92447, "Successful completion of alcohol treatment", "Mental health and alcohol",
              "high_is_good", "%", "proportion", 100, "18+ yrs", (18, 200), _FY5,
              (38.7, 39.2, 38.9, 37.8, 37.8), (0.72, 0.70, 0.71, 0.69, 0.68), 0.0, 0.2, 0.0016),
    Indicator(273, "CHD: QOF prevalence (all ages)", "Cardiovascular, stroke and kidney",
              "no_judgement", "%", "proportion", 100, "All ages", (0, 200), _FY5,
              (3.2, 3.2, 3.1, 3.1, 3.0), (1.30, 1.30, 1.31, 1.31, 1.32), 1.0, 0.1, 1.05),
    Indicator(212, "Stroke: QOF prevalence (all ages)", "Cardiovascular, stroke and kidney",
              "no_judgement", "%", "proportion", 100, "All ages", (0, 200), _FY5,
              (1.7, 1.75, 1.77, 1.8, 1.8), (1.30, 1.31, 1.31, 1.32, 1.32), 1.0, 0.1, 1.05),
    Indicator(258, "CKD: QOF prevalence (18+)", "Cardiovascular, stroke and kidney",
              "no_judgement", "%", "proportion", 100, "18+ yrs", (18, 200), _FY5,
              (4.1, 4.1, 4.1, 4.0, 4.0), (1.24, 1.25, 1.25, 1.26, 1.27), 1.0, 0.12, 1.05),
    Indicator(40401, "Under 75 mortality rate from all cardiovascular diseases",
              "Cardiovascular, stroke and kidney", "low_is_good", "per 100,000", "DSR", 1e5,
              "<75 yrs", (0, 70), _Y3, (74.6, 73.5, 72.5, 71.7, 70.4),
              (1.12, 1.11, 1.12, 1.13, 1.13), 0.0, 0.15, 3.0),
    Indicator(247, "Dementia: QOF prevalence (all ages)", "Older age", "no_judgement", "%",
              "proportion", 100, "All ages", (0, 200), _FY5, (0.76, 0.76, 0.77, 0.78, 0.79),
              (1.33, 1.34, 1.35, 1.35, 1.36), 1.0, 0.12, 1.05),
    Indicator(22401, "Emergency hospital admissions due to falls in people aged 65 and over",
              "Older age", "low_is_good", "per 100,000", "DSR", 1e5, "65+ yrs", (65, 200), _FY5,
              (2169, 2114, 2170, 2198, 2222), (1.18, 1.19, 1.20, 1.22, 1.22), 0.0, 0.15),
    Indicator(990001, "Predicted prevalence of moderate or severe hearing loss, people aged 65+",
              "Older age", "no_judgement", "%", "proportion", 100, "65+ yrs", (65, 200), _FY5,
              (40.5, 40.7, 40.9, 41.1, 41.3), (1.06, 1.06, 1.07, 1.07, 1.07), 0.4, 0.03),
    Indicator(990002, "Predicted prevalence of sight loss, people aged 65+", "Older age",
              "no_judgement", "%", "proportion", 100, "65+ yrs", (65, 200), _FY5,
              (8.6, 8.6, 8.7, 8.7, 8.8), (1.08, 1.08, 1.09, 1.09, 1.09), 0.4, 0.04),
    Indicator(990003, "Permanent admissions to residential and nursing care homes, aged 65+",
              "Older age", "low_is_good", "per 100,000", "crude", 1e5, "65+ yrs", (65, 200), _FY5,
              (628, 611, 585, 580, 584), (1.30, 1.31, 1.31, 1.29, 1.289), 0.0, 0.25),
    Indicator(92949, "Estimated dementia diagnosis rate (aged 65 and over)",
              "Preventive practice", "high_is_good", "%", "proportion", 100, "65+ yrs",
              (65, 200), _FY5, (67.9, 67.6, 67.5, 68.7, 67.4), (0.91, 0.90, 0.90, 0.89, 0.89),
              0.0, 0.08, 0.07),
    Indicator(91112, "Cumulative percentage of the eligible population aged 40-74 who "
              "received an NHS Health check", "Preventive practice", "high_is_good", "%",
              "proportion", 100, "40-74 yrs", (40, 70), _FY5, (45.9, 48.6, 48.2, 47.4, 48.1),
              (0.74, 0.73, 0.72, 0.72, 0.71), 0.0, 0.25, 0.8),
)
HLE_INDICATOR = Indicator(90362, "Healthy life expectancy at birth", "Life expectancy",
                          "high_is_good", "years", "mean", 1, "All ages", (0, 200), _HLE,
                          (63.4, 63.3, 63.1, 63.1, 63.2), (0.97, 0.97, 0.97, 0.97, 0.97),
                          0.0, 0.04)
_HLE_FEMALE = (64.1, 64.0, 63.8, 63.9, 63.5)
#: Sefton's localities (MPS 4.5: Bootle men 49.8, Formby men 68.3), latest HLE period.
SEFTON_LOCALITIES = (("Southport", 62.0, 63.5), ("Formby", 68.3, 70.1),
                     ("Maghull/Aintree", 64.5, 66.0), ("Crosby", 63.8, 65.2),
                     ("Bootle", 49.8, 52.4), ("Netherton", 55.1, 56.9))

EXPORT_HEADER = (
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name",
    "Area Type", "Sex", "Age", "Category Type", "Category", "Time period", "Value",
    "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit",
    "Count", "Denominator", "Value note", "Recent Trend",
    "Compared to England value or percentiles", "Compared to Region value or percentiles",
    "Time period Sortable", "New data", "Compared to goal",
)


def _period_sortable(period: str) -> int:
    return int(period[:4]) * 10_000


def _limits(ind: Indicator, value: np.ndarray, count: np.ndarray, denom: np.ndarray,
            confidence: float, se: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Confidence limits. Proportions: Wilson score (Wilson 1927); crude rates: exact/Byar
    Poisson limits on the count (Breslow & Day 1987); DSRs: the count's Poisson limits scaled
    by DSR/count (the Dobson et al. 1991 method when the age structure of the events matches
    the standard's); means (life expectancy): value -/+ z x standard error."""
    from asclib.stats import poisson_ci, wilson_ci, z_value

    if ind.value_type == "proportion":
        lo, hi = wilson_ci(count, denom, confidence)
        return np.asarray(lo) * ind.multiplier, np.asarray(hi) * ind.multiplier
    if ind.value_type in ("crude", "DSR"):
        lo, hi = poisson_ci(count, confidence)
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(count > 0, value / np.maximum(count, 1), ind.multiplier / denom)
        return np.asarray(lo) * factor, np.asarray(hi) * factor
    z = float(z_value(confidence))
    return value - z * se, value + z * se


def fingertips_records(areas: Areas) -> tuple[list[list[object]], list[list[object]]]:
    """Rows of the Fingertips export and of the indicator metadata."""
    from asclib.benchmark import compare

    lookup = areas.lookup
    councils = lookup[lookup["asc_authority"] & lookup["area_code"].str.startswith("E")]
    council_codes = councils["area_code"].tolist()
    region_codes = sorted(set(councils["region_code"].dropna()) & set(_REGION_NAMES)) or []
    share65_england = areas.pop(ENGLAND, 65) / max(areas.pop(ENGLAND), 1)
    rows: list[list[object]] = []
    metadata: list[list[object]] = []
    for ind in (*INDICATORS, HLE_INDICATOR):
        metadata.append([ind.indicator_id, ind.name, ind.domain, ind.polarity, ind.unit,
                         {"DSR": "Directly standardised rate", "crude": "Crude rate",
                          "proportion": "Proportion", "mean": "Life expectancy"}[ind.value_type],
                         _fmt(ind.multiplier)])
        sexes = (("Male", ind.england), ("Female", _HLE_FEMALE)) if ind is HLE_INDICATOR \
            else (("Persons", ind.england),)
        for sex, england_values in sexes:
            rows.extend(_indicator_rows(ind, sex, np.asarray(england_values, dtype=float),
                                        council_codes, region_codes, areas, share65_england,
                                        compare))
    return rows, metadata


def _indicator_rows(ind: Indicator, sex: str, england: np.ndarray, council_codes: list[str],
                    region_codes: list[str], areas: Areas, share65_england: float, compare
                    ) -> list[list[object]]:
    n_periods = len(ind.periods)
    low, high = ind.age_range
    values: dict[str, np.ndarray] = {}
    counts: dict[str, np.ndarray] = {}
    denoms: dict[str, np.ndarray] = {}
    ses: dict[str, np.ndarray] = {}
    for code in council_codes:
        rng = _rng(code, f"fingertips/{ind.indicator_id}/{sex}")
        pop = areas.pop(code, low, high) * ind.denominator_factor
        if code == EXAMPLE_AREA:
            ratio = np.asarray(ind.sefton_ratio)
        else:
            deprivation = _rng(code, "deprivation").normal()
            share65 = areas.pop(code, 65) / max(areas.pop(code), 1)
            sign = -1.0 if ind.polarity == "high_is_good" else 1.0
            level = (sign * 0.08 * deprivation * (ind.spread / 0.15)
                     + ind.age_sensitivity * (share65 / share65_england - 1)
                     + rng.normal(0, ind.spread * 0.6))
            ratio = np.exp(level + rng.normal(0, 0.03, n_periods))
        expected = england * ratio
        if ind.value_type == "mean":
            values[code] = np.round(expected, 1) if code == EXAMPLE_AREA else \
                np.round(expected + rng.normal(0, 0.3, n_periods), 1)
            ses[code] = np.full(n_periods, 1.1)
            continue
        denom = np.full(n_periods, float(round(pop)))
        if ind.value_type == "proportion":
            p = np.clip(expected / ind.multiplier, 0.0005, 0.995)
            count = np.round(p * denom) if code == EXAMPLE_AREA else rng.binomial(
                denom.astype(np.int64), p).astype(float)
            value = count / denom * ind.multiplier
        else:
            mean = expected * denom / ind.multiplier
            count = np.round(mean) if code == EXAMPLE_AREA else rng.poisson(mean).astype(float)
            value = count / denom * ind.multiplier
            if ind.value_type == "DSR":
                value = value * 1.0  # events assumed to follow the standard's age structure
        values[code], counts[code], denoms[code] = value, count, denom
    region_of = {c: areas.region(c) for c in council_codes}
    agg_codes = [(r, [c for c in council_codes if region_of[c] == r]) for r in region_codes]
    agg_codes.append((ENGLAND, council_codes))
    for code, members in agg_codes:
        if not members:
            continue
        if ind.value_type == "mean":
            base = england if code == ENGLAND else np.mean([values[m] for m in members], axis=0)
            values[code] = np.round(base, 1)
            ses[code] = np.full(n_periods, 0.15 if code == ENGLAND else 0.4)
            continue
        count = np.sum([counts[m] for m in members], axis=0)
        denom = np.sum([denoms[m] for m in members], axis=0)
        values[code], counts[code], denoms[code] = count / denom * ind.multiplier, count, denom
    lower95: dict[str, np.ndarray] = {}
    upper95: dict[str, np.ndarray] = {}
    lower998: dict[str, np.ndarray] = {}
    upper998: dict[str, np.ndarray] = {}
    for code in values:
        args = (ind, values[code], counts.get(code), denoms.get(code))
        lower95[code], upper95[code] = _limits(*args, 0.95, ses.get(code))
        lower998[code], upper998[code] = _limits(*args, 0.998, ses.get(code))
    rows: list[list[object]] = []
    # Fingertips publishes the recent-trend marker on each area's latest row; computed here
    # with the same chi-square test for trend the analyses use, on the crude counts.
    from asclib.benchmark import recent_trend

    statistic = "proportion" if ind.value_type == "proportion" else "rate"
    trend_marker = {code: str(recent_trend(counts[code][-5:], denoms[code][-5:], ind.polarity,
                                           statistic=statistic))
                    for code in counts if n_periods >= 5}

    def emit(code: str, name: str, area_type: str, parent: str, parent_name: str,
             period_index: int, value: float, lo: float, hi: float, lo8: float, hi8: float,
             count: float | None, denom: float | None, vs_england: str, vs_region: str) -> None:
        trend = trend_marker.get(code, "") if period_index == n_periods - 1 else ""
        rows.append([ind.indicator_id, ind.name, parent, parent_name, code, name, area_type,
                     sex, ind.age, "", "", ind.periods[period_index], _fmt(value),
                     _fmt(lo), _fmt(hi), _fmt(lo8), _fmt(hi8),
                     "" if count is None else _fmt(count, 0),
                     "" if denom is None else _fmt(denom, 0),
                     ILLUSTRATIVE_NOTE, trend, vs_england, vs_region,
                     _period_sortable(ind.periods[period_index]), "", ""])

    eng = values[ENGLAND]
    ordered = [(ENGLAND, "England", "England", "", "")]
    ordered += [(r, _REGION_NAMES[r] + " region", "Region", ENGLAND, "England")
                for r, _ in agg_codes if r != ENGLAND and r in values]
    ordered += [(c, areas.name(c), "County & UA", region_of[c],
                 _REGION_NAMES.get(region_of[c], "") + " region") for c in council_codes]
    for code, name, area_type, parent, parent_name in ordered:
        for t in range(n_periods):
            if code == ENGLAND:
                vs_e = vs_r = "Not compared"
            else:
                vs_e = str(compare(lower95[code][t], upper95[code][t], eng[t], ind.polarity))
                region_value = values.get(parent, np.full(n_periods, np.nan))[t] \
                    if area_type != "Region" else np.nan
                vs_r = ("Not compared" if area_type == "Region" else
                        str(compare(lower95[code][t], upper95[code][t], region_value,
                                    ind.polarity)))
            emit(code, name, area_type, parent, parent_name, t, values[code][t],
                 lower95[code][t], upper95[code][t], lower998[code][t], upper998[code][t],
                 counts[code][t] if code in counts else None,
                 denoms[code][t] if code in denoms else None, vs_e, vs_r)
    if ind is HLE_INDICATOR and EXAMPLE_AREA in values:
        t = n_periods - 1
        for k, (locality, male, female) in enumerate(SEFTON_LOCALITIES, start=1):
            value = male if sex == "Male" else female
            lo, hi = value - 1.96 * 2.4, value + 1.96 * 2.4
            lo8, hi8 = value - 3.09 * 2.4, value + 3.09 * 2.4
            emit(f"{EXAMPLE_AREA}_L{k:02d}", locality, "Locality", EXAMPLE_AREA,
                 areas.name(EXAMPLE_AREA), t, value, lo, hi, lo8, hi8, None, None,
                 str(compare(lo, hi, eng[t], ind.polarity)), "")
    return rows


# --------------------------------------------------------------------------- ONS weekly deaths

_PLACES = (("care-home", "Care home"), ("home", "Home"), ("hospital", "Hospital"),
           ("hospice", "Hospice"), ("other-communal-establishment", "Other communal establishment"),
           ("elsewhere", "Elsewhere"))
_NON_COVID_SHARES = np.array([0.23, 0.24, 0.44, 0.05, 0.01, 0.03])
#: Sefton's registered deaths by year (real totals the demo reproduces).
SEFTON_ANNUAL_DEATHS = {2015: 3249, 2016: 3286, 2017: 3184, 2018: 3301, 2019: 3309,
                        2020: 4004, 2021: 3520}
SEFTON_COVID_DEATHS = {2020: 540, 2021: 350}
ENGLAND_ANNUAL_DEATHS = {2015: 495309, 2016: 490791, 2017: 498882, 2018: 505859, 2019: 495716,
                         2020: 572000, 2021: 546000}
ENGLAND_COVID_DEATHS = {2020: 69800, 2021: 62000}
#: 2020 Covid deaths by place (care home, home, hospital, hospice, other communal, elsewhere)
SEFTON_COVID_PLACE_2020 = (0.18, 0.045, 0.75, 0.015, 0.005, 0.005)
ENGLAND_COVID_PLACE_2020 = (0.29, 0.045, 0.65, 0.01, 0.003, 0.002)
YEARS = tuple(range(2015, 2022))


def _weeks_in(year: int) -> int:
    return 53 if year in (2015, 2020) else 52


def _covid_shape(year: int) -> np.ndarray:
    weeks = np.arange(1, _weeks_in(year) + 1)
    if year == 2020:
        shape = (0.55 * np.exp(-0.5 * ((weeks - 16) / 3.0) ** 2)
                 + 0.30 * np.exp(-0.5 * ((weeks - 46) / 4.0) ** 2)
                 + 0.15 * np.exp(-0.5 * ((weeks - 53) / 2.0) ** 2))
        shape[weeks < 11] = 0
    else:
        shape = (0.9 * np.exp(-0.5 * ((weeks - 3) / 3.0) ** 2)
                 + 0.1 * np.exp(-0.5 * ((weeks - 44) / 6.0) ** 2))
    return shape / shape.sum()


def _exact_split(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole numbers in proportion to weights that add up to total (largest remainder)."""
    raw = total * weights / weights.sum()
    out = np.floor(raw).astype(np.int64)
    remainder = total - int(out.sum())
    out[np.argsort(-(raw - out), kind="stable")[:remainder]] += 1
    return out


def weekly_deaths_records(codes: Sequence[str], areas: Areas) -> list[list[object]]:
    """CMD-layout rows: registrations, all causes 2015-2021 and Covid-19 2020-2021, by place."""
    rows: list[list[object]] = []
    pop65_england = areas.pop(ENGLAND, 65)
    for code in codes:
        rng = _rng(code, "weekly_deaths")
        name = areas.name(code) if code != ENGLAND else "England"
        if code == EXAMPLE_AREA:
            annual, covid = SEFTON_ANNUAL_DEATHS, SEFTON_COVID_DEATHS
            covid_place = np.array(SEFTON_COVID_PLACE_2020)
        elif code == ENGLAND:
            annual, covid = ENGLAND_ANNUAL_DEATHS, ENGLAND_COVID_DEATHS
            covid_place = np.array(ENGLAND_COVID_PLACE_2020)
        else:
            share = areas.pop(code, 65) / pop65_england
            if code.startswith("E12") and share == 0:
                share = 1 / 9
            level = rng.lognormal(0, 0.05)
            intensity = rng.lognormal(0, 0.2)
            annual = {y: int(round(v * share * level * rng.lognormal(0, 0.015)))
                      for y, v in ENGLAND_ANNUAL_DEATHS.items() if y < 2020}
            covid = {y: int(round(v * share * intensity)) for y, v in ENGLAND_COVID_DEATHS.items()}
            annual[2020] = int(round(np.mean(list(annual.values())) * 1.03)) + covid[2020]
            annual[2021] = int(round(np.mean([annual[y] for y in range(2015, 2020)]) * 1.02)) \
                + covid[2021]
            care_home = rng.uniform(0.17, 0.33)
            covid_place = np.array([care_home, 0.045, 0.94 - care_home, 0.01, 0.003, 0.002])
        for year in YEARS:
            n_weeks = _weeks_in(year)
            weeks = np.arange(1, n_weeks + 1)
            seasonal = 1 + 0.16 * np.cos(2 * np.pi * (weeks - 2) / 52.0)
            covid_total = covid.get(year, 0)
            non_covid = rng.multinomial(annual[year] - covid_total, seasonal / seasonal.sum())
            non_covid_place = np.array([rng.multinomial(n, _NON_COVID_SHARES) for n in non_covid])
            covid_place_week = np.zeros((n_weeks, 6), dtype=np.int64)
            if covid_total:
                weekly = rng.multinomial(covid_total, _covid_shape(year))
                shares = covid_place if year == 2020 else covid_place * np.array(
                    [0.6, 1.2, 1.1, 1, 1, 1])
                pool = _exact_split(covid_total, shares / shares.sum())
                for w in range(n_weeks):
                    if weekly[w]:
                        draw = rng.multivariate_hypergeometric(pool, int(weekly[w]))
                        covid_place_week[w] = draw
                        pool = pool - draw
            all_place = non_covid_place + covid_place_week
            causes = [("all-causes", "All causes", all_place)]
            if year >= 2020:
                causes.append(("covid-19", "COVID 19", covid_place_week))
            for cause_code, cause_label, table in causes:
                for w in range(n_weeks):
                    for k, (place_code, place_label) in enumerate(_PLACES):
                        rows.append([int(table[w, k]), year, year, code, name,
                                     f"week-{w + 1:02d}", f"Week {w + 1:02d}", cause_code,
                                     cause_label, place_code, place_label, "registrations",
                                     "Registrations"])
    return rows


WEEKLY_HEADER = ("v4_0", "calendar-years", "time", "admin-geography", "geography", "week-number",
                 "week", "cause-of-death", "causeofdeath", "place-of-death", "placeofdeath",
                 "registration-or-occurrence", "registrationoroccurrence")


# --------------------------------------------------------------------------- generate


def _readme(areas: list[str], area_info: Areas) -> str:
    listing = "\n".join(f"- {c} {area_info.name(c)}" for c in areas)
    return (f"# ILLUSTRATIVE demo data\n\n{ILLUSTRATIVE_NOTE}.\n\n"
            "Made by `asc demo-data` (asclib/demo.py) with fixed seeds derived from each area "
            "code. The records are invented, in the layouts of the real files, and calibrated "
            "so that the analyses reproduce the figures Sefton's Market Position Statement "
            "(December 2020) and the Cabinet update (February 2021) publish. A council's own "
            "exports in data/raw/council/<code>/ and downloads in data/raw/fingertips/ are "
            "used instead when present.\n\nCouncil records for:\n" + listing + "\n")


def generate(out_dir: str | Path, areas: Sequence[str] | None = None, *,
             raw_dir: str | Path | None = None) -> list[Path]:
    """Write the illustrative demo data set; return the files written (sorted).

    ``areas``: council codes for the council exports and weekly deaths (default Sefton and
    its 15 nearest neighbours). ``raw_dir``: where the lookup and the published population /
    nearest-neighbour extracts are read (default: ``out_dir``'s parent if it holds
    ``lookups/``, else the project's data/raw).
    """
    out = Path(out_dir)
    if raw_dir is None:
        raw_dir = out.parent if (out.parent / "lookups").is_dir() else paths.RAW_DATA_DIR
    raw = Path(raw_dir)
    info = _load_inputs(raw)
    codes = list(dict.fromkeys(areas)) if areas else default_areas(raw)
    known = set(info.lookup["area_code"])
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise InputDataError([DataProblem(str(raw / "lookups" / "local_authorities.csv"),
                                          f"unknown area code {c}") for c in unknown])
    written: list[Path] = []
    for code in codes:
        folder = out / "council" / code
        name = info.name(code)
        written.append(_write_xlsx(
            folder / "budget_ledger.xlsx", "Budget ledger",
            f"{name} ASC budget ledger - {ILLUSTRATIVE_NOTE}",
            ("Financial year", "Cost centre", "Service type", "Primary support reason",
             "Age band", "Gross £", "Income £"), ledger_records(code, info),
            {6: "#,##0", 7: "#,##0"}))
        written.append(_write_xlsx(
            folder / "day_service_placements.xlsx", "Placements",
            f"{name} day-service placements - {ILLUSTRATIVE_NOTE}",
            ("Client ID", "Age", "Primary support reason", "Provider", "Service", "Need level",
             "Daily rate £", "Days per week", "Funding", "1:1 top-up £ per day", "Start date",
             "End date"), day_service_records(code, info),
            {7: "0.00", 10: "0.00", 11: "yyyy-mm-dd", 12: "yyyy-mm-dd"}))
        written.append(_write_xlsx(
            folder / "care_home_outbreaks.xlsx", "Outbreak log",
            f"{name} care-home outbreak log - {ILLUSTRATIVE_NOTE}",
            ("Home ID", "Home name", "Date declared", "Date closed", "Resident cases",
             "Staff cases"), outbreak_records(code, info), {3: "yyyy-mm-dd", 4: "yyyy-mm-dd"}))
    indicator_rows, metadata_rows = fingertips_records(info)
    written.append(_write_csv(out / "fingertips" / "indicators.csv", EXPORT_HEADER,
                              indicator_rows))
    written.append(_write_csv(out / "fingertips" / "indicator_metadata.csv",
                              ("indicator_id", "indicator_name", "domain", "polarity", "unit",
                               "value_type", "multiplier"), metadata_rows))
    # weekly deaths cover the defaults, the areas asked for and any council already generated,
    # so `asc demo-data --area X` adds X without dropping anyone (each area has its own seed)
    existing = sorted(p.name for p in (out / "council").iterdir() if p.name in known) \
        if (out / "council").is_dir() else []
    death_councils = list(dict.fromkeys([*default_areas(raw), *codes, *existing]))
    death_councils = [c for c in death_councils if c in known]
    regions = sorted({info.region(c) for c in death_councils} - {ENGLAND, "nan", "None"})
    death_areas = [*death_councils, *regions, ENGLAND]
    written.append(_write_csv(out / "ons" / "weekly_deaths_la.csv", WEEKLY_HEADER,
                              weekly_deaths_records(death_areas, info)))
    readme = out / "README.md"
    present = sorted(p.name for p in (out / "council").iterdir() if p.name in known)
    readme.write_text(_readme(present, info), encoding="utf-8")
    written.append(readme)
    return sorted(written)
