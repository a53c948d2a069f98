"""The `asc` sub-commands other than run, with the data layer replaced by fakes (no kernels)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from asclib import cli
from asclib.errors import DataProblem, InputDataError

PROBLEM = DataProblem("data/raw/x.csv", "not a date", column="start_date", row=12)


@pytest.fixture
def fake_prepare(monkeypatch) -> types.ModuleType:
    module = types.ModuleType("asclib.prepare")
    module.calls = []
    module.problems = []

    def validate(raw_dir, areas=None):
        module.calls.append(("validate", Path(raw_dir), areas))
        return list(module.problems)

    def prepare(raw_dir, processed_dir, areas=None):
        module.calls.append(("prepare", Path(raw_dir), Path(processed_dir), areas))
        if module.problems:
            raise InputDataError(module.problems)
        return {"tables": {"a": {}, "b": {}}}

    def is_up_to_date(raw_dir, processed_dir):
        module.calls.append(("is_up_to_date", Path(raw_dir), Path(processed_dir)))
        return False

    def check(raw_dir, areas=None):  # what `asc validate` calls (problems + files not used)
        return types.SimpleNamespace(problems=validate(raw_dir, areas), not_used=[],
                                     blocking_not_used=[], warnings=[], notes=[])

    module.validate, module.prepare, module.is_up_to_date = validate, prepare, is_up_to_date
    module.check = check
    monkeypatch.setitem(sys.modules, "asclib.prepare", module)
    return module


def test_validate_exit_codes(tmp_path: Path, fake_prepare, capsys) -> None:
    assert cli.main(["validate", "--data", str(tmp_path), "--area", "E08000014"]) == 0
    assert fake_prepare.calls == [("validate", tmp_path, ["E08000014"])]
    fake_prepare.problems = [PROBLEM]
    assert cli.main(["validate", "--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "data/raw/x.csv, column 'start_date', row 12: not a date"
    assert cli.main(["validate", "--data", str(tmp_path / "missing")]) == 2
    assert "data folder not found" in capsys.readouterr().err


def test_prepare_exit_codes(tmp_path: Path, fake_prepare, capsys) -> None:
    out = tmp_path / "processed"
    assert cli.main(["prepare", "--data", str(tmp_path), "--processed", str(out)]) == 0
    assert "wrote 2 tables" in capsys.readouterr().out
    fake_prepare.problems = [PROBLEM]
    assert cli.main(["prepare", "--data", str(tmp_path), "--processed", str(out)]) == 2


def test_run_prepares_into_out_when_data_is_not_the_bundled_folder(
    tmp_path: Path, fake_prepare, monkeypatch
) -> None:
    """Custom --data: processed tables go to OUT/.processed, then the runner gets that folder."""
    from asclib import run as runs

    seen = {}

    def fake_run(notebooks, areas, **kwargs):
        seen.update(kwargs, notebooks=notebooks, areas=areas)
        return runs.RunSummary(results=[], out_dir=Path(kwargs["out_dir"]))

    monkeypatch.setattr(runs, "run", fake_run)
    raw = tmp_path / "raw"
    raw.mkdir()
    nb_dir = Path(__file__).parent / "notebooks"
    out = tmp_path / "out"
    code = cli.main(
        [
            "run",
            "--notebooks-dir",
            str(nb_dir),
            "--notebook",
            "ok",
            "--data",
            str(raw),
            "--out",
            str(out),
            "--period",
            "2021/22",
            "--comparators",
            "region",
            "--jobs",
            "2",
        ]
    )
    assert code == 0
    # validation covers this run's areas; preparation covers every council, so the shared
    # processed folder never shrinks to one run's areas
    assert ("validate", raw, ["E08000014"]) in fake_prepare.calls
    assert fake_prepare.calls[-1] == ("prepare", raw, out / ".processed", None)
    assert seen["areas"] == ["E08000014"]  # the notebook's default area
    assert seen["data_dir"] == out / ".processed"
    assert (seen["period"], seen["comparator_group"], seen["jobs"]) == ("2021/22", "region", 2)


def test_demo_data_calls_the_data_layer(tmp_path: Path, monkeypatch, capsys) -> None:
    # `asc fetch` is tested end to end against a local HTTP server in
    # tests/sources/test_fingertips_api.py (exit 0 / 2 / 3)
    demo = types.ModuleType("asclib.demo")
    demo.generate = lambda out, areas=None: [Path(out) / "a.csv", Path(out) / "b.xlsx"]
    monkeypatch.setitem(sys.modules, "asclib.demo", demo)
    assert cli.main(["demo-data", "--out", str(tmp_path), "--area", "e08000014"]) == 0
    assert "wrote 2 illustrative files" in capsys.readouterr().out
