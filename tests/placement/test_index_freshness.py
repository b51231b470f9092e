"""A changed vacancy reaches the next match by a patch of the index, not a rebuild:
every path that writes a vacancy or its skills logs which vacancy it changed, and a
patched index is row for row the index a full build gives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kembali.accounts.tokens import token_create
from kembali.employers.freshness import vacancies_changed
from kembali.employers.imports import vacancies_import
from kembali.employers.models import Vacancy, VacancyIndexChange
from kembali.employers.vacancies import vacancy_close, vacancy_create, vacancy_update
from kembali.placement.matching import index
from kembali.placement.models import Skill
from kembali.placement.vacancy_skills import vacancy_skills_set
from tests.employers.conftest import vacancy_input
from tests.factories import EmployerFactory
from tests.placement.conftest import assert_same_arrays

TODAY = timezone.localdate()


@pytest.fixture
def firm(db):
    return EmployerFactory(employer_code="E140000321", name="Kedai Runcit Sentosa Sdn Bhd")


def open_input(employer, **overrides):
    values = {
        "opened_on": TODAY - dt.timedelta(days=5),
        "closes_on": TODAY + dt.timedelta(days=40),
        "latitude": 3.15,
        "longitude": 101.7,
    }
    return vacancy_input(employer, **(values | overrides))


@pytest.fixture
def indexed(firm, bala):
    """Two open vacancies, and an index built from them (one full build)."""
    first = vacancy_create(actor=bala, data=open_input(firm, title="Cashier"))
    second = vacancy_create(
        actor=bala, data=open_input(firm, title="Packer", latitude=None, longitude=None)
    )
    built = index.vacancy_index()
    assert index.stats["vacancies built"] == 1
    return first, second, built


def assert_patched_like_a_rebuild() -> index.VacancyIndex:
    """The next request's index came from a patch, and equals a full build."""
    current = index.vacancy_index()
    assert current.patched
    assert index.stats["vacancies built"] == 1, "the index was rebuilt, not patched"
    assert_same_arrays(current.arrays, index.vacancy_arrays(index.indexed_vacancies(TODAY)))
    return current


def wage_of(current, vacancy) -> float:
    return float(current.arrays.wage[current.row_of(vacancy.pk)])


def test_a_new_vacancy_is_matchable_after_a_patch(indexed, firm, bala):
    created = vacancy_create(actor=bala, data=open_input(firm, title="Storekeeper"))

    current = assert_patched_like_a_rebuild()
    assert current.row_of(created.pk) is not None
    assert len(current.arrays) == 3


def test_an_edit_replaces_the_row(indexed, bala):
    first, _second, _built = indexed
    vacancy_update(
        actor=bala,
        vacancy=first,
        changes={"monthly_wage": Decimal("2100.00"), "latitude": 5.4, "longitude": 100.3},
        expected_version=first.version,
    )

    current = assert_patched_like_a_rebuild()
    assert wage_of(current, first) == 2100
    assert len(current.arrays) == 2


@pytest.mark.parametrize("status", [Vacancy.Status.FILLED, Vacancy.Status.CLOSED])
def test_a_filled_or_closed_vacancy_leaves_by_a_patch(indexed, bala, status):
    first, second, built = indexed
    vacancy_close(actor=bala, vacancy=first, status=status)

    current = assert_patched_like_a_rebuild()
    assert current.row_of(first.pk) is None
    assert current.row_of(second.pk) is not None
    assert built.row_of(first.pk) is not None  # the old index was not touched


def test_new_skills_are_patched_in(indexed, bala):
    first, _second, _built = indexed
    forklift = Skill.objects.get(code="forklift-licence")
    vacancy_skills_set(vacancy=first, skills=[forklift], actor=bala)

    current = assert_patched_like_a_rebuild()
    assert int(current.arrays.skills[current.row_of(first.pk)]) == 1 << forklift.bit


