"""Deprecated: the runner is the package :mod:`asclib.run`.

Kept only so that ``tests/runner/test_report.py`` (owned by the report's maintainers) still
imports ``runner.NotebookResult`` and ``runner.Progress``; remove it once that test uses
:mod:`asclib.run.progress`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from asclib.run import RunSummary, notebook_defaults, run
from asclib.run.progress import Progress as _Progress

__all__ = ["NotebookResult", "Progress", "RunSummary", "notebook_defaults", "run"]


@dataclass
class NotebookResult:
    """The old result record (only what :class:`Progress` reads)."""

    notebook: str
    area_code: str
    status: str
    started: str
    finished: str
    seconds: float
    parameters: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


class Progress(_Progress):
    """:class:`asclib.run.progress.Progress` that also takes a :class:`NotebookResult`."""

    def finish(self, result: Any, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        if isinstance(result, NotebookResult):
            super().finish(result.notebook, result.area_code, result.status, result.seconds,
                           result.error)
        else:
            super().finish(result, *args, **kwargs)
