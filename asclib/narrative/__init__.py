"""Plain-English sentences for the notebooks: one module per notebook.

An analysis (``asclib.analyses``) turns tables into tables; the functions here turn those
tables into the sentences a manager reads. Every number goes through
:mod:`asclib.formatting`. A sentence that cites generated (illustrative) records says so
("Wirral's illustrative ledger ..."); a sentence on real data never says illustrative. The
notebook passes the provenance in (``Dataset.is_illustrative(table)``).
"""

from asclib.narrative import budget, covid, day_services, jsna
from asclib.narrative._common import how_to_run

__all__ = ["budget", "covid", "day_services", "how_to_run", "jsna"]
