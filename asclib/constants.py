"""Constants shared across asclib: defined here once, imported everywhere else.

Statistics, schemas and plotting may import this module (it imports nothing of ours).
"""

from __future__ import annotations

ENGLAND_CODE = "E92000001"
"""ONS code of England."""
ENGLAND_AND_WALES_CODE = "K04000001"
"""ONS code of England and Wales (ONS weekly-deaths national rows)."""
WALES_CODE = "W92000004"
"""ONS code of Wales."""
EXAMPLE_AREA_CODE = "E08000014"
"""The example council (Sefton): the default ``area_code`` of every notebook, nothing more."""
