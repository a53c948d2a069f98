"""The report's PDF: the HTML rendered by WeasyPrint with the print stylesheet (A4, wide
tables on landscape pages, header rows repeated, collapsed tables printed open)."""

from __future__ import annotations

import logging
from pathlib import Path

#: The one line shown when the renderer is missing.
INSTALL_HINT = ("PDF output needs WeasyPrint: pip install 'asclib[pdf]' (and on Debian/Ubuntu "
                "apt-get install libpango-1.0-0 libpangoft2-1.0-0)")


class PdfRendererMissing(RuntimeError):  # noqa: N818 (a missing tool, said in one line)
    """The PDF renderer (WeasyPrint and its system libraries) is not installed."""


def renderer_available() -> bool:
    """Whether :func:`write_pdf` can run here."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def write_pdf(html_path: str | Path, pdf_path: str | Path) -> Path:
    """Render a report's HTML to PDF with WeasyPrint.

    Raises PdfRendererMissing with a one-line install hint when WeasyPrint or its libraries
    (Pango) are absent.
    """
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise PdfRendererMissing(f"{INSTALL_HINT} ({exc.__class__.__name__})") from None
    # WeasyPrint warns about CSS it ignores (screen-only properties); the report is fine.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    target = Path(pdf_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    HTML(filename=str(html_path)).write_pdf(str(target))
    return target
