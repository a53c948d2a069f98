"""The MIME types of the bundles a notebook publishes (see asclib.report) and the cell tag the
HTML drops: the contract between the notebooks, the runner and the writers."""

CONTEXT_MIME = "application/vnd.asclib.context+json"
TABLE_MIME = "application/vnd.asclib.table+json"
HEADLINES_MIME = "application/vnd.asclib.headlines+json"
INPUTS_MIME = "application/vnd.asclib.inputs+json"
KEY_MESSAGES_MIME = "application/vnd.asclib.key-messages+json"
FIGURE_MIME = "application/vnd.asclib.figure+json"
TABLES_READ_MIME = "application/vnd.asclib.tables-read+json"
#: Cells carrying this tag stay in the notebook (for analysts) and are dropped from the HTML.
ANALYST_ONLY_TAG = "analyst-only"
