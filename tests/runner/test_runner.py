"""asc run end to end on tiny notebooks: outputs, manifest, failures, atomic publishing."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import nbformat
import openpyxl
import papermill
import pytest
from run_helpers import AREA, notebook

from asclib import cli, report
from asclib import run as runs

SPEND_CSV = "service,gross_gbp\nHome care,11800000\nDay care,2500000.5\n"


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A processed-data folder holding what the test notebook reads."""
    folder = tmp_path_factory.mktemp("processed")
    (folder / "spend.csv").write_text(SPEND_CSV, encoding="utf-8")
    (folder / "local_authorities.csv").write_text(
        "area_code,area_name,geography,region_code,region_name,asc_authority\n"
        "E08000014,Sefton,MD,E12000002,North West,true\n"
        "E08000012,Liverpool,MD,E12000002,North West,true\n"
        "E07000117,Burnley,NMD,E12000002,North West,false\n"
        "E09999999,Nowhere,UA,E12000002,North West,true\n",
        encoding="utf-8",
    )
    return folder


SPEND_SHA = hashlib.sha256(SPEND_CSV.encode()).hexdigest()


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, data_dir: Path):
    """One run of a good and a raising notebook, in one area."""
    out = tmp_path_factory.mktemp("out")
    log = io.StringIO()
    summary = runs.run(
        [notebook("ok"), notebook("raises")],
        [AREA],
        out_dir=out,
        data_dir=data_dir,
        period="2020/21",
        progress=log,
    )
    return summary, out, log.getvalue()


def test_success_writes_ipynb_html_xlsx_and_manifest(first_run) -> None:
    summary, out, _ = first_run
    area = out / AREA
    for name in ("ok.ipynb", "ok.html", "ok.xlsx", "manifest.json"):
        assert (area / name).is_file(), name
    assert not list(area.glob(".staging-*")), "staging folders must be cleaned up"
    assert [r.status for r in summary.results] == ["ok", "failed"]
    assert summary.exit_code == 1


def test_html_has_no_code_and_embeds_figure_and_context(first_run) -> None:
    _, out, _ = first_run
    page = (out / AREA / "ok.html").read_text(encoding="utf-8")
    assert "rpt.table(" not in page and "report.start(" not in page
    assert "import hashlib" not in page
    assert "data:image/png;base64," in page
    assert "<h1>Runner test: Sefton</h1>" in page  # the title names the council
    assert "Sefton" in page and "2020/21" in page and "2021-03-31" in page
    assert "ILLUSTRATIVE DATA" in page


def test_workbook_has_about_sheet_and_one_formatted_sheet_per_table(first_run) -> None:
    _, out, _ = first_run
    wb = openpyxl.load_workbook(out / AREA / "ok.xlsx")
    assert wb.sheetnames == ["About", "spend_by_service", "a_very_long_table_name_that_exc"]
    about = {row[0]: row[1] for row in wb["About"].iter_rows(values_only=True) if row[0]}
    assert about["Area"] == "Sefton (E08000014)"
    assert about["Period"] == "2020/21"
    assert about["Data as at"] == "2021-03-31"
    assert "ILLUSTRATIVE DATA" in about
    sheet = wb["spend_by_service"]
    assert sheet["A1"].value == "Gross spend by service"
    header_row = next(row[0].row for row in sheet.iter_rows() if row[0].value == "Service")
    assert [c.value for c in sheet[header_row]] == ["Service", "Gross (£)", "Share (%)"]
    assert sheet[header_row][0].font.bold
    assert sheet.freeze_panes == f"A{header_row + 1}"
    first = sheet[header_row + 1]
    assert first[1].value == 11_800_000 and first[1].number_format == '"£"#,##0'
    assert first[2].number_format == "0.0%"
    assert first[2].value == pytest.approx(11_800_000 / 14_300_000.5, rel=1e-9)


