"""The PDF (WeasyPrint, print stylesheet): no table column is cut, so every table header is in
the PDF's text. Skips with the reason when the renderer or pdftotext is absent."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from asclib import report
from asclib.paths import NOTEBOOKS_DIR
from asclib.reporting import pdf


def _squash(text: str) -> str:
    return re.sub(r"[\s\u00ad-]+", "", text)


def test_missing_renderer_is_one_clear_line(monkeypatch, tmp_path: Path) -> None:
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name.startswith("weasyprint"):
            raise ImportError("No module named 'weasyprint'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    with pytest.raises(report.PdfRendererMissing) as info:
        report.write_pdf(tmp_path / "a.html", tmp_path / "a.pdf")
    message = str(info.value)
    assert "\n" not in message and "pip install" in message and "libpango" in message


@pytest.mark.parametrize("name", ["jsna_indicators", "day_service_costs"])
def test_every_table_header_is_in_the_pdf(name: str, tmp_path: Path) -> None:
    if not pdf.renderer_available():
        pytest.skip("WeasyPrint or its Pango libraries are not installed "
                    "(pip install 'asclib[pdf]'; apt-get install libpango-1.0-0 "
                    "libpangoft2-1.0-0)")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian poppler-utils) is not installed")
    path = NOTEBOOKS_DIR / f"{name}.ipynb"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    nb = nbformat.read(path, as_version=4)
    page = report.write_html(nb, report.extract(nb), tmp_path / "r.html")
    target = report.write_pdf(page, tmp_path / "r.pdf")
    text = subprocess.run(["pdftotext", "-raw", str(target), "-"], check=True,
                          capture_output=True, text=True).stdout
    squashed = _squash(text)
    headers = {re.sub(r"<[^>]+>", "", h) for h in
               re.findall(r'<th scope="col"[^>]*>(.*?)</th>', page.read_text())}
    assert headers
    missing = [h for h in headers if _squash(html.unescape(h)) not in squashed]
    assert not missing, missing


def test_browser_print_keeps_every_column(tmp_path: Path) -> None:
    """"Print -> Save as PDF" in a browser (headless Chromium) uses the same print stylesheet:
    every header of the widest report is in the printed text."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser") \
        or shutil.which("google-chrome")
    if browser is None:
        pytest.skip("no Chromium (Debian: apt-get install chromium) for the browser print test")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian poppler-utils) is not installed")
    path = NOTEBOOKS_DIR / "jsna_indicators.ipynb"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    nb = nbformat.read(path, as_version=4)
    page = report.write_html(nb, report.extract(nb), tmp_path / "r.html")
    target = tmp_path / "browser.pdf"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={target}",
                    page.resolve().as_uri()], check=True, capture_output=True, timeout=120)
    text = subprocess.run(["pdftotext", "-raw", str(target), "-"], check=True,
                          capture_output=True, text=True).stdout
    headers = {html.unescape(h) for h in
               re.findall(r'<th scope="col"[^>]*>(.*?)</th>', page.read_text())}
    missing = [h for h in headers if _squash(h) not in _squash(text)]
    assert not missing, missing
