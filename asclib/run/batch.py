"""``asc run``'s engine: every notebook for every area, incrementally, safely.

:func:`run` plans the (area, notebook) tasks, keeps the ones whose key is unchanged as
"up to date" (:mod:`asclib.run.keys`), runs the rest on an executor (:mod:`asclib.run.executors`;
each task is :func:`asclib.run.execute.execute`) and publishes each outcome on this process, one
atomic step per notebook (:mod:`asclib.run.publish`). It holds the output folder's lock
(:mod:`asclib.run.lock`), cleans what killed runs left, rebuilds unreadable manifests, and
writes ``OUT/index.html`` (:mod:`asclib.run.index`).

SIGTERM and SIGINT: nothing new starts, running notebooks are abandoned (their workers and
kernels are killed; nothing of theirs is published), one line is logged and
:attr:`RunSummary.exit_code` is 143 or 130.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import signal
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from asclib.run import index, keys, lock
from asclib.run.execute import Outcome, Task
from asclib.run.executors import DaskExecutor, LocalExecutor
from asclib.run.progress import Progress, null_stream
from asclib.run.publish import WORK_DIR, AreaStore, PublishError, write_atomic

#: Parameters ``asc run`` may inject (beside ``area_code``); recorded with their defaults.
RUN_PARAMETERS = ("period", "comparator_group", "data_dir")
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
EXIT_BY_SIGNAL = {signal.SIGINT: 130, signal.SIGTERM: 143}
#: Seconds between refreshes of OUT/index.html during a run.
OVERVIEW_EVERY = 30.0


@dataclass
class RunResult:
    """What happened to one (area, notebook) in this run."""

    area_code: str
    notebook: str
    status: str  # "ok" | "failed" | "skipped" | "up to date" | "not run"
    entry: dict[str, Any] = field(default_factory=dict)

    @property
    def reason(self) -> str | None:
        return self.entry.get("reason") if self.status in ("failed", "skipped") else None

    @property
    def error(self) -> str | None:
        return self.reason if self.status == "failed" else None

    @property
    def seconds(self) -> float:
        return float(self.entry.get("seconds") or 0.0)

    @property
    def period_not_in_data(self) -> bool:
        return self.status == "skipped" and self.entry.get("skip_class") == "PeriodNotInData"


@dataclass
class RunSummary:
    """Everything :func:`run` did."""

    results: list[RunResult]
    out_dir: Path
    stopped_by: int | None = None  # the signal that stopped the run
    write_error: str | None = None  # the output folder could not be written

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def failed(self) -> list[RunResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def exit_code(self) -> int:
        """143/130 when stopped by SIGTERM/SIGINT; 1 when OUT could not be written; 2 when a
        notebook was skipped for a period not in the data; 1 when one failed; else 0."""
        if self.stopped_by is not None:
            return EXIT_BY_SIGNAL.get(self.stopped_by, 128 + int(self.stopped_by))
        if self.write_error:
            return EXIT_FAILED
        if any(r.period_not_in_data for r in self.results):
            return EXIT_BAD_INPUT
        return EXIT_FAILED if self.failed else EXIT_OK

    def counts_line(self) -> str:
        order = ("ok", "up to date", "skipped", "failed", "not run")
        return ", ".join(f"{self.count(s)} {s}" for s in order if self.count(s) or s in
                         ("ok", "failed"))


def notebook_defaults(notebook: str | Path) -> dict[str, Any]:
    """The defaults of a notebook's ``parameters`` cell, read by papermill (literal values;
    an expression is kept as written)."""
    import papermill

    defaults: dict[str, Any] = {}
    for name, info in papermill.inspect_notebook(str(notebook)).items():
        raw = info.get("default")
        try:
            defaults[name] = ast.literal_eval(raw)
        except (TypeError, ValueError, SyntaxError):
            defaults[name] = raw
    return defaults


class _StopRequest:
    """Set by SIGTERM / SIGINT; the run's loop looks at it between events."""

    def __init__(self) -> None:
        self.signal: int | None = None
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> _StopRequest:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                self.previous[signum] = signal.signal(signum, self._handle)
        return self

    def _handle(self, signum: int, _frame: Any) -> None:
        self.signal = signum

    def __exit__(self, *_exc: Any) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)


