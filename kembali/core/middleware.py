"""The project's middleware: the two-step sign-in hold.

Two-step sign-in: after a password sign-in, hold the session at the code
page (or, for a role that needs two-step sign-in and has no app yet, at the
set-up page) until a code is given.

Only a password sign-in through the login pages starts the hold; the test
client's force_login does not pass through them and so is not held."""

from __future__ import annotations

from urllib.parse import quote

from django.shortcuts import redirect
from django.urls import reverse

from kembali.accounts.totp import PENDING_SESSION_KEY, confirmed_device, two_step_required

LOGIN_VIEWS = {"accounts:login", "admin:login"}
# What a held session may still reach: the two-step pages, sign-out, language.
OPEN_VIEWS = {"accounts:totp_verify", "accounts:totp_enrol", "accounts:logout", "set_language"}


class TwoStepMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            request.method == "POST"
            and match is not None
            and match.view_name in LOGIN_VIEWS
            and response.status_code in (301, 302, 303)
            and request.user.is_authenticated
        ):
            if confirmed_device(request.user) is not None:
                request.session[PENDING_SESSION_KEY] = "verify"
            elif two_step_required(request.user):
                request.session[PENDING_SESSION_KEY] = "enrol"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        session = getattr(request, "session", None)
        pending = session.get(PENDING_SESSION_KEY) if session is not None else None
        if not pending or not request.user.is_authenticated:
            return None
        if request.resolver_match.view_name in OPEN_VIEWS:
            return None
        target = reverse("accounts:totp_verify" if pending == "verify" else "accounts:totp_enrol")
        return redirect(f"{target}?next={quote(request.get_full_path())}")
