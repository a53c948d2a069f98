"""Each official-file module's ``edition(path)``: the publication date a file states about
itself (YYYY-MM-DD), or None when it states none."""

from __future__ import annotations

import importlib

import pytest

CASES = [
    ("ons_population", "ons-mye-mid2020/ukpopestimatesmid2020on2021geography.xls",
     "2021-06-25"),  # cover sheet: "originally published at 9.30am 25 June 2021"
    ("ons_weekly_deaths", "ons-weekly-deaths-ew-2020-wk39/publishedweek392020.xlsx",
     "2020-09-25"),  # no release date stated: the last week's end date orders editions
    ("fingertips", "fingertips-campylobacter-countyua/indicators-CountyUA.data.csv", None),
    ("ascfr", "ascfr-2016-17/CSV ASCFR Totals.csv", None),
    ("oflog", "oflog-asc-measures/ASC_data.csv", None),
    ("ons_care_home_deaths", "ons-care-home-deaths-by-la-2010-2023/lanonladeaths20141021.csv",
     None),
    ("ons_monthly_deaths", "ons-monthly-deaths-by-la-2015-2021-excerpt/"
     "monthly_deaths_registered_by_usual_residence_2015_2021_excerpt.csv", None),
    ("ons_care_sector", "ons-care-sector-deaths-2020/"
     "deathsinvolvingcovid19inthecaresectordataset.xlsx", None),
]


@pytest.mark.parametrize(("module", "relative", "expected"), CASES)
def test_edition(shared_file, module, relative, expected):
    edition = importlib.import_module(f"asclib.sources.{module}").edition
    assert edition(shared_file(relative)) == expected


def test_weekly_edition_of_a_file_that_is_no_workbook(tmp_path):
    from asclib.sources.ons_weekly_deaths import edition

    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"not a workbook")
    assert edition(path) is None