def test_the_csv_import_logs_the_vacancies_it_creates_and_changes(indexed, firm, bala):
    header = "reference,employer_code,isco_code,title,state_code,monthly_wage,opened_on\n"
    opened = (TODAY - dt.timedelta(days=1)).isoformat()
    rows = f"JB-1,{firm.employer_code},4110,Clerk,14,1800.00,{opened}\n"
    assert vacancies_import(actor=bala, source=header + rows).imported == 1
    current = assert_patched_like_a_rebuild()
    imported = Vacancy.objects.get(reference="JB-1")
    assert wage_of(current, imported) == 1800

    assert vacancies_import(actor=bala, source=header + rows.replace("1800", "1950")).updated == 1
    assert wage_of(assert_patched_like_a_rebuild(), imported) == 1950


def test_the_api_writes_are_patched_in(indexed, firm, bala):
    _, token = token_create(user=bala, name="freshness test")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    body = {
        "employer_code": firm.employer_code,
        "isco_code": "4110",
        "title": "Receptionist",
        "state_code": "14",
        "monthly_wage": "1750.00",
        "opened_on": TODAY.isoformat(),
    }
    created = api.post("/api/v1/vacancies", body, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert assert_patched_like_a_rebuild().row_of(pk) is not None

    changed = api.patch(
        f"/api/v1/vacancies/{pk}",
        {"version": 1, "monthly_wage": "1900.00"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert wage_of(assert_patched_like_a_rebuild(), Vacancy(pk=pk)) == 1900

    skills = api.put(
        f"/api/v1/vacancies/{pk}/skills",
        {"skills": ["customer-service"]},
        content_type="application/json",
    )
    assert skills.status_code == 200, skills.content
    current = assert_patched_like_a_rebuild()
    assert int(current.arrays.skills[current.row_of(pk)]) != 0


def test_the_close_page_is_patched_in(indexed, client, bala):
    first, _second, _built = indexed
    client.force_login(bala)
    response = client.post(
        reverse("employers:vacancy_close", args=[first.pk]),
        {"status": Vacancy.Status.FILLED, "version": first.version},
    )
    assert response.status_code == 302
    assert assert_patched_like_a_rebuild().row_of(first.pk) is None


def test_a_deleted_vacancy_leaves_by_a_patch(indexed):
    first, _second, _built = indexed
    Vacancy.objects.filter(pk=first.pk).delete()
    assert assert_patched_like_a_rebuild().row_of(first.pk) is None


def test_a_bulk_write_without_ids_rebuilds(indexed):
    vacancies_changed()  # the data generator's call after its bulk inserts

    assert not index.vacancy_index().patched
    assert index.stats["vacancies built"] == 2


def test_a_new_day_rebuilds(indexed):
    index.vacancy_index(today=TODAY + dt.timedelta(days=1))
    assert index.stats["vacancies built"] == 2


def test_more_changes_than_the_patch_limit_rebuild(indexed, firm, bala, monkeypatch):
    monkeypatch.setattr(index, "PATCH_MIN", 1)
    monkeypatch.setattr(index, "PATCH_SHARE", 0.0)
    for title in ("Driver", "Guard"):
        vacancy_create(actor=bala, data=open_input(firm, title=title))

    assert len(index.vacancy_index().arrays) == 4
    assert index.stats["vacancies built"] == 2


def test_an_index_from_another_history_rebuilds(indexed, firm, bala):
    # The log no longer holds the version the index was built at (pruned, or the
    # database was restored): a patch could miss changes, so the index rebuilds.
    VacancyIndexChange.objects.all().delete()
    vacancy_create(actor=bala, data=open_input(firm, title="Driver"))

    assert len(index.vacancy_index().arrays) == 3
    assert index.stats["vacancies built"] == 2


def test_each_write_logs_its_vacancy_in_its_own_version(indexed, firm, bala):
    first, _second, built = indexed
    version = built.key[0]
    created = vacancy_create(actor=bala, data=open_input(firm, title="Driver"))
    vacancy_close(actor=bala, vacancy=first)

    logged = list(
        VacancyIndexChange.objects.filter(version__gt=version)
        .order_by("version")
        .values_list("version", "vacancy_id")
    )
    assert logged == [(version + 1, created.pk), (version + 2, first.pk)]


# ------------------------------------------------- patched equals rebuilt

# Few distinct points, so that rows tie on latitude and the tie order is tested.
POINTS = [(3.15, 101.7), (3.15, 101.8), (None, None)]
WRITES = st.one_of(
    st.tuples(st.just("create"), st.sampled_from(POINTS), st.integers(1000, 3000)),
    st.tuples(st.just("wage"), st.integers(0, 50), st.integers(1000, 3000)),
    st.tuples(st.just("move"), st.integers(0, 50), st.sampled_from(POINTS)),
    st.tuples(st.just("status"), st.integers(0, 50), st.sampled_from(Vacancy.Status.values)),
    st.tuples(st.just("lapse"), st.integers(0, 50), st.booleans()),
    st.tuples(st.just("skills"), st.integers(0, 50), st.sets(st.integers(0, 5), max_size=3)),
    st.tuples(st.just("delete"), st.integers(0, 50), st.none()),
)


def _apply(write, firm, bala, skills) -> None:
    kind, target, value = write
    if kind == "create":
        (lat, lon), wage = target, value
        vacancy_create(
            actor=bala,
            data=open_input(firm, latitude=lat, longitude=lon, monthly_wage=Decimal(wage)),
        )
        return
    vacancies = list(Vacancy.objects.order_by("pk"))
    if not vacancies:
        return
    vacancy = vacancies[target % len(vacancies)]
    if kind == "skills":
        vacancy_skills_set(vacancy=vacancy, skills=[skills[i] for i in value], actor=bala)
    elif kind == "delete":
        vacancy.delete()
    else:
        changes = {
            "wage": lambda: {"monthly_wage": Decimal(value)},
            "move": lambda: {"latitude": value[0], "longitude": value[1]},
            "status": lambda: {"status": value},
            # Closed long ago (out of the index) or open again.
            "lapse": lambda: {
                "opened_on": TODAY - dt.timedelta(days=200),
                "closes_on": TODAY - dt.timedelta(days=40 if value else 2),
            },
        }[kind]()
        vacancy_update(actor=bala, vacancy=vacancy, changes=changes, expected_version=None)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=st.lists(st.lists(WRITES, min_size=1, max_size=4), min_size=1, max_size=4))
def test_a_patched_index_is_the_rebuilt_index(indexed, firm, bala, monkeypatch, batches):
    """Any sequence of writes, with matches in between: the patched index holds the
    same rows in the same order as a full build, so it ranks identically."""
    monkeypatch.setattr(index, "PATCH_MIN", 1_000)  # small indexes: always patch
    skills = list(Skill.objects.order_by("bit")[:6])
    for lat, lon in POINTS:  # rows that tie on latitude with the ones written below
        vacancy_create(actor=bala, data=open_input(firm, latitude=lat, longitude=lon))
    builds = index.stats["vacancies built"]
    for batch in batches:
        for write in batch:
            _apply(write, firm, bala, skills)
        current = index.vacancy_index()
        assert_same_arrays(current.arrays, index.vacancy_arrays(index.indexed_vacancies(TODAY)))
    assert index.stats["vacancies built"] == builds


def test_rows_on_one_latitude_keep_the_order_of_a_build(indexed, firm, bala):
    first, _second, _built = indexed
    twin = vacancy_create(actor=bala, data=open_input(firm, title="Cashier too"))
    index.vacancy_index()
    vacancy_update(
        actor=bala, vacancy=first, changes={"monthly_wage": Decimal("1900")}, expected_version=None
    )

    current = assert_patched_like_a_rebuild()
    assert current.row_of(first.pk) < current.row_of(twin.pk)


def test_many_changed_ids_are_read_through_the_log(indexed, firm, bala, monkeypatch):
    monkeypatch.setattr(index, "LIST_IDS_MAX", 0)  # a subquery of the log, not a list
    first, _second, _built = indexed
    created = vacancy_create(actor=bala, data=open_input(firm, title="Driver"))
    vacancy_close(actor=bala, vacancy=first)

    current = assert_patched_like_a_rebuild()
    assert current.row_of(created.pk) is not None and current.row_of(first.pk) is None
