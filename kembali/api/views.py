"""Web pages to manage one's personal API tokens: list, create (the token is shown
once), revoke. The work is done by kembali.accounts.tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kembali.accounts.models import ApiToken
from kembali.accounts.tokens import TokenError, token_create, token_revoke, tokens_revocable_by
from kembali.api.forms import TokenCreateForm


@login_required
@require_http_methods(["GET"])
def token_list(request):
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "api/token_list.html", {"tokens": tokens})


@login_required
@never_cache  # the answer to a POST holds the plaintext token: no cache may keep it
@require_http_methods(["GET", "POST"])
def token_new(request):
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, plaintext = token_create(user=request.user, name=form.cleaned_data["name"])
        # Rendered, not redirected: the plaintext must not be kept anywhere to
        # show it on a later request.
        return render(request, "api/token_created.html", {"token": token, "plaintext": plaintext})
    return render(request, "api/token_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke_confirm(request, pk: int):
    try:
        token = tokens_revocable_by(request.user).get(pk=pk)
    except ApiToken.DoesNotExist:
        raise Http404(_("No such token.")) from None
    if request.method == "POST":
        try:
            token_revoke(user=request.user, token_id=token.pk)
        except TokenError:
            messages.error(
                request, _("The token “%(name)s” was already revoked.") % {"name": token.name}
            )
        else:
            messages.success(
                request,
                _("The token “%(name)s” is revoked: it no longer works with the API.")
                % {"name": token.name},
            )
        return redirect("tokens:list")
    return render(request, "api/token_revoke.html", {"token": token})
