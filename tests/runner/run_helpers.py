"""Helpers of the runner tests: test notebooks, a tiny processed-data folder read through
the real asclib.data layer, and a /proc scan for processes of a run."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

NOTEBOOKS = Path(__file__).parent / "notebooks"
AREA = "E08000014"
OTHER_AREA = "E08000012"
LOOKUP_CSV = (
    "area_code,area_name,geography,region_code,region_name,asc_authority\n"
    "E08000012,Liverpool,Metropolitan District,E12000002,North West,True\n"
    "E08000014,Sefton,Metropolitan District,E12000002,North West,True\n"
    "E07000117,Burnley,Non-metropolitan District,E12000002,North West,False\n"
    "E06000001,Hartlepool,Unitary Authority,E12000001,North East,True\n"
)


def notebook(name: str) -> Path:
    return NOTEBOOKS / f"{name}.ipynb"


def write_processed(folder: Path, spend_sha: dict[str, str] | None = None,
                    staff_sha: str = "c" * 64) -> Path:
    """A processed-data folder in the `asc prepare` layout: local_authorities, spend (one
    source per council) and staff (one shared source)."""
    import io

    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    spend_sha = {AREA: "a" * 64, OTHER_AREA: "b" * 64, **(spend_sha or {})}
    tables = {
        "local_authorities": LOOKUP_CSV,
        "spend": "area_code,service,gross_gbp\nE08000014,Home care,11800000\n"
                 "E08000014,Day care,2500000.5\nE08000012,Home care,20000000\n",
        "staff": "area_code,team,gross_gbp\nE08000014,Reablement,900000\n"
                 "E08000012,Reablement,1200000\n",
    }
    for name, text in tables.items():  # typed Parquet, as `asc prepare` writes
        pd.read_csv(io.StringIO(text)).to_parquet(folder / f"{name}.parquet", index=False)
    manifest = {
        "data_date": "2021-03-31",
        "tables": {
            "local_authorities": {"file": "local_authorities.parquet", "rows": 4,
                                  "illustrative": False, "sources": [
                                      {"path": "data/raw/lookups/local_authorities.csv",
                                       "sha256": "d" * 64}]},
            "spend": {"file": "spend.parquet", "rows": 3, "illustrative": True, "sources": [
                {"path": f"data/raw/demo/council/{code}/spend.xlsx", "sha256": sha,
                 "area_code": code, "illustrative": True} for code, sha in spend_sha.items()]},
            "staff": {"file": "staff.parquet", "rows": 2, "illustrative": False, "sources": [
                {"path": "data/raw/published/staff.csv", "sha256": staff_sha}]},
        },
    }
    (folder / "_manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- subprocesses


def asc_command(*args: str) -> list[str]:
    """`asc run ...` as a separate process (the console script of this interpreter)."""
    return [sys.executable, "-m", "asclib.cli", "run", *args]


def processes_with_marker(marker: str) -> list[int]:
    """Pids of live processes whose environment holds ``ASC_TEST_MARKER=marker`` (a /proc
    scan: the run's client, its workers and their kernels inherit the environment)."""
    found = []
    needle = f"ASC_TEST_MARKER={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def wait_until_gone(marker: str, seconds: float = 15) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = processes_with_marker(marker)
        if not alive:
            return []
        time.sleep(0.2)
    return processes_with_marker(marker)
