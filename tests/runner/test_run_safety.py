"""A manifest that never lies: kill -9 and SIGTERM at several moments, the lock, the --out
guards, a full disk, leftovers of killed runs, a truncated manifest, bad --timeout values."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from run_helpers import (
    AREA,
    OTHER_AREA,
    asc_command,
    notebook,
    processes_with_marker,
    wait_until_gone,
    write_processed,
)

from asclib import cli, report
from asclib import run as runs
from asclib.paths import NOTEBOOKS_DIR, PROCESSED_DATA_DIR, PROJECT_ROOT, RAW_DATA_DIR

AREAS = (AREA, OTHER_AREA)


def assert_manifest_matches_files(out: Path) -> None:
    """Every claimed file exists; every ok entry's parameters and headlines are those of the
    executed notebook on disk."""
    for area in AREAS:
        manifest = json.loads((out / area / "manifest.json").read_text(encoding="utf-8"))
        for name, entry in manifest["notebooks"].items():
            for source in (entry, entry.get("previous_ok") or {}):
                for claimed in source.get("files") or []:
                    assert (out / area / claimed).is_file(), f"{area}/{claimed}"
            good = entry if entry["status"] == "ok" else entry.get("previous_ok")
            if not good:
                continue
            executed = nbformat.read(out / area / f"{name}.ipynb", as_version=4)
            assert report.extract(executed).headlines == good["headlines"], (area, name)
            injected = dict(executed.metadata.papermill.parameters)
            assert {k: good["parameters"][k] for k in injected} == injected, (area, name)
            assert executed.metadata.asclib_run["key"] == good["key"]


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two fast notebooks, a processed folder and a first complete run for period 2019/20."""
    base = tmp_path_factory.mktemp("safety")
    nb_dir = base / "notebooks"
    nb_dir.mkdir()
    for name in ("reads_spend", "reads_staff"):
        shutil.copy(notebook(name), nb_dir / f"{name}.ipynb")
    processed = write_processed(base / "processed")
    template = base / "template"
    summary = runs.run(sorted(nb_dir.glob("*.ipynb")), AREAS, out_dir=template,
                       data_dir=processed, period="2019/20", jobs=2, progress=False)
    assert summary.exit_code == 0
    return {"notebooks": nb_dir, "processed": processed, "template": template}


