from django.urls import path

from kembali.cases.views import assessment as assessment_views
from kembali.cases.views import consent as consent_views
from kembali.cases.views import detail as detail_views
from kembali.cases.views import imports as import_views
from kembali.cases.views import list as list_views
from kembali.cases.views import monitoring as monitoring_views
from kembali.cases.views import outcome as outcome_views
from kembali.cases.views import referral as referral_views
from kembali.cases.views import steps as step_views

app_name = "cases"
urlpatterns: list = [
    path("", list_views.case_list, name="list"),
    path("mine/", list_views.my_cases, name="mine"),
    path("new/", referral_views.referral_new, name="new"),
    path("new/occupations/", referral_views.occupation_suggestions, name="occupation_options"),
    path("tasks/mine/", monitoring_views.my_tasks, name="my_tasks"),
    # The CSV import of referrals (issue 3, part 2).
    path("import/", import_views.import_upload, name="import"),
    path("import/<str:result_id>/", import_views.import_status, name="import_status"),
    path("<str:number>/", detail_views.case_detail, name="detail"),
    path("<str:number>/assign/", step_views.case_assign_view, name="assign"),
    path(
        "<str:number>/eligibility/override/",
        step_views.eligibility_override_view,
        name="eligibility_override",
    ),
    path(
        "<str:number>/close-not-eligible/", step_views.close_not_eligible, name="close_not_eligible"
    ),
    path("<str:number>/closure/request/", step_views.closure_request, name="closure_request"),
    path("<str:number>/closure/approve/", step_views.closure_approve, name="closure_approve"),
    path("<str:number>/closure/refuse/", step_views.closure_refuse, name="closure_refuse"),
    path("<str:number>/reopen/", step_views.case_reopen, name="reopen"),
    # The initial assessment and consent (issue 3, parts 5 and 6).
    path("<str:number>/assessment/", assessment_views.assessment_page, name="assessment"),
    path("<str:number>/assessment/new/", assessment_views.assessment_new, name="assessment_new"),
    path("<str:number>/consent/", consent_views.consent_page, name="consent"),
    path("<str:number>/consent/new/", consent_views.consent_new, name="consent_new"),
    path("<str:number>/consent/print/", consent_views.consent_print, name="consent_print"),
    path("<str:number>/consent/form.pdf", consent_views.consent_form_pdf, name="consent_form_pdf"),
    path(
        "<str:number>/consent/withdraw/",
        consent_views.consent_withdraw_view,
        name="consent_withdraw",
    ),
    path(
        "<str:number>/consent/<int:pk>/signed-form/",
        consent_views.consent_signed_form,
        name="consent_signed_form",
    ),
    # Monitoring and the outcome (issue 3, parts 9 and 10).
    path("<str:number>/notes/new/", monitoring_views.note_new, name="note_new"),
    path("<str:number>/contacts/new/", monitoring_views.contact_new, name="contact_new"),
    path("<str:number>/tasks/new/", monitoring_views.task_new, name="task_new"),
    path("<str:number>/tasks/<int:task_id>/done/", monitoring_views.task_done, name="task_done"),
    path("<str:number>/outcome/", outcome_views.outcome_view, name="outcome"),
    path(
        "<str:number>/follow-up/start/", outcome_views.follow_up_start_view, name="follow_up_start"
    ),
]
