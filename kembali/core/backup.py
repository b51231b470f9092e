"""Backup and restore of the database, verified table by table.

`kembali backup [PATH]` copies the database while the app runs:

- SQLite: the online backup API (``sqlite3.Connection.backup``), one step, so the
  copy is one consistent moment; in WAL mode writers are not held up meanwhile.
  The copy is switched to a rollback journal so it is a single self-contained file.
- PostgreSQL: ``pg_dump --format=custom`` of a snapshot exported by a repeatable-read
  transaction, and the manifest's checksums are computed in that same transaction,
  so the manifest describes exactly the rows in the dump.

Beside the backup, ``PATH.manifest.json`` holds the backup file's SHA-256 and, for
every table, its row count and a checksum of its rows in primary-key order.
Checksums are streamed: PostgreSQL hashes chunks of rows itself (md5 of each row's
text, aggregated per chunk of primary keys), SQLite rows are hashed as they are
read, so no table is ever held in memory.

`kembali restore PATH` checks the file against its manifest, refuses a database that
already has tables unless told to replace it, restores (SQLite backup API into the
database; ``pg_restore --clean --if-exists --single-transaction``), then recomputes
every table's count and checksum and raises RestoreMismatch naming each table that
differs.

The connection comes from the Django settings (DATABASE_URL); for PostgreSQL the
password and host go to pg_dump/pg_restore in their environment, never on a command
line or through a shell."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction

MANIFEST_FORMAT = 1
MANIFEST_SUFFIX = ".manifest.json"
SQLITE_METHOD = "sqlite-rows-sha256-v1"
POSTGRESQL_METHOD = "postgresql-md5-chunks-sha256-v1"
# Rows per checksum chunk on PostgreSQL (keyset pages over an integer primary key).
PG_CHUNK_ROWS = 100_000
SQLITE_FETCH_ROWS = 10_000
INTEGER_TYPES = {"smallint", "integer", "bigint"}

Say = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says what to do."""


class RestoreMismatch(BackupError):
    """The restored database differs from the manifest."""

    def __init__(self, differences: list[str]):
        self.differences = differences
        super().__init__(
            "The restored database does not match the backup's manifest:\n  "
            + "\n  ".join(differences)
        )


@dataclass
class BackupResult:
    path: Path
    manifest_path: Path
    manifest: dict
    seconds: float

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())

    @property
    def size(self) -> int:
        return self.manifest["file_bytes"]


@dataclass
class RestoreResult:
    path: Path
    manifest: dict
    seconds: float
    tables: int = 0
    rows: int = 0
    replaced_tables: int = 0
    notes: list[str] = field(default_factory=list)


# --- where and which database


def engine_of(using: str = "default") -> str:
    vendor = connections[using].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def default_backup_path(engine: str, now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%d-%H%M%S")
    suffix = ".sqlite3" if engine == "sqlite" else ".dump"
    return Path(settings.VAR_DIR) / "backups" / f"kembali-{stamp}{suffix}"


def manifest_path_for(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quiet(_message: str) -> None:
    pass


# --- table checksums


def _sqlite_connect(name: str, *, read_only: bool = False) -> sqlite3.Connection:
    """A plain sqlite3 connection (no Django type converters, so every value is hashed
    as SQLite stores it, the same on both sides of a round trip)."""
    if name.startswith("file:"):  # an in-memory or URI database, e.g. under tests
        return sqlite3.connect(name, uri=True, timeout=20)
    if read_only:
        return sqlite3.connect(f"{Path(name).resolve().as_uri()}?mode=ro", uri=True, timeout=20)
    return sqlite3.connect(name, timeout=20)


def sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    return [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT IN ('sqlite_stat1', 'sqlite_stat4') ORDER BY name"
        )
    ]


def sqlite_digests(conn: sqlite3.Connection) -> dict[str, dict]:
    """Row count and SHA-256 of the rows of every table, in primary-key order."""
    result = {}
    for table in sqlite_tables(conn):
        columns = list(conn.execute(f"PRAGMA table_info({_quote(table)})"))
        keys = [c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5]]
        order = ", ".join(_quote(k) for k in (keys or [c[1] for c in columns]))
        digest, rows = hashlib.sha256(), 0
        cursor = conn.execute(f"SELECT * FROM {_quote(table)} ORDER BY {order}")  # noqa: S608
        while batch := cursor.fetchmany(SQLITE_FETCH_ROWS):
            for row in batch:
                digest.update(repr(row).encode("utf-8", "surrogatepass"))
                digest.update(b"\n")
            rows += len(batch)
        result[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


def postgresql_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() "
        "AND NOT c.relispartition ORDER BY c.relname"
    )
    return [row[0] for row in cursor.fetchall()]


