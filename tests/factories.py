"""Factories for tests. Named users per role live in conftest.py."""

import datetime as dt

import factory
from django.utils import timezone

from kembali.accounts.models import Office, Role, User
from kembali.cases.models import Case, Status
from kembali.employers.models import Employer
from kembali.people.models import InsuredPerson, Sex
from kembali.reference.models import State


def state(code: str = "14") -> State:
    return State.objects.get(code=code)


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.LazyAttribute(lambda o: f"PERKESO RTW {o.code}")
    state = factory.LazyFunction(lambda: state("14"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.CASE_MANAGER
    office = factory.SubFactory(OfficeFactory)
    password = factory.PostGenerationMethodCall("set_password", "kembali-test")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def nric_for(birth: dt.date, serial: int, female: bool, place: str = "14") -> str:
    last = (serial % 5) * 2 + (0 if female else 1)
    return f"{birth:%y%m%d}{place}{serial % 1000:03d}{last}"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InsuredPerson

    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    # Spread over 40 years (born 1960 to 1999), wrapping so a long run never reaches the future.
    date_of_birth = factory.Sequence(
        lambda n: dt.date(1960, 1, 1) + dt.timedelta(days=(37 * n) % (40 * 365))
    )
    sex = Sex.MALE
    nric = factory.LazyAttributeSequence(
        lambda o, n: nric_for(o.date_of_birth, n, o.sex == Sex.FEMALE)
    )
    socso_number = factory.LazyAttribute(lambda o: o.nric)
    state = factory.LazyFunction(lambda: state("14"))


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    employer_code = factory.Sequence(lambda n: f"E{n:09d}")
    name = factory.Sequence(lambda n: f"Syarikat Ujian {n} Sdn Bhd")
    state = factory.LazyFunction(lambda: state("14"))


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    # Year 1990 never collides with numbers the referral service gives out.
    number = factory.Sequence(lambda n: f"RTW-1990-{n:07d}")
    person = factory.SubFactory(PersonFactory)
    office = factory.SubFactory(OfficeFactory)
    status = Status.REFERRED
    stage_changed_at = factory.LazyFunction(timezone.now)
    referral_date = factory.LazyFunction(lambda: timezone.localdate())
    # As referral_create writes it (the reports' copy of the person's sex).
    person_sex = factory.LazyAttribute(lambda case: case.person.sex)
    person_name = factory.LazyAttribute(lambda case: case.person.full_name)  # the search's copy


class VacancyFactory(factory.django.DjangoModelFactory):
    """An open vacancy for a general office clerk in Kuala Lumpur."""

    class Meta:
        model = "employers.Vacancy"

    employer = factory.SubFactory(EmployerFactory)
    isco_unit_id = "4110"
    title = factory.Sequence(lambda n: f"Office clerk {n}")
    state = factory.LazyFunction(lambda: state("14"))
    monthly_wage = 1800
    hours_per_week = 40
    opened_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
