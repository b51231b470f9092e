"""The case workflow: one explicit table of allowed transitions and the one service
that moves a case along it.

Every other service that changes a case's stage (referral, assignment, assessment,
consent, plan approval, outcome, closure) calls case_transition, so the rules live
here and only here.

Decisions written down here because the domain leaves them open:
- Every ending goes through closure_pending, even consent withdrawal: the domain says
  a closure needs supervisor approval, and a withdrawn consent stops the work at once
  (nothing can happen in closure_pending but approving or refusing the closure).
- Refusing a closure sends the case back to the stage it was in before, read from the
  transition that brought it to closure_pending.
- Reopening a closed case sends it to "assigned" (the case manager picks up with a new
  assessment) and is only possible for a case that had a case manager. A case closed
  as not eligible is not reopened: a new referral decides eligibility on new facts.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kembali.accounts.models import Role
from kembali.audit.models import AuditEvent
from kembali.audit.services import audit_record
from kembali.cases.models import Case, ClosureReason, Status, Transition
from kembali.cases.reasons import SystemReason

# Sent after the transaction that moved a case has committed (never for a rolled-back
# one): notifications and task scheduling subscribe here.
# kwargs: case_id, from_status, to_status, actor_id, reason
case_transitioned = Signal()


class Performer(enum.Enum):
    """Who, in relation to the case, may perform a transition."""

    SYSTEM = "system"  # no user: a background job or import acting on its own
    REFERRER = "referrer"  # a case manager or supervisor of the case's office
    CASE_MANAGER = "case_manager"  # the case manager assigned to the case
    PLACEMENT_OFFICER = "placement_officer"  # the job placement officer on the case
    SUPERVISOR = "supervisor"  # a supervisor of the case's office
    NATIONAL_ADMIN = "national_admin"


SYSTEM, REFERRER, CM, PO, SUP, ADMIN = Performer
OVERSIGHT = frozenset({SUP, ADMIN})


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    action: str
    performers: frozenset[Performer]
    reason_required: bool = False


# Stages from which a case may be ended early (other endings), and the stages in which
# consent has been given, so it can be withdrawn.
ENDABLE = (
    Status.ELIGIBLE,
    Status.ASSIGNED,
    Status.ASSESSED,
    Status.CONSENTED,
    Status.PLAN_APPROVED,
    Status.IN_REHABILITATION,
    Status.JOB_PLACEMENT,
    Status.RETURNED_TO_WORK,
    Status.FOLLOW_UP,
)
AFTER_CONSENT = (
    Status.CONSENTED,
    Status.PLAN_APPROVED,
    Status.IN_REHABILITATION,
    Status.JOB_PLACEMENT,
    Status.RETURNED_TO_WORK,
    Status.FOLLOW_UP,
)
# The normal ending: the person is back at work and the follow-up confirmed it.
RTW_ENDING_FROM = (Status.RETURNED_TO_WORK, Status.FOLLOW_UP)


def _edges() -> tuple[Edge, ...]:
    S = Status
    edges = [
        Edge(S.REFERRED, S.ELIGIBLE, "decide_eligibility", frozenset({SYSTEM, REFERRER, ADMIN})),
        Edge(
            S.REFERRED, S.NOT_ELIGIBLE, "decide_eligibility", frozenset({SYSTEM, REFERRER, ADMIN})
        ),
        Edge(S.NOT_ELIGIBLE, S.ELIGIBLE, "override_eligibility", OVERSIGHT, reason_required=True),
        Edge(S.NOT_ELIGIBLE, S.CLOSED, "close_not_eligible", OVERSIGHT),
        Edge(S.ELIGIBLE, S.ASSIGNED, "assign", OVERSIGHT),
        Edge(S.ASSIGNED, S.ASSESSED, "record_assessment", frozenset({CM})),
        Edge(S.ASSESSED, S.CONSENTED, "record_consent", frozenset({CM})),
        Edge(S.CONSENTED, S.PLAN_APPROVED, "approve_plan", OVERSIGHT),
        Edge(S.PLAN_APPROVED, S.IN_REHABILITATION, "start_rehabilitation", frozenset({CM})),
        Edge(S.IN_REHABILITATION, S.JOB_PLACEMENT, "refer_to_jpess", frozenset({CM})),
        Edge(S.IN_REHABILITATION, S.RETURNED_TO_WORK, "record_return_to_work", frozenset({CM})),
        Edge(S.JOB_PLACEMENT, S.RETURNED_TO_WORK, "record_return_to_work", frozenset({CM, PO})),
        Edge(S.RETURNED_TO_WORK, S.FOLLOW_UP, "start_follow_up", frozenset({CM, PO})),
        # A job lost within the follow-up year sends the person back to job placement.
        Edge(
            S.RETURNED_TO_WORK,
            S.JOB_PLACEMENT,
            "job_lost",
            frozenset({CM, PO, SUP}),
            reason_required=True,
        ),
        Edge(
            S.FOLLOW_UP, S.JOB_PLACEMENT, "job_lost", frozenset({CM, PO, SUP}), reason_required=True
        ),
        Edge(S.CLOSURE_PENDING, S.CLOSED, "approve_closure", OVERSIGHT),
        Edge(S.CLOSED, S.ASSIGNED, "reopen", OVERSIGHT, reason_required=True),
    ]
    for source in ENDABLE:
        edges.append(
            Edge(source, S.CLOSURE_PENDING, "request_closure", frozenset({CM, PO, SUP, ADMIN}))
        )
        # Refusing a closure returns the case to where it was (checked against history).
        edges.append(
            Edge(S.CLOSURE_PENDING, source, "refuse_closure", OVERSIGHT, reason_required=True)
        )
    return tuple(edges)


TRANSITIONS: tuple[Edge, ...] = _edges()
_BY_PAIR: dict[tuple[str, str], Edge] = {(e.source, e.target): e for e in TRANSITIONS}


def edge_for(source: str, target: str) -> Edge | None:
    return _BY_PAIR.get((str(source), str(target)))


def edges_from(source: str) -> list[Edge]:
    return [e for e in TRANSITIONS if e.source == source]


class WorkflowError(Exception):
    """Base of the workflow's refusals. `.detail` is a message for the user; `.code`
    a stable machine name for the API."""

    code = "workflow_error"
    status_code = 400

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class CaseConflict(WorkflowError):
    code = "conflict"
    status_code = 409


class TransitionNotAllowed(WorkflowError):
    code = "transition_not_allowed"
    status_code = 409


class TransitionForbidden(WorkflowError):
    """The transition exists, but this user may not perform it."""

    code = "forbidden"
    status_code = 403


class ReasonRequired(WorkflowError):
    code = "reason_required"
    status_code = 400


def _performers_of(actor, case: Case) -> set[Performer]:
    if actor is None:
        return {SYSTEM}
    if not (actor.is_authenticated and actor.is_active):
        return set()
    found: set[Performer] = set()
    if actor.role == Role.NATIONAL_ADMIN:
        found.add(ADMIN)
    same_office = actor.office_id is not None and actor.office_id == case.office_id
    if same_office and actor.role == Role.SUPERVISOR:
        found |= {SUP, REFERRER}
    if same_office and actor.role == Role.CASE_MANAGER:
        found.add(REFERRER)
        if case.case_manager_id == actor.pk:
            found.add(CM)
    if (
        same_office
        and actor.role == Role.PLACEMENT_OFFICER
        and case.placement_officer_id == actor.pk
    ):
        found.add(PO)
    return found


def may_perform(actor, case: Case, edge: Edge) -> bool:
    return bool(_performers_of(actor, case) & edge.performers)


def _status_label(value: str) -> str:
    return str(Status(value).label)


def status_before_closure(case: Case) -> str | None:
    """The stage the case was in when its closure was requested. The case page's
    timeline has read the case's transitions already and leaves the answer on the
    case (kembali.cases.timeline.transition_entries)."""
    if "_status_before_closure" in case.__dict__:
        return case.__dict__["_status_before_closure"]
    last = (
        Transition.objects.filter(case=case, to_status=Status.CLOSURE_PENDING)
        .order_by("-at", "-id")
        .values_list("from_status", flat=True)
        .first()
    )
    return last


def _closure_is_binding(case: Case) -> bool:
    """A closure the supervisor may not refuse: without consent the case cannot go on."""
    return case.closure_reason == ClosureReason.CONSENT_WITHDRAWN


def allowed_targets(case: Case, actor=None) -> list[str]:
    """The stages the case may move to next (for this actor, when one is given)."""
    targets = []
    before_closure = status_before_closure(case) if case.status == Status.CLOSURE_PENDING else None
    for edge in edges_from(case.status):
        if edge.action == "refuse_closure" and (
            edge.target != before_closure or _closure_is_binding(case)
        ):
            continue
        if edge.action == "reopen" and case.case_manager_id is None:
            continue
        if actor is not None and not may_perform(actor, case, edge):
            continue
        targets.append(edge.target)
    return targets


def _not_allowed(case: Case, to: str) -> TransitionNotAllowed:
    nexts = allowed_targets(case)
    if nexts:
        allowed = ", ".join(_status_label(s) for s in nexts)
        detail = _(
            "A case cannot move from “%(from)s” to “%(to)s”. From “%(from)s” it can "
            "move to: %(allowed)s."
        ) % {"from": _status_label(case.status), "to": _status_label(to), "allowed": allowed}
    else:
        detail = _(
            "A case cannot move from “%(from)s” to “%(to)s”. A case in “%(from)s” cannot move on."
        ) % {"from": _status_label(case.status), "to": _status_label(to)}
    return TransitionNotAllowed(detail)


def case_lock(*, case: Case, expected_version: int | None = None) -> Case:
    """Re-read the case under a row lock and check that nobody changed it since the
    user loaded it. Every service that writes to a case starts here."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise CaseConflict(conflict_message(locked))
    return locked