def _pg_primary_key(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_index i "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = %s::regclass AND i.indisprimary "
        "ORDER BY array_position(i.indkey::int2[], a.attnum)",
        [_quote(table)],
    )
    return cursor.fetchall()


def postgresql_digests(cursor, chunk_rows: int | None = None) -> dict[str, dict]:
    """Row count and checksum of every table of the current schema, hashed by the
    server: md5 of each row's text, aggregated in primary-key order per chunk of
    `chunk_rows` rows (keyset pages), the chunks' sums hashed here with SHA-256. The
    chunk size is part of the checksum, so the manifest records it."""
    chunk_rows = chunk_rows or PG_CHUNK_ROWS
    result = {}
    row = "kembali_row_"
    for table in postgresql_tables(cursor):
        keys = _pg_primary_key(cursor, table)
        digest, rows = hashlib.sha256(), 0
        if len(keys) == 1 and keys[0][1] in INTEGER_TYPES:
            key = _quote(keys[0][0])
            last = None
            while True:
                where = f"WHERE {key} > %s " if last is not None else ""
                cursor.execute(
                    f"SELECT count(*), md5(string_agg(md5({row}::text), '' ORDER BY {row}.{key})), "  # noqa: S608
                    f"max({row}.{key}) FROM (SELECT * FROM {_quote(table)} {where}"
                    f"ORDER BY {key} LIMIT %s) AS {row}",
                    [last, chunk_rows] if last is not None else [chunk_rows],
                )
                count, chunk, last = cursor.fetchone()
                if not count:
                    break
                digest.update(f"{count}:{chunk}\n".encode())
                rows += count
                if count < chunk_rows:
                    break
        else:
            # Small tables keyed by text (sessions) or by several columns: one
            # aggregate, ordered the same way whatever the database's collation.
            order = ", ".join(f'{row}.{_quote(k)}::text COLLATE "C"' for k, _t in keys) or (
                f'{row}::text COLLATE "C"'
            )
            cursor.execute(
                f"SELECT count(*), md5(string_agg(md5({row}::text), '' ORDER BY {order})) "  # noqa: S608
                f"FROM {_quote(table)} AS {row}"
            )
            count, chunk = cursor.fetchone()
            if count:
                digest.update(f"{count}:{chunk}\n".encode())
                rows = count
        result[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


def compare_tables(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    """What differs, one line per table, naming it."""
    differences = []
    for table in sorted(expected.keys() | actual.keys()):
        want, got = expected.get(table), actual.get(table)
        if got is None:
            differences.append(f"{table}: missing from the restored database")
        elif want is None:
            differences.append(f"{table}: in the restored database but not in the backup")
        elif want["rows"] != got["rows"]:
            differences.append(f"{table}: {got['rows']} rows, the backup has {want['rows']}")
        elif want["sha256"] != got["sha256"]:
            differences.append(
                f"{table}: same row count ({got['rows']}) but the rows differ (checksum)"
            )
    return differences


# --- PostgreSQL client programs


def _pg_program(name: str) -> str:
    found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else "")
    if not found:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client (apt-get install "
            "postgresql-client) in the version of the server or newer."
        )
    return found


def _pg_env_and_dbname(settings_dict: dict) -> tuple[dict, str]:
    """The connection for pg_dump/pg_restore: everything but the database name in
    libpq's environment variables (the password stays off the command line), the
    name as a quoted conninfo so no character in it is read as an option."""
    from psycopg.conninfo import make_conninfo

    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for option, var in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("passfile", "PGPASSFILE"),
    ):
        if options.get(option):
            env[var] = str(options[option])
    return env, make_conninfo(dbname=settings_dict["NAME"])


