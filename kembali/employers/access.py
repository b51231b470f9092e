"""Who may see and change employers, vacancies and trainings.

Employers are national, not office-bound: an employer hires people from every
region, so every placement officer, supervisor and national administrator may
see and work any employer (the "second officer" warning, not a block, keeps two
officers from calling the same employer unknowingly). Case managers read them
(to discuss a return with the previous employer) but do not change them. A
ministry analyst works with aggregates only and sees none of it: contacts are
personal data."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from kembali.accounts import roles
from kembali.employers.models import Employer, Training, Vacancy

may_view_employers = (
    roles.is_placement_officer
    | roles.is_supervisor
    | roles.is_national_admin
    | roles.is_case_manager
)
may_edit_employers = roles.is_placement_officer | roles.is_supervisor | roles.is_national_admin


def require_view(user) -> None:
    if not may_view_employers.test(user):
        raise PermissionDenied(_("Your role does not give access to employers."))


def require_edit(user) -> None:
    if not may_edit_employers.test(user):
        raise PermissionDenied(
            _(
                "Your role may read employers, vacancies and trainings but not change them: "
                "ask a job placement officer."
            )
        )


def _get(model, user, pk, *, edit: bool, queryset=None):
    (require_edit if edit else require_view)(user)
    qs = queryset if queryset is not None else model.objects.all()
    try:
        return qs.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Not found: check the address and the identifier.")) from None


def access_employer(user, pk, *, edit: bool = False, queryset=None) -> Employer:
    """The employer, if the user's role may see (or, with edit, change) employers:
    PermissionDenied for the role, Http404 when missing."""
    return _get(Employer, user, pk, edit=edit, queryset=queryset)


def access_vacancy(user, pk, *, edit: bool = False, queryset=None) -> Vacancy:
    return _get(Vacancy, user, pk, edit=edit, queryset=queryset)


def access_training(user, pk, *, edit: bool = False, queryset=None) -> Training:
    return _get(Training, user, pk, edit=edit, queryset=queryset)


__all__ = [
    "access_employer",
    "access_training",
    "access_vacancy",
    "may_edit_employers",
    "may_view_employers",
    "require_edit",
    "require_view",
]
