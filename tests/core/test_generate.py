"""The synthetic data generator and the demo."""

import datetime as dt
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from kembali.accounts.models import Office, Role, User
from kembali.cases.eligibility import decide_eligibility
from kembali.cases.models import Case, CaseSequence, ClosureReason, EligibilityDecision, Status
from kembali.cases.services import eligibility_facts
from kembali.core.generate.builder import generate, generated_data_reset
from kembali.core.generate.demo import DEMO_PASSWORD, DEMO_USERS
from kembali.employers.models import Employer, Vacancy
from kembali.people.models import InsuredPerson
from kembali.people.nric import parse_nric

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)


@pytest.fixture
def generated(db):
    generate(cases=500, seed=11, today=TODAY)


def people_fingerprint():
    return list(InsuredPerson.objects.order_by("id").values_list("nric", "full_name", "address"))


def test_the_same_seed_gives_the_same_people_and_another_seed_others():
    generate(cases=60, seed=5, today=TODAY)
    first = people_fingerprint()
    first_cases = list(Case.objects.order_by("id").values_list("status", "referral_date"))
    generated_data_reset()
    generate(cases=60, seed=5, today=TODAY)
    assert people_fingerprint() == first
    assert list(Case.objects.order_by("id").values_list("status", "referral_date")) == first_cases
    generated_data_reset()
    generate(cases=60, seed=6, today=TODAY)
    other = people_fingerprint()
    assert {n for n, _, _ in other}.isdisjoint({n for n, _, _ in first})


def test_every_nric_agrees_with_the_date_of_birth_and_sex(generated):
    people = InsuredPerson.objects.all()
    assert people.count() == 500
    for person in people:
        nric = parse_nric(person.nric, today=TODAY)
        assert (nric.date_of_birth, nric.sex) == (person.date_of_birth, person.sex), person.nric
    places = Counter(p.nric[6:8] for p in people)
    assert sum(n for code, n in places.items() if "01" <= code <= "16") > 0.9 * 500


def test_names_follow_the_communities_conventions(generated):
    names = list(InsuredPerson.objects.values_list("full_name", "sex"))
    for name, sex in names:
        if " binti " in name or " a/p " in name:
            assert sex == "F", name
        if " bin " in name or " a/l " in name:
            assert sex == "M", name
    joined = " ".join(n for n, _ in names)
    for marker in (" bin ", " binti ", " a/l ", " anak "):
        assert marker in joined
    women = sum(1 for _, sex in names if sex == "F") / len(names)
    assert 0.15 <= women <= 0.27


def test_every_status_is_there_with_consistent_details(generated):
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert set(statuses) == set(Status.values)
    assert statuses[Status.CLOSED] > statuses[Status.IN_REHABILITATION] > statuses[Status.REFERRED]
    early = (Status.REFERRED, Status.ELIGIBLE, Status.NOT_ELIGIBLE)
    for case in Case.objects.select_related("case_manager", "office"):
        if case.status in early:
            assert case.case_manager is None
        if case.case_manager is not None:
            assert case.case_manager.office_id == case.office_id
            assert case.case_manager.role == Role.CASE_MANAGER
        if case.status in (Status.RETURNED_TO_WORK, Status.FOLLOW_UP):
            assert case.rtw_level and case.rtw_date and case.referral_date <= case.rtw_date
        if case.status == Status.CLOSED:
            assert case.closure_reason and case.closed_at
            if case.closure_reason == ClosureReason.RETURNED_TO_WORK:
                assert case.rtw_level is not None
        else:
            assert case.closed_at is None
        if case.rtw_level and case.rtw_level >= 4:
            assert case.in_jpess and case.placement_officer_id
        assert case.number.startswith(f"RTW-{case.referral_date.year}-")
        assert TODAY - dt.timedelta(days=4 * 366) <= case.referral_date <= TODAY


def test_eligibility_is_what_the_four_rules_say_about_the_stored_facts(generated):
    decided = Case.objects.exclude(status=Status.REFERRED).select_related("person", "injury")
    assert EligibilityDecision.objects.count() == decided.count()
    assert decided.filter(eligible=False).exists() and decided.filter(eligible=True).exists()
    for case in decided[:150]:
        facts = eligibility_facts(
            person=case.person,
            referral_date=case.referral_date,
            is_contributor=True,
            injury=case.injury,
        )
        assert decide_eligibility(facts).eligible == case.eligible == case.eligibility.eligible
        assert case.transitions.order_by("at").first().to_status in (
            Status.ELIGIBLE,
            Status.NOT_ELIGIBLE,
        )


