"""Every page each role reaches from its menu and header, and a few object pages
(a case, its plan, a provider, an employer, a vacancy, a training), in English
and in Malay: 0 axe violations (WCAG 2.0 A and AA, 2.1 AA), and a menu that keeps
to one line on a laptop screen.

A page is checked once per language, by the first role that reaches it (the
template is the same for the others), except the home page, which differs by role."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kembali.accounts.models import Role
from kembali.accounts.tokens import token_create
from kembali.cases.models import RtwLevel, Status
from kembali.employers.trainings import training_create
from kembali.employers.vacancies import VacancyInput, vacancy_create
from kembali.notifications.services import notification_send
from kembali.plans import services as plans
from kembali.providers.models import Provider
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.factories import CaseFactory, EmployerFactory, PersonFactory, state

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ROLES = ["aisyah", "bala", "chong", "devi", "ehsan"]
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def world(settings, kl_office, aisyah, bala, chong, devi, ehsan):
    """A case with an approved plan, an employer with a vacancy and a training, and
    for everyone a notification and an API token."""
    # The national administrator's two-step sign-in has its own tests; here it
    # would hold every page behind the code page.
    settings.KEMBALI_TOTP_REQUIRED_ROLES = []
    today = dt.date.today()
    case = CaseFactory(
        number="RTW-2026-0000001",
        office=kl_office,
        case_manager=aisyah,
        status=Status.CONSENTED,
        person=PersonFactory(full_name="Siti Aminah binti Yusof", preferred_language="ms"),
    )
    provider = Provider.objects.active().order_by("name").first()
    plan = plans.plan_create(
        case=case,
        actor=aisyah,
        goal=RtwLevel.SAME_JOB_SAME_EMPLOYER,
        start_date=today,
        target_end_date=today + dt.timedelta(days=120),
        goal_description="Kembali memandu lori",
        designed_with_person=True,
    )
    plans.intervention_add(
        plan=plan,
        actor=aisyah,
        kind="physical",
        provider=provider,
        planned_start=today + dt.timedelta(days=7),
        due_date=today + dt.timedelta(days=60),
        cost=Decimal("2400.00"),
        description="Physiotherapy twice a week",
    )
    plans.plan_approve(plan=plans.plan_submit(plan=plan, actor=aisyah), actor=chong)
    employer = EmployerFactory(employer_code="E140000001", name="Syarikat Maju Jaya Sdn Bhd")
    vacancy = vacancy_create(
        actor=bala,
        data=VacancyInput(
            employer_id=employer.pk,
            isco_code="4110",
            title="General office clerk",
            state_code="14",
            monthly_wage=Decimal("1800.00"),
            opened_on=today,
            closes_on=today + dt.timedelta(days=30),
        ),
    )
    training = training_create(
        actor=bala,
        data={
            "date": today + dt.timedelta(days=14),
            "place": "Menara PERKESO",
            "state": state("14"),
            "trainer": "Puan Rosnah",
            "topic": "Disability equality",
        },
    )
    for user in (aisyah, bala, chong, devi, ehsan):
        notification_send(
            user=user,
            subject="An intervention is overdue",
            body="Physiotherapy twice a week was due yesterday.",
            url=reverse("cases:detail", args=[case.number]),
        )
        token_create(user=user, name="Monthly report script")
    # Object pages, and who may open them (the first of them checks the page).
    return [
        (reverse("cases:detail", args=[case.number]), {Role.CASE_MANAGER, Role.SUPERVISOR}),
        (reverse("plans:plan", args=[case.number]), {Role.CASE_MANAGER, Role.SUPERVISOR}),
        (reverse("providers:detail", args=[provider.pk]), {Role.CASE_MANAGER}),
        (reverse("employers:detail", args=[employer.pk]), {Role.PLACEMENT_OFFICER}),
        (reverse("employers:vacancy_detail", args=[vacancy.pk]), {Role.PLACEMENT_OFFICER}),
        (reverse("employers:training_detail", args=[training.pk]), {Role.PLACEMENT_OFFICER}),
    ]


def _links(page) -> list[str]:
    """The menu's links and the header's, in order."""
    return page.locator(".kembali-navigation a, .kembali-header__user-actions a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )


def _menu_fits_one_line(page) -> None:
    tops = page.locator(".kembali-navigation__item").evaluate_all(
        "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    assert len(set(tops)) <= 1, f"the menu wraps on a laptop screen at {page.url}: {tops}"


def _switch_to_malay(page) -> None:
    button = page.get_by_role("button", name="Bahasa Melayu")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_every_page_of_every_role_in_both_languages(page, world):
    page.set_viewport_size(LAPTOP)
    from kembali.accounts.models import User

    checked: dict[str, set[str]] = {"en": set(), "ms": set()}
    failures: list[str] = []

    def check(url: str, language: str) -> None:
        if url in checked[language] and url != "/":
            return
        checked[language].add(url)
        response = page.goto(url)
        if response.status != 200:
            failures.append(f"{url} ({language}): HTTP {response.status}")
            return
        assert page.locator("html").get_attribute("lang") == language
        try:
            assert_no_axe_violations(page)
        except pytest.fail.Exception as failure:
            failures.append(f"({language}) {failure}")

    for username in ROLES:
        page.context.clear_cookies()
        log_in(page, username)
        role = User.objects.get(username=username).role
        for language in ("en", "ms"):
            if language == "ms":
                _switch_to_malay(page)
            page.goto("/")
            _menu_fits_one_line(page)
            urls = _links(page)
            urls += [url for url, roles in world if role in roles]
            for url in ["/", *urls]:
                check(url, language)
    assert not failures, "\n\n".join(failures)
    assert len(checked["en"]) >= 20
