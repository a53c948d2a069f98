"""Running the notebooks (``asc run``): the only part of asclib that imports papermill.

Modules, one concern each:

- :mod:`~asclib.run.execute`   one (area, notebook) run, start to finish (read this first);
- :mod:`~asclib.run.kernels`   fresh kernels, one started ahead per worker;
- :mod:`~asclib.run.zygote`    a pre-imported process forking one fresh kernel per run;
- :mod:`~asclib.run.executors` local worker processes or a Dask cluster;
- :mod:`~asclib.run.publish`   atomic publishing: generation folders + symbolic-link switch;
- :mod:`~asclib.run.manifest`  the per-area manifest: format, merge, rebuild;
- :mod:`~asclib.run.keys`      what a run depends on; the incremental key;
- :mod:`~asclib.run.lock`      one run per output (and processed-data) folder;
- :mod:`~asclib.run.progress`  live line with ETA on a terminal, plain lines under cron;
- :mod:`~asclib.run.index`     OUT/index.html and OUT/<area>/index.html;
- :mod:`~asclib.run.batch`     :func:`run`: plan, skip up-to-date pairs, execute, publish.
"""

import sys

# papermill imports nbformat, which imports jsonschema; when the optional package rfc3987_syntax
# is installed (jupyterlab pulls it in through jupyter-events), jsonschema compiles its ~40 lark
# grammars on import, ~0.9 s in every runner process (client and each worker), only to check
# "iri" string formats that notebook validation never uses. Runner processes opt out (jsonschema
# treats the package as absent); kernels and other tools are unaffected. See
# benchmarks/bench_batch.py for the start-up it saves.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import importlib  # noqa: E402

#: The package's public names and the modules defining them, imported on first use: a worker
#: process imports ``asclib.run.executors`` and must not pay for pandas before it has launched
#: its kernel zygote (PEP 562 module ``__getattr__``).
_EXPORTS = {
    "LockedByAnotherRun": "asclib.run.lock",
    "Outcome": "asclib.run.execute",
    "RunResult": "asclib.run.batch",
    "RunSummary": "asclib.run.batch",
    "Task": "asclib.run.execute",
    "notebook_defaults": "asclib.run.batch",
    "run": "asclib.run.batch",
    "start_workers": "asclib.run.batch",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'asclib.run' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
