from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("kembali.core.urls")),
    path("accounts/", include("kembali.accounts.urls")),
    path("cases/", include("kembali.cases.urls")),
    path("people/", include("kembali.people.urls")),
    path("plans/", include("kembali.plans.urls")),
    path("placement/", include("kembali.placement.urls")),
    path("providers/", include("kembali.providers.urls")),
    path("employers/", include("kembali.employers.urls")),
    path("reports/", include("kembali.reports.urls")),
    path("api/v1/", include("kembali.api.urls")),
    path("tokens/", include("kembali.api.web_urls")),
    path("notifications/", include("kembali.notifications.urls")),
    path("audit/", include("kembali.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