def test_case_numbers_continue_the_yearly_counters(generated):
    for sequence in CaseSequence.objects.all():
        top = Case.objects.filter(number__startswith=f"RTW-{sequence.year}-").order_by("-number")
        assert int(top.first().number[-7:]) == sequence.last
    before = Case.objects.count()
    generate(cases=20, seed=12, today=TODAY)
    assert Case.objects.values("number").distinct().count() == before + 20


def test_staff_employers_and_vacancies(generated):
    offices = Office.objects.filter(is_headquarters=False)
    for office in offices:
        assert User.objects.filter(office=office, role=Role.CASE_MANAGER).count() >= 3
        assert User.objects.filter(office=office, role=Role.SUPERVISOR).exists()
    assert User.objects.filter(username="cm.jhr01.1", office__code="JHR01").exists()
    assert not User.objects.get(username="cm.jhr01.1").has_usable_password()
    assert Employer.objects.filter(employer_code__regex=r"^E(0[1-9]|1[0-6])[0-9]{7}$").count() == (
        Employer.objects.count()
    )
    vacancies = Vacancy.objects.all()
    assert vacancies.count() == 100  # 2 per 10 cases
    assert vacancies.filter(status=Vacancy.Status.OPEN).count() > 50
    assert len(set(vacancies.values_list("strength_level", flat=True))) >= 4
    assert len(set(vacancies.values_list("state_id", flat=True))) >= 8
    assert all(v.isco_unit.level == 4 for v in vacancies.select_related("isco_unit"))


def test_generate_command_refuses_to_mix_unless_asked(generated):
    with pytest.raises(CommandError, match="--append"):
        call_command("generate", cases=5, seed=1, quiet=True, verbosity=0)
    call_command(
        "generate", cases=5, seed=1, append=True, quiet=True, vacancies=3, today=TODAY, verbosity=0
    )
    assert Case.objects.count() == 505
    call_command(
        "generate", cases=7, seed=1, reset=True, quiet=True, vacancies=0, today=TODAY, verbosity=0
    )
    assert Case.objects.count() == 7
    assert InsuredPerson.objects.count() == 7
    assert Vacancy.objects.count() == 0


def test_demo_is_loaded_once_and_its_users_can_log_in(client):
    call_command("demo", cases=300, verbosity=0)
    cases = Case.objects.count()
    people = InsuredPerson.objects.count()
    call_command("demo", cases=300, verbosity=0)
    assert (Case.objects.count(), InsuredPerson.objects.count()) == (cases, people) == (300, 300)
    for demo in DEMO_USERS:
        user = User.objects.get(username=demo.username)
        assert (user.role, user.office.code) == (demo.role, demo.office)
        assert client.login(username=demo.username, password=DEMO_PASSWORD)
        client.logout()
    manager = User.objects.get(username="case.manager")
    assert Case.objects.filter(case_manager=manager).exists()
    officer = User.objects.get(username="placement.officer")
    assert Case.objects.filter(placement_officer=officer).exists()


def test_demo_users_are_listed_for_the_start_script(capsys):
    call_command("demo", cases=30, verbosity=0)
    call_command("demo_users", list=True)
    out = capsys.readouterr().out
    assert "case.manager" in out and "kembali-demo" in out
    assert "PERKESO RTW Headquarters" in out


def test_the_generators_tables_use_real_codes():
    from kembali.core.generate.places import STATE_WEIGHTS, TOWNS
    from kembali.core.generate.work import INDUSTRIES
    from kembali.reference.models import IscoGroup, State

    states = set(State.objects.values_list("code", flat=True))
    assert set(TOWNS) == set(STATE_WEIGHTS) == states
    units = set(IscoGroup.objects.filter(level=4).values_list("code", flat=True))
    for industry in INDUSTRIES:
        for job in industry.jobs:
            assert job.isco in units, (industry.code, job)
    for towns in TOWNS.values():
        for town in towns:
            assert 1000 <= town.postcode_low <= town.postcode_high <= 98859, town
