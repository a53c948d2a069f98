"""Shared fixtures for the loader tests: the real files in ../shared/data, skipped with a clear
reason when that folder (or one file in it) is absent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

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
