"""asclib: helper library for the adult social care (ASC) analytical notebook suite.

Layout (dependencies point one way, top to bottom):

- ``stats``, ``benchmark``, ``disclosure``: pure statistics, depend on nothing of ours.
- ``errors``, ``paths``: small shared foundations.
- ``sources``: one loader + schema per kind of input file; ``prepare`` builds ``data/processed``.
- ``data``: what notebooks use to read processed tables (records every input file read).
- ``analyses``: one module per notebook, tables in and tables out.
- ``plots``: house-style charts from tables (never reads files).
- ``report``: notebook-side publishing (context, tables, headlines) and Excel / HTML writers.
- ``runner`` + ``cli``: papermill, manifest, the ``asc`` command (only the runner knows papermill).
"""

__version__ = "0.1.0"
