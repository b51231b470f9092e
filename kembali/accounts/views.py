"""Sign in, sign out and password change: Django's views with our templates."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils import translation

from kembali.accounts.forms import LoginForm, StaffPasswordChangeForm


def apply_preferred_language(response, user):
    """Switch to the language the person chose in their profile: for the rest of
    this request and, through the language cookie, for the pages that follow."""
    language = getattr(user, "preferred_language", "")
    if language not in dict(settings.LANGUAGES):
        return response
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        return apply_preferred_language(super().form_valid(form), form.get_user())


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default): a link cannot sign someone out."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    form_class = StaffPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
