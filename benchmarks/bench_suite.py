"""Time the whole suite against the floor that kernel start-up sets.

    python benchmarks/bench_suite.py            (or: make bench)

For --jobs 1 and --jobs 2 it times ``asc run`` over every notebook in notebooks/ on the bundled
data (a fresh output folder, processed data already prepared: ``--no-prepare``) and the same number
of runs of an empty notebook through papermill, in the same number of worker processes. Both are
timed as separate commands from the outside, so interpreter start-up counts on both sides.
Prints both times and their ratio (goal: at most 1.5).
"""

from __future__ import annotations

import argparse
import compileall
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"


def _empty_notebook(path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("pass")],
        metadata={
            "kernelspec": {
                "name": "asclib",
                "display_name": "Python (asclib)",
                "language": "python",
            }
        },
    )
    nbformat.write(nb, path)


def _run_empty(args: tuple[str, str]) -> None:
    import papermill

    source, target = args
    papermill.execute_notebook(source, target, progress_bar=False, cwd=str(Path(target).parent))


def floor(runs: int, jobs: int) -> None:
    """Run an empty notebook ``runs`` times through papermill with ``jobs`` workers."""
    with tempfile.TemporaryDirectory(prefix="asc-floor-") as tmp:
        source = Path(tmp) / "empty.ipynb"
        _empty_notebook(source)
        work = [(str(source), str(Path(tmp) / f"out{i}.ipynb")) for i in range(runs)]
        if jobs <= 1:
            for item in work:
                _run_empty(item)
        else:
            import multiprocessing

            with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
                list(pool.map(_run_empty, work))


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        raise SystemExit(f"command failed ({done.returncode}): {' '.join(command)}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--area", action="append", help="areas to run (default: notebooks' own)")
    parser.add_argument("--notebooks-dir", type=Path, default=NOTEBOOKS_DIR)
    parser.add_argument("--processed", type=Path, help="processed data (default: data/processed)")
    parser.add_argument("--floor", type=int, metavar="RUNS", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # asclib's bytecode, as an installed package has it (see `make bytecode`): otherwise, with
    # PYTHONDONTWRITEBYTECODE set, every process of the run would compile asclib again
    compileall.compile_dir(str(PROJECT_ROOT / "asclib"), quiet=1)
    if args.floor is not None:  # child process: the floor measurement itself
        floor(args.floor, args.jobs[0])
        return 0

    notebooks = sorted(args.notebooks_dir.glob("*.ipynb"))
    if not notebooks:
        print("bench_suite: no notebooks in notebooks/ yet; nothing to time")
        return 0
    areas = args.area or []
    runs = len(notebooks) * max(len(areas), 1)
    asc = [str(Path(sys.executable).with_name("asc")), "run", "--no-prepare"]
    asc += ["--notebooks-dir", str(args.notebooks_dir.resolve())]
    if args.processed:
        asc += ["--processed", str(args.processed.resolve())]
    for area in areas:
        asc += ["--area", area]
    print(f"{len(notebooks)} notebooks x {max(len(areas), 1)} area(s) = {runs} runs")
    print(f"{'jobs':>4}  {'asc run (s)':>11}  {'floor (s)':>9}  {'ratio':>5}")
    for jobs in args.jobs:
        with tempfile.TemporaryDirectory(prefix="asc-bench-") as out:
            suite = _timed([*asc, "--out", out, "--jobs", str(jobs)])
        empty = _timed([sys.executable, __file__, "--floor", str(runs), "--jobs", str(jobs)])
        print(f"{jobs:>4}  {suite:>11.1f}  {empty:>9.1f}  {suite / empty:>5.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
