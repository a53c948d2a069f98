"""Drop-in official files end to end (issue 10, item 1): a real file copied under
data/raw/official/ with a random name is picked up by `asc prepare`, merged with the bundled
data by the newest-wins rule (a warning names both files when they disagree), and a file
nothing recognises is never silently ignored."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import pandas as pd
import pytest

from asclib import cli
from asclib.paths import RAW_DATA_DIR, shared_data_dir
from asclib.prepare import check, is_up_to_date, prepare

SEFTON = "E08000014"
CARE_HOMES = "ons-care-home-deaths-by-la-2010-2023/lanonladeaths20141021.csv"
WEEKLY = "ons-weekly-deaths-ew-2020-wk39/publishedweek392020.xlsx"


@pytest.fixture()
def raw(tmp_path) -> Path:
    """A copy of the bundled lookups and published extracts, and the demo records of one
    council (enough for every table)."""
    if not (RAW_DATA_DIR / "demo" / "council" / SEFTON / "budget_ledger.xlsx").exists():
        pytest.skip("bundled demo data not generated yet (asc demo-data)")
    target = tmp_path / "raw"
    for part in ("lookups", "published"):
        shutil.copytree(RAW_DATA_DIR / part, target / part)
    for part in ("fingertips", "ons", f"council/{SEFTON}"):
        shutil.copytree(RAW_DATA_DIR / "demo" / part, target / "demo" / part)
    return target


def shared(relative: str) -> Path:
    root = shared_data_dir()
    if root is None or not (root / relative).exists():
        pytest.skip(f"../shared/data/{relative} is absent")
    return root / relative


def drop(raw: Path, relative: str, *, text: str | None = None, mtime: str | None = None) -> Path:
    """Copy a shared file under raw/official/<random>/<random name>, optionally edited."""
    source = shared(relative)
    target = raw / "official" / uuid.uuid4().hex[:6] / f"{uuid.uuid4().hex}{source.suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if text is None:
        shutil.copyfile(source, target)
    else:
        target.write_text(text, encoding="utf-8")
    if mtime is not None:
        stamp = pd.Timestamp(mtime).timestamp()
        os.utime(target, (stamp, stamp))
    return target


def shown(path: Path) -> str:
    from asclib.errors import display_path

    return display_path(path)


def test_weekly_workbook_dropped_in_feeds_weekly_deaths_and_places(raw, tmp_path):
    dropped = drop(raw, WEEKLY)
    manifest = prepare(raw, tmp_path / "p")
    weekly = pd.read_parquet(tmp_path / "p" / "weekly_deaths.parquet")
    national = weekly[(weekly["area_code"] == "E92000001") & (weekly["year"] == 2020)
                      & weekly["week"].between(11, 39) & (weekly["basis"] == "registrations")]
    assert len(national) > 0 and not national["illustrative"].any()  # real beats demo rows
    later = weekly[(weekly["area_code"] == "E92000001") & (weekly["year"] == 2021)]
    assert later["illustrative"].all()  # weeks the workbook does not hold stay illustrative
    assert set(weekly.loc[weekly["area_code"] == SEFTON, "illustrative"]) == {True}
    paths = [s["path"] for s in manifest["tables"]["weekly_deaths"]["sources"]]
    assert shown(dropped) in paths
    from asclib.data import open_data

    data = open_data(tmp_path / "p")
    data.table("weekly_deaths", area_code="K04000001")  # only the real workbook has it
    assert data.illustrative is False and [i["path"] for i in data.inputs] == [shown(dropped)]
    data.table("weekly_deaths", area_code=SEFTON)  # only the demo records have it
    assert data.illustrative is True
    (source,) = [s for s in manifest["tables"]["england_deaths_by_place"]["sources"]]
    # same edition as the bundled extract (2020-10-06): the official file wins the tie
    assert source["path"] == shown(dropped) and source["edition"] == "2020-10-06"
    assert source["kind"] == "ons_weekly_deaths_workbook"
    superseded = {item["path"]: item["reason"] for item in manifest["not_used"]}
    assert any(p.endswith("england_deaths_by_place_2020.csv") and r.startswith("superseded")
               for p, r in superseded.items())
    # the same figures as the bundled extract, and demo rows are expected to differ: no warning
    assert manifest["warnings"] == []


def test_newest_wins_and_a_disagreement_names_both_files(raw, tmp_path):
    text = shared(CARE_HOMES).read_text(encoding="utf-8-sig")
    assert "2020,E08000014,Sefton,16,930,946" in text
    newer = drop(raw, CARE_HOMES, text=text.replace("2020,E08000014,Sefton,16,930,946",
                                                    "2020,E08000014,Sefton,20,930,950"))
    older = drop(raw, CARE_HOMES, mtime="2020-01-01",
                 text=text.replace("2020,E08000014,Sefton,16,930,946",
                                   "2020,E08000014,Sefton,1,930,931"))
    manifest = prepare(raw, tmp_path / "p")
    care = pd.read_parquet(tmp_path / "p" / "care_home_deaths.parquet")
    sefton = care.set_index(["area_code", "year"]).loc[(SEFTON, 2020)]
    assert sefton["all_care_homes"] == 950  # the newest file (modified today) wins
    assert str(care["all_care_homes"].dtype) == "Int64"
    assert [s["path"] for s in manifest["tables"]["care_home_deaths"]["sources"]] == [
        shown(newer)]
    warnings = "\n".join(manifest["warnings"])
    assert shown(newer) in warnings and "care_home_deaths_by_la.csv" in warnings
    assert shown(older) in warnings
    assert "area_code=E08000014, year=2020: la_care_homes 16 vs 20" in warnings
    not_used = {item["path"] for item in manifest["not_used"]}
    assert shown(older) in not_used  # every slice it holds is newer elsewhere


def test_unrecognised_file_validate_exits_2_prepare_carries_on(raw, tmp_path, capsys):
    mystery = raw / "official" / "downloads" / "budget 2023 final (2).csv"
    mystery.parent.mkdir(parents=True)
    mystery.write_text("Service,Amount\nHome care,100\n", encoding="utf-8")
    (raw / "official" / "~$budget.xlsx").write_text("lock", encoding="utf-8")
    (raw / "official" / "README.md").write_text("my notes", encoding="utf-8")
    result = check(raw, [SEFTON])
    assert result.problems == []
    (item,) = result.blocking_not_used
    assert item["path"] == shown(mystery) and "looked for" in item["reason"]
    code = cli.main(["validate", "--data", str(raw), "--area", SEFTON])
    err = capsys.readouterr().err
    assert code == 2
    lines = [line for line in err.splitlines() if "budget 2023 final (2).csv" in line]
    assert len(lines) == 1 and "not recognised" in lines[0] and "looked for" in lines[0]
    assert "~$budget" not in err and "README.md" not in err
    manifest = prepare(raw, tmp_path / "p")
    assert {"path": shown(mystery), "reason": item["reason"]}.items() <= \
        manifest["not_used"][0].items()
    on_disk = json.loads((tmp_path / "p" / "_manifest.json").read_text(encoding="utf-8"))
    assert on_disk["not_used"][0]["path"] == shown(mystery)
    assert is_up_to_date(raw, tmp_path / "p")
    mystery.write_text("Service,Amount\nHome care,101\n", encoding="utf-8")
    assert not is_up_to_date(raw, tmp_path / "p")


def test_sources_lists_one_line_per_file(raw, capsys):
    dropped = drop(raw, WEEKLY)
    assert cli.main(["sources", "--data", str(raw)]) == 0
    out = capsys.readouterr().out.splitlines()
    (line,) = [line for line in out if dropped.name in line]
    assert "ons_weekly_deaths_workbook, edition 2020-10-06" in line
    assert "periods 2020" in line and "rows" in line
    assert any("published/asc_finance.csv: published, edition 2017-04-01" in x for x in out)


def test_recognised_file_missing_its_companion_is_not_used_and_validate_says_why(raw, tmp_path):
    totals = drop(raw, "ascfr-2016-17/CSV ASCFR Totals.csv")
    result = check(raw, [SEFTON])
    assert result.problems == []
    (item,) = result.blocking_not_used
    assert item["path"] == shown(totals) and "Activity" in item["reason"]
    manifest = prepare(raw, tmp_path / "p")  # carries on with the bundled asc_finance
    assert manifest["tables"]["asc_finance"]["sources"][0]["path"].endswith(
        "published/asc_finance.csv")
    assert any(i["path"] == shown(totals) for i in manifest["not_used"])


def test_asc_fr_totals_with_companions_replace_the_bundled_finance(raw, tmp_path):
    totals = drop(raw, "ascfr-2016-17/CSV ASCFR Totals.csv")
    activity = drop(raw, "ascfr-2016-17/CSV ASCFR Activity.csv")
    labelled = drop(raw, "ascfr-2015-16/pss-exp-eng-15-16-fin-act.csv")
    manifest = prepare(raw, tmp_path / "p")
    paths = [s["path"] for s in manifest["tables"]["asc_finance"]["sources"]]
    assert paths[0] == shown(totals) and set(paths[1:]) == {shown(activity), shown(labelled)}
    finance = pd.read_parquet(tmp_path / "p" / "asc_finance.parquet").set_index("area_code")
    assert finance.loc[SEFTON, "gross_gbp"] == 118_176_000
    assert manifest["warnings"] == []  # the same figures as the bundled extract
    assert is_up_to_date(raw, tmp_path / "p")
    activity.write_bytes(activity.read_bytes() + b"\n")
    assert not is_up_to_date(raw, tmp_path / "p")  # a companion changed
