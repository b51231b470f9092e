"""What the lifecycle endpoints share: loading a case as the pages do, the case's state
in every answer, and one translation of the services' refusals into the API's errors.

The services decide everything (who may, from which stage, with which data); an
endpoint only maps their refusal to a status code:

- a stale ``version`` or a step the workflow does not allow from the case's stage:
  409 with the service's reason;
- a step this user may not take: 403;
- input the service refuses (a missing reason, a date in the future): 422, with
  ``errors`` naming the field where the service says which.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import ValidationError

from kembali.api.auth import personal_data_user
from kembali.api.errors import ERROR_RESPONSES, Conflict, ErrorOut, Forbidden, NotFound
from kembali.cases.access import access_case
from kembali.cases.models import Case, Status
from kembali.cases.services import DuplicateOpenCase, ReferralError
from kembali.cases.workflow import WorkflowError, due_next

# Every lifecycle endpoint may answer 409 besides the common errors.
LIFECYCLE_RESPONSES = {**ERROR_RESPONSES, 409: ErrorOut}

# PostgreSQL refuses NUL in text; nothing a person types has one.
NO_NUL = r"^[^\x00]*$"


class CaseStateOut(Schema):
    number: str = Field(examples=["RTW-2026-0000123"])
    # Spelt out rather than the Status enum: ninja names an enum's schema by its class
    # name, and another app's "Status" (of vacancies) would take its place.
    status: str = Field(json_schema_extra={"enum": list(Status.values)})
    status_label: str
    version: int = Field(description="The case's version now: send it with the next change.")
    due_next: str = Field(description="What is due next in this stage.")


class VersionIn(Schema):
    version: int = Field(
        ge=1,
        le=2_000_000_000,
        description="The case's version as you last read it; a change made since is "
        "refused with 409.",
    )


def case_state(case: Case) -> dict:
    return {
        "number": case.number,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "version": case.version,
        "due_next": due_next(case),
    }


def fresh_state(case: Case) -> dict:
    """The case's state as stored now (after a service that does not hand it back)."""
    return case_state(Case.objects.get(pk=case.pk))


def load_case(request, number: str) -> tuple[object, Case]:
    """(user, case) as access_case gives it: 403 for a role without personal data,
    404 when the case is missing or not this user's to see."""
    user = personal_data_user(request)
    try:
        return user, access_case(user, number)
    except Http404:
        raise NotFound(
            _("No case %(number)s among the cases you may see: check the case number.")
            % {"number": number[:40]}
        ) from None


def field_errors(errors: dict[str, list[str]], prefix: str = "body") -> ValidationError:
    """422 with one entry per field and message; "" is the request as a whole."""
    return ValidationError(
        [
            {"loc": (prefix, *[p for p in path.split(".") if p]), "msg": message}
            for path, messages in errors.items()
            for message in messages
        ]
    )


@contextmanager
def refusals() -> Iterator[None]:
    """Turn a service's refusal into the API's answer for it."""
    from kembali.plans.services import PlanConflict, PlanError, PlanForbidden, PlanNotValid

    try:
        yield
    except DuplicateOpenCase as exc:
        raise Conflict(exc.detail) from None
    except ReferralError as exc:
        raise field_errors(exc.errors) from None
    except WorkflowError as exc:
        if exc.status_code == 409:
            raise Conflict(exc.detail) from None
        if exc.status_code == 403:
            raise Forbidden(exc.detail) from None
        errors = getattr(exc, "errors", None)
        if isinstance(errors, dict) and errors:
            raise field_errors(errors) from None
        field = getattr(exc, "field", None) or ("reason" if exc.code == "reason_required" else "")
        raise field_errors({field: [exc.detail]}) from None
    except PlanForbidden as exc:
        raise Forbidden(exc.detail) from None
    except PlanConflict as exc:
        raise Conflict(exc.detail) from None
    except PlanNotValid as exc:
        raise field_errors({"": exc.errors}) from None
    except PlanError as exc:
        raise field_errors({"": [exc.detail]}) from None
    except PermissionDenied as exc:
        raise Forbidden(str(exc) or _("You may not do this.")) from None


def aware(value: dt.datetime, field: str) -> dt.datetime:
    """A datetime sent without a zone is Malaysian time, as on the forms."""
    if value.year < 1900:
        raise field_errors({field: [_("Give a date from 1900 on.")]})
    if timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


__all__ = [
    "LIFECYCLE_RESPONSES",
    "NO_NUL",
    "CaseStateOut",
    "VersionIn",
    "aware",
    "case_state",
    "field_errors",
    "fresh_state",
    "load_case",
    "refusals",
]
