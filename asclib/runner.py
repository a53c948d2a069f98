"""Run notebooks per area with papermill and publish their reports atomically.

For each area the runner writes ``OUT/<area>/``: ``<name>.ipynb`` (executed), ``<name>.html``,
``<name>.xlsx`` and ``manifest.json``. A notebook's outputs are produced in a staging folder
inside ``OUT/<area>/`` and moved into place (``os.replace``) only when everything succeeded, so a
failure never replaces the last good report: the executed copy with the error goes to
``OUT/<area>/failed/<name>.ipynb`` and the manifest records the failure beside the previous good
entry. Kernels run with a fresh temporary working directory, so notebooks cannot depend on it.

This is the only module of asclib that imports papermill.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import json
import multiprocessing
import os
import platform
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from asclib import __version__, report

# papermill and nbformat are imported where used (through _notebook_libraries): they take
# over a second to import, and a kernel started first boots meanwhile.


def _notebook_libraries() -> tuple[Any, Any]:
    """``(papermill, nbformat)``, imported on first use so that a kernel started first boots
    while they load."""
    import nbformat
    import papermill

    return papermill, nbformat


MANIFEST_NAME = "manifest.json"
FAILED_DIR = "failed"
KEY_PACKAGES = (
    "pandas",
    "numpy",
    "scipy",
    "matplotlib",
    "papermill",
    "nbconvert",
    "openpyxl",
    "pandera",
)
#: Seconds allowed for a kernel to start.
KERNEL_START_TIMEOUT = 60


@dataclass(frozen=True)
class NotebookTask:
    """One notebook to run for one area."""

    notebook: Path
    area_code: str
    out_dir: Path
    parameters: dict[str, Any]
    timeout: float | None = None
    kernel_name: str | None = None

    @property
    def name(self) -> str:
        return self.notebook.stem


@dataclass
class NotebookResult:
    """The outcome of one :class:`NotebookTask` (also the notebook's manifest entry)."""

    notebook: str
    area_code: str
    status: str  # "ok" | "failed"
    started: str
    finished: str
    seconds: float
    parameters: dict[str, Any]
    files: list[str] = field(default_factory=list)
    headlines: dict[str, Any] = field(default_factory=dict)
    inputs: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None
    title: str | None = None
    area_name: str | None = None
    illustrative: bool | None = None

    def manifest_entry(self) -> dict[str, Any]:
        entry = asdict(self)
        entry.pop("notebook")
        entry.pop("area_code")
        entry.pop("area_name")
        return entry


@dataclass
class RunSummary:
    """Everything :func:`run` did."""

    results: list[NotebookResult]
    out_dir: Path

    @property
    def failed(self) -> list[NotebookResult]:
        return [r for r in self.results if r.status != "ok"]

    @property
    def exit_code(self) -> int:
        """0 when every notebook succeeded, 1 otherwise."""
        return 1 if self.failed else 0


# --------------------------------------------------------------------------- helpers


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _simple_parameter_defaults(notebook: str | Path) -> dict[str, Any] | None:
    """The ``parameters`` cell's defaults when every line is ``name = literal  # comment``.

    None when the cell holds anything else (papermill's own parser then decides). Avoids
    importing papermill just to read a notebook's defaults.
    """
    try:
        cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return None
    tagged = [
        c for c in cells if "parameters" in ((c.get("metadata") or {}).get("tags") or [])
    ]
    if not tagged:
        return {}
    source = tagged[0].get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    defaults: dict[str, Any] = {}
    for statement in tree.body:
        if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            return None
        target = statement.targets[0]
        if not isinstance(target, ast.Name):
            return None
        raw = ast.get_source_segment(source, statement.value)
        if raw is None or "#" in raw:
            return None
        try:
            defaults[target.id] = ast.literal_eval(raw)
        except (TypeError, ValueError, SyntaxError):
            return None
    return defaults


def notebook_defaults(notebook: str | Path) -> dict[str, Any]:
    """The default values of a notebook's ``parameters`` cell (``{}`` when it has none)."""
    simple = _simple_parameter_defaults(notebook)
    if simple is not None:
        return simple
    papermill, _ = _notebook_libraries()

    inspected = papermill.inspect_notebook(str(notebook))
    defaults: dict[str, Any] = {}
    for name, info in inspected.items():
        raw = info.get("default")
        try:
            defaults[name] = ast.literal_eval(raw)
        except (TypeError, ValueError, SyntaxError):
            defaults[name] = raw  # an expression: recorded as written
    return defaults


def environment() -> dict[str, Any]:
    """Python, platform and key package versions, plus the project's git commit when known."""
    from importlib.metadata import PackageNotFoundError, version

    packages: dict[str, str | None] = {}
    for name in KEY_PACKAGES:
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = None
    packages["asclib"] = __version__
    env: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": packages,
    }
    commit = _git_commit()
    if commit:
        env["asclib_commit"] = commit
    return env


