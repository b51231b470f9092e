from django.urls import path

from kembali.people import views

app_name = "people"
urlpatterns = [
    # <ref> is the person's id or NRIC (12 digits). Prefer the id in links: an
    # NRIC in an address ends up in logs.
    path("<str:ref>/export/", views.export_page, name="export"),
    path("<str:ref>/export.json", views.export_json, name="export_json"),
    path("<str:ref>/export.pdf", views.export_pdf, name="export_pdf"),
]
