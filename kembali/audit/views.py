"""The audit trail page. Browsing the trail is not a read of health data, so it
records no access event of its own."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from kembali.audit.forms import AuditSearchForm
from kembali.audit.selectors import (
    CHANGES,
    READS,
    AuditPage,
    audit_search,
    may_search_audit,
    object_type_name,
)

PAGE_SIZE = 50


@login_required
def audit_trail(request):
    if not may_search_audit(request.user):
        raise PermissionDenied
    form = AuditSearchForm(request.GET or None, user=request.user)
    page = AuditPage()
    kind = request.GET.get("kind") if request.GET.get("kind") in (CHANGES, READS) else CHANGES
    if not request.GET:
        form = AuditSearchForm({"kind": CHANGES}, user=request.user)
    if form.is_valid():
        query = form.to_query()
        kind = query.kind
        page = audit_search(
            request.user,
            query,
            cursor=request.GET.get("before", ""),
            page_size=getattr(settings, "KEMBALI_AUDIT_PAGE_SIZE", PAGE_SIZE),
        )
    for event in page.events:
        event.object_type_name = object_type_name(event.object_type)
    return render(
        request,
        "audit/trail.html",
        {
            "form": form,
            "kind": kind,
            "page": page,
            "is_first_page": not request.GET.get("before"),
            "shows_office": "office" in form.fields,
        },
    )
