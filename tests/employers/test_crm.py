"""The employer CRM: the record, contacts, engagements, the funnel and its history,
the second-officer warning, and the yearly figure against the target."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kembali.audit.models import AuditEvent
from kembali.employers.models import Contact, Employer, Engagement, FunnelChange
from kembali.employers.selectors import employers_engaged_in_year, engagement_target
from kembali.employers.services import (
    EmployerError,
    contact_add,
    contact_update,
    employer_code_normalise,
    employer_create,
    employer_funnel_change,
    engagement_record,
)
from tests.factories import EmployerFactory, state

pytestmark = pytest.mark.django_db


def audits(action):
    return AuditEvent.objects.filter(action=action)


@pytest.mark.parametrize("raw", ["E140000123", "e14 0000123", "E14-0000123"])
def test_an_employer_code_is_accepted_in_the_ways_people_write_it(raw):
    assert employer_code_normalise(raw) == "E140000123"


@pytest.mark.parametrize(
    "raw", ["", "140000123", "E1400001234", "E170000123", "E000000123", "X140000123"]
)
def test_a_wrong_employer_code_says_the_format(raw):
    with pytest.raises(ValueError, match="like E140000123"):
        employer_code_normalise(raw)


def test_bala_adds_an_employer_through_the_form(client, bala):
    client.force_login(bala)
    response = client.post(
        reverse("employers:new"),
        {
            "employer_code": "e14 0000777",
            "name": "Kilang Sinar Sdn Bhd",
            "state": "14",
            "owner": bala.pk,
        },
    )
    employer = Employer.objects.get(employer_code="E140000777")
    assert response.status_code == 302
    assert employer.owner == bala
    assert employer.funnel_status == Employer.Funnel.PROSPECT
    assert list(employer.funnel_changes.values_list("from_status", "to_status")) == [
        ("", "prospect")
    ]
    assert audits("employer.create").count() == 1


def test_a_bad_code_on_the_form_is_shown_next_to_the_field(client, bala):
    client.force_login(bala)
    response = client.post(
        reverse("employers:new"), {"employer_code": "12345", "name": "X", "state": "14"}
    )
    assert response.status_code == 422
    assert "There is a problem" in response.content.decode()
    assert 'href="#id_employer_code"' in response.content.decode()
    assert not Employer.objects.exists()


def test_a_code_already_on_file_is_refused(bala, employer):
    with pytest.raises(EmployerError, match="Another employer has the code"):
        employer_create(
            actor=bala,
            data={"employer_code": employer.employer_code, "name": "Y", "state": state()},
        )


def test_editing_an_employer_records_the_old_and_new_value(client, bala, employer):
    client.force_login(bala)
    response = client.post(
        reverse("employers:edit", args=[employer.pk]),
        {
            "employer_code": employer.employer_code,
            "name": "Maju Jaya Berhad",
            "state": "14",
            "industry": "Retail",
        },
    )
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.name == "Maju Jaya Berhad"
    event = audits("employer.update").get()
    assert event.changes["name"] == ["Syarikat Maju Jaya Sdn Bhd", "Maju Jaya Berhad"]
    assert event.actor == bala


def test_contacts_are_personal_data_so_each_change_is_audited_once(bala, employer):
    contact = contact_add(
        actor=bala,
        employer=employer,
        data={
            "name": "Puan Rosnah",
            "position": "HR manager",
            "phone": "03-1234 5678",
            "email": "hr@maju.my",
        },
    )
    contact_update(actor=bala, contact=contact, data={"phone": "03-8888 9999"})
    contact_update(actor=bala, contact=contact, data={"phone": "03-8888 9999"})  # no change
    assert audits("contact.create").count() == 1
    assert list(audits("contact.update").values_list("changes", flat=True)) == [
        {"phone": ["03-1234 5678", "03-8888 9999"]}
    ]


def test_contacts_are_added_and_removed_on_the_page(client, bala, employer):
    client.force_login(bala)
    client.post(
        reverse("employers:contact_new", args=[employer.pk]),
        {"name": "Encik Lim", "position": "Owner", "phone": "012-345 6789", "email": ""},
    )
    contact = Contact.objects.get()
    page = client.get(reverse("employers:detail", args=[employer.pk])).content.decode()
    assert "Encik Lim" in page and "012-345 6789" in page
    client.post(reverse("employers:contact_delete", args=[employer.pk, contact.pk]))
    assert not Contact.objects.exists()
    assert audits("contact.delete").count() == 1


def test_the_first_engagement_makes_a_prospect_engaged_and_bala_its_owner(bala, employer):
    result = engagement_record(
        actor=bala, employer=employer, kind="visit", date=dt.date(2026, 3, 3), outcome="Met HR."
    )
    employer.refresh_from_db()
    assert result.warning == ""
    assert employer.owner == bala
    assert employer.engaged_on == dt.date(2026, 3, 3)
    assert employer.funnel_status == Employer.Funnel.ENGAGED
    assert list(employer.funnel_changes.values_list("from_status", "to_status")) == [
        ("prospect", "engaged")
    ]


def test_a_second_officer_is_warned_not_blocked_and_the_warning_is_audited(bala, hana, employer):
    engagement_record(actor=bala, employer=employer, kind="visit", date=dt.date(2026, 3, 3))
    result = engagement_record(
        actor=hana, employer=employer, kind="call", date=dt.date(2026, 3, 10)
    )
    assert result.warning == (
        "Bala Subramaniam already works with this employer since 3 March 2026: talk to them "
        "before you contact the employer."
    )
    assert Engagement.objects.filter(employer=employer).count() == 2
    employer.refresh_from_db()
    assert employer.owner == bala  # the owner stays
    event = audits("employer.second_officer").get()
    assert event.actor == hana and "Bala Subramaniam" in event.reason


def test_the_warning_shows_on_the_engagement_form_and_after_saving(client, bala, hana, employer):
    engagement_record(actor=bala, employer=employer, kind="visit", date=dt.date(2026, 3, 3))
    client.force_login(hana)
    url = reverse("employers:engagement_new", args=[employer.pk])
    assert "already works with this employer since 3 March 2026" in client.get(url).content.decode()
    response = client.post(url, {"kind": "call", "date": "2026-03-10", "outcome": ""}, follow=True)
    assert "Bala Subramaniam already works with this employer" in response.content.decode()
    # The owner is never warned about their own employer.
    client.force_login(bala)
    assert "already works" not in client.get(url).content.decode()


def test_an_engagement_cannot_be_in_the_future(bala, employer):
    with pytest.raises(EmployerError, match="future"):
        engagement_record(actor=bala, employer=employer, kind="call", date=dt.date(2999, 1, 1))


def test_the_funnel_history_keeps_who_when_from_to_and_why(client, bala, chong, employer):
    employer_funnel_change(actor=bala, employer=employer, to_status="engaged", reason="Visited")
    client.force_login(chong)
    client.post(
        reverse("employers:funnel", args=[employer.pk]),
        {"to_status": "hiring_partner", "reason": "Signed MoU"},
    )
    history = list(
        FunnelChange.objects.filter(employer=employer)
        .order_by("id")
        .values_list("from_status", "to_status", "changed_by__username", "reason")
    )
    assert history == [
        ("prospect", "engaged", "bala", "Visited"),
        ("engaged", "hiring_partner", "chong", "Signed MoU"),
    ]
    page = client.get(reverse("employers:detail", args=[employer.pk])).content.decode()
    assert "Signed MoU" in page
    assert audits("employer.funnel").count() == 2


def test_moving_to_the_same_status_is_an_error(bala, employer):
    with pytest.raises(EmployerError, match="already at"):
        employer_funnel_change(actor=bala, employer=employer, to_status="prospect")


def test_accessibility_measures_and_fiscal_benefits_are_recorded(client, bala, employer):
    client.force_login(bala)
    client.post(
        reverse("employers:accessibility", args=[employer.pk]),
        {
            "step_free_access": "on",
            "accessible_toilet": "on",
            "notes": "Ramp at the back entrance.",
        },
    )
    client.post(
        reverse("employers:fiscal_benefits", args=[employer.pk]), {"informed_on": "2026-02-01"}
    )
    employer.refresh_from_db()
    assert employer.step_free_access and employer.accessible_toilet and not employer.remote_work
    assert employer.accessibility_notes == "Ramp at the back entrance."
    assert employer.informed_fiscal_benefits_on == dt.date(2026, 2, 1)
    assert employer.informed_fiscal_benefits_by == bala
    assert audits("employer.accessibility").count() == 1
    assert audits("employer.fiscal_benefits").count() == 1


def test_new_employers_engaged_this_year_counts_first_engagements_only(client, bala, settings):
    settings.KEMBALI_EMPLOYER_TARGET_PER_YEAR = 8
    year = dt.date.today().year
    # Hand count: three first engaged this year (1 January, mid-year, today), one last
    # year (engaged again this year: not new), one on 1 January next year, one never.
    EmployerFactory(engaged_on=dt.date(year, 1, 1))
    EmployerFactory(engaged_on=dt.date(year, 6, 15))
    EmployerFactory(engaged_on=dt.date.today())
    old = EmployerFactory(engaged_on=dt.date(year - 1, 12, 31))
    EmployerFactory(engaged_on=dt.date(year + 1, 1, 1))
    EmployerFactory(engaged_on=None)
    engagement_record(actor=bala, employer=old, kind="call", date=dt.date.today())
    assert employers_engaged_in_year(year) == 3
    target = engagement_target()
    assert (target.engaged, target.target, target.remaining, target.percent) == (3, 8, 5, 38)
    client.force_login(bala)
    page = client.get(reverse("employers:list")).content.decode()
    assert f"New employers engaged in {year}" in page
    assert "Target 8 a year: 38% reached, 5 to go." in page


def test_the_target_defaults_to_700(bala):
    assert engagement_target().target == 700


def test_the_list_searches_by_name_or_code_and_filters(client, bala, hana):
    EmployerFactory(
        name="Kilang Sinar", employer_code="E140000010", owner=bala, funnel_status="engaged"
    )
    EmployerFactory(name="Kedai Bulan", employer_code="E070000020", state=state("07"), owner=hana)
    client.force_login(bala)

    def names(**params):
        response = client.get(reverse("employers:list"), params)
        return {e.name for e in response.context["employers"]}

    assert names(q="sinar") == {"Kilang Sinar"}
    assert names(q="e07") == {"Kedai Bulan"}
    assert names(state="07") == {"Kedai Bulan"}
    assert names(funnel="engaged") == {"Kilang Sinar"}
    assert names(owner=hana.pk) == {"Kedai Bulan"}


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_list_and_detail_take_a_fixed_number_of_queries(client, bala):
    def add_employers(count):
        for n in range(count):
            employer = EmployerFactory(owner=bala)
            engagement_record(actor=bala, employer=employer, kind="call", date=dt.date(2026, 1, 5))
            contact_add(actor=bala, employer=employer, data={"name": f"Contact {n}"})
            contact_add(actor=bala, employer=employer, data={"name": f"Second contact {n}"})
        return employer

    client.force_login(bala)
    first = add_employers(1)
    few = (
        queries(client, reverse("employers:list")),
        queries(client, reverse("employers:detail", args=[first.pk])),
    )
    last = add_employers(30)
    engagement_record(actor=bala, employer=last, kind="visit", date=dt.date(2026, 1, 9))
    many = (
        queries(client, reverse("employers:list")),
        queries(client, reverse("employers:detail", args=[last.pk])),
    )
    assert few == many
    assert max(many) <= 12
