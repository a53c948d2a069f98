"""One (area, notebook) run, start to finish.

:func:`execute` takes a :class:`Task` and returns an :class:`Outcome`, in two halves:
:func:`run_notebook` (steps 1-2) and :func:`finish` (steps 3-6). A local worker runs ``finish``
in a thread while its next notebook already runs (:mod:`asclib.run.executors`).

1. take a fresh kernel (started ahead by the worker's :class:`~asclib.run.kernels.KernelSource`
   when possible) in a fresh temporary working directory;
2. let papermill inject the parameters (its own ``parameters`` cell handling) and execute the
   notebook into a private staging folder, within the time limit;
3. classify the result: ``ok``; ``skipped`` when the notebook raised ``NotebookSkipped`` /
   ``PeriodNotInData`` (asclib.errors; papermill reports the class name as ``ename``);
   ``failed`` otherwise (an error cell is added on top when the kernel died or timed out);
4. for ``ok``: read the published bundles back (``report.extract``), write the HTML, the
   workbook and (``--pdf``) the PDF;
5. build the notebook's manifest entry (parameters, notebook SHA-256, code identity, inputs,
   tables read, run key, status, reason, timings, files, headlines) and store it in the
   executed notebook's metadata (``metadata.asclib_run``), so a lost manifest can be rebuilt;
6. return the files' bytes: the worker never writes into the output folder. Publishing (one
   atomic step per notebook) is the client's job (:mod:`asclib.run.publish`).

This runs in a worker process (``--jobs``) or on a Dask worker (``--executor dask``). It never
raises for a notebook problem.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asclib import report
from asclib.errors import display_path
from asclib.run import keys
from asclib.run.kernels import KERNEL_START_TIMEOUT, KernelSource, worker_pid_marker

#: ``ename`` values papermill reports for the notebook-contract exceptions (asclib.errors).
SKIPPED_ERRORS = ("NotebookSkipped", "PeriodNotInData")
PERIOD_ERROR = "PeriodNotInData"
#: Where the executed copies of failed and skipped notebooks go, inside OUT/<area>/.
FAILED_DIR = "failed"
SKIPPED_DIR = "skipped"
#: The key of the manifest entry in an executed notebook's metadata.
ENTRY_METADATA_KEY = "asclib_run"


@dataclass(frozen=True)
class Task:
    """One notebook to run for one area (picklable: it travels to workers)."""

    notebook: Path
    area_code: str
    parameters: dict[str, Any]  # effective values: the notebook's defaults, then what is injected
    injected: tuple[str, ...]  # the names papermill injects (the rest are the defaults)
    code: dict[str, Any]  # keys.code_identity() of the client
    timeout: float | None = None
    kernel_name: str | None = None
    pdf: bool = False
    work_root: Path | None = None  # kernels' working dirs and staging (None: system temp)

    @property
    def name(self) -> str:
        return self.notebook.stem

    @property
    def output_options(self) -> dict[str, Any]:
        return {"pdf": self.pdf}


@dataclass
class Outcome:
    """What one run produced: its manifest entry and its files' bytes, by path in OUT/<area>/."""

    area_code: str
    name: str
    entry: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return str(self.entry["status"])

    @property
    def period_not_in_data(self) -> bool:
        return self.entry.get("skip_class") == PERIOD_ERROR


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass
class Executed:
    """A notebook papermill has run (steps 1-2), its outcome not yet made (:func:`finish`)."""

    started: str
    clock: float  # time.monotonic() at the start
    timings: dict[str, float]
    staging: Path  # private folder holding the executed notebook (``staged``) and the reports
    staged: Path
    error: BaseException | None


def execute(task: Task, kernels: KernelSource, next_notebook: Path | None = None) -> Outcome:
    """Run ``task`` (see the module docstring): :func:`run_notebook`, then :func:`finish`.
    ``next_notebook``: the notebook expected next in this worker; its kernel starts while this
    one runs."""
    return finish(task, run_notebook(task, kernels, next_notebook))


