"""Our tidy CSVs in data/raw/published and data/raw/lookups: the seed figures as transcribed,
the generic loader's checks, and every bundled extract loading cleanly."""

from __future__ import annotations

import pytest

from asclib.errors import InputDataError
from asclib.paths import RAW_DATA_DIR
from asclib.sources.oflog import NN_SCHEMA as NEAREST_NEIGHBOURS
from asclib.sources.published import (
    PUBLISHED_FILES,
    load_local_authorities_csv,
    load_published,
    load_seed_figures,
    load_tidy_csv,
)
from asclib.tables import SEED_FIGURES

SEED = RAW_DATA_DIR / "published" / "seed_figures.csv"

#: the ids docs/ARCHITECTURE.md promises, with their values
ARCHITECTURE_FIGURES = {
    "budget_gross_2020_21": 153.3e6, "budget_income_2020_21": 58.6e6,
    "budget_net_2020_21": 94.7e6, "care_packages_2020_21": 107.7e6,
    "residential_nursing_share_of_packages": 0.5, "care_home_spend": 53.4e6,
    "care_home_under_65_share": 0.2, "ld_spend": 28e6, "mh_spend_2018_19": 13.1e6,
    "mh_spend_2019_20": 13.0e6, "home_care_spend_2019_20": 11.8e6,
    "home_care_spend_2018_19": 12.3e6, "care_home_unit_cost_min": 390,
    "care_home_unit_cost_max": 930, "day_service_clients": 648, "day_service_dp_clients": 208,
    "day_service_rate_min": 45, "day_service_rate_max": 110, "day_service_ld_share": 0.6,
    "day_service_under_60_share": 0.64, "day_service_dp_rate": 45,
    "day_service_clients_2022": 650, "day_service_transitions_5yr": 28,
    "covid_death_increase": 0.65, "covid_care_home_share": 0.18, "covid_hospital_share": 0.75,
    "covid_care_home_share_england": 0.29, "covid_hospital_share_england": 0.65,
    "forecast_deficit_2020_21": 0.643e6, "efficiency_programme_2020_21": 3.3e6,
    "health_reimbursement_2020_21": 1.65e6, "rapid_test_grant": 1.184e6,
    "workforce_development_grant": 0.8e6, "outbreak_homes_jan_2021": 43,
    "outbreak_single_case_homes_jan_2021": 6, "outbreak_residents_jan_2021": 199,
    "outbreak_staff_jan_2021": 226, "hle_male_bootle": 49.8, "hle_male_formby": 68.3,
}


@pytest.fixture(scope="module")
def seed():
    return load_seed_figures(SEED).set_index("figure_id")


def test_seed_figures_row_count_and_architecture_ids(seed):
    assert len(seed) == 198
    for figure_id, value in ARCHITECTURE_FIGURES.items():
        assert seed.loc[figure_id, "value"] == pytest.approx(value), figure_id


def test_seed_ascof_and_top_quartiles(seed):
    pairs = {
        ("ascof_perm_admissions_65_rate", "ascof_perm_admissions_65_top_quartile"): (753, 458),
        ("ascof_perm_admissions_18_64_rate", "ascof_perm_admissions_18_64_top_quartile"): (29, 9),
        ("ascof_ld_paid_employment", "ascof_ld_paid_employment_top_quartile"): (0.02, 0.09),
        ("ascof_home_91_days", "ascof_home_91_days_top_quartile"): (0.88, 0.89),
        ("reablement_rate_65_per_10k", "reablement_rate_65_per_10k_nw_top_quartile"): (117, 340),
    }
    for (mine, best), (a, b) in pairs.items():
        assert (seed.loc[mine, "value"], seed.loc[best, "value"]) == (a, b)
    assert seed.loc["ascof_annual_reviews_q2", "value"] == 0.59
    assert seed.loc["equipment_delivered_7_days", "value"] == 0.99
    assert seed.loc["ascof_perm_admissions_65_top_quartile", "area_code"] == "E92000001"


