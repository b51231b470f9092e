from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementConfig(AppConfig):
    name = "kembali.placement"
    label = "placement"
    verbose_name = _("Job placement (JPESS)")

    def ready(self):
        # The case page learns about JPESS here, so cases never imports placement.
        from kembali.cases.actions import (
            ActionSpec,
            register_case_action,
            register_case_action_source,
        )
        from kembali.cases.timeline import register_timeline_source
        from kembali.placement import actions, timeline

        register_timeline_source(timeline.referral_entries)
        register_timeline_source(timeline.assessment_entries)
        register_timeline_source(timeline.activity_entries)
        register_case_action("refer_to_jpess", ActionSpec(_("Refer to JPESS"), "placement:refer"))
        register_case_action_source(actions.jpess_actions)
