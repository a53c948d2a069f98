"""Every notebook in notebooks/ follows the suite's conventions (see docs/ARCHITECTURE.md)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from asclib.paths import NOTEBOOKS_DIR

REQUIRED_PARAMETERS = {"area_code", "period", "comparator_group", "data_dir"}
MAX_CODE_LINES = 15
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))

if not NOTEBOOKS:
    pytest.skip("no notebooks in notebooks/ yet", allow_module_level=True)


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def nb(request) -> nbformat.NotebookNode:
    return nbformat.read(request.param, as_version=4)


def _code_cells(nb: nbformat.NotebookNode) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def test_exactly_one_parameters_cell_with_the_contract(nb) -> None:
    tagged = [c for c in _code_cells(nb) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell must be tagged 'parameters'"
    assigned = {
        target.id
        for node in ast.parse(tagged[0].source).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert assigned >= REQUIRED_PARAMETERS, f"missing {REQUIRED_PARAMETERS - assigned}"


def test_no_papermill_injected_cell_committed(nb) -> None:
    assert not [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]


def test_uses_the_project_kernel(nb) -> None:
    assert nb.metadata.get("kernelspec", {}).get("name") == "asclib"


def test_committed_with_outputs(nb) -> None:
    cells = _code_cells(nb)
    assert all(c.get("execution_count") for c in cells if c.source.strip()), (
        "every code cell must be executed (run `make notebooks` and commit)"
    )
    assert any(c.outputs for c in cells), "outputs must be committed for nbval"
    errors = [o for c in cells for o in c.outputs if o.output_type == "error"]
    assert not errors, "committed outputs contain an error"


def test_code_cells_are_short(nb) -> None:
    long_cells = [
        (i, len(c.source.splitlines()))
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and len(c.source.splitlines()) > MAX_CODE_LINES
    ]
    assert not long_cells, f"code cells over {MAX_CODE_LINES} lines (index, lines): {long_cells}"


def test_notebook_does_not_open_files_or_change_directory(nb) -> None:
    source = "\n".join(c.source for c in _code_cells(nb))
    for forbidden in (
        r"\bos\.chdir\(",
        r"(?<![\w.])open\(",
        r"\bread_csv\(",
        r"\bread_excel\(",
        r"%cd ",
    ):
        assert not re.search(forbidden, source), f"notebooks read data via asclib.data: {forbidden}"


def test_no_absolute_paths(nb) -> None:
    source = "\n".join(c.source for c in _code_cells(nb))
    assert "/work/" not in source and "C:\\" not in source and Path.home().as_posix() not in source


def _report_calls(nb: nbformat.NotebookNode, method: str) -> list[ast.Call]:
    calls = []
    for cell in _code_cells(nb):
        for node in ast.walk(ast.parse(cell.source)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == method and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "rpt"):
                calls.append(node)
    return calls


def test_every_table_and_figure_names_its_sources_and_figures_have_alt_text(nb) -> None:
    """Provenance per table and chart (issue 11 item 5): ``sources=`` on every rpt.table and
    rpt.figure, ``alt=`` (words) on every figure."""
    tables, figures = _report_calls(nb, "table"), _report_calls(nb, "figure")
    assert tables and figures
    for call in tables + figures:
        assert "sources" in {k.arg for k in call.keywords}, ast.unparse(call)[:120]
    for call in figures:
        assert "alt" in {k.arg for k in call.keywords}, ast.unparse(call)[:120]


def test_key_messages_how_to_run_for_analysts_and_methods_at_the_end(nb) -> None:
    assert len(_report_calls(nb, "key_messages")) == 1
    analyst = [c for c in nb.cells if "analyst-only" in c.metadata.get("tags", [])]
    assert analyst and all("how_to_run(" in c.source for c in analyst)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert markdown[-1].startswith("## Methods notes")
    # no council's text in the notebook's own words, no rank words for significance
    for text in markdown:
        assert not re.search(r"Sefton|Bootle|Formby|\bBest\b|\bWorst\b", text), text[:80]


def test_period_is_checked_first(nb) -> None:
    code = [c.source for c in _code_cells(nb)]
    setup = next(i for i, s in enumerate(code) if "open_data(" in s)
    assert "availability.check_period(" in code[setup]
