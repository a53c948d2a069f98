"""What a notebook run depends on, and the key that says whether it must run again.

The key of one (area, notebook) run is the SHA-256 of (as canonical JSON):

- the notebook file's SHA-256;
- its parameters (defaults included) and the output options (``--pdf``);
- the code: asclib version, git commit, dirty flag and the SHA-256 of asclib's source files
  (so an uncommitted change to asclib counts as a change);
- the inputs it would read *now*: for each processed table it read last time (its
  ``TABLES_READ_MIME`` bundle), the raw files behind that table for this area as
  ``data/processed/_manifest.json`` records them (``tables.<name>.sources[{path, sha256}]``).

A newly dropped-in official file or a council export replacing illustrative records changes
the sources of a table, so the notebooks reading that table run again; the others stay
"up to date".
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from asclib import __version__
from asclib.checksums import sha256_file  # one checksum for prepare and run

#: Package versions recorded in each manifest (the environment of the run).
KEY_PACKAGES = ("pandas", "numpy", "scipy", "matplotlib", "papermill", "nbconvert",
                "openpyxl", "pandera")


def canonical_sha256(value: Any) -> str:
    """SHA-256 of ``value`` as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def code_identity() -> dict[str, Any]:
    """asclib's version, git commit, dirty flag and the SHA-256 of its source files."""
    from asclib.paths import PROJECT_ROOT

    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    commit = _git(PROJECT_ROOT, "rev-parse", "HEAD")
    status = _git(PROJECT_ROOT, "status", "--porcelain", "--untracked-files=no")
    return {
        "asclib_version": __version__,
        "git_commit": commit,
        "git_dirty": None if commit is None else bool(status),
        "asclib_source_sha256": digest.hexdigest(),
    }


def _git(root: Path, *args: str) -> str | None:
    if not (root / ".git").exists():
        return None
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def environment() -> dict[str, Any]:
    """Python, platform and key package versions."""
    from importlib.metadata import PackageNotFoundError, version

    packages: dict[str, str | None] = {}
    for name in KEY_PACKAGES:
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = None
    packages["asclib"] = __version__
    return {"python": platform.python_version(), "platform": platform.platform(),
            "packages": packages}


def read_processed_manifest(data_dir: str | Path | None) -> dict[str, Any]:
    """``data_dir/_manifest.json`` as a dict (``{}`` when absent or unreadable)."""
    from asclib.paths import PROCESSED_DATA_DIR

    path = Path(data_dir if data_dir is not None else PROCESSED_DATA_DIR) / "_manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def table_sources(processed: Mapping[str, Any], tables: Iterable[str],
                  area_code: str) -> list[dict[str, Any]] | None:
    """The raw files behind ``tables`` for ``area_code`` (``None`` when a table is gone).

    A source tagged with another council's ``area_code`` does not feed this area's run.
    """
    entries = processed.get("tables") or {}
    found: list[dict[str, Any]] = []
    for name in sorted(set(tables)):
        entry = entries.get(name)
        if entry is None:
            return None
        for source in entry.get("sources") or []:
            if source.get("area_code") not in (None, area_code):
                continue
            found.append({"table": name, "path": source.get("path"),
                          "sha256": source.get("sha256")})
    return found


def recorded_inputs_now(inputs: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]] | None:
    """For notebooks that record no tables: the files they read, re-hashed now (None when
    one is missing, so the notebook runs again)."""
    from asclib.paths import PROJECT_ROOT

    now = []
    for item in inputs:
        path = Path(str(item.get("path")))
        path = path if path.is_absolute() else PROJECT_ROOT / path
        if not path.is_file():
            return None
        now.append({"path": str(item.get("path")), "sha256": sha256_file(path)})
    return now


def run_key(notebook_sha256: str, parameters: Mapping[str, Any],
            output_options: Mapping[str, Any], code: Mapping[str, Any],
            inputs: list[dict[str, Any]]) -> str:
    """The key of one (area, notebook) run (see the module docstring)."""
    return canonical_sha256({
        "notebook_sha256": notebook_sha256,
        "parameters": dict(parameters),
        "output_options": dict(output_options),
        "code": dict(code),
        "inputs": inputs,
    })
