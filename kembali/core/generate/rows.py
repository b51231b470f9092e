"""Fast inserts for the generator: one executemany per table and batch on SQLite,
one COPY on PostgreSQL, with values adapted by the backend's own operations. The
ORM's bulk_create spends most of its time compiling SQL per object; at a million
cases that is the difference between minutes and hours. On PostgreSQL even a
pipelined executemany sends, and psycopg handles, one statement and one result
per row, a third of the generator's time: COPY streams the rows instead.

Ids of the tables whose rows others point to are given out here, from the
table's largest id, and the PostgreSQL sequences are moved past them at the
end (`sequences_reset`). The generator is therefore not meant to run while
others insert into the same tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

Adapter = Callable[[object], object] | None


def _sqlite_datetime(value):
    # What SQLite's adapt_datetimefield_value gives (UTC, naive, ISO with a space),
    # without its per-call settings lookups: a third of the generator's time otherwise.
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


def _adapter(field: models.Field) -> Adapter:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite" and settings.USE_TZ:
            return _sqlite_datetime
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


class TableWriter:
    """Insert rows given as tuples in the order of `fields`; every other concrete
    field gets its default (auto_now fields: now), so a field another app adds
    with a default does not break the generator."""

    def __init__(self, model: type[models.Model], fields: Sequence[str], *, with_ids: bool = False):
        meta = model._meta
        self.model = model
        self.with_ids = with_ids
        given = [meta.get_field(name) for name in fields]
        names = {f.name for f in given}
        now = timezone.now()
        extra, extra_values = [], []
        for field in meta.concrete_fields:
            if field.primary_key or field.name in names:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_default()  # "" for text fields without one
                if value is None and not field.null:
                    raise TypeError(f"{meta.label}.{field.name} has no default: give it a value.")
            extra.append(field)
            extra_values.append(value)
        columns = ([meta.pk] if with_ids else []) + given + extra
        self.adapters = [_adapter(f) for f in ([meta.pk] if with_ids else []) + given]
        self.extra = tuple(
            a(v) if (a := _adapter(f)) and v is not None else v
            for f, v in zip(extra, extra_values, strict=True)
        )
        quote = connection.ops.quote_name
        # Names come from the models' metadata; values are always parameters.
        names = ", ".join(quote(f.column) for f in columns)
        marks = ", ".join(["%s"] * len(columns))
        self.sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {quote(meta.db_table)} ({names}) FROM STDIN"
        self.next_id = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1 if with_ids else 0
        self.adapting = [(i, a) for i, a in enumerate(self.adapters) if a is not None]

    def allocate(self) -> int:
        pk = self.next_id
        self.next_id += 1
        return pk

    def write(self, rows: Iterable[tuple]) -> int:
        extra = self.extra
        prepared = []
        for row in rows:
            if self.adapting:
                row = list(row)
                for i, adapt in self.adapting:
                    if row[i] is not None:
                        row[i] = adapt(row[i])
            prepared.append((*row, *extra))
        if prepared:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # Django's wrapper has no copy(); psycopg's own cursor does.
                    with cursor.cursor.copy(self.copy_sql) as copy:
                        for row in prepared:
                            copy.write_row(row)
                else:
                    cursor.executemany(self.sql, prepared)
        return len(prepared)


def in_batches(rows: Iterable, size: int) -> Iterator[list]:
    """`rows` in lists of `size` (the last one shorter), for a pass that reads a
    queryset's iterator and writes each batch in a transaction of its own."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def sequences_reset(models_: Sequence[type[models.Model]]) -> None:
    """Move PostgreSQL's id sequences past the ids given out here (no-op on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
