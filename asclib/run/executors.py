"""Where tasks run: local worker processes (``--jobs N``) or a Dask cluster
(``--executor dask``). Either way the executor yields events to the client, which publishes:

- ``("start", index)``: task ``index`` began (local workers only);
- ``("done", index, outcome)``: it finished (an :class:`~asclib.run.execute.Outcome`);
- ``("tick",)``: nothing happened for a moment (the client checks for signals, redraws).

The client stops iterating to abandon the run; :meth:`close` then ends every worker at once.
Local workers die with the client: each sets the parent-death signal (SIGKILL) and checks its
parent is still there; their kernels carry the same signal towards the worker.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import queue
import shutil
import signal
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asclib.run.kernels import KernelSource, die_with_parent

if TYPE_CHECKING:  # the worker imports the execution side only once its zygote is launched
    from asclib.run.execute import Outcome, Task

#: Seconds the client waits for an event before yielding a tick.
TICK = 0.2


def _worker_main(inbox: Any, events: Any, work_root: Path | None, parent: int,
                 fork_kernels: bool) -> None:
    """A local worker: run the tasks the client sends, one at a time, until told to stop.

    Each notebook's outcome (classification, HTML, workbook, manifest entry: ``finish``) is
    made by a thread of the worker while its next notebook already runs, so the kernels do not
    wait for the reports (the client queues up to two tasks per worker, see
    :meth:`LocalExecutor.events`). A worker that is told to stop finishes those outcomes first.
    """
    die_with_parent()
    if os.getppid() != parent:  # the client died before the signal was set
        os._exit(0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the client's to handle
    kernels = KernelSource(work_root, bind_to_worker=True, fork=fork_kernels)
    kernels.launch_zygote()
    # imported only now, while the zygote imports: both start-ups overlap (this module and
    # asclib.run import nothing heavy, so the zygote starts ~0.1 s after the worker)
    from concurrent.futures import ThreadPoolExecutor

    from asclib.run.execute import finish, run_notebook

    def runner_error(task: Task, exc: Exception) -> Outcome:
        return crashed_outcome(task, f"runner error: {type(exc).__name__}: {exc}")

    def finish_and_send(index: int, task: Task, run: Any) -> None:
        try:
            outcome = finish(task, run)
        except Exception as exc:  # a runner bug or a full disk: this task fails, not all
            outcome = runner_error(task, exc)
        events.put(("done", index, outcome))

    finisher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="asc-finish")
    try:
        while True:
            item = inbox.get()
            if item is None:
                return
            index, task, next_notebook = item
            events.put(("start", index))
            try:
                run = run_notebook(task, kernels, next_notebook)
            except Exception as exc:  # a runner bug: this task fails, not all
                events.put(("done", index, runner_error(task, exc)))
                continue
            finisher.submit(finish_and_send, index, task, run)
    finally:
        finisher.shutdown(wait=True)
        kernels.close()
        # the process ends now: its exit skips the garbage collections of every object it
        # imported (~0.08 s that the client would wait for, see asclib.cli.console)
        gc.freeze()


def crashed_outcome(task: Task, message: str) -> Outcome:
    """The outcome of a task whose worker vanished."""
    import datetime as dt

    from asclib.run.execute import Outcome

    moment = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    entry = {"status": "failed", "reason": message, "error": message, "files": [],
             "parameters": dict(task.parameters), "started": moment, "finished": moment,
             "seconds": 0.0, "headlines": {}, "inputs": []}
    return Outcome(task.area_code, task.name, entry, {})


class LocalExecutor:
    """``jobs`` worker processes on this machine, each with a kernel started ahead
    (``fork_kernels``: forked from a pre-imported zygote, see :mod:`asclib.run.zygote`)."""

    def __init__(self, jobs: int, work_root: Path | None, fork_kernels: bool = True):
        self.jobs = max(int(jobs), 1)
        self.work_root = work_root
        self.fork_kernels = fork_kernels
        self.workers: list[Any] = []
        self.inboxes: list[Any] = []
        self.context = multiprocessing.get_context("spawn")
        self.results: Any = None

    def start(self, count: int | None = None) -> None:
        """Start the worker processes now (at most ``count``), so that they and their kernel
        zygotes import while the caller is still planning; :meth:`events` then uses them."""
        if self.results is None:
            self.results = self.context.Queue()
        wanted = min(self.jobs, self.jobs if count is None else count)
        while len(self.workers) < wanted:
            self._start_worker(len(self.workers))

    def _start_worker(self, slot: int) -> None:
        inbox = self.context.Queue()
        process = self.context.Process(target=_worker_main, daemon=True,
                                       args=(inbox, self.results, self.work_root, os.getpid(),
                                             self.fork_kernels),
                                       name=f"asc-worker-{slot}")
        process.start()
        if slot < len(self.workers):
            self.workers[slot], self.inboxes[slot] = process, inbox
        else:
            self.workers.append(process)
            self.inboxes.append(inbox)

    def events(self, tasks: Sequence[Task]) -> Iterator[tuple]:
        """Run ``tasks`` on the workers. A worker holds at most two: the one it runs and, while
        more tasks wait than there are workers, the next one, which it starts as soon as its
        kernel is free (the previous notebook's reports are written meanwhile). With fewer
        waiting, a task is held back for whichever worker frees first; a lone worker is
        always given the next one, as no other worker could take it sooner."""
        self.start(len(tasks))
        waiting = deque(range(len(tasks)))
        assigned: dict[int, list[int]] = {slot: [] for slot in range(len(self.workers))}
        slot_of: dict[int, int] = {}
        started: set[int] = set()
        while waiting or any(assigned.values()):
            for slot, held in assigned.items():
                depth = 2 if len(waiting) > len(assigned) or len(assigned) == 1 else 1
                while len(held) < depth and waiting:
                    index = waiting.popleft()
                    following = tasks[waiting[0]].notebook if waiting else None
                    self.inboxes[slot].put((index, tasks[index], following))
                    held.append(index)
                    slot_of[index] = slot
            try:
                event = self.results.get(timeout=TICK)
            except queue.Empty:
                for slot, held in list(assigned.items()):
                    if held and not self.workers[slot].is_alive():
                        code = self.workers[slot].exitcode
                        lost, assigned[slot] = list(held), []
                        for index in lost:
                            slot_of.pop(index, None)
                        # a task queued behind the one that crashed never started: run it again
                        waiting.extendleft(reversed([i for i in lost if i not in started]))
                        if waiting:
                            self._start_worker(slot)
                        else:
                            del assigned[slot]
                        for busy in (i for i in lost if i in started):
                            yield ("done", busy, crashed_outcome(
                                tasks[busy], f"Worker process crashed (exit code {code})"))
                yield ("tick",)
                continue
            if event[0] == "start":
                started.add(event[1])
            elif event[0] == "done" and event[1] in slot_of:
                assigned[slot_of.pop(event[1])].remove(event[1])
            yield event
        self._stop_idle()

    def _stop_idle(self) -> None:
        """Tell every worker to end once it is idle (a worker that was started but never
        given a task is idle)."""
        for inbox in self.inboxes:
            with contextlib.suppress(Exception):
                inbox.put(None)
        self.inboxes = []

    def close(self, abandon: bool = False) -> None:
        """Stop the workers: wait for them, or (``abandon``) kill them now."""
        self._stop_idle()
        for process in self.workers:
            if abandon and process.is_alive():
                with contextlib.suppress(OSError):
                    os.kill(process.pid, signal.SIGKILL)
            process.join(timeout=10 if not abandon else 5)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
        self.workers = []
        if self.work_root is not None:
            shutil.rmtree(self.work_root, ignore_errors=True)


def run_task_on_dask_worker(task: Task) -> Outcome:
    """A Dask task: one (area, notebook) run with a kernel of its own; files come back as
    bytes (the worker writes nothing into the output folder)."""
    from asclib.run.execute import execute

    kernels = KernelSource(None, bind_to_worker=False)
    try:
        return execute(task, kernels)
    finally:
        kernels.close()


class DaskExecutor:
    """Each task on a Dask distributed cluster: ``scheduler`` (``tcp://HOST:8786``) or a
    LocalCluster of ``jobs`` single-threaded worker processes."""

    def __init__(self, jobs: int, scheduler: str | None = None):
        self.jobs = max(int(jobs), 1)
        self.scheduler = scheduler
        self.client: Any = None
        self.cluster: Any = None
        self.futures: list[Any] = []

    def events(self, tasks: Sequence[Task]) -> Iterator[tuple]:
        import time

        from distributed import Client, LocalCluster

        if self.scheduler:
            self.client = Client(self.scheduler)
        else:
            self.cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1,
                                        processes=True, dashboard_address=None)
            self.client = Client(self.cluster)
        remote = [replace(task, work_root=None) for task in tasks]
        self.futures = [self.client.submit(run_task_on_dask_worker, task, pure=False)
                        for task in remote]
        pending = dict(enumerate(self.futures))
        while pending:
            finished = [i for i, future in pending.items() if future.done()]
            for index in finished:
                future = pending.pop(index)
                try:
                    outcome = future.result()
                except Exception as exc:  # the task (or its worker) failed outside execute
                    outcome = crashed_outcome(tasks[index], f"Dask task failed: {exc}")
                yield ("done", index, outcome)
            if not finished:
                time.sleep(TICK)
                yield ("tick",)

    def close(self, abandon: bool = False) -> None:
        if self.client is not None:
            if abandon:
                with contextlib.suppress(Exception):
                    self.client.cancel(self.futures, force=True)
            with contextlib.suppress(Exception):
                self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()
        self.client = self.cluster = None
