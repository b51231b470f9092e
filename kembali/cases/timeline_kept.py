"""The case page's timeline, kept between the case's changes.

A long case's timeline is a dozen reads and a few dozen entries to write out: about
a millisecond of a case page that a case manager opens again and again between two
changes. It is kept here, per process, as the HTML the page shows, and found again
by a key that changes whenever anything the timeline shows could have:

- each timeline source's count of rows for the case: a new row (a note, a step, a
  plan) raises it. The case page reads these counts with its case, as the probe
  that tells which sources have rows at all (kembali.cases.timeline);
- the case's count of TimelineChange rows: the database's own triggers write one
  whenever a source's row is changed or removed, a row joined to one for what it
  shows is changed or removed (a provider referral's intervention), a row counted
  in one is added (a consent's providers and employers), or a step of a vacancy
  referral is added to the audit trail;
- the shared count (TimelineShared): the triggers raise it when a name or a title
  that many cases show changes (a user's, an employer's, a provider's, a vacancy's,
  an occupation's);
- what the referral's entry reads of the case itself, the language and the time zone.

Triggers, not Python, write the changes, so that no path can forget them: a service,
a bulk update, the generator's SQL, a migration or a database shell alike. Counts,
not the newest id, make the key: on PostgreSQL a row can commit after a row with a
higher id, and a count still moves when it does. The key is read before the
timeline, so a kept timeline is never older than its key.

TRIGGERS lists every table a source reads; tests/cases/test_timeline_kept.py checks
that it covers each source's SQL and that the migrated database has every trigger.
They are installed after every migrate (triggers_ensure), not by one migration: a
later migration that rebuilds a table on SQLite drops that table's triggers, and the
same migrate puts them back.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import F, Func, OuterRef, Subquery
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from kembali.cases.models import Case, TimelineChange, TimelineShared

PREFIX = "kembali_tl_"
_OPS = {"i": "INSERT", "u": "UPDATE", "d": "DELETE"}


@dataclass(frozen=True)
class Watch:
    """The triggers on one table. `case` is SQL that gives the case of the row
    `{row}` (NEW or OLD), or None for a row many cases show (the shared count);
    `ops` the writes watched ("i" insert, "u" update, "d" delete); `columns` limits
    updates to those that change one of them; `when` is a further condition."""

    table: str
    case: str | None
    ops: str
    columns: tuple[str, ...] = ()
    when: str = ""

    def name(self, op: str) -> str:
        return f"{PREFIX}{self.table}_{op}"

    def names(self) -> list[str]:
        return [self.name(op) for op in self.ops]


def _via(parent: str, column: str) -> str:
    return f"(SELECT case_id FROM {parent} WHERE id = {{row}}.{column})"  # noqa: S608 (constants)


_NAME = ("first_name", "last_name", "username")
_OWN = "ud"  # a source's own rows: a new one raises the source's count
_JOINED = "iud"

# Every table a timeline source reads (tests/cases/test_timeline_kept.py derives them
# from the sources' SQL and compares). A table added here gets its triggers at the
# next migrate.
TRIGGERS: tuple[Watch, ...] = (
    *(
        Watch(table, "{row}.case_id", _OWN)
        for table in (
            "cases_transition",
            "cases_assignment",
            "cases_casenote",
            "cases_casecontact",
            "cases_casetask",
            "cases_rtwoutcome",
            "cases_assessment",
            "cases_consent",
            "plans_rehabplan",
            "plans_providerreferral",
            "placement_jpessreferral",
            "placement_placementassessment",
            "placement_vacancyreferral",
            "placement_jobcoach",
            "placement_supportsession",
            "placement_followup",
            "placement_selfemploymentplan",
        )
    ),
    Watch("placement_supportactivity", _via("placement_supportplan", "plan_id"), _OWN),
    Watch("placement_selfemploymentsupport", _via("placement_selfemploymentplan", "plan_id"), _OWN),
    Watch("placement_incomemilestone", _via("placement_selfemploymentplan", "plan_id"), _OWN),
    # Joined for their case (a plan of support: its activities') or for what a row
    # shows (a provider referral's intervention): a new one changes no row shown.
    Watch("placement_supportplan", "{row}.case_id", _OWN),
    Watch("plans_intervention", _via("plans_rehabplan", "plan_id"), _OWN),
    # A consent's entry counts its providers and employers: a new one changes it.
    Watch("cases_consent_providers", _via("cases_consent", "consent_id"), _JOINED),
    Watch("cases_consent_employers", _via("cases_consent", "consent_id"), _JOINED),
    # A vacancy referral's steps are told by its audit trail (append only).
    Watch(
        "audit_auditevent",
        "COALESCE({row}.case_id, (SELECT case_id FROM placement_vacancyreferral "
        "WHERE CAST(id AS TEXT) = {row}.object_id))",
        "i",
        when="{row}.object_type = 'placement.vacancyreferral'",
    ),
    Watch("accounts_user", None, _OWN, columns=_NAME),
    Watch("employers_employer", None, _OWN, columns=("name",)),
    Watch("employers_vacancy", None, _OWN, columns=("title", "employer_id")),
    Watch("providers_provider", None, _OWN, columns=("name", "name_ms")),
    Watch("reference_iscogroup", None, _OWN, columns=("title", "title_ms")),
)


# ---------------------------------------------------------------------------
# The triggers' SQL, installed after every migrate (triggers_ensure)


def _row_of(op: str) -> str:
    return "OLD" if op == "d" else "NEW"


def _conditions(watch: Watch, op: str, differs: str) -> list[str]:
    conditions = []
    if watch.when:
        conditions.append(watch.when.format(row=_row_of(op)))
    if op == "u" and watch.columns:
        changed = " OR ".join(f'OLD."{c}" {differs} NEW."{c}"' for c in watch.columns)
        conditions.append(f"({changed})")
    return conditions


def _sqlite(watch: Watch) -> tuple[list[str], dict[str, str]]:
    triggers = {}
    for op in watch.ops:
        conditions = _conditions(watch, op, "IS NOT")
        when = f" WHEN {' AND '.join(conditions)}" if conditions else ""
        if watch.case is None:
            body = "UPDATE cases_timelineshared SET changes = changes + 1;"
        else:
            rows = {"i": ("NEW",), "u": ("NEW", "OLD"), "d": ("OLD",)}[op]
            cases = " UNION ".join(f"SELECT {watch.case.format(row=r)} AS c" for r in rows)
            insert = "INSERT INTO cases_timelinechange (case_id)"
            body = f"{insert} SELECT c FROM ({cases}) WHERE c IS NOT NULL;"  # noqa: S608
        name = watch.name(op)
        triggers[name] = (
            f'CREATE TRIGGER {name} AFTER {_OPS[op]} ON "{watch.table}" '
            f"FOR EACH ROW{when} BEGIN {body} END"
        )
    return [], triggers


def _postgresql(watch: Watch) -> tuple[list[str], dict[str, str]]:
    function = f"{PREFIX}{watch.table}"
    if watch.case is None:
        body = "UPDATE cases_timelineshared SET changes = changes + 1;"
    else:
        new, old = watch.case.format(row="NEW"), watch.case.format(row="OLD")
        body = (
            f"IF TG_OP <> 'DELETE' THEN new_case := {new}; END IF;\n"  # noqa: S608 (TRIGGERS')
            f"IF TG_OP <> 'INSERT' THEN old_case := {old}; END IF;\n"
            "IF new_case IS NOT NULL THEN\n"
            "  INSERT INTO cases_timelinechange (case_id) VALUES (new_case);\n"
            "END IF;\n"
            "IF old_case IS NOT NULL AND old_case IS DISTINCT FROM new_case THEN\n"
            "  INSERT INTO cases_timelinechange (case_id) VALUES (old_case);\n"
            "END IF;"
        )
    functions = [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
        "DECLARE new_case bigint; old_case bigint;\n"
        f"BEGIN\n{body}\nRETURN NULL;\nEND\n$body$"
    ]
    triggers = {}
    for op in watch.ops:
        conditions = _conditions(watch, op, "IS DISTINCT FROM")
        when = f" WHEN ({' AND '.join(conditions)})" if conditions else ""
        name = watch.name(op)
        triggers[name] = (
            f'CREATE TRIGGER {name} AFTER {_OPS[op]} ON "{watch.table}" '
            f"FOR EACH ROW{when} EXECUTE FUNCTION {function}()"
        )
    return functions, triggers


_BUILDERS = {"sqlite": _sqlite, "postgresql": _postgresql}


def _installed(connection) -> dict[str, tuple[str, str]] | None:
    """This module's triggers in the database: name -> (table, fingerprint); the
    fingerprint is the trigger's SQL on SQLite, on PostgreSQL the one triggers_ensure
    wrote as its comment. None on a database without them."""
    if connection.vendor == "sqlite":
        sql = (
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND substr(name, 1, %s) = %s"
        )
    elif connection.vendor == "postgresql":
        sql = (
            "SELECT t.tgname, c.relname, COALESCE(obj_description(t.oid, 'pg_trigger'), '') "
            "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND substr(t.tgname, 1, %s) = %s"
        )
    else:
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql, [len(PREFIX), PREFIX])
        return {name: (table, fingerprint) for name, table, fingerprint in cursor.fetchall()}


def triggers_missing(alias: str = "default") -> set[str]:
    """The triggers TRIGGERS asks for that this database does not have."""
    expected = {name for watch in TRIGGERS for name in watch.names()}
    return expected - set(_installed(connections[alias]) or ())


def _fingerprint(vendor: str, functions: list[str], sql: str) -> str:
    if vendor == "sqlite":
        return sql
    return hashlib.sha256("\n".join([*functions, sql]).encode()).hexdigest()


def _drop(cursor, vendor: str, name: str, table: str) -> None:
    on = f' ON "{table}"' if vendor == "postgresql" else ""
    cursor.execute(f"DROP TRIGGER IF EXISTS {name}{on}")


def triggers_ensure(using: str = "default", **kwargs) -> list[str]:
    """Make the database's triggers those of TRIGGERS, and its shared row exist:
    after every migrate (a post_migrate receiver: CasesConfig), since a migration
    that rebuilds a table on SQLite drops the table's triggers, and a change to
    TRIGGERS must reach every database. Installs what is missing or differs, drops
    what TRIGGERS no longer has; returns the names installed."""
    connection = connections[using]
    vendor = connection.vendor
    build = _BUILDERS.get(vendor)
    tables = set(connection.introspection.table_names())
    if build is None or not {"cases_timelinechange", "cases_timelineshared"} <= tables:
        return []
    installed = _installed(connection)
    wanted = {}
    for watch in TRIGGERS:
        if watch.table in tables:
            functions, triggers = build(watch)
            for name, sql in triggers.items():
                wanted[name] = (watch.table, functions, sql, _fingerprint(vendor, functions, sql))
    made = []
    with transaction.atomic(using=using), connection.cursor() as cursor:
        TimelineShared.objects.using(using).get_or_create(pk=1)
        for name, (table, fingerprint) in installed.items():
            want = wanted.get(name)
            if want is None or want[3] != fingerprint:
                _drop(cursor, vendor, name, table)
        replaced = set()
        for name, (table, functions, sql, fingerprint) in wanted.items():
            if installed.get(name) == (table, fingerprint):
                continue
            if table not in replaced:
                for function in functions:
                    cursor.execute(function)
                replaced.add(table)
            cursor.execute(sql)
            if vendor == "postgresql":
                # A literal: COMMENT takes no parameter (the fingerprint is hex digits).
                cursor.execute(f"COMMENT ON TRIGGER {name} ON \"{table}\" IS '{fingerprint}'")
            made.append(name)
        if vendor == "postgresql":  # the functions of tables no longer watched
            watched = {table for table, *_ in wanted.values()}
            for table in {table for table, _ in installed.values()} - watched:
                cursor.execute(f"DROP FUNCTION IF EXISTS {PREFIX}{table}()")
    return made


def triggers_drop(connection) -> None:
    """Remove every trigger of this module, and their functions (the migration's way
    back)."""
    with connection.cursor() as cursor:
        for name, (table, _) in (_installed(connection) or {}).items():
            _drop(cursor, connection.vendor, name, table)
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP FUNCTION IF EXISTS {PREFIX}{table}()")


# ---------------------------------------------------------------------------
# The key, read with the case


def key_annotations() -> dict:
    """The case's count of changes and the shared count, for the case page's read of
    its case (with the sources' counts: kembali.cases.timeline.probe_annotations)."""
    changes = (
        TimelineChange.objects.filter(case_id=OuterRef("pk"))
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    shared = TimelineShared.objects.filter(pk=1).values("changes")
    return {"timeline_changes": Subquery(changes), "timeline_shared": Subquery(shared)}


# ---------------------------------------------------------------------------
# The kept timelines, per process

_KEPT: OrderedDict[tuple, tuple[SafeString, object]] = OrderedDict()
_LOCK = threading.Lock()
_UNSET = object()


def forget_all() -> None:
    """Forget every kept timeline (tests; a restored database)."""
    with _LOCK:
        _KEPT.clear()


def _key(case: Case, counts: tuple | None) -> tuple | None:
    carried = case.__dict__
    changes, shared = carried.get("timeline_changes"), carried.get("timeline_shared")
    if counts is None or changes is None or shared is None:
        return None
    return (
        router.db_for_read(Case, instance=case),
        case.pk,
        case.created_at,
        case.referral_date,
        case.referral_source,
        case.referred_by,
        counts,
        changes,
        shared,
        get_language(),
        timezone.get_current_timezone_name() if settings.USE_TZ else "",
    )


def kept_timeline_html(case: Case, counts: tuple | None, compute) -> SafeString:
    """The timeline's HTML for the case page: kept from an earlier view when the key
    (the sources' `counts`, read with the case, and the rest: see the module) is the
    same, else `compute()`d and kept. What the timeline's transitions tell the rest
    of the page (the status before a closure request) is kept with it."""
    size = settings.KEMBALI_TIMELINE_KEPT
    key = _key(case, counts) if size > 0 else None
    if key is not None:
        with _LOCK:
            found = _KEPT.get(key)
            if found is not None:
                _KEPT.move_to_end(key)
        if found is not None:
            html, before = found
            if before is not _UNSET:
                case._status_before_closure = before
            return html
    html = compute()
    if key is not None:
        before = case.__dict__.get("_status_before_closure", _UNSET)
        with _LOCK:
            _KEPT[key] = (html, before)
            while len(_KEPT) > size:
                _KEPT.popitem(last=False)
    return html
