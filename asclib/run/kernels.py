"""Jupyter kernels for notebook runs: each run gets a fresh kernel process of its own, in a
fresh temporary working directory; the next one can be started (and its imports warmed up)
while the current notebook runs.

A :class:`KernelSource` belongs to one worker (a local variable of its loop, never a module
global). Kernels started by a local worker die with it: they carry the parent-death signal
(Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``), and the worker carries it towards ``asc run``.
"""

from __future__ import annotations

import ast
import contextlib
import ctypes
import functools
import json
import os
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Seconds allowed for a kernel to start.
KERNEL_START_TIMEOUT = 60
#: Seconds of IOPub silence after a ``kernel_info`` reply before the ready client asks again
#: (its IOPub socket had not joined yet: see ``_ready_client_class``).
IOPUB_SILENCE = 0.05
#: Milliseconds between a connect-ahead client's attempts to reach a kernel still booting.
RECONNECT_MS = 10
_PR_SET_PDEATHSIG = 1

#: Modules imported (silently) in a kernel started ahead of its notebook, and by the zygote
#: before it forks kernels: everything the four notebooks import, and what their first cells
#: import lazily (pyarrow's Parquet reader, the analyses, narratives and charts). The notebook
#: still gets a fresh kernel process and namespace; it just finds these in ``sys.modules``.
WARM_UP_MODULES = (
    "numpy", "pandas", "scipy.special", "matplotlib", "matplotlib.pyplot", "pandera",
    "pyarrow.parquet", "pyarrow.dataset",
    "asclib", "asclib.data", "asclib.report", "asclib.benchmark", "asclib.stats",
    "asclib.disclosure", "asclib.plots", "asclib.plots.style", "asclib.plots.deaths",
    "asclib.plots.finance", "asclib.plots.indicators", "asclib.analyses",
    "asclib.analyses.availability", "asclib.analyses.budget", "asclib.analyses.covid",
    "asclib.analyses.day_services", "asclib.analyses.jsna", "asclib.narrative",
    "asclib.narrative.budget", "asclib.narrative.covid", "asclib.narrative.day_services",
    "asclib.narrative.jsna", "asclib.sources.council", "asclib.sources.fingertips",
    "asclib.sources.la_lookup", "asclib.sources.ons_weekly_deaths", "asclib.sources.published",
    "matplotlib.backends.backend_agg", "PIL.PngImagePlugin",
    # imported lazily by pandas while the notebooks run (Arrow-backed columns, reshaping)
    "pandas.core.arrays.arrow.extension_types", "pandas.core.arrays.arrow._arrow_utils",
    "pandas.core.reshape.reshape",
)
_WARM_UP_FIGURE = (
    "try:\n"
    "    from asclib.plots import style as _asc_style\n"
    "    _asc_style.warm_up()\n"
    "    del _asc_style\n"
    "except Exception:\n"
    "    pass\n"
)


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def notebook_json(path: Path) -> dict[str, Any]:
    """The notebook file, parsed (read-only: the result is shared). A worker asks for its
    kernel name and language before every run, and a notebook with its outputs is ~0.5 MB
    of JSON: it is parsed again only when the file changes."""
    status = Path(path).stat()
    return _parsed_notebook(str(path), status.st_mtime_ns, status.st_size)


@functools.lru_cache(maxsize=16)
def _parsed_notebook(path: str, _mtime_ns: int, _size: int) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def kernel_name_of(notebook: Path) -> str:
    """The kernel a notebook asks for (``python3`` when it names none)."""
    metadata = notebook_json(notebook).get("metadata", {})
    return (metadata.get("kernelspec") or {}).get("name") or "python3"


def is_python_notebook(notebook: Path) -> bool:
    try:
        metadata = notebook_json(notebook).get("metadata", {})
    except (OSError, ValueError):
        return False
    language = (metadata.get("kernelspec") or {}).get("language") or (
        metadata.get("language_info") or {}).get("name")
    return language == "python"


