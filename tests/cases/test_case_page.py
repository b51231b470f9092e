"""The case page and the step pages behind its buttons, and the referral form."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kembali.audit.models import AccessEvent
from kembali.cases.models import Case, ClosureReason, EligibilityDecision, Status, Transition
from kembali.cases.services import (
    BenefitInput,
    EmploymentInput,
    InjuryInput,
    PersonInput,
    ReferralInput,
    case_assign,
    referral_create,
)
from kembali.cases.timeline import timeline_sources
from kembali.cases.workflow import case_transition
from kembali.people.models import InsuredPerson

pytestmark = pytest.mark.django_db


def siti_referral(**overrides) -> ReferralInput:
    values = {
        "person": PersonInput(
            nric="900115-14-5678",
            full_name="Siti Nurhaliza binti Ahmad",
            state_code="14",
            phone="012-3456789",
        ),
        "referral_date": dt.date(2026, 3, 2),
        "injury": InjuryInput(
            date=dt.date(2026, 1, 10),
            kind="industrial",
            work_related=True,
            description="Fractured left wrist.",
        ),
        "employment": EmploymentInput(
            employer_name="Binaan Jaya Sdn Bhd",
            isco_code="7411",
            job_title="Electrician",
            monthly_wage=Decimal("2800"),
            start_date=dt.date(2019, 5, 1),
        ),
        "benefits": (BenefitInput(kind="tdb", start_date=dt.date(2026, 1, 20)),),
    }
    values.update(overrides)
    return ReferralInput(**values)


@pytest.fixture
def siti_case(aisyah, chong, kl_office):
    case = referral_create(actor=chong, office=kl_office, referral=siti_referral()).case
    return case_assign(case=case, case_manager=aisyah, actor=chong)


def detail_url(case):
    return reverse("cases:detail", args=[case.number])


_TIMELINE_TITLE = re.compile(r'<h3 class="kembali-heading-s kembali-timeline__title">(.*?)</h3>')


def timeline_titles(page: str) -> list[str]:
    """The titles of the timeline's entries as the page shows them, newest first."""
    return [html.unescape(title) for title in _TIMELINE_TITLE.findall(page)]


def test_the_case_manager_sees_the_person_stage_decision_and_timeline(client, aisyah, siti_case):
    client.force_login(aisyah)
    response = client.get(detail_url(siti_case))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Siti Nurhaliza binti Ahmad" in page
    assert "900115-14-5678" in page
    assert "Female" in page
    assert "Assigned" in page
    assert "Record the initial assessment" in page
    assert "Rule 1 met" in page
    assert "Aisyah Rahman" in page
    timeline = timeline_titles(page)
    assert timeline[0] == "Moved to Assigned"
    assert timeline[-1].startswith("Referral received")
    assert any(t.startswith("Eligibility decided: Eligible") for t in timeline)
    assert "Aisyah Rahman assigned as case manager" in timeline


def test_viewing_the_case_is_recorded(client, aisyah, siti_case):
    client.force_login(aisyah)
    client.get(detail_url(siti_case))
    event = AccessEvent.objects.get()
    assert (event.actor, event.what, event.object_id) == (aisyah, "case.view", str(siti_case.pk))


def test_a_case_manager_of_another_office_gets_404(client, farid, siti_case):
    client.force_login(farid)
    assert client.get(detail_url(siti_case)).status_code == 404
    assert client.get(reverse("cases:detail", args=["RTW-2026-9999999"])).status_code == 404
    assert not AccessEvent.objects.exists()


def test_the_case_page_query_count_does_not_grow_with_the_timeline(
    client,
    aisyah,
    chong,
    siti_case,
    django_assert_max_num_queries,
    django_assert_num_queries,
    kl_office,
):
    from tests.factories import UserFactory

    client.force_login(chong)
    # Session, user, case (twice: access check, then the page's joins), the viewer's
    # office, the access record, the session save (3 with its savepoint), and at most
    # one query per timeline source (other modules add their own).
    with django_assert_max_num_queries(9 + len(timeline_sources())) as baseline:
        client.get(detail_url(siti_case))
    first = len(baseline.captured_queries)

    # Many more steps and reassignments: the page must cost the same.
    hafiz = UserFactory(username="hafiz", role="case_manager", office=kl_office)
    case = siti_case
    for i in range(5):
        case = case_assign(
            case=case, case_manager=hafiz if i % 2 == 0 else aisyah, actor=chong, reason=f"Rota {i}"
        )
    with django_assert_num_queries(first):
        client.get(detail_url(siti_case))