def conflict_message(case: Case) -> str:
    last = (
        AuditEvent.objects.filter(object_type=Case._meta.label_lower, object_id=str(case.pk))
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if last is None:
        return _("This case was changed by someone else since you opened it; reload and try again.")
    who = last.actor.display_name if last.actor is not None else _("the system")
    when = date_format(timezone.localtime(last.at), "DATETIME_FORMAT")
    return _(
        "This case was changed by %(who)s at %(when)s since you opened it; reload and try again."
    ) % {"who": who, "when": when}


def case_touch(*, case: Case) -> None:
    """Bump the version of a locked case after a write that does not change its stage."""
    case.version += 1
    case.save(update_fields=["version", "updated_at"])


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to: str,
    actor,
    reason: str | SystemReason = "",
    expected_version: int | None = None,
    closure_reason: str = "",
) -> Case:
    """Move the case to the stage `to`. Returns the updated case.

    `closure_reason` (a ClosureReason) is required when requesting a closure.
    Raises CaseConflict, TransitionNotAllowed, TransitionForbidden or ReasonRequired;
    nothing is written then."""
    locked = case_lock(case=case, expected_version=expected_version)
    transition_locked(case=locked, to=to, actor=actor, reason=reason, closure_reason=closure_reason)
    # Hand the caller's object the new state, so it can keep using it.
    for field in ("status", "stage_changed_at", "version", "closure_reason", "closed_at"):
        setattr(case, field, getattr(locked, field))
    case.__dict__.pop("_status_before_closure", None)  # the timeline's answer, now stale
    return locked


