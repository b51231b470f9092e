"""Two-step sign-in pages: set up an authenticator app, and give a code after
the password. kembali.core.middleware.TwoStepMiddleware sends people here."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kembali.accounts.models import TotpDevice
from kembali.accounts.services import (
    totp_enrolment_confirm,
    totp_enrolment_start,
    totp_verify,
)
from kembali.accounts.totp import (
    PENDING_SESSION_KEY,
    confirmed_device,
    grouped_secret,
    provisioning_uri,
    two_step_required,
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        help_text=gettext_lazy("The 6 digits the app shows now, for example 123456."),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "core:home"


@login_required
def enrol(request):
    user = request.user
    if confirmed_device(user) is not None:
        messages.info(request, _("Two-step sign-in is already set up for your account."))
        return redirect("core:home")
    form = CodeForm(request.POST or None)
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    if request.method == "POST" and device is not None and form.is_valid():
        if totp_enrolment_confirm(user=user, code=form.cleaned_data["code"]):
            request.session.pop(PENDING_SESSION_KEY, None)
            messages.success(
                request,
                _("Two-step sign-in is set up. You will need a code each time you sign in."),
            )
            return redirect(_next_url(request))
        form.add_error("code", _("The code is not right. Check the app and try the new code."))
    if device is None:
        device = totp_enrolment_start(user=user)
    return render(
        request,
        "accounts/totp_enrol.html",
        {
            "form": form,
            "secret": grouped_secret(device.secret),
            "uri": provisioning_uri(device),
            "required": two_step_required(user),
            "next": request.GET.get("next", ""),
        },
    )


@login_required
def verify(request):
    if request.session.get(PENDING_SESSION_KEY) != "verify":
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_verify(user=request.user, code=form.cleaned_data["code"]):
            request.session.pop(PENDING_SESSION_KEY, None)
            request.session.cycle_key()
            return redirect(_next_url(request))
        form.add_error("code", _("The code is not right. Check the app and try the new code."))
    return render(
        request, "accounts/totp_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )
