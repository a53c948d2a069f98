"""Live refresh of Fingertips indicator data through the public Fingertips API (``asc fetch``).

Downloads the ``all_data/csv/by_indicator_id`` CSV (the layout of the site's "Export data"
button, read by :func:`asclib.sources.fingertips.load_fingertips_export`, including the current
format with ``AreaName``-style headers and a "Time period range" column) for one area type,
and refreshes the suite's ``indicator_metadata`` file beside it. Both land in
``data/raw/official/fingertips/``, where ``asc prepare`` recognises them by content.

The API address is ``https://fingertips.phe.org.uk/api`` unless the ``ASC_FINGERTIPS_API``
environment variable or ``asc fetch --api-url`` says otherwise (the tests point it at a local
HTTP server). Never used by scheduled runs.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from asclib.errors import DataProblem, InputDataError

DEFAULT_API_BASE = "https://fingertips.phe.org.uk/api"
#: Environment variable naming another API address (e.g. a mirror or a test server).
API_BASE_ENV = "ASC_FINGERTIPS_API"
API_URL = f"{DEFAULT_API_BASE}/all_data/csv/by_indicator_id"

#: Fingertips area type of upper-tier local authorities (April 2021 boundaries: counties,
#: unitaries, metropolitan and London boroughs - every council with ASC responsibilities in
#: the suite's lookup). 102 / 202 / 302 are the older county & UA types, 502 the post-April
#: 2023 one.
UPPER_TIER_AREA_TYPE = 402
UPPER_TIER_AREA_TYPES: tuple[int, ...] = (502, 402, 302, 202, 102)

#: Indicator ids from here up are the demo's illustrative indicators, not Fingertips ids:
#: never requested from the API, never written to the official metadata file.
ILLUSTRATIVE_ID_MIN = 990_000

METADATA_FILE = "indicator_metadata.csv"

#: Metadata of an indicator the suite has no curated row for.
_UNKNOWN_METADATA = {"domain": "Other Fingertips indicators", "polarity": "no_judgement",
                     "unit": "", "value_type": "", "multiplier": 1.0}


class FingertipsUnreachable(InputDataError):  # noqa: N818 - reads as a sentence
    """The Fingertips API could not be reached (network down, DNS, refused connection,
    timeout) or answered with an HTTP error. ``reason`` is the plain cause."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(DataProblem(url, f"download failed: could not reach the Fingertips "
                                          f"API: {reason}"))


def api_base(explicit: str | None = None) -> str:
    """The API address: ``explicit``, else ``$ASC_FINGERTIPS_API``, else the public one."""
    return (explicit or os.environ.get(API_BASE_ENV) or DEFAULT_API_BASE).rstrip("/")


def build_url(indicator_ids: Iterable[int], area_type_id: int, *,
              profile_id: int | None = None, base: str | None = None) -> str:
    """The API address for the indicators' data at one child area type
    (e.g. 102 = counties and unitary authorities, 402 = upper-tier LAs from 2021)."""
    ids = [int(i) for i in indicator_ids]
    if not ids:
        raise ValueError("give at least one indicator id")
    params = {"indicator_ids": ",".join(str(i) for i in ids),
              "child_area_type_id": str(int(area_type_id))}
    if profile_id is not None:
        params["profile_id"] = str(int(profile_id))
    root = DEFAULT_API_BASE if base is None else base.rstrip("/")
    return f"{root}/all_data/csv/by_indicator_id?{urllib.parse.urlencode(params, safe=',')}"


def output_name(indicator_ids: Iterable[int], area_type_id: int) -> str:
    """File name of a download: ``fingertips_<ids>_at<area type>.csv`` (any name would do:
    ``asc prepare`` recognises the file by its columns)."""
    ids = "-".join(str(int(i)) for i in indicator_ids)
    return f"fingertips_{ids}_at{int(area_type_id)}.csv"