def notebook_imports(notebook: Path) -> list[str]:
    """Modules a notebook's code cells import (``from a import b`` gives ``a`` and ``a.b``,
    which may not be a module: the warm-up skips what fails)."""
    try:
        cells = notebook_json(notebook).get("cells", [])
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
        except SyntaxError:  # IPython magics: nothing to learn here
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.append(node.module)
                found += [f"{node.module}.{a.name}" for a in node.names if a.name != "*"]
    return list(dict.fromkeys(found))


def warm_up_code(notebook: Path) -> str:
    """Code run silently in a new kernel: import the warm-up modules, draw one figure."""
    modules = tuple(dict.fromkeys([*WARM_UP_MODULES, *notebook_imports(notebook)]))
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
class Kernel:
    """A started kernel and its temporary working directory."""

    kernel_name: str
    manager: Any
    workdir: Path
    warm_client: Any = None

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        try:
            return bool(run_sync(self.manager.is_alive)())
        except Exception:
            return False

    def shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        if self.warm_client is not None:
            with contextlib.suppress(Exception):
                self.warm_client.stop_channels()
        stop_clients = getattr(self.manager, "stop_clients", None)
        if stop_clients is not None:
            stop_clients()
        with contextlib.suppress(Exception):
            if self.manager.has_kernel:
                run_sync(self.manager.shutdown_kernel)(now=True)
        shutil.rmtree(self.workdir, ignore_errors=True)


