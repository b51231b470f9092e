"""The person's name on the case row, for the case lists' search box.

The search found an office's cases whose person's name holds the text by joining
the office's cases to the people whose name matched: at 100,000 cases a
supervisor's search for a name read some 2,500 people and 6,000 cases (6-16 ms on
PostgreSQL), and SQLite looked up each candidate case's person. With a copy of the
name on the case (Case.person_name, kept by people.services.person_name_copies_sync),
the search reads cases alone:

- PostgreSQL: a trigram index on UPPER(person_name), as 0007 made for people's
  names, which the planner combines with the office's or the manager's index;
- SQLite: case_office_search (0011) holds the name instead of the person's id,
  so a search walks that index alone until a page is found.

Filling the copies is one UPDATE, which writes every case row once (the whole
migration took 16 s at 100,000 cases on PostgreSQL here, most of it that UPDATE; a
database without autovacuum wants a VACUUM after it); a database with statistics
(kembali.core.dbstats) gets the new index's too.
"""

from django.db import migrations, models

from kembali.core.dbstats import SQLITE_ANALYSIS_LIMIT

FILL = (
    "UPDATE cases_case SET person_name = (SELECT full_name FROM people_insuredperson"
    " WHERE people_insuredperson.id = cases_case.person_id)"
)
PG_INDEX = "case_person_name_trgm"
SQLITE_INDEX = "case_office_search"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON cases_case "
            "USING gin ((UPPER(person_name::text)) gin_trgm_ops)"
        )
        schema_editor.execute("ANALYZE cases_case")
    elif vendor == "sqlite":
        _sqlite_search_index(schema_editor, "person_name")


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
    elif vendor == "sqlite":
        _sqlite_search_index(schema_editor, "person_id")


def _sqlite_search_index(schema_editor, column: str) -> None:
    """case_office_search (0011) again, holding `column` beside the case number."""
    schema_editor.execute(f"DROP INDEX IF EXISTS {SQLITE_INDEX}")
    schema_editor.execute(
        f"CREATE INDEX {SQLITE_INDEX} ON cases_case "
        f"(office_id, referral_date DESC, id DESC, {column}, number)"
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        analysed = cursor.fetchone() is not None
    if analysed:
        schema_editor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT:d}")
        schema_editor.execute(f"ANALYZE {SQLITE_INDEX}")
        schema_editor.execute("PRAGMA analysis_limit = 0")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_case_list_search_index"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="person_name",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                max_length=150,
                verbose_name="name of the person",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop, elidable=False),
        migrations.RunPython(create, drop, elidable=False),
    ]
