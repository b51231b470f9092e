"""Backup and restore (issue 7, part 9): `kembali backup` and `kembali restore` round-trip
with equal row counts and checksums per table, refuse to overwrite data unasked, and
fail loudly, naming the table, when what was restored is not what was backed up.

The commands run as an operator runs them: in their own process against a database
named by DATABASE_URL (SQLite files here; on PostgreSQL the test database as the
source and a database this test creates and drops as the target)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kembali.core.backup import (
    compare_tables,
    manifest_path_for,
    postgresql_digests,
    sqlite_digests,
)
from tests.resilience.helpers import manage, pg_url


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def all_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, read without Kembali's code: the independent check."""
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}  # noqa: S608


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A SQLite database as the app leaves it: migrated, with generated cases."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip runs in the SQLite run of the suite")
    path = tmp_path_factory.mktemp("backup") / "source.sqlite3"
    for args in (("migrate", "-v0"), ("generate", "--cases", "60", "--seed", "3", "--quiet")):
        done = manage(sqlite_url(path), *args)
        assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def made(source, tmp_path_factory) -> Path:
    """`kembali backup` of the source, at the default path under var/backups/."""
    var_dir = tmp_path_factory.mktemp("var")
    done = manage(sqlite_url(source), "backup", var_dir=var_dir)
    assert done.returncode == 0, done.stderr
    backups = sorted((var_dir / "backups").glob("kembali-*.sqlite3"))
    assert len(backups) == 1, "the default path is var/backups/kembali-<time>.sqlite3"
    assert f"to {backups[0]}" in done.stdout
    return backups[0]


@pytest.fixture
def backup(made, tmp_path) -> Path:
    """A copy of the backup and its manifest, for a test to use or spoil."""
    copy = tmp_path / "b.sqlite3"
    shutil.copy(made, copy)
    shutil.copy(manifest_path_for(made), manifest_path_for(copy))
    return copy


def test_a_sqlite_backup_restores_into_an_empty_database_with_every_row(source, made, tmp_path):
    manifest = json.loads(manifest_path_for(made).read_text())
    assert manifest["tables"]["cases_case"]["rows"] == 60

    target = tmp_path / "restored.sqlite3"
    done = manage(sqlite_url(target), "restore", str(made))
    assert done.returncode == 0, done.stderr
    assert "every row count and checksum matches the manifest" in done.stdout
    assert all_rows(target) == all_rows(source)
    # The restored file opens as the app opens it.
    done = manage(sqlite_url(target), "migrate", "--check")
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_backup_taken_while_the_app_writes_is_consistent(source, tmp_path):
    """Online: a writer keeps committing during the backup; the copy is one moment,
    and its manifest describes exactly that moment."""
    live = tmp_path / "live.sqlite3"
    shutil.copy(source, live)
    stop = threading.Event()
    written = []

    def write():
        with sqlite3.connect(live, timeout=20) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            n = 0
            while not stop.is_set():
                conn.execute(
                    "INSERT INTO django_session (session_key, session_data, expire_date) "
                    "VALUES (?, 'x', '2099-01-01 00:00:00')",
                    (f"live-{n:08d}",),
                )
                conn.commit()
                n += 1
            written.append(n)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        done = manage(sqlite_url(live), "backup", str(tmp_path / "live-backup.sqlite3"))
    finally:
        stop.set()
        writer.join()
    assert done.returncode == 0, done.stderr
    assert written[0] > 0
    done = manage(
        sqlite_url(tmp_path / "from-live.sqlite3"), "restore", str(tmp_path / "live-backup.sqlite3")
    )
    assert done.returncode == 0, done.stderr


def test_restore_refuses_a_database_with_data_unless_told(source, backup, tmp_path):
    target = tmp_path / "in-use.sqlite3"
    shutil.copy(source, target)
    with sqlite3.connect(target) as conn:
        conn.execute("DELETE FROM cases_transition")
    before = all_rows(target)

    refused = manage(sqlite_url(target), "restore", str(backup))
    assert refused.returncode == 1
    assert "is not empty" in refused.stderr and "--yes" in refused.stderr
    assert all_rows(target) == before, "a refused restore changes nothing"

    done = manage(sqlite_url(target), "restore", str(backup), "--yes")
    assert done.returncode == 0, done.stderr
    assert "replacing the" in done.stdout
    assert all_rows(target) == all_rows(source)


def test_a_table_that_differs_after_restore_is_named_and_the_exit_is_non_zero(backup, tmp_path):
    manifest_path = manifest_path_for(backup)
    manifest = json.loads(manifest_path.read_text())
    manifest["tables"]["cases_case"]["sha256"] = "0" * 64
    manifest["tables"]["people_insuredperson"]["rows"] += 1
    manifest_path.write_text(json.dumps(manifest))

    done = manage(sqlite_url(tmp_path / "t.sqlite3"), "restore", str(backup))
    assert done.returncode == 1
    assert "does not match the backup's manifest" in done.stderr
    assert "cases_case: same row count (60) but the rows differ" in done.stderr
    assert "people_insuredperson: 60 rows, the backup has 61" in done.stderr


