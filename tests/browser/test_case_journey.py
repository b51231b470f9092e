"""One case from referral to closure, driven with the keyboard alone, with 0 axe
violations (WCAG 2.0 A and AA, 2.1 AA) on every page it passes (issue 3, "Done when").

A supervisor registers the referral and assigns the suggested case manager; the
case manager assesses, records the consent, designs the plan; the supervisor
approves it; the case manager starts the rehabilitation, records the return to work,
starts the follow-up and asks to close; the supervisor approves the closure. The
two people work in two browser windows, each signed in once."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from kembali.accounts.models import Role
from kembali.cases.models import Case, Status
from tests.browser.conftest import assert_no_axe_violations, log_in, new_context
from tests.browser.keyboard import (
    activate,
    choose_option,
    choose_radio,
    tab_to,
    tick,
    type_date,
    type_into,
)
from tests.factories import CaseFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# A small but real PDF: the consent form as the person signed it.
SIGNED_FORM = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def hafiz(kl_office):
    """A second case manager of the office, busier than Aisyah."""
    user = UserFactory(
        username="hafiz",
        first_name="Hafiz",
        last_name="Ismail",
        role=Role.CASE_MANAGER,
        office=kl_office,
    )
    CaseFactory.create_batch(2, office=kl_office, case_manager=user, status=Status.ASSIGNED)
    return user


@pytest.fixture
def second_window(browser, live_server):
    context = new_context(browser, live_server)
    yield context.new_page()
    context.close()


def _ms(message: str, **values) -> str:
    """What the Malay catalogues say for an English message (they are complete: a
    test checks it), so the test reads as the English pages do."""
    with translation.override("ms"):
        text = translation.gettext(message)
    return text % values if values else text


def _h1(page) -> str:
    return page.locator("h1").inner_text().strip()


def _checked(page, expected_h1: str) -> None:
    """Every page the journey reaches: the right one, and 0 axe violations."""
    assert _h1(page) == expected_h1, f"{page.url}: {_h1(page)!r}"
    assert_no_axe_violations(page)


def _main(page):
    return page.locator("main")


def _action(page, name: str):
    return (
        _main(page)
        .get_by_role("link", name=name, exact=True)
        .or_(_main(page).get_by_role("button", name=name, exact=True))
    )


def _fill_referral(page, today: dt.date, *, leave_out_name: bool = False) -> None:
    form = _main(page)
    label = form.get_by_label
    type_into(page, label("Referral reference"), "BEN-2026-0042")
    type_into(page, label("Referred by"), "Benefit branch, Jalan Ampang")
    type_into(page, label("NRIC (MyKad number)"), "850312-14-5671")
    if not leave_out_name:
        type_into(page, label("Full name"), "Ahmad Faris bin Kamal")
    type_into(page, label("Phone"), "012-345 6789")
    choose_option(page, label("State or federal territory"), "Kuala Lumpur")
    type_date(page, label("Date of the injury or diagnosis"), today - dt.timedelta(days=60))
    choose_option(page, label("Kind of injury or disease"), "accident")
    choose_option(page, label("Is it work-related?"), "Yes")
    type_into(page, label("Description", exact=True), "Crushed left hand at a press machine.")
    type_date(
        page, label("Receiving Temporary Disablement Benefit since"), today - dt.timedelta(days=50)
    )
    type_into(page, label("Employer", exact=True), "Syarikat Logam Jaya Sdn Bhd")
    type_into(page, label("Occupation (ISCO-08 unit group code)"), "7223")
    type_into(page, label("Job title", exact=True), "Press machine operator")
    type_into(page, label("Monthly wage (RM)"), "2400")
    type_date(page, label("Worked there since"), dt.date(2015, 6, 1))


def _register_referral(page, today: dt.date) -> str:
    activate(
        page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="New referral")
    )
    _checked(page, "New referral")

    # A required field left empty: the error summary is announced and takes the focus.
    _fill_referral(page, today, leave_out_name=True)
    activate(page, page.get_by_role("button", name="Save the referral"))
    summary = page.locator(".kembali-error-summary")
    assert summary.get_attribute("role") == "alert"
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.classList.contains('kembali-error-summary')")
    _checked(page, "New referral")
    link = summary.get_by_role("link")
    assert link.all_inner_texts() == ["This field is required."]
    tab_to(page, link)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_full_name"
    page.keyboard.type("Ahmad Faris bin Kamal")
    # The other answers were kept; submit again.
    activate(page, page.get_by_role("button", name="Save the referral"))
    _checked(page, "Ahmad Faris bin Kamal")
    assert "Eligible" in page.get_by_test_id("eligibility").inner_text()
    return Case.objects.get(person__nric__endswith="5671").number


def test_one_case_from_referral_to_closure_with_the_keyboard(
    page, second_window, chong, aisyah, hafiz
):
    supervisor, manager = page, second_window
    today = timezone.localdate()
    log_in(supervisor, "chong")
    _checked(supervisor, "Office overview")
    number = _register_referral(supervisor, today)

    # The supervisor assigns the suggested case manager.
    activate(supervisor, _action(supervisor, "Assign a case manager"))
    _checked(supervisor, "Assign a case manager")
    assert "Suggested: Aisyah Rahman" in _main(supervisor).inner_text()
    choose_radio(supervisor, _main(supervisor).get_by_label("Aisyah Rahman"))
    activate(supervisor, supervisor.get_by_role("button", name="Assign", exact=True))
    _checked(supervisor, "Ahmad Faris bin Kamal")
    assert supervisor.get_by_test_id("case-manager").inner_text() == "Aisyah Rahman"

    # The case manager finds the case among hers and records the initial assessment.
    log_in(manager, "aisyah")
    _checked(manager, "Your cases")
    activate(
        manager, manager.get_by_role("navigation", name="Menu").get_by_role("link", name="My cases")
    )
    _checked(manager, "My cases")
    activate(manager, _main(manager).get_by_role("link", name=number))
    _checked(manager, "Ahmad Faris bin Kamal")

    # The initial assessment: five key issues, each a rating and notes.
    activate(manager, _action(manager, "Record the initial assessment"))
    _checked(manager, "Record the initial assessment")
    form = _main(manager)
    for area, rating in [
        ("medical", "2"),
        ("functional", "3"),
        ("psychosocial", "1"),
        ("workplace", "1"),
        ("vocational", "2"),
    ]:
        choose_radio(manager, form.locator(f'input[name="{area}_rating"][value="{rating}"]'))
        type_into(
            manager,
            form.locator(f'textarea[name="{area}_notes"], input[name="{area}_notes"]'),
            f"Seen on the {area} side.",
        )
    type_into(
        manager,
        form.get_by_label("The person's own goal, in their words"),
        "Saya mahu kembali ke kilang.",
    )
    type_date(manager, form.get_by_label("Date of the assessment"), today)
    activate(manager, form.get_by_role("button", name="Record the assessment"))
    _checked(manager, "Ahmad Faris bin Kamal")

    # The consent, with the signed form uploaded from the focused file input.
    activate(manager, _action(manager, "Record the consent"))
    _checked(manager, "Record the consent")
    form = _main(manager)
    type_date(manager, form.get_by_label("Date the person gave their consent"), today)
    choose_radio(manager, form.locator('input[name="method"]').first)
    tick(manager, form.get_by_label("The person consents to join the Return to Work programme"))
    tick(manager, form.get_by_label("The person confirms they intend to take part"))
    tick(
        manager,
        form.get_by_label("The job placement service (JPESS) may receive the person's data"),
    )
    upload = form.get_by_label("The signed consent form")
    tab_to(manager, upload)
    upload.set_input_files(
        {"name": "consent-signed.pdf", "mimeType": "application/pdf", "buffer": SIGNED_FORM}
    )
    activate(manager, form.get_by_role("button", name="Record the consent"))
    _checked(manager, "Ahmad Faris bin Kamal")

    # The rehabilitation plan: designed with the person, one intervention, submitted.
    activate(
        manager,
        _main(manager).get_by_role(
            "link", name="The rehabilitation plan, its versions and the referrals to providers"
        ),
    )
    _checked(manager, "Rehabilitation plan")
    activate(manager, _main(manager).get_by_role("link", name="Design the plan"))
    _checked(manager, "Design the rehabilitation plan")
    form = _main(manager)
    choose_option(
        manager, form.get_by_label("Overall return-to-work goal"), "Same job, same employer"
    )
    type_into(
        manager,
        form.get_by_label("The goal in the person's words"),
        "Back at the press line, lighter duties first.",
    )
    tick(manager, form.get_by_label("The person took part in designing this plan"))
    type_date(manager, form.get_by_label("Start date"), today)
    type_date(manager, form.get_by_label("Target end date"), today + dt.timedelta(days=120))
    activate(manager, form.get_by_role("button"))
    _checked(manager, "Rehabilitation plan")
    activate(manager, _main(manager).get_by_role("link", name="Add an intervention"))
    _checked(manager, "Add an intervention")
    form = _main(manager)
    choose_option(manager, form.get_by_label("Kind"), "Physical rehabilitation")
    type_into(manager, form.get_by_label("Description"), "Hand therapy, twice a week.")
    choose_option(manager, form.get_by_label("Provider"), "Hand")
    type_date(manager, form.get_by_label("Planned start"), today + dt.timedelta(days=7))
    type_date(manager, form.get_by_label("Due date"), today + dt.timedelta(days=90))
    type_into(manager, form.get_by_label("Cost"), "1800")
    activate(manager, form.get_by_role("button"))
    _checked(manager, "Rehabilitation plan")
    activate(manager, _main(manager).get_by_role("button", name="Submit for approval"))
    _checked(manager, "Rehabilitation plan")

    # The supervisor approves it from the case page, and from here on reads in Malay.
    supervisor.reload()
    _checked(supervisor, "Ahmad Faris bin Kamal")
    activate(supervisor, supervisor.get_by_role("button", name="Bahasa Melayu"))
    assert supervisor.locator("html").get_attribute("lang") == "ms"
    _checked(supervisor, "Ahmad Faris bin Kamal")
    activate(supervisor, _action(supervisor, _ms("Approve the plan")))
    _checked(supervisor, _ms("Rehabilitation plan"))
    activate(
        supervisor, _main(supervisor).get_by_role("link", name=_ms("Approve or return this plan"))
    )
    _checked(supervisor, _ms("Approve or return version %(version)s of the plan", version=1))
    activate(supervisor, _main(supervisor).get_by_role("button", name=_ms("Approve the plan")))
    _checked(supervisor, _ms("Rehabilitation plan"))

    # The case manager starts the rehabilitation and, later, records the return.
    manager.reload()
    _checked(manager, "Rehabilitation plan")
    activate(manager, _main(manager).get_by_role("button", name="Start the rehabilitation"))
    _checked(manager, "Rehabilitation plan")
    activate(manager, _main(manager).get_by_role("link", name="Back to the case"))
    _checked(manager, "Ahmad Faris bin Kamal")
    activate(manager, _action(manager, "Record the return to work"))
    _checked(manager, "Record the return to work")
    form = _main(manager)
    type_date(manager, form.get_by_label("Date of the return to work"), today)
    tick(manager, form.get_by_label("Back with the employer from before the injury", exact=False))
    type_into(manager, form.get_by_label("Occupation (ISCO-08 unit group)"), "7223")
    type_into(manager, form.get_by_label("Job title"), "Press machine operator")
    type_into(manager, form.get_by_label("Monthly wage (RM)"), "2400")
    type_into(manager, form.get_by_label("Hours per week"), "40")
    activate(manager, form.get_by_role("button", name="Record the return to work"))
    _checked(manager, "Ahmad Faris bin Kamal")
    activate(manager, _action(manager, "Start the follow-up"))
    _checked(manager, "Ahmad Faris bin Kamal")
    activate(manager, _action(manager, "End the case"))
    _checked(manager, "End the case")
    form = _main(manager)
    choose_option(manager, form.get_by_label("Why is the case ending?"), "Returned to work")
    type_into(manager, form.get_by_label("Details"), "Back at the same job for three months.")
    activate(manager, form.get_by_role("button", name="Request the closure"))
    _checked(manager, "Ahmad Faris bin Kamal")

    # The supervisor approves the closure: the case is closed.
    supervisor.reload()  # still on the plan page
    activate(supervisor, _main(supervisor).get_by_role("link", name=_ms("Back to the case")))
    _checked(supervisor, "Ahmad Faris bin Kamal")
    activate(supervisor, _action(supervisor, _ms("Approve the closure")))
    _checked(supervisor, "Ahmad Faris bin Kamal")
    assert Case.objects.get(number=number).status == Status.CLOSED
    assert _ms("Closed") in _main(supervisor).locator(".kembali-tag").first.inner_text()

    # The timeline tells the story, newest first.
    titles = _main(supervisor).locator(".kembali-timeline__title").all_inner_texts()
    times = (
        _main(supervisor)
        .locator(".kembali-timeline__meta time")
        .evaluate_all("els => els.map(e => e.getAttribute('datetime'))")
    )
    assert times == sorted(times, reverse=True)
    assert titles[0] == _ms("Closure approved: case closed")
    assert titles[-1].startswith(_ms("Referral received, dated %(date)s", date="")[:12])
    assert len(titles) >= 15  # every step on the way, none lost
