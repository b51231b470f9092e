from django.urls import path

from kembali.reports import views, views_caseload, views_pack

app_name = "reports"
urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("refresh/", views.dashboard_refresh, name="dashboard_refresh"),
    path("cases/", views.drilldown, name="cases"),
    path("caseload/", views_caseload.caseload, name="caseload"),
    path("pack/", views_pack.pack, name="pack"),
    path("pack/<int:pk>/", views_pack.pack_export, name="pack_export"),
    path("pack/<int:pk>/pdf/", views_pack.pack_download_pdf, name="pack_pdf"),
    path("pack/<int:pk>/xlsx/", views_pack.pack_download_xlsx, name="pack_xlsx"),
]
