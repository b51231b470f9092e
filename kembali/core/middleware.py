"""The project's middleware: the signed-in user loaded with what the page header
shows (AuthenticationMiddleware), and the two-step sign-in hold.

Two-step sign-in: after a password sign-in, hold the session at the code
page (or, for a role that needs two-step sign-in and has no app yet, at the
set-up page) until a code is given.

Only a password sign-in through the login pages starts the hold; the test
client's force_login does not pass through them and so is not held."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthentication
from django.db import connections, router
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

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


class AuthenticationMiddleware(DjangoAuthentication):
    """Django's, except that the signed-in user is loaded with what every page's
    header shows of them, their office and how many of their notifications are
    unread, in one query whose SQL is written once per database (UserLoader)
    rather than compiled by the ORM on each request. The header took two queries
    of its own for these."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _cached_user(request))


def _cached_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)
    return request._cached_user


def get_user(request):
    """django.contrib.auth.get_user (Django 5.2), step for step: the session's
    user through the session's backend, then the session hash verified (a changed
    password signs the other sessions out). Only the load differs, for a backend
    that loads as ModelBackend does (tests/core/test_layout.py holds both to the
    same answers)."""
    from django.contrib.auth.models import AnonymousUser

    user = None
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            user = _load_user(load_backend(backend_path), user_id)
            if hasattr(user, "get_session_auth_hash"):
                session_hash = request.session.get(HASH_SESSION_KEY)
                if not session_hash:
                    session_hash_verified = False
                else:
                    session_auth_hash = user.get_session_auth_hash()
                    session_hash_verified = constant_time_compare(session_hash, session_auth_hash)
                if not session_hash_verified:
                    if session_hash and any(
                        constant_time_compare(session_hash, fallback_auth_hash)
                        for fallback_auth_hash in user.get_session_auth_fallback_hash()
                    ):
                        request.session.cycle_key()
                        request.session[HASH_SESSION_KEY] = session_auth_hash
                    else:
                        request.session.flush()
                        user = None
    return user or AnonymousUser()


def _load_user(backend, user_id):
    if type(backend).get_user is not ModelBackend.get_user:
        return backend.get_user(user_id)  # a backend of its own: its own load
    user = UserLoader.for_database(router.db_for_read(auth.get_user_model())).load(user_id)
    return user if user is not None and backend.user_can_authenticate(user) else None


class UserLoader:
    """SELECT user.*, office.*, (unread notifications) FROM user LEFT JOIN office
    WHERE user.id = %s: the SQL written once per database, the values converted as
    the ORM converts them, the user and office built with Model.from_db. The
    unread count is a COUNT on the notifications' (user, read_at) index, kept on
    the user as `unread_notifications` for the header."""

    @classmethod
    def for_database(cls, alias: str) -> UserLoader:
        """The loader of this thread's connection to the database: kept on the
        connection object, as the converters made for it are its own, and let go
        with it."""
        connection = connections[alias]
        loader = getattr(connection, "_kembali_user_loader", None)
        if loader is None:
            loader = connection._kembali_user_loader = cls(alias, connection)
        return loader

    def __init__(self, alias: str, connection):
        from kembali.notifications.models import Notification

        self.alias = alias
        self.connection = connection
        q = connection.ops.quote_name
        self.user_model = auth.get_user_model()
        office_field = self.user_model._meta.get_field("office")
        self.office_field = office_field
        self.office_model = office_field.related_model
        self.user_fields = list(self.user_model._meta.concrete_fields)
        self.office_fields = list(self.office_model._meta.concrete_fields)
        user_table = self.user_model._meta.db_table
        office_table = self.office_model._meta.db_table
        notifications = Notification._meta
        columns = [f"U.{q(f.column)}" for f in self.user_fields]
        columns += [f"O.{q(f.column)}" for f in self.office_fields]
        user_pk = q(self.user_model._meta.pk.column)
        # Identifiers only, from the models and quoted; the user's id is a parameter.
        columns.append(
            f"(SELECT COUNT(*) FROM {q(notifications.db_table)} N WHERE "  # noqa: S608
            f"N.{q(notifications.get_field('user').column)} = U.{user_pk} "
            f"AND N.{q(notifications.get_field('read_at').column)} IS NULL)"
        )
        self.sql = (
            f"SELECT {', '.join(columns)} FROM {q(user_table)} U "  # noqa: S608
            f"LEFT OUTER JOIN {q(office_table)} O "
            f"ON U.{q(office_field.column)} = O.{q(self.office_model._meta.pk.column)} "
            f"WHERE U.{user_pk} = %s"
        )
        compiler = connection.ops.compiler("SQLCompiler")(None, connection, alias)
        self.compiler = compiler
        cols = [f.get_col(user_table) for f in self.user_fields]
        cols += [f.get_col(office_table) for f in self.office_fields]
        cols.append(None)
        self.converters = compiler.get_converters(cols)
        self.user_names = [f.attname for f in self.user_fields]
        self.office_names = [f.attname for f in self.office_fields]

    def load(self, user_id):
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        if self.converters:
            row = next(iter(self.compiler.apply_converters([row], self.converters)))
        n_user = len(self.user_names)
        n_office = len(self.office_names)
        user = self.user_model.from_db(self.alias, self.user_names, row[:n_user])
        office_values = row[n_user : n_user + n_office]
        if user.office_id is not None:  # the join found it: a foreign key
            office = self.office_model.from_db(self.alias, self.office_names, office_values)
            self.office_field.set_cached_value(user, office)
        user.unread_notifications = row[-1]
        return user
