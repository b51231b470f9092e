"""Referral to JPESS and the job placement officer's assignment."""

import pytest
from django.urls import reverse

from kembali.audit.models import AuditEvent
from kembali.cases.models import Assignment, Case, Status, Transition
from kembali.cases.workflow import TransitionForbidden, TransitionNotAllowed
from kembali.placement import services
from kembali.placement.models import JpessReferral
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_referral_from_rehabilitation_moves_the_case_to_job_placement(case, aisyah):
    services.jpess_refer(case=case, actor=aisyah, reason="The previous employer closed.")

    case.refresh_from_db()
    assert case.in_jpess
    assert case.status == Status.JOB_PLACEMENT
    assert Transition.objects.filter(case=case, to_status=Status.JOB_PLACEMENT).count() == 1
    referral = JpessReferral.objects.get(case=case)
    assert (referral.referred_by, referral.reason) == (aisyah, "The previous employer closed.")
    events = AuditEvent.objects.filter(action="case.jpess_refer", object_id=str(case.pk))
    assert events.count() == 1
    assert events.get().changes == {"in_jpess": [False, True]}


def test_referral_before_rehabilitation_keeps_the_stage(kl_office, aisyah):
    case = CaseFactory(office=kl_office, case_manager=aisyah, status=Status.ASSESSED)
    services.jpess_refer(case=case, actor=aisyah, reason="Cannot drive a lorry again.")
    case.refresh_from_db()
    assert (case.in_jpess, case.status) == (True, Status.ASSESSED)


def test_a_supervisor_refers_without_moving_the_stage_the_case_manager_owns(case, chong):
    services.jpess_refer(case=case, actor=chong, reason="Employer closed.")
    case.refresh_from_db()
    assert (case.in_jpess, case.status) == (True, Status.IN_REHABILITATION)


def test_referral_needs_a_reason_and_the_right_person_and_stage(
    case, bala, farid, aisyah, kl_office
):
    with pytest.raises(services.PlacementError):
        services.jpess_refer(case=case, actor=aisyah, reason="  ")
    for outsider in (bala, farid):
        with pytest.raises(TransitionForbidden):
            services.jpess_refer(case=case, actor=outsider, reason="x")
    closed = CaseFactory(office=kl_office, case_manager=aisyah, status=Status.CLOSED)
    with pytest.raises(TransitionNotAllowed):
        services.jpess_refer(case=closed, actor=aisyah, reason="x")
    assert not Case.objects.filter(in_jpess=True).exists()
    assert not AuditEvent.objects.filter(action="case.jpess_refer").exists()


def test_a_case_already_in_jpess_is_not_referred_twice(kl_office, aisyah):
    case = CaseFactory(
        office=kl_office, case_manager=aisyah, status=Status.PLAN_APPROVED, in_jpess=True
    )
    with pytest.raises(services.PlacementError):
        services.jpess_refer(case=case, actor=aisyah, reason="again")


def test_the_suggestion_is_the_least_loaded_placement_officer(jpess_case, bala, hamid, kl_office):
    # Bala already places one case in job placement; Hamid none.
    assert services.placement_officer_suggest(office=kl_office) == hamid
    for _ in range(2):
        CaseFactory(office=kl_office, placement_officer=hamid, status=Status.IN_REHABILITATION)
    assert services.placement_officer_suggest(office=kl_office) == bala


def test_an_office_without_placement_officers_has_no_suggestion(penang_office, farid):
    assert services.placement_officer_suggest(office=penang_office) is None


def test_assignment_keeps_history_and_is_audited_once(jpess_case, bala, hamid, chong):
    services.placement_officer_assign(
        case=jpess_case, officer=hamid, actor=chong, reason="Bala on leave."
    )
    jpess_case.refresh_from_db()
    assert jpess_case.placement_officer == hamid
    rows = list(
        Assignment.objects.filter(case=jpess_case, role=Assignment.Role.PLACEMENT_OFFICER).order_by(
            "assigned_at", "id"
        )
    )
    assert [(r.user, r.unassigned_at is None) for r in rows] == [(bala, False), (hamid, True)]
    events = AuditEvent.objects.filter(action="case.placement_officer_assign")
    assert events.count() == 2
    assert events.filter(reason="Bala on leave.").get().changes == {
        "placement_officer": [bala.pk, hamid.pk]
    }
    # The case manager stays.
    assert jpess_case.case_manager.username == "aisyah"


