"""Hooks the initial assessment and consent into the case page: their timeline
sources and the steps "record the initial assessment" and "record the consent";
and makes a closure requested as "consent withdrawn" withdraw the consent too.
Called from CasesConfig.ready()."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from kembali.cases.actions import ActionSpec, register_case_action
    from kembali.cases.assessment import assessment_entries
    from kembali.cases.consent import consent_entries
    from kembali.cases.models import Assessment, Consent
    from kembali.cases.services_consent import on_case_transitioned
    from kembali.cases.timeline import register_timeline_source
    from kembali.cases.workflow import case_transitioned

    register_timeline_source(assessment_entries, rows=(Assessment, "case"))
    register_timeline_source(consent_entries, rows=(Consent, "case"))
    register_case_action(
        "record_assessment",
        ActionSpec(_("Record the initial assessment"), "cases:assessment_new"),
    )
    register_case_action("record_consent", ActionSpec(_("Record the consent"), "cases:consent_new"))
    case_transitioned.connect(
        on_case_transitioned, dispatch_uid="cases.consent_withdrawn_on_closure"
    )