def test_the_supervisor_is_offered_assignment_and_the_suggestion_is_preselected(
    client, aisyah, chong, kl_office
):
    case = referral_create(actor=chong, office=kl_office, referral=siti_referral()).case
    client.force_login(chong)
    page = client.get(detail_url(case)).content.decode()
    assert "Assign a case manager" in page

    response = client.get(reverse("cases:assign", args=[case.number]))
    assert response.status_code == 200
    assert response.context["suggested"] == aisyah
    body = response.content.decode()
    assert f'value="{aisyah.pk}" checked' in body
    assert "Workload 0: 0 open cases" in body

    response = client.post(
        reverse("cases:assign", args=[case.number]),
        {"version": case.version, "case_manager": aisyah.pk},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.case_manager) == (Status.ASSIGNED, aisyah)


def test_a_case_manager_cannot_open_the_assignment_page(client, aisyah, siti_case):
    client.force_login(aisyah)
    assert client.get(reverse("cases:assign", args=[siti_case.number])).status_code == 403


def test_a_stale_button_re_renders_the_page_and_changes_nothing(client, aisyah, chong, siti_case):
    case_transition(
        case=siti_case,
        to=Status.CLOSURE_PENDING,
        actor=aisyah,
        closure_reason=ClosureReason.LOST_CONTACT,
        reason="No answer.",
    )
    seen = siti_case.version
    case_transition(case=siti_case, to=Status.ASSIGNED, actor=chong, reason="Try once more.")
    case_transition(
        case=siti_case,
        to=Status.CLOSURE_PENDING,
        actor=aisyah,
        closure_reason=ClosureReason.LOST_CONTACT,
        reason="Still no answer.",
    )

    client.force_login(chong)
    response = client.post(
        reverse("cases:closure_approve", args=[siti_case.number]), {"version": seen}
    )

    assert response.status_code == 409
    assert "since you opened it; reload and try again" in response.content.decode()
    siti_case.refresh_from_db()
    assert siti_case.status == Status.CLOSURE_PENDING


def test_closing_a_case_end_to_end_through_the_pages(client, aisyah, chong, siti_case):
    client.force_login(aisyah)
    response = client.post(
        reverse("cases:closure_request", args=[siti_case.number]),
        {
            "version": siti_case.version,
            "closure_reason": "declined",
            "reason": "Does not want rehabilitation.",
        },
    )
    assert response.status_code == 302
    siti_case.refresh_from_db()
    assert siti_case.status == Status.CLOSURE_PENDING

    client.force_login(chong)
    page = client.get(detail_url(siti_case)).content.decode()
    assert "Approve the closure" in page
    assert "Refuse the closure" in page
    response = client.post(
        reverse("cases:closure_approve", args=[siti_case.number]), {"version": siti_case.version}
    )
    assert response.status_code == 302
    siti_case.refresh_from_db()
    assert siti_case.status == Status.CLOSED
    assert siti_case.closure_reason == ClosureReason.DECLINED


def test_the_supervisor_overrides_a_negative_decision_through_the_form(client, chong, kl_office):
    case = referral_create(actor=chong, office=kl_office, referral=siti_referral(benefits=())).case
    client.force_login(chong)
    url = reverse("cases:eligibility_override", args=[case.number])
    response = client.post(url, {"version": case.version, "reason": ""})
    assert response.status_code == 422
    assert "This field is required" in response.content.decode()

    response = client.post(url, {"version": case.version, "reason": "TDB letter arrived."})
    assert response.status_code == 302
    decision = EligibilityDecision.objects.get(case=case)
    assert decision.override_reason == "TDB letter arrived."
    page = client.get(detail_url(case)).content.decode()
    assert "Overridden by Chong Mei Ling" in page


# --- the referral form


def form_data(**overrides):
    data = {
        "referral_date": "2026-03-02",
        "referral_reference": "",
        "is_contributor": "yes",
        "nric": "900115-14-5678",
        "full_name": "Siti Nurhaliza binti Ahmad",
        "preferred_language": "ms",
        "state": "14",
        "phone": "012-3456789",
        "injury_date": "2026-01-10",
        "injury_kind": "industrial",
        "injury_work_related": "yes",
        "injury_description": "Fractured left wrist.",
        "tdb_from": "2026-01-20",
        "employer_name": "Binaan Jaya Sdn Bhd",
        "isco_code": "7411",
        "job_title": "Electrician",
        "monthly_wage": "2800",
        "employment_start": "2019-05-01",
    }
    data.update(overrides)
    return data