def test_manifest_contents(first_run, data_dir: Path) -> None:
    _, out, _ = first_run
    manifest = json.loads((out / AREA / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["area_code"] == AREA and manifest["area_name"] == "Sefton"
    assert manifest["format"] == 2
    assert manifest["inputs"] == [{"path": "data/raw/spend.csv", "sha256": SPEND_SHA}]
    assert set(manifest["environment"]["packages"]) >= {"pandas", "papermill", "asclib"}
    ok = manifest["notebooks"]["ok"]
    assert ok["status"] == "ok" and ok["error"] is None and ok["reason"] is None
    assert ok["parameters"] == {
        "area_code": AREA,
        "period": "2020/21",
        "comparator_group": "nearest_neighbours",  # the notebook's default, recorded
        "data_dir": str(data_dir.resolve()),
    }
    assert sorted(ok["injected"]) == ["area_code", "data_dir", "period"]
    assert ok["notebook"] == "tests/runner/notebooks/ok.ipynb"
    assert ok["notebook_sha256"] == hashlib.sha256(notebook("ok").read_bytes()).hexdigest()
    assert ok["code"]["asclib_version"] and set(ok["code"]) >= {"git_commit", "git_dirty"}
    assert ok["output_options"] == {"pdf": False}
    assert ok["inputs"] == [{"path": "data/raw/spend.csv", "sha256": SPEND_SHA}]
    assert set(ok["timings"]) >= {"kernel_start", "execute", "html", "excel"}
    assert ok["files"] == ["ok.ipynb", "ok.html", "ok.xlsx"]
    assert ok["headlines"] == {
        "gross_total_gbp": 14300000.5,
        "top_service": "Home care",
        "ratio": 0.3333333333,
        "area": AREA,
        "period": "2020/21",
    }
    assert 0 < ok["seconds"] < 60
    assert ok["started"] <= ok["finished"]
    failed = manifest["notebooks"]["raises"]
    assert failed["status"] == "failed" and failed["reason"] == failed["error"]
    assert failed["error"].startswith("RuntimeError: deliberate failure for the runner test")
    assert failed["files"] == ["failed/raises.ipynb"]
    assert manifest["status"] == "failed"


def test_failure_goes_to_failed_folder_with_the_error(first_run) -> None:
    _, out, log = first_run
    assert not (out / AREA / "raises.ipynb").exists()
    failed = nbformat.read(out / AREA / "failed" / "raises.ipynb", as_version=4)
    errors = [
        o
        for c in failed.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert errors and errors[0]["evalue"] == "deliberate failure for the runner test"
    assert "start ok for E08000014" in log
    assert "FAILED raises for E08000014" in log


def test_kernel_death_and_timeout_are_failures_in_parallel(tmp_path: Path) -> None:
    summary = runs.run(
        [notebook("dies"), notebook("sleeps")],
        [AREA],
        out_dir=tmp_path,
        jobs=2,
        timeout=4,
        progress=False,
    )
    by_name = {r.notebook: r for r in summary.results}
    assert by_name["dies"].status == "failed"
    assert "Kernel died" in by_name["dies"].error
    assert by_name["sleeps"].status == "failed"
    assert by_name["sleeps"].error.startswith("Timed out")
    assert by_name["sleeps"].seconds < 20
    for name in ("dies", "sleeps"):
        copy = nbformat.read(tmp_path / AREA / "failed" / f"{name}.ipynb", as_version=4)
        assert "this notebook failed" in copy.cells[0].source
        assert not (tmp_path / AREA / f"{name}.html").exists()
    assert summary.exit_code == 1


def test_bad_parameter_fails_cleanly(tmp_path: Path, data_dir: Path) -> None:
    summary = runs.run(
        [notebook("ok")], ["E09999999"], out_dir=tmp_path, data_dir=data_dir, progress=False
    )
    (result,) = summary.results
    assert result.status == "failed"
    assert result.error.startswith("ValueError: Unknown area code 'E09999999'")
    assert (tmp_path / "E09999999" / "failed" / "ok.ipynb").exists()


def test_rerun_after_failure_keeps_good_outputs_byte_identical(
    tmp_path: Path, data_dir: Path
) -> None:
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    shutil.copy(notebook("ok"), nb_dir / "report.ipynb")
    out = tmp_path / "out"
    first = runs.run(
        [nb_dir / "report.ipynb"], [AREA], out_dir=out, data_dir=data_dir, progress=False
    )
    assert first.exit_code == 0
    published = {
        n: (out / AREA / n).read_bytes() for n in ("report.ipynb", "report.html", "report.xlsx")
    }
    # the same notebook now fails
    shutil.copy(notebook("raises"), nb_dir / "report.ipynb")
    second = runs.run(
        [nb_dir / "report.ipynb"], [AREA], out_dir=out, data_dir=data_dir, progress=False
    )
    assert second.exit_code == 1
    for name, content in published.items():
        assert (out / AREA / name).read_bytes() == content, name
    manifest = json.loads((out / AREA / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["notebooks"]["report"]
    assert entry["status"] == "failed"
    assert entry["previous_ok"]["files"] == ["report.ipynb", "report.html", "report.xlsx"]
    assert entry["previous_ok"]["headlines"]["gross_total_gbp"] == 14300000.5
    assert manifest["inputs"] == [{"path": "data/raw/spend.csv", "sha256": SPEND_SHA}]
    # and a later success clears the stale failed copy
    shutil.copy(notebook("ok"), nb_dir / "report.ipynb")
    third = runs.run(
        [nb_dir / "report.ipynb"], [AREA], out_dir=out, data_dir=data_dir, progress=False
    )
    assert third.exit_code == 0
    assert not (out / AREA / "failed").exists()


def test_papermill_direct_gives_same_headlines(first_run, tmp_path: Path, data_dir: Path) -> None:
    _, out, _ = first_run
    manifest = json.loads((out / AREA / "manifest.json").read_text(encoding="utf-8"))
    executed = papermill.execute_notebook(
        str(notebook("ok")),
        str(tmp_path / "direct.ipynb"),
        parameters={"area_code": AREA, "data_dir": str(data_dir)},
        progress_bar=False,
    )
    assert report.extract(executed).headlines == manifest["notebooks"]["ok"]["headlines"]


# --------------------------------------------------------------------------- the asc command


def _asc(*args: str) -> list[str]:
    return ["run", "--notebooks-dir", str(notebook("ok").parent), *args]


def test_cli_exit_codes(tmp_path: Path, data_dir: Path, capsys) -> None:
    common = ["--no-prepare", "--processed", str(data_dir), "--out", str(tmp_path)]
    assert cli.main(_asc("--notebook", "ok", "--area", AREA, *common)) == 0
    assert (tmp_path / AREA / "ok.html").exists()
    assert cli.main(_asc("--notebook", "raises", "--area", AREA, *common)) == 1
    assert "FAILED raises for E08000014" in capsys.readouterr().err
    # bad usage: no kernel is started for these
    assert cli.main(_asc("--notebook", "ok", "--area", "E08000099", *common)) == 2
    err = capsys.readouterr().err
    assert "unknown area code E08000099" in err and "did you mean" in err
    assert cli.main(_asc("--notebook", "ok", "--area", "E07000117", *common)) == 2
    assert "not an adult social care authority" in capsys.readouterr().err
    assert cli.main(_asc("--notebook", "nope", *common)) == 2
    assert "unknown notebook 'nope'" in capsys.readouterr().err
    assert cli.main(_asc("--period", "2020/22", *common)) == 2
    assert "invalid period" in capsys.readouterr().err
    assert cli.main(_asc("--area", "Sefton", *common)) == 2
    assert cli.main(["frobnicate"]) == 2


def test_cli_refuses_invalid_data_before_running(tmp_path: Path, monkeypatch, capsys) -> None:
    """`asc run` validates first: problems are listed one per line and nothing runs."""
    import sys
    import types

    from asclib.errors import DataProblem

    fake = types.ModuleType("asclib.prepare")
    fake.validate = lambda raw_dir, areas=None: [
        DataProblem("data/raw/x.csv", "not a number", column="deaths", row=7),
        DataProblem("data/raw/y.xlsx", "missing column", sheet="Ledger", column="gross_gbp"),
    ]

    def never(*_args, **_kwargs):
        raise AssertionError("prepare must not run on invalid data")

    fake.prepare = never
    fake.is_up_to_date = lambda raw_dir, processed_dir: False
    monkeypatch.setitem(sys.modules, "asclib.prepare", fake)
    raw = tmp_path / "raw"
    raw.mkdir()
    code = cli.main(_asc("--area", AREA, "--data", str(raw), "--out", str(tmp_path / "out")))
    assert code == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "data/raw/x.csv, column 'deaths', row 7: not a number"
    assert lines[1] == "data/raw/y.xlsx, sheet 'Ledger', column 'gross_gbp': missing column"
    assert not (tmp_path / "out" / AREA).exists()


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "fresh"])
def test_a_worker_keeps_no_threads_or_sockets_of_finished_notebooks(
        tmp_path: Path, data_dir: Path, fork: bool) -> None:
    """nbclient leaves its kernel client running when given the kernel manager; the runner's
    managers stop it at shutdown, so a worker's threads and open files stay flat over many
    notebooks (a worker otherwise gained one heartbeat thread and ~12 files per notebook)."""
    import os
    import threading

    from asclib.run import keys
    from asclib.run.batch import plan
    from asclib.run.execute import execute
    from asclib.run.kernels import KernelSource

    tasks = plan([notebook("ok")] * 4, [AREA], code=keys.code_identity(),
                 injected={"data_dir": str(data_dir), "period": "2020/21"}, timeout=None,
                 kernel_name=None, pdf=False, work_root=tmp_path)
    kernels = KernelSource(tmp_path, fork=fork)
    counts = []
    try:
        for task in tasks:
            assert execute(task, kernels).status == "ok"
            counts.append((threading.active_count(), len(os.listdir("/proc/self/fd"))))
    finally:
        kernels.close()
    assert counts[-1] == counts[0], counts


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "fresh"])
def test_kernel_clients_are_ready_without_waiting_for_iopub_silence(
        tmp_path: Path, fork: bool) -> None:
    """The runner's kernel clients end ``wait_for_ready`` on the idle status of their own
    kernel_info request (jupyter_client waits for 0.2 s of IOPub silence instead). Forked
    kernels come with a client connected ahead; a fresh kernel's client connects late (the
    slow-joiner case, which asks again). Either way nothing of the handshake is left on
    IOPub, and the first cell's messages are its own. (A fresh kernel may still be running
    its warm-up imports, sent by another client: their status messages may follow.)"""
    from jupyter_core.utils import run_sync

    from asclib.run.kernels import KernelSource

    kernels = KernelSource(tmp_path, fork=fork)
    try:
        kernel = kernels.start(notebook("ok"))
        client = kernel.manager.client()
        assert type(client).__name__ == "ReadyClient"
        if fork:  # connected ahead, retrying every RECONNECT_MS while the kernel boots
            import zmq

            from asclib.run.kernels import RECONNECT_MS

            assert client.iopub_channel.socket.getsockopt(zmq.RECONNECT_IVL) == RECONNECT_MS
        client.start_channels()
        run_sync(client.wait_for_ready)(timeout=60)
        left = []
        while run_sync(client.iopub_channel.msg_ready)():
            left.append(run_sync(client.iopub_channel.get_msg)(timeout=5))
        assert not [m for m in left if m["parent_header"].get("session") == client.session.session]
        if fork:
            assert left == []
        else:  # only the warm-up's own status messages
            assert {m["parent_header"].get("msg_type") for m in left} <= {"execute_request"}
        seen: list[dict] = []
        reply = run_sync(client.execute_interactive)("print(6 * 7)", timeout=60,
                                                      output_hook=seen.append)
        assert reply["content"]["status"] == "ok"
        assert {m["parent_header"]["msg_id"] for m in seen} == {reply["parent_header"]["msg_id"]}
        assert [m["content"]["text"] for m in seen if m["msg_type"] == "stream"] == ["42\n"]
    finally:
        kernels.close()


def test_a_worker_starts_its_zygote_before_importing_pandas() -> None:
    """A worker process imports ``asclib.run.executors`` and launches its kernel zygote
    before anything heavy: the module (and the ``asclib.run`` package) import no pandas,
    papermill or matplotlib (~0.7 s that would delay every worker's first kernel)."""
    import subprocess
    import sys

    code = ("import sys, asclib.run.executors, asclib.run; "
            "print(sorted(m for m in ('pandas', 'papermill', 'matplotlib', 'pandera') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def _local_events(tmp_path: Path, data_dir: Path, tasks: int, jobs: int) -> list[tuple]:
    """The start / done events of ``tasks`` runs of the ok notebook on ``jobs`` workers."""
    from asclib.run import keys
    from asclib.run.batch import plan
    from asclib.run.executors import LocalExecutor

    planned = plan([notebook("ok")] * tasks, [AREA], code=keys.code_identity(),
                   injected={"data_dir": str(data_dir), "period": "2020/21"}, timeout=None,
                   kernel_name=None, pdf=False, work_root=tmp_path / ".work")
    executor = LocalExecutor(jobs, tmp_path / ".work")
    try:
        return [e for e in executor.events(planned) if e[0] != "tick"]
    finally:
        executor.close()


def test_a_worker_starts_its_next_notebook_while_the_reports_are_written(
        tmp_path: Path, data_dir: Path) -> None:
    """With more tasks waiting than workers, the client queues a second task per worker; the
    worker starts it as soon as papermill is done with the first and writes the first one's
    reports meanwhile (its kernel would otherwise idle). Every task still ends exactly once,
    ok, in a worker of its own."""
    events = _local_events(tmp_path, data_dir, tasks=3, jobs=1)
    order = [(kind, index) for kind, index, *_ in events]
    assert sorted(order) == [("done", 0), ("done", 1), ("done", 2),
                             ("start", 0), ("start", 1), ("start", 2)]
    assert order.index(("start", 1)) < order.index(("done", 0))
    # the last task too: with one worker there is no other that could take it sooner
    assert order.index(("start", 2)) < order.index(("done", 1))
    assert [e[2].status for e in events if e[0] == "done"] == ["ok", "ok", "ok"]
    assert not (tmp_path / ".work").exists()


def test_two_workers_share_two_tasks(tmp_path: Path, data_dir: Path) -> None:
    """A task is queued behind a busy worker only while more wait than there are workers:
    two tasks on two workers run one each, at once."""
    events = _local_events(tmp_path, data_dir, tasks=2, jobs=2)
    order = [(kind, index) for kind, index, *_ in events]
    assert order[:2] in ([("start", 0), ("start", 1)], [("start", 1), ("start", 0)])
    outcomes = [e[2] for e in events if e[0] == "done"]
    assert [o.status for o in outcomes] == ["ok", "ok"]
    assert len({o.entry["worker"] for o in outcomes}) == 2


def test_every_module_the_zygote_preloads_exists() -> None:
    """The zygote skips a module that fails to import (a kernel then imports what it needs
    itself), so a misspelt or removed name would only cost time, silently: hold the list to
    modules that import."""
    import subprocess
    import sys

    from asclib.run.zygote import PRELOADED

    assert "ipykernel.debugger" in PRELOADED and "asclib.plots" in PRELOADED
    code = ("import importlib, sys; from asclib.run.zygote import PRELOADED\n"
            "bad = []\n"
            "for name in PRELOADED:\n"
            "    try:\n        importlib.import_module(name)\n"
            "    except Exception as exc:\n        bad.append(f'{name}: {exc}')\n"
            "print(bad)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
    assert "scipy.stats" not in PRELOADED  # asclib.stats uses scipy.special (~0.5 s less)


def test_a_notebook_is_parsed_again_only_when_it_changes(tmp_path: Path) -> None:
    """Workers ask a notebook's kernel name and language before every run; the parsed file is
    kept until the file changes (its size or modification time)."""
    import json

    from asclib.run.kernels import is_python_notebook, kernel_name_of, notebook_json

    path = tmp_path / "n.ipynb"

    def write(kernel: str, language: str) -> None:
        path.write_text(json.dumps({"cells": [], "nbformat": 4, "nbformat_minor": 5,
                                    "metadata": {"kernelspec": {"name": kernel,
                                                                "language": language}}}))

    write("python3", "python")
    assert (kernel_name_of(path), is_python_notebook(path)) == ("python3", True)
    assert notebook_json(path) is notebook_json(path)
    write("ir", "R")
    assert (kernel_name_of(path), is_python_notebook(path)) == ("ir", False)


@pytest.mark.parametrize("gone", ["half a request", "stdout closed"])
def test_the_zygote_ends_quietly_when_its_worker_goes(tmp_path: Path, gone: str) -> None:
    """A worker killed mid-request (SIGTERM or kill -9 of the run) leaves its zygote half a
    line, or a pipe nobody reads. The zygote ends (its kernels die with it) without printing
    a traceback into the run's log."""
    import subprocess
    import sys

    zygote = subprocess.Popen([sys.executable, "-m", "asclib.run.zygote"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert zygote.stdout.readline().strip() == "ready"
        if gone == "half a request":
            zygote.stdin.write('{"connection_file": "/tm\n')
        else:  # the child fails at once (no such folder); the zygote's answer has no reader
            zygote.stdout.close()
            zygote.stdin.write(json.dumps({"connection_file": str(tmp_path / "k.json"),
                                           "cwd": str(tmp_path / "missing")}) + "\n")
        zygote.stdin.close()
        assert zygote.wait(timeout=60) == 0
        assert zygote.stderr.read() == ""
    finally:
        zygote.kill()
        zygote.wait()
