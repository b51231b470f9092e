"""Reads over employers, vacancies and trainings: lists with their filters, the
yearly engagement figure and the training counts, each a few SQL queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from kembali.employers.models import (
    Employer,
    Engagement,
    FunnelChange,
    Training,
    TrainingAttendance,
    Vacancy,
)


def employer_list(*, q: str = "", state=None, funnel: str = "", owner=None) -> QuerySet[Employer]:
    """Employers by name or code (any part of the name, the start of the code)."""
    qs = Employer.objects.select_related("state", "owner")
    q = " ".join((q or "").split())
    if q:
        code = q.replace(" ", "").replace("-", "").upper()
        qs = qs.filter(Q(name__icontains=q) | Q(employer_code__startswith=code))
    if state is not None:
        qs = qs.filter(state=state)
    if funnel:
        qs = qs.filter(funnel_status=funnel)
    if owner is not None:
        qs = qs.filter(owner=owner)
    return qs.order_by("name", "id")


def employer_detail(pk) -> QuerySet[Employer]:
    """The employer with everything its page shows, in a fixed number of queries."""
    return (
        Employer.objects.select_related("state", "owner", "informed_fiscal_benefits_by")
        .prefetch_related(
            "contacts",
            Prefetch("engagements", queryset=Engagement.objects.select_related("by")),
            Prefetch("funnel_changes", queryset=FunnelChange.objects.select_related("changed_by")),
            Prefetch(
                "training_attendances",
                queryset=TrainingAttendance.objects.select_related("training").order_by(
                    "-training__date"
                ),
            ),
        )
        .annotate(
            open_vacancies=Count(
                "vacancies", filter=Q(vacancies__status=Vacancy.Status.OPEN), distinct=True
            )
        )
        .filter(pk=pk)
    )


@dataclass(frozen=True)
class EngagementTarget:
    year: int
    engaged: int
    target: int

    @property
    def percent(self) -> int:
        return round(100 * self.engaged / self.target) if self.target else 0

    @property
    def remaining(self) -> int:
        return max(0, self.target - self.engaged)


def employers_engaged_in_year(year: int) -> int:
    """Employers whose first engagement falls in `year` (one COUNT in SQL)."""
    return Employer.objects.filter(
        engaged_on__gte=dt.date(year, 1, 1), engaged_on__lt=dt.date(year + 1, 1, 1)
    ).count()


def engagement_target(year: int | None = None) -> EngagementTarget:
    """ "New employers engaged this year" against settings.KEMBALI_EMPLOYER_TARGET_PER_YEAR."""
    year = year or timezone.localdate().year
    return EngagementTarget(
        year=year,
        engaged=employers_engaged_in_year(year),
        target=settings.KEMBALI_EMPLOYER_TARGET_PER_YEAR,
    )


def vacancy_list(
    *, state=None, isco_major: str = "", status: str = "", employer=None, q: str = ""
) -> QuerySet[Vacancy]:
    qs = Vacancy.objects.select_related("employer", "state", "isco_unit")
    if state is not None:
        qs = qs.filter(state=state)
    if isco_major:
        # A range on the code itself ("8" <= code < "9"), which the index serves.
        qs = qs.filter(isco_unit__gte=isco_major, isco_unit__lt=chr(ord(isco_major[0]) + 1))
    if status:
        qs = qs.filter(status=status)
    if employer is not None:
        qs = qs.filter(employer=employer)
    q = " ".join((q or "").split())
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(reference=q))
    return qs.order_by("-opened_on", "-id")


@dataclass(frozen=True)
class TrainingYear:
    year: int
    trainings: int
    employers_trained: int
    people_trained: int


def training_counts_per_year() -> list[TrainingYear]:
    """Per calendar year, newest first: trainings held, distinct employers that
    attended one, and the people they sent. Two grouped queries."""
    held = dict(
        Training.objects.annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(n=Count("id"))
        .values_list("year", "n")
    )
    attended = {
        row["year"]: row
        for row in TrainingAttendance.objects.filter(attended=True)
        .annotate(year=ExtractYear("training__date"))
        .values("year")
        .annotate(employers=Count("employer", distinct=True), people=Sum("people"))
    }
    return [
        TrainingYear(
            year=year,
            trainings=held[year],
            employers_trained=attended.get(year, {}).get("employers", 0),
            people_trained=attended.get(year, {}).get("people", 0) or 0,
        )
        for year in sorted(held, reverse=True)
    ]


def training_list() -> QuerySet[Training]:
    return Training.objects.select_related("state").annotate(
        employers_attended=Count("attendances", filter=Q(attendances__attended=True)),
        people_attended=Sum("attendances__people", filter=Q(attendances__attended=True)),
    )
