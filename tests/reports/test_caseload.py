"""The supervisor's caseload page: per officer, open cases by stage, overdue tasks and
the case untouched the longest; supervisors see their office, national administrators
choose one, everyone else gets 404."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kembali.accounts.models import Role
from kembali.cases.models import Case, CaseContact, CaseNote, CaseTask, Status
from kembali.reports.caseload import office_caseload
from tests.factories import CaseFactory, UserFactory

# Every test here reaches the database, some only through request.getfixturevalue, which
# pytest-django cannot see when it orders tests: without the mark they would run after the
# transactional tests, on a flushed database.
pytestmark = pytest.mark.django_db

URL = "/reports/caseload/"


@pytest.fixture
def hafiz(kl_office):
    return UserFactory(
        username="hafiz",
        first_name="Hafiz",
        last_name="Ismail",
        role=Role.CASE_MANAGER,
        office=kl_office,
    )


def _age(case: Case, days: int) -> None:
    """Make the case's last change `days` ago (updated_at is auto_now on save)."""
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now() - dt.timedelta(days=days))


@pytest.fixture
def office_work(kl_office, penang_office, aisyah, bala, hafiz, farid):
    """KL: aisyah manages 2 assigned, 1 in rehabilitation (bala places it) and 1 closed
    case; hafiz manages 1 in job placement that bala places too. Penang: farid has 3."""
    a1 = CaseFactory(office=kl_office, case_manager=aisyah, status=Status.ASSIGNED)
    a2 = CaseFactory(office=kl_office, case_manager=aisyah, status=Status.ASSIGNED)
    a3 = CaseFactory(
        office=kl_office,
        case_manager=aisyah,
        placement_officer=bala,
        status=Status.IN_REHABILITATION,
    )
    CaseFactory(office=kl_office, case_manager=aisyah, status=Status.CLOSED)
    h1 = CaseFactory(
        office=kl_office,
        case_manager=hafiz,
        placement_officer=bala,
        status=Status.JOB_PLACEMENT,
    )
    CaseFactory(office=kl_office, status=Status.REFERRED)  # no one holds it yet
    CaseFactory.create_batch(3, office=penang_office, case_manager=farid, status=Status.ASSIGNED)
    return {"a1": a1, "a2": a2, "a3": a3, "h1": h1}


def _row(load, username):
    return next(r for r in load.officers if r.user.username == username)


def test_open_cases_by_stage_per_officer(office_work, chong, kl_office):
    load = office_caseload(viewer=chong, office=kl_office)

    assert [r.user.username for r in load.officers] == ["aisyah", "bala", "hafiz"]
    aisyah = dict(_row(load, "aisyah").by_stage)
    assert aisyah[Status.ASSIGNED] == 2
    assert aisyah[Status.IN_REHABILITATION] == 1
    assert _row(load, "aisyah").open_total == 3  # the closed case is not open
    bala = dict(_row(load, "bala").by_stage)
    assert bala[Status.IN_REHABILITATION] == 1 and bala[Status.JOB_PLACEMENT] == 1
    assert _row(load, "bala").open_total == 2
    assert _row(load, "hafiz").open_total == 1
    # The office counts each open case once, the unheld referral included; Penang's not.
    assert dict(load.office_by_stage)[Status.REFERRED] == 1
    assert load.office_total == 5
    assert Status.CLOSED not in dict(load.stages)


def test_overdue_tasks_count_only_undone_tasks_due_before_today(
    office_work, aisyah, kl_office, chong
):
    today = timezone.localdate()
    now = timezone.now()
    case = office_work["a1"]

    def task(due, **extra):
        CaseTask.objects.create(
            case=case,
            title="Call",
            due_date=due,
            assigned_to=aisyah,
            created_by=aisyah,
            created_at=now,
            **extra,
        )

    task(today - dt.timedelta(days=3))
    task(today - dt.timedelta(days=1))
    task(today)  # due today: not overdue yet
    task(today - dt.timedelta(days=5), done_at=now, done_by=aisyah)

    load = office_caseload(viewer=chong, office=kl_office)

    assert _row(load, "aisyah").overdue_tasks == 2
    assert _row(load, "bala").overdue_tasks == 0


