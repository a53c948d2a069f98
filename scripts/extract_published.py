"""Extract small tidy files of real published figures from ../shared/data into data/raw/.

    python scripts/extract_published.py [--shared DIR]

The work is done by :func:`asclib.sources.published.extract` (beside the loaders of the same
files). It finds each official file under ``--shared`` by its content with the recognisers of
the drop-in folder ``data/raw/official/`` (``asclib.sources.official``; no file names written in
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

from asclib.errors import InputDataError
from asclib.paths import RAW_DATA_DIR, shared_data_dir
from asclib.sources.published import NEEDED, extract, locate, sources_markdown, write_csv

__all__ = ["NEEDED", "extract", "locate", "main", "sources_markdown", "write_csv"]


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
