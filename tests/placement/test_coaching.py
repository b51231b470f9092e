"""The job coach and coaching and counselling sessions: services and pages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kembali.audit.models import AuditEvent
from kembali.cases.workflow import TransitionForbidden, TransitionNotAllowed
from kembali.placement import coaching
from kembali.placement.models_jobs import JobCoach, SessionKind, SupportSession
from kembali.placement.referrals import ReferralError

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def coached_case(jpess_case):
    jpess_case.referral_date = days_ago(90)
    jpess_case.save(update_fields=["referral_date"])
    return jpess_case


def test_a_new_coach_ends_the_current_one(coached_case, bala, hamid):
    first = coaching.job_coach_assign(
        case=coached_case, actor=bala, coach_user=hamid, assigned_on=days_ago(20)
    )
    second = coaching.job_coach_assign(
        case=coached_case, actor=bala, coach_name="Puan Rosnah", assigned_on=days_ago(5)
    )
    first.refresh_from_db()
    assert first.ended_on == days_ago(5)
    assert coaching.current_coach(coached_case) == second
    assert second.display_name == "Puan Rosnah"
    assert [c.pk for c in coaching.coach_history(coached_case)] == [second.pk, first.pk]
    assert AuditEvent.objects.filter(action="job_coach.assign").count() == 2
    assert AuditEvent.objects.filter(action="job_coach.end").count() == 1


@pytest.mark.parametrize(
    "arguments, field",
    [
        ({}, "coach_name"),
        ({"coach_name": "Puan Rosnah", "coach_user": "hamid"}, "coach_name"),
        ({"coach_user": "farid"}, "coach_user"),
        ({"coach_name": "Puan Rosnah", "assigned_on": "tomorrow"}, "assigned_on"),
    ],
)
def test_a_coach_is_named_once_from_the_office_and_not_ahead(
    coached_case, bala, hamid, farid, arguments, field
):
    people = {"hamid": hamid, "farid": farid}
    if "coach_user" in arguments:
        arguments["coach_user"] = people[arguments["coach_user"]]
    if arguments.get("assigned_on") == "tomorrow":
        arguments["assigned_on"] = days_ago(-1)
    with pytest.raises(ReferralError) as raised:
        coaching.job_coach_assign(case=coached_case, actor=bala, **arguments)
    assert field in raised.value.errors
    assert not JobCoach.objects.exists()


def test_ending_the_support(coached_case, bala):
    with pytest.raises(TransitionNotAllowed):
        coaching.job_coach_end(case=coached_case, actor=bala)
    coach = coaching.job_coach_assign(
        case=coached_case, actor=bala, coach_name="Encik Lim", assigned_on=days_ago(10)
    )
    with pytest.raises(ReferralError):
        coaching.job_coach_end(case=coached_case, actor=bala, ended_on=days_ago(11))
    coaching.job_coach_end(case=coached_case, actor=bala, ended_on=days_ago(1))
    coach.refresh_from_db()
    assert coach.ended_on == days_ago(1)
    assert coaching.current_coach(coached_case) is None


def _session(case, actor, **overrides):
    arguments = {
        "kind": SessionKind.COACHING,
        "held_on": days_ago(2),
        "duration_minutes": 45,
        "given_by_name": "Encik Lim",
        "place": "At the warehouse",
        "topics": "Practised the stock count with the scanner.",
        "next_steps": "Try the afternoon shift.",
    }
    arguments.update(overrides)
    return coaching.support_session_log(case=case, actor=actor, **arguments)


def test_a_session_is_logged_with_who_gave_it(coached_case, bala, hamid):
    session = _session(coached_case, bala)
    counselling = _session(
        coached_case, bala, kind=SessionKind.COUNSELLING, given_by_name="", given_by_user=hamid
    )
    assert session.recorded_by == bala
    assert [s.pk for s in coaching.case_sessions(coached_case)] == [counselling.pk, session.pk]
    assert AuditEvent.objects.filter(action="support_session.log").count() == 2


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"held_on": days_ago(-1)}, "held_on"),
        ({"held_on": days_ago(400)}, "held_on"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"given_by_name": ""}, "given_by_name"),
        ({"topics": " "}, "topics"),
        ({"kind": "gossip"}, "kind"),
    ],
)
def test_a_session_refuses_what_did_not_happen(coached_case, bala, overrides, field):
    with pytest.raises(ReferralError) as raised:
        _session(coached_case, bala, **overrides)
    assert field in raised.value.errors
    assert not SupportSession.objects.exists()


def test_only_the_people_on_the_case_coach(coached_case, hamid, farid, chong):
    for outsider in (hamid, farid):
        with pytest.raises(TransitionForbidden):
            _session(coached_case, outsider)
    _session(coached_case, chong)


def test_a_case_not_in_jpess_has_no_coaching(case, aisyah):
    with pytest.raises(TransitionNotAllowed):
        _session(case, aisyah)


# --- pages


def test_logging_a_session_on_the_page(client, coached_case, bala):
    client.force_login(bala)
    url = reverse("placement:session_new", args=[coached_case.number])
    page = client.get(url)
    assert page.status_code == 200
    refused = client.post(url, {"kind": "coaching", "held_on": days_ago(1).isoformat()})
    assert refused.status_code == 200
    assert "There is a problem" in refused.text
    assert "Write what was worked on." in refused.text
    done = client.post(
        url,
        {
            "kind": "counselling",
            "held_on": days_ago(1).isoformat(),
            "duration_minutes": "50",
            "given_by_user": str(bala.pk),
            "topics": "Worries about travelling alone.",
        },
        follow=True,
    )
    assert done.redirect_chain[-1][0].startswith(
        reverse("placement:case", args=[coached_case.number])
    )
    assert "Worries about travelling alone." in done.text
    assert SupportSession.objects.get().given_by_user == bala


def test_assigning_and_ending_a_coach_on_the_page(client, coached_case, bala, hamid):
    client.force_login(bala)
    url = reverse("placement:coach_assign", args=[coached_case.number])
    assert client.get(reverse("placement:coach_end", args=[coached_case.number])).status_code == 302
    response = client.post(
        url, {"coach_user": str(hamid.pk), "assigned_on": days_ago(3).isoformat()}, follow=True
    )
    assert "Hamid Latif is the job coach." in response.text
    response = client.post(
        reverse("placement:coach_end", args=[coached_case.number]),
        {"ended_on": days_ago(0).isoformat()},
        follow=True,
    )
    assert "The job coach&#x27;s support has ended." in response.text
    assert JobCoach.objects.get().ended_on == days_ago(0)


def test_another_office_does_not_see_the_pages(client, coached_case, farid):
    client.force_login(farid)
    for name in ("session_new", "coach_assign", "coach_end"):
        url = reverse(f"placement:{name}", args=[coached_case.number])
        assert client.get(url).status_code == 404, name