def run_notebook(task: Task, kernels: KernelSource,
                 next_notebook: Path | None = None) -> Executed:
    """Steps 1-2: a fresh kernel, and papermill executing the notebook into a staging folder.
    A local worker starts the next notebook as soon as this returns, and leaves
    :func:`finish` to a thread of its own (its kernel would otherwise wait for the reports)."""
    import papermill

    started, clock = _now(), time.monotonic()
    timings: dict[str, float] = {}
    if task.work_root is not None:
        task.work_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{task.name}-", dir=task.work_root))
    staged = staging / f"{task.name}.ipynb"
    error: BaseException | None = None
    for attempt in (1, 2):
        kernel = None
        error = None
        try:
            # 1. a fresh kernel, and the next one booting meanwhile
            mark = time.monotonic()
            kernel = kernels.take(task.notebook, task.kernel_name)
            if next_notebook is not None and attempt == 1:
                kernels.prestart(next_notebook, task.kernel_name)
            timings["kernel_start"] = time.monotonic() - mark

            # 2. papermill injects the parameters and executes the notebook
            mark = time.monotonic()
            engine: dict[str, Any] = {"km": kernel.manager}
            if task.timeout:
                deadline = clock + task.timeout  # nbclient asks each cell's limit: what is left
                engine["timeout_func"] = lambda _cell, end=deadline: max(end - time.monotonic(),
                                                                          0.05)
            try:
                papermill.execute_notebook(
                    str(task.notebook), str(staged),
                    parameters={k: task.parameters[k] for k in task.injected},
                    kernel_name=kernel.kernel_name, cwd=str(kernel.workdir),
                    progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                    start_timeout=KERNEL_START_TIMEOUT, **engine)
            except Exception as exc:  # classified below
                error = exc
            timings["execute"] = time.monotonic() - mark
        except Exception as exc:  # the kernel could not start
            error = exc
        finally:
            if kernel is not None:
                kernel.shutdown()
        # a kernel that died while booting ran no cell: start another one, once
        if not _died_while_booting(error):
            break
    return Executed(started, clock, timings, staging, staged, error)


def finish(task: Task, run: Executed) -> Outcome:
    """Steps 3-6: classify, write the reports, build the manifest entry, return the files."""
    import nbformat
    import papermill

    started, clock, timings = run.started, run.clock, run.timings
    staging, staged, error = run.staging, run.staged, run.error
    entry: dict[str, Any] = {
        "notebook": display_path(task.notebook),
        "notebook_sha256": keys.sha256_file(task.notebook),
        "parameters": dict(task.parameters),
        "injected": list(task.injected),
        "output_options": task.output_options,
        "code": dict(task.code),
        "started": started,
        "worker": worker_pid_marker(),
    }
    files: dict[str, bytes] = {}
    try:
        # 3. classify
        executed = (nbformat.read(staged, as_version=4) if staged.exists()
                    else nbformat.read(task.notebook, as_version=4))
        if error is None:
            status, reason = "ok", None
        elif (isinstance(error, papermill.PapermillExecutionError)
              and error.ename in SKIPPED_ERRORS):
            status, reason = "skipped", str(error.evalue)
            entry["skip_class"] = error.ename
        else:
            status, reason = "failed", describe_error(error, task.timeout)
            if not isinstance(error, papermill.PapermillExecutionError):
                executed.cells.insert(0, _error_cell(reason))
        record = report.extract(executed)
        tables_read = tables_read_of(executed)
        entry.update(status=status, reason=reason, error=reason if status == "failed" else None,
                     **_record_fields(record), tables_read=tables_read)

        # 4. the reports, for a successful run
        if status == "ok":
            files.update(_write_reports(task, executed, record, staging, timings))
            entry["files"] = [f"{task.name}.ipynb", *sorted(files)]
        else:
            folder = FAILED_DIR if status == "failed" else SKIPPED_DIR
            entry["files"] = [f"{folder}/{task.name}.ipynb"]

        # 5. the key: what this run depended on (the inputs behind the tables it read). A
        # skipped notebook stopped before saying what it read: it depends on what the data
        # hold, so every processed table's sources (this area's and shared ones) count.
        if status == "skipped" and tables_read is None:
            processed = keys.read_processed_manifest(task.parameters.get("data_dir"))
            tables_read = sorted(processed.get("tables") or {})
            entry["tables_read"] = tables_read
        entry["input_sources"] = _input_sources(task, tables_read, record.inputs)
        entry["key"] = keys.run_key(entry["notebook_sha256"], task.parameters,
                                    task.output_options, task.code, entry["input_sources"] or [])
        entry["timings"] = {k: round(v, 3) for k, v in timings.items()}
        entry["finished"] = _now()
        entry["seconds"] = round(time.monotonic() - clock, 2)
        executed.metadata[ENTRY_METADATA_KEY] = entry
        files[entry["files"][0]] = nbformat.writes(executed).encode("utf-8")
    except Exception as exc:  # the reports could not be written: a failure of this notebook
        message = describe_error(exc, task.timeout)
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        if detail and detail not in message and len(detail) < 2000:
            message = f"{message}\n{detail}"
        entry.update(status="failed", reason=message, error=message, files=[],
                     finished=_now(), seconds=round(time.monotonic() - clock, 2))
        files = {}
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Outcome(task.area_code, task.name, entry, files)


