"""Extract small tidy files of real published figures from ../shared/data into data/raw/.

    python scripts/extract_published.py [--shared DIR]

Finds each official file under ``--shared`` by its content with the same recognisers as the
drop-in folder ``data/raw/official/`` (``asclib.sources.official``; no file names written in
here), reads it with the loaders in ``asclib.sources`` (so every figure passes the same checks
as any other input) and writes only the figures the suite needs, sorted and with a fixed
number format, so re-running gives identical bytes:

    data/raw/lookups/local_authorities.csv
    data/raw/published/care_home_deaths_by_la.csv      every English LA, 2010-2023
    data/raw/published/monthly_deaths_by_la.csv        Liverpool City Region, NW, England
    data/raw/published/england_deaths_by_place_2020.csv England, year to date to week 39
    data/raw/published/nearest_neighbours.csv
    data/raw/published/asc_measures.csv
    data/raw/published/population_mid2020.csv          English LAs, regions, England
    data/raw/published/asc_finance.csv                 2016/17 council totals
    data/raw/published/care_home_unit_costs.csv        2014/15
    data/raw/published/SOURCES.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from asclib.constants import ENGLAND_CODE
from asclib.errors import DataProblem, InputDataError
from asclib.paths import RAW_DATA_DIR, shared_data_dir
from asclib.sources import la_lookup, official
from asclib.sources._common import sha256_file

FLOAT_FORMAT = "%.12g"
SCRIPT = "scripts/extract_published.py"
LICENCE = "Open Government Licence v3.0"

#: what each extract is made from: the official kind recognised by content
#: (asclib.sources.official), never a file name
NEEDED = {
    "mye": "ons_mid_year_estimates",
    "care_home_deaths": "ons_care_home_deaths",
    "monthly": "ons_monthly_deaths",
    "weekly": "ons_weekly_deaths_workbook",
    "asc_data": "oflog_asc_measures",
    "nn": "oflog_nearest_neighbours",
    "totals_1617": "ascfr_totals_keyed",
    "activity_1617": "ascfr_activity_keyed",
    "activity_1516": "ascfr_activity_labelled",
    "unit_cost_1415": "ascfr_unit_costs_wide",
}


def locate(shared: Path) -> dict[str, Path]:
    """The one file of each needed kind under ``shared`` (any name, any sub-folder), found by
    content; InputDataError when a kind is missing or found twice."""
    found = official.scan(shared).by_kind()
    problems = []
    src: dict[str, Path] = {}
    for key, kind in NEEDED.items():
        paths = found.get(kind, [])
        if len(paths) != 1:
            label = official.KINDS_BY_NAME[kind].label
            problems.append(DataProblem(
                str(shared), f"expected one {label} file, found {len(paths)}"
                + (": " + ", ".join(p.relative_to(shared).as_posix() for p in paths)
                   if paths else "")))
        else:
            src[key] = paths[0]
    if problems:
        raise InputDataError(problems)
    return src


def write_csv(frame: pd.DataFrame, path: Path) -> int:
    """Write deterministically (LF line ends, fixed float format); return the row count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = frame.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    path.write_bytes(text.encode("utf-8"))
    return len(frame)


def extract(shared: Path, raw_dir: Path) -> dict[str, int]:
    """Read the shared files (recognised by content), write the extracts, return
    {relative path: rows}."""
    src = locate(shared)
    published = raw_dir / "published"
    counts: dict[str, int] = {}

    lookup = la_lookup.build_lookup(src["mye"])
    counts["lookups/local_authorities.csv"] = write_csv(
        lookup, raw_dir / "lookups" / "local_authorities.csv")
    english = set(lookup["area_code"])
    context = official.Context({kind: [src[key]] for key, kind in NEEDED.items()},
                               lambda: lookup)

    def read(key: str, table: str) -> pd.DataFrame:
        return official.KINDS_BY_NAME[NEEDED[key]].read(src[key], context)[table]

    care = read("care_home_deaths", "care_home_deaths")
    care = care[care["area_code"].str.startswith("E")]
    care = care.sort_values(["year", "area_code"], kind="stable")
    counts["published/care_home_deaths_by_la.csv"] = write_csv(
        care[["year", "area_code", "area_name", "la_care_homes", "non_la_care_homes",
              "all_care_homes"]], published / "care_home_deaths_by_la.csv")

    monthly = read("monthly", "monthly_deaths")
    monthly = monthly.sort_values(["year", "month", "area_code"], kind="stable")
    counts["published/monthly_deaths_by_la.csv"] = write_csv(
        monthly[["year", "month", "area_code", "area_name", "deaths"]],
        published / "monthly_deaths_by_la.csv")

    by_place = read("weekly", "england_deaths_by_place")
    by_place = by_place[by_place["area_code"] == ENGLAND_CODE]
    counts["published/england_deaths_by_place_2020.csv"] = write_csv(
        by_place, published / "england_deaths_by_place_2020.csv")

    counts["published/nearest_neighbours.csv"] = write_csv(
        read("nn", "nearest_neighbours"), published / "nearest_neighbours.csv")

    measures = read("asc_data", "asc_measures")
    measures = measures.sort_values(["measure_code", "period", "area_code"], kind="stable")
    counts["published/asc_measures.csv"] = write_csv(measures, published / "asc_measures.csv")

    population = read("mye", "population")
    population = population[population["area_code"].isin(english)]
    counts["published/population_mid2020.csv"] = write_csv(
        population, published / "population_mid2020.csv")

    counts["published/asc_finance.csv"] = write_csv(read("totals_1617", "asc_finance"),
                                                    published / "asc_finance.csv")
    counts["published/care_home_unit_costs.csv"] = write_csv(
        read("unit_cost_1415", "care_home_unit_costs"),
        published / "care_home_unit_costs.csv")

    (published / "SOURCES.md").write_bytes(sources_markdown(src, shared, counts).encode("utf-8"))
    return counts


