from django.urls import path

from kembali.placement import views

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
]
