"""The JPESS steps the case page offers. They read only the case and the user (no
query), so the case page's query count stays what it was."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from kembali.cases.actions import NextAction
from kembali.cases.models import Case, Status
from kembali.placement import services


def jpess_actions(case: Case, user) -> list[NextAction]:
    found: list[NextAction] = []
    if not case.is_open:
        return found

    def add(label, url_name, secondary=False):
        found.append(NextAction(label, reverse(url_name, args=[case.number]), False, secondary))

    if (
        not case.in_jpess
        and case.status in services.REFERRABLE_STATUSES
        and services.may_refer(user, case)
    ):
        add(
            _("Refer to JPESS"),
            "placement:refer",
            secondary=case.status != Status.IN_REHABILITATION,
        )
    if not case.in_jpess:
        return found
    if services.may_assign_officer(user, case):
        if case.placement_officer_id is None:
            add(_("Assign a job placement officer"), "placement:assign")
        else:
            add(_("Reassign the job placement officer"), "placement:assign", secondary=True)
    if services.may_work_placement(user, case):
        add(_("Record the job placement assessment"), "placement:assessment")
        add(_("Support plan"), "placement:support_plan", secondary=True)
    from kembali.placement.match import may_match  # H1 matching

    if may_match(user, case):
        add(_("Find matching vacancies"), "placement:matches", secondary=True)
    add(_("JPESS"), "placement:case", secondary=True)
    return found
