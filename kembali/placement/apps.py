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
        from kembali.placement import models as m

        # rows: what each source reads, so that the case page asks it only when the
        # case has any (kembali.cases.timeline).
        register_timeline_source(timeline.referral_entries, rows=(m.JpessReferral, "case"))
        register_timeline_source(timeline.assessment_entries, rows=(m.PlacementAssessment, "case"))
        register_timeline_source(timeline.activity_entries, rows=(m.SupportActivity, "plan__case"))
        register_case_action("refer_to_jpess", ActionSpec(_("Refer to JPESS"), "placement:refer"))
        register_case_action_source(actions.jpess_actions)
        # Referrals to vacancies, the job coach and sessions (H2).
        from kembali.placement import timeline_jobs, views_referrals

        register_timeline_source(
            timeline_jobs.vacancy_referral_entries, rows=(m.VacancyReferral, "case")
        )
        register_timeline_source(timeline_jobs.job_coach_entries, rows=(m.JobCoach, "case"))
        register_timeline_source(
            timeline_jobs.support_session_entries, rows=(m.SupportSession, "case")
        )
        register_case_action_source(views_referrals.job_actions)
        self._ready_followups()
        # The writes that change a matching candidate bump the candidate marker.
        from kembali.placement.matching import candidates

        candidates.connect()

    def _ready_followups(self):
        # Follow-ups and self-employment (H3): scheduled with every outcome of a JPESS
        # case, checked for lateness each morning, on the timeline.
        from django.db.models.signals import post_save

        from kembali.cases.actions import (
            ActionSpec,
            register_case_action,
            register_case_action_source,
        )
        from kembali.cases.models import RtwOutcome
        from kembali.cases.tasks import register_daily_task
        from kembali.cases.timeline import register_timeline_source
        from kembali.placement import followups, timeline_followup
        from kembali.placement import models as m

        post_save.connect(
            followups.schedule_on_outcome,
            sender=RtwOutcome,
            dispatch_uid="placement.follow_ups_schedule",
        )
        register_daily_task(followups.follow_ups_overdue)
        register_case_action_source(followups.followup_actions)
        register_timeline_source(timeline_followup.follow_up_entries, rows=(m.FollowUp, "case"))
        register_timeline_source(
            timeline_followup.self_employment_entries, rows=(m.SelfEmploymentPlan, "case")
        )
        register_timeline_source(
            timeline_followup.support_entries, rows=(m.SelfEmploymentSupport, "plan__case")
        )
        register_timeline_source(
            timeline_followup.milestone_entries, rows=(m.IncomeMilestone, "plan__case")
        )
        register_case_action(
            "job_lost",
            ActionSpec(_("The person lost the job"), "placement:job_lost", secondary=True),
        )