def test_a_damaged_or_unverifiable_backup_is_not_restored(backup, tmp_path):
    target = tmp_path / "t.sqlite3"

    with open(backup, "r+b") as f:  # one byte flipped in the middle of the file
        f.seek(backup.stat().st_size // 2)
        byte = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([byte[0] ^ 0xFF]))
    done = manage(sqlite_url(target), "restore", str(backup))
    assert done.returncode == 1
    assert "does not match its manifest" in done.stderr and "Nothing was restored" in done.stderr
    assert not target.exists() or all_rows(target) == {}

    manifest_path_for(backup).unlink()
    done = manage(sqlite_url(target), "restore", str(backup))
    assert done.returncode == 1 and "manifest" in done.stderr and "is missing" in done.stderr


def test_backup_does_not_overwrite_an_earlier_backup(source, backup):
    before = backup.read_bytes()
    again = manage(sqlite_url(source), "backup", str(backup))
    assert again.returncode == 1 and "exists already" in again.stderr
    assert backup.read_bytes() == before


def test_the_row_checksum_changes_with_any_value_and_not_with_insertion_order():
    first, second = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
    for conn, order in ((first, (1, 2)), (second, (2, 1))):
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, data BLOB)")
        for n in order:
            conn.execute("INSERT INTO t VALUES (?, ?, ?)", (n, f"nama {n} é", b"\x00\x01"))
    assert sqlite_digests(first) == sqlite_digests(second)
    second.execute("UPDATE t SET name = 'nama 2 e' WHERE id = 2")
    assert compare_tables(sqlite_digests(first), sqlite_digests(second)) == [
        "t: same row count (2) but the rows differ (checksum)"
    ]


# --- PostgreSQL


@pytest.fixture
def pg_target():
    """An empty PostgreSQL database for the restore, dropped afterwards."""
    import psycopg

    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_restore"[:63]
    params = {
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    ident = psycopg.sql.Identifier(name)
    with psycopg.connect(**params) as admin:
        admin.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {}").format(ident))
        admin.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(ident))
    try:
        yield name, pg_url(settings_dict, name), {**params, "dbname": name}
    finally:
        with psycopg.connect(**params) as admin:
            admin.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: DATABASE_URL is SQLite"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_postgresql_backup_round_trips_through_pg_dump_and_pg_restore(
    tmp_path, pg_target, aisyah, kl_office, monkeypatch
):
    import psycopg

    from tests.factories import CaseFactory

    for n in range(25):
        CaseFactory(office=kl_office, case_manager=aisyah, person__full_name=f"Orang “{n}” é")
    backup = tmp_path / "pg.dump"
    # Small checksum chunks, so the keyset paging over primary keys is exercised.
    monkeypatch.setattr("kembali.core.backup.PG_CHUNK_ROWS", 7)
    call_command("backup", str(backup), verbosity=0)
    manifest = json.loads(manifest_path_for(backup).read_text())
    assert manifest["engine"] == "postgresql" and manifest["chunk_rows"] == 7
    assert manifest["tables"]["cases_case"]["rows"] == 25

    name, url, params = pg_target
    done = manage(url, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    assert "every row count and checksum matches the manifest" in done.stdout

    # Independently of the manifest: the two databases hold the same rows.
    with connection.cursor() as cursor:
        source = postgresql_digests(cursor, chunk_rows=1000)
        cursor.execute("SELECT max(id) FROM cases_case")
        last_id = cursor.fetchone()[0]
    with psycopg.connect(**params) as conn, conn.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
        restored = postgresql_digests(cursor, chunk_rows=1000)
        assert compare_tables(source, restored) == []
        cursor.execute("SELECT count(*) FROM cases_case WHERE case_manager_id = %s", [aisyah.pk])
        assert cursor.fetchone()[0] == 25
        # The sequences came along: the next case gets a fresh id.
        cursor.execute("SELECT nextval(pg_get_serial_sequence('cases_case', 'id'))")
        assert cursor.fetchone()[0] > last_id

    # Again over it: refused without --yes, then replaced and verified.
    refused = manage(url, "restore", str(backup))
    assert refused.returncode == 1 and "--yes" in refused.stderr
    with psycopg.connect(**params) as conn:
        conn.execute("DELETE FROM cases_transition")
        conn.execute("UPDATE people_insuredperson SET full_name = 'changed'")
    done = manage(url, "restore", str(backup), "--yes")
    assert done.returncode == 0, done.stderr

    # A manifest that does not match: the table is named, the exit is non-zero.
    manifest["tables"]["cases_case"]["rows"] = 26
    manifest_path_for(backup).write_text(json.dumps(manifest))
    done = manage(url, "restore", str(backup), "--yes")
    assert done.returncode == 1
    assert "cases_case: 25 rows, the backup has 26" in done.stderr


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: DATABASE_URL is SQLite"
)
@pytest.mark.django_db
def test_a_backup_of_one_engine_is_not_restored_into_the_other(tmp_path):
    path = tmp_path / "b.sqlite3"
    path.write_bytes(b"not used")
    manifest_path_for(path).write_text(
        json.dumps({"format": 1, "engine": "sqlite", "tables": {}, "method": "x"})
    )
    with pytest.raises(CommandError, match="backup of a sqlite database"):
        call_command("restore", str(path))
