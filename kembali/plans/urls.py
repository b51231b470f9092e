from django.urls import path

from kembali.plans import views

app_name = "plans"
urlpatterns = [
    path("<str:number>/", views.plan_page, name="plan"),
    path("<str:number>/new/", views.plan_new, name="new"),
    path("<str:number>/start/", views.plan_start, name="start"),
    path("<str:number>/referrals/new/", views.referral_new, name="referral_new"),
    path("<str:number>/referrals/<int:pk>/", views.referral_report, name="referral_report"),
    path("<str:number>/v<int:version>/", views.version_page, name="version"),
    path("<str:number>/v<int:version>/edit/", views.plan_edit, name="edit"),
    path("<str:number>/v<int:version>/submit/", views.plan_submit, name="submit"),
    path("<str:number>/v<int:version>/decide/", views.plan_decide, name="decide"),
    path("<str:number>/v<int:version>/pdf/", views.plan_pdf_download, name="pdf"),
    path(
        "<str:number>/v<int:version>/interventions/new/",
        views.intervention_new,
        name="intervention_new",
    ),
    path(
        "<str:number>/v<int:version>/interventions/<int:pk>/",
        views.intervention_edit,
        name="intervention_edit",
    ),
    path(
        "<str:number>/v<int:version>/interventions/<int:pk>/remove/",
        views.intervention_remove,
        name="intervention_remove",
    ),
    path(
        "<str:number>/v<int:version>/interventions/<int:pk>/status/",
        views.intervention_status,
        name="intervention_status",
    ),
]
