"""The printable individual employment support plan: an A4 PDF in the person's own
language. WeasyPrint is driven by the plans module's helper, which fetches nothing."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from kembali.cases.models import Case
from kembali.core.pdf import html_to_pdf
from kembali.placement.models import SupportPlan

PDF_LANGUAGES = ("ms", "en")


def support_plan_pdf_language(case: Case) -> str:
    language = getattr(case.person, "preferred_language", "") or "ms"
    return language if language in PDF_LANGUAGES else "ms"


def support_plan_pdf_html(case: Case, plan: SupportPlan, *, assessment=None) -> str:
    """The HTML the PDF is printed from, rendered in the person's language."""
    language = support_plan_pdf_language(case)
    with translation.override(language):
        return render_to_string(
            "placement/support_plan_pdf.html",
            {
                "case": case,
                "person": case.person,
                "plan": plan,
                "activities": plan.activity_list,
                "assessment": assessment,
                "language": language,
                "printed_on": timezone.localdate(),
            },
        )


def support_plan_pdf(case: Case, plan: SupportPlan, *, assessment=None) -> bytes:
    return html_to_pdf(support_plan_pdf_html(case, plan, assessment=assessment))
