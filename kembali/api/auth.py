"""Who is calling the API: a personal token (for scripts) or a signed-in
browser session (for the interactive docs). Either way ``request.auth`` is the user.

What the user may then do is decided by the same role and office rules as the
web pages: the ``access_*`` functions of each app, and ``personal_data_user``
below for the role check that comes before any object is looked up."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from kembali.accounts.roles import sees_personal_data
from kembali.accounts.tokens import token_authenticate
from kembali.api.errors import Forbidden


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer kmb_…``: a personal API token."""

    def authenticate(self, request: HttpRequest, token: str):
        user = token_authenticate(token)
        if user is not None:
            # Code below the API reads request.user, as it does in a view.
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The Django session, CSRF-checked on unsafe methods.

    Skipped when an Authorization header is sent, so a wrong token is answered
    401 (not a CSRF error), and when nobody is signed in, so an anonymous POST
    is answered 401 too."""

    def __call__(self, request: HttpRequest):
        if "Authorization" in request.headers or not request.user.is_authenticated:
            return None
        return super().__call__(request)


api_auth = [ApiTokenAuth(), BrowserSessionAuth()]


def personal_data_user(request: HttpRequest):
    """The calling user, if their role may see personal data at all; else 403.

    A ministry analyst works with aggregates only, so every endpoint that
    returns a person or a case calls this first. The answer is 403 for every
    such endpoint, whatever the object, so it reveals nothing about what exists."""
    user = request.auth
    if not sees_personal_data(user):
        raise Forbidden(
            _(
                "Your role sees aggregate figures only: this endpoint returns personal "
                "data and is not available to you."
            )
        )
    return user
