"""Locked accounts: supervisors (their office) and national administrators (all)
see who is locked out after too many failed sign-ins, and unlock them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kembali.accounts.lockout import can_unlock, locked_accounts_visible_to, may_manage_lockouts
from kembali.accounts.models import User
from kembali.accounts.services import user_unlock


@login_required
def locked_accounts(request):
    if not may_manage_lockouts(request.user):
        raise PermissionDenied
    return render(
        request,
        "accounts/locked_users.html",
        {"locked": locked_accounts_visible_to(request.user)},
    )


@login_required
@require_POST
def unlock(request):
    if not may_manage_lockouts(request.user):
        raise PermissionDenied
    user = User.objects.filter(username=request.POST.get("username", "")).first()
    # Someone outside the supervisor's office answers like a missing user.
    if user is None or not can_unlock(request.user, user):
        raise Http404
    user_unlock(actor=request.user, user=user, reason="unlocked from the locked accounts page")
    messages.success(
        request,
        _("%(name)s can sign in again.") % {"name": user.display_name},
    )
    return redirect("accounts:locked")
