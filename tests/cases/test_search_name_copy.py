"""The case lists' search reads the person's name from the case (Case.person_name):
that copy stays equal to the person's name on every path that writes cases or
renames people, so a search finds a person by the name they have now and never by
one they had; migration 0012 fills it in for older cases."""

import datetime as dt
import importlib
import re

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse

from kembali.cases.imports import referrals_import
from kembali.cases.models import Case, Status
from kembali.cases.selectors import _search_q
from kembali.cases.services import referral_create
from kembali.core.generate.builder import generate
from kembali.people.models import Sex
from kembali.people.pdpa import people_anonymise_closed
from kembali.people.services import PersonData, person_find_or_create
from tests.cases.test_import import csv_text, on_file_with_a_closed_case, row
from tests.cases.test_referral import referral
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def untrue_names() -> list[str]:
    """The cases whose copy differs from their person's name."""
    wrong = Case.objects.exclude(person_name=F("person__full_name"))
    return list(wrong.values_list("number", flat=True))


def found(client, user, text: str) -> set[str]:
    """The case numbers the case list shows `user` for a search of `text`."""
    client.force_login(user)
    response = client.get(reverse("cases:list"), {"q": text})
    assert response.status_code == 200
    return set(re.findall(r"RTW-\d{4}-\d{7}", response.content.decode()))


def test_a_referral_copies_the_name(aisyah, kl_office):
    case = referral_create(actor=aisyah, office=kl_office, referral=referral()).case

    case.refresh_from_db()
    assert case.person_name == case.person.full_name != ""
    assert untrue_names() == []


def test_a_new_name_on_a_later_referral_is_what_every_case_is_found_by(client, aisyah, chong):
    first = referral_create(actor=aisyah, office=chong.office, referral=referral()).case
    person = first.person
    old_name = person.full_name
    data = PersonData(
        nric=person.nric,
        full_name="Siti Hajar binti Ahmad",  # the name she has now
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        state_id="14",
    )

    person_find_or_create(actor=aisyah, data=data)

    assert untrue_names() == []
    assert found(client, chong, "hajar") == {first.number}
    assert first.number not in found(client, chong, old_name.split()[1])


def test_an_import_copies_the_name_for_new_people_and_people_on_file(chong, kl_office):
    # Row 7 is a man on file under an older name, row 8 a new woman.
    on_file_with_a_closed_case(chong, kl_office, 7, full_name="Orang Lama")

    report = referrals_import(actor=chong, source=csv_text([row(7), row(8)]), office=kl_office)

    assert report.imported == 2
    names = set(Case.objects.values_list("person_name", flat=True))
    assert names == {row(7)["full_name"], row(8)["full_name"]}  # "Orang Lama" is gone
    assert untrue_names() == []


def test_the_generator_copies_the_names(db):
    generate(cases=40, seed=5, today=dt.date(2026, 6, 30))

    assert Case.objects.exclude(person_name="").count() == 40
    assert untrue_names() == []


def test_an_anonymised_person_is_no_longer_found_by_their_name(client, aisyah, chong):
    case = referral_create(actor=aisyah, office=chong.office, referral=referral()).case
    Case.objects.filter(pk=case.pk).update(
        status=Status.CLOSED, closed_at=dt.datetime(2010, 1, 1, tzinfo=dt.UTC)
    )
    assert found(client, chong, "Siti") == {case.number}

    assert people_anonymise_closed(years=7, today=dt.date(2026, 6, 30)) == 1

    assert found(client, chong, "Siti") == set()
    assert Case.objects.get(pk=case.pk).person_name == f"Anonymised person {case.person_id}"
    assert untrue_names() == []


def test_the_migration_fills_the_copies_in_for_cases_written_before_it(kl_office):
    CaseFactory(office=kl_office, person=PersonFactory(full_name="Lim Wei Jie"))
    CaseFactory(office=kl_office, person=PersonFactory(full_name="Nur Aina", sex=Sex.FEMALE))
    Case.objects.update(person_name="")
    assert len(untrue_names()) == 2

    migration = importlib.import_module("kembali.cases.migrations.0012_case_person_name")
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL)

    assert untrue_names() == []
    assert sorted(Case.objects.values_list("person_name", flat=True)) == ["Lim Wei Jie", "Nur Aina"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ho", {"RTW-2026-0000001"}), ("HO", {"RTW-2026-0000001"}), ("Ho W", {"RTW-2026-0000001"})],
)
def test_a_text_shorter_than_a_trigram_is_matched_as_any_other(
    client, chong, kl_office, text, expected
):
    CaseFactory(number="RTW-2026-0000001", office=kl_office, person__full_name="Ho Wai Keong")
    CaseFactory(number="RTW-2026-0000002", office=kl_office, person__full_name="Lim Mei Ling")

    assert found(client, chong, text) == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes: PostgreSQL")
@pytest.mark.parametrize(("text", "trigram"), [("Wai", True), ("Ho", False)])
def test_only_a_text_of_a_trigram_or_more_may_be_found_through_the_trigram_index(
    kl_office, text, trigram
):
    """pg_trgm reads its whole index for a shorter text, so the search's condition
    for one must not be one PostgreSQL can plan on that index: it keeps one plan for
    every text after a few runs (kembali.cases.selectors._IContainsByScan)."""
    CaseFactory(office=kl_office, person__full_name="Ho Wai Keong")
    matching = Case.objects.filter(_search_q(text, number=False))
    with transaction.atomic(), connection.cursor() as cursor:
        # Every plan but an index's bitmap is priced out: the trigram index is the
        # only other way to the rows, when the condition allows it.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = matching.explain()
    assert ("case_person_name_trgm" in plan) == trigram, plan
    assert list(matching.values_list("person_name", flat=True)) == ["Ho Wai Keong"]


def test_a_rename_whose_copies_cannot_be_written_is_not_made(aisyah, kl_office, monkeypatch):
    from kembali.people import services as people_services

    case = CaseFactory(office=kl_office, person__full_name="Lee Siew Mei")
    person = case.person

    def refused(person):
        raise RuntimeError("the cases could not be written")

    monkeypatch.setattr(people_services, "person_name_copies_sync", refused)
    data = PersonData(
        nric=person.nric,
        full_name="Ho Wai Keong",
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        state_id=person.state_id,
    )
    with pytest.raises(RuntimeError):
        people_services.person_update_details(actor=aisyah, person=person, data=data)

    person.refresh_from_db()
    assert person.full_name == "Lee Siew Mei"
    assert untrue_names() == []
