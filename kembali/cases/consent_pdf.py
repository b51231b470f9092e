"""The printable consent form: an A4 PDF in the person's own language, with the case
number, the person, the parties their data may be shared with and signature lines.
The case manager prints it, has it signed and uploads the signed copy.

WeasyPrint gets HTML with its stylesheet inline and fetches nothing."""

from __future__ import annotations

from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils import timezone, translation

from kembali.cases.models import Case
from kembali.core.pdf import html_to_pdf
from kembali.employers.models import Employer
from kembali.providers.models import Provider

PDF_LANGUAGES = ("ms", "en")


def consent_pdf_language(case: Case) -> str:
    language = getattr(case.person, "preferred_language", "") or "ms"
    return language if language in PDF_LANGUAGES else "ms"


def consent_pdf_html(
    case: Case,
    *,
    providers: Sequence[Provider] = (),
    employers: Sequence[Employer] = (),
    shares_with_jpess: bool = False,
) -> str:
    """The HTML the consent form is printed from, in the person's language."""
    language = consent_pdf_language(case)
    with translation.override(language):
        return render_to_string(
            "cases/consent_pdf.html",
            {
                "case": case,
                "person": case.person,
                "providers": list(providers),
                "employers": list(employers),
                "shares_with_jpess": shares_with_jpess,
                "language": language,
                "printed_on": timezone.localdate(),
            },
        )


def consent_pdf(case: Case, **parties) -> bytes:
    return html_to_pdf(consent_pdf_html(case, **parties))
