"""`asclib.data`: typed tables, area filters with clear errors, provenance of every read."""

from __future__ import annotations

import pytest

from asclib import data as asc_data

SEFTON = "E08000014"


@pytest.fixture(scope="module")
def processed(prepare_bundled):
    return prepare_bundled([SEFTON, "E08000015"])


def test_missing_processed_data_names_the_command(tmp_path):
    with pytest.raises(asc_data.DataNotReadyError, match="asc prepare"):
        asc_data.open_data(tmp_path)


def test_tables_are_typed(processed):
    data = asc_data.open_data(processed)
    ledger = data.table("budget_ledger")
    assert list(ledger.columns) == asc_data.TABLE_COLUMNS["budget_ledger"]
    assert str(ledger["gross_gbp"].dtype) == "float64"
    outbreaks = data.table("care_home_outbreaks")
    assert str(outbreaks["date_declared"].dtype) == "datetime64[ns]"
    assert outbreaks["date_closed"].isna().any()
    weekly = data.table("weekly_deaths")
    assert str(weekly["year"].dtype) == "int64" and weekly["illustrative"].all()
    lookup = data.lookup
    assert lookup["asc_authority"].dtype == bool
    indicators = data.table("indicators")
    assert indicators["suppressed"].dtype == bool and indicators["age"].iloc[0] == "All ages"


def test_parquet_round_trip_keeps_integer_counts(processed):
    data = asc_data.open_data(processed)
    assert str(data.table("weekly_deaths")["deaths"].dtype) == "Int64"
    assert str(data.table("population")["population"].dtype) == "Int64"
    assert str(data.table("care_home_deaths")["all_care_homes"].dtype) == "Int64"
    assert str(data.table("monthly_deaths")["deaths"].dtype) == "Int64"
    outbreaks = data.table("care_home_outbreaks")
    assert str(outbreaks["resident_cases"].dtype) == "int64"
    assert str(data.table("day_service_placements")["age"].dtype) == "int64"
    care = data.table("care_home_deaths").set_index(["area_code", "year"])
    assert care.loc[(SEFTON, 2020), "all_care_homes"] == 946  # SOURCE.md ground truth
    manifest = data.manifest["tables"]["population"]
    assert manifest["file"] == "population.parquet" and len(manifest["sha256"]) == 64


def test_old_csv_processed_folder_asks_for_prepare(tmp_path):
    (tmp_path / "_manifest.json").write_text(
        '{"tables": {"seed_figures": {"file": "seed_figures.csv", "sources": []}}}',
        encoding="utf-8")
    with pytest.raises(asc_data.DataNotReadyError, match="asc prepare"):
        asc_data.open_data(tmp_path).table("seed_figures")


def test_area_filter_and_clear_error(processed):
    data = asc_data.open_data(processed)
    sefton = data.table("day_service_placements", area_code=SEFTON)
    assert len(sefton) == 648 and set(sefton["area_code"]) == {SEFTON}
    with pytest.raises(asc_data.DataNotReadyError) as info:
        data.table("budget_ledger", area_code="E08000012")
    message = str(info.value)
    assert "no budget ledger for Liverpool (E08000012)" in message
    assert "data/raw/council/E08000012/budget_ledger.xlsx" in message
    assert "asc demo-data --area E08000012" in message
    with pytest.raises(KeyError, match="did you mean 'budget_ledger'"):
        data.table("budget_ledgr")


def test_area_reads_convert_only_the_area_rows_and_equal_the_filtered_table(processed):
    import pandas as pd

    by_area, whole = asc_data.open_data(processed), asc_data.open_data(processed)
    compared = 0
    for name in by_area.tables:
        full = whole.table(name)
        if "area_code" not in full.columns:
            continue
        for code in (SEFTON, "E08000015", "E92000001", "E06000052"):
            expected = full[full["area_code"] == code].reset_index(drop=True)
            assert by_area.has_rows(name, code) == (not expected.empty), (name, code)
            if expected.empty:
                with pytest.raises(asc_data.DataNotReadyError):
                    by_area.table(name, area_code=code)
                continue
            pd.testing.assert_frame_equal(by_area.table(name, area_code=code), expected)
            compared += 1
        # the whole table was never converted (the lookup is, for names in messages)
        assert name == "local_authorities" or name not in by_area._cache
    assert compared >= 15
    # once the whole table is loaded, area reads are taken from it
    ledger = by_area.table("budget_ledger")
    assert len(by_area.table("budget_ledger", area_code=SEFTON)) == (
        ledger["area_code"] == SEFTON).sum()


def test_several_areas_in_one_read_and_unrecorded_peeks(processed):
    import pandas as pd

    data = asc_data.open_data(processed)
    full = asc_data.open_data(processed).table("weekly_deaths")
    both = data.table("weekly_deaths", area_code=[SEFTON, "E92000001", SEFTON])
    expected = full[full["area_code"].isin([SEFTON, "E92000001"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(both, expected)
    assert set(both["area_code"]) == {SEFTON, "E92000001"}
    # the first area is the one that must have rows
    with pytest.raises(asc_data.DataNotReadyError, match="E06000052"):
        data.table("budget_ledger", area_code=["E06000052", SEFTON])
    # a peek records nothing
    fresh = asc_data.open_data(processed)
    held = fresh.peek("weekly_deaths", SEFTON)
    assert set(held["area_code"]) == {SEFTON} and len(held) > 500
    assert fresh.inputs == [] and fresh.tables_read == []


def test_inputs_and_illustrative_follow_the_reads(processed):
    data = asc_data.open_data(processed)
    assert data.inputs == [] and data.illustrative is False
    data.table("seed_figures")
    assert data.illustrative is False
    assert [i["path"] for i in data.inputs][0].endswith("published/seed_figures.csv")
    data.table("budget_ledger", area_code=SEFTON)
    assert data.illustrative is True
    paths = [i["path"] for i in data.inputs]
    assert any(p.endswith(f"demo/council/{SEFTON}/budget_ledger.xlsx") for p in paths)
    assert not any("E08000015" in p for p in paths)  # only the area read
    assert all(len(i["sha256"]) == 64 for i in data.inputs)


def test_areas_seed_and_comparators(processed):
    data = asc_data.open_data(processed)
    assert data.area_name(SEFTON) == "Sefton"
    assert data.region_of(SEFTON) == "E12000002"
    assert data.region_name(SEFTON) == "North West"
    assert data.seed("day_service_clients") == 648.0
    assert data.seed("budget_gross_2020_21") == 153_300_000.0
    with pytest.raises(KeyError, match="day_service_clients"):
        data.seed("day_service_client")
    group = data.comparators(SEFTON, "nearest_neighbours")
    assert group[0] == SEFTON and len(group) == 16 and "E08000015" in group
    region = data.comparators(SEFTON, "region")
    assert "E08000012" in region
    assert data.data_date == "2021-12-31"
    with pytest.raises(KeyError, match="unknown area code"):
        data.area_name("E08000099")


def test_is_illustrative_tells_real_tables_from_demo_ones():
    from asclib.data import DataNotReadyError, open_data

    data = open_data()
    assert data.is_illustrative("budget_ledger") is True
    assert data.is_illustrative("care_home_deaths") is False
    with pytest.raises(DataNotReadyError, match="no processed table 'nope'"):
        data.is_illustrative("nope")
