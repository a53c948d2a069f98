"""Shared fixtures for the loader tests: the real files in ../shared/data, skipped with a clear
reason when that folder (or one file in it) is absent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from weekly_2020 import WORKBOOK

from asclib.paths import shared_data_dir


@pytest.fixture(scope="session")
def shared_file() -> Callable[[str], Path]:
    """``shared_file("folder/file")`` -> the path, or skip the test with the reason."""

    def locate(relative: str) -> Path:
        root = shared_data_dir()
        if root is None:
            pytest.skip("../shared/data (real public files) is absent; set ASC_SHARED_DATA")
        path = root / relative
        if not path.exists():
            pytest.skip(f"../shared/data/{relative} is absent")
        return path

    return locate


@pytest.fixture(scope="session")
def weekly_2020_deaths(shared_file) -> pd.DataFrame:
    """``load_weekly_deaths`` of the real 2020 week-39 workbook (weekly_2020.WORKBOOK)."""
    from asclib.sources.ons_weekly_deaths import load_weekly_deaths

    return load_weekly_deaths(shared_file(WORKBOOK))


@pytest.fixture(scope="session")
def weekly_2020_table(shared_file) -> pd.DataFrame:
    """``load_weekly_workbook`` of the real 2020 week-39 workbook (weekly_2020.WORKBOOK)."""
    from asclib.sources.ons_weekly_deaths import load_weekly_workbook

    return load_weekly_workbook(shared_file(WORKBOOK))
