"""Hooks monitoring and the outcome into the case page: timeline sources and the
steps "record the return to work" and "start the follow-up". Called from
CasesConfig.ready()."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from kembali.cases import timeline_monitoring as sources
    from kembali.cases.actions import ActionSpec, register_case_action
    from kembali.cases.models import CaseContact, CaseNote, CaseTask, RtwOutcome
    from kembali.cases.timeline import register_timeline_source

    for source, model in (
        (sources.note_entries, CaseNote),
        (sources.contact_entries, CaseContact),
        (sources.task_entries, CaseTask),
        (sources.outcome_entries, RtwOutcome),
    ):
        register_timeline_source(source, rows=(model, "case"))
    register_case_action(
        "record_return_to_work", ActionSpec(_("Record the return to work"), "cases:outcome")
    )
    register_case_action(
        "start_follow_up",
        ActionSpec(_("Start the follow-up"), "cases:follow_up_start", button=True),
    )
