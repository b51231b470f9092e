from django.urls import path

from kembali.employers.views import employers, trainings, vacancies

app_name = "employers"
urlpatterns = [
    path("", employers.employer_list, name="list"),
    path("new/", employers.employer_new, name="new"),
    path("<int:pk>/", employers.employer_detail, name="detail"),
    path("<int:pk>/edit/", employers.employer_edit, name="edit"),
    path("<int:pk>/contacts/new/", employers.contact_new, name="contact_new"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", employers.contact_edit, name="contact_edit"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/delete/",
        employers.contact_delete,
        name="contact_delete",
    ),
    path("<int:pk>/engagements/new/", employers.engagement_new, name="engagement_new"),
    path("<int:pk>/funnel/", employers.funnel_change, name="funnel"),
    path("<int:pk>/accessibility/", employers.accessibility_edit, name="accessibility"),
    path("<int:pk>/fiscal-benefits/", employers.fiscal_benefits, name="fiscal_benefits"),
    path("vacancies/", vacancies.vacancy_list, name="vacancy_list"),
    path("vacancies/new/", vacancies.vacancy_new, name="vacancy_new"),
    path("vacancies/import/", vacancies.vacancy_import, name="vacancy_import"),
    path("vacancies/occupations/", vacancies.occupation_options, name="occupation_options"),
    path("vacancies/<int:pk>/", vacancies.vacancy_detail, name="vacancy_detail"),
    path("vacancies/<int:pk>/edit/", vacancies.vacancy_edit, name="vacancy_edit"),
    path("vacancies/<int:pk>/close/", vacancies.vacancy_close_view, name="vacancy_close"),
    path("trainings/", trainings.training_list, name="training_list"),
    path("trainings/new/", trainings.training_new, name="training_new"),
    path("trainings/<int:pk>/", trainings.training_detail, name="training_detail"),
    path("trainings/<int:pk>/edit/", trainings.training_edit, name="training_edit"),
    path("trainings/<int:pk>/delete/", trainings.training_delete_view, name="training_delete"),
    path(
        "trainings/<int:pk>/attendances/<int:attendance_pk>/delete/",
        trainings.attendance_delete,
        name="attendance_delete",
    ),
]