def test_a_supervisor_registers_a_referral_and_lands_on_the_case(client, chong):
    client.force_login(chong)
    assert client.get(reverse("cases:new")).status_code == 200
    response = client.post(reverse("cases:new"), form_data())
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(case)
    assert case.status == Status.ELIGIBLE
    assert case.referral_source == Case.Source.FORM
    assert case.person.board_recommendations.count() == 0


def test_a_case_manager_registers_a_referral_and_is_told_a_supervisor_assigns_it(client, aisyah):
    client.force_login(aisyah)
    response = client.post(reverse("cases:new"), form_data(), follow=True)
    page = response.content.decode()
    assert "Referral registered as case RTW-2026-0000001" in page
    assert "A supervisor of the office will assign a case manager." in page


def test_bad_input_shows_the_error_summary_and_saves_nothing(client, chong):
    client.force_login(chong)
    response = client.post(
        reverse("cases:new"),
        form_data(nric="900115-14-567", isco_code="", board="mb", date_of_birth="1990-01-16"),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_isco_code"' in page
    assert 'href="#id_board_date"' in page
    assert not Case.objects.exists()
    assert not InsuredPerson.objects.exists()

    response = client.post(reverse("cases:new"), form_data(date_of_birth="1990-01-16"))
    assert response.status_code == 422
    assert "does not match the NRIC" in response.content.decode()
    assert not InsuredPerson.objects.exists()


def test_a_duplicate_open_case_links_to_the_open_case(client, chong, kl_office):
    first = referral_create(actor=chong, office=kl_office, referral=siti_referral()).case
    client.force_login(chong)
    response = client.post(reverse("cases:new"), form_data())
    assert response.status_code == 422
    page = response.content.decode()
    assert first.number in page
    assert f'href="{detail_url(first)}"' in page
    assert Case.objects.count() == 1


def test_ministry_analysts_and_placement_officers_cannot_refer(client, ehsan, bala):
    for user in (ehsan, bala):
        client.force_login(user)
        assert client.get(reverse("cases:new")).status_code == 403


def test_occupation_suggestions_offer_codes_for_a_title(client, chong):
    client.force_login(chong)
    response = client.get(reverse("cases:occupation_options"), {"isco_code": "electrician"})
    assert response.status_code == 200
    assert 'value="7411"' in response.content.decode()
    response = client.get(reverse("cases:occupation_options"), {"isco_code": "741"})
    assert 'value="7411"' in response.content.decode()


def test_transition_rows_carry_the_form_actor(client, chong):
    client.force_login(chong)
    client.post(reverse("cases:new"), form_data())
    step = Transition.objects.get()
    assert step.actor == chong
    assert step.at <= timezone.now()


def test_the_second_of_two_approvals_is_told_who_was_first(client, aisyah, chong, devi, siti_case):
    case_transition(
        case=siti_case,
        to=Status.CLOSURE_PENDING,
        actor=aisyah,
        closure_reason=ClosureReason.DECLINED,
        reason="Declined.",
    )
    url = reverse("cases:closure_approve", args=[siti_case.number])
    client.force_login(chong)
    assert client.post(url, {"version": siti_case.version}).status_code == 302

    client.force_login(devi)
    response = client.post(url, {"version": siti_case.version})
    assert response.status_code == 409
    assert "This case was changed by Chong Mei Ling at" in response.content.decode()
    assert Transition.objects.filter(case=siti_case, to_status=Status.CLOSED).count() == 1


def test_a_stale_form_page_keeps_the_input_and_says_reload(client, aisyah, chong, siti_case):
    url = reverse("cases:closure_request", args=[siti_case.number])
    client.force_login(aisyah)
    seen = siti_case.version
    page = client.get(url, {"version": seen})
    assert page.status_code == 200
    case_transition(case=siti_case, to=Status.ASSESSED, actor=aisyah)

    response = client.post(
        url, {"version": seen, "closure_reason": "declined", "reason": "Does not want it."}
    )
    assert response.status_code == 409
    assert "reload and try again" in response.content.decode()
    siti_case.refresh_from_db()
    assert siti_case.status == Status.ASSESSED


def test_the_case_page_in_malay(client, aisyah, siti_case):
    client.force_login(aisyah)
    client.cookies["django_language"] = "ms"
    page = client.get(detail_url(siti_case)).content.decode()
    assert "Langkah seterusnya" in page
    assert "Rekodkan penilaian awal" in page
    assert "Garis masa" in page


def test_a_national_admin_chooses_the_office_of_the_referral(client, devi, kl_office):
    client.force_login(devi)
    assert "RTW office" in client.get(reverse("cases:new")).content.decode()
    response = client.post(reverse("cases:new"), form_data(office=kl_office.pk))
    assert response.status_code == 302
    assert Case.objects.get().office == kl_office
