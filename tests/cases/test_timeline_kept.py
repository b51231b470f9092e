"""The case page keeps a case's timeline between its changes (kembali.cases.timeline_kept):
a view with nothing changed since the last shows the same timeline without reading it,
and any change to what it shows (a new row, a changed or removed one, a joined row, a
renamed user) is on the page at the next view, however it was written."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kembali.cases.models import CaseNote, Consent, TimelineChange, TimelineShared
from kembali.cases.services import case_assign, referral_create
from kembali.cases.services_monitoring import note_create
from kembali.cases.timeline import timeline_sources
from kembali.cases.timeline_kept import PREFIX, TRIGGERS, triggers_ensure, triggers_missing
from tests.cases.test_case_page import siti_referral, timeline_titles

pytestmark = pytest.mark.django_db

_TABLES = re.compile(r'(?:FROM|JOIN) "(\w+)"')


@pytest.fixture
def case(aisyah, chong, kl_office):
    case = referral_create(actor=chong, office=kl_office, referral=siti_referral()).case
    return case_assign(case=case, case_manager=aisyah, actor=chong)


def page(client, case, **headers) -> str:
    response = client.get(reverse("cases:detail", args=[case.number]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def _timeline(html: str) -> str:
    return html[html.index('id="timeline-title"') :]


def test_every_table_a_timeline_source_reads_has_its_triggers(case):
    read = set()
    for source in timeline_sources():
        with CaptureQueriesContext(connection) as queries:
            list(source(case))
        for query in queries.captured_queries:
            read |= set(_TABLES.findall(query["sql"]))
    watched = {watch.table for watch in TRIGGERS}
    assert read - {"cases_case"} <= watched, read - {"cases_case"} - watched
    assert "cases_casenote" in read and "accounts_user" in read  # the capture works
    assert triggers_missing(connection.alias) == set()


def test_a_view_with_nothing_changed_reads_no_timeline_and_shows_the_same(client, aisyah, case):
    note_create(case=case, actor=aisyah, text="Called the employer")
    client.force_login(aisyah)
    with CaptureQueriesContext(connection) as first:
        before = page(client, case)
    with CaptureQueriesContext(connection) as second:
        again = page(client, case)
    reads = [q["sql"] for q in second.captured_queries if "cases_casenote" in q["sql"]]
    assert _timeline(again) == _timeline(before)
    assert "Called the employer" in again
    assert len(second.captured_queries) < len(first.captured_queries)
    assert all("COUNT" in sql for sql in reads)  # only the probe's count of notes


def test_a_new_note_is_on_the_next_view(client, aisyah, case):
    client.force_login(aisyah)
    assert "Second thoughts" not in page(client, case)
    note_create(case=case, actor=aisyah, text="Second thoughts")
    assert "Second thoughts" in page(client, case)


def test_a_note_changed_or_removed_by_any_path_is_on_the_next_view(client, aisyah, case):
    note = note_create(case=case, actor=aisyah, text="Met the doctor")
    client.force_login(aisyah)
    assert "Met the doctor" in page(client, case)
    CaseNote.objects.filter(pk=note.pk).update(text="Met the occupational therapist")
    shown = page(client, case)
    assert "Met the occupational therapist" in shown and "Met the doctor" not in shown
    with connection.cursor() as cursor:  # not even through the ORM
        cursor.execute("DELETE FROM cases_casenote WHERE id = %s", [note.pk])
    assert "Met the occupational therapist" not in page(client, case)


def test_a_renamed_user_is_renamed_on_every_kept_timeline(client, aisyah, chong, case):
    note_create(case=case, actor=aisyah, text="Home visit")
    client.force_login(chong)
    assert "Aisyah" in _timeline(page(client, case))
    shared = TimelineShared.objects.get().changes
    aisyah.first_name = "Nur Aisyah"
    aisyah.save(update_fields=["first_name"])
    assert TimelineShared.objects.get().changes == shared + 1
    assert "Nur Aisyah" in _timeline(page(client, case))
    aisyah.save(update_fields=["last_login"])  # a sign-in changes no name: nothing kept is lost
    assert TimelineShared.objects.get().changes == shared + 1


def test_each_language_has_its_own_kept_timeline(client, aisyah, case):
    client.force_login(aisyah)
    english = _timeline(page(client, case))
    client.cookies["django_language"] = "ms"
    malay = _timeline(page(client, case, HTTP_ACCEPT_LANGUAGE="ms"))
    assert "Referral received" in english and "Referral received" not in malay
    assert timeline_titles(malay) != timeline_titles(english)


def test_a_provider_added_to_a_consent_changes_its_entry(client, aisyah, case):
    from django.utils import timezone

    from kembali.providers.models import Provider

    consent = Consent.objects.create(
        case=case,
        given_on=timezone.localdate(),
        method=Consent.Method.choices[0][0],
        joins_programme=True,
        intention_confirmed=True,
        recorded_by=aisyah,
        recorded_at=timezone.now(),
    )
    client.force_login(aisyah)
    before = _timeline(page(client, case))
    consent.providers.add(Provider.objects.order_by("pk").first())  # a joined row, not its own
    after = _timeline(page(client, case))
    assert after != before
    Consent.objects.filter(pk=consent.pk).update(
        withdrawn_on=timezone.localdate(),
        withdrawn_at=timezone.now(),
        withdrawn_by=aisyah,
        withdrawal_reason="Moved to Johor",
    )
    assert "Moved to Johor" in _timeline(page(client, case))


def test_a_vacancy_referral_step_counts_a_change_for_its_case(aisyah, case):
    from kembali.audit.services import audit_record

    before = TimelineChange.objects.filter(case_id=case.pk).count()
    audit_record(actor=aisyah, action="update", obj=case)  # not a referral's: not counted
    assert TimelineChange.objects.filter(case_id=case.pk).count() == before
    with connection.cursor() as cursor:  # a referral's step, as the audit trail holds it
        cursor.execute(
            "INSERT INTO audit_auditevent (at, action, object_type, object_id, object_repr, "
            "changes, reason, case_id) VALUES (%s, 'vacancy_referral.placed', "
            "'placement.vacancyreferral', '999999', '', '{}', '', %s)",
            ["2026-06-30 12:00:00", case.pk],
        )
    assert TimelineChange.objects.filter(case_id=case.pk).count() == before + 1


def test_a_migrate_makes_the_triggers_those_of_the_code():
    lost, changed = TRIGGERS[0].names()[0], TRIGGERS[2].names()[0]
    postgresql = connection.vendor == "postgresql"
    on = f' ON "{TRIGGERS[0].table}"' if postgresql else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {lost}{on}")  # as a table rebuilt on SQLite loses it
        # One the code no longer has, and one whose definition is not the code's.
        function = f"EXECUTE FUNCTION {PREFIX}{TRIGGERS[2].table}()"
        body = function if postgresql else "BEGIN SELECT 1; END"
        stale = f"{PREFIX}{TRIGGERS[2].table}_gone"
        cursor.execute(
            f'CREATE TRIGGER {stale} AFTER UPDATE ON "{TRIGGERS[2].table}" FOR EACH ROW {body}'
        )
        if postgresql:
            cursor.execute(f"COMMENT ON TRIGGER {changed} ON \"{TRIGGERS[2].table}\" IS 'old'")
        else:
            cursor.execute(f"DROP TRIGGER {changed}")
            cursor.execute(
                f'CREATE TRIGGER {changed} AFTER UPDATE ON "{TRIGGERS[2].table}" '
                "FOR EACH ROW BEGIN SELECT 1; END"
            )
    assert triggers_missing(connection.alias) == {lost}

    assert sorted(triggers_ensure(using=connection.alias)) == sorted([lost, changed])
    assert triggers_missing(connection.alias) == set()
    assert triggers_ensure(using=connection.alias) == []  # nothing left to do
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = %s"
            if not postgresql
            else "SELECT count(*) FROM pg_trigger WHERE tgname = %s",
            [stale],
        )
        assert cursor.fetchone()[0] == 0


def test_every_trigger_counts_a_change_for_the_right_case(time_machine):
    """Over a generated world: a change to a row of every watched table is counted
    for the case the row belongs to (found through the ORM's own relations), and a
    change to a shared name raises the shared count."""
    import datetime as dt

    from django.apps import apps

    from kembali.core.generate.builder import generate

    time_machine.move_to(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))
    generate(cases=600, seed=3, today=dt.date(2026, 6, 30))
    _fill_what_the_generator_leaves_empty()
    models = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
    checked, empty = 0, []
    for watch in TRIGGERS:
        if watch.ops == "i":
            continue  # insert only, the audit trail: test_a_vacancy_referral_step_...
        model = models[watch.table]
        row = model._base_manager.order_by("pk").last()
        if row is None:
            empty.append(watch.table)
            continue
        column = model._meta.pk.column
        if watch.case is None:  # a shared name: change it
            field = model._meta.get_field(next(c for c in watch.columns if c != "employer_id"))
            before = TimelineShared.objects.get().changes
            model._base_manager.filter(pk=row.pk).update(**{field.name: "Renamed"})
            assert TimelineShared.objects.get().changes == before + 1, watch.table
            checked += 1
            continue
        case_id = _case_of(row)
        before = TimelineChange.objects.filter(case_id=case_id).count()
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{watch.table}" SET "{column}" = "{column}" WHERE "{column}" = %s',
                [row.pk],
            )
        assert TimelineChange.objects.filter(case_id=case_id).count() == before + 1, watch.table
        checked += 1
    assert not empty and checked == len(TRIGGERS) - 1  # all but the audit trail's insert


def _case_of(row) -> int:
    """The case a row belongs to, through the ORM's relations."""
    for path in ("case_id", "plan", "consent"):
        value = getattr(row, path, None)
        if path == "case_id" and value is not None:
            return value
        if value is not None and path != "case_id":
            return value.case_id
    raise AssertionError(f"no case for {row!r}")


def _fill_what_the_generator_leaves_empty() -> None:
    """A row in each placement table the generator does not write, for a case with
    neither a support plan nor a self-employment plan."""
    from decimal import Decimal

    from django.utils import timezone

    from kembali.accounts.models import User
    from kembali.cases.models import Case
    from kembali.placement import models as placement

    case = Case.objects.filter(support_plan__isnull=True, self_employment__isnull=True).first()
    user = User.objects.filter(office_id=case.office_id).first() or User.objects.first()
    now, today = timezone.now(), timezone.localdate()
    placement.JpessReferral.objects.create(
        case=case, reason="Ready for work", referred_by=user, referred_at=now
    )
    placement.JobCoach.objects.create(
        case=case, coach_name="Encik Rahim", assigned_by=user, assigned_on=today
    )
    placement.SupportSession.objects.create(
        case=case,
        kind=placement.SupportSession._meta.get_field("kind").choices[0][0],
        held_on=today,
        duration_minutes=30,
        topics="Interview practice",
        recorded_by=user,
        recorded_at=now,
    )
    plan = placement.SupportPlan.objects.create(
        case=case, goals="A job near home", created_by=user, created_at=now, updated_at=now
    )
    placement.SupportActivity.objects.create(
        plan=plan,
        kind=placement.SupportActivity._meta.get_field("kind").choices[0][0],
        planned_on=today,
        created_at=now,
        created_by=user,
    )
    business = placement.SelfEmploymentPlan.objects.create(
        case=case, business_idea="A food stall", created_by=user, created_at=now, updated_at=now
    )
    placement.SelfEmploymentSupport.objects.create(
        plan=business,
        kind=placement.SelfEmploymentSupport._meta.get_field("kind").choices[0][0],
        description="A cart",
        amount=Decimal("1500.00"),
        given_on=today,
        recorded_by=user,
        recorded_at=now,
    )
    placement.IncomeMilestone.objects.create(
        plan=business, due_on=today, target_monthly_income=Decimal("1800.00")
    )