class Zygote:
    """A pre-imported process (``python -m asclib.run.zygote``) that forks kernels."""

    def __init__(self, bind_to_worker: bool):
        """Launch the process; it imports while the caller goes on (see :meth:`wait_ready`)."""
        import subprocess

        self.process = subprocess.Popen(
            [sys.executable, "-m", "asclib.run.zygote"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True,
            preexec_fn=die_with_parent if bind_to_worker else None)
        self.ready = False

    def wait_ready(self) -> None:
        """Wait until the zygote has imported everything (its ``ready`` line)."""
        if self.ready:
            return
        if (self.process.stdout.readline() or "").strip() != "ready":
            self.close()
            raise RuntimeError("the kernel zygote did not start")
        self.ready = True

    def fork(self, connection_file: str, cwd: str) -> int:
        self.wait_ready()
        self.process.stdin.write(json.dumps({"connection_file": connection_file,
                                             "cwd": cwd}) + "\n")
        self.process.stdin.flush()
        return int(json.loads(self.process.stdout.readline())["pid"])

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.wait(timeout=5)


@functools.cache
def _ready_client_class() -> type:
    """An asynchronous kernel client whose ``wait_for_ready`` ends as soon as the kernel has
    answered, instead of after 0.2 s of IOPub silence.

    jupyter_client's ``wait_for_ready`` sends ``kernel_info``, waits for the reply and one
    IOPub message, then "flushes" IOPub until no message has come for 0.2 s: every notebook
    waits 0.2 s for nothing (measured: 0.21 s of the 1.1-1.7 s a notebook takes here). The
    kernel publishes ``status: idle`` for a request once it has handled it (Jupyter messaging
    protocol, "Kernel status"), so waiting for the idle status of our own ``kernel_info``
    request proves the same two things, that IOPub is connected and that nothing of the
    start-up is still to come, without the wait.
    """
    import time
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyClient(AsyncKernelClient):
        async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
            while True:
                request = self.kernel_info()
                try:
                    reply = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    reply = None
                if (reply is not None and reply["msg_type"] == "kernel_info_reply"
                        and await self._idle_after(request)):
                    self._handle_kernel_info_reply(reply)
                    return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

        async def _idle_after(self, request: str) -> bool:
            """True once IOPub says the kernel is idle after ``request``; False when IOPub
            stays silent for IOPUB_SILENCE seconds (not connected yet: ZeroMQ's slow joiner;
            ask again). The kernel publishes the idle status as it sends the reply, so a
            connected IOPub delivers it within milliseconds of the reply; another
            ``kernel_info`` costs one round trip, where a long wait would cost the whole
            wait on every kernel that joined late."""
            while True:
                try:
                    message = await self.iopub_channel.get_msg(timeout=IOPUB_SILENCE)
                except Empty:
                    return False
                if (message["msg_type"] == "status"
                        and message["parent_header"].get("msg_id") == request
                        and message["content"].get("execution_state") == "idle"):
                    return True

        wait_for_ready = _async_wait_for_ready

    return ReadyClient


@functools.cache
def _managed_kernel_manager_class() -> type:
    """An AsyncKernelManager that remembers the clients made from it and stops their channels
    when the kernel shuts down. nbclient (inside papermill) leaves its client running when it
    was given the manager (``km=``): a heartbeat thread and about a dozen sockets per notebook
    would otherwise pile up in a worker, and every later notebook of that worker would run a
    little slower (measured: 300 threads after 300 notebooks)."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class ManagedKernelManager(AsyncKernelManager):
        @default("client_factory")
        def _ready_client(self) -> type:
            return _ready_client_class()

        def client(self, **kwargs: Any) -> Any:
            made = self.__dict__.pop("_asclib_connected", None) if not kwargs else None
            if made is None:
                made = super().client(**kwargs)
            self.__dict__.setdefault("_asclib_clients", []).append(made)
            return made

        def connect_ahead(self) -> None:
            """Make the client nbclient will ask for (:meth:`client`) now, and connect its
            IOPub and shell sockets while the kernel boots. A client that connects only when
            the notebook starts can miss the status messages of its first ``kernel_info``
            (ZeroMQ's slow joiner); :func:`_ready_client_class`'s wait then asks again after
            ``IOPUB_SILENCE``. Used for forked kernels (fresh ones connect late: the tests run
            that retry on them)."""
            if "_asclib_connected" in self.__dict__:
                return
            import zmq

            made = super().client()
            # the kernel binds its sockets ~0.1 s after the fork; ZeroMQ retries a refused
            # connection every 100 ms by default, so IOPub joined up to 0.1 s late
            made.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
            made.iopub_channel  # noqa: B018  (creating the channel connects its socket)
            made.shell_channel  # noqa: B018
            self.__dict__["_asclib_connected"] = made

        def stop_clients(self) -> None:
            ahead = self.__dict__.pop("_asclib_connected", None)
            for made in [*self.__dict__.pop("_asclib_clients", []), *filter(None, [ahead])]:
                with contextlib.suppress(Exception):
                    made.stop_channels()

    return ManagedKernelManager


@functools.cache
def _forked_kernel_manager_class() -> type:
    """A kernel manager for a kernel forked by a :class:`Zygote` (not launched by it)."""

    class ForkedKernelManager(_managed_kernel_manager_class()):
        forked_pid: int | None = None

        @property
        def has_kernel(self) -> bool:
            return self.forked_pid is not None

        async def _async_is_alive(self) -> bool:
            if self.forked_pid is None:
                return False
            try:
                os.kill(self.forked_pid, 0)
            except ProcessLookupError:
                return False
            return True

        async def _async_interrupt_kernel(self) -> None:
            if self.forked_pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.forked_pid, signal.SIGINT)

        async def _async_shutdown_kernel(self, now: bool = False,
                                         restart: bool = False) -> None:
            if self.forked_pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.forked_pid, signal.SIGKILL)
            self.forked_pid = None
            self.stop_clients()
            # connection file, control socket and the manager's own ZeroMQ context (what
            # jupyter_client's shutdown does for the kernels it launches)
            await self._async_cleanup_resources()

        # the client calls the _async_ names; the public ones are aliases, as in jupyter_client
        is_alive = _async_is_alive
        interrupt_kernel = _async_interrupt_kernel
        shutdown_kernel = _async_shutdown_kernel

    return ForkedKernelManager


class KernelSource:
    """Starts kernels for one worker, keeping at most one spare started ahead.

    ``work_root``: where kernels' working directories go (None: the system temp folder).
    ``bind_to_worker``: give kernels the parent-death signal (only from a worker's main
    thread: Linux ties the signal to the thread that started the child).
    ``fork``: fork kernels from a pre-imported :class:`Zygote` (Linux, Python kernels of this
    interpreter) instead of launching each one from scratch.
    """

    def __init__(self, work_root: Path | None = None, bind_to_worker: bool = False,
                 fork: bool = False):
        self.work_root = work_root
        self.bind_to_worker = bind_to_worker
        self.fork = fork and hasattr(os, "fork")
        self.zygote: Zygote | None = None
        self.spare: Kernel | None = None
        self._forkable_names: dict[str, bool] = {}

    def _forkable(self, name: str) -> bool:
        """Only the project's own Python kernel (this interpreter) is forked (the kernel spec
        is looked up once per name)."""
        if not self.fork:
            return False
        if name not in self._forkable_names:
            from jupyter_client.kernelspec import KernelSpecManager

            try:
                argv = KernelSpecManager().get_kernel_spec(name).argv
            except Exception:
                argv = []
            self._forkable_names[name] = bool(argv) and (
                Path(argv[0]).resolve() == Path(sys.executable).resolve())
        return self._forkable_names[name]

    def launch_zygote(self) -> None:
        """Start the zygote's imports now (forking only), so that they overlap with the
        caller's own start-up; the first kernel then forks without waiting for them."""
        if self.fork and self.zygote is None:
            try:
                self.zygote = Zygote(self.bind_to_worker)
            except OSError:  # no zygote: kernels are launched the usual way
                self.fork = False

    def _start_forked(self, name: str, workdir: Path) -> Kernel:
        if self.zygote is None:
            self.zygote = Zygote(self.bind_to_worker)
        manager = _forked_kernel_manager_class()(kernel_name=name)
        manager.write_connection_file()
        manager.forked_pid = self.zygote.fork(manager.connection_file, str(workdir))
        manager.connect_ahead()
        return Kernel(name, manager, workdir)

    def start(self, notebook: Path, kernel_name: str | None = None) -> Kernel:
        """Launch a kernel for ``notebook`` (returns while it boots; imports are queued)."""
        from jupyter_core.utils import run_sync

        name = kernel_name or kernel_name_of(notebook)
        python = is_python_notebook(notebook)
        if self.work_root is not None:
            self.work_root.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix="asc-cwd-", dir=self.work_root))
        if python and self._forkable(name):
            try:
                return self._start_forked(name, workdir)
            except Exception:  # no zygote: launch the usual way
                self.fork = False
        manager = _managed_kernel_manager_class()(kernel_name=name)
        options: dict[str, Any] = {
            "cwd": str(workdir),
            "extra_arguments": ["--IPKernelApp.log_level=ERROR"] if python else [],
        }
        if self.bind_to_worker:
            options["preexec_fn"] = die_with_parent
        try:
            run_sync(manager.start_kernel)(**options)
        except BaseException:
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        kernel = Kernel(name, manager, workdir)
        if python:
            with contextlib.suppress(Exception):
                client = manager.blocking_client()
                client.start_channels()
                client.execute(warm_up_code(notebook), silent=True, store_history=False)
                kernel.warm_client = client
        return kernel

    def take(self, notebook: Path, kernel_name: str | None = None) -> Kernel:
        """The spare kernel when it suits ``notebook`` and is alive, otherwise a new one."""
        name = kernel_name or kernel_name_of(notebook)
        spare, self.spare = self.spare, None
        if spare is not None:
            if spare.kernel_name == name and spare.alive():
                return spare
            spare.shutdown()
        return self.start(notebook, kernel_name)

    def prestart(self, notebook: Path, kernel_name: str | None = None) -> None:
        """Start the next kernel now, so that it boots while other work goes on."""
        if self.spare is not None:
            return
        with contextlib.suppress(Exception):  # a failed pre-start just means no head start
            self.spare = self.start(notebook, kernel_name)

    def close(self) -> None:
        spare, self.spare = self.spare, None
        if spare is not None:
            spare.shutdown()
        if self.zygote is not None:
            self.zygote.close()
            self.zygote = None


def worker_pid_marker() -> str:
    """Host and pid of this process (recorded in manifest entries)."""
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"
