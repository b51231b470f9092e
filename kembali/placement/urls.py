from django.urls import path

from kembali.placement import (
    views,
    views_coaching,
    views_followup,
    views_match,
    views_referrals,
    views_selfemployment,
)

app_name = "placement"
urlpatterns = [
    path("cases/<str:number>/", views.jpess_page, name="case"),
    path("cases/<str:number>/refer/", views.refer, name="refer"),
    path("cases/<str:number>/officer/", views.assign_officer, name="assign"),
    path("cases/<str:number>/assessment/", views.assessment_new, name="assessment"),
    path("cases/<str:number>/support-plan/", views.support_plan, name="support_plan"),
    path(
        "cases/<str:number>/support-plan/activities/new/",
        views.activity_new,
        name="activity_new",
    ),
    path(
        "cases/<str:number>/support-plan/activities/<int:pk>/",
        views.activity_edit,
        name="activity_edit",
    ),
    path(
        "cases/<str:number>/support-plan.pdf",
        views.support_plan_pdf_download,
        name="support_plan_pdf",
    ),
    # --- H1 matching: the vacancies for a case, one pair, the candidates for a
    # vacancy, the skills a vacancy asks for.
    path("cases/<str:number>/matches/", views_match.case_matches_page, name="matches"),
    path(
        "cases/<str:number>/matches/<int:vacancy_id>/",
        views_match.match_pair_page,
        name="match_pair",
    ),
    path(
        "vacancies/<int:vacancy_id>/candidates/",
        views_match.vacancy_candidates_page,
        name="vacancy_candidates",
    ),
    path(
        "vacancies/<int:vacancy_id>/skills/",
        views_match.vacancy_skills_page,
        name="vacancy_skills",
    ),
    # --- H3 follow-ups, job lost, and the self-employment track.
    path(
        "cases/<str:number>/follow-ups/<int:pk>/",
        views_followup.followup_record,
        name="followup_record",
    ),
    path("cases/<str:number>/job-lost/", views_followup.job_lost, name="job_lost"),
    path(
        "cases/<str:number>/self-employment/",
        views_selfemployment.self_employment,
        name="self_employment",
    ),
    path(
        "cases/<str:number>/self-employment/supports/new/",
        views_selfemployment.support_new,
        name="self_employment_support_new",
    ),
    path(
        "cases/<str:number>/self-employment/milestones/new/",
        views_selfemployment.milestone_new,
        name="self_employment_milestone_new",
    ),
    path(
        "cases/<str:number>/self-employment/milestones/<int:pk>/",
        views_selfemployment.milestone_report,
        name="self_employment_milestone_report",
    ),
    path(
        "cases/<str:number>/self-employment/start/",
        views_selfemployment.start,
        name="self_employment_start",
    ),
    # --- H2 referral to placement: referrals to vacancies (one page per step), the
    # job coach, coaching and counselling sessions.
    path("cases/<str:number>/referrals/new/", views_referrals.referral_new, name="referral_new"),
    path(
        "cases/<str:number>/referrals/<int:pk>/",
        views_referrals.referral_detail,
        name="referral_detail",
    ),
    *[
        path(
            f"cases/<str:number>/referrals/<int:pk>/{slug.replace('_', '-')}/",
            views_referrals.referral_step,
            {"step": slug},
            name=f"referral_{slug}",
        )
        for slug in ("interview", "offer", "not_selected", "accept", "decline", "place", "withdraw")
    ],
    path("cases/<str:number>/job-coach/", views_coaching.coach_assign, name="coach_assign"),
    path("cases/<str:number>/job-coach/end/", views_coaching.coach_end, name="coach_end"),
    path("cases/<str:number>/sessions/new/", views_coaching.session_new, name="session_new"),
]
