"""What notes, contacts, tasks and the return-to-work outcome add to the case
timeline. One query per source, however many rows the case has."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kembali.cases.models import Case, CaseContact, CaseNote, RtwLevel, RtwOutcome
from kembali.cases.services_monitoring import case_tasks
from kembali.cases.timeline import (
    NAME_PARTS,
    TimelineEntry,
    day_text,
    name_from_parts,
    reads,
    source_rows,
)


def _name(user) -> str:
    return user.display_name if user is not None else ""


def _note_rows(case_id: int) -> QuerySet:
    return CaseNote.objects.filter(case_id=case_id).values_list(
        "created_at", "text", *(f"author__{part}" for part in NAME_PARTS)
    )


@reads(_note_rows)
def note_entries(case: Case) -> Iterable[TimelineEntry]:
    title = _("Note")
    for created_at, text, *author in source_rows(case, _note_rows):
        yield TimelineEntry(
            at=created_at, kind="note", title=title, detail=text, actor=name_from_parts(*author)
        )


def _contact_rows(case_id: int) -> QuerySet:
    return CaseContact.objects.filter(case_id=case_id).values_list(
        "contacted_at",
        "party",
        "party_name",
        "method",
        "summary",
        "follow_up_needed",
        *(f"recorded_by__{part}" for part in NAME_PARTS),
    )


@functools.lru_cache(maxsize=8)
def _contact_texts(language: str) -> dict:
    """A contact entry's labels and sentences in `language` (called with it active)."""
    return {
        "parties": {value: str(label) for value, label in CaseContact.Party.choices},
        "methods": {value: str(label).lower() for value, label in CaseContact.Method.choices},
        "title": _("Contact with %(who)s by %(how)s"),
        "follow_up": _("Follow-up needed."),
    }


@reads(_contact_rows)
def contact_entries(case: Case) -> Iterable[TimelineEntry]:
    texts = _contact_texts(get_language())
    parties, methods = texts["parties"], texts["methods"]
    for at, party, party_name, method, summary, follow_up, *by in source_rows(case, _contact_rows):
        who = parties.get(party, party)
        if party_name:
            who = f"{who} ({party_name})"
        detail = f"{summary}\n{texts['follow_up']}" if follow_up else summary
        yield TimelineEntry(
            at=at,
            kind="contact",
            title=texts["title"] % {"who": who, "how": methods.get(method, str(method).lower())},
            detail=detail,
            actor=name_from_parts(*by),
        )


def task_entries(case: Case) -> Iterable[TimelineEntry]:
    for task in case_tasks(case):
        yield TimelineEntry(
            at=task.created_at,
            kind="task",
            title=_("Task: %(title)s") % {"title": task.title},
            detail=_("For %(who)s, due %(date)s")
            % {"who": task.assigned_to.display_name, "date": day_text(task.due_date)},
            actor=_name(task.created_by),
        )
        if task.done_at is not None:
            yield TimelineEntry(
                at=task.done_at,
                kind="task",
                title=_("Task done: %(title)s") % {"title": task.title},
                actor=_name(task.done_by),
            )


# What an outcome's entry shows: the joined employer, occupation and users are read
# for a name or a title only, as values with SQL built once (timeline.source_rows).
_OUTCOME_COLUMNS = (
    "return_date",
    "employer_name",
    "self_employed",
    "job_title",
    "auto_level",
    "level",
    "override_reason",
    "recorded_at",
    "employer__name",
    "isco_unit__code",
    "isco_unit__title",
    "isco_unit__title_ms",
    *(f"{user}__{part}" for user in ("recorded_by", "overridden_by") for part in NAME_PARTS),
)


def _outcome_rows(case_id: int) -> QuerySet:
    return RtwOutcome.objects.filter(case_id=case_id).values_list(*_OUTCOME_COLUMNS)


@functools.lru_cache(maxsize=8)
def _outcome_texts(language: str) -> dict:
    """An outcome entry's sentences and the levels' labels in `language` (called
    with it active), translated once rather than per entry."""
    return {
        "self_employed": _("self-employed"),
        "detail": _("%(title)s at %(where)s from %(date)s (%(isco)s)"),
        "overridden": _("Level set by %(who)s instead of the classified %(auto)s: %(reason)s"),
        "title": _("Return to work recorded: level %(level)s, %(label)s"),
        "levels": {value: str(label) for value, label in RtwLevel.choices},
    }


@reads(_outcome_rows)
def outcome_entries(case: Case) -> Iterable[TimelineEntry]:
    language = get_language()
    texts = _outcome_texts(language)
    levels = texts["levels"]
    malay = language == "ms"
    for row in source_rows(case, _outcome_rows):
        (return_date, employer_name, self_employed, job_title, auto_level, level) = row[:6]
        override_reason, recorded_at, employer, code, title, title_ms = row[6:12]
        where = employer_name or employer or ""
        if self_employed:
            where = where or texts["self_employed"]
        # IscoGroup.__str__: the code and the title in the reader's language.
        isco = f"{code} {title_ms if malay and title_ms else title}" if code else "None"
        detail = texts["detail"] % {
            "title": job_title,
            "where": where,
            "date": day_text(return_date),
            "isco": isco,
        }
        if level != auto_level:  # RtwOutcome.is_overridden
            detail += "\n" + texts["overridden"] % {
                "who": name_from_parts(*row[15:18]),
                "auto": levels.get(auto_level, auto_level),
                "reason": override_reason,
            }
        yield TimelineEntry(
            at=recorded_at,
            kind="outcome",
            title=texts["title"] % {"level": level, "label": levels.get(level, level)},
            detail=detail,
            actor=name_from_parts(*row[12:15]),
        )
