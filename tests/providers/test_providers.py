"""The rehabilitation providers named in the programme's FAQ."""

import pytest
from django.utils import translation

from kembali.providers.models import Provider, Service

pytestmark = pytest.mark.django_db


def test_the_twelve_providers_are_seeded_dbc_spine_with_two_centres():
    assert Provider.objects.values("name").distinct().count() == 12
    assert Provider.objects.count() == 13
    dbc = Provider.objects.filter(name="DBC Spine and Rehabilitation Centre")
    assert sorted((p.city, p.state_id) for p in dbc) == [("Ipoh", "08"), ("Kuala Lumpur", "14")]
    assert Provider.objects.active().count() == 13


def test_providers_are_found_by_what_they_treat():
    hand = Provider.objects.offering(Service.HAND_REHABILITATION)
    assert {p.code for p in hand} == {"selayang-hand", "pantai-hand", "penang-adventist"}
    vision = Provider.objects.offering(Service.VISION).filter(state_id="14")
    assert {p.code for p in vision} == {"hukm-optometric", "malaysian-blind-association"}
    pain_in_selangor = Provider.objects.offering(Service.PAIN_MANAGEMENT).filter(state_id="10")
    assert [p.name for p in pain_in_selangor] == ["Pain Management Clinic, Selayang Hospital"]


def test_each_provider_is_in_its_state():
    states = dict(Provider.objects.values_list("code", "state_id"))
    assert states["htj-rehabilitation"] == "05"
    assert states["comfort-clinic-melaka"] == "04"
    assert states["penang-adventist"] == "07"
    assert states["sau-seng-lum"] == "10"


def test_names_and_services_read_in_malay():
    provider = Provider.objects.get(code="selayang-pain")
    with translation.override("ms"):
        assert str(provider) == "Klinik Pengurusan Kesakitan, Hospital Selayang"
        assert provider.get_services_display() == ["Pengurusan kesakitan"]
    with translation.override("en"):
        assert str(provider) == "Pain Management Clinic, Selayang Hospital"
        assert provider.get_services_display() == ["Pain management"]