def plan(notebooks: Sequence[Path], areas: Sequence[str], *, code: Mapping[str, Any],
         injected: Mapping[str, Any], timeout: float | None, kernel_name: str | None,
         pdf: bool, work_root: Path | None) -> list[Task]:
    """One task per area x notebook, with each notebook's own effective parameters."""
    tasks = []
    for notebook in notebooks:
        defaults = notebook_defaults(notebook)
        for area in areas:
            passed = {"area_code": area, **injected}
            recorded = {k: v for k, v in defaults.items() if k in RUN_PARAMETERS}
            tasks.append(Task(notebook=notebook, area_code=area,
                              parameters={**recorded, **passed}, injected=tuple(passed),
                              code=dict(code), timeout=timeout, kernel_name=kernel_name,
                              pdf=pdf, work_root=work_root))
    # area by area: each area's reports complete early, kernels of one notebook follow
    order = {area: i for i, area in enumerate(areas)}
    return sorted(tasks, key=lambda t: order[t.area_code])


def is_up_to_date(task: Task, entry: Mapping[str, Any] | None, area_folder: Path | None,
                  processed: Mapping[str, Any], notebook_sha256: str) -> bool:
    """True when ``entry`` (the published one, ok or skipped) has the key ``task`` would have
    now and all its files are there: running it again would give the same outcome."""
    if not entry or entry.get("status") not in ("ok", "skipped") or not entry.get("key") \
            or area_folder is None:
        return False
    if not all((area_folder / f).is_file() for f in entry.get("files") or []):
        return False
    if entry.get("tables_read") is not None:
        inputs = keys.table_sources(processed, entry["tables_read"], task.area_code)
    elif entry.get("inputs"):
        inputs = keys.recorded_inputs_now(entry["inputs"])
    else:
        inputs = None
    if inputs is None:
        return False
    now = keys.run_key(notebook_sha256, task.parameters, task.output_options, task.code, inputs)
    return now == entry["key"]


def run(
    notebooks: Sequence[str | Path],
    areas: Sequence[str],
    *,
    out_dir: str | Path,
    data_dir: str | Path | None = None,
    period: str | None = None,
    comparator_group: str | None = None,
    jobs: int = 1,
    timeout: float | None = None,
    kernel_name: str | None = None,
    extra_parameters: Mapping[str, Any] | None = None,
    pdf: bool = False,
    force: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
    progress: bool | TextIO | None = None,
    area_names: Mapping[str, str] | None = None,
    fork_kernels: bool = True,
    workers: LocalExecutor | None = None,
) -> RunSummary:
    """Run every notebook for every area into ``out_dir`` (see the module docstring).

    Injected parameters: ``area_code`` always; ``data_dir`` (absolute), ``period`` and
    ``comparator_group`` when given; ``extra_parameters``. ``force`` re-runs up-to-date pairs.
    ``executor``: "local" (``jobs`` worker processes) or "dask" (``scheduler`` address, or a
    LocalCluster of ``jobs`` workers). ``progress``: None = stderr, False = silent, or a
    stream. ``area_names``: council names by code for people (progress, manifests, index
    pages) when a notebook did not say. Raises lock.LockedByAnotherRun when another run
    writes ``out_dir``. ``fork_kernels``: local workers fork each kernel from a pre-imported
    process (:mod:`asclib.run.zygote`) instead of starting it from scratch. ``workers``: local
    workers already started by :func:`start_workers` (the run uses and stops them).
    """
    out = Path(out_dir).resolve()
    injected: dict[str, Any] = {}
    if period is not None:
        injected["period"] = period
    if comparator_group is not None:
        injected["comparator_group"] = comparator_group
    if data_dir is not None:
        injected["data_dir"] = str(Path(data_dir).resolve())
    injected.update(extra_parameters or {})
    stream = null_stream() if progress is False else (
        None if progress is None or progress is True else progress)
    try:
        out.mkdir(parents=True, exist_ok=True)
        with lock.hold(out):
            return _run_locked([Path(nb).resolve() for nb in notebooks], list(areas), out,
                               injected, data_dir, jobs, timeout, kernel_name, pdf, force,
                               executor, scheduler, stream, dict(area_names or {}),
                               fork_kernels, workers)
    except PublishError as exc:
        return _write_failure(out, str(exc), stream, [])
    except OSError as exc:
        return _write_failure(out, f"cannot write {exc.filename or out}: "
                                   f"{exc.strerror or exc}", stream, [])
    finally:
        if workers is not None:  # stopped already, unless the run never got as far as them
            workers.close(abandon=True)
        if progress is False and stream is not None:
            stream.close()


