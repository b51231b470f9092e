from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "kembali.plans"
    label = "plans"

    def ready(self):
        # The case page learns about plans here, so cases never imports plans.
        from kembali.cases.actions import ActionSpec, register_case_action
        from kembali.cases.timeline import register_timeline_source
        from kembali.plans import timeline
        from kembali.plans.models import ProviderReferral, RehabPlan

        # rows: what each source reads, so that the case page asks it only when the
        # case has any (kembali.cases.timeline).
        register_timeline_source(timeline.plan_entries, rows=(RehabPlan, "case"))
        register_timeline_source(timeline.referral_entries, rows=(ProviderReferral, "case"))
        register_case_action("approve_plan", ActionSpec(_("Approve the plan"), "plans:plan"))
        register_case_action(
            "start_rehabilitation",
            ActionSpec(_("Start the rehabilitation"), "plans:start", button=True),
        )
