"""scripts/extract_published.py: deterministic extracts that match the committed files."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from asclib.paths import PROJECT_ROOT, RAW_DATA_DIR, shared_data_dir

SCRIPT = PROJECT_ROOT / "scripts" / "extract_published.py"


def _module():
    spec = importlib.util.spec_from_file_location("extract_published", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    shared = shared_data_dir()
    if shared is None:
        pytest.skip("../shared/data (real public files) is absent")
    out = tmp_path_factory.mktemp("raw")
    counts = _module().extract(shared, out)
    return out, counts


def test_same_bytes_twice_and_same_as_committed(extracted, tmp_path):
    out, counts = extracted
    again = _module().extract(shared_data_dir(), tmp_path)
    assert counts == again
    for name in counts:
        fresh = (out / name).read_bytes()
        assert fresh == (tmp_path / name).read_bytes(), name
        committed = RAW_DATA_DIR / name
        if committed.exists():
            assert committed.read_bytes() == fresh, f"{name} is out of date: re-run the script"


def test_row_counts(extracted):
    _, counts = extracted
    assert counts == {
        "lookups/local_authorities.csv": 349,
        "published/care_home_deaths_by_la.csv": 296 * 14,
        "published/monthly_deaths_by_la.csv": 756,
        "published/england_deaths_by_place_2020.csv": 14,
        "published/nearest_neighbours.csv": 5175,
        "published/asc_measures.csv": 6376,
        "published/population_mid2020.csv": 349 * 3 * 19,
        "published/asc_finance.csv": 151,
        "published/care_home_unit_costs.csv": 3040,
    }


def test_england_by_place_values(extracted):
    out, _ = extracted
    frame = pd.read_csv(out / "published" / "england_deaths_by_place_2020.csv")
    assert list(frame.columns) == ["area_code", "period", "cause", "place", "deaths"]
    value = frame.set_index(["cause", "place"])["deaths"]
    assert (value["all_causes", "all"], value["covid19", "all"],
            value["covid19", "care_home"]) == (425_995, 50_195, 14_888)
    assert set(frame["period"]) == {"2020 weeks 1-39"}


def test_sources_md_names_every_file(extracted):
    out, counts = extracted
    text = (out / "published" / "SOURCES.md").read_text(encoding="utf-8")
    for name in counts:
        assert f"`{name}`" in text
    assert text.count("Open Government Licence v3.0") >= len(counts)
    assert "scripts/extract_published.py" in text


def test_population_extract_sefton(extracted):
    out, _ = extracted
    frame = pd.read_csv(out / "published" / "population_mid2020.csv")
    sefton = frame[(frame["area_code"] == "E08000014") & (frame["sex"] == "persons")]
    assert sefton["population"].sum() == 275_899
    assert Path(out / "published" / "care_home_deaths_by_la.csv").stat().st_size < 200_000


def test_files_are_found_by_content_not_by_name(extracted, tmp_path):
    """Copies of the needed official files under random names and folders give the same
    extracts: the script holds no file names."""
    import shutil
    import uuid

    from asclib.sources.published import locate

    shared = shared_data_dir()
    renamed = tmp_path / "shared"
    for path in locate(shared).values():
        target = renamed / uuid.uuid4().hex[:8] / f"{uuid.uuid4().hex}{path.suffix}"
        target.parent.mkdir(parents=True)
        shutil.copyfile(path, target)
    (renamed / "notes.md").write_text("not data", encoding="utf-8")
    counts = _module().extract(renamed, tmp_path / "raw")
    out, expected = extracted
    assert counts == expected
    for name in counts:
        if name.endswith(".csv"):
            assert (tmp_path / "raw" / name).read_bytes() == (out / name).read_bytes(), name