def _write_reports(task: Task, executed: Any, record: report.NotebookRecord, staging: Path,
                   timings: dict[str, float]) -> dict[str, bytes]:
    """HTML, workbook and (``--pdf``) PDF of an executed notebook, as bytes by file name."""
    run_time = dt.datetime.now().astimezone()
    html, xlsx = staging / f"{task.name}.html", staging / f"{task.name}.xlsx"
    mark = time.monotonic()
    report.write_html(executed, record, html)
    timings["html"] = time.monotonic() - mark
    mark = time.monotonic()
    report.write_workbook(record, xlsx, run_time=run_time)
    timings["excel"] = time.monotonic() - mark
    written = [html, xlsx]
    if task.pdf:
        mark = time.monotonic()
        pdf = staging / f"{task.name}.pdf"
        report.write_pdf(html, pdf)
        timings["pdf"] = time.monotonic() - mark
        written.append(pdf)
    return {path.name: path.read_bytes() for path in written}


def _record_fields(record: report.NotebookRecord) -> dict[str, Any]:
    context = record.context
    return {
        "title": context.get("title"),
        "area_name": context.get("area_name"),
        "period": context.get("period"),
        "data_date": context.get("data_date"),
        "illustrative": context.get("illustrative"),
        "headlines": dict(record.headlines),
        "inputs": list(record.inputs),
    }


def tables_read_of(notebook: Any) -> list[str] | None:
    """The processed tables a notebook read (its ``TABLES_READ_MIME`` bundles), None if it
    emitted none."""
    found: list[str] | None = None
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data") or {}
            if report.TABLES_READ_MIME in data:
                found = sorted({*(found or []), *data[report.TABLES_READ_MIME]})
    return found


def _input_sources(task: Task, tables_read: list[str] | None,
                   inputs: list[dict[str, str]]) -> list[dict[str, Any]] | None:
    """The inputs behind this run, as the key records them (None: unknown)."""
    if tables_read is not None:
        processed = keys.read_processed_manifest(task.parameters.get("data_dir"))
        return keys.table_sources(processed, tables_read, task.area_code)
    return [dict(item) for item in inputs] if inputs else None


def _died_while_booting(error: BaseException | None) -> bool:
    """True for nbclient's "Kernel died before replying to kernel_info": the kernel process
    exited before the notebook started (no cell ran), so running it again is safe."""
    return isinstance(error, RuntimeError) and "before replying to kernel_info" in str(error)


def describe_error(exc: BaseException, timeout: float | None = None) -> str:
    """One readable line saying why a notebook failed."""
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    if isinstance(exc, papermill.PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue} (cell In [{exc.exec_count}])"
    if isinstance(exc, CellTimeoutError | TimeoutError):
        limit = f" of {timeout:g} s" if timeout else ""
        return f"Timed out: the notebook exceeded the time limit{limit} (--timeout)"
    if isinstance(exc, DeadKernelError):
        return "Kernel died: the notebook's kernel process exited while running the notebook"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:1000]


def _error_cell(message: str) -> Any:
    import nbformat

    return nbformat.v4.new_markdown_cell(
        '<span style="color:red;font-size:1.3em">**asc run: this notebook failed.**</span>\n\n'
        f"```\n{message}\n```",
        metadata={"tags": ["asclib-error"]},
    )
