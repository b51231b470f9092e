"""An index for the case list's search box, on SQLite only.

SQLite has no index for a match inside a name (PostgreSQL uses the trigram
indexes of 0007): the search reads an office's cases newest first and checks
each one's number and person's name until a page is found. Through
case_office_newest each case cost a read of its row (about 1 kB) for two
columns; this index holds them (person, number), so SQLite reads only the
index and each candidate's person: at 100,000 cases a page of a search for a
common name took 0.3 ms instead of 1.0, a name no one has 14 ms instead of 28.

SQLite's planner picks it over case_office_newest only when both have
statistics: a database that has them (kembali.core.dbstats) gets this index's
too, sampled the same way.
"""

from django.db import migrations

from kembali.core.dbstats import SQLITE_ANALYSIS_LIMIT

NAME = "case_office_search"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON cases_case "
        "(office_id, referral_date DESC, id DESC, person_id, number)"
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        analysed = cursor.fetchone() is not None
    if analysed:
        schema_editor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT:d}")
        schema_editor.execute(f"ANALYZE {NAME}")
        schema_editor.execute("PRAGMA analysis_limit = 0")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_case_manager_office_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
