"""ONS care-home deaths by LA 2010-2023 (CSV with preamble and BOM)."""

from __future__ import annotations

from pathlib import Path

import pytest

from asclib.errors import InputDataError
from asclib.sources.ons_care_home_deaths import COLUMNS, load_care_home_deaths

FILE = "ons-care-home-deaths-by-la-2010-2023/lanonladeaths20141021.csv"
PREAMBLE = ('\ufeff"Table 1: Deaths in care homes",,,,,\r\nThis worksheet contains one table.'
            ',,,,,\r\n[Note 1],,,,,\r\n,,,,,\r\n')
HEADER = "Year,Local Authority Code,Local Authority Name,LA care homes,non-LA care homes," \
         "All care homes\r\n"


def _file(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "lanonla.csv"
    path.write_text(PREAMBLE + header + "".join(r + "\r\n" for r in rows), encoding="utf-8")
    return path


def test_real_file_sefton_ground_truth(shared_file):
    frame = load_care_home_deaths(shared_file(FILE))
    assert list(frame.columns) == COLUMNS
    assert frame.shape == (4452, 6) and frame["area_code"].nunique() == 318
    assert frame["area_code"].str.startswith("E").sum() == 296 * 14
    sefton = frame[frame["area_code"] == "E08000014"].set_index("year")["all_care_homes"]
    assert sefton.loc[2015:2023].tolist() == [754, 671, 684, 702, 748, 946, 756, 722, 825]
    assert sefton.loc[2015:2019].mean() == pytest.approx(711.8)
    assert (frame["la_care_homes"] + frame["non_la_care_homes"]
            == frame["all_care_homes"]).all()


def test_fixture_reads_preamble_and_bom(tmp_path):
    frame = load_care_home_deaths(_file(tmp_path, "2020,E08000014,Sefton,16,930,946"))
    assert frame.iloc[0].tolist() == ["E08000014", "Sefton", 2020, 16, 930, 946]


def test_processed_layout_is_read_too(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_text(",".join(["year", *COLUMNS[:2], *COLUMNS[3:]]) + "\n"
                    "2020,E08000014,Sefton,16,930,946\n", encoding="utf-8")
    assert load_care_home_deaths(path)["all_care_homes"].tolist() == [946]


def test_text_in_number_column(tmp_path):
    with pytest.raises(InputDataError) as info:
        load_care_home_deaths(_file(tmp_path, "2019,E08000014,Sefton,9,739,748",
                                    "2020,E08000014,Sefton,16,n/k,946"))
    [problem] = info.value.problems
    assert (problem.column, problem.row) == ("non-LA care homes", 7)
    assert "lanonla.csv" in problem.file and "'n/k'" in problem.message


def test_totals_that_do_not_add_up(tmp_path):
    with pytest.raises(InputDataError, match="LA \\+ non-LA"):
        load_care_home_deaths(_file(tmp_path, "2020,E08000014,Sefton,16,930,947"))


def test_missing_column(tmp_path):
    header = HEADER.replace(",non-LA care homes", "")
    with pytest.raises(InputDataError) as info:
        load_care_home_deaths(_file(tmp_path, "2020,E08000014,Sefton,16,946", header=header))
    assert [p.column for p in info.value.problems] == ["non_la_care_homes"]


def test_no_header(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputDataError, match="other.csv.*no header row"):
        load_care_home_deaths(path)