def start_workers(out_dir: str | Path, jobs: int, fork_kernels: bool = True) -> LocalExecutor:
    """Start ``jobs`` local workers for a run into ``out_dir`` now, before it is planned:
    their kernel zygotes import (~2 s) while the caller reads lookups and notebooks. Pass them
    to :func:`run` (``workers=``); a run with nothing to execute stops them at once."""
    executor = LocalExecutor(jobs, Path(out_dir).resolve() / WORK_DIR, fork_kernels)
    executor.start()
    return executor


def _write_failure(out: Path, message: str, stream: TextIO | None,
                   results: list[RunResult]) -> RunSummary:
    import sys

    print(f"asc run: {message}", file=stream or sys.stderr)
    return RunSummary(results, out, write_error=message)


def _run_locked(notebooks: list[Path], areas: list[str], out: Path, injected: dict[str, Any],
                data_dir: str | Path | None, jobs: int, timeout: float | None,
                kernel_name: str | None, pdf: bool, force: bool, executor_name: str,
                scheduler: str | None, stream: TextIO | None,
                names: dict[str, str], fork_kernels: bool,
                workers: LocalExecutor | None) -> RunSummary:
    started_at = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    code = keys.code_identity()
    store = AreaStore(out, keys.environment(), area_page=index.area_page)
    store.clean_leftovers()
    for area in areas:
        store.rebuild_if_corrupt(area)
    work_root = out / WORK_DIR if executor_name == "local" else None
    tasks = plan(notebooks, areas, code=code, injected=injected, timeout=timeout,
                 kernel_name=kernel_name, pdf=pdf, work_root=work_root)
    reporter = Progress(len(tasks), stream=stream, jobs=jobs)
    results: dict[int, RunResult] = {}

    # incremental: unchanged pairs are up to date
    processed = keys.read_processed_manifest(data_dir)
    shas = {nb: keys.sha256_file(nb) for nb in notebooks}
    to_run: list[int] = []
    for i, task in enumerate(tasks):
        manifest = store.manifest(task.area_code) or {}
        entry = (manifest.get("notebooks") or {}).get(task.name)
        if not force and is_up_to_date(task, entry, store.current(task.area_code), processed,
                                       shas[task.notebook]):
            # an unchanged skip is reported as skipped again (its reason still holds)
            status = "skipped" if entry.get("status") == "skipped" else "up to date"
            results[i] = RunResult(task.area_code, task.name, status, dict(entry))
            reporter.finish(task.name, task.area_code, status,
                            area_name=manifest.get("area_name") or names.get(task.area_code))
        else:
            to_run.append(i)

    runner = (DaskExecutor(jobs, scheduler) if executor_name == "dask"
              else workers or LocalExecutor(jobs, work_root, fork_kernels))
    # OUT/index.html is refreshed while the run goes on (at most every OVERVIEW_EVERY
    # seconds), so after a kill it lags the published reports by no more than that
    overview_due = time.monotonic()

    def refresh_overview() -> None:
        nonlocal overview_due
        if time.monotonic() < overview_due:
            return
        overview_due = time.monotonic() + OVERVIEW_EVERY
        partial = RunSummary(list(results.values()), out)
        heading = (f"Run in progress (started {started_at}): {len(results)} of {len(tasks)} "
                   f"done so far: {partial.counts_line()}")
        with contextlib.suppress(OSError):
            write_overview(store, partial, heading)

    refresh_overview()
    stopped_by: int | None = None
    write_error: str | None = None
    with _StopRequest() as stop:
        try:
            for event in runner.events([tasks[i] for i in to_run]) if to_run else ():
                if stop.signal is not None:
                    break
                if event[0] == "start":
                    task = tasks[to_run[event[1]]]
                    reporter.start(task.name, task.area_code, names.get(task.area_code))
                elif event[0] == "done":
                    i, outcome = to_run[event[1]], event[2]
                    if not outcome.entry.get("area_name"):
                        outcome.entry["area_name"] = names.get(outcome.area_code)
                    try:
                        results[i] = _publish(store, outcome, reporter)
                    except PublishError as exc:  # read-only or full disk: stop here
                        write_error = str(exc)
                        results[i] = RunResult(outcome.area_code, outcome.name, "failed", {
                            **outcome.entry, "status": "failed",
                            "reason": f"not published: {exc}"})
                        break
                    refresh_overview()
                else:
                    reporter.tick()
        finally:
            stopped_by = stop.signal
            abandon = stopped_by is not None or write_error is not None
            if abandon:
                why = (f"stopping on {signal.Signals(stopped_by).name}" if stopped_by
                       else write_error)
                reporter.log(f"{why}: nothing new starts; {len(reporter.running)} running "
                             "notebook(s) abandoned (the last good reports stay published)")
            runner.close(abandon=abandon or not to_run)
    ordered = [results.get(i) or RunResult(t.area_code, t.name, "not run")
               for i, t in enumerate(tasks)]
    summary = RunSummary(ordered, out, stopped_by=stopped_by, write_error=write_error)
    if write_error is None:
        with contextlib.suppress(OSError):
            write_overview(store, summary)
    reporter.close(f" ({summary.count('not run')} not run)" if summary.count("not run") else "")
    return summary


