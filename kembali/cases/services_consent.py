"""Recording the person's consent, and its withdrawal.

Consent moves an assessed case to consented; without it the case cannot go past
assessment (the workflow offers an assessed case nothing but consent or an ending).
A withdrawal keeps the consent row, stops all sharing of the person's data and ends
the case through closure_pending with the reason consent_withdrawn: every ending
waits for a supervisor's approval."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kembali.audit.services import audit_record
from kembali.cases.models import Case, ClosureReason, Consent, Status
from kembali.cases.services_assessment import StepInvalid, date_problem, is_case_manager_of
from kembali.cases.workflow import (
    TransitionForbidden,
    TransitionNotAllowed,
    case_lock,
    case_touch,
    edge_for,
    may_perform,
    transition_locked,
)
from kembali.core.uploads import validate_upload
from kembali.employers.models import Employer
from kembali.providers.models import Provider

# Stages in which work on the case has stopped: a withdrawal is still recorded (it
# revokes sharing) but the case does not move again.
ENDED = (Status.CLOSURE_PENDING, Status.CLOSED)


def _consent_date_message(problem: str, case: Case) -> str:
    if problem == "missing":
        return _("Enter the date the person gave their consent.")
    if problem == "future":
        return _("The date of the consent cannot be in the future.")
    return _("The consent cannot date from before the referral, dated %(date)s.") % {
        "date": date_format(case.referral_date)
    }


@transaction.atomic
def consent_record(
    *,
    case: Case,
    actor,
    given_on: dt.date,
    method: str,
    joins_programme: bool,
    intention_confirmed: bool,
    signed_form,
    providers: Iterable[Provider] = (),
    employers: Iterable[Employer] = (),
    shares_with_jpess: bool = False,
    expected_version: int | None = None,
) -> Consent:
    """Record the person's consent with the signed form; the case moves from assessed
    to consented. Raises CaseConflict, TransitionForbidden, TransitionNotAllowed or
    StepInvalid (per field); nothing is written then."""
    locked = case_lock(case=case, expected_version=expected_version)
    if locked.status != Status.ASSESSED:
        raise TransitionNotAllowed(
            _(
                "Consent is recorded after the initial assessment and before the plan; "
                "this case is “%(status)s”."
            )
            % {"status": locked.get_status_display()}
        )
    if not is_case_manager_of(actor, locked):
        raise TransitionForbidden(_("Only the case's case manager may record the consent."))

    providers = list(providers)
    employers = list(employers)
    errors: dict[str, list[str]] = {}
    problem = date_problem(case=locked, on=given_on)
    if problem:
        errors["given_on"] = [_consent_date_message(problem, locked)]
    if method not in Consent.Method.values:
        errors["method"] = [_("Choose how the person gave their consent.")]
    if not joins_programme:
        errors["joins_programme"] = [
            _(
                "The person must consent to join the programme; without consent the case "
                "cannot go past the assessment."
            )
        ]
    if not intention_confirmed:
        errors["intention_confirmed"] = [
            _("Confirm that the person intends to take part in the programme.")
        ]
    if any(not p.is_active for p in providers):
        errors["providers"] = [_("Choose providers on the panel now.")]
    if not signed_form:
        errors["signed_form"] = [_("Upload the signed consent form.")]
    else:
        try:
            validate_upload(signed_form)
        except ValidationError as exc:
            errors["signed_form"] = list(exc.messages)
    if errors:
        raise StepInvalid(errors)

    consent = Consent(
        case=locked,
        given_on=given_on,
        method=method,
        joins_programme=True,
        intention_confirmed=True,
        shares_with_jpess=bool(shares_with_jpess),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    # save=False: the file is written with the row, after every check has passed.
    consent.signed_form.save(signed_form.name, signed_form, save=False)
    consent.save()
    consent.providers.set(providers)
    consent.employers.set(employers)
    audit_record(
        actor=actor,
        action="create",
        obj=consent,
        office=locked.office,
        changes={
            "given_on": [None, given_on.isoformat()],
            "providers": [None, ",".join(str(p.pk) for p in providers)],
            "employers": [None, ",".join(str(e.pk) for e in employers)],
            "shares_with_jpess": [None, consent.shares_with_jpess],
        },
    )
    transition_locked(case=locked, to=Status.CONSENTED, actor=actor)
    for name in ("status", "stage_changed_at", "version"):
        setattr(case, name, getattr(locked, name))
    return consent


def may_withdraw_consent(actor, case: Case) -> bool:
    """Whether the user may record a withdrawal for the case (the consent in force is
    checked by the caller or the service)."""
    if case.status in ENDED:
        edge = edge_for(Status.CONSENTED, Status.CLOSURE_PENDING)
    else:
        edge = edge_for(case.status, Status.CLOSURE_PENDING)
    return edge is not None and may_perform(actor, case, edge)


def _withdraw_locked(*, case: Case, consent: Consent, actor, reason: str, on_date: dt.date):
    consent.withdrawn_on = on_date
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.withdrawal_reason = reason
    consent.save(
        update_fields=["withdrawn_on", "withdrawn_at", "withdrawn_by", "withdrawal_reason"]
    )
    audit_record(
        actor=actor,
        action="withdraw",
        obj=consent,
        office=case.office,
        reason=reason,
        changes={"withdrawn_on": [None, on_date.isoformat()]},
    )


@transaction.atomic
def consent_withdraw(
    *,
    case: Case,
    actor,
    reason: str,
    on_date: dt.date,
    expected_version: int | None = None,
) -> Consent:
    """Record that the person withdrew their consent: sharing stops at once and the
    case goes to closure_pending (reason consent_withdrawn) for a supervisor to close.
    A case already ending keeps its stage; the withdrawal is recorded all the same."""
    locked = case_lock(case=case, expected_version=expected_version)
    consent = (
        Consent.objects.select_for_update()
        .filter(case=locked)
        .order_by("-recorded_at", "-id")
        .first()
    )
    if consent is None or consent.is_withdrawn:
        raise TransitionNotAllowed(_("The person has no consent in force to withdraw."))
    if not may_withdraw_consent(actor, locked):
        raise TransitionForbidden(_("You may not record a withdrawal of consent for this case."))

    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say why, or how, the person withdrew their consent.")]
    if on_date is None:
        errors["on_date"] = [_("Enter the date the person withdrew their consent.")]
    elif on_date > timezone.localdate():
        errors["on_date"] = [_("The date of the withdrawal cannot be in the future.")]
    elif on_date < consent.given_on:
        errors["on_date"] = [
            _("The withdrawal cannot date from before the consent, given on %(date)s.")
            % {"date": date_format(consent.given_on)}
        ]
    if errors:
        raise StepInvalid(errors)

    _withdraw_locked(case=locked, consent=consent, actor=actor, reason=reason, on_date=on_date)
    if locked.status in ENDED:
        case_touch(case=locked)
    else:
        transition_locked(
            case=locked,
            to=Status.CLOSURE_PENDING,
            actor=actor,
            reason=reason,
            closure_reason=ClosureReason.CONSENT_WITHDRAWN,
        )
    for name in ("status", "stage_changed_at", "version", "closure_reason"):
        setattr(case, name, getattr(locked, name))
    return consent


def on_case_transitioned(sender, *, case_id, to_status, actor_id, reason, **kwargs) -> None:
    """A closure requested as "consent withdrawn" from the general End the case page
    also withdraws the consent, so sharing stops however the ending was recorded.
    Safe to run twice: a consent already withdrawn is left alone."""
    if to_status != Status.CLOSURE_PENDING:
        return
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("office").get(pk=case_id)
        if case.closure_reason != ClosureReason.CONSENT_WITHDRAWN:
            return
        consent = (
            Consent.objects.select_for_update()
            .filter(case=case)
            .order_by("-recorded_at", "-id")
            .first()
        )
        if consent is None or consent.is_withdrawn:
            return
        actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
        _withdraw_locked(
            case=case,
            consent=consent,
            actor=actor,
            reason=reason or _("Recorded as the reason the case ended."),
            on_date=timezone.localdate(),
        )