def _run(command: list[str], env: dict, what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise BackupError(f"{what} failed (exit {done.returncode}): {detail}")


# --- backup


def backup(path: Path | None = None, *, using: str = "default", say: Say = _quiet) -> BackupResult:
    """Back up the database to `path` (default under var/backups/) and write its
    manifest beside it. Refuses to overwrite an existing backup."""
    started = time.perf_counter()
    engine = engine_of(using)
    path = Path(path) if path else default_backup_path(engine)
    manifest_path = manifest_path_for(path)
    for existing in (path, manifest_path):
        if existing.exists():
            raise BackupError(f"{existing} exists already: choose another path.")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if engine == "sqlite":
            tables = _sqlite_backup(connections[using].settings_dict, partial, say)
            method = SQLITE_METHOD
        else:
            tables = _postgresql_backup(using, partial, say)
            method = POSTGRESQL_METHOD
        say("Checksumming the backup file")
        manifest = {
            "format": MANIFEST_FORMAT,
            "engine": engine,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": str(connections[using].settings_dict["NAME"]),
            "file": path.name,
            "file_bytes": partial.stat().st_size,
            "file_sha256": file_sha256(partial),
            "method": method,
            "chunk_rows": PG_CHUNK_ROWS if engine == "postgresql" else None,
            "tables": tables,
        }
        # The data file first, the manifest last: a backup without its manifest is
        # refused by restore, so an interrupted backup is never taken for a good one.
        partial.replace(path)
        _write_json(manifest_path, manifest)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path, manifest_path, manifest, time.perf_counter() - started)


def _write_json(path: Path, data: dict) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    partial.replace(path)


def _sqlite_backup(settings_dict: dict, target: Path, say: Say) -> dict[str, dict]:
    say("Copying the SQLite database (online backup)")
    source = _sqlite_connect(str(settings_dict["NAME"]))
    try:
        copy = sqlite3.connect(target)
        try:
            # One step (pages=-1): the copy is a single moment of the database. A
            # stepwise copy restarts whenever another connection writes, and might
            # never finish on a busy system.
            source.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        source.close()
    say("Checksumming every table of the copy")
    copy = _sqlite_connect(str(target), read_only=True)
    try:
        return sqlite_digests(copy)
    finally:
        copy.close()


def _postgresql_backup(using: str, target: Path, say: Say) -> dict[str, dict]:
    connection = connections[using]
    env, dbname = _pg_env_and_dbname(connection.settings_dict)
    pg_dump = _pg_program("pg_dump")
    if connection.in_atomic_block:
        raise BackupError("A backup cannot run inside a transaction.")
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        say("Dumping the PostgreSQL database (pg_dump, custom format)")
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={dbname}",
            ],
            env,
            "pg_dump",
        )
        say("Checksumming every table in the dumped snapshot")
        return postgresql_digests(cursor, PG_CHUNK_ROWS)


# --- restore


def read_manifest(path: Path) -> dict:
    manifest_path = manifest_path_for(path)
    if not path.exists():
        raise BackupError(f"{path} does not exist: give the path of a backup file.")
    if not manifest_path.exists():
        raise BackupError(
            f"{manifest_path} is missing: a backup without its manifest cannot be verified, "
            "so it is not restored. Use the backup file that has its manifest beside it."
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{manifest_path} is not a readable manifest: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"{manifest_path} is not a manifest of format {MANIFEST_FORMAT}.")
    if not isinstance(manifest.get("tables"), dict):
        raise BackupError(f"{manifest_path} lists no tables.")
    chunk_rows = manifest.get("chunk_rows")
    if chunk_rows is not None and not (isinstance(chunk_rows, int) and chunk_rows > 0):
        raise BackupError(f"{manifest_path} has a chunk size that is not a positive number.")
    return manifest


def existing_tables(using: str = "default") -> list[str]:
    connection = connections[using]
    if connection.vendor == "sqlite":
        conn = _sqlite_connect(str(connection.settings_dict["NAME"]))
        try:
            return sqlite_tables(conn)
        finally:
            conn.close()
    with connection.cursor() as cursor:
        return postgresql_tables(cursor)


