"""Batch benchmark of `asc run`: areas x notebooks at --jobs 1 and 2 against the empty-notebook
floor, a no-change rerun, peak memory per process, and where one notebook's time goes.

    .venv/bin/python benchmarks/bench_batch.py [--areas N | --area CODE ...] [--jobs 1 2]
        [--repeat N] [--fresh-kernels] [--processed DIR]
    .venv/bin/python benchmarks/bench_batch.py --all-councils --processed DIR [--jobs 2]

``--all-councils``: every English ASC council x 4 notebooks (``asc run --area all``), without the
floor (608 empty notebooks) unless ``--floor`` is given; first make every notebook runnable:
``asc demo-data --area all`` then ``asc prepare --processed DIR``.

Runs the notebooks in notebooks/ on the processed data as they are (``--no-prepare``), each
time into a fresh output folder, timed from the outside (interpreter start-up included), then
re-runs into the last folder with nothing changed. Memory: a sampler reads VmHWM (peak resident
set) of every process of the run from /proc (client, workers, kernels). Time per stage comes from
the manifest's timings (kernel start, execute, HTML, Excel) and papermill's per-cell durations in
the executed notebooks (imports, figures, other cells).
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
BUNDLED = PROJECT_ROOT / "data" / "raw" / "demo" / "council"


class PeakMemory:
    """Samples the peak resident memory (VmHWM) of every process carrying ``marker``."""

    def __init__(self, marker: str):
        self.needle = f"ASC_BENCH_MARKER={marker}".encode()
        self.peaks: dict[int, tuple[str, int]] = {}
        self.cpu: dict[int, float] = {}  # CPU seconds (user + system) last seen, by process
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self.stop.wait(0.2):
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    if self.needle not in (entry / "environ").read_bytes().split(b"\0"):
                        continue
                    status = (entry / "status").read_text()
                    cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                except OSError:
                    continue
                peak = next((int(line.split()[1]) for line in status.splitlines()
                             if line.startswith("VmHWM:")), 0)
                with contextlib.suppress(OSError, ValueError, IndexError):
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    self.cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICKS
                kind = ("kernel" if "ipykernel" in cmdline or "asclib.run.zygote" in cmdline
                        else "worker" if "multiprocessing" in cmdline else "client")
                old = self.peaks.get(int(entry.name), (kind, 0))
                self.peaks[int(entry.name)] = (kind, max(old[1], peak))

    def __enter__(self) -> PeakMemory:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        self.thread.join()

    def cpu_by_kind(self) -> dict[str, float]:
        """CPU seconds per kind of process (sampled every 0.2 s: a lower bound)."""
        found: dict[str, float] = {}
        for pid, seconds in self.cpu.items():
            kind = self.peaks.get(pid, ("client", 0))[0]
            found[kind] = found.get(kind, 0.0) + seconds
        return found

    def by_kind(self) -> dict[str, float]:
        """Largest peak per kind of process, in MB."""
        found: dict[str, float] = {}
        for kind, kilobytes in self.peaks.values():
            found[kind] = max(found.get(kind, 0.0), kilobytes / 1024)
        return found


def timed_run(command: list[str], marker: str) -> tuple[float, PeakMemory]:
    env = {**os.environ, "ASC_BENCH_MARKER": marker}
    with PeakMemory(marker) as memory:
        started = time.perf_counter()
        done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True,
                              env=env, check=False)
        seconds = time.perf_counter() - started
    if done.returncode not in (0,):
        sys.stderr.write(done.stderr[-3000:])
        raise SystemExit(f"command failed ({done.returncode}): {' '.join(command)}")
    return seconds, memory


def floor_seconds(runs: int, jobs: int) -> float:
    """The empty-notebook papermill floor (benchmarks/bench_suite.py --floor)."""
    command = [sys.executable, str(Path(__file__).with_name("bench_suite.py")), "--floor",
               str(runs), "--jobs", str(jobs)]
    started = time.perf_counter()
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def statuses(out: Path) -> dict[str, int]:
    """How many (area, notebook) entries of each status the manifests hold."""
    counts: dict[str, int] = {}
    for manifest_path in out.glob("*/manifest.json"):
        for entry in json.loads(manifest_path.read_text())["notebooks"].values():
            counts[entry.get("status", "?")] = counts.get(entry.get("status", "?"), 0) + 1
    return counts


def stage_times(out: Path) -> dict[str, dict[str, float]]:
    """Mean seconds per stage for each notebook, from manifests and executed notebooks."""
    import nbformat

    per: dict[str, dict[str, list[float]]] = {}
    for manifest_path in out.glob("*/manifest.json"):
        manifest = json.loads(manifest_path.read_text())
        for name, entry in manifest["notebooks"].items():
            if entry.get("status") != "ok":
                continue
            stages = per.setdefault(name, {})
            for stage, seconds in (entry.get("timings") or {}).items():
                stages.setdefault(stage, []).append(seconds)
            executed = nbformat.read(manifest_path.parent / f"{name}.ipynb", as_version=4)
            split = {"imports": 0.0, "figures": 0.0, "other cells": 0.0}
            for cell in executed.cells:
                duration = ((cell.get("metadata") or {}).get("papermill") or {}).get("duration")
                if cell.cell_type != "code" or duration is None:
                    continue
                outputs = cell.get("outputs") or []
                if any("image/png" in (o.get("data") or {}) for o in outputs):
                    split["figures"] += duration
                elif "import " in cell.source:
                    split["imports"] += duration
                else:
                    split["other cells"] += duration
            for stage, seconds in split.items():
                stages.setdefault(stage, []).append(seconds)
    return {name: {stage: statistics.mean(values) for stage, values in stages.items()}
            for name, stages in per.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=4, help="first N bundled councils")
    parser.add_argument("--area", action="append", help="explicit council codes")
    parser.add_argument("--jobs", type=int, nargs="+",
                        help="worker counts to time (default: 1 2; with --all-councils: 2)")
    parser.add_argument("--fresh-kernels", action="store_true",
                        help="time kernels started from scratch (no forking)")
    parser.add_argument("--all-councils", action="store_true",
                        help="every ASC council (asc run --area all); default --jobs 2")
    parser.add_argument("--processed", type=Path, help="processed data (default: data/processed)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="time each run and floor N times, interleaved; report medians")
    parser.add_argument("--floor", action="store_true",
                        help="with --all-councils: time the empty-notebook floor too")
    args = parser.parse_args(argv)
    # asclib's bytecode, as an installed package has it (see `make bytecode`): otherwise, with
    # PYTHONDONTWRITEBYTECODE set, every process of the run would compile asclib again
    compileall.compile_dir(str(PROJECT_ROOT / "asclib"), quiet=1)
    notebooks = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    asc = [str(Path(sys.executable).with_name("asc")), "run", "--no-prepare"]
    if args.processed:
        asc += ["--processed", str(args.processed.resolve())]
    if args.fresh_kernels:
        asc.append("--fresh-kernels")
    if args.all_councils:
        from asclib.paths import RAW_DATA_DIR
        from asclib.sources.la_lookup import load_lookup

        lookup = load_lookup(RAW_DATA_DIR / "lookups" / "local_authorities.csv")
        areas = ["all"]
        runs = len(notebooks) * int(lookup["asc_authority"].sum())
    else:
        areas = args.area or sorted(p.name for p in BUNDLED.iterdir()
                                    if p.is_dir())[: args.areas]
        runs = len(notebooks) * len(areas)
    for area in areas:
        asc += ["--area", area]
    print(f"{len(notebooks)} notebooks x {runs // len(notebooks)} areas = {runs} runs "
          f"({os.cpu_count()} CPUs)")
    print(f"{'jobs':>4}  {'asc run (s)':>11}  {'floor (s)':>9}  {'ratio':>5}  "
          f"{'s/run':>5}  peak MB (client / worker / kernel or zygote)")
    keep = Path(tempfile.mkdtemp(prefix="asc-bench-batch-"))
    last_out = None
    for jobs in args.jobs or ([2] if args.all_councils else [1, 2]):
        # --repeat N: N runs and N floors, interleaved (a shared machine drifts), medians
        timings, floors = [], []
        for attempt in range(args.repeat):
            out = keep / f"jobs{jobs}-{attempt}"
            seconds, memory = timed_run([*asc, "--out", str(out), "--jobs", str(jobs)],
                                        uuid.uuid4().hex)
            timings.append(seconds)
            floors.append(floor_seconds(runs, jobs) if not args.all_councils or args.floor
                          else float("nan"))
        if args.repeat > 1:
            print(f"      runs {', '.join(f'{t:.1f}' for t in timings)} s; floors "
                  f"{', '.join(f'{t:.1f}' for t in floors)} s")
        seconds, empty = statistics.median(timings), statistics.median(floors)
        peaks = memory.by_kind()
        print(f"{jobs:>4}  {seconds:>11.1f}  {empty:>9.1f}  {seconds / empty:>5.2f}  "
              f"{seconds / runs:>5.2f}  {peaks.get('client', 0):.0f} / "
              f"{peaks.get('worker', 0):.0f} / {peaks.get('kernel', 0):.0f}")
        cpu = memory.cpu_by_kind()
        print("      CPU seconds (sampled, at least): " + ", ".join(
            f"{kind} {cpu[kind]:.1f}" for kind in ("client", "worker", "kernel") if kind in cpu))
        last_out = (out, jobs)
    out, jobs = last_out
    print("statuses of the last run: " + ", ".join(
        f"{count} {status}" for status, count in sorted(statuses(out).items())))
    rerun, _ = timed_run([*asc, "--out", str(out), "--jobs", str(jobs)], uuid.uuid4().hex)
    print(f"no-change rerun of {runs} runs: {rerun:.1f} s (ok pairs up to date, skipped ones "
          "reported again)")
    print("\nmean seconds per stage (one notebook, one area):")
    stages = stage_times(out)
    columns = ["kernel_start", "imports", "other cells", "figures", "execute", "html", "excel"]
    print(f"{'notebook':<20}" + "".join(f"{c:>13}" for c in columns))
    for name, values in sorted(stages.items()):
        print(f"{name:<20}" + "".join(f"{values.get(c, 0):>13.2f}" for c in columns))
    print(f"\n(outputs kept in {keep}; 'execute' = papermill total, of which imports, figures "
          "and other cells)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
