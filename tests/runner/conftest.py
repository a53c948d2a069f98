"""Fixtures of the runner tests (helpers are in run_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from run_helpers import write_processed


@pytest.fixture(scope="session", autouse=True)
def _asclib_kernel() -> None:
    """The test notebooks use the project's kernel, registered by `make test`."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("asclib")
    except NoSuchKernel:
        pytest.fail(
            "Jupyter kernel 'asclib' is not registered: run `make test`, or "
            "python -m ipykernel install --sys-prefix --name asclib"
        )


@pytest.fixture
def processed(tmp_path: Path) -> Path:
    return write_processed(tmp_path / "processed")