def test_seed_projections_tables(seed):
    assert seed.loc["population_all_2017", "value"] == 273_800
    assert seed.loc["population_90_plus_2035", "value"] == 6_800
    assert seed.loc["population_18_64_change_2017_35", "value"] == -0.09
    assert seed.loc["lt_service_users_65_plus_population_based_2035", "value"] == 1921
    assert seed.loc["lt_service_users_18_64_linear_based_2020", "value"] == 217
    projections = [i for i in seed.index if i.startswith("lt_service_users_")]
    assert len(projections) == 20
    # 206 + 1,364 care-home users in 2017 match the 520 nursing + 1,040 residential clients
    assert (seed.loc["lt_service_users_18_64_population_based_2017", "value"]
            + seed.loc["lt_service_users_65_plus_population_based_2017", "value"]) == 1570


def test_seed_extra_care_budget_and_citations(seed):
    social = [seed.loc[f"extra_care_social_rented_{loc}", "value"] for loc in
              ("southport", "formby", "maghull_aintree", "crosby", "bootle", "netherton")]
    assert social == [315, 100, 127, 142, 119, 132]
    assert seed.loc["extra_care_private_sefton", "value"] == 369
    assert seed.loc["extra_care_social_rented_sefton", "value"] == 925  # as published
    assert seed.loc["budget_gross_2020_21", "page"].startswith("Page 38")
    assert seed.loc["rapid_test_grant", "document"].startswith("Cabinet Member Update")
    assert seed.loc["workforce_jobs_2017", "value"] == 9900
    assert (seed["area_code"].str.match(r"^E\d{8}$")).all()


def test_load_tidy_csv_reports_file_column_row(tmp_path):
    path = tmp_path / "seed.csv"
    path.write_text("figure_id,figure,value,unit,period,area_code,document,section,page\n"
                    "a_1,A,12,GBP,2020/21,E08000014,D,S,P\n"
                    "a_2,B,twelve,GBP,2020/21,E08000014,D,S,P\n", encoding="utf-8")
    with pytest.raises(InputDataError) as info:
        load_tidy_csv(path, SEED_FIGURES)
    (problem,) = info.value.problems
    assert (problem.column, problem.row) == ("value", 3)
    assert problem.file.endswith("seed.csv") and "'twelve' is not a number" in problem.message


def test_load_tidy_csv_missing_column_and_schema_checks(tmp_path):
    path = tmp_path / "nn.csv"
    path.write_text("area_code,neighbour\nE08000014,E08000015\n", encoding="utf-8")
    with pytest.raises(InputDataError) as info:
        load_tidy_csv(path, NEAREST_NEIGHBOURS)
    assert info.value.problems[0].column == "neighbour_code"
    path.write_text("area_code,neighbour_code\nE08000014,E08000015\nSefton,E08000015\n"
                    "E08000014,E08000015\n", encoding="utf-8")
    with pytest.raises(InputDataError) as info:
        load_tidy_csv(path, NEAREST_NEIGHBOURS)
    rows = {(p.column, p.row) for p in info.value.problems}
    assert ("area_code", 3) in rows
    assert any(p.row == 4 for p in info.value.problems)  # the duplicated pair


def test_load_tidy_csv_empty_and_undecodable(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("area_code,neighbour_code\n", encoding="utf-8")
    with pytest.raises(InputDataError, match="no data"):
        load_tidy_csv(path, NEAREST_NEIGHBOURS)
    path.write_bytes("area_code,neighbour_code\nE08000014,E0800001\xa3\n".encode("cp1252"))
    with pytest.raises(InputDataError, match="cannot be decoded"):
        load_tidy_csv(path, NEAREST_NEIGHBOURS)


@pytest.mark.parametrize("name", sorted(PUBLISHED_FILES))
def test_bundled_published_files_load(name):
    relative, _ = PUBLISHED_FILES[name]
    if not (RAW_DATA_DIR / relative).exists():
        pytest.skip(f"data/raw/{relative} not written yet (scripts/extract_published.py)")
    frame = load_published(name, RAW_DATA_DIR)
    assert len(frame) > 0
    if "area_code" in frame:
        assert frame["area_code"].str.match(r"^[EK]\d{8}$").all()


def test_bundled_lookup_loads():
    path = RAW_DATA_DIR / "lookups" / "local_authorities.csv"
    if not path.exists():
        pytest.skip("data/raw/lookups/local_authorities.csv not written yet")
    lookup = load_local_authorities_csv(path).set_index("area_code")
    assert lookup.loc["E08000014", "area_name"] == "Sefton"
    assert bool(lookup.loc["E08000014", "asc_authority"]) is True
