"""Time recognising and reading an ONS weekly deaths workbook of each layout.

    .venv/bin/python benchmarks/bench_weekly_layouts.py

1. A numbered-sheet workbook shaped like a 2022-2023 edition (written with openpyxl, not timed):
   Cover, Contents, Notes and 12 numbered tables of 53 week rows (totals, age groups with males
   and females blocks, regions, COVID-19 by region, places for England and Wales, England and
   Wales, causes at home, occurrences); the figures are random, only the shape matters.
2. The real 2020 week-39 workbook from ../shared/data, when it is there.

For each: ``official.recognise`` (what ``asc prepare`` does per file), ``load_weekly_workbook``,
``load_weekly_deaths`` and ``edition``, best of three. Goal: each step under 2 s.
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import openpyxl

from asclib.paths import shared_data_dir
from asclib.sources import official
from asclib.sources.ons_weekly_deaths import edition, load_weekly_deaths, load_weekly_workbook

REGIONS = ["North East", "North West", "Yorkshire and The Humber", "East Midlands",
           "West Midlands", "East of England", "London", "South East", "South West"]
PLACES = ["Home", "Hospital", "Care home", "Hospice", "Other communal establishment",
          "Elsewhere"]
AGES = ["<1", "01-04", "05-09", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44",
        "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]


def _sheet(book, name: str, title: str, header: list[str], blocks: int = 1) -> None:
    sheet = book.create_sheet(name)
    for line in (title, "This worksheet contains one table.", "Source: ONS", ""):
        sheet.append([line])
    for block in range(blocks):
        if block:
            sheet.append([])
            sheet.append(["Males" if block == 1 else "Females"])
        sheet.append(["Week number", "Week ending", *header])
        for week in range(1, 53):
            ended = date(2023, 1, 6) + timedelta(weeks=week - 1)
            values = [random.randint(50, 12_000) for _ in header] if week <= 35 else \
                [None] * len(header)
            sheet.append([week, ended, *values])


def numbered_workbook(path: Path) -> Path:
    random.seed(1)
    book = openpyxl.Workbook()
    book.active.title = "Cover"
    book.create_sheet("Contents")
    book.create_sheet("Notes")
    _sheet(book, "1", "Table 1: Weekly deaths, England and Wales, 2023",
           ["Total deaths, all ages (2023)", "Five-year average (2017 to 2019, 2021 and 2022)",
            "Deaths involving COVID-19", "Deaths due to COVID-19",
            "Deaths where the underlying cause was respiratory disease"])
    _sheet(book, "2", "Table 2: Deaths by age group and sex, England and Wales",
           ["All ages", *AGES], blocks=3)
    _sheet(book, "3", "Table 3: Deaths by cause, England and Wales",
           ["Influenza and pneumonia involving", "Influenza and pneumonia due to"])
    _sheet(book, "4", "Table 4: Deaths involving COVID-19 by age group and sex",
           ["All ages", *AGES], blocks=3)
    _sheet(book, "5", "Table 5: Deaths involving COVID-19 by date of occurrence",
           ["All ages", *AGES])
    _sheet(book, "6", "Table 6: Deaths by region of usual residence, England and Wales",
           ["England", *REGIONS, "Wales"])
    _sheet(book, "7", "Table 7: Deaths involving COVID-19 by region of usual residence",
           ["England", *REGIONS, "Wales"])
    for name, area in (("8", "England and Wales"), ("9", "England"), ("10", "Wales")):
        _sheet(book, name, f"Table {name}: Deaths by place of occurrence, {area}",
               ["All places", *PLACES, *[f"{p}: COVID-19" for p in PLACES]])
    _sheet(book, "11", "Table 11: Deaths at home by cause, England and Wales",
           ["All causes", "Dementia and Alzheimer's disease", "Cancer", "Heart disease"])
    _sheet(book, "12", "Table 12: UK deaths", ["England", "Wales", "Scotland",
                                                "Northern Ireland"])
    book.save(path)
    return path


def best_of_three(step) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return min(times)


def report(label: str, path: Path) -> None:
    print(f"{label} ({path.name}, {path.stat().st_size / 1024:.0f} KiB):")
    for name, step in (("recognise", lambda: official.recognise(path)),
                       ("load_weekly_workbook", lambda: load_weekly_workbook(path)),
                       ("load_weekly_deaths", lambda: load_weekly_deaths(path)),
                       ("edition", lambda: edition(path))):
        print(f"  {name:<22} {best_of_three(step):6.2f} s")
    frame = load_weekly_deaths(path)
    print(f"  {len(frame)} weekly_deaths rows, {frame['area_code'].nunique()} areas, "
          f"edition {edition(path)}")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="asc-weekly-") as tmp:
        report("numbered-sheet layout (2022-2023 shape)",
               numbered_workbook(Path(tmp) / "publicationfileweek352023.xlsx"))
    root = shared_data_dir()
    real = root / "ons-weekly-deaths-ew-2020-wk39" / "publishedweek392020.xlsx" if root else None
    if real is not None and real.exists():
        report("2020 layout (real file)", real)
    else:
        print("2020 layout: ../shared/data absent, not timed")


if __name__ == "__main__":
    main()
