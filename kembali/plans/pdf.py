"""The printable plan: an A4 PDF in the insured person's own language.

WeasyPrint gets HTML with its stylesheet inline and may fetch nothing: fonts are
the system's, and no URL (local or remote) is followed."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from kembali.core.pdf import html_to_pdf
from kembali.plans.models import RehabPlan
from kembali.plans.selectors import interventions_total, plan_interventions

PDF_LANGUAGES = ("ms", "en")


def plan_pdf_language(plan: RehabPlan) -> str:
    language = getattr(plan.case.person, "preferred_language", "") or "ms"
    return language if language in PDF_LANGUAGES else "ms"


def plan_pdf_html(plan: RehabPlan) -> str:
    """The HTML the PDF is printed from, rendered in the person's language."""
    interventions = plan_interventions(plan)
    language = plan_pdf_language(plan)
    with translation.override(language):
        return render_to_string(
            "plans/plan_pdf.html",
            {
                "plan": plan,
                "case": plan.case,
                "person": plan.case.person,
                "interventions": interventions,
                "total": interventions_total(interventions),
                "language": language,
            },
        )


def plan_pdf(plan: RehabPlan) -> bytes:
    return html_to_pdf(plan_pdf_html(plan))
