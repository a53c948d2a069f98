"""Publishing into the output folder: each notebook's files and its manifest entry in one
atomic step.

Layout::

    OUT/<area>                  a symbolic link -> .generations/<area>/<generation>
    OUT/.generations/<area>/<generation>/
        <name>.ipynb .html .xlsx [.pdf]   the last good report of each notebook
        failed/<name>.ipynb               the latest failure (the good report stays)
        skipped/<name>.ipynb              the latest skip (idem)
        manifest.json                     describes exactly the files of its generation
        index.html                        the area's page
    OUT/index.html              every area x notebook of the last run
    OUT/.asc-run.lock           held while a run writes OUT
    OUT/.work/                  kernels' working dirs and staging (local workers)

Publishing one outcome builds a new generation folder: hard links to every file of the current
one (no copying), the new files written beside them, the merged manifest and the area page; then
``OUT/<area>`` is switched to it by renaming a new symbolic link over the old one
(``os.replace``, atomic on POSIX). A reader, or a run killed at any moment, sees either the old
generation or the new one, never a mixture. Only the client process publishes (one writer per
OUT, held by the lock); workers only return bytes.

Leftovers of a killed run (unreferenced generations, temporary links, ``.work``, staging folders
of the older layout) are removed by :meth:`AreaStore.clean_leftovers` at the next start.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import shutil
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from asclib.run import manifest as manifests
from asclib.run.execute import FAILED_DIR, SKIPPED_DIR, Outcome

GENERATIONS = ".generations"
WORK_DIR = ".work"
AREA_INDEX = "index.html"


class PublishError(OSError):
    """The output folder cannot be written (read-only, full disk...): one readable line."""


def new_generation_id() -> str:
    return f"{dt.datetime.now().strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"


class AreaStore:
    """The published reports of every area under one output folder.

    ``environment``: recorded in each manifest. ``area_page``: renders ``OUT/<area>/index.html``
    from a manifest (None: no page).
    """

    def __init__(self, out_dir: Path, environment: Mapping[str, Any],
                 area_page: Callable[[Mapping[str, Any]], str] | None = None,
                 use_symlinks: bool | None = None):
        self.out_dir = Path(out_dir)
        self.environment = dict(environment)
        self.area_page = area_page
        #: False on Windows (symbolic links need privileges there): the new generation then
        #: replaces ``OUT/<area>`` by two renames (briefly absent, never mixed)
        self.use_symlinks = os.name != "nt" if use_symlinks is None else use_symlinks

    # ------------------------------------------------------------------ reading

    def area_dir(self, area_code: str) -> Path:
        return self.out_dir / area_code

    def current(self, area_code: str) -> Path | None:
        """The folder ``OUT/<area>`` points at (a plain folder of an older layout too)."""
        link = self.area_dir(area_code)
        if link.is_symlink():
            target = link.resolve()
            return target if target.is_dir() else None
        return link if link.is_dir() else None

    def manifest(self, area_code: str) -> dict[str, Any] | None:
        folder = self.current(area_code)
        return manifests.read(folder) if folder is not None else None

    def areas(self) -> list[str]:
        """Area codes with published reports."""
        if not self.out_dir.is_dir():
            return []
        return sorted(p.name for p in self.out_dir.iterdir()
                      if not p.name.startswith(".") and (p / manifests.MANIFEST_NAME).exists())

    # ------------------------------------------------------------------ writing

    def publish(self, outcome: Outcome) -> dict[str, Any]:
        """Publish one notebook's outcome with its manifest entry; returns the new manifest.

        Raises PublishError when the output folder cannot be written.
        """
        try:
            return self._publish(outcome)
        except OSError as exc:
            raise PublishError(exc.errno or errno.EIO, _describe_os_error(exc)) from exc

    def _publish(self, outcome: Outcome) -> dict[str, Any]:
        area, name = outcome.area_code, outcome.name
        current = self._adopt_legacy(area)
        old_manifest = manifests.read(current) if current is not None else None
        generation = new_generation_id()
        new = self.out_dir / GENERATIONS / area / generation
        new.mkdir(parents=True)
        if current is not None:
            _link_tree(current, new, skip={manifests.MANIFEST_NAME, AREA_INDEX})
        if old_manifest is None and current is not None:
            old_manifest = manifests.rebuild(new, area_code=area, generation=generation,
                                             environment=self.environment)
        # the notebook's previous failure or skip copy goes; a good report is replaced only
        # by a good one
        for stale in (f"{FAILED_DIR}/{name}.ipynb", f"{SKIPPED_DIR}/{name}.ipynb"):
            _unlink(new / stale)
        for relative, content in outcome.files.items():
            _write_new(new / relative, content)
        for sub in (FAILED_DIR, SKIPPED_DIR):
            with contextlib.suppress(OSError):
                (new / sub).rmdir()  # only when empty
        merged = manifests.merge(old_manifest, name, outcome.entry, area_code=area,
                                 generation=generation, environment=self.environment)
        self._finish_generation(area, new, merged)
        return merged

    def rebuild_if_corrupt(self, area_code: str) -> bool:
        """Rebuild a missing or unreadable manifest from the notebooks on disk (True if done)."""
        current = self._adopt_legacy(area_code)
        if current is None or manifests.read(current) is not None:
            return False
        try:
            generation = new_generation_id()
            new = self.out_dir / GENERATIONS / area_code / generation
            new.mkdir(parents=True)
            _link_tree(current, new, skip={manifests.MANIFEST_NAME, AREA_INDEX})
            rebuilt = manifests.rebuild(new, area_code=area_code, generation=generation,
                                        environment=self.environment)
            self._finish_generation(area_code, new, rebuilt)
        except OSError as exc:
            raise PublishError(exc.errno or errno.EIO, _describe_os_error(exc)) from exc
        return True

    def _finish_generation(self, area: str, new: Path, manifest: dict[str, Any]) -> None:
        """Write the manifest and page into ``new``, then switch ``OUT/<area>`` to it."""
        _write_new(new / manifests.MANIFEST_NAME, _json_bytes(manifest))
        if self.area_page is not None:
            _write_new(new / AREA_INDEX, self.area_page(manifest).encode("utf-8"))
        _fsync_dir(new)
        previous = self.current(area)
        link = self.area_dir(area)
        if not self.use_symlinks:
            retired = new.with_name(f"{new.name}-retired")
            if previous is not None:
                os.rename(previous, retired)
            os.rename(new, link)
            shutil.rmtree(retired, ignore_errors=True)
            return
        temporary = self.out_dir / f".{area}.{new.name}.link"
        os.symlink(os.path.relpath(new, self.out_dir), temporary)
        os.replace(temporary, link)  # the atomic step
        _fsync_dir(self.out_dir)
        if previous is not None and previous != new and GENERATIONS in previous.parts:
            shutil.rmtree(previous, ignore_errors=True)

    def _adopt_legacy(self, area: str) -> Path | None:
        """A plain ``OUT/<area>`` folder (older runner) becomes the first generation."""
        link = self.area_dir(area)
        if not self.use_symlinks:
            self._restore_interrupted_switch(area)
            return self.current(area)
        if link.is_symlink() or not link.is_dir():
            return self.current(area)
        target = self.out_dir / GENERATIONS / area / f"{new_generation_id()}-adopted"
        target.parent.mkdir(parents=True, exist_ok=True)
        for staging in link.glob(".staging-*"):
            shutil.rmtree(staging, ignore_errors=True)
        os.rename(link, target)
        os.symlink(os.path.relpath(target, self.out_dir), link)
        return target

    def _restore_interrupted_switch(self, area: str) -> None:
        """Without symbolic links: a run killed between the two renames left no
        ``OUT/<area>``; the newest complete generation (manifest written) takes its place."""
        link = self.area_dir(area)
        root = self.out_dir / GENERATIONS / area
        if link.exists() or not root.is_dir():
            return
        complete = sorted(p for p in root.iterdir() if (p / manifests.MANIFEST_NAME).exists())
        if complete:
            os.rename(complete[-1], link)

    # ------------------------------------------------------------------ leftovers

    def clean_leftovers(self) -> list[Path]:
        """Remove what killed runs left: generations no link points at, temporary links, the
        work folder, staging folders. Call it with the OUT lock held. Returns what went."""
        removed: list[Path] = []
        if not self.out_dir.is_dir():
            return removed
        for path in self.out_dir.glob(".*.link"):
            _unlink(path)
            removed.append(path)
        for path in [self.out_dir / WORK_DIR, *self.out_dir.glob("*/.staging-*")]:
            if path.exists():
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
        for path in self.out_dir.glob(".*.tmp"):
            _unlink(path)
            removed.append(path)
        root = self.out_dir / GENERATIONS
        if root.is_dir():
            for area_root in root.iterdir():
                if not self.use_symlinks:
                    self._restore_interrupted_switch(area_root.name)
                live = self.current(area_root.name)
                for generation in area_root.iterdir():
                    if live is None or generation.resolve() != live:
                        shutil.rmtree(generation, ignore_errors=True)
                        removed.append(generation)
                with contextlib.suppress(OSError):
                    area_root.rmdir()
        return removed


# --------------------------------------------------------------------------- file helpers


def _link_tree(source: Path, target: Path, skip: set[str]) -> None:
    """Hard-link every file of ``source`` into ``target`` (copy where links are refused)."""
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        if relative.as_posix() in skip or path.is_dir():
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, destination)
        except OSError:
            shutil.copy2(path, destination)


def _write_new(path: Path, content: bytes) -> None:
    """Write a file that replaces any (hard-linked) file of that name: never write through a
    link into the previous generation."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _unlink(path)
    with open(path, "xb") as handle:
        handle.write(content)


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _json_bytes(payload: Any) -> bytes:
    import json

    return (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_atomic(path: Path, content: bytes) -> None:
    """Write ``path`` through a temporary sibling and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(temporary, "xb") as handle:
            handle.write(content)
        os.replace(temporary, path)
    except BaseException:
        _unlink(temporary)
        raise


def _describe_os_error(exc: OSError) -> str:
    where = exc.filename or ""
    reason = exc.strerror or str(exc)
    return f"cannot write {where}: {reason}" if where else f"cannot write the output: {reason}"
