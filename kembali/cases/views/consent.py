"""Consent: the page of a case's consents, recording consent with the signed form,
printing the consent form to be signed, downloading a signed form, and recording
a withdrawal.

Every page loads the case through access_case (404 when not visible); the signed
form and the printed form leave only after that check, and each fetch is recorded."""

import os

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kembali.audit.services import access_record
from kembali.cases.consent import case_consents, current_consent
from kembali.cases.consent_pdf import consent_pdf, consent_pdf_language
from kembali.cases.forms_consent import ConsentForm, ConsentPrintForm, WithdrawForm
from kembali.cases.models import Consent, Status
from kembali.cases.services_assessment import StepInvalid
from kembali.cases.services_consent import consent_record, consent_withdraw, may_withdraw_consent
from kembali.cases.views.assessment import add_service_errors
from kembali.cases.views.detail import load_case
from kembali.cases.views.steps import _done, _posted_stale, _refused, _seen_version
from kembali.cases.workflow import WorkflowError, allowed_targets
from kembali.core.uploads import serve_protected_file


def _may_record(user, case) -> bool:
    return case.status == Status.ASSESSED and Status.CONSENTED in allowed_targets(case, user)


def _may_withdraw(user, case, consent) -> bool:
    return consent is not None and may_withdraw_consent(user, case)


def _status(form) -> int:
    return getattr(form, "refused_with", 422) if form.errors else 200


@login_required
@require_http_methods(["GET"])
def consent_page(request, number: str):
    case = load_case(request, number)
    consents = case_consents(case)
    access_record(actor=request.user, what="case.consent.view", obj=case, request=request)
    in_force = current_consent(case)
    return render(
        request,
        "cases/consent.html",
        {
            "case": case,
            "consents": consents,
            "in_force": in_force,
            "may_record": _may_record(request.user, case),
            "may_withdraw": _may_withdraw(request.user, case, in_force),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_new(request, number: str):
    case = load_case(request, number)
    if not _may_record(request.user, case) and not _posted_stale(request, case):
        raise PermissionDenied
    form = ConsentForm(
        request.POST or None,
        request.FILES or None,
        case=case,
        initial={
            "version": _seen_version(request, case),
            "given_on": timezone.localdate(),
            "employers": list(form_employer_ids(case)),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            consent_record(
                case=case,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **form.service_arguments(),
            )
        except StepInvalid as exc:
            add_service_errors(form, exc)
        except WorkflowError as exc:
            _refused(form, exc)
        else:
            return _done(
                request,
                case,
                _("The consent is recorded; next, design the rehabilitation plan with the person."),
            )
    return render(
        request, "cases/consent_form.html", {"case": case, "form": form}, status=_status(form)
    )


def form_employer_ids(case):
    """The pre-injury employer, ticked at first: the usual first party to involve."""
    employment = case.pre_injury_employment
    if employment is not None and employment.employer_id:
        yield employment.employer_id


@login_required
@require_http_methods(["GET"])
def consent_print(request, number: str):
    """Choose the parties to name on the form, then download it as a PDF."""
    case = load_case(request, number)
    form = ConsentPrintForm(
        case=case, initial={"employers": list(form_employer_ids(case)), "shares_with_jpess": True}
    )
    return render(
        request,
        "cases/consent_print.html",
        {"case": case, "form": form, "language": consent_pdf_language(case)},
    )


@login_required
@require_http_methods(["GET"])
def consent_form_pdf(request, number: str):
    case = load_case(request, number)
    form = ConsentPrintForm(request.GET, case=case)
    if not form.is_valid():
        return render(
            request,
            "cases/consent_print.html",
            {"case": case, "form": form, "language": consent_pdf_language(case)},
            status=422,
        )
    content = consent_pdf(
        case,
        providers=list(form.cleaned_data["providers"]),
        employers=list(form.cleaned_data["employers"]),
        shares_with_jpess=form.cleaned_data["shares_with_jpess"],
    )
    access_record(actor=request.user, what="case.consent_form.pdf", obj=case, request=request)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"{case.number}-consent-{consent_pdf_language(case)}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET"])
def consent_signed_form(request, number: str, pk: int):
    case = load_case(request, number)
    consent = get_object_or_404(Consent, case=case, pk=pk)
    if not consent.signed_form:  # a consent carried over from paper records without its scan
        raise Http404("No signed form on file for this consent.")
    extension = os.path.splitext(consent.signed_form.name)[1]
    return serve_protected_file(
        request,
        consent.signed_form,
        what="consent.signed_form",
        obj=consent,
        filename=f"{case.number}-consent-{consent.given_on:%Y-%m-%d}{extension}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw_view(request, number: str):
    case = load_case(request, number)
    in_force = current_consent(case)
    if not _may_withdraw(request.user, case, in_force) and not _posted_stale(request, case):
        raise PermissionDenied
    form = WithdrawForm(
        request.POST or None,
        initial={"version": _seen_version(request, case), "on_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            consent_withdraw(
                case=case,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                on_date=form.cleaned_data["on_date"],
                expected_version=form.cleaned_data["version"],
            )
        except StepInvalid as exc:
            add_service_errors(form, exc)
        except WorkflowError as exc:
            _refused(form, exc)
        else:
            return _done(
                request,
                case,
                _(
                    "The withdrawal is recorded: the person's data is no longer shared, and "
                    "a supervisor approves the closure."
                ),
            )
    return render(
        request,
        "cases/consent_withdraw.html",
        {"case": case, "form": form, "in_force": in_force},
        status=_status(form),
    )
