"""`--executor dask` on a LocalCluster of 2 workers gives the outputs `--jobs` gives: the same
files, headlines and table values (timestamps aside)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import openpyxl
import pytest
from run_helpers import AREA, notebook

from asclib import report
from asclib import run as runs

pytest.importorskip("distributed", reason="the dask extra (distributed) is not installed")

NOTEBOOKS = [notebook("reads_spend"), notebook("reads_staff")]
VOLATILE = {"started", "finished", "seconds", "timings", "worker"}


def _workbook_values(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: [row for row in sheet.iter_rows(values_only=True)
                          if row[0] != "Report run"] for sheet in book.worksheets}


def _published(out: Path) -> dict[str, object]:
    area = out / AREA
    manifest = json.loads((area / "manifest.json").read_text(encoding="utf-8"))
    seen: dict[str, object] = {"files": sorted(p.name for p in area.iterdir())}
    for name, entry in manifest["notebooks"].items():
        seen[f"{name}.entry"] = {k: v for k, v in entry.items() if k not in VOLATILE}
        executed = nbformat.read(area / f"{name}.ipynb", as_version=4)
        record = report.extract(executed)
        seen[f"{name}.headlines"] = record.headlines
        seen[f"{name}.tables"] = record.tables
        seen[f"{name}.xlsx"] = _workbook_values(area / f"{name}.xlsx")
    return seen


def test_dask_local_cluster_matches_jobs(tmp_path: Path, processed: Path) -> None:
    local = runs.run(NOTEBOOKS, [AREA], out_dir=tmp_path / "jobs", data_dir=processed,
                     jobs=2, progress=False)
    dask = runs.run(NOTEBOOKS, [AREA], out_dir=tmp_path / "dask", data_dir=processed,
                    jobs=2, executor="dask", progress=False)
    assert [r.status for r in local.results] == ["ok", "ok"]
    assert [r.status for r in dask.results] == ["ok", "ok"]
    expected, got = _published(tmp_path / "jobs"), _published(tmp_path / "dask")
    assert got == expected
    assert expected["reads_spend.headlines"]["total_gbp"] == 14300000.5
