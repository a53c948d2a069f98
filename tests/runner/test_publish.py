"""Publishing outcomes (no kernels): one generation per notebook outcome, switched atomically;
failed and skipped outcomes keep the good report; the Windows mode without symbolic links."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from asclib.run import manifest as manifests
from asclib.run.execute import Outcome
from asclib.run.publish import GENERATIONS, AreaStore

AREA = "E08000014"


def _ok(name: str, value: float) -> Outcome:
    entry = {"status": "ok", "reason": None, "error": None, "area_name": "Sefton",
             "headlines": {"total_gbp": value}, "inputs": [{"path": "a.csv", "sha256": "1"}],
             "files": [f"{name}.ipynb", f"{name}.html", f"{name}.xlsx"]}
    files = {f: f"{f} {value}".encode() for f in entry["files"]}
    return Outcome(AREA, name, entry, files)


def _not_ok(name: str, status: str) -> Outcome:
    folder = "failed" if status == "failed" else "skipped"
    entry = {"status": status, "reason": f"{status} because", "files": [f"{folder}/{name}.ipynb"],
             "headlines": {}, "inputs": []}
    return Outcome(AREA, name, entry, {entry["files"][0]: b"copy"})


def _claims_hold(folder: Path) -> dict:
    manifest = json.loads((folder / "manifest.json").read_text())
    for claimed in manifests.published_files(manifest):
        assert (folder / claimed).is_file(), claimed
    return manifest


@pytest.mark.parametrize("use_symlinks", [True, False])
def test_outcomes_publish_whole_generations(tmp_path: Path, use_symlinks: bool) -> None:
    store = AreaStore(tmp_path, {"python": "x"}, use_symlinks=use_symlinks,
                      area_page=lambda m: f"<p>{len(m['notebooks'])}</p>")
    store.publish(_ok("budget", 1.0))
    store.publish(_ok("covid", 2.0))
    area = tmp_path / AREA
    assert (area / "budget.html").read_bytes() == b"budget.html 1.0"
    store.publish(_not_ok("budget", "failed"))
    manifest = _claims_hold(area)
    entry = manifest["notebooks"]["budget"]
    assert entry["status"] == "failed" and entry["previous_ok"]["headlines"]["total_gbp"] == 1.0
    assert (area / "budget.html").read_bytes() == b"budget.html 1.0"
    store.publish(_not_ok("budget", "skipped"))
    manifest = _claims_hold(area)
    assert not (area / "failed").exists() and (area / "skipped" / "budget.ipynb").exists()
    assert manifest["notebooks"]["budget"]["previous_ok"]["headlines"]["total_gbp"] == 1.0
    store.publish(_ok("budget", 3.0))
    manifest = _claims_hold(area)
    assert not (area / "skipped").exists()
    assert (area / "budget.html").read_bytes() == b"budget.html 3.0"
    assert (area / "covid.html").read_bytes() == b"covid.html 2.0"
    assert manifest["status"] == "ok" and (area / "index.html").read_text() == "<p>2</p>"
    assert area.is_symlink() is use_symlinks
    leftovers = list((tmp_path / GENERATIONS / AREA).iterdir()) if (
        tmp_path / GENERATIONS / AREA).exists() else []
    assert leftovers == ([area.resolve()] if use_symlinks else [])


def test_without_symlinks_an_interrupted_switch_is_restored(tmp_path: Path) -> None:
    store = AreaStore(tmp_path, {}, use_symlinks=False)
    store.publish(_ok("budget", 1.0))
    # killed between the two renames: the area folder is away, a complete generation waits
    waiting = tmp_path / GENERATIONS / AREA / "20991231T000000-abcdef12"
    waiting.parent.mkdir(parents=True, exist_ok=True)
    os.rename(tmp_path / AREA, waiting)
    store.clean_leftovers()
    assert (tmp_path / AREA / "budget.html").read_bytes() == b"budget.html 1.0"
    assert not (tmp_path / GENERATIONS / AREA).exists()


def test_plain_area_folder_of_the_older_runner_is_adopted(tmp_path: Path) -> None:
    legacy = tmp_path / AREA
    legacy.mkdir()
    (legacy / "jsna.html").write_text("old report")
    (legacy / ".staging-jsna-x").mkdir()
    store = AreaStore(tmp_path, {})
    store.publish(_ok("budget", 1.0))
    assert legacy.is_symlink()
    assert (legacy / "jsna.html").read_text() == "old report"
    assert not (legacy / ".staging-jsna-x").exists()


def test_only_a_kernel_that_died_while_booting_is_started_again() -> None:
    from asclib.run.execute import _died_while_booting

    assert _died_while_booting(RuntimeError("Kernel died before replying to kernel_info"))
    assert not _died_while_booting(RuntimeError("Kernel died"))
    assert not _died_while_booting(ValueError("before replying to kernel_info"))
    assert not _died_while_booting(None)