def test_only_oversight_assigns_and_only_placement_officers_of_the_office(
    case, aisyah, bala, farid, gopal, chong, devi
):
    services.jpess_refer(case=case, actor=aisyah, reason="x")
    for actor in (aisyah, bala, gopal):
        with pytest.raises(TransitionForbidden):
            services.placement_officer_assign(case=case, officer=bala, actor=actor)
    with pytest.raises(services.PlacementError):
        services.placement_officer_assign(case=case, officer=aisyah, actor=chong)
    services.placement_officer_assign(case=case, officer=bala, actor=devi)
    case.refresh_from_db()
    assert case.placement_officer == bala


def test_a_case_outside_jpess_gets_no_placement_officer(case, bala, chong):
    with pytest.raises(services.PlacementError):
        services.placement_officer_assign(case=case, officer=bala, actor=chong)


def test_the_placement_officer_then_sees_the_case(client, jpess_case, bala):
    client.force_login(bala)
    assert client.get(reverse("cases:detail", args=[jpess_case.number])).status_code == 200
    page = client.get(reverse("placement:case", args=[jpess_case.number])).text
    assert "Bala Subramaniam" in page


def test_supervisor_page_preselects_the_suggestion_and_shows_loads(
    client, case, aisyah, chong, bala, hamid, kl_office
):
    services.jpess_refer(case=case, actor=aisyah, reason="x")
    CaseFactory(office=kl_office, placement_officer=bala, status=Status.IN_REHABILITATION)
    client.force_login(chong)
    response = client.get(reverse("placement:assign", args=[case.number]))
    page = response.text
    assert response.status_code == 200
    assert "Suggested: Hamid Latif" in page
    assert f'value="{hamid.pk}" checked' in page
    assert "Workload 3: 1 open case" in page

    response = client.post(
        reverse("placement:assign", args=[case.number]),
        {"officer": hamid.pk, "version": case.version + 0, "reason": ""},
    )
    case.refresh_from_db()
    assert response.status_code == 302
    assert case.placement_officer == hamid


def test_case_manager_refers_through_the_page(client, case, aisyah):
    client.force_login(aisyah)
    detail = client.get(reverse("cases:detail", args=[case.number])).text
    assert "Refer to JPESS" in detail
    response = client.post(
        reverse("placement:refer", args=[case.number]),
        {"reason": "", "version": case.version},
    )
    assert response.status_code == 200
    assert "Say why the person needs job placement." in response.text
    response = client.post(
        reverse("placement:refer", args=[case.number]),
        {"reason": "Employer has no light duties.", "version": case.version},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.JOB_PLACEMENT


def test_case_page_offers_the_jpess_steps_to_the_supervisor(client, case, aisyah, chong):
    services.jpess_refer(case=case, actor=aisyah, reason="x")
    client.force_login(chong)
    page = client.get(reverse("cases:detail", args=[case.number])).text
    assert "Assign a job placement officer" in page
    assert "Record the job placement assessment" in page
    assert reverse("placement:case", args=[case.number]) in page


def test_farid_gets_404_on_every_jpess_page(client, jpess_case, farid):
    client.force_login(farid)
    for name in ("case", "refer", "assign", "assessment", "support_plan", "support_plan_pdf"):
        response = client.get(reverse(f"placement:{name}", args=[jpess_case.number]))
        assert response.status_code == 404, name


def test_the_placement_officer_may_not_assign_and_the_case_manager_may_not_assess(
    client, jpess_case, bala, aisyah
):
    client.force_login(bala)
    assert client.get(reverse("placement:assign", args=[jpess_case.number])).status_code == 403
    client.force_login(aisyah)
    assert client.get(reverse("placement:assessment", args=[jpess_case.number])).status_code == 403
