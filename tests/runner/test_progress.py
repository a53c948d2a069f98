"""Progress lines: plain timestamped lines under cron, a live line with an ETA on a terminal."""

from __future__ import annotations

import io

from asclib.run.progress import Progress


def test_plain_lines_for_cron() -> None:
    stream = io.StringIO()
    progress = Progress(3, stream=stream, live=False)
    progress.start("budget", "E08000014")
    progress.finish("budget", "E08000014", "failed", 2.5, "ValueError: bad\nmore", "Sefton")
    progress.finish("jsna", "E08000014", "up to date")
    progress.finish("covid", "E08000014", "skipped", 1.0, "no outbreak log")
    progress.close()
    lines = stream.getvalue().splitlines()
    assert lines[0].endswith("asc run: start budget for E08000014")
    assert lines[1].endswith("[1/3] FAILED budget for E08000014 Sefton (2.5s): ValueError: bad")
    assert lines[2].endswith("[2/3] up to date jsna for E08000014")
    assert lines[3].endswith("[3/3] skipped covid for E08000014 (1.0s): no outbreak log")
    assert "done: 0 ok, 1 up to date, 1 skipped, 1 failed" in lines[4]
    assert all(line[:4].isdigit() for line in lines)  # timestamped


def test_live_line_shows_eta_over_areas_and_notebooks() -> None:
    stream = io.StringIO()
    progress = Progress(5, stream=stream, live=True, jobs=2)
    progress.start("budget", "E08000014")
    progress.finish("budget", "E08000014", "ok", 10.0)
    assert progress.eta_seconds() == 4 * 10.0 / 2
    progress.start("jsna", "E08000012")
    text = stream.getvalue()
    assert "[1/5 done" in text and "ETA 20s" in text and "jsna E08000012" in text
    progress.close()
    assert stream.getvalue().endswith("asc run: 1 ok, 0 failed, " +
                                      stream.getvalue().rsplit(", ", 1)[1])
