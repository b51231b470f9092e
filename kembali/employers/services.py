"""Changing employers: the record, contacts, engagements, the funnel and its owner.

Every write is one transaction and one audit event. Contacts are personal data:
their changes are audited with the old and the new value like everything else."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kembali.audit.services import audit_record, diff_fields
from kembali.employers.audited import (
    audited_create,
    audited_delete,
    audited_update,
    field_values,
)
from kembali.employers.models import (
    EMPLOYER_ACCESSIBILITY_FIELDS,
    Contact,
    Employer,
    Engagement,
    FunnelChange,
)

# "E", the state code of the registered address (01-16), a 7-digit serial: the
# format the generator writes (kembali.core.generate.draw.draw_employer).
EMPLOYER_CODE = re.compile(r"^E(0[1-9]|1[0-6])\d{7}$")

# The fields of the employer form (the record itself).
EMPLOYER_FIELDS = (
    "employer_code",
    "name",
    "industry",
    "size",
    "address",
    "district",
    "state",
    "latitude",
    "longitude",
    "owner",
)
CONTACT_FIELDS = ("name", "position", "phone", "email")


class EmployerError(Exception):
    """A change the rules refuse; the message says what to do instead."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def employer_code_normalise(raw: str) -> str:
    """The code in the stored form (upper case, no spaces or dashes), or ValueError
    with a message that shows the expected format."""
    code = re.sub(r"[\s-]", "", raw or "").upper()
    if not EMPLOYER_CODE.match(code):
        raise ValueError(
            _(
                "Enter the SOCSO employer code as E, the 2-digit state code (01 to 16) and "
                "a 7-digit serial, like E140000123."
            )
        )
    return code


def _check_code_free(code: str, exclude_pk=None) -> None:
    qs = Employer.objects.filter(employer_code=code)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise EmployerError(
            _("Another employer has the code %(code)s: search for it instead of adding it twice.")
            % {"code": code},
            field="employer_code",
        )


@transaction.atomic
def employer_create(*, actor, data: dict[str, Any]) -> Employer:
    """A new employer (a prospect unless data says otherwise), with its first
    funnel history row."""
    values = {k: v for k, v in data.items() if k in EMPLOYER_FIELDS}
    values["employer_code"] = employer_code_normalise(values["employer_code"])
    _check_code_free(values["employer_code"])
    employer = Employer.objects.create(**values)
    FunnelChange.objects.create(
        employer=employer, from_status="", to_status=employer.funnel_status, changed_by=actor
    )
    audit_record(
        actor=actor,
        action="employer.create",
        obj=employer,
        changes=diff_fields({}, field_values(employer, EMPLOYER_FIELDS)),
    )
    return employer


@transaction.atomic
def employer_update(*, actor, employer: Employer, data: dict[str, Any]) -> Employer:
    if "employer_code" in data:
        data = {**data, "employer_code": employer_code_normalise(data["employer_code"])}
        _check_code_free(data["employer_code"], exclude_pk=employer.pk)
    return audited_update(
        actor=actor, obj=employer, names=EMPLOYER_FIELDS, values=data, action="employer.update"
    )


@transaction.atomic
def employer_accessibility_update(
    *, actor, employer: Employer, measures: dict[str, bool], notes: str
) -> Employer:
    """The workplace's accessibility and inclusion checklist and notes."""
    values = {name: bool(measures.get(name)) for name in EMPLOYER_ACCESSIBILITY_FIELDS}
    return audited_update(
        actor=actor,
        obj=employer,
        names=(*EMPLOYER_ACCESSIBILITY_FIELDS, "accessibility_notes"),
        values={**values, "accessibility_notes": notes},
        action="employer.accessibility",
    )


@transaction.atomic
def employer_fiscal_benefits_inform(*, actor, employer: Employer, on: dt.date) -> Employer:
    """Record that the officer informed the employer of the fiscal benefits of
    employing persons with disabilities."""
    if on > timezone.localdate():
        raise EmployerError(_("The date cannot be in the future."), field="informed_on")
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    names = ("informed_fiscal_benefits_on", "informed_fiscal_benefits_by")
    old = field_values(employer, names)
    employer.informed_fiscal_benefits_on = on
    employer.informed_fiscal_benefits_by = actor
    employer.save(update_fields=[*names, "updated_at"])
    audit_record(
        actor=actor,
        action="employer.fiscal_benefits",
        obj=employer,
        changes=diff_fields(old, field_values(employer, names)),
    )
    return employer


