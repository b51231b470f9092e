"""The bulk CSV import of referrals: what a supervisor importing a file would notice."""

import csv
import datetime as dt
import io
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from kembali.accounts.models import Role
from kembali.audit.models import AuditEvent
from kembali.cases.imports import ALL_OR_NOTHING, GOOD_ROWS, referrals_import
from kembali.cases.imports_csv import COLUMNS
from kembali.cases.models import Case, Status, Transition
from kembali.cases.services import referral_create
from kembali.people.models import InsuredPerson
from tests.factories import CaseFactory, PersonFactory, UserFactory, nric_for

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "kembali" / "cases" / "data" / "referrals_sample.csv"


def row(n: int, **overrides) -> dict:
    """A good row: a work-related injury and Temporary Disablement Benefit (rule 1)."""
    values = {c: "" for c in COLUMNS}
    values.update(
        referral_reference=f"REF-{n:05d}",
        referral_date="2026-03-02",
        nric=nric_for(dt.date(1980, 1, 1) + dt.timedelta(days=n), n, female=n % 2 == 0),
        full_name=f"Orang Ujian {n}",
        state_code="14",
        injury_date="2026-01-15",
        injury_kind="industrial",
        injury_work_related="yes",
        injury_description="Hand injury",
        benefits="tdb",
        benefit_start_dates="2026-01-20",
        employer_name="Syarikat Ujian Sdn Bhd",
        isco_code="8142",
        job_title="Machine operator",
        monthly_wage="2300.00",
        employment_start="2015-06-01",
    )
    values.update(overrides)
    return values


def on_file_with_a_closed_case(actor, office, n: int, *, full_name: str) -> None:
    """The person of row `n` on file under `full_name`, with one case, closed: an
    import of row `n` refers them again (and renames them)."""
    from tests.cases.test_referral import referral

    person = referral().person.__class__(nric=row(n)["nric"], full_name=full_name, state_code="14")
    referral_create(
        actor=actor,
        office=office,
        referral=referral(person=person, referral_reference="EARLIER"),
    )
    Case.objects.filter(referral_reference="EARLIER").update(
        status=Status.CLOSED, closed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )


