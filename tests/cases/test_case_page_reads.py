"""What the case page reads and writes, done more cheaply, is what it was: the
prepared reads (run on the driver's connection with their SQL converted once, their
SQLite times made aware without Django's converter), the access event's prepared
INSERT, the eligibility reasons and the timeline's texts kept per language."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import pre_save
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from kembali.audit.models import AccessEvent
from kembali.audit.services import access_record
from kembali.cases.eligibility import RuleResult
from kembali.cases.eligibility_text import describe_rule
from kembali.cases.models import Assignment, Case, Transition
from kembali.cases.selectors_prepared import PreparedList, PreparedQuery
from kembali.cases.services import case_assign, referral_create
from kembali.cases.timeline import assignment_entries, day_text, referral_entries
from kembali.cases.views.detail import eligibility_rules
from kembali.core.prepared_sql import fetch_all, native_sql
from tests.cases.test_case_page import siti_referral

pytestmark = pytest.mark.django_db

MARK = -7_000_000_099


@pytest.fixture
def siti_case(aisyah, chong, kl_office):
    case = referral_create(actor=chong, office=kl_office, referral=siti_referral()).case
    return case_assign(case=case, case_manager=aisyah, actor=chong)


# --- Prepared reads ---------------------------------------------------------------


def _transitions(case_id):
    return Transition.objects.filter(case_id=case_id).order_by("pk")


COLUMNS = ("at", "reason_params", "from_status", "to_status", "actor__username")


@pytest.mark.parametrize("logged", [False, True])
@pytest.mark.parametrize("use_tz", [True, False])
def test_prepared_rows_are_what_the_orm_reads(siti_case, logged, use_tz):
    with override_settings(USE_TZ=use_tz):
        prepared = PreparedQuery(
            _transitions(MARK).values_list(*COLUMNS), {MARK: "case_id"}, required=("case_id",)
        )
        expected = list(_transitions(siti_case.pk).values_list(*COLUMNS))
        if logged:  # the query log on: through Django's cursor, counted
            with CaptureQueriesContext(connection) as queries:
                rows = prepared.rows(case_id=siti_case.pk)
            assert len(queries) == 1
        else:
            rows = prepared.rows(case_id=siti_case.pk)
    assert len(rows) == 2 and rows == expected  # decided, then assigned
    assert all(timezone.is_aware(row[0]) is use_tz for row in rows)


def test_prepared_instances_are_what_the_orm_loads(siti_case):
    cases = Case.objects.filter(pk=MARK).select_related("person", "office", "case_manager")
    prepared = PreparedQuery(cases, {MARK: "pk"})
    [ours] = prepared.instances(pk=siti_case.pk)
    theirs = cases.model.objects.select_related("person", "office", "case_manager").get(
        pk=siti_case.pk
    )
    for field in Case._meta.concrete_fields:
        assert getattr(ours, field.attname) == getattr(theirs, field.attname), field.name
    assert ours.person.full_name == theirs.person.full_name
    assert ours.case_manager == theirs.case_manager and ours.office == theirs.office
    with CaptureQueriesContext(connection) as queries:
        assert (ours.person.pk, ours.case_manager.username) == (theirs.person_id, "aisyah")
    assert not queries  # read with the case


def test_a_prepared_list_slices_and_counts(siti_case, kl_office):
    cases = Case.objects.filter(office_id=MARK).order_by("pk").values_list("number", "created_at")
    prepared = PreparedList(cases, {MARK: "office_id"})
    everything = list(Case.objects.filter(office=kl_office).values_list("number", "created_at"))
    assert prepared.slice(0, 10, office_id=kl_office.pk) == everything
    assert prepared.count(10, office_id=kl_office.pk) == len(everything) == 1


def test_the_driver_is_handed_the_sql_django_would_hand_it():
    sql = 'SELECT %s, \'100%%\' FROM "cases_case" WHERE "id" = %s'
    native = native_sql(connection, sql)
    if connection.vendor == "sqlite":
        assert native == 'SELECT ?, \'100%\' FROM "cases_case" WHERE "id" = ?'
    else:
        assert native is None  # PostgreSQL takes %s: through Django's cursor
    assert fetch_all(connection, sql, native, (7, -1)) == []
    literal = "SELECT %s, '100%%'"
    assert fetch_all(connection, literal, native_sql(connection, literal), (7,)) == [(7, "100%")]


def test_errors_are_djangos_and_a_broken_transaction_is_refused():
    sql = "SELECT no_such_column FROM cases_case WHERE id = %s"
    with pytest.raises(DatabaseError), transaction.atomic():  # Django's, not the driver's
        fetch_all(connection, sql, native_sql(connection, sql), (1,))
    with transaction.atomic():
        with pytest.raises(DatabaseError), transaction.atomic(savepoint=False):
            fetch_all(connection, sql, native_sql(connection, sql), (1,))
        ok = "SELECT 1 FROM cases_case WHERE id = %s"
        with pytest.raises(transaction.TransactionManagementError):
            fetch_all(connection, ok, native_sql(connection, ok), (1,))


# --- The access event -------------------------------------------------------------


def _as_created(event: AccessEvent) -> dict:
    return {
        field.attname: getattr(event, field.attname)
        for field in AccessEvent._meta.concrete_fields
        if field.attname not in ("id", "at")
    }


def test_the_access_event_is_the_row_create_wrote(siti_case, aisyah):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    before = timezone.now()
    event = access_record(actor=aisyah, what="case.view", obj=siti_case, request=request)
    stored = AccessEvent.objects.get()
    assert event.pk == stored.pk and not event._state.adding
    assert before <= stored.at <= timezone.now() and stored.at == event.at
    expected = AccessEvent.objects.create(
        actor=aisyah,
        office=aisyah.office,
        what="case.view",
        object_type="cases.case",
        object_id=str(siti_case.pk),
        ip_address="10.1.2.3",
        case_id=siti_case.pk,
    )
    assert _as_created(stored) == _as_created(event) == _as_created(expected)
    with pytest.raises(PermissionError):  # append-only, as a created one
        event.save()


def test_the_access_event_goes_with_its_transaction(siti_case, aisyah):
    with transaction.atomic():
        access_record(actor=aisyah, what="case.view", obj=siti_case)
        transaction.set_rollback(True)
    assert not AccessEvent.objects.exists()
    with transaction.atomic():
        event = access_record(actor=aisyah, what="case.view", obj=siti_case)
    assert AccessEvent.objects.get().pk == event.pk


def test_a_failed_access_event_marks_its_transaction_for_rollback(siti_case, aisyah, monkeypatch):
    from kembali.audit import services

    monkeypatch.setattr(services, "fetch_all", _failing)
    with transaction.atomic():
        with pytest.raises(DatabaseError):
            access_record(actor=aisyah, what="case.view", obj=siti_case)
        assert transaction.get_rollback()
        transaction.set_rollback(False)


def _failing(*args):
    raise DatabaseError("refused")


def test_a_receiver_of_save_gets_the_orms_save(siti_case, aisyah):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.what)

    pre_save.connect(receiver, sender=AccessEvent)
    try:
        event = access_record(actor=aisyah, what="case.view", obj=siti_case)
    finally:
        pre_save.disconnect(receiver, sender=AccessEvent)
    assert seen == ["case.view"] and AccessEvent.objects.get().pk == event.pk


# --- Texts kept per language --------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ms", "en"])
def test_the_rule_reasons_are_describe_rules_in_each_language(siti_case, language):
    decision = Case.objects.get(pk=siti_case.pk).eligibility
    stored = [*decision.rules, {**decision.rules[0], "params": {"met": [{"odd": 1}]}}]
    decision.rules = stored  # the last one unhashable: described, not kept
    with translation.override(language):
        for _twice in range(2):
            rows = eligibility_rules(decision)
            assert rows == [
                {
                    "rule": rule["rule"],
                    "matched": rule["matched"],
                    "reason": describe_rule(
                        RuleResult(
                            rule=rule["rule"],
                            matched=rule["matched"],
                            code=rule.get("code", ""),
                            params=rule.get("params", {}),
                            reason=rule.get("reason", ""),
                        )
                    ),
                }
                for rule in stored
            ]
    assert rows[-1]["reason"] == stored[-1]["reason"]  # its params fit no sentence: as stored


@pytest.mark.parametrize("language", ["en", "ms", "en"])
def test_the_referral_and_assignment_entries_in_each_language(siti_case, language):
    siti_case.referred_by = "Dr. <Lim>"
    with translation.override(language):
        [referral] = referral_entries(siti_case)
        assignments = list(assignment_entries(siti_case))
        source = dict(Case.Source.choices)[siti_case.referral_source]
        assert referral.title == gettext("Referral received, dated %(date)s") % {
            "date": date_format(siti_case.referral_date)
        }
        assert referral.detail == gettext("%(source)s, referred by %(who)s") % {
            "source": source,
            "who": "Dr. <Lim>",
        }
        roles = dict(Assignment.Role.choices)
        expected = [
            gettext("%(name)s assigned as %(role)s")
            % {"name": row.user.display_name, "role": str(roles[row.role]).lower()}
            for row in Assignment.objects.filter(case=siti_case).select_related("user")
        ]
    assert sorted(entry.title for entry in assignments) == sorted(expected) and expected


@pytest.mark.parametrize("language", ["en", "ms"])
def test_a_day_is_shown_as_date_format_shows_it(language):
    days = [dt.date(2026, month, 1 + month) for month in range(1, 13)]
    moment = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    with translation.override(language):
        for day in days * 2:
            assert day_text(day) == date_format(day)
        assert day_text(moment) == date_format(moment)  # not a day: as it is, not kept


def test_the_case_tasks_are_what_the_orm_loads_with_their_people(siti_case, aisyah, chong):
    from kembali.cases.models import CaseTask
    from kembali.cases.services_monitoring import case_tasks, task_complete, task_create

    day = timezone.localdate()
    done = task_create(case=siti_case, actor=aisyah, title="Call HR", due_date=day)
    task_complete(task=done, actor=aisyah)
    task_create(case=siti_case, actor=aisyah, title="Visit", due_date=day, assigned_to=chong)
    theirs = list(
        CaseTask.objects.filter(case=siti_case).select_related(
            "assigned_to", "created_by", "done_by"
        )
    )

    with CaptureQueriesContext(connection) as queries:
        ours = case_tasks(Case.objects.get(pk=siti_case.pk))
        people = [(t.assigned_to, t.created_by, t.done_by) for t in ours]
    assert len(queries) == 2  # the case, then its tasks with their people
    assert [(t.pk, t.title, t.due_date, t.done_at) for t in ours] == [
        (t.pk, t.title, t.due_date, t.done_at) for t in theirs
    ]
    assert people == [(t.assigned_to, t.created_by, t.done_by) for t in theirs]
    assert [done_by for _a, _c, done_by in people].count(None) == 1  # the open one
