"""Benchmarks only: the project's URLs plus one bare view to compare pages with.

The bare view is what a page cannot be cheaper than: a signed-in request through
the same middleware (session, locale, CSRF, authentication, CSP, axes ...) that
runs one indexed query, a case by its number, and returns a tiny page. The page
benchmarks report each page's time as a ratio to it.

Served only by the page benchmark's own process (bench/bench_pages.py sets
ROOT_URLCONF to this module) and by gunicorn in the load benchmark, where
kembali/settings.py mounts it when KEMBALI_BENCH_URLS=1 (refused in production).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import path
from django.utils.html import format_html

from kembali.cases.models import Case
from kembali.urls import urlpatterns as project_urlpatterns

BARE_PATH = "bench/bare/"


@login_required
def bare_view(request, number: str):
    # No access check on purpose: the floor is one indexed query, nothing more.
    found = Case.objects.filter(number=number).values_list("number", "status").first()
    if found is None:
        raise Http404("No such case.")
    return HttpResponse(format_html("<!doctype html><title>bare</title><p>{} {}</p>", *found))


urlpatterns = [
    path(f"{BARE_PATH}<str:number>/", bare_view, name="bench_bare"),
    *project_urlpatterns,
]
