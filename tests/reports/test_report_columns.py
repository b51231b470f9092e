"""The reports' copies on the case (Case.person_sex, Case.referral_age) stay equal to
what they copy (the person's sex, the eligibility decision's age) on every path that
writes cases, people or decisions; migration 0009 fills them in for older cases."""

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.models import F, Q

from kembali.cases.imports import referrals_import
from kembali.cases.models import Case, Status
from kembali.cases.services import eligibility_override, referral_create
from kembali.core.generate.builder import generate
from kembali.people.models import Sex
from kembali.people.pdpa import people_anonymise_closed
from kembali.people.services import PersonData, person_find_or_create
from kembali.reports.kpis import ReportFilters, case_figures
from tests.cases.test_import import csv_text, on_file_with_a_closed_case, row
from tests.cases.test_referral import referral
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def untrue_copies() -> list[str]:
    """The cases whose copies differ from the person's sex or the decision's age."""
    wrong_sex = ~Q(person_sex=F("person__sex")) | Q(person_sex__isnull=True)
    decided = Q(eligibility__isnull=False)
    wrong_age = (decided & (~Q(referral_age=F("eligibility__age")) | Q(referral_age=None))) | (
        ~decided & Q(referral_age__isnull=False)
    )
    return list(Case.objects.filter(wrong_sex | wrong_age).values_list("number", flat=True))


def test_a_referral_copies_the_sex_and_the_age_at_referral(aisyah, kl_office):
    case = referral_create(actor=aisyah, office=kl_office, referral=referral()).case

    case.refresh_from_db()
    # Siti, born 15 January 1990, referred 2 March 2026.
    assert (case.person_sex, case.referral_age) == (Sex.FEMALE, 36)
    assert untrue_copies() == []


def test_an_override_keeps_the_age_and_counts_the_case_eligible(aisyah, chong, kl_office):
    outcome = referral_create(actor=aisyah, office=kl_office, referral=referral(benefits=()))
    assert outcome.case.status == Status.NOT_ELIGIBLE

    eligibility_override(case=outcome.case, actor=chong, reason="Board letter on file.")

    case = Case.objects.get(pk=outcome.case.pk)
    assert (case.eligible, case.referral_age) == (True, 36)
    assert untrue_copies() == []


def test_an_import_copies_them_for_new_people_and_people_on_file(chong, kl_office):
    # Row 7 is a man on file already (a person of an earlier referral), row 8 a new woman.
    on_file_with_a_closed_case(chong, kl_office, 7, full_name="Orang Lama")

    report = referrals_import(actor=chong, source=csv_text([row(7), row(8)]), office=kl_office)

    assert report.imported == 2
    imported = Case.objects.filter(referral_reference__in=["REF-00007", "REF-00008"])
    assert sorted(imported.values_list("person_sex", flat=True)) == [Sex.FEMALE, Sex.MALE]
    assert None not in imported.values_list("referral_age", flat=True)
    assert untrue_copies() == []


def test_the_generator_copies_them(db):
    generate(cases=80, seed=5, today=dt.date(2026, 6, 30))

    assert Case.objects.filter(person_sex=Sex.FEMALE).exists()
    assert Case.objects.filter(referral_age__isnull=False).exists()
    assert untrue_copies() == []


def test_a_referral_for_a_person_on_file_never_changes_their_sex(aisyah, kl_office):
    case = referral_create(actor=aisyah, office=kl_office, referral=referral()).case
    person = case.person
    data = PersonData(
        nric=person.nric,
        full_name="Another Name",
        date_of_birth=person.date_of_birth,
        sex=Sex.MALE,  # a wrong sex given later changes neither the person nor the case
        state_id="14",
    )

    person_find_or_create(actor=aisyah, data=data)

    person.refresh_from_db()
    assert person.sex == Sex.FEMALE
    assert untrue_copies() == []


def test_anonymisation_keeps_them_and_the_figures(aisyah, kl_office):
    case = referral_create(actor=aisyah, office=kl_office, referral=referral()).case
    long_ago = dt.datetime(2010, 1, 1, tzinfo=dt.UTC)
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED, closed_at=long_ago)
    year = ReportFilters(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), sex=Sex.FEMALE)
    before = case_figures(year).totals()

    assert people_anonymise_closed(years=7, today=dt.date(2026, 6, 30)) == 1

    case.refresh_from_db()
    assert case.person.anonymised_at is not None
    assert (case.person_sex, case.referral_age) == (Sex.FEMALE, 36)
    assert case_figures(year).totals() == before
    assert untrue_copies() == []


def test_the_migration_fills_them_in_for_cases_written_before_it(aisyah, kl_office):
    referral_create(actor=aisyah, office=kl_office, referral=referral())
    CaseFactory(office=kl_office, person__sex=Sex.MALE)  # no decision yet: no age
    Case.objects.update(person_sex=None, referral_age=None)
    assert len(untrue_copies()) == 2

    migration = importlib.import_module("kembali.cases.migrations.0009_report_columns")
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)

    assert untrue_copies() == []
    assert sorted(Case.objects.values_list("person_sex", "referral_age")) == [
        (Sex.FEMALE, 36),
        (Sex.MALE, None),
    ]
