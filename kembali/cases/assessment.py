"""Reading initial assessments: the five key issue areas, the latest assessment of a
case and what assessments add to the case timeline. Writes are in
services_assessment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kembali.cases.models import Assessment, Case, IssueRating
from kembali.cases.timeline import TimelineEntry

# The key issues of an injury or disease, in the order a case manager works through
# them: (field prefix, label). Each has <prefix>_rating and <prefix>_notes.
AREAS: tuple[tuple[str, str], ...] = (
    ("medical", gettext_lazy("Medical")),
    ("functional", gettext_lazy("Functional capacity")),
    ("psychosocial", gettext_lazy("Psychosocial")),
    ("workplace", gettext_lazy("Workplace and employer")),
    ("vocational", gettext_lazy("Vocational")),
)
AREA_KEYS = tuple(key for key, _label in AREAS)


@dataclass(frozen=True)
class AreaRating:
    key: str
    label: str
    rating: int
    rating_label: str
    notes: str


def area_ratings(assessment: Assessment) -> list[AreaRating]:
    """The five areas of an assessment, each with its rating and notes."""
    rows = []
    for key, label in AREAS:
        rating = getattr(assessment, f"{key}_rating")
        rows.append(
            AreaRating(
                key=key,
                label=str(label),
                rating=rating,
                rating_label=str(IssueRating(rating).label),
                notes=getattr(assessment, f"{key}_notes"),
            )
        )
    return rows


def assessment_summary(assessment: Assessment) -> str:
    """One line for the timeline: each area's rating, then the person's goal."""
    ratings = "; ".join(
        f"{row.label}: {row.rating_label.lower()}" for row in area_ratings(assessment)
    )
    return _("%(ratings)s.\nThe person's goal: “%(goal)s”") % {
        "ratings": ratings,
        "goal": assessment.person_goal,
    }


def case_assessments(case: Case) -> list[Assessment]:
    """Every assessment of the case, newest first."""
    return list(Assessment.objects.filter(case=case).select_related("assessed_by"))


def latest_assessment(case: Case) -> Assessment | None:
    return Assessment.objects.filter(case=case).select_related("assessed_by").first()


def assessment_entries(case: Case) -> Iterable[TimelineEntry]:
    for row in Assessment.objects.filter(case=case).select_related("assessed_by"):
        if row.is_initial:
            title = _("Initial assessment of %(date)s recorded")
        else:
            title = _("Reassessment of %(date)s recorded")
        yield TimelineEntry(
            at=row.created_at,
            kind="assessment",
            title=title % {"date": date_format(row.assessed_on)},
            detail=assessment_summary(row),
            actor=row.assessed_by.display_name,
        )
