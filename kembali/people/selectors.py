"""Reads about insured persons that cross relations."""

import datetime as dt

from django.db.models import Q

from kembali.people.models import BenefitStatus, BoardRecommendation, InsuredPerson


def person_by_nric(nric_digits: str) -> InsuredPerson | None:
    return InsuredPerson.objects.filter(nric=nric_digits).first()


def benefits_in_force(*, person: InsuredPerson, on: dt.date) -> set[str]:
    """The kinds of benefit (BenefitStatus.Kind) the person holds or applies for on `on`."""
    return set(
        BenefitStatus.objects.filter(person=person, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values_list("kind", flat=True)
    )


def recommended_by_board(*, person: InsuredPerson, on: dt.date) -> bool:
    """Whether the latest recommendation of any medical board up to `on` recommends
    rehabilitation: a later "no" from an appellate board replaces an earlier "yes"."""
    latest = (
        BoardRecommendation.objects.filter(person=person, date__lte=on)
        .order_by("-date", "-id")
        .values_list("recommended_rehabilitation", flat=True)
        .first()
    )
    return bool(latest)
