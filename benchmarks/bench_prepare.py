"""Time `asc prepare` on the bundled data, and a 200,000-row placements export validated and
prepared (each file read once).

    .venv/bin/python benchmarks/bench_prepare.py [--rows 200000]

1. ``asc prepare`` of the bundled data/raw into a temporary folder, timed as a separate command
   (interpreter start-up included). Goal: under 20 s.
2. A copy of the bundled data whose Sefton day-service placements export has ``--rows`` rows
   (written with openpyxl, not timed): ``validate`` then ``prepare`` in one process, as
   ``asc run`` does, timed together, counting how often the workbook is opened. Goal: under
   20 s, read once. Then ``asc validate`` and ``asc prepare`` as separate commands.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RAW = PROJECT_ROOT / "data" / "raw"
ASC = Path(sys.executable).with_name("asc")
SEFTON = "E08000014"


def timed_command(*args: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one ``asc`` command (CPU time is what a busy machine does
    not inflate)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([str(ASC), *args], check=False, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def show(label: str, wall: float, cpu: float, goal: str = "") -> None:
    print(f"{label:<52} {wall:6.1f} s wall, {cpu:6.1f} s CPU {goal}")


def big_export(path: Path, rows: int) -> None:
    """A placements export of ``rows`` made-up clients (a title row above the header)."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Placements")
    ws.append(["Day-service placements export (benchmark data, not real records)"])
    ws.append(["Client ID", "Age", "Primary support reason", "Provider", "Service",
               "Need level", "Daily rate £", "Days per week", "Funding",
               "1:1 top-up £ per day", "Start date", "End date"])
    reasons = ["Learning disability support", "Physical support", "Mental health support",
               "Support with memory and cognition"]
    start = dt.date(2015, 1, 1)
    for i in range(rows):
        ws.append([f"B{i:07d}", 18 + i % 80, reasons[i % 4], f"Provider {i % 37}",
                   "Building-based day centre", "standard", 40 + i % 60, 1 + i % 5,
                   "Commissioned" if i % 3 else "Direct payment", None,
                   start + dt.timedelta(days=i % 2000),
                   None if i % 4 else start + dt.timedelta(days=2000 + i % 300)])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores)")
        show("asc prepare, bundled data", *timed_command("prepare", "--processed",
                                                         str(work / "bundled")), "(goal < 20)")

        raw = work / "raw"
        for part in ("lookups", "published"):
            shutil.copytree(RAW / part, raw / part)
        for part in ("fingertips", "ons"):
            shutil.copytree(RAW / "demo" / part, raw / "demo" / part)
        export = raw / "council" / SEFTON / "day_service_placements.xlsx"
        started = time.perf_counter()
        big_export(export, args.rows)
        print(f"(writing the {args.rows:,}-row export with openpyxl took "
              f"{time.perf_counter() - started:.1f} s; not part of the goal)")

        from asclib import prepare
        from asclib.sources import council

        opened = []
        original = council._open_sheets

        def counting(path):
            opened.append(Path(path).name)
            return original(path)

        council._open_sheets = counting
        started, cpu = time.perf_counter(), time.process_time()
        problems = prepare.validate(raw, [SEFTON])
        if problems:
            print("\n".join(map(str, problems[:5])))
            return 1
        manifest = prepare.prepare(raw, work / "big")
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        council._open_sheets = original
        rows = manifest["tables"]["day_service_placements"]["rows"]
        show(f"validate + prepare, {rows:,}-row export (1 process)", wall, cpu,
             f"(goal < 20); workbook opened {opened.count(export.name)} time(s)")
        show("asc validate (command), same data",
             *timed_command("validate", "--data", str(raw), "--area", SEFTON))
        show("asc prepare (command), same data",
             *timed_command("prepare", "--data", str(raw), "--processed", str(work / "c")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
