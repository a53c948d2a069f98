"""Progress for people: on a terminal a live line over areas x notebooks with an ETA; under
cron (not a terminal) plain timestamped lines. No thread of its own: the run's loop calls
:meth:`Progress.tick` while it waits."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import time
from typing import TextIO


class Progress:
    """``total`` runs to report. ``stream``: where (stderr by default); ``live``: redraw one
    line (default: when ``stream`` is a terminal)."""

    def __init__(self, total: int, stream: TextIO | None = None, live: bool | None = None,
                 jobs: int = 1):
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.jobs = max(jobs, 1)
        self.counts = {"ok": 0, "failed": 0, "skipped": 0, "up to date": 0}
        self.running: dict[tuple[str, str], float] = {}
        self.started = time.monotonic()
        self.executed_seconds: list[float] = []
        self._last_draw = 0.0

    @property
    def done(self) -> int:
        return sum(self.counts.values())

    def eta_seconds(self) -> float | None:
        """Remaining runs x mean run time / jobs (None before the first run finished)."""
        if not self.executed_seconds:
            return None
        mean = sum(self.executed_seconds) / len(self.executed_seconds)
        return (self.total - self.done) * mean / self.jobs

    def log(self, text: str) -> None:
        if self.live:
            self.stream.write("\r\x1b[K" + text + "\n")
            self._draw()
        else:
            stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
            self.stream.write(f"{stamp} asc run: {text}\n")
        self.stream.flush()

    def start(self, name: str, area: str, area_name: str | None = None) -> None:
        self.running[(name, area)] = time.monotonic()
        if self.live:
            self._draw()
        else:
            self.log(f"start {name} for {area}" + (f" {area_name}" if area_name else ""))

    def finish(self, name: str, area: str, status: str, seconds: float = 0.0,
               reason: str | None = None, area_name: str | None = None) -> None:
        self.running.pop((name, area), None)
        self.counts[status] = self.counts.get(status, 0) + 1
        if status != "up to date":
            self.executed_seconds.append(seconds)
        where = f"{area} {area_name}" if area_name else area
        label = status.upper() if status == "failed" else status
        text = f"[{self.done}/{self.total}] {label} {name} for {where}"
        if status != "up to date":
            text += f" ({seconds:.1f}s)"
        if reason:
            text += f": {reason.splitlines()[0]}"
        if self.live and status == "up to date":
            self._draw()  # many of them: counted in the live line, not one line each
            return
        self.log(text)

    def tick(self) -> None:
        """Redraw the live line (at most once a second)."""
        if self.live and time.monotonic() - self._last_draw >= 1.0:
            self._draw()

    def _draw(self) -> None:
        now = time.monotonic()
        self._last_draw = now
        eta = self.eta_seconds()
        eta_text = f", ETA {_duration(eta)}" if eta is not None and self.done < self.total else ""
        running = ", ".join(f"{name} {area} {now - since:.0f}s"
                            for (name, area), since in self.running.items())
        line = (f"[{self.done}/{self.total} done, {_duration(now - self.started)}{eta_text}] "
                f"{running}")
        width = shutil.get_terminal_size((100, 20)).columns
        self.stream.write("\r\x1b[K" + line[: max(width - 1, 20)])
        self.stream.flush()

    def summary(self) -> str:
        parts = [f"{self.counts[k]} {k}" for k in ("ok", "up to date", "skipped", "failed")
                 if self.counts[k] or k in ("ok", "failed")]
        return ", ".join(parts) + f", {time.monotonic() - self.started:.1f}s"

    def close(self, extra: str = "") -> None:
        text = f"{self.summary()}{extra}"
        if self.live:
            self.stream.write(f"\r\x1b[Kasc run: {text}\n")
        else:
            stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
            self.stream.write(f"{stamp} asc run: done: {text}\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def null_stream() -> TextIO:
    """A stream that swallows progress (``progress=False``)."""
    return open(os.devnull, "w")  # noqa: SIM115 (closed by the run)
