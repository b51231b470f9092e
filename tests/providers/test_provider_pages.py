import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from kembali.cases.models import Status
from kembali.plans import services
from kembali.providers.models import Provider
from tests.factories import CaseFactory

LIST = reverse("providers:list")


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def names(response):
    return [p.name for p in response.context["providers"]]


def test_the_directory_lists_every_active_provider(client, aisyah):
    client.force_login(aisyah)
    response = client.get(LIST)
    assert response.status_code == 200
    assert len(names(response)) == Provider.objects.active().count()
    assert "Selayang Hospital" in response.text


def test_filter_by_state(client, aisyah):
    client.force_login(aisyah)
    response = client.get(LIST, {"state": "07"})  # Pulau Pinang
    assert names(response) == ["Penang Adventist Hospital, Pulau Pinang"]


def test_filter_by_service(client, aisyah):
    client.force_login(aisyah)
    response = client.get(LIST, {"service": "hand"})
    assert sorted(names(response)) == [
        "Hand and Microsurgery Department, Pantai Medical Centre, Kuala Lumpur",
        "Hand and Microsurgery Department, Selayang Hospital",
        "Penang Adventist Hospital, Pulau Pinang",
    ]


def test_filter_by_state_and_service(client, aisyah):
    client.force_login(aisyah)
    response = client.get(LIST, {"state": "10", "service": "pain"})  # Selangor
    assert names(response) == ["Pain Management Clinic, Selayang Hospital"]
    response = client.get(LIST, {"state": "04", "service": "vision"})
    assert names(response) == []
    assert "No provider matches these filters." in response.text


def test_inactive_providers_are_not_listed(client, aisyah):
    Provider.objects.filter(code="comfort-clinic-melaka").update(is_active=False)
    client.force_login(aisyah)
    assert "Comfort Clinic, Malacca" not in names(client.get(LIST))


def test_the_list_is_in_malay_for_a_malay_speaker(client, aisyah):
    client.force_login(aisyah)
    response = client.get(LIST, HTTP_ACCEPT_LANGUAGE="ms")
    assert "Jabatan Tangan dan Mikrosurgeri, Hospital Selayang" in response.text
    assert "Penyedia pemulihan" in response.text


def test_the_provider_page_shows_contact_services_and_referrals(client, aisyah, kl_office):
    provider = Provider.objects.get(code="hkl-rehabilitation")
    case = CaseFactory(office=kl_office, case_manager=aisyah, status=Status.CONSENTED)
    for day in (1, 2):
        services.provider_referral_create(
            case=case, actor=aisyah, provider=provider, referred_on=dt.date(2026, 1, day)
        )
    client.force_login(aisyah)
    response = client.get(reverse("providers:detail", args=[provider.pk]))
    assert response.status_code == 200
    page = response.text
    assert "03-2615 5555" in page
    assert "Jalan Pahang" in page
    assert "Vocational rehabilitation" in page
    assert "2 referrals, 2 waiting for a report" in page


def test_unknown_provider_is_not_found(client, aisyah):
    client.force_login(aisyah)
    assert client.get(reverse("providers:detail", args=[999999])).status_code == 404


def test_the_directory_needs_a_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
