"""The case lifecycle through the API: every step a user takes on the case page, by the
same services, with the same permissions and audit (issue 3, part 13).

Each endpoint: personal_data_user (403 for a role without personal data), access_case
(404 when missing or not yours), then the service with the ``version`` the client
last read. The answer always carries the case's new ``version``. A stale version or
a step not allowed from the case's stage is 409 with the reason; a step this user
may not take is 403; refused input is 422 (kembali.cases.api.common.refusals)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from kembali.accounts.models import Role, User
from kembali.api.errors import ERROR_RESPONSES, Conflict, Forbidden
from kembali.audit.services import access_record
from kembali.cases.api.common import (
    LIFECYCLE_RESPONSES,
    NO_NUL,
    CaseStateOut,
    VersionIn,
    aware,
    case_state,
    field_errors,
    fresh_state,
    load_case,
    refusals,
)
from kembali.cases.models import CaseContact, ClosureReason, Consent, Status
from kembali.cases.services import case_assign, eligibility_override
from kembali.cases.services_assessment import assessment_record
from kembali.cases.services_consent import consent_record, consent_withdraw
from kembali.cases.services_monitoring import contact_create, note_create, task_create
from kembali.cases.services_outcome import NewJob, follow_up_start, outcome_record
from kembali.cases.timeline import case_timeline
from kembali.cases.workflow import case_transition, status_before_closure
from kembali.cases.workload import case_manager_loads
from kembali.employers.models import Employer
from kembali.providers.models import Provider

router = Router(tags=["case lifecycle"])

# Literals, not the models' enums: ninja names an enum's schema after its class, and
# Consent.Method and CaseContact.Method would share the name "Method".
ConsentMethod = Literal[tuple(Consent.Method.values)]
ContactParty = Literal[tuple(CaseContact.Party.values)]
ContactMethod = Literal[tuple(CaseContact.Method.values)]


def text(max_length: int, **kwargs):
    return Field(max_length=max_length, pattern=NO_NUL, **kwargs)


class StepOut(Schema):
    case: CaseStateOut


class CreatedOut(Schema):
    id: int = Field(description="The id of the record made.")
    case: CaseStateOut


class ReasonIn(VersionIn):
    reason: str = text(2000, min_length=1)


# --- eligibility and assignment


@router.post(
    "/cases/{number}/eligibility/override",
    response={200: StepOut, **LIFECYCLE_RESPONSES},
    summary="Override a negative eligibility decision",
)
def eligibility_override_post(request, number: str, body: ReasonIn):
    """A supervisor of the case's office makes a case found not eligible eligible, with
    a written reason."""
    user, case = load_case(request, number)
    with refusals():
        case = eligibility_override(
            case=case, actor=user, reason=body.reason, expected_version=body.version
        )
    return {"case": case_state(case)}


class CaseManagerLoadOut(Schema):
    username: str
    name: str
    load: int = Field(description="Open cases weighted by the work their stage takes.")
    open_cases: int


class SuggestionOut(Schema):
    suggested: CaseManagerLoadOut | None = Field(description="The least-loaded case manager.")
    case_managers: list[CaseManagerLoadOut] = Field(description="Least loaded first.")
    case: CaseStateOut


def _require_oversight(user, case) -> None:
    if user.role == Role.NATIONAL_ADMIN:
        return
    if user.role == Role.SUPERVISOR and user.office_id == case.office_id:
        return
    raise Forbidden(_("Only a supervisor of the case's office assigns its case manager."))


@router.get(
    "/cases/{number}/assignment/suggestion",
    response={200: SuggestionOut, **ERROR_RESPONSES},
    summary="Suggest a case manager",
)
def assignment_suggestion(request, number: str):
    """The case managers of the case's office with their workload, least loaded first;
    the first is the suggestion."""
    user, case = load_case(request, number)
    _require_oversight(user, case)
    loads = [
        {
            "username": row.user.username,
            "name": row.user.display_name,
            "load": row.load,
            "open_cases": row.open_cases,
        }
        for row in case_manager_loads(office=case.office)
    ]
    return {
        "suggested": loads[0] if loads else None,
        "case_managers": loads,
        "case": case_state(case),
    }


class AssignIn(VersionIn):
    case_manager: str = text(150, min_length=1, description="The case manager's username.")
    reason: str = text(2000, default="", description="Required when reassigning.")


@router.post(
    "/cases/{number}/assign",
    response={200: StepOut, **LIFECYCLE_RESPONSES},
    summary="Assign the case manager",
)
def assign_post(request, number: str, body: AssignIn):
    """Assign (or reassign, with a reason) the case manager."""
    user, case = load_case(request, number)
    _require_oversight(user, case)
    chosen = User.objects.filter(username=body.case_manager, office_id=case.office_id).first()
    if chosen is None:
        raise field_errors(
            {"case_manager": [_("No case manager of the case's office has this username.")]}
        )
    if case.case_manager_id is not None and not body.reason.strip():
        raise field_errors({"reason": [_("Say why the case is reassigned.")]})
    with refusals():
        case = case_assign(
            case=case,
            case_manager=chosen,
            actor=user,
            reason=body.reason,
            expected_version=body.version,
        )
    return {"case": case_state(case)}


# --- assessment and consent

Rating = Field(ge=0, le=3, description="0 no issue, 1 minor, 2 moderate, 3 severe barrier.")


class AssessmentIn(VersionIn):
    assessed_on: dt.date
    person_goal: str = text(
        4000, min_length=1, description="The person's own goal, in their words."
    )
    medical_rating: int = Rating
    functional_rating: int = Rating
    psychosocial_rating: int = Rating
    workplace_rating: int = Rating
    vocational_rating: int = Rating
    medical_notes: str = text(4000, default="")
    functional_notes: str = text(4000, default="")
    psychosocial_notes: str = text(4000, default="")
    workplace_notes: str = text(4000, default="")
    vocational_notes: str = text(4000, default="")


@router.post(
    "/cases/{number}/assessment",
    response={201: CreatedOut, **LIFECYCLE_RESPONSES},
    summary="Record an assessment",
)
def assessment_post(request, number: str, body: AssessmentIn):
    """The initial assessment (the case manager's; the case moves to assessed) or a
    later reassessment."""
    user, case = load_case(request, number)
    values = body.dict()
    version = values.pop("version")
    with refusals():
        assessment = assessment_record(case=case, actor=user, expected_version=version, **values)
    return 201, {"id": assessment.pk, "case": case_state(case)}


class ConsentIn(Schema):
    version: int = Field(ge=1, le=2_000_000_000)
    given_on: dt.date
    method: ConsentMethod
    joins_programme: bool
    intention_confirmed: bool
    shares_with_jpess: bool = False
    providers: str = Field(
        "",
        max_length=500,
        pattern=r"^[0-9, ]*$",
        description="Ids of the providers data may be shared with, separated by commas.",
    )
    employers: str = Field(
        "",
        max_length=500,
        pattern=r"^[0-9, ]*$",
        description="Ids of the employers data may be shared with, separated by commas.",
    )


def _ids(value: str) -> list[int]:
    return [int(v) for v in value.replace(" ", "").split(",") if v]


@router.post(
    "/cases/{number}/consent",
    response={201: CreatedOut, **LIFECYCLE_RESPONSES},
    summary="Record the person's consent",
)
def consent_post(request, number: str, body: Form[ConsentIn], signed_form: File[UploadedFile]):
    """The person's consent with the signed form (multipart: a PDF, JPEG or PNG); the
    case moves from assessed to consented."""
    user, case = load_case(request, number)
    provider_ids, employer_ids = _ids(body.providers), _ids(body.employers)
    providers = list(Provider.objects.filter(pk__in=provider_ids))
    employers = list(Employer.objects.filter(pk__in=employer_ids))
    if len(providers) != len(set(provider_ids)):
        raise field_errors({"providers": [_("No provider has one of these ids.")]})
    if len(employers) != len(set(employer_ids)):
        raise field_errors({"employers": [_("No employer has one of these ids.")]})
    with refusals():
        consent = consent_record(
            case=case,
            actor=user,
            given_on=body.given_on,
            method=body.method,
            joins_programme=body.joins_programme,
            intention_confirmed=body.intention_confirmed,
            signed_form=signed_form,
            providers=providers,
            employers=employers,
            shares_with_jpess=body.shares_with_jpess,
            expected_version=body.version,
        )
    return 201, {"id": consent.pk, "case": case_state(case)}


class WithdrawIn(ReasonIn):
    on_date: dt.date = Field(description="The day the person withdrew their consent.")


@router.post(
    "/cases/{number}/consent/withdraw",
    response={200: StepOut, **LIFECYCLE_RESPONSES},
    summary="Record a withdrawal of consent",
)
def consent_withdraw_post(request, number: str, body: WithdrawIn):
    """Sharing stops at once and the case goes to closure pending for a supervisor."""
    user, case = load_case(request, number)
    with refusals():
        consent_withdraw(
            case=case,
            actor=user,
            reason=body.reason,
            on_date=body.on_date,
            expected_version=body.version,
        )
    return {"case": fresh_state(case)}


# --- monitoring: notes, contacts, tasks


class NoteIn(Schema):
    text: str = text(10_000, min_length=1)


@router.post(
    "/cases/{number}/notes",
    response={201: CreatedOut, **LIFECYCLE_RESPONSES},
    summary="Add a case note",
)
def note_post(request, number: str, body: NoteIn):
    """A note does not change the case's stage or version."""
    user, case = load_case(request, number)
    with refusals():
        note = note_create(case=case, actor=user, text=body.text)
    return 201, {"id": note.pk, "case": case_state(case)}


class ContactIn(Schema):
    party: ContactParty
    party_name: str = text(150, default="")
    method: ContactMethod
    contacted_at: dt.datetime = Field(description="Without a zone: Malaysian time.")
    summary: str = text(10_000, min_length=1)
    follow_up_needed: bool = False
    follow_up_by: dt.date | None = Field(
        None, description="Makes a follow-up task for the case manager, due that day."
    )


@router.post(
    "/cases/{number}/contacts",
    response={201: CreatedOut, **LIFECYCLE_RESPONSES},
    summary="Record a contact",
)
def contact_post(request, number: str, body: ContactIn):
    user, case = load_case(request, number)
    with refusals():
        contact = contact_create(
            case=case,
            actor=user,
            party=body.party,
            method=body.method,
            contacted_at=aware(body.contacted_at, "contacted_at"),
            summary=body.summary,
            party_name=body.party_name,
            follow_up_needed=body.follow_up_needed,
            follow_up_by=body.follow_up_by,
        )
    return 201, {"id": contact.pk, "case": case_state(case)}


class TaskIn(Schema):
    title: str = text(200, min_length=1)
    due_date: dt.date
    assigned_to: str | None = Field(
        None, max_length=150, pattern=NO_NUL, description="Username; the case manager if left out."
    )


@router.post(
    "/cases/{number}/tasks",
    response={201: CreatedOut, **LIFECYCLE_RESPONSES},
    summary="Add a task",
)
def task_post(request, number: str, body: TaskIn):
    user, case = load_case(request, number)
    assignee = None
    if body.assigned_to:
        assignee = User.objects.filter(username=body.assigned_to).first()
        if assignee is None:
            raise field_errors({"assigned_to": [_("No user has this username.")]})
    with refusals():
        task = task_create(
            case=case, actor=user, title=body.title, due_date=body.due_date, assigned_to=assignee
        )
    return 201, {"id": task.pk, "case": case_state(case)}


# --- outcome, follow-up, closure


class OutcomeIn(VersionIn):
    return_date: dt.date
    isco_code: str = Field(pattern=r"^[0-9]{4}$", description="A 4-digit ISCO-08 unit group.")
    job_title: str = text(150, min_length=1)
    monthly_wage: Decimal = Field(ge=0, max_digits=9, decimal_places=2)
    hours_per_week: int = Field(ge=1, le=84)
    self_employed: bool = False
    employer_code: str = text(20, default="", description="SOCSO code of an employer on file.")
    employer_name: str = text(150, default="")
    level_override: int | None = Field(None, ge=1, le=7)
    override_reason: str = text(2000, default="")


class OutcomeOut(CreatedOut):
    level: int = Field(description="The RTW hierarchy level that stands (1 best ... 7).")
    auto_level: int = Field(description="The level as classified.")


@router.post(
    "/cases/{number}/outcome",
    response={201: OutcomeOut, **LIFECYCLE_RESPONSES},
    summary="Record the return to work",
)
def outcome_post(request, number: str, body: OutcomeIn):
    """The new job; its level in the RTW hierarchy is classified from the job before
    the injury, and may be overridden with a reason."""
    user, case = load_case(request, number)
    employer = None
    if body.employer_code:
        employer = Employer.objects.filter(employer_code=body.employer_code).first()
        if employer is None:
            raise field_errors({"employer_code": [_("No employer on file has this code.")]})
    job = NewJob(
        return_date=body.return_date,
        isco_code=body.isco_code,
        job_title=body.job_title,
        monthly_wage=body.monthly_wage,
        hours_per_week=body.hours_per_week,
        self_employed=body.self_employed,
        employer=employer,
        employer_name=body.employer_name,
    )
    with refusals():
        outcome = outcome_record(
            case=case,
            actor=user,
            job=job,
            level_override=body.level_override,
            override_reason=body.override_reason,
            expected_version=body.version,
        )
    return 201, {
        "id": outcome.pk,
        "level": outcome.level,
        "auto_level": outcome.auto_level,
        "case": case_state(case),
    }


@router.post(
    "/cases/{number}/follow-up",
    response={200: StepOut, **LIFECYCLE_RESPONSES},
    summary="Start the follow-up",
)
def follow_up_post(request, number: str, body: VersionIn):
    """Is the person still at work and productive? The case moves to follow-up."""
    user, case = load_case(request, number)
    with refusals():
        case = follow_up_start(case=case, actor=user, expected_version=body.version)
    return {"case": case_state(case)}


ENDINGS = [c for c in ClosureReason.values if c != ClosureReason.NOT_ELIGIBLE]


class ClosureIn(ReasonIn):
    closure_reason: ClosureReason = Field(
        description="Why the case ends (not_eligible is for closing a case found not eligible)."
    )


@router.post(
    "/cases/{number}/closure",
    response={200: StepOut, **LIFECYCLE_RESPONSES},
    summary="Request the closure",
)
def closure_request_post(request, number: str, body: ClosureIn):
    """Work on the case stops; a supervisor approves or refuses the closure."""
    user, case = load_case(request, number)
    if body.closure_reason not in ENDINGS:
        raise field_errors({"closure_reason": [_("Choose why the case is ending.")]})
    with refusals():
        case = case_transition(
            case=case,
            to=Status.CLOSURE_PENDING,
            actor=user,
            reason=body.reason,
            closure_reason=body.closure_reason,
            expected_version=body.version,
        )
    return {"case": case_state(case)}


@router.post(
    "/cases/{number}/closure/approve",
    response={200: StepOut, **LIFECYCLE_RESPONSES},
    summary="Approve the closure",
)
def closure_approve_post(request, number: str, body: VersionIn):
    """A supervisor closes a case whose closure is requested (or one found not eligible)."""
    user, case = load_case(request, number)
    with refusals():
        case = case_transition(
            case=case, to=Status.CLOSED, actor=user, expected_version=body.version
        )
    return {"case": case_state(case)}


@router.post(
    "/cases/{number}/closure/refuse",
    response={200: StepOut, **LIFECYCLE_RESPONSES},
    summary="Refuse the closure",
)
def closure_refuse_post(request, number: str, body: ReasonIn):
    """The case goes back to the stage it was in when the closure was requested."""
    user, case = load_case(request, number)
    if case.status != Status.CLOSURE_PENDING:
        raise Conflict(
            _("No closure of this case is waiting for a decision; it is “%(status)s”.")
            % {"status": case.get_status_display()}
        )
    with refusals():
        case = case_transition(
            case=case,
            to=status_before_closure(case) or case.status,
            actor=user,
            reason=body.reason,
            expected_version=body.version,
        )
    return {"case": case_state(case)}


@router.post(
    "/cases/{number}/reopen",
    response={200: StepOut, **LIFECYCLE_RESPONSES},
    summary="Reopen a closed case",
)
def reopen_post(request, number: str, body: ReasonIn):
    """A supervisor reopens a closed case, with a reason; it goes back to its case
    manager (assigned)."""
    user, case = load_case(request, number)
    if case.status != Status.CLOSED:
        # Without this, "reopen" of an eligible case would be an assignment.
        raise Conflict(
            _("Only a closed case can be reopened; this one is “%(status)s”.")
            % {"status": case.get_status_display()}
        )
    with refusals():
        case = case_transition(
            case=case,
            to=Status.ASSIGNED,
            actor=user,
            reason=body.reason,
            expected_version=body.version,
        )
    return {"case": case_state(case)}


# --- the timeline


class TimelineEntryOut(Schema):
    at: dt.datetime
    kind: str = Field(description="referral, transition, assignment, note, plan, ...")
    title: str
    detail: str
    actor: str = Field(description="Who did it; empty for the system.")


class TimelineOut(Schema):
    case: CaseStateOut
    entries: list[TimelineEntryOut] = Field(description="Newest first.")


@router.get(
    "/cases/{number}/timeline",
    response={200: TimelineOut, **ERROR_RESPONSES},
    summary="The case's timeline",
)
def timeline_get(request, number: str):
    """Everything that happened to the case, newest first, as on the case page.
    Recorded in the access log."""
    user, case = load_case(request, number)
    access_record(actor=user, what="case.timeline", obj=case, request=request)
    entries = [
        {
            "at": e.at,
            "kind": e.kind,
            "title": str(e.title),
            "detail": str(e.detail or ""),
            "actor": str(e.actor or ""),
        }
        for e in case_timeline(case)
    ]
    return {"case": case_state(case), "entries": entries}