def transition_locked(
    *, case: Case, to: str, actor, reason: str | SystemReason = "", closure_reason: str = ""
) -> Transition:
    """case_transition for a case the caller has already locked with case_lock (so a
    service can change other fields of the case in the same transaction).

    `reason` is what a person typed, or a SystemReason (a code rendered at read time
    in the reader's language) when the system gives the reason."""
    to = str(to)
    coded = reason if isinstance(reason, SystemReason) else None
    reason = coded.english() if coded else (reason or "").strip()
    source = case.status
    edge = edge_for(source, to)
    if edge is None:
        raise _not_allowed(case, to)
    if edge.action == "refuse_closure" and status_before_closure(case) != to:
        raise _not_allowed(case, to)
    if edge.action == "refuse_closure" and _closure_is_binding(case):
        raise TransitionNotAllowed(
            _(
                "The person withdrew their consent, so the case cannot go on: approve the "
                "closure. If they want to take part again, make a new referral."
            )
        )
    if edge.action == "reopen" and case.case_manager_id is None:
        raise TransitionNotAllowed(
            _("A case that never had a case manager cannot be reopened; make a new referral.")
        )
    if not may_perform(actor, case, edge):
        raise TransitionForbidden(
            _("You may not move this case from “%(from)s” to “%(to)s”.")
            % {"from": _status_label(source), "to": _status_label(to)}
        )
    if edge.reason_required and not reason:
        raise ReasonRequired(_("Give a reason for this step."))
    _check_closure(case, edge, closure_reason)

    now = timezone.now()
    changes = {"status": [source, to]}
    if to == Status.CLOSURE_PENDING:
        changes["closure_reason"] = [case.closure_reason, closure_reason]
        case.closure_reason = closure_reason
    elif source == Status.CLOSURE_PENDING and to != Status.CLOSED:
        changes["closure_reason"] = [case.closure_reason, ""]
        case.closure_reason = ""
    if to == Status.CLOSED:
        if source == Status.NOT_ELIGIBLE:
            case.closure_reason = ClosureReason.NOT_ELIGIBLE
            changes["closure_reason"] = ["", case.closure_reason]
        case.closed_at = now
    if source == Status.CLOSED:
        changes["closure_reason"] = [case.closure_reason, ""]
        case.closure_reason = ""
        case.closed_at = None

    case.__dict__.pop("_status_before_closure", None)  # the timeline's answer, now stale
    row = Transition.objects.create(
        case=case,
        from_status=source,
        to_status=to,
        actor=actor if actor is not None else None,
        at=now,
        reason=reason,
        reason_code=coded.code if coded else "",
        reason_params=dict(coded.params) if coded else {},
    )
    case.status = to
    case.stage_changed_at = now
    case.version += 1
    case.save(
        update_fields=[
            "status",
            "stage_changed_at",
            "version",
            "closure_reason",
            "closed_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="transition",
        obj=case,
        changes=changes,
        reason=reason,
        office=case.office,
    )
    payload = {
        "case_id": case.pk,
        "from_status": source,
        "to_status": to,
        "actor_id": getattr(actor, "pk", None),
        "reason": reason,
    }
    transaction.on_commit(lambda: case_transitioned.send(sender=Case, **payload))
    return row


def _check_closure(case: Case, edge: Edge, closure_reason: str) -> None:
    if edge.target != Status.CLOSURE_PENDING:
        return
    valid = set(ClosureReason.values) - {ClosureReason.NOT_ELIGIBLE}
    if closure_reason not in valid:
        raise ReasonRequired(_("Choose why the case is ending."))
    if closure_reason == ClosureReason.RETURNED_TO_WORK and case.status not in RTW_ENDING_FROM:
        raise TransitionNotAllowed(
            _("A case can only end as “returned to work” once the return to work is recorded.")
        )
    if closure_reason == ClosureReason.CONSENT_WITHDRAWN and case.status not in AFTER_CONSENT:
        raise TransitionNotAllowed(_("Consent can only be withdrawn once it has been recorded."))


# What is due next in each stage, for the case page and the "my cases" list.
DUE_NEXT: dict[str, str] = {
    Status.REFERRED: gettext_lazy("Decide eligibility"),
    Status.ELIGIBLE: gettext_lazy("Assign a case manager"),
    Status.NOT_ELIGIBLE: gettext_lazy("Close the case, or override the decision with a reason"),
    Status.ASSIGNED: gettext_lazy("Record the initial assessment"),
    Status.ASSESSED: gettext_lazy("Record the person's consent"),
    Status.CONSENTED: gettext_lazy("Design the rehabilitation plan and have it approved"),
    Status.PLAN_APPROVED: gettext_lazy("Start the rehabilitation"),
    Status.IN_REHABILITATION: gettext_lazy(
        "Monitor the interventions; record the return to work or refer to job placement"
    ),
    Status.JOB_PLACEMENT: gettext_lazy("Place the person in a job"),
    Status.RETURNED_TO_WORK: gettext_lazy("Start the follow-up"),
    Status.FOLLOW_UP: gettext_lazy("Check the person is still at work, then request the closure"),
    Status.CLOSURE_PENDING: gettext_lazy("A supervisor approves or refuses the closure"),
    Status.CLOSED: gettext_lazy("Nothing: the case is closed"),
}


def due_next(case: Case) -> str:
    return str(DUE_NEXT[case.status])


def days_in_stage(case: Case, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return (today - timezone.localtime(case.stage_changed_at).date()).days
