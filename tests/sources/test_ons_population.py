"""ONS mid-2020 population estimates (legacy .xls, MYE2 sheets)."""

from __future__ import annotations

import pytest

from asclib.errors import InputDataError
from asclib.sources.ons_population import (
    AGE_BANDS,
    COLUMNS,
    load_population,
    load_population_extract,
)

FILE = "ons-mye-mid2020/ukpopestimatesmid2020on2021geography.xls"
OVER_65 = ["65-69", "70-74", "75-79", "80-84", "85-89", "90+"]


@pytest.fixture(scope="module")
def population(shared_file):
    return load_population(shared_file(FILE))


def _total(frame, code, sex="persons", bands=None):
    rows = frame[(frame["area_code"] == code) & (frame["sex"] == sex)]
    if bands is not None:
        rows = rows[rows["age_band"].isin(bands)]
    return int(rows["population"].sum())


def test_sefton_ground_truth(population):
    assert list(population.columns) == COLUMNS
    assert set(population["year"]) == {2020}
    assert _total(population, "E08000014") == 275_899
    assert _total(population, "E08000014", bands=OVER_65) == 65_463
    assert _total(population, "E08000014", bands=["85-89", "90+"]) == 9_725
    assert _total(population, "E08000014", bands=["90+"]) == 3_419
    assert _total(population, "E08000014", sex="male") == 132_868
    sefton = population[population["area_code"] == "E08000014"]
    assert sefton[sefton["sex"] == "persons"]["age_band"].tolist() == AGE_BANDS


def test_national_totals(population):
    assert _total(population, "E92000001") == 56_550_138
    assert _total(population, "E12000002") == 7_367_456
    assert _total(population, "K02000001") == 67_081_234
    assert population["area_code"].nunique() == 420
    assert len(population) == 420 * 3 * 19


def test_corrupt_xls(tmp_path):
    path = tmp_path / "mye.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0 truncated")
    with pytest.raises(InputDataError, match="mye.xls.*not a readable .xls"):
        load_population(path)


def test_extract_roundtrip_and_bad_value(tmp_path):
    path = tmp_path / "population.csv"
    path.write_text("area_code,year,sex,age_band,population\n"
                    "E08000014,2020,persons,0-4,13500\n", encoding="utf-8")
    assert load_population_extract(path)["population"].tolist() == [13500]
    path.write_text("area_code,year,sex,age_band,population\n"
                    "E08000014,2020,persons,0-4,-3\n", encoding="utf-8")
    with pytest.raises(InputDataError) as info:
        load_population_extract(path)
    [problem] = info.value.problems
    assert (problem.column, problem.row) == ("population", 2) and "negative" in problem.message
    path.write_text("area_code,year,sex,age_band,population\n"
                    "E08000014,2020,people,0-4,3\n", encoding="utf-8")
    with pytest.raises(InputDataError) as info:
        load_population_extract(path)
    [problem] = info.value.problems
    assert (problem.column, problem.row) == ("sex", 2) and "population.csv" in problem.file
