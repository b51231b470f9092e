"""Trigram indexes for the case list's search box, on PostgreSQL only.

The search matches any part of a person's name or a case number, case-blind
(`icontains`, which PostgreSQL runs as UPPER(column) LIKE UPPER('%text%')): a
B-tree index cannot serve a match in the middle of a string, a pg_trgm GIN
index on the same UPPER(...) expression can. SQLite has no such index: there the
search reads the office's cases through the (office, -referral_date, -id)
index and the list counts at most a bounded number of matches
(kembali/cases/views/list.py). The index on people's names lives here, beside
the search that needs it, rather than in the people app.
"""

from django.db import migrations

INDEXES = (
    ("people_name_trgm", "people_insuredperson", "full_name"),
    ("case_number_trgm", "cases_case", "number"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may add it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_case_list_indexes"),
        ("people", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
