"""The next steps a user can take on a case, as the case page shows them.

A step is offered when the workflow allows its transition for this user AND a page
(or button) for it exists. Each workflow action names its page here; modules that
add pages for later steps (assessment, consent, plans) register theirs in their
AppConfig.ready() with register_case_action."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kembali.accounts.models import Role
from kembali.cases.models import OPEN_STATUSES, Case, Status
from kembali.cases.workflow import allowed_targets, edge_for


@dataclass(frozen=True)
class ActionSpec:
    label: str
    url_name: str  # takes the case number
    button: bool = False  # True: a POST button on the case page; False: a link to a page
    secondary: bool = False  # a less common step, shown as a secondary button


_ACTIONS: dict[str, ActionSpec] = {
    "override_eligibility": ActionSpec(
        _("Override the eligibility decision"), "cases:eligibility_override", secondary=True
    ),
    "close_not_eligible": ActionSpec(_("Close the case"), "cases:close_not_eligible", button=True),
    "assign": ActionSpec(_("Assign a case manager"), "cases:assign"),
    "request_closure": ActionSpec(_("End the case"), "cases:closure_request", secondary=True),
    "approve_closure": ActionSpec(_("Approve the closure"), "cases:closure_approve", button=True),
    "refuse_closure": ActionSpec(_("Refuse the closure"), "cases:closure_refuse", secondary=True),
    "reopen": ActionSpec(_("Reopen the case"), "cases:reopen", secondary=True),
}


def register_case_action(action: str, spec: ActionSpec) -> None:
    _ACTIONS[action] = spec


@dataclass(frozen=True)
class NextAction:
    label: str
    url: str
    button: bool
    secondary: bool


# (case, user) -> NextActions, for steps that are not transitions.
_SOURCES: list = []


def register_case_action_source(source) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def next_actions(case: Case, user) -> list[NextAction]:
    seen: set[str] = set()
    found: list[NextAction] = []
    for target in allowed_targets(case, user):
        edge = edge_for(case.status, target)
        if edge is None or edge.action in seen or edge.action not in _ACTIONS:
            continue
        seen.add(edge.action)
        spec = _ACTIONS[edge.action]
        found.append(
            NextAction(
                str(spec.label),
                reverse(spec.url_name, args=[case.number]),
                spec.button,
                spec.secondary,
            )
        )
    # Steps that are not workflow transitions (placement pages, for one): sources
    # registered by later modules; they must read only the case and the user, no query.
    shown = {a.url for a in found}
    for source in _SOURCES:
        found.extend(a for a in source(case, user) if a.url not in shown)
    if may_reassign(case, user):
        found.append(
            NextAction(
                str(_("Reassign the case manager")),
                reverse("cases:assign", args=[case.number]),
                False,
                True,
            )
        )
    # The main step first, then the rarer ones.
    return sorted(found, key=lambda a: a.secondary)


def may_reassign(case: Case, user) -> bool:
    if case.case_manager_id is None or case.status not in OPEN_STATUSES:
        return False
    if case.status == Status.REFERRED:
        return False
    if user.role == Role.NATIONAL_ADMIN:
        return True
    return user.role == Role.SUPERVISOR and user.office_id == case.office_id