@transaction.atomic
def employer_funnel_change(
    *, actor, employer: Employer, to_status: str, reason: str = ""
) -> FunnelChange:
    """Move the employer in the funnel; the history keeps who, when, from, to and why."""
    if to_status not in Employer.Funnel.values:
        raise EmployerError(_("Choose a funnel status from the list."), field="to_status")
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    if employer.funnel_status == to_status:
        raise EmployerError(
            _("The employer is already at “%(status)s”.")
            % {"status": employer.get_funnel_status_display()},
            field="to_status",
        )
    change = FunnelChange.objects.create(
        employer=employer,
        from_status=employer.funnel_status,
        to_status=to_status,
        changed_by=actor,
        reason=reason,
    )
    old = employer.funnel_status
    employer.funnel_status = to_status
    employer.save(update_fields=["funnel_status", "updated_at"])
    audit_record(
        actor=actor,
        action="employer.funnel",
        obj=employer,
        changes={"funnel_status": [old, to_status]},
        reason=reason,
    )
    return change


# -- contacts ----------------------------------------------------------------


@transaction.atomic
def contact_add(*, actor, employer: Employer, data: dict[str, Any]) -> Contact:
    return audited_create(
        actor=actor,
        model=Contact,
        names=CONTACT_FIELDS,
        values={k: data.get(k, "") for k in CONTACT_FIELDS},
        action="contact.create",
        employer=employer,
    )


@transaction.atomic
def contact_update(*, actor, contact: Contact, data: dict[str, Any]) -> Contact:
    return audited_update(
        actor=actor, obj=contact, names=CONTACT_FIELDS, values=data, action="contact.update"
    )


@transaction.atomic
def contact_remove(*, actor, contact: Contact) -> None:
    audited_delete(actor=actor, obj=contact, names=CONTACT_FIELDS, action="contact.delete")


# -- engagements -------------------------------------------------------------


@dataclass
class EngagementResult:
    engagement: Engagement
    # Set when someone other than the owner recorded it: shown to them, and audited.
    warning: str = ""


def second_officer_warning(employer: Employer, user) -> str:
    """The warning for `user` about to work an employer another officer owns, or ""."""
    owner = employer.owner
    if owner is None or user is None or owner.pk == user.pk:
        return ""
    since = (
        Engagement.objects.filter(employer=employer, by=owner)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    ) or employer.engaged_on
    if since is None:
        return _(
            "%(owner)s already works with this employer: talk to them before you contact "
            "the employer."
        ) % {"owner": owner.display_name}
    return _(
        "%(owner)s already works with this employer since %(since)s: talk to them before "
        "you contact the employer."
    ) % {"owner": owner.display_name, "since": formats.date_format(since, "j F Y")}


@transaction.atomic
def engagement_record(
    *, actor, employer: Employer, kind: str, date: dt.date, outcome: str = ""
) -> EngagementResult:
    """Record a visit, call, awareness session or agreement.

    The first engagement makes the recorder the owner (when there is none), sets
    the first-engagement date the yearly figure counts, and moves a prospect to
    "engaged". An engagement by someone other than the owner is recorded all the
    same, with a warning to talk to the owner: two officers calling one employer
    without knowing of each other is what the warning prevents, not cooperation."""
    if kind not in Engagement.Kind.values:
        raise EmployerError(_("Choose what kind of contact it was."), field="kind")
    if date > timezone.localdate():
        raise EmployerError(
            _("An engagement is recorded once it happened: the date cannot be in the future."),
            field="date",
        )
    employer = (
        Employer.objects.select_for_update(of=("self",)).select_related("owner").get(pk=employer.pk)
    )
    warning = second_officer_warning(employer, actor)
    engagement = Engagement.objects.create(
        employer=employer, kind=kind, date=date, outcome=outcome, by=actor
    )
    audit_record(
        actor=actor,
        action="engagement.create",
        obj=engagement,
        changes={"kind": [None, kind], "date": [None, date], "outcome": [None, outcome]},
    )
    old = field_values(employer, ("owner", "engaged_on", "funnel_status"))
    if employer.owner_id is None:
        employer.owner = actor
    if employer.engaged_on is None or date < employer.engaged_on:
        employer.engaged_on = date
    if employer.funnel_status == Employer.Funnel.PROSPECT:
        FunnelChange.objects.create(
            employer=employer,
            from_status=Employer.Funnel.PROSPECT,
            to_status=Employer.Funnel.ENGAGED,
            changed_by=actor,
            reason=_("First engagement recorded"),
        )
        employer.funnel_status = Employer.Funnel.ENGAGED
    changes = diff_fields(old, field_values(employer, ("owner", "engaged_on", "funnel_status")))
    if changes:
        employer.save(update_fields=[*changes, "updated_at"])
        audit_record(actor=actor, action="employer.engaged", obj=employer, changes=changes)
    if warning:
        audit_record(
            actor=actor,
            action="employer.second_officer",
            obj=employer,
            changes={"owner": [None, employer.owner_id], "officer": [None, actor.pk]},
            reason=warning,
        )
    return EngagementResult(engagement=engagement, warning=warning)
