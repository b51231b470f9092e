"""/api/v1/: the ninja API's own URLs, then a JSON 404 for anything else under it,
so a client never receives an HTML page from the API."""

from django.http import JsonResponse
from django.urls import re_path
from django.utils.translation import gettext as _

from kembali.api.errors import error_body
from kembali.api.main import api

app_name = "api"


def not_found(request, path: str = ""):
    detail = _("There is no API endpoint at this address: see /api/v1/docs for the endpoints.")
    return JsonResponse(error_body(detail), status=404)


patterns, _app_name, _namespace = api.urls
urlpatterns = [*patterns, re_path(r"^(?P<path>.*)$", not_found)]
