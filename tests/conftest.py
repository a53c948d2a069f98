"""Fixtures shared by the tests of several packages."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from asclib.paths import RAW_DATA_DIR
from asclib.prepare import prepare

SEFTON = "E08000014"


@pytest.fixture(scope="session")
def prepare_bundled(tmp_path_factory: pytest.TempPathFactory) -> Callable[[list[str]], Path]:
    """A function preparing the bundled data (lookups, published extracts, demo records) with
    council records for the given areas only, into a fresh processed folder; skips when the
    bundled demo data are not generated yet."""

    def make(areas: list[str]) -> Path:
        if not (RAW_DATA_DIR / "demo" / "council" / SEFTON / "budget_ledger.xlsx").exists():
            pytest.skip("bundled demo data not generated yet (asc demo-data)")
        raw = tmp_path_factory.mktemp("raw")
        for part in ("lookups", "published", "demo"):
            shutil.copytree(RAW_DATA_DIR / part, raw / part)
        out = tmp_path_factory.mktemp("processed")
        prepare(raw, out, areas=list(areas))
        return out

    return make
