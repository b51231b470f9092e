"""Reads whose SQL is built once per database and run again with new values.

The case page makes a dozen small reads of the same shape for every case. Building
each through the ORM costs more than running it: the case with its joins took
1.4 ms to compile and 0.1 ms to run in SQLite, a timeline source about a
millisecond to find a few rows. A PreparedQuery compiles a queryset made with
stand-in values once, finds where those values sit among its parameters, and then
runs its SQL with the real ones, converting the columns as the ORM would (times made
aware, JSON read, decimals) and, for model rows, building the instances with their
select_related relations the way QuerySet iteration does. Its SQL is also put in
the driver's own placeholder style once (kembali.core.prepared_sql): Django's SQLite
cursor rewrites every statement it runs, 130 µs for the case page's read of its case.

Only plain equality filters on the stand-ins are safe: a stand-in must reach the SQL
as one parameter, unchanged (not inside a LIKE pattern, not in a LIMIT).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

from kembali.core.prepared_sql import fetch_all, native_sql


def _is_mark(value, mark) -> bool:
    return type(value) is type(mark) and value == mark


class PreparedQuery:
    """`queryset` built with stand-in values; `marks` names each stand-in, and
    rows()/instances() take the real values by those names (a name whose stand-in
    the query does not use is ignored: a national administrator's cases are not
    filtered by office)."""

    def __init__(self, queryset: QuerySet, marks: dict[object, str], *, required=()):
        self.alias = queryset.db
        compiler = queryset.query.get_compiler(self.alias)
        self.sql, params = compiler.as_sql()
        self.native = native_sql(compiler.connection, self.sql)
        self.params = tuple(params)
        self.slots: dict[int, str] = {}
        for position, value in enumerate(self.params):
            for mark, name in marks.items():
                if _is_mark(value, mark):
                    self.slots[position] = name
        if not set(required) <= set(self.slots.values()):  # never expected
            raise RuntimeError(f"prepared query: {required!r} not all among {params!r}")
        self.select = compiler.select
        self.klass_info = compiler.klass_info
        self.annotation_col_map = compiler.annotation_col_map or {}
        columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
        self.converters = list(compiler.get_converters(columns).items())
        self.naive_times = _sqlite_datetimes(self.converters, compiler.connection)
        self._names: list[str] = []
        self._populators = None

    def rows(self, **values) -> list[tuple]:
        """The rows, as tuples of converted values."""
        connection = connections[self.alias]
        fetched = fetch_all(connection, self.sql, self.native, self.params_for(**values))
        return self._converted(fetched, connection)

    def params_for(self, **values) -> tuple:
        """The SQL's parameters with the real values in place of the stand-ins: with
        `sql`, a statement to run among others (kembali.core.dbbatch)."""
        params = list(self.params)
        for position, name in self.slots.items():
            params[position] = values[name]
        return tuple(params)

    def rows_from(self, fetched: list[tuple]) -> list[tuple]:
        """What rows() gives, from the rows of `sql` fetched elsewhere."""
        return self._converted(fetched, connections[self.alias])

    def _converted(self, rows: list[tuple], connection) -> list[tuple]:
        """The rows with each value through the ORM's converters (dates on SQLite,
        decimals ...), as a queryset would give them."""
        if not self.converters:
            return rows
        quick = self.naive_times
        # What the SQLite converter makes of a naive datetime (every time it reads):
        # aware in the connection's time zone with USE_TZ, else itself.
        zone = connection.timezone if quick and settings.USE_TZ else None
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in self.converters:
                value = row[position]
                if position in quick and type(value) is dt.datetime and value.tzinfo is None:
                    row[position] = value if zone is None else value.replace(tzinfo=zone)
                    continue
                for convert in functions:
                    value = convert(value, expression, connection)
                row[position] = value
            converted.append(tuple(row))
        return converted

    def instances(self, **values) -> list[Model]:
        """The rows as model instances, with their select_related relations and
        annotations."""
        info = self.klass_info
        start, end = info["select_fields"][0], info["select_fields"][-1] + 1
        if self._populators is None:  # they hold no row: made once
            self._names = [selected[0].target.attname for selected in self.select[start:end]]
            self._populators = get_related_populators(info, self.select, self.alias)
        names, populators = self._names, self._populators
        found = []
        for row in self.rows(**values):
            instance = info["model"].from_db(self.alias, names, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in self.annotation_col_map.items():  # as QuerySet does
                setattr(instance, name, row[position])
            found.append(instance)
        return found


def _sqlite_datetimes(converters, connection) -> frozenset[int]:
    """The columns whose one converter is SQLite's for datetimes, which
    PreparedQuery._converted does itself for a naive datetime (what the driver
    reads): a page of rows has dozens of times, and the converter's checks (the
    setting, is_aware, make_aware's own) cost more than the conversion."""
    if connection.vendor != "sqlite":
        return frozenset()
    convert = connection.ops.convert_datetimefield_value
    return frozenset(
        position for position, (functions, _expression) in converters if functions == [convert]
    )