def current_digests(using: str = "default", chunk_rows: int | None = None) -> dict[str, dict]:
    connection = connections[using]
    if connection.vendor == "sqlite":
        conn = _sqlite_connect(str(connection.settings_dict["NAME"]))
        try:
            return sqlite_digests(conn)
        finally:
            conn.close()
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return postgresql_digests(cursor, chunk_rows)


def restore(
    path: Path, *, using: str = "default", replace: bool = False, say: Say = _quiet
) -> RestoreResult:
    """Restore the backup at `path` into the database and verify every table against
    the manifest. Raises BackupError before changing anything when the backup is
    damaged, of the other engine, or the database has tables and `replace` is False;
    RestoreMismatch after restoring when a table differs."""
    started = time.perf_counter()
    path = Path(path)
    manifest = read_manifest(path)
    engine = engine_of(using)
    if manifest.get("engine") != engine:
        raise BackupError(
            f"This is a backup of a {manifest.get('engine')} database; the database to "
            f"restore into (DATABASE_URL) is {engine}. Restore it into a {manifest.get('engine')} "
            "database."
        )
    expected_method = SQLITE_METHOD if engine == "sqlite" else POSTGRESQL_METHOD
    if manifest.get("method") != expected_method:
        raise BackupError(
            f"The manifest's checksums are of the kind {manifest.get('method')!r}; this "
            f"version of Kembali checks {expected_method!r}. Restore with the version "
            "that made the backup."
        )
    say("Checking the backup file against its manifest")
    if path.stat().st_size != manifest.get("file_bytes") or file_sha256(path) != manifest.get(
        "file_sha256"
    ):
        raise BackupError(
            f"{path} does not match its manifest (size or SHA-256 differ): the file is "
            "damaged or not the one the manifest describes. Nothing was restored."
        )
    tables = existing_tables(using)
    if tables and not replace:
        raise BackupError(
            f"The database {connections[using].settings_dict['NAME']} is not empty "
            f"({len(tables)} tables); restoring replaces everything in it. Run again with "
            "--yes to replace it, or restore into an empty database."
        )
    result = RestoreResult(path=path, manifest=manifest, seconds=0, replaced_tables=len(tables))
    connections[using].close()
    if engine == "sqlite":
        _sqlite_restore(connections[using].settings_dict, path, say)
    else:
        _postgresql_restore(connections[using].settings_dict, path, say)
    connections[using].close()
    say("Verifying every table against the manifest")
    actual = current_digests(using, manifest.get("chunk_rows"))
    differences = compare_tables(manifest["tables"], actual)
    if differences:
        raise RestoreMismatch(differences)
    result.tables = len(actual)
    result.rows = sum(t["rows"] for t in actual.values())
    result.seconds = time.perf_counter() - started
    return result


def _sqlite_restore(settings_dict: dict, path: Path, say: Say) -> None:
    say("Copying the backup into the SQLite database (backup API)")
    source = _sqlite_connect(str(path), read_only=True)
    try:
        target = _sqlite_connect(str(settings_dict["NAME"]))
        try:
            journal = target.execute("PRAGMA journal_mode").fetchone()[0]
            try:
                source.backup(target, pages=-1)
            except sqlite3.OperationalError as exc:
                raise BackupError(
                    f"SQLite refused to restore into {settings_dict['NAME']}: {exc}. Stop "
                    "the app and the worker and try again."
                ) from None
            if journal == "wal":  # keep the database in the mode the app runs it in
                target.execute("PRAGMA journal_mode=WAL")
        finally:
            target.close()
    finally:
        source.close()


def _postgresql_restore(settings_dict: dict, path: Path, say: Say) -> None:
    env, dbname = _pg_env_and_dbname(settings_dict)
    say("Restoring into the PostgreSQL database (pg_restore, one transaction)")
    _run(
        [
            _pg_program("pg_restore"),
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "--no-password",
            f"--dbname={dbname}",
            str(path),
        ],
        env,
        "pg_restore",
    )


def summary_lines(tables: dict[str, dict], limit: int = 5) -> Iterable[str]:
    """The largest tables, for the commands' output."""
    largest = sorted(tables.items(), key=lambda item: -item[1]["rows"])[:limit]
    for name, info in largest:
        yield f"  {name}: {info['rows']:,} rows"