def _git_commit() -> str | None:
    from asclib.paths import PROJECT_ROOT

    if not (PROJECT_ROOT / ".git").exists():
        return None
    try:
        done = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def describe_error(exc: BaseException, timeout: float | None = None) -> str:
    """One readable line (or a few) saying why a notebook failed."""
    papermill, _ = _notebook_libraries()
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    if isinstance(exc, papermill.PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue} (cell In [{exc.exec_count}])"
    if isinstance(exc, CellTimeoutError | TimeoutError):
        limit = f" of {timeout:g} s" if timeout else ""
        return f"Timed out: the notebook exceeded the time limit{limit} (--timeout)"
    if isinstance(exc, DeadKernelError):
        return "Kernel died: the notebook's kernel process exited while running the notebook"
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first}"[:1000]


def _is_python_notebook(path: Path) -> bool:
    try:
        metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        return False
    language = (metadata.get("kernelspec") or {}).get("language") or (
        metadata.get("language_info") or {}
    ).get("name")
    return language == "python"


def _temporary_sibling(path: Path) -> Path:
    """A unique temporary name beside ``path`` (same file system, so os.replace is atomic)."""
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


def _write_notebook_atomic(nb: Any, path: Path) -> None:
    _, nbformat = _notebook_libraries()

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary_sibling(path)
    try:
        nbformat.write(nb, str(tmp))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write_json_atomic(payload: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary_sibling(path)
    try:
        with open(tmp, "x", encoding="utf-8") as handle:
            json.dump(payload, handle, indent=2, ensure_ascii=False, sort_keys=False)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _error_cell(message: str) -> Any:
    _, nbformat = _notebook_libraries()

    return nbformat.v4.new_markdown_cell(
        '<span style="color:red;font-size:1.3em">**asc run: this notebook failed.**</span>\n\n'
        f"```\n{message}\n```",
        metadata={"tags": ["asclib-error"]},
    )


# --------------------------------------------------------------------------- kernels

#: Modules imported (silently) in a pre-started kernel while the previous notebook runs. The
#: notebook still gets a fresh kernel process of its own; it just finds these already imported.
#: The modules the notebook itself imports (its ``import`` statements) are added per notebook,
#: so a notebook that does not need, say, scipy.stats does not wait for it.
WARM_UP_MODULES = (
    "numpy",
    "pandas",
    "matplotlib.pyplot",
    "asclib",
    "asclib.data",
    "asclib.report",
    # imported lazily when the first table is read (pandera alone takes ~0.3 s)
    "pandera",
    "asclib.sources.council",
    "asclib.sources.fingertips",
    "asclib.sources.la_lookup",
    "asclib.sources.ons_weekly_deaths",
    "asclib.sources.published",
    "asclib.benchmark",
    # drawing the first PNG
    "matplotlib.backends.backend_agg",
    "PIL.PngImagePlugin",
)
#: Added when the notebook a kernel is for is not known yet (worker processes).
WARM_UP_ANY_NOTEBOOK = (
    "scipy.stats",
    "asclib.stats",
    "asclib.plots",
    "asclib.analyses",
)
_WARM_UP_FIGURE = (
    # load the fonts and draw once, off pyplot (the notebook never sees this figure)
    "try:\n"
    "    import io as _asc_io\n"
    "    from matplotlib.figure import Figure as _AscFigure\n"
    "    _asc_figure = _AscFigure(figsize=(2, 1))\n"
    "    _asc_figure.subplots().set_title('warm-up')\n"
    "    _asc_figure.savefig(_asc_io.BytesIO(), format='png')\n"
    "    del _asc_io, _AscFigure, _asc_figure\n"
    "except Exception:\n"
    "    pass\n"
)


def _notebook_imports(notebook: Path | None) -> list[str]:
    """Modules a notebook's code cells import (absolute imports; ``from a import b`` gives
    ``a`` and ``a.b``, which may not be a module: the warm-up skips what fails)."""
    if notebook is None:
        return []
    try:
        cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return []
    found: list[str] = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        try:
            tree = ast.parse(source)
        except SyntaxError:  # IPython magics and the like: nothing to learn here
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.append(node.module)
                found += [f"{node.module}.{alias.name}" for alias in node.names
                          if alias.name != "*"]
    return list(dict.fromkeys(found))


def _warm_up_code(notebook: Path | None = None) -> str:
    """Code run silently in a new kernel: import the warm-up modules, draw one figure.

    ``notebook``: the notebook the kernel is for (its imports are added), None if unknown.
    """
    extra = _notebook_imports(notebook) if notebook is not None else list(WARM_UP_ANY_NOTEBOOK)
    modules = tuple(dict.fromkeys([*WARM_UP_MODULES, *extra]))
    return (
        "import importlib as _asc_importlib\n"
        f"for _asc_module in {modules!r}:\n"
        "    try:\n"
        "        _asc_importlib.import_module(_asc_module)\n"
        "    except Exception:\n"
        "        pass\n"
        "del _asc_importlib, _asc_module\n" + _WARM_UP_FIGURE
    )


@dataclass
class _Kernel:
    """A kernel started ahead of its notebook, in a fresh temporary working directory."""

    kernel_name: str
    manager: Any
    workdir: Path
    warm_client: Any = None

    def shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        if self.warm_client is not None:
            with contextlib.suppress(Exception):
                self.warm_client.stop_channels()
        with contextlib.suppress(Exception):
            if self.manager.has_kernel:
                run_sync(self.manager.shutdown_kernel)(now=True)
        shutil.rmtree(self.workdir, ignore_errors=True)


_SPARE: _Kernel | None = None  # this process's next kernel, already starting


def _kernel_name_of(notebook: Path) -> str:
    metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    return (metadata.get("kernelspec") or {}).get("name") or "python3"


def _start_kernel(kernel_name: str, python: bool, notebook: Path | None = None) -> _Kernel:
    """Launch a kernel (returns while it boots) and, for Python, queue the warm-up imports."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    workdir = Path(tempfile.mkdtemp(prefix="asc-cwd-"))
    manager = AsyncKernelManager(kernel_name=kernel_name)
    # keep logs clean: ipykernel's start-up warnings go nowhere useful
    extra = ["--IPKernelApp.log_level=ERROR"] if python else []
    try:
        run_sync(manager.start_kernel)(cwd=str(workdir), extra_arguments=extra)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    kernel = _Kernel(kernel_name, manager, workdir)
    if python:
        with contextlib.suppress(Exception):
            client = manager.blocking_client()
            client.start_channels()
            client.execute(_warm_up_code(notebook), silent=True, store_history=False)
            kernel.warm_client = client
    return kernel


def _take_kernel(kernel_name: str, python: bool, notebook: Path | None = None) -> _Kernel:
    """The spare kernel when it suits this notebook, otherwise a new one."""
    global _SPARE
    spare, _SPARE = _SPARE, None
    if spare is not None:
        alive = False
        with contextlib.suppress(Exception):
            from jupyter_core.utils import run_sync

            alive = run_sync(spare.manager.is_alive)()
        if spare.kernel_name == kernel_name and alive:
            return spare
        spare.shutdown()
    return _start_kernel(kernel_name, python, notebook)


def prestart_kernel(
    notebook: Path, kernel_name: str | None = None, *, known: bool = True
) -> None:
    """Start the kernel for ``notebook`` now, so that it boots while other work goes on.

    ``known``: False when ``notebook`` only stands for "a notebook like this one" (its kernel
    is then warmed up with the modules any notebook may need, not this one's imports).
    """
    global _SPARE
    name = kernel_name or _kernel_name_of(notebook)
    if _SPARE is not None:
        if _SPARE.kernel_name == name:
            return
        _SPARE.shutdown()
        _SPARE = None
    with contextlib.suppress(Exception):  # a failed pre-start just means no head start
        _SPARE = _start_kernel(name, _is_python_notebook(notebook), notebook if known else None)


def discard_spare_kernel() -> None:
    """Shut down this process's spare kernel, if any."""
    global _SPARE
    spare, _SPARE = _SPARE, None
    if spare is not None:
        spare.shutdown()


# --------------------------------------------------------------------------- one notebook

_EVENTS: Any = None  # a multiprocessing queue in worker processes (start events for progress)
_NOT_STARTED: Any = None  # a shared count of tasks no worker has started yet


def _init_worker(events: Any, not_started: Any) -> None:
    global _EVENTS, _NOT_STARTED
    _EVENTS = events
    _NOT_STARTED = not_started
    from multiprocessing.util import Finalize

    Finalize(None, discard_spare_kernel, exitpriority=10)


def _worker_execute(task: NotebookTask) -> NotebookResult:
    """Pool entry point: announce the start, pre-start a kernel when more tasks wait, run."""
    with _NOT_STARTED.get_lock():
        _NOT_STARTED.value -= 1
        more_waiting = _NOT_STARTED.value > 0
    _EVENTS.put(("start", task.name, task.area_code, time.time()))
    return _publish(
        _execute(task, next_notebook=task.notebook if more_waiting else None, next_known=False)
    )


def execute_one(task: NotebookTask, next_notebook: Path | None = None) -> NotebookResult:
    """Execute one notebook for one area, publish its outputs or file the failure.

    Never raises for a notebook problem: the outcome is in the returned result. The manifest
    is not touched here (the parent process merges results into it, one writer per area).
    ``next_notebook``: a notebook expected next in this process; its kernel is started (and
    warmed up) while this one runs.
    """
    return _publish(_execute(task, next_notebook))


@dataclass
class _Executed:
    """A notebook run by papermill, not yet published (see :func:`_publish`)."""

    task: NotebookTask
    staging: Path
    started: dt.datetime
    clock: float
    kernel: _Kernel | None
    error: Exception | None


def _execute(
    task: NotebookTask, next_notebook: Path | None = None, next_known: bool = True
) -> _Executed:
    """The kernel part of :func:`execute_one`: run the notebook into a staging folder.

    ``next_known``: False when ``next_notebook`` only stands for the next (unknown) notebook.
    """
    area_dir = task.out_dir / task.area_code
    area_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{task.name}-", dir=area_dir))
    started = _now()
    clock = time.monotonic()
    staged_ipynb = staging / f"{task.name}.ipynb"
    kernel: _Kernel | None = None
    try:
        kernel_name = task.kernel_name or _kernel_name_of(task.notebook)
        kernel = _take_kernel(kernel_name, _is_python_notebook(task.notebook), task.notebook)
        if next_notebook is not None:
            prestart_kernel(next_notebook, task.kernel_name, known=next_known)
        papermill, _ = _notebook_libraries()  # after the kernel start: it boots meanwhile

        engine_kwargs: dict[str, Any] = {"km": kernel.manager}
        if task.timeout:
            deadline = clock + task.timeout
            # nbclient asks for each cell's time limit: give it what is left of the notebook's.
            engine_kwargs["timeout_func"] = lambda _cell: max(deadline - time.monotonic(), 0.05)
        papermill.execute_notebook(
            str(task.notebook),
            str(staged_ipynb),
            parameters=task.parameters,
            kernel_name=kernel_name,
            cwd=str(kernel.workdir),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            start_timeout=KERNEL_START_TIMEOUT,
            **engine_kwargs,
        )
    except Exception as exc:  # reported by _publish
        return _Executed(task, staging, started, clock, kernel, exc)
    return _Executed(task, staging, started, clock, kernel, None)


def _publish(run: _Executed) -> NotebookResult:
    """Publish an executed notebook's outputs or file its failure; shut its kernel down.

    Never raises for a notebook problem: the outcome is in the returned result.
    """
    papermill, nbformat = _notebook_libraries()

    task, staging, started, clock, kernel = (
        run.task, run.staging, run.started, run.clock, run.kernel
    )
    area_dir = task.out_dir / task.area_code
    staged_ipynb = staging / f"{task.name}.ipynb"
    result_kwargs: dict[str, Any] = {}
    try:
        if run.error is not None:
            raise run.error
        executed = nbformat.read(staged_ipynb, as_version=4)
        record = report.extract(executed)
        report.write_html(executed, record, staging / f"{task.name}.html")
        report.write_workbook(record, staging / f"{task.name}.xlsx", run_time=started)
        files = [f"{task.name}.ipynb", f"{task.name}.html", f"{task.name}.xlsx"]
        for filename in files:  # publish: each move is atomic, all files are complete
            os.replace(staging / filename, area_dir / filename)
        stale_failure = area_dir / FAILED_DIR / f"{task.name}.ipynb"
        if stale_failure.exists():
            stale_failure.unlink()
            with contextlib.suppress(OSError):
                (area_dir / FAILED_DIR).rmdir()
        result_kwargs = {
            "status": "ok",
            "files": files,
            "headlines": record.headlines,
            "inputs": record.inputs,
            "title": record.context.get("title"),
            "area_name": record.context.get("area_name"),
            "illustrative": record.context.get("illustrative"),
        }
    except Exception as exc:  # a notebook failure of any kind is reported, not raised
        message = describe_error(exc, task.timeout)
        failed_path = area_dir / FAILED_DIR / f"{task.name}.ipynb"
        partial: dict[str, Any] = {}
        try:
            if staged_ipynb.exists():
                nb = nbformat.read(staged_ipynb, as_version=4)
            else:
                nb = nbformat.read(task.notebook, as_version=4)
            if not isinstance(exc, papermill.PapermillExecutionError):
                nb.cells.insert(0, _error_cell(message))
            partial_record = report.extract(nb)
            partial = {
                "title": partial_record.context.get("title"),
                "area_name": partial_record.context.get("area_name"),
                "inputs": partial_record.inputs,
            }
            _write_notebook_atomic(nb, failed_path)
            files = [f"{FAILED_DIR}/{task.name}.ipynb"]
        except Exception as copy_exc:  # keep the original error; note the secondary one
            message += f" (and the failed copy could not be written: {copy_exc})"
            files = []
        if not isinstance(exc, papermill.PapermillExecutionError | TimeoutError):
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            if detail and detail not in message and len(detail) < 2000:
                message = f"{message}\n{detail}"
        result_kwargs = {"status": "failed", "files": files, "error": message, **partial}
    finally:
        if kernel is not None:
            kernel.shutdown()
        shutil.rmtree(staging, ignore_errors=True)
    finished = _now()
    return NotebookResult(
        notebook=task.name,
        area_code=task.area_code,
        started=_iso(started),
        finished=_iso(finished),
        seconds=round(time.monotonic() - clock, 2),
        parameters=dict(task.parameters),
        **result_kwargs,
    )


# --------------------------------------------------------------------------- manifest


def update_manifest(
    area_dir: Path, results: Iterable[NotebookResult], run_parameters: Mapping[str, Any]
) -> dict[str, Any]:
    """Merge ``results`` into ``area_dir/manifest.json`` (written atomically).

    A failed notebook's entry records the failure and keeps the entry of the outputs that are
    still published under ``previous_ok``. Entries of notebooks not run this time are kept.
    """
    path = area_dir / MANIFEST_NAME
    manifest: dict[str, Any] = {}
    if path.exists():
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}
    notebooks: dict[str, Any] = dict(manifest.get("notebooks") or {})
    area_name = manifest.get("area_name")
    for result in results:
        entry = result.manifest_entry()
        area_name = result.area_name or area_name
        if result.status != "ok":
            old = notebooks.get(result.notebook)
            if old:
                previous = old if old.get("status") == "ok" else old.get("previous_ok")
                if previous:
                    entry["previous_ok"] = {k: v for k, v in previous.items() if k != "previous_ok"}
        notebooks[result.notebook] = entry
    inputs: dict[str, dict[str, str]] = {}
    for entry in notebooks.values():
        for source in (entry, entry.get("previous_ok") or {}):
            for item in source.get("inputs") or []:
                inputs[item["path"]] = {"path": item["path"], "sha256": item["sha256"]}
    updated = {
        "area_code": area_dir.name,
        "area_name": area_name,
        "updated": _iso(_now()),
        "parameters": dict(run_parameters),
        "status": "ok" if all(e.get("status") == "ok" for e in notebooks.values()) else "failed",
        "environment": environment(),
        "inputs": [inputs[p] for p in sorted(inputs)],
        "notebooks": {name: notebooks[name] for name in sorted(notebooks)},
    }
    _write_json_atomic(updated, path)
    return updated


# --------------------------------------------------------------------------- progress


class Progress:
    """Progress for people: a live line on a terminal, timestamped log lines otherwise."""

    def __init__(self, total: int, stream: TextIO | None = None, live: bool | None = None):
        self.total = total
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.done = 0
        self.failed = 0
        self.running: dict[tuple[str, str], float] = {}
        self.lock = threading.Lock()
        self.started = time.time()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        if self.live:
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()

    def _log(self, text: str) -> None:
        stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        if self.live:
            self.stream.write("\r\x1b[K" + text + "\n")
            self._draw()
        else:
            self.stream.write(f"{stamp} asc run: {text}\n")
        self.stream.flush()

    def _draw(self) -> None:
        now = time.time()
        running = ", ".join(
            f"{name} {area} {now - since:.0f}s" for (name, area), since in self.running.items()
        )
        line = f"[{self.done}/{self.total} done, {now - self.started:.0f}s] {running}"
        width = shutil.get_terminal_size((100, 20)).columns
        self.stream.write("\r\x1b[K" + line[: max(width - 1, 20)])
        self.stream.flush()

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            with self.lock:
                self._draw()

    def start(self, name: str, area: str, since: float | None = None) -> None:
        with self.lock:
            self.running[(name, area)] = since or time.time()
            if not self.live:
                self._log(f"start {name} for {area}")
            else:
                self._draw()

    def finish(self, result: NotebookResult) -> None:
        with self.lock:
            self.running.pop((result.notebook, result.area_code), None)
            self.done += 1
            if result.status == "ok":
                text = f"ok     {result.notebook} for {result.area_code} ({result.seconds:.1f}s)"
            else:
                self.failed += 1
                first = (result.error or "").splitlines()[0] if result.error else ""
                text = (
                    f"FAILED {result.notebook} for {result.area_code} "
                    f"({result.seconds:.1f}s): {first}"
                )
            self._log(f"[{self.done}/{self.total}] {text}")

    def close(self) -> None:
        self._stop.set()
        if self._ticker:
            self._ticker.join(timeout=2)
        with self.lock:
            if self.live:
                self.stream.write("\r\x1b[K")
            elapsed = time.time() - self.started
            ok = self.done - self.failed
            summary = f"{ok} ok, {self.failed} failed, {elapsed:.1f}s"
            if self.live:
                self.stream.write(f"asc run: {summary}\n")
            else:
                stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
                self.stream.write(f"{stamp} asc run: done: {summary}\n")
            self.stream.flush()


class _Silent(Progress):
    def __init__(self, total: int):
        super().__init__(total, stream=open(os.devnull, "w"), live=False)  # noqa: SIM115

    def close(self) -> None:
        super().close()
        self.stream.close()


# --------------------------------------------------------------------------- run


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
    progress: bool | TextIO | None = None,
    on_result: Callable[[NotebookResult], None] | None = None,
) -> RunSummary:
    """Run every notebook for every area; publish outputs; merge each area's manifest.

    Parameters injected: ``area_code`` always; ``data_dir`` (absolute) when given; ``period``
    and ``comparator_group`` when given (otherwise the notebook's defaults apply and are recorded).
    ``jobs`` > 1 runs notebooks in that many worker processes. ``timeout`` limits each notebook's
    total run time in seconds. ``progress``: None = on stderr (live line on a terminal), False =
    silent, or a text stream. Returns a :class:`RunSummary`; ``summary.exit_code`` is 0 or 1.
    """
    out_path = Path(out_dir).resolve()
    out_path.mkdir(parents=True, exist_ok=True)
    notebook_paths = [Path(nb).resolve() for nb in notebooks]
    defaults = {p: notebook_defaults(p) for p in notebook_paths}
    tasks: list[NotebookTask] = []
    for area in areas:
        for nb_path in notebook_paths:
            params: dict[str, Any] = {}
            if period is not None:
                params["period"] = period
            if comparator_group is not None:
                params["comparator_group"] = comparator_group
            if data_dir is not None:
                params["data_dir"] = str(Path(data_dir).resolve())
            params.update(extra_parameters or {})
            recorded = {
                k: v
                for k, v in defaults[nb_path].items()
                if k in ("period", "comparator_group", "data_dir")
            }
            tasks.append(
                NotebookTask(
                    notebook=nb_path,
                    area_code=area,
                    out_dir=out_path,
                    parameters={"area_code": area, **recorded, **params},
                    timeout=timeout,
                    kernel_name=kernel_name,
                )
            )
    # inject only what was asked for; the recorded defaults are for the manifest
    injected_keys = (
        {"area_code"}
        | {
            k
            for k, v in (
                ("period", period),
                ("comparator_group", comparator_group),
                ("data_dir", data_dir),
            )
            if v is not None
        }
        | set(extra_parameters or {})
    )

    if progress is False:
        reporter: Progress = _Silent(len(tasks))
    elif progress is None or progress is True:
        reporter = Progress(len(tasks))
    else:
        reporter = Progress(len(tasks), stream=progress)

    results: list[NotebookResult] = []
    by_area: dict[str, list[NotebookResult]] = {}

    def collect(result: NotebookResult) -> None:
        results.append(result)
        by_area.setdefault(result.area_code, []).append(result)
        run_parameters = {
            "area_code": result.area_code,
            "period": result.parameters.get("period"),
            "comparator_group": result.parameters.get("comparator_group"),
            "data_dir": result.parameters.get("data_dir"),
            "injected": sorted(injected_keys),
        }
        update_manifest(out_path / result.area_code, [result], run_parameters)
        reporter.finish(result)
        if on_result:
            on_result(result)

    def injected(task: NotebookTask) -> NotebookTask:
        params = {k: v for k, v in task.parameters.items() if k in injected_keys}
        return NotebookTask(
            task.notebook, task.area_code, task.out_dir, params, task.timeout, task.kernel_name
        )

    def restore(task: NotebookTask, result: NotebookResult) -> NotebookResult:
        result.parameters = dict(task.parameters)
        return result

    try:
        if jobs <= 1 or len(tasks) <= 1:
            try:
                _run_sequential(tasks, injected, restore, collect, reporter)
            finally:
                discard_spare_kernel()
        else:
            _run_parallel(tasks, jobs, injected, restore, collect, reporter)
    finally:
        reporter.close()
    return RunSummary(results=results, out_dir=out_path)