class PreparedList(PreparedQuery):
    """A PreparedQuery for a list read a slice at a time (`queryset` is given
    unsliced: a LIMIT is not a parameter) or counted up to a bound, whose string
    stand-ins may also sit inside a LIKE pattern, as a search box's text does.

    `like_marks` names those stand-ins: a parameter that holds one inside a pattern
    ('%mark%' for contains, 'mark%' for startswith) gets the real value escaped for
    LIKE (connection.ops.prep_for_like_query, as the ORM's pattern lookups do). A
    like mark must hold no LIKE wildcard or escape character (%, _, \\)."""

    def __init__(
        self,
        queryset: QuerySet,
        marks: dict[object, str],
        *,
        like_marks: dict[str, str] | None = None,
        required=(),
    ):
        super().__init__(queryset, marks)
        self.patterns: dict[int, tuple[str, str, str]] = {}  # position: name, before, after
        for position, value in enumerate(self.params):
            if position in self.slots or not isinstance(value, str):
                continue
            for mark, name in (like_marks or {}).items():
                if mark in value:
                    before, _mark, after = value.partition(mark)
                    self.patterns[position] = (name, before, after)
        found = set(self.slots.values()) | {name for name, _b, _a in self.patterns.values()}
        if not set(required) <= found:  # never expected
            raise RuntimeError(f"prepared list: {required!r} not all among {self.params!r}")

    def _bound_params(self, values: dict, connection) -> tuple:
        params = list(self.params)
        for position, name in self.slots.items():
            params[position] = values[name]
        for position, (name, before, after) in self.patterns.items():
            params[position] = f"{before}{connection.ops.prep_for_like_query(values[name])}{after}"
        return tuple(params)

    def slice(self, low: int, high: int, **values) -> list[tuple]:
        """Rows low to high (as list[low:high] would), as tuples of converted values."""
        connection = connections[self.alias]
        limit = connection.ops.limit_offset_sql(low, high)  # integers, formatted by Django
        native = None if self.native is None else f"{self.native} {limit}"
        params = self._bound_params(values, connection)
        rows = fetch_all(connection, f"{self.sql} {limit}", native, params)
        return self._converted(rows, connection)

    def count(self, bound: int, **values) -> int:
        """How many rows there are, counting at most `bound`."""
        connection = connections[self.alias]
        limit = connection.ops.limit_offset_sql(0, bound)  # integers, formatted by Django
        sql = f"SELECT COUNT(*) FROM ({self.sql} {limit}) AS bounded"  # noqa: S608 (the ORM's SQL)
        native = None
        if self.native is not None:
            native = f"SELECT COUNT(*) FROM ({self.native} {limit}) AS bounded"  # noqa: S608
        return fetch_all(connection, sql, native, self._bound_params(values, connection))[0][0]
