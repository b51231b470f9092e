"""What notes, contacts, tasks and the return-to-work outcome add to the case
timeline. One query per source, however many rows the case has."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kembali.cases.models import Case, CaseContact, CaseNote, RtwOutcome
from kembali.cases.services_monitoring import case_tasks
from kembali.cases.timeline import TimelineEntry


def _name(user) -> str:
    return user.display_name if user is not None else ""


def note_entries(case: Case) -> Iterable[TimelineEntry]:
    for note in CaseNote.objects.filter(case=case).select_related("author"):
        yield TimelineEntry(
            at=note.created_at,
            kind="note",
            title=_("Note"),
            detail=note.text,
            actor=_name(note.author),
        )


def contact_entries(case: Case) -> Iterable[TimelineEntry]:
    for contact in CaseContact.objects.filter(case=case).select_related("recorded_by"):
        who = contact.get_party_display()
        if contact.party_name:
            who = f"{who} ({contact.party_name})"
        detail = contact.summary
        if contact.follow_up_needed:
            detail = f"{detail}\n{_('Follow-up needed.')}"
        yield TimelineEntry(
            at=contact.contacted_at,
            kind="contact",
            title=_("Contact with %(who)s by %(how)s")
            % {"who": who, "how": contact.get_method_display().lower()},
            detail=detail,
            actor=_name(contact.recorded_by),
        )


def task_entries(case: Case) -> Iterable[TimelineEntry]:
    for task in case_tasks(case):
        yield TimelineEntry(
            at=task.created_at,
            kind="task",
            title=_("Task: %(title)s") % {"title": task.title},
            detail=_("For %(who)s, due %(date)s")
            % {"who": task.assigned_to.display_name, "date": date_format(task.due_date)},
            actor=_name(task.created_by),
        )
        if task.done_at is not None:
            yield TimelineEntry(
                at=task.done_at,
                kind="task",
                title=_("Task done: %(title)s") % {"title": task.title},
                actor=_name(task.done_by),
            )


def outcome_entries(case: Case) -> Iterable[TimelineEntry]:
    outcomes = RtwOutcome.objects.filter(case=case).select_related(
        "employer", "isco_unit", "recorded_by", "overridden_by"
    )
    for outcome in outcomes:
        where = outcome.employer_name or (outcome.employer.name if outcome.employer else "")
        if outcome.self_employed:
            where = where or _("self-employed")
        detail = _("%(title)s at %(where)s from %(date)s (%(isco)s)") % {
            "title": outcome.job_title,
            "where": where,
            "date": date_format(outcome.return_date),
            "isco": outcome.isco_unit,
        }
        if outcome.is_overridden:
            detail += "\n" + _(
                "Level set by %(who)s instead of the classified %(auto)s: %(reason)s"
            ) % {
                "who": _name(outcome.overridden_by),
                "auto": outcome.get_auto_level_display(),
                "reason": outcome.override_reason,
            }
        yield TimelineEntry(
            at=outcome.recorded_at,
            kind="outcome",
            title=_("Return to work recorded: level %(level)s, %(label)s")
            % {"level": outcome.level, "label": outcome.get_level_display()},
            detail=detail,
            actor=_name(outcome.recorded_by),
        )