def _download(url: str, opener: Callable[..., object], timeout: float) -> bytes:
    try:
        with opener(url, timeout=timeout) as response:  # type: ignore[attr-defined]
            return response.read()
    except urllib.error.HTTPError as exc:
        raise FingertipsUnreachable(url, f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise FingertipsUnreachable(url, str(exc.reason)) from None
    except (TimeoutError, OSError, ValueError) as exc:
        raise FingertipsUnreachable(url, str(exc) or type(exc).__name__) from None


def _write_atomically(target: Path, payload: bytes, check: Callable[[Path], object] | None
                      ) -> None:
    """Write ``payload`` to a temporary file beside ``target``, run ``check`` on it, then
    rename it over ``target``: a failed check never replaces a good file."""
    handle, temp_name = tempfile.mkstemp(prefix=".fingertips-", suffix=".csv",
                                         dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        if check is not None:
            check(Path(temp_name))
        os.replace(temp_name, target)
    finally:
        if os.path.exists(temp_name):
            os.unlink(temp_name)


def fetch(indicator_ids: Iterable[int], area_type_id: int, out_dir: str | Path, *,
          profile_id: int | None = None,
          opener: Callable[..., object] = urllib.request.urlopen,
          timeout: float = 120.0, validate: bool = True, base: str | None = None) -> Path:
    """Download the indicators' CSV into ``out_dir`` and return the file's path.

    The file is written atomically (temporary file, then rename) and, with ``validate``, read
    back with the Fingertips loader first, so a failed or partial download never replaces a good
    file. Raises :class:`FingertipsUnreachable` when the API cannot be reached and
    InputDataError when the answer is not a Fingertips CSV with rows. ``opener`` is
    ``urllib.request.urlopen``; ``base`` the API address (default :func:`api_base`).
    """
    ids = [int(i) for i in indicator_ids]
    url = build_url(ids, area_type_id, profile_id=profile_id,
                    base=api_base(base) if base is not None or os.environ.get(API_BASE_ENV)
                    else None)
    payload = _download(url, opener, timeout)
    if not payload:
        raise InputDataError(DataProblem(url, "download returned no data"))
    target_dir = Path(out_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / output_name(ids, area_type_id)
    check = None
    if validate:
        from asclib.sources.fingertips import load_fingertips_export

        check = load_fingertips_export
    try:
        _write_atomically(target, payload, check)
    except InputDataError as exc:  # name the download, not the temporary file
        raise InputDataError([
            DataProblem(url, problem.message.replace("file has", "the answer has"),
                        sheet=problem.sheet, column=problem.column, row=problem.row)
            for problem in exc.problems]) from None
    return target


def suite_indicator_metadata(raw_dir: str | Path) -> pd.DataFrame:
    """The suite's metadata of its JSNA indicators (the ``indicator_metadata`` layout): the
    rows of the official file a previous ``asc fetch`` wrote (current names), then those of
    the bundled curated list (``demo/fingertips``) for the other indicators. Empty when
    neither file exists."""
    from asclib.sources.fingertips import METADATA_COLUMNS, load_indicator_metadata

    raw = Path(raw_dir)
    frames = [load_indicator_metadata(candidate)
              for candidate in (raw / "official" / "fingertips" / METADATA_FILE,
                                raw / "demo" / "fingertips" / METADATA_FILE)
              if candidate.exists()]
    if not frames:
        return pd.DataFrame(columns=METADATA_COLUMNS)
    merged = pd.concat(frames, ignore_index=True).drop_duplicates("indicator_id")
    return merged.sort_values("indicator_id", kind="stable").reset_index(drop=True)


def real_indicator_ids(metadata: pd.DataFrame) -> list[int]:
    """The Fingertips ids among the metadata's indicators (illustrative 99000x left out)."""
    ids = metadata["indicator_id"].astype(int)
    return sorted(int(i) for i in ids[ids < ILLUSTRATIVE_ID_MIN])


def refresh_metadata(download: str | Path, known: pd.DataFrame, out_dir: str | Path) -> Path:
    """Write ``out_dir/indicator_metadata.csv`` for the indicators in ``download``.

    Each real indicator of the download gets its current Fingertips name; domain, polarity,
    unit, value type and multiplier come from the suite's curated row (``known``), or neutral
    values ("no_judgement", multiplier 1) for an indicator the suite does not curate. Rows of
    an earlier metadata file for other indicators are kept; illustrative ids never appear.
    Written atomically and read back with the metadata loader first.
    """
    from asclib.sources.fingertips import (
        METADATA_COLUMNS,
        load_fingertips_export,
        load_indicator_metadata,
    )

    data = load_fingertips_export(download)
    names = (data.drop_duplicates("indicator_id").set_index("indicator_id")["indicator_name"])
    curated = known.set_index("indicator_id") if len(known) else None
    target = Path(out_dir) / METADATA_FILE
    rows: dict[int, dict[str, object]] = {}
    if target.exists():
        for row in load_indicator_metadata(target).to_dict("records"):
            rows[int(row["indicator_id"])] = row
    for indicator_id, name in names.items():
        if int(indicator_id) >= ILLUSTRATIVE_ID_MIN:
            continue
        base = (curated.loc[indicator_id].to_dict()
                if curated is not None and indicator_id in curated.index else _UNKNOWN_METADATA)
        rows[int(indicator_id)] = {**{k: base[k] for k in _UNKNOWN_METADATA},
                                   "indicator_id": int(indicator_id), "indicator_name": name}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=METADATA_COLUMNS, lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    for indicator_id in sorted(rows):
        row = dict(rows[indicator_id])
        row["multiplier"] = f"{float(row['multiplier']):g}"
        writer.writerow(row)
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(target, buffer.getvalue().encode("utf-8"), load_indicator_metadata)
    return target