def test_oldest_untouched_case_counts_notes_and_contacts_as_activity(
    office_work, aisyah, kl_office, chong
):
    a1, a2, a3 = office_work["a1"], office_work["a2"], office_work["a3"]
    _age(a1, 40)
    _age(a2, 30)
    _age(a3, 20)
    # A note yesterday on the oldest case, a contact 10 days ago on the next.
    CaseNote.objects.create(
        case=a1, text="Rang", author=aisyah, created_at=timezone.now() - dt.timedelta(days=1)
    )
    CaseContact.objects.create(
        case=a2,
        party="person",
        method="phone",
        summary="Spoke",
        contacted_at=timezone.now() - dt.timedelta(days=10),
        recorded_by=aisyah,
        created_at=timezone.now(),
    )

    load = office_caseload(viewer=chong, office=kl_office)

    row = _row(load, "aisyah")
    assert row.oldest_case_number == a3.number
    assert row.untouched_days == 20


def test_supervisor_sees_own_office_with_links(client, office_work, chong):
    a3 = office_work["a3"]
    _age(a3, 365)
    client.force_login(chong)

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Aisyah Rahman" in html and "Bala Subramaniam" in html
    assert "Farid" not in html
    assert reverse("cases:detail", args=[a3.number]) in html
    assert "365 days" in html
    assert f'{reverse("cases:list")}?status=assigned"' in html
    assert 'name="office"' not in html  # a supervisor has no office chooser


def test_national_admin_chooses_an_office(client, office_work, devi, penang_office, kl_office):
    client.force_login(devi)

    first = client.get(URL)
    chosen = client.get(URL, {"office": penang_office.pk})

    assert first.status_code == 200
    assert first.context["caseload"].office.name == min(
        first.context["form"].fields["office"].queryset.values_list("name", flat=True)
    )
    assert chosen.status_code == 200
    assert "Farid Hassan" in chosen.content.decode()
    assert "Aisyah" not in chosen.content.decode()
    # The stage links keep the office for a role that sees several.
    assert f"?status=assigned&amp;office={penang_office.pk}" in chosen.content.decode()


def test_an_unknown_office_is_a_clear_error(client, devi):
    client.force_login(devi)

    response = client.get(URL, {"office": "999999"})

    assert response.status_code == 200
    assert "Choose an office from the list." in response.content.decode()
    assert response.context["caseload"] is None


@pytest.mark.parametrize("name", ["aisyah", "bala", "ehsan", "farid"])
def test_other_roles_get_404(client, name, request):
    client.force_login(request.getfixturevalue(name))

    assert client.get(URL).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def _queries(client, kl_office) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_officers_or_cases(client, chong, kl_office, aisyah):
    client.force_login(chong)
    CaseFactory(office=kl_office, case_manager=aisyah, status=Status.ASSIGNED)
    few = _queries(client, kl_office)

    for n in range(6):
        officer = UserFactory(
            username=f"officer{n}",
            role=Role.PLACEMENT_OFFICER if n % 2 else Role.CASE_MANAGER,
            office=kl_office,
        )
        holder = {"placement_officer" if n % 2 else "case_manager": officer}
        for status in (Status.ASSIGNED, Status.CONSENTED, Status.FOLLOW_UP):
            case = CaseFactory(office=kl_office, status=status, **holder)
            CaseTask.objects.create(
                case=case,
                title="t",
                due_date=dt.date(2020, 1, 1),
                assigned_to=officer,
                created_by=officer,
                created_at=timezone.now(),
            )
    many = _queries(client, kl_office)

    assert many == few
    assert few <= 10