def csv_text(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_the_sample_file_imports_five_referrals_with_their_eligibility(chong, kl_office):
    with open(SAMPLE, encoding="utf-8-sig") as f:
        report = referrals_import(actor=chong, source=f, office=kl_office)
    assert (report.rows, report.imported, report.bad) == (5, 5, 0)
    cases = {c.referral_reference: c for c in Case.objects.select_related("eligibility")}
    assert cases["SAMPLE-0001"].status == Status.ELIGIBLE
    assert cases["SAMPLE-0001"].eligibility.matched_rules == [1]
    assert cases["SAMPLE-0003"].eligibility.matched_rules == [3]
    assert cases["SAMPLE-0004"].status == Status.NOT_ELIGIBLE
    assert all(c.referral_source == Case.Source.IMPORT for c in cases.values())
    assert all(c.version == 2 and c.office == kl_office for c in cases.values())
    # Numbers come from the same counter as the referral form's.
    assert sorted(c.number for c in cases.values())[0] == "RTW-2026-0000001"
    # Every case has its decision's transition, by the person who imported.
    assert Transition.objects.filter(actor=chong, from_status=Status.REFERRED).count() == 5


def test_each_case_is_audited_once_with_what_was_created_and_each_batch_is_summed_up(
    chong, kl_office
):
    referrals_import(
        actor=chong,
        source=csv_text(
            [row(n) for n in range(4)]
            + [row(4, board="mb", board_date="2026-02-01", board_recommended="yes")]
        ),
        office=kl_office,
        batch_size=2,
    )
    case = Case.objects.select_related("person", "injury", "eligibility").get(
        referral_reference="REF-00003"
    )
    # One event per case (not one per object): "create" on the case, with its case
    # id, so a search by case number finds it, and the decision as its reason.
    events = AuditEvent.objects.exclude(action="import")
    assert events.count() == 5
    assert set(events.values_list("action", "object_type", "actor")) == {
        ("create", "cases.case", chong.pk)
    }
    event = events.get(object_id=str(case.pk))
    assert (event.case_id, event.office_id, event.object_repr) == (
        case.pk,
        kl_office.pk,
        case.number,
    )
    assert event.reason == case.transitions.get().reason and event.reason
    changes = event.changes
    assert changes["number"] == [None, case.number]
    assert changes["status"] == ["referred", "eligible"]
    assert changes["referral_reference"] == [None, "REF-00003"]
    person = changes["person"][1]
    assert (person["id"], person["nric"], person["full_name"]) == (
        case.person_id,
        case.person.nric,
        "Orang Ujian 3",
    )
    assert person["date_of_birth"] == case.person.date_of_birth.isoformat()
    assert changes["injury"][1] == {
        "id": case.injury_id,
        "date": "2026-01-15",
        "kind": "industrial",
        "work_related": True,
        "description": "Hand injury",
        "body_part": "",
        "icd10": "",
    }
    job = changes["pre_injury_employment"][1]
    assert (job["id"], job["isco_unit"], job["monthly_wage"]) == (
        case.pre_injury_employment_id,
        "8142",
        "2300.00",
    )
    benefit = case.person.benefits.get()
    assert changes["benefits"][1] == [
        {"id": benefit.pk, "kind": "tdb", "start_date": "2026-01-20", "end_date": None}
    ]
    assert "board_recommendations" not in changes
    assert changes["eligibility"] == [
        None,
        {"id": case.eligibility.pk, "eligible": True, "matched_rules": [1]},
    ]
    board_case = Case.objects.get(referral_reference="REF-00004")
    boards = events.get(object_id=str(board_case.pk)).changes["board_recommendations"][1]
    assert [(b["board"], b["date"]) for b in boards] == [("mb", "2026-02-01")]
    summaries = AuditEvent.objects.filter(action="import").order_by("id")
    assert [s.changes["imported"][1] for s in summaries] == [2, 2, 1]


def test_a_person_on_file_is_updated_through_the_people_services_and_audited_there(
    chong, kl_office
):
    person = PersonFactory(
        nric=row(7)["nric"], date_of_birth=dt.date(1980, 1, 8), full_name="Nama Lama"
    )
    report = referrals_import(actor=chong, source=csv_text([row(7)]), office=kl_office)
    assert report.imported == 1
    person.refresh_from_db()
    assert person.full_name == "Orang Ujian 7"
    case = Case.objects.get(referral_reference="REF-00007")
    assert case.person == person
    event = AuditEvent.objects.get(object_type="cases.case", object_id=str(case.pk))
    assert event.changes["person"] == [None, {"id": person.pk}]
    update = AuditEvent.objects.get(
        object_type="people.insuredperson", object_id=str(person.pk), action="update"
    )
    assert update.changes["full_name"] == ["Nama Lama", "Orang Ujian 7"]


def test_importing_the_same_file_again_adds_nothing(chong, kl_office):
    text = csv_text([row(n) for n in range(4)])
    referrals_import(actor=chong, source=text, office=kl_office)
    again = referrals_import(actor=chong, source=text, office=kl_office)
    assert (again.imported, again.already_imported, again.bad) == (0, 4, 0)
    assert Case.objects.count() == 4
    assert InsuredPerson.objects.count() == 4


def test_bad_rows_are_reported_with_their_line_and_every_reason(chong, kl_office):
    rows = [
        row(1),
        row(2, nric="801301-14-5011", referral_date="2026-02-30"),
        row(3, injury_kind="fall", monthly_wage="lots"),
        row(4, isco_code="9999", state_code="42"),
    ]
    report = referrals_import(actor=chong, source=csv_text(rows), office=kl_office)
    assert report.refused and report.imported == 0
    assert Case.objects.count() == 0
    by_line = {b.line: b.reasons for b in report.bad_rows}
    assert sorted(by_line) == [3, 4, 5]
    assert any(r.startswith("referral_date:") for r in by_line[3])
    assert any(r.startswith("nric:") for r in by_line[3]) or len(by_line[3]) == 1
    assert [r.split(":")[0] for r in by_line[4]] == ["injury_kind", "monthly_wage"]
    assert {r.split(":")[0] for r in by_line[5]} == {"state_code", "isco_code"}


def test_a_number_in_other_digits_is_a_bad_cell_not_a_crash(chong, kl_office):
    rows = [row(1, dependants="²"), row(2, dependants="٣"), row(3, dependants="3")]
    report = referrals_import(actor=chong, source=csv_text(rows), office=kl_office)
    by_line = {b.line: b.reasons for b in report.bad_rows}
    assert sorted(by_line) == [2, 3]
    assert all(reasons == ["dependants: write a whole number."] for reasons in by_line.values())


def test_good_rows_mode_imports_the_others(chong, kl_office):
    rows = [row(1), row(2, nric="12345"), row(3)]
    report = referrals_import(actor=chong, source=csv_text(rows), office=kl_office, mode=GOOD_ROWS)
    assert not report.refused
    assert (report.imported, report.bad) == (2, 1)
    assert report.bad_rows[0].line == 3
    assert "nric" in report.bad_rows[0].reasons[0]
    assert set(Case.objects.values_list("referral_reference", flat=True)) == {
        "REF-00001",
        "REF-00003",
    }


def test_the_same_refusals_as_a_referral_form(chong, kl_office, penang_office):
    person = PersonFactory()
    open_case = CaseFactory(person=person, office=kl_office, status=Status.ASSIGNED)
    rows = [
        row(1, nric=person.nric),  # has an open case
        row(2),
        row(3, referral_reference="REF-00002"),  # the same reference twice in the file
        row(4, office_code="PNG01"),  # another office than the supervisor's
        row(5, referral_date="2099-01-01"),
    ]
    report = referrals_import(actor=chong, source=csv_text(rows), office=kl_office, mode=GOOD_ROWS)
    reasons = {b.line: " ".join(b.reasons) for b in report.bad_rows}
    assert open_case.number in reasons[2]
    assert "line 3" in reasons[4]
    assert "PNG01" in reasons[5]
    assert "future" in reasons[6]
    assert report.imported == 1


def test_a_person_referred_twice_in_one_file_gets_one_open_case(chong, kl_office):
    first = row(1)
    report = referrals_import(
        actor=chong,
        source=csv_text([first, row(2, nric=first["nric"])]),
        office=kl_office,
        mode=GOOD_ROWS,
    )
    assert report.imported == 1
    assert "line 2" in report.bad_rows[0].reasons[0]


def test_a_file_with_unknown_columns_is_refused_whole(chong, kl_office):
    report = referrals_import(
        actor=chong, source="referral_reference,nric,name\nA,1,x\n", office=kl_office
    )
    assert report.refused
    assert "referral_date" in report.file_error and "name" in report.file_error


def test_the_command_exits_1_with_the_bad_rows(tmp_path, kl_office, capsys):
    path = tmp_path / "referrals.csv"
    # A byte-order mark, as Excel writes it, is fine.
    path.write_text("\ufeff" + csv_text([row(1), row(2, nric="bad")]), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        call_command("import_referrals", str(path), "--office", "KL01", "--no-progress")
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "line 3 (REF-00002): nric:" in err
    assert Case.objects.count() == 0
    call_command(
        "import_referrals", str(path), "--office", "KL01", "--mode", "good_rows", "--no-progress"
    )
    assert "1 imported" in capsys.readouterr().out
    assert Case.objects.count() == 1


def _manage(db: Path, *args: str, **kwargs):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, **kwargs
    )


def test_an_import_killed_half_way_then_run_again_misses_and_doubles_nothing(tmp_path):
    db = tmp_path / "kill.sqlite3"
    assert _manage(db, "migrate", "-v0", stdout=subprocess.DEVNULL).wait() == 0
    path = tmp_path / "big.csv"
    path.write_text(csv_text([row(n) for n in range(3000)]), encoding="utf-8")
    args = ("import_referrals", str(path), "--office", "KL01", "--mode", "good_rows")
    first = _manage(
        db, *args, "--batch-size", "500", "--no-progress", "-v2", stdout=subprocess.PIPE, text=True
    )
    # Kill it the moment its first batch is committed.
    line = first.stdout.readline()
    assert "batch committed" in line
    first.send_signal(signal.SIGKILL)
    first.wait()
    with sqlite3.connect(db) as conn:
        half = conn.execute("select count(*) from cases_case").fetchone()[0]
    assert 500 <= half < 3000
    again = _manage(db, *args, "--no-progress", stdout=subprocess.PIPE, text=True)
    out, _ = again.communicate()
    assert again.returncode == 0
    assert f"{3000 - half} imported, {half} already imported" in out
    with sqlite3.connect(db) as conn:
        cases = conn.execute("select count(*), count(distinct referral_reference) from cases_case")
        assert cases.fetchone() == (3000, 3000)
        persons = conn.execute("select count(*), count(distinct nric) from people_insuredperson")
        assert persons.fetchone() == (3000, 3000)
        decisions = conn.execute("select count(*) from cases_eligibilitydecision").fetchone()[0]
        assert decisions == 3000


def test_a_supervisor_uploads_a_file_and_sees_the_result(client, chong, kl_office):
    client.force_login(chong)
    page = client.get(reverse("cases:import"))
    assert page.status_code == 200
    assert b"referral_reference" in page.content
    upload = SimpleUploadedFile(
        "referrals.csv",
        csv_text([row(1), row(2, nric="bad")]).encode("utf-8-sig"),
        content_type="text/csv",
    )
    response = client.post(reverse("cases:import"), {"file": upload, "mode": GOOD_ROWS})
    assert response.status_code == 200
    text = response.content.decode()
    assert '<dd class="kembali-summary-list__value" id="imported-count">1</dd>' in text
    assert '<th scope="row">3</th>' in text and "nric:" in text
    assert Case.objects.count() == 1


def test_an_upload_that_is_not_utf8_is_refused_with_a_reason(client, chong, kl_office):
    client.force_login(chong)
    upload = SimpleUploadedFile("r.csv", "nama,é\n".encode("latin-1"), content_type="text/csv")
    response = client.post(reverse("cases:import"), {"file": upload, "mode": ALL_OR_NOTHING})
    assert response.status_code == 422
    assert "UTF-8" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_ministry_analyst_may_not_import(client, ehsan):
    client.force_login(ehsan)
    assert client.get(reverse("cases:import")).status_code == 403


def test_a_large_file_is_imported_in_the_background(
    client, chong, kl_office, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    # The worker drops database connections between tasks, which would end the test's
    # transaction (Django's test client unhooks the same call).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    client.force_login(chong)
    from kembali.cases.views import imports as import_views

    upload = SimpleUploadedFile(
        "big.csv", csv_text([row(n) for n in range(12)]).encode(), content_type="text/csv"
    )
    original = import_views.SYNC_ROWS
    import_views.SYNC_ROWS = 10
    try:
        response = client.post(reverse("cases:import"), {"file": upload, "mode": GOOD_ROWS})
    finally:
        import_views.SYNC_ROWS = original
    assert response.status_code == 302
    waiting = client.get(response["Location"])
    assert "waiting to start" in waiting.content.decode()
    assert Case.objects.count() == 0
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    status = client.get(response["Location"])
    assert "The import has finished." in status.content.decode()
    assert Case.objects.count() == 12
    # Someone else cannot follow it.
    client.force_login(UserFactory(role=Role.SUPERVISOR, office=kl_office))
    assert client.get(response["Location"]).status_code == 404


def test_dates_in_either_form_are_read_and_a_nul_character_is_refused(chong, kl_office):
    rows = [
        row(1, referral_date="02/03/2026", injury_date="2026-01-15"),
        row(2, full_name="Orang\x00Ujian"),
        row(3, employment_start="2015-13-01"),
    ]
    report = referrals_import(actor=chong, source=csv_text(rows), office=kl_office, mode=GOOD_ROWS)
    assert (report.imported, report.bad) == (1, 2)
    case = Case.objects.select_related("injury").get(referral_reference="REF-00001")
    assert (case.referral_date, case.injury.date) == (dt.date(2026, 3, 2), dt.date(2026, 1, 15))
    by_line = {b.line: b.reasons for b in report.bad_rows}
    assert by_line[3] == ["full_name: contains a NUL character."]
    assert by_line[4] == ["employment_start: “2015-13-01” is not a date such as 2026-03-31."]


def test_anonymising_the_person_erases_what_the_import_event_holds_about_them(chong, kl_office):
    from kembali.people.pdpa import person_anonymise

    referrals_import(actor=chong, source=csv_text([row(1)]), office=kl_office)
    case = Case.objects.get()
    event = AuditEvent.objects.get(object_type="cases.case", object_id=str(case.pk))
    assert event.changes["person"][1]["full_name"] == "Orang Ujian 1"
    person_anonymise(actor=None, person=case.person)
    event.refresh_from_db()
    assert "Orang Ujian 1" not in str(event.changes)
    assert case.person.nric not in str(event.changes)