def _publish(store: AreaStore, outcome: Outcome, reporter: Progress) -> RunResult:
    try:
        manifest = store.publish(outcome)
    except PublishError as exc:
        reporter.finish(outcome.name, outcome.area_code, "failed",
                        float(outcome.entry.get("seconds") or 0), str(exc))
        raise
    reporter.finish(outcome.name, outcome.area_code, outcome.status,
                    float(outcome.entry.get("seconds") or 0), outcome.entry.get("reason"),
                    manifest.get("area_name"))
    return RunResult(outcome.area_code, outcome.name, outcome.status, dict(outcome.entry))


def write_overview(store: AreaStore, summary: RunSummary, heading: str | None = None) -> Path:
    """``OUT/index.html``: every published area x notebook, with this run's statuses (where
    this run has one; otherwise the status its manifest holds). ``heading``: the line under
    the title (default: "Last run: " and the counts)."""
    this_run = {(r.area_code, r.notebook): r.status for r in summary.results}
    rows = []
    for area in store.areas():
        manifest = store.manifest(area) or {}
        for name, entry in (manifest.get("notebooks") or {}).items():
            status = this_run.get((area, name), entry.get("status", ""))
            if status == "not run":
                status = entry.get("status", "")
            rows.append(index.Row(area, manifest.get("area_name"), name, status, entry))
    path = store.out_dir / "index.html"
    write_atomic(path, index.overview_page(rows, heading or f"Last run: {summary.counts_line()}")
                 .encode("utf-8"))
    return path
