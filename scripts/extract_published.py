"""Extract small tidy files of real published figures from ../shared/data into data/raw/.

    python scripts/extract_published.py [--shared DIR]

Reads the official files with the loaders in ``asclib.sources`` (so every figure passes the same
checks as any other input) and writes only the figures the suite needs, sorted and with a fixed
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

from asclib.errors import InputDataError
from asclib.paths import RAW_DATA_DIR, shared_data_dir
from asclib.sources import (
    ascfr,
    la_lookup,
    oflog,
    ons_care_home_deaths,
    ons_monthly_deaths,
    ons_population,
    ons_weekly_deaths,
)
from asclib.sources._common import sha256_file

FLOAT_FORMAT = "%.12g"
SCRIPT = "scripts/extract_published.py"
LICENCE = "Open Government Licence v3.0"

FILES = {
    "mye": "ons-mye-mid2020/ukpopestimatesmid2020on2021geography.xls",
    "care_home_deaths": "ons-care-home-deaths-by-la-2010-2023/lanonladeaths20141021.csv",
    "monthly": "ons-monthly-deaths-by-la-2015-2021-excerpt/"
               "monthly_deaths_registered_by_usual_residence_2015_2021_excerpt.csv",
    "weekly": "ons-weekly-deaths-ew-2020-wk39/publishedweek392020.xlsx",
    "asc_data": "oflog-asc-measures/ASC_data.csv",
    "nn": "oflog-asc-measures/NN.json",
    "totals_1617": "ascfr-2016-17/CSV ASCFR Totals.csv",
    "activity_1617": "ascfr-2016-17/CSV ASCFR Activity.csv",
    "activity_1516": "ascfr-2015-16/pss-exp-eng-15-16-fin-act.csv",
    "unit_cost_1415": "ascfr-2014-15/pss-exp-eng-14-15-fin-coun-lev-unit-cost.csv",
}


def write_csv(frame: pd.DataFrame, path: Path) -> int:
    """Write deterministically (LF line ends, fixed float format); return the row count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = frame.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    path.write_bytes(text.encode("utf-8"))
    return len(frame)


def extract(shared: Path, raw_dir: Path) -> dict[str, int]:
    """Read the shared files, write the extracts, return {relative path: rows}."""
    src = {k: shared / v for k, v in FILES.items()}
    published = raw_dir / "published"
    counts: dict[str, int] = {}

    lookup = la_lookup.build_lookup(src["mye"])
    counts["lookups/local_authorities.csv"] = write_csv(
        lookup, raw_dir / "lookups" / "local_authorities.csv")
    english = set(lookup["area_code"])

    care = ons_care_home_deaths.load_care_home_deaths(src["care_home_deaths"])
    care = care[care["area_code"].str.startswith("E")]
    care = care.sort_values(["year", "area_code"], kind="stable")
    counts["published/care_home_deaths_by_la.csv"] = write_csv(
        care[["year", "area_code", "area_name", "la_care_homes", "non_la_care_homes",
              "all_care_homes"]], published / "care_home_deaths_by_la.csv")

    monthly = ons_monthly_deaths.load_monthly_deaths(src["monthly"])
    monthly = monthly.sort_values(["year", "month", "area_code"], kind="stable")
    counts["published/monthly_deaths_by_la.csv"] = write_csv(
        monthly[["year", "month", "area_code", "area_name", "deaths"]],
        published / "monthly_deaths_by_la.csv")

    weekly = ons_weekly_deaths.load_weekly_workbook(src["weekly"])
    ytd = weekly[(weekly["measure"] == "deaths_year_to_date")
                 & (weekly["area_code"] == "E92000001")].copy()
    last_week = int(ytd["week"].max())
    ytd["period"] = f"{int(ytd['year'].iloc[0])} weeks 1-{last_week}"
    ytd["deaths"] = ytd["deaths"].round().astype("int64")
    places = ["all", "care_home", "hospital", "home", "hospice", "other_communal", "elsewhere"]
    ytd["place"] = pd.Categorical(ytd["place"], categories=places)
    ytd = ytd.sort_values(["cause", "place"], kind="stable")
    ytd["place"] = ytd["place"].astype(str)
    counts["published/england_deaths_by_place_2020.csv"] = write_csv(
        ytd[["area_code", "period", "cause", "place", "deaths"]],
        published / "england_deaths_by_place_2020.csv")

    neighbours = oflog.load_nearest_neighbours(src["nn"])
    counts["published/nearest_neighbours.csv"] = write_csv(
        neighbours, published / "nearest_neighbours.csv")

    measures = oflog.load_asc_measures(src["asc_data"])
    measures = measures.sort_values(["measure_code", "period", "area_code"], kind="stable")
    counts["published/asc_measures.csv"] = write_csv(measures, published / "asc_measures.csv")

    population = ons_population.load_population(src["mye"])
    population = population[population["area_code"].isin(english)]
    counts["published/population_mid2020.csv"] = write_csv(
        population, published / "population_mid2020.csv")

    names = dict(zip(lookup["area_code"], lookup["area_name"], strict=True))
    finance = ascfr.load_asc_finance(src["totals_1617"], src["activity_1617"],
                                     src["activity_1516"], area_names=names)
    counts["published/asc_finance.csv"] = write_csv(finance, published / "asc_finance.csv")

    councils = lookup[lookup["asc_authority"]]
    unit_costs = ascfr.care_home_unit_costs(
        src["unit_cost_1415"], ascfr.cassr_area_codes(src["totals_1617"]),
        codes_by_name=dict(zip(councils["area_name"], councils["area_code"], strict=True)))
    counts["published/care_home_unit_costs.csv"] = write_csv(
        unit_costs, published / "care_home_unit_costs.csv")

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
