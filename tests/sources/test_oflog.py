"""Oflog ASC measures and nearest-neighbour groups."""

from __future__ import annotations

import pytest

from asclib.errors import InputDataError
from asclib.sources.oflog import COLUMNS, load_asc_measures, load_nearest_neighbours

MEASURES = "oflog-asc-measures/ASC_data.csv"
NN = "oflog-asc-measures/NN.json"
SEFTON_GROUP = ["E06000001", "E06000003", "E06000005", "E06000012", "E06000026", "E06000027",
                "E06000047", "E06000057", "E06000058", "E08000007", "E08000013", "E08000015",
                "E08000022", "E08000024", "E08000033"]


def test_measures_sefton(shared_file):
    frame = load_asc_measures(shared_file(MEASURES))
    assert list(frame.columns) == COLUMNS and len(frame) == 6376
    sefton = frame[(frame["area_code"] == "E08000014") & (frame["period"] == "2019/20")]
    value = sefton.set_index("measure_code")["value"]
    assert value["ASC5"] == 85.3
    assert value["ASC6"] == pytest.approx(2241.96, abs=0.005)
    polarity = frame.drop_duplicates("measure_code").set_index("measure_code")["polarity"]
    assert polarity.to_dict() == {"ASC1": "high_is_good", "ASC2": "high_is_good",
                                  "ASC3": "high_is_good", "ASC4": "high_is_good",
                                  "ASC5": "high_is_good", "ASC6": "no_judgement",
                                  "ASC7": "low_is_good"}
    assert sorted(frame["period"].unique())[0] == "2015/16"
    assert frame["value"].isna().sum() == 298
    assert not frame["measure"].str.startswith("Outcome, ").any()


def test_measures_mads_reproduce(shared_file):
    frame = load_asc_measures(shared_file(MEASURES))
    row = frame[(frame["area_code"] == "E08000014") & (frame["period"] == "2019/20")
                & (frame["measure_code"] == "ASC5")].iloc[0]
    assert row["median"] == 78.25 and row["mads_from_median"] == pytest.approx(0.7621621621)


def test_nearest_neighbours(shared_file):
    groups = load_nearest_neighbours(shared_file(NN))
    assert groups[groups["area_code"] == "E08000014"]["neighbour_code"].tolist() == SEFTON_GROUP
    assert (groups["area_code"] != groups["neighbour_code"]).all()
    assert groups.attrs["repeated_pairs_dropped"] == 39
    assert not groups.duplicated().any()


def test_bad_period_and_text_value(tmp_path):
    path = tmp_path / "asc.csv"
    path.write_text("Financial year,Local authority code,Local authority name,Grouping,"
                    "Entity_Name,Region,Measure,Code,Value,MEDIAN,MADs_from_median,rank_order\n"
                    "2019-21,E08000014,Sefton,LA_Raw,MD,NW,\"Outcome, X\",ASC5,85.3,78,1,DESC\n"
                    "2019-20,E08000014,Sefton,LA_Raw,MD,NW,\"Outcome, X\",ASC6,high,78,1,\n",
                    encoding="utf-8")
    with pytest.raises(InputDataError) as info:
        load_asc_measures(path)
    assert {(p.column, p.row) for p in info.value.problems} == {("Financial year", 2),
                                                               ("Value", 3)}


def test_bad_json(tmp_path):
    path = tmp_path / "NN.json"
    path.write_text('{"E08000014": ["E08000014", "E08000015"', encoding="utf-8")
    with pytest.raises(InputDataError, match="NN.json.*not valid JSON"):
        load_nearest_neighbours(path)
    path.write_text('{"E08000014": ["E08000014", "Wirral"]}', encoding="utf-8")
    with pytest.raises(InputDataError) as info:
        load_nearest_neighbours(path)
    assert info.value.problems[0].column == "E08000014"