def _start(suite: dict[str, Path], out: Path, marker: str, *extra: str) -> subprocess.Popen:
    args = ["--notebooks-dir", str(suite["notebooks"]), "--no-prepare", "--processed",
            str(suite["processed"]), "--out", str(out), "--jobs", "2", "--period", "2020/21",
            "--force", *extra]
    for area in AREAS:
        args += ["--area", area]
    env = {**os.environ, "ASC_TEST_MARKER": marker}
    return subprocess.Popen(asc_command(*args), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _generations(out: Path) -> dict[str, str]:
    return {area: os.readlink(out / area) for area in AREAS if (out / area).is_symlink()}


def _wait_for(condition, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            pytest.fail(f"asc run ended before the kill point: {process.communicate()}")
        time.sleep(0.05)
    process.kill()
    pytest.fail("kill point never reached")


KILL_POINTS = {
    # a kernel is running, nothing published yet
    "running": lambda out, first: any((out / ".work").glob("asc-cwd-*")),
    # one notebook published, others still running
    "published": lambda out, first: sum(
        1 for area, target in _generations(out).items() if target != first[area]) >= 1,
}


@pytest.mark.parametrize(
    ("signum", "point"),
    [
        (signal.SIGKILL, "running"),
        (signal.SIGKILL, "published"),
        (signal.SIGTERM, "running"),
        (signal.SIGTERM, "published"),
    ],
)
def test_killed_run_leaves_manifest_matching_files_and_no_process(
    suite, tmp_path: Path, signum: int, point: str
) -> None:
    out = tmp_path / "out"
    shutil.copytree(suite["template"], out, symlinks=True)
    first = _generations(out)
    marker = uuid.uuid4().hex
    process = _start(suite, out, marker)
    _wait_for(lambda: KILL_POINTS[point](out, first), process)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    if signum == signal.SIGTERM:
        assert process.returncode == 143, err
        assert "stopping on SIGTERM" in err
        assert "Traceback" not in err
    else:
        assert process.returncode == -signal.SIGKILL
        # OUT/index.html is refreshed as the run goes (at its start, then every 30 s): a
        # killed run's overview says it was in progress, never that it finished
        page = (out / "index.html").read_text(encoding="utf-8")
        assert "Run in progress (started " in page and "Last run:" not in page
    assert wait_until_gone(marker, 20) == [], "processes of the killed run survive"
    assert_manifest_matches_files(out)
    if (signum, point) != (signal.SIGKILL, "published"):
        return
    # the next start cleans what the killed run left behind and finishes the job; after a
    # normal end no process of the run is left either
    marker = uuid.uuid4().hex
    process = _start(suite, out, marker)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    # the log holds the run's own lines only (no kernel or debugger chatter, no traceback)
    assert all(line.startswith(("20", "asc run:")) for line in err.splitlines()), err
    assert processes_with_marker(marker) == []
    assert_manifest_matches_files(out)
    assert not (out / ".work").exists()
    for area in AREAS:
        assert list((out / ".generations" / area).iterdir()) == [(out / area).resolve()]
        manifest = json.loads((out / area / "manifest.json").read_text())
        assert {e["parameters"]["period"] for e in manifest["notebooks"].values()} == {
            "2020/21"}


def test_second_run_on_same_out_exits_2_naming_the_pid(suite, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    marker = uuid.uuid4().hex
    process = _start(suite, out, marker)
    try:
        _wait_for(lambda: (out / ".asc-run.lock").exists(), process)
        code = cli.main(["run", "--notebooks-dir", str(suite["notebooks"]), "--no-prepare",
                         "--processed", str(suite["processed"]), "--out", str(out),
                         "--area", AREA])
        assert code == 2
        assert f"another asc run (pid {process.pid}) is writing {out}" in capsys.readouterr().err
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
    assert wait_until_gone(marker, 20) == []


def test_workers_started_early_stop_when_nothing_runs(suite, tmp_path: Path) -> None:
    """``asc run`` starts its workers (and their kernel zygotes) before it reads the lookup
    and plans; a run refused after that, or with every pair up to date, leaves no process."""
    out = tmp_path / "out"
    shutil.copytree(suite["template"], out, symlinks=True)
    common = ["--notebooks-dir", str(suite["notebooks"]), "--no-prepare", "--processed",
              str(suite["processed"]), "--out", str(out), "--jobs", "2"]
    for extra, code, says in [
        (["--area", "E99999999"], 2, "E99999999"),  # refused after the workers started
        (["--area", AREA, "--area", OTHER_AREA, "--period", "2019/20"], 0, "up to date"),
    ]:
        marker = uuid.uuid4().hex
        done = subprocess.run(asc_command(*common, *extra), capture_output=True, text=True,
                              env={**os.environ, "ASC_TEST_MARKER": marker}, timeout=120)
        assert done.returncode == code, done.stderr
        assert says in done.stderr + done.stdout
        assert wait_until_gone(marker, 10) == [], "a worker or zygote outlived the run"
    manifest = json.loads((out / AREA / "manifest.json").read_text(encoding="utf-8"))
    assert {e["parameters"]["period"] for e in manifest["notebooks"].values()} == {"2019/20"}


def test_stale_lock_is_taken_over(tmp_path: Path) -> None:
    from asclib.run import lock

    finished = subprocess.Popen(["true"])
    finished.wait()
    (tmp_path / ".asc-run.lock").write_text(f"{finished.pid} 1\n")
    with lock.hold(tmp_path) as path:
        assert path.read_text().split()[0] == str(os.getpid())
    assert not path.exists()
    with lock.hold(tmp_path), lock.hold(tmp_path):  # nested in one process: fine
        pass
    (tmp_path / ".asc-run.lock").write_text(f"{os.getppid()}\n")  # a live process
    with pytest.raises(lock.LockedByAnotherRun, match=f"pid {os.getppid()}"), \
            lock.hold(tmp_path):
        pass


# --------------------------------------------------------------------------- usage guards


@pytest.mark.parametrize(
    "out",
    [
        PROCESSED_DATA_DIR,
        PROJECT_ROOT / "data",
        RAW_DATA_DIR / "reports",
        NOTEBOOKS_DIR,
        PROJECT_ROOT,
        PROJECT_ROOT.parent,
    ],
)
def test_out_refuses_data_notebooks_root_and_inputs(out: Path, capsys) -> None:
    code = cli.main(["run", "--out", str(out), "--area", AREA, "--no-prepare"])
    assert code == 2
    assert "refusing" in capsys.readouterr().err


def test_out_refuses_a_custom_input_folder(tmp_path: Path, capsys) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    assert cli.main(["run", "--data", str(raw), "--out", str(raw / "out")]) == 2
    assert "refusing" in capsys.readouterr().err
    nbs = tmp_path / "nbs"
    shutil.copytree(notebook("ok").parent, nbs)
    assert cli.main(["run", "--notebooks-dir", str(nbs), "--out", str(nbs)]) == 2


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-3", "soon"])
def test_timeout_accepts_only_positive_finite_numbers(value: str, capsys) -> None:
    assert cli.main(["run", "--timeout", value, "--area", AREA]) == 2
    assert "--timeout" in capsys.readouterr().err


@pytest.mark.parametrize("comparators", ["nearest_neighbours", "region", "tier",
                                         "E08000012,E08000015"])
def test_comparators_accepted(comparators: str) -> None:
    cli.check_comparators(comparators, RAW_DATA_DIR / "lookups" / "local_authorities.csv")


@pytest.mark.parametrize("comparators", ["neighbours", "E08000012,E99999999", "", "E08,x"])
def test_comparators_refused_before_running(comparators: str, processed: Path,
                                            capsys) -> None:
    code = cli.main(["run", "--comparators", comparators, "--area", AREA, "--no-prepare",
                     "--processed", str(processed)])
    assert code == 2
    assert "comparators" in capsys.readouterr().err


def test_area_all_and_region_expand_to_asc_councils(processed: Path) -> None:
    lookup = processed / "local_authorities.parquet"
    assert cli.expand_areas(["all"], lookup) == ["E06000001", "E08000012", "E08000014"]
    assert cli.expand_areas(["E12000002"], lookup) == ["E08000012", "E08000014"]
    with pytest.raises(cli.UsageError, match="no adult social care council in region"):
        cli.expand_areas(["E12000009"], lookup)
    real = cli.expand_areas(["all"], RAW_DATA_DIR / "lookups" / "local_authorities.csv")
    assert len(real) == 152 and AREA in real and "E07000117" not in real


# --------------------------------------------------------------------------- disks


def test_unwritable_out_gives_one_line_and_exit_1(tmp_path: Path, processed: Path,
                                                  capsys) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code = cli.main(["run", "--notebooks-dir", str(notebook("ok").parent), "--notebook",
                     "reads_spend", "--area", AREA, "--no-prepare", "--processed",
                     str(processed), "--out", str(blocker / "out")])
    assert code == 1
    err = capsys.readouterr().err
    assert "cannot write" in err and "Traceback" not in err
    assert "0 ok, 0 failed" in err


def test_full_disk_while_publishing_stops_with_correct_counts(
    tmp_path: Path, processed: Path, monkeypatch, capsys
) -> None:
    from asclib.run import publish

    out = tmp_path / "out"
    first = runs.run([notebook("reads_spend")], [AREA], out_dir=out, data_dir=processed,
                     progress=False)
    assert first.exit_code == 0
    before = {p.name: p.read_bytes() for p in (out / AREA).iterdir() if p.is_file()}

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(out / AREA))

    monkeypatch.setattr(publish.os, "replace", full)
    summary = runs.run([notebook("reads_spend"), notebook("reads_staff")], [AREA],
                       out_dir=out, data_dir=processed, period="2019/20", jobs=1, force=True,
                       progress=None)
    err = capsys.readouterr().err
    assert summary.exit_code == 1
    assert summary.count("ok") == 0
    assert summary.count("failed") == 1 and summary.count("not run") == 1
    assert "No space left on device" in err and "Traceback" not in err
    assert "0 ok, 1 failed" in err
    after = {p.name: p.read_bytes() for p in (out / AREA).iterdir() if p.is_file()}
    assert after == before  # the last good reports and their manifest, untouched


# --------------------------------------------------------------------------- leftovers


def test_leftovers_cleaned_and_truncated_manifest_rebuilt(suite, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(suite["template"], out, symlinks=True)
    manifest_path = out / AREA / "manifest.json"
    before = json.loads(manifest_path.read_text())
    # leftovers of a killed run
    (out / ".work" / "asc-cwd-x").mkdir(parents=True)
    stray = out / ".generations" / AREA / "20200101T000000-deadbeef"
    stray.mkdir(parents=True)
    (out / f".{AREA}.x.link").symlink_to("nowhere")
    processed = suite["processed"]
    half_prepared = processed.parent / f".{processed.name}-new-abc123"
    half_prepared.mkdir()
    # and a truncated manifest
    text = manifest_path.read_text()
    manifest_path.unlink()
    manifest_path.write_text(text[: len(text) // 3])
    summary = runs.run(sorted(suite["notebooks"].glob("*.ipynb")), AREAS, out_dir=out,
                       data_dir=processed, period="2019/20", progress=False)
    assert {r.status for r in summary.results} == {"up to date"}
    rebuilt = json.loads(manifest_path.read_text())
    for name, entry in before["notebooks"].items():
        assert rebuilt["notebooks"][name] == entry
    assert not (out / ".work").exists() and not stray.exists()
    assert not list(out.glob(".*.link"))
    assert_manifest_matches_files(out)
    # the processed folder's leftovers go when `asc run` next takes its lock
    code = cli.main(["run", "--notebooks-dir", str(suite["notebooks"]), "--no-prepare",
                     "--processed", str(processed), "--out", str(out), "--area", AREA,
                     "--period", "2019/20"])
    assert code == 0
    assert not half_prepared.exists()


def test_pdf_without_renderer_and_scheduler_without_dask_exit_2(monkeypatch, capsys) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # importing it now fails
    assert cli.main(["run", "--pdf", "--area", AREA, "--no-prepare"]) == 2
    err = capsys.readouterr().err
    assert "--pdf needs WeasyPrint" in err and len(err.strip().splitlines()) == 1
    assert cli.main(["run", "--scheduler", "tcp://localhost:8786", "--area", AREA]) == 2
    assert "--scheduler needs --executor dask" in capsys.readouterr().err
