"""Optional live refresh of Fingertips indicator data through the public Fingertips API.

Downloads the same CSV layout as the "Export data" button (read by
:func:`asclib.sources.fingertips.load_fingertips_export`) from
``https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id``. Used only by ``asc fetch``:
never by scheduled runs and never by tests (the tests pass a fake opener).
"""

from __future__ import annotations

import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

from asclib.errors import DataProblem, InputDataError

API_URL = "https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id"


def build_url(indicator_ids: Iterable[int], area_type_id: int, *,
              profile_id: int | None = None) -> str:
    """The API address for the indicators' data at one child area type
    (e.g. 102 = counties and unitary authorities, 402 = upper-tier LAs from 2021)."""
    ids = [int(i) for i in indicator_ids]
    if not ids:
        raise ValueError("give at least one indicator id")
    params = {"indicator_ids": ",".join(str(i) for i in ids),
              "child_area_type_id": str(int(area_type_id))}
    if profile_id is not None:
        params["profile_id"] = str(int(profile_id))
    return f"{API_URL}?{urllib.parse.urlencode(params, safe=',')}"


def output_name(indicator_ids: Iterable[int], area_type_id: int) -> str:
    """File name of a download: ``fingertips_<ids>_at<area type>.csv``."""
    ids = "-".join(str(int(i)) for i in indicator_ids)
    return f"fingertips_{ids}_at{int(area_type_id)}.csv"


def fetch(indicator_ids: Iterable[int], area_type_id: int, out_dir: str | Path, *,
          profile_id: int | None = None,
          opener: Callable[..., object] = urllib.request.urlopen,
          timeout: float = 120.0, validate: bool = True) -> Path:
    """Download the indicators' CSV into ``out_dir`` and return the file's path.

    The file is written atomically (temporary file, then rename) and, with ``validate``, read
    back with the Fingertips loader first, so a failed or partial download never replaces a good
    file. ``opener`` is ``urllib.request.urlopen`` (tests pass a fake).
    """
    ids = [int(i) for i in indicator_ids]
    url = build_url(ids, area_type_id, profile_id=profile_id)
    target_dir = Path(out_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / output_name(ids, area_type_id)
    try:
        with opener(url, timeout=timeout) as response:  # type: ignore[attr-defined]
            payload = response.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise InputDataError(DataProblem(url, f"download failed: {exc}")) from None
    if not payload:
        raise InputDataError(DataProblem(url, "download returned no data"))
    handle, temp_name = tempfile.mkstemp(prefix=".fingertips-", suffix=".csv", dir=target_dir)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        if validate:
            from asclib.sources.fingertips import load_fingertips_export

            load_fingertips_export(temp_name)
        os.replace(temp_name, target)
    finally:
        if os.path.exists(temp_name):
            os.unlink(temp_name)
    return target
