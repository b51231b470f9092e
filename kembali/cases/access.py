"""The only way a view or API endpoint loads a case: scoped by role and office.

Denied by default. "Missing" and "not yours" both raise Http404, so a user cannot
learn that a case exists by guessing its number."""

import functools

from django.db.models import Q, QuerySet
from django.http import Http404

from kembali.accounts.models import Role, User
from kembali.cases.models import Case


def cases_visible_to(user) -> QuerySet[Case]:
    """Cases this user may see: their own (case manager, placement officer), their
    office (supervisor), all (national administrator), none otherwise."""
    qs = Case.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return qs.none()
    if user.role == Role.NATIONAL_ADMIN:
        return qs
    if user.office_id is None:
        return qs.none()
    if user.role == Role.SUPERVISOR:
        return qs.filter(office_id=user.office_id)
    if user.role == Role.CASE_MANAGER:
        return qs.filter(office_id=user.office_id, case_manager=user)
    if user.role == Role.PLACEMENT_OFFICER:
        return qs.filter(office_id=user.office_id).filter(
            Q(placement_officer=user) | Q(case_manager=user)
        )
    return qs.none()


def sees_no_cases(user) -> bool:
    """Whether cases_visible_to(user) is empty, asked once per role, activity and
    having an office: all it decides from (building the queryset to ask cost a
    fifth of the case page's read of its case)."""
    if not (user and user.is_authenticated):
        return True
    return _sees_none(user.role, user.is_active, user.office_id is None)


@functools.lru_cache(maxsize=64)
def _sees_none(role: str, active: bool, without_office: bool) -> bool:
    stand_in = User(pk=-1, role=role, office_id=None if without_office else -1, is_active=active)
    return cases_visible_to(stand_in).query.is_empty()


def access_case(user, number: str, *, for_update: bool = False) -> Case:
    """The case with this number if the user may see it, else Http404."""
    qs = cases_visible_to(user).select_related("person", "office", "case_manager")
    if for_update:
        qs = qs.select_for_update()
    try:
        return qs.get(number=number)
    except Case.DoesNotExist:
        raise Http404("No such case.") from None
