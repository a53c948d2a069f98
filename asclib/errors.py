"""Errors about input data: one clear message per problem, naming file, sheet, column and row."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataProblem:
    """One problem found in one input file.

    ``row`` is the row number a person sees when opening the file (1-based, header rows
    included), not a pandas index.
    """

    file: str
    message: str
    sheet: str | None = None
    column: str | None = None
    row: int | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet is not None:
            where.append(f"sheet '{self.sheet}'")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        return f"{', '.join(where)}: {self.message}"


class InputDataError(Exception):
    """Raised by a loader when a file cannot be read as its layout requires.

    Carries every problem found (a loader reports all it can find in one pass, not just
    the first). ``str()`` gives one line per problem.
    """

    def __init__(self, problems: list[DataProblem] | DataProblem):
        if isinstance(problems, DataProblem):
            problems = [problems]
        if not problems:
            raise ValueError("InputDataError needs at least one problem")
        self.problems: list[DataProblem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: str | Path) -> str:
    """A path as shown in messages and manifests: relative to the project when inside it."""
    from asclib.paths import PROJECT_ROOT

    p = Path(path).resolve()
    try:
        return p.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return p.as_posix()


class NotebookSkipped(Exception):  # noqa: N818 (a status, not an error)
    """Raised inside a notebook when it cannot run for a plain, expected reason (optional data
    the council does not have). The message is the reason a person reads, e.g.
    "day services: needs the council's day-service placements export
    (data/raw/council/E08000012/day_service_placements.xlsx); run `asc demo-data --area
    E08000012` for an illustrative version".

    The runner recognises it by its class name in the executed notebook's error and records
    the notebook as ``skipped`` (exit code 0) instead of ``failed``.
    """


class PeriodNotInData(NotebookSkipped):
    """Raised when the requested ``period`` is not in the data the notebook reads, e.g.
    "period 2030/31 is not in the data (holds 2019/20, 2020/21)". The runner records the
    notebook as ``skipped`` and ``asc run`` exits 2 (bad usage), never stamping a report with
    a period it does not contain."""
