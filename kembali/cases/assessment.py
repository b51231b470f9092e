"""Reading initial assessments: the five key issue areas, the latest assessment of a
case and what assessments add to the case timeline. Writes are in
services_assessment."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kembali.cases.models import Assessment, Case, IssueRating
from kembali.cases.timeline import (
    NAME_PARTS,
    TimelineEntry,
    day_text,
    name_from_parts,
    reads,
    source_rows,
)

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
    ratings = [getattr(assessment, f"{key}_rating") for key in AREA_KEYS]
    return _summary(_texts(get_language()), ratings, assessment.person_goal)


@functools.lru_cache(maxsize=8)
def _texts(language: str) -> dict:
    """The areas' and ratings' labels and the timeline's sentences in `language`
    (called with it active): a case's assessments repeat them, each a translation."""
    return {
        "areas": tuple(str(label) for _key, label in AREAS),
        "ratings": {value: str(label).lower() for value, label in IssueRating.choices},
        "summary": _("%(ratings)s.\nThe person's goal: “%(goal)s”"),
        True: _("Initial assessment of %(date)s recorded"),
        False: _("Reassessment of %(date)s recorded"),
    }


def _summary(texts: dict, ratings, goal: str) -> str:
    """assessment_summary of the five areas' ratings (in AREAS' order) and a goal."""
    labels = texts["ratings"]
    rated = "; ".join(
        f"{area}: {labels[rating]}" for area, rating in zip(texts["areas"], ratings, strict=True)
    )
    return texts["summary"] % {"ratings": rated, "goal": goal}


def case_assessments(case: Case) -> list[Assessment]:
    """Every assessment of the case, newest first."""
    return list(Assessment.objects.filter(case=case).select_related("assessed_by"))


def latest_assessment(case: Case) -> Assessment | None:
    return Assessment.objects.filter(case=case).select_related("assessed_by").first()


def _assessment_rows(case_id: int) -> QuerySet:
    return Assessment.objects.filter(case_id=case_id).values_list(
        "created_at",
        "is_initial",
        "assessed_on",
        "person_goal",
        *(f"{key}_rating" for key in AREA_KEYS),
        *(f"assessed_by__{part}" for part in NAME_PARTS),
    )


@reads(_assessment_rows)
def assessment_entries(case: Case) -> Iterable[TimelineEntry]:
    """The case's assessments: values read with SQL built once (timeline.source_rows)."""
    texts = _texts(get_language())
    for row in source_rows(case, _assessment_rows):
        created_at, is_initial, assessed_on, goal = row[:4]
        yield TimelineEntry(
            at=created_at,
            kind="assessment",
            title=texts[bool(is_initial)] % {"date": day_text(assessed_on)},
            detail=_summary(texts, row[4:9], goal),
            actor=name_from_parts(*row[9:12]),
        )
