"""``OUT/<area>/manifest.json``: what the published files of one area are and how they were made.

Format (``"format": 2``)::

    {"format": 2, "area_code", "area_name", "generation", "updated",
     "status": "ok" | "failed" | "skipped"  (the worst of the notebooks),
     "environment": {"python", "platform", "packages": {...}},
     "inputs": [{"path", "sha256"}]  (every notebook's inputs, lookups included),
     "notebooks": {"<name>": ENTRY}}

ENTRY (built by :func:`asclib.run.execute.execute`; also stored in the executed notebook's
``metadata.asclib_run``): status ``ok`` / ``failed`` / ``skipped``; ``reason`` (why it failed
or was skipped) and ``error`` (failures only); ``notebook`` and ``notebook_sha256``;
``parameters`` (this notebook's own, defaults included) and ``injected`` (the names passed by
papermill); ``output_options``; ``code`` (asclib_version, git_commit, git_dirty,
asclib_source_sha256); ``inputs`` (raw files read, lookups included); ``tables_read``;
``input_sources`` and ``key`` (see :mod:`asclib.run.keys`); ``title``, ``area_name``, ``period``,
``data_date``, ``illustrative``, ``headlines``; ``started``, ``finished``, ``seconds``,
``timings``; ``files`` (paths relative to OUT/<area>/, every one present). A failed or skipped
entry keeps the still-published good report's entry under ``previous_ok``.

The manifest lives in the same generation folder as the files it describes
(:mod:`asclib.run.publish`), so the two always agree. A manifest that cannot be read is rebuilt
from the executed notebooks on disk (:func:`rebuild`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from asclib.run.execute import ENTRY_METADATA_KEY, FAILED_DIR, SKIPPED_DIR

MANIFEST_NAME = "manifest.json"
FORMAT = 2
_SEVERITY = {"ok": 0, "skipped": 1, "failed": 2}


def read(folder: Path) -> dict[str, Any] | None:
    """The manifest of an area folder; None when missing or unreadable."""
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("notebooks"), dict):
        return None
    return manifest


def merge(manifest: Mapping[str, Any] | None, name: str, entry: Mapping[str, Any],
          *, area_code: str, generation: str, environment: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest after notebook ``name`` produced ``entry`` (a new dict).

    A failed or skipped entry keeps the previous good one (still published) as
    ``previous_ok``. Entries of other notebooks are kept as they are.
    """
    notebooks = dict((manifest or {}).get("notebooks") or {})
    new = dict(entry)
    if new.get("status") != "ok":
        old = notebooks.get(name) or {}
        previous = old if old.get("status") == "ok" else old.get("previous_ok")
        if previous:
            new["previous_ok"] = {k: v for k, v in previous.items() if k != "previous_ok"}
    notebooks[name] = new
    return assemble(notebooks, area_code=area_code, generation=generation,
                    environment=environment,
                    area_name=entry.get("area_name") or (manifest or {}).get("area_name"))


def assemble(notebooks: Mapping[str, Any], *, area_code: str, generation: str,
             environment: Mapping[str, Any], area_name: str | None = None) -> dict[str, Any]:
    """A whole manifest from its notebook entries."""
    inputs: dict[str, dict[str, str]] = {}
    for entry in notebooks.values():
        area_name = area_name or entry.get("area_name")
        for source in (entry, entry.get("previous_ok") or {}):
            for item in source.get("inputs") or []:
                inputs[item["path"]] = {"path": item["path"], "sha256": item["sha256"]}
    worst = max((_SEVERITY.get(e.get("status"), 2) for e in notebooks.values()), default=0)
    return {
        "format": FORMAT,
        "area_code": area_code,
        "area_name": area_name,
        "generation": generation,
        "updated": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "status": {v: k for k, v in _SEVERITY.items()}[worst],
        "environment": dict(environment),
        "inputs": [inputs[p] for p in sorted(inputs)],
        "notebooks": {name: notebooks[name] for name in sorted(notebooks)},
    }


def published_files(manifest: Mapping[str, Any] | None) -> set[str]:
    """Every file the manifest claims (entries and their ``previous_ok``)."""
    claimed: set[str] = set()
    for entry in ((manifest or {}).get("notebooks") or {}).values():
        for source in (entry, entry.get("previous_ok") or {}):
            claimed.update(source.get("files") or [])
    return claimed


def rebuild(folder: Path, *, area_code: str, generation: str,
            environment: Mapping[str, Any]) -> dict[str, Any]:
    """A manifest rebuilt from the executed notebooks in an area folder.

    Each executed notebook carries its entry in ``metadata.asclib_run``; a notebook without
    one (written by an older runner) gets an entry from ``report.extract`` and papermill's
    recorded parameters. Top-level notebooks are the good reports; ``failed/`` and ``skipped/``
    hold the latest failures and skips, which keep the good entry as ``previous_ok``.
    """
    import nbformat

    from asclib import report

    def entry_of(path: Path, status: str) -> dict[str, Any] | None:
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:
            return None
        stored = nb.metadata.get(ENTRY_METADATA_KEY)
        if isinstance(stored, Mapping) and stored.get("status") == status:
            return json.loads(json.dumps(stored))
        record = report.extract(nb)
        relative = path.relative_to(folder).as_posix()
        siblings = [relative]
        if status == "ok":
            siblings += [f"{path.stem}{ext}" for ext in (".html", ".xlsx", ".pdf")
                         if (folder / f"{path.stem}{ext}").exists()]
        return {
            "status": status,
            "reason": "rebuilt from the executed notebook; the original entry was lost",
            "error": None,
            "parameters": dict((nb.metadata.get("papermill") or {}).get("parameters") or {}),
            "title": record.context.get("title"),
            "area_name": record.context.get("area_name"),
            "period": record.context.get("period"),
            "data_date": record.context.get("data_date"),
            "illustrative": record.context.get("illustrative"),
            "headlines": dict(record.headlines),
            "inputs": list(record.inputs),
            "files": siblings,
        }

    notebooks: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.ipynb")):
        entry = entry_of(path, "ok")
        if entry is not None:
            notebooks[path.stem] = entry
    for sub, status in ((SKIPPED_DIR, "skipped"), (FAILED_DIR, "failed")):
        for path in sorted((folder / sub).glob("*.ipynb")):
            entry = entry_of(path, status)
            if entry is None:
                continue
            good = notebooks.get(path.stem)
            if good is not None and good.get("status") == "ok":
                entry["previous_ok"] = good
            notebooks[path.stem] = entry
    return assemble(notebooks, area_code=area_code, generation=generation,
                    environment=environment)
