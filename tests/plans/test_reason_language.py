"""Reasons the system writes on a case's history read in the reader's language,
whoever took the step and in whatever language they worked."""

from django.urls import reverse
from django.utils import translation

from kembali.cases.models import Case, Transition
from kembali.plans import services


def test_a_malay_reader_sees_the_system_reason_in_malay(client, aisyah, chong, approved):
    case = Case.objects.get(pk=approved.case_id)
    with translation.override("en"):  # the case manager works in English
        services.plan_start(case=case, actor=aisyah)
    row = Transition.objects.filter(case=case).first()
    assert (row.reason, row.reason_code) == ("Rehabilitation started", "rehabilitation_started")

    client.force_login(chong)
    client.cookies["django_language"] = "ms"
    page = client.get(reverse("cases:detail", args=[case.number])).text
    assert "Pemulihan dimulakan" in page
    assert "Rehabilitation started" not in page

    client.cookies["django_language"] = "en"
    page = client.get(reverse("cases:detail", args=[case.number])).text
    assert "Rehabilitation started" in page


def test_the_approval_reason_keeps_its_version_number(chong, submitted):
    services.plan_approve(plan=submitted, actor=chong)
    row = Transition.objects.filter(case_id=submitted.case_id).first()
    assert row.reason_params == {"version": submitted.version}
    assert row.reason == f"Rehabilitation plan version {submitted.version} approved"
