"""The ministry report pack as an A4 landscape PDF (WeasyPrint, kembali.core.pdf)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from kembali.core.pdf import html_to_pdf
from kembali.reports.pack import PackDocument


def pack_pdf_html(document: PackDocument) -> str:
    """The HTML the PDF is printed from, in the active language."""
    return render_to_string(
        "reports/pack_pdf.html",
        {"doc": document, "language": translation.get_language() or "en"},
    )


def pack_pdf(document: PackDocument) -> bytes:
    return html_to_pdf(pack_pdf_html(document))
