"""Login lockout (django-axes): the authentication backend and the lockout page.

Attempts are counted per username (settings.AXES_LOCKOUT_PARAMETERS): staff of
one office share a NAT address, so an address-based lockout would shut out the
whole office because of one person's typing."""

import datetime as dt
from dataclasses import dataclass

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

from kembali.accounts.models import Role, User


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username before any password is checked.

    authenticate() without a request never comes from the login page: it is a
    shell session or the test client's login(). Axes cannot count such calls (it
    keys on the request), so they pass through to the password backend instead
    of failing with AxesBackendRequestParameterRequired."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out user sees, in the site layout, instead of the login form."""
    return render(
        request,
        "accounts/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


@dataclass(frozen=True)
class LockedAccount:
    username: str
    user: object  # accounts.User
    failures: int
    last_attempt: object  # datetime


def can_unlock(actor, user) -> bool:
    """National administrators unlock anyone; supervisors the staff of their office."""
    if not (actor and actor.is_authenticated and actor.is_active):
        return False
    if actor.role == Role.NATIONAL_ADMIN:
        return True
    return (
        actor.role == Role.SUPERVISOR
        and actor.office_id is not None
        and user.office_id == actor.office_id
    )


def may_manage_lockouts(actor) -> bool:
    return bool(
        actor
        and actor.is_authenticated
        and actor.is_active
        and actor.role in (Role.SUPERVISOR, Role.NATIONAL_ADMIN)
    )


def locked_accounts_visible_to(actor) -> list[LockedAccount]:
    """The staff accounts now locked out that this actor may unlock. Attempts on
    user names that match nobody are left out: there is nothing to unlock."""
    if not may_manage_lockouts(actor):
        return []
    attempts = AccessAttempt.objects.exclude(username=None)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(
            attempt_time__gte=timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
        )
    rows = (
        attempts.values("username")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt")
    )
    by_name = {row["username"]: row for row in rows}
    users = User.objects.filter(username__in=by_name).select_related("office")
    if actor.role != Role.NATIONAL_ADMIN:
        users = users.filter(office_id=actor.office_id)
    found = [
        LockedAccount(
            username=user.username,
            user=user,
            failures=by_name[user.username]["failures"],
            last_attempt=by_name[user.username]["last_attempt"],
        )
        for user in users
    ]
    return sorted(found, key=lambda row: row.last_attempt, reverse=True)


def is_locked_out(username: str) -> bool:
    failures = (
        AccessAttempt.objects.filter(username=username).aggregate(n=Sum("failures_since_start"))[
            "n"
        ]
        or 0
    )
    return failures >= settings.AXES_FAILURE_LIMIT