def _run_sequential(tasks, injected, restore, collect, reporter) -> None:
    """Run tasks one after another in this process.

    The first kernel is started before anything else (it boots while papermill loads), and
    each notebook's reports (HTML, workbook) are written in a thread while the next notebook
    runs in its own kernel. Results are collected in task order.
    """
    from concurrent.futures import ThreadPoolExecutor

    if tasks:
        prestart_kernel(tasks[0].notebook, tasks[0].kernel_name)
    with ThreadPoolExecutor(1, thread_name_prefix="asc-publish") as publisher:
        pending: tuple[NotebookTask, Future] | None = None
        for index, task in enumerate(tasks):
            reporter.start(task.name, task.area_code)
            following = tasks[index + 1].notebook if index + 1 < len(tasks) else None
            executed = _execute(injected(task), next_notebook=following)
            if executed.kernel is not None:  # shut down here, not in the publishing thread
                executed.kernel.shutdown()
                executed.kernel = None
            if pending is not None:
                collect(restore(pending[0], pending[1].result()))
            pending = (task, publisher.submit(_publish, executed))
        if pending is not None:
            collect(restore(pending[0], pending[1].result()))


def _run_parallel(tasks, jobs, injected, restore, collect, reporter) -> None:
    context = multiprocessing.get_context("spawn")
    events = context.Queue()
    not_started = context.Value("i", len(tasks))

    def listen() -> None:
        while True:
            try:
                event = events.get(timeout=0.5)
            except queue.Empty:
                if stop.is_set():
                    return
                continue
            if event is None:
                return
            _, name, area, since = event
            reporter.start(name, area, since)

    stop = threading.Event()
    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    try:
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(tasks)),
            mp_context=context,
            initializer=_init_worker,
            initargs=(events, not_started),
        ) as pool:
            futures: dict[Future, NotebookTask] = {
                pool.submit(_worker_execute, injected(task)): task for task in tasks
            }
            pending = set(futures)
            from concurrent.futures import FIRST_COMPLETED, wait

            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task = futures[future]
                    try:
                        result = future.result()
                    except BrokenProcessPool as exc:
                        result = _crashed(task, f"Worker process crashed: {exc}")
                    except Exception as exc:  # an unexpected runner error for this task
                        result = _crashed(task, describe_error(exc, task.timeout))
                    collect(restore(task, result))
    finally:
        stop.set()
        events.put(None)
        listener.join(timeout=5)


def _crashed(task: NotebookTask, message: str) -> NotebookResult:
    moment = _iso(_now())
    return NotebookResult(
        notebook=task.name,
        area_code=task.area_code,
        status="failed",
        started=moment,
        finished=moment,
        seconds=0.0,
        parameters=dict(task.parameters),
        error=message,
    )
