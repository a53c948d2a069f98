"""Writers of the run's outputs from what a notebook published: column labels and formats
(:mod:`.labels`), reader tables (:mod:`.tables`), the managers' HTML (:mod:`.html`), the
analysts' workbook (:mod:`.excel`) and the PDF (:mod:`.pdf`). Notebook-side publishing is
:mod:`asclib.report`, which re-exports the writers."""
