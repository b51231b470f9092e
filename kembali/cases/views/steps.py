"""One view per workflow step a supervisor or case manager takes from the case page:
assignment, the eligibility override, ending, closing, refusing and reopening.

Each: load the case through access_case (404 when not visible), check the user may
take the step (403), call the service with the version the user saw, then go back to
the case page. A refused step re-renders its page with the reason; nothing changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kembali.cases.actions import may_reassign
from kembali.cases.forms import AssignForm, ClosureRequestForm, ReasonForm, VersionForm
from kembali.cases.models import ClosureReason, Status
from kembali.cases.services import case_assign, eligibility_override
from kembali.cases.views.detail import load_case, render_case_page
from kembali.cases.workflow import (
    AFTER_CONSENT,
    RTW_ENDING_FROM,
    WorkflowError,
    allowed_targets,
    case_transition,
    status_before_closure,
)
from kembali.cases.workload import case_manager_loads


def _seen_version(request, case) -> int:
    """The version the user saw on the case page (carried in the link), else now."""
    try:
        return int(request.GET.get("version", case.version))
    except ValueError:
        return case.version


def _require_target(request, case, target: str | None) -> None:
    """403 unless the user may take this step now. Skipped for a stale POST: the
    service then refuses it with "changed by ... since you opened it", which says
    more than a 403 about a step that someone else already took."""
    if _posted_stale(request, case):
        return
    if target is None or target not in allowed_targets(case, request.user):
        raise PermissionDenied


def _posted_stale(request, case) -> bool:
    if request.method != "POST":
        return False
    try:
        return int(request.POST.get("version", "")) != case.version
    except ValueError:
        return False


def _done(request, case, text: str):
    messages.success(request, text)
    return redirect("cases:detail", number=case.number)


def _step_page(request, case, form, *, template="cases/step_form.html", status=200, **extra):
    context = {"case": case, "form": form, **extra}
    if form.errors:
        status = getattr(form, "refused_with", 422)
    return render(request, template, context, status=status)


def _refused(form, exc: WorkflowError) -> None:
    form.add_error(None, exc.detail)
    form.refused_with = exc.status_code


# --- buttons on the case page (POST only)


def _reason_step(request, case, form, *, to: str, done_text: str, **extra):
    """Move the case with the reason and version from a valid form: the step's
    success redirect, or None with the refusal put on the form."""
    try:
        case_transition(
            case=case,
            to=to,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
            **extra,
        )
    except WorkflowError as exc:
        _refused(form, exc)
        return None
    return _done(request, case, done_text)


def _button_step(request, number: str, *, target: str, done_text: str):
    case = load_case(request, number)
    _require_target(request, case, target)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return render_case_page(
            request, case, error=_("Reload the page and try again."), status=400
        )
    try:
        case_transition(
            case=case, to=target, actor=request.user, expected_version=form.cleaned_data["version"]
        )
    except WorkflowError as exc:
        case = load_case(request, number)
        return render_case_page(request, case, error=exc.detail, status=exc.status_code)
    return _done(request, case, done_text)


@login_required
@require_POST
def closure_approve(request, number: str):
    return _button_step(
        request,
        number,
        target=Status.CLOSED,
        done_text=_("The closure is approved; the case is closed."),
    )


@login_required
@require_POST
def close_not_eligible(request, number: str):
    case = load_case(request, number)
    if case.status != Status.NOT_ELIGIBLE and not _posted_stale(request, case):
        raise PermissionDenied
    return _button_step(
        request, number, target=Status.CLOSED, done_text=_("The case is closed as not eligible.")
    )


# --- pages with a form


@login_required
def case_assign_view(request, number: str):
    case = load_case(request, number)
    reassigning = case.case_manager_id is not None
    if reassigning:
        if not may_reassign(case, request.user) and not _posted_stale(request, case):
            raise PermissionDenied
    else:
        _require_target(request, case, Status.ASSIGNED)
    loads = case_manager_loads(office=case.office)
    suggested = loads[0].user if loads else None
    initial = {"version": _seen_version(request, case)}
    if suggested is not None and not reassigning:
        initial["case_manager"] = str(suggested.pk)
    form = AssignForm(request.POST or None, initial=initial, loads=loads)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"].strip()
        if reassigning and not reason:
            form.add_error("reason", _("Say why the case is reassigned."))
        else:
            chosen = form.chosen()
            try:
                case_assign(
                    case=case,
                    case_manager=chosen,
                    actor=request.user,
                    reason=reason,
                    expected_version=form.cleaned_data["version"],
                )
            except WorkflowError as exc:
                _refused(form, exc)
            else:
                return _done(
                    request,
                    case,
                    _("%(name)s is now the case manager.") % {"name": chosen.display_name},
                )
    return _step_page(
        request,
        case,
        form,
        template="cases/assign.html",
        loads=loads,
        suggested=suggested,
        reassigning=reassigning,
    )


@login_required
def eligibility_override_view(request, number: str):
    case = load_case(request, number)
    if case.status != Status.NOT_ELIGIBLE and not _posted_stale(request, case):
        raise PermissionDenied
    _require_target(request, case, Status.ELIGIBLE)
    form = ReasonForm(request.POST or None, initial={"version": _seen_version(request, case)})
    form.fields["reason"].label = _("Why is the person eligible after all?")
    form.fields["reason"].help_text = _(
        "This reason is kept with the decision and shown on the case page."
    )
    if request.method == "POST" and form.is_valid():
        try:
            eligibility_override(
                case=case,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except WorkflowError as exc:
            _refused(form, exc)
        else:
            return _done(request, case, _("The decision is overridden: the case is eligible."))
    return _step_page(
        request,
        case,
        form,
        title=_("Override the eligibility decision"),
        intro=_(
            "The rules found the person not eligible. As a supervisor you may decide "
            "otherwise, with a written reason."
        ),
        submit=_("Override and make eligible"),
    )


def closure_choices(case) -> list[str]:
    """The endings open to a case in its present stage."""
    choices = [
        ClosureReason.MEDICALLY_UNFIT,
        ClosureReason.DECLINED,
        ClosureReason.LOST_CONTACT,
        ClosureReason.DECEASED,
        ClosureReason.TRANSFERRED,
    ]
    if case.status in AFTER_CONSENT:
        choices.insert(0, ClosureReason.CONSENT_WITHDRAWN)
    if case.status in RTW_ENDING_FROM:
        choices.insert(0, ClosureReason.RETURNED_TO_WORK)
    return choices


@login_required
def closure_request(request, number: str):
    case = load_case(request, number)
    _require_target(request, case, Status.CLOSURE_PENDING)
    form = ClosureRequestForm(
        request.POST or None,
        initial={"version": _seen_version(request, case)},
        choices=closure_choices(case),
    )
    if request.method == "POST" and form.is_valid():
        done = _reason_step(
            request,
            case,
            form,
            to=Status.CLOSURE_PENDING,
            done_text=_("The closure is requested; a supervisor approves it."),
            closure_reason=form.cleaned_data["closure_reason"],
        )
        if done:
            return done
    return _step_page(
        request,
        case,
        form,
        title=_("End the case"),
        intro=_(
            "Work on the case stops now. A supervisor approves the closure, or refuses "
            "it and the case goes back to where it was."
        ),
        submit=_("Request the closure"),
    )


@login_required
def closure_refuse(request, number: str):
    case = load_case(request, number)
    if case.status != Status.CLOSURE_PENDING and not _posted_stale(request, case):
        raise PermissionDenied
    back_to = status_before_closure(case)
    _require_target(request, case, back_to)
    form = ReasonForm(request.POST or None, initial={"version": _seen_version(request, case)})
    if request.method == "POST" and form.is_valid():
        done = _reason_step(
            request,
            case,
            form,
            to=back_to or case.status,
            done_text=_("The closure is refused; the case is open again."),
        )
        if done:
            return done
    return _step_page(
        request,
        case,
        form,
        title=_("Refuse the closure"),
        intro=_("The case goes back to “%(status)s”. Say why, for the case manager.")
        % {"status": Status(back_to).label if back_to else case.get_status_display()},
        submit=_("Refuse the closure"),
    )


@login_required
def case_reopen(request, number: str):
    case = load_case(request, number)
    _require_target(request, case, Status.ASSIGNED)
    if case.status != Status.CLOSED and not _posted_stale(request, case):
        raise PermissionDenied
    form = ReasonForm(request.POST or None, initial={"version": _seen_version(request, case)})
    if request.method == "POST" and form.is_valid():
        done = _reason_step(
            request, case, form, to=Status.ASSIGNED, done_text=_("The case is reopened.")
        )
        if done:
            return done
    return _step_page(
        request,
        case,
        form,
        title=_("Reopen the case"),
        intro=_(
            "The case goes back to its case manager, %(name)s, who starts with a new assessment."
        )
        % {"name": case.case_manager.display_name if case.case_manager else ""},
        submit=_("Reopen the case"),
    )
