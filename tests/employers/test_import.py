"""Importing vacancies from CSV: idempotent by reference, every bad row reported
with its line, all-or-nothing or good rows only, on the page and by the command."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from kembali.audit.models import AuditEvent
from kembali.core.csvimport import GOOD_ROWS
from kembali.employers.freshness import vacancy_index_version
from kembali.employers.imports import vacancies_import
from kembali.employers.models import Vacancy

pytestmark = pytest.mark.django_db

HEADER = (
    "reference,employer_code,isco_code,title,state_code,monthly_wage,opened_on,closes_on,"
    "max_lift_kg,wheelchair_access\n"
)
GOOD = (
    HEADER
    + "JB-1,E140000001,4110,Office clerk,14,1800.00,2026-03-01,2026-04-30,5,yes\n"
    + "JB-2,e14-0000001,8322,Van driver,14,2200,01/03/2026,,20,no\n"
)
WITH_BAD = (
    GOOD
    + "JB-3,E140000001,9999,Cleaner,14,1500,2026-03-01,,0,no\n"  # line 4: not a unit group
    + "\n"
    + "JB-4,E140000001,9112,Cleaner,14,0,2026-03-01,2026-02-01,150,maybe\n"  # line 6
    + "JB-5,E149999999,9112,Cleaner,14,1500,2026-03-01,,0,no\n"  # line 7
    + "JB-1,E140000001,4110,Office clerk,14,1800.00,2026-03-01,2026-04-30,5,yes\n"  # line 8: twice
)


def test_a_good_file_imports_and_a_second_time_adds_nothing(bala, employer):
    report = vacancies_import(actor=bala, source=GOOD)
    assert (report.rows, report.imported, report.bad, report.refused) == (2, 2, 0, False)
    clerk = Vacancy.objects.get(reference="JB-1")
    assert (
        clerk.employer,
        clerk.wheelchair_access,
        clerk.max_lift_kg,
        clerk.closes_on.isoformat(),
    ) == (
        employer,
        True,
        5,
        "2026-04-30",
    )
    marker = vacancy_index_version()
    again = vacancies_import(actor=bala, source=GOOD)
    assert (again.imported, again.updated, again.already_imported) == (0, 0, 2)
    assert Vacancy.objects.count() == 2
    assert vacancy_index_version() == marker  # nothing changed, nothing to rebuild
    assert AuditEvent.objects.filter(action="vacancy.import_create").count() == 2


def test_a_changed_row_updates_its_vacancy(bala, employer):
    vacancies_import(actor=bala, source=GOOD)
    report = vacancies_import(actor=bala, source=GOOD.replace("1800.00", "1950.00"))
    assert (report.imported, report.updated, report.already_imported) == (0, 1, 1)
    clerk = Vacancy.objects.get(reference="JB-1")
    assert (str(clerk.monthly_wage), clerk.version) == ("1950.00", 2)
    event = AuditEvent.objects.get(action="vacancy.import_update")
    assert event.changes == {"monthly_wage": ["1800.00", "1950.00"]}


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(bala, employer):
    report = vacancies_import(actor=bala, source=WITH_BAD)
    assert report.refused
    assert (report.rows, report.imported, report.bad) == (6, 0, 4)
    reasons = {bad.line: "; ".join(bad.reasons) for bad in report.bad_rows}
    assert set(reasons) == {4, 6, 7, 8}
    assert "isco_code: 9999 is not an ISCO-08 unit group" in reasons[4]
    assert "wheelchair_access: write yes or no." in reasons[6]
    assert "employer_code: no employer on file has the code E149999999." in reasons[7]
    assert "reference: JB-1 is on line 2 too." in reasons[8]
    assert not Vacancy.objects.exists()


def test_row_rules_are_the_same_as_the_form(bala, employer):
    source = HEADER + "JB-4,E140000001,9112,Cleaner,14,0,2026-03-01,2026-02-01,150,no\n"
    (bad,) = vacancies_import(actor=bala, source=source).bad_rows
    assert bad.line == 2
    assert bad.reasons == [
        "monthly_wage: The monthly wage must be more than RM 0.",
        "max_lift_kg: The heaviest lift must be between 0 and 100 kg.",
        "closes_on: The closing date must be after the opening date.",
    ]


def test_good_rows_mode_imports_the_good_ones(bala, employer):
    report = vacancies_import(actor=bala, source=WITH_BAD, mode=GOOD_ROWS, batch_size=2)
    assert (report.imported, report.bad, report.refused) == (2, 4, False)
    assert set(Vacancy.objects.values_list("reference", flat=True)) == {"JB-1", "JB-2"}


def test_a_missing_column_refuses_the_file(bala, employer):
    report = vacancies_import(actor=bala, source="reference,title\nJB-1,Clerk\n")
    assert report.refused
    assert (
        "Required columns are missing: employer_code, isco_code, state_code, monthly_wage, "
        "opened_on." in report.file_error
    )


def test_the_upload_page_lists_bad_rows(client, bala, employer):
    client.force_login(bala)
    response = client.post(
        reverse("employers:vacancy_import"),
        {"file": SimpleUploadedFile("jobs.csv", WITH_BAD.encode()), "mode": "all_or_nothing"},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "Nothing was imported" in page
    assert "9999 is not an ISCO-08 unit group" in page
    response = client.post(
        reverse("employers:vacancy_import"),
        {"file": SimpleUploadedFile("jobs.csv", WITH_BAD.encode()), "mode": "good_rows"},
    )
    assert response.status_code == 200
    assert Vacancy.objects.count() == 2


def test_the_upload_page_refuses_a_file_that_is_not_utf8(client, bala):
    client.force_login(bala)
    response = client.post(
        reverse("employers:vacancy_import"),
        {"file": SimpleUploadedFile("jobs.csv", b"\xff\xfe\x00bad"), "mode": "all_or_nothing"},
    )
    assert "The file is not UTF-8 text" in response.content.decode()


def test_the_command_imports_and_exits_1_on_bad_rows(tmp_path, employer, capsys):
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8-sig")
    call_command("import_vacancies", str(good))
    assert "2 rows: 2 imported, 0 updated, 0 already imported, 0 bad." in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(WITH_BAD, encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        call_command("import_vacancies", str(bad))
    assert exc.value.code == 1
    assert "line 4 (JB-3): isco_code: 9999" in capsys.readouterr().err
