"""HTML to PDF with WeasyPrint, for every printable document (plan, consent form,
support plan, subject-access export).

The HTML carries its stylesheet inline and WeasyPrint may fetch nothing: fonts are
the system's, and no URL, local or remote, is followed, so a document cannot leak a
request or depend on the network."""

from __future__ import annotations


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"Printed documents load no external resources ({url}).")


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango and fonts, which only printing needs.
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
