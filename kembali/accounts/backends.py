"""The password backend: Django's ModelBackend, loading the signed-in user with
what every page's header shows of them (their office and how many of their
notifications are unread) in one query whose SQL is written once per database
(UserLoader), rather than the user by the ORM and then two queries of the header's.

Django's own AuthenticationMiddleware and get_user() call it: the session's
checks (backend, session hash, password change) stay Django's."""

from __future__ import annotations

from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        alias = router.db_for_read(auth.get_user_model())
        user = UserLoader.for_database(alias).load(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


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
