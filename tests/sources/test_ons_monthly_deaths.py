"""ONS monthly deaths by area of usual residence (the transcribed tidy excerpt)."""

from __future__ import annotations

import pytest

from asclib.errors import InputDataError
from asclib.sources.ons_monthly_deaths import COLUMNS, load_monthly_deaths

FILE = ("ons-monthly-deaths-by-la-2015-2021-excerpt/"
        "monthly_deaths_registered_by_usual_residence_2015_2021_excerpt.csv")


def test_real_excerpt_sefton(shared_file):
    frame = load_monthly_deaths(shared_file(FILE))
    assert list(frame.columns) == COLUMNS and len(frame) == 756
    sefton = frame[frame["area_code"] == "E08000014"]
    annual = sefton.groupby("year")["deaths"].sum()
    assert annual.tolist() == [3249, 3286, 3184, 3301, 3309, 4004, 3654]
    april = sefton[sefton["month"] == 4].set_index("year")["deaths"]
    assert april[2020] == 621 and april.loc[2015:2019].mean() == pytest.approx(277.2)
    merseyside = frame[frame["area_code"] == "E11000002"].set_index(["year", "month"])["deaths"]
    districts = (frame[frame["area_code"].isin(["E08000011", "E08000012", "E08000013",
                                                 "E08000014", "E08000015"])]
                 .groupby(["year", "month"])["deaths"].sum())
    assert (merseyside == districts).all()


def test_numeric_month_layout(tmp_path):
    path = tmp_path / "monthly.csv"
    path.write_text("year,month,area_code,area_name,deaths\n2020,4,E08000014,Sefton,621\n",
                    encoding="utf-8")
    assert load_monthly_deaths(path).iloc[0].tolist() == ["E08000014", "Sefton", 2020, 4, 621]


def test_bad_month_and_deaths(tmp_path):
    path = tmp_path / "monthly.csv"
    path.write_text("year,month,area_code,area_name,deaths_registered\n"
                    "2020,2019-04,E08000014,Sefton,621\n2020,2020-13,E08000014,Sefton,1\n"
                    "2020,2020-05,E08000014,Sefton,12.5\n", encoding="utf-8")
    with pytest.raises(InputDataError) as info:
        load_monthly_deaths(path)
    found = {(p.column, p.row) for p in info.value.problems}
    assert found == {("month", 2), ("month", 3), ("deaths", 4)}
