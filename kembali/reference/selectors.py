"""Reads over the reference data."""

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.functions import Length

from kembali.reference.models import IscoGroup, Occupation, State


def occupation_search(query: str, limit: int = 20) -> list[Occupation]:
    """Occupations whose title or an alternative title contains `query` (any case),
    best first: the exact title, a title that starts with it, a title that contains
    it, an alternative title that starts with it, then any other alternative title.
    Each comes with its ISCO-08 unit group (`occupation.isco_unit`) loaded."""
    needle = " ".join(query.split()).lower()
    if not needle:
        return []
    rank = Case(
        When(title__iexact=needle, then=Value(0)),
        When(title__istartswith=needle, then=Value(1)),
        When(title__icontains=needle, then=Value(2)),
        When(search_text__contains=f"|{needle}", then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )
    return list(
        Occupation.objects.filter(search_text__contains=needle)
        .select_related("isco_unit")
        .annotate(rank=rank, title_length=Length("title"))
        .order_by("rank", "title_length", "title")[:limit]
    )


def unit_groups() -> QuerySet[IscoGroup]:
    return IscoGroup.objects.filter(level=IscoGroup.Level.UNIT)


def states() -> QuerySet[State]:
    return State.objects.all()
