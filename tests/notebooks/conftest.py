"""One end-to-end run of the whole suite, shared by the notebook tests.

`asc run` executes every notebook in notebooks/ for two different councils on the bundled data
(Sefton, the example council, and Wirral, one of its nearest neighbours), exactly as a scheduled
run would. Each notebook's test file then reads the manifest and the published outputs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asclib import cli
from asclib.paths import NOTEBOOKS_DIR

AREAS = ("E08000014", "E08000015")


@pytest.fixture(scope="session")
def suite_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the suite once for both councils; returns the output folder."""
    if not list(NOTEBOOKS_DIR.glob("*.ipynb")):
        pytest.skip("no notebooks in notebooks/")
    out = tmp_path_factory.mktemp("reports")
    argv = ["run", "--out", str(out), "--jobs", "2"]
    for area in AREAS:
        argv += ["--area", area]
    code = cli.main(argv)
    if code != 0:
        failures = []
        for area in AREAS:
            manifest = out / area / "manifest.json"
            if manifest.exists():
                for name, entry in json.loads(manifest.read_text())["notebooks"].items():
                    if entry.get("status") != "ok":
                        failures.append(f"{area}/{name}: {entry.get('error')}")
        pytest.fail(f"asc run exited {code}: " + "; ".join(failures))
    return out


@pytest.fixture(scope="session")
def manifests(suite_run: Path) -> dict[str, dict]:
    """Each area's manifest.json, by area code."""
    return {area: json.loads((suite_run / area / "manifest.json").read_text()) for area in AREAS}


@pytest.fixture(scope="session")
def notebook_entry(manifests: dict[str, dict]):
    """``notebook_entry(name, area)`` -> that notebook's entry in the area's manifest."""

    def entry(name: str, area: str) -> dict:
        return manifests[area]["notebooks"][name]

    return entry


@pytest.fixture(scope="session")
def assert_ran_with_headlines(notebook_entry):
    """``assert_ran_with_headlines(name, area, keys)``: the notebook ran ok for the area, every
    headline key has a value, and the report is flagged illustrative (bundled demo records)."""

    def check(name: str, area: str, keys: tuple[str, ...]) -> dict:
        entry = notebook_entry(name, area)
        assert entry["status"] == "ok", entry.get("error")
        assert set(keys) <= set(entry["headlines"])
        assert all(entry["headlines"][key] is not None for key in keys)
        assert entry["illustrative"] is True
        return entry["headlines"]

    return check


@pytest.fixture(scope="session")
def assert_workbook_sheets(suite_run: Path):
    """``assert_workbook_sheets(name, area, sheets)``: the published workbook holds the sheets."""
    import openpyxl

    def check(name: str, area: str, sheets: set[str]) -> None:
        workbook = openpyxl.load_workbook(suite_run / area / f"{name}.xlsx", read_only=True)
        assert set(workbook.sheetnames) >= sheets

    return check
