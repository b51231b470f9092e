"""Consent: recording it with the signed form, the printable form in the person's
language, who may fetch the signed form, and withdrawal."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kembali.audit.models import AccessEvent, AuditEvent
from kembali.cases.consent import JPESS, case_has_sharing_consent, current_consent
from kembali.cases.consent_pdf import consent_pdf, consent_pdf_html
from kembali.cases.models import Case, ClosureReason, Consent, Status, Transition
from kembali.cases.services_assessment import StepInvalid
from kembali.cases.services_consent import consent_record, consent_withdraw
from kembali.cases.workflow import (
    TransitionForbidden,
    TransitionNotAllowed,
    allowed_targets,
    case_transition,
)
from kembali.core.uploads import ProtectedStorage
from kembali.providers.models import Provider
from tests.factories import CaseFactory, EmployerFactory, PersonFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
REFERRED = TODAY - dt.timedelta(days=30)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path, monkeypatch):
    """Signed forms go to a temporary folder. The model field's storage is built once
    at import, so it is swapped as well as the setting."""
    settings.MEDIA_ROOT = tmp_path
    field = Consent._meta.get_field("signed_form")
    monkeypatch.setattr(field, "storage", ProtectedStorage(location=tmp_path))
    return tmp_path


@pytest.fixture
def person(db):
    return PersonFactory(full_name="Nurul Huda binti Zainal", preferred_language="ms")


@pytest.fixture
def case(kl_office, aisyah, person):
    return CaseFactory(
        office=kl_office,
        case_manager=aisyah,
        status=Status.ASSESSED,
        referral_date=REFERRED,
        person=person,
    )


@pytest.fixture
def providers(db):
    return list(Provider.objects.active().order_by("name")[:2])


@pytest.fixture
def employer(db):
    return EmployerFactory(name="Logistik Maju Sdn Bhd")


def signed(name="consent.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def consent_args(**overrides):
    values = {
        "given_on": TODAY - dt.timedelta(days=1),
        "method": Consent.Method.PRINTED,
        "joins_programme": True,
        "intention_confirmed": True,
        "signed_form": signed(),
        "shares_with_jpess": True,
    }
    values.update(overrides)
    return values


@pytest.fixture
def consented(case, aisyah, providers, employer):
    consent_record(
        case=case, actor=aisyah, providers=providers, employers=[employer], **consent_args()
    )
    case.refresh_from_db()
    return case


def test_the_case_manager_records_consent_and_the_case_is_consented(
    case, aisyah, providers, employer, uploads
):
    consent = consent_record(
        case=case,
        actor=aisyah,
        providers=providers,
        employers=[employer],
        expected_version=case.version,
        **consent_args(),
    )
    case.refresh_from_db()
    assert case.status == Status.CONSENTED
    assert consent.recorded_by == aisyah
    assert consent.recorded_at is not None
    assert set(consent.providers.all()) == set(providers)
    assert list(consent.employers.all()) == [employer]
    # Stored under MEDIA_ROOT under a random name, not the name it was sent with.
    assert (uploads / consent.signed_form.name).read_bytes() == PDF
    assert consent.signed_form.name.startswith("consent/")
    assert Transition.objects.get(case=case).to_status == Status.CONSENTED


def test_consent_is_audited_once(case, aisyah, providers):
    consent = consent_record(case=case, actor=aisyah, providers=providers, **consent_args())
    events = AuditEvent.objects.filter(object_type="cases.consent", object_id=str(consent.pk))
    assert [e.action for e in events] == ["create"]
    case_events = AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
    assert [e.action for e in case_events] == ["transition"]


def test_sharing_follows_the_named_parties(consented, providers, employer):
    other_provider = Provider.objects.exclude(pk__in=[p.pk for p in providers]).first()
    assert case_has_sharing_consent(consented, providers[0])
    assert not case_has_sharing_consent(consented, other_provider)
    assert case_has_sharing_consent(consented, employer)
    assert not case_has_sharing_consent(consented, EmployerFactory())
    assert case_has_sharing_consent(consented, JPESS)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("intention_confirmed", False, "Confirm that the person intends to take part"),
        ("joins_programme", False, "The person must consent to join the programme"),
        ("given_on", TODAY + dt.timedelta(days=1), "cannot be in the future"),
        ("given_on", REFERRED - dt.timedelta(days=1), "cannot date from before the referral"),
    ],
)
def test_consent_without_intention_or_with_bad_dates_is_refused(
    case, aisyah, field, value, message
):
    with pytest.raises(StepInvalid) as error:
        consent_record(case=case, actor=aisyah, **consent_args(**{field: value}))
    assert message in error.value.errors[field][0]
    case.refresh_from_db()
    assert case.status == Status.ASSESSED
    assert not Consent.objects.exists()


def test_consent_requires_an_assessed_case(kl_office, aisyah):
    case = CaseFactory(
        office=kl_office, case_manager=aisyah, status=Status.ASSIGNED, referral_date=REFERRED
    )
    with pytest.raises(TransitionNotAllowed, match="after the initial assessment"):
        consent_record(case=case, actor=aisyah, **consent_args())


def test_only_the_case_manager_records_consent(case, chong, farid):
    for user in (chong, farid):
        with pytest.raises(TransitionForbidden):
            consent_record(case=case, actor=user, **consent_args())


def test_without_consent_an_assessed_case_can_only_consent_or_end(case, chong):
    assert set(allowed_targets(case)) == {Status.CONSENTED, Status.CLOSURE_PENDING}
    with pytest.raises(TransitionNotAllowed):
        case_transition(case=case, to=Status.PLAN_APPROVED, actor=chong)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (signed("consent.gif", b"GIF89a" + b"\x00" * 20), "this one is a GIF image"),
        (signed("consent.pdf", b"PK\x03\x04" + b"\x00" * 20), "this one is a ZIP archive"),
        (signed("consent.png", PDF), "ends in “.png” but the file is a PDF document"),
        (signed("consent.pdf", b""), "The submitted file is empty."),
    ],
)
def test_uploads_that_are_not_a_pdf_jpeg_or_png_are_refused_on_the_form(
    client, case, aisyah, upload, message
):
    client.force_login(aisyah)
    data = {
        "version": case.version,
        "given_on": (TODAY - dt.timedelta(days=1)).isoformat(),
        "method": "paper",
        "joins_programme": "on",
        "intention_confirmed": "on",
        "signed_form": upload,
    }
    response = client.post(reverse("cases:consent_new", args=[case.number]), data)
    assert response.status_code == 422
    page = response.content.decode().replace("&#x27;", "'")
    assert "There is a problem" in page
    assert message in page
    assert not Consent.objects.exists()


def test_the_form_records_consent_with_a_scan(client, case, aisyah, providers):
    client.force_login(aisyah)
    url = reverse("cases:consent_new", args=[case.number])
    assert client.get(url).status_code == 200
    data = {
        "version": case.version,
        "given_on": (TODAY - dt.timedelta(days=1)).isoformat(),
        "method": "paper",
        "joins_programme": "on",
        "intention_confirmed": "on",
        "providers": [providers[0].pk],
        "signed_form": signed("scan.png", PNG),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.signed_form.name.endswith(".png")
    assert not consent.shares_with_jpess
    assert list(consent.providers.all()) == [providers[0]]


def test_the_form_without_intention_shows_why(client, case, aisyah):
    client.force_login(aisyah)
    data = {
        "version": case.version,
        "given_on": (TODAY - dt.timedelta(days=1)).isoformat(),
        "method": "paper",
        "joins_programme": "on",
        "signed_form": signed(),
    }
    response = client.post(reverse("cases:consent_new", args=[case.number]), data)
    assert response.status_code == 422
    assert 'href="#id_intention_confirmed"' in response.content.decode()
    assert "Confirm that the person intends to take part" in response.content.decode()


def test_the_signed_form_is_served_only_to_those_who_see_the_case(
    client, consented, aisyah, chong, farid
):
    consent = Consent.objects.get()
    url = reverse("cases:consent_signed_form", args=[consented.number, consent.pk])

    client.force_login(farid)
    assert client.get(url).status_code == 404
    assert not AccessEvent.objects.filter(what="consent.signed_form").exists()

    for user in (aisyah, chong):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
    events = AccessEvent.objects.filter(what="consent.signed_form", object_id=str(consent.pk))
    assert [e.actor for e in events.order_by("id")] == [aisyah, chong]


def test_a_consent_without_its_scan_says_so_and_offers_no_download(client, consented, aisyah):
    # As consents carried over from paper records (and the generated data) have them.
    consent = Consent.objects.get()
    consent.signed_form = ""
    consent.save()
    client.force_login(aisyah)

    page = client.get(reverse("cases:consent", args=[consented.number])).content.decode()
    assert "No signed form on file" in page and "Download the signed form" not in page
    url = reverse("cases:consent_signed_form", args=[consented.number, consent.pk])
    assert client.get(url).status_code == 404
    assert not AccessEvent.objects.filter(what="consent.signed_form").exists()


def test_the_consent_form_is_printed_in_malay_for_a_malay_speaker(case, providers, employer):
    html = consent_pdf_html(case, providers=providers, employers=[employer], shares_with_jpess=True)
    assert 'lang="ms"' in html
    assert "Persetujuan untuk menyertai program Kembali Bekerja" in html
    assert "Tandatangan orang berinsurans" in html
    assert case.number in html
    assert "Nurul Huda binti Zainal" in html
    assert "Logistik Maju Sdn Bhd" in html
    assert consent_pdf(case, providers=providers).startswith(b"%PDF")


def test_the_consent_form_is_in_english_for_an_english_speaker(case):
    case.person.preferred_language = "en"
    html = consent_pdf_html(case)
    assert "Consent to join the Return to Work programme" in html
    assert "Other parties (write their names):" in html


def test_the_consent_form_download(client, case, aisyah, providers, farid):
    url = reverse("cases:consent_form_pdf", args=[case.number])
    client.force_login(aisyah)
    assert client.get(reverse("cases:consent_print", args=[case.number])).status_code == 200
    response = client.get(url, {"providers": [providers[0].pk], "shares_with_jpess": "on"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"{case.number}-consent-ms.pdf" in response["Content-Disposition"]
    assert AccessEvent.objects.filter(what="case.consent_form.pdf").count() == 1
    client.force_login(farid)
    assert client.get(url).status_code == 404


def test_withdrawal_ends_the_case_and_stops_sharing(consented, aisyah, providers):
    on_date = TODAY
    consent = consent_withdraw(
        case=consented,
        actor=aisyah,
        reason="Phoned: she no longer wants to take part.",
        on_date=on_date,
        expected_version=consented.version,
    )
    consented.refresh_from_db()
    assert consented.status == Status.CLOSURE_PENDING
    assert consented.closure_reason == ClosureReason.CONSENT_WITHDRAWN
    assert (consent.withdrawn_on, consent.withdrawn_by) == (on_date, aisyah)
    assert consent.withdrawal_reason == "Phoned: she no longer wants to take part."
    assert current_consent(consented) is None
    assert not case_has_sharing_consent(consented, providers[0])
    assert not case_has_sharing_consent(consented, JPESS)
    last = Transition.objects.filter(case=consented).first()
    assert (last.to_status, last.reason) == (
        Status.CLOSURE_PENDING,
        "Phoned: she no longer wants to take part.",
    )
    events = AuditEvent.objects.filter(object_type="cases.consent", object_id=str(consent.pk))
    assert [e.action for e in events.order_by("id")] == ["create", "withdraw"]


def test_a_withdrawal_needs_a_reason_and_a_sensible_date(consented, aisyah):
    with pytest.raises(StepInvalid) as error:
        consent_withdraw(
            case=consented, actor=aisyah, reason=" ", on_date=TODAY + dt.timedelta(days=1)
        )
    assert set(error.value.errors) == {"reason", "on_date"}
    with pytest.raises(StepInvalid, match="before the consent"):
        consent_withdraw(
            case=consented, actor=aisyah, reason="No.", on_date=REFERRED - dt.timedelta(days=1)
        )
    consented.refresh_from_db()
    assert consented.status == Status.CONSENTED


def test_nothing_to_withdraw_without_consent(case, aisyah):
    with pytest.raises(TransitionNotAllowed, match="no consent in force"):
        consent_withdraw(case=case, actor=aisyah, reason="No.", on_date=TODAY)


def test_the_withdraw_page(client, consented, aisyah, farid):
    url = reverse("cases:consent_withdraw", args=[consented.number])
    client.force_login(farid)
    assert client.get(url).status_code == 404
    client.force_login(aisyah)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"version": consented.version, "on_date": TODAY.isoformat(), "reason": "Moved away."}
    )
    assert response.status_code == 302
    consented.refresh_from_db()
    assert consented.status == Status.CLOSURE_PENDING
    page = client.get(reverse("cases:detail", args=[consented.number])).content.decode()
    assert "Consent withdrawn on" in page
    assert "Moved away." in page


def test_a_stale_withdrawal_is_refused(client, consented, aisyah):
    client.force_login(aisyah)
    url = reverse("cases:consent_withdraw", args=[consented.number])
    stale = consented.version
    Case.objects.filter(pk=consented.pk).update(version=stale + 1)
    response = client.post(url, {"version": stale, "on_date": TODAY.isoformat(), "reason": "x"})
    assert response.status_code == 409
    assert "reload and try again" in response.content.decode()
    assert current_consent(consented) is not None


def test_ending_the_case_as_consent_withdrawn_elsewhere_also_withdraws_consent(
    consented, aisyah, providers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(
            case=consented,
            to=Status.CLOSURE_PENDING,
            actor=aisyah,
            reason="Told me at the clinic.",
            closure_reason=ClosureReason.CONSENT_WITHDRAWN,
        )
    consent = Consent.objects.get()
    assert consent.is_withdrawn
    assert consent.withdrawal_reason == "Told me at the clinic."
    assert not case_has_sharing_consent(consented, providers[0])


def test_the_case_page_shows_the_consent_and_links_to_it(client, consented, aisyah):
    client.force_login(aisyah)
    response = client.get(reverse("cases:detail", args=[consented.number]))
    page = response.content.decode()
    assert "Consent to join the programme given on" in page
    assert "2 rehabilitation providers, 1 employer, the job placement service (JPESS)" in page
    assert reverse("cases:consent", args=[consented.number]) in page
    page = client.get(reverse("cases:consent", args=[consented.number])).content.decode()
    assert "Consent in force" in page
    assert "Logistik Maju Sdn Bhd" in page
    assert "Record a withdrawal of consent" in page


def test_the_pages_speak_malay(client, consented, aisyah):
    client.force_login(aisyah)
    client.cookies["django_language"] = "ms"
    page = client.get(reverse("cases:consent", args=[consented.number])).content.decode()
    assert "Persetujuan berkuat kuasa" in page
    assert "Muat turun borang yang ditandatangani" in page
    page = client.get(reverse("cases:detail", args=[consented.number])).content.decode()
    assert "Persetujuan untuk menyertai program diberikan pada" in page
    page = client.get(reverse("cases:consent_print", args=[consented.number])).content.decode()
    assert "Muat turun borang persetujuan (PDF)" in page
