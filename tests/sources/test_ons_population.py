"""ONS mid-2020 population estimates (legacy .xls, MYE2 sheets)."""

from __future__ import annotations

import functools

import pytest

from asclib.errors import InputDataError
from asclib.sources.ons_population import (
    AGE_BANDS,
    COLUMNS,
    load_population,
    load_population_extract,
)
from asclib.sources.ons_population import edition as population_edition

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


# ------------------------------------------------------------ older editions
# Built from the real mid-2020 .xls (read with xlrd) as .xlsx copies with the older sheet
# names and header styles; the year comes from the sheet titles, never the file name.


_READ_ROWS = 120  # through Sefton (row 68), the regions and England


@functools.lru_cache(maxsize=1)
def _mye2_rows(path) -> dict[str, list[list[object]]]:
    """The first rows of the real workbook's three MYE2 sheets, read once with xlrd."""
    import xlrd

    book = xlrd.open_workbook(path, on_demand=True)
    try:
        out = {}
        for sheet in ("MYE2 - Persons", "MYE2 - Males", "MYE2 - Females"):
            ws = book.sheet_by_name(sheet)
            out[sheet] = [[None if c.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)
                           else c.value for c in ws.row(r)]
                          for r in range(min(ws.nrows, _READ_ROWS))]
        return out
    finally:
        book.release_resources()


def _older_edition(real, target, names: dict[str, str], *, year: int = 2019,
                   numeric_ages: bool = False, cover: str | None = None):
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    if cover:
        book.create_sheet("Cover sheet").append([cover])
    for old, new in names.items():
        rows = [list(r) for r in _mye2_rows(str(real))[old]]
        rows[0][0] = rows[0][0].replace("mid-2020", f"Mid-{year}")
        header = rows[7]
        header[2] = "Geography1"  # footnote digit glued on, as the older editions have
        if numeric_ages:  # ages as numbers, the last one 90 (meaning 90 and over)
            rows[7] = header[:4] + [int(a.rstrip("+")) for a in header[4:]]
        sheet = book.create_sheet(new)
        for row in rows:
            sheet.append(row)
    book.save(target)
    return target


OLD_NAMES = {"MYE2 - Persons": "MYE2 - All", "MYE2 - Males": "MYE2 - M",
             "MYE2 - Females": "MYE2 - F"}


@pytest.mark.parametrize("names", [
    OLD_NAMES,
    {old: new + " " for old, new in OLD_NAMES.items()},  # trailing spaces
    {"MYE2 - Persons": "MYE2 - Persons ", "MYE2 - Males": "MYE2 - Males ",
     "MYE2 - Females": "MYE2 - Females"},
])
def test_older_sheet_names_in_xlsx(shared_file, tmp_path, names):
    path = _older_edition(shared_file(FILE), tmp_path / "mid2020.xlsx", names)
    frame = load_population(path)
    assert set(frame["year"]) == {2019}  # from the titles, not the file name "mid2020"
    assert _total(frame, "E08000014") == 275_899
    assert _total(frame, "E08000014", bands=OVER_65) == 65_463
    assert _total(frame, "E08000014", sex="male") == 132_868
    assert _total(frame, "E12000002") == 7_367_456


def test_numeric_age_headers_with_90_meaning_90_and_over(shared_file, tmp_path):
    path = _older_edition(shared_file(FILE), tmp_path / "mye.xlsx", OLD_NAMES, year=2016,
                          numeric_ages=True)
    frame = load_population(path)
    assert set(frame["year"]) == {2016}
    assert _total(frame, "E08000014", bands=["90+"]) == 3_419
    assert _total(frame, "E92000001") == 56_550_138


def test_missing_sheets_named_with_their_other_spellings(shared_file, tmp_path):
    path = _older_edition(shared_file(FILE), tmp_path / "mye.xlsx",
                          {"MYE2 - Persons": "MYE2 - All"})
    with pytest.raises(InputDataError) as info:
        load_population(path)
    sheets = [p.sheet for p in info.value.problems]
    assert sheets == ["MYE2 - Males", "MYE2 - Females"]
    assert "'MYE2 - M'" in info.value.problems[0].message


def test_edition_from_the_cover_sheet(shared_file, tmp_path):
    assert population_edition(shared_file(FILE)) == "2021-06-25"
    path = _older_edition(shared_file(FILE), tmp_path / "mye.xlsx", OLD_NAMES,
                          cover="Release date: 26 June 2020")
    assert population_edition(path) == "2020-06-26"
    bare = _older_edition(shared_file(FILE), tmp_path / "bare.xlsx", OLD_NAMES)
    assert population_edition(bare) is None


def test_bad_age_cells_name_sheet_age_and_row(shared_file, tmp_path):
    import openpyxl

    path = _older_edition(shared_file(FILE), tmp_path / "mye.xlsx", OLD_NAMES)
    book = openpyxl.load_workbook(path)
    sheet = book["MYE2 - M"]
    sefton = next(r for r in range(1, 130) if sheet.cell(r, 1).value == "E08000014")
    sheet.cell(sefton, 5 + 7).value = "many"  # age 7
    sheet.cell(sefton, 5 + 90).value = None  # 90+
    book.save(path)
    with pytest.raises(InputDataError) as info:
        load_population(path)
    found = {(p.sheet, p.column, p.row, p.message) for p in info.value.problems}
    assert len(found) == 2
    assert ("MYE2 - M", "7", sefton, "'many' is not a number") in found
    assert ("MYE2 - M", "90+", sefton, "value is missing") in found