def sources_markdown(src: dict[str, Path], shared: Path, counts: dict[str, int]) -> str:
    """The SOURCES.md text: publisher, publication, original file (with SHA-256), licence."""
    def original(*keys: str) -> str:
        return "; ".join(f"`{src[k].relative_to(shared).as_posix()}` (sha256 "
                         f"`{sha256_file(src[k])[:16]}…`)" for k in keys)

    entries = [
        ("lookups/local_authorities.csv", "Office for National Statistics",
         "Estimates of the population for the UK, England and Wales, Scotland and Northern "
         "Ireland, mid-2020 (2021 geography), sheet MYE2 - Persons: codes, names, geography; "
         "region = the Region row above each authority", ("mye",)),
        ("published/care_home_deaths_by_la.csv", "Office for National Statistics",
         "User-requested data: Deaths in Local Authority and Non-Local Authority care homes, by "
         "Local Authority, 2010 to 2023, England and Wales (English LAs kept)",
         ("care_home_deaths",)),
        ("published/monthly_deaths_by_la.csv", "Office for National Statistics",
         "Monthly figures on deaths registered by area of usual residence, 2015-2021 "
         "(excerpt: Liverpool City Region, Merseyside, North West, England)", ("monthly",)),
        ("published/england_deaths_by_place_2020.csv", "Office for National Statistics",
         "Deaths registered weekly in England and Wales, provisional: week ending 25 September "
         "2020 (week 39), sheet 'Covid-19 - Place of occurrence', England, deaths registered "
         "28 December 2019 to 25 September 2020", ("weekly",)),
        ("published/nearest_neighbours.csv", "Office for Local Government (DLUHC)",
         "Local Authority Data Explorer, adult social care: nearest-neighbour groups (NN.json; "
         "the area itself and repeated pairs removed)", ("nn",)),
        ("published/asc_measures.csv", "Office for Local Government (DLUHC), from NHS England "
         "ASCOF / SALT and Skills for Care",
         "Local Authority Data Explorer, adult social care measures ASC1-ASC7, 2015-16 to "
         "2022-23, with Oflog's median and MADs from median; polarity assigned by asclib "
         "(asclib/sources/oflog.py)", ("asc_data",)),
        ("published/population_mid2020.csv", "Office for National Statistics",
         "Mid-2020 population estimates, sheets MYE2 - Persons / Males / Females, single years "
         "summed to five-year bands (English LAs, regions, England)", ("mye",)),
        ("published/asc_finance.csv", "NHS Digital",
         "Adult Social Care Activity and Finance Report, England 2016-17, CSV ASCFR Totals: "
         "each council's gross (TOTALEXPENDITURE), income and net total expenditure summed over "
         "the Mandatory rows; keys decoded with the 2015-16 labelled activity file's UUIDs",
         ("totals_1617", "activity_1617", "activity_1516")),
        ("published/care_home_unit_costs.csv", "NHS Digital (HSCIC)",
         "Personal Social Services: Expenditure and Unit Costs, England 2014-15, council-level "
         "unit costs: long-term residential and nursing care, all provision, by age band and "
         "primary support reason (CASSR codes mapped to ONS codes via the 2016-17 files)",
         ("unit_cost_1415", "totals_1617")),
    ]
    lines = [
        "# Real published figures bundled with the suite",
        "",
        f"Written by `{SCRIPT}` from the official files in `../shared/data` (see each folder's "
        "SOURCE.md there for where the copy came from). Only the figures the analyses need are "
        "kept; re-running the script gives identical files. All files: licence "
        f"{LICENCE} (Crown copyright / NHS Digital).",
        "",
        "| file | rows | publisher | publication | original file | licence | extracted by |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, publisher, publication, keys in entries:
        lines.append(f"| `{name}` | {counts[name]} | {publisher} | {publication} | "
                     f"{original(*keys)} | {LICENCE} | `{SCRIPT}` |")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=None,
                        help="folder of the official files (default: ../shared/data)")
    parser.add_argument("--out", type=Path, default=RAW_DATA_DIR,
                        help="data/raw folder to write into (default: the project's)")
    args = parser.parse_args(argv)
    shared = args.shared or shared_data_dir()
    if shared is None or not shared.is_dir():
        print("extract_published: no ../shared/data folder; give --shared DIR", file=sys.stderr)
        return 2
    try:
        counts = extract(shared, args.out)
    except InputDataError as exc:
        print(f"extract_published: problems in the input files:\n{exc}", file=sys.stderr)
        return 2
    for name, rows in counts.items():
        print(f"{rows:>7} rows  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
