"""The reference data the migrations load: states, ISCO-08, ESCO, offices."""

import pytest

from kembali.accounts.models import Office
from kembali.reference import loaders
from kembali.reference.models import IscoGroup, Occupation, State

pytestmark = pytest.mark.django_db


def test_every_state_and_federal_territory_is_there_with_its_nric_code():
    assert State.objects.count() == 16
    assert State.objects.get(code="01").name == "Johor"
    assert State.objects.get(code="10").name == "Selangor"
    assert State.objects.get(code="14").name_ms == "Wilayah Persekutuan Kuala Lumpur"
    territories = set(
        State.objects.filter(is_federal_territory=True).values_list("code", flat=True)
    )
    assert territories == {"14", "15", "16"}
    kuching = State.objects.get(code="13")
    assert (round(kuching.latitude, 1), round(kuching.longitude, 1)) == (1.6, 110.4)


def test_the_whole_isco08_structure_is_there_with_parents():
    counts = {level: IscoGroup.objects.filter(level=level).count() for level in (1, 2, 3, 4)}
    assert counts == {1: 10, 2: 43, 3: 130, 4: 436}
    welders = IscoGroup.objects.get(code="7212")
    assert welders.title == "Welders and flamecutters"
    assert [welders.parent_id, welders.parent.parent_id, welders.parent.parent.parent_id] == [
        "721",
        "72",
        "7",
    ]
    assert IscoGroup.objects.filter(level=1, parent__isnull=False).count() == 0
    # Every group below a major group points at the group one digit shorter.
    for code, parent in IscoGroup.objects.filter(level__gt=1).values_list("code", "parent_id"):
        assert parent == code[:-1]


def test_major_and_sub_major_groups_have_malay_titles():
    assert not IscoGroup.objects.filter(level__lte=2, title_ms="").exists()
    assert IscoGroup.objects.get(code="9").title_ms == "Pekerjaan asas"
    assert IscoGroup.objects.get(code="3").title_ms == "Juruteknik dan profesional bersekutu"


def test_every_esco_occupation_is_loaded_and_searchable():
    assert Occupation.objects.count() == 2942
    assert not Occupation.objects.filter(search_text="").exists()
    air = Occupation.objects.get(title="air force officer")
    assert air.isco_unit_id == "0110"
    assert "squadron leader" in air.search_text


def test_loading_again_changes_nothing():
    before = (State.objects.count(), IscoGroup.objects.count(), Occupation.objects.count())
    loaders.load_states(State)
    loaders.load_isco_groups(IscoGroup)
    loaders.load_occupations(Occupation)
    after = (State.objects.count(), IscoGroup.objects.count(), Occupation.objects.count())
    assert before == after == (16, 619, 2942)


def test_every_state_has_an_office_and_there_is_one_headquarters():
    offices = Office.objects.all()
    assert {o.state_id for o in offices if not o.is_headquarters} == {
        f"{n:02d}" for n in range(1, 17)
    }
    headquarters = Office.objects.get(is_headquarters=True)
    assert (headquarters.code, headquarters.state_id) == ("HQ", "14")
    assert Office.objects.get(code="JHR01").name == "PERKESO RTW Johor Bahru"
