"""`validate` / `prepare`: every file checked, tables and manifest written deterministically,
council exports preferred to demo records, and a failed prepare leaves nothing half-written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from asclib.checksums import sha256_file
from asclib.data import TABLE_COLUMNS
from asclib.errors import InputDataError
from asclib.paths import RAW_DATA_DIR
from asclib.prepare import prepare, validate
from asclib.tables import TABLES

SEFTON = "E08000014"


@pytest.fixture()
def raw(tmp_path) -> Path:
    """A copy of the bundled data/raw (lookups, published extracts, demo records)."""
    needed = [RAW_DATA_DIR / "lookups" / "local_authorities.csv",
              RAW_DATA_DIR / "demo" / "council" / SEFTON / "budget_ledger.xlsx",
              RAW_DATA_DIR / "published" / "population_mid2020.csv"]
    missing = [p for p in needed if not p.exists()]
    if missing:
        pytest.skip(f"bundled data not generated yet: {missing[0]}")
    target = tmp_path / "raw"
    for part in ("lookups", "published", "demo"):
        shutil.copytree(RAW_DATA_DIR / part, target / part)
    return target


def test_validate_clean_bundle_has_no_problems(raw):
    assert validate(raw) == []


def test_prepare_writes_every_table_and_manifest(raw, tmp_path):
    out = tmp_path / "processed"
    manifest = prepare(raw, out)
    assert set(manifest["tables"]) == set(TABLE_COLUMNS) == set(TABLES)  # the registry
    assert manifest["data_date"] == "2021-12-31"  # last ONS week of the demo deaths, not today
    on_disk = json.loads((out / "_manifest.json").read_text(encoding="utf-8"))
    assert on_disk == manifest
    for name, columns in TABLE_COLUMNS.items():
        frame = pd.read_parquet(out / f"{name}.parquet")
        assert list(frame.columns) == columns, name
        assert manifest["tables"][name]["sha256"] == sha256_file(out / f"{name}.parquet")
    tables = manifest["tables"]
    assert tables["budget_ledger"]["illustrative"] is True
    assert tables["seed_figures"]["illustrative"] is False
    assert tables["weekly_deaths"]["illustrative"] is True
    ledger_sources = tables["budget_ledger"]["sources"]
    assert len(ledger_sources) == 16
    first = ledger_sources[0]
    assert first["sha256"] == sha256_file(raw / "demo" / "council" / first["area_code"]
                                          / "budget_ledger.xlsx")
    assert tables["day_service_placements"]["rows"] > 648


def test_prepare_is_deterministic(raw, tmp_path):
    prepare(raw, tmp_path / "a", areas=[SEFTON])
    prepare(raw, tmp_path / "b", areas=[SEFTON])
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_areas_limit_the_council_tables(raw, tmp_path):
    manifest = prepare(raw, tmp_path / "p", areas=[SEFTON])
    assert [s["area_code"] for s in manifest["tables"]["budget_ledger"]["sources"]] == [SEFTON]
    assert manifest["tables"]["day_service_placements"]["rows"] == 648


def test_council_export_takes_precedence_over_demo(raw, tmp_path):
    own = raw / "council" / SEFTON / "budget_ledger.xlsx"
    own.parent.mkdir(parents=True)
    wb = openpyxl.Workbook()
    wb.active.append(["Period", "Cost centre", "Service type", "PSR", "Age band", "Gross",
                      "Income"])
    wb.active.append(["2020/21", "Z1", "Home care", "Physical support", "65+", 1000, 10])
    wb.save(own)
    manifest = prepare(raw, tmp_path / "p", areas=[SEFTON])
    (source,) = manifest["tables"]["budget_ledger"]["sources"]
    assert source["path"].endswith(f"raw/council/{SEFTON}/budget_ledger.xlsx")
    assert source["illustrative"] is False
    assert manifest["tables"]["budget_ledger"]["illustrative"] is False
    assert manifest["tables"]["budget_ledger"]["rows"] == 1
    # the other council files of the area still come from demo/
    assert manifest["tables"]["care_home_outbreaks"]["illustrative"] is True


def test_failed_prepare_leaves_previous_output_untouched(raw, tmp_path):
    out = tmp_path / "processed"
    out.mkdir()
    (out / "README.md").write_text("derived data\n", encoding="utf-8")
    prepare(raw, out, areas=[SEFTON])
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert "README.md" in before  # kept across the swap
    ledger = raw / "demo" / "council" / SEFTON / "budget_ledger.xlsx"
    ledger.write_bytes(ledger.read_bytes()[:300])
    with pytest.raises(InputDataError) as info:
        prepare(raw, out, areas=[SEFTON])
    assert any("budget_ledger.xlsx" in p.file and "not a readable .xlsx" in p.message
               for p in info.value.problems)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed", "raw"]  # no staging left


def test_validate_lists_every_problem(raw):
    (raw / "published" / "seed_figures.csv").unlink()
    weekly = raw / "demo" / "ons" / "weekly_deaths_la.csv"
    lines = weekly.read_text(encoding="utf-8").splitlines()
    lines[1] = "many" + lines[1][lines[1].index(","):]
    weekly.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = validate(raw, areas=[SEFTON])
    messages = [str(p) for p in problems]
    assert any("seed_figures.csv" in m and "file not found" in m for m in messages)
    assert any("weekly_deaths_la.csv" in m and "row 2" in m and "'many'" in m for m in messages)


def test_up_to_date_only_when_every_raw_file_is_unchanged(raw, tmp_path):
    from asclib.prepare import is_up_to_date

    processed = tmp_path / "p"
    assert not is_up_to_date(raw, processed)          # nothing prepared yet
    prepare(raw, processed, areas=[SEFTON])
    assert not is_up_to_date(raw, processed)          # other councils' files not prepared
    prepare(raw, processed)
    assert is_up_to_date(raw, processed)
    seeds = raw / "published" / "seed_figures.csv"
    seeds.write_text(seeds.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not is_up_to_date(raw, processed)          # a raw file changed
