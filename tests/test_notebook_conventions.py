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
