"""Where things live. Every default path is derived from the package location, so notebooks
and the ``asc`` command work from any working directory."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT: Path = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"
RAW_DATA_DIR: Path = PROJECT_ROOT / "data" / "raw"
PROCESSED_DATA_DIR: Path = PROJECT_ROOT / "data" / "processed"
REPORTS_DIR: Path = PROJECT_ROOT / "reports"


def shared_data_dir() -> Path | None:
    """The folder of real public files (``../shared/data`` beside the project), or None.

    ``ASC_SHARED_DATA`` overrides the location. Used only by tests and by the extraction
    script that writes ``data/raw/published/``; a user's clone does not need it.
    """
    override = os.environ.get("ASC_SHARED_DATA")
    candidate = Path(override) if override else PROJECT_ROOT.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None
