"""asclib: helper library for the adult social care (ASC) analytical notebook suite.

Layout (dependencies point one way, top to bottom):

- ``stats``, ``benchmark``, ``disclosure``: pure statistics, depend on nothing of ours.
- ``errors``, ``paths``, ``constants``, ``formatting``: small shared foundations.
- ``sources``: one loader + schema per kind of input file; ``tables`` is the one table registry;
  ``prepare`` builds ``data/processed`` (typed Parquet); ``demo`` makes illustrative records.
- ``data``: what notebooks use to read processed tables (records every input file read).
- ``analyses``: one module per notebook, tables in and tables out; ``narrative``: the sentences.
- ``plots``: house-style charts from tables (never reads files).
- ``report`` + ``reporting``: notebook-side publishing and the HTML / Excel / PDF writers.
- ``run`` + ``cli``: execution, publishing, manifest, the ``asc`` command (only ``run`` knows
  papermill).
"""

__version__ = "0.1.0"
