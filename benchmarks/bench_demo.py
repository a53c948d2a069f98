"""Speed of the demo generator: ``python benchmarks/bench_demo.py [--runs N]``.

``asc demo-data --area all`` into a fresh temporary folder: the three council workbooks for
every English council with adult social care responsibilities (152), weekly deaths for the
councils beyond the bundled 16, and the shared files (Fingertips export, bundled weekly
deaths, README). Prints the seconds (best of ``--runs``), the files, councils and bytes
written, and checks a second run gives the same bytes. Goal: under 60 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path

from asclib import demo
from asclib.paths import RAW_DATA_DIR

GOAL_SECONDS = 60.0


def digest(files: list[Path], root: Path) -> str:
    """One hash over every file's relative path and bytes."""
    total = hashlib.sha256()
    for path in files:
        total.update(str(path.relative_to(root)).encode())
        total.update(path.read_bytes())
    return total.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="timed runs (default 2)")
    args = parser.parse_args()
    timings: list[float] = []
    cpu: list[float] = []
    digests: set[str] = set()
    for _ in range(max(args.runs, 1)):
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder)
            started, started_cpu = time.perf_counter(), time.process_time()
            files = demo.generate(out, areas=["all"], raw_dir=RAW_DATA_DIR)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            size = sum(p.stat().st_size for p in files)
            councils = {p.parent.name for p in files if p.parent.parent.name == "council"}
            digests.add(digest(files, out))
    best = min(timings)
    print(f"asc demo-data --area all: {best:.1f} s best of {len(timings)} "
          f"({', '.join(f'{t:.1f}' for t in timings)}; CPU {min(cpu):.1f} s); {len(files)} files, "
          f"{len(councils)} councils, {size / 1e6:.1f} MB")
    print("same bytes on every run: " + ("yes" if len(digests) == 1 else "NO"))
    print(f"goal under {GOAL_SECONDS:.0f} s: " + ("met" if best < GOAL_SECONDS else "MISSED"))
    return 0 if best < GOAL_SECONDS and len(digests) == 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
