"""Local-authority lookup built from MYE2 and the bundled CSV."""

from __future__ import annotations

import pytest

from asclib.errors import InputDataError
from asclib.paths import RAW_DATA_DIR
from asclib.sources.la_lookup import COLUMNS, build_lookup, load_lookup

MYE = "ons-mye-mid2020/ukpopestimatesmid2020on2021geography.xls"


@pytest.fixture(scope="module")
def lookup(shared_file):
    return build_lookup(shared_file(MYE))


def test_england_areas(lookup):
    assert list(lookup.columns) == COLUMNS and len(lookup) == 349
    assert lookup["area_code"].str.startswith("E").all()
    assert lookup["asc_authority"].sum() == 152
    by_geo = lookup.groupby("geography").size().to_dict()
    assert by_geo["Region"] == 9 and by_geo["Country"] == 1
    assert by_geo["Metropolitan District"] == 36 and by_geo["London Borough"] == 33


def test_regions_from_row_order(lookup):
    row = lookup.set_index("area_code")
    assert row.loc["E08000014", ["area_name", "region_code", "region_name"]].tolist() == [
        "Sefton", "E12000002", "North West"]
    assert row.loc["E06000053", "asc_authority"] and row.loc["E09000001", "asc_authority"]
    assert row.loc["E12000003", "area_name"] == "Yorkshire and The Humber"
    assert not row.loc["E07000026", "asc_authority"]          # a shire district
    assert row.loc["E07000026", "region_code"] == "E12000002"
    assert row.loc["E92000001", "area_name"] == "England"


def test_bundled_lookup_loads():
    path = RAW_DATA_DIR / "lookups" / "local_authorities.csv"
    if not path.exists():
        pytest.skip("data/raw/lookups/local_authorities.csv not written yet")
    frame = load_lookup(path)
    assert frame.set_index("area_code").loc["E08000014", "region_name"] == "North West"
    assert frame["asc_authority"].sum() == 152


def test_bad_lookup_csv(tmp_path):
    path = tmp_path / "lookup.csv"
    path.write_text(",".join(COLUMNS) + "\nE08000014,Sefton,Metropolitan District,E12000002,"
                    "North West,maybe\nE0800001X,Bad,Metropolitan District,E12000002,North West,"
                    "True\n", encoding="utf-8")
    with pytest.raises(InputDataError) as info:
        load_lookup(path)
    assert {(p.column, p.row) for p in info.value.problems} == {("asc_authority", 2)}
    path.write_text(path.read_text().replace("maybe", "False"), encoding="utf-8")
    with pytest.raises(InputDataError) as info:
        load_lookup(path)
    assert {(p.column, p.row) for p in info.value.problems} == {("area_code", 3)}
