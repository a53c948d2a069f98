"""Wording shared by the narrative modules: provenance phrases and signed figures."""

from __future__ import annotations

from collections.abc import Callable

REAL = "real"
ILLUSTRATIVE = "illustrative"


def provenance(illustrative: bool) -> str:
    """"illustrative" or "real": the word a key message ends on."""
    return ILLUSTRATIVE if illustrative else REAL


def records(area_name: str, what: str, illustrative: bool) -> str:
    """Whose records a sentence cites: "Wirral's illustrative ledger" / "Sefton's ledger"."""
    return f"{area_name}'s {'illustrative ' if illustrative else ''}{what}"


def data_note(illustrative: bool, real_source: str) -> str:
    """A bracketed provenance note: "(illustrative records)" or "(real figures: <source>)"."""
    return "(illustrative records)" if illustrative else f"(real figures: {real_source})"


def signed(value: float, fmt: Callable[[float], str]) -> str:
    """``fmt`` of the absolute value with an explicit sign: +738, -£1.2m, +12.3%."""
    return ("-" if value < 0 else "+") + fmt(abs(value))


def capitalised(text: str) -> str:
    """The sentence with its first letter in capitals (names keep their own case)."""
    return text[:1].upper() + text[1:]


def how_to_run(notebook: str, area_code: str, parameters: str = "") -> str:
    """The analyst's "how to run" note, with the area's own code in every example."""
    extra = f" {parameters}" if parameters else ""
    return (
        "**How to run it.** Open it in JupyterLab with the *Python (asclib)* kernel (`make "
        "lab`), change the values in the parameters cell and run all cells; or run it with "
        f"`asc run --notebook {notebook} --area {area_code}` (HTML report, Excel workbook and "
        f"manifest under `reports/{area_code}/`); or with papermill: `papermill "
        f"notebooks/{notebook}.ipynb out.ipynb -p area_code {area_code}{extra}`.")
